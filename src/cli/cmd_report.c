/* cmd_report.c — `qorgau report NAME [--from YEAR] [--to YEAR] [--region R]
 * [--format json|csv|xlsx] [--table T] [--out FILE] [--lang kk|ru|en] [--shared] [--k N]`:
 * an aggregate report as the system actor (every organisation), small numbers suppressed
 * with --shared. --out writes a new file (mode 0600, never overwriting one); xlsx needs
 * it. xlsx and csv have labels in --lang (default kk); csv holds one table (--table,
 * default the report's first). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/report/report.h"
#include "core/report/report_xlsx.h"

typedef enum { FORMAT_JSON, FORMAT_CSV, FORMAT_XLSX } out_format;

/* Prints why NAME is refused; the name is repeated only when it is short and plain. */
static int unknown_report(const char *name)
{
    bool plain = strlen(name) <= 32;
    for (const char *p = name; plain && *p; p++)
        plain = isalnum((unsigned char)*p) || *p == '-' || *p == '_';
    if (plain)
        fprintf(stderr, "qorgau report: name: '%s' is not a report", name);
    else
        fprintf(stderr, "qorgau report: name: not a report");
    fprintf(stderr, " (victims, exploitation, regions, age-bands, flows, process)\n");
    return 2;
}

static qg_code parse_year(const cli_args *a, const char *name, int *out, qg_error *err)
{
    long long v = 0;
    const char *text = cli_opt(a, name);
    if (!text)
        return QG_OK;
    qg_code c = cli_int(text, name, 1900, 2100, &v, err);
    *out = (int)v;
    return c;
}

static qg_code parse_format(const cli_args *a, out_format *f, qg_error *err)
{
    const char *text = cli_opt(a, "format");
    *f = FORMAT_JSON;
    if (!text || strcmp(text, "json") == 0)
        return QG_OK;
    if (strcmp(text, "csv") == 0) {
        *f = FORMAT_CSV;
        return QG_OK;
    }
    if (strcmp(text, "xlsx") == 0) {
        *f = FORMAT_XLSX;
        return QG_OK;
    }
    return qg_fail(err, QG_EINVAL, "format", "format.unknown", "must be json, csv or xlsx");
}

/* Fills q and the format from the options. */
static qg_code parse_query(const cli_args *a, report_query *q, out_format *f, qg_error *err)
{
    long long k = 0;
    qg_code c = parse_year(a, "from", &q->from_year, err);
    if (c == QG_OK)
        c = parse_year(a, "to", &q->to_year, err);
    if (c == QG_OK && cli_opt(a, "k"))
        c = cli_int(cli_opt(a, "k"), "k", REPORT_K_MIN, REPORT_K_MAX, &k, err);
    if (c == QG_OK)
        c = parse_format(a, f, err);
    q->k = (int)k;
    q->region = cli_opt(a, "region");
    q->shared = cli_opt(a, "shared") != NULL;
    if (c == QG_OK && *f == FORMAT_XLSX && !cli_opt(a, "out"))
        c = qg_fail(err, QG_EINVAL, "out", "cli.xlsx_needs_file",
                    "xlsx is written to a file: give --out FILE.xlsx");
    if (c == QG_OK && cli_opt(a, "lang") && !report_lang_known(cli_opt(a, "lang")))
        c = qg_fail(err, QG_EINVAL, "lang", "lang.unknown", "must be kk, ru or en");
    if (c == QG_OK) {
        qg_actor system = actor_system();
        c = report_check(&system, q, err);
    }
    return c;
}

static qg_code write_report(const cli_args *a, const report *r, out_format f, FILE *out,
                            qg_error *err)
{
    int rc;
    size_t table = 0;
    if (f == FORMAT_CSV) {
        if (cli_opt(a, "table") && !report_table_find(r, cli_opt(a, "table"), &table))
            return qg_fail(err, QG_EINVAL, "table", "report.unknown_table",
                           "is not a table of this report");
        rc = report_write_csv(r, table, cli_opt(a, "lang"), out);
    } else {
        json_t *j = report_to_json(r);
        if (!j)
            return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        rc = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (rc == 0 && fputc('\n', out) == EOF)
            rc = -1;
        json_decref(j);
    }
    if (rc != 0 || fflush(out) != 0)
        return qg_fail(err, QG_EIO, "out", "file.write_failed", "cannot be written");
    return QG_OK;
}

/* Runs the report into a new XLSX file (--out), refusing an existing one first. */
static int run_xlsx(const cli_args *a, const report_query *q)
{
    qg_error err = {0};
    qg_app *app = NULL;
    report *r = NULL;
    const char *path = cli_opt(a, "out");
    struct stat st;
    qg_code c = lstat(path, &st) == 0 ? qg_fail(&err, QG_ECONFLICT, "out", "file.exists",
                                                "already exists; it is never overwritten")
                                      : cli_open(a, &app, &err);
    qg_actor system = actor_system();
    if (c == QG_OK)
        c = report_run(app, &system, q, &r, &err);
    if (c == QG_OK)
        c = report_write_xlsx(r, path, cli_opt(a, "lang"), &err);
    report_free(r);
    app_close(app);
    return c == QG_OK ? 0 : cli_report("report", &err);
}

static int run_report(const cli_args *a, const report_query *q, out_format f)
{
    if (f == FORMAT_XLSX)
        return run_xlsx(a, q);
    qg_error err = {0};
    qg_app *app = NULL;
    report *r = NULL;
    const char *path = cli_opt(a, "out");
    qg_code c = cli_open(a, &app, &err);
    FILE *out = NULL;
    if (c == QG_OK)
        c = cli_out_open(path, &out, &err);
    qg_actor system = actor_system();
    if (c == QG_OK)
        c = report_run(app, &system, q, &r, &err);
    if (c == QG_OK)
        c = write_report(a, r, f, out, &err);
    c = cli_out_close(path, out, c, &err);
    report_free(r);
    app_close(app);
    return c == QG_OK ? 0 : cli_report("report", &err);
}

int cmd_report(int argc, char **argv)
{
    static const char *const opts[] = {"db", "from", "to",   "region", "format",
                                       "out", "k",   "lang", "table",  NULL};
    static const char *const flags[] = {"shared", NULL};
    cli_args a;
    qg_error err = {0};
    report_query q = {0};
    out_format f;
    if (argc < 1 || argv[0][0] == '-') {
        qg_fail(&err, QG_EINVAL, "name", "cli.arguments",
                "give a report: qorgau report NAME [--options]");
        return cli_report("report", &err);
    }
    if (!report_known(argv[0]))
        return unknown_report(argv[0]);
    q.name = argv[0];
    if (cli_parse(argc - 1, argv + 1, opts, flags, &a, &err) != QG_OK ||
        parse_query(&a, &q, &f, &err) != QG_OK)
        return cli_report("report", &err);
    return run_report(&a, &q, f);
}
