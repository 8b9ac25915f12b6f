/*
 * qualify.h — the legal-qualification helper: checks facts about a presumed victim
 * against the international definition of trafficking (act + means + purpose, Palermo
 * Protocol art. 3, manual L667-707) and names the Criminal Code articles of Kazakhstan
 * the manual lists for consideration (L621-626, L1139-1140). The answer is a
 * suggestion for professionals, never a legal finding. The code lists of acts, means,
 * purposes (with HTCDS v2.0 vic_TypeOfExploitation) and articles are static tables
 * the API can list.
 */
#ifndef QG_QUALIFY_H
#define QG_QUALIFY_H

#include <jansson.h>

#include "base/err.h"
#include "core/vocab/vocab.h"

#define QUALIFY_CHILD_AGE 18 /* a victim younger than this is a child */
#define QUALIFY_AGE_MAX 120

/* Acts (manual L670-680): recruitment, transportation, transfer, harbouring, receipt.
 * extra is NULL. */
extern const vocab_list QUALIFY_ACTS;

/* Means (Palermo art. 3(a); the manual's table has only force, deception and coercion,
 * L682-686, the rest is from its prose L718-735 and the Module 4 table L3547-3554).
 * extra is NULL. */
extern const vocab_list QUALIFY_MEANS;

/* Purposes: the manual's forms of exploitation (L688-704, L1344-1350, L1437). extra is
 * the HTCDS v2.0 vic_TypeOfExploitation code. */
extern const vocab_list QUALIFY_PURPOSES;

/* Criminal Code articles the helper may name: 125, 128, 134, 135, 308. extra is the
 * manual's source lines, e.g. "L622". */
extern const vocab_list QUALIFY_ARTICLES;

/* Returns the NULL-terminated array of the four lists above (static, not to be freed). */
const vocab_list *const *qualify_lists(void);

/* Checks facts against the international definition of trafficking (Palermo
 * Protocol art. 3, manual L670-704) and names the Criminal Code articles the manual
 * lists for consideration. facts is {"acts": [...], "means": [...], "purposes": [...],
 * "age": n|null, "prostitution": bool (optional)}. *out (caller owns) is the answer.
 * QG_EINVAL names the field at fault ("acts[2]", "age", "body" for unknown keys).
 *
 * Details: every key is optional; an absent list is an empty one, an absent or null
 * age is unknown, an absent prostitution is false. facts stays the caller's and is
 * not changed. On success *out is
 *   {"meets_definition": bool, "child": true|false|null,
 *    "elements": {"act", "means", "means_required": bool|null, "purpose"},
 *    "missing": ["act"|"means"|"purpose", ...],
 *    "articles": [{"article", "title": {kk,ru,en}, "reason": {kk,ru,en},
 *                  "source_lines"}, ...],
 *    "reasons": [{kk,ru,en}, ...], "suggestion_only": true}
 * and, only when the age is unknown, "if_child" and "if_adult" (bool): whether the
 * definition would be met for a child and for an adult. On failure *out is NULL and
 * the code is QG_EINVAL (field named, input never echoed) or QG_ENOMEM. */
qg_code qualify_facts(json_t *facts, json_t **out, qg_error *err);

#endif
