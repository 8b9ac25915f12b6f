/* bb_pg.c — black-box test on PostgreSQL: the real binary initialises the database at
 * $QORGAU_TEST_PG (key file from $QORGAU_KEY_FILE), two real servers serve it at once, cases
 * opened through both end in one intact audit chain, and `qorgau backup` points to pg_dump.
 * Skipped without $QORGAU_TEST_PG (failed instead when $QORGAU_TEST_PG_REQUIRED is set). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define CASES_EACH 6

/* A harness environment on url: its own directory for logs, the shared key file. */
static void env_on(qgt_env *e, const char *url, const char *key)
{
    memset(e, 0, sizeof *e);
    snprintf(e->dir, sizeof e->dir, "/tmp/qgbbpg-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->db, sizeof e->db, "%s", url);
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->log, sizeof e->log, "%s/server.log", e->dir);
}

static void open_cases(qgt_env *e, const qgt_session *s, int count)
{
    for (int i = 0; i < count; i++) {
        httpc_response *r = qgt_call(e, s, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\",\"region\":\"astana\"}");
        assert_non_null(r);
        assert_int_equal(r->status, 201);
        httpc_response_free(r);
    }
}

static void test_two_servers_one_database(void **state)
{
    (void)state;
    const char *url = qgt_pg_url();
    qgt_pg_reset(url);
    qgt_env a, b;
    char key[QGT_PATH], out[QGT_OUT], errout[QGT_OUT];
    env_on(&a, url, "");
    snprintf(key, sizeof key, "%s/qorgau.key", a.dir);
    snprintf(a.key, sizeof a.key, "%s", key);
    env_on(&b, url, key);
    setenv("QORGAU_KEY_FILE", key, 1);
    const char *init[] = {"init", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, out, errout, init), 0);
    assert_null(strstr(out, "qorgau_test")); /* the URI (it may hold a password) is not echoed */
    char other[QGT_PATH + 16];
    snprintf(other, sizeof other, "%s/other.key", a.dir);
    setenv("QORGAU_KEY_FILE", other, 1);
    assert_int_equal(qgt_cli(&a, true, NULL, NULL, errout, init), 1); /* never re-initialised */
    assert_non_null(strstr(errout, "db: database already holds a Qorgau schema"));
    assert_int_equal(access(other, F_OK), -1);
    setenv("QORGAU_KEY_FILE", key, 1);
    int64_t org = qgt_org(&a, "PG NGO", "ngo", "almaty");
    assert_true(org > 0);
    assert_true(qgt_user(&a, org, "pg.sup", "supervisor", "pg-password-123") > 0);
    assert_true(qgt_server_start(&a, NULL));
    assert_true(qgt_server_start(&b, NULL));
    qgt_session sa, sb;
    assert_int_equal(qgt_login(&a, "pg.sup", "pg-password-123", &sa), 201);
    assert_int_equal(qgt_login(&b, "pg.sup", "pg-password-123", &sb), 201);
    open_cases(&a, &sa, CASES_EACH);
    open_cases(&b, &sb, CASES_EACH);
    httpc_response *r = qgt_call(&a, &sa, "GET", "/api/v1/cases?limit=50", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"next_before\""));
    httpc_response_free(r);
    /* finding a child on PostgreSQL (issue 14): the blind index written through one server
     * and searched through the other, the likely duplicate, the duplicate IIN answer and
     * the supervisor's lists of contact requests and answers */
    char iin[13], body[512];
    qgt_make_iin(2013, 6, 7, 'M', 3, iin);
    snprintf(body, sizeof body,
             "{\"sex\":\"Masculine\",\"personal\":{\"given_name\":\"Нұрлан\","
             "\"family_name\":\"Серікұлы\",\"birth_date\":\"2013-06-07\",\"iin\":\"%s\"}}", iin);
    r = qgt_call(&a, &sa, "POST", "/api/v1/cases", body);
    assert_int_equal(r->status, 201);
    httpc_response_free(r);
    r = qgt_call(&b, &sb, "POST", "/api/v1/search", "{\"q\":\"Nurlan Serik 2013\"}");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"birth_year\":2013"));
    assert_null(strstr(r->body, "\"more\":true"));
    httpc_response_free(r);
    r = qgt_call(&b, &sb, "POST", "/api/v1/search", "{\"q\":\"Nurlanbek\"}");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"hits\":[]"));
    httpc_response_free(r);
    r = qgt_call(&b, &sb, "POST", "/api/v1/cases", body);
    assert_int_equal(r->status, 409);
    assert_non_null(strstr(r->body, "iin.duplicate"));
    httpc_response_free(r);
    snprintf(body, sizeof body,
             "{\"sex\":\"Masculine\",\"personal\":{\"given_name\":\"Serikuly\","
             "\"family_name\":\"Nurlan\",\"birth_date\":\"2013-06-07\"}}");
    r = qgt_call(&b, &sb, "POST", "/api/v1/cases", body);
    assert_int_equal(r->status, 409);
    assert_non_null(strstr(r->body, "case.likely_duplicate"));
    httpc_response_free(r);
    const char *lists[] = {"/api/v1/contact-requests", "/api/v1/duplicate-attempts",
                           "/api/v1/home"};
    for (size_t i = 0; i < 3; i++) {
        r = qgt_call(&a, &sa, "GET", lists[i], NULL);
        assert_int_equal(r->status, 200);
        httpc_response_free(r);
    }
    /* the user list with its confirmation facts (subqueries) on PostgreSQL */
    r = qgt_call(&a, &sa, "GET", "/api/v1/users", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"must_change\":false"));
    httpc_response_free(r);
    assert_int_equal(qgt_server_stop(&a), 0);
    assert_int_equal(qgt_server_stop(&b), 0);

    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, out, errout, verify), 0);
    assert_non_null(strstr(out, "audit trail intact"));
    /* the listing's joins (the actor's login, an account object's by CASE and CAST) on
     * PostgreSQL: pg.sup's login is named beside its entry */
    const char *audit_list[] = {"audit", "list", "--limit", "12", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, out, errout, audit_list), 0);
    assert_non_null(strstr(out, "\"actor_login\":\"pg.sup\""));
    const char *backup[] = {"backup", "/tmp/qorgau-bb-pg-never.db", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, out, errout, backup), 2);
    assert_non_null(strstr(errout, "pg_dump"));
    unsetenv("QORGAU_KEY_FILE");
    const char *list[] = {"org", "list", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, out, errout, list), 2); /* a URL needs the key file named */
    assert_non_null(strstr(errout, "QORGAU_KEY_FILE"));
    unlink(key);
    qgt_env_free(&b);
    qgt_env_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_two_servers_one_database)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
