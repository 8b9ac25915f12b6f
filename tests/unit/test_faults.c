/*
 * test_faults.c — fault injection, SQLite-style: every service operation is run again
 * and again while the Nth prepare, step, begin, commit, exec (store/db_fault.h) or the
 * Nth allocation (base/alloc.h) fails, N = 1, 2, ... until the operation runs with no
 * fault left to fire.
 *
 * The operations go through the real API in this process (api_handle behind a real
 * HTTP server on a free port, the group-commit writer thread, two reading connections),
 * so a fault anywhere between the request and the answer counts. After each fault:
 * - the answer is the operation's success status, or a 5xx whose body is the JSON
 *   error {"error": {"code", "message", "field"}} (a failed import: a qg_code with a
 *   message);
 * - when it failed, every table holds exactly what it held before (a digest of all rows
 *   but sessions' last_seen); when it succeeded, every table's row count changed by
 *   what a run without a fault changes;
 * - the audit chain verifies;
 * - and AddressSanitizer's leak check at exit finds nothing.
 *
 * By default (make check) one representative operation per service runs on SQLite.
 * QORGAU_FAULTS=full (make faults) runs every operation listed, on SQLite and, when
 * $QORGAU_TEST_PG is set (scripts/pg-test.sh), on PostgreSQL. Each test prints
 * "faults: N points, M problems"; any problem fails it, with the first ones described.
 * While tracking a bug: QORGAU_FAULTS_ONLY="case update" runs one operation,
 * QORGAU_FAULTS_TRACE=1 names each point on stderr before it runs, and
 * QORGAU_FAULTS_REFONLY=1 only checks that each operation succeeds without faults, and
 * QORGAU_FAULTS_ENGINE=sqlite (or postgresql) runs the full sweep on one engine.
 * All names and data are made up.
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/api.h"
#include "base/alloc.h"
#include "core/account/account.h"
#include "core/account/audit.h"
#include "core/case/case_import.h"
#include "core/common/app.h"
#include "core/instance/app_open.h"
#include "core/instrument/instrument.h"
#include "http/http.h"
#include "store/db_fault.h"
#include "support/httpc.h"
#include "support/tmpdir.h"

#define PASSWORD "fault-test-password-1"
#define MAX_TABLES 48
#define MAX_POINTS 5000 /* per operation and kind: more means the fault never stops firing */
#define PROBLEMS_SHOWN 25
#define BODY_MAX 4096
#define PATH_MAX_LEN 256

enum { K_PREPARE, K_STEP, K_BEGIN, K_COMMIT, K_EXEC, K_ALLOC, K_COUNT };
static const char *const KIND_NAMES[K_COUNT] = {"prepare", "step", "begin", "commit", "exec", "alloc"};

typedef struct {
    char cookie[160];
    char csrf[80];
} session;

enum { U_ADMIN, U_SUP_A, U_CM_A, U_SUP_B, U_CM_B, U_ANALYST, U_AUDITOR, U_COUNT };
static const struct {
    const char *login, *role;
    int org; /* 0: org A, 1: org B */
} USERS[U_COUNT] = {
    {"ft.admin", "admin", 0},      {"ft.sup.a", "supervisor", 0}, {"ft.cm.a", "case_manager", 0},
    {"ft.sup.b", "supervisor", 1}, {"ft.cm.b", "case_manager", 1}, {"ft.analyst", "analyst", 0},
    {"ft.auditor", "auditor", 0},
};

typedef struct {
    char name[64];
    int64_t rows;
    uint64_t hash;
} table_digest;

typedef struct {
    int count;
    table_digest t[MAX_TABLES];
} db_digest;

typedef struct {
    bool pg;
    PGconn *pg_conn; /* for the digests */
    char dir[QGT_TMPDIR_MAX];
    char db_path[1024];
    char key_path[QGT_TMPDIR_MAX + 32];
    qg_app *app;
    instrument_set *instruments;
    api_ctx ctx;
    http_server *srv;
    unsigned port;
    int64_t org[2];
    session s[U_COUNT];
    int serial; /* makes names unique across runs */
    long points, problems;
    long lost_answers; /* failures after the commit: the change is whole, its answer lost */
    char first_problems[PROBLEMS_SHOWN][200];
} fx;

/* One request of an operation, filled by its prepare function. */
typedef struct {
    int user; /* U_..., or -1 for no session */
    char method[8];
    char path[PATH_MAX_LEN];
    char body[BODY_MAX];
    bool has_body;
    int want; /* the status of success */
    bool direct; /* not a request: run fixture's direct function (the import) */
} request;

typedef struct op op;
struct op {
    const char *name;
    bool representative; /* part of make check */
    void (*prepare)(fx *f, request *r); /* NULL: a route of a fresh case, below */
    qg_code (*direct)(fx *f, qg_error *err); /* for operations without a route */
    /* a route of a fresh case of org A: user, method, path after the case, body, success */
    int user;
    const char *method, *suffix, *body;
    int want;
};

/* ---- problems --------------------------------------------------------------------- */

static void problem(fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(fx *f, const char *fmt, ...)
{
    if (f->problems < PROBLEMS_SHOWN) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->first_problems[f->problems], sizeof f->first_problems[0], fmt, ap);
        va_end(ap);
    }
    f->problems++;
}

/* ---- HTTP ------------------------------------------------------------------------- */

typedef struct {
    int status;
    json_t *json; /* the parsed body, or NULL */
    char raw[128]; /* the body's start, for messages */
    bool is_json;  /* the answer says it is JSON (downloads are CSV or XLSX) */
} answer;

static bool disarm(int kind);

/* Sends one request; when armed (kind >= 0) the fault is disarmed as soon as the answer is
 * in, before this side parses it, and *fired says whether it fired. */
static answer send_armed(fx *f, int user, const char *method, const char *path, const char *body,
                         int kind, bool *fired)
{
    char cookie[200], csrf[120];
    const char *headers[3] = {NULL, NULL, NULL};
    if (user >= 0) {
        snprintf(cookie, sizeof cookie, "Cookie: %s", f->s[user].cookie);
        snprintf(csrf, sizeof csrf, "%s: %s", API_CSRF_HEADER, f->s[user].csrf);
        headers[0] = cookie;
        headers[1] = csrf;
    }
    httpc_response *r = httpc_do(f->port, method, path, headers, body, body ? strlen(body) : 0);
    *fired = kind >= 0 && disarm(kind);
    answer a = {.status = r ? r->status : -1};
    if (r && r->body_len)
        a.json = json_loads(r->body, 0, NULL);
    if (r) {
        const char *type = httpc_header(r, "Content-Type");
        a.is_json = type && strncmp(type, "application/json", 16) == 0;
        snprintf(a.raw, sizeof a.raw, "%s", a.is_json ? r->body : "(a download)");
    }
    httpc_response_free(r);
    return a;
}

static answer send_request(fx *f, int user, const char *method, const char *path, const char *body)
{
    bool fired;
    return send_armed(f, user, method, path, body, -1, &fired);
}

/* Sends without faults and expects want; returns the JSON answer (caller frees). */
static json_t *must(fx *f, int user, const char *method, const char *path, const char *body, int want)
{
    answer a = send_request(f, user, method, path, body);
    if (a.status != want) {
        char text[300] = "";
        if (a.json) {
            char *dump = json_dumps(a.json, JSON_COMPACT);
            snprintf(text, sizeof text, "%s", dump ? dump : "");
            free(dump);
        }
        json_decref(a.json);
        fail_msg("%s %s: want %d, got %d %s", method, path, want, a.status, text);
    }
    return a.json;
}

static const char *str_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (!v)
        fail_msg("answer without \"%s\"", key);
    return v;
}

static void login(fx *f, int user)
{
    char body[200];
    snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", USERS[user].login, PASSWORD);
    httpc_response *r = httpc_do(f->port, "POST", "/api/v1/session", NULL, body, strlen(body));
    assert_non_null(r);
    if (r->status != 201)
        fail_msg("login %s: %d", USERS[user].login, r->status);
    const char *set = httpc_set_cookie(r, API_COOKIE);
    assert_non_null(set);
    size_t n = strcspn(set, ";");
    assert_true(n < sizeof f->s[user].cookie);
    memcpy(f->s[user].cookie, set, n);
    f->s[user].cookie[n] = '\0';
    json_t *o = json_loads(r->body, 0, NULL);
    assert_non_null(o);
    snprintf(f->s[user].csrf, sizeof f->s[user].csrf, "%s", str_of(o, "csrf"));
    json_decref(o);
    httpc_response_free(r);
}

/* ---- database digests --------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static void digest_sqlite(fx *f, db_digest *d)
{
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(f->db_path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("cannot open the database for a digest");
    sqlite3_stmt *tables = NULL;
    sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &tables, NULL);
    d->count = 0;
    while (sqlite3_step(tables) == SQLITE_ROW && d->count < MAX_TABLES) {
        table_digest *t = &d->t[d->count++];
        snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(tables, 0));
        char sql[160];
        /* a whole-table scan reads in rowid order, or in primary-key order for a table
         * WITHOUT ROWID (case_terms), which has no rowid to order by */
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t->name);
        sqlite3_stmt *rows = NULL;
        if (sqlite3_prepare_v2(h, sql, -1, &rows, NULL) != SQLITE_OK)
            fail_msg("digest of %s: %s", t->name, sqlite3_errmsg(h));
        t->rows = 0;
        t->hash = 14695981039346656037ULL;
        while (sqlite3_step(rows) == SQLITE_ROW) {
            t->rows++;
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                if (strcmp(sqlite3_column_name(rows, c), "last_seen") == 0)
                    continue;
                const void *v = sqlite3_column_blob(rows, c);
                t->hash = fnv(t->hash, v ? v : "", (size_t)sqlite3_column_bytes(rows, c));
                t->hash = fnv(t->hash, "|", 1);
            }
        }
        sqlite3_finalize(rows);
    }
    sqlite3_finalize(tables);
    sqlite3_close(h);
}

/* One query over every table, on a connection kept for the whole sweep. */
static void digest_pg(fx *f, db_digest *d)
{
    if (!f->pg_conn) {
        f->pg_conn = PQconnectdb(f->db_path);
        if (PQstatus(f->pg_conn) != CONNECTION_OK)
            fail_msg("cannot connect for a digest");
    }
    PGresult *r = PQexec(f->pg_conn,
                         "SELECT format('SELECT %L, count(*), coalesce(md5(string_agg((to_jsonb(t) - ''last_seen'')::text,"
                         " '','' ORDER BY (to_jsonb(t) - ''last_seen'')::text)), '''') FROM %I t', tablename, tablename)"
                         " FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("digest: listing the tables failed");
    size_t size = 1, used = 0;
    for (int i = 0; i < PQntuples(r); i++)
        size += strlen(PQgetvalue(r, i, 0)) + 16;
    char *sql = calloc(1, size);
    assert_non_null(sql);
    for (int i = 0; i < PQntuples(r); i++)
        used += (size_t)snprintf(sql + used, size - used, "%s%s", i ? " UNION ALL " : "", PQgetvalue(r, i, 0));
    PQclear(r);
    r = PQexec(f->pg_conn, sql);
    free(sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("digest failed");
    d->count = 0;
    for (int i = 0; i < PQntuples(r) && d->count < MAX_TABLES; i++) {
        table_digest *t = &d->t[d->count++];
        snprintf(t->name, sizeof t->name, "%s", PQgetvalue(r, i, 0));
        t->rows = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        const char *md5 = PQgetvalue(r, i, 2);
        t->hash = fnv(14695981039346656037ULL, md5, strlen(md5));
    }
    PQclear(r);
}

static void digest(fx *f, db_digest *d)
{
    if (f->pg)
        digest_pg(f, d);
    else
        digest_sqlite(f, d);
}

/* Names the first table whose rows differ, or NULL when the digests are equal. */
static const char *digest_diff(const db_digest *a, const db_digest *b)
{
    if (a->count != b->count)
        return "(the list of tables)";
    for (int i = 0; i < a->count; i++)
        if (a->t[i].rows != b->t[i].rows || a->t[i].hash != b->t[i].hash)
            return a->t[i].name;
    return NULL;
}

/* Names the first table whose row count changed otherwise than delta says. */
static const char *delta_diff(const db_digest *before, const db_digest *after, const int64_t *delta)
{
    if (before->count != after->count)
        return "(the list of tables)";
    for (int i = 0; i < before->count; i++)
        if (after->t[i].rows - before->t[i].rows != delta[i])
            return before->t[i].name;
    return NULL;
}

static bool chain_intact(fx *f, char *why, size_t size)
{
    db *conn = db_pool_acquire(f->app->readers);
    audit_report rep;
    qg_error err = {0};
    qg_code c = audit_verify_snapshot(conn, f->app->keys, &rep, &err);
    db_pool_release(f->app->readers, conn);
    if (c != QG_OK)
        snprintf(why, size, "audit_verify failed: %s", err.message);
    else if (rep.first_bad != 0)
        snprintf(why, size, "audit chain broken at %lld: %s", (long long)rep.first_bad, rep.reason);
    return c == QG_OK && rep.first_bad == 0;
}

/* ---- the fixture ----------------------------------------------------------------- */

static const char *pg_url(void)
{
    const char *url = getenv("QORGAU_TEST_PG");
    return url && *url ? url : NULL;
}

static void reset_pg(const char *url)
{
    db *conn = NULL;
    qg_error err = {0};
    if (db_open(url, true, &conn, &err) == QG_ECONFLICT)
        assert_int_equal(db_open(url, false, &conn, &err), QG_OK);
    assert_non_null(conn);
    assert_int_equal(db_exec(conn, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err), QG_OK);
    db_close(conn);
}

static fx *fixture_open(bool pg)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->pg = pg;
    assert_true(qgt_tmpdir_make("faults", f->dir, sizeof f->dir));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db.key", f->key_path, sizeof f->key_path));
    if (pg) {
        snprintf(f->db_path, sizeof f->db_path, "%s", pg_url());
        reset_pg(f->db_path);
    } else {
        assert_true(qgt_tmpdir_path(f->dir, "qorgau.db", f->db_path, sizeof f->db_path));
    }
    qg_error err = {0};
    db_fault_enable();
    assert_int_equal(app_init_files(f->db_path, f->key_path, &err), QG_OK);
    assert_int_equal(app_open(f->db_path, f->key_path, 2, true, &f->app, &err), QG_OK);
    char bad[256];
    assert_int_equal(instrument_set_load(QG_INSTRUMENTS_DIR, &f->instruments, bad, sizeof bad, &err), QG_OK);
    f->app->instruments = f->instruments;
    /* The sweep commits thousands of times: no fsync on SQLite (durability is not what
     * this test is about; the writer's connection is idle until the server starts). */
    if (!pg)
        assert_int_equal(db_exec(writer_conn(f->app->writer), "PRAGMA synchronous=OFF", &err), QG_OK);
    f->ctx = (api_ctx){.app = f->app};
    http_config cfg = {.bind_addr = "127.0.0.1", .port = 0, .threads = 2, .max_body = 1 << 20, .timeout_s = 10};
    assert_int_equal(http_server_start(&cfg, api_handle, &f->ctx, &f->srv, &err), QG_OK);
    f->port = http_server_port(f->srv);
    qg_actor sys = actor_system();
    assert_int_equal(org_create(f->app, &sys, "Fault Org Alpha", "ngo", "almaty", &f->org[0], &err), QG_OK);
    assert_int_equal(org_create(f->app, &sys, "Fault Org Beta", "ngo", "almaty", &f->org[1], &err), QG_OK);
    for (int u = 0; u < U_COUNT; u++) {
        int64_t id;
        if (user_create(f->app, &sys, f->org[USERS[u].org], USERS[u].login, USERS[u].role, PASSWORD, &id, &err) != QG_OK)
            fail_msg("user %s: %s", USERS[u].login, err.message);
        login(f, u);
    }
    for (int i = 0; i < 3; i++) /* something for the reports to count and to export */
        json_decref(must(f, i ? U_CM_A : U_CM_B, "POST", "/api/v1/cases",
                         "{\"sex\":\"Masculine\",\"region\":\"astana\"}", 201));
    return f;
}

static void fixture_close(fx *f)
{
    if (f->pg_conn)
        PQfinish(f->pg_conn);
    http_server_stop(f->srv);
    app_close(f->app);
    instrument_set_free(f->instruments);
    qgt_tmpdir_remove(f->dir);
    free(f);
}

/* ---- prerequisites, made without faults ---------------------------------------------- */

/* Opens a case as the case manager of org A; writes its code. */
static void new_case(fx *f, char code[64])
{
    json_t *o = must(f, U_CM_A, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\",\"region\":\"almaty\"}", 201);
    snprintf(code, 64, "%s", str_of(o, "code"));
    json_decref(o);
}

static void case_path(char *out, const char *code, const char *suffix)
{
    snprintf(out, PATH_MAX_LEN, "/api/v1/cases/%s%s", code, suffix);
}

#define ASSESSMENT                                                                                           \
    "{\"elements\":{\"safety\":{\"level\":\"needs_attention\"},"                                             \
    "\"trafficking_circumstances\":{\"level\":\"no_action\"},\"migration\":{\"level\":\"not_assessed\"},"     \
    "\"basic_needs\":{\"level\":\"no_action\"},\"housing\":{\"level\":\"urgent\",\"notes\":\"at a station\"}," \
    "\"strengths_resources\":{\"level\":\"no_action\"},\"health\":{\"level\":\"no_action\"},"                 \
    "\"risks\":{\"level\":\"needs_attention\"}},\"summary\":\"made-up summary\"}"

#define SERVICE_BODY                                                                                     \
    "{\"regions\": [\"almaty\"], \"age_min\": 6, \"age_max\": 17, \"sexes\": [\"Feminine\"],"             \
    " \"languages\": [\"kk\", \"ru\"], \"capacity\": 10, \"available\": 2,"                               \
    " \"procedure\": \"Call the duty desk.\", \"contact\": \"+7 700 000 0001\"}"

static void agreement_body(fx *f, char *out, size_t size)
{
    snprintf(out, size,
             "{\"parties\": [%lld, %lld], \"kind\": \"data_sharing\", \"purpose\": \"Referring children.\","
             " \"data_shared\": [\"profile\", \"needs\"], \"protections\": \"Need to know.\","
             " \"permitted_users\": \"Case managers.\", \"complaints\": \"Write to the officer.\","
             " \"valid_from\": \"2020-01-01\", \"valid_to\": \"2099-12-31\"}",
             (long long)f->org[0], (long long)f->org[1]);
}

/* Makes sure org A and org B share an agreement (once per fixture). */
static void ensure_agreement(fx *f)
{
    static fx *done_for;
    if (done_for == f)
        return;
    char body[BODY_MAX];
    agreement_body(f, body, sizeof body);
    json_decref(must(f, U_SUP_A, "POST", "/api/v1/agreements", body, 201));
    done_for = f;
}

/* A case of org A whose child consents to sharing with org B. */
static void sharable_case(fx *f, char code[64])
{
    ensure_agreement(f);
    new_case(f, code);
    char path[PATH_MAX_LEN], body[300];
    case_path(path, code, "/consents");
    snprintf(body, sizeof body,
             "{\"purpose\":\"sharing\",\"org_id\":%lld,\"given_by\":\"child\",\"given_on\":\"2024-01-01\"}",
             (long long)f->org[1]);
    json_decref(must(f, U_CM_A, "POST", path, body, 201));
}

static void new_referral(fx *f, char ref[64])
{
    char code[64], path[PATH_MAX_LEN], body[200];
    sharable_case(f, code);
    case_path(path, code, "/referrals");
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}", (long long)f->org[1]);
    json_t *o = must(f, U_CM_A, "POST", path, body, 201);
    snprintf(ref, 64, "%s", str_of(o, "ref"));
    json_decref(o);
}

/* ---- the operations --------------------------------------------------------------- */

static void req(request *r, int user, const char *method, int want, const char *body)
{
    r->user = user;
    snprintf(r->method, sizeof r->method, "%s", method);
    r->want = want;
    r->has_body = body != NULL;
    snprintf(r->body, sizeof r->body, "%s", body ? body : "");
}

static void op_case_create(fx *f, request *r)
{
    (void)f;
    req(r, U_CM_A, "POST", 201, "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"citizenship\":\"KZ\","
                                 "\"personal\":{\"given_name\":\"Madeup\",\"birth_date\":\"2011-06-15\"}}");
    snprintf(r->path, sizeof r->path, "/api/v1/cases?limit=10");
}

static void op_case_update(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_CM_A, "PATCH", 200, "{\"version\":1,\"region\":\"astana\"}");
    case_path(r->path, code, "");
}

static void op_personal_put(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_CM_A, "PUT", 204, "{\"personal\":{\"given_name\":\"Madeup\",\"family_name\":\"Testova\"}}");
    case_path(r->path, code, "/personal");
}

static void op_stage_move(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_CM_A, "POST", 200, "{\"stage\":\"assessment\",\"note\":\"made-up note\"}");
    case_path(r->path, code, "/stage");
}

static void op_record_create(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_CM_A, "POST", 201, ASSESSMENT);
    case_path(r->path, code, "/assessments");
}

static void op_task_create(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_CM_A, "POST", 201, "{\"title\":\"Call the school\",\"due_on\":\"2030-01-01\"}");
    case_path(r->path, code, "/tasks");
}

static void op_screening_create(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_CM_A, "POST", 201,
        "{\"instrument\":\"urgent-needs\",\"mode\":\"interviewer\",\"language\":\"ru\","
        "\"answers\":{\"language\":\"yes\"}}");
    case_path(r->path, code, "/screenings");
}

static void op_consent_create(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_CM_A, "POST", 201, "{\"purpose\":\"services\",\"given_by\":\"other\",\"given_on\":\"2021-03-04\"}");
    case_path(r->path, code, "/consents");
}

/* Adds a service the organisation does not offer yet (it is removed first). */
static void op_directory_put(fx *f, request *r)
{
    req(r, U_SUP_A, "PUT", 201, SERVICE_BODY);
    snprintf(r->path, sizeof r->path, "/api/v1/orgs/%lld/services/medical", (long long)f->org[0]);
    answer a = send_request(f, U_SUP_A, "DELETE", r->path, NULL);
    json_decref(a.json);
    if (a.status != 204 && a.status != 404)
        fail_msg("removing the service: %d", a.status);
}

static void op_agreement_create(fx *f, request *r)
{
    char body[BODY_MAX];
    agreement_body(f, body, sizeof body);
    req(r, U_SUP_A, "POST", 201, body);
    snprintf(r->path, sizeof r->path, "/api/v1/agreements");
}

static void op_referral_create(fx *f, request *r)
{
    char code[64], body[200];
    sharable_case(f, code);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}", (long long)f->org[1]);
    req(r, U_CM_A, "POST", 201, body);
    case_path(r->path, code, "/referrals");
}

static void op_referral_accept(fx *f, request *r)
{
    char ref[64];
    new_referral(f, ref);
    req(r, U_CM_B, "POST", 200, "{\"version\":1,\"note\":\"made-up note\"}");
    snprintf(r->path, sizeof r->path, "/api/v1/referrals/%s/accept", ref);
}

static void op_break_glass(fx *f, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, U_SUP_B, "POST", 202, "{\"reason\":\"because I must see it\",\"hours\":2}");
    case_path(r->path, code, "/break-glass");
}

/* The holder's supervisor approves a request (issue 15: the second key). */
static void op_grant_approve(fx *f, request *r)
{
    char code[64], path[PATH_MAX_LEN];
    new_case(f, code);
    case_path(path, code, "/break-glass");
    json_t *o = must(f, U_SUP_B, "POST", path, "{\"reason\":\"because I must see it\"}", 202);
    json_int_t id = json_integer_value(json_object_get(json_object_get(o, "grant"), "id"));
    json_decref(o);
    req(r, U_SUP_A, "POST", 200, "{\"scope\":\"full\"}");
    snprintf(r->path, sizeof r->path, "/api/v1/grant-requests/%lld/approve", (long long)id);
}

static void op_report(fx *f, request *r)
{
    (void)f;
    req(r, U_ANALYST, "GET", 200, NULL);
    snprintf(r->path, sizeof r->path, "/api/v1/reports/victims");
}

static void op_dataset(fx *f, request *r)
{
    (void)f;
    req(r, U_ANALYST, "GET", 200, NULL);
    snprintf(r->path, sizeof r->path, "/api/v1/datasets/anonymised");
}

static void op_login(fx *f, request *r)
{
    (void)f;
    char body[200];
    snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", USERS[U_ANALYST].login, PASSWORD);
    req(r, -1, "POST", 201, body);
    snprintf(r->path, sizeof r->path, "/api/v1/session");
}

static void op_user_create(fx *f, request *r)
{
    char body[300];
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"ft.new%d\",\"role\":\"analyst\",\"password\":\"" PASSWORD "\"}",
             (long long)f->org[0], f->serial++);
    req(r, U_ADMIN, "POST", 201, body);
    snprintf(r->path, sizeof r->path, "/api/v1/users");
}

static void op_import(fx *f, request *r)
{
    (void)f;
    r->direct = true;
    r->want = 0;
}

/* Two cases with references not used before. */
static qg_code import_small_csv(fx *f, qg_error *err)
{
    char csv[300];
    int n = f->serial++;
    snprintf(csv, sizeof csv,
             "sex,age,identified_on,external_ref,non_punishment\n"
             "female,15,2024-03-01,R-%d-1,false\nmale,12,2024-04-01,R-%d-2,true\n",
             n, n);
    FILE *in = fmemopen(csv, strlen(csv), "r");
    assert_non_null(in);
    qg_actor sys = actor_system();
    import_result res = {0};
    qg_code c = case_import_csv(f->app, &sys, in, f->org[0], NULL, NULL, &res, err);
    import_problems_free(&res.problems);
    fclose(in);
    return c;
}


/* Operations of the full sweep that need more than a fresh case. */

static void op_case_reopen(fx *f, request *r)
{
    char code[64], path[PATH_MAX_LEN];
    new_case(f, code);
    case_path(path, code, "/close");
    json_decref(must(f, U_CM_A, "POST", path, "{\"reason\":\"other\",\"note\":\"made-up reason\"}", 200));
    req(r, U_CM_A, "POST", 200, "{\"note\":\"made-up note\"}");
    case_path(r->path, code, "/reopen");
}

static void op_task_update(fx *f, request *r)
{
    char code[64], path[PATH_MAX_LEN];
    new_case(f, code);
    case_path(path, code, "/tasks");
    json_decref(must(f, U_CM_A, "POST", path, "{\"title\":\"Call the school\",\"due_on\":\"2030-01-01\"}", 201));
    req(r, U_CM_A, "PATCH", 200, "{\"status\":\"done\",\"version\":1}");
    case_path(r->path, code, "/tasks/1");
}

static void op_consent_withdraw(fx *f, request *r)
{
    char code[64], path[PATH_MAX_LEN];
    new_case(f, code);
    case_path(path, code, "/consents");
    json_decref(must(f, U_CM_A, "POST", path,
                     "{\"purpose\":\"services\",\"given_by\":\"other\",\"given_on\":\"2021-03-04\"}", 201));
    req(r, U_CM_A, "POST", 200, "{}");
    case_path(r->path, code, "/consents/1/withdraw");
}

static void op_break_glass_end(fx *f, request *r)
{
    char code[64], path[PATH_MAX_LEN];
    new_case(f, code);
    case_path(path, code, "/break-glass");
    json_decref(must(f, U_SUP_B, "POST", path, "{\"reason\":\"because I must see it\",\"hours\":2}", 202));
    req(r, U_SUP_B, "DELETE", 204, NULL);
    snprintf(r->path, sizeof r->path, "%s", path);
}

static void op_directory_remove(fx *f, request *r)
{
    snprintf(r->path, sizeof r->path, "/api/v1/orgs/%lld/services/legal", (long long)f->org[0]);
    answer a = send_request(f, U_SUP_A, "PUT", r->path, SERVICE_BODY);
    json_decref(a.json);
    if (a.status != 200 && a.status != 201)
        fail_msg("adding the service: %d", a.status);
    req(r, U_SUP_A, "DELETE", 204, NULL);
}

static void op_agreement_end(fx *f, request *r)
{
    char body[BODY_MAX];
    agreement_body(f, body, sizeof body);
    json_t *o = must(f, U_SUP_A, "POST", "/api/v1/agreements", body, 201);
    long long id = (long long)json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    req(r, U_SUP_A, "POST", 200, "{}");
    snprintf(r->path, sizeof r->path, "/api/v1/agreements/%lld/end", id);
}

static void op_referral_show(fx *f, request *r)
{
    char ref[64];
    new_referral(f, ref);
    req(r, U_CM_B, "GET", 200, NULL);
    snprintf(r->path, sizeof r->path, "/api/v1/referrals/%s", ref);
}

static void op_org_create(fx *f, request *r)
{
    char body[200];
    snprintf(body, sizeof body, "{\"name\":\"Fault Org %d\",\"type\":\"ngo\",\"region\":\"almaty\"}", f->serial++);
    req(r, U_ADMIN, "POST", 201, body);
    snprintf(r->path, sizeof r->path, "/api/v1/orgs");
}

/* A user of org A made for the operation (argon2: slow, full sweep only). */
static void fresh_user(fx *f, char login[32])
{
    snprintf(login, 32, "ft.made%d", f->serial++);
    qg_actor sys = actor_system();
    qg_error err = {0};
    int64_t id;
    if (user_create(f->app, &sys, f->org[0], login, "analyst", PASSWORD, &id, &err) != QG_OK)
        fail_msg("user: %s", err.message);
}

static void op_user_disable(fx *f, request *r)
{
    char login[32];
    fresh_user(f, login);
    req(r, U_ADMIN, "POST", 204, NULL);
    snprintf(r->path, sizeof r->path, "/api/v1/users/%s/disable", login);
}

static void op_user_password(fx *f, request *r)
{
    char login[32];
    fresh_user(f, login);
    req(r, U_ADMIN, "PUT", 204, "{\"password\":\"another-long-password-2\"}");
    snprintf(r->path, sizeof r->path, "/api/v1/users/%s/password", login);
}

static void op_get(fx *f, request *r, int user, const char *path)
{
    (void)f;
    req(r, user, "GET", 200, NULL);
    snprintf(r->path, sizeof r->path, "%s", path);
}

static void op_case_list(fx *f, request *r) { op_get(f, r, U_CM_A, "/api/v1/cases?limit=10"); }
static void op_audit_list(fx *f, request *r) { op_get(f, r, U_AUDITOR, "/api/v1/audit?limit=10"); }
static void op_audit_verify(fx *f, request *r) { op_get(f, r, U_AUDITOR, "/api/v1/audit/verify"); }
static void op_grants_report(fx *f, request *r) { op_get(f, r, U_AUDITOR, "/api/v1/access-grants?limit=10"); }
static void op_session_show(fx *f, request *r) { op_get(f, r, U_CM_A, "/api/v1/session"); }
static void op_tasks_due(fx *f, request *r) { op_get(f, r, U_CM_A, "/api/v1/tasks"); }
static void op_services(fx *f, request *r) { op_get(f, r, U_CM_A, "/api/v1/services"); }
static void op_agreements(fx *f, request *r) { op_get(f, r, U_SUP_A, "/api/v1/agreements"); }
static void op_users(fx *f, request *r) { op_get(f, r, U_ADMIN, "/api/v1/users"); }
static void op_orgs(fx *f, request *r) { op_get(f, r, U_CM_A, "/api/v1/orgs"); }
static void op_referrals_out(fx *f, request *r) { op_get(f, r, U_CM_A, "/api/v1/referrals?direction=out"); }
static void op_report_xlsx(fx *f, request *r) { op_get(f, r, U_ANALYST, "/api/v1/reports/regions?format=xlsx"); }
static void op_dataset_csv(fx *f, request *r) { op_get(f, r, U_ANALYST, "/api/v1/datasets/anonymised?format=csv"); }

static void op_qualify(fx *f, request *r)
{
    (void)f;
    req(r, U_CM_A, "POST", 200, "{\"acts\":[\"recruitment\"],\"purposes\":[\"forced_labour\"],\"age\":15}");
    snprintf(r->path, sizeof r->path, "/api/v1/qualify");
}

static void op_score(fx *f, request *r)
{
    (void)f;
    req(r, U_CM_A, "POST", 200, "{\"answers\":{\"pregnancy\":\"yes\"}}");
    snprintf(r->path, sizeof r->path, "/api/v1/instruments/urgent-needs/score");
}

static qg_code export_csv(fx *f, qg_error *err)
{
    char *text = NULL;
    size_t len = 0, count = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    qg_actor sys = actor_system();
    qg_code c = case_export_csv(f->app, &sys, f->org[1], out, &count, err); /* a few cases */
    fclose(out);
    free(text);
    return c;
}

static void case_route(fx *f, const op *o, request *r)
{
    char code[64];
    new_case(f, code);
    req(r, o->user, o->method, o->want, o->body);
    case_path(r->path, code, o->suffix);
}

/* The reads over all cases come first, while there are few: their allocations grow
 * with every case. */
static const op OPS[] = {
    {"audit verify", false, op_audit_verify, NULL}, /* its allocations grow with the trail */
    {"report", true, op_report, NULL},
    {"dataset", true, op_dataset, NULL},
    /* the full sweep only: reads over everything, while it is little */
    {"case list", false, op_case_list, NULL},
    {"audit list", false, op_audit_list, NULL},
    {"access grants", false, op_grants_report, NULL},
    {"session show", false, op_session_show, NULL},
    {"tasks due", false, op_tasks_due, NULL},
    {"services", false, op_services, NULL},
    {"agreements", false, op_agreements, NULL},
    {"users", false, op_users, NULL},
    {"orgs", false, op_orgs, NULL},
    {"referrals out", false, op_referrals_out, NULL},
    {"report xlsx", false, op_report_xlsx, NULL},
    {"dataset csv", false, op_dataset_csv, NULL},
    {"case create", true, op_case_create, NULL},
    {"case update", true, op_case_update, NULL},
    {"personal put", true, op_personal_put, NULL},
    {"stage move", true, op_stage_move, NULL},
    {"assessment create", true, op_record_create, NULL},
    {"task create", true, op_task_create, NULL},
    {"screening create", true, op_screening_create, NULL},
    {"consent create", true, op_consent_create, NULL},
    {"directory put", true, op_directory_put, NULL},
    {"agreement create", true, op_agreement_create, NULL},
    {"referral create", true, op_referral_create, NULL},
    {"referral accept", true, op_referral_accept, NULL},
    {"break-glass", true, op_break_glass, NULL},
    {"login", true, op_login, NULL},
    {"user create", true, op_user_create, NULL},
    {"import", true, op_import, import_small_csv},
    /* the full sweep only */
    {"case show", false, NULL, NULL, U_CM_A, "GET", "", NULL, 200},
    {"personal show", false, NULL, NULL, U_CM_A, "GET", "/personal", NULL, 200},
    {"child record", false, NULL, NULL, U_CM_A, "GET", "/child-record", NULL, 200},
    {"stages show", false, NULL, NULL, U_CM_A, "GET", "/stages?notes=1", NULL, 200},
    {"needs", false, NULL, NULL, U_CM_A, "GET", "/needs", NULL, 200},
    {"case tasks", false, NULL, NULL, U_CM_A, "GET", "/tasks", NULL, 200},
    {"case consents", false, NULL, NULL, U_CM_A, "GET", "/consents", NULL, 200},
    {"case screenings", false, NULL, NULL, U_CM_A, "GET", "/screenings", NULL, 200},
    {"case assessments", false, NULL, NULL, U_CM_A, "GET", "/assessments", NULL, 200},
    {"case referrals", false, NULL, NULL, U_CM_A, "GET", "/referrals", NULL, 200},
    {"case close", false, NULL, NULL, U_CM_A, "POST", "/close", "{\"reason\":\"other\",\"note\":\"made-up\"}", 200},
    {"interaction create", false, NULL, NULL, U_CM_A, "POST", "/interactions",
     "{\"channel\":\"phone\",\"participants\":[\"child\"],\"summary\":\"made-up call\"}", 201},
    {"statistics opt-out", false, NULL, NULL, U_CM_A, "POST", "/statistics/opt-out", "{}", 200},
    {"case reopen", false, op_case_reopen, NULL},
    {"task update", false, op_task_update, NULL},
    {"consent withdraw", false, op_consent_withdraw, NULL},
    {"break-glass end", false, op_break_glass_end, NULL},
    {"grant approve", false, op_grant_approve, NULL},
    {"directory remove", false, op_directory_remove, NULL},
    {"agreement end", false, op_agreement_end, NULL},
    {"referral show", false, op_referral_show, NULL},
    {"org create", false, op_org_create, NULL},
    {"user disable", false, op_user_disable, NULL},
    {"user password", false, op_user_password, NULL},
    {"qualify", false, op_qualify, NULL},
    {"instrument score", false, op_score, NULL},
    {"export", false, op_import, export_csv},
};

/* ---- the sweep ------------------------------------------------------------------- */

static void prepare(fx *f, const op *o, request *r)
{
    if (o->prepare)
        o->prepare(f, r);
    else
        case_route(f, o, r);
}

static void arm(int kind, long n)
{
    if (kind == K_ALLOC)
        qg_alloc_fault_arm(n);
    else
        db_fault_arm((db_fault_kind)kind, n);
}

static bool disarm(int kind)
{
    if (kind == K_ALLOC) {
        qg_alloc_fault_disarm();
        return qg_alloc_fault_fired();
    }
    db_fault_disarm();
    return db_fault_fired();
}

/* A failure's answer: a 5xx with the JSON error object. */
static bool clean_error_answer(const answer *a)
{
    json_t *e = a->json ? json_object_get(a->json, "error") : NULL;
    return a->status >= 500 && a->status <= 599 && json_is_string(json_object_get(e, "code")) &&
           json_is_string(json_object_get(e, "message"));
}

/* Runs o once (armed or not); returns true when it succeeded. why gets the answer. */
static bool run_once(fx *f, const op *o, const request *r, int kind, long n, bool *fired, char *why, size_t size)
{
    bool ok;
    if (n > 0)
        arm(kind, n);
    if (r->direct) {
        qg_error err = {0};
        qg_code c = o->direct(f, &err);
        *fired = n > 0 && disarm(kind);
        ok = c == QG_OK;
        why[0] = '\0';
        if (!ok && (err.code != c || !err.message[0]))
            snprintf(why, size, "error %d without its message", (int)c);
        else if (!ok && !*fired)
            snprintf(why, size, "code %d: %s", (int)c, err.message);
        return ok;
    }
    answer a = send_armed(f, r->user, r->method, r->path, r->has_body ? r->body : NULL, n > 0 ? kind : -1, fired);
    ok = a.status == r->want;
    if (ok && a.status != 204 && (a.is_json || a.status >= 300) && !a.json)
        snprintf(why, size, "success %d without a JSON body (%.40s)", a.status, a.raw);
    else if (!ok && !clean_error_answer(&a))
        snprintf(why, size, "answer %d is not a 5xx JSON error (%.60s)", a.status, a.raw);
    else
        why[0] = '\0';
    json_decref(a.json);
    return ok;
}

/* make check samples every ALLOC_STRIDE-th allocation (from a start that differs per
 * operation); make faults takes every one. */
#define ALLOC_STRIDE 16

static void sweep(fx *f, const op *o, int kind, const int64_t *delta, long first, long stride)
{
    for (long n = first; n <= MAX_POINTS; n += stride) {
        request r = {.user = -1};
        prepare(f, o, &r);
        db_digest before, after;
        digest(f, &before);
        bool fired = false;
        char why[160] = "", chain[200];
        if (getenv("QORGAU_FAULTS_TRACE"))
            fprintf(stderr, "%s %s %ld\n", o->name, KIND_NAMES[kind], n);
        bool ok = run_once(f, o, &r, kind, n, &fired, why, sizeof why);
        digest(f, &after);
        if (fired)
            f->points++;
        /* A failure leaves the before-state; one after the commit (the answer lost) the
         * full after-state, as a success does. */
        const char *where = ok ? delta_diff(&before, &after, delta) : digest_diff(&before, &after);
        if (!ok && where && !delta_diff(&before, &after, delta)) {
            where = NULL;
            f->lost_answers++;
        }
        if (!ok && !fired)
            problem(f, "%s, %s %ld: failed with no fault (%s)", o->name, KIND_NAMES[kind], n, why);
        else if (why[0])
            problem(f, "%s, %s %ld: %s", o->name, KIND_NAMES[kind], n, why);
        if (where)
            problem(f, "%s, %s %ld: %s %s", o->name, KIND_NAMES[kind], n,
                    ok ? "succeeded but changed rows otherwise in" : "failed but left changes in", where);
        /* the chain can only have changed when some table did */
        if (digest_diff(&before, &after) && !chain_intact(f, chain, sizeof chain))
            problem(f, "%s, %s %ld: %s", o->name, KIND_NAMES[kind], n, chain);
        if (!fired)
            return;
    }
    problem(f, "%s, %s: still failing after %d points", o->name, KIND_NAMES[kind], MAX_POINTS);
}

/* A run without faults: must succeed; gives each table's change in rows. */
static void reference_run(fx *f, const op *o, int64_t *delta)
{
    request r = {.user = -1};
    prepare(f, o, &r);
    db_digest before, after;
    digest(f, &before);
    bool fired;
    char why[160] = "";
    if (!run_once(f, o, &r, 0, 0, &fired, why, sizeof why))
        fail_msg("%s does not succeed without faults: %s", o->name, why);
    digest(f, &after);
    assert_int_equal(before.count, after.count);
    for (int i = 0; i < before.count; i++)
        delta[i] = after.t[i].rows - before.t[i].rows;
}

static bool full_sweep(void)
{
    const char *v = getenv("QORGAU_FAULTS");
    return v && strcmp(v, "full") == 0;
}

static void run_all(bool pg)
{
    fx *f = fixture_open(pg);
    bool full = full_sweep();
    if (full) { /* a referral, its agreement and consent, and a task for the reads to list */
        char ref[64];
        new_referral(f, ref);
        request task = {.user = -1};
        op_task_create(f, &task);
        json_decref(must(f, task.user, task.method, task.path, task.body, task.want));
    }
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
        const char *only = getenv("QORGAU_FAULTS_ONLY"); /* one operation, when tracking a bug */
        if ((!full && !OPS[i].representative) || (only && strcmp(only, OPS[i].name) != 0))
            continue;
        int64_t delta[MAX_TABLES];
        reference_run(f, &OPS[i], delta);
        long before = f->points;
        for (int kind = 0; kind < K_COUNT && !getenv("QORGAU_FAULTS_REFONLY"); kind++) {
            bool sampled = kind == K_ALLOC && !full;
            sweep(f, &OPS[i], kind, delta, sampled ? 1 + (long)i % ALLOC_STRIDE : 1, sampled ? ALLOC_STRIDE : 1);
        }
        if (full)
            printf("# %-20s %5ld points\n", OPS[i].name, f->points - before);
    }
    printf("# faults (%s): %ld points, %ld problems (%ld answers lost after the commit)\n",
           pg ? "postgresql" : "sqlite", f->points, f->problems, f->lost_answers);
    for (long i = 0; i < f->problems && i < PROBLEMS_SHOWN; i++)
        printf("#   %s\n", f->first_problems[i]);
    long problems = f->problems;
    fixture_close(f);
    assert_int_equal(problems, 0);
}

/* QORGAU_FAULTS_ENGINE=sqlite or =postgresql runs the full sweep on that engine only. */
static bool engine_wanted(const char *name)
{
    const char *only = getenv("QORGAU_FAULTS_ENGINE");
    return !only || strcmp(only, name) == 0;
}

static void test_faults_sqlite(void **state)
{
    (void)state;
    if (!engine_wanted("sqlite"))
        skip();
    run_all(false);
}

static void test_faults_pg(void **state)
{
    (void)state;
    if (!engine_wanted("postgresql"))
        skip();
    if (!pg_url()) {
        if (getenv("QORGAU_TEST_PG_REQUIRED"))
            fail_msg("QORGAU_TEST_PG_REQUIRED is set but no PostgreSQL server is available");
        skip();
    }
    run_all(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults_sqlite),
        cmocka_unit_test(test_faults_pg),
    };
    /* make check: the representative sweep on SQLite only; make faults: both engines */
    if (!full_sweep() && !getenv("QORGAU_FAULTS_ENGINE"))
        return _cmocka_run_group_tests("faults", tests, 1, NULL, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
