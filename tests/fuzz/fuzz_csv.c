/*
 * fuzz_csv.c — libFuzzer target for the CSV reader (src/base/csv.c) and the case CSV
 * import checks (src/core/case/case_csv.c): an import file is untrusted.
 *
 * Input: a mode byte, a position byte, then the file. Mode bit 0 puts a long first line
 * before the file so that the reader's 64 KiB block boundary falls at the position
 * byte inside it; bit 1 reads with small limits (field and field count); bit 2 puts
 * the full case header row before the file, so rows are judged as cases.
 *
 * Properties, beyond "never crashes or trips a sanitizer":
 * - a field is NUL-terminated, holds no NUL, is within the field limit, and all fields
 *   together are never longer than the file; a record has 1..max fields; records
 *   start on increasing lines, none after the last line;
 * - an error names "line N", is one of the documented messages, and stays final;
 * - the records read, written again with the project's CSV writer, read back the same
 *   (a value that looks like a formula comes back behind the writer's apostrophe);
 * - as a case import: a problem names a line, a cell and a column of the row and never
 *   repeats a cell; a row is accepted without any problem, converts to the same fields
 *   with and without the API's checks, and a case exported with those fields imports
 *   back to the same fields.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "core/case/case_csv.h"
#include "fuzz/fuzz_echo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MODE_STRADDLE 0x01
#define MODE_SMALL_LIMITS 0x02
#define MODE_HEADER 0x04

typedef struct {
    size_t count, line;
    csv_field *fields; /* copies (each data malloc'ed, NUL-terminated) */
} record;

typedef struct {
    record *items;
    size_t count, cap;
} table;

typedef struct {
    size_t max_field, max_fields;
} limits;

static void table_free(table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        for (size_t k = 0; k < t->items[i].count; k++)
            free((char *)t->items[i].fields[k].data);
        free(t->items[i].fields);
    }
    free(t->items);
    memset(t, 0, sizeof *t);
}

static void table_add(table *t, const csv_row *row)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->items = realloc(t->items, t->cap * sizeof *t->items);
        if (!t->items)
            abort();
    }
    record *r = &t->items[t->count++];
    r->count = row->count;
    r->line = row->line;
    r->fields = calloc(row->count, sizeof *r->fields);
    for (size_t k = 0; r->fields && k < row->count; k++) {
        char *copy = malloc(row->fields[k].len + 1);
        if (!copy)
            abort();
        memcpy(copy, row->fields[k].data, row->fields[k].len + 1);
        r->fields[k] = (csv_field){copy, row->fields[k].len};
    }
    if (!r->fields)
        abort();
}

/* ---- the reader ------------------------------------------------------------------ */

static size_t count_lines(const char *text, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

static void check_row(const csv_row *row, const limits *lim, size_t *total, size_t file_len)
{
    if (row->count < 1 || row->count > lim->max_fields)
        abort();
    for (size_t k = 0; k < row->count; k++) {
        const csv_field *f = &row->fields[k];
        if (f->len > lim->max_field || f->data[f->len] != '\0' || memchr(f->data, '\0', f->len))
            abort();
        *total += f->len;
    }
    if (*total > file_len)
        abort();
}

/* The error's message is one csv.h documents, with only numbers filled in. */
static void check_error_message(const qg_error *err)
{
    static const char *const fixed[] = {"unterminated quoted field", "a quote inside an unquoted field",
                                        "text after the closing quote of a field",
                                        "a carriage return not followed by a line feed", "a NUL byte"};
    char again[QG_ERR_MSG_MAX] = "";
    size_t a = 0, b = 0;
    if (sscanf(err->message, "field longer than %zu bytes (column %zu)", &a, &b) == 2)
        snprintf(again, sizeof again, "field longer than %zu bytes (column %zu)", a, b);
    else if (sscanf(err->message, "more than %zu fields", &a) == 1)
        snprintf(again, sizeof again, "more than %zu fields", a);
    for (size_t i = 0; !again[0] && i < sizeof fixed / sizeof fixed[0]; i++) {
        size_t n = strlen(fixed[i]);
        if (strncmp(err->message, fixed[i], n) != 0)
            continue;
        if (sscanf(err->message + n, " (column %zu)", &a) == 1)
            snprintf(again, sizeof again, "%s (column %zu)", fixed[i], a);
        else
            snprintf(again, sizeof again, "%s", fixed[i]);
    }
    if (strcmp(again, err->message) != 0)
        abort();
}

static void check_error(csv_reader *r, const qg_error *err, const char *text, size_t len)
{
    size_t line = 0;
    if ((err->code != QG_EINVAL && err->code != QG_ETOOLARGE) || sscanf(err->field, "line %zu", &line) != 1 ||
        line < 1 || line > count_lines(text, len))
        abort();
    check_error_message(err);
    fuzz_assert_no_echo(err->message, text, len);
    csv_row row;
    qg_error again = {0};
    if (csv_next(r, &row, &again) != -1 || again.code != err->code || strcmp(again.message, err->message) != 0)
        abort(); /* an error is final */
}

/* Reads every record of text into t. Returns true when the whole file was read. */
static bool read_all(const char *text, size_t len, const limits *lim, table *t)
{
    FILE *f = fmemopen((void *)text, len, "r");
    csv_reader *r = f ? csv_open(f, lim->max_field, lim->max_fields) : NULL;
    if (!r)
        abort();
    csv_row row;
    qg_error err = {0};
    size_t total = 0, last_line = 0, lines = count_lines(text, len);
    int rc;
    while ((rc = csv_next(r, &row, &err)) == 1) {
        check_row(&row, lim, &total, len);
        if (row.line <= last_line || row.line > lines)
            abort();
        last_line = row.line;
        table_add(t, &row);
    }
    if (rc < 0)
        check_error(r, &err, text, len);
    csv_close(r);
    fclose(f);
    return rc == 0;
}

/* ---- writing back ----------------------------------------------------------------- */

static char *write_table(const table *t, size_t *len)
{
    char *out = NULL;
    FILE *f = open_memstream(&out, len);
    if (!f)
        abort();
    for (size_t i = 0; i < t->count; i++) {
        for (size_t k = 0; k < t->items[i].count; k++)
            if (csv_write_field(f, t->items[i].fields[k].data, k == 0) != 0)
                abort();
        if (csv_end_record(f) != 0)
            abort();
    }
    if (fclose(f) != 0)
        abort();
    return out;
}

/* True when got is want, or "'" + want for a value the writer guarded. */
static bool same_value(const csv_field *want, const csv_field *got)
{
    if (csv_looks_like_formula(want->data, want->len))
        return got->len == want->len + 1 && got->data[0] == '\'' && memcmp(got->data + 1, want->data, want->len) == 0;
    return got->len == want->len && memcmp(got->data, want->data, want->len) == 0;
}

static void check_round_trip(const table *t, const limits *lim)
{
    size_t len = 0;
    char *text = write_table(t, &len);
    limits wider = {lim->max_field + 1, lim->max_fields}; /* room for the apostrophe */
    table back = {0};
    if (!read_all(text, len, &wider, &back) || back.count != t->count)
        abort();
    for (size_t i = 0; i < t->count; i++) {
        if (back.items[i].count != t->items[i].count)
            abort();
        for (size_t k = 0; k < t->items[i].count; k++)
            if (!same_value(&t->items[i].fields[k], &back.items[i].fields[k]))
                abort();
    }
    table_free(&back);
    free(text);
}

/* ---- the case import ------------------------------------------------------------------ */

static csv_row row_of(const record *r)
{
    return (csv_row){.fields = r->fields, .count = r->count, .line = r->line};
}

static bool is_column_name(const char *s)
{
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        if (strcmp(s, case_csv_column(i)) == 0)
            return true;
    return false;
}

/* Every problem of row: its line, a cell of the row, a column, no cell repeated. */
static void check_problems(const import_problems *p, const csv_row *row)
{
    if (p->listed > p->total || p->listed > IMPORT_PROBLEMS_LISTED)
        abort();
    for (size_t i = 0; i < p->listed; i++) {
        const import_problem *q = &p->items[i];
        char *end = NULL;
        strtoul(q->column, &end, 10);
        bool position = q->column[0] && *end == '\0';
        if (q->line != row->line || q->cell > row->count || (q->column[0] && !is_column_name(q->column) && !position))
            abort();
        for (size_t k = 0; k < row->count; k++)
            fuzz_assert_no_echo(q->reason, row->fields[k].data, row->fields[k].len);
    }
}

/* The name of the case field column i fills. */
static const char *field_of_column(int i)
{
    return strcmp(case_csv_column(i), "age") == 0 ? "age_at_identification" : case_csv_column(i);
}

/* The stored text of a field value as export hands it to case_csv_write_row. */
static char *stored_text(json_t *v)
{
    char buf[32];
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    }
    if (json_is_boolean(v))
        return strdup(json_is_true(v) ? "1" : "0");
    size_t need = 1, used = 0, i;
    json_t *e;
    json_array_foreach(v, i, e) need += json_string_length(e) + 1;
    char *out = calloc(1, need);
    if (!out)
        abort();
    json_array_foreach(v, i, e) {
        if (i > 0)
            out[used++] = ';';
        memcpy(out + used, json_string_value(e), json_string_length(e));
        used += json_string_length(e);
    }
    return out;
}

/* Exports fields as a case row and imports it again: the same fields come back. */
static void check_export_round_trip(json_t *fields)
{
    char *cells[CASE_CSV_COLUMNS] = {0};
    for (int i = 0; i < CASE_CSV_COLUMNS; i++) {
        json_t *v = json_object_get(fields, field_of_column(i));
        cells[i] = v ? stored_text(v) : NULL;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f || case_csv_write_header(f) != 0 || case_csv_write_row(f, (const char *const *)cells) != 0 ||
        fclose(f) != 0)
        abort();
    table t = {0};
    limits lim = {CASE_CSV_FIELD_MAX, CASE_CSV_FIELDS_MAX};
    case_csv_header h;
    import_problems p = {0};
    if (!read_all(text, len, &lim, &t) || t.count != 2)
        abort();
    csv_row header = row_of(&t.items[0]), row = row_of(&t.items[1]);
    if (!case_csv_header_read(&header, &h, &p))
        abort();
    json_t *back = case_csv_row_fields(&h, &row, &p);
    if (!back || !json_equal(back, fields))
        abort();
    json_decref(back);
    import_problems_free(&p);
    table_free(&t);
    free(text);
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        free(cells[i]);
}

static void check_case_row(const case_csv_header *h, const csv_row *row)
{
    import_problems p = {0};
    json_t *fields = case_csv_row_fields(h, row, &p);
    check_problems(&p, row);
    if (!fields && p.total == 0)
        abort();
    if (fields) {
        import_problems plain = {0};
        json_t *converted = case_csv_row_convert(h, row, &plain);
        if (p.total != 0 || plain.total != 0 || !converted || !json_equal(converted, fields))
            abort();
        json_decref(converted);
        import_problems_free(&plain);
        check_export_round_trip(fields);
    }
    json_decref(fields);
    import_problems_free(&p);
}

static void check_case_import(const table *t, size_t first)
{
    if (first >= t->count)
        return;
    case_csv_header h;
    import_problems p = {0};
    csv_row header = row_of(&t->items[first]);
    bool ok = case_csv_header_read(&header, &h, &p);
    check_problems(&p, &header);
    if (ok != (p.total == 0))
        abort();
    import_problems_free(&p);
    for (size_t i = first + 1; ok && i < t->count; i++) {
        csv_row row = row_of(&t->items[i]);
        if (!case_csv_row_blank(&row))
            check_case_row(&h, &row);
    }
}

/* ---- the input ------------------------------------------------------------------------- */

/* The file the reader gets: [long line][case header] rest. *skip is the number of
 * leading records that are not the file's (the long line). */
static char *build_file(uint8_t mode, uint8_t at, const uint8_t *rest, size_t n, size_t *len, size_t *skip)
{
    char header[1024] = "";
    if (mode & MODE_HEADER) {
        for (int i = 0; i < CASE_CSV_COLUMNS; i++) {
            size_t used = strlen(header);
            snprintf(header + used, sizeof header - used, "%s%s", i ? "," : "", case_csv_column(i));
        }
        size_t used = strlen(header);
        snprintf(header + used, sizeof header - used, "\r\n");
    }
    size_t hlen = strlen(header), body = hlen + n;
    size_t pad = (mode & MODE_STRADDLE) ? CSV_BUFFER_SIZE - (body ? at % (body + 1) : 0) : 0;
    char *text = malloc(pad + body + 1);
    if (!text)
        abort();
    if (pad) {
        memset(text, 'p', pad - 1);
        text[pad - 1] = '\n';
    }
    memcpy(text + pad, header, hlen);
    if (n)
        memcpy(text + pad + hlen, rest, n);
    *len = pad + body;
    *skip = pad ? 1 : 0;
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t mode = data[0];
    size_t len = 0, skip = 0;
    char *text = build_file(mode, data[1], data + 2, size - 2, &len, &skip);
    limits lim = {CASE_CSV_FIELD_MAX + CSV_BUFFER_SIZE, CASE_CSV_FIELDS_MAX};
    if ((mode & MODE_SMALL_LIMITS) && !(mode & MODE_STRADDLE))
        lim = (limits){1 + data[1] % 16, 1 + data[1] / 16};
    table t = {0};
    read_all(text, len, &lim, &t);
    check_round_trip(&t, &lim);
    check_case_import(&t, skip);
    table_free(&t);
    free(text);
    return 0;
}
