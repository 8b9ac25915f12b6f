/*
 * referral_impl.h — what referral.c (which holds them), referral_read.c and referral_reply.c share:
 * one stored referral, finding it, deciding which side of it an actor stands on, its history, and
 * its sealed parts. Internal to src/core.
 */
#ifndef QG_REFERRAL_IMPL_H
#define QG_REFERRAL_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/case/child_code.h"
#include "core/referral/referral.h"

#define REFERRAL_PLACE_MAX 48 /* "referral:RF-XXXX-XXXX-XXXX" */

/* One stored referral (everything but the sealed contents' plaintext). */
typedef struct {
    int64_t id, case_id, from_org, to_org; /* to_org 0 when not on Qorgau */
    int64_t agreement_id, version;
    bool emergency;
    char ref[REFERRAL_REF_SIZE], case_code[QG_CODE_SIZE];
    char service[32], status[16], respond_by[11];
    char to_name[REFERRAL_TO_NAME_MAX + 1];
    char created_at[21], updated_at[21];
    json_t *parts;         /* owned */
    unsigned char *sealed; /* owned: the contents and the note */
    size_t sealed_len;
} referral_row;

/* Which side of a referral an actor stands on. */
typedef enum { SIDE_NONE, SIDE_SENDER, SIDE_RECEIVER } referral_side;

/* Loads the referral with canonical reference ref (QG_ENOTFOUND naming "referral"). *r
 * is freed with referral_row_free, also after a failure. */
qg_code referral_load(db *conn, const char *ref, referral_row *r, qg_error *err);

/* Frees what a row owns. */
void referral_row_free(referral_row *r);

/* Sets *side: SENDER for a user of the sending organisation who may refer and read the
 * case's personal data, RECEIVER for a user of the receiving organisation whose role
 * may receive referrals, NONE otherwise. */
qg_code referral_side_of(db *conn, const qg_actor *actor, const referral_row *r,
                         referral_side *side, qg_error *err);

/* Writes the sealed place of the referral's texts ("referral:<ref>") into out: the
 * contents are number 0, the note of history entry n is number n. */
void referral_place(const char *ref, char out[REFERRAL_PLACE_MAX]);

/* Opens the sealed contents: *out is {"contents": {...}, "note"?} (caller owns;
 * personal data). */
qg_code referral_open(const qg_keys *keys, const referral_row *r, json_t **out, qg_error *err);

/* Appends history entry (from → to, reason code or NULL, note text or NULL: sealed)
 * by by_user (0 for none) or via a reply code. */
qg_code referral_event(db *conn, const qg_keys *keys, const referral_row *r, const char *from,
                       const char *to, const char *reason, json_t *note, int64_t by_user,
                       bool via_code, qg_error *err);

/* Sets the referral's status, bumps its version and updated_at, and updates r. */
qg_code referral_set_status(db *conn, referral_row *r, const char *status, qg_error *err);

/* Audits action on the referral's case with detail (stolen; NULL = {}) plus "ref". */
qg_code referral_audit(db *conn, const qg_keys *keys, const qg_actor *actor, const char *action,
                       const referral_row *r, json_t *detail, qg_error *err);

/* The referral's summary: ref, service, status, respond_by, version, updated_at. */
json_t *referral_summary(const referral_row *r);

/* The referral as its sending side sees it, without contents or history: ref, case,
 * service, recipient (id and name, or the name typed), parts, status, deadline and
 * whether it is overdue, emergency, agreement, version and times. *out caller-owned. */
qg_code referral_sender_json(db *conn, const referral_row *r, json_t **out, qg_error *err);

/* Sets *out to the name of organisation id (a new string), or null when id is 0 or
 * unknown. */
qg_code referral_org_name(db *conn, int64_t id, json_t **out, qg_error *err);

/* Whether a referral in status with deadline respond_by (YYYY-MM-DD) is overdue on
 * today: still waiting for its answer after the deadline. */
bool referral_overdue(const char *status, const char *respond_by, const char *today);

/* Returns "not found" naming "referral" (the one answer for absent and hidden). */
qg_code referral_not_found(qg_error *err);

/* What the referral sheet shows besides the referral: the sender's organisation, where
 * and with which one-time code to answer, and until when (Unix time). */
typedef struct {
    const char *from_org, *reply_url, *code;
    int64_t expires;
} sheet_facts;

/* Writes the printable sheet of r (opened: its opened contents and note) in lang ("kk",
 * "ru", "en"; any other, Kazakh) into *html (caller frees with crypto_free_plain). Returns
 * false when out of memory. (referral_sheet.c) */
bool referral_sheet_html(const referral_row *r, json_t *opened, const sheet_facts *f,
                         const char *lang, char **html, size_t *len);

#endif
