/*
 * bb_api.c — black-box tests of the JSON API over real HTTP against the real server:
 * logging in and out, cookies, CSRF, session tokens and expiry, login throttling,
 * request bodies and their errors, cases (create, read, list, change, personal data,
 * duplicates), assignments, the audit trail, and unknown paths and methods.
 *
 * One server serves most of the file (group setup). Tests that need other server
 * options (--secure-cookies, --session-idle, --session-max, --trusted-proxy) or that
 * would block the test client's address (per-address throttling) start their own
 * server on their own database. The main server must see fewer than 20 failed logins in the whole file, or
 * it would block 127.0.0.1 for every later test (see FAILED_LOGINS_BUDGET).
 *
 * All personal data here is made up. Error answers are checked for their exact shape
 * and for never repeating the value that was refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/text.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "api-test-password"
#define WRONG_PASSWORD "definitely-wrong-pass"
#define PATH_MAX_LEN 256
#define BODY_MAX 4096
#define TOKEN_LEN 64
#define MAX_BODY_BYTES (256 * 1024)
#define FAILED_LOGINS_BUDGET 19 /* the address limit is 20 failures */

/* ---- the fixture --------------------------------------------------------------- */

enum { ORG_A, ORG_B, ORGS };

enum {
    U_ADMIN,
    U_SUP,     /* supervisor of A */
    U_CM1,     /* case managers of A */
    U_CM2,
    U_CM3,
    U_FR,      /* first responder of A */
    U_AUDITOR, /* auditor of A */
    U_ANALYST, /* analyst of A */
    U_B_SUP,   /* supervisor of B */
    U_B_CM,    /* case manager of B */
    U_PAGE_FR, /* first responder of A who opens only the pagination cases */
    U_LOGIN,   /* logs in and out in the session tests */
    U_GONE,    /* disabled in the disabled-user test */
    U_OFF_CM,  /* case manager disabled in the assignment test */
    U_THROTTLE, /* fails its password until throttled */
    U_PASSWD,  /* gets a new password from the admin */
    USERS
};

static const struct {
    const char *login;
    const char *role;
    int org;
    bool log_in_at_setup;
} user_defs[USERS] = {
    [U_ADMIN] = {"api.admin", "admin", ORG_A, true},
    [U_SUP] = {"api.sup", "supervisor", ORG_A, true},
    [U_CM1] = {"api.cm1", "case_manager", ORG_A, true},
    [U_CM2] = {"api.cm2", "case_manager", ORG_A, true},
    [U_CM3] = {"api.cm3", "case_manager", ORG_A, true},
    [U_FR] = {"api.fr", "first_responder", ORG_A, true},
    [U_AUDITOR] = {"api.auditor", "auditor", ORG_A, true},
    [U_ANALYST] = {"api.analyst", "analyst", ORG_A, false},
    [U_B_SUP] = {"b.sup", "supervisor", ORG_B, true},
    [U_B_CM] = {"b.cm", "case_manager", ORG_B, false},
    [U_PAGE_FR] = {"page.fr", "first_responder", ORG_A, true},
    [U_LOGIN] = {"api.login", "first_responder", ORG_A, false},
    [U_GONE] = {"api.gone", "case_manager", ORG_A, false},
    [U_OFF_CM] = {"api.off.cm", "case_manager", ORG_A, false},
    [U_THROTTLE] = {"api.throttle", "analyst", ORG_A, false},
    [U_PASSWD] = {"api.passwd", "analyst", ORG_A, false},
};

typedef struct {
    qgt_env env;
    int64_t org[ORGS];
    int64_t id[USERS];
    qgt_session s[USERS];
    int failed_logins; /* on the main server, to stay under the address limit */
} fixture;

static fixture fx;

/* Made-up personal values (never real people). Every one is searched for in the audit
 * trail, the server log and the database file at the end. */
#define NAME_GIVEN "Тестбала"
#define NAME_FAMILY "Қанарейқызы"
#define NAME_PATRONYMIC "Ойдантапқызы"
#define ADDRESS "Алматы қ., Мысал көшесі 1\nпәтер 2"
#define PHONE "+7 (700) 000-00-01"
#define CONTACT_NAME "Сынақ Апай"
#define RELATIVE_NAME "Үлгі Ағай"
#define NOTES "Ойдан шығарылған мәлімет.\tТест."
#define DUP_NAME "Жасандыгүл"

static const char *const secrets[] = {NAME_GIVEN, NAME_FAMILY, NAME_PATRONYMIC, "Мысал көшесі",
                                      "000-00-01", CONTACT_NAME, RELATIVE_NAME,
                                      "Ойдан шығарылған", DUP_NAME, WRONG_PASSWORD, "a-brand-new-password", NULL};

/* IINs used in this file, made by setup; also searched for at the end. */
enum { IIN_ROUND_TRIP, IIN_DUPLICATE, IIN_DERIVED, IIN_CONSISTENCY, IIN_COUNT };
static char iins[IIN_COUNT][13];

/* ---- helpers ------------------------------------------------------------------- */

static httpc_response *call(int user, const char *method, const char *path, const char *body)
{
    return qgt_call(&fx.env, user < 0 ? NULL : &fx.s[user], method, path, body);
}

/* Sends a request with exactly these extra headers (no cookie or CSRF unless given). */
static httpc_response *call_with(unsigned port, const char *const *headers, const char *method,
                                 const char *path, const char *body)
{
    return httpc_do(port, method, path, headers, body, body ? strlen(body) : 0);
}

static int status_of(httpc_response *r)
{
    return qgt_status(r);
}

static json_t *json_of(const httpc_response *r)
{
    assert_non_null(r);
    json_t *o = json_loadb(r->body, r->body_len, 0, NULL);
    if (!o)
        print_error("not JSON (status %d): %s\n", r->status, r->body);
    assert_non_null(o);
    return o;
}

/* Asserts that r is exactly {"error": {"code", "message", "field", "reason"}} (plus
 * extra_key when given) with this status, code and field (NULL: any field), and that the
 * reason is a dotted lower-case name such as "iin.check_digit". */
static void expect_error_with(const httpc_response *r, int status, const char *code,
                              const char *field, const char *extra_key)
{
    assert_non_null(r);
    if (r->status != status)
        print_error("expected %d, got %d: %s\n", status, r->status, r->body);
    assert_int_equal(r->status, status);
    const char *type = httpc_header(r, "Content-Type");
    assert_non_null(type);
    assert_non_null(strstr(type, "application/json"));
    json_t *o = json_of(r);
    assert_int_equal(json_object_size(o), 1);
    json_t *e = json_object_get(o, "error");
    assert_true(json_is_object(e));
    bool extra = extra_key && strcmp(extra_key, "reason") != 0;
    assert_int_equal(json_object_size(e), extra ? 5 : 4);
    const char *reason = json_string_value(json_object_get(e, "reason"));
    assert_non_null(reason);
    assert_true(strspn(reason, "abcdefghijklmnopqrstuvwxyz0123456789_.") == strlen(reason));
    assert_non_null(strchr(reason, '.'));
    assert_true(json_is_string(json_object_get(e, "code")));
    assert_true(json_is_string(json_object_get(e, "message")));
    assert_true(json_is_string(json_object_get(e, "field")));
    assert_true(strlen(json_string_value(json_object_get(e, "message"))) > 0);
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    if (field)
        assert_string_equal(json_string_value(json_object_get(e, "field")), field);
    if (extra_key)
        assert_non_null(json_object_get(e, extra_key));
    json_decref(o);
}

static void expect_error(const httpc_response *r, int status, const char *code, const char *field)
{
    expect_error_with(r, status, code, field, NULL);
}

/* Asserts the answer does not repeat value. */
static void expect_absent(const httpc_response *r, const char *value)
{
    assert_non_null(r);
    if (value && strstr(r->body, value))
        print_error("answer repeats a submitted value: %s\n", r->body);
    assert_null(value ? strstr(r->body, value) : NULL);
}

/* Creates a case as user; asserts 201 and returns the new case (caller decrefs). */
static json_t *create_case(int user, const char *body)
{
    httpc_response *r = call(user, "POST", "/api/v1/cases", body);
    assert_non_null(r);
    if (r->status != 201)
        print_error("create failed: %d %s\n", r->status, r->body);
    assert_int_equal(r->status, 201);
    json_t *o = json_of(r);
    httpc_response_free(r);
    assert_non_null(json_string_value(json_object_get(o, "code")));
    return o;
}

static const char *code_of(json_t *c) { return json_string_value(json_object_get(c, "code")); }

static void case_path(const char *code, const char *suffix, char *out, size_t size)
{
    qgt_case_path(code, suffix, out, size);
}

/* Reads a case as user; asserts 200 and returns it (caller decrefs). */
static json_t *read_case(int user, const char *code)
{
    char path[PATH_MAX_LEN];
    case_path(code, NULL, path, sizeof path);
    httpc_response *r = call(user, "GET", path, NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    httpc_response_free(r);
    return o;
}

static json_t *read_personal(int user, const char *code)
{
    char path[PATH_MAX_LEN];
    case_path(code, "/personal", path, sizeof path);
    httpc_response *r = call(user, "GET", path, NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    httpc_response_free(r);
    json_t *p = json_incref(json_object_get(o, "personal"));
    json_decref(o);
    assert_true(json_is_object(p));
    return p;
}

/* How many cases GET /cases shows user. */
static size_t count_cases(int user)
{
    httpc_response *r = call(user, "GET", "/api/v1/cases?limit=200", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    size_t n = json_array_size(json_object_get(o, "cases"));
    json_decref(o);
    httpc_response_free(r);
    return n;
}

static char *dump(json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    assert_non_null(text);
    return text;
}

static int login_status(const char *login, const char *password)
{
    qgt_session s;
    return qgt_login(&fx.env, login, password, &s);
}

/* Sends one login attempt and returns the response (caller frees). */
static httpc_response *login_raw(unsigned port, const char *login, const char *password)
{
    char *body = dump(json_pack("{s:s, s:s}", "login", login, "password", password));
    httpc_response *r = httpc_do(port, "POST", "/api/v1/session", NULL, body, strlen(body));
    free(body);
    return r;
}

/* Sends one login attempt carrying "X-Forwarded-For: forwarded" (no header when
 * NULL) and returns the response (caller frees). */
static httpc_response *login_forwarded(unsigned port, const char *forwarded, const char *login,
                                       const char *password)
{
    char header[128];
    snprintf(header, sizeof header, "X-Forwarded-For: %s", forwarded ? forwarded : "");
    const char *headers[] = {forwarded ? header : NULL, NULL};
    char *body = dump(json_pack("{s:s, s:s}", "login", login, "password", password));
    httpc_response *r = httpc_do(port, "POST", "/api/v1/session", headers, body, strlen(body));
    free(body);
    return r;
}

/* A failed login on the main server, counted against the address budget. */
static httpc_response *failed_login(const char *login, const char *password)
{
    fx.failed_logins++;
    assert_true(fx.failed_logins <= FAILED_LOGINS_BUDGET);
    return login_raw(fx.env.port, login, password);
}

static bool is_hex_token(const char *s)
{
    if (!s || strlen(s) != TOKEN_LEN)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* True when the Set-Cookie value has attribute attr (case-insensitive, exact). */
static bool cookie_has_attr(const char *set_cookie, const char *attr)
{
    const char *p = strchr(set_cookie, ';');
    while (p) {
        p++;
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, ";");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == strlen(attr) && strncasecmp(p, attr, n) == 0)
            return true;
        p = strchr(p, ';');
    }
    return false;
}

static void random_hex(char out[TOKEN_LEN + 1])
{
    unsigned char raw[TOKEN_LEN / 2];
    FILE *f = fopen("/dev/urandom", "rb");
    assert_non_null(f);
    assert_int_equal(fread(raw, 1, sizeof raw, f), sizeof raw);
    fclose(f);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* A second, separate environment with one user and its own server. */
static void start_own_server(qgt_env *e, const char *login, const char *const *extra)
{
    assert_true(qgt_env_init(e));
    int64_t org = qgt_org(e, "Own Server NGO", "ngo", "shymkent");
    assert_true(org > 0);
    assert_true(qgt_user(e, org, login, "supervisor", PASSWORD) > 0);
    assert_true(qgt_server_start(e, extra));
}

static void stop_own_server(qgt_env *e)
{
    int status = qgt_server_stop(e);
    if (status != 0) {
        char *log = qgt_read_file(e->log, NULL);
        print_error("server log:\n%s\n", log ? log : "(none)");
        free(log);
    }
    assert_int_equal(status, 0);
    qgt_env_free(e);
}

/* ---- group setup --------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof fx);
    if (!qgt_env_init(&fx.env))
        return -1;
    fx.org[ORG_A] = qgt_org(&fx.env, "Api NGO A", "ngo", "almaty");
    fx.org[ORG_B] = qgt_org(&fx.env, "Api Police B", "police", "astana");
    if (fx.org[ORG_A] <= 0 || fx.org[ORG_B] <= 0)
        return -1;
    for (int u = 0; u < USERS; u++)
        if ((fx.id[u] = qgt_user(&fx.env, fx.org[user_defs[u].org], user_defs[u].login,
                                 user_defs[u].role, PASSWORD)) <= 0)
            return -1;
    if (!qgt_server_start(&fx.env, NULL))
        return -1;
    for (int u = 0; u < USERS; u++)
        if (user_defs[u].log_in_at_setup && qgt_login(&fx.env, user_defs[u].login, PASSWORD, &fx.s[u]) != 201)
            return -1;
    qgt_make_iin(2010, 8, 17, 'F', 4242, iins[IIN_ROUND_TRIP]);
    qgt_make_iin(2013, 9, 9, 'M', 777, iins[IIN_DUPLICATE]);
    qgt_make_iin(2012, 5, 20, 'F', 1234, iins[IIN_DERIVED]);
    qgt_make_iin(2012, 5, 20, 'F', 5678, iins[IIN_CONSISTENCY]);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- logging in and out ---------------------------------------------------------- */

/* Login answers 201 with an HttpOnly, SameSite=Strict, Path=/ cookie holding a 256-bit
 * token, not marked Secure unless the server is told it sits behind TLS. */
static void test_login_sets_strict_cookie(void **state)
{
    (void)state;
    httpc_response *r = login_raw(fx.env.port, "api.login", PASSWORD);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    const char *set = httpc_set_cookie(r, "qg_session");
    assert_non_null(set);
    char token[128];
    assert_true(httpc_cookie_value(r, "qg_session", token, sizeof token));
    assert_true(is_hex_token(token));
    assert_true(cookie_has_attr(set, "HttpOnly"));
    assert_true(cookie_has_attr(set, "SameSite=Strict"));
    assert_true(cookie_has_attr(set, "Path=/"));
    assert_true(cookie_has_attr(set, "Max-Age=43200")); /* the default 12 h session limit */
    assert_false(cookie_has_attr(set, "Secure"));
    assert_string_equal(httpc_header(r, "Cache-Control"), "no-store");
    json_t *o = json_of(r);
    const char *csrf = json_string_value(json_object_get(o, "csrf"));
    assert_true(is_hex_token(csrf));
    assert_string_not_equal(csrf, token);
    assert_null(strstr(r->body, token)); /* the token lives only in the cookie */
    json_t *user = json_object_get(o, "user");
    assert_string_equal(json_string_value(json_object_get(user, "login")), "api.login");
    assert_string_equal(json_string_value(json_object_get(user, "role")), "first_responder");
    assert_int_equal(json_integer_value(json_object_get(user, "org_id")), fx.org[ORG_A]);
    assert_int_equal(json_integer_value(json_object_get(user, "id")), fx.id[U_LOGIN]);
    json_decref(o);
    httpc_response_free(r);
}

/* With --secure-cookies the session cookie is marked Secure. */
static void test_secure_cookies_option(void **state)
{
    (void)state;
    qgt_env e;
    const char *const extra[] = {"--secure-cookies", NULL};
    start_own_server(&e, "tls.sup", extra);
    httpc_response *r = login_raw(e.port, "tls.sup", PASSWORD);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    const char *set = httpc_set_cookie(r, "qg_session");
    assert_non_null(set);
    assert_true(cookie_has_attr(set, "Secure"));
    assert_true(cookie_has_attr(set, "HttpOnly"));
    assert_true(cookie_has_attr(set, "SameSite=Strict"));
    httpc_response_free(r);
    stop_own_server(&e);
}

/* GET /session says who is logged in; DELETE /session ends the session for good. */
static void test_session_show_and_logout(void **state)
{
    (void)state;
    qgt_session s;
    assert_int_equal(qgt_login(&fx.env, "api.login", PASSWORD, &s), 201);
    httpc_response *r = qgt_call(&fx.env, &s, "GET", "/api/v1/session", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    json_t *user = json_object_get(o, "user");
    assert_string_equal(json_string_value(json_object_get(user, "login")), "api.login");
    assert_string_equal(json_string_value(json_object_get(user, "role")), "first_responder");
    assert_int_equal(json_integer_value(json_object_get(user, "org_id")), fx.org[ORG_A]);
    assert_int_equal(json_integer_value(json_object_get(user, "id")), fx.id[U_LOGIN]);
    assert_string_equal(json_string_value(json_object_get(o, "csrf")), s.csrf);
    assert_true(json_integer_value(json_object_get(o, "expires_at")) > (json_int_t)time(NULL));
    json_decref(o);
    httpc_response_free(r);

    r = qgt_call(&fx.env, &s, "DELETE", "/api/v1/session", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 204);
    const char *set = httpc_set_cookie(r, "qg_session");
    assert_non_null(set); /* the browser is told to drop the cookie */
    assert_true(cookie_has_attr(set, "Max-Age=0"));
    httpc_response_free(r);

    r = qgt_call(&fx.env, &s, "GET", "/api/v1/session", NULL);
    expect_error(r, 401, "unauthenticated", "session");
    httpc_response_free(r);
    r = qgt_call(&fx.env, &s, "DELETE", "/api/v1/session", NULL);
    expect_error(r, 401, "unauthenticated", "session");
    httpc_response_free(r);
}

/* A wrong password and an unknown login get the same 401 answer. */
static void test_login_failures_look_alike(void **state)
{
    (void)state;
    httpc_response *wrong = failed_login("api.login", WRONG_PASSWORD);
    httpc_response *unknown = failed_login("no.such.person", WRONG_PASSWORD);
    expect_error(wrong, 401, "unauthenticated", "login");
    expect_error(unknown, 401, "unauthenticated", "login");
    assert_string_equal(wrong->body, unknown->body);
    expect_absent(wrong, WRONG_PASSWORD);
    expect_absent(unknown, "no.such.person");
    assert_null(httpc_set_cookie(wrong, "qg_session"));
    httpc_response_free(wrong);
    httpc_response_free(unknown);
    /* A login body must hold exactly login and password, as text. */
    const char *bad[] = {"{\"login\":\"api.login\"}",
                         "{\"login\":\"api.login\",\"password\":\"" PASSWORD "\",\"remember\":true}",
                         "{\"login\":7,\"password\":\"" PASSWORD "\"}", NULL};
    for (const char *const *b = bad; *b; b++) {
        httpc_response *r = httpc_do(fx.env.port, "POST", "/api/v1/session", NULL, *b, strlen(*b));
        expect_error(r, 400, "invalid", "body");
        expect_absent(r, PASSWORD);
        httpc_response_free(r);
    }
}

/* A user disabled by an admin can no longer log in, and their session ends at once. */
static void test_disabled_user_is_locked_out(void **state)
{
    (void)state;
    qgt_session gone;
    assert_int_equal(qgt_login(&fx.env, "api.gone", PASSWORD, &gone), 201);
    assert_int_equal(status_of(qgt_call(&fx.env, &gone, "GET", "/api/v1/session", NULL)), 200);
    assert_int_equal(status_of(call(U_ADMIN, "POST", "/api/v1/users/api.gone/disable", NULL)), 204);
    httpc_response *r = qgt_call(&fx.env, &gone, "GET", "/api/v1/cases", NULL);
    expect_error(r, 401, "unauthenticated", "session");
    httpc_response_free(r);
    /* Only the right password learns that the account is disabled (bb_accounts.c). */
    httpc_response *refused = failed_login("api.gone", PASSWORD);
    expect_error_with(refused, 401, "unauthenticated", "login", "reason");
    assert_non_null(strstr(refused->body, "\"account.disabled\""));
    httpc_response *wrong = failed_login("api.gone", WRONG_PASSWORD);
    httpc_response *other = failed_login("api.cm1", WRONG_PASSWORD);
    assert_string_equal(wrong->body, other->body); /* nothing tells "disabled" apart */
    httpc_response_free(refused);
    httpc_response_free(wrong);
    httpc_response_free(other);
    /* The admin sees the account as disabled. */
    r = call(U_ADMIN, "GET", "/api/v1/users", NULL);
    json_t *o = json_of(r);
    size_t i;
    json_t *u;
    bool found = false;
    json_array_foreach(json_object_get(o, "users"), i, u) {
        if (strcmp(json_string_value(json_object_get(u, "login")), "api.gone") == 0) {
            found = true;
            assert_true(json_is_true(json_object_get(u, "disabled")));
        }
    }
    assert_true(found);
    json_decref(o);
    httpc_response_free(r);
    /* Disabling someone who does not exist is 404, not a silent success. */
    r = call(U_ADMIN, "POST", "/api/v1/users/no.such.person/disable", NULL);
    expect_error(r, 404, "not_found", "login");
    httpc_response_free(r);
}

/* Four eyes: a case-role account an admin makes cannot log in until a supervisor of
 * its organisation confirms it, so an admin never reaches case content alone. */
static void test_admin_made_case_worker_waits_for_supervisor(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"api.waiting\",\"role\":\"case_manager\","
             "\"password\":\"waiting-password-1\"}",
             (long long)fx.org[ORG_A]);
    assert_int_equal(status_of(call(U_ADMIN, "POST", "/api/v1/users", body)), 201);
    assert_int_equal(login_status("api.waiting", "waiting-password-1"), 401);
    httpc_response *r = call(U_ADMIN, "POST", "/api/v1/users/api.waiting/confirm", NULL);
    expect_error(r, 403, "forbidden", "");
    httpc_response_free(r);
    r = call(U_B_SUP, "POST", "/api/v1/users/api.waiting/confirm", NULL);
    expect_error(r, 404, "not_found", "login"); /* another organisation's: as if absent */
    httpc_response_free(r);
    assert_int_equal(status_of(call(U_SUP, "POST", "/api/v1/users/api.waiting/confirm", NULL)), 204);
    r = call(U_SUP, "POST", "/api/v1/users/api.waiting/confirm", NULL);
    expect_error(r, 409, "conflict", "login");
    httpc_response_free(r);
    assert_int_equal(login_status("api.waiting", "waiting-password-1"), 201);
    /* an analyst account waits too (issue 15: every account made through the API), for a
     * second admin, or the server */
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"api.counting\",\"role\":\"analyst\","
             "\"password\":\"counting-password\"}",
             (long long)fx.org[ORG_A]);
    assert_int_equal(status_of(call(U_ADMIN, "POST", "/api/v1/users", body)), 201);
    assert_int_equal(login_status("api.counting", "counting-password"), 401);
    const char *argv[] = {"user", "confirm", "--login", "api.counting", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, NULL, NULL, argv), 0);
    assert_int_equal(login_status("api.counting", "counting-password"), 201);
}

/* A password set by an admin ends the user's sessions; only the new one works. */
static void test_password_change_ends_sessions(void **state)
{
    (void)state;
    qgt_session before;
    assert_int_equal(qgt_login(&fx.env, "api.passwd", PASSWORD, &before), 201);
    httpc_response *r = call(U_ADMIN, "PUT", "/api/v1/users/api.passwd/password",
                             "{\"password\":\"short-pw\"}");
    expect_error(r, 400, "invalid", "password");
    expect_absent(r, "short-pw");
    httpc_response_free(r);
    assert_int_equal(status_of(qgt_call(&fx.env, &before, "GET", "/api/v1/session", NULL)), 200);
    r = call(U_ADMIN, "PUT", "/api/v1/users/api.passwd/password",
             "{\"password\":\"a-brand-new-password\"}");
    assert_int_equal(status_of(r), 204);
    r = qgt_call(&fx.env, &before, "GET", "/api/v1/session", NULL);
    expect_error(r, 401, "unauthenticated", "session");
    httpc_response_free(r);
    r = failed_login("api.passwd", PASSWORD);
    expect_error(r, 401, "unauthenticated", "login");
    httpc_response_free(r);
    /* the new one once a second person confirms it (here the server) */
    assert_int_equal(login_status("api.passwd", "a-brand-new-password"), 401);
    const char *argv[] = {"user", "confirm", "--login", "api.passwd", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, NULL, NULL, argv), 0);
    assert_int_equal(login_status("api.passwd", "a-brand-new-password"), 201);
    r = call(U_ADMIN, "PUT", "/api/v1/users/no.such.person/password", "{\"password\":\"a-brand-new-password\"}");
    expect_error(r, 404, "not_found", "login");
    expect_absent(r, "a-brand-new-password");
    httpc_response_free(r);
}

/* ---- CSRF ------------------------------------------------------------------------ */

typedef struct {
    const char *method;
    const char *path;        /* used when case_suffix is NULL */
    const char *case_suffix; /* else the path is /api/v1/cases/CODE + case_suffix */
    const char *body;
    int user;
} csrf_probe;

static httpc_response *send_without_valid_csrf(int variant, const csrf_probe *p, const char *code)
{
    char path[PATH_MAX_LEN], cookie[200], csrf[200], forged[TOKEN_LEN + 1];
    if (p->case_suffix)
        case_path(code, p->case_suffix, path, sizeof path);
    else
        snprintf(path, sizeof path, "%s", p->path);
    snprintf(cookie, sizeof cookie, "Cookie: %s", fx.s[p->user].cookie);
    const char *headers[3] = {cookie, NULL, NULL};
    switch (variant) {
    case 0: /* no token at all */
        break;
    case 1: /* a random token */
        random_hex(forged);
        snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", forged);
        headers[1] = csrf;
        break;
    case 2: /* the token of another session */
        snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", fx.s[p->user == U_CM3 ? U_SUP : U_CM3].csrf);
        headers[1] = csrf;
        break;
    case 3: /* empty */
        snprintf(csrf, sizeof csrf, "X-CSRF-Token: ");
        headers[1] = csrf;
        break;
    default: /* the right token with a character too many */
        snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s0", fx.s[p->user].csrf);
        headers[1] = csrf;
        break;
    }
    return call_with(fx.env.port, headers, p->method, path, p->body);
}

/* Every state-changing request needs the session's CSRF token; without it (or with a
 * wrong one) the answer is 403 and nothing changes. GET needs no token. */
static void test_csrf_required(void **state)
{
    (void)state;
    json_t *c = create_case(U_SUP, "{\"sex\":\"Feminine\",\"region\":\"almaty\"}");
    char body_assign[64], path[PATH_MAX_LEN];
    snprintf(body_assign, sizeof body_assign, "{\"user_id\":%lld}", (long long)fx.id[U_CM1]);
    char unassign_suffix[64];
    snprintf(unassign_suffix, sizeof unassign_suffix, "/assignments/%lld", (long long)fx.id[U_CM1]);
    case_path(code_of(c), "/assignments", path, sizeof path);
    assert_int_equal(status_of(call(U_SUP, "POST", path, body_assign)), 201);
    const csrf_probe probes[] = {
        {"POST", "/api/v1/cases", NULL, "{\"sex\":\"Feminine\",\"region\":\"almaty\"}", U_SUP},
        {"PATCH", NULL, "", "{\"stage\":\"assessment\"}", U_SUP},
        {"PUT", NULL, "/personal", "{\"personal\":{\"given_name\":\"" DUP_NAME "\"}}", U_SUP},
        {"POST", NULL, "/assignments", body_assign, U_SUP},
        {"DELETE", NULL, unassign_suffix, NULL, U_SUP},
        {"POST", "/api/v1/orgs", NULL, "{\"name\":\"Csrf Org\",\"type\":\"ngo\",\"region\":\"almaty\"}", U_ADMIN},
        {"POST", "/api/v1/users/api.cm2/disable", NULL, NULL, U_ADMIN},
        {"PUT", "/api/v1/users/api.cm2/password", NULL, "{\"password\":\"csrf-new-password\"}", U_ADMIN},
        {"DELETE", "/api/v1/session", NULL, NULL, U_CM3},
    };
    size_t cases_before = count_cases(U_SUP);
    json_int_t version = json_integer_value(json_object_get(c, "version"));
    for (int variant = 0; variant < 5; variant++)
        for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
            httpc_response *r = send_without_valid_csrf(variant, &probes[i], code_of(c));
            if (!r || r->status != 403)
                print_error("%s %s (variant %d)\n", probes[i].method,
                            probes[i].path ? probes[i].path : probes[i].case_suffix, variant);
            expect_error(r, 403, "forbidden", "X-CSRF-Token");
            httpc_response_free(r);
        }
    /* Nothing changed. */
    assert_int_equal(count_cases(U_SUP), cases_before);
    json_t *now = read_case(U_SUP, code_of(c));
    assert_int_equal(json_integer_value(json_object_get(now, "version")), version);
    assert_int_equal(json_array_size(json_object_get(now, "case_managers")), 1);
    assert_string_equal(json_string_value(json_object_get(now, "stage")), "identification");
    assert_false(json_is_true(json_object_get(now, "has_personal")));
    json_decref(now);
    assert_int_equal(status_of(call(U_CM3, "GET", "/api/v1/session", NULL)), 200);
    assert_int_equal(login_status("api.cm2", PASSWORD), 201); /* neither disabled nor changed */
    httpc_response *r = call(U_ADMIN, "GET", "/api/v1/orgs", NULL);
    assert_null(strstr(r->body, "Csrf Org"));
    httpc_response_free(r);
    /* GET works with the cookie alone. */
    char cookie[200];
    snprintf(cookie, sizeof cookie, "Cookie: %s", fx.s[U_SUP].cookie);
    const char *headers[] = {cookie, NULL};
    case_path(code_of(c), NULL, path, sizeof path);
    assert_int_equal(status_of(call_with(fx.env.port, headers, "GET", path, NULL)), 200);
    assert_int_equal(status_of(call_with(fx.env.port, headers, "GET", "/api/v1/cases", NULL)), 200);
    json_decref(c);
}

/* ---- session tokens ---------------------------------------------------------------- */

/* No cookie, a forged token, or anything malformed is 401. */
static void test_bad_session_tokens(void **state)
{
    (void)state;
    char forged[TOKEN_LEN + 1], upper[TOKEN_LEN + 1];
    random_hex(forged);
    const char *real = fx.s[U_SUP].cookie + strlen("qg_session=");
    snprintf(upper, sizeof upper, "%s", real);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    char cookies[10][200];
    int n = 0;
    snprintf(cookies[n++], 200, "Cookie: qg_session=%s", forged);
    snprintf(cookies[n++], 200, "Cookie: qg_session=%s", fx.s[U_SUP].csrf); /* CSRF is no session */
    snprintf(cookies[n++], 200, "Cookie: qg_session=%.63s", real);
    snprintf(cookies[n++], 200, "Cookie: qg_session=%s0", real);
    snprintf(cookies[n++], 200, "Cookie: qg_session=%s", upper[0] ? upper : "X");
    snprintf(cookies[n++], 200, "Cookie: qg_session=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
    snprintf(cookies[n++], 200, "Cookie: qg_session=");
    snprintf(cookies[n++], 200, "Cookie: garbage");
    snprintf(cookies[n++], 200, "Cookie: qg_sessionx=%s", real);
    assert_true(strcmp(upper, real) != 0); /* tokens are lower-case hex: upper is different */
    for (int i = 0; i <= n; i++) {
        const char *headers[] = {i < n ? cookies[i] : NULL, NULL};
        httpc_response *r = call_with(fx.env.port, headers, "GET", "/api/v1/session", NULL);
        if (!r || r->status != 401)
            print_error("cookie variant %d\n", i);
        expect_error(r, 401, "unauthenticated", "session");
        httpc_response_free(r);
    }
}

/* The expiry time a login answer announces. */
static json_int_t login_expiry(unsigned port, const char *login)
{
    httpc_response *r = login_raw(port, login, PASSWORD);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    json_t *o = json_of(r);
    json_int_t at = json_integer_value(json_object_get(o, "expires_at"));
    json_decref(o);
    httpc_response_free(r);
    return at;
}

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0)
        ;
}

/* Sessions end after --session-idle seconds unused, however often they were used
 * before, and --session-max seconds after login, however often they are used. Both
 * servers run at once, so one pair of pauses serves every case (the server counts
 * whole seconds, hence limits of 5 s and pauses of 2.5 s, for margins over 1 s):
 *   capped  max server (5 s), used at once: gone at 5.1 s
 *   unused  idle server (5 s), never used: gone at 5.1 s
 *   used    idle server (5 s), used at 2.5 s and 5.1 s: alive, never 5 s unused */
static void test_sessions_expire(void **state)
{
    (void)state;
    qgt_env idle, max;
    const char *const idle_opts[] = {"--session-idle", "5", NULL};
    const char *const max_opts[] = {"--session-max", "5", NULL};
    start_own_server(&idle, "idle.sup", idle_opts);
    start_own_server(&max, "max.sup", max_opts);
    /* What a login announces already respects the shorter limit. */
    for (int i = 0; i < 2; i++) {
        json_int_t before = (json_int_t)time(NULL);
        json_int_t at = login_expiry(i ? idle.port : max.port, i ? "idle.sup" : "max.sup");
        json_int_t after = (json_int_t)time(NULL);
        assert_true(at >= before + 5 && at <= after + 5);
    }
    /* The cookie lives as long as the session may (--session-max), not a fixed 12 h;
     * the idle limit is enforced by the server. */
    httpc_response *cookie = login_raw(max.port, "max.sup", PASSWORD);
    assert_non_null(cookie);
    assert_int_equal(cookie->status, 201);
    assert_non_null(httpc_set_cookie(cookie, "qg_session"));
    assert_true(cookie_has_attr(httpc_set_cookie(cookie, "qg_session"), "Max-Age=5"));
    httpc_response_free(cookie);
    cookie = login_raw(idle.port, "idle.sup", PASSWORD);
    assert_non_null(cookie);
    assert_true(cookie_has_attr(httpc_set_cookie(cookie, "qg_session"), "Max-Age=43200"));
    httpc_response_free(cookie);

    qgt_session capped, unused, used;
    assert_int_equal(qgt_login(&max, "max.sup", PASSWORD, &capped), 201);
    assert_int_equal(status_of(qgt_call(&max, &capped, "GET", "/api/v1/session", NULL)), 200);
    assert_int_equal(qgt_login(&idle, "idle.sup", PASSWORD, &unused), 201);
    assert_int_equal(qgt_login(&idle, "idle.sup", PASSWORD, &used), 201);
    pause_ms(2500);
    assert_int_equal(status_of(qgt_call(&idle, &used, "GET", "/api/v1/session", NULL)), 200);
    pause_ms(2600);
    httpc_response *r = qgt_call(&idle, &used, "GET", "/api/v1/session", NULL);
    assert_non_null(r);
    if (r->status != 200)
        print_error("a session used 2.6 s ago ended (idle limit 5 s)\n");
    assert_int_equal(r->status, 200);
    httpc_response_free(r);
    r = qgt_call(&idle, &unused, "GET", "/api/v1/session", NULL);
    expect_error(r, 401, "unauthenticated", "session");
    httpc_response_free(r);
    r = qgt_call(&max, &capped, "GET", "/api/v1/session", NULL);
    expect_error(r, 401, "unauthenticated", "session");
    httpc_response_free(r);
    /* A new login works again. */
    qgt_session again;
    assert_int_equal(qgt_login(&max, "max.sup", PASSWORD, &again), 201);
    assert_int_equal(status_of(qgt_call(&max, &again, "GET", "/api/v1/session", NULL)), 200);
    stop_own_server(&idle);
    stop_own_server(&max);
}

/* ---- throttling ------------------------------------------------------------------- */

static void expect_throttled(const httpc_response *r)
{
    expect_error(r, 429, "throttled", "login");
    const char *retry = httpc_header(r, "Retry-After");
    assert_non_null(retry);
    char *end = NULL;
    long seconds = strtol(retry, &end, 10);
    assert_true(end && *end == '\0');
    assert_true(seconds > 0 && seconds <= 15 * 60);
    assert_null(httpc_set_cookie(r, "qg_session"));
}

/* Five wrong passwords block the account: the next attempt is 429 even with the right
 * password. Other accounts from the same address still log in. */
static void test_login_throttled_per_account(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++) {
        httpc_response *r = failed_login("api.throttle", WRONG_PASSWORD);
        expect_error(r, 401, "unauthenticated", "login");
        httpc_response_free(r);
    }
    httpc_response *r = login_raw(fx.env.port, "api.throttle", PASSWORD);
    expect_throttled(r);
    httpc_response_free(r);
    assert_int_equal(login_status("api.login", PASSWORD), 201);
}

/* Twenty failures from one address, whatever the logins, block the address. Without
 * --trusted-proxy, X-Forwarded-For is ignored: claiming ever new addresses in it does
 * not help. */
static void test_login_throttled_per_address(void **state)
{
    (void)state;
    qgt_env e;
    start_own_server(&e, "addr.sup", NULL);
    for (int i = 0; i < 20; i++) {
        char login[32], forwarded[32];
        snprintf(login, sizeof login, "stranger.%d", i);
        snprintf(forwarded, sizeof forwarded, "10.0.0.%d", i + 1);
        httpc_response *r = login_forwarded(e.port, i % 2 ? forwarded : NULL, login, WRONG_PASSWORD);
        expect_error(r, 401, "unauthenticated", "login");
        httpc_response_free(r);
    }
    httpc_response *r = login_raw(e.port, "addr.sup", PASSWORD);
    expect_throttled(r);
    httpc_response_free(r);
    r = login_forwarded(e.port, "10.0.0.99", "addr.sup", PASSWORD);
    expect_throttled(r);
    httpc_response_free(r);
    stop_own_server(&e);
}

/* Behind a reverse proxy (--trusted-proxy 127.0.0.1, the address the test connects
 * from) each client is counted by the last X-Forwarded-For entry, the one the proxy
 * appends: twenty failures of 10.0.0.1 block 10.0.0.1 only, not the next client of
 * the same proxy, and not the proxy itself. The addresses are only header text. */
static void test_login_throttled_behind_trusted_proxy(void **state)
{
    (void)state;
    qgt_env e;
    const char *const extra[] = {"--trusted-proxy", "127.0.0.1", NULL};
    start_own_server(&e, "proxy.sup", extra);
    for (int i = 0; i < 20; i++) {
        char login[32];
        snprintf(login, sizeof login, "stranger.%d", i);
        httpc_response *r = login_forwarded(e.port, "10.0.0.1", login, WRONG_PASSWORD);
        expect_error(r, 401, "unauthenticated", "login");
        httpc_response_free(r);
    }
    httpc_response *r = login_forwarded(e.port, "10.0.0.1", "proxy.sup", PASSWORD);
    expect_throttled(r);
    httpc_response_free(r);
    /* what the client wrote before the proxy's entry does not count */
    r = login_forwarded(e.port, "10.0.0.2, 10.0.0.1", "proxy.sup", PASSWORD);
    expect_throttled(r);
    httpc_response_free(r);
    r = login_forwarded(e.port, "10.0.0.2", "proxy.sup", PASSWORD);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    httpc_response_free(r);
    r = login_forwarded(e.port, "10.0.0.1, 10.0.0.2", "proxy.sup", PASSWORD);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    httpc_response_free(r);
    /* a header that is not a numeric address counts as the proxy itself */
    r = login_forwarded(e.port, "not-an-address", "proxy.sup", PASSWORD);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    httpc_response_free(r);
    stop_own_server(&e);
    /* the option takes one numeric address */
    qgt_env bad;
    assert_true(qgt_env_init(&bad));
    const char *const bad_extra[] = {"--trusted-proxy", "proxy.example", NULL};
    assert_false(qgt_server_start(&bad, bad_extra));
    assert_true(qgt_file_contains(bad.log, "trusted-proxy"));
    qgt_env_free(&bad);
}

/* ---- request bodies ---------------------------------------------------------------- */

/* Bodies over 256 KiB are refused with 413, whether announced or streamed. */
static void test_body_too_large(void **state)
{
    (void)state;
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                     "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %d\r\n\r\n",
                     fx.s[U_SUP].cookie, fx.s[U_SUP].csrf, MAX_BODY_BYTES + 1);
    httpc_response *r = httpc_raw(fx.env.port, head, (size_t)n);
    expect_error(r, 413, "too_large", "body");
    httpc_response_free(r);

    /* Chunked, no length announced: 19 chunks of 16 KiB = 304 KiB. */
    size_t chunk = 16 * 1024, total = 0;
    size_t cap = 512 + 20 * (chunk + 16);
    char *req = malloc(cap);
    assert_non_null(req);
    total = (size_t)snprintf(req, cap,
                             "POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                             "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n",
                             fx.s[U_SUP].cookie, fx.s[U_SUP].csrf);
    for (int i = 0; i < 19; i++) {
        total += (size_t)snprintf(req + total, cap - total, "%zx\r\n", chunk);
        memset(req + total, ' ', chunk);
        total += chunk;
        memcpy(req + total, "\r\n", 2);
        total += 2;
    }
    memcpy(req + total, "0\r\n\r\n", 5);
    total += 5;
    r = httpc_raw(fx.env.port, req, total);
    free(req);
    expect_error(r, 413, "too_large", "body");
    httpc_response_free(r);
}

/* Malformed JSON, duplicate keys, non-objects and other content types are 400. */
static void test_malformed_bodies(void **state)
{
    (void)state;
    size_t before = count_cases(U_SUP);
    const char *bad_json[] = {
        "{\"sex\":",
        "{\"sex\":\"Masculine\",\"sex\":\"Feminine\"}",
        "[{\"sex\":\"Feminine\"}]",
        "\"Feminine\"",
        "",
        "{\"sex\":\"Feminine\"} trailing",
        NULL,
    };
    for (const char *const *b = bad_json; *b; b++) {
        httpc_response *r = call(U_SUP, "POST", "/api/v1/cases", *b);
        expect_error(r, 400, "invalid", "body");
        expect_absent(r, "Feminine");
        expect_absent(r, "Masculine");
        httpc_response_free(r);
    }
    /* The duplicate-key answer says so (so a client can tell what went wrong). */
    httpc_response *r = call(U_SUP, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\",\"sex\":\"Feminine\"}");
    assert_non_null(strstr(r->body, "duplicate"));
    httpc_response_free(r);

    char cookie[200], csrf[200];
    snprintf(cookie, sizeof cookie, "Cookie: %s", fx.s[U_SUP].cookie);
    snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", fx.s[U_SUP].csrf);
    const char *types[] = {"Content-Type: text/plain", "Content-Type: application/x-www-form-urlencoded",
                           "Content-Type: application/jsonx", "Content-Type: multipart/form-data; boundary=x",
                           NULL};
    for (const char *const *t = types; *t; t++) {
        const char *headers[] = {cookie, csrf, *t, NULL};
        r = call_with(fx.env.port, headers, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\"}");
        expect_error(r, 400, "invalid", "Content-Type");
        httpc_response_free(r);
    }
    /* No Content-Type at all. */
    char raw[600];
    int n = snprintf(raw, sizeof raw,
                     "POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                     "X-CSRF-Token: %s\r\nContent-Length: 2\r\n\r\n{}",
                     fx.s[U_SUP].cookie, fx.s[U_SUP].csrf);
    r = httpc_raw(fx.env.port, raw, (size_t)n);
    expect_error(r, 400, "invalid", "Content-Type");
    httpc_response_free(r);
    /* application/json with parameters is fine. */
    const char *headers[] = {cookie, csrf, "Content-Type: application/json; charset=utf-8", NULL};
    r = call_with(fx.env.port, headers, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\",\"region\":\"almaty\"}");
    assert_int_equal(status_of(r), 201);
    assert_int_equal(count_cases(U_SUP), before + 1);
}

/* A header value with a control character is refused before anything else. */
static void test_header_with_control_character(void **state)
{
    (void)state;
    const char *requests[] = {
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\x01" "b\r\n\r\n",
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\x7f" "b\r\n\r\n",
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\x1b[31mb\r\n\r\n",
        NULL,
    };
    for (const char *const *q = requests; *q; q++) {
        httpc_response *r = httpc_raw(fx.env.port, *q, strlen(*q));
        expect_error(r, 400, "invalid", "header");
        httpc_response_free(r);
    }
    /* The same request without the control character is fine. */
    const char *ok = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\tb\r\n\r\n";
    assert_int_equal(status_of(httpc_raw(fx.env.port, ok, strlen(ok))), 200);
}

typedef struct {
    const char *body;
    const char *field;
    const char *secret; /* the refused value: must not come back */
} field_error;

/* Each refused field is named, and its value never repeated. */
static void test_case_field_errors(void **state)
{
    (void)state;
    char bad_iin[13], body_iin[256];
    snprintf(bad_iin, sizeof bad_iin, "%s", iins[IIN_DERIVED]);
    bad_iin[11] = (char)('0' + (bad_iin[11] - '0' + 1) % 10);
    snprintf(body_iin, sizeof body_iin, "{\"sex\":\"Feminine\",\"personal\":{\"iin\":\"%s\"}}", bad_iin);
    const field_error errors[] = {
        {"{\"sex\":\"Feminine\",\"colour\":\"bluegreenzz\"}", "body", "bluegreenzz"},
        {"{\"Testgulzz Testova\":1}", "body", "Testgulzz"}, /* keys are never echoed */
        {"{\"sex\":\"Hermaphroditezz\"}", "sex", "Hermaphroditezz"},
        {"{\"sex\":\"feminine\"}", "sex", "\"feminine\""},
        {"{\"region\":\"atlantiszz\"}", "region", "atlantiszz"},
        {"{\"citizenship\":\"ZQX\"}", "citizenship", "ZQX"},
        {"{\"citizenship\":\"kz\"}", "citizenship", "\"kz\""},
        {"{\"identified_on\":\"2999-12-31\"}", "identified_on", "2999-12-31"},
        {"{\"identified_on\":\"2024-02-30\"}", "identified_on", "2024-02-30"},
        {"{\"identified_on\":\"1999-12-31\"}", "identified_on", "1999-12-31"},
        {"{\"stage\":\"teleportationzz\"}", "stage", "teleportationzz"},
        {"{\"age_at_identification\":987}", "age_at_identification", "987"},
        {"{\"birth_year\":1899}", "birth_year", "1899"},
        {"{\"status\":\"closed\"}", "status", NULL},
        {"{\"org_id\":4242}", "org_id", "4242"},
        {body_iin, "personal.iin", bad_iin},
        {"{\"personal\":{\"iin\":\"12345\"}}", "personal.iin", "12345"},
        {"{\"personal\":{\"nickname\":\"Secretzz\"}}", "personal", "Secretzz"},
        {"{\"personal\":{\"Nicknamezz\":1}}", "personal", "Nicknamezz"},
        {"{\"personal\":{\"phone\":\"call-me-zz\"}}", "personal.phone", "call-me-zz"},
        {"{\"personal\":{\"given_name\":\"Ab\\u0001zz\"}}", "personal.given_name", "zz"},
        {"{\"personal\":{\"given_name\":\"\"}}", "personal.given_name", NULL},
        {"{\"personal\":{\"birth_date\":\"2999-01-01\"}}", "personal.birth_date", "2999-01-01"},
        {"{\"personal\":{\"contacts\":[{\"phone\":\"12\"}]}}", "personal.contacts[0].phone", NULL},
        {"{\"personal\":{\"languages\":[\"Kazakhzz\"]}}", "personal.languages", "Kazakhzz"},
        {"{\"personal\":\"flatzz\"}", "personal", "flatzz"},
    };
    size_t before = count_cases(U_SUP);
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        httpc_response *r = call(U_SUP, "POST", "/api/v1/cases", errors[i].body);
        if (!r || r->status != 400 || !strstr(r->body, errors[i].field))
            print_error("body %s\n", errors[i].body);
        expect_error(r, 400, "invalid", errors[i].field);
        expect_absent(r, errors[i].secret);
        httpc_response_free(r);
    }
    assert_int_equal(count_cases(U_SUP), before);
}

/* ---- cases --------------------------------------------------------------------------- */

static bool has_personal_fields(const char *text)
{
    const char *keys[] = {"\"given_name\"", "\"family_name\"", "\"iin\"", "\"birth_date\"",
                          "\"personal\"", NULL};
    for (const char *const *k = keys; *k; k++)
        if (strstr(text, *k))
            return true;
    return false;
}

/* Creating a case without and with personal data, and reading it back. */
static void test_case_create_and_read(void **state)
{
    (void)state;
    json_t *plain = create_case(U_SUP, "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"citizenship\":\"KZ\","
                                       "\"identified_on\":\"2024-06-01\",\"stage\":\"assessment\"}");
    const char *code = code_of(plain);
    assert_int_equal(strlen(code), 19);
    assert_memory_equal(code, "QG-", 3);
    assert_int_equal(json_integer_value(json_object_get(plain, "org_id")), fx.org[ORG_A]);
    assert_false(json_is_true(json_object_get(plain, "has_personal")));
    assert_string_equal(json_string_value(json_object_get(plain, "status")), "open");
    assert_string_equal(json_string_value(json_object_get(plain, "stage")), "assessment");
    assert_string_equal(json_string_value(json_object_get(plain, "sex")), "Feminine");
    assert_string_equal(json_string_value(json_object_get(plain, "citizenship")), "KZ");
    assert_string_equal(json_string_value(json_object_get(plain, "identified_on")), "2024-06-01");
    assert_true(json_is_null(json_object_get(plain, "birth_year")));
    assert_int_equal(json_array_size(json_object_get(plain, "case_managers")), 0);
    json_t *read = read_case(U_SUP, code);
    assert_true(json_equal(read, plain));
    json_decref(read);
    /* Codes are read as people type them: lower case works too. */
    char lower[32], path[PATH_MAX_LEN];
    snprintf(lower, sizeof lower, "%s", code);
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    case_path(lower, NULL, path, sizeof path);
    assert_int_equal(status_of(call(U_SUP, "GET", path, NULL)), 200);
    /* A malformed code is 400, a well-formed unknown one 404. */
    httpc_response *r = call(U_SUP, "GET", "/api/v1/cases/QG-1234", NULL);
    expect_error(r, 400, "invalid", "code");
    httpc_response_free(r);
    /* A case without personal data has an empty personal part. */
    json_t *p = read_personal(U_SUP, code);
    assert_int_equal(json_object_size(p), 0);
    json_decref(p);
    json_decref(plain);

    /* An empty case is refused, naming the field and saying what is missing (issue 13):
     * the form sends no key for a field left blank, or an empty one. Nothing is made. */
    static const char *const empty[] = {"{}", "{\"region\":\"almaty\",\"stage\":\"assessment\"}",
                                        "{\"sex\":null,\"personal\":{}}",
                                        "{\"personal\":{\"phone\":\"+77010000000\"}}"};
    size_t had = count_cases(U_SUP);
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        r = call(U_FR, "POST", "/api/v1/cases", empty[i]);
        expect_error(r, 400, "invalid", "sex");
        assert_non_null(strstr(r->body, "needs at least the child's sex, age, birth year or name"));
        httpc_response_free(r);
    }
    assert_int_equal(count_cases(U_SUP), had);
    /* Any one of them is enough: an age, a birth year, a name. */
    static const char *const least[] = {"{\"age_at_identification\":9}", "{\"birth_year\":2012}",
                                        "{\"personal\":{\"given_name\":\"Zzmadeup\"}}"};
    for (size_t i = 0; i < sizeof least / sizeof least[0]; i++)
        json_decref(create_case(U_FR, least[i]));

    /* Defaults: identified today, stage identification. */
    json_t *bare = create_case(U_FR, "{\"sex\":\"NonSpecifiedUnknown\"}");
    char today[11];
    text_today(today); /* Kazakhstan's date, as the server reads it */
    assert_string_equal(json_string_value(json_object_get(bare, "identified_on")), today);
    assert_string_equal(json_string_value(json_object_get(bare, "stage")), "identification");
    json_decref(bare);

    /* With personal data: birth year and age at identification come from the IIN. */
    char *body = dump(json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "sex", "Feminine", "region",
                                "turkistan", "identified_on", "2024-03-10", "personal",
                                "given_name", NAME_GIVEN, "family_name", NAME_FAMILY, "iin",
                                iins[IIN_DERIVED]));
    r = call(U_FR, "POST", "/api/v1/cases", body);
    free(body);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    assert_false(has_personal_fields(r->body));
    expect_absent(r, NAME_GIVEN);
    expect_absent(r, iins[IIN_DERIVED]);
    json_t *withp = json_of(r);
    httpc_response_free(r);
    assert_true(json_is_true(json_object_get(withp, "has_personal")));
    assert_int_equal(json_integer_value(json_object_get(withp, "birth_year")), 2012);
    assert_int_equal(json_integer_value(json_object_get(withp, "age_at_identification")), 11);
    p = read_personal(U_FR, code_of(withp));
    assert_string_equal(json_string_value(json_object_get(p, "iin")), iins[IIN_DERIVED]);
    assert_string_equal(json_string_value(json_object_get(p, "given_name")), NAME_GIVEN);
    json_decref(p);
    json_decref(withp);
}

/* Lists page newest first with limit and before; next_before says where to go on. */
static void test_case_list_pagination(void **state)
{
    (void)state;
    enum { N = 5 };
    char codes[N][32];
    for (int i = 0; i < N; i++) {
        json_t *c = create_case(U_PAGE_FR, "{\"sex\":\"Masculine\",\"region\":\"pavlodar\"}");
        snprintf(codes[i], sizeof codes[i], "%s", code_of(c));
        json_decref(c);
    }
    /* limit=2: pages of 2, 2, 1; newest first. */
    int seen = 0;
    char before[32] = ""; /* the cursor is a case code, never an internal id */
    for (int page = 0; page < 3; page++) {
        char path[PATH_MAX_LEN];
        if (before[0])
            snprintf(path, sizeof path, "/api/v1/cases?limit=2&before=%s", before);
        else
            snprintf(path, sizeof path, "/api/v1/cases?limit=2");
        httpc_response *r = call(U_PAGE_FR, "GET", path, NULL);
        assert_int_equal(r->status, 200);
        json_t *o = json_of(r);
        httpc_response_free(r);
        json_t *cases = json_object_get(o, "cases");
        assert_int_equal(json_array_size(cases), page < 2 ? 2 : 1);
        for (size_t j = 0; j < json_array_size(cases); j++, seen++)
            assert_string_equal(code_of(json_array_get(cases, j)), codes[N - 1 - seen]);
        json_t *next = json_object_get(o, "next_before");
        if (page < 2) {
            assert_true(json_is_string(next));
            assert_string_equal(json_string_value(next), codes[N - seen]);
            snprintf(before, sizeof before, "%s", json_string_value(next));
        } else {
            assert_true(json_is_null(next));
        }
        json_decref(o);
    }
    assert_int_equal(seen, N);
    /* A full page leads to an empty one. */
    httpc_response *r = call(U_PAGE_FR, "GET", "/api/v1/cases?limit=5", NULL);
    json_t *o = json_of(r);
    httpc_response_free(r);
    assert_int_equal(json_array_size(json_object_get(o, "cases")), N);
    json_t *next = json_object_get(o, "next_before");
    assert_true(json_is_string(next));
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "/api/v1/cases?limit=5&before=%s", json_string_value(next));
    json_decref(o);
    r = call(U_PAGE_FR, "GET", path, NULL);
    o = json_of(r);
    httpc_response_free(r);
    assert_int_equal(json_array_size(json_object_get(o, "cases")), 0);
    assert_true(json_is_null(json_object_get(o, "next_before")));
    json_decref(o);
    /* Filters. */
    r = call(U_PAGE_FR, "GET", "/api/v1/cases?stage=identification&status=open", NULL);
    o = json_of(r);
    httpc_response_free(r);
    assert_int_equal(json_array_size(json_object_get(o, "cases")), N);
    json_decref(o);
    r = call(U_PAGE_FR, "GET", "/api/v1/cases?status=closed", NULL);
    o = json_of(r);
    httpc_response_free(r);
    assert_int_equal(json_array_size(json_object_get(o, "cases")), 0);
    json_decref(o);
    /* Bad query parameters name themselves. */
    const struct {
        const char *query;
        const char *field;
    } bad[] = {{"limit=0", "limit"},   {"limit=201", "limit"},   {"limit=abc", "limit"},
               {"limit=", "limit"},    {"before=-1", "before"},  {"before=QG-0000", "before"},
               {"stage=nowherezz", "stage"}, {"status=pendingzz", "status"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(path, sizeof path, "/api/v1/cases?%s", bad[i].query);
        r = call(U_PAGE_FR, "GET", path, NULL);
        expect_error(r, 400, "invalid", bad[i].field);
        expect_absent(r, "zz");
        httpc_response_free(r);
    }
}

static httpc_response *patch_case(int user, const char *code, const char *body)
{
    char path[PATH_MAX_LEN];
    case_path(code, NULL, path, sizeof path);
    return call(user, "PATCH", path, body);
}

/* PATCH changes fields; a stale version is 409; status is not PATCHed. */
static void test_case_patch_and_version(void **state)
{
    (void)state;
    json_t *c = create_case(U_SUP, "{\"sex\":\"Masculine\",\"region\":\"kostanay\",\"citizenship\":\"UZ\"}");
    const char *code = code_of(c);
    json_int_t v = json_integer_value(json_object_get(c, "version"));
    char body[128];
    snprintf(body, sizeof body, "{\"version\":%lld,\"region\":\"almaty\"}", (long long)v);
    httpc_response *r = patch_case(U_SUP, code, body);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    httpc_response_free(r);
    assert_string_equal(json_string_value(json_object_get(o, "region")), "almaty");
    assert_int_equal(json_integer_value(json_object_get(o, "version")), v + 1);
    json_decref(o);
    /* The same version again is stale. */
    snprintf(body, sizeof body, "{\"version\":%lld,\"region\":\"almaty_region\"}", (long long)v);
    r = patch_case(U_SUP, code, body);
    expect_error(r, 409, "conflict", "version");
    httpc_response_free(r);
    o = read_case(U_SUP, code);
    assert_string_equal(json_string_value(json_object_get(o, "region")), "almaty");
    assert_int_equal(json_integer_value(json_object_get(o, "version")), v + 1);
    json_decref(o);
    /* Status, bad versions, clearing required fields, unknown fields. */
    const struct {
        const char *body;
        const char *field;
    } bad[] = {{"{\"status\":\"closed\"}", "status"},
               {"{\"version\":\"2\"}", "version"},
               {"{\"identified_on\":null}", "identified_on"},
               {"{\"stage\":null}", "stage"},
               {"{\"stage\":\"assessment\"}", "stage"}, /* only through the stage history */
               {"{\"code\":\"QG-0000-0000-0000-0\"}", "body"},
               {"{\"org_id\":1}", "body"},
               {"{\"created_by\":1}", "body"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = patch_case(U_SUP, code, bad[i].body);
        expect_error(r, 400, "invalid", bad[i].field);
        httpc_response_free(r);
    }
    /* Null clears an optional field; no version means "whatever it is now". */
    r = patch_case(U_SUP, code, "{\"citizenship\":null,\"region\":\"almaty\"}");
    assert_int_equal(r->status, 200);
    o = json_of(r);
    httpc_response_free(r);
    assert_true(json_is_null(json_object_get(o, "citizenship")));
    assert_string_equal(json_string_value(json_object_get(o, "region")), "almaty");
    assert_int_equal(json_integer_value(json_object_get(o, "version")), v + 2);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
    json_decref(o);
    json_decref(c);
}

static int put_personal(int user, const char *code, json_t *personal)
{
    char path[PATH_MAX_LEN];
    case_path(code, "/personal", path, sizeof path);
    char *body = dump(json_pack("{s:O}", "personal", personal));
    int status = status_of(call(user, "PUT", path, body));
    free(body);
    return status;
}

/* Personal data comes back exactly as stored, Kazakh and Russian letters included. */
static void test_personal_round_trip(void **state)
{
    (void)state;
    json_t *c = create_case(U_SUP, "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"identified_on\":\"2024-02-01\"}");
    const char *code = code_of(c);
    json_t *personal = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}], s:[{s:s, s:s, s:s}], s:[s, s], s:s}",
        "given_name", NAME_GIVEN, "family_name", NAME_FAMILY, "patronymic", NAME_PATRONYMIC,
        "birth_date", "2010-08-17", "iin", iins[IIN_ROUND_TRIP], "address", ADDRESS, "phone", PHONE,
        "contacts", "name", CONTACT_NAME, "relation", "апасы", "phone", "+7 700 000 0002",
        "relatives", "name", RELATIVE_NAME, "relation", "ағасы", "notes", "Тест жазба",
        "languages", "kk", "ru", "notes", NOTES);
    assert_int_equal(put_personal(U_SUP, code, personal), 204);
    json_t *back = read_personal(U_SUP, code);
    assert_true(json_equal(back, personal));
    json_decref(back);
    /* The raw answer carries the letters as UTF-8, not mangled. */
    char path[PATH_MAX_LEN];
    case_path(code, "/personal", path, sizeof path);
    httpc_response *r = call(U_SUP, "GET", path, NULL);
    assert_non_null(strstr(r->body, NAME_FAMILY));
    assert_non_null(strstr(r->body, "\"Қанарейқызы\""));
    httpc_response_free(r);
    /* The case shows the derived fields and no personal data. */
    json_t *now = read_case(U_SUP, code);
    assert_true(json_is_true(json_object_get(now, "has_personal")));
    assert_int_equal(json_integer_value(json_object_get(now, "birth_year")), 2010);
    assert_int_equal(json_integer_value(json_object_get(now, "age_at_identification")), 13);
    char *text = dump(now);
    assert_false(has_personal_fields(text));
    assert_null(strstr(text, NAME_GIVEN));
    free(text);
    /* PUT replaces the whole part. */
    json_t *smaller = json_pack("{s:s}", "given_name", NAME_GIVEN);
    assert_int_equal(put_personal(U_SUP, code, smaller), 204);
    back = read_personal(U_SUP, code);
    assert_true(json_equal(back, smaller));
    json_decref(back);
    json_decref(smaller);
    /* The body holds "personal" and nothing else. */
    r = call(U_SUP, "PUT", path, "{\"personal\":{},\"extra\":1}");
    expect_error(r, 400, "invalid", "body");
    httpc_response_free(r);
    r = call(U_SUP, "PUT", path, "{\"given_name\":\"" NAME_GIVEN "\"}");
    expect_error(r, 400, "invalid", "body");
    expect_absent(r, NAME_GIVEN);
    httpc_response_free(r);
    json_decref(personal);
    json_decref(c);
}

/* The IIN must agree with the birth date, sex, birth year and age of the case. */
static void test_personal_consistency_errors(void **state)
{
    (void)state;
    const char *iin = iins[IIN_CONSISTENCY]; /* a girl born 2012-05-20 */
    const struct {
        const char *sex;
        const char *birth_date;
        int birth_year, age;
        const char *identified_on;
        const char *field;
    } bad[] = {
        {"Masculine", NULL, 0, -1, "2024-03-10", "sex"},
        {"Feminine", "2012-05-21", 0, -1, "2024-03-10", "personal.iin"},
        {"Feminine", NULL, 2011, -1, "2024-03-10", "birth_year"},
        {"Feminine", NULL, 0, 12, "2024-03-10", "age_at_identification"},
        {"Feminine", NULL, 0, -1, "2012-05-19", "identified_on"},
    };
    size_t before = count_cases(U_SUP);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *personal = json_pack("{s:s}", "iin", iin);
        if (bad[i].birth_date)
            json_object_set_new(personal, "birth_date", json_string(bad[i].birth_date));
        json_t *body = json_pack("{s:s, s:s, s:o}", "sex", bad[i].sex, "identified_on",
                                 bad[i].identified_on, "personal", personal);
        if (bad[i].birth_year)
            json_object_set_new(body, "birth_year", json_integer(bad[i].birth_year));
        if (bad[i].age >= 0)
            json_object_set_new(body, "age_at_identification", json_integer(bad[i].age));
        char *text = dump(body);
        httpc_response *r = call(U_SUP, "POST", "/api/v1/cases", text);
        free(text);
        expect_error(r, 400, "invalid", bad[i].field);
        expect_absent(r, iin);
        httpc_response_free(r);
    }
    assert_int_equal(count_cases(U_SUP), before);
    /* The same rules hold when personal data is added later, and when fields change. */
    json_t *boy = create_case(U_SUP, "{\"sex\":\"Masculine\",\"identified_on\":\"2024-03-10\"}");
    json_t *girl_iin = json_pack("{s:s}", "iin", iin);
    char path[PATH_MAX_LEN];
    case_path(code_of(boy), "/personal", path, sizeof path);
    char *text = dump(json_pack("{s:O}", "personal", girl_iin));
    httpc_response *r = call(U_SUP, "PUT", path, text);
    free(text);
    expect_error(r, 400, "invalid", "sex");
    expect_absent(r, iin);
    httpc_response_free(r);
    json_t *still = read_personal(U_SUP, code_of(boy));
    assert_int_equal(json_object_size(still), 0);
    json_decref(still);
    json_t *girl = create_case(U_SUP, "{\"sex\":\"Feminine\",\"identified_on\":\"2024-03-10\"}");
    assert_int_equal(put_personal(U_SUP, code_of(girl), girl_iin), 204);
    r = patch_case(U_SUP, code_of(girl), "{\"sex\":\"Masculine\"}");
    expect_error(r, 400, "invalid", "sex");
    httpc_response_free(r);
    r = patch_case(U_SUP, code_of(girl), "{\"birth_year\":2001}");
    expect_error(r, 400, "invalid", "birth_year");
    httpc_response_free(r);
    json_decref(girl_iin);
    json_decref(boy);
    json_decref(girl);
}

/* One child, one case: a second case with a registered IIN is refused with 409, and
 * the answer points at the first case only for someone who may see it. */
static void test_duplicate_iin(void **state)
{
    (void)state;
    const char *iin = iins[IIN_DUPLICATE];
    char *body = dump(json_pack("{s:s, s:s, s:{s:s, s:s}}", "sex", "Masculine", "region", "almaty",
                                "personal", "given_name", DUP_NAME, "iin", iin));
    json_t *first = create_case(U_SUP, body);
    size_t a_before = count_cases(U_SUP), b_before = count_cases(U_B_SUP),
           fr_before = count_cases(U_FR);

    /* The same supervisor: told which case it is. */
    httpc_response *r = call(U_SUP, "POST", "/api/v1/cases", body);
    expect_error_with(r, 409, "conflict", "personal.iin", "existing");
    expect_absent(r, iin);
    expect_absent(r, DUP_NAME);
    json_t *o = json_of(r);
    json_t *existing = json_object_get(json_object_get(o, "error"), "existing");
    assert_int_equal(json_object_size(existing), 1);
    assert_string_equal(json_string_value(json_object_get(existing, "code")), code_of(first));
    json_decref(o);
    httpc_response_free(r);

    /* Another organisation, and a first responder who did not open it: never the code;
     * the names sent (a given name only) are not the registered child's, so not the
     * organisation either ("ask your supervisor"), only the handle of the answer for a
     * contact request (issue 14; bb_search.c tests the named form). */
    const int blind[] = {U_B_SUP, U_FR};
    for (size_t i = 0; i < 2; i++) {
        r = call(blind[i], "POST", "/api/v1/cases", body);
        assert_int_equal(r->status, 409);
        expect_absent(r, code_of(first));
        expect_absent(r, iin);
        o = json_of(r);
        existing = json_object_get(json_object_get(o, "error"), "existing");
        assert_int_equal(json_object_size(existing), 0);
        const char *attempt =
            json_string_value(json_object_get(json_object_get(o, "error"), "attempt"));
        assert_non_null(attempt);
        assert_int_equal(strlen(attempt), 32);
        json_decref(o);
        httpc_response_free(r);
    }
    free(body);
    assert_int_equal(count_cases(U_SUP), a_before);
    assert_int_equal(count_cases(U_B_SUP), b_before);
    assert_int_equal(count_cases(U_FR), fr_before);

    /* Putting the IIN into another case is refused too, and changes nothing there. */
    json_t *second = create_case(U_SUP, "{\"sex\":\"Masculine\"}");
    char path[PATH_MAX_LEN];
    case_path(code_of(second), "/personal", path, sizeof path);
    char *put = dump(json_pack("{s:{s:s}}", "personal", "iin", iin));
    r = call(U_SUP, "PUT", path, put);
    free(put);
    expect_error_with(r, 409, "conflict", "personal.iin", "existing");
    expect_absent(r, iin);
    httpc_response_free(r);
    json_t *p = read_personal(U_SUP, code_of(second));
    assert_int_equal(json_object_size(p), 0);
    json_decref(p);
    /* Re-saving the first case with its own IIN is no duplicate. */
    json_t *own = read_personal(U_SUP, code_of(first));
    assert_int_equal(put_personal(U_SUP, code_of(first), own), 204);
    json_decref(own);
    json_decref(second);
    json_decref(first);
}

/* ---- assignments --------------------------------------------------------------------- */

static httpc_response *assign(int by, const char *code, const char *body)
{
    char path[PATH_MAX_LEN];
    case_path(code, "/assignments", path, sizeof path);
    return call(by, "POST", path, body);
}

static httpc_response *assign_user(int by, const char *code, int64_t user_id)
{
    char body[64];
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)user_id);
    return assign(by, code, body);
}

static httpc_response *unassign_user(int by, const char *code, const char *user)
{
    char path[PATH_MAX_LEN], suffix[96];
    snprintf(suffix, sizeof suffix, "/assignments/%s", user);
    case_path(code, suffix, path, sizeof path);
    return call(by, "DELETE", path, NULL);
}

static size_t manager_count(const char *code)
{
    json_t *c = read_case(U_SUP, code);
    size_t n = json_array_size(json_object_get(c, "case_managers"));
    json_decref(c);
    return n;
}

/* At most two case managers, each an enabled case manager of the case's organisation. */
static void test_assignments(void **state)
{
    (void)state;
    json_t *c = create_case(U_SUP, "{\"sex\":\"Feminine\"}");
    const char *code = code_of(c);
    httpc_response *r = assign_user(U_SUP, code, fx.id[U_CM1]);
    assert_int_equal(r->status, 201);
    json_t *o = json_of(r);
    httpc_response_free(r);
    json_t *managers = json_object_get(o, "case_managers");
    assert_int_equal(json_array_size(managers), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(managers, 0), "user_id")), fx.id[U_CM1]);
    assert_string_equal(json_string_value(json_object_get(json_array_get(managers, 0), "login")), "api.cm1");
    json_decref(o);
    r = assign_user(U_SUP, code, fx.id[U_CM1]); /* already assigned */
    expect_error(r, 409, "conflict", "user_id");
    httpc_response_free(r);
    assert_int_equal(status_of(assign_user(U_SUP, code, fx.id[U_CM2])), 201);
    r = assign_user(U_SUP, code, fx.id[U_CM3]); /* a third */
    expect_error(r, 409, "conflict", "user_id");
    httpc_response_free(r);
    assert_int_equal(manager_count(code), 2);
    /* cm1 now sees the case; cm3 does not. */
    char path[PATH_MAX_LEN];
    case_path(code, NULL, path, sizeof path);
    assert_int_equal(status_of(call(U_CM1, "GET", path, NULL)), 200);
    assert_int_equal(status_of(call(U_CM3, "GET", path, NULL)), 404);

    /* Who cannot be assigned, on a case with room for more. */
    json_t *room = create_case(U_SUP, "{\"sex\":\"Feminine\"}");
    assert_int_equal(status_of(call(U_ADMIN, "POST", "/api/v1/users/api.off.cm/disable", NULL)), 204);
    const int64_t not_assignable[] = {fx.id[U_FR], fx.id[U_AUDITOR], fx.id[U_SUP], fx.id[U_ANALYST],
                                      fx.id[U_B_CM], fx.id[U_OFF_CM], 987654};
    for (size_t i = 0; i < sizeof not_assignable / sizeof not_assignable[0]; i++) {
        r = assign_user(U_SUP, code_of(room), not_assignable[i]);
        expect_error(r, 400, "invalid", "user_id");
        httpc_response_free(r);
    }
    const char *bad_bodies[] = {"{\"user_id\":\"5\"}", "{\"user_id\":0}", "{\"user_id\":-3}",
                                "{\"user\":5}", "{\"user_id\":5,\"note\":\"x\"}", "{\"user_id\":1.5}", NULL};
    for (const char *const *b = bad_bodies; *b; b++) {
        r = assign(U_SUP, code_of(room), *b);
        expect_error(r, 400, "invalid", "user_id");
        httpc_response_free(r);
    }
    assert_int_equal(manager_count(code_of(room)), 0);

    /* Unassigning. */
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)fx.id[U_CM3]);
    r = unassign_user(U_SUP, code, id);
    expect_error(r, 404, "not_found", "user_id");
    httpc_response_free(r);
    r = unassign_user(U_SUP, code, "abc");
    expect_error(r, 400, "invalid", "user_id");
    httpc_response_free(r);
    snprintf(id, sizeof id, "%lld", (long long)fx.id[U_CM2]);
    assert_int_equal(status_of(unassign_user(U_SUP, code, id)), 204);
    assert_int_equal(manager_count(code), 1);
    case_path(code, NULL, path, sizeof path);
    assert_int_equal(status_of(call(U_CM2, "GET", path, NULL)), 404);
    /* With room again, the third can come in. */
    assert_int_equal(status_of(assign_user(U_SUP, code, fx.id[U_CM3])), 201);
    assert_int_equal(manager_count(code), 2);
    json_decref(room);
    json_decref(c);
}

/* A case manager who opens a case manages it. */
static void test_case_manager_opening_is_assigned(void **state)
{
    (void)state;
    json_t *c = create_case(U_CM2, "{\"sex\":\"Masculine\",\"region\":\"aktobe\"}");
    json_t *managers = json_object_get(c, "case_managers");
    assert_int_equal(json_array_size(managers), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(managers, 0), "user_id")), fx.id[U_CM2]);
    httpc_response *r = call(U_CM2, "GET", "/api/v1/cases", NULL);
    assert_non_null(strstr(r->body, code_of(c)));
    httpc_response_free(r);
    json_t *seen = read_case(U_SUP, code_of(c)); /* and the supervisor sees it */
    json_decref(seen);
    json_decref(c);
}

/* ---- paths and methods ------------------------------------------------------------- */

static void test_unknown_path_and_wrong_method(void **state)
{
    (void)state;
    const char *unknown[] = {"/api/v1/nothing", "/api/v1/cases/", "/api/v2/cases", "/api",
                             "/api/v1/cases/QG-0000-0000-0000-0/notes", "/api/v1/session/x", NULL};
    for (const char *const *p = unknown; *p; p++)
        for (int with = 0; with < 2; with++) {
            httpc_response *r = call(with ? U_SUP : -1, "GET", *p, NULL);
            expect_error(r, 404, "not_found", "path");
            httpc_response_free(r);
        }
    const struct {
        const char *method;
        const char *path;
        const char *allow; /* the Allow header a 405 must carry */
    } wrong[] = {{"DELETE", "/api/v1/cases", "GET, POST"},
                 {"PUT", "/api/v1/session", "POST, GET, DELETE"},
                 {"POST", "/api/v1/audit", "GET"},
                 {"PATCH", "/api/v1/orgs", "GET, POST"},
                 {"GET", "/api/v1/users/api.cm1/disable", "POST"},
                 {"POST", "/api/v1/health", "GET"}};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
        for (int with = 0; with < 2; with++) {
            httpc_response *r = call(with ? U_SUP : -1, wrong[i].method, wrong[i].path,
                                     strcmp(wrong[i].method, "GET") ? "{}" : NULL);
            assert_non_null(r);
            assert_non_null(httpc_header(r, "Allow"));
            assert_string_equal(httpc_header(r, "Allow"), wrong[i].allow);
            expect_error(r, 405, "invalid", "method");
            httpc_response_free(r);
        }
    assert_int_equal(status_of(call(-1, "GET", "/api/v1/health", NULL)), 200);
}

/* ---- the audit trail ------------------------------------------------------------------- */

/* Reads the whole audit trail as the auditor, page by page. */
static json_t *whole_audit(char **text_out)
{
    json_t *all = json_array();
    json_int_t after = 0;
    for (;;) {
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "/api/v1/audit?limit=500&after=%lld", (long long)after);
        httpc_response *r = call(U_AUDITOR, "GET", path, NULL);
        assert_int_equal(r->status, 200);
        json_t *o = json_of(r);
        httpc_response_free(r);
        json_t *entries = json_object_get(o, "entries");
        size_t n = json_array_size(entries);
        json_array_extend(all, entries);
        if (n)
            after = json_integer_value(json_object_get(json_array_get(entries, n - 1), "seq"));
        json_decref(o);
        if (n < 500)
            break;
    }
    *text_out = json_dumps(all, JSON_COMPACT);
    assert_non_null(*text_out);
    return all;
}

static bool audit_has(json_t *all, const char *action)
{
    return qgt_audit_has(all, action);
}

/* Without after the trail reads the newest first, and before=N pages on below N; each
 * entry names its actor's login (null for the server) and an account object's login. */
static void check_recent_first(json_t *all)
{
    size_t n = json_array_size(all);
    assert_true(n > 4);
    httpc_response *r = call(U_AUDITOR, "GET", "/api/v1/audit?limit=3", NULL);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    httpc_response_free(r);
    json_t *page = json_object_get(o, "entries");
    assert_int_equal(json_array_size(page), 3);
    json_int_t top = json_integer_value(json_object_get(json_array_get(page, 0), "seq"));
    json_int_t third = json_integer_value(json_object_get(json_array_get(page, 2), "seq"));
    /* the newest the auditor may read (the trail may have grown by this read's own) */
    assert_true(top >= json_integer_value(json_object_get(json_array_get(all, n - 1), "seq")));
    assert_true(json_integer_value(json_object_get(json_array_get(page, 1), "seq")) < top);
    json_decref(o);
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "/api/v1/audit?limit=2&before=%lld", (long long)third);
    r = call(U_AUDITOR, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    o = json_of(r);
    httpc_response_free(r);
    page = json_object_get(o, "entries");
    assert_int_equal(json_array_size(page), 2);
    assert_true(json_integer_value(json_object_get(json_array_get(page, 0), "seq")) < third);
    json_decref(o);
    bool named = false, account = false;
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        const char *action = json_string_value(json_object_get(e, "action"));
        const char *login = json_string_value(json_object_get(e, "actor_login"));
        if (json_is_null(json_object_get(e, "actor")))
            assert_true(json_is_null(json_object_get(e, "actor_login")));
        else
            assert_non_null(login);
        named = named || (strcmp(action, "login") == 0 && login &&
                          strcmp(login, user_defs[U_AUDITOR].login) == 0);
        const char *object = json_string_value(json_object_get(e, "object"));
        const char *label = json_string_value(json_object_get(e, "object_label"));
        if (object && strncmp(object, "user:", 5) == 0 && label)
            account = account || strncmp(label, "api.", 4) == 0;
    }
    assert_true(named);
    assert_true(account);
}

/* Logins, failures, reads of personal data and changes are all in the trail, the trail
 * is intact, and it holds no personal data and no passwords or tokens. */
static void test_audit_trail(void **state)
{
    (void)state;
    char *text = NULL;
    json_t *all = whole_audit(&text);
    const char *actions[] = {"login", "login_failed", "logout", "case.create", "case.update",
                             "personal.read", "personal.update", "case.assign", "case.unassign",
                             "case.duplicate_iin", "user.disable", "user.passwd", NULL};
    for (const char *const *a = actions; *a; a++) {
        if (!audit_has(all, *a))
            print_error("no audit entry for %s\n", *a);
        assert_true(audit_has(all, *a));
    }
    /* Some failures were throttled, and that is recorded. */
    bool throttled = false;
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "action")), "login_failed") == 0)
            throttled = throttled || json_is_true(json_object_get(json_object_get(e, "detail"), "throttled"));
    }
    assert_true(throttled);
    /* Entries are in order (an auditor of one organisation reads its own: the gaps are
     * other organisations' entries, and the failed logins of unknown logins). */
    json_int_t last = 0;
    json_array_foreach(all, i, e) {
        assert_true(json_integer_value(json_object_get(e, "seq")) > last);
        last = json_integer_value(json_object_get(e, "seq"));
    }
    for (const char *const *s = secrets; *s; s++) {
        if (strstr(text, *s))
            print_error("audit trail holds a personal value or password\n");
        assert_null(strstr(text, *s));
    }
    for (int k = 0; k < IIN_COUNT; k++)
        assert_null(strstr(text, iins[k]));
    assert_null(strstr(text, PASSWORD));
    for (int u = 0; u < USERS; u++)
        if (fx.s[u].cookie[0]) {
            assert_null(strstr(text, fx.s[u].cookie + strlen("qg_session=")));
            assert_null(strstr(text, fx.s[u].csrf));
        }
    /* The chain verifies over every entry. */
    httpc_response *r = call(U_AUDITOR, "GET", "/api/v1/audit/verify", NULL);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    httpc_response_free(r);
    assert_true(json_is_true(json_object_get(o, "intact")));
    assert_true(json_is_null(json_object_get(o, "first_bad")));
    /* every entry, of which the auditor's organisation's are some */
    assert_true(json_integer_value(json_object_get(o, "entries")) >= (json_int_t)json_array_size(all));
    json_decref(o);
    /* Paging parameters are checked. */
    r = call(U_AUDITOR, "GET", "/api/v1/audit?limit=501", NULL);
    expect_error(r, 400, "invalid", "limit");
    httpc_response_free(r);
    r = call(U_AUDITOR, "GET", "/api/v1/audit?after=x", NULL);
    expect_error(r, 400, "invalid", "after");
    httpc_response_free(r);
    r = call(U_AUDITOR, "GET", "/api/v1/audit?before=0", NULL);
    expect_error(r, 400, "invalid", "before");
    httpc_response_free(r);
    check_recent_first(all);
    free(text);
    json_decref(all);
}

/* Personal values never reach the server log, and are not stored in the clear. */
static void test_no_personal_data_in_clear(void **state)
{
    (void)state;
    char wal[QGT_PATH + 8];
    snprintf(wal, sizeof wal, "%s-wal", fx.env.db);
    const char *files[] = {fx.env.log, fx.env.db, wal, NULL};
    for (const char *const *f = files; *f; f++) {
        for (const char *const *s = secrets; *s; s++) {
            if (qgt_file_contains(*f, *s))
                print_error("%s holds a personal value or password in the clear\n", *f);
            assert_false(qgt_file_contains(*f, *s));
        }
        for (int k = 0; k < IIN_COUNT; k++)
            assert_false(qgt_file_contains(*f, iins[k]));
    }
}

/* The server shuts down cleanly: exit status 0 means no sanitizer finding (leaks,
 * memory errors, undefined behaviour) in the server during the whole file. */
static void test_server_stops_cleanly(void **state)
{
    (void)state;
    int status = qgt_server_stop(&fx.env);
    if (status != 0) {
        char *log = qgt_read_file(fx.env.log, NULL);
        print_error("server log:\n%s\n", log ? log : "(none)");
        free(log);
    }
    assert_int_equal(status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_sets_strict_cookie),
        cmocka_unit_test(test_secure_cookies_option),
        cmocka_unit_test(test_session_show_and_logout),
        cmocka_unit_test(test_login_failures_look_alike),
        cmocka_unit_test(test_disabled_user_is_locked_out),
        cmocka_unit_test(test_password_change_ends_sessions),
        cmocka_unit_test(test_admin_made_case_worker_waits_for_supervisor),
        cmocka_unit_test(test_csrf_required),
        cmocka_unit_test(test_bad_session_tokens),
        cmocka_unit_test(test_sessions_expire),
        cmocka_unit_test(test_login_throttled_per_account),
        cmocka_unit_test(test_login_throttled_per_address),
        cmocka_unit_test(test_login_throttled_behind_trusted_proxy),
        cmocka_unit_test(test_body_too_large),
        cmocka_unit_test(test_malformed_bodies),
        cmocka_unit_test(test_header_with_control_character),
        cmocka_unit_test(test_case_field_errors),
        cmocka_unit_test(test_case_create_and_read),
        cmocka_unit_test(test_case_list_pagination),
        cmocka_unit_test(test_case_patch_and_version),
        cmocka_unit_test(test_personal_round_trip),
        cmocka_unit_test(test_personal_consistency_errors),
        cmocka_unit_test(test_duplicate_iin),
        cmocka_unit_test(test_assignments),
        cmocka_unit_test(test_case_manager_opening_is_assigned),
        cmocka_unit_test(test_unknown_path_and_wrong_method),
        /* These read what the tests above left behind: keep them last. */
        cmocka_unit_test(test_audit_trail),
        cmocka_unit_test(test_no_personal_data_in_clear),
        cmocka_unit_test(test_server_stops_cleanly),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
