/* limit.c — failure limits kept in the database, shared by every server process (see
 * limit.h). */
#include "core/account/limit.h"

#include <stdio.h>

void limit_key(const qg_keys *keys, const char *kind, const char *value, char out[QG_HASH_HEX])
{
    char text[1200];
    snprintf(text, sizeof text, "%s:%s", kind, value ? value : "");
    crypto_lookup_hash(keys, "limit", text, out);
}

void limit_addr_key(const qg_keys *keys, const char *kind, const char *client_addr,
                    char out[QG_HASH_HEX])
{
    char text[96];
    throttle_addr_key(kind, client_addr ? client_addr : "", text, sizeof text);
    crypto_lookup_hash(keys, "limit", text, out);
}

typedef struct {
    bool found;
    int64_t failures, window_start, blocked_until;
} counter;

static qg_code read_counter(db *conn, const char *key, counter *c, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT failures, window_start, blocked_until FROM limit_failures"
                             " WHERE hash = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, key);
    int rc = db_step(st, err);
    *c = (counter){.found = rc == 1};
    if (rc == 1) {
        c->failures = db_col_int(st, 0);
        c->window_start = db_col_int(st, 1);
        c->blocked_until = db_col_int(st, 2);
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static int remaining(int64_t blocked_until, int64_t now)
{
    return blocked_until > now ? (int)(blocked_until - now) : 0;
}

/* *wait gets, when slots or more rows are blocked at now (no new key could be recorded),
 * the seconds until the first block ends; otherwise 0. */
static qg_code table_full_for(db *conn, int64_t now, int slots, int *wait, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT count(*), min(blocked_until) FROM limit_failures"
                             " WHERE blocked_until > ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, now);
    int rc = db_step(st, err);
    *wait = rc == 1 && db_col_int(st, 0) >= slots ? remaining(db_col_int(st, 1), now) : 0;
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

qg_code limit_blocked(db *conn, const char *key, int64_t now, int slots, int *wait,
                      qg_error *err)
{
    counter c;
    *wait = 0;
    qg_code rc = read_counter(conn, key, &c, err);
    if (rc != QG_OK)
        return rc;
    if (c.found) {
        *wait = remaining(c.blocked_until, now);
        return QG_OK;
    }
    return table_full_for(conn, now, slots, wait, err);
}

/* Makes room for one more row when the table holds slots rows: forgets the unblocked key
 * idle the longest. *room is false when every row is blocked. */
static qg_code make_room(db *conn, int64_t now, int slots, bool *room, qg_error *err)
{
    *room = true;
    db_stmt *st = db_prepare(conn, "SELECT count(*) FROM limit_failures", err);
    if (!st)
        return err->code;
    int rc = db_step(st, err);
    int64_t rows = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc < 0)
        return err->code;
    if (rows < slots)
        return QG_OK;
    st = db_prepare(conn,
                    "DELETE FROM limit_failures WHERE hash = (SELECT hash FROM limit_failures"
                    " WHERE blocked_until <= ? ORDER BY last_seen LIMIT 1)",
                    err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, now);
    qg_code c = db_run(st, err);
    *room = c == QG_OK && db_changes(conn) > 0;
    return c;
}

static qg_code write_counter(db *conn, const char *key, const counter *c, int64_t now,
                             qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO limit_failures (hash, failures, window_start,"
                             " blocked_until, last_seen) VALUES (?, ?, ?, ?, ?)"
                             " ON CONFLICT (hash) DO UPDATE SET failures = excluded.failures,"
                             " window_start = excluded.window_start,"
                             " blocked_until = excluded.blocked_until,"
                             " last_seen = excluded.last_seen",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, c->failures);
    db_bind_int(st, 3, c->window_start);
    db_bind_int(st, 4, c->blocked_until);
    db_bind_int(st, 5, now);
    return db_run(st, err);
}

qg_code limit_fail(db *conn, const char *key, int64_t now, const throttle_rule *rule, int slots,
                   int *wait, qg_error *err)
{
    counter c;
    *wait = 0;
    qg_code rc = read_counter(conn, key, &c, err);
    if (rc == QG_OK && !c.found) {
        bool room = false;
        rc = make_room(conn, now, slots, &room, err);
        if (rc == QG_OK && !room) { /* no room without forgetting a block: fail closed */
            *wait = rule->block_s;
            return QG_OK;
        }
    }
    if (rc != QG_OK)
        return rc;
    if (now - c.window_start >= rule->window_s) {
        c.window_start = now;
        c.failures = 0;
    }
    c.failures++;
    if (c.failures >= rule->max_failures)
        c.blocked_until = now + rule->block_s;
    rc = write_counter(conn, key, &c, now, err);
    if (rc == QG_OK)
        *wait = remaining(c.blocked_until, now);
    return rc;
}

qg_code limit_reset(db *conn, const char *key, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "DELETE FROM limit_failures WHERE hash = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, key);
    return db_run(st, err);
}
