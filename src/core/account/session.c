/* session.c — login, session lookup and logout (see session.h). */
#include "core/account/session.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/account/limit.h"
#include "core/account/policy.h"

#define TOUCH_EVERY_S 60

typedef struct {
    int64_t id, org_id;
    qg_role role;
    bool disabled, pending, must_change, system_wide;
    account_facts facts; /* for who confirms a waiting account */
    char login[QG_LOGIN_MAX + 1];
    char pw_hash[QG_PWHASH_MAX];
} user_row;

typedef struct {
    const char *login;
    user_row *user;
} user_read;

account_facts session_account_facts(db_stmt *st, int col, int64_t id, qg_role role,
                                    int64_t org_id)
{
    return (account_facts){.id = id,
                           .role = role,
                           .org_id = org_id,
                           .org_has_supervisor = db_col_int(st, col) != 0,
                           .org_has_cases = db_col_int(st, col + 1) != 0,
                           .system_wide = db_col_int(st, col + 2) != 0,
                           .pending_by = db_col_int(st, col + 3)};
}

/* The read of load_user on a reading connection. */
static qg_code read_user(db *conn, void *arg, qg_error *err)
{
    user_read *r = arg;
    user_row *u = r->user;
    db_stmt *st = db_prepare(
        conn,
        "SELECT u.id, u.org_id, u.role, u.disabled, u.pending, u.must_change, u.login,"
        " u.pw_hash," QG_ACCOUNT_FACTS_SQL "FROM users u WHERE u.login = ?",
        err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, r->login);
    int rc = db_step(st, err);
    if (rc == 1) {
        u->id = db_col_int(st, 0);
        u->org_id = db_col_int(st, 1);
        u->role = role_from_code(db_col_text(st, 2));
        u->disabled = db_col_int(st, 3) != 0;
        u->pending = db_col_int(st, 4) != 0;
        u->must_change = db_col_int(st, 5) != 0;
        snprintf(u->login, sizeof u->login, "%s", db_col_text(st, 6));
        snprintf(u->pw_hash, sizeof u->pw_hash, "%s", db_col_text(st, 7));
        u->facts = session_account_facts(st, 8, u->id, u->role, u->org_id);
        u->system_wide = u->facts.system_wide;
    }
    db_done(st);
    return rc == 1 ? QG_OK : rc == 0 ? QG_ENOTFOUND : err->code;
}

/* Loads a user by login; QG_ENOTFOUND (err untouched) when there is none. */
static qg_code load_user(qg_app *app, const char *login, user_row *u, qg_error *err)
{
    user_read r = {.login = login, .user = u};
    return app_read(app, read_user, &r, err);
}

typedef struct {
    qg_app *app;
    const user_row *user;
    const session_tokens *tokens;
    const char *acct_key; /* the account's failure counter, forgotten on success */
    int64_t now;
} login_job;

/* Deletes the sessions whose idle or absolute limit has passed at j->now (the same
 * test as session_lookup), so ended sessions do not pile up in the table. */
static qg_code delete_expired(db *conn, const login_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "DELETE FROM sessions WHERE last_seen <= ? OR created_at <= ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->now - j->app->settings.session_idle_s);
    db_bind_int(st, 2, j->now - j->app->settings.session_absolute_s);
    return db_run(st, err);
}

static qg_code store_session(db *conn, void *arg, qg_error *err)
{
    login_job *j = arg;
    qg_code c = delete_expired(conn, j, err);
    if (c == QG_OK)
        c = limit_reset(conn, j->acct_key, err);
    if (c != QG_OK)
        return c;
    char hash[QG_HASH_HEX];
    crypto_token_hash(j->tokens->token, hash);
    db_stmt *st =
        db_prepare(conn,
                   "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen)"
                   " VALUES (?, ?, ?, ?, ?)",
                   err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, j->user->id);
    db_bind_text(st, 3, j->tokens->csrf);
    db_bind_int(st, 4, j->now);
    db_bind_int(st, 5, j->now);
    c = db_run(st, err);
    if (c != QG_OK)
        return c;
    qg_actor actor = {.user_id = j->user->id, .org_id = j->user->org_id, .role = j->user->role};
    return audit_append(conn, j->app->keys, &actor, "login", NULL, NULL, err);
}

/* The failure counters of one login attempt: its account's and its address's. */
typedef struct {
    qg_app *app;
    char acct[QG_HASH_HEX], addr[QG_HASH_HEX];
    int64_t now;
    int wait; /* out: the longer of the two blocks, 0 when neither */
} login_limits;

static qg_code read_blocked(db *conn, void *arg, qg_error *err)
{
    login_limits *l = arg;
    int a = 0, b = 0, slots = l->app->settings.limit_slots;
    qg_code c = limit_blocked(conn, l->acct, l->now, slots, &a, err);
    if (c == QG_OK)
        c = limit_blocked(conn, l->addr, l->now, slots, &b, err);
    l->wait = a > b ? a : b;
    return c;
}

typedef struct {
    login_limits *limits;
    int64_t user_id; /* 0 when the login is unknown */
    bool throttled;  /* refused unheard: the failure is audited, not counted again */
} failure_job;

/* Counts the failure against the account and the address, in the same transaction as
 * its audit entry: a failure that cannot be recorded answers a storage error, never a
 * verdict on the password (fail closed). */
static qg_code count_failure(db *conn, login_limits *l, qg_error *err)
{
    const qg_settings *s = &l->app->settings;
    int a = 0, b = 0;
    qg_code c = limit_fail(conn, l->acct, l->now, &s->login_per_account, s->limit_slots, &a, err);
    if (c == QG_OK)
        c = limit_fail(conn, l->addr, l->now, &s->login_per_address, s->limit_slots, &b, err);
    l->wait = a > b ? a : b;
    return c;
}

static qg_code store_failure(db *conn, void *arg, qg_error *err)
{
    failure_job *j = arg;
    qg_code c = j->throttled ? QG_OK : count_failure(conn, j->limits, err);
    if (c != QG_OK)
        return c;
    qg_actor nobody = {0};
    json_t *detail = json_pack("{s:b}", "throttled", j->throttled);
    if (j->user_id)
        json_object_set_new(detail, "user_id", json_integer(j->user_id));
    else
        json_object_set_new(detail, "unknown_login", json_true());
    c = audit_append(conn, j->limits->app->keys, &nobody, "login_failed", NULL, detail, err);
    json_decref(detail);
    return c;
}

static qg_code refuse_login(login_limits *l, int64_t user_id, bool throttled, login_refusal why,
                            qg_error *err)
{
    failure_job fj = {.limits = l, .user_id = user_id, .throttled = throttled};
    qg_error audit_err = {0};
    if (writer_run(l->app->writer, store_failure, &fj, &audit_err) != QG_OK)
        return qg_fail_copy(err, &audit_err);
    if (throttled)
        return qg_fail(err, QG_ETHROTTLED, "login", "login.throttled",
                       "too many failed logins; try again later");
    if (why == LOGIN_REFUSED_PENDING)
        return qg_fail(err, QG_EUNAUTH, "login", "account.pending",
                       "the account waits for confirmation");
    if (why == LOGIN_REFUSED_DISABLED)
        return qg_fail(err, QG_EUNAUTH, "login", "account.disabled", "the account is disabled");
    return qg_fail(err, QG_EUNAUTH, "login", "login.wrong_password",
                   "login and password do not match");
}

/* Verifies the password; for an unknown login verifies against a dummy hash so the
 * answer takes as long either way and does not reveal which logins exist. */
static char dummy_hash[QG_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
    crypto_password_hash("qorgau-dummy-password", dummy_hash, NULL);
}

static bool password_ok(const user_row *u, bool found, const char *password)
{
    if (!found) {
        pthread_once(&dummy_once, make_dummy_hash);
        crypto_password_verify(dummy_hash, password);
        return false;
    }
    return crypto_password_verify(u->pw_hash, password) && u->role != ROLE_NONE;
}

/* Why an account whose password was right may not log in (told only then). */
static login_refusal refusal_of(const user_row *u)
{
    if (u->disabled)
        return LOGIN_REFUSED_DISABLED;
    return u->pending ? LOGIN_REFUSED_PENDING : LOGIN_REFUSED_NONE;
}

qg_code session_login(qg_app *app, const char *login, const char *password,
                      const char *client_addr, int64_t now, session_tokens *out,
                      session_info *who, int *retry_after, qg_error *err)
{
    login_limits l = {.app = app, .now = now};
    limit_key(app->keys, "login", login, l.acct);
    limit_addr_key(app->keys, "addr", client_addr, l.addr);
    user_row u = {0};
    *retry_after = 0;
    qg_code found = load_user(app, login, &u, err);
    if (found != QG_OK && found != QG_ENOTFOUND)
        return found;
    qg_code c = app_read(app, read_blocked, &l, err); /* the limits shared by every server */
    if (c != QG_OK)
        return c;
    *retry_after = l.wait;
    who->refusal = LOGIN_REFUSED_NONE;
    if (*retry_after > 0)
        return refuse_login(&l, u.id, true, LOGIN_REFUSED_NONE, err);
    bool right = password_ok(&u, found == QG_OK, password);
    login_refusal why = right ? refusal_of(&u) : LOGIN_REFUSED_NONE;
    if (!right || why != LOGIN_REFUSED_NONE) { /* counted as before: a refused login */
        who->refusal = why;
        who->confirm_by = why == LOGIN_REFUSED_PENDING ? policy_confirmer(&u.facts) : NULL;
        c = refuse_login(&l, u.id, false, why, err);
        *retry_after = l.wait;
        return c;
    }
    crypto_random_token(out->token);
    crypto_random_token(out->csrf);
    login_job j = {.app = app, .user = &u, .tokens = out, .acct_key = l.acct, .now = now};
    c = writer_run(app->writer, store_session, &j, err);
    if (c != QG_OK)
        return c;
    who->actor = (qg_actor){
        .user_id = u.id, .org_id = u.org_id, .role = u.role, .system_wide = u.system_wide};
    snprintf(who->login, sizeof who->login, "%s", u.login);
    snprintf(who->csrf, sizeof who->csrf, "%s", out->csrf);
    who->must_change = u.must_change;
    int64_t idle = app->settings.session_idle_s, hard = app->settings.session_absolute_s;
    who->expires_at = now + (idle < hard ? idle : hard);
    return QG_OK;
}

typedef struct {
    const char *hash;
    int64_t now;
} touch_job;

static qg_code touch_session(db *conn, void *arg, qg_error *err)
{
    touch_job *j = arg;
    db_stmt *st = db_prepare(conn, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->now);
    db_bind_text(st, 2, j->hash);
    return db_run(st, err);
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

typedef struct {
    const char *hash;
    session_info *who;
    int64_t created, last_seen;
} session_read;

/* Reads the session row: QG_OK found, QG_ENOTFOUND (err untouched) not found, else the
 * storage error. */
static qg_code read_session(db *conn, void *arg, qg_error *err)
{
    session_read *r = arg;
    session_info *who = r->who;
    db_stmt *st = db_prepare(conn,
                             "SELECT s.created_at, s.last_seen, s.csrf, u.id, u.org_id, u.role,"
                             " u.login, u.must_change, u.system_wide, COALESCE(u.made_by, 0)"
                             " FROM sessions s"
                             " JOIN users u ON u.id = s.user_id"
                             " WHERE s.token_hash = ? AND u.disabled = 0 AND u.pending = 0",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, r->hash);
    int rc = db_step(st, err);
    if (rc == 1) {
        r->created = db_col_int(st, 0);
        r->last_seen = db_col_int(st, 1);
        snprintf(who->csrf, sizeof who->csrf, "%s", db_col_text(st, 2));
        who->actor.user_id = db_col_int(st, 3);
        who->actor.org_id = db_col_int(st, 4);
        who->actor.role = role_from_code(db_col_text(st, 5));
        snprintf(who->login, sizeof who->login, "%s", db_col_text(st, 6));
        who->must_change = db_col_int(st, 7) != 0;
        who->actor.system_wide = db_col_int(st, 8) != 0;
        who->actor.made_by = db_col_int(st, 9);
    }
    db_done(st);
    return rc == 1 ? QG_OK : rc == 0 ? QG_ENOTFOUND : err->code;
}

qg_code session_lookup(qg_app *app, const char *token, int64_t now, session_info *who,
                       qg_error *err)
{
    if (!token || strlen(token) != QG_TOKEN_HEX - 1)
        return qg_fail(err, QG_EUNAUTH, "session", "session.none", "not logged in");
    char hash[QG_HASH_HEX];
    crypto_token_hash(token, hash);
    session_read r = {.hash = hash, .who = who};
    qg_code found = app_read(app, read_session, &r, err);
    if (found != QG_OK && found != QG_ENOTFOUND)
        return found;
    int64_t last_seen = r.last_seen;
    int64_t idle_end = last_seen + app->settings.session_idle_s;
    int64_t hard_end = r.created + app->settings.session_absolute_s;
    if (found == QG_ENOTFOUND || now >= idle_end || now >= hard_end || who->actor.role == ROLE_NONE)
        return qg_fail(err, QG_EUNAUTH, "session", "session.expired",
                       "not logged in, or the session has expired");
    /* last_seen is written back at most once a minute, or once per quarter of the idle
     * limit when that is shorter: a session ends at most that long before it has been
     * unused for the whole idle limit, however short the limit is. */
    bool touch = now - last_seen >= min64(TOUCH_EVERY_S, app->settings.session_idle_s / 4);
    who->expires_at = min64((touch ? now : last_seen) + app->settings.session_idle_s, hard_end);
    if (touch) {
        /* Only the idle clock is written here, nothing audited: on a full or read-only
         * disk the session still serves the reads that need no audit entry. */
        touch_job j = {.hash = hash, .now = now};
        qg_error touch_err = {0};
        qg_code c = writer_run(app->writer, touch_session, &j, &touch_err);
        if (c != QG_OK && c != QG_EUNAVAIL)
            return qg_fail_copy(err, &touch_err);
        if (c != QG_OK) /* not written: the session ends as last_seen says */
            who->expires_at = min64(last_seen + app->settings.session_idle_s, hard_end);
    }
    return QG_OK;
}

typedef struct {
    qg_app *app;
    const char *hash;
    qg_actor actor;
} logout_job;

static qg_code delete_session(db *conn, void *arg, qg_error *err)
{
    logout_job *j = arg;
    db_stmt *st = db_prepare(conn, "DELETE FROM sessions WHERE token_hash = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, j->hash);
    qg_code c = db_run(st, err);
    if (c != QG_OK)
        return c;
    if (db_changes(conn) == 0)
        return qg_fail(err, QG_EUNAUTH, "session", "session.none", "not logged in");
    return audit_append(conn, j->app->keys, &j->actor, "logout", NULL, NULL, err);
}

qg_code session_logout(qg_app *app, const char *token, qg_error *err)
{
    session_info who;
    qg_code c = session_lookup(app, token, (int64_t)time(NULL), &who, err);
    if (c != QG_OK)
        return c;
    char hash[QG_HASH_HEX];
    crypto_token_hash(token, hash);
    logout_job j = {.app = app, .hash = hash, .actor = who.actor};
    return writer_run(app->writer, delete_session, &j, err);
}

qg_code session_drop_user(db *conn, int64_t user_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "DELETE FROM sessions WHERE user_id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, user_id);
    return db_run(st, err);
}

qg_code session_drop_others(db *conn, int64_t user_id, const char *token, qg_error *err)
{
    char hash[QG_HASH_HEX] = "";
    if (token && strlen(token) == QG_TOKEN_HEX - 1)
        crypto_token_hash(token, hash);
    db_stmt *st =
        db_prepare(conn, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, user_id);
    db_bind_text(st, 2, hash);
    return db_run(st, err);
}
