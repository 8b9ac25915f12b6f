/* audit.c — appending to and verifying the hash-chained audit trail (see audit.h). */
#include "core/account/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "core/common/json_text.h"
#include "core/common/rows.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)

typedef struct {
    int64_t seq;
    const char *at;
    int64_t actor; /* 0 = system */
    const char *action;
    const char *object; /* may be NULL */
    const char *detail; /* canonical JSON text */
    const char *prev;
} entry_view;

/* True when detail, parsed from text that json_dumps wrote with DUMP_FLAGS, gives that
 * text back. jansson's parser can drop a character when an allocation fails and still
 * return a value (akheron/jansson#362); a new entry hashed over such a value could
 * never be verified. */
static bool parsed_intact(json_t *detail, const char *text)
{
    char *again = qg_json_dumps(detail, DUMP_FLAGS);
    bool same = again && strcmp(again, text) == 0;
    free(again);
    return same;
}

/* The canonical text that is hashed: every field of the entry and the previous hash.
 * fresh: the entry is being written now, so its detail must parse back intact. */
static char *canonical(const entry_view *e, bool fresh)
{
    json_t *detail = qg_json_loads(e->detail, JSON_REJECT_DUPLICATES, NULL);
    if (detail && fresh && !parsed_intact(detail, e->detail)) {
        json_decref(detail);
        return NULL;
    }
    if (!detail)
        return NULL;
    json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:s}", "seq", (json_int_t)e->seq, "at",
                          e->at, "actor", e->actor ? json_integer(e->actor) : json_null(),
                          "action", e->action, "object",
                          e->object ? json_string(e->object) : json_null(), "detail", detail,
                          "prev", e->prev);
    if (!o)
        return NULL;
    char *text = qg_json_dumps(o, DUMP_FLAGS);
    json_decref(o);
    return text;
}

static qg_code entry_hash(const qg_keys *keys, const entry_view *e, bool fresh,
                          char out[QG_HASH_HEX], qg_error *err)
{
    char *text = canonical(e, fresh);
    if (!text)
        return qg_fail(err, QG_EDB, "audit", "storage.failure",
                       "audit entry %" PRId64 " cannot be encoded", e->seq);
    crypto_lookup_hash(keys, "audit", text, out);
    free(text);
    return QG_OK;
}

static qg_code read_head(db *conn, int64_t *seq, char prev[QG_HASH_HEX], qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", err);
    if (!st)
        return err->code;
    int rc = db_step(st, err);
    *seq = 0;
    snprintf(prev, QG_HASH_HEX, "%s", GENESIS);
    if (rc == 1) {
        *seq = db_col_int(st, 0);
        snprintf(prev, QG_HASH_HEX, "%s", db_col_text(st, 1));
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static qg_code insert_entry(db *conn, const entry_view *e, const char *hash, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn,
                   "INSERT INTO audit (seq, at, actor, action, object, detail, prev, hash)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, e->seq);
    db_bind_text(st, 2, e->at);
    db_bind_id_or_null(st, 3, e->actor);
    db_bind_text(st, 4, e->action);
    db_bind_text(st, 5, e->object);
    db_bind_text(st, 6, e->detail);
    db_bind_text(st, 7, e->prev);
    db_bind_text(st, 8, hash);
    return db_run(st, err);
}

#define HEAD_MAX (QG_HASH_HEX + 32)

/* The head of the trail is kept in meta twice: "audit_head" = "SEQ:HASH" and
 * "audit_head_mac" = a keyed MAC of that text, so whoever lacks the key cannot move the
 * head back after deleting the newest entries. */
static void head_text(const qg_keys *keys, int64_t seq, const char *hash, char out[HEAD_MAX],
                      char mac[QG_HASH_HEX])
{
    snprintf(out, HEAD_MAX, "%" PRId64 ":%s", seq, hash);
    crypto_lookup_hash(keys, "audit-head", out, mac);
}

static qg_code record_head(db *conn, const qg_keys *keys, int64_t seq, const char *hash,
                           qg_error *err)
{
    char head[HEAD_MAX], mac[QG_HASH_HEX];
    head_text(keys, seq, hash, head, mac);
    qg_code c = db_meta_set(conn, "audit_head", head, err);
    return c == QG_OK ? db_meta_set(conn, "audit_head_mac", mac, err) : c;
}

/* Records that entry seq concerns organisation org_id (none when org_id <= 0; nor one
 * that does not exist). The CAST types the selected parameter for PostgreSQL. */
static qg_code attribute(db *conn, int64_t seq, int64_t org_id, qg_error *err)
{
    if (org_id <= 0)
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO audit_orgs (seq, org_id)"
                             " SELECT CAST(? AS BIGINT), id FROM orgs WHERE id = ?"
                             " ON CONFLICT DO NOTHING",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, seq);
    db_bind_int(st, 2, org_id);
    return db_run(st, err);
}

/* Records that entry seq concerns the organisations (at most two) that sql finds for key:
 * text bound to each of its params parameters, or with id > 0 that id instead. */
static qg_code attribute_by(db *conn, int64_t seq, const char *sql, int params, const char *key,
                            int64_t id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, sql, err);
    if (!st)
        return err->code;
    for (int i = 1; i <= params; i++) {
        if (id > 0)
            db_bind_int(st, i, id);
        else
            db_bind_text(st, i, key);
    }
    int rc;
    int64_t found[2] = {0, 0};
    for (int n = 0; n < 2 && (rc = db_step(st, err)) == 1; n++)
        found[n] = db_col_int(st, 0);
    db_done(st);
    if (rc < 0)
        return err->code;
    qg_code c = attribute(conn, seq, found[0], err);
    return c == QG_OK ? attribute(conn, seq, found[1], err) : c;
}

/* The id after a prefix ("user:12" → 12), or 0 when the rest is not a positive number. */
static int64_t object_id(const char *text)
{
    char *end = NULL;
    long long id = strtoll(text, &end, 10);
    return end && end != text && *end == '\0' && id > 0 ? (int64_t)id : 0;
}

/* The organisation of the account user (0: none). */
static qg_code attribute_user(db *conn, int64_t seq, int64_t user, qg_error *err)
{
    if (user <= 0)
        return QG_OK;
    return attribute_by(conn, seq, "SELECT org_id FROM users WHERE id = ?", 1, NULL, user, err);
}

/* Both sides of the referral ref. */
static qg_code attribute_referral(db *conn, int64_t seq, const char *ref, qg_error *err)
{
    return attribute_by(conn, seq,
                        "SELECT from_org FROM referrals WHERE ref = ? UNION"
                        " SELECT to_org FROM referrals WHERE ref = ? AND to_org IS NOT NULL",
                        2, ref, 0, err);
}

/* The organisation of the entry's object: an account, an organisation, a case, a
 * referral (both sides), an agreement (both parties). */
static qg_code attribute_object(db *conn, int64_t seq, const char *object, qg_error *err)
{
    if (!object)
        return QG_OK;
    if (strncmp(object, "user:", 5) == 0)
        return attribute_user(conn, seq, object_id(object + 5), err);
    if (strncmp(object, "org:", 4) == 0)
        return attribute(conn, seq, object_id(object + 4), err);
    if (strncmp(object, "referral:", 9) == 0)
        return attribute_referral(conn, seq, object + 9, err);
    if (strncmp(object, "agreement:", 10) == 0)
        return object_id(object + 10) > 0
                   ? attribute_by(conn, seq,
                                  "SELECT org_a FROM agreements WHERE id = ? UNION"
                                  " SELECT org_b FROM agreements WHERE id = ?",
                                  2, NULL, object_id(object + 10), err)
                   : QG_OK;
    return attribute_by(conn, seq, "SELECT org_id FROM cases WHERE code = ?", 1, object, 0, err);
}

/* The organisations the detail names: "org_id", "from_org", "to_org", the list "orgs"
 * (the break-the-glass entries name the holder's and the requester's), both sides of the
 * referral "ref", and the organisation of the account "user_id" (a failed login). */
static qg_code attribute_detail(db *conn, int64_t seq, json_t *detail, qg_error *err)
{
    static const char *const keys[] = {"org_id", "from_org", "to_org"};
    const char *ref = json_string_value(json_object_get(detail, "ref"));
    qg_code c = ref ? attribute_referral(conn, seq, ref, err) : QG_OK;
    if (c == QG_OK) /* a failed login's account */
        c = attribute_user(conn, seq, json_integer_value(json_object_get(detail, "user_id")), err);
    for (size_t i = 0; c == QG_OK && i < sizeof keys / sizeof keys[0]; i++)
        c = attribute(conn, seq, json_integer_value(json_object_get(detail, keys[i])), err);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(detail, "orgs"), i, v) {
        if (c == QG_OK)
            c = attribute(conn, seq, json_integer_value(v), err);
    }
    return c;
}

/* Writes which organisations entry e concerns (audit_orgs): the acting user's, the
 * object's and those the detail names. Not part of the hashed entry: all of it follows
 * from what is (the actor, the object, the detail) and the rows they name. */
static qg_code attribute_entry(db *conn, const entry_view *e, json_t *detail, qg_error *err)
{
    qg_code c = attribute_user(conn, e->seq, e->actor, err);
    if (c == QG_OK)
        c = attribute_object(conn, e->seq, e->object, err);
    return c == QG_OK ? attribute_detail(conn, e->seq, detail, err) : c;
}

qg_code audit_append(db *conn, const qg_keys *keys, const qg_actor *actor, const char *action,
                     const char *object, json_t *detail, qg_error *err)
{
    char prev[QG_HASH_HEX], at[21], hash[QG_HASH_HEX];
    int64_t last;
    qg_code c = read_head(conn, &last, prev, err);
    if (c != QG_OK)
        return c;
    char *detail_text = detail ? qg_json_dumps(detail, DUMP_FLAGS) : qg_strdup("{}");
    if (!detail_text)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    db_now_iso(at);
    entry_view e = {.seq = last + 1, .at = at, .actor = actor->user_id, .action = action,
                    .object = object, .detail = detail_text, .prev = prev};
    c = entry_hash(keys, &e, true, hash, err);
    if (c == QG_OK)
        c = insert_entry(conn, &e, hash, err);
    if (c == QG_OK)
        c = attribute_entry(conn, &e, detail, err);
    if (c == QG_OK)
        c = record_head(conn, keys, e.seq, hash, err);
    free(detail_text);
    return c;
}

static void mark_bad(audit_report *r, int64_t seq, const char *why)
{
    if (r->first_bad)
        return;
    r->first_bad = seq > 0 ? seq : 1; /* a seq of 0 or less sorts first; 0 would read "intact" */
    snprintf(r->reason, sizeof r->reason, "%s", why);
}

static void check_row(db_stmt *st, const qg_keys *keys, audit_report *r, char prev[QG_HASH_HEX],
                      qg_error *err)
{
    entry_view e = {.seq = db_col_int(st, 0), .at = db_col_text(st, 1),
                    .actor = db_col_int(st, 2), .action = db_col_text(st, 3),
                    .object = db_col_text(st, 4), .detail = db_col_text(st, 5),
                    .prev = db_col_text(st, 6)};
    const char *stored = db_col_text(st, 7);
    char hash[QG_HASH_HEX];
    r->entries++;
    if (e.seq != r->entries) { /* name the missing entry, or the one out of place */
        mark_bad(r, e.seq > r->entries ? r->entries : e.seq,
                 "sequence gap: an entry was deleted or inserted");
    } else if (!e.at || !e.action || !e.detail || !e.prev || !stored) {
        mark_bad(r, e.seq, "entry has missing fields");
    } else if (strcmp(e.prev, prev) != 0) {
        mark_bad(r, e.seq, "link to the previous entry is broken");
    } else if (entry_hash(keys, &e, false, hash, err) != QG_OK || strcmp(hash, stored) != 0) {
        mark_bad(r, e.seq, "entry content does not match its hash");
    }
    snprintf(prev, QG_HASH_HEX, "%s", stored ? stored : "");
}

static void check_head(db *conn, const qg_keys *keys, audit_report *r, const char *last_hash)
{
    char head[HEAD_MAX], expect[HEAD_MAX], mac[QG_HASH_HEX + 8], expect_mac[QG_HASH_HEX];
    qg_error ignored = {0};
    if (db_meta_get(conn, "audit_head", head, sizeof head, &ignored) != QG_OK) {
        /* Every database starts its trail at init, so there is always a head. */
        mark_bad(r, r->entries > 0 ? r->entries : 1, "recorded head of the trail is missing");
        return;
    }
    head_text(keys, r->entries, last_hash, expect, expect_mac);
    if (strcmp(head, expect) != 0 ||
        db_meta_get(conn, "audit_head_mac", mac, sizeof mac, &ignored) != QG_OK ||
        strcmp(mac, expect_mac) != 0)
        mark_bad(r, r->entries + 1, "newest entries were deleted or the head was altered");
}

qg_code audit_verify(db *conn, const qg_keys *keys, audit_report *report, qg_error *err)
{
    memset(report, 0, sizeof *report);
    db_stmt *st = db_prepare(conn,
                             "SELECT seq, at, actor, action, object, detail, prev, hash"
                             " FROM audit ORDER BY seq",
                             err);
    if (!st)
        return err->code;
    char prev[QG_HASH_HEX] = GENESIS;
    int rc;
    while ((rc = db_step(st, err)) == 1)
        check_row(st, keys, report, prev, err);
    db_done(st);
    if (rc < 0)
        return err->code;
    check_head(conn, keys, report, prev);
    return QG_OK;
}

qg_code audit_verify_snapshot(db *conn, const qg_keys *keys, audit_report *report, qg_error *err)
{
    memset(report, 0, sizeof *report);
    qg_code c = db_begin_read(conn, err);
    if (c != QG_OK)
        return c;
    c = audit_verify(conn, keys, report, err);
    db_rollback(conn);
    return c;
}

/* A JSON string of column i, or null. */
static json_t *text_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* An entry as the listing reads it (the columns of LIST_COLUMNS): its stored members, and
 * beside them, never hashed, the acting account's login and name and a label for the
 * object (an account's login, an organisation's name; null when not resolvable). */
static json_t *row_json(db_stmt *st)
{
    json_t *detail = qg_json_loads(db_col_text(st, 5), 0, NULL);
    json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:s}", "seq",
                          (json_int_t)db_col_int(st, 0), "at", db_col_text(st, 1), "actor",
                          db_col_null(st, 2) ? json_null() : json_integer(db_col_int(st, 2)),
                          "action", db_col_text(st, 3), "object", text_or_null(st, 4), "detail",
                          detail ? detail : json_object(), "hash", db_col_text(st, 7));
    json_object_set_new(o, "actor_login", text_or_null(st, 8));
    json_object_set_new(o, "actor_name", text_or_null(st, 9));
    json_object_set_new(o, "object_label",
                        db_col_null(st, 10) ? text_or_null(st, 11) : text_or_null(st, 10));
    return o;
}

/* The listing's columns and joins: the entry, the acting account (null for the system),
 * the account or organisation the object names ("user:ID", "org:ID"; CASE keeps the cast
 * off every other object, a case code among them). Each join is by primary key. */
#define LIST_COLUMNS                                                                         \
    "SELECT a.seq, a.at, a.actor, a.action, a.object, a.detail, a.prev, a.hash, u.login,"   \
    " u.name, ou.login, oo.name"
#define LIST_JOINS                                                                           \
    " LEFT JOIN users u ON u.id = a.actor"                                                   \
    " LEFT JOIN users ou ON ou.id = CASE WHEN a.object LIKE 'user:%'"                       \
    " THEN CAST(substr(a.object, 6) AS BIGINT) END"                                          \
    " LEFT JOIN orgs oo ON oo.id = CASE WHEN a.object LIKE 'org:%'"                         \
    " THEN CAST(substr(a.object, 5) AS BIGINT) END"

/* Binds the three parameters every listing takes and collects its rows. */
static json_t *list_rows(db_stmt *st, int64_t cursor, int64_t org_id, int limit, qg_error *err)
{
    if (!st)
        return NULL;
    db_bind_int(st, 1, cursor);
    db_bind_int(st, 2, org_id);
    db_bind_int(st, 3, limit);
    return rows_collect(st, row_json, err);
}

json_t *audit_list(db *conn, int64_t org_id, int64_t after, int limit, qg_error *err)
{
    if (org_id > 0)
        return list_rows(db_prepare(conn,
                                    LIST_COLUMNS " FROM audit_orgs o JOIN audit a ON a.seq = o.seq"
                                                 LIST_JOINS " WHERE o.seq > ? AND o.org_id = ?"
                                                 " ORDER BY o.seq LIMIT ?",
                                    err),
                         after, org_id, limit, err);
    /* the same parameters; the organisation's is always true */
    return list_rows(db_prepare(conn,
                                LIST_COLUMNS " FROM audit a" LIST_JOINS
                                             " WHERE a.seq > ? AND ? = 0 ORDER BY a.seq LIMIT ?",
                                err),
                     after, org_id, limit, err);
}

json_t *audit_list_recent(db *conn, int64_t org_id, int64_t before, int limit, qg_error *err)
{
    int64_t below = before > 0 ? before : INT64_MAX;
    if (org_id > 0)
        return list_rows(db_prepare(conn,
                                    LIST_COLUMNS " FROM audit_orgs o JOIN audit a ON a.seq = o.seq"
                                                 LIST_JOINS " WHERE o.seq < ? AND o.org_id = ?"
                                                 " ORDER BY o.seq DESC LIMIT ?",
                                    err),
                         below, org_id, limit, err);
    return list_rows(db_prepare(conn,
                                LIST_COLUMNS " FROM audit a" LIST_JOINS " WHERE a.seq < ? AND ? = 0"
                                             " ORDER BY a.seq DESC LIMIT ?",
                                err),
                     below, org_id, limit, err);
}
