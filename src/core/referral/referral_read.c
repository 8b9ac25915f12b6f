/* referral_read.c — reading referrals: one referral as its sending side sees it (all of
 * it, with its history) or as the receiving organisation does (only what it carries,
 * only while open and while consent holds), a case's referrals, and the lists across
 * cases, outgoing and incoming (see referral.h). */
#include <stdio.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/referral/consent.h"
#include "core/account/policy.h"
#include "core/referral/referral_impl.h"
#include "core/common/sealed.h"
#include "base/text.h"
#include "core/vocab/vocab.h"
#include "core/common/json_text.h"

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static json_t *text_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* Sets key of obj to value (stolen); a failure is out of memory. */
static qg_code put(json_t *obj, const char *key, json_t *value, qg_error *err)
{
    return value && json_object_set_new(obj, key, value) == 0 ? QG_OK : oom(err);
}

/* ---- one referral ------------------------------------------------------------------------ */

/* Adds the decrypted note of the current history row to entry, when it has one. */
static qg_code event_note(const qg_keys *keys, const referral_row *r, db_stmt *st, json_t *entry,
                          qg_error *err)
{
    char place[REFERRAL_PLACE_MAX];
    size_t len = 0;
    json_t *note = NULL;
    if (db_col_null(st, 7))
        return QG_OK;
    const void *blob = db_col_blob(st, 7, &len);
    referral_place(r->ref, place);
    qg_code c = sealed_get(keys, r->case_id, place, db_col_int(st, 0), blob, len, &note, err);
    return c == QG_OK ? put(entry, "note", note, err) : c;
}

static qg_code history(db *conn, const qg_keys *keys, const referral_row *r, json_t *list,
                       qg_error *err)
{
    db_stmt *st = db_prepare(
        conn,
        "SELECT e.n, e.from_status, e.to_status, e.reason, u.login, e.via_code, e.at, e.sealed,"
        " e.by_phone"
        " FROM referral_events e LEFT JOIN users u ON u.id = e.by_user"
        " WHERE e.referral_id = ? ORDER BY e.n",
        err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->id);
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        json_t *entry = json_pack(
            "{s:I, s:o, s:s, s:o, s:o, s:b, s:s, s:b}", "n", (json_int_t)db_col_int(st, 0), "from",
            text_or_null(st, 1), "to", db_col_text(st, 2), "reason", text_or_null(st, 3), "by",
            text_or_null(st, 4), "via_code", db_col_int(st, 5) != 0, "at", db_col_text(st, 6),
            "by_phone", db_col_int(st, 8) != 0);
        c = entry ? event_note(keys, r, st, entry, err) : oom(err);
        if (c == QG_OK && json_array_append_new(list, entry) != 0)
            c = oom(err);
        else if (c != QG_OK)
            json_decref(entry);
    }
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

/* Sets "by_phone" of view: whether the recipient's answer was recorded by the sender,
 * given by phone. */
static qg_code put_by_phone(db *conn, const referral_row *r, json_t *view, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT 1 FROM referral_events WHERE referral_id = ? AND by_phone = 1", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->id);
    int rc = db_step(st, err);
    db_done(st);
    return rc < 0 ? err->code : put(view, "by_phone", json_boolean(rc == 1), err);
}

/* As put_by_phone for the receiving side, which sees "by_phone" only when it is true (a
 * closed referral shows it only ref, service and status besides). */
static qg_code put_by_phone_if(db *conn, const referral_row *r, json_t *view, qg_error *err)
{
    qg_code c = put_by_phone(conn, r, view, err);
    if (c == QG_OK && !json_is_true(json_object_get(view, "by_phone")))
        json_object_del(view, "by_phone");
    return c;
}

/* What the sending side may do with the referral now: cancel it while it is open, record
 * the recipient's answer given by phone while it waits for one. */
static json_t *sender_may(const referral_row *r)
{
    json_t *may = json_array();
    if (may && referral_status_open(r->status))
        json_array_append_new(may, json_string("referral.cancel"));
    if (may && strcmp(r->status, "sent") == 0)
        json_array_append_new(may, json_string("referral.phone_answer"));
    return may;
}

/* All of it: the summary, the contents, the note and the history with its notes. */
static qg_code sender_view(db *conn, const qg_keys *keys, const referral_row *r, json_t **out,
                           qg_error *err)
{
    json_t *opened = NULL, *events = json_array();
    qg_code c = events ? referral_sender_json(conn, r, out, err) : oom(err);
    if (c == QG_OK)
        c = referral_open(keys, r, &opened, err);
    if (c == QG_OK)
        c = put(*out, "contents", json_incref(json_object_get(opened, "contents")), err);
    if (c == QG_OK && json_object_get(opened, "note"))
        c = put(*out, "note", json_incref(json_object_get(opened, "note")), err);
    if (c == QG_OK)
        c = history(conn, keys, r, events, err);
    if (c == QG_OK)
        c = put(*out, "events", json_incref(events), err);
    if (c == QG_OK)
        c = put_by_phone(conn, r, *out, err);
    if (c == QG_OK)
        c = put(*out, "may", sender_may(r), err);
    json_decref(opened);
    json_decref(events);
    return c;
}

static bool carries_personal(const referral_row *r)
{
    size_t i;
    json_t *p;
    json_array_foreach(r->parts, i, p) {
        if (referral_part_personal(json_string_value(p)))
            return true;
    }
    return false;
}

/* What the referral carries, while it is open; withdrawn when it carries personal
 * data and the consent to sharing with the recipient no longer holds. */
static qg_code receiver_contents(db *conn, const qg_keys *keys, const referral_row *r, json_t *view,
                                 bool *shown, qg_error *err)
{
    bool consent = true;
    json_t *opened = NULL;
    qg_code c = carries_personal(r)
                    ? consent_active(conn, r->case_id, "sharing", r->to_org, &consent, err)
                    : QG_OK;
    *shown = c == QG_OK && consent;
    if (c == QG_OK && !consent)
        return put(view, "contents", json_pack("{s:b}", "withdrawn", true), err);
    if (c == QG_OK)
        c = referral_open(keys, r, &opened, err);
    if (c == QG_OK)
        c = put(view, "contents", json_incref(json_object_get(opened, "contents")), err);
    if (c == QG_OK && json_object_get(opened, "note"))
        c = put(view, "note", json_incref(json_object_get(opened, "note")), err);
    json_decref(opened);
    return c;
}

/* Never the case code, the sender's users, the history or the emergency reason. */
static qg_code receiver_view(db *conn, const qg_keys *keys, const referral_row *r, json_t **out,
                             bool *shown, qg_error *err)
{
    char today[11];
    json_t *from = NULL;
    *shown = false;
    text_today(today);
    *out = json_pack("{s:s, s:s, s:s}", "ref", r->ref, "service", r->service, "status", r->status);
    if (!*out)
        return oom(err);
    qg_code c = put_by_phone_if(conn, r, *out, err);
    if (c != QG_OK || !referral_status_open(r->status))
        return c;
    c = referral_org_name(conn, r->from_org, &from, err);
    if (c == QG_OK)
        c = put(*out, "from_org", from, err);
    if (c == QG_OK)
        c = put(*out, "respond_by", json_string(r->respond_by), err);
    if (c == QG_OK)
        c = put(*out, "overdue", json_boolean(referral_overdue(r->status, r->respond_by, today)),
                err);
    if (c == QG_OK)
        c = put(*out, "parts", json_incref(r->parts), err);
    if (c == QG_OK)
        c = put(*out, "version", json_integer(r->version), err);
    return c == QG_OK ? receiver_contents(conn, keys, r, *out, shown, err) : c;
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char ref[REFERRAL_REF_SIZE];
    referral_row row;
    json_t *result;
} get_job;

static qg_code get_in_tx(db *conn, void *arg, qg_error *err)
{
    get_job *j = arg;
    referral_side side = SIDE_NONE;
    bool shown = false;
    qg_code c = referral_load(conn, j->ref, &j->row, err);
    if (c == QG_OK)
        c = referral_side_of(conn, j->actor, &j->row, &side, err);
    if (c == QG_OK && side == SIDE_NONE)
        c = referral_not_found(err);
    if (c == QG_OK && side == SIDE_SENDER) {
        shown = true;
        c = sender_view(conn, j->app->keys, &j->row, &j->result, err);
    } else if (c == QG_OK) {
        c = receiver_view(conn, j->app->keys, &j->row, &j->result, &shown, err);
    }
    if (c == QG_OK)
        c = referral_audit(conn, j->app->keys, j->actor, "referral.read", &j->row,
                           json_pack("{s:s, s:b}", "side",
                                     side == SIDE_SENDER ? "sender" : "receiver", "contents",
                                     shown),
                           err);
    return c;
}

qg_code referral_get(qg_app *app, const qg_actor *actor, const char *ref, json_t **out,
                     qg_error *err)
{
    get_job j = {.app = app, .actor = actor};
    *out = NULL;
    if (policy_decide(actor, ACT_REFERRAL_SEND, NULL) != POLICY_ALLOW &&
        policy_decide(actor, ACT_REFERRAL_RECEIVE, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    if (!referral_ref_parse(ref, j.ref))
        return referral_not_found(err);
    qg_code c =
        writer_run(app->writer, get_in_tx, &j, err); /* a write job: the read is audited with it */
    referral_row_free(&j.row);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* ---- lists --------------------------------------------------------------------------------- */

/* What the policy needs to know about a row's case (five columns); its one parameter
 * is the acting user's id. */
#define CASE_FACTS                                                                               \
    " c.org_id, c.created_by, (SELECT count(*) FROM case_assignments a WHERE a.case_id = c.id)," \
    " EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.user_id = ?),"       \
    " c.handed_over"

/* Whether the answer was recorded by the sender, given by phone. */
#define BY_PHONE \
    " EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id AND e.by_phone = 1)"

/* Columns of an outgoing row; the case facts start at column 12, by phone is column 17. */
#define OUT_COLUMNS                                                                           \
    "r.ref, c.code, r.service, r.to_org, o.name, r.to_name, r.parts, r.status, r.respond_by," \
    " r.emergency, r.updated_at, r.version," CASE_FACTS "," BY_PHONE
#define OUT_FROM \
    " FROM referrals r JOIN cases c ON c.id = r.case_id LEFT JOIN orgs o ON o.id = r.to_org"
#define OUT_FACTS 12

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const referral_query *query;
    char code[QG_CODE_SIZE];
    char today[11];
    bool truncated;
    json_t *list;
} list_job;

static bool may_read(const list_job *j, db_stmt *st)
{
    case_facts f = {.org_id = db_col_int(st, OUT_FACTS),
                    .created_by = db_col_int(st, OUT_FACTS + 1),
                    .assigned_count = (int)db_col_int(st, OUT_FACTS + 2),
                    .actor_assigned = db_col_int(st, OUT_FACTS + 3) != 0,
                    .handed_over = db_col_int(st, OUT_FACTS + 4) != 0};
    return policy_decide(j->actor, ACT_CASE_READ, &f) == POLICY_ALLOW;
}

static json_t *out_item(db_stmt *st, const char *today)
{
    json_t *parts = qg_json_loads(db_col_text(st, 6), 0, NULL);
    const char *status = db_col_text(st, 7), *respond_by = db_col_text(st, 8);
    json_t *to = db_col_null(st, 3) ? text_or_null(st, 5) : text_or_null(st, 4);
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:s, s:s, s:b, s:b, s:s, s:I, s:b}",
                     "ref",
                     db_col_text(st, 0), "case", db_col_text(st, 1), "service", db_col_text(st, 2),
                     "to_org", db_col_null(st, 3) ? json_null() : json_integer(db_col_int(st, 3)),
                     "to_name", to, "on_qorgau", !db_col_null(st, 3), "parts",
                     parts ? parts : json_array(), "status", status, "respond_by", respond_by,
                     "overdue", referral_overdue(status, respond_by, today), "emergency",
                     db_col_int(st, 9) != 0, "updated_at", db_col_text(st, 10), "version",
                     (json_int_t)db_col_int(st, 11), "by_phone", db_col_int(st, 17) != 0);
}

static qg_code append(list_job *j, json_t *item, qg_error *err)
{
    if (!item)
        return qg_fail(err, QG_EDB, NULL, "storage.failure", "a referral could not be encoded");
    if (json_array_size(j->list) >= REFERRAL_LIST_MAX) {
        j->truncated = true;
        json_decref(item);
        return QG_OK;
    }
    return json_array_append_new(j->list, item) == 0 ? QG_OK : oom(err);
}

/* Steps st, keeping the rows whose case the actor may read. */
static qg_code collect_out(list_job *j, db_stmt *st, qg_error *err)
{
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1)
        if (may_read(j, st))
            c = append(j, out_item(st, j->today), err);
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

static const char *status_filter(const list_job *j) { return j->query ? j->query->status : NULL; }

static bool overdue_filter(const list_job *j) { return j->query && j->query->overdue; }

static qg_code list_out(db *conn, list_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT " OUT_COLUMNS OUT_FROM " WHERE r.from_org = ?"
                             " AND (CAST(? AS TEXT) IS NULL OR r.status = ?)"
                             " AND (? = 0 OR (r.status = 'sent' AND r.respond_by < ?))"
                             " ORDER BY r.respond_by, r.ref",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->actor->user_id);
    db_bind_int(st, 2, j->actor->org_id);
    db_bind_text(st, 3, status_filter(j));
    db_bind_text(st, 4, status_filter(j));
    db_bind_int(st, 5, overdue_filter(j) ? 1 : 0);
    db_bind_text(st, 6, j->today);
    return collect_out(j, st, err);
}

/* An incoming referral in a list: no case code; once closed only ref, service, status. */
static json_t *in_item(db_stmt *st, const char *today)
{
    const char *status = db_col_text(st, 2), *respond_by = db_col_text(st, 3);
    json_t *item = json_pack("{s:s, s:s, s:s}", "ref", db_col_text(st, 0), "service",
                             db_col_text(st, 1), "status", status);
    if (item && db_col_int(st, 7)) /* the sender recorded the answer, given by phone */
        json_object_set_new(item, "by_phone", json_true());
    if (!item || !referral_status_open(status))
        return item;
    json_t *parts = qg_json_loads(db_col_text(st, 5), 0, NULL);
    json_object_set_new(item, "respond_by", json_string(respond_by));
    json_object_set_new(item, "overdue", json_boolean(referral_overdue(status, respond_by, today)));
    json_object_set_new(item, "from_org", text_or_null(st, 4));
    json_object_set_new(item, "parts", parts ? parts : json_array());
    json_object_set_new(item, "updated_at", json_string(db_col_text(st, 6)));
    return item;
}

static qg_code list_in(db *conn, list_job *j, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn,
                   "SELECT r.ref, r.service, r.status, r.respond_by, o.name, r.parts, r.updated_at,"
                   BY_PHONE " FROM referrals r JOIN orgs o ON o.id = r.from_org WHERE r.to_org = ?"
                   " AND (CAST(? AS TEXT) IS NULL OR r.status = ?)"
                   " AND (? = 0 OR (r.status = 'sent' AND r.respond_by < ?))"
                   " ORDER BY r.respond_by, r.ref",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->actor->org_id);
    db_bind_text(st, 2, status_filter(j));
    db_bind_text(st, 3, status_filter(j));
    db_bind_int(st, 4, overdue_filter(j) ? 1 : 0);
    db_bind_text(st, 5, j->today);
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1)
        c = append(j, in_item(st, j->today), err);
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

static qg_code audit_listing(db *conn, list_job *j, const char *object, const char *direction,
                             qg_error *err)
{
    json_t *detail = json_pack("{s:s, s:I}", "direction", direction, "count",
                               (json_int_t)json_array_size(j->list));
    qg_code c =
        detail ? audit_append(conn, j->app->keys, j->actor, "referral.list", object, detail, err)
               : oom(err);
    json_decref(detail);
    return c;
}

static qg_code list_in_tx(db *conn, void *arg, qg_error *err)
{
    list_job *j = arg;
    bool out = strcmp(j->query->direction, "out") == 0;
    qg_code c = out ? list_out(conn, j, err) : list_in(conn, j, err);
    return c == QG_OK ? audit_listing(conn, j, NULL, j->query->direction, err) : c;
}

static qg_code check_query(const qg_actor *actor, const referral_query *q, qg_error *err)
{
    const char *d = q->direction;
    if (!d || (strcmp(d, "out") != 0 && strcmp(d, "in") != 0))
        return qg_fail(err, QG_EINVAL, "direction", "value.not_in_list",
                       "must be out (sent) or in (received)");
    if (q->status && !vocab_has(&VOCAB_REFERRAL_STATUS, q->status))
        return qg_fail(err, QG_EINVAL, "status", "value.not_in_list",
                       "is not a known referral_status code");
    qg_action need = strcmp(d, "out") == 0 ? ACT_REFERRAL_SEND : ACT_REFERRAL_RECEIVE;
    if (policy_decide(actor, need, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    return QG_OK;
}

static qg_code finish_list(qg_code c, list_job *j, json_t **out, qg_error *err)
{
    if (c == QG_OK &&
        !(*out = json_pack("{s:O, s:b}", "referrals", j->list, "truncated", j->truncated)))
        c = oom(err);
    json_decref(j->list);
    return c;
}

qg_code referral_list(qg_app *app, const qg_actor *actor, const referral_query *query, json_t **out,
                      qg_error *err)
{
    list_job j = {.app = app, .actor = actor, .query = query, .list = json_array()};
    *out = NULL;
    text_today(j.today);
    qg_code c = j.list ? check_query(actor, query, err) : oom(err);
    if (c == QG_OK)
        c = writer_run(app->writer, list_in_tx, &j, err);
    return finish_list(c, &j, out, err);
}

/* ---- a case's referrals ------------------------------------------------------------------- */

static qg_code case_list_in_tx(db *conn, void *arg, qg_error *err)
{
    list_job *j = arg;
    case_state state;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_READ, j->code, &state, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "SELECT " OUT_COLUMNS OUT_FROM " WHERE r.case_id = ?"
                                          " ORDER BY r.created_at, r.ref",
                                          err)
                             : NULL;
    if (c == QG_OK && !st)
        c = err->code;
    if (st) {
        db_bind_int(st, 1, j->actor->user_id);
        db_bind_int(st, 2, state.id);
        c = collect_out(j, st, err);
    }
    return c == QG_OK ? audit_listing(conn, j, j->code, "case", err) : c;
}

qg_code referral_list_case(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                           qg_error *err)
{
    list_job j = {.app = app, .actor = actor, .list = json_array()};
    *out = NULL;
    text_today(j.today);
    qg_code c = j.list ? case_precheck(actor, ACT_CASE_READ, code, j.code, err) : oom(err);
    if (c == QG_OK)
        c = writer_run(app->writer, case_list_in_tx, &j, err);
    return finish_list(c, &j, out, err);
}
