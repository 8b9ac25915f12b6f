/*
 * iin.h — validation of the Kazakh individual identification number (IIN, ЖСН).
 *
 * 12 digits: YYMMDD birth date, one century/sex digit (1–6), four serial digits and a
 * check digit computed mod 11 with weights 1..11, or, when that gives 10, with weights
 * 3..11,1,2; when the second pass also gives 10 the number is never issued.
 */
#ifndef QG_IIN_H
#define QG_IIN_H

#include "base/err.h"

#define QG_IIN_LEN 12

typedef enum { IIN_SEX_MALE = 1, IIN_SEX_FEMALE = 2 } iin_sex;

typedef struct {
    int year, month, day; /* birth date encoded in the IIN */
    iin_sex sex;
} iin_info;

/* Validates s as an IIN. field names the input in the error (e.g. "personal.iin").
 * Returns QG_OK and fills *info (may be NULL), or QG_EINVAL with a message saying
 * which rule failed (length, digits, date, century digit, check digit) — never the
 * value itself. */
qg_code iin_validate(const char *s, const char *field, iin_info *info, qg_error *err);

/* Computes the check digit for the first 11 digits of an IIN. Returns 0..9, or -1 when
 * no valid check digit exists (both passes give 10) or input is not 11 digits. Used by
 * the synthetic data generator and tests to make valid made-up IINs. */
int iin_check_digit(const char *first11);

#endif
