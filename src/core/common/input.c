/* input.c — body shape checks shared by the services (see input.h). */
#include "core/common/input.h"

#include <string.h>

bool input_listed(const char *s, const char *const *names)
{
    for (; s && names && *names; names++)
        if (strcmp(s, *names) == 0)
            return true;
    return false;
}

qg_code input_check_keys(json_t *body, const char *const *allowed, qg_error *err)
{
    if (!json_is_object(body))
        return qg_fail(err, QG_EINVAL, "body", "body.not_object", "must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (!input_listed(key, allowed))
            return qg_fail(err, QG_EINVAL, "body", "body.unknown_key",
                           "has a field that does not belong there");
    }
    return QG_OK;
}
