/*
 * vocab.h — the closed code lists of Qorgau: roles, organisation types, regions of
 * Kazakhstan, countries (ISO 3166-1 alpha-2), sex (HTCDS prs_Gender), case stages
 * (the manual's ten, L2459–2501), case statuses and urgent needs (L3119–3126). Each
 * list is data; validation and the API's /vocab listing read the same tables.
 */
#ifndef QG_VOCAB_H
#define QG_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *code;  /* stable code stored and exchanged */
    const char *extra; /* list-specific: ISO 3166-2 code for regions, HTCDS code for org
                          types, NULL elsewhere */
    const char *en;    /* English label */
    const char *ru;    /* Russian label */
    const char *kk;    /* Kazakh label */
} vocab_entry;

typedef struct {
    const char *name; /* e.g. "region" */
    const vocab_entry *entries;
    size_t count;
} vocab_list;

extern const vocab_list VOCAB_ROLE;
extern const vocab_list VOCAB_ORG_TYPE;
extern const vocab_list VOCAB_REGION;
extern const vocab_list VOCAB_COUNTRY;
extern const vocab_list VOCAB_SEX;
extern const vocab_list VOCAB_STAGE;
extern const vocab_list VOCAB_CASE_STATUS;
extern const vocab_list VOCAB_NEED; /* urgent needs a checklist suggests */

/* Returns the entry whose code equals code exactly, or NULL. */
const vocab_entry *vocab_find(const vocab_list *list, const char *code);

/* Returns true when code is in list. */
bool vocab_has(const vocab_list *list, const char *code);

/* Returns the NULL-terminated array of all lists, for listing them in the API. */
const vocab_list *const *vocab_all(void);

#endif
