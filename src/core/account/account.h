/*
 * account.h — organisations and user accounts: creating, listing, disabling and
 * changing passwords. Every change is checked by the policy and audited.
 */
#ifndef QG_ACCOUNT_H
#define QG_ACCOUNT_H

#include <jansson.h>
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
 * '.', '_', '-'. A case-role account made by an admin waits for a supervisor's
 * confirmation before it can log in. */
qg_code user_create(qg_app *app, const qg_actor *actor, int64_t org_id, const char *login,
                    const char *role, const char *password, int64_t *id, qg_error *err);

#define QG_USER_NAME_MAX 200 /* bytes of a person's name shown beside the login */

/* QG_OK when name (NULL or "" = none) may be a user's name; else QG_EINVAL naming "name". */
qg_code user_name_check(const char *name, qg_error *err);

/* Sets the name shown beside login's login in lists and pickers (an admin's task; NULL
 * or "" removes it). Audited as "user.name" (without the name). QG_ENOTFOUND naming
 * "login" for no such user; QG_EINVAL naming "name" for a name too long or with control
 * characters. */
qg_code user_set_name(qg_app *app, const qg_actor *actor, const char *login, const char *name,
                      qg_error *err);

/* Returns users as a new JSON array (no password hashes): all of them for an admin or
 * the system, the actor's organisation for a supervisor (waiting accounts first). Each
 * user carries "pending", "must_change" (a temporary password), "may" (["user.confirm"]
 * when the actor may confirm it now) and, while pending, "confirm_by" (the role code of
 * who may confirm it: policy_confirmer). */
json_t *user_list(qg_app *app, const qg_actor *actor, qg_error *err);

/* Disables the user with this login and ends their sessions. */
qg_code user_disable(qg_app *app, const qg_actor *actor, const char *login, qg_error *err);

/* Confirms a waiting account (see policy_needs_confirmation) as policy_confirm allows:
 * a supervisor of its organisation, an admin for the first supervisor of a new
 * organisation, or the system. QG_ENOTFOUND for an account of another organisation
 * (a supervisor), QG_EFORBIDDEN for a pair the policy refuses, QG_ECONFLICT when it is
 * not waiting. Audited as "user.confirm". */
qg_code user_confirm(qg_app *app, const qg_actor *actor, const char *login, qg_error *err);

/* Sets a new password for the user with this login and ends their sessions. When an
 * admin resets a case-role account, it waits for confirmation again; a password an admin
 * sets is temporary (policy_password_temporary): the user must change it at the next
 * login. Audited as "user.passwd" with {"temporary": bool}. */
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
