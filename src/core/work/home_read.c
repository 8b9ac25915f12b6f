/* home_read.c — the counts of the home summary, read in one snapshot (see home.h).
 *
 * Each block is counted in the actor's reach only: the SQL narrows the rows to the
 * actor's scope and every row that hangs on a case is kept only when the policy lets
 * the actor read that case (policy_decide on the case's facts, as the lists do), so a
 * case outside the actor's reach is never counted. Only numbers and logins leave here:
 * no case code, no title, no personal data. */
#include "core/work/home_impl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/policy.h"
#include "core/case/contact.h"
#include "core/case/grant_lookup.h"
#include "core/case/task.h"
#include "core/common/rows.h"
#include "core/vocab/vocab.h"

/* What the policy needs to know about a row's case (five columns, see facts_at); the
 * one parameter is the acting user's id. The same columns as the due list's. */
#define HOME_FACTS                                                                               \
    " c.org_id, c.created_by, (SELECT count(*) FROM case_assignments a WHERE a.case_id = c.id)," \
    " EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.user_id = ?),"       \
    " c.handed_over"

/* The audit actions that read a child's personal data or open a case outside one's
 * scope: what an auditor looks at first (docs/security.md: every such read is audited). */
#define SENSITIVE_ACTIONS                                                                   \
    "('personal.read', 'case.history_read', 'case.child_record', 'case.export',"          \
    " 'dataset.export', 'screening.read', 'task.read', 'referral.read', 'assessment.read'," \
    " 'safety_plan.read', 'action_plan.read', 'interaction.read', 'case.break_glass')"

#define HOME_RECENT_MAX 5 /* the latest sensitive reads shown */

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static bool allowed(const home_ctx *h, qg_action action)
{
    return policy_decide(h->actor, action, NULL) == POLICY_ALLOW;
}

static bool may_read_row(const home_ctx *h, db_stmt *st, int col, qg_action action)
{
    case_facts f = {.org_id = db_col_int(st, col),
                    .created_by = db_col_int(st, col + 1),
                    .assigned_count = (int)db_col_int(st, col + 2),
                    .actor_assigned = db_col_int(st, col + 3) != 0,
                    .handed_over = db_col_int(st, col + 4) != 0};
    return policy_decide(h->actor, action, &f) == POLICY_ALLOW;
}

/* Sets key of out to block (taking it); an error when block is NULL. */
static qg_code put(json_t *out, const char *key, json_t *block, qg_error *err)
{
    return block && json_object_set_new(out, key, block) == 0 ? QG_OK : oom(err);
}

static qg_code finish(db_stmt *st, int rc, qg_code c, qg_error *err)
{
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

/* ---- a case manager's and a supervisor's work ------------------------------------------ */

/* The open cases in the actor's list scope, by stage in the order of the code list. */
static qg_code count_cases(db *conn, const home_ctx *h, qg_error *err)
{
    case_scope scope = policy_case_scope(h->actor);
    if (scope == SCOPE_NONE)
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT c.stage," HOME_FACTS " FROM cases c WHERE c.status = 'open'"
                             " AND (? = 0 OR c.org_id = ?)"
                             " AND (? = 0 OR EXISTS (SELECT 1 FROM case_assignments b"
                             " WHERE b.case_id = c.id AND b.user_id = ?))"
                             " AND (? = 0 OR c.created_by = ?)",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, h->actor->user_id);
    db_bind_int(st, 2, scope == SCOPE_ORG);
    db_bind_int(st, 3, h->actor->org_id);
    db_bind_int(st, 4, scope == SCOPE_ASSIGNED);
    db_bind_int(st, 5, h->actor->user_id);
    db_bind_int(st, 6, scope == SCOPE_OPENED_UNASSIGNED);
    db_bind_int(st, 7, h->actor->user_id);
    json_int_t counts[64] = {0}, open = 0;
    size_t n = VOCAB_STAGE.count < 64 ? VOCAB_STAGE.count : 64;
    int rc;
    while ((rc = db_step(st, err)) == 1) {
        if (!may_read_row(h, st, 1, ACT_CASE_READ))
            continue;
        open++;
        for (size_t i = 0; i < n; i++)
            if (strcmp(VOCAB_STAGE.entries[i].code, db_col_text(st, 0)) == 0)
                counts[i]++;
    }
    qg_code c = finish(st, rc, QG_OK, err);
    json_t *stages = json_array();
    for (size_t i = 0; c == QG_OK && stages && i < n; i++)
        if (counts[i] && json_array_append_new(stages, json_pack("{s:s, s:I}", "stage",
                                                                 VOCAB_STAGE.entries[i].code,
                                                                 "count", counts[i])) != 0)
            c = oom(err);
    if (c != QG_OK) {
        json_decref(stages);
        return c;
    }
    return put(h->out, "cases", stages ? json_pack("{s:I, s:o}", "open", open, "by_stage", stages)
                                       : NULL,
               err);
}

/* Counts the rows of st (due date in column 0, the case's facts from column 1) that
 * the actor may read: all of them as "due", those before today as "overdue". */
static qg_code count_due(const home_ctx *h, db_stmt *st, const char *key, qg_error *err)
{
    json_int_t due = 0, overdue = 0;
    int rc;
    while ((rc = db_step(st, err)) == 1) {
        if (!may_read_row(h, st, 1, ACT_PERSONAL_READ))
            continue;
        due++;
        overdue += strcmp(db_col_text(st, 0), h->today) < 0;
    }
    qg_code c = finish(st, rc, QG_OK, err);
    return c == QG_OK ? put(h->out, key, json_pack("{s:I, s:I}", "due", due, "overdue", overdue),
                            err)
                      : c;
}

/* The open tasks due by the horizon on open cases in the task scope (the due list's
 * rule, core/case/task.h: own tasks, or the organisation's for a supervisor). A task's
 * due date is the one its maker set; past it the task is overdue. The manual asks for
 * monitoring progress and repeating the steps periodically (L2493–2496). */
static qg_code count_tasks(db *conn, const home_ctx *h, qg_error *err)
{
    task_scope scope = policy_task_scope(h->actor);
    if (scope == TASKS_NONE)
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT t.due_on," HOME_FACTS " FROM tasks t"
                             " JOIN cases c ON c.id = t.case_id"
                             " WHERE t.status = 'open' AND c.status = 'open'"
                             " AND (? = 0 OR t.assignee = ?) AND (? = 0 OR c.org_id = ?)"
                             " AND t.due_on <= ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, h->actor->user_id);
    db_bind_int(st, 2, scope == TASKS_OWN);
    db_bind_int(st, 3, h->actor->user_id);
    db_bind_int(st, 4, scope == TASKS_ORG);
    db_bind_int(st, 5, h->actor->org_id);
    db_bind_text(st, 6, h->horizon);
    return count_due(h, st, "tasks", err);
}

/* The safety-plan reviews due by the horizon: the review date of the newest plan of
 * each open case in scope (the due list's rule). Safety plans are re-assessed as the
 * situation changes and regularly (manual L2133–2135, L2453); the review date is the one
 * the plan's author chose. */
static qg_code count_reviews(db *conn, const home_ctx *h, qg_error *err)
{
    task_scope scope = policy_task_scope(h->actor);
    if (scope == TASKS_NONE)
        return QG_OK;
    db_stmt *st =
        db_prepare(conn,
                   "SELECT r.due_on," HOME_FACTS " FROM case_records r"
                   " JOIN cases c ON c.id = r.case_id"
                   TASK_SQL_REVIEWS_IN_SCOPE
                   " AND r.due_on <= ?",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, h->actor->user_id);
    db_bind_int(st, 2, scope == TASKS_ORG);
    db_bind_int(st, 3, h->actor->org_id);
    db_bind_int(st, 4, scope == TASKS_OWN);
    db_bind_int(st, 5, h->actor->user_id);
    db_bind_int(st, 6, h->actor->user_id);
    db_bind_text(st, 7, h->horizon);
    return count_due(h, st, "reviews", err);
}

/* ---- referrals ------------------------------------------------------------------------------ */

/* Referrals the actor's organisation sent that still wait for an answer (status "sent"),
 * on cases the actor may read; overdue once the answer's deadline has passed. The
 * deadline is the one the sender set, by default REFERRAL_RESPOND_DAYS after sending:
 * Qorgau's own rule, the manual names none (it asks only that referral be timely and
 * safe, L2176–2183). */
static qg_code count_sent(db *conn, const home_ctx *h, qg_error *err)
{
    if (!allowed(h, ACT_REFERRAL_SEND))
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT r.respond_by," HOME_FACTS " FROM referrals r"
                             " JOIN cases c ON c.id = r.case_id"
                             " WHERE r.from_org = ? AND r.status = 'sent'"
                             " AND c.status <> 'withdrawn'",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, h->actor->user_id);
    db_bind_int(st, 2, h->actor->org_id);
    json_int_t waiting = 0, overdue = 0;
    int rc;
    while ((rc = db_step(st, err)) == 1) {
        if (!may_read_row(h, st, 1, ACT_CASE_READ))
            continue;
        waiting++;
        overdue += strcmp(db_col_text(st, 0), h->today) < 0;
    }
    qg_code c = finish(st, rc, QG_OK, err);
    return c == QG_OK ? put(h->out, "referrals_sent",
                            json_pack("{s:I, s:I}", "waiting", waiting, "overdue", overdue), err)
                      : c;
}

/* Referrals sent to the actor's organisation that nobody has answered yet ("new"), and
 * those of them past the deadline for an answer (the sender's, see count_sent). */
static qg_code count_received(db *conn, const home_ctx *h, qg_error *err)
{
    if (!allowed(h, ACT_REFERRAL_RECEIVE))
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT count(*), COALESCE(SUM(CASE WHEN respond_by < ? THEN 1"
                             " ELSE 0 END), 0) FROM referrals WHERE to_org = ? AND status = 'sent'",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, h->today);
    db_bind_int(st, 2, h->actor->org_id);
    json_int_t fresh = 0, overdue = 0;
    int rc = db_step(st, err);
    if (rc == 1) {
        fresh = db_col_int(st, 0);
        overdue = db_col_int(st, 1);
    }
    qg_code c = finish(st, rc, QG_OK, err);
    return c == QG_OK ? put(h->out, "referrals_received",
                            json_pack("{s:I, s:I}", "new", fresh, "overdue", overdue), err)
                      : c;
}

/* ---- a supervisor's team ---------------------------------------------------------------- */

static json_t *workload_row(db_stmt *st)
{
    return json_pack("{s:s, s:I, s:I}", "login", db_col_text(st, 0), "open_cases",
                     (json_int_t)db_col_int(st, 1), "overdue_tasks", (json_int_t)db_col_int(st, 2));
}

/* Each active case manager of the actor's organisation (whose cases the actor assigns)
 * with the open cases of that organisation assigned to them and their overdue tasks. */
static qg_code read_workload(db *conn, const home_ctx *h, qg_error *err)
{
    if (h->counts_only || !allowed(h, ACT_CASE_ASSIGN) || !allowed(h, ACT_USER_LIST))
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT u.login,"
                             " (SELECT count(*) FROM case_assignments a"
                             " JOIN cases c ON c.id = a.case_id WHERE a.user_id = u.id"
                             " AND c.status = 'open' AND c.org_id = u.org_id),"
                             " (SELECT count(*) FROM tasks t JOIN cases c ON c.id = t.case_id"
                             " WHERE t.assignee = u.id AND t.status = 'open'"
                             " AND c.status = 'open' AND c.org_id = u.org_id AND t.due_on < ?)"
                             " FROM users u WHERE u.role = 'case_manager' AND u.disabled = 0"
                             " AND u.pending = 0 AND u.org_id = ? ORDER BY u.login",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, h->today);
    db_bind_int(st, 2, h->actor->org_id);
    json_t *rows = rows_collect(st, workload_row, err);
    return rows ? put(h->out, "workload", rows, err) : err->code;
}

/* ---- an auditor's look ---------------------------------------------------------------------- */

/* The audit entries "a" an auditor reads (two parameters: policy_audit_org twice; 0 = all). */
#define AUDIT_OF_ORG "(? = 0 OR a.seq IN (SELECT o.seq FROM audit_orgs o WHERE o.org_id = ?))"

static json_t *read_row(db_stmt *st)
{
    const char *login = db_col_text(st, 1), *object = db_col_text(st, 3);
    return json_pack("{s:s, s:o, s:s, s:o}", "at", db_col_text(st, 0), "login",
                     login ? json_string(login) : json_null(), "action", db_col_text(st, 2),
                     "object", object ? json_string(object) : json_null());
}

/* The sensitive reads of the last seven days (their number) and the latest few. */
static qg_code read_sensitive(db *conn, const home_ctx *h, qg_error *err)
{
    if (!allowed(h, ACT_AUDIT_READ))
        return QG_OK;
    int64_t org = policy_audit_org(h->actor); /* an auditor of one organisation: its own */
    db_stmt *st = db_prepare(conn,
                             "SELECT count(*) FROM audit a WHERE a.at >= ? AND a.action IN "
                             SENSITIVE_ACTIONS " AND " AUDIT_OF_ORG,
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, h->week_ago);
    db_bind_int(st, 2, org);
    db_bind_int(st, 3, org);
    int rc = db_step(st, err);
    json_int_t week = rc == 1 ? db_col_int(st, 0) : 0;
    qg_code c = finish(st, rc, QG_OK, err);
    if (c != QG_OK)
        return c;
    json_t *recent = json_array();
    if (!h->counts_only) {
        st = db_prepare(conn,
                        "SELECT a.at, u.login, a.action, a.object FROM audit a"
                        " LEFT JOIN users u ON u.id = a.actor WHERE a.action IN " SENSITIVE_ACTIONS
                        " AND " AUDIT_OF_ORG " ORDER BY a.seq DESC LIMIT ?",
                        err);
        if (!st) {
            json_decref(recent);
            return err->code;
        }
        db_bind_int(st, 1, org);
        db_bind_int(st, 2, org);
        db_bind_int(st, 3, HOME_RECENT_MAX);
        json_decref(recent);
        recent = rows_collect(st, read_row, err);
        if (!recent)
            return err->code;
    }
    return put(h->out, "sensitive_reads",
               json_pack("{s:I, s:o}", "last_7_days", week, "recent", recent), err);
}

/* The break-the-glass grants active now and those taken in the last seven days. */
static qg_code count_grants(db *conn, const home_ctx *h, qg_error *err)
{
    if (!allowed(h, ACT_GRANT_REPORT))
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT COALESCE(SUM(CASE WHEN g.state = 'active'"
                             " AND g.ended_at IS NULL AND g.expires_at > ? THEN 1 ELSE 0 END), 0),"
                             " COALESCE(SUM(CASE WHEN g.granted_at >= ? THEN 1 ELSE 0 END), 0)"
                             " FROM access_grants g JOIN cases c ON c.id = g.case_id"
                             " JOIN users u ON u.id = g.user_id"
                             " WHERE ? = 0 OR c.org_id = ? OR u.org_id = ?", /* policy_audit_org */
                             err);
    if (!st)
        return err->code;
    int64_t now = (int64_t)time(NULL), org = policy_audit_org(h->actor);
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, now - 7 * 24 * 3600);
    for (int i = 3; i <= 5; i++)
        db_bind_int(st, i, org);
    int rc = db_step(st, err);
    json_int_t active = rc == 1 ? db_col_int(st, 0) : 0, week = rc == 1 ? db_col_int(st, 1) : 0;
    qg_code c = finish(st, rc, QG_OK, err);
    return c == QG_OK ? put(h->out, "grants",
                            json_pack("{s:I, s:I}", "active", active, "last_7_days", week), err)
                      : c;
}

/* Break-the-glass for a supervisor: the requests to the organisation's cases to decide and
 * the emergency accesses to review (who may decide), and their own requests waiting and
 * accesses in effect (who may ask). */
static qg_code count_access(db *conn, const home_ctx *h, qg_error *err)
{
    bool decides = allowed(h, ACT_GRANT_DECIDE), asks = allowed(h, ACT_BREAK_GLASS);
    if (!decides && !asks)
        return QG_OK;
    grant_counts n;
    qg_code c = grant_count(conn, h->actor->org_id, h->actor->user_id, (int64_t)time(NULL), &n,
                            err);
    if (c == QG_OK && decides)
        c = put(h->out, "grant_requests",
                json_pack("{s:I, s:I}", "to_decide", (json_int_t)n.to_decide, "to_review",
                          (json_int_t)n.to_review),
                err);
    if (c == QG_OK && asks)
        c = put(h->out, "my_grants",
                json_pack("{s:I, s:I}", "requested", (json_int_t)n.requested, "active",
                          (json_int_t)n.active),
                err);
    return c;
}

/* A supervisor's unanswered contact requests about the organisation's cases (issue 14). */
static qg_code count_contacts(db *conn, const home_ctx *h, qg_error *err)
{
    if (!allowed(h, ACT_CONTACT_ANSWER))
        return QG_OK;
    int64_t n = 0;
    qg_code c = contact_waiting(conn, h->actor->org_id, &n, err);
    return c == QG_OK ? put(h->out, "contact_requests_waiting", json_integer(n), err) : c;
}

qg_code home_read_counts(db *conn, void *arg, qg_error *err)
{
    const home_ctx *h = arg;
    qg_code c = h->counts_only ? QG_OK : count_cases(conn, h, err);
    if (c == QG_OK)
        c = count_tasks(conn, h, err);
    if (c == QG_OK)
        c = count_reviews(conn, h, err);
    if (c == QG_OK)
        c = count_sent(conn, h, err);
    if (c == QG_OK)
        c = count_received(conn, h, err);
    if (c == QG_OK)
        c = read_workload(conn, h, err);
    if (c == QG_OK)
        c = read_sensitive(conn, h, err);
    if (c == QG_OK)
        c = count_grants(conn, h, err);
    if (c == QG_OK)
        c = count_contacts(conn, h, err);
    if (c == QG_OK)
        c = count_access(conn, h, err);
    return c;
}
