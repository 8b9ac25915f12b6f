/* grant_lookup.c — whether a break-the-glass grant is active (see grant_lookup.h). */
#include "core/case/grant_lookup.h"

qg_code grant_active(db *conn, int64_t user_id, int64_t case_id, int64_t now, bool *yes,
                     qg_error *err)
{
    *yes = false;
    db_stmt *st = db_prepare(conn,
                             "SELECT 1 FROM access_grants WHERE user_id = ? AND case_id = ?"
                             " AND expires_at > ? AND ended_at IS NULL LIMIT 1",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, case_id);
    db_bind_int(st, 3, now);
    int rc = db_step(st, err);
    db_done(st);
    *yes = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}
