/*
 * case_view.h — a case as the API shows it (internal to src/core/case): its
 * non-identifying fields, code, organisation, times and version, and in full also its
 * case managers and lists. Never personal data.
 */
#ifndef QG_CASE_VIEW_H
#define QG_CASE_VIEW_H

#include "core/case/case_row.h"

/* The short view of r (the lists' entries) as a new object, or NULL when out of
 * memory. */
json_t *case_view_short(const case_row *r);

/* The full view of r (with its case managers and lists, under "may" the actions actor
 * may take on it, from the facts r carries, and under "needs_count" how many suggested
 * urgent needs are "open" and "addressed"), or NULL with err filled. For a reader through
 * a break-the-glass grant also "grant" {"id", "scope", "expires_at"} and "case_org" {"id",
 * "name"}; with scope emergency only the code, org_id, case_org, has_personal, the
 * emergency fields (sex, age_at_identification, birth_year, stage), grant and may. */
json_t *case_view_full(db *conn, const case_row *r, const qg_actor *actor, qg_error *err);

/* Loads the case with code (no policy check: the caller has made it; actor's
 * break-the-glass grant is looked up for the "may" list) and describes it in full into
 * *out (caller owns). */
qg_code case_view_load(db *conn, const char *code, const qg_actor *actor, json_t **out,
                       qg_error *err);

#endif
