/*
 * bb_dataset.c — black-box tests of the exports of issue 6 §3 through the real binary
 * and a real server: reports as XLSX (`qorgau report victims --format xlsx --out F`, an
 * existing F refused and kept, --out required, --lang checked; the API download) and
 * the anonymised dataset (`qorgau export dataset`: every combination of the
 * quasi-identifiers in the CSV occurs at least k times, the summary on stderr agrees
 * with the file; the API as JSON and as CSV with its summary header, analysts and
 * supervisors only, an analyst never below k = 11, the audit entry). 150 made-up cases.
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

#include "base/csv.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "dataset-test-password"
#define NCASES 150
#define NQI 5

static char out[QGT_OUT], err[QGT_OUT];
static char org_a[24];

/* Writes NCASES cases as import CSV, varied in every quasi-identifier. */
static void write_cases(const char *path)
{
    static const char *const regions[] = {"almaty", "astana", "turkistan", "shymkent"};
    static const char *const countries[] = {"KZ", "KZ", "KZ", "UZ", "KG"};
    static const char *const forms[] = {"sexual_exploitation", "forced_labour",
                                        "forced_begging", "domestic_servitude"};
    static const int ages[] = {7, 12, 15, 16, 17, 19, 24};
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("external_ref,identified_on,sex,age,citizenship,region,exploitation_forms,"
          "exploitation_place,victim_status\n",
          f);
    unsigned s = 12345;
    for (int i = 0; i < NCASES; i++) {
        s = s * 1103515245u + 12345u;
        unsigned r = s >> 8;
        fprintf(f, "ds-%d,%d-0%u-1%u,%s,%d,%s,%s,%s,%s,%s\n", i, 2019 + (int)(r % 4),
                1 + (r >> 2) % 9, (r >> 5) % 10, (r >> 7) % 2 ? "female" : "male",
                ages[(r >> 9) % 7], countries[(r >> 12) % 5], regions[(r >> 15) % 4],
                forms[(r >> 17) % 4], (r >> 19) % 2 ? "almaty" : "RU",
                (r >> 20) % 2 ? "identified" : "presumed");
    }
    assert_int_equal(fclose(f), 0);
}

static void env_with_cases(qgt_env *e)
{
    assert_true(qgt_env_init(e));
    int64_t a = qgt_org(e, "Dataset NGO A", "ngo", "almaty");
    assert_true(a > 0);
    snprintf(org_a, sizeof org_a, "%lld", (long long)a);
    char path[QGT_PATH + 16];
    snprintf(path, sizeof path, "%s/cases.csv", e->dir);
    write_cases(path);
    const char *argv[] = {"import", "cases", path, "--org", org_a, NULL};
    assert_int_equal(qgt_cli(e, true, NULL, out, err, argv), 0);
}

static bool starts_with_pk(const char *data, size_t len)
{
    return len > 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* ---- the k property of a CSV export ---- */

typedef struct {
    char key[256];
} qi_row;

static int cmp_row(const void *a, const void *b)
{
    return strcmp(((const qi_row *)a)->key, ((const qi_row *)b)->key);
}

/* Parses the dataset CSV in text, checks its header, and fails unless every
 * combination of the first NQI columns occurs >= k times. Returns the records. */
static size_t expect_k_anonymous(const char *text, int k)
{
    FILE *f = fmemopen((void *)text, strlen(text), "rb");
    assert_non_null(f);
    csv_reader *r = csv_open(f, 4096, 64);
    assert_non_null(r);
    csv_row row;
    assert_int_equal(csv_next(r, &row, NULL), 1);
    assert_int_equal(row.count, 10);
    assert_string_equal(row.fields[0].data, "prs_Gender");
    assert_string_equal(row.fields[3].data, "qg_RegionOfIdentification");
    assert_string_equal(row.fields[9].data, "vic_LocationOfExploitation");
    qi_row *rows = calloc(NCASES, sizeof *rows);
    assert_non_null(rows);
    size_t n = 0;
    while (csv_next(r, &row, NULL) == 1) {
        assert_true(n < NCASES);
        size_t used = 0;
        for (size_t c = 0; c < NQI; c++)
            used += (size_t)snprintf(rows[n].key + used, sizeof rows[n].key - used, "%s|",
                                     row.fields[c].data);
        n++;
    }
    csv_close(r);
    fclose(f);
    qsort(rows, n, sizeof *rows, cmp_row);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(rows[i].key, rows[j].key) == 0)
            j++;
        if (j - i < (size_t)k)
            fail_msg("class %s has %zu records (k = %d)", rows[i].key, j - i, k);
        i = j;
    }
    free(rows);
    return n;
}

/* ---- command line ---- */

static void test_cli_xlsx(void **state)
{
    (void)state;
    qgt_env e;
    env_with_cases(&e);
    char path[QGT_PATH + 16];
    snprintf(path, sizeof path, "%s/victims.xlsx", e.dir);
    const char *argv[] = {"report", "victims", "--format", "xlsx", "--out", path,
                          "--shared", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, argv), 0);
    size_t len = 0;
    char *data = qgt_read_file(path, &len);
    assert_non_null(data);
    assert_true(starts_with_pk(data, len));
    free(data);
    if (system("command -v unzip >/dev/null 2>&1") == 0) {
        char cmd[QGT_PATH + 64];
        snprintf(cmd, sizeof cmd, "unzip -l '%s' > '%s/list.txt'", path, e.dir);
        assert_int_equal(system(cmd), 0);
        char list[QGT_PATH + 16];
        snprintf(list, sizeof list, "%s/list.txt", e.dir);
        assert_true(qgt_file_contains(list, "xl/worksheets/sheet1.xml"));
        assert_true(qgt_file_contains(list, "xl/charts/chart1.xml"));
    }

    /* the file exists now: refused, and left as it was */
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, argv), 1);
    assert_non_null(strstr(err, "out: already exists"));
    data = qgt_read_file(path, &len);
    assert_true(starts_with_pk(data, len));
    free(data);

    const char *no_out[] = {"report", "victims", "--format", "xlsx", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, no_out), 2);
    assert_non_null(strstr(err, "out:"));
    char other[QGT_PATH + 16];
    snprintf(other, sizeof other, "%s/other.xlsx", e.dir);
    const char *bad_lang[] = {"report", "process", "--format", "xlsx", "--out", other,
                              "--lang", "de", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, bad_lang), 2);
    assert_non_null(strstr(err, "lang:"));
    const char *ru[] = {"report", "process", "--format", "xlsx", "--out", other,
                        "--lang", "ru", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, ru), 0);
    assert_true(qgt_file_contains(other, "xl/worksheets/sheet4.xml")); /* four tables */
    qgt_env_free(&e);
}

static void test_cli_dataset(void **state)
{
    (void)state;
    qgt_env e;
    env_with_cases(&e);
    const char *argv[] = {"export", "dataset", "--k", "11", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, argv), 0);
    size_t n = expect_k_anonymous(out, 11);
    json_t *s = json_loads(err, 0, NULL); /* the summary: one line of JSON on stderr */
    assert_non_null(s);
    assert_int_equal(json_integer_value(json_object_get(s, "k")), 11);
    assert_int_equal(json_integer_value(json_object_get(s, "records_in")), NCASES);
    assert_int_equal(json_integer_value(json_object_get(s, "records_out")), n);
    assert_int_equal(json_integer_value(json_object_get(s, "suppressed_records")), NCASES - n);
    assert_true(json_is_array(json_object_get(s, "generalised")));
    json_decref(s);
    assert_null(strstr(out, "ds-")); /* no external reference */
    assert_null(strstr(out, "QG-")); /* no case code */

    const char *k5[] = {"export", "dataset", "--k", "5", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, k5), 0);
    expect_k_anonymous(out, 5);

    char path[QGT_PATH + 16];
    snprintf(path, sizeof path, "%s/dataset.json", e.dir);
    const char *json[] = {"export", "dataset", "--format", "json", "--out", path, NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, json), 0);
    json_t *j = json_load_file(path, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "records")),
                     json_integer_value(json_object_get(json_object_get(j, "summary"),
                                                        "records_out")));
    json_decref(j);
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, json), 1); /* never overwritten */

    const char *k1[] = {"export", "dataset", "--k", "1", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, k1), 2);
    assert_non_null(strstr(err, "k:"));
    const char *xml[] = {"export", "dataset", "--format", "xml", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, xml), 2);
    const char *audit[] = {"audit", "list", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, audit), 0);
    assert_non_null(strstr(out, "dataset.export"));
    qgt_env_free(&e);
}

/* ---- API ---- */

static httpc_response *get_ok(qgt_env *e, const qgt_session *s, const char *path, int status)
{
    httpc_response *r = qgt_call(e, s, "GET", path, NULL);
    assert_non_null(r);
    if (r->status != status)
        fail_msg("%s: status %d (want %d): %s", path, r->status, status, r->body);
    return r;
}

static void expect_400(qgt_env *e, const qgt_session *s, const char *path, const char *field)
{
    httpc_response *r = get_ok(e, s, path, 400);
    json_t *j = json_loads(r->body, 0, NULL);
    const char *f = json_string_value(json_object_get(json_object_get(j, "error"), "field"));
    if (!f || strcmp(f, field) != 0)
        fail_msg("%s: field %s (want %s)", path, f ? f : "(none)", field);
    json_decref(j);
    httpc_response_free(r);
}

static void test_api(void **state)
{
    (void)state;
    qgt_env e;
    env_with_cases(&e);
    int64_t a = strtoll(org_a, NULL, 10);
    assert_true(qgt_user(&e, a, "ds.analyst", "analyst", PASSWORD) > 0);
    assert_true(qgt_user(&e, a, "ds.sup", "supervisor", PASSWORD) > 0);
    assert_true(qgt_user(&e, a, "ds.cm", "case_manager", PASSWORD) > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session an, sup, cm;
    assert_int_equal(qgt_login(&e, "ds.analyst", PASSWORD, &an), 201);
    assert_int_equal(qgt_login(&e, "ds.sup", PASSWORD, &sup), 201);
    assert_int_equal(qgt_login(&e, "ds.cm", PASSWORD, &cm), 201);

    /* the dataset as JSON: k = 11 by default */
    httpc_response *r = get_ok(&e, &an, "/api/v1/datasets/anonymised", 200);
    json_t *j = json_loads(r->body, 0, NULL);
    assert_non_null(j);
    json_t *summary = json_object_get(j, "summary");
    assert_int_equal(json_integer_value(json_object_get(summary, "k")), 11);
    assert_int_equal(json_integer_value(json_object_get(summary, "records_in")), NCASES);
    assert_int_equal(json_array_size(json_object_get(j, "records")),
                     json_integer_value(json_object_get(summary, "records_out")));
    json_decref(j);
    httpc_response_free(r);

    /* as CSV: a clean table, the summary in a header */
    r = get_ok(&e, &an, "/api/v1/datasets/anonymised?format=csv&k=15", 200);
    assert_non_null(strstr(httpc_header(r, "Content-Type"), "text/csv"));
    assert_non_null(strstr(httpc_header(r, "Content-Disposition"), "qorgau-dataset-k15.csv"));
    j = json_loads(httpc_header(r, "X-Qorgau-Dataset-Summary"), 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "k")), 15);
    size_t n = expect_k_anonymous(r->body, 15);
    assert_int_equal(json_integer_value(json_object_get(j, "records_out")), n);
    json_decref(j);
    httpc_response_free(r);

    /* a supervisor may, with a lower k; an analyst never below 11; others never */
    httpc_response_free(get_ok(&e, &sup, "/api/v1/datasets/anonymised?k=3&format=csv", 200));
    expect_400(&e, &an, "/api/v1/datasets/anonymised?k=5", "k");
    expect_400(&e, &an, "/api/v1/datasets/anonymised?format=xml", "format");
    expect_400(&e, &an, "/api/v1/datasets/anonymised?from=2022&to=2020", "to");
    httpc_response_free(get_ok(&e, &cm, "/api/v1/datasets/anonymised", 403));
    httpc_response_free(get_ok(&e, NULL, "/api/v1/datasets/anonymised", 401));

    /* a report as an XLSX download */
    r = get_ok(&e, &an, "/api/v1/reports/victims?format=xlsx&lang=ru", 200);
    assert_string_equal(httpc_header(r, "Content-Type"),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_non_null(strstr(httpc_header(r, "Content-Disposition"), "report-victims.xlsx"));
    assert_true(starts_with_pk(r->body, r->body_len));
    httpc_response_free(r);
    expect_400(&e, &an, "/api/v1/reports/victims?format=xlsx&lang=de", "lang");
    httpc_response_free(get_ok(&e, &cm, "/api/v1/reports/victims?format=xlsx", 403));
    qgt_env_free(&e);
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_xlsx),
        cmocka_unit_test(test_cli_dataset),
        cmocka_unit_test(test_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
