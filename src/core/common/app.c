/* app.c — where a Qorgau database and its key file are, and the one gate for reads
 * (see app.h). */
#include "core/common/app.h"

#include <stdio.h>
#include <stdlib.h>

qg_code app_resolve_paths(const char *explicit_db, char db_path[QG_PATH_MAX],
                          char key_path[QG_PATH_MAX], qg_error *err)
{
    const char *db_name = explicit_db ? explicit_db : getenv("QORGAU_DB");
    if (!db_name || !*db_name)
        db_name = "qorgau.db";
    const char *key = getenv("QORGAU_KEY_FILE");
    if (snprintf(db_path, QG_PATH_MAX, "%s", db_name) >= QG_PATH_MAX)
        return qg_fail(err, QG_EINVAL, "db", "path.too_long", "path is too long");
    if (db_is_url(db_name) && (!key || !*key)) /* a URL has no "beside it" for the key */
        return qg_fail(err, QG_EINVAL, "key", "config.key_file",
                       "a PostgreSQL database needs $QORGAU_KEY_FILE naming its key file");
    int n = key && *key ? snprintf(key_path, QG_PATH_MAX, "%s", key)
                        : snprintf(key_path, QG_PATH_MAX, "%s.key", db_name);
    if (n >= QG_PATH_MAX)
        return qg_fail(err, QG_EINVAL, "key", "path.too_long", "path is too long");
    return QG_OK;
}

qg_code app_read(qg_app *app, app_read_fn fn, void *arg, qg_error *err)
{
    db *conn = db_pool_acquire(app->readers);
    qg_code c = fn(conn, arg, err);
    db_pool_release(app->readers, conn);
    return c;
}

const char *app_storage_state(qg_app *app)
{
    return storage_state_name(writer_storage_probe(app->writer));
}
