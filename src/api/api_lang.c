/* api_lang.c — picks a server-made page's language from ?lang= and Accept-Language
 * (see api_lang.h). */
#include "api/api_lang.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const LANGS[] = {"kk", "ru", "en"};

/* The supported language whose code is tag's primary subtag (tag is len bytes), or NULL. */
static const char *known(const char *tag, size_t len)
{
    size_t n = strcspn(tag, "-_;, \t");
    if (n > len)
        n = len;
    for (size_t i = 0; i < sizeof LANGS / sizeof *LANGS; i++)
        if (n == 2 && strncasecmp(tag, LANGS[i], 2) == 0)
            return LANGS[i];
    return NULL;
}

/* The q-value of one Accept-Language item (item is len bytes): 1 when not given. */
static double q_of(const char *item, size_t len)
{
    const char *semi = memchr(item, ';', len);
    if (!semi)
        return 1.0;
    const char *q = semi + 1;
    while (q < item + len && (*q == ' ' || *q == '\t'))
        q++;
    if (item + len - q < 3 || (q[0] != 'q' && q[0] != 'Q') || q[1] != '=')
        return 1.0;
    double v = strtod(q + 2, NULL);
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static const char *from_accept(const char *h)
{
    const char *best = NULL;
    double best_q = 0;
    while (h && *h) {
        while (*h == ' ' || *h == '\t' || *h == ',')
            h++;
        size_t len = strcspn(h, ",");
        const char *lang = len ? known(h, len) : NULL;
        double q = lang ? q_of(h, len) : 0;
        if (lang && q > best_q) {
            best = lang;
            best_q = q;
        }
        h += len;
    }
    return best;
}

const char *api_page_lang(const http_request *req)
{
    const char *q = http_query(req, "lang");
    for (size_t i = 0; q && i < sizeof LANGS / sizeof *LANGS; i++)
        if (strcmp(q, LANGS[i]) == 0)
            return LANGS[i];
    const char *a = from_accept(http_header(req, "Accept-Language"));
    return a ? a : "kk";
}
