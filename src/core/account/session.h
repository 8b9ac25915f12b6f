/*
 * session.h — logging in and out, and finding who is behind a session token.
 *
 * A token has 256 random bits; the database stores only its hash. A session ends when
 * unused for settings.session_idle_s or session_absolute_s after login, when the user
 * logs out, or when the user is disabled or changes password; each login also deletes
 * the sessions that have ended by time. Failed logins are throttled per account and
 * per client address (per /64 prefix for IPv6), and every outcome is audited.
 */
#ifndef QG_SESSION_H
#define QG_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/account/policy.h"
#include "core/common/app.h"

#define QG_LOGIN_MAX 64

/* The facts of account_facts (policy.h) for the users row "u", as four columns: the
 * organisation has another active, confirmed supervisor (0/1); it holds a case (0/1); the
 * account is system-wide (0/1); who made it wait (a user id, 0 for nobody). Read them
 * with session_account_facts. */
#define QG_ACCOUNT_FACTS_SQL                                                                 \
    " CASE WHEN EXISTS (SELECT 1 FROM users s WHERE s.org_id = u.org_id AND s.id <> u.id"    \
    " AND s.role = 'supervisor' AND s.pending = 0 AND s.disabled = 0) THEN 1 ELSE 0 END,"   \
    " CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.org_id = u.org_id) THEN 1 ELSE 0 END," \
    " u.system_wide, COALESCE(u.pending_by, 0) "

/* Returns the facts of the account id (role, org_id) whose QG_ACCOUNT_FACTS_SQL columns
 * start at column col of st's current row. */
account_facts session_account_facts(db_stmt *st, int col, int64_t id, qg_role role,
                                    int64_t org_id);

/* Why a login with the right password was refused. */
typedef enum {
    LOGIN_REFUSED_NONE = 0,
    LOGIN_REFUSED_PENDING, /* waits for confirmation (by session_info.confirm_by) */
    LOGIN_REFUSED_DISABLED
} login_refusal;

typedef struct {
    char token[QG_TOKEN_HEX]; /* goes only into the HttpOnly cookie */
    char csrf[QG_TOKEN_HEX];  /* echoed by the browser in X-CSRF-Token */
} session_tokens;

typedef struct {
    qg_actor actor;
    char login[QG_LOGIN_MAX + 1];
    char csrf[QG_TOKEN_HEX];
    int64_t expires_at; /* the earlier of idle and absolute expiry */
    bool must_change;   /* the password is temporary: only changing it (or leaving) works */
    login_refusal refusal; /* session_login: why the right password did not let in */
    const char *confirm_by; /* with LOGIN_REFUSED_PENDING: who may confirm (policy_confirmer) */
} session_info;

/* Checks login and password. On success creates a session (deleting, in the same
 * write, every session whose idle or absolute limit has passed at now), fills *out
 * and *who (who->must_change when the password is temporary), and audits "login". On
 * failure audits "login_failed" and returns QG_EUNAUTH: one message for an unknown login
 * and a wrong password; only after the right password, who->refusal says that the
 * account waits for confirmation (who->confirm_by) or is disabled. Such a refusal still
 * counts as a failure for the throttle. Or returns
 * QG_ETHROTTLED with *retry_after seconds when the account or the address has failed
 * too often. client_addr is the numeric client address the per-address throttle
 * counts against (per /64 prefix for IPv6). now is the current time in seconds. */
qg_code session_login(qg_app *app, const char *login, const char *password,
                      const char *client_addr, int64_t now, session_tokens *out,
                      session_info *who, int *retry_after, qg_error *err);

/* Finds the session for token at time now. Returns QG_OK and fills *who, or
 * QG_EUNAUTH when the token is unknown, expired or its user disabled. Refreshes the
 * idle timer (a write) at most once a minute, or once per quarter of the idle limit
 * when that is shorter. */
qg_code session_lookup(qg_app *app, const char *token, int64_t now, session_info *who,
                       qg_error *err);

/* Ends the session for token and audits "logout". Unknown tokens are QG_EUNAUTH. */
qg_code session_logout(qg_app *app, const char *token, qg_error *err);

/* Deletes every session of a user inside the caller's write transaction (after a
 * password change or disabling). */
qg_code session_drop_user(db *conn, int64_t user_id, qg_error *err);

/* Deletes every session of a user but the one of token (the user's own password change
 * keeps the session it was made in) inside the caller's write transaction. */
qg_code session_drop_others(db *conn, int64_t user_id, const char *token, qg_error *err);

#endif
