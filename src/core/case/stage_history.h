/*
 * stage_history.h — the history of a case's stages (stage.h tells the rules): writing
 * its entries and reading them back, notes sealed. Included by stage.h; case.c writes
 * the first entry of a new case here, stage.c every later one.
 */
#ifndef QG_STAGE_HISTORY_H
#define QG_STAGE_HISTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"

/* Inside the caller's transaction: writes the first history entry of a new case. */
qg_code stage_record_open(db *conn, int64_t case_id, const char *stage, const qg_actor *actor,
                          qg_error *err);

/* Inside the caller's transaction: appends the entry event (move, close, reopen) from
 * stage from to stage to, with reason (a close reason code, or NULL) and note (text,
 * sealed to its place with keys; NULL for none), by actor. */
qg_code stage_history_append(db *conn, const qg_keys *keys, int64_t case_id, const char *event,
                             const char *from, const char *to, const char *reason, json_t *note,
                             const qg_actor *actor, qg_error *err);

/* Inside the caller's transaction: the stage view of case_id into *out (caller owns);
 * with notes true the notes are decrypted with keys (the caller has checked and
 * audits the right to read them). */
qg_code stage_history_view(db *conn, const qg_keys *keys, int64_t case_id, bool notes,
                           json_t **out, qg_error *err);

/* The stage view: {"stage", "status", "close_reason", "history": [{"n", "event",
 * "from", "to", "reason", "by", "at", "has_note"}]}. With notes true the notes are
 * decrypted into each entry ("note"): that needs the right to read personal data and
 * is audited as "case.history_read". *out caller-owned. */
qg_code stage_history(qg_app *app, const qg_actor *actor, const char *code, bool notes,
                      json_t **out, qg_error *err);

#endif
