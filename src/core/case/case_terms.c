/* case_terms.c — the blind index of a case's personal data (see case_terms.h). */
#include "core/case/case_terms.h"

#include <stdio.h>
#include <string.h>

#include "core/case/iin.h"

#define TERMS_MAX (3 * NAME_WORDS_MAX * 3 + 3) /* three names' prefixes, bd, who, nm */
#define JOINED_MAX (NAME_WORDS_MAX * NAME_FOLD_MAX)

static const char *const NAME_FIELDS[] = {"given_name", "family_name", "patronymic"};
static const char *const PREFIX_KINDS[] = {"p3", "p4", "p5"};

/* ---- the terms of one value ------------------------------------------------------- */

/* The value of the prefix term of kind k (3..5) for folded: its first k letters, or the
 * whole word and "$" when it is shorter. */
static void prefix_value(const char *folded, size_t k, char out[NAME_FOLD_MAX + 1])
{
    size_t n = strlen(folded);
    if (n >= k)
        snprintf(out, NAME_FOLD_MAX + 1, "%.*s", (int)k, folded);
    else
        snprintf(out, NAME_FOLD_MAX + 1, "%s$", folded);
}

static int64_t prefix_term(const qg_keys *keys, int64_t org_id, const char *folded, size_t k)
{
    char value[NAME_FOLD_MAX + 1];
    prefix_value(folded, k, value);
    int64_t t = crypto_search_term(keys, org_id, PREFIX_KINDS[k - CASE_TERMS_PREFIX_MIN], value);
    crypto_wipe(value, sizeof value);
    return t;
}

int64_t case_terms_prefix(const qg_keys *keys, int64_t org_id, const char *folded)
{
    size_t k = strlen(folded);
    if (k > CASE_TERMS_PREFIX_MAX)
        k = CASE_TERMS_PREFIX_MAX;
    return prefix_term(keys, org_id, folded, k);
}

int64_t case_terms_birth_date(const qg_keys *keys, int64_t org_id, const char *date)
{
    return crypto_search_term(keys, org_id, "bd", date);
}

bool case_terms_date_of(json_t *personal, char out[11])
{
    const char *bd = json_string_value(json_object_get(personal, "birth_date"));
    const char *iin = json_string_value(json_object_get(personal, "iin"));
    iin_info info;
    qg_error ignored;
    if (bd && strlen(bd) == 10) {
        memcpy(out, bd, 11);
        return true;
    }
    if (iin && iin_validate(iin, "personal.iin", &info, &ignored) == QG_OK) {
        snprintf(out, 11, "%04d-%02d-%02d", info.year % 10000, info.month % 100, info.day % 100);
        return true;
    }
    return false;
}

/* Folds the name in field of personal into out, its words joined by one space. Returns
 * false when the field is missing or folds to nothing. */
static bool folded_name(json_t *personal, const char *field, char out[JOINED_MAX])
{
    const char *name = json_string_value(json_object_get(personal, field));
    char words[NAME_WORDS_MAX][NAME_FOLD_MAX];
    int n = name ? name_fold_words(name, words) : 0;
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, JOINED_MAX - used, "%s%s", i ? " " : "", words[i]);
    crypto_wipe(words, sizeof words);
    return n > 0;
}

/* Writes "a|b" of the folded given and family names, the smaller first (so the order in
 * which a worker wrote them does not matter), and returns true; false when one is missing. */
static bool name_pair(json_t *personal, char out[2 * JOINED_MAX + 2])
{
    char given[JOINED_MAX], family[JOINED_MAX];
    bool ok = folded_name(personal, "given_name", given) &&
              folded_name(personal, "family_name", family);
    if (ok) {
        bool given_first = strcmp(given, family) <= 0;
        snprintf(out, 2 * JOINED_MAX + 2, "%s|%s", given_first ? given : family,
                 given_first ? family : given);
    }
    crypto_wipe(given, sizeof given);
    crypto_wipe(family, sizeof family);
    return ok;
}

bool case_terms_names(const qg_keys *keys, int64_t org_id, json_t *personal, int64_t *names)
{
    char pair[2 * JOINED_MAX + 2];
    if (!name_pair(personal, pair))
        return false;
    *names = crypto_search_term(keys, org_id, "nm", pair);
    crypto_wipe(pair, sizeof pair);
    return true;
}

bool case_terms_who(const qg_keys *keys, int64_t org_id, json_t *personal, int64_t *who)
{
    char pair[2 * JOINED_MAX + 2 + 12], date[11];
    if (!case_terms_date_of(personal, date) || !name_pair(personal, pair))
        return false;
    size_t n = strlen(pair);
    snprintf(pair + n, sizeof pair - n, "|%s", date);
    *who = crypto_search_term(keys, org_id, "who", pair);
    crypto_wipe(pair, sizeof pair);
    return true;
}

bool case_terms_word_starts(json_t *personal, const char *folded)
{
    size_t n = strlen(folded);
    bool found = false;
    for (size_t f = 0; !found && f < sizeof NAME_FIELDS / sizeof *NAME_FIELDS; f++) {
        const char *name = json_string_value(json_object_get(personal, NAME_FIELDS[f]));
        char words[NAME_WORDS_MAX][NAME_FOLD_MAX];
        int count = name ? name_fold_words(name, words) : 0;
        for (int i = 0; !found && i < count; i++)
            found = strncmp(words[i], folded, n) == 0;
        crypto_wipe(words, sizeof words);
    }
    return found;
}

/* ---- writing a case's terms ------------------------------------------------------- */

/* Collects every term of personal into terms; returns how many. */
static int collect_terms(const qg_keys *keys, int64_t org_id, json_t *personal,
                         int64_t terms[TERMS_MAX])
{
    int n = 0;
    for (size_t f = 0; f < sizeof NAME_FIELDS / sizeof *NAME_FIELDS; f++) {
        const char *name = json_string_value(json_object_get(personal, NAME_FIELDS[f]));
        char words[NAME_WORDS_MAX][NAME_FOLD_MAX];
        int count = name ? name_fold_words(name, words) : 0;
        for (int i = 0; i < count; i++)
            for (size_t k = CASE_TERMS_PREFIX_MIN; k <= CASE_TERMS_PREFIX_MAX; k++)
                terms[n++] = prefix_term(keys, org_id, words[i], k);
        crypto_wipe(words, sizeof words);
    }
    char date[11];
    if (case_terms_date_of(personal, date))
        terms[n++] = case_terms_birth_date(keys, org_id, date);
    if (case_terms_who(keys, org_id, personal, &terms[n]))
        n++;
    if (case_terms_names(keys, org_id, personal, &terms[n]))
        n++;
    return n;
}

static qg_code delete_terms(db *conn, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "DELETE FROM case_terms WHERE case_id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    return db_run(st, err);
}

static qg_code insert_term(db *conn, int64_t case_id, int64_t term, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO case_terms (term, case_id) VALUES (?, ?)"
                             " ON CONFLICT (term, case_id) DO NOTHING",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, term);
    db_bind_int(st, 2, case_id);
    return db_run(st, err);
}

static qg_code mark_indexed(db *conn, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "UPDATE cases SET terms_version = ? WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, CASE_TERMS_VERSION);
    db_bind_int(st, 2, case_id);
    return db_run(st, err);
}

qg_code case_terms_write(db *conn, const qg_keys *keys, int64_t case_id, int64_t org_id,
                         json_t *personal, qg_error *err)
{
    int64_t terms[TERMS_MAX];
    int n = json_is_object(personal) ? collect_terms(keys, org_id, personal, terms) : 0;
    qg_code c = delete_terms(conn, case_id, err);
    for (int i = 0; c == QG_OK && i < n; i++)
        c = insert_term(conn, case_id, terms[i], err);
    return c == QG_OK ? mark_indexed(conn, case_id, err) : c;
}
