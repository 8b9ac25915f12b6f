/* agreement.c — the agreements register: the validity check a referral needs, and
 * recording, ending, listing and reading agreements (see agreement.h). */
#include "core/referral/agreement.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case_input.h"
#include "core/common/input.h"
#include "core/common/org_shared.h"
#include "core/account/policy.h"
#include "core/common/rows.h"
#include "base/text.h"
#include "core/vocab/vocab.h"
#include "core/common/json_text.h"

/* Does the JSON array text shared hold every code of parts? */
static bool covers(const char *shared, json_t *parts)
{
    json_t *have = qg_json_loads(shared, 0, NULL);
    bool all = json_is_array(have);
    size_t i, k;
    json_t *want, *h;
    json_array_foreach(parts, i, want) {
        bool found = false;
        json_array_foreach(have, k, h) found = found || json_equal(h, want);
        all = all && found;
    }
    json_decref(have);
    return all;
}

qg_code agreement_find_valid(db *conn, int64_t a, int64_t b, const char *on, json_t *parts,
                             int64_t *agreement_id, qg_error *err)
{
    *agreement_id = 0;
    db_stmt *st =
        db_prepare(conn,
                   "SELECT id, data_shared FROM agreements"
                   " WHERE ((org_a = ? AND org_b = ?) OR (org_a = ? AND org_b = ?))"
                   " AND valid_from <= ? AND valid_to >= ? AND (ended_on IS NULL OR ended_on > ?)"
                   " ORDER BY id DESC",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, a);
    db_bind_int(st, 2, b);
    db_bind_int(st, 3, b);
    db_bind_int(st, 4, a);
    db_bind_text(st, 5, on);
    db_bind_text(st, 6, on);
    db_bind_text(st, 7, on);
    int rc = 0;
    while (!*agreement_id && (rc = db_step(st, err)) == 1)
        if (covers(db_col_text(st, 1), parts))
            *agreement_id = db_col_int(st, 0);
    db_done(st);
    return *agreement_id || rc >= 0 ? QG_OK : err->code;
}

/* ---- checking a new agreement ----------------------------------------------------------- */

#define AGREEMENT_COLUMNS                                                                          \
    "a.id, a.org_a, oa.name, a.org_b, ob.name, a.kind, a.purpose, a.data_shared, a.protections," \
    " a.permitted_users, a.complaints, a.valid_from, a.valid_to, a.ended_on, u.login, a.created_at"
#define AGREEMENT_FROM                                                                      \
    " FROM agreements a JOIN orgs oa ON oa.id = a.org_a JOIN orgs ob ON ob.id = a.org_b" \
    " LEFT JOIN users u ON u.id = a.created_by"

static qg_code check_parties(json_t *v, qg_error *err)
{
    json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
    if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_integer(a) ||
        !json_is_integer(b) || json_integer_value(a) < 1 || json_integer_value(b) < 1)
        return qg_fail(err, QG_EINVAL, "parties", "agreement.parties_required",
                       "is required: the ids of the two organisations");
    if (json_integer_value(a) == json_integer_value(b))
        return qg_fail(err, QG_EINVAL, "parties", "agreement.same_party",
                       "must be two different organisations");
    return QG_OK;
}

static qg_code check_dates(json_t *body, qg_error *err)
{
    json_t *from = json_object_get(body, "valid_from"), *to = json_object_get(body, "valid_to");
    qg_code c = org_check_date(from, "valid_from", err);
    if (c == QG_OK)
        c = org_check_date(to, "valid_to", err);
    if (c == QG_OK && strcmp(json_string_value(to), json_string_value(from)) < 0)
        c = qg_fail(err, QG_EINVAL, "valid_to", "period.reversed", "must not be before valid_from");
    return c;
}

qg_code agreement_check_body(json_t *body, qg_error *err)
{
    static const char *const keys[] = {
        "parties",         "kind",       "purpose",    "data_shared", "protections",
        "permitted_users", "complaints", "valid_from", "valid_to",    NULL};
    static const char *const texts[] = {"purpose", "protections", "permitted_users", "complaints",
                                        NULL};
    qg_code c = input_check_keys(body, keys, err);
    if (c == QG_OK)
        c = check_parties(json_object_get(body, "parties"), err);
    if (c == QG_OK &&
        !vocab_has(&VOCAB_AGREEMENT_KIND, json_string_value(json_object_get(body, "kind"))))
        c = qg_fail(err, QG_EINVAL, "kind", "value.required",
                    "is required: an agreement_kind code");
    for (const char *const *t = texts; c == QG_OK && *t; t++)
        c = json_object_get(body, *t)
                ? case_input_text(json_object_get(body, *t), AGREEMENT_TEXT_MAX, true, *t, err)
                : qg_fail(err, QG_EINVAL, *t, "value.required", "is required");
    if (c == QG_OK)
        c = org_check_codes(json_object_get(body, "data_shared"), &VOCAB_SHARE_PART, "data_shared",
                            err);
    if (c == QG_OK)
        c = check_dates(body, err);
    return c;
}

/* ---- reading ------------------------------------------------------------------------------- */

/* Is the agreement of the row valid on day (from valid_from to valid_to, not ended)? */
static bool valid_on_day(db_stmt *st, const char *day)
{
    return strcmp(db_col_text(st, 11), day) <= 0 && strcmp(db_col_text(st, 12), day) >= 0 &&
           (db_col_null(st, 13) || strcmp(db_col_text(st, 13), day) > 0);
}

static json_t *or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* One agreement of AGREEMENT_COLUMNS. */
static json_t *agreement_row(db_stmt *st)
{
    char today[11];
    text_today(today);
    return json_pack(
        "{s:I, s:[I, I], s:[s, s], s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:b}",
        "id", (json_int_t)db_col_int(st, 0), "parties", (json_int_t)db_col_int(st, 1),
        (json_int_t)db_col_int(st, 3), "party_names", db_col_text(st, 2), db_col_text(st, 4),
        "kind", db_col_text(st, 5), "purpose", db_col_text(st, 6), "data_shared",
        qg_json_loads(db_col_text(st, 7), 0, NULL), "protections", db_col_text(st, 8),
        "permitted_users", db_col_text(st, 9), "complaints", db_col_text(st, 10), "valid_from",
        db_col_text(st, 11), "valid_to", db_col_text(st, 12), "ended_on", or_null(st, 13),
        "created_by", or_null(st, 14), "created_at", db_col_text(st, 15), "valid_today",
        valid_on_day(st, today));
}

static qg_code no_agreement(qg_error *err)
{
    return qg_fail(err, QG_ENOTFOUND, "id", "agreement.not_found", "no such agreement");
}

/* May the actor see an agreement between a and b? */
static bool sees(const qg_actor *actor, int64_t a, int64_t b)
{
    agreement_scope scope = policy_agreement_scope(actor);
    return scope == AGREEMENTS_ALL ||
           (scope == AGREEMENTS_ORG && (actor->org_id == a || actor->org_id == b));
}

/* Reads agreement id into *out when the actor may see it. */
static qg_code load_agreement(db *conn, const qg_actor *actor, int64_t id, json_t **out,
                              qg_error *err)
{
    *out = NULL;
    db_stmt *st =
        db_prepare(conn, "SELECT " AGREEMENT_COLUMNS AGREEMENT_FROM " WHERE a.id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, id);
    int rc = db_step(st, err);
    bool visible = rc == 1 && sees(actor, db_col_int(st, 1), db_col_int(st, 3));
    if (visible)
        *out = agreement_row(st);
    db_done(st);
    if (rc < 0)
        return err->code;
    if (!visible)
        return no_agreement(err);
    return *out ? QG_OK
                : qg_fail(err, QG_EDB, NULL, "storage.damaged",
                          "a stored agreement could not be read");
}

static qg_code may_list(const qg_actor *actor, qg_error *err)
{
    if (policy_agreement_scope(actor) == AGREEMENTS_NONE)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not read the agreements register");
    return QG_OK;
}

typedef struct {
    const qg_actor *actor;
    int64_t id;           /* get: the agreement */
    int64_t org_id;       /* list: a party, or 0 for any */
    const char *valid_on; /* list: in force on this day, or NULL */
    json_t *result;       /* owned until handed to the caller */
} agreement_read;

/* Loads agreement r->id as r->actor sees it (an app_read_fn). */
static qg_code read_one(db *conn, void *arg, qg_error *err)
{
    agreement_read *r = arg;
    return load_agreement(conn, r->actor, r->id, &r->result, err);
}

qg_code agreement_get(qg_app *app, const qg_actor *actor, int64_t id, json_t **out, qg_error *err)
{
    *out = NULL;
    qg_code c = may_list(actor, err);
    if (c != QG_OK)
        return c;
    agreement_read r = {.actor = actor, .id = id};
    c = app_read(app, read_one, &r, err);
    *out = r.result;
    return c;
}

/* Selects the agreements r->actor sees, filtered by party and day (an app_read_fn). */
static qg_code read_list(db *conn, void *arg, qg_error *err)
{
    agreement_read *r = arg;
    int64_t scope_org = policy_agreement_scope(r->actor) == AGREEMENTS_ORG ? r->actor->org_id : 0;
    db_stmt *st =
        db_prepare(conn,
                   "SELECT " AGREEMENT_COLUMNS AGREEMENT_FROM
                   " WHERE (CAST(? AS BIGINT) = 0 OR a.org_a = ? OR a.org_b = ?)"
                   " AND (CAST(? AS BIGINT) = 0 OR a.org_a = ? OR a.org_b = ?)"
                   " AND (CAST(? AS TEXT) IS NULL OR (a.valid_from <= ? AND a.valid_to >= ?"
                   " AND (a.ended_on IS NULL OR a.ended_on > ?))) ORDER BY a.id DESC",
                   err);
    if (!st)
        return err->code;
    for (int k = 0; k < 3; k++) {
        db_bind_int(st, 1 + k, scope_org);
        db_bind_int(st, 4 + k, r->org_id > 0 ? r->org_id : 0);
    }
    for (int k = 7; k <= 10; k++)
        db_bind_text(st, k, r->valid_on);
    r->result = rows_collect(st, agreement_row, err);
    return r->result ? QG_OK : err->code;
}

qg_code agreement_list(qg_app *app, const qg_actor *actor, int64_t org_id, const char *valid_on,
                       json_t **out, qg_error *err)
{
    *out = NULL;
    qg_code c = may_list(actor, err);
    if (c != QG_OK)
        return c;
    if (valid_on && !*valid_on)
        valid_on = NULL;
    if (valid_on && !text_parse_date(valid_on, NULL, NULL, NULL))
        return qg_fail(err, QG_EINVAL, "valid_on", "date.format", "must be a date YYYY-MM-DD");
    agreement_read r = {.actor = actor, .org_id = org_id, .valid_on = valid_on};
    c = app_read(app, read_list, &r, err);
    if (c != QG_OK)
        return c;
    *out = json_pack("{s:o}", "agreements", r.result);
    return *out ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

/* ---- recording and ending -------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    json_t *body; /* borrowed */
    int64_t id, org_a, org_b;
    char ended_on[11];
    json_t *result;
} agreement_job;

static qg_code may_manage(const qg_actor *actor, qg_error *err)
{
    if (policy_decide(actor, ACT_AGREEMENT_MANAGE, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not manage agreements");
    return QG_OK;
}

/* May the actor manage an agreement between a and b (a supervisor: one of theirs)? */
static bool manages(const qg_actor *actor, int64_t a, int64_t b)
{
    return policy_org_manage(actor, ACT_AGREEMENT_MANAGE, a) == POLICY_ALLOW ||
           policy_org_manage(actor, ACT_AGREEMENT_MANAGE, b) == POLICY_ALLOW;
}

static qg_code need_parties(db *conn, const agreement_job *j, qg_error *err)
{
    bool a = false, b = false;
    qg_code c = org_find(conn, j->org_a, &a, err);
    if (c == QG_OK)
        c = org_find(conn, j->org_b, &b, err);
    if (c == QG_OK && !(a && b))
        c = qg_fail(err, QG_EINVAL, "parties", "org.not_found",
                    "names an organisation that does not exist");
    return c;
}

static const char *text_of(const agreement_job *j, const char *key)
{
    return json_string_value(json_object_get(j->body, key));
}

static qg_code insert_agreement(db *conn, agreement_job *j, qg_error *err)
{
    char now[21], *shared = qg_json_dumps(json_object_get(j->body, "data_shared"), JSON_COMPACT);
    db_stmt *st =
        shared
            ? db_prepare(
                  conn,
                  "INSERT INTO agreements (org_a, org_b, kind, purpose, data_shared, protections,"
                  " permitted_users, complaints, valid_from, valid_to, created_by, created_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  err)
            : NULL;
    if (!st) {
        free(shared);
        return shared ? err->code
                      : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    static const char *const texts[] = {"kind",        "purpose",         NULL,
                                        "protections", "permitted_users", "complaints",
                                        "valid_from",  "valid_to"};
    db_now_iso(now);
    db_bind_int(st, 1, j->org_a);
    db_bind_int(st, 2, j->org_b);
    for (int k = 0; k < 8; k++)
        db_bind_text(st, 3 + k, texts[k] ? text_of(j, texts[k]) : shared);
    db_bind_id_or_null(st, 11, j->actor->user_id);
    db_bind_text(st, 12, now);
    int rc = db_step(st, err);
    if (rc == 1)
        j->id = db_col_int(st, 0);
    db_done(st);
    free(shared);
    return rc == 1  ? QG_OK
           : rc < 0 ? err->code
                    : qg_fail(err, QG_EDB, NULL, "storage.failure", "the agreement was not stored");
}

static qg_code audit_agreement(db *conn, const agreement_job *j, const char *action, json_t *detail,
                               qg_error *err)
{
    char object[40];
    snprintf(object, sizeof object, "agreement:%lld", (long long)j->id);
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, object, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    agreement_job *j = arg;
    qg_code c = need_parties(conn, j, err);
    if (c == QG_OK)
        c = insert_agreement(conn, j, err);
    if (c == QG_OK)
        c = audit_agreement(conn, j, "agreement.create",
                            json_pack("{s:I, s:[I, I], s:s}", "id", (json_int_t)j->id, "parties",
                                      (json_int_t)j->org_a, (json_int_t)j->org_b, "kind",
                                      text_of(j, "kind")),
                            err);
    if (c == QG_OK)
        c = load_agreement(conn, j->actor, j->id, &j->result, err);
    return c;
}

static qg_code finish(qg_code c, agreement_job *j, json_t **out)
{
    if (c == QG_OK)
        *out = j->result;
    else
        json_decref(j->result);
    return c;
}

qg_code agreement_create(qg_app *app, const qg_actor *actor, json_t *body, json_t **out,
                         qg_error *err)
{
    agreement_job j = {.app = app, .actor = actor, .body = body};
    *out = NULL;
    qg_code c = may_manage(actor, err);
    if (c == QG_OK)
        c = agreement_check_body(body, err);
    if (c != QG_OK)
        return c;
    int64_t a = json_integer_value(json_array_get(json_object_get(body, "parties"), 0));
    int64_t b = json_integer_value(json_array_get(json_object_get(body, "parties"), 1));
    j.org_a = a < b ? a : b;
    j.org_b = a < b ? b : a;
    if (!manages(actor, j.org_a, j.org_b))
        return qg_fail(err, QG_EINVAL, "parties", "agreement.not_party",
                       "your organisation must be one of the parties");
    return finish(writer_run(app->writer, create_in_tx, &j, err), &j, out);
}

/* Reads what ending needs: the parties, the dates and whether it has ended. */
static qg_code check_end(db *conn, agreement_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT org_a, org_b, valid_from, valid_to, ended_on FROM agreements WHERE id = ?",
        err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->id);
    int rc = db_step(st, err);
    qg_code c = rc < 0 ? err->code : QG_OK;
    if (rc == 0 || (rc == 1 && !manages(j->actor, db_col_int(st, 0), db_col_int(st, 1))))
        c = no_agreement(err);
    else if (rc == 1 && !db_col_null(st, 4))
        c = qg_fail(err, QG_ECONFLICT, "ended_on", "agreement.already_ended",
                    "the agreement has already been ended");
    else if (rc == 1 && (strcmp(j->ended_on, db_col_text(st, 2)) < 0 ||
                         strcmp(j->ended_on, db_col_text(st, 3)) > 0))
        c = qg_fail(err, QG_EINVAL, "ended_on", "agreement.end_outside_period",
                    "must lie from valid_from to valid_to");
    db_done(st);
    return c;
}

static qg_code end_in_tx(db *conn, void *arg, qg_error *err)
{
    agreement_job *j = arg;
    qg_code c = check_end(conn, j, err);
    db_stmt *st = c == QG_OK
                      ? db_prepare(conn, "UPDATE agreements SET ended_on = ? WHERE id = ?", err)
                      : NULL;
    if (st) {
        db_bind_text(st, 1, j->ended_on);
        db_bind_int(st, 2, j->id);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    if (c == QG_OK)
        c = audit_agreement(
            conn, j, "agreement.end",
            json_pack("{s:I, s:s}", "id", (json_int_t)j->id, "ended_on", j->ended_on), err);
    if (c == QG_OK)
        c = load_agreement(conn, j->actor, j->id, &j->result, err);
    return c;
}

qg_code agreement_end(qg_app *app, const qg_actor *actor, int64_t id, json_t *body, json_t **out,
                      qg_error *err)
{
    static const char *const keys[] = {"ended_on", NULL};
    agreement_job j = {.app = app, .actor = actor, .id = id};
    *out = NULL;
    qg_code c = may_manage(actor, err);
    if (c == QG_OK && id <= 0)
        c = no_agreement(err);
    if (c == QG_OK)
        c = input_check_keys(body, keys, err);
    json_t *ended = json_object_get(body, "ended_on");
    if (c == QG_OK && ended)
        c = org_check_date(ended, "ended_on", err);
    if (c != QG_OK)
        return c;
    if (ended)
        snprintf(j.ended_on, sizeof j.ended_on, "%s", json_string_value(ended));
    else
        text_today(j.ended_on);
    return finish(writer_run(app->writer, end_in_tx, &j, err), &j, out);
}
