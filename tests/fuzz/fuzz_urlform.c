/*
 * fuzz_urlform.c — libFuzzer target for the application/x-www-form-urlencoded parser
 * (src/http/urlform.c) behind the public /reply page, where anyone on the Internet may
 * post.
 *
 * Input: the size of the output buffer (one byte, 0..255), a byte choosing the field
 * name (code, action, reason, or — when its low bits are 3 — the bytes up to the first
 * line feed of the rest), then the body.
 *
 * Properties, beyond "never crashes or trips a sanitizer" (the output buffer is
 * followed by guard bytes, so even a write of one byte past its size is caught):
 * - urlform_get answers exactly what an independent decoder of the first field of that
 *   name says: true with the same bytes when the value decodes (no bad %-escape, no
 *   NUL) and fits with its NUL, false otherwise;
 * - a value it returns is never longer than the raw value in the body, and holds only
 *   bytes the body gave (itself, a space for '+', or the byte of a %-escape);
 * - the /reply page's three fields, read as the page reads them (64-byte buffers), give
 *   a reply code that parses only to the canonical form of its 16 symbols.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/referral/referral.h"
#include "http/urlform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE_FIELD_MAX 64 /* what api_reply_page.c reads a field into */
#define NAME_MAX_LEN 32
#define GUARD 16
#define GUARD_BYTE 0xA5

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The independent decoder: the first field named name, decoded into out (room for the
 * raw value plus a NUL). Returns the decoded length, -1 when absent, -2 when the value
 * is malformed or decodes to a NUL. *raw gets the raw value's length. */
static long reference_get(const char *body, size_t len, const char *name, char *out, size_t *raw)
{
    size_t start = 0, name_len = strlen(name);
    while (start < len) {
        const char *amp = memchr(body + start, '&', len - start);
        size_t end = amp ? (size_t)(amp - body) : len;
        const char *eq = memchr(body + start, '=', end - start);
        size_t key_end = eq ? (size_t)(eq - body) : end;
        if (key_end - start == name_len && memcmp(body + start, name, name_len) == 0) {
            size_t v = eq ? key_end + 1 : end, o = 0;
            *raw = end - v;
            for (size_t i = v; i < end; i++) {
                int c = (unsigned char)body[i];
                if (c == '%') {
                    if (end - i < 3 || hex_digit((unsigned char)body[i + 1]) < 0 || hex_digit((unsigned char)body[i + 2]) < 0)
                        return -2;
                    c = hex_digit((unsigned char)body[i + 1]) * 16 + hex_digit((unsigned char)body[i + 2]);
                    i += 2;
                } else if (c == '+') {
                    c = ' ';
                }
                if (c == 0)
                    return -2;
                out[o++] = (char)c;
            }
            out[o] = '\0';
            return (long)o;
        }
        start = end + 1;
    }
    return -1;
}

/* True when byte c of a decoded value could come from body: itself, a space from '+',
 * or a %-escape of it. */
static bool from_body(const char *body, size_t len, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    if (memchr(body, c, len) || (c == ' ' && memchr(body, '+', len)))
        return true;
    for (size_t i = 0; i + 2 < len; i++)
        if (body[i] == '%' && hex_digit((unsigned char)body[i + 1]) == hex_digit((unsigned char)hex[c >> 4]) &&
            hex_digit((unsigned char)body[i + 2]) == hex_digit((unsigned char)hex[c & 15]))
            return true;
    return false;
}

static void check_field(const char *body, size_t len, const char *name, size_t size)
{
    char *out = malloc(size + GUARD); /* size bytes, then a guard that must stay intact */
    char *want = malloc(len + 1);
    if (!out || !want)
        abort();
    memset(out, GUARD_BYTE, size + GUARD);
    size_t raw = 0;
    long n = reference_get(body, len, name, want, &raw);
    bool got = urlform_get(body, len, name, out, size);
    bool expected = n >= 0 && (size_t)n + 1 <= size;
    for (size_t i = size; i < size + GUARD; i++)
        if ((unsigned char)out[i] != GUARD_BYTE)
            abort(); /* written past the size it was given */
    if (got != expected)
        abort();
    if (got) {
        size_t out_len = strlen(out);
        if (out_len != (size_t)n || memcmp(out, want, out_len) != 0 || out_len > raw || out_len >= size)
            abort();
        for (size_t i = 0; i < out_len; i++)
            if (!from_body(body, len, (unsigned char)out[i]))
                abort();
    }
    free(out);
    free(want);
}

/* The /reply page's reading of its form: the reply code, when it parses, is the
 * canonical "XXXX-XXXX-XXXX-XXXX" of Crockford symbols. */
static void check_reply_page(const char *body, size_t len)
{
    char code[PAGE_FIELD_MAX], canonical[REPLY_CODE_SIZE];
    if (!urlform_get(body, len, "code", code, sizeof code) || !reply_code_parse(code, canonical))
        return;
    if (strlen(canonical) != REPLY_CODE_LEN)
        abort();
    for (size_t i = 0; i < REPLY_CODE_LEN; i++) {
        bool dash = i % 5 == 4;
        if (dash != (canonical[i] == '-') || (!dash && !strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", canonical[i])))
            abort();
    }
    char again[REPLY_CODE_SIZE];
    if (!reply_code_parse(canonical, again) || strcmp(again, canonical) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"code", "action", "reason"};
    if (size < 2)
        return 0;
    size_t out_size = data[0];
    const char *body = (const char *)data + 2;
    size_t len = size - 2;
    char name[NAME_MAX_LEN + 1];
    if ((data[1] & 3) == 3) {
        const char *nl = memchr(body, '\n', len < NAME_MAX_LEN ? len : NAME_MAX_LEN);
        size_t n = nl ? (size_t)(nl - body) : 0;
        memcpy(name, body, n);
        name[n] = '\0';
        if (strlen(name) != n)
            return 0; /* a field name is a C string */
        body += nl ? n + 1 : 0;
        len -= nl ? n + 1 : 0;
    } else {
        memcpy(name, names[data[1] & 3], strlen(names[data[1] & 3]) + 1);
    }
    check_field(body, len, name, out_size);
    check_reply_page(body, len);
    return 0;
}
