/*
 * instrument_parse.h — checking a whole instrument definition and filling its parsed
 * form. Internal to src/core/instrument (the loader, instrument_load.c, calls it).
 */
#ifndef QG_INSTRUMENT_PARSE_H
#define QG_INSTRUMENT_PARSE_H

#include "core/instrument/instrument_impl.h"

/* Checks inst->def against the format of instruments/README.md and fills the rest of
 * *inst (items and sections, allocated: instrument_free frees them). QG_EINVAL naming
 * the place of the first fault inside the file. */
qg_code instrument_check_definition(instrument *inst, qg_error *err);

#endif
