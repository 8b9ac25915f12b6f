/* csv.c — RFC 4180 CSV reader and writer with the formula-injection guard (see csv.h). */
#include "base/csv.h"
#include "base/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum csv_state {
    ST_START,    /* at the start of a field */
    ST_UNQUOTED, /* inside an unquoted field */
    ST_QUOTED,   /* inside a quoted field */
    ST_QUOTE,    /* just after a quote inside a quoted field: "" or the closing one */
    ST_CR        /* just after a CR outside quotes: only LF may follow */
};

struct csv_reader {
    FILE *f;
    size_t max_field, max_fields;
    bool started, eof, failed;
    qg_error error;     /* the final error once failed */
    size_t pos, len;    /* unread bytes of buf are buf[pos .. len) */
    size_t line;        /* physical line of the next byte */
    size_t quote_line;  /* line where the current quoted field opened */
    char *rec;          /* the fields of the record, each followed by NUL */
    size_t rec_len, rec_cap;
    size_t field_start; /* offset in rec of the field being read */
    size_t *starts;     /* offset in rec of each finished field */
    csv_field *fields;  /* count finished fields (data set when the record ends) */
    size_t count, fields_cap;
    unsigned char buf[CSV_BUFFER_SIZE];
};

/* Bytes that end a run of ordinary bytes, outside and inside quotes. */
static const bool unquoted_stop[256] = {[','] = true, ['"'] = true, ['\n'] = true,
                                        ['\r'] = true, ['\0'] = true};
static const bool quoted_stop[256] = {['"'] = true, ['\n'] = true, ['\0'] = true};

csv_reader *csv_open(FILE *f, size_t max_field, size_t max_fields)
{
    if (!f || max_field == 0 || max_fields == 0)
        return NULL;
    csv_reader *r = qg_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->f = f;
    r->max_field = max_field;
    r->max_fields = max_fields;
    r->line = 1;
    r->rec_cap = 1024;
    r->fields_cap = 16;
    r->rec = qg_malloc(r->rec_cap);
    r->starts = qg_malloc(r->fields_cap * sizeof *r->starts);
    r->fields = qg_malloc(r->fields_cap * sizeof *r->fields);
    if (!r->rec || !r->starts || !r->fields) {
        csv_close(r);
        return NULL;
    }
    return r;
}

void csv_close(csv_reader *r)
{
    if (!r)
        return;
    free(r->rec);
    free(r->starts);
    free(r->fields);
    free(r);
}

/* Records the final error of the reader, naming line. Returns -1. */
static int reader_fail(csv_reader *r, qg_code code, size_t line, const char *reason,
                       const char *msg)
{
    char field[32];
    snprintf(field, sizeof field, "line %zu", line);
    qg_fail_at(&r->error, code, field, reason, "%s", msg);
    r->failed = true;
    return -1;
}

/* Fails with msg about the current column (the field being read) at the current line. */
static int syntax_fail(csv_reader *r, const char *msg)
{
    char text[QG_ERR_MSG_MAX];
    snprintf(text, sizeof text, "%s (column %zu)", msg, r->count + 1);
    return reader_fail(r, QG_EINVAL, r->line, "csv.syntax", text);
}

/* Reads the next block. Returns 1 with bytes in buf, 0 at the end of the file, -1 when
 * the file cannot be read. */
static int refill(csv_reader *r)
{
    if (r->eof)
        return 0;
    size_t n = fread(r->buf, 1, sizeof r->buf, r->f);
    if (n < sizeof r->buf) {
        if (ferror(r->f))
            return reader_fail(r, QG_EIO, r->line, "file.read_failed",
                               "the file could not be read");
        r->eof = true;
    }
    r->pos = 0;
    r->len = n;
    return n > 0;
}

/* Grows the record buffer to hold at least need bytes. Returns 0 or -1. */
static int grow_record(csv_reader *r, size_t need)
{
    size_t cap = r->rec_cap;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return reader_fail(r, QG_ENOMEM, r->line, "memory.exhausted", "out of memory");
        cap *= 2;
    }
    char *p = qg_realloc(r->rec, cap);
    if (!p)
        return reader_fail(r, QG_ENOMEM, r->line, "memory.exhausted", "out of memory");
    r->rec = p;
    r->rec_cap = cap;
    return 0;
}

/* Appends n bytes to the field being read, within the field limit. Returns 0 or -1. */
static int append(csv_reader *r, const void *p, size_t n)
{
    if (n > r->max_field - (r->rec_len - r->field_start)) {
        char text[QG_ERR_MSG_MAX];
        snprintf(text, sizeof text, "field longer than %zu bytes (column %zu)", r->max_field,
                 r->count + 1);
        return reader_fail(r, QG_ETOOLARGE, r->line, "csv.too_large", text);
    }
    /* + 1 keeps room for the NUL that ends the field */
    if (r->rec_cap - r->rec_len < n + 1 && grow_record(r, r->rec_len + n + 1) < 0)
        return -1;
    memcpy(r->rec + r->rec_len, p, n);
    r->rec_len += n;
    return 0;
}

/* Doubles the field arrays (up to max_fields) when full. Returns 0 or -1. */
static int grow_fields(csv_reader *r)
{
    if (r->count < r->fields_cap)
        return 0;
    size_t cap = r->fields_cap * 2;
    if (cap > r->max_fields)
        cap = r->max_fields;
    size_t *starts = qg_realloc(r->starts, cap * sizeof *starts);
    if (starts)
        r->starts = starts;
    csv_field *fields = starts ? qg_realloc(r->fields, cap * sizeof *fields) : NULL;
    if (!fields)
        return reader_fail(r, QG_ENOMEM, r->line, "memory.exhausted", "out of memory");
    r->fields = fields;
    r->fields_cap = cap;
    return 0;
}

/* Finishes the field being read. Returns 0 or -1 (too many fields, no memory). */
static int end_field(csv_reader *r)
{
    if (r->count == r->max_fields) {
        char text[QG_ERR_MSG_MAX];
        snprintf(text, sizeof text, "more than %zu fields", r->max_fields);
        return reader_fail(r, QG_ETOOLARGE, r->line, "csv.too_large", text);
    }
    if (grow_fields(r) < 0)
        return -1;
    if (r->rec_len == r->rec_cap && grow_record(r, r->rec_len + 1) < 0)
        return -1; /* an empty field: no append made room for its NUL */
    r->starts[r->count] = r->field_start;
    r->fields[r->count].len = r->rec_len - r->field_start;
    r->count++;
    r->rec[r->rec_len++] = '\0';
    r->field_start = r->rec_len;
    return 0;
}

/* Finishes the last field of a record at its line feed. Returns 1 or -1. */
static int end_record(csv_reader *r)
{
    if (end_field(r) < 0)
        return -1;
    r->line++;
    return 1;
}

/* Skips a UTF-8 byte order mark at the very start of the file. Returns 0 or -1. */
static int skip_bom(csv_reader *r)
{
    r->started = true;
    if (refill(r) < 0)
        return -1;
    if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    return 0;
}

/* Consumes a run of ordinary bytes and the byte that stops it, in an unquoted field.
 * Returns 1 when the record ended, 0 to go on, -1 on an error. */
static int step_unquoted(csv_reader *r, enum csv_state *st)
{
    const unsigned char *p = r->buf + r->pos, *end = r->buf + r->len, *q = p;
    while (q < end && !unquoted_stop[*q])
        q++;
    if (q > p && append(r, p, (size_t)(q - p)) < 0)
        return -1;
    r->pos += (size_t)(q - p);
    if (q == end)
        return 0;
    r->pos++;
    switch (*q) {
    case ',':
        *st = ST_START;
        return end_field(r);
    case '\n':
        return end_record(r);
    case '\r':
        *st = ST_CR;
        return 0;
    case '"':
        return syntax_fail(r, "a quote inside an unquoted field");
    default:
        return syntax_fail(r, "a NUL byte");
    }
}

/* Consumes a run of ordinary bytes and the byte that stops it, in a quoted field.
 * Returns 0 to go on or -1 on an error. */
static int step_quoted(csv_reader *r, enum csv_state *st)
{
    const unsigned char *p = r->buf + r->pos, *end = r->buf + r->len, *q = p;
    while (q < end && !quoted_stop[*q])
        q++;
    bool newline = q < end && *q == '\n';
    if (newline)
        q++; /* the line feed is part of the field */
    if (q > p && append(r, p, (size_t)(q - p)) < 0)
        return -1;
    r->pos += (size_t)(q - p);
    if (newline) {
        r->line++;
        return 0;
    }
    if (q == end)
        return 0;
    r->pos++;
    if (*q == '\0')
        return syntax_fail(r, "a NUL byte");
    *st = ST_QUOTE;
    return 0;
}

/* Consumes the byte after a quote inside a quoted field. Returns 1 when the record
 * ended, 0 to go on, -1 on an error. */
static int step_after_quote(csv_reader *r, enum csv_state *st)
{
    unsigned char c = r->buf[r->pos++];
    switch (c) {
    case '"':
        *st = ST_QUOTED;
        return append(r, "\"", 1);
    case ',':
        *st = ST_START;
        return end_field(r);
    case '\n':
        return end_record(r);
    case '\r':
        *st = ST_CR;
        return 0;
    default:
        return syntax_fail(r, c == '\0' ? "a NUL byte" : "text after the closing quote of a field");
    }
}

/* Consumes one byte in the given state. Returns 1 when the record ended, 0 to go on,
 * -1 on an error. */
static int step(csv_reader *r, enum csv_state *st)
{
    switch (*st) {
    case ST_START:
        if (r->buf[r->pos] == '"') {
            r->pos++;
            r->quote_line = r->line;
            *st = ST_QUOTED;
        } else {
            *st = ST_UNQUOTED;
        }
        return 0;
    case ST_UNQUOTED:
        return step_unquoted(r, st);
    case ST_QUOTED:
        return step_quoted(r, st);
    case ST_QUOTE:
        return step_after_quote(r, st);
    case ST_CR:
    default:
        if (r->buf[r->pos++] != '\n')
            return syntax_fail(r, "a carriage return not followed by a line feed");
        return end_record(r);
    }
}

/* Handles the end of the file in the given state. Returns 1 when a last record ended
 * there, 0 when there was none, -1 on an error. */
static int at_end_of_file(csv_reader *r, enum csv_state st, bool any)
{
    switch (st) {
    case ST_START:
        if (!any)
            return 0;
        return end_field(r) < 0 ? -1 : 1;
    case ST_QUOTED:
        return reader_fail(r, QG_EINVAL, r->quote_line, "csv.syntax", "unterminated quoted field");
    case ST_CR:
        return syntax_fail(r, "a carriage return not followed by a line feed");
    case ST_UNQUOTED:
    case ST_QUOTE:
    default:
        return end_field(r) < 0 ? -1 : 1;
    }
}

/* Points the fields of the finished record into the record buffer and fills row. */
static void fill_row(csv_reader *r, csv_row *row, size_t line)
{
    for (size_t i = 0; i < r->count; i++)
        r->fields[i].data = r->rec + r->starts[i];
    row->fields = r->fields;
    row->count = r->count;
    row->line = line;
}

int csv_next(csv_reader *r, csv_row *row, qg_error *err)
{
    if (!r || !row) {
        qg_fail(err, QG_EINVAL, NULL, "internal.failure", "no reader");
        return -1;
    }
    int rc = r->failed ? -1 : 0;
    if (rc == 0 && !r->started)
        rc = skip_bom(r);
    r->rec_len = r->field_start = r->count = 0;
    size_t line = r->line;
    enum csv_state st = ST_START;
    bool any = false; /* a byte of this record was seen */
    while (rc == 0) {
        if (r->pos == r->len) {
            rc = refill(r);
            if (rc <= 0) {
                rc = rc < 0 ? -1 : at_end_of_file(r, st, any);
                break;
            }
        }
        any = true;
        rc = step(r, &st);
    }
    if (rc < 0) {
        if (err)
            *err = r->error;
        return -1;
    }
    if (rc > 0)
        fill_row(r, row, line);
    return rc;
}

/* Length of the well-formed UTF-8 sequence at p (n bytes available), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t n)
{
    static const unsigned min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    unsigned v = p[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (v < min_for_len[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return len;
}

bool csv_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_sequence(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* Returns true when the len bytes at s are [+-]digits[.digits]. */
static bool plain_number(const char *s, size_t len)
{
    size_t i = len > 0 && (s[0] == '+' || s[0] == '-') ? 1 : 0;
    size_t digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    if (digits == 0)
        return false;
    if (i == len)
        return true;
    if (s[i] != '.' || ++i == len)
        return false;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i == len;
}

bool csv_looks_like_formula(const char *s, size_t len)
{
    if (!s || len == 0 || !memchr("=+-@\t\r", s[0], 6))
        return false;
    return !plain_number(s, len);
}

/* Writes n bytes. Returns 0 or -1. */
static int write_bytes(FILE *out, const char *p, size_t n)
{
    return n == 0 || fwrite(p, 1, n, out) == n ? 0 : -1;
}

/* Returns true when the value must be quoted to read back the same. A value that starts
 * with a UTF-8 byte order mark is quoted too: as the first field of a file, the reader
 * would take its mark for the file's and skip it. */
static bool needs_quotes(const char *s, size_t len)
{
    if (len == 0)
        return false;
    if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
        return true;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

/* Writes the len bytes at s with each quote doubled. Returns 0 or -1. */
static int write_escaped(FILE *out, const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        size_t n = q ? (size_t)(q - p) + 1 : (size_t)(end - p);
        if (write_bytes(out, p, n) < 0 || (q && putc('"', out) == EOF))
            return -1;
        p += n;
    }
    return 0;
}

int csv_write_field(FILE *out, const char *s, bool first)
{
    if (!out)
        return -1;
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (!first && putc(',', out) == EOF)
        return -1;
    bool guard = csv_looks_like_formula(s, len);
    if (!guard && !needs_quotes(s, len))
        return write_bytes(out, s, len);
    if (putc('"', out) == EOF || (guard && putc('\'', out) == EOF))
        return -1;
    if (write_escaped(out, s, len) < 0 || putc('"', out) == EOF)
        return -1;
    return 0;
}

int csv_end_record(FILE *out)
{
    return out && fwrite("\r\n", 1, 2, out) == 2 ? 0 : -1;
}
