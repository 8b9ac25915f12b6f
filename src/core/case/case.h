/*
 * case.h — a child's case: creating, listing, reading and changing its
 * non-identifying fields, reading and replacing its encrypted personal part, and
 * assigning its case managers.
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

#define CASE_MANAGERS_MAX 2 /* one, or at most two, case managers per child (L1979) */
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

/* Decrypts and returns the personal part ({} when none is stored); audited as
 * "personal.read". *out caller-owned; it holds personal data: never log it. */
qg_code case_personal_get(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                          qg_error *err);

/* Inside the caller's transaction on conn: decrypts the personal part of case_id into
 * *out ({} when none is stored). No policy check and no audit entry: the caller has
 * made both (the child's own record). *out caller-owned; personal data: never log it. */
qg_code case_personal_load(db *conn, const qg_keys *keys, int64_t case_id, json_t **out,
                           qg_error *err);

/* Replaces the personal part with personal (validated, reconciled with the case's
 * fields, IIN de-duplicated), audited as "personal.update" with the field names. A
 * version other than 0 must equal the case's version (else QG_ECONFLICT, field
 * "version"), so two workers cannot overwrite each other unknowingly. */
qg_code case_personal_put(qg_app *app, const qg_actor *actor, const char *code, json_t *personal,
                          int64_t version, qg_error *err);

/* Assigns user_id (a case manager of the case's organisation) to the case. A third
 * case manager is QG_ECONFLICT. */
qg_code case_assign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                    qg_error *err);

/* Removes user_id from the case's case managers (QG_ENOTFOUND when not assigned). */
qg_code case_unassign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                      qg_error *err);

/* Role check before any lookup (QG_EFORBIDDEN), then the code's form (QG_EINVAL,
 * field "code"); on success code holds the canonical case code. For services that
 * hang their records on a case (screenings). */
qg_code case_precheck(const qg_actor *actor, qg_action action, const char *code_in,
                      char code[QG_CODE_SIZE], qg_error *err);

/* Inside the caller's transaction on conn: finds the case with canonical code that
 * actor may do action on and sets *case_id. QG_ENOTFOUND when absent or hidden. */
qg_code case_find_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                      int64_t *case_id, qg_error *err);

/* As case_find_for, for records that only an open case takes (forms, tasks, stage
 * moves): a closed case is QG_ECONFLICT naming "status". */
qg_code case_find_open(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       int64_t *case_id, qg_error *err);

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

/* Where a case stands: its id, organisation, current stage, and whether it is closed. */
typedef struct {
    int64_t id, org_id;
    char stage[32];
    bool closed;
} case_state;

/* As case_find_for, filling *out with the case's state. */
qg_code case_state_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       case_state *out, qg_error *err);

#endif
