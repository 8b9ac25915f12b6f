/*
 * iin_quota.h — the IIN check that cannot be farmed (issue 14 item 6): every attempt to
 * create a case with an IIN, and every change of a case's IIN, is recorded
 * (iin_quota_log: who, which organisation, when, whether the IIN was already registered,
 * under which operation) and counted against two hourly limits, per user and per
 * organisation (qg_settings: iin_per_user_hour, iin_per_org_hour). While a supervisor's
 * operation is active (operation.h) the organisation's users are not limited, but their
 * attempts are still recorded, with the operation's id. The duplicate answers recorded
 * here make the alerts on the supervisors' home page. docs/security.md, "The IIN check
 * cannot be farmed", explains the choice.
 */
#ifndef QG_IIN_QUOTA_H
#define QG_IIN_QUOTA_H

#include <jansson.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "store/db.h"

#define IIN_QUOTA_WINDOW_S 3600
#define IIN_ALERT_WINDOW_S (24 * 3600)
#define IIN_ALERT_MIN 3

/* Inside the writer's transaction that creates a case (case_id 0) or replaces the personal
 * data of case case_id, whose new IIN has the keyed hash hash: records the attempt, unless
 * the IIN is the case's own already (no change) or the actor is not limited (the system).
 * Over a limit, with no active operation of the actor's organisation, nothing is recorded
 * and the answer is QG_ETHROTTLED, field "personal.iin", reason "iin.limit_user" or
 * "iin.limit_org", the message saying in how many minutes to try again; the caller's
 * transaction then stores nothing. */
qg_code iin_quota_take(db *conn, const qg_app *app, const qg_actor *actor, int64_t case_id,
                       const char *hash, qg_error *err);

/* How long the actor must wait before a case with an IIN may be created again: *seconds
 * is 0 when neither limit is reached (or an operation lifts them). For the answer's
 * Retry-After. */
qg_code iin_quota_wait(qg_app *app, const qg_actor *actor, int *seconds, qg_error *err);

/* The users of the actor's organisation with IIN_ALERT_MIN or more duplicate IIN answers
 * within the last IIN_ALERT_WINDOW_S seconds, the latest first: *out (caller owns) is
 * [{"user": {"id", "login", "name"}, "count", "last_at"}], or NULL when the actor may not
 * manage operations (policy ACT_OPERATION_MANAGE: a supervisor), who then sees none. */
qg_code iin_quota_alerts(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err);

#endif
