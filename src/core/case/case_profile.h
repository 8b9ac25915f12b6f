/*
 * case_profile.h — the data the manual asks to collect about every case (L2683–2699),
 * coded in HTCDS v2.0 terms where HTCDS has a code: forms and place of exploitation,
 * recruitment and exit, relation to the trafficker, the criminal-justice response,
 * trafficker profiles, services needed, route events, victim status and who decided it,
 * accompaniment, interpreter, the non-punishment flag (L1887–1916), and an external
 * reference for imports.
 *
 * None of it identifies the child: every value is a code, a flag, a date or a place
 * (a region of Kazakhstan or a country). It lives in clear beside the case for case
 * work and analysis. Scalar fields are columns of cases (stored by case.c); the four
 * list fields live in their own tables, written and read here.
 */
#ifndef QG_CASE_PROFILE_H
#define QG_CASE_PROFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

#define PROFILE_TRAFFICKERS_MAX 20
#define PROFILE_ROUTE_MAX 50
#define PROFILE_REF_MAX 64

/* Returns true when key names a profile field a user may set (scalar or list). */
bool profile_is_field(const char *key);

/* Returns true when key is one of the profile's list fields (exploitation_forms,
 * services_needed, traffickers, route), which live outside the cases table. */
bool profile_is_list(const char *key);

/* Checks one profile field's value; null is accepted (it clears the field). Returns
 * QG_OK or QG_EINVAL naming the field ("traffickers[1].role"), never echoing a value. */
qg_code profile_check(const char *key, json_t *v, qg_error *err);

/* Checks rules between fields on the merged view of a case (stored values plus
 * changes): an interpreter language only with interpreter_needed, who decided the
 * victim status only with a status. Returns QG_OK or QG_EINVAL naming the field. */
qg_code profile_check_merged(json_t *fields, qg_error *err);

/* Returns true when s is a place: a region code of Kazakhstan or an ISO 3166-1
 * alpha-2 country code (XX = unknown). */
bool profile_is_place(const char *s);

/* Inside the caller's transaction: for each list field present in fields, replaces
 * the stored list of case_id with the given one (null or [] empties it). */
qg_code profile_write_lists(db *conn, int64_t case_id, json_t *fields, qg_error *err);

/* As profile_write_lists for a case inserted in the caller's transaction, which has no
 * stored lists yet (nothing to clear: one statement less per list). */
qg_code profile_write_new_lists(db *conn, int64_t case_id, json_t *fields, qg_error *err);

/* Adds the four list fields of case_id to obj (empty arrays when none). */
qg_code profile_read_lists(db *conn, int64_t case_id, json_t *obj, qg_error *err);

#endif
