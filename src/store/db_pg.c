/*
 * db_pg.c — the PostgreSQL engine behind the storage interface in db.h, over libpq,
 * for deployments where several `qorgau serve` processes share one database.
 *
 * - Statements: '?' placeholders become $1..$n (a '?' inside quotes or comments is
 *   left alone); each SQL text is prepared once per connection under a generated name
 *   and cached by its pointer, like SQLite's statement cache.
 * - Parameters go as text, blobs as binary; results come back as text, read as a whole
 *   PGresult at the first db_step and held by the statement until db_done. Booleans
 *   read with db_col_int are 1/0; bytea is decoded into memory the statement owns.
 * - Errors: SQLSTATE class 23 (integrity) is QG_ECONFLICT; 53100 (disk full) and 25006
 *   (a read-only transaction: a standby, or default_transaction_read_only) are
 *   QG_EUNAVAIL "storage.full" and "storage.read_only", as SQLite's full or read-only
 *   disk; the rest QG_EDB. Messages carry the SQLSTATE only, never the server's text,
 *   which may quote a value.
 * - Writers: db_begin takes one transaction-scoped advisory lock, so write transactions
 *   of every process run one at a time, as SQLite's single writer does.
 * - A lost connection is re-opened at the next use outside a transaction.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_engine.h"
#include "store/schema.h"

#define STMT_CACHE 160 /* distinct SQL texts per connection */
#define BOOL_OID 16
#define BYTEA_OID 17
#define CONNECT_TIMEOUT "10" /* seconds; a URI may say otherwise */
/* Every Qorgau writer takes this advisory lock first: the constant is arbitrary but fixed. */
#define WRITE_LOCK "5139311749311234113"
#define BEGIN_SQL                                  \
    "BEGIN ISOLATION LEVEL READ COMMITTED;"        \
    "SET LOCAL lock_timeout = '10s';"              \
    "SELECT pg_advisory_xact_lock(" WRITE_LOCK ")"

typedef struct {
    db_stmt base;
    const char *sql; /* the cache key */
    char name[16];   /* the server-side name of the prepared statement */
    char *text;      /* sql with $n placeholders */
    bool prepared;   /* prepared in the current server session */
    int nparams;
    char **values;   /* owned parameter values; NULL is SQL NULL */
    int *lengths, *formats;
    bool bind_failed; /* a value could not be copied: the next step fails */
    PGresult *res;   /* the current execution's result; NULL before the first step */
    int row;         /* the current row; -1 before the first */
    unsigned char **blobs; /* decoded bytea of the current row, per column */
    size_t *blob_lens;
    int nblobs;
} pg_stmt;

typedef struct {
    struct db base;
    PGconn *h;
    pg_stmt *cache[STMT_CACHE];
    int cached;
    int changes; /* rows changed by the last INSERT, UPDATE or DELETE */
    bool in_tx;  /* inside db_begin .. db_commit/db_rollback */
} pg_db;

static pg_db *P(db *conn) { return (pg_db *)conn; }
static pg_stmt *ST(db_stmt *st) { return (pg_stmt *)st; }

/* A short, fixed description of a SQLSTATE class; never the server's message. */
static const char *state_class(const char *state)
{
    static const struct {
        const char *cls, *text;
    } classes[] = {
        {"08", "connection failure"},        {"22", "invalid value"},
        {"25", "invalid transaction state"}, {"40", "transaction rolled back"},
        {"42", "invalid statement"},         {"53", "insufficient resources"},
        {"55", "object not available"},      {"57", "server shutting down or query cancelled"},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strncmp(state, classes[i].cls, 2) == 0)
            return classes[i].text;
    return "error";
}

static qg_code fail_pg(qg_error *err, const PGresult *r, const char *what)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (!state || strlen(state) != 5)
        return qg_fail(err, QG_EDB, NULL, "storage.failure",
                       "%s: no answer from the database server", what);
    if (strncmp(state, "23", 2) == 0)
        return qg_fail(err, QG_ECONFLICT, NULL, "storage.constraint", "%s: constraint violated",
                       what);
    if (strcmp(state, "53100") == 0) /* disk_full */
        return qg_fail(err, QG_EUNAVAIL, NULL, "storage.full",
                       "%s: the database server's disk is full (SQLSTATE %s)", what, state);
    if (strcmp(state, "25006") == 0) /* read_only_sql_transaction: a standby, or read-only */
        return qg_fail(err, QG_EUNAVAIL, NULL, "storage.read_only",
                       "%s: the database is read-only (SQLSTATE %s)", what, state);
    return qg_fail(err, QG_EDB, NULL, "storage.failure", "%s: %s (SQLSTATE %s)", what,
                   state_class(state), state);
}

static bool result_ok(const PGresult *r)
{
    ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_EMPTY_QUERY;
}

/* Remembers the row count of an INSERT, UPDATE or DELETE, as sqlite3_changes does. */
static void note_changes(pg_db *c, PGresult *r)
{
    const char *tag = PQcmdStatus(r);
    if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
        strncmp(tag, "DELETE", 6) == 0)
        c->changes = (int)strtol(PQcmdTuples(r), NULL, 10);
}

/* Ensures the connection is up. A lost one is re-opened (its prepared statements are
 * prepared again when next used), but never inside a transaction: that has failed. */
static bool usable(pg_db *c, qg_error *err)
{
    if (PQstatus(c->h) == CONNECTION_OK)
        return true;
    if (c->in_tx) {
        qg_fail(err, QG_EDB, NULL, "storage.failure",
                "database connection lost during a transaction");
        return false;
    }
    PQreset(c->h);
    if (PQstatus(c->h) != CONNECTION_OK) {
        qg_fail(err, QG_EDB, NULL, "storage.failure",
                "database connection lost; reconnecting failed");
        return false;
    }
    for (int i = 0; i < c->cached; i++)
        c->cache[i]->prepared = false;
    return true;
}

static qg_code pg_exec(db *conn, const char *sql, qg_error *err)
{
    pg_db *c = P(conn);
    if (!usable(c, err))
        return err->code;
    PGresult *r = PQexec(c->h, sql);
    qg_code code = QG_OK;
    if (result_ok(r))
        note_changes(c, r);
    else
        code = fail_pg(err, r, "database statement failed");
    PQclear(r);
    return code;
}

/* ---- placeholders ---- */

typedef struct {
    char *buf; /* NULL: only count */
    size_t used, size;
    int params;
} sql_out;

static void put(sql_out *o, const char *p, size_t n)
{
    if (o->buf && o->used + n < o->size)
        memcpy(o->buf + o->used, p, n);
    o->used += n;
}

/* Returns the length of the quoted string, identifier or comment starting at p, or 0
 * when p starts none. A doubled quote inside stays inside. */
static size_t skip_span(const char *p)
{
    const char *end = NULL;
    if (*p == '\'' || *p == '"') {
        end = strchr(p + 1, *p);
        while (end && end[1] == *p)
            end = strchr(end + 2, *p);
        return end ? (size_t)(end - p) + 1 : strlen(p);
    }
    if (p[0] == '-' && p[1] == '-')
        return strcspn(p, "\n");
    if (p[0] == '/' && p[1] == '*') {
        end = strstr(p + 2, "*/");
        return end ? (size_t)(end - p) + 2 : strlen(p);
    }
    return 0;
}

/* Writes sql with every '?' outside quotes and comments as $1, $2 ... into o (or just
 * counts when o->buf is NULL). */
static void translate(const char *sql, sql_out *o)
{
    for (const char *p = sql; *p;) {
        size_t span = skip_span(p);
        if (span) {
            put(o, p, span);
            p += span;
        } else if (*p == '?') {
            char num[16];
            int n = snprintf(num, sizeof num, "$%d", ++o->params);
            put(o, num, (size_t)n);
            p++;
        } else {
            put(o, p++, 1);
        }
    }
    if (o->buf)
        o->buf[o->used < o->size ? o->used : o->size - 1] = '\0';
}

/* ---- statements ---- */

static void free_blobs(pg_stmt *s)
{
    for (int i = 0; i < s->nblobs; i++) {
        if (s->blobs[i])
            PQfreemem(s->blobs[i]);
        s->blobs[i] = NULL;
    }
}

static void clear_values(pg_stmt *s)
{
    for (int i = 0; i < s->nparams; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
        s->lengths[i] = 0;
        s->formats[i] = 0;
    }
    s->bind_failed = false;
}

static void stmt_free(pg_stmt *s)
{
    if (!s)
        return;
    free_blobs(s);
    PQclear(s->res);
    if (s->values)
        clear_values(s);
    free(s->values);
    free(s->lengths);
    free(s->formats);
    free(s->blobs);
    free(s->blob_lens);
    free(s->text);
    free(s);
}

static pg_stmt *stmt_new(db *conn, const char *sql, int slot)
{
    pg_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.owner = conn;
    s->sql = sql;
    s->row = -1;
    snprintf(s->name, sizeof s->name, "qg%d", slot);
    sql_out count = {0};
    translate(sql, &count);
    sql_out o = {.size = count.used + 1};
    s->text = o.buf = malloc(o.size);
    s->nparams = count.params;
    size_t n = s->nparams > 0 ? (size_t)s->nparams : 1;
    s->values = calloc(n, sizeof *s->values);
    s->lengths = calloc(n, sizeof *s->lengths);
    s->formats = calloc(n, sizeof *s->formats);
    if (!s->text || !s->values || !s->lengths || !s->formats) {
        stmt_free(s);
        return NULL;
    }
    translate(sql, &o);
    return s;
}

static bool server_prepare(pg_db *c, pg_stmt *s, qg_error *err)
{
    PGresult *r = PQprepare(c->h, s->name, s->text, 0, NULL);
    s->prepared = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!s->prepared)
        fail_pg(err, r, "cannot prepare statement");
    PQclear(r);
    return s->prepared;
}

static db_stmt *pg_prepare(db *conn, const char *sql, qg_error *err)
{
    pg_db *c = P(conn);
    for (int i = 0; i < c->cached; i++)
        if (c->cache[i]->sql == sql)
            return &c->cache[i]->base;
    if (c->cached == STMT_CACHE) { /* more distinct statements than the program has */
        qg_fail(err, QG_EDB, NULL, "storage.failure", "statement cache full");
        return NULL;
    }
    pg_stmt *s = stmt_new(conn, sql, c->cached);
    if (!s) {
        qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        return NULL;
    }
    if (!usable(c, err) || !server_prepare(c, s, err)) {
        stmt_free(s);
        return NULL;
    }
    c->cache[c->cached++] = s;
    return &s->base;
}

static void pg_done(db_stmt *st)
{
    pg_stmt *s = ST(st);
    free_blobs(s);
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    clear_values(s);
}

/* Stores value (owned, NULL for SQL NULL) as parameter i; failed marks a lost copy. */
static void set_param(pg_stmt *s, int i, char *value, int len, int format, bool failed)
{
    if (i < 1 || i > s->nparams) { /* like SQLite: an unknown index binds nothing */
        free(value);
        return;
    }
    free(s->values[i - 1]);
    s->values[i - 1] = value;
    s->lengths[i - 1] = len;
    s->formats[i - 1] = format;
    if (failed)
        s->bind_failed = true;
}

static void pg_bind_int(db_stmt *st, int i, int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRId64, v);
    char *copy = strdup(num);
    set_param(ST(st), i, copy, 0, 0, !copy);
}

static void pg_bind_text(db_stmt *st, int i, const char *v)
{
    char *copy = v ? strdup(v) : NULL;
    set_param(ST(st), i, copy, 0, 0, v && !copy);
}

static void pg_bind_blob(db_stmt *st, int i, const void *v, size_t len)
{
    if (!v) {
        set_param(ST(st), i, NULL, 0, 0, false);
        return;
    }
    char *copy = len <= INT_MAX ? malloc(len ? len : 1) : NULL;
    if (copy && len)
        memcpy(copy, v, len);
    set_param(ST(st), i, copy, copy ? (int)len : 0, 1, !copy);
}

static void pg_bind_null(db_stmt *st, int i) { set_param(ST(st), i, NULL, 0, 0, false); }

/* Runs the prepared statement with its parameters and keeps the whole result. */
static qg_code execute(pg_db *c, pg_stmt *s, qg_error *err)
{
    if (s->bind_failed)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (!usable(c, err) || (!s->prepared && !server_prepare(c, s, err)))
        return err->code;
    PGresult *r = PQexecPrepared(c->h, s->name, s->nparams, (const char *const *)s->values,
                                 s->lengths, s->formats, 0);
    if (!result_ok(r)) {
        qg_code code = fail_pg(err, r, "database step failed");
        PQclear(r);
        return code;
    }
    note_changes(c, r);
    s->res = r;
    s->row = -1;
    return QG_OK;
}

static int pg_step(db_stmt *st, qg_error *err)
{
    pg_stmt *s = ST(st);
    free_blobs(s);
    if (!s->res && execute(P(st->owner), s, err) != QG_OK)
        return -1;
    int rows = PQntuples(s->res);
    if (s->row < rows)
        s->row++;
    return s->row < rows ? 1 : 0;
}

/* ---- columns ---- */

static bool has_cell(const pg_stmt *s, int i)
{
    return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 && i < PQnfields(s->res);
}

static bool pg_col_null(db_stmt *st, int i)
{
    pg_stmt *s = ST(st);
    return !has_cell(s, i) || PQgetisnull(s->res, s->row, i);
}

static const char *pg_col_text(db_stmt *st, int i)
{
    pg_stmt *s = ST(st);
    return pg_col_null(st, i) ? NULL : PQgetvalue(s->res, s->row, i);
}

static int64_t pg_col_int(db_stmt *st, int i)
{
    const char *v = pg_col_text(st, i);
    if (!v)
        return 0;
    if (PQftype(ST(st)->res, i) == BOOL_OID)
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

/* Makes room for one decoded blob per column of the result. */
static bool blob_slots(pg_stmt *s)
{
    int n = PQnfields(s->res);
    if (s->nblobs >= n)
        return true;
    unsigned char **b = calloc((size_t)n, sizeof *b);
    size_t *l = calloc((size_t)n, sizeof *l);
    if (!b || !l) {
        free(b);
        free(l);
        return false;
    }
    free_blobs(s);
    free(s->blobs);
    free(s->blob_lens);
    s->blobs = b;
    s->blob_lens = l;
    s->nblobs = n;
    return true;
}

static const void *pg_col_blob(db_stmt *st, int i, size_t *len)
{
    pg_stmt *s = ST(st);
    *len = 0;
    if (pg_col_null(st, i))
        return NULL;
    const char *v = PQgetvalue(s->res, s->row, i);
    if (PQftype(s->res, i) != BYTEA_OID) {
        *len = (size_t)PQgetlength(s->res, s->row, i);
        return v;
    }
    if (!blob_slots(s))
        return NULL;
    if (!s->blobs[i])
        s->blobs[i] = PQunescapeBytea((const unsigned char *)v, &s->blob_lens[i]);
    *len = s->blobs[i] ? s->blob_lens[i] : 0;
    return s->blobs[i];
}

/* ---- connections and transactions ---- */

static int pg_changes(db *conn) { return P(conn)->changes; }

static void pg_rollback(db *conn)
{
    pg_db *c = P(conn);
    c->in_tx = false;
    PGTransactionStatusType t = PQtransactionStatus(c->h);
    if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
        PQclear(PQexec(c->h, "ROLLBACK"));
}

static qg_code pg_begin(db *conn, qg_error *err)
{
    qg_code code = pg_exec(conn, BEGIN_SQL, err);
    if (code != QG_OK) {
        pg_rollback(conn);
        return code;
    }
    P(conn)->in_tx = true;
    return QG_OK;
}

static qg_code pg_begin_read(db *conn, qg_error *err)
{
    qg_code code = pg_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
    if (code != QG_OK) {
        pg_rollback(conn);
        return code;
    }
    P(conn)->in_tx = true;
    return QG_OK;
}

static qg_code pg_commit(db *conn, qg_error *err)
{
    pg_db *c = P(conn);
    PGresult *r = PQexec(c->h, "COMMIT");
    qg_code code = QG_OK;
    if (!result_ok(r))
        code = fail_pg(err, r, "commit failed");
    else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) /* a failed transaction answers ROLLBACK */
        code = qg_fail(err, QG_EDB, NULL, "storage.failure",
                       "commit failed: the transaction had failed and was rolled back");
    PQclear(r);
    pg_rollback(conn);
    return code;
}

static qg_code pg_savepoint(db *conn, qg_error *err) { return pg_exec(conn, "SAVEPOINT job", err); }

static void pg_savepoint_release(db *conn) { PQclear(PQexec(P(conn)->h, "RELEASE SAVEPOINT job")); }

static void pg_savepoint_rollback(db *conn)
{
    PQclear(PQexec(P(conn)->h, "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"));
}

static qg_code pg_backup(db *conn, const char *path, qg_error *err)
{
    (void)conn;
    (void)path;
    return qg_fail(err, QG_EINVAL, "db", "backup.postgresql",
                   "is a PostgreSQL database: back it up with pg_dump or the server's replication;"
                   " 'qorgau backup' copies SQLite files only");
}

static void pg_close(db *conn)
{
    pg_db *c = P(conn);
    if (!c)
        return;
    for (int i = 0; i < c->cached; i++)
        stmt_free(c->cache[i]);
    PQfinish(c->h);
    free(c);
}

static void quiet(void *arg, const char *message)
{
    (void)arg; /* notices (e.g. "relation exists, skipping") are not ours to print */
    (void)message;
}

/* Copies the first line of libpq's connection error, printable ASCII only. */
static void first_line(const char *msg, char *out, size_t size)
{
    size_t n = 0;
    for (; msg && *msg && *msg != '\n' && n + 1 < size; msg++)
        out[n++] = (*msg >= 0x20 && *msg < 0x7f) ? *msg : '?';
    out[n] = '\0';
}

static qg_code connect_to(pg_db *c, const char *uri, qg_error *err)
{
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                                NULL};
    const char *const values[] = {CONNECT_TIMEOUT, "qorgau", uri, "UTF8", NULL};
    c->h = PQconnectdbParams(keys, values, 1);
    if (!c->h)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (PQstatus(c->h) != CONNECTION_OK) {
        char why[160];
        first_line(PQerrorMessage(c->h), why, sizeof why);
        return qg_fail(err, QG_EIO, "db", "storage.connect_failed",
                       "cannot connect to the PostgreSQL database: %s", why);
    }
    PQsetNoticeProcessor(c->h, quiet, NULL);
    return QG_OK;
}

/* create=true wants a database without Qorgau's tables; create=false one with them. */
static qg_code check_initialised(pg_db *c, bool create, qg_error *err)
{
    PGresult *r = PQexec(c->h, "SELECT to_regclass('meta') IS NOT NULL");
    if (!result_ok(r) || PQntuples(r) != 1) {
        qg_code code = fail_pg(err, r, "cannot read the database");
        PQclear(r);
        return code;
    }
    bool has_meta = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (create && has_meta)
        return qg_fail(err, QG_ECONFLICT, "db", "storage.exists",
                       "database already holds a Qorgau schema; it is never overwritten");
    if (!create && !has_meta)
        return qg_fail(err, QG_EIO, "db", "storage.not_initialised",
                       "database is not initialised; create it with 'qorgau init'");
    return QG_OK;
}

static qg_code pg_open(const char *path, bool create, db **out, qg_error *err)
{
    *out = NULL;
    pg_db *c = calloc(1, sizeof *c);
    if (!c)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    c->base.ops = &db_pg_ops;
    qg_code code = connect_to(c, path, err);
    if (code == QG_OK)
        code = check_initialised(c, create, err);
    if (code != QG_OK) {
        pg_close(&c->base);
        return code;
    }
    *out = &c->base;
    return QG_OK;
}

const db_ops db_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .done = pg_done,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_null = pg_col_null,
    .changes = pg_changes,
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .savepoint = pg_savepoint,
    .savepoint_release = pg_savepoint_release,
    .savepoint_rollback = pg_savepoint_rollback,
    .backup = pg_backup,
    .migration = schema_migration_pg,
};
