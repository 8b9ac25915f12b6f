/* case_personal.c — the encrypted personal part of a case and the IIN de-duplication
 * (see case_personal.h and case_personal_impl.h). */
#include "core/case/case_personal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/account/policy.h"
#include "core/case/case_access.h"
#include "core/case/case_input.h"
#include "core/case/case_load.h"
#include "core/case/iin_quota.h"
#include "core/common/input.h"
#include "core/common/json_text.h"
#include "core/common/org_shared.h"
#include "core/case/case_personal_impl.h"
#include "core/case/case_terms.h"
#include "core/case/contact.h"

static void personal_ad(int64_t case_id, char *out, size_t size)
{
    snprintf(out, size, "qorgau:case:%lld:personal", (long long)case_id);
}

qg_code case_personal_store(db *conn, const qg_keys *keys, int64_t case_id, json_t *personal,
                            qg_error *err)
{
    char ad[64], now[21];
    personal_ad(case_id, ad, sizeof ad);
    char *plain = qg_json_dumps(personal, JSON_COMPACT);
    if (!plain)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    unsigned char *sealed = NULL;
    size_t sealed_len = 0, plain_len = strlen(plain);
    qg_code c = crypto_seal(keys, ad, plain, plain_len, &sealed, &sealed_len, err);
    crypto_free_plain(plain, plain_len);
    if (c != QG_OK)
        return c;
    db_now_iso(now);
    db_stmt *st =
        db_prepare(conn,
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

qg_code case_personal_load(db *conn, const qg_keys *keys, int64_t case_id, json_t **out,
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
                c = qg_fail(err, QG_ECRYPTO, "personal", "crypto.damaged",
                            "stored personal data is damaged");
        }
    } else if (rc == 0) {
        *out = json_object();
    }
    db_done(st);
    return c;
}

bool case_personal_has_birth_date(json_t *personal)
{
    return json_object_get(personal, "birth_date") || json_object_get(personal, "iin");
}

/* ---- the IIN ---------------------------------------------------------------------- */

void case_iin_hash(const qg_keys *keys, json_t *personal, char out[QG_HASH_HEX], bool *has)
{
    const char *iin = json_string_value(json_object_get(personal, "iin"));
    *has = iin != NULL;
    if (iin)
        crypto_lookup_hash(keys, "iin", iin, out);
}

qg_code case_iin_set(db *conn, int64_t case_id, const char *hash, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "UPDATE cases SET iin_hash = ? WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, case_id);
    return db_run(st, err);
}

/* Finds another case holding the same IIN hash; fills *dup and returns QG_OK with
 * dup->id = 0 when there is none. */
static qg_code find_duplicate(db *conn, const qg_actor *actor, const char *hash, int64_t self_id,
                              case_row *dup, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT " CASE_COLUMNS " FROM cases c WHERE c.iin_hash = ? AND c.id <> ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, actor->user_id);
    db_bind_text(st, 2, hash);
    db_bind_int(st, 3, self_id);
    int rc = db_step(st, err);
    memset(dup, 0, sizeof *dup);
    if (rc == 1)
        case_row_read(st, dup);
    db_done(st);
    if (rc < 0)
        return err->code;
    if (rc == 1 && !dup->fields) /* never decide on a row with fields missing */
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return QG_OK;
}

/* Whether the names sent (personal) are those of the registered child dup: compared as
 * the keyed terms of the folded names, never the names themselves. */
static qg_code names_match(db *conn, const qg_keys *keys, const case_row *dup, json_t *personal,
                           bool *match, qg_error *err)
{
    int64_t names = 0;
    *match = false;
    if (!case_terms_names(keys, dup->org_id, personal, &names))
        return QG_OK;
    db_stmt *st =
        db_prepare(conn, "SELECT 1 FROM case_terms WHERE term = ? AND case_id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, names);
    db_bind_int(st, 2, dup->id);
    int rc = db_step(st, err);
    db_done(st);
    *match = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}

/* Describes a duplicate for the user (issue 14 item 7): its code when they may see it;
 * else its organisation when the names sent are the registered child's; else nothing
 * ("ask your supervisor"). Unless they may see it, the attempt is recorded for their
 * supervisors and its handle travels with the answer (a contact request names it). */
static qg_code duplicate_json(db *conn, const qg_keys *keys, const qg_actor *actor,
                              const case_row *dup, json_t *personal, json_t **out, qg_error *err)
{
    if (policy_decide(actor, ACT_CASE_READ, &dup->facts) == POLICY_ALLOW) {
        *out = json_pack("{s:{s:s}}", "existing", "code", dup->code);
        return *out ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    bool named = false;
    char token[QG_TOKEN_HEX];
    qg_code c = names_match(conn, keys, dup, personal, &named, err);
    if (c == QG_OK)
        c = contact_attempt_record(conn, actor, dup->id, named, token, err);
    if (c != QG_OK)
        return c;
    json_t *existing = json_object();
    if (!existing ||
        (named && json_object_set_new(existing, "org", org_ref_json(conn, dup->org_id, err)))) {
        json_decref(existing);
        return err->code ? err->code : QG_ENOMEM;
    }
    *out = json_pack("{s:o}", "existing", existing);
    if (*out && token[0] && json_object_set_new(*out, "attempt", json_string(token)) != 0)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return *out ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
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

qg_code case_iin_refuse_duplicate(db *conn, const qg_keys *keys, const qg_actor *actor,
                                  const char *hash, int64_t self_id, const char *from,
                                  json_t *personal, bool *duplicate, json_t **result,
                                  qg_error *err)
{
    case_row dup;
    qg_code c = find_duplicate(conn, actor, hash, self_id, &dup, err);
    if (c != QG_OK || !dup.id)
        return c;
    *duplicate = true;
    c = duplicate_json(conn, keys, actor, &dup, personal, result, err);
    if (c == QG_OK)
        c = audit_duplicate(conn, keys, actor, &dup, from, err);
    case_row_free(&dup);
    return c;
}

/* ---- the services ----------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *code;
    json_t *input;   /* the new personal data, or NULL */
    int64_t version; /* the version the caller read, 0 = not checked */
    json_t *result;
    bool duplicate;
} personal_job;

static qg_code audit_personal(db *conn, personal_job *j, const char *action, json_t *detail,
                              qg_error *err)
{
    qg_code c = audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err);
    json_decref(detail);
    return c;
}

/* The personal fields an emergency-scope grant shows (docs/security.md "Break-the-glass":
 * enough to recognise the child and speak to them; never the IIN, address, phone, contacts
 * or relatives, who may be implicated, nor the notes). */
static const char *const EMERGENCY_PERSONAL[] = {"given_name", "family_name", "patronymic",
                                                 "birth_date", "languages", NULL};

/* Keeps only the EMERGENCY_PERSONAL members of personal. */
static void emergency_only(json_t *personal)
{
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(personal, tmp, key, v) {
        if (!input_listed(key, EMERGENCY_PERSONAL))
            json_object_del(personal, key);
    }
}

static qg_code personal_read_in_tx(db *conn, void *arg, qg_error *err)
{
    personal_job *j = arg;
    case_row r = {0};
    qg_code c = case_load_visible(conn, j->actor, ACT_PERSONAL_READ, j->code, &r, err);
    if (c == QG_OK)
        c = case_personal_load(conn, j->app->keys, r.id, &j->result, err);
    bool limited = c == QG_OK && policy_grant_view(j->actor, &r.facts) == GRANT_EMERGENCY;
    if (limited)
        emergency_only(j->result);
    if (c == QG_OK)
        c = audit_personal(conn, j, "personal.read",
                           limited ? json_pack("{s:s}", "scope", "emergency") : NULL, err);
    case_row_free(&r);
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
    personal_job j = {.app = app, .actor = actor, .code = code};
    c = writer_run(app->writer, personal_read_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* IIN hash for the new personal data: checks duplicates; NULL hash clears it. */
static qg_code replace_iin(db *conn, personal_job *j, const case_row *r, qg_error *err)
{
    char hash[QG_HASH_HEX];
    bool has = false;
    case_iin_hash(j->app->keys, j->input, hash, &has);
    if (has) {
        qg_code c = iin_quota_take(conn, j->app, j->actor, r->id, hash, err); /* issue 14 item 6 */
        if (c == QG_OK)
            c = case_iin_refuse_duplicate(conn, j->app->keys, j->actor, hash, r->id, r->code,
                                          j->input, &j->duplicate, &j->result, err);
        if (c != QG_OK || j->duplicate)
            return c;
    }
    return case_iin_set(conn, r->id, has ? hash : NULL, err);
}

/* A birth date in new personal data (its own or the IIN's) is the better source: the
 * year of birth and the age are derived from it again rather than checked against
 * values derived from the old one. */
static void forget_derived(json_t *fields, json_t *personal)
{
    if (!case_personal_has_birth_date(personal))
        return;
    json_object_del(fields, "birth_year");
    json_object_del(fields, "age_at_identification");
}

static json_t *field_names(json_t *obj)
{
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        json_array_append_new(names, json_string(key));
    }
    return names;
}

static qg_code personal_write_in_tx(db *conn, void *arg, qg_error *err)
{
    personal_job *j = arg;
    case_row r = {0};
    json_t *fields = NULL;
    qg_code c = case_load_visible(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &r, err);
    if (c == QG_OK && j->version && j->version != r.version)
        c = qg_fail(err, QG_ECONFLICT, "version", "version.stale",
                    "the case was changed by someone else; reload it");
    if (c == QG_OK && !(fields = json_deep_copy(r.fields))) /* never write back NULLs */
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c == QG_OK) {
        forget_derived(fields, j->input);
        c = case_input_reconcile(fields, j->input, err);
    }
    if (c == QG_OK)
        c = replace_iin(conn, j, &r, err);
    if (c == QG_OK && !j->duplicate)
        c = case_fields_write(conn, r.id, fields, err);
    if (c == QG_OK && !j->duplicate)
        c = case_personal_store(conn, j->app->keys, r.id, j->input, err);
    if (c == QG_OK && !j->duplicate)
        c = case_terms_write(conn, j->app->keys, r.id, r.org_id, j->input, err);
    if (c == QG_OK && !j->duplicate)
        c = audit_personal(conn, j, "personal.update",
                           json_pack("{s:o}", "fields", field_names(j->input)), err);
    json_decref(fields);
    case_row_free(&r);
    return c;
}

qg_code case_personal_put(qg_app *app, const qg_actor *actor, const char *code_in, json_t *personal,
                          int64_t version, json_t **out, qg_error *err)
{
    char code[QG_CODE_SIZE];
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_PERSONAL_UPDATE, code_in, code, err);
    if (c == QG_OK)
        c = case_input_check_personal(personal, err);
    if (c != QG_OK)
        return c;
    personal_job j = {
        .app = app, .actor = actor, .code = code, .input = personal, .version = version};
    c = writer_run(app->writer, personal_write_in_tx, &j, err);
    if (c == QG_OK && j.duplicate) {
        *out = j.result;
        return qg_fail(err, QG_ECONFLICT, "personal.iin", "iin.duplicate",
                       "a child with this IIN is already registered in another case");
    }
    json_decref(j.result);
    return c;
}
