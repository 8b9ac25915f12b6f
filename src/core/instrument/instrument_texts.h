/*
 * instrument_texts.h — the parts of an instrument that are about its presentation: the
 * rating scales that give each point its meaning ("scales", an item's "scale"), the
 * "about this instrument" section with the manual's errata ("about"), and the rule that
 * a label a person reads carries no note meant for developers (no manual line
 * reference "(L123", no unfilled "[placeholder]"). Used by instrument_parse.c only.
 */
#ifndef QG_INSTRUMENT_TEXTS_H
#define QG_INSTRUMENT_TEXTS_H

#include <jansson.h>

#include "base/err.h"
#include "core/instrument/instrument_impl.h"

/* Checks the optional "scales" object: name -> {"source_lines", "points": [{"value",
 * "label"}...], "hint"?}, points with distinct whole values in rising order. */
qg_code inst_check_scales(json_t *def, qg_error *err);

/* Checks item's optional "scale" (rating items only; a name in "scales" whose points
 * are exactly min..max) and "rates" (rating items only; a text object). */
qg_code inst_check_item_scale(json_t *def, const inst_item *it, json_t *item, const char *path,
                              qg_error *err);

/* Checks the optional "about" object: {"errata": [{"manual_lines", "manual", "used",
 * "why"}...]}, each of the last three a text object. */
qg_code inst_check_about(json_t *def, qg_error *err);

/* Checks every text object a person reads on the form (all but "source" and "about",
 * where references belong): none has a manual line reference "(L<digit>", a square
 * bracket (an unfilled "[placeholder]" or a bracketed developer note), or a brace other
 * than the "{org}" the form fills with the user's organisation in "intro". */
qg_code inst_check_labels(json_t *def, qg_error *err);

#endif
