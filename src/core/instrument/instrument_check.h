/*
 * instrument_check.h — the small checks the instrument loader makes on a definition's
 * JSON (keys, ids, texts in three languages, numbers in range) and the check of its
 * conditions. Internal to src/core/instrument. Every fault names its place inside the
 * file ("items[3].applies.eq").
 */
#ifndef QG_INSTRUMENT_CHECK_H
#define QG_INSTRUMENT_CHECK_H

#include "core/instrument/instrument_impl.h"

#define INST_PATH_LEN 64 /* a place inside a file */
#define INST_TYPE_COUNT 7 /* entries of INST_TYPE_NAMES */

/* The comparison operators of a condition, NULL-terminated. */
extern const char *const INST_COMPARE_OPS[];

/* What a condition may refer to. */
typedef struct {
    const instrument *inst;
    size_t upto;          /* items with index < upto may be referred to */
    bool allow_suggested; /* {"suggested": "any"} (results only) */
} inst_cond_scope;

/* Whether key is one of names (NULL-terminated). */
bool inst_listed(const char *key, const char *const *names);

/* Fails with QG_EINVAL naming the place path inside the file. */
qg_code inst_bad(qg_error *err, const char *path, const char *message);

/* Every key of obj must be in allowed and every name of required present. */
qg_code inst_check_keys(json_t *obj, const char *const *allowed, const char *const *required,
                        const char *path, qg_error *err);

/* Whether s is 1..max characters of a-z, 0-9 and extra. */
bool inst_id_chars(const char *s, const char *extra, size_t max);

/* v must be a non-empty UTF-8 string. */
qg_code inst_check_string(json_t *v, const char *path, qg_error *err);

/* A text object: exactly kk, ru and en, none empty. */
qg_code inst_check_text(json_t *v, const char *path, qg_error *err);

/* obj's member key must be a text object; a fault is reported at "path.key...". */
qg_code inst_member_text(json_t *obj, const char *key, const char *path, qg_error *err);

/* obj's member key must be a non-empty string; a fault is reported at "path.key". */
qg_code inst_member_string(json_t *obj, const char *key, const char *path, qg_error *err);

/* As inst_member_text, when obj has the member key at all. */
qg_code inst_optional_text(json_t *obj, const char *key, const char *path, qg_error *err);

/* Sets *out to obj's member key, a whole number from lo to hi, or def when absent. */
qg_code inst_get_int(json_t *obj, const char *key, long long lo, long long hi, long long def,
                     long long *out, const char *path, qg_error *err);

/* Checks one comparison operand against the type of the item it compares. */
qg_code inst_check_operand(const inst_item *it, const char *op, json_t *v, const char *path,
                           qg_error *err);

/* Finds the one comparison operator of cond (NULL when none or several). */
const char *inst_compare_op(json_t *cond, const char *const *ops);

/* Whether the group is one of the items s may refer to. */
bool inst_group_within(const inst_cond_scope *s, const char *group);

/* Checks a condition (item comparisons, counts, all/any/not, nested at most a few
 * levels; depth is the current level) within scope s. */
qg_code inst_check_cond(const inst_cond_scope *s, json_t *cond, const char *path, qg_error *err,
                        int depth);

#endif
