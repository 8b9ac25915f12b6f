/* stage.c — stage moves, closing and reopening (see stage.h); the history they write is
 * kept by stage_history.c. */
#include "core/case/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case_access.h"
#include "core/case/case_input.h"
#include "core/common/input.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

#define STAGE_ASSESSMENT 3 /* the first stage that repeats (L2493–2496) */
#define STAGE_MONITORING 8 /* the last stage that repeats */
#define STAGE_RECOVERY 9
#define STAGE_CLOSURE 10

int stage_number(const char *stage)
{
    for (size_t i = 0; stage && i < VOCAB_STAGE.count; i++)
        if (strcmp(VOCAB_STAGE.entries[i].code, stage) == 0)
            return (int)i + 1;
    return 0;
}

qg_code stage_check_move(const char *from, const char *to, bool *needs_note, qg_error *err)
{
    int a = stage_number(from), b = stage_number(to);
    *needs_note = false;
    if (!b)
        return qg_fail(err, QG_EINVAL, "stage", "value.not_in_list", "is not a known stage code");
    if (b == STAGE_CLOSURE)
        return qg_fail(err, QG_EINVAL, "stage", "stage.closure_by_closing",
                       "closure is reached only by closing the case, with a reason");
    if (a == b)
        return qg_fail(err, QG_ECONFLICT, "stage", "stage.already_current",
                       "is already the case's current stage");
    if (b > a)
        return QG_OK;
    if (b < STAGE_ASSESSMENT)
        return qg_fail(
            err, QG_ECONFLICT, "stage", "stage.no_return",
            "a case never goes back to identification or exit assistance; only stages 3-8 repeat");
    if (b > STAGE_MONITORING || a > STAGE_RECOVERY)
        return qg_fail(err, QG_ECONFLICT, "stage", "stage.no_repeat",
                       "only stages 3-8 (assessment to monitoring) repeat");
    *needs_note = true;
    return QG_OK;
}

/* ---- the job ---------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    const char *event;  /* move, close, reopen */
    const char *to;     /* the new stage */
    const char *reason; /* close reason code, or NULL */
    json_t *note;       /* borrowed from the body, or NULL */
    case_state state;
    json_t *result;
} stage_job;

/* Sets the case's stage, status and closing fields, and bumps its version. */
static qg_code write_case(db *conn, int64_t case_id, const char *stage, const char *status,
                          const char *reason, qg_error *err)
{
    char now[21], today[11];
    db_now_iso(now);
    text_today(today);
    db_stmt *st =
        db_prepare(conn,
                   "UPDATE cases SET stage = ?, status = ?, close_reason = ?, closed_on = ?,"
                   " updated_at = ?, version = version + 1 WHERE id = ?",
                   err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, stage);
    db_bind_text(st, 2, status);
    db_bind_text(st, 3, reason);
    db_bind_text(st, 4, strcmp(status, "closed") == 0 ? today : NULL);
    db_bind_text(st, 5, now);
    db_bind_int(st, 6, case_id);
    return db_run(st, err);
}

/* ---- input ---------------------------------------------------------------------- */

static qg_code read_note(json_t *body, bool required, stage_job *j, qg_error *err)
{
    j->note = json_object_get(body, "note");
    if (!j->note)
        return required ? qg_fail(err, QG_EINVAL, "note", "note.required", "is required: say why")
                        : QG_OK;
    return case_input_text(j->note, STAGE_NOTE_MAX, true, "note", err);
}

/* ---- the changes ----------------------------------------------------------------- */

static qg_code audit_change(db *conn, stage_job *j, const char *action, qg_error *err)
{
    json_t *detail = json_pack("{s:s, s:s}", "from", j->state.stage, "to", j->to);
    if (detail && j->reason)
        json_object_set_new(detail, "reason", json_string(j->reason));
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

static qg_code apply_change(db *conn, stage_job *j, const char *status, const char *action,
                            qg_error *err)
{
    qg_code c = stage_history_append(conn, j->app->keys, j->state.id, j->event, j->state.stage,
                                     j->to, j->reason, j->note, j->actor, err);
    if (c == QG_OK)
        c = write_case(conn, j->state.id, j->to, status, j->reason, err);
    if (c == QG_OK)
        c = audit_change(conn, j, action, err);
    if (c == QG_OK)
        c = stage_history_view(conn, j->app->keys, j->state.id, false, &j->result, err);
    return c;
}

static qg_code move_in_tx(db *conn, void *arg, qg_error *err)
{
    stage_job *j = arg;
    bool needs_note = false;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_UPDATE, j->code, &j->state, err);
    if (c == QG_OK && j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "case.closed",
                    "the case is closed; reopen it first");
    if (c == QG_OK)
        c = stage_check_move(j->state.stage, j->to, &needs_note, err);
    if (c == QG_OK && needs_note && !j->note)
        c = qg_fail(err, QG_EINVAL, "note", "stage.repeat_note_required",
                    "is required when a stage is repeated: say why");
    return c == QG_OK ? apply_change(conn, j, "open", "case.stage", err) : c;
}

static qg_code close_in_tx(db *conn, void *arg, qg_error *err)
{
    stage_job *j = arg;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_CLOSE, j->code, &j->state, err);
    if (c == QG_OK && j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "case.already_closed",
                    "the case is already closed");
    return c == QG_OK ? apply_change(conn, j, "closed", "case.close", err) : c;
}

static qg_code reopen_in_tx(db *conn, void *arg, qg_error *err)
{
    stage_job *j = arg;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_CLOSE, j->code, &j->state, err);
    if (c == QG_OK && !j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "case.not_closed",
                    "the case is open; only a closed case is reopened");
    return c == QG_OK ? apply_change(conn, j, "open", "case.reopen", err) : c;
}

static qg_code run(stage_job *j, write_fn fn, json_t **out, qg_error *err)
{
    qg_code c = writer_run(j->app->writer, fn, j, err);
    if (c == QG_OK)
        *out = j->result;
    else
        json_decref(j->result);
    return c;
}

qg_code stage_move(qg_app *app, const qg_actor *actor, const char *code, json_t *body, json_t **out,
                   qg_error *err)
{
    static const char *const keys[] = {"stage", "note", NULL};
    stage_job j = {.app = app, .actor = actor, .event = "move"};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_UPDATE, code, j.code, err);
    if (c == QG_OK)
        c = input_check_keys(body, keys, err);
    j.to = json_string_value(json_object_get(body, "stage"));
    if (c == QG_OK && !stage_number(j.to))
        c = qg_fail(err, QG_EINVAL, "stage", "value.required", "is required: a stage code");
    if (c == QG_OK)
        c = read_note(body, false, &j, err);
    return c == QG_OK ? run(&j, move_in_tx, out, err) : c;
}

qg_code stage_close(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                    json_t **out, qg_error *err)
{
    static const char *const keys[] = {"reason", "note", NULL};
    stage_job j = {.app = app, .actor = actor, .event = "close", .to = "closure"};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_CLOSE, code, j.code, err);
    if (c == QG_OK)
        c = input_check_keys(body, keys, err);
    j.reason = json_string_value(json_object_get(body, "reason"));
    if (c == QG_OK && !vocab_has(&VOCAB_CLOSE_REASON, j.reason))
        c = qg_fail(err, QG_EINVAL, "reason", "value.required", "is required: a close_reason code");
    if (c == QG_OK) /* "other, with a text" */
        c = read_note(body, strcmp(j.reason, "other") == 0, &j, err);
    return c == QG_OK ? run(&j, close_in_tx, out, err) : c;
}

qg_code stage_reopen(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                     json_t **out, qg_error *err)
{
    static const char *const keys[] = {"note", "stage", NULL};
    stage_job j = {.app = app, .actor = actor, .event = "reopen", .to = "assessment"};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_CLOSE, code, j.code, err);
    if (c == QG_OK)
        c = input_check_keys(body, keys, err);
    json_t *stage = json_object_get(body, "stage");
    if (c == QG_OK && stage) {
        j.to = json_string_value(stage);
        int n = stage_number(j.to);
        if (n < STAGE_ASSESSMENT || n > STAGE_RECOVERY)
            c = qg_fail(err, QG_EINVAL, "stage", "stage.not_on_reopening",
                        "a reopened case returns to a stage from assessment to recovery");
    }
    if (c == QG_OK)
        c = read_note(body, true, &j, err);
    return c == QG_OK ? run(&j, reopen_in_tx, out, err) : c;
}
