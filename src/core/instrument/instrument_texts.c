/*
 * instrument_texts.c — rating scales, the "about" section and the check that labels a
 * person reads carry no developer notes (see instrument_texts.h and instruments/README.md).
 */
#include "core/instrument/instrument_texts.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/instrument/instrument_check.h"

/* ---- scales ------------------------------------------------------------------------- */

static qg_code check_scale_points(json_t *pts, const char *path, qg_error *err)
{
    static const char *const keys[] = {"value", "label", NULL};
    char p[INST_PATH_LEN];
    snprintf(p, sizeof p, "%s.points", path);
    if (!json_is_array(pts) || json_array_size(pts) < 2 || json_array_size(pts) > 20)
        return inst_bad(err, p, "must be an array of 2 to 20 points");
    size_t i;
    json_t *pt;
    json_array_foreach(pts, i, pt) {
        char pp[INST_PATH_LEN];
        snprintf(pp, sizeof pp, "%s[%zu]", p, i);
        qg_code c = inst_check_keys(pt, keys, keys, pp, err);
        json_t *v = json_object_get(pt, "value");
        if (c == QG_OK &&
            (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000))
            c = inst_bad(err, pp, "value must be a whole number 0..1000000");
        if (c == QG_OK && i > 0 &&
            json_integer_value(v) <=
                json_integer_value(json_object_get(json_array_get(pts, i - 1), "value")))
            c = inst_bad(err, pp, "values must rise");
        if (c == QG_OK)
            c = inst_member_text(pt, "label", pp, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

qg_code inst_check_scales(json_t *def, qg_error *err)
{
    static const char *const keys[] = {"source_lines", "points", "hint", NULL};
    static const char *const required[] = {"source_lines", "points", NULL};
    json_t *scales = json_object_get(def, "scales");
    if (!scales)
        return QG_OK;
    if (!json_is_object(scales) || json_object_size(scales) == 0)
        return inst_bad(err, "scales", "must be a non-empty object");
    const char *name;
    json_t *s;
    json_object_foreach(scales, name, s) {
        char path[INST_PATH_LEN];
        snprintf(path, sizeof path, "scales.%.40s", name);
        if (!inst_id_chars(name, "_-", 32))
            return inst_bad(err, path, "a scale's name must be 1-32 of a-z, 0-9, _ and -");
        qg_code c = inst_check_keys(s, keys, required, path, err);
        if (c == QG_OK)
            c = inst_member_string(s, "source_lines", path, err);
        if (c == QG_OK)
            c = inst_optional_text(s, "hint", path, err);
        if (c == QG_OK)
            c = check_scale_points(json_object_get(s, "points"), path, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

qg_code inst_check_item_scale(json_t *def, const inst_item *it, json_t *item, const char *path,
                              qg_error *err)
{
    json_t *name = json_object_get(item, "scale");
    char p[INST_PATH_LEN];
    if (json_object_get(item, "rates")) {
        snprintf(p, sizeof p, "%s.rates", path);
        if (it->type != IT_RATING)
            return inst_bad(err, p, "only rating items say what they rate");
        qg_code c = inst_check_text(json_object_get(item, "rates"), p, err);
        if (c != QG_OK)
            return c;
    }
    if (!name)
        return QG_OK;
    snprintf(p, sizeof p, "%s.scale", path);
    if (it->type != IT_RATING)
        return inst_bad(err, p, "only rating items have a scale");
    json_t *scale = json_is_string(name)
                        ? json_object_get(json_object_get(def, "scales"), json_string_value(name))
                        : NULL;
    if (!scale)
        return inst_bad(err, p, "names no scale in \"scales\"");
    json_t *pts = json_object_get(scale, "points");
    if ((long long)json_array_size(pts) != it->max - it->min + 1)
        return inst_bad(err, p, "the scale's points must be exactly the item's min..max");
    for (size_t i = 0; i < json_array_size(pts); i++)
        if (json_integer_value(json_object_get(json_array_get(pts, i), "value")) !=
            it->min + (long long)i)
            return inst_bad(err, p, "the scale's points must be exactly the item's min..max");
    return QG_OK;
}

/* ---- about -------------------------------------------------------------------------- */

qg_code inst_check_about(json_t *def, qg_error *err)
{
    static const char *const keys[] = {"errata", NULL};
    static const char *const none[] = {NULL};
    static const char *const ekeys[] = {"manual_lines", "manual", "used", "why", NULL};
    json_t *about = json_object_get(def, "about");
    if (!about)
        return QG_OK;
    qg_code c = inst_check_keys(about, keys, none, "about", err);
    if (c != QG_OK)
        return c;
    json_t *errata = json_object_get(about, "errata");
    if (!errata)
        return QG_OK;
    if (!json_is_array(errata) || json_array_size(errata) == 0 || json_array_size(errata) > 100)
        return inst_bad(err, "about.errata", "must be an array of 1 to 100 errata");
    size_t i;
    json_t *e;
    json_array_foreach(errata, i, e) {
        char p[INST_PATH_LEN];
        snprintf(p, sizeof p, "about.errata[%zu]", i);
        c = inst_check_keys(e, ekeys, ekeys, p, err);
        if (c == QG_OK)
            c = inst_member_string(e, "manual_lines", p, err);
        for (size_t k = 1; c == QG_OK && ekeys[k]; k++)
            c = inst_member_text(e, ekeys[k], p, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

/* ---- labels ------------------------------------------------------------------------- */

/* Returns the reason s is not fit to be read on the form, or NULL. */
static const char *label_fault(const char *s, bool intro)
{
    for (const char *p = s; *p; p++) {
        if (p[0] == '(' && p[1] == 'L' && p[2] >= '0' && p[2] <= '9')
            return "carries a manual line reference \"(L...\" (it belongs in \"about\")";
        if (*p == '[' || *p == ']')
            return "carries a square bracket: an unfilled placeholder or a note for developers";
        if (*p == '{' && !(intro && strncmp(p, "{org}", 5) == 0))
            return "carries a brace: only \"{org}\" in \"intro\" is filled in";
        if (*p == '}' && !(intro && p >= s + 4 && strncmp(p - 4, "{org}", 5) == 0))
            return "carries a brace: only \"{org}\" in \"intro\" is filled in";
    }
    return NULL;
}

static bool is_text(json_t *v)
{
    return json_is_object(v) && json_object_size(v) == 3 &&
           json_is_string(json_object_get(v, "kk")) && json_is_string(json_object_get(v, "ru")) &&
           json_is_string(json_object_get(v, "en"));
}

static qg_code walk_labels(json_t *v, const char *path, bool intro, qg_error *err)
{
    char p[INST_PATH_LEN];
    if (is_text(v)) {
        const char *lang;
        json_t *s;
        json_object_foreach(v, lang, s) {
            const char *why = label_fault(json_string_value(s), intro);
            if (why) {
                snprintf(p, sizeof p, "%s.%s", path, lang);
                return inst_bad(err, p, why);
            }
        }
        return QG_OK;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            qg_code c = walk_labels(e, p, intro, err);
            if (c != QG_OK)
                return c;
        }
    } else if (json_is_object(v)) {
        const char *key;
        json_t *e;
        json_object_foreach(v, key, e) {
            snprintf(p, sizeof p, "%s%s%.40s", path, *path ? "." : "", key);
            qg_code c = walk_labels(e, p, intro, err);
            if (c != QG_OK)
                return c;
        }
    }
    return QG_OK;
}

qg_code inst_check_labels(json_t *def, qg_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(def, key, v) {
        if (!strcmp(key, "source") || !strcmp(key, "about"))
            continue;
        qg_code c = walk_labels(v, key, !strcmp(key, "intro"), err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}
