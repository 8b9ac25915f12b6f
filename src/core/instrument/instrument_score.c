/*
 * instrument_score.c — validates one set of answers against an instrument and scores
 * it: which items apply, which answers are indicators, section scores and maxima,
 * suggested classifications and the result, with the three-valued logic of
 * instruments/README.md (an unanswered item that applies is "unknown", so a result
 * that unanswered items could still change is "incomplete", never a false negative).
 * An answer is accepted only for an item known to apply: a follow-up without its
 * question, or section B without the citizenship it depends on, is refused (or, for the
 * web form, dropped and listed). Every result lists the items that apply ("applies"), so
 * the web page shows the items this one engine chose and has no evaluator of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument/instrument_impl.h"
#include "base/text.h"
#include "core/vocab/vocab.h"
#include "base/alloc.h"

typedef enum { T_FALSE = 0, T_TRUE = 1, T_UNKNOWN = 2 } tri;

typedef struct {
    const instrument *inst;
    json_t **value; /* per item: the answer, NULL when not answered */
    tri *applies;   /* per item */
    tri *indic;     /* per item: is it an indicator */
    tri suggested;  /* some "suggest" entry holds */
    bool drop;      /* drop answers to items that do not apply instead of refusing them */
    bool *dropped;  /* per item: its answer was dropped */
} score_ctx;

static tri tri_of(bool b) { return b ? T_TRUE : T_FALSE; }

/* ---- answer validation ------------------------------------------------------------- */

/* Fails with field "answers.<id>". */
#define fail_item(err, id, reason, message) fail_item_at((err), (id), "" reason "", (message))
static qg_code fail_item_at(qg_error *err, const char *id, const char *reason,
                            const char *message)
{
    qg_fail_at(err, QG_EINVAL, NULL, reason, "%s", message);
    if (err)
        snprintf(err->field, sizeof err->field, "answers.%s", id);
    return QG_EINVAL;
}

/* An unknown key is named only when it looks like an item id (letters, digits, _ and
 * at least one digit): any other key could be a person's name typed in the wrong place. */
static qg_code unknown_item(const char *key, qg_error *err)
{
    size_t n = strlen(key);
    bool digit = false, plain = n > 0 && n <= 32;
    for (size_t i = 0; plain && i < n; i++) {
        char c = key[i];
        digit = digit || (c >= '0' && c <= '9');
        plain =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (plain && digit)
        return fail_item(err, key, "answer.unknown_item", "is not an item of this instrument");
    return qg_fail(err, QG_EINVAL, "answers", "answer.unknown_item",
                   "names an item this instrument does not have");
}

static bool valid_multi(const inst_item *it, json_t *v)
{
    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > json_array_size(it->options))
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e) || !inst_has_option(it, json_string_value(e)))
            return false;
        for (size_t j = 0; j < i; j++)
            if (json_equal(e, json_array_get(v, j)))
                return false;
    }
    return true;
}

static bool in_range(const inst_item *it, json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= it->min &&
           json_integer_value(v) <= it->max;
}

/* Returns the message for a wrong answer, or NULL when v fits the item. */
/* Checks the answer v to item it, failing with field "answers.<id>". */
static qg_code check_answer(const inst_item *it, json_t *v, qg_error *err)
{
    const char *s = json_string_value(v);
    const char *id = it->id;
    switch (it->type) {
    case IT_YESNO:
        return s && (!strcmp(s, "yes") || !strcmp(s, "no"))
                   ? QG_OK
                   : fail_item(err, id, "answer.not_yes_no", "must be \"yes\" or \"no\"");
    case IT_RATING:
        return in_range(it, v) ? QG_OK
                               : fail_item(err, id, "number.out_of_range",
                                           "must be a whole-number rating within the item's range");
    case IT_NUMBER:
        return in_range(it, v) ? QG_OK
                               : fail_item(err, id, "number.out_of_range",
                                           "must be a whole number within the item's range");
    case IT_CHOICE:
        return s && inst_has_option(it, s) ? QG_OK
                                           : fail_item(err, id, "value.not_in_list",
                                                       "must be one of the item's options");
    case IT_MULTI:
        return valid_multi(it, v) ? QG_OK
                                  : fail_item(err, id, "answer.options",
                                              "must be a non-empty array of distinct options");
    case IT_COUNTRY:
        return s && vocab_has(&VOCAB_COUNTRY, s) ? QG_OK
                                                 : fail_item(err, id, "value.not_in_list",
                                                             "must be an ISO 3166-1 alpha-2 code");
    case IT_TEXT:
        if (!s || json_string_length(v) == 0)
            return fail_item(err, id, "text.empty",
                             "must be non-empty text (leave it out or null when not answered)");
        if (json_string_length(v) > it->max_length)
            return fail_item(err, id, "text.too_long", "is longer than the item allows");
        return text_utf8_valid(s, true)
                   ? QG_OK
                   : fail_item(err, id, "text.invalid_characters",
                               "must be UTF-8 text without control characters");
    }
    return fail_item(err, id, "internal.failure", "has an unknown type");
}

static qg_code read_answers(score_ctx *c, json_t *answers, qg_error *err)
{
    if (!json_is_object(answers))
        return qg_fail(err, QG_EINVAL, "answers", "body.shape",
                       "must be an object of item ids to answers");
    const char *key;
    json_t *v;
    json_object_foreach(answers, key, v) {
        int i = inst_item_index(c->inst, key);
        if (i < 0)
            return unknown_item(key, err);
        if (json_is_null(v))
            continue;
        qg_code bad = check_answer(&c->inst->items[i], v, err);
        if (bad != QG_OK)
            return bad;
        c->value[i] = v;
    }
    return QG_OK;
}

/* ---- conditions -------------------------------------------------------------------- */

static bool has_value(json_t *list, json_t *v)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        if (json_equal(e, v))
            return true;
    }
    return false;
}

static bool compare_int(long long a, const char *op, long long b)
{
    if (!strcmp(op, "eq"))
        return a == b;
    if (!strcmp(op, "ne"))
        return a != b;
    if (!strcmp(op, "lt"))
        return a < b;
    if (!strcmp(op, "le"))
        return a <= b;
    if (!strcmp(op, "gt"))
        return a > b;
    return a >= b; /* "ge": the loader admits no other */
}

/* Compares an answer with an operand (both checked by the loader and read_answers). */
static bool compare(json_t *value, const char *op, json_t *operand)
{
    if (!strcmp(op, "in"))
        return has_value(operand, value);
    if (!strcmp(op, "has"))
        return has_value(value, operand);
    if (json_is_integer(value))
        return compare_int(json_integer_value(value), op, json_integer_value(operand));
    bool same = json_equal(value, operand);
    return !strcmp(op, "eq") ? same : !same;
}

static const char *const OPS[] = {"eq", "ne", "in", "lt", "le", "gt", "ge", "has", NULL};

static const char *op_of(json_t *cond)
{
    for (size_t i = 0; OPS[i]; i++)
        if (json_object_get(cond, OPS[i]))
            return OPS[i];
    return NULL;
}

static tri eval_item_cond(const score_ctx *c, json_t *cond)
{
    json_t *names = json_object_get(cond, "item"), *answered = json_object_get(cond, "answered");
    size_t n = json_is_array(names) ? json_array_size(names) : 1;
    bool pending = false;
    for (size_t k = 0; k < n; k++) {
        json_t *name = json_is_array(names) ? json_array_get(names, k) : names;
        int i = inst_item_index(c->inst, json_string_value(name));
        if (c->applies[i] == T_FALSE)
            continue;
        if (!c->value[i]) {
            pending = true;
            continue;
        }
        if (answered)
            return tri_of(json_is_true(answered));
        const char *op = op_of(cond);
        return tri_of(compare(c->value[i], op, json_object_get(cond, op)));
    }
    if (answered)
        return tri_of(!json_is_true(answered));
    return pending ? T_UNKNOWN : T_FALSE;
}

/* How many items of group are indicators: known ones, and ones still unknown. */
static void count_group(const score_ctx *c, const char *group, int *known, int *open)
{
    *known = *open = 0;
    for (size_t i = 0; i < c->inst->nitems; i++) {
        const inst_item *it = &c->inst->items[i];
        if (!it->group || strcmp(it->group, group) != 0)
            continue;
        *known += c->indic[i] == T_TRUE;
        *open += c->indic[i] == T_UNKNOWN;
    }
}

static tri eval_count(const score_ctx *c, json_t *cond)
{
    int known, open;
    count_group(c, json_string_value(json_object_get(cond, "count")), &known, &open);
    const char *op = op_of(cond);
    long long bound = json_integer_value(json_object_get(cond, op));
    bool some_true = false, some_false = false;
    for (int n = known; n <= known + open; n++) {
        bool r = compare_int(n, op, bound);
        some_true = some_true || r;
        some_false = some_false || !r;
    }
    return some_true && some_false ? T_UNKNOWN : tri_of(some_true);
}

static tri eval(const score_ctx *c, json_t *cond);

static tri eval_list(const score_ctx *c, json_t *list, bool all)
{
    tri acc = all ? T_TRUE : T_FALSE;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        tri t = eval(c, e);
        if (t == (all ? T_FALSE : T_TRUE))
            return t;
        if (t == T_UNKNOWN)
            acc = T_UNKNOWN;
    }
    return acc;
}

/* Evaluates a condition the loader has checked. */
static tri eval(const score_ctx *c, json_t *cond)
{
    json_t *v;
    if ((v = json_object_get(cond, "all")))
        return eval_list(c, v, true);
    if ((v = json_object_get(cond, "any")))
        return eval_list(c, v, false);
    if ((v = json_object_get(cond, "not"))) {
        tri t = eval(c, v);
        return t == T_UNKNOWN ? T_UNKNOWN : tri_of(t == T_FALSE);
    }
    if (json_object_get(cond, "count"))
        return eval_count(c, cond);
    if ((v = json_object_get(cond, "indicator")))
        return c->indic[inst_item_index(c->inst, json_string_value(v))];
    if (json_object_get(cond, "suggested"))
        return c->suggested;
    return eval_item_cond(c, cond);
}

static tri eval_optional(const score_ctx *c, json_t *cond) { return cond ? eval(c, cond) : T_TRUE; }

static tri and3(tri a, tri b)
{
    if (a == T_FALSE || b == T_FALSE)
        return T_FALSE;
    return a == T_TRUE && b == T_TRUE ? T_TRUE : T_UNKNOWN;
}

/* Works out, in item order, which items apply and which answers are indicators. An
 * answer to an item that does not surely apply is an error naming it, or in drop mode
 * is dropped (and marked). */
static qg_code settle_items(score_ctx *c, qg_error *err)
{
    for (size_t i = 0; i < c->inst->nitems; i++) {
        const inst_item *it = &c->inst->items[i];
        tri sec =
            it->section >= 0 ? eval_optional(c, c->inst->sections[it->section].applies) : T_TRUE;
        c->applies[i] = and3(sec, eval_optional(c, it->applies));
        if (c->applies[i] != T_TRUE && c->value[i] && c->drop) {
            c->value[i] = NULL; /* as if not given: later conditions see it unanswered */
            c->dropped[i] = true;
        }
        if (c->applies[i] == T_FALSE && c->value[i])
            return fail_item(err, it->id, "answer.not_applicable",
                             "does not apply given the other answers");
        if (c->applies[i] == T_UNKNOWN && c->value[i])
            return fail_item(err, it->id, "answer.depends_on_unanswered",
                             "depends on an earlier item that is not answered");
        if (!it->indicator || c->applies[i] == T_FALSE)
            c->indic[i] = T_FALSE;
        else if (!c->value[i])
            c->indic[i] = T_UNKNOWN;
        else {
            const char *op = op_of(it->indicator);
            c->indic[i] = tri_of(compare(c->value[i], op, json_object_get(it->indicator, op)));
        }
    }
    return QG_OK;
}

/* ---- the result -------------------------------------------------------------------- */

static long long item_points(const score_ctx *c, size_t i)
{
    const inst_item *it = &c->inst->items[i];
    json_t *v = c->value[i];
    if (!it->points || !v || c->applies[i] == T_FALSE)
        return 0;
    if (it->type == IT_RATING)
        return json_integer_value(v);
    return json_integer_value(json_object_get(it->points, json_string_value(v)));
}

static void add_sections(const score_ctx *c, json_t *out)
{
    json_t *secs = json_object();
    long long total = 0, max = 0;
    for (size_t s = 0; s < c->inst->nsections; s++) {
        const inst_section *sec = &c->inst->sections[s];
        bool applicable = eval_optional(c, sec->applies) != T_FALSE;
        long long score = 0;
        for (size_t i = 0; i < c->inst->nitems; i++)
            if (c->inst->items[i].section == (int)s)
                score += item_points(c, i);
        json_object_set_new(secs, sec->id,
                            json_pack("{s:b, s:I, s:I}", "applicable", applicable, "score",
                                      (json_int_t)score, "max", (json_int_t)sec->max));
        total += applicable ? score : 0;
        max += applicable ? sec->max : 0;
    }
    for (size_t i = 0; i < c->inst->nitems; i++) {
        if (c->inst->items[i].section < 0 && c->applies[i] != T_FALSE) {
            total += item_points(c, i);
            max += c->inst->items[i].max_points;
        }
    }
    if (c->inst->nsections)
        json_object_set_new(out, "sections", secs);
    else
        json_decref(secs);
    if (c->inst->scored) {
        json_object_set_new(out, "total", json_integer(total));
        json_object_set_new(out, "max", json_integer(max));
    }
}

static json_t *suggested_list(score_ctx *c)
{
    json_t *rules = json_object_get(c->inst->def, "suggest"), *list = json_array();
    size_t i;
    json_t *r;
    c->suggested = T_FALSE;
    json_array_foreach(rules, i, r) {
        tri t = eval(c, json_object_get(r, "when"));
        if (t == T_TRUE)
            json_array_append(list, json_object_get(r, "value"));
        if (t != T_FALSE && c->suggested != T_TRUE)
            c->suggested = t;
    }
    if (c->suggested == T_FALSE)
        json_array_append(list, json_object_get(c->inst->def, "suggest_none"));
    return list;
}

/* The first result whose condition is true; else the default, unless an earlier
 * condition was unknown: then "incomplete". */
static const char *result_of(const score_ctx *c)
{
    json_t *rules = json_object_get(c->inst->def, "results");
    bool unknown = false;
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        tri t = eval(c, json_object_get(r, "when"));
        if (t == T_TRUE)
            return json_string_value(json_object_get(r, "value"));
        unknown = unknown || t == T_UNKNOWN;
    }
    return unknown ? "incomplete"
                   : json_string_value(json_object_get(c->inst->def, "default_result"));
}

static json_t *ids_where(const score_ctx *c, const char *group, bool unanswered)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->inst->nitems; i++) {
        const inst_item *it = &c->inst->items[i];
        bool pick = unanswered ? (c->applies[i] == T_TRUE && !c->value[i] && !it->judgement)
                               : (c->indic[i] == T_TRUE &&
                                  (!group || (it->group && !strcmp(it->group, group))));
        if (pick)
            json_array_append_new(list, json_string(it->id));
    }
    return list;
}

/* The ids of the items that apply (true, not unknown), in item order: the items a form
 * shows. With drop, also the ids of the answers that were dropped. */
static void add_applies(const score_ctx *c, json_t *out)
{
    json_t *applies = json_array(), *dropped = c->drop ? json_array() : NULL;
    for (size_t i = 0; i < c->inst->nitems; i++) {
        if (c->applies[i] == T_TRUE)
            json_array_append_new(applies, json_string(c->inst->items[i].id));
        if (dropped && c->dropped[i])
            json_array_append_new(dropped, json_string(c->inst->items[i].id));
    }
    json_object_set_new(out, "applies", applies);
    if (dropped)
        json_object_set_new(out, "dropped", dropped);
}

static json_t *needs_of(const score_ctx *c)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->inst->nitems; i++) {
        size_t k;
        json_t *n;
        if (c->indic[i] != T_TRUE)
            continue;
        json_array_foreach(c->inst->items[i].needs, k, n) {
            if (!has_value(list, n))
                json_array_append(list, n);
        }
    }
    return list;
}

static void add_outputs(const score_ctx *c, json_t *out)
{
    const char *key;
    json_t *o;
    json_object_foreach(json_object_get(c->inst->def, "outputs"), key, o) {
        json_t *g = json_object_get(o, "count");
        if (g) {
            int known, open;
            count_group(c, json_string_value(g), &known, &open);
            json_object_set_new(out, key, json_integer(known));
        } else {
            json_object_set_new(out, key,
                                ids_where(c, json_string_value(json_object_get(o, "list")), false));
        }
    }
}

static void add_final(const score_ctx *c, json_t *out)
{
    json_t *req = json_object_get(c->inst->def, "final_requires");
    if (!req)
        return;
    json_t *awaiting = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(req, i, id) {
        if (!c->value[inst_item_index(c->inst, json_string_value(id))])
            json_array_append(awaiting, id);
    }
    json_object_set_new(out, "final", json_boolean(json_array_size(awaiting) == 0));
    json_object_set_new(out, "awaiting", awaiting);
}

static json_t *build_result(score_ctx *c)
{
    json_t *def = c->inst->def;
    json_t *suggested = json_object_get(def, "suggest") ? suggested_list(c) : NULL;
    const char *result = result_of(c);
    json_t *out = json_pack("{s:s, s:i, s:s, s:O, s:o, s:o, s:o, s:b}", "instrument", c->inst->id,
                            "version", c->inst->version, "result", result, "reading",
                            json_object_get(json_object_get(def, "readings"), result), "indicators",
                            ids_where(c, NULL, false), "unanswered", ids_where(c, NULL, true),
                            "needs", needs_of(c), "not_a_diagnosis", 1);
    if (!out) {
        json_decref(suggested);
        return NULL;
    }
    if (suggested)
        json_object_set_new(out, "suggested", suggested);
    if (json_object_get(def, "accuracy"))
        json_object_set(out, "accuracy", json_object_get(def, "accuracy"));
    add_sections(c, out);
    add_applies(c, out);
    add_outputs(c, out);
    add_final(c, out);
    return out;
}

static qg_code score_with(const instrument *inst, json_t *answers, bool drop, json_t **out,
                          qg_error *err)
{
    *out = NULL;
    size_t n = inst->nitems;
    score_ctx c = {.inst = inst,
                   .value = qg_calloc(n, sizeof(json_t *)),
                   .applies = qg_calloc(n, sizeof(tri)),
                   .indic = qg_calloc(n, sizeof(tri)),
                   .suggested = T_FALSE,
                   .drop = drop,
                   .dropped = qg_calloc(n, sizeof(bool))};
    qg_code code = QG_OK;
    if (!c.value || !c.applies || !c.indic || !c.dropped)
        code = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (code == QG_OK)
        code = read_answers(&c, answers, err);
    if (code == QG_OK)
        code = settle_items(&c, err);
    if (code == QG_OK && !(*out = build_result(&c)))
        code = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    free(c.value);
    free(c.applies);
    free(c.indic);
    free(c.dropped);
    return code;
}

qg_code instrument_score(const instrument *inst, json_t *answers, json_t **out, qg_error *err)
{
    return score_with(inst, answers, false, out, err);
}

qg_code instrument_score_dropping(const instrument *inst, json_t *answers, json_t **out,
                                  qg_error *err)
{
    return score_with(inst, answers, true, out, err);
}
