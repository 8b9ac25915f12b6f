/* json_text.c — JSON text in and out, whole or nothing (see json_text.h). */
#include "core/common/json_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

typedef struct {
    char *text;
    size_t len, cap;
    bool failed; /* once set, every later write fails too and the text is dropped */
} dump_buffer;

static void wipe_free(char *p, size_t size)
{
    if (p)
        explicit_bzero(p, size);
    free(p);
}

static int append(const char *bytes, size_t size, void *data)
{
    dump_buffer *b = data;
    if (b->failed)
        return -1;
    if (size >= b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (size >= cap - b->len)
            cap *= 2;
        char *grown = qg_malloc(cap);
        if (!grown) {
            b->failed = true;
            return -1;
        }
        if (b->text) /* the text may be personal data: no copy is left behind */
            memcpy(grown, b->text, b->len + 1);
        wipe_free(b->text, b->cap);
        b->text = grown;
        b->cap = cap;
    }
    memcpy(b->text + b->len, bytes, size);
    b->len += size;
    b->text[b->len] = '\0';
    return 0;
}

char *qg_json_dumps(const json_t *v, size_t flags)
{
    dump_buffer b = {0};
    if (!v || json_dump_callback(v, append, &b, flags) != 0 || b.failed || !b.text) {
        wipe_free(b.text, b.cap);
        return NULL;
    }
    return b.text;
}

json_t *qg_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *error)
{
    qg_alloc_parsing(true);
    json_t *v = json_loadb(buf, len, flags, error);
    qg_alloc_parsing(false);
    return v;
}

json_t *qg_json_loads(const char *text, size_t flags, json_error_t *error)
{
    qg_alloc_parsing(true);
    json_t *v = json_loads(text, flags, error); /* NULL text: NULL, as jansson answers */
    qg_alloc_parsing(false);
    return v;
}
