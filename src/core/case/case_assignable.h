/*
 * case_assignable.h — who may take a case's work: the users a supervisor may assign
 * as the case's case managers, and the users a task (or an action-plan goal) may be
 * given to. For the web's pickers; the services that store the choice check it again
 * (case_assign.c, task.c). Only users of the actor's own organisation are ever listed
 * (the system actor: any), never a disabled or waiting account.
 */
#ifndef QG_CASE_ASSIGNABLE_H
#define QG_CASE_ASSIGNABLE_H

#include <jansson.h>

#include "core/account/actor.h"
#include "core/common/app.h"

/* The users actor may make case managers of case code: enabled, confirmed users of the
 * case's organisation whose role the policy lets take a case, not yet assigned to it.
 * Needs the right to assign on that case (else QG_EFORBIDDEN / QG_ENOTFOUND as for the
 * assignment itself). *out = {"users": [{"id", "login", "role", "name"}]} (caller owns;
 * name is null when none is set). */
qg_code case_assignable_managers(qg_app *app, const qg_actor *actor, const char *code,
                                 json_t **out, qg_error *err);

/* The users a task or goal of case code may be given to: enabled, confirmed users who
 * may read the case's personal data (they will read the task's title), the actor among
 * them. Needs the right to change the case's personal part, as creating a task does.
 * *out as for case_assignable_managers. */
qg_code case_assignable_workers(qg_app *app, const qg_actor *actor, const char *code,
                                json_t **out, qg_error *err);

#endif
