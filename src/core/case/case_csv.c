/* case_csv.c — the CSV format of cases for import and export (see case_csv.h). */
#include "core/case/case_csv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case_input.h"
#include "core/case/case_profile.h"
#include "base/alloc.h"

typedef enum { COL_TEXT, COL_SEX, COL_AGE, COL_FLAG, COL_LIST } column_kind;

typedef struct {
    const char *name;  /* the CSV column */
    const char *field; /* the case field it fills (POST /api/v1/cases) */
    column_kind kind;
    bool required;
} column;

/* The documented order, which export writes. */
static const column columns[CASE_CSV_COLUMNS] = {
    {"external_ref", "external_ref", COL_TEXT, true},
    {"identified_on", "identified_on", COL_TEXT, true},
    {"sex", "sex", COL_SEX, true},
    {"age", "age_at_identification", COL_AGE, true},
    {"citizenship", "citizenship", COL_TEXT, false},
    {"region", "region", COL_TEXT, false},
    {"exploitation_forms", "exploitation_forms", COL_LIST, false},
    {"exploitation_place", "exploitation_place", COL_TEXT, false},
    {"recruitment_method", "recruitment_method", COL_TEXT, false},
    {"exit_method", "exit_method", COL_TEXT, false},
    {"relation_to_trafficker", "relation_to_trafficker", COL_TEXT, false},
    {"cj_stage", "cj_stage", COL_TEXT, false},
    {"victim_status", "victim_status", COL_TEXT, false},
    {"status_decided_by", "status_decided_by", COL_TEXT, false},
    {"accompaniment", "accompaniment", COL_TEXT, false},
    {"non_punishment", "non_punishment", COL_FLAG, false},
    {"services_needed", "services_needed", COL_LIST, false},
};

#define SEX_MALE "Masculine"   /* HTCDS prs_Gender */
#define SEX_FEMALE "Feminine"
#define TEXT_OF(x) #x
#define TEXT_OF_VALUE(x) TEXT_OF(x)
#define AGE_MAX_TEXT TEXT_OF_VALUE(CASE_AGE_MAX)

const char *case_csv_column(int i) { return columns[i].name; }

/* ---- problems ----------------------------------------------------------------------- */

static bool keep_room(import_problems *p)
{
    if (p->listed < IMPORT_PROBLEMS_LISTED && p->listed % 64 == 0) {
        import_problem *bigger = qg_realloc(p->items, (p->listed + 64) * sizeof *bigger);
        if (!bigger)
            return false;
        p->items = bigger;
    }
    return p->listed < IMPORT_PROBLEMS_LISTED;
}

static void add_problem(import_problems *p, size_t line, size_t cell, const char *column_name,
                        const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void add_problem(import_problems *p, size_t line, size_t cell, const char *column_name,
                        const char *fmt, va_list ap)
{
    p->total++;
    if (p->listed >= IMPORT_PROBLEMS_LISTED)
        return;
    if (!keep_room(p))
        return;
    import_problem *item = &p->items[p->listed++];
    item->line = line;
    item->cell = cell;
    snprintf(item->column, sizeof item->column, "%s", column_name ? column_name : "");
    vsnprintf(item->reason, sizeof item->reason, fmt, ap);
}

void import_problems_add(import_problems *p, size_t line, const char *column_name, const char *fmt,
                         ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(p, line, 0, column_name, fmt, ap);
    va_end(ap);
}

void import_problems_add_cell(import_problems *p, size_t line, size_t cell, const char *column_name,
                              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(p, line, cell, column_name, fmt, ap);
    va_end(ap);
}

/* Puts the problems kept from first on (one row's) in the order of their cells. */
static int by_cell(const void *a, const void *b)
{
    const import_problem *x = a, *y = b;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

static void sort_row_problems(import_problems *p, size_t first)
{
    if (first < p->listed)
        qsort(p->items + first, p->listed - first, sizeof *p->items, by_cell);
}

void import_problems_free(import_problems *p)
{
    free(p->items);
    memset(p, 0, sizeof *p);
}

/* ---- the header ------------------------------------------------------------------- */

static int column_named(const csv_field *cell)
{
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        if (strlen(columns[i].name) == cell->len &&
            memcmp(columns[i].name, cell->data, cell->len) == 0)
            return i;
    return -1;
}

static bool names_any_column(const csv_row *row)
{
    for (size_t k = 0; k < row->count; k++)
        if (column_named(&row->fields[k]) >= 0)
            return true;
    return false;
}

/* Places each cell of the header; unknown and repeated names are problems. A header
 * cell is named by its position, never by its text (which could be data). */
static bool place_columns(const csv_row *row, case_csv_header *h, import_problems *p)
{
    bool ok = true;
    for (size_t k = 0; k < row->count; k++) {
        int col = column_named(&row->fields[k]);
        char where[32];
        snprintf(where, sizeof where, "%zu", k + 1);
        if (col < 0) {
            import_problems_add_cell(p, row->line, k + 1, where, "is not a known column name");
            ok = false;
        } else if (h->at[col] >= 0) {
            import_problems_add_cell(p, row->line, k + 1, columns[col].name,
                                     "is named twice (columns %d and %zu)", h->at[col] + 1, k + 1);
            ok = false;
        } else {
            h->at[col] = (int)k;
        }
    }
    return ok;
}

bool case_csv_header_read(const csv_row *row, case_csv_header *h, import_problems *p)
{
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        h->at[i] = -1;
    h->cells = row->count;
    if (!names_any_column(row)) {
        import_problems_add(p, row->line, "",
                            "the header row is missing: the first line must name the columns"
                            " (external_ref,identified_on,sex,age,...)");
        return false;
    }
    bool ok = place_columns(row, h, p);
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        if (columns[i].required && h->at[i] < 0) {
            import_problems_add(p, row->line, columns[i].name,
                                "is required and the header row lacks it");
            ok = false;
        }
    return ok;
}

bool case_csv_row_blank(const csv_row *row)
{
    for (size_t k = 0; k < row->count; k++)
        if (row->fields[k].len)
            return false;
    return true;
}

/* ---- a row into case fields ----------------------------------------------------------- */

/* The cell as a list of codes split at ';' (each entry checked later, by the API's
 * validation). */
static json_t *split_list(const csv_field *cell)
{
    json_t *list = json_array();
    const char *s = cell->data, *end = cell->data + cell->len;
    while (list) {
        const char *semi = memchr(s, ';', (size_t)(end - s));
        const char *stop = semi ? semi : end;
        if (json_array_append_new(list, json_stringn(s, (size_t)(stop - s))) != 0) {
            json_decref(list);
            return NULL;
        }
        if (!semi)
            break;
        s = semi + 1;
    }
    return list;
}

static json_t *parse_age(const csv_field *cell)
{
    if (cell->len == 0 || cell->len > 3)
        return NULL;
    long age = 0;
    for (size_t i = 0; i < cell->len; i++) {
        if (cell->data[i] < '0' || cell->data[i] > '9')
            return NULL;
        age = age * 10 + (cell->data[i] - '0');
    }
    return json_integer(age);
}

/* The JSON value of one non-empty, clean cell, or NULL with *why set. */
static json_t *cell_value(const column *col, const csv_field *cell, const char **why)
{
    json_t *v = NULL;
    switch (col->kind) {
    case COL_TEXT:
        v = json_stringn(cell->data, cell->len);
        break;
    case COL_SEX:
        v = !strcmp(cell->data, "male")     ? json_string(SEX_MALE)
            : !strcmp(cell->data, "female") ? json_string(SEX_FEMALE)
                                            : NULL;
        *why = "must be male or female";
        break;
    case COL_AGE:
        v = parse_age(cell);
        *why = "must be a whole number from 0 to " AGE_MAX_TEXT;
        break;
    case COL_FLAG:
        v = !strcmp(cell->data, "true")    ? json_true()
            : !strcmp(cell->data, "false") ? json_false()
                                           : NULL;
        *why = "must be true or false";
        break;
    case COL_LIST:
        v = split_list(cell);
        break;
    }
    if (!v && !*why)
        *why = "could not be read (out of memory)";
    return v;
}

/* The row being read: where its problems go. */
typedef struct {
    const case_csv_header *h;
    size_t line;
    import_problems *p;
} row_context;

static void cell_problem(const row_context *rc, int col, const char *reason)
{
    import_problems_add_cell(rc->p, rc->line, (size_t)rc->h->at[col] + 1, columns[col].name, "%s",
                             reason);
}

/* Puts the cell of column col into fields, or records why it cannot be. An empty
 * optional cell is "not given". */
static void put_cell(const row_context *rc, json_t *fields, int col, const csv_field *cell)
{
    const column *c = &columns[col];
    const char *why = NULL;
    if (!csv_utf8_valid(cell->data, cell->len))
        why = "is not valid UTF-8";
    else if (csv_looks_like_formula(cell->data, cell->len))
        why = "looks like a spreadsheet formula (it starts with = + - @ or a tab): refused";
    else if (cell->len == 0 && c->required)
        why = "is required";
    if (why) {
        cell_problem(rc, col, why);
        return;
    }
    if (cell->len == 0)
        return;
    json_t *v = cell_value(c, cell, &why);
    if (!v || json_object_set_new(fields, c->field, v) != 0)
        cell_problem(rc, col, why ? why : "could not be read (out of memory)");
}

/* The column of a validation error's field ("exploitation_forms[1]" is in column
 * exploitation_forms, entry 2), or -1. */
static int column_of(const char *field, long *entry)
{
    *entry = -1;
    for (int i = 0; i < CASE_CSV_COLUMNS; i++) {
        size_t n = strlen(columns[i].field);
        if (strncmp(field, columns[i].field, n) != 0 || (field[n] && field[n] != '['))
            continue;
        if (field[n] == '[')
            *entry = strtol(field + n + 1, NULL, 10);
        return i;
    }
    return -1;
}

/* Records a validation error as a problem of its column. Returns the column's field
 * name, to be taken out before validating the rest, or NULL when it is not a column
 * of the file. */
static const char *record_invalid(const row_context *rc, const qg_error *e)
{
    long entry;
    int col = column_of(e->field, &entry);
    if (col < 0 || rc->h->at[col] < 0) {
        import_problems_add(rc->p, rc->line, "", "%s", e->message);
        return NULL;
    }
    size_t cell = (size_t)rc->h->at[col] + 1;
    if (entry >= 0)
        import_problems_add_cell(rc->p, rc->line, cell, columns[col].name, "entry %ld: %s",
                                 entry + 1, e->message);
    else
        import_problems_add_cell(rc->p, rc->line, cell, columns[col].name, "%s", e->message);
    return columns[col].field;
}

/* Validates fields exactly as POST /api/v1/cases does, recording every bad field: a
 * field found bad is taken out and the rest checked again. */
static void validate(const row_context *rc, json_t *fields, bool clean)
{
    qg_error e = {0};
    while (case_input_check_fields(fields, NULL, &e) != QG_OK) {
        clean = false;
        const char *field = record_invalid(rc, &e);
        if (!field || json_object_del(fields, field) != 0)
            return;
    }
    /* Rules between fields only judge a row whose every field is good. */
    if (clean && profile_check_merged(fields, &e) != QG_OK)
        record_invalid(rc, &e);
}

/* A row into fields: the cell checks and conversions, then (when check is set) the
 * API's validation. */
static json_t *row_fields(const case_csv_header *h, const csv_row *row, bool check,
                          import_problems *p)
{
    size_t before = p->total, first_kept = p->listed;
    if (row->count != h->cells) {
        import_problems_add(p, row->line, "", "has %zu cells; the header row has %zu", row->count,
                            h->cells);
        return NULL;
    }
    json_t *fields = json_object();
    if (!fields) {
        import_problems_add(p, row->line, "", "could not be read (out of memory)");
        return NULL;
    }
    row_context rc = {.h = h, .line = row->line, .p = p};
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        if (h->at[i] >= 0)
            put_cell(&rc, fields, i, &row->fields[h->at[i]]);
    if (check)
        validate(&rc, fields, p->total == before);
    if (p->total == before)
        return fields;
    sort_row_problems(p, first_kept);
    json_decref(fields);
    return NULL;
}

json_t *case_csv_row_fields(const case_csv_header *h, const csv_row *row, import_problems *p)
{
    return row_fields(h, row, true, p);
}

json_t *case_csv_row_convert(const case_csv_header *h, const csv_row *row, import_problems *p)
{
    return row_fields(h, row, false, p);
}

/* ---- a case into a row ---------------------------------------------------------------- */

int case_csv_write_header(FILE *out)
{
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        if (csv_write_field(out, columns[i].name, i == 0) != 0)
            return -1;
    return csv_end_record(out);
}

/* The CSV text of a stored value of column col. */
static const char *csv_text(const column *col, const char *stored)
{
    if (!stored)
        return NULL;
    if (col->kind == COL_SEX)
        return !strcmp(stored, SEX_MALE) ? "male" : !strcmp(stored, SEX_FEMALE) ? "female" : stored;
    if (col->kind == COL_FLAG)
        return strcmp(stored, "0") != 0 ? "true" : "false";
    return stored;
}

int case_csv_write_row(FILE *out, const char *const cells[CASE_CSV_COLUMNS])
{
    for (int i = 0; i < CASE_CSV_COLUMNS; i++)
        if (csv_write_field(out, csv_text(&columns[i], cells[i]), i == 0) != 0)
            return -1;
    return csv_end_record(out);
}
