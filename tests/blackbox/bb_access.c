/*
 * bb_access.c — black-box access matrix: the real server, real HTTP, every role against
 * every route, on cases of the actor's own organisation and of another one.
 *
 * One server serves the whole file (group setup). Organisation A has an admin, a
 * supervisor, two case managers (a.cm1 is assigned, a.cm2 never is), two first
 * responders (a.fr1 opens the cases, a.fr2 opens none), an analyst and an auditor;
 * organisation B has a supervisor, a case manager and a first responder. Four cases:
 *
 *   A1  opened by a.fr1, never handed over
 *   A2  opened by a.fr1, then handed over to a.cm1 by a.sup
 *   B1  opened by b.fr, never handed over
 *   B2  opened by b.fr, then handed over to b.cm by b.sup
 *
 * The expectations are data, not code: tests/data/access.tsv holds one row per actor and
 * request (method, path, body, expected status and error code, what must not be echoed,
 * and the checks to make around it; the file's header explains the columns), so a reader
 * can audit them against the policy without reading test code, and adding a route adds
 * rows. Every (method, path) in it must have a row for each actor. Its three sections
 * ([case lists], [case routes], [other routes]) are three tests.
 *
 * Rows must not disturb later rows: PATCH and PUT write back the values the case
 * already has; assignments use a spare case manager of the case's organisation (never
 * one of the actors) and are undone after each row; disabling and password changes
 * hit throw-away users. After every case row the test also checks that a refused
 * request changed nothing (the case version, the assignment of the spare).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/child_code.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "access-matrix-password"
#define CASE_PATH_MAX 200
#define BODY_MAX 2048

/* ---- the people ---------------------------------------------------------------- */

enum { ORG_A, ORG_B, ORGS };

enum {
    ADMIN,     /* a.admin */
    A_SUP,     /* a.sup */
    A_CM1,     /* a.cm1: assigned to A2 */
    A_CM2,     /* a.cm2: assigned to nothing */
    A_FR1,     /* a.fr1: opened A1 and A2 */
    A_FR2,     /* a.fr2: opened nothing */
    A_ANALYST, /* a.analyst */
    A_AUDITOR, /* a.auditor */
    B_SUP,     /* b.sup */
    B_CM,      /* b.cm: assigned to B2 */
    B_FR,      /* b.fr: opened B1 and B2 */
    NOBODY,    /* no session cookie at all */
    ACTORS
};

static const struct {
    const char *login;
    const char *role;
    int org;
} actor_defs[NOBODY] = {
    [ADMIN] = {"a.admin", "admin", ORG_A},
    [A_SUP] = {"a.sup", "supervisor", ORG_A},
    [A_CM1] = {"a.cm1", "case_manager", ORG_A},
    [A_CM2] = {"a.cm2", "case_manager", ORG_A},
    [A_FR1] = {"a.fr1", "first_responder", ORG_A},
    [A_FR2] = {"a.fr2", "first_responder", ORG_A},
    [A_ANALYST] = {"a.analyst", "analyst", ORG_A},
    [A_AUDITOR] = {"a.auditor", "auditor", ORG_A},
    [B_SUP] = {"b.sup", "supervisor", ORG_B},
    [B_CM] = {"b.cm", "case_manager", ORG_B},
    [B_FR] = {"b.fr", "first_responder", ORG_B},
};

/* Case managers used only as assignees in the assignment rows, one per organisation. */
static const char *const spare_logins[ORGS] = {"a.spare.cm", "b.spare.cm"};

/* Throw-away users for the disable and password rows. */
#define DISABLE_TARGET "tmp.disable"
#define PASSWORD_TARGET "tmp.passwd"
#define OTHER_ORG_TARGET "b.tmp" /* of B: out of the admin of A's reach */

/* ---- the cases ----------------------------------------------------------------- */

enum { CASE_A1, CASE_A2, CASE_B1, CASE_B2, CASES };

static const char *const case_names[CASES] = {"A1", "A2", "B1", "B2"};
static const int case_org[CASES] = {ORG_A, ORG_A, ORG_B, ORG_B};
static const int case_opener[CASES] = {A_FR1, A_FR1, B_FR, B_FR};
static const int case_manager_of[CASES] = {-1, A_CM1, -1, B_CM}; /* -1: unassigned */
static const char *const case_region[CASES] = {"almaty", "almaty", "astana", "astana"};

/* Made-up children (never real people). The IIN is filled in by setup. */
static const char *const given_names[CASES] = {"Тестбала", "Сынақгүл", "Ойдантап",
                                               "Жасандыбек"};
static const char *const family_names[CASES] = {"Қанарейқызы", "Үлгіқызы", "Мысалов",
                                                "Болжамұлы"};
static const char sexes[CASES] = {'F', 'F', 'M', 'M'};

/* Field names of the personal part: none may ever appear outside /personal. */
static const char *const personal_keys[] = {"\"given_name\"", "\"family_name\"",
                                            "\"patronymic\"", "\"birth_date\"",
                                            "\"iin\"",        "\"personal\"",
                                            "\"address\"",    "\"phone\"",
                                            NULL};

/* ---- the fixture --------------------------------------------------------------- */

typedef struct {
    qgt_env env;
    int64_t org[ORGS];
    int64_t user_id[ACTORS];
    int64_t spare_id[ORGS];
    qgt_session s[ACTORS];
    char code[CASES][32];
    char iin[CASES][13];
    json_t *personal[CASES]; /* what each case's personal part holds */
    int opener_saw_a2_before_handover;
    int opener_saw_a2_after_handover;
    int serial; /* for unique names in create rows */
} fixture;

static fixture fx;

static const char *actor_name(int actor)
{
    return actor == NOBODY ? "nobody" : actor_defs[actor].login;
}

static int supervisor_of(int org) { return org == ORG_A ? A_SUP : B_SUP; }

static const qgt_session *session_of(int actor)
{
    return actor == NOBODY ? NULL : &fx.s[actor];
}

static void case_path(int kase, const char *suffix, char *out, size_t size)
{
    qgt_case_path(fx.code[kase], suffix, out, size);
}

/* The case's version as its organisation's supervisor sees it, or -1. */
static int64_t case_version(int kase)
{
    char path[CASE_PATH_MAX];
    case_path(kase, NULL, path, sizeof path);
    httpc_response *r = qgt_call(&fx.env, &fx.s[supervisor_of(case_org[kase])], "GET", path, NULL);
    json_t *o = r && r->status == 200 ? qgt_json(r) : NULL;
    int64_t v = o ? (int64_t)json_integer_value(json_object_get(o, "version")) : -1;
    json_decref(o);
    httpc_response_free(r);
    return v;
}

/* The supervisor of the case's organisation assigns (or removes) the spare case
 * manager; returns the status. */
static int owner_assign_spare(int kase, bool assign)
{
    int org = case_org[kase];
    char path[CASE_PATH_MAX], body[64];
    if (assign) {
        case_path(kase, "/assignments", path, sizeof path);
        snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.spare_id[org]);
        return qgt_status(qgt_call(&fx.env, &fx.s[supervisor_of(org)], "POST", path, body));
    }
    char suffix[64];
    snprintf(suffix, sizeof suffix, "/assignments/%lld", (long long)fx.spare_id[org]);
    case_path(kase, suffix, path, sizeof path);
    return qgt_status(qgt_call(&fx.env, &fx.s[supervisor_of(org)], "DELETE", path, NULL));
}

/* ---- group setup --------------------------------------------------------------- */

static char *case_create_body(int kase)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:O}", "sex",
                             sexes[kase] == 'F' ? "Feminine" : "Masculine", "region",
                             case_region[kase], "citizenship", "KZ", "identified_on",
                             "2024-05-01", "personal", fx.personal[kase]);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

/* Opens case kase as its opener; returns false on any surprise. */
static bool open_case(int kase)
{
    char *body = case_create_body(kase);
    httpc_response *r = qgt_call(&fx.env, &fx.s[case_opener[kase]], "POST", "/api/v1/cases", body);
    free(body);
    json_t *o = r && r->status == 201 ? qgt_json(r) : NULL;
    const char *code = json_string_value(json_object_get(o, "code"));
    bool ok = code && strlen(code) < sizeof fx.code[kase];
    if (ok)
        snprintf(fx.code[kase], sizeof fx.code[kase], "%s", code);
    else
        fprintf(stderr, "setup: opening case %s failed (status %d)\n", case_names[kase],
                r ? r->status : -1);
    json_decref(o);
    httpc_response_free(r);
    return ok;
}

/* The supervisor of the case's organisation hands it over to its case manager. */
static bool hand_over(int kase)
{
    int org = case_org[kase];
    char path[CASE_PATH_MAX], body[64];
    case_path(kase, "/assignments", path, sizeof path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}",
             (long long)fx.user_id[case_manager_of[kase]]);
    int status = qgt_status(qgt_call(&fx.env, &fx.s[supervisor_of(org)], "POST", path, body));
    if (status != 201)
        fprintf(stderr, "setup: handing over %s failed (status %d)\n", case_names[kase], status);
    return status == 201;
}

static bool make_people(void)
{
    fx.org[ORG_A] = qgt_org(&fx.env, "Access NGO A", "ngo", "almaty");
    fx.org[ORG_B] = qgt_org(&fx.env, "Access Police B", "police", "astana");
    if (fx.org[ORG_A] <= 0 || fx.org[ORG_B] <= 0)
        return false;
    for (int a = 0; a < NOBODY; a++) {
        fx.user_id[a] = qgt_user(&fx.env, fx.org[actor_defs[a].org], actor_defs[a].login,
                                 actor_defs[a].role, PASSWORD);
        if (fx.user_id[a] <= 0)
            return false;
    }
    for (int o = 0; o < ORGS; o++)
        if ((fx.spare_id[o] = qgt_user(&fx.env, fx.org[o], spare_logins[o], "case_manager",
                                       PASSWORD)) <= 0)
            return false;
    return qgt_user(&fx.env, fx.org[ORG_A], DISABLE_TARGET, "analyst", PASSWORD) > 0 &&
           qgt_user(&fx.env, fx.org[ORG_A], PASSWORD_TARGET, "analyst", PASSWORD) > 0 &&
           qgt_user(&fx.env, fx.org[ORG_B], OTHER_ORG_TARGET, "analyst", PASSWORD) > 0;
}

static void make_children(void)
{
    static const int birth[CASES][3] = {{2011, 3, 4}, {2009, 11, 30}, {2012, 7, 15}, {2008, 1, 9}};
    for (int k = 0; k < CASES; k++) {
        char birth_date[11];
        qgt_make_iin(birth[k][0], birth[k][1], birth[k][2], sexes[k], 100 + 37 * k, fx.iin[k]);
        snprintf(birth_date, sizeof birth_date, "%04d-%02d-%02d", birth[k][0], birth[k][1],
                 birth[k][2]);
        fx.personal[k] = json_pack("{s:s, s:s, s:s, s:s}", "given_name", given_names[k],
                                   "family_name", family_names[k], "birth_date", birth_date,
                                   "iin", fx.iin[k]);
    }
}

static int group_setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof fx);
    if (!qgt_env_init(&fx.env) || !make_people())
        return -1;
    make_children();
    if (!qgt_server_start(&fx.env, NULL))
        return -1;
    for (int a = 0; a < NOBODY; a++)
        if (qgt_login(&fx.env, actor_defs[a].login, PASSWORD, &fx.s[a]) != 201)
            return -1;
    for (int k = 0; k < CASES; k++)
        if (!open_case(k))
            return -1;
    char path[CASE_PATH_MAX];
    case_path(CASE_A2, NULL, path, sizeof path);
    fx.opener_saw_a2_before_handover =
        qgt_status(qgt_call(&fx.env, &fx.s[A_FR1], "GET", path, NULL));
    if (!hand_over(CASE_A2) || !hand_over(CASE_B2))
        return -1;
    fx.opener_saw_a2_after_handover =
        qgt_status(qgt_call(&fx.env, &fx.s[A_FR1], "GET", path, NULL));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int k = 0; k < CASES; k++)
        json_decref(fx.personal[k]);
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- tests --------------------------------------------------------------------- */

/* The opener sees a case until it is handed over to a case manager, then not at all. */
static void test_handover_hides_case_from_opener(void **state)
{
    (void)state;
    assert_int_equal(fx.opener_saw_a2_before_handover, 200);
    assert_int_equal(fx.opener_saw_a2_after_handover, 404);
    char path[CASE_PATH_MAX];
    case_path(CASE_A2, "/personal", path, sizeof path);
    assert_int_equal(qgt_status(qgt_call(&fx.env, &fx.s[A_FR1], "GET", path, NULL)), 404);
    /* The supervisor sees the handover: a.cm1 is the case manager. */
    case_path(CASE_A2, NULL, path, sizeof path);
    httpc_response *r = qgt_call(&fx.env, &fx.s[A_SUP], "GET", path, NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    json_t *o = qgt_json(r);
    json_t *managers = json_object_get(o, "case_managers");
    assert_int_equal(json_array_size(managers), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(managers, 0), "user_id")),
                     fx.user_id[A_CM1]);
    json_decref(o);
    httpc_response_free(r);
}

static bool body_has_personal_data(const httpc_response *r)
{
    for (const char *const *k = personal_keys; *k; k++)
        if (strstr(r->body, *k))
            return true;
    for (int c = 0; c < CASES; c++)
        if (strstr(r->body, given_names[c]) || strstr(r->body, family_names[c]) ||
            strstr(r->body, fx.iin[c]))
            return true;
    return false;
}

/* A case hidden from the actor is answered byte for byte like a case that does not
 * exist, so other organisations cannot learn that it does. */
static void test_hidden_case_answers_like_absent_case(void **state)
{
    (void)state;
    char absent[QG_CODE_SIZE], path[CASE_PATH_MAX];
    child_code_new(absent);
    for (int route = 0; route < 2; route++) {
        const char *suffix = route == 0 ? "" : "/personal";
        snprintf(path, sizeof path, "/api/v1/cases/%s%s", absent, suffix);
        httpc_response *none = qgt_call(&fx.env, &fx.s[B_SUP], "GET", path, NULL);
        case_path(CASE_A1, suffix, path, sizeof path);
        httpc_response *hidden = qgt_call(&fx.env, &fx.s[B_SUP], "GET", path, NULL);
        assert_non_null(none);
        assert_non_null(hidden);
        assert_int_equal(none->status, 404);
        assert_int_equal(hidden->status, 404);
        assert_string_equal(none->body, hidden->body);
        assert_null(strstr(hidden->body, fx.code[CASE_A1]));
        httpc_response_free(none);
        httpc_response_free(hidden);
    }
}

/* ---- the table (tests/data/access.tsv) ----------------------------------------- */

#define ROW_FIELDS 8
#define ROW_MAX 4096

typedef struct {
    int line;        /* in the file, for messages */
    int actor;
    int kase;        /* the case named in the path, or -1 */
    char *method;    /* the fields point into text */
    char *path;      /* template */
    char *body;      /* template, NULL for none */
    int status;
    char *error;     /* expected error code, NULL for none */
    char *no_echo;   /* comma-separated, NULL for none */
    char *checks;    /* comma-separated, NULL for none */
    char *text;      /* the row's own copy of its line */
} access_row;

typedef struct {
    access_row *rows;
    size_t count;
} access_table;

static const char *table_file(char *out, size_t size)
{
    const char *dir = getenv("QORGAU_TEST_DATA");
    snprintf(out, size, "%s/access.tsv", dir && *dir ? dir : "tests/data");
    return out;
}

/* The actor whose login is name ("nobody" for none), or -1. */
static int actor_by_name(const char *name)
{
    if (strcmp(name, "nobody") == 0)
        return NOBODY;
    for (int a = 0; a < NOBODY; a++)
        if (strcmp(name, actor_defs[a].login) == 0)
            return a;
    return -1;
}

/* The case whose placeholder ({A1} ...) is in path, or -1. */
static int case_in_path(const char *path)
{
    for (int k = 0; k < CASES; k++) {
        char mark[8];
        snprintf(mark, sizeof mark, "{%s}", case_names[k]);
        if (strstr(path, mark))
            return k;
    }
    return -1;
}

/* Splits line at tabs into ROW_FIELDS fields ("-" becomes NULL); false when it has
 * another number of fields. */
static bool split_fields(char *line, char *field[ROW_FIELDS])
{
    char *p = line;
    for (int n = 0; n < ROW_FIELDS; n++) {
        field[n] = p;
        char *tab = strchr(p, '\t');
        if (n == ROW_FIELDS - 1 && tab)
            return false; /* one field too many */
        if (n < ROW_FIELDS - 1 && !tab)
            return false; /* too few */
        if (tab) {
            *tab = '\0';
            p = tab + 1;
        }
    }
    for (int i = 0; i < ROW_FIELDS; i++)
        if (strcmp(field[i], "-") == 0)
            field[i] = NULL;
    return true;
}

/* Parses one data line into row (which takes line); false with a message when bad. */
static bool parse_row(char *line, int number, access_row *row)
{
    char *f[ROW_FIELDS];
    row->text = line;
    row->line = number;
    if (!split_fields(line, f) || !f[0] || !f[1] || !f[2] || !f[4]) {
        print_error("access.tsv:%d: want %d tab-separated fields\n", number, ROW_FIELDS);
        return false;
    }
    row->actor = actor_by_name(f[0]);
    char *end = NULL;
    long status = strtol(f[4], &end, 10);
    if (row->actor < 0 || *end || status < 100 || status > 599) {
        print_error("access.tsv:%d: unknown actor or bad status\n", number);
        return false;
    }
    row->method = f[1];
    row->path = f[2];
    row->body = f[3];
    row->status = (int)status;
    row->error = f[5];
    row->no_echo = f[6];
    row->checks = f[7];
    row->kase = case_in_path(row->path);
    return true;
}

static void table_free(access_table *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->rows[i].text);
    free(t->rows);
    t->rows = NULL;
    t->count = 0;
}

/* The sections of the table, each run by one test, in this order. */
static const char *const table_sections[] = {"case lists", "case routes", "other routes"};

/* True when line is a section header "[name]" (name into section, size bytes); false
 * with a message when the name is not one of table_sections. */
static bool section_header(const char *line, int number, char *section, size_t size, bool *ok)
{
    size_t len = strlen(line);
    if (line[0] != '[' || len < 2 || line[len - 1] != ']')
        return false;
    snprintf(section, size, "%.*s", (int)(len - 2), line + 1);
    *ok = false;
    for (size_t i = 0; i < sizeof table_sections / sizeof table_sections[0]; i++)
        *ok = *ok || strcmp(section, table_sections[i]) == 0;
    if (!*ok)
        print_error("access.tsv:%d: unknown section [%s]\n", number, section);
    return true;
}

/* Reads the rows of one section of the table; false (with a message) when the file
 * cannot be read, a section is unknown or a row is bad. */
static bool table_load(access_table *t, const char *want)
{
    char name[1024], line[ROW_MAX], section[64] = "";
    FILE *f = fopen(table_file(name, sizeof name), "r");
    if (!f) {
        print_error("cannot read %s\n", name);
        return false;
    }
    size_t cap = 0;
    bool ok = true;
    for (int number = 1; ok && fgets(line, sizeof line, f); number++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#' ||
            section_header(line, number, section, sizeof section, &ok))
            continue;
        if (section[0] == '\0') {
            print_error("access.tsv:%d: a row before any [section]\n", number);
            ok = false;
        }
        if (strcmp(section, want) != 0)
            continue;
        if (t->count == cap) {
            cap = cap ? cap * 2 : 256;
            access_row *grown = realloc(t->rows, cap * sizeof *grown);
            assert_non_null(grown);
            t->rows = grown;
        }
        char *copy = strdup(line);
        assert_non_null(copy);
        ok = parse_row(copy, number, &t->rows[t->count]);
        if (ok)
            t->count++;
        else
            free(copy);
    }
    fclose(f);
    return ok;
}

/* Every (method, path) must have exactly one row per actor; returns the number of
 * (method, path) pairs, or -1 (with a message) when one is incomplete. */
static int table_routes(const access_table *t)
{
    int routes = 0;
    for (size_t i = 0; i < t->count; i++) {
        const access_row *r = &t->rows[i];
        bool first = true;
        int seen[ACTORS] = {0};
        for (size_t j = 0; j < t->count; j++) {
            const access_row *o = &t->rows[j];
            if (strcmp(o->method, r->method) != 0 || strcmp(o->path, r->path) != 0)
                continue;
            first = first && j >= i;
            seen[o->actor]++;
        }
        if (!first)
            continue;
        routes++;
        for (int a = 0; a < ACTORS; a++)
            if (seen[a] != 1) {
                print_error("access.tsv:%d: %s %s has %d rows for %s, want 1\n", r->line,
                            r->method, r->path, seen[a], actor_name(a));
                return -1;
            }
    }
    return routes;
}

/* ---- placeholders ---------------------------------------------------------------- */

/* Appends text (len bytes) to out at *at; false when it does not fit. */
static bool put(char *out, size_t size, size_t *at, const char *text, size_t len)
{
    if (*at + len >= size)
        return false;
    memcpy(out + *at, text, len);
    *at += len;
    out[*at] = '\0';
    return true;
}

/* The value of placeholder name (without braces) for a row on case kase with number
 * serial, into value; false when name is unknown. */
static bool placeholder(const char *name, size_t len, int kase, int serial, char *value,
                        size_t size)
{
    for (int k = 0; k < CASES; k++)
        if (strlen(case_names[k]) == len && strncmp(name, case_names[k], len) == 0) {
            snprintf(value, size, "%s", fx.code[k]);
            return true;
        }
    if (len == 5 && strncmp(name, "spare", 5) == 0 && kase >= 0) {
        snprintf(value, size, "%lld", (long long)fx.spare_id[case_org[kase]]);
        return true;
    }
    if (len == 1 && name[0] == 'n') {
        snprintf(value, size, "%d", serial);
        return true;
    }
    if (len == 5 && strncmp(name, "org:", 4) == 0 && (name[4] == 'A' || name[4] == 'B')) {
        snprintf(value, size, "%lld", (long long)fx.org[name[4] == 'A' ? ORG_A : ORG_B]);
        return true;
    }
    if (len == 8 && strncmp(name, "personal", 8) == 0 && kase >= 0) {
        char *text = json_dumps(fx.personal[kase], JSON_COMPACT);
        bool fits = text && strlen(text) < size;
        if (fits)
            snprintf(value, size, "%s", text);
        free(text);
        return fits;
    }
    return false;
}

/* Expands the placeholders of tmpl (see access.tsv) into out; false when one is unknown
 * or the result does not fit (a defect of the table, reported by the caller). JSON braces
 * are kept: only {name} with a known name is replaced. */
static bool expand(const char *tmpl, int kase, int serial, char *out, size_t size)
{
    size_t at = 0;
    out[0] = '\0';
    for (const char *p = tmpl; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        char value[BODY_MAX];
        if (close && placeholder(p + 1, (size_t)(close - p - 1), kase, serial, value,
                                 sizeof value)) {
            if (!put(out, size, &at, value, strlen(value)))
                return false;
            p = close + 1;
        } else if (!put(out, size, &at, p++, 1)) {
            return false;
        }
    }
    return true;
}

/* True when the comma-separated list holds item. */
static bool has_item(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

/* The text after prefix of the list item that starts with it (up to the next comma,
 * into out), or NULL when there is none. */
static const char *item_value(const char *list, const char *prefix, char *out, size_t size)
{
    size_t n = strlen(prefix);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len >= n && strncmp(p, prefix, n) == 0 && len - n < size) {
            memcpy(out, p + n, len - n);
            out[len - n] = '\0';
            return out;
        }
        p = comma ? comma + 1 : NULL;
    }
    return NULL;
}

/* ---- running a row --------------------------------------------------------------- */

/* Reopens case k as its organisation's supervisor; returns the HTTP status. */
static int reopen_case(int k)
{
    char path[CASE_PATH_MAX];
    case_path(k, "/reopen", path, sizeof path);
    return qgt_status(qgt_call(&fx.env, &fx.s[supervisor_of(case_org[k])], "POST", path,
                               "{\"note\":\"matrix row undone\"}"));
}

/* Prints one problem of row r (with the actor and the row's line) and returns 1. */
static int problem(const access_row *r, const char *what)
{
    print_error("access.tsv:%d: %s %s as %s: %s\n", r->line, r->method, r->path,
                actor_name(r->actor), what);
    return 1;
}

/* Checks that GET /cases listed exactly the cases named in want ("A1+B2", "none");
 * returns the problems found. */
static int check_listed(const access_row *r, const httpc_response *answer, const char *want)
{
    int problems = 0;
    json_t *o = qgt_json(answer);
    json_t *cases = json_object_get(o, "cases");
    bool listed[CASES] = {false};
    size_t n = json_array_size(cases), expected = 0;
    for (size_t j = 0; j < n; j++) {
        const char *code = json_string_value(json_object_get(json_array_get(cases, j), "code"));
        bool known = false;
        for (int k = 0; k < CASES; k++)
            if (code && strcmp(code, fx.code[k]) == 0)
                listed[k] = known = true;
        if (!known)
            problems += problem(r, "unexpected case listed");
    }
    for (int k = 0; k < CASES; k++) {
        bool sees = strstr(want, case_names[k]) != NULL;
        expected += sees;
        if (listed[k] != sees) {
            char what[64];
            snprintf(what, sizeof what, "case %s %s", case_names[k],
                     sees ? "missing" : "listed but must not be");
            problems += problem(r, what);
        }
    }
    if (n != expected)
        problems += problem(r, "another number of cases listed");
    json_decref(o);
    return problems;
}

/* Checks the no_echo column against the answer; returns the problems found. */
static int check_not_echoed(const access_row *r, const httpc_response *answer, int serial)
{
    int problems = 0;
    for (const char *p = r->no_echo; p && *p;) {
        const char *comma = strchr(p, ',');
        char item[BODY_MAX], text[BODY_MAX];
        snprintf(item, sizeof item, "%.*s", (int)(comma ? (size_t)(comma - p) : strlen(p)), p);
        p = comma ? comma + 1 : NULL;
        if (strcmp(item, "personal") == 0) {
            if (body_has_personal_data(answer))
                problems += problem(r, "personal data in the answer");
        } else if (strcmp(item, "iin") == 0) {
            if (r->kase >= 0 && strstr(answer->body, fx.iin[r->kase]))
                problems += problem(r, "the child's IIN in the answer");
        } else if (strcmp(item, "others") == 0) {
            for (int c = 0; c < CASES; c++)
                if (c != r->kase && strstr(answer->body, given_names[c]))
                    problems += problem(r, "another child's name in the answer");
        } else if (!expand(item, r->kase, serial, text, sizeof text)) {
            problems += problem(r, "bad no_echo text");
        } else if (strstr(answer->body, text)) {
            problems += problem(r, "the answer repeats what must not be echoed");
        }
    }
    return problems;
}

/* Checks the answer itself: status, error code, what it holds and must not hold. */
static int check_answer(const access_row *r, const httpc_response *answer, int serial)
{
    int problems = 0;
    char what[128], want[64];
    if (!answer)
        return problem(r, "no answer");
    if (answer->status != r->status) {
        snprintf(what, sizeof what, "expected %d, got %d", r->status, answer->status);
        problems += problem(r, what);
    }
    json_t *o = qgt_json(answer);
    const char *code = json_string_value(json_object_get(json_object_get(o, "error"), "code"));
    if (r->error && (!code || strcmp(code, r->error) != 0)) {
        snprintf(what, sizeof what, "error code is not %s", r->error);
        problems += problem(r, what);
    }
    if (has_item(r->checks, "personal") &&
        (r->kase < 0 || !json_equal(json_object_get(o, "personal"), fx.personal[r->kase])))
        problems += problem(r, "the personal part is not what was stored");
    json_decref(o);
    if (has_item(r->checks, "names") &&
        (r->kase < 0 || !strstr(answer->body, given_names[r->kase])))
        problems += problem(r, "the child's name is missing");
    if (item_value(r->checks, "lists=", want, sizeof want))
        problems += check_listed(r, answer, want);
    return problems + check_not_echoed(r, answer, serial);
}

/* Runs one row with what its checks ask for around it; returns the problems found. */
static int run_row(const access_row *r)
{
    char path[CASE_PATH_MAX], body[BODY_MAX], grow[16];
    int serial = ++fx.serial, problems = 0;
    if (!expand(r->path, r->kase, serial, path, sizeof path) ||
        (r->body && !expand(r->body, r->kase, serial, body, sizeof body)))
        return problem(r, "bad placeholder");
    bool versioned = item_value(r->checks, "version+", grow, sizeof grow) != NULL;
    if ((versioned || has_item(r->checks, "spare-first") || has_item(r->checks, "reopen")) &&
        r->kase < 0)
        return problem(r, "a case check on a row without a case");
    if (has_item(r->checks, "spare-first") && owner_assign_spare(r->kase, true) != 201)
        return problem(r, "preparing: could not assign the spare");
    int64_t before = versioned ? case_version(r->kase) : 0;
    httpc_response *answer = qgt_call(&fx.env, session_of(r->actor), r->method, path,
                                      r->body ? body : NULL);
    problems += check_answer(r, answer, serial);
    httpc_response_free(answer);
    /* A closed case is reopened by its supervisor, so later rows find it open. */
    if (has_item(r->checks, "reopen") && reopen_case(r->kase) != 200)
        problems += problem(r, "could not reopen");
    /* Did exactly what was allowed change? */
    if (versioned) {
        int64_t after = case_version(r->kase);
        if (after != before + strtol(grow, NULL, 10)) {
            char what[96];
            snprintf(what, sizeof what, "version went from %lld to %lld", (long long)before,
                     (long long)after);
            problems += problem(r, what);
        }
    }
    /* Assignments: undo, and check that the state was what the answer claimed. */
    bool assigned = has_item(r->checks, "spare-assigned");
    if ((assigned || has_item(r->checks, "spare-unassigned")) &&
        owner_assign_spare(r->kase, false) != (assigned ? 204 : 404))
        problems += problem(r, assigned ? "the spare was not assigned afterwards"
                                        : "the spare was still assigned afterwards");
    return problems;
}

/* Runs every row of one section of tests/data/access.tsv, after checking that each of
 * its (method, path) has a row for every actor. */
static void run_section(const char *section)
{
    access_table t = {0};
    bool loaded = table_load(&t, section);
    int routes = loaded ? table_routes(&t) : -1;
    assert_true(loaded);
    assert_true(routes > 0);
    int problems = 0;
    for (size_t i = 0; i < t.count; i++)
        problems += run_row(&t.rows[i]);
    printf("# access.tsv [%s]: %zu rows, %d routes x %d actors\n", section, t.count, routes,
           ACTORS);
    assert_int_equal(t.count, (size_t)routes * ACTORS);
    table_free(&t);
    assert_int_equal(problems, 0);
}

/* GET /cases shows each actor exactly the cases it may see, and no personal data. */
static void test_case_lists(void **state)
{
    (void)state;
    run_section(table_sections[0]);
}

/* Every actor against every case route and every case. */
static void test_case_route_matrix(void **state)
{
    (void)state;
    run_section(table_sections[1]);
    /* Nothing in the matrix changed who manages what. */
    for (int k = 0; k < CASES; k++) {
        char path[CASE_PATH_MAX];
        case_path(k, NULL, path, sizeof path);
        httpc_response *r = qgt_call(&fx.env, &fx.s[supervisor_of(case_org[k])], "GET", path, NULL);
        json_t *o = qgt_json(r);
        json_t *managers = json_object_get(o, "case_managers");
        assert_int_equal(json_array_size(managers), case_manager_of[k] < 0 ? 0 : 1);
        json_decref(o);
        httpc_response_free(r);
    }
}

/* Every actor against every route that is not about one case. */
static void test_other_route_matrix(void **state)
{
    (void)state;
    run_section(table_sections[2]);
}

/* A supervisor's user list holds their own organisation only; so does the list of an admin
 * of one organisation (issue 15; a system-wide admin's holds all: bb_accounts). */
static void test_user_lists_are_scoped(void **state)
{
    (void)state;
    const int who[] = {A_SUP, B_SUP, ADMIN};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        httpc_response *r = qgt_call(&fx.env, &fx.s[who[i]], "GET", "/api/v1/users", NULL);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        assert_null(strstr(r->body, "pw_hash"));
        assert_null(strstr(r->body, "$argon2"));
        json_t *o = qgt_json(r);
        json_t *users = json_object_get(o, "users");
        bool seen[ORGS] = {false, false};
        size_t j;
        json_t *u;
        json_array_foreach(users, j, u) {
            int64_t org = json_integer_value(json_object_get(u, "org_id"));
            for (int g = 0; g < ORGS; g++)
                seen[g] = seen[g] || org == fx.org[g];
        }
        int own = actor_defs[who[i]].org;
        assert_true(seen[own]);
        assert_false(seen[own == ORG_A ? ORG_B : ORG_A]);
        json_decref(o);
        httpc_response_free(r);
    }
}

/* The server shuts down cleanly: exit status 0 means no sanitizer finding (leaks,
 * memory errors, undefined behaviour) in the server during the whole file. */
static void test_server_stops_cleanly(void **state)
{
    (void)state;
    int status = qgt_server_stop(&fx.env);
    if (status != 0) {
        char *log = qgt_read_file(fx.env.log, NULL);
        print_error("server log:\n%s\n", log ? log : "(none)");
        free(log);
    }
    assert_int_equal(status, 0);
    for (int k = 0; k < CASES; k++) {
        assert_false(qgt_file_contains(fx.env.log, given_names[k]));
        assert_false(qgt_file_contains(fx.env.log, fx.iin[k]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handover_hides_case_from_opener),
        cmocka_unit_test(test_case_lists), /* before any row creates cases */
        cmocka_unit_test(test_hidden_case_answers_like_absent_case),
        cmocka_unit_test(test_case_route_matrix),
        cmocka_unit_test(test_other_route_matrix),
        cmocka_unit_test(test_user_lists_are_scoped),
        cmocka_unit_test(test_server_stops_cleanly),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
