/*
 * instrument_load.c — reads instrument files and checks them strictly against the
 * format of instruments/README.md: every key known, every text in three languages,
 * every condition referring to an earlier item with an operand of the item's type,
 * every section's maximum equal to the sum of its items' highest points. A file that
 * fails is refused with the path of the fault inside it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument/instrument_impl.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

#define PATH_LEN 64

const char *const INST_TYPE_NAMES[] = {"yesno",  "rating", "choice", "multichoice",
                                       "number", "text",   "country"};
#define TYPE_COUNT 7

static const char *const COMPARE_OPS[] = {"eq", "ne", "in", "lt", "le", "gt", "ge", "has", NULL};

/* ---- small checks --------------------------------------------------------------- */

static bool listed(const char *key, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(key, names[i]) == 0)
            return true;
    return false;
}

static qg_code bad(qg_error *err, const char *path, const char *message)
{
    return qg_fail(err, QG_EINVAL, path, "%s", message);
}

/* Every key of obj must be in allowed and every name of required present. */
static qg_code check_keys(json_t *obj, const char *const *allowed, const char *const *required,
                          const char *path, qg_error *err)
{
    if (!json_is_object(obj))
        return bad(err, path, "must be an object");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (!listed(key, allowed)) {
            char p[PATH_LEN];
            snprintf(p, sizeof p, "%s.%s", path, key);
            return bad(err, p, "unknown key");
        }
    }
    for (size_t i = 0; required && required[i]; i++) {
        if (!json_object_get(obj, required[i])) {
            char p[PATH_LEN];
            snprintf(p, sizeof p, "%s.%s", path, required[i]);
            return bad(err, p, "is required");
        }
    }
    return QG_OK;
}

static bool id_chars(const char *s, const char *extra, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c);
        if (!ok)
            return false;
    }
    return true;
}

static qg_code check_string(json_t *v, const char *path, qg_error *err)
{
    if (!json_is_string(v) || json_string_length(v) == 0 || !text_utf8_valid(json_string_value(v), true))
        return bad(err, path, "must be a non-empty UTF-8 string");
    return QG_OK;
}

/* A text object: exactly kk, ru and en, none empty. */
static qg_code check_text(json_t *v, const char *path, qg_error *err)
{
    static const char *const langs[] = {"kk", "ru", "en", NULL};
    qg_code c = check_keys(v, langs, langs, path, err);
    for (size_t i = 0; c == QG_OK && langs[i]; i++) {
        char p[PATH_LEN];
        snprintf(p, sizeof p, "%s.%s", path, langs[i]);
        c = check_string(json_object_get(v, langs[i]), p, err);
    }
    return c;
}

/* obj's member key must be a text object; a fault is reported at "path.key...". */
static qg_code member_text(json_t *obj, const char *key, const char *path, qg_error *err)
{
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return check_text(json_object_get(obj, key), p, err);
}

/* obj's member key must be a non-empty string; a fault is reported at "path.key". */
static qg_code member_string(json_t *obj, const char *key, const char *path, qg_error *err)
{
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return check_string(json_object_get(obj, key), p, err);
}

static qg_code optional_text(json_t *obj, const char *key, const char *path, qg_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return QG_OK;
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return check_text(v, p, err);
}

static qg_code get_int(json_t *obj, const char *key, long long lo, long long hi, long long def,
                       long long *out, const char *path, qg_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v)
        return QG_OK;
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return bad(err, p, "must be a whole number in range");
    *out = json_integer_value(v);
    return QG_OK;
}

int inst_item_index(const instrument *inst, const char *id)
{
    for (size_t i = 0; i < inst->nitems; i++)
        if (strcmp(inst->items[i].id, id) == 0)
            return (int)i;
    return -1;
}

bool inst_has_option(const inst_item *it, const char *value)
{
    size_t i;
    json_t *o;
    json_array_foreach(it->options, i, o) {
        if (strcmp(json_string_value(json_object_get(o, "value")), value) == 0)
            return true;
    }
    return false;
}

/* ---- conditions ------------------------------------------------------------------ */

typedef struct {
    const instrument *inst;
    size_t upto;          /* items with index < upto may be referred to */
    bool allow_suggested; /* {"suggested": "any"} (results only) */
} cond_scope;

/* Checks one comparison operand against the type of the item it compares. */
static qg_code check_operand(const inst_item *it, const char *op, json_t *v, const char *path,
                             qg_error *err)
{
    bool numeric = it->type == IT_RATING || it->type == IT_NUMBER;
    if (strcmp(op, "in") == 0) {
        if (!json_is_array(v) || json_array_size(v) == 0)
            return bad(err, path, "\"in\" needs a non-empty array");
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            qg_code c = check_operand(it, "eq", e, path, err);
            if (c != QG_OK)
                return c;
        }
        return QG_OK;
    }
    if (strcmp(op, "has") == 0) {
        if (it->type != IT_MULTI || !json_is_string(v) || !inst_has_option(it, json_string_value(v)))
            return bad(err, path, "\"has\" needs a multichoice item and one of its options");
        return QG_OK;
    }
    bool ordering = strcmp(op, "eq") != 0 && strcmp(op, "ne") != 0;
    if (numeric)
        return json_is_integer(v) ? QG_OK : bad(err, path, "operand must be a whole number");
    if (ordering)
        return bad(err, path, "ordering needs a rating or number item");
    const char *s = json_string_value(v);
    bool ok = s && ((it->type == IT_YESNO && (!strcmp(s, "yes") || !strcmp(s, "no"))) ||
                    (it->type == IT_CHOICE && inst_has_option(it, s)) ||
                    (it->type == IT_COUNTRY && vocab_has(&VOCAB_COUNTRY, s)));
    return ok ? QG_OK : bad(err, path, "operand does not fit the item's answers");
}

/* Finds the one comparison operator of cond (NULL when none or several). */
static const char *compare_op(json_t *cond, const char *const *ops)
{
    const char *found = NULL;
    for (size_t i = 0; ops[i]; i++) {
        if (json_object_get(cond, ops[i])) {
            if (found)
                return NULL;
            found = ops[i];
        }
    }
    return found;
}

static qg_code referred_item(const cond_scope *s, json_t *name, const char *path, int *index,
                             qg_error *err)
{
    int i = json_is_string(name) ? inst_item_index(s->inst, json_string_value(name)) : -1;
    if (i < 0 || (size_t)i >= s->upto)
        return bad(err, path, "must name an item that comes earlier");
    *index = i;
    return QG_OK;
}

static qg_code check_item_cond(const cond_scope *s, json_t *cond, const char *path, qg_error *err)
{
    static const char *const keys[] = {"item", "eq", "ne", "in", "lt", "le", "gt", "ge", "has",
                                       "answered", NULL};
    qg_code c = check_keys(cond, keys, NULL, path, err);
    if (c != QG_OK)
        return c;
    json_t *names = json_object_get(cond, "item");
    int first = -1;
    if (json_is_array(names) && json_array_size(names) > 0) {
        size_t i;
        json_t *n;
        json_array_foreach(names, i, n) {
            int idx;
            if ((c = referred_item(s, n, path, &idx, err)) != QG_OK)
                return c;
            if (first >= 0 && s->inst->items[idx].type != s->inst->items[first].type)
                return bad(err, path, "items compared together must have one type");
            if (first < 0)
                first = idx;
        }
    } else if ((c = referred_item(s, names, path, &first, err)) != QG_OK) {
        return c;
    }
    json_t *answered = json_object_get(cond, "answered");
    const char *op = compare_op(cond, COMPARE_OPS);
    if (answered)
        return (json_is_boolean(answered) && !op) ? QG_OK
                                                  : bad(err, path, "\"answered\" takes true or false alone");
    if (!op)
        return bad(err, path, "needs exactly one comparison");
    return check_operand(&s->inst->items[first], op, json_object_get(cond, op), path, err);
}

static bool group_within(const cond_scope *s, const char *group)
{
    bool any = false;
    for (size_t i = 0; i < s->inst->nitems; i++) {
        const inst_item *it = &s->inst->items[i];
        if (it->group && strcmp(it->group, group) == 0) {
            if (i >= s->upto || !it->indicator)
                return false;
            any = true;
        }
    }
    return any;
}

static qg_code check_count_cond(const cond_scope *s, json_t *cond, const char *path, qg_error *err)
{
    static const char *const keys[] = {"count", "eq", "ne", "lt", "le", "gt", "ge", NULL};
    static const char *const ops[] = {"eq", "ne", "lt", "le", "gt", "ge", NULL};
    qg_code c = check_keys(cond, keys, NULL, path, err);
    if (c != QG_OK)
        return c;
    const char *group = json_string_value(json_object_get(cond, "count"));
    if (!group || !group_within(s, group))
        return bad(err, path, "must name a group of earlier items with indicators");
    const char *op = compare_op(cond, ops);
    if (!op || !json_is_integer(json_object_get(cond, op)))
        return bad(err, path, "needs exactly one comparison with a whole number");
    return QG_OK;
}

static qg_code check_cond(const cond_scope *s, json_t *cond, const char *path, qg_error *err, int depth);

static qg_code check_cond_list(const cond_scope *s, json_t *list, const char *path, qg_error *err,
                               int depth)
{
    if (!json_is_array(list) || json_array_size(list) == 0)
        return bad(err, path, "must be a non-empty array of conditions");
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        qg_code c = check_cond(s, e, path, err, depth + 1);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code check_cond(const cond_scope *s, json_t *cond, const char *path, qg_error *err, int depth)
{
    if (depth > 16)
        return bad(err, path, "conditions nest too deeply");
    if (!json_is_object(cond) || json_object_size(cond) == 0)
        return bad(err, path, "must be a condition object");
    if (json_object_get(cond, "all") || json_object_get(cond, "any")) {
        const char *k = json_object_get(cond, "all") ? "all" : "any";
        if (json_object_size(cond) != 1)
            return bad(err, path, "\"all\"/\"any\" stand alone");
        return check_cond_list(s, json_object_get(cond, k), path, err, depth);
    }
    if (json_object_get(cond, "not")) {
        if (json_object_size(cond) != 1)
            return bad(err, path, "\"not\" stands alone");
        return check_cond(s, json_object_get(cond, "not"), path, err, depth + 1);
    }
    if (json_object_get(cond, "count"))
        return check_count_cond(s, cond, path, err);
    if (json_object_get(cond, "indicator")) {
        int idx;
        qg_code c = referred_item(s, json_object_get(cond, "indicator"), path, &idx, err);
        if (c == QG_OK && (json_object_size(cond) != 1 || !s->inst->items[idx].indicator))
            return bad(err, path, "\"indicator\" needs an item with an indicator, alone");
        return c;
    }
    if (json_object_get(cond, "suggested")) {
        json_t *v = json_object_get(cond, "suggested");
        if (!s->allow_suggested || json_object_size(cond) != 1 || !json_is_string(v) ||
            strcmp(json_string_value(v), "any") != 0)
            return bad(err, path, "{\"suggested\": \"any\"} is allowed in results only");
        return QG_OK;
    }
    return check_item_cond(s, cond, path, err);
}

/* ---- items ------------------------------------------------------------------------ */

static qg_code parse_type(json_t *v, item_type *out, const char *path, qg_error *err)
{
    for (int i = 0; i < TYPE_COUNT; i++) {
        if (json_is_string(v) && strcmp(json_string_value(v), INST_TYPE_NAMES[i]) == 0) {
            *out = (item_type)i;
            return QG_OK;
        }
    }
    return bad(err, path, "unknown answer type");
}

static qg_code check_options(inst_item *it, json_t *item, const char *path, qg_error *err)
{
    json_t *opts = json_object_get(item, "options");
    bool wants = it->type == IT_CHOICE || it->type == IT_MULTI;
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.options", path);
    if (!wants)
        return opts ? bad(err, p, "only choice and multichoice items have options") : QG_OK;
    if (!json_is_array(opts) || json_array_size(opts) < 2)
        return bad(err, p, "needs at least two options");
    static const char *const keys[] = {"value", "label", NULL};
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o) {
        char op[PATH_LEN];
        snprintf(op, sizeof op, "%s[%zu]", p, i);
        qg_code c = check_keys(o, keys, keys, op, err);
        if (c == QG_OK)
            c = member_string(o, "value", op, err);
        if (c == QG_OK)
            c = member_text(o, "label", op, err);
        for (size_t j = 0; c == QG_OK && j < i; j++)
            if (json_equal(json_object_get(o, "value"), json_object_get(json_array_get(opts, j), "value")))
                c = bad(err, op, "option values must be unique");
        if (c != QG_OK)
            return c;
    }
    it->options = opts;
    return QG_OK;
}

static qg_code check_limits(inst_item *it, json_t *item, const char *path, qg_error *err)
{
    bool ranged = it->type == IT_RATING || it->type == IT_NUMBER;
    char p[PATH_LEN];
    if (!ranged && (json_object_get(item, "min") || json_object_get(item, "max"))) {
        snprintf(p, sizeof p, "%s.min", path);
        return bad(err, p, "only rating and number items have min and max");
    }
    if (it->type != IT_TEXT && json_object_get(item, "max_length")) {
        snprintf(p, sizeof p, "%s.max_length", path);
        return bad(err, p, "only text items have max_length");
    }
    if (it->type == IT_NUMBER && (!json_object_get(item, "min") || !json_object_get(item, "max"))) {
        snprintf(p, sizeof p, "%s.max", path);
        return bad(err, p, "number items need min and max");
    }
    long long len = 2000;
    qg_code c = get_int(item, "min", 0, 1000000, 0, &it->min, path, err);
    if (c == QG_OK)
        c = get_int(item, "max", 0, 1000000, 3, &it->max, path, err);
    if (c == QG_OK)
        c = get_int(item, "max_length", 1, 10000, 2000, &len, path, err);
    if (c == QG_OK && it->min > it->max) {
        snprintf(p, sizeof p, "%s.min", path);
        c = bad(err, p, "min is above max");
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
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.points", path);
    it->points = pts;
    if (it->type == IT_RATING) {
        if (!json_is_string(pts) || strcmp(json_string_value(pts), "value") != 0)
            return bad(err, p, "a rating scores \"value\"");
        it->max_points = it->max;
        return QG_OK;
    }
    if (it->type != IT_YESNO && it->type != IT_CHOICE)
        return bad(err, p, "only yesno, rating and choice items score");
    if (!json_is_object(pts) || json_object_size(pts) == 0)
        return bad(err, p, "must map answers to points");
    const char *key;
    json_t *v;
    json_object_foreach(pts, key, v) {
        bool known = it->type == IT_YESNO ? (!strcmp(key, "yes") || !strcmp(key, "no")) : inst_has_option(it, key);
        if (!known || !json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000)
            return bad(err, p, "points must map known answers to 0..1000");
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
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.needs", path);
    if (!it->indicator || !json_is_array(needs) || json_array_size(needs) == 0)
        return bad(err, p, "needs a non-empty array on an item with an indicator");
    size_t i;
    json_t *n;
    json_array_foreach(needs, i, n) {
        if (!json_is_string(n) || !vocab_has(&VOCAB_NEED, json_string_value(n)))
            return bad(err, p, "unknown need");
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
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s.section", path);
    return bad(err, p, "unknown section");
}

static qg_code check_item_conds(instrument *inst, size_t index, json_t *item, const char *path,
                                qg_error *err)
{
    inst_item *it = &inst->items[index];
    cond_scope s = {inst, index, false};
    char p[PATH_LEN];
    qg_code c = QG_OK;
    it->applies = json_object_get(item, "applies_when");
    if (it->applies) {
        snprintf(p, sizeof p, "%s.applies_when", path);
        c = check_cond(&s, it->applies, p, err, 0);
    }
    if (c == QG_OK && it->section >= 0 && inst->sections[it->section].applies) {
        snprintf(p, sizeof p, "sections[%d].applies_when", it->section);
        c = check_cond(&s, inst->sections[it->section].applies, p, err, 0);
    }
    json_t *ind = json_object_get(item, "indicator");
    if (c == QG_OK && ind) {
        snprintf(p, sizeof p, "%s.indicator", path);
        const char *op = compare_op(ind, COMPARE_OPS);
        if (!json_is_object(ind) || json_object_size(ind) != 1 || !op)
            return bad(err, p, "must be one comparison on the item's own answer");
        c = check_operand(it, op, json_object_get(ind, op), p, err);
        it->indicator = ind;
    }
    return c;
}

static qg_code parse_item(instrument *inst, size_t index, json_t *item, qg_error *err)
{
    static const char *const keys[] = {"id", "type", "text", "note", "source_lines", "section",
                                       "group", "applies_when", "options", "min", "max",
                                       "max_length", "points", "indicator", "needs", "role", NULL};
    static const char *const required[] = {"id", "type", "text", "source_lines", NULL};
    char path[PATH_LEN];
    snprintf(path, sizeof path, "items[%zu]", index);
    inst_item *it = &inst->items[index];
    qg_code c = check_keys(item, keys, required, path, err);
    const char *id = json_string_value(json_object_get(item, "id"));
    if (c == QG_OK && (!id || !id_chars(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_", 32)))
        c = bad(err, path, "id must be 1-32 letters, digits or _");
    if (c == QG_OK && inst_item_index(inst, id) >= 0)
        c = bad(err, path, "id is not unique");
    it->id = id;
    if (c == QG_OK)
        c = parse_type(json_object_get(item, "type"), &it->type, path, err);
    if (c == QG_OK)
        c = member_text(item, "text", path, err);
    if (c == QG_OK)
        c = optional_text(item, "note", path, err);
    if (c == QG_OK)
        c = member_string(item, "source_lines", path, err);
    json_t *group = json_object_get(item, "group"), *role = json_object_get(item, "role");
    if (c == QG_OK && group && !json_is_string(group))
        c = bad(err, path, "group must be a string");
    if (c == QG_OK && role && (!json_is_string(role) || strcmp(json_string_value(role), "judgement")))
        c = bad(err, path, "role can only be \"judgement\"");
    it->group = json_string_value(group);
    it->judgement = role != NULL;
    if (c == QG_OK)
        c = check_section_ref(inst, it, item, path, err);
    if (c == QG_OK)
        c = check_options(it, item, path, err);
    if (c == QG_OK)
        c = check_limits(it, item, path, err);
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
        return bad(err, "sections", "must be a non-empty array");
    inst->sections = calloc(json_array_size(secs), sizeof *inst->sections);
    if (!inst->sections)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    static const char *const keys[] = {"id", "title", "applies_when", "max", "source_lines", "erratum", NULL};
    static const char *const required[] = {"id", "title", "max", "source_lines", NULL};
    size_t i;
    json_t *s;
    json_array_foreach(secs, i, s) {
        char path[PATH_LEN];
        snprintf(path, sizeof path, "sections[%zu]", i);
        qg_code c = check_keys(s, keys, required, path, err);
        const char *id = json_string_value(json_object_get(s, "id"));
        if (c == QG_OK && (!id || !id_chars(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_", 32)))
            c = bad(err, path, "id must be 1-32 letters, digits or _");
        for (size_t j = 0; c == QG_OK && j < i; j++)
            if (strcmp(inst->sections[j].id, id) == 0)
                c = bad(err, path, "id is not unique");
        if (c == QG_OK)
            c = member_text(s, "title", path, err);
        if (c == QG_OK)
            c = optional_text(s, "erratum", path, err);
        if (c == QG_OK)
            c = get_int(s, "max", 0, 100000, 0, &inst->sections[i].max, path, err);
        if (c != QG_OK)
            return c;
        inst->sections[i].id = id;
        inst->sections[i].applies = json_object_get(s, "applies_when");
        inst->nsections = i + 1;
    }
    return QG_OK;
}

/* A section's printed maximum must be what its items can give (L5753 misprints C). */
static qg_code check_section_max(const instrument *inst, qg_error *err)
{
    for (size_t s = 0; s < inst->nsections; s++) {
        long long sum = 0;
        for (size_t i = 0; i < inst->nitems; i++)
            if (inst->items[i].section == (int)s)
                sum += inst->items[i].max_points;
        if (sum != inst->sections[s].max) {
            char p[PATH_LEN];
            snprintf(p, sizeof p, "sections[%zu].max", s);
            return qg_fail(err, QG_EINVAL, p, "is %lld but the items give at most %lld",
                           inst->sections[s].max, sum);
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
        cond_scope scope = {inst, upto, false};
        char p[PATH_LEN];
        snprintf(p, sizeof p, "sections[%zu].applies_when", s);
        qg_code c = inst->sections[s].applies ? check_cond(&scope, inst->sections[s].applies, p, err, 0) : QG_OK;
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code parse_items(instrument *inst, qg_error *err)
{
    json_t *items = json_object_get(inst->def, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > 500)
        return bad(err, "items", "must be an array of 1 to 500 items");
    inst->items = calloc(json_array_size(items), sizeof *inst->items);
    if (!inst->items)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
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
        return bad(err, key, "must be a non-empty array");
    static const char *const plain[] = {"value", "when", NULL};
    static const char *const with_label[] = {"value", "when", "label", NULL};
    cond_scope s = {inst, inst->nitems, allow_suggested};
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        char path[PATH_LEN];
        snprintf(path, sizeof path, "%s[%zu]", key, i);
        const char *const *keys = labelled ? with_label : plain;
        qg_code c = check_keys(r, keys, keys, path, err);
        const char *v = json_string_value(json_object_get(r, "value"));
        if (c == QG_OK && (!v || !id_chars(v, "_", 40) || !strcmp(v, "incomplete")))
            c = bad(err, path, "value must be a code of a-z, 0-9 and _ other than \"incomplete\"");
        if (c == QG_OK && labelled)
            c = member_text(r, "label", path, err);
        if (c == QG_OK)
            c = check_cond(&s, json_object_get(r, "when"), path, err, 0);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code need_reading(json_t *readings, const char *value, qg_error *err)
{
    char p[PATH_LEN];
    snprintf(p, sizeof p, "readings.%s", value);
    json_t *t = json_object_get(readings, value);
    return t ? check_text(t, p, err) : bad(err, p, "a reading is required for every result");
}

static qg_code check_readings(instrument *inst, qg_error *err)
{
    json_t *readings = json_object_get(inst->def, "readings");
    const char *def = json_string_value(json_object_get(inst->def, "default_result"));
    if (!def || !id_chars(def, "_", 40))
        return bad(err, "default_result", "must be a code of a-z, 0-9 and _");
    if (!json_is_object(readings))
        return bad(err, "readings", "must be an object");
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
            c = bad(err, "readings", "has a reading for a result that cannot occur");
    }
    return c;
}

static qg_code check_suggest(instrument *inst, qg_error *err)
{
    json_t *sug = json_object_get(inst->def, "suggest"), *none = json_object_get(inst->def, "suggest_none");
    if (!sug && !none)
        return QG_OK;
    if (!sug || !json_is_string(none) || !id_chars(json_string_value(none), "_", 40))
        return bad(err, "suggest_none", "\"suggest\" and a \"suggest_none\" code go together");
    return check_rules(inst, "suggest", true, false, err);
}

static qg_code check_outputs(instrument *inst, qg_error *err)
{
    static const char *const reserved[] = {"instrument", "version", "result", "reading", "indicators",
                                           "unanswered", "needs", "not_a_diagnosis", "sections",
                                           "total", "max", "suggested", "accuracy", "final",
                                           "awaiting", NULL};
    json_t *outs = json_object_get(inst->def, "outputs");
    if (!outs)
        return QG_OK;
    if (!json_is_object(outs))
        return bad(err, "outputs", "must be an object");
    cond_scope s = {inst, inst->nitems, false};
    const char *key;
    json_t *o;
    json_object_foreach(outs, key, o) {
        char p[PATH_LEN];
        snprintf(p, sizeof p, "outputs.%s", key);
        json_t *g = json_is_object(o) && json_object_size(o) == 1
                        ? (json_object_get(o, "count") ? json_object_get(o, "count") : json_object_get(o, "list"))
                        : NULL;
        if (listed(key, reserved) || !id_chars(key, "_", 40))
            return bad(err, p, "is not a free output name");
        if (!json_is_string(g) || !group_within(&s, json_string_value(g)))
            return bad(err, p, "must be {\"count\": group} or {\"list\": group}");
    }
    return QG_OK;
}

static qg_code check_final(instrument *inst, qg_error *err)
{
    json_t *req = json_object_get(inst->def, "final_requires");
    if (!req)
        return QG_OK;
    if (!json_is_array(req) || json_array_size(req) == 0)
        return bad(err, "final_requires", "must be a non-empty array of item ids");
    size_t i;
    json_t *id;
    json_array_foreach(req, i, id) {
        if (!json_is_string(id) || inst_item_index(inst, json_string_value(id)) < 0)
            return bad(err, "final_requires", "names an unknown item");
    }
    return QG_OK;
}

static qg_code check_source(json_t *def, qg_error *err)
{
    static const char *const keys[] = {"manual_lines", "citation", "note", NULL};
    static const char *const required[] = {"manual_lines", "citation", NULL};
    json_t *src = json_object_get(def, "source");
    qg_code c = check_keys(src, keys, required, "source", err);
    if (c == QG_OK)
        c = check_string(json_object_get(src, "manual_lines"), "source.manual_lines", err);
    if (c == QG_OK)
        c = check_string(json_object_get(src, "citation"), "source.citation", err);
    if (c == QG_OK)
        c = optional_text(src, "note", "source", err);
    return c;
}

static qg_code check_accuracy(json_t *def, qg_error *err)
{
    static const char *const keys[] = {"sensitivity", "specificity", "population", "citation", NULL};
    json_t *acc = json_object_get(def, "accuracy");
    if (!acc)
        return QG_OK;
    qg_code c = check_keys(acc, keys, keys, "accuracy", err);
    for (int i = 0; c == QG_OK && i < 2; i++) {
        json_t *v = json_object_get(acc, keys[i]);
        if (!json_is_real(v) || json_real_value(v) < 0 || json_real_value(v) > 1)
            c = bad(err, i ? "accuracy.specificity" : "accuracy.sensitivity", "must be a fraction 0..1");
    }
    if (c == QG_OK)
        c = check_text(json_object_get(acc, "population"), "accuracy.population", err);
    if (c == QG_OK)
        c = check_string(json_object_get(acc, "citation"), "accuracy.citation", err);
    return c;
}

static qg_code check_header(instrument *inst, qg_error *err)
{
    static const char *const keys[] = {"format", "id", "version", "kind", "title", "source",
                                       "population", "accuracy", "intro", "sections", "items",
                                       "results", "default_result", "readings", "suggest",
                                       "suggest_none", "outputs", "final_requires", NULL};
    static const char *const required[] = {"format", "id", "version", "kind", "title", "source",
                                           "population", "items", "default_result", "readings", NULL};
    static const char *const kinds[] = {"screen", "assessment", "checklist", NULL};
    json_t *def = inst->def;
    qg_code c = check_keys(def, keys, required, "file", err);
    if (c != QG_OK)
        return c;
    json_t *format = json_object_get(def, "format"), *version = json_object_get(def, "version");
    const char *id = json_string_value(json_object_get(def, "id"));
    const char *kind = json_string_value(json_object_get(def, "kind"));
    if (!json_is_integer(format) || json_integer_value(format) != 1)
        return bad(err, "format", "must be 1");
    if (!id || !id_chars(id, "-", 40))
        return bad(err, "id", "must be 1-40 of a-z, 0-9 and -");
    if (!json_is_integer(version) || json_integer_value(version) < 1 || json_integer_value(version) > 9999)
        return bad(err, "version", "must be a whole number 1..9999");
    if (!kind || !listed(kind, kinds))
        return bad(err, "kind", "must be screen, assessment or checklist");
    inst->id = id;
    inst->version = (int)json_integer_value(version);
    c = check_text(json_object_get(def, "title"), "title", err);
    if (c == QG_OK)
        c = check_text(json_object_get(def, "population"), "population", err);
    if (c == QG_OK)
        c = optional_text(def, "intro", "file", err);
    if (c == QG_OK)
        c = check_source(def, err);
    if (c == QG_OK)
        c = check_accuracy(def, err);
    return c;
}

static qg_code check_definition(instrument *inst, qg_error *err)
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
    return c;
}

/* ---- files and sets ---------------------------------------------------------------- */

#ifndef QG_INSTRUMENTS_DIR
#define QG_INSTRUMENTS_DIR "instruments"
#endif

const char *instrument_dir(const char *explicit_dir)
{
    const char *env = getenv("QORGAU_INSTRUMENTS");
    if (explicit_dir)
        return explicit_dir;
    return env && *env ? env : QG_INSTRUMENTS_DIR;
}

void instrument_free(instrument *inst)
{
    if (!inst)
        return;
    free(inst->items);
    free(inst->sections);
    json_decref(inst->def);
    free(inst);
}

static qg_code read_json_file(const char *path, json_t **out, qg_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return qg_fail(err, QG_EIO, "file", "cannot be read");
    char *buf = malloc(INSTRUMENT_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, INSTRUMENT_FILE_MAX + 1, f) : 0;
    fclose(f);
    if (!buf)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    if (n > INSTRUMENT_FILE_MAX) {
        free(buf);
        return qg_fail(err, QG_ETOOLARGE, "file", "is larger than 1 MiB");
    }
    json_error_t jerr;
    *out = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
    free(buf);
    if (!*out)
        return qg_fail(err, QG_EINVAL, "file", "is not valid JSON (line %d)", jerr.line);
    return QG_OK;
}

qg_code instrument_load_file(const char *path, instrument **out, qg_error *err)
{
    *out = NULL;
    instrument *inst = calloc(1, sizeof *inst);
    if (!inst)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    qg_code c = read_json_file(path, &inst->def, err);
    if (c == QG_OK)
        c = check_definition(inst, err);
    if (c != QG_OK) {
        instrument_free(inst);
        return c;
    }
    *out = inst;
    return QG_OK;
}

struct instrument_set {
    instrument **all;
    size_t count;
};

void instrument_set_free(instrument_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        instrument_free(set->all[i]);
    free(set->all);
    free(set);
}

/* Splits "<id>.v<N>.json"; returns false for any other name ending in .json. */
static bool file_name_parts(const char *name, char *id, size_t idsize, int *version)
{
    size_t n = strlen(name);
    const char *v = strstr(name, ".v");
    if (n < 8 || strcmp(name + n - 5, ".json") != 0 || !v || (size_t)(v - name) >= idsize)
        return false;
    char *end;
    long ver = strtol(v + 2, &end, 10);
    if (end == v + 2 || strcmp(end, ".json") != 0 || ver < 1 || ver > 9999)
        return false;
    memcpy(id, name, (size_t)(v - name));
    id[v - name] = '\0';
    *version = (int)ver;
    return true;
}

static qg_code set_add(instrument_set *set, instrument *inst, qg_error *err)
{
    if (instrument_find(set, inst->id, inst->version))
        return qg_fail(err, QG_EINVAL, "version", "this id and version are loaded twice");
    instrument **grown = realloc(set->all, (set->count + 1) * sizeof *grown);
    if (!grown)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    set->all = grown;
    set->all[set->count++] = inst;
    return QG_OK;
}

static qg_code load_entry(instrument_set *set, const char *dir, const char *name, qg_error *err)
{
    char id[64], path[4096];
    int version;
    if (!file_name_parts(name, id, sizeof id, &version))
        return qg_fail(err, QG_EINVAL, "file", "name must be <id>.v<version>.json");
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return qg_fail(err, QG_EINVAL, "file", "path is too long");
    instrument *inst;
    qg_code c = instrument_load_file(path, &inst, err);
    if (c != QG_OK)
        return c;
    if (strcmp(inst->id, id) != 0 || inst->version != version)
        c = qg_fail(err, QG_EINVAL, "id", "id and version must match the file name");
    if (c == QG_OK)
        c = set_add(set, inst, err);
    if (c != QG_OK)
        instrument_free(inst);
    return c;
}

qg_code instrument_set_load(const char *dir, instrument_set **out, char *file, size_t size,
                            qg_error *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return qg_fail(err, QG_EIO, "instruments", "directory cannot be read");
    instrument_set *set = calloc(1, sizeof *set);
    qg_code c = set ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    struct dirent *e;
    while (c == QG_OK && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        c = load_entry(set, dir, e->d_name, err);
        if (c != QG_OK && file)
            snprintf(file, size, "%s", e->d_name);
    }
    closedir(d);
    if (c == QG_OK && set->count == 0)
        c = qg_fail(err, QG_EINVAL, "instruments", "directory holds no instrument");
    if (c != QG_OK) {
        instrument_set_free(set);
        return c;
    }
    *out = set;
    return QG_OK;
}

const instrument *instrument_find(const instrument_set *set, const char *id, int version)
{
    const instrument *best = NULL;
    for (size_t i = 0; set && id && i < set->count; i++) {
        const instrument *in = set->all[i];
        if (strcmp(in->id, id) != 0)
            continue;
        if (version ? in->version == version : (!best || in->version > best->version))
            best = in;
    }
    return best;
}

const char *instrument_id(const instrument *inst) { return inst->id; }

int instrument_version(const instrument *inst) { return inst->version; }

json_t *instrument_definition(const instrument *inst) { return json_incref(inst->def); }

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static json_t *versions_of(const instrument_set *set, const char *id)
{
    int found[64];
    size_t n = 0;
    for (size_t i = 0; i < set->count && n < 64; i++)
        if (strcmp(set->all[i]->id, id) == 0)
            found[n++] = set->all[i]->version;
    qsort(found, n, sizeof found[0], by_int);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_integer(found[i]));
    return list;
}

static json_t *summary(const instrument_set *set, const instrument *in)
{
    json_t *s = json_pack("{s:s, s:i, s:o, s:O, s:O, s:O, s:O}", "id", in->id, "version", in->version,
                          "versions", versions_of(set, in->id), "kind",
                          json_object_get(in->def, "kind"), "title", json_object_get(in->def, "title"),
                          "population", json_object_get(in->def, "population"), "source",
                          json_object_get(in->def, "source"));
    json_t *acc = json_object_get(in->def, "accuracy");
    if (s && acc)
        json_object_set(s, "accuracy", acc);
    return s;
}

static int by_id(const void *a, const void *b)
{
    return strcmp((*(const instrument *const *)a)->id, (*(const instrument *const *)b)->id);
}

json_t *instrument_set_list(const instrument_set *set)
{
    instrument **sorted = malloc((set->count ? set->count : 1) * sizeof *sorted);
    json_t *list = json_array();
    if (!sorted || !list) {
        free(sorted);
        json_decref(list);
        return NULL;
    }
    memcpy(sorted, set->all, set->count * sizeof *sorted);
    qsort(sorted, set->count, sizeof *sorted, by_id);
    for (size_t i = 0; i < set->count; i++)
        if (instrument_find(set, sorted[i]->id, 0) == sorted[i])
            json_array_append_new(list, summary(set, sorted[i]));
    free(sorted);
    return json_pack("{s:o}", "instruments", list);
}
