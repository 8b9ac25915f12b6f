/*
 * directory.h — the service directory (issue 5): which services each organisation
 * offers, in which regions, for which ages, sexes and languages, with capacity, free
 * places, its referral procedure and a contact point. Every logged-in user searches it;
 * a supervisor keeps their own organisation's entries, an admin or the system any.
 *
 * A shelter's address is never stored (L2452): there is no address field, and the free
 * texts (procedure, contact) refuse the usual words of an address ("улица", "көшесі",
 * "street", ...). A contact point is a phone, an e-mail or a desk, never a place.
 */
#ifndef QG_DIRECTORY_H
#define QG_DIRECTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define DIRECTORY_AGE_MAX 120
#define DIRECTORY_PROCEDURE_MAX 2000
#define DIRECTORY_CONTACT_MAX 200
#define DIRECTORY_LANGUAGES_MAX 16
#define DIRECTORY_CAPACITY_MAX 100000

/* A search; every member may be NULL or "" (no filter). age is text as it came in the
 * query string. */
typedef struct {
    const char *service, *region, *age, *sex;
} directory_filter;

/* Checks the body of PUT /orgs/{org}/services/{service}: the known keys only, regions
 * and sexes (codes, at least one, distinct), age_min..age_max within 0..120, languages
 * (ISO 639, at least one), capacity and available (0..capacity) when given, procedure
 * and contact without an address, version. Returns QG_OK or QG_EINVAL naming the field
 * ("body" for an unknown key), never repeating a value. Borrows body. */
qg_code directory_check_entry(json_t *body, qg_error *err);

/* Returns true when text holds one of the words of an address (street, avenue,
 * micro-district in Kazakh, Russian or English) at the start of a word, ignoring the
 * case of Latin and Cyrillic letters. */
bool directory_has_address(const char *text);

/* Checks a search's filters: a service, region and sex code, an age 0..120. Returns
 * QG_OK or QG_EINVAL naming the query parameter. */
qg_code directory_check_filter(const directory_filter *f, qg_error *err);

/* Creates or replaces organisation org_id's entry for service (a service code). A role
 * that may never manage the directory gets QG_EFORBIDDEN; a supervisor of another
 * organisation, or an organisation that does not exist, QG_ENOTFOUND naming "org"; an
 * unknown service QG_ENOTFOUND naming "service"; a "version" that is not the stored
 * one QG_ECONFLICT. Audited "directory.update". On success *out (caller owns) is the
 * stored entry and *created tells whether it is new. Borrows body. */
qg_code directory_put(qg_app *app, const qg_actor *actor, int64_t org_id, const char *service,
                      json_t *body, json_t **out, bool *created, qg_error *err);

/* Removes organisation org_id's entry for service; the same rules as directory_put,
 * and QG_ENOTFOUND naming "service" when the organisation does not list it. Audited
 * "directory.remove". */
qg_code directory_remove(qg_app *app, const qg_actor *actor, int64_t org_id, const char *service,
                         qg_error *err);

/* Searches the directory: entries matching every filter given (the entry lists the
 * region and the sex, the age lies within its range), most free places first (unknown
 * last), then by organisation name. *out (caller owns) is {"services": [...]}. */
qg_code directory_search(qg_app *app, const qg_actor *actor, const directory_filter *f,
                         json_t **out, qg_error *err);

/* Lists organisation org_id's entries ({"services": [...]}, caller owns); an unknown
 * organisation is QG_ENOTFOUND naming "org". */
qg_code directory_org_list(qg_app *app, const qg_actor *actor, int64_t org_id, json_t **out,
                           qg_error *err);

#endif
