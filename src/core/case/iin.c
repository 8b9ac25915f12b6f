/*
 * iin.c — validation of the Kazakh individual identification number (see iin.h):
 * length and digits, birth date (a real date, not in the future), century/sex digit
 * and the two-pass mod-11 check digit. Errors name the rule, never the value.
 */
#include "core/case/iin.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/text.h"

#define IIN_BODY_LEN (QG_IIN_LEN - 1)

static const int WEIGHTS_FIRST[IIN_BODY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const int WEIGHTS_SECOND[IIN_BODY_LEN] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int weighted_mod11(const char *digits, const int *weights)
{
    int sum = 0;
    for (size_t i = 0; i < IIN_BODY_LEN; i++)
        sum += (digits[i] - '0') * weights[i];
    return sum % 11;
}

/* Check digit of 11 known digits: 0..9, or -1 when both passes give 10. */
static int check_digit_of(const char *digits)
{
    int c = weighted_mod11(digits, WEIGHTS_FIRST);
    if (c == 10)
        c = weighted_mod11(digits, WEIGHTS_SECOND);
    return c == 10 ? -1 : c;
}

int iin_check_digit(const char *first11)
{
    if (!first11 || strnlen(first11, IIN_BODY_LEN + 1) != IIN_BODY_LEN ||
        !all_digits(first11, IIN_BODY_LEN))
        return -1;
    return check_digit_of(first11);
}

qg_code iin_validate(const char *s, const char *field, iin_info *info, qg_error *err)
{
    if (!s || strnlen(s, QG_IIN_LEN + 1) != QG_IIN_LEN)
        return qg_fail(err, QG_EINVAL, field, "iin.length", "must be 12 digits");
    if (!all_digits(s, QG_IIN_LEN))
        return qg_fail(err, QG_EINVAL, field, "iin.not_digits", "must contain only digits");
    int century = s[6] - '0';
    if (century < 1 || century > 6)
        return qg_fail(err, QG_EINVAL, field, "iin.century_digit", "century digit must be 1-6");
    int year = 1800 + 100 * ((century - 1) / 2) + two_digits(s);
    int month = two_digits(s + 2);
    int day = two_digits(s + 4);
    if (!text_date_valid(year, month, day))
        return qg_fail(err, QG_EINVAL, field, "iin.birth_date", "birth date is not a real date");
    if (text_date_in_future(year, month, day))
        return qg_fail(err, QG_EINVAL, field, "iin.birth_date_in_future",
                       "birth date is in the future");
    int check = check_digit_of(s);
    if (check < 0)
        return qg_fail(err, QG_EINVAL, field, "iin.never_issued",
                       "is never issued (no check digit exists)");
    if (check != s[11] - '0')
        return qg_fail(err, QG_EINVAL, field, "iin.check_digit", "check digit does not match");
    if (info) {
        info->year = year;
        info->month = month;
        info->day = day;
        info->sex = century % 2 ? IIN_SEX_MALE : IIN_SEX_FEMALE;
    }
    return QG_OK;
}
