/*
 * consent.h — a child's consents: who gave it (the child, a parent, a guardian, another
 * person), for what (services, sharing with a named organisation, inclusion in
 * statistics), when, and which worker recorded it; and its withdrawal. Withdrawing
 * consent to statistics takes the case out of every aggregate from then on
 * (cases.stats_excluded); withdrawing consent to sharing stops any further sharing
 * with that organisation.
 *
 * A consent's note (e.g. the role of the other person who gave it) is free text that
 * may name someone, so it is sealed to its place ("qorgau:case:<id>:consent:<n>") and
 * never decrypted by these calls: views say only "has_note". Recording and withdrawing
 * need the right to change the case's personal data (a closed case still takes both);
 * reading needs the right to read the case. Each change is audited in its own
 * transaction with numbers and codes only.
 *
 * At most one consent per purpose (and, for sharing, per organisation) is active at a
 * time: a second one is QG_ECONFLICT naming "purpose", so withdrawing the active one
 * always ends that consent.
 */
#ifndef QG_CONSENT_H
#define QG_CONSENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "base/err.h"
#include "store/db.h"

#define CONSENT_NOTE_MAX 1000 /* bytes */

/* Inside the caller's transaction: sets *yes when case_id holds a consent for purpose
 * ("services", "sharing", "statistics") that is not withdrawn; for "sharing" it must
 * name organisation org_id (ignored for the other purposes). */
qg_code consent_active(db *conn, int64_t case_id, const char *purpose, int64_t org_id, bool *yes,
                       qg_error *err);

/* Inside the caller's transaction: sets *yes when case_id counts in aggregates (its
 * statistics were not refused: cases.stats_excluded = 0). For the report and referral
 * modules: a case whose consent to statistics was withdrawn is left out of every
 * figure from then on. QG_ENOTFOUND (field "case") when there is no such case. */
qg_code consent_case_in_statistics(db *conn, int64_t case_id, bool *yes, qg_error *err);

/* Checks the form of a create body {"purpose" (required: consent_purpose code),
 * "org_id" (an organisation id, required for "sharing" and refused for the other
 * purposes), "given_by" (required: consent_giver code), "given_on" (YYYY-MM-DD, not
 * before 2000-01-01, not in the future), "note" (text of at most CONSENT_NOTE_MAX
 * bytes)}. Unknown keys are refused naming "body". Whether the organisation exists is
 * checked when the consent is stored. Returns QG_OK or QG_EINVAL naming the field,
 * never echoing a value. */
qg_code consent_check_create(json_t *body, qg_error *err);

/* Checks the form of a withdrawal body {"withdrawn_on" (optional YYYY-MM-DD, not in
 * the future)}. Returns QG_OK or QG_EINVAL naming the field. */
qg_code consent_check_withdraw(json_t *body, qg_error *err);

/* Records a consent on the case from body (see consent_check_create; given_on defaults
 * to today in Kazakhstan). An unknown organisation is QG_EINVAL naming "org_id"; an
 * active consent for the same purpose (and organisation) is QG_ECONFLICT naming
 * "purpose". A statistics consent on a case out of statistics brings it back (the
 * child agreed again). Audited as "consent.create" {"n", "purpose", "org_id"}, plus
 * "stats_included": true when the case came back. On QG_OK *out (caller owns) is the
 * consent: {"n", "purpose", "org_id", "org_name", "given_by", "given_on",
 * "recorded_by", "recorded_at", "withdrawn_on", "withdrawn_by", "active", "has_note"}. */
qg_code consent_create(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                       json_t **out, qg_error *err);

/* Lists the case's consents, oldest first, notes not decrypted: *out (caller owns) is
 * {"consents": [consent...], "statistics": "included"|"excluded"}. Not audited: it holds
 * no personal data. */
qg_code consent_list(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                     qg_error *err);

/* Withdraws consent n of the case on body's "withdrawn_on" (default today; not before
 * the consent was given, else QG_EINVAL naming "withdrawn_on"). An unknown consent is
 * QG_ENOTFOUND and one already withdrawn QG_ECONFLICT, both naming "consent".
 * Withdrawing a statistics consent takes the case out of statistics; withdrawing a
 * sharing consent makes consent_active false for that organisation, so no further
 * sharing happens. Audited as "consent.withdraw" {"n", "purpose"}, plus
 * "stats_excluded": true for statistics. *out (caller owns) is the consent. */
qg_code consent_withdraw(qg_app *app, const qg_actor *actor, const char *code, int64_t n,
                         json_t *body, json_t **out, qg_error *err);

/* The child refuses statistics, with or without a consent on record: takes the case
 * out of every aggregate and withdraws the active statistics consent, if any, today.
 * body must be {} (QG_EINVAL naming "body" otherwise). A case already out of
 * statistics is QG_ECONFLICT naming "statistics". Audited as "consent.opt_out"
 * {"purpose": "statistics", "withdrawn": n|null}. *out (caller owns) is
 * {"statistics": "excluded", "withdrawn": n|null}. */
qg_code consent_statistics_opt_out(qg_app *app, const qg_actor *actor, const char *code,
                                   json_t *body, json_t **out, qg_error *err);

#endif
