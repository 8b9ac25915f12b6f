/*
 * contact.h — when a worker registers a child whose IIN another organisation already holds
 * (issue 14 item 7): the answer they got (an "attempt", kept for their supervisors), and the
 * contact request that asks the holding organisation's supervisors to get in touch. Neither
 * carries personal data: the holder sees which of its cases, and who asks; the asker learns
 * the holder only when the names they gave matched the registered child's. The holder may
 * then refer the child or grant access through the usual ways.
 */
#ifndef QG_CONTACT_H
#define QG_CONTACT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "crypto/crypto.h"
#include "store/db.h"

#define CONTACT_ATTEMPT_DAYS 30 /* how long supervisors see their users' IIN answers */

/* Inside the caller's transaction: records that actor was told case_id holds the IIN they
 * gave (org_named: the holder was named to them) and writes the attempt's token into
 * token (an unguessable handle the answer carries). The system actor (no user) records
 * nothing and gets "". */
qg_code contact_attempt_record(db *conn, const qg_actor *actor, int64_t case_id, bool org_named,
                               char token[QG_TOKEN_HEX], qg_error *err);

/* Sends a contact request for the attempt with token: by its worker when the holder was
 * named to them, or by a supervisor of the worker's organisation. Audited. *out is
 * {"request": R} (contact_list's outgoing form), caller-owned. QG_ENOTFOUND
 * (attempt.not_found) for a token the actor may not use, QG_ECONFLICT
 * (contact.already_sent) when one was sent. */
qg_code contact_send(qg_app *app, const qg_actor *actor, const char *token, json_t **out,
                     qg_error *err);

/* The actor's contact requests: {"incoming": [...], "outgoing": [...]}, newest first,
 * caller-owned. Incoming (supervisors): about their organisation's cases, with the case's
 * code. Outgoing: sent by the actor's organisation (a supervisor: all of them; others: those
 * they sent or that were about their own attempts); "to_org" is null when the holder was
 * not named. */
qg_code contact_list(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err);

/* Answers incoming request id with answer (will_refer, will_call, declined), by a
 * supervisor of the holding organisation. Audited. *out is {"request": R}. QG_ENOTFOUND
 * (contact.not_found), QG_ECONFLICT (contact.already_answered), QG_EINVAL (field
 * "answer", value.not_in_list). */
qg_code contact_answer(qg_app *app, const qg_actor *actor, int64_t id, const char *answer,
                       json_t **out, qg_error *err);

/* The IIN duplicate answers the users of a supervisor's organisation got in the last
 * CONTACT_ATTEMPT_DAYS days: {"attempts": [{"id", "user", "at", "org_named",
 * "request_sent"}]}, newest first, caller-owned. */
qg_code contact_attempts(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err);

/* Inside the caller's read: the number of unanswered requests about cases of org_id. */
qg_code contact_waiting(db *conn, int64_t org_id, int64_t *n, qg_error *err);

#endif
