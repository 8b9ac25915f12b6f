/*
 * grant_lookup.h — the questions about break-the-glass grants (grant.h) that the rest of
 * the case room and the home page ask: whether a grant is in effect for a reader of a case
 * (finding a case, case_load.c, asks it), and what waits for a supervisor (requests to
 * decide, emergency accesses to review; the task list and the home page). Kept apart from
 * taking and deciding grants, which themselves find cases.
 */
#ifndef QG_GRANT_LOOKUP_H
#define QG_GRANT_LOOKUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/account/actor.h"
#include "core/account/policy.h"
#include "store/db.h"

/* A grant in effect: its id, scope and expiry (Unix seconds). */
typedef struct {
    int64_t id, expires_at;
    grant_scope scope;
} grant_info;

/* Inside the caller's transaction: fills *g with user_id's grant on case_id in effect at
 * now (Unix seconds: active, not expired, not ended; the widest scope when several), or
 * zeroes it (scope GRANT_NONE) when there is none. */
qg_code grant_active(db *conn, int64_t user_id, int64_t case_id, int64_t now, grant_info *g,
                     qg_error *err);

/* What waits for the supervisors of org_id, and what user_id has asked for. */
typedef struct {
    int64_t to_decide;  /* requests to the organisation's cases, undecided and not expired */
    int64_t to_review;  /* emergency accesses to its cases nobody of it has reviewed */
    int64_t requested;  /* user_id's own requests waiting for a decision */
    int64_t active;     /* user_id's own grants in effect */
} grant_counts;

/* Inside the caller's transaction: fills *n for org_id and user_id at now. */
qg_code grant_count(db *conn, int64_t org_id, int64_t user_id, int64_t now, grant_counts *n,
                    qg_error *err);

/* Inside the caller's transaction: appends to list one item per request to a case of
 * org_id waiting for a decision ({"kind": "grant.decide", "grant", "case", "requested_at",
 * "expires_at", "emergency": false}) and per emergency access to review ({"kind":
 * "grant.review", "grant", "case", "requested_at", "expires_at", "emergency": true}),
 * oldest first. Ids and codes only. */
qg_code grant_work_items(db *conn, int64_t org_id, int64_t now, json_t *list, qg_error *err);

#endif
