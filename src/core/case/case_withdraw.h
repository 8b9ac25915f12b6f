/*
 * case_withdraw.h — withdrawing a case made only to probe an IIN, a second case of a
 * child or one opened by mistake (issue 14 item 6). A supervisor of the case's own
 * organisation withdraws it; the case stays (its trail is evidence) but is read-only, in
 * no statistics (no report, dataset, home count or headline figure) and no longer holds
 * its IIN, so that the real child can be registered.
 */
#ifndef QG_CASE_WITHDRAW_H
#define QG_CASE_WITHDRAW_H

#include <jansson.h>

#include "core/account/actor.h"
#include "core/common/app.h"

/* Withdraws the case with code: body {"reason": "probe" | "duplicate" | "error"}. Needs
 * ACT_CASE_WITHDRAW (QG_EFORBIDDEN for other roles, QG_ENOTFOUND for a case outside the
 * supervisor's organisation); a case already withdrawn is QG_ECONFLICT ("case.withdrawn").
 * Sets its status to "withdrawn", takes it out of statistics and clears its IIN's hash.
 * Audited "case.withdraw" with the reason. *out (caller owns) is the case as GET shows it. */
qg_code case_withdraw(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                      json_t **out, qg_error *err);

#endif
