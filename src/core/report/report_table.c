/*
 * report_table.c — turns the (row key, column key, count) rows of a report query into
 * a dense report_table: the order of each dimension's keys (fixed lists, vocabulary
 * order, years without gaps, "unknown" last), the counts and the totals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report/report_impl.h"

/* A dimension being ordered: its keys (owned) and capacity. */
typedef struct {
    char **keys;
    size_t n, cap;
} key_list;

static bool has_key(const key_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->keys[i], key) == 0)
            return true;
    return false;
}

/* Appends a copy of key unless present. Returns false when out of memory. */
static bool push_key(key_list *l, const char *key)
{
    if (has_key(l, key))
        return true;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **k = realloc(l->keys, cap * sizeof *k);
        if (!k)
            return false;
        l->keys = k;
        l->cap = cap;
    }
    l->keys[l->n] = strdup(key);
    return l->keys[l->n++] != NULL;
}

static bool is_year(const char *s)
{
    return strlen(s) == 4 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
           s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

/* Years seen, from the first to the last without gaps. */
static bool push_years(key_list *l, const keyset *seen)
{
    long lo = 0, hi = -1;
    for (size_t i = 0; i < seen->n; i++)
        if (is_year(seen->v[i])) {
            long y = strtol(seen->v[i], NULL, 10);
            if (hi < lo)
                lo = hi = y;
            lo = y < lo ? y : lo;
            hi = y > hi ? y : hi;
        }
    for (long y = lo; y <= hi; y++) {
        char buf[8];
        snprintf(buf, sizeof buf, "%04ld", y);
        if (!push_key(l, buf))
            return false;
    }
    return true;
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keys seen that are not yet listed (and not "unknown"), sorted. */
static bool push_extras(key_list *l, const keyset *seen)
{
    size_t start = l->n;
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->v[i], "unknown") != 0 && !push_key(l, seen->v[i]))
            return false;
    if (l->n > start)
        qsort(l->keys + start, l->n - start, sizeof *l->keys, cmp_text);
    return true;
}

static bool seen_unknown(const keyset *seen)
{
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->v[i], "unknown") == 0)
            return true;
    return false;
}

/* Orders one dimension's keys into l. */
static bool order_keys(const char *const *fixed, const vocab_list *vocab, bool year,
                       bool with_unknown, const keyset *seen, key_list *l)
{
    if (year && !push_years(l, seen))
        return false;
    for (size_t i = 0; fixed && fixed[i]; i++)
        if (!push_key(l, fixed[i]))
            return false;
    for (size_t i = 0; vocab && i < vocab->count; i++)
        if (!push_key(l, vocab->entries[i].code))
            return false;
    if (!push_extras(l, seen))
        return false;
    if ((with_unknown && vocab) || seen_unknown(seen))
        return push_key(l, "unknown");
    return true;
}

static size_t find_key(const key_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->keys[i], key) == 0)
            return i;
    return 0; /* every seen key was listed */
}

static void list_free(key_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->keys[i]);
    free(l->keys);
}

/* Moves l into dimension d named name. */
static bool set_dim(report_dim *d, const char *name, bool numeric, key_list *l)
{
    d->name = strdup(name);
    d->numeric = numeric;
    d->n = l->n;
    d->keys = l->keys;
    *l = (key_list){0};
    return d->name != NULL;
}

static bool alloc_cells(report_table *t)
{
    size_t R = t->rows.n, C = t->cols.n, n = R * C;
    t->counts = calloc(n ? n : 1, sizeof *t->counts);
    t->suppressed = calloc(n ? n : 1, sizeof *t->suppressed);
    t->row_totals = calloc(R ? R : 1, sizeof *t->row_totals);
    t->row_total_suppressed = calloc(R ? R : 1, sizeof *t->row_total_suppressed);
    t->col_totals = calloc(C ? C : 1, sizeof *t->col_totals);
    t->col_total_suppressed = calloc(C ? C : 1, sizeof *t->col_total_suppressed);
    return t->counts && t->suppressed && t->row_totals && t->row_total_suppressed &&
           t->col_totals && t->col_total_suppressed;
}

static void fill_counts(report_table *t, const builder *b, const key_list *rk,
                        const key_list *ck)
{
    size_t C = t->cols.n;
    for (size_t i = 0; i < b->nt; i++) {
        size_t r = find_key(rk, b->rows.v[b->t[i].r]);
        size_t c = find_key(ck, b->cols.v[b->t[i].c]);
        t->counts[r * C + c] += b->t[i].n;
        t->row_totals[r] += b->t[i].n;
        t->col_totals[c] += b->t[i].n;
        t->grand += b->t[i].n;
    }
}

qg_code table_from_builder(const table_spec *spec, const builder *b, report_table *out,
                           qg_error *err)
{
    memset(out, 0, sizeof *out);
    key_list rk = {0}, ck = {0};
    bool ok = order_keys(spec->row_fixed, spec->row_vocab, spec->row_year, spec->with_unknown,
                         &b->rows, &rk) &&
              order_keys(spec->col_fixed, spec->col_vocab, spec->col_year, spec->with_unknown,
                         &b->cols, &ck);
    if (ok) {
        /* keys are looked up in rk/ck before they move into the table */
        key_list rcopy = rk, ccopy = ck;
        out->has_cols = spec->col_dim != NULL;
        out->name = strdup(spec->name);
        ok = out->name && set_dim(&out->rows, spec->row_dim, spec->row_year, &rk) &&
             set_dim(&out->cols, spec->col_dim ? spec->col_dim : "count", spec->col_year, &ck) &&
             alloc_cells(out);
        if (ok)
            fill_counts(out, b, &rcopy, &ccopy);
    }
    list_free(&rk);
    list_free(&ck);
    if (!ok) {
        report_table_free(out);
        memset(out, 0, sizeof *out);
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    return QG_OK;
}
