/* test_child_code.c — unit tests of src/core/child_code.c: format, parsing as people
 * type codes, and typo detection by the mod-37 check symbol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/child_code.h"

#define N_CODES 1000

static const char DATA_ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Positions of the 12 data symbols inside "QG-XXXX-XXXX-XXXX-C". */
static const int DATA_POS[12] = {3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16};
#define CHECK_POS 18

static void expect_ok(const char *in, const char *canonical)
{
    char out[QG_CODE_SIZE];
    qg_error err = {0};
    assert_int_equal(child_code_parse(in, "child_code", out, &err), QG_OK);
    assert_string_equal(out, canonical);
}

static void expect_invalid(const char *in, const char *message_part)
{
    char out[QG_CODE_SIZE];
    qg_error err = {0};
    assert_int_equal(child_code_parse(in, "referral.child_code", out, &err), QG_EINVAL);
    assert_int_equal(err.code, QG_EINVAL);
    assert_string_equal(err.field, "referral.child_code");
    assert_non_null(strstr(err.message, message_part));
}

static int cmp_codes(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void test_format(void **state)
{
    (void)state;
    for (int n = 0; n < 100; n++) {
        char code[QG_CODE_SIZE];
        child_code_new(code);
        assert_int_equal(strlen(code), QG_CODE_LEN);
        assert_memory_equal(code, "QG-", 3);
        assert_int_equal(code[7], '-');
        assert_int_equal(code[12], '-');
        assert_int_equal(code[17], '-');
        for (int i = 0; i < 12; i++)
            assert_non_null(strchr(DATA_ALPHABET, code[DATA_POS[i]]));
        assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U", code[CHECK_POS]));
    }
}

static void test_generated_parse_back_and_distinct(void **state)
{
    (void)state;
    char(*codes)[QG_CODE_SIZE] = calloc(N_CODES, QG_CODE_SIZE);
    assert_non_null(codes);
    for (int i = 0; i < N_CODES; i++) {
        child_code_new(codes[i]);
        expect_ok(codes[i], codes[i]);
    }
    qsort(codes, N_CODES, QG_CODE_SIZE, cmp_codes);
    for (int i = 1; i < N_CODES; i++)
        assert_string_not_equal(codes[i - 1], codes[i]);
    free(codes);
}

static void test_known_values(void **state)
{
    (void)state;
    /* value 0..36 use every check symbol; 37 wraps to '0' */
    expect_ok("0000-0000-0000-0", "QG-0000-0000-0000-0");
    expect_ok("0000-0000-000Z-Z", "QG-0000-0000-000Z-Z"); /* 31 */
    expect_ok("0000-0000-0010-*", "QG-0000-0000-0010-*"); /* 32 */
    expect_ok("0000-0000-0011-~", "QG-0000-0000-0011-~"); /* 33 */
    expect_ok("0000-0000-0012-$", "QG-0000-0000-0012-$"); /* 34 */
    expect_ok("0000-0000-0013-=", "QG-0000-0000-0013-="); /* 35 */
    expect_ok("0000-0000-0014-U", "QG-0000-0000-0014-U"); /* 36 */
    expect_ok("0000-0000-0015-0", "QG-0000-0000-0015-0"); /* 37 */
    /* 2^60 - 1 = 9 (mod 37) */
    expect_ok("ZZZZ-ZZZZ-ZZZZ-9", "QG-ZZZZ-ZZZZ-ZZZZ-9");
    expect_invalid("0000-0000-0014-0", "check symbol does not match");
}

static void test_lenient_input(void **state)
{
    (void)state;
    const char *canon = "QG-0000-0000-0014-U";
    expect_ok("qg-0000-0000-0014-u", canon);
    expect_ok("QG000000000014U", canon);
    expect_ok("qg000000000014u", canon);
    expect_ok("000000000014U", canon);
    expect_ok("0000-0000-0014-U", canon);
    expect_ok("OOOO-oooo-OO14-U", canon);
    expect_ok("QG-0000-0000-00I4-U", canon);
    expect_ok("QG-0000-0000-00l4-U", canon);
    expect_ok("Q-G0-000--000000-14U", canon);

    char code[QG_CODE_SIZE];
    child_code_new(code);
    char lower[QG_CODE_SIZE], bare[QG_CODE_SIZE];
    size_t n = 0;
    for (size_t i = 0; code[i]; i++) {
        char c = code[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        if (c != '-' && i >= 2)
            bare[n++] = c == '0' ? 'O' : c;
    }
    lower[QG_CODE_LEN] = '\0';
    bare[n] = '\0';
    expect_ok(lower, code);
    expect_ok(bare, code);
}

static void test_check_symbol_aliases(void **state)
{
    (void)state;
    /* value 1: the check symbol '1' may be typed as I, i, L or l; value 0 as O */
    expect_ok("0000-0000-0001-I", "QG-0000-0000-0001-1");
    expect_ok("0000-0000-0001-l", "QG-0000-0000-0001-1");
    expect_ok("0000-0000-0000-o", "QG-0000-0000-0000-0");
}

static void test_malformed(void **state)
{
    (void)state;
    const char *len_msg = "must be a code like";
    expect_invalid(NULL, len_msg);
    expect_invalid("", len_msg);
    expect_invalid("QG-", len_msg);
    expect_invalid("----", len_msg);
    expect_invalid("QG-0000-0000-000-0", len_msg);    /* 11 data symbols */
    expect_invalid("QG-0000-0000-00000-0", len_msg);  /* 13 data symbols */
    expect_invalid("XY-0000-0000-0014-U", len_msg);   /* wrong prefix */
    expect_invalid("QGQG-0000-0000-0014-U", len_msg); /* prefix twice */
    char big[200];
    memset(big, '0', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect_invalid(big, len_msg);
    memset(big, '-', sizeof big - 1);
    memcpy(big + 50, "000000000000", 12);
    big[150] = '0';
    expect_invalid(big, len_msg); /* 13 symbols, but no one types 199 characters */
}

static void test_bad_characters(void **state)
{
    (void)state;
    const char *msg = "not used in codes";
    expect_invalid("QG-U000-0000-0014-U", msg);  /* U only as a check symbol */
    expect_invalid("QG-*000-0000-0014-U", msg);  /* check-only symbol in the data */
    expect_invalid("QG-0000-00#0-0014-U", msg);
    expect_invalid("QG-0000-0 00-0014-U", msg);
    expect_invalid("QG-0000-0000-001\xd0-U", msg); /* not ASCII */
    expect_invalid("QG-0000-0000-0014-#", "check symbol is not a valid symbol");
    expect_invalid("QG-0000-0000-0014- ", "check symbol is not a valid symbol");
}

/* Replaces the symbol at data position pos of a canonical code by another one. */
static void substitute(char *code, int pos, char c)
{
    code[DATA_POS[pos]] = c;
}

static void test_single_symbol_typo_detected(void **state)
{
    (void)state;
    for (int n = 0; n < 20; n++) {
        char code[QG_CODE_SIZE];
        child_code_new(code);
        for (int pos = 0; pos < 12; pos++) {
            for (const char *c = DATA_ALPHABET; *c; c++) {
                if (*c == code[DATA_POS[pos]])
                    continue;
                char typo[QG_CODE_SIZE];
                memcpy(typo, code, sizeof typo);
                substitute(typo, pos, *c);
                expect_invalid(typo, "check symbol does not match");
            }
        }
        /* a wrong check symbol is caught too */
        for (const char *c = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U"; *c; c++) {
            if (*c == code[CHECK_POS])
                continue;
            char typo[QG_CODE_SIZE];
            memcpy(typo, code, sizeof typo);
            typo[CHECK_POS] = *c;
            expect_invalid(typo, "check symbol does not match");
        }
    }
}

static void test_transposition_detected(void **state)
{
    (void)state;
    int tested = 0;
    for (int n = 0; n < 200; n++) {
        char code[QG_CODE_SIZE];
        child_code_new(code);
        for (int pos = 0; pos + 1 < 12; pos++) {
            char a = code[DATA_POS[pos]], b = code[DATA_POS[pos + 1]];
            if (a == b)
                continue;
            char typo[QG_CODE_SIZE];
            memcpy(typo, code, sizeof typo);
            substitute(typo, pos, b);
            substitute(typo, pos + 1, a);
            expect_invalid(typo, "check symbol does not match");
            tested++;
        }
    }
    assert_true(tested > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_generated_parse_back_and_distinct),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_lenient_input),
        cmocka_unit_test(test_check_symbol_aliases),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_single_symbol_typo_detected),
        cmocka_unit_test(test_transposition_detected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
