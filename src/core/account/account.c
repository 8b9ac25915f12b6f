/* account.c — organisations and users (see account.h). */
#include "core/account/account.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/account/limit.h"
#include "core/common/org_shared.h"
#include "core/account/policy.h"
#include "core/common/rows.h"
#include "core/account/session.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

static qg_code require(const qg_actor *actor, qg_action action, qg_error *err)
{
    if (policy_decide(actor, action, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    return QG_OK;
}

static qg_code account_check_text(const char *text, size_t max, const char *field, qg_error *err)
{
    if (!text || !*text)
        return qg_fail(err, QG_EINVAL, field, "value.required", "is required");
    if (strlen(text) > max)
        return qg_fail(err, QG_EINVAL, field, "text.too_long", "is longer than %zu bytes", max);
    if (!text_utf8_valid(text, false))
        return qg_fail(err, QG_EINVAL, field, "text.invalid_characters",
                       "must be UTF-8 text without control characters");
    return QG_OK;
}

static qg_code account_check_login(const char *login, const char *field, qg_error *err)
{
    size_t n = login ? strlen(login) : 0;
    if (n < 3 || n > QG_LOGIN_MAX)
        return qg_fail(err, QG_EINVAL, field, "login.length", "must be 3 to %d characters",
                       QG_LOGIN_MAX);
    for (size_t i = 0; i < n; i++) {
        char ch = login[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-'))
            return qg_fail(err, QG_EINVAL, field, "login.characters",
                           "may hold only a-z, 0-9, '.', '_' and '-'");
    }
    return QG_OK;
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *name, *type, *region;
    int64_t id;
} org_job;

static qg_code insert_org(db *conn, void *arg, qg_error *err)
{
    org_job *j = arg;
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO orgs (name, type, region, created_at) VALUES (?, ?, ?, ?)"
                             " RETURNING id",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, j->name);
    db_bind_text(st, 2, j->type);
    db_bind_text(st, 3, j->region);
    db_bind_text(st, 4, now);
    int rc = db_step(st, err);
    if (rc == 1)
        j->id = db_col_int(st, 0);
    db_done(st);
    if (rc < 0)
        return err->code == QG_ECONFLICT ? qg_fail(err, QG_ECONFLICT, "name", "org.name_taken",
                                                   "an organisation with this name exists")
                                         : err->code;
    char object[32];
    snprintf(object, sizeof object, "org:%lld", (long long)j->id);
    json_t *detail = json_pack("{s:s, s:s}", "type", j->type, "region", j->region);
    qg_code c = audit_append(conn, j->app->keys, j->actor, "org.create", object, detail, err);
    json_decref(detail);
    return c;
}

qg_code org_create(qg_app *app, const qg_actor *actor, const char *name, const char *type,
                   const char *region, int64_t *id, qg_error *err)
{
    qg_code c = require(actor, ACT_ORG_MANAGE, err);
    if (c == QG_OK)
        c = account_check_text(name, QG_ORG_NAME_MAX, "name", err);
    if (c != QG_OK)
        return c;
    if (!type || !vocab_has(&VOCAB_ORG_TYPE, type))
        return qg_fail(err, QG_EINVAL, "type", "value.not_in_list",
                       "is not a known organisation type");
    if (!region || !vocab_has(&VOCAB_REGION, region))
        return qg_fail(err, QG_EINVAL, "region", "value.not_in_list", "is not a known region");
    org_job j = {.app = app, .actor = actor, .name = name, .type = type, .region = region};
    c = writer_run(app->writer, insert_org, &j, err);
    if (c == QG_OK)
        *id = j.id;
    return c;
}

typedef struct {
    const char *sql;
    int64_t param;
    json_t *(*row_fn)(db_stmt *);
    json_t *list;
} array_read;

/* The read of select_array on a reading connection. */
static qg_code read_array(db *conn, void *arg, qg_error *err)
{
    array_read *r = arg;
    db_stmt *st = db_prepare(conn, r->sql, err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->param);
    r->list = rows_collect(st, r->row_fn, err);
    return r->list ? QG_OK : err->code;
}

/* Runs a SELECT whose rows become objects built by row_fn; returns a new array. */
static json_t *select_array(qg_app *app, const char *sql, int64_t param,
                            json_t *(*row_fn)(db_stmt *), qg_error *err)
{
    array_read r = {.sql = sql, .param = param, .row_fn = row_fn};
    app_read(app, read_array, &r, err);
    return r.list;
}

static json_t *org_row(db_stmt *st)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0), "name",
                     db_col_text(st, 1), "type", db_col_text(st, 2), "region",
                     db_col_text(st, 3), "created_at", db_col_text(st, 4));
}

json_t *org_list(qg_app *app, const qg_actor *actor, qg_error *err)
{
    if (require(actor, ACT_ORG_LIST, err) != QG_OK)
        return NULL;
    return select_array(
        app, "SELECT id, name, type, region, created_at FROM orgs WHERE id > ? ORDER BY id", 0,
        org_row, err);
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    int64_t org_id;
    const char *login, *role;
    const char *pw_hash;
    bool system_wide;
    int64_t id;
} user_job;

static qg_code insert_user(db *conn, void *arg, qg_error *err)
{
    user_job *j = arg;
    qg_code c = org_require(conn, j->org_id, "org", err);
    if (c != QG_OK)
        return c;
    char now[21];
    db_now_iso(now);
    db_stmt *st =
        db_prepare(conn,
                   "INSERT INTO users (org_id, login, role, pw_hash, created_at, pw_changed_at,"
                   " pending, pending_by, system_wide, must_change, made_by)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                   " RETURNING id",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->org_id);
    db_bind_text(st, 2, j->login);
    db_bind_text(st, 3, j->role);
    db_bind_text(st, 4, j->pw_hash);
    db_bind_text(st, 5, now);
    db_bind_text(st, 6, now);
    bool pending = policy_needs_confirmation(j->actor, 0);
    db_bind_int(st, 7, pending);
    db_bind_id_or_null(st, 8, pending ? j->actor->user_id : 0);
    db_bind_int(st, 9, j->system_wide);
    db_bind_int(st, 10, policy_password_temporary(j->actor, 0)); /* the maker knows it */
    db_bind_id_or_null(st, 11, j->actor ? j->actor->user_id : 0);
    int rc = db_step(st, err);
    if (rc == 1)
        j->id = db_col_int(st, 0);
    db_done(st);
    if (rc < 0)
        return err->code == QG_ECONFLICT
                   ? qg_fail(err, QG_ECONFLICT, "login", "login.taken", "this login is taken")
                   : err->code;
    char object[32];
    snprintf(object, sizeof object, "user:%lld", (long long)j->id);
    json_t *detail = json_pack("{s:I, s:s, s:b, s:b}", "org_id", (json_int_t)j->org_id, "role",
                               j->role, "pending", pending, "system_wide", j->system_wide);
    c = audit_append(conn, j->app->keys, j->actor, "user.create", object, detail, err);
    json_decref(detail);
    return c;
}

/* May actor make an account of role in org_id (system_wide or not)? The table of
 * docs/security.md, asked of policy_account_change. */
static qg_code check_create(const qg_actor *actor, int64_t org_id, qg_role role, bool system_wide,
                            qg_error *err)
{
    if (system_wide && (role == ROLE_SUPERVISOR || role == ROLE_CASE_MANAGER ||
                        role == ROLE_FIRST_RESPONDER))
        return qg_fail(err, QG_EINVAL, "system_wide", "account.system_wide_role",
                       "only an admin, auditor or analyst account may be system-wide");
    account_facts f = {.role = role, .org_id = org_id, .system_wide = system_wide};
    policy_verdict v = policy_account_change(actor, ACCOUNT_CREATE, &f);
    if (v == POLICY_HIDE)
        return qg_fail(err, QG_EFORBIDDEN, "org_id", "account.other_org",
                       "may only be your own organisation");
    if (v != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, "system_wide", "account.system_wide_cli",
                       "a system-wide account is made only on the server's command line");
    return QG_OK;
}

qg_code user_create_scoped(qg_app *app, const qg_actor *actor, int64_t org_id, const char *login,
                           const char *role, const char *password, bool system_wide, int64_t *id,
                           qg_error *err)
{
    qg_code c = require(actor, ACT_USER_MANAGE, err);
    if (c == QG_OK)
        c = account_check_login(login, "login", err);
    if (c != QG_OK)
        return c;
    if (role_from_code(role) == ROLE_NONE)
        return qg_fail(err, QG_EINVAL, "role", "value.not_in_list", "is not a known role");
    if (org_id <= 0)
        return qg_fail(err, QG_EINVAL, "org", "org.id_format", "must be an organisation id");
    if ((c = check_create(actor, org_id, role_from_code(role), system_wide, err)) != QG_OK)
        return c;
    char hash[QG_PWHASH_MAX];
    c = crypto_password_hash(password, hash, err);
    if (c != QG_OK)
        return c;
    user_job j = {.app = app, .actor = actor, .org_id = org_id, .login = login, .role = role,
                  .pw_hash = hash, .system_wide = system_wide};
    c = writer_run(app->writer, insert_user, &j, err);
    if (c == QG_OK)
        *id = j.id;
    return c;
}

qg_code user_create(qg_app *app, const qg_actor *actor, int64_t org_id, const char *login,
                    const char *role, const char *password, int64_t *id, qg_error *err)
{
    return user_create_scoped(app, actor, org_id, login, role, password, false, id, err);
}

static json_t *user_row(db_stmt *st)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:b, s:s, s:b, s:b, s:b, s:b, s:b, s:I}", "id",
                     (json_int_t)db_col_int(st, 0), "org_id", (json_int_t)db_col_int(st, 1),
                     "login", db_col_text(st, 2), "role", db_col_text(st, 3), "disabled",
                     (int)db_col_int(st, 4), "created_at", db_col_text(st, 5), "pending",
                     (int)db_col_int(st, 6), "must_change", (int)db_col_int(st, 7),
                     "_has_supervisor", (int)db_col_int(st, 8), "_has_cases",
                     (int)db_col_int(st, 9), "system_wide", (int)db_col_int(st, 10),
                     "_pending_by", (json_int_t)db_col_int(st, 11));
}

/* user_row with the user's name (null when none is set). */
static json_t *user_row_named(db_stmt *st)
{
    json_t *row = user_row(st);
    const char *name = db_col_text(st, 12);
    if (row && json_object_set_new(row, "name", name ? json_string(name) : json_null()) != 0) {
        json_decref(row);
        return NULL;
    }
    return row;
}

/* The facts of a user row (before user_row_finish removes its "_" keys). */
static account_facts row_facts(const json_t *row)
{
    return (account_facts){
        .id = json_integer_value(json_object_get(row, "id")),
        .role = role_from_code(json_string_value(json_object_get(row, "role"))),
        .org_id = json_integer_value(json_object_get(row, "org_id")),
        .system_wide = json_is_true(json_object_get(row, "system_wide")),
        .pending_by = json_integer_value(json_object_get(row, "_pending_by")),
        .org_has_supervisor = json_is_true(json_object_get(row, "_has_supervisor")),
        .org_has_cases = json_is_true(json_object_get(row, "_has_cases"))};
}

/* The actions the actor may take on the account of f now: "user.confirm" (waiting, and the
 * actor may confirm it), "user.manage" (set its name), "user.password" (reset its password;
 * not one's own, which PUT /session/password changes), "user.disable" (not offered for
 * one's own account). */
static json_t *row_may(const qg_actor *actor, const account_facts *f, bool pending, bool disabled)
{
    json_t *may = json_array();
    int failed = !may;
    if (!failed && pending && !disabled && policy_confirm(actor, f) == POLICY_ALLOW)
        failed = json_array_append_new(may, json_string(policy_action_name(ACT_USER_CONFIRM)));
    bool manage = !disabled && policy_account_change(actor, ACCOUNT_RESET, f) == POLICY_ALLOW;
    if (!failed && manage)
        failed = json_array_append_new(may, json_string(policy_action_name(ACT_USER_MANAGE)));
    if (!failed && manage && f->id != actor->user_id) /* one's own: PUT /session/password */
        failed = json_array_append_new(may, json_string("user.password"));
    if (!failed && !disabled && f->id != actor->user_id && /* never one's own, on the page */
        policy_account_change(actor, ACCOUNT_DISABLE, f) == POLICY_ALLOW)
        failed = json_array_append_new(may, json_string("user.disable"));
    if (failed) {
        json_decref(may);
        return NULL;
    }
    return may;
}

/* Replaces a row's facts (the "_" keys) by what the actor may do with the account ("may":
 * row_may) and, for a waiting account, who may confirm it ("confirm_by": policy_confirmer). */
static int user_row_finish(json_t *row, const qg_actor *actor)
{
    account_facts f = row_facts(row);
    bool pending = json_is_true(json_object_get(row, "pending"));
    bool disabled = json_is_true(json_object_get(row, "disabled"));
    json_object_del(row, "_has_supervisor");
    json_object_del(row, "_has_cases");
    json_object_del(row, "_pending_by");
    json_t *may = row_may(actor, &f, pending, disabled);
    if (!may)
        return -1;
    int failed = json_object_set_new(row, "may", may) != 0;
    if (pending)
        failed |= json_object_set_new(row, "confirm_by", json_string(policy_confirmer(&f))) != 0;
    return failed ? -1 : 0;
}

#define USER_COLUMNS                                                                       \
    "SELECT u.id, u.org_id, u.login, u.role, u.disabled, u.created_at, u.pending,"          \
    " u.must_change," QG_ACCOUNT_FACTS_SQL ", u.name FROM users u"

json_t *user_list(qg_app *app, const qg_actor *actor, qg_error *err)
{
    if (require(actor, ACT_USER_LIST, err) != QG_OK)
        return NULL;
    json_t *list;
    if (policy_user_scope(actor) == USERS_OWN_ORG) /* waiting accounts first */
        list = select_array(app,
                            USER_COLUMNS " WHERE u.org_id = ?"
                                         " ORDER BY u.pending DESC, u.disabled, u.id",
                            actor->org_id, user_row_named, err);
    else
        list = select_array(app, USER_COLUMNS " WHERE u.id > ? ORDER BY u.id", 0, user_row_named,
                            err);
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row) {
        if (user_row_finish(row, actor) != 0) {
            json_decref(list);
            qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
            return NULL;
        }
    }
    return list;
}

typedef enum { CHANGE_DISABLE, CHANGE_PASSWORD, CHANGE_CONFIRM, CHANGE_OWN } change_kind;

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *login;
    change_kind kind;
    const char *pw_hash; /* CHANGE_PASSWORD and CHANGE_OWN */
    const char *token;   /* CHANGE_OWN: the session the change is made in, kept */
} change_job;

typedef struct {
    int64_t id, org_id;
    qg_role role;
    bool pending;
    account_facts facts;
} user_target;

static qg_code find_target(db *conn, const char *login, user_target *t, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT u.id, u.org_id, u.role, u.pending," QG_ACCOUNT_FACTS_SQL
                             "FROM users u WHERE u.login = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, login);
    int rc = db_step(st, err);
    if (rc == 1) {
        *t = (user_target){.id = db_col_int(st, 0),
                           .org_id = db_col_int(st, 1),
                           .role = role_from_code(db_col_text(st, 2)),
                           .pending = db_col_int(st, 3) != 0};
        t->facts = session_account_facts(st, 4, t->id, t->role, t->org_id);
    }
    db_done(st);
    if (rc < 0)
        return err->code;
    return rc == 1 ? QG_OK : qg_fail(err, QG_ENOTFOUND, "login", "user.not_found", "no such user");
}

/* The UPDATE for one kind of change; binds its parameters. NULL with err on failure. */
static db_stmt *change_statement(db *conn, const change_job *j, const user_target *t, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st;
    switch (j->kind) {
    case CHANGE_PASSWORD:
    case CHANGE_OWN:
        st = db_prepare(conn,
                        "UPDATE users SET pw_hash = ?, pw_changed_at = ?, pending = ?,"
                        " must_change = ?, pending_by = ?,"
                        " made_by = CASE WHEN ? = 1 THEN ? ELSE made_by END WHERE id = ?",
                        err);
        if (st) {
            bool waits = policy_needs_confirmation(j->actor, t->id);
            db_bind_text(st, 1, j->pw_hash);
            db_bind_text(st, 2, now);
            db_bind_int(st, 3, t->pending || waits);
            db_bind_int(st, 4, policy_password_temporary(j->actor, t->id));
            db_bind_id_or_null(st, 5, waits ? j->actor->user_id : t->facts.pending_by);
            /* who last set it for another (kept: a maker stays a maker) */
            db_bind_int(st, 6, j->kind == CHANGE_PASSWORD && j->actor->user_id != t->id);
            db_bind_id_or_null(st, 7, j->actor->user_id);
            db_bind_int(st, 8, t->id);
        }
        return st;
    case CHANGE_CONFIRM:
        st = db_prepare(conn, "UPDATE users SET pending = 0, pending_by = NULL WHERE id = ?",
                        err);
        break;
    default:
        st = db_prepare(conn, "UPDATE users SET disabled = 1 WHERE id = ?", err);
        break;
    }
    if (st)
        db_bind_int(st, 1, t->id);
    return st;
}

/* Is t the last active system-wide admin (whom nobody may disable)? */
static qg_code check_not_last(db *conn, const user_target *t, qg_error *err)
{
    if (!t->facts.system_wide || t->role != ROLE_ADMIN)
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT COUNT(*) FROM users WHERE role = 'admin' AND system_wide = 1"
                             " AND disabled = 0 AND pending = 0 AND id <> ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, t->id);
    int rc = db_step(st, err);
    int64_t others = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc < 0)
        return err->code;
    return others > 0 ? QG_OK
                      : qg_fail(err, QG_ECONFLICT, "login", "account.last_system_admin",
                                "is the last system-wide admin");
}

/* May the actor disable t, or set its password or name (kind)? As the table says. */
static qg_code check_change(db *conn, const qg_actor *actor, account_change kind,
                            const user_target *t, qg_error *err)
{
    policy_verdict v = policy_account_change(actor, kind, &t->facts);
    if (v == POLICY_HIDE)
        return qg_fail(err, QG_ENOTFOUND, "login", "user.not_found", "no such user");
    if (v != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, "login", "account.system_wide_cli",
                       "a system-wide account is managed only on the server's command line");
    return kind == ACCOUNT_DISABLE ? check_not_last(conn, t, err) : QG_OK;
}

/* Confirming needs the one the policy names (never who made it wait) and a waiting account. */
static qg_code check_confirm(const change_job *j, const user_target *t, qg_error *err)
{
    policy_verdict v = policy_confirm(j->actor, &t->facts);
    if (v == POLICY_HIDE)
        return qg_fail(err, QG_ENOTFOUND, "login", "user.not_found", "no such user");
    if (v != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    if (!t->pending)
        return qg_fail(err, QG_ECONFLICT, "login", "account.not_pending",
                       "is not waiting for confirmation");
    return QG_OK;
}

static qg_code change_user(db *conn, void *arg, qg_error *err)
{
    static const char *const actions[] = {[CHANGE_DISABLE] = "user.disable",
                                          [CHANGE_PASSWORD] = "user.passwd",
                                          [CHANGE_CONFIRM] = "user.confirm",
                                          [CHANGE_OWN] = "user.passwd_own"};
    change_job *j = arg;
    user_target t = {0};
    qg_code c = find_target(conn, j->login, &t, err);
    if (c == QG_OK && j->kind == CHANGE_CONFIRM)
        c = check_confirm(j, &t, err);
    else if (c == QG_OK && j->kind != CHANGE_OWN)
        c = check_change(conn, j->actor, j->kind == CHANGE_DISABLE ? ACCOUNT_DISABLE
                                                                    : ACCOUNT_RESET,
                         &t, err);
    if (c == QG_OK && j->kind == CHANGE_PASSWORD && t.id == j->actor->user_id)
        c = qg_fail(err, QG_EFORBIDDEN, "login", "account.own_password",
                    "your own password is changed on your own password page, with the current"
                    " one (PUT /session/password)");
    if (c != QG_OK)
        return c;
    db_stmt *st = change_statement(conn, j, &t, err);
    if (!st)
        return err->code;
    if ((c = db_run(st, err)) != QG_OK)
        return c;
    if (j->kind == CHANGE_OWN)
        c = session_drop_others(conn, t.id, j->token, err);
    else if (j->kind != CHANGE_CONFIRM)
        c = session_drop_user(conn, t.id, err);
    if (c != QG_OK)
        return c;
    char object[32];
    snprintf(object, sizeof object, "user:%lld", (long long)t.id);
    json_t *detail = NULL;
    if (j->kind == CHANGE_PASSWORD)
        detail = json_pack("{s:b, s:b}", "temporary", policy_password_temporary(j->actor, t.id),
                           "pending", t.pending || policy_needs_confirmation(j->actor, t.id));
    c = audit_append(conn, j->app->keys, j->actor, actions[j->kind], object, detail, err);
    json_decref(detail);
    return c;
}

qg_code user_disable(qg_app *app, const qg_actor *actor, const char *login, qg_error *err)
{
    qg_code c = require(actor, ACT_USER_MANAGE, err);
    if (c == QG_OK)
        c = account_check_login(login, "login", err);
    if (c != QG_OK)
        return c;
    change_job j = {.app = app, .actor = actor, .login = login, .kind = CHANGE_DISABLE};
    return writer_run(app->writer, change_user, &j, err);
}

qg_code user_set_password(qg_app *app, const qg_actor *actor, const char *login,
                          const char *password, qg_error *err)
{
    qg_code c = require(actor, ACT_USER_MANAGE, err);
    if (c == QG_OK)
        c = account_check_login(login, "login", err);
    if (c != QG_OK)
        return c;
    char hash[QG_PWHASH_MAX];
    if ((c = crypto_password_hash(password, hash, err)) != QG_OK)
        return c;
    change_job j = {.app = app, .actor = actor, .login = login, .kind = CHANGE_PASSWORD,
                    .pw_hash = hash};
    return writer_run(app->writer, change_user, &j, err);
}

qg_code user_confirm(qg_app *app, const qg_actor *actor, const char *login, qg_error *err)
{
    if (policy_confirm(actor, NULL) == POLICY_FORBID) /* before any lookup */
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    qg_code c = account_check_login(login, "login", err);
    if (c != QG_OK)
        return c;
    change_job j = {.app = app, .actor = actor, .login = login, .kind = CHANGE_CONFIRM};
    return writer_run(app->writer, change_user, &j, err);
}

typedef struct {
    int64_t id;
    char login[QG_LOGIN_MAX + 1];
    char pw_hash[QG_PWHASH_MAX];
} own_row;

/* The read of the acting user's login and password hash. */
static qg_code read_own(db *conn, void *arg, qg_error *err)
{
    own_row *o = arg;
    db_stmt *st = db_prepare(conn, "SELECT login, pw_hash FROM users WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, o->id);
    int rc = db_step(st, err);
    if (rc == 1) {
        snprintf(o->login, sizeof o->login, "%s", db_col_text(st, 0));
        snprintf(o->pw_hash, sizeof o->pw_hash, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (rc < 0)
        return err->code;
    return rc == 1 ? QG_OK : qg_fail(err, QG_EUNAUTH, "session", "session.none", "not logged in");
}

/* The account's failure counter, the same as failed logins count against. */
typedef struct {
    qg_app *app;
    char key[QG_HASH_HEX];
    int64_t now;
    int wait;
} own_limit;

static qg_code read_own_blocked(db *conn, void *arg, qg_error *err)
{
    own_limit *l = arg;
    return limit_blocked(conn, l->key, l->now, l->app->settings.limit_slots, &l->wait, err);
}

static qg_code count_wrong_current(db *conn, void *arg, qg_error *err)
{
    own_limit *l = arg;
    const qg_settings *s = &l->app->settings;
    return limit_fail(conn, l->key, l->now, &s->login_per_account, s->limit_slots, &l->wait,
                      err);
}

/* Checks the current password against o, counting a wrong one like a failed login (a
 * wrong one that cannot be counted answers the storage error: fail closed). */
static qg_code check_current(qg_app *app, const own_row *o, const char *current,
                             const char *password, int *wait, qg_error *err)
{
    own_limit l = {.app = app, .now = (int64_t)time(NULL)};
    limit_key(app->keys, "login", o->login, l.key);
    qg_code c = app_read(app, read_own_blocked, &l, err);
    if (c != QG_OK)
        return c;
    if ((*wait = l.wait) > 0)
        return qg_fail(err, QG_ETHROTTLED, "current_password", "password.throttled",
                       "too many wrong passwords");
    if (!current || !crypto_password_verify(o->pw_hash, current)) {
        if ((c = writer_run(app->writer, count_wrong_current, &l, err)) != QG_OK)
            return c;
        return qg_fail(err, QG_EINVAL, "current_password", "password.wrong_current",
                       "is not the current password");
    }
    if (password && crypto_password_verify(o->pw_hash, password))
        return qg_fail(err, QG_EINVAL, "password", "password.unchanged",
                       "must differ from the current password");
    return QG_OK;
}

qg_code user_change_own_password(qg_app *app, const qg_actor *actor, const char *token,
                                 const char *current, const char *password, int *wait,
                                 qg_error *err)
{
    *wait = 0;
    if (!actor || actor->user_id <= 0)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "only a user has a password to change");
    own_row o = {.id = actor->user_id};
    qg_code c = app_read(app, read_own, &o, err);
    if (c == QG_OK)
        c = check_current(app, &o, current, password, wait, err);
    char hash[QG_PWHASH_MAX];
    if (c == QG_OK)
        c = crypto_password_hash(password, hash, err);
    if (c != QG_OK)
        return c;
    change_job j = {.app = app, .actor = actor, .login = o.login, .kind = CHANGE_OWN,
                    .pw_hash = hash, .token = token};
    return writer_run(app->writer, change_user, &j, err);
}

/* ---- names -------------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *login, *name;
} name_job;

static qg_code name_user(db *conn, void *arg, qg_error *err)
{
    name_job *j = arg;
    user_target t = {0};
    qg_code c = find_target(conn, j->login, &t, err);
    if (c == QG_OK)
        c = check_change(conn, j->actor, ACCOUNT_RESET, &t, err);
    if (c != QG_OK)
        return c;
    db_stmt *st = db_prepare(conn, "UPDATE users SET name = ? WHERE id = ?", err);
    if (!st)
        return err->code;
    if (j->name)
        db_bind_text(st, 1, j->name);
    else
        db_bind_null(st, 1);
    db_bind_int(st, 2, t.id);
    if ((c = db_run(st, err)) != QG_OK)
        return c;
    char object[32];
    snprintf(object, sizeof object, "user:%lld", (long long)t.id);
    return audit_append(conn, j->app->keys, j->actor, "user.name", object, NULL, err);
}

qg_code user_name_check(const char *name, qg_error *err)
{
    return name && *name ? account_check_text(name, QG_USER_NAME_MAX, "name", err) : QG_OK;
}

qg_code user_set_name(qg_app *app, const qg_actor *actor, const char *login, const char *name,
                      qg_error *err)
{
    qg_code c = require(actor, ACT_USER_MANAGE, err);
    if (c == QG_OK)
        c = account_check_login(login, "login", err);
    if (c == QG_OK)
        c = user_name_check(name, err);
    if (c != QG_OK)
        return c;
    name_job j = {.app = app, .actor = actor, .login = login, .name = name && *name ? name : NULL};
    return writer_run(app->writer, name_user, &j, err);
}
