/*
 * record_forms.h — the four case forms of issue 4 as data: for each kind its name, its
 * path segment, the key of its list, its body's date fields, and the two functions
 * that split a valid body into what is stored in clear (codes, dates, flags: "meta")
 * and what is sealed (every free text), and join the two back into the body's shape.
 * Internal to src/core: record.c stores and reads; this file knows the shapes.
 */
#ifndef QG_RECORD_FORMS_H
#define QG_RECORD_FORMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

/* One record split for storage. meta and sealed are owned (record_parts_free). */
typedef struct {
    char on[11];    /* the record's date (on_date) */
    char due[11];   /* the safety plan's review date (due_on); "" for other kinds */
    bool withheld;  /* withheld from the child's own record (L2442-2444) */
    json_t *meta;   /* codes, dates and flags: stored in clear, never free text */
    json_t *sealed; /* the free text: sealed to its place */
} record_parts;

typedef struct record_form {
    const char *kind;              /* stored kind, audit prefix, sealed place: "safety_plan" */
    const char *segment;           /* path segment: "safety-plans" */
    const char *plural;            /* key of the list answer: "safety_plans" */
    const char *on_key;            /* the body's date: "made_on" */
    const char *due_key;           /* the body's due date ("review_on"), or NULL */
    bool recorded_by;              /* answers name the recorder (interactions) */
    const char *const *keys;       /* the body's keys */
    /* Checks the kind's own fields of body (keys already checked, p->on read) and
     * fills p->meta, p->sealed and p->due. QG_EINVAL naming the field. */
    qg_code (*split)(json_t *body, record_parts *p, qg_error *err);
    /* Returns the kind's own body fields rebuilt from p (new object), or NULL. */
    json_t *(*join)(const record_parts *p);
    /* Inside the write transaction, checks what needs the database (goal owners), or
     * NULL when nothing does. */
    qg_code (*check_stored)(db *conn, int64_t case_id, const record_parts *p, qg_error *err);
} record_form;

/* Returns the form of kind ("assessment", ...), or NULL. Static. */
const record_form *record_form_find(const char *kind);

/* Returns the form whose path segment is segment ("safety-plans"), or NULL. Static. */
const record_form *record_form_for_segment(const char *segment);

/* Validates a whole body of form f (without "version") and splits it into *p, which
 * the caller frees with record_parts_free whatever the result. QG_EINVAL naming the
 * field; an unknown key names the object holding it, never the key. */
qg_code record_form_read(const record_form *f, json_t *body, record_parts *p, qg_error *err);

/* Returns the body of form f rebuilt from p (the shape record_form_read accepts), as a
 * new object the caller owns; it holds free text: never log it. NULL on failure. */
json_t *record_form_body(const record_form *f, const record_parts *p);

/* Frees what p owns and clears it. */
void record_parts_free(record_parts *p);

#endif
