/*
 * urlform.h — reading fields of an application/x-www-form-urlencoded body (what a plain
 * HTML form posts): "name=value&name=value" with '+' for a space and %XX for a byte.
 */
#ifndef QG_URLFORM_H
#define QG_URLFORM_H

#include <stdbool.h>
#include <stddef.h>

/* Finds the first field called name in body (len bytes) and writes its decoded value,
 * NUL-terminated, into out (size bytes). Returns false when the field is absent, its
 * value does not fit, holds a malformed %-escape, or decodes to a NUL byte. */
bool urlform_get(const char *body, size_t len, const char *name, char *out, size_t size);

/* Returns the value of the hexadecimal digit c (0-9, a-f, A-F), or -1 for any other
 * character: the digits of a %XX escape, here and in the request checks of vet.c. */
int urlform_hex_value(char c);

#endif
