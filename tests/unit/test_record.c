/*
 * test_record.c — unit tests of the case forms' validation (src/core/case/record_forms.c,
 * through record_check): for each kind every required field missing, each wrong type,
 * each bad code, the dates (future, before the plan, more than 366 days, before 2000),
 * the length limits at and just over the maximum, unknown keys (never repeated in the
 * error), duplicate participants, goals without an owner, 0 and 51 goals, all eight
 * assessment elements. Also the split between codes in clear and sealed free text: no
 * free text in what is stored in clear, and the body rebuilt from the two parts. All
 * texts are made up.
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
#include <time.h>

#include <cmocka.h>

#include "core/case/record.h"
#include "core/case/record_forms.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

#define CANARY "Oydantap"

/* ---- helpers ----------------------------------------------------------------------- */

/* today + days in Kazakhstan (UTC+5, as the validators read it) as YYYY-MM-DD */
static void date_from_today(int days, char out[11])
{
    time_t t = time(NULL) + TEXT_KZ_UTC_OFFSET_S + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static json_t *date_json(int days_from_today)
{
    char d[11];
    date_from_today(days_from_today, d);
    return json_string(d);
}

/* A JSON string of n bytes: copies of unit, then 'x' to fill. */
static json_t *text_of(size_t n, const char *unit)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    size_t u = strlen(unit), i = 0;
    for (; i + u <= n; i += u)
        memcpy(s + i, unit, u);
    for (; i < n; i++)
        s[i] = 'x';
    s[n] = '\0';
    json_t *v = json_string(s);
    free(s);
    return v;
}

static json_t *parse(const char *text)
{
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(v);
    return v;
}

/* Sets obj[key] = v (stolen); returns obj for chaining. */
static json_t *with(json_t *obj, const char *key, json_t *v)
{
    assert_int_equal(json_object_set_new(obj, key, v), 0);
    return obj;
}

static json_t *without(json_t *obj, const char *key)
{
    assert_int_equal(json_object_del(obj, key), 0);
    return obj;
}

static void ok(const char *kind, json_t *body, const char *what)
{
    qg_error err = {0};
    qg_code c = record_check(kind, body, &err);
    if (c != QG_OK)
        fail_msg("%s: refused (%s: %s)", what, err.field, err.message);
    json_decref(body);
}

/* The body must be refused naming field, repeating neither CANARY nor secret. */
static void bad(const char *kind, json_t *body, const char *field, const char *secret, const char *what)
{
    qg_error err = {0};
    qg_code c = record_check(kind, body, &err);
    if (c != QG_EINVAL)
        fail_msg("%s: want QG_EINVAL naming %s, got %d", what, field, c);
    if (strcmp(err.field, field) != 0)
        fail_msg("%s: want field \"%s\", got \"%s\" (%s)", what, field, err.field, err.message);
    assert_true(err.message[0] != '\0');
    if (strstr(err.message, CANARY) || strstr(err.field, CANARY) || (secret && strstr(err.message, secret)))
        fail_msg("%s: the error repeats what was sent", what);
    json_decref(body);
}

/* ---- assessment ---------------------------------------------------------------------- */

/* A valid assessment: every element at level (no notes). */
static json_t *assessment(const char *level)
{
    json_t *elements = json_object();
    for (size_t i = 0; i < VOCAB_ASSESSMENT_ELEMENT.count; i++)
        with(elements, VOCAB_ASSESSMENT_ELEMENT.entries[i].code, json_pack("{s:s}", "level", level));
    return with(json_object(), "elements", elements);
}

static json_t *element(json_t *body, const char *code)
{
    return json_object_get(json_object_get(body, "elements"), code);
}

static void test_assessment_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < VOCAB_ASSESSMENT_LEVEL.count; i++)
        ok("assessment", assessment(VOCAB_ASSESSMENT_LEVEL.entries[i].code), "every level");
    json_t *b = assessment("not_assessed");
    with(element(b, "safety"), "notes", json_string(CANARY " lives with an aunt,\nsafe for now"));
    with(element(b, "housing"), "notes", text_of(RECORD_TEXT_MAX, "ә"));
    with(b, "summary", text_of(RECORD_SUMMARY_MAX, "x"));
    with(b, "assessed_on", date_json(0));
    with(b, "withheld_from_child", json_true());
    ok("assessment", b, "notes, summary, today, withheld");
    ok("assessment", with(assessment("urgent"), "assessed_on", json_string("2000-01-01")), "oldest date");
    ok("assessment", with(assessment("urgent"), "withheld_from_child", json_false()), "not withheld");
}

static void test_assessment_all_eight_elements(void **state)
{
    (void)state;
    for (size_t i = 0; i < VOCAB_ASSESSMENT_ELEMENT.count; i++) {
        const char *code = VOCAB_ASSESSMENT_ELEMENT.entries[i].code;
        char field[64];
        snprintf(field, sizeof field, "elements.%s", code);
        json_t *b = assessment("no_action");
        without(json_object_get(b, "elements"), code);
        bad("assessment", b, field, NULL, "an element left out");
        snprintf(field, sizeof field, "elements.%s.level", code);
        b = assessment("no_action");
        without(element(b, code), "level");
        bad("assessment", b, field, NULL, "a level left out");
        b = assessment("no_action");
        with(element(b, code), "level", json_string("terrible"));
        bad("assessment", b, field, "terrible", "an unknown level");
        b = assessment("no_action");
        with(element(b, code), "level", json_integer(2));
        bad("assessment", b, field, NULL, "a level as a number");
    }
    bad("assessment", json_object(), "elements", NULL, "no elements");
    bad("assessment", with(json_object(), "elements", json_array()), "elements", NULL, "elements as a list");
    bad("assessment", with(json_object(), "elements", json_object()), "elements.safety", NULL, "empty elements");
}

static void test_assessment_element_shape(void **state)
{
    (void)state;
    json_t *b = assessment("no_action");
    with(json_object_get(b, "elements"), CANARY, json_pack("{s:s}", "level", "urgent"));
    bad("assessment", b, "elements", NULL, "a ninth element");
    b = assessment("no_action");
    with(json_object_get(b, "elements"), "housing", json_string("urgent"));
    bad("assessment", b, "elements.housing", NULL, "an element that is not an object");
    b = assessment("no_action");
    with(element(b, "migration"), CANARY, json_string("x"));
    bad("assessment", b, "elements.migration", NULL, "an unknown key in an element");
    b = assessment("no_action");
    with(element(b, "health"), "notes", text_of(RECORD_TEXT_MAX + 1, "x"));
    bad("assessment", b, "elements.health.notes", NULL, "notes one byte too long");
    b = assessment("no_action");
    with(element(b, "health"), "notes", json_string(""));
    bad("assessment", b, "elements.health.notes", NULL, "empty notes");
    b = assessment("no_action");
    with(element(b, "risks"), "notes", json_integer(7));
    bad("assessment", b, "elements.risks.notes", NULL, "notes as a number");
    b = assessment("no_action");
    with(element(b, "risks"), "notes", json_string(CANARY "\x01"));
    bad("assessment", b, "elements.risks.notes", NULL, "a control character in notes");
}

static void test_assessment_body(void **state)
{
    (void)state;
    bad("assessment", with(assessment("urgent"), "summary", text_of(RECORD_SUMMARY_MAX + 1, "x")), "summary",
        NULL, "summary one byte too long");
    bad("assessment", with(assessment("urgent"), "summary", json_false()), "summary", NULL, "summary as a flag");
    bad("assessment", with(assessment("urgent"), "assessed_on", date_json(1)), "assessed_on", NULL, "tomorrow");
    bad("assessment", with(assessment("urgent"), "assessed_on", json_string("1999-12-31")), "assessed_on", NULL,
        "before 2000");
    bad("assessment", with(assessment("urgent"), "assessed_on", json_string("2025-02-30")), "assessed_on", NULL,
        "no such day");
    bad("assessment", with(assessment("urgent"), "assessed_on", json_string("15.01.2025")), "assessed_on", NULL,
        "another format");
    bad("assessment", with(assessment("urgent"), "assessed_on", json_integer(20250115)), "assessed_on", NULL,
        "a number");
    bad("assessment", with(assessment("urgent"), "withheld_from_child", json_string("yes")),
        "withheld_from_child", NULL, "withheld as text");
    bad("assessment", with(assessment("urgent"), "withheld_from_child", json_integer(1)), "withheld_from_child",
        NULL, "withheld as a number");
    bad("assessment", with(assessment("urgent"), CANARY, json_string("x")), "body", NULL, "unknown key");
    bad("assessment", with(assessment("urgent"), "version", json_integer(1)), "body", NULL,
        "version belongs to updates only");
    bad("assessment", json_array(), "body", NULL, "a list");
    bad("assessment", json_string(CANARY), "body", NULL, "a string");
}

/* ---- safety plan ---------------------------------------------------------------------- */

static json_t *safety_plan(void)
{
    json_t *b = parse("{\"current_risks\":\"Testgul risks\",\"prevention\":\"Testgul prevention\","
                      "\"if_threatened\":\"call the case manager\",\"child_view\":\"wants to stay at school\","
                      "\"options\":{\"escaped\":\"go to the crisis centre\"},"
                      "\"harm_channels\":{\"online\":\"block the accounts\"}}");
    return with(b, "review_on", date_json(30));
}

static void test_safety_valid(void **state)
{
    (void)state;
    ok("safety_plan", safety_plan(), "the smallest plan");
    json_t *b = safety_plan();
    with(b, "made_on", date_json(-10));
    with(b, "review_on", date_json(-10));
    ok("safety_plan", b, "review on the day it was made");
    b = safety_plan();
    with(b, "made_on", date_json(-5));
    with(b, "review_on", date_json(-5 + RECORD_REVIEW_DAYS_MAX));
    ok("safety_plan", b, "review exactly 366 days later");
    b = safety_plan();
    with(b, "made_on", json_string("2024-01-10"));
    with(b, "review_on", json_string("2024-02-01"));
    ok("safety_plan", b, "review already past");
    b = safety_plan();
    with(b, "triggers", json_string("loud voices;\nbreathing exercise"));
    with(b, "options", parse("{\"not_yet_out\":\"a\",\"escaped\":\"b\",\"rescued\":\"c\"}"));
    with(b, "harm_channels", parse("{\"in_person\":\"a\",\"online\":\"b\",\"phone\":\"c\"}"));
    with(b, "child_view", text_of(RECORD_TEXT_MAX, "ң"));
    with(b, "withheld_from_child", json_true());
    ok("safety_plan", b, "everything");
}

static void test_safety_required(void **state)
{
    (void)state;
    const char *texts[] = {"current_risks", "prevention", "if_threatened", "child_view"};
    for (size_t i = 0; i < 4; i++) {
        bad("safety_plan", without(safety_plan(), texts[i]), texts[i], NULL, "a required text left out");
        bad("safety_plan", with(safety_plan(), texts[i], json_string("")), texts[i], NULL, "an empty text");
        bad("safety_plan", with(safety_plan(), texts[i], json_integer(3)), texts[i], NULL, "a number");
        bad("safety_plan", with(safety_plan(), texts[i], text_of(RECORD_TEXT_MAX + 1, "x")), texts[i], NULL,
            "one byte too long");
    }
    bad("safety_plan", with(safety_plan(), "triggers", text_of(RECORD_TEXT_MAX + 1, "x")), "triggers", NULL,
        "triggers too long");
    bad("safety_plan", with(safety_plan(), "triggers", json_null()), "triggers", NULL, "triggers null");
    bad("safety_plan", without(safety_plan(), "review_on"), "review_on", NULL, "no review date");
    bad("safety_plan", without(safety_plan(), "options"), "options", NULL, "no options");
    bad("safety_plan", without(safety_plan(), "harm_channels"), "harm_channels", NULL, "no channels");
    bad("safety_plan", with(safety_plan(), CANARY, json_true()), "body", NULL, "unknown key");
}

static void test_safety_dates(void **state)
{
    (void)state;
    bad("safety_plan", with(safety_plan(), "made_on", date_json(1)), "made_on", NULL, "made tomorrow");
    bad("safety_plan", with(safety_plan(), "made_on", json_string("1999-06-01")), "made_on", NULL, "before 2000");
    json_t *b = safety_plan();
    with(b, "made_on", date_json(-3));
    with(b, "review_on", date_json(-4));
    bad("safety_plan", b, "review_on", NULL, "review before the plan");
    b = safety_plan();
    with(b, "made_on", date_json(-5));
    with(b, "review_on", date_json(-5 + RECORD_REVIEW_DAYS_MAX + 1));
    bad("safety_plan", b, "review_on", NULL, "review 367 days later");
    b = safety_plan();
    with(b, "made_on", json_string("2024-02-29"));
    with(b, "review_on", json_string("2025-03-01"));
    ok("safety_plan", b, "leap year: 366 days");
    b = safety_plan();
    with(b, "made_on", json_string("2024-02-28"));
    with(b, "review_on", json_string("2025-03-01"));
    bad("safety_plan", b, "review_on", NULL, "leap year: 367 days");
    bad("safety_plan", with(safety_plan(), "review_on", json_string("soon")), "review_on", NULL, "not a date");
    bad("safety_plan", with(safety_plan(), "review_on", json_string("2024-13-01")), "review_on", NULL,
        "month 13");
}

static void test_safety_maps(void **state)
{
    (void)state;
    const char *maps[] = {"options", "harm_channels"};
    const char *first[] = {"escaped", "online"};
    for (size_t i = 0; i < 2; i++) {
        char field[64];
        snprintf(field, sizeof field, "%s.%s", maps[i], first[i]);
        bad("safety_plan", with(safety_plan(), maps[i], json_object()), maps[i], NULL, "empty");
        bad("safety_plan", with(safety_plan(), maps[i], json_array()), maps[i], NULL, "a list");
        bad("safety_plan", with(safety_plan(), maps[i], json_string("x")), maps[i], NULL, "text");
        bad("safety_plan", with(safety_plan(), maps[i], json_pack("{s:s}", CANARY, "x")), maps[i], NULL,
            "an unknown code");
        bad("safety_plan", with(safety_plan(), maps[i], json_pack("{s:i}", first[i], 1)), field, NULL,
            "a number for a text");
        bad("safety_plan", with(safety_plan(), maps[i], json_pack("{s:s}", first[i], "")), field, NULL,
            "an empty text");
        bad("safety_plan", with(safety_plan(), maps[i], json_pack("{s:o}", first[i], text_of(RECORD_TEXT_MAX + 1, "x"))),
            field, NULL, "a text too long");
    }
    bad("safety_plan", with(safety_plan(), "options", json_pack("{s:s}", "online", "x")), "options", NULL,
        "a channel is not a situation");
    bad("safety_plan", with(safety_plan(), "harm_channels", json_pack("{s:s}", "rescued", "x")), "harm_channels",
        NULL, "a situation is not a channel");
}

/* ---- action plan ------------------------------------------------------------------------ */

static json_t *goal(void)
{
    json_t *g = parse("{\"term\":\"short\",\"goal\":\"Testgul goes back to school\",\"owner\":\"cm.one\"}");
    return with(g, "due_on", date_json(60));
}

static json_t *action_plan(size_t goals)
{
    json_t *list = json_array();
    for (size_t i = 0; i < goals; i++)
        json_array_append_new(list, goal());
    return with(json_object(), "goals", list);
}

static json_t *goal_at(json_t *body, size_t i) { return json_array_get(json_object_get(body, "goals"), i); }

static void test_action_valid(void **state)
{
    (void)state;
    ok("action_plan", action_plan(1), "one goal");
    ok("action_plan", action_plan(RECORD_GOALS_MAX), "fifty goals");
    json_t *b = action_plan(2);
    without(goal_at(b, 1), "owner");
    with(goal_at(b, 1), "owner_note", json_string("the school"));
    with(goal_at(b, 1), "term", json_string("long"));
    with(goal_at(b, 1), "due_on", json_string("2031-09-01"));
    with(goal_at(b, 0), "status", json_string("done"));
    with(goal_at(b, 0), "owner_note", text_of(RECORD_OWNER_NOTE_MAX, "x"));
    with(goal_at(b, 0), "goal", text_of(RECORD_GOAL_MAX, "x"));
    with(b, "made_on", date_json(0));
    with(b, "withheld_from_child", json_false());
    ok("action_plan", b, "owner note, long term, far due date, status");
    for (size_t i = 0; i < VOCAB_GOAL_STATUS.count; i++) {
        b = action_plan(1);
        with(goal_at(b, 0), "status", json_string(VOCAB_GOAL_STATUS.entries[i].code));
        ok("action_plan", b, "every goal status");
    }
}

static void test_action_goal_count(void **state)
{
    (void)state;
    bad("action_plan", action_plan(0), "goals", NULL, "no goals");
    bad("action_plan", action_plan(RECORD_GOALS_MAX + 1), "goals", NULL, "51 goals");
    bad("action_plan", json_object(), "goals", NULL, "goals left out");
    bad("action_plan", with(json_object(), "goals", goal()), "goals", NULL, "one goal, not a list");
    json_t *b = action_plan(1);
    json_array_append_new(json_object_get(b, "goals"), json_string("x"));
    bad("action_plan", b, "goals[1]", NULL, "a goal that is not an object");
}

static void test_action_goal_fields(void **state)
{
    (void)state;
    json_t *b = action_plan(3);
    with(goal_at(b, 2), CANARY, json_string("x"));
    bad("action_plan", b, "goals[2]", NULL, "an unknown key in a goal");
    bad("action_plan", (b = action_plan(1), without(goal_at(b, 0), "term"), b), "goals[0].term", NULL, "no term");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "term", json_string("medium")), b),
        "goals[0].term", "medium", "an unknown term");
    bad("action_plan", (b = action_plan(1), without(goal_at(b, 0), "goal"), b), "goals[0].goal", NULL, "no goal");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "goal", text_of(RECORD_GOAL_MAX + 1, "x")), b),
        "goals[0].goal", NULL, "goal too long");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "goal", json_integer(1)), b), "goals[0].goal",
        NULL, "goal as a number");
    bad("action_plan", (b = action_plan(2), without(goal_at(b, 1), "due_on"), b), "goals[1].due_on", NULL,
        "no due date");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "due_on", json_string("1999-12-31")), b),
        "goals[0].due_on", NULL, "due before 2000");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "due_on", json_string("next week")), b),
        "goals[0].due_on", NULL, "due not a date");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "status", json_string("stalled")), b),
        "goals[0].status", "stalled", "an unknown status");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "status", json_null()), b), "goals[0].status",
        NULL, "status null");
    bad("action_plan", with(action_plan(1), "made_on", date_json(1)), "made_on", NULL, "made tomorrow");
    bad("action_plan", with(action_plan(1), CANARY, json_integer(1)), "body", NULL, "unknown key");
}

static void test_action_goal_owner(void **state)
{
    (void)state;
    json_t *b = action_plan(2);
    without(goal_at(b, 1), "owner");
    bad("action_plan", b, "goals[1].owner", NULL, "neither owner nor owner_note");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "owner", json_integer(5)), b), "goals[0].owner",
        NULL, "owner as a number");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "owner", json_string("ab")), b), "goals[0].owner",
        NULL, "owner too short for a login");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "owner", text_of(65, "x")), b), "goals[0].owner",
        NULL, "owner too long for a login");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "owner", json_null()), b), "goals[0].owner",
        NULL, "owner null");
    bad("action_plan",
        (b = action_plan(1), with(goal_at(b, 0), "owner_note", text_of(RECORD_OWNER_NOTE_MAX + 1, "x")), b),
        "goals[0].owner_note", NULL, "owner_note too long");
    bad("action_plan", (b = action_plan(1), with(goal_at(b, 0), "owner_note", json_string("the\nschool")), b),
        "goals[0].owner_note", NULL, "owner_note on two lines");
    b = action_plan(1);
    without(goal_at(b, 0), "owner");
    with(goal_at(b, 0), "owner_note", json_string(""));
    bad("action_plan", b, "goals[0].owner_note", NULL, "an empty owner_note");
}

/* ---- interaction ------------------------------------------------------------------------- */

static json_t *interaction(void)
{
    return parse("{\"channel\":\"phone\",\"participants\":[\"child\",\"case_manager\"],"
                 "\"summary\":\"Testgul called about school\"}");
}

static void test_interaction_valid(void **state)
{
    (void)state;
    ok("interaction", interaction(), "smallest");
    for (size_t i = 0; i < VOCAB_CHANNEL.count; i++)
        ok("interaction", with(interaction(), "channel", json_string(VOCAB_CHANNEL.entries[i].code)), "channel");
    json_t *all = json_array();
    for (size_t i = 0; i < VOCAB_PARTICIPANT.count && i < RECORD_PARTICIPANTS_MAX; i++)
        json_array_append_new(all, json_string(VOCAB_PARTICIPANT.entries[i].code));
    assert_int_equal(json_array_size(all), RECORD_PARTICIPANTS_MAX);
    json_t *b = with(interaction(), "participants", all);
    with(b, "summary", text_of(RECORD_SUMMARY_MAX, "x"));
    with(b, "on", json_string("2025-01-15"));
    with(b, "withheld_from_child", json_true());
    ok("interaction", b, "sixteen participants, longest summary, a past date");
    ok("interaction", with(interaction(), "summary", json_string("line one\r\n\tline two")), "multiline");
}

static void test_interaction_refused(void **state)
{
    (void)state;
    bad("interaction", without(interaction(), "channel"), "channel", NULL, "no channel");
    bad("interaction", with(interaction(), "channel", json_string("pigeon")), "channel", "pigeon", "unknown channel");
    bad("interaction", with(interaction(), "channel", json_integer(1)), "channel", NULL, "channel as a number");
    bad("interaction", without(interaction(), "participants"), "participants", NULL, "no participants");
    bad("interaction", with(interaction(), "participants", json_array()), "participants", NULL, "empty list");
    bad("interaction", with(interaction(), "participants", json_string("child")), "participants", NULL,
        "not a list");
    bad("interaction", with(interaction(), "participants", parse("[\"child\",\"parent\",\"child\"]")),
        "participants[2]", NULL, "a participant twice");
    bad("interaction", with(interaction(), "participants", parse("[\"child\",\"" CANARY "\"]")), "participants[1]",
        NULL, "an unknown participant");
    bad("interaction", with(interaction(), "participants", parse("[3]")), "participants[0]", NULL, "a number");
    json_t *many = json_array();
    for (size_t i = 0; i < RECORD_PARTICIPANTS_MAX + 1; i++)
        json_array_append_new(many, json_string(VOCAB_PARTICIPANT.entries[i % VOCAB_PARTICIPANT.count].code));
    bad("interaction", with(interaction(), "participants", many), "participants", NULL, "seventeen");
    bad("interaction", without(interaction(), "summary"), "summary", NULL, "no summary");
    bad("interaction", with(interaction(), "summary", text_of(RECORD_SUMMARY_MAX + 1, "x")), "summary", NULL,
        "summary too long");
    bad("interaction", with(interaction(), "summary", json_string_nocheck("\xff\xfe")), "summary", NULL, "not UTF-8");
    bad("interaction", with(interaction(), "on", date_json(1)), "on", NULL, "tomorrow");
    bad("interaction", with(interaction(), "on", json_string("2025-1-5")), "on", NULL, "short date");
    bad("interaction", with(interaction(), "recorded_by", json_string(CANARY)), "body", NULL,
        "recorded_by is not sent");
    bad("interaction", with(interaction(), CANARY, json_string("x")), "body", NULL, "unknown key");
}

/* ---- kinds, and the split between clear and sealed ------------------------------------- */

static void test_kinds(void **state)
{
    (void)state;
    assert_string_equal(record_kind_for_segment("assessments"), "assessment");
    assert_string_equal(record_kind_for_segment("safety-plans"), "safety_plan");
    assert_string_equal(record_kind_for_segment("action-plans"), "action_plan");
    assert_string_equal(record_kind_for_segment("interactions"), "interaction");
    assert_null(record_kind_for_segment("safety_plans"));
    assert_null(record_kind_for_segment("screenings"));
    assert_null(record_kind_for_segment(NULL));
    qg_error err = {0};
    json_t *b = interaction();
    assert_int_equal(record_check("referral", b, &err), QG_EINVAL);
    assert_string_equal(err.field, "kind");
    assert_int_equal(record_check(NULL, b, &err), QG_EINVAL);
    json_decref(b);
}

/* Splits body (stolen) with kind's form; checks that the part in clear holds no
 * CANARY and the sealed part does, and that joining gives back want (stolen). */
static void split_and_join(const char *kind, json_t *body, json_t *want)
{
    const record_form *f = record_form_find(kind);
    assert_non_null(f);
    record_parts p;
    qg_error err = {0};
    if (record_form_read(f, body, &p, &err) != QG_OK)
        fail_msg("%s: refused (%s: %s)", kind, err.field, err.message);
    char *meta = json_dumps(p.meta, JSON_COMPACT), *sealed = json_dumps(p.sealed, JSON_COMPACT);
    assert_null(strstr(meta, CANARY));
    assert_non_null(strstr(sealed, CANARY));
    json_t *back = record_form_body(f, &p);
    if (!json_equal(back, want)) {
        char *got = json_dumps(back, JSON_COMPACT);
        fail_msg("%s: joined body differs: %s", kind, got);
    }
    free(meta);
    free(sealed);
    json_decref(back);
    json_decref(want);
    json_decref(body);
    record_parts_free(&p);
}

static void test_split_assessment(void **state)
{
    (void)state;
    json_t *b = assessment("needs_attention");
    with(element(b, "housing"), "level", json_string("urgent"));
    with(element(b, "housing"), "notes", json_string(CANARY " sleeps at a friend's"));
    with(b, "summary", json_string(CANARY " summary"));
    with(b, "assessed_on", json_string("2025-03-04"));
    json_t *want = json_deep_copy(b);
    with(want, "withheld_from_child", json_false());
    const record_form *f = record_form_find("assessment");
    record_parts p;
    qg_error err = {0};
    assert_int_equal(record_form_read(f, b, &p, &err), QG_OK);
    assert_string_equal(p.on, "2025-03-04");
    assert_string_equal(p.due, "");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p.meta, "levels"), "housing")), "urgent");
    assert_int_equal(json_object_size(json_object_get(p.meta, "levels")), 8);
    assert_int_equal(json_object_size(json_object_get(p.sealed, "elements")), 1); /* only those with notes */
    record_parts_free(&p);
    split_and_join("assessment", b, want);
}

static void test_split_safety_plan(void **state)
{
    (void)state;
    json_t *b = safety_plan();
    with(b, "made_on", json_string("2025-01-10"));
    with(b, "review_on", json_string("2025-02-10"));
    with(b, "triggers", json_string(CANARY " trigger"));
    with(b, "options", json_pack("{s:s, s:s}", "rescued", CANARY " r", "not_yet_out", "n"));
    with(b, "withheld_from_child", json_true());
    json_t *want = json_deep_copy(b);
    const record_form *f = record_form_find("safety_plan");
    record_parts p;
    qg_error err = {0};
    assert_int_equal(record_form_read(f, b, &p, &err), QG_OK);
    assert_string_equal(p.due, "2025-02-10");
    assert_true(p.withheld);
    /* the situations in the code list's order, whatever the body's */
    json_t *situations = json_object_get(p.meta, "situations");
    assert_int_equal(json_array_size(situations), 2);
    assert_string_equal(json_string_value(json_array_get(situations, 0)), "not_yet_out");
    assert_string_equal(json_string_value(json_array_get(situations, 1)), "rescued");
    assert_string_equal(json_string_value(json_array_get(json_object_get(p.meta, "harm_channels"), 0)), "online");
    record_parts_free(&p);
    split_and_join("safety_plan", b, want);
}

static void test_split_action_plan(void **state)
{
    (void)state;
    json_t *b = action_plan(2);
    with(goal_at(b, 0), "goal", json_string(CANARY " learns to read"));
    without(goal_at(b, 1), "owner");
    with(goal_at(b, 1), "owner_note", json_string("the school of " CANARY));
    with(goal_at(b, 1), "status", json_string("in_progress"));
    with(b, "made_on", json_string("2025-05-06"));
    json_t *want = json_deep_copy(b);
    with(goal_at(want, 0), "status", json_string("planned")); /* the default */
    with(want, "withheld_from_child", json_false());
    const record_form *f = record_form_find("action_plan");
    record_parts p;
    qg_error err = {0};
    assert_int_equal(record_form_read(f, b, &p, &err), QG_OK);
    json_t *m1 = json_array_get(json_object_get(p.meta, "goals"), 1);
    assert_true(json_is_null(json_object_get(m1, "owner")));
    assert_string_equal(json_string_value(json_object_get(m1, "status")), "in_progress");
    assert_null(json_object_get(m1, "goal"));
    record_parts_free(&p);
    split_and_join("action_plan", b, want);
}

static void test_split_interaction(void **state)
{
    (void)state;
    json_t *b = with(interaction(), "summary", json_string(CANARY " met at the centre"));
    with(b, "on", json_string("2025-07-08"));
    json_t *want = with(json_deep_copy(b), "withheld_from_child", json_false());
    split_and_join("interaction", b, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assessment_valid),
        cmocka_unit_test(test_assessment_all_eight_elements),
        cmocka_unit_test(test_assessment_element_shape),
        cmocka_unit_test(test_assessment_body),
        cmocka_unit_test(test_safety_valid),
        cmocka_unit_test(test_safety_required),
        cmocka_unit_test(test_safety_dates),
        cmocka_unit_test(test_safety_maps),
        cmocka_unit_test(test_action_valid),
        cmocka_unit_test(test_action_goal_count),
        cmocka_unit_test(test_action_goal_fields),
        cmocka_unit_test(test_action_goal_owner),
        cmocka_unit_test(test_interaction_valid),
        cmocka_unit_test(test_interaction_refused),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_split_assessment),
        cmocka_unit_test(test_split_safety_plan),
        cmocka_unit_test(test_split_action_plan),
        cmocka_unit_test(test_split_interaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
