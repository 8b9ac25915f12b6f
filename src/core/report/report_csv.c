/*
 * report_csv.c — one table of a report as RFC 4180 CSV (see report_write_csv in
 * report.h): the table as it shows on the page, rows × columns with totals, readable by
 * a person and by a program. Row 1 holds labels in the chosen language, row 2 the same
 * headers as codes; column 1 holds the row keys' labels, column 2 their codes. Withheld
 * (small or protecting) counts are empty cells: a count of zero is written "0". Every
 * field goes through csv_write_field (formula guard). docs/reports-csv.md describes the
 * layout for the people who read the files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/csv.h"
#include "core/report/report.h"
#include "core/report/report_xlsx.h"

bool report_table_find(const report *r, const char *name, size_t *index)
{
    for (size_t i = 0; name && i < r->ntables; i++)
        if (strcmp(r->tables[i].name, name) == 0) {
            *index = i;
            return true;
        }
    return false;
}

/* The label of key in dimension dim in lang; the key itself when it has none (years). */
static const char *key_text(const char *lang, const char *dim, const char *key)
{
    const vocab_entry *e = report_key_label(dim, key);
    if (!e)
        return key;
    const char *s = strcmp(lang, "ru") == 0 ? e->ru : strcmp(lang, "en") == 0 ? e->en : e->kk;
    return s && *s ? s : e->en;
}

/* Row 1: "rows \ columns" (or the row dimension alone), "Code", the column keys' labels
 * (or "Number"), and "Total" for a 2-D table. */
static int label_row(FILE *out, const report_table *t, const char *lang)
{
    char corner[256];
    char key[64];
    snprintf(key, sizeof key, "dim.%s", t->rows.name);
    const char *rows = report_text(lang, key, t->rows.name);
    snprintf(key, sizeof key, "dim.%s", t->cols.name);
    const char *cols = report_text(lang, key, t->cols.name);
    if (t->has_cols)
        snprintf(corner, sizeof corner, "%s \\ %s", rows, cols);
    else
        snprintf(corner, sizeof corner, "%s", rows);
    if (csv_write_field(out, corner, true) ||
        csv_write_field(out, report_text(lang, "code", "Code"), false))
        return -1;
    for (size_t c = 0; c < t->cols.n; c++) {
        const char *text = t->has_cols ? key_text(lang, t->cols.name, t->cols.keys[c]) : cols;
        if (csv_write_field(out, text, false))
            return -1;
    }
    if (t->has_cols && csv_write_field(out, report_text(lang, "total", "Total"), false))
        return -1;
    return csv_end_record(out);
}

/* Row 2: "rows\columns" as codes, "code", the column keys (or "count"), "total". */
static int code_row(FILE *out, const report_table *t)
{
    char corner[160];
    if (t->has_cols)
        snprintf(corner, sizeof corner, "%s\\%s", t->rows.name, t->cols.name);
    else
        snprintf(corner, sizeof corner, "%s", t->rows.name);
    if (csv_write_field(out, corner, true) || csv_write_field(out, "code", false))
        return -1;
    for (size_t c = 0; c < t->cols.n; c++)
        if (csv_write_field(out, t->cols.keys[c], false))
            return -1;
    if (t->has_cols && csv_write_field(out, "total", false))
        return -1;
    return csv_end_record(out);
}

/* One count: empty when withheld. */
static int count_field(FILE *out, int64_t n, bool withheld)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRId64, n);
    return csv_write_field(out, withheld ? "" : num, false);
}

static int body_rows(FILE *out, const report_table *t, const char *lang)
{
    size_t C = t->cols.n;
    for (size_t r = 0; r < t->rows.n; r++) {
        const char *key = t->rows.keys[r];
        if (csv_write_field(out, key_text(lang, t->rows.name, key), true) ||
            csv_write_field(out, key, false))
            return -1;
        for (size_t c = 0; c < C; c++)
            if (count_field(out, t->counts[r * C + c], t->suppressed[r * C + c]))
                return -1;
        if (t->has_cols && count_field(out, t->row_totals[r], t->row_total_suppressed[r]))
            return -1;
        if (csv_end_record(out))
            return -1;
    }
    return 0;
}

/* The last row: "Total", "total", the column totals and the grand total (a 1-D table:
 * the grand total alone). */
static int total_row(FILE *out, const report_table *t, const char *lang)
{
    if (csv_write_field(out, report_text(lang, "total", "Total"), true) ||
        csv_write_field(out, "total", false))
        return -1;
    for (size_t c = 0; t->has_cols && c < t->cols.n; c++)
        if (count_field(out, t->col_totals[c], t->col_total_suppressed[c]))
            return -1;
    if (count_field(out, t->grand, t->grand_suppressed))
        return -1;
    return csv_end_record(out);
}

int report_write_csv(const report *r, size_t table, const char *lang, FILE *out)
{
    if (table >= r->ntables)
        return -1;
    if (!report_lang_known(lang))
        lang = REPORT_LANG_DEFAULT;
    const report_table *t = &r->tables[table];
    if (label_row(out, t, lang) || code_row(out, t) || body_rows(out, t, lang) ||
        total_row(out, t, lang))
        return -1;
    return 0;
}
