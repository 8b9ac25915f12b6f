/* directory.c — the service directory: checking entries, storing and removing them,
 * searching (see directory.h). */
#include "core/referral/directory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case_input.h"
#include "core/common/input.h"
#include "core/common/org_shared.h"
#include "core/account/policy.h"
#include "core/common/rows.h"
#include "core/vocab/vocab.h"
#include "core/common/json_text.h"
#include "base/alloc.h"

#define ENTRY_COLUMNS                                                                             \
    "s.org_id, o.name, o.type, s.service, s.regions, s.age_min, s.age_max, s.sexes, s.languages," \
    " s.capacity, s.available, s.procedure, s.contact, s.updated_at, s.version"
#define ENTRY_FROM " FROM org_services s JOIN orgs o ON o.id = s.org_id"

/* The content columns come first in both, so one binding serves both. */
static const char INSERT_SQL[] =
    "INSERT INTO org_services (regions, age_min, age_max, sexes, languages, capacity, available,"
    " procedure, contact, updated_at, org_id, service, created_at, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
static const char UPDATE_SQL[] =
    "UPDATE org_services SET regions = ?, age_min = ?, age_max = ?, sexes = ?, languages = ?,"
    " capacity = ?, available = ?, procedure = ?, contact = ?, updated_at = ?,"
    " version = version + 1"
    " WHERE org_id = ? AND service = ?";

/* ---- addresses (L2452) --------------------------------------------------------------- */

/* The words of an address, lower case: street, avenue, micro-district. */
static const char *const ADDRESS_WORDS[] = {"улица",    "ул.",     "көшесі", "street",
                                            "проспект", "даңғылы", "мкр",    NULL};

/* The lower case of a Cyrillic code point U+0400..U+04FF (Russian and Kazakh letters). */
static unsigned fold_cyrillic(unsigned cp)
{
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    if (((cp >= 0x460 && cp <= 0x4BF) || (cp >= 0x4D0 && cp <= 0x4FF)) && cp % 2 == 0)
        return cp + 1; /* Ә Ғ Қ Ң Ө Ұ Ү Һ ... : upper case even, lower case odd */
    return cp;
}

/* Writes s with Latin and Cyrillic letters in lower case into out (strlen(s) + 1 bytes:
 * both cases of these letters take the same number of bytes). */
static void fold_case(const char *s, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (p[i]) {
        unsigned c = p[i];
        if (c >= 0xD0 && c <= 0xD3 && (p[i + 1] & 0xC0) == 0x80) {
            unsigned cp = fold_cyrillic(((c & 0x1F) << 6) | (p[i + 1] & 0x3F));
            out[i] = (char)(0xC0 | (cp >> 6));
            out[i + 1] = (char)(0x80 | (cp & 0x3F));
            i += 2;
            continue;
        }
        out[i++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    out[i] = '\0';
}

/* Does a word start at position at of s: the text begins there, or the character
 * before is neither an ASCII letter or digit nor a Latin or Cyrillic letter? */
static bool word_starts(const char *s, size_t at)
{
    if (at == 0)
        return true;
    unsigned char prev = (unsigned char)s[at - 1];
    if (prev < 0x80)
        return !((prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9'));
    size_t k = at - 1;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    unsigned char lead = (unsigned char)s[k];
    return !((lead >= 0xD0 && lead <= 0xD3) || (lead >= 0xC3 && lead <= 0xC5));
}

bool directory_has_address(const char *text)
{
    size_t n = text ? strlen(text) : 0;
    char *folded = qg_malloc(n + 1);
    bool found = false;
    if (!folded)
        return true; /* refuse rather than let an address through unchecked */
    fold_case(text ? text : "", folded);
    for (const char *const *w = ADDRESS_WORDS; *w && !found; w++)
        for (const char *p = strstr(folded, *w); p && !found; p = strstr(p + 1, *w))
            found = word_starts(folded, (size_t)(p - folded));
    free(folded);
    return found;
}

/* ---- checking an entry ------------------------------------------------------------------- */

static qg_code check_int(json_t *body, const char *key, bool required, int64_t lo, int64_t hi,
                         const char *range, qg_error *err)
{
    json_t *v = json_object_get(body, key);
    if (!v && !required)
        return QG_OK;
    if (!v)
        return qg_fail(err, QG_EINVAL, key, "value.required", "is required: a whole number from %s",
                       range);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return qg_fail(err, QG_EINVAL, key, "number.out_of_range", "must be a whole number from %s",
                       range);
    return QG_OK;
}

static qg_code check_ages(json_t *body, qg_error *err)
{
    qg_code c = check_int(body, "age_min", true, 0, DIRECTORY_AGE_MAX, "0 to 120", err);
    if (c == QG_OK)
        c = check_int(body, "age_max", true, json_integer_value(json_object_get(body, "age_min")),
                      DIRECTORY_AGE_MAX, "age_min to 120", err);
    return c;
}

static qg_code check_places(json_t *body, qg_error *err)
{
    json_t *capacity = json_object_get(body, "capacity");
    qg_code c = check_int(body, "capacity", false, 0, DIRECTORY_CAPACITY_MAX, "0 to 100000", err);
    if (c == QG_OK && json_object_get(body, "available") && !capacity)
        c = qg_fail(err, QG_EINVAL, "available", "directory.available_needs_capacity",
                    "needs capacity: free places are counted against it");
    if (c == QG_OK)
        c = check_int(body, "available", false, 0, json_integer_value(capacity), "0 to capacity",
                      err);
    return c;
}

/* An optional text that must never hold a shelter's address (L2452). */
static qg_code check_text(json_t *body, const char *key, size_t max, bool multiline, qg_error *err)
{
    json_t *v = json_object_get(body, key);
    if (!v)
        return QG_OK;
    qg_code c = case_input_text(v, max, multiline, key, err);
    if (c == QG_OK && directory_has_address(json_string_value(v)))
        c = qg_fail(
            err, QG_EINVAL, key, "directory.address_not_allowed",
            "must not hold an address (L2452): give the procedure and a phone, e-mail or desk");
    return c;
}

qg_code directory_check_entry(json_t *body, qg_error *err)
{
    static const char *const keys[] = {"regions",   "age_min",  "age_max",   "sexes",
                                       "languages", "capacity", "available", "procedure",
                                       "contact",   "version",  NULL};
    qg_code c = input_check_keys(body, keys, err);
    if (c == QG_OK)
        c = org_check_codes(json_object_get(body, "regions"), &VOCAB_REGION, "regions", err);
    if (c == QG_OK)
        c = check_ages(body, err);
    if (c == QG_OK)
        c = org_check_codes(json_object_get(body, "sexes"), &VOCAB_SEX, "sexes", err);
    if (c == QG_OK)
        c = org_check_languages(json_object_get(body, "languages"), DIRECTORY_LANGUAGES_MAX,
                                "languages", err);
    if (c == QG_OK)
        c = check_places(body, err);
    if (c == QG_OK)
        c = check_text(body, "procedure", DIRECTORY_PROCEDURE_MAX, true, err);
    if (c == QG_OK)
        c = check_text(body, "contact", DIRECTORY_CONTACT_MAX, false, err);
    if (c == QG_OK)
        c = check_int(body, "version", false, 1, INT64_MAX, "1", err);
    return c;
}

static bool is_age(const char *s)
{
    size_t n = strlen(s);
    int v = 0;
    for (size_t i = 0; i < n && n <= 3; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return n >= 1 && n <= 3 && v <= DIRECTORY_AGE_MAX;
}

qg_code directory_check_filter(const directory_filter *f, qg_error *err)
{
    if (f->service && *f->service && !vocab_has(&VOCAB_SERVICE, f->service))
        return qg_fail(err, QG_EINVAL, "service", "value.not_in_list", "is not a service code");
    if (f->region && *f->region && !vocab_has(&VOCAB_REGION, f->region))
        return qg_fail(err, QG_EINVAL, "region", "value.not_in_list", "is not a region code");
    if (f->age && *f->age && !is_age(f->age))
        return qg_fail(err, QG_EINVAL, "age", "number.out_of_range",
                       "must be a whole number from 0 to 120");
    if (f->sex && *f->sex && !vocab_has(&VOCAB_SEX, f->sex))
        return qg_fail(err, QG_EINVAL, "sex", "value.not_in_list", "is not a sex code");
    return QG_OK;
}

/* ---- reading entries ------------------------------------------------------------------- */

static json_t *int_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_integer(db_col_int(st, i));
}

static json_t *text_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *list_col(db_stmt *st, int i) { return qg_json_loads(db_col_text(st, i), 0, NULL); }

/* One entry of ENTRY_COLUMNS. */
static json_t *entry_row(db_stmt *st)
{
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:I}", "org_id",
        (json_int_t)db_col_int(st, 0), "org_name", db_col_text(st, 1), "org_type",
        db_col_text(st, 2), "service", db_col_text(st, 3), "regions", list_col(st, 4), "age_min",
        (json_int_t)db_col_int(st, 5), "age_max", (json_int_t)db_col_int(st, 6), "sexes",
        list_col(st, 7), "languages", list_col(st, 8), "capacity", int_or_null(st, 9), "available",
        int_or_null(st, 10), "procedure", text_or_null(st, 11), "contact", text_or_null(st, 12),
        "updated_at", db_col_text(st, 13), "version", (json_int_t)db_col_int(st, 14));
}

static qg_code no_org(qg_error *err)
{
    return qg_fail(err, QG_ENOTFOUND, "org", "org.not_found", "no such organisation");
}

static qg_code no_entry(qg_error *err)
{
    return qg_fail(err, QG_ENOTFOUND, "service", "directory.service_not_listed",
                   "the organisation does not list this service");
}

/* The organisation must exist. */
static qg_code need_org(db *conn, int64_t org_id, qg_error *err)
{
    bool found = false;
    qg_code c = org_find(conn, org_id, &found, err);
    return c == QG_OK && !found ? no_org(err) : c;
}

/* Reads organisation org_id's entry for service into *out. */
static qg_code load_entry(db *conn, int64_t org_id, const char *service, json_t **out,
                          qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT " ENTRY_COLUMNS ENTRY_FROM " WHERE s.org_id = ? AND s.service = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, org_id);
    db_bind_text(st, 2, service);
    int rc = db_step(st, err);
    *out = rc == 1 ? entry_row(st) : NULL;
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code : no_entry(err);
    return *out ? QG_OK
                : qg_fail(err, QG_EDB, NULL, "storage.damaged", "a stored entry could not be read");
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    int64_t org_id;
    const char *service;
    json_t *body; /* borrowed */
    bool created;
    json_t *result;
} dir_job;

/* Asks the policy before anything is looked up, then checks the service code. */
static qg_code manage_precheck(const qg_actor *actor, int64_t org_id, const char *service,
                               qg_error *err)
{
    policy_verdict v = policy_org_manage(actor, ACT_DIRECTORY_MANAGE, org_id);
    if (v == POLICY_FORBID)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not change the service directory");
    if (v == POLICY_HIDE || org_id <= 0)
        return no_org(err);
    if (!vocab_has(&VOCAB_SERVICE, service))
        return qg_fail(err, QG_ENOTFOUND, "service", "value.not_in_list", "is not a service code");
    return QG_OK;
}

/* Sets *version to the stored entry's version, 0 when there is none. */
static qg_code stored_version(db *conn, const dir_job *j, int64_t *version, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn, "SELECT version FROM org_services WHERE org_id = ? AND service = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->org_id);
    db_bind_text(st, 2, j->service);
    int rc = db_step(st, err);
    *version = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static void bind_optional_int(db_stmt *st, int i, json_t *v)
{
    db_bind_int_or_null(st, i, json_is_integer(v), json_integer_value(v));
}

/* Binds the content columns 1-10 and the place 11-12 shared by INSERT_SQL and UPDATE_SQL. */
static qg_code bind_entry(db_stmt *st, const dir_job *j, const char *now, qg_error *err)
{
    static const char *const lists[] = {"regions", "sexes", "languages"};
    static const int columns[] = {1, 4, 5};
    for (int k = 0; k < 3; k++) {
        char *text = qg_json_dumps(json_object_get(j->body, lists[k]), JSON_COMPACT);
        if (!text)
            return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        db_bind_text(st, columns[k], text); /* copied */
        free(text);
    }
    db_bind_int(st, 2, json_integer_value(json_object_get(j->body, "age_min")));
    db_bind_int(st, 3, json_integer_value(json_object_get(j->body, "age_max")));
    bind_optional_int(st, 6, json_object_get(j->body, "capacity"));
    bind_optional_int(st, 7, json_object_get(j->body, "available"));
    db_bind_text(st, 8, json_string_value(json_object_get(j->body, "procedure")));
    db_bind_text(st, 9, json_string_value(json_object_get(j->body, "contact")));
    db_bind_text(st, 10, now);
    db_bind_int(st, 11, j->org_id);
    db_bind_text(st, 12, j->service);
    return QG_OK;
}

static qg_code write_entry(db *conn, const dir_job *j, const char *sql, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn, sql, err);
    if (!st)
        return err->code;
    qg_code c = bind_entry(st, j, now, err);
    if (c == QG_OK && sql == INSERT_SQL)
        db_bind_text(st, 13, now);
    if (c == QG_OK)
        return db_run(st, err);
    db_done(st);
    return c;
}

/* Appends action with {org_id, service}: codes only. */
static qg_code audit_entry(db *conn, const dir_job *j, const char *action, qg_error *err)
{
    char object[32];
    snprintf(object, sizeof object, "org:%lld", (long long)j->org_id);
    json_t *detail =
        json_pack("{s:I, s:s}", "org_id", (json_int_t)j->org_id, "service", j->service);
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, object, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

static qg_code put_in_tx(db *conn, void *arg, qg_error *err)
{
    dir_job *j = arg;
    int64_t stored = 0;
    json_t *version = json_object_get(j->body, "version");
    qg_code c = need_org(conn, j->org_id, err);
    if (c == QG_OK)
        c = stored_version(conn, j, &stored, err);
    if (c == QG_OK && version && json_integer_value(version) != stored)
        c = qg_fail(err, QG_ECONFLICT, "version", "version.stale",
                    "the entry was changed or removed meanwhile; read it again");
    j->created = stored == 0;
    if (c == QG_OK)
        c = write_entry(conn, j, j->created ? INSERT_SQL : UPDATE_SQL, err);
    if (c == QG_OK)
        c = audit_entry(conn, j, "directory.update", err);
    if (c == QG_OK)
        c = load_entry(conn, j->org_id, j->service, &j->result, err);
    return c;
}

qg_code directory_put(qg_app *app, const qg_actor *actor, int64_t org_id, const char *service,
                      json_t *body, json_t **out, bool *created, qg_error *err)
{
    dir_job j = {.app = app, .actor = actor, .org_id = org_id, .service = service, .body = body};
    *out = NULL;
    *created = false;
    qg_code c = manage_precheck(actor, org_id, service, err);
    if (c == QG_OK)
        c = directory_check_entry(body, err);
    if (c == QG_OK)
        c = writer_run(app->writer, put_in_tx, &j, err);
    if (c == QG_OK) {
        *out = j.result;
        *created = j.created;
    } else {
        json_decref(j.result);
    }
    return c;
}

static qg_code remove_in_tx(db *conn, void *arg, qg_error *err)
{
    dir_job *j = arg;
    int64_t stored = 0;
    qg_code c = need_org(conn, j->org_id, err);
    if (c == QG_OK)
        c = stored_version(conn, j, &stored, err);
    if (c == QG_OK && !stored)
        c = no_entry(err);
    db_stmt *st =
        c == QG_OK
            ? db_prepare(conn, "DELETE FROM org_services WHERE org_id = ? AND service = ?", err)
            : NULL;
    if (st) {
        db_bind_int(st, 1, j->org_id);
        db_bind_text(st, 2, j->service);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    return c == QG_OK ? audit_entry(conn, j, "directory.remove", err) : c;
}

qg_code directory_remove(qg_app *app, const qg_actor *actor, int64_t org_id, const char *service,
                         qg_error *err)
{
    dir_job j = {.app = app, .actor = actor, .org_id = org_id, .service = service};
    qg_code c = manage_precheck(actor, org_id, service, err);
    return c == QG_OK ? writer_run(app->writer, remove_in_tx, &j, err) : c;
}

/* ---- searching ------------------------------------------------------------------------------ */

static qg_code may_read(const qg_actor *actor, qg_error *err)
{
    if (policy_decide(actor, ACT_ORG_LIST, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not read the service directory");
    return QG_OK;
}

/* Does the entry's list under key hold code (or is there no filter)? */
static bool lists(json_t *entry, const char *key, const char *code)
{
    if (!code || !*code)
        return true;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(entry, key), i, item) {
        const char *have = json_string_value(item);
        if (have && strcmp(have, code) == 0)
            return true;
    }
    return false;
}

/* Keeps the entries of list that name the filter's region and sex. */
static void keep_matching(json_t *list, const directory_filter *f)
{
    for (size_t i = json_array_size(list); i-- > 0;) {
        json_t *e = json_array_get(list, i);
        if (!lists(e, "regions", f->region) || !lists(e, "sexes", f->sex))
            json_array_remove(list, i);
    }
}

static qg_code wrap(json_t *list, json_t **out, qg_error *err)
{
    *out = list ? json_pack("{s:o}", "services", list) : NULL;
    if (!list)
        return err->code;
    return *out ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

typedef struct {
    const directory_filter *filter;
    int64_t org_id;
    json_t *list; /* NULL (err filled) on failure; owned until handed on */
} search_read;

/* Selects the entries offering the filter's service at its age (an app_read_fn). */
static qg_code search_entries(db *conn, void *arg, qg_error *err)
{
    search_read *r = arg;
    const directory_filter *f = r->filter;
    const char *service = f->service && *f->service ? f->service : NULL;
    bool by_age = f->age && *f->age;
    int64_t age = by_age ? strtol(f->age, NULL, 10) : 0;
    db_stmt *st = db_prepare(
        conn,
        "SELECT " ENTRY_COLUMNS ENTRY_FROM
        " WHERE (CAST(? AS TEXT) IS NULL OR s.service = ?) AND s.age_min <= ? AND s.age_max >= ?"
        " ORDER BY s.available IS NULL, s.available DESC, o.name, s.id",
        err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, service);
    db_bind_text(st, 2, service);
    db_bind_int(st, 3, by_age ? age : DIRECTORY_AGE_MAX);
    db_bind_int(st, 4, by_age ? age : 0);
    r->list = rows_collect(st, entry_row, err);
    return r->list ? QG_OK : err->code;
}

/* Selects the entries of organisation r->org_id, which must exist (an app_read_fn). */
static qg_code org_entries(db *conn, void *arg, qg_error *err)
{
    search_read *r = arg;
    qg_code c = r->org_id > 0 ? need_org(conn, r->org_id, err) : no_org(err);
    if (c != QG_OK)
        return c;
    db_stmt *st = db_prepare(conn,
                             "SELECT " ENTRY_COLUMNS ENTRY_FROM
                             " WHERE s.org_id = ? ORDER BY s.service",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->org_id);
    r->list = rows_collect(st, entry_row, err);
    return r->list ? QG_OK : err->code;
}

qg_code directory_search(qg_app *app, const qg_actor *actor, const directory_filter *f,
                         json_t **out, qg_error *err)
{
    *out = NULL;
    qg_code c = may_read(actor, err);
    if (c == QG_OK)
        c = directory_check_filter(f, err);
    if (c != QG_OK)
        return c;
    search_read r = {.filter = f};
    app_read(app, search_entries, &r, err);
    if (r.list)
        keep_matching(r.list, f);
    return wrap(r.list, out, err);
}

qg_code directory_org_list(qg_app *app, const qg_actor *actor, int64_t org_id, json_t **out,
                           qg_error *err)
{
    *out = NULL;
    qg_code c = may_read(actor, err);
    if (c != QG_OK)
        return c;
    search_read r = {.org_id = org_id};
    c = app_read(app, org_entries, &r, err);
    return c != QG_OK ? c : wrap(r.list, out, err);
}
