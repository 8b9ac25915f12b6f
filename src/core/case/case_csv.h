/*
 * case_csv.h — the CSV format of cases shared by `qorgau import cases` and `qorgau
 * export cases`: the columns, reading the header row, turning a data row into the case
 * fields POST /api/v1/cases takes (validated by the same code, case_input.h), writing
 * a case back as a row, and the list of problems an import reports.
 *
 * Columns (a header row names them, exact and lowercase, in any order): external_ref,
 * identified_on, sex, age are required; citizenship, region, exploitation_forms,
 * exploitation_place, recruitment_method, exit_method, relation_to_trafficker,
 * cj_stage, victim_status, status_decided_by, accompaniment, non_punishment,
 * services_needed are optional and an empty cell means "not given". sex is male or
 * female (stored as the HTCDS codes Masculine and Feminine), age is 0-120 (stored as
 * age_at_identification), the two lists hold codes separated by ';', non_punishment
 * is true or false. A problem never repeats the value of a cell (it could be personal
 * data typed into the wrong column); it names the line and the column.
 */
#ifndef QG_CASE_CSV_H
#define QG_CASE_CSV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/csv.h"
#include "base/err.h"

#define CASE_CSV_COLUMNS 17
#define CASE_CSV_FIELD_MAX 4096 /* bytes in one cell: every value is a code, a date or a number */
#define CASE_CSV_FIELDS_MAX 64  /* cells in one row */
#define IMPORT_PROBLEMS_LISTED 1000

/* Returns the name of column i (0 <= i < CASE_CSV_COLUMNS), in the documented order,
 * which is also the order export writes. Static string. */
const char *case_csv_column(int i);

/* One problem of a file: where and why. */
typedef struct {
    size_t line;       /* physical line where the row starts; 0 = the file as a whole */
    size_t cell;       /* position of the cell in its row (1-based), 0 = the whole row */
    char column[48];   /* a column name, the position for a header cell, "" for the row */
    char reason[QG_ERR_MSG_MAX];
} import_problem;

/* Every problem of a file: the first IMPORT_PROBLEMS_LISTED are kept, all are counted. */
typedef struct {
    import_problem *items; /* owned; freed by import_problems_free */
    size_t listed, total;  /* a problem that cannot be kept (no memory) is still counted */
} import_problems;

/* Records a problem (reason is a printf format of constants and numbers, never cell
 * text). Counts it even when it cannot be kept. */
void import_problems_add(import_problems *p, size_t line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* As import_problems_add, for the cell at position cell (1-based) of the row. */
void import_problems_add_cell(import_problems *p, size_t line, size_t cell, const char *column,
                              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Frees the kept problems and empties p. */
void import_problems_free(import_problems *p);

/* Where each column is in the file's rows. */
typedef struct {
    int at[CASE_CSV_COLUMNS]; /* index of the cell for column i, -1 when the file lacks it */
    size_t cells;             /* cells in the header row */
} case_csv_header;

/* Reads the header row into h. Returns true when it names every required column and
 * no column twice or unknown; else adds the problems (line 1) to p and returns false.
 * A first row naming no column at all is reported as a missing header. */
bool case_csv_header_read(const csv_row *row, case_csv_header *h, import_problems *p);

/* Returns true when every cell of row is empty (a blank line, or ",,,," as
 * spreadsheets write below the data): such a row is no case and is skipped. */
bool case_csv_row_blank(const csv_row *row);

/* Turns one data row into the fields of a new case, as POST /api/v1/cases takes them,
 * and validates them with case_input_check_fields and profile_check_merged. Returns
 * a new object the caller owns, or NULL after adding every problem of the row to p
 * (one per bad cell). */
json_t *case_csv_row_fields(const case_csv_header *h, const csv_row *row, import_problems *p);

/* As case_csv_row_fields without the API's validation (only the checks of each cell
 * and the conversions): for a row whose very bytes case_csv_row_fields accepted
 * before. */
json_t *case_csv_row_convert(const case_csv_header *h, const csv_row *row, import_problems *p);

/* Writes the header row to out. Returns 0, or -1 when writing fails. */
int case_csv_write_header(FILE *out);

/* Writes one case as a row to out: cells[i] is the stored value of column i in the
 * form the cases table holds it (sex as its HTCDS code, age and non_punishment as
 * text of the number, lists joined with ';'), NULL when not set. sex Masculine and
 * Feminine are written male and female, other stored sex codes as they are; a stored
 * non_punishment of 1 or 0 as true or false. Returns 0, or -1 when writing fails. */
int case_csv_write_row(FILE *out, const char *const cells[CASE_CSV_COLUMNS]);

#endif
