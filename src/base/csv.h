/*
 * csv.h — RFC 4180 CSV: a streaming reader for `qorgau import cases FILE.csv` and a
 * writer for `qorgau export cases`, with the CSV (formula) injection guard.
 *
 * The reader reads the file in large blocks and grows one record buffer, so a file of a
 * million rows costs no allocation per row or field. It checks the CSV syntax only: it
 * does not judge the text of a field (UTF-8, control characters) — the caller does that
 * per field, e.g. with csv_utf8_valid or text_utf8_valid. Error messages name the line
 * and column and never repeat the data.
 */
#ifndef QG_CSV_H
#define QG_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

#define CSV_BUFFER_SIZE 65536 /* bytes read from the file at a time */

typedef struct csv_reader csv_reader;

/* One field of a record, quotes removed and "" turned into ". data is followed by a NUL
 * byte (a field never contains one), so it may also be used as a C string. */
typedef struct {
    const char *data;
    size_t len;
} csv_field;

/* One record. fields points to count fields (count >= 1) owned by the reader, valid
 * until the next csv_next or csv_close on it. */
typedef struct {
    const csv_field *fields;
    size_t count;
    size_t line; /* physical line (1-based) where the record starts */
} csv_row;

/* Returns a reader of f that refuses a field longer than max_field bytes (after
 * unquoting) and a record of more than max_fields fields; both must be at least 1.
 * The caller keeps ownership of f and closes it after csv_close. Returns NULL when
 * out of memory or when a limit is 0. */
csv_reader *csv_open(FILE *f, size_t max_field, size_t max_fields);

/* Reads the next record into row. Returns 1 with a record, 0 at the end of the file,
 * -1 on an error, filling err (may be NULL) with the field "line N" and a message:
 * QG_EINVAL for the syntax ("unterminated quoted field", "a quote inside an unquoted
 * field", "text after the closing quote of a field", "a carriage return not followed by
 * a line feed", "a NUL byte"), QG_ETOOLARGE for a limit ("field longer than N bytes",
 * "more than N fields"), QG_EIO when f cannot be read, QG_ENOMEM. An error is final:
 * later calls return -1 with the same error.
 * Records end with LF or CRLF; the last one may lack it; an empty line is a record of
 * one empty field; a UTF-8 byte order mark at the very start of the file is skipped. */
int csv_next(csv_reader *r, csv_row *row, qg_error *err);

/* Frees the reader (NULL is fine); its rows become invalid. Does not close the file. */
void csv_close(csv_reader *r);

/* Returns true when the len bytes at s are well-formed UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no cut sequence. Control characters pass. */
bool csv_utf8_valid(const char *s, size_t len);

/* Returns true when the len bytes at s would be taken for a formula by a spreadsheet:
 * they start with = + - @ TAB or CR and are not a plain number ("-5", "+7", "-1.5":
 * an optional sign, digits, optionally a point and digits). */
bool csv_looks_like_formula(const char *s, size_t len);

/* Writes the C string s (NULL is written as an empty field) as one field to out,
 * preceded by ',' unless first. Quotes it, doubling its quotes, when it contains
 * , " CR or LF, starts or ends with a space or tab, or starts with a UTF-8 byte order
 * mark (which the reader skips at the start of a file). A value that looks like a
 * formula (csv_looks_like_formula) is written quoted with a leading apostrophe: '=1.
 * Returns 0, or -1 when writing fails. */
int csv_write_field(FILE *out, const char *s, bool first);

/* Ends a record with CRLF. Returns 0, or -1 when writing fails. The caller still checks
 * fflush/fclose of out, as writes are buffered. */
int csv_end_record(FILE *out);

#endif
