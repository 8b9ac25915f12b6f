/*
 * home_impl.h — what the two files of the home summary share (home.c composes the
 * blocks; home_read.c counts the work on a reading connection). Private to the room.
 */
#ifndef QG_HOME_IMPL_H
#define QG_HOME_IMPL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/account/actor.h"
#include "store/db.h"

/* What one reading of the counts works with. */
typedef struct {
    const qg_actor *actor;
    bool counts_only;  /* only the numbers the navigation shows */
    char today[11];    /* YYYY-MM-DD */
    char horizon[11];  /* the last day "due" covers: today + HOME_DUE_DAYS */
    char week_ago[11]; /* the first day "recent" covers: today - 7 */
    json_t *out;       /* the summary being filled (borrowed) */
} home_ctx;

/* The counts of the work in the actor's reach, as blocks of ctx->out: an app_read_fn
 * (arg: a home_ctx). Every block is present only when the policy lets the actor do
 * the work it counts; a case the actor may not read is never counted. */
qg_code home_read_counts(db *conn, void *arg, qg_error *err);

#endif
