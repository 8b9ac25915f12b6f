/*
 * dataset.h — the anonymised case-level dataset for data collaboratives (issue 6 §3):
 * one record per case with HTCDS v2.0 field names where HTCDS has the field, made
 * k-anonymous over the quasi-identifiers (sex, age band, citizenship, region, year) as
 * CTDC does (k = 11 by default), and a summary of what was generalised and removed.
 *
 * Columns (docs/dataset.md gives each one's source and values):
 *   prs_Gender, qg_AgeBroadAtIdentification, prs_Citizenship,
 *   qg_RegionOfIdentification, qg_YearOfIdentification, vic_TypeOfExploitation,
 *   vic_TraffickingStatus, vic_MethodOfRecruitment, vic_RelationshipToTrafficker,
 *   vic_LocationOfExploitation.
 * Never: the case code, the external reference, a date finer than the year, the
 * organisation, or any personal data. Cases whose consent to statistics was withdrawn
 * (stats_excluded = 1) are not in it.
 *
 * The generalisation ladder (dataset_anonymise), each level adding one step for every
 * record: 0 nothing; 1 region → "KZ"; 2 citizenship → "KZ" / "other"; 3 age band →
 * "0-17" / "18+"; 4 year → a 3-year period aligned on 2000 ("2018-2020"). The first
 * level at which at most DATASET_SUPPRESS_PERCENT of the records fall in classes smaller
 * than k is used (level 4 when none is); the records still in such classes are removed.
 */
#ifndef QG_DATASET_H
#define QG_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/account/actor.h"
#include "core/common/app.h"
#include "base/err.h"

#define DATASET_K_DEFAULT 11        /* CTDC's k */
#define DATASET_K_MIN 2             /* --k / ?k= range */
#define DATASET_K_MAX 100
#define DATASET_SUPPRESS_PERCENT 5  /* stop generalising once suppression is this small */
#define DATASET_LEVELS 5            /* levels 0..4 of the ladder */

/* The released columns, in order. */
typedef enum {
    DS_SEX,
    DS_AGE,
    DS_CITIZENSHIP,
    DS_REGION,
    DS_YEAR,
    DS_FORMS,
    DS_STATUS,
    DS_RECRUITMENT,
    DS_RELATION,
    DS_LOCATION,
    DS_NCOLS
} dataset_col;

#define DS_NQI 5 /* the first five columns are the quasi-identifiers */

/* One case. Every string points to static text (a vocabulary entry or a literal) and is
 * "" when not recorded. The out_ fields are what is released; dataset_anonymise sets
 * them from the recorded values and the level. */
typedef struct {
    const char *sex;         /* HTCDS prs_Gender code */
    int age;                 /* age at identification; -1 when not recorded */
    const char *citizenship; /* ISO 3166-1 alpha-2 */
    const char *region;      /* ISO 3166-2 of the region of identification (KZ-75) */
    int year;                /* year of identification */
    unsigned forms;          /* bit i: dataset_form_values()[i] */
    const char *status, *recruitment, *relation, *location; /* HTCDS values */
    const char *out_age, *out_citizenship, *out_region;
    int out_year_from, out_year_to;
} dataset_record;

/* What was done: k, the records before and after, the level used, and for each level
 * tried how many records were then in classes smaller than k. */
typedef struct {
    int k;
    size_t records_in, records_out, suppressed;
    int level;                          /* 0..4 */
    size_t below_k[DATASET_LEVELS];     /* valid for levels 0..level */
} dataset_summary;

typedef struct {
    dataset_record *records; /* owned; after dataset_anonymise the released ones, sorted */
    size_t n, cap;
    dataset_summary summary;
} dataset;

/* What to export. k 0 = DATASET_K_DEFAULT; years 0 = open. */
typedef struct {
    int k;
    int from_year, to_year;
} dataset_query;

/* Returns the DS_NCOLS column names, in order (static). */
const char *const *dataset_columns(void);

/* Returns the NULL-terminated HTCDS vic_TypeOfExploitation values, alphabetical: bit i
 * of dataset_record.forms stands for entry i (static). */
const char *const *dataset_form_values(void);

/* Makes d k-anonymous (k >= 1) over the quasi-identifiers with the ladder above,
 * removes the records still in classes smaller than k, sorts the rest by every column
 * (the output order depends on the values only) and fills d->summary. k = 1 changes
 * nothing but the order. */
void dataset_anonymise(dataset *d, int k);

/* Writes column col of r as released into out (size bytes; "" when not recorded). */
void dataset_value(const dataset_record *r, dataset_col col, char *out, size_t size);

/* Checks q for actor: the role (QG_EFORBIDDEN unless ACT_REPORT_READ allows it), k
 * (field "k": 1..100 for the system, DATASET_K_MIN..100 otherwise, never below
 * DATASET_K_DEFAULT for an analyst), the years (fields "from" / "to"). */
qg_code dataset_check(const qg_actor *actor, const dataset_query *q, qg_error *err);

/* Reads the cases in actor's scope (a supervisor: their organisation; the system and an
 * analyst: every organisation) identified in q's years, anonymises them with q's k and
 * returns the dataset in *out (caller-owned, dataset_free). Audited "dataset.export"
 * {k, records, suppressed}. Errors: those of dataset_check, QG_EDB, QG_ENOMEM. */
qg_code dataset_run(qg_app *app, const qg_actor *actor, const dataset_query *q,
                    dataset **out, qg_error *err);

/* Frees d and its records. NULL is allowed. */
void dataset_free(dataset *d);

/* Returns the summary as a new JSON object (caller-owned; NULL when out of memory):
 * {"k", "records_in", "records_out", "suppressed_records", "quasi_identifiers",
 *  "generalised": [column...], "steps": [{"level", "generalise", "records_below_k"}],
 *  "rule"}. */
json_t *dataset_summary_json(const dataset *d);

/* Returns the summary in short, for an HTTP header (under 512 bytes; caller-owned;
 * NULL when out of memory): {"k", "records_in", "records_out", "suppressed_records",
 * "generalised", "records_below_k": [per level tried]}. */
json_t *dataset_summary_brief(const dataset *d);

/* Returns {"summary": ..., "records": [{column: value | null}]} (caller-owned; NULL
 * when out of memory). */
json_t *dataset_to_json(const dataset *d);

/* Writes the records as RFC 4180 CSV (a header of the column names, then one line per
 * record) through csv_write_field. Returns 0, or -1 when writing fails. */
int dataset_write_csv(const dataset *d, FILE *out);

#endif
