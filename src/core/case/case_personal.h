/*
 * case_personal.h — the encrypted personal part of a case (the child's name, IIN,
 * birth date, ...): reading it (audited) and replacing it (validated, reconciled with
 * the case's fields, IIN de-duplicated, audited). Included by case.h.
 */
#ifndef QG_CASE_PERSONAL_H
#define QG_CASE_PERSONAL_H

#include <jansson.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

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
 * "version"), so two workers cannot overwrite each other unknowingly. When the IIN is
 * another case's, nothing is changed, the result is QG_ECONFLICT (field "personal.iin")
 * and *out describes that case as case_create does ({"existing": ..., "attempt"?});
 * otherwise *out is NULL. *out caller-owned. */
qg_code case_personal_put(qg_app *app, const qg_actor *actor, const char *code, json_t *personal,
                          int64_t version, json_t **out, qg_error *err);

#endif
