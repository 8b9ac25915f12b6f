/*
 * agreement.h — the register of cooperation and data-sharing agreements between
 * organisations (Module 3 of the manual: a data-sharing agreement states the purpose,
 * the protections, who may use the data and how a person can complain). Kazakhstan has
 * no national referral mechanism (L2166, L2641): organisations refer children on the
 * strength of such agreements, so a referral needs a valid one.
 */
#ifndef QG_AGREEMENT_H
#define QG_AGREEMENT_H

#include <jansson.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "base/err.h"
#include "store/db.h"

#define AGREEMENT_TEXT_MAX 2000 /* purpose, protections, permitted users, complaints */

/* Inside the caller's transaction: looks for an agreement between organisations a and
 * b (either way round), valid on the date on (YYYY-MM-DD: from valid_from to valid_to,
 * not ended), whose shared data covers every share_part code in parts (a JSON array).
 * Sets *agreement_id to the newest such agreement, or 0 when there is none. */
qg_code agreement_find_valid(db *conn, int64_t a, int64_t b, const char *on, json_t *parts,
                             int64_t *agreement_id, qg_error *err);

/* Checks the body of POST /agreements: exactly the keys parties (two distinct
 * organisation ids), kind (agreement_kind), purpose, data_shared (distinct share_part
 * codes, at least one), protections, permitted_users, complaints (texts of at most
 * AGREEMENT_TEXT_MAX bytes), valid_from and valid_to (dates, valid_to not before
 * valid_from). Returns QG_OK or QG_EINVAL naming the field ("body" for an unknown key),
 * never repeating a value. Borrows body. */
qg_code agreement_check_body(json_t *body, qg_error *err);

/* Records an agreement (organisational text, stored in clear) with the smaller party
 * id as org_a. A role that may not manage agreements gets QG_EFORBIDDEN; a supervisor
 * whose organisation is not a party, or a party that does not exist, QG_EINVAL naming
 * "parties". Audited "agreement.create". *out (caller owns) is the stored agreement.
 * Borrows body. */
qg_code agreement_create(qg_app *app, const qg_actor *actor, json_t *body, json_t **out,
                         qg_error *err);

/* Ends agreement id early: body {"ended_on"?} (a date from valid_from to valid_to;
 * today by default), the first day it is no longer valid. QG_ENOTFOUND naming "id"
 * when the agreement does not exist or the actor may not see it, QG_ECONFLICT when it
 * was already ended. Audited "agreement.end". *out (caller owns) is the agreement. */
qg_code agreement_end(qg_app *app, const qg_actor *actor, int64_t id, json_t *body, json_t **out,
                      qg_error *err);

/* Lists the agreements the actor may see (all for admins, auditors and the system;
 * their organisation's for the case roles; QG_EFORBIDDEN for others), newest first,
 * each with "valid_today". org_id > 0 keeps those the organisation is a party to;
 * valid_on (NULL or "" for none; else a date, QG_EINVAL naming "valid_on") those valid
 * that day. *out (caller owns) is {"agreements": [...]}. */
qg_code agreement_list(qg_app *app, const qg_actor *actor, int64_t org_id, const char *valid_on,
                       json_t **out, qg_error *err);

/* Reads one agreement the actor may see into *out (caller owns); QG_ENOTFOUND naming
 * "id" when it does not exist or is not visible. */
qg_code agreement_get(qg_app *app, const qg_actor *actor, int64_t id, json_t **out, qg_error *err);

#endif
