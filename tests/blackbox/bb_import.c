/*
 * bb_import.c — black-box tests of `qorgau import cases FILE.csv --org ID` and `qorgau
 * export cases` through the real binary.
 *
 * A good file (byte order mark, CRLF, quoted cells, empty optional cells, a blank line)
 * imports and exports back the same; the export imports into another organisation
 * unchanged. Every refused file exits 2, names the line and the column of each
 * problem as FILE:LINE: column COLUMN: reason, never repeats a cell, and leaves the
 * database as it was: unknown codes, impossible and future dates, repeated references
 * (in the file and against the database), invalid UTF-8, values that look like
 * formulas, an empty file, a missing header, unknown and missing columns, age 121, sex
 * "other", many bad rows (all listed, then "... and N more"), an unknown --org. One
 * audit entry per import; the trail verifies. All data is made up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define HEADER                                                                                      \
    "external_ref,identified_on,sex,age,citizenship,region,exploitation_forms,exploitation_place,"  \
    "recruitment_method,exit_method,relation_to_trafficker,cj_stage,victim_status,status_decided_by," \
    "accompaniment,non_punishment,services_needed"
#define BOM "\xef\xbb\xbf"
#define MADE_UP_NAME "\xd0\x90\xd0\xb9\xd0\xb3\xd0\xb5\xd1\x80\xd0\xb8\xd0\xbc" /* Айгерим */

/* Columns in another order, quoted cells, CRLF, a BOM, empty cells and a blank line. */
#define GOOD                                                                                         \
    BOM "sex,age,external_ref,identified_on,exploitation_forms,region,citizenship,non_punishment,"  \
        "services_needed,cj_stage\r\n"                                                              \
        "female,15,\"KZ-ALM/2024:001\",2024-03-01,\"forced_labour;forced_begging\",almaty,KZ,true,"  \
        "\"shelter_day;legal\",suspect\r\n"                                                         \
        "male,9,KZ-ALM/2024:002,2023-12-31,,,,,,\r\n"                                               \
        "\r\n"                                                                                       \
        "\"female\",\"17\",KZ-ALM/2024:003,2025-01-15,sexual_exploitation,shymkent,UZ,false,,\r\n"

/* What export writes for GOOD: the documented column order, lists sorted, CRLF. */
#define GOOD_EXPORTED                                                                          \
    HEADER "\r\n"                                                                              \
           "KZ-ALM/2024:001,2024-03-01,female,15,KZ,almaty,forced_begging;forced_labour,,,,,"   \
           "suspect,,,,true,legal;shelter_day\r\n"                                             \
           "KZ-ALM/2024:002,2023-12-31,male,9,,,,,,,,,,,,,\r\n"                                \
           "KZ-ALM/2024:003,2025-01-15,female,17,UZ,shymkent,sexual_exploitation,,,,,,,,,false,\r\n"

static char out[QGT_OUT], err[QGT_OUT];
static char org_a[24], org_b[24];

static void write_file(const char *path, const char *bytes, size_t len)
{
    qgt_write_file(path, bytes, len);
}

/* Sets up an environment with two organisations (org_a, org_b). */
static void env_with_orgs(qgt_env *e)
{
    assert_true(qgt_env_init(e));
    int64_t a = qgt_org(e, "Import NGO A", "ngo", "almaty");
    int64_t b = qgt_org(e, "Import NGO B", "ngo", "astana");
    assert_true(a > 0 && b > 0);
    snprintf(org_a, sizeof org_a, "%lld", (long long)a);
    snprintf(org_b, sizeof org_b, "%lld", (long long)b);
}

/* Runs `qorgau import cases DIR/NAME --org ORG` on the len bytes at csv. */
static int import_bytes(qgt_env *e, const char *name, const char *csv, size_t len, const char *org)
{
    char path[QGT_PATH + 64];
    snprintf(path, sizeof path, "%s/%s", e->dir, name);
    write_file(path, csv, len);
    const char *argv[] = {"import", "cases", path, "--org", org, NULL};
    return qgt_cli(e, true, NULL, out, err, argv);
}

static int import_text(qgt_env *e, const char *name, const char *csv, const char *org)
{
    return import_bytes(e, name, csv, strlen(csv), org);
}

/* The export of org (NULL = all) into the caller's buffer (QGT_OUT bytes). */
static void export_cases(qgt_env *e, const char *org, char *into)
{
    const char *all[] = {"export", "cases", NULL};
    const char *one[] = {"export", "cases", "--org", org, NULL};
    assert_int_equal(qgt_cli(e, true, NULL, into, err, org ? one : all), 0);
}

static size_t lines_of(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* Imports csv and expects it refused: exit 2, each wanted "NAME:LINE: column C: part"
 * (NULL-terminated) on stderr, nothing on stdout, no cell value repeated (forbidden,
 * NULL-terminated, may be NULL) and every case of the database as it was. */
static void expect_refused(qgt_env *e, const char *csv, size_t len, const char *const *wanted,
                           const char *const *forbidden)
{
    static char before[QGT_OUT], after[QGT_OUT];
    export_cases(e, NULL, before);
    int rc = import_bytes(e, "bad.csv", csv, len, org_a);
    if (rc != 2 || out[0])
        fail_msg("exit %d (want 2), stdout \"%s\", stderr \"%s\"", rc, out, err);
    for (const char *const *w = wanted; *w; w++)
        if (!strstr(err, *w))
            fail_msg("stderr lacks \"%s\":\n%s", *w, err);
    for (const char *const *f = forbidden; f && *f; f++)
        if (strstr(err, *f))
            fail_msg("stderr repeats a cell value (#%d):\n%s", (int)(f - forbidden), err);
    assert_non_null(strstr(err, "nothing was imported"));
    export_cases(e, NULL, after);
    assert_string_equal(after, before);
}

#define REFUSED(e, csv, ...)                                                           \
    do {                                                                               \
        const char *wanted_[] = {__VA_ARGS__, NULL};                                   \
        expect_refused(e, csv, sizeof csv - 1, wanted_, NULL);                         \
    } while (0)

/* ---- a good file ---------------------------------------------------------------------- */

static void test_good_file_round_trip(void **state)
{
    (void)state;
    qgt_env e;
    env_with_orgs(&e);
    assert_int_equal(import_text(&e, "good.csv", GOOD, org_a), 0);
    char want[64];
    snprintf(want, sizeof want, "imported 3 cases into organisation %s\n", org_a);
    assert_string_equal(out, want);
    assert_null(strchr(err, '\r')); /* no progress when stderr is not a terminal */

    static char exported[QGT_OUT], again[QGT_OUT];
    export_cases(&e, org_a, exported);
    assert_string_equal(exported, GOOD_EXPORTED);
    /* the export imports into another organisation unchanged */
    assert_int_equal(import_text(&e, "exported.csv", exported, org_b), 0);
    export_cases(&e, org_b, again);
    assert_string_equal(again, exported);
    export_cases(&e, NULL, again);
    assert_int_equal(lines_of(again), 1 + 6);

    /* --out writes the same, mode 0600, and never overwrites */
    char path[QGT_PATH + 32];
    snprintf(path, sizeof path, "%s/out.csv", e.dir);
    const char *to_file[] = {"export", "cases", "--org", org_a, "--out", path, NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, to_file), 0);
    size_t len = 0;
    char *written = qgt_read_file(path, &len);
    assert_non_null(written);
    assert_string_equal(written, GOOD_EXPORTED);
    free(written);
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, to_file), 1);
    assert_non_null(strstr(err, "out: already exists"));

    /* one audit entry per import and per export, and the trail holds */
    const char *list[] = {"audit", "list", "--limit", "500", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, list), 0);
    size_t imports = 0;
    for (const char *p = strstr(out, "\"case.import\""); p; p = strstr(p + 1, "\"case.import\""))
        imports++;
    assert_int_equal(imports, 2);
    assert_null(strstr(out, "KZ-ALM")); /* entries hold ids and counts, not references */
    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, verify), 0);
    qgt_env_free(&e);
}

/* ---- refused files --------------------------------------------------------------------- */

static void test_refused_values(void **state)
{
    (void)state;
    qgt_env e;
    env_with_orgs(&e);
    assert_int_equal(import_text(&e, "good.csv", GOOD, org_a), 0);

    REFUSED(&e, HEADER "\nR-1,2024-01-01,female,15,,,forced_labour;slave_trade,,,,,,,,,,\n",
            "bad.csv:2: column exploitation_forms: entry 2: is not a known exploitation_form code");
    REFUSED(&e, HEADER "\nR-1,2024-01-01,female,15,,atlantis,,,,,,,,,,,\n",
            "bad.csv:2: column region: is not a known region code");
    REFUSED(&e, HEADER "\nR-1,2024-02-30,female,15,,,,,,,,,,,,,\n",
            "bad.csv:2: column identified_on: must be a real date written YYYY-MM-DD");
    REFUSED(&e, HEADER "\nR-1,2999-01-01,female,15,,,,,,,,,,,,,\n",
            "bad.csv:2: column identified_on: must not be in the future");
    REFUSED(&e, HEADER "\nR-1,2024-01-01,female,121,,,,,,,,,,,,,\n",
            "bad.csv:2: column age: must be a whole number from 0 to 120");
    REFUSED(&e, HEADER "\nR-1,2024-01-01,other,15,,,,,,,,,,,,,\n", "bad.csv:2: column sex: must be male or female");
    REFUSED(&e, "external_ref,identified_on,sex,age\nR-1,2024-01-01,female,\n", "bad.csv:2: column age: is required");

    /* repeated references: within the file (naming the earlier line) and against the
     * organisation's stored cases; another organisation may use the same reference */
    REFUSED(&e, "external_ref,identified_on,sex,age\nR-1,2024-01-01,female,15\nR-2,2024-01-01,male,15\n"
                "R-1,2024-01-02,male,12\n",
            "bad.csv:4: column external_ref: repeats the external_ref of line 2");
    REFUSED(&e, "external_ref,identified_on,sex,age\nKZ-ALM/2024:002,2024-01-01,female,15\n",
            "bad.csv:2: column external_ref: is already used by a case of this organisation");
    assert_int_equal(import_text(&e, "other.csv", "external_ref,identified_on,sex,age\nKZ-ALM/2024:002,2024-01-01,female,15\n",
                                 org_b),
                     0);
    qgt_env_free(&e);
}

static void test_refused_cells(void **state)
{
    (void)state;
    qgt_env e;
    env_with_orgs(&e);
    static const char utf8[] = "external_ref,identified_on,sex,age,region\nR-1,2024-01-01,female,15,\xc3\x28\n";
    const char *utf8_wanted[] = {"bad.csv:2: column region: is not valid UTF-8", NULL};
    expect_refused(&e, utf8, sizeof utf8 - 1, utf8_wanted, NULL);

    static const char formulas[] = "external_ref,identified_on,sex,age,region,cj_stage\n"
                                   "=SUM(A1),2024-01-01,female,15,,\n"
                                   "R-2,2024-01-01,female,15,@cmd,\n"
                                   "R-3,2024-01-01,female,15,,\"+77 \"\"x\"\"\"\n"
                                   "R-4,2024-01-01,female,15,-2+3,\n";
    const char *formula_wanted[] = {"bad.csv:2: column external_ref: looks like a spreadsheet formula",
                                    "bad.csv:3: column region: looks like a spreadsheet formula",
                                    "bad.csv:4: column cj_stage: looks like a spreadsheet formula",
                                    "bad.csv:5: column region: looks like a spreadsheet formula", NULL};
    const char *formula_cells[] = {"SUM", "cmd", "+77", "-2+3", NULL};
    expect_refused(&e, formulas, sizeof formulas - 1, formula_wanted, formula_cells);

    /* personal data typed into a wrong column is never echoed */
    static const char misplaced[] = "external_ref,identified_on,sex,age,region\n"
                                    "R-1,2024-01-01,female,15," MADE_UP_NAME "\n";
    const char *misplaced_wanted[] = {"bad.csv:2: column region: is not a known region code", NULL};
    const char *misplaced_cells[] = {MADE_UP_NAME, NULL};
    expect_refused(&e, misplaced, sizeof misplaced - 1, misplaced_wanted, misplaced_cells);
    qgt_env_free(&e);
}

static void test_refused_shape(void **state)
{
    (void)state;
    qgt_env e;
    env_with_orgs(&e);
    expect_refused(&e, "", 0, (const char *[]){"bad.csv: the file is empty", NULL}, NULL);
    REFUSED(&e, "R-1,2024-01-01,female,15\nR-2,2024-01-01,male,12\n", "bad.csv:1: the header row is missing");
    REFUSED(&e, "external_ref,identified_on,sex,age,nickname\nR-1,2024-01-01,female,15,x\n",
            "bad.csv:1: column 5: is not a known column name");
    REFUSED(&e, "external_ref,sex,age\nR-1,female,15\n",
            "bad.csv:1: column identified_on: is required and the header row lacks it");
    REFUSED(&e, "external_ref,identified_on,sex,age,age\nR-1,2024-01-01,female,15,15\n",
            "bad.csv:1: column age: is named twice (columns 4 and 5)");
    REFUSED(&e, "external_ref,identified_on,sex,age\nR-1,2024-01-01,female\n",
            "bad.csv:2: has 3 cells; the header row has 4");
    REFUSED(&e, "external_ref,identified_on,sex,age\nR-1,2024-01-01,\"female,15\n",
            "bad.csv:2: unterminated quoted field");

    /* several bad rows: every one is listed, with a count */
    REFUSED(&e, "external_ref,identified_on,sex,age\nR-1,2024-01-01,female,15\nR-2,2024-13-01,female,15\n"
                "R-3,2024-01-01,female,15\nR-4,2024-01-01,boy,15\nR-5,2024-01-01,female,200\n",
            "bad.csv:3: column identified_on:", "bad.csv:5: column sex:", "bad.csv:6: column age:",
            "qorgau import cases: 3 problems in ");
    qgt_env_free(&e);
}

/* Runs the import of path with stderr into a file (more than the harness keeps) and
 * returns the exit status; *errors gets stderr (caller frees). */
static int import_to_file(qgt_env *e, const char *path, char **errors)
{
    char err_path[QGT_PATH + 32], command[4 * QGT_PATH + 256];
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", e->dir);
    snprintf(command, sizeof command, "'%s' import cases '%s' --org %s --db '%s' >/dev/null 2>'%s'",
             getenv("QORGAU_BIN"), path, org_a, e->db, err_path);
    int status = system(command);
    size_t len = 0;
    *errors = qgt_read_file(err_path, &len);
    assert_non_null(*errors);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* More problems than are listed: the first 1000, then how many more. */
static void test_many_problems(void **state)
{
    (void)state;
    qgt_env e;
    env_with_orgs(&e);
    static char csv[1300 * 40 + 64];
    size_t used = (size_t)snprintf(csv, sizeof csv, "external_ref,identified_on,sex,age\n");
    for (int i = 0; i < 1300; i++)
        used += (size_t)snprintf(csv + used, sizeof csv - used, "R-%d,2024-01-01,female,999\n", i);
    char path[QGT_PATH + 32];
    snprintf(path, sizeof path, "%s/many.csv", e.dir);
    write_file(path, csv, used);
    char *errors = NULL;
    assert_int_equal(import_to_file(&e, path, &errors), 2);
    const char *wanted[] = {"many.csv:2: column age: must be a whole number from 0 to 120\n",
                            "many.csv:1001: column age:", "many.csv: ... and 300 more problems\n",
                            "qorgau import cases: 1300 problems in ", NULL};
    for (const char *const *w = wanted; *w; w++)
        if (!strstr(errors, *w))
            fail_msg("stderr lacks \"%s\"", *w);
    assert_null(strstr(errors, "many.csv:1002:"));
    assert_int_equal(lines_of(errors), 1000 + 2);
    free(errors);
    export_cases(&e, NULL, out);
    assert_int_equal(lines_of(out), 1); /* the header only */
    qgt_env_free(&e);
}

static void test_command_line(void **state)
{
    (void)state;
    qgt_env e;
    env_with_orgs(&e);
    assert_int_equal(import_text(&e, "good.csv", GOOD, "999"), 2);
    assert_non_null(strstr(err, "qorgau import cases: org: no such organisation"));
    assert_int_equal(import_text(&e, "good.csv", GOOD, "one"), 2);
    assert_non_null(strstr(err, "org: must be a whole number"));
    char path[QGT_PATH + 32];
    snprintf(path, sizeof path, "%s/good.csv", e.dir);
    const char *no_org[] = {"import", "cases", path, NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, no_org), 2);
    assert_non_null(strstr(err, "org: is required"));
    const char *no_file[] = {"import", "cases", "--org", org_a, NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, no_file), 2);
    assert_non_null(strstr(err, "file:"));
    const char *missing[] = {"import", "cases", "/nonexistent/cases.csv", "--org", org_a, NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, missing), 2);
    assert_non_null(strstr(err, "file: cannot be opened"));
    const char *users[] = {"import", "users", path, "--org", org_a, NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, users), 2);
    assert_non_null(strstr(err, "subcommand: must be cases"));
    const char *export_bad[] = {"export", "cases", "--org", "999", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, export_bad), 2);
    assert_non_null(strstr(err, "org: no such organisation"));
    assert_string_equal(out, "");
    qgt_env_free(&e);
}

int main(void)
{
    qgt_main_env(); /* the harness runs the binary from other directories */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file_round_trip),
        cmocka_unit_test(test_refused_values),
        cmocka_unit_test(test_refused_cells),
        cmocka_unit_test(test_refused_shape),
        cmocka_unit_test(test_many_problems),
        cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
