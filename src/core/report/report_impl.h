/*
 * report_impl.h — internal to the report module (report.c holds the reports and counts
 * their rows, report_table.c turns the rows into dense tables, report_run.c runs a
 * report): the description of one table,
 * the run's filters, and the builder that gathers (row key, column key, count) rows.
 */
#ifndef QG_REPORT_IMPL_H
#define QG_REPORT_IMPL_H

#include "core/report/report.h"
#include "store/db.h"

/* The filters of one run, ready to bind. */
typedef struct {
    int64_t org_id;     /* 0 = every organisation */
    char from[12];      /* identified_on >= from ("0000" when open) */
    char to[12];        /* identified_on < to ("9999" when open) */
    const char *region; /* NULL = every region; borrowed */
    char today[11];     /* for overdue tasks */
} run_ctx;

/* A growing set of keys (owned copies), in the order first seen. */
typedef struct {
    char **v;
    size_t n, cap;
} keyset;

typedef struct {
    size_t r, c; /* indexes into the builder's key sets */
    int64_t n;
} triple;

typedef struct {
    keyset rows, cols;
    triple *t;
    size_t nt, cap;
} builder;

typedef struct table_spec table_spec;

/* How one table is made. Keys of a dimension are, in order: the fixed list (or the
 * vocabulary's codes), each shown even when its count is 0; then any other key seen in
 * the data, sorted; "unknown" (when with_unknown or seen) last. Year dimensions run
 * from the first to the last year seen without gaps. */
struct table_spec {
    const char *name;
    const char *row_dim;
    const char *col_dim; /* NULL: a 1-D table (column key "count") */
    bool row_year, col_year;
    const char *const *row_fixed;
    const vocab_list *row_vocab;
    const char *const *col_fixed;
    const vocab_list *col_vocab;
    bool with_unknown; /* always show "unknown" in the vocabulary dimension */
    const char *sql;   /* (row key, column key, count) rows; NULL when fill is set */
    qg_code (*fill)(db *conn, const run_ctx *ctx, builder *b, qg_error *err);
    bool per_row;      /* sql gives one (row key, column key) row per thing counted */
};

/* Adds one count (NULL keys are "unknown"). QG_ENOMEM on failure. */
qg_code builder_add(builder *b, const char *row, const char *col, int64_t n, qg_error *err);

/* Builds the dense table *out (zeroed first; on failure left freed) from b's rows in
 * spec's key order, with totals and no suppression. */
qg_code table_from_builder(const table_spec *spec, const builder *b, report_table *out,
                           qg_error *err);

/* One report: its name and its tables, in order. */
typedef struct {
    const char *name;
    const table_spec *tables[4];
    size_t n;
} report_def;

/* The report called name, or NULL when there is none (report.c holds the list). */
const report_def *report_find(const char *name);

/* Fills b with the (row key, column key, count) rows of one table under ctx's filters,
 * by the table's own fill function, its per-row SQL counted in C, or its aggregate
 * SQL. */
qg_code report_fill(db *conn, const run_ctx *ctx, const table_spec *spec, builder *b,
                    qg_error *err);

/* Frees what b owns (not b itself). */
void builder_free(builder *b);

/* Frees what a table owns (not the table itself). */
void report_table_free(report_table *t);

#endif
