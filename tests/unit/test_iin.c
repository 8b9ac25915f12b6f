/* test_iin.c — unit tests of src/core/case/iin.c with made-up IINs built by the tests
 * themselves (never a real person's number). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/case/iin.h"
#include "base/text.h"

static const int W1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const int W2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};

/* Independent reference: weighted sum of the first 11 digits mod 11. */
static int pass(const char *s, const int *w)
{
    int sum = 0;
    for (int i = 0; i < 11; i++)
        sum += (s[i] - '0') * w[i];
    return sum % 11;
}

/* Writes value as exactly width decimal digits (leading zeros) at dst. */
static void put_digits(char *dst, unsigned value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        dst[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Writes the first 11 digits "yymmdd" + century + serial into s, NUL-terminated. */
static void body(char *s, const char *yymmdd, int century, int serial)
{
    memcpy(s, yymmdd, 6);
    put_digits(s + 6, (unsigned)century, 1);
    put_digits(s + 7, (unsigned)serial, 4);
    s[11] = '\0';
}

/* Builds "yymmdd" + century + 4-digit serial + check digit into out (13 bytes).
 * Returns false when no check digit exists for that serial. */
static bool make_iin(const char *yymmdd, int century, int serial, char out[13])
{
    body(out, yymmdd, century, serial);
    int c = iin_check_digit(out);
    if (c < 0)
        return false;
    out[11] = (char)('0' + c);
    out[12] = '\0';
    return true;
}

/* Makes a valid IIN, trying serials from start on. */
static void valid_iin(const char *yymmdd, int century, int start, char out[13])
{
    for (int serial = start; serial < 10000; serial++)
        if (make_iin(yymmdd, century, serial, out))
            return;
    fail_msg("no serial gives a check digit");
}

static void expect_invalid(const char *s, const char *message)
{
    qg_error err = {0};
    iin_info info = {0};
    assert_int_equal(iin_validate(s, "personal.iin", &info, &err), QG_EINVAL);
    assert_int_equal(err.code, QG_EINVAL);
    assert_string_equal(err.field, "personal.iin");
    assert_string_equal(err.message, message);
    if (s && s[0])
        assert_null(strstr(err.message, s));
}

static void test_valid_and_decoded(void **state)
{
    (void)state;
    char iin[13];
    valid_iin("950315", 3, 123, iin);
    iin_info info = {0};
    qg_error err = {0};
    assert_int_equal(iin_validate(iin, "iin", &info, &err), QG_OK);
    assert_int_equal(info.year, 1995);
    assert_int_equal(info.month, 3);
    assert_int_equal(info.day, 15);
    assert_int_equal(info.sex, IIN_SEX_MALE);
    assert_int_equal(iin_validate(iin, "iin", NULL, &err), QG_OK);
    assert_int_equal(iin_validate(iin, "iin", NULL, NULL), QG_OK);
}

static void test_century_and_sex(void **state)
{
    (void)state;
    static const struct {
        int digit;
        const char *date;
        int year;
        iin_sex sex;
    } cases[] = {
        {1, "990704", 1899, IIN_SEX_MALE}, {2, "990704", 1899, IIN_SEX_FEMALE},
        {3, "990704", 1999, IIN_SEX_MALE}, {4, "990704", 1999, IIN_SEX_FEMALE},
        {5, "120704", 2012, IIN_SEX_MALE}, {6, "120704", 2012, IIN_SEX_FEMALE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int year = cases[i].year;
        char iin[13];
        valid_iin(cases[i].date, cases[i].digit, 4567, iin);
        iin_info info = {0};
        assert_int_equal(iin_validate(iin, "iin", &info, NULL), QG_OK);
        assert_int_equal(info.year, year);
        assert_int_equal(info.month, 7);
        assert_int_equal(info.day, 4);
        assert_int_equal(info.sex, cases[i].sex);
    }
}

static void test_check_digit_matches_reference(void **state)
{
    (void)state;
    int first = 0, second = 0, never = 0;
    char s[12];
    for (int serial = 0; serial < 10000; serial++) {
        body(s, "080808", 5, serial);
        int p1 = pass(s, W1), p2 = pass(s, W2);
        int want = p1 != 10 ? p1 : (p2 != 10 ? p2 : -1);
        assert_int_equal(iin_check_digit(s), want);
        if (p1 != 10)
            first++;
        else if (p2 != 10)
            second++;
        else
            never++;
    }
    assert_true(first > 0 && second > 0 && never > 0);
}

/* Vectors worked out by hand from the weights (made-up numbers). */
static void test_check_digit_known_answers(void **state)
{
    (void)state;
    /* 9+10+0+12+5+30+21+0+9+20+33 = 149 = 13*11 + 6 */
    assert_int_equal(iin_check_digit("95031530123"), 6);
    assert_int_equal(iin_validate("950315301236", "iin", NULL, NULL), QG_OK);
    /* first pass 164 = 14*11 + 10; second pass 137 = 12*11 + 5 */
    assert_int_equal(iin_check_digit("03040560070"), 5);
    assert_int_equal(iin_validate("030405600705", "iin", NULL, NULL), QG_OK);
    /* first pass 241 = 21*11 + 10; second pass 186 = 16*11 + 10: never issued */
    assert_int_equal(iin_check_digit("87091140185"), -1);
}

static void test_second_weights(void **state)
{
    (void)state;
    char s[13];
    for (int serial = 0; serial < 10000; serial++) {
        body(s, "030405", 6, serial);
        if (pass(s, W1) == 10 && pass(s, W2) != 10) {
            int c = iin_check_digit(s);
            assert_int_equal(c, pass(s, W2));
            s[11] = (char)('0' + c);
            s[12] = '\0';
            iin_info info = {0};
            assert_int_equal(iin_validate(s, "iin", &info, NULL), QG_OK);
            assert_int_equal(info.year, 2003);
            assert_int_equal(info.sex, IIN_SEX_FEMALE);
            /* the first pass would give 10: no other digit is accepted */
            for (char d = '0'; d <= '9'; d++) {
                if (d == s[11])
                    continue;
                char bad[13];
                memcpy(bad, s, sizeof bad);
                bad[11] = d;
                expect_invalid(bad, "check digit does not match");
            }
            return;
        }
    }
    fail_msg("no serial exercises the second weights");
}

static void test_never_issued(void **state)
{
    (void)state;
    char s[13];
    for (int serial = 0; serial < 10000; serial++) {
        body(s, "870911", 4, serial);
        if (pass(s, W1) == 10 && pass(s, W2) == 10) {
            assert_int_equal(iin_check_digit(s), -1);
            s[12] = '\0';
            for (char d = '0'; d <= '9'; d++) {
                s[11] = d;
                expect_invalid(s, "is never issued (no check digit exists)");
            }
            return;
        }
    }
    fail_msg("no serial is never issued");
}

static void test_wrong_check_digit(void **state)
{
    (void)state;
    char iin[13];
    valid_iin("011231", 5, 777, iin);
    iin[11] = (char)(iin[11] == '9' ? '0' : iin[11] + 1);
    expect_invalid(iin, "check digit does not match");
}

static void test_dates(void **state)
{
    (void)state;
    char iin[13];
    /* Feb 29: 2024 and 2000 are leap years, 2023 and 1900 are not */
    valid_iin("240229", 5, 10, iin);
    assert_int_equal(iin_validate(iin, "iin", NULL, NULL), QG_OK);
    valid_iin("000229", 5, 10, iin);
    assert_int_equal(iin_validate(iin, "iin", NULL, NULL), QG_OK);
    valid_iin("960229", 4, 10, iin);
    assert_int_equal(iin_validate(iin, "iin", NULL, NULL), QG_OK);
    valid_iin("230229", 5, 10, iin);
    expect_invalid(iin, "birth date is not a real date");
    valid_iin("000229", 3, 10, iin);
    expect_invalid(iin, "birth date is not a real date");
    const char *bad[] = {"991301", "990001", "990100", "990431", "990632", "990230"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        valid_iin(bad[i], 3, 10, iin);
        expect_invalid(iin, "birth date is not a real date");
    }
    valid_iin("991231", 3, 10, iin);
    assert_int_equal(iin_validate(iin, "iin", NULL, NULL), QG_OK);
}

/* Writes today's (offset_days from today) yymmdd and 21st-century digit base. */
static void date_from_today(int offset_days, char yymmdd[7], int *century)
{
    /* "Today" is Kazakhstan's date (UTC+5), as the validator reads it. */
    time_t t = time(NULL) + TEXT_KZ_UTC_OFFSET_S + (time_t)offset_days * 86400;
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    int year = tm.tm_year + 1900;
    assert_true(year >= 2000 && year < 2100);
    put_digits(yymmdd, (unsigned)(year % 100), 2);
    put_digits(yymmdd + 2, (unsigned)(tm.tm_mon + 1), 2);
    put_digits(yymmdd + 4, (unsigned)tm.tm_mday, 2);
    yymmdd[6] = '\0';
    *century = 5;
}

static void test_future(void **state)
{
    (void)state;
    char iin[13], date[7];
    int century = 0;
    date_from_today(0, date, &century);
    valid_iin(date, century, 1, iin);
    assert_int_equal(iin_validate(iin, "iin", NULL, NULL), QG_OK);
    date_from_today(1, date, &century);
    valid_iin(date, century, 1, iin);
    expect_invalid(iin, "birth date is in the future");
    valid_iin("991231", 5, 1, iin); /* 2099 */
    expect_invalid(iin, "birth date is in the future");
}

static void test_bad_century(void **state)
{
    (void)state;
    char s[13];
    const int digits[] = {0, 7, 8, 9};
    for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++) {
        body(s, "950315", digits[i], 123);
        int c = iin_check_digit(s);
        s[11] = (char)('0' + (c < 0 ? 0 : c));
        s[12] = '\0';
        expect_invalid(s, "century digit must be 1-6");
    }
}

static void test_length_and_digits(void **state)
{
    (void)state;
    expect_invalid(NULL, "must be 12 digits");
    expect_invalid("", "must be 12 digits");
    expect_invalid("95031530123", "must be 12 digits");
    expect_invalid("9503153012345", "must be 12 digits");
    expect_invalid("95031530123a", "must contain only digits");
    expect_invalid(" 95031530123", "must contain only digits");
    expect_invalid("9503-5301234", "must contain only digits");
    expect_invalid("９50315301234", "must be 12 digits"); /* full-width digit: 3 bytes */
}

static void test_check_digit_bad_input(void **state)
{
    (void)state;
    assert_int_equal(iin_check_digit(NULL), -1);
    assert_int_equal(iin_check_digit(""), -1);
    assert_int_equal(iin_check_digit("9503153012"), -1);
    assert_int_equal(iin_check_digit("950315301234"), -1);
    assert_int_equal(iin_check_digit("95031530x23"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_decoded),
        cmocka_unit_test(test_century_and_sex),
        cmocka_unit_test(test_check_digit_matches_reference),
        cmocka_unit_test(test_check_digit_known_answers),
        cmocka_unit_test(test_second_weights),
        cmocka_unit_test(test_never_issued),
        cmocka_unit_test(test_wrong_check_digit),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_future),
        cmocka_unit_test(test_bad_century),
        cmocka_unit_test(test_length_and_digits),
        cmocka_unit_test(test_check_digit_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
