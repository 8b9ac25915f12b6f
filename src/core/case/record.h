/*
 * record.h — the case forms of issue 4, stored in a child's case: the assessment of
 * the manual's eight elements (L2113–2129), the safety plan (L2131–2160, reviewed
 * regularly: L2133–2135, L2453), the action plan of short- and long-term goals
 * (L2315–2329) and the log of every interaction, in person, by phone or online
 * (L2431–2435).
 *
 * Each record hangs on its case and is numbered 1, 2, ... per case and kind. Its
 * codes, dates and flags are stored in clear for lists and analysis; every free text
 * is sealed to its place (sealed.h), since free text is personal data. A record can be
 * withheld from the child's own copy of the file (L2442–2444). Records are made and
 * changed only while the case is open; every create, change and read of the sealed
 * text is audited in the same transaction, with the record's number only.
 *
 * The body of each kind (a GET answers the same shape, plus "n", "kind", "version"
 * and who and when):
 *   assessment  {"assessed_on"?, "elements": {<all 8 element codes>: {"level",
 *               "notes"?}}, "summary"?, "withheld_from_child"?}
 *   safety_plan {"made_on"?, "review_on", "current_risks", "prevention",
 *               "if_threatened", "child_view", "triggers"?, "options": {<situation>:
 *               text}, "harm_channels": {<channel>: text}, "withheld_from_child"?}
 *   action_plan {"made_on"?, "goals": [{"term", "goal", "owner"?, "owner_note"?,
 *               "due_on", "status"?}], "withheld_from_child"?}
 *   interaction {"on"?, "channel", "participants": [codes], "summary",
 *               "withheld_from_child"?}
 * An absent date is today; record dates are never in the future (goal due dates may
 * be) nor before 2000-01-01.
 */
#ifndef QG_RECORD_H
#define QG_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

#define RECORD_TEXT_MAX 4000       /* element notes, each safety-plan text */
#define RECORD_SUMMARY_MAX 8000    /* an assessment's or an interaction's summary */
#define RECORD_GOAL_MAX 1000       /* one goal of an action plan */
#define RECORD_OWNER_NOTE_MAX 200  /* who does a goal, when not a user ("the school") */
#define RECORD_GOALS_MAX 50
#define RECORD_PARTICIPANTS_MAX 16
#define RECORD_REVIEW_DAYS_MAX 366 /* a safety plan is reviewed at least once a year */
#define RECORD_NUMBER_MAX 1000000

/* Returns the kind ("safety_plan") whose path segment is segment ("safety-plans"), or
 * NULL. Static string. */
const char *record_kind_for_segment(const char *segment);

/* Checks a create body of kind without storing anything. Returns QG_OK, or QG_EINVAL
 * naming the field ("elements.housing.level", "goals[0].due_on"; an unknown key names
 * the object holding it, never the key); an unknown kind is QG_EINVAL naming "kind".
 * Goal owners are checked only when stored (they need the database). */
qg_code record_check(const char *kind, json_t *body, qg_error *err);

/* Stores body as a new record of kind in the open case code (closed: QG_ECONFLICT
 * naming "status"). *out (caller owns; it holds free text: never log it) is the whole
 * record. Needs the right to change the case's personal data; audited as
 * "<kind>.create" with the record's number. */
qg_code record_create(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                      json_t *body, json_t **out, qg_error *err);

/* Replaces record n of kind with body (a create body plus an optional "version" that
 * must equal the stored one, else QG_ECONFLICT naming "version"); the version goes up
 * by one. A missing record is QG_ENOTFOUND naming "n". *out as record_create; audited
 * as "<kind>.update". */
qg_code record_update(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                      int64_t n, json_t *body, json_t **out, qg_error *err);

/* Lists the case's records of kind without their free text, oldest first:
 * {"assessments"|"safety_plans"|"action_plans"|"interactions": [{"n", "on", "due_on",
 * "withheld_from_child", "created_by", "created_at",
 * "updated_by", "updated_at", "version", ...the stored codes}]}; safety plans also say
 * "review_overdue" (true only for the newest plan of an open case whose review date has
 * passed), interactions "recorded_by". Nothing is decrypted. *out caller-owned. */
qg_code record_list(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                    json_t **out, qg_error *err);

/* Reads record n of kind with its decrypted text, in the shape of its body; audited as
 * "<kind>.read". *out caller-owned; it holds personal data: never log it. */
qg_code record_get(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                   int64_t n, json_t **out, qg_error *err);

#endif
