/*
 * case_assign.h — a case's case managers: assigning and unassigning them. Included by
 * case.h.
 */
#ifndef QG_CASE_ASSIGN_H
#define QG_CASE_ASSIGN_H

#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define CASE_MANAGERS_MAX 2 /* one, or at most two, case managers per child (L1979) */

/* Assigns user_id (a case manager of the case's organisation) to the case. A third
 * case manager is QG_ECONFLICT. */
qg_code case_assign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                    qg_error *err);

/* Removes user_id from the case's case managers (QG_ENOTFOUND when not assigned). */
qg_code case_unassign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                      qg_error *err);

/* Inside the caller's transaction (for case.c, which assigns the opener of a new
 * case): records user_id as a case manager of case_id, assigned by by (0 = nobody), and
 * marks the case handed over. No checks and no audit entry. */
qg_code case_assignment_insert(db *conn, int64_t case_id, int64_t user_id, int64_t by,
                               qg_error *err);

#endif
