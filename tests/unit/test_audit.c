/*
 * test_audit.c — unit tests of src/core/account/audit.c on a bare database with a key file:
 * appending, the hash chain and its recorded head, verification of an intact trail,
 * detection of every kind of tampering (done on a connection with the protecting
 * triggers dropped), the triggers themselves, paging, and that an entry holds nothing
 * but what was passed in.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account/audit.h"
#include "support/tmpdir.h"

#define ENTRIES 5
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    char db_path[QGT_TMPDIR_MAX + 32];
    db *conn;
    qg_keys *keys, *other_keys;
} fixture;

static const qg_actor USER = {.user_id = 7, .org_id = 3, .role = ROLE_SUPERVISOR};

static void append(fixture *f, const qg_actor *a, const char *action, const char *object,
                   json_t *detail)
{
    qg_error err = {0};
    assert_int_equal(db_begin(f->conn, &err), QG_OK);
    assert_int_equal(audit_append(f->conn, f->keys, a, action, object, detail, &err), QG_OK);
    assert_int_equal(db_commit(f->conn, &err), QG_OK);
}

static int setup_empty(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_true(qgt_tmpdir_make("audit", f->dir, sizeof f->dir));
    char key[QGT_TMPDIR_MAX + 32], other[QGT_TMPDIR_MAX + 32];
    assert_true(qgt_tmpdir_path(f->dir, "test.db", f->db_path, sizeof f->db_path));
    assert_true(qgt_tmpdir_path(f->dir, "test.db.key", key, sizeof key));
    assert_true(qgt_tmpdir_path(f->dir, "other.key", other, sizeof other));
    qg_error err = {0};
    assert_int_equal(crypto_init(&err), QG_OK);
    assert_int_equal(keyfile_create(key, &err), QG_OK);
    assert_int_equal(keyfile_create(other, &err), QG_OK);
    assert_int_equal(keyfile_load(key, &f->keys, &err), QG_OK);
    assert_int_equal(keyfile_load(other, &f->other_keys, &err), QG_OK);
    assert_int_equal(db_open(f->db_path, true, &f->conn, &err), QG_OK);
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    *state = f;
    return 0;
}

/* A trail of ENTRIES entries: system and user actors, objects and details. */
static int setup_trail(void **state)
{
    setup_empty(state);
    fixture *f = *state;
    qg_actor sys = actor_system();
    json_t *d = json_pack("{s:s, s:s}", "type", "ngo", "region", "almaty");
    append(f, &sys, "org.create", "org:1", d);
    json_decref(d);
    append(f, &USER, "login", NULL, NULL);
    d = json_pack("{s:I, s:b}", "org_id", (json_int_t)3, "personal", 1);
    append(f, &USER, "case.create", "QG-ABCD-EFGH-JKMN-P", d);
    json_decref(d);
    d = json_pack("{s:[s, s]}", "fields", "stage", "sex");
    append(f, &USER, "case.update", "QG-ABCD-EFGH-JKMN-P", d);
    json_decref(d);
    append(f, &sys, "user.disable", "user:7", NULL);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->conn);
    keys_free(f->keys);
    keys_free(f->other_keys);
    qgt_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static audit_report verify(fixture *f, const qg_keys *keys)
{
    audit_report r;
    memset(&r, 0x5A, sizeof r); /* verify must fill it completely */
    qg_error err = {0};
    assert_int_equal(audit_verify(f->conn, keys, &r, &err), QG_OK);
    return r;
}

static void expect_intact(fixture *f, int64_t entries)
{
    audit_report r = verify(f, f->keys);
    if (r.first_bad != 0)
        fail_msg("trail reported broken at %lld: %s", (long long)r.first_bad, r.reason);
    assert_int_equal(r.entries, entries);
    assert_string_equal(r.reason, "");
}

static void expect_broken(fixture *f, int64_t first_bad, const char *reason_part)
{
    audit_report r = verify(f, f->keys);
    if (r.first_bad != first_bad)
        fail_msg("want first_bad %lld, got %lld (%s)", (long long)first_bad,
                 (long long)r.first_bad, r.reason);
    if (reason_part && !strstr(r.reason, reason_part))
        fail_msg("reason \"%s\" lacks \"%s\"", r.reason, reason_part);
}

/* Drops the append-only triggers, as an attacker with file access could. */
static void drop_triggers(fixture *f)
{
    qg_error err = {0};
    assert_int_equal(db_exec(f->conn, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete", &err),
                     QG_OK);
}

static void exec_ok(fixture *f, const char *sql)
{
    qg_error err = {0};
    if (db_exec(f->conn, sql, &err) != QG_OK)
        fail_msg("%s: %s", sql, err.message);
}

static char *column_text(fixture *f, const char *sql)
{
    qg_error err = {0};
    db_stmt *st = db_prepare(f->conn, sql, &err);
    assert_non_null(st);
    assert_int_equal(db_step(st, &err), 1);
    const char *t = db_col_text(st, 0);
    char *copy = t ? strdup(t) : NULL;
    db_done(st);
    return copy;
}

/* ---- appending and the chain ------------------------------------------------------ */

/* A trail always has a head (app_init_files writes the first entry); a database with
 * neither entries nor head does not verify, so emptying a trail is never "intact". */
static void test_empty_trail(void **state)
{
    fixture *f = *state;
    audit_report r = verify(f, f->keys);
    assert_int_equal(r.entries, 0);
    assert_int_equal(r.first_bad, 1);
    assert_non_null(strstr(r.reason, "head of the trail is missing"));
    json_t *list = NULL;
    qg_error err = {0};
    assert_non_null(list = audit_list(f->conn, 0, 0, 10, &err));
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    /* the first entry starts the chain */
    qg_actor sys = actor_system();
    append(f, &sys, "database.init", NULL, NULL);
    expect_intact(f, 1);
}

static void test_append_links_chain(void **state)
{
    fixture *f = *state;
    expect_intact(f, ENTRIES);
    qg_error err = {0};
    db_stmt *st = db_prepare(f->conn, "SELECT seq, prev, hash FROM audit ORDER BY seq", &err);
    char prev[QG_HASH_HEX] = GENESIS;
    int64_t seq = 0;
    while (db_step(st, &err) == 1) {
        assert_int_equal(db_col_int(st, 0), ++seq);
        assert_string_equal(db_col_text(st, 1), prev);
        const char *hash = db_col_text(st, 2);
        assert_int_equal(strlen(hash), QG_HASH_HEX - 1);
        assert_int_equal(strspn(hash, "0123456789abcdef"), QG_HASH_HEX - 1);
        assert_string_not_equal(hash, prev);
        snprintf(prev, sizeof prev, "%s", hash);
    }
    db_done(st);
    assert_int_equal(seq, ENTRIES);
    /* the head in meta names the newest entry */
    char head[128], want[128];
    assert_int_equal(db_meta_get(f->conn, "audit_head", head, sizeof head, &err), QG_OK);
    snprintf(want, sizeof want, "%d:%s", ENTRIES, prev);
    assert_string_equal(head, want);
    /* appending more keeps it intact */
    append(f, &USER, "logout", NULL, NULL);
    expect_intact(f, ENTRIES + 1);
}

static void test_append_stores_what_was_passed(void **state)
{
    fixture *f = *state;
    /* columns: the actor id (NULL for the system), action, object, canonical detail */
    char *detail = column_text(f, "SELECT detail FROM audit WHERE seq = 1");
    assert_string_equal(detail, "{\"region\":\"almaty\",\"type\":\"ngo\"}"); /* sorted, compact */
    free(detail);
    detail = column_text(f, "SELECT detail FROM audit WHERE seq = 2");
    assert_string_equal(detail, "{}");
    free(detail);
    char *actor = column_text(f, "SELECT actor FROM audit WHERE seq = 1");
    assert_null(actor);
    actor = column_text(f, "SELECT actor FROM audit WHERE seq = 2");
    assert_string_equal(actor, "7");
    free(actor);
    char *object = column_text(f, "SELECT object FROM audit WHERE seq = 2");
    assert_null(object);
    object = column_text(f, "SELECT object FROM audit WHERE seq = 3");
    assert_string_equal(object, "QG-ABCD-EFGH-JKMN-P");
    free(object);
    /* the organisation and role of the actor are not recorded unless passed */
    qg_error err = {0};
    json_t *list = audit_list(f->conn, 0, 0, 500, &err);
    assert_non_null(list);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        char *text = json_dumps(e, JSON_COMPACT);
        assert_null(strstr(text, "supervisor"));
        if (i != 2) /* only the third entry was given an org_id */
            assert_null(strstr(text, "org_id"));
        free(text);
        const char *key;
        json_t *v;
        int keys = 0;
        json_object_foreach(e, key, v) {
            keys++;
            assert_true(!strcmp(key, "seq") || !strcmp(key, "at") || !strcmp(key, "actor") ||
                        !strcmp(key, "action") || !strcmp(key, "object") ||
                        !strcmp(key, "detail") || !strcmp(key, "hash") ||
                        /* read beside the entry, never hashed: who and what by name */
                        !strcmp(key, "actor_login") || !strcmp(key, "actor_name") ||
                        !strcmp(key, "object_label"));
        }
        assert_int_equal(keys, 10);
    }
    json_decref(list);
}

static void test_detail_borrowed_and_exact(void **state)
{
    fixture *f = *state;
    json_t *d = json_pack("{s:s, s:i, s:[s]}", "zeta", "ü-ascii-escaped", "alpha", 1, "fields",
                          "given_name");
    size_t before = d->refcount;
    append(f, &USER, "personal.update", "QG-ABCD-EFGH-JKMN-P", d);
    assert_int_equal(d->refcount, before); /* borrowed: neither kept nor released */
    assert_int_equal(json_object_size(d), 3); /* and not changed */
    char *detail = column_text(f, "SELECT detail FROM audit WHERE seq = 1");
    assert_string_equal(detail, "{\"alpha\":1,\"fields\":[\"given_name\"],\"zeta\":\"\\u00FC-ascii-escaped\"}");
    free(detail);
    qg_error err = {0};
    json_t *list = audit_list(f->conn, 0, 0, 1, &err);
    json_t *stored = json_object_get(json_array_get(list, 0), "detail");
    assert_true(json_equal(stored, d));
    json_decref(list);
    json_decref(d);
    expect_intact(f, 1);
}

static void test_append_fails_without_schema(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_exec(f->conn, "DROP TABLE audit", &err), QG_OK);
    memset(&err, 0, sizeof err);
    assert_int_equal(audit_append(f->conn, f->keys, &USER, "login", NULL, NULL, &err), QG_EDB);
    assert_int_equal(err.code, QG_EDB);
    audit_report r;
    assert_int_equal(audit_verify(f->conn, f->keys, &r, &err), QG_EDB);
    assert_null(audit_list(f->conn, 0, 0, 10, &err));
}

/* ---- the triggers ------------------------------------------------------------------ */

static void test_triggers_refuse_changes(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    memset(&err, 0, sizeof err);
    assert_int_not_equal(db_exec(f->conn, "UPDATE audit SET action = 'x' WHERE seq = 2", &err), QG_OK);
    assert_int_equal(err.code, QG_ECONFLICT);
    assert_int_not_equal(db_exec(f->conn, "DELETE FROM audit WHERE seq = 5", &err), QG_OK);
    assert_int_not_equal(db_exec(f->conn, "DELETE FROM audit", &err), QG_OK);
    char *action = column_text(f, "SELECT action FROM audit WHERE seq = 2");
    assert_string_equal(action, "login");
    free(action);
    char *n = column_text(f, "SELECT count(*) FROM audit");
    assert_string_equal(n, "5");
    free(n);
    expect_intact(f, ENTRIES);
}

/* ---- tampering -------------------------------------------------------------------- */

static void test_altered_fields_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    const char *alterations[] = {
        "UPDATE audit SET action = 'case.read' WHERE seq = 3",
        "UPDATE audit SET actor = 8 WHERE seq = 3",
        "UPDATE audit SET actor = NULL WHERE seq = 3",
        "UPDATE audit SET object = 'QG-ZZZZ-ZZZZ-ZZZZ-Z' WHERE seq = 3",
        "UPDATE audit SET object = NULL WHERE seq = 3",
        "UPDATE audit SET detail = '{\"org_id\":4,\"personal\":true}' WHERE seq = 3",
        "UPDATE audit SET detail = 'not json' WHERE seq = 3",
        "UPDATE audit SET at = '2001-01-01T00:00:00Z' WHERE seq = 3",
    };
    for (size_t i = 0; i < sizeof alterations / sizeof alterations[0]; i++) {
        exec_ok(f, "SAVEPOINT tamper");
        exec_ok(f, alterations[i]);
        audit_report r = verify(f, f->keys);
        if (r.first_bad != 3)
            fail_msg("%s: first_bad %lld", alterations[i], (long long)r.first_bad);
        assert_non_null(strstr(r.reason, "does not match its hash"));
        exec_ok(f, "ROLLBACK TO tamper; RELEASE tamper");
    }
    expect_intact(f, ENTRIES); /* the undo restored it */
}

static void test_altered_link_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    /* a stored hash replaced: the entry fails, and so would the link of the next */
    exec_ok(f, "UPDATE audit SET hash = (SELECT hash FROM audit WHERE seq = 1) WHERE seq = 2");
    expect_broken(f, 2, "does not match its hash");
}

static void test_altered_prev_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    exec_ok(f, "UPDATE audit SET prev = '" GENESIS "' WHERE seq = 4");
    expect_broken(f, 4, "link to the previous entry");
}

static void test_deleted_middle_row_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    exec_ok(f, "DELETE FROM audit WHERE seq = 3");
    /* the missing entry is named */
    expect_broken(f, 3, "sequence gap");
}

static void test_deleted_first_row_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    exec_ok(f, "DELETE FROM audit WHERE seq = 1");
    expect_broken(f, 1, "sequence gap");
}

static void test_deleted_last_row_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    exec_ok(f, "DELETE FROM audit WHERE seq = 5");
    audit_report r = verify(f, f->keys);
    assert_int_equal(r.entries, ENTRIES - 1);
    assert_int_equal(r.first_bad, ENTRIES);
    assert_non_null(strstr(r.reason, "newest entries were deleted"));
}

static void test_deleted_everything_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    exec_ok(f, "DELETE FROM audit");
    audit_report r = verify(f, f->keys);
    assert_int_equal(r.entries, 0);
    assert_int_equal(r.first_bad, 1);
}

static void test_head_removed_or_altered_detected(void **state)
{
    fixture *f = *state;
    exec_ok(f, "SAVEPOINT tamper");
    exec_ok(f, "DELETE FROM meta WHERE key = 'audit_head'");
    expect_broken(f, ENTRIES, "head of the trail is missing");
    exec_ok(f, "ROLLBACK TO tamper; RELEASE tamper");
    exec_ok(f, "UPDATE meta SET value = '5:" GENESIS "' WHERE key = 'audit_head'");
    expect_broken(f, ENTRIES + 1, "head was altered");
}

/* Deleting the newest entry and moving the head back to match still fails: the head
 * carries a keyed MAC the forger cannot recompute. */
static void test_head_rewritten_after_delete_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    exec_ok(f, "DELETE FROM audit WHERE seq = 5;"
               "UPDATE meta SET value = '4:' || (SELECT hash FROM audit WHERE seq = 4)"
               " WHERE key = 'audit_head'");
    expect_broken(f, ENTRIES, "head was altered");
}

static void test_inserted_row_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    /* move entries 3..5 up by one and put a forged entry at 3, linked to entry 2 */
    exec_ok(f, "CREATE TEMP TABLE moved AS SELECT * FROM audit WHERE seq >= 3;"
               "DELETE FROM audit WHERE seq >= 3;"
               "INSERT INTO audit SELECT seq + 1, at, actor, action, object, detail, prev, hash"
               " FROM moved;"
               "INSERT INTO audit (seq, at, actor, action, object, detail, prev, hash)"
               " SELECT 3, '2024-01-01T00:00:00Z', 9, 'case.read', NULL, '{}', hash, hash"
               " FROM audit WHERE seq = 2;"
               "UPDATE meta SET value = '6:' || (SELECT hash FROM audit WHERE seq = 6)"
               " WHERE key = 'audit_head'");
    expect_broken(f, 3, "does not match its hash");
}

static void test_appended_forged_row_detected(void **state)
{
    fixture *f = *state;
    /* the triggers do not stop INSERT; a forger lacks the key to hash it right */
    exec_ok(f, "INSERT INTO audit (seq, at, actor, action, object, detail, prev, hash)"
               " SELECT 6, '2024-01-01T00:00:00Z', 9, 'logout', NULL, '{}', hash,"
               " '1111111111111111111111111111111111111111111111111111111111111111'"
               " FROM audit WHERE seq = 5");
    expect_broken(f, 6, "does not match its hash");
}

static void test_renumbered_row_detected(void **state)
{
    fixture *f = *state;
    drop_triggers(f);
    /* the rest of the chain still links, so only the number gives it away */
    exec_ok(f, "UPDATE audit SET seq = 0 WHERE seq = 1");
    expect_broken(f, 1, "sequence gap");
    exec_ok(f, "UPDATE audit SET seq = -4 WHERE seq = 0");
    expect_broken(f, 1, "sequence gap");
}

static void test_wrong_key_detected(void **state)
{
    fixture *f = *state;
    audit_report r = verify(f, f->other_keys);
    assert_int_equal(r.first_bad, 1);
    assert_int_equal(r.entries, ENTRIES);
    assert_non_null(strstr(r.reason, "does not match its hash"));
    expect_intact(f, ENTRIES); /* with the right key it is fine */
}

/* ---- listing ---------------------------------------------------------------------- */

static void test_list_paging(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    int64_t after = 0, seen = 0;
    int pages = 0;
    for (;;) {
        json_t *page = audit_list(f->conn, 0, after, 2, &err);
        assert_non_null(page);
        size_t n = json_array_size(page);
        assert_true(n <= 2);
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(page, i);
            int64_t seq = json_integer_value(json_object_get(e, "seq"));
            assert_int_equal(seq, after + 1); /* oldest first, no gaps, no repeats */
            after = seq;
            seen++;
        }
        json_decref(page);
        pages++;
        if (n < 2)
            break;
    }
    assert_int_equal(seen, ENTRIES);
    assert_int_equal(pages, 3);
    json_t *tail = audit_list(f->conn, 0, 4, 500, &err);
    assert_int_equal(json_array_size(tail), 1);
    json_t *last = json_array_get(tail, 0);
    assert_string_equal(json_string_value(json_object_get(last, "action")), "user.disable");
    assert_true(json_is_null(json_object_get(last, "actor")));
    assert_string_equal(json_string_value(json_object_get(last, "object")), "user:7");
    assert_true(json_is_object(json_object_get(last, "detail")));
    assert_int_equal(json_object_size(json_object_get(last, "detail")), 0);
    assert_int_equal(strlen(json_string_value(json_object_get(last, "hash"))), QG_HASH_HEX - 1);
    assert_int_equal(strlen(json_string_value(json_object_get(last, "at"))), 20);
    json_decref(tail);
    json_t *user_entry = audit_list(f->conn, 0, 1, 1, &err);
    json_t *e = json_array_get(user_entry, 0);
    assert_int_equal(json_integer_value(json_object_get(e, "actor")), 7);
    assert_true(json_is_null(json_object_get(e, "object")));
    json_decref(user_entry);
    json_t *none = audit_list(f->conn, 0, ENTRIES, 10, &err);
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_trail, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_append_links_chain, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_append_stores_what_was_passed, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_detail_borrowed_and_exact, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_append_fails_without_schema, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_triggers_refuse_changes, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_altered_fields_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_altered_link_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_altered_prev_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_middle_row_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_first_row_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_last_row_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_everything_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_head_removed_or_altered_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_head_rewritten_after_delete_detected, setup_trail,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_inserted_row_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_appended_forged_row_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_renumbered_row_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_detected, setup_trail, teardown),
        cmocka_unit_test_setup_teardown(test_list_paging, setup_trail, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
