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

/* Returns users as a new JSON array (no password hashes): all of them for an admin or
 * the system, the actor's organisation for a supervisor. */
json_t *user_list(qg_app *app, const qg_actor *actor, qg_error *err);

/* Disables the user with this login and ends their sessions. */
qg_code user_disable(qg_app *app, const qg_actor *actor, const char *login, qg_error *err);

/* Confirms a waiting account (see policy_needs_confirmation): a supervisor of its
 * organisation, or the system, lets it log in. QG_ENOTFOUND for an account of another
 * organisation, QG_ECONFLICT when it is not waiting. Audited as "user.confirm". */
qg_code user_confirm(qg_app *app, const qg_actor *actor, const char *login, qg_error *err);

/* Sets a new password for the user with this login and ends their sessions. When an
 * admin resets a case-role account, it waits for confirmation again. */
qg_code user_set_password(qg_app *app, const qg_actor *actor, const char *login,
                          const char *password, qg_error *err);

#endif
