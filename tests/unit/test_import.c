/*
 * test_import.c — the CSV format of cases (core/case_csv.c), the set of references
 * (core/refset.c) and the import and export services (core/case_import.c,
 * core/case_export.c) on a real app in a temporary directory.
 *
 * Covered: the header (any order, unknown, repeated and missing columns, a missing
 * header), a row into the fields POST /api/v1/cases takes (sex, age, lists, flags,
 * empty cells), every bad cell of a row reported in the row's order with the API's
 * own verdict, formulas and invalid UTF-8 refused, problems that never repeat a cell,
 * the cap of listed problems, writing a case back, repeated references, an import
 * that stores every row or none (also when the file changes between the passes), the
 * export of what was imported, and a case whose two lists are both replaced (the
 * DELETE of one list once ran the other's). All data is made up.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account/account.h"
#include "core/instance/app_open.h"
#include "core/case/case.h"
#include "core/case/case_csv.h"
#include "core/case/case_import.h"
#include "base/refset.h"
#include "support/tmpdir.h"

#define HEADER                                                                                      \
    "external_ref,identified_on,sex,age,citizenship,region,exploitation_forms,exploitation_place,"  \
    "recruitment_method,exit_method,relation_to_trafficker,cj_stage,victim_status,status_decided_by," \
    "accompaniment,non_punishment,services_needed"
#define MADE_UP_NAME "\xd0\x90\xd0\xb9\xd0\xb3\xd0\xb5\xd1\x80\xd0\xb8\xd0\xbc" /* Айгерим */

/* ---- helpers ------------------------------------------------------------------------ */

static FILE *input(const char *text)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    rewind(f);
    return f;
}

/* Reads header and one data row from text; returns what case_csv_row_fields makes of
 * the row (the header must be good). */
static json_t *fields_of(const char *text, import_problems *p)
{
    FILE *f = input(text);
    csv_reader *r = csv_open(f, CASE_CSV_FIELD_MAX, CASE_CSV_FIELDS_MAX);
    csv_row row;
    qg_error err = {0};
    case_csv_header h;
    assert_int_equal(csv_next(r, &row, &err), 1);
    assert_true(case_csv_header_read(&row, &h, p));
    assert_int_equal(csv_next(r, &row, &err), 1);
    json_t *fields = case_csv_row_fields(&h, &row, p);
    csv_close(r);
    fclose(f);
    return fields;
}

/* Reads only the header row of text; returns whether it is good. */
static bool header_of(const char *text, case_csv_header *h, import_problems *p)
{
    FILE *f = input(text);
    csv_reader *r = csv_open(f, CASE_CSV_FIELD_MAX, CASE_CSV_FIELDS_MAX);
    csv_row row;
    qg_error err = {0};
    assert_int_equal(csv_next(r, &row, &err), 1);
    bool ok = case_csv_header_read(&row, h, p);
    csv_close(r);
    fclose(f);
    return ok;
}

static void expect_problem(const import_problems *p, size_t i, size_t line, const char *column,
                           const char *reason_part)
{
    assert_true(i < p->listed);
    assert_int_equal(p->items[i].line, line);
    assert_string_equal(p->items[i].column, column);
    if (!strstr(p->items[i].reason, reason_part))
        fail_msg("problem %zu: \"%s\" lacks \"%s\"", i, p->items[i].reason, reason_part);
}

static const char *text_of(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* ---- the header ---------------------------------------------------------------------- */

static void test_header_any_order(void **state)
{
    (void)state;
    import_problems p = {0};
    case_csv_header h;
    assert_true(header_of("age,sex,external_ref,identified_on,region\r\n", &h, &p));
    assert_int_equal(p.total, 0);
    assert_int_equal(h.cells, 5);
    assert_int_equal(h.at[0], 2); /* external_ref */
    assert_int_equal(h.at[3], 0); /* age */
    assert_int_equal(h.at[4], -1); /* citizenship absent */
    assert_int_equal(h.at[5], 4); /* region */
}

static void test_header_problems(void **state)
{
    (void)state;
    import_problems p = {0};
    case_csv_header h;
    assert_false(header_of("external_ref,identified_on,Sex,age,age,notes\n", &h, &p));
    assert_int_equal(p.total, 4);
    expect_problem(&p, 0, 1, "3", "not a known column");   /* a header cell is named by position */
    expect_problem(&p, 1, 1, "age", "named twice (columns 4 and 5)");
    expect_problem(&p, 2, 1, "6", "not a known column");
    expect_problem(&p, 3, 1, "sex", "required");
    import_problems_free(&p);

    /* the first line is data: one problem, the header is missing */
    assert_false(header_of("R-1,2024-01-01,female,15\n", &h, &p));
    assert_int_equal(p.total, 1);
    expect_problem(&p, 0, 1, "", "header row is missing");
    import_problems_free(&p);

    assert_false(header_of("external_ref,sex,age\n", &h, &p));
    assert_int_equal(p.total, 1);
    expect_problem(&p, 0, 1, "identified_on", "required");
    import_problems_free(&p);
}

/* ---- a row into fields ------------------------------------------------------------------ */

static void test_row_fields(void **state)
{
    (void)state;
    import_problems p = {0};
    json_t *f = fields_of(HEADER "\r\n\"R-1\",2024-03-01,female,15,KZ,almaty,forced_labour;forced_begging,UZ,"
                                 "friends,,family,,identified,police,unaccompanied,true,shelter_day;legal\r\n",
                          &p);
    assert_non_null(f);
    assert_int_equal(p.total, 0);
    assert_string_equal(text_of(f, "external_ref"), "R-1");
    assert_string_equal(text_of(f, "sex"), "Feminine");
    assert_int_equal(json_integer_value(json_object_get(f, "age_at_identification")), 15);
    json_t *forms = json_object_get(f, "exploitation_forms");
    assert_int_equal(json_array_size(forms), 2);
    assert_string_equal(json_string_value(json_array_get(forms, 1)), "forced_begging");
    assert_true(json_is_true(json_object_get(f, "non_punishment")));
    assert_string_equal(text_of(f, "exploitation_place"), "UZ");
    assert_null(json_object_get(f, "exit_method")); /* an empty cell is not given */
    assert_null(json_object_get(f, "cj_stage"));
    assert_null(json_object_get(f, "age")); /* the CSV name is not a case field */
    json_decref(f);

    f = fields_of("sex,age,identified_on,external_ref,non_punishment\nmale,0,2000-01-01,x.1/2:3-4_5,false\n", &p);
    assert_non_null(f);
    assert_string_equal(text_of(f, "sex"), "Masculine");
    assert_int_equal(json_integer_value(json_object_get(f, "age_at_identification")), 0);
    assert_true(json_is_false(json_object_get(f, "non_punishment")));
    json_decref(f);
}

/* Every bad cell of a row is listed, in the order of the row, with the API's verdict,
 * and no problem repeats what the cell held. */
static void test_row_problems(void **state)
{
    (void)state;
    import_problems p = {0};
    json_t *f = fields_of(HEADER "\n"
                                 "R-1,2024-02-30,other,121," MADE_UP_NAME ",narnia,forced_labour;bogus,XX,,,,,,"
                                 "court,,yes,shelter_day;shelter_day\n",
                          &p);
    assert_null(f);
    assert_int_equal(p.total, 9);
    expect_problem(&p, 0, 2, "identified_on", "real date");
    expect_problem(&p, 1, 2, "sex", "male or female");
    expect_problem(&p, 2, 2, "age", "from 0 to 120");
    expect_problem(&p, 3, 2, "citizenship", "not a known country");
    expect_problem(&p, 4, 2, "region", "not a known region");
    expect_problem(&p, 5, 2, "exploitation_forms", "entry 2: is not a known exploitation_form");
    expect_problem(&p, 6, 2, "status_decided_by", "not a known");
    expect_problem(&p, 7, 2, "non_punishment", "true or false");
    expect_problem(&p, 8, 2, "services_needed", "entry 2: repeats an earlier entry");
    for (size_t i = 0; i < p.listed; i++) {
        assert_null(strstr(p.items[i].reason, MADE_UP_NAME));
        assert_null(strstr(p.items[i].reason, "narnia"));
        assert_null(strstr(p.items[i].reason, "bogus"));
    }
    import_problems_free(&p);

    /* the rules between fields, once every field is good */
    f = fields_of("external_ref,identified_on,sex,age,status_decided_by\nR-2,2999-01-01,male,9,police\n", &p);
    assert_null(f);
    assert_int_equal(p.total, 1);
    expect_problem(&p, 0, 2, "identified_on", "future");
    import_problems_free(&p);
    f = fields_of("external_ref,identified_on,sex,age,status_decided_by\nR-2,2020-01-01,male,9,police\n", &p);
    assert_null(f);
    expect_problem(&p, 0, 2, "status_decided_by", "only with a victim_status");
    import_problems_free(&p);

    f = fields_of("external_ref,identified_on,sex,age,services_needed\nR-3,2020-01-01,male,9,legal;legal\n", &p);
    assert_null(f);
    expect_problem(&p, 0, 2, "services_needed", "entry 2: repeats an earlier entry");
    import_problems_free(&p);
}

static void test_row_cells_refused(void **state)
{
    (void)state;
    import_problems p = {0};
    json_t *f = fields_of("external_ref,identified_on,sex,age,region\n"
                          "=SUM(A1),2020-01-01,\xff\xfe,,@cmd\n",
                          &p);
    assert_null(f);
    assert_int_equal(p.total, 4);
    expect_problem(&p, 0, 2, "external_ref", "spreadsheet formula");
    expect_problem(&p, 1, 2, "sex", "not valid UTF-8");
    expect_problem(&p, 2, 2, "age", "required");
    expect_problem(&p, 3, 2, "region", "spreadsheet formula");
    assert_null(strstr(p.items[0].reason, "SUM"));
    import_problems_free(&p);

    f = fields_of("external_ref,identified_on,sex,age\n\"+77 \"\"x\"\"\",2020-01-01,male,-1\n", &p);
    assert_null(f);
    assert_int_equal(p.total, 2);
    expect_problem(&p, 0, 2, "external_ref", "spreadsheet formula");
    expect_problem(&p, 1, 2, "age", "whole number"); /* a plain negative number is no formula */
    import_problems_free(&p);

    f = fields_of("external_ref,identified_on,sex,age\nR-1,2020-01-01,male\n", &p);
    assert_null(f);
    expect_problem(&p, 0, 2, "", "has 3 cells; the header row has 4");
    import_problems_free(&p);

    f = fields_of("external_ref,identified_on,sex,age\n,,,\n", &p); /* blank, as a row */
    assert_null(f);
    assert_int_equal(p.total, 4);
    import_problems_free(&p);
}

static void test_problems_capped(void **state)
{
    (void)state;
    import_problems p = {0};
    for (size_t i = 0; i < IMPORT_PROBLEMS_LISTED + 500; i++)
        import_problems_add(&p, i + 2, "age", "must be a whole number from 0 to %d", 120);
    assert_int_equal(p.listed, IMPORT_PROBLEMS_LISTED);
    assert_int_equal(p.total, IMPORT_PROBLEMS_LISTED + 500);
    assert_int_equal(p.items[IMPORT_PROBLEMS_LISTED - 1].line, IMPORT_PROBLEMS_LISTED + 1);
    import_problems_free(&p);
    assert_null(p.items);
}

/* ---- a case into a row ------------------------------------------------------------------ */

static void test_write_row(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    const char *cells[CASE_CSV_COLUMNS] = {"R-1", "2024-01-01", "Feminine", "15", NULL, "almaty", "a;b"};
    cells[15] = "1";
    const char *other[CASE_CSV_COLUMNS] = {"=R-2", "2024-01-01", "NonConforming", NULL};
    other[15] = "0";
    assert_int_equal(case_csv_write_header(out), 0);
    assert_int_equal(case_csv_write_row(out, cells), 0);
    assert_int_equal(case_csv_write_row(out, other), 0);
    assert_int_equal(fclose(out), 0);
    const char *want = HEADER "\r\n"
                              "R-1,2024-01-01,female,15,,almaty,a;b,,,,,,,,,true,\r\n"
                              "\"'=R-2\",2024-01-01,NonConforming,,,,,,,,,,,,,false,\r\n";
    assert_string_equal(text, want);
    free(text);
}

/* ---- references ---------------------------------------------------------------------- */

static void test_refset(void **state)
{
    (void)state;
    refset *s = refset_new();
    assert_non_null(s);
    size_t first = 0;
    char ref[32];
    for (size_t i = 0; i < 100000; i++) {
        int n = snprintf(ref, sizeof ref, "R-%zu", i);
        assert_int_equal(refset_add(s, ref, (size_t)n, i + 2, &first), 1);
    }
    assert_int_equal(refset_count(s), 100000);
    assert_int_equal(refset_add(s, "R-77", 4, 999999, &first), 0);
    assert_int_equal(first, 79);
    assert_int_equal(refset_add(s, "R-7", 3, 5, &first), 0); /* a prefix is another string */
    assert_int_equal(first, 9);
    assert_int_equal(refset_add(s, "R-77x", 5, 6, &first), 1);
    refset_free(s);
}

/* ---- the services on a real app ------------------------------------------------------------ */

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    qg_app *app;
    qg_actor sys;
    int64_t org_a, org_b;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    char db_path[QGT_TMPDIR_MAX + 32], key_path[QGT_TMPDIR_MAX + 32];
    assert_true(qgt_tmpdir_make("import", f->dir, sizeof f->dir));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db", db_path, sizeof db_path));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db.key", key_path, sizeof key_path));
    qg_error err = {0};
    assert_int_equal(app_init_files(db_path, key_path, &err), QG_OK);
    assert_int_equal(app_open(db_path, key_path, 2, false, &f->app, &err), QG_OK);
    f->sys = actor_system();
    assert_int_equal(org_create(f->app, &f->sys, "Import Org A (test)", "ngo", "almaty", &f->org_a, &err), QG_OK);
    assert_int_equal(org_create(f->app, &f->sys, "Import Org B (test)", "ngo", "astana", &f->org_b, &err), QG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    app_close(f->app);
    qgt_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static size_t cases_of(fx *f, int64_t org)
{
    char *text = NULL;
    size_t len = 0, count = 0;
    FILE *out = open_memstream(&text, &len);
    qg_error err = {0};
    assert_int_equal(case_export_csv(f->app, &f->sys, org, out, &count, &err), QG_OK);
    fclose(out);
    free(text);
    return count;
}

static qg_code import_text(fx *f, int64_t org, const char *text, import_result *res, qg_error *err)
{
    FILE *in = input(text);
    qg_code c = case_import_csv(f->app, &f->sys, in, org, NULL, NULL, res, err);
    fclose(in);
    return c;
}

#define GOOD                                                                           \
    HEADER "\r\n"                                                                      \
           "R-1,2024-03-01,female,15,KZ,almaty,forced_labour;forced_begging,UZ,friends,,family,," \
           "identified,police,unaccompanied,true,legal;shelter_day\r\n"                \
           "\r\n"                                                                      \
           "R-2,2023-12-31,male,9,,,,,,,,,,,,,\r\n"

static void test_import_all_or_nothing(void **state)
{
    fx *f = *state;
    import_result res;
    qg_error err = {0};
    assert_int_equal(import_text(f, f->org_a, GOOD, &res, &err), QG_OK);
    assert_int_equal(res.rows, 2); /* the blank line is no case */
    assert_int_equal(res.imported, 2);
    import_problems_free(&res.problems);
    assert_int_equal(cases_of(f, f->org_a), 2);

    /* again: both references are taken now; nothing more is stored */
    assert_int_equal(import_text(f, f->org_a, GOOD, &res, &err), QG_EINVAL);
    assert_int_equal(res.problems.total, 2);
    expect_problem(&res.problems, 0, 2, "external_ref", "already used by a case of this organisation");
    expect_problem(&res.problems, 1, 4, "external_ref", "already used");
    assert_int_equal(res.imported, 0);
    import_problems_free(&res.problems);
    assert_int_equal(cases_of(f, f->org_a), 2);

    /* one good row and one bad: neither is stored */
    assert_int_equal(import_text(f, f->org_b, HEADER "\nR-3,2024-01-01,male,9,,,,,,,,,,,,,\n"
                                                     "R-4,2024-01-01,male,9,,,,,,,,,,,,maybe,\n"
                                                     "R-3,2024-01-01,male,9,,,,,,,,,,,,,\n",
                                 &res, &err),
                     QG_EINVAL);
    assert_int_equal(res.problems.total, 2);
    expect_problem(&res.problems, 0, 3, "non_punishment", "true or false");
    expect_problem(&res.problems, 1, 4, "external_ref", "repeats the external_ref of line 2");
    import_problems_free(&res.problems);
    assert_int_equal(cases_of(f, f->org_b), 0);

    assert_int_equal(import_text(f, f->org_b, "", &res, &err), QG_EINVAL);
    expect_problem(&res.problems, 0, 0, "", "the file is empty");
    import_problems_free(&res.problems);

    assert_int_equal(import_text(f, 999, GOOD, &res, &err), QG_EINVAL);
    assert_string_equal(err.field, "org");
    import_problems_free(&res.problems);

    qg_actor sup = {.user_id = 1, .org_id = f->org_a, .role = ROLE_SUPERVISOR};
    FILE *in = input(GOOD);
    assert_int_equal(case_import_csv(f->app, &sup, in, f->org_b, NULL, NULL, &res, &err), QG_EFORBIDDEN);
    fclose(in);
    import_problems_free(&res.problems);
}

/* Between the passes the file changes: the last row's date 2023-12-31 becomes
 * 2023-12-39, which the second pass (converting, not checking) would take; the digest
 * of the second read refuses it before the commit. */
static void change_file(void *ctx, bool storing, size_t done, size_t total)
{
    (void)done;
    (void)total;
    FILE *in = ctx;
    if (storing)
        return;
    assert_int_equal(fseek(in, -23, SEEK_END), 0);
    assert_int_equal(fputc('9', in), '9');
    assert_int_equal(fflush(in), 0);
}

static void test_import_file_changed(void **state)
{
    fx *f = *state;
    import_result res;
    qg_error err = {0};
    FILE *in = input(GOOD);
    assert_int_equal(case_import_csv(f->app, &f->sys, in, f->org_b, change_file, in, &res, &err), QG_EINVAL);
    assert_string_equal(err.field, "file");
    fclose(in);
    import_problems_free(&res.problems);
    assert_int_equal(cases_of(f, f->org_b), 0);
}

static void test_export_round_trip(void **state)
{
    fx *f = *state;
    import_result res;
    qg_error err = {0};
    assert_int_equal(import_text(f, f->org_a, GOOD, &res, &err), QG_OK);
    import_problems_free(&res.problems);
    char *text = NULL, *again = NULL;
    size_t len = 0, len2 = 0, count = 0;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(case_export_csv(f->app, &f->sys, f->org_a, out, &count, &err), QG_OK);
    fclose(out);
    assert_int_equal(count, 2);
    assert_string_equal(text, HEADER "\r\n"
                                     "R-1,2024-03-01,female,15,KZ,almaty,forced_begging;forced_labour,UZ,friends,,"
                                     "family,,identified,police,unaccompanied,true,legal;shelter_day\r\n"
                                     "R-2,2023-12-31,male,9,,,,,,,,,,,,,\r\n");
    /* into another organisation, and out again: the same bytes */
    assert_int_equal(import_text(f, f->org_b, text, &res, &err), QG_OK);
    import_problems_free(&res.problems);
    out = open_memstream(&again, &len2);
    assert_int_equal(case_export_csv(f->app, &f->sys, f->org_b, out, &count, &err), QG_OK);
    fclose(out);
    assert_string_equal(again, text);
    free(text);
    free(again);
    assert_int_equal(cases_of(f, 0), 4);
    assert_int_equal(case_export_csv(f->app, &f->sys, 999, stdout, &count, &err), QG_EINVAL);
    assert_string_equal(err.field, "org");
}

/* Both lists of a case replaced at once keep both (each list's DELETE is its own). */
static void test_both_lists_replaced(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    json_t *body = json_pack("{s:I, s:s, s:[s], s:[s]}", "org_id", (json_int_t)f->org_a, "sex", "Feminine",
                             "exploitation_forms", "forced_labour", "services_needed", "legal");
    json_t *made = NULL, *changed = NULL, *read = NULL;
    assert_int_equal(case_create(f->app, &f->sys, body, &made, &err), QG_OK);
    const char *code = text_of(made, "code");
    json_t *patch = json_pack("{s:[s, s], s:[s]}", "exploitation_forms", "forced_begging", "child_labour",
                              "services_needed", "medical");
    assert_int_equal(case_update(f->app, &f->sys, code, patch, &changed, &err), QG_OK);
    assert_int_equal(case_get(f->app, &f->sys, code, &read, &err), QG_OK);
    json_t *forms = json_object_get(read, "exploitation_forms");
    assert_int_equal(json_array_size(forms), 2);
    assert_string_equal(json_string_value(json_array_get(forms, 0)), "child_labour");
    json_t *services = json_object_get(read, "services_needed");
    assert_int_equal(json_array_size(services), 1);
    assert_string_equal(json_string_value(json_array_get(services, 0)), "medical");
    json_decref(body);
    json_decref(patch);
    json_decref(made);
    json_decref(changed);
    json_decref(read);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_any_order),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_row_fields),
        cmocka_unit_test(test_row_problems),
        cmocka_unit_test(test_row_cells_refused),
        cmocka_unit_test(test_problems_capped),
        cmocka_unit_test(test_write_row),
        cmocka_unit_test(test_refset),
        cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_file_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_both_lists_replaced, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
