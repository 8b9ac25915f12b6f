/*
 * consent.h — a child's consents: who gave it (the child, a parent, a guardian, another
 * person), for what (services, sharing with a named organisation, inclusion in
 * statistics), when, and which worker recorded it; and its withdrawal. Withdrawing
 * consent to statistics takes the case out of every aggregate from then on
 * (cases.stats_excluded); withdrawing consent to sharing stops any further sharing
 * with that organisation.
 */
#ifndef QG_CONSENT_H
#define QG_CONSENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Inside the caller's transaction: sets *yes when case_id holds a consent for purpose
 * ("services", "sharing", "statistics") that is not withdrawn; for "sharing" it must
 * name organisation org_id (ignored for the other purposes). */
qg_code consent_active(db *conn, int64_t case_id, const char *purpose, int64_t org_id, bool *yes,
                       qg_error *err);

#endif
