/* record_forms.c — the shape of each case form: validation, the split between codes in
 * clear and sealed free text, and the way back (see record_forms.h); also record.h's
 * record_check and record_kind_for_segment, which need no storage. */
#include "core/case/record_forms.h"

#include <stdio.h>
#include <string.h>

#include "core/case/case_input.h"
#include "core/case/record.h"
#include "core/account/session.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

#define FIELD_SIZE QG_ERR_FIELD_MAX
#define LOGIN_MIN 3

static qg_code no_memory(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

/* ---- dates -------------------------------------------------------------------------- */

/* Returns the days from 1970-01-01 to date, a valid "YYYY-MM-DD" (H. Hinnant's
 * days_from_civil). */
static int64_t day_number(const char *date)
{
    int y = 0, m = 0, d = 0;
    text_parse_date(date, &y, &m, &d);
    y -= m <= 2;
    int64_t era = y / 400, year_of_era = y - era * 400;
    int64_t day_of_year = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

/* ---- reading one value --------------------------------------------------------------- */

/* The name of key inside prefix ("elements.safety" + "level"); prefix NULL is the body. */
static void field_name(const char *prefix, const char *key, char out[FIELD_SIZE])
{
    if (prefix)
        snprintf(out, FIELD_SIZE, "%s.%s", prefix, key);
    else
        snprintf(out, FIELD_SIZE, "%s", key);
}

static bool key_allowed(const char *key, const char *const *names, const vocab_list *codes)
{
    for (size_t i = 0; names && names[i]; i++)
        if (strcmp(names[i], key) == 0)
            return true;
    return codes && vocab_has(codes, key);
}

/* obj must be an object whose keys are all in names or codes; where names it in the
 * error, so that a key (which could be a name) is never repeated. */
static qg_code only_keys(json_t *obj, const char *const *names, const vocab_list *codes,
                         const char *where, qg_error *err)
{
    if (!json_is_object(obj))
        return qg_fail(err, QG_EINVAL, where, "body.not_object", "must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (!key_allowed(key, names, codes))
            return qg_fail(err, QG_EINVAL, where, "body.unknown_key",
                           "has a key that does not belong there");
    }
    return QG_OK;
}

/* Checks the free text obj[key] (absent is an error when required) and copies it into
 * into[key] when into is not NULL. */
static qg_code get_text(json_t *obj, const char *prefix, const char *key, size_t max,
                        bool multiline, bool required, json_t *into, qg_error *err)
{
    char field[FIELD_SIZE];
    field_name(prefix, key, field);
    json_t *v = json_object_get(obj, key);
    if (!v)
        return required ? qg_fail(err, QG_EINVAL, field, "value.required", "is required") : QG_OK;
    qg_code c = case_input_text(v, max, multiline, field, err);
    if (c == QG_OK && into && json_object_set(into, key, v) != 0)
        c = no_memory(err);
    return c;
}

/* Reads the code obj[key] of list into *out; absent is fallback, or an error when
 * fallback is NULL. */
static qg_code get_code(json_t *obj, const char *prefix, const char *key, const vocab_list *list,
                        const char *fallback, const char **out, qg_error *err)
{
    char field[FIELD_SIZE];
    field_name(prefix, key, field);
    json_t *v = json_object_get(obj, key);
    *out = v ? json_string_value(v) : fallback;
    if (!*out && !v)
        return qg_fail(err, QG_EINVAL, field, "value.required", "is required: a %s code",
                       list->name);
    if (!*out)
        return qg_fail(err, QG_EINVAL, field, "value.not_in_list", "must be a %s code",
                       list->name);
    return vocab_has(list, *out) ? QG_OK
                                 : qg_fail(err, QG_EINVAL, field, "value.not_in_list",
                                           "must be a %s code", list->name);
}

/* Reads the date obj[key] into out: absent is today unless required; never before
 * CASE_DATE_MIN; never after today when past_only. */
static qg_code get_date(json_t *obj, const char *prefix, const char *key, bool required,
                        bool past_only, char out[11], qg_error *err)
{
    char field[FIELD_SIZE];
    field_name(prefix, key, field);
    json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);
    int y, m, d;
    if (!v && required)
        return qg_fail(err, QG_EINVAL, field, "value.required", "is required: a date YYYY-MM-DD");
    if (!v) {
        text_today(out);
        return QG_OK;
    }
    if (!text_parse_date(s, &y, &m, &d))
        return qg_fail(err, QG_EINVAL, field, "date.format", "must be a date YYYY-MM-DD");
    if (strcmp(s, CASE_DATE_MIN) < 0)
        return qg_fail(err, QG_EINVAL, field, "date.too_early", "must not be before %s",
                       CASE_DATE_MIN);
    if (past_only && text_date_in_future(y, m, d))
        return qg_fail(err, QG_EINVAL, field, "date.in_future", "must not be in the future");
    snprintf(out, 11, "%s", s);
    return QG_OK;
}

/* A map from the codes of list to free texts (a safety plan's options and sources of
 * harm): at least one entry; the texts go to p->sealed[key], the codes, in the list's
 * order, to p->meta[meta_key]. */
static qg_code get_text_map(json_t *body, const char *key, const vocab_list *list,
                            const char *meta_key, record_parts *p, qg_error *err)
{
    json_t *map = json_object_get(body, key);
    if (!map)
        return qg_fail(err, QG_EINVAL, key, "list.text_required",
                       "is required: at least one %s code with its text", list->name);
    qg_code c = only_keys(map, NULL, list, key, err);
    if (c == QG_OK && json_object_size(map) == 0)
        c = qg_fail(err, QG_EINVAL, key, "list.text_required",
                    "needs at least one %s code with its text", list->name);
    json_t *texts = json_object(), *codes = json_array();
    if (c == QG_OK && (!texts || !codes))
        c = no_memory(err);
    for (size_t i = 0; c == QG_OK && i < list->count; i++) {
        const char *code = list->entries[i].code;
        if (!json_object_get(map, code))
            continue;
        c = get_text(map, key, code, RECORD_TEXT_MAX, true, true, texts, err);
        if (c == QG_OK && json_array_append_new(codes, json_string(code)) != 0)
            c = no_memory(err);
    }
    if (c == QG_OK &&
        (json_object_set(p->sealed, key, texts) || json_object_set(p->meta, meta_key, codes)))
        c = no_memory(err);
    json_decref(texts);
    json_decref(codes);
    return c;
}

/* Copies from[key] into to[key] when present. */
static void copy_key(json_t *to, json_t *from, const char *key)
{
    json_t *v = json_object_get(from, key);
    if (v)
        json_object_set(to, key, v);
}

/* ---- assessment (L2113–2129): a level for each of the eight elements ----------------- */

static qg_code assessment_element(json_t *elements, const char *code, record_parts *p,
                                  qg_error *err)
{
    static const char *const keys[] = {"level", "notes", NULL};
    char where[FIELD_SIZE];
    snprintf(where, sizeof where, "elements.%s", code);
    json_t *e = json_object_get(elements, code), *notes = json_object_get(e, "notes");
    const char *level = NULL;
    if (!e)
        return qg_fail(
            err, QG_EINVAL, where, "assessment.level_required",
            "is required: every element needs a level (not_assessed when it was not assessed)");
    qg_code c = only_keys(e, keys, NULL, where, err);
    if (c == QG_OK)
        c = get_code(e, where, "level", &VOCAB_ASSESSMENT_LEVEL, NULL, &level, err);
    if (c == QG_OK)
        c = get_text(e, where, "notes", RECORD_TEXT_MAX, true, false, NULL, err);
    if (c == QG_OK &&
        json_object_set_new(json_object_get(p->meta, "levels"), code, json_string(level)))
        c = no_memory(err);
    if (c == QG_OK && notes &&
        json_object_set_new(json_object_get(p->sealed, "elements"), code,
                            json_pack("{s:O}", "notes", notes)))
        c = no_memory(err);
    return c;
}

static qg_code assessment_split(json_t *body, record_parts *p, qg_error *err)
{
    json_t *elements = json_object_get(body, "elements");
    if (json_object_set_new(p->meta, "levels", json_object()) ||
        json_object_set_new(p->sealed, "elements", json_object()))
        return no_memory(err);
    if (!elements)
        return qg_fail(err, QG_EINVAL, "elements", "assessment.level_required",
                       "is required: a level for each of the eight elements");
    qg_code c = only_keys(elements, NULL, &VOCAB_ASSESSMENT_ELEMENT, "elements", err);
    for (size_t i = 0; c == QG_OK && i < VOCAB_ASSESSMENT_ELEMENT.count; i++)
        c = assessment_element(elements, VOCAB_ASSESSMENT_ELEMENT.entries[i].code, p, err);
    if (c == QG_OK)
        c = get_text(body, NULL, "summary", RECORD_SUMMARY_MAX, true, false, p->sealed, err);
    return c;
}

static json_t *assessment_join(const record_parts *p)
{
    json_t *levels = json_object_get(p->meta, "levels"),
           *notes = json_object_get(p->sealed, "elements");
    json_t *elements = json_object();
    json_t *body = json_pack("{s:o}", "elements", elements);
    for (size_t i = 0; body && i < VOCAB_ASSESSMENT_ELEMENT.count; i++) {
        const char *code = VOCAB_ASSESSMENT_ELEMENT.entries[i].code;
        json_t *level = json_object_get(levels, code);
        json_t *e = level ? json_pack("{s:O}", "level", level) : NULL;
        if (e)
            copy_key(e, json_object_get(notes, code), "notes");
        if (e)
            json_object_set_new(elements, code, e);
    }
    if (body)
        copy_key(body, p->sealed, "summary");
    return body;
}

/* ---- safety plan (L2131–2160) --------------------------------------------------------- */

/* What a safety plan must hold: the current risks, how to prevent harm, what to do if
 * safety is threatened (L2137–2142), and the child's own view (L2147–2154). */
static const char *const safety_texts[] = {"current_risks", "prevention", "if_threatened",
                                           "child_view", NULL};

/* The review date: required, not before the plan, within a year of it (a plan is
 * reviewed as the situation changes and regularly: L2133–2135, L2453). */
static qg_code review_date(json_t *body, record_parts *p, qg_error *err)
{
    qg_code c = get_date(body, NULL, "review_on", true, false, p->due, err);
    if (c != QG_OK)
        return c;
    int64_t days = day_number(p->due) - day_number(p->on);
    if (days < 0)
        return qg_fail(err, QG_EINVAL, "review_on", "review.before_made",
                       "must not be before made_on");
    if (days > RECORD_REVIEW_DAYS_MAX)
        return qg_fail(err, QG_EINVAL, "review_on", "review.too_late",
                       "must be at most %d days after made_on: a safety plan is reviewed regularly",
                       RECORD_REVIEW_DAYS_MAX);
    return QG_OK;
}

static qg_code safety_split(json_t *body, record_parts *p, qg_error *err)
{
    qg_code c = review_date(body, p, err);
    for (size_t i = 0; c == QG_OK && safety_texts[i]; i++)
        c = get_text(body, NULL, safety_texts[i], RECORD_TEXT_MAX, true, true, p->sealed, err);
    if (c == QG_OK) /* triggers and ways of coping (L2147–2154) */
        c = get_text(body, NULL, "triggers", RECORD_TEXT_MAX, true, false, p->sealed, err);
    if (c == QG_OK) /* options by the child's situation (L2147–2154) */
        c = get_text_map(body, "options", &VOCAB_SAFETY_SITUATION, "situations", p, err);
    if (c == QG_OK) /* in person, online, by phone (L2144–2145) */
        c = get_text_map(body, "harm_channels", &VOCAB_HARM_CHANNEL, "harm_channels", p, err);
    return c;
}

/* Everything a safety plan holds besides its dates is free text, all of it sealed. */
static json_t *safety_join(const record_parts *p) { return json_copy(p->sealed); }

/* ---- action plan (L2315–2329): short- and long-term goals, who does what ---------------- */

/* A goal names who does it: a user of the case's organisation (checked when stored) or
 * a note ("the school"), or both. */
static qg_code goal_owner(json_t *goal, const char *where, json_t *text, qg_error *err)
{
    char field[FIELD_SIZE];
    field_name(where, "owner", field);
    json_t *owner = json_object_get(goal, "owner");
    size_t len = json_is_string(owner) ? strlen(json_string_value(owner)) : 0;
    if (owner && (len < LOGIN_MIN || len > QG_LOGIN_MAX))
        return qg_fail(err, QG_EINVAL, field, "user.not_in_org",
                       "must be the login of a user of the case's organisation");
    qg_code c = get_text(goal, where, "owner_note", RECORD_OWNER_NOTE_MAX, false, false, text, err);
    if (c == QG_OK && !owner && !json_object_get(goal, "owner_note"))
        c = qg_fail(err, QG_EINVAL, field, "plan.owner_required",
                    "is required: say who does it (owner, a login, or owner_note)");
    return c;
}

static qg_code goal_split(json_t *goal, size_t i, json_t *metas, json_t *texts, qg_error *err)
{
    static const char *const keys[] = {"term",   "goal",   "owner", "owner_note",
                                       "due_on", "status", NULL};
    char where[FIELD_SIZE], due[11];
    snprintf(where, sizeof where, "goals[%zu]", i);
    const char *term = NULL, *status = NULL;
    json_t *text = json_object();
    qg_code c = text ? only_keys(goal, keys, NULL, where, err) : no_memory(err);
    if (c == QG_OK)
        c = get_code(goal, where, "term", &VOCAB_GOAL_TERM, NULL, &term, err);
    if (c == QG_OK)
        c = get_text(goal, where, "goal", RECORD_GOAL_MAX, true, true, text, err);
    if (c == QG_OK)
        c = goal_owner(goal, where, text, err);
    if (c == QG_OK)
        c = get_date(goal, where, "due_on", true, false, due, err);
    if (c == QG_OK)
        c = get_code(goal, where, "status", &VOCAB_GOAL_STATUS, "planned", &status, err);
    json_t *owner = json_object_get(goal, "owner");
    if (c == QG_OK && (json_array_append_new(metas, json_pack("{s:s, s:O, s:s, s:s}", "term", term,
                                                              "owner", owner ? owner : json_null(),
                                                              "due_on", due, "status", status)) ||
                       json_array_append(texts, text)))
        c = no_memory(err);
    json_decref(text);
    return c;
}

static qg_code action_split(json_t *body, record_parts *p, qg_error *err)
{
    json_t *goals = json_object_get(body, "goals"), *metas = json_array(), *texts = json_array();
    if (json_object_set_new(p->meta, "goals", metas) ||
        json_object_set_new(p->sealed, "goals", texts))
        return no_memory(err);
    if (!json_is_array(goals) || json_array_size(goals) < 1 ||
        json_array_size(goals) > RECORD_GOALS_MAX)
        return qg_fail(err, QG_EINVAL, "goals", "list.required",
                       "is required: a list of 1 to %d goals", RECORD_GOALS_MAX);
    qg_code c = QG_OK;
    for (size_t i = 0; c == QG_OK && i < json_array_size(goals); i++)
        c = goal_split(json_array_get(goals, i), i, metas, texts, err);
    return c;
}

static json_t *action_join(const record_parts *p)
{
    json_t *metas = json_object_get(p->meta, "goals"), *texts = json_object_get(p->sealed, "goals");
    json_t *goals = json_array(), *body = json_pack("{s:o}", "goals", goals);
    for (size_t i = 0; body && i < json_array_size(metas); i++) {
        json_t *m = json_array_get(metas, i), *t = json_array_get(texts, i);
        json_t *g = json_object();
        copy_key(g, m, "term");
        copy_key(g, t, "goal");
        if (json_is_string(json_object_get(m, "owner")))
            copy_key(g, m, "owner");
        copy_key(g, t, "owner_note");
        copy_key(g, m, "due_on");
        copy_key(g, m, "status");
        json_array_append_new(goals, g);
    }
    return body;
}

/* Inside the write transaction: is login an enabled, confirmed user of the case's
 * organisation? */
static qg_code owner_exists(db *conn, int64_t case_id, const char *login, bool *found,
                            qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT 1 FROM users u JOIN cases c ON c.org_id = u.org_id"
                             " WHERE c.id = ? AND u.login = ? AND u.disabled = 0 AND u.pending = 0",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, login);
    int rc = db_step(st, err);
    db_done(st);
    *found = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}

static qg_code goal_owners_check(db *conn, int64_t case_id, const record_parts *p, qg_error *err)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(p->meta, "goals"), i, g) {
        const char *login = json_string_value(json_object_get(g, "owner"));
        bool found = true;
        qg_code c = login ? owner_exists(conn, case_id, login, &found, err) : QG_OK;
        if (c != QG_OK)
            return c;
        if (!found) {
            char field[FIELD_SIZE];
            snprintf(field, sizeof field, "goals[%zu].owner", i);
            return qg_fail(err, QG_EINVAL, field, "user.not_in_org",
                           "is not an enabled user of the case's organisation");
        }
    }
    return QG_OK;
}

/* ---- interaction (L2431–2435): every contact, in person, by phone or online ----------- */

static qg_code participants_split(json_t *body, record_parts *p, qg_error *err)
{
    json_t *list = json_object_get(body, "participants"), *codes = json_array();
    if (json_object_set_new(p->meta, "participants", codes))
        return no_memory(err);
    if (!json_is_array(list) || json_array_size(list) < 1 ||
        json_array_size(list) > RECORD_PARTICIPANTS_MAX)
        return qg_fail(err, QG_EINVAL, "participants", "list.required",
                       "is required: a list of 1 to %d participant codes", RECORD_PARTICIPANTS_MAX);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *code = json_string_value(json_array_get(list, i));
        char field[FIELD_SIZE];
        snprintf(field, sizeof field, "participants[%zu]", i);
        if (!vocab_has(&VOCAB_PARTICIPANT, code))
            return qg_fail(err, QG_EINVAL, field, "value.not_in_list",
                           "must be a participant code");
        for (size_t k = 0; k < i; k++)
            if (strcmp(code, json_string_value(json_array_get(codes, k))) == 0)
                return qg_fail(err, QG_EINVAL, field, "list.duplicate", "is already in the list");
        if (json_array_append_new(codes, json_string(code)))
            return no_memory(err);
    }
    return QG_OK;
}

static qg_code interaction_split(json_t *body, record_parts *p, qg_error *err)
{
    const char *channel = NULL;
    qg_code c = get_code(body, NULL, "channel", &VOCAB_CHANNEL, NULL, &channel, err);
    if (c == QG_OK && json_object_set_new(p->meta, "channel", json_string(channel)))
        c = no_memory(err);
    if (c == QG_OK)
        c = participants_split(body, p, err);
    if (c == QG_OK)
        c = get_text(body, NULL, "summary", RECORD_SUMMARY_MAX, true, true, p->sealed, err);
    return c;
}

/* The channel and participants in clear, the summary sealed: together, the body. */
static json_t *interaction_join(const record_parts *p)
{
    json_t *body = json_copy(p->meta);
    if (body)
        copy_key(body, p->sealed, "summary");
    return body;
}

/* ---- the table ------------------------------------------------------------------------ */

static const char *const assessment_keys[] = {"assessed_on", "elements", "summary",
                                              "withheld_from_child", NULL};
static const char *const safety_keys[] = {"made_on", "review_on", "current_risks", "prevention",
                                          "if_threatened", "child_view", "triggers", "options",
                                          "harm_channels", "withheld_from_child", NULL};
static const char *const action_keys[] = {"made_on", "goals", "withheld_from_child", NULL};
static const char *const interaction_keys[] = {"on", "channel", "participants", "summary",
                                               "withheld_from_child", NULL};

static const record_form forms[] = {
    {"assessment", "assessments", "assessments", "assessed_on", NULL, false, assessment_keys,
     assessment_split, assessment_join, NULL},
    {"safety_plan", "safety-plans", "safety_plans", "made_on", "review_on", false, safety_keys,
     safety_split, safety_join, NULL},
    {"action_plan", "action-plans", "action_plans", "made_on", NULL, false, action_keys,
     action_split, action_join, goal_owners_check},
    {"interaction", "interactions", "interactions", "on", NULL, true, interaction_keys,
     interaction_split, interaction_join, NULL},
};

#define FORM_COUNT (sizeof forms / sizeof forms[0])

const record_form *record_form_find(const char *kind)
{
    for (size_t i = 0; kind && i < FORM_COUNT; i++)
        if (strcmp(forms[i].kind, kind) == 0)
            return &forms[i];
    return NULL;
}

const record_form *record_form_for_segment(const char *segment)
{
    for (size_t i = 0; segment && i < FORM_COUNT; i++)
        if (strcmp(forms[i].segment, segment) == 0)
            return &forms[i];
    return NULL;
}

/* withheld_from_child: absent is false (L2442–2444: children may see their records). */
static qg_code get_withheld(json_t *body, bool *out, qg_error *err)
{
    json_t *v = json_object_get(body, "withheld_from_child");
    *out = json_is_true(v);
    return !v || json_is_boolean(v) ? QG_OK
                                    : qg_fail(err, QG_EINVAL, "withheld_from_child",
                                              "value.not_boolean", "must be true or false");
}

qg_code record_form_read(const record_form *f, json_t *body, record_parts *p, qg_error *err)
{
    memset(p, 0, sizeof *p);
    p->meta = json_object();
    p->sealed = json_object();
    if (!p->meta || !p->sealed)
        return no_memory(err);
    qg_code c = only_keys(body, f->keys, NULL, "body", err);
    if (c == QG_OK)
        c = get_date(body, NULL, f->on_key, false, true, p->on, err);
    if (c == QG_OK)
        c = get_withheld(body, &p->withheld, err);
    if (c == QG_OK)
        c = f->split(body, p, err);
    return c;
}

json_t *record_form_body(const record_form *f, const record_parts *p)
{
    json_t *own = f->join(p), *body = json_pack("{s:s}", f->on_key, p->on);
    if (own && body && f->due_key)
        json_object_set_new(body, f->due_key, json_string(p->due));
    if (own && body && json_object_update(body, own) == 0 &&
        json_object_set_new(body, "withheld_from_child", json_boolean(p->withheld)) == 0) {
        json_decref(own);
        return body;
    }
    json_decref(own);
    json_decref(body);
    return NULL;
}

void record_parts_free(record_parts *p)
{
    json_decref(p->meta);
    json_decref(p->sealed);
    memset(p, 0, sizeof *p);
}

/* ---- record.h: the parts that need no storage ---------------------------------------- */

const char *record_kind_for_segment(const char *segment)
{
    const record_form *f = record_form_for_segment(segment);
    return f ? f->kind : NULL;
}

qg_code record_check(const char *kind, json_t *body, qg_error *err)
{
    const record_form *f = record_form_find(kind);
    record_parts p;
    if (!f)
        return qg_fail(err, QG_EINVAL, "kind", "value.not_in_list", "is not a kind of case record");
    qg_code c = record_form_read(f, body, &p, err);
    record_parts_free(&p);
    return c;
}
