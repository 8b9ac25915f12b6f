/*
 * case_personal_impl.h — the pieces of the personal part that creating and changing a
 * case (case.c) share with case_personal.c: sealing it, the IIN's lookup hash and the
 * refusal of a second case for one child. Internal to src/core/case.
 */
#ifndef QG_CASE_PERSONAL_IMPL_H
#define QG_CASE_PERSONAL_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "crypto/crypto.h"
#include "store/db.h"

/* Seals personal and stores it for case_id, replacing what was there. */
qg_code case_personal_store(db *conn, const qg_keys *keys, int64_t case_id, json_t *personal,
                            qg_error *err);

/* Sets *has when personal carries an IIN, and then its lookup hash into out. */
void case_iin_hash(const qg_keys *keys, json_t *personal, char out[QG_HASH_HEX], bool *has);

/* Stores hash (NULL clears it) as case_id's IIN lookup hash. */
qg_code case_iin_set(db *conn, int64_t case_id, const char *hash, qg_error *err);

/* When another case than self_id (0 for a new case) holds this IIN hash: sets
 * *duplicate, describes that case in *result for the user ({"existing": {"code"}} when
 * the actor may see it; else {"existing": {"org": {...}}} when personal's given and
 * family names are the registered child's, or {"existing": {}}, with "attempt": the
 * handle of the recorded answer, contact.h) and audits the attempt (from: the code of
 * the case whose personal data was being replaced, NULL for a new case). Nothing else is
 * written. */
qg_code case_iin_refuse_duplicate(db *conn, const qg_keys *keys, const qg_actor *actor,
                                  const char *hash, int64_t self_id, const char *from,
                                  json_t *personal, bool *duplicate, json_t **result,
                                  qg_error *err);

/* Does the personal data give a birth date (its own, or the one inside the IIN)? */
bool case_personal_has_birth_date(json_t *personal);

#endif
