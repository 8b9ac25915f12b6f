/* test_child_code.c — unit tests of src/core/case/child_code.c: format, parsing as people
 * type codes, and typo detection by the mod-29 check symbol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/case/child_code.h"

#define N_CODES 1000

static const char DATA_ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char CHECK_ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVW";

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
        assert_non_null(strchr(CHECK_ALPHABET, code[CHECK_POS])); /* letters and digits only */
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
    /* values 0..28 use every check symbol; 29 wraps to '0' */
    expect_ok("0000-0000-0000-0", "QG-0000-0000-0000-0");
    expect_ok("0000-0000-000W-W", "QG-0000-0000-000W-W"); /* 28 */
    expect_ok("0000-0000-000X-0", "QG-0000-0000-000X-0"); /* 29 */
    expect_ok("0000-0000-000Z-2", "QG-0000-0000-000Z-2"); /* 31 */
    expect_ok("0000-0000-0014-7", "QG-0000-0000-0014-7"); /* 36 = 7 (mod 29) */
    /* 2^60 - 1 = 15 (mod 29), written F */
    expect_ok("ZZZZ-ZZZZ-ZZZZ-F", "QG-ZZZZ-ZZZZ-ZZZZ-F");
    expect_invalid("0000-0000-0014-0", "check symbol does not match");
    /* symbols past the 29th are never check symbols */
    expect_invalid("0000-0000-0000-X", "check symbol does not match");
    expect_invalid("0000-0000-0000-*", "check symbol is not a valid symbol");
}

static void test_lenient_input(void **state)
{
    (void)state;
    const char *canon = "QG-0000-0000-0014-7";
    expect_ok("qg-0000-0000-0014-7", canon);
    expect_ok("QG0000000000147", canon);
    expect_ok("qg0000000000147", canon);
    expect_ok("0000000000147", canon);
    expect_ok("0000-0000-0014-7", canon);
    expect_ok("OOOO-oooo-OO14-7", canon);
    expect_ok("QG-0000-0000-00I4-7", canon);
    expect_ok("QG-0000-0000-00l4-7", canon);
    expect_ok("Q-G0-000--000000-147", canon);

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
    expect_invalid("XY-0000-0000-0014-7", len_msg);   /* wrong prefix */
    expect_invalid("QGQG-0000-0000-0014-7", len_msg); /* prefix twice */
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
    expect_invalid("QG-U000-0000-0014-7", msg);  /* U is not a Crockford symbol */
    expect_invalid("QG-*000-0000-0014-7", msg);
    expect_invalid("QG-0000-00#0-0014-7", msg);
    expect_invalid("QG-0000-0 00-0014-7", msg);
    expect_invalid("QG-0000-0000-001\xd0-U", msg); /* not ASCII */
    expect_invalid("QG-0000-0000-0014-#", "check symbol is not a valid symbol");
    expect_invalid("QG-0000-0000-0014- ", "check symbol is not a valid symbol");
}

/* Replaces the symbol at data position pos of a canonical code by another one. */
static void substitute(char *code, int pos, char c)
{
    code[DATA_POS[pos]] = c;
}

/* The only symbol pairs the mod-29 check cannot tell apart: values differing by 29. */
static bool blind_pair(char a, char b)
{
    int va = (int)(strchr(DATA_ALPHABET, a) - DATA_ALPHABET);
    int vb = (int)(strchr(DATA_ALPHABET, b) - DATA_ALPHABET);
    return abs(va - vb) == 29;
}

static void test_single_symbol_typo_detected(void **state)
{
    (void)state;
    int blind = 0;
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
                if (blind_pair(*c, code[DATA_POS[pos]])) {
                    blind++; /* 0/X, 1/Y, 2/Z: documented in child_code.c */
                    continue;
                }
                expect_invalid(typo, "check symbol does not match");
            }
        }
        /* a wrong check symbol is caught too */
        for (const char *c = DATA_ALPHABET; *c; c++) {
            if (*c == code[CHECK_POS])
                continue;
            char typo[QG_CODE_SIZE];
            memcpy(typo, code, sizeof typo);
            typo[CHECK_POS] = *c;
            expect_invalid(typo, "check symbol does not match");
        }
    }
    assert_true(blind < 20 * 12 * 31 / 100); /* under 1% of all single typos */
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
            if (a == b || blind_pair(a, b))
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
