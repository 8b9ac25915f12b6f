/* test_namefold.c — name folding (src/base/namefold.c): every row of
 * tests/data/name-pairs.tsv (pairs that must fold equal or apart), the prefix behaviour
 * the search relies on, and the edges: empty input, separators only, long words, invalid
 * UTF-8, too many words, hyphenated names, upper case and mixed scripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/namefold.h"

#define LINE_MAX_BYTES 512

typedef char words[NAME_WORDS_MAX][NAME_FOLD_MAX];

/* One row of name-pairs.tsv. */
typedef struct {
    char a[LINE_MAX_BYTES], b[LINE_MAX_BYTES];
    bool match;
    int line;
} pair;

static FILE *open_pairs(void)
{
    char path[1024];
    const char *dir = getenv("QORGAU_TEST_DATA");
    snprintf(path, sizeof path, "%s/name-pairs.tsv", dir && *dir ? dir : "tests/data");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    return f;
}

/* Copies the field that starts at s and ends at the next tab (or the end) into out;
 * returns the start of the next field, or NULL when there is none. */
static const char *field(const char *s, char out[LINE_MAX_BYTES])
{
    const char *tab = strchr(s, '\t');
    size_t n = tab ? (size_t)(tab - s) : strcspn(s, "\r\n");
    assert_true(n < LINE_MAX_BYTES);
    memcpy(out, s, n);
    out[n] = '\0';
    return tab ? tab + 1 : NULL;
}

/* Reads the next row into p; false at the end of the file. */
static bool next_pair(FILE *f, pair *p)
{
    char line[LINE_MAX_BYTES], kind[LINE_MAX_BYTES];
    while (fgets(line, sizeof line, f)) {
        p->line++;
        if (line[0] == '#' || line[0] == '\n' || line[0] == '\0')
            continue;
        const char *s = field(line, p->a);
        assert_non_null(s);
        s = field(s, p->b);
        assert_non_null(s);
        s = field(s, kind);
        assert_non_null(s); /* the why */
        assert_true(strcmp(kind, "match") == 0 || strcmp(kind, "differ") == 0);
        p->match = strcmp(kind, "match") == 0;
        return true;
    }
    return false;
}

static bool same_words(const char *a, const char *b)
{
    words wa, wb;
    int na = name_fold_words(a, wa), nb = name_fold_words(b, wb);
    if (na != nb || na == 0)
        return false;
    for (int i = 0; i < na; i++)
        if (strcmp(wa[i], wb[i]) != 0)
            return false;
    return true;
}

static void test_every_pair_of_the_table(void **state)
{
    (void)state;
    FILE *f = open_pairs();
    pair p = {.line = 0};
    int rows = 0, matches = 0, wrong = 0;
    while (next_pair(f, &p)) {
        rows++;
        matches += p.match;
        if (same_words(p.a, p.b) != p.match) {
            print_error("name-pairs.tsv:%d: %s / %s should %s\n", p.line, p.a, p.b,
                        p.match ? "match" : "differ");
            wrong++;
        }
    }
    fclose(f);
    assert_int_equal(wrong, 0);
    assert_true(matches >= 40);
    assert_true(rows - matches >= 25);
}

/* True when the UTF-8 word w starts with a byte of a Cyrillic letter (D0-D3, 04xx). */
static bool cyrillic(const char *w)
{
    unsigned char c = (unsigned char)w[0];
    return c >= 0xD0 && c <= 0xD3;
}

/* True when a Latin cut of w before byte cut falls inside a rule of namefold.h: before
 * the "h" of a digraph (kh, zh, sh, ch, gh, ph) or between y/i and e ("Aleksey|evna"). */
static bool inside_latin_rule(const char *w, size_t cut)
{
    char next = w[cut], last = w[cut - 1];
    return next == 'h' || next == 'H' ||
           ((next == 'e' || next == 'E') && strchr("yYiI", last) != NULL);
}

/* Checks that every prefix of at least 3 letters of the word w (len bytes) folds to a
 * prefix of w's folding: every cut of a Cyrillic word, the Latin cuts that do not fall
 * inside a rule. Returns the number of prefixes that failed. */
static int prefixes_hold(const char *w, size_t len)
{
    char whole[NAME_FOLD_MAX], part[NAME_FOLD_MAX];
    name_fold_word(w, len, whole);
    int letters = 0, bad = 0;
    for (size_t cut = 1; cut <= len; cut++) {
        if (cut < len && ((unsigned char)w[cut] & 0xC0) == 0x80)
            continue; /* inside a character */
        if (++letters < 3 || (cut < len && !cyrillic(w) && inside_latin_rule(w, cut)))
            continue;
        size_t n = name_fold_word(w, cut, part);
        if (strncmp(whole, part, n) != 0) {
            print_error("prefix %.*s -> %s is not a prefix of %s\n", (int)cut, w, part, whole);
            bad++;
        }
    }
    return bad;
}

/* Runs prefixes_hold over each word of name (split at spaces and hyphens). */
static int name_prefixes_hold(const char *name)
{
    int bad = 0;
    while (*name) {
        size_t n = strcspn(name, " -");
        if (n > 0)
            bad += prefixes_hold(name, n);
        name += n + (name[n] ? 1 : 0);
    }
    return bad;
}

static void test_prefixes_of_the_table_fold_to_prefixes(void **state)
{
    (void)state;
    FILE *f = open_pairs();
    pair p = {.line = 0};
    int bad = 0;
    while (next_pair(f, &p))
        bad += name_prefixes_hold(p.a) + name_prefixes_hold(p.b);
    fclose(f);
    assert_int_equal(bad, 0);
}

static void assert_folds(const char *word, const char *want)
{
    char out[NAME_FOLD_MAX];
    size_t n = name_fold_word(word, strlen(word), out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_prefixes_the_search_uses(void **state)
{
    (void)state;
    assert_folds("Айг", "aig"); /* a prefix of aigul */
    assert_folds("Нұр", "nur");
    assert_folds("Жан", "jan");
    assert_folds("Ерл", "erl");
    assert_folds("Yer", "er");
    assert_folds("Шын", "shin");
    assert_folds("Щук", "shuk");
    assert_folds("Әсе", "ase");
    /* Where it cannot hold: a cut inside a rule (namefold.h lists them). */
    assert_folds("Muk", "muk");     /* Mukhammed -> muhamed */
    assert_folds("Майер", "maer");  /* but Май -> mai */
    assert_folds("Д", "d");         /* Джамиля -> jamilia */
}

static void test_empty_and_separators_only(void **state)
{
    (void)state;
    char out[NAME_FOLD_MAX] = "x";
    words w;
    assert_int_equal(name_fold_word("", 0, out), 0);
    assert_string_equal(out, "");
    assert_int_equal(name_fold_word(NULL, 0, out), 0);
    assert_int_equal(name_fold_words("", w), 0);
    assert_int_equal(name_fold_words(NULL, w), 0);
    assert_int_equal(name_fold_words("    ", w), 0);
    assert_int_equal(name_fold_words(" - , . ", w), 0);
    assert_int_equal(name_fold_words("\xc2\xa0\xe2\x80\x93\xe2\x80\x94", w), 0); /* nbsp – — */
    assert_int_equal(name_fold_words("123 ' ` 45", w), 0);
    assert_folds("ьъ'", "i"); /* the hard sign alone still folds */
    assert_folds("ь", "");
}

static void test_long_words_are_cut(void **state)
{
    (void)state;
    char longw[200], out[NAME_FOLD_MAX];
    for (size_t i = 0; i < sizeof longw; i++)
        longw[i] = "ab"[i % 2];
    assert_int_equal(name_fold_word(longw, sizeof longw, out), NAME_FOLD_MAX - 1);
    assert_int_equal(strlen(out), NAME_FOLD_MAX - 1);
    assert_int_equal(strncmp(out, "ababab", 6), 0);
    /* 100 Cyrillic letters (200 bytes): cut the same way, never past out */
    char cyr[200];
    for (size_t i = 0; i < sizeof cyr; i += 4)
        memcpy(cyr + i, "\xd0\xb0\xd2\x9b", 4); /* ақ */
    assert_int_equal(name_fold_word(cyr, sizeof cyr, out), NAME_FOLD_MAX - 1);
    assert_int_equal(strncmp(out, "akakak", 6), 0);
    words w;
    char name[300];
    snprintf(name, sizeof name, "%.200s Aigul", cyr);
    assert_int_equal(name_fold_words(name, w), 2);
    assert_string_equal(w[1], "aigul");
}

/* Folds the len bytes at s from a heap copy of exactly len bytes, so that AddressSanitizer
 * reports any read past len. */
static size_t fold_exact(const char *s, size_t len, char out[NAME_FOLD_MAX])
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    size_t n = name_fold_word(copy, len, out);
    free(copy);
    return n;
}

static void test_invalid_utf8_is_skipped(void **state)
{
    (void)state;
    char out[NAME_FOLD_MAX];
    assert_folds("Ai\xffgul", "aigul");
    assert_folds("Ai\xc0\xafgul", "aigul");     /* overlong '/' */
    assert_folds("Ai\xed\xa0\x80gul", "aigul"); /* surrogate */
    assert_folds("\x80\x80", "");
    /* a letter cut short at the end of len: the cut bytes are skipped */
    const char *aig = "\xd0\x90\xd0\xb9\xd0\xb3"; /* Айг */
    assert_int_equal(fold_exact(aig, 5, out), 2);
    assert_string_equal(out, "ai");
    assert_int_equal(fold_exact("Aigul", 3, out), 3);
    assert_string_equal(out, "aig");
    assert_int_equal(fold_exact("\xf0\x9f", 2, out), 0);
    words w;
    assert_int_equal(name_fold_words("\xff\xfe Нұрлан \xd2", w), 1);
    assert_string_equal(w[0], "nurlan");
}

static void test_at_most_six_words(void **state)
{
    (void)state;
    words w;
    int n = name_fold_words("Ana Bota Dana Erke Gul Inkar Kamila Lazzat", w);
    assert_int_equal(n, NAME_WORDS_MAX);
    assert_string_equal(w[0], "ana");
    assert_string_equal(w[5], "inkar");
    /* words that fold to nothing are not counted */
    assert_int_equal(name_fold_words("Aigul 2010 - Nurlan", w), 2);
    assert_string_equal(w[1], "nurlan");
}

static void test_hyphens_dashes_and_apostrophes(void **state)
{
    (void)state;
    words w;
    assert_int_equal(name_fold_words("Ахмет-Оглы", w), 2);
    assert_string_equal(w[0], "ahmet");
    assert_string_equal(w[1], "ogli");
    assert_int_equal(name_fold_words("Серікова\xe2\x80\x93\xd0\x90хметова", w), 2); /* en dash */
    assert_string_equal(w[1], "ahmetova");
    assert_int_equal(name_fold_words("Ахмет,Оглы.Бек", w), 3);
    assert_int_equal(name_fold_words("G'ulom", w), 1);
    assert_string_equal(w[0], "gulom");
    assert_int_equal(name_fold_words("G\xca\xbbulom O\xe2\x80\x99zbek", w), 2); /* ʻ ’ */
    assert_string_equal(w[0], "gulom");
    assert_string_equal(w[1], "ozbek");
}

static void test_upper_case_folds_like_lower_case(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"ӘҒҚҢӨҰҮҺІ", "әғқңөұүһі"},
        {"АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"},
        {"ÄĞÑÖŞŪÜQJÇY", "äğñöşūüqjçy"},
        {"İI", "iı"},
        {"ЄЇҐЎӢӮҲҶҖҘҪ", "єїґўӣӯҳҷҗҙҫ"},
        {"ÀÉÎÕÙÝŁŽČŠĆŚŹŻŇŘĎŤ", "àéîõùýłžčšćśźżňřďť"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char up[NAME_FOLD_MAX], low[NAME_FOLD_MAX];
        name_fold_word(pairs[i][0], strlen(pairs[i][0]), up);
        name_fold_word(pairs[i][1], strlen(pairs[i][1]), low);
        assert_string_equal(up, low);
        assert_true(strlen(low) > 0);
    }
    assert_folds("ÄĞÑÖŞŪÜİIQJÇY", "agnoshuikjchi");
}

static void test_mixed_scripts_in_one_word(void **state)
{
    (void)state;
    assert_folds("Aйгүл", "aigul");   /* Latin A, then Cyrillic */
    assert_folds("Nұрлан", "nurlan");
    assert_folds("Zhанар", "janar");  /* the digraph spans both scripts */
    assert_folds("Айgül", "aigul");
    assert_folds("ბAigul", "aigul"); /* a Georgian letter is dropped */
    assert_folds("Aig\xcc\x88ul", "aigul"); /* a combining diaeresis is dropped */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pair_of_the_table),
        cmocka_unit_test(test_prefixes_of_the_table_fold_to_prefixes),
        cmocka_unit_test(test_prefixes_the_search_uses),
        cmocka_unit_test(test_empty_and_separators_only),
        cmocka_unit_test(test_long_words_are_cut),
        cmocka_unit_test(test_invalid_utf8_is_skipped),
        cmocka_unit_test(test_at_most_six_words),
        cmocka_unit_test(test_hyphens_dashes_and_apostrophes),
        cmocka_unit_test(test_upper_case_folds_like_lower_case),
        cmocka_unit_test(test_mixed_scripts_in_one_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
