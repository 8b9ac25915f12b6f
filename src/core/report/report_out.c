/*
 * report_out.c — writing a report as JSON in the shape (with labels for every
 * coded key), and the labels of the report's own codes (categories, age bands, sexes,
 * delays) in English, Russian and Kazakh. The CSV writer is report_csv.c.
 * The Russian and Kazakh wording still needs a native speaker's review.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/report/report.h"

static const vocab_entry OWN[] = {
    {"men", NULL, "Men (18 and over)", "Мужчины (18 лет и старше)",
     "Ерлер (18 жас және одан жоғары)"},
    {"women", NULL, "Women (18 and over)", "Женщины (18 лет и старше)",
     "Әйелдер (18 жас және одан жоғары)"},
    {"boys", NULL, "Boys (under 18)", "Мальчики (до 18 лет)", "Ұл балалар (18 жасқа дейін)"},
    {"girls", NULL, "Girls (under 18)", "Девочки (до 18 лет)", "Қыз балалар (18 жасқа дейін)"},
    {"unknown", NULL, "Unknown", "Неизвестно", "Белгісіз"},
    {"0-8", NULL, "0–8 years", "0–8 лет", "0–8 жас"},
    {"9-13", NULL, "9–13 years", "9–13 лет", "9–13 жас"},
    {"14-17", NULL, "14–17 years", "14–17 лет", "14–17 жас"},
    {"18+", NULL, "18 and over", "18 лет и старше", "18 жас және одан жоғары"},
    {"female", NULL, "Female", "Женский", "Әйел"},
    {"male", NULL, "Male", "Мужской", "Ер"},
    {"other_or_unknown", NULL, "Other or unknown", "Другой или неизвестно",
     "Басқа немесе белгісіз"},
    {"first_assessment", NULL, "Identification to first assessment",
     "От выявления до первой оценки", "Анықтаудан алғашқы бағалауға дейін"},
    {"first_safety_plan", NULL, "Identification to first safety plan",
     "От выявления до первого плана безопасности",
     "Анықтаудан алғашқы қауіпсіздік жоспарына дейін"},
    {"0-7", NULL, "0–7 days", "0–7 дней", "0–7 күн"},
    {"8-30", NULL, "8–30 days", "8–30 дней", "8–30 күн"},
    {"31-90", NULL, "31–90 days", "31–90 дней", "31–90 күн"},
    {"over_90", NULL, "More than 90 days", "Более 90 дней", "90 күннен астам"},
    {"never", NULL, "Not yet", "Ещё нет", "Әлі жоқ"},
};
static const vocab_list OWN_LIST = {"report", OWN, sizeof OWN / sizeof OWN[0]};

/* The vocabulary of a dimension, or NULL for the report's own codes. */
static const vocab_list *dim_vocab(const char *dim, bool second)
{
    static const struct {
        const char *dim;
        const vocab_list *list, *second;
    } map[] = {
        {"form", &VOCAB_EXPLOITATION_FORM, NULL},
        {"region", &VOCAB_REGION, NULL},
        {"origin", &VOCAB_REGION, &VOCAB_COUNTRY},
        {"destination", &VOCAB_REGION, &VOCAB_COUNTRY},
        {"stage", &VOCAB_STAGE, NULL},
        {"service", &VOCAB_SERVICE, NULL},
        {"outcome", &VOCAB_REFERRAL_STATUS, NULL},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].dim, dim) == 0)
            return second ? map[i].second : map[i].list;
    return NULL;
}

const vocab_entry *report_key_label(const char *dim, const char *key)
{
    if (!dim || !key || strcmp(dim, "year") == 0 || strcmp(dim, "count") == 0)
        return NULL;
    const vocab_entry *e = NULL;
    const vocab_list *l = dim_vocab(dim, false);
    if (l)
        e = vocab_find(l, key);
    l = dim_vocab(dim, true);
    if (!e && l)
        e = vocab_find(l, key);
    return e ? e : vocab_find(&OWN_LIST, key);
}

/* ---- JSON ---- */

static json_t *key_json(const report_dim *d, size_t i)
{
    if (d->numeric)
        return json_integer(strtoll(d->keys[i], NULL, 10));
    return json_string(d->keys[i]);
}

/* Sets "count" (null when suppressed) and "suppressed": true on obj. */
static void set_count(json_t *obj, int64_t n, bool suppressed)
{
    json_object_set_new(obj, "count", suppressed ? json_null() : json_integer(n));
    if (suppressed)
        json_object_set_new(obj, "suppressed", json_true());
}

static json_t *cells_json(const report_table *t)
{
    json_t *rows = json_array();
    for (size_t r = 0; r < t->rows.n; r++)
        for (size_t c = 0; c < t->cols.n; c++) {
            json_t *o = json_object();
            json_object_set_new(o, t->rows.name, key_json(&t->rows, r));
            if (t->has_cols)
                json_object_set_new(o, t->cols.name, key_json(&t->cols, c));
            size_t i = r * t->cols.n + c;
            set_count(o, t->counts[i], t->suppressed[i]);
            json_array_append_new(rows, o);
        }
    return rows;
}

/* Totals of one dimension (rows or columns). */
static json_t *margin_json(const report_dim *d, const int64_t *v, const bool *s)
{
    json_t *a = json_array();
    for (size_t i = 0; i < d->n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, d->name, key_json(d, i));
        set_count(o, v[i], s[i]);
        json_array_append_new(a, o);
    }
    return a;
}

/* {"rows", "columns", "grand"}; a 1-D table has only the grand total (its row totals
 * are its cells). */
static json_t *totals_json(const report_table *t)
{
    json_t *o = json_object(), *grand = json_object();
    if (t->has_cols) {
        json_object_set_new(o, "rows", margin_json(&t->rows, t->row_totals,
                                                   t->row_total_suppressed));
        json_object_set_new(o, "columns", margin_json(&t->cols, t->col_totals,
                                                      t->col_total_suppressed));
    }
    set_count(grand, t->grand, t->grand_suppressed);
    json_object_set_new(o, "grand", grand);
    return o;
}

static json_t *dims_json(const report_table *t)
{
    json_t *a = json_array();
    json_array_append_new(a, json_string(t->rows.name));
    if (t->has_cols)
        json_array_append_new(a, json_string(t->cols.name));
    return a;
}

/* Adds the labels of d's keys to labels[d.name]. */
static void add_labels(json_t *labels, const report_dim *d)
{
    json_t *m = json_object_get(labels, d->name);
    for (size_t i = 0; i < d->n; i++) {
        const vocab_entry *e = report_key_label(d->name, d->keys[i]);
        if (!e)
            continue;
        if (!m) {
            m = json_object();
            json_object_set_new(labels, d->name, m);
        }
        json_object_set_new(m, d->keys[i], json_pack("{s:s, s:s, s:s}", "en", e->en, "ru",
                                                     e->ru, "kk", e->kk));
    }
}

/* Sets "dimensions", "rows", "totals", "suppressed_cells" of table t on o. */
static void table_into(json_t *o, const report_table *t)
{
    json_object_set_new(o, "dimensions", dims_json(t));
    json_object_set_new(o, "rows", cells_json(t));
    json_object_set_new(o, "totals", totals_json(t));
    json_object_set_new(o, "suppressed_cells", json_integer((json_int_t)t->suppressed_cells));
}

static json_t *filters_json(const report *r)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "from",
                     r->from_year ? json_integer(r->from_year) : json_null(), "to",
                     r->to_year ? json_integer(r->to_year) : json_null(), "region",
                     r->region ? json_string(r->region) : json_null(), "org_id",
                     r->org_id ? json_integer(r->org_id) : json_null());
}

json_t *report_to_json(const report *r)
{
    json_t *o = json_object(), *labels = json_object();
    if (!o || !labels) {
        json_decref(o);
        json_decref(labels);
        return NULL;
    }
    json_object_set_new(o, "report", json_string(r->name));
    json_object_set_new(o, "protected", json_boolean(r->protected_));
    if (r->protected_)
        json_object_set_new(o, "k", json_integer(r->k));
    json_object_set_new(o, "filters", filters_json(r));
    if (r->ntables > 0)
        table_into(o, &r->tables[0]);
    json_object_set_new(o, "suppressed_cells", json_integer((json_int_t)r->suppressed_cells));
    json_t *tables = r->ntables > 1 ? json_array() : NULL;
    for (size_t i = 0; i < r->ntables; i++) {
        add_labels(labels, &r->tables[i].rows);
        add_labels(labels, &r->tables[i].cols);
        if (!tables)
            continue;
        json_t *t = json_pack("{s:s}", "table", r->tables[i].name);
        table_into(t, &r->tables[i]);
        json_array_append_new(tables, t);
    }
    if (tables)
        json_object_set_new(o, "tables", tables);
    json_object_set_new(o, "labels", labels);
    return o;
}
