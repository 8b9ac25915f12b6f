/* text.c — strict UTF-8, calendar dates and today's date in Kazakhstan (see text.h). */
#include "base/text.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Length of the UTF-8 sequence starting at p and its code point, or 0 if malformed. */
static size_t utf8_decode(const unsigned char *p, unsigned *cp)
{
    static const unsigned min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0)
        return 0;
    unsigned v = len == 1 ? p[0] : p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min_for_len[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Format characters that reorder or hide text (issue 15 item 5): the bidirectional
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), with which a name
 * shows differently from what is stored (U+202E turns it around), and the invisible
 * zero-width space, word joiner and byte-order mark (U+200B, U+2060, U+FEFF), with which
 * two names that look the same differ. The joiners (U+200C, U+200D) and the direction
 * marks (U+200E, U+200F), which some scripts need, stay allowed. */
static bool is_hiding_format(unsigned cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200B ||
           cp == 0x2060 || cp == 0xFEFF;
}

static bool is_control(unsigned cp, bool multiline)
{
    if (multiline && (cp == '\n' || cp == '\r' || cp == '\t'))
        return false;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_hiding_format(cp);
}

bool text_utf8_valid(const char *s, bool multiline)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = 0;
        size_t len = utf8_decode(p, &cp);
        if (len == 0 || is_control(cp, multiline))
            return false;
        p += len;
    }
    return true;
}

size_t text_utf8_prefix(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

bool text_date_valid(int y, int m, int d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool text_parse_date(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v[3] = {0, 0, 0};
    static const int spans[3][2] = {{0, 4}, {5, 7}, {8, 10}};
    for (int k = 0; k < 3; k++)
        for (int i = spans[k][0]; i < spans[k][1]; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            v[k] = v[k] * 10 + (s[i] - '0');
        }
    if (v[0] < 1900 || !text_date_valid(v[0], v[1], v[2]))
        return false;
    if (y)
        *y = v[0];
    if (m)
        *m = v[1];
    if (d)
        *d = v[2];
    return true;
}

void text_today(char out[11])
{
    time_t t = time(NULL) + TEXT_KZ_UTC_OFFSET_S;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

bool text_date_in_future(int y, int m, int d)
{
    char today[11], date[16];
    text_today(today);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    return strcmp(date, today) > 0;
}
