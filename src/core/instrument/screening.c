/* screening.c — screenings stored in a case (see screening.h). */
#include "core/instrument/screening.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/common/input.h"
#include "core/instrument/instrument.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"
#include "base/text.h"
#include "core/common/json_text.h"

#define SCREENING_COLUMNS                                                                   \
    "s.n, s.instrument, s.version, s.mode, s.language, u.login, s.administered_on, s.final," \
    " s.created_at, s.updated_at, s.score"
#define SCREENING_FROM " FROM screenings s LEFT JOIN users u ON u.id = s.administered_by"

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    const instrument *inst;
    json_t *answers; /* borrowed from the request body */
    json_t *score;   /* owned */
    const char *mode, *language;
    char on[11];
    int64_t n;
    json_t *result; /* owned until handed to the caller */
} screen_job;

static void job_free(screen_job *j)
{
    json_decref(j->score);
    json_decref(j->result);
}

/* ---- input -------------------------------------------------------------------------- */

static qg_code find_instrument(qg_app *app, json_t *body, screen_job *j, qg_error *err)
{
    const char *id = json_string_value(json_object_get(body, "instrument"));
    json_t *version = json_object_get(body, "version");
    if (!id)
        return qg_fail(err, QG_EINVAL, "instrument", "value.required",
                       "is required (an instrument id)");
    if (version && (!json_is_integer(version) || json_integer_value(version) < 1 ||
                    json_integer_value(version) > 9999))
        return qg_fail(err, QG_EINVAL, "version", "number.out_of_range",
                       "must be a whole number 1..9999");
    j->inst = instrument_find(app->instruments, id, version ? (int)json_integer_value(version) : 0);
    return j->inst ? QG_OK
                   : qg_fail(err, QG_EINVAL, "instrument", "instrument.not_found",
                             "no such instrument or version");
}

static qg_code check_date(json_t *v, char out[11], qg_error *err)
{
    int y, m, d;
    if (!v) {
        text_today(out);
        return QG_OK;
    }
    if (!json_is_string(v) || !text_parse_date(json_string_value(v), &y, &m, &d))
        return qg_fail(err, QG_EINVAL, "administered_on", "date.format",
                       "must be a date YYYY-MM-DD");
    if (text_date_in_future(y, m, d))
        return qg_fail(err, QG_EINVAL, "administered_on", "date.in_future",
                       "must not be in the future");
    snprintf(out, 11, "%s", json_string_value(v));
    return QG_OK;
}

static qg_code read_create_body(qg_app *app, json_t *body, screen_job *j, qg_error *err)
{
    static const char *const keys[] = {"instrument", "version", "answers", "mode",
                                       "language", "administered_on", NULL};
    static const char *const modes[] = {"interviewer", "self", NULL};
    static const char *const langs[] = {"kk", "ru", "en", NULL};
    qg_code c = input_check_keys(body, keys, err);
    if (c == QG_OK)
        c = find_instrument(app, body, j, err);
    j->mode = json_string_value(json_object_get(body, "mode"));
    j->language = json_string_value(json_object_get(body, "language"));
    if (c == QG_OK && !input_listed(j->mode, modes))
        c = qg_fail(err, QG_EINVAL, "mode", "value.not_in_list",
                    "must be \"interviewer\" or \"self\"");
    if (c == QG_OK && !input_listed(j->language, langs))
        c = qg_fail(err, QG_EINVAL, "language", "lang.unknown", "must be kk, ru or en");
    if (c == QG_OK)
        c = check_date(json_object_get(body, "administered_on"), j->on, err);
    return c;
}

/* Scores j->answers with j->inst into j->score. */
static qg_code score_answers(screen_job *j, json_t *body, qg_error *err)
{
    j->answers = json_object_get(body, "answers");
    if (!j->answers)
        return qg_fail(err, QG_EINVAL, "answers", "value.required",
                       "is required (an object of item ids to answers)");
    return instrument_score(j->inst, j->answers, &j->score, err);
}

/* ---- storage ------------------------------------------------------------------------ */

/* The score as stored: without the texts the instrument file already holds. */
static char *stored_score(json_t *score)
{
    json_t *copy = json_copy(score);
    json_object_del(copy, "reading");
    json_object_del(copy, "accuracy");
    char *text = qg_json_dumps(copy, JSON_COMPACT);
    json_decref(copy);
    return text;
}

static bool is_final(json_t *score)
{
    json_t *f = json_object_get(score, "final");
    return !f || json_is_true(f);
}


static qg_code insert_screening(db *conn, screen_job *j, int64_t case_id, qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21], *score = stored_score(j->score);
    qg_code c =
        score ? sealed_put(j->app->keys, case_id, "screening", j->n, j->answers, &sealed, &len, err)
              : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    db_stmt *st = c == QG_OK
                      ? db_prepare(conn,
                                   "INSERT INTO screenings (case_id, n, instrument, version, mode,"
                                   " language, administered_by, administered_on, result, score,"
                                   " sealed, final, created_at, updated_at)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   err)
                      : NULL;
    if (st) {
        db_now_iso(now);
        db_bind_int(st, 1, case_id);
        db_bind_int(st, 2, j->n);
        db_bind_text(st, 3, instrument_id(j->inst));
        db_bind_int(st, 4, instrument_version(j->inst));
        db_bind_text(st, 5, j->mode);
        db_bind_text(st, 6, j->language);
        db_bind_id_or_null(st, 7, j->actor->user_id);
        db_bind_text(st, 8, j->on);
        db_bind_text(st, 9, json_string_value(json_object_get(j->score, "result")));
        db_bind_text(st, 10, score);
        db_bind_blob(st, 11, sealed, len);
        db_bind_int(st, 12, is_final(j->score));
        db_bind_text(st, 13, now);
        db_bind_text(st, 14, now);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    free(score);
    return c;
}

/* Attaches the needs the score suggests to the case; a need already there stays. */
static qg_code attach_needs(db *conn, int64_t case_id, int64_t n, json_t *score, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    size_t i;
    json_t *need;
    json_array_foreach(json_object_get(score, "needs"), i, need) {
        db_stmt *st = db_prepare(conn,
                                 "INSERT INTO case_needs (case_id, need, screening_n, suggested_at)"
                                 " VALUES (?, ?, ?, ?) ON CONFLICT (case_id, need) DO NOTHING",
                                 err);
        if (!st)
            return err->code;
        db_bind_int(st, 1, case_id);
        db_bind_text(st, 2, json_string_value(need));
        db_bind_int(st, 3, n);
        db_bind_text(st, 4, now);
        qg_code c = db_run(st, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code audit_screening(db *conn, screen_job *j, const char *action, qg_error *err)
{
    json_t *detail = json_pack("{s:I, s:s, s:i}", "n", (json_int_t)j->n, "instrument",
                               instrument_id(j->inst), "version", instrument_version(j->inst));
    if (detail && j->score)
        json_object_set_new(detail, "final", json_boolean(is_final(j->score)));
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

/* ---- reading back -------------------------------------------------------------------- */

static json_t *screening_row(db_stmt *st)
{
    json_t *score = qg_json_loads(db_col_text(st, 10), 0, NULL);
    const char *by = db_col_text(st, 5);
    json_t *row = json_pack("{s:I, s:s, s:I, s:s, s:s, s:o, s:s, s:b, s:s, s:s, s:o}", "n",
                            (json_int_t)db_col_int(st, 0), "instrument", db_col_text(st, 1),
                            "version", (json_int_t)db_col_int(st, 2), "mode", db_col_text(st, 3),
                            "language", db_col_text(st, 4), "administered_by",
                            by ? json_string(by) : json_null(), "administered_on",
                            db_col_text(st, 6), "final", (int)db_col_int(st, 7), "created_at",
                            db_col_text(st, 8), "updated_at", db_col_text(st, 9), "result", score);
    return row;
}

/* Puts back the reading and published accuracy from the instrument version. */
static void decorate(const qg_app *app, json_t *screening)
{
    const instrument *inst = instrument_find(
        app->instruments, json_string_value(json_object_get(screening, "instrument")),
        (int)json_integer_value(json_object_get(screening, "version")));
    json_t *result = json_object_get(screening, "result"),
           *def = inst ? instrument_definition(inst) : NULL;
    const char *value = json_string_value(json_object_get(result, "result"));
    json_t *reading = value ? json_object_get(json_object_get(def, "readings"), value) : NULL;
    if (reading)
        json_object_set(result, "reading", reading);
    if (json_object_get(def, "accuracy"))
        json_object_set(result, "accuracy", json_object_get(def, "accuracy"));
    json_decref(def);
}

static json_t *select_screenings(db *conn, const qg_app *app, int64_t case_id, int64_t n,
                                 qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT " SCREENING_COLUMNS SCREENING_FROM
                             " WHERE s.case_id = ? AND (? = 0 OR s.n = ?) ORDER BY s.n",
                             err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, n);
    db_bind_int(st, 3, n);
    json_t *list = rows_collect(st, screening_row, err);
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s)
        decorate(app, s);
    return list;
}

static qg_code load_one(db *conn, screen_job *j, int64_t case_id, qg_error *err)
{
    json_t *list = select_screenings(conn, j->app, case_id, j->n, err);
    if (!list)
        return err->code;
    json_decref(j->result);
    j->result = json_incref(json_array_get(list, 0));
    json_decref(list);
    return j->result ? QG_OK
                     : qg_fail(err, QG_ENOTFOUND, "screening", "screening.not_found",
                               "no such screening");
}

/* ---- create -------------------------------------------------------------------------- */

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    screen_job *j = arg;
    int64_t case_id;
    qg_code c = case_find_for(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &case_id, err);
    if (c == QG_OK)
        c = rows_next_number(conn,
                             "SELECT COALESCE(MAX(n), 0) + 1 FROM screenings WHERE case_id = ?",
                             case_id, NULL, &j->n, err);
    if (c == QG_OK)
        c = insert_screening(conn, j, case_id, err);
    if (c == QG_OK)
        c = attach_needs(conn, case_id, j->n, j->score, err);
    if (c == QG_OK)
        c = audit_screening(conn, j, "screening.create", err);
    if (c == QG_OK)
        c = load_one(conn, j, case_id, err);
    return c;
}

static qg_code need_instruments(const qg_app *app, qg_error *err)
{
    return app->instruments
               ? QG_OK
               : qg_fail(err, QG_EIO, "instruments", "instrument.not_loaded", "are not loaded");
}

static qg_code finish(qg_code c, screen_job *j, json_t **out)
{
    if (c == QG_OK) {
        *out = j->result;
        j->result = NULL;
    }
    job_free(j);
    return c;
}

qg_code screening_create(qg_app *app, const qg_actor *actor, const char *code_in, json_t *body,
                         json_t **out, qg_error *err)
{
    screen_job j = {.app = app, .actor = actor};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code_in, j.code, err);
    if (c == QG_OK)
        c = need_instruments(app, err);
    if (c == QG_OK)
        c = read_create_body(app, body, &j, err);
    if (c == QG_OK)
        c = score_answers(&j, body, err);
    if (c == QG_OK)
        c = writer_run(app->writer, create_in_tx, &j, err);
    return finish(c, &j, out);
}

/* ---- update -------------------------------------------------------------------------- */

typedef struct {
    screen_job *job;
    json_t *body;
} update_job;

/* Reads the stored instrument, version and finality of screening n of case_id. */
static qg_code stored_state(db *conn, screen_job *j, int64_t case_id, bool *final, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT instrument, version, final, mode, language, administered_on"
                             " FROM screenings WHERE case_id = ? AND n = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, j->n);
    int rc = db_step(st, err);
    if (rc == 1) {
        j->inst = instrument_find(j->app->instruments, db_col_text(st, 0), (int)db_col_int(st, 1));
        *final = db_col_int(st, 2) != 0;
        snprintf(j->on, sizeof j->on, "%s", db_col_text(st, 5));
    }
    db_done(st);
    if (rc < 0)
        return err->code;
    if (rc == 0)
        return qg_fail(err, QG_ENOTFOUND, "screening", "screening.not_found", "no such screening");
    if (*final)
        return qg_fail(err, QG_ECONFLICT, "screening", "screening.final",
                       "a final screening cannot change");
    return j->inst ? QG_OK
                   : qg_fail(err, QG_ECONFLICT, "version", "instrument.not_loaded",
                             "the screening's instrument version is not loaded");
}

static qg_code rewrite(db *conn, screen_job *j, int64_t case_id, qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21], *score = stored_score(j->score);
    qg_code c =
        score ? sealed_put(j->app->keys, case_id, "screening", j->n, j->answers, &sealed, &len, err)
              : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "UPDATE screenings SET result = ?, score = ?, sealed = ?,"
                                          " final = ?, updated_at = ? WHERE case_id = ? AND n = ?",
                                          err)
                             : NULL;
    if (st) {
        db_now_iso(now);
        db_bind_text(st, 1, json_string_value(json_object_get(j->score, "result")));
        db_bind_text(st, 2, score);
        db_bind_blob(st, 3, sealed, len);
        db_bind_int(st, 4, is_final(j->score));
        db_bind_text(st, 5, now);
        db_bind_int(st, 6, case_id);
        db_bind_int(st, 7, j->n);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    free(score);
    return c;
}

static qg_code update_in_tx(db *conn, void *arg, qg_error *err)
{
    update_job *u = arg;
    screen_job *j = u->job;
    int64_t case_id;
    bool final = false;
    qg_code c = case_find_for(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &case_id, err);
    if (c == QG_OK)
        c = stored_state(conn, j, case_id, &final, err);
    if (c == QG_OK)
        c = score_answers(j, u->body, err);
    if (c == QG_OK)
        c = rewrite(conn, j, case_id, err);
    if (c == QG_OK)
        c = attach_needs(conn, case_id, j->n, j->score, err);
    if (c == QG_OK)
        c = audit_screening(conn, j, "screening.update", err);
    if (c == QG_OK)
        c = load_one(conn, j, case_id, err);
    return c;
}

static qg_code check_number(int64_t n, qg_error *err)
{
    return n >= 1 ? QG_OK
                  : qg_fail(err, QG_EINVAL, "screening", "screening.number_format",
                            "must be a screening number 1, 2, ...");
}

qg_code screening_update(qg_app *app, const qg_actor *actor, const char *code_in, int64_t n,
                         json_t *body, json_t **out, qg_error *err)
{
    static const char *const keys[] = {"answers", NULL};
    screen_job j = {.app = app, .actor = actor, .n = n};
    update_job u = {&j, body};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code_in, j.code, err);
    if (c == QG_OK)
        c = check_number(n, err);
    if (c == QG_OK)
        c = need_instruments(app, err);
    if (c == QG_OK)
        c = input_check_keys(body, keys, err);
    if (c == QG_OK)
        c = writer_run(app->writer, update_in_tx, &u, err);
    return finish(c, &j, out);
}

/* ---- reads --------------------------------------------------------------------------- */

typedef json_t *(*case_rows_fn)(db *conn, const qg_app *app, int64_t case_id, qg_error *err);

typedef struct {
    const qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    case_rows_fn fetch;
    json_t *list; /* owned until handed to the caller */
} case_rows_read;

/* Finds the case the actor may read and fetches its list (an app_read_fn). */
static qg_code fetch_case_rows(db *conn, void *arg, qg_error *err)
{
    case_rows_read *r = arg;
    int64_t case_id;
    qg_code c = case_find_for(conn, r->actor, ACT_CASE_READ, r->code, &case_id, err);
    if (c == QG_OK && !(r->list = r->fetch(conn, r->app, case_id, err)))
        c = err->code;
    return c;
}

/* Reads one list hanging on a case the actor may read, on a reading connection:
 * *out = {key: fetch(...)}. */
static qg_code read_case_rows(qg_app *app, const qg_actor *actor, const char *code_in,
                              const char *key, case_rows_fn fetch, json_t **out, qg_error *err)
{
    case_rows_read r = {.app = app, .actor = actor, .fetch = fetch};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_READ, code_in, r.code, err);
    if (c == QG_OK)
        c = app_read(app, fetch_case_rows, &r, err);
    if (c == QG_OK)
        *out = json_pack("{s:o}", key, r.list);
    return c;
}

static json_t *all_screenings(db *conn, const qg_app *app, int64_t case_id, qg_error *err)
{
    return select_screenings(conn, app, case_id, 0, err);
}

qg_code screening_list(qg_app *app, const qg_actor *actor, const char *code_in, json_t **out,
                       qg_error *err)
{
    return read_case_rows(app, actor, code_in, "screenings", all_screenings, out, err);
}

static qg_code open_answers(db *conn, screen_job *j, int64_t case_id, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn, "SELECT sealed FROM screenings WHERE case_id = ? AND n = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, j->n);
    int rc = db_step(st, err);
    qg_code c = rc < 0 ? err->code
                       : (rc == 0 ? qg_fail(err, QG_ENOTFOUND, "screening", "screening.not_found",
                                            "no such screening")
                                  : QG_OK);
    if (rc == 1) {
        size_t len = 0;
        const void *sealed = db_col_blob(st, 0, &len);
        json_t *answers = NULL;
        c = sealed_get(j->app->keys, case_id, "screening", j->n, sealed, len, &answers, err);
        if (c == QG_OK)
            json_object_set_new(j->result, "answers", answers);
    }
    db_done(st);
    return c;
}

static qg_code read_in_tx(db *conn, void *arg, qg_error *err)
{
    screen_job *j = arg;
    int64_t case_id;
    qg_code c = case_find_for(conn, j->actor, ACT_PERSONAL_READ, j->code, &case_id, err);
    if (c == QG_OK)
        c = load_one(conn, j, case_id, err);
    if (c == QG_OK)
        c = open_answers(conn, j, case_id, err);
    if (c == QG_OK) {
        json_t *detail = json_pack("{s:I}", "n", (json_int_t)j->n);
        c = audit_append(conn, j->app->keys, j->actor, "screening.read", j->code, detail, err);
        json_decref(detail);
    }
    return c;
}

qg_code screening_get(qg_app *app, const qg_actor *actor, const char *code_in, int64_t n,
                      json_t **out, qg_error *err)
{
    screen_job j = {.app = app, .actor = actor, .n = n};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_READ, code_in, j.code, err);
    if (c == QG_OK)
        c = check_number(n, err);
    if (c == QG_OK)
        c = writer_run(app->writer, read_in_tx, &j, err);
    return finish(c, &j, out);
}
