/*
 * grant.h — break-the-glass access: a supervisor takes temporary access to a case
 * outside their scope (another organisation's child in an emergency) by giving a
 * reason. The access expires by itself (24 hours by default), can be ended early, is
 * audited, and is listed with its reason in a report for the auditor. The reason is free
 * text, so it is sealed to its grant; only the report opens it.
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
#define GRANT_HOURS_MAX 24
#define GRANT_REASON_MIN 10   /* bytes: a reason, not "x" */
#define GRANT_REASON_MAX 1000

/* Takes access to the case with code: body {"reason": text, "hours": 1..24 (optional)}.
 * Needs ACT_BREAK_GLASS; a case the actor already sees is QG_ECONFLICT; an unknown code
 * QG_ENOTFOUND. *out (caller owns) is {"case", "granted_at", "expires_at"}. Audited
 * "case.break_glass" (hours and expiry; never the reason). */
qg_code grant_take(qg_app *app, const qg_actor *actor, const char *code, json_t *body, json_t **out,
                   qg_error *err);

/* Ends the actor's own active grants on the case now; QG_ENOTFOUND when there is none.
 * Audited "case.break_glass_end". */
qg_code grant_end(qg_app *app, const qg_actor *actor, const char *code, qg_error *err);

/* The auditor's report: {"grants": [{"id", "case", "case_org_id", "user", "user_org_id",
 * "granted_at", "expires_at", "ended_at", "active", "reason"}]}, newest first, at most
 * limit (1..500); active_only keeps the unexpired ones; an auditor of one organisation
 * gets the grants on its cases or held by its users (policy_audit_org). Needs
 * ACT_GRANT_REPORT; the
 * reasons are decrypted, so the read is audited ("grant.report"). *out caller-owned. */
qg_code grant_report(qg_app *app, const qg_actor *actor, bool active_only, int limit, json_t **out,
                     qg_error *err);

#endif
