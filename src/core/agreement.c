/* agreement.c — the agreements register (see agreement.h). */
#include "core/agreement.h"

#include <stdbool.h>
#include <string.h>

/* Does the JSON array text shared hold every code of parts? */
static bool covers(const char *shared, json_t *parts)
{
    json_t *have = json_loads(shared, 0, NULL);
    bool all = json_is_array(have);
    size_t i, k;
    json_t *want, *h;
    json_array_foreach(parts, i, want) {
        bool found = false;
        json_array_foreach(have, k, h) found = found || json_equal(h, want);
        all = all && found;
    }
    json_decref(have);
    return all;
}

qg_code agreement_find_valid(db *conn, int64_t a, int64_t b, const char *on, json_t *parts,
                             int64_t *agreement_id, qg_error *err)
{
    *agreement_id = 0;
    db_stmt *st = db_prepare(conn,
                             "SELECT id, data_shared FROM agreements"
                             " WHERE ((org_a = ? AND org_b = ?) OR (org_a = ? AND org_b = ?))"
                             " AND valid_from <= ? AND valid_to >= ? AND (ended_on IS NULL OR ended_on > ?)"
                             " ORDER BY id DESC",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, a);
    db_bind_int(st, 2, b);
    db_bind_int(st, 3, b);
    db_bind_int(st, 4, a);
    db_bind_text(st, 5, on);
    db_bind_text(st, 6, on);
    db_bind_text(st, 7, on);
    int rc = 0;
    while (!*agreement_id && (rc = db_step(st, err)) == 1)
        if (covers(db_col_text(st, 1), parts))
            *agreement_id = db_col_int(st, 0);
    db_done(st);
    return *agreement_id || rc >= 0 ? QG_OK : err->code;
}
