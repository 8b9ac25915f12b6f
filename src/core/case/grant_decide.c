/* grant_decide.c — the second key of break-the-glass: a supervisor's lists of requests to
 * decide, emergency accesses to review and their own requests; approving, refusing and
 * reviewing (see grant.h). */
#include "core/case/grant.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/case/case_input.h"
#include "core/case/grant_row.h"
#include "core/common/input.h"
#include "core/common/sealed.h"

#define GRANT_LIST_MAX 200
#define GRANT_MINE_DAYS 30

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    int64_t id, now;
    grant_decision what;
    json_t *body; /* borrowed */
    json_t *result;
    /* the stored grant being decided */
    int64_t case_id, holder, user, user_org, hours;
    char code[32], state[16];
    bool emergency, reviewed;
} decide_job;

/* ---- the lists ------------------------------------------------------------------------ */

/* Appends the GRANT objects of st's rows (bound by the caller) to list. */
static qg_code list_rows(db_stmt *st, const decide_job *j, json_t *list, qg_error *err)
{
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        json_t *g = NULL;
        c = grant_row_json(st, j->app->keys, j->now, &g, err);
        if (c == QG_OK && json_array_append_new(list, g) != 0)
            c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}

static qg_code list_one(db *conn, const decide_job *j, const char *sql, int64_t a, int64_t b,
                        json_t *list, qg_error *err)
{
    db_stmt *st = db_prepare(conn, sql, err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, a);
    db_bind_int(st, 2, b);
    return list_rows(st, j, list, err);
}

static qg_code lists_in_tx(db *conn, void *arg, qg_error *err)
{
    decide_job *j = arg;
    json_t *decide = json_array(), *review = json_array(), *mine = json_array();
    j->result = json_pack("{s:o, s:o, s:o}", "to_decide", decide, "to_review", review, "mine",
                          mine);
    if (!j->result)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    qg_code c = grant_sweep(conn, j->app->keys, j->now, err);
    bool decides = policy_decide(j->actor, ACT_GRANT_DECIDE, NULL) == POLICY_ALLOW;
    if (c == QG_OK && decides)
        c = list_one(conn, j,
                     GRANT_SELECT " WHERE c.org_id = ? AND g.state = 'requested'"
                                  " AND g.expires_at > ? ORDER BY g.id LIMIT 200",
                     j->actor->org_id, j->now, decide, err);
    if (c == QG_OK && decides)
        c = list_one(conn, j,
                     GRANT_SELECT " WHERE c.org_id = ? AND g.emergency = 1"
                                  " AND g.reviewed_at IS NULL AND ? >= 0 ORDER BY g.id LIMIT 200",
                     j->actor->org_id, j->now, review, err);
    if (c == QG_OK)
        c = list_one(conn, j,
                     GRANT_SELECT " WHERE g.user_id = ? AND g.requested_at >= ?"
                                  " ORDER BY g.id DESC LIMIT 200",
                     j->actor->user_id, j->now - GRANT_MINE_DAYS * 24 * 3600, mine, err);
    /* the reasons and notes were opened: the read is audited, as the task list's is */
    json_t *detail = c == QG_OK ? json_pack("{s:I}", "count",
                                            (json_int_t)(json_array_size(decide) +
                                                         json_array_size(review) +
                                                         json_array_size(mine)))
                                : NULL;
    if (c == QG_OK)
        c = detail ? audit_append(conn, j->app->keys, j->actor, "grant.list", NULL, detail, err)
                   : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

qg_code grant_requests(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err)
{
    decide_job j = {.app = app, .actor = actor, .now = (int64_t)time(NULL)};
    *out = NULL;
    if (policy_decide(actor, ACT_GRANT_DECIDE, NULL) != POLICY_ALLOW &&
        policy_decide(actor, ACT_BREAK_GLASS, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role has no access requests");
    /* a write job: lapsed requests are marked expired (and audited) as they are listed */
    qg_code c = writer_run(app->writer, lists_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* ---- deciding ------------------------------------------------------------------------- */

/* Loads the stored grant j->id into j; QG_ENOTFOUND when absent. */
static qg_code load_stored(db *conn, decide_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(conn, GRANT_SELECT " WHERE g.id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->id);
    int rc = db_step(st, err);
    if (rc == 1) {
        j->case_id = db_col_int(st, GC_CASE_ID);
        j->holder = db_col_int(st, GC_CASE_ORG);
        j->user = db_col_int(st, GC_USER);
        j->user_org = db_col_int(st, GC_USER_ORG);
        j->hours = db_col_int(st, GC_HOURS);
        j->emergency = db_col_int(st, GC_EMERGENCY) != 0;
        j->reviewed = !db_col_null(st, GC_REVIEWED);
        snprintf(j->code, sizeof j->code, "%s", db_col_text(st, GC_CODE));
        snprintf(j->state, sizeof j->state, "%s", grant_row_state(st, j->now));
    }
    db_done(st);
    if (rc < 0)
        return err->code;
    return rc == 1 ? QG_OK : qg_fail(err, QG_ENOTFOUND, "id", "grant.not_found", "no such access");
}

/* The decider may decide on it, and it is still to decide (or to review). */
static qg_code may_decide(decide_job *j, qg_error *err)
{
    policy_verdict v = policy_grant_decide(j->actor, j->holder, j->user);
    if (v == POLICY_HIDE)
        return qg_fail(err, QG_ENOTFOUND, "id", "grant.not_found", "no such access");
    if (v != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "you may not decide on this access");
    if (j->what == GRANT_REVIEW && !j->emergency)
        return qg_fail(err, QG_ENOTFOUND, "id", "grant.not_found", "no such emergency access");
    if (j->what == GRANT_REVIEW && j->reviewed)
        return qg_fail(err, QG_ECONFLICT, "id", "grant.already_reviewed",
                       "was reviewed already");
    if (j->what != GRANT_REVIEW && strcmp(j->state, "requested") != 0)
        return qg_fail(err, QG_ECONFLICT, "id", "grant.already_decided",
                       "was decided, withdrawn or has expired already");
    return QG_OK;
}

/* The optional (or, with min > 0, required) note of the body, sealed at place what. */
static qg_code seal_note(decide_job *j, const char *what, size_t min, unsigned char **sealed,
                         size_t *len, qg_error *err)
{
    json_t *note = json_object_get(j->body, "note");
    *sealed = NULL;
    *len = 0;
    if (!note && min > 0)
        return qg_fail(err, QG_EINVAL, "note", "grant.note_required",
                       "is required: say why you refuse");
    if (!note || json_is_null(note))
        return QG_OK;
    qg_code c = case_input_text(note, GRANT_REASON_MAX, true, "note", err);
    if (c == QG_OK && strlen(json_string_value(note)) < min)
        c = qg_fail(err, QG_EINVAL, "note", "grant.note_too_short",
                    "must say why, in at least %d characters", (int)min);
    return c == QG_OK ? sealed_put(j->app->keys, j->case_id, what, j->id, note, sealed, len, err)
                      : c;
}

/* The approval's scope and hours from the body. */
static qg_code approval_terms(decide_job *j, const char **scope, int64_t *hours, qg_error *err)
{
    json_t *s = json_object_get(j->body, "scope"), *h = json_object_get(j->body, "hours");
    *scope = "emergency";
    *hours = j->hours;
    if (s && (!json_is_string(s) || (strcmp(json_string_value(s), "emergency") != 0 &&
                                     strcmp(json_string_value(s), "full") != 0)))
        return qg_fail(err, QG_EINVAL, "scope", "grant.scope", "must be emergency or full");
    if (s)
        *scope = json_string_value(s);
    if (h && (!json_is_integer(h) || json_integer_value(h) < 1 ||
              json_integer_value(h) > j->hours))
        return qg_fail(err, QG_EINVAL, "hours", "number.out_of_range",
                       "must be a whole number from 1 to %d, the hours asked for", (int)j->hours);
    if (h)
        *hours = json_integer_value(h);
    return QG_OK;
}

/* After the step's update (c its result): the step's audit entry, with extra (taken, may be
 * NULL) in its detail beside the grant's own members. */
static qg_code audit_step(db *conn, decide_job *j, qg_code c, const char *action, json_t *extra,
                          qg_error *err)
{
    if (c == QG_OK)
        c = grant_audit(conn, j->app->keys, j->actor, action, j->code, j->id, j->holder, j->user,
                        j->user_org, extra, err);
    json_decref(extra);
    return c;
}

static qg_code approve(db *conn, decide_job *j, qg_error *err)
{
    const char *scope = NULL;
    int64_t hours = 0;
    unsigned char *note = NULL;
    size_t len = 0;
    qg_code c = approval_terms(j, &scope, &hours, err);
    if (c == QG_OK)
        c = seal_note(j, GRANT_NOTE_PLACE, 0, &note, &len, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "UPDATE access_grants SET state = 'active', scope = ?,"
                                          " hours = ?, decided_by = ?, decided_at = ?,"
                                          " granted_at = ?, expires_at = ?, note_sealed = ?"
                                          " WHERE id = ?",
                                          err)
                             : NULL;
    if (st) {
        db_bind_text(st, 1, scope);
        db_bind_int(st, 2, hours);
        db_bind_int(st, 3, j->actor->user_id);
        db_bind_int(st, 4, j->now);
        db_bind_int(st, 5, j->now);
        db_bind_int(st, 6, j->now + hours * 3600);
        db_bind_blob_or_null(st, 7, note, len);
        db_bind_int(st, 8, j->id);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(note);
    return audit_step(conn, j, c, "grant.approve",
                      json_pack("{s:s, s:I}", "scope", scope ? scope : "", "hours",
                                (json_int_t)hours),
                      err);
}

static qg_code refuse(db *conn, decide_job *j, qg_error *err)
{
    unsigned char *note = NULL;
    size_t len = 0;
    qg_code c = seal_note(j, GRANT_NOTE_PLACE, GRANT_REASON_MIN, &note, &len, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "UPDATE access_grants SET state = 'refused',"
                                          " decided_by = ?, decided_at = ?, note_sealed = ?"
                                          " WHERE id = ?",
                                          err)
                             : NULL;
    if (st) {
        db_bind_int(st, 1, j->actor->user_id);
        db_bind_int(st, 2, j->now);
        db_bind_blob_or_null(st, 3, note, len);
        db_bind_int(st, 4, j->id);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(note);
    return audit_step(conn, j, c, "grant.refuse", NULL, err);
}

static qg_code review(db *conn, decide_job *j, qg_error *err)
{
    json_t *end = json_object_get(j->body, "end");
    if (end && !json_is_boolean(end))
        return qg_fail(err, QG_EINVAL, "end", "value.not_boolean", "must be true or false");
    bool ending = json_is_true(end) && strcmp(j->state, "active") == 0;
    unsigned char *note = NULL;
    size_t len = 0;
    qg_code c = seal_note(j, GRANT_REVIEW_PLACE, 0, &note, &len, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "UPDATE access_grants SET reviewed_by = ?,"
                                          " reviewed_at = ?, review_sealed = ?,"
                                          " state = CASE WHEN ? = 1 THEN 'ended' ELSE state END,"
                                          " ended_at = CASE WHEN ? = 1 THEN ? ELSE ended_at END"
                                          " WHERE id = ?",
                                          err)
                             : NULL;
    if (st) {
        db_bind_int(st, 1, j->actor->user_id);
        db_bind_int(st, 2, j->now);
        db_bind_blob_or_null(st, 3, note, len);
        db_bind_int(st, 4, ending);
        db_bind_int(st, 5, ending);
        db_bind_int(st, 6, j->now);
        db_bind_int(st, 7, j->id);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(note);
    return audit_step(conn, j, c, "grant.review", json_pack("{s:b}", "ended", ending), err);
}

static qg_code decide_in_tx(db *conn, void *arg, qg_error *err)
{
    decide_job *j = arg;
    qg_code c = grant_sweep(conn, j->app->keys, j->now, err);
    if (c == QG_OK)
        c = load_stored(conn, j, err);
    if (c == QG_OK)
        c = may_decide(j, err);
    if (c == QG_OK)
        c = j->what == GRANT_APPROVE  ? approve(conn, j, err)
            : j->what == GRANT_REFUSE ? refuse(conn, j, err)
                                      : review(conn, j, err);
    json_t *g = NULL;
    if (c == QG_OK)
        c = grant_row_load(conn, j->app->keys, j->id, j->now, &g, err);
    if (c == QG_OK && !(j->result = json_pack("{s:o}", "grant", g)))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return c;
}

qg_code grant_decide(qg_app *app, const qg_actor *actor, int64_t id, grant_decision what,
                     json_t *body, json_t **out, qg_error *err)
{
    static const char *const approve_keys[] = {"scope", "hours", "note", NULL};
    static const char *const refuse_keys[] = {"note", NULL};
    static const char *const review_keys[] = {"note", "end", NULL};
    decide_job j = {.app = app, .actor = actor, .id = id, .what = what, .body = body,
                    .now = (int64_t)time(NULL)};
    *out = NULL;
    if (policy_decide(actor, ACT_GRANT_DECIDE, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not decide on access");
    qg_code c = input_check_keys(body, what == GRANT_APPROVE  ? approve_keys
                                       : what == GRANT_REFUSE ? refuse_keys
                                                              : review_keys,
                                 err);
    if (c == QG_OK)
        c = writer_run(app->writer, decide_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
