/*
 * report.h — aggregate reports (issue 6): victims, exploitation, regions, age-bands,
 * flows and process. A report is one or more count tables; each table is a grid of
 * row keys × column keys (or a single column) with row, column and grand totals, and
 * a suppression flag on every count (protection of small numbers, core/disclosure.h).
 *
 * Keys are codes, never labels: years as decimal text ("2019", flagged numeric so JSON
 * writes them as numbers), regions, countries, exploitation forms, stages ... as the
 * code lists store them; report_key_label gives a key's en/ru/kk labels. Cases whose
 * consent to statistics was withdrawn (cases.stats_excluded = 1) are in no report.
 *
 * Writers: report_to_json (the API and `qorgau report --format json`), report_write_csv
 * (one table per file, labels and codes, RFC 4180 through csv_write_field with the
 * formula guard). The XLSX writer is a
 * separate piece: it reads the same structures.
 */
#ifndef QG_REPORT_H
#define QG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "base/err.h"
#include "core/vocab/vocab.h"

#define REPORT_K_DEFAULT 5 /* smallest published count when protected */
#define REPORT_K_MIN 2     /* --k / ?k= range for roles that may choose */
#define REPORT_K_MAX 100

/* One dimension of a table: its name ("year", "category", "form", ...) and keys. */
typedef struct {
    char *name;     /* owned */
    bool numeric;   /* keys are whole numbers (years): JSON writes them as numbers */
    size_t n;       /* number of keys (>= 1) */
    char **keys;    /* n owned strings, in display order */
} report_dim;

/* One count table. A 1-D table (e.g. open cases by stage) has has_cols false and
 * cols.n == 1 with the single key "count". counts and suppressed are rows.n × cols.n,
 * row-major: cell (r, c) is at [r * cols.n + c]. Totals are the sums of the cells (for
 * exploitation, where a case with two forms counts under each, they count case-forms).
 * A suppressed count is withheld from every writer (JSON null, CSV empty). */
typedef struct {
    char *name;             /* owned: table name ("victims", "stages", "delays" ...) */
    report_dim rows;
    report_dim cols;
    bool has_cols;          /* false for a 1-D table */
    int64_t *counts;        /* owned, rows.n * cols.n */
    bool *suppressed;       /* owned, same layout */
    int64_t *row_totals;    /* owned, rows.n */
    bool *row_total_suppressed;
    int64_t *col_totals;    /* owned, cols.n */
    bool *col_total_suppressed;
    int64_t grand;
    bool grand_suppressed;
    size_t suppressed_cells; /* suppressed cells (totals not counted) */
} report_table;

/* A whole report: one table for victims ... flows, several for process (stages,
 * delays, referrals, tasks). */
typedef struct {
    char *name;              /* owned: the report's name */
    bool protected_;         /* small numbers were suppressed */
    int k;                   /* threshold used when protected_ (counts 1..k-1 withheld) */
    int from_year, to_year;  /* the filter as applied; 0 = open */
    char *region;            /* owned; NULL = every region */
    int64_t org_id;          /* 0 = every organisation, else the one organisation */
    size_t ntables;
    report_table *tables;    /* owned, ntables */
    size_t suppressed_cells; /* over all tables */
} report;

/* What to run. name is one of report_names(); years 0 = open; region NULL = all; k 0
 * = REPORT_K_DEFAULT. shared asks for protection (always on for the analyst role). */
typedef struct {
    const char *name;
    int from_year, to_year;
    const char *region;
    bool shared;
    int k;
} report_query;

/* Returns the NULL-terminated list of report names, in documentation order. */
const char *const *report_names(void);

/* Returns true when name is a report. */
bool report_known(const char *name);

/* Checks q for actor without touching the database: the name (QG_EINVAL field
 * "name"), the years (field "from" / "to": 1900..2100, from <= to), the region (field
 * "region": a region code of VOCAB_REGION or "unknown"), k (field "k": 2..100, and
 * never below REPORT_K_DEFAULT for an analyst), and the role (QG_EFORBIDDEN unless
 * ACT_REPORT_READ allows it). */
qg_code report_check(const qg_actor *actor, const report_query *q, qg_error *err);

/* Checks a year filter: each 0 (open) or 1900..2100, from <= to. Returns QG_OK or
 * QG_EINVAL naming "from" or "to". Shared with the anonymised dataset. */
qg_code report_check_years(int from_year, int to_year, qg_error *err);

/* Runs report q as actor and returns it in *out (caller-owned, report_free). Scope:
 * the system sees every organisation, a supervisor their own, an analyst every
 * organisation. Protection (small numbers suppressed with k): when q->shared, and
 * always for an analyst. Audited "report.read" {name, shared, k}. Errors: those of
 * report_check, QG_EDB, QG_ENOMEM. */
qg_code report_run(qg_app *app, const qg_actor *actor, const report_query *q, report **out,
                   qg_error *err);

/* Frees a report and everything it owns. NULL is allowed. */
void report_free(report *r);

/* Returns a new JSON object (caller-owned) in the shape:
 *   {"report", "protected", "k"?, "filters": {...}, "dimensions": [...],
 *    "rows": [{dim1: key, dim2: key, "count": n | null, "suppressed"?: true}],
 *    "totals": {"rows": [...], "columns": [...], "grand": {...}},
 *    "suppressed_cells": n, "labels": {dimension: {key: {"en","ru","kk"}}},
 *    "tables"?: [...]}
 * For a report of several tables (process) "tables" lists each in the same shape
 * ({"table", "dimensions", "rows", "totals", "suppressed_cells"}) and the top level
 * carries the first one. NULL when out of memory. */
json_t *report_to_json(const report *r);

/* Sets *index to the position of the table called name in r ("victims" ... for a
 * report of one table, whose table has the report's name; "stages", "delays",
 * "referrals", "overdue_tasks" for process) and returns true; false when r has no such
 * table (or name is NULL). */
bool report_table_find(const report *r, const char *name, size_t *index);

/* Writes table number `table` of r as RFC 4180 CSV to out, one table per file, laid out
 * as on the page (docs/reports-csv.md): row 1 the headers as labels in lang (kk, ru or
 * en; anything else = kk), row 2 the same headers as codes; then one row per row key
 * (its label, its code, the counts, the row total) and a last row of totals. A withheld
 * count (suppressed, totals included) is an empty cell. Every field goes through
 * csv_write_field (formula guard). Returns 0, or -1 when writing fails or table is out
 * of range. */
int report_write_csv(const report *r, size_t table, const char *lang, FILE *out);

/* Returns the labels of key in dimension dim ("region", "form", "stage" ...), or NULL
 * when it has none (years, "count"). The entry is static. */
const vocab_entry *report_key_label(const char *dim, const char *key);

#endif
