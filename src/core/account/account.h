/*
 * account.h — organisations and user accounts: creating, listing, disabling and
 * changing passwords. Every change is checked by the policy and audited.
 */
#ifndef QG_ACCOUNT_H
#define QG_ACCOUNT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define QG_ORG_NAME_MAX 200

/* Creates an organisation. type and region are vocabulary codes. On success *id is
 * the new id. Errors name the field: QG_EINVAL for a bad value, QG_ECONFLICT for a
 * name already in use, QG_EFORBIDDEN for a role that may not. */
qg_code org_create(qg_app *app, const qg_actor *actor, const char *name, const char *type,
                   const char *region, int64_t *id, qg_error *err);

/* Returns every organisation as a new JSON array the caller owns, or NULL (err). */
json_t *org_list(qg_app *app, const qg_actor *actor, qg_error *err);

/* Creates a user in organisation org_id with role and password (checked for length
 * and hashed with argon2id). *id is the new id. Login: 3–64 characters of a-z, 0-9,
 * '.', '_', '-'. An account a person makes (not the system) waits for a second person's
 * confirmation before it can log in (policy_needs_confirmation, policy_confirm). An admin
 * of one organisation makes accounts only there (QG_EFORBIDDEN naming "org_id",
 * "account.other_org"). As user_create_scoped with system_wide false. */
qg_code user_create(qg_app *app, const qg_actor *actor, int64_t org_id, const char *login,
                    const char *role, const char *password, int64_t *id, qg_error *err);

/* user_create, and with system_wide an admin, auditor or analyst account whose reach is
 * every organisation: only the system (the command line on the server) makes one
 * (QG_EFORBIDDEN naming "system_wide", "account.system_wide_cli"); a case role is never
 * system-wide (QG_EINVAL, "account.system_wide_role"). */
qg_code user_create_scoped(qg_app *app, const qg_actor *actor, int64_t org_id, const char *login,
                           const char *role, const char *password, bool system_wide, int64_t *id,
                           qg_error *err);

#define QG_USER_NAME_MAX 200 /* bytes of a person's name shown beside the login */

/* QG_OK when name (NULL or "" = none) may be a user's name; else QG_EINVAL naming "name". */
qg_code user_name_check(const char *name, qg_error *err);

/* Sets the name shown beside login's login in lists and pickers (an admin's task; NULL
 * or "" removes it). Audited as "user.name" (without the name). QG_ENOTFOUND naming
 * "login" for no such user; QG_EINVAL naming "name" for a name too long or with control
 * characters. */
qg_code user_set_name(qg_app *app, const qg_actor *actor, const char *login, const char *name,
                      qg_error *err);

/* Returns users as a new JSON array (no password hashes): all of them for a system-wide
 * admin or the system, the actor's organisation for an admin of one organisation and a
 * supervisor (waiting accounts first). Each user carries "pending", "must_change" (a
 * temporary password), "system_wide", "may" (of "user.confirm", "user.manage" — reset the
 * password, set the name —, "user.disable": what the actor may do to it now) and, while
 * pending, "confirm_by" (who may confirm it: policy_confirmer). */
json_t *user_list(qg_app *app, const qg_actor *actor, qg_error *err);

/* Disables the user with this login and ends their sessions, as policy_account_change
 * allows (QG_ENOTFOUND for another organisation's account, QG_EFORBIDDEN for a
 * system-wide one unless a system-wide admin asks); never the last active system-wide
 * admin (QG_ECONFLICT, "account.last_system_admin"). Audited as "user.disable". */
qg_code user_disable(qg_app *app, const qg_actor *actor, const char *login, qg_error *err);

/* Confirms a waiting account (see policy_needs_confirmation) as policy_confirm allows
 * (never by who made or reset it). QG_ENOTFOUND for an account of another organisation,
 * QG_EFORBIDDEN for a pair the policy refuses, QG_ECONFLICT when it is not waiting.
 * Audited as "user.confirm". */
qg_code user_confirm(qg_app *app, const qg_actor *actor, const char *login, qg_error *err);

/* Sets a new password for the user with this login and ends their sessions: the old
 * password stops working at once. When a person resets another's account it waits for
 * confirmation again (the new password works only once confirmed), and the password is
 * temporary (policy_password_temporary): the user must change it at the next login. As
 * policy_account_change allows (like user_disable). Audited as "user.passwd" with
 * {"temporary": bool, "pending": bool}. */
qg_code user_set_password(qg_app *app, const qg_actor *actor, const char *login,
                          const char *password, qg_error *err);

/* The logged-in user (actor) changes their own password: current must be the password
 * they logged in with (QG_EINVAL on "current_password" when not; wrong tries count
 * against the account like failed logins, QG_ETHROTTLED when too many, with *wait set to
 * the seconds until the block ends), password the new
 * one (checked like any, and different from current). Clears a temporary password's
 * must-change mark, ends the user's other sessions but keeps the one of token, and is
 * audited as "user.passwd_own". */
qg_code user_change_own_password(qg_app *app, const qg_actor *actor, const char *token,
                                 const char *current, const char *password, int *wait,
                                 qg_error *err);

#endif
