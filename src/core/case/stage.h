/*
 * stage.h — where a child's case stands among the manual's ten stages (L2459–2501),
 * and how it got there: moving between stages, closing with a reason, reopening.
 *
 * Rules (docs/case-work.md):
 * - a case moves forward to any later stage but closure (not every child needs every
 *   stage: a child found in Kazakhstan may need no help to leave);
 * - stages 3–8 (assessment … monitoring) repeat (L2493–2496, L2097): from any stage
 *   3–9 the case may go back to any stage 3–8, with a note saying why;
 * - it never goes back to identification or exit assistance;
 * - closure is reached only by closing, with a reason from VOCAB_CLOSE_REASON ("other"
 *   needs a note); a closed case takes no stage move, form or task until reopened;
 * - reopening needs a note and returns the case to a working stage (assessment by
 *   default).
 *
 * Every change appends one entry to the case's history (who, when, from, to, the
 * reason code and the note; the note is free text, so it is sealed) and one audit
 * entry, in the same transaction.
 */
#ifndef QG_STAGE_H
#define QG_STAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "core/case/stage_history.h"

#define STAGE_NOTE_MAX 4000

/* Returns the position of stage in the manual's order (1..10), or 0 when unknown. */
int stage_number(const char *stage);

/* Returns QG_OK when a case may move from stage from to stage to, else QG_ECONFLICT or
 * QG_EINVAL naming "stage"; *needs_note is set when the move goes back (a repeat). */
qg_code stage_check_move(const char *from, const char *to, bool *needs_note, qg_error *err);

/* Moves the case to body's "stage" with an optional "note" (required going back).
 * *out is the case's stage view (see stage_history). */
qg_code stage_move(qg_app *app, const qg_actor *actor, const char *code, json_t *body, json_t **out,
                   qg_error *err);

/* Closes the case: body {"reason": code, "note": text (required for "other")}. */
qg_code stage_close(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                    json_t **out, qg_error *err);

/* Reopens a closed case: body {"note": text (required), "stage": code (optional,
 * default "assessment")}. */
qg_code stage_reopen(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                     json_t **out, qg_error *err);

#endif
