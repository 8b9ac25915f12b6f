/*
 * child_code.h — the pseudonymous code that stands for a child everywhere.
 *
 * Format "QG-XXXX-XXXX-XXXX-C": 12 Crockford base32 symbols (60 random bits) in groups
 * of four, then a check symbol (the value mod 29 as a base32 symbol, letters and digits
 * only), so a code read aloud over the phone and typed back with a slip is caught as a
 * typing error.
 */
#ifndef QG_CHILD_CODE_H
#define QG_CHILD_CODE_H

#include "base/err.h"

#define QG_CODE_LEN 19 /* "QG-" 4 "-" 4 "-" 4 "-" 1 */
#define QG_CODE_SIZE (QG_CODE_LEN + 1)

/* Writes a new random code into out (NUL-terminated). Uniqueness is the store's job
 * (UNIQUE constraint, retried on collision). */
void child_code_new(char out[QG_CODE_SIZE]);

/* Parses a code as a person might type it: any case, with or without "QG-" and
 * hyphens, with I/L read as 1 and O as 0. Writes the canonical form into out and
 * returns QG_OK, or QG_EINVAL naming field when it is malformed or the check symbol
 * does not match. */
qg_code child_code_parse(const char *in, const char *field, char out[QG_CODE_SIZE],
                         qg_error *err);

#endif
