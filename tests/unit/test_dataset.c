/*
 * test_dataset.c — the anonymised case-level dataset (src/core/report/dataset.c and
 * dataset_load.c).
 *
 * In memory: the k-anonymity property on random records for several k (every
 * combination of the released quasi-identifiers occurs at least k times), the counts
 * adding up (records in = out + suppressed), the order of the ladder (region first,
 * then citizenship, age, year) and the stopping rule (at most 5% suppressed), k = 1
 * changing nothing, and the same output whatever the input order.
 * On a temporary SQLite database with cases seeded in SQL: what a record holds (HTCDS
 * values, forms joined once each, a region of exploitation as KZ, no case code), cases
 * whose consent to statistics was withdrawn left out, a supervisor's scope, the roles
 * and k limits, and the audit entry. All data is made up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instance/app_open.h"
#include "core/account/account.h"
#include "core/report/dataset.h"
#include "store/db.h"
#include "store/writer.h"
#include "support/tmpdir.h"

#define VALUE 256

/* ---- in memory ---- */

static const char *const SEXES[] = {"Feminine", "Masculine", "NonSpecifiedUnknown"};
static const char *const COUNTRIES[] = {"KZ", "KZ", "KZ", "UZ", "KG", ""};
static const char *const REGIONS[] = {"KZ-75", "KZ-71", "KZ-61", "KZ-79", "KZ-35", ""};

static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static dataset *random_dataset(size_t n, unsigned seed)
{
    dataset *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->records = calloc(n, sizeof *d->records);
    assert_non_null(d->records);
    d->n = d->cap = n;
    for (size_t i = 0; i < n; i++) {
        dataset_record *r = &d->records[i];
        r->sex = SEXES[next_rand(&seed) % 3];
        r->age = (int)(next_rand(&seed) % 40) - 1; /* -1: not recorded */
        r->citizenship = COUNTRIES[next_rand(&seed) % 6];
        r->region = REGIONS[next_rand(&seed) % 6];
        r->year = 2015 + (int)(next_rand(&seed) % 9);
        r->forms = next_rand(&seed) % 8;
        r->status = r->recruitment = r->relation = "";
        r->location = next_rand(&seed) % 2 ? "KZ" : "RU";
    }
    return d;
}

/* The released quasi-identifiers of r as one string. */
static void qi_key(const dataset_record *r, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int c = 0; c < DS_NQI; c++) {
        char v[VALUE];
        dataset_value(r, (dataset_col)c, v, sizeof v);
        used += (size_t)snprintf(out + used, size - used, "%s|", v);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fails unless every combination of released quasi-identifiers occurs >= k times. */
static void expect_k_anonymous(const dataset *d, int k)
{
    char **keys = calloc(d->n + 1, sizeof *keys);
    assert_non_null(keys);
    for (size_t i = 0; i < d->n; i++) {
        keys[i] = malloc(VALUE * 2);
        assert_non_null(keys[i]);
        qi_key(&d->records[i], keys[i], VALUE * 2);
    }
    qsort(keys, d->n, sizeof *keys, cmp_str);
    for (size_t i = 0; i < d->n;) {
        size_t j = i + 1;
        while (j < d->n && strcmp(keys[i], keys[j]) == 0)
            j++;
        if (j - i < (size_t)k)
            fail_msg("class %s has %zu records, k = %d", keys[i], j - i, k);
        i = j;
    }
    for (size_t i = 0; i < d->n; i++)
        free(keys[i]);
    free(keys);
}

static void test_k_property_random(void **state)
{
    (void)state;
    static const int ks[] = {2, 5, 11, 25};
    for (size_t t = 0; t < sizeof ks / sizeof ks[0]; t++)
        for (unsigned seed = 1; seed <= 5; seed++) {
            size_t n = 50 + seed * 300;
            dataset *d = random_dataset(n, seed * 7919u + (unsigned)ks[t]);
            dataset_anonymise(d, ks[t]);
            const dataset_summary *s = &d->summary;
            assert_int_equal(s->records_in, n);
            assert_int_equal(s->records_out, d->n);
            assert_int_equal(s->records_in, s->records_out + s->suppressed);
            assert_int_equal(s->suppressed, s->below_k[s->level]);
            assert_true(s->level == DATASET_LEVELS - 1 ||
                        s->suppressed * 100 <= n * DATASET_SUPPRESS_PERCENT);
            for (int l = 0; l < s->level; l++) /* every earlier level suppressed too much */
                assert_true(s->below_k[l] * 100 > n * DATASET_SUPPRESS_PERCENT);
            expect_k_anonymous(d, ks[t]);
            dataset_free(d);
        }
}

/* n records alike but for the given region and citizenship. */
static void fill_alike(dataset_record *r, const char *region, const char *citizenship, int age,
                       int year)
{
    memset(r, 0, sizeof *r);
    r->sex = "Feminine";
    r->age = age;
    r->citizenship = citizenship;
    r->region = region;
    r->year = year;
    r->status = r->recruitment = r->relation = r->location = "";
}

static dataset *alike(size_t n)
{
    dataset *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->records = calloc(n, sizeof *d->records);
    assert_non_null(d->records);
    d->n = d->cap = n;
    return d;
}

static void test_ladder_order(void **state)
{
    (void)state;
    char v[VALUE];
    /* 22 girls of 2020, two per region: region alone must go */
    dataset *d = alike(22);
    for (size_t i = 0; i < 22; i++)
        fill_alike(&d->records[i], REGIONS[i % 5], "KZ", 15, 2020);
    dataset_anonymise(d, 11);
    assert_int_equal(d->summary.level, 1);
    assert_int_equal(d->summary.suppressed, 0);
    dataset_value(&d->records[0], DS_REGION, v, sizeof v);
    assert_string_equal(v, "KZ");
    dataset_value(&d->records[0], DS_AGE, v, sizeof v);
    assert_string_equal(v, "9-17");
    dataset_value(&d->records[0], DS_YEAR, v, sizeof v);
    assert_string_equal(v, "2020");
    dataset_free(d);

    /* the same with three citizenships: citizenship goes next, to "other" */
    static const char *const OTHERS[] = {"UZ", "KG", "TJ"};
    d = alike(22);
    for (size_t i = 0; i < 22; i++)
        fill_alike(&d->records[i], REGIONS[i % 5], OTHERS[i % 3], 15, 2020);
    dataset_anonymise(d, 11);
    assert_int_equal(d->summary.level, 2);
    dataset_value(&d->records[0], DS_CITIZENSHIP, v, sizeof v);
    assert_string_equal(v, "other");
    dataset_free(d);

    /* ten aged 3 (band 0-8), twelve aged 12 (9-17): age goes third */
    d = alike(22);
    for (size_t i = 0; i < 22; i++)
        fill_alike(&d->records[i], REGIONS[i % 5], OTHERS[i % 3], i < 10 ? 3 : 12, 2020);
    dataset_anonymise(d, 11);
    assert_int_equal(d->summary.level, 3);
    dataset_value(&d->records[0], DS_AGE, v, sizeof v);
    assert_string_equal(v, "0-17");
    dataset_free(d);

    /* years 2018, 2019, 2020 (one period 2018-2020): year goes last */
    d = alike(22);
    for (size_t i = 0; i < 22; i++)
        fill_alike(&d->records[i], REGIONS[i % 5], "UZ", i % 2 ? 3 : 12, 2018 + (int)(i % 3));
    dataset_anonymise(d, 11);
    assert_int_equal(d->summary.level, 4);
    assert_int_equal(d->summary.suppressed, 0);
    dataset_value(&d->records[0], DS_YEAR, v, sizeof v);
    assert_string_equal(v, "2018-2020");
    dataset_free(d);
}

static void test_stops_at_five_percent(void **state)
{
    (void)state;
    /* 100 alike and one boy: 1% would go at level 0, so nothing is generalised */
    dataset *d = alike(101);
    for (size_t i = 0; i < 101; i++)
        fill_alike(&d->records[i], "KZ-75", "KZ", 15, 2021);
    d->records[50].sex = "Masculine";
    dataset_anonymise(d, 11);
    assert_int_equal(d->summary.level, 0);
    assert_int_equal(d->summary.suppressed, 1);
    assert_int_equal(d->n, 100);
    for (size_t i = 0; i < d->n; i++)
        assert_string_equal(d->records[i].sex, "Feminine");
    dataset_free(d);

    /* fewer than k records at all: everything is suppressed after the whole ladder */
    d = alike(5);
    for (size_t i = 0; i < 5; i++)
        fill_alike(&d->records[i], "KZ-75", "KZ", 15, 2021);
    dataset_anonymise(d, 11);
    assert_int_equal(d->summary.level, DATASET_LEVELS - 1);
    assert_int_equal(d->summary.suppressed, 5);
    assert_int_equal(d->n, 0);
    dataset_free(d);
}

static void test_k1_changes_nothing(void **state)
{
    (void)state;
    dataset *d = random_dataset(300, 42);
    dataset_anonymise(d, 1);
    assert_int_equal(d->summary.level, 0);
    assert_int_equal(d->summary.suppressed, 0);
    assert_int_equal(d->n, 300);
    char v[VALUE];
    for (size_t i = 0; i < d->n; i++) {
        const dataset_record *r = &d->records[i];
        dataset_value(r, DS_REGION, v, sizeof v);
        assert_string_equal(v, r->region);
        dataset_value(r, DS_CITIZENSHIP, v, sizeof v);
        assert_string_equal(v, r->citizenship);
        assert_int_equal(r->out_year_from, r->year);
        assert_int_equal(r->out_year_to, r->year);
    }
    dataset_free(d);
}

/* Writes d as CSV into a new string (caller frees). */
static char *as_csv(const dataset *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(dataset_write_csv(d, f), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_deterministic(void **state)
{
    (void)state;
    dataset *a = random_dataset(800, 99), *b = random_dataset(800, 99);
    for (size_t i = 0; i < b->n / 2; i++) { /* the same records in another order */
        dataset_record t = b->records[i];
        b->records[i] = b->records[b->n - 1 - i];
        b->records[b->n - 1 - i] = t;
    }
    dataset_anonymise(a, 11);
    dataset_anonymise(b, 11);
    char *ca = as_csv(a), *cb = as_csv(b);
    assert_string_equal(ca, cb);
    static const char head[] = "prs_Gender,qg_AgeBroadAtIdentification,prs_Citizenship,";
    assert_true(strncmp(ca, head, sizeof head - 1) == 0);
    json_t *ja = dataset_to_json(a), *jb = dataset_to_json(b);
    assert_true(json_equal(ja, jb));
    json_decref(ja);
    json_decref(jb);
    free(ca);
    free(cb);
    dataset_free(a);
    dataset_free(b);
}

/* ---- on a database ---- */

typedef struct {
    char dir[QGT_TMPDIR_MAX], db_path[QGT_TMPDIR_MAX + 32], key_path[QGT_TMPDIR_MAX + 32];
    qg_app *app;
    int64_t org_a, org_b;
} fx;

static const char SEED_SQL[] =
    "INSERT INTO cases (code, org_id, sex, age_at_identification, citizenship, region,"
    " identified_on, stage, status, created_at, updated_at, external_ref,"
    " exploitation_place, recruitment_method, relation_to_trafficker, victim_status,"
    " stats_excluded)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 'identification', 'open', '2024-01-01T00:00:00Z',"
    " '2024-01-01T00:00:00Z', ?, ?, ?, ?, ?, ?)";

static const char SEED_FORM_SQL[] =
    "INSERT INTO case_exploitation (case_id, form)"
    " SELECT id, ? FROM cases WHERE code = ?";

typedef struct {
    fx *f;
    int n;
} seed_job;

static qg_code seed_one(db *conn, const fx *f, int i, qg_error *err)
{
    char code[32], ref[32];
    snprintf(code, sizeof code, "QG-TEST-%04d", i);
    snprintf(ref, sizeof ref, "ext-ref-%04d", i);
    db_stmt *st = db_prepare(conn, SEED_SQL, err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, code);
    db_bind_int(st, 2, i < 30 ? f->org_a : f->org_b);
    db_bind_text(st, 3, "Feminine");
    db_bind_int(st, 4, 15);
    db_bind_text(st, 5, "KZ");
    db_bind_text(st, 6, "almaty");
    db_bind_text(st, 7, "2021-06-15");
    db_bind_text(st, 8, ref);
    db_bind_text(st, 9, "almaty");
    db_bind_text(st, 10, "abduction");
    db_bind_text(st, 11, "family");
    db_bind_text(st, 12, "identified");
    db_bind_int(st, 13, i == 0); /* case 0 withdrew consent to statistics */
    qg_code c = db_run(st, err);
    for (int k = 0; c == QG_OK && k < 2; k++) {
        st = db_prepare(conn, SEED_FORM_SQL, err);
        if (!st)
            return err->code;
        db_bind_text(st, 1, k ? "online_sexual_exploitation" : "sexual_exploitation");
        db_bind_text(st, 2, code);
        c = db_run(st, err);
    }
    return c;
}

static qg_code seed_all(db *conn, void *arg, qg_error *err)
{
    seed_job *j = arg;
    qg_code c = QG_OK;
    for (int i = 0; c == QG_OK && i < j->n; i++)
        c = seed_one(conn, j->f, i, err);
    return c;
}

static int db_setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_true(qgt_tmpdir_make("dataset", f->dir, sizeof f->dir));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db", f->db_path, sizeof f->db_path));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db.key", f->key_path, sizeof f->key_path));
    qg_error err = {0};
    assert_int_equal(app_init_files(f->db_path, f->key_path, &err), QG_OK);
    assert_int_equal(app_open(f->db_path, f->key_path, 2, false, &f->app, &err), QG_OK);
    qg_actor sys = actor_system();
    assert_int_equal(org_create(f->app, &sys, "Org Alpha (test)", "ngo", "almaty", &f->org_a, &err),
                     QG_OK);
    assert_int_equal(org_create(f->app, &sys, "Org Beta (test)", "police", "astana", &f->org_b, &err),
                     QG_OK);
    seed_job j = {f, 45}; /* 30 cases in org A (one excluded), 15 in org B */
    if (writer_run(f->app->writer, seed_all, &j, &err) != QG_OK)
        fail_msg("seeding: %s", err.message);
    *state = f;
    return 0;
}

static int db_teardown(void **state)
{
    fx *f = *state;
    app_close(f->app);
    qgt_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static int64_t audit_count(fx *f, const char *action)
{
    db *conn = db_pool_acquire(f->app->readers);
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, "SELECT count(*) FROM audit WHERE action = ?", &err);
    int64_t n = -1;
    if (st) {
        db_bind_text(st, 1, action);
        if (db_step(st, &err) == 1)
            n = db_col_int(st, 0);
        db_done(st);
    }
    db_pool_release(f->app->readers, conn);
    return n;
}

static void test_from_database(void **state)
{
    fx *f = *state;
    qg_actor sys = actor_system();
    dataset_query q = {.k = 11};
    dataset *d = NULL;
    qg_error err = {0};
    assert_int_equal(dataset_run(f->app, &sys, &q, &d, &err), QG_OK);
    assert_int_equal(d->summary.records_in, 44); /* the withdrawn case is not read */
    assert_int_equal(d->summary.level, 0);       /* all alike: nothing to generalise */
    assert_int_equal(d->n, 44);
    json_t *j = dataset_to_json(d);
    json_t *rec = json_array_get(json_object_get(j, "records"), 0);
    assert_string_equal(json_string_value(json_object_get(rec, "prs_Gender")), "Feminine");
    assert_string_equal(
        json_string_value(json_object_get(rec, "qg_AgeBroadAtIdentification")), "9-17");
    assert_string_equal(json_string_value(json_object_get(rec, "qg_RegionOfIdentification")),
                        "KZ-75");
    assert_string_equal(json_string_value(json_object_get(rec, "qg_YearOfIdentification")),
                        "2021");
    assert_string_equal(json_string_value(json_object_get(rec, "vic_TypeOfExploitation")),
                        "SexualExploitation"); /* both forms map to one HTCDS value */
    assert_string_equal(json_string_value(json_object_get(rec, "vic_TraffickingStatus")),
                        "ActualVictimOfTrafficking");
    assert_string_equal(json_string_value(json_object_get(rec, "vic_MethodOfRecruitment")),
                        "Other"); /* abduction has no HTCDS value */
    assert_string_equal(
        json_string_value(json_object_get(rec, "vic_RelationshipToTrafficker")), "Familial");
    assert_string_equal(json_string_value(json_object_get(rec, "vic_LocationOfExploitation")),
                        "KZ");
    assert_int_equal(json_object_size(rec), DS_NCOLS);
    char *text = json_dumps(j, 0);
    assert_null(strstr(text, "QG-TEST")); /* no case code */
    assert_null(strstr(text, "ext-ref")); /* no external reference */
    assert_null(strstr(text, "2021-06")); /* no date finer than the year */
    free(text);
    json_decref(j);
    dataset_free(d);
    assert_int_equal(audit_count(f, "dataset.export"), 1);
}

static void test_scope_roles_and_k(void **state)
{
    fx *f = *state;
    qg_actor sup_b = {.user_id = 0, .org_id = f->org_b, .role = ROLE_SUPERVISOR};
    qg_actor analyst = {.user_id = 0, .org_id = f->org_a, .role = ROLE_ANALYST};
    qg_actor cm = {.user_id = 0, .org_id = f->org_a, .role = ROLE_CASE_MANAGER};
    dataset_query q = {.k = 11};
    dataset *d = NULL;
    qg_error err = {0};
    assert_int_equal(dataset_run(f->app, &sup_b, &q, &d, &err), QG_OK);
    assert_int_equal(d->summary.records_in, 15); /* their own organisation only */
    assert_int_equal(d->n, 15);
    dataset_free(d);
    q.k = 20; /* 15 < k: everything is withheld */
    assert_int_equal(dataset_run(f->app, &sup_b, &q, &d, &err), QG_OK);
    assert_int_equal(d->n, 0);
    assert_int_equal(d->summary.suppressed, 15);
    dataset_free(d);
    q.k = 5;
    assert_int_equal(dataset_run(f->app, &analyst, &q, &d, &err), QG_EINVAL);
    assert_string_equal(err.field, "k");
    assert_null(d);
    q.k = 11;
    assert_int_equal(dataset_run(f->app, &cm, &q, &d, &err), QG_EFORBIDDEN);
    q.from_year = 2022;
    q.to_year = 2021;
    assert_int_equal(dataset_run(f->app, &analyst, &q, &d, &err), QG_EINVAL);
    assert_string_equal(err.field, "to");
    q.from_year = 2022;
    q.to_year = 0;
    assert_int_equal(dataset_run(f->app, &analyst, &q, &d, &err), QG_OK);
    assert_int_equal(d->summary.records_in, 0); /* every case is of 2021 */
    dataset_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_k_property_random),
        cmocka_unit_test(test_ladder_order),
        cmocka_unit_test(test_stops_at_five_percent),
        cmocka_unit_test(test_k1_changes_nothing),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test_setup_teardown(test_from_database, db_setup, db_teardown),
        cmocka_unit_test_setup_teardown(test_scope_roles_and_k, db_setup, db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
