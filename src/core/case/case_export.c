/* case_export.c — writing cases out in the import's CSV format (see case_import.h):
 * one query for the cases and one per list, read side by side in case order. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case_import.h"
#include "core/common/org_shared.h"
#include "core/account/policy.h"

#define LIST_TEXT_MAX 2048 /* a list's codes joined with ';' (at most a few dozen codes) */

/* The columns of case_csv.h in order; the lists are read apart (NULL here). */
static const char cases_sql[] =
    "SELECT c.id, c.external_ref, c.identified_on, c.sex, c.age_at_identification, c.citizenship,"
    " c.region, c.exploitation_place, c.recruitment_method, c.exit_method,"
    " c.relation_to_trafficker,"
    " c.cj_stage, c.victim_status, c.status_decided_by, c.accompaniment, c.non_punishment"
    " FROM cases c WHERE (? = 0 OR c.org_id = ?) ORDER BY c.id";
static const char forms_sql[] =
    "SELECT e.case_id, e.form FROM case_exploitation e JOIN cases c ON c.id = e.case_id"
    " WHERE (? = 0 OR c.org_id = ?) ORDER BY e.case_id, e.form";
static const char services_sql[] =
    "SELECT s.case_id, s.service FROM case_services_needed s JOIN cases c ON c.id = s.case_id"
    " WHERE (? = 0 OR c.org_id = ?) ORDER BY s.case_id, s.service";

/* Cells of case_csv.h's columns that need more than the stored text. */
enum { CELL_AGE = 3, CELL_FORMS = 6, CELL_NON_PUNISHMENT = 15, CELL_SERVICES = 16 };

/* A list read beside the cases: its rows come in case order. */
typedef struct {
    db_stmt *st;
    int rc; /* of the last step: 1 = a row is waiting */
    char text[LIST_TEXT_MAX];
} list_cursor;

static db_stmt *open_query(db *conn, const char *sql, int64_t org_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, sql, err);
    if (st) {
        db_bind_int(st, 1, org_id);
        db_bind_int(st, 2, org_id);
    }
    return st;
}

static qg_code cursor_open(db *conn, list_cursor *lc, const char *sql, int64_t org_id,
                           qg_error *err)
{
    lc->st = open_query(conn, sql, org_id, err);
    if (!lc->st)
        return err->code;
    lc->rc = db_step(lc->st, err);
    return lc->rc < 0 ? err->code : QG_OK;
}

/* Joins the list entries of case_id with ';' into lc->text ("" when it has none) and
 * returns it; NULL on a storage error. */
static const char *cursor_take(list_cursor *lc, int64_t case_id, qg_error *err)
{
    size_t used = 0;
    lc->text[0] = '\0';
    while (lc->rc == 1 && db_col_int(lc->st, 0) <= case_id) {
        if (db_col_int(lc->st, 0) == case_id) {
            const char *code = db_col_text(lc->st, 1);
            size_t n = strlen(code);
            if (used + n + 2 > sizeof lc->text) {
                qg_fail(err, QG_ETOOLARGE, NULL, "storage.failure",
                        "a stored list is longer than %d bytes", LIST_TEXT_MAX);
                return NULL;
            }
            if (used)
                lc->text[used++] = ';';
            memcpy(lc->text + used, code, n + 1);
            used += n;
        }
        lc->rc = db_step(lc->st, err);
    }
    return lc->rc < 0 ? NULL : lc->text;
}

/* Sets *cell to the list of case_id (NULL when it has none). */
static qg_code take_list(list_cursor *lc, int64_t case_id, const char **cell, qg_error *err)
{
    const char *text = cursor_take(lc, case_id, err);
    if (!text)
        return err->code;
    *cell = *text ? text : NULL;
    return QG_OK;
}

static const char *nullable_text(db_stmt *st, int i)
{
    return db_col_null(st, i) ? NULL : db_col_text(st, i);
}

/* Fills the cells of the current case (a row of cases_sql) in case_csv.h order; age
 * is the buffer for the age's text. */
static qg_code fill_cells(db_stmt *st, list_cursor *forms, list_cursor *services, char age[24],
                          const char *cells[CASE_CSV_COLUMNS], qg_error *err)
{
    int64_t id = db_col_int(st, 0);
    int col = 1;
    for (int i = 0; i < CASE_CSV_COLUMNS; i++) {
        if (i == CELL_FORMS || i == CELL_SERVICES)
            continue;
        cells[i] = nullable_text(st, col);
        if (i == CELL_AGE && cells[i]) {
            snprintf(age, 24, "%" PRId64, db_col_int(st, col));
            cells[i] = age;
        } else if (i == CELL_NON_PUNISHMENT && cells[i]) {
            cells[i] = db_col_int(st, col) ? "1" : "0";
        }
        col++;
    }
    qg_code c = take_list(forms, id, &cells[CELL_FORMS], err);
    return c == QG_OK ? take_list(services, id, &cells[CELL_SERVICES], err) : c;
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    FILE *out;
    int64_t org_id;
    size_t count;
} export_job;

static qg_code write_rows(db *conn, export_job *j, list_cursor *forms, list_cursor *services,
                          qg_error *err)
{
    db_stmt *st = open_query(conn, cases_sql, j->org_id, err);
    if (!st)
        return err->code;
    if (case_csv_write_header(j->out) != 0)
        return qg_fail(err, QG_EIO, "out", "file.write_failed", "cannot be written");
    int rc;
    qg_code c = QG_OK;
    char age[24];
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        const char *cells[CASE_CSV_COLUMNS];
        c = fill_cells(st, forms, services, age, cells, err);
        if (c == QG_OK && case_csv_write_row(j->out, cells) != 0)
            c = qg_fail(err, QG_EIO, "out", "file.write_failed", "cannot be written");
        j->count += c == QG_OK;
    }
    db_done(st);
    return c != QG_OK ? c : rc < 0 ? err->code : QG_OK;
}

/* Reads every case in one snapshot and writes it out (an app_read_fn; arg: the job). */
static qg_code export_snapshot(db *conn, void *arg, qg_error *err)
{
    export_job *j = arg;
    list_cursor forms = {0}, services = {0};
    qg_code c = db_begin_read(conn, err);
    if (c != QG_OK)
        return c;
    if (j->org_id)
        c = org_require(conn, j->org_id, "org", err);
    if (c == QG_OK)
        c = cursor_open(conn, &forms, forms_sql, j->org_id, err);
    if (c == QG_OK)
        c = cursor_open(conn, &services, services_sql, j->org_id, err);
    if (c == QG_OK)
        c = write_rows(conn, j, &forms, &services, err);
    db_done(forms.st);
    db_done(services.st);
    db_rollback(conn);
    return c;
}

static qg_code audit_export(db *conn, void *arg, qg_error *err)
{
    export_job *j = arg;
    char object[32];
    snprintf(object, sizeof object, "org:%" PRId64, j->org_id);
    json_t *detail =
        json_pack("{s:o, s:I}", "org_id", j->org_id ? json_integer(j->org_id) : json_null(),
                  "count", (json_int_t)j->count);
    if (!detail)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    qg_code c = audit_append(conn, j->app->keys, j->actor, "case.export", j->org_id ? object : NULL,
                             detail, err);
    json_decref(detail);
    return c;
}

qg_code case_export_csv(qg_app *app, const qg_actor *actor, int64_t org_id, FILE *out,
                        size_t *count, qg_error *err)
{
    *count = 0;
    if (policy_case_scope(actor) != SCOPE_ALL)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.server_only",
                       "only the command line on the server may export cases");
    export_job j = {.app = app, .actor = actor, .out = out, .org_id = org_id};
    qg_code c = app_read(app, export_snapshot, &j, err);
    if (c == QG_OK && fflush(out) != 0)
        c = qg_fail(err, QG_EIO, "out", "file.write_failed", "cannot be written");
    if (c == QG_OK) /* what left the database goes into the trail */
        c = writer_run(app->writer, audit_export, &j, err);
    *count = j.count;
    return c;
}
