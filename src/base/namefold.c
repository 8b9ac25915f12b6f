/* namefold.c — TEMPORARY placeholder. */
#include "base/namefold.h"
#include <string.h>
static const char *const CYR[] = {"a","b","v","g","d","e","j","z","i","i","k","l","m","n","o","p","r","s","t","u","f","h","ts","ch","sh","sh","","i","","e","iu","ia"};
size_t name_fold_word(const char *w, size_t len, char out[NAME_FOLD_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)w[i];
        const char *add = "";
        char one[2] = {0, 0};
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
            if (c >= 'a' && c <= 'z') { one[0] = (char)(c == 'y' ? 'i' : c == 'q' ? 'k' : c); add = one; }
            i++;
        } else if (i + 1 < len && (c == 0xd0 || c == 0xd1)) {
            unsigned cp = ((c & 0x1fu) << 6) | ((unsigned char)w[i + 1] & 0x3fu);
            if (cp >= 0x410 && cp <= 0x42f) cp += 0x20;
            if (cp >= 0x430 && cp <= 0x44f) add = CYR[cp - 0x430];
            else if (cp == 0x451) add = "e";
            else if (cp == 0x456) add = "i";
            i += 2;
        } else if (i + 1 < len && (c == 0xd2 || c == 0xd3)) {
            unsigned cp = ((c & 0x1fu) << 6) | ((unsigned char)w[i + 1] & 0x3fu);
            cp |= 1;
            add = cp == 0x493 ? "g" : cp == 0x49b ? "k" : cp == 0x4a3 ? "n" : cp == 0x4af ? "u"
                : cp == 0x4b1 ? "u" : cp == 0x4bb ? "h" : cp == 0x4d9 ? "a" : cp == 0x4e9 ? "o" : "";
            i += 2;
        } else {
            i++;
        }
        for (; *add && n + 1 < NAME_FOLD_MAX; add++)
            if (n == 0 || out[n - 1] != *add) out[n++] = *add;
    }
    out[n] = 0;
    return n;
}
int name_fold_words(const char *name, char out[NAME_WORDS_MAX][NAME_FOLD_MAX])
{
    int k = 0;
    const char *p = name;
    while (*p && k < NAME_WORDS_MAX) {
        size_t n = strcspn(p, " -'.,");
        if (n && name_fold_word(p, n, out[k])) k++;
        p += n;
        p += strspn(p, " -'.,");
    }
    return k;
}
