/* test_crypto.c — unit tests of src/crypto/crypto.c: key files, AEAD, hashes, passwords
 * (also hashed and verified by many threads at once, which the password code lets
 * through at most two at a time). */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/alloc.h"
#include "crypto/crypto.h"

/* A temp dir with two key files created in it; removed after each test. */
typedef struct {
    char dir[64];
    char path_a[128];
    char path_b[128];
    qg_keys *a;
    qg_keys *b;
} fixture;

static void path_in(const fixture *f, const char *name, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s", f->dir, name);
    assert_true(n > 0 && (size_t)n < size);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/qg-test-crypto-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    path_in(f, "a.key", f->path_a, sizeof f->path_a);
    path_in(f, "b.key", f->path_b, sizeof f->path_b);
    qg_error err = {0};
    assert_int_equal(crypto_init(&err), QG_OK);
    assert_int_equal(keyfile_create(f->path_a, &err), QG_OK);
    assert_int_equal(keyfile_create(f->path_b, &err), QG_OK);
    assert_int_equal(keyfile_load(f->path_a, &f->a, &err), QG_OK);
    assert_int_equal(keyfile_load(f->path_b, &f->b, &err), QG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    keys_free(f->a);
    keys_free(f->b);
    const char *names[] = {"a.key", "b.key", "c.key", "bad.key", "open.key"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        path_in(f, names[i], p, sizeof p);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* ---- key files ---------------------------------------------------------------- */

static void test_keyfile_create_format_and_mode(void **state)
{
    fixture *f = *state;
    struct stat st;
    assert_int_equal(stat(f->path_a, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *fp = fopen(f->path_a, "r");
    assert_non_null(fp);
    char buf[200] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    assert_int_equal(n, 14 + 64 + 1);
    assert_memory_equal(buf, "qorgau-key-v1 ", 14);
    for (size_t i = 14; i < 14 + 64; i++)
        assert_non_null(strchr("0123456789abcdef", buf[i]));
    assert_int_equal(buf[78], '\n');
}

static void test_keyfile_create_refuses_overwrite(void **state)
{
    fixture *f = *state;
    char before[QG_HASH_HEX], after[QG_HASH_HEX];
    keys_check_value(f->a, before);
    qg_error err = {0};
    assert_int_equal(keyfile_create(f->path_a, &err), QG_ECONFLICT);
    assert_int_equal(err.code, QG_ECONFLICT);
    assert_non_null(strstr(err.message, "never overwritten"));
    qg_keys *again = NULL;
    assert_int_equal(keyfile_load(f->path_a, &again, &err), QG_OK);
    keys_check_value(again, after);
    assert_string_equal(before, after);
    keys_free(again);
}

static void test_keyfile_create_bad_dir(void **state)
{
    (void)state;
    qg_error err = {0};
    assert_int_equal(keyfile_create("/nonexistent-qorgau-dir/x.key", &err), QG_EIO);
}

static void test_keyfile_load_missing(void **state)
{
    fixture *f = *state;
    char p[128];
    path_in(f, "c.key", p, sizeof p);
    qg_keys *k = (qg_keys *)1;
    qg_error err = {0};
    assert_int_equal(keyfile_load(p, &k, &err), QG_EKEY);
    assert_null(k);
    assert_non_null(strstr(err.message, "key file not found"));
    assert_true(strlen(err.message) < QG_ERR_MSG_MAX);
}

static void test_keyfile_load_refuses_0644(void **state)
{
    fixture *f = *state;
    assert_int_equal(chmod(f->path_a, 0644), 0);
    qg_keys *k = NULL;
    qg_error err = {0};
    assert_int_equal(keyfile_load(f->path_a, &k, &err), QG_EKEY);
    assert_null(k);
    assert_string_equal(err.message, "key file is readable by group or others; chmod 600");
    assert_int_equal(chmod(f->path_a, 0640), 0);
    assert_int_equal(keyfile_load(f->path_a, &k, &err), QG_EKEY);
    assert_int_equal(chmod(f->path_a, 0620), 0);
    assert_int_equal(keyfile_load(f->path_a, &k, &err), QG_EKEY);
    assert_non_null(strstr(err.message, "chmod 600"));
    assert_int_equal(chmod(f->path_a, 0600), 0);
    assert_int_equal(keyfile_load(f->path_a, &k, &err), QG_OK);
    keys_free(k);
}

static void expect_malformed(const fixture *f, const char *text)
{
    char p[128];
    path_in(f, "bad.key", p, sizeof p);
    write_file(p, text, 0600);
    qg_keys *k = NULL;
    qg_error err = {0};
    assert_int_equal(keyfile_load(p, &k, &err), QG_EKEY);
    assert_null(k);
    assert_string_equal(err.message, "key file is malformed");
    unlink(p);
}

static void test_keyfile_load_malformed(void **state)
{
    fixture *f = *state;
    const char *hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    char good[100];
    snprintf(good, sizeof good, "qorgau-key-v1 %s\n", hex);
    expect_malformed(f, "");
    expect_malformed(f, "hello\n");
    expect_malformed(f, "qorgau-key-v2 00112233445566778899aabbccddeeff00112233445566778899"
                        "aabbccddeeff\n");
    /* upper-case hex, short key, long key, trailing junk, bad separator */
    expect_malformed(f, "qorgau-key-v1 00112233445566778899AABBCCDDEEFF0011223344556677889"
                        "9aabbccddeeff\n");
    expect_malformed(f, "qorgau-key-v1 00112233445566778899aabbccddeeff\n");
    expect_malformed(f, "qorgau-key-v1 00112233445566778899aabbccddeeff00112233445566778899"
                        "aabbccddeeff00\n");
    expect_malformed(f, "qorgau-key-v1 00112233445566778899aabbccddeeff00112233445566778899"
                        "aabbccddeeffX");
    expect_malformed(f, "qorgau-key-v1 00112233445566778899aabbccddeeff00112233445566778899"
                        "aabbccddeefg\n");
    /* the well-formed text loads, with or without its final newline */
    char p[128];
    path_in(f, "bad.key", p, sizeof p);
    write_file(p, good, 0600);
    qg_keys *k = NULL;
    qg_error err = {0};
    assert_int_equal(keyfile_load(p, &k, &err), QG_OK);
    keys_free(k);
    good[strlen(good) - 1] = '\0';
    write_file(p, good, 0600);
    assert_int_equal(keyfile_load(p, &k, &err), QG_OK);
    keys_free(k);
}

static void test_keyfile_load_directory(void **state)
{
    fixture *f = *state;
    assert_int_equal(chmod(f->dir, 0700), 0);
    qg_keys *k = NULL;
    qg_error err = {0};
    assert_int_equal(keyfile_load(f->dir, &k, &err), QG_EKEY);
    assert_null(k);
}

static void test_check_value(void **state)
{
    fixture *f = *state;
    char a[QG_HASH_HEX], a2[QG_HASH_HEX], b[QG_HASH_HEX];
    keys_check_value(f->a, a);
    keys_check_value(f->a, a2);
    keys_check_value(f->b, b);
    assert_int_equal(strlen(a), 64);
    assert_string_equal(a, a2);
    assert_string_not_equal(a, b);
}

/* ---- AEAD ------------------------------------------------------------------------ */

static void seal(const fixture *f, const char *ad, const char *text, unsigned char **out,
                 size_t *len)
{
    qg_error err = {0};
    assert_int_equal(crypto_seal(f->a, ad, text, strlen(text), out, len, &err), QG_OK);
    assert_int_equal(*len, strlen(text) + QG_SEAL_OVERHEAD);
}

static void expect_open_fails(const qg_keys *k, const char *ad, const unsigned char *s,
                              size_t len)
{
    char *plain = (char *)1;
    size_t plain_len = 99;
    qg_error err = {0};
    assert_int_equal(crypto_open(k, ad, s, len, &plain, &plain_len, &err), QG_ECRYPTO);
    assert_null(plain);
    assert_int_equal(plain_len, 0);
    assert_int_equal(err.code, QG_ECRYPTO);
}

static void test_seal_open_round_trip(void **state)
{
    fixture *f = *state;
    const char *text = "synthetic record — синтетическая запись — жасанды жазба";
    unsigned char *s = NULL;
    size_t len = 0;
    seal(f, "case:42", text, &s, &len);
    char *plain = NULL;
    size_t plain_len = 0;
    qg_error err = {0};
    assert_int_equal(crypto_open(f->a, "case:42", s, len, &plain, &plain_len, &err), QG_OK);
    assert_int_equal(plain_len, strlen(text));
    assert_string_equal(plain, text);
    assert_int_equal(plain[plain_len], '\0');
    crypto_free_plain(plain, plain_len);
    free(s);
}

static void test_seal_nonce_is_random(void **state)
{
    fixture *f = *state;
    unsigned char *s1 = NULL, *s2 = NULL;
    size_t l1 = 0, l2 = 0;
    seal(f, "case:1", "same text", &s1, &l1);
    seal(f, "case:1", "same text", &s2, &l2);
    assert_int_equal(l1, l2);
    assert_memory_not_equal(s1, s2, 24);
    assert_memory_not_equal(s1 + 24, s2 + 24, l1 - 24);
    free(s1);
    free(s2);
}

static void test_seal_empty(void **state)
{
    fixture *f = *state;
    unsigned char *s = NULL;
    size_t len = 0;
    qg_error err = {0};
    assert_int_equal(crypto_seal(f->a, "case:1", NULL, 0, &s, &len, &err), QG_OK);
    assert_int_equal(len, QG_SEAL_OVERHEAD);
    char *plain = NULL;
    size_t plain_len = 1;
    assert_int_equal(crypto_open(f->a, "case:1", s, len, &plain, &plain_len, &err), QG_OK);
    assert_int_equal(plain_len, 0);
    assert_string_equal(plain, "");
    crypto_free_plain(plain, plain_len);
    free(s);
}

static void test_seal_requires_ad(void **state)
{
    fixture *f = *state;
    unsigned char *s = (unsigned char *)1;
    size_t len = 5;
    qg_error err = {0};
    assert_int_equal(crypto_seal(f->a, NULL, "x", 1, &s, &len, &err), QG_EINVAL);
    assert_null(s);
    assert_int_equal(len, 0);
}

static void test_open_wrong_ad(void **state)
{
    fixture *f = *state;
    unsigned char *s = NULL;
    size_t len = 0;
    seal(f, "case:42", "secret", &s, &len);
    expect_open_fails(f->a, "case:43", s, len);
    expect_open_fails(f->a, "", s, len);
    expect_open_fails(f->a, "case:420", s, len);
    free(s);
}

static void test_open_wrong_key(void **state)
{
    fixture *f = *state;
    unsigned char *s = NULL;
    size_t len = 0;
    seal(f, "case:42", "secret", &s, &len);
    expect_open_fails(f->b, "case:42", s, len);
    free(s);
}

static void test_open_flipped_byte(void **state)
{
    fixture *f = *state;
    unsigned char *s = NULL;
    size_t len = 0;
    seal(f, "case:42", "a longer secret text", &s, &len);
    for (size_t i = 0; i < len; i++) {
        s[i] ^= 0x01;
        expect_open_fails(f->a, "case:42", s, len);
        s[i] ^= 0x01;
    }
    char *plain = NULL;
    size_t plain_len = 0;
    qg_error err = {0};
    assert_int_equal(crypto_open(f->a, "case:42", s, len, &plain, &plain_len, &err), QG_OK);
    crypto_free_plain(plain, plain_len);
    free(s);
}

static void test_open_truncated(void **state)
{
    fixture *f = *state;
    unsigned char *s = NULL;
    size_t len = 0;
    seal(f, "case:42", "secret", &s, &len);
    for (size_t cut = 0; cut < len; cut++)
        expect_open_fails(f->a, "case:42", s, cut);
    expect_open_fails(f->a, "case:42", NULL, 0);
    expect_open_fails(f->a, "case:42", s + 1, len - 1);
    free(s);
}

static void test_open_extended(void **state)
{
    fixture *f = *state;
    unsigned char *s = NULL;
    size_t len = 0;
    seal(f, "case:42", "secret", &s, &len);
    unsigned char *longer = calloc(1, len + 1);
    assert_non_null(longer);
    memcpy(longer, s, len);
    expect_open_fails(f->a, "case:42", longer, len + 1);
    free(longer);
    free(s);
}

/* ---- hashes --------------------------------------------------------------------- */

static void test_lookup_hash(void **state)
{
    fixture *f = *state;
    char h1[QG_HASH_HEX], h2[QG_HASH_HEX], h3[QG_HASH_HEX], h4[QG_HASH_HEX];
    crypto_lookup_hash(f->a, "iin", "test-value-1", h1);
    crypto_lookup_hash(f->a, "iin", "test-value-1", h2);
    assert_int_equal(strlen(h1), 64);
    assert_string_equal(h1, h2);
    crypto_lookup_hash(f->a, "phone", "test-value-1", h3);
    assert_string_not_equal(h1, h3);
    crypto_lookup_hash(f->b, "iin", "test-value-1", h4);
    assert_string_not_equal(h1, h4);
    crypto_lookup_hash(f->a, "iin", "test-value-2", h4);
    assert_string_not_equal(h1, h4);
    /* the separator keeps ("ab", "c") and ("a", "bc") apart */
    crypto_lookup_hash(f->a, "ab", "c", h3);
    crypto_lookup_hash(f->a, "a", "bc", h4);
    assert_string_not_equal(h3, h4);
    for (size_t i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", h1[i]));
}

static void test_token_hash_known_answer(void **state)
{
    (void)state;
    /* BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte digest). */
    char t[QG_HASH_HEX], u[QG_HASH_HEX];
    crypto_token_hash("", t);
    assert_string_equal(t, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    crypto_token_hash("abc", t);
    crypto_token_hash("abd", u);
    assert_string_not_equal(t, u);
}

static void test_random_token(void **state)
{
    (void)state;
    char a[QG_TOKEN_HEX], b[QG_TOKEN_HEX];
    crypto_random_token(a);
    crypto_random_token(b);
    assert_int_equal(strlen(a), QG_TOKEN_BYTES * 2);
    assert_string_not_equal(a, b);
    for (size_t i = 0; i < QG_TOKEN_BYTES * 2; i++)
        assert_non_null(strchr("0123456789abcdef", a[i]));
    unsigned char r1[16] = {0}, r2[16] = {0};
    crypto_random_bytes(r1, sizeof r1);
    crypto_random_bytes(r2, sizeof r2);
    assert_false(crypto_equal(r1, r2, sizeof r1));
}

static void test_equal(void **state)
{
    (void)state;
    assert_true(crypto_equal("abc", "abc", 3));
    assert_false(crypto_equal("abc", "abd", 3));
    assert_true(crypto_equal("abc", "abd", 2));
    assert_true(crypto_equal("x", "y", 0));
}

/* ---- passwords -------------------------------------------------------------------- */

static void test_password_hash_and_verify(void **state)
{
    (void)state;
    char stored[QG_PWHASH_MAX];
    qg_error err = {0};
    assert_int_equal(crypto_password_hash("correct horse battery", stored, &err), QG_OK);
    assert_int_equal(strncmp(stored, "$argon2id$", 10), 0);
    assert_true(crypto_password_verify(stored, "correct horse battery"));
    assert_false(crypto_password_verify(stored, "correct horse batterx"));
    assert_false(crypto_password_verify(stored, ""));
    assert_false(crypto_password_verify("not a hash", "correct horse battery"));
    assert_false(crypto_password_verify(NULL, "correct horse battery"));
    assert_false(crypto_password_verify(stored, NULL));
    char again[QG_PWHASH_MAX];
    assert_int_equal(crypto_password_hash("correct horse battery", again, &err), QG_OK);
    assert_string_not_equal(stored, again); /* salted */
}

static void test_password_length_limits(void **state)
{
    (void)state;
    char stored[QG_PWHASH_MAX];
    qg_error err = {0};
    assert_int_equal(crypto_password_hash("elevenchars", stored, &err), QG_EINVAL);
    assert_string_equal(err.field, "password");
    assert_null(strstr(err.message, "elevenchars"));
    assert_int_equal(crypto_password_hash("", stored, &err), QG_EINVAL);
    assert_int_equal(crypto_password_hash(NULL, stored, &err), QG_EINVAL);
    assert_int_equal(crypto_password_hash("twelve chars", stored, &err), QG_OK);
    assert_true(crypto_password_verify(stored, "twelve chars"));
    /* 12 bytes but 6 characters: the limit counts bytes */
    assert_int_equal(crypto_password_hash("ҚҚҚҚҚҚ", stored, &err), QG_OK);
    assert_int_equal(crypto_password_hash("ҚҚҚҚҚ", stored, &err), QG_EINVAL);

    char *big = malloc(QG_PASSWORD_MAX + 2);
    assert_non_null(big);
    memset(big, 'p', QG_PASSWORD_MAX);
    big[QG_PASSWORD_MAX] = '\0';
    assert_int_equal(crypto_password_hash(big, stored, &err), QG_OK);
    assert_true(crypto_password_verify(stored, big));
    big[QG_PASSWORD_MAX] = 'p';
    big[QG_PASSWORD_MAX + 1] = '\0';
    memset(&err, 0, sizeof err);
    assert_int_equal(crypto_password_hash(big, stored, &err), QG_EINVAL);
    assert_string_equal(err.field, "password");
    assert_false(crypto_password_verify(stored, big));
    free(big);
}

/* New hashes take the interactive cost (64 MiB, two passes) whatever the environment of
 * the test run says, unless the test build's switch is on (scripts/run-tests.sh turns it
 * on for the other tests; main turns it off here): then libsodium's minimum, still
 * argon2id and verified the same way. */
static void test_password_cost(void **state)
{
    (void)state;
    char stored[QG_PWHASH_MAX];
    qg_error err = {0};
    assert_int_equal(crypto_password_hash("correct horse battery", stored, &err), QG_OK);
    assert_int_equal(strncmp(stored, "$argon2id$v=19$m=65536,t=2,p=1$", 31), 0);
#ifdef QG_TEST_HOOKS
    assert_int_equal(setenv("QORGAU_TEST_CHEAP_PWHASH", "1", 1), 0);
    char cheap[QG_PWHASH_MAX];
    qg_code c = crypto_password_hash("correct horse battery", cheap, &err);
    unsetenv("QORGAU_TEST_CHEAP_PWHASH");
    assert_int_equal(c, QG_OK);
    assert_int_equal(strncmp(cheap, "$argon2id$v=19$m=8,t=1,p=1$", 27), 0);
    assert_true(crypto_password_verify(cheap, "correct horse battery"));
    assert_false(crypto_password_verify(cheap, "correct horse batterx"));
    assert_true(crypto_password_verify(stored, "correct horse battery"));
#endif
}

/* ---- passwords from many threads ------------------------------------------------ */

#define PW_THREADS 8
#define PW_ROUNDS 1

typedef struct {
    const char *stored_a, *stored_b; /* hashes of PW_A and PW_B */
    int index;
    bool ok; /* every answer in this thread was right */
} pw_worker;

static const char PW_A[] = "first thread password";
static const char PW_B[] = "second thread password";

/* Verifies right and wrong passwords against both shared hashes; every other thread
 * also hashes a password of its own and checks it. */
static void *pw_work(void *p)
{
    pw_worker *w = p;
    w->ok = true;
    for (int i = 0; i < PW_ROUNDS; i++) {
        w->ok &= crypto_password_verify(w->stored_a, PW_A);
        w->ok &= !crypto_password_verify(w->stored_a, PW_B);
        w->ok &= crypto_password_verify(w->stored_b, PW_B);
        w->ok &= !crypto_password_verify(w->stored_b, PW_A);
    }
    if (w->index % 2 == 0) {
        char own[64], stored[QG_PWHASH_MAX];
        qg_error err = {0};
        snprintf(own, sizeof own, "own password of thread %d", w->index);
        w->ok &= crypto_password_hash(own, stored, &err) == QG_OK;
        w->ok &= crypto_password_verify(stored, own);
        w->ok &= !crypto_password_verify(stored, PW_A);
    }
    return NULL;
}

/* Peak resident memory of this process in KiB (VmHWM), or -1 when unknown. */
static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0 && sscanf(line + 6, "%ld", &kib) != 1)
            kib = -1;
    fclose(f);
    return kib;
}

/* Restarts the peak from the current resident size; false when the kernel refuses. */
static bool reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* Many threads hash and verify at once and every answer is right. Each argon2id run
 * takes 64 MiB and at most two run at once, so the peak resident memory grows by
 * about 128 MiB, never by three runs' worth (checked where Linux lets the peak be
 * reset; no timing involved). */
static void test_password_many_threads(void **state)
{
    (void)state;
    char stored_a[QG_PWHASH_MAX], stored_b[QG_PWHASH_MAX];
    qg_error err = {0};
    assert_int_equal(crypto_password_hash(PW_A, stored_a, &err), QG_OK);
    assert_int_equal(crypto_password_hash(PW_B, stored_b, &err), QG_OK);
    pthread_t th[PW_THREADS];
    pw_worker w[PW_THREADS];
    bool measured = reset_peak_rss();
    long before = peak_rss_kib();
    for (int i = 0; i < PW_THREADS; i++) {
        w[i] = (pw_worker){.stored_a = stored_a, .stored_b = stored_b, .index = i};
        assert_int_equal(pthread_create(&th[i], NULL, pw_work, &w[i]), 0);
    }
    for (int i = 0; i < PW_THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        if (!w[i].ok)
            fail_msg("thread %d got a wrong answer", i);
    }
    long after = peak_rss_kib();
    if (measured && before > 0 && after > 0 && after - before >= 3 * 64 * 1024)
        fail_msg("peak memory grew by %ld MiB: more than two argon2id runs at once",
                 (after - before) / 1024);
}

/* After crypto_init jansson allocates through qg_malloc and frees through the wiping
 * free, not plain free. */
static void test_json_blocks_are_wiped_on_free(void **state)
{
    (void)state;
    assert_int_equal(crypto_init(NULL), QG_OK);
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_get_alloc_funcs(&m, &f);
    assert_true(m == qg_malloc); /* the allocator with the fault-injection hook */
    assert_true(f != NULL && f != free);
    json_t *name = json_string("made-up name for the test");
    assert_non_null(name);
    json_decref(name); /* goes through the wiping free; ASan checks it is sound */
}

int main(void)
{
    /* the real cost here, even when the test run asks for cheap hashes (run-tests.sh) */
    unsetenv("QORGAU_TEST_CHEAP_PWHASH");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keyfile_create_format_and_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyfile_create_refuses_overwrite, setup,
                                        teardown),
        cmocka_unit_test(test_json_blocks_are_wiped_on_free),
        cmocka_unit_test(test_keyfile_create_bad_dir),
        cmocka_unit_test_setup_teardown(test_keyfile_load_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyfile_load_refuses_0644, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyfile_load_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyfile_load_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_open_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_nonce_is_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_requires_ad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_wrong_ad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_wrong_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_flipped_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_extended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_hash, setup, teardown),
        cmocka_unit_test(test_token_hash_known_answer),
        cmocka_unit_test(test_random_token),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_password_hash_and_verify),
        cmocka_unit_test(test_password_cost),
        cmocka_unit_test(test_password_length_limits),
        cmocka_unit_test(test_password_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
