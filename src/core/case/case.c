/* case.c — the case service (see case.h). */
#include "core/case/case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/case/case_input.h"
#include "core/case/case_profile.h"
#include "core/case/grant.h"
#include "core/case/stage.h"
#include "base/text.h"
#include "core/case/child_code.h"
#include "core/case/iin.h"
#include "core/account/policy.h"
#include "core/vocab/vocab.h"
#include "core/common/json_text.h"

#define CODE_TRIES 5

/* The text columns of a case, in the order of CASE_COLUMNS: the first six are the
 * case's own, the rest its profile (case_profile.h) and how it was closed. */
static const char *const text_fields[] = {
    "sex", "citizenship", "region", "identified_on", "stage", "status",
    "external_ref", "exploitation_place", "recruitment_method", "exit_method",
    "relation_to_trafficker", "cj_stage", "victim_status", "status_decided_by",
    "accompaniment", "interpreter_language", "close_reason", "closed_on"};
#define TEXT_FIELDS 18
/* The number columns, after the text ones: two integers, then two flags. */
static const char *const int_fields[] = {"age_at_identification", "birth_year"};
static const char *const flag_fields[] = {"interpreter_needed", "non_punishment"};
#define INT_FIELDS 2
#define FLAG_FIELDS 2
#define FIELD_COUNT (TEXT_FIELDS + INT_FIELDS + FLAG_FIELDS)
_Static_assert(sizeof text_fields / sizeof *text_fields == TEXT_FIELDS, "text_fields");

#define CASE_FIELD_COLUMNS                                                                        \
    "c.sex, c.citizenship, c.region, c.identified_on, c.stage, c.status, c.external_ref,"         \
    " c.exploitation_place, c.recruitment_method, c.exit_method, c.relation_to_trafficker,"       \
    " c.cj_stage, c.victim_status, c.status_decided_by, c.accompaniment, c.interpreter_language," \
    " c.close_reason, c.closed_on, c.age_at_identification, c.birth_year, c.interpreter_needed,"  \
    " c.non_punishment"
#define CASE_COLUMNS                                                                         \
    "c.id, c.code, c.org_id, c.created_by, " CASE_FIELD_COLUMNS ", c.created_at, c.updated_at," \
    " c.version, EXISTS (SELECT 1 FROM case_personal p WHERE p.case_id = c.id),"             \
    " (SELECT count(*) FROM case_assignments a WHERE a.case_id = c.id),"                     \
    " EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.user_id = ?),"  \
    " c.handed_over"

typedef struct {
    int64_t id, org_id, created_by, version;
    char code[QG_CODE_SIZE];
    json_t *fields; /* non-identifying fields as JSON, owned */
    char created_at[21], updated_at[21];
    bool has_personal;
    case_facts facts;
} case_row;

static void row_free(case_row *r) { json_decref(r->fields); }

static json_t *nullable_int(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_integer(db_col_int(st, i));
}

static json_t *nullable_text(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *nullable_flag(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_boolean(db_col_int(st, i) != 0);
}

/* Returns false when a field is missing from r->fields for want of memory: such a row
 * must not be used, above all not merged and written back. */
static bool read_row(db_stmt *st, case_row *r)
{
    r->id = db_col_int(st, 0);
    snprintf(r->code, sizeof r->code, "%s", db_col_text(st, 1));
    r->org_id = db_col_int(st, 2);
    r->created_by = db_col_int(st, 3);
    r->fields = json_object();
    bool whole = r->fields != NULL;
    int col = 4;
    for (int i = 0; i < TEXT_FIELDS; i++)
        whole &= json_object_set_new(r->fields, text_fields[i], nullable_text(st, col++)) == 0;
    for (int i = 0; i < INT_FIELDS; i++)
        whole &= json_object_set_new(r->fields, int_fields[i], nullable_int(st, col++)) == 0;
    for (int i = 0; i < FLAG_FIELDS; i++)
        whole &= json_object_set_new(r->fields, flag_fields[i], nullable_flag(st, col++)) == 0;
    snprintf(r->created_at, sizeof r->created_at, "%s", db_col_text(st, col++));
    snprintf(r->updated_at, sizeof r->updated_at, "%s", db_col_text(st, col++));
    r->version = db_col_int(st, col++);
    r->has_personal = db_col_int(st, col++) != 0;
    r->facts = (case_facts){.org_id = r->org_id, .created_by = r->created_by,
                            .assigned_count = (int)db_col_int(st, col),
                            .actor_assigned = db_col_int(st, col + 1) != 0,
                            .handed_over = db_col_int(st, col + 2) != 0};
    return whole;
}

/* Loads the case with canonical code; QG_ENOTFOUND when there is none. */
static qg_code load_case(db *conn, const char *code, const qg_actor *actor, case_row *r,
                         qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT " CASE_COLUMNS " FROM cases c WHERE c.code = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, actor->user_id);
    db_bind_text(st, 2, code);
    int rc = db_step(st, err);
    bool whole = rc != 1 || read_row(st, r);
    db_done(st);
    if (rc < 0)
        return err->code;
    if (!whole)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    return rc == 1 ? QG_OK : qg_fail(err, QG_ENOTFOUND, "code", "no such case");
}

static qg_code not_visible(qg_error *err) { return qg_fail(err, QG_ENOTFOUND, "code", "no such case"); }

qg_code case_precheck(const qg_actor *actor, qg_action action, const char *code_in,
                        char code[QG_CODE_SIZE], qg_error *err)
{
    if (policy_decide(actor, action, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "your role may not do this");
    return child_code_parse(code_in, "code", code, err);
}

/* Loads a case and applies the policy for action; QG_ENOTFOUND when hidden. */
static qg_code load_visible(db *conn, const qg_actor *actor, qg_action action, const char *code,
                            case_row *r, qg_error *err)
{
    qg_code c = load_case(conn, code, actor, r, err);
    if (c != QG_OK)
        return c;
    policy_verdict v = policy_decide(actor, action, &r->facts);
    if (v == POLICY_HIDE && policy_decide(actor, ACT_BREAK_GLASS, NULL) == POLICY_ALLOW) {
        /* hidden from a supervisor: a break-the-glass grant may still open it */
        c = grant_active(conn, actor->user_id, r->id, time(NULL), &r->facts.granted, err);
        if (c != QG_OK) {
            row_free(r);
            r->fields = NULL;
            return c;
        }
        v = policy_decide(actor, action, &r->facts);
    }
    if (v == POLICY_ALLOW)
        return QG_OK;
    row_free(r);
    r->fields = NULL;
    return v == POLICY_HIDE ? not_visible(err)
                            : qg_fail(err, QG_EFORBIDDEN, NULL, "your role may not do this");
}

qg_code case_state_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       case_state *out, qg_error *err)
{
    case_row r = {0};
    memset(out, 0, sizeof *out);
    qg_code c = load_visible(conn, actor, action, code, &r, err);
    if (c == QG_OK) {
        out->id = r.id;
        out->org_id = r.org_id;
        snprintf(out->stage, sizeof out->stage, "%s", json_string_value(json_object_get(r.fields, "stage")));
        out->closed = strcmp(json_string_value(json_object_get(r.fields, "status")), "closed") == 0;
    }
    row_free(&r);
    return c;
}

qg_code case_find_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                      int64_t *case_id, qg_error *err)
{
    case_state state;
    qg_code c = case_state_for(conn, actor, action, code, &state, err);
    *case_id = state.id;
    return c;
}

qg_code case_find_open(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       int64_t *case_id, qg_error *err)
{
    case_state state;
    qg_code c = case_state_for(conn, actor, action, code, &state, err);
    *case_id = state.id;
    if (c == QG_OK && state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "the case is closed; reopen it first");
    return c;
}

/* The case managers of a case as a new array, or NULL with err filled (a failed step
 * or a row that cannot be encoded is an error, never a silently shorter list). */
static json_t *managers_json(db *conn, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT u.id, u.login, a.assigned_at FROM case_assignments a"
                             " JOIN users u ON u.id = a.user_id WHERE a.case_id = ? ORDER BY a.user_id",
                             err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    json_t *list = json_array();
    int rc;
    while (list && (rc = db_step(st, err)) == 1) {
        json_t *m = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)db_col_int(st, 0), "login",
                              db_col_text(st, 1), "assigned_at", db_col_text(st, 2));
        if (!m || json_array_append_new(list, m) != 0) {
            qg_fail(err, QG_EDB, NULL, "a case manager could not be encoded");
            rc = -1;
            break;
        }
    }
    db_done(st);
    if (!list || rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* The public view of a case: code, organisation, fields, times, version. */
static json_t *row_json(const case_row *r)
{
    json_t *o = json_deep_copy(r->fields);
    json_object_set_new(o, "code", json_string(r->code));
    json_object_set_new(o, "org_id", json_integer(r->org_id));
    json_object_set_new(o, "has_personal", json_boolean(r->has_personal));
    json_object_set_new(o, "created_at", json_string(r->created_at));
    json_object_set_new(o, "updated_at", json_string(r->updated_at));
    json_object_set_new(o, "version", json_integer(r->version));
    return o;
}

/* The full view of a case (with its case managers), or NULL with err filled. */
static json_t *full_json(db *conn, const case_row *r, qg_error *err)
{
    json_t *managers = managers_json(conn, r->id, err);
    if (!managers)
        return NULL;
    json_t *o = row_json(r);
    if (!o || json_object_set_new(o, "case_managers", managers) != 0) {
        if (!o)
            json_decref(managers); /* on failure json_object_set_new has taken it */
        json_decref(o);
        qg_fail(err, QG_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    if (profile_read_lists(conn, r->id, o, err) != QG_OK) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Loads the case with code and describes it in full into *out (caller owns). */
static qg_code case_result(db *conn, const char *code, const qg_actor *actor, json_t **out,
                           qg_error *err)
{
    case_row r = {0};
    qg_code c = load_case(conn, code, actor, &r, err);
    if (c == QG_OK && !(*out = full_json(conn, &r, err)))
        c = err->code;
    row_free(&r);
    return c;
}

static void personal_ad(int64_t case_id, char *out, size_t size)
{
    snprintf(out, size, "qorgau:case:%lld:personal", (long long)case_id);
}

/* Seals personal and stores it for case_id, replacing what was there. */
static qg_code store_personal(db *conn, const qg_keys *keys, int64_t case_id, json_t *personal,
                              qg_error *err)
{
    char ad[64], now[21];
    personal_ad(case_id, ad, sizeof ad);
    char *plain = qg_json_dumps(personal, JSON_COMPACT);
    if (!plain)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    unsigned char *sealed = NULL;
    size_t sealed_len = 0, plain_len = strlen(plain);
    qg_code c = crypto_seal(keys, ad, plain, plain_len, &sealed, &sealed_len, err);
    crypto_free_plain(plain, plain_len);
    if (c != QG_OK)
        return c;
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO case_personal (case_id, sealed, updated_at) VALUES (?, ?, ?)"
                             " ON CONFLICT (case_id) DO UPDATE SET sealed = excluded.sealed,"
                             " updated_at = excluded.updated_at",
                             err);
    if (st) {
        db_bind_int(st, 1, case_id);
        db_bind_blob(st, 2, sealed, sealed_len);
        db_bind_text(st, 3, now);
        c = db_run(st, err);
    } else {
        c = err->code;
    }
    free(sealed);
    return c;
}

/* Decrypts the personal part of case_id into *out ({} when none). */
static qg_code load_personal(db *conn, const qg_keys *keys, int64_t case_id, json_t **out,
                             qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT sealed FROM case_personal WHERE case_id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    int rc = db_step(st, err);
    qg_code c = rc < 0 ? err->code : QG_OK;
    *out = NULL;
    if (rc == 1) {
        char ad[64], *plain = NULL;
        size_t len = 0, plain_len = 0;
        const void *sealed = db_col_blob(st, 0, &len);
        personal_ad(case_id, ad, sizeof ad);
        c = crypto_open(keys, ad, sealed, len, &plain, &plain_len, err);
        if (c == QG_OK) {
            *out = qg_json_loads(plain, JSON_REJECT_DUPLICATES, NULL);
            crypto_free_plain(plain, plain_len);
            if (!*out)
                c = qg_fail(err, QG_ECRYPTO, "personal", "stored personal data is damaged");
        }
    } else if (rc == 0) {
        *out = json_object();
    }
    db_done(st);
    return c;
}

qg_code case_personal_load(db *conn, const qg_keys *keys, int64_t case_id, json_t **out,
                           qg_error *err)
{
    return load_personal(conn, keys, case_id, out, err);
}

static void iin_hash_of(const qg_keys *keys, json_t *personal, char out[QG_HASH_HEX], bool *has)
{
    const char *iin = json_string_value(json_object_get(personal, "iin"));
    *has = iin != NULL;
    if (iin)
        crypto_lookup_hash(keys, "iin", iin, out);
}

/* Finds another case holding the same IIN hash; fills *dup and returns QG_OK with
 * dup->id = 0 when there is none. */
static qg_code find_duplicate(db *conn, const qg_actor *actor, const char *hash, int64_t self_id,
                              case_row *dup, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT " CASE_COLUMNS " FROM cases c WHERE c.iin_hash = ? AND c.id <> ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, actor->user_id);
    db_bind_text(st, 2, hash);
    db_bind_int(st, 3, self_id);
    int rc = db_step(st, err);
    memset(dup, 0, sizeof *dup);
    bool whole = rc != 1 || read_row(st, dup);
    db_done(st);
    if (rc >= 0 && !whole)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    return rc < 0 ? err->code : QG_OK;
}

/* Describes a duplicate for the user: its code if they may see it, else its owner. */
static json_t *duplicate_json(const qg_actor *actor, const case_row *dup)
{
    json_t *existing = policy_decide(actor, ACT_CASE_READ, &dup->facts) == POLICY_ALLOW
                           ? json_pack("{s:s}", "code", dup->code)
                           : json_pack("{s:I}", "org_id", (json_int_t)dup->org_id);
    return json_pack("{s:o}", "existing", existing);
}

/* Audits an attempt to register an IIN that case dup holds; from is the case whose
 * personal data was being replaced, or NULL for a new case. */
static qg_code audit_duplicate(db *conn, const qg_keys *keys, const qg_actor *actor,
                               const case_row *dup, const char *from, qg_error *err)
{
    json_t *detail = json_pack("{s:s}", "attempt", from ? "personal.update" : "case.create");
    if (from)
        json_object_set_new(detail, "from", json_string(from));
    qg_code c = audit_append(conn, keys, actor, "case.duplicate_iin", dup->code, detail, err);
    json_decref(detail);
    return c;
}

/* When another case (not self, which may be NULL) holds this IIN hash: sets *duplicate, describes it
 * in *result for the user and audits the attempt. Nothing else is written. */
static qg_code refuse_duplicate(db *conn, const qg_keys *keys, const qg_actor *actor,
                                const char *hash, const case_row *self, bool *duplicate,
                                json_t **result, qg_error *err)
{
    case_row dup;
    qg_code c = find_duplicate(conn, actor, hash, self ? self->id : 0, &dup, err);
    if (c != QG_OK || !dup.id)
        return c;
    *duplicate = true;
    *result = duplicate_json(actor, &dup);
    c = audit_duplicate(conn, keys, actor, &dup, self ? self->code : NULL, err);
    row_free(&dup);
    return c;
}

/* Binds the FIELD_COUNT field columns, in CASE_FIELD_COLUMNS order, from first on. */
static void bind_fields(db_stmt *st, json_t *fields, int first)
{
    int col = first;
    for (int i = 0; i < TEXT_FIELDS; i++)
        db_bind_text(st, col++, json_string_value(json_object_get(fields, text_fields[i])));
    for (int i = 0; i < INT_FIELDS; i++, col++) {
        json_t *v = json_object_get(fields, int_fields[i]);
        if (json_is_integer(v))
            db_bind_int(st, col, json_integer_value(v));
        else
            db_bind_null(st, col);
    }
    for (int i = 0; i < FLAG_FIELDS; i++, col++) {
        json_t *v = json_object_get(fields, flag_fields[i]);
        if (json_is_boolean(v))
            db_bind_int(st, col, json_is_true(v));
        else
            db_bind_null(st, col);
    }
}

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
    return qg_fail(err, QG_EDB, NULL, "could not draw an unused case code");
}

static qg_code set_iin_hash(db *conn, int64_t case_id, const char *hash, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "UPDATE cases SET iin_hash = ? WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, case_id);
    return db_run(st, err);
}

static qg_code insert_assignment(db *conn, int64_t case_id, int64_t user_id, int64_t by,
                                 qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO case_assignments (case_id, user_id, assigned_by, assigned_at)"
                             " VALUES (?, ?, ?, ?)",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, user_id);
    if (by)
        db_bind_int(st, 3, by);
    else
        db_bind_null(st, 3);
    db_bind_text(st, 4, now);
    qg_code c = db_run(st, err);
    if (c != QG_OK)
        return c;
    /* Handed over for good: the opener does not see it again (policy.c). */
    st = db_prepare(conn, "UPDATE cases SET handed_over = 1 WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    return db_run(st, err);
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    json_t *fields;   /* validated non-identifying fields */
    json_t *personal; /* validated, may be NULL */
    int64_t org_id;
    json_t *result;   /* the new case, or the duplicate description */
    bool duplicate;
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
    return rc == 1 ? QG_OK : rc < 0 ? err->code : qg_fail(err, QG_EDB, NULL, "case was not stored");
}

static qg_code insert_case_row(db *conn, const qg_actor *actor, int64_t org_id, json_t *fields,
                               const char *code, int64_t *id, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO cases (sex, citizenship, region, identified_on, stage, status,"
                             " external_ref, exploitation_place, recruitment_method, exit_method,"
                             " relation_to_trafficker, cj_stage, victim_status, status_decided_by,"
                             " accompaniment, interpreter_language, close_reason, closed_on,"
                             " age_at_identification, birth_year, interpreter_needed, non_punishment,"
                             " code, org_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?,"
                             " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             err);
    if (!st)
        return err->code;
    bind_fields(st, fields, 1);
    db_bind_text(st, FIELD_COUNT + 1, code);
    db_bind_int(st, FIELD_COUNT + 2, org_id);
    if (actor->user_id)
        db_bind_int(st, FIELD_COUNT + 3, actor->user_id);
    else
        db_bind_null(st, FIELD_COUNT + 3);
    db_bind_text(st, FIELD_COUNT + 4, now);
    db_bind_text(st, FIELD_COUNT + 5, now);
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
        c = stage_record_open(conn, *id, json_string_value(json_object_get(fields, "stage")), actor, err);
    return c;
}

qg_code case_insert_imported(db *conn, const qg_actor *actor, int64_t org_id, json_t *fields,
                             qg_error *err)
{
    char code[QG_CODE_SIZE];
    int64_t id = 0;
    if (json_object_set_new(fields, "stage", json_string("identification")) != 0 ||
        json_object_set_new(fields, "status", json_string("open")) != 0)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    return insert_new_case(conn, actor, org_id, fields, code, &id, err);
}

/* Everything after the duplicate check: row, personal part, assignment, audit. */
static qg_code create_case_rows(db *conn, create_job *j, const char *iin_hash, qg_error *err)
{
    char code[QG_CODE_SIZE];
    int64_t id = 0;
    qg_code c = insert_new_case(conn, j->actor, j->org_id, j->fields, code, &id, err);
    if (c == QG_OK && iin_hash)
        c = set_iin_hash(conn, id, iin_hash, err);
    if (c == QG_OK && j->personal)
        c = store_personal(conn, j->app->keys, id, j->personal, err);
    if (c == QG_OK && policy_assigns_opener(j->actor))
        c = insert_assignment(conn, id, j->actor->user_id, j->actor->user_id, err);
    if (c != QG_OK)
        return c;
    json_t *detail = json_pack("{s:I, s:b}", "org_id", (json_int_t)j->org_id, "personal",
                               j->personal != NULL);
    c = audit_append(conn, j->app->keys, j->actor, "case.create", code, detail, err);
    json_decref(detail);
    if (c != QG_OK)
        return c;
    return case_result(conn, code, j->actor, &j->result, err);
}

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    create_job *j = arg;
    char hash[QG_HASH_HEX];
    bool has_iin = false;
    if (j->personal)
        iin_hash_of(j->app->keys, j->personal, hash, &has_iin);
    if (has_iin) {
        qg_code c = refuse_duplicate(conn, j->app->keys, j->actor, hash, NULL, &j->duplicate, &j->result, err);
        if (c != QG_OK || j->duplicate)
            return c;
    }
    return create_case_rows(conn, j, has_iin ? hash : NULL, err);
}

static const char *const create_extra[] = {"personal", "org_id", NULL};

/* Validates a create body into fields (new object) and personal (borrowed or NULL). */
static qg_code prepare_create(const qg_actor *actor, json_t *body, create_job *j, qg_error *err)
{
    qg_code c = case_input_check_fields(body, create_extra, err);
    if (c != QG_OK)
        return c;
    json_t *org = json_object_get(body, "org_id");
    if (org && !policy_chooses_case_org(actor))
        return qg_fail(err, QG_EINVAL, "org_id", "is set from your account and cannot be given");
    if (org && (!json_is_integer(org) || json_integer_value(org) <= 0))
        return qg_fail(err, QG_EINVAL, "org_id", "must be an organisation id");
    j->org_id = org ? json_integer_value(org) : actor->org_id;
    if (j->org_id <= 0) /* the system actor belongs to no organisation */
        return qg_fail(err, QG_EINVAL, "org_id", "is required: name the organisation of the case");
    j->personal = json_object_get(body, "personal");
    if (j->personal && (c = case_input_check_personal(j->personal, err)) != QG_OK)
        return c;
    j->fields = json_deep_copy(body);
    json_object_del(j->fields, "personal");
    json_object_del(j->fields, "org_id");
    char today[11];
    text_today(today);
    if (!j->fields ||
        (!json_is_string(json_object_get(j->fields, "identified_on")) &&
         json_object_set_new(j->fields, "identified_on", json_string(today)) != 0) ||
        (!json_is_string(json_object_get(j->fields, "stage")) &&
         json_object_set_new(j->fields, "stage", json_string("identification")) != 0) ||
        json_object_set_new(j->fields, "status", json_string("open")) != 0)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    if (strcmp(json_string_value(json_object_get(j->fields, "stage")), "closure") == 0)
        return qg_fail(err, QG_EINVAL, "stage", "a case opens at any stage but closure");
    if ((c = profile_check_merged(j->fields, err)) != QG_OK)
        return c;
    return j->personal ? case_input_reconcile(j->fields, j->personal, err) : QG_OK;
}

qg_code case_create(qg_app *app, const qg_actor *actor, json_t *body, json_t **out, qg_error *err)
{
    *out = NULL;
    if (policy_decide(actor, ACT_CASE_CREATE, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "your role may not open cases");
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
        return qg_fail(err, QG_ECONFLICT, "personal.iin",
                       "a child with this IIN is already registered; no second case was created");
    return QG_OK;
}

static const char *const list_sql[] = {
    [SCOPE_ALL] = "SELECT " CASE_COLUMNS " FROM cases c WHERE ? >= 0 AND (CAST(? AS TEXT) IS NULL OR c.id < (SELECT b.id FROM cases b WHERE b.code = ?))"
                  " AND (CAST(? AS TEXT) IS NULL OR c.stage = ?)"
                  " AND (CAST(? AS TEXT) IS NULL OR c.status = ?) ORDER BY c.id DESC LIMIT ?",
    [SCOPE_ORG] = "SELECT " CASE_COLUMNS " FROM cases c WHERE c.org_id = ? AND (CAST(? AS TEXT) IS NULL OR c.id < (SELECT b.id FROM cases b WHERE b.code = ?))"
                  " AND (CAST(? AS TEXT) IS NULL OR c.stage = ?)"
                  " AND (CAST(? AS TEXT) IS NULL OR c.status = ?) ORDER BY c.id DESC LIMIT ?",
    [SCOPE_ASSIGNED] = "SELECT " CASE_COLUMNS " FROM cases c WHERE c.id IN"
                       " (SELECT case_id FROM case_assignments WHERE user_id = ?)"
                       " AND (CAST(? AS TEXT) IS NULL OR c.id < (SELECT b.id FROM cases b WHERE b.code = ?)) AND (CAST(? AS TEXT) IS NULL OR c.stage = ?)"
                       " AND (CAST(? AS TEXT) IS NULL OR c.status = ?) ORDER BY c.id DESC LIMIT ?",
    [SCOPE_OPENED_UNASSIGNED] = "SELECT " CASE_COLUMNS " FROM cases c WHERE c.created_by = ?"
                                " AND c.handed_over = 0"
                                " AND (CAST(? AS TEXT) IS NULL OR c.id < (SELECT b.id FROM cases b WHERE b.code = ?)) AND (CAST(? AS TEXT) IS NULL OR c.stage = ?)"
                                " AND (CAST(? AS TEXT) IS NULL OR c.status = ?) ORDER BY c.id DESC LIMIT ?",
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
        return qg_fail(err, QG_EINVAL, "limit", "must be from 1 to %d", CASE_LIST_MAX);
    if (q->before) {
        if (child_code_parse(q->before, "before", before, err) != QG_OK)
            return err->code;
        q->before = before;
    }
    if (q->stage && !vocab_has(&VOCAB_STAGE, q->stage))
        return qg_fail(err, QG_EINVAL, "stage", "is not a known stage code");
    if (q->status && !vocab_has(&VOCAB_CASE_STATUS, q->status))
        return qg_fail(err, QG_EINVAL, "status", "must be open or closed");
    return QG_OK;
}

qg_code case_list(qg_app *app, const qg_actor *actor, const case_query *query, json_t **out,
                  qg_error *err)
{
    *out = NULL;
    case_scope scope = policy_case_scope(actor);
    if (scope == SCOPE_NONE)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "your role may not list cases");
    case_query copy = *query, *q = &copy;
    char before[QG_CODE_SIZE];
    qg_code c = check_query(q, before, err);
    if (c != QG_OK)
        return c;
    db *conn = db_pool_acquire(app->readers);
    db_stmt *st = db_prepare(conn, list_sql[scope], err);
    if (!st) {
        db_pool_release(app->readers, conn);
        return err->code;
    }
    bind_list(st, scope, actor, q);
    json_t *cases = json_array();
    char last[QG_CODE_SIZE] = "";
    int rc, n = 0;
    while ((rc = db_step(st, err)) == 1) {
        case_row r;
        (void)read_row(st, &r); /* a list answer only shows it */
        json_array_append_new(cases, row_json(&r));
        memcpy(last, r.code, sizeof last);
        n++;
        row_free(&r);
    }
    db_done(st);
    db_pool_release(app->readers, conn);
    if (rc < 0) {
        json_decref(cases);
        return err->code;
    }
    *out = json_pack("{s:o, s:o}", "cases", cases, "next_before",
                     n == q->limit ? json_string(last) : json_null());
    return QG_OK;
}

qg_code case_get(qg_app *app, const qg_actor *actor, const char *code_in, json_t **out, qg_error *err)
{
    char code[QG_CODE_SIZE];
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_READ, code_in, code, err);
    if (c != QG_OK)
        return c;
    db *conn = db_pool_acquire(app->readers);
    case_row r = {0};
    c = load_visible(conn, actor, ACT_CASE_READ, code, &r, err);
    if (c == QG_OK && !(*out = full_json(conn, &r, err)))
        c = err->code;
    row_free(&r);
    db_pool_release(app->readers, conn);
    return c;
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *code;
    json_t *input;   /* patch, personal data, or NULL */
    int64_t user_id; /* for assignments */
    int64_t version; /* the version the caller read, 0 = not checked */
    json_t *result;
    bool duplicate;
    bool personal_used; /* personal data was decrypted to check the change */
} case_job;

static qg_code write_fields(db *conn, int64_t id, json_t *fields, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "UPDATE cases SET sex = ?, citizenship = ?, region = ?, identified_on = ?,"
                             " stage = ?, status = ?, external_ref = ?, exploitation_place = ?,"
                             " recruitment_method = ?, exit_method = ?, relation_to_trafficker = ?,"
                             " cj_stage = ?, victim_status = ?, status_decided_by = ?, accompaniment = ?,"
                             " interpreter_language = ?, close_reason = ?, closed_on = ?,"
                             " age_at_identification = ?, birth_year = ?, interpreter_needed = ?,"
                             " non_punishment = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                             err);
    if (!st)
        return err->code;
    bind_fields(st, fields, 1);
    db_bind_text(st, FIELD_COUNT + 1, now);
    db_bind_int(st, FIELD_COUNT + 2, id);
    return db_run(st, err);
}

static qg_code check_version(json_t *patch, int64_t stored, qg_error *err)
{
    json_t *v = json_object_get(patch, "version");
    if (!v)
        return QG_OK;
    if (!json_is_integer(v))
        return qg_fail(err, QG_EINVAL, "version", "must be the version number you read");
    if (json_integer_value(v) != stored)
        return qg_fail(err, QG_ECONFLICT, "version", "the case was changed by someone else; reload it");
    return QG_OK;
}

/* Does the personal data give a birth date (its own, or the one inside the IIN)? */
static bool has_birth_date(json_t *personal)
{
    return json_object_get(personal, "birth_date") || json_object_get(personal, "iin");
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
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    if (!r->has_personal)
        return QG_OK;
    json_t *personal = NULL;
    qg_code c = load_personal(conn, j->app->keys, r->id, &personal, err);
    j->personal_used = true; /* audited with the change: its answer can reveal the birth date */
    /* With a birth date on file, a new identification date re-derives the age unless
     * the patch gives one. */
    if (c == QG_OK && has_birth_date(personal) && json_object_get(j->input, "identified_on") &&
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
        if (!skip || strcmp(key, skip) != 0)
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

static qg_code reload_result(db *conn, case_job *j, qg_error *err)
{
    return case_result(conn, j->code, j->actor, &j->result, err);
}

static qg_code update_in_tx(db *conn, void *arg, qg_error *err)
{
    case_job *j = arg;
    case_row r = {0};
    json_t *merged = NULL;
    qg_code c = load_visible(conn, j->actor, ACT_CASE_UPDATE, j->code, &r, err);
    if (c == QG_OK)
        c = check_version(j->input, r.version, err);
    if (c == QG_OK)
        c = merged_fields(conn, j, &r, &merged, err);
    if (c == QG_OK)
        c = profile_check_merged(merged, err);
    if (c == QG_OK)
        c = write_fields(conn, r.id, merged, err);
    if (c == QG_OK)
        c = profile_write_lists(conn, r.id, j->input, err);
    if (c == QG_OK)
        c = audit_case(conn, j, "case.update",
                       json_pack("{s:o, s:b}", "fields", changed_names(j->input, "version"),
                                 "personal_used", j->personal_used),
                       err);
    if (c == QG_OK)
        c = reload_result(conn, j, err);
    json_decref(merged);
    row_free(&r);
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
        c = qg_fail(err, QG_EINVAL, "stage",
                    "changes only through the case's stage history (POST /api/v1/cases/{code}/stage)");
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

static qg_code personal_read_in_tx(db *conn, void *arg, qg_error *err)
{
    case_job *j = arg;
    case_row r = {0};
    qg_code c = load_visible(conn, j->actor, ACT_PERSONAL_READ, j->code, &r, err);
    if (c == QG_OK)
        c = load_personal(conn, j->app->keys, r.id, &j->result, err);
    if (c == QG_OK)
        c = audit_case(conn, j, "personal.read", NULL, err);
    row_free(&r);
    return c;
}

qg_code case_personal_get(qg_app *app, const qg_actor *actor, const char *code_in, json_t **out,
                          qg_error *err)
{
    char code[QG_CODE_SIZE];
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_READ, code_in, code, err);
    if (c != QG_OK)
        return c;
    /* A write job: the audit entry and the read happen together or not at all. */
    case_job j = {.app = app, .actor = actor, .code = code};
    c = writer_run(app->writer, personal_read_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* IIN hash for the new personal data: checks duplicates; NULL hash clears it. */
static qg_code replace_iin(db *conn, case_job *j, const case_row *r, qg_error *err)
{
    char hash[QG_HASH_HEX];
    bool has = false;
    iin_hash_of(j->app->keys, j->input, hash, &has);
    if (has) {
        qg_code c = refuse_duplicate(conn, j->app->keys, j->actor, hash, r, &j->duplicate, &j->result, err);
        if (c != QG_OK || j->duplicate)
            return c;
    }
    return set_iin_hash(conn, r->id, has ? hash : NULL, err);
}

/* A birth date in new personal data (its own or the IIN's) is the better source: the
 * year of birth and the age are derived from it again rather than checked against
 * values derived from the old one. */
static void forget_derived(json_t *fields, json_t *personal)
{
    if (!has_birth_date(personal))
        return;
    json_object_del(fields, "birth_year");
    json_object_del(fields, "age_at_identification");
}

static qg_code personal_write_in_tx(db *conn, void *arg, qg_error *err)
{
    case_job *j = arg;
    case_row r = {0};
    json_t *fields = NULL;
    qg_code c = load_visible(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &r, err);
    if (c == QG_OK && j->version && j->version != r.version)
        c = qg_fail(err, QG_ECONFLICT, "version", "the case was changed by someone else; reload it");
    if (c == QG_OK && !(fields = json_deep_copy(r.fields))) /* never write back NULLs */
        c = qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    if (c == QG_OK) {
        forget_derived(fields, j->input);
        c = case_input_reconcile(fields, j->input, err);
    }
    if (c == QG_OK)
        c = replace_iin(conn, j, &r, err);
    if (c == QG_OK && !j->duplicate)
        c = write_fields(conn, r.id, fields, err);
    if (c == QG_OK && !j->duplicate)
        c = store_personal(conn, j->app->keys, r.id, j->input, err);
    if (c == QG_OK && !j->duplicate)
        c = audit_case(conn, j, "personal.update", json_pack("{s:o}", "fields", changed_names(j->input, NULL)), err);
    json_decref(fields);
    row_free(&r);
    return c;
}

qg_code case_personal_put(qg_app *app, const qg_actor *actor, const char *code_in, json_t *personal,
                          int64_t version, qg_error *err)
{
    char code[QG_CODE_SIZE];
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code_in, code, err);
    if (c == QG_OK)
        c = case_input_check_personal(personal, err);
    if (c != QG_OK)
        return c;
    case_job j = {.app = app, .actor = actor, .code = code, .input = personal, .version = version};
    c = writer_run(app->writer, personal_write_in_tx, &j, err);
    json_decref(j.result);
    if (c == QG_OK && j.duplicate)
        return qg_fail(err, QG_ECONFLICT, "personal.iin",
                       "a child with this IIN is already registered in another case");
    return c;
}

/* The assignee must be an enabled case manager of the case's organisation. */
static qg_code check_assignee(db *conn, int64_t user_id, int64_t org_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT org_id, role, disabled FROM users WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, user_id);
    int rc = db_step(st, err);
    qg_code c = QG_OK;
    if (rc < 0)
        c = err->code;
    else if (rc == 0)
        c = qg_fail(err, QG_EINVAL, "user_id", "no such user");
    else if (strcmp(db_col_text(st, 1), "case_manager") != 0)
        c = qg_fail(err, QG_EINVAL, "user_id", "is not a case manager");
    else if (db_col_int(st, 2))
        c = qg_fail(err, QG_EINVAL, "user_id", "is disabled");
    else if (db_col_int(st, 0) != org_id)
        c = qg_fail(err, QG_EINVAL, "user_id", "belongs to another organisation");
    db_done(st);
    return c;
}

static qg_code assigned_already(db *conn, int64_t case_id, int64_t user_id, bool *yes, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT 1 FROM case_assignments WHERE case_id = ? AND user_id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, user_id);
    int rc = db_step(st, err);
    db_done(st);
    *yes = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}

static qg_code assign_in_tx(db *conn, void *arg, qg_error *err)
{
    case_job *j = arg;
    case_row r = {0};
    bool already = false;
    qg_code c = load_visible(conn, j->actor, ACT_CASE_ASSIGN, j->code, &r, err);
    if (c == QG_OK)
        c = check_assignee(conn, j->user_id, r.org_id, err);
    if (c == QG_OK)
        c = assigned_already(conn, r.id, j->user_id, &already, err);
    if (c == QG_OK && already)
        c = qg_fail(err, QG_ECONFLICT, "user_id", "is already a case manager of this case");
    if (c == QG_OK && r.facts.assigned_count >= CASE_MANAGERS_MAX)
        c = qg_fail(err, QG_ECONFLICT, "user_id",
                    "a child has at most two case managers (manual L1979); unassign one first");
    if (c == QG_OK)
        c = insert_assignment(conn, r.id, j->user_id, j->actor->user_id, err);
    if (c == QG_OK)
        c = audit_case(conn, j, "case.assign", json_pack("{s:I}", "user_id", (json_int_t)j->user_id), err);
    if (c == QG_OK)
        c = reload_result(conn, j, err);
    row_free(&r);
    return c;
}

static qg_code unassign_in_tx(db *conn, void *arg, qg_error *err)
{
    case_job *j = arg;
    case_row r = {0};
    qg_code c = load_visible(conn, j->actor, ACT_CASE_ASSIGN, j->code, &r, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn, "DELETE FROM case_assignments WHERE case_id = ? AND user_id = ?", err) : NULL;
    if (c == QG_OK && !st)
        c = err->code;
    if (c == QG_OK) {
        db_bind_int(st, 1, r.id);
        db_bind_int(st, 2, j->user_id);
        c = db_run(st, err);
    }
    if (c == QG_OK && db_changes(conn) == 0)
        c = qg_fail(err, QG_ENOTFOUND, "user_id", "is not a case manager of this case");
    if (c == QG_OK)
        c = audit_case(conn, j, "case.unassign", json_pack("{s:I}", "user_id", (json_int_t)j->user_id), err);
    row_free(&r);
    return c;
}

static qg_code run_assignment(qg_app *app, const qg_actor *actor, const char *code_in,
                              int64_t user_id, write_fn fn, qg_error *err)
{
    char code[QG_CODE_SIZE];
    qg_code c = case_precheck(actor, ACT_CASE_ASSIGN, code_in, code, err);
    if (c != QG_OK)
        return c;
    if (user_id <= 0)
        return qg_fail(err, QG_EINVAL, "user_id", "must be a user id");
    case_job j = {.app = app, .actor = actor, .code = code, .user_id = user_id};
    c = writer_run(app->writer, fn, &j, err);
    json_decref(j.result);
    return c;
}

qg_code case_assign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                    qg_error *err)
{
    return run_assignment(app, actor, code, user_id, assign_in_tx, err);
}

qg_code case_unassign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                      qg_error *err)
{
    return run_assignment(app, actor, code, user_id, unassign_in_tx, err);
}
