/* referral_phone.c — the sender records the answer the recipient gave by phone (see
 * referral.h): only while the referral waits for its answer, only by the sending side,
 * marked in the history as recorded by the sender "by phone" so that every page shows it
 * as such, and audited "referral.phone_answer". */
#include <stdio.h>
#include <string.h>

#include "core/account/policy.h"
#include "core/referral/referral_impl.h"

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char ref[REFERRAL_REF_SIZE];
    referral_action action; /* REF_ACCEPT or REF_DECLINE */
    json_t *body; /* borrowed */
    referral_row row;
    json_t *result;
} phone_job;

/* The answer ("accepted" or "declined") and the rest of the body as a transition's. */
static qg_code check_body(phone_job *j, qg_error *err)
{
    if (!json_is_object(j->body))
        return qg_fail(err, QG_EINVAL, "body", "body.not_object", "must be a JSON object");
    const char *answer = json_string_value(json_object_get(j->body, "answer"));
    if (!answer)
        return qg_fail(err, QG_EINVAL, "answer", "value.required",
                       "is required: accepted or declined");
    if (strcmp(answer, "accepted") == 0)
        j->action = REF_ACCEPT;
    else if (strcmp(answer, "declined") == 0)
        j->action = REF_DECLINE;
    else
        return qg_fail(err, QG_EINVAL, "answer", "value.not_in_list",
                       "must be accepted or declined");
    json_t *rest = json_copy(j->body);
    if (!rest)
        return oom(err);
    json_object_del(rest, "answer");
    qg_code c = referral_check_transition(rest, j->action, err);
    json_decref(rest);
    return c;
}

/* Only an answer the referral still waits for: refused once the recipient answered. */
static qg_code check_state(const phone_job *j, qg_error *err)
{
    json_t *want = json_object_get(j->body, "version");
    if (strcmp(j->row.status, "cancelled") == 0)
        return qg_fail(err, QG_ECONFLICT, "status", "referral.cancelled",
                       "the referral was cancelled");
    if (strcmp(j->row.status, "sent") != 0)
        return qg_fail(err, QG_ECONFLICT, "status", "referral.already_answered",
                       "the recipient has already answered this referral");
    if (want && json_integer_value(want) != j->row.version)
        return qg_fail(err, QG_ECONFLICT, "version", "version.stale",
                       "the referral was changed by someone else; reload it");
    return QG_OK;
}

/* Marks the newest history entry of the referral as an answer given by phone. */
static qg_code mark_by_phone(db *conn, const referral_row *r, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "UPDATE referral_events SET by_phone = 1 WHERE referral_id = ? AND"
                             " n = (SELECT MAX(n) FROM referral_events WHERE referral_id = ?)",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->id);
    db_bind_int(st, 2, r->id);
    return db_run(st, err);
}

static qg_code phone_in_tx(db *conn, void *arg, qg_error *err)
{
    phone_job *j = arg;
    referral_side side = SIDE_NONE;
    const char *to = NULL;
    const char *reason = json_string_value(json_object_get(j->body, "reason"));
    qg_code c = referral_load(conn, j->ref, &j->row, err);
    if (c == QG_OK)
        c = referral_side_of(conn, j->actor, &j->row, &side, err);
    if (c == QG_OK && side != SIDE_SENDER)
        c = referral_not_found(err);
    if (c == QG_OK)
        c = check_state(j, err);
    if (c == QG_OK)
        c = referral_next_status("sent", j->action, &to, err);
    if (c == QG_OK)
        c = referral_event(conn, j->app->keys, &j->row, "sent", to, reason,
                           json_object_get(j->body, "note"), j->actor->user_id, false, err);
    if (c == QG_OK)
        c = mark_by_phone(conn, &j->row, err);
    if (c == QG_OK)
        c = referral_set_status(conn, &j->row, to, err);
    if (c == QG_OK)
        c = referral_audit(conn, j->app->keys, j->actor, "referral.phone_answer", &j->row,
                           json_pack("{s:s, s:s, s:o, s:b}", "from", "sent", "to", to, "reason",
                                     reason ? json_string(reason) : json_null(), "by_phone", true),
                           err);
    if (c == QG_OK && !(j->result = referral_summary(&j->row)))
        c = oom(err);
    if (c == QG_OK && json_object_set_new(j->result, "by_phone", json_true()) != 0)
        c = oom(err);
    return c;
}

qg_code referral_phone_answer(qg_app *app, const qg_actor *actor, const char *ref, json_t *body,
                              json_t **out, qg_error *err)
{
    phone_job j = {.app = app, .actor = actor, .body = body};
    *out = NULL;
    if (policy_decide(actor, ACT_REFERRAL_SEND, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    if (!referral_ref_parse(ref, j.ref))
        return referral_not_found(err);
    qg_code c = check_body(&j, err);
    if (c == QG_OK)
        c = writer_run(app->writer, phone_in_tx, &j, err);
    referral_row_free(&j.row);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
