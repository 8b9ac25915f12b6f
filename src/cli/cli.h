/*
 * cli.h — the shared parts of the command line: option parsing, opening the database,
 * reading a password from standard input, and reporting errors with the right exit
 * code (2 for bad input, naming the field; 1 for runtime failures).
 */
#ifndef QG_CLI_H
#define QG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/instance/app_open.h"
#include "base/err.h"

#define CLI_OPTS_MAX 12
#define CLI_POS_MAX 4

typedef struct {
    const char *names[CLI_OPTS_MAX]; /* option names without "--" */
    const char *values[CLI_OPTS_MAX];
    int count;
    const char *pos[CLI_POS_MAX];
    int npos;
} cli_args;

/* Parses argv into options. allowed is a NULL-terminated list of option names that
 * take a value; flags lists options without a value (may be NULL). Returns QG_OK, or
 * QG_EINVAL naming the unknown or incomplete option, or "arguments" for any argument
 * that is not an option (never silently ignored). */
qg_code cli_parse(int argc, char **argv, const char *const *allowed, const char *const *flags,
                  cli_args *out, qg_error *err);

/* As cli_parse, but also accepts up to CLI_POS_MAX positional arguments (into pos). */
qg_code cli_parse_with_args(int argc, char **argv, const char *const *allowed,
                            const char *const *flags, cli_args *out, qg_error *err);

/* Returns the value of option name, or NULL. A flag's value is "1". */
const char *cli_opt(const cli_args *a, const char *name);

/* Returns the value of a required option, or NULL after filling err (QG_EINVAL). */
const char *cli_require(const cli_args *a, const char *name, qg_error *err);

/* Opens the app for the database named by --db / $QORGAU_DB for a one-shot command. */
qg_code cli_open(const cli_args *a, qg_app **app, qg_error *err);

/* Reads one password line from standard input (prompting without echo on a terminal)
 * into out (size bytes). QG_EINVAL (field "password") when missing or too long. */
qg_code cli_read_password(char *out, size_t size, qg_error *err);

/* Prints err to stderr as "qorgau COMMAND: FIELD: MESSAGE [REASON]" and returns the exit
 * status. */
int cli_report(const char *command, const qg_error *err);

/* Parses a positive integer option; QG_EINVAL naming it otherwise. */
qg_code cli_int(const char *text, const char *field, long long lo, long long hi, long long *out,
                qg_error *err);

/* Reads a JSON document from path, or from standard input when path is NULL or "-",
 * at most limit bytes. *out is caller-owned. QG_EINVAL (field "input") when it is not
 * valid JSON, QG_ETOOLARGE when larger, QG_EIO when unreadable. */
qg_code cli_read_json(const char *path, size_t limit, json_t **out, qg_error *err);

/* Prints value as indented JSON on standard output and frees it. */
void cli_print_json(json_t *value);

/* The subcommands. Each returns the process exit status. */
/* Creates path for writing (mode 0600: it may hold case data) and never overwrites an
 * existing file (QG_ECONFLICT naming "out"). Returns the open stream (caller closes) or
 * NULL with err filled. */
FILE *cli_create_out(const char *path, qg_error *err);

/* Opens where a command writes its output: a new file at path (cli_create_out), or
 * stdout when path is NULL. */
qg_code cli_out_open(const char *path, FILE **out, qg_error *err);

/* Finishes what cli_out_open opened: closes a file (a failed close is QG_EIO naming
 * "out") and removes it when c, the outcome of the writing, is not QG_OK, so no
 * half-written file is left behind. Returns the final outcome. */
qg_code cli_out_close(const char *path, FILE *out, qg_code c, qg_error *err);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_qualify(int argc, char **argv);
int cmd_import(int argc, char **argv); /* cmd_import.c: cases from CSV */
int cmd_export(int argc, char **argv); /* cmd_import.c: cases to CSV */
int cmd_export_dataset(int argc, char **argv); /* cmd_dataset.c: anonymised dataset */
int cmd_report(int argc, char **argv); /* cmd_report.c: aggregate reports */

#endif
