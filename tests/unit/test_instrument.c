/*
 * test_instrument.c — unit tests of the instrument engine (src/core/instrument/instrument_load.c,
 * instrument_score.c) against the shipped files under instruments/ and small files
 * written by the tests themselves:
 *
 *   - greenbaum-12, the 12-question screen (manual L2219-2305): risk count, disclosure,
 *     the three-valued "incomplete", follow-up texts, accuracy and reading;
 *   - htiam-14, the assessment (manual L5485-5904): section B by citizenship, section
 *     maxima (C is misprinted "/1" at L5753), points, suggested classifications and
 *     the interviewer's final judgement;
 *   - every checklist, generically from its own definition, and the urgent needs of
 *     L3119-3126;
 *   - the loader's refusals, with the field at fault, and directory loading;
 *   - answer validation by type.
 *
 * Answers and expected JSON are written with single quotes (jq() turns them into
 * double quotes) to keep them readable.
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
#include "support/tmpdir.h"

/* The shipped set, loaded once for the group. */

/* ---- helpers ------------------------------------------------------------------------ */

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

/* Fails the test at the caller's file and line after printing the message. */
#define FAIL_AT(file, line, ...)                                                                  \
    do {                                                                                          \
        print_error(__VA_ARGS__);                                                                 \
        _fail(file, line);                                                                        \
    } while (0)

/* Asserts that v equals the JSON expected (written with '), printing both if not. */
#define assert_json(v, expected) assert_json_at((v), (expected), __FILE__, __LINE__)
static void assert_json_at(json_t *v, const char *expected, const char *file, int line)
{
    json_t *want = jq(expected);
    if (!json_equal(v, want)) {
        char *got = v ? json_dumps(v, JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
        char *exp = json_dumps(want, JSON_SORT_KEYS | JSON_ENCODE_ANY);
        print_error("expected %s\n     got %s\n", exp, got ? got : "(nothing)");
        free(got);
        free(exp);
        json_decref(want);
        _fail(file, line);
    }
    json_decref(want);
}

/* Sets every key of changes (JSON written with ') on obj; returns obj. */
static json_t *edit(json_t *obj, const char *changes)
{
    json_t *c = jq(changes);
    assert_int_equal(json_object_update(obj, c), 0);
    json_decref(c);
    return obj;
}

/* Removes key from obj (it must be there); returns obj. */
static json_t *drop(json_t *obj, const char *key)
{
    assert_int_equal(json_object_del(obj, key), 0);
    return obj;
}

static const instrument *shipped(const char *id)
{
    const instrument *inst = instrument_find(qgt_shipped, id, 0);
    if (!inst)
        fail_msg("instrument %s is not loaded", id);
    return inst;
}

/* Scores answers (stolen) with instrument id; the scoring must succeed. Caller owns the
 * result. */
#define score_ok(id, answers) score_ok_at((id), (answers), __FILE__, __LINE__)
static json_t *score_ok_at(const char *id, json_t *answers, const char *file, int line)
{
    qg_error err = {0};
    json_t *out = NULL;
    qg_code c = instrument_score(shipped(id), answers, &out, &err);
    if (c != QG_OK) {
        char *a = json_dumps(answers, JSON_SORT_KEYS);
        print_error("answers %s\n", a);
        free(a);
        json_decref(answers);
        FAIL_AT(file, line, "scoring failed: %s: %s\n", err.field, err.message);
    }
    json_decref(answers);
    if (!out || strcmp(json_string_value(json_object_get(out, "instrument")), id) != 0 ||
        !json_is_true(json_object_get(out, "not_a_diagnosis")))
        FAIL_AT(file, line, "result without instrument %s or not_a_diagnosis\n", id);
    return out;
}

/* Scores answers (stolen) and expects QG_EINVAL at field with a message containing
 * part. */
#define score_fail(id, answers, field, part)                                                      \
    score_fail_at((id), (answers), (field), (part), __FILE__, __LINE__)
static void score_fail_at(const char *id, json_t *answers, const char *field, const char *part,
                          const char *file, int line)
{
    qg_error err = {0};
    json_t *out = NULL;
    qg_code c = instrument_score(shipped(id), answers, &out, &err);
    json_decref(answers);
    if (c == QG_OK) {
        char *o = json_dumps(out, JSON_SORT_KEYS);
        print_error("unexpected result %s\n", o);
        free(o);
        json_decref(out);
        FAIL_AT(file, line, "scoring succeeded; expected an error at %s\n", field);
    }
    if (out || c != QG_EINVAL || err.code != QG_EINVAL)
        FAIL_AT(file, line, "code %d, expected QG_EINVAL and no result\n", (int)c);
    if (strcmp(err.field, field) != 0)
        FAIL_AT(file, line, "error at \"%s\" (%s), expected \"%s\"\n", err.field, err.message, field);
    if (!strstr(err.message, part))
        FAIL_AT(file, line, "message \"%s\" does not contain \"%s\"\n", err.message, part);
}

static const char *result_of(json_t *out) { return json_string_value(json_object_get(out, "result")); }

static long long int_of(json_t *out, const char *key)
{
    json_t *v = json_object_get(out, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* The reading is the definition's text for the result, in all three languages. */
static void assert_reading(const char *id, json_t *out)
{
    json_t *def = instrument_definition(shipped(id));
    json_t *want = json_object_get(json_object_get(def, "readings"), result_of(out));
    json_t *got = json_object_get(out, "reading");
    assert_non_null(want);
    assert_true(json_equal(got, want));
    static const char *const langs[] = {"kk", "ru", "en"};
    for (size_t i = 0; i < 3; i++) {
        const char *t = json_string_value(json_object_get(got, langs[i]));
        assert_non_null(t);
        assert_true(strlen(t) > 0);
    }
    json_decref(def);
}

/* ---- greenbaum-12 (manual L2219-2305) ------------------------------------------------ */

/* Every item of the screen answered "no" (Q5 "0 partners", L2256); the follow-up texts
 * (L2271-2305) do not apply. */
static json_t *gb_all_no(void)
{
    return jq("{'q1':'no','q2':'no','q3':'no','q4':'no','q5':'0','q6':'no',"
              "'q7':'no','q8':'no','q9':'no','q10':'no','q11':'no','q12':'no'}");
}

static const char *const GB_RISK[] = {"q1", "q2", "q3", "q4", "q5", "q6"};            /* L2233-2261 */
static const char *const GB_DIRECT[] = {"q7", "q8", "q9", "q10", "q11", "q12"}; /* L2265-2305 */

static void test_gb_all_no_is_negative(void **state)
{
    (void)state;
    json_t *out = score_ok("greenbaum-12", gb_all_no());
    assert_string_equal(result_of(out), "negative");
    assert_int_equal(int_of(out, "version"), 1);
    assert_int_equal(int_of(out, "risk_count"), 0);
    assert_json(json_object_get(out, "disclosures"), "[]");
    assert_json(json_object_get(out, "indicators"), "[]");
    assert_json(json_object_get(out, "unanswered"), "[]"); /* no qN_details: they do not apply */
    assert_json(json_object_get(out, "needs"), "[]");
    assert_null(json_object_get(out, "sections")); /* not a scored instrument */
    assert_null(json_object_get(out, "total"));
    assert_null(json_object_get(out, "suggested"));
    assert_null(json_object_get(out, "final"));
    assert_reading("greenbaum-12", out);
    json_decref(out);
}

/* The published accuracy of the six risk items (Greenbaum 2018, cited by fn 66,
 * L2263-2264) comes with every result. */
static void test_gb_accuracy(void **state)
{
    (void)state;
    json_t *out = score_ok("greenbaum-12", gb_all_no());
    json_t *acc = json_object_get(out, "accuracy");
    assert_non_null(acc);
    double sens = json_real_value(json_object_get(acc, "sensitivity"));
    double spec = json_real_value(json_object_get(acc, "specificity"));
    assert_true(json_is_real(json_object_get(acc, "sensitivity")));
    assert_true(sens > 0.8439 && sens < 0.8441);
    assert_true(spec > 0.5749 && spec < 0.5751);
    assert_non_null(json_object_get(json_object_get(acc, "population"), "kk"));
    assert_non_null(json_string_value(json_object_get(acc, "citation")));
    json_decref(out);
}

/* Q5 (L2254-2256): only "6-10" and ">10" partners count as a risk answer. */
static void test_gb_q5_counts_above_five(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        int count;
    } cases[] = {{"0", 0}, {"1-5", 0}, {"6-10", 1}, {">10", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *a = gb_all_no();
        json_object_set_new(a, "q5", json_string(cases[i].value));
        json_t *out = score_ok("greenbaum-12", a);
        assert_int_equal(int_of(out, "risk_count"), cases[i].count);
        assert_string_equal(result_of(out), "negative"); /* one risk answer alone */
        assert_json(json_object_get(out, "indicators"), cases[i].count ? "['q5']" : "[]");
        json_decref(out);
    }
    /* with one other risk answer, ">10" makes it positive and "1-5" does not */
    json_t *out = score_ok("greenbaum-12", edit(gb_all_no(), "{'q5':'>10','q1':'yes'}"));
    assert_string_equal(result_of(out), "positive");
    assert_int_equal(int_of(out, "risk_count"), 2);
    json_decref(out);
    out = score_ok("greenbaum-12", edit(gb_all_no(), "{'q5':'1-5','q1':'yes'}"));
    assert_string_equal(result_of(out), "negative");
    assert_int_equal(int_of(out, "risk_count"), 1);
    json_decref(out);
}

/* Each of Q1-Q6 alone is one risk answer: still "negative" (cut-off 2, source.note). */
static void test_gb_one_risk_is_negative(void **state)
{
    (void)state;
    for (size_t i = 0; i < 6; i++) {
        json_t *a = gb_all_no();
        json_object_set_new(a, GB_RISK[i], json_string(i == 4 ? "6-10" : "yes"));
        json_t *out = score_ok("greenbaum-12", a);
        assert_string_equal(result_of(out), "negative");
        assert_int_equal(int_of(out, "risk_count"), 1);
        json_t *ind = json_object_get(out, "indicators");
        assert_int_equal(json_array_size(ind), 1);
        assert_string_equal(json_string_value(json_array_get(ind, 0)), GB_RISK[i]);
        assert_json(json_object_get(out, "disclosures"), "[]");
        json_decref(out);
    }
}

/* Two or more risk answers: "positive"; risk_count counts them all. */
static void test_gb_two_risks_positive(void **state)
{
    (void)state;
    json_t *out = score_ok("greenbaum-12", edit(gb_all_no(), "{'q2':'yes','q3':'yes'}"));
    assert_string_equal(result_of(out), "positive");
    assert_int_equal(int_of(out, "risk_count"), 2);
    assert_json(json_object_get(out, "indicators"), "['q2','q3']");
    assert_json(json_object_get(out, "disclosures"), "[]");
    assert_reading("greenbaum-12", out);
    json_decref(out);

    out = score_ok("greenbaum-12", edit(gb_all_no(), "{'q1':'yes','q2':'yes','q3':'yes','q4':'yes',"
                                                      "'q5':'6-10','q6':'yes'}"));
    assert_string_equal(result_of(out), "positive");
    assert_int_equal(int_of(out, "risk_count"), 6);
    json_decref(out);
}

/* Any yes to Q7-Q12 (L2265-2305) is a disclosure, even with no risk answer. */
static void test_gb_each_direct_is_disclosure(void **state)
{
    (void)state;
    for (size_t i = 0; i < 6; i++) {
        json_t *a = gb_all_no();
        json_object_set_new(a, GB_DIRECT[i], json_string("yes"));
        json_t *out = score_ok("greenbaum-12", a);
        assert_string_equal(result_of(out), "disclosure");
        assert_int_equal(int_of(out, "risk_count"), 0);
        json_t *d = json_object_get(out, "disclosures");
        assert_int_equal(json_array_size(d), 1);
        assert_string_equal(json_string_value(json_array_get(d, 0)), GB_DIRECT[i]);
        /* its follow-up "Can you tell me about it?" now applies and is not answered */
        char details[32];
        snprintf(details, sizeof details, "%s_details", GB_DIRECT[i]);
        json_t *un = json_object_get(out, "unanswered");
        assert_int_equal(json_array_size(un), 1);
        assert_string_equal(json_string_value(json_array_get(un, 0)), details);
        assert_reading("greenbaum-12", out);
        json_decref(out);
    }
}

/* A disclosure needs nothing else: other items may stay unanswered. */
static void test_gb_disclosure_with_unanswered(void **state)
{
    (void)state;
    json_t *out = score_ok("greenbaum-12", jq("{'q9':'yes'}"));
    assert_string_equal(result_of(out), "disclosure");
    assert_int_equal(int_of(out, "risk_count"), 0);
    assert_json(json_object_get(out, "disclosures"), "['q9']");
    /* the follow-ups of unanswered questions are not listed: they may not apply */
    assert_json(json_object_get(out, "unanswered"),
                "['q1','q2','q3','q4','q5','q6','q7','q8','q9_details','q10','q11','q12']");
    json_decref(out);

    /* with its follow-up told */
    out = score_ok("greenbaum-12", jq("{'q11':'yes','q11_details':'Made-up account.\\nSecond line.'}"));
    assert_string_equal(result_of(out), "disclosure");
    assert_json(json_object_get(out, "indicators"), "['q11']");
    json_decref(out);
}

/* Disclosure outranks positive (source.note). */
static void test_gb_disclosure_outranks_positive(void **state)
{
    (void)state;
    json_t *out = score_ok("greenbaum-12",
                           edit(gb_all_no(), "{'q1':'yes','q4':'yes','q6':'yes','q12':'yes','q7':'yes'}"));
    assert_string_equal(result_of(out), "disclosure");
    assert_int_equal(int_of(out, "risk_count"), 3);
    assert_json(json_object_get(out, "disclosures"), "['q7','q12']");
    assert_json(json_object_get(out, "indicators"), "['q1','q4','q6','q7','q12']");
    json_decref(out);
}

/* Unanswered items are listed and never counted; a result they could still change is
 * "incomplete", never a false negative. */
static void test_gb_incomplete(void **state)
{
    (void)state;
    /* all no except Q12 missing: Q12 could still make it a disclosure */
    json_t *out = score_ok("greenbaum-12", drop(gb_all_no(), "q12"));
    assert_string_equal(result_of(out), "incomplete");
    assert_json(json_object_get(out, "unanswered"), "['q12']");
    assert_int_equal(int_of(out, "risk_count"), 0);
    assert_reading("greenbaum-12", out);
    json_decref(out);

    /* one risk answer and Q3 missing: Q3 could make it positive */
    out = score_ok("greenbaum-12", drop(edit(gb_all_no(), "{'q1':'yes'}"), "q3"));
    assert_string_equal(result_of(out), "incomplete");
    assert_json(json_object_get(out, "unanswered"), "['q3']");
    assert_int_equal(int_of(out, "risk_count"), 1); /* the missing one is not counted */
    json_decref(out);

    /* Q5 missing with one risk answer: Q5 could still count */
    out = score_ok("greenbaum-12", drop(edit(gb_all_no(), "{'q6':'yes'}"), "q5"));
    assert_string_equal(result_of(out), "incomplete");
    json_decref(out);

    /* no risk answer and one risk item missing: it cannot reach 2, nothing else is
     * open, so the negative stands */
    out = score_ok("greenbaum-12", drop(gb_all_no(), "q3"));
    assert_string_equal(result_of(out), "negative");
    assert_json(json_object_get(out, "unanswered"), "['q3']");
    json_decref(out);

    /* nothing answered at all */
    out = score_ok("greenbaum-12", jq("{}"));
    assert_string_equal(result_of(out), "incomplete");
    assert_int_equal(int_of(out, "risk_count"), 0);
    assert_int_equal(json_array_size(json_object_get(out, "unanswered")), 12);
    json_decref(out);
}

/* Only a negative becomes incomplete: a positive stays positive with Q7 missing. */
static void test_gb_positive_stays_positive(void **state)
{
    (void)state;
    json_t *out = score_ok("greenbaum-12", drop(edit(gb_all_no(), "{'q2':'yes','q4':'yes'}"), "q7"));
    assert_string_equal(result_of(out), "positive");
    assert_json(json_object_get(out, "unanswered"), "['q7']");
    assert_int_equal(int_of(out, "risk_count"), 2);
    json_decref(out);
}

/* A follow-up text (L2271 etc.) is refused unless its question was answered yes. */
static void test_gb_details_need_yes(void **state)
{
    (void)state;
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q7_details':'Lorem ipsum'}"), "answers.q7_details",
               "does not apply");
    score_fail("greenbaum-12", drop(edit(gb_all_no(), "{'q10_details':'Lorem ipsum'}"), "q10"),
               "answers.q10_details", "depends on an earlier item");
    score_fail("greenbaum-12", jq("{'q8_details':'Lorem ipsum'}"), "answers.q8_details",
               "depends on an earlier item");
    /* null is no answer, so it is not refused */
    json_t *out = score_ok("greenbaum-12", edit(gb_all_no(), "{'q7_details':null}"));
    assert_string_equal(result_of(out), "negative");
    json_decref(out);
}

/* ---- htiam-14 (manual L5485-5904) --------------------------------------------------- */

/* A complete, all-zero interview: age, citizenship (A5, L5560), every rating 0 (section
 * B only for a citizen of another country, L5564-5654) and E1 "no" (L5814-5840). */
static json_t *ht_base(const char *country, int age)
{
    json_t *a = jq("{'C1':0,'C2':0,'C3':0,'C4':0,'D1':0,'D2':0,'D3':0,'E1':'no'}");
    json_object_set_new(a, "A1", json_integer(age));
    json_object_set_new(a, "A5", json_string(country));
    if (strcmp(country, "KZ") != 0)
        edit(a, "{'B1':0,'B2':0,'B3':0,'B4':0}");
    return a;
}

static void test_ht_citizen_has_no_section_b(void **state)
{
    (void)state;
    /* A5 "KZ": section B does not apply, and an answer to it is refused by name */
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'B1':1}"), "answers.B1", "does not apply");
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'B4':0}"), "answers.B4", "does not apply");
    /* citizenship unknown: B waits for it */
    score_fail("htiam-14", drop(ht_base("UZ", 15), "A5"), "answers.B1", "depends on an earlier item");

    json_t *out = score_ok("htiam-14", ht_base("KZ", 15));
    assert_json(json_object_get(out, "sections"),
                "{'A':{'applicable':true,'score':0,'max':0},"
                "'B':{'applicable':false,'score':0,'max':12},"
                "'C':{'applicable':true,'score':0,'max':12},"
                "'D':{'applicable':true,'score':0,'max':9},"
                "'E':{'applicable':true,'score':0,'max':6}}");
    assert_int_equal(int_of(out, "total"), 0);
    assert_int_equal(int_of(out, "max"), 27); /* L5880-5886: without B, /27 */
    /* B is not asked, so not unanswered; text items of A are */
    json_t *un = json_object_get(out, "unanswered");
    for (size_t i = 0; i < json_array_size(un); i++)
        assert_true(json_string_value(json_array_get(un, i))[0] != 'B');
    json_decref(out);

    out = score_ok("htiam-14", ht_base("UZ", 15));
    assert_json(json_object_get(json_object_get(out, "sections"), "B"),
                "{'applicable':true,'score':0,'max':12}");
    assert_int_equal(int_of(out, "max"), 39); /* L5870-5886: with B, /39 */
    json_decref(out);
}

/* The loaded definition has C's maximum 12, not the "/1" misprinted at L5753, and the
 * maxima of L5872-5886: B 12, C 12, D 9, E 6; 39 with B and 27 without. */
static void test_ht_section_maxima(void **state)
{
    (void)state;
    json_t *def = instrument_definition(shipped("htiam-14"));
    json_t *secs = json_object_get(def, "sections");
    long long with_b = 0, without_b = 0;
    bool seen_c = false;
    for (size_t i = 0; i < json_array_size(secs); i++) {
        json_t *s = json_array_get(secs, i);
        const char *id = json_string_value(json_object_get(s, "id"));
        long long max = json_integer_value(json_object_get(s, "max"));
        with_b += max;
        without_b += strcmp(id, "B") ? max : 0;
        if (!strcmp(id, "B")) {
            assert_int_equal(max, 12);
            assert_json(json_object_get(s, "applies_when"), "{'item':'A5','ne':'KZ'}");
        } else if (!strcmp(id, "C")) {
            assert_int_equal(max, 12);
            seen_c = true;
        } else if (!strcmp(id, "D")) {
            assert_int_equal(max, 9);
        } else if (!strcmp(id, "E")) {
            assert_int_equal(max, 6);
        }
    }
    assert_true(seen_c);
    /* the "/1" is recorded in the "about" section, with the manual's line */
    json_t *errata = json_object_get(json_object_get(def, "about"), "errata");
    bool seen_l5753 = false;
    for (size_t i = 0; i < json_array_size(errata); i++) {
        json_t *e = json_array_get(errata, i);
        if (!strcmp(json_string_value(json_object_get(e, "manual_lines")), "L5753")) {
            seen_l5753 = true;
            assert_non_null(strstr(json_string_value(json_object_get(json_object_get(e, "manual"),
                                                                     "kk")),
                                   "/1"));
        }
    }
    assert_true(seen_l5753);
    assert_int_equal(with_b, 39);
    assert_int_equal(without_b, 27);
    json_decref(def);
}

/* Ratings 0..3 score their value, E1 yes = 3 / no = 0 (L5814-5840); totals per section. */
static void test_ht_points(void **state)
{
    (void)state;
    json_t *out = score_ok("htiam-14", edit(ht_base("UZ", 20), "{'B1':3,'B2':2,'B3':1,'B4':0,"
                                                                "'C1':3,'C2':3,'C3':3,'C4':3,"
                                                                "'D1':1,'D2':1,'D3':1,"
                                                                "'E1':'yes','E2':3,'E3':19}"));
    assert_json(json_object_get(out, "sections"),
                "{'A':{'applicable':true,'score':0,'max':0},"
                "'B':{'applicable':true,'score':6,'max':12},"
                "'C':{'applicable':true,'score':12,'max':12},"
                "'D':{'applicable':true,'score':3,'max':9},"
                "'E':{'applicable':true,'score':6,'max':6}}");
    assert_int_equal(int_of(out, "total"), 27);
    assert_int_equal(int_of(out, "max"), 39);
    json_decref(out);

    /* E1 no = 0; E1 yes = 3 (a child: E2 does not apply) */
    out = score_ok("htiam-14", ht_base("KZ", 15));
    assert_json(json_object_get(json_object_get(out, "sections"), "E"), "{'applicable':true,'score':0,'max':6}");
    json_decref(out);
    out = score_ok("htiam-14", edit(ht_base("KZ", 15), "{'E1':'yes','E3':14}"));
    assert_json(json_object_get(json_object_get(out, "sections"), "E"), "{'applicable':true,'score':3,'max':6}");
    assert_int_equal(int_of(out, "total"), 3);
    json_decref(out);

    /* a section B score does not count toward the total of a citizen */
    out = score_ok("htiam-14", edit(ht_base("KZ", 15), "{'C2':2,'D3':3}"));
    assert_int_equal(int_of(out, "total"), 5);
    json_decref(out);
}

/* A rating outside 0..3, an unknown item, and a key that could be a name. */
static void test_ht_answer_errors(void **state)
{
    (void)state;
    score_fail("htiam-14", edit(ht_base("UZ", 15), "{'B2':4}"), "answers.B2", "rating");
    score_fail("htiam-14", edit(ht_base("UZ", 15), "{'C3':-1}"), "answers.C3", "rating");
    score_fail("htiam-14", edit(ht_base("UZ", 15), "{'D1':1.5}"), "answers.D1", "rating");
    score_fail("htiam-14", edit(ht_base("UZ", 15), "{'D2':'2'}"), "answers.D2", "rating");
    score_fail("htiam-14", edit(ht_base("UZ", 15), "{'interviewer_rating':4}"), "answers.interviewer_rating",
               "rating");
    score_fail("htiam-14", edit(ht_base("UZ", 15), "{'Z9':1}"), "answers.Z9", "not an item");

    /* a key without digits may be a person's name typed in the wrong place: not echoed */
    qg_error err = {0};
    json_t *out = NULL;
    json_t *a = edit(ht_base("UZ", 15), "{'Lorem':'Ipsum'}");
    assert_int_equal(instrument_score(shipped("htiam-14"), a, &out, &err), QG_EINVAL);
    json_decref(a);
    assert_null(out);
    assert_string_equal(err.field, "answers");
    assert_null(strstr(err.message, "Lorem"));
    assert_null(strstr(err.message, "Ipsum"));

    /* A5 must be an ISO code */
    score_fail("htiam-14", edit(ht_base("UZ", 15), "{'A5':'Uzbekistan'}"), "answers.A5", "ISO 3166-1");
}

/* E2 (L5842-5853) is asked only of an adult who said yes to E1; E3 (L5855-5858) only
 * after E1 yes. */
static void test_ht_e_follow_ups(void **state)
{
    (void)state;
    score_fail("htiam-14", edit(ht_base("KZ", 17), "{'E1':'yes','E2':1}"), "answers.E2", "does not apply");
    score_fail("htiam-14", edit(ht_base("KZ", 25), "{'E1':'no','E2':1}"), "answers.E2", "does not apply");
    score_fail("htiam-14", edit(ht_base("KZ", 25), "{'E1':'no','E3':19}"), "answers.E3", "does not apply");
    score_fail("htiam-14", drop(edit(ht_base("KZ", 25), "{'E1':'yes','E2':1}"), "A1"), "answers.E2",
               "depends on an earlier item");
    score_fail("htiam-14", drop(edit(ht_base("KZ", 25), "{'E3':19}"), "E1"), "answers.E3",
               "depends on an earlier item");

    /* exactly 18 is an adult (source.note, L5857-5858) */
    json_t *out = score_ok("htiam-14", edit(ht_base("KZ", 18), "{'E1':'yes','E2':1,'E3':18}"));
    assert_string_equal(result_of(out), "indication");
    json_decref(out);
}

/* Indicators: every rated item at 2 or more, and E1 yes. */
static void test_ht_indicators(void **state)
{
    (void)state;
    json_t *out = score_ok("htiam-14", edit(ht_base("UZ", 16), "{'B1':2,'B2':1,'C4':3,'D3':2,'D1':1,"
                                                                "'E1':'yes','E3':15}"));
    assert_json(json_object_get(out, "indicators"), "['B1','C4','D3','E1']");
    json_decref(out);
    out = score_ok("htiam-14", edit(ht_base("UZ", 30), "{'C1':1,'E1':'yes','E2':2,'E3':20}"));
    assert_json(json_object_get(out, "indicators"), "['E1','E2']");
    json_decref(out);
    out = score_ok("htiam-14", edit(ht_base("UZ", 30), "{'B1':1,'C1':1,'D1':1}"));
    assert_json(json_object_get(out, "indicators"), "[]");
    json_decref(out);
}

#define expect_suggested(answers, result, suggested)                                              \
    expect_suggested_at((answers), (result), (suggested), __FILE__, __LINE__)
static void expect_suggested_at(json_t *answers, const char *result, const char *suggested,
                                const char *file, int line)
{
    json_t *out = score_ok_at("htiam-14", answers, file, line);
    if (strcmp(result_of(out), result) != 0)
        FAIL_AT(file, line, "result %s, expected %s\n", result_of(out), result);
    assert_json_at(json_object_get(out, "suggested"), suggested, file, line);
    assert_reading("htiam-14", out);
    json_decref(out);
}

/* The classifications suggested from sections B-E and the trafficking types at
 * L5890-5904. */
static void test_ht_suggested(void **state)
{
    (void)state;
    /* nothing: no_indication */
    expect_suggested(ht_base("UZ", 15), "no_indication", "['no_indication']");
    expect_suggested(edit(ht_base("KZ", 30), "{'C1':1,'C2':1,'C3':1,'C4':1,'D1':1,'D2':1,'D3':1}"),
                     "no_indication", "['no_indication']");

    /* child: E1 yes and started under 18 (E3), or, E3 missing, is under 18 (A1) */
    expect_suggested(edit(ht_base("KZ", 30), "{'E1':'yes','E3':15}"), "indication",
                     "['sex_trafficking_child']");
    expect_suggested(edit(ht_base("KZ", 16), "{'E1':'yes','E3':17}"), "indication",
                     "['sex_trafficking_child']");
    expect_suggested(edit(ht_base("KZ", 16), "{'E1':'yes'}"), "indication", "['sex_trafficking_child']");
    /* E3 answered wins over A1 */
    expect_suggested(edit(ht_base("KZ", 30), "{'E1':'yes','E2':0,'E3':16}"), "indication",
                     "['sex_trafficking_child']");

    /* adult start with force (E2 >= 2) */
    expect_suggested(edit(ht_base("KZ", 25), "{'E1':'yes','E2':2,'E3':19}"), "indication",
                     "['sex_trafficking_force']");
    expect_suggested(edit(ht_base("KZ", 25), "{'E1':'yes','E2':3,'E3':18}"), "indication",
                     "['sex_trafficking_force']");
    expect_suggested(edit(ht_base("KZ", 25), "{'E1':'yes','E2':3}"), "indication",
                     "['sex_trafficking_force']"); /* E3 missing: A1 25 */

    /* adult start without force, or force not answered: for review */
    expect_suggested(edit(ht_base("KZ", 25), "{'E1':'yes','E2':1,'E3':19}"), "indication",
                     "['commercial_sex_adult_review']");
    expect_suggested(edit(ht_base("KZ", 25), "{'E1':'yes','E2':0}"), "indication",
                     "['commercial_sex_adult_review']");
    expect_suggested(edit(ht_base("KZ", 25), "{'E1':'yes','E3':20}"), "indication",
                     "['commercial_sex_adult_review']");
    expect_suggested(edit(ht_base("KZ", 18), "{'E1':'yes'}"), "indication",
                     "['commercial_sex_adult_review']");

    /* labour: any B, C or D item at 2 or more */
    expect_suggested(edit(ht_base("UZ", 15), "{'B3':2}"), "indication", "['labour_trafficking']");
    expect_suggested(edit(ht_base("KZ", 15), "{'C2':3}"), "indication", "['labour_trafficking']");
    expect_suggested(edit(ht_base("KZ", 15), "{'D3':2}"), "indication", "['labour_trafficking']");

    /* several at once, in the order of the file */
    expect_suggested(edit(ht_base("UZ", 15), "{'B1':3,'E1':'yes','E3':12}"), "indication",
                     "['sex_trafficking_child','labour_trafficking']");

    /* a rating still missing could be labour: incomplete, nothing suggested yet */
    expect_suggested(drop(ht_base("KZ", 15), "C3"), "incomplete", "[]");
    /* but a known indication stands */
    expect_suggested(drop(edit(ht_base("KZ", 15), "{'D1':2}"), "C3"), "indication", "['labour_trafficking']");
    /* E1 yes with no age known at all: incomplete */
    expect_suggested(drop(edit(ht_base("KZ", 15), "{'E1':'yes'}"), "A1"), "incomplete", "[]");
}

/* The result is final only with the interviewer's rating (L5888) and the trafficking
 * types (L5890-5904); both are judgements, never "unanswered". */
static void test_ht_final(void **state)
{
    (void)state;
    json_t *out = score_ok("htiam-14", ht_base("KZ", 15));
    assert_false(json_is_true(json_object_get(out, "final")));
    assert_true(json_is_boolean(json_object_get(out, "final")));
    assert_json(json_object_get(out, "awaiting"), "['interviewer_rating','trafficking_types']");
    json_t *un = json_object_get(out, "unanswered");
    for (size_t i = 0; i < json_array_size(un); i++) {
        const char *id = json_string_value(json_array_get(un, i));
        assert_true(strcmp(id, "interviewer_rating") && strcmp(id, "trafficking_types") &&
                    strcmp(id, "nonverbal_notes"));
    }
    json_decref(out);

    out = score_ok("htiam-14", edit(ht_base("KZ", 15), "{'interviewer_rating':0}"));
    assert_false(json_is_true(json_object_get(out, "final")));
    assert_json(json_object_get(out, "awaiting"), "['trafficking_types']");
    json_decref(out);

    out = score_ok("htiam-14", edit(ht_base("KZ", 15), "{'trafficking_types':['not_victim']}"));
    assert_false(json_is_true(json_object_get(out, "final")));
    assert_json(json_object_get(out, "awaiting"), "['interviewer_rating']");
    json_decref(out);

    out = score_ok("htiam-14", edit(ht_base("KZ", 15), "{'interviewer_rating':3,"
                                                       "'trafficking_types':['labour','other'],"
                                                       "'trafficking_types_other':'Lorem ipsum'}"));
    assert_true(json_is_true(json_object_get(out, "final")));
    assert_json(json_object_get(out, "awaiting"), "[]");
    /* the interviewer's judgement changes no score */
    assert_int_equal(int_of(out, "total"), 0);
    assert_string_equal(result_of(out), "no_indication");
    json_decref(out);
}

static void test_ht_trafficking_types(void **state)
{
    (void)state;
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'trafficking_types':['labour','lorem']}"),
               "answers.trafficking_types", "options");
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'trafficking_types':['labour','labour']}"),
               "answers.trafficking_types", "distinct");
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'trafficking_types':[]}"), "answers.trafficking_types",
               "non-empty");
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'trafficking_types':'labour'}"),
               "answers.trafficking_types", "array");
    /* "other" text only with "other" ticked */
    score_fail("htiam-14",
               edit(ht_base("KZ", 15), "{'trafficking_types':['labour'],'trafficking_types_other':'x'}"),
               "answers.trafficking_types_other", "does not apply");
}

/* ---- checklists ---------------------------------------------------------------------- */

/* Evaluates the simple applies_when the checklists use ({"item": X, "eq": V}) against
 * the answers built so far. Fails on anything else, so the test cannot go wrong quietly. */
static bool checklist_applies(json_t *item, json_t *answers)
{
    json_t *cond = json_object_get(item, "applies_when");
    if (!cond)
        return true;
    json_t *ref = json_object_get(cond, "item"), *eq = json_object_get(cond, "eq");
    if (!json_is_string(ref) || !eq || json_object_size(cond) != 2)
        fail_msg("checklist item %s: condition this test cannot evaluate",
                 json_string_value(json_object_get(item, "id")));
    json_t *v = json_object_get(answers, json_string_value(ref));
    return v && json_equal(v, eq);
}

/* Answers every applicable item of a checklist so that none is an indicator: a yesno
 * item with indicator {"eq": X} gets the other answer, one without an indicator (a gate
 * like school-signs s5) gets "yes" so that its follow-ups are asked. */
static json_t *checklist_no_indicators(json_t *def)
{
    json_t *answers = json_object();
    json_t *items = json_object_get(def, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        const char *id = json_string_value(json_object_get(it, "id"));
        if (strcmp(json_string_value(json_object_get(it, "type")), "yesno") != 0)
            fail_msg("checklist item %s is not yesno", id);
        if (!checklist_applies(it, answers))
            continue;
        json_t *ind = json_object_get(it, "indicator");
        const char *value = "yes";
        if (ind) {
            const char *x = json_string_value(json_object_get(ind, "eq"));
            if (!x || json_object_size(ind) != 1)
                fail_msg("checklist item %s: indicator is not {\"eq\": ...}", id);
            value = strcmp(x, "yes") == 0 ? "no" : "yes";
        }
        json_object_set_new(answers, id, json_string(value));
    }
    return answers;
}

static void test_checklists(void **state)
{
    (void)state;
    json_t *list = instrument_set_list(qgt_shipped);
    json_t *all = json_object_get(list, "instruments");
    size_t checklists = 0, flipped_to_no = 0;
    for (size_t k = 0; k < json_array_size(all); k++) {
        json_t *summary = json_array_get(all, k);
        if (strcmp(json_string_value(json_object_get(summary, "kind")), "checklist") != 0)
            continue;
        const char *id = json_string_value(json_object_get(summary, "id"));
        checklists++;
        json_t *def = instrument_definition(shipped(id));

        json_t *base = checklist_no_indicators(def);
        json_t *out = score_ok(id, json_deep_copy(base));
        if (strcmp(result_of(out), "no_indicators") != 0)
            fail_msg("%s: all answered without an indicator gives %s", id, result_of(out));
        assert_json(json_object_get(out, "indicators"), "[]");
        assert_json(json_object_get(out, "unanswered"), "[]");
        assert_json(json_object_get(out, "needs"), "[]");
        assert_reading(id, out);
        json_decref(out);

        /* each indicator item alone */
        json_t *items = json_object_get(def, "items");
        for (size_t i = 0; i < json_array_size(items); i++) {
            json_t *it = json_array_get(items, i);
            json_t *ind = json_object_get(it, "indicator");
            const char *item_id = json_string_value(json_object_get(it, "id"));
            if (!ind || !json_object_get(base, item_id))
                continue;
            json_t *a = json_deep_copy(base);
            json_object_set(a, item_id, json_object_get(ind, "eq"));
            flipped_to_no += strcmp(json_string_value(json_object_get(ind, "eq")), "no") == 0;
            out = score_ok(id, a);
            if (strcmp(result_of(out), "indicators") != 0)
                fail_msg("%s: %s alone gives %s", id, item_id, result_of(out));
            json_t *got = json_object_get(out, "indicators");
            assert_int_equal(json_array_size(got), 1);
            assert_string_equal(json_string_value(json_array_get(got, 0)), item_id);
            json_t *needs = json_object_get(it, "needs");
            json_t *empty = json_array();
            assert_true(json_equal(json_object_get(out, "needs"), needs ? needs : empty));
            json_decref(empty);
            assert_reading(id, out);
            json_decref(out);
        }
        json_decref(base);
        json_decref(def);
    }
    assert_int_equal(checklists, 8);
    /* ilo-forced-labour has signs that are a "no" (f19, f20, f22, f23, f25, f26) */
    assert_int_equal(flipped_to_no, 6);
    json_decref(list);
}

/* ilo-forced-labour: a "no" can be the sign (e.g. f19); "yes" there is not. */
static void test_ilo_no_is_indicator(void **state)
{
    (void)state;
    json_t *def = instrument_definition(shipped("ilo-forced-labour"));
    json_t *base = checklist_no_indicators(def);
    json_decref(def);
    assert_string_equal(json_string_value(json_object_get(base, "f19")), "yes");
    json_t *out = score_ok("ilo-forced-labour", edit(json_deep_copy(base), "{'f19':'no','f25':'no'}"));
    assert_string_equal(result_of(out), "indicators");
    assert_json(json_object_get(out, "indicators"), "['f19','f25']");
    json_decref(out);
    /* all "no" is not "no indicators" there */
    json_t *all_no = json_object();
    for (int i = 1; i <= 26; i++) {
        char key[8];
        snprintf(key, sizeof key, "f%d", i);
        json_object_set_new(all_no, key, json_string("no"));
    }
    out = score_ok("ilo-forced-labour", all_no);
    assert_string_equal(result_of(out), "indicators");
    assert_int_equal(json_array_size(json_object_get(out, "indicators")), 6);
    json_decref(out);
    /* one sign missing with the rest clear: incomplete */
    out = score_ok("ilo-forced-labour", drop(base, "f26"));
    assert_string_equal(result_of(out), "incomplete");
    assert_json(json_object_get(out, "unanswered"), "['f26']");
    json_decref(out);
}

/* school-signs: s6-s9 are asked only when s5 (the child works) is yes. */
static void test_school_gate(void **state)
{
    (void)state;
    json_t *out = score_ok("school-signs", jq("{'s1':'no','s2':'no','s3':'no','s4':'no','s5':'no'}"));
    assert_string_equal(result_of(out), "no_indicators");
    assert_json(json_object_get(out, "unanswered"), "[]");
    json_decref(out);
    score_fail("school-signs", jq("{'s1':'no','s2':'no','s3':'no','s4':'no','s5':'no','s6':'yes'}"),
               "answers.s6", "does not apply");
    out = score_ok("school-signs", jq("{'s1':'no','s2':'no','s3':'no','s4':'no','s5':'yes'}"));
    assert_string_equal(result_of(out), "incomplete");
    assert_json(json_object_get(out, "unanswered"), "['s6','s7','s8','s9']");
    json_decref(out);
}

/* urgent-needs (L3119-3126): each sign suggests its urgent needs. */
static void test_urgent_needs(void **state)
{
    (void)state;
    static const struct {
        const char *item, *needs;
    } cases[] = {
        {"pregnancy", "['medical_care','nutrition']"}, /* L3120 */
        {"drug_use", "['addiction_treatment']"},       /* L3121 */
        {"injuries", "['medical_treatment']"},         /* L3122-3124 */
        {"malnutrition", "['food']"},                  /* L3125 */
        {"language", "['interpreter']"},               /* L3126 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *a = jq("{'pregnancy':'no','drug_use':'no','injuries':'no','malnutrition':'no',"
                       "'language':'no'}");
        json_object_set_new(a, cases[i].item, json_string("yes"));
        json_t *out = score_ok("urgent-needs", a);
        assert_string_equal(result_of(out), "indicators");
        assert_json(json_object_get(out, "needs"), cases[i].needs);
        json_decref(out);
    }
    json_t *out = score_ok("urgent-needs", jq("{'pregnancy':'yes','drug_use':'yes','injuries':'yes',"
                                              "'malnutrition':'yes','language':'yes'}"));
    assert_json(json_object_get(out, "needs"),
                "['medical_care','nutrition','addiction_treatment','medical_treatment','food',"
                "'interpreter']");
    json_decref(out);
    /* the same need from two signs is listed once (health-indicators i7, i11) */
    out = score_ok("health-indicators", jq("{'i7':'yes','i11':'yes'}"));
    assert_json(json_object_get(out, "needs"), "['medical_treatment']");
    json_decref(out);
}

/* ---- the shipped set ----------------------------------------------------------------- */

/* Every *.json file shipped loads on its own and is listed once. */
static void test_shipped_set(void **state)
{
    (void)state;
    static const char *const ids[] = {"greenbaum-12",       "health-6",          "health-indicators",
                                      "home-visit-signs",   "htiam-14",          "ilo-forced-labour",
                                      "newborn-sale-signs", "police-indicators", "school-signs",
                                      "urgent-needs"};
    json_t *list = instrument_set_list(qgt_shipped);
    json_t *all = json_object_get(list, "instruments");
    assert_int_equal(json_array_size(all), sizeof ids / sizeof ids[0]);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        json_t *s = json_array_get(all, i); /* sorted by id */
        assert_string_equal(json_string_value(json_object_get(s, "id")), ids[i]);
        assert_json(json_object_get(s, "versions"), "[1]");
        assert_int_equal(json_integer_value(json_object_get(s, "version")), 1);

        char path[512];
        snprintf(path, sizeof path, "%s/%s.v1.json", QG_INSTRUMENTS_DIR, ids[i]);
        instrument *one = NULL;
        qg_error err = {0};
        if (instrument_load_file(path, &one, &err) != QG_OK)
            fail_msg("%s: %s: %s", ids[i], err.field, err.message);
        assert_string_equal(instrument_id(one), ids[i]);
        assert_int_equal(instrument_version(one), 1);
        instrument_free(one);
    }
    /* greenbaum-12 lists its accuracy, a checklist none */
    assert_non_null(json_object_get(json_array_get(all, 0), "accuracy"));
    assert_null(json_object_get(json_array_get(all, 1), "accuracy"));
    json_decref(list);
}

/* Every rating item of every shipped instrument names a scale, so each point shows its
 * meaning; HTIAM-14's items use the manual's evidence scale (L5522-5525) and say what
 * they rate, the interviewer's own rating a scale of its own. */
static void test_shipped_scales(void **state)
{
    (void)state;
    json_t *list = instrument_set_list(qgt_shipped);
    json_t *all = json_object_get(list, "instruments");
    size_t ratings = 0;
    for (size_t i = 0; i < json_array_size(all); i++) {
        const char *id = json_string_value(json_object_get(json_array_get(all, i), "id"));
        json_t *def = instrument_definition(instrument_find(qgt_shipped, id, 0));
        json_t *items = json_object_get(def, "items");
        for (size_t k = 0; k < json_array_size(items); k++) {
            json_t *it = json_array_get(items, k);
            if (strcmp(json_string_value(json_object_get(it, "type")), "rating"))
                continue;
            ratings++;
            const char *scale = json_string_value(json_object_get(it, "scale"));
            if (!scale)
                fail_msg("%s: %s has no scale", id, json_string_value(json_object_get(it, "id")));
            assert_non_null(json_object_get(json_object_get(def, "scales"), scale));
        }
        json_decref(def);
    }
    assert_int_equal(ratings, 13); /* HTIAM-14: B1-B4, C1-C4, D1-D3, E2, interviewer_rating */
    json_decref(list);

    json_t *def = instrument_definition(shipped("htiam-14"));
    json_t *ev = json_object_get(json_object_get(def, "scales"), "evidence");
    static const char *const kk[] = {"дәлелдемелер жоқ", "азғантай дәлелдемелер",
                                     "орташа дәлелдемелер", "бұлтартпайтын дәлелдемелер"};
    for (size_t i = 0; i < 4; i++) {
        json_t *pt = json_array_get(json_object_get(ev, "points"), i);
        assert_int_equal(json_integer_value(json_object_get(pt, "value")), (json_int_t)i);
        assert_string_equal(json_string_value(json_object_get(json_object_get(pt, "label"), "kk")),
                            kk[i]);
    }
    json_t *items = json_object_get(def, "items");
    for (size_t k = 0; k < json_array_size(items); k++) {
        json_t *it = json_array_get(items, k);
        const char *scale = json_string_value(json_object_get(it, "scale"));
        const char *id = json_string_value(json_object_get(it, "id"));
        if (!scale)
            continue;
        if (!strcmp(id, "interviewer_rating")) {
            assert_string_equal(scale, "likelihood");
        } else {
            assert_string_equal(scale, "evidence");
            assert_non_null(json_object_get(it, "rates"));
        }
    }
    json_decref(def);
}

/* No label a person reads carries a manual line reference or a placeholder: "intro"'s
 * "[ұйымның атауына]" became "{org}", which the form fills with the user's organisation. */
static void test_shipped_labels(void **state)
{
    (void)state;
    json_t *def = instrument_definition(shipped("htiam-14"));
    const char *intro = json_string_value(json_object_get(json_object_get(def, "intro"), "kk"));
    assert_non_null(strstr(intro, "{org}"));
    assert_null(strchr(intro, '['));
    json_decref(def);
}

/* ---- answer validation --------------------------------------------------------------- */

static void test_answers_validation(void **state)
{
    (void)state;
    /* not an object */
    qg_error err = {0};
    json_t *out = NULL;
    json_t *arr = jq("['q1']");
    assert_int_equal(instrument_score(shipped("greenbaum-12"), arr, &out, &err), QG_EINVAL);
    json_decref(arr);
    assert_null(out);
    assert_string_equal(err.field, "answers");
    assert_int_equal(instrument_score(shipped("greenbaum-12"), NULL, &out, &err), QG_EINVAL);
    assert_string_equal(err.field, "answers");

    /* yesno is exactly "yes" or "no" */
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q1':'Yes'}"), "answers.q1", "\"yes\" or \"no\"");
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q2':true}"), "answers.q2", "\"yes\" or \"no\"");
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q3':1}"), "answers.q3", "\"yes\" or \"no\"");
    /* choice: one option value */
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q5':'5'}"), "answers.q5", "options");
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q5':['0']}"), "answers.q5", "options");
    /* number in min..max (A1 0..120) */
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'A1':121}"), "answers.A1", "range");
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'A1':-1}"), "answers.A1", "range");
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'A1':'15'}"), "answers.A1", "whole number");
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'A1':15.5}"), "answers.A1", "whole number");
    out = score_ok("htiam-14", edit(ht_base("KZ", 15), "{'A1':120}"));
    json_decref(out);
    out = score_ok("htiam-14", edit(ht_base("KZ", 15), "{'A1':0}"));
    json_decref(out);
    /* choice (A2) */
    score_fail("htiam-14", edit(ht_base("KZ", 15), "{'A2':'lorem'}"), "answers.A2", "options");

    /* text: no control characters (newline and tab are allowed), not empty, not too long */
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q7':'yes','q7_details':'Lorem\\u0001ipsum'}"),
               "answers.q7_details", "control characters");
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q7':'yes','q7_details':'Lorem\\u001bipsum'}"),
               "answers.q7_details", "control characters");
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q7':'yes','q7_details':'Lorem\\u0085ipsum'}"),
               "answers.q7_details", "control characters");
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q7':'yes','q7_details':''}"), "answers.q7_details",
               "non-empty");
    score_fail("greenbaum-12", edit(gb_all_no(), "{'q7':'yes','q7_details':7}"), "answers.q7_details",
               "text");
    char *longtext = malloc(2002);
    assert_non_null(longtext);
    memset(longtext, 'a', 2001);
    longtext[2001] = '\0';
    json_t *a = edit(gb_all_no(), "{'q7':'yes'}");
    json_object_set_new(a, "q7_details", json_string(longtext));
    score_fail("greenbaum-12", a, "answers.q7_details", "longer");
    longtext[2000] = '\0';
    a = edit(gb_all_no(), "{'q7':'yes'}");
    json_object_set_new(a, "q7_details", json_string(longtext));
    json_decref(score_ok("greenbaum-12", a));
    free(longtext);
    out = score_ok("greenbaum-12", edit(gb_all_no(), "{'q7':'yes','q7_details':'Бір\\nекі\\tүш'}"));
    assert_json(json_object_get(out, "unanswered"), "[]");
    json_decref(out);

    /* the error never carries the answer */
    err = (qg_error){0};
    a = edit(gb_all_no(), "{'q7':'yes','q7_details':'Lorem\\u0001ipsum'}");
    assert_int_equal(instrument_score(shipped("greenbaum-12"), a, &out, &err), QG_EINVAL);
    json_decref(a);
    assert_null(strstr(err.message, "Lorem"));

    /* null is the same as not answered */
    json_t *with_null = score_ok("greenbaum-12", edit(gb_all_no(), "{'q4':null}"));
    json_t *without = score_ok("greenbaum-12", drop(gb_all_no(), "q4"));
    assert_true(json_equal(with_null, without));
    assert_json(json_object_get(with_null, "unanswered"), "['q4']");
    assert_string_equal(result_of(with_null), "negative");
    json_decref(with_null);
    json_decref(without);
    with_null = score_ok("greenbaum-12", edit(gb_all_no(), "{'q12':null}"));
    assert_string_equal(result_of(with_null), "incomplete");
    json_decref(with_null);
}

/* ---- the loader ---------------------------------------------------------------------- */

#define T3 "{'kk':'мәтін','ru':'текст','en':'text'}"

/* A small valid checklist: two yesno signs. */
static json_t *tiny_def(void)
{
    return jq("{'format':1,'id':'t-one','version':1,'kind':'checklist','title':" T3 ","
              "'source':{'manual_lines':'L1-2','citation':'made up for a test'},'population':" T3 ","
              "'items':[{'id':'a1','type':'yesno','text':" T3 ",'source_lines':'L1','group':'signs',"
              "'indicator':{'eq':'yes'}},"
              "{'id':'a2','type':'yesno','text':" T3 ",'source_lines':'L2','group':'signs',"
              "'indicator':{'eq':'yes'}}],"
              "'results':[{'value':'indicators','when':{'count':'signs','ge':1}}],"
              "'default_result':'no_indicators',"
              "'readings':{'indicators':" T3 ",'no_indicators':" T3 ",'incomplete':" T3 "}}");
}

static json_t *tiny_item(json_t *def, size_t i) { return json_array_get(json_object_get(def, "items"), i); }

/* Writes def (stolen) as dir/name. */
static void write_def(const char *dir, const char *name, json_t *def)
{
    char path[QGT_TMPDIR_MAX + 64];
    assert_true(qgt_tmpdir_path(dir, name, path, sizeof path));
    assert_int_equal(json_dump_file(def, path, JSON_INDENT(1)), 0);
    json_decref(def);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[QGT_TMPDIR_MAX + 64];
    assert_true(qgt_tmpdir_path(dir, name, path, sizeof path));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

/* Loads def (stolen) from a file of its own in a fresh temporary directory. */
static qg_code try_load(json_t *def, qg_error *err)
{
    char dir[QGT_TMPDIR_MAX], path[QGT_TMPDIR_MAX + 64];
    assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
    write_def(dir, "t-one.v1.json", def);
    assert_true(qgt_tmpdir_path(dir, "t-one.v1.json", path, sizeof path));
    instrument *inst = (instrument *)&inst; /* must be reset */
    *err = (qg_error){0};
    qg_code c = instrument_load_file(path, &inst, err);
    if (c == QG_OK) {
        assert_non_null(inst);
        instrument_free(inst);
    } else {
        assert_null(inst);
    }
    qgt_tmpdir_remove(dir);
    return c;
}

#define expect_load_error(def, field, part) expect_load_error_at((def), (field), (part), __FILE__, __LINE__)
static void expect_load_error_at(json_t *def, const char *field, const char *part, const char *file,
                                 int line)
{
    qg_error err;
    qg_code c = try_load(def, &err);
    if (c == QG_OK)
        FAIL_AT(file, line, "the file loaded; expected an error at %s\n", field);
    if (c != QG_EINVAL)
        FAIL_AT(file, line, "code %d, expected QG_EINVAL\n", (int)c);
    if (strcmp(err.field, field) != 0)
        FAIL_AT(file, line, "error at \"%s\" (%s), expected \"%s\"\n", err.field, err.message, field);
    if (!strstr(err.message, part))
        FAIL_AT(file, line, "message \"%s\" does not contain \"%s\"\n", err.message, part);
}

static void test_load_tiny(void **state)
{
    (void)state;
    qg_error err;
    if (try_load(tiny_def(), &err) != QG_OK)
        fail_msg("the test's own file does not load: %s: %s", err.field, err.message);
}

static void test_load_not_json(void **state)
{
    (void)state;
    char dir[QGT_TMPDIR_MAX], path[QGT_TMPDIR_MAX + 64];
    assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
    write_text(dir, "t-one.v1.json", "{\"format\": 1, \"id\": ");
    write_text(dir, "t-dup.v1.json", "{\"format\": 1, \"format\": 1}");
    qg_error err = {0};
    instrument *inst = NULL;
    assert_true(qgt_tmpdir_path(dir, "t-one.v1.json", path, sizeof path));
    assert_int_equal(instrument_load_file(path, &inst, &err), QG_EINVAL);
    assert_null(inst);
    assert_string_equal(err.field, "file");
    assert_non_null(strstr(err.message, "not valid JSON"));
    /* a key twice is not taken silently */
    assert_true(qgt_tmpdir_path(dir, "t-dup.v1.json", path, sizeof path));
    assert_int_equal(instrument_load_file(path, &inst, &err), QG_EINVAL);
    assert_string_equal(err.field, "file");
    /* a file that is not there */
    assert_true(qgt_tmpdir_path(dir, "t-none.v1.json", path, sizeof path));
    assert_int_equal(instrument_load_file(path, &inst, &err), QG_EIO);
    assert_null(inst);
    qgt_tmpdir_remove(dir);
}

static void test_load_unknown_key(void **state)
{
    (void)state;
    expect_load_error(edit(tiny_def(), "{'colour':'red'}"), "file.colour", "unknown key");
    json_t *def = tiny_def();
    edit(tiny_item(def, 1), "{'weight':2}");
    expect_load_error(def, "items[1].weight", "unknown key");
    expect_load_error(drop(tiny_def(), "population"), "file.population", "is required");
    expect_load_error(edit(tiny_def(), "{'format':2}"), "format", "must be 1");
    expect_load_error(edit(tiny_def(), "{'kind':'quiz'}"), "kind", "checklist");
}

static void test_load_texts(void **state)
{
    (void)state;
    json_t *def = tiny_def();
    drop(json_object_get(def, "title"), "en");
    expect_load_error(def, "title.en", "is required");
    def = tiny_def();
    edit(json_object_get(def, "population"), "{'ru':''}");
    expect_load_error(def, "population.ru", "non-empty");
    def = tiny_def();
    edit(json_object_get(def, "title"), "{'de':'Text'}");
    expect_load_error(def, "title.de", "unknown key");
    def = tiny_def();
    edit(json_object_get(json_object_get(def, "readings"), "incomplete"), "{'kk':7}");
    expect_load_error(def, "readings.incomplete.kk", "non-empty");
    /* every result needs a reading, the "incomplete" one included */
    def = tiny_def();
    drop(json_object_get(def, "readings"), "incomplete");
    expect_load_error(def, "readings.incomplete", "reading");

    /* an item's text missing a language: the error names the item (see the report on
     * the exact path) */
    def = tiny_def();
    drop(json_object_get(tiny_item(def, 0), "text"), "kk");
    qg_error err;
    assert_int_equal(try_load(def, &err), QG_EINVAL);
    assert_true(strncmp(err.field, "items[0].", 9) == 0);
    assert_non_null(strstr(err.field, "kk"));
}

/* The labels a person reads: a manual line reference, a bracket or an unknown brace is
 * refused where it would be shown; "source" and "about" may carry line references. */
static void test_load_labels(void **state)
{
    (void)state;
    json_t *def = tiny_def();
    edit(json_object_get(tiny_item(def, 1), "text"), "{'ru':'Вопрос (L5753)'}");
    expect_load_error(def, "items[1].text.ru", "line reference");
    def = tiny_def();
    edit(def, "{'intro':{'kk':'[ұйымның атауына] жүгіну','ru':'x','en':'x'}}");
    expect_load_error(def, "intro.kk", "placeholder");
    def = tiny_def();
    edit(json_object_get(def, "readings"), "{'incomplete':{'kk':'x','ru':'x','en':'see {name}'}}");
    expect_load_error(def, "readings.incomplete.en", "brace");
    def = tiny_def();
    edit(tiny_item(def, 0), "{'note':{'kk':'x','ru':'x','en':'a note (L12-13)'}}");
    expect_load_error(def, "items[0].note.en", "line reference");

    qg_error err;
    def = tiny_def();
    edit(def, "{'intro':{'kk':'біздің ұйымға («{org}»)','ru':'x','en':'our organisation ({org})'}}");
    edit(json_object_get(def, "source"), "{'note':{'kk':'(L1) [x]','ru':'(L1)','en':'(L1)'}}");
    edit(def, "{'about':{'errata':[{'manual_lines':'L2','manual':" T3 ",'used':" T3 ",'why':"
              "{'kk':'(L1)','ru':'(L1)','en':'(L1)'}}]}}");
    if (try_load(def, &err) != QG_OK)
        fail_msg("%s: %s", err.field, err.message);
    def = tiny_def();
    edit(def, "{'about':{'errata':[{'manual_lines':'L2','manual':" T3 ",'used':" T3 "}]}}");
    expect_load_error(def, "about.errata[0].why", "is required");
    expect_load_error(edit(tiny_def(), "{'about':{'text':" T3 "}}"), "about.text", "unknown key");
}

/* A rating's scale: its points are exactly the item's min..max, each with a label in
 * three languages; only rating items have a scale or say what they rate. */
static void test_load_scales(void **state)
{
    (void)state;
#define SCALE "'scales':{'ev':{'source_lines':'L9','points':[{'value':0,'label':" T3 "},"   \
              "{'value':1,'label':" T3 "},{'value':2,'label':" T3 "},{'value':3,'label':" T3 "}]}}"
#define RATING(extra) "{'id':'r1','type':'rating','text':" T3 ",'source_lines':'L3'" extra "}"
    qg_error err;
    json_t *def = edit(tiny_def(), "{" SCALE "}");
    json_array_append_new(json_object_get(def, "items"), jq(RATING(",'scale':'ev','rates':" T3)));
    if (try_load(def, &err) != QG_OK)
        fail_msg("%s: %s", err.field, err.message);
    def = edit(tiny_def(), "{" SCALE "}");
    json_array_append_new(json_object_get(def, "items"), jq(RATING(",'scale':'ev','max':4")));
    expect_load_error(def, "items[2].scale", "min..max");
    def = edit(tiny_def(), "{" SCALE "}");
    json_array_append_new(json_object_get(def, "items"), jq(RATING(",'scale':'none'")));
    expect_load_error(def, "items[2].scale", "names no scale");
    def = edit(tiny_def(), "{" SCALE "}");
    edit(tiny_item(def, 0), "{'scale':'ev'}");
    expect_load_error(def, "items[0].scale", "only rating");
    def = edit(tiny_def(), "{" SCALE "}");
    edit(tiny_item(def, 0), "{'rates':" T3 "}");
    expect_load_error(def, "items[0].rates", "only rating");
    def = edit(tiny_def(), "{" SCALE "}");
    json_object_del(json_array_get(json_object_get(json_object_get(json_object_get(def, "scales"), "ev"),
                                                   "points"), 1), "label");
    expect_load_error(def, "scales.ev.points[1].label", "is required");
    def = edit(tiny_def(), "{" SCALE "}");
    edit(json_array_get(json_object_get(json_object_get(json_object_get(def, "scales"), "ev"), "points"), 1),
         "{'value':0}");
    expect_load_error(def, "scales.ev.points[1]", "rise");
#undef RATING
#undef SCALE
}

static void test_load_conditions(void **state)
{
    (void)state;
    /* a condition naming a later item, or itself */
    json_t *def = tiny_def();
    edit(tiny_item(def, 0), "{'applies_when':{'item':'a2','eq':'yes'}}");
    expect_load_error(def, "items[0].applies_when", "comes earlier");
    def = tiny_def();
    edit(tiny_item(def, 1), "{'applies_when':{'item':'a2','eq':'yes'}}");
    expect_load_error(def, "items[1].applies_when", "comes earlier");
    def = tiny_def();
    edit(tiny_item(def, 1), "{'applies_when':{'item':'nope','eq':'yes'}}");
    expect_load_error(def, "items[1].applies_when", "comes earlier");
    /* an earlier item is fine */
    def = tiny_def();
    edit(tiny_item(def, 1), "{'applies_when':{'item':'a1','eq':'yes'}}");
    qg_error err;
    assert_int_equal(try_load(def, &err), QG_OK);

    /* an operand that does not fit the item */
    def = tiny_def();
    edit(tiny_item(def, 1), "{'applies_when':{'item':'a1','eq':'maybe'}}");
    expect_load_error(def, "items[1].applies_when", "does not fit");
    def = tiny_def();
    edit(tiny_item(def, 1), "{'applies_when':{'item':'a1','ge':2}}");
    expect_load_error(def, "items[1].applies_when", "ordering");
    def = tiny_def();
    edit(tiny_item(def, 0), "{'indicator':{'eq':'maybe'}}");
    expect_load_error(def, "items[0].indicator", "does not fit");
    def = tiny_def();
    edit(tiny_item(def, 1), "{'applies_when':{'item':'a1','eq':'yes','ne':'no'}}");
    expect_load_error(def, "items[1].applies_when", "exactly one comparison");

    /* results: an unknown item, a group that does not exist */
    expect_load_error(edit(tiny_def(), "{'results':[{'value':'x','when':{'item':'zz','eq':'yes'}}]}"),
                      "results[0]", "comes earlier");
    expect_load_error(edit(tiny_def(), "{'results':[{'value':'x','when':{'count':'nope','ge':1}}]}"),
                      "results[0]", "group");
    /* {"suggested": ...} only with "suggest" */
    expect_load_error(edit(tiny_def(), "{'results':[{'value':'x','when':{'suggested':'any'}}]}"),
                      "results[0]", "results only");
}

/* A section's "max" must be what its items can give (the check that catches a misprint
 * such as C's "/1" at L5753). */
static void test_load_section_max(void **state)
{
    (void)state;
    char buf[256];
    for (int max = 1; max <= 3; max++) {
        json_t *def = tiny_def();
        snprintf(buf, sizeof buf, "{'sections':[{'id':'S','title':" T3 ",'max':%d,'source_lines':'L1'}]}",
                 max);
        edit(def, buf);
        edit(tiny_item(def, 0), "{'section':'S','points':{'yes':1,'no':0}}");
        edit(tiny_item(def, 1), "{'section':'S','points':{'yes':1,'no':0}}");
        if (max == 2) {
            qg_error err;
            if (try_load(def, &err) != QG_OK)
                fail_msg("%s: %s", err.field, err.message);
        } else {
            expect_load_error(def, "sections[0].max", "items give at most 2");
        }
    }
    /* an item naming a section that is not there */
    json_t *def = tiny_def();
    edit(tiny_item(def, 0), "{'section':'Q'}");
    expect_load_error(def, "items[0].section", "unknown section");
}

/* A section without items still has its condition checked (it is evaluated when the
 * section scores are reported): it used to load and then read outside the items. */
static void test_load_empty_section_condition(void **state)
{
    (void)state;
    const char *const conds[] = {"{'item':'nope','eq':'yes'}", "{'bogus':1}", "{'item':'a1','eq':'maybe'}"};
    const char *const fields[] = {"sections[0].applies_when", "sections[0].applies_when.bogus",
                                  "sections[0].applies_when"};
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        char buf[512];
        json_t *def = tiny_def();
        snprintf(buf, sizeof buf,
                 "{'sections':[{'id':'S','title':" T3 ",'max':0,'source_lines':'L1','applies_when':%s}]}",
                 conds[i]);
        edit(def, buf);
        expect_load_error(def, fields[i], "");
    }
    json_t *def = tiny_def();
    edit(def, "{'results':[{'value':'incomplete','when':{'item':'a1','eq':'yes'}}]}");
    expect_load_error(def, "results[0]", "incomplete");
}

static void test_load_duplicate_item(void **state)
{
    (void)state;
    json_t *def = tiny_def();
    edit(tiny_item(def, 1), "{'id':'a1'}");
    expect_load_error(def, "items[1]", "not unique");
}

/* Loads dir as a set and expects it to fail on file with field. */
static void expect_set_error(const char *dir, qg_code code, const char *file, const char *field)
{
    instrument_set *set = (instrument_set *)&set;
    char name[128] = "";
    qg_error err = {0};
    assert_int_equal(instrument_set_load(dir, &set, name, sizeof name, &err), code);
    assert_null(set);
    assert_string_equal(name, file);
    assert_string_equal(err.field, field);
}

static void test_load_dir_names(void **state)
{
    (void)state;
    static const char *const bad_names[] = {"notes.json", "t-one.json", "t-one.v0.json", "t-one.vx.json",
                                            "t-one.v1.JSON.json"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        char dir[QGT_TMPDIR_MAX];
        assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
        write_def(dir, "t-one.v1.json", tiny_def());
        write_def(dir, bad_names[i], tiny_def());
        expect_set_error(dir, QG_EINVAL, bad_names[i], "file");
        qgt_tmpdir_remove(dir);
    }

    /* other files are ignored */
    char dir[QGT_TMPDIR_MAX];
    assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
    write_def(dir, "t-one.v1.json", tiny_def());
    write_text(dir, "README.md", "# notes\n");
    write_text(dir, "t-one.v1.json~", "backup");
    instrument_set *set = NULL;
    qg_error err = {0};
    char name[128] = "";
    assert_int_equal(instrument_set_load(dir, &set, name, sizeof name, &err), QG_OK);
    assert_non_null(instrument_find(set, "t-one", 1));
    instrument_set_free(set);

    /* a broken file is named with the field at fault */
    write_def(dir, "t-two.v1.json", edit(edit(tiny_def(), "{'id':'t-two'}"), "{'colour':'red'}"));
    expect_set_error(dir, QG_EINVAL, "t-two.v1.json", "file.colour");
    qgt_tmpdir_remove(dir);

    /* an empty directory, a missing one */
    assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
    set = (instrument_set *)&set;
    assert_int_equal(instrument_set_load(dir, &set, name, sizeof name, &err), QG_EINVAL);
    assert_null(set);
    assert_string_equal(err.field, "instruments");
    qgt_tmpdir_remove(dir);
    assert_int_equal(instrument_set_load(dir, &set, NULL, 0, &err), QG_EIO);
    assert_null(set);
}

/* The id and version inside must match the file name. */
static void test_load_name_mismatch(void **state)
{
    (void)state;
    char dir[QGT_TMPDIR_MAX];
    assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
    write_def(dir, "t-two.v1.json", tiny_def()); /* id "t-one" inside */
    expect_set_error(dir, QG_EINVAL, "t-two.v1.json", "id");
    qgt_tmpdir_remove(dir);

    assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
    write_def(dir, "t-one.v2.json", tiny_def()); /* version 1 inside */
    expect_set_error(dir, QG_EINVAL, "t-one.v2.json", "id");
    qgt_tmpdir_remove(dir);
}

/* Old versions stay loadable beside the new one (stored screenings name theirs). */
static void test_load_versions(void **state)
{
    (void)state;
    char dir[QGT_TMPDIR_MAX];
    assert_true(qgt_tmpdir_make("instrument", dir, sizeof dir));
    write_def(dir, "t-one.v1.json", tiny_def());
    json_t *v2 = edit(tiny_def(), "{'version':2}");
    json_array_append_new(json_object_get(v2, "items"),
                          jq("{'id':'a3','type':'yesno','text':" T3 ",'source_lines':'L3','group':'signs',"
                             "'indicator':{'eq':'yes'}}"));
    write_def(dir, "t-one.v2.json", v2);
    write_def(dir, "t-other.v1.json", edit(tiny_def(), "{'id':'t-other'}"));

    instrument_set *set = NULL;
    qg_error err = {0};
    char name[128] = "";
    if (instrument_set_load(dir, &set, name, sizeof name, &err) != QG_OK)
        fail_msg("%s: %s: %s", name, err.field, err.message);

    const instrument *newest = instrument_find(set, "t-one", 0);
    const instrument *old = instrument_find(set, "t-one", 1);
    assert_non_null(newest);
    assert_non_null(old);
    assert_int_equal(instrument_version(newest), 2);
    assert_int_equal(instrument_version(old), 1);
    assert_ptr_equal(instrument_find(set, "t-one", 2), newest);
    assert_null(instrument_find(set, "t-one", 3));
    assert_null(instrument_find(set, "t-none", 0));
    assert_null(instrument_find(set, NULL, 0));
    assert_string_equal(instrument_id(old), "t-one");

    /* each version scores with its own items */
    json_t *out = NULL;
    json_t *a = jq("{'a1':'no','a2':'no','a3':'yes'}");
    assert_int_equal(instrument_score(old, a, &out, &err), QG_EINVAL);
    assert_string_equal(err.field, "answers.a3");
    assert_int_equal(instrument_score(newest, a, &out, &err), QG_OK);
    json_decref(a);
    assert_json(json_object_get(out, "indicators"), "['a3']");
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    json_decref(out);

    json_t *list = instrument_set_list(set);
    json_t *all = json_object_get(list, "instruments");
    assert_int_equal(json_array_size(all), 2);
    json_t *one = json_array_get(all, 0);
    assert_string_equal(json_string_value(json_object_get(one, "id")), "t-one");
    assert_int_equal(json_integer_value(json_object_get(one, "version")), 2);
    assert_json(json_object_get(one, "versions"), "[1,2]");
    assert_string_equal(json_string_value(json_object_get(one, "kind")), "checklist");
    assert_null(json_object_get(one, "accuracy"));
    assert_json(json_object_get(json_array_get(all, 1), "versions"), "[1]");
    json_decref(list);
    instrument_set_free(set);
    qgt_tmpdir_remove(dir);
}

/* ---- runner -------------------------------------------------------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_set),
        cmocka_unit_test(test_gb_all_no_is_negative),
        cmocka_unit_test(test_gb_accuracy),
        cmocka_unit_test(test_gb_q5_counts_above_five),
        cmocka_unit_test(test_gb_one_risk_is_negative),
        cmocka_unit_test(test_gb_two_risks_positive),
        cmocka_unit_test(test_gb_each_direct_is_disclosure),
        cmocka_unit_test(test_gb_disclosure_with_unanswered),
        cmocka_unit_test(test_gb_disclosure_outranks_positive),
        cmocka_unit_test(test_gb_incomplete),
        cmocka_unit_test(test_gb_positive_stays_positive),
        cmocka_unit_test(test_gb_details_need_yes),
        cmocka_unit_test(test_ht_citizen_has_no_section_b),
        cmocka_unit_test(test_ht_section_maxima),
        cmocka_unit_test(test_ht_points),
        cmocka_unit_test(test_ht_answer_errors),
        cmocka_unit_test(test_ht_e_follow_ups),
        cmocka_unit_test(test_ht_indicators),
        cmocka_unit_test(test_ht_suggested),
        cmocka_unit_test(test_ht_final),
        cmocka_unit_test(test_ht_trafficking_types),
        cmocka_unit_test(test_checklists),
        cmocka_unit_test(test_ilo_no_is_indicator),
        cmocka_unit_test(test_school_gate),
        cmocka_unit_test(test_urgent_needs),
        cmocka_unit_test(test_answers_validation),
        cmocka_unit_test(test_shipped_scales),
        cmocka_unit_test(test_shipped_labels),
        cmocka_unit_test(test_load_tiny),
        cmocka_unit_test(test_load_not_json),
        cmocka_unit_test(test_load_unknown_key),
        cmocka_unit_test(test_load_texts),
        cmocka_unit_test(test_load_labels),
        cmocka_unit_test(test_load_scales),
        cmocka_unit_test(test_load_conditions),
        cmocka_unit_test(test_load_section_max),
        cmocka_unit_test(test_load_empty_section_condition),
        cmocka_unit_test(test_load_duplicate_item),
        cmocka_unit_test(test_load_dir_names),
        cmocka_unit_test(test_load_name_mismatch),
        cmocka_unit_test(test_load_versions),
    };
    return cmocka_run_group_tests(tests, qgt_shipped_load, qgt_shipped_free);
}
