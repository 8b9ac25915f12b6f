/* cmd_ops.c — `qorgau audit ...` and `qorgau backup FILE`: checking the audit trail
 * and taking a consistent copy of a live database. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/account/audit_trail.h"
#include "core/instance/backup.h"

static int audit_verify_cmd(const cli_args *a)
{
    qg_app *app = NULL;
    qg_error err = {0};
    qg_actor sys = actor_system();
    audit_report r;
    if (cli_open(a, &app, &err) != QG_OK || audit_trail_verify(app, &sys, &r, &err) != QG_OK) {
        app_close(app);
        return cli_report("audit verify", &err);
    }
    app_close(app);
    if (r.first_bad) {
        printf("audit trail BROKEN at entry %" PRId64 ": %s (%" PRId64 " entries read)\n",
               r.first_bad, r.reason, r.entries);
        return 1;
    }
    printf("audit trail intact: %" PRId64 " entries\n", r.entries);
    return 0;
}

static int audit_list_cmd(const cli_args *a)
{
    long long after = 0, limit = 100;
    qg_app *app = NULL;
    qg_error err = {0};
    qg_actor sys = actor_system();
    json_t *list = NULL;
    if ((cli_opt(a, "after") &&
         cli_int(cli_opt(a, "after"), "after", 0, INT64_MAX, &after, &err) != QG_OK) ||
        (cli_opt(a, "limit") &&
         cli_int(cli_opt(a, "limit"), "limit", 1, AUDIT_TRAIL_PAGE_MAX, &limit, &err) != QG_OK) ||
        cli_open(a, &app, &err) != QG_OK)
        return cli_report("audit list", &err);
    qg_code c = audit_trail_list(app, &sys, after, (int)limit, &list, &err);
    app_close(app);
    if (c != QG_OK)
        return cli_report("audit list", &err);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        char *line = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
        if (line)
            puts(line);
        free(line);
    }
    json_decref(list);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    static const char *const db_only[] = {"db", NULL};
    static const char *const list_opts[] = {"db", "after", "limit", NULL};
    const char *sub = argc > 0 ? argv[0] : "";
    cli_args a;
    qg_error err = {0};
    bool verify = strcmp(sub, "verify") == 0, list = strcmp(sub, "list") == 0;
    if (!verify && !list) {
        qg_fail(&err, QG_EINVAL, "subcommand", "cli.unknown_subcommand", "must be verify or list");
        return cli_report("audit", &err);
    }
    if (cli_parse(argc - 1, argv + 1, verify ? db_only : list_opts, NULL, &a, &err) != QG_OK)
        return cli_report(verify ? "audit verify" : "audit list", &err);
    return verify ? audit_verify_cmd(&a) : audit_list_cmd(&a);
}

int cmd_backup(int argc, char **argv)
{
    static const char *const db_only[] = {"db", NULL};
    cli_args a;
    qg_app *app = NULL;
    qg_error err = {0};
    if (cli_parse_with_args(argc, argv, db_only, NULL, &a, &err) != QG_OK)
        return cli_report("backup", &err);
    if (a.npos != 1) {
        qg_fail(&err, QG_EINVAL, "file", "cli.arguments", "give exactly one backup file path");
        return cli_report("backup", &err);
    }
    qg_actor sys = actor_system();
    bool in_copy = false;
    qg_code c = cli_open(&a, &app, &err);
    if (c == QG_OK)
        c = backup_write(app, &sys, a.pos[0], &in_copy, &err);
    app_close(app);
    if (c != QG_OK)
        return cli_report("backup", &err);
    printf("backup written to %s (the key file is not in it: keep a copy of the key apart)\n",
           a.pos[0]);
    if (in_copy)
        fprintf(stderr, "qorgau backup: the database cannot be written (full or read-only "
                        "disk): the backup is recorded in the copy's audit trail only\n");
    return 0;
}
