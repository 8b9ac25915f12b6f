/*
 * test_stage_rules.c — unit tests of the rules that need no database: every pair of the
 * manual's ten stages through stage_check_move (L2459–2501: forward moves, stages 3–8
 * repeat, never back to 1–2, closure only by closing), and every profile field of
 * case_profile.c (the data the manual asks to collect, L2683–2699): good values, each
 * kind of bad value, list limits and duplicates, rules between fields, and that no
 * refusal repeats the value it refused.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/case/case_input.h"
#include "core/case/case_profile.h"
#include "core/case/stage.h"
#include "core/vocab/vocab.h"

/* ---- stages ---------------------------------------------------------------------- */

/* The expected verdict for a move from stage a to stage b (1..10), written out from
 * the manual's rules independently of stage.c. */
static qg_code expected_move(int a, int b, bool *note)
{
    *note = false;
    if (b == 10)
        return QG_EINVAL; /* closure: only by closing */
    if (a == b)
        return QG_ECONFLICT;
    if (b > a)
        return QG_OK;
    if (b >= 3 && b <= 8 && a <= 9) {
        *note = true; /* a repeat needs a why */
        return QG_OK;
    }
    return QG_ECONFLICT;
}

static void test_every_move(void **state)
{
    (void)state;
    assert_int_equal(VOCAB_STAGE.count, 10);
    int allowed = 0, repeats = 0;
    for (int a = 1; a <= 10; a++) {
        for (int b = 1; b <= 10; b++) {
            bool want_note, note = true;
            qg_error err = {0};
            qg_code want = expected_move(a, b, &want_note);
            qg_code got = stage_check_move(VOCAB_STAGE.entries[a - 1].code, VOCAB_STAGE.entries[b - 1].code,
                                           &note, &err);
            if (got != want)
                fail_msg("move %d -> %d: want %d, got %d", a, b, want, got);
            if (got == QG_OK) {
                assert_int_equal(note, want_note);
                allowed++;
                repeats += note;
            } else {
                assert_string_equal(err.field, "stage");
            }
        }
    }
    /* forward moves into 2..9 from every earlier stage: 36; repeats: for each target
     * 3..8, the stages above it up to 9: 6+5+4+3+2+1 = 21 */
    assert_int_equal(allowed, 36 + 21);
    assert_int_equal(repeats, 21);
}

static void test_named_moves(void **state)
{
    (void)state;
    bool note;
    qg_error err = {0};
    /* a child found in Kazakhstan may need no help to leave: 1 -> 3 */
    assert_int_equal(stage_check_move("identification", "assessment", &note, &err), QG_OK);
    assert_false(note);
    /* monitoring goes back to assessment (L2493-2496), with a note */
    assert_int_equal(stage_check_move("monitoring", "assessment", &note, &err), QG_OK);
    assert_true(note);
    /* recovery goes back to safety planning */
    assert_int_equal(stage_check_move("recovery", "safety_planning", &note, &err), QG_OK);
    /* never back to identification or exit assistance */
    assert_int_equal(stage_check_move("assessment", "identification", &note, &err), QG_ECONFLICT);
    assert_int_equal(stage_check_move("referral", "exit_assistance", &note, &err), QG_ECONFLICT);
    /* recovery is not repeated from itself, closure is not a move */
    assert_int_equal(stage_check_move("recovery", "recovery", &note, &err), QG_ECONFLICT);
    assert_int_equal(stage_check_move("recovery", "closure", &note, &err), QG_EINVAL);
    /* unknown codes */
    assert_int_equal(stage_check_move("assessment", "Assessment", &note, &err), QG_EINVAL);
    assert_int_equal(stage_check_move("assessment", NULL, &note, &err), QG_EINVAL);
    assert_int_equal(stage_number("closure"), 10);
    assert_int_equal(stage_number("identification"), 1);
    assert_int_equal(stage_number("nowhere"), 0);
    assert_int_equal(stage_number(NULL), 0);
}

/* ---- profile fields ------------------------------------------------------------------ */

static void field_ok(const char *json)
{
    json_error_t jerr;
    json_t *obj = json_loads(json, 0, &jerr);
    if (!obj)
        fail_msg("test JSON does not parse: %s", jerr.text);
    qg_error err = {0};
    qg_code c = case_input_check_fields(obj, NULL, &err);
    if (c != QG_OK)
        fail_msg("refused %s: %s: %s", json, err.field, err.message);
    json_decref(obj);
}

/* Expects refusal naming field, and the message not to hold secret (may be NULL). */
static void field_bad(const char *json, const char *field, const char *secret)
{
    json_t *obj = json_loads(json, 0, NULL);
    assert_non_null(obj);
    qg_error err = {0};
    qg_code c = case_input_check_fields(obj, NULL, &err);
    if (c != QG_EINVAL || strcmp(err.field, field) != 0)
        fail_msg("%s: want invalid %s, got %d %s", json, field, c, err.field);
    if (secret)
        assert_null(strstr(err.message, secret));
    json_decref(obj);
}

static void test_profile_scalars(void **state)
{
    (void)state;
    field_ok("{\"external_ref\":\"NGO-2024/017\",\"exploitation_place\":\"almaty\","
             "\"recruitment_method\":\"online_social_network\",\"exit_method\":\"law_enforcement\","
             "\"relation_to_trafficker\":\"family\",\"cj_stage\":\"accused\",\"victim_status\":\"identified\","
             "\"status_decided_by\":\"police\",\"accompaniment\":\"separated\",\"interpreter_needed\":true,"
             "\"interpreter_language\":\"uz\",\"non_punishment\":false}");
    field_ok("{\"exploitation_place\":\"RU\"}");  /* a country abroad */
    field_ok("{\"exploitation_place\":\"XX\"}");  /* unknown */
    field_ok("{\"cj_stage\":null,\"exploitation_place\":null}"); /* null clears */
    field_bad("{\"exploitation_place\":\"Atlantiszz\"}", "exploitation_place", "Atlantiszz");
    field_bad("{\"exploitation_place\":\"ru\"}", "exploitation_place", NULL);
    field_bad("{\"recruitment_method\":\"Telepathyzz\"}", "recruitment_method", "Telepathyzz");
    field_bad("{\"cj_stage\":\"sentenced\"}", "cj_stage", NULL);
    field_bad("{\"victim_status\":true}", "victim_status", NULL);
    field_bad("{\"interpreter_needed\":\"yes\"}", "interpreter_needed", NULL);
    field_bad("{\"non_punishment\":1}", "non_punishment", NULL);
    field_bad("{\"interpreter_language\":\"Uzbek\"}", "interpreter_language", NULL);
    field_bad("{\"external_ref\":\"=HYPERLINK(1)\"}", "external_ref", "HYPERLINK");
    field_bad("{\"external_ref\":\"Testgul Oydantap\"}", "external_ref", "Testgul");
    field_bad("{\"external_ref\":\"\"}", "external_ref", NULL);
    char long_ref[PROFILE_REF_MAX + 40];
    memset(long_ref, 'a', PROFILE_REF_MAX + 1);
    long_ref[PROFILE_REF_MAX + 1] = '\0';
    char body[256];
    snprintf(body, sizeof body, "{\"external_ref\":\"%s\"}", long_ref);
    field_bad(body, "external_ref", NULL);
    long_ref[PROFILE_REF_MAX] = '\0';
    snprintf(body, sizeof body, "{\"external_ref\":\"%s\"}", long_ref);
    field_ok(body);
    /* set only by closing */
    field_bad("{\"close_reason\":\"recovered\"}", "close_reason", NULL);
    field_bad("{\"closed_on\":\"2024-01-01\"}", "closed_on", NULL);
}

static void test_profile_lists(void **state)
{
    (void)state;
    field_ok("{\"exploitation_forms\":[\"forced_labour\",\"forced_criminality\"],"
             "\"services_needed\":[\"shelter_24h\",\"legal\"],"
             "\"traffickers\":[{\"sex\":\"Masculine\",\"age_band\":\"30_44\",\"relation\":\"family\","
             "\"role\":\"recruiter\"},{\"role\":\"exploiter\"}],"
             "\"route\":[{\"event\":\"recruitment\",\"place\":\"turkistan\",\"on\":\"2023\"},"
             "{\"event\":\"transit\",\"place\":\"almaty\",\"on\":\"2023-05\"},"
             "{\"event\":\"exploitation\",\"place\":\"RU\",\"on\":\"2023-06-14\"}]}");
    field_ok("{\"exploitation_forms\":[],\"traffickers\":[],\"route\":null}");
    field_bad("{\"exploitation_forms\":[\"forced_labour\",\"forced_labour\"]}", "exploitation_forms[1]", NULL);
    field_bad("{\"exploitation_forms\":[\"forced_labour\",\"slaveryzz\"]}", "exploitation_forms[1]", "slaveryzz");
    field_bad("{\"exploitation_forms\":\"forced_labour\"}", "exploitation_forms", NULL);
    field_bad("{\"services_needed\":[\"spa\"]}", "services_needed[0]", NULL);
    field_bad("{\"traffickers\":[{}]}", "traffickers[0]", NULL);
    field_bad("{\"traffickers\":[{\"role\":\"boss\"}]}", "traffickers[0].role", NULL);
    field_bad("{\"traffickers\":[{\"role\":\"recruiter\",\"Testgulzz\":1}]}", "traffickers[0]", "Testgulzz");
    field_bad("{\"traffickers\":[{\"age_band\":\"40s\"}]}", "traffickers[0].age_band", NULL);
    field_bad("{\"route\":[{\"event\":\"transit\"}]}", "route[0].place", NULL);
    field_bad("{\"route\":[{\"place\":\"almaty\"}]}", "route[0].event", NULL);
    field_bad("{\"route\":[{\"event\":\"transit\",\"place\":\"almaty\",\"on\":\"2999\"}]}", "route[0].on", NULL);
    field_bad("{\"route\":[{\"event\":\"transit\",\"place\":\"almaty\",\"on\":\"1989-12\"}]}", "route[0].on", NULL);
    field_bad("{\"route\":[{\"event\":\"transit\",\"place\":\"almaty\",\"on\":\"2023-13\"}]}", "route[0].on", NULL);
    field_bad("{\"route\":[{\"event\":\"transit\",\"place\":\"almaty\",\"on\":\"2023-02-30\"}]}", "route[0].on", NULL);
    field_bad("{\"route\":[{\"event\":\"teleport\",\"place\":\"almaty\"}]}", "route[0].event", NULL);
    /* a list of more than the maximum */
    json_t *many = json_array();
    for (int i = 0; i <= PROFILE_TRAFFICKERS_MAX; i++)
        json_array_append_new(many, json_pack("{s:s}", "role", "exploiter"));
    json_t *obj = json_pack("{s:o}", "traffickers", many);
    qg_error err = {0};
    assert_int_equal(case_input_check_fields(obj, NULL, &err), QG_EINVAL);
    assert_string_equal(err.field, "traffickers");
    json_array_remove(many, 0);
    assert_int_equal(case_input_check_fields(obj, NULL, &err), QG_OK);
    json_decref(obj);
}

static void test_profile_between_fields(void **state)
{
    (void)state;
    qg_error err = {0};
    json_t *f = json_pack("{s:s}", "interpreter_language", "uz");
    assert_int_equal(profile_check_merged(f, &err), QG_EINVAL);
    assert_string_equal(err.field, "interpreter_language");
    json_object_set_new(f, "interpreter_needed", json_true());
    assert_int_equal(profile_check_merged(f, &err), QG_OK);
    json_object_set_new(f, "status_decided_by", json_string("court_or_prosecution"));
    assert_int_equal(profile_check_merged(f, &err), QG_EINVAL);
    assert_string_equal(err.field, "status_decided_by");
    json_object_set_new(f, "victim_status", json_string("presumed"));
    assert_int_equal(profile_check_merged(f, &err), QG_OK);
    json_decref(f);
    assert_true(profile_is_list("route"));
    assert_false(profile_is_list("cj_stage"));
    assert_true(profile_is_field("cj_stage"));
    assert_false(profile_is_field("close_reason"));
    assert_true(profile_is_place("KZ"));
    assert_true(profile_is_place("almaty_region"));
    assert_false(profile_is_place(NULL));
    assert_false(profile_is_place("Almaty"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_move),
        cmocka_unit_test(test_named_moves),
        cmocka_unit_test(test_profile_scalars),
        cmocka_unit_test(test_profile_lists),
        cmocka_unit_test(test_profile_between_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
