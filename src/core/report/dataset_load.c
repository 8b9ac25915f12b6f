/*
 * dataset_load.c — reading the case-level dataset (see dataset.h): checking the query
 * and the role, reading the cases in scope with their forms of exploitation (a merge of
 * two ordered queries, each SQL text a string literal since db_prepare caches by the
 * SQL pointer), turning every stored code into its released value through the
 * vocabularies (so nothing but static code text can leave), anonymising, and auditing.
 */
#include "core/report/dataset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/account/policy.h"
#include "core/report/report.h"
#include "core/vocab/vocab.h"
#include "store/db.h"
#include "base/alloc.h"

/* 1-2 organisation (0 = all), 3-4 identification dates [from, to) as text. */
static const char SQL_CASES[] =
    "SELECT c.id, c.sex, c.age_at_identification, c.citizenship, c.region,"
    " c.identified_on, c.exploitation_place, c.recruitment_method,"
    " c.relation_to_trafficker, c.victim_status FROM cases c"
    " WHERE c.stats_excluded = 0 AND c.status <> 'withdrawn' AND (? = 0 OR c.org_id = ?)"
    " AND c.identified_on >= ? AND c.identified_on < ? ORDER BY c.id";

static const char SQL_FORMS[] =
    "SELECT e.case_id, e.form FROM case_exploitation e ORDER BY e.case_id";

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

/* ---- checks ---- */

qg_code dataset_check(const qg_actor *actor, const dataset_query *q, qg_error *err)
{
    if (policy_decide(actor, ACT_REPORT_READ, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not export datasets");
    int min = policy_dataset_any_k(actor) ? 1 : DATASET_K_MIN;
    if (q->k && (q->k < min || q->k > DATASET_K_MAX))
        return qg_fail(err, QG_EINVAL, "k", "number.out_of_range", "must be from %d to %d", min,
                       DATASET_K_MAX);
    if (q->k && q->k < DATASET_K_DEFAULT && policy_report_always_protected(actor))
        return qg_fail(err, QG_EINVAL, "k", "k.too_small", "must be at least %d for an analyst",
                       DATASET_K_DEFAULT);
    return report_check_years(q->from_year, q->to_year, err);
}

/* ---- codes to released values ---- */

static const char *sex_value(const char *code)
{
    const vocab_entry *e = code ? vocab_find(&VOCAB_SEX, code) : NULL;
    return e ? e->code : "";
}

static const char *country_value(const char *code)
{
    const vocab_entry *e = code ? vocab_find(&VOCAB_COUNTRY, code) : NULL;
    return e ? e->code : "";
}

/* A region's ISO 3166-2 code. */
static const char *region_value(const char *code)
{
    const vocab_entry *e = code ? vocab_find(&VOCAB_REGION, code) : NULL;
    return e && e->extra ? e->extra : "";
}

/* The country of a place: a region of Kazakhstan is KZ, a country itself. */
static const char *place_country(const char *code)
{
    if (code && vocab_has(&VOCAB_REGION, code))
        return "KZ";
    return country_value(code);
}

/* The HTCDS value of a code; a code without one is "Other" when other_ok (the HTCDS
 * list has "Other"), and "" when unknown or when the list has no "Other". */
static const char *htcds_value(const vocab_list *list, const char *code, bool other_ok)
{
    const vocab_entry *e = code ? vocab_find(list, code) : NULL;
    if (!e)
        return "";
    if (e->extra)
        return e->extra;
    return other_ok && strcmp(e->code, "unknown") != 0 ? "Other" : "";
}

/* The bit of a form code's HTCDS value (forms without one count as Other). */
static unsigned form_bit(const char *code)
{
    const char *value = htcds_value(&VOCAB_EXPLOITATION_FORM, code, true);
    const char *const *values = dataset_form_values();
    for (unsigned i = 0; values[i]; i++)
        if (strcmp(values[i], *value ? value : "Other") == 0)
            return 1u << i;
    return 0;
}

static int year_of(const char *date)
{
    int y = 0;
    for (int i = 0; date && i < 4 && date[i] >= '0' && date[i] <= '9'; i++)
        y = y * 10 + (date[i] - '0');
    return y;
}

static void fill_record(db_stmt *st, dataset_record *r)
{
    memset(r, 0, sizeof *r);
    r->sex = sex_value(db_col_text(st, 1));
    r->age = db_col_null(st, 2) ? -1 : (int)db_col_int(st, 2);
    r->citizenship = country_value(db_col_text(st, 3));
    r->region = region_value(db_col_text(st, 4));
    r->year = year_of(db_col_text(st, 5));
    r->location = place_country(db_col_text(st, 6));
    r->recruitment = htcds_value(&VOCAB_RECRUITMENT_METHOD, db_col_text(st, 7), true);
    r->relation = htcds_value(&VOCAB_RELATION, db_col_text(st, 8), false);
    r->status = htcds_value(&VOCAB_VICTIM_STATUS, db_col_text(st, 9), false);
}

/* ---- reading ---- */

static dataset_record *next_slot(dataset *d)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        dataset_record *p = qg_realloc(d->records, cap * sizeof *p);
        if (!p)
            return NULL;
        d->records = p;
        d->cap = cap;
    }
    return &d->records[d->n++];
}

/* The forms cursor of the merge: its current (case id, form) row. */
typedef struct {
    db_stmt *st;
    int rc; /* 1 while a row is current */
    int64_t case_id;
} forms_cursor;

static void forms_next(forms_cursor *f, qg_error *err)
{
    f->rc = db_step(f->st, err);
    f->case_id = f->rc == 1 ? db_col_int(f->st, 0) : INT64_MAX;
}

/* Returns the form bits of case id, moving the cursor past its forms. */
static unsigned case_forms(forms_cursor *f, int64_t id, qg_error *err)
{
    unsigned bits = 0;
    while (f->rc == 1 && f->case_id < id)
        forms_next(f, err);
    while (f->rc == 1 && f->case_id == id) {
        bits |= form_bit(db_col_text(f->st, 1));
        forms_next(f, err);
    }
    return bits;
}

static void bind_scope(db_stmt *st, int64_t org_id, const dataset_query *q)
{
    char from[8], to[8];
    snprintf(from, sizeof from, "%04d", q->from_year ? q->from_year : 0);
    snprintf(to, sizeof to, "%04d", q->to_year ? q->to_year + 1 : 9999);
    db_bind_int(st, 1, org_id);
    db_bind_int(st, 2, org_id);
    db_bind_text(st, 3, from);
    db_bind_text(st, 4, to);
}

static qg_code read_cases(db *conn, int64_t org_id, const dataset_query *q, dataset *d,
                          qg_error *err)
{
    db_stmt *cs = db_prepare(conn, SQL_CASES, err);
    forms_cursor f = {cs ? db_prepare(conn, SQL_FORMS, err) : NULL, 0, 0};
    if (!cs || !f.st) {
        db_done(cs);
        return err->code;
    }
    bind_scope(cs, org_id, q);
    forms_next(&f, err);
    qg_code c = f.rc < 0 ? err->code : QG_OK;
    int rc = 0;
    while (c == QG_OK && (rc = db_step(cs, err)) == 1) {
        dataset_record *r = next_slot(d);
        if (!r) {
            c = oom(err);
            break;
        }
        fill_record(cs, r);
        r->forms = case_forms(&f, db_col_int(cs, 0), err);
        if (f.rc < 0)
            c = err->code;
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(f.st);
    db_done(cs);
    return c;
}

typedef struct {
    int64_t org_id;
    const dataset_query *q;
    dataset *d;
} load_read;

/* Reads the cases in one snapshot (an app_read_fn; arg: a load_read). */
static qg_code read_snapshot(db *conn, void *arg, qg_error *err)
{
    load_read *r = arg;
    qg_code c = db_begin_read(conn, err);
    if (c == QG_OK)
        c = read_cases(conn, r->org_id, r->q, r->d, err);
    db_rollback(conn);
    return c;
}

static qg_code load(qg_app *app, int64_t org_id, const dataset_query *q, dataset *d,
                    qg_error *err)
{
    load_read r = {.org_id = org_id, .q = q, .d = d};
    return app_read(app, read_snapshot, &r, err);
}

/* ---- audit and the whole run ---- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const dataset_summary *s;
} audit_job;

static qg_code audit_in_tx(db *conn, void *arg, qg_error *err)
{
    audit_job *j = arg;
    json_t *detail = json_pack("{s:i, s:I, s:I}", "k", j->s->k, "records",
                               (json_int_t)j->s->records_out, "suppressed",
                               (json_int_t)j->s->suppressed);
    if (!detail)
        return oom(err);
    qg_code c = audit_append(conn, j->app->keys, j->actor, "dataset.export", NULL, detail, err);
    json_decref(detail);
    return c;
}

qg_code dataset_run(qg_app *app, const qg_actor *actor, const dataset_query *q,
                    dataset **out, qg_error *err)
{
    *out = NULL;
    qg_code c = dataset_check(actor, q, err);
    if (c != QG_OK)
        return c;
    dataset *d = qg_calloc(1, sizeof *d);
    if (!d)
        return oom(err);
    int64_t org_id = policy_report_org(actor);
    c = load(app, org_id, q, d, err);
    if (c == QG_OK) {
        dataset_anonymise(d, q->k ? q->k : DATASET_K_DEFAULT);
        audit_job j = {app, actor, &d->summary};
        c = writer_run(app->writer, audit_in_tx, &j, err);
    }
    if (c != QG_OK) {
        dataset_free(d);
        return c;
    }
    *out = d;
    return QG_OK;
}
