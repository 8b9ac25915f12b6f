/*
 * grant_lookup.h — whether a break-the-glass grant (grant.h) is active: the one
 * question that finding a case (case_load.c) asks of the grants, kept apart from taking
 * and ending grants, which themselves find cases.
 */
#ifndef QG_GRANT_LOOKUP_H
#define QG_GRANT_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

/* Inside the caller's transaction: sets *yes when user_id holds a grant on case_id that
 * has not expired by now (Unix seconds) and was not ended. */
qg_code grant_active(db *conn, int64_t user_id, int64_t case_id, int64_t now, bool *yes,
                     qg_error *err);

#endif
