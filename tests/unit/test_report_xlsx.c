/*
 * test_report_xlsx.c — the XLSX writer of reports (src/core/report/report_xlsx.c) on reports
 * built by hand: Exercise 4's victims table (protected, k = 5, nine withheld cells) and
 * a process-like report of two tables (one 1-D). The file must be a zip holding one
 * sheet per table and one chart per sheet; with unzip installed, the sheet XML must hold
 * the counts and totals, the shared strings the withheld mark and the labels, the sheet
 * frozen panes and landscape printing, and the chart its references to the sheet's
 * cells. Also: an existing path is refused and left alone, a bad language is refused,
 * an unwritable directory fails with no file left behind. report_xlsx_bytes gives the
 * same workbook as bytes through a private temporary file in $TMPDIR that never stays
 * behind, whether it succeeds or fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/report/report.h"
#include "core/report/report_xlsx.h"
#include "support/tmpdir.h"

static char dir[QGT_TMPDIR_MAX];

static char *dup_str(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static void make_dim(report_dim *d, const char *name, bool numeric, const char *const *keys)
{
    d->name = dup_str(name);
    d->numeric = numeric;
    while (keys[d->n])
        d->n++;
    d->keys = calloc(d->n, sizeof *d->keys);
    assert_non_null(d->keys);
    for (size_t i = 0; i < d->n; i++)
        d->keys[i] = dup_str(keys[i]);
}

/* Fills t with counts (rows.n × cols.n) and the withheld flags in wh ("1" per cell,
 * margins: row totals, column totals, grand after the cells), totals computed. */
static void make_table(report_table *t, const char *name, const int64_t *counts,
                       const char *wh)
{
    size_t R = t->rows.n, C = t->cols.n;
    t->name = dup_str(name);
    t->counts = calloc(R * C + 1, sizeof *t->counts);
    t->suppressed = calloc(R * C + 1, sizeof *t->suppressed);
    t->row_totals = calloc(R + 1, sizeof *t->row_totals);
    t->row_total_suppressed = calloc(R + 1, sizeof *t->row_total_suppressed);
    t->col_totals = calloc(C + 1, sizeof *t->col_totals);
    t->col_total_suppressed = calloc(C + 1, sizeof *t->col_total_suppressed);
    assert_true(t->counts && t->suppressed && t->row_totals && t->row_total_suppressed &&
                t->col_totals && t->col_total_suppressed);
    for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < C; c++) {
            size_t i = r * C + c;
            t->counts[i] = counts[i];
            t->suppressed[i] = wh && wh[i] == '1';
            t->suppressed_cells += t->suppressed[i];
            t->row_totals[r] += counts[i];
            t->col_totals[c] += counts[i];
            t->grand += counts[i];
        }
}

static report *new_report(const char *name, size_t ntables, bool protected_, int k)
{
    report *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->name = dup_str(name);
    r->tables = calloc(ntables, sizeof *r->tables);
    assert_non_null(r->tables);
    r->ntables = ntables;
    r->protected_ = protected_;
    r->k = k;
    return r;
}

/* Exercise 4 (manual L2747-2787), victims by year and category, protected with k = 5
 * (docs/reports.md): 2019 men 3 women 2 girls 4; 2020 women 3 boys 4; 2021 men 2
 * primary; 2021 women 5, 2021 boys 5, 2020 girls 10 secondary. */
static report *exercise4(void)
{
    static const char *const years[] = {"2019", "2020", "2021", NULL};
    static const char *const cats[] = {"men", "women", "boys", "girls", "unknown", NULL};
    static const int64_t counts[] = {3, 2, 6, 4, 0, 5, 3, 4, 10, 0, 2, 5, 5, 13, 0};
    static const char withheld[] = "110100111011100";
    report *r = new_report("victims", 1, true, 5);
    r->from_year = 2019;
    r->to_year = 2021;
    report_table *t = &r->tables[0];
    make_dim(&t->rows, "year", true, years);
    make_dim(&t->cols, "category", false, cats);
    t->has_cols = true;
    make_table(t, "victims", counts, withheld);
    r->suppressed_cells = t->suppressed_cells;
    return r;
}

/* Two tables as in the process report: stages (1-D) and referrals. */
static report *process_like(void)
{
    static const char *const stages[] = {"identification", "assessment", "closure", NULL};
    static const char *const count[] = {"count", NULL};
    static const char *const services[] = {"shelter", "legal_aid", NULL};
    static const char *const outcomes[] = {"sent", "accepted", NULL};
    static const int64_t c1[] = {7, 12, 1};
    static const int64_t c2[] = {4, 9, 0, 2};
    report *r = new_report("process", 2, false, 0);
    make_dim(&r->tables[0].rows, "stage", false, stages);
    make_dim(&r->tables[0].cols, "count", false, count);
    make_table(&r->tables[0], "stages", c1, NULL);
    make_dim(&r->tables[1].rows, "service", false, services);
    make_dim(&r->tables[1].cols, "outcome", false, outcomes);
    r->tables[1].has_cols = true;
    make_table(&r->tables[1], "referrals", c2, NULL);
    return r;
}

static void path_in(const char *name, char *out, size_t size)
{
    assert_true(qgt_tmpdir_path(dir, name, out, size));
}

/* Returns how many entries dir holds (besides . and ..). */
static int entries(const char *d)
{
    DIR *h = opendir(d);
    assert_non_null(h);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(h)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(h);
    return n;
}

static bool have_unzip(void)
{
    return system("command -v unzip >/dev/null 2>&1") == 0;
}

/* Returns member of the zip at path as a new string (caller frees), via unzip -p;
 * an absent member gives an empty string. */
static char *member(const char *path, const char *name)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", path, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    pclose(p);
    buf[len] = '\0';
    return buf;
}

static void expect_in(const char *path, const char *name, const char *needle)
{
    char *xml = member(path, name);
    if (!strstr(xml, needle))
        fail_msg("%s of %s lacks %s", name, path, needle);
    free(xml);
}

static void expect_zip(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char magic[4] = {0};
    assert_int_equal(fread(magic, 1, 4, f), 4);
    fclose(f);
    assert_memory_equal(magic, "PK\x03\x04", 4);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_exercise4_workbook(void **state)
{
    (void)state;
    char path[QGT_TMPDIR_MAX + 32];
    path_in("victims.xlsx", path, sizeof path);
    report *r = exercise4();
    qg_error err = {0};
    assert_int_equal(report_write_xlsx(r, path, "en", &err), QG_OK);
    report_free(r);
    expect_zip(path);
    assert_int_equal(entries(dir), 1); /* no temporary file left */
    if (!have_unzip()) {
        skip();
        return;
    }
    const char *sheet = "xl/worksheets/sheet1.xml";
    expect_in(path, sheet, "<v>62</v>");  /* the grand total */
    expect_in(path, sheet, "<v>13</v>");  /* 2021 girls */
    expect_in(path, sheet, "state=\"frozen\"");
    expect_in(path, sheet, "orientation=\"landscape\"");
    expect_in(path, sheet, "fitToHeight=\"0\"");
    char *s = member(path, sheet);
    char *girls2020 = strstr(s, "<c r=\"E7\""); /* withheld: a string, not the 10 */
    assert_non_null(girls2020);
    char *end = strstr(girls2020, "</c>");
    assert_non_null(end);
    *end = '\0';
    assert_non_null(strstr(girls2020, "t=\"s\""));
    assert_null(strstr(girls2020, "<v>10</v>"));
    free(s);
    const char *strings = "xl/sharedStrings.xml";
    expect_in(path, strings, "<t>" REPORT_XLSX_WITHHELD "</t>");
    expect_in(path, strings, "Men (18 and over)");
    expect_in(path, strings, "Small numbers protected (k = 5)");
    expect_in(path, strings, "Years: 2019–2021");
    expect_in(path, "xl/workbook.xml", "name=\"Victims\"");
    const char *chart = "xl/charts/chart1.xml";
    expect_in(path, chart, "<c:barDir val=\"col\"/>");
    expect_in(path, chart, "Victims!$B$6:$B$8"); /* men 2019-2021 */
    expect_in(path, chart, "Victims!$A$6:$A$8"); /* the years */
}

static void test_kazakh_labels_and_sheet_per_table(void **state)
{
    (void)state;
    char path[QGT_TMPDIR_MAX + 32];
    path_in("process.xlsx", path, sizeof path);
    report *r = process_like();
    qg_error err = {0};
    assert_int_equal(report_write_xlsx(r, path, NULL, &err), QG_OK); /* NULL = kk */
    report_free(r);
    expect_zip(path);
    if (!have_unzip()) {
        skip();
        return;
    }
    expect_in(path, "xl/worksheets/sheet2.xml", "<v>15</v>"); /* referrals grand total */
    expect_in(path, "xl/charts/chart1.xml", "<c:pieChart>");  /* 3 stages: a pie */
    expect_in(path, "xl/charts/chart2.xml", "<c:barDir val=\"bar\"/>");
    expect_in(path, "xl/sharedStrings.xml", "Барлығы"); /* "Total" in Kazakh */
    expect_in(path, "xl/workbook.xml", "name=\"Жолдамалар\"");
    char *x = member(path, "xl/worksheets/sheet3.xml");
    assert_string_equal(x, ""); /* two tables, two sheets */
    free(x);
}

static void test_refusals(void **state)
{
    (void)state;
    char path[QGT_TMPDIR_MAX + 32];
    path_in("exists.xlsx", path, sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("keep me", f);
    fclose(f);
    report *r = exercise4();
    qg_error err = {0};
    assert_int_equal(report_write_xlsx(r, path, "ru", &err), QG_ECONFLICT);
    assert_string_equal(err.field, "out");
    f = fopen(path, "rb");
    assert_non_null(f);
    char buf[16] = {0};
    assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 7);
    fclose(f);
    assert_string_equal(buf, "keep me");
    char fresh[QGT_TMPDIR_MAX + 32];
    path_in("fresh.xlsx", fresh, sizeof fresh);
    assert_int_equal(report_write_xlsx(r, fresh, "de", &err), QG_EINVAL);
    assert_string_equal(err.field, "lang");
    assert_int_equal(report_write_xlsx(r, "", "en", &err), QG_EINVAL);
    char nodir[QGT_TMPDIR_MAX + 32];
    path_in("missing/r.xlsx", nodir, sizeof nodir);
    assert_int_equal(report_write_xlsx(r, nodir, "en", &err), QG_EIO);
    assert_string_equal(err.field, "out");
    report_free(r);
    assert_int_equal(entries(dir), 1); /* only the file that was there */
}

static void test_empty_table(void **state)
{
    (void)state;
    static const char *const none[] = {NULL};
    static const char *const cats[] = {"men", "women", NULL};
    char path[QGT_TMPDIR_MAX + 32];
    path_in("empty.xlsx", path, sizeof path);
    report *r = new_report("victims", 1, true, 5);
    make_dim(&r->tables[0].rows, "year", true, none);
    make_dim(&r->tables[0].cols, "category", false, cats);
    r->tables[0].has_cols = true;
    make_table(&r->tables[0], "victims", NULL, NULL);
    qg_error err = {0};
    assert_int_equal(report_write_xlsx(r, path, "ru", &err), QG_OK);
    report_free(r);
    expect_zip(path);
}

/* Sets $TMPDIR to value (NULL unsets it). */
static void set_tmpdir(const char *value)
{
    if (value)
        assert_int_equal(setenv("TMPDIR", value, 1), 0);
    else
        assert_int_equal(unsetenv("TMPDIR"), 0);
}

/* Runs report_xlsx_bytes with $TMPDIR set to tmp, putting it back afterwards. */
static qg_code bytes_in(const char *tmp, const report *r, const char *lang, char **buf, size_t *len,
                        qg_error *err)
{
    const char *old = getenv("TMPDIR");
    char *saved = old ? dup_str(old) : NULL;
    set_tmpdir(tmp);
    qg_code c = report_xlsx_bytes(r, lang, buf, len, err);
    set_tmpdir(saved);
    free(saved);
    return c;
}

static void test_bytes_leave_no_file(void **state)
{
    (void)state;
    char tmp[QGT_TMPDIR_MAX + 32], path[QGT_TMPDIR_MAX + 32];
    path_in("tmp", tmp, sizeof tmp);
    assert_int_equal(mkdir(tmp, 0700), 0);
    report *r = exercise4();
    char *buf = NULL;
    size_t len = 0;
    qg_error err = {0};
    assert_int_equal(bytes_in(tmp, r, "en", &buf, &len, &err), QG_OK);
    assert_true(len > 4);
    assert_memory_equal(buf, "PK\x03\x04", 4);
    assert_int_equal(entries(tmp), 0); /* the temporary file is gone */
    path_in("bytes.xlsx", path, sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(buf);
    report_free(r);
    if (!have_unzip()) {
        skip();
        return;
    }
    expect_in(path, "xl/worksheets/sheet1.xml", "<v>62</v>"); /* the whole workbook */
    expect_in(path, "xl/sharedStrings.xml", "Small numbers protected (k = 5)");
    expect_in(path, "xl/charts/chart1.xml", "Victims!$B$6:$B$8");
}

static void test_bytes_refusals(void **state)
{
    (void)state;
    char tmp[QGT_TMPDIR_MAX + 32], missing[QGT_TMPDIR_MAX + 32];
    path_in("tmp", tmp, sizeof tmp);
    assert_int_equal(mkdir(tmp, 0700), 0);
    path_in("missing", missing, sizeof missing);
    static char long_dir[5000];
    memset(long_dir, 'd', sizeof long_dir - 1);
    long_dir[0] = '/';
    report *r = exercise4();
    char *buf = (char *)1;
    size_t len = 7;
    qg_error err = {0};
    assert_int_equal(bytes_in(tmp, r, "de", &buf, &len, &err), QG_EINVAL);
    assert_string_equal(err.field, "lang");
    assert_null(buf);
    assert_int_equal(len, 0);
    buf = (char *)1;
    memset(&err, 0, sizeof err);
    assert_int_equal(bytes_in(missing, r, "en", &buf, &len, &err), QG_EIO);
    assert_null(buf);
    assert_false(access(missing, F_OK) == 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(bytes_in(long_dir, r, "en", &buf, &len, &err), QG_EIO);
    assert_null(buf);
    assert_int_equal(entries(tmp), 0);
    /* Without $TMPDIR the file goes to /tmp, and comes back all the same. */
    assert_int_equal(bytes_in(NULL, r, NULL, &buf, &len, &err), QG_OK);
    assert_memory_equal(buf, "PK\x03\x04", 4);
    free(buf);
    report_free(r);
}

static int setup(void **state)
{
    (void)state;
    return qgt_tmpdir_make("xlsx", dir, sizeof dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    qgt_tmpdir_remove(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exercise4_workbook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kazakh_labels_and_sheet_per_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_leave_no_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
