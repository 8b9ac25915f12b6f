/*
 * api_dataset.c — GET /api/v1/datasets/anonymised?k=&format=csv|json&from=&to=: the
 * anonymised case-level dataset (core/dataset.h) for analysts (every organisation) and
 * supervisors (their own). JSON is {"summary", "records"}; CSV is a download holding
 * only the table, with the summary in short (dataset_summary_brief) in the
 * X-Qorgau-Dataset-Summary header; format=json carries the full summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_call.h"
#include "core/report/dataset.h"
#include "core/account/policy.h"
#include "core/common/json_text.h"

/* Reads the query into q; false after answering 400 naming the parameter. */
static bool read_query(api_call *call, dataset_query *q, bool *csv)
{
    int64_t from, to, k;
    if (!api_query_int(call, "from", 0, 1900, 2100, &from) ||
        !api_query_int(call, "to", 0, 1900, 2100, &to) ||
        !api_query_int(call, "k", DATASET_K_DEFAULT, DATASET_K_MIN, DATASET_K_MAX, &k))
        return false;
    const char *format = http_query(call->req, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        api_fail_new(call, QG_EINVAL, "format", "format.unknown", "must be csv or json");
        return false;
    }
    *csv = format && strcmp(format, "csv") == 0;
    q->from_year = (int)from;
    q->to_year = (int)to;
    q->k = (int)k;
    return true;
}

/* Answers d as a CSV attachment with the summary in a header. */
static void reply_csv(api_call *call, const dataset *d)
{
    char *buf = NULL, name[64];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = f ? dataset_write_csv(d, f) : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    json_t *s = dataset_summary_brief(d);
    char *summary = s ? qg_json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(s);
    bool added = rc == 0 && summary &&
                 http_add_header(call->resp, "X-Qorgau-Dataset-Summary", summary);
    free(summary);
    if (!added) { /* never sent without the summary of what was removed */
        free(buf);
        api_fail_new(call, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        return;
    }
    snprintf(name, sizeof name, "qorgau-dataset-k%d.csv", d->summary.k);
    api_reply_bytes(call, 200, "text/csv; charset=utf-8", buf, len, name);
}

void api_datasets_anonymised(api_call *call)
{
    dataset_query q = {0};
    bool csv = false;
    dataset *d = NULL;
    qg_error err = {0};
    if (policy_decide(&call->who.actor, ACT_REPORT_READ, NULL) != POLICY_ALLOW) {
        api_fail_new(call, QG_EFORBIDDEN, NULL, "role.not_allowed",
                     "your role may not export datasets");
        return;
    }
    if (!read_query(call, &q, &csv))
        return;
    qg_code c = dataset_run(call->api->app, &call->who.actor, &q, &d, &err);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    json_t *body = csv ? NULL : dataset_to_json(d);
    if (csv)
        reply_csv(call, d);
    else if (!body)
        api_fail_new(call, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    else
        api_reply(call, 200, body);
    dataset_free(d);
}
