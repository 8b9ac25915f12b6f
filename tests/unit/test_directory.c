/*
 * test_directory.c — unit tests of the service directory and the agreements register:
 * the directory entry body (every field: missing, wrong type, bad codes, repeats,
 * ranges, lengths, address words in Kazakh, Russian and English in any letter case,
 * unknown keys never repeated), the search filters, the agreement body (every field),
 * and, on a real database in a temporary directory, agreement_find_valid (validity
 * dates inclusive, ended agreements, coverage of the shared parts, either party order,
 * the newest of several) with agreement_create and agreement_end; and the policy of
 * both (who manages which organisation's entries, who sees which agreements). Every
 * name is made up.
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
#include "core/referral/agreement.h"
#include "core/instance/app_open.h"
#include "core/referral/directory.h"
#include "core/account/policy.h"
#include "base/text.h"
#include "support/tmpdir.h"

#define CANARY "Zhanargul Canarykey"

/* ---- helpers ----------------------------------------------------------------------- */

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad test JSON: %s", e.text);
    return v;
}

static const char ENTRY[] = "{\"regions\": [\"almaty\", \"almaty_region\"], \"age_min\": 6, \"age_max\": 17,"
                            " \"sexes\": [\"Feminine\"], \"languages\": [\"kk\", \"ru\"], \"capacity\": 12,"
                            " \"available\": 3, \"procedure\": \"Call the duty desk first; bring the referral form.\","
                            " \"contact\": \"+7 700 000 0000, duty desk\"}";

/* A good entry with key set to value (JSON text), or removed when value is NULL. */
static json_t *entry_with(const char *key, const char *value)
{
    json_t *body = J(ENTRY);
    if (value)
        json_object_set_new(body, key, J(value));
    else
        json_object_del(body, key);
    return body;
}

/* The entry with key set to value must fail naming field, and the message must not
 * hold needle (a value or key that must never be repeated; may be NULL). */
static void entry_fails(const char *key, const char *value, const char *field, const char *needle)
{
    json_t *body = entry_with(key, value);
    qg_error err = {0};
    qg_code c = directory_check_entry(body, &err);
    json_decref(body);
    if (c != QG_EINVAL)
        fail_msg("%s = %s: want invalid, got %d", key, value ? value : "(absent)", c);
    if (strcmp(err.field, field) != 0)
        fail_msg("%s = %s: want field %s, got %s (%s)", key, value ? value : "(absent)", field, err.field,
                 err.message);
    if (needle)
        assert_null(strstr(err.message, needle));
}

static void entry_passes(const char *key, const char *value)
{
    json_t *body = entry_with(key, value);
    qg_error err = {0};
    qg_code c = directory_check_entry(body, &err);
    json_decref(body);
    if (c != QG_OK)
        fail_msg("%s = %s: want ok, got %s: %s", key, value ? value : "(absent)", err.field, err.message);
}

/* A JSON string text of n bytes of 'x'. */
static char *long_text(size_t n)
{
    char *s = malloc(n + 3);
    assert_non_null(s);
    s[0] = '"';
    memset(s + 1, 'x', n);
    s[n + 1] = '"';
    s[n + 2] = '\0';
    return s;
}

/* ---- directory entries ---------------------------------------------------------------- */

static void test_entry_good(void **state)
{
    (void)state;
    entry_passes("regions", "[\"astana\"]");
    json_t *minimal = J("{\"regions\": [\"abai\"], \"age_min\": 0, \"age_max\": 120, \"sexes\": [\"NonSpecifiedUnknown\"],"
                        " \"languages\": [\"uzb\"]}");
    qg_error err = {0};
    assert_int_equal(directory_check_entry(minimal, &err), QG_OK);
    json_decref(minimal);
    entry_passes("version", "4");
    entry_passes("age_min", "17"); /* equal to age_max */
    entry_passes("available", "12");
    entry_passes("available", "0");
    entry_passes("capacity", "100000");
}

static void test_entry_lists(void **state)
{
    (void)state;
    entry_fails("regions", NULL, "regions", NULL);
    entry_fails("regions", "[]", "regions", NULL);
    entry_fails("regions", "\"almaty\"", "regions", "almaty");
    entry_fails("regions", "[\"Mars Colony\"]", "regions", "Mars");
    entry_fails("regions", "[\"almaty\", \"almaty\"]", "regions", NULL);
    entry_fails("regions", "[1]", "regions", NULL);
    entry_fails("sexes", NULL, "sexes", NULL);
    entry_fails("sexes", "[]", "sexes", NULL);
    entry_fails("sexes", "[\"feminine\"]", "sexes", "feminine");
    entry_fails("sexes", "[\"Masculine\", \"Masculine\"]", "sexes", NULL);
    entry_fails("languages", NULL, "languages", NULL);
    entry_fails("languages", "[]", "languages", NULL);
    entry_fails("languages", "[\"KK\"]", "languages", "KK");
    entry_fails("languages", "[\"russ\"]", "languages", "russ");
    entry_fails("languages", "[\"k\"]", "languages", NULL);
    entry_fails("languages", "[\"k1\"]", "languages", NULL);
    entry_fails("languages", "[\"kk\", \"kk\"]", "languages", NULL);
    entry_fails("languages", "\"kk\"", "languages", NULL);
    entry_fails("languages",
                "[\"aa\",\"ab\",\"ac\",\"ad\",\"ae\",\"af\",\"ag\",\"ah\",\"ai\",\"aj\",\"ak\",\"al\",\"am\",\"an\","
                "\"ao\",\"ap\",\"aq\"]",
                "languages", NULL);
}

static void test_entry_numbers(void **state)
{
    (void)state;
    entry_fails("age_min", NULL, "age_min", NULL);
    entry_fails("age_min", "-1", "age_min", NULL);
    entry_fails("age_min", "121", "age_min", NULL);
    entry_fails("age_min", "\"6\"", "age_min", NULL);
    entry_fails("age_min", "6.5", "age_min", NULL);
    entry_fails("age_min", "18", "age_max", NULL); /* above age_max 17 */
    entry_fails("age_max", NULL, "age_max", NULL);
    entry_fails("age_max", "5", "age_max", NULL);
    entry_fails("age_max", "121", "age_max", NULL);
    entry_fails("age_max", "null", "age_max", NULL);
    entry_fails("capacity", "-1", "capacity", NULL);
    entry_fails("capacity", "100001", "capacity", NULL);
    entry_fails("capacity", "\"many\"", "capacity", "many");
    entry_fails("capacity", "null", "capacity", NULL);
    entry_fails("available", "13", "available", NULL);
    entry_fails("available", "-1", "available", NULL);
    entry_fails("available", "true", "available", NULL);
    json_t *body = entry_with("capacity", NULL);
    qg_error err = {0};
    assert_int_equal(directory_check_entry(body, &err), QG_EINVAL); /* available needs capacity */
    assert_string_equal(err.field, "available");
    json_decref(body);
    entry_fails("version", "0", "version", NULL);
    entry_fails("version", "\"1\"", "version", NULL);
}

static void test_entry_texts(void **state)
{
    (void)state;
    char *t = long_text(DIRECTORY_PROCEDURE_MAX);
    entry_passes("procedure", t);
    free(t);
    t = long_text(DIRECTORY_PROCEDURE_MAX + 1);
    entry_fails("procedure", t, "procedure", NULL);
    free(t);
    t = long_text(DIRECTORY_CONTACT_MAX);
    entry_passes("contact", t);
    free(t);
    t = long_text(DIRECTORY_CONTACT_MAX + 1);
    entry_fails("contact", t, "contact", NULL);
    free(t);
    entry_fails("procedure", "\"\"", "procedure", NULL);
    entry_fails("procedure", "7", "procedure", NULL);
    entry_fails("procedure", "\"bell\\u0007\"", "procedure", NULL);
    entry_passes("procedure", "\"First call.\\nThen send the form.\"");
    entry_fails("contact", "\"line one\\nline two\"", "contact", NULL);
    entry_passes("contact", "\"desk@example.org\"");
}

/* The words of an address are refused in procedure and contact (L2452), in any letter
 * case, and only at the start of a word. */
static void test_entry_addresses(void **state)
{
    (void)state;
    static const char *const addresses[] = {
        "\"Almaty, Abay Street 10\"",       "\"STREET 5\"",
        "\"г. Алматы, улица Толе би, 1\"",  "\"УЛИЦА Абая\"",
        "\"Ул. Абая 12\"",                  "\"Алматы,ул.Абая\"",
        "\"Абай көшесі, 5\"",               "\"АБАЙ КӨШЕСІ 5\"",
        "\"Проспект Назарбаева 1\"",        "\"Абай даңғылы 44\"",
        "\"АБАЙ ДАҢҒЫЛЫ 44\"",              "\"мкр Самал-2, 15\"",
        "\"Мкр. Аксай\"",                   "\"4 МКР дом 3\"",
    };
    for (size_t i = 0; i < sizeof addresses / sizeof addresses[0]; i++) {
        entry_fails("contact", addresses[i], "contact", NULL);
        entry_fails("procedure", addresses[i], "procedure", NULL);
    }
    json_t *body = entry_with("contact", "\"Abay Street 10\"");
    qg_error err = {0};
    assert_int_equal(directory_check_entry(body, &err), QG_EINVAL);
    assert_non_null(strstr(err.message, "L2452"));
    assert_null(strstr(err.message, "Abay"));
    json_decref(body);
    static const char *const fine[] = {
        "\"Стул. Пул.\"",                 "\"Mainstreet desk\"",
        "\"+7 727 000 00 00, дежурный\"", "\"Кезекші телефон: +7 700 000 0000\"",
        "\"referrals@example.org\"",
    };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        entry_passes("contact", fine[i]);
    assert_true(directory_has_address("Street"));
    assert_false(directory_has_address(""));
    assert_false(directory_has_address("Сұрақ бойынша хабарласыңыз"));
}

static void test_entry_unknown_keys(void **state)
{
    (void)state;
    entry_fails(CANARY, "1", "body", CANARY);
    entry_fails("address", "\"Somewhere 1\"", "body", "Somewhere");
    entry_fails("shelter_address", "\"x\"", "body", NULL);
    json_t *notobj = J("[1]");
    qg_error err = {0};
    assert_int_equal(directory_check_entry(notobj, &err), QG_EINVAL);
    assert_string_equal(err.field, "body");
    json_decref(notobj);
}

static void filter_fails(directory_filter f, const char *field)
{
    qg_error err = {0};
    assert_int_equal(directory_check_filter(&f, &err), QG_EINVAL);
    assert_string_equal(err.field, field);
}

static void test_filters(void **state)
{
    (void)state;
    qg_error err = {0};
    directory_filter none = {0}, empty = {"", "", "", ""},
                     all = {.service = "legal", .region = "shymkent", .age = "120", .sex = "Masculine"};
    assert_int_equal(directory_check_filter(&none, &err), QG_OK);
    assert_int_equal(directory_check_filter(&empty, &err), QG_OK);
    assert_int_equal(directory_check_filter(&all, &err), QG_OK);
    filter_fails((directory_filter){.service = "lawyer"}, "service");
    filter_fails((directory_filter){.region = "Almaty"}, "region");
    filter_fails((directory_filter){.sex = "F"}, "sex");
    filter_fails((directory_filter){.age = "121"}, "age");
    filter_fails((directory_filter){.age = "-1"}, "age");
    filter_fails((directory_filter){.age = "1e2"}, "age");
    filter_fails((directory_filter){.age = "0012"}, "age");
    filter_fails((directory_filter){.age = " 5"}, "age");
}

/* ---- agreement bodies ------------------------------------------------------------------ */

static const char AGREEMENT[] =
    "{\"parties\": [3, 1], \"kind\": \"data_sharing\", \"purpose\": \"Shelter referrals of children.\","
    " \"data_shared\": [\"profile\", \"needs\"], \"protections\": \"Encrypted, need to know.\","
    " \"permitted_users\": \"Case managers of the receiving shelter.\","
    " \"complaints\": \"Write to the data protection officer of either party.\","
    " \"valid_from\": \"2024-01-01\", \"valid_to\": \"2026-12-31\"}";

static void agreement_fails(const char *key, const char *value, const char *field, const char *needle)
{
    json_t *body = J(AGREEMENT);
    if (value)
        json_object_set_new(body, key, J(value));
    else
        json_object_del(body, key);
    qg_error err = {0};
    qg_code c = agreement_check_body(body, &err);
    json_decref(body);
    if (c != QG_EINVAL || strcmp(err.field, field) != 0)
        fail_msg("%s = %s: want invalid %s, got %d %s (%s)", key, value ? value : "(absent)", field, c, err.field,
                 err.message);
    if (needle)
        assert_null(strstr(err.message, needle));
}

static void test_agreement_body(void **state)
{
    (void)state;
    json_t *good = J(AGREEMENT);
    qg_error err = {0};
    assert_int_equal(agreement_check_body(good, &err), QG_OK);
    json_decref(good);
    agreement_fails("parties", NULL, "parties", NULL);
    agreement_fails("parties", "[1]", "parties", NULL);
    agreement_fails("parties", "[1, 2, 3]", "parties", NULL);
    agreement_fails("parties", "[2, 2]", "parties", NULL);
    agreement_fails("parties", "[0, 2]", "parties", NULL);
    agreement_fails("parties", "[\"1\", 2]", "parties", NULL);
    agreement_fails("parties", "{\"a\": 1}", "parties", NULL);
    agreement_fails("kind", NULL, "kind", NULL);
    agreement_fails("kind", "\"friendship\"", "kind", "friendship");
    static const char *const texts[] = {"purpose", "protections", "permitted_users", "complaints"};
    char *at_max = long_text(AGREEMENT_TEXT_MAX), *over = long_text(AGREEMENT_TEXT_MAX + 1);
    for (size_t i = 0; i < 4; i++) {
        agreement_fails(texts[i], NULL, texts[i], NULL);
        agreement_fails(texts[i], "\"\"", texts[i], NULL);
        agreement_fails(texts[i], "12", texts[i], NULL);
        agreement_fails(texts[i], over, texts[i], NULL);
        json_t *body = J(AGREEMENT);
        json_object_set_new(body, texts[i], J(at_max));
        assert_int_equal(agreement_check_body(body, &err), QG_OK);
        json_decref(body);
    }
    free(at_max);
    free(over);
    agreement_fails("data_shared", NULL, "data_shared", NULL);
    agreement_fails("data_shared", "[]", "data_shared", NULL);
    agreement_fails("data_shared", "[\"everything\"]", "data_shared", "everything");
    agreement_fails("data_shared", "[\"needs\", \"needs\"]", "data_shared", NULL);
    agreement_fails("valid_from", NULL, "valid_from", NULL);
    agreement_fails("valid_from", "\"2024-02-30\"", "valid_from", NULL);
    agreement_fails("valid_to", "\"31.12.2026\"", "valid_to", "31.12");
    agreement_fails("valid_to", "\"2023-12-31\"", "valid_to", NULL);
    agreement_fails(CANARY, "\"x\"", "body", CANARY);
}

/* ---- the policy of both ------------------------------------------------------------------ */

static void test_policy(void **state)
{
    (void)state;
    qg_actor sup = {.user_id = 5, .org_id = 7, .role = ROLE_SUPERVISOR};
    qg_actor admin = {.user_id = 6, .org_id = 1, .role = ROLE_ADMIN, .system_wide = true};
    qg_actor org_admin = {.user_id = 6, .org_id = 1, .role = ROLE_ADMIN}, sys = actor_system();
    for (int a = 0; a < 2; a++) {
        qg_action act = a ? ACT_AGREEMENT_MANAGE : ACT_DIRECTORY_MANAGE;
        assert_int_equal(policy_org_manage(&sup, act, 7), POLICY_ALLOW);
        assert_int_equal(policy_org_manage(&sup, act, 8), POLICY_HIDE);
        assert_int_equal(policy_org_manage(&admin, act, 8), POLICY_ALLOW);
        assert_int_equal(policy_org_manage(&org_admin, act, 8), POLICY_HIDE);
        assert_int_equal(policy_org_manage(&org_admin, act, 1), POLICY_ALLOW);
        assert_int_equal(policy_org_manage(&sys, act, 8), POLICY_ALLOW);
        for (qg_role r = ROLE_CASE_MANAGER; r <= ROLE_AUDITOR; r++) {
            qg_actor other = {.user_id = 9, .org_id = 7, .role = r};
            assert_int_equal(policy_org_manage(&other, act, 7), POLICY_FORBID);
        }
        assert_int_equal(policy_org_manage(NULL, act, 7), POLICY_FORBID);
    }
    static const agreement_scope want[] = {
        [ROLE_NONE] = AGREEMENTS_NONE,          [ROLE_ADMIN] = AGREEMENTS_ALL,
        [ROLE_SUPERVISOR] = AGREEMENTS_ORG,     [ROLE_CASE_MANAGER] = AGREEMENTS_ORG,
        [ROLE_FIRST_RESPONDER] = AGREEMENTS_ORG, [ROLE_ANALYST] = AGREEMENTS_NONE,
        [ROLE_AUDITOR] = AGREEMENTS_ALL,        [ROLE_SYSTEM] = AGREEMENTS_ALL,
    };
    for (qg_role r = ROLE_NONE; r <= ROLE_SYSTEM; r++) {
        qg_actor a = {.user_id = 1, .org_id = 1, .role = r};
        assert_int_equal(policy_agreement_scope(&a), want[r]);
    }
    assert_int_equal(policy_agreement_scope(NULL), AGREEMENTS_NONE);
}

/* ---- agreement_find_valid on a real database ---------------------------------------------- */

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    qg_app *app;
    qg_actor sys;
    int64_t a, b, c;
} db_fx;

static int db_setup(void **state)
{
    db_fx *f = calloc(1, sizeof *f);
    char db_path[QGT_TMPDIR_MAX + 32], key_path[QGT_TMPDIR_MAX + 32];
    qg_error err = {0};
    if (!f || !qgt_tmpdir_make("directory", f->dir, sizeof f->dir) ||
        !qgt_tmpdir_path(f->dir, "qorgau.db", db_path, sizeof db_path) ||
        !qgt_tmpdir_path(f->dir, "qorgau.db.key", key_path, sizeof key_path) ||
        app_init_files(db_path, key_path, &err) != QG_OK || app_open(db_path, key_path, 2, false, &f->app, &err) != QG_OK)
        return -1;
    f->sys = actor_system();
    if (org_create(f->app, &f->sys, "Aqqu Shelter (test)", "ngo", "almaty", &f->a, &err) != QG_OK ||
        org_create(f->app, &f->sys, "Dala Legal (test)", "justice", "astana", &f->b, &err) != QG_OK ||
        org_create(f->app, &f->sys, "Kokterek Clinic (test)", "health", "shymkent", &f->c, &err) != QG_OK)
        return -1;
    *state = f;
    return 0;
}

static int db_teardown(void **state)
{
    db_fx *f = *state;
    app_close(f->app);
    qgt_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Records an agreement between x and y; returns its id. */
static int64_t add_agreement(db_fx *f, int64_t x, int64_t y, const char *parts, const char *from, const char *to)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"parties\": [%lld, %lld], \"kind\": \"data_sharing\", \"purpose\": \"Referrals.\","
             " \"data_shared\": %s, \"protections\": \"Need to know.\", \"permitted_users\": \"Case managers.\","
             " \"complaints\": \"The data protection officer.\", \"valid_from\": \"%s\", \"valid_to\": \"%s\"}",
             (long long)x, (long long)y, parts, from, to);
    json_t *body = J(text), *out = NULL;
    qg_error err = {0};
    if (agreement_create(f->app, &f->sys, body, &out, &err) != QG_OK)
        fail_msg("agreement_create: %s %s", err.field, err.message);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    /* stored with the smaller id first */
    assert_int_equal(json_integer_value(json_array_get(json_object_get(out, "parties"), 0)), x < y ? x : y);
    json_decref(body);
    json_decref(out);
    return id;
}

/* The agreement agreement_find_valid finds between x and y on day for parts. */
static int64_t find(db_fx *f, int64_t x, int64_t y, const char *day, const char *parts)
{
    json_t *want = J(parts);
    int64_t id = -1;
    qg_error err = {0};
    db *conn = db_pool_acquire(f->app->readers);
    qg_code c = agreement_find_valid(conn, x, y, day, want, &id, &err);
    db_pool_release(f->app->readers, conn);
    json_decref(want);
    assert_int_equal(c, QG_OK);
    return id;
}

static void end_on(db_fx *f, int64_t id, const char *day, qg_code want)
{
    char text[64];
    snprintf(text, sizeof text, "{\"ended_on\": \"%s\"}", day);
    json_t *body = J(text), *out = NULL;
    qg_error err = {0};
    qg_code c = agreement_end(f->app, &f->sys, id, body, &out, &err);
    if (c != want)
        fail_msg("end %lld on %s: want %d, got %d (%s %s)", (long long)id, day, want, c, err.field, err.message);
    json_decref(body);
    json_decref(out);
}

static void test_find_valid(void **state)
{
    db_fx *f = *state;
    int64_t ab = add_agreement(f, f->b, f->a, "[\"profile\", \"needs\", \"identity\"]", "2024-03-01", "2024-08-31");
    /* the validity dates are inclusive */
    assert_int_equal(find(f, f->a, f->b, "2024-03-01", "[\"profile\"]"), ab);
    assert_int_equal(find(f, f->a, f->b, "2024-08-31", "[\"profile\"]"), ab);
    assert_int_equal(find(f, f->a, f->b, "2024-02-29", "[\"profile\"]"), 0);
    assert_int_equal(find(f, f->a, f->b, "2024-09-01", "[\"profile\"]"), 0);
    /* either party order */
    assert_int_equal(find(f, f->b, f->a, "2024-05-15", "[\"needs\"]"), ab);
    /* every part asked for must be covered; none asked for is covered */
    assert_int_equal(find(f, f->a, f->b, "2024-05-15", "[\"profile\", \"identity\"]"), ab);
    assert_int_equal(find(f, f->a, f->b, "2024-05-15", "[\"profile\", \"contact\"]"), 0);
    assert_int_equal(find(f, f->a, f->b, "2024-05-15", "[]"), ab);
    /* another pair of organisations has no agreement */
    assert_int_equal(find(f, f->a, f->c, "2024-05-15", "[\"profile\"]"), 0);
    /* ending: the day it ends is no longer valid, the day before still is */
    end_on(f, ab, "2024-09-01", QG_EINVAL); /* after valid_to */
    end_on(f, ab, "2024-02-01", QG_EINVAL); /* before valid_from */
    end_on(f, ab, "2024-06-10", QG_OK);
    end_on(f, ab, "2024-06-11", QG_ECONFLICT);
    end_on(f, 99999, "2024-06-11", QG_ENOTFOUND);
    assert_int_equal(find(f, f->a, f->b, "2024-06-09", "[\"profile\"]"), ab);
    assert_int_equal(find(f, f->a, f->b, "2024-06-10", "[\"profile\"]"), 0);
    /* the newest of two valid agreements, and an older one when only it covers */
    int64_t older = add_agreement(f, f->a, f->c, "[\"profile\", \"assessment\"]", "2024-01-01", "2025-12-31");
    int64_t newer = add_agreement(f, f->c, f->a, "[\"profile\"]", "2024-01-01", "2025-12-31");
    assert_true(newer > older);
    assert_int_equal(find(f, f->c, f->a, "2024-07-01", "[\"profile\"]"), newer);
    assert_int_equal(find(f, f->a, f->c, "2024-07-01", "[\"assessment\"]"), older);
}

/* The register keeps what was sent and answers valid_today. */
static void test_register_round_trip(void **state)
{
    db_fx *f = *state;
    int64_t id = add_agreement(f, f->a, f->b, "[\"needs\"]", "2020-01-01", "2099-12-31");
    json_t *out = NULL;
    qg_error err = {0};
    assert_int_equal(agreement_get(f->app, &f->sys, id, &out, &err), QG_OK);
    assert_true(json_is_true(json_object_get(out, "valid_today")));
    assert_string_equal(json_string_value(json_object_get(out, "permitted_users")), "Case managers.");
    assert_true(json_is_null(json_object_get(out, "ended_on")));
    json_decref(out);
    char today[11];
    text_today(today);
    end_on(f, id, today, QG_OK);
    assert_int_equal(agreement_get(f->app, &f->sys, id, &out, &err), QG_OK);
    assert_true(json_is_false(json_object_get(out, "valid_today")));
    assert_string_equal(json_string_value(json_object_get(out, "ended_on")), today);
    json_decref(out);
    assert_int_equal(agreement_list(f->app, &f->sys, f->a, "2019-12-31", &out, &err), QG_OK);
    assert_int_equal(json_array_size(json_object_get(out, "agreements")), 0);
    json_decref(out);
    assert_int_equal(agreement_list(f->app, &f->sys, 0, "31/12/2019", &out, &err), QG_EINVAL);
    assert_string_equal(err.field, "valid_on");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_good),
        cmocka_unit_test(test_entry_lists),
        cmocka_unit_test(test_entry_numbers),
        cmocka_unit_test(test_entry_texts),
        cmocka_unit_test(test_entry_addresses),
        cmocka_unit_test(test_entry_unknown_keys),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_agreement_body),
        cmocka_unit_test(test_policy),
        cmocka_unit_test_setup_teardown(test_find_valid, db_setup, db_teardown),
        cmocka_unit_test_setup_teardown(test_register_round_trip, db_setup, db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
