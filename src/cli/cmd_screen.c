/* cmd_screen.c — `qorgau screen ...` (list, show, check and score instruments, no
 * database needed) and `qorgau qualify` (the legal-qualification helper). Both read
 * JSON from a file or standard input and print JSON; bad input exits 2 naming the
 * field. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/instrument/instrument.h"
#include "core/instrument/qualify.h"

#define INPUT_MAX (256 * 1024)

static qg_code load_set(const cli_args *a, instrument_set **set, qg_error *err)
{
    char file[256] = "";
    qg_code c =
        instrument_set_load(instrument_dir(cli_opt(a, "instruments")), set, file, sizeof file, err);
    if (c != QG_OK && file[0])
        fprintf(stderr, "qorgau: in instrument file %s:\n", file);
    return c;
}

static qg_code find(const cli_args *a, const instrument_set *set, const instrument **out,
                    qg_error *err)
{
    long long version = 0;
    if (cli_opt(a, "version") &&
        cli_int(cli_opt(a, "version"), "version", 1, 9999, &version, err) != QG_OK)
        return QG_EINVAL;
    *out = a->npos > 0 ? instrument_find(set, a->pos[0], (int)version) : NULL;
    if (!*out && a->npos == 0)
        return qg_fail(err, QG_EINVAL, "instrument", "value.required", "name the instrument");
    if (!*out)
        return qg_fail(err, QG_ENOTFOUND, "instrument", "instrument.not_found",
                       "no such instrument or version (see qorgau screen list)");
    return QG_OK;
}

static int screen_list(const cli_args *a, qg_error *err)
{
    instrument_set *set;
    if (load_set(a, &set, err) != QG_OK)
        return cli_report("screen list", err);
    json_t *list = instrument_set_list(set);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(list, "instruments"), i, e) {
        printf("%-20s v%-3d %-11s %s\n", json_string_value(json_object_get(e, "id")),
               (int)json_integer_value(json_object_get(e, "version")),
               json_string_value(json_object_get(e, "kind")),
               json_string_value(json_object_get(json_object_get(e, "title"), "en")));
    }
    json_decref(list);
    instrument_set_free(set);
    return 0;
}

static int screen_show(const cli_args *a, qg_error *err)
{
    instrument_set *set;
    const instrument *inst;
    if (load_set(a, &set, err) != QG_OK)
        return cli_report("screen show", err);
    if (find(a, set, &inst, err) != QG_OK) {
        instrument_set_free(set);
        return cli_report("screen show", err);
    }
    cli_print_json(instrument_definition(inst));
    instrument_set_free(set);
    return 0;
}

static int screen_check(const cli_args *a, qg_error *err)
{
    instrument *inst;
    if (a->npos != 1)
        return cli_report("screen check",
                          &(qg_error){QG_EINVAL, "arguments", "give one instrument file"});
    if (instrument_load_file(a->pos[0], &inst, err) != QG_OK)
        return cli_report("screen check", err);
    printf("%s: %s version %d is valid\n", a->pos[0], instrument_id(inst),
           instrument_version(inst));
    instrument_free(inst);
    return 0;
}

/* Reads {"answers": {...}} from the second positional argument (or stdin). */
static qg_code read_answers(const cli_args *a, json_t **doc, qg_error *err)
{
    if (a->npos > 2)
        return qg_fail(err, QG_EINVAL, "arguments", "cli.arguments",
                       "give the instrument and at most one file");
    qg_code c = cli_read_json(a->npos == 2 ? a->pos[1] : NULL, INPUT_MAX, doc, err);
    if (c != QG_OK)
        return c;
    if (!json_is_object(*doc) || !json_object_get(*doc, "answers"))
        return qg_fail(err, QG_EINVAL, "answers", "body.shape",
                       "input must be {\"answers\": {...}}");
    if (json_object_size(*doc) != 1)
        return qg_fail(err, QG_EINVAL, "body", "body.unknown_key",
                       "has a key other than \"answers\"");
    return QG_OK;
}

static int screen_score(const cli_args *a, qg_error *err)
{
    instrument_set *set = NULL;
    const instrument *inst;
    json_t *doc = NULL, *result = NULL;
    qg_code c = load_set(a, &set, err);
    if (c == QG_OK)
        c = find(a, set, &inst, err);
    if (c == QG_OK)
        c = read_answers(a, &doc, err);
    if (c == QG_OK)
        c = instrument_score(inst, json_object_get(doc, "answers"), &result, err);
    json_decref(doc);
    instrument_set_free(set);
    if (c != QG_OK)
        return cli_report("screen score", err);
    cli_print_json(result);
    return 0;
}

int cmd_screen(int argc, char **argv)
{
    static const char *const opts[] = {"instruments", "version", NULL};
    const char *sub = argc > 0 ? argv[0] : "";
    cli_args a;
    qg_error err = {0};
    if (cli_parse_with_args(argc - (argc > 0), argv + (argc > 0), opts, NULL, &a, &err) != QG_OK)
        return cli_report("screen", &err);
    if (strcmp(sub, "list") == 0)
        return screen_list(&a, &err);
    if (strcmp(sub, "show") == 0)
        return screen_show(&a, &err);
    if (strcmp(sub, "check") == 0)
        return screen_check(&a, &err);
    if (strcmp(sub, "score") == 0)
        return screen_score(&a, &err);
    fputs("usage: qorgau screen list | show ID | check FILE | score ID [FILE|-]\n", stderr);
    return 2;
}

int cmd_qualify(int argc, char **argv)
{
    cli_args a;
    qg_error err = {0};
    json_t *facts = NULL, *answer = NULL;
    qg_code c = cli_parse_with_args(argc, argv, (const char *const[]){NULL}, NULL, &a, &err);
    if (c == QG_OK && a.npos > 1)
        c = qg_fail(&err, QG_EINVAL, "arguments", "cli.arguments", "give at most one file");
    if (c == QG_OK)
        c = cli_read_json(a.npos == 1 ? a.pos[0] : NULL, INPUT_MAX, &facts, &err);
    if (c == QG_OK)
        c = qualify_facts(facts, &answer, &err);
    json_decref(facts);
    if (c != QG_OK)
        return cli_report("qualify", &err);
    cli_print_json(answer);
    return 0;
}
