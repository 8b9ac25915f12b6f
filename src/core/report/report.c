/*
 * report.c — the aggregate reports (see report.h) and how each is counted: checking
 * the query, the scope and protection by role, one SQL aggregate per table (each a
 * string literal, since db_prepare caches by the SQL pointer) and the counting in C.
 * Running a report (tables, suppression, audit) is report_run.c.
 *
 * Every query returns (row key, column key, count) rows and binds the same filters:
 * 1-2 organisation (0 = all), 3-4 the identification dates [from, to) as text, 5-6 the
 * region (NULL = all; "unknown" = none recorded). Cases with stats_excluded = 1 are
 * never counted, nor withdrawn ones (which also have stats_excluded = 1: both say it).
 */
#include "core/report/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/policy.h"
#include "core/report/report_impl.h"
#include "base/text.h"

/* The filter every query carries, after "WHERE". */
#define CASE_FILTER                                                                    \
    " c.stats_excluded = 0 AND c.status <> 'withdrawn' AND (? = 0 OR c.org_id = ?)"     \
    " AND c.identified_on >= ? AND c.identified_on < ?"                                \
    " AND (CAST(? AS TEXT) IS NULL OR COALESCE(c.region, 'unknown') = ?)"

#define YEAR_OF " substr(c.identified_on, 1, 4)"

/* The tables over cases (victims, exploitation, regions, age-bands) return one
 * (row key, column key) row per case (per case-form) and are counted in C: on a
 * million cases SQLite's GROUP BY spends more time sorting the rows than reading them
 * (docs/performance.md, Reports). */

/* victims: year × category (men, women: 18 and over; boys, girls: under 18), the
 * category decided in C (victim_category) from the raw columns. */
static const char SQL_VICTIMS[] =
    "SELECT c.identified_on, c.sex, c.age_at_identification FROM cases c WHERE" CASE_FILTER;

/* exploitation: year × form; a case with two forms counts under each, none = unknown.
 * Counted as a merge in C of the cases (by id) and the forms (by case id, the primary
 * key's order): on a million cases that is about twice as fast as SQLite's own LEFT
 * JOIN, which probes the forms' index once per case. */
static const char SQL_EXPLOITATION_CASES[] =
    "SELECT c.id, c.identified_on FROM cases c WHERE" CASE_FILTER " ORDER BY c.id";
static const char SQL_EXPLOITATION_FORMS[] =
    "SELECT e.case_id, e.form FROM case_exploitation e ORDER BY e.case_id";

/* regions: region × year. */
static const char SQL_REGIONS[] =
    "SELECT COALESCE(c.region, 'unknown')," YEAR_OF
    " FROM cases c WHERE" CASE_FILTER;

/* age-bands: age band × sex. */
static const char SQL_AGE_BANDS[] =
    "SELECT CASE WHEN c.age_at_identification IS NULL THEN 'unknown'"
    " WHEN c.age_at_identification <= 8 THEN '0-8'"
    " WHEN c.age_at_identification <= 13 THEN '9-13'"
    " WHEN c.age_at_identification <= 17 THEN '14-17' ELSE '18+' END,"
    " CASE WHEN c.sex = 'Feminine' THEN 'female' WHEN c.sex = 'Masculine' THEN 'male'"
    " ELSE 'other_or_unknown' END"
    " FROM cases c WHERE" CASE_FILTER;

/* flows: origin (first recruitment event) × destination (place of exploitation, else
 * the first exploitation event). */
static const char SQL_FLOWS[] =
    "SELECT COALESCE((SELECT r.place FROM case_route r WHERE r.case_id = c.id"
    "  AND r.event = 'recruitment' ORDER BY r.n LIMIT 1), 'unknown'),"
    " COALESCE(c.exploitation_place, (SELECT r.place FROM case_route r"
    "  WHERE r.case_id = c.id AND r.event = 'exploitation' ORDER BY r.n LIMIT 1),"
    "  'unknown'),"
    " COUNT(*) FROM cases c WHERE" CASE_FILTER " GROUP BY 1, 2";

/* process: open cases by stage. */
static const char SQL_STAGES[] =
    "SELECT c.stage, 'count', COUNT(*) FROM cases c"
    " WHERE c.status = 'open' AND" CASE_FILTER " GROUP BY 1, 2";

/* process: referrals by service and outcome (the referred case's filters). */
static const char SQL_REFERRALS[] =
    "SELECT f.service, f.status, COUNT(*) FROM referrals f"
    " JOIN cases c ON c.id = f.case_id WHERE" CASE_FILTER " GROUP BY 1, 2";

/* process: open tasks of open cases past their due date (7: today), by task stage. */
static const char SQL_TASKS[] =
    "SELECT t.stage, 'count', COUNT(*) FROM tasks t JOIN cases c ON c.id = t.case_id"
    " WHERE c.status = 'open' AND t.status = 'open' AND" CASE_FILTER
    " AND t.due_on < ? GROUP BY 1, 2";

/* process: per case, the identification date and the first assessment and safety
 * plan (days between are counted in C: date arithmetic differs between engines). */
static const char SQL_DELAYS[] =
    "SELECT c.identified_on,"
    " (SELECT MIN(r.on_date) FROM case_records r WHERE r.case_id = c.id"
    "  AND r.kind = 'assessment'),"
    " (SELECT MIN(r.on_date) FROM case_records r WHERE r.case_id = c.id"
    "  AND r.kind = 'safety_plan')"
    " FROM cases c WHERE" CASE_FILTER;

static const char *const CATEGORIES[] = {"men", "women", "boys", "girls", "unknown", NULL};
static const char *const AGE_BANDS[] = {"0-8", "9-13", "14-17", "18+", "unknown", NULL};
static const char *const SEXES[] = {"female", "male", "other_or_unknown", NULL};
static const char *const MEASURES[] = {"first_assessment", "first_safety_plan", NULL};
static const char *const DELAYS[] = {"0-7", "8-30", "31-90", "over_90", "never", NULL};
static const char *const COUNT_ONLY[] = {"count", NULL};

static qg_code fill_delays(db *conn, const run_ctx *ctx, builder *b, qg_error *err);
static qg_code fill_exploitation(db *conn, const run_ctx *ctx, builder *b, qg_error *err);
static qg_code fill_victims(db *conn, const run_ctx *ctx, builder *b, qg_error *err);

static const table_spec T_VICTIMS = {"victims",  "year", "category", true, false,        NULL, NULL,
                                     CATEGORIES, NULL,   false,      NULL, fill_victims, false};
static const table_spec T_EXPLOITATION = {
    "exploitation", "year", "form", true, false, NULL, NULL, NULL,
    &VOCAB_EXPLOITATION_FORM, true, NULL, fill_exploitation, false};
static const table_spec T_REGIONS = {"regions", "region", "year", false, true, NULL,
                                     &VOCAB_REGION, NULL, NULL, true, SQL_REGIONS, NULL, true};
static const table_spec T_AGE_BANDS = {"age-bands",   "age_band", "sex", false, false,
                                       AGE_BANDS,     NULL,       SEXES, NULL,  false,
                                       SQL_AGE_BANDS, NULL,       true};
static const table_spec T_FLOWS = {"flows", "origin", "destination", false, false, NULL,
                                   NULL, NULL, NULL, false, SQL_FLOWS, NULL, false};
static const table_spec T_STAGES = {"stages", "stage", NULL, false, false, NULL,
                                    &VOCAB_STAGE, COUNT_ONLY, NULL, false, SQL_STAGES, NULL, false};
static const table_spec T_DELAYS = {"delays", "measure", "delay", false, false, MEASURES,
                                    NULL, DELAYS, NULL, false, NULL, fill_delays, false};
static const table_spec T_REFERRALS = {"referrals", "service", "outcome", false, false, NULL,
                                       NULL, NULL, &VOCAB_REFERRAL_STATUS, false, SQL_REFERRALS,
                                       NULL, false};
static const table_spec T_TASKS = {"overdue_tasks", "stage", NULL, false, false, NULL,
                                   &VOCAB_STAGE, COUNT_ONLY, NULL, false, SQL_TASKS, NULL, false};

static const report_def REPORTS[] = {
    {"victims", {&T_VICTIMS}, 1},
    {"exploitation", {&T_EXPLOITATION}, 1},
    {"regions", {&T_REGIONS}, 1},
    {"age-bands", {&T_AGE_BANDS}, 1},
    {"flows", {&T_FLOWS}, 1},
    {"process", {&T_STAGES, &T_DELAYS, &T_REFERRALS, &T_TASKS}, 4},
};
#define NREPORTS (sizeof REPORTS / sizeof REPORTS[0])

static const char *const NAMES[] = {"victims", "exploitation", "regions", "age-bands",
                                    "flows", "process", NULL};

const char *const *report_names(void)
{
    return NAMES;
}

const report_def *report_find(const char *name)
{
    for (size_t i = 0; name && i < NREPORTS; i++)
        if (strcmp(REPORTS[i].name, name) == 0)
            return &REPORTS[i];
    return NULL;
}

bool report_known(const char *name)
{
    return report_find(name) != NULL;
}

/* ---- checks and scope ---- */

qg_code report_check_years(int from_year, int to_year, qg_error *err)
{
    if (from_year && (from_year < 1900 || from_year > 2100))
        return qg_fail(err, QG_EINVAL, "from", "year.out_of_range",
                       "must be a year from 1900 to 2100");
    if (to_year && (to_year < 1900 || to_year > 2100))
        return qg_fail(err, QG_EINVAL, "to", "year.out_of_range",
                       "must be a year from 1900 to 2100");
    if (from_year && to_year && from_year > to_year)
        return qg_fail(err, QG_EINVAL, "to", "period.reversed", "must not be before from");
    return QG_OK;
}

qg_code report_check(const qg_actor *actor, const report_query *q, qg_error *err)
{
    if (policy_decide(actor, ACT_REPORT_READ, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not read reports");
    if (!report_known(q->name))
        return qg_fail(err, QG_EINVAL, "name", "value.not_in_list",
                       "must be victims, exploitation, regions, age-bands, flows or process");
    qg_code c = report_check_years(q->from_year, q->to_year, err);
    if (c != QG_OK)
        return c;
    if (q->region && strcmp(q->region, "unknown") != 0 && !vocab_has(&VOCAB_REGION, q->region))
        return qg_fail(err, QG_EINVAL, "region", "value.not_in_list",
                       "must be a region code or unknown");
    if (q->k && (q->k < REPORT_K_MIN || q->k > REPORT_K_MAX))
        return qg_fail(err, QG_EINVAL, "k", "number.out_of_range", "must be from 2 to 100");
    if (q->k && q->k < REPORT_K_DEFAULT && policy_report_always_protected(actor))
        return qg_fail(err, QG_EINVAL, "k", "k.too_small", "must be at least 5 for an analyst");
    return QG_OK;
}

/* ---- builder: (row key, column key, count) triples into a dense table ---- */

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* Returns the index of key in ks, adding a copy when absent; (size_t)-1 when out of
 * memory. */
static size_t keyset_index(keyset *ks, const char *key)
{
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->v[i], key) == 0)
            return i;
    char *copy = strdup(key);
    if (!copy || !grow((void **)&ks->v, &ks->cap, ks->n + 1, sizeof *ks->v)) {
        free(copy);
        return (size_t)-1;
    }
    ks->v[ks->n] = copy;
    return ks->n++;
}

qg_code builder_add(builder *b, const char *row, const char *col, int64_t n, qg_error *err)
{
    size_t r = keyset_index(&b->rows, row ? row : "unknown");
    size_t c = keyset_index(&b->cols, col ? col : "unknown");
    if (r == (size_t)-1 || c == (size_t)-1 ||
        !grow((void **)&b->t, &b->cap, b->nt + 1, sizeof *b->t))
        return oom(err);
    b->t[b->nt++] = (triple){r, c, n};
    return QG_OK;
}

static void keyset_free(keyset *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        free(ks->v[i]);
    free(ks->v);
}

void builder_free(builder *b)
{
    keyset_free(&b->rows);
    keyset_free(&b->cols);
    free(b->t);
}

/* ---- running one table ---- */

static void bind_filters(db_stmt *st, const run_ctx *ctx)
{
    db_bind_int(st, 1, ctx->org_id);
    db_bind_int(st, 2, ctx->org_id);
    db_bind_text(st, 3, ctx->from);
    db_bind_text(st, 4, ctx->to);
    db_bind_text(st, 5, ctx->region);
    db_bind_text(st, 6, ctx->region);
}

static qg_code fill_sql(db *conn, const run_ctx *ctx, const table_spec *spec, builder *b,
                        qg_error *err)
{
    db_stmt *st = db_prepare(conn, spec->sql, err);
    if (!st)
        return err->code;
    bind_filters(st, ctx);
    if (spec->sql == SQL_TASKS)
        db_bind_text(st, 7, ctx->today);
    qg_code c = QG_OK;
    int rc;
    while (c == QG_OK && (rc = db_step(st, err)) == 1)
        c = builder_add(b, db_col_text(st, 0), db_col_text(st, 1), db_col_int(st, 2), err);
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}

/* Counting in C: each distinct key gets an index (a linear search over a handful of
 * keys, the last hit tried first), and counts live in a dense matrix that grows. */
typedef struct {
    keyset rows, cols;
    size_t last_r, last_c;
    int64_t *m; /* cap_r × cap_c */
    size_t cap_r, cap_c;
} counter;

static size_t counter_key(keyset *ks, size_t *last, const char *key)
{
    if (*last < ks->n && strcmp(ks->v[*last], key) == 0)
        return *last;
    size_t i = keyset_index(ks, key);
    if (i != (size_t)-1)
        *last = i;
    return i;
}

/* Makes room for cell (r, c). Returns false when out of memory. */
static bool counter_room(counter *k, size_t r, size_t c)
{
    if (r < k->cap_r && c < k->cap_c)
        return true;
    size_t nr = k->cap_r ? k->cap_r : 16, nc = k->cap_c ? k->cap_c : 16;
    while (nr <= r)
        nr *= 2;
    while (nc <= c)
        nc *= 2;
    int64_t *m = calloc(nr * nc, sizeof *m);
    if (!m)
        return false;
    for (size_t i = 0; i < k->cap_r; i++)
        memcpy(m + i * nc, k->m + i * k->cap_c, k->cap_c * sizeof *m);
    free(k->m);
    k->m = m;
    k->cap_r = nr;
    k->cap_c = nc;
    return true;
}

static qg_code counter_add(counter *k, const char *row, const char *col, qg_error *err)
{
    size_t r = counter_key(&k->rows, &k->last_r, row ? row : "unknown");
    size_t c = counter_key(&k->cols, &k->last_c, col ? col : "unknown");
    if (r == (size_t)-1 || c == (size_t)-1 || !counter_room(k, r, c))
        return oom(err);
    k->m[r * k->cap_c + c]++;
    return QG_OK;
}

/* Hands the non-zero counts to the builder and frees the counter. */
static qg_code counter_flush(counter *k, builder *b, qg_error *err)
{
    qg_code c = QG_OK;
    for (size_t i = 0; c == QG_OK && i < k->rows.n; i++)
        for (size_t j = 0; c == QG_OK && j < k->cols.n; j++)
            if (k->m[i * k->cap_c + j])
                c = builder_add(b, k->rows.v[i], k->cols.v[j], k->m[i * k->cap_c + j], err);
    keyset_free(&k->rows);
    keyset_free(&k->cols);
    free(k->m);
    return c;
}

/* Runs sql (one (row key, column key) row per counted thing) and counts in C. */
static qg_code count_rows(db *conn, const run_ctx *ctx, const char *sql, builder *b,
                          qg_error *err)
{
    counter k = {0};
    db_stmt *st = db_prepare(conn, sql, err);
    if (!st)
        return err->code;
    bind_filters(st, ctx);
    qg_code c = QG_OK;
    int rc;
    while (c == QG_OK && (rc = db_step(st, err)) == 1)
        c = counter_add(&k, db_col_text(st, 0), db_col_text(st, 1), err);
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    qg_code f = counter_flush(&k, b, err);
    return c != QG_OK ? c : f;
}

/* The victims category of a case: men or women (Masculine or Feminine, 18 and over),
 * boys or girls (under 18); another sex code or no age: unknown. */
static const char *victim_category(const char *sex, bool has_age, int64_t age)
{
    bool male = sex && strcmp(sex, "Masculine") == 0;
    bool female = sex && strcmp(sex, "Feminine") == 0;
    if (!has_age || (!male && !female))
        return "unknown";
    if (age >= 18)
        return male ? "men" : "women";
    return male ? "boys" : "girls";
}

/* Copies the year of a YYYY-MM-DD date into year (5 bytes). */
static void year_of(const char *on, char year[5])
{
    memcpy(year, on && strlen(on) >= 4 ? on : "0000", 4);
    year[4] = '\0';
}

static qg_code fill_victims(db *conn, const run_ctx *ctx, builder *b, qg_error *err)
{
    counter k = {0};
    db_stmt *st = db_prepare(conn, SQL_VICTIMS, err);
    if (!st)
        return err->code;
    bind_filters(st, ctx);
    qg_code c = QG_OK;
    int rc;
    char year[5];
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        year_of(db_col_text(st, 0), year);
        c = counter_add(&k, year,
                        victim_category(db_col_text(st, 1), !db_col_null(st, 2),
                                        db_col_int(st, 2)),
                        err);
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    qg_code f = counter_flush(&k, b, err);
    return c != QG_OK ? c : f;
}

/* The forms cursor of the exploitation merge: the current (case id, form) row. */
typedef struct {
    db_stmt *st;
    int rc; /* 1 while a row is current */
    int64_t case_id;
} form_cursor;

static void form_next(form_cursor *f, qg_error *err)
{
    f->rc = db_step(f->st, err);
    f->case_id = f->rc == 1 ? db_col_int(f->st, 0) : INT64_MAX;
}

/* Counts the forms of case id (skipping forms of cases not selected) under year;
 * a case without any form counts under "unknown". */
static qg_code count_case_forms(counter *k, form_cursor *f, int64_t id, const char *year,
                                qg_error *err)
{
    qg_code c = QG_OK;
    bool any = false;
    while (f->rc == 1 && f->case_id < id)
        form_next(f, err);
    while (c == QG_OK && f->rc == 1 && f->case_id == id) {
        c = counter_add(k, year, db_col_text(f->st, 1), err);
        any = true;
        form_next(f, err);
    }
    if (c == QG_OK && f->rc < 0)
        c = err->code;
    if (c == QG_OK && !any)
        c = counter_add(k, year, "unknown", err);
    return c;
}

static qg_code fill_exploitation(db *conn, const run_ctx *ctx, builder *b, qg_error *err)
{
    counter k = {0};
    db_stmt *cs = db_prepare(conn, SQL_EXPLOITATION_CASES, err);
    form_cursor f = {cs ? db_prepare(conn, SQL_EXPLOITATION_FORMS, err) : NULL, 0, 0};
    if (!cs || !f.st) {
        db_done(cs);
        return err->code;
    }
    bind_filters(cs, ctx);
    form_next(&f, err);
    qg_code c = f.rc < 0 ? err->code : QG_OK;
    int rc = 0;
    char year[5];
    while (c == QG_OK && (rc = db_step(cs, err)) == 1) {
        year_of(db_col_text(cs, 1), year);
        c = count_case_forms(&k, &f, db_col_int(cs, 0), year, err);
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(f.st);
    db_done(cs);
    qg_code fl = counter_flush(&k, b, err);
    return c != QG_OK ? c : fl;
}

/* Days from 1970-01-01 to "YYYY-MM-DD" (proleptic Gregorian); false when s is not a
 * date. */
static bool day_number(const char *s, int64_t *out)
{
    int y, m, d;
    if (!s || !text_parse_date(s, &y, &m, &d))
        return false;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = era * 146097 + doe - 719468;
    return true;
}

/* The delay bucket from identified to first (NULL = never). A record dated before the
 * identification counts as 0 days. */
static const char *delay_bucket(const char *identified, const char *first)
{
    int64_t a, b;
    if (!first || !day_number(identified, &a) || !day_number(first, &b))
        return "never";
    int64_t days = b - a;
    return days <= 7 ? "0-7" : days <= 30 ? "8-30" : days <= 90 ? "31-90" : "over_90";
}

static size_t bucket_index(const char *bucket)
{
    for (size_t i = 0; DELAYS[i]; i++)
        if (strcmp(DELAYS[i], bucket) == 0)
            return i;
    return 0;
}

static qg_code fill_delays(db *conn, const run_ctx *ctx, builder *b, qg_error *err)
{
    int64_t counts[2][5] = {{0}};
    db_stmt *st = db_prepare(conn, SQL_DELAYS, err);
    if (!st)
        return err->code;
    bind_filters(st, ctx);
    int rc;
    while ((rc = db_step(st, err)) == 1)
        for (int m = 0; m < 2; m++)
            counts[m][bucket_index(delay_bucket(db_col_text(st, 0), db_col_text(st, 1 + m)))]++;
    db_done(st);
    if (rc < 0)
        return err->code;
    for (int m = 0; m < 2; m++)
        for (size_t i = 0; i < 5; i++) {
            qg_code c = builder_add(b, MEASURES[m], DELAYS[i], counts[m][i], err);
            if (c != QG_OK)
                return c;
        }
    return QG_OK;
}

qg_code report_fill(db *conn, const run_ctx *ctx, const table_spec *spec, builder *b,
                    qg_error *err)
{
    return spec->fill       ? spec->fill(conn, ctx, b, err)
           : spec->per_row ? count_rows(conn, ctx, spec->sql, b, err)
                           : fill_sql(conn, ctx, spec, b, err);
}

/* ---- freeing ---- */

static void dim_free(report_dim *d)
{
    for (size_t i = 0; d->keys && i < d->n; i++)
        free(d->keys[i]);
    free(d->keys);
    free(d->name);
}

void report_table_free(report_table *t)
{
    dim_free(&t->rows);
    dim_free(&t->cols);
    free(t->name);
    free(t->counts);
    free(t->suppressed);
    free(t->row_totals);
    free(t->row_total_suppressed);
    free(t->col_totals);
    free(t->col_total_suppressed);
}

void report_free(report *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->tables && i < r->ntables; i++)
        report_table_free(&r->tables[i]);
    free(r->tables);
    free(r->name);
    free(r->region);
    free(r);
}
