/*
 * case_import.h — importing cases from a CSV file and exporting them to one (the
 * format is case_csv.h), for `qorgau import cases` and `qorgau export cases`.
 *
 * An import is all or nothing. The first pass reads the whole file and checks every
 * row: the CSV syntax, every cell (UTF-8, no spreadsheet formula), every value exactly
 * as POST /api/v1/cases checks it, and that no external_ref repeats one of an earlier
 * line or one the organisation already uses. Only when it finds nothing wrong does
 * the second pass read the file again and store every case in one transaction, with
 * one audit entry for the whole file. Only the system actor (the command line) may
 * import and export: it names the organisation.
 */
#ifndef QG_CASE_IMPORT_H
#define QG_CASE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "core/case/case_csv.h"

/* Told how far the import is, every few thousand rows: storing is false while the
 * file is checked (total 0 until the last call, where total = done), true while the
 * cases are stored (total = all rows). */
typedef void (*import_progress_fn)(void *ctx, bool storing, size_t done, size_t total);

typedef struct {
    size_t rows;              /* case rows in the file (blank rows are skipped) */
    size_t imported;          /* cases stored: rows, or 0 */
    import_problems problems; /* what is wrong with the file; caller frees */
} import_result;

/* Imports the cases of the CSV file f into organisation org_id as actor. f must be
 * seekable (it is read twice); the caller closes it. progress may be NULL. *result
 * is filled in every case; free result->problems with import_problems_free.
 * Returns QG_OK with result->imported cases stored (a file with a header row and no
 * case rows stores nothing and writes no audit entry); QG_EINVAL with the problems
 * listed in result->problems and nothing stored, or with err naming "org" (no such
 * organisation) or "file" (cannot be rewound, or changed between the passes);
 * QG_EFORBIDDEN for an actor other than the system; QG_EIO when f cannot be read;
 * a storage error otherwise (nothing stored). */
qg_code case_import_csv(qg_app *app, const qg_actor *actor, FILE *f, int64_t org_id,
                        import_progress_fn progress, void *ctx, import_result *result,
                        qg_error *err);

/* Writes the cases of organisation org_id (0 = every organisation) to out in the
 * import's format, oldest first, read in one snapshot, then audits "case.export"
 * {"org_id", "count"}. *count gets the number of cases written. Returns QG_OK;
 * QG_EINVAL naming "org" for an unknown organisation; QG_EFORBIDDEN for an actor
 * other than the system; QG_EIO when writing fails; a storage error otherwise. The
 * caller flushes and closes out. */
qg_code case_export_csv(qg_app *app, const qg_actor *actor, int64_t org_id, FILE *out,
                        size_t *count, qg_error *err);

#endif
