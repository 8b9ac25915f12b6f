/* referral_reply.c — referrals to organisations that are not on Qorgau: the printable
 * referral sheet with a one-time reply code, and the answer given with that code
 * (see referral.h). Only a keyed hash of a code is stored; a code works once, expires,
 * and wrong codes are throttled per client address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/account/limit.h"
#include "core/account/policy.h"
#include "core/referral/referral_impl.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

#define DAY_S (24 * 3600)
#define REPLY_TTL_MIN_S DAY_S              /* a sheet's code lives at least a day */
#define REPLY_TTL_MAX_S (30 * DAY_S)       /* and at most 30 days */
#define REPLY_OUTCOME_TTL_S (90 * DAY_S)   /* a code for reporting the outcome */
#define REPLY_HASH_DOMAIN "reply"

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

/* ---- codes ------------------------------------------------------------------------------ */

/* When a code issued at now for a referral in status expires: a response code at the
 * end of respond_by (Kazakhstan time), within [1 day, 30 days] from now; an outcome
 * code (the referral already accepted) after 90 days. */
static int64_t code_expiry(const referral_row *r, int64_t now)
{
    if (strcmp(r->status, "sent") != 0)
        return now + REPLY_OUTCOME_TTL_S;
    int y, m, d;
    int64_t end = now + REPLY_TTL_MIN_S;
    if (text_parse_date(r->respond_by, &y, &m, &d)) {
        struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1};
        end = (int64_t)timegm(&tm) - TEXT_KZ_UTC_OFFSET_S;
    }
    if (end < now + REPLY_TTL_MIN_S)
        end = now + REPLY_TTL_MIN_S;
    return end > now + REPLY_TTL_MAX_S ? now + REPLY_TTL_MAX_S : end;
}

/* Stores the hash of a new code for r (expiring at expires) and writes the code. */
static qg_code issue_code(db *conn, const qg_keys *keys, const referral_row *r, int64_t now,
                          int64_t expires, char code[REPLY_CODE_SIZE], qg_error *err)
{
    char hash[QG_HASH_HEX];
    reply_code_new(code);
    crypto_lookup_hash(keys, REPLY_HASH_DOMAIN, code, hash);
    db_stmt *st = db_prepare(
        conn,
        "INSERT INTO reply_codes (code_hash, referral_id, created_at, expires_at, used_at)"
        " VALUES (?, ?, ?, ?, NULL)",
        err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, r->id);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, expires);
    return db_run(st, err);
}

/* A new sheet replaces the old: earlier unused codes of r stop working now. */
static qg_code expire_codes(db *conn, const referral_row *r, int64_t now, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn,
                   "UPDATE reply_codes SET expires_at = ? WHERE referral_id = ? AND used_at IS NULL"
                   " AND expires_at > ?",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, r->id);
    db_bind_int(st, 3, now);
    return db_run(st, err);
}

/* ---- the sheet ---------------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char ref[REFERRAL_REF_SIZE];
    const char *reply_url, *lang;
    referral_row row;
    char *html;
    size_t len;
} sheet_job;

static qg_code sender_org_name(db *conn, int64_t id, char *out, size_t size, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT name FROM orgs WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, id);
    int rc = db_step(st, err);
    snprintf(out, size, "%s", rc == 1 ? db_col_text(st, 0) : "");
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static qg_code sheet_checks(db *conn, sheet_job *j, qg_error *err)
{
    referral_side side = SIDE_NONE;
    qg_code c = referral_load(conn, j->ref, &j->row, err);
    if (c == QG_OK)
        c = referral_side_of(conn, j->actor, &j->row, &side, err);
    if (c == QG_OK && side != SIDE_SENDER)
        c = referral_not_found(err);
    if (c == QG_OK && j->row.to_org)
        c = qg_fail(err, QG_ECONFLICT, "to_org", "referral.recipient_on_qorgau",
                    "the recipient is on Qorgau and answers there; no sheet is needed");
    if (c == QG_OK && !referral_status_open(j->row.status))
        c = qg_fail(err, QG_ECONFLICT, "status", "referral.closed", "the referral is closed");
    return c;
}

static qg_code sheet_in_tx(db *conn, void *arg, qg_error *err)
{
    sheet_job *j = arg;
    char from[256], code[REPLY_CODE_SIZE];
    int64_t now = (int64_t)time(NULL);
    json_t *opened = NULL;
    qg_code c = sheet_checks(conn, j, err);
    sheet_facts f = {.from_org = from,
                     .reply_url = j->reply_url,
                     .code = code,
                     .expires = code_expiry(&j->row, now)};
    if (c == QG_OK)
        c = sender_org_name(conn, j->row.from_org, from, sizeof from, err);
    if (c == QG_OK)
        c = expire_codes(conn, &j->row, now, err);
    if (c == QG_OK)
        c = issue_code(conn, j->app->keys, &j->row, now, f.expires, code, err);
    if (c == QG_OK)
        c = referral_open(j->app->keys, &j->row, &opened, err);
    if (c == QG_OK)
        c = referral_sheet_html(&j->row, opened, &f, j->lang, &j->html, &j->len) ? QG_OK
                                                                                 : oom(err);
    json_decref(opened);
    crypto_wipe(code, sizeof code);
    if (c == QG_OK)
        c = referral_audit(conn, j->app->keys, j->actor, "referral.sheet", &j->row,
                           json_pack("{s:I}", "expires_at", (json_int_t)f.expires), err);
    return c;
}

qg_code referral_sheet(qg_app *app, const qg_actor *actor, const char *ref, const char *reply_url,
                       const char *lang, char **html, size_t *len, qg_error *err)
{
    sheet_job j = {
        .app = app, .actor = actor, .reply_url = reply_url ? reply_url : "/reply", .lang = lang};
    *html = NULL;
    *len = 0;
    if (policy_decide(actor, ACT_REFERRAL_SEND, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    if (!referral_ref_parse(ref, j.ref))
        return referral_not_found(err);
    qg_code c = writer_run(app->writer, sheet_in_tx, &j, err);
    referral_row_free(&j.row);
    if (c == QG_OK) {
        *html = j.html;
        *len = j.len;
    } else {
        crypto_free_plain(j.html, j.len);
    }
    return c;
}

/* ---- the reply ------------------------------------------------------------------------------ */

typedef struct {
    qg_app *app;
    int64_t now;
    char code[REPLY_CODE_SIZE];
    referral_action action;
    const char *reason;
    referral_row row;
    char next[REPLY_CODE_SIZE];
    json_t *result;
} reply_job;

static qg_code no_such_code(qg_error *err)
{
    return qg_fail(err, QG_ENOTFOUND, "code", "reply_code.invalid",
                   "this code is not valid: it may be mistyped, used or expired");
}

/* Finds the referral of a live code (unused, unexpired) and spends the code. */
static qg_code take_code(db *conn, reply_job *j, qg_error *err)
{
    char hash[QG_HASH_HEX], ref[REFERRAL_REF_SIZE];
    crypto_lookup_hash(j->app->keys, REPLY_HASH_DOMAIN, j->code, hash);
    db_stmt *st =
        db_prepare(conn,
                   "SELECT r.ref FROM reply_codes k JOIN referrals r ON r.id = k.referral_id"
                   " WHERE k.code_hash = ? AND k.used_at IS NULL AND k.expires_at > ?",
                   err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, j->now);
    int rc = db_step(st, err);
    if (rc == 1)
        snprintf(ref, sizeof ref, "%s", db_col_text(st, 0));
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code : no_such_code(err);
    st = db_prepare(conn, "UPDATE reply_codes SET used_at = ? WHERE code_hash = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->now);
    db_bind_text(st, 2, hash);
    qg_code c = db_run(st, err);
    return c == QG_OK ? referral_load(conn, ref, &j->row, err) : c;
}

/* One step of the state machine, recorded as done through a code. */
static qg_code step(db *conn, reply_job *j, referral_action a, qg_error *err)
{
    const char *to = NULL;
    char from[16];
    snprintf(from, sizeof from, "%s", j->row.status);
    qg_code c = referral_next_status(from, a, &to, err);
    if (c == QG_OK)
        c = referral_event(conn, j->app->keys, &j->row, from, to, j->reason, NULL, 0, true, err);
    return c == QG_OK ? referral_set_status(conn, &j->row, to, err) : c;
}

/* The outcome of an accepted referral is reported in one go: the service started and
 * ended (accepted → in service → completed or not completed). */
static qg_code apply(db *conn, reply_job *j, qg_error *err)
{
    bool outcome = j->action == REF_COMPLETE || j->action == REF_NOT_COMPLETE;
    if (outcome && strcmp(j->row.status, "accepted") == 0) {
        const char *reason = j->reason;
        j->reason = NULL;
        qg_code c = step(conn, j, REF_START, err);
        j->reason = reason;
        if (c != QG_OK)
            return c;
    }
    return step(conn, j, j->action, err);
}

static qg_code reply_in_tx(db *conn, void *arg, qg_error *err)
{
    reply_job *j = arg;
    qg_actor nobody = {0};
    qg_code c = take_code(conn, j, err);
    if (c == QG_OK)
        c = apply(conn, j, err);
    if (c == QG_OK && j->action == REF_ACCEPT)
        c = issue_code(conn, j->app->keys, &j->row, j->now, code_expiry(&j->row, j->now), j->next,
                       err);
    if (c == QG_OK)
        c = referral_audit(conn, j->app->keys, &nobody, "referral.reply", &j->row,
                           json_pack("{s:s, s:s, s:b}", "action", referral_action_name(j->action),
                                     "to", j->row.status, "via_code", true),
                           err);
    if (c == QG_OK &&
        !(j->result = json_pack("{s:s, s:s}", "ref", j->row.ref, "status", j->row.status)))
        c = oom(err);
    if (c == QG_OK && j->next[0] &&
        json_object_set_new(j->result, "next_code", json_string(j->next)) != 0)
        c = oom(err);
    return c;
}

/* The client address's counter of wrong codes (core/account/limit.h). */
typedef struct {
    qg_app *app;
    char key[QG_HASH_HEX];
    int64_t now;
    int wait;
} reply_limit;

static qg_code read_blocked(db *conn, void *arg, qg_error *err)
{
    reply_limit *l = arg;
    return limit_blocked(conn, l->key, l->now, l->app->settings.limit_slots, &l->wait, err);
}

typedef struct {
    reply_limit *limit;
    bool throttled; /* refused unheard: audited, not counted again */
} failure_job;

/* Counts a wrong code against the address (unless refused unheard) and audits the
 * attempt, in one transaction: an attempt that cannot be recorded answers the storage
 * error, never a verdict on the code (fail closed). */
static qg_code audit_failure(db *conn, void *arg, qg_error *err)
{
    failure_job *j = arg;
    reply_limit *l = j->limit;
    const qg_settings *s = &l->app->settings;
    qg_code c = j->throttled ? QG_OK
                             : limit_fail(conn, l->key, l->now, &s->reply_per_address,
                                          s->limit_slots, &l->wait, err);
    if (c != QG_OK)
        return c;
    qg_actor nobody = {0};
    json_t *detail = json_pack("{s:b}", "throttled", j->throttled);
    c = detail ? audit_append(conn, l->app->keys, &nobody, "referral.reply_failed", NULL, detail,
                              err)
               : oom(err);
    json_decref(detail);
    return c;
}

/* Audits a failed attempt and answers err's failure (or a storage error). */
static qg_code refuse(reply_limit *l, bool throttled, qg_code c, qg_error *err)
{
    failure_job fj = {.limit = l, .throttled = throttled};
    qg_error audit_err = {0};
    if (writer_run(l->app->writer, audit_failure, &fj, &audit_err) != QG_OK)
        return qg_fail_copy(err, &audit_err);
    if (throttled)
        return qg_fail(err, QG_ETHROTTLED, "code", "reply_code.throttled",
                       "too many wrong codes; try again later");
    return c;
}

static qg_code check_reply(reply_job *j, const char *action, qg_error *err)
{
    if (!referral_action_parse(action, &j->action) ||
        (j->action != REF_ACCEPT && j->action != REF_DECLINE && j->action != REF_COMPLETE &&
         j->action != REF_NOT_COMPLETE))
        return qg_fail(err, QG_EINVAL, "action", "value.not_in_list",
                       "must be accept, decline, complete or not_complete");
    bool needs = j->action == REF_DECLINE || j->action == REF_NOT_COMPLETE;
    if (needs && !j->reason)
        return qg_fail(err, QG_EINVAL, "reason", "value.required",
                       "is required: a referral_reason code");
    if (!needs && j->reason)
        return qg_fail(err, QG_EINVAL, "reason", "referral.reason_not_for_action",
                       "is only for declining or not completing");
    if (j->reason && !vocab_has(&VOCAB_REFERRAL_REASON, j->reason))
        return qg_fail(err, QG_EINVAL, "reason", "value.not_in_list",
                       "is not a known referral_reason code");
    return QG_OK;
}

qg_code referral_reply(qg_app *app, const char *client_addr, int64_t now, const char *code,
                       const char *action, const char *reason, json_t **out, int *retry_after,
                       qg_error *err)
{
    reply_job j = {.app = app, .now = now, .reason = reason && *reason ? reason : NULL};
    reply_limit l = {.app = app, .now = now};
    *out = NULL;
    *retry_after = 0;
    limit_addr_key(app->keys, "reply", client_addr, l.key);
    qg_code c = app_read(app, read_blocked, &l, err); /* shared by every server */
    if (c != QG_OK)
        return c;
    if ((*retry_after = l.wait) > 0)
        return refuse(&l, true, QG_ETHROTTLED, err);
    c = check_reply(&j, action, err);
    if (c != QG_OK)
        return c;
    c = reply_code_parse(code, j.code) ? writer_run(app->writer, reply_in_tx, &j, err)
                                       : no_such_code(err);
    referral_row_free(&j.row);
    crypto_wipe(j.code, sizeof j.code);
    if (c == QG_ENOTFOUND) {
        c = refuse(&l, false, c, err);
        *retry_after = l.wait;
        return c;
    }
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
