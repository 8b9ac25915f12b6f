/* bb_smoke.c — black-box smoke test: the real binary initialises a database, serves
 * it, and a supervisor logs in and opens a case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "support/qgtest.h"

static void test_login_and_create_case(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    int64_t org = qgt_org(&e, "Smoke NGO", "ngo", "almaty");
    assert_true(org > 0);
    assert_true(qgt_user(&e, org, "smoke.sup", "supervisor", "smoke-password-1") > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session s;
    assert_int_equal(qgt_login(&e, "smoke.sup", "smoke-password-1", &s), 201);
    httpc_response *r = qgt_call(&e, &s, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\",\"region\":\"astana\"}");
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    assert_non_null(strstr(r->body, "\"code\":\"QG-"));
    httpc_response_free(r);
    assert_int_equal(qgt_server_stop(&e), 0);
    qgt_env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_login_and_create_case)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
