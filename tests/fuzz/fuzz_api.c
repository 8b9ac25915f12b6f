/*
 * fuzz_api.c — libFuzzer target for what the API reads from a request before any
 * service runs: the path (the route matcher of src/api/router.c, the path parameters'
 * own parsers, the web interface's file server) and the JSON body (jansson with
 * duplicate keys refused, as api_body loads it, then the services' body checks).
 *
 * Input: a first byte whose low bit chooses path (0) or body (1), a second byte that
 * picks the method or the body check, then the path or the body.
 *
 * Path properties, beyond "never crashes or trips a sanitizer":
 * - a route found has the method asked and a pattern that, filled with the captured
 *   parameters, gives back the path exactly; each parameter is non-empty, without '/',
 *   short; no other route of that method matches too; Allow lists exactly the other
 *   methods whose pattern matches;
 * - a case code the API accepts (child_code_parse, as every case route does) has a
 *   check symbol that an independent computation confirms and is the path's text up to
 *   case, hyphens, the "QG" prefix and the I/L/O readings; a record number accepted
 *   (api_path_number) is 1..API_NUMBER_MAX written in digits; referral references and
 *   actions likewise; no parameter accepted holds "..", and a refusal never repeats it;
 * - a web file is served only for a path without "..", "//" or a hidden segment, from
 *   inside web/, with exactly that file's bytes.
 * Body properties: a strict load fails only where a lax one does, or for a duplicate
 * key; a body check never changes the body, and its error names a field made of
 * [a-z0-9_.[]] (an unknown key is never named) and never repeats a key or a value.
 */
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "core/case/case_input.h"
#include "core/case/child_code.h"
#include "core/case/record.h"
#include "core/common/input.h"
#include "core/instrument/qualify.h"
#include "core/referral/agreement.h"
#include "core/referral/consent.h"
#include "core/referral/directory.h"
#include "core/referral/referral.h"
#include "fuzz/fuzz_echo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
#define METHOD_COUNT (sizeof methods / sizeof methods[0])
#define PATH_MAX_LEN 2048

/* ---- routes ------------------------------------------------------------------------ */

/* The pattern with its ":x" segments replaced by params, into out. */
static void fill_pattern(const char *pattern, char params[API_PARAMS_MAX][API_SEGMENT_MAX], char *out,
                         size_t size)
{
    size_t o = 0;
    int n = 0;
    while (*pattern) {
        size_t seg = strcspn(pattern + 1, "/") + 1; /* "/name" */
        int w = pattern[1] == ':' ? snprintf(out + o, size - o, "/%s", params[n++])
                                  : snprintf(out + o, size - o, "%.*s", (int)seg, pattern);
        if (w < 0 || (size_t)w >= size - o)
            abort();
        o += (size_t)w;
        pattern += seg;
    }
    out[o] = '\0';
}

static bool has_dots(const char *s) { return strstr(s, "..") != NULL; }

/* The 60-bit value of 12 canonical symbols, or -1 when one is not a symbol. */
static int64_t code_value(const char *symbols)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    int64_t v = 0;
    for (int i = 0; i < 12; i++) {
        const char *p = symbols[i] ? strchr(alphabet, symbols[i]) : NULL;
        if (!p)
            return -1;
        v = v * 32 + (p - alphabet);
    }
    return v;
}

/* The path's code as a person typed it, reduced to symbols: no hyphens, upper case,
 * I and L read as 1, O as 0, and without "QG" when 15 symbols remain. */
static void typed_symbols(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (; *in && o + 1 < size; in++) {
        char c = *in >= 'a' && *in <= 'z' ? (char)(*in - 32) : *in;
        if (c == '-')
            continue;
        out[o++] = c == 'I' || c == 'L' ? '1' : c == 'O' ? '0' : c;
    }
    out[o] = '\0';
    if (o == 15 && strncmp(out, "QG", 2) == 0)
        memmove(out, out + 2, 14);
}

static void check_code(const char *param)
{
    char code[QG_CODE_SIZE];
    qg_error err = {0};
    if (child_code_parse(param, "code", code, &err) != QG_OK) {
        fuzz_assert_no_echo(err.message, param, strlen(param));
        return;
    }
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char symbols[13], typed[80];
    if (strlen(code) != QG_CODE_LEN || strncmp(code, "QG-", 3) != 0 || code[7] != '-' || code[12] != '-' ||
        code[17] != '-' || has_dots(param))
        abort();
    memcpy(symbols, code + 3, 4);
    memcpy(symbols + 4, code + 8, 4);
    memcpy(symbols + 8, code + 13, 4);
    symbols[12] = '\0';
    int64_t v = code_value(symbols);
    if (v < 0 || code[18] != alphabet[v % 29])
        abort(); /* accepted with a check symbol that does not match */
    typed_symbols(param, typed, sizeof typed);
    if (strlen(typed) != 13 || memcmp(typed, symbols, 12) != 0 || typed[12] != code[18])
        abort();
}

static void check_number(const char *path, const char *param)
{
    http_request req = {.method = "GET", .path = path, .body = ""};
    http_response resp = {0};
    api_call call = {.req = &req, .resp = &resp};
    snprintf(call.params[1], sizeof call.params[1], "%s", param);
    int64_t n = 0;
    if (api_path_number(&call, "n", "record.not_found", "no such record", &n)) {
        if (n < 1 || n > API_NUMBER_MAX || strspn(param, "0123456789") != strlen(param) || resp.body)
            abort();
    } else if (resp.status != 404 || !resp.body) {
        abort();
    } else {
        fuzz_assert_no_echo(resp.body, param, strlen(param));
    }
    free(resp.body);
}

static void check_params(const api_route *r, const char *path, char params[API_PARAMS_MAX][API_SEGMENT_MAX])
{
    int n = 0;
    for (const char *p = strchr(r->pattern, ':'); p; p = strchr(p + 1, ':'), n++) {
        const char *param = params[n];
        char ref[REFERRAL_REF_SIZE];
        referral_action action;
        if (!param[0] || strchr(param, '/') || strlen(param) >= API_SEGMENT_MAX)
            abort();
        if (strncmp(p, ":code", 5) == 0)
            check_code(param);
        else if (strncmp(p, ":n", 2) == 0 && (p[2] == '/' || !p[2]))
            check_number(path, param);
        else if (strncmp(p, ":ref", 4) == 0 && referral_ref_parse(param, ref) && has_dots(param))
            abort();
        else if (strncmp(p, ":action", 7) == 0 && referral_action_parse(param, &action) && has_dots(param))
            abort();
    }
}

/* The methods of the routes before the first of method whose pattern matches path, as
 * the Allow header lists them (all of them when no route of method matches). */
static void expected_allow(const char *method, const char *path, char *out, size_t size)
{
    char params[API_PARAMS_MAX][API_SEGMENT_MAX];
    out[0] = '\0';
    for (size_t i = 0; i < api_route_count(); i++) {
        const api_route *r = api_route_at(i);
        if (strcmp(r->method, method) == 0 && api_route_match(r->pattern, path, params))
            return; /* found: no Allow */
        size_t n = strlen(out);
        if (api_route_match(r->pattern, path, params) && n + 1 < size)
            snprintf(out + n, size - n, "%s%s", n ? ", " : "", r->method);
    }
}

static void check_route(const char *method, const char *path)
{
    char params[API_PARAMS_MAX][API_SEGMENT_MAX], other[API_PARAMS_MAX][API_SEGMENT_MAX];
    char allow[64], want_allow[64], again[PATH_MAX_LEN + 8];
    const api_route *r = api_route_find(method, path, params, allow, sizeof allow);
    expected_allow(method, path, want_allow, sizeof want_allow);
    if (strcmp(allow, want_allow) != 0)
        abort();
    if (!r)
        return;
    fill_pattern(r->pattern, params, again, sizeof again);
    if (strcmp(r->method, method) != 0 || strcmp(again, path) != 0)
        abort();
    for (size_t i = 0; i < api_route_count(); i++) {
        const api_route *o = api_route_at(i);
        if (o != r && strcmp(o->method, method) == 0 && api_route_match(o->pattern, path, other))
            abort(); /* two routes for one request: the second is unreachable */
    }
    check_params(r, path, params);
}

/* ---- the web files ---------------------------------------------------------------- */

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = f ? malloc(1024 * 1024 + 1) : NULL;
    *len = buf ? fread(buf, 1, 1024 * 1024 + 1, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

static void check_static(const char *path)
{
    api_ctx ctx = {.web_dir = QG_WEB_DIR};
    http_request req = {.method = "GET", .path = path, .body = ""};
    http_response resp = {0};
    api_call call = {.api = &ctx, .req = &req, .resp = &resp};
    if (!api_static(&call))
        return;
    if (has_dots(path) || strstr(path, "//") || strstr(path, "/.") || strspn(path, "abcdefghijklmnopqrstuvwxyz"
                                                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                                   "0123456789-_./") != strlen(path))
        abort();
    char full[PATH_MAX + 64], real[PATH_MAX], root[PATH_MAX];
    snprintf(full, sizeof full, "%s%s", QG_WEB_DIR, strcmp(path, "/") == 0 ? "/index.html" : path);
    if (!realpath(full, real) || !realpath(QG_WEB_DIR, root) || strncmp(real, root, strlen(root)) != 0 ||
        real[strlen(root)] != '/')
        abort();
    size_t len = 0;
    char *want = read_whole(full, &len);
    if (!want || len != resp.body_len || memcmp(want, resp.body, len) != 0)
        abort();
    free(want);
    free(resp.body);
}

/* ---- bodies ----------------------------------------------------------------------- */

/* Aborts when message repeats a key or a string value of v (at any depth). */
static void assert_no_echo_json(const char *message, json_t *v)
{
    const char *key;
    json_t *e;
    size_t i;
    if (json_is_string(v))
        fuzz_assert_no_echo(message, json_string_value(v), json_string_length(v));
    json_object_foreach(v, key, e) {
        fuzz_assert_no_echo(message, key, strlen(key));
        assert_no_echo_json(message, e);
    }
    json_array_foreach(v, i, e) assert_no_echo_json(message, e);
}

static qg_code run_check(uint8_t which, json_t *body, qg_error *err)
{
    static const char *const kinds[] = {"assessment", "safety_plan", "action_plan", "interaction"};
    static const char *const keys[] = {"login", "password", "version", NULL};
    char respond_by[11];
    json_t *out = NULL;
    qg_code c;
    switch (which % 12) {
    case 0: case 1: case 2: case 3:
        return record_check(kinds[which % 4], body, err);
    case 4:
        return referral_check_create(body, "2026-03-15", respond_by, err);
    case 5:
        return referral_check_transition(body, (referral_action)((which / 16) % REF_ACTION_COUNT), err);
    case 6:
        return consent_check_create(body, err);
    case 7:
        return consent_check_withdraw(body, err);
    case 8:
        return agreement_check_body(body, err);
    case 9:
        return directory_check_entry(body, err);
    case 10:
        c = qualify_facts(body, &out, err);
        if ((c == QG_OK) != json_is_object(out))
            abort();
        json_decref(out);
        return c;
    default:
        return (which / 16) % 2 ? case_input_check_fields(body, NULL, err) : input_check_keys(body, keys, err);
    }
}

static void check_body(uint8_t which, const char *text, size_t len)
{
    json_error_t strict_err, lax_err;
    json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &strict_err);
    json_t *lax = json_loadb(text, len, 0, &lax_err);
    if (body ? !lax || !json_equal(body, lax) : lax && json_error_code(&strict_err) != json_error_duplicate_key)
        abort();
    json_decref(lax);
    if (!json_is_object(body)) {
        json_decref(body);
        return;
    }
    json_t *before = json_deep_copy(body);
    qg_error err = {0};
    if (run_check(which, body, &err) != QG_OK) {
        if (!err.message[0])
            abort();
        fuzz_assert_plain_field(err.field);
        assert_no_echo_json(err.message, body);
    }
    if (!json_equal(before, body))
        abort(); /* a check changed what it checked */
    json_decref(before);
    json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *rest = (const char *)data + 2;
    size_t len = size - 2;
    if (data[0] & 1) {
        check_body(data[1], rest, len);
        return 0;
    }
    char path[PATH_MAX_LEN + 1];
    if (len > PATH_MAX_LEN)
        return 0;
    memcpy(path, rest, len);
    path[len] = '\0'; /* the server hands over a C string: a NUL ends the path */
    check_route(methods[data[1] % METHOD_COUNT], path);
    if (data[1] % METHOD_COUNT == 0)
        check_static(path);
    return 0;
}
