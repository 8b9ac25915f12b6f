/*
 * test_limit.c — unit tests of src/core/account/limit.c on SQLite: blocking after the
 * allowed failures, the window, block expiry, reset after success, independence of keys,
 * reuse of the unblocked row idle the longest when the table is full, blocks that survive
 * a flood of new keys, failing closed when every row is blocked, and a table that never
 * grows; and failing closed in the services: a failed login or a wrong reply code that
 * cannot be recorded answers the storage error, never a verdict (store/db_fault.h).
 * (Across server processes on PostgreSQL: tests/blackbox/bb_pg_limits.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/account/limit.h"
#include "core/account/session.h"
#include "core/instance/app_open.h"
#include "core/referral/referral.h"
#include "store/db_fault.h"
#include "support/tmpdir.h"

#define T0 1700000000 /* a fixed "now"; the throttle never reads the clock itself */

static const throttle_rule RULE = {.max_failures = 3, .window_s = 60, .block_s = 300};

/* The tests speak of a table of slots; here it is a fresh database with the limit's
 * rows, all in one write transaction (the limit never commits on its own). */
typedef struct {
    char dir[64], path[96];
    db *conn;
    int slots;
} throttle;

static throttle *throttle_new(int slots)
{
    if (slots < 1)
        return NULL;
    throttle *t = calloc(1, sizeof *t);
    qg_error err = {0};
    snprintf(t->dir, sizeof t->dir, "/tmp/qglimit-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/l.db", t->dir);
    assert_int_equal(db_open(t->path, true, &t->conn, &err), QG_OK);
    assert_int_equal(db_migrate(t->conn, &err), QG_OK);
    assert_int_equal(db_begin(t->conn, &err), QG_OK);
    t->slots = slots;
    return t;
}

static void throttle_free(throttle *t)
{
    if (!t)
        return;
    db_rollback(t->conn);
    db_close(t->conn);
    unlink(t->path);
    char side[128];
    snprintf(side, sizeof side, "%s-wal", t->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", t->path);
    unlink(side);
    rmdir(t->dir);
    free(t);
}

static int throttle_blocked(throttle *t, const char *key, int64_t now)
{
    qg_error err = {0};
    int wait = -1;
    assert_int_equal(limit_blocked(t->conn, key, now, t->slots, &wait, &err), QG_OK);
    return wait;
}

static int throttle_fail(throttle *t, const char *key, int64_t now, const throttle_rule *rule)
{
    qg_error err = {0};
    int wait = -1;
    assert_int_equal(limit_fail(t->conn, key, now, rule, t->slots, &wait, &err), QG_OK);
    return wait;
}

static void throttle_reset(throttle *t, const char *key)
{
    qg_error err = {0};
    assert_int_equal(limit_reset(t->conn, key, &err), QG_OK);
}

/* The key of a login and of an address is a keyed hash: never the login or the address. */
static void test_keys_are_hashed(void **state)
{
    (void)state;
    qg_keys *keys = NULL;
    qg_error err = {0};
    assert_int_equal(crypto_init(&err), QG_OK);
    char dir[] = "/tmp/qglimitk-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/k.key", dir);
    assert_int_equal(keyfile_create(path, &err), QG_OK);
    assert_int_equal(keyfile_load(path, &keys, &err), QG_OK);
    char a[QG_HASH_HEX], b[QG_HASH_HEX], c[QG_HASH_HEX], d[QG_HASH_HEX];
    limit_key(keys, "login", "oydantap", a);
    limit_key(keys, "login", "oydantap2", b);
    limit_addr_key(keys, "addr", "2001:db8:1:2:3:4:5:6", c);
    limit_addr_key(keys, "addr", "2001:db8:1:2:ffff::1", d);
    assert_int_equal(strlen(a), QG_HASH_HEX - 1);
    assert_null(strstr(a, "oydantap"));
    assert_string_not_equal(a, b);
    assert_string_equal(c, d); /* one /64, one counter */
    limit_addr_key(keys, "reply", "2001:db8:1:2:3:4:5:6", d);
    assert_string_not_equal(c, d); /* logins and reply codes are counted apart */
    limit_addr_key(keys, "addr", "::ffff:192.0.2.7", c);
    limit_addr_key(keys, "addr", "192.0.2.7", d);
    assert_string_equal(c, d);
    keys_free(keys);
    unlink(path);
    rmdir(dir);
}


static void test_blocks_after_max_failures(void **state)
{
    (void)state;
    throttle *t = throttle_new(16);
    assert_non_null(t);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0), 0);
    assert_int_equal(throttle_fail(t, "login:oydantap", T0, &RULE), 0);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0), 0);
    assert_int_equal(throttle_fail(t, "login:oydantap", T0 + 1, &RULE), 0);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0 + 1), 0);
    /* the third failure within the window blocks for block_s */
    assert_int_equal(throttle_fail(t, "login:oydantap", T0 + 2, &RULE), 300);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0 + 2), 300);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0 + 102), 200);
    /* more failures while blocked keep it blocked, counted from the latest */
    assert_int_equal(throttle_fail(t, "login:oydantap", T0 + 10, &RULE), 300);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0 + 10), 300);
    throttle_free(t);
}

static void test_block_expires(void **state)
{
    (void)state;
    throttle *t = throttle_new(16);
    for (int i = 0; i < 3; i++)
        throttle_fail(t, "k", T0, &RULE);
    assert_int_equal(throttle_blocked(t, "k", T0), 300);
    assert_int_equal(throttle_blocked(t, "k", T0 + 299), 1);
    assert_int_equal(throttle_blocked(t, "k", T0 + 300), 0);
    assert_int_equal(throttle_blocked(t, "k", T0 + 100000), 0);
    /* after expiry and a whole window, failures count from zero again */
    assert_int_equal(throttle_fail(t, "k", T0 + 1000, &RULE), 0);
    assert_int_equal(throttle_fail(t, "k", T0 + 1001, &RULE), 0);
    assert_int_equal(throttle_fail(t, "k", T0 + 1002, &RULE), 300);
    throttle_free(t);
}

static void test_window_resets_count(void **state)
{
    (void)state;
    throttle *t = throttle_new(16);
    assert_int_equal(throttle_fail(t, "k", T0, &RULE), 0);
    assert_int_equal(throttle_fail(t, "k", T0 + 59, &RULE), 0);
    /* window_s after the first failure the count starts over */
    assert_int_equal(throttle_fail(t, "k", T0 + 60, &RULE), 0);
    assert_int_equal(throttle_blocked(t, "k", T0 + 60), 0);
    assert_int_equal(throttle_fail(t, "k", T0 + 61, &RULE), 0);
    assert_int_equal(throttle_fail(t, "k", T0 + 62, &RULE), 300);
    assert_int_equal(throttle_blocked(t, "k", T0 + 62), 300);
    throttle_free(t);
}

static void test_reset_after_success(void **state)
{
    (void)state;
    throttle *t = throttle_new(16);
    throttle_fail(t, "k", T0, &RULE);
    throttle_fail(t, "k", T0 + 1, &RULE);
    throttle_reset(t, "k");
    assert_int_equal(throttle_fail(t, "k", T0 + 2, &RULE), 0);
    assert_int_equal(throttle_fail(t, "k", T0 + 3, &RULE), 0);
    assert_int_equal(throttle_fail(t, "k", T0 + 4, &RULE), 300);
    /* a reset also lifts a block */
    throttle_reset(t, "k");
    assert_int_equal(throttle_blocked(t, "k", T0 + 5), 0);
    /* resetting an unknown key changes nothing */
    throttle_fail(t, "other", T0, &RULE);
    throttle_fail(t, "other", T0, &RULE);
    throttle_fail(t, "other", T0, &RULE);
    throttle_reset(t, "never-seen");
    assert_int_equal(throttle_blocked(t, "other", T0), 300);
    throttle_free(t);
}

static void test_keys_independent(void **state)
{
    (void)state;
    throttle *t = throttle_new(16);
    for (int i = 0; i < 3; i++)
        throttle_fail(t, "login:oydantap", T0, &RULE);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0), 300);
    assert_int_equal(throttle_blocked(t, "login:aigu", T0), 0);   /* a prefix */
    assert_int_equal(throttle_blocked(t, "login:oydantap2", T0), 0); /* a longer key */
    assert_int_equal(throttle_blocked(t, "addr:oydantap", T0), 0);
    assert_int_equal(throttle_blocked(t, "", T0), 0);
    /* another key's failures count on their own */
    assert_int_equal(throttle_fail(t, "login:marat", T0, &RULE), 0);
    assert_int_equal(throttle_fail(t, "login:marat", T0, &RULE), 0);
    throttle_reset(t, "login:marat");
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0), 300);
    /* different rules per key */
    const throttle_rule strict = {.max_failures = 1, .window_s = 60, .block_s = 7};
    assert_int_equal(throttle_fail(t, "addr:192.0.2.1", T0, &strict), 7);
    assert_int_equal(throttle_blocked(t, "login:marat", T0), 0);
    throttle_free(t);
}

/* Blocked right away on the first failure, so a slot's presence is visible. */
static const throttle_rule ONE = {.max_failures = 1, .window_s = 1000, .block_s = 100000};

/* Blocked at the second failure within the window: one failure leaves a key unblocked
 * and a second one shows whether the first was remembered. */
static const throttle_rule TWO = {.max_failures = 2, .window_s = 1000, .block_s = 500};

static void test_full_table_reuses_oldest_unblocked(void **state)
{
    (void)state;
    throttle *t = throttle_new(4);
    assert_int_equal(throttle_fail(t, "blocked", T0, &ONE), 100000);
    assert_int_equal(throttle_fail(t, "a", T0 + 10, &TWO), 0);
    assert_int_equal(throttle_fail(t, "b", T0 + 20, &TWO), 0);
    assert_int_equal(throttle_fail(t, "c", T0 + 30, &TWO), 0);
    /* "a" failed again later than "b" (and is now blocked); "b" is the oldest unblocked
     * key, older than "c"; "blocked" is the oldest of all but is kept */
    assert_int_equal(throttle_fail(t, "a", T0 + 40, &TWO), 500);
    throttle_fail(t, "d", T0 + 50, &TWO);
    assert_true(throttle_blocked(t, "blocked", T0 + 50) > 0);
    assert_true(throttle_blocked(t, "a", T0 + 50) > 0);
    assert_int_equal(throttle_fail(t, "c", T0 + 51, &TWO), 500); /* remembered */
    assert_int_equal(throttle_fail(t, "d", T0 + 52, &TWO), 500); /* remembered */
    /* "b" was forgotten: all four slots are now blocked, so "b" is not recorded and
     * fails closed */
    assert_int_equal(throttle_fail(t, "b", T0 + 53, &TWO), 500);
    /* a slot freed by a reset is taken before any other is pushed out */
    throttle_reset(t, "d");
    assert_int_equal(throttle_fail(t, "e", T0 + 60, &TWO), 0);
    assert_int_equal(throttle_fail(t, "e", T0 + 61, &TWO), 500);
    assert_true(throttle_blocked(t, "blocked", T0 + 61) > 0);
    assert_true(throttle_blocked(t, "a", T0 + 61) > 0);
    assert_true(throttle_blocked(t, "c", T0 + 61) > 0);
    /* a block that has run out no longer protects its slot */
    assert_int_equal(throttle_blocked(t, "a", T0 + 540), 0);
    assert_int_equal(throttle_fail(t, "f", T0 + 541, &TWO), 0);
    assert_int_equal(throttle_fail(t, "a", T0 + 542, &TWO), 0); /* forgotten: starts over */
    assert_true(throttle_blocked(t, "blocked", T0 + 542) > 0);
    throttle_free(t);
}

/* The review finding: failures under ever new keys (unique login names) must not push
 * a blocked key out of the table and so lift its block. */
static void test_flood_of_new_keys_keeps_block(void **state)
{
    (void)state;
    enum { SLOTS = 8, FLOOD = 1000 };
    throttle *t = throttle_new(SLOTS);
    for (int i = 0; i < 3; i++)
        throttle_fail(t, "login:oydantap", T0, &RULE);
    assert_int_equal(throttle_blocked(t, "login:oydantap", T0), 300);
    char key[32];
    for (int i = 0; i < FLOOD; i++) {
        snprintf(key, sizeof key, "login:flood%d", i);
        assert_int_equal(throttle_fail(t, key, T0 + 1 + i / 100, &RULE), 0);
    }
    int64_t after = T0 + 1 + FLOOD / 100;
    assert_int_equal(throttle_blocked(t, "login:oydantap", after), 300 - (after - T0));
    /* the newest flood keys are the ones remembered: a second and third failure of the
     * newest blocks it */
    snprintf(key, sizeof key, "login:flood%d", FLOOD - 1);
    assert_int_equal(throttle_fail(t, key, after, &RULE), 0);
    assert_int_equal(throttle_fail(t, key, after, &RULE), 300);
    throttle_free(t);
}

/* When every slot is blocked a new key is not recorded, and it counts as blocked: its
 * failure answers the block time, and it may not try until the first block ends. */
static void test_all_blocked_fails_closed(void **state)
{
    (void)state;
    throttle *t = throttle_new(3);
    assert_int_equal(throttle_fail(t, "a", T0, &ONE), 100000);
    assert_int_equal(throttle_fail(t, "b", T0 + 10, &ONE), 100000);
    assert_int_equal(throttle_fail(t, "c", T0 + 20, &ONE), 100000);
    assert_int_equal(throttle_blocked(t, "new", T0 + 30), 100000 - 30);
    assert_int_equal(throttle_fail(t, "new", T0 + 30, &TWO), 500);
    assert_int_equal(throttle_fail(t, "new", T0 + 31, &RULE), 300);
    /* nothing was pushed out */
    assert_int_equal(throttle_blocked(t, "a", T0 + 31), 100000 - 31);
    assert_int_equal(throttle_blocked(t, "b", T0 + 31), 100000 - 21);
    assert_int_equal(throttle_blocked(t, "c", T0 + 31), 100000 - 11);
    /* once "a"'s block ends its slot may go to a new key, recorded as usual */
    assert_int_equal(throttle_blocked(t, "new", T0 + 100000), 0);
    assert_int_equal(throttle_fail(t, "new", T0 + 100000, &TWO), 0);
    assert_int_equal(throttle_fail(t, "new", T0 + 100001, &TWO), 500);
    /* "a" is forgotten, and with every slot blocked again it counts as blocked until
     * "b"'s block ends */
    assert_int_equal(throttle_blocked(t, "a", T0 + 100001), 9);
    assert_int_equal(throttle_blocked(t, "b", T0 + 100001), 9);
    /* a reset frees a slot as well */
    throttle_reset(t, "b");
    assert_int_equal(throttle_blocked(t, "other", T0 + 100002), 0);
    assert_int_equal(throttle_fail(t, "other", T0 + 100002, &TWO), 0);
    throttle_free(t);
}

static void test_table_never_grows(void **state)
{
    (void)state;
    enum { SLOTS = 8, KEYS = 500 };
    throttle *t = throttle_new(SLOTS);
    char key[32];
    for (int i = 0; i < KEYS; i++) {
        snprintf(key, sizeof key, "addr:10.0.%d.%d", i / 256, i % 256);
        assert_int_equal(throttle_fail(t, key, T0 + i, &TWO), 0);
    }
    /* exactly the SLOTS newest keys are remembered: a second failure blocks each */
    for (int i = KEYS - SLOTS; i < KEYS; i++) {
        snprintf(key, sizeof key, "addr:10.0.%d.%d", i / 256, i % 256);
        assert_int_equal(throttle_fail(t, key, T0 + KEYS, &TWO), 500);
    }
    /* the table is now all blocked: an older key is not taken in */
    assert_int_equal(throttle_blocked(t, "addr:10.0.0.0", T0 + KEYS), 500);
    assert_int_equal(throttle_fail(t, "addr:10.0.0.0", T0 + KEYS, &TWO), 500);
    throttle_free(t);
}

static void test_single_slot(void **state)
{
    (void)state;
    throttle *t = throttle_new(1);
    throttle_fail(t, "x", T0, &TWO);
    throttle_fail(t, "y", T0 + 1, &TWO); /* "x" was not blocked: pushed out */
    assert_int_equal(throttle_fail(t, "y", T0 + 2, &TWO), 500);
    assert_int_equal(throttle_fail(t, "x", T0 + 3, &TWO), 500); /* fails closed */
    assert_int_equal(throttle_blocked(t, "x", T0 + 3), 499);
    assert_int_equal(throttle_blocked(t, "y", T0 + 3), 499);
    throttle_free(t);
}

/* ---- failing closed ------------------------------------------------------------------- */

static int blocked_for(qg_app *app, const char *key)
{
    qg_error err = {0};
    int wait = -1;
    db *conn = db_pool_acquire(app->readers);
    assert_int_equal(limit_blocked(conn, key, T0, app->settings.limit_slots, &wait, &err), QG_OK);
    db_pool_release(app->readers, conn);
    return wait;
}

/* A failed login whose failure cannot be written (the commit fails, as on a full disk) or
 * whose counters cannot be read answers the storage error, not "login and password do not
 * match": an attacker learns nothing and the failure is not lost for free. Likewise a wrong
 * reply code. Once storage works again the failures count as usual. */
static void test_fails_closed(void **state)
{
    (void)state;
    setenv("QORGAU_TEST_CHEAP_PWHASH", "1", 0);
    db_fault_enable();
    char dir[256], db_path[300], key_path[300];
    assert_true(qgt_tmpdir_make("limit", dir, sizeof dir));
    assert_true(qgt_tmpdir_path(dir, "q.db", db_path, sizeof db_path));
    assert_true(qgt_tmpdir_path(dir, "q.key", key_path, sizeof key_path));
    qg_error err = {0};
    qg_app *app = NULL;
    assert_int_equal(app_init_files(db_path, key_path, &err), QG_OK);
    assert_int_equal(app_open(db_path, key_path, 1, false, &app, &err), QG_OK);
    app->settings.login_per_account = (throttle_rule){.max_failures = 2, .window_s = 60,
                                                      .block_s = 120};
    char acct[QG_HASH_HEX];
    limit_key(app->keys, "login", "nobody.here", acct);
    session_tokens tokens;
    session_info who;
    int wait = 0;
    const db_fault_kind fails[] = {DB_FAULT_COMMIT, DB_FAULT_STEP};
    for (size_t i = 0; i < sizeof fails / sizeof *fails; i++) {
        db_fault_arm(fails[i], 1);
        memset(&err, 0, sizeof err);
        qg_code c = session_login(app, "nobody.here", "wrong-password-123", "192.0.2.1",
                                  (int64_t)time(NULL), &tokens, &who, &wait, &err);
        assert_true(db_fault_fired());
        db_fault_disarm();
        assert_int_equal(c, QG_EDB);
        assert_int_equal(blocked_for(app, acct), 0);
    }
    /* with storage back, two failures block the account */
    for (int i = 0; i < 2; i++)
        assert_int_equal(session_login(app, "nobody.here", "wrong-password-123", "192.0.2.1",
                                       (int64_t)time(NULL), &tokens, &who, &wait, &err),
                         QG_EUNAUTH);
    assert_true(wait > 0);
    /* a wrong reply code that cannot be recorded */
    json_t *out = NULL;
    db_fault_arm(DB_FAULT_COMMIT, 1);
    qg_code c = referral_reply(app, "192.0.2.2", (int64_t)time(NULL), "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
                               "accept", NULL, &out, &wait, &err);
    assert_true(db_fault_fired());
    db_fault_disarm();
    assert_int_equal(c, QG_EDB);
    assert_int_equal(referral_reply(app, "192.0.2.2", (int64_t)time(NULL), "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
                                    "accept", NULL, &out, &wait, &err),
                     QG_ENOTFOUND);
    app_close(app);
    qgt_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_are_hashed),
        cmocka_unit_test(test_blocks_after_max_failures),
        cmocka_unit_test(test_block_expires),
        cmocka_unit_test(test_window_resets_count),
        cmocka_unit_test(test_reset_after_success),
        cmocka_unit_test(test_keys_independent),
        cmocka_unit_test(test_full_table_reuses_oldest_unblocked),
        cmocka_unit_test(test_flood_of_new_keys_keeps_block),
        cmocka_unit_test(test_all_blocked_fails_closed),
        cmocka_unit_test(test_table_never_grows),
        cmocka_unit_test(test_single_slot),
        cmocka_unit_test(test_fails_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
