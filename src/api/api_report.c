/*
 * api_report.c — GET /api/v1/reports/:name?from=&to=&region=&shared=&k=&format=json|csv:
 * an aggregate report (core/report.h) as JSON, or as a CSV download. Analysts always get
 * protected figures; a supervisor sees their own organisation's cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_call.h"
#include "core/policy.h"
#include "core/report.h"

/* Reads the query into q; false after answering 400 naming the parameter. */
static bool read_query(api_call *call, report_query *q, bool *csv)
{
    int64_t from, to, shared, k;
    if (!api_query_int(call, "from", 0, 1900, 2100, &from) ||
        !api_query_int(call, "to", 0, 1900, 2100, &to) ||
        !api_query_int(call, "shared", 0, 0, 1, &shared) ||
        !api_query_int(call, "k", 0, REPORT_K_MIN, REPORT_K_MAX, &k))
        return false;
    const char *format = http_query(call->req, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        api_fail_new(call, QG_EINVAL, "format", "must be json or csv");
        return false;
    }
    *csv = format && strcmp(format, "csv") == 0;
    q->name = call->params[0];
    q->from_year = (int)from;
    q->to_year = (int)to;
    q->shared = shared != 0;
    q->k = (int)k;
    q->region = http_query(call->req, "region");
    return true;
}

/* Answers r as a CSV attachment. */
static void reply_csv(api_call *call, const report *r)
{
    char *buf = NULL, disposition[96];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = f ? report_write_csv(r, f) : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc != 0) {
        free(buf);
        api_fail_new(call, QG_ENOMEM, NULL, "out of memory");
        return;
    }
    free(call->resp->body);
    call->resp->status = 200;
    call->resp->content_type = "text/csv; charset=utf-8";
    call->resp->body = buf;
    call->resp->body_len = len;
    snprintf(disposition, sizeof disposition, "attachment; filename=\"report-%s.csv\"", r->name);
    http_add_header(call->resp, "Content-Disposition", disposition);
}

void api_reports_show(api_call *call)
{
    report_query q = {0};
    bool csv = false;
    report *r = NULL;
    qg_error err = {0};
    if (policy_decide(&call->who.actor, ACT_REPORT_READ, NULL) != POLICY_ALLOW) {
        api_fail_new(call, QG_EFORBIDDEN, NULL, "your role may not read reports");
        return;
    }
    if (!read_query(call, &q, &csv))
        return;
    qg_code c = report_run(call->api->app, &call->who.actor, &q, &r, &err);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    json_t *body = csv ? NULL : report_to_json(r);
    if (csv)
        reply_csv(call, r);
    else if (!body)
        api_fail_new(call, QG_ENOMEM, NULL, "out of memory");
    else
        api_reply(call, 200, body);
    report_free(r);
}
