/* api_screen.c — the instrument routes (list, definition, scoring without a case), a
 * case's screenings and suggested needs, and the legal-qualification helper. Screening
 * numbers and case codes are the only identifiers in paths; answers travel only in
 * bodies. */
#include <string.h>

#include "api/api_call.h"
#include "core/instrument/instrument.h"
#include "core/instrument/need.h"
#include "core/instrument/qualify.h"
#include "core/instrument/screening.h"

static void answer(api_call *call, qg_code c, const qg_error *err, int status, json_t *out)
{
    if (c == QG_OK)
        api_reply(call, status, out);
    else
        api_fail(call, err, NULL);
}

/* Finds the instrument of the path, at ?version=N or the newest; answers 404 when
 * there is none. */
static const instrument *path_instrument(api_call *call)
{
    int64_t version;
    if (!api_query_int(call, "version", 0, 1, 9999, &version))
        return NULL;
    const instrument *inst =
        instrument_find(call->api->app->instruments, call->params[0], (int)version);
    if (!inst)
        api_fail_new(call, QG_ENOTFOUND, "instrument", "instrument.not_found",
                     "no such instrument or version");
    return inst;
}

void api_instruments_list(api_call *call)
{
    json_t *list = instrument_set_list(call->api->app->instruments);
    if (list)
        api_reply(call, 200, list);
    else
        api_fail_new(call, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

void api_instruments_show(api_call *call)
{
    const instrument *inst = path_instrument(call);
    if (inst)
        api_reply(call, 200, instrument_definition(inst));
}

/* Scores {"answers": {...}} without storing anything: for training, for a quick check
 * before a screening is recorded, and for the web form, which adds
 * "drop_inapplicable": true to have answers to items that do not apply dropped (and
 * listed in "dropped") instead of refused. */
void api_instruments_score(api_call *call)
{
    const instrument *inst = path_instrument(call);
    json_t *body = inst ? api_body(call) : NULL;
    if (!body)
        return;
    json_t *out = NULL, *drop = json_object_get(body, "drop_inapplicable");
    qg_error err = {0};
    qg_code c = QG_OK;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "answers") != 0 && strcmp(key, "drop_inapplicable") != 0)
            c = qg_fail(&err, QG_EINVAL, "body", "body.unknown_key",
                        "has a key other than \"answers\" and \"drop_inapplicable\"");
    }
    if (c == QG_OK && drop && !json_is_boolean(drop))
        c = qg_fail(&err, QG_EINVAL, "drop_inapplicable", "value.not_boolean",
                    "must be true or false");
    if (c == QG_OK && !json_object_get(body, "answers"))
        c = qg_fail(&err, QG_EINVAL, "answers", "value.required",
                    "is required (an object of item ids to answers)");
    if (c == QG_OK && json_is_true(drop))
        c = instrument_score_dropping(inst, json_object_get(body, "answers"), &out, &err);
    else if (c == QG_OK)
        c = instrument_score(inst, json_object_get(body, "answers"), &out, &err);
    json_decref(body);
    answer(call, c, &err, 200, out);
}

void api_screenings_create(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c =
        screening_create(call->api->app, &call->who.actor, call->params[0], body, &out, &err);
    json_decref(body);
    answer(call, c, &err, 201, out);
}

void api_screenings_list(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = screening_list(call->api->app, &call->who.actor, call->params[0], &out, &err);
    answer(call, c, &err, 200, out);
}

void api_screenings_show(api_call *call)
{
    int64_t n;
    if (!api_path_number(call, "screening", "screening.not_found", "no such screening", &n))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = screening_get(call->api->app, &call->who.actor, call->params[0], n, &out, &err);
    answer(call, c, &err, 200, out);
}

void api_screenings_update(api_call *call)
{
    api_with_case_record_body(call, "screening", "screening.not_found", "no such screening",
                              screening_update);
}

void api_case_needs(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = need_list(call->api->app, &call->who.actor, call->params[0], &out, &err);
    answer(call, c, &err, 200, out);
}

/* POST /cases/{code}/needs/{need}/addressed {"how", "reason"?, "on"?} */
void api_case_need_address(api_call *call)
{
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    qg_code c = need_address(call->api->app, &call->who.actor, call->params[0], call->params[1],
                             body, &out, &err);
    json_decref(body);
    answer(call, c, &err, 200, out);
}

/* DELETE /cases/{code}/needs/{need}/addressed: the need is open again. */
void api_case_need_reopen(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = need_reopen(call->api->app, &call->who.actor, call->params[0], call->params[1],
                            &out, &err);
    answer(call, c, &err, 200, out);
}

void api_qualify(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = qualify_facts(body, &out, &err);
    json_decref(body);
    answer(call, c, &err, 200, out);
}
