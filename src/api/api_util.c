/* api_util.c — JSON answers, errors, strict body parsing and query parameters for the
 * route handlers (see api_call.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_call.h"
#include "base/alloc.h"
#include "core/common/json_text.h"

/* Sent when the error itself cannot be encoded: the contract holds even then. */
#define FALLBACK_ERROR \
    "{\"error\":{\"code\":\"internal\",\"message\":\"error could not be encoded\",\"field\":\"\"," \
    "\"reason\":\"internal.failure\"}}"

void api_reply(api_call *call, int status, json_t *body)
{
    call->resp->status = status;
    call->resp->content_type = "application/json; charset=utf-8";
    free(call->resp->body);
    call->resp->body = NULL;
    call->resp->body_len = 0;
    if (body)
        call->resp->body = qg_json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(6));
    call->resp->body_len = call->resp->body ? strlen(call->resp->body) : 0;
    json_decref(body);
    /* A success whose answer was lost to a failed allocation is not a success. */
    if (status >= 200 && status < 300 && status != 204 && !call->resp->body) {
        call->resp->status = 500;
        call->resp->body = strdup(FALLBACK_ERROR);
        call->resp->body_len = call->resp->body ? strlen(FALLBACK_ERROR) : 0;
    }
}

void api_fail(api_call *call, const qg_error *err, json_t *extra)
{
    json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "code", qg_code_name(err->code), "message",
                          err->message, "field", err->field, "reason", qg_error_reason(err));
    if (e && extra)
        json_object_update(e, extra);
    json_decref(extra);
    json_t *body = e ? json_pack("{s:o}", "error", e) : NULL;
    api_reply(call, qg_code_http_status(err->code), body);
    if (!body || !call->resp->body) {
        free(call->resp->body);
        call->resp->body = strdup(FALLBACK_ERROR);
        call->resp->body_len = call->resp->body ? strlen(FALLBACK_ERROR) : 0;
    }
}

void api_fail_new_at(api_call *call, qg_code code, const char *field, const char *reason,
                     const char *message)
{
    qg_error err = {0};
    qg_fail_at(&err, code, field, reason, "%s", message);
    api_fail(call, &err, NULL);
}

int api_unpack_strict(json_t *body, json_error_t *jerr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qg_alloc_parsing(true);
    int rc = json_vunpack_ex(body, jerr, JSON_STRICT, fmt, ap);
    qg_alloc_parsing(false);
    va_end(ap);
    return rc;
}

static bool is_json_type(const char *type)
{
    if (!type)
        return false;
    size_t n = strlen("application/json");
    return strncasecmp(type, "application/json", n) == 0 && (type[n] == '\0' || type[n] == ';');
}

json_t *api_body(api_call *call)
{
    if (!is_json_type(http_header(call->req, "Content-Type"))) {
        api_fail_new(call, QG_EINVAL, "Content-Type", "body.content_type",
                     "must be application/json");
        return NULL;
    }
    json_error_t jerr;
    json_t *body =
        qg_json_loadb(call->req->body, call->req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        /* The parser's own text may quote the input; say only where it failed. */
        char msg[QG_ERR_MSG_MAX];
        if (json_error_code(&jerr) == json_error_duplicate_key)
            snprintf(msg, sizeof msg, "duplicate key at line %d", jerr.line);
        else
            snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d", jerr.line,
                     jerr.column);
        api_fail_new(call, QG_EINVAL, "body", "json.malformed", msg);
        return NULL;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        api_fail_new(call, QG_EINVAL, "body", "body.not_object", "must be a JSON object");
        return NULL;
    }
    return body;
}

bool api_query_int(api_call *call, const char *name, int64_t def, int64_t lo, int64_t hi,
                   int64_t *out)
{
    const char *s = http_query(call->req, name);
    *out = def;
    if (!s)
        return true;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !*s || *end || v < lo || v > hi) {
        char msg[QG_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "must be a whole number from %lld to %lld", (long long)lo,
                 (long long)hi);
        api_fail_new(call, QG_EINVAL, name, "number.out_of_range", msg);
        return false;
    }
    *out = v;
    return true;
}

void api_answer(api_call *call, qg_code c, const qg_error *err, int status, json_t *out)
{
    if (c == QG_OK) {
        api_reply(call, status, out);
        return;
    }
    json_decref(out);
    api_fail(call, err, NULL);
}

void api_with_case_body(api_call *call, case_body_fn fn, int status)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = fn(call->api->app, &call->who.actor, call->params[0], body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, status, out);
}

void api_with_case(api_call *call, case_read_fn fn)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = fn(call->api->app, &call->who.actor, call->params[0], &out, &err);
    api_answer(call, c, &err, 200, out);
}

bool api_path_number(api_call *call, const char *field, const char *reason, const char *message,
                     int64_t *n)
{
    const char *s = call->params[1];
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *s < '0' || *s > '9' || *end || v < 1 || v > API_NUMBER_MAX) {
        api_fail_new_at(call, QG_ENOTFOUND, field, reason, message);
        return false;
    }
    *n = v;
    return true;
}

void api_with_case_record_body(api_call *call, const char *field, const char *reason,
                               const char *message, case_record_body_fn fn)
{
    int64_t n;
    if (!api_path_number(call, field, reason, message, &n))
        return;
    json_t *body = api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = fn(call->api->app, &call->who.actor, call->params[0], n, body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}

void api_reply_bytes(api_call *call, int status, const char *type, char *body, size_t len,
                     const char *filename)
{
    free(call->resp->body);
    call->resp->status = status;
    call->resp->content_type = type;
    call->resp->body = body;
    call->resp->body_len = len;
    if (!filename)
        return;
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    http_add_header(call->resp, "Content-Disposition", disposition);
}
