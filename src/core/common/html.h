/*
 * html.h — writing small HTML pages safely: a growing buffer where every piece of text
 * goes through one escaping function, and markup only as fixed strings from the
 * program. The buffer may hold personal data, so it is wiped when it grows or is freed.
 */
#ifndef QG_HTML_H
#define QG_HTML_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *buf; /* NUL-terminated once anything is written */
    size_t len, cap;
    bool failed; /* out of memory: the page is unusable */
} html_out;

/* Appends markup written by the program itself (never user or case data). */
void html_raw(html_out *o, const char *markup);

/* Appends text with & < > " ' escaped, so it is shown and never read as markup. NULL
 * appends nothing. */
void html_text(html_out *o, const char *text);

/* Appends a whole number. */
void html_int(html_out *o, long long v);

/* Hands the page over: *out (the caller wipes and frees it with crypto_free_plain(*out,
 * *len)) and *len. Returns false (after freeing) when writing failed. */
bool html_take(html_out *o, char **out, size_t *len);

/* Wipes and frees the buffer. */
void html_free(html_out *o);

#endif
