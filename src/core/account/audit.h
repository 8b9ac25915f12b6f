/*
 * audit.h — the append-only, tamper-evident audit trail.
 *
 * Each entry (seq, time, actor, action, object, detail) is written as canonical JSON
 * (sorted keys, compact, ASCII) together with the hash of the entry before it, and is
 * hashed with keyed BLAKE2b under a subkey of the database's key: nobody who lacks
 * the key file can forge a consistent chain, and anyone who has it can verify one.
 * The newest hash and sequence number are also kept in the meta table, with a keyed MAC
 * over them in a second meta value, so deleting the newest entries is detected too, even
 * when the head is rewritten to match (restoring a whole older copy of the database is
 * not). Entries hold ids, codes and field names only, never personal data.
 */
#ifndef QG_AUDIT_H
#define QG_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "core/account/actor.h"
#include "base/err.h"
#include "crypto/crypto.h"
#include "store/db.h"

/* Appends one entry inside the caller's write transaction, and records which
 * organisations it concerns (see audit_list). object is a case code, "user:ID", "org:ID",
 * "referral:REF", "agreement:ID" or NULL; detail is an object of ids and names (borrowed;
 * NULL means {}); a cross-organisation event names the other organisation in it
 * ("to_org", "from_org" or "orgs": [ids]). Returns QG_OK or a storage error, in which
 * case the caller's transaction must roll back. */
qg_code audit_append(db *conn, const qg_keys *keys, const qg_actor *actor, const char *action,
                     const char *object, json_t *detail, qg_error *err);

typedef struct {
    int64_t entries;   /* how many entries were checked */
    int64_t first_bad; /* seq of the first entry that fails, 0 when intact */
    char reason[128];  /* why it fails */
} audit_report;

/* Verifies the whole chain: contiguous sequence numbers, each entry's stored prev
 * equal to the previous hash, each hash recomputed, and the head recorded in meta.
 * Returns QG_OK having filled *report (first_bad = 0 when intact); a storage failure
 * is an error. */
qg_code audit_verify(db *conn, const qg_keys *keys, audit_report *report, qg_error *err);

/* audit_verify inside a read transaction of its own, so the rows and the recorded head
 * come from one snapshot: a server appending meanwhile does not look like tampering.
 * conn must not be inside a transaction. Same results as audit_verify. */
qg_code audit_verify_snapshot(db *conn, const qg_keys *keys, audit_report *report, qg_error *err);

/* Returns entries with seq > after, at most limit (1..500), oldest first, as a new
 * JSON array the caller owns (NULL with err filled on failure): every entry when org_id is
 * 0, else only those that concern organisation org_id (audit_orgs: the acting user's
 * organisation, the object's — an account, an organisation, a case, both sides of a
 * referral or an agreement — and the organisations the detail names in "org_id",
 * "from_org", "to_org" or the list "orgs"). */
json_t *audit_list(db *conn, int64_t org_id, int64_t after, int limit, qg_error *err);

/* As audit_list, but the newest first: entries with seq < before (every entry when before
 * is 0), at most limit, the highest seq first. Each entry of both listings also carries,
 * outside the hashed members, "actor_login" and "actor_name" (the acting account's; null
 * for the system or a name never given) and "object_label" (the login of a "user:ID"
 * object, the name of an "org:ID" one; else null). */
json_t *audit_list_recent(db *conn, int64_t org_id, int64_t before, int limit, qg_error *err);

#endif
