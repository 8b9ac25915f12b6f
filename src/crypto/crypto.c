/*
 * crypto.c — Qorgau's cryptography on top of libsodium (see crypto.h): the master key
 * file, derived subkeys in guarded memory, AEAD for personal data, keyed lookup
 * hashes, argon2id passwords, random tokens, plain BLAKE2b hashes and running digests.
 */
#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <malloc.h>
#include <sodium.h>

#include "base/alloc.h"

/* Key file text: KEYFILE_MAGIC, 64 lower-case hex digits, a newline. */
#define KEYFILE_MAGIC "qorgau-key-v1 "
#define KEYFILE_MAGIC_LEN (sizeof KEYFILE_MAGIC - 1)
#define KEYFILE_HEX_LEN (QG_KEY_BYTES * 2)
#define KEYFILE_LEN (KEYFILE_MAGIC_LEN + KEYFILE_HEX_LEN + 1)
#define KEYFILE_READ_MAX 256 /* anything longer is malformed; stops reading early */

/* crypto_kdf context: exactly crypto_kdf_CONTEXTBYTES (8) bytes, the NUL included. */
static const char KDF_CONTEXT[crypto_kdf_CONTEXTBYTES] = "qorgau1";
enum { SUBKEY_AEAD = 1, SUBKEY_LOOKUP = 2, SUBKEY_CHECK = 3, SUBKEY_SEARCH = 4 };

#define CHECK_VALUE_LABEL "qorgau key check v1"
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

_Static_assert(QG_KEY_BYTES == crypto_kdf_KEYBYTES, "master key size");
_Static_assert(QG_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "aead key");
_Static_assert(QG_SEAL_OVERHEAD == NONCE_BYTES + TAG_BYTES, "seal overhead");
_Static_assert(QG_PWHASH_MAX >= crypto_pwhash_STRBYTES, "password hash buffer");
_Static_assert(QG_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
                   QG_HASH_BYTES <= crypto_generichash_BYTES_MAX,
               "hash size");

/* Derived subkeys; the whole struct lives in sodium_malloc'ed, read-only memory. */
struct qg_keys {
    unsigned char aead[QG_KEY_BYTES];
    unsigned char lookup[QG_KEY_BYTES];
    unsigned char search[QG_KEY_BYTES]; /* the blind index of names (docs/security.md) */
    unsigned char check[QG_KEY_BYTES];
};

/* Aborts when libsodium cannot start: without a random source nothing is safe. */
static void ensure_init(void)
{
    if (sodium_init() < 0)
        abort();
}

/* jansson's free: decrypted personal data lives in JSON strings for a while, so every
 * block jansson gives back is wiped first (its size comes from the allocator). */
static void wiping_free(void *p)
{
    if (!p)
        return;
    sodium_memzero(p, malloc_usable_size(p));
    free(p);
}

static pthread_once_t json_once = PTHREAD_ONCE_INIT;

/* jansson allocates through qg_malloc, so tests can make any of its allocations fail. */
static void set_json_alloc(void) { json_set_alloc_funcs(qg_malloc, wiping_free); }

qg_code crypto_init(qg_error *err)
{
    if (sodium_init() < 0)
        return qg_fail(err, QG_ECRYPTO, NULL, "crypto.failure", "cannot initialise libsodium");
    pthread_once(&json_once, set_json_alloc);
    return QG_OK;
}

static void to_hex(const unsigned char *bin, size_t len, char *out, size_t out_size)
{
    sodium_bin2hex(out, out_size, bin, len);
}

/* ---- key file ---------------------------------------------------------------- */

/* Writes all len bytes to fd, retrying short writes and EINTR. Returns 0 or -1. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsyncs the directory holding path so the new file's name is durable. Best effort. */
static void sync_parent_dir(const char *path)
{
    char copy[PATH_MAX];
    size_t n = strnlen(path, sizeof copy);
    if (n >= sizeof copy)
        return;
    memcpy(copy, path, n + 1);
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    (void)fsync(dfd);
    close(dfd);
}

/* Fills text (KEYFILE_LEN + 1 bytes) with a new key file's content. */
static void keyfile_text(char *text)
{
    unsigned char master[QG_KEY_BYTES];
    crypto_kdf_keygen(master);
    memcpy(text, KEYFILE_MAGIC, KEYFILE_MAGIC_LEN);
    to_hex(master, sizeof master, text + KEYFILE_MAGIC_LEN, KEYFILE_HEX_LEN + 1);
    text[KEYFILE_LEN - 1] = '\n';
    text[KEYFILE_LEN] = '\0';
    sodium_memzero(master, sizeof master);
}

qg_code keyfile_create(const char *path, qg_error *err)
{
    qg_code init = crypto_init(err);
    if (init != QG_OK)
        return init;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return qg_fail(err, QG_ECONFLICT, NULL, "file.exists",
                           "key file already exists: %.120s (it is never overwritten)", path);
        return qg_fail(err, QG_EIO, NULL, "file.create_failed", "cannot create key file %.120s: %s",
                       path, strerror(errno));
    }
    char *text = sodium_malloc(KEYFILE_LEN + 1);
    if (!text) {
        close(fd);
        unlink(path);
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory for the key");
    }
    keyfile_text(text);
    int rc = fchmod(fd, 0600);
    if (rc == 0)
        rc = write_all(fd, text, KEYFILE_LEN);
    if (rc == 0)
        rc = fsync(fd);
    int saved = errno;
    sodium_free(text);
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        unlink(path); /* ours, incomplete: a half-written key file must not stay */
        return qg_fail(err, QG_EIO, NULL, "file.write_failed", "cannot write key file %.120s: %s",
                       path, strerror(saved));
    }
    sync_parent_dir(path);
    return QG_OK;
}

/* Opens path for reading and checks it is a regular file only its owner can use. */
static qg_code keyfile_open(const char *path, int *fd_out, qg_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return qg_fail(err, QG_EKEY, NULL, "key.missing", "key file not found: %.120s", path);
        return qg_fail(err, QG_EKEY, NULL, "key.unreadable", "key file cannot be read: %.120s: %s",
                       path, strerror(errno));
    }
    struct stat st;
    qg_code c = QG_OK;
    if (fstat(fd, &st) != 0)
        c = qg_fail(err, QG_EKEY, NULL, "key.unreadable", "key file cannot be read");
    else if (!S_ISREG(st.st_mode))
        c = qg_fail(err, QG_EKEY, NULL, "key.unsafe_file", "key file is not a regular file");
    else if (st.st_mode & (S_IRGRP | S_IROTH))
        c = qg_fail(err, QG_EKEY, NULL, "key.unsafe_file",
                    "key file is readable by group or others; chmod 600");
    else if (st.st_mode & (S_IWGRP | S_IWOTH | S_IXGRP | S_IXOTH))
        c = qg_fail(err, QG_EKEY, NULL, "key.unsafe_file",
                    "key file is writable by group or others; chmod 600");
    if (c != QG_OK) {
        close(fd);
        return c;
    }
    *fd_out = fd;
    return QG_OK;
}

/* Reads at most max bytes of fd into buf. Returns the count, or -1 on error. */
static ssize_t read_up_to(int fd, char *buf, size_t max)
{
    size_t got = 0;
    while (got < max) {
        ssize_t n = read(fd, buf + got, max - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Parses key file text (len bytes) into master. Returns true when well formed: the
 * magic, exactly 64 lower-case hex digits, then a newline (or end of file). */
static bool keyfile_parse(const char *text, size_t len, unsigned char *master)
{
    if (len != KEYFILE_LEN && len != KEYFILE_LEN - 1)
        return false;
    if (memcmp(text, KEYFILE_MAGIC, KEYFILE_MAGIC_LEN) != 0)
        return false;
    const char *hex = text + KEYFILE_MAGIC_LEN;
    for (size_t i = 0; i < KEYFILE_HEX_LEN; i++) {
        char c = hex[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    if (len == KEYFILE_LEN && text[KEYFILE_LEN - 1] != '\n')
        return false;
    size_t bin_len = 0;
    return sodium_hex2bin(master, QG_KEY_BYTES, hex, KEYFILE_HEX_LEN, NULL, &bin_len,
                          NULL) == 0 &&
           bin_len == QG_KEY_BYTES;
}

/* Derives the subkeys from master into a new, read-only key set. */
static qg_code keys_derive(const unsigned char *master, qg_keys **out, qg_error *err)
{
    qg_keys *keys = sodium_malloc(sizeof *keys);
    if (!keys)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory for the keys");
    crypto_kdf_derive_from_key(keys->aead, sizeof keys->aead, SUBKEY_AEAD, KDF_CONTEXT, master);
    crypto_kdf_derive_from_key(keys->lookup, sizeof keys->lookup, SUBKEY_LOOKUP, KDF_CONTEXT,
                               master);
    crypto_kdf_derive_from_key(keys->check, sizeof keys->check, SUBKEY_CHECK, KDF_CONTEXT,
                               master);
    crypto_kdf_derive_from_key(keys->search, sizeof keys->search, SUBKEY_SEARCH, KDF_CONTEXT,
                               master);
    sodium_mprotect_readonly(keys);
    *out = keys;
    return QG_OK;
}

qg_code keyfile_load(const char *path, qg_keys **out, qg_error *err)
{
    *out = NULL;
    qg_code rc = crypto_init(err);
    if (rc != QG_OK)
        return rc;
    int fd = -1;
    rc = keyfile_open(path, &fd, err);
    if (rc != QG_OK)
        return rc;
    char *text = sodium_malloc(KEYFILE_READ_MAX);
    unsigned char *master = sodium_malloc(QG_KEY_BYTES);
    if (!text || !master) {
        rc = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory for the key");
        goto done;
    }
    ssize_t n = read_up_to(fd, text, KEYFILE_READ_MAX);
    if (n < 0) {
        rc = qg_fail(err, QG_EKEY, NULL, "key.unreadable", "key file cannot be read: %s",
                     strerror(errno));
        goto done;
    }
    if (!keyfile_parse(text, (size_t)n, master)) {
        rc = qg_fail(err, QG_EKEY, NULL, "key.malformed", "key file is malformed");
        goto done;
    }
    rc = keys_derive(master, out, err);
done:
    if (master) {
        sodium_memzero(master, QG_KEY_BYTES);
        sodium_free(master);
    }
    if (text)
        sodium_free(text); /* sodium_free wipes before freeing */
    close(fd);
    return rc;
}

void keys_free(qg_keys *keys)
{
    if (keys)
        sodium_free(keys); /* makes it writable, wipes, unmaps */
}

void keys_check_value(const qg_keys *keys, char out[QG_HASH_HEX])
{
    unsigned char h[QG_HASH_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)CHECK_VALUE_LABEL,
                       sizeof CHECK_VALUE_LABEL - 1, keys->check, sizeof keys->check);
    to_hex(h, sizeof h, out, QG_HASH_HEX);
}

/* ---- AEAD ------------------------------------------------------------------------ */

qg_code crypto_seal(const qg_keys *keys, const char *ad, const void *plain, size_t len,
                    unsigned char **out, size_t *out_len, qg_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!ad)
        return qg_fail(err, QG_EINVAL, NULL, "internal.failure",
                       "associated data (record id) is required");
    if (!plain && len > 0)
        return qg_fail(err, QG_EINVAL, NULL, "internal.failure", "nothing to encrypt");
    if (len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
        len > SIZE_MAX - QG_SEAL_OVERHEAD)
        return qg_fail(err, QG_ETOOLARGE, NULL, "crypto.failure", "value too large to encrypt");
    unsigned char *buf = malloc(len + QG_SEAL_OVERHEAD);
    if (!buf)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory while encrypting");
    static const unsigned char empty[1];
    randombytes_buf(buf, NONCE_BYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE_BYTES, &clen,
                                               plain ? plain : empty, len,
                                               (const unsigned char *)ad, strlen(ad), NULL,
                                               buf, keys->aead);
    *out = buf;
    *out_len = NONCE_BYTES + (size_t)clen;
    return QG_OK;
}

static _Thread_local long thread_opens;

long crypto_thread_opens(void) { return thread_opens; }

qg_code crypto_open(const qg_keys *keys, const char *ad, const unsigned char *sealed,
                    size_t sealed_len, char **out, size_t *out_len, qg_error *err)
{
    thread_opens++;
    *out = NULL;
    *out_len = 0;
    if (!ad || !sealed || sealed_len < QG_SEAL_OVERHEAD)
        return qg_fail(err, QG_ECRYPTO, NULL, "crypto.damaged", "cannot decrypt: data is damaged");
    size_t plain_len = sealed_len - QG_SEAL_OVERHEAD;
    char *buf = malloc(plain_len + 1);
    if (!buf)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory while decrypting");
    unsigned long long mlen = 0;
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        (unsigned char *)buf, &mlen, NULL, sealed + NONCE_BYTES, sealed_len - NONCE_BYTES,
        (const unsigned char *)ad, strlen(ad), sealed, keys->aead);
    if (rc != 0 || mlen != plain_len) {
        crypto_free_plain(buf, plain_len + 1);
        return qg_fail(err, QG_ECRYPTO, NULL, "crypto.damaged",
                       "cannot decrypt: wrong key, wrong record or damaged data");
    }
    buf[plain_len] = '\0';
    *out = buf;
    *out_len = plain_len;
    return QG_OK;
}

void crypto_wipe(void *p, size_t len) { sodium_memzero(p, len); }

void crypto_free_plain(void *p, size_t len)
{
    if (!p)
        return;
    sodium_memzero(p, len);
    free(p);
}

/* ---- hashes ------------------------------------------------------------------- */

void crypto_lookup_hash(const qg_keys *keys, const char *domain, const char *value,
                        char out[QG_HASH_HEX])
{
    static const unsigned char sep = 0x00;
    unsigned char h[QG_HASH_BYTES];
    crypto_generichash_state st;
    crypto_generichash_init(&st, keys->lookup, sizeof keys->lookup, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_memzero(&st, sizeof st);
    to_hex(h, sizeof h, out, QG_HASH_HEX);
}

int64_t crypto_search_term(const qg_keys *keys, int64_t scope, const char *kind, const char *value)
{
    static const unsigned char sep = 0x00;
    unsigned char scope_le[8], h[8];
    for (int i = 0; i < 8; i++)
        scope_le[i] = (unsigned char)((uint64_t)scope >> (8 * i));
    crypto_generichash_state st;
    crypto_generichash_init(&st, keys->search, sizeof keys->search, sizeof h);
    crypto_generichash_update(&st, scope_le, sizeof scope_le);
    crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_memzero(&st, sizeof st);
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)h[i] << (8 * i);
    sodium_memzero(h, sizeof h);
    return (int64_t)(u & INT64_MAX); /* never negative: the same in SQLite and PostgreSQL */
}

void crypto_token_hash(const char *token, char out[QG_HASH_HEX])
{
    unsigned char h[QG_HASH_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    to_hex(h, sizeof h, out, QG_HASH_HEX);
}

/* ---- passwords -------------------------------------------------------------------- */

/* Each argon2id computation takes crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB), and
 * unauthenticated requests cause them (every login attempt, unknown logins included).
 * At most PWHASH_AT_ONCE run at a time; the others wait their turn. */
#define PWHASH_AT_ONCE 2

static pthread_mutex_t pwhash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pwhash_turn = PTHREAD_COND_INITIALIZER;
static int pwhash_running;

static void pwhash_enter(void)
{
    pthread_mutex_lock(&pwhash_lock);
    while (pwhash_running >= PWHASH_AT_ONCE)
        pthread_cond_wait(&pwhash_turn, &pwhash_lock);
    pwhash_running++;
    pthread_mutex_unlock(&pwhash_lock);
}

static void pwhash_leave(void)
{
    pthread_mutex_lock(&pwhash_lock);
    pwhash_running--;
    pthread_cond_signal(&pwhash_turn);
    pthread_mutex_unlock(&pwhash_lock);
}

#ifdef QG_TEST_HOOKS
/* Test builds only (build/asan, see the Makefile): with $QORGAU_TEST_CHEAP_PWHASH set to 1
 * (the black-box harness, tests/support/qgtest.c, sets it for the qorgau it runs, whose
 * passwords are only the way in), new hashes take libsodium's minimum cost instead of the
 * interactive one. Still argon2id, verified the same way. The release build has no such
 * switch. Returns true when the cheap cost applies. */
static bool pwhash_cheap(void)
{
    const char *v = getenv("QORGAU_TEST_CHEAP_PWHASH");
    return v && strcmp(v, "1") == 0;
}
#else
static bool pwhash_cheap(void) { return false; }
#endif

qg_code crypto_password_hash(const char *password, char out[QG_PWHASH_MAX], qg_error *err)
{
    out[0] = '\0';
    size_t len = password ? strnlen(password, QG_PASSWORD_MAX + 1) : 0;
    if (len < QG_PASSWORD_MIN)
        return qg_fail(err, QG_EINVAL, "password", "password.too_short",
                       "must be at least %d characters", QG_PASSWORD_MIN);
    if (len > QG_PASSWORD_MAX)
        return qg_fail(err, QG_EINVAL, "password", "password.too_long",
                       "must be at most %d characters", QG_PASSWORD_MAX);
    ensure_init();
    /* The algorithm is named explicitly rather than relying on the library default. */
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (pwhash_cheap()) {
        ops = crypto_pwhash_OPSLIMIT_MIN;
        mem = crypto_pwhash_MEMLIMIT_MIN;
    }
    pwhash_enter();
    int rc = crypto_pwhash_str_alg(out, password, len, ops, mem, crypto_pwhash_ALG_ARGON2ID13);
    pwhash_leave();
    if (rc != 0) {
        sodium_memzero(out, QG_PWHASH_MAX);
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted",
                       "out of memory while hashing the password");
    }
    return QG_OK;
}

bool crypto_password_verify(const char *stored, const char *password)
{
    if (!stored || !password)
        return false;
    if (strnlen(stored, QG_PWHASH_MAX) >= QG_PWHASH_MAX)
        return false;
    size_t len = strnlen(password, QG_PASSWORD_MAX + 1);
    if (len > QG_PASSWORD_MAX)
        return false;
    ensure_init();
    pwhash_enter();
    int rc = crypto_pwhash_str_verify(stored, password, len);
    pwhash_leave();
    return rc == 0;
}

/* ---- randomness and comparison ---------------------------------------------------- */

void crypto_random_bytes(void *buf, size_t len)
{
    ensure_init();
    randombytes_buf(buf, len);
}

void crypto_random_token(char out[QG_TOKEN_HEX])
{
    unsigned char raw[QG_TOKEN_BYTES];
    crypto_random_bytes(raw, sizeof raw);
    to_hex(raw, sizeof raw, out, QG_TOKEN_HEX);
    sodium_memzero(raw, sizeof raw);
}

bool crypto_equal(const void *a, const void *b, size_t len)
{
    if (len == 0)
        return true;
    return sodium_memcmp(a, b, len) == 0;
}

/* ---- running digests ----------------------------------------------------------------- */

struct qg_digest {
    crypto_generichash_state st;
};

qg_digest *crypto_digest_new(void)
{
    ensure_init();
    qg_digest *d = sodium_malloc(sizeof *d); /* aligned as the state needs */
    if (d)
        crypto_generichash_init(&d->st, NULL, 0, QG_HASH_BYTES);
    return d;
}

void crypto_digest_update(qg_digest *d, const void *p, size_t len)
{
    crypto_generichash_update(&d->st, p, len);
}

void crypto_digest_final(qg_digest *d, unsigned char out[QG_HASH_BYTES])
{
    crypto_generichash_final(&d->st, out, QG_HASH_BYTES);
}

void crypto_digest_free(qg_digest *d) { sodium_free(d); }
