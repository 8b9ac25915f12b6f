/* cmd_dataset.c — `qorgau export dataset [--k N] [--format csv|json] [--out FILE]
 * [--from YEAR] [--to YEAR]`: the anonymised case-level dataset (core/dataset.h) of
 * every organisation, as the system actor. CSV stays a clean table: the summary of what
 * was generalised and removed goes to stderr as one line of JSON (JSON output carries
 * it as "summary" too). --out writes a new file (mode 0600, never overwriting one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/report/dataset.h"

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

/* Fills q and json (false = csv) from the options. */
static qg_code parse_options(const cli_args *a, dataset_query *q, bool *json, qg_error *err)
{
    long long k = DATASET_K_DEFAULT;
    const char *format = cli_opt(a, "format");
    qg_code c = parse_year(a, "from", &q->from_year, err);
    if (c == QG_OK)
        c = parse_year(a, "to", &q->to_year, err);
    if (c == QG_OK && cli_opt(a, "k"))
        c = cli_int(cli_opt(a, "k"), "k", DATASET_K_MIN, DATASET_K_MAX, &k, err);
    q->k = (int)k;
    *json = format && strcmp(format, "json") == 0;
    if (c == QG_OK && format && !*json && strcmp(format, "csv") != 0)
        c = qg_fail(err, QG_EINVAL, "format", "format.unknown", "must be csv or json");
    if (c == QG_OK) {
        qg_actor system = actor_system();
        c = dataset_check(&system, q, err);
    }
    return c;
}

static qg_code write_dataset(const dataset *d, bool json, FILE *out, qg_error *err)
{
    int rc;
    if (json) {
        json_t *j = dataset_to_json(d);
        if (!j)
            return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        rc = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (rc == 0 && fputc('\n', out) == EOF)
            rc = -1;
        json_decref(j);
    } else {
        rc = dataset_write_csv(d, out);
    }
    if (rc != 0 || fflush(out) != 0)
        return qg_fail(err, QG_EIO, "out", "file.write_failed", "cannot be written");
    return QG_OK;
}

/* Prints the summary as one line of JSON on stderr. */
static void print_summary(const dataset *d)
{
    json_t *s = dataset_summary_json(d);
    char *text = s ? json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        fprintf(stderr, "%s\n", text);
    free(text);
    json_decref(s);
}

static int run(const cli_args *a, const dataset_query *q, bool json)
{
    qg_error err = {0};
    qg_app *app = NULL;
    dataset *d = NULL;
    const char *path = cli_opt(a, "out");
    qg_code c = cli_open(a, &app, &err);
    FILE *out = NULL;
    if (c == QG_OK)
        c = cli_out_open(path, &out, &err);
    qg_actor system = actor_system();
    if (c == QG_OK)
        c = dataset_run(app, &system, q, &d, &err);
    if (c == QG_OK)
        c = write_dataset(d, json, out, &err);
    c = cli_out_close(path, out, c, &err);
    if (c == QG_OK)
        print_summary(d);
    dataset_free(d);
    app_close(app);
    return c == QG_OK ? 0 : cli_report("export dataset", &err);
}

int cmd_export_dataset(int argc, char **argv)
{
    static const char *const opts[] = {"db", "k", "format", "out", "from", "to", NULL};
    cli_args a;
    qg_error err = {0};
    dataset_query q = {0};
    bool json = false;
    if (cli_parse(argc, argv, opts, NULL, &a, &err) != QG_OK ||
        parse_options(&a, &q, &json, &err) != QG_OK)
        return cli_report("export dataset", &err);
    return run(&a, &q, json);
}
