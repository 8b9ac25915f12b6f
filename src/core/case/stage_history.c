/* stage_history.c — writing and reading the history of a case's stages (see
 * stage_history.h). */
#include "core/case/stage_history.h"

#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case_access.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"

/* ---- writing ---------------------------------------------------------------------- */

qg_code stage_history_append(db *conn, const qg_keys *keys, int64_t case_id, const char *event,
                             const char *from, const char *to, const char *reason, json_t *note,
                             const qg_actor *actor, qg_error *err)
{
    int64_t n = 1; /* "open" is only ever the first entry of a new case (stage_record_open) */
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21];
    qg_code c = strcmp(event, "open") == 0
                    ? QG_OK
                    : rows_next_number(
                          conn, "SELECT COALESCE(MAX(n), 0) + 1 FROM case_stages WHERE case_id = ?",
                          case_id, NULL, &n, err);
    if (c == QG_OK && note)
        c = sealed_put(keys, case_id, "stage", n, note, &sealed, &len, err);
    db_stmt *st =
        c == QG_OK ? db_prepare(conn,
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
        db_bind_blob_or_null(st, 7, sealed, len);
        db_bind_id_or_null(st, 8, actor->user_id);
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
    return stage_history_append(conn, NULL, case_id, "open", NULL, stage, NULL, NULL, actor, err);
}

/* ---- reading the view --------------------------------------------------------------- */

static json_t *nullable(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *entry_json(db_stmt *st)
{
    return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:s, s:b}", "n", (json_int_t)db_col_int(st, 0),
                     "event", db_col_text(st, 1), "from", nullable(st, 2), "to", db_col_text(st, 3),
                     "reason", nullable(st, 4), "by", nullable(st, 5), "at", db_col_text(st, 6),
                     "has_note", !db_col_null(st, 7));
}

/* Adds the decrypted note of the current row to entry, when it has one. */
static qg_code add_note(db_stmt *st, const qg_keys *keys, int64_t case_id, json_t *entry,
                        qg_error *err)
{
    size_t len = 0;
    const void *blob = db_col_null(st, 7) ? NULL : db_col_blob(st, 7, &len);
    json_t *note = NULL;
    if (!blob)
        return QG_OK;
    qg_code c = sealed_get(keys, case_id, "stage", db_col_int(st, 0), blob, len, &note, err);
    if (c == QG_OK)
        json_object_set_new(entry, "note", note);
    return c;
}

static qg_code read_entries(db *conn, const qg_keys *keys, int64_t case_id, bool notes,
                            json_t *history, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn,
        "SELECT s.n, s.event, s.from_stage, s.to_stage, s.reason, u.login, s.at, s.sealed"
        " FROM case_stages s LEFT JOIN users u ON u.id = s.by_user"
        " WHERE s.case_id = ? ORDER BY s.n",
        err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    int rc;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        json_t *entry = entry_json(st);
        if (!entry)
            c = qg_fail(err, QG_EDB, NULL, "storage.failure",
                        "a history entry could not be encoded");
        else if (notes)
            c = add_note(st, keys, case_id, entry, err);
        if (entry && json_array_append_new(history, entry) != 0 && c == QG_OK)
            c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}

qg_code stage_history_view(db *conn, const qg_keys *keys, int64_t case_id, bool notes,
                           json_t **out, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT stage, status, close_reason, closed_on FROM cases WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    int rc = db_step(st, err);
    if (rc == 1)
        *out = json_pack("{s:s, s:s, s:o, s:o, s:[]}", "stage", db_col_text(st, 0), "status",
                         db_col_text(st, 1), "close_reason", nullable(st, 2), "closed_on",
                         nullable(st, 3), "history");
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code
                      : qg_fail(err, QG_ENOTFOUND, "code", "case.not_found", "no such case");
    return read_entries(conn, keys, case_id, notes, json_object_get(*out, "history"), err);
}

/* ---- the service ------------------------------------------------------------------ */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    bool notes;
    json_t *result;
} history_job;

static qg_code history_in_tx(db *conn, void *arg, qg_error *err)
{
    history_job *j = arg;
    case_state state;
    qg_code c = case_state_for(conn, j->actor, j->notes ? ACT_PERSONAL_READ : ACT_CASE_READ,
                               j->code, &state, err);
    if (c == QG_OK)
        c = stage_history_view(conn, j->app->keys, state.id, j->notes, &j->result, err);
    if (c == QG_OK && j->notes)
        c = audit_append(conn, j->app->keys, j->actor, "case.history_read", j->code, NULL, err);
    return c;
}

qg_code stage_history(qg_app *app, const qg_actor *actor, const char *code, bool notes,
                      json_t **out, qg_error *err)
{
    history_job j = {.app = app, .actor = actor, .notes = notes};
    *out = NULL;
    qg_code c = case_precheck(actor, notes ? ACT_PERSONAL_READ : ACT_CASE_READ, code, j.code, err);
    if (c != QG_OK)
        return c;
    /* With notes a write job: the audit entry and the read happen together or not at all. */
    c = notes ? writer_run(app->writer, history_in_tx, &j, err)
              : app_read(app, history_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
