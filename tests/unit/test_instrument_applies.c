/*
 * test_instrument_applies.c — unit tests of the list of items that apply ("applies") and
 * of the dropped answers ("dropped") in the instrument engine's result
 * (src/core/instrument/instrument_score.c). The web screening form shows exactly these
 * items, so every branch of the shipped instruments is checked here: greenbaum-12's
 * follow-up texts, htiam-14's section B by citizenship, its E2/E3 follow-ups and the
 * "other" trafficking type, school-signs' working-pupil questions; and dropping gives
 * the same result as leaving the answer out, while the strict scorer still refuses it.
 *
 * Answers are written with single quotes (jq() turns them into double quotes).
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

#include "core/instrument/instrument.h"
#include "support/shipped.h"


/* Parses JSON written with ' for " (fails the test on bad JSON). Caller owns. */
static json_t *jq(const char *text)
{
    size_t n = strlen(text);
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i <= n; i++)
        s[i] = text[i] == '\'' ? '"' : text[i];
    json_error_t jerr;
    json_t *v = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!v)
        fail_msg("test JSON does not parse: %s (%s)", jerr.text, s);
    free(s);
    return v;
}

static const instrument *shipped(const char *id)
{
    const instrument *inst = instrument_find(qgt_shipped, id, 0);
    if (!inst)
        fail_msg("instrument %s is not loaded", id);
    return inst;
}

/* Scores answers (JSON with ') with id, dropping or strict; the scoring must succeed.
 * Caller owns the result. */
static json_t *scored(const char *id, const char *answers, bool drop)
{
    json_t *a = jq(answers), *out = NULL;
    qg_error err = {0};
    qg_code c = drop ? instrument_score_dropping(shipped(id), a, &out, &err)
                     : instrument_score(shipped(id), a, &out, &err);
    json_decref(a);
    if (c != QG_OK)
        fail_msg("%s %s: scoring failed: %s: %s", id, answers, err.field, err.message);
    return out;
}

/* The ids of list key of result as one comma-separated string in buf. */
static const char *ids(json_t *result, const char *key, char *buf, size_t size)
{
    json_t *list = json_object_get(result, key);
    assert_true(json_is_array(list));
    size_t used = 0, i;
    json_t *e;
    buf[0] = '\0';
    json_array_foreach(list, i, e) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? "," : "", json_string_value(e));
        assert_true(n > 0 && (size_t)n < size - used);
        used += (size_t)n;
    }
    return buf;
}

/* Asserts the items that apply to answers (dropping mode) and the answers dropped. */
#define assert_applies(id, answers, want_applies, want_dropped)                                   \
    assert_applies_at((id), (answers), (want_applies), (want_dropped), __FILE__, __LINE__)
static void assert_applies_at(const char *id, const char *answers, const char *want_applies,
                              const char *want_dropped, const char *file, int line)
{
    char got[2048], dropped[512];
    json_t *r = scored(id, answers, true);
    ids(r, "applies", got, sizeof got);
    ids(r, "dropped", dropped, sizeof dropped);
    json_decref(r);
    if (strcmp(got, want_applies) != 0 || strcmp(dropped, want_dropped) != 0) {
        print_error("%s %s\n  applies %s\n     want %s\n  dropped %s\n     want %s\n", id, answers,
                    got, want_applies, dropped, want_dropped);
        _fail(file, line);
    }
}

/* Asserts that the strict scorer refuses answers at field with a message containing part. */
static void assert_refused(const char *id, const char *answers, const char *field, const char *part)
{
    json_t *a = jq(answers), *out = NULL;
    qg_error err = {0};
    assert_int_equal(instrument_score(shipped(id), a, &out, &err), QG_EINVAL);
    json_decref(a);
    assert_null(out);
    assert_string_equal(err.field, field);
    assert_non_null(strstr(err.message, part));
}

/* Asserts that dropping answers gives the strict result of kept, plus the dropped ids. */
static void assert_same_as_without(const char *id, const char *answers, const char *kept,
                                   const char *want_dropped)
{
    char dropped[512];
    json_t *lenient = scored(id, answers, true), *strict = scored(id, kept, false);
    assert_string_equal(ids(lenient, "dropped", dropped, sizeof dropped), want_dropped);
    assert_int_equal(json_object_del(lenient, "dropped"), 0);
    assert_true(json_equal(lenient, strict));
    json_decref(lenient);
    json_decref(strict);
}

#define GB_BASE "q1,q2,q3,q4,q5,q6,q7"

static void test_gb_follow_ups(void **state)
{
    (void)state;
    assert_applies("greenbaum-12", "{}", GB_BASE ",q8,q9,q10,q11,q12", "");
    assert_applies("greenbaum-12", "{'q7': 'yes'}", GB_BASE ",q7_details,q8,q9,q10,q11,q12", "");
    assert_applies("greenbaum-12", "{'q7': 'no', 'q12': 'yes'}", GB_BASE ",q8,q9,q10,q11,q12,q12_details", "");
    assert_applies("greenbaum-12", "{'q8': 'yes', 'q9': 'yes', 'q10': 'yes', 'q11': 'yes'}",
                   GB_BASE ",q8,q8_details,q9,q9_details,q10,q10_details,q11,q11_details,q12", "");
    /* the follow-up's text is dropped when its question turns to "no" */
    assert_applies("greenbaum-12", "{'q7': 'no', 'q7_details': 'made-up text'}", GB_BASE ",q8,q9,q10,q11,q12",
                   "q7_details");
    assert_refused("greenbaum-12", "{'q7': 'no', 'q7_details': 'made-up text'}", "answers.q7_details",
                   "does not apply");
    assert_refused("greenbaum-12", "{'q7_details': 'made-up text'}", "answers.q7_details", "not answered");
    assert_same_as_without("greenbaum-12", "{'q1': 'yes', 'q2': 'yes', 'q7': 'no', 'q7_details': 'made-up'}",
                           "{'q1': 'yes', 'q2': 'yes', 'q7': 'no'}", "q7_details");
}

#define HT_A "A1,A2,A3,A4,A5,A6"
#define HT_B "B1,B2,B3,B4"
#define HT_CD "C1,C2,C3,C4,D1,D2,D3,E1"
#define HT_END "nonverbal_notes,interviewer_rating,trafficking_types"

static void test_ht_section_b(void **state)
{
    (void)state;
    /* section B asks about citizenship: unknown (not shown) until A5 is answered */
    assert_applies("htiam-14", "{}", HT_A "," HT_CD "," HT_END, "");
    assert_applies("htiam-14", "{'A5': 'KZ'}", HT_A "," HT_CD "," HT_END, "");
    assert_applies("htiam-14", "{'A5': 'UZ'}", HT_A "," HT_B "," HT_CD "," HT_END, "");
    assert_applies("htiam-14", "{'A5': 'KZ', 'B1': 1, 'B3': 0}", HT_A "," HT_CD "," HT_END, "B1,B3");
    assert_applies("htiam-14", "{'B2': 1}", HT_A "," HT_CD "," HT_END, "B2");
    assert_same_as_without("htiam-14", "{'A1': 15, 'A5': 'KZ', 'B1': 1}", "{'A1': 15, 'A5': 'KZ'}", "B1");
    assert_same_as_without("htiam-14", "{'A1': 15, 'A5': 'UZ', 'B1': 1}", "{'A1': 15, 'A5': 'UZ', 'B1': 1}",
                           "");
}

static void test_ht_e_follow_ups(void **state)
{
    (void)state;
    /* E3 when E1 is yes; E2 when E1 is yes and the child is 18 or older */
    assert_applies("htiam-14", "{'A5': 'KZ', 'E1': 'yes', 'A1': 15}", HT_A "," HT_CD ",E3," HT_END, "");
    assert_applies("htiam-14", "{'A5': 'KZ', 'E1': 'yes', 'A1': 18}", HT_A "," HT_CD ",E2,E3," HT_END, "");
    assert_applies("htiam-14", "{'A5': 'KZ', 'E1': 'yes'}", HT_A "," HT_CD ",E3," HT_END, "");
    assert_applies("htiam-14", "{'A5': 'KZ', 'E1': 'no', 'A1': 18, 'E2': 1, 'E3': 14}",
                   HT_A "," HT_CD "," HT_END, "E2,E3");
    /* E2 while the age is unknown: dropped by the form, refused by the strict scorer */
    assert_applies("htiam-14", "{'A5': 'KZ', 'E1': 'yes', 'E2': 1}", HT_A "," HT_CD ",E3," HT_END, "E2");
    assert_refused("htiam-14", "{'A5': 'KZ', 'E1': 'yes', 'E2': 1}", "answers.E2", "not answered");
    assert_same_as_without("htiam-14", "{'A1': 20, 'A5': 'KZ', 'E1': 'no', 'E2': 1, 'E3': 19}",
                           "{'A1': 20, 'A5': 'KZ', 'E1': 'no'}", "E2,E3");
}

static void test_ht_other_type(void **state)
{
    (void)state;
    assert_applies("htiam-14", "{'A5': 'KZ', 'trafficking_types': ['other']}",
                   HT_A "," HT_CD "," HT_END ",trafficking_types_other", "");
    assert_applies("htiam-14", "{'A5': 'KZ', 'trafficking_types': ['sexual_child_no_force']}",
                   HT_A "," HT_CD "," HT_END, "");
    assert_applies("htiam-14",
                   "{'A5': 'KZ', 'trafficking_types': ['sexual_child_no_force'], 'trafficking_types_other': 'x'}",
                   HT_A "," HT_CD "," HT_END, "trafficking_types_other");
}

static void test_school_working_pupil(void **state)
{
    (void)state;
    char got[1024];
    json_t *r = scored("school-signs", "{'s5': 'yes'}", true);
    assert_non_null(strstr(ids(r, "applies", got, sizeof got), "s5,s6,s7,s8,s9"));
    json_decref(r);
    r = scored("school-signs", "{'s5': 'no', 's6': 'yes', 's9': 'no'}", true);
    assert_null(strstr(ids(r, "applies", got, sizeof got), "s6"));
    assert_null(strstr(got, "s9"));
    assert_non_null(strstr(got, "s5"));
    assert_string_equal(ids(r, "dropped", got, sizeof got), "s6,s9");
    json_decref(r);
}

/* The strict result carries "applies" and no "dropped"; with nothing to drop, both
 * modes agree. */
static void test_strict_lists_applies(void **state)
{
    (void)state;
    json_t *strict = scored("greenbaum-12", "{'q7': 'yes', 'q7_details': 'made-up'}", false);
    json_t *lenient = scored("greenbaum-12", "{'q7': 'yes', 'q7_details': 'made-up'}", true);
    char got[1024];
    assert_string_equal(ids(strict, "applies", got, sizeof got), GB_BASE ",q7_details,q8,q9,q10,q11,q12");
    assert_null(json_object_get(strict, "dropped"));
    assert_string_equal(ids(lenient, "dropped", got, sizeof got), "");
    assert_int_equal(json_object_del(lenient, "dropped"), 0);
    assert_true(json_equal(strict, lenient));
    json_decref(strict);
    json_decref(lenient);
}

/* Dropping never excuses a wrong answer or an unknown item. */
static void test_drop_still_validates(void **state)
{
    (void)state;
    const char *bad[][2] = {{"{'q1': 'maybe'}", "answers.q1"},
                            {"{'q7': 'no', 'q7_details': 5}", "answers.q7_details"},
                            {"{'zz9': 'yes'}", "answers.zz9"},
                            {"[]", "answers"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *a = jq(bad[i][0]), *out = NULL;
        qg_error err = {0};
        assert_int_equal(instrument_score_dropping(shipped("greenbaum-12"), a, &out, &err), QG_EINVAL);
        assert_null(out);
        assert_string_equal(err.field, bad[i][1]);
        json_decref(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gb_follow_ups),         cmocka_unit_test(test_ht_section_b),
        cmocka_unit_test(test_ht_e_follow_ups),       cmocka_unit_test(test_ht_other_type),
        cmocka_unit_test(test_school_working_pupil), cmocka_unit_test(test_strict_lists_applies),
        cmocka_unit_test(test_drop_still_validates),
    };
    return cmocka_run_group_tests(tests, qgt_shipped_load, qgt_shipped_free);
}
