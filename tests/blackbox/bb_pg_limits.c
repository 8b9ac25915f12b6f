/* bb_pg_limits.c — black-box test on PostgreSQL (issue 15 item 6): every limit holds across
 * two real `qorgau serve` processes on one database, not per process. Failures made through
 * one server count on the other: failed logins per account and per client address, wrong
 * reply codes per client address, and the hourly limit on cases with an IIN. Both servers
 * trust 127.0.0.1 as a reverse proxy, so each part counts under a client address of its own
 * (X-Forwarded-For; the addresses are only header text). Skipped without $QORGAU_TEST_PG
 * (failed instead when $QORGAU_TEST_PG_REQUIRED is set). All IINs are made up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "pg-limit-password-1"
#define WRONG "not-the-password-1"

static qgt_env a, b;

static void env_on(qgt_env *e, const char *url, const char *key)
{
    memset(e, 0, sizeof *e);
    snprintf(e->dir, sizeof e->dir, "/tmp/qgbbpgl-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->db, sizeof e->db, "%s", url);
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->log, sizeof e->log, "%s/server.log", e->dir);
}

/* One request through server e as client address client (X-Forwarded-For), with s's
 * session when s is not NULL. Returns the status; the reason of an error into reason. */
static int send_as(qgt_env *e, const char *client, const qgt_session *s, const char *method,
                   const char *path, const char *body, char reason[64])
{
    char xff[64], cookie[200], csrf[120];
    snprintf(xff, sizeof xff, "X-Forwarded-For: %s", client);
    const char *headers[4] = {xff, NULL, NULL, NULL};
    if (s) {
        snprintf(cookie, sizeof cookie, "Cookie: %s", s->cookie);
        snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", s->csrf);
        headers[1] = cookie;
        headers[2] = csrf;
    }
    httpc_response *r = httpc_do(e->port, method, path, headers, body, body ? strlen(body) : 0);
    assert_non_null(r);
    int status = r->status;
    if (reason) {
        reason[0] = '\0';
        json_t *j = qgt_json(r);
        json_t *why = json_object_get(json_object_get(j, "error"), "reason");
        if (json_is_string(why))
            snprintf(reason, 64, "%s", json_string_value(why));
        json_decref(j);
    }
    httpc_response_free(r);
    return status;
}

static int login_as(qgt_env *e, const char *client, const char *login, const char *password,
                    char reason[64])
{
    char body[160];
    snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
    return send_as(e, client, NULL, "POST", "/api/v1/session", body, reason);
}

/* Five wrong passwords for one account, three through a and two through b (each from an
 * address of its own), block it on both. */
static void account_limit(void)
{
    char reason[64], client[32];
    for (int i = 0; i < 5; i++) {
        snprintf(client, sizeof client, "10.1.0.%d", i + 1);
        assert_int_equal(login_as(i < 3 ? &a : &b, client, "pg.acct", WRONG, reason), 401);
    }
    assert_int_equal(login_as(&a, "10.1.1.1", "pg.acct", PASSWORD, reason), 429);
    assert_string_equal(reason, "login.throttled");
    assert_int_equal(login_as(&b, "10.1.1.2", "pg.acct", PASSWORD, reason), 429);
    assert_int_equal(login_as(&b, "10.1.1.3", "pg.other", PASSWORD, NULL), 201);
}

/* Twenty failures from one address, ten through each server, block the address on both;
 * another address still logs in. */
static void address_limit(void)
{
    char reason[64], login[32];
    for (int i = 0; i < 20; i++) {
        snprintf(login, sizeof login, "stranger.%d", i);
        assert_int_equal(login_as(i % 2 ? &b : &a, "10.2.0.1", login, WRONG, NULL), 401);
    }
    assert_int_equal(login_as(&a, "10.2.0.1", "pg.addr", PASSWORD, reason), 429);
    assert_string_equal(reason, "login.throttled");
    assert_int_equal(login_as(&b, "10.2.0.1", "pg.addr", PASSWORD, reason), 429);
    assert_int_equal(login_as(&b, "10.2.0.2", "pg.addr", PASSWORD, NULL), 201);
}

/* Ten wrong reply codes from one address, five through each server, block the address. */
static void reply_limit(void)
{
    const char *body = "{\"code\":\"ZZZZ-ZZZZ-ZZZZ-ZZZZ\",\"action\":\"accept\"}";
    char reason[64];
    for (int i = 0; i < 10; i++)
        assert_int_equal(send_as(i % 2 ? &b : &a, "10.3.0.1", NULL, "POST", "/api/v1/reply",
                                 body, NULL),
                         404);
    assert_int_equal(send_as(&a, "10.3.0.1", NULL, "POST", "/api/v1/reply", body, reason), 429);
    assert_string_equal(reason, "reply_code.throttled");
    assert_int_equal(send_as(&b, "10.3.0.1", NULL, "POST", "/api/v1/reply", body, reason), 429);
    assert_int_equal(send_as(&b, "10.3.0.2", NULL, "POST", "/api/v1/reply", body, NULL), 404);
}

/* With two cases with an IIN an hour allowed (--iin-per-user-hour 2), one created through
 * each server uses the limit up: the third is refused through either. */
static void iin_limit(void)
{
    qgt_session sa, sb;
    assert_int_equal(qgt_login(&a, "pg.iin", PASSWORD, &sa), 201);
    assert_int_equal(qgt_login(&b, "pg.iin", PASSWORD, &sb), 201);
    char iin[13], body[160], reason[64];
    for (int i = 0; i < 4; i++) {
        qgt_make_iin(2013, 5, 20, 'F', 4000 + i, iin);
        snprintf(body, sizeof body,
                 "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"personal\":{\"iin\":\"%s\"}}", iin);
        int status = send_as(i % 2 ? &b : &a, "10.4.0.1", i % 2 ? &sb : &sa, "POST",
                             "/api/v1/cases", body, reason);
        assert_int_equal(status, i < 2 ? 201 : 429);
        if (i >= 2)
            assert_string_equal(reason, "iin.limit_user");
    }
}

static void test_limits_hold_across_servers(void **state)
{
    (void)state;
    const char *url = qgt_pg_url();
    qgt_pg_reset(url);
    char key[QGT_PATH];
    env_on(&a, url, "");
    snprintf(key, sizeof key, "%s/qorgau.key", a.dir);
    snprintf(a.key, sizeof a.key, "%s", key);
    env_on(&b, url, key);
    setenv("QORGAU_KEY_FILE", key, 1);
    setenv("QORGAU_TEST_CHEAP_PWHASH", "1", 0);
    const char *init[] = {"init", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, NULL, NULL, init), 0);
    int64_t org = qgt_org(&a, "PG Limits NGO", "ngo", "almaty");
    assert_true(org > 0);
    const char *people[] = {"pg.acct", "pg.other", "pg.addr", "pg.iin"};
    for (size_t i = 0; i < sizeof people / sizeof *people; i++)
        assert_true(qgt_user(&a, org, people[i], "supervisor", PASSWORD) > 0);
    const char *const extra[] = {"--trusted-proxy", "127.0.0.1", "--iin-per-user-hour", "2",
                                 NULL};
    assert_true(qgt_server_start(&a, extra));
    assert_true(qgt_server_start(&b, extra));
    account_limit();
    address_limit();
    reply_limit();
    iin_limit();
    assert_int_equal(qgt_server_stop(&a), 0);
    assert_int_equal(qgt_server_stop(&b), 0);
    static char out[QGT_OUT];
    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, out, NULL, verify), 0);
    unsetenv("QORGAU_KEY_FILE");
    unlink(key);
    qgt_env_free(&b);
    qgt_env_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_limits_hold_across_servers)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
