/*
 * report_run.c — running one aggregate report (see report.h): its tables counted in one
 * read transaction, built into dense tables (report_table.c), small numbers suppressed
 * when the report is shared or the role always needs it (disclosure.h), and the read
 * audited.
 */
#include "core/report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "core/account/audit.h"
#include "core/account/policy.h"
#include "core/report/disclosure.h"
#include "core/report/report_impl.h"

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

/* ---- one table ---- */

static qg_code run_table(db *conn, const run_ctx *ctx, const table_spec *spec,
                         report_table *out, qg_error *err)
{
    builder b = {0};
    qg_code c = report_fill(conn, ctx, spec, &b, err);
    if (c == QG_OK)
        c = table_from_builder(spec, &b, out, err);
    builder_free(&b);
    return c;
}

/* ---- protection ---- */

/* Suppresses small numbers in t with threshold k through the extended grid. */
static qg_code protect_table(report_table *t, int k, qg_error *err)
{
    size_t R = t->rows.n, C = t->cols.n;
    if (R == 0)
        return QG_OK;
    size_t n = (R + 1) * (C + 1);
    disclosure_grid g = {R, C, calloc(n, sizeof(int64_t)), calloc(n, sizeof(bool))};
    if (!g.entries || !g.suppressed) {
        free(g.entries);
        free(g.suppressed);
        return oom(err);
    }
    for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < C; c++)
            g.entries[disclosure_at(&g, r, c)] = t->counts[r * C + c];
    disclosure_fill_totals(&g);
    size_t w = disclosure_protect(&g, k);
    for (size_t r = 0; r < R; r++) {
        for (size_t c = 0; c < C; c++)
            t->suppressed[r * C + c] = g.suppressed[disclosure_at(&g, r, c)];
        t->row_total_suppressed[r] = g.suppressed[disclosure_at(&g, r, C)];
    }
    for (size_t c = 0; c < C; c++)
        t->col_total_suppressed[c] = g.suppressed[disclosure_at(&g, R, c)];
    t->grand_suppressed = g.suppressed[disclosure_at(&g, R, C)];
    free(g.entries);
    free(g.suppressed);
    if (w == (size_t)-1)
        return oom(err);
    t->suppressed_cells = w;
    return QG_OK;
}

/* ---- the whole report ---- */

/* Fills ctx from q and the actor's scope. */
static void make_ctx(const qg_actor *actor, const report_query *q, run_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->org_id = policy_report_org(actor);
    snprintf(ctx->from, sizeof ctx->from, "%04d", q->from_year ? q->from_year : 0);
    snprintf(ctx->to, sizeof ctx->to, "%04d", q->to_year ? q->to_year + 1 : 9999);
    ctx->region = q->region;
    text_today(ctx->today);
}

typedef struct {
    const report_def *def;
    const run_ctx *ctx;
    report *r;
} tables_job;

/* Runs every table of the report in one read transaction (one snapshot). */
static qg_code tables_in_read(db *conn, void *arg, qg_error *err)
{
    tables_job *j = arg;
    qg_code c = db_begin_read(conn, err);
    for (size_t i = 0; c == QG_OK && i < j->def->n; i++) {
        c = run_table(conn, j->ctx, j->def->tables[i], &j->r->tables[i], err);
        if (c == QG_OK)
            j->r->ntables = i + 1;
    }
    db_rollback(conn);
    return c;
}

static qg_code run_tables(qg_app *app, const report_def *def, const run_ctx *ctx, report *r,
                          qg_error *err)
{
    tables_job j = {def, ctx, r};
    return app_read(app, tables_in_read, &j, err);
}

static qg_code protect_all(report *r, qg_error *err)
{
    for (size_t i = 0; i < r->ntables; i++) {
        qg_code c = r->protected_ ? protect_table(&r->tables[i], r->k, err) : QG_OK;
        if (c != QG_OK)
            return c;
        r->suppressed_cells += r->tables[i].suppressed_cells;
    }
    return QG_OK;
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const report *r;
} audit_job;

static qg_code audit_in_tx(db *conn, void *arg, qg_error *err)
{
    audit_job *j = arg;
    json_t *detail = json_pack("{s:s, s:b, s:i}", "name", j->r->name, "shared",
                               j->r->protected_, "k", j->r->protected_ ? j->r->k : 0);
    if (!detail)
        return oom(err);
    qg_code c = audit_append(conn, j->app->keys, j->actor, "report.read", NULL, detail, err);
    json_decref(detail);
    return c;
}

static report *report_new(const report_def *def, const qg_actor *actor, const report_query *q,
                          const run_ctx *ctx)
{
    report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->name = strdup(def->name);
    r->tables = calloc(def->n, sizeof *r->tables);
    r->region = q->region ? strdup(q->region) : NULL;
    if (!r->name || !r->tables || (q->region && !r->region)) {
        report_free(r);
        return NULL;
    }
    r->protected_ = q->shared || policy_report_always_protected(actor);
    r->k = q->k ? q->k : REPORT_K_DEFAULT;
    r->from_year = q->from_year;
    r->to_year = q->to_year;
    r->org_id = ctx->org_id;
    return r;
}

qg_code report_run(qg_app *app, const qg_actor *actor, const report_query *q, report **out,
                   qg_error *err)
{
    *out = NULL;
    qg_code c = report_check(actor, q, err);
    if (c != QG_OK)
        return c;
    const report_def *def = report_find(q->name);
    run_ctx ctx;
    make_ctx(actor, q, &ctx);
    report *r = report_new(def, actor, q, &ctx);
    if (!r)
        return oom(err);
    c = run_tables(app, def, &ctx, r, err);
    if (c == QG_OK)
        c = protect_all(r, err);
    audit_job j = {app, actor, r};
    if (c == QG_OK)
        c = writer_run(app->writer, audit_in_tx, &j, err);
    if (c != QG_OK) {
        report_free(r);
        return c;
    }
    *out = r;
    return QG_OK;
}
