/*
 * test_referral.c — the rules of referrals (core/referral.h) without a server: the state
 * machine for every status and action, allowed and refused; the checks of create and
 * transition bodies (each error names its field and repeats nothing); references and
 * reply codes (format, parsing as typed); the urlencoded form reader and the HTML
 * escaping the public page and the sheet rely on; and the snapshot builder on a real
 * app in a temporary directory, fed a case with a canary in every field a referral must
 * not carry: for each part alone and for all of them, the snapshot holds exactly the
 * chosen parts, each part exactly its fields, and no canary.
 *
 * Nothing the snapshot returns is printed: it holds (made-up) personal data.
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

#include "core/account/account.h"
#include "core/instance/app_open.h"
#include "core/case/case.h"
#include "core/common/html.h"
#include "core/case/iin.h"
#include "core/referral/referral.h"
#include "core/common/sealed.h"
#include "core/vocab/vocab.h"
#include "http/urlform.h"
#include "support/tmpdir.h"

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!v)
        fail_msg("bad test JSON: %s", e.text);
    return v;
}

/* ---- the state machine ----------------------------------------------------------------- */

static void test_state_machine(void **state)
{
    (void)state;
    static const char *const statuses[] = {"sent", "accepted", "declined", "in_service",
                                           "completed", "not_completed", "cancelled"};
    /* want[status][action]: the new status, or NULL when refused */
    static const char *const want[7][REF_ACTION_COUNT] = {
        /* accept, decline, start, complete, not_complete, cancel */
        {"accepted", "declined", NULL, NULL, NULL, "cancelled"},              /* sent */
        {NULL, NULL, "in_service", NULL, NULL, "cancelled"},                  /* accepted */
        {NULL, NULL, NULL, NULL, NULL, NULL},                                 /* declined */
        {NULL, NULL, NULL, "completed", "not_completed", "cancelled"},        /* in_service */
        {NULL, NULL, NULL, NULL, NULL, NULL},                                 /* completed */
        {NULL, NULL, NULL, NULL, NULL, NULL},                                 /* not_completed */
        {NULL, NULL, NULL, NULL, NULL, NULL},                                 /* cancelled */
    };
    assert_int_equal(VOCAB_REFERRAL_STATUS.count, 7);
    for (size_t s = 0; s < 7; s++) {
        assert_true(vocab_has(&VOCAB_REFERRAL_STATUS, statuses[s]));
        assert_int_equal(referral_status_open(statuses[s]), s == 0 || s == 1 || s == 3);
        for (int a = 0; a < REF_ACTION_COUNT; a++) {
            const char *to = "unset";
            qg_error err = {0};
            qg_code c = referral_next_status(statuses[s], (referral_action)a, &to, &err);
            if (want[s][a]) {
                if (c != QG_OK || strcmp(to, want[s][a]) != 0)
                    fail_msg("%s --%s--> should be %s", statuses[s], referral_action_name((referral_action)a),
                             want[s][a]);
                assert_true(vocab_has(&VOCAB_REFERRAL_STATUS, to));
            } else {
                if (c != QG_ECONFLICT)
                    fail_msg("%s --%s--> should be refused", statuses[s], referral_action_name((referral_action)a));
                assert_string_equal(err.field, "status");
                assert_null(to);
            }
        }
    }
    qg_error err = {0};
    const char *to = NULL;
    assert_int_equal(referral_next_status("oydan", REF_ACCEPT, &to, &err), QG_ECONFLICT);
    assert_int_equal(referral_next_status(NULL, REF_ACCEPT, &to, &err), QG_ECONFLICT);
}

static void test_actions(void **state)
{
    (void)state;
    referral_action a;
    assert_true(referral_action_parse("not-complete", &a));
    assert_int_equal(a, REF_NOT_COMPLETE);
    assert_true(referral_action_parse("not_complete", &a));
    assert_int_equal(a, REF_NOT_COMPLETE);
    assert_string_equal(referral_action_name(a), "not_complete");
    for (int i = 0; i < REF_ACTION_COUNT; i++) {
        assert_true(referral_action_parse(referral_action_name((referral_action)i), &a));
        assert_int_equal(a, i);
        assert_int_equal(referral_action_by_sender(a), a == REF_CANCEL);
    }
    assert_false(referral_action_parse("Accept", &a));
    assert_false(referral_action_parse("", &a));
    assert_false(referral_action_parse(NULL, &a));
}

/* ---- bodies ------------------------------------------------------------------------------- */

static void create_refused(const char *body, const char *field, const char *not_echoed)
{
    json_t *b = J(body);
    char respond_by[11] = "";
    qg_error err = {0};
    qg_code c = referral_check_create(b, "2025-06-10", respond_by, &err);
    json_decref(b);
    if (c != QG_EINVAL || strcmp(err.field, field) != 0)
        fail_msg("want 400 naming %s, got %d naming %s", field, c, err.field);
    if (not_echoed)
        assert_null(strstr(err.message, not_echoed));
}

static void create_ok(const char *body, const char *want_respond_by)
{
    json_t *b = J(body);
    char respond_by[11] = "";
    qg_error err = {0};
    qg_code c = referral_check_create(b, "2025-06-10", respond_by, &err);
    json_decref(b);
    if (c != QG_OK)
        fail_msg("refused, naming %s: %s", err.field, err.message);
    assert_string_equal(respond_by, want_respond_by);
}

static void test_create_body(void **state)
{
    (void)state;
    create_ok("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"]}", "2025-06-15"); /* + 5 days */
    create_ok("{\"service\":\"shelter_24h\",\"to_org\":3,\"parts\":[\"identity\",\"contact\",\"assessment\","
              "\"safety_plan\",\"profile\",\"needs\",\"languages\"],\"respond_by\":\"2025-06-10\","
              "\"note\":\"line one\\nline two\",\"emergency_reason\":\"x\"}",
              "2025-06-10");
    create_ok("{\"service\":\"education\",\"to_name\":\"School No. 12\",\"parts\":[\"profile\",\"needs\"],"
              "\"respond_by\":\"2025-09-08\"}",
              "2025-09-08"); /* 90 days ahead */
    /* assessment and safety plan go with any service (with consent) */
    create_ok("{\"service\":\"food_clothing\",\"to_org\":3,\"parts\":[\"assessment\",\"safety_plan\"]}", "2025-06-15");
    create_refused("[]", "body", NULL);
    create_refused("{\"to_org\":3,\"parts\":[\"profile\"]}", "service", NULL);
    create_refused("{\"service\":\"Oydan\",\"to_org\":3,\"parts\":[\"profile\"]}", "service", "Oydan");
    create_refused("{\"service\":\"legal\",\"parts\":[\"profile\"]}", "to_org", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"to_name\":\"x\",\"parts\":[\"profile\"]}", "to_name", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":0,\"parts\":[\"profile\"]}", "to_org", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":true,\"parts\":[\"profile\"]}", "to_org", NULL);
    create_refused("{\"service\":\"legal\",\"to_name\":\"\",\"parts\":[\"profile\"]}", "to_name", NULL);
    create_refused("{\"service\":\"legal\",\"to_name\":\"two\\nlines\",\"parts\":[\"profile\"]}", "to_name", "two");
    create_refused("{\"service\":\"legal\",\"to_org\":3}", "parts", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":\"profile\"}", "parts", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[]}", "parts", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\",7]}", "parts[1]", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\",\"Oydanbolik\"]}", "parts[1]",
                   "Oydanbolik");
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"needs\",\"profile\",\"needs\"]}", "parts[2]",
                   NULL);
    create_refused("{\"service\":\"food_clothing\",\"to_org\":3,\"parts\":[\"profile\",\"identity\"]}", "parts[1]",
                   NULL);
    create_refused("{\"service\":\"social_assistance\",\"to_org\":3,\"parts\":[\"contact\"]}", "parts[0]", NULL);
    create_refused("{\"service\":\"education\",\"to_name\":\"School\",\"parts\":[\"identity\"]}", "parts[0]", NULL);
    create_refused("{\"service\":\"education\",\"to_name\":\"School\",\"parts\":[\"needs\",\"safety_plan\"]}",
                   "parts[1]", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"respond_by\":\"2025-06-09\"}",
                   "respond_by", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"respond_by\":\"2025-09-09\"}",
                   "respond_by", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"respond_by\":\"2025-02-30\"}",
                   "respond_by", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"note\":7}", "note", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"emergency_reason\":\"\"}",
                   "emergency_reason", NULL);
    create_refused("{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"Oydankilt\":1}", "body", "Oydankilt");
    char body[4200], long_note[2002];
    memset(long_note, 'q', 2001);
    long_note[2001] = '\0';
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"note\":\"%s\"}",
             long_note);
    create_refused(body, "note", long_note);
    long_note[2000] = '\0';
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":3,\"parts\":[\"profile\"],\"note\":\"%s\"}",
             long_note);
    create_ok(body, "2025-06-15");
}

static qg_code transition(const char *body, referral_action a, qg_error *err)
{
    json_t *b = J(body);
    qg_code c = referral_check_transition(b, a, err);
    json_decref(b);
    return c;
}

static void test_transition_body(void **state)
{
    (void)state;
    qg_error err = {0};
    assert_int_equal(transition("{}", REF_ACCEPT, &err), QG_OK);
    assert_int_equal(transition("{\"note\":\"x\",\"version\":2}", REF_START, &err), QG_OK);
    assert_int_equal(transition("{}", REF_DECLINE, &err), QG_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(transition("{}", REF_NOT_COMPLETE, &err), QG_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(transition("{\"reason\":\"no_capacity\"}", REF_DECLINE, &err), QG_OK);
    assert_int_equal(transition("{\"reason\":\"moved\"}", REF_CANCEL, &err), QG_OK);
    assert_int_equal(transition("{}", REF_CANCEL, &err), QG_OK);
    assert_int_equal(transition("{\"reason\":\"moved\"}", REF_ACCEPT, &err), QG_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(transition("{\"reason\":\"Oydan\"}", REF_DECLINE, &err), QG_EINVAL);
    assert_null(strstr(err.message, "Oydan"));
    assert_int_equal(transition("{\"version\":0}", REF_ACCEPT, &err), QG_EINVAL);
    assert_string_equal(err.field, "version");
    assert_int_equal(transition("{\"note\":\"\"}", REF_ACCEPT, &err), QG_EINVAL);
    assert_string_equal(err.field, "note");
    assert_int_equal(transition("{\"Oydankilt\":1}", REF_ACCEPT, &err), QG_EINVAL);
    assert_string_equal(err.field, "body");
}

/* ---- references, codes, dates, forms, HTML --------------------------------------------------- */

static void test_refs_and_codes(void **state)
{
    (void)state;
    char ref[REFERRAL_REF_SIZE], again[REFERRAL_REF_SIZE], code[REPLY_CODE_SIZE], back[REPLY_CODE_SIZE];
    for (int i = 0; i < 50; i++) {
        referral_ref_new(ref);
        assert_int_equal(strlen(ref), REFERRAL_REF_LEN);
        assert_int_equal(strncmp(ref, "RF-", 3), 0);
        assert_true(ref[7] == '-' && ref[12] == '-');
        assert_true(referral_ref_parse(ref, again));
        assert_string_equal(ref, again);
        reply_code_new(code);
        assert_int_equal(strlen(code), REPLY_CODE_LEN);
        assert_true(code[4] == '-' && code[9] == '-' && code[14] == '-');
        assert_true(reply_code_parse(code, back));
        assert_string_equal(code, back);
    }
    reply_code_new(back);
    assert_string_not_equal(code, back);
    assert_true(referral_ref_parse("rf-abcd-efgh-jkmn", ref));
    assert_string_equal(ref, "RF-ABCD-EFGH-JKMN");
    assert_true(referral_ref_parse("RFABCDEFGHJKMN", ref));
    assert_true(referral_ref_parse("RF-0I0L-OOOO-1111", ref)); /* I and L read as 1, O as 0 */
    assert_string_equal(ref, "RF-0101-0000-1111");
    assert_false(referral_ref_parse("RF-ABCD-EFGH-JKM", ref));
    assert_false(referral_ref_parse("RF-ABCD-EFGH-JKMNP", ref));
    assert_false(referral_ref_parse("RF-ABCD-EFGH-JKMU", ref));
    assert_false(referral_ref_parse(NULL, ref));
    assert_true(reply_code_parse("abcd efgh-jkmn pqrs", code));
    assert_string_equal(code, "ABCD-EFGH-JKMN-PQRS");
    assert_false(reply_code_parse("ABCD-EFGH-JKMN-PQR", code));
    assert_false(reply_code_parse("ABCD-EFGH-JKMN-PQR!", code));
    assert_false(reply_code_parse("", code));
}

static void test_dates(void **state)
{
    (void)state;
    char out[11];
    assert_true(referral_date_add("2025-02-26", 5, out));
    assert_string_equal(out, "2025-03-03");
    assert_true(referral_date_add("2024-12-31", 1, out));
    assert_string_equal(out, "2025-01-01");
    assert_true(referral_date_add("2024-02-28", 1, out));
    assert_string_equal(out, "2024-02-29");
    assert_false(referral_date_add("2025-02-30", 1, out));
}

static void test_urlform(void **state)
{
    (void)state;
    const char *body = "code=ABCD+EFGH%2DJKMN&action=accept&reason=&empty&x=%zz";
    char out[32];
    assert_true(urlform_get(body, strlen(body), "code", out, sizeof out));
    assert_string_equal(out, "ABCD EFGH-JKMN");
    assert_true(urlform_get(body, strlen(body), "action", out, sizeof out));
    assert_string_equal(out, "accept");
    assert_true(urlform_get(body, strlen(body), "reason", out, sizeof out));
    assert_string_equal(out, "");
    assert_true(urlform_get(body, strlen(body), "empty", out, sizeof out));
    assert_false(urlform_get(body, strlen(body), "x", out, sizeof out));
    assert_false(urlform_get(body, strlen(body), "cod", out, sizeof out));
    assert_false(urlform_get(body, strlen(body), "code", out, 5)); /* does not fit */
    assert_false(urlform_get("a=%00", 5, "a", out, sizeof out));
    assert_false(urlform_get("a=%4", 4, "a", out, sizeof out));
    assert_true(urlform_get("a=%41", 5, "a", out, sizeof out));
    assert_string_equal(out, "A");
    assert_false(urlform_get("a=1", 0, "a", out, sizeof out));
}

static void test_html_escape(void **state)
{
    (void)state;
    html_out o = {0};
    char *page = NULL;
    size_t len = 0;
    html_raw(&o, "<p>");
    html_text(&o, "<script>alert('x')</script> & \"q\"");
    html_int(&o, -42);
    html_raw(&o, "</p>");
    assert_true(html_take(&o, &page, &len));
    assert_string_equal(page, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;-42</p>");
    assert_int_equal(len, strlen(page));
    crypto_free_plain(page, len);
    assert_true(html_take(&o, &page, &len)); /* an empty page */
    assert_string_equal(page, "");
    crypto_free_plain(page, len);
}

/* ---- the snapshot --------------------------------------------------------------------------- */

static const char *const CANARIES[] = {
    "Mekenkanareyka", "Kontaktkanareyka", "Tuyskanareyka", "Eskertpekanareyka", "IS-KANAREYKA-5",
    "EXTKANAREYKA", "Zhasyrkanareyka", "Elementkanareyka", "Qauipkanareyka", "Triggerkanareyka",
    "Korinisqanareyka", "Oydanplankanareyka", "convicted", "friend_or_acquaintance", "traffickers", "route",
    "non_punishment", "address", "iin", "contacts", "relatives", "notes", "criminal_case_number",
    "child_view", "current_risks", "elements",
};

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    char db_path[QGT_TMPDIR_MAX + 32], key_path[QGT_TMPDIR_MAX + 32];
    qg_app *app;
    qg_actor cm;
    int64_t case_id, plain_id;
    char iin[13];
} fx;

typedef struct {
    int64_t org;
    int64_t id;
} seed_user;

static qg_code insert_user(db *conn, void *arg, qg_error *err)
{
    seed_user *u = arg;
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO users (org_id, login, role, pw_hash, created_at, pw_changed_at)"
                             " VALUES (?, 'snap.cm', 'case_manager', 'seeded-without-password',"
                             " '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, u->org);
    int rc = db_step(st, err);
    if (rc == 1)
        u->id = db_col_int(st, 0);
    db_done(st);
    return rc == 1 ? QG_OK : err->code;
}

typedef struct {
    const qg_keys *keys;
    int64_t case_id;
    const char *kind;
    int n;
    const char *on, *due, *meta, *text;
    int withheld;
} record_row;

static qg_code insert_record(db *conn, void *arg, qg_error *err)
{
    record_row *r = arg;
    unsigned char *sealed = NULL;
    size_t len = 0;
    json_t *text = J(r->text);
    qg_code c = sealed_put(r->keys, r->case_id, r->kind, r->n, text, &sealed, &len, err);
    json_decref(text);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "INSERT INTO case_records (case_id, kind, n, on_date, due_on, meta,"
                                          " sealed, withheld, created_at, updated_at)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2024-01-01T00:00:00Z',"
                                          " '2024-01-01T00:00:00Z')",
                                          err)
                             : NULL;
    if (st) {
        db_bind_int(st, 1, r->case_id);
        db_bind_text(st, 2, r->kind);
        db_bind_int(st, 3, r->n);
        db_bind_text(st, 4, r->on);
        db_bind_text(st, 5, r->due);
        db_bind_text(st, 6, r->meta);
        db_bind_blob(st, 7, sealed, len);
        db_bind_int(st, 8, r->withheld);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

static void add_record(fx *f, record_row row)
{
    qg_error err = {0};
    row.keys = f->app->keys;
    row.case_id = f->case_id;
    if (writer_run(f->app->writer, insert_record, &row, &err) != QG_OK)
        fail_msg("inserting a record: %s", err.message);
}

static qg_code insert_need(db *conn, void *arg, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO case_needs (case_id, need, screening_n, suggested_at)"
                             " VALUES (?, 'nutrition', 1, '2024-01-01T00:00:00Z')",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, *(int64_t *)arg);
    return db_run(st, err);
}

static int64_t open_case(fx *f, const char *body)
{
    json_t *in = J(body), *out = NULL;
    qg_error err = {0};
    if (case_create(f->app, &f->cm, in, &out, &err) != QG_OK)
        fail_msg("case_create: %s: %s", err.field, err.message);
    char code[QG_CODE_SIZE];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(out, "code")));
    json_decref(in);
    json_decref(out);
    db *conn = db_pool_acquire(f->app->readers);
    int64_t id = -1;
    qg_code c = case_find_for(conn, &f->cm, ACT_CASE_READ, code, &id, &err);
    db_pool_release(f->app->readers, conn);
    assert_int_equal(c, QG_OK);
    return id;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    qg_error err = {0};
    int64_t org;
    assert_non_null(f);
    assert_true(qgt_tmpdir_make("referral", f->dir, sizeof f->dir));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db", f->db_path, sizeof f->db_path));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db.key", f->key_path, sizeof f->key_path));
    assert_int_equal(app_init_files(f->db_path, f->key_path, &err), QG_OK);
    assert_int_equal(app_open(f->db_path, f->key_path, 2, false, &f->app, &err), QG_OK);
    qg_actor sys = actor_system();
    assert_int_equal(org_create(f->app, &sys, "Snapshot NGO", "ngo", "almaty", &org, &err), QG_OK);
    seed_user u = {.org = org};
    assert_int_equal(writer_run(f->app->writer, insert_user, &u, &err), QG_OK);
    f->cm = (qg_actor){.user_id = u.id, .org_id = org, .role = ROLE_CASE_MANAGER};
    for (int serial = 1;; serial++) { /* a valid made-up IIN for 2011-06-15, a girl */
        char first11[12];
        snprintf(first11, sizeof first11, "1106156%04d", serial);
        int check = iin_check_digit(first11);
        if (check >= 0) {
            snprintf(f->iin, sizeof f->iin, "%s%d", first11, check);
            break;
        }
    }
    char body[2048];
    snprintf(body, sizeof body,
             "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"citizenship\":\"KZ\",\"cj_stage\":\"convicted\","
             "\"external_ref\":\"EXTKANAREYKA\",\"non_punishment\":true,\"services_needed\":[\"legal\"],"
             "\"exploitation_forms\":[\"forced_labour\"],\"accompaniment\":\"separated\","
             "\"interpreter_needed\":true,\"interpreter_language\":\"uz\","
             "\"traffickers\":[{\"role\":\"sold\",\"relation\":\"friend_or_acquaintance\"}],"
             "\"route\":[{\"event\":\"transit\",\"place\":\"UZ\"}],"
             "\"personal\":{\"given_name\":\"Oydangul\",\"family_name\":\"Tapqyzova\",\"patronymic\":\"Qiyalqyzy\","
             "\"birth_date\":\"2011-06-15\",\"iin\":\"%s\",\"address\":\"Mekenkanareyka 9\","
             "\"phone\":\"+7 701 555 0101\",\"languages\":[\"kk\",\"uz\"],"
             "\"contacts\":[{\"name\":\"Kontaktkanareyka\",\"relation\":\"aunt\",\"phone\":\"+7 700 000 0001\"}],"
             "\"relatives\":[{\"name\":\"Tuyskanareyka\",\"relation\":\"brother\",\"notes\":\"Eskertpekanareyka\"}],"
             "\"notes\":\"Eskertpekanareyka\",\"criminal_case_number\":\"IS-KANAREYKA-5\"}}",
             f->iin);
    f->case_id = open_case(f, body);
    f->plain_id = open_case(f, "{\"sex\":\"Masculine\",\"region\":\"almaty\"}");
    /* the newest assessment is withheld; the shown one has element notes (never sent) */
    add_record(f, (record_row){.kind = "assessment", .n = 1, .on = "2025-01-02",
                               .meta = "{\"levels\":{\"safety\":\"urgent\",\"housing\":\"no_action\"}}",
                               .text = "{\"elements\":{\"safety\":{\"notes\":\"Elementkanareyka\"}},"
                                       "\"summary\":\"Oydantap qorytyndy\"}"});
    add_record(f, (record_row){.kind = "assessment", .n = 2, .on = "2025-02-02", .meta = "{\"levels\":{}}",
                               .text = "{\"summary\":\"Zhasyrkanareyka\"}", .withheld = 1});
    add_record(f, (record_row){.kind = "safety_plan", .n = 1, .on = "2025-01-03", .due = "2025-07-01",
                               .meta = "{\"situations\":[\"escaped\"]}",
                               .text = "{\"current_risks\":\"Qauipkanareyka\",\"prevention\":\"Qauipkanareyka\","
                                       "\"if_threatened\":\"Oydantap qongyrau\",\"child_view\":\"Qauipkanareyka\","
                                       "\"triggers\":\"Triggerkanareyka\"}"});
    add_record(f, (record_row){.kind = "safety_plan", .n = 2, .on = "2024-12-01", .due = "2025-01-01",
                               .meta = "{}", .text = "{\"if_threatened\":\"Oydanplankanareyka\"}"});
    add_record(f, (record_row){.kind = "interaction", .n = 1, .on = "2025-01-04", .meta = "{\"channel\":\"phone\"}",
                               .text = "{\"summary\":\"Korinisqanareyka\"}"});
    assert_int_equal(writer_run(f->app->writer, insert_need, &f->case_id, &err), QG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    app_close(f->app);
    qgt_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static json_t *snapshot(fx *f, int64_t case_id, const char *parts)
{
    json_t *p = J(parts), *out = NULL;
    qg_error err = {0};
    db *conn = db_pool_acquire(f->app->readers);
    qg_code c = referral_snapshot(conn, f->app->keys, case_id, p, &out, &err);
    db_pool_release(f->app->readers, conn);
    json_decref(p);
    if (c != QG_OK)
        fail_msg("snapshot: %d %s", c, err.field);
    return out;
}

static void no_canaries(fx *f, json_t *snap)
{
    char *text = json_dumps(snap, JSON_COMPACT);
    assert_non_null(text);
    for (size_t i = 0; i < sizeof CANARIES / sizeof *CANARIES; i++)
        if (strstr(text, CANARIES[i]))
            fail_msg("canary %zu is in the snapshot", i);
    if (strstr(text, f->iin))
        fail_msg("the IIN is in the snapshot");
    crypto_free_plain(text, strlen(text));
}

/* Checks that obj has exactly the keys in names (NULL-terminated). */
static void exact_keys(json_t *obj, const char *const *names)
{
    size_t n = 0;
    for (; names[n]; n++)
        if (!json_object_get(obj, names[n]))
            fail_msg("missing %s", names[n]);
    assert_int_equal(json_object_size(obj), n);
}

static void test_snapshot_each_part(void **state)
{
    fx *f = *state;
    static const char *const profile[] = {"sex", "age_at_identification", "citizenship", "region",
                                          "exploitation_forms", "accompaniment", "interpreter_needed",
                                          "interpreter_language", NULL};
    static const char *const needs[] = {"services_needed", "urgent_needs", NULL};
    static const char *const languages[] = {"languages", "interpreter_needed", "interpreter_language", NULL};
    static const char *const identity[] = {"given_name", "family_name", "patronymic", "birth_date", NULL};
    static const char *const contact[] = {"phone", NULL};
    static const char *const assessment[] = {"assessed_on", "levels", "summary", NULL};
    static const char *const safety[] = {"made_on", "review_on", "if_threatened", NULL};
    static const struct {
        const char *part;
        const char *const *fields;
    } each[] = {{"profile", profile},   {"needs", needs},           {"languages", languages},
                {"identity", identity}, {"contact", contact},       {"assessment", assessment},
                {"safety_plan", safety}};
    for (size_t i = 0; i < sizeof each / sizeof *each; i++) {
        char parts[64];
        snprintf(parts, sizeof parts, "[\"%s\"]", each[i].part);
        json_t *s = snapshot(f, f->case_id, parts);
        assert_int_equal(json_object_size(s), 1);
        exact_keys(json_object_get(s, each[i].part), each[i].fields);
        no_canaries(f, s);
        json_decref(s);
    }
}

static void test_snapshot_values(void **state)
{
    fx *f = *state;
    json_t *s = snapshot(f, f->case_id,
                         "[\"safety_plan\",\"identity\",\"contact\",\"assessment\",\"needs\",\"languages\",\"profile\"]");
    assert_int_equal(json_object_size(s), 7);
    no_canaries(f, s);
    json_t *id = json_object_get(s, "identity"), *p = json_object_get(s, "profile");
    assert_string_equal(json_string_value(json_object_get(id, "given_name")), "Oydangul");
    assert_string_equal(json_string_value(json_object_get(id, "birth_date")), "2011-06-15");
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "contact"), "phone")), "+7 701 555 0101");
    assert_string_equal(json_string_value(json_object_get(p, "accompaniment")), "separated");
    assert_string_equal(json_string_value(json_object_get(p, "citizenship")), "KZ");
    assert_true(json_is_true(json_object_get(p, "interpreter_needed")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "exploitation_forms"), 0)),
                        "forced_labour");
    json_t *a = json_object_get(s, "assessment");
    assert_string_equal(json_string_value(json_object_get(a, "summary")), "Oydantap qorytyndy"); /* not the withheld */
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "levels"), "safety")), "urgent");
    json_t *sp = json_object_get(s, "safety_plan");
    assert_string_equal(json_string_value(json_object_get(sp, "if_threatened")), "Oydantap qongyrau"); /* the newest */
    assert_string_equal(json_string_value(json_object_get(sp, "review_on")), "2025-07-01");
    json_t *n = json_object_get(s, "needs");
    assert_string_equal(json_string_value(json_array_get(json_object_get(n, "services_needed"), 0)), "legal");
    assert_string_equal(json_string_value(json_array_get(json_object_get(n, "urgent_needs"), 0)), "nutrition");
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(s, "languages"), "languages"), 1)),
                        "uz");
    json_decref(s);
}

/* A case with nothing recorded: the parts are there, empty. */
static void test_snapshot_plain_case(void **state)
{
    fx *f = *state;
    json_t *s = snapshot(f, f->plain_id, "[\"identity\",\"contact\",\"assessment\",\"safety_plan\"]");
    assert_int_equal(json_object_size(s), 4);
    assert_int_equal(json_object_size(json_object_get(s, "identity")), 0);
    assert_int_equal(json_object_size(json_object_get(s, "assessment")), 0);
    assert_int_equal(json_object_size(json_object_get(s, "safety_plan")), 0);
    json_decref(s);
    json_t *p = J("[\"profile\",\"Oydan\"]"), *out = NULL;
    qg_error err = {0};
    db *conn = db_pool_acquire(f->app->readers);
    assert_int_equal(referral_snapshot(conn, f->app->keys, f->plain_id, p, &out, &err), QG_EINVAL);
    db_pool_release(f->app->readers, conn);
    assert_null(out);
    json_decref(p);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_state_machine), cmocka_unit_test(test_actions),
        cmocka_unit_test(test_create_body),   cmocka_unit_test(test_transition_body),
        cmocka_unit_test(test_refs_and_codes), cmocka_unit_test(test_dates),
        cmocka_unit_test(test_urlform),       cmocka_unit_test(test_html_escape),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_snapshot_each_part),
        cmocka_unit_test(test_snapshot_values),
        cmocka_unit_test(test_snapshot_plain_case),
    };
    int failed = cmocka_run_group_tests(pure, NULL, NULL);
    return failed + cmocka_run_group_tests(stored, setup, teardown);
}
