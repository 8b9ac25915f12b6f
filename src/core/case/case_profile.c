/* case_profile.c — the coded data collected about a case (see case_profile.h). */
#include "core/case/case_profile.h"

#include <stdio.h>
#include <string.h>

#include "core/common/rows.h"
#include "base/text.h"
#include "core/vocab/vocab.h"

typedef enum { KIND_CODE, KIND_BOOL, KIND_PLACE, KIND_LANGUAGE, KIND_REF } field_kind;

typedef struct {
    const char *name; /* JSON name and column of cases */
    field_kind kind;
    const vocab_list *list; /* KIND_CODE */
} scalar_field;

static const scalar_field scalars[] = {
    {"external_ref", KIND_REF, NULL},
    {"exploitation_place", KIND_PLACE, NULL},
    {"recruitment_method", KIND_CODE, &VOCAB_RECRUITMENT_METHOD},
    {"exit_method", KIND_CODE, &VOCAB_EXIT_METHOD},
    {"relation_to_trafficker", KIND_CODE, &VOCAB_RELATION},
    {"cj_stage", KIND_CODE, &VOCAB_CJ_STAGE},
    {"victim_status", KIND_CODE, &VOCAB_VICTIM_STATUS},
    {"status_decided_by", KIND_CODE, &VOCAB_DECIDING_BODY},
    {"accompaniment", KIND_CODE, &VOCAB_ACCOMPANIMENT},
    {"interpreter_needed", KIND_BOOL, NULL},
    {"interpreter_language", KIND_LANGUAGE, NULL},
    {"non_punishment", KIND_BOOL, NULL},
};
#define SCALAR_COUNT (sizeof scalars / sizeof scalars[0])

static const char *const lists[] = {"exploitation_forms", "services_needed", "traffickers",
                                    "route"};
#define LIST_COUNT (sizeof lists / sizeof lists[0])

static const scalar_field *scalar(const char *key)
{
    for (size_t i = 0; i < SCALAR_COUNT; i++)
        if (strcmp(scalars[i].name, key) == 0)
            return &scalars[i];
    return NULL;
}

bool profile_is_list(const char *key)
{
    for (size_t i = 0; i < LIST_COUNT; i++)
        if (strcmp(lists[i], key) == 0)
            return true;
    return false;
}

bool profile_is_field(const char *key) { return scalar(key) || profile_is_list(key); }

bool profile_is_place(const char *s)
{
    return s && (vocab_has(&VOCAB_REGION, s) || vocab_has(&VOCAB_COUNTRY, s));
}

/* ---- scalar values -------------------------------------------------------------- */

static qg_code check_code(json_t *v, const vocab_list *list, const char *field, qg_error *err)
{
    const char *s = json_string_value(v);
    if (!s || !vocab_has(list, s))
        return qg_fail(err, QG_EINVAL, field, "value.not_in_list", "is not a known %s code",
                       list->name);
    return QG_OK;
}

static bool is_language(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    bool ok = n == 2 || n == 3;
    for (size_t i = 0; ok && i < n; i++)
        ok = s[i] >= 'a' && s[i] <= 'z';
    return ok;
}

/* An external reference: another system's id, never a name. Letters, digits and
 * . _ - / : only, starting with a letter or digit (so it can never be read as a
 * spreadsheet formula). */
static bool is_ref(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > PROFILE_REF_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && (i == 0 || !strchr("._-/:", c)))
            return false;
    }
    return true;
}

static qg_code check_scalar(const scalar_field *f, json_t *v, qg_error *err)
{
    const char *s = json_string_value(v);
    switch (f->kind) {
    case KIND_CODE:
        return check_code(v, f->list, f->name, err);
    case KIND_BOOL:
        return json_is_boolean(v)
                   ? QG_OK
                   : qg_fail(err, QG_EINVAL, f->name, "value.not_boolean", "must be true or false");
    case KIND_PLACE:
        return profile_is_place(s) ? QG_OK
                                   : qg_fail(err, QG_EINVAL, f->name, "place.unknown",
                                             "must be a region code of Kazakhstan or a country code"
                                             " (ISO 3166-1 alpha-2)");
    case KIND_LANGUAGE:
        return is_language(s) ? QG_OK
                              : qg_fail(err, QG_EINVAL, f->name, "language.not_iso639",
                                        "must be an ISO 639 code such as kk, ru, uz");
    case KIND_REF:
        return is_ref(s) ? QG_OK
                         : qg_fail(err, QG_EINVAL, f->name, "reference.format",
                                   "must be 1 to %d letters, digits or . _ - / : starting with a"
                                   " letter or digit",
                                   PROFILE_REF_MAX);
    }
    return qg_fail(err, QG_EINVAL, f->name, "internal.failure", "has an unknown kind");
}

/* ---- list values ----------------------------------------------------------------- */

/* A list of distinct codes of one vocabulary. */
static qg_code check_code_set(json_t *v, const vocab_list *list, const char *field, qg_error *err)
{
    if (!json_is_array(v) || json_array_size(v) > list->count)
        return qg_fail(err, QG_EINVAL, field, "list.not_list", "must be a list of %s codes",
                       list->name);
    size_t i, k;
    json_t *item;
    json_array_foreach(v, i, item) {
        char at[QG_ERR_FIELD_MAX];
        snprintf(at, sizeof at, "%s[%zu]", field, i);
        if (check_code(item, list, at, err) != QG_OK)
            return err->code;
        for (k = 0; k < i; k++)
            if (json_equal(json_array_get(v, k), item))
                return qg_fail(err, QG_EINVAL, at, "list.duplicate", "repeats an earlier entry");
    }
    return QG_OK;
}

typedef qg_code (*member_fn)(const char *key, json_t *v, const char *at, qg_error *err);

/* A list of at most max objects whose members are checked by fn; required (may be
 * NULL) names the members every entry must have. */
static qg_code check_objects(json_t *v, size_t max, member_fn fn, const char *const *required,
                             const char *field, qg_error *err)
{
    if (!json_is_array(v) || json_array_size(v) > max)
        return qg_fail(err, QG_EINVAL, field, "list.too_long",
                       "must be a list of at most %zu entries", max);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char at[QG_ERR_FIELD_MAX], member[QG_ERR_FIELD_MAX];
        snprintf(at, sizeof at, "%s[%zu]", field, i);
        if (!json_is_object(item) || json_object_size(item) == 0)
            return qg_fail(err, QG_EINVAL, at, "body.not_object",
                           "must be an object with at least one field");
        for (const char *const *r = required; r && *r; r++)
            if (!json_object_get(item, *r)) {
                snprintf(member, sizeof member, "%s.%s", at, *r);
                return qg_fail(err, QG_EINVAL, member, "value.required", "is required");
            }
        const char *key;
        json_t *m;
        json_object_foreach(item, key, m) {
            if (fn(key, m, at, err) != QG_OK)
                return err->code;
        }
    }
    return QG_OK;
}

static qg_code unknown_member(const char *at, qg_error *err)
{
    return qg_fail(err, QG_EINVAL, at, "body.unknown_key",
                   "holds a field that does not belong there");
}

static qg_code trafficker_member(const char *key, json_t *v, const char *at, qg_error *err)
{
    static const struct {
        const char *key;
        const vocab_list *list;
    } members[] = {{"sex", &VOCAB_SEX},
                   {"age_band", &VOCAB_AGE_BAND},
                   {"relation", &VOCAB_RELATION},
                   {"role", &VOCAB_TRAFFICKER_ROLE}};
    char field[QG_ERR_FIELD_MAX];
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        if (strcmp(key, members[i].key) != 0)
            continue;
        snprintf(field, sizeof field, "%s.%s", at, key);
        return check_code(v, members[i].list, field, err);
    }
    return unknown_member(at, err);
}

/* A route date: a year, a month or a day (YYYY, YYYY-MM, YYYY-MM-DD), since children
 * often remember no more; not in the future and not before 1990. */
static bool route_date_valid(const char *s)
{
    char full[11], today[11];
    size_t n = s ? strlen(s) : 0;
    if (n != 4 && n != 7 && n != 10)
        return false;
    snprintf(full, sizeof full, "%s%s", s, n == 4 ? "-01-01" : n == 7 ? "-01" : "");
    int y, m, d;
    if (!text_parse_date(full, &y, &m, &d) || y < 1990)
        return false;
    text_today(today);
    return strncmp(s, today, n) <= 0;
}

static qg_code route_member(const char *key, json_t *v, const char *at, qg_error *err)
{
    char field[QG_ERR_FIELD_MAX];
    snprintf(field, sizeof field, "%s.%s", at, key);
    if (strcmp(key, "event") == 0)
        return check_code(v, &VOCAB_ROUTE_EVENT, field, err);
    if (strcmp(key, "place") == 0)
        return profile_is_place(json_string_value(v))
                   ? QG_OK
                   : qg_fail(err, QG_EINVAL, field, "place.unknown",
                             "must be a region code of Kazakhstan or a country code");
    if (strcmp(key, "on") == 0)
        return route_date_valid(json_string_value(v))
                   ? QG_OK
                   : qg_fail(
                         err, QG_EINVAL, field, "date.partial_format",
                         "must be YYYY, YYYY-MM or YYYY-MM-DD, from 1990 and not in the future");
    return unknown_member(at, err);
}

static qg_code check_list(const char *key, json_t *v, qg_error *err)
{
    static const char *const route_required[] = {"event", "place", NULL};
    if (strcmp(key, "exploitation_forms") == 0)
        return check_code_set(v, &VOCAB_EXPLOITATION_FORM, key, err);
    if (strcmp(key, "services_needed") == 0)
        return check_code_set(v, &VOCAB_SERVICE, key, err);
    if (strcmp(key, "traffickers") == 0)
        return check_objects(v, PROFILE_TRAFFICKERS_MAX, trafficker_member, NULL, key, err);
    return check_objects(v, PROFILE_ROUTE_MAX, route_member, route_required, key, err);
}

qg_code profile_check(const char *key, json_t *v, qg_error *err)
{
    if (json_is_null(v))
        return QG_OK;
    const scalar_field *f = scalar(key);
    if (f)
        return check_scalar(f, v, err);
    if (profile_is_list(key))
        return check_list(key, v, err);
    return qg_fail(err, QG_EINVAL, "body", "body.unknown_key",
                   "holds a field that is not a case field");
}

qg_code profile_check_merged(json_t *fields, qg_error *err)
{
    if (json_is_string(json_object_get(fields, "interpreter_language")) &&
        !json_is_true(json_object_get(fields, "interpreter_needed")))
        return qg_fail(err, QG_EINVAL, "interpreter_language", "interpreter.not_needed",
                       "is given only when interpreter_needed is true");
    if (json_is_string(json_object_get(fields, "status_decided_by")) &&
        !json_is_string(json_object_get(fields, "victim_status")))
        return qg_fail(err, QG_EINVAL, "status_decided_by", "victim_status.missing",
                       "is given only with a victim_status");
    return QG_OK;
}

/* ---- storage --------------------------------------------------------------------- */

/* Every SQL text is a literal: db_prepare caches statements by the text's address. */
typedef struct {
    const char *key;
    const char *clear;  /* binds case_id */
    const char *insert; /* binds case_id, n, then the entry's columns */
    const char *select; /* binds case_id */
    const char *const *columns; /* the entry's members, in column order; NULL = a code */
} list_store;

static const char *const trafficker_cols[] = {"sex", "age_band", "relation", "role", NULL};
static const char *const route_cols[] = {"event", "place", "on", NULL};

static const list_store stores[] = {
    {"exploitation_forms", "DELETE FROM case_exploitation WHERE case_id = ?",
     "INSERT INTO case_exploitation (case_id, form) VALUES (?, ?)",
     "SELECT form FROM case_exploitation WHERE case_id = ? ORDER BY form", NULL},
    {"services_needed", "DELETE FROM case_services_needed WHERE case_id = ?",
     "INSERT INTO case_services_needed (case_id, service) VALUES (?, ?)",
     "SELECT service FROM case_services_needed WHERE case_id = ? ORDER BY service", NULL},
    {"traffickers", "DELETE FROM case_traffickers WHERE case_id = ?",
     "INSERT INTO case_traffickers (case_id, n, sex, age_band, relation, role)"
     " VALUES (?, ?, ?, ?, ?, ?)",
     "SELECT sex, age_band, relation, role FROM case_traffickers WHERE case_id = ? ORDER BY n",
     trafficker_cols},
    {"route", "DELETE FROM case_route WHERE case_id = ?",
     "INSERT INTO case_route (case_id, n, event, place, on_date) VALUES (?, ?, ?, ?, ?)",
     "SELECT event, place, on_date FROM case_route WHERE case_id = ? ORDER BY n", route_cols},
};

static qg_code clear_list(db *conn, const list_store *s, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, s->clear, err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    return db_run(st, err);
}

static qg_code insert_entry(db *conn, const list_store *s, int64_t case_id, size_t n, json_t *entry,
                            qg_error *err)
{
    db_stmt *st = db_prepare(conn, s->insert, err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    if (!s->columns) {
        db_bind_text(st, 2, json_string_value(entry));
        return db_run(st, err);
    }
    db_bind_int(st, 2, (int64_t)n + 1);
    for (int i = 0; s->columns[i]; i++)
        db_bind_text(st, 3 + i, json_string_value(json_object_get(entry, s->columns[i])));
    return db_run(st, err);
}

/* Writes list as the stored list of case_id; a new case (fresh) has none to clear. */
static qg_code write_list(db *conn, const list_store *s, int64_t case_id, json_t *list, bool fresh,
                          qg_error *err)
{
    qg_code c = fresh ? QG_OK : clear_list(conn, s, case_id, err);
    size_t i;
    json_t *entry;
    json_array_foreach(list, i, entry) {
        if (c == QG_OK)
            c = insert_entry(conn, s, case_id, i, entry, err);
    }
    return c;
}

static qg_code write_lists(db *conn, int64_t case_id, json_t *fields, bool fresh, qg_error *err)
{
    for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++) {
        json_t *list = json_object_get(fields, stores[i].key);
        if (!list)
            continue;
        qg_code c = write_list(conn, &stores[i], case_id, list, fresh, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

qg_code profile_write_lists(db *conn, int64_t case_id, json_t *fields, qg_error *err)
{
    return write_lists(conn, case_id, fields, false, err);
}

qg_code profile_write_new_lists(db *conn, int64_t case_id, json_t *fields, qg_error *err)
{
    return write_lists(conn, case_id, fields, true, err);
}

static json_t *code_row(db_stmt *st) { return json_string(db_col_text(st, 0)); }

static json_t *object_row_with(db_stmt *st, const char *const *columns)
{
    json_t *o = json_object();
    for (int i = 0; columns[i]; i++)
        if (!db_col_null(st, i))
            json_object_set_new(o, columns[i], json_string(db_col_text(st, i)));
    return o;
}

static json_t *trafficker_row(db_stmt *st) { return object_row_with(st, trafficker_cols); }
static json_t *route_row(db_stmt *st) { return object_row_with(st, route_cols); }

static json_t *read_list(db *conn, const list_store *s, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, s->select, err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    json_t *(*fn)(db_stmt *) = !s->columns                     ? code_row
                               : s->columns == trafficker_cols ? trafficker_row
                                                               : route_row;
    return rows_collect(st, fn, err);
}

qg_code profile_read_lists(db *conn, int64_t case_id, json_t *obj, qg_error *err)
{
    for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++) {
        json_t *list = read_list(conn, &stores[i], case_id, err);
        if (!list)
            return err->code;
        json_object_set_new(obj, stores[i].key, list);
    }
    return QG_OK;
}
