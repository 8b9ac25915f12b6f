/*
 * api.h — the JSON API under /api/v1, as one handler for the HTTP adapter.
 *
 * The API turns HTTP requests into service calls and service results into JSON. It
 * holds no rules of its own: who may do what is the policy's, what is valid is the
 * services'. It authenticates the session cookie, checks the CSRF header on every
 * state-changing request, parses bodies strictly (duplicate keys refused) and answers
 * errors as {"error": {"code", "message", "field", "reason"}} with the matching status.
 */
#ifndef QG_API_H
#define QG_API_H

#include <stdbool.h>

#include "core/common/app.h"
#include "http/http.h"

#define API_COOKIE "qg_session"
#define API_CSRF_HEADER "X-CSRF-Token"

typedef struct {
    qg_app *app;
    bool secure_cookies; /* set the Secure flag (the server sits behind TLS) */
    const char *web_dir; /* the web interface's folder; NULL: api_web_dir(NULL) */
} api_ctx;

/* The web interface's folder: explicit_dir when given, else $QORGAU_WEB, else the
 * web/ folder of the source tree (QG_WEB_DIR). */
const char *api_web_dir(const char *explicit_dir);

/* The HTTP handler: ctx is an api_ctx. Fills resp for every request. */
void api_handle(void *ctx, const http_request *req, http_response *resp);

#endif
