/* cmd_admin.c — `qorgau init`, `qorgau org ...` and `qorgau user ...`: setting up a
 * database and managing organisations and accounts from the server's shell. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/account/account.h"
#include "crypto/crypto.h"

static const char *const db_only[] = {"db", NULL};

int cmd_init(int argc, char **argv)
{
    cli_args a;
    qg_error err = {0};
    char db_path[QG_PATH_MAX], key_path[QG_PATH_MAX];
    if (cli_parse(argc, argv, db_only, NULL, &a, &err) != QG_OK ||
        app_resolve_paths(cli_opt(&a, "db"), db_path, key_path, &err) != QG_OK ||
        app_init_files(db_path, key_path, &err) != QG_OK)
        return cli_report("init", &err);
    if (db_is_url(db_path)) /* a URI may carry a password: never echo it */
        printf("initialised the PostgreSQL database\n");
    else
        printf("created database %s\n", db_path);
    printf("created key file %s (mode 0600) — keep it safe and back it up apart from the "
           "database: without it no personal data can be read\n",
           key_path);
    return 0;
}

/* Opens the app, runs fn, closes. Reports errors. */
static int with_app(const char *name, const cli_args *a,
                    qg_code (*fn)(qg_app *, const cli_args *, qg_error *))
{
    qg_app *app = NULL;
    qg_error err = {0};
    qg_code c = cli_open(a, &app, &err);
    if (c == QG_OK)
        c = fn(app, a, &err);
    app_close(app);
    return c == QG_OK ? 0 : cli_report(name, &err);
}

static qg_code org_add(qg_app *app, const cli_args *a, qg_error *err)
{
    qg_actor sys = actor_system();
    int64_t id = 0;
    qg_code c = org_create(app, &sys, cli_opt(a, "name"), cli_opt(a, "type"), cli_opt(a, "region"),
                           &id, err);
    if (c == QG_OK)
        printf("%" PRId64 "\n", id);
    return c;
}

static qg_code print_list(json_t *list, const char *const *keys, qg_error *err)
{
    if (!list)
        return err->code;
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row) {
        for (const char *const *k = keys; *k; k++) {
            json_t *v = json_object_get(row, *k);
            if (json_is_integer(v))
                printf("%s%" JSON_INTEGER_FORMAT, k == keys ? "" : "\t", json_integer_value(v));
            else if (json_is_boolean(v))
                printf("\t%s", !strcmp(*k, "pending")
                                   ? (json_is_true(v) ? "waiting-for-confirmation" : "confirmed")
                                   : !strcmp(*k, "system_wide")
                                   ? (json_is_true(v) ? "system-wide" : "organisation")
                                   : (json_is_true(v) ? "disabled" : "active"));
            else
                printf("\t%s", json_string_value(v) ? json_string_value(v) : "");
        }
        putchar('\n');
    }
    json_decref(list);
    return QG_OK;
}

static qg_code org_print(qg_app *app, const cli_args *a, qg_error *err)
{
    (void)a;
    qg_actor sys = actor_system();
    static const char *const keys[] = {"id", "type", "region", "name", NULL};
    return print_list(org_list(app, &sys, err), keys, err);
}

int cmd_org(int argc, char **argv)
{
    static const char *const add_opts[] = {"db", "name", "type", "region", NULL};
    const char *sub = argc > 0 ? argv[0] : "";
    cli_args a;
    qg_error err = {0};
    if (strcmp(sub, "add") == 0) {
        if (cli_parse(argc - 1, argv + 1, add_opts, NULL, &a, &err) != QG_OK ||
            !cli_require(&a, "name", &err) || !cli_require(&a, "type", &err) ||
            !cli_require(&a, "region", &err))
            return cli_report("org add", &err);
        return with_app("org add", &a, org_add);
    }
    if (strcmp(sub, "list") == 0) {
        if (cli_parse(argc - 1, argv + 1, db_only, NULL, &a, &err) != QG_OK)
            return cli_report("org list", &err);
        return with_app("org list", &a, org_print);
    }
    qg_fail(&err, QG_EINVAL, "subcommand", "cli.unknown_subcommand", "must be add or list");
    return cli_report("org", &err);
}

static qg_code user_add(qg_app *app, const cli_args *a, qg_error *err)
{
    long long org = 0;
    char password[QG_PASSWORD_MAX + 2];
    qg_code c = cli_int(cli_opt(a, "org"), "org", 1, INT64_MAX, &org, err);
    if (c == QG_OK)
        c = cli_read_password(password, sizeof password, err);
    if (c != QG_OK)
        return c;
    qg_actor sys = actor_system();
    int64_t id = 0;
    c = user_create_scoped(app, &sys, org, cli_opt(a, "login"), cli_opt(a, "role"), password,
                           cli_opt(a, "system-wide") != NULL, &id, err);
    crypto_wipe(password, sizeof password);
    if (c == QG_OK)
        printf("%" PRId64 "\n", id);
    return c;
}

static qg_code user_print(qg_app *app, const cli_args *a, qg_error *err)
{
    (void)a;
    qg_actor sys = actor_system();
    static const char *const keys[] = {"id",       "org_id",  "login",       "role",
                                       "disabled", "pending", "system_wide", NULL};
    return print_list(user_list(app, &sys, err), keys, err);
}

static qg_code user_off(qg_app *app, const cli_args *a, qg_error *err)
{
    qg_actor sys = actor_system();
    return user_disable(app, &sys, cli_opt(a, "login"), err);
}

static qg_code user_pw(qg_app *app, const cli_args *a, qg_error *err)
{
    char password[QG_PASSWORD_MAX + 2];
    qg_code c = cli_read_password(password, sizeof password, err);
    if (c != QG_OK)
        return c;
    qg_actor sys = actor_system();
    c = user_set_password(app, &sys, cli_opt(a, "login"), password, err);
    crypto_wipe(password, sizeof password);
    return c;
}

static qg_code user_ok(qg_app *app, const cli_args *a, qg_error *err)
{
    qg_actor sys = actor_system();
    return user_confirm(app, &sys, cli_opt(a, "login"), err);
}

static int user_sub(const char *name, int argc, char **argv, const char *const *opts,
                    const char *const *required,
                    qg_code (*fn)(qg_app *, const cli_args *, qg_error *))
{
    /* `user add --system-wide`: an admin, auditor or analyst of every organisation */
    static const char *const add_flags[] = {"system-wide", NULL};
    cli_args a;
    qg_error err = {0};
    if (cli_parse(argc, argv, opts, fn == user_add ? add_flags : NULL, &a, &err) != QG_OK)
        return cli_report(name, &err);
    for (const char *const *r = required; *r; r++)
        if (!cli_require(&a, *r, &err))
            return cli_report(name, &err);
    return with_app(name, &a, fn);
}

int cmd_user(int argc, char **argv)
{
    static const char *const add_opts[] = {"db", "org", "login", "role", NULL};
    static const char *const add_req[] = {"org", "login", "role", NULL};
    static const char *const login_opts[] = {"db", "login", NULL};
    static const char *const login_req[] = {"login", NULL};
    static const char *const none[] = {NULL};
    const char *sub = argc > 0 ? argv[0] : "";
    if (strcmp(sub, "add") == 0)
        return user_sub("user add", argc - 1, argv + 1, add_opts, add_req, user_add);
    if (strcmp(sub, "list") == 0)
        return user_sub("user list", argc - 1, argv + 1, db_only, none, user_print);
    if (strcmp(sub, "disable") == 0)
        return user_sub("user disable", argc - 1, argv + 1, login_opts, login_req, user_off);
    if (strcmp(sub, "passwd") == 0)
        return user_sub("user passwd", argc - 1, argv + 1, login_opts, login_req, user_pw);
    if (strcmp(sub, "confirm") == 0)
        return user_sub("user confirm", argc - 1, argv + 1, login_opts, login_req, user_ok);
    qg_error err = {0};
    qg_fail(&err, QG_EINVAL, "subcommand", "cli.unknown_subcommand",
            "must be add, list, disable, passwd or confirm");
    return cli_report("user", &err);
}
