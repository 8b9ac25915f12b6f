/* namefold.c — folding names to a phonetic skeleton across Kazakh, Russian and Latin
 * spellings (the rules and their sources are in namefold.h). */
#include "base/namefold.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MID_MAX (4 * NAME_FOLD_MAX) /* Latin letters of step 1 kept for one word */

/* One lower-case letter and the Latin letters it folds to in step 1. */
typedef struct {
    unsigned cp;
    const char *latin;
} letter;

/* Sorted by code point; ASCII letters are handled apart. */
static const letter LETTERS[] = {
    {0x00DF, "s"},  /* ß */
    {0x00E0, "a"},  {0x00E1, "a"},  {0x00E2, "a"},  {0x00E3, "a"}, /* à á â ã */
    {0x00E4, "a"},  {0x00E5, "a"},                                 /* ä å */
    {0x00E7, "ch"},                                                /* ç */
    {0x00E8, "e"},  {0x00E9, "e"},  {0x00EA, "e"},  {0x00EB, "e"}, /* è é ê ë */
    {0x00EC, "i"},  {0x00ED, "i"},  {0x00EE, "i"},  {0x00EF, "i"}, /* ì í î ï */
    {0x00F1, "n"},                                                 /* ñ */
    {0x00F2, "o"},  {0x00F3, "o"},  {0x00F4, "o"},  {0x00F5, "o"}, /* ò ó ô õ */
    {0x00F6, "o"},  {0x00F8, "o"},                                 /* ö ø */
    {0x00F9, "u"},  {0x00FA, "u"},  {0x00FB, "u"},  {0x00FC, "u"}, /* ù ú û ü */
    {0x00FD, "u"},                                                 /* ý: у in Kazakh 2018 */
    {0x00FF, "i"},                                                 /* ÿ */
    {0x0101, "a"},  {0x0103, "a"},  {0x0105, "a"},                 /* ā ă ą */
    {0x0107, "ch"}, {0x010D, "ch"},                                /* ć č */
    {0x010F, "d"},  {0x0111, "d"},                                 /* ď đ */
    {0x0113, "e"},  {0x0117, "e"},  {0x0119, "e"},  {0x011B, "e"}, /* ē ė ę ě */
    {0x011F, "g"},  {0x0121, "g"},                                 /* ğ ġ */
    {0x012B, "i"},  {0x012F, "i"},  {0x0131, "i"},                 /* ī į ı */
    {0x0142, "l"},                                                 /* ł */
    {0x0144, "n"},  {0x0146, "n"},  {0x0148, "n"},  {0x014B, "n"}, /* ń ņ ň ŋ */
    {0x014D, "o"},  {0x0151, "o"},                                 /* ō ő */
    {0x0159, "r"},                                                 /* ř */
    {0x015B, "sh"}, {0x015F, "sh"}, {0x0161, "sh"},                /* ś ş š */
    {0x0163, "ts"}, {0x0165, "t"},                                 /* ţ ť */
    {0x016B, "u"},  {0x016F, "u"},  {0x0171, "u"},  {0x0173, "u"}, /* ū ů ű ų */
    {0x017A, "z"},  {0x017C, "z"},  {0x017E, "j"},                 /* ź ż ž */
    {0x01E7, "g"},  {0x01F0, "j"},  {0x01F5, "g"},                 /* ǧ ǰ ǵ */
    {0x0219, "sh"}, {0x021B, "ts"},                                /* ș ț */
    {0x0259, "a"},                                                 /* ə */
    {0x0430, "a"},  {0x0431, "b"},  {0x0432, "v"},  {0x0433, "g"}, /* а б в г */
    {0x0434, "d"},  {0x0435, "e"},  {0x0436, "j"},  {0x0437, "z"}, /* д е ж з */
    {0x0438, "i"},  {0x0439, "i"},  {0x043A, "k"},  {0x043B, "l"}, /* и й к л */
    {0x043C, "m"},  {0x043D, "n"},  {0x043E, "o"},  {0x043F, "p"}, /* м н о п */
    {0x0440, "r"},  {0x0441, "s"},  {0x0442, "t"},  {0x0443, "u"}, /* р с т у */
    {0x0444, "f"},  {0x0445, "h"},  {0x0446, "ts"}, {0x0447, "ch"}, /* ф х ц ч */
    {0x0448, "sh"}, {0x0449, "sh"}, {0x044A, "i"},  {0x044B, "i"}, /* ш щ ъ ы (ь: none) */
    {0x044D, "e"},  {0x044E, "iu"}, {0x044F, "ia"},                /* э ю я */
    {0x0450, "e"},                                                 /* ѐ */
    {0x0451, "e"},  {0x0454, "e"},  {0x0456, "i"},  {0x0457, "i"}, /* ё є і ї */
    {0x0458, "i"},  {0x045D, "i"},  {0x045E, "u"},  {0x045F, "j"}, /* ј ѝ ў џ */
    {0x0463, "e"},                                                 /* ѣ */
    {0x0491, "g"},  {0x0493, "g"},  {0x0495, "g"},  {0x0497, "j"}, /* ґ ғ ҕ җ */
    {0x0499, "z"},  {0x049B, "k"},  {0x04A1, "k"},  {0x04A3, "n"}, /* ҙ қ ҡ ң */
    {0x04A5, "n"},  {0x04AB, "s"},  {0x04AF, "u"},  {0x04B1, "u"}, /* ҥ ҫ ү ұ */
    {0x04B3, "h"},  {0x04B7, "j"},  {0x04B9, "ch"}, {0x04BB, "h"}, /* ҳ ҷ ҹ һ */
    {0x04C4, "k"},  {0x04C8, "n"},                                 /* ӄ ӈ */
    {0x04D9, "a"},  {0x04E3, "i"},  {0x04E5, "i"},  {0x04E7, "o"}, /* ә ӣ ӥ ӧ */
    {0x04E9, "o"},  {0x04EF, "u"},  {0x04F1, "u"},  {0x04F5, "ch"}, /* ө ӯ ӱ ӵ */
    {0x04F9, "i"},                                                 /* ӹ */
};

/* Step 2: Latin spellings, tried in this order at each position. */
static const struct {
    const char *from;
    const char *to;
} SPELLINGS[] = {
    {"shch", "sh"}, {"zh", "j"}, {"kh", "h"}, {"gh", "g"}, {"ph", "f"}, {"ch", "ch"},
    {"c", "k"},     {"x", "ks"}, {"y", "i"},  {"w", "v"},  {"q", "k"},
};

/* Length of the well-formed UTF-8 sequence at p (at most avail bytes) and its code point
 * in *cp, or 0 when malformed or cut short. */
static size_t utf8_take(const unsigned char *p, size_t avail, unsigned *cp)
{
    static const unsigned min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > avail)
        return 0;
    unsigned v = len == 1 ? p[0] : p[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (v < min_for_len[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static bool in(unsigned cp, unsigned lo, unsigned hi) { return cp >= lo && cp <= hi; }

/* The lower case of the Latin and Cyrillic capitals the table knows; others unchanged. */
static unsigned lower(unsigned cp)
{
    bool even = cp % 2 == 0;
    if (in(cp, 'A', 'Z') || (in(cp, 0xC0, 0xDE) && cp != 0xD7) || in(cp, 0x410, 0x42F))
        return cp + 0x20;
    if (in(cp, 0x400, 0x40F))
        return cp + 0x50;
    if (cp == 0x178)
        return 0xFF;
    if (cp == 0x18F)
        return 0x259;
    if (cp == 0x4C0)
        return 0x4CF;
    if (even && (in(cp, 0x100, 0x137) || in(cp, 0x14A, 0x177) || in(cp, 0x1E6, 0x1E6) ||
                 in(cp, 0x1F4, 0x1F4) || in(cp, 0x218, 0x21B) || in(cp, 0x460, 0x481) ||
                 in(cp, 0x48A, 0x4BF) || in(cp, 0x4D0, 0x4FF)))
        return cp + 1;
    if (!even && (in(cp, 0x139, 0x148) || in(cp, 0x179, 0x17E) || in(cp, 0x4C1, 0x4CE)))
        return cp + 1;
    return cp;
}

static int letter_cmp(const void *key, const void *elem)
{
    unsigned cp = *(const unsigned *)key, other = ((const letter *)elem)->cp;
    return cp < other ? -1 : cp > other ? 1 : 0;
}

/* Step 1: the Latin letters code point cp folds to ("" when it is dropped). */
static const char *latin_of(unsigned cp)
{
    static const char az[] = "a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0n\0o\0p\0q\0r\0s\0"
                             "t\0u\0v\0w\0x\0y\0z";
    cp = lower(cp);
    if (in(cp, 'a', 'z'))
        return az + 2 * (cp - 'a');
    const letter *l = bsearch(&cp, LETTERS, sizeof LETTERS / sizeof LETTERS[0],
                              sizeof LETTERS[0], letter_cmp);
    return l ? l->latin : "";
}

/* The folded word being written (step 3). */
typedef struct {
    char *out;
    size_t n;
} folded;

static bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* Appends letter c under the rules of step 3; does nothing once the word is full. */
static void put(folded *f, char c)
{
    if (f->n >= NAME_FOLD_MAX - 1)
        return;
    if (c == 'j' && f->n == 1 && f->out[0] == 'd')
        f->n = 0; /* a leading "dj" */
    if (c == 'e' && f->n >= 1 && f->out[f->n - 1] == 'i' &&
        (f->n == 1 || vowel(f->out[f->n - 2])))
        f->n--; /* "ie" at the start or after a vowel */
    if (f->n > 0 && f->out[f->n - 1] == c)
        return; /* a run of the same letter */
    f->out[f->n++] = c;
}

static void put_all(folded *f, const char *s)
{
    for (; *s; s++)
        put(f, *s);
}

/* The rule of step 2 that applies at mid[i] (m letters in all), or -1 for none. */
static int spelling_at(const char *mid, size_t i, size_t m)
{
    if (!strchr("szkgpcxywq", mid[i])) /* the first letters of SPELLINGS */
        return -1;
    for (size_t k = 0; k < sizeof SPELLINGS / sizeof SPELLINGS[0]; k++) {
        size_t flen = strlen(SPELLINGS[k].from);
        if (flen <= m - i && memcmp(mid + i, SPELLINGS[k].from, flen) == 0)
            return (int)k;
    }
    return -1;
}

/* Step 2 over the m Latin letters of mid, writing into f. */
static void spell(const char *mid, size_t m, folded *f)
{
    size_t i = 0;
    while (i < m) {
        int k = spelling_at(mid, i, m);
        if (k < 0) {
            put(f, mid[i++]);
            continue;
        }
        put_all(f, SPELLINGS[k].to);
        i += strlen(SPELLINGS[k].from);
    }
}

size_t name_fold_word(const char *word, size_t len, char out[NAME_FOLD_MAX])
{
    char mid[MID_MAX];
    size_t m = 0, i = 0;
    const unsigned char *p = (const unsigned char *)word;
    while (p && i < len) {
        unsigned cp = 0;
        size_t step = utf8_take(p + i, len - i, &cp);
        i += step ? step : 1; /* a malformed byte is skipped */
        const char *l = step ? latin_of(cp) : "";
        size_t ll = strlen(l);
        if (m + ll > MID_MAX)
            break;
        memcpy(mid + m, l, ll);
        m += ll;
    }
    folded f = {out, 0};
    spell(mid, m, &f);
    out[f.n] = '\0';
    return f.n;
}

/* True when code point cp separates two words of a name. */
static bool is_break(unsigned cp)
{
    if (cp < 0x80)
        return !(in(cp, 'a', 'z') || in(cp, 'A', 'Z') || in(cp, '0', '9') || cp == '\'' ||
                 cp == '`');
    return cp == 0xA0 || in(cp, 0x2000, 0x200A) || in(cp, 0x2010, 0x2015) || cp == 0x202F ||
           cp == 0x2212 || cp == 0x3000;
}

/* Length of the separator at the start of s (0 when s starts a word character). */
static size_t break_len(const unsigned char *s, size_t avail)
{
    unsigned cp = 0;
    size_t step = utf8_take(s, avail, &cp);
    return step && is_break(cp) ? step : 0;
}

int name_fold_words(const char *name, char out[NAME_WORDS_MAX][NAME_FOLD_MAX])
{
    int count = 0;
    if (!name)
        return 0;
    const unsigned char *s = (const unsigned char *)name;
    size_t len = strlen(name), i = 0;
    while (i < len && count < NAME_WORDS_MAX) {
        size_t b = break_len(s + i, len - i);
        if (b) {
            i += b;
            continue;
        }
        size_t start = i;
        while (i < len && break_len(s + i, len - i) == 0)
            i++;
        if (name_fold_word(name + start, i - start, out[count]) > 0)
            count++;
    }
    return count;
}
