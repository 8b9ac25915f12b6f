/*
 * instrument_check.c — the small checks on an instrument's JSON and the check of its
 * conditions: every condition refers to an earlier item with an operand of the item's
 * type (see instrument_check.h).
 */
#include "core/instrument/instrument_check.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "core/vocab/vocab.h"

const char *const INST_TYPE_NAMES[] = {"yesno",  "rating", "choice", "multichoice",
                                       "number", "text",   "country"};

const char *const INST_COMPARE_OPS[] = {"eq", "ne", "in", "lt", "le", "gt", "ge", "has", NULL};

/* ---- small checks --------------------------------------------------------------- */

bool inst_listed(const char *key, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(key, names[i]) == 0)
            return true;
    return false;
}

qg_code inst_bad(qg_error *err, const char *path, const char *message)
{
    return qg_fail(err, QG_EINVAL, path, "instrument.definition", "%s", message);
}

/* Every key of obj must be in allowed and every name of required present. */
qg_code inst_check_keys(json_t *obj, const char *const *allowed, const char *const *required,
                        const char *path, qg_error *err)
{
    if (!json_is_object(obj))
        return inst_bad(err, path, "must be an object");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (!inst_listed(key, allowed)) {
            char p[INST_PATH_LEN];
            snprintf(p, sizeof p, "%s.%s", path, key);
            return inst_bad(err, p, "unknown key");
        }
    }
    for (size_t i = 0; required && required[i]; i++) {
        if (!json_object_get(obj, required[i])) {
            char p[INST_PATH_LEN];
            snprintf(p, sizeof p, "%s.%s", path, required[i]);
            return inst_bad(err, p, "is required");
        }
    }
    return QG_OK;
}

bool inst_id_chars(const char *s, const char *extra, size_t max)
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

qg_code inst_check_string(json_t *v, const char *path, qg_error *err)
{
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        !text_utf8_valid(json_string_value(v), true))
        return inst_bad(err, path, "must be a non-empty UTF-8 string");
    return QG_OK;
}

/* A text object: exactly kk, ru and en, none empty. */
qg_code inst_check_text(json_t *v, const char *path, qg_error *err)
{
    static const char *const langs[] = {"kk", "ru", "en", NULL};
    qg_code c = inst_check_keys(v, langs, langs, path, err);
    for (size_t i = 0; c == QG_OK && langs[i]; i++) {
        char p[INST_PATH_LEN];
        snprintf(p, sizeof p, "%s.%s", path, langs[i]);
        c = inst_check_string(json_object_get(v, langs[i]), p, err);
    }
    return c;
}

/* obj's member key must be a text object; a fault is reported at "path.key...". */
qg_code inst_member_text(json_t *obj, const char *key, const char *path, qg_error *err)
{
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return inst_check_text(json_object_get(obj, key), p, err);
}

/* obj's member key must be a non-empty string; a fault is reported at "path.key". */
qg_code inst_member_string(json_t *obj, const char *key, const char *path, qg_error *err)
{
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return inst_check_string(json_object_get(obj, key), p, err);
}

qg_code inst_optional_text(json_t *obj, const char *key, const char *path, qg_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return QG_OK;
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return inst_check_text(v, p, err);
}

qg_code inst_get_int(json_t *obj, const char *key, long long lo, long long hi, long long def,
                     long long *out, const char *path, qg_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v)
        return QG_OK;
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return inst_bad(err, p, "must be a whole number in range");
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

/* Checks one comparison operand against the type of the item it compares. */
qg_code inst_check_operand(const inst_item *it, const char *op, json_t *v, const char *path,
                           qg_error *err)
{
    bool numeric = it->type == IT_RATING || it->type == IT_NUMBER;
    if (strcmp(op, "in") == 0) {
        if (!json_is_array(v) || json_array_size(v) == 0)
            return inst_bad(err, path, "\"in\" needs a non-empty array");
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            qg_code c = inst_check_operand(it, "eq", e, path, err);
            if (c != QG_OK)
                return c;
        }
        return QG_OK;
    }
    if (strcmp(op, "has") == 0) {
        if (it->type != IT_MULTI || !json_is_string(v) ||
            !inst_has_option(it, json_string_value(v)))
            return inst_bad(err, path, "\"has\" needs a multichoice item and one of its options");
        return QG_OK;
    }
    bool ordering = strcmp(op, "eq") != 0 && strcmp(op, "ne") != 0;
    if (numeric)
        return json_is_integer(v) ? QG_OK : inst_bad(err, path, "operand must be a whole number");
    if (ordering)
        return inst_bad(err, path, "ordering needs a rating or number item");
    const char *s = json_string_value(v);
    bool ok = s && ((it->type == IT_YESNO && (!strcmp(s, "yes") || !strcmp(s, "no"))) ||
                    (it->type == IT_CHOICE && inst_has_option(it, s)) ||
                    (it->type == IT_COUNTRY && vocab_has(&VOCAB_COUNTRY, s)));
    return ok ? QG_OK : inst_bad(err, path, "operand does not fit the item's answers");
}

/* Finds the one comparison operator of cond (NULL when none or several). */
const char *inst_compare_op(json_t *cond, const char *const *ops)
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

static qg_code referred_item(const inst_cond_scope *s, json_t *name, const char *path, int *index,
                             qg_error *err)
{
    int i = json_is_string(name) ? inst_item_index(s->inst, json_string_value(name)) : -1;
    if (i < 0 || (size_t)i >= s->upto)
        return inst_bad(err, path, "must name an item that comes earlier");
    *index = i;
    return QG_OK;
}

static qg_code check_item_cond(const inst_cond_scope *s, json_t *cond, const char *path,
                               qg_error *err)
{
    static const char *const keys[] = {"item", "eq", "ne", "in", "lt", "le", "gt", "ge", "has",
                                       "answered", NULL};
    qg_code c = inst_check_keys(cond, keys, NULL, path, err);
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
                return inst_bad(err, path, "items compared together must have one type");
            if (first < 0)
                first = idx;
        }
    } else if ((c = referred_item(s, names, path, &first, err)) != QG_OK) {
        return c;
    }
    json_t *answered = json_object_get(cond, "answered");
    const char *op = inst_compare_op(cond, INST_COMPARE_OPS);
    if (answered)
        return (json_is_boolean(answered) && !op)
                   ? QG_OK
                   : inst_bad(err, path, "\"answered\" takes true or false alone");
    if (!op)
        return inst_bad(err, path, "needs exactly one comparison");
    return inst_check_operand(&s->inst->items[first], op, json_object_get(cond, op), path, err);
}

bool inst_group_within(const inst_cond_scope *s, const char *group)
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

static qg_code check_count_cond(const inst_cond_scope *s, json_t *cond, const char *path,
                                qg_error *err)
{
    static const char *const keys[] = {"count", "eq", "ne", "lt", "le", "gt", "ge", NULL};
    static const char *const ops[] = {"eq", "ne", "lt", "le", "gt", "ge", NULL};
    qg_code c = inst_check_keys(cond, keys, NULL, path, err);
    if (c != QG_OK)
        return c;
    const char *group = json_string_value(json_object_get(cond, "count"));
    if (!group || !inst_group_within(s, group))
        return inst_bad(err, path, "must name a group of earlier items with indicators");
    const char *op = inst_compare_op(cond, ops);
    if (!op || !json_is_integer(json_object_get(cond, op)))
        return inst_bad(err, path, "needs exactly one comparison with a whole number");
    return QG_OK;
}

static qg_code check_cond_list(const inst_cond_scope *s, json_t *list, const char *path,
                               qg_error *err, int depth)
{
    if (!json_is_array(list) || json_array_size(list) == 0)
        return inst_bad(err, path, "must be a non-empty array of conditions");
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        qg_code c = inst_check_cond(s, e, path, err, depth + 1);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

qg_code inst_check_cond(const inst_cond_scope *s, json_t *cond, const char *path, qg_error *err,
                        int depth)
{
    if (depth > 16)
        return inst_bad(err, path, "conditions nest too deeply");
    if (!json_is_object(cond) || json_object_size(cond) == 0)
        return inst_bad(err, path, "must be a condition object");
    if (json_object_get(cond, "all") || json_object_get(cond, "any")) {
        const char *k = json_object_get(cond, "all") ? "all" : "any";
        if (json_object_size(cond) != 1)
            return inst_bad(err, path, "\"all\"/\"any\" stand alone");
        return check_cond_list(s, json_object_get(cond, k), path, err, depth);
    }
    if (json_object_get(cond, "not")) {
        if (json_object_size(cond) != 1)
            return inst_bad(err, path, "\"not\" stands alone");
        return inst_check_cond(s, json_object_get(cond, "not"), path, err, depth + 1);
    }
    if (json_object_get(cond, "count"))
        return check_count_cond(s, cond, path, err);
    if (json_object_get(cond, "indicator")) {
        int idx;
        qg_code c = referred_item(s, json_object_get(cond, "indicator"), path, &idx, err);
        if (c == QG_OK && (json_object_size(cond) != 1 || !s->inst->items[idx].indicator))
            return inst_bad(err, path, "\"indicator\" needs an item with an indicator, alone");
        return c;
    }
    if (json_object_get(cond, "suggested")) {
        json_t *v = json_object_get(cond, "suggested");
        if (!s->allow_suggested || json_object_size(cond) != 1 || !json_is_string(v) ||
            strcmp(json_string_value(v), "any") != 0)
            return inst_bad(err, path, "{\"suggested\": \"any\"} is allowed in results only");
        return QG_OK;
    }
    return check_item_cond(s, cond, path, err);
}
