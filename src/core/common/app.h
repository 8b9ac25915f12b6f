/*
 * app.h — one running Qorgau: its database (a pool of reading connections and the
 * single writer), its keys, its throttles and its settings. The server and the
 * command line both open one (core/instance/app_open.h) and pass it to every service.
 * Here: the type, where its files are, and app_read, the one gate for reads.
 */
#ifndef QG_APP_H
#define QG_APP_H

#include <stdbool.h>

#include "base/err.h"
#include "base/throttle.h"
#include "crypto/crypto.h"
#include "store/db.h"
#include "store/writer.h"

#define QG_PATH_MAX 4096

typedef struct {
    int session_idle_s;     /* a session unused this long ends */
    int session_absolute_s; /* a session ends this long after login, used or not */
    throttle_rule login_per_account;
    throttle_rule login_per_address;
    throttle_rule reply_per_address; /* wrong reply codes (referral sheets) per client */
    int iin_per_user_hour; /* cases created with an IIN (or IINs changed) by one user an hour */
    int iin_per_org_hour;  /* ... by all the users of one organisation an hour */
    int emergency_grants_per_day; /* emergency break-the-glass accesses per supervisor, 24 h */
} qg_settings;

struct instrument_set;

typedef struct {
    db_pool *readers;
    writer *writer;
    qg_keys *keys;
    throttle *throttle;
    qg_settings settings;
    const struct instrument_set *instruments; /* set by the server; not owned */
} qg_app;

/* Resolves the database path (explicit, else $QORGAU_DB, else ./qorgau.db) and the key
 * path ($QORGAU_KEY_FILE, else the database path + ".key") into caller buffers of
 * QG_PATH_MAX bytes. A PostgreSQL URI has nothing beside it, so with one
 * $QORGAU_KEY_FILE is required. Returns QG_EINVAL (field "db" or "key") when a path
 * is too long, or field "key" when a URI comes without $QORGAU_KEY_FILE. */
qg_code app_resolve_paths(const char *explicit_db, char db_path[QG_PATH_MAX],
                          char key_path[QG_PATH_MAX], qg_error *err);

/* A read of the database: runs on a reading connection, returns a qg_code. */
typedef qg_code (*app_read_fn)(db *conn, void *arg, qg_error *err);

/* The one gate for reads, twin of writer_run: takes a reading connection from the pool,
 * runs fn(conn, arg, err) on it and gives the connection back whatever fn returns.
 * Returns fn's result. fn must not keep conn or any statement of it after it returns.
 * Every service read goes through here; every write through writer_run. */
qg_code app_read(qg_app *app, app_read_fn fn, void *arg, qg_error *err);

#endif
