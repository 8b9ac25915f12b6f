/*
 * bb_reports.c — black-box tests of the aggregate reports (issue 6) through the real
 * binary and a real server.
 *
 * Exercise 4 of the manual (L2741–2832) as a test: its 62 victims (L2747–2787) are
 * imported as CSV and the three tables are checked cell by cell: victims per year
 * (2019: 15, 2020: 22, 2021: 25), the categories per year, and the forms per year.
 * The manual's answer key is wrong in two places, and this test checks the correct
 * figures, not the key's:
 *   - L2800–2804: the key shifts the years to 2018–2020; the exercise's data is for
 *     2019, 2020 and 2021;
 *   - L2828–2830: for the first year the key prints forced begging 4 and forced
 *     criminal activity 0; the data (L2747–2760) gives forced criminal activity 4 and
 *     no forced begging in 2019.
 * "Forced domestic labour" in the exercise is the code domestic_servitude.
 *
 * Also: protection with --shared and k = 5 (which cells, suppressed_cells, no line with
 * exactly one withheld entry), a case whose consent to statistics was withdrawn
 * leaving every report, flows from route data, the process report's tables, CSV that
 * parses back and starts no cell with = + - @, command-line errors, and the API: the
 * analyst always protected, a supervisor's own organisation only, other roles 403, bad
 * parameters 400 naming them, the CSV download, and the audit entry. All data is made
 * up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/csv.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "reports-test-password"

static char out[QGT_OUT], err[QGT_OUT];
static char org_a[24];

/* ---- Exercise 4 data (manual L2747-2787) ---- */

typedef struct {
    int year;
    int men, women, girls, boys;
    int forms[6]; /* in FORMS order */
} year_data;

static const char *const FORMS[] = {"sexual_exploitation", "forced_labour",
                                    "forced_criminality",  "forced_begging",
                                    "domestic_servitude",  "organ_removal"};

static const year_data EX4[] = {
    {2019, 3, 2, 4, 6, {4, 3, 4, 0, 4, 0}},
    {2020, 5, 3, 10, 4, {8, 4, 7, 2, 0, 1}},
    {2021, 2, 5, 13, 5, {10, 8, 2, 0, 5, 0}},
};

/* Writes the 62 victims as import CSV: men 30, women 25, girls 15, boys 14 years old,
 * each with one form; ex4-1 is a man of 2019 with sexual exploitation. */
static void write_ex4(const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("external_ref,identified_on,sex,age,exploitation_forms\n", f);
    int n = 0;
    for (size_t y = 0; y < 3; y++) {
        const year_data *d = &EX4[y];
        const struct {
            int count;
            const char *sex;
            int age;
        } who[] = {{d->men, "male", 30}, {d->women, "female", 25}, {d->girls, "female", 15},
                   {d->boys, "male", 14}};
        size_t form = 0;
        int used = 0;
        for (size_t w = 0; w < 4; w++)
            for (int i = 0; i < who[w].count; i++) {
                while (used == d->forms[form]) {
                    form++;
                    used = 0;
                }
                used++;
                fprintf(f, "ex4-%d,%d-03-15,%s,%d,%s\n", ++n, d->year, who[w].sex, who[w].age,
                        FORMS[form]);
            }
    }
    assert_int_equal(n, 62);
    assert_int_equal(fclose(f), 0);
}

static void env_with_ex4(qgt_env *e)
{
    assert_true(qgt_env_init(e));
    int64_t a = qgt_org(e, "Reports NGO A", "ngo", "almaty");
    assert_true(a > 0);
    snprintf(org_a, sizeof org_a, "%lld", (long long)a);
    char path[QGT_PATH + 16];
    snprintf(path, sizeof path, "%s/ex4.csv", e->dir);
    write_ex4(path);
    const char *argv[] = {"import", "cases", path, "--org", org_a, NULL};
    assert_int_equal(qgt_cli(e, true, NULL, out, err, argv), 0);
}

/* ---- reading a report ---- */

/* Runs `qorgau report ARGS...` and returns its JSON (caller frees). */
static json_t *cli_report_json(qgt_env *e, const char *const *args)
{
    const char *argv[16] = {"report"};
    size_t n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    int rc = qgt_cli(e, true, NULL, out, err, argv);
    if (rc != 0)
        fail_msg("report exit %d: %s", rc, err);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    assert_non_null(j);
    return j;
}

static bool key_matches(json_t *v, const char *key)
{
    char buf[32];
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return strcmp(buf, key) == 0;
    }
    return json_is_string(v) && strcmp(json_string_value(v), key) == 0;
}

/* Returns the row of rows with d1 = k1 (and d2 = k2 when d2), or fails. */
static json_t *find_row(json_t *rows, const char *d1, const char *k1, const char *d2,
                        const char *k2)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (key_matches(json_object_get(row, d1), k1) &&
            (!d2 || key_matches(json_object_get(row, d2), k2)))
            return row;
    }
    fail_msg("no row %s=%s %s=%s", d1, k1, d2 ? d2 : "", k2 ? k2 : "");
    return NULL;
}

/* The count of a cell; -1 when it is suppressed (null with "suppressed": true). */
static long long cell(json_t *report, const char *d1, const char *k1, const char *d2,
                      const char *k2)
{
    json_t *row = find_row(json_object_get(report, "rows"), d1, k1, d2, k2);
    json_t *count = json_object_get(row, "count");
    if (json_is_null(count)) {
        assert_true(json_is_true(json_object_get(row, "suppressed")));
        return -1;
    }
    assert_null(json_object_get(row, "suppressed"));
    return json_integer_value(count);
}

static long long total_of(json_t *report, const char *which, const char *dim, const char *key)
{
    json_t *rows = json_object_get(json_object_get(report, "totals"), which);
    json_t *c = json_object_get(find_row(rows, dim, key, NULL, NULL), "count");
    return json_is_null(c) ? -1 : json_integer_value(c);
}

static long long grand_of(json_t *report)
{
    json_t *g = json_object_get(json_object_get(json_object_get(report, "totals"), "grand"),
                                "count");
    return json_is_null(g) ? -1 : json_integer_value(g);
}

static const char *year_key(int y)
{
    static char buf[8];
    snprintf(buf, sizeof buf, "%d", y);
    return buf;
}

static void check_victims(json_t *v)
{
    assert_string_equal(json_string_value(json_object_get(v, "report")), "victims");
    json_t *dims = json_object_get(v, "dimensions");
    assert_string_equal(json_string_value(json_array_get(dims, 0)), "year");
    assert_string_equal(json_string_value(json_array_get(dims, 1)), "category");
    const int per_year[] = {15, 22, 25};
    for (size_t y = 0; y < 3; y++) {
        const year_data *d = &EX4[y];
        char k[8];
        snprintf(k, sizeof k, "%d", d->year);
        assert_int_equal(cell(v, "year", k, "category", "men"), d->men);
        assert_int_equal(cell(v, "year", k, "category", "women"), d->women);
        assert_int_equal(cell(v, "year", k, "category", "girls"), d->girls);
        assert_int_equal(cell(v, "year", k, "category", "boys"), d->boys);
        assert_int_equal(cell(v, "year", k, "category", "unknown"), 0);
        assert_int_equal(total_of(v, "rows", "year", k), per_year[y]);
    }
    assert_int_equal(json_array_size(json_object_get(v, "rows")), 3 * 5); /* no 2018 */
    assert_int_equal(total_of(v, "columns", "category", "girls"), 27);
    assert_int_equal(grand_of(v), 62);
    assert_int_equal(json_integer_value(json_object_get(v, "suppressed_cells")), 0);
    json_t *girls = json_object_get(json_object_get(json_object_get(v, "labels"), "category"),
                                    "girls");
    assert_non_null(json_object_get(girls, "kk"));
}

static void check_exploitation(json_t *x)
{
    for (size_t y = 0; y < 3; y++)
        for (size_t f = 0; f < 6; f++)
            assert_int_equal(cell(x, "year", year_key(EX4[y].year), "form", FORMS[f]),
                             EX4[y].forms[f]);
    /* the answer key's errors: 2019 has criminal activity 4 and begging 0 */
    assert_int_equal(cell(x, "year", "2019", "form", "forced_criminality"), 4);
    assert_int_equal(cell(x, "year", "2019", "form", "forced_begging"), 0);
    assert_int_equal(cell(x, "year", "2019", "form", "unknown"), 0);
    assert_int_equal(grand_of(x), 62);
    json_t *l = json_object_get(json_object_get(json_object_get(x, "labels"), "form"),
                                "forced_criminality");
    assert_string_equal(json_string_value(json_object_get(l, "en")), "Forced criminal activity");
}

static void test_exercise4_tables(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    const char *victims[] = {"victims", "--format", "json", NULL};
    json_t *v = cli_report_json(&e, victims);
    check_victims(v);
    assert_false(json_is_true(json_object_get(v, "protected")));
    json_decref(v);
    const char *expl[] = {"exploitation", NULL};
    json_t *x = cli_report_json(&e, expl);
    check_exploitation(x);
    json_decref(x);
    /* --from/--to filter the identification year */
    const char *one[] = {"victims", "--from", "2020", "--to", "2020", NULL};
    v = cli_report_json(&e, one);
    assert_int_equal(grand_of(v), 22);
    assert_int_equal(json_array_size(json_object_get(v, "rows")), 5);
    json_decref(v);
    qgt_env_free(&e);
}

/* Asserts that no row or column (with its total) of a 2-D report has exactly one
 * withheld entry, and that suppressed_cells counts the withheld cells. */
static void assert_lines_safe(json_t *r, const char *d1, const char *d2)
{
    json_t *rows = json_object_get(r, "rows"), *row;
    json_t *totals = json_object_get(r, "totals");
    size_t i, nulls = 0;
    json_array_foreach(rows, i, row) nulls += json_is_null(json_object_get(row, "count"));
    assert_int_equal(json_integer_value(json_object_get(r, "suppressed_cells")), nulls);
    for (int pass = 0; pass < 2; pass++) {
        const char *dim = pass ? d2 : d1;
        json_t *margin = json_object_get(totals, pass ? "columns" : "rows"), *t;
        size_t j;
        json_array_foreach(margin, j, t)
        {
            json_t *key = json_object_get(t, dim);
            size_t w = json_is_null(json_object_get(t, "count"));
            json_array_foreach(rows, i, row) if (json_equal(json_object_get(row, dim), key)) w +=
                json_is_null(json_object_get(row, "count"));
            if (w == 1)
                fail_msg("%s line has exactly one withheld entry", dim);
        }
    }
}

static void test_exercise4_shared(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    const char *victims[] = {"victims", "--shared", "--k", "5", NULL};
    json_t *v = cli_report_json(&e, victims);
    assert_true(json_is_true(json_object_get(v, "protected")));
    assert_int_equal(json_integer_value(json_object_get(v, "k")), 5);
    /* primary: 2019 men 3, women 2, girls 4; 2020 women 3, boys 4; 2021 men 2. Secondary:
     * 2021 women 5 (row 2021), 2021 boys 5 (column boys), 2020 girls 10 (column girls). */
    static const char *const cats[] = {"men", "women", "boys", "girls"};
    const bool want[3][4] = {{1, 1, 0, 1}, {0, 1, 1, 1}, {1, 1, 1, 0}};
    for (size_t y = 0; y < 3; y++)
        for (size_t c = 0; c < 4; c++) {
            long long n = cell(v, "year", year_key(EX4[y].year), "category", cats[c]);
            if (want[y][c])
                assert_int_equal(n, -1);
            else
                assert_true(n >= 5);
        }
    assert_int_equal(json_integer_value(json_object_get(v, "suppressed_cells")), 9);
    assert_int_equal(grand_of(v), 62);
    assert_int_equal(total_of(v, "rows", "year", "2019"), 15);
    assert_lines_safe(v, "year", "category");
    json_decref(v);

    const char *expl[] = {"exploitation", "--shared", NULL};
    json_t *x = cli_report_json(&e, expl);
    assert_true(json_integer_value(json_object_get(x, "suppressed_cells")) > 0);
    assert_int_equal(cell(x, "year", "2019", "form", "forced_criminality"), -1); /* 4 < 5 */
    assert_lines_safe(x, "year", "form");
    json_decref(x);

    const char *k10[] = {"victims", "--shared", "--k", "10", NULL};
    v = cli_report_json(&e, k10);
    assert_int_equal(cell(v, "year", "2019", "category", "boys"), -1); /* 6 < 10 */
    assert_lines_safe(v, "year", "category");
    json_decref(v);
    qgt_env_free(&e);
}

/* Returns the grand total of report name (for process: its first table, open cases). */
static long long grand_of_report(qgt_env *e, const char *name)
{
    const char *args[] = {name, NULL};
    json_t *r = cli_report_json(e, args);
    long long g = grand_of(r);
    json_decref(r);
    return g;
}

static void test_stats_excluded(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    qgt_sql(&e, "UPDATE cases SET stats_excluded = 1 WHERE external_ref = 'ex4-1'");
    static const char *const names[] = {"victims", "exploitation", "regions", "age-bands",
                                        "flows", "process"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(grand_of_report(&e, names[i]), 61);
    const char *victims[] = {"victims", NULL};
    json_t *v = cli_report_json(&e, victims);
    assert_int_equal(cell(v, "year", "2019", "category", "men"), 2);
    json_decref(v);
    const char *expl[] = {"exploitation", NULL};
    json_t *x = cli_report_json(&e, expl);
    assert_int_equal(cell(x, "year", "2019", "form", "sexual_exploitation"), 3);
    json_decref(x);
    qgt_env_free(&e);
}

static void test_flows_and_age_bands(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    qgt_sql(&e, "UPDATE cases SET exploitation_place = 'RU' WHERE external_ref = 'ex4-1';"
            "INSERT INTO case_route SELECT id, 1, 'recruitment', 'turkistan', '2019' FROM cases"
            "  WHERE external_ref IN ('ex4-1', 'ex4-2');"
            "INSERT INTO case_route SELECT id, 2, 'exploitation', 'almaty', NULL FROM cases"
            "  WHERE external_ref IN ('ex4-1', 'ex4-2');"
            "INSERT INTO case_route SELECT id, 1, 'transit', 'KG', NULL FROM cases"
            "  WHERE external_ref = 'ex4-3';"
            "INSERT INTO case_route SELECT id, 2, 'recruitment', 'UZ', NULL FROM cases"
            "  WHERE external_ref = 'ex4-3';"
            "INSERT INTO case_route SELECT id, 3, 'exploitation', 'almaty', NULL FROM cases"
            "  WHERE external_ref = 'ex4-3';");
    const char *flows[] = {"flows", NULL};
    json_t *f = cli_report_json(&e, flows);
    /* ex4-1: the place of exploitation wins over the route's exploitation event */
    assert_int_equal(cell(f, "origin", "turkistan", "destination", "RU"), 1);
    assert_int_equal(cell(f, "origin", "turkistan", "destination", "almaty"), 1);
    assert_int_equal(cell(f, "origin", "UZ", "destination", "almaty"), 1);
    assert_int_equal(cell(f, "origin", "unknown", "destination", "unknown"), 59);
    assert_int_equal(cell(f, "origin", "UZ", "destination", "RU"), 0);
    json_t *labels = json_object_get(json_object_get(f, "labels"), "origin");
    assert_non_null(json_object_get(labels, "UZ"));
    assert_non_null(json_object_get(labels, "turkistan"));
    json_decref(f);

    const char *ages[] = {"age-bands", NULL};
    json_t *a = cli_report_json(&e, ages);
    /* men 10 and women 10 are 18+; girls (15) and boys (14) are 14-17 */
    assert_int_equal(cell(a, "age_band", "18+", "sex", "male"), 10);
    assert_int_equal(cell(a, "age_band", "18+", "sex", "female"), 10);
    assert_int_equal(cell(a, "age_band", "14-17", "sex", "female"), 27);
    assert_int_equal(cell(a, "age_band", "14-17", "sex", "male"), 15);
    assert_int_equal(cell(a, "age_band", "0-8", "sex", "male"), 0);
    json_decref(a);

    const char *regions[] = {"regions", NULL};
    json_t *r = cli_report_json(&e, regions);
    assert_int_equal(cell(r, "region", "unknown", "year", "2021"), 25);
    assert_int_equal(cell(r, "region", "almaty", "year", "2021"), 0);
    json_decref(r);
    qgt_env_free(&e);
}

static void test_process_shape(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    const char *args[] = {"process", NULL};
    json_t *p = cli_report_json(&e, args);
    json_t *tables = json_object_get(p, "tables");
    assert_int_equal(json_array_size(tables), 4);
    static const char *const names[] = {"stages", "delays", "referrals", "overdue_tasks"};
    for (size_t i = 0; i < 4; i++) {
        json_t *t = json_array_get(tables, i);
        assert_string_equal(json_string_value(json_object_get(t, "table")), names[i]);
        assert_true(json_is_array(json_object_get(t, "dimensions")));
        assert_true(json_is_array(json_object_get(t, "rows")));
        assert_true(json_is_integer(json_object_get(t, "suppressed_cells")));
    }
    assert_int_equal(cell(p, "stage", "identification", NULL, NULL), 62);
    json_t *delays = json_array_get(tables, 1);
    assert_int_equal(cell(delays, "measure", "first_assessment", "delay", "never"), 62);
    assert_int_equal(cell(delays, "measure", "first_safety_plan", "delay", "0-7"), 0);
    json_decref(p);
    qgt_env_free(&e);
}

/* Parses CSV text back and checks that no cell starts like a formula; returns the
 * number of records. */
static size_t check_csv(const char *text, size_t len)
{
    FILE *f = fmemopen((void *)text, len, "rb");
    assert_non_null(f);
    csv_reader *r = csv_open(f, 4096, 16);
    csv_row row;
    qg_error e = {0};
    size_t n = 0;
    int rc;
    while ((rc = csv_next(r, &row, &e)) == 1) {
        n++;
        for (size_t i = 0; i < row.count; i++)
            if (row.fields[i].len && strchr("=+-@", row.fields[i].data[0]))
                fail_msg("cell starts like a formula at line %zu", row.line);
    }
    assert_int_equal(rc, 0);
    csv_close(r);
    fclose(f);
    return n;
}

static void test_csv_and_cli_errors(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    /* a formula planted in the database is written guarded */
    qgt_sql(&e, "UPDATE cases SET region = '=HYPERLINK(\"x\")' WHERE external_ref = 'ex4-5'");
    const char *regions[] = {"report", "regions", "--format", "csv", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, regions), 0);
    assert_non_null(strstr(out, "'=HYPERLINK"));
    check_csv(out, strlen(out));

    char path[QGT_PATH + 16];
    snprintf(path, sizeof path, "%s/v.csv", e.dir);
    const char *to_file[] = {"report", "victims", "--format", "csv", "--shared", "--out", path,
                             NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, to_file), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    size_t len = 0;
    char *text = qgt_read_file(path, &len);
    assert_non_null(text);
    /* one table, Kazakh labels by default, then the codes row */
    const char *head = "Жыл \\ Санат,Код,Ерлер (18 жас және одан жоғары),";
    assert_true(strncmp(text, head, strlen(head)) == 0);
    assert_non_null(strstr(text, "\r\nyear\\category,code,men,women,boys,girls,unknown,total\r\n"));
    assert_non_null(strstr(text, "\r\n2019,2019,,")); /* men 2019 (3) withheld */
    assert_null(strstr(text, "table,"));
    /* labels and codes rows, 3 years, totals */
    assert_int_equal(check_csv(text, len), 2 + 3 + 1);
    free(text);
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, to_file), 1);
    assert_non_null(strstr(err, "out: already exists"));

    static const struct {
        const char *argv[8];
        const char *want;
    } bad[] = {
        {{"report", "nope", NULL}, "report: name: 'nope' is not a report"},
        {{"report", NULL}, "report: name:"},
        {{"report", "victims", "--from", "19x", NULL}, "report: from:"},
        {{"report", "victims", "--from", "2021", "--to", "2019", NULL}, "report: to:"},
        {{"report", "victims", "--k", "1", NULL}, "report: k:"},
        {{"report", "victims", "--region", "mars", NULL}, "report: region:"},
        {{"report", "victims", "--format", "pdf", NULL}, "report: format:"},
        {{"report", "victims", "--format", "xlsx", NULL}, "report: out:"}, /* xlsx needs --out */
        {{"report", "process", "--format", "csv", "--table", "nope", NULL}, "report: table:"},
        {{"report", "victims", "--format", "csv", "--lang", "de", NULL}, "report: lang:"},
        {{"report", "victims", "--colour", "red", NULL}, "colour"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = qgt_cli(&e, true, NULL, out, err, bad[i].argv);
        if (rc != 2 || !strstr(err, bad[i].want))
            fail_msg("case %zu: exit %d, stderr %s", i, rc, err);
    }
    /* each report read is audited */
    const char *audit[] = {"audit", "list", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, audit), 0);
    assert_non_null(strstr(out, "report.read"));
    qgt_env_free(&e);
}

/* ---- the API ---- */

static json_t *api_json(qgt_env *e, const qgt_session *s, const char *path, int status)
{
    httpc_response *r = qgt_call(e, s, "GET", path, NULL);
    assert_non_null(r);
    if (r->status != status)
        fail_msg("%s: status %d (want %d): %s", path, r->status, status, r->body);
    json_t *j = json_loads(r->body, 0, NULL);
    httpc_response_free(r);
    assert_non_null(j);
    return j;
}

static void expect_400(qgt_env *e, const qgt_session *s, const char *path, const char *field)
{
    json_t *j = api_json(e, s, path, 400);
    const char *f = json_string_value(json_object_get(json_object_get(j, "error"), "field"));
    if (!f || strcmp(f, field) != 0)
        fail_msg("%s: field %s (want %s)", path, f ? f : "(none)", field);
    json_decref(j);
}

static void test_api(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    int64_t a = strtoll(org_a, NULL, 10), b = qgt_org(&e, "Reports NGO B", "ngo", "astana");
    assert_true(b > 0);
    assert_true(qgt_user(&e, a, "rp.analyst", "analyst", PASSWORD) > 0);
    assert_true(qgt_user(&e, a, "rp.sup", "supervisor", PASSWORD) > 0);
    assert_true(qgt_user(&e, b, "rp.supb", "supervisor", PASSWORD) > 0);
    assert_true(qgt_user(&e, a, "rp.cm", "case_manager", PASSWORD) > 0);
    assert_true(qgt_user(&e, a, "rp.aud", "auditor", PASSWORD) > 0);
    assert_true(qgt_user(&e, a, "rp.adm", "admin", PASSWORD) > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session an, sup, supb, other;
    assert_int_equal(qgt_login(&e, "rp.analyst", PASSWORD, &an), 201);
    assert_int_equal(qgt_login(&e, "rp.sup", PASSWORD, &sup), 201);
    assert_int_equal(qgt_login(&e, "rp.supb", PASSWORD, &supb), 201);

    /* the analyst: protected without asking */
    json_t *v = api_json(&e, &an, "/api/v1/reports/victims", 200);
    assert_true(json_is_true(json_object_get(v, "protected")));
    assert_int_equal(json_integer_value(json_object_get(v, "suppressed_cells")), 9);
    assert_int_equal(cell(v, "year", "2019", "category", "men"), -1);
    json_decref(v);
    v = api_json(&e, &an, "/api/v1/reports/victims?shared=0&k=7", 200);
    assert_int_equal(json_integer_value(json_object_get(v, "k")), 7);
    assert_int_equal(cell(v, "year", "2019", "category", "boys"), -1);
    json_decref(v);
    expect_400(&e, &an, "/api/v1/reports/victims?k=3", "k"); /* never below 5 */

    /* a supervisor: own organisation, protected only when shared */
    v = api_json(&e, &sup, "/api/v1/reports/victims", 200);
    assert_false(json_is_true(json_object_get(v, "protected")));
    check_victims(v);
    json_decref(v);
    v = api_json(&e, &sup, "/api/v1/reports/victims?shared=1", 200);
    assert_int_equal(json_integer_value(json_object_get(v, "suppressed_cells")), 9);
    json_decref(v);
    v = api_json(&e, &supb, "/api/v1/reports/exploitation", 200);
    assert_int_equal(grand_of(v), 0);
    json_decref(v);

    /* other roles may not */
    static const char *const refused[] = {"rp.cm", "rp.aud", "rp.adm"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(qgt_login(&e, refused[i], PASSWORD, &other), 201);
        json_decref(api_json(&e, &other, "/api/v1/reports/victims", 403));
    }
    json_decref(api_json(&e, NULL, "/api/v1/reports/victims", 401));

    expect_400(&e, &an, "/api/v1/reports/nope", "name");
    expect_400(&e, &an, "/api/v1/reports/victims?from=19x", "from");
    expect_400(&e, &an, "/api/v1/reports/victims?from=2021&to=2019", "to");
    expect_400(&e, &an, "/api/v1/reports/victims?to=3000", "to");
    expect_400(&e, &an, "/api/v1/reports/victims?region=mars", "region");
    expect_400(&e, &an, "/api/v1/reports/victims?shared=yes", "shared");
    expect_400(&e, &an, "/api/v1/reports/victims?k=101", "k");
    expect_400(&e, &an, "/api/v1/reports/victims?format=pdf", "format");

    /* the CSV download: one table per file, labels in the chosen language */
    httpc_response *r = qgt_call(&e, &an, "GET",
                                 "/api/v1/reports/process?format=csv&table=overdue_tasks&lang=ru",
                                 NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_string_equal(httpc_header(r, "Content-Type"), "text/csv; charset=utf-8");
    assert_string_equal(httpc_header(r, "Content-Disposition"),
                        "attachment; filename=\"report-process-overdue_tasks-ru.csv\"");
    assert_true(strncmp(r->body, "Этап,Код,Число\r\nstage,code,count\r\n", 40) == 0);
    assert_null(strstr(r->body, "first_assessment")); /* not the delays table */
    check_csv(r->body, r->body_len);
    httpc_response_free(r);
    assert_int_equal(qgt_server_stop(&e), 0);
    qgt_env_free(&e);
}

/* ---- the per-table CSV through the API ---- */

/* Parses CSV text into a JSON array of arrays of strings (caller frees). */
static json_t *csv_lines(const char *text, size_t len)
{
    FILE *f = fmemopen((void *)text, len, "rb");
    assert_non_null(f);
    csv_reader *r = csv_open(f, 4096, 64);
    csv_row row;
    qg_error e = {0};
    json_t *lines = json_array();
    while (csv_next(r, &row, &e) == 1) {
        json_t *line = json_array();
        for (size_t i = 0; i < row.count; i++)
            json_array_append_new(line, json_stringn(row.fields[i].data, row.fields[i].len));
        json_array_append_new(lines, line);
    }
    csv_close(r);
    fclose(f);
    return lines;
}

static httpc_response *get_ok(qgt_env *e, const qgt_session *s, const char *path)
{
    httpc_response *r = qgt_call(e, s, "GET", path, NULL);
    assert_non_null(r);
    if (r->status != 200)
        fail_msg("%s: status %d: %s", path, r->status, r->body);
    return r;
}

static const char *line_at(json_t *lines, size_t l, size_t f)
{
    return json_string_value(json_array_get(json_array_get(lines, l), f));
}

/* The JSON count (-1 when withheld) that the CSV cell (row code rk, column code ck) of
 * table t shows; rd/cd are the table's dimensions (cd NULL for a 1-D table). */
static long long json_count(json_t *t, const char *rd, const char *cd, const char *rk,
                            const char *ck)
{
    bool row_total = strcmp(rk, "total") == 0, col_total = !cd || strcmp(ck, "total") == 0;
    json_t *totals = json_object_get(t, "totals"), *c;
    if (row_total && col_total)
        c = json_object_get(json_object_get(totals, "grand"), "count");
    else if (row_total)
        c = json_object_get(find_row(json_object_get(totals, "columns"), cd, ck, NULL, NULL),
                            "count");
    else if (cd && col_total)
        c = json_object_get(find_row(json_object_get(totals, "rows"), rd, rk, NULL, NULL),
                            "count");
    else
        c = json_object_get(find_row(json_object_get(t, "rows"), rd, rk, cd, ck), "count");
    return json_is_null(c) ? -1 : json_integer_value(c);
}

/* Checks that every count of the CSV equals the JSON's and that every withheld count
 * (JSON null) is an empty cell: the CSV is exactly as protected as the JSON. Returns
 * the number of empty cells. */
static size_t same_protection(json_t *lines, json_t *t)
{
    json_t *dims = json_object_get(t, "dimensions");
    const char *rd = json_string_value(json_array_get(dims, 0));
    const char *cd = json_string_value(json_array_get(dims, 1));
    size_t empty = 0, width = json_array_size(json_array_get(lines, 1));
    for (size_t l = 2; l < json_array_size(lines); l++) {
        assert_int_equal(json_array_size(json_array_get(lines, l)), width);
        for (size_t f = 2; f < width; f++) {
            const char *v = line_at(lines, l, f);
            long long want = json_count(t, rd, cd, line_at(lines, l, 1), line_at(lines, 1, f));
            if (want < 0) {
                assert_string_equal(v, "");
                empty++;
            } else {
                assert_int_equal(strtoll(v, NULL, 10), want);
                assert_true(*v != '\0');
            }
        }
    }
    return empty;
}

static void test_api_csv_tables(void **state)
{
    (void)state;
    qgt_env e;
    env_with_ex4(&e);
    int64_t a = strtoll(org_a, NULL, 10);
    assert_true(qgt_user(&e, a, "rc.analyst", "analyst", PASSWORD) > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session an;
    assert_int_equal(qgt_login(&e, "rc.analyst", PASSWORD, &an), 201);

    /* the header row in each language, the codes row the same in all three */
    static const struct {
        const char *lang, *head;
    } langs[] = {
        {"kk", "Жыл \\ Санат,Код,Ерлер (18 жас және одан жоғары),Әйелдер (18 жас және одан "
               "жоғары),Ұл балалар (18 жасқа дейін),Қыз балалар (18 жасқа дейін),Белгісіз,"
               "Барлығы\r\n"},
        {"ru", "Год \\ Категория,Код,Мужчины (18 лет и старше),Женщины (18 лет и старше),"
               "Мальчики (до 18 лет),Девочки (до 18 лет),Неизвестно,Итого\r\n"},
        {"en", "Year \\ Category,Code,Men (18 and over),Women (18 and over),Boys (under 18),"
               "Girls (under 18),Unknown,Total\r\n"},
    };
    json_t *v = api_json(&e, &an, "/api/v1/reports/victims", 200);
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/reports/victims?format=csv&lang=%s", langs[i].lang);
        httpc_response *r = get_ok(&e, &an, path);
        if (strncmp(r->body, langs[i].head, strlen(langs[i].head)) != 0)
            fail_msg("%s: header %.200s", langs[i].lang, r->body);
        const char *codes = "year\\category,code,men,women,boys,girls,unknown,total\r\n";
        assert_true(strncmp(r->body + strlen(langs[i].head), codes, strlen(codes)) == 0);
        json_t *lines = csv_lines(r->body, r->body_len);
        /* one table: two header rows, the three years, the totals; nothing else */
        assert_int_equal(json_array_size(lines), 2 + 3 + 1);
        assert_string_equal(line_at(lines, 2, 0), "2019");
        assert_string_equal(line_at(lines, 5, 1), "total");
        /* small cells withheld exactly as in the JSON (9 cells and their totals) */
        assert_true(same_protection(lines, v) >= 9);
        assert_string_equal(line_at(lines, 2, 2), ""); /* 2019 men: 3 */
        json_decref(lines);
        httpc_response_free(r);
    }
    json_decref(v);

    /* every table of process, one per file, as protected as the JSON */
    json_t *p = api_json(&e, &an, "/api/v1/reports/process", 200);
    json_t *tables = json_object_get(p, "tables"), *t;
    size_t i;
    json_array_foreach(tables, i, t)
    {
        char path[128];
        const char *name = json_string_value(json_object_get(t, "table"));
        snprintf(path, sizeof path, "/api/v1/reports/process?format=csv&table=%s&lang=en", name);
        httpc_response *r = get_ok(&e, &an, path);
        json_t *lines = csv_lines(r->body, r->body_len);
        json_t *rows = json_object_get(t, "rows");
        size_t ncols = json_array_size(json_object_get(t, "dimensions")) == 1
                           ? 1
                           : json_array_size(json_array_get(lines, 1)) - 3;
        assert_int_equal(json_array_size(lines), 2 + json_array_size(rows) / ncols + 1);
        same_protection(lines, t);
        json_decref(lines);
        httpc_response_free(r);
    }
    json_decref(p);

    /* flows: places by name, codes beside them */
    httpc_response *r = get_ok(&e, &an, "/api/v1/reports/flows?format=csv&lang=kk");
    const char *flows = "Тартылған жері \\ Қанау орны,Код,";
    assert_true(strncmp(r->body, flows, strlen(flows)) == 0);
    assert_non_null(strstr(r->body, "\r\norigin\\destination,code,"));
    httpc_response_free(r);

    /* a table the report does not have, a language that is not offered */
    expect_400(&e, &an, "/api/v1/reports/process?format=csv&table=nope", "table");
    expect_400(&e, &an, "/api/v1/reports/victims?format=csv&table=stages", "table");
    expect_400(&e, &an, "/api/v1/reports/victims?format=csv&lang=de", "lang");
    assert_int_equal(qgt_server_stop(&e), 0);
    qgt_env_free(&e);
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exercise4_tables),
        cmocka_unit_test(test_exercise4_shared),
        cmocka_unit_test(test_stats_excluded),
        cmocka_unit_test(test_flows_and_age_bands),
        cmocka_unit_test(test_process_shape),
        cmocka_unit_test(test_csv_and_cli_errors),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_api_csv_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
