/* consent.c — consents and their withdrawal (see consent.h). */
#include "core/referral/consent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/case/case_input.h"
#include "core/common/input.h"
#include "core/common/org_shared.h"
#include "core/common/sealed.h"
#include "core/common/rows.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

#define CONSENT_PLACE "consent" /* sealed place of a note: "qorgau:case:<id>:consent:<n>" */

qg_code consent_active(db *conn, int64_t case_id, const char *purpose, int64_t org_id, bool *yes,
                       qg_error *err)
{
    *yes = false;
    db_stmt *st = db_prepare(
        conn,
        "SELECT 1 FROM consents WHERE case_id = ? AND purpose = ? AND withdrawn_on IS NULL"
        " AND (? = 0 OR org_id = ?) LIMIT 1",
        err);
    if (!st)
        return err->code;
    int64_t org = strcmp(purpose, "sharing") == 0 ? org_id : 0;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, purpose);
    db_bind_int(st, 3, org);
    db_bind_int(st, 4, org);
    int rc = db_step(st, err);
    db_done(st);
    *yes = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}

qg_code consent_case_in_statistics(db *conn, int64_t case_id, bool *yes, qg_error *err)
{
    *yes = false;
    db_stmt *st = db_prepare(conn, "SELECT stats_excluded FROM cases WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    int rc = db_step(st, err);
    if (rc == 1)
        *yes = db_col_int(st, 0) == 0;
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code
                      : qg_fail(err, QG_ENOTFOUND, "case", "case.not_found", "no such case");
    return QG_OK;
}

/* ---- input ------------------------------------------------------------------------ */

/* A past or present date YYYY-MM-DD, not before CASE_DATE_MIN. */
static qg_code check_date(json_t *v, const char *field, qg_error *err)
{
    const char *s = json_string_value(v);
    int y, m, d;
    if (!s || !text_parse_date(s, &y, &m, &d))
        return qg_fail(err, QG_EINVAL, field, "date.format",
                       "must be a real date written YYYY-MM-DD");
    if (strcmp(s, CASE_DATE_MIN) < 0)
        return qg_fail(err, QG_EINVAL, field, "date.too_early", "must not be before %s",
                       CASE_DATE_MIN);
    if (text_date_in_future(y, m, d))
        return qg_fail(err, QG_EINVAL, field, "date.in_future", "must not be in the future");
    return QG_OK;
}

/* org_id: required for sharing (a whole number from 1), refused for the rest. */
static qg_code check_org(json_t *body, const char *purpose, qg_error *err)
{
    json_t *v = json_object_get(body, "org_id");
    bool sharing = strcmp(purpose, "sharing") == 0;
    if (!sharing && v)
        return qg_fail(err, QG_EINVAL, "org_id", "consent.org_not_for_purpose",
                       "only a consent to sharing names an organisation");
    if (sharing && !v)
        return qg_fail(err, QG_EINVAL, "org_id", "consent.org_required",
                       "is required for sharing: the organisation's id");
    if (sharing && (!json_is_integer(v) || json_integer_value(v) < 1))
        return qg_fail(err, QG_EINVAL, "org_id", "org.id_format",
                       "must be an organisation's id (a whole number from 1)");
    return QG_OK;
}

qg_code consent_check_create(json_t *body, qg_error *err)
{
    static const char *const keys[] = {"purpose", "org_id", "given_by", "given_on", "note", NULL};
    qg_code c = input_check_keys(body, keys, err);
    const char *purpose = json_string_value(json_object_get(body, "purpose"));
    json_t *v;
    if (c == QG_OK && !vocab_has(&VOCAB_CONSENT_PURPOSE, purpose))
        c = qg_fail(err, QG_EINVAL, "purpose", "value.required",
                    "is required: services, sharing or statistics");
    if (c == QG_OK)
        c = check_org(body, purpose, err);
    if (c == QG_OK &&
        !vocab_has(&VOCAB_CONSENT_GIVER, json_string_value(json_object_get(body, "given_by"))))
        c = qg_fail(err, QG_EINVAL, "given_by", "value.required",
                    "is required: child, parent, guardian or other");
    if (c == QG_OK && (v = json_object_get(body, "given_on")))
        c = check_date(v, "given_on", err);
    if (c == QG_OK && (v = json_object_get(body, "note")))
        c = case_input_text(v, CONSENT_NOTE_MAX, true, "note", err);
    return c;
}

qg_code consent_check_withdraw(json_t *body, qg_error *err)
{
    static const char *const keys[] = {"withdrawn_on", NULL};
    qg_code c = input_check_keys(body, keys, err);
    json_t *v = json_object_get(body, "withdrawn_on");
    return c == QG_OK && v ? check_date(v, "withdrawn_on", err) : c;
}

/* ---- the job ---------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    json_t *body;  /* borrowed from the request */
    int64_t n;     /* the consent */
    int64_t case_id;
    char day[11];  /* given_on or withdrawn_on */
    json_t *result; /* owned until handed to the caller */
} consent_job;

static qg_code finish(qg_code c, consent_job *j, json_t **out)
{
    if (c == QG_OK)
        *out = j->result;
    else
        json_decref(j->result);
    return c;
}

/* The body's date field, or today. */
static void day_of(json_t *body, const char *field, char out[11])
{
    const char *s = json_string_value(json_object_get(body, field));
    if (s)
        snprintf(out, 11, "%s", s);
    else
        text_today(out);
}

static qg_code audit_consent(db *conn, consent_job *j, const char *action, json_t *detail,
                             qg_error *err)
{
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

/* Sets whether the case is left out of every aggregate. The case's version is not
 * bumped: this is not one of its fields, and a worker's edit must not conflict with it. */
static qg_code set_stats_excluded(db *conn, int64_t case_id, bool excluded, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "UPDATE cases SET stats_excluded = ? WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, excluded ? 1 : 0);
    db_bind_int(st, 2, case_id);
    return db_run(st, err);
}

/* ---- reading back ------------------------------------------------------------------- */

static json_t *nullable_text(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *nullable_int(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_integer((json_int_t)db_col_int(st, i));
}

static json_t *consent_json(db_stmt *st)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:o, s:o, s:b, s:b}", "n",
                     (json_int_t)db_col_int(st, 0), "purpose", db_col_text(st, 1), "org_id",
                     nullable_int(st, 2), "org_name", nullable_text(st, 3), "given_by",
                     db_col_text(st, 4), "given_on", db_col_text(st, 5), "recorded_by",
                     nullable_text(st, 6), "recorded_at", db_col_text(st, 7), "withdrawn_on",
                     nullable_text(st, 8), "withdrawn_by", nullable_text(st, 9), "active",
                     db_col_null(st, 8), "has_note", db_col_int(st, 10) != 0);
}

/* The case's consents (only consent n when n > 0) as a new array, or NULL. */
static json_t *read_consents(db *conn, int64_t case_id, int64_t n, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn,
                   "SELECT c.n, c.purpose, c.org_id, o.name, c.given_by, c.given_on, ur.login,"
                   " c.recorded_at, c.withdrawn_on, uw.login,"
                   " CASE WHEN c.sealed IS NULL THEN 0 ELSE 1 END"
                   " FROM consents c LEFT JOIN orgs o ON o.id = c.org_id"
                   " LEFT JOIN users ur ON ur.id = c.recorded_by"
                   " LEFT JOIN users uw ON uw.id = c.withdrawn_by"
                   " WHERE c.case_id = ? AND (? = 0 OR c.n = ?) ORDER BY c.n",
                   err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, n);
    db_bind_int(st, 3, n);
    return rows_collect(st, consent_json, err);
}

static qg_code load_one(db *conn, consent_job *j, qg_error *err)
{
    json_t *list = read_consents(conn, j->case_id, j->n, err);
    if (!list)
        return err->code;
    qg_code c = json_array_size(list) == 1
                    ? QG_OK
                    : qg_fail(err, QG_ENOTFOUND, "consent", "consent.not_found", "no such consent");
    if (c == QG_OK)
        j->result = json_incref(json_array_get(list, 0));
    json_decref(list);
    return c;
}

/* ---- create ----------------------------------------------------------------------------- */

static qg_code check_not_duplicate(db *conn, consent_job *j, const char *purpose, int64_t org_id,
                                   qg_error *err)
{
    bool active = false;
    qg_code c = consent_active(conn, j->case_id, purpose, org_id, &active, err);
    if (c == QG_OK && active)
        c = qg_fail(err, QG_ECONFLICT, "purpose", "consent.already_active",
                    "an active consent for this purpose is already recorded; withdraw it first");
    return c;
}

static qg_code insert_consent(db *conn, consent_job *j, const char *purpose, int64_t org_id,
                              qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21];
    json_t *note = json_object_get(j->body, "note");
    qg_code c =
        rows_next_number(conn, "SELECT COALESCE(MAX(n), 0) + 1 FROM consents WHERE case_id = ?",
                         j->case_id, NULL, &j->n, err);
    if (c == QG_OK && note)
        c = sealed_put(j->app->keys, j->case_id, CONSENT_PLACE, j->n, note, &sealed, &len, err);
    db_stmt *st =
        c == QG_OK
            ? db_prepare(conn,
                         "INSERT INTO consents (case_id, n, purpose, org_id, given_by, given_on,"
                         " sealed, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         err)
            : NULL;
    if (st) {
        db_now_iso(now);
        db_bind_int(st, 1, j->case_id);
        db_bind_int(st, 2, j->n);
        db_bind_text(st, 3, purpose);
        db_bind_id_or_null(st, 4, org_id);
        db_bind_text(st, 5, json_string_value(json_object_get(j->body, "given_by")));
        db_bind_text(st, 6, j->day);
        db_bind_blob_or_null(st, 7, sealed, len);
        db_bind_id_or_null(st, 8, j->actor->user_id);
        db_bind_text(st, 9, now);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

/* A statistics consent on a case out of statistics brings it back; *included says so. */
static qg_code include_again(db *conn, consent_job *j, const char *purpose, bool *included,
                             qg_error *err)
{
    bool in = true;
    *included = false;
    if (strcmp(purpose, "statistics") != 0)
        return QG_OK;
    qg_code c = consent_case_in_statistics(conn, j->case_id, &in, err);
    if (c != QG_OK || in)
        return c;
    *included = true;
    return set_stats_excluded(conn, j->case_id, false, err);
}

static json_t *create_detail(consent_job *j, const char *purpose, int64_t org_id, bool included)
{
    json_t *d = json_pack("{s:I, s:s, s:o}", "n", (json_int_t)j->n, "purpose", purpose, "org_id",
                          org_id ? json_integer((json_int_t)org_id) : json_null());
    if (d && included)
        json_object_set_new(d, "stats_included", json_true());
    return d;
}

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    consent_job *j = arg;
    const char *purpose = json_string_value(json_object_get(j->body, "purpose"));
    int64_t org_id = json_integer_value(json_object_get(j->body, "org_id")); /* 0 when absent */
    bool included = false;
    qg_code c = case_find_for(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &j->case_id, err);
    if (c == QG_OK && org_id)
        c = org_require(conn, org_id, "org_id", err);
    if (c == QG_OK)
        c = check_not_duplicate(conn, j, purpose, org_id, err);
    if (c == QG_OK)
        c = insert_consent(conn, j, purpose, org_id, err);
    if (c == QG_OK)
        c = include_again(conn, j, purpose, &included, err);
    if (c == QG_OK)
        c = audit_consent(conn, j, "consent.create", create_detail(j, purpose, org_id, included),
                          err);
    return c == QG_OK ? load_one(conn, j, err) : c;
}

qg_code consent_create(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                       json_t **out, qg_error *err)
{
    consent_job j = {.app = app, .actor = actor, .body = body};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code, j.code, err);
    if (c == QG_OK)
        c = consent_check_create(body, err);
    if (c == QG_OK) {
        day_of(body, "given_on", j.day);
        c = writer_run(app->writer, create_in_tx, &j, err);
    }
    return finish(c, &j, out);
}

/* ---- list --------------------------------------------------------------------------------- */

static qg_code list_view(db *conn, consent_job *j, qg_error *err)
{
    bool in = true;
    qg_code c = consent_case_in_statistics(conn, j->case_id, &in, err);
    json_t *list = c == QG_OK ? read_consents(conn, j->case_id, 0, err) : NULL;
    if (c == QG_OK && !list)
        c = err->code;
    if (c == QG_OK && !(j->result = json_pack("{s:o, s:s}", "consents", list, "statistics",
                                              in ? "included" : "excluded")))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return c;
}

/* Finds the case the actor may read and builds its list (an app_read_fn; arg: the job). */
static qg_code list_in_read(db *conn, void *arg, qg_error *err)
{
    consent_job *j = arg;
    qg_code c = case_find_for(conn, j->actor, ACT_CASE_READ, j->code, &j->case_id, err);
    if (c == QG_OK)
        c = list_view(conn, j, err);
    return c;
}

qg_code consent_list(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                     qg_error *err)
{
    consent_job j = {.app = app, .actor = actor};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_READ, code, j.code, err);
    if (c != QG_OK)
        return c;
    c = app_read(app, list_in_read, &j, err);
    return finish(c, &j, out);
}

/* ---- withdraw -------------------------------------------------------------------------------- */

/* Finds consent j->n; copies its purpose. Refuses one already withdrawn, and a
 * withdrawal dated before the consent was given. */
static qg_code stored_consent(db *conn, consent_job *j, char purpose[16], qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT purpose, given_on, withdrawn_on FROM consents WHERE case_id = ? AND n = ?",
        err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->case_id);
    db_bind_int(st, 2, j->n);
    int rc = db_step(st, err);
    qg_code c = rc < 0 ? err->code
                : rc == 0
                    ? qg_fail(err, QG_ENOTFOUND, "consent", "consent.not_found", "no such consent")
                    : QG_OK;
    if (c == QG_OK && !db_col_null(st, 2))
        c = qg_fail(err, QG_ECONFLICT, "consent", "consent.already_withdrawn",
                    "is already withdrawn");
    if (c == QG_OK && strcmp(j->day, db_col_text(st, 1)) < 0)
        c = qg_fail(err, QG_EINVAL, "withdrawn_on", "consent.withdrawn_before_given",
                    "must not be before the day the consent was given");
    if (c == QG_OK)
        snprintf(purpose, 16, "%s", db_col_text(st, 0));
    db_done(st);
    return c;
}

static qg_code mark_withdrawn(db *conn, consent_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "UPDATE consents SET withdrawn_on = ?, withdrawn_by = ?"
                             " WHERE case_id = ? AND n = ? AND withdrawn_on IS NULL",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, j->day);
    db_bind_id_or_null(st, 2, j->actor->user_id);
    db_bind_int(st, 3, j->case_id);
    db_bind_int(st, 4, j->n);
    return db_run(st, err);
}

/* Withdrawing statistics takes the case out of every aggregate from then on. Withdrawing
 * sharing needs nothing more here: consent_active(..., "sharing", org) is false from now
 * on, so the referral module refuses further sharing with that organisation, and its
 * open referrals stop showing the shared contents (the referral module asks
 * consent_active each time they are read). */
static qg_code withdraw_in_tx(db *conn, void *arg, qg_error *err)
{
    consent_job *j = arg;
    char purpose[16] = "";
    qg_code c = case_find_for(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &j->case_id, err);
    if (c == QG_OK)
        c = stored_consent(conn, j, purpose, err);
    if (c == QG_OK)
        c = mark_withdrawn(conn, j, err);
    bool stats = strcmp(purpose, "statistics") == 0;
    if (c == QG_OK && stats)
        c = set_stats_excluded(conn, j->case_id, true, err);
    json_t *detail =
        c == QG_OK ? json_pack("{s:I, s:s}", "n", (json_int_t)j->n, "purpose", purpose) : NULL;
    if (detail && stats)
        json_object_set_new(detail, "stats_excluded", json_true());
    if (c == QG_OK)
        c = audit_consent(conn, j, "consent.withdraw", detail, err);
    return c == QG_OK ? load_one(conn, j, err) : c;
}

qg_code consent_withdraw(qg_app *app, const qg_actor *actor, const char *code, int64_t n,
                         json_t *body, json_t **out, qg_error *err)
{
    consent_job j = {.app = app, .actor = actor, .body = body, .n = n};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code, j.code, err);
    if (c == QG_OK && n < 1)
        c = qg_fail(err, QG_ENOTFOUND, "consent", "consent.not_found", "no such consent");
    if (c == QG_OK)
        c = consent_check_withdraw(body, err);
    if (c == QG_OK) {
        day_of(body, "withdrawn_on", j.day);
        c = writer_run(app->writer, withdraw_in_tx, &j, err);
    }
    return finish(c, &j, out);
}

/* ---- statistics opt-out ------------------------------------------------------------------------
 */

/* The number of the active statistics consent, or 0. */
static qg_code active_statistics(db *conn, int64_t case_id, int64_t *n, qg_error *err)
{
    *n = 0;
    db_stmt *st = db_prepare(conn,
                             "SELECT n FROM consents WHERE case_id = ? AND purpose = 'statistics'"
                             " AND withdrawn_on IS NULL ORDER BY n DESC LIMIT 1",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    int rc = db_step(st, err);
    if (rc == 1)
        *n = db_col_int(st, 0);
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static qg_code opt_out_in_tx(db *conn, void *arg, qg_error *err)
{
    consent_job *j = arg;
    bool in = true;
    qg_code c = case_find_for(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &j->case_id, err);
    if (c == QG_OK)
        c = consent_case_in_statistics(conn, j->case_id, &in, err);
    if (c == QG_OK && !in)
        c = qg_fail(err, QG_ECONFLICT, "statistics", "statistics.already_opted_out",
                    "the case is already left out of statistics");
    if (c == QG_OK)
        c = active_statistics(conn, j->case_id, &j->n, err);
    if (c == QG_OK && j->n)
        c = mark_withdrawn(conn, j, err);
    if (c == QG_OK)
        c = set_stats_excluded(conn, j->case_id, true, err);
    json_t *withdrawn = j->n ? json_integer((json_int_t)j->n) : json_null();
    if (c == QG_OK)
        c = audit_consent(conn, j, "consent.opt_out",
                          json_pack("{s:s, s:O}", "purpose", "statistics", "withdrawn", withdrawn),
                          err);
    if (c == QG_OK &&
        !(j->result = json_pack("{s:s, s:O}", "statistics", "excluded", "withdrawn", withdrawn)))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(withdrawn);
    return c;
}

qg_code consent_statistics_opt_out(qg_app *app, const qg_actor *actor, const char *code,
                                   json_t *body, json_t **out, qg_error *err)
{
    static const char *const keys[] = {NULL};
    consent_job j = {.app = app, .actor = actor, .body = body};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code, j.code, err);
    if (c == QG_OK)
        c = input_check_keys(body, keys, err);
    if (c == QG_OK) {
        text_today(j.day);
        c = writer_run(app->writer, opt_out_in_tx, &j, err);
    }
    return finish(c, &j, out);
}
