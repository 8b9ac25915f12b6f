/* referral.c — creating a referral and moving it through its states, and the pieces
 * every referral service shares: loading one, the actor's side, its history, its
 * sealed texts and its audit entries (see referral.h, referral_impl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/referral/agreement.h"
#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/referral/consent.h"
#include "core/account/policy.h"
#include "core/referral/referral_impl.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"
#include "base/text.h"
#include "core/common/json_text.h"

#define REF_TRIES 8 /* new references drawn when one is taken (60 random bits: practically never) */

/* ---- shared ------------------------------------------------------------------------- */

qg_code referral_not_found(qg_error *err)
{
    return qg_fail(err, QG_ENOTFOUND, "referral", "referral.not_found", "no such referral");
}

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static void copy_col(db_stmt *st, int i, char *out, size_t size)
{
    snprintf(out, size, "%s", db_col_null(st, i) ? "" : db_col_text(st, i));
}

static qg_code row_from(db_stmt *st, referral_row *r, qg_error *err)
{
    size_t len = 0;
    const void *blob = db_col_blob(st, 8, &len);
    r->id = db_col_int(st, 0);
    r->case_id = db_col_int(st, 1);
    copy_col(st, 2, r->case_code, sizeof r->case_code);
    r->from_org = db_col_int(st, 3);
    r->to_org = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
    copy_col(st, 5, r->to_name, sizeof r->to_name);
    copy_col(st, 6, r->service, sizeof r->service);
    r->parts = qg_json_loads(db_col_text(st, 7), 0, NULL);
    copy_col(st, 9, r->status, sizeof r->status);
    copy_col(st, 10, r->respond_by, sizeof r->respond_by);
    r->agreement_id = db_col_null(st, 11) ? 0 : db_col_int(st, 11);
    r->emergency = db_col_int(st, 12) != 0;
    copy_col(st, 13, r->created_at, sizeof r->created_at);
    copy_col(st, 14, r->updated_at, sizeof r->updated_at);
    r->version = db_col_int(st, 15);
    copy_col(st, 16, r->ref, sizeof r->ref);
    if (!json_is_array(r->parts))
        return qg_fail(err, QG_EDB, "parts", "storage.damaged", "a stored referral is damaged");
    if (!(r->sealed = malloc(len ? len : 1)))
        return oom(err);
    if (len)
        memcpy(r->sealed, blob, len);
    r->sealed_len = len;
    return QG_OK;
}

qg_code referral_load(db *conn, const char *ref, referral_row *r, qg_error *err)
{
    memset(r, 0, sizeof *r);
    db_stmt *st =
        db_prepare(conn,
                   "SELECT r.id, r.case_id, c.code, r.from_org, r.to_org, r.to_name, r.service,"
                   " r.parts, r.sealed, r.status, r.respond_by, r.agreement_id, r.emergency,"
                   " r.created_at, r.updated_at, r.version, r.ref"
                   " FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.ref = ?",
                   err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, ref);
    int rc = db_step(st, err);
    qg_code c = rc == 1 ? row_from(st, r, err) : rc < 0 ? err->code : referral_not_found(err);
    db_done(st);
    return c;
}

void referral_row_free(referral_row *r)
{
    json_decref(r->parts);
    free(r->sealed);
    r->parts = NULL;
    r->sealed = NULL;
}

qg_code referral_side_of(db *conn, const qg_actor *actor, const referral_row *r,
                         referral_side *side, qg_error *err)
{
    *side = SIDE_NONE;
    if (actor->org_id == r->from_org &&
        policy_decide(actor, ACT_REFERRAL_SEND, NULL) == POLICY_ALLOW) {
        case_state state;
        qg_code c = case_state_for(conn, actor, ACT_PERSONAL_READ, r->case_code, &state, err);
        if (c == QG_OK)
            *side = SIDE_SENDER;
        else if (c != QG_ENOTFOUND && c != QG_EFORBIDDEN)
            return c;
    }
    if (*side == SIDE_NONE && r->to_org && actor->org_id == r->to_org &&
        policy_decide(actor, ACT_REFERRAL_RECEIVE, NULL) == POLICY_ALLOW)
        *side = SIDE_RECEIVER;
    return QG_OK;
}

void referral_place(const char *ref, char out[REFERRAL_PLACE_MAX])
{
    snprintf(out, REFERRAL_PLACE_MAX, "referral:%s", ref);
}

qg_code referral_open(const qg_keys *keys, const referral_row *r, json_t **out, qg_error *err)
{
    char place[REFERRAL_PLACE_MAX];
    referral_place(r->ref, place);
    qg_code c = sealed_get(keys, r->case_id, place, 0, r->sealed, r->sealed_len, out, err);
    if (c == QG_OK && !json_is_object(json_object_get(*out, "contents"))) {
        json_decref(*out);
        *out = NULL;
        c = qg_fail(err, QG_ECRYPTO, "contents", "crypto.damaged", "stored contents are damaged");
    }
    return c;
}

qg_code referral_event(db *conn, const qg_keys *keys, const referral_row *r, const char *from,
                       const char *to, const char *reason, json_t *note, int64_t by_user,
                       bool via_code, qg_error *err)
{
    char place[REFERRAL_PLACE_MAX], now[21];
    unsigned char *sealed = NULL;
    size_t len = 0;
    int64_t n = 0;
    referral_place(r->ref, place);
    qg_code c = rows_next_number(
        conn, "SELECT COALESCE(MAX(n), 0) + 1 FROM referral_events WHERE referral_id = ?", r->id,
        NULL, &n, err);
    if (c == QG_OK && note)
        c = sealed_put(keys, r->case_id, place, n, note, &sealed, &len, err);
    db_stmt *st =
        c == QG_OK
            ? db_prepare(
                  conn,
                  "INSERT INTO referral_events (referral_id, n, from_status, to_status,"
                  " reason, sealed, by_user, via_code, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  err)
            : NULL;
    if (st) {
        db_now_iso(now);
        db_bind_int(st, 1, r->id);
        db_bind_int(st, 2, n);
        db_bind_text(st, 3, from);
        db_bind_text(st, 4, to);
        db_bind_text(st, 5, reason);
        db_bind_blob_or_null(st, 6, sealed, len);
        db_bind_id_or_null(st, 7, by_user);
        db_bind_int(st, 8, via_code ? 1 : 0);
        db_bind_text(st, 9, now);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

/* A closed referral takes no more replies: its unused codes are spent. */
static qg_code spend_codes(db *conn, const referral_row *r, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "UPDATE reply_codes SET used_at = ? WHERE referral_id = ? AND used_at IS NULL", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, (int64_t)time(NULL));
    db_bind_int(st, 2, r->id);
    return db_run(st, err);
}

qg_code referral_set_status(db *conn, referral_row *r, const char *status, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(
        conn, "UPDATE referrals SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?",
        err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, status);
    db_bind_text(st, 2, now);
    db_bind_int(st, 3, r->id);
    qg_code c = db_run(st, err);
    if (c == QG_OK) {
        snprintf(r->status, sizeof r->status, "%s", status);
        snprintf(r->updated_at, sizeof r->updated_at, "%s", now);
        r->version++;
    }
    return c == QG_OK && !referral_status_open(status) ? spend_codes(conn, r, err) : c;
}

qg_code referral_audit(db *conn, const qg_keys *keys, const qg_actor *actor, const char *action,
                       const referral_row *r, json_t *detail, qg_error *err)
{
    if (!detail)
        detail = json_object();
    qg_code c = detail && json_object_set_new(detail, "ref", json_string(r->ref)) == 0
                    ? audit_append(conn, keys, actor, action, r->case_code, detail, err)
                    : oom(err);
    json_decref(detail);
    return c;
}

json_t *referral_summary(const referral_row *r)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "ref", r->ref, "service", r->service,
                     "status", r->status, "respond_by", r->respond_by, "version",
                     (json_int_t)r->version, "updated_at", r->updated_at);
}

bool referral_overdue(const char *status, const char *respond_by, const char *today)
{
    return strcmp(status, "sent") == 0 && strcmp(respond_by, today) < 0;
}

qg_code referral_org_name(db *conn, int64_t id, json_t **out, qg_error *err)
{
    *out = json_null();
    if (!id)
        return QG_OK;
    db_stmt *st = db_prepare(conn, "SELECT name FROM orgs WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, id);
    int rc = db_step(st, err);
    if (rc == 1)
        *out = json_string(db_col_text(st, 0));
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

qg_code referral_sender_json(db *conn, const referral_row *r, json_t **out, qg_error *err)
{
    char today[11];
    json_t *to_name = NULL;
    text_today(today);
    qg_code c = referral_org_name(conn, r->to_org, &to_name, err);
    if (c != QG_OK)
        return c;
    if (r->to_name[0]) {
        json_decref(to_name);
        to_name = json_string(r->to_name);
    }
    *out = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:b, s:O, s:s, s:s, s:b, s:b, s:o, s:s, s:s, s:I}", "ref",
        r->ref, "case", r->case_code, "service", r->service, "to_org",
        r->to_org ? json_integer(r->to_org) : json_null(), "to_name", to_name, "on_qorgau",
        r->to_org != 0, "parts", r->parts, "status", r->status, "respond_by", r->respond_by,
        "overdue", referral_overdue(r->status, r->respond_by, today), "emergency", r->emergency,
        "agreement_id", r->agreement_id ? json_integer(r->agreement_id) : json_null(), "created_at",
        r->created_at, "updated_at", r->updated_at, "version", (json_int_t)r->version);
    return *out ? QG_OK : oom(err);
}

/* ---- create --------------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    json_t *body; /* borrowed */
    char respond_by[11], today[11];
    bool override_allowed;
    case_state state;
    int64_t to_org, agreement_id;
    bool emergency;
    referral_row row;
    json_t *result;
} create_job;

static qg_code check_to_org(db *conn, create_job *j, qg_error *err)
{
    if (j->to_org == j->state.org_id)
        return qg_fail(err, QG_EINVAL, "to_org", "referral.own_org",
                       "must be another organisation than the case's own");
    db_stmt *st = db_prepare(conn, "SELECT 1 FROM orgs WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->to_org);
    int rc = db_step(st, err);
    db_done(st);
    return rc == 1 ? QG_OK
           : rc < 0
               ? err->code
               : qg_fail(err, QG_EINVAL, "to_org", "org.not_found", "is not a known organisation");
}

/* Personal parts go only with the child's consent to sharing with the recipient
 * (withdrawing it stops any further sharing). */
static qg_code check_consent(db *conn, create_job *j, qg_error *err)
{
    json_t *parts = json_object_get(j->body, "parts"), *p;
    size_t i;
    bool yes = false, asked = false;
    json_array_foreach(parts, i, p) {
        if (!referral_part_personal(json_string_value(p)))
            continue;
        if (!asked) {
            qg_code c = consent_active(conn, j->state.id, "sharing", j->to_org, &yes, err);
            if (c != QG_OK)
                return c;
            asked = true;
        }
        if (!yes) {
            char field[32];
            snprintf(field, sizeof field, "parts[%zu]", i);
            return qg_fail(
                err, QG_ECONFLICT, field, "referral.no_consent",
                "is personal data: no consent to sharing with this organisation is on record");
        }
    }
    return QG_OK;
}

/* A referral needs a valid agreement with the recipient covering the parts, unless a
 * supervisor overrides in an emergency (with a reason). */
static qg_code check_agreement(db *conn, create_job *j, qg_error *err)
{
    qg_code c = agreement_find_valid(conn, j->state.org_id, j->to_org, j->today,
                                     json_object_get(j->body, "parts"), &j->agreement_id, err);
    if (c != QG_OK || j->agreement_id)
        return c;
    if (json_object_get(j->body, "emergency_reason") && j->override_allowed) {
        j->emergency = true;
        return QG_OK;
    }
    return qg_fail(err, QG_ECONFLICT, "agreement", "referral.no_agreement",
                   "no valid agreement with this organisation covers these parts");
}

static qg_code seal_contents(create_job *j, db *conn, unsigned char **sealed, size_t *len,
                             qg_error *err)
{
    json_t *contents = NULL, *doc = NULL, *note = json_object_get(j->body, "note");
    char place[REFERRAL_PLACE_MAX];
    qg_code c = referral_snapshot(conn, j->app->keys, j->state.id,
                                  json_object_get(j->body, "parts"), &contents, err);
    if (c == QG_OK && !(doc = json_pack("{s:o}", "contents", contents)))
        c = oom(err);
    if (c == QG_OK && note && json_object_set(doc, "note", note) != 0)
        c = oom(err);
    referral_place(j->row.ref, place);
    if (c == QG_OK)
        c = sealed_put(j->app->keys, j->state.id, place, 0, doc, sealed, len, err);
    json_decref(doc);
    return c;
}

static void bind_insert(create_job *j, db_stmt *st, const char *parts, const unsigned char *sealed,
                        size_t len, const char *now)
{
    const char *to_name = json_string_value(json_object_get(j->body, "to_name"));
    db_bind_text(st, 1, j->row.ref);
    db_bind_int(st, 2, j->state.id);
    db_bind_int(st, 3, j->state.org_id);
    db_bind_id_or_null(st, 4, j->to_org);
    db_bind_text(st, 5, to_name);
    db_bind_text(st, 6, json_string_value(json_object_get(j->body, "service")));
    db_bind_text(st, 7, parts);
    db_bind_blob(st, 8, sealed, len);
    db_bind_text(st, 9, j->respond_by);
    db_bind_id_or_null(st, 10, j->agreement_id);
    db_bind_int(st, 11, j->emergency ? 1 : 0);
    db_bind_id_or_null(st, 12, j->actor->user_id);
    db_bind_text(st, 13, now);
    db_bind_text(st, 14, now);
}

/* Inserts the referral under its reference, with its sealed contents. */
static qg_code insert_one(db *conn, create_job *j, qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21];
    char *parts = qg_json_dumps(json_object_get(j->body, "parts"), JSON_COMPACT);
    qg_code c = parts ? seal_contents(j, conn, &sealed, &len, err) : oom(err);
    db_stmt *st =
        c == QG_OK
            ? db_prepare(conn,
                         "INSERT INTO referrals (ref, case_id, from_org, to_org, to_name, service,"
                         " parts, sealed, status, respond_by, agreement_id, emergency, created_by,"
                         " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?, ?,"
                         " ?, ?, ?)",
                         err)
            : NULL;
    if (st) {
        db_now_iso(now);
        bind_insert(j, st, parts, sealed, len, now);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(parts);
    free(sealed);
    return c;
}

/* Draws a reference no referral has yet. */
static qg_code fresh_ref(db *conn, char ref[REFERRAL_REF_SIZE], qg_error *err)
{
    for (int i = 0; i < REF_TRIES; i++) {
        referral_ref_new(ref);
        db_stmt *st = db_prepare(conn, "SELECT 1 FROM referrals WHERE ref = ?", err);
        if (!st)
            return err->code;
        db_bind_text(st, 1, ref);
        int rc = db_step(st, err);
        db_done(st);
        if (rc != 1)
            return rc < 0 ? err->code : QG_OK;
    }
    return qg_fail(err, QG_EDB, NULL, "storage.failure",
                   "could not draw an unused referral reference");
}

static qg_code insert_referral(db *conn, create_job *j, qg_error *err)
{
    char ref[REFERRAL_REF_SIZE];
    qg_code c = fresh_ref(conn, j->row.ref, err);
    if (c == QG_OK)
        c = insert_one(conn, j, err);
    memcpy(ref, j->row.ref, sizeof ref);
    return c == QG_OK ? referral_load(conn, ref, &j->row, err) : c;
}

static qg_code audit_create(db *conn, create_job *j, qg_error *err)
{
    json_t *parts = json_deep_copy(json_object_get(j->body, "parts"));
    json_t *detail = json_pack("{s:s, s:o, s:o, s:b}", "service", j->row.service, "to_org",
                               j->to_org ? json_integer(j->to_org) : json_null(), "parts", parts,
                               "emergency", j->emergency);
    if (!detail) /* its "to_org" shows the entry to the receiver's auditors too */
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    qg_code c =
        referral_audit(conn, j->app->keys, j->actor, "referral.create", &j->row, detail, err);
    json_t *override = c == QG_OK && j->emergency
                           ? json_pack("{s:I}", "to_org", (json_int_t)j->to_org)
                           : NULL;
    if (c == QG_OK && j->emergency && !override)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (override) /* the reason stays sealed in the first history entry */
        c = referral_audit(conn, j->app->keys, j->actor, "referral.override", &j->row, override,
                           err);
    return c;
}

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    create_job *j = arg;
    /* referring is a change (a break-the-glass grant only reads: grant.read_only) */
    qg_code c = case_state_for(conn, j->actor, ACT_REFERRAL_SEND, j->code, &j->state, err);
    if (c == QG_OK && j->state.withdrawn) /* issue 14 item 6 */
        c = qg_fail(err, QG_ECONFLICT, "status", "case.withdrawn",
                    "the case was withdrawn; it can only be read");
    else if (c == QG_OK && j->state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "case.closed",
                    "the case is closed; reopen it first");
    if (c == QG_OK && j->to_org)
        c = check_to_org(conn, j, err);
    if (c == QG_OK && j->to_org)
        c = check_consent(conn, j, err);
    if (c == QG_OK && j->to_org)
        c = check_agreement(conn, j, err);
    if (c == QG_OK)
        c = insert_referral(conn, j, err);
    if (c == QG_OK)
        c = referral_event(conn, j->app->keys, &j->row, NULL, "sent", NULL,
                           json_object_get(j->body, "emergency_reason"), j->actor->user_id, false,
                           err);
    if (c == QG_OK)
        c = audit_create(conn, j, err);
    if (c == QG_OK)
        c = referral_sender_json(conn, &j->row, &j->result, err);
    return c;
}

qg_code referral_create(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                        json_t **out, qg_error *err)
{
    create_job j = {.app = app, .actor = actor, .body = body};
    *out = NULL;
    text_today(j.today);
    qg_code c = case_precheck(actor, ACT_REFERRAL_SEND, code, j.code, err);
    if (c == QG_OK)
        c = referral_check_create(body, j.today, j.respond_by, err);
    j.override_allowed = policy_decide(actor, ACT_REFERRAL_OVERRIDE, NULL) == POLICY_ALLOW;
    if (c == QG_OK && json_object_get(body, "emergency_reason") && !j.override_allowed)
        c = qg_fail(err, QG_EFORBIDDEN, "emergency_reason", "referral.emergency_supervisor_only",
                    "only a supervisor may override in an emergency");
    j.to_org = json_integer_value(json_object_get(body, "to_org"));
    if (c == QG_OK)
        c = writer_run(app->writer, create_in_tx, &j, err);
    referral_row_free(&j.row);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* ---- transitions ------------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char ref[REFERRAL_REF_SIZE];
    referral_action action;
    json_t *body; /* borrowed */
    referral_row row;
    json_t *result;
} act_job;

static qg_code act_in_tx(db *conn, void *arg, qg_error *err)
{
    act_job *j = arg;
    referral_side side = SIDE_NONE;
    const char *to = NULL;
    json_t *want = json_object_get(j->body, "version");
    const char *reason = json_string_value(json_object_get(j->body, "reason"));
    qg_code c = referral_load(conn, j->ref, &j->row, err);
    if (c == QG_OK)
        c = referral_side_of(conn, j->actor, &j->row, &side, err);
    if (c == QG_OK && side != (referral_action_by_sender(j->action) ? SIDE_SENDER : SIDE_RECEIVER))
        c = referral_not_found(err);
    if (c == QG_OK && want && json_integer_value(want) != j->row.version)
        c = qg_fail(err, QG_ECONFLICT, "version", "version.stale",
                    "the referral was changed by someone else; reload it");
    if (c == QG_OK)
        c = referral_next_status(j->row.status, j->action, &to, err);
    char from[16];
    snprintf(from, sizeof from, "%s", j->row.status);
    if (c == QG_OK)
        c = referral_event(conn, j->app->keys, &j->row, from, to, reason,
                           json_object_get(j->body, "note"), j->actor->user_id, false, err);
    if (c == QG_OK)
        c = referral_set_status(conn, &j->row, to, err);
    if (c == QG_OK) {
        char action[40];
        snprintf(action, sizeof action, "referral.%s", referral_action_name(j->action));
        c = referral_audit(conn, j->app->keys, j->actor, action, &j->row,
                           json_pack("{s:s, s:s, s:o}", "from", from, "to", to, "reason",
                                     reason ? json_string(reason) : json_null()),
                           err);
    }
    if (c == QG_OK && !(j->result = referral_summary(&j->row)))
        c = oom(err);
    return c;
}

qg_code referral_act(qg_app *app, const qg_actor *actor, const char *ref, referral_action action,
                     json_t *body, json_t **out, qg_error *err)
{
    act_job j = {.app = app, .actor = actor, .action = action, .body = body};
    *out = NULL;
    qg_action need = referral_action_by_sender(action) ? ACT_REFERRAL_SEND : ACT_REFERRAL_RECEIVE;
    if (policy_decide(actor, need, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    if (!referral_ref_parse(ref, j.ref))
        return referral_not_found(err);
    qg_code c = referral_check_transition(body, action, err);
    if (c == QG_OK)
        c = writer_run(app->writer, act_in_tx, &j, err);
    referral_row_free(&j.row);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
