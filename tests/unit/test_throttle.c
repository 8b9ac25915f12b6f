/*
 * test_throttle.c — unit tests of src/base/throttle.c: blocking after the allowed
 * failures, the window, block expiry, reset after success, independence of keys,
 * reuse of the unblocked slot idle the longest when the table is full, blocks that
 * survive a flood of new keys, failing closed when every slot is blocked, and a
 * threaded smoke test that no failure is lost.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/throttle.h"

#define T0 1700000000 /* a fixed "now"; the throttle never reads the clock itself */

static const throttle_rule RULE = {.max_failures = 3, .window_s = 60, .block_s = 300};

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
    enum { SLOTS = 8, FLOOD = 5000 };
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
    throttle_free(NULL);
    assert_null(throttle_new(0));
}

/* ---- threads ------------------------------------------------------------------------ */

#define THREADS 4
#define FAILS_PER_THREAD 1000

typedef struct {
    throttle *t;
    int index;
} worker_arg;

static const throttle_rule EXACT = {.max_failures = THREADS * FAILS_PER_THREAD,
                                    .window_s = 1000000, .block_s = 50};
static const throttle_rule ONE_MORE = {.max_failures = THREADS * FAILS_PER_THREAD + 1,
                                       .window_s = 1000000, .block_s = 50};

static void *worker(void *p)
{
    worker_arg *a = p;
    char own[32];
    snprintf(own, sizeof own, "own:%d", a->index);
    for (int i = 0; i < FAILS_PER_THREAD; i++) {
        throttle_fail(a->t, "shared", T0, &EXACT);
        throttle_fail(a->t, "shared-plus-one", T0, &ONE_MORE);
        throttle_fail(a->t, own, T0, &EXACT);
        throttle_blocked(a->t, "shared", T0);
        if (i % 100 == 0)
            throttle_reset(a->t, "scratch");
    }
    return NULL;
}

static void test_threads_lose_no_failure(void **state)
{
    (void)state;
    throttle *t = throttle_new(64);
    pthread_t th[THREADS];
    worker_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (worker_arg){.t = t, .index = i};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    /* exactly THREADS * FAILS_PER_THREAD failures were counted on the shared key: the
     * limit equal to it is reached, the one above it is not */
    assert_int_equal(throttle_blocked(t, "shared", T0), 50);
    assert_int_equal(throttle_blocked(t, "shared-plus-one", T0), 0);
    assert_int_equal(throttle_fail(t, "shared-plus-one", T0, &ONE_MORE), 50);
    /* each thread's own key saw only its own failures */
    for (int i = 0; i < THREADS; i++) {
        char own[32];
        snprintf(own, sizeof own, "own:%d", i);
        assert_int_equal(throttle_blocked(t, own, T0), 0);
    }
    throttle_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test(test_threads_lose_no_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
