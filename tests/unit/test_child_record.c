/*
 * test_child_record.c — the child's own record (core/child_record.h) on a real app in
 * a temporary directory: a case with personal data, a stage move with a note, needs,
 * services, a trafficker, a route, a criminal-justice stage, and form records sealed
 * the way the forms service seals them (some withheld). The rendered text must hold
 * the child's names, dates written DD.MM.YYYY and the records that are not withheld,
 * in the chosen language, and none of the canaries: contacts, relatives, address,
 * phone, notes, IIN, criminal case number, stage note, the workers' parts of the forms,
 * withheld records, trafficker and route labels, worker logins. Also the export's
 * policy, its language check and its audit entry.
 *
 * Nothing the render returns is printed: it holds (made-up) personal data.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account/account.h"
#include "core/instance/app_open.h"
#include "core/case/case.h"
#include "core/case/child_record.h"
#include "core/case/iin.h"
#include "core/common/sealed.h"
#include "core/case/stage.h"
#include "base/text.h"
#include "support/tmpdir.h"

#define WORKER "oydantap.worker"
#define GIVEN "Testgul"
#define FAMILY "Oydanova"
#define PATRONYMIC "Qiyalqyzy"
#define VISIBLE_SUMMARY "Oydantap korinetin angime"
#define VISIBLE_VIEW "Menin oyym Oydantap"
#define VISIBLE_GOAL "Oydantap maqsat mektep"
#define VISIBLE_NOTES "Oydantap bagalau eskertpesi"
#define VISIBLE_OPTION "Oydantap qashu zholy"

static const char *const CANARIES[] = {
    "Kontaktkanareyka", "Tuystykkanareyka", "Mekenzhaikanareyka", "IS-KANAREYKA-77", "Eskertpekanareyka",
    "Kezenkanareyka",   "Iesikanareyka",    "Zhasyrylgankanareyka", "Qauipkanareyka", "Triggerkanareyka",
    "555 1234",         WORKER,             "Eskiplankanareyka",
};

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    char db_path[QGT_TMPDIR_MAX + 32], key_path[QGT_TMPDIR_MAX + 32];
    qg_app *app;
    qg_actor sys, cm, fr, sup_b, analyst;
    char code[QG_CODE_SIZE], plain_code[QG_CODE_SIZE];
    int64_t case_id, plain_id;
    char iin[13];
} fx;

/* ---- seeding ------------------------------------------------------------------------ */

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!v)
        fail_msg("bad test JSON: %s", e.text);
    return v;
}

typedef struct {
    int64_t org;
    const char *login, *role;
    int64_t id;
} seed_user;

static qg_code insert_user(db *conn, void *arg, qg_error *err)
{
    seed_user *u = arg;
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO users (org_id, login, role, pw_hash, created_at, pw_changed_at)"
                             " VALUES (?, ?, ?, 'seeded-without-password', '2024-01-01T00:00:00Z',"
                             " '2024-01-01T00:00:00Z') RETURNING id",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, u->org);
    db_bind_text(st, 2, u->login);
    db_bind_text(st, 3, u->role);
    int rc = db_step(st, err);
    if (rc == 1)
        u->id = db_col_int(st, 0);
    db_done(st);
    return rc == 1 ? QG_OK : err->code;
}

static qg_actor seed(fx *f, int64_t org, const char *login, const char *role)
{
    seed_user u = {.org = org, .login = login, .role = role};
    qg_error err = {0};
    if (writer_run(f->app->writer, insert_user, &u, &err) != QG_OK)
        fail_msg("seeding a user: %s", err.message);
    return (qg_actor){.user_id = u.id, .org_id = org, .role = role_from_code(role)};
}

/* One case_records row as the forms service writes it: codes in meta, free text sealed. */
typedef struct {
    int64_t case_id;
    const char *kind;
    int n;
    const char *on, *due, *meta, *text;
    int withheld;
    int64_t by;
} record_row;

typedef struct {
    const qg_keys *keys;
    record_row row;
} record_job;

static qg_code insert_record_job(db *conn, void *arg, qg_error *err)
{
    record_job *j = arg;
    record_row *r = &j->row;
    unsigned char *sealed = NULL;
    size_t len = 0;
    json_t *text = J(r->text);
    qg_code c = sealed_put(j->keys, r->case_id, r->kind, r->n, text, &sealed, &len, err);
    json_decref(text);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "INSERT INTO case_records (case_id, kind, n, on_date, due_on, meta,"
                                          " sealed, withheld, created_by, created_at, updated_by, updated_at)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2024-01-01T00:00:00Z', ?,"
                                          " '2024-01-01T00:00:00Z')",
                                          err)
                             : NULL;
    if (st) {
        db_bind_int(st, 1, r->case_id);
        db_bind_text(st, 2, r->kind);
        db_bind_int(st, 3, r->n);
        db_bind_text(st, 4, r->on);
        db_bind_text(st, 5, r->due);
        db_bind_text(st, 6, r->meta);
        db_bind_blob(st, 7, sealed, len);
        db_bind_int(st, 8, r->withheld);
        db_bind_int(st, 9, r->by);
        db_bind_int(st, 10, r->by);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

static void add_record(fx *f, record_row row)
{
    record_job j = {.keys = f->app->keys, .row = row};
    qg_error err = {0};
    if (writer_run(f->app->writer, insert_record_job, &j, &err) != QG_OK)
        fail_msg("inserting a record: %s", err.message);
}

static qg_code insert_need(db *conn, void *arg, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO case_needs (case_id, need, screening_n, suggested_at)"
                             " VALUES (?, 'interpreter', 1, '2024-01-01T00:00:00Z')",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, *(int64_t *)arg);
    return db_run(st, err);
}

static int64_t case_id_of(fx *f, const char *code)
{
    db *conn = db_pool_acquire(f->app->readers);
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, "SELECT id FROM cases WHERE code = ?", &err);
    int64_t id = -1;
    if (st) {
        db_bind_text(st, 1, code);
        if (db_step(st, &err) == 1)
            id = db_col_int(st, 0);
        db_done(st);
    }
    db_pool_release(f->app->readers, conn);
    return id;
}

static void open_case(fx *f, const char *body, char code[QG_CODE_SIZE], int64_t *id)
{
    json_t *in = J(body), *out = NULL;
    qg_error err = {0};
    if (case_create(f->app, &f->cm, in, &out, &err) != QG_OK)
        fail_msg("case_create: %s: %s", err.field, err.message);
    snprintf(code, QG_CODE_SIZE, "%s", json_string_value(json_object_get(out, "code")));
    json_decref(in);
    json_decref(out);
    *id = case_id_of(f, code);
}

/* The case's forms: the newest assessment is withheld, so the older one must show; the
 * safety plan numbered last is dated earlier, so the first is the newest; one
 * interaction shown, one withheld. */
static void add_forms(fx *f)
{
    int64_t id = f->case_id, by = f->cm.user_id;
    add_record(f, (record_row){id, "assessment", 1, "2024-02-01", NULL,
                               "{\"levels\":{\"safety\":\"urgent\",\"housing\":\"no_action\"}}",
                               "{\"elements\":{\"safety\":{\"notes\":\"" VISIBLE_NOTES "\"}},"
                               "\"summary\":\"Oydantap qysqasha\"}",
                               0, by});
    add_record(f, (record_row){id, "assessment", 2, "2024-03-01", NULL, "{\"levels\":{}}",
                               "{\"summary\":\"Zhasyrylgankanareyka\"}", 1, by});
    add_record(f, (record_row){id, "safety_plan", 1, "2024-02-02", "2024-05-20",
                               "{\"situations\":[\"escaped\"],\"harm_channels\":[\"online\"]}",
                               "{\"current_risks\":\"Qauipkanareyka\",\"prevention\":\"Qauipkanareyka\","
                               "\"if_threatened\":\"Oydantap qongyrau\",\"child_view\":\"" VISIBLE_VIEW "\","
                               "\"triggers\":\"Triggerkanareyka\",\"options\":{\"escaped\":\"" VISIBLE_OPTION "\"},"
                               "\"harm_channels\":{\"online\":\"Qauipkanareyka\"}}",
                               0, by});
    /* numbered later but dated earlier: an older plan, so not the one shown */
    add_record(f, (record_row){id, "safety_plan", 2, "2023-12-01", "2024-01-10", "{\"situations\":[]}",
                               "{\"child_view\":\"Eskiplankanareyka\",\"if_threatened\":\"Eskiplankanareyka\"}",
                               0, by});
    add_record(f, (record_row){id, "action_plan", 1, "2024-02-03", NULL,
                               "{\"goals\":[{\"term\":\"short\",\"owner\":\"" WORKER "\",\"due_on\":\"2024-06-30\","
                               "\"status\":\"in_progress\"}]}",
                               "{\"goals\":[{\"goal\":\"" VISIBLE_GOAL "\",\"owner_note\":\"Iesikanareyka\"}]}", 0, by});
    add_record(f, (record_row){id, "interaction", 1, "2024-03-05", NULL,
                               "{\"channel\":\"phone\",\"participants\":[\"child\",\"case_manager\"]}",
                               "{\"summary\":\"" VISIBLE_SUMMARY "\"}", 0, by});
    add_record(f, (record_row){id, "interaction", 2, "2024-03-06", NULL, "{\"channel\":\"in_person\"}",
                               "{\"summary\":\"Zhasyrylgankanareyka\"}", 1, by});
    qg_error err = {0};
    assert_int_equal(writer_run(f->app->writer, insert_need, &id, &err), QG_OK);
}

/* A valid made-up IIN for 2012-04-09, a girl (century-and-sex digit 6). */
static void make_iin(char out[13])
{
    for (int serial = 1;; serial++) {
        char first11[12];
        snprintf(first11, sizeof first11, "1204096%04d", serial % 10000);
        int check = iin_check_digit(first11);
        if (check >= 0) {
            snprintf(out, 13, "%s%d", first11, check);
            return;
        }
    }
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    qg_error err = {0};
    int64_t org_a, org_b;
    assert_non_null(f);
    assert_true(qgt_tmpdir_make("childrec", f->dir, sizeof f->dir));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db", f->db_path, sizeof f->db_path));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db.key", f->key_path, sizeof f->key_path));
    assert_int_equal(app_init_files(f->db_path, f->key_path, &err), QG_OK);
    assert_int_equal(app_open(f->db_path, f->key_path, 2, false, &f->app, &err), QG_OK);
    f->sys = actor_system();
    assert_int_equal(org_create(f->app, &f->sys, "Record NGO", "ngo", "almaty", &org_a, &err), QG_OK);
    assert_int_equal(org_create(f->app, &f->sys, "Record Other", "ngo", "astana", &org_b, &err), QG_OK);
    f->cm = seed(f, org_a, WORKER, "case_manager");
    f->fr = seed(f, org_a, "rec.fr", "first_responder");
    f->sup_b = seed(f, org_b, "rec.sup.b", "supervisor");
    f->analyst = seed(f, org_a, "rec.analyst", "analyst");
    make_iin(f->iin);
    char body[2048];
    snprintf(body, sizeof body,
             "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"identified_on\":\"2024-01-15\","
             "\"cj_stage\":\"convicted\",\"services_needed\":[\"legal\"],"
             "\"traffickers\":[{\"role\":\"sold\",\"relation\":\"friend_or_acquaintance\"}],"
             "\"route\":[{\"event\":\"transit\",\"place\":\"UZ\"}],"
             "\"personal\":{\"given_name\":\"" GIVEN "\",\"family_name\":\"" FAMILY "\","
             "\"patronymic\":\"" PATRONYMIC "\",\"birth_date\":\"2012-04-09\",\"iin\":\"%s\","
             "\"languages\":[\"kk\",\"uz\",\"fa\"],"
             "\"address\":\"Mekenzhaikanareyka 12\",\"phone\":\"+7 701 555 1234\","
             "\"contacts\":[{\"name\":\"Kontaktkanareyka\",\"relation\":\"aunt\",\"phone\":\"+7 701 555 1234\"}],"
             "\"relatives\":[{\"name\":\"Tuystykkanareyka\",\"relation\":\"brother\",\"notes\":\"Eskertpekanareyka\"}],"
             "\"notes\":\"Eskertpekanareyka\",\"criminal_case_number\":\"IS-KANAREYKA-77\"}}",
             f->iin);
    open_case(f, body,
              f->code, &f->case_id);
    open_case(f, "{\"sex\":\"Masculine\",\"region\":\"almaty\"}", f->plain_code, &f->plain_id);
    json_t *move = J("{\"stage\":\"assessment\",\"note\":\"Kezenkanareyka\"}"), *out = NULL;
    assert_int_equal(stage_move(f->app, &f->cm, f->code, move, &out, &err), QG_OK);
    json_decref(move);
    json_decref(out);
    add_forms(f);
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

/* ---- helpers for the checks ---------------------------------------------------------- */

/* Renders the record of case_id in lang; fails the test on an error. Caller frees. */
static char *render(fx *f, int64_t case_id, const char *lang)
{
    db *conn = db_pool_acquire(f->app->readers);
    char *text = NULL;
    size_t len = 0;
    qg_error err = {0};
    qg_code c = child_record_render(conn, f->app->keys, case_id, lang, &text, &len, &err);
    db_pool_release(f->app->readers, conn);
    if (c != QG_OK)
        fail_msg("render: %d %s: %s", c, err.field, err.message);
    assert_int_equal(strlen(text), len);
    return text;
}

/* Names which must-not-appear value turns up, by its index only. */
static void no_canaries(fx *f, const char *text)
{
    for (size_t i = 0; i < sizeof CANARIES / sizeof *CANARIES; i++)
        if (strstr(text, CANARIES[i]))
            fail_msg("canary %zu appears in the record", i);
    if (strstr(text, f->iin))
        fail_msg("the IIN appears in the record");
}

static void has(const char *text, const char *what)
{
    if (!strstr(text, what))
        fail_msg("the record lacks an expected part (%zu bytes long)", strlen(what));
}

static void lacks(const char *text, const char *what)
{
    if (strstr(text, what))
        fail_msg("the record holds something it must not (%zu bytes long)", strlen(what));
}

static int occurrences(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* ---- the tests -------------------------------------------------------------------------- */

static void test_render_english(void **state)
{
    fx *f = *state;
    char *t = render(f, f->case_id, "en");
    no_canaries(f, t);
    has(t, f->code);
    has(t, "About you");
    has(t, GIVEN);
    has(t, FAMILY);
    has(t, PATRONYMIC);
    has(t, "09.04.2012"); /* dates DD.MM.YYYY */
    lacks(t, "2012-04-09");
    has(t, "Kazakh, Uzbek, fa"); /* names where known, else the code */
    has(t, "15.01.2024");        /* identified on */
    has(t, "Identification and screening");
    has(t, "Assessment"); /* the move, without its note */
    has(t, "Legal aid");
    has(t, "Interpreting and translation");
    /* the newest assessment is withheld: the older one shows */
    has(t, VISIBLE_NOTES);
    has(t, "Oydantap qysqasha");
    has(t, "Safety of the child (and family): Urgent");
    has(t, VISIBLE_VIEW);
    has(t, "Oydantap qongyrau");
    has(t, VISIBLE_OPTION);
    has(t, "20.05.2024"); /* the review date */
    has(t, VISIBLE_GOAL);
    has(t, "30.06.2024");
    has(t, "In progress");
    has(t, "05.03.2024, Phone: " VISIBLE_SUMMARY);
    lacks(t, "06.03.2024"); /* the withheld interaction, not even its date */
    assert_int_equal(occurrences(t, "Some records are not included here."), 1);
    /* nothing about traffickers, the route or the criminal case */
    lacks(t, "Sold the child");
    lacks(t, "Friend or acquaintance");
    lacks(t, "Convicted");
    lacks(t, "Transit");
    lacks(t, "Uzbekistan");
    lacks(t, "Case manager"); /* a goal's owner */
    free(t);
}

static void test_render_kazakh_and_russian(void **state)
{
    fx *f = *state;
    char *kk = render(f, f->case_id, "kk"), *ru = render(f, f->case_id, "ru");
    char today[11], shown[11];
    text_today(today);
    snprintf(shown, sizeof shown, "%.2s.%.2s.%.4s", today + 8, today + 5, today);
    no_canaries(f, kk);
    no_canaries(f, ru);
    has(kk, "Сен туралы");
    lacks(kk, "О тебе");
    lacks(kk, "About you");
    has(ru, "О тебе");
    lacks(ru, "Сен туралы");
    has(kk, "Бағалау"); /* the stage label in the language */
    has(ru, "Оценка");
    has(kk, "қазақ тілі, өзбек тілі");
    has(ru, "Юридическая помощь");
    for (char *t = kk; t; t = t == kk ? ru : NULL) {
        has(t, GIVEN);
        has(t, VISIBLE_SUMMARY);
        has(t, "09.04.2012");
        has(t, shown); /* made on today */
        lacks(t, "Баланы сатқан");
        lacks(t, "Продал(а) ребёнка");
        lacks(t, "Сотталған");
        lacks(t, "Осуждённый");
        lacks(t, "Транзит");
    }
    assert_int_equal(occurrences(kk, "Кейбір жазбалар бұл жерге енгізілмеген."), 1);
    assert_true(strcmp(kk, ru) != 0);
    free(kk);
    free(ru);
}

/* A case with nothing but its codes: no withheld notice, "nothing yet" where empty. */
static void test_render_plain_case(void **state)
{
    fx *f = *state;
    char *t = render(f, f->plain_id, "en");
    has(t, f->plain_code);
    has(t, "Nothing is written down yet.");
    lacks(t, "Some records are not included here.");
    lacks(t, "Your safety plan");
    lacks(t, GIVEN);
    free(t);
}

static void test_render_language(void **state)
{
    fx *f = *state;
    db *conn = db_pool_acquire(f->app->readers);
    char *text = (char *)f;
    size_t len = 1;
    qg_error err = {0};
    assert_int_equal(child_record_render(conn, f->app->keys, f->case_id, "xx", &text, &len, &err), QG_EINVAL);
    assert_string_equal(err.field, "lang");
    assert_null(text);
    assert_int_equal(len, 0);
    assert_int_equal(child_record_render(conn, f->app->keys, f->case_id, NULL, &text, &len, &err), QG_EINVAL);
    db_pool_release(f->app->readers, conn);
    assert_true(child_record_lang_ok("kk") && child_record_lang_ok("ru") && child_record_lang_ok("en"));
    assert_false(child_record_lang_ok("KK") || child_record_lang_ok("") || child_record_lang_ok(NULL));
}

static int64_t audit_count(fx *f, const char *lang)
{
    db *conn = db_pool_acquire(f->app->readers);
    qg_error err = {0};
    db_stmt *st = db_prepare(conn,
                             "SELECT count(*) FROM audit WHERE action = 'case.child_record' AND object = ?"
                             " AND detail = ?",
                             &err);
    char detail[32];
    snprintf(detail, sizeof detail, "{\"lang\":\"%s\"}", lang);
    int64_t n = -1;
    if (st) {
        db_bind_text(st, 1, f->code);
        db_bind_text(st, 2, detail);
        if (db_step(st, &err) == 1)
            n = db_col_int(st, 0);
        db_done(st);
    }
    db_pool_release(f->app->readers, conn);
    return n;
}

static qg_code export(fx *f, const qg_actor *a, const char *lang, char **text, qg_error *err)
{
    size_t len = 0;
    return child_record_export(f->app, a, f->code, lang, text, &len, err);
}

static void test_export_policy_and_audit(void **state)
{
    fx *f = *state;
    char *text = NULL;
    qg_error err = {0};
    assert_int_equal(export(f, &f->fr, "kk", &text, &err), QG_EFORBIDDEN); /* not a first responder's */
    assert_int_equal(export(f, &f->analyst, "kk", &text, &err), QG_EFORBIDDEN);
    assert_int_equal(export(f, &f->sup_b, "kk", &text, &err), QG_ENOTFOUND); /* another organisation */
    assert_int_equal(export(f, &f->cm, "xx", &text, &err), QG_EINVAL);
    assert_string_equal(err.field, "lang");
    assert_null(text);
    assert_int_equal(audit_count(f, "kk"), 0);
    assert_int_equal(export(f, &f->cm, NULL, &text, &err), QG_OK); /* Kazakh by default */
    has(text, "Сен туралы");
    no_canaries(f, text);
    free(text);
    assert_int_equal(audit_count(f, "kk"), 1);
    assert_int_equal(export(f, &f->sys, "ru", &text, &err), QG_OK);
    free(text);
    assert_int_equal(audit_count(f, "ru"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_render_english, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_kazakh_and_russian, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_plain_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_policy_and_audit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
