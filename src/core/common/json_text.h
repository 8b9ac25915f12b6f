/*
 * json_text.h — JSON text in and out, whole or nothing.
 *
 * jansson's json_dumps can return text with an object key left out when an allocation
 * fails while it writes (it does not check every write of a key; seen with jansson
 * 2.14 under the fault-injection tests). Text that is stored or answered must come from
 * qg_json_dumps instead, which notices any failed write. Like jansson's own buffer
 * (see crypto_init), it wipes each buffer it outgrows: the text may be personal data.
 */
#ifndef QG_JSON_TEXT_H
#define QG_JSON_TEXT_H

#include <jansson.h>

/* As json_dumps(v, flags): a new NUL-terminated text the caller frees with free(), or
 * NULL when v cannot be encoded or any allocation failed on the way. */
char *qg_json_dumps(const json_t *v, size_t flags);

/* As json_loads and json_loadb, but never with a failed allocation inside jansson's
 * parser, which can then return a wrong value or write past a buffer (jansson 2.14,
 * akheron/jansson#362): such a failure aborts the process (see qg_alloc_parsing). The
 * caller owns the value. */
json_t *qg_json_loads(const char *text, size_t flags, json_error_t *error);
json_t *qg_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *error);

#endif
