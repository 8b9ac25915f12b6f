/*
 * instrument_parse.c — checks a whole instrument definition strictly against the format
 * of instruments/README.md and fills the parsed form (instrument_impl.h): its header,
 * sections, items, results, readings and outputs; every section's maximum equal to the
 * sum of its items' highest points.
 */
#include "core/instrument/instrument_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "core/instrument/instrument_check.h"
#include "core/instrument/instrument_texts.h"
#include "core/vocab/vocab.h"

/* ---- items ------------------------------------------------------------------------ */

static qg_code parse_type(json_t *v, item_type *out, const char *path, qg_error *err)
{
    for (int i = 0; i < INST_TYPE_COUNT; i++) {
        if (json_is_string(v) && strcmp(json_string_value(v), INST_TYPE_NAMES[i]) == 0) {
            *out = (item_type)i;
            return QG_OK;
        }
    }
    return inst_bad(err, path, "unknown answer type");
}

static qg_code check_options(inst_item *it, json_t *item, const char *path, qg_error *err)
{
    json_t *opts = json_object_get(item, "options");
    bool wants = it->type == IT_CHOICE || it->type == IT_MULTI;
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.options", path);
    if (!wants)
        return opts ? inst_bad(err, p, "only choice and multichoice items have options") : QG_OK;
    if (!json_is_array(opts) || json_array_size(opts) < 2)
        return inst_bad(err, p, "needs at least two options");
    static const char *const keys[] = {"value", "label", NULL};
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o) {
        char op[INST_PATH_LEN];
        snprintf(op, sizeof op, "%s[%zu]", p, i);
        qg_code c = inst_check_keys(o, keys, keys, op, err);
        if (c == QG_OK)
            c = inst_member_string(o, "value", op, err);
        if (c == QG_OK)
            c = inst_member_text(o, "label", op, err);
        for (size_t j = 0; c == QG_OK && j < i; j++)
            if (json_equal(json_object_get(o, "value"),
                           json_object_get(json_array_get(opts, j), "value")))
                c = inst_bad(err, op, "option values must be unique");
        if (c != QG_OK)
            return c;
    }
    it->options = opts;
    return QG_OK;
}

static qg_code check_limits(inst_item *it, json_t *item, const char *path, qg_error *err)
{
    bool ranged = it->type == IT_RATING || it->type == IT_NUMBER;
    char p[INST_PATH_LEN];
    if (!ranged && (json_object_get(item, "min") || json_object_get(item, "max"))) {
        snprintf(p, sizeof p, "%s.min", path);
        return inst_bad(err, p, "only rating and number items have min and max");
    }
    if (it->type != IT_TEXT && json_object_get(item, "max_length")) {
        snprintf(p, sizeof p, "%s.max_length", path);
        return inst_bad(err, p, "only text items have max_length");
    }
    if (it->type == IT_NUMBER && (!json_object_get(item, "min") || !json_object_get(item, "max"))) {
        snprintf(p, sizeof p, "%s.max", path);
        return inst_bad(err, p, "number items need min and max");
    }
    long long len = 2000;
    qg_code c = inst_get_int(item, "min", 0, 1000000, 0, &it->min, path, err);
    if (c == QG_OK)
        c = inst_get_int(item, "max", 0, 1000000, 3, &it->max, path, err);
    if (c == QG_OK)
        c = inst_get_int(item, "max_length", 1, 10000, 2000, &len, path, err);
    if (c == QG_OK && it->min > it->max) {
        snprintf(p, sizeof p, "%s.min", path);
        c = inst_bad(err, p, "min is above max");
    }
    it->max_length = (size_t)len;
    return c;
}

/* Reads "points" and works out the highest points the item can give. */
static qg_code check_points(inst_item *it, json_t *item, const char *path, qg_error *err)
{
    json_t *pts = json_object_get(item, "points");
    if (!pts)
        return QG_OK;
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.points", path);
    it->points = pts;
    if (it->type == IT_RATING) {
        if (!json_is_string(pts) || strcmp(json_string_value(pts), "value") != 0)
            return inst_bad(err, p, "a rating scores \"value\"");
        it->max_points = it->max;
        return QG_OK;
    }
    if (it->type != IT_YESNO && it->type != IT_CHOICE)
        return inst_bad(err, p, "only yesno, rating and choice items score");
    if (!json_is_object(pts) || json_object_size(pts) == 0)
        return inst_bad(err, p, "must map answers to points");
    const char *key;
    json_t *v;
    json_object_foreach(pts, key, v) {
        bool known = it->type == IT_YESNO ? (!strcmp(key, "yes") || !strcmp(key, "no"))
                                          : inst_has_option(it, key);
        if (!known || !json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > 1000)
            return inst_bad(err, p, "points must map known answers to 0..1000");
        if (json_integer_value(v) > it->max_points)
            it->max_points = json_integer_value(v);
    }
    return QG_OK;
}

static qg_code check_needs(inst_item *it, json_t *item, const char *path, qg_error *err)
{
    json_t *needs = json_object_get(item, "needs");
    if (!needs)
        return QG_OK;
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.needs", path);
    if (!it->indicator || !json_is_array(needs) || json_array_size(needs) == 0)
        return inst_bad(err, p, "needs a non-empty array on an item with an indicator");
    size_t i;
    json_t *n;
    json_array_foreach(needs, i, n) {
        if (!json_is_string(n) || !vocab_has(&VOCAB_NEED, json_string_value(n)))
            return inst_bad(err, p, "unknown need");
    }
    it->needs = needs;
    return QG_OK;
}

static qg_code check_section_ref(instrument *inst, inst_item *it, json_t *item, const char *path,
                                 qg_error *err)
{
    json_t *sec = json_object_get(item, "section");
    it->section = -1;
    if (!sec)
        return QG_OK;
    for (size_t i = 0; json_is_string(sec) && i < inst->nsections; i++) {
        if (strcmp(inst->sections[i].id, json_string_value(sec)) == 0) {
            it->section = (int)i;
            return QG_OK;
        }
    }
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.section", path);
    return inst_bad(err, p, "unknown section");
}

static qg_code check_item_conds(instrument *inst, size_t index, json_t *item, const char *path,
                                qg_error *err)
{
    inst_item *it = &inst->items[index];
    inst_cond_scope s = {inst, index, false};
    char p[INST_PATH_LEN];
    qg_code c = QG_OK;
    it->applies = json_object_get(item, "applies_when");
    if (it->applies) {
        snprintf(p, sizeof p, "%s.applies_when", path);
        c = inst_check_cond(&s, it->applies, p, err, 0);
    }
    if (c == QG_OK && it->section >= 0 && inst->sections[it->section].applies) {
        snprintf(p, sizeof p, "sections[%d].applies_when", it->section);
        c = inst_check_cond(&s, inst->sections[it->section].applies, p, err, 0);
    }
    json_t *ind = json_object_get(item, "indicator");
    if (c == QG_OK && ind) {
        snprintf(p, sizeof p, "%s.indicator", path);
        const char *op = inst_compare_op(ind, INST_COMPARE_OPS);
        if (!json_is_object(ind) || json_object_size(ind) != 1 || !op)
            return inst_bad(err, p, "must be one comparison on the item's own answer");
        c = inst_check_operand(it, op, json_object_get(ind, op), p, err);
        it->indicator = ind;
    }
    return c;
}

static qg_code parse_item(instrument *inst, size_t index, json_t *item, qg_error *err)
{
    static const char *const keys[] = {"id", "type", "text", "note", "source_lines", "section",
                                       "group", "applies_when", "options", "min", "max",
                                       "max_length", "points", "indicator", "needs", "role",
                                       "scale", "rates", NULL};
    static const char *const required[] = {"id", "type", "text", "source_lines", NULL};
    char path[INST_PATH_LEN];
    snprintf(path, sizeof path, "items[%zu]", index);
    inst_item *it = &inst->items[index];
    qg_code c = inst_check_keys(item, keys, required, path, err);
    const char *id = json_string_value(json_object_get(item, "id"));
    if (c == QG_OK && (!id || !inst_id_chars(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_", 32)))
        c = inst_bad(err, path, "id must be 1-32 letters, digits or _");
    if (c == QG_OK && inst_item_index(inst, id) >= 0)
        c = inst_bad(err, path, "id is not unique");
    it->id = id;
    if (c == QG_OK)
        c = parse_type(json_object_get(item, "type"), &it->type, path, err);
    if (c == QG_OK)
        c = inst_member_text(item, "text", path, err);
    if (c == QG_OK)
        c = inst_optional_text(item, "note", path, err);
    if (c == QG_OK)
        c = inst_member_string(item, "source_lines", path, err);
    json_t *group = json_object_get(item, "group"), *role = json_object_get(item, "role");
    if (c == QG_OK && group && !json_is_string(group))
        c = inst_bad(err, path, "group must be a string");
    if (c == QG_OK && role &&
        (!json_is_string(role) || strcmp(json_string_value(role), "judgement")))
        c = inst_bad(err, path, "role can only be \"judgement\"");
    it->group = json_string_value(group);
    it->judgement = role != NULL;
    if (c == QG_OK)
        c = check_section_ref(inst, it, item, path, err);
    if (c == QG_OK)
        c = check_options(it, item, path, err);
    if (c == QG_OK)
        c = check_limits(it, item, path, err);
    if (c == QG_OK)
        c = inst_check_item_scale(inst->def, it, item, path, err);
    if (c == QG_OK)
        c = check_points(it, item, path, err);
    if (c == QG_OK)
        c = check_item_conds(inst, index, item, path, err);
    if (c == QG_OK)
        c = check_needs(it, item, path, err);
    inst->scored = inst->scored || it->points;
    if (c != QG_OK)
        it->id = ""; /* keep later lookups away from a half-read item */
    return c;
}

/* ---- sections, results and the rest ------------------------------------------------ */

static qg_code parse_sections(instrument *inst, qg_error *err)
{
    json_t *secs = json_object_get(inst->def, "sections");
    if (!secs)
        return QG_OK;
    if (!json_is_array(secs) || json_array_size(secs) == 0 || json_array_size(secs) > 64)
        return inst_bad(err, "sections", "must be a non-empty array");
    inst->sections = calloc(json_array_size(secs), sizeof *inst->sections);
    if (!inst->sections)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    static const char *const keys[] = {"id", "title", "applies_when", "max", "source_lines", NULL};
    static const char *const required[] = {"id", "title", "max", "source_lines", NULL};
    size_t i;
    json_t *s;
    json_array_foreach(secs, i, s) {
        char path[INST_PATH_LEN];
        snprintf(path, sizeof path, "sections[%zu]", i);
        qg_code c = inst_check_keys(s, keys, required, path, err);
        const char *id = json_string_value(json_object_get(s, "id"));
        if (c == QG_OK && (!id || !inst_id_chars(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_", 32)))
            c = inst_bad(err, path, "id must be 1-32 letters, digits or _");
        for (size_t j = 0; c == QG_OK && j < i; j++)
            if (strcmp(inst->sections[j].id, id) == 0)
                c = inst_bad(err, path, "id is not unique");
        if (c == QG_OK)
            c = inst_member_text(s, "title", path, err);
        if (c == QG_OK)
            c = inst_get_int(s, "max", 0, 100000, 0, &inst->sections[i].max, path, err);
        if (c != QG_OK)
            return c;
        inst->sections[i].id = id;
        inst->sections[i].applies = json_object_get(s, "applies_when");
        inst->nsections = i + 1;
    }
    return QG_OK;
}

/* A section's printed maximum must be what its items can give (L5753 misprints C; the
 * erratum is in the file's "about"). */
static qg_code check_section_max(const instrument *inst, qg_error *err)
{
    for (size_t s = 0; s < inst->nsections; s++) {
        long long sum = 0;
        for (size_t i = 0; i < inst->nitems; i++)
            if (inst->items[i].section == (int)s)
                sum += inst->items[i].max_points;
        if (sum != inst->sections[s].max) {
            char p[INST_PATH_LEN];
            snprintf(p, sizeof p, "sections[%zu].max", s);
            return qg_fail(err, QG_EINVAL, p, "instrument.definition",
                           "is %lld but the items give at most %lld", inst->sections[s].max, sum);
        }
    }
    return QG_OK;
}

/* Every section's condition, also for a section without items: it may name only items
 * before the section's first item (any item when it has none). */
static qg_code check_section_conds(instrument *inst, qg_error *err)
{
    for (size_t s = 0; s < inst->nsections; s++) {
        size_t upto = inst->nitems;
        for (size_t i = 0; i < inst->nitems; i++) {
            if (inst->items[i].section == (int)s) {
                upto = i;
                break;
            }
        }
        inst_cond_scope scope = {inst, upto, false};
        char p[INST_PATH_LEN];
        snprintf(p, sizeof p, "sections[%zu].applies_when", s);
        qg_code c = inst->sections[s].applies
                        ? inst_check_cond(&scope, inst->sections[s].applies, p, err, 0)
                        : QG_OK;
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code parse_items(instrument *inst, qg_error *err)
{
    json_t *items = json_object_get(inst->def, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > 500)
        return inst_bad(err, "items", "must be an array of 1 to 500 items");
    inst->items = calloc(json_array_size(items), sizeof *inst->items);
    if (!inst->items)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        inst->nitems = i + 1;
        inst->items[i].id = "";
        qg_code c = parse_item(inst, i, item, err);
        if (c != QG_OK)
            return c;
    }
    qg_code c = check_section_conds(inst, err);
    return c == QG_OK ? check_section_max(inst, err) : c;
}

/* "results" / "suggest": arrays of {"value", "when"[, "label"]}. */
static qg_code check_rules(instrument *inst, const char *key, bool labelled, bool allow_suggested,
                           qg_error *err)
{
    json_t *rules = json_object_get(inst->def, key);
    if (!rules)
        return QG_OK;
    if (!json_is_array(rules) || json_array_size(rules) == 0)
        return inst_bad(err, key, "must be a non-empty array");
    static const char *const plain[] = {"value", "when", NULL};
    static const char *const with_label[] = {"value", "when", "label", NULL};
    inst_cond_scope s = {inst, inst->nitems, allow_suggested};
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        char path[INST_PATH_LEN];
        snprintf(path, sizeof path, "%s[%zu]", key, i);
        const char *const *keys = labelled ? with_label : plain;
        qg_code c = inst_check_keys(r, keys, keys, path, err);
        const char *v = json_string_value(json_object_get(r, "value"));
        if (c == QG_OK && (!v || !inst_id_chars(v, "_", 40) || !strcmp(v, "incomplete")))
            c = inst_bad(err, path,
                         "value must be a code of a-z, 0-9 and _ other than \"incomplete\"");
        if (c == QG_OK && labelled)
            c = inst_member_text(r, "label", path, err);
        if (c == QG_OK)
            c = inst_check_cond(&s, json_object_get(r, "when"), path, err, 0);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code need_reading(json_t *readings, const char *value, qg_error *err)
{
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "readings.%s", value);
    json_t *t = json_object_get(readings, value);
    return t ? inst_check_text(t, p, err)
             : inst_bad(err, p, "a reading is required for every result");
}

static qg_code check_readings(instrument *inst, qg_error *err)
{
    json_t *readings = json_object_get(inst->def, "readings");
    const char *def = json_string_value(json_object_get(inst->def, "default_result"));
    if (!def || !inst_id_chars(def, "_", 40))
        return inst_bad(err, "default_result", "must be a code of a-z, 0-9 and _");
    if (!json_is_object(readings))
        return inst_bad(err, "readings", "must be an object");
    qg_code c = need_reading(readings, def, err);
    if (c == QG_OK)
        c = need_reading(readings, "incomplete", err);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(inst->def, "results"), i, r) {
        if (c == QG_OK)
            c = need_reading(readings, json_string_value(json_object_get(r, "value")), err);
    }
    const char *key;
    json_t *v;
    json_object_foreach(readings, key, v) {
        bool used = !strcmp(key, def) || !strcmp(key, "incomplete");
        json_array_foreach(json_object_get(inst->def, "results"), i, r)
            used = used || !strcmp(key, json_string_value(json_object_get(r, "value")));
        if (c == QG_OK && !used)
            c = inst_bad(err, "readings", "has a reading for a result that cannot occur");
    }
    return c;
}

static qg_code check_suggest(instrument *inst, qg_error *err)
{
    json_t *sug = json_object_get(inst->def, "suggest"),
           *none = json_object_get(inst->def, "suggest_none");
    if (!sug && !none)
        return QG_OK;
    if (!sug || !json_is_string(none) || !inst_id_chars(json_string_value(none), "_", 40))
        return inst_bad(err, "suggest_none", "\"suggest\" and a \"suggest_none\" code go together");
    return check_rules(inst, "suggest", true, false, err);
}

static qg_code check_outputs(instrument *inst, qg_error *err)
{
    static const char *const reserved[] = {
        "instrument", "version",         "result",   "reading", "indicators", "unanswered",
        "needs",      "not_a_diagnosis", "sections", "total",   "max",        "suggested",
        "accuracy",   "final",           "awaiting", NULL};
    json_t *outs = json_object_get(inst->def, "outputs");
    if (!outs)
        return QG_OK;
    if (!json_is_object(outs))
        return inst_bad(err, "outputs", "must be an object");
    inst_cond_scope s = {inst, inst->nitems, false};
    const char *key;
    json_t *o;
    json_object_foreach(outs, key, o) {
        char p[INST_PATH_LEN];
        snprintf(p, sizeof p, "outputs.%s", key);
        json_t *g = json_is_object(o) && json_object_size(o) == 1
                        ? (json_object_get(o, "count") ? json_object_get(o, "count")
                                                       : json_object_get(o, "list"))
                        : NULL;
        if (inst_listed(key, reserved) || !inst_id_chars(key, "_", 40))
            return inst_bad(err, p, "is not a free output name");
        if (!json_is_string(g) || !inst_group_within(&s, json_string_value(g)))
            return inst_bad(err, p, "must be {\"count\": group} or {\"list\": group}");
    }
    return QG_OK;
}

static qg_code check_final(instrument *inst, qg_error *err)
{
    json_t *req = json_object_get(inst->def, "final_requires");
    if (!req)
        return QG_OK;
    if (!json_is_array(req) || json_array_size(req) == 0)
        return inst_bad(err, "final_requires", "must be a non-empty array of item ids");
    size_t i;
    json_t *id;
    json_array_foreach(req, i, id) {
        if (!json_is_string(id) || inst_item_index(inst, json_string_value(id)) < 0)
            return inst_bad(err, "final_requires", "names an unknown item");
    }
    return QG_OK;
}

static qg_code check_source(json_t *def, qg_error *err)
{
    static const char *const keys[] = {"manual_lines", "citation", "note", NULL};
    static const char *const required[] = {"manual_lines", "citation", NULL};
    json_t *src = json_object_get(def, "source");
    qg_code c = inst_check_keys(src, keys, required, "source", err);
    if (c == QG_OK)
        c = inst_check_string(json_object_get(src, "manual_lines"), "source.manual_lines", err);
    if (c == QG_OK)
        c = inst_check_string(json_object_get(src, "citation"), "source.citation", err);
    if (c == QG_OK)
        c = inst_optional_text(src, "note", "source", err);
    return c;
}

static qg_code check_accuracy(json_t *def, qg_error *err)
{
    static const char *const keys[] = {"sensitivity", "specificity", "population", "citation",
                                       NULL};
    json_t *acc = json_object_get(def, "accuracy");
    if (!acc)
        return QG_OK;
    qg_code c = inst_check_keys(acc, keys, keys, "accuracy", err);
    for (int i = 0; c == QG_OK && i < 2; i++) {
        json_t *v = json_object_get(acc, keys[i]);
        if (!json_is_real(v) || json_real_value(v) < 0 || json_real_value(v) > 1)
            c = inst_bad(err, i ? "accuracy.specificity" : "accuracy.sensitivity",
                         "must be a fraction 0..1");
    }
    if (c == QG_OK)
        c = inst_check_text(json_object_get(acc, "population"), "accuracy.population", err);
    if (c == QG_OK)
        c = inst_check_string(json_object_get(acc, "citation"), "accuracy.citation", err);
    return c;
}

static qg_code check_header(instrument *inst, qg_error *err)
{
    static const char *const keys[] = {"format", "id", "version", "kind", "title", "source",
                                       "population", "accuracy", "intro", "sections", "items",
                                       "results", "default_result", "readings", "suggest",
                                       "suggest_none", "outputs", "final_requires", "about",
                                       "scales", NULL};
    static const char *const required[] = {"format",         "id",       "version",    "kind",
                                           "title",          "source",   "population", "items",
                                           "default_result", "readings", NULL};
    static const char *const kinds[] = {"screen", "assessment", "checklist", NULL};
    json_t *def = inst->def;
    qg_code c = inst_check_keys(def, keys, required, "file", err);
    if (c != QG_OK)
        return c;
    json_t *format = json_object_get(def, "format"), *version = json_object_get(def, "version");
    const char *id = json_string_value(json_object_get(def, "id"));
    const char *kind = json_string_value(json_object_get(def, "kind"));
    if (!json_is_integer(format) || json_integer_value(format) != 1)
        return inst_bad(err, "format", "must be 1");
    if (!id || !inst_id_chars(id, "-", 40))
        return inst_bad(err, "id", "must be 1-40 of a-z, 0-9 and -");
    if (!json_is_integer(version) || json_integer_value(version) < 1 ||
        json_integer_value(version) > 9999)
        return inst_bad(err, "version", "must be a whole number 1..9999");
    if (!kind || !inst_listed(kind, kinds))
        return inst_bad(err, "kind", "must be screen, assessment or checklist");
    inst->id = id;
    inst->version = (int)json_integer_value(version);
    c = inst_check_text(json_object_get(def, "title"), "title", err);
    if (c == QG_OK)
        c = inst_check_text(json_object_get(def, "population"), "population", err);
    if (c == QG_OK)
        c = inst_optional_text(def, "intro", "file", err);
    if (c == QG_OK)
        c = check_source(def, err);
    if (c == QG_OK)
        c = check_accuracy(def, err);
    if (c == QG_OK)
        c = inst_check_about(def, err);
    if (c == QG_OK)
        c = inst_check_scales(def, err);
    return c;
}

qg_code instrument_check_definition(instrument *inst, qg_error *err)
{
    qg_code c = check_header(inst, err);
    if (c == QG_OK)
        c = parse_sections(inst, err);
    if (c == QG_OK)
        c = parse_items(inst, err);
    if (c == QG_OK)
        c = check_suggest(inst, err);
    if (c == QG_OK)
        c = check_rules(inst, "results", false, json_object_get(inst->def, "suggest") != NULL, err);
    if (c == QG_OK)
        c = check_readings(inst, err);
    if (c == QG_OK)
        c = check_outputs(inst, err);
    if (c == QG_OK)
        c = check_final(inst, err);
    if (c == QG_OK)
        c = inst_check_labels(inst->def, err);
    return c;
}
