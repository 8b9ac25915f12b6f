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

#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define QG_LOGIN_MAX 64

typedef struct {
    char token[QG_TOKEN_HEX]; /* goes only into the HttpOnly cookie */
    char csrf[QG_TOKEN_HEX];  /* echoed by the browser in X-CSRF-Token */
} session_tokens;

typedef struct {
    qg_actor actor;
    char login[QG_LOGIN_MAX + 1];
    char csrf[QG_TOKEN_HEX];
    int64_t expires_at; /* the earlier of idle and absolute expiry */
} session_info;

/* Checks login and password. On success creates a session (deleting, in the same
 * write, every session whose idle or absolute limit has passed at now), fills *out
 * and *who, and audits "login". On failure audits "login_failed" and returns
 * QG_EUNAUTH (one message for unknown login, wrong password and disabled user), or
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

#endif
