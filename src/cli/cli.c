/* cli.c — option parsing, opening the database, passwords and error reporting for the
 * subcommands (see cli.h). */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/crypto.h"

static bool in_list(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

static qg_code add_opt(cli_args *out, const char *name, const char *value, qg_error *err)
{
    if (out->count == CLI_OPTS_MAX)
        return qg_fail(err, QG_EINVAL, name, "cli.too_many_options", "too many options");
    for (int i = 0; i < out->count; i++)
        if (strcmp(out->names[i], name) == 0)
            return qg_fail(err, QG_EINVAL, name, "cli.option_twice", "is given twice");
    out->names[out->count] = name;
    out->values[out->count++] = value;
    return QG_OK;
}

/* Parses argv, accepting at most max_pos positional arguments. */
static qg_code parse_args(int argc, char **argv, const char *const *allowed,
                          const char *const *flags, int max_pos, cli_args *out, qg_error *err)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            if (max_pos == 0) /* e.g. an unquoted value with a space: never drop it silently */
                return qg_fail(err, QG_EINVAL, "arguments", "cli.options_only",
                               "this command takes only --options; quote values that hold spaces");
            if (out->npos == max_pos)
                return qg_fail(err, QG_EINVAL, "arguments", "cli.too_many_arguments",
                               "too many arguments");
            out->pos[out->npos++] = arg;
            continue;
        }
        const char *name = arg + 2;
        qg_code c;
        if (in_list(flags, name))
            c = add_opt(out, name, "1", err);
        else if (!in_list(allowed, name))
            return qg_fail(err, QG_EINVAL, name, "cli.unknown_option",
                           "is not an option of this command");
        else if (i + 1 >= argc)
            return qg_fail(err, QG_EINVAL, name, "cli.option_needs_value", "needs a value");
        else
            c = add_opt(out, name, argv[++i], err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

qg_code cli_parse(int argc, char **argv, const char *const *allowed, const char *const *flags,
                  cli_args *out, qg_error *err)
{
    return parse_args(argc, argv, allowed, flags, 0, out, err);
}

qg_code cli_parse_with_args(int argc, char **argv, const char *const *allowed,
                            const char *const *flags, cli_args *out, qg_error *err)
{
    return parse_args(argc, argv, allowed, flags, CLI_POS_MAX, out, err);
}

const char *cli_opt(const cli_args *a, const char *name)
{
    for (int i = 0; i < a->count; i++)
        if (strcmp(a->names[i], name) == 0)
            return a->values[i];
    return NULL;
}

const char *cli_require(const cli_args *a, const char *name, qg_error *err)
{
    const char *v = cli_opt(a, name);
    if (!v || !*v)
        qg_fail(err, QG_EINVAL, name, "value.required", "is required");
    return v && *v ? v : NULL;
}

qg_code cli_open(const cli_args *a, qg_app **app, qg_error *err)
{
    char db_path[QG_PATH_MAX], key_path[QG_PATH_MAX];
    qg_code c = app_resolve_paths(cli_opt(a, "db"), db_path, key_path, err);
    if (c != QG_OK)
        return c;
    return app_open(db_path, key_path, 1, false, app, err);
}

static void set_echo(bool on)
{
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) != 0)
        return;
    if (on)
        t.c_lflag |= ECHO;
    else
        t.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

qg_code cli_read_password(char *out, size_t size, qg_error *err)
{
    bool tty = isatty(STDIN_FILENO);
    if (tty) {
        fputs("Password (at least 12 characters): ", stderr);
        set_echo(false);
    }
    char *line = fgets(out, (int)size, stdin);
    if (tty) {
        set_echo(true);
        fputc('\n', stderr);
    }
    if (!line)
        return qg_fail(err, QG_EINVAL, "password", "password.stdin",
                       "must be given on standard input");
    size_t n = strcspn(out, "\n");
    if (out[n] != '\n' && !feof(stdin))
        return qg_fail(err, QG_EINVAL, "password", "password.too_long", "is longer than %d bytes",
                       QG_PASSWORD_MAX);
    out[n] = '\0';
    if (n > 0 && out[n - 1] == '\r')
        out[n - 1] = '\0';
    return QG_OK;
}

int cli_report(const char *command, const qg_error *err)
{
    if (err->field[0])
        fprintf(stderr, "qorgau %s: %s: %s [%s]\n", command, err->field, err->message,
                qg_error_reason(err));
    else
        fprintf(stderr, "qorgau %s: %s [%s]\n", command, err->message, qg_error_reason(err));
    return qg_code_exit_status(err->code);
}

qg_code cli_int(const char *text, const char *field, long long lo, long long hi, long long *out,
                qg_error *err)
{
    char *end = NULL;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || !*text || errno || *end || v < lo || v > hi)
        return qg_fail(err, QG_EINVAL, field, "number.out_of_range",
                       "must be a whole number from %lld to %lld", lo, hi);
    *out = v;
    return QG_OK;
}

qg_code cli_read_json(const char *path, size_t limit, json_t **out, qg_error *err)
{
    *out = NULL;
    bool from_stdin = !path || strcmp(path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return qg_fail(err, QG_EIO, "input", "file.read_failed", "cannot be read");
    char *buf = malloc(limit + 1);
    size_t n = buf ? fread(buf, 1, limit + 1, f) : 0;
    bool failed = ferror(f) != 0;
    if (!from_stdin)
        fclose(f);
    qg_code c = QG_OK;
    if (!buf)
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    else if (failed)
        c = qg_fail(err, QG_EIO, "input", "file.read_failed", "cannot be read");
    else if (n > limit)
        c = qg_fail(err, QG_ETOOLARGE, "input", "value.too_large", "is larger than %zu bytes",
                    limit);
    else if (!(*out = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL)))
        c = qg_fail(err, QG_EINVAL, "input", "json.malformed", "is not valid JSON");
    free(buf);
    return c;
}

void cli_print_json(json_t *value)
{
    char *text =
        value ? json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
              : NULL;
    if (text)
        puts(text);
    free(text);
    json_decref(value);
}

FILE *cli_create_out(const char *path, qg_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f && fd >= 0) {
        close(fd);
        unlink(path);
    }
    if (!f && errno == EEXIST)
        qg_fail(err, QG_ECONFLICT, "out", "file.exists", "already exists; it is never overwritten");
    else if (!f)
        qg_fail(err, QG_EIO, "out", "file.create_failed", "cannot be created: %s", strerror(errno));
    return f;
}

qg_code cli_out_open(const char *path, FILE **out, qg_error *err)
{
    *out = path ? cli_create_out(path, err) : stdout;
    return *out ? QG_OK : err->code;
}

qg_code cli_out_close(const char *path, FILE *out, qg_code c, qg_error *err)
{
    if (!path || !out)
        return c;
    if (fclose(out) != 0 && c == QG_OK)
        c = qg_fail(err, QG_EIO, "out", "file.write_failed", "cannot be written");
    if (c != QG_OK)
        unlink(path); /* no half-written file is left behind */
    return c;
}
