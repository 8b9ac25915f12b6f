/*
 * task.h — tasks on a child's case (who does what by when, at which stage) and the
 * list of due and overdue tasks across cases, with the safety-plan reviews that are
 * due (issue 4: "Case managers see their own due and overdue tasks; supervisors see
 * their organisation's").
 *
 * A task's title is free text, so it is personal data: it is sealed to its place
 * ("qorgau:case:<id>:task:<n>"), writing it needs the right to change personal data,
 * and every read of titles is audited in the same transaction as the read. A closed
 * case takes no new task and no change to one (QG_ECONFLICT naming "status"). The
 * assignee must be an active user who may read the case; an error about the assignee
 * never repeats the login that was sent.
 */
#ifndef QG_TASK_H
#define QG_TASK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define TASK_TITLE_MAX 500   /* bytes, one line */
#define TASK_LIST_MAX 1000   /* items per list across cases; more sets "truncated" */

/* The SQL (a literal, so that statements stay literal: db_prepare caches by pointer) that
 * picks, from case_records r joined to cases c, the newest safety plan of each open case
 * that has a review date, within a scope bound as five parameters: (org-limited?, org id,
 * own-only?, user id, user id). Shared by the due list (task.c) and the home page's
 * counts (core/work), so both count the same reviews. */
#define TASK_SQL_REVIEWS_IN_SCOPE                                                          \
    " WHERE r.kind = 'safety_plan' AND c.status = 'open' AND r.due_on IS NOT NULL"         \
    " AND NOT EXISTS (SELECT 1 FROM case_records m WHERE m.case_id = r.case_id"            \
    " AND m.kind = 'safety_plan' AND (m.on_date > r.on_date"                               \
    " OR (m.on_date = r.on_date AND m.n > r.n)))"                                          \
    " AND (? = 0 OR c.org_id = ?)"                                                         \
    " AND (? = 0 OR c.created_by = ? OR EXISTS (SELECT 1 FROM case_assignments b"          \
    " WHERE b.case_id = c.id AND b.user_id = ?))"

/* Creates a task from body {"title" (required), "due_on" (required, YYYY-MM-DD, not
 * before 2000-01-01), "assignee" (a login; default the creator), "stage" (a stage
 * code but closure; default the case's current stage)}. Audited as "task.create"
 * {"n"}. On QG_OK *out is the new task (caller owns; it holds the title). */
qg_code task_create(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                    json_t **out, qg_error *err);

/* Lists a case's tasks with their titles decrypted, oldest first: *out is {"tasks":
 * [{"n", "stage", "title", "due_on", "overdue", "status", "assignee", "created_by",
 * "created_at", "updated_at", "version"}]} (caller owns). Needs the right to read
 * personal data; audited as "task.read" {"count"}. */
qg_code task_list_case(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                       qg_error *err);

/* Changes task n of the case from body {"status", "due_on", "assignee", "title",
 * "stage", "version"}; at least one field but "version" is required, and "version",
 * when given, must equal the stored one (else QG_ECONFLICT naming "version"). Audited
 * as "task.update" {"n", "fields": [names]}. *out is the changed task (caller owns). */
qg_code task_update(qg_app *app, const qg_actor *actor, const char *code, int64_t n, json_t *body,
                    json_t **out, qg_error *err);

typedef struct {
    bool overdue;           /* only tasks (and reviews) due before today */
    const char *due_before; /* NULL, or "YYYY-MM-DD": only those due before that day */
} task_query;

/* The open tasks of open cases in the actor's task scope (policy_task_scope: own
 * tasks on cases the actor still sees, the organisation's, or all), ordered by due
 * date, plus the safety-plan reviews due on those cases (the newest plan, by date
 * then number, of each case the actor may read). *out is {"tasks": [{"case", "n", "stage", "title",
 * "due_on", "overdue", "assignee", "status"}], "reviews": [{"case", "plan",
 * "review_on", "overdue"}], "truncated": bool} and, for those who decide on
 * break-the-glass access (ACT_GRANT_DECIDE), "grants": the requests to decide and
 * emergency accesses to review on the organisation's cases (grant_work_items) (caller
 * owns; titles are personal data). QG_EFORBIDDEN for a role without a task list, QG_EINVAL naming
 * "due_before" for a bad date. Audited as "task.list" {"count"}. */
qg_code task_list_due(qg_app *app, const qg_actor *actor, const task_query *query, json_t **out,
                      qg_error *err);

#endif
