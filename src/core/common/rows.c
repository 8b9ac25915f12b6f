/* rows.c — query rows into a JSON array, all or nothing (see rows.h). */
#include "core/common/rows.h"

json_t *rows_collect(db_stmt *st, json_t *(*row_fn)(db_stmt *), qg_error *err)
{
    json_t *list = json_array();
    int rc = list ? 0 : -1;
    while (list && (rc = db_step(st, err)) == 1) {
        json_t *row = row_fn(st);
        if (!row || json_array_append_new(list, row) != 0) {
            rc = -2;
            break;
        }
    }
    db_done(st);
    if (rc == 0)
        return list;
    json_decref(list);
    if (!list || rc == -2) /* a row that could not be made or kept: out of memory */
        qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return NULL;
}

qg_code rows_next_number(db *conn, const char *sql, int64_t case_id, const char *kind, int64_t *n,
                         qg_error *err)
{
    db_stmt *st = db_prepare(conn, sql, err);
    *n = 0;
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    if (kind)
        db_bind_text(st, 2, kind);
    int rc = db_step(st, err);
    if (rc == 1)
        *n = db_col_int(st, 0);
    db_done(st);
    return rc == 1  ? QG_OK
           : rc < 0 ? err->code
                    : qg_fail(err, QG_EDB, NULL, "storage.failure", "no row");
}
