/*
 * grant_row.h — one break-the-glass grant as stored and as the API shows it (internal to
 * src/core/case: grant.c takes, withdraws, ends and reports grants; grant_decide.c lists,
 * approves, refuses and reviews them). The columns, the GRANT object of
 * docs/spec (api-15-glass), the sweep that marks lapsed requests and grants expired, and
 * the audit entry every step writes.
 */
#ifndef QG_GRANT_ROW_H
#define QG_GRANT_ROW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "crypto/crypto.h"
#include "store/db.h"

#define GRANT_PLACE "grant"               /* the sealed reason */
#define GRANT_NOTE_PLACE "grant.note"     /* the decider's sealed note */
#define GRANT_REVIEW_PLACE "grant.review" /* the reviewer's sealed note */

/* The columns grant_row_json reads, from g (access_grants) joined as GRANT_FROM does. */
#define GRANT_SELECT                                                                            \
    "SELECT g.id, g.case_id, c.code, c.org_id, co.name, g.user_id, u.login,"                    \
    " COALESCE(u.name, u.login), u.org_id, uo.name, g.emergency, g.state, g.scope, g.sealed,"   \
    " g.hours, g.requested_at, g.decided_by, du.login, COALESCE(du.name, du.login),"            \
    " g.decided_at, g.note_sealed, g.granted_at, g.expires_at, g.ended_at, g.reviewed_by,"      \
    " ru.login, COALESCE(ru.name, ru.login), g.reviewed_at, g.review_sealed"                    \
    " FROM access_grants g JOIN cases c ON c.id = g.case_id JOIN orgs co ON co.id = c.org_id" \
    " JOIN users u ON u.id = g.user_id LEFT JOIN orgs uo ON uo.id = u.org_id"                  \
    " LEFT JOIN users du ON du.id = g.decided_by LEFT JOIN users ru ON ru.id = g.reviewed_by"

/* Column numbers of GRANT_SELECT that the services read. */
enum {
    GC_ID = 0, GC_CASE_ID = 1, GC_CODE = 2, GC_CASE_ORG = 3, GC_USER = 5, GC_LOGIN = 6,
    GC_USER_ORG = 8, GC_EMERGENCY = 10, GC_STATE = 11, GC_SCOPE = 12, GC_HOURS = 14,
    GC_GRANTED = 21, GC_EXPIRES = 22, GC_ENDED = 23, GC_REVIEWED = 27
};

/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ". */
void grant_iso(int64_t t, char out[21]);

/* The state of the current row at now: the stored one, except that a request or a grant
 * whose expires_at has passed is "expired" whether or not the sweep has marked it. */
const char *grant_row_state(db_stmt *st, int64_t now);

/* The GRANT object of the current row of a GRANT_SELECT statement (its reason and notes
 * opened: personal data, never logged) into *out (caller owns). */
qg_code grant_row_json(db_stmt *st, const qg_keys *keys, int64_t now, json_t **out,
                       qg_error *err);

/* Reads grant id as its GRANT object into *out (caller owns); QG_ENOTFOUND
 * "grant.not_found" (field "id") when there is none. */
qg_code grant_row_load(db *conn, const qg_keys *keys, int64_t id, int64_t now, json_t **out,
                       qg_error *err);

/* Appends the audit entry of one step on a grant: action on the case with code, detail
 * {"grant": id, "orgs": [holder org, requester's org], "requested_by": requester id} and
 * the members of extra (borrowed, may be NULL). */
qg_code grant_audit(db *conn, const qg_keys *keys, const qg_actor *actor, const char *action,
                    const char *code, int64_t id, int64_t holder_org, int64_t requester,
                    int64_t requester_org, json_t *extra, qg_error *err);

/* Inside a write transaction: marks every request and grant whose time has run out at
 * now as "expired", each with its audit entry "grant.expire" by the system. */
qg_code grant_sweep(db *conn, const qg_keys *keys, int64_t now, qg_error *err);

#endif
