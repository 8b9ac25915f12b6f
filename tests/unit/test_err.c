/* test_err.c — the one error type: filling, and the mapping of codes to
 * names, HTTP statuses and exit codes that the API and the command line rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "base/err.h"

static void test_fail_fills_and_returns_code(void **state)
{
    (void)state;
    qg_error err = {0};
    assert_int_equal(
        qg_fail(&err, QG_EINVAL, "sex", "value.not_in_list", "is not a known %s code", "sex"),
        QG_EINVAL);
    assert_int_equal(err.code, QG_EINVAL);
    assert_string_equal(err.field, "sex");
    assert_string_equal(err.reason, "value.not_in_list");
    assert_string_equal(err.message, "is not a known sex code");
    assert_int_equal(qg_fail(&err, QG_EDB, NULL, "storage.failure", "x"), QG_EDB);
    assert_string_equal(err.field, "");
    assert_string_equal(qg_error_reason(&err), "storage.failure");
    assert_int_equal(qg_fail(NULL, QG_ENOTFOUND, "code", "case.not_found", "no such case"),
                     QG_ENOTFOUND);
}

static void test_reason_is_kept_copied_and_never_missing(void **state)
{
    (void)state;
    qg_error none = {0};
    assert_string_equal(qg_error_reason(&none), "internal.failure");
    assert_string_equal(qg_error_reason(NULL), "internal.failure");
    qg_error from = {0}, to = {0};
    qg_fail(&from, QG_EINVAL, "iin", "iin.check_digit", "check digit does not match");
    assert_int_equal(qg_fail_copy(&to, &from), QG_EINVAL);
    assert_string_equal(to.field, "iin");
    assert_string_equal(to.reason, "iin.check_digit");
    assert_string_equal(to.message, "check digit does not match");
    assert_int_equal(qg_fail_copy(NULL, &from), QG_EINVAL);
}

static void test_long_texts_are_cut_not_overflowed(void **state)
{
    (void)state;
    char long_field[300];
    memset(long_field, 'f', sizeof long_field - 1);
    long_field[sizeof long_field - 1] = '\0';
    qg_error err = {0};
    qg_fail(&err, QG_EINVAL, long_field, "test.failure", "%s", long_field);
    assert_int_equal(strlen(err.field), QG_ERR_FIELD_MAX - 1);
    assert_int_equal(strlen(err.message), QG_ERR_MSG_MAX - 1);
}

static void test_mappings(void **state)
{
    (void)state;
    static const struct {
        qg_code code;
        const char *name;
        int http, exit;
    } want[] = {
        {QG_OK, "ok", 200, 0},
        {QG_EINVAL, "invalid", 400, 2},
        {QG_EUNAUTH, "unauthenticated", 401, 1},
        {QG_EFORBIDDEN, "forbidden", 403, 1},
        {QG_ENOTFOUND, "not_found", 404, 1},
        {QG_ECONFLICT, "conflict", 409, 1},
        {QG_ETOOLARGE, "too_large", 413, 2},
        {QG_ETHROTTLED, "throttled", 429, 1},
        {QG_EKEY, "key_error", 500, 1},
        {QG_EDB, "storage_error", 500, 1},
        {QG_EIO, "io_error", 500, 1},
        {QG_ENOMEM, "out_of_memory", 500, 1},
        {QG_ECRYPTO, "crypto_error", 500, 1},
        {QG_EUNAVAIL, "unavailable", 503, 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_string_equal(qg_code_name(want[i].code), want[i].name);
        assert_int_equal(qg_code_http_status(want[i].code), want[i].http);
        assert_int_equal(qg_code_exit_status(want[i].code), want[i].exit);
    }
    assert_string_equal(qg_code_name((qg_code)999), "internal");
    assert_int_equal(qg_code_http_status((qg_code)999), 500);
    assert_int_equal(qg_code_exit_status((qg_code)999), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_fills_and_returns_code),
        cmocka_unit_test(test_reason_is_kept_copied_and_never_missing),
        cmocka_unit_test(test_long_texts_are_cut_not_overflowed),
        cmocka_unit_test(test_mappings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
