/* case.c — creating, listing, reading and changing a case's non-identifying fields
 * (see case.h). */
#include "core/case/case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "core/account/audit.h"
#include "core/case/case_input.h"
#include "core/case/case_load.h"
#include "core/case/case_personal_impl.h"
#include "core/case/case_profile.h"
#include "core/case/case_search.h"
#include "core/case/case_terms.h"
#include "core/case/case_view.h"
#include "core/case/iin_quota.h"
#include "core/case/stage_history.h"
#include "core/vocab/vocab.h"

#define CODE_TRIES 5

/* ---- creating ----------------------------------------------------------------------- */

static qg_code code_taken(db *conn, const char *code, bool *taken, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT 1 FROM cases WHERE code = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, code);
    int rc = db_step(st, err);
    db_done(st);
    *taken = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}

static qg_code fresh_code(db *conn, char code[QG_CODE_SIZE], qg_error *err)
{
    for (int i = 0; i < CODE_TRIES; i++) {
        bool taken = false;
        child_code_new(code);
        qg_code c = code_taken(conn, code, &taken, err);
        if (c != QG_OK || !taken)
            return c;
    }
    return qg_fail(err, QG_EDB, NULL, "storage.failure", "could not draw an unused case code");
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    json_t *fields;   /* validated non-identifying fields */
    json_t *personal; /* validated, may be NULL */
    int64_t org_id;
    json_t *checked;  /* codes the worker checked are not the same child, or NULL */
    json_t *result;   /* the new case, or the duplicate description */
    bool duplicate;   /* the IIN is registered */
    bool likely;      /* likely duplicates the worker has not yet checked */
} create_job;

/* The id of the case stored under code. (Read back by its unique code rather than
 * with INSERT ... RETURNING: SQLite builds a temporary table for every RETURNING, which
 * cost an import of a million cases a fifth of its time.) */
static qg_code id_of_code(db *conn, const char *code, int64_t *id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT id FROM cases WHERE code = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, code);
    int rc = db_step(st, err);
    if (rc == 1)
        *id = db_col_int(st, 0);
    db_done(st);
    return rc == 1  ? QG_OK
           : rc < 0 ? err->code
                    : qg_fail(err, QG_EDB, NULL, "storage.failure", "case was not stored");
}

static qg_code insert_case_row(db *conn, const qg_actor *actor, int64_t org_id, json_t *fields,
                               const char *code, int64_t *id, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO cases (" CASE_FIELDS(CASE_NAME_)
                             "code, org_id, created_by, created_at, updated_at) VALUES ("
                             CASE_FIELDS(CASE_QMARK_) "?, ?, ?, ?, ?)",
                             err);
    if (!st)
        return err->code;
    case_fields_bind(st, fields, 1);
    db_bind_text(st, CASE_FIELD_COUNT + 1, code);
    db_bind_int(st, CASE_FIELD_COUNT + 2, org_id);
    db_bind_id_or_null(st, CASE_FIELD_COUNT + 3, actor->user_id);
    db_bind_text(st, CASE_FIELD_COUNT + 4, now);
    db_bind_text(st, CASE_FIELD_COUNT + 5, now);
    qg_code c = db_run(st, err);
    return c == QG_OK ? id_of_code(conn, code, id, err) : c;
}

/* The rows every new case has, however it came: its row under a fresh random code
 * (written into code), its lists and the first entry of its stage history. */
static qg_code insert_new_case(db *conn, const qg_actor *actor, int64_t org_id, json_t *fields,
                               char code[QG_CODE_SIZE], int64_t *id, qg_error *err)
{
    qg_code c = fresh_code(conn, code, err);
    if (c == QG_OK)
        c = insert_case_row(conn, actor, org_id, fields, code, id, err);
    if (c == QG_OK)
        c = profile_write_new_lists(conn, *id, fields, err);
    if (c == QG_OK)
        c = stage_record_open(conn, *id, json_string_value(json_object_get(fields, "stage")), actor,
                              err);
    return c;
}

qg_code case_insert_imported(db *conn, const qg_actor *actor, int64_t org_id, json_t *fields,
                             qg_error *err)
{
    char code[QG_CODE_SIZE];
    int64_t id = 0;
    if (json_object_set_new(fields, "stage", json_string("identification")) != 0 ||
        json_object_set_new(fields, "status", json_string("open")) != 0)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return insert_new_case(conn, actor, org_id, fields, code, &id, err);
}

/* Everything after the duplicate check: row, personal part, assignment, audit. */
static qg_code create_case_rows(db *conn, create_job *j, const char *iin_hash, qg_error *err)
{
    char code[QG_CODE_SIZE];
    int64_t id = 0;
    qg_code c = insert_new_case(conn, j->actor, j->org_id, j->fields, code, &id, err);
    if (c == QG_OK && iin_hash)
        c = case_iin_set(conn, id, iin_hash, err);
    if (c == QG_OK && j->personal)
        c = case_personal_store(conn, j->app->keys, id, j->personal, err);
    if (c == QG_OK)
        c = case_terms_write(conn, j->app->keys, id, j->org_id, j->personal, err);
    if (c == QG_OK && policy_assigns_opener(j->actor))
        c = case_assignment_insert(conn, id, j->actor->user_id, j->actor->user_id, err);
    if (c != QG_OK)
        return c;
    json_t *detail = json_pack("{s:I, s:b}", "org_id", (json_int_t)j->org_id, "personal",
                               j->personal != NULL);
    if (detail && j->checked) /* "checked, not the same child" (issue 14 item 5) */
        json_object_set(detail, "checked_not_same", j->checked);
    c = audit_append(conn, j->app->keys, j->actor, "case.create", code, detail, err);
    json_decref(detail);
    if (c != QG_OK)
        return c;
    return case_view_load(conn, code, j->actor, &j->result, err);
}

/* Keeps in likely only the cases the worker has not checked; sets j->likely when any
 * is left. */
static void drop_checked(create_job *j, json_t *likely)
{
    size_t i = 0;
    while (i < json_array_size(likely)) {
        const char *code = json_string_value(json_object_get(json_array_get(likely, i), "code"));
        bool checked = false;
        size_t k;
        json_t *v;
        json_array_foreach(j->checked, k, v) {
            checked |= code && strcmp(code, json_string_value(v)) == 0;
        }
        if (checked)
            json_array_remove(likely, i);
        else
            i++;
    }
    j->likely = json_array_size(likely) > 0;
}

/* A likely duplicate in the organisation (same names and birth date) stops the
 * registration until the worker says which of them are not the same child. */
static qg_code check_likely(db *conn, create_job *j, qg_error *err)
{
    json_t *likely = NULL;
    qg_code c = case_search_likely(conn, j->app->keys, j->actor, j->org_id, j->personal,
                                   &likely, err);
    if (c == QG_OK)
        drop_checked(j, likely);
    if (c == QG_OK && j->likely && !(j->result = json_pack("{s:O}", "likely", likely)))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(likely);
    return c;
}

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    create_job *j = arg;
    char hash[QG_HASH_HEX];
    bool has_iin = false;
    if (j->personal)
        case_iin_hash(j->app->keys, j->personal, hash, &has_iin);
    if (has_iin) {
        qg_code c = iin_quota_take(conn, j->app, j->actor, 0, hash, err); /* issue 14 item 6 */
        if (c == QG_OK)
            c = case_iin_refuse_duplicate(conn, j->app->keys, j->actor, hash, 0, NULL,
                                          j->personal, &j->duplicate, &j->result, err);
        if (c != QG_OK || j->duplicate)
            return c;
    }
    if (j->personal) {
        qg_code c = check_likely(conn, j, err);
        if (c != QG_OK || j->likely)
            return c;
    }
    return create_case_rows(conn, j, has_iin ? hash : NULL, err);
}

/* "checked_not_same": the codes of the likely duplicates the worker checked. */
static qg_code read_checked(json_t *body, create_job *j, qg_error *err)
{
    json_t *list = json_object_get(body, "checked_not_same");
    if (!list)
        return QG_OK;
    if (!json_is_array(list) || json_array_size(list) > CASE_LIST_MAX)
        return qg_fail(err, QG_EINVAL, "checked_not_same", "list.too_long",
                       "must be a list of at most %d case codes", CASE_LIST_MAX);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        char code[QG_CODE_SIZE];
        if (!json_is_string(v))
            return qg_fail(err, QG_EINVAL, "checked_not_same", "case_code.format",
                           "entry %zu must be a case code", i);
        if (child_code_parse(json_string_value(v), "checked_not_same", code, err) != QG_OK)
            return err->code;
        json_array_set_new(list, i, json_string(code));
    }
    j->checked = list;
    return QG_OK;
}

static const char *const create_extra[] = {"personal", "org_id", "checked_not_same", NULL};

/* Validates a create body into fields (new object) and personal (borrowed or NULL). */
static qg_code prepare_create(const qg_actor *actor, json_t *body, create_job *j, qg_error *err)
{
    qg_code c = case_input_check_fields(body, create_extra, err);
    if (c != QG_OK)
        return c;
    json_t *org = json_object_get(body, "org_id");
    if (org && !policy_chooses_case_org(actor))
        return qg_fail(err, QG_EINVAL, "org_id", "org.not_given",
                       "is set from your account and cannot be given");
    if (org && (!json_is_integer(org) || json_integer_value(org) <= 0))
        return qg_fail(err, QG_EINVAL, "org_id", "org.id_format", "must be an organisation id");
    j->org_id = org ? json_integer_value(org) : actor->org_id;
    if (j->org_id <= 0) /* the system actor belongs to no organisation */
        return qg_fail(err, QG_EINVAL, "org_id", "value.required",
                       "is required: name the organisation of the case");
    j->personal = json_object_get(body, "personal");
    if (j->personal && (c = case_input_check_personal(j->personal, err)) != QG_OK)
        return c;
    if ((c = read_checked(body, j, err)) != QG_OK)
        return c;
    j->fields = json_deep_copy(body);
    json_object_del(j->fields, "personal");
    json_object_del(j->fields, "org_id");
    json_object_del(j->fields, "checked_not_same");
    char today[11];
    text_today(today);
    if (!j->fields ||
        (!json_is_string(json_object_get(j->fields, "identified_on")) &&
         json_object_set_new(j->fields, "identified_on", json_string(today)) != 0) ||
        (!json_is_string(json_object_get(j->fields, "stage")) &&
         json_object_set_new(j->fields, "stage", json_string("identification")) != 0) ||
        json_object_set_new(j->fields, "status", json_string("open")) != 0)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (strcmp(json_string_value(json_object_get(j->fields, "stage")), "closure") == 0)
        return qg_fail(err, QG_EINVAL, "stage", "stage.not_at_opening",
                       "a case opens at any stage but closure");
    if ((c = profile_check_merged(j->fields, err)) != QG_OK)
        return c;
    if ((c = case_input_check_not_empty(body, err)) != QG_OK) /* last: the specific errors first */
        return c;
    return j->personal ? case_input_reconcile(j->fields, j->personal, err) : QG_OK;
}

qg_code case_create(qg_app *app, const qg_actor *actor, json_t *body, json_t **out, qg_error *err)
{
    *out = NULL;
    if (policy_decide(actor, ACT_CASE_CREATE, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not open cases");
    create_job j = {.app = app, .actor = actor};
    qg_code c = prepare_create(actor, body, &j, err);
    if (c == QG_OK)
        c = writer_run(app->writer, create_in_tx, &j, err);
    json_decref(j.fields);
    if (c != QG_OK) {
        json_decref(j.result);
        return c;
    }
    *out = j.result;
    if (j.duplicate)
        return qg_fail(err, QG_ECONFLICT, "personal.iin", "iin.duplicate",
                       "a child with this IIN is already registered; no second case was created");
    if (j.likely)
        return qg_fail(err, QG_ECONFLICT, "personal", "case.likely_duplicate",
                       "a child with these names and this birth date is already registered in"
                       " your organisation; say whether it is the same child");
    return QG_OK;
}

/* ---- listing and reading ------------------------------------------------------------ */

/* After each scope's own condition, the same filters: the cursor (a case code), the
 * stage and the status (each NULL = any), and the page size. */
#define LIST_FILTERS                                                                       \
    " AND (CAST(? AS TEXT) IS NULL OR c.id < (SELECT b.id FROM cases b WHERE b.code = ?))" \
    " AND (CAST(? AS TEXT) IS NULL OR c.stage = ?)"                                        \
    " AND (CAST(? AS TEXT) IS NULL OR c.status = ?) ORDER BY c.id DESC LIMIT ?"

static const char *const list_sql[] = {
    [SCOPE_ALL] = "SELECT " CASE_COLUMNS " FROM cases c WHERE ? >= 0" LIST_FILTERS,
    [SCOPE_ORG] = "SELECT " CASE_COLUMNS " FROM cases c WHERE c.org_id = ?" LIST_FILTERS,
    [SCOPE_ASSIGNED] = "SELECT " CASE_COLUMNS " FROM cases c WHERE c.id IN"
                       " (SELECT case_id FROM case_assignments WHERE user_id = ?)" LIST_FILTERS,
    [SCOPE_OPENED_UNASSIGNED] = "SELECT " CASE_COLUMNS " FROM cases c WHERE c.created_by = ?"
                                " AND c.handed_over = 0" LIST_FILTERS,
};

static int64_t scope_param(case_scope scope, const qg_actor *actor)
{
    return scope == SCOPE_ORG ? actor->org_id : scope == SCOPE_ALL ? 0 : actor->user_id;
}

static void bind_list(db_stmt *st, case_scope scope, const qg_actor *actor, const case_query *q)
{
    db_bind_int(st, 1, actor->user_id);
    db_bind_int(st, 2, scope_param(scope, actor));
    db_bind_text(st, 3, q->before);
    db_bind_text(st, 4, q->before);
    db_bind_text(st, 5, q->stage);
    db_bind_text(st, 6, q->stage);
    db_bind_text(st, 7, q->status);
    db_bind_text(st, 8, q->status);
    db_bind_int(st, 9, q->limit);
}

/* Checks the query; the cursor is put into canonical form in before (it is a case code
 * the caller saw, never an internal id: ids would show how many cases other
 * organisations hold). */
static qg_code check_query(case_query *q, char before[QG_CODE_SIZE], qg_error *err)
{
    if (q->limit < 1 || q->limit > CASE_LIST_MAX)
        return qg_fail(err, QG_EINVAL, "limit", "number.out_of_range", "must be from 1 to %d",
                       CASE_LIST_MAX);
    if (q->before) {
        if (child_code_parse(q->before, "before", before, err) != QG_OK)
            return err->code;
        q->before = before;
    }
    if (q->stage && !vocab_has(&VOCAB_STAGE, q->stage))
        return qg_fail(err, QG_EINVAL, "stage", "value.not_in_list", "is not a known stage code");
    if (q->status && !vocab_has(&VOCAB_CASE_STATUS, q->status))
        return qg_fail(err, QG_EINVAL, "status", "value.not_in_list",
                       "must be open, closed or withdrawn");
    return QG_OK;
}

typedef struct {
    const qg_actor *actor;
    case_scope scope;
    const case_query *query;
    json_t *result;
} list_job;

static qg_code list_in_read(db *conn, void *arg, qg_error *err)
{
    list_job *j = arg;
    db_stmt *st = db_prepare(conn, list_sql[j->scope], err);
    if (!st)
        return err->code;
    bind_list(st, j->scope, j->actor, j->query);
    json_t *cases = json_array();
    char last[QG_CODE_SIZE] = "";
    int rc, n = 0;
    while ((rc = db_step(st, err)) == 1) {
        case_row r;
        case_row_read(st, &r);
        if (!r.fields || json_array_append_new(cases, case_view_short(&r)) != 0) {
            case_row_free(&r);
            rc = -1;
            qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
            break;
        }
        memcpy(last, r.code, sizeof last);
        n++;
        case_row_free(&r);
    }
    db_done(st);
    if (rc < 0) {
        json_decref(cases);
        return err->code;
    }
    j->result = json_pack("{s:o, s:o}", "cases", cases, "next_before",
                          n == j->query->limit ? json_string(last) : json_null());
    return j->result ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

qg_code case_list(qg_app *app, const qg_actor *actor, const case_query *query, json_t **out,
                  qg_error *err)
{
    *out = NULL;
    case_scope scope = policy_case_scope(actor);
    if (scope == SCOPE_NONE)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not list cases");
    case_query copy = *query, *q = &copy;
    char before[QG_CODE_SIZE];
    qg_code c = check_query(q, before, err);
    if (c != QG_OK)
        return c;
    list_job j = {.actor = actor, .scope = scope, .query = q};
    c = app_read(app, list_in_read, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

typedef struct {
    const qg_actor *actor;
    const char *code;
    json_t *result;
} get_job;

static qg_code get_in_read(db *conn, void *arg, qg_error *err)
{
    get_job *j = arg;
    case_row r = {0};
    qg_code c = case_load_visible(conn, j->actor, ACT_CASE_READ, j->code, &r, err);
    if (c == QG_OK && !(j->result = case_view_full(conn, &r, j->actor, err)))
        c = err->code;
    case_row_free(&r);
    return c;
}

qg_code case_get(qg_app *app, const qg_actor *actor, const char *code_in, json_t **out,
                 qg_error *err)
{
    char code[QG_CODE_SIZE];
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_READ, code_in, code, err);
    if (c != QG_OK)
        return c;
    get_job j = {.actor = actor, .code = code};
    c = app_read(app, get_in_read, &j, err);
    if (c == QG_OK)
        *out = j.result;
    return c;
}

/* ---- changing ----------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *code;
    json_t *input;      /* the patch */
    json_t *result;
    bool personal_used; /* personal data was decrypted to check the change */
} case_job;

static qg_code check_version(json_t *patch, int64_t stored, qg_error *err)
{
    json_t *v = json_object_get(patch, "version");
    if (!v)
        return QG_OK;
    if (!json_is_integer(v))
        return qg_fail(err, QG_EINVAL, "version", "version.format",
                       "must be the version number you read");
    if (json_integer_value(v) != stored)
        return qg_fail(err, QG_ECONFLICT, "version", "version.stale",
                       "the case was changed by someone else; reload it");
    return QG_OK;
}

/* Merges patch into the stored fields and checks the result against personal data. */
static qg_code merged_fields(db *conn, case_job *j, case_row *r, json_t **merged, qg_error *err)
{
    *merged = json_deep_copy(r->fields);
    bool whole = *merged != NULL;
    const char *key;
    json_t *v;
    json_object_foreach(j->input, key, v) {
        if (strcmp(key, "version") != 0)
            whole &= json_object_set(*merged, key, v) == 0;
    }
    if (!whole) /* never write back a merge that lost fields or changes */
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (!r->has_personal)
        return QG_OK;
    json_t *personal = NULL;
    qg_code c = case_personal_load(conn, j->app->keys, r->id, &personal, err);
    j->personal_used = true; /* audited with the change: its answer can reveal the birth date */
    /* With a birth date on file, a new identification date re-derives the age unless
     * the patch gives one. */
    if (c == QG_OK && case_personal_has_birth_date(personal) &&
        json_object_get(j->input, "identified_on") &&
        !json_object_get(j->input, "age_at_identification"))
        json_object_del(*merged, "age_at_identification");
    if (c == QG_OK)
        c = case_input_reconcile(*merged, personal, err);
    json_decref(personal);
    return c;
}

static json_t *changed_names(json_t *obj, const char *skip)
{
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (strcmp(key, skip) != 0)
            json_array_append_new(names, json_string(key));
    }
    return names;
}

static qg_code audit_case(db *conn, case_job *j, const char *action, json_t *detail, qg_error *err)
{
    qg_code c = audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err);
    json_decref(detail);
    return c;
}

static qg_code update_in_tx(db *conn, void *arg, qg_error *err)
{
    case_job *j = arg;
    case_row r = {0};
    json_t *merged = NULL;
    qg_code c = case_load_visible(conn, j->actor, ACT_CASE_UPDATE, j->code, &r, err);
    if (c == QG_OK)
        c = check_version(j->input, r.version, err);
    if (c == QG_OK)
        c = merged_fields(conn, j, &r, &merged, err);
    if (c == QG_OK)
        c = profile_check_merged(merged, err);
    if (c == QG_OK)
        c = case_fields_write(conn, r.id, merged, err);
    if (c == QG_OK)
        c = profile_write_lists(conn, r.id, j->input, err);
    if (c == QG_OK)
        c = audit_case(conn, j, "case.update",
                       json_pack("{s:o, s:b}", "fields", changed_names(j->input, "version"),
                                 "personal_used", j->personal_used),
                       err);
    if (c == QG_OK)
        c = case_view_load(conn, j->code, j->actor, &j->result, err);
    json_decref(merged);
    case_row_free(&r);
    return c;
}

static const char *const update_extra[] = {"version", NULL};

qg_code case_update(qg_app *app, const qg_actor *actor, const char *code_in, json_t *patch,
                    json_t **out, qg_error *err)
{
    char code[QG_CODE_SIZE];
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_UPDATE, code_in, code, err);
    if (c == QG_OK && json_object_get(patch, "stage"))
        c = qg_fail(err, QG_EINVAL, "stage", "value.read_only",
                    "changes only through the case's stage history"
                    " (POST /api/v1/cases/{code}/stage)");
    if (c == QG_OK)
        c = case_input_check_fields(patch, update_extra, err);
    if (c != QG_OK)
        return c;
    case_job j = {.app = app, .actor = actor, .code = code, .input = patch};
    c = writer_run(app->writer, update_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
