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

qg_code backup_write(qg_app *app, const qg_actor *actor, const char *path, qg_error *err)
{
    if (policy_case_scope(actor) != SCOPE_ALL)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.server_only",
                       "only the command line on the server may back up the database");
    backup_job j = {.app = app, .actor = actor, .path = path};
    qg_code c = app_read(app, copy_database, &j, err);
    if (c == QG_OK) /* a copy of everything is an export: it goes into the trail */
        c = writer_run(app->writer, audit_backup, &j, err);
    return c;
}
