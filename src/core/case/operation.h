/*
 * operation.h — a supervisor's named operation (issue 14 item 6): for a rescue that
 * registers many children at once, a supervisor lifts the hourly limits on creating cases
 * with an IIN (iin_quota.h) for the users of their organisation, for 1 to 72 hours or
 * until they end it. The attempts made during it are still recorded, with its id. Every
 * start and end is audited. The name says what the operation is (it is stored as given
 * and shown to the organisation's supervisors: it names no child).
 */
#ifndef QG_OPERATION_H
#define QG_OPERATION_H

#include <jansson.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define OPERATION_HOURS_MAX 72
#define OPERATION_NAME_MAX 200 /* bytes of UTF-8 */

/* Starts an operation of the actor's organisation: body {"name": text, "hours": 1..72}.
 * Needs ACT_OPERATION_MANAGE (QG_EFORBIDDEN). *out (caller owns) is the operation as
 * operation_list shows it. Audited "operation.start" (its id and hours; not its name). */
qg_code operation_start(qg_app *app, const qg_actor *actor, json_t *body, json_t **out,
                        qg_error *err);

/* The operations of the actor's organisation, newest first (at most 100): *out (caller
 * owns) is {"operations": [{"id", "name", "started_by": {"id", "login", "name"},
 * "started_at", "ends_at", "ended_at" (null unless ended early), "ended_by" (the same or
 * null), "active", "attempts" (cases created or IINs changed under it)}]}. Needs
 * ACT_OPERATION_MANAGE. */
qg_code operation_list(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err);

/* Ends the active operation id of the actor's organisation now: QG_ENOTFOUND
 * ("operation.not_found") when there is none such in the organisation, QG_ECONFLICT
 * ("operation.ended") when it has ended already. *out as one operation. Audited
 * "operation.end". */
qg_code operation_end(qg_app *app, const qg_actor *actor, int64_t id, json_t **out,
                      qg_error *err);

#endif
