/*
 * fuzz_answers.c — libFuzzer target for the instrument answer validator and scorer.
 * The first byte picks one of the shipped instruments (instruments/), the rest is the
 * answers object as the API and `qorgau screen score` receive it. Beyond "never
 * crashes or trips a sanitizer" it checks that a refusal names "answers" or one of its
 * items and never repeats an answer, and that an accepted set gives a result with
 * every required member, a result the instrument has a reading for, and indicators
 * and unanswered items that are items of the instrument.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument/instrument.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static instrument_set *set;
static json_t *ids;

static void load_once(void)
{
    qg_error err = {0};
    if (set)
        return;
    if (instrument_set_load(QG_INSTRUMENTS_DIR, &set, NULL, 0, &err) != QG_OK)
        abort();
    ids = json_array();
    size_t i;
    json_t *e;
    json_t *list = instrument_set_list(set);
    json_array_foreach(json_object_get(list, "instruments"), i, e)
        json_array_append(ids, json_object_get(e, "id"));
    json_decref(list);
}

/* A refusal names "answers" or "answers.<a key of answers>", and its message repeats
 * no answer. An answer shorter than 8 bytes is not looked for: it can be a word of the
 * fixed messages themselves (an answer "text" beside "must be text" is no echo), as in
 * fuzz_input.c. */
static void assert_no_echo(json_t *answers, const qg_error *err)
{
    const char *key;
    json_t *v;
    bool named = strcmp(err->field, "answers") == 0;
    json_object_foreach(answers, key, v) {
        const char *s = json_string_value(v);
        if (s && strlen(s) >= 8 && strstr(err->message, s))
            abort();
        named = named || (strncmp(err->field, "answers.", 8) == 0 && strcmp(err->field + 8, key) == 0);
    }
    if (!named)
        abort();
}

static bool is_item(json_t *def, json_t *id)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(def, "items"), i, item) {
        if (json_equal(json_object_get(item, "id"), id))
            return true;
    }
    return false;
}

static void check_result(const instrument *inst, json_t *r)
{
    json_t *def = instrument_definition(inst);
    const char *result = json_string_value(json_object_get(r, "result"));
    if (!result || !json_object_get(json_object_get(def, "readings"), result) ||
        !json_is_array(json_object_get(r, "indicators")) || !json_is_array(json_object_get(r, "unanswered")) ||
        !json_is_array(json_object_get(r, "needs")) || !json_object_get(r, "reading"))
        abort();
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(r, "indicators"), i, id) {
        if (!is_item(def, id))
            abort();
    }
    json_array_foreach(json_object_get(r, "unanswered"), i, id) {
        if (!is_item(def, id))
            abort();
    }
    json_decref(def);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once();
    if (size < 1)
        return 0;
    const char *id = json_string_value(json_array_get(ids, data[0] % json_array_size(ids)));
    const instrument *inst = instrument_find(set, id, 0);
    json_t *answers = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
    if (!answers)
        return 0;
    qg_error err = {0};
    json_t *result = NULL;
    if (instrument_score(inst, answers, &result, &err) == QG_OK)
        check_result(inst, result);
    else
        assert_no_echo(answers, &err);
    json_decref(result);
    json_decref(answers);
    return 0;
}
