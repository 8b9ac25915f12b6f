/* test_csv.c — the RFC 4180 CSV reader and writer (src/base/csv.c): records, quoting,
 * line numbers, limits and syntax errors, block boundaries, the formula guard and a
 * write-then-read round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

#define NO_LIMIT 1000000 /* max_field / max_fields when a test is not about limits */
#define QORGAU_KK "\xd2\x9b\xd0\xbe\xd1\x80\xd2\x93\xd0\xb0\xd1\x83" /* қорғау */

/* Returns a temporary file holding the len bytes at data, positioned at its start. */
static FILE *input(const void *data, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    if (len > 0)
        assert_int_equal(fwrite(data, 1, len, f), len);
    rewind(f);
    return f;
}

#define INPUT(lit) input(lit, sizeof lit - 1)

/* Writes n copies of byte c. */
static void put_run(FILE *f, int c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(putc(c, f), EOF);
}

/* Reads the next record and checks its line and its n fields (C strings after n). */
static void expect_row(csv_reader *r, size_t line, size_t n, ...)
{
    csv_row row;
    qg_error err = {0};
    int rc = csv_next(r, &row, &err);
    if (rc != 1)
        fail_msg("expected a record, got %d: %s: %s", rc, err.field, err.message);
    assert_int_equal(row.line, line);
    assert_int_equal(row.count, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        assert_int_equal(row.fields[i].len, strlen(want));
        assert_string_equal(row.fields[i].data, want); /* also checks the closing NUL */
    }
    va_end(ap);
}

/* Checks that the reader is at the end of its file. */
static void expect_end(csv_reader *r)
{
    csv_row row;
    qg_error err = {0};
    assert_int_equal(csv_next(r, &row, &err), 0);
    assert_int_equal(csv_next(r, &row, &err), 0); /* and stays there */
}

/* Reads past the good records to the first error and checks it: code, field "line N"
 * and a message that starts with msg. The error must stay on the next call. */
static void expect_error(csv_reader *r, qg_code code, size_t line, const char *msg)
{
    csv_row row;
    qg_error err = {0}, again = {0};
    int rc;
    while ((rc = csv_next(r, &row, &err)) == 1)
        ;
    assert_int_equal(rc, -1);
    char field[32];
    snprintf(field, sizeof field, "line %zu", line);
    assert_int_equal(err.code, code);
    assert_string_equal(err.field, field);
    if (strncmp(err.message, msg, strlen(msg)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", err.message, msg);
    assert_int_equal(csv_next(r, &row, &again), -1);
    assert_int_equal(again.code, code);
    assert_string_equal(again.field, field);
    assert_string_equal(again.message, err.message);
}

/* Reads the len bytes at data with the given limits and expects an error. */
static void expect_bad(const char *data, size_t len, size_t max_field, size_t max_fields,
                       qg_code code, size_t line, const char *msg)
{
    FILE *f = input(data, len);
    csv_reader *r = csv_open(f, max_field, max_fields);
    assert_non_null(r);
    expect_error(r, code, line, msg);
    csv_close(r);
    fclose(f);
}

#define BAD(lit, max_field, max_fields, code, line, msg) \
    expect_bad(lit, sizeof lit - 1, max_field, max_fields, code, line, msg)

static void test_simple_rows(void **state)
{
    (void)state;
    FILE *f = INPUT("id,name,age\n1,Aigerim,34\n2,,7\n");
    csv_reader *r = csv_open(f, NO_LIMIT, NO_LIMIT);
    assert_non_null(r);
    expect_row(r, 1, 3, "id", "name", "age");
    expect_row(r, 2, 3, "1", "Aigerim", "34");
    expect_row(r, 3, 3, "2", "", "7");
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_quoted_fields_and_line_numbers(void **state)
{
    (void)state;
    FILE *f = INPUT("\"a,b\",\"say \"\"hi\"\"\",\"x\r\ny\"\r\n"
                    "next,\"\",\"\"\"\"\n"
                    "\"one\ntwo\nthree\",end\n"
                    "last,\"q\"\n");
    csv_reader *r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 3, "a,b", "say \"hi\"", "x\r\ny");
    expect_row(r, 3, 3, "next", "", "\"");
    expect_row(r, 4, 2, "one\ntwo\nthree", "end");
    expect_row(r, 7, 2, "last", "q");
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_crlf_and_lf_and_last_line(void **state)
{
    (void)state;
    FILE *f = INPUT("a,b\r\nc,d\ne,f\r\ng,h");
    csv_reader *r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 2, "a", "b");
    expect_row(r, 2, 2, "c", "d");
    expect_row(r, 3, 2, "e", "f");
    expect_row(r, 4, 2, "g", "h"); /* no newline after the last record */
    expect_end(r);
    csv_close(r);
    fclose(f);

    f = INPUT("x,\n\"quoted\"");
    r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 2, "x", ""); /* a trailing comma is an empty last field */
    expect_row(r, 2, 1, "quoted");
    expect_end(r);
    csv_close(r);
    fclose(f);

    f = INPUT("a,\r\n,");
    r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 2, "a", "");
    expect_row(r, 2, 2, "", "");
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_empty_lines_and_empty_file(void **state)
{
    (void)state;
    FILE *f = INPUT("a\n\nb\r\n\r\n");
    csv_reader *r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 1, "a");
    expect_row(r, 2, 1, "");
    expect_row(r, 3, 1, "b");
    expect_row(r, 4, 1, "");
    expect_end(r);
    csv_close(r);
    fclose(f);

    f = input("", 0);
    r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_bom_only_at_start(void **state)
{
    (void)state;
    FILE *f = INPUT("\xEF\xBB\xBFid,name\n1,\xEF\xBB\xBFx\n\xEF\xBB\xBF\n");
    csv_reader *r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 2, "id", "name");
    expect_row(r, 2, 2, "1", "\xEF\xBB\xBFx");
    expect_row(r, 3, 1, "\xEF\xBB\xBF");
    expect_end(r);
    csv_close(r);
    fclose(f);

    f = INPUT("\xEF\xBB\xBF");
    r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_end(r);
    csv_close(r);
    fclose(f);

    f = INPUT("\xEF\xBB\xBF\"q\"\n");
    r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 1, "q");
    expect_end(r);
    csv_close(r);
    fclose(f);

    f = INPUT("\xEF\xBB"); /* a cut mark is data, for the caller's UTF-8 check */
    r = csv_open(f, NO_LIMIT, NO_LIMIT);
    expect_row(r, 1, 1, "\xEF\xBB");
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    BAD("a,b\nc,\"d\ne\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 2, "unterminated quoted field");
    BAD("\"", NO_LIMIT, NO_LIMIT, QG_EINVAL, 1, "unterminated quoted field");
    BAD("ok\nab\"c\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 2, "a quote inside an unquoted field");
    BAD("x, \"y\"\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 1,
        "a quote inside an unquoted field (column 2)");
    BAD("\"a\nb\"c\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 2, "text after the closing quote");
    BAD("a\rb\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 1, "a carriage return not followed");
    BAD("a\nb\r", NO_LIMIT, NO_LIMIT, QG_EINVAL, 2, "a carriage return not followed");
    BAD("\"a\"\rb", NO_LIMIT, NO_LIMIT, QG_EINVAL, 1, "a carriage return not followed");
    BAD("a,b\0c\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 1, "a NUL byte (column 2)");
    BAD("a\n\"b\0\"\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 2, "a NUL byte");
    BAD("\"b\"\0\n", NO_LIMIT, NO_LIMIT, QG_EINVAL, 1, "a NUL byte");
    BAD("\0", NO_LIMIT, NO_LIMIT, QG_EINVAL, 1, "a NUL byte");
}

static void test_limits(void **state)
{
    (void)state;
    /* exactly at the limits passes: 4 bytes after unquoting, 3 fields */
    FILE *f = INPUT("abcd,\"ab\"\"c\",\"\r\nxy\"\nz\n");
    csv_reader *r = csv_open(f, 4, 3);
    expect_row(r, 1, 3, "abcd", "ab\"c", "\r\nxy");
    expect_row(r, 3, 1, "z");
    expect_end(r);
    csv_close(r);
    fclose(f);

    BAD("abcd,abcde\n", 4, 3, QG_ETOOLARGE, 1, "field longer than 4 bytes (column 2)");
    BAD("a\n\"ab\"\"cd\"\n", 4, 3, QG_ETOOLARGE, 2, "field longer than 4 bytes");
    BAD("a,b,c\na,b,c,d\n", 4, 3, QG_ETOOLARGE, 2, "more than 3 fields");
    BAD("a,b,c,\n", 4, 3, QG_ETOOLARGE, 1, "more than 3 fields");
    BAD("a,b,c,", 4, 3, QG_ETOOLARGE, 1, "more than 3 fields");
    BAD("a,b,\"c\",\"d\"\r\n", 4, 3, QG_ETOOLARGE, 1, "more than 3 fields");
    BAD("a\n,\n", 4, 1, QG_ETOOLARGE, 2, "more than 1 fields");

    f = INPUT("a\n");
    assert_null(csv_open(f, 0, 3));
    assert_null(csv_open(f, 3, 0));
    assert_null(csv_open(NULL, 3, 3));
    csv_close(NULL);
    fclose(f);
}

static void test_many_empty_fields(void **state)
{
    (void)state;
    const size_t n = 5000; /* more empty fields than the first record buffer holds */
    FILE *f = tmpfile();
    assert_non_null(f);
    put_run(f, ',', n - 1);
    fputs("\n", f);
    put_run(f, ',', n - 1);
    rewind(f);
    csv_reader *r = csv_open(f, 10, n);
    csv_row row;
    qg_error err = {0};
    for (size_t line = 1; line <= 2; line++) {
        assert_int_equal(csv_next(r, &row, &err), 1);
        assert_int_equal(row.line, line);
        assert_int_equal(row.count, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(row.fields[i].len, 0);
            assert_int_equal(row.fields[i].data[0], '\0');
        }
    }
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_read_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/null", "w"); /* reading a write-only stream fails */
    assert_non_null(f);
    csv_reader *r = csv_open(f, NO_LIMIT, NO_LIMIT);
    csv_row row;
    qg_error err = {0};
    assert_int_equal(csv_next(r, &row, &err), -1);
    assert_int_equal(err.code, QG_EIO);
    csv_close(r);
    fclose(f);
    assert_int_equal(csv_next(NULL, &row, &err), -1);
}

/* The value of field 1 of generated row i: quotes, a comma and a CRLF inside. */
static void generated_value(size_t i, char *out, size_t size)
{
    snprintf(out, size, "v%zu,\"%.*s\"\r\nend", i, (int)(i % 17), "abcdefghijklmnopq");
}

static void test_records_across_buffer_boundaries(void **state)
{
    (void)state;
    const size_t B = CSV_BUFFER_SIZE;
    FILE *f = tmpfile();
    assert_non_null(f);
    /* boundary 1 falls between the CR and the LF of a record's end */
    put_run(f, 'p', B - 1);
    fputs("\r\n", f);
    /* boundary 2 falls between the two quotes of "" */
    putc('"', f);
    put_run(f, 'q', B - 3);
    fputs("\"\"z\"\n", f);
    /* boundary 3 falls between a closing quote and the comma after it */
    assert_int_equal(ftell(f), 2 * B + 4);
    putc('"', f);
    put_run(f, 'w', B - 6);
    fputs("\",end\n", f);
    /* a field of 70000 bytes straddles boundary 4 */
    put_run(f, 'L', 70000);
    fputs(",tail\n", f);
    /* then many records spanning two lines each, so boundaries fall everywhere */
    const size_t rows = 20000;
    for (size_t i = 0; i < rows; i++) {
        char v[64];
        generated_value(i, v, sizeof v);
        fprintf(f, "r%zu,\"", i);
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                putc('"', f);
            putc(*p, f);
        }
        fputs("\",\r\n", f);
    }
    assert_true(ftell(f) > 8 * (long)B);
    rewind(f);

    csv_reader *r = csv_open(f, 100000, 4);
    csv_row row;
    qg_error err = {0};
    assert_int_equal(csv_next(r, &row, &err), 1);
    assert_int_equal(row.line, 1);
    assert_int_equal(row.count, 1);
    assert_int_equal(row.fields[0].len, B - 1);
    assert_int_equal(csv_next(r, &row, &err), 1);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.fields[0].len, B - 1);
    assert_memory_equal(row.fields[0].data + B - 3, "\"z", 3); /* with the NUL */
    assert_int_equal(csv_next(r, &row, &err), 1);
    assert_int_equal(row.line, 3);
    assert_int_equal(row.count, 2);
    assert_int_equal(row.fields[0].len, B - 6);
    assert_string_equal(row.fields[1].data, "end");
    assert_int_equal(csv_next(r, &row, &err), 1);
    assert_int_equal(row.line, 4);
    assert_int_equal(row.fields[0].len, 70000);
    assert_int_equal(row.fields[0].data[69999], 'L');
    assert_string_equal(row.fields[1].data, "tail");
    for (size_t i = 0; i < rows; i++) {
        char name[32], v[64];
        snprintf(name, sizeof name, "r%zu", i);
        generated_value(i, v, sizeof v);
        expect_row(r, 5 + 2 * i, 3, name, v, "");
    }
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_writer_output(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    static const char *const values[] = {"plain", "a,b", "a\"b", "", "-5", "=1", " x", NULL,
                                         "\xd2\x9b"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        assert_int_equal(csv_write_field(f, values[i], i == 0), 0);
    assert_int_equal(csv_end_record(f), 0);
    long size = ftell(f);
    rewind(f);
    char got[128] = {0};
    assert_int_equal(fread(got, 1, sizeof got - 1, f), (size_t)size);
    assert_string_equal(got, "plain,\"a,b\",\"a\"\"b\",,-5,\"'=1\",\" x\",,\xd2\x9b\r\n");
    fclose(f);

    f = fopen("/dev/null", "r"); /* writing a read-only stream fails */
    assert_non_null(f);
    assert_int_equal(csv_write_field(f, "x", true), -1);
    assert_int_equal(csv_write_field(f, "a,b", true), -1);
    assert_int_equal(csv_write_field(f, "x", false), -1);
    assert_int_equal(csv_end_record(f), -1);
    fclose(f);
    assert_int_equal(csv_write_field(NULL, "x", true), -1);
}

static void test_writer_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *value, *read_back;
    } cases[] = {
        {"plain", "plain"},
        {"with,comma", "with,comma"},
        {"say \"hi\"", "say \"hi\""},
        {"\"", "\""},
        {"multi\r\nline", "multi\r\nline"},
        {"lf\nonly", "lf\nonly"},
        {" lead", " lead"},
        {"trail ", "trail "},
        {"", ""},
        {QORGAU_KK, QORGAU_KK},
        {"=SUM(A1:A2)", "'=SUM(A1:A2)"},
        {"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
        {"@cmd", "'@cmd"},
        {"+7 701 123 4567", "'+7 701 123 4567"},
        {"-2+3", "'-2+3"},
        {"\tTab", "'\tTab"},
        {"\rcr", "'\rcr"},
        {"-", "'-"},
        {"-5", "-5"},
        {"+7", "+7"},
        {"-1.5", "-1.5"},
        {"+77011234567", "+77011234567"},
        {"0.25", "0.25"},
    };
    const size_t n = sizeof cases / sizeof cases[0];
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int rec = 0; rec < 2; rec++) {
        for (size_t i = 0; i < n; i++)
            assert_int_equal(csv_write_field(f, cases[i].value, i == 0), 0);
        assert_int_equal(csv_end_record(f), 0);
    }
    rewind(f);
    csv_reader *r = csv_open(f, 1000, n);
    csv_row row;
    qg_error err = {0};
    size_t want_line = 1;
    for (int rec = 0; rec < 2; rec++) {
        assert_int_equal(csv_next(r, &row, &err), 1);
        assert_int_equal(row.line, want_line);
        assert_int_equal(row.count, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(row.fields[i].len, strlen(cases[i].read_back));
            assert_string_equal(row.fields[i].data, cases[i].read_back);
        }
        want_line += 3; /* "multi\r\nline" and "lf\nonly"; "\rcr" is no line break */
    }
    expect_end(r);
    csv_close(r);
    fclose(f);
}

static void test_looks_like_formula(void **state)
{
    (void)state;
    static const char *const formulas[] = {"=1+2", "=5", "+", "-", "@SUM(A1)", "\tx", "\rx",
                                           "-2+3", "+7 701 123 4567", "-1.", "-.5", "+-1",
                                           "-1.5.2", "-1e5", "=", "@"};
    for (size_t i = 0; i < sizeof formulas / sizeof formulas[0]; i++)
        if (!csv_looks_like_formula(formulas[i], strlen(formulas[i])))
            fail_msg("\"%s\" should look like a formula", formulas[i]);
    static const char *const plain[] = {"", "abc", "5", "-5", "+7", "-1.5", "+77011234567",
                                        "a=b", " =x", "1-2", "'=x", "0"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (csv_looks_like_formula(plain[i], strlen(plain[i])))
            fail_msg("\"%s\" should not look like a formula", plain[i]);
    assert_false(csv_looks_like_formula("=x", 0)); /* only len bytes count */
    assert_false(csv_looks_like_formula("-5x", 2));
    assert_true(csv_looks_like_formula("-5x", 3));
    assert_false(csv_looks_like_formula(NULL, 0));
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(csv_utf8_valid("", 0));
    assert_true(csv_utf8_valid("Qorgau", 6));
    assert_true(csv_utf8_valid("\xd2\x9b\xd0\xbe\xd1\x80\xd2\x93\xd0\xb0\xd1\x83", 12));
    assert_true(csv_utf8_valid("\xe2\x82\xb8", 3));     /* tenge sign */
    assert_true(csv_utf8_valid("\xf0\x9f\x98\x80", 4)); /* U+1F600 */
    assert_true(csv_utf8_valid("a\tb\r\n", 5));         /* controls are the caller's */
    assert_true(csv_utf8_valid("\xd2\x9b\xff", 2));     /* only len bytes count */
    assert_false(csv_utf8_valid("\xd2\x9b", 1));        /* cut by len */
    assert_false(csv_utf8_valid("\xf0\x9f\x98\x80", 3));
    assert_false(csv_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(csv_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    assert_false(csv_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(csv_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(csv_utf8_valid("\xf5\x80\x80\x80", 4));
    assert_false(csv_utf8_valid("\x80", 1));             /* lone continuation */
    assert_false(csv_utf8_valid("a\xd0z", 3));           /* lead without continuation */
    assert_false(csv_utf8_valid("\xff", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_rows),
        cmocka_unit_test(test_quoted_fields_and_line_numbers),
        cmocka_unit_test(test_crlf_and_lf_and_last_line),
        cmocka_unit_test(test_empty_lines_and_empty_file),
        cmocka_unit_test(test_bom_only_at_start),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_many_empty_fields),
        cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_records_across_buffer_boundaries),
        cmocka_unit_test(test_writer_output),
        cmocka_unit_test(test_writer_round_trip),
        cmocka_unit_test(test_looks_like_formula),
        cmocka_unit_test(test_utf8_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
