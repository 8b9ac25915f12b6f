/* urlform.c — decoding application/x-www-form-urlencoded fields (see urlform.h). */
#include "http/urlform.h"

#include <string.h>

int urlform_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into out (size bytes). Returns false when it does not fit, holds a
 * malformed escape or a NUL byte. */
static bool decode(const char *s, size_t n, char *out, size_t size)
{
    if (size == 0)
        return false; /* not even room for the NUL */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return false;
            int a = urlform_hex_value(s[i + 1]), b = urlform_hex_value(s[i + 2]);
            if (a < 0 || b < 0)
                return false;
            c = a * 16 + b;
            i += 2;
        }
        if (c == 0 || o + 1 >= size)
            return false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return true;
}

bool urlform_get(const char *body, size_t len, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name), i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        const char *eq = memchr(body + i, '=', end - i);
        size_t key_len = eq ? (size_t)(eq - (body + i)) : end - i;
        if (key_len == name_len && memcmp(body + i, name, name_len) == 0) {
            const char *v = eq ? eq + 1 : body + end;
            return decode(v, (size_t)(body + end - v), out, size);
        }
        i = end + 1;
    }
    return false;
}
