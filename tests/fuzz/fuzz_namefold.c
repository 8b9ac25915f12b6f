/*
 * fuzz_namefold.c — libFuzzer target for name folding (src/base/namefold.c), which the
 * search runs over every name and every query.
 *
 * Input: any bytes, folded as one word of exactly that length (from a heap copy of that
 * size, so a read past the length is caught) and, up to the first NUL, as a whole name.
 *
 * Properties, beyond "never crashes or trips a sanitizer" (the output buffers are
 * followed by guard bytes, so a write past NAME_FOLD_MAX is caught):
 * - a folded word holds only the letters a-z, ends with a NUL at the length returned,
 *   and is at most NAME_FOLD_MAX - 1 letters long;
 * - a name gives 0 to NAME_WORDS_MAX words, none of them empty;
 * - folding is deterministic: the same bytes fold the same a second time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/namefold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GUARD 16
#define GUARD_BYTE 0xA5

static void check_word(const char *w, size_t n)
{
    if (n > NAME_FOLD_MAX - 1 || w[n] != '\0' || strlen(w) != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z')
            abort();
}

static void check_guard(const unsigned char *g)
{
    for (size_t i = 0; i < GUARD; i++)
        if (g[i] != GUARD_BYTE)
            abort();
}

static void fold_as_word(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    struct {
        char out[NAME_FOLD_MAX];
        unsigned char guard[GUARD];
    } a, b;
    if (!copy)
        abort();
    memcpy(copy, data, size);
    memset(a.guard, GUARD_BYTE, GUARD);
    size_t n = name_fold_word(copy, size, a.out);
    check_guard(a.guard);
    check_word(a.out, n);
    if (name_fold_word(copy, size, b.out) != n || memcmp(a.out, b.out, n + 1) != 0)
        abort();
    free(copy);
}

static void fold_as_name(const uint8_t *data, size_t size)
{
    char *name = malloc(size + 1);
    struct {
        char out[NAME_WORDS_MAX][NAME_FOLD_MAX];
        unsigned char guard[GUARD];
    } w;
    if (!name)
        abort();
    memcpy(name, data, size);
    name[size] = '\0';
    memset(w.guard, GUARD_BYTE, GUARD);
    int count = name_fold_words(name, w.out);
    check_guard(w.guard);
    if (count < 0 || count > NAME_WORDS_MAX)
        abort();
    for (int i = 0; i < count; i++) {
        size_t n = strlen(w.out[i]);
        if (n == 0)
            abort();
        check_word(w.out[i], n);
    }
    free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fold_as_word(data, size);
    fold_as_name(data, size);
    return 0;
}
