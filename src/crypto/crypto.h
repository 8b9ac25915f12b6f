/*
 * crypto.h — every use of cryptography in Qorgau, on top of libsodium.
 *
 * One 32-byte master key lives in a key file beside the database (mode 0600). From it
 * we derive, with crypto_kdf (BLAKE2b), separate subkeys: one for the AEAD that
 * encrypts personal data (XChaCha20-Poly1305-IETF, associated data = record id), one
 * for keyed lookup hashes (e.g. IIN de-duplication), and one for the key check value
 * that lets a database recognise its own key. Secrets live in sodium_malloc'ed,
 * guarded memory and are wiped on free.
 */
#ifndef QG_CRYPTO_H
#define QG_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define QG_KEY_BYTES 32
#define QG_HASH_BYTES 32                    /* keyed lookup hash and token hash size */
#define QG_HASH_HEX (QG_HASH_BYTES * 2 + 1) /* hex text with NUL */
#define QG_TOKEN_BYTES 32                   /* 256-bit session and one-time tokens */
#define QG_TOKEN_HEX (QG_TOKEN_BYTES * 2 + 1)
#define QG_PWHASH_MAX 128                   /* >= crypto_pwhash_STRBYTES */
#define QG_PASSWORD_MIN 12                  /* characters (bytes) */
#define QG_PASSWORD_MAX 1024
#define QG_SEAL_OVERHEAD (24 + 16)          /* nonce + tag added by crypto_seal */

typedef struct qg_keys qg_keys; /* opaque; owned by whoever loaded it */

/* Initialises libsodium and makes jansson wipe every block it frees (decrypted personal
 * data passes through JSON strings; blocks made before are freed the same way). Returns
 * QG_OK, or QG_ECRYPTO if libsodium cannot start. Idempotent and thread-safe. */
qg_code crypto_init(qg_error *err);

/* Creates a new key file at path holding a fresh random master key, mode 0600,
 * with O_EXCL: an existing file is never overwritten (QG_ECONFLICT). */
qg_code keyfile_create(const char *path, qg_error *err);

/* Loads the key file at path. Fails with QG_EKEY (message says why) when the file is
 * missing, unreadable, malformed, or readable by group/others. On success *out is a
 * new key set the caller frees with keys_free. */
qg_code keyfile_load(const char *path, qg_keys **out, qg_error *err);

/* Wipes and frees a key set. NULL is allowed. */
void keys_free(qg_keys *keys);

/* Writes into out (QG_HASH_HEX bytes) the hex key check value: a keyed hash that
 * identifies the key without revealing it. Stored in the database at init and
 * compared at every start. */
void keys_check_value(const qg_keys *keys, char out[QG_HASH_HEX]);

/* Encrypts plain (len bytes) with associated data ad (a NUL-terminated record id such
 * as "qorgau:case:42:personal"). On success *out is a malloc'ed buffer of len + QG_SEAL_OVERHEAD
 * bytes (nonce || ciphertext || tag), owned by the caller, and *out_len its length. */
qg_code crypto_seal(const qg_keys *keys, const char *ad, const void *plain, size_t len,
                    unsigned char **out, size_t *out_len, qg_error *err);

/* How many times the calling thread has called crypto_open since it started: a structural
 * check that two paths decrypt alike (a hidden case answers like a missing one). */
long crypto_thread_opens(void);

/* Decrypts what crypto_seal produced with the same ad. Returns QG_ECRYPTO when the
 * key, the ad or any byte is wrong: no partial plaintext is ever returned. On
 * success *out is a malloc'ed, NUL-terminated buffer (terminator not counted in
 * *out_len) that the caller must wipe and free with crypto_free_plain. */
qg_code crypto_open(const qg_keys *keys, const char *ad, const unsigned char *sealed,
                    size_t sealed_len, char **out, size_t *out_len, qg_error *err);

/* Wipes len bytes of p in a way the compiler cannot optimise away; p stays owned by
 * the caller. */
void crypto_wipe(void *p, size_t len);

/* Wipes len bytes of p and frees it. NULL is allowed. */
void crypto_free_plain(void *p, size_t len);

/* Keyed BLAKE2b lookup hash of value in a named domain (e.g. "iin"), so equal values
 * give equal hashes only within one domain and one key. Writes lower-case hex into
 * out. */
void crypto_lookup_hash(const qg_keys *keys, const char *domain, const char *value,
                        char out[QG_HASH_HEX]);

/* Returns a term of the blind search index: BLAKE2b (8 bytes, top bit cleared) keyed with
 * the search subkey over scope (an organisation's id), kind (e.g. "p3", "bd") and value,
 * so equal values give equal terms only within one organisation, one kind and one key.
 * value is personal data: the caller wipes its own copy. */
int64_t crypto_search_term(const qg_keys *keys, int64_t scope, const char *kind,
                           const char *value);

/* Hashes a password with argon2id (interactive limits) into out (NUL-terminated
 * string). Fails with QG_EINVAL (field "password") when it is shorter than
 * QG_PASSWORD_MIN or longer than QG_PASSWORD_MAX, and QG_ENOMEM if hashing fails.
 * Thread-safe; each hash or verification takes 64 MiB, so at most two run at once in
 * the process and further callers wait (also in crypto_password_verify). */
qg_code crypto_password_hash(const char *password, char out[QG_PWHASH_MAX], qg_error *err);

/* Returns true when password matches the stored argon2id string. Constant-time.
 * Shares crypto_password_hash's limit of two at once (it may wait for a turn). */
bool crypto_password_verify(const char *stored, const char *password);

/* Fills out with a new random token as lower-case hex (QG_TOKEN_BYTES of entropy). */
void crypto_random_token(char out[QG_TOKEN_HEX]);

/* Unkeyed BLAKE2b-256 of a token, as hex: what the database stores instead of the
 * token itself. */
void crypto_token_hash(const char *token, char out[QG_HASH_HEX]);

/* Fills buf with len random bytes. */
void crypto_random_bytes(void *buf, size_t len);

/* Returns true when a and b (both len bytes) are equal, in constant time. */
bool crypto_equal(const void *a, const void *b, size_t len);

/* A running unkeyed BLAKE2b-256 digest of a byte stream, e.g. to show that a file
 * read twice gave the same bytes both times. */
typedef struct qg_digest qg_digest;

/* Returns a new digest (free with crypto_digest_free), or NULL when out of memory. */
qg_digest *crypto_digest_new(void);

/* Adds len bytes at p to the digest. */
void crypto_digest_update(qg_digest *d, const void *p, size_t len);

/* Writes the digest of every byte added into out; d takes no more bytes after. */
void crypto_digest_final(qg_digest *d, unsigned char out[QG_HASH_BYTES]);

/* Frees d (NULL is fine). */
void crypto_digest_free(qg_digest *d);

#endif
