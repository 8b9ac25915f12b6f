/*
 * agreement.h — the register of cooperation and data-sharing agreements between
 * organisations (Module 3 of the manual: a data-sharing agreement states the purpose,
 * the protections, who may use the data and how a person can complain). Kazakhstan has
 * no national referral mechanism (L2166, L2641): organisations refer children on the
 * strength of such agreements, so a referral needs a valid one.
 */
#ifndef QG_AGREEMENT_H
#define QG_AGREEMENT_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Inside the caller's transaction: looks for an agreement between organisations a and
 * b (either way round), valid on the date on (YYYY-MM-DD: from valid_from to valid_to,
 * not ended), whose shared data covers every share_part code in parts (a JSON array).
 * Sets *agreement_id to the newest such agreement, or 0 when there is none. */
qg_code agreement_find_valid(db *conn, int64_t a, int64_t b, const char *on, json_t *parts,
                             int64_t *agreement_id, qg_error *err);

#endif
