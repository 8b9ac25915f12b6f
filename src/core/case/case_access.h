/*
 * case_access.h — finding a case and deciding whether an actor may see it: the role
 * check before any lookup, loading a case by its code, and the policy (with a
 * break-the-glass grant) applied to it. Every service that hangs its records on a case
 * starts here. A case the actor may not see is QG_ENOTFOUND, the same answer as a case
 * that does not exist.
 */
#ifndef QG_CASE_ACCESS_H
#define QG_CASE_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/account/actor.h"
#include "core/account/policy.h"
#include "core/case/child_code.h"
#include "store/db.h"

/* Role check before any lookup (QG_EFORBIDDEN), then the code's form (QG_EINVAL,
 * field "code"); on success code holds the canonical case code. For services that
 * hang their records on a case (screenings). */
qg_code case_precheck(const qg_actor *actor, qg_action action, const char *code_in,
                      char code[QG_CODE_SIZE], qg_error *err);

/* Inside the caller's transaction on conn: finds the case with canonical code that
 * actor may do action on and sets *case_id. QG_ENOTFOUND when absent or hidden. */
qg_code case_find_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                      int64_t *case_id, qg_error *err);

/* As case_find_for, for records that only an open case takes (forms, tasks, stage
 * moves): a closed or withdrawn case is QG_ECONFLICT naming "status". */
qg_code case_find_open(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       int64_t *case_id, qg_error *err);

/* Where a case stands: its id, organisation, current stage, and whether it is closed
 * (true also when withdrawn: a withdrawn case takes no new records either) or withdrawn. */
typedef struct {
    int64_t id, org_id;
    char stage[32];
    bool closed;
    bool withdrawn;
} case_state;

/* As case_find_for, filling *out with the case's state. */
qg_code case_state_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       case_state *out, qg_error *err);

#endif
