/* case_import.c — importing cases from CSV in two passes (see case_import.h): check
 * everything, then store everything in one transaction. */
#include "core/case/case_import.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/common/org_shared.h"
#include "core/account/policy.h"
#include "base/refset.h"
#include "crypto/crypto.h"

#define PROGRESS_EVERY 4096 /* rows between two progress calls */
#define REF_COLUMN 0        /* external_ref is the first column of case_csv.h */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    FILE *f;
    int64_t org_id;
    import_progress_fn progress;
    void *ctx;
    import_result *result;
    refset *refs;
    unsigned char checked[QG_HASH_BYTES]; /* digest of the records pass 1 checked */
} import_job;

static void tell(const import_job *j, bool storing, size_t done, size_t total)
{
    if (j->progress)
        j->progress(j->ctx, storing, done, total);
}

/* ---- what is stored already ------------------------------------------------------- */

/* Puts the external references the organisation already uses into the set (line 0). */
static qg_code load_stored_refs(db *conn, int64_t org_id, refset *refs, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT external_ref FROM cases WHERE org_id = ? AND external_ref IS NOT NULL", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, org_id);
    int rc;
    size_t ignored;
    while ((rc = db_step(st, err)) == 1) {
        const char *ref = db_col_text(st, 0);
        if (refset_add(refs, ref, strlen(ref), 0, &ignored) < 0) {
            rc = -1;
            qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
            break;
        }
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

/* ---- reading the file --------------------------------------------------------------- */

/* Adds a record to the digest of the file: each field with the NUL that ends it (a
 * field never holds one), then the number of fields. */
static void digest_row(qg_digest *d, const csv_row *row)
{
    uint64_t count = row->count;
    for (size_t k = 0; k < row->count; k++)
        crypto_digest_update(d, row->fields[k].data, row->fields[k].len + 1);
    crypto_digest_update(d, &count, sizeof count);
}

/* A reader's error: a syntax error or a limit is a problem of its line (the file
 * cannot be read past it); anything else is an error of the import. */
static qg_code reader_failed(const qg_error *e, import_problems *p, qg_error *err)
{
    size_t line = 0;
    if (e->code != QG_EINVAL && e->code != QG_ETOOLARGE) {
        *err = *e;
        return e->code;
    }
    if (sscanf(e->field, "line %zu", &line) != 1)
        line = 0;
    import_problems_add(p, line, "", "%s; the file is not read further", e->message);
    return QG_OK;
}

/* Reads the header row into h (and d). Returns 1 when it is good, 0 when the file has
 * problems instead (recorded), -1 on an error of the import. */
static int read_header(csv_reader *r, qg_digest *d, case_csv_header *h, import_problems *p,
                       qg_error *err)
{
    csv_row row;
    qg_error e = {0};
    int rc = csv_next(r, &row, &e);
    if (rc < 0)
        return reader_failed(&e, p, err) == QG_OK ? 0 : -1;
    if (rc == 0) {
        import_problems_add(p, 0, "",
                            "the file is empty: it needs a header row naming the columns");
        return 0;
    }
    digest_row(d, &row);
    return case_csv_header_read(&row, h, p) ? 1 : 0;
}

/* The row's external_ref must not repeat an earlier line's nor a stored one. */
static qg_code check_ref(import_job *j, const case_csv_header *h, const csv_row *row, qg_error *err)
{
    const csv_field *cell = &row->fields[h->at[REF_COLUMN]];
    size_t first = 0;
    if (cell->len == 0)
        return QG_OK;
    int rc = refset_add(j->refs, cell->data, cell->len, row->line, &first);
    if (rc < 0)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (rc == 0 && first == 0)
        import_problems_add(&j->result->problems, row->line, "external_ref",
                            "is already used by a case of this organisation");
    else if (rc == 0)
        import_problems_add(&j->result->problems, row->line, "external_ref",
                            "repeats the external_ref of line %zu", first);
    return QG_OK;
}

/* Checks one data row (its cells, values and reference). */
static qg_code check_row(import_job *j, const case_csv_header *h, const csv_row *row, qg_error *err)
{
    json_t *fields = case_csv_row_fields(h, row, &j->result->problems);
    json_decref(fields);
    if (row->count != h->cells)
        return QG_OK;
    return check_ref(j, h, row, err);
}

/* Pass 1: reads the whole file, recording every problem, into the digest d. */
static qg_code check_rows(import_job *j, csv_reader *r, qg_digest *d, qg_error *err)
{
    import_problems *p = &j->result->problems;
    case_csv_header h;
    int rc = read_header(r, d, &h, p, err);
    qg_code c = rc < 0 ? err->code : QG_OK;
    csv_row row;
    qg_error e = {0};
    while (c == QG_OK && rc == 1 && (rc = csv_next(r, &row, &e)) == 1) {
        digest_row(d, &row);
        if (case_csv_row_blank(&row))
            continue;
        c = check_row(j, &h, &row, err);
        if (++j->result->rows % PROGRESS_EVERY == 0)
            tell(j, false, j->result->rows, 0);
    }
    if (c == QG_OK && rc < 0)
        c = reader_failed(&e, p, err);
    return c;
}

static qg_code check_pass(import_job *j, qg_error *err)
{
    csv_reader *r = csv_open(j->f, CASE_CSV_FIELD_MAX, CASE_CSV_FIELDS_MAX);
    qg_digest *d = crypto_digest_new();
    qg_code c = r && d ? check_rows(j, r, d, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (d)
        crypto_digest_final(d, j->checked);
    crypto_digest_free(d);
    csv_close(r);
    return c;
}

/* ---- storing ------------------------------------------------------------------------ */

static qg_code file_changed(qg_error *err)
{
    return qg_fail(err, QG_EINVAL, "file", "import.file_changed",
                   "changed while it was being imported; nothing was imported");
}

/* Stores one row: the same bytes as a row pass 1 found good (the digests of the two
 * passes are compared before the commit), so it is converted, not checked again. A
 * reference taken meanwhile (by the server, between the passes) is a problem of the
 * file like any other. */
static qg_code store_row(db *conn, import_job *j, const case_csv_header *h, const csv_row *row,
                         qg_error *err)
{
    import_problems late = {0};
    json_t *fields = case_csv_row_convert(h, row, &late);
    import_problems_free(&late);
    if (!fields)
        return file_changed(err);
    qg_code c = case_insert_imported(conn, j->actor, j->org_id, fields, err);
    json_decref(fields);
    if (c == QG_ECONFLICT) {
        import_problems_add(
            &j->result->problems, row->line, "external_ref",
            "is already used by a case of this organisation (stored while the file was checked)");
        c = qg_fail(err, QG_EINVAL, NULL, "import.file_problems",
                    "the file has problems; nothing was imported");
    }
    return c;
}

static qg_code audit_import(db *conn, const import_job *j, size_t count, qg_error *err)
{
    char object[32];
    snprintf(object, sizeof object, "org:%" PRId64, j->org_id);
    json_t *detail =
        json_pack("{s:I, s:I}", "org_id", (json_int_t)j->org_id, "count", (json_int_t)count);
    if (!detail)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    qg_code c = audit_append(conn, j->app->keys, j->actor, "case.import", object, detail, err);
    json_decref(detail);
    return c;
}

/* Pass 2: reads the file again into the digest d and stores every row. */
static qg_code store_rows(db *conn, import_job *j, csv_reader *r, qg_digest *d, size_t *stored,
                          qg_error *err)
{
    import_problems ignored = {0};
    case_csv_header h;
    int rc = read_header(r, d, &h, &ignored, err);
    qg_code c = rc < 0 ? err->code : rc == 0 ? file_changed(err) : QG_OK;
    import_problems_free(&ignored);
    csv_row row;
    qg_error e = {0};
    while (c == QG_OK && (rc = csv_next(r, &row, &e)) == 1) {
        digest_row(d, &row);
        if (case_csv_row_blank(&row))
            continue;
        c = store_row(conn, j, &h, &row, err);
        if (c == QG_OK && ++*stored % PROGRESS_EVERY == 0)
            tell(j, true, *stored, j->result->rows);
    }
    if (c == QG_OK && rc < 0)
        c = e.code == QG_EIO ? qg_fail(err, QG_EIO, "file", "file.read_failed", "cannot be read")
                             : file_changed(err);
    return c;
}

/* Pass 2 inside one write transaction: commits only when it read exactly the bytes
 * pass 1 checked. */
static qg_code store_in_tx(db *conn, void *arg, qg_error *err)
{
    import_job *j = arg;
    size_t stored = 0;
    unsigned char digest[QG_HASH_BYTES];
    csv_reader *r = csv_open(j->f, CASE_CSV_FIELD_MAX, CASE_CSV_FIELDS_MAX);
    qg_digest *d = crypto_digest_new();
    qg_code c = r && d ? store_rows(conn, j, r, d, &stored, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (d)
        crypto_digest_final(d, digest);
    crypto_digest_free(d);
    csv_close(r);
    if (c == QG_OK &&
        (stored != j->result->rows || !crypto_equal(digest, j->checked, sizeof digest)))
        c = file_changed(err);
    if (c == QG_OK)
        c = audit_import(conn, j, stored, err);
    if (c == QG_OK)
        tell(j, true, stored, stored);
    return c;
}

/* ---- the import ------------------------------------------------------------------------ */

static qg_code rewind_file(FILE *f, qg_error *err)
{
    if (fseek(f, 0, SEEK_SET) != 0)
        return qg_fail(err, QG_EINVAL, "file", "import.not_regular_file",
                       "must be a regular file: it is read twice");
    clearerr(f);
    return QG_OK;
}

/* Checks the organisation and loads its references, on a reading connection (an
 * app_read_fn; arg: the import job). */
static qg_code prepare_refs(db *conn, void *arg, qg_error *err)
{
    import_job *j = arg;
    qg_code c = org_require(conn, j->org_id, "org", err);
    if (c == QG_OK)
        c = load_stored_refs(conn, j->org_id, j->refs, err);
    return c;
}

qg_code case_import_csv(qg_app *app, const qg_actor *actor, FILE *f, int64_t org_id,
                        import_progress_fn progress, void *ctx, import_result *result,
                        qg_error *err)
{
    memset(result, 0, sizeof *result);
    if (!policy_chooses_case_org(actor) ||
        policy_decide(actor, ACT_CASE_CREATE, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.server_only",
                       "only the command line on the server may import cases");
    import_job j = {.app = app, .actor = actor, .f = f, .org_id = org_id, .progress = progress,
                    .ctx = ctx, .result = result, .refs = refset_new()};
    if (!j.refs)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    qg_code c = rewind_file(f, err);
    if (c == QG_OK)
        c = app_read(app, prepare_refs, &j, err);
    if (c == QG_OK)
        c = check_pass(&j, err);
    refset_free(j.refs);
    if (c == QG_OK && result->problems.total)
        c = qg_fail(err, QG_EINVAL, NULL, "import.file_problems",
                    "the file has problems; nothing was imported");
    if (c == QG_OK)
        tell(&j, false, result->rows, result->rows);
    if (c == QG_OK && result->rows)
        c = rewind_file(f, err);
    if (c == QG_OK && result->rows)
        c = db_bulk_writes(writer_conn(app->writer), err);
    if (c == QG_OK && result->rows)
        c = writer_run(app->writer, store_in_tx, &j, err);
    if (c == QG_OK)
        result->imported = result->rows;
    return c;
}
