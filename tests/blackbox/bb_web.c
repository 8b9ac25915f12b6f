/* bb_web.c — black-box tests of the web interface without a browser: the server
 * serves web/ (index.html at /, scripts, styles, catalogues) with the strict CSP and
 * nothing outside it; `serve --web DIR` picks another folder; the session answer
 * carries the idle limit; every message catalogue has every key in kk, ru and en;
 * every key the scripts ask for with t('...') exists; no script or page uses
 * innerHTML, eval, inline styles or inline event handlers; and no script decides by a
 * role name (pages ask the session's and the case's "may" lists instead). */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#ifndef QG_WEB_DIR
#define QG_WEB_DIR "web"
#endif

#define PATH_MAX_ 1024

static const char *const langs[] = {"kk", "ru", "en"};

/* ---- the server ------------------------------------------------------------------ */

static void test_static_files(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    int64_t org = qgt_org(&e, "Web NGO", "ngo", "almaty");
    assert_true(qgt_user(&e, org, "web.sup", "supervisor", "web-password-123") > 0);
    const char *const extra[] = {"--session-idle", "600", NULL};
    assert_true(qgt_server_start(&e, extra));

    httpc_response *r = httpc_do(e.port, "GET", "/", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(httpc_header(r, "Content-Type"), "text/html"));
    const char *csp = httpc_header(r, "Content-Security-Policy");
    assert_non_null(csp);
    assert_non_null(strstr(csp, "script-src 'self'"));
    assert_null(strstr(csp, "unsafe-inline"));
    assert_non_null(strstr(r->body, "<html lang=\"kk\">"));
    assert_non_null(strstr(r->body, "src=\"/js/main.js\""));
    httpc_response_free(r);

    static const struct {
        const char *path, *type;
    } ok[] = {{"/index.html", "text/html"},
              {"/js/core.js", "text/javascript"},
              {"/js/main.js", "text/javascript"},
              {"/js/pages/case.js", "text/javascript"},
              {"/css/app.css", "text/css"},
              {"/i18n/core.json", "application/json"},
              {"/img/logo.svg", "image/svg+xml"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        r = httpc_do(e.port, "GET", ok[i].path, NULL, NULL, 0);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        assert_non_null(strstr(httpc_header(r, "Content-Type"), ok[i].type));
        assert_non_null(httpc_header(r, "Content-Security-Policy"));
        assert_string_equal(httpc_header(r, "X-Content-Type-Options"), "nosniff");
        httpc_response_free(r);
    }

    static const char *const missing[] = {
        "/../etc/passwd", "/js/../index.html", "/js/.hidden", "/js/x.exe", "/js/core.js.bak",
        "/js/", "/js", "/js/pages/", "/css/app.js", "/i18n/core.js", "/index.htm",
        "/web/index.html", "/js/nothing.js", "/js//core.js", "/js/.core.js", "/js/core..js",
        "/js/%2e%2e/index.html", "/Makefile", "/js/pages/../core.js"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        r = httpc_do(e.port, "GET", missing[i], NULL, NULL, 0);
        assert_non_null(r);
        if (r->status != 404)
            fail_msg("GET %s answered %d, not 404", missing[i], r->status);
        httpc_response_free(r);
    }

    /* Only GET (and HEAD) serve files; the API is still under /api/v1. */
    r = httpc_do(e.port, "POST", "/js/core.js", NULL, "{}", 2);
    assert_non_null(r);
    assert_int_equal(r->status, 404);
    httpc_response_free(r);
    r = httpc_do(e.port, "GET", "/api/v1/health", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"ok\""));
    httpc_response_free(r);

    /* The session answer tells the browser the idle limit (for the idle warning). */
    qgt_session s;
    assert_int_equal(qgt_login(&e, "web.sup", "web-password-123", &s), 201);
    r = qgt_call(&e, &s, "GET", "/api/v1/session", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"idle_seconds\":600"));
    httpc_response_free(r);
    assert_int_equal(qgt_server_stop(&e), 0);
    qgt_env_free(&e);
}

static void write_file(const char *path, const char *text)
{
    qgt_write_file(path, text, strlen(text));
}

static void test_web_option(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    char dir[PATH_MAX_], file[PATH_MAX_ + 32];
    snprintf(dir, sizeof dir, "%s/site", e.dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(file, sizeof file, "%s/index.html", dir);
    write_file(file, "<!doctype html><title>other</title>");
    /* issue 15 item 7: the web root is resolved once at start: given through a link, it
     * is served, and pointing the link elsewhere later changes nothing */
    char root_link[PATH_MAX_ + 32], other[PATH_MAX_ + 32];
    snprintf(root_link, sizeof root_link, "%s/site-link", e.dir);
    assert_int_equal(symlink(dir, root_link), 0);
    const char *const extra[] = {"--web", root_link, NULL};
    assert_true(qgt_server_start(&e, extra));
    httpc_response *r = httpc_do(e.port, "GET", "/", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "<title>other</title>"));
    httpc_response_free(r);
    r = httpc_do(e.port, "GET", "/js/core.js", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 404);
    httpc_response_free(r);
    /* issue 15 item 5: a folder linked into web/ is not served, a file linked there is
     * not, and a FIFO answers 404 at once instead of holding a worker thread */
    char js[PATH_MAX_ + 8], outside[PATH_MAX_ + 16], link[PATH_MAX_ + 32], fifo[PATH_MAX_ + 32];
    snprintf(js, sizeof js, "%s/js", dir);
    snprintf(outside, sizeof outside, "%s/outside", e.dir);
    assert_int_equal(mkdir(js, 0700), 0);
    assert_int_equal(mkdir(outside, 0700), 0);
    snprintf(file, sizeof file, "%s/secret.js", outside);
    write_file(file, "secret");
    snprintf(file, sizeof file, "%s/own.js", js);
    write_file(file, "own");
    snprintf(link, sizeof link, "%s/linked", js);
    assert_int_equal(symlink(outside, link), 0);
    snprintf(link, sizeof link, "%s/alias.js", js);
    snprintf(file, sizeof file, "%s/secret.js", outside);
    assert_int_equal(symlink(file, link), 0);
    snprintf(fifo, sizeof fifo, "%s/pipe.js", js);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *const refused[] = {"/js/linked/secret.js", "/js/alias.js", "/js/pipe.js"};
    for (size_t i = 0; i < 3; i++) {
        r = httpc_do(e.port, "GET", refused[i], NULL, NULL, 0);
        assert_non_null(r);
        assert_int_equal(r->status, 404);
        assert_null(strstr(r->body, "secret"));
        httpc_response_free(r);
    }
    r = httpc_do(e.port, "GET", "/js/own.js", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "own");
    httpc_response_free(r);
    snprintf(other, sizeof other, "%s/other-site", e.dir);
    assert_int_equal(mkdir(other, 0700), 0);
    snprintf(file, sizeof file, "%s/index.html", other);
    write_file(file, "<!doctype html><title>swapped</title>");
    assert_int_equal(unlink(root_link), 0);
    assert_int_equal(symlink(other, root_link), 0);
    r = httpc_do(e.port, "GET", "/", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "<title>other</title>"));
    httpc_response_free(r);
    assert_int_equal(qgt_server_stop(&e), 0);
    qgt_env_free(&e);
}

/* ---- the files ------------------------------------------------------------------- */

typedef void (*file_fn)(const char *path, void *ctx);

/* Calls fn for every regular file under dir whose name ends with ext (recursively). */
static void each_file(const char *dir, const char *ext, file_fn fn, void *ctx)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char path[PATH_MAX_];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        size_t n = strlen(ent->d_name), e = strlen(ext);
        if (S_ISDIR(st.st_mode))
            each_file(path, ext, fn, ctx);
        else if (n > e && strcmp(ent->d_name + n - e, ext) == 0)
            fn(path, ctx);
    }
    closedir(d);
}

/* Every catalogue is {"kk":{..},"ru":{..},"en":{..}} with the same keys, every value
 * a non-empty string; all keys go into the union `all` (for the next check). */
static void check_catalogue(const char *path, void *ctx)
{
    json_t *all = ctx;
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        fail_msg("%s: not JSON (line %d): %s", path, jerr.line, jerr.text);
    if (json_object_size(root) != 3)
        fail_msg("%s: must hold exactly kk, ru and en", path);
    for (size_t i = 0; i < 3; i++) {
        json_t *cat = json_object_get(root, langs[i]);
        if (!json_is_object(cat))
            fail_msg("%s: no \"%s\" object", path, langs[i]);
        for (size_t j = 0; j < 3; j++) {
            json_t *other = json_object_get(root, langs[j]);
            const char *key;
            json_t *v;
            json_object_foreach(cat, key, v) {
                json_t *w = json_object_get(other, key);
                if (!json_is_string(w) || json_string_length(w) == 0)
                    fail_msg("%s: key %s is in \"%s\" but not in \"%s\"", path, key, langs[i],
                             langs[j]);
                json_object_set_new(all, key, json_true());
            }
        }
    }
    json_decref(root);
}

typedef struct {
    json_t *keys;
    int files;
} js_ctx;

/* No HTML parsing of strings, no eval, no inline styles or handlers; every literal
 * key of t('...') is in a catalogue (keys ending with '.' are built at run time). */
static void check_script(const char *path, void *ctx)
{
    js_ctx *c = ctx;
    size_t len = 0;
    char *text = qgt_read_file(path, &len);
    assert_non_null(text);
    static const char *const banned[] = {"innerHTML", "outerHTML", "insertAdjacentHTML", "eval(",
                                         "new Function", "document.write", "style=", ".style.",
                                         "onclick=", "onload=", "onerror=", "onsubmit=",
                                         "onchange=", "oninput=", "javascript:"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(text, banned[i]))
            fail_msg("%s uses %s", path, banned[i]);
    for (const char *p = text; (p = strstr(p, "t('")); p += 3) {
        if (p > text && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z')))
            continue; /* e.g. select('...'), not t('...') */
        const char *start = p + 3, *end = strchr(start, '\'');
        if (!end || end == start || end[-1] == '.' || end - start > 120)
            continue;
        char key[128];
        memcpy(key, start, (size_t)(end - start));
        key[end - start] = '\0';
        if (!json_object_get(c->keys, key))
            fail_msg("%s asks for message %s, which no catalogue has", path, key);
    }
    c->files++;
    free(text);
}

static void check_page(const char *path, void *ctx)
{
    (void)ctx;
    size_t len = 0;
    char *text = qgt_read_file(path, &len);
    assert_non_null(text);
    static const char *const banned[] = {"style=", "<style", "onclick=", "onload=", "javascript:"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(text, banned[i]))
            fail_msg("%s uses %s", path, banned[i]);
    for (const char *p = text; (p = strstr(p, "<script")); p++)
        if (strncmp(p, "<script type=\"module\" src=\"", 27) != 0)
            fail_msg("%s has an inline or non-module script", path);
    free(text);
}

static void test_catalogues_and_scripts(void **state)
{
    (void)state;
    json_t *keys = json_object();
    each_file(QG_WEB_DIR "/i18n", ".json", check_catalogue, keys);
    assert_true(json_object_size(keys) > 50);
    js_ctx c = {keys, 0};
    each_file(QG_WEB_DIR "/js", ".js", check_script, &c);
    assert_true(c.files >= 5);
    each_file(QG_WEB_DIR, ".html", check_page, NULL);
    json_decref(keys);
}

/* Every page module (one that registers a route) is imported by main.js (one line each), and every catalogue a
 * script loads with messages('x') exists as web/i18n/x.json. */
static void check_wiring(const char *path, void *ctx)
{
    const char *main_js = ctx;
    size_t len = 0;
    char *text = qgt_read_file(path, &len);
    assert_non_null(text);
    const char *base = strrchr(path, '/') + 1;
    if (strstr(path, "/pages/") && strstr(text, "route('")) { /* a page, not a helper */
        char want[PATH_MAX_];
        snprintf(want, sizeof want, "import './pages/%s';", base);
        if (!strstr(main_js, want))
            fail_msg("main.js does not import pages/%s", base);
    }
    for (const char *p = text; (p = strstr(p, "messages('")); p += 10) {
        const char *start = p + 10, *end = strchr(start, '\'');
        if (!end || end == start || end - start > 60)
            continue;
        char cat[PATH_MAX_];
        snprintf(cat, sizeof cat, "%s/i18n/%.*s.json", QG_WEB_DIR, (int)(end - start), start);
        struct stat st;
        if (stat(cat, &st) != 0)
            fail_msg("%s loads messages from %s, which does not exist", path, cat);
    }
    free(text);
}

static void test_pages_wired(void **state)
{
    (void)state;
    size_t len = 0;
    char *main_js = qgt_read_file(QG_WEB_DIR "/js/main.js", &len);
    assert_non_null(main_js);
    each_file(QG_WEB_DIR "/js", ".js", check_wiring, main_js);
    free(main_js);
}

/* ---- no role names in the scripts ---------------------------------------------- */

static const char *const role_codes[] = {"admin", "supervisor", "case_manager", "first_responder",
                                         "analyst", "auditor"};

/* A literal may name a role only as something else: the admin page's message catalogue. */
static bool role_literal_allowed(const char *text, const char *quote)
{
    static const char *const before[] = {"M = ", "messages("};
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++) {
        size_t n = strlen(before[i]);
        if ((size_t)(quote - text) >= n && strncmp(quote - n, before[i], n) == 0)
            return true;
    }
    return false;
}

/* Returns where text decides by a role: a quoted role code ('supervisor', "analyst",
 * `auditor`...) or a comparison of the user's role; NULL when it does not. */
static const char *role_decision(const char *text)
{
    static const char *const banned[] = {"CASE_ROLES", "me.role", "user.role =", "user.role !",
                                         "}).role", "roles.includes"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(text, banned[i]))
            return strstr(text, banned[i]);
    for (size_t i = 0; i < sizeof role_codes / sizeof role_codes[0]; i++) {
        for (const char *q = "'\"`"; *q; q++) {
            char lit[40];
            snprintf(lit, sizeof lit, "%c%s%c", *q, role_codes[i], *q);
            for (const char *p = text; (p = strstr(p, lit)); p++)
                if (!role_literal_allowed(text, p))
                    return p;
        }
    }
    return NULL;
}

static void check_no_roles(const char *path, void *ctx)
{
    int *files = ctx;
    size_t len = 0;
    char *text = qgt_read_file(path, &len);
    assert_non_null(text);
    const char *at = role_decision(text);
    if (at) {
        int line = 1;
        for (const char *p = text; p < at; p++)
            line += *p == '\n';
        fail_msg("%s:%d decides by a role name; ask may() or caseMay() instead", path, line);
    }
    (*files)++;
    free(text);
}

static void test_no_role_decisions(void **state)
{
    (void)state;
    /* the check itself finds what it must and lets the rest be */
    static const char *const found[] = {"if (me.role === 'supervisor') x();",
                                        "const a = u && u.role === \"analyst\";",
                                        "navItem('#/x', 'k', ['auditor']);",
                                        "CASE_ROLES.includes(r)", "((session() || {}).role)",
                                        "x.role === `case_manager`", "[\"first_responder\"]",
                                        "q === 'admin'"};
    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++)
        if (!role_decision(found[i]))
            fail_msg("the role check misses: %s", found[i]);
    static const char *const fine[] = {"const M = 'admin';", "messages('admin');",
                                       "label('role', u.role)", "t('core.role.' + user.role)",
                                       "// a supervisor edits", "it.role === 'judgement'",
                                       "policy('assignable_roles').includes(x.role)"};
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        if (role_decision(fine[i]))
            fail_msg("the role check refuses: %s", fine[i]);
    int files = 0;
    each_file(QG_WEB_DIR "/js", ".js", check_no_roles, &files);
    assert_true(files >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_files),
        cmocka_unit_test(test_web_option),
        cmocka_unit_test(test_catalogues_and_scripts),
        cmocka_unit_test(test_pages_wired),
        cmocka_unit_test(test_no_role_decisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
