/* api_lang.h — the language of a page the server writes itself (the referral sheet, the
 * public reply page): Kazakh, Russian or English. */
#ifndef QG_API_LANG_H
#define QG_API_LANG_H

#include "http/http.h"

/* Returns "kk", "ru" or "en" for req: the query's lang when it is one of them, else the
 * first of them in Accept-Language by q-value (ties: the first listed), else "kk". The
 * string is static. */
const char *api_page_lang(const http_request *req);

#endif
