/* referral_snapshot.c — what a referral carries: for each chosen share part its
 * minimum, copied field by field from the case (see referral.h, docs/referrals.md).
 * Nothing is copied wholesale: a field not named here never reaches a referral. */
#include <stdio.h>
#include <string.h>

#include "core/case/case.h"
#include "core/case/case_profile.h"
#include "core/referral/referral.h"
#include "core/common/sealed.h"
#include "core/common/json_text.h"

typedef struct {
    db *conn;
    const qg_keys *keys;
    int64_t case_id;
    json_t *personal; /* decrypted once, when a part needs it */
} snap;

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static json_t *text_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *int_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_integer(db_col_int(st, i));
}

static json_t *flag_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_boolean(db_col_int(st, i) != 0);
}

/* Copies key from src into dst when src has it (a deep copy: src is freed apart). */
static qg_code copy_key(json_t *dst, json_t *src, const char *key, qg_error *err)
{
    json_t *v = json_object_get(src, key);
    if (!v)
        return QG_OK;
    return json_object_set_new(dst, key, json_deep_copy(v)) == 0 ? QG_OK : oom(err);
}

static qg_code load_personal(snap *s, qg_error *err)
{
    return s->personal ? QG_OK
                       : case_personal_load(s->conn, s->keys, s->case_id, &s->personal, err);
}

/* ---- the parts ----------------------------------------------------------------------- */

/* The case's coded fields: never the criminal-justice stage, traffickers, route,
 * external reference or the non-punishment flag. */
static qg_code part_profile(snap *s, json_t **out, qg_error *err)
{
    db_stmt *st =
        db_prepare(s->conn,
                   "SELECT sex, age_at_identification, citizenship, region, accompaniment,"
                   " interpreter_needed, interpreter_language FROM cases WHERE id = ?",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, s->case_id);
    int rc = db_step(st, err);
    if (rc == 1)
        *out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "sex", text_or_null(st, 0),
                         "age_at_identification", int_or_null(st, 1), "citizenship",
                         text_or_null(st, 2), "region", text_or_null(st, 3), "accompaniment",
                         text_or_null(st, 4), "interpreter_needed", flag_or_null(st, 5),
                         "interpreter_language", text_or_null(st, 6));
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code
                      : qg_fail(err, QG_ENOTFOUND, "code", "case.not_found", "no such case");
    if (!*out)
        return oom(err);
    json_t *lists = json_object();
    qg_code c = lists ? profile_read_lists(s->conn, s->case_id, lists, err) : oom(err);
    if (c == QG_OK)
        c = copy_key(*out, lists, "exploitation_forms", err);
    json_decref(lists); /* traffickers and route stay behind */
    return c;
}

static qg_code urgent_needs(snap *s, json_t *list, qg_error *err)
{
    db_stmt *st = db_prepare(
        s->conn, "SELECT DISTINCT need FROM case_needs WHERE case_id = ? ORDER BY need", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, s->case_id);
    int rc;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1)
        if (json_array_append_new(list, json_string(db_col_text(st, 0))) != 0)
            c = oom(err);
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

static qg_code part_needs(snap *s, json_t **out, qg_error *err)
{
    json_t *lists = json_object(), *urgent = json_array();
    *out = json_object();
    qg_code c =
        lists && urgent && *out ? profile_read_lists(s->conn, s->case_id, lists, err) : oom(err);
    if (c == QG_OK)
        c = copy_key(*out, lists, "services_needed", err);
    if (c == QG_OK)
        c = urgent_needs(s, urgent, err);
    if (c == QG_OK)
        c = json_object_set(*out, "urgent_needs", urgent) == 0 ? QG_OK : oom(err);
    json_decref(lists);
    json_decref(urgent);
    return c;
}

/* Copies the named fields of the personal part, those it has. */
static qg_code personal_fields(snap *s, const char *const *names, json_t **out, qg_error *err)
{
    qg_code c = load_personal(s, err);
    if (c == QG_OK && !(*out = json_object()))
        c = oom(err);
    for (; c == QG_OK && *names; names++)
        c = copy_key(*out, s->personal, *names, err);
    return c;
}

static qg_code part_languages(snap *s, json_t **out, qg_error *err)
{
    static const char *const names[] = {"languages", NULL};
    json_t *profile = NULL;
    qg_code c = personal_fields(s, names, out, err);
    if (c == QG_OK)
        c = part_profile(s, &profile, err);
    if (c == QG_OK)
        c = copy_key(*out, profile, "interpreter_needed", err);
    if (c == QG_OK)
        c = copy_key(*out, profile, "interpreter_language", err);
    json_decref(profile);
    return c;
}

/* Names and birth date: never the IIN, never the address (it may be a shelter's, L2452). */
static qg_code part_identity(snap *s, json_t **out, qg_error *err)
{
    static const char *const names[] = {"given_name", "family_name", "patronymic", "birth_date",
                                        NULL};
    return personal_fields(s, names, out, err);
}

/* The child's own phone: never contacts or relatives. */
static qg_code part_contact(snap *s, json_t **out, qg_error *err)
{
    static const char *const names[] = {"phone", NULL};
    return personal_fields(s, names, out, err);
}

/* The newest record of kind that is not withheld: its date, review date, codes and
 * opened text. *found says whether there is one. */
static qg_code newest_form(snap *s, const char *kind, json_t **meta, json_t **text, char on[11],
                           char due[11], bool *found, qg_error *err)
{
    db_stmt *st =
        db_prepare(s->conn,
                   "SELECT n, on_date, due_on, meta, sealed FROM case_records WHERE case_id = ?"
                   " AND kind = ? AND withheld = 0 ORDER BY on_date DESC, n DESC LIMIT 1",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, s->case_id);
    db_bind_text(st, 2, kind);
    int rc = db_step(st, err);
    qg_code c = rc < 0 ? err->code : QG_OK;
    *found = rc == 1;
    if (rc == 1) {
        size_t len = 0;
        const void *blob = db_col_blob(st, 4, &len);
        snprintf(on, 11, "%s", db_col_null(st, 1) ? "" : db_col_text(st, 1));
        snprintf(due, 11, "%s", db_col_null(st, 2) ? "" : db_col_text(st, 2));
        *meta = qg_json_loads(db_col_text(st, 3), 0, NULL);
        c = *meta ? sealed_get(s->keys, s->case_id, kind, db_col_int(st, 0), blob, len, text, err)
                  : qg_fail(err, QG_EDB, "meta", "storage.damaged", "a stored form is damaged");
    }
    db_done(st);
    return c;
}

static json_t *date_or_null(const char *d) { return d[0] ? json_string(d) : json_null(); }

/* The element levels and the summary: never the element notes. */
static qg_code part_assessment(snap *s, json_t **out, qg_error *err)
{
    json_t *meta = NULL, *text = NULL;
    char on[11], due[11];
    bool found = false;
    qg_code c = newest_form(s, "assessment", &meta, &text, on, due, &found, err);
    if (c == QG_OK && !(*out = json_object()))
        c = oom(err);
    if (c == QG_OK && found) {
        json_object_set_new(*out, "assessed_on", date_or_null(on));
        c = copy_key(*out, meta, "levels", err);
        if (c == QG_OK)
            c = copy_key(*out, text, "summary", err);
    }
    json_decref(meta);
    json_decref(text);
    return c;
}

/* What to do if the child's safety is threatened, and the review date: not the
 * workers' analysis of risks, triggers or harm channels. */
static qg_code part_safety_plan(snap *s, json_t **out, qg_error *err)
{
    json_t *meta = NULL, *text = NULL;
    char on[11], due[11];
    bool found = false;
    qg_code c = newest_form(s, "safety_plan", &meta, &text, on, due, &found, err);
    if (c == QG_OK && !(*out = json_object()))
        c = oom(err);
    if (c == QG_OK && found) {
        json_object_set_new(*out, "made_on", date_or_null(on));
        json_object_set_new(*out, "review_on", date_or_null(due));
        c = copy_key(*out, text, "if_threatened", err);
    }
    json_decref(meta);
    json_decref(text);
    return c;
}

typedef qg_code (*part_fn)(snap *s, json_t **out, qg_error *err);

static const struct {
    const char *part;
    part_fn fn;
} builders[] = {
    {"profile", part_profile},   {"needs", part_needs},           {"languages", part_languages},
    {"identity", part_identity}, {"contact", part_contact},       {"assessment", part_assessment},
    {"safety_plan", part_safety_plan},
};

static part_fn builder_of(const char *part)
{
    for (size_t i = 0; part && i < sizeof builders / sizeof *builders; i++)
        if (strcmp(builders[i].part, part) == 0)
            return builders[i].fn;
    return NULL;
}

qg_code referral_snapshot(db *conn, const qg_keys *keys, int64_t case_id, json_t *parts,
                          json_t **out, qg_error *err)
{
    snap s = {.conn = conn, .keys = keys, .case_id = case_id};
    size_t i;
    json_t *p;
    *out = json_object();
    qg_code c = *out ? QG_OK : oom(err);
    json_array_foreach(parts, i, p) {
        part_fn fn = builder_of(json_string_value(p));
        json_t *value = NULL;
        if (c == QG_OK && !fn)
            c = qg_fail(err, QG_EINVAL, "parts", "value.not_in_list",
                        "holds an unknown share_part code");
        if (c == QG_OK)
            c = fn(&s, &value, err);
        if (c == QG_OK && json_object_set_new(*out, json_string_value(p), value) != 0)
            c = oom(err);
        else if (c != QG_OK)
            json_decref(value);
    }
    json_decref(s.personal);
    if (c != QG_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return c;
}
