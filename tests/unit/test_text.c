/* test_text.c — strict UTF-8, cutting at character boundaries, calendar dates and
 * Kazakhstan's "today" (src/base/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "base/text.h"

static void test_utf8_accepts_real_text(void **state)
{
    (void)state;
    assert_true(text_utf8_valid("", false));
    assert_true(text_utf8_valid("Qorgau", false));
    assert_true(text_utf8_valid("\xd2\x9b\xd0\xbe\xd1\x80\xd2\x93\xd0\xb0\xd1\x83", false)); /* қорғау */
    assert_true(text_utf8_valid("\xf0\x9f\x98\x80", false));                                 /* U+1F600 */
    assert_true(text_utf8_valid("line one\nline two\ttab\r\n", true));
    /* the joiners and direction marks some scripts need stay (issue 15 item 5) */
    assert_true(text_utf8_valid("a\xe2\x80\x8cz\xe2\x80\x8dz", false)); /* ZWNJ, ZWJ */
    assert_true(text_utf8_valid("a\xe2\x80\x8ez\xe2\x80\x8fz", false)); /* LRM, RLM */
}

static void test_utf8_refuses_malformed_and_controls(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong 3-byte */
        "\xed\xa0\x80",     /* surrogate U+D800 */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf5\x80\x80\x80", /* lead byte F5 */
        "\x80",             /* lone continuation */
        "\xd0",             /* cut sequence */
        "a\x01z",           /* C0 control */
        "a\x7fz",           /* DEL */
        "a\xc2\x85z",       /* C1 control NEL */
        "a\xe2\x80\xaez",   /* U+202E right-to-left override: a name shown reversed */
        "a\xe2\x80\xaaz",   /* U+202A left-to-right embedding */
        "a\xe2\x81\xa6z",   /* U+2066 left-to-right isolate */
        "a\xe2\x81\xa9z",   /* U+2069 pop directional isolate */
        "a\xe2\x80\x8bz",   /* U+200B zero-width space: two names that look alike */
        "a\xe2\x81\xa0z",   /* U+2060 word joiner */
        "\xef\xbb\xbf" "abc", /* U+FEFF byte-order mark */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(text_utf8_valid(bad[i], false));
        assert_false(text_utf8_valid(bad[i], true));
    }
    assert_false(text_utf8_valid("a\nb", false));
    assert_false(text_utf8_valid("a\tb", false));
}

static void test_prefix_never_splits_a_character(void **state)
{
    (void)state;
    const char *k = "\xd2\x9b\xd2\x9b\xd2\x9b"; /* three 2-byte letters */
    assert_int_equal(text_utf8_prefix(k, 10), 6);
    assert_int_equal(text_utf8_prefix(k, 6), 6);
    assert_int_equal(text_utf8_prefix(k, 5), 4);
    assert_int_equal(text_utf8_prefix(k, 1), 0);
    assert_int_equal(text_utf8_prefix("abcdef", 3), 3);
}

static void test_dates(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    assert_true(text_parse_date("2024-02-29", &y, &m, &d));
    assert_int_equal(y * 10000 + m * 100 + d, 20240229);
    assert_true(text_parse_date("2000-02-29", NULL, NULL, NULL));  /* divisible by 400 */
    assert_false(text_parse_date("1900-02-29", NULL, NULL, NULL)); /* by 100, not 400 */
    assert_false(text_parse_date("2023-02-29", NULL, NULL, NULL));
    assert_true(text_parse_date("2023-12-31", NULL, NULL, NULL));
    assert_false(text_parse_date("2023-12-32", NULL, NULL, NULL));
    assert_false(text_parse_date("2023-06-31", NULL, NULL, NULL));
    assert_false(text_parse_date("2023-06-00", NULL, NULL, NULL));
    assert_false(text_parse_date("2024-13-01", NULL, NULL, NULL));
    assert_true(text_parse_date("1900-01-01", NULL, NULL, NULL));
    assert_false(text_parse_date("1899-12-31", NULL, NULL, NULL));
    assert_false(text_parse_date("2023-6-01", NULL, NULL, NULL));
    assert_false(text_parse_date("2023-06-01 ", NULL, NULL, NULL));
    assert_false(text_parse_date("+023-06-01", NULL, NULL, NULL));
    assert_false(text_parse_date("2023-0a-01", NULL, NULL, NULL));
    assert_false(text_parse_date("", NULL, NULL, NULL));
    assert_false(text_parse_date(NULL, NULL, NULL, NULL));
    assert_true(text_date_valid(2024, 4, 30));
    assert_false(text_date_valid(2024, 4, 31));
    assert_false(text_date_valid(2024, 0, 1));
}

static void test_today_is_kazakhstan_date(void **state)
{
    (void)state;
    char today[11], want[11];
    time_t t = time(NULL) + TEXT_KZ_UTC_OFFSET_S;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(want, sizeof want, "%Y-%m-%d", &tm);
    text_today(today);
    assert_string_equal(today, want);
    int y, m, d;
    assert_true(text_parse_date(today, &y, &m, &d));
    assert_false(text_date_in_future(y, m, d));
    assert_true(text_date_in_future(y + 1, m, 1));
    assert_false(text_date_in_future(y - 1, 12, 31));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_accepts_real_text),
        cmocka_unit_test(test_utf8_refuses_malformed_and_controls),
        cmocka_unit_test(test_prefix_never_splits_a_character),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_today_is_kazakhstan_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
