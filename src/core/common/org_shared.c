/* org_shared.c — validation and look-ups shared by the directory and the agreements
 * register (see org_shared.h). */
#include "core/common/org_shared.h"

#include <string.h>

#include "base/text.h"

/* Does the list hold item before position end? */
static bool seen_before(json_t *list, size_t end, json_t *item)
{
    for (size_t k = 0; k < end; k++)
        if (json_equal(json_array_get(list, k), item))
            return true;
    return false;
}

qg_code org_check_codes(json_t *v, const vocab_list *list, const char *field, qg_error *err)
{
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > list->count)
        return qg_fail(err, QG_EINVAL, field, "list.required",
                       "is required: a list of at least one %s code, each once", list->name);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!vocab_has(list, json_string_value(item)))
            return qg_fail(err, QG_EINVAL, field, "value.not_in_list", "entry %zu is not a %s code",
                           i, list->name);
        if (seen_before(v, i, item))
            return qg_fail(err, QG_EINVAL, field, "list.duplicate",
                           "entry %zu repeats an earlier one", i);
    }
    return QG_OK;
}

static bool is_language(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    bool ok = n == 2 || n == 3;
    for (size_t k = 0; ok && k < n; k++)
        ok = s[k] >= 'a' && s[k] <= 'z';
    return ok;
}

qg_code org_check_languages(json_t *v, size_t max, const char *field, qg_error *err)
{
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > max)
        return qg_fail(err, QG_EINVAL, field, "list.required",
                       "is required: a list of 1 to %zu ISO 639 codes", max);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!is_language(json_string_value(item)))
            return qg_fail(err, QG_EINVAL, field, "language.not_iso639",
                           "entry %zu must be an ISO 639 code such as kk, ru, uz", i);
        if (seen_before(v, i, item))
            return qg_fail(err, QG_EINVAL, field, "list.duplicate",
                           "entry %zu repeats an earlier one", i);
    }
    return QG_OK;
}

qg_code org_check_date(json_t *v, const char *field, qg_error *err)
{
    if (!text_parse_date(json_string_value(v), NULL, NULL, NULL))
        return qg_fail(err, QG_EINVAL, field, "date.format", "must be a date YYYY-MM-DD");
    return QG_OK;
}

qg_code org_find(db *conn, int64_t id, bool *found, qg_error *err)
{
    *found = false;
    db_stmt *st = db_prepare(conn, "SELECT 1 FROM orgs WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, id);
    int rc = db_step(st, err);
    db_done(st);
    *found = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}

json_t *org_ref_json(db *conn, int64_t id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT name FROM orgs WHERE id = ?", err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, id);
    int rc = db_step(st, err);
    json_t *o = rc == 1 ? json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", db_col_text(st, 0))
                        : NULL;
    db_done(st);
    if (!o && rc == 1)
        qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    else if (!o && rc == 0)
        qg_fail(err, QG_EDB, NULL, "storage.failure", "an organisation could not be read");
    return o;
}

qg_code org_require(db *conn, int64_t id, const char *field, qg_error *err)
{
    bool found = false;
    qg_code c = org_find(conn, id, &found, err);
    if (c == QG_OK && !found)
        c = qg_fail(err, QG_EINVAL, field, "org.not_found", "no such organisation");
    return c;
}
