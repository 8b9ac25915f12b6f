/*
 * app_open.h — creating a Qorgau database with its key file, opening it as a running
 * Qorgau (qg_app, core/common/app.h) and closing it. The composition root: it sits
 * above the account room, whose audit trail it sets up.
 */
#ifndef QG_APP_OPEN_H
#define QG_APP_OPEN_H

#include <stdbool.h>

#include "core/common/app.h"

/* Creates a new database and key file (neither may exist), applies the schema and
 * records the key check value. On failure nothing new is left behind, except that on
 * PostgreSQL (db_path a URI: an existing, empty database) a schema that was applied
 * before the key check value failed to be stored stays. */
qg_code app_init_files(const char *db_path, const char *key_path, qg_error *err);

/* Opens an existing database with its key. Refuses (QG_EKEY, saying why) when the key
 * file is missing, unsafe or not this database's. readers is the number of reading
 * connections; threaded selects the group-commit writer thread (the server) or direct
 * writes (the command line); a threaded one, once the key is checked, tries one tiny
 * write (writer_storage_try) so it knows at once whether the disk takes writes.
 * *out is closed with app_close. */
qg_code app_open(const char *db_path, const char *key_path, int readers, bool threaded,
                 qg_app **out, qg_error *err);

/* Closes everything an app holds and wipes its keys. NULL is allowed. */
void app_close(qg_app *app);

#endif
