/* cmd_import.c — `qorgau import cases FILE.csv --org ID` and `qorgau export cases
 * [--org ID] [--out FILE]`: cases in and out as CSV (format in core/case_csv.h), with
 * every problem of a refused file listed as FILE:LINE: column COLUMN: reason. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/case/case_import.h"

#define PROGRESS_INTERVAL 0.25 /* seconds between two progress lines on a terminal */

/* Progress on stderr, only when it is a terminal. */
typedef struct {
    bool tty, shown;
    double last;
} progress_line;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(void *ctx, bool storing, size_t done, size_t total)
{
    progress_line *pl = ctx;
    double t = now_seconds();
    if (!pl->tty || (t - pl->last < PROGRESS_INTERVAL && done != total))
        return;
    pl->last = t;
    pl->shown = true;
    if (storing)
        fprintf(stderr, "\rimported %zu of %zu rows (%zu%%)\033[K", done, total,
                total ? done * 100 / total : 100);
    else
        fprintf(stderr, "\rchecked %zu rows\033[K", done);
    fflush(stderr);
}

static void end_progress(progress_line *pl)
{
    if (pl->shown)
        fputc('\n', stderr);
    pl->shown = false;
}

/* Lists every kept problem as FILE:LINE: column COLUMN: reason, then how many more. */
static void print_problems(const char *path, const import_problems *p)
{
    for (size_t i = 0; i < p->listed; i++) {
        const import_problem *q = &p->items[i];
        fprintf(stderr, "%s", path);
        if (q->line)
            fprintf(stderr, ":%zu", q->line);
        if (q->column[0])
            fprintf(stderr, ": column %s", q->column);
        fprintf(stderr, ": %s\n", q->reason);
    }
    if (p->total > p->listed)
        fprintf(stderr, "%s: ... and %zu more problems\n", path, p->total - p->listed);
    fprintf(stderr, "qorgau import cases: %zu problem%s in %s; nothing was imported\n", p->total,
            p->total == 1 ? "" : "s", path);
}

static qg_code parse_org(const cli_args *a, bool required, int64_t *org_id, qg_error *err)
{
    long long v = 0;
    const char *text = required ? cli_require(a, "org", err) : cli_opt(a, "org");
    if (!text)
        return required ? err->code : QG_OK;
    qg_code c = cli_int(text, "org", 1, INT64_MAX, &v, err);
    *org_id = v;
    return c;
}

/* Parses "SUBCOMMAND [ARGS] --options"; the subcommand is "cases" ("export dataset"
 * is dispatched before, to cmd_dataset.c). */
static qg_code parse_cases(const char *command, int argc, char **argv, const char *const *opts,
                           cli_args *a, qg_error *err)
{
    if (argc < 1 || strcmp(argv[0], "cases") != 0)
        return qg_fail(err, QG_EINVAL, "subcommand", "cli.unknown_subcommand",
                       "must be cases%s (qorgau %s cases ...)",
                       strcmp(command, "export") == 0 ? " or dataset" : "", command);
    return cli_parse_with_args(argc - 1, argv + 1, opts, NULL, a, err);
}

static int run_import(const char *path, int64_t org_id, const cli_args *a)
{
    qg_error err = {0};
    qg_app *app = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        qg_fail(&err, QG_EINVAL, "file", "file.read_failed", "cannot be opened: %s",
                strerror(errno));
        return cli_report("import cases", &err);
    }
    qg_code c = cli_open(a, &app, &err);
    import_result result;
    memset(&result, 0, sizeof result);
    progress_line pl = {.tty = isatty(STDERR_FILENO) != 0};
    qg_actor system = actor_system();
    if (c == QG_OK)
        c = case_import_csv(app, &system, f, org_id, show_progress, &pl, &result, &err);
    end_progress(&pl);
    fclose(f);
    app_close(app);
    int status = 0;
    if (c == QG_EINVAL && result.problems.total) {
        print_problems(path, &result.problems);
        status = 2;
    } else if (c != QG_OK) {
        status = cli_report("import cases", &err);
    } else {
        printf("imported %zu cases into organisation %" PRId64 "\n", result.imported, org_id);
    }
    import_problems_free(&result.problems);
    return status;
}

int cmd_import(int argc, char **argv)
{
    static const char *const opts[] = {"db", "org", NULL};
    cli_args a;
    qg_error err = {0};
    int64_t org_id = 0;
    if (parse_cases("import", argc, argv, opts, &a, &err) != QG_OK)
        return cli_report("import", &err);
    if (a.npos != 1)
        qg_fail(&err, QG_EINVAL, "file", "cli.arguments",
                "give exactly one CSV file: qorgau import cases FILE.csv --org ID");
    if (a.npos != 1 || parse_org(&a, true, &org_id, &err) != QG_OK)
        return cli_report("import cases", &err);
    return run_import(a.pos[0], org_id, &a);
}

static int run_export(int64_t org_id, const char *path, const cli_args *a)
{
    qg_error err = {0};
    qg_app *app = NULL;
    size_t count = 0;
    qg_code c = cli_open(a, &app, &err);
    FILE *out = NULL;
    if (c == QG_OK)
        c = cli_out_open(path, &out, &err);
    qg_actor system = actor_system();
    if (c == QG_OK)
        c = case_export_csv(app, &system, org_id, out, &count, &err);
    c = cli_out_close(path, out, c, &err);
    app_close(app);
    if (c != QG_OK)
        return cli_report("export cases", &err);
    if (path)
        printf("exported %zu cases to %s\n", count, path);
    return 0;
}

int cmd_export(int argc, char **argv)
{
    static const char *const opts[] = {"db", "org", "out", NULL};
    cli_args a;
    qg_error err = {0};
    int64_t org_id = 0;
    if (argc >= 1 && strcmp(argv[0], "dataset") == 0)
        return cmd_export_dataset(argc - 1, argv + 1);
    if (parse_cases("export", argc, argv, opts, &a, &err) != QG_OK)
        return cli_report("export", &err);
    if (a.npos != 0)
        qg_fail(&err, QG_EINVAL, "arguments", "cli.arguments",
                "export takes only --options: qorgau export cases [--org ID] [--out FILE]");
    if (a.npos != 0 || parse_org(&a, false, &org_id, &err) != QG_OK)
        return cli_report("export cases", &err);
    return run_export(org_id, cli_opt(&a, "out"), &a);
}
