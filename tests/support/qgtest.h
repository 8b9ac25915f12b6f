/*
 * qgtest.h — black-box test harness: a throw-away directory with a fresh database, the
 * real qorgau binary ($QORGAU_BIN) run as a child process for CLI commands, a real
 * server started on a free port, and logged-in HTTP sessions against it.
 */
#ifndef QG_QGTEST_H
#define QG_QGTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "support/httpc.h"

#define QGT_PATH 512
#define QGT_OUT 65536

typedef struct {
    char dir[QGT_PATH]; /* temporary directory, removed by qgt_env_free */
    char db[QGT_PATH];  /* dir/qorgau.db */
    char key[QGT_PATH]; /* dir/qorgau.db.key */
    char log[QGT_PATH]; /* dir/server.log: the server's stderr */
    pid_t server;       /* 0 when not running */
    unsigned port;
} qgt_env;

typedef struct {
    char cookie[160]; /* "qg_session=..." ready for a Cookie header */
    char csrf[80];
    int64_t user_id;
} qgt_session;

/* Makes a temporary directory and runs `qorgau init` in it. Also sets
 * $QORGAU_TEST_CHEAP_PWHASH=1 (unless already set) for the qorgau processes the tests run:
 * new password hashes then take the minimum argon2id cost (test builds only). Returns
 * false on failure. */
bool qgt_env_init(qgt_env *e);

/* Stops the server if running and removes the directory. */
void qgt_env_free(qgt_env *e);

/* Runs `qorgau ARGS... --db e->db` (argv NULL-terminated, without the program name;
 * with_db=false leaves --db out). stdin_text (may be NULL) is written to its stdin.
 * Captures stdout into out and stderr into errout (either may be NULL, each QGT_OUT
 * bytes). Returns the exit status, or -1 when it could not run or died by a signal. */
int qgt_cli(qgt_env *e, bool with_db, const char *stdin_text, char *out, char *errout,
            const char *const *argv);

/* Adds an organisation through the CLI; returns its id or -1. */
int64_t qgt_org(qgt_env *e, const char *name, const char *type, const char *region);

/* Adds a user through the CLI; returns its id or -1. */
int64_t qgt_user(qgt_env *e, int64_t org, const char *login, const char *role,
                 const char *password);

/* As qgt_user, with --system-wide (an admin, auditor or analyst of every organisation). */
int64_t qgt_user_wide(qgt_env *e, int64_t org, const char *login, const char *role,
                      const char *password);

/* Starts `qorgau serve --port 0 --db e->db` plus extra args (NULL-terminated, may be
 * NULL), waits for it to print its port. Returns false when it did not start (its
 * stderr stays in e->log). */
bool qgt_server_start(qgt_env *e, const char *const *extra);

/* Stops the server with SIGTERM and waits for it. Returns its exit status. */
int qgt_server_stop(qgt_env *e);

/* Logs in through the API. Returns the HTTP status (201 on success, filling *s). */
int qgt_login(qgt_env *e, const char *login, const char *password, qgt_session *s);

/* Sends one request with the session's cookie and CSRF header (s may be NULL for none).
 * body may be NULL. Returns a response the caller frees, or NULL. */
httpc_response *qgt_call(qgt_env *e, const qgt_session *s, const char *method,
                         const char *path, const char *body);

/* Reads a whole file into a new NUL-terminated buffer (caller frees); *len gets its
 * size. NULL when it cannot be read. */
char *qgt_read_file(const char *path, size_t *len);

/* Returns true when the bytes of needle occur in the file at path. */
bool qgt_file_contains(const char *path, const char *needle);

/* Makes a valid made-up IIN for a birth date (yyyy-mm-dd) and sex ('F' or 'M'),
 * varying the serial digits with seed. Writes 12 digits and NUL into out. */
void qgt_make_iin(int year, int month, int day, char sex, int seed, char out[13]);

#endif
