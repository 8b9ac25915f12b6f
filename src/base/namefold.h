/* namefold.h — TEMPORARY placeholder (the fold helper delivers the real one). */
#ifndef QG_NAMEFOLD_H
#define QG_NAMEFOLD_H
#include <stddef.h>
#define NAME_FOLD_MAX 48
#define NAME_WORDS_MAX 6
size_t name_fold_word(const char *word, size_t len, char out[NAME_FOLD_MAX]);
int name_fold_words(const char *name, char out[NAME_WORDS_MAX][NAME_FOLD_MAX]);
#endif
