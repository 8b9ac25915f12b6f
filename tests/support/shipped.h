/*
 * shipped.h — the instruments shipped in instruments/, loaded once for a group of unit
 * tests (cmocka group setup and teardown).
 */
#ifndef QGT_SHIPPED_H
#define QGT_SHIPPED_H

#include "core/instrument/instrument.h"

/* The shipped set while the group runs (between qgt_shipped_load and qgt_shipped_free);
 * owned by this module. */
extern instrument_set *qgt_shipped;

/* cmocka group setup: loads every shipped instrument into qgt_shipped. Returns 0, or -1
 * after printing which file failed and why. */
int qgt_shipped_load(void **state);

/* cmocka group teardown: frees qgt_shipped. Returns 0. */
int qgt_shipped_free(void **state);

#endif
