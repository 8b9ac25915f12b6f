/*
 * need.h — the urgent needs a screening suggests for a case (L3119-3126), and marking one
 * as addressed: how (a referral was made, a service given in-house, or not needed after
 * all with a reason code) and on which day, by whom and when; undone by reopening it.
 * Marking and reopening are case updates (ACT_CASE_UPDATE: whoever may edit the case, as
 * its "may" list says with "case.update"), audited "need.address" and "need.reopen".
 */
#ifndef QG_NEED_H
#define QG_NEED_H

#include <jansson.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define NEED_CODE_MAX 40 /* the longest need code a path may name */

/* Lists the urgent needs suggested for the case: {"needs": [{"need", "screening",
 * "suggested_at", "status": "open"|"addressed", "addressed": null | {"how", "reason",
 * "on", "by", "at"}}], "open": n, "addressed": n}. *out caller-owned. */
qg_code need_list(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                  qg_error *err);

/* Marks need (a need code) of the case addressed, with body {"how", "reason"?, "on"?}:
 * how a need_how code; reason a need_reason code, required for "not_needed" and refused
 * otherwise; on a date YYYY-MM-DD not in the future (default today). Marking an
 * addressed need again replaces how, reason and on. Errors: QG_EINVAL naming the field,
 * QG_ENOTFOUND naming "need" when the case has no such suggested need (or "code" when
 * the case is absent or hidden). *out is the need as need_list shows it. */
qg_code need_address(qg_app *app, const qg_actor *actor, const char *code, const char *need,
                     json_t *body, json_t **out, qg_error *err);

/* Undoes need_address: the need is open again (already open: nothing changes, but the
 * answer is the same). *out is the need as need_list shows it. */
qg_code need_reopen(qg_app *app, const qg_actor *actor, const char *code, const char *need,
                    json_t **out, qg_error *err);

#endif
