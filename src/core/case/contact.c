/* contact.c — IIN duplicate answers and the contact requests that follow them (see
 * contact.h). */
#include "core/case/contact.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/account/policy.h"
#include "core/common/rows.h"

#define CONTACT_LIST_MAX 200

static const char *const ANSWERS[] = {"will_refer", "will_call", "declined", NULL};

/* ---- the answer a worker got -------------------------------------------------------- */

qg_code contact_attempt_record(db *conn, const qg_actor *actor, int64_t case_id, bool org_named,
                               char token[QG_TOKEN_HEX], qg_error *err)
{
    char now[21];
    token[0] = '\0';
    if (actor->user_id <= 0)
        return QG_OK;
    crypto_random_token(token);
    token[32] = '\0'; /* 128 bits are plenty for a handle that also needs the session */
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO iin_attempts (token, user_id, org_id, case_id,"
                             " org_named, at) VALUES (?, ?, ?, ?, ?, ?)",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, token);
    db_bind_int(st, 2, actor->user_id);
    db_bind_int(st, 3, actor->org_id);
    db_bind_int(st, 4, case_id);
    db_bind_int(st, 5, org_named);
    db_bind_text(st, 6, now);
    return db_run(st, err);
}

/* ---- one request as JSON ---------------------------------------------------------- */

/* The columns of one request; the WHERE clause follows. */
#define REQUEST_SQL                                                                         \
    "SELECT r.id, k.code, a.org_id, fo.name, k.org_id, ho.name, a.org_named, r.sent_by,"    \
    " su.login, su.name, r.sent_at, r.answer, r.answered_by, au.login, au.name,"            \
    " r.answered_at FROM contact_requests r JOIN iin_attempts a ON a.id = r.attempt_id"     \
    " JOIN cases k ON k.id = a.case_id JOIN orgs fo ON fo.id = a.org_id"                    \
    " JOIN orgs ho ON ho.id = k.org_id JOIN users su ON su.id = r.sent_by"                  \
    " LEFT JOIN users au ON au.id = r.answered_by "

static json_t *person(db_stmt *st, int id, int login, int name)
{
    return json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)db_col_int(st, id), "login",
                     db_col_text(st, login), "name", db_col_text(st, name));
}

static json_t *org(db_stmt *st, int id, int name)
{
    return json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, id), "name",
                     db_col_text(st, name));
}

static json_t *answer_of(db_stmt *st)
{
    if (!db_col_text(st, 11))
        return json_null();
    return json_pack("{s:s, s:o, s:s}", "code", db_col_text(st, 11), "by", person(st, 12, 13, 14),
                     "at", db_col_text(st, 15));
}

/* An incoming request: the holder sees which case it is about. */
static json_t *incoming_row(db_stmt *st)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:o}", "id", (json_int_t)db_col_int(st, 0),
                     "case", db_col_text(st, 1), "from_org", org(st, 2, 3), "to_org",
                     org(st, 4, 5), "sent_by", person(st, 7, 8, 9), "sent_at",
                     db_col_text(st, 10), "answer", answer_of(st));
}

/* An outgoing request: no case code, and the holder only when it was named. */
static json_t *outgoing_row(db_stmt *st)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:s, s:o}", "id", (json_int_t)db_col_int(st, 0),
                     "from_org", org(st, 2, 3), "to_org",
                     db_col_int(st, 6) ? org(st, 4, 5) : json_null(), "sent_by",
                     person(st, 7, 8, 9), "sent_at", db_col_text(st, 10), "answer",
                     answer_of(st));
}

/* Reads the request with id in the form row_fn gives into {"request": R}. */
static qg_code request_json(db *conn, int64_t id, json_t *(*row_fn)(db_stmt *), json_t **out,
                            qg_error *err)
{
    db_stmt *st = db_prepare(conn, REQUEST_SQL "WHERE r.id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, id);
    json_t *list = rows_collect(st, row_fn, err);
    if (!list)
        return err->code;
    *out = json_array_size(list) == 1 ? json_pack("{s:O}", "request", json_array_get(list, 0))
                                      : NULL;
    json_decref(list);
    return *out ? QG_OK : qg_fail(err, QG_EDB, NULL, "storage.failure", "request not stored");
}

/* ---- sending ------------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *token;
    int64_t id;
    const char *answer;
    json_t *result;
} contact_job;

typedef struct {
    int64_t id, user_id, org_id, holder_org;
    bool org_named, sent;
    char code[32];
} attempt_row;

static qg_code find_attempt(db *conn, const char *token, attempt_row *a, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT a.id, a.user_id, a.org_id, k.org_id, a.org_named, k.code,"
                             " EXISTS (SELECT 1 FROM contact_requests r WHERE r.attempt_id = a.id)"
                             " FROM iin_attempts a JOIN cases k ON k.id = a.case_id"
                             " WHERE a.token = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, token);
    int rc = db_step(st, err);
    memset(a, 0, sizeof *a);
    if (rc == 1) {
        a->id = db_col_int(st, 0);
        a->user_id = db_col_int(st, 1);
        a->org_id = db_col_int(st, 2);
        a->holder_org = db_col_int(st, 3);
        a->org_named = db_col_int(st, 4) != 0;
        snprintf(a->code, sizeof a->code, "%s", db_col_text(st, 5));
        a->sent = db_col_int(st, 6) != 0;
    }
    db_done(st);
    if (rc < 0)
        return err->code;
    return rc == 1 ? QG_OK
                   : qg_fail(err, QG_ENOTFOUND, "attempt", "attempt.not_found",
                             "no such answer to a duplicate IIN is yours to follow up");
}

/* The worker who got the answer when the holder was named to them, or a supervisor of the
 * worker's organisation. Anyone else is told the attempt does not exist. */
static bool may_send(const qg_actor *actor, const attempt_row *a)
{
    if (actor->user_id == a->user_id && a->org_named)
        return true;
    return policy_decide(actor, ACT_CONTACT_ANSWER, NULL) == POLICY_ALLOW &&
           actor->org_id == a->org_id;
}

static qg_code insert_request(db *conn, const qg_actor *actor, int64_t attempt_id, int64_t *id,
                              qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(
        conn, "INSERT INTO contact_requests (attempt_id, sent_by, sent_at) VALUES (?, ?, ?)", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, attempt_id);
    db_bind_int(st, 2, actor->user_id);
    db_bind_text(st, 3, now);
    qg_code c = db_run(st, err);
    if (c != QG_OK)
        return c;
    st = db_prepare(conn, "SELECT id FROM contact_requests WHERE attempt_id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, attempt_id);
    int rc = db_step(st, err);
    *id = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc == 1 ? QG_OK : rc < 0 ? err->code : qg_fail(err, QG_EDB, NULL, "storage.failure",
                                                          "request not stored");
}

static qg_code send_in_tx(db *conn, void *arg, qg_error *err)
{
    contact_job *j = arg;
    attempt_row a;
    qg_code c = find_attempt(conn, j->token, &a, err);
    if (c == QG_OK && !may_send(j->actor, &a))
        c = qg_fail(err, QG_ENOTFOUND, "attempt", "attempt.not_found",
                    "no such answer to a duplicate IIN is yours to follow up");
    if (c == QG_OK && a.sent)
        c = qg_fail(err, QG_ECONFLICT, "attempt", "contact.already_sent",
                    "a contact request was already sent for this answer");
    if (c == QG_OK)
        c = insert_request(conn, j->actor, a.id, &j->id, err);
    if (c == QG_OK) {
        json_t *detail = json_pack("{s:I, s:I}", "request", (json_int_t)j->id, "from_org",
                                   (json_int_t)a.org_id);
        c = audit_append(conn, j->app->keys, j->actor, "contact.request", a.code, detail, err);
        json_decref(detail);
    }
    return c == QG_OK ? request_json(conn, j->id, outgoing_row, &j->result, err) : c;
}

static bool token_shape(const char *token)
{
    size_t n = token ? strlen(token) : 0;
    if (n != 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f')))
            return false;
    return true;
}

qg_code contact_send(qg_app *app, const qg_actor *actor, const char *token, json_t **out,
                     qg_error *err)
{
    *out = NULL;
    if (!token_shape(token))
        return qg_fail(err, QG_EINVAL, "attempt", "attempt.format",
                       "must be the attempt given with the duplicate IIN answer");
    contact_job j = {.app = app, .actor = actor, .token = token};
    qg_code c = writer_run(app->writer, send_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* ---- listing -------------------------------------------------------------------------- */

/* Runs sql over the organisation's requests: its parameters are the organisation, then,
 * when with_user, the actor's user id twice, then the limit. */
static qg_code list_part(db *conn, const char *sql, const qg_actor *actor, bool with_user,
                         json_t *(*row_fn)(db_stmt *), json_t **out, qg_error *err)
{
    db_stmt *st = db_prepare(conn, sql, err);
    if (!st)
        return err->code;
    int p = 1;
    db_bind_int(st, p++, actor->org_id);
    if (with_user) {
        db_bind_int(st, p++, actor->user_id);
        db_bind_int(st, p++, actor->user_id);
    }
    db_bind_int(st, p, CONTACT_LIST_MAX);
    *out = rows_collect(st, row_fn, err);
    return *out ? QG_OK : err->code;
}

static qg_code list_in_read(db *conn, void *arg, qg_error *err)
{
    contact_job *j = arg;
    bool supervisor = policy_decide(j->actor, ACT_CONTACT_ANSWER, NULL) == POLICY_ALLOW;
    json_t *in = NULL, *out = NULL;
    qg_code c = QG_OK;
    if (supervisor)
        c = list_part(conn, REQUEST_SQL "WHERE k.org_id = ? ORDER BY r.id DESC LIMIT ?",
                      j->actor, false, incoming_row, &in, err);
    else if (!(in = json_array()))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c == QG_OK && supervisor)
        c = list_part(conn, REQUEST_SQL "WHERE a.org_id = ? ORDER BY r.id DESC LIMIT ?",
                      j->actor, false, outgoing_row, &out, err);
    else if (c == QG_OK)
        c = list_part(conn,
                      REQUEST_SQL "WHERE a.org_id = ? AND (r.sent_by = ? OR a.user_id = ?)"
                                  " ORDER BY r.id DESC LIMIT ?",
                      j->actor, true, outgoing_row, &out, err);
    if (c == QG_OK && !(j->result = json_pack("{s:o, s:o}", "incoming", in, "outgoing", out)))
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c != QG_OK) {
        json_decref(in);
        json_decref(out);
    }
    return c;
}

qg_code contact_list(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err)
{
    *out = NULL;
    if (policy_decide(actor, ACT_CASE_CREATE, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role neither registers children nor answers contact requests");
    contact_job j = {.app = app, .actor = actor};
    qg_code c = app_read(app, list_in_read, &j, err);
    if (c == QG_OK)
        *out = j.result;
    return c;
}

/* ---- answering ------------------------------------------------------------------------ */

static qg_code answer_in_tx(db *conn, void *arg, qg_error *err)
{
    contact_job *j = arg;
    db_stmt *st = db_prepare(conn,
                             "SELECT k.org_id, r.answer, k.code FROM contact_requests r"
                             " JOIN iin_attempts a ON a.id = r.attempt_id"
                             " JOIN cases k ON k.id = a.case_id WHERE r.id = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->id);
    int rc = db_step(st, err);
    bool mine = rc == 1 && db_col_int(st, 0) == j->actor->org_id;
    bool answered = rc == 1 && db_col_text(st, 1) != NULL;
    char code[32] = "";
    if (rc == 1)
        snprintf(code, sizeof code, "%s", db_col_text(st, 2));
    db_done(st);
    if (rc < 0)
        return err->code;
    if (!mine)
        return qg_fail(err, QG_ENOTFOUND, "request", "contact.not_found",
                       "no such contact request about your organisation's cases");
    if (answered)
        return qg_fail(err, QG_ECONFLICT, "answer", "contact.already_answered",
                       "this contact request was already answered");
    char now[21];
    db_now_iso(now);
    st = db_prepare(conn,
                    "UPDATE contact_requests SET answer = ?, answered_by = ?, answered_at = ?"
                    " WHERE id = ?",
                    err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, j->answer);
    db_bind_int(st, 2, j->actor->user_id);
    db_bind_text(st, 3, now);
    db_bind_int(st, 4, j->id);
    qg_code c = db_run(st, err);
    if (c == QG_OK) {
        json_t *detail = json_pack("{s:I, s:s}", "request", (json_int_t)j->id, "answer",
                                   j->answer);
        c = audit_append(conn, j->app->keys, j->actor, "contact.answer", code, detail, err);
        json_decref(detail);
    }
    return c == QG_OK ? request_json(conn, j->id, incoming_row, &j->result, err) : c;
}

qg_code contact_answer(qg_app *app, const qg_actor *actor, int64_t id, const char *answer,
                       json_t **out, qg_error *err)
{
    *out = NULL;
    if (policy_decide(actor, ACT_CONTACT_ANSWER, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "only a supervisor answers contact requests");
    bool known = false;
    for (int i = 0; answer && ANSWERS[i]; i++)
        known |= strcmp(answer, ANSWERS[i]) == 0;
    if (!known)
        return qg_fail(err, QG_EINVAL, "answer", "value.not_in_list",
                       "must be will_refer, will_call or declined");
    contact_job j = {.app = app, .actor = actor, .id = id, .answer = answer};
    qg_code c = writer_run(app->writer, answer_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* ---- a supervisor's view of the answers ------------------------------------------------ */

static json_t *attempt_row_json(db_stmt *st)
{
    return json_pack("{s:s, s:o, s:s, s:b, s:b}", "id", db_col_text(st, 0), "user",
                     person(st, 1, 2, 3), "at", db_col_text(st, 4), "org_named",
                     db_col_int(st, 5) != 0, "request_sent", db_col_int(st, 6) != 0);
}

static void days_ago_iso(int days, char out[21])
{
    time_t t = time(NULL) - (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static qg_code attempts_in_read(db *conn, void *arg, qg_error *err)
{
    contact_job *j = arg;
    char since[21];
    days_ago_iso(CONTACT_ATTEMPT_DAYS, since);
    db_stmt *st = db_prepare(conn,
                             "SELECT a.token, a.user_id, u.login, u.name, a.at, a.org_named,"
                             " EXISTS (SELECT 1 FROM contact_requests r WHERE r.attempt_id = a.id)"
                             " FROM iin_attempts a JOIN users u ON u.id = a.user_id"
                             " WHERE a.org_id = ? AND a.at >= ? ORDER BY a.id DESC LIMIT ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->actor->org_id);
    db_bind_text(st, 2, since);
    db_bind_int(st, 3, CONTACT_LIST_MAX);
    json_t *list = rows_collect(st, attempt_row_json, err);
    if (!list)
        return err->code;
    j->result = json_pack("{s:o}", "attempts", list);
    return j->result ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

qg_code contact_attempts(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err)
{
    *out = NULL;
    if (policy_decide(actor, ACT_CONTACT_ANSWER, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "only a supervisor sees the organisation's duplicate IIN answers");
    contact_job j = {.app = app, .actor = actor};
    qg_code c = app_read(app, attempts_in_read, &j, err);
    if (c == QG_OK)
        *out = j.result;
    return c;
}

qg_code contact_waiting(db *conn, int64_t org_id, int64_t *n, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT count(*) FROM contact_requests r"
                             " JOIN iin_attempts a ON a.id = r.attempt_id"
                             " JOIN cases k ON k.id = a.case_id"
                             " WHERE k.org_id = ? AND r.answer IS NULL",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, org_id);
    int rc = db_step(st, err);
    *n = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}
