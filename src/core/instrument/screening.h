/*
 * screening.h — screenings stored in a child's case: an instrument's answers, scored
 * by the instrument engine, with the instrument version, mode, language, who
 * administered it and when. The answers are sealed like the case's personal part
 * (free text is personal data); the score is stored in clear for the case's readers
 * and for analysis. Urgent needs a screening suggests are attached to the case.
 *
 * Screenings are numbered 1, 2, ... within their case (never by a global id, which
 * would show other organisations' activity). A screening whose instrument requires
 * the interviewer's own conclusion (htiam-14) stays a draft, and may be rescored,
 * until that is recorded; a final screening never changes.
 */
#ifndef QG_SCREENING_H
#define QG_SCREENING_H

#include <jansson.h>

#include "core/account/actor.h"
#include "core/common/app.h"

/* Scores body's answers and stores them in the case. body is {"instrument": id,
 * "version": n (optional: the newest), "answers": {...}, "mode": "interviewer"|"self",
 * "language": "kk"|"ru"|"en", "administered_on": "YYYY-MM-DD" (optional: today)}.
 * *out (caller owns) is the stored screening without its answers. Audited as
 * "screening.create". Needs the right to change the case's personal data. */
qg_code screening_create(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                         json_t **out, qg_error *err);

/* Replaces the answers of draft screening n (body {"answers": {...}}) and rescores it
 * with the version it was made with. A final screening is QG_ECONFLICT. */
qg_code screening_update(qg_app *app, const qg_actor *actor, const char *code, int64_t n,
                         json_t *body, json_t **out, qg_error *err);

/* Lists the case's screenings with their scores, without answers: {"screenings": [...]}.
 * *out caller-owned. */
qg_code screening_list(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                       qg_error *err);

/* Reads screening n with its decrypted answers; audited as "screening.read". *out is
 * caller-owned and holds personal data: never log it. */
qg_code screening_get(qg_app *app, const qg_actor *actor, const char *code, int64_t n,
                      json_t **out, qg_error *err);

#endif
