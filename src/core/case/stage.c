/* stage.c — stage moves, closing and reopening, and the stage history (see stage.h). */
#include "core/case/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/case/case_input.h"
#include "core/common/input.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"
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
        return qg_fail(err, QG_EINVAL, "stage", "is not a known stage code");
    if (b == STAGE_CLOSURE)
        return qg_fail(err, QG_EINVAL, "stage", "closure is reached only by closing the case, with a reason");
    if (a == b)
        return qg_fail(err, QG_ECONFLICT, "stage", "is already the case's current stage");
    if (b > a)
        return QG_OK;
    if (b < STAGE_ASSESSMENT)
        return qg_fail(err, QG_ECONFLICT, "stage",
                       "a case never goes back to identification or exit assistance; only stages 3-8 repeat");
    if (b > STAGE_MONITORING || a > STAGE_RECOVERY)
        return qg_fail(err, QG_ECONFLICT, "stage", "only stages 3-8 (assessment to monitoring) repeat");
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
    bool notes;         /* history: decrypt the notes */
    case_state state;
    json_t *result;
} stage_job;

/* Appends a history entry; the note, when there is one, is sealed to its place. */
static qg_code append_entry(db *conn, const qg_keys *keys, int64_t case_id, const char *event,
                            const char *from, const char *to, const char *reason, json_t *note,
                            const qg_actor *actor, qg_error *err)
{
    int64_t n = 1; /* "open" is only ever the first entry of a new case (stage_record_open) */
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21];
    qg_code c = strcmp(event, "open") == 0
                    ? QG_OK
                    : rows_next_number(conn, "SELECT COALESCE(MAX(n), 0) + 1 FROM case_stages WHERE case_id = ?",
                                       case_id, NULL, &n, err);
    if (c == QG_OK && note)
        c = sealed_put(keys, case_id, "stage", n, note, &sealed, &len, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "INSERT INTO case_stages (case_id, n, event, from_stage, to_stage,"
                                          " reason, sealed, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                          err)
                             : NULL;
    if (st) {
        db_now_iso(now);
        db_bind_int(st, 1, case_id);
        db_bind_int(st, 2, n);
        db_bind_text(st, 3, event);
        db_bind_text(st, 4, from);
        db_bind_text(st, 5, to);
        db_bind_text(st, 6, reason);
        if (sealed)
            db_bind_blob(st, 7, sealed, len);
        else
            db_bind_null(st, 7);
        if (actor->user_id)
            db_bind_int(st, 8, actor->user_id);
        else
            db_bind_null(st, 8);
        db_bind_text(st, 9, now);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

qg_code stage_record_open(db *conn, int64_t case_id, const char *stage, const qg_actor *actor,
                          qg_error *err)
{
    return append_entry(conn, NULL, case_id, "open", NULL, stage, NULL, NULL, actor, err);
}

/* Sets the case's stage, status and closing fields, and bumps its version. */
static qg_code write_case(db *conn, int64_t case_id, const char *stage, const char *status,
                          const char *reason, qg_error *err)
{
    char now[21], today[11];
    db_now_iso(now);
    text_today(today);
    db_stmt *st = db_prepare(conn,
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

/* ---- reading the view --------------------------------------------------------------- */

static json_t *nullable(db_stmt *st, int i) { return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i)); }

static json_t *entry_json(db_stmt *st)
{
    return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:s, s:b}", "n", (json_int_t)db_col_int(st, 0), "event",
                     db_col_text(st, 1), "from", nullable(st, 2), "to", db_col_text(st, 3), "reason",
                     nullable(st, 4), "by", nullable(st, 5), "at", db_col_text(st, 6), "has_note",
                     !db_col_null(st, 7));
}

/* Adds the decrypted note of the current row to entry, when it has one. */
static qg_code add_note(db_stmt *st, stage_job *j, json_t *entry, qg_error *err)
{
    size_t len = 0;
    const void *blob = db_col_null(st, 7) ? NULL : db_col_blob(st, 7, &len);
    json_t *note = NULL;
    if (!blob)
        return QG_OK;
    qg_code c = sealed_get(j->app->keys, j->state.id, "stage", db_col_int(st, 0), blob, len, &note, err);
    if (c == QG_OK)
        json_object_set_new(entry, "note", note);
    return c;
}

static qg_code read_entries(db *conn, stage_job *j, json_t *history, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT s.n, s.event, s.from_stage, s.to_stage, s.reason, u.login, s.at, s.sealed"
                             " FROM case_stages s LEFT JOIN users u ON u.id = s.by_user"
                             " WHERE s.case_id = ? ORDER BY s.n",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->state.id);
    int rc;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        json_t *entry = entry_json(st);
        if (!entry)
            c = qg_fail(err, QG_EDB, NULL, "a history entry could not be encoded");
        else if (j->notes)
            c = add_note(st, j, entry, err);
        if (entry && json_array_append_new(history, entry) != 0 && c == QG_OK)
            c = qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}

static qg_code load_view(db *conn, stage_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT stage, status, close_reason, closed_on FROM cases WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->state.id);
    int rc = db_step(st, err);
    if (rc == 1)
        j->result = json_pack("{s:s, s:s, s:o, s:o, s:[]}", "stage", db_col_text(st, 0), "status",
                              db_col_text(st, 1), "close_reason", nullable(st, 2), "closed_on",
                              nullable(st, 3), "history");
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code : qg_fail(err, QG_ENOTFOUND, "code", "no such case");
    return read_entries(conn, j, json_object_get(j->result, "history"), err);
}

/* ---- input ---------------------------------------------------------------------- */

static qg_code read_note(json_t *body, bool required, stage_job *j, qg_error *err)
{
    j->note = json_object_get(body, "note");
    if (!j->note)
        return required ? qg_fail(err, QG_EINVAL, "note", "is required: say why") : QG_OK;
    return case_input_text(j->note, STAGE_NOTE_MAX, true, "note", err);
}

/* ---- the changes ----------------------------------------------------------------- */

static qg_code audit_change(db *conn, stage_job *j, const char *action, qg_error *err)
{
    json_t *detail = json_pack("{s:s, s:s}", "from", j->state.stage, "to", j->to);
    if (detail && j->reason)
        json_object_set_new(detail, "reason", json_string(j->reason));
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    json_decref(detail);
    return c;
}

static qg_code apply_change(db *conn, stage_job *j, const char *status, const char *action, qg_error *err)
{
    qg_code c = append_entry(conn, j->app->keys, j->state.id, j->event, j->state.stage, j->to, j->reason,
                             j->note, j->actor, err);
    if (c == QG_OK)
        c = write_case(conn, j->state.id, j->to, status, j->reason, err);
    if (c == QG_OK)
        c = audit_change(conn, j, action, err);
    if (c == QG_OK)
        c = load_view(conn, j, err);
    return c;
}

static qg_code move_in_tx(db *conn, void *arg, qg_error *err)
{
    stage_job *j = arg;
    bool needs_note = false;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_UPDATE, j->code, &j->state, err);
    if (c == QG_OK && j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "the case is closed; reopen it first");
    if (c == QG_OK)
        c = stage_check_move(j->state.stage, j->to, &needs_note, err);
    if (c == QG_OK && needs_note && !j->note)
        c = qg_fail(err, QG_EINVAL, "note", "is required when a stage is repeated: say why");
    return c == QG_OK ? apply_change(conn, j, "open", "case.stage", err) : c;
}

static qg_code close_in_tx(db *conn, void *arg, qg_error *err)
{
    stage_job *j = arg;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_CLOSE, j->code, &j->state, err);
    if (c == QG_OK && j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "the case is already closed");
    return c == QG_OK ? apply_change(conn, j, "closed", "case.close", err) : c;
}

static qg_code reopen_in_tx(db *conn, void *arg, qg_error *err)
{
    stage_job *j = arg;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_CLOSE, j->code, &j->state, err);
    if (c == QG_OK && !j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "the case is open; only a closed case is reopened");
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
        c = qg_fail(err, QG_EINVAL, "stage", "is required: a stage code");
    if (c == QG_OK)
        c = read_note(body, false, &j, err);
    return c == QG_OK ? run(&j, move_in_tx, out, err) : c;
}

qg_code stage_close(qg_app *app, const qg_actor *actor, const char *code, json_t *body, json_t **out,
                    qg_error *err)
{
    static const char *const keys[] = {"reason", "note", NULL};
    stage_job j = {.app = app, .actor = actor, .event = "close", .to = "closure"};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_CLOSE, code, j.code, err);
    if (c == QG_OK)
        c = input_check_keys(body, keys, err);
    j.reason = json_string_value(json_object_get(body, "reason"));
    if (c == QG_OK && !vocab_has(&VOCAB_CLOSE_REASON, j.reason))
        c = qg_fail(err, QG_EINVAL, "reason", "is required: a close_reason code");
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
            c = qg_fail(err, QG_EINVAL, "stage", "a reopened case returns to a stage from assessment to recovery");
    }
    if (c == QG_OK)
        c = read_note(body, true, &j, err);
    return c == QG_OK ? run(&j, reopen_in_tx, out, err) : c;
}

/* ---- the history ----------------------------------------------------------------- */

static qg_code history_with_notes_in_tx(db *conn, void *arg, qg_error *err)
{
    stage_job *j = arg;
    qg_code c = case_state_for(conn, j->actor, ACT_PERSONAL_READ, j->code, &j->state, err);
    if (c == QG_OK)
        c = load_view(conn, j, err);
    if (c == QG_OK)
        c = audit_append(conn, j->app->keys, j->actor, "case.history_read", j->code, NULL, err);
    return c;
}

qg_code stage_history(qg_app *app, const qg_actor *actor, const char *code, bool notes, json_t **out,
                      qg_error *err)
{
    stage_job j = {.app = app, .actor = actor, .notes = notes};
    *out = NULL;
    qg_code c = case_precheck(actor, notes ? ACT_PERSONAL_READ : ACT_CASE_READ, code, j.code, err);
    if (c != QG_OK)
        return c;
    if (notes) /* a write job: the audit entry and the read happen together or not at all */
        return run(&j, history_with_notes_in_tx, out, err);
    db *conn = db_pool_acquire(app->readers);
    c = case_state_for(conn, actor, ACT_CASE_READ, j.code, &j.state, err);
    if (c == QG_OK)
        c = load_view(conn, &j, err);
    db_pool_release(app->readers, conn);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
