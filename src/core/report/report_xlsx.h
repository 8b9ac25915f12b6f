/*
 * report_xlsx.h — a report (core/report.h) as an Excel workbook through libxlsxwriter:
 * one worksheet per table with a title, the filters, the protection used, labelled
 * rows and columns with their totals, withheld counts marked, and a native chart whose
 * series read the sheet's own cells. Made for the manual's Exercise 4, which is done in
 * Excel: the file opens in Excel and LibreOffice and prints on A4 landscape.
 */
#ifndef QG_REPORT_XLSX_H
#define QG_REPORT_XLSX_H

#include <stdbool.h>

#include "base/err.h"
#include "core/report/report.h"

#define REPORT_XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define REPORT_XLSX_WITHHELD "x" /* what a withheld count shows (explained on the sheet) */
#define REPORT_LANG_DEFAULT "kk"

/* Returns true when lang is one of the label languages: kk, ru, en. */
bool report_lang_known(const char *lang);

/* Returns the label of key in lang (kk, ru or en; anything else = kk), or fallback when
 * there is none. Keys: "report.NAME", "table.NAME", "dim.NAME" (year, region ...,
 * count), "total", "code". Shared by the XLSX and the CSV writers; static text. */
const char *report_text(const char *lang, const char *key, const char *fallback);

/* Writes r as a new XLSX file at path with labels in lang (kk, ru or en; NULL = kk).
 * The workbook is written to a temporary file beside path (path.tmp-XXXXXX, mode 0600)
 * and linked into place only when complete, so path never holds half a file and an
 * existing file is never replaced. Returns QG_OK; QG_EINVAL naming "lang" or "out"
 * (empty path); QG_ECONFLICT naming "out" when path exists; QG_EIO naming "out" when a
 * libxlsxwriter call or the file system fails (the temporary file is removed). r stays
 * the caller's. */
qg_code report_write_xlsx(const report *r, const char *path, const char *lang, qg_error *err);

/* Returns r as the bytes of an XLSX workbook with labels in lang (kk, ru or en; NULL =
 * kk): *buf (malloc'd, the caller frees) holding *len bytes. libxlsxwriter writes only to
 * files, so the workbook goes through a private temporary file (mkstemp in $TMPDIR, else
 * /tmp, mode 0600) that is removed whatever happens. Returns QG_OK; QG_EINVAL naming
 * "lang"; QG_EIO when the temporary file cannot be made, written or read back;
 * QG_ENOMEM. On failure *buf is NULL and *len 0. r stays the caller's. */
qg_code report_xlsx_bytes(const report *r, const char *lang, char **buf, size_t *len,
                          qg_error *err);

#endif
