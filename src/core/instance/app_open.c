/* app_open.c — creating, opening and closing a Qorgau database with its key (see
 * app_open.h). */
#include "core/instance/app_open.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/account/audit.h"

#define KEY_CHECK "key_check"
#define THROTTLE_SLOTS 4096

/* The settings used unless the caller changes them (e.g. qorgau serve --session-idle). */
static qg_settings app_default_settings(void)
{
    return (qg_settings){
        .session_idle_s = 30 * 60,
        .session_absolute_s = 12 * 60 * 60,
        .login_per_account = {.max_failures = 5, .window_s = 15 * 60, .block_s = 15 * 60},
        .login_per_address = {.max_failures = 20, .window_s = 15 * 60, .block_s = 15 * 60},
        .reply_per_address = {.max_failures = 10, .window_s = 15 * 60, .block_s = 15 * 60},
        .iin_per_user_hour = 20, /* issue 14: an IIN probe made 794 attempts in 1.4 s */
        .iin_per_org_hour = 100,
        .emergency_grants_per_day = 3, /* issue 15: break-the-glass at once, per supervisor */
    };
}

/* The trail starts with "database.init", so an emptied trail never verifies. */
static qg_code audit_first_entry(db *conn, const qg_keys *keys, qg_error *err)
{
    qg_actor sys = actor_system();
    qg_code c = db_begin(conn, err);
    if (c == QG_OK)
        c = audit_append(conn, keys, &sys, "database.init", NULL, NULL, err);
    if (c != QG_OK) {
        db_rollback(conn);
        return c;
    }
    return db_commit(conn, err);
}

/* Sets *created once the database file is this call's own, so a failure removes only
 * what this call made, never a file someone else put there meanwhile. */
static qg_code write_key_check(const char *db_path, const char *key_path, bool *created,
                               qg_error *err)
{
    qg_keys *keys = NULL;
    db *conn = NULL;
    qg_code c = keyfile_load(key_path, &keys, err);
    if (c == QG_OK)
        c = db_open(db_path, true, &conn, err);
    *created = c == QG_OK;
    if (c == QG_OK)
        c = db_migrate(conn, err);
    if (c == QG_OK) {
        char check[QG_HASH_HEX];
        keys_check_value(keys, check);
        c = db_meta_set(conn, KEY_CHECK, check, err);
    }
    if (c == QG_OK)
        c = audit_first_entry(conn, keys, err);
    db_close(conn);
    keys_free(keys);
    return c;
}

static void remove_db_files(const char *db_path)
{
    char side[QG_PATH_MAX + 8];
    if (db_is_url(db_path)) /* a PostgreSQL schema is never dropped by the program */
        return;
    unlink(db_path);
    snprintf(side, sizeof side, "%s-wal", db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db_path);
    unlink(side);
}

qg_code app_init_files(const char *db_path, const char *key_path, qg_error *err)
{
    if (!db_is_url(db_path) && access(db_path, F_OK) == 0)
        return qg_fail(err, QG_ECONFLICT, "db", "file.exists",
                       "database file already exists; it is never overwritten");
    if (access(key_path, F_OK) == 0)
        return qg_fail(err, QG_ECONFLICT, "key", "file.exists",
                       "key file already exists; it is never overwritten");
    qg_code c = crypto_init(err);
    if (c == QG_OK)
        c = keyfile_create(key_path, err);
    if (c != QG_OK)
        return c;
    bool created = false;
    c = write_key_check(db_path, key_path, &created, err);
    if (c != QG_OK) { /* leave nothing half-made behind */
        if (created)
            remove_db_files(db_path);
        unlink(key_path);
    }
    return c;
}

static qg_code check_key(db *conn, const qg_keys *keys, qg_error *err)
{
    char stored[QG_HASH_HEX + 8], mine[QG_HASH_HEX];
    qg_code c = db_meta_get(conn, KEY_CHECK, stored, sizeof stored, err);
    if (c == QG_ENOTFOUND)
        return qg_fail(err, QG_EKEY, "key", "key.wrong_database",
                       "database has no key check value; was it made by 'qorgau init'?");
    if (c != QG_OK)
        return c;
    keys_check_value(keys, mine);
    if (strlen(stored) != QG_HASH_HEX - 1 || !crypto_equal(stored, mine, QG_HASH_HEX - 1))
        return qg_fail(err, QG_EKEY, "key", "key.wrong_database",
                       "key file does not belong to this database; refusing to start");
    return QG_OK;
}

qg_code app_open(const char *db_path, const char *key_path, int readers, bool threaded,
                 qg_app **out, qg_error *err)
{
    *out = NULL;
    qg_app *app = calloc(1, sizeof *app);
    if (!app)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    app->settings = app_default_settings();
    qg_code c = crypto_init(err);
    if (c == QG_OK)
        c = keyfile_load(key_path, &app->keys, err);
    if (c == QG_OK)
        c = writer_open(db_path, threaded, &app->writer, err);
    if (c == QG_OK)
        c = check_key(writer_conn(app->writer), app->keys, err);
    if (c == QG_OK)
        c = db_migrate(writer_conn(app->writer), err);
    if (c == QG_OK)
        c = db_pool_open(db_path, readers, &app->readers, err);
    if (c == QG_OK && !(app->throttle = throttle_new(THROTTLE_SLOTS)))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c != QG_OK) {
        app_close(app);
        return c;
    }
    *out = app;
    return QG_OK;
}

void app_close(qg_app *app)
{
    if (!app)
        return;
    db_pool_close(app->readers);
    writer_close(app->writer);
    keys_free(app->keys);
    throttle_free(app->throttle);
    free(app);
}
