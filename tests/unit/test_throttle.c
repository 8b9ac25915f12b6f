/*
 * test_throttle.c — unit tests of src/core/throttle.c: blocking after the allowed
 * failures, the window, block expiry, reset after success, independence of keys,
 * reuse of the slot idle the longest when the table is full, and a threaded smoke
 * test that no failure is lost.
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

#include "core/throttle.h"

#define T0 1700000000 /* a fixed "now"; the throttle never reads the clock itself */

static const throttle_rule RULE = {.max_failures = 3, .window_s = 60, .block_s = 300};

static void test_blocks_after_max_failures(void **state)
{
    (void)state;
    throttle *t = throttle_new(16);
    assert_non_null(t);
    assert_int_equal(throttle_blocked(t, "login:aigul", T0), 0);
    assert_int_equal(throttle_fail(t, "login:aigul", T0, &RULE), 0);
    assert_int_equal(throttle_blocked(t, "login:aigul", T0), 0);
    assert_int_equal(throttle_fail(t, "login:aigul", T0 + 1, &RULE), 0);
    assert_int_equal(throttle_blocked(t, "login:aigul", T0 + 1), 0);
    /* the third failure within the window blocks for block_s */
    assert_int_equal(throttle_fail(t, "login:aigul", T0 + 2, &RULE), 300);
    assert_int_equal(throttle_blocked(t, "login:aigul", T0 + 2), 300);
    assert_int_equal(throttle_blocked(t, "login:aigul", T0 + 102), 200);
    /* more failures while blocked keep it blocked, counted from the latest */
    assert_int_equal(throttle_fail(t, "login:aigul", T0 + 10, &RULE), 300);
    assert_int_equal(throttle_blocked(t, "login:aigul", T0 + 10), 300);
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
        throttle_fail(t, "login:aigul", T0, &RULE);
    assert_int_equal(throttle_blocked(t, "login:aigul", T0), 300);
    assert_int_equal(throttle_blocked(t, "login:aigu", T0), 0);   /* a prefix */
    assert_int_equal(throttle_blocked(t, "login:aigul2", T0), 0); /* a longer key */
    assert_int_equal(throttle_blocked(t, "addr:aigul", T0), 0);
    assert_int_equal(throttle_blocked(t, "", T0), 0);
    /* another key's failures count on their own */
    assert_int_equal(throttle_fail(t, "login:marat", T0, &RULE), 0);
    assert_int_equal(throttle_fail(t, "login:marat", T0, &RULE), 0);
    throttle_reset(t, "login:marat");
    assert_int_equal(throttle_blocked(t, "login:aigul", T0), 300);
    /* different rules per key */
    const throttle_rule strict = {.max_failures = 1, .window_s = 60, .block_s = 7};
    assert_int_equal(throttle_fail(t, "addr:192.0.2.1", T0, &strict), 7);
    assert_int_equal(throttle_blocked(t, "login:marat", T0), 0);
    throttle_free(t);
}

/* Blocked right away on the first failure, so a slot's presence is visible. */
static const throttle_rule ONE = {.max_failures = 1, .window_s = 1000, .block_s = 100000};

static void test_full_table_reuses_oldest_idle(void **state)
{
    (void)state;
    throttle *t = throttle_new(3);
    assert_int_equal(throttle_fail(t, "a", T0 + 10, &ONE), 100000);
    assert_int_equal(throttle_fail(t, "b", T0 + 20, &ONE), 100000);
    assert_int_equal(throttle_fail(t, "c", T0 + 30, &ONE), 100000);
    /* "a" failed again later than "b": now "b" is idle the longest */
    throttle_fail(t, "a", T0 + 40, &ONE);
    throttle_fail(t, "d", T0 + 50, &ONE);
    assert_int_equal(throttle_blocked(t, "b", T0 + 50), 0); /* forgotten */
    assert_true(throttle_blocked(t, "a", T0 + 50) > 0);
    assert_true(throttle_blocked(t, "c", T0 + 50) > 0);
    assert_true(throttle_blocked(t, "d", T0 + 50) > 0);
    /* the next one pushes out "c" (30), not "a" (40) or "d" (50) */
    throttle_fail(t, "e", T0 + 60, &ONE);
    assert_int_equal(throttle_blocked(t, "c", T0 + 60), 0);
    assert_true(throttle_blocked(t, "a", T0 + 60) > 0);
    assert_true(throttle_blocked(t, "d", T0 + 60) > 0);
    assert_true(throttle_blocked(t, "e", T0 + 60) > 0);
    /* a slot freed by a reset is taken before any other is pushed out */
    throttle_reset(t, "d");
    throttle_fail(t, "f", T0 + 70, &ONE);
    assert_true(throttle_blocked(t, "a", T0 + 70) > 0);
    assert_true(throttle_blocked(t, "e", T0 + 70) > 0);
    assert_true(throttle_blocked(t, "f", T0 + 70) > 0);
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
        assert_true(throttle_fail(t, key, T0 + i, &ONE) > 0);
    }
    /* exactly the SLOTS newest keys are remembered; every older one is gone */
    int remembered = 0;
    for (int i = 0; i < KEYS; i++) {
        snprintf(key, sizeof key, "addr:10.0.%d.%d", i / 256, i % 256);
        bool blocked = throttle_blocked(t, key, T0 + KEYS) > 0;
        assert_int_equal(blocked, i >= KEYS - SLOTS);
        remembered += blocked;
    }
    assert_int_equal(remembered, SLOTS);
    throttle_free(t);
}

static void test_single_slot(void **state)
{
    (void)state;
    throttle *t = throttle_new(1);
    throttle_fail(t, "x", T0, &ONE);
    throttle_fail(t, "y", T0 + 1, &ONE);
    assert_int_equal(throttle_blocked(t, "x", T0 + 1), 0);
    assert_true(throttle_blocked(t, "y", T0 + 1) > 0);
    throttle_free(t);
    throttle_free(NULL);
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
        cmocka_unit_test(test_full_table_reuses_oldest_idle),
        cmocka_unit_test(test_table_never_grows),
        cmocka_unit_test(test_single_slot),
        cmocka_unit_test(test_threads_lose_no_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
