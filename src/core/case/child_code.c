/*
 * child_code.c — making and parsing the pseudonymous child code "QG-XXXX-XXXX-XXXX-C"
 * (see child_code.h): 60 random bits as 12 Crockford base32 symbols, then a check
 * symbol: the value mod 29, written as a base32 symbol.
 *
 * Why not Crockford's own mod-37 check: its values 32..36 are written * ~ $ = U, which
 * a social worker would have to read aloud as "star" or "dollar" and which are awkward
 * in URLs. 29 is the largest prime below 32; since 32 = 3 (mod 29) and 31 = 2 (mod 29),
 * a single wrong symbol or two swapped neighbours change the value mod 29 unless the two
 * symbols differ by exactly 29 (0/X, 1/Y, 2/Z) — and a typo can only ever find another
 * child if the mistyped code exists, which for 60 random bits it practically never does;
 * the check's job is to say "typing error" instead of "not found".
 */
#include "core/case/child_code.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "crypto/crypto.h"

#define DATA_SYMBOLS 12
#define BITS_PER_SYMBOL 5
#define VALUE_MASK ((UINT64_C(1) << (DATA_SYMBOLS * BITS_PER_SYMBOL)) - 1)
#define CHECK_MOD 29
#define INPUT_MAX 64 /* longer input is not a code typed by a person */

/* Crockford base32 (no I, L, O, U); check symbols are its first 29. */
static const char ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static char check_symbol(uint64_t value)
{
    return ALPHABET[value % CHECK_MOD];
}

/* Writes the canonical text of a 60-bit value into out. */
static void format_code(uint64_t value, char out[QG_CODE_SIZE])
{
    size_t pos = 0;
    out[pos++] = 'Q';
    out[pos++] = 'G';
    for (int i = 0; i < DATA_SYMBOLS; i++) {
        if (i % 4 == 0)
            out[pos++] = '-';
        int shift = (DATA_SYMBOLS - 1 - i) * BITS_PER_SYMBOL;
        out[pos++] = ALPHABET[(value >> shift) & 31];
    }
    out[pos++] = '-';
    out[pos++] = check_symbol(value);
    out[pos] = '\0';
}

void child_code_new(char out[QG_CODE_SIZE])
{
    unsigned char raw[8];
    crypto_random_bytes(raw, sizeof raw);
    uint64_t value = 0;
    for (size_t i = 0; i < sizeof raw; i++)
        value = (value << 8) | raw[i];
    format_code(value & VALUE_MASK, out);
}

/* Returns the value (0..31) of an upper-cased symbol, reading I/L as 1 and O as 0, or
 * -1 when it is not a symbol. */
static int symbol_value(char c)
{
    if (c == 'I' || c == 'L')
        c = '1';
    else if (c == 'O')
        c = '0';
    const char *p = strchr(ALPHABET, c);
    if (c == '\0' || !p)
        return -1;
    return (int)(p - ALPHABET);
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Copies in into sym without hyphens, upper-cased. Returns the symbol count, or -1
 * when the input (hyphens included) is longer than INPUT_MAX bytes. */
static int strip(const char *in, char sym[INPUT_MAX])
{
    int n = 0;
    for (size_t i = 0; in[i]; i++) {
        if (i == INPUT_MAX)
            return -1;
        if (in[i] != '-')
            sym[n++] = upper(in[i]);
    }
    return n;
}

qg_code child_code_parse(const char *in, const char *field, char out[QG_CODE_SIZE],
                         qg_error *err)
{
    char sym[INPUT_MAX];
    int n = in ? strip(in, sym) : -1;
    const char *body = sym;
    if (n == DATA_SYMBOLS + 3 && sym[0] == 'Q' && sym[1] == 'G')
        body = sym + 2; /* "QG" prefix; without it a code has exactly 13 symbols */
    else if (n != DATA_SYMBOLS + 1)
        return qg_fail(err, QG_EINVAL, field, "case_code.format",
                       "must be a code like QG-XXXX-XXXX-XXXX-C (12 symbols and a check "
                       "symbol)");
    uint64_t value = 0;
    for (int i = 0; i < DATA_SYMBOLS; i++) {
        int v = symbol_value(body[i]);
        if (v < 0)
            return qg_fail(err, QG_EINVAL, field, "case_code.characters",
                           "contains a character that is not used "
                           "in codes");
        value = (value << BITS_PER_SYMBOL) | (uint64_t)v;
    }
    int check = symbol_value(body[DATA_SYMBOLS]);
    if (check < 0)
        return qg_fail(err, QG_EINVAL, field, "case_code.check_symbol",
                       "check symbol is not a valid symbol");
    if ((uint64_t)check != value % CHECK_MOD)
        return qg_fail(err, QG_EINVAL, field, "case_code.check_symbol",
                       "check symbol does not match (probably a typing error)");
    format_code(value, out);
    return QG_OK;
}
