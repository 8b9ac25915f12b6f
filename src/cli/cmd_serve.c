/* cmd_serve.c — `qorgau serve`: opens the database with its key, starts the HTTP
 * server on the JSON API and the web interface (--web DIR, else $QORGAU_WEB, else
 * the source tree's web/) and runs until SIGINT or SIGTERM. Logs only start, stop and
 * failures: never requests, paths, bodies or anything personal.
 *
 * --trusted-proxy ADDR names the one reverse proxy (e.g. the TLS terminator of a
 * --secure-cookies deployment) whose X-Forwarded-For is believed: for connections
 * from exactly ADDR the client address, which failed logins are throttled by, is the
 * header's last entry. Every client then connects from ADDR, so the per-address
 * connection limit is off.
 *
 * Floods (docs/security.md, "Connection floods"): the process raises its open-file limit
 * to the hard limit and allows as many connections as that leaves room for (at most
 * HTTP_MAX_CONNECTIONS, fewer with --max-connections N); a request's headers must be
 * complete within --header-timeout S seconds (HTTP_HEADER_TIMEOUT_S); connection
 * events are logged once per --log-interval S seconds (HTTP_LOG_INTERVAL_S).
 *
 * Before anything else the process forbids core dumps (RLIMIT_CORE 0, soft and hard)
 * and makes itself not dumpable (PR_SET_DUMPABLE 0), so a crash never writes the
 * decrypted personal data and keys in its memory to disk, and no other process of the
 * same user may read its memory (/proc/PID/mem, ptrace) without CAP_SYS_PTRACE. When
 * either call fails the server does not start. */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/case/case_search.h"
#include "core/instrument/instrument.h"
#include "http/http.h"

#define MAX_BODY (256 * 1024)
#define DEFAULT_THREADS 4
#define IDLE_TIMEOUT_S 30
#define FD_RESERVE 256 /* descriptors kept for the database, web files, libmicrohttpd */
#define MIN_CONNECTIONS 16

/* --trusted-proxy must be one numeric IPv4 or IPv6 address. */
static qg_code check_proxy(const char *addr, qg_error *err)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (!addr || inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1)
        return QG_OK;
    return qg_fail(err, QG_EINVAL, "trusted-proxy", "config.address",
                   "must be one numeric IPv4 or IPv6 address");
}

/* Raises the soft open-file limit to the hard one and returns how many connections the
 * limit leaves room for (at most HTTP_MAX_CONNECTIONS, at least MIN_CONNECTIONS). */
static unsigned connection_room(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return MIN_CONNECTIONS;
    if (lim.rlim_cur < lim.rlim_max) {
        struct rlimit raised = {.rlim_cur = lim.rlim_max, .rlim_max = lim.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            lim.rlim_cur = lim.rlim_max;
    }
    if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= HTTP_MAX_CONNECTIONS + FD_RESERVE)
        return HTTP_MAX_CONNECTIONS;
    if (lim.rlim_cur < MIN_CONNECTIONS + FD_RESERVE)
        return MIN_CONNECTIONS;
    return (unsigned)(lim.rlim_cur - FD_RESERVE);
}

/* --header-timeout, --log-interval and --max-connections (see the top of the file). */
static qg_code flood_config(const cli_args *a, http_config *cfg, qg_error *err)
{
    long long v;
    cfg->max_connections = connection_room();
    if (cli_opt(a, "max-connections")) {
        if (cli_int(cli_opt(a, "max-connections"), "max-connections", MIN_CONNECTIONS,
                    HTTP_MAX_CONNECTIONS, &v, err) != QG_OK)
            return err->code;
        if ((unsigned)v < cfg->max_connections)
            cfg->max_connections = (unsigned)v;
    }
    if (cli_opt(a, "header-timeout")) {
        if (cli_int(cli_opt(a, "header-timeout"), "header-timeout", 1, 300, &v, err) != QG_OK)
            return err->code;
        cfg->header_timeout_s = (unsigned)v;
    }
    if (cli_opt(a, "log-interval")) {
        if (cli_int(cli_opt(a, "log-interval"), "log-interval", 1, 3600, &v, err) != QG_OK)
            return err->code;
        cfg->log_interval_s = (unsigned)v;
    }
    return QG_OK;
}

static qg_code serve_config(const cli_args *a, http_config *cfg, qg_error *err)
{
    long long port = 8080, threads = DEFAULT_THREADS;
    qg_code c = QG_OK;
    if (cli_opt(a, "port"))
        c = cli_int(cli_opt(a, "port"), "port", 0, 65535, &port, err);
    if (c == QG_OK && cli_opt(a, "threads"))
        c = cli_int(cli_opt(a, "threads"), "threads", 1, 64, &threads, err);
    if (c == QG_OK)
        c = check_proxy(cli_opt(a, "trusted-proxy"), err);
    *cfg = (http_config){.bind_addr = cli_opt(a, "bind") ? cli_opt(a, "bind") : "127.0.0.1",
                         .port = (unsigned)port, .threads = (unsigned)threads,
                         .max_body = MAX_BODY, .timeout_s = IDLE_TIMEOUT_S,
                         .trusted_proxy = cli_opt(a, "trusted-proxy")};
    if (c == QG_OK)
        c = flood_config(a, cfg, err);
    return c;
}

/* --session-idle and --session-max override the session lifetimes (seconds). */
static qg_code session_settings(const cli_args *a, qg_settings *s, qg_error *err)
{
    long long v;
    if (cli_opt(a, "session-idle")) {
        if (cli_int(cli_opt(a, "session-idle"), "session-idle", 1, 7 * 24 * 3600, &v, err) != QG_OK)
            return err->code;
        s->session_idle_s = (int)v;
    }
    if (cli_opt(a, "session-max")) {
        if (cli_int(cli_opt(a, "session-max"), "session-max", 1, 30 * 24 * 3600, &v, err) != QG_OK)
            return err->code;
        s->session_absolute_s = (int)v;
    }
    return QG_OK;
}

/* --iin-per-user-hour and --iin-per-org-hour override the limits on creating cases with an
 * IIN (docs/security.md, "The IIN check cannot be farmed"). */
static qg_code iin_settings(const cli_args *a, qg_settings *s, qg_error *err)
{
    long long v;
    if (cli_opt(a, "iin-per-user-hour")) {
        if (cli_int(cli_opt(a, "iin-per-user-hour"), "iin-per-user-hour", 1, 100000, &v, err) !=
            QG_OK)
            return err->code;
        s->iin_per_user_hour = (int)v;
    }
    if (cli_opt(a, "iin-per-org-hour")) {
        if (cli_int(cli_opt(a, "iin-per-org-hour"), "iin-per-org-hour", 1, 1000000, &v, err) !=
            QG_OK)
            return err->code;
        s->iin_per_org_hour = (int)v;
    }
    /* --emergency-grants-per-day: emergency break-the-glass accesses per supervisor in 24 h */
    if (cli_opt(a, "emergency-grants-per-day")) {
        if (cli_int(cli_opt(a, "emergency-grants-per-day"), "emergency-grants-per-day", 1, 100, &v,
                    err) != QG_OK)
            return err->code;
        s->emergency_grants_per_day = (int)v;
    }
    return QG_OK;
}

/* No core file, ever, and not dumpable (see the top of this file). Returns QG_OK, or
 * QG_EIO naming "core-dumps" when the kernel refused either call. */
static qg_code forbid_core_dumps(qg_error *err)
{
    const struct rlimit none = {.rlim_cur = 0, .rlim_max = 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        return qg_fail(err, QG_EIO, "core-dumps", "server.core_dumps",
                       "could not be turned off (setrlimit RLIMIT_CORE); not serving");
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return qg_fail(err, QG_EIO, "core-dumps", "server.core_dumps",
                       "could not be turned off (prctl PR_SET_DUMPABLE); not serving");
    return QG_OK;
}

/* The web folder as an absolute path without links, resolved once (into out, PATH_MAX
 * bytes): later changes to a link on the way to it change nothing, and below it no link
 * is followed (api_static.c). When it cannot be resolved, dir itself (every web file then
 * answers 404) and a warning. */
static const char *resolve_web_root(const char *dir, char *out)
{
    if (realpath(dir, out))
        return out;
    fprintf(stderr, "qorgau: the web folder %s cannot be opened: the web interface is not "
                    "served\n", dir);
    return dir;
}

static void wait_for_signal(void)
{
    sigset_t set;
    int sig = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigwait(&set, &sig);
}

int cmd_serve(int argc, char **argv)
{
    static const char *const opts[] = {
        "db",          "bind",          "port",        "threads", "session-idle",
        "session-max", "trusted-proxy", "instruments", "web",     "iin-per-user-hour",
        "iin-per-org-hour", "emergency-grants-per-day", "header-timeout", "log-interval",
        "max-connections", NULL};
    static const char *const flags[] = {"secure-cookies", NULL};
    cli_args a;
    http_config cfg;
    qg_error err = {0};
    if (forbid_core_dumps(&err) != QG_OK || cli_parse(argc, argv, opts, flags, &a, &err) != QG_OK ||
        serve_config(&a, &cfg, &err) != QG_OK)
        return cli_report("serve", &err);
    /* Block the signals before any thread starts, so only wait_for_signal sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* A file size limit (RLIMIT_FSIZE) reached is a full disk, answered as one (the write
     * fails with EFBIG), never a reason to stop serving. */
    signal(SIGXFSZ, SIG_IGN);
    char db_path[QG_PATH_MAX], key_path[QG_PATH_MAX];
    char bad_file[256] = "";
    qg_app *app = NULL;
    instrument_set *instruments = NULL;
    http_server *srv = NULL;
    qg_code c = instrument_set_load(instrument_dir(cli_opt(&a, "instruments")), &instruments,
                                    bad_file, sizeof bad_file, &err);
    if (c != QG_OK && bad_file[0])
        fprintf(stderr, "qorgau: in instrument file %s:\n", bad_file);
    if (c == QG_OK)
        c = app_resolve_paths(cli_opt(&a, "db"), db_path, key_path, &err);
    if (c == QG_OK)
        c = app_open(db_path, key_path, (int)cfg.threads, true, &app, &err);
    if (c == QG_OK)
        app->instruments = instruments;
    if (c == QG_OK)
        c = session_settings(&a, &app->settings, &err);
    if (c == QG_OK)
        c = iin_settings(&a, &app->settings, &err);
    int64_t indexed = 0; /* cases from before the search index, or imported since */
    if (c == QG_OK) {
        c = case_search_refresh(app, &indexed, &err);
        if (c == QG_OK && indexed > 0)
            fprintf(stderr, "qorgau: %lld cases indexed for search\n", (long long)indexed);
        if (c == QG_EUNAVAIL) { /* a full or read-only disk: serve what needs no write */
            fprintf(stderr, "qorgau: search index not refreshed: %s\n", err.message);
            c = QG_OK;
        }
    }
    char web_root[PATH_MAX];
    api_ctx ctx = {.app = app, .secure_cookies = cli_opt(&a, "secure-cookies") != NULL,
                   .web_dir = resolve_web_root(api_web_dir(cli_opt(&a, "web")), web_root)};
    if (c == QG_OK)
        c = http_server_start(&cfg, api_handle, &ctx, &srv, &err);
    if (c != QG_OK) {
        app_close(app);
        instrument_set_free(instruments);
        return cli_report("serve", &err);
    }
    fprintf(stderr,
            "qorgau: serving http://%s:%u/ (%u threads, at most %u connections, headers "
            "within %u s)%s%s\n",
            cfg.bind_addr, http_server_port(srv), cfg.threads, cfg.max_connections,
            cfg.header_timeout_s ? cfg.header_timeout_s : HTTP_HEADER_TIMEOUT_S,
            cfg.trusted_proxy ? ", client addresses from X-Forwarded-For via " : "",
            cfg.trusted_proxy ? cfg.trusted_proxy : "");
    fflush(stderr);
    wait_for_signal();
    fprintf(stderr, "qorgau: stopping\n");
    http_server_stop(srv);
    app_close(app);
    instrument_set_free(instruments);
    return 0;
}
