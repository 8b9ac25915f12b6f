/* sealed.c — sealing one JSON value per case record (see sealed.h). */
#include "core/common/sealed.h"
#include "core/common/json_text.h"

#include <stdio.h>
#include <string.h>

#define AD_MAX 128

static void place_ad(int64_t case_id, const char *what, int64_t n, char ad[AD_MAX])
{
    snprintf(ad, AD_MAX, "qorgau:case:%lld:%s:%lld", (long long)case_id, what, (long long)n);
}

qg_code sealed_put(const qg_keys *keys, int64_t case_id, const char *what, int64_t n, json_t *value,
                   unsigned char **out, size_t *len, qg_error *err)
{
    char ad[AD_MAX];
    place_ad(case_id, what, n, ad);
    *out = NULL;
    *len = 0;
    char *plain = qg_json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!plain)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    size_t plain_len = strlen(plain);
    qg_code c = crypto_seal(keys, ad, plain, plain_len, out, len, err);
    crypto_free_plain(plain, plain_len);
    return c;
}

qg_code sealed_get(const qg_keys *keys, int64_t case_id, const char *what, int64_t n,
                   const void *blob, size_t len, json_t **out, qg_error *err)
{
    char ad[AD_MAX], *plain = NULL;
    size_t plain_len = 0;
    place_ad(case_id, what, n, ad);
    *out = NULL;
    qg_code c = crypto_open(keys, ad, blob, len, &plain, &plain_len, err);
    if (c != QG_OK)
        return c;
    *out = qg_json_loadb(plain, plain_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
    crypto_free_plain(plain, plain_len);
    return *out ? QG_OK
                : qg_fail(err, QG_ECRYPTO, what, "crypto.damaged", "stored text is damaged");
}
