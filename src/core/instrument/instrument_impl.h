/*
 * instrument_impl.h — the parsed form of an instrument, shared by the loader
 * (instrument_load.c, instrument_parse.c, instrument_check.c) and the scorer
 * (instrument_score.c) only.
 *
 * Every pointer below points into the definition's JSON, which the instrument owns;
 * nothing is copied.
 */
#ifndef QG_INSTRUMENT_IMPL_H
#define QG_INSTRUMENT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/instrument/instrument.h"

typedef enum { IT_YESNO, IT_RATING, IT_CHOICE, IT_MULTI, IT_NUMBER, IT_TEXT, IT_COUNTRY } item_type;

typedef struct {
    const char *id;
    item_type type;
    int section;          /* index into sections, or -1 */
    const char *group;    /* NULL when none */
    json_t *applies;      /* the item's own condition, or NULL */
    json_t *indicator;    /* a condition on its own answer, or NULL */
    json_t *points;       /* NULL when not scored */
    json_t *options;      /* choice and multichoice */
    json_t *needs;        /* array of need codes, or NULL */
    bool judgement;       /* the interviewer's conclusion, not the child's answer */
    long long min, max;   /* rating and number */
    size_t max_length;    /* text */
    long long max_points; /* highest points it can give */
} inst_item;

typedef struct {
    const char *id;
    json_t *applies; /* or NULL */
    long long max;
} inst_section;

struct instrument {
    json_t *def;
    const char *id;
    int version;
    inst_item *items;
    size_t nitems;
    inst_section *sections;
    size_t nsections;
    bool scored; /* some item has points */
};

/* Returns the index of item id in inst, or -1. */
int inst_item_index(const instrument *inst, const char *id);

/* Returns true when value is one of the options of a choice or multichoice item. */
bool inst_has_option(const inst_item *it, const char *value);

/* The answer types' names, in item_type order. */
extern const char *const INST_TYPE_NAMES[];

#endif
