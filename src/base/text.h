/*
 * text.h — the small text and calendar rules every validator shares: strict UTF-8
 * without control characters, real calendar dates, and "today" in Kazakhstan.
 */
#ifndef QG_TEXT_H
#define QG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define TEXT_KZ_UTC_OFFSET_S (5 * 3600) /* Kazakhstan is on UTC+5 since March 2024 */

/* Returns true when s is well-formed UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF) without control characters (C0, DEL, C1) and without the format
 * characters that reorder or hide text (bidirectional overrides, embeddings and isolates;
 * zero-width space, word joiner, byte-order mark). multiline=true also allows newline,
 * carriage return and tab. */
bool text_utf8_valid(const char *s, bool multiline);

/* Returns the length in bytes of the longest prefix of s, at most max bytes, that ends
 * on a character boundary (for cutting text without splitting a character). */
size_t text_utf8_prefix(const char *s, size_t max);

/* Returns true when y-m-d exists in the Gregorian calendar. */
bool text_date_valid(int y, int m, int d);

/* Parses "YYYY-MM-DD" (year 1900 or later) that exists in the calendar. Returns true and
 * fills the parts (any may be NULL) when valid. */
bool text_parse_date(const char *s, int *y, int *m, int *d);

/* Writes today's date in Kazakhstan as "YYYY-MM-DD" into out. */
void text_today(char out[11]);

/* Returns true when y-m-d is after today in Kazakhstan. */
bool text_date_in_future(int y, int m, int d);

#endif
