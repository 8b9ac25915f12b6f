/* case_search.c — finding a child and the likely duplicates of a new one (see
 * case_search.h). */
#include "core/case/case_search.h"

#include <stdio.h>
#include <string.h>

#include "base/namefold.h"
#include "base/text.h"
#include "core/account/audit.h"
#include "core/account/policy.h"
#include "core/case/case_personal.h"
#include "core/case/case_row.h"
#include "core/case/case_terms.h"
#include "core/case/iin.h"
#include "core/common/org_shared.h"

#define TERM_SLOTS (SEARCH_WORDS_MAX + 1) /* the name words' prefixes and the birth date */
#define REFRESH_BATCH 200
#define YEAR_MIN 1900

/* ---- reading the search text -------------------------------------------------------- */

typedef struct {
    char words[SEARCH_WORDS_MAX][NAME_FOLD_MAX]; /* folded name words */
    int n_words;
    char date[11]; /* YYYY-MM-DD, "" = none */
    int year;      /* 0 = none */
    char iin_hash[QG_HASH_HEX]; /* "" = none */
    int n_given;   /* every word the text holds */
} search_query;

static bool all_digits(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] < '0' || w[i] > '9')
            return false;
    return n > 0;
}

static qg_code repeated(qg_error *err)
{
    return qg_fail(err, QG_EINVAL, "q", "search.repeated",
                   "give at most one birth date, one year of birth and one IIN");
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_date_separator(char c)
{
    return c == '.' || c == '/' || c == '-';
}

/* Splits w (n bytes) into three groups of 1 to 4 digits joined by '.', '/' or '-' and
 * writes their values and lengths; false when w is not of that shape. */
static bool date_groups(const char *w, size_t n, int value[3], int len[3])
{
    int g = 0;
    value[0] = len[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(w[i]) && len[g] < 4) {
            value[g] = value[g] * 10 + (w[i] - '0');
            len[g]++;
        } else if (is_date_separator(w[i]) && len[g] > 0 && g < 2) {
            g++;
            value[g] = len[g] = 0;
        } else {
            return false;
        }
    }
    return g == 2 && len[2] > 0;
}

/* A birth date as 2014-05-31, 31.05.2014, 31.5.2014, 31/05/2014 or 31-05-2014 into
 * q->date. Returns QG_OK, or an error when the word has digits and separators but is no
 * real date; sets *is_date when it had that shape. */
static qg_code read_date(const char *w, size_t n, search_query *q, bool *is_date, qg_error *err)
{
    int v[3], len[3], y, m, d;
    *is_date = false;
    bool has_separator = false;
    for (size_t i = 0; i < n; i++)
        has_separator |= is_date_separator(w[i]);
    if (!has_separator || !is_digit(w[0]))
        return QG_OK;
    *is_date = true;
    bool groups = date_groups(w, n, v, len);
    if (groups && len[0] == 4) { /* year first */
        y = v[0], m = v[1], d = v[2];
    } else if (groups && len[2] == 4 && len[0] <= 2 && len[1] <= 2) {
        d = v[0], m = v[1], y = v[2];
    } else {
        y = m = d = 0;
    }
    char iso[11];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    if (!y || !text_parse_date(iso, NULL, NULL, NULL))
        return qg_fail(err, QG_EINVAL, "q", "date.format",
                       "a birth date must be a real date such as 31.05.2014 or 2014-05-31");
    if (q->date[0])
        return repeated(err);
    memcpy(q->date, iso, sizeof iso);
    return QG_OK;
}

static qg_code read_number(const qg_keys *keys, const char *w, size_t n, search_query *q,
                           qg_error *err)
{
    char digits[QG_IIN_LEN + 1];
    if (n == 4) {
        int year = (w[0] - '0') * 1000 + (w[1] - '0') * 100 + (w[2] - '0') * 10 + (w[3] - '0');
        if (year < YEAR_MIN)
            return qg_fail(err, QG_EINVAL, "q", "search.year",
                           "a year of birth must be %d or later", YEAR_MIN);
        if (q->year)
            return repeated(err);
        q->year = year;
        return QG_OK;
    }
    if (n != QG_IIN_LEN)
        return qg_fail(err, QG_EINVAL, "q", "search.number",
                       "a number must be a year of birth (4 digits) or an IIN (12 digits)");
    snprintf(digits, sizeof digits, "%.*s", (int)n, w);
    qg_code c = iin_validate(digits, "q", NULL, err);
    if (c == QG_OK && q->iin_hash[0])
        c = repeated(err);
    if (c == QG_OK)
        crypto_lookup_hash(keys, "iin", digits, q->iin_hash);
    crypto_wipe(digits, sizeof digits);
    return c;
}

static qg_code read_name_word(const char *w, size_t n, search_query *q, qg_error *err)
{
    char *out = q->words[q->n_words];
    if (name_fold_word(w, n, out) < CASE_TERMS_PREFIX_MIN)
        return qg_fail(err, QG_EINVAL, "q", "search.word_too_short",
                       "each name word needs at least %d letters", CASE_TERMS_PREFIX_MIN);
    for (int i = 0; i < q->n_words; i++)
        if (strcmp(q->words[i], out) == 0)
            return QG_OK; /* the same word twice asks nothing more */
    q->n_words++;
    return QG_OK;
}

static qg_code read_word(const qg_keys *keys, const char *w, size_t n, search_query *q,
                         qg_error *err)
{
    if (++q->n_given > SEARCH_WORDS_MAX)
        return qg_fail(err, QG_EINVAL, "q", "search.too_many_words",
                       "a search has at most %d words", SEARCH_WORDS_MAX);
    bool is_date = false;
    qg_code c = read_date(w, n, q, &is_date, err);
    if (c != QG_OK || is_date)
        return c;
    if (all_digits(w, n))
        return read_number(keys, w, n, q, err);
    for (size_t i = 0; i < n; i++)
        if (is_digit(w[i]))
            return qg_fail(err, QG_EINVAL, "q", "search.number",
                           "a word with digits must be a birth date, a year or an IIN");
    return read_name_word(w, n, q, err);
}

static qg_code read_query(const qg_keys *keys, const char *text, search_query *q, qg_error *err)
{
    memset(q, 0, sizeof *q);
    if (!text || !text_utf8_valid(text, false))
        return qg_fail(err, QG_EINVAL, "q", "text.not_text", "must be text on one line");
    if (strlen(text) > SEARCH_TEXT_MAX)
        return qg_fail(err, QG_EINVAL, "q", "text.too_long", "must be at most %d bytes",
                       SEARCH_TEXT_MAX);
    const char *p = text;
    static const char *const spaces = " \t,;";
    while (*(p += strspn(p, spaces))) {
        size_t n = strcspn(p, spaces);
        qg_code c = read_word(keys, p, n, q, err);
        if (c != QG_OK)
            return c;
        p += n;
    }
    if (!q->n_words && !q->date[0] && !q->year && !q->iin_hash[0])
        return qg_fail(err, QG_EINVAL, "q", "search.empty",
                       "write a name, a birth date, a year of birth or an IIN");
    return QG_OK;
}

/* ---- finding the cases ------------------------------------------------------------ */

/* How a search finds its candidates: the blind index's terms when the text has a name
 * word or a birth date, else the IIN's unique index, else (a year alone) the
 * organisation's cases. Each way drives the query itself: a condition written as
 * "? = 0 OR c.id IN (...)" cannot lead a plan (its parameter is unknown when the
 * statement is prepared), so the old single statement walked every case of the
 * organisation and grew with it (bench/search.c, docs/performance.md "Finding a
 * child"). The organisation's condition is written "+c.org_id" in the first two, so
 * that its index (which would walk the whole organisation) is not taken instead. */
typedef enum { DRIVE_TERMS, DRIVE_IIN, DRIVE_ORG, DRIVES } search_drive;

#define DRIVE_TERMS_SQL                                                                  \
    " AND c.id IN (SELECT t.case_id FROM case_terms t WHERE t.term IN"                  \
    " (?, ?, ?, ?, ?, ?, ?) GROUP BY t.case_id HAVING count(*) = ?)"
#define DRIVE_IIN_SQL " AND c.iin_hash = ?"

/* After the driver: the IIN's hash (with terms) and the year, each NULL/0 = any. */
#define SEARCH_FILTERS                                                                  \
    " AND (CAST(? AS TEXT) IS NULL OR c.iin_hash = ?) AND (? = 0 OR c.birth_year = ?)"  \
    " ORDER BY c.id DESC"

/* Each scope's cases within one organisation (the terms are the organisation's); the
 * second parameter is the actor's user id. ORG is "c.org_id" or "+c.org_id". */
#define SCOPE_ALL_SQL(ORG) "SELECT " CASE_COLUMNS " FROM cases c WHERE " ORG " = ? AND ? >= 0"
#define SCOPE_ASSIGNED_SQL(ORG)                                                         \
    "SELECT " CASE_COLUMNS " FROM cases c WHERE " ORG " = ? AND c.id IN"                 \
    " (SELECT case_id FROM case_assignments WHERE user_id = ?)"
#define SCOPE_OPENED_SQL(ORG)                                                           \
    "SELECT " CASE_COLUMNS " FROM cases c WHERE " ORG " = ? AND c.created_by = ?"       \
    " AND c.handed_over = 0"
#define SEARCH_DRIVES(SCOPE)                                                            \
    {                                                                                   \
        [DRIVE_TERMS] = SCOPE("+c.org_id") DRIVE_TERMS_SQL SEARCH_FILTERS,              \
        [DRIVE_IIN] = SCOPE("+c.org_id") DRIVE_IIN_SQL SEARCH_FILTERS,                  \
        [DRIVE_ORG] = SCOPE("c.org_id") SEARCH_FILTERS,                                 \
    }

static const char *const search_sql[][DRIVES] = {
    [SCOPE_ALL] = SEARCH_DRIVES(SCOPE_ALL_SQL),
    [SCOPE_ORG] = SEARCH_DRIVES(SCOPE_ALL_SQL),
    [SCOPE_ASSIGNED] = SEARCH_DRIVES(SCOPE_ASSIGNED_SQL),
    [SCOPE_OPENED_UNASSIGNED] = SEARCH_DRIVES(SCOPE_OPENED_SQL),
};

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    case_scope scope;
    search_query q;
    json_t *hits;
    bool more;
} search_job;

static search_drive drive_of(const search_query *q)
{
    return q->n_words || q->date[0] ? DRIVE_TERMS : q->iin_hash[0] ? DRIVE_IIN : DRIVE_ORG;
}

/* Binds the driver's parameters from *p on: the terms and their number, or the IIN. */
static void bind_drive(db_stmt *st, search_job *j, int64_t org_id, int *p)
{
    int64_t terms[TERM_SLOTS];
    int n = 0;
    const char *iin = j->q.iin_hash[0] ? j->q.iin_hash : NULL;
    switch (drive_of(&j->q)) {
    case DRIVE_TERMS:
        for (int i = 0; i < j->q.n_words; i++)
            terms[n++] = case_terms_prefix(j->app->keys, org_id, j->q.words[i]);
        if (j->q.date[0])
            terms[n++] = case_terms_birth_date(j->app->keys, org_id, j->q.date);
        for (int i = 0; i < TERM_SLOTS; i++)
            if (i < n)
                db_bind_int(st, ++*p, terms[i]);
            else
                db_bind_null(st, ++*p);
        db_bind_int(st, ++*p, n);
        break;
    case DRIVE_IIN:
        db_bind_text(st, ++*p, iin);
        break;
    default:
        break;
    }
}

static void bind_search(db_stmt *st, search_job *j, int64_t org_id)
{
    int p = 1;
    const char *iin = j->q.iin_hash[0] ? j->q.iin_hash : NULL;
    db_bind_int(st, 1, j->actor->user_id); /* CASE_COLUMNS: whether the reader is assigned */
    db_bind_int(st, ++p, org_id);
    db_bind_int(st, ++p, j->actor->user_id);
    bind_drive(st, j, org_id, &p);
    db_bind_text(st, ++p, iin);
    db_bind_text(st, ++p, iin);
    db_bind_int(st, ++p, j->q.year);
    db_bind_int(st, ++p, j->q.year);
}

/* Whether a name word is longer than the index's prefixes: the hit is then checked on the
 * personal data, decrypted in memory and wiped. */
static bool needs_check(const search_query *q)
{
    for (int i = 0; i < q->n_words; i++)
        if (strlen(q->words[i]) > CASE_TERMS_PREFIX_MAX)
            return true;
    return false;
}

static qg_code check_words(db *conn, search_job *j, int64_t case_id, bool *match, qg_error *err)
{
    json_t *personal = NULL;
    qg_code c = case_personal_load(conn, j->app->keys, case_id, &personal, err);
    *match = c == QG_OK;
    for (int i = 0; *match && i < j->q.n_words; i++)
        *match = case_terms_word_starts(personal, j->q.words[i]);
    json_decref(personal);
    return c;
}

/* {"id", "login", "name"} of the case managers of case_id, or NULL with err filled. */
static json_t *managers_of(db *conn, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT u.id, u.login, u.name FROM case_assignments a"
                             " JOIN users u ON u.id = a.user_id WHERE a.case_id = ?"
                             " ORDER BY a.user_id",
                             err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    json_t *list = json_array();
    int rc = 0;
    while ((rc = db_step(st, err)) == 1) {
        const char *name = db_col_text(st, 2);
        if (!list || json_array_append_new(list, json_pack("{s:I, s:s, s:s?}", "id",
                                                           (json_int_t)db_col_int(st, 0), "login",
                                                           db_col_text(st, 1), "name", name))) {
            rc = -1;
            qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
            break;
        }
    }
    db_done(st);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

static qg_code add_hit(db *conn, search_job *j, const case_row *r, qg_error *err)
{
    json_t *managers = managers_of(conn, r->id, err);
    json_t *org = managers ? org_ref_json(conn, r->org_id, err) : NULL;
    if (!org) {
        json_decref(managers);
        return err->code ? err->code : QG_ENOMEM;
    }
    json_t *hit = json_pack("{s:s, s:O, s:O, s:O, s:o, s:o}", "code", r->code, "stage",
                            json_object_get(r->fields, "stage"), "status",
                            json_object_get(r->fields, "status"), "birth_year",
                            json_object_get(r->fields, "birth_year"), "org", org, "managers",
                            managers);
    if (!hit || json_array_append_new(j->hits, hit) != 0)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return QG_OK;
}

/* Takes the row as a hit when the actor may read it and every long word matches. */
static qg_code consider_row(db *conn, search_job *j, const case_row *r, qg_error *err)
{
    bool match = policy_decide(j->actor, ACT_CASE_READ, &r->facts) == POLICY_ALLOW;
    qg_code c = QG_OK;
    if (match && needs_check(&j->q))
        c = check_words(conn, j, r->id, &match, err);
    if (c != QG_OK || !match)
        return c;
    if (json_array_size(j->hits) == SEARCH_HITS_MAX) {
        j->more = true;
        return QG_OK;
    }
    return add_hit(conn, j, r, err);
}

static qg_code search_org(db *conn, search_job *j, int64_t org_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, search_sql[j->scope][drive_of(&j->q)], err);
    if (!st)
        return err->code;
    bind_search(st, j, org_id);
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && !j->more && (rc = db_step(st, err)) == 1) {
        case_row r;
        case_row_read(st, &r);
        c = r.fields ? consider_row(conn, j, &r, err)
                     : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        case_row_free(&r);
    }
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

/* The system sees every organisation's cases: each is searched with its own terms. */
static qg_code search_all_orgs(db *conn, search_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT id FROM orgs ORDER BY id DESC", err);
    if (!st)
        return err->code;
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && !j->more && (rc = db_step(st, err)) == 1)
        c = search_org(conn, j, db_col_int(st, 0), err);
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

static qg_code search_in_read(db *conn, void *arg, qg_error *err)
{
    search_job *j = arg;
    j->hits = json_array();
    if (!j->hits)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return j->scope == SCOPE_ALL ? search_all_orgs(conn, j, err)
                                 : search_org(conn, j, j->actor->org_id, err);
}

/* The audit entry says what kinds of words were asked and how many cases were found. */
static qg_code audit_search(db *conn, void *arg, qg_error *err)
{
    search_job *j = arg;
    json_t *detail = json_pack("{s:i, s:b, s:b, s:b, s:I, s:b}", "name_words", j->q.n_words,
                               "birth_date", j->q.date[0] != '\0', "year", j->q.year != 0,
                               "iin", j->q.iin_hash[0] != '\0', "hits",
                               (json_int_t)json_array_size(j->hits), "more", j->more);
    qg_code c = audit_append(conn, j->app->keys, j->actor, "case.search", NULL, detail, err);
    json_decref(detail);
    return c;
}

qg_code case_search(qg_app *app, const qg_actor *actor, const char *text, json_t **out,
                    qg_error *err)
{
    *out = NULL;
    search_job j = {.app = app, .actor = actor, .scope = policy_case_scope(actor)};
    if (j.scope == SCOPE_NONE)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not search cases");
    qg_code c = read_query(app->keys, text, &j.q, err);
    if (c == QG_OK)
        c = app_read(app, search_in_read, &j, err);
    if (c == QG_OK)
        c = writer_run(app->writer, audit_search, &j, err);
    if (c == QG_OK && !(*out = json_pack("{s:O, s:b}", "hits", j.hits, "more", j.more)))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(j.hits);
    crypto_wipe(&j.q, sizeof j.q);
    return c;
}

/* ---- likely duplicates -------------------------------------------------------------- */

qg_code case_search_likely(db *conn, const qg_keys *keys, const qg_actor *actor, int64_t org_id,
                           json_t *personal, json_t **likely, qg_error *err)
{
    int64_t who = 0;
    *likely = json_array();
    if (!*likely)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (!case_terms_who(keys, org_id, personal, &who))
        return QG_OK;
    /* "+c.org_id": the term leads (a few cases), never the organisation's index, which
     * walked every case of the organisation on every registration. */
    db_stmt *st = db_prepare(conn,
                             "SELECT " CASE_COLUMNS " FROM cases c JOIN case_terms t"
                             " ON t.case_id = c.id WHERE t.term = ? AND +c.org_id = ?"
                             " AND c.status <> 'withdrawn' ORDER BY c.id DESC",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, actor->user_id);
    db_bind_int(st, 2, who);
    db_bind_int(st, 3, org_id);
    int rc = 0;
    while ((rc = db_step(st, err)) == 1) {
        case_row r;
        case_row_read(st, &r);
        if (r.fields && policy_decide(actor, ACT_CASE_READ, &r.facts) == POLICY_ALLOW &&
            json_array_append_new(*likely, json_pack("{s:s, s:O, s:O, s:O}", "code", r.code,
                                                     "stage", json_object_get(r.fields, "stage"),
                                                     "status", json_object_get(r.fields, "status"),
                                                     "birth_year",
                                                     json_object_get(r.fields, "birth_year")))) {
            rc = -1;
            qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        }
        case_row_free(&r);
        if (rc < 0)
            break;
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

/* ---- indexing older cases ----------------------------------------------------------- */

typedef struct {
    const qg_keys *keys;
    int64_t done;
    bool more;
} refresh_job;

/* Cases without personal data have no terms: they are marked at once. */
static qg_code mark_without_personal(db *conn, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "UPDATE cases SET terms_version = ? WHERE terms_version < ? AND"
                             " NOT EXISTS (SELECT 1 FROM case_personal p"
                             " WHERE p.case_id = cases.id)",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, CASE_TERMS_VERSION);
    db_bind_int(st, 2, CASE_TERMS_VERSION);
    return db_run(st, err);
}

/* Reads the next batch of cases to index into ids/orgs; sets *n. */
static qg_code next_batch(db *conn, int64_t ids[REFRESH_BATCH], int64_t orgs[REFRESH_BATCH],
                          int *n, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT id, org_id FROM cases WHERE terms_version < ?"
                             " ORDER BY id LIMIT ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, CASE_TERMS_VERSION);
    db_bind_int(st, 2, REFRESH_BATCH);
    int rc = 0;
    *n = 0;
    while ((rc = db_step(st, err)) == 1) {
        ids[*n] = db_col_int(st, 0);
        orgs[(*n)++] = db_col_int(st, 1);
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static qg_code refresh_batch(db *conn, void *arg, qg_error *err)
{
    refresh_job *j = arg;
    int64_t ids[REFRESH_BATCH], orgs[REFRESH_BATCH];
    int n = 0;
    qg_code c = j->done == 0 ? mark_without_personal(conn, err) : QG_OK;
    if (c == QG_OK)
        c = next_batch(conn, ids, orgs, &n, err);
    for (int i = 0; c == QG_OK && i < n; i++) {
        json_t *personal = NULL;
        c = case_personal_load(conn, j->keys, ids[i], &personal, err);
        if (c == QG_OK)
            c = case_terms_write(conn, j->keys, ids[i], orgs[i], personal, err);
        json_decref(personal);
    }
    if (c == QG_OK) {
        j->done += n;
        j->more = n == REFRESH_BATCH;
    }
    return c;
}

qg_code case_search_refresh(qg_app *app, int64_t *done, qg_error *err)
{
    refresh_job j = {.keys = app->keys, .more = true};
    qg_code c = QG_OK;
    while (c == QG_OK && j.more)
        c = writer_run(app->writer, refresh_batch, &j, err);
    *done = j.done;
    return c;
}
