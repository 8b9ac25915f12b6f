/*
 * audit_trail.h — reading the audit trail as a service: the entries page by page and
 * the check of the whole chain, for whom the policy lets read it (ACT_AUDIT_READ: the
 * auditor and the system). The API's audit routes and `qorgau audit` call these; the
 * trail itself (appending, hashing, verifying on a connection) is core/account/audit.h.
 */
#ifndef QG_AUDIT_TRAIL_H
#define QG_AUDIT_TRAIL_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "core/account/actor.h"
#include "core/account/audit.h"
#include "core/common/app.h"

#define AUDIT_TRAIL_PAGE_MAX 500 /* the most entries one page holds */

/* Returns QG_OK when the policy lets actor read the audit trail, else QG_EFORBIDDEN
 * ("your role may not read the audit trail"). The services below ask it themselves;
 * a caller may ask first to refuse a forbidden role before checking its input. */
qg_code audit_trail_check(const qg_actor *actor, qg_error *err);

/* Sets *out to the entries with seq > after (after >= 0), at most limit (1 ..
 * AUDIT_TRAIL_PAGE_MAX), oldest first: a new JSON array the caller owns. An auditor of one
 * organisation reads only the entries that concern it (policy_audit_org, audit_list); a
 * system-wide auditor and the system read all. Asks the policy
 * first (QG_EFORBIDDEN, *out NULL); QG_EINVAL naming "after" or "limit" out of range;
 * a storage error otherwise. */
qg_code audit_trail_list(qg_app *app, const qg_actor *actor, int64_t after, int limit, json_t **out,
                         qg_error *err);

/* As audit_trail_list, but the newest first: the entries with seq < before (the newest
 * when before is 0), at most limit (audit_list_recent). QG_EINVAL naming "before" or
 * "limit" out of range. Entries of both carry actor_login, actor_name and object_label. */
qg_code audit_trail_recent(qg_app *app, const qg_actor *actor, int64_t before, int limit,
                           json_t **out, qg_error *err);

/* Verifies the whole chain in one snapshot on a reading connection and fills *report
 * (first_bad = 0 when intact). Asks the policy first (QG_EFORBIDDEN); a storage failure
 * is an error, a broken chain is not. */
qg_code audit_trail_verify(qg_app *app, const qg_actor *actor, audit_report *report, qg_error *err);

#endif
