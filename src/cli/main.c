/* main.c — the qorgau program: dispatches to a subcommand (a thin front end over the
 * core library, as curl's tool is over libcurl). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"init", cmd_init, "init [--db PATH]            create a database and its key file"},
    {"serve", cmd_serve,
     "serve [--db PATH] [--bind ADDR] [--port N] [--threads N] [--secure-cookies]\n"
     "               [--trusted-proxy ADDR] [--session-idle SECONDS] [--session-max SECONDS]\n"
     "               [--instruments DIR] [--header-timeout SECONDS]\n"
     "               [--max-connections N] [--log-interval SECONDS]\n"
     "               --trusted-proxy: the reverse proxy's numeric address; the last\n"
     "               X-Forwarded-For entry is then the client (256 connections per\n"
     "               address otherwise); request headers must arrive within\n"
     "               --header-timeout (5 s); at most 8192 connections, or fewer as the\n"
     "               open-file limit allows; connection events are logged every\n"
     "               --log-interval (60 s)"},
    {"org", cmd_org, "org add --name N --type T --region R | org list"},
    {"user", cmd_user,
     "user add --org ID --login L --role R | user list | user disable --login L\n"
     "               | user passwd --login L | user confirm --login L"},
    {"audit", cmd_audit, "audit verify | audit list [--after N] [--limit N]"},
    {"backup", cmd_backup, "backup FILE [--db PATH]    consistent copy while the server runs"},
    {"screen", cmd_screen,
     "screen list | screen show ID [--version N] | screen check FILE\n"
     "               | screen score ID [FILE|-] [--version N]\n"
     "               score reads {\"answers\": {...}} and prints the result as JSON;\n"
     "               instruments come from --instruments DIR, $QORGAU_INSTRUMENTS or\n"
     "               the instruments/ directory of the source tree"},
    {"qualify", cmd_qualify,
     "qualify [FILE|-]           check facts {\"acts\", \"means\", \"purposes\",\n"
     "               \"age\", \"prostitution\"} against the definition of trafficking"},
    {"import", cmd_import,
     "import cases FILE.csv --org ID [--db PATH]\n"
     "               all or nothing: every bad row is listed as FILE:LINE: column C: reason\n"
     "               (exit 2) and nothing is stored; columns in docs/import.md"},
    {"export", cmd_export,
     "export cases [--org ID] [--out FILE] [--db PATH]\n"
     "               the same CSV format (stdout by default; --out never overwrites)\n"
     "  qorgau export dataset [--k N] [--format csv|json] [--out FILE] [--from YEAR]\n"
     "               [--to YEAR] [--db PATH]\n"
     "               the anonymised case-level dataset (HTCDS names, k-anonymous,\n"
     "               k = 11 by default); what was removed is printed on stderr"},
    {"report", cmd_report,
     "report NAME [--from YEAR] [--to YEAR] [--region R] [--format json|csv|xlsx]\n"
     "               [--out FILE] [--lang kk|ru|en] [--shared] [--k N] [--db PATH]\n"
     "               xlsx needs --out (a new file; labels in --lang, default kk);\n"
     "               NAME: victims exploitation regions age-bands flows process;\n"
     "               --shared suppresses counts below k (default 5) and enough others\n"
     "               that none can be worked out from the totals"},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static int usage(FILE *to)
{
    fputs("usage: qorgau COMMAND [OPTIONS]\n\n", to);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(to, "  qorgau %s\n", commands[i].usage);
    fputs("\nThe database is --db PATH, else $QORGAU_DB, else ./qorgau.db; its key file is\n"
          "$QORGAU_KEY_FILE, else the database path + \".key\". Passwords are read from stdin.\n"
          "A PostgreSQL database is given as a connection URI instead of a path\n"
          "(--db postgresql://USER@HOST/DBNAME, or postgres://...): 'init' then sets up an\n"
          "existing, empty database, $QORGAU_KEY_FILE must name the key file (there is no\n"
          "file to put it beside), several 'serve' processes may share the database, and\n"
          "backups are made with pg_dump rather than 'qorgau backup'.\n",
          to);
    return to == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0)
        return usage(stdout);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "qorgau: command: '%s' is not a qorgau command\n", argv[1]);
    return usage(stderr);
}
