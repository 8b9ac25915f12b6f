/*
 * case_search.h — finding a child (issue 14): search by name, birth date, year of birth or
 * IIN among the cases the actor may see, over the blind index (case_terms.h) and, for a
 * name word longer than the index's prefixes, the personal data decrypted in memory; and
 * the likely duplicates of a child being registered. Nothing a search returns names the
 * child: a hit is the case's code, stage, year of birth, organisation and case managers.
 */
#ifndef QG_CASE_SEARCH_H
#define QG_CASE_SEARCH_H

#include <jansson.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "store/db.h"

#define SEARCH_TEXT_MAX 200 /* bytes of the search text */
#define SEARCH_WORDS_MAX 6  /* words in one search */
#define SEARCH_HITS_MAX 50  /* hits in one answer; "more" says there were more */

/* Searches the cases the actor may see for q (free text: 12 digits are an IIN,
 * 2014-05-31 or 31.05.2014 a birth date, four digits a year of birth, any other word a
 * name word of at least 3 letters matched as a prefix, in Kazakh, Russian or Latin
 * letters; every word must match). *out is {"hits": [...], "more": bool}, newest first,
 * caller-owned. Audited as "case.search" with the kinds of words and the number of hits,
 * never the words. Errors name the field "q" (search.empty, search.word_too_short,
 * search.too_many_words, search.repeated, text.too_long, date.format, iin.*);
 * QG_EFORBIDDEN for roles without case lists. */
qg_code case_search(qg_app *app, const qg_actor *actor, const char *q, json_t **out,
                    qg_error *err);

/* Inside the caller's transaction: the cases of org_id the actor may see whose folded
 * given and family names and birth date equal personal's (a likely duplicate of a child
 * being registered). *likely is a new array of {"code", "stage", "status",
 * "birth_year"} (empty when none, or when personal lacks a name or a birth date). */
qg_code case_search_likely(db *conn, const qg_keys *keys, const qg_actor *actor, int64_t org_id,
                           json_t *personal, json_t **likely, qg_error *err);

/* Indexes every case whose terms are older than CASE_TERMS_VERSION (after an upgrade, or
 * cases imported without personal data), in transactions of a few hundred cases. Sets
 * *done to the number of cases indexed. Safe to run at every start. */
qg_code case_search_refresh(qg_app *app, int64_t *done, qg_error *err);

#endif
