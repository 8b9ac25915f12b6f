/*
 * api_report.c — GET /api/v1/reports/:name?from=&to=&region=&shared=&k=
 * &format=json|csv|xlsx&lang=kk|ru|en&table=: an aggregate report (core/report.h) as
 * JSON, or as a CSV (one table per file: `table`, default the first; labels in `lang`,
 * default kk) or XLSX download. Analysts always get protected figures; a supervisor sees
 * their own organisation's cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_call.h"
#include "core/account/policy.h"
#include "core/report/report.h"
#include "core/report/report_xlsx.h"

typedef enum { AS_JSON, AS_CSV, AS_XLSX } reply_format;

/* Reads the query into q; false after answering 400 naming the parameter. */
static bool read_query(api_call *call, report_query *q, reply_format *as)
{
    int64_t from, to, shared, k;
    if (!api_query_int(call, "from", 0, 1900, 2100, &from) ||
        !api_query_int(call, "to", 0, 1900, 2100, &to) ||
        !api_query_int(call, "shared", 0, 0, 1, &shared) ||
        !api_query_int(call, "k", 0, REPORT_K_MIN, REPORT_K_MAX, &k))
        return false;
    const char *format = http_query(call->req, "format");
    const char *lang = http_query(call->req, "lang");
    *as = !format || strcmp(format, "json") == 0 ? AS_JSON
          : strcmp(format, "csv") == 0           ? AS_CSV
          : strcmp(format, "xlsx") == 0          ? AS_XLSX
                                                 : (reply_format)-1;
    if (*as == (reply_format)-1) {
        api_fail_new(call, QG_EINVAL, "format", "format.unknown", "must be json, csv or xlsx");
        return false;
    }
    if (lang && !report_lang_known(lang)) {
        api_fail_new(call, QG_EINVAL, "lang", "lang.unknown", "must be kk, ru or en");
        return false;
    }
    q->name = call->params[0];
    q->from_year = (int)from;
    q->to_year = (int)to;
    q->shared = shared != 0;
    q->k = (int)k;
    q->region = http_query(call->req, "region");
    return true;
}

/* Answers table `table` (default the first) of r as a CSV attachment in `lang`, or
 * 400 naming "table" when r has no such table. */
static void reply_csv(api_call *call, const report *r)
{
    char *buf = NULL, name[128];
    size_t len = 0, table = 0;
    const char *want = http_query(call->req, "table");
    const char *lang = http_query(call->req, "lang");
    if (want && !report_table_find(r, want, &table)) {
        api_fail_new(call, QG_EINVAL, "table", "report.unknown_table",
                     "is not a table of this report");
        return;
    }
    lang = lang ? lang : REPORT_LANG_DEFAULT;
    FILE *f = open_memstream(&buf, &len);
    int rc = f ? report_write_csv(r, table, lang, f) : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc != 0) {
        free(buf);
        api_fail_new(call, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        return;
    }
    snprintf(name, sizeof name, "report-%s-%s-%s.csv", r->name, r->tables[table].name, lang);
    api_reply_bytes(call, 200, "text/csv; charset=utf-8", buf, len, name);
}

/* Answers r as an XLSX attachment. */
static void reply_xlsx(api_call *call, const report *r)
{
    char *buf = NULL, name[64];
    size_t len = 0;
    qg_error err = {0};
    if (report_xlsx_bytes(r, http_query(call->req, "lang"), &buf, &len, &err) != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    snprintf(name, sizeof name, "report-%s.xlsx", r->name);
    api_reply_bytes(call, 200, REPORT_XLSX_MIME, buf, len, name);
}

void api_reports_show(api_call *call)
{
    report_query q = {0};
    reply_format as = AS_JSON;
    report *r = NULL;
    qg_error err = {0};
    if (policy_decide(&call->who.actor, ACT_REPORT_READ, NULL) != POLICY_ALLOW) {
        api_fail_new(call, QG_EFORBIDDEN, NULL, "role.not_allowed",
                     "your role may not read reports");
        return;
    }
    if (!read_query(call, &q, &as))
        return;
    qg_code c = report_run(call->api->app, &call->who.actor, &q, &r, &err);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    json_t *body = as != AS_JSON ? NULL : report_to_json(r);
    if (as == AS_CSV)
        reply_csv(call, r);
    else if (as == AS_XLSX)
        reply_xlsx(call, r);
    else if (!body)
        api_fail_new(call, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    else
        api_reply(call, 200, body);
    report_free(r);
}
