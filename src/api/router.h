/*
 * router.h — the route table of /api/v1 and the matcher that picks a route for a
 * method and a path (router.c). Split out of api_handle so that the matching itself can
 * be tested and fuzzed without a server, a database or a session.
 */
#ifndef QG_ROUTER_H
#define QG_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api_call.h"

typedef struct {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/"-separated segments; ":x" captures one, e.g. ":code" */
    bool session;        /* needs a logged-in session (and CSRF when it changes state) */
    route_fn fn;
} api_route;

/* Returns the number of routes in the table. */
size_t api_route_count(void);

/* Returns route i of the table (static), or NULL when i is past its end. */
const api_route *api_route_at(size_t i);

/* Returns true when path matches pattern segment by segment, copying each ":x"
 * segment of path into params (in order). A captured segment is never empty, never
 * holds '/', and is shorter than API_SEGMENT_MAX; params may be partly written when
 * the answer is false. */
bool api_route_match(const char *pattern, const char *path,
                     char params[API_PARAMS_MAX][API_SEGMENT_MAX]);

/* Returns the first route of method whose pattern matches path (static), with its
 * ":x" segments in params; NULL when there is none. allow (allow_size bytes, may be 0)
 * gets the methods, ", "-separated, of the routes whose pattern matches path but whose
 * method is another ("" when none), for a 405's Allow header; it is cut, never
 * overrun, when too small. */
const api_route *api_route_find(const char *method, const char *path,
                                char params[API_PARAMS_MAX][API_SEGMENT_MAX], char *allow,
                                size_t allow_size);

#endif
