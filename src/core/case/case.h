/*
 * case.h — a child's case: creating, listing, reading and changing its
 * non-identifying fields. Its encrypted personal part (case_personal.h), its case
 * managers (case_assign.h) and finding a case for another service (case_access.h)
 * have headers of their own, included here.
 *
 * Every call asks the policy first. A case the actor may not see is QG_ENOTFOUND, the
 * same answer as a case that does not exist. Every change and every read of personal
 * data is audited in the same transaction as the change itself. Lists never carry
 * personal data.
 */
#ifndef QG_CASE_H
#define QG_CASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "core/case/child_code.h"
#include "core/account/policy.h"
#include "core/case/case_access.h"
#include "core/case/case_assign.h"
#include "core/case/case_assignable.h"
#include "core/case/case_personal.h"

#define CASE_LIST_MAX 200

/* Creates a case from body: non-identifying fields plus an optional "personal"
 * object. On success *out is the new case (caller owns). When the IIN belongs to a
 * child already registered, nothing is created, the attempt is audited and the result
 * is QG_ECONFLICT (field "personal.iin") with *out = {"existing": {"code": ...}} when
 * the actor may see that case, or {"existing": {"org_id": ...}} when not. */
qg_code case_create(qg_app *app, const qg_actor *actor, json_t *body, json_t **out, qg_error *err);

typedef struct {
    int limit;          /* 1..CASE_LIST_MAX */
    const char *before; /* NULL = from the newest; else the code of the last case of
                           the previous page (its "next_before") */
    const char *stage;  /* NULL = any */
    const char *status; /* NULL = any */
} case_query;

/* Lists the cases the actor may see, newest first, without personal data. *out is
 * {"cases": [...], "next_before": code|null}; caller owns it. */
qg_code case_list(qg_app *app, const qg_actor *actor, const case_query *query, json_t **out,
                  qg_error *err);

/* Reads one case's non-identifying fields and case managers. *out caller-owned. */
qg_code case_get(qg_app *app, const qg_actor *actor, const char *code, json_t **out, qg_error *err);

/* Changes non-identifying fields (a JSON merge: null clears an optional field).
 * "version", when given, must equal the stored version (else QG_ECONFLICT, field
 * "version"). *out is the updated case. When the case has a birth date on file the
 * personal part is decrypted to check the change; the audit entry says so. */
qg_code case_update(qg_app *app, const qg_actor *actor, const char *code, json_t *patch,
                    json_t **out, qg_error *err);

/* For `qorgau import cases`, inside the caller's write transaction on conn: stores one
 * new case of org_id from fields, which the caller has already validated exactly as
 * case_create does (case_input_check_fields, profile_check_merged); nothing is checked
 * here. Writes the case row under a fresh random code, its lists and the first entry
 * of its stage history, and sets "stage" (identification) and "status" (open) in
 * fields (the caller still owns it). No audit entry: the import writes one for the
 * whole file. Returns QG_OK, QG_ECONFLICT when a UNIQUE rule is broken (an
 * external_ref the organisation already uses), or a storage error. */
qg_code case_insert_imported(db *conn, const qg_actor *actor, int64_t org_id, json_t *fields,
                             qg_error *err);

#endif
