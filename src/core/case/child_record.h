/*
 * child_record.h — the child's own record: a plain-language text of the case in
 * Kazakh, Russian or English, for when a child asks to see their records (manual
 * L2442–2444: children may see their records unless the law forbids it or it is
 * against their interests; issue 4 §5).
 *
 * It holds what is about the child and for the child: names, birth date and
 * languages; the case's stage, state and history (dates and stages only); the help
 * needed; and, from the forms, only records not marked as withheld: the newest
 * assessment, the newest safety plan (the child's view, what to do if threatened,
 * the options, the review date), the action-plan goals and the interactions. It never
 * holds an address (it could be a shelter's, L2452), phone numbers, contacts,
 * relatives, notes, the IIN, the criminal case number, anything about traffickers,
 * the route, the criminal-justice stage, screening answers, stage notes, goal owners
 * or their notes, or any worker's name or login. When a record was withheld the text
 * says once that some records are not included, never which or how many.
 */
#ifndef QG_CHILD_RECORD_H
#define QG_CHILD_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "store/db.h"

/* Returns true when lang is a language the record is written in: "kk", "ru", "en". */
bool child_record_lang_ok(const char *lang);

/* Writes the record of case case_id in lang into *text (a NUL-terminated UTF-8 text of
 * *len bytes; caller frees it with free()). Reads on conn, the caller's connection or
 * transaction; checks no policy and writes no audit entry (child_record_export does
 * both). The text is personal data: never log it. QG_EINVAL naming "lang" for an
 * unknown language. */
qg_code child_record_render(db *conn, const qg_keys *keys, int64_t case_id, const char *lang,
                            char **text, size_t *len, qg_error *err);

/* The record of the case with code, for actor: the role must be allowed to export a
 * child's record (QG_EFORBIDDEN otherwise, before any lookup) and to read the case's
 * personal data (QG_ENOTFOUND otherwise). lang NULL means "kk". Audited as
 * "case.child_record" {"lang"} in the same transaction as the read. *text and *len as
 * for child_record_render. */
qg_code child_record_export(qg_app *app, const qg_actor *actor, const char *code, const char *lang,
                            char **text, size_t *len, qg_error *err);

#endif
