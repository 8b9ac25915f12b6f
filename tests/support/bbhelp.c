/* bbhelp.c — helpers shared by the black-box tests (see bbhelp.h). */
#include "support/bbhelp.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "base/err.h"
#include "base/text.h"
#include "store/db.h"

bool qgt_people_add(qgt_env *e, const int64_t *orgs, const qgt_person *people, size_t n,
                    const char *password)
{
    for (size_t i = 0; i < n; i++) {
        int64_t id = people[i].system_wide
                         ? qgt_user_wide(e, orgs[people[i].org], people[i].login, people[i].role,
                                         password)
                         : qgt_user(e, orgs[people[i].org], people[i].login, people[i].role,
                                    password);
        if (id < 0) {
            fprintf(stderr, "setup: could not add user %s\n", people[i].login);
            return false;
        }
        if (people[i].id)
            *people[i].id = id;
    }
    return true;
}

bool qgt_people_login(qgt_env *e, const qgt_person *people, size_t n, const char *password)
{
    for (size_t i = 0; i < n; i++) {
        if (!people[i].session)
            continue;
        int status = qgt_login(e, people[i].login, password, people[i].session);
        if (status != 201) {
            fprintf(stderr, "setup: login of %s answered %d\n", people[i].login, status);
            return false;
        }
    }
    return true;
}

void qgt_main_env(void)
{
    const char *bin = getenv("QORGAU_BIN");
    char abs[PATH_MAX];
    if (realpath(bin && *bin ? bin : "build/asan/qorgau", abs))
        setenv("QORGAU_BIN", abs, 1);
    unsetenv("QORGAU_DB");
    unsetenv("QORGAU_KEY_FILE");
}

void qgt_write_file(const char *path, const void *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s", path);
    bool ok = fwrite(bytes, 1, len, f) == len;
    if (fclose(f) != 0 || !ok)
        fail_msg("cannot write %s", path);
}

json_t *qgt_json(const httpc_response *r)
{
    return r ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
}

int qgt_status(httpc_response *r)
{
    int status = r ? r->status : -1;
    httpc_response_free(r);
    return status;
}

int qgt_send(qgt_env *e, const qgt_session *s, const char *method, const char *path,
             const char *body, json_t **out)
{
    httpc_response *r = qgt_call(e, s, method, path, body);
    if (out)
        *out = qgt_json(r);
    return qgt_status(r);
}

void qgt_sql(const qgt_env *e, const char *text)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(e->db, &conn), SQLITE_OK);
    sqlite3_busy_timeout(conn, 5000);
    char *msg = NULL;
    if (sqlite3_exec(conn, text, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sql: %s", msg ? msg : "?");
    sqlite3_close(conn);
}

void qgt_case_path(const char *code, const char *suffix, char *out, size_t size)
{
    snprintf(out, size, "/api/v1/cases/%s%s", code, suffix ? suffix : "");
}

void qgt_date_from_today(int days, char out[11])
{
    time_t t = time(NULL) + TEXT_KZ_UTC_OFFSET_S + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

httpc_response *qgt_expect_error(qgt_env *e, const qgt_session *s, const char *method,
                                 const char *path, const char *body, int status,
                                 const char *field, const char *not_echoed)
{
    httpc_response *r = qgt_call(e, s, method, path, body);
    if (!r)
        fail_msg("%s %s: no answer", method, path);
    if (r->status != status)
        fail_msg("%s %s: want %d, got %d: %s", method, path, status, r->status, r->body);
    json_t *o = qgt_json(r);
    json_t *error = json_object_get(o, "error");
    const char *got = json_string_value(json_object_get(error, "field"));
    if (!json_is_object(error))
        fail_msg("%s %s: no error object in %s", method, path, r->body);
    if (field && (!got || strcmp(got, field) != 0))
        fail_msg("%s %s: want field %s, got %s", method, path, field, r->body);
    if (not_echoed && strstr(r->body, not_echoed))
        fail_msg("%s %s: the error repeats what was sent", method, path);
    json_decref(o);
    return r;
}

bool qgt_audit_has(json_t *entries, const char *action)
{
    size_t i;
    json_t *entry;
    json_array_foreach(entries, i, entry) {
        const char *a = json_string_value(json_object_get(entry, "action"));
        if (a && strcmp(a, action) == 0)
            return true;
    }
    return false;
}

const char *qgt_pg_url(void)
{
    const char *url = getenv("QORGAU_TEST_PG");
    if (url && *url)
        return url;
    const char *required = getenv("QORGAU_TEST_PG_REQUIRED");
    if (required && *required)
        fail_msg("QORGAU_TEST_PG_REQUIRED is set but no PostgreSQL server is available");
    skip();
    return NULL;
}

void qgt_pg_reset(const char *url)
{
    db *conn = NULL;
    qg_error err = {0};
    if (db_open(url, true, &conn, &err) == QG_ECONFLICT)
        assert_int_equal(db_open(url, false, &conn, &err), QG_OK);
    assert_non_null(conn);
    assert_int_equal(db_exec(conn, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err),
                     QG_OK);
    db_close(conn);
}
