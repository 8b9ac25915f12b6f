/* consent.c — consents and their withdrawal (see consent.h). */
#include "core/consent.h"

#include <string.h>

qg_code consent_active(db *conn, int64_t case_id, const char *purpose, int64_t org_id, bool *yes,
                       qg_error *err)
{
    *yes = false;
    db_stmt *st = db_prepare(conn,
                             "SELECT 1 FROM consents WHERE case_id = ? AND purpose = ? AND withdrawn_on IS NULL"
                             " AND (? = 0 OR org_id = ?) LIMIT 1",
                             err);
    if (!st)
        return err->code;
    int64_t org = strcmp(purpose, "sharing") == 0 ? org_id : 0;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, purpose);
    db_bind_int(st, 3, org);
    db_bind_int(st, 4, org);
    int rc = db_step(st, err);
    db_done(st);
    *yes = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}
