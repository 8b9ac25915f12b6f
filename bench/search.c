/*
 * search.c — the search benchmark (issue 14, item 9), run by bench/search.sh (`make
 * bench-search`):
 *   search --db PATH --plain PATH [--small N (10000)] [--large N (100000)]
 *          [--rounds R (200)] [--seed S (1)] [--threads T (32)]
 *
 * Opens an initialised Qorgau database (made by `qorgau init`, key file beside it),
 * creates one organisation with a supervisor, and opens made-up cases in it through the
 * real service, case_create (the system actor with "org_id", as bench/gen.c does), so
 * every case row, sealed personal part and blind-index term is exactly what the API
 * writes. Every case carries personal data: given name, family name, usually a
 * patronymic, a birth date and, for about 60%, an IIN consistent with the birth date and
 * sex (valid check digit). Names are drawn from pools of a few hundred made-up names built
 * from syllables (never real people), with a mild skew so that some names and prefixes
 * are common, as in life. A draw refused as a duplicate (the same IIN, or the same names
 * and birth date: a likely duplicate) is redrawn.
 *
 * The same names go, unencrypted, into a plain SQLite table in a separate database file
 * (--plain), with an index on each name column (COLLATE NOCASE, so that SQLite's LIKE
 * optimisation turns LIKE 'prefix%' into an index range), on the birth date and on the
 * IIN: the best a plain database does with the same question. That is the reference.
 *
 * With --small cases loaded, then again with --large, it runs a fixed set of queries R
 * rounds each, alternating case_search (as the supervisor) and the plain SELECT ... LIKE
 * of the same question, and prints per query the median and 95th percentile of each, the
 * ratio of the medians and PASS/FAIL against the target (case_search within 5x of the
 * plain LIKE), then the growth from --small to --large. case_search writes an audit entry
 * through the writer (one durable commit) on every call; the cost of that entry alone is
 * measured too (the same writer, an audit entry of the same shape) and printed beside it.
 *
 * Exit status: 0 done (a missed target is a finding, printed FAIL), 2 bad options, 1 any
 * failure or a result that cannot be trusted (a query that found nothing).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_rng.h"
#include "base/namefold.h"
#include "core/account/account.h"
#include "core/account/actor.h"
#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/case/case_search.h"
#include "core/case/child_code.h"
#include "core/case/iin.h"
#include "core/instance/app_open.h"
#include "crypto/crypto.h"
#include "store/writer.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define CASES_MAX 10000000LL
#define THREADS_MAX 128
#define READERS 2
#define DRAW_TRIES 16
#define TARGET_RATIO 5.0
#define HITS_MAX 50 /* SEARCH_HITS_MAX: the plain query returns as many, plus one */

/* ---- options ------------------------------------------------------------------------------ */

typedef struct {
    const char *db, *plain;
    long long small, large;
    int rounds, threads;
    uint64_t seed;
} opts;

static int usage_error(const char *field, const char *message)
{
    fprintf(stderr, "search: %s: %s\n", field, message);
    fprintf(stderr, "usage: search --db PATH --plain PATH [--small N] [--large N] [--rounds R]"
                    " [--seed S] [--threads T]\n");
    return 2;
}

static bool parse_ll(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int parse_opts(int argc, char **argv, opts *o)
{
    *o = (opts){.small = 10000, .large = 100000, .rounds = 200, .threads = 32, .seed = 1};
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc)
            return usage_error("option", "expected --name value");
        const char *name = argv[i] + 2, *v = argv[++i];
        long long n = 0;
        if (!strcmp(name, "db"))
            o->db = v;
        else if (!strcmp(name, "plain"))
            o->plain = v;
        else if (!strcmp(name, "small") && parse_ll(v, 1, CASES_MAX, &n))
            o->small = n;
        else if (!strcmp(name, "large") && parse_ll(v, 1, CASES_MAX, &n))
            o->large = n;
        else if (!strcmp(name, "rounds") && parse_ll(v, 1, 100000, &n))
            o->rounds = (int)n;
        else if (!strcmp(name, "threads") && parse_ll(v, 1, THREADS_MAX, &n))
            o->threads = (int)n;
        else if (!strcmp(name, "seed") && parse_ll(v, 0, LLONG_MAX, &n))
            o->seed = (uint64_t)n;
        else
            return usage_error(name, "unknown option or bad value");
    }
    if (!o->db || !*o->db || !o->plain || !*o->plain)
        return usage_error("db", "--db and --plain are required");
    if (o->large < o->small)
        return usage_error("large", "must be at least --small");
    return 0;
}

/* ---- random draws (bench_rng.h) ---------------------------------------------------------- */

static rng rng_for(uint64_t seed, long long i, int attempt)
{
    rng r = {.s = seed ^ ((uint64_t)i * 0xD1B54A32D192ED03ULL) ^
                  ((uint64_t)attempt * 0x5851F42D4C957F2DULL)};
    rng_next(&r);
    return r;
}

/* An index into a pool of n, skewed towards the front (u^2): a few names are common. */
static unsigned rng_skewed(rng *r, unsigned n)
{
    double u = (double)(rng_next(r) >> 11) / 9007199254740992.0;
    unsigned k = (unsigned)(u * u * n);
    return k < n ? k : n - 1;
}

/* ---- pools of made-up names (syllables; no entry is a person) ----------------------------- */

#define POOL 320
#define NAME_BYTES 64

static const char *const starts[] = {"Ай", "Ба", "Да", "Ер", "Жа", "Ка", "Ма", "На", "Са", "Та",
                                     "Ул", "Ас", "Нұ", "Бе", "Ақ", "Ди", "Ру", "Әл", "Гү", "Зе",
                                     "Құ", "Ол", "Ті", "Ан", "Ил", "Ла", "Ра", "Ев", "Жә", "Мө"};
static const char *const middles[] = {"",   "ра", "лы", "ди", "ке", "са", "мі", "то",
                                      "ла", "ны", "ри", "ба", "зи", "нұ", "рә"};
static const char *const girl_ends[] = {"гүл", "на", "ра", "ша", "ым", "ия", "ай", "ел", "ерке"};
static const char *const boy_ends[] = {"бек", "жан", "тай", "бол", "нұр", "хан", "ат", "ан",
                                       "ерлан"};
static const char *const family_roots[] = {
    "Сар", "Кен", "Тол", "Бай", "Мур", "Жум", "Есм", "Ораз", "Сей", "Амир", "Кад", "Рах",
    "Ибр", "Нур", "Сма", "Қас", "Әбд", "Тұрс", "Дос", "Жақ", "Мам", "Иса", "Кар", "Бек",
    "Сүл", "Өте", "Ғал", "Тем", "Абл", "Шал", "Мұх", "Ерм", "Кул", "Ахм", "Жан", "Сал"};
static const char *const family_mids[] = {"ы", "а", "е", "и", "", "ым", "ан", "ұл", "ен"};

typedef struct {
    char girls[POOL][NAME_BYTES], boys[POOL][NAME_BYTES], families[POOL][NAME_BYTES];
} pools;

static bool in_pool(char pool[][NAME_BYTES], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(pool[i], name))
            return true;
    return false;
}

/* Fills pool with POOL distinct names made by make(). */
static void fill_pool(rng *r, char pool[][NAME_BYTES], void (*make)(rng *, char *))
{
    int n = 0;
    while (n < POOL) {
        char name[NAME_BYTES];
        make(r, name);
        if (!in_pool(pool, n, name))
            memcpy(pool[n++], name, NAME_BYTES);
    }
}

static void make_given(rng *r, char *out, const char *const *ends, size_t n_ends)
{
    snprintf(out, NAME_BYTES, "%s%s%s", starts[rng_below(r, COUNT(starts))],
             middles[rng_below(r, COUNT(middles))], ends[rng_below(r, (unsigned)n_ends)]);
}

static void make_girl(rng *r, char *out)
{
    make_given(r, out, girl_ends, COUNT(girl_ends));
}

static void make_boy(rng *r, char *out)
{
    make_given(r, out, boy_ends, COUNT(boy_ends));
}

static void make_family(rng *r, char *out)
{
    snprintf(out, NAME_BYTES, "%s%s", family_roots[rng_below(r, COUNT(family_roots))],
             family_mids[rng_below(r, COUNT(family_mids))]);
}

static void make_pools(uint64_t seed, pools *p)
{
    rng r = rng_for(seed, -1, 0);
    fill_pool(&r, p->girls, make_girl);
    fill_pool(&r, p->boys, make_boy);
    fill_pool(&r, p->families, make_family);
}

/* ---- one child ---------------------------------------------------------------------------- */

typedef struct {
    char given[NAME_BYTES], family[NAME_BYTES + 8], patronymic[NAME_BYTES + 16];
    char birth[11], iin[QG_IIN_LEN + 1];
    char code[QG_CODE_SIZE];
    bool girl;
} child;

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void make_iin(rng *r, int y, int m, int d, bool girl, char out[QG_IIN_LEN + 1])
{
    int century = y >= 2000 ? 5 : 3;
    for (;;) {
        snprintf(out, QG_IIN_LEN + 1, "%02d%02d%02d%d%04u", y % 100, m, d,
                 century + (girl ? 1 : 0), rng_below(r, 10000));
        int check = iin_check_digit(out);
        if (check >= 0) {
            out[11] = (char)('0' + check);
            out[12] = '\0';
            return;
        }
    }
}

static void draw_child(const pools *p, uint64_t seed, long long i, int attempt, child *c)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    rng r = rng_for(seed, i, attempt);
    memset(c, 0, sizeof *c);
    c->girl = rng_below(&r, 100) < 62;
    const char *given = c->girl ? p->girls[rng_skewed(&r, POOL)] : p->boys[rng_skewed(&r, POOL)];
    snprintf(c->given, sizeof c->given, "%s", given);
    const char *root = p->families[rng_skewed(&r, POOL)];
    const char *suffix = rng_below(&r, 2) ? "ов" : "ев";
    snprintf(c->family, sizeof c->family, "%s%s%s", root, suffix, c->girl ? "а" : "");
    if (rng_below(&r, 100) < 70) {
        const char *father = p->boys[rng_skewed(&r, POOL)];
        if (rng_below(&r, 2))
            snprintf(c->patronymic, sizeof c->patronymic, "%s %s", father,
                     c->girl ? "қызы" : "ұлы");
        else
            snprintf(c->patronymic, sizeof c->patronymic, "%s%s", father,
                     c->girl ? "овна" : "ович");
    }
    int y = 2006 + (int)rng_below(&r, 19), m = 1 + (int)rng_below(&r, 12);
    int d = 1 + (int)rng_below(&r, (unsigned)(days[m - 1] + (m == 2 && leap(y))));
    snprintf(c->birth, sizeof c->birth, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    if (rng_below(&r, 100) < 60)
        make_iin(&r, y, m, d, c->girl, c->iin);
}

static json_t *case_body(const child *c, int64_t org_id)
{
    json_t *personal = json_pack("{s:s, s:s, s:s}", "given_name", c->given, "family_name",
                                 c->family, "birth_date", c->birth);
    if (personal && c->patronymic[0])
        json_object_set_new(personal, "patronymic", json_string(c->patronymic));
    if (personal && c->iin[0])
        json_object_set_new(personal, "iin", json_string(c->iin));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "sex",
                     c->girl ? "Feminine" : "Masculine", "citizenship", "KZ", "region", "almaty",
                     "identified_on", "2025-06-01", "stage", "identification", "org_id",
                     (json_int_t)org_id, "personal", personal);
}

/* ---- loading ------------------------------------------------------------------------------ */

typedef struct {
    qg_app *app;
    const opts *o;
    const pools *pools;
    int64_t org_id;
    child *children;
    long long end;
    atomic_llong next, redrawn;
    atomic_bool failed;
    pthread_mutex_t lock;
    qg_error first_err;
} loader;

static bool is_duplicate(const qg_error *err)
{
    return err->code == QG_ECONFLICT && (!strcmp(err->reason, "iin.duplicate") ||
                                         !strcmp(err->reason, "case.likely_duplicate"));
}

static qg_code load_one(loader *l, long long i)
{
    qg_actor sys = actor_system();
    qg_error err = {0};
    for (int attempt = 0; attempt < DRAW_TRIES; attempt++) {
        child *c = &l->children[i];
        draw_child(l->pools, l->o->seed, i, attempt, c);
        json_t *body = case_body(c, l->org_id), *out = NULL;
        qg_code rc = body ? case_create(l->app, &sys, body, &out, &err) : QG_ENOMEM;
        json_decref(body);
        if (rc == QG_OK) {
            const char *code = json_string_value(json_object_get(out, "code"));
            snprintf(c->code, sizeof c->code, "%s", code ? code : "");
            json_decref(out);
            return QG_OK;
        }
        json_decref(out);
        if (!is_duplicate(&err))
            break;
        atomic_fetch_add(&l->redrawn, 1);
        err = (qg_error){0};
    }
    if (err.code == QG_OK)
        qg_fail(&err, QG_ECONFLICT, "personal", "case.likely_duplicate", "no unique draw");
    pthread_mutex_lock(&l->lock);
    if (!atomic_load(&l->failed))
        l->first_err = err;
    atomic_store(&l->failed, true);
    pthread_mutex_unlock(&l->lock);
    return err.code;
}

static void *load_worker(void *arg)
{
    loader *l = arg;
    while (!atomic_load(&l->failed)) {
        long long i = atomic_fetch_add(&l->next, 1);
        if (i >= l->end || load_one(l, i) != QG_OK)
            break;
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opens cases [l->next, end) with o->threads threads; returns false on a failure. */
static bool load_until(loader *l, long long end)
{
    pthread_t tids[THREADS_MAX];
    int started = 0;
    l->end = end;
    for (; started < l->o->threads; started++)
        if (pthread_create(&tids[started], NULL, load_worker, l) != 0)
            break;
    for (int k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
    atomic_store(&l->next, end); /* each worker drew one index past the end */
    if (started == 0 || atomic_load(&l->failed)) {
        fprintf(stderr, "search: loading failed: %s: %s\n", l->first_err.field,
                l->first_err.message);
        return false;
    }
    return true;
}

/* ---- the plain reference ------------------------------------------------------------------ */

static bool plain_exec(sqlite3 *p, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(p, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    fprintf(stderr, "search: plain database: %s\n", msg ? msg : "error");
    sqlite3_free(msg);
    return false;
}

static sqlite3 *plain_open(const char *path)
{
    sqlite3 *p = NULL;
    if (sqlite3_open(path, &p) != SQLITE_OK) {
        fprintf(stderr, "search: cannot open %s\n", path);
        sqlite3_close(p);
        return NULL;
    }
    bool ok = plain_exec(p, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                            "CREATE TABLE people (id INTEGER PRIMARY KEY, code TEXT NOT NULL,"
                            " given TEXT COLLATE NOCASE, family TEXT COLLATE NOCASE,"
                            " patronymic TEXT COLLATE NOCASE, birth_date TEXT, iin TEXT);"
                            "CREATE INDEX people_given ON people(given);"
                            "CREATE INDEX people_family ON people(family);"
                            "CREATE INDEX people_patronymic ON people(patronymic);"
                            "CREATE INDEX people_birth ON people(birth_date);"
                            "CREATE INDEX people_iin ON people(iin);");
    if (!ok) {
        sqlite3_close(p);
        return NULL;
    }
    return p;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Inserts children [from, to) in one transaction. */
static bool plain_load(sqlite3 *p, const child *children, long long from, long long to)
{
    sqlite3_stmt *st = NULL;
    if (!plain_exec(p, "BEGIN") ||
        sqlite3_prepare_v2(p, "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    bool ok = true;
    for (long long i = from; ok && i < to; i++) {
        const child *c = &children[i];
        sqlite3_bind_int64(st, 1, i + 1);
        sqlite3_bind_text(st, 2, c->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->given, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->family, -1, SQLITE_STATIC);
        bind_text_or_null(st, 5, c->patronymic);
        sqlite3_bind_text(st, 6, c->birth, -1, SQLITE_STATIC);
        bind_text_or_null(st, 7, c->iin);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return ok && plain_exec(p, "COMMIT; ANALYZE;");
}

/* ---- the queries -------------------------------------------------------------------------- */

#define QUERIES 7
#define TEXT_MAX 160

typedef struct {
    const char *label;
    char q[TEXT_MAX];         /* what a worker types into the search box */
    char sql[1024];           /* the same question to the plain table */
    char args[4][TEXT_MAX];   /* its parameters */
    int n_args;
} query;

#define SELECT_PLAIN "SELECT id, code, given, family, patronymic, birth_date FROM people WHERE "
#define ANY_NAME "(given LIKE ? OR family LIKE ? OR patronymic LIKE ?)"
#define ORDER_PLAIN " ORDER BY id DESC LIMIT 51"

/* The first n letters (UTF-8 characters) of s into out. */
static void first_letters(const char *s, int n, char out[TEXT_MAX])
{
    size_t i = 0;
    for (int k = 0; s[i] && k < n; k++)
        do
            i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80);
    snprintf(out, TEXT_MAX, "%.*s", (int)i, s);
}

static size_t letters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void plain_query(query *q, const char *word, const char *fourth_sql, const char *fourth);

static void name_query(query *q, const char *label, const char *word)
{
    q->label = label;
    snprintf(q->q, sizeof q->q, "%s", word);
    plain_query(q, word, "", "");
}

/* The plain question for a name word and a second condition on parameter ?4 (or none). */
static void plain_query(query *q, const char *word, const char *fourth_sql, const char *fourth)
{
    snprintf(q->sql, sizeof q->sql, SELECT_PLAIN ANY_NAME "%s" ORDER_PLAIN, fourth_sql);
    for (int i = 0; i < 3; i++)
        snprintf(q->args[i], TEXT_MAX, "%s%%", word);
    snprintf(q->args[3], TEXT_MAX, "%s", fourth);
    q->n_args = fourth[0] ? 4 : 3;
}

static void exact_query(query *q, const char *label, const char *column, const char *value)
{
    q->label = label;
    snprintf(q->q, sizeof q->q, "%s", value);
    snprintf(q->sql, sizeof q->sql, SELECT_PLAIN "%s = ?" ORDER_PLAIN, column);
    snprintf(q->args[0], TEXT_MAX, "%s", value);
    q->n_args = 1;
}

/* Picks the queries from the first cases (so that they mean the same at every size). */
static bool make_queries(const child *children, long long n, query qs[QUERIES])
{
    const child *a = NULL, *b = NULL, *l = NULL;
    for (long long i = 0; i < n && (!a || !b || !l); i++) {
        const child *c = &children[i];
        if (!a && c->patronymic[0] && letters(c->family) >= 7)
            a = c;
        if (!b && c->iin[0])
            b = c;
        if (!l && letters(c->given) >= 8)
            l = c;
    }
    if (!a || !b || !l)
        return false;
    char w[TEXT_MAX], v[TEXT_MAX];
    first_letters(a->given, 3, w);
    name_query(&qs[0], "3-letter prefix", w);
    first_letters(a->family, 5, w);
    name_query(&qs[1], "5-letter prefix", w);
    name_query(&qs[2], "full long name", l->given);
    qs[3].label = "two words";
    snprintf(qs[3].q, TEXT_MAX, "%s %s", a->given, a->family);
    snprintf(v, sizeof v, "%s%%", a->family);
    plain_query(&qs[3], a->given,
                " AND (given LIKE ?4 OR family LIKE ?4 OR patronymic LIKE ?4)", v);
    qs[4].label = "name + year";
    snprintf(qs[4].q, TEXT_MAX, "%s %.4s", w, a->birth);
    snprintf(v, sizeof v, "%.4s-%%", a->birth);
    plain_query(&qs[4], w, " AND birth_date LIKE ?4", v);
    exact_query(&qs[5], "birth date", "birth_date", a->birth);
    exact_query(&qs[6], "IIN", "iin", b->iin);
    return true;
}

/* ---- measuring ---------------------------------------------------------------------------- */

typedef struct {
    double *search, *plain;
    int search_hits, plain_hits;
    bool search_more;
} sample;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (nearest rank) of v[0..n), sorting v. */
static double quantile(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int k = (int)(q * n + 0.999999) - 1;
    return v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static bool time_search(qg_app *app, const qg_actor *sup, const query *q, double *secs, int *hits,
                        bool *more)
{
    json_t *out = NULL;
    qg_error err = {0};
    double t0 = now_s();
    qg_code c = case_search(app, sup, q->q, &out, &err);
    *secs = now_s() - t0;
    if (c != QG_OK) {
        fprintf(stderr, "search: case_search failed (%s): %s: %s\n", q->label, err.field,
                err.message);
        return false;
    }
    *hits = (int)json_array_size(json_object_get(out, "hits"));
    *more = json_is_true(json_object_get(out, "more"));
    json_decref(out);
    return true;
}

static bool time_plain(sqlite3_stmt *st, const query *q, double *secs, int *hits)
{
    double t0 = now_s();
    for (int i = 0; i < q->n_args; i++)
        sqlite3_bind_text(st, i + 1, q->args[i], -1, SQLITE_STATIC);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        n++;
    sqlite3_reset(st);
    *secs = now_s() - t0;
    *hits = n;
    return rc == SQLITE_DONE;
}

/* The cost of the audit entry every search writes: the same writer, one entry of the
 * same shape, committed durably. */
typedef struct {
    qg_app *app;
    const qg_actor *actor;
} audit_job;

static qg_code audit_only(db *conn, void *arg, qg_error *err)
{
    audit_job *j = arg;
    json_t *detail = json_pack("{s:i, s:b, s:b, s:b, s:I, s:b}", "name_words", 1, "birth_date",
                               0, "year", 0, "iin", 0, "hits", (json_int_t)0, "more", 0);
    qg_code c = audit_append(conn, j->app->keys, j->actor, "bench.audit_only", NULL, detail,
                             err);
    json_decref(detail);
    return c;
}

typedef struct {
    double search_med, search_p95, plain_med, plain_p95;
    int search_hits, plain_hits;
    bool search_more;
} result;

/* Runs every query R rounds (search and plain alternating) and the audit entry alone. */
static bool measure(qg_app *app, const qg_actor *sup, sqlite3 *plain, const query qs[QUERIES],
                    int rounds, result res[QUERIES], double *audit_med)
{
    sqlite3_stmt *st[QUERIES] = {0};
    static double s[QUERIES][100000], p[QUERIES][100000], a[100000];
    bool ok = true;
    for (int k = 0; ok && k < QUERIES; k++)
        ok = sqlite3_prepare_v2(plain, qs[k].sql, -1, &st[k], NULL) == SQLITE_OK;
    for (int r = -2; ok && r < rounds; r++) /* two rounds of warming up */
        for (int k = 0; ok && k < QUERIES; k++) {
            double ts = 0, tp = 0;
            ok = time_search(app, sup, &qs[k], &ts, &res[k].search_hits, &res[k].search_more) &&
                 time_plain(st[k], &qs[k], &tp, &res[k].plain_hits);
            if (r >= 0) {
                s[k][r] = ts;
                p[k][r] = tp;
            }
        }
    audit_job job = {.app = app, .actor = sup};
    for (int r = 0; ok && r < rounds; r++) {
        qg_error err = {0};
        double t0 = now_s();
        ok = writer_run(app->writer, audit_only, &job, &err) == QG_OK;
        a[r] = now_s() - t0;
    }
    for (int k = 0; k < QUERIES; k++)
        sqlite3_finalize(st[k]);
    if (!ok) {
        fprintf(stderr, "search: a measurement failed: %s\n", sqlite3_errmsg(plain));
        return false;
    }
    for (int k = 0; k < QUERIES; k++) {
        res[k].search_med = quantile(s[k], rounds, 0.5);
        res[k].search_p95 = quantile(s[k], rounds, 0.95);
        res[k].plain_med = quantile(p[k], rounds, 0.5);
        res[k].plain_p95 = quantile(p[k], rounds, 0.95);
    }
    *audit_med = quantile(a, rounds, 0.5);
    return true;
}

/* ---- the report --------------------------------------------------------------------------- */

static void print_results(long long cases, const query qs[QUERIES], const result res[QUERIES],
                          double audit_med)
{
    printf("\n%lld cases (median and p95 in ms; ratio = median / median of the plain LIKE;"
           " target <= %.0fx)\n",
           cases, TARGET_RATIO);
    printf("%-16s %3s %9s %9s %9s %9s %8s %8s %11s %s\n", "query", "fl", "search", "p95",
           "LIKE", "p95", "ratio", "-audit", "hits s/L", "result");
    for (int k = 0; k < QUERIES; k++) {
        const result *r = &res[k];
        double ratio = r->plain_med > 0 ? r->search_med / r->plain_med : 0;
        double bare = r->search_med - audit_med;
        double ratio_bare = r->plain_med > 0 ? (bare > 0 ? bare : 0) / r->plain_med : 0;
        char hits[32];
        snprintf(hits, sizeof hits, "%d%s/%d", r->search_hits, r->search_more ? "+" : "",
                 r->plain_hits > HITS_MAX ? HITS_MAX : r->plain_hits);
        if (r->plain_hits > HITS_MAX)
            snprintf(hits + strlen(hits), sizeof hits - strlen(hits), "+");
        char folded[NAME_FOLD_MAX] = "", fl[8] = "-";
        const char *sp = strchr(qs[k].q, ' ');
        size_t wl = sp ? (size_t)(sp - qs[k].q) : strlen(qs[k].q);
        if (qs[k].q[0] < '0' || qs[k].q[0] > '9')
            snprintf(fl, sizeof fl, "%zu", name_fold_word(qs[k].q, wl, folded));
        printf("%-16s %3s %9.3f %9.3f %9.3f %9.3f %7.1fx %7.1fx %11s %s\n", qs[k].label, fl,
               r->search_med * 1e3, r->search_p95 * 1e3, r->plain_med * 1e3,
               r->plain_p95 * 1e3, ratio, ratio_bare, hits,
               ratio <= TARGET_RATIO ? "PASS" : "FAIL");
    }
    printf("audit entry alone (one durable commit through the writer): median %.3f ms\n",
           audit_med * 1e3);
}

static void print_growth(long long small, long long large, const query qs[QUERIES],
                         const result a[QUERIES], const result b[QUERIES])
{
    printf("\ngrowth from %lld to %lld cases (%.0fx the cases): median at %lld / median at %lld\n",
           small, large, (double)large / (double)small, large, small);
    printf("%-16s %9s %9s\n", "query", "search", "LIKE");
    for (int k = 0; k < QUERIES; k++)
        printf("%-16s %8.1fx %8.1fx\n", qs[k].label,
               a[k].search_med > 0 ? b[k].search_med / a[k].search_med : 0,
               a[k].plain_med > 0 ? b[k].plain_med / a[k].plain_med : 0);
}

/* ---- the run ------------------------------------------------------------------------------ */

static bool setup(qg_app *app, int64_t *org_id, qg_actor *sup)
{
    qg_actor sys = actor_system();
    qg_error err = {0};
    char password[QG_TOKEN_HEX];
    int64_t user_id = 0;
    crypto_random_token(password);
    qg_code c = org_create(app, &sys, "Bench search NGO", "ngo", "almaty", org_id, &err);
    if (c == QG_OK)
        c = user_create(app, &sys, *org_id, "bench.search.sup", "supervisor", password, &user_id,
                        &err);
    crypto_wipe(password, sizeof password);
    if (c != QG_OK) {
        fprintf(stderr, "search: setup: %s: %s\n", err.field, err.message);
        return false;
    }
    *sup = (qg_actor){.user_id = user_id, .org_id = *org_id, .role = ROLE_SUPERVISOR};
    return true;
}

/* Loads up to end, in both databases, printing the times. */
static bool grow(loader *l, sqlite3 *plain, long long end)
{
    long long from = atomic_load(&l->next);
    double t0 = now_s();
    if (!load_until(l, end))
        return false;
    double t1 = now_s();
    if (!plain_load(plain, l->children, from, end))
        return false;
    double t2 = now_s();
    fprintf(stderr, "search: %lld cases loaded\n", end);
    printf("load %lld -> %lld cases: case_create %.1f s (%.0f cases/s, %d threads);"
           " plain table %.2f s\n",
           from, end, t1 - t0, (double)(end - from) / (t1 - t0), l->o->threads, t2 - t1);
    return true;
}

static int run(const opts *o)
{
    char db_path[QG_PATH_MAX], key_path[QG_PATH_MAX];
    qg_app *app = NULL;
    qg_error err = {0};
    static pools names;
    make_pools(o->seed, &names);
    qg_code c = app_resolve_paths(o->db, db_path, key_path, &err);
    if (c == QG_OK)
        c = app_open(db_path, key_path, READERS, true, &app, &err);
    if (c != QG_OK) {
        fprintf(stderr, "search: %s: %s\n", err.field, err.message);
        return 1;
    }
    sqlite3 *plain = plain_open(o->plain);
    child *children = calloc((size_t)o->large, sizeof *children);
    loader l = {.app = app, .o = o, .pools = &names, .children = children};
    pthread_mutex_init(&l.lock, NULL);
    qg_actor sup;
    query qs[QUERIES];
    static result small[QUERIES], large[QUERIES];
    double audit_small = 0, audit_large = 0;
    bool ok = plain && children && setup(app, &l.org_id, &sup) && grow(&l, plain, o->small);
    if (ok && !(ok = make_queries(children, o->small, qs)))
        fprintf(stderr, "search: no case fit the queries; raise --small\n");
    ok = ok && measure(app, &sup, plain, qs, o->rounds, small, &audit_small);
    if (ok)
        print_results(o->small, qs, small, audit_small);
    ok = ok && (o->large == o->small || grow(&l, plain, o->large)) &&
         measure(app, &sup, plain, qs, o->rounds, large, &audit_large);
    if (ok && o->large > o->small) {
        print_results(o->large, qs, large, audit_large);
        print_growth(o->small, o->large, qs, small, large);
    }
    const result *last = o->large > o->small ? large : small;
    for (int k = 0; ok && k < QUERIES; k++)
        if (last[k].search_hits == 0 || last[k].plain_hits == 0) {
            fprintf(stderr, "search: query \"%s\" found nothing: not a fair measurement\n",
                    qs[k].label);
            ok = false;
        }
    printf("\nredrawn after a duplicate (IIN or names + birth date): %lld\n",
           (long long)atomic_load(&l.redrawn));
    crypto_wipe(children, sizeof *children * (size_t)o->large);
    free(children);
    sqlite3_close(plain);
    app_close(app);
    pthread_mutex_destroy(&l.lock);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    opts o;
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it comes, also into a file */
    int bad = parse_opts(argc, argv, &o);
    return bad ? bad : run(&o);
}
