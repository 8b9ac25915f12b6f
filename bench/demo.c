/*
 * demo.c — the work of the demo (`make run`), on top of gen's organisations and cases:
 * `demo --db PATH`. Synthetic data only, every text made up and marked so.
 *
 * So that every demo user's home page has something on it, it adds through the real
 * services (the same checks and audit entries as over the API):
 *   - a filled service directory: two or three services of each organisation;
 *   - two valid agreements: Synthetic NGO Almaty with Synthetic NGO Turkistan and with
 *     Synthetic Crisis Centre Karaganda;
 *   - referrals in both directions: from gen.cm1's cases to Turkistan and Karaganda (one
 *     waiting, one accepted, one declined, one in service, one overdue) and from
 *     Turkistan and Karaganda to Almaty (two new, one of them overdue, one accepted);
 *   - gen.cm1's tasks (two overdue, two due this week, one later) and safety plans (one
 *     review overdue, one due this week, one later);
 *   - a few audited reads and one emergency access by gen.sup1, for the auditor (and for
 *     gen.sup2 to review);
 *   - one account in Almaty, created by demo.admin, waiting for gen.sup1's confirmation;
 *   - two cases demo.police opened this week, a task due and one overdue, and a referral
 *     of one of them to Almaty under a third agreement (Police Astana with NGO Almaty);
 *   - demo.police registering a child Almaty already holds (same IIN and names): the
 *     answer names Almaty, and demo.police sends a contact request that waits on
 *     gen.sup1's home page (issue 14).
 * A deadline cannot be set in the past through the service, so the two overdue
 * referrals get theirs moved back afterwards (the one write here outside a service).
 *
 * Run it once, after gen and after the demo users are added (run-demo.sh does). Exit
 * status: 0 done, 2 bad options, 1 any other failure (printed with the step).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "core/account/account.h"
#include "core/account/actor.h"
#include "core/case/case.h"
#include "core/case/case_personal.h"
#include "core/case/contact.h"
#include "core/case/grant.h"
#include "core/case/record.h"
#include "core/case/task.h"
#include "core/instance/app_open.h"
#include "core/referral/agreement.h"
#include "core/referral/directory.h"
#include "core/referral/referral.h"
#include "crypto/crypto.h"
#include "store/writer.h"

#define READERS 2
#define CODES_MAX 40
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    qg_app *app;
    qg_error err;
    const char *step; /* what failed, for the message */
    char today[11];
    json_t *users, *orgs; /* as the system lists them */
} demo;

/* today + days as YYYY-MM-DD (days may be negative). */
static const char *day(const demo *d, int days, char out[11])
{
    if (!referral_date_add(d->today, days, out))
        snprintf(out, 11, "%s", d->today);
    return out;
}

static int64_t id_of(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row) {
        const char *v = json_string_value(json_object_get(row, key));
        if (v && strcmp(v, value) == 0)
            return (int64_t)json_integer_value(json_object_get(row, "id"));
    }
    return 0;
}

/* The actor of login (role and organisation as stored); a zero actor when unknown. */
static qg_actor as_user(const demo *d, const char *login)
{
    size_t i;
    json_t *u;
    json_array_foreach(d->users, i, u) {
        if (strcmp(json_string_value(json_object_get(u, "login")), login) == 0)
            return (qg_actor){
                .user_id = json_integer_value(json_object_get(u, "id")),
                .org_id = json_integer_value(json_object_get(u, "org_id")),
                .role = role_from_code(json_string_value(json_object_get(u, "role")))};
    }
    return (qg_actor){0};
}

/* Fills codes with up to max codes of the open cases actor sees, newest first. */
static size_t open_cases(demo *d, const qg_actor *actor, char codes[][QG_CODE_SIZE], size_t max)
{
    case_query q = {.limit = 200, .status = "open"};
    json_t *out = NULL;
    size_t n = 0, i;
    json_t *c;
    if (case_list(d->app, actor, &q, &out, &d->err) != QG_OK)
        return 0;
    json_array_foreach(json_object_get(out, "cases"), i, c) {
        if (n < max)
            snprintf(codes[n++], QG_CODE_SIZE, "%s", json_string_value(json_object_get(c, "code")));
    }
    json_decref(out);
    return n;
}

/* ---- the service directory and the agreements --------------------------------------------- */

/* The services each kind of organisation lists. */
static const struct {
    const char *type;
    const char *services[3];
} offers[] = {
    {"ngo", {"shelter_24h", "psychological", "case_management"}},
    {"police", {"protection", NULL, NULL}},
    {"social_protection", {"social_assistance", "family_tracing", NULL}},
    {"border", {"interpreter", "protection", NULL}},
    {"children_ombudsman", {"legal", NULL, NULL}},
    {"health", {"medical", "psychiatric", NULL}},
};

static qg_code put_service(demo *d, json_t *org, const char *service, int k)
{
    qg_actor sys = actor_system();
    char contact[32];
    snprintf(contact, sizeof contact, "+7 700 000 %04d", k);
    json_t *body = json_pack(
        "{s:[s], s:i, s:i, s:[s,s], s:[s,s], s:i, s:i, s:s, s:s}", "regions",
        json_string_value(json_object_get(org, "region")), "age_min", 0, "age_max", 17, "sexes",
        "Feminine", "Masculine", "languages", "kk", "ru", "capacity", 10 + k % 5, "available",
        1 + k % 4, "procedure",
        "Demo only (made up): call the duty officer, then send the referral through Qorgau.",
        "contact", contact);
    json_t *out = NULL;
    bool created = false;
    qg_code c = body ? directory_put(d->app, &sys, json_integer_value(json_object_get(org, "id")),
                                     service, body, &out, &created, &d->err)
                     : QG_ENOMEM;
    json_decref(body);
    json_decref(out);
    return c;
}

static qg_code fill_directory(demo *d)
{
    d->step = "service directory";
    size_t i;
    json_t *org;
    int k = 0;
    json_array_foreach(d->orgs, i, org) {
        const char *type = json_string_value(json_object_get(org, "type"));
        for (size_t o = 0; o < COUNT(offers); o++) {
            if (strcmp(offers[o].type, type) != 0)
                continue;
            for (size_t s = 0; s < 3 && offers[o].services[s]; s++) {
                qg_code c = put_service(d, org, offers[o].services[s], ++k);
                if (c != QG_OK)
                    return c;
            }
        }
    }
    return QG_OK;
}

static qg_code add_agreement(demo *d, int64_t a, int64_t b)
{
    d->step = "agreement";
    qg_actor sys = actor_system();
    char from[11], to[11];
    json_t *body = json_pack(
        "{s:[I,I], s:s, s:s, s:s, s:s, s:s, s:[s,s,s], s:s, s:s}", "parties", (json_int_t)a,
        (json_int_t)b, "kind", "cooperation", "purpose",
        "Demo only (made up): referring children between the two organisations.", "protections",
        "Demo only (made up): only the case manager named in the referral reads it.",
        "permitted_users", "Demo only (made up): the case managers and supervisors of both.",
        "complaints", "Demo only (made up): to the supervisor of the sending organisation.",
        "data_shared", "profile", "needs", "languages", "valid_from", day(d, -100, from),
        "valid_to", day(d, 265, to));
    json_t *out = NULL;
    qg_code c = body ? agreement_create(d->app, &sys, body, &out, &d->err) : QG_ENOMEM;
    json_decref(body);
    json_decref(out);
    return c;
}

/* ---- referrals ------------------------------------------------------------------------------ */

/* Sends a referral of case code from actor to organisation to; ref gets its reference. */
static qg_code send(demo *d, const qg_actor *actor, const char *code, int64_t to,
                    const char *service, char ref[REFERRAL_REF_SIZE])
{
    d->step = "referral";
    json_t *body = json_pack("{s:s, s:I, s:[s,s], s:s}", "service", service, "to_org",
                             (json_int_t)to, "parts", "profile", "needs", "note",
                             "Demo only (made up): please answer by phone or in Qorgau.");
    json_t *out = NULL;
    qg_code c = body ? referral_create(d->app, actor, code, body, &out, &d->err) : QG_ENOMEM;
    if (c == QG_OK)
        snprintf(ref, REFERRAL_REF_SIZE, "%s", json_string_value(json_object_get(out, "ref")));
    json_decref(body);
    json_decref(out);
    return c;
}

static qg_code act(demo *d, const qg_actor *actor, const char *ref, referral_action a,
                   const char *reason)
{
    d->step = "referral answer";
    json_t *body = reason ? json_pack("{s:s}", "reason", reason) : json_object(), *out = NULL;
    qg_code c = body ? referral_act(d->app, actor, ref, a, body, &out, &d->err) : QG_ENOMEM;
    json_decref(body);
    json_decref(out);
    return c;
}

typedef struct {
    const char *ref;
    char respond_by[11];
} backdate_job;

static qg_code backdate_in_tx(db *conn, void *arg, qg_error *err)
{
    backdate_job *j = arg;
    db_stmt *st = db_prepare(conn, "UPDATE referrals SET respond_by = ? WHERE ref = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, j->respond_by);
    db_bind_text(st, 2, j->ref);
    int rc = db_step(st, err);
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

/* Moves the answer's deadline of ref to days ago, so it shows as overdue. */
static qg_code backdate(demo *d, const char *ref, int days)
{
    d->step = "overdue referral";
    backdate_job j = {.ref = ref};
    day(d, -days, j.respond_by);
    return writer_run(d->app->writer, backdate_in_tx, &j, &d->err);
}

/* Almaty's case manager gen.cm1 refers five of their cases: to Turkistan one waiting,
 * one accepted, one declined, one overdue; to Karaganda one in service. */
static qg_code refer_out(demo *d, char codes[][QG_CODE_SIZE], size_t n, int64_t turk,
                         int64_t kar)
{
    qg_actor cm = as_user(d, "gen.cm1"), tsup = as_user(d, "gen.sup4"),
             ksup = as_user(d, "gen.sup6");
    char ref[5][REFERRAL_REF_SIZE];
    if (n < 5)
        return qg_fail(&d->err, QG_ENOTFOUND, "gen.cm1", "demo.not_seeded",
                       "has fewer than 5 open cases");
    qg_code c = send(d, &cm, codes[0], turk, "shelter_24h", ref[0]);
    if (c == QG_OK)
        c = send(d, &cm, codes[1], turk, "psychological", ref[1]);
    if (c == QG_OK)
        c = act(d, &tsup, ref[1], REF_ACCEPT, NULL);
    if (c == QG_OK)
        c = send(d, &cm, codes[2], turk, "shelter_24h", ref[2]);
    if (c == QG_OK)
        c = act(d, &tsup, ref[2], REF_DECLINE, "no_capacity");
    if (c == QG_OK)
        c = send(d, &cm, codes[3], turk, "case_management", ref[3]);
    if (c == QG_OK)
        c = backdate(d, ref[3], 2);
    if (c == QG_OK)
        c = send(d, &cm, codes[4], kar, "psychological", ref[4]);
    if (c == QG_OK)
        c = act(d, &ksup, ref[4], REF_ACCEPT, NULL);
    if (c == QG_OK)
        c = act(d, &ksup, ref[4], REF_START, NULL);
    return c;
}

/* Turkistan and Karaganda refer to Almaty: two new (one overdue), one accepted. */
static qg_code refer_in(demo *d, int64_t almaty)
{
    qg_actor tsup = as_user(d, "gen.sup4"), ksup = as_user(d, "gen.sup6"),
             sup = as_user(d, "gen.sup1");
    char tcodes[3][QG_CODE_SIZE], kcodes[1][QG_CODE_SIZE], ref[4][REFERRAL_REF_SIZE];
    d->step = "cases of Turkistan and Karaganda";
    if (open_cases(d, &tsup, tcodes, 3) < 3 || open_cases(d, &ksup, kcodes, 1) < 1)
        return qg_fail(&d->err, QG_ENOTFOUND, "cases", "demo.not_seeded",
                       "Turkistan or Karaganda has too few");
    qg_code c = send(d, &tsup, tcodes[0], almaty, "shelter_24h", ref[0]);
    if (c == QG_OK)
        c = send(d, &tsup, tcodes[1], almaty, "psychological", ref[1]);
    if (c == QG_OK)
        c = backdate(d, ref[1], 3);
    if (c == QG_OK)
        c = send(d, &tsup, tcodes[2], almaty, "case_management", ref[2]);
    if (c == QG_OK)
        c = act(d, &sup, ref[2], REF_ACCEPT, NULL);
    if (c == QG_OK)
        c = send(d, &ksup, kcodes[0], almaty, "shelter_24h", ref[3]);
    return c;
}

/* ---- gen.cm1's due work ------------------------------------------------------------------- */

static qg_code add_task(demo *d, const qg_actor *cm, const char *code, const char *title,
                        int due_in)
{
    d->step = "task";
    char due[11];
    json_t *body = json_pack("{s:s, s:s}", "title", title, "due_on", day(d, due_in, due)),
           *out = NULL;
    qg_code c = body ? task_create(d->app, cm, code, body, &out, &d->err) : QG_ENOMEM;
    json_decref(body);
    json_decref(out);
    return c;
}

static qg_code add_plan(demo *d, const qg_actor *cm, const char *code, int made, int review)
{
    d->step = "safety plan";
    char made_on[11], review_on[11];
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s}}", "made_on",
                             day(d, made, made_on),
                             "review_on", day(d, review, review_on), "current_risks",
                             "Demo only (made up): contact from the recruiter by phone.",
                             "prevention", "Demo only (made up): a new phone number; school escort.",
                             "if_threatened", "Demo only (made up): call the case manager or 102.",
                             "child_view", "Demo only (made up): feels safe at the shelter.",
                             "options", "escaped", "Demo only (made up): stay at the shelter.",
                             "harm_channels", "phone", "Demo only (made up): calls and messages.");
    json_t *out = NULL;
    qg_code c = body ? record_create(d->app, cm, "safety_plan", code, body, &out, &d->err)
                     : QG_ENOMEM;
    json_decref(body);
    json_decref(out);
    return c;
}

static qg_code due_work(demo *d, char codes[][QG_CODE_SIZE], size_t n)
{
    qg_actor cm = as_user(d, "gen.cm1");
    static const struct {
        const char *title;
        int due_in;
    } tasks[] = {
        {"Demo only (made up): call the school about the child's return", -3},
        {"Demo only (made up): ask the police for the case number", -1},
        {"Demo only (made up): book the psychologist", 1},
        {"Demo only (made up): visit the family", 4},
        {"Demo only (made up): prepare the action plan review", 20},
    };
    qg_code c = QG_OK;
    for (size_t i = 0; c == QG_OK && i < COUNT(tasks) && i < n; i++)
        c = add_task(d, &cm, codes[i], tasks[i].title, tasks[i].due_in);
    if (c == QG_OK && n > 7)
        c = add_plan(d, &cm, codes[5], -40, -5);
    if (c == QG_OK && n > 7)
        c = add_plan(d, &cm, codes[6], -20, 3);
    if (c == QG_OK && n > 7)
        c = add_plan(d, &cm, codes[7], -10, 60);
    return c;
}

/* ---- for the auditor and the supervisor ----------------------------------------------------- */

/* Two reads of personal data by gen.cm1, an emergency access by gen.sup1 on a case of
 * Synthetic Police Astana, and an access request of the police supervisor (gen.sup2) to a
 * case of Synthetic NGO Almaty, waiting for gen.sup1's approval. */
static qg_code sensitive_reads(demo *d, char codes[][QG_CODE_SIZE], size_t n)
{
    qg_actor cm = as_user(d, "gen.cm1"), sup = as_user(d, "gen.sup1"),
             psup = as_user(d, "gen.sup2");
    json_t *out = NULL;
    d->step = "personal read";
    qg_code c = QG_OK;
    for (size_t i = 0; c == QG_OK && i < 2 && i < n; i++) {
        c = case_personal_get(d->app, &cm, codes[i], &out, &d->err);
        json_decref(out);
        out = NULL;
    }
    char pcodes[1][QG_CODE_SIZE];
    d->step = "break the glass";
    if (c == QG_OK && open_cases(d, &psup, pcodes, 1) == 1) {
        json_t *body = json_pack("{s:s, s:i, s:b}", "reason",
                                 "Demo only (made up): the child was brought to our shelter "
                                 "at night; checking the police case.",
                                 "hours", 24, "emergency", 1);
        bool emergency = false; /* an emergency access, for the police supervisor to review */
        c = body ? grant_take(d->app, &sup, pcodes[0], body, &emergency, &out, &d->err)
                 : QG_ENOMEM;
        json_decref(body);
        json_decref(out);
        out = NULL;
    }
    d->step = "access request";
    if (c == QG_OK && n > 2) { /* the police supervisor asks; gen.sup1 approves or refuses */
        json_t *body = json_pack("{s:s, s:i}", "reason",
                                 "Demo only (made up): the girl may be the witness in our "
                                 "criminal case; we need to confirm her identity.",
                                 "hours", 8);
        bool emergency = false;
        c = body ? grant_take(d->app, &psup, codes[2], body, &emergency, &out, &d->err)
                 : QG_ENOMEM;
        json_decref(body);
        json_decref(out);
    }
    return c;
}

/* demo.police (Synthetic Police Astana) opens two cases this week, with a task due
 * tomorrow and one overdue, and refers one of them to Almaty under their agreement. */
static qg_code police_work(demo *d, int64_t almaty, int64_t police)
{
    qg_actor fr = as_user(d, "demo.police");
    if (!fr.user_id)
        return QG_OK;
    char codes[2][QG_CODE_SIZE], on[11], ref[REFERRAL_REF_SIZE];
    for (int i = 0; i < 2; i++) {
        d->step = "case of demo.police";
        json_t *body = json_pack("{s:s, s:i, s:s, s:s}", "sex", i ? "Masculine" : "Feminine",
                                 "age_at_identification", 15 - i, "region", "astana",
                                 "identified_on", day(d, -2 - i, on)),
               *out = NULL;
        qg_code c = body ? case_create(d->app, &fr, body, &out, &d->err) : QG_ENOMEM;
        if (c == QG_OK)
            snprintf(codes[i], QG_CODE_SIZE, "%s", json_string_value(json_object_get(out, "code")));
        json_decref(body);
        json_decref(out);
        if (c != QG_OK)
            return c;
    }
    qg_code c = add_task(d, &fr, codes[0], "Demo only (made up): hand the case over to an NGO", 1);
    if (c == QG_OK)
        c = add_task(d, &fr, codes[1], "Demo only (made up): call the child's guardian", -1);
    if (c == QG_OK)
        c = add_agreement(d, almaty, police);
    if (c == QG_OK)
        c = send(d, &fr, codes[0], almaty, "shelter_24h", ref);
    return c;
}

/* The personal part of the first of codes that has an IIN and both names, read as
 * gen.cm1 (audited); NULL when none has. */
static json_t *registered_child(demo *d, char codes[][QG_CODE_SIZE], size_t n)
{
    qg_actor cm = as_user(d, "gen.cm1");
    for (size_t i = 0; i < n; i++) {
        json_t *p = NULL;
        if (case_personal_get(d->app, &cm, codes[i], &p, &d->err) != QG_OK)
            return NULL;
        if (json_object_get(p, "iin") && json_object_get(p, "given_name") &&
            json_object_get(p, "family_name"))
            return p;
        json_decref(p);
    }
    return NULL;
}

/* demo.police registers a child gen.cm1's organisation holds: the IIN answer names
 * Almaty (the names match), and demo.police asks Almaty to get in touch. */
static qg_code contact_request(demo *d, char codes[][QG_CODE_SIZE], size_t n)
{
    qg_actor fr = as_user(d, "demo.police");
    d->step = "duplicate IIN";
    json_t *personal = fr.user_id ? registered_child(d, codes, n) : NULL;
    if (!personal)
        return d->err.code;
    json_t *body = json_pack("{s:s, s:o}", "region", "astana", "personal", personal), *out = NULL;
    qg_code c = body ? case_create(d->app, &fr, body, &out, &d->err) : QG_ENOMEM;
    json_decref(body);
    const char *attempt = json_string_value(json_object_get(out, "attempt"));
    if (c != QG_ECONFLICT || !attempt) {
        json_decref(out);
        return qg_fail(&d->err, QG_ENOTFOUND, "personal.iin", "demo.not_seeded",
                       "the registered child was not recognised");
    }
    d->err = (qg_error){0};
    json_t *request = NULL;
    d->step = "contact request";
    c = contact_send(d->app, &fr, attempt, &request, &d->err);
    json_decref(request);
    json_decref(out);
    return c;
}

/* An account demo.admin creates in Almaty: it waits for gen.sup1's confirmation. */
static qg_code waiting_account(demo *d, int64_t almaty)
{
    d->step = "waiting account";
    qg_actor admin = as_user(d, "demo.admin");
    if (!admin.user_id)
        return QG_OK; /* run without the demo users: nobody to create it */
    char password[QG_TOKEN_HEX];
    crypto_random_token(password); /* nobody is told it: the account only waits */
    int64_t id = 0;
    qg_code c = user_create(d->app, &admin, almaty, "demo.newcm", "case_manager", password, &id,
                            &d->err);
    crypto_wipe(password, sizeof password);
    return c;
}

static qg_code run(demo *d)
{
    qg_actor sys = actor_system();
    text_today(d->today);
    d->step = "lists";
    d->users = user_list(d->app, &sys, &d->err);
    d->orgs = d->users ? org_list(d->app, &sys, &d->err) : NULL;
    if (!d->orgs)
        return d->err.code;
    int64_t almaty = id_of(d->orgs, "name", "Synthetic NGO Almaty"),
            turk = id_of(d->orgs, "name", "Synthetic NGO Turkistan"),
            kar = id_of(d->orgs, "name", "Synthetic Crisis Centre Karaganda");
    if (!almaty || !turk || !kar)
        return qg_fail(&d->err, QG_ENOTFOUND, "orgs", "demo.not_seeded", "run gen first");
    qg_actor cm = as_user(d, "gen.cm1");
    char codes[CODES_MAX][QG_CODE_SIZE];
    d->step = "cases of gen.cm1";
    size_t n = open_cases(d, &cm, codes, CODES_MAX);
    qg_code c = fill_directory(d);
    if (c == QG_OK)
        c = add_agreement(d, almaty, turk);
    if (c == QG_OK)
        c = add_agreement(d, almaty, kar);
    if (c == QG_OK)
        c = refer_out(d, codes, n, turk, kar);
    if (c == QG_OK)
        c = refer_in(d, almaty);
    if (c == QG_OK)
        c = due_work(d, codes + (n > 13 ? 5 : 0), n > 13 ? n - 5 : n);
    if (c == QG_OK)
        c = sensitive_reads(d, codes, n);
    if (c == QG_OK)
        c = police_work(d, almaty, id_of(d->orgs, "name", "Synthetic Police Astana"));
    if (c == QG_OK)
        c = waiting_account(d, almaty);
    if (c == QG_OK)
        c = contact_request(d, codes, n);
    return c;
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--db") != 0) {
        fprintf(stderr, "usage: demo --db PATH\n");
        return 2;
    }
    char db_path[QG_PATH_MAX], key_path[QG_PATH_MAX];
    demo d = {.step = "open"};
    qg_code c = app_resolve_paths(argv[2], db_path, key_path, &d.err);
    if (c == QG_OK)
        c = app_open(db_path, key_path, READERS, true, &d.app, &d.err);
    if (c == QG_OK)
        c = run(&d);
    if (c != QG_OK)
        fprintf(stderr, "demo: %s: %s%s%s\n", d.step, d.err.field, *d.err.field ? ": " : "",
                d.err.message);
    json_decref(d.users);
    json_decref(d.orgs);
    app_close(d.app);
    return c == QG_OK ? 0 : 1;
}
