/*
 * input.h — the checks every JSON body shares before its fields are read: that it is an
 * object and holds only the keys a service expects. A key could be anything a user
 * typed, even a child's name, so an unexpected key is reported as "body", never by name.
 */
#ifndef QG_INPUT_H
#define QG_INPUT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

/* Returns true when s equals one of names (NULL-terminated; s may be NULL). */
bool input_listed(const char *s, const char *const *names);

/* Returns QG_OK when body is a JSON object whose keys are all in allowed
 * (NULL-terminated), else QG_EINVAL naming "body". */
qg_code input_check_keys(json_t *body, const char *const *allowed, qg_error *err);

#endif
