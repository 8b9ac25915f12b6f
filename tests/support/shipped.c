/* shipped.c — the shipped instruments as a unit-test fixture (see shipped.h). */
#include "support/shipped.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

instrument_set *qgt_shipped;

int qgt_shipped_load(void **state)
{
    (void)state;
    char file[256] = "";
    qg_error err = {0};
    if (instrument_set_load(QG_INSTRUMENTS_DIR, &qgt_shipped, file, sizeof file, &err) != QG_OK) {
        print_error("shipped instruments do not load: %s: %s: %s\n", file, err.field, err.message);
        return -1;
    }
    return 0;
}

int qgt_shipped_free(void **state)
{
    (void)state;
    instrument_set_free(qgt_shipped);
    qgt_shipped = NULL;
    return 0;
}
