/* err.c — filling and mapping the one Qorgau error type (see err.h). */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"

qg_code qg_fail_at(qg_error *err, qg_code code, const char *field, const char *reason,
                   const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->reason = reason;
    /* Cut on a character boundary so the field stays valid UTF-8 in a JSON answer. */
    size_t n = field ? text_utf8_prefix(field, sizeof err->field - 1) : 0;
    memcpy(err->field, field ? field : "", n);
    err->field[n] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

qg_code qg_fail_copy(qg_error *err, const qg_error *from)
{
    if (err && err != from)
        *err = *from;
    return from->code;
}

const char *qg_error_reason(const qg_error *err)
{
    return err && err->reason && *err->reason ? err->reason : "internal.failure";
}

static const struct {
    qg_code code;
    const char *name;
    int http;
    int exit;
} code_table[] = {
    {QG_OK, "ok", 200, 0},
    {QG_EINVAL, "invalid", 400, 2},
    {QG_EUNAUTH, "unauthenticated", 401, 1},
    {QG_EFORBIDDEN, "forbidden", 403, 1},
    {QG_ENOTFOUND, "not_found", 404, 1},
    {QG_ECONFLICT, "conflict", 409, 1},
    {QG_ETOOLARGE, "too_large", 413, 2},
    {QG_ETHROTTLED, "throttled", 429, 1},
    {QG_EKEY, "key_error", 500, 1},
    {QG_EDB, "storage_error", 500, 1},
    {QG_EIO, "io_error", 500, 1},
    {QG_ENOMEM, "out_of_memory", 500, 1},
    {QG_ECRYPTO, "crypto_error", 500, 1},
    {QG_EUNAVAIL, "unavailable", 503, 1},
};

#define CODE_COUNT (sizeof code_table / sizeof code_table[0])

const char *qg_code_name(qg_code code)
{
    for (size_t i = 0; i < CODE_COUNT; i++)
        if (code_table[i].code == code)
            return code_table[i].name;
    return "internal";
}

int qg_code_http_status(qg_code code)
{
    for (size_t i = 0; i < CODE_COUNT; i++)
        if (code_table[i].code == code)
            return code_table[i].http;
    return 500;
}

int qg_code_exit_status(qg_code code)
{
    for (size_t i = 0; i < CODE_COUNT; i++)
        if (code_table[i].code == code)
            return code_table[i].exit;
    return 1;
}
