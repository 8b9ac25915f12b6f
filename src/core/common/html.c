/* html.c — the HTML page buffer with escaping (see html.h). */
#include "core/common/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "base/alloc.h"

static void reserve(html_out *o, size_t more)
{
    if (o->failed || o->len + more + 1 <= o->cap)
        return;
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->len + more + 1)
        cap *= 2;
    char *next = qg_malloc(cap);
    if (!next) {
        o->failed = true;
        return;
    }
    if (o->buf)
        memcpy(next, o->buf, o->len + 1);
    else
        next[0] = '\0';
    crypto_free_plain(o->buf, o->cap);
    o->buf = next;
    o->cap = cap;
}

static void append(html_out *o, const char *s, size_t n)
{
    reserve(o, n);
    if (o->failed)
        return;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

void html_raw(html_out *o, const char *markup) { append(o, markup, strlen(markup)); }

void html_text(html_out *o, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        switch (*p) {
        case '&': html_raw(o, "&amp;"); break;
        case '<': html_raw(o, "&lt;"); break;
        case '>': html_raw(o, "&gt;"); break;
        case '"': html_raw(o, "&quot;"); break;
        case '\'': html_raw(o, "&#39;"); break;
        default: append(o, p, 1);
        }
    }
}

void html_int(html_out *o, long long v)
{
    char n[24];
    snprintf(n, sizeof n, "%lld", v);
    html_raw(o, n);
}

bool html_take(html_out *o, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    reserve(o, 0);
    if (o->failed) {
        html_free(o);
        return false;
    }
    *out = o->buf;
    *len = o->len;
    *o = (html_out){0};
    return true;
}

void html_free(html_out *o)
{
    crypto_free_plain(o->buf, o->cap);
    *o = (html_out){0};
}
