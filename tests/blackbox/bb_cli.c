/* bb_cli.c — black-box tests of the qorgau command line: init, org, user, audit and the
 * top-level dispatcher. Exit codes (0 ok, 1 runtime failure, 2 bad input naming the
 * field on stderr), what each command changes and what it leaves alone, and that no
 * password or personal data ever shows up in its output. All data is made up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PW_ADMIN "Cli-Admin-Password-42"
#define PW_TWELVE "Twelve-Chr-1" /* exactly 12 characters: the shortest allowed */
#define PW_ELEVEN "Eleven-Ch-1"  /* 11 characters: one too short */
#define PW_SUP "Cli-Supervisor-Pass-7"
#define PW_CM "Cli-CaseManager-Pass-8"
#define PW_NEW "Cli-Brand-New-Password-9"
#define PW_SHORT_NEW "Short-New-5"

/* ---- running commands, keeping a transcript of everything they print ----------------- */

static char *transcript;
static size_t transcript_len;

static void transcript_add(const char *text)
{
    size_t n = strlen(text);
    char *bigger = realloc(transcript, transcript_len + n + 2);
    assert_non_null(bigger);
    transcript = bigger;
    memcpy(transcript + transcript_len, text, n);
    transcript_len += n;
    transcript[transcript_len++] = '\n';
    transcript[transcript_len] = '\0';
}

static int reset_transcript(void **state)
{
    (void)state;
    free(transcript);
    transcript = NULL;
    transcript_len = 0;
    return 0;
}

/* Every password and personal value a test used must be absent from all output. */
static void assert_transcript_clean(const char *const *secrets)
{
    for (const char *const *s = secrets; *s; s++)
        if (transcript && strstr(transcript, *s))
            fail_msg("secret #%d appeared in command-line output", (int)(s - secrets));
}

static char out[QGT_OUT], err[QGT_OUT];

/* Runs a command into the static out and err buffers and records both. */
static int run(qgt_env *e, bool with_db, const char *stdin_text, const char *const *argv)
{
    int rc = qgt_cli(e, with_db, stdin_text, out, err, argv);
    transcript_add(out);
    transcript_add(err);
    return rc;
}

/* Expects exit status want with stderr naming field as "...: FIELD: ..." and nothing on
 * stdout. */
static void expect_refused(qgt_env *e, bool with_db, const char *stdin_text, const char *const *argv,
                           int want, const char *field)
{
    int rc = run(e, with_db, stdin_text, argv);
    char named[80];
    snprintf(named, sizeof named, ": %s: ", field);
    if (rc != want || !strstr(err, named) || out[0])
        fail_msg("`%s %s ...` (case for %s): exit %d (want %d), stdout \"%s\", stderr \"%s\"",
                 argv[0], argv[1] ? argv[1] : "", field, rc, want, out, err);
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

static bool same_file(const char *path, const char *bytes, size_t len)
{
    size_t now_len = 0;
    char *now = qgt_read_file(path, &now_len);
    bool same = now && now_len == len && memcmp(now, bytes, len) == 0;
    free(now);
    return same;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

static void assert_mode_0600(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
}

static int64_t parse_id(const char *text)
{
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    return end != text && strcmp(end, "\n") == 0 ? v : -1;
}

/* ---- init ---------------------------------------------------------------------- */

static void test_init(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    assert_mode_0600(e.db);
    assert_mode_0600(e.key);

    /* A second init refuses and overwrites neither file. */
    size_t db_len = 0, key_len = 0;
    char *db = qgt_read_file(e.db, &db_len), *key = qgt_read_file(e.key, &key_len);
    assert_non_null(db);
    assert_non_null(key);
    const char *init[] = {"init", NULL};
    assert_int_equal(run(&e, true, NULL, init), 1);
    assert_non_null(strstr(err, "exists"));
    assert_true(same_file(e.db, db, db_len));
    assert_true(same_file(e.key, key, key_len));
    /* Only the key is there: still refused, nothing created. */
    char moved[QGT_PATH + 16];
    snprintf(moved, sizeof moved, "%s.moved", e.db);
    assert_int_equal(rename(e.db, moved), 0);
    assert_int_equal(run(&e, true, NULL, init), 1);
    assert_non_null(strstr(err, "key"));
    assert_false(exists(e.db));
    assert_true(same_file(e.key, key, key_len));
    assert_int_equal(rename(moved, e.db), 0);
    /* Only the database is there: refused, no new key made for it. */
    snprintf(moved, sizeof moved, "%s.moved", e.key);
    assert_int_equal(rename(e.key, moved), 0);
    assert_int_equal(run(&e, true, NULL, init), 1);
    assert_false(exists(e.key));
    assert_true(same_file(e.db, db, db_len));
    assert_int_equal(rename(moved, e.key), 0);
    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(run(&e, true, NULL, verify), 0);

    /* A fresh init says where it wrote, never what the key is. */
    char second[QGT_PATH + 16], second_key[QGT_PATH + 32];
    snprintf(second, sizeof second, "%s/second.db", e.dir);
    snprintf(second_key, sizeof second_key, "%s.key", second);
    const char *init2[] = {"init", "--db", second, NULL};
    mode_t old_mask = umask(0); /* the modes must not depend on the caller's umask */
    int rc_init2 = run(&e, false, NULL, init2);
    umask(old_mask);
    assert_int_equal(rc_init2, 0);
    assert_non_null(strstr(out, second));
    assert_mode_0600(second);
    assert_mode_0600(second_key);
    char *key2 = qgt_read_file(second_key, NULL);
    assert_non_null(key2);
    assert_true(strlen(key2) > 64);
    char hex[65];
    snprintf(hex, sizeof hex, "%s", key2 + strlen(key2) - 65); /* the 64 hex digits */
    assert_null(strstr(transcript, hex));
    free(key2);

    /* $QORGAU_DB names the database when --db is absent; --db wins over it. */
    char envdb[QGT_PATH + 16], envkey[QGT_PATH + 32];
    snprintf(envdb, sizeof envdb, "%s/from-env.db", e.dir);
    snprintf(envkey, sizeof envkey, "%s.key", envdb);
    assert_int_equal(setenv("QORGAU_DB", envdb, 1), 0);
    const char *org_add[] = {"org", "add", "--name", "Env Var NGO", "--type", "ngo", "--region", "astana", NULL};
    const char *org_list[] = {"org", "list", NULL};
    int rc_init = run(&e, false, NULL, init);
    bool made = exists(envdb) && exists(envkey);
    int rc_add = run(&e, false, NULL, org_add);
    int64_t id = parse_id(out);
    int rc_list = run(&e, false, NULL, org_list);
    bool listed = strstr(out, "Env Var NGO") != NULL;
    int rc_other = run(&e, true, NULL, org_list); /* explicit --db e.db */
    bool elsewhere = strstr(out, "Env Var NGO") != NULL;
    unsetenv("QORGAU_DB");
    assert_int_equal(rc_init, 0);
    assert_true(made);
    assert_mode_0600(envdb);
    assert_mode_0600(envkey);
    assert_int_equal(rc_add, 0);
    assert_int_equal(id, 1);
    assert_int_equal(rc_list, 0);
    assert_true(listed);
    assert_int_equal(rc_other, 0);
    assert_false(elsewhere);

    /* Neither: ./qorgau.db in the working directory. */
    char cwd[PATH_MAX], work[QGT_PATH + 16], local[QGT_PATH + 32];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(work, sizeof work, "%s/work", e.dir);
    snprintf(local, sizeof local, "%s/qorgau.db", work);
    assert_int_equal(mkdir(work, 0700), 0);
    assert_int_equal(chdir(work), 0);
    int rc_local = run(&e, false, NULL, init);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc_local, 0);
    assert_mode_0600(local);

    free(db);
    free(key);
    qgt_env_free(&e);
}

/* ---- org add ------------------------------------------------------------------- */

static void test_org_add(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    const char *good[] = {"org", "add", "--name", "Bala Qorgau NGO", "--type", "ngo", "--region", "almaty", NULL};
    assert_int_equal(run(&e, true, NULL, good), 0);
    int64_t first = parse_id(out);
    assert_true(first > 0);
    const char *good2[] = {"org", "add", "--region", "turkistan", "--type", "police", "--name", "Шымкент полициясы", NULL};
    assert_int_equal(run(&e, true, NULL, good2), 0);
    assert_int_equal(parse_id(out), first + 1);

    char long_name[260];
    memset(long_name, 'n', 201);
    long_name[201] = '\0';
    const struct {
        const char *argv[12];
        int want;
        const char *field;
    } bad[] = {
        {{"org", "add", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "X NGO", "--region", "almaty"}, 2, "type"},
        {{"org", "add", "--name", "X NGO", "--type", "ngo"}, 2, "region"},
        {{"org", "add", "--name", "X NGO", "--type", "spaceship", "--region", "almaty"}, 2, "type"},
        {{"org", "add", "--name", "X NGO", "--type", "NGO", "--region", "almaty"}, 2, "type"},
        {{"org", "add", "--name", "X NGO", "--type", "ngo", "--region", "atlantis"}, 2, "region"},
        {{"org", "add", "--name", "X NGO", "--type", "ngo", "--region", ""}, 2, "region"},
        {{"org", "add", "--name", "X NGO", "--type", "ngo", "--region", "almaty", "--colour", "red"}, 2, "colour"},
        {{"org", "add", "--name", "X NGO", "--name", "Y NGO", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "Bad\001Name", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "Tab\tName", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "New\nLine", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "Del\177Name", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "Bad \xff\xfe UTF-8", "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", long_name, "--type", "ngo", "--region", "almaty"}, 2, "name"},
        {{"org", "add", "--name", "Bala Qorgau NGO", "--type", "police", "--region", "astana"}, 1, "name"},
        /* An unquoted name with a space must not silently become "Bala". */
        {{"org", "add", "--name", "Bala", "Qorgau", "--type", "ngo", "--region", "almaty"}, 2, "arguments"},
        {{"org", "remove", "--name", "Bala Qorgau NGO"}, 2, "subcommand"},
        {{"org"}, 2, "subcommand"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(&e, true, NULL, bad[i].argv, bad[i].want, bad[i].field);
    /* An option without a value (--db first, since the harness appends it otherwise). */
    const char *no_value[] = {"org", "add", "--db", e.db, "--type", "ngo", "--region", "almaty", "--name", NULL};
    expect_refused(&e, false, NULL, no_value, 2, "name");

    /* Only the two good ones exist. */
    const char *list[] = {"org", "list", NULL};
    assert_int_equal(run(&e, true, NULL, list), 0);
    assert_int_equal(count_lines(out), 2);
    assert_non_null(strstr(out, "Bala Qorgau NGO"));
    assert_non_null(strstr(out, "Шымкент полициясы"));
    const char *list_extra[] = {"org", "list", "--name", "x", NULL};
    expect_refused(&e, true, NULL, list_extra, 2, "name");
    qgt_env_free(&e);
}

/* ---- user add, list ------------------------------------------------------------ */

static void test_user_add_and_list(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    int64_t org = qgt_org(&e, "User Test NGO", "ngo", "almaty");
    assert_true(org > 0);
    char org_id[24];
    snprintf(org_id, sizeof org_id, "%lld", (long long)org);

    const char *add_admin[] = {"user", "add", "--org", org_id, "--login", "cli.admin", "--role", "admin", NULL};
    assert_int_equal(run(&e, true, PW_ADMIN "\n", add_admin), 0);
    int64_t admin_id = parse_id(out);
    assert_true(admin_id > 0);
    const char *add_twelve[] = {"user", "add", "--org", org_id, "--login", "twelve_chars-ok", "--role", "analyst", NULL};
    assert_int_equal(run(&e, true, PW_TWELVE "\n", add_twelve), 0); /* the minimum length */
    assert_int_equal(parse_id(out), admin_id + 1);
    const char *add_crlf[] = {"user", "add", "--org", org_id, "--login", "crlf.user", "--role", "auditor", NULL};
    assert_int_equal(run(&e, true, PW_SUP "\r\n", add_crlf), 0); /* a Windows line end */

    char long_login[80], long_pw[1100];
    memset(long_login, 'l', 65);
    long_login[65] = '\0';
    memset(long_pw, 'p', 1025);
    long_pw[1025] = '\n';
    long_pw[1026] = '\0';
    const struct {
        const char *argv[12];
        const char *stdin_text;
        int want;
        const char *field;
    } bad[] = {
        {{"user", "add", "--org", org_id, "--login", "short.pw", "--role", "supervisor"}, PW_ELEVEN "\n", 2, "password"},
        {{"user", "add", "--org", org_id, "--login", "no.stdin", "--role", "supervisor"}, NULL, 2, "password"},
        {{"user", "add", "--org", org_id, "--login", "empty.pw", "--role", "supervisor"}, "\n", 2, "password"},
        {{"user", "add", "--org", org_id, "--login", "long.pw", "--role", "supervisor"}, long_pw, 2, "password"},
        {{"user", "add", "--org", org_id, "--login", "Bad Login", "--role", "supervisor"}, PW_SUP "\n", 2, "login"},
        {{"user", "add", "--org", org_id, "--login", "UPPER", "--role", "supervisor"}, PW_SUP "\n", 2, "login"},
        {{"user", "add", "--org", org_id, "--login", "mail@login", "--role", "supervisor"}, PW_SUP "\n", 2, "login"},
        {{"user", "add", "--org", org_id, "--login", "ab", "--role", "supervisor"}, PW_SUP "\n", 2, "login"},
        {{"user", "add", "--org", org_id, "--login", long_login, "--role", "supervisor"}, PW_SUP "\n", 2, "login"},
        {{"user", "add", "--org", org_id, "--role", "supervisor"}, PW_SUP "\n", 2, "login"},
        {{"user", "add", "--org", org_id, "--login", "no.role"}, PW_SUP "\n", 2, "role"},
        {{"user", "add", "--org", org_id, "--login", "wizard", "--role", "wizard"}, PW_SUP "\n", 2, "role"},
        {{"user", "add", "--org", org_id, "--login", "sys.user", "--role", "system"}, PW_SUP "\n", 2, "role"},
        {{"user", "add", "--org", org_id, "--login", "none.user", "--role", "none"}, PW_SUP "\n", 2, "role"},
        {{"user", "add", "--org", "999", "--login", "no.org", "--role", "supervisor"}, PW_SUP "\n", 2, "org"},
        {{"user", "add", "--org", "abc", "--login", "abc.org", "--role", "supervisor"}, PW_SUP "\n", 2, "org"},
        {{"user", "add", "--org", "1x", "--login", "onex.org", "--role", "supervisor"}, PW_SUP "\n", 2, "org"},
        {{"user", "add", "--org", "0", "--login", "zero.org", "--role", "supervisor"}, PW_SUP "\n", 2, "org"},
        {{"user", "add", "--org", "-1", "--login", "neg.org", "--role", "supervisor"}, PW_SUP "\n", 2, "org"},
        {{"user", "add", "--org", "", "--login", "empty.org", "--role", "supervisor"}, PW_SUP "\n", 2, "org"},
        {{"user", "add", "--login", "miss.org", "--role", "supervisor"}, PW_SUP "\n", 2, "org"},
        {{"user", "add", "--org", org_id, "--login", "x.user", "--role", "admin", "--password", "x"}, PW_SUP "\n", 2, "password"},
        {{"user", "add", "--org", org_id, "--login", "stray.arg", "--role", "admin", "extra"}, PW_SUP "\n", 2, "arguments"},
        {{"user", "frobnicate"}, NULL, 2, "subcommand"},
        {{"user"}, NULL, 2, "subcommand"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(&e, true, bad[i].stdin_text, bad[i].argv, bad[i].want, bad[i].field);

    /* A login already taken: a conflict, not bad input. */
    assert_int_equal(run(&e, true, PW_SUP "\n", add_admin), 1);
    assert_non_null(strstr(err, ": login: "));
    assert_string_equal(out, "");

    /* user list: the three good accounts, no password hashes. */
    const char *list[] = {"user", "list", NULL};
    assert_int_equal(run(&e, true, NULL, list), 0);
    assert_int_equal(count_lines(out), 3);
    assert_non_null(strstr(out, "cli.admin"));
    assert_non_null(strstr(out, "twelve_chars-ok"));
    assert_non_null(strstr(out, "crlf.user"));
    assert_non_null(strstr(out, "active"));
    assert_null(strstr(out, "$argon2"));
    assert_null(strstr(out, "no.stdin"));

    /* Passwords read from stdin are never echoed; nor is the hash anywhere. */
    assert_null(strstr(transcript, "$argon2"));
    const char *const secrets[] = {PW_ADMIN, PW_TWELVE, PW_ELEVEN, PW_SUP, long_pw + 1000, NULL};
    assert_transcript_clean(secrets);
    qgt_env_free(&e);
}

/* ---- user disable, passwd -------------------------------------------------------- */

static void test_user_disable_and_passwd(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    int64_t org = qgt_org(&e, "Passwd Test NGO", "ngo", "karaganda");
    assert_true(org > 0);
    assert_true(qgt_user(&e, org, "pw.sup", "supervisor", PW_SUP) > 0);
    assert_true(qgt_user(&e, org, "pw.cm", "case_manager", PW_CM) > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session sup, cm, again;
    assert_int_equal(qgt_login(&e, "pw.sup", PW_SUP, &sup), 201);
    assert_int_equal(qgt_login(&e, "pw.cm", PW_CM, &cm), 201);

    /* Disable while the server runs: the account can no longer log in and its open
     * session ends. */
    const char *disable[] = {"user", "disable", "--login", "pw.cm", NULL};
    assert_int_equal(run(&e, true, NULL, disable), 0);
    assert_int_equal(qgt_login(&e, "pw.cm", PW_CM, &again), 401);
    httpc_response *r = qgt_call(&e, &cm, "GET", "/api/v1/session", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 401);
    httpc_response_free(r);
    const char *list[] = {"user", "list", NULL};
    assert_int_equal(run(&e, true, NULL, list), 0);
    const char *cm_line = strstr(out, "pw.cm");
    assert_non_null(cm_line);
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(cm_line, "\n"), cm_line);
    assert_non_null(strstr(line, "\tdisabled\tconfirmed")); /* made on the server: no waiting */

    /* A new password: the old one stops working, the new one works, and the session
     * opened with the old one ends. */
    const char *passwd[] = {"user", "passwd", "--login", "pw.sup", NULL};
    assert_int_equal(run(&e, true, PW_NEW "\n", passwd), 0);
    assert_int_equal(qgt_login(&e, "pw.sup", PW_SUP, &again), 401);
    r = qgt_call(&e, &sup, "GET", "/api/v1/session", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 401);
    httpc_response_free(r);
    assert_int_equal(qgt_login(&e, "pw.sup", PW_NEW, &again), 201);

    /* Refusals change nothing. */
    expect_refused(&e, true, PW_SHORT_NEW "\n", passwd, 2, "password");
    expect_refused(&e, true, NULL, passwd, 2, "password");
    const char *passwd_nobody[] = {"user", "passwd", "--login", "no.such.user", NULL};
    expect_refused(&e, true, PW_NEW "\n", passwd_nobody, 1, "login");
    const char *disable_nobody[] = {"user", "disable", "--login", "no.such.user", NULL};
    expect_refused(&e, true, NULL, disable_nobody, 1, "login");
    const char *disable_bad[] = {"user", "disable", "--login", "Bad Login", NULL};
    expect_refused(&e, true, NULL, disable_bad, 2, "login");
    const char *disable_none[] = {"user", "disable", NULL};
    expect_refused(&e, true, NULL, disable_none, 2, "login");
    const char *passwd_none[] = {"user", "passwd", NULL};
    expect_refused(&e, true, PW_NEW "\n", passwd_none, 2, "login");
    assert_int_equal(qgt_login(&e, "pw.sup", PW_NEW, &again), 201);
    assert_int_equal(qgt_login(&e, "pw.sup", PW_SHORT_NEW, &again), 401);

    /* The audit trail records both changes. */
    const char *audit[] = {"audit", "list", NULL};
    assert_int_equal(run(&e, true, NULL, audit), 0);
    assert_non_null(strstr(out, "\"user.disable\""));
    assert_non_null(strstr(out, "\"user.passwd\""));

    assert_int_equal(qgt_server_stop(&e), 0);
    const char *secrets[] = {PW_SUP, PW_CM, PW_NEW, PW_SHORT_NEW, NULL};
    assert_transcript_clean(secrets);
    for (const char *const *s = secrets; *s; s++)
        assert_false(qgt_file_contains(e.log, *s));
    qgt_env_free(&e);
}

/* ---- audit and the dispatcher ------------------------------------------------------ */

static void test_audit_list_and_dispatch(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    int64_t org = qgt_org(&e, "Audit Test NGO", "ngo", "almaty");
    assert_true(org > 0);
    assert_true(qgt_user(&e, org, "audit.sup", "supervisor", PW_SUP) > 0);
    assert_true(qgt_user(&e, org, "audit.aud", "auditor", PW_CM) > 0);

    /* audit list: one JSON object per line, oldest first. */
    const char *list[] = {"audit", "list", NULL};
    assert_int_equal(run(&e, true, NULL, list), 0);
    assert_int_equal(count_lines(out), 4); /* database.init, org, two users */
    const char *line = out;
    for (int seq = 1; seq <= 4; seq++) {
        size_t n = strcspn(line, "\n");
        json_error_t jerr;
        json_t *o = json_loadb(line, n, 0, &jerr);
        assert_non_null(o);
        assert_true(json_is_object(o));
        assert_int_equal(json_integer_value(json_object_get(o, "seq")), seq);
        assert_non_null(json_string_value(json_object_get(o, "action")));
        assert_non_null(json_string_value(json_object_get(o, "at")));
        assert_int_equal(strlen(json_string_value(json_object_get(o, "hash"))), 64);
        assert_true(json_is_object(json_object_get(o, "detail")));
        if (seq == 1)
            assert_string_equal(json_string_value(json_object_get(o, "action")), "database.init");
        if (seq == 2)
            assert_string_equal(json_string_value(json_object_get(o, "action")), "org.create");
        json_decref(o);
        line += n + 1;
    }
    const char *limited[] = {"audit", "list", "--limit", "1", NULL};
    assert_int_equal(run(&e, true, NULL, limited), 0);
    assert_int_equal(count_lines(out), 1);
    assert_non_null(strstr(out, "\"seq\":1"));
    const char *after[] = {"audit", "list", "--after", "3", NULL};
    assert_int_equal(run(&e, true, NULL, after), 0);
    assert_int_equal(count_lines(out), 1);
    assert_non_null(strstr(out, "\"seq\":4"));
    const char *past_end[] = {"audit", "list", "--after", "4", NULL};
    assert_int_equal(run(&e, true, NULL, past_end), 0);
    assert_string_equal(out, "");

    const struct {
        const char *argv[8];
        bool with_db;
        const char *field;
    } bad[] = {
        {{"audit", "list", "--limit", "0"}, true, "limit"},
        {{"audit", "list", "--limit", "501"}, true, "limit"},
        {{"audit", "list", "--limit", "ten"}, true, "limit"},
        {{"audit", "list", "--after", "-1"}, true, "after"},
        {{"audit", "list", "--after", "1.5"}, true, "after"},
        {{"audit", "list", "--seq", "1"}, true, "seq"},
        {{"audit", "verify", "--limit", "1"}, true, "limit"},
        {{"audit", "verify", "extra"}, true, "arguments"},
        {{"audit", "list", "10"}, true, "arguments"},
        {{"audit", "remove"}, true, "subcommand"},
        {{"audit"}, true, "subcommand"},
        {{"frobnicate"}, false, "command"},
        {{"backup"}, true, "file"},
        {{"init", "extra"}, true, "arguments"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_refused(&e, bad[i].with_db, NULL, bad[i].argv, 2, bad[i].field);

    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(run(&e, true, NULL, verify), 0);
    assert_non_null(strstr(out, "intact: 4 entries"));

    /* help goes to stdout with status 0; no command is a usage error. */
    const char *help[] = {"help", NULL};
    assert_int_equal(run(&e, false, NULL, help), 0);
    assert_non_null(strstr(out, "usage: qorgau"));
    assert_non_null(strstr(out, "audit verify"));
    const char *dash_help[] = {"--help", NULL};
    assert_int_equal(run(&e, false, NULL, dash_help), 0);
    assert_non_null(strstr(out, "usage: qorgau"));
    const char *nothing[] = {NULL};
    assert_int_equal(run(&e, false, NULL, nothing), 2);
    assert_non_null(strstr(err, "usage: qorgau"));
    assert_string_equal(out, "");
    const char *unknown[] = {"frobnicate", NULL};
    assert_int_equal(run(&e, false, NULL, unknown), 2);
    assert_non_null(strstr(err, "usage: qorgau"));

    /* None of this wrote to the trail. */
    assert_int_equal(run(&e, true, NULL, verify), 0);
    assert_non_null(strstr(out, "intact: 4 entries"));
    qgt_env_free(&e);
}

/* ---- personal data never in CLI output ----------------------------------------------- */

static void test_no_personal_data_in_cli_output(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    int64_t org = qgt_org(&e, "Privacy Test NGO", "ngo", "almaty");
    assert_true(org > 0);
    assert_true(qgt_user(&e, org, "priv.sup", "supervisor", PW_SUP) > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session s;
    assert_int_equal(qgt_login(&e, "priv.sup", PW_SUP, &s), 201);
    char iin[13], given[64];
    qgt_make_iin(2010, 9, 30, 'M', (int)(getpid() % 9000), iin);
    snprintf(given, sizeof given, "Canaryjan Clitestuly %d", (int)getpid());
    json_t *body = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "sex", "Masculine", "region",
                             "almaty", "personal", "given_name", given, "iin", iin, "phone",
                             "+7 701 000 11 22", "address", "Made-up street 1, made-up town");
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    httpc_response *r = qgt_call(&e, &s, "POST", "/api/v1/cases", text);
    free(text);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    json_t *created = json_loads(r->body, 0, NULL);
    httpc_response_free(r);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s/personal",
             json_string_value(json_object_get(created, "code")));
    json_decref(created);
    r = qgt_call(&e, &s, "GET", path, NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, given)); /* it is stored */
    httpc_response_free(r);

    char backup[QGT_PATH + 16];
    snprintf(backup, sizeof backup, "%s/privacy-backup.db", e.dir);
    const char *org_list[] = {"org", "list", NULL};
    const char *user_list[] = {"user", "list", NULL};
    const char *audit_list[] = {"audit", "list", "--limit", "500", NULL};
    const char *verify[] = {"audit", "verify", NULL};
    const char *backup_cmd[] = {"backup", backup, NULL};
    const char *const *commands[] = {org_list, user_list, audit_list, verify, backup_cmd};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        assert_int_equal(run(&e, true, NULL, commands[i]), 0);
    assert_non_null(strstr(transcript, "\"personal.read\""));
    assert_int_equal(qgt_server_stop(&e), 0);
    const char *secrets[] = {given, iin, "701 000 11 22", "Made-up street", PW_SUP, NULL};
    assert_transcript_clean(secrets);
    for (const char *const *sec = secrets; *sec; sec++)
        assert_false(qgt_file_contains(e.log, *sec));
    qgt_env_free(&e);
}

/* ---- backup is audited -------------------------------------------------------------- */

static size_t occurrences(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_backup_is_audited(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    char target[QGT_PATH + 16];
    snprintf(target, sizeof target, "%s/copy.db", e.dir);
    const char *backup[] = {"backup", target, NULL};
    assert_int_equal(run(&e, true, NULL, backup), 0);
    const char *list[] = {"audit", "list", NULL};
    assert_int_equal(run(&e, true, NULL, list), 0);
    assert_int_equal(occurrences(out, "\"database.backup\""), 1);
    /* a refused backup (the target exists) writes no entry */
    assert_int_equal(run(&e, true, NULL, backup), 1);
    assert_int_equal(run(&e, true, NULL, list), 0);
    assert_int_equal(occurrences(out, "\"database.backup\""), 1);
    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(run(&e, true, NULL, verify), 0);
    qgt_env_free(&e);
}

int main(void)
{
    qgt_main_env(); /* the tests change directory once */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, reset_transcript),
        cmocka_unit_test_setup(test_org_add, reset_transcript),
        cmocka_unit_test_setup(test_user_add_and_list, reset_transcript),
        cmocka_unit_test_setup(test_user_disable_and_passwd, reset_transcript),
        cmocka_unit_test_setup(test_audit_list_and_dispatch, reset_transcript),
        cmocka_unit_test_setup(test_no_personal_data_in_cli_output, reset_transcript),
        cmocka_unit_test_setup(test_backup_is_audited, reset_transcript),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    reset_transcript(NULL);
    return failed;
}
