/*
 * sealed.h — one JSON value sealed for one record of a case: the free text of
 * screenings, forms, stage notes and tasks. The associated data binds the ciphertext
 * to its place ("qorgau:case:<case id>:<what>:<n>"), so a sealed value copied onto
 * another record or another case does not open.
 */
#ifndef QG_SEALED_H
#define QG_SEALED_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* Seals value for record n of kind what in case case_id. On QG_OK *out (caller frees
 * with free()) holds *len bytes. */
qg_code sealed_put(const qg_keys *keys, int64_t case_id, const char *what, int64_t n, json_t *value,
                   unsigned char **out, size_t *len, qg_error *err);

/* Opens what sealed_put produced for the same place. On QG_OK *out is a new JSON
 * value the caller owns; it holds personal data: never log it. QG_ECRYPTO (field
 * what) when the blob is damaged or belongs elsewhere. */
qg_code sealed_get(const qg_keys *keys, int64_t case_id, const char *what, int64_t n,
                   const void *blob, size_t len, json_t **out, qg_error *err);

#endif
