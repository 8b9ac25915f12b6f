/* task.c — tasks on a case and the due-task list across cases (see task.h). */
#include "core/case/task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/case/case_input.h"
#include "core/case/grant_lookup.h"
#include "core/common/input.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"
#include "core/account/session.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

#define TASK_PLACE "task" /* sealed place of a title: "qorgau:case:<id>:task:<n>" */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    json_t *body; /* borrowed from the request */
    int64_t n;    /* the task */
    case_state state;
    int64_t assignee; /* user id; 0 = nobody */
    json_t *result;   /* owned until handed to the caller */
} task_job;

/* ---- input -------------------------------------------------------------------------- */

static qg_code check_due(json_t *v, qg_error *err)
{
    const char *s = json_string_value(v);
    if (!s || !text_parse_date(s, NULL, NULL, NULL))
        return qg_fail(err, QG_EINVAL, "due_on", "date.format",
                       "must be a real date written YYYY-MM-DD");
    if (strcmp(s, CASE_DATE_MIN) < 0)
        return qg_fail(err, QG_EINVAL, "due_on", "date.too_early", "must not be before %s",
                       CASE_DATE_MIN);
    return QG_OK;
}

static qg_code check_stage(json_t *v, qg_error *err)
{
    const char *s = json_string_value(v);
    if (!s || !vocab_has(&VOCAB_STAGE, s))
        return qg_fail(err, QG_EINVAL, "stage", "value.not_in_list", "is not a known stage code");
    if (strcmp(s, "closure") == 0)
        return qg_fail(err, QG_EINVAL, "stage", "stage.not_for_task",
                       "a task belongs to a working stage, never to closure");
    return QG_OK;
}

static qg_code check_assignee_form(json_t *v, qg_error *err)
{
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) > QG_LOGIN_MAX)
        return qg_fail(err, QG_EINVAL, "assignee", "user.login_format", "must be a user's login");
    return QG_OK;
}

static qg_code check_version_form(json_t *v, qg_error *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return qg_fail(err, QG_EINVAL, "version", "version.format",
                       "must be a whole number from 1");
    return QG_OK;
}

/* Checks every field present in body (absent ones are the caller's business). */
static qg_code check_fields(json_t *body, qg_error *err)
{
    json_t *v;
    qg_code c = QG_OK;
    if ((v = json_object_get(body, "title")))
        c = case_input_text(v, TASK_TITLE_MAX, false, "title", err);
    if (c == QG_OK && (v = json_object_get(body, "due_on")))
        c = check_due(v, err);
    if (c == QG_OK && (v = json_object_get(body, "assignee")))
        c = check_assignee_form(v, err);
    if (c == QG_OK && (v = json_object_get(body, "stage")))
        c = check_stage(v, err);
    if (c == QG_OK && (v = json_object_get(body, "status")) &&
        !vocab_has(&VOCAB_TASK_STATUS, json_string_value(v)))
        c = qg_fail(err, QG_EINVAL, "status", "value.not_in_list",
                    "must be open, done or cancelled");
    if (c == QG_OK && (v = json_object_get(body, "version")))
        c = check_version_form(v, err);
    return c;
}

static qg_code read_create_body(json_t *body, qg_error *err)
{
    static const char *const keys[] = {"title", "due_on", "assignee", "stage", NULL};
    qg_code c = input_check_keys(body, keys, err);
    if (c == QG_OK && !json_object_get(body, "title"))
        c = qg_fail(err, QG_EINVAL, "title", "value.required",
                    "is required: say what is to be done");
    if (c == QG_OK && !json_object_get(body, "due_on"))
        c = qg_fail(err, QG_EINVAL, "due_on", "value.required", "is required: a date YYYY-MM-DD");
    return c == QG_OK ? check_fields(body, err) : c;
}

static qg_code read_update_body(json_t *body, qg_error *err)
{
    static const char *const keys[] = {"title",  "due_on",  "assignee", "stage",
                                       "status", "version", NULL};
    qg_code c = input_check_keys(body, keys, err);
    size_t changes = json_object_size(body) - (json_object_get(body, "version") ? 1 : 0);
    if (c == QG_OK && changes == 0)
        c = qg_fail(err, QG_EINVAL, "body", "body.nothing_to_change", "names nothing to change");
    return c == QG_OK ? check_fields(body, err) : c;
}

/* ---- the assignee ------------------------------------------------------------------- */

static qg_code cannot_assign(qg_error *err)
{
    return qg_fail(err, QG_EINVAL, "assignee", "user.cannot_see_case",
                   "is not an active user who can see this case");
}

/* The enabled, confirmed user with login, as an actor. */
static qg_code user_actor(db *conn, const char *login, qg_actor *out, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT id, org_id, role FROM users WHERE login = ? AND disabled = 0"
                             " AND pending = 0",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, login);
    int rc = db_step(st, err);
    if (rc == 1)
        *out = (qg_actor){.user_id = db_col_int(st, 0), .org_id = db_col_int(st, 1),
                          .role = role_from_code(db_col_text(st, 2))};
    db_done(st);
    return rc == 1 ? QG_OK : rc < 0 ? err->code : cannot_assign(err);
}

/* The assignee will read the title, so they must be allowed to read the case's
 * personal data; sets j->assignee. */
static qg_code resolve_assignee(db *conn, task_job *j, const char *login, qg_error *err)
{
    qg_actor who;
    case_state seen;
    qg_code c = user_actor(conn, login, &who, err);
    if (c == QG_OK)
        c = case_state_for(conn, &who, ACT_PERSONAL_READ, j->code, &seen, err);
    if (c == QG_ENOTFOUND || c == QG_EFORBIDDEN)
        return cannot_assign(err);
    if (c == QG_OK)
        j->assignee = who.user_id;
    return c;
}

/* ---- storage ------------------------------------------------------------------------ */


static qg_code seal_title(task_job *j, unsigned char **sealed, size_t *len, qg_error *err)
{
    return sealed_put(j->app->keys, j->state.id, TASK_PLACE, j->n,
                      json_object_get(j->body, "title"), sealed, len, err);
}

static qg_code insert_task(db *conn, task_job *j, const char *stage, qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21];
    qg_code c =
        rows_next_number(conn, "SELECT COALESCE(MAX(n), 0) + 1 FROM tasks WHERE case_id = ?",
                         j->state.id, NULL, &j->n, err);
    if (c == QG_OK)
        c = seal_title(j, &sealed, &len, err);
    db_stmt *st = c == QG_OK
                      ? db_prepare(conn,
                                   "INSERT INTO tasks (case_id, n, stage, assignee, due_on, status,"
                                   " sealed, created_by, created_at, updated_at)"
                                   " VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                                   err)
                      : NULL;
    if (st) {
        db_now_iso(now);
        db_bind_int(st, 1, j->state.id);
        db_bind_int(st, 2, j->n);
        db_bind_text(st, 3, stage);
        db_bind_id_or_null(st, 4, j->assignee);
        db_bind_text(st, 5, json_string_value(json_object_get(j->body, "due_on")));
        db_bind_blob(st, 6, sealed, len);
        db_bind_id_or_null(st, 7, j->actor->user_id);
        db_bind_text(st, 8, now);
        db_bind_text(st, 9, now);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

/* ---- reading back -------------------------------------------------------------------- */

#define TASK_COLUMNS                                                                        \
    "t.n, t.stage, t.due_on, t.status, ua.login, uc.login, t.created_at, t.updated_at,"     \
    " t.version, t.sealed"
#define TASK_FROM                                                                           \
    " FROM tasks t LEFT JOIN users ua ON ua.id = t.assignee"                                 \
    " LEFT JOIN users uc ON uc.id = t.created_by"

static json_t *nullable(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* Adds the decrypted title of the sealed blob in column col to obj. */
static qg_code add_title(const qg_keys *keys, int64_t case_id, int64_t n, db_stmt *st, int col,
                         json_t *obj, qg_error *err)
{
    size_t len = 0;
    const void *blob = db_col_blob(st, col, &len);
    json_t *title = NULL;
    qg_code c = sealed_get(keys, case_id, TASK_PLACE, n, blob, len, &title, err);
    if (c != QG_OK)
        return c;
    if (!json_is_string(title)) {
        json_decref(title);
        return qg_fail(err, QG_ECRYPTO, "title", "crypto.damaged", "stored text is damaged");
    }
    if (json_object_set_new(obj, "title", title) != 0) /* takes title even when it fails */
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return QG_OK;
}

static json_t *task_json(db_stmt *st, const char *today)
{
    const char *due = db_col_text(st, 2);
    return json_pack("{s:I, s:s, s:s, s:b, s:s, s:o, s:o, s:s, s:s, s:I}", "n",
                     (json_int_t)db_col_int(st, 0), "stage", db_col_text(st, 1), "due_on", due,
                     "overdue", strcmp(due, today) < 0, "status", db_col_text(st, 3), "assignee",
                     nullable(st, 4), "created_by", nullable(st, 5), "created_at",
                     db_col_text(st, 6), "updated_at", db_col_text(st, 7), "version",
                     (json_int_t)db_col_int(st, 8));
}

/* Appends the case's tasks (only task n when n > 0) to list, titles decrypted. */
static qg_code read_tasks(db *conn, task_job *j, int64_t n, json_t *list, qg_error *err)
{
    char today[11];
    text_today(today);
    db_stmt *st = db_prepare(conn,
                             "SELECT " TASK_COLUMNS TASK_FROM
                             " WHERE t.case_id = ? AND (? = 0 OR t.n = ?) ORDER BY t.n",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->state.id);
    db_bind_int(st, 2, n);
    db_bind_int(st, 3, n);
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        json_t *task = task_json(st, today);
        c = task ? add_title(j->app->keys, j->state.id, db_col_int(st, 0), st, 9, task, err)
                 : qg_fail(err, QG_EDB, NULL, "storage.failure", "a task could not be encoded");
        if (c == QG_OK && json_array_append_new(list, task) != 0)
            c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        else if (c != QG_OK)
            json_decref(task);
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}

static qg_code load_one(db *conn, task_job *j, qg_error *err)
{
    json_t *list = json_array();
    qg_code c = list ? read_tasks(conn, j, j->n, list, err)
                     : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c == QG_OK && json_array_size(list) == 0)
        c = qg_fail(err, QG_ENOTFOUND, "task", "task.not_found", "no such task");
    if (c == QG_OK)
        j->result = json_incref(json_array_get(list, 0));
    json_decref(list);
    return c;
}

/* ---- audit ----------------------------------------------------------------------------- */

static qg_code audit_task(db *conn, task_job *j, const char *action, json_t *detail, qg_error *err)
{
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

/* The names of the fields a change sets (never their values). */
static json_t *changed_names(json_t *body)
{
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "version") != 0)
            json_array_append_new(names, json_string(key));
    }
    return names;
}

/* ---- create ----------------------------------------------------------------------------- */

static qg_code open_case(db *conn, task_job *j, qg_action action, qg_error *err)
{
    qg_code c = case_state_for(conn, j->actor, action, j->code, &j->state, err);
    if (c == QG_OK && j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "case.closed",
                    "the case is closed; reopen it first");
    return c;
}

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    task_job *j = arg;
    const char *login = json_string_value(json_object_get(j->body, "assignee"));
    const char *stage = json_string_value(json_object_get(j->body, "stage"));
    qg_code c = open_case(conn, j, ACT_PERSONAL_UPDATE, err);
    j->assignee = j->actor->user_id;
    if (c == QG_OK && login)
        c = resolve_assignee(conn, j, login, err);
    if (c == QG_OK)
        c = insert_task(conn, j, stage ? stage : j->state.stage, err);
    if (c == QG_OK)
        c = audit_task(conn, j, "task.create", json_pack("{s:I}", "n", (json_int_t)j->n), err);
    return c == QG_OK ? load_one(conn, j, err) : c;
}

static qg_code finish(qg_code c, task_job *j, json_t **out)
{
    if (c == QG_OK)
        *out = j->result;
    else
        json_decref(j->result);
    return c;
}

qg_code task_create(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                    json_t **out, qg_error *err)
{
    task_job j = {.app = app, .actor = actor, .body = body};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code, j.code, err);
    if (c == QG_OK)
        c = read_create_body(body, err);
    if (c == QG_OK)
        c = writer_run(app->writer, create_in_tx, &j, err);
    return finish(c, &j, out);
}

/* ---- the case's tasks ------------------------------------------------------------------- */

static qg_code list_in_tx(db *conn, void *arg, qg_error *err)
{
    task_job *j = arg;
    qg_code c = case_state_for(conn, j->actor, ACT_PERSONAL_READ, j->code, &j->state, err);
    if (c == QG_OK && !(j->result = json_pack("{s:[]}", "tasks")))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_t *tasks = json_object_get(j->result, "tasks");
    if (c == QG_OK)
        c = read_tasks(conn, j, 0, tasks, err);
    if (c == QG_OK)
        c = audit_task(conn, j, "task.read",
                       json_pack("{s:I}", "count", (json_int_t)json_array_size(tasks)), err);
    return c;
}

qg_code task_list_case(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                       qg_error *err)
{
    task_job j = {.app = app, .actor = actor};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_READ, code, j.code, err);
    if (c == QG_OK) /* a write job: the audit entry and the read happen together */
        c = writer_run(app->writer, list_in_tx, &j, err);
    return finish(c, &j, out);
}

/* ---- update ------------------------------------------------------------------------------ */

/* Finds task j->n of the case; checks the body's version against the stored one. */
static qg_code stored_task(db *conn, task_job *j, int64_t *id, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn, "SELECT id, version FROM tasks WHERE case_id = ? AND n = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->state.id);
    db_bind_int(st, 2, j->n);
    int rc = db_step(st, err);
    int64_t version = rc == 1 ? db_col_int(st, 1) : 0;
    *id = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code
                      : qg_fail(err, QG_ENOTFOUND, "task", "task.not_found", "no such task");
    json_t *want = json_object_get(j->body, "version");
    if (want && json_integer_value(want) != version)
        return qg_fail(err, QG_ECONFLICT, "version", "version.stale",
                       "the task was changed by someone else; reload it");
    return QG_OK;
}

/* One column update per field; each SQL is a literal (statements are cached by it). */
static const struct {
    const char *field;
    const char *sql;
} text_columns[] = {
    {"stage", "UPDATE tasks SET stage = ? WHERE id = ?"},
    {"due_on", "UPDATE tasks SET due_on = ? WHERE id = ?"},
    {"status", "UPDATE tasks SET status = ? WHERE id = ?"},
};

static qg_code set_text_columns(db *conn, task_job *j, int64_t id, qg_error *err)
{
    for (size_t i = 0; i < sizeof text_columns / sizeof *text_columns; i++) {
        const char *v = json_string_value(json_object_get(j->body, text_columns[i].field));
        db_stmt *st = v ? db_prepare(conn, text_columns[i].sql, err) : NULL;
        if (v && !st)
            return err->code;
        if (!st)
            continue;
        db_bind_text(st, 1, v);
        db_bind_int(st, 2, id);
        qg_code c = db_run(st, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code set_assignee(db *conn, task_job *j, int64_t id, qg_error *err)
{
    const char *login = json_string_value(json_object_get(j->body, "assignee"));
    if (!login)
        return QG_OK;
    qg_code c = resolve_assignee(conn, j, login, err);
    db_stmt *st =
        c == QG_OK ? db_prepare(conn, "UPDATE tasks SET assignee = ? WHERE id = ?", err) : NULL;
    if (!st)
        return c == QG_OK ? err->code : c;
    db_bind_int(st, 1, j->assignee);
    db_bind_int(st, 2, id);
    return db_run(st, err);
}

static qg_code set_title(db *conn, task_job *j, int64_t id, qg_error *err)
{
    if (!json_object_get(j->body, "title"))
        return QG_OK;
    unsigned char *sealed = NULL;
    size_t len = 0;
    qg_code c = seal_title(j, &sealed, &len, err);
    db_stmt *st =
        c == QG_OK ? db_prepare(conn, "UPDATE tasks SET sealed = ? WHERE id = ?", err) : NULL;
    if (st) {
        db_bind_blob(st, 1, sealed, len);
        db_bind_int(st, 2, id);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

static qg_code bump_version(db *conn, int64_t id, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(
        conn, "UPDATE tasks SET updated_at = ?, version = version + 1 WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, now);
    db_bind_int(st, 2, id);
    return db_run(st, err);
}

static qg_code update_in_tx(db *conn, void *arg, qg_error *err)
{
    task_job *j = arg;
    int64_t id = 0;
    qg_code c = open_case(conn, j, ACT_PERSONAL_UPDATE, err);
    if (c == QG_OK)
        c = stored_task(conn, j, &id, err);
    if (c == QG_OK)
        c = set_assignee(conn, j, id, err);
    if (c == QG_OK)
        c = set_text_columns(conn, j, id, err);
    if (c == QG_OK)
        c = set_title(conn, j, id, err);
    if (c == QG_OK)
        c = bump_version(conn, id, err);
    if (c == QG_OK)
        c = audit_task(
            conn, j, "task.update",
            json_pack("{s:I, s:o}", "n", (json_int_t)j->n, "fields", changed_names(j->body)), err);
    return c == QG_OK ? load_one(conn, j, err) : c;
}

qg_code task_update(qg_app *app, const qg_actor *actor, const char *code, int64_t n, json_t *body,
                    json_t **out, qg_error *err)
{
    task_job j = {.app = app, .actor = actor, .body = body, .n = n};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code, j.code, err);
    if (c == QG_OK && n < 1)
        c = qg_fail(err, QG_ENOTFOUND, "task", "task.not_found", "no such task");
    if (c == QG_OK)
        c = read_update_body(body, err);
    if (c == QG_OK)
        c = writer_run(app->writer, update_in_tx, &j, err);
    return finish(c, &j, out);
}

/* ---- the due list across cases ------------------------------------------------------------ */

/* What the policy needs to know about a row's case (five columns, see facts_at); the
 * one parameter is the acting user's id. */
#define DUE_FACTS                                                                                \
    " c.org_id, c.created_by, (SELECT count(*) FROM case_assignments a WHERE a.case_id = c.id)," \
    " EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.user_id = ?),"       \
    " c.handed_over"

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    task_scope scope;
    char today[11];
    char cutoff[11]; /* only what is due before this day; "" = no bound */
    bool truncated;
    json_t *result;
} due_job;

static case_facts facts_at(db_stmt *st, int col)
{
    return (case_facts){.org_id = db_col_int(st, col), .created_by = db_col_int(st, col + 1),
                        .assigned_count = (int)db_col_int(st, col + 2),
                        .actor_assigned = db_col_int(st, col + 3) != 0,
                        .handed_over = db_col_int(st, col + 4) != 0};
}

/* The row's case is one the actor may read now: the policy's own rule, so a case
 * manager unassigned from a case stops seeing its tasks at once. */
static bool may_read(const due_job *j, db_stmt *st, int facts_col)
{
    case_facts f = facts_at(st, facts_col);
    return policy_decide(j->actor, ACT_PERSONAL_READ, &f) == POLICY_ALLOW;
}

/* Appends item to list unless the list is full (then sets j->truncated). */
static qg_code append_due(due_job *j, json_t *list, json_t *item, qg_error *err)
{
    if (json_array_size(list) >= TASK_LIST_MAX) {
        j->truncated = true;
        json_decref(item);
        return QG_OK;
    }
    return json_array_append_new(list, item) == 0
               ? QG_OK
               : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static json_t *due_task_json(db_stmt *st, const char *today)
{
    const char *due = db_col_text(st, 3);
    return json_pack("{s:s, s:I, s:s, s:s, s:b, s:o, s:s}", "case", db_col_text(st, 0), "n",
                     (json_int_t)db_col_int(st, 1), "stage", db_col_text(st, 2), "due_on", due,
                     "overdue", strcmp(due, today) < 0, "assignee", nullable(st, 5), "status",
                     db_col_text(st, 4));
}

static void bind_task_scope(db_stmt *st, const due_job *j)
{
    db_bind_int(st, 1, j->actor->user_id);
    db_bind_int(st, 2, j->scope == TASKS_OWN);
    db_bind_int(st, 3, j->actor->user_id);
    db_bind_int(st, 4, j->scope == TASKS_ORG);
    db_bind_int(st, 5, j->actor->org_id);
    db_bind_text(st, 6, j->cutoff[0] ? j->cutoff : NULL);
    db_bind_text(st, 7, j->cutoff[0] ? j->cutoff : NULL);
}

static qg_code read_due_tasks(db *conn, due_job *j, json_t *list, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn,
        "SELECT c.code, t.n, t.stage, t.due_on, t.status, u.login, t.sealed, c.id," DUE_FACTS
        " FROM tasks t JOIN cases c ON c.id = t.case_id"
        " LEFT JOIN users u ON u.id = t.assignee"
        " WHERE t.status = 'open' AND c.status = 'open'"
        " AND (? = 0 OR t.assignee = ?) AND (? = 0 OR c.org_id = ?)"
        " AND (CAST(? AS TEXT) IS NULL OR t.due_on < ?)"
        " ORDER BY t.due_on, c.code, t.n",
        err);
    if (!st)
        return err->code;
    bind_task_scope(st, j);
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        if (!may_read(j, st, 8))
            continue;
        json_t *task = due_task_json(st, j->today);
        c = task ? add_title(j->app->keys, db_col_int(st, 7), db_col_int(st, 1), st, 6, task, err)
                 : qg_fail(err, QG_EDB, NULL, "storage.failure", "a task could not be encoded");
        if (c == QG_OK)
            c = append_due(j, list, task, err);
        else
            json_decref(task);
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}

static void bind_review_scope(db_stmt *st, const due_job *j)
{
    db_bind_int(st, 1, j->actor->user_id);
    db_bind_int(st, 2, j->scope == TASKS_ORG);
    db_bind_int(st, 3, j->actor->org_id);
    db_bind_int(st, 4, j->scope == TASKS_OWN);
    db_bind_int(st, 5, j->actor->user_id);
    db_bind_int(st, 6, j->actor->user_id);
    db_bind_text(st, 7, j->cutoff[0] ? j->cutoff : NULL);
    db_bind_text(st, 8, j->cutoff[0] ? j->cutoff : NULL);
}

/* The newest safety plan (latest date, then number, as the forms list marks it) of
 * each open case in scope, when its review date is due. */
static qg_code read_due_reviews(db *conn, due_job *j, json_t *list, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn,
                   "SELECT c.code, r.n, r.due_on," DUE_FACTS
                   " FROM case_records r JOIN cases c ON c.id = r.case_id"
                   TASK_SQL_REVIEWS_IN_SCOPE
                   " AND (CAST(? AS TEXT) IS NULL OR r.due_on < ?)"
                   " ORDER BY r.due_on, c.code",
                   err);
    if (!st)
        return err->code;
    bind_review_scope(st, j);
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        if (!may_read(j, st, 3))
            continue;
        const char *due = db_col_text(st, 2);
        json_t *review = json_pack("{s:s, s:I, s:s, s:b}", "case", db_col_text(st, 0), "plan",
                                   (json_int_t)db_col_int(st, 1), "review_on", due, "overdue",
                                   strcmp(due, j->today) < 0);
        c = review ? append_due(j, list, review, err)
                   : qg_fail(err, QG_EDB, NULL, "storage.failure", "a review could not be encoded");
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}

/* For those who decide on break-the-glass access to the organisation's cases: under
 * "grants", the requests to decide and the emergency accesses to review (grant_lookup.h). */
static qg_code due_grants(db *conn, due_job *j, qg_error *err)
{
    if (policy_decide(j->actor, ACT_GRANT_DECIDE, NULL) != POLICY_ALLOW)
        return QG_OK;
    json_t *list = json_array();
    if (!list || json_object_set_new(j->result, "grants", list) != 0)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return grant_work_items(conn, j->actor->org_id, (int64_t)time(NULL), list, err);
}

static qg_code due_in_tx(db *conn, void *arg, qg_error *err)
{
    due_job *j = arg;
    json_t *tasks = json_array(), *reviews = json_array();
    j->result = json_pack("{s:o, s:o}", "tasks", tasks, "reviews", reviews);
    qg_code c = j->result ? read_due_tasks(conn, j, tasks, err)
                          : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c == QG_OK)
        c = read_due_reviews(conn, j, reviews, err);
    if (c == QG_OK)
        c = due_grants(conn, j, err);
    if (c == QG_OK)
        c = json_object_set_new(j->result, "truncated", json_boolean(j->truncated)) == 0
                ? QG_OK
                : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_t *detail =
        c == QG_OK ? json_pack("{s:I}", "count", (json_int_t)json_array_size(tasks)) : NULL;
    if (c == QG_OK)
        c = detail ? audit_append(conn, j->app->keys, j->actor, "task.list", NULL, detail, err)
                   : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

/* Sets the day before which items are listed: the earlier of today (overdue) and
 * due_before, or none. */
static qg_code due_cutoff(const task_query *q, due_job *j, qg_error *err)
{
    text_today(j->today);
    j->cutoff[0] = '\0';
    if (q->due_before && !text_parse_date(q->due_before, NULL, NULL, NULL))
        return qg_fail(err, QG_EINVAL, "due_before", "date.format",
                       "must be a real date written YYYY-MM-DD");
    if (q->due_before)
        snprintf(j->cutoff, sizeof j->cutoff, "%s", q->due_before);
    if (q->overdue && (!j->cutoff[0] || strcmp(j->today, j->cutoff) < 0))
        memcpy(j->cutoff, j->today, sizeof j->cutoff);
    return QG_OK;
}

qg_code task_list_due(qg_app *app, const qg_actor *actor, const task_query *query, json_t **out,
                      qg_error *err)
{
    due_job j = {.app = app, .actor = actor, .scope = policy_task_scope(actor)};
    *out = NULL;
    if (j.scope == TASKS_NONE)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role has no task list");
    qg_code c = due_cutoff(query, &j, err);
    if (c == QG_OK) /* a write job: titles are decrypted, so the read is audited with it */
        c = writer_run(app->writer, due_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
