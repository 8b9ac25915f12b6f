/*
 * instrument.h — screening instruments and checklists as data (files under instruments/,
 * format in instruments/README.md): loading and checking the files, validating a set
 * of answers against one instrument and scoring it. One engine serves every
 * instrument; adding a checklist is adding a file.
 *
 * Error messages name the item ("answers.B1") and never carry an answer's value.
 */
#ifndef QG_INSTRUMENT_H
#define QG_INSTRUMENT_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

#define INSTRUMENT_FILE_MAX (1024 * 1024)

typedef struct instrument instrument;
typedef struct instrument_set instrument_set;

/* Returns the instruments directory: explicit_dir when not NULL, else
 * $QORGAU_INSTRUMENTS, else the instruments/ directory of the tree this program was
 * built from. The string is not the caller's to free. */
const char *instrument_dir(const char *explicit_dir);

/* Loads and checks one instrument file. *out is freed with instrument_free. On
 * failure err->field is the path inside the file ("items[3].points"). */
qg_code instrument_load_file(const char *path, instrument **out, qg_error *err);

/* Frees an instrument. NULL is allowed. */
void instrument_free(instrument *inst);

/* Loads every "<id>.v<N>.json" file of dir (other *.json names are an error; other
 * files are ignored). *out is freed with instrument_set_free. On failure file (size
 * bytes, may be NULL) receives the name of the file at fault. */
qg_code instrument_set_load(const char *dir, instrument_set **out, char *file, size_t size,
                            qg_error *err);

/* Frees a set and its instruments. NULL is allowed. */
void instrument_set_free(instrument_set *set);

/* Returns the instrument id at version (0: the newest version), or NULL. The set
 * owns it. */
const instrument *instrument_find(const instrument_set *set, const char *id, int version);

/* Returns the instrument's id and version (owned by the instrument). */
const char *instrument_id(const instrument *inst);
int instrument_version(const instrument *inst);

/* Returns a new list {"instruments": [{id, version, versions, kind, title, population,
 * source, accuracy}...]} of the newest version of each instrument; caller owns. */
json_t *instrument_set_list(const instrument_set *set);

/* Returns a new reference to the whole definition (the file's JSON); caller owns it
 * and must not change it. */
json_t *instrument_definition(const instrument *inst);

/* Validates answers (an object from item id to answer) against inst and scores them.
 * *out (caller owns) is the result described in instruments/README.md. Returns
 * QG_EINVAL naming the item ("answers.B1") for an unknown item, an answer of the
 * wrong type or range, or an answer to an item that does not apply. */
qg_code instrument_score(const instrument *inst, json_t *answers, json_t **out, qg_error *err);

/* As instrument_score, but an answer to an item that does not apply (or may not yet:
 * it depends on an unanswered item) is dropped instead of refused, exactly as if it had
 * not been given, and the result lists the dropped ids in "dropped". For the web form:
 * it sends every answer on the page and shows the items the result's "applies" lists, so
 * which items apply is decided by this one engine only. Unknown items and answers of the
 * wrong type or range are still refused. */
qg_code instrument_score_dropping(const instrument *inst, json_t *answers, json_t **out,
                                  qg_error *err);

#endif
