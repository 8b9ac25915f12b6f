/*
 * referral.h — referring a child to another organisation (issue 5 §2–5; Module 3 of the
 * manual, L2166–2183): the sender chooses the service, the receiving organisation (on
 * Qorgau, or named as text when it is not) and which parts of the case go with it; only
 * the minimum is sent, as a sealed snapshot taken at sending. States: sent → accepted
 * or declined → in service → completed or not completed; the sender may cancel while it
 * is open. An organisation not on Qorgau answers with a one-time reply code printed on
 * the referral sheet.
 *
 * Every referral is known by a random public reference "RF-XXXX-XXXX-XXXX" (60 bits,
 * Crockford base32), never by a sequential id. A referral the actor may not see is
 * QG_ENOTFOUND naming "referral", the same answer as one that does not exist.
 */
#ifndef QG_REFERRAL_H
#define QG_REFERRAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "store/db.h"

#define REFERRAL_REF_LEN 17 /* "RF-" 4 "-" 4 "-" 4 */
#define REFERRAL_REF_SIZE (REFERRAL_REF_LEN + 1)
#define REPLY_CODE_LEN 19 /* 4 "-" 4 "-" 4 "-" 4: 16 symbols, 80 random bits */
#define REPLY_CODE_SIZE (REPLY_CODE_LEN + 1)
#define REFERRAL_TO_NAME_MAX 200
#define REFERRAL_NOTE_MAX 2000
#define REFERRAL_REASON_TEXT_MAX 1000 /* the emergency override's reason */
#define REFERRAL_RESPOND_DAYS 5       /* the default deadline for a response */
#define REFERRAL_RESPOND_MAX_DAYS 90
#define REFERRAL_LIST_MAX 500

/* What a user (or a reply code) can do to a referral. */
typedef enum {
    REF_ACCEPT,
    REF_DECLINE,
    REF_START,
    REF_COMPLETE,
    REF_NOT_COMPLETE,
    REF_CANCEL,
    REF_ACTION_COUNT
} referral_action;

/* ---- the rules (referral_rules.c): pure, no storage ---------------------------------- */

/* Parses an action name ("accept", "not-complete" or "not_complete", ...). Returns
 * false when it is none. */
bool referral_action_parse(const char *name, referral_action *out);

/* Returns the action's name as audited ("accept", "not_complete", ...). */
const char *referral_action_name(referral_action a);

/* Returns true for cancel, the only action of the sending side. */
bool referral_action_by_sender(referral_action a);

/* The state machine: sets *to to the status that action a leads to from status from
 * (a static string). A transition the machine does not have is QG_ECONFLICT naming
 * "status". */
qg_code referral_next_status(const char *from, referral_action a, const char **to, qg_error *err);

/* Returns true while a referral is open: sent, accepted or in service. */
bool referral_status_open(const char *status);

/* Returns true when share part code part is personal data (identity, contact,
 * assessment, safety_plan): it goes only with consent, never off the platform. */
bool referral_part_personal(const char *part);

/* Returns true when service needs the child's identity and contact (a shelter, a
 * clinic, legal aid, ...); false for services that do not (food and clothing, ...). */
bool referral_service_takes_identity(const char *service);

/* Checks a create body (see POST /cases/{code}/referrals in docs/referrals.md) against
 * today (YYYY-MM-DD) and writes the response deadline into respond_by (the body's, or
 * today + REFERRAL_RESPOND_DAYS). Returns QG_OK, QG_EINVAL naming the field (e.g.
 * "parts[1]"), never echoing a value. */
qg_code referral_check_create(json_t *body, const char *today, char respond_by[11], qg_error *err);

/* Checks a transition body {"reason"?, "note"?, "version"?} for action a: a reason is
 * required to decline or not complete, allowed to cancel, refused otherwise. Returns
 * QG_OK or QG_EINVAL naming the field. */
qg_code referral_check_transition(json_t *body, referral_action a, qg_error *err);

/* Writes the date days after ymd (YYYY-MM-DD) into out. Returns false when ymd is not
 * a date. */
bool referral_date_add(const char *ymd, int days, char out[11]);

/* Writes a new random reference into out. Uniqueness is the store's job. */
void referral_ref_new(char out[REFERRAL_REF_SIZE]);

/* Parses a reference as typed (any case, hyphens optional, I/L read as 1, O as 0).
 * Returns false when it is not one. */
bool referral_ref_parse(const char *in, char out[REFERRAL_REF_SIZE]);

/* Writes a new random one-time reply code (80 bits) into out. */
void reply_code_new(char out[REPLY_CODE_SIZE]);

/* Parses a reply code as typed (as referral_ref_parse, spaces allowed too). Returns
 * false when it is not one. */
bool reply_code_parse(const char *in, char out[REPLY_CODE_SIZE]);

/* ---- the snapshot (referral_snapshot.c) ------------------------------------------------ */

/* Inside the caller's transaction: builds what a referral of case case_id carries for
 * the share parts in parts (a JSON array of codes): one key per chosen part and
 * nothing else (see docs/referrals.md for each part's minimum). Decrypts the personal
 * part and the forms as needed; checks no policy and audits nothing. *out is a new
 * object the caller owns; it holds personal data: never log it. */
qg_code referral_snapshot(db *conn, const qg_keys *keys, int64_t case_id, json_t *parts,
                          json_t **out, qg_error *err);

/* ---- the services (referral.c, referral_read.c, referral_reply.c) ------------------------- */

/* Creates a referral of the case with code (POST /cases/{code}/referrals). Needs
 * ACT_REFERRAL_SEND and the right to read the case's personal data; the receiving
 * organisation needs a valid agreement covering the parts (or an emergency override by
 * a supervisor), personal parts need the child's consent to sharing with it. Audited
 * "referral.create" (and "referral.override"). *out is the new referral (caller owns). */
qg_code referral_create(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                        json_t **out, qg_error *err);

/* Lists the referrals of the case with code, without contents; audited "referral.list".
 * *out is {"referrals": [...]} (caller owns). */
qg_code referral_list_case(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                           qg_error *err);

typedef struct {
    const char *direction; /* "out" (sent by the actor's organisation) or "in" */
    bool overdue;          /* only those still waiting for a response after respond_by */
    const char *status;    /* NULL = any */
} referral_query;

/* Lists referrals across cases (GET /referrals): out = those the actor's organisation
 * sent, on cases the actor may read; in = those sent to the actor's organisation, with
 * no case code and, once closed, only ref, service and status. Audited "referral.list".
 * *out is {"referrals": [...], "truncated"} (caller owns). */
qg_code referral_list(qg_app *app, const qg_actor *actor, const referral_query *query, json_t **out,
                      qg_error *err);

/* Reads one referral (GET /referrals/{ref}): the sending side gets all of it with its
 * history; the receiving organisation only what the referral carries, only while it is
 * open and, for personal parts, while the consent to sharing holds. Audited
 * "referral.read". *out caller-owned; personal data: never log it. */
qg_code referral_get(qg_app *app, const qg_actor *actor, const char *ref, json_t **out,
                     qg_error *err);

/* Moves a referral by action (POST /referrals/{ref}/{action}) with body {"reason"?,
 * "note"?, "version"?}: cancel by the sending side, the rest by users of the receiving
 * organisation. Audited "referral.<action>". *out is the referral's summary. */
qg_code referral_act(qg_app *app, const qg_actor *actor, const char *ref, referral_action action,
                     json_t *body, json_t **out, qg_error *err);

/* The sending side records the answer the recipient gave by phone (POST
 * /referrals/{ref}/phone-answer) with body {"answer": "accepted"|"declined", "reason"?
 * (a referral_reason code, required to decline), "note"?, "version"?}: only while the
 * referral is sent and waiting (QG_ECONFLICT naming "status" once the recipient answered
 * or it was cancelled, "version" when it changed). The history entry is by the actor and
 * marked "by_phone", so that the sender's and the recipient's pages show the answer as
 * recorded by the sender. A referral the actor may not act on as its sender is
 * QG_ENOTFOUND naming "referral". Audited "referral.phone_answer". *out is the summary
 * with "by_phone": true. */
qg_code referral_phone_answer(qg_app *app, const qg_actor *actor, const char *ref, json_t *body,
                              json_t **out, qg_error *err);

/* The printable referral sheet of an off-platform referral (GET /referrals/{ref}/sheet),
 * for the sending side: an HTML page with what the referral carries, its deadline and a
 * new one-time reply code (earlier unused codes of the referral stop working). reply_url
 * is where the recipient answers (escaped into the page); lang ("kk", "ru" or "en"; any
 * other, Kazakh) the page's language. Audited "referral.sheet".
 * *html (caller frees with crypto_free_plain(*html, *len)) is personal data. */
qg_code referral_sheet(qg_app *app, const qg_actor *actor, const char *ref, const char *reply_url,
                       const char *lang, char **html, size_t *len, qg_error *err);

/* A recipient not on Qorgau answers with a reply code: action is "accept", "decline",
 * "complete" or "not_complete", reason a referral_reason code (required to decline or
 * not complete). Failures are counted per client address (after too many, QG_ETHROTTLED
 * with *retry_after seconds); an unknown, expired or used code is QG_ENOTFOUND naming
 * "code" with one message for all three. A code works once; accepting gives a new code
 * for reporting the outcome. *out is {"ref", "status", "next_code"?} (caller owns).
 * Audited "referral.reply" {"ref", "action", "via_code": true}. */
qg_code referral_reply(qg_app *app, const char *client_addr, int64_t now, const char *code,
                       const char *action, const char *reason, json_t **out, int *retry_after,
                       qg_error *err);

#endif
