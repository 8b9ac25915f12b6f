/*
 * grant.h — break-the-glass with a second key (docs/security.md "Break-the-glass"): a
 * supervisor asks for access to another organisation's case with a reason; a supervisor
 * of the organisation holding the case approves it (scope emergency, or full when they
 * say so, for at most the hours asked) or refuses it; a request not decided within 72
 * hours expires. In an emergency the access takes effect at once with scope emergency,
 * within a daily limit per supervisor, and waits on the holder's home page and task list
 * until one of its supervisors reviews it. Every grant only reads; every step is audited
 * on the case with both organisations. Reasons and notes are free text, sealed to their
 * grant.
 */
#ifndef QG_GRANT_H
#define QG_GRANT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "core/case/grant_lookup.h"

#define GRANT_HOURS_DEFAULT 24
#define GRANT_HOURS_MAX 72           /* an approved access */
#define GRANT_EMERGENCY_HOURS_MAX 24 /* an emergency access, taken alone */
#define GRANT_REQUEST_HOURS 72       /* a request not decided by then expires */
#define GRANT_REASON_MIN 10          /* bytes: a reason, not "x" */
#define GRANT_REASON_MAX 1000
#define GRANT_EMERGENCY_PER_DAY 3    /* the default of serve --emergency-grants-per-day */

/* Asks for access to the case with code: body {"reason": text ≥ 10 bytes, "hours": 1..72
 * (1..24 in an emergency; default 24), "emergency": bool}. Needs ACT_BREAK_GLASS; a case
 * the actor sees without a grant, or already sees as far, is QG_ECONFLICT
 * "grant.not_needed"; a request already waiting QG_ECONFLICT "grant.already_requested";
 * the daily emergency limit QG_ETHROTTLED "grant.emergency_limit" (field "emergency");
 * an unknown code QG_ENOTFOUND. *out (caller owns) is {"grant": GRANT}, state "requested",
 * or "active" with scope "emergency" when *emergency (set from the body). Audited
 * "grant.request" or "case.break_glass" (never the reason). */
qg_code grant_take(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                   bool *emergency, json_t **out, qg_error *err);

/* The requester withdraws their waiting requests and ends their grants in effect on the
 * case; QG_ENOTFOUND "grant.not_found" when there is none. Audited "grant.withdraw" and
 * "case.break_glass_end". */
qg_code grant_end(qg_app *app, const qg_actor *actor, const char *code, qg_error *err);

/* The auditor's report: {"grants": [GRANT + {"case_org_id", "user" (login),
 * "user_org_id", "active"}]}, newest first, at most limit (1..500); active_only keeps the
 * grants in effect; an auditor of one organisation gets the grants on its cases or held by
 * its users (policy_audit_org). Needs ACT_GRANT_REPORT; the reasons and notes are
 * decrypted, so the read is audited ("grant.report"). *out caller-owned. */
qg_code grant_report(qg_app *app, const qg_actor *actor, bool active_only, int limit, json_t **out,
                     qg_error *err);

/* A supervisor's break-the-glass work: {"to_decide": [GRANT], "to_review": [GRANT],
 * "mine": [GRANT]}: requests to the actor's organisation's cases waiting for a decision,
 * emergency accesses to them nobody has reviewed, and the actor's own requests and
 * grants of the last 30 days, newest first. Needs ACT_GRANT_DECIDE or ACT_BREAK_GLASS.
 * The reasons and notes are opened, so the read is audited ("grant.list" {"count"}). */
qg_code grant_requests(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err);

typedef enum { GRANT_APPROVE, GRANT_REFUSE, GRANT_REVIEW } grant_decision;

/* Decides on request id (a supervisor of the organisation holding the case, never the
 * requester: policy_grant_decide): GRANT_APPROVE body {"scope": "emergency"|"full"
 * (default emergency), "hours": 1..hours asked, "note": text}; GRANT_REFUSE {"note": text
 * ≥ 10 bytes}; GRANT_REVIEW an emergency access {"note": text, "end": bool}. QG_ENOTFOUND
 * "grant.not_found" when absent or another organisation's; QG_ECONFLICT
 * "grant.already_decided" / "grant.already_reviewed". *out is {"grant": GRANT}. Audited
 * "grant.approve", "grant.refuse", "grant.review". */
qg_code grant_decide(qg_app *app, const qg_actor *actor, int64_t id, grant_decision what,
                     json_t *body, json_t **out, qg_error *err);

#endif
