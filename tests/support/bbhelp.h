/*
 * bbhelp.h — small helpers the black-box tests (tests/blackbox/bb_*.c) share: make a
 * fixture's people and log them in, send a request and read its JSON, build case paths,
 * expect an error answer, dates in Kazakhstan, audit lookups, and the PostgreSQL database
 * of $QORGAU_TEST_PG. They fail the running cmocka test (fail_msg, skip) where their
 * comment says so.
 */
#ifndef QG_TESTS_BBHELP_H
#define QG_TESTS_BBHELP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/qgtest.h"

/* One user of a test's fixture, for qgt_people_add and qgt_people_login. */
typedef struct {
    const char *login;
    const char *role;
    int org;              /* index into the organisations given to qgt_people_add */
    qgt_session *session; /* qgt_people_login logs in into it; NULL: never logged in */
    int64_t *id;          /* qgt_people_add stores the user's id there; may be NULL */
    bool system_wide;     /* made with `qorgau user add --system-wide` */
} qgt_person;

/* Adds the n people through the CLI, in order, each in orgs[person.org], all with
 * password. Returns false (saying which on stderr) at the first that fails. */
bool qgt_people_add(qgt_env *e, const int64_t *orgs, const qgt_person *people, size_t n,
                    const char *password);

/* Logs in, through the API of e's running server, every person that has a session.
 * Returns false (saying which on stderr) at the first login that does not succeed. */
bool qgt_people_login(qgt_env *e, const qgt_person *people, size_t n, const char *password);

/* Prepares the environment at the start of a black-box test's main: $QORGAU_BIN made
 * absolute (build/asan/qorgau when unset; tests may change directory) and $QORGAU_DB and
 * $QORGAU_KEY_FILE unset (every command names its own database). */
void qgt_main_env(void);

/* Writes len bytes to the file at path (made or emptied first); fails the test when it
 * cannot. */
void qgt_write_file(const char *path, const void *bytes, size_t len);

/* Parses the body of r as JSON. Returns a new reference the caller releases, or NULL
 * when r is NULL or its body is not JSON. */
json_t *qgt_json(const httpc_response *r);

/* Returns the status of r (-1 when r is NULL) and frees r. */
int qgt_status(httpc_response *r);

/* Sends one request as s (NULL: no session) to e's server. Returns the status (-1: no
 * answer); when out is not NULL, *out gets the parsed body (a new reference the caller
 * releases, or NULL). */
int qgt_send(qgt_env *e, const qgt_session *s, const char *method, const char *path,
             const char *body, json_t **out);

/* Runs text (SQL) on e's SQLite test database with the sqlite3 library, beside a running
 * server (waits up to 5 s for its lock); fails the test with SQLite's message on error. */
void qgt_sql(const qgt_env *e, const char *text);

/* Writes "/api/v1/cases/CODE" followed by suffix (NULL for none) into out (size bytes). */
void qgt_case_path(const char *code, const char *suffix, char *out, size_t size);

/* Writes the date days from today in Kazakhstan (UTC+5) as yyyy-mm-dd into out. */
void qgt_date_from_today(int days, char out[11]);

/* Sends one request as s and fails the test unless the answer has status, an "error"
 * object, that error's "field" equal to field (not checked when field is NULL) and,
 * when not_echoed is not NULL, not that text anywhere. Returns the answer, which the
 * caller frees (never NULL). */
httpc_response *qgt_expect_error(qgt_env *e, const qgt_session *s, const char *method,
                                 const char *path, const char *body, int status,
                                 const char *field, const char *not_echoed);

/* Returns true when one of the audit entries (a JSON array) has action "action". */
bool qgt_audit_has(json_t *entries, const char *action);

/* Returns the PostgreSQL URI in $QORGAU_TEST_PG. Without one the test is skipped, or
 * failed when $QORGAU_TEST_PG_REQUIRED is set (then it does not return). The string
 * belongs to the environment. */
const char *qgt_pg_url(void);

/* Empties the database at url: opens it (setting it up when new), drops and makes again
 * its public schema; fails the test on any error. The database is this test binary's
 * own (scripts/run-tests.sh makes one per binary), so nothing else is disturbed. */
void qgt_pg_reset(const char *url);

#endif
