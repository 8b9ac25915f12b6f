/*
 * dataset.c — the anonymisation of the case-level dataset (see dataset.h): the
 * generalisation ladder, the equivalence classes over the quasi-identifiers, the
 * suppression of records in classes smaller than k, and the writers (JSON, CSV, the
 * summary). Pure functions over records in memory; dataset_load.c reads the cases.
 */
#include "core/report/dataset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

static const char *const COLUMNS[DS_NCOLS] = {
    "prs_Gender",
    "qg_AgeBroadAtIdentification",
    "prs_Citizenship",
    "qg_RegionOfIdentification",
    "qg_YearOfIdentification",
    "vic_TypeOfExploitation",
    "vic_TraffickingStatus",
    "vic_MethodOfRecruitment",
    "vic_RelationshipToTrafficker",
    "vic_LocationOfExploitation",
};

static const char *const FORM_VALUES[] = {
    "ChildLabour",    "ForcedAdoption",
    "ForcedBegging",  "ForcedLabour",
    "ForcedMarriage", "ForcedMilitaryByNonStateActors",
    "OrganRemoval",   "Other",
    "Servitude",      "SexualExploitation",
    "Surrogacy",      NULL,
};

/* The step each level adds: the column it generalises and how. */
static const struct {
    dataset_col col;
    const char *how;
} STEPS[DATASET_LEVELS] = {
    {DS_NCOLS, NULL},
    {DS_REGION, "region to the whole country (KZ)"},
    {DS_CITIZENSHIP, "citizenship to KZ or other"},
    {DS_AGE, "age band to 0-17 or 18+"},
    {DS_YEAR, "year to a 3-year period aligned on 2000"},
};

#define PERIOD_BASE 2000
#define PERIOD_YEARS 3

const char *const *dataset_columns(void)
{
    return COLUMNS;
}

const char *const *dataset_form_values(void)
{
    return FORM_VALUES;
}

/* ---- the ladder ---- */

/* CTDC's ageBroad bands. */
static const char *age_broad(int age)
{
    static const struct {
        int upto;
        const char *band;
    } bands[] = {{8, "0-8"},   {17, "9-17"},  {20, "18-20"}, {23, "21-23"},
                 {26, "24-26"}, {29, "27-29"}, {38, "30-38"}, {47, "39-47"}};
    if (age < 0)
        return "";
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++)
        if (age <= bands[i].upto)
            return bands[i].band;
    return "48+";
}

static const char *age_child_adult(int age)
{
    return age < 0 ? "" : age < 18 ? "0-17" : "18+";
}

static const char *citizenship_coarse(const char *c)
{
    return !*c ? "" : strcmp(c, "KZ") == 0 ? "KZ" : "other";
}

/* Floor division, also for years before the base. */
static int period_start(int year)
{
    int d = year - PERIOD_BASE;
    int q = d >= 0 ? d / PERIOD_YEARS : -((-d + PERIOD_YEARS - 1) / PERIOD_YEARS);
    return PERIOD_BASE + q * PERIOD_YEARS;
}

/* Sets the released quasi-identifiers of r for level (steps 1..level applied). */
static void apply_level(dataset_record *r, int level)
{
    r->out_region = level >= 1 ? "KZ" : r->region;
    r->out_citizenship = level >= 2 ? citizenship_coarse(r->citizenship) : r->citizenship;
    r->out_age = level >= 3 ? age_child_adult(r->age) : age_broad(r->age);
    r->out_year_from = level >= 4 ? period_start(r->year) : r->year;
    r->out_year_to = level >= 4 ? r->out_year_from + PERIOD_YEARS - 1 : r->year;
}

/* ---- classes ---- */

static int cmp_int(int a, int b)
{
    return (a > b) - (a < b);
}

/* Orders by the released quasi-identifiers. */
static int cmp_qi(const dataset_record *a, const dataset_record *b)
{
    int c = strcmp(a->sex, b->sex);
    if (!c)
        c = strcmp(a->out_age, b->out_age);
    if (!c)
        c = strcmp(a->out_citizenship, b->out_citizenship);
    if (!c)
        c = strcmp(a->out_region, b->out_region);
    if (!c)
        c = cmp_int(a->out_year_from, b->out_year_from);
    if (!c)
        c = cmp_int(a->out_year_to, b->out_year_to);
    return c;
}

static int qsort_qi(const void *a, const void *b)
{
    return cmp_qi(a, b);
}

/* Orders by every released column: the output order depends on the values only. */
static int qsort_all(const void *pa, const void *pb)
{
    const dataset_record *a = pa, *b = pb;
    int c = cmp_qi(a, b);
    if (!c)
        c = (a->forms > b->forms) - (a->forms < b->forms);
    if (!c)
        c = strcmp(a->status, b->status);
    if (!c)
        c = strcmp(a->recruitment, b->recruitment);
    if (!c)
        c = strcmp(a->relation, b->relation);
    if (!c)
        c = strcmp(a->location, b->location);
    return c;
}

/* Returns the length of the class starting at i (records sorted by cmp_qi). */
static size_t class_end(const dataset *d, size_t i)
{
    size_t j = i + 1;
    while (j < d->n && cmp_qi(&d->records[i], &d->records[j]) == 0)
        j++;
    return j;
}

/* Applies level to every record, sorts by class and returns how many records are in
 * classes smaller than k. */
static size_t below_k(dataset *d, int level, int k)
{
    for (size_t i = 0; i < d->n; i++)
        apply_level(&d->records[i], level);
    if (d->n > 1)
        qsort(d->records, d->n, sizeof *d->records, qsort_qi);
    size_t below = 0;
    for (size_t i = 0; i < d->n;) {
        size_t j = class_end(d, i);
        if (j - i < (size_t)k)
            below += j - i;
        i = j;
    }
    return below;
}

/* Removes the records of classes smaller than k (records sorted by class). */
static void suppress(dataset *d, int k)
{
    size_t out = 0;
    for (size_t i = 0; i < d->n;) {
        size_t j = class_end(d, i);
        if (j - i >= (size_t)k) {
            memmove(&d->records[out], &d->records[i], (j - i) * sizeof *d->records);
            out += j - i;
        }
        i = j;
    }
    d->n = out;
}

void dataset_anonymise(dataset *d, int k)
{
    dataset_summary *s = &d->summary;
    memset(s, 0, sizeof *s);
    s->k = k < 1 ? 1 : k;
    s->records_in = d->n;
    for (int level = 0; level < DATASET_LEVELS; level++) {
        s->level = level;
        s->below_k[level] = below_k(d, level, s->k);
        if (s->below_k[level] * 100 <= d->n * DATASET_SUPPRESS_PERCENT)
            break;
    }
    suppress(d, s->k);
    s->suppressed = s->records_in - d->n;
    s->records_out = d->n;
    if (d->n > 1)
        qsort(d->records, d->n, sizeof *d->records, qsort_all);
}

/* ---- values ---- */

static void forms_text(unsigned forms, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; FORM_VALUES[i] && used < size; i++)
        if (forms & (1u << i)) {
            int n = snprintf(out + used, size - used, "%s%s", used ? ";" : "", FORM_VALUES[i]);
            used += n > 0 ? (size_t)n : 0;
        }
}

void dataset_value(const dataset_record *r, dataset_col col, char *out, size_t size)
{
    const char *s = "";
    switch (col) {
    case DS_SEX: s = r->sex; break;
    case DS_AGE: s = r->out_age; break;
    case DS_CITIZENSHIP: s = r->out_citizenship; break;
    case DS_REGION: s = r->out_region; break;
    case DS_YEAR:
        if (r->out_year_from == r->out_year_to)
            snprintf(out, size, "%d", r->out_year_from);
        else
            snprintf(out, size, "%d-%d", r->out_year_from, r->out_year_to);
        return;
    case DS_FORMS: forms_text(r->forms, out, size); return;
    case DS_STATUS: s = r->status; break;
    case DS_RECRUITMENT: s = r->recruitment; break;
    case DS_RELATION: s = r->relation; break;
    case DS_LOCATION: s = r->location; break;
    case DS_NCOLS: break;
    }
    snprintf(out, size, "%s", s ? s : "");
}

/* ---- writers ---- */

#define VALUE_MAX 256

static json_t *steps_json(const dataset_summary *s)
{
    json_t *a = json_array();
    for (int level = 0; a && level <= s->level; level++)
        json_array_append_new(
            a, json_pack("{s:i, s:o, s:o, s:I}", "level", level, "generalise",
                         STEPS[level].how ? json_string(COLUMNS[STEPS[level].col]) : json_null(),
                         "how", STEPS[level].how ? json_string(STEPS[level].how) : json_null(),
                         "records_below_k", (json_int_t)s->below_k[level]));
    return a;
}

static json_t *generalised_json(const dataset_summary *s)
{
    json_t *gen = json_array();
    for (int level = 1; gen && level <= s->level; level++)
        json_array_append_new(gen, json_string(COLUMNS[STEPS[level].col]));
    return gen;
}

json_t *dataset_summary_brief(const dataset *d)
{
    const dataset_summary *s = &d->summary;
    json_t *below = json_array();
    for (int level = 0; below && level <= s->level; level++)
        json_array_append_new(below, json_integer((json_int_t)s->below_k[level]));
    return json_pack("{s:i, s:I, s:I, s:I, s:o, s:o}", "k", s->k, "records_in",
                     (json_int_t)s->records_in, "records_out", (json_int_t)s->records_out,
                     "suppressed_records", (json_int_t)s->suppressed, "generalised",
                     generalised_json(s), "records_below_k", below);
}

json_t *dataset_summary_json(const dataset *d)
{
    const dataset_summary *s = &d->summary;
    json_t *qi = json_array();
    for (int i = 0; qi && i < DS_NQI; i++)
        json_array_append_new(qi, json_string(COLUMNS[i]));
    return json_pack(
        "{s:i, s:I, s:I, s:I, s:o, s:o, s:o, s:s}", "k", s->k, "records_in",
        (json_int_t)s->records_in, "records_out", (json_int_t)s->records_out,
        "suppressed_records", (json_int_t)s->suppressed, "quasi_identifiers", qi,
        "generalised", generalised_json(s), "steps", steps_json(s), "rule",
        "each level generalises one more quasi-identifier for every record; the first "
        "level at which at most 5% of the records are in classes smaller than k is used "
        "(else the last), and the records still in such classes are removed");
}

static json_t *record_json(const dataset_record *r)
{
    json_t *o = json_object();
    char v[VALUE_MAX];
    for (int c = 0; o && c < DS_NCOLS; c++) {
        dataset_value(r, (dataset_col)c, v, sizeof v);
        json_object_set_new(o, COLUMNS[c], v[0] ? json_string(v) : json_null());
    }
    return o;
}

json_t *dataset_to_json(const dataset *d)
{
    json_t *records = json_array();
    for (size_t i = 0; records && i < d->n; i++)
        if (json_array_append_new(records, record_json(&d->records[i])) != 0) {
            json_decref(records);
            return NULL;
        }
    json_t *summary = dataset_summary_json(d);
    if (!records || !summary) {
        json_decref(records);
        json_decref(summary);
        return NULL;
    }
    return json_pack("{s:o, s:o}", "summary", summary, "records", records);
}

int dataset_write_csv(const dataset *d, FILE *out)
{
    char v[VALUE_MAX];
    for (int c = 0; c < DS_NCOLS; c++)
        if (csv_write_field(out, COLUMNS[c], c == 0))
            return -1;
    if (csv_end_record(out))
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        for (int c = 0; c < DS_NCOLS; c++) {
            dataset_value(&d->records[i], (dataset_col)c, v, sizeof v);
            if (csv_write_field(out, v, c == 0))
                return -1;
        }
        if (csv_end_record(out))
            return -1;
    }
    return 0;
}

void dataset_free(dataset *d)
{
    if (!d)
        return;
    free(d->records);
    free(d);
}
