/*
 * case_load.h — loading one whole stored case by its code, with or without the
 * policy's verdict (internal to src/core/case: the case services' own reads; other
 * services use case_access.h).
 */
#ifndef QG_CASE_LOAD_H
#define QG_CASE_LOAD_H

#include "core/case/case_row.h"

/* Loads the case with canonical code into *r (free with case_row_free); actor only
 * says whether the reader is assigned. QG_ENOTFOUND when there is none. */
qg_code case_load(db *conn, const char *code, const qg_actor *actor, case_row *r, qg_error *err);

/* Looks up actor's break-the-glass grant on the loaded case r into r->facts.grant (its
 * scope) and r->grant_id, r->grant_expires,
 * but only when the policy would hide the case from actor for action and actor may break
 * the glass at all (so a grant is looked up only where it could matter). Returns QG_OK or
 * a storage error. */
qg_code case_load_grant(db *conn, const qg_actor *actor, qg_action action, case_row *r,
                        qg_error *err);

/* Loads a case and applies the policy for action on the case itself or its personal part
 * (a supervisor's break-the-glass grant counts). QG_ENOTFOUND when hidden, QG_EFORBIDDEN
 * when seen but not allowed (reason "grant.read_only" when only a grant keeps the actor
 * from a change); on any failure *r owns nothing. */
qg_code case_load_visible(db *conn, const qg_actor *actor, qg_action action, const char *code,
                          case_row *r, qg_error *err);

/* As case_load_visible, for an action on a record hanging on the case (case_facts.part):
 * an emergency-scope grant does not reach those (QG_ENOTFOUND). */
qg_code case_load_part(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       case_row *r, qg_error *err);

#endif
