/*
 * case_may.h — the actions the acting user may take on one case, for the case answers of
 * the API ("may": [...]), so that the case page shows or hides its actions from what the
 * policy decides for this case and this user rather than from role names.
 */
#ifndef QG_CASE_MAY_H
#define QG_CASE_MAY_H

#include <jansson.h>

#include "core/account/actor.h"
#include "core/common/app.h"

/* Sets *out (caller owns) to the array capabilities_case_may gives for the case with the
 * canonical code: its facts (organisation, opener, case managers, hand-over) and, for an
 * actor who may break the glass, whether they hold an active grant on it. Returns QG_OK,
 * QG_ENOTFOUND when there is no such case, or a storage error. It decides nothing about
 * visibility: callers ask it only for a case they have just answered. */
qg_code case_may(qg_app *app, const qg_actor *actor, const char *code, json_t **out, qg_error *err);

#endif
