/*
 * backup.h — a consistent copy of the live database, taken while the server runs, as a
 * service: the copy is written from a reading connection and recorded in the audit
 * trail ("database.backup"), since a copy of everything is an export. `qorgau backup
 * FILE` calls it. The key file is never part of the copy.
 */
#ifndef QG_BACKUP_H
#define QG_BACKUP_H

#include <stdbool.h>

#include "base/err.h"
#include "core/account/actor.h"
#include "core/common/app.h"

/* Copies the database to a new file at path (never overwriting one) and appends
 * "database.backup" to the audit trail. Only an actor who sees every case (the command
 * line on the server) may: QG_EFORBIDDEN otherwise, before anything is read. Returns
 * QG_OK; QG_ECONFLICT when path exists; QG_EINVAL on PostgreSQL (use pg_dump); a storage
 * error otherwise. The trail entry is written only after the copy is complete.
 * When the database cannot be written (a full or read-only disk, QG_EUNAVAIL) the copy
 * is still made, since it is what an administrator needs then, and the entry goes into
 * the copy's own trail instead (the same chain and key): *in_copy is set true. */
qg_code backup_write(qg_app *app, const qg_actor *actor, const char *path, bool *in_copy,
                     qg_error *err);

#endif
