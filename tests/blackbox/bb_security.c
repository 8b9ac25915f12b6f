/* bb_security.c — black-box security tests against the real binary and server: personal
 * data never reaches disk, WAL, backups or logs in plain text; the audit trail detects
 * every kind of tampering; a missing, foreign, unsafe or malformed key file stops the
 * server and the command line without touching the database; and a backup taken under
 * load restores to a working, verifiable copy. All data is made up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/qgtest.h"

#define SUP_LOGIN "sec.sup"
#define SUP_PASSWORD "Sec-Password-Qorgau-17"
#define REFUSE_TIMEOUT_MS 15000

/* ---- small helpers ------------------------------------------------------------- */

/* Fills out with n random lower-case letters and a NUL. */
static void random_letters(char *out, size_t n)
{
    unsigned char raw[64];
    int fd = open("/dev/urandom", O_RDONLY);
    assert_true(fd >= 0);
    assert_true(n <= sizeof raw);
    assert_int_equal(read(fd, raw, n), (ssize_t)n);
    close(fd);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('a' + raw[i] % 26);
    out[n] = '\0';
}

static int random_seed(void)
{
    char s[5];
    random_letters(s, 4);
    return (s[0] - 'a') * 300 + (s[1] - 'a') * 11 + (s[2] - 'a');
}

static bool copy_file(const char *from, const char *to, mode_t mode)
{
    size_t len = 0;
    char *data = qgt_read_file(from, &len);
    if (!data)
        return false;
    int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    bool ok = fd >= 0 && write(fd, data, len) == (ssize_t)len;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    free(data);
    return ok && chmod(to, mode) == 0;
}

static bool write_text(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return false;
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len;
    return close(fd) == 0 && ok && chmod(path, mode) == 0;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

/* Makes dst a fresh directory holding a copy of src's database (with its -wal when
 * there is one) and key file. */
static void clone_env(const qgt_env *src, qgt_env *dst)
{
    memset(dst, 0, sizeof *dst);
    snprintf(dst->dir, sizeof dst->dir, "/tmp/qgtest-XXXXXX");
    assert_non_null(mkdtemp(dst->dir));
    snprintf(dst->db, sizeof dst->db, "%s/qorgau.db", dst->dir);
    snprintf(dst->key, sizeof dst->key, "%s/qorgau.db.key", dst->dir);
    snprintf(dst->log, sizeof dst->log, "%s/server.log", dst->dir);
    assert_true(copy_file(src->db, dst->db, 0600));
    char from[QGT_PATH + 8], to[QGT_PATH + 8];
    snprintf(from, sizeof from, "%s-wal", src->db);
    snprintf(to, sizeof to, "%s-wal", dst->db);
    if (exists(from))
        assert_true(copy_file(from, to, 0600));
    assert_true(copy_file(src->key, dst->key, 0600));
}

/* qgt_server_start reads the port from the first "serving" line of e->log, so a
 * second start on the same environment needs the old log out of the way. */
static void move_log_aside(qgt_env *e)
{
    char old[QGT_PATH + 16];
    snprintf(old, sizeof old, "%s.old", e->log);
    rename(e->log, old);
}

/* Makes an environment with one organisation and one supervisor. */
static void env_with_supervisor(qgt_env *e)
{
    assert_true(qgt_env_init(e));
    int64_t org = qgt_org(e, "Security Test NGO", "ngo", "almaty");
    assert_true(org > 0);
    assert_true(qgt_user(e, org, SUP_LOGIN, "supervisor", SUP_PASSWORD) > 0);
}

/* Creates a case (personal may be NULL; borrowed) and copies its code into code.
 * Returns the HTTP status. */
static int create_case(qgt_env *e, const qgt_session *s, json_t *personal, char code[64])
{
    json_t *body = json_pack("{s:s, s:s}", "sex", "Feminine", "region", "almaty");
    if (personal)
        json_object_set(body, "personal", personal);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    httpc_response *r = qgt_call(e, s, "POST", "/api/v1/cases", text);
    free(text);
    if (!r)
        return -1;
    int status = r->status;
    code[0] = '\0';
    if (status == 201) {
        json_t *o = json_loads(r->body, 0, NULL);
        const char *c = json_string_value(json_object_get(o, "code"));
        snprintf(code, 64, "%s", c ? c : "");
        json_decref(o);
    }
    httpc_response_free(r);
    return status;
}

/* Reads a case's personal part; returns it (caller frees) or NULL. */
static json_t *read_personal(qgt_env *e, const qgt_session *s, const char *code)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s/personal", code);
    httpc_response *r = qgt_call(e, s, "GET", path, NULL);
    json_t *personal = NULL;
    if (r && r->status == 200) {
        json_t *o = json_loads(r->body, 0, NULL);
        personal = json_incref(json_object_get(o, "personal"));
        json_decref(o);
    }
    httpc_response_free(r);
    return personal;
}

static int audit_verify(qgt_env *e, char *out)
{
    const char *argv[] = {"audit", "verify", NULL};
    return qgt_cli(e, true, NULL, out, NULL, argv);
}

/* True when the verify output blames entry seq. */
static bool names_entry(const char *out, int64_t seq)
{
    char want[48];
    snprintf(want, sizeof want, "BROKEN at entry %lld:", (long long)seq);
    return strstr(out, want) != NULL;
}

/* ---- direct SQL on a stopped database -------------------------------------------- */

/* Runs sql on the database at path. Returns the SQLite result; errmsg (may be NULL,
 * 256 bytes) gets the error text. */
static int sql_exec(const char *path, const char *sql, char *errmsg)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL);
    char *msg = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
    if (errmsg)
        snprintf(errmsg, 256, "%s", msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(h);
    return rc;
}

/* Returns the integer in the first column of the first row of sql, or -1. */
static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* Copies the text in the first column of the first row of sql into out (size bytes). */
static bool sql_text(const char *path, const char *sql, char *out, size_t size)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    bool ok = false;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0)) {
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
        ok = true;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return ok;
}

static void drop_triggers(const char *path)
{
    assert_int_equal(sql_exec(path, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;", NULL),
                     SQLITE_OK);
}

/* ---- 1. canary ------------------------------------------------------------------ */

static void assert_absent(const char *path, const char *const *canaries, const char *where)
{
    for (const char *const *c = canaries; *c; c++)
        if (qgt_file_contains(path, *c))
            fail_msg("personal data canary #%d found in plain text in %s", (int)(c - canaries), where);
}

static void test_canary_never_on_disk(void **state)
{
    (void)state;
    qgt_env e;
    env_with_supervisor(&e);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session s;
    assert_int_equal(qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &s), 201);

    char suffix[11], given[64], family[96], notes[160], notes2[160], iin[13];
    random_letters(suffix, 10);
    snprintf(given, sizeof given, "Canaryzhan Testqyzy %s", suffix);
    snprintf(family, sizeof family, "Канарейкова-%s", suffix); /* Cyrillic: UTF-8 bytes */
    snprintf(notes, sizeof notes, "Canary note %s: met at the made-up bus station\nsecond line", suffix);
    snprintf(notes2, sizeof notes2, "Replaced canary note %s", suffix);
    qgt_make_iin(2011, 3, 14, 'F', random_seed(), iin);
    const char *const canaries[] = {given, family, notes, notes2, iin, suffix, NULL};

    json_t *personal = json_pack("{s:s, s:s, s:s, s:s}", "given_name", given, "family_name",
                                 family, "iin", iin, "notes", notes);
    char code[64], other[64];
    assert_int_equal(create_case(&e, &s, personal, code), 201);
    assert_true(strncmp(code, "QG-", 3) == 0);

    /* Read it back: the API returns exactly what was stored (so it was really stored). */
    json_t *back = read_personal(&e, &s, code);
    assert_non_null(back);
    assert_true(json_equal(back, personal));
    json_decref(back);

    /* The same IIN again is refused as a duplicate; the answer names no personal data. */
    httpc_response *r = NULL;
    {
        json_t *again = json_pack("{s:s}", "iin", iin);
        assert_int_equal(create_case(&e, &s, again, other), 409);
        json_decref(again);
    }

    /* Replace the personal part: the old sealed value must not linger either. */
    json_object_set_new(personal, "notes", json_string(notes2));
    char path[160], *body;
    snprintf(path, sizeof path, "/api/v1/cases/%s/personal", code);
    json_t *put = json_pack("{s:O}", "personal", personal);
    body = json_dumps(put, JSON_COMPACT);
    json_decref(put);
    r = qgt_call(&e, &s, "PUT", path, body);
    free(body);
    assert_non_null(r);
    assert_int_equal(r->status, 204);
    httpc_response_free(r);
    back = read_personal(&e, &s, code);
    assert_non_null(back);
    assert_true(json_equal(back, personal));
    json_decref(back);

    /* Lists and the audit trail never carry personal data. */
    r = qgt_call(&e, &s, "GET", "/api/v1/cases", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, code));
    for (const char *const *c = canaries; *c; c++)
        assert_null(strstr(r->body, *c));
    httpc_response_free(r);

    /* Requests that fail carry canaries in the path, the body and a header: neither the
     * answers nor the log may repeat them. */
    {
        char bad_path[160], bad[640];
        snprintf(bad_path, sizeof bad_path, "/api/v1/cases/QG-%s/personal", suffix);
        snprintf(bad, sizeof bad, "{\"sex\":\"Feminine\",\"personal\":{\"given_name\":\"%s\\u0001\"}}", given);
        const char *bodies[] = {
            NULL, bad, NULL, NULL, NULL,
        };
        char iin_bad[700], truncated[700], bad_family[700];
        snprintf(iin_bad, sizeof iin_bad, "{\"personal\":{\"given_name\":\"%s\",\"iin\":\"%s0\"}}", given, iin);
        snprintf(truncated, sizeof truncated, "{\"personal\":{\"given_name\":\"%s\"", given);
        snprintf(bad_family, sizeof bad_family, "{\"personal\":{\"family_name\":\"%s\",\"birth_date\":\"%s\"}}", family, suffix);
        bodies[2] = iin_bad;
        bodies[3] = truncated;
        bodies[4] = bad_family;
        for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
            r = i == 0 ? qgt_call(&e, &s, "GET", bad_path, NULL)
                       : qgt_call(&e, &s, "POST", "/api/v1/cases", bodies[i]);
            assert_non_null(r);
            assert_true(r->status >= 400 && r->status < 500);
            for (const char *const *c = canaries; *c; c++)
                if (strstr(r->body, *c))
                    fail_msg("error answer %zu repeats canary #%d: %s", i, (int)(c - canaries), r->body);
            httpc_response_free(r);
        }
        char raw[512];
        int n = snprintf(raw, sizeof raw, "GET /api/v1/cases/%s\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "X-Canary: %s\r\nCookie: %s\r\n\r\n", suffix, given, s.cookie);
        httpc_response_free(httpc_raw(e.port, raw, (size_t)n));
    }

    /* While the server runs, before any checkpoint: database, WAL and shared memory. */
    char wal[QGT_PATH + 8], shm[QGT_PATH + 8], backup[QGT_PATH + 16];
    snprintf(wal, sizeof wal, "%s-wal", e.db);
    snprintf(shm, sizeof shm, "%s-shm", e.db);
    assert_true(exists(wal));
    struct stat st;
    assert_int_equal(stat(wal, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* the WAL holds sealed data too */
    assert_int_equal(stat(shm, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(qgt_file_contains(wal, code)); /* positive control: the grep works */
    assert_absent(e.db, canaries, "the database file (server running)");
    assert_absent(wal, canaries, "the -wal file (server running)");
    assert_absent(shm, canaries, "the -shm file (server running)");

    /* A backup taken while the server runs. */
    snprintf(backup, sizeof backup, "%s/backup.db", e.dir);
    const char *bargv[] = {"backup", backup, NULL};
    char out[QGT_OUT], err[QGT_OUT];
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, bargv), 0);
    assert_true(qgt_file_contains(backup, code));
    assert_absent(backup, canaries, "the backup");
    for (const char *const *c = canaries; *c; c++) {
        assert_null(strstr(out, *c));
        assert_null(strstr(err, *c));
    }

    /* The audit trail, read from the command line. */
    const char *largv[] = {"audit", "list", "--limit", "500", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, largv), 0);
    assert_non_null(strstr(out, "personal.read"));
    assert_non_null(strstr(out, "case.duplicate_iin"));
    for (const char *const *c = canaries; *c; c++)
        assert_null(strstr(out, *c));

    /* After stop: the checkpointed database, any WAL left, the log. */
    assert_int_equal(qgt_server_stop(&e), 0);
    assert_true(qgt_file_contains(e.db, code)); /* positive control */
    assert_absent(e.db, canaries, "the database file (after stop)");
    assert_absent(wal, canaries, "the -wal file (after stop)");
    assert_absent(e.log, canaries, "the server log");
    assert_false(qgt_file_contains(e.log, SUP_PASSWORD));
    assert_true(qgt_file_contains(e.log, "serving http://")); /* the log is the right file */
    json_decref(personal);
    qgt_env_free(&e);
}

/* ---- 2. audit tamper ------------------------------------------------------------ */

/* Builds a database with some activity and stops its server. Returns the entry count. */
static int64_t env_with_activity(qgt_env *e)
{
    env_with_supervisor(e);
    assert_true(qgt_server_start(e, NULL));
    qgt_session s, s2;
    assert_int_equal(qgt_login(e, SUP_LOGIN, SUP_PASSWORD, &s), 201);
    assert_int_equal(qgt_login(e, SUP_LOGIN, "wrong-password-made-up", &s2), 401);
    assert_int_equal(qgt_login(e, SUP_LOGIN, SUP_PASSWORD, &s2), 201);
    char code[64], iin[13];
    for (int i = 0; i < 3; i++) {
        qgt_make_iin(2010, 1 + i, 10 + i, 'F', random_seed(), iin);
        json_t *personal = json_pack("{s:s, s:s}", "given_name", "Testgul Madeup", "iin", iin);
        assert_int_equal(create_case(e, i % 2 ? &s2 : &s, personal, code), 201);
        json_decref(personal);
    }
    json_t *back = read_personal(e, &s, code);
    assert_non_null(back);
    json_decref(back);
    assert_int_equal(qgt_server_stop(e), 0);
    char out[QGT_OUT];
    assert_int_equal(audit_verify(e, out), 0);
    assert_non_null(strstr(out, "intact"));
    int64_t n = sql_int(e->db, "SELECT max(seq) FROM audit");
    assert_true(n >= 8);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM audit"), n);
    return n;
}

/* Applies sql (after dropping the triggers) to a fresh copy of e, then expects verify
 * to fail naming bad_seq (0: any entry). */
static void expect_tamper_detected(const qgt_env *e, const char *sql, int64_t bad_seq)
{
    qgt_env t;
    clone_env(e, &t);
    drop_triggers(t.db);
    char errmsg[256], out[QGT_OUT];
    assert_int_equal(sql_exec(t.db, sql, errmsg), SQLITE_OK);
    assert_int_equal(audit_verify(&t, out), 1);
    assert_non_null(strstr(out, "BROKEN"));
    assert_null(strstr(out, "intact"));
    if (bad_seq && !names_entry(out, bad_seq))
        fail_msg("after \"%s\" verify should name entry %lld, said: %s", sql, (long long)bad_seq, out);
    qgt_env_free(&t);
}

/* Flips the last letter of one "case.create" that belongs to a live audit row, in the
 * bytes of the database file. Returns the seq of the altered entry, or -1. */
static int64_t flip_action_in_file(const char *path)
{
    size_t len = 0;
    char *data = qgt_read_file(path, &len);
    const char *needle = "case.create";
    size_t n = strlen(needle);
    int64_t seq = -1;
    int fd = open(path, O_WRONLY);
    for (size_t i = 0; data && fd >= 0 && seq < 0 && i + n <= len; i++) {
        if (memcmp(data + i, needle, n) != 0)
            continue;
        off_t at = (off_t)(i + n - 1);
        if (pwrite(fd, "E", 1, at) != 1)
            break;
        seq = sql_int(path, "SELECT seq FROM audit WHERE action = 'case.creatE'");
        if (seq < 0 && pwrite(fd, "e", 1, at) != 1) /* not a live row: put it back */
            break;
    }
    if (fd >= 0)
        close(fd);
    free(data);
    return seq;
}

static void test_audit_tamper_detected(void **state)
{
    (void)state;
    qgt_env e;
    int64_t n = env_with_activity(&e);
    int64_t mid = n / 2 + 1;
    char sql[512], errmsg[256], out[QGT_OUT];
    size_t used;

    /* The append-only triggers refuse UPDATE and DELETE through SQL. */
    {
        qgt_env t;
        clone_env(&e, &t);
        snprintf(sql, sizeof sql, "UPDATE audit SET detail = '{}' WHERE seq = %lld", (long long)mid);
        assert_int_not_equal(sql_exec(t.db, sql, errmsg), SQLITE_OK);
        assert_non_null(strstr(errmsg, "append-only"));
        snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq = %lld", (long long)mid);
        assert_int_not_equal(sql_exec(t.db, sql, errmsg), SQLITE_OK);
        assert_non_null(strstr(errmsg, "append-only"));
        assert_int_not_equal(sql_exec(t.db, "DELETE FROM audit", errmsg), SQLITE_OK);
        assert_int_equal(sql_int(t.db, "SELECT count(*) FROM audit"), n);
        assert_int_equal(audit_verify(&t, out), 0);
        qgt_env_free(&t);
    }

    /* (a) one row's detail, action, time or actor altered. */
    snprintf(sql, sizeof sql, "UPDATE audit SET detail = '{\"org_id\":99}' WHERE seq = %lld", (long long)mid);
    expect_tamper_detected(&e, sql, mid);
    expect_tamper_detected(&e, "UPDATE audit SET action = 'case.update' WHERE seq = 3", 3);
    expect_tamper_detected(&e, "UPDATE audit SET at = '2020-01-01T00:00:00Z' WHERE seq = 2", 2);
    snprintf(sql, sizeof sql, "UPDATE audit SET actor = 7 WHERE seq = %lld", (long long)n);
    expect_tamper_detected(&e, sql, n);
    /* (b) a middle row deleted. */
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq = %lld", (long long)mid);
    expect_tamper_detected(&e, sql, mid);
    /* (c) the newest row deleted; and the newest two. */
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq = %lld", (long long)n);
    expect_tamper_detected(&e, sql, n);
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq >= %lld", (long long)(n - 1));
    expect_tamper_detected(&e, sql, n - 1);
    /* ... and the recorded head moved back to the entry that is now the newest: all of
     * it is in the database, so only a keyed head can tell. */
    char prev_hash[80];
    snprintf(sql, sizeof sql, "SELECT hash FROM audit WHERE seq = %lld", (long long)(n - 1));
    assert_true(sql_text(e.db, sql, prev_hash, sizeof prev_hash));
    snprintf(sql, sizeof sql,
             "DELETE FROM audit WHERE seq = %lld;"
             " UPDATE meta SET value = '%lld:%s' WHERE key = 'audit_head'",
             (long long)n, (long long)(n - 1), prev_hash);
    expect_tamper_detected(&e, sql, n);
    used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, "; DELETE FROM meta WHERE key = 'audit_head_mac'");
    expect_tamper_detected(&e, sql, n);
    /* (d) a forged row at the end, linked to the real head, with a made-up hash; then
     * the same with the recorded head moved to it. */
    char head[80];
    snprintf(sql, sizeof sql, "SELECT hash FROM audit WHERE seq = %lld", (long long)n);
    assert_true(sql_text(e.db, sql, head, sizeof head));
    const char *forged = "abababababababababababababababababababababababababababababababab";
    snprintf(sql, sizeof sql,
             "INSERT INTO audit (seq, at, actor, action, object, detail, prev, hash) VALUES"
             " (%lld, '2026-01-01T00:00:00Z', NULL, 'user.create', 'user:9', '{}', '%s', '%s')",
             (long long)(n + 1), head, forged);
    expect_tamper_detected(&e, sql, n + 1);
    used = strlen(sql);
    snprintf(sql + used, sizeof sql - used,
             "; UPDATE meta SET value = '%lld:%s' WHERE key = 'audit_head'", (long long)(n + 1), forged);
    expect_tamper_detected(&e, sql, n + 1);
    /* A forged entry before the first. */
    expect_tamper_detected(&e,
                           "INSERT INTO audit (seq, at, actor, action, object, detail, prev, hash) VALUES"
                           " (0, '2026-01-01T00:00:00Z', NULL, 'user.create', 'user:9', '{}', 'x', 'y')",
                           0);
    /* The recorded head itself altered or removed. */
    expect_tamper_detected(&e, "UPDATE meta SET value = '1:0' WHERE key = 'audit_head'", 0);
    expect_tamper_detected(&e, "DELETE FROM meta WHERE key = 'audit_head'", 0);

    /* (e) one byte of an action string flipped directly in the database file. */
    {
        qgt_env t;
        clone_env(&e, &t);
        assert_int_equal(sql_exec(t.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL), SQLITE_OK);
        char wal[QGT_PATH + 8];
        snprintf(wal, sizeof wal, "%s-wal", t.db);
        unlink(wal); /* empty after the checkpoint; the file alone is the database */
        int64_t seq = flip_action_in_file(t.db);
        assert_true(seq >= 1 && seq <= n);
        char ok[32];
        assert_true(sql_text(t.db, "PRAGMA integrity_check", ok, sizeof ok));
        assert_string_equal(ok, "ok"); /* still a valid database */
        assert_int_equal(audit_verify(&t, out), 1);
        if (!names_entry(out, seq))
            fail_msg("byte flip in entry %lld not named: %s", (long long)seq, out);
        qgt_env_free(&t);
    }

    /* The original is untouched by all this. */
    assert_int_equal(audit_verify(&e, out), 0);
    assert_non_null(strstr(out, "intact"));
    qgt_env_free(&e);
}

/* ---- 3. key file ---------------------------------------------------------------- */

/* Runs `qorgau serve --port 0 --db e->db` expecting a refusal; its stdout and stderr go
 * to errout (QGT_OUT bytes). Returns its exit status, -1 when it died by a signal, or
 * -2 when it was still running after REFUSE_TIMEOUT_MS (it is then stopped). */
static int serve_refused(qgt_env *e, char *errout)
{
    char outfile[QGT_PATH + 16];
    snprintf(outfile, sizeof outfile, "%s/serve.out", e->dir);
    const char *bin = getenv("QORGAU_BIN");
    if (!bin || !*bin)
        bin = "build/asan/qorgau";
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(bin, bin, "serve", "--port", "0", "--db", e->db, (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int status = 0, waited = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (waited >= REFUSE_TIMEOUT_MS) {
            kill(pid, SIGTERM);
            waitpid(pid, &status, 0);
            status = -2;
            break;
        }
        poll(NULL, 0, 20);
        waited += 20;
    }
    char *text = qgt_read_file(outfile, NULL);
    snprintf(errout, QGT_OUT, "%s", text ? text : "");
    free(text);
    if (status == -2)
        return -2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct {
    const char *given; /* canary given name stored in the case */
    const char *iin;
} key_canaries;

static void assert_clean_output(const char *text, const key_canaries *k)
{
    assert_null(strstr(text, k->given));
    assert_null(strstr(text, k->iin));
    assert_null(strstr(text, SUP_PASSWORD));
    assert_null(strstr(text, "qorgau-key-v1"));
}

/* Expects the command line and the server to refuse this key file with exit 1 and a
 * message about the key, printing no personal data and changing nothing. */
static void expect_key_refused(qgt_env *e, const key_canaries *k, const char *why)
{
    size_t before_len = 0, after_len = 0;
    char *before = qgt_read_file(e->db, &before_len);
    assert_non_null(before);
    char out[QGT_OUT], err[QGT_OUT];
    const char *verify[] = {"audit", "verify", NULL};
    const char *list[] = {"audit", "list", NULL};
    const char *users[] = {"user", "list", NULL};
    const char *org[] = {"org", "add", "--name", "Refused Org", "--type", "ngo", "--region", "almaty", NULL};
    char backup_path[QGT_PATH + 32];
    snprintf(backup_path, sizeof backup_path, "%s/never-written.db", e->dir);
    const char *backup[] = {"backup", backup_path, NULL};
    const char *const *commands[] = {verify, list, users, org, backup};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int rc = qgt_cli(e, true, NULL, out, err, commands[i]);
        if (rc != 1 || !strstr(err, "key"))
            fail_msg("%s: `%s %s` gave exit %d, stderr: %s", why, commands[i][0], commands[i][1], rc, err);
        assert_string_equal(out, "");
        assert_clean_output(err, k);
    }
    assert_false(exists(backup_path));
    int rc = serve_refused(e, err);
    if (rc != 1 || !strstr(err, "key"))
        fail_msg("%s: serve gave exit %d, output: %s", why, rc, err);
    assert_null(strstr(err, "serving"));
    assert_clean_output(err, k);
    char *after = qgt_read_file(e->db, &after_len);
    assert_non_null(after);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    char wal[QGT_PATH + 8];
    snprintf(wal, sizeof wal, "%s-wal", e->db);
    size_t wal_len = 0;
    char *wal_data = qgt_read_file(wal, &wal_len);
    assert_true(!wal_data || wal_len == 0);
    free(wal_data);
    free(before);
    free(after);
}

static void test_key_file_refusals(void **state)
{
    (void)state;
    qgt_env e, other;
    env_with_supervisor(&e);
    char suffix[11], given[64], iin[13], code[64];
    random_letters(suffix, 10);
    snprintf(given, sizeof given, "Canaryzhan Keyqyzy %s", suffix);
    qgt_make_iin(2012, 7, 21, 'F', random_seed(), iin);
    key_canaries k = {.given = given, .iin = iin};
    assert_true(qgt_server_start(&e, NULL));
    qgt_session s;
    assert_int_equal(qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &s), 201);
    json_t *personal = json_pack("{s:s, s:s}", "given_name", given, "iin", iin);
    assert_int_equal(create_case(&e, &s, personal, code), 201);
    assert_int_equal(qgt_server_stop(&e), 0);
    int64_t entries = sql_int(e.db, "SELECT count(*) FROM audit");

    char saved[QGT_PATH + 16];
    snprintf(saved, sizeof saved, "%s/saved.key", e.dir);
    assert_true(copy_file(e.key, saved, 0600));

    /* Missing. */
    assert_int_equal(unlink(e.key), 0);
    expect_key_refused(&e, &k, "missing key file");
    assert_false(exists(e.key)); /* not silently re-created */

    /* Another database's key. */
    assert_true(qgt_env_init(&other));
    assert_true(copy_file(other.key, e.key, 0600));
    expect_key_refused(&e, &k, "another database's key");
    char out[QGT_OUT];
    assert_true(copy_file(saved, other.key, 0600)); /* and the other way round */
    assert_int_equal(audit_verify(&other, out), 1);
    qgt_env_free(&other);

    /* Unsafe modes. */
    assert_true(copy_file(saved, e.key, 0644));
    expect_key_refused(&e, &k, "key file mode 0644");
    assert_int_equal(chmod(e.key, 0620), 0);
    expect_key_refused(&e, &k, "key file mode 0620");
    assert_int_equal(chmod(e.key, 0601), 0);
    expect_key_refused(&e, &k, "key file mode 0601");

    /* Malformed. */
    size_t key_len = 0;
    char *good = qgt_read_file(saved, &key_len);
    assert_non_null(good);
    assert_int_equal(key_len, strlen("qorgau-key-v1 ") + 64 + 1);
    char bad[256];
    const char *upper = "QORGAU-KEY-V1 ";
    snprintf(bad, sizeof bad, "%.*s", (int)(key_len - 11), good); /* truncated */
    assert_true(write_text(e.key, bad, 0600));
    expect_key_refused(&e, &k, "truncated key file");
    assert_true(write_text(e.key, "", 0600));
    expect_key_refused(&e, &k, "empty key file");
    snprintf(bad, sizeof bad, "%s%s", upper, good + strlen(upper)); /* wrong magic */
    assert_true(write_text(e.key, bad, 0600));
    expect_key_refused(&e, &k, "key file with a wrong magic");
    snprintf(bad, sizeof bad, "%sextra\n", good); /* trailing garbage */
    assert_true(write_text(e.key, bad, 0600));
    expect_key_refused(&e, &k, "key file with trailing bytes");
    snprintf(bad, sizeof bad, "%s", good);
    for (char *p = bad + strlen(upper); *p; p++) /* upper-case hex */
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    assert_true(write_text(e.key, bad, 0600));
    expect_key_refused(&e, &k, "key file with upper-case hex");
    snprintf(bad, sizeof bad, "%s", good);
    bad[strlen(upper) + 5] = 'g'; /* not hex */
    assert_true(write_text(e.key, bad, 0600));
    expect_key_refused(&e, &k, "key file with a non-hex digit");
    assert_int_equal(unlink(e.key), 0);
    assert_int_equal(mkdir(e.key, 0700), 0); /* not a regular file */
    expect_key_refused(&e, &k, "key path is a directory");
    assert_int_equal(rmdir(e.key), 0);
    free(good);

    /* Nothing changed in the database through all the refusals. */
    assert_int_equal(sql_int(e.db, "SELECT count(*) FROM audit"), entries);

    /* QORGAU_KEY_FILE pointing at the moved key works, for the CLI and the server. */
    char moved_dir[QGT_PATH + 16], moved[QGT_PATH + 32];
    snprintf(moved_dir, sizeof moved_dir, "%s/elsewhere", e.dir);
    assert_int_equal(mkdir(moved_dir, 0700), 0);
    snprintf(moved, sizeof moved, "%s/master.key", moved_dir);
    assert_int_equal(rename(saved, moved), 0);
    assert_false(exists(e.key));
    assert_int_equal(setenv("QORGAU_KEY_FILE", moved, 1), 0);
    int rc = audit_verify(&e, out);
    move_log_aside(&e);
    bool started = rc == 0 && qgt_server_start(&e, NULL);
    json_t *back = NULL;
    if (started && qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &s) == 201)
        back = read_personal(&e, &s, code);
    int stopped = started ? qgt_server_stop(&e) : -1;
    unsetenv("QORGAU_KEY_FILE");
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "intact"));
    assert_true(started);
    assert_non_null(back);
    assert_true(json_equal(back, personal));
    assert_int_equal(stopped, 0);
    json_decref(back);
    /* Without the variable the key is missing again. */
    assert_int_equal(audit_verify(&e, out), 1);
    json_decref(personal);
    qgt_env_free(&e);
}

/* ---- 4. backup under load and restore ------------------------------------------- */

typedef struct {
    qgt_env *e;
    const qgt_session *s;
    atomic_bool stop;
    atomic_int created;
    atomic_int failed;
} load_ctx;

/* One supervisor registers many children with an IIN: not an IIN probe (issue 14). */
static const char *const UNLIMITED_IIN[] = {"--iin-per-user-hour", "100000", "--iin-per-org-hour",
                                            "100000", NULL};

static void *keep_creating(void *arg)
{
    load_ctx *ctx = arg;
    int i = 0;
    while (!atomic_load(&ctx->stop)) {
        char iin[13], code[64];
        qgt_make_iin(2009 + i % 8, 1 + i % 12, 1 + i % 28, 'F', 5000 + i, iin);
        json_t *personal = json_pack("{s:s, s:s}", "given_name", "Load Madeupova", "iin", iin);
        if (create_case(ctx->e, ctx->s, personal, code) == 201)
            atomic_fetch_add(&ctx->created, 1);
        else
            atomic_fetch_add(&ctx->failed, 1);
        json_decref(personal);
        i++;
    }
    return NULL;
}

static void wait_created(load_ctx *ctx, int at_least)
{
    for (int waited = 0; atomic_load(&ctx->created) < at_least && waited < 20000; waited += 10)
        poll(NULL, 0, 10);
    assert_true(atomic_load(&ctx->created) >= at_least);
}

static void test_backup_under_load_restores(void **state)
{
    (void)state;
    qgt_env e;
    env_with_supervisor(&e);
    assert_true(qgt_server_start(&e, UNLIMITED_IIN));
    qgt_session s;
    assert_int_equal(qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &s), 201);
    char code[64], iin[13];
    qgt_make_iin(2013, 11, 2, 'F', random_seed(), iin);
    json_t *personal = json_pack("{s:s, s:s, s:s, s:s, s:[s, s]}", "given_name", "Dana Madeupova",
                                 "family_name", "Ойдан-шығарылған", "iin", iin, "notes",
                                 "Made-up notes\nfor the backup test", "languages", "kk", "ru");
    assert_int_equal(create_case(&e, &s, personal, code), 201);

    load_ctx ctx = {.e = &e, .s = &s};
    atomic_init(&ctx.stop, false);
    atomic_init(&ctx.created, 0);
    atomic_init(&ctx.failed, 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, keep_creating, &ctx), 0);
    wait_created(&ctx, 3);
    char backup[QGT_PATH + 16], out[QGT_OUT], err[QGT_OUT];
    snprintf(backup, sizeof backup, "%s/live-backup.db", e.dir);
    const char *bargv[] = {"backup", backup, NULL};
    int created_before = atomic_load(&ctx.created);
    mode_t old_mask = umask(0); /* the backup's mode must not depend on the umask */
    int rc = qgt_cli(&e, true, NULL, out, err, bargv);
    umask(old_mask);
    int created_during = atomic_load(&ctx.created) - created_before;
    wait_created(&ctx, atomic_load(&ctx.created) + 2); /* the server still writes after it */
    atomic_store(&ctx.stop, true);
    pthread_join(th, NULL);
    if (rc != 0)
        fail_msg("backup under load failed (%d): %s", rc, err);
    assert_int_equal(atomic_load(&ctx.failed), 0);
    print_message("# backup: %d cases created before it, %d while it ran\n", created_before,
                  created_during);
    struct stat st;
    assert_int_equal(stat(backup, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* a backup holds sealed personal data */
    char partial[QGT_PATH + 32];
    snprintf(partial, sizeof partial, "%s.partial", backup);
    assert_false(exists(partial));

    /* A backup never replaces an existing file. */
    char taken[QGT_PATH + 16];
    snprintf(taken, sizeof taken, "%s/taken.db", e.dir);
    const char *precious = "precious made-up content, not a database\n";
    assert_true(write_text(taken, precious, 0600));
    const char *targv[] = {"backup", taken, NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, targv), 1);
    assert_non_null(strstr(err, "file"));
    size_t len = 0;
    char *still = qgt_read_file(taken, &len);
    assert_non_null(still);
    assert_string_equal(still, precious);
    free(still);
    snprintf(partial, sizeof partial, "%s.partial", taken);
    assert_false(exists(partial));
    const char *nargv[] = {"backup", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, out, err, nargv), 2);
    assert_int_equal(qgt_server_stop(&e), 0);

    /* Restore into a fresh directory with the original key. */
    qgt_env r;
    memset(&r, 0, sizeof r);
    snprintf(r.dir, sizeof r.dir, "/tmp/qgtest-XXXXXX");
    assert_non_null(mkdtemp(r.dir));
    snprintf(r.db, sizeof r.db, "%s/qorgau.db", r.dir);
    snprintf(r.key, sizeof r.key, "%s/qorgau.db.key", r.dir);
    snprintf(r.log, sizeof r.log, "%s/server.log", r.dir);
    assert_true(copy_file(backup, r.db, 0600));
    assert_true(copy_file(e.key, r.key, 0600));
    assert_int_equal(audit_verify(&r, out), 0);
    assert_non_null(strstr(out, "intact"));
    int64_t restored_cases = sql_int(r.db, "SELECT count(*) FROM cases");
    assert_true(restored_cases >= 1 + created_before);
    assert_true(restored_cases <= 1 + atomic_load(&ctx.created));
    assert_true(qgt_server_start(&r, NULL));
    qgt_session rs;
    assert_int_equal(qgt_login(&r, SUP_LOGIN, SUP_PASSWORD, &rs), 201);
    json_t *back = read_personal(&r, &rs, code);
    assert_non_null(back);
    assert_true(json_equal(back, personal));
    json_decref(back);
    assert_int_equal(qgt_server_stop(&r), 0);
    assert_int_equal(audit_verify(&r, out), 0);
    json_decref(personal);
    qgt_env_free(&r);
    qgt_env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canary_never_on_disk),
        cmocka_unit_test(test_audit_tamper_detected),
        cmocka_unit_test(test_key_file_refusals),
        cmocka_unit_test(test_backup_under_load_restores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
