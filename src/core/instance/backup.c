/* backup.c — a consistent, audited copy of the live database (see backup.h). */
#include "core/instance/backup.h"

#include "core/account/audit.h"
#include "core/account/policy.h"

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *path;
} backup_job;

/* Writes the copy from a reading connection (an app_read_fn; arg: the job). */
static qg_code copy_database(db *conn, void *arg, qg_error *err)
{
    backup_job *j = arg;
    return db_backup(conn, j->path, err);
}

/* Records the copy in the trail (a writer job; arg: the job). */
static qg_code audit_backup(db *conn, void *arg, qg_error *err)
{
    backup_job *j = arg;
    return audit_append(conn, j->app->keys, j->actor, "database.backup", NULL, NULL, err);
}

/* Records the copy in the copy's own trail, for a database that cannot be written: the
 * copy continues the same chain under the same key, so the entry is verifiable there,
 * and it is back in DELETE journal mode (one file) afterwards, as every copy is. */
static qg_code audit_in_copy(backup_job *j, qg_error *err)
{
    writer *w = NULL;
    qg_code c = writer_open(j->path, false, &w, err);
    if (c == QG_OK)
        c = writer_run(w, audit_backup, j, err);
    if (c == QG_OK)
        c = db_exec(writer_conn(w), "PRAGMA journal_mode=DELETE", err);
    writer_close(w);
    return c;
}

qg_code backup_write(qg_app *app, const qg_actor *actor, const char *path, bool *in_copy,
                     qg_error *err)
{
    *in_copy = false;
    if (policy_case_scope(actor) != SCOPE_ALL)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.server_only",
                       "only the command line on the server may back up the database");
    backup_job j = {.app = app, .actor = actor, .path = path};
    qg_code c = app_read(app, copy_database, &j, err);
    if (c != QG_OK)
        return c;
    qg_error live_err = {0}; /* a copy of everything is an export: it goes into the trail */
    c = writer_run(app->writer, audit_backup, &j, &live_err);
    if (c != QG_EUNAVAIL)
        return c == QG_OK ? QG_OK : qg_fail_copy(err, &live_err);
    *in_copy = true; /* a full or read-only disk: the copy is what an administrator needs */
    return audit_in_copy(&j, err);
}
