/*
 * bb_access.c — black-box access matrix: the real server, real HTTP, every role against
 * every route, on cases of the actor's own organisation and of another one.
 *
 * One server serves the whole file (group setup). Organisation A has an admin, a
 * supervisor, two case managers (a.cm1 is assigned, a.cm2 never is), two first
 * responders (a.fr1 opens the cases, a.fr2 opens none), an analyst and an auditor;
 * organisation B has a supervisor, a case manager and a first responder. Four cases:
 *
 *   A1  opened by a.fr1, never handed over
 *   A2  opened by a.fr1, then handed over to a.cm1 by a.sup
 *   B1  opened by b.fr, never handed over
 *   B2  opened by b.fr, then handed over to b.cm by b.sup
 *
 * The expectations are plain tables below (one row per route and case, one column per
 * actor) so a reader can audit them against the policy without reading test code.
 * 403 = the role may never do this (decided before any lookup); 404 = the role could,
 * but not for this case (answered as if the case did not exist); 401 = no session.
 *
 * Rows must not disturb later rows: PATCH and PUT write back the values the case
 * already has; assignments use a spare case manager of the case's organisation (never
 * one of the actors) and are undone after each row; disabling and password changes
 * hit throw-away users. After every case row the test also checks that a refused
 * request changed nothing (the case version, the assignment of the spare).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/child_code.h"
#include "support/qgtest.h"

#define PASSWORD "access-matrix-password"
#define CASE_PATH_MAX 200
#define BODY_MAX 2048

/* ---- the people ---------------------------------------------------------------- */

enum { ORG_A, ORG_B, ORGS };

enum {
    ADMIN,     /* a.admin */
    A_SUP,     /* a.sup */
    A_CM1,     /* a.cm1: assigned to A2 */
    A_CM2,     /* a.cm2: assigned to nothing */
    A_FR1,     /* a.fr1: opened A1 and A2 */
    A_FR2,     /* a.fr2: opened nothing */
    A_ANALYST, /* a.analyst */
    A_AUDITOR, /* a.auditor */
    B_SUP,     /* b.sup */
    B_CM,      /* b.cm: assigned to B2 */
    B_FR,      /* b.fr: opened B1 and B2 */
    NOBODY,    /* no session cookie at all */
    ACTORS
};

static const struct {
    const char *login;
    const char *role;
    int org;
} actor_defs[NOBODY] = {
    [ADMIN] = {"a.admin", "admin", ORG_A},
    [A_SUP] = {"a.sup", "supervisor", ORG_A},
    [A_CM1] = {"a.cm1", "case_manager", ORG_A},
    [A_CM2] = {"a.cm2", "case_manager", ORG_A},
    [A_FR1] = {"a.fr1", "first_responder", ORG_A},
    [A_FR2] = {"a.fr2", "first_responder", ORG_A},
    [A_ANALYST] = {"a.analyst", "analyst", ORG_A},
    [A_AUDITOR] = {"a.auditor", "auditor", ORG_A},
    [B_SUP] = {"b.sup", "supervisor", ORG_B},
    [B_CM] = {"b.cm", "case_manager", ORG_B},
    [B_FR] = {"b.fr", "first_responder", ORG_B},
};

/* Case managers used only as assignees in the assignment rows, one per organisation. */
static const char *const spare_logins[ORGS] = {"a.spare.cm", "b.spare.cm"};

/* Throw-away users for the disable and password rows. */
#define DISABLE_TARGET "tmp.disable"
#define PASSWORD_TARGET "tmp.passwd"

/* ---- the cases ----------------------------------------------------------------- */

enum { CASE_A1, CASE_A2, CASE_B1, CASE_B2, CASES };

static const char *const case_names[CASES] = {"A1", "A2", "B1", "B2"};
static const int case_org[CASES] = {ORG_A, ORG_A, ORG_B, ORG_B};
static const int case_opener[CASES] = {A_FR1, A_FR1, B_FR, B_FR};
static const int case_manager_of[CASES] = {-1, A_CM1, -1, B_CM}; /* -1: unassigned */
static const char *const case_region[CASES] = {"almaty", "almaty", "astana", "astana"};

/* Made-up children (never real people). The IIN is filled in by setup. */
static const char *const given_names[CASES] = {"Тестбала", "Сынақгүл", "Ойдантап",
                                               "Жасандыбек"};
static const char *const family_names[CASES] = {"Қанарейқызы", "Үлгіқызы", "Мысалов",
                                                "Болжамұлы"};
static const char sexes[CASES] = {'F', 'F', 'M', 'M'};

/* ---- the expectations ---------------------------------------------------------- */

typedef enum {
    R_READ,         /* GET    /cases/:code */
    R_PATCH,        /* PATCH  /cases/:code            (region set to its own value) */
    R_PERSONAL_GET, /* GET    /cases/:code/personal */
    R_PERSONAL_PUT, /* PUT    /cases/:code/personal   (the same personal data again) */
    R_ASSIGN,       /* POST   /cases/:code/assignments  {"user_id": spare} */
    R_UNASSIGN,     /* DELETE /cases/:code/assignments/:spare (spare assigned first) */
    R_SCREEN_LIST,  /* GET    /cases/:code/screenings */
    R_SCREEN_ADD,   /* POST   /cases/:code/screenings (an urgent-needs checklist) */
    R_NEEDS,        /* GET    /cases/:code/needs */
    R_STAGES,       /* GET    /cases/:code/stages */
    R_CLOSE,        /* POST   /cases/:code/close {"reason": "recovered"} (reopened after) */
    R_FORMS,        /* GET    /cases/:code/assessments */
    R_FORM_ADD,     /* POST   /cases/:code/interactions */
    R_TASK_ADD,     /* POST   /cases/:code/tasks (assigned to whoever adds it) */
    R_CHILD_RECORD, /* GET    /cases/:code/child-record */
    R_CONSENTS,     /* GET    /cases/:code/consents */
    CASE_ROUTES
} case_route;

static const char *const route_names[CASE_ROUTES] = {
    "GET /cases/:code", "PATCH /cases/:code", "GET /cases/:code/personal",
    "PUT /cases/:code/personal", "POST /cases/:code/assignments",
    "DELETE /cases/:code/assignments/:user", "GET /cases/:code/screenings",
    "POST /cases/:code/screenings", "GET /cases/:code/needs", "GET /cases/:code/stages",
    "POST /cases/:code/close", "GET /cases/:code/assessments", "POST /cases/:code/interactions",
    "POST /cases/:code/tasks", "GET /cases/:code/child-record", "GET /cases/:code/consents"};

typedef struct {
    case_route route;
    int kase;
    int status[ACTORS];
} case_expectation;

/* clang-format off */
static const case_expectation case_matrix[] = {
/*  route           case      admin a.sup a.cm1 a.cm2 a.fr1 a.fr2 a.anl a.aud b.sup b.cm  b.fr  nobody */
    {R_READ,         CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_READ,         CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_READ,         CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_READ,         CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    {R_PATCH,        CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_PATCH,        CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_PATCH,        CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_PATCH,        CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    {R_PERSONAL_GET, CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_PERSONAL_GET, CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_PERSONAL_GET, CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_PERSONAL_GET, CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    {R_PERSONAL_PUT, CASE_A1, {403,  204,  404,  404,  204,  404,  403,  403,  404,  404,  404,  401}},
    {R_PERSONAL_PUT, CASE_A2, {403,  204,  204,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_PERSONAL_PUT, CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  204,  404,  204,  401}},
    {R_PERSONAL_PUT, CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  204,  204,  404,  401}},

    /* Screenings follow the case: listing them like reading the case, recording one
     * (its answers are personal data) like changing the personal part. They come
     * before assignments, which hand A1 and B1 over for good. */
    {R_SCREEN_LIST,  CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_SCREEN_LIST,  CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_SCREEN_LIST,  CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_SCREEN_LIST,  CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    {R_SCREEN_ADD,   CASE_A1, {403,  201,  404,  404,  201,  404,  403,  403,  404,  404,  404,  401}},
    {R_SCREEN_ADD,   CASE_A2, {403,  201,  201,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_SCREEN_ADD,   CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  201,  404,  201,  401}},
    {R_SCREEN_ADD,   CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  201,  201,  404,  401}},

    {R_NEEDS,        CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_NEEDS,        CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_NEEDS,        CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_NEEDS,        CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    /* The stage history reads like the case. Closing is for supervisors and the case's
     * own case managers; a first responder never closes a case (403). */
    {R_STAGES,       CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_STAGES,       CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_STAGES,       CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_STAGES,       CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    {R_CLOSE,        CASE_A1, {403,  200,  404,  404,  403,  403,  403,  403,  404,  404,  403,  401}},
    {R_CLOSE,        CASE_A2, {403,  200,  200,  404,  403,  403,  403,  403,  404,  404,  403,  401}},
    {R_CLOSE,        CASE_B1, {403,  404,  404,  404,  403,  403,  403,  403,  200,  404,  403,  401}},
    {R_CLOSE,        CASE_B2, {403,  404,  404,  404,  403,  403,  403,  403,  200,  200,  403,  401}},

    /* Forms and tasks: listing reads like the case; adding one (its text is personal
     * data) like changing the personal part. The child's own record is handed over by
     * a supervisor or the child's case manager, never a first responder. */
    {R_FORMS,        CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_FORMS,        CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_FORMS,        CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_FORMS,        CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    {R_FORM_ADD,     CASE_A1, {403,  201,  404,  404,  201,  404,  403,  403,  404,  404,  404,  401}},
    {R_FORM_ADD,     CASE_A2, {403,  201,  201,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_FORM_ADD,     CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  201,  404,  201,  401}},
    {R_FORM_ADD,     CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  201,  201,  404,  401}},

    {R_TASK_ADD,     CASE_A1, {403,  201,  404,  404,  201,  404,  403,  403,  404,  404,  404,  401}},
    {R_TASK_ADD,     CASE_A2, {403,  201,  201,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_TASK_ADD,     CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  201,  404,  201,  401}},
    {R_TASK_ADD,     CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  201,  201,  404,  401}},

    {R_CHILD_RECORD, CASE_A1, {403,  200,  404,  404,  403,  403,  403,  403,  404,  404,  403,  401}},
    {R_CHILD_RECORD, CASE_A2, {403,  200,  200,  404,  403,  403,  403,  403,  404,  404,  403,  401}},
    {R_CHILD_RECORD, CASE_B1, {403,  404,  404,  404,  403,  403,  403,  403,  200,  404,  403,  401}},
    {R_CHILD_RECORD, CASE_B2, {403,  404,  404,  404,  403,  403,  403,  403,  200,  200,  403,  401}},

    {R_CONSENTS,     CASE_A1, {403,  200,  404,  404,  200,  404,  403,  403,  404,  404,  404,  401}},
    {R_CONSENTS,     CASE_A2, {403,  200,  200,  404,  404,  404,  403,  403,  404,  404,  404,  401}},
    {R_CONSENTS,     CASE_B1, {403,  404,  404,  404,  404,  404,  403,  403,  200,  404,  200,  401}},
    {R_CONSENTS,     CASE_B2, {403,  404,  404,  404,  404,  404,  403,  403,  200,  200,  404,  401}},

    /* Only supervisors assign: every other role is refused before the case is looked
     * up (403), a supervisor of another organisation does not see the case (404). */
    {R_ASSIGN,       CASE_A1, {403,  201,  403,  403,  403,  403,  403,  403,  404,  403,  403,  401}},
    {R_ASSIGN,       CASE_A2, {403,  201,  403,  403,  403,  403,  403,  403,  404,  403,  403,  401}},
    {R_ASSIGN,       CASE_B1, {403,  404,  403,  403,  403,  403,  403,  403,  201,  403,  403,  401}},
    {R_ASSIGN,       CASE_B2, {403,  404,  403,  403,  403,  403,  403,  403,  201,  403,  403,  401}},

    {R_UNASSIGN,     CASE_A1, {403,  204,  403,  403,  403,  403,  403,  403,  404,  403,  403,  401}},
    {R_UNASSIGN,     CASE_A2, {403,  204,  403,  403,  403,  403,  403,  403,  404,  403,  403,  401}},
    {R_UNASSIGN,     CASE_B1, {403,  404,  403,  403,  403,  403,  403,  403,  204,  403,  403,  401}},
    {R_UNASSIGN,     CASE_B2, {403,  404,  403,  403,  403,  403,  403,  403,  204,  403,  403,  401}},
};
/* clang-format on */

typedef enum { BODY_NONE, BODY_CASE, BODY_ORG, BODY_USER, BODY_PASSWORD, BODY_ANSWERS, BODY_FACTS } body_kind;

typedef struct {
    const char *method;
    const char *path;
    body_kind body;
    int status[ACTORS];
} route_expectation;

/* clang-format off */
static const route_expectation route_matrix[] = {
/*  method    path                                       body            admin a.sup a.cm1 a.cm2 a.fr1 a.fr2 a.anl a.aud b.sup b.cm  b.fr  nobody */
    {"GET",    "/api/v1/cases",                          BODY_NONE,     {403,  200,  200,  200,  200,  200,  403,  403,  200,  200,  200,  401}},
    {"POST",   "/api/v1/cases",                          BODY_CASE,     {403,  201,  201,  201,  201,  201,  403,  403,  201,  201,  201,  401}},
    {"GET",    "/api/v1/orgs",                           BODY_NONE,     {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
    {"POST",   "/api/v1/orgs",                           BODY_ORG,      {201,  403,  403,  403,  403,  403,  403,  403,  403,  403,  403,  401}},
    {"GET",    "/api/v1/users",                          BODY_NONE,     {200,  200,  403,  403,  403,  403,  403,  403,  200,  403,  403,  401}},
    {"POST",   "/api/v1/users",                          BODY_USER,     {201,  403,  403,  403,  403,  403,  403,  403,  403,  403,  403,  401}},
    {"POST",   "/api/v1/users/" DISABLE_TARGET "/disable", BODY_NONE,   {204,  403,  403,  403,  403,  403,  403,  403,  403,  403,  403,  401}},
    {"PUT",    "/api/v1/users/" PASSWORD_TARGET "/password", BODY_PASSWORD, {204, 403, 403, 403, 403, 403,  403,  403,  403,  403,  403,  401}},
    /* confirming an account that is not waiting (made on the server): 409 for its own
     * supervisor, hidden from the other organisation's */
    {"POST",   "/api/v1/users/" PASSWORD_TARGET "/confirm", BODY_NONE,  {403,  409,  403,  403,  403,  403,  403,  403,  404,  403,  403,  401}},
    {"GET",    "/api/v1/audit",                          BODY_NONE,     {403,  403,  403,  403,  403,  403,  403,  200,  403,  403,  403,  401}},
    {"GET",    "/api/v1/audit/verify",                   BODY_NONE,     {403,  403,  403,  403,  403,  403,  403,  200,  403,  403,  403,  401}},
    {"GET",    "/api/v1/access-grants",                  BODY_NONE,     {403,  403,  403,  403,  403,  403,  403,  200,  403,  403,  403,  401}},
    /* The service directory is for everyone to search; agreements are seen by the
     * parties' case roles, admins and auditors, never by analysts. */
    {"GET",    "/api/v1/services",                       BODY_NONE,     {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
    {"GET",    "/api/v1/agreements",                     BODY_NONE,     {200,  200,  200,  200,  200,  200,  403,  200,  200,  200,  200,  401}},
    {"GET",    "/api/v1/session",                        BODY_NONE,     {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
    {"GET",    "/api/v1/vocab",                          BODY_NONE,     {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
    /* Instruments and the qualification helper hold no case data: every role may use
     * them (trainers practise with them). */
    {"GET",    "/api/v1/instruments",                    BODY_NONE,     {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
    {"GET",    "/api/v1/instruments/greenbaum-12",       BODY_NONE,     {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
    {"POST",   "/api/v1/instruments/urgent-needs/score", BODY_ANSWERS,  {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
    {"POST",   "/api/v1/qualify",                        BODY_FACTS,    {200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  401}},
};
/* clang-format on */

/* What GET /cases shows each actor (the four cases only: this runs before any other
 * case is created). status 403 means the role may not list cases at all. */
typedef struct {
    int actor;
    int status;
    bool sees[CASES];
} list_expectation;

/* clang-format off */
static const list_expectation list_matrix[] = {
/*   actor      status   A1     A2     B1     B2 */
    {ADMIN,     403,   {false, false, false, false}},
    {A_SUP,     200,   {true,  true,  false, false}},
    {A_CM1,     200,   {false, true,  false, false}},
    {A_CM2,     200,   {false, false, false, false}},
    {A_FR1,     200,   {true,  false, false, false}},
    {A_FR2,     200,   {false, false, false, false}},
    {A_ANALYST, 403,   {false, false, false, false}},
    {A_AUDITOR, 403,   {false, false, false, false}},
    {B_SUP,     200,   {false, false, true,  true}},
    {B_CM,      200,   {false, false, false, true}},
    {B_FR,      200,   {false, false, true,  false}},
    {NOBODY,    401,   {false, false, false, false}},
};
/* clang-format on */

/* Field names of the personal part: none may ever appear outside /personal. */
static const char *const personal_keys[] = {"\"given_name\"", "\"family_name\"",
                                            "\"patronymic\"", "\"birth_date\"",
                                            "\"iin\"",        "\"personal\"",
                                            "\"address\"",    "\"phone\"",
                                            NULL};

/* ---- the fixture --------------------------------------------------------------- */

typedef struct {
    qgt_env env;
    int64_t org[ORGS];
    int64_t user_id[ACTORS];
    int64_t spare_id[ORGS];
    qgt_session s[ACTORS];
    char code[CASES][32];
    char iin[CASES][13];
    json_t *personal[CASES]; /* what each case's personal part holds */
    int opener_saw_a2_before_handover;
    int opener_saw_a2_after_handover;
    int serial; /* for unique names in create rows */
} fixture;

static fixture fx;

static const char *actor_name(int actor)
{
    return actor == NOBODY ? "nobody" : actor_defs[actor].login;
}

static int supervisor_of(int org) { return org == ORG_A ? A_SUP : B_SUP; }

static const qgt_session *session_of(int actor)
{
    return actor == NOBODY ? NULL : &fx.s[actor];
}

/* Sends a request and returns the status, freeing the response (-1: no answer). */
static int status_of(httpc_response *r)
{
    int status = r ? r->status : -1;
    httpc_response_free(r);
    return status;
}

static json_t *json_of(const httpc_response *r)
{
    return r ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
}

static void case_path(int kase, const char *suffix, char *out, size_t size)
{
    snprintf(out, size, "/api/v1/cases/%s%s", fx.code[kase], suffix ? suffix : "");
}

/* The case's version as its organisation's supervisor sees it, or -1. */
static int64_t case_version(int kase)
{
    char path[CASE_PATH_MAX];
    case_path(kase, NULL, path, sizeof path);
    httpc_response *r = qgt_call(&fx.env, &fx.s[supervisor_of(case_org[kase])], "GET", path, NULL);
    json_t *o = r && r->status == 200 ? json_of(r) : NULL;
    int64_t v = o ? (int64_t)json_integer_value(json_object_get(o, "version")) : -1;
    json_decref(o);
    httpc_response_free(r);
    return v;
}

/* The supervisor of the case's organisation assigns (or removes) the spare case
 * manager; returns the status. */
static int owner_assign_spare(int kase, bool assign)
{
    int org = case_org[kase];
    char path[CASE_PATH_MAX], body[64];
    if (assign) {
        case_path(kase, "/assignments", path, sizeof path);
        snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.spare_id[org]);
        return status_of(qgt_call(&fx.env, &fx.s[supervisor_of(org)], "POST", path, body));
    }
    char suffix[64];
    snprintf(suffix, sizeof suffix, "/assignments/%lld", (long long)fx.spare_id[org]);
    case_path(kase, suffix, path, sizeof path);
    return status_of(qgt_call(&fx.env, &fx.s[supervisor_of(org)], "DELETE", path, NULL));
}

/* ---- group setup --------------------------------------------------------------- */

static char *case_create_body(int kase)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:O}", "sex",
                             sexes[kase] == 'F' ? "Feminine" : "Masculine", "region",
                             case_region[kase], "citizenship", "KZ", "identified_on",
                             "2024-05-01", "personal", fx.personal[kase]);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

/* Opens case kase as its opener; returns false on any surprise. */
static bool open_case(int kase)
{
    char *body = case_create_body(kase);
    httpc_response *r = qgt_call(&fx.env, &fx.s[case_opener[kase]], "POST", "/api/v1/cases", body);
    free(body);
    json_t *o = r && r->status == 201 ? json_of(r) : NULL;
    const char *code = json_string_value(json_object_get(o, "code"));
    bool ok = code && strlen(code) < sizeof fx.code[kase];
    if (ok)
        snprintf(fx.code[kase], sizeof fx.code[kase], "%s", code);
    else
        fprintf(stderr, "setup: opening case %s failed (status %d)\n", case_names[kase],
                r ? r->status : -1);
    json_decref(o);
    httpc_response_free(r);
    return ok;
}

/* The supervisor of the case's organisation hands it over to its case manager. */
static bool hand_over(int kase)
{
    int org = case_org[kase];
    char path[CASE_PATH_MAX], body[64];
    case_path(kase, "/assignments", path, sizeof path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}",
             (long long)fx.user_id[case_manager_of[kase]]);
    int status = status_of(qgt_call(&fx.env, &fx.s[supervisor_of(org)], "POST", path, body));
    if (status != 201)
        fprintf(stderr, "setup: handing over %s failed (status %d)\n", case_names[kase], status);
    return status == 201;
}

static bool make_people(void)
{
    fx.org[ORG_A] = qgt_org(&fx.env, "Access NGO A", "ngo", "almaty");
    fx.org[ORG_B] = qgt_org(&fx.env, "Access Police B", "police", "astana");
    if (fx.org[ORG_A] <= 0 || fx.org[ORG_B] <= 0)
        return false;
    for (int a = 0; a < NOBODY; a++) {
        fx.user_id[a] = qgt_user(&fx.env, fx.org[actor_defs[a].org], actor_defs[a].login,
                                 actor_defs[a].role, PASSWORD);
        if (fx.user_id[a] <= 0)
            return false;
    }
    for (int o = 0; o < ORGS; o++)
        if ((fx.spare_id[o] = qgt_user(&fx.env, fx.org[o], spare_logins[o], "case_manager",
                                       PASSWORD)) <= 0)
            return false;
    return qgt_user(&fx.env, fx.org[ORG_A], DISABLE_TARGET, "analyst", PASSWORD) > 0 &&
           qgt_user(&fx.env, fx.org[ORG_A], PASSWORD_TARGET, "analyst", PASSWORD) > 0;
}

static void make_children(void)
{
    static const int birth[CASES][3] = {{2011, 3, 4}, {2009, 11, 30}, {2012, 7, 15}, {2008, 1, 9}};
    for (int k = 0; k < CASES; k++) {
        char birth_date[11];
        qgt_make_iin(birth[k][0], birth[k][1], birth[k][2], sexes[k], 100 + 37 * k, fx.iin[k]);
        snprintf(birth_date, sizeof birth_date, "%04d-%02d-%02d", birth[k][0], birth[k][1],
                 birth[k][2]);
        fx.personal[k] = json_pack("{s:s, s:s, s:s, s:s}", "given_name", given_names[k],
                                   "family_name", family_names[k], "birth_date", birth_date,
                                   "iin", fx.iin[k]);
    }
}

static int group_setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof fx);
    if (!qgt_env_init(&fx.env) || !make_people())
        return -1;
    make_children();
    if (!qgt_server_start(&fx.env, NULL))
        return -1;
    for (int a = 0; a < NOBODY; a++)
        if (qgt_login(&fx.env, actor_defs[a].login, PASSWORD, &fx.s[a]) != 201)
            return -1;
    for (int k = 0; k < CASES; k++)
        if (!open_case(k))
            return -1;
    char path[CASE_PATH_MAX];
    case_path(CASE_A2, NULL, path, sizeof path);
    fx.opener_saw_a2_before_handover = status_of(qgt_call(&fx.env, &fx.s[A_FR1], "GET", path, NULL));
    if (!hand_over(CASE_A2) || !hand_over(CASE_B2))
        return -1;
    fx.opener_saw_a2_after_handover = status_of(qgt_call(&fx.env, &fx.s[A_FR1], "GET", path, NULL));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int k = 0; k < CASES; k++)
        json_decref(fx.personal[k]);
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- tests --------------------------------------------------------------------- */

/* The opener sees a case until it is handed over to a case manager, then not at all. */
static void test_handover_hides_case_from_opener(void **state)
{
    (void)state;
    assert_int_equal(fx.opener_saw_a2_before_handover, 200);
    assert_int_equal(fx.opener_saw_a2_after_handover, 404);
    char path[CASE_PATH_MAX];
    case_path(CASE_A2, "/personal", path, sizeof path);
    assert_int_equal(status_of(qgt_call(&fx.env, &fx.s[A_FR1], "GET", path, NULL)), 404);
    /* The supervisor sees the handover: a.cm1 is the case manager. */
    case_path(CASE_A2, NULL, path, sizeof path);
    httpc_response *r = qgt_call(&fx.env, &fx.s[A_SUP], "GET", path, NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r);
    json_t *managers = json_object_get(o, "case_managers");
    assert_int_equal(json_array_size(managers), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(managers, 0), "user_id")),
                     fx.user_id[A_CM1]);
    json_decref(o);
    httpc_response_free(r);
}

static bool body_has_personal_data(const httpc_response *r)
{
    for (const char *const *k = personal_keys; *k; k++)
        if (strstr(r->body, *k))
            return true;
    for (int c = 0; c < CASES; c++)
        if (strstr(r->body, given_names[c]) || strstr(r->body, family_names[c]) ||
            strstr(r->body, fx.iin[c]))
            return true;
    return false;
}

/* GET /cases shows each actor exactly the cases it may see, and no personal data. */
static void test_case_lists(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof list_matrix / sizeof list_matrix[0]; i++) {
        const list_expectation *x = &list_matrix[i];
        httpc_response *r = qgt_call(&fx.env, session_of(x->actor), "GET", "/api/v1/cases?limit=200", NULL);
        assert_non_null(r);
        if (r->status != x->status) {
            print_error("GET /cases as %s: expected %d, got %d\n", actor_name(x->actor), x->status,
                        r->status);
            failures++;
        }
        if (body_has_personal_data(r)) {
            print_error("GET /cases as %s: personal data in the list\n", actor_name(x->actor));
            failures++;
        }
        if (r->status == 200) {
            json_t *o = json_of(r);
            json_t *cases = json_object_get(o, "cases");
            bool listed[CASES] = {false};
            size_t n = json_array_size(cases), expected = 0;
            for (size_t j = 0; j < n; j++) {
                const char *code = json_string_value(json_object_get(json_array_get(cases, j), "code"));
                bool known = false;
                for (int k = 0; k < CASES; k++)
                    if (code && strcmp(code, fx.code[k]) == 0)
                        listed[k] = known = true;
                if (!known) {
                    print_error("GET /cases as %s: unexpected case listed\n", actor_name(x->actor));
                    failures++;
                }
            }
            for (int k = 0; k < CASES; k++) {
                expected += x->sees[k];
                if (listed[k] != x->sees[k]) {
                    print_error("GET /cases as %s: case %s %s\n", actor_name(x->actor), case_names[k],
                                x->sees[k] ? "missing" : "listed but must not be");
                    failures++;
                }
            }
            if (n != expected) {
                print_error("GET /cases as %s: %zu cases, expected %zu\n", actor_name(x->actor), n,
                            expected);
                failures++;
            }
            json_decref(o);
        }
        httpc_response_free(r);
    }
    assert_int_equal(failures, 0);
}

/* A case hidden from the actor is answered byte for byte like a case that does not
 * exist, so other organisations cannot learn that it does. */
static void test_hidden_case_answers_like_absent_case(void **state)
{
    (void)state;
    char absent[QG_CODE_SIZE], path[CASE_PATH_MAX];
    child_code_new(absent);
    for (int route = 0; route < 2; route++) {
        const char *suffix = route == 0 ? "" : "/personal";
        snprintf(path, sizeof path, "/api/v1/cases/%s%s", absent, suffix);
        httpc_response *none = qgt_call(&fx.env, &fx.s[B_SUP], "GET", path, NULL);
        case_path(CASE_A1, suffix, path, sizeof path);
        httpc_response *hidden = qgt_call(&fx.env, &fx.s[B_SUP], "GET", path, NULL);
        assert_non_null(none);
        assert_non_null(hidden);
        assert_int_equal(none->status, 404);
        assert_int_equal(hidden->status, 404);
        assert_string_equal(none->body, hidden->body);
        assert_null(strstr(hidden->body, fx.code[CASE_A1]));
        httpc_response_free(none);
        httpc_response_free(hidden);
    }
}

static const char *expected_error_code(int status)
{
    switch (status) {
    case 401:
        return "unauthenticated";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    default:
        return NULL;
    }
}

/* Checks what a successful or refused answer carries; returns the problems found. */
static int check_answer(const case_expectation *x, int actor, const httpc_response *r)
{
    int problems = 0;
    json_t *o = json_of(r);
    const char *want_code = expected_error_code(x->status[actor]);
    if (want_code) {
        const char *got = json_string_value(json_object_get(json_object_get(o, "error"), "code"));
        if (!got || strcmp(got, want_code) != 0) {
            print_error("%s on %s as %s: error code is not %s\n", route_names[x->route],
                        case_names[x->kase], actor_name(actor), want_code);
            problems++;
        }
    }
    if (x->route == R_PERSONAL_GET && r->status == 200 &&
        !json_equal(json_object_get(o, "personal"), fx.personal[x->kase])) {
        print_error("GET personal of %s as %s: not what was stored\n", case_names[x->kase],
                    actor_name(actor));
        problems++;
    }
    if (x->route == R_CHILD_RECORD && r->status == 200) {
        /* the child's own name is in it; the IIN (only the child's, but never needed
         * there) and the other children's names are not */
        bool others = false;
        for (int c = 0; c < CASES; c++)
            others |= c != x->kase && strstr(r->body, given_names[c]) != NULL;
        if (!strstr(r->body, given_names[x->kase]) || strstr(r->body, fx.iin[x->kase]) || others) {
            print_error("child record of %s as %s: wrong personal data\n", case_names[x->kase],
                        actor_name(actor));
            problems++;
        }
    } else if (x->route != R_PERSONAL_GET && body_has_personal_data(r)) {
        print_error("%s on %s as %s: personal data in the answer\n", route_names[x->route],
                    case_names[x->kase], actor_name(actor));
        problems++;
    }
    json_decref(o);
    return problems;
}

static httpc_response *send_case_route(const case_expectation *x, int actor)
{
    char path[CASE_PATH_MAX], suffix[64], body[BODY_MAX];
    const char *method = "GET", *payload = NULL;
    int org = case_org[x->kase];
    switch (x->route) {
    case R_READ:
        case_path(x->kase, NULL, path, sizeof path);
        break;
    case R_PATCH:
        method = "PATCH";
        case_path(x->kase, NULL, path, sizeof path);
        snprintf(body, sizeof body, "{\"region\":\"%s\"}", case_region[x->kase]);
        payload = body;
        break;
    case R_PERSONAL_GET:
        case_path(x->kase, "/personal", path, sizeof path);
        break;
    case R_PERSONAL_PUT: {
        method = "PUT";
        case_path(x->kase, "/personal", path, sizeof path);
        json_t *wrap = json_pack("{s:O}", "personal", fx.personal[x->kase]);
        char *text = json_dumps(wrap, JSON_COMPACT);
        json_decref(wrap);
        snprintf(body, sizeof body, "%s", text ? text : "");
        free(text);
        payload = body;
        break;
    }
    case R_ASSIGN:
        method = "POST";
        case_path(x->kase, "/assignments", path, sizeof path);
        snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.spare_id[org]);
        payload = body;
        break;
    case R_UNASSIGN:
        method = "DELETE";
        snprintf(suffix, sizeof suffix, "/assignments/%lld", (long long)fx.spare_id[org]);
        case_path(x->kase, suffix, path, sizeof path);
        break;
    case R_SCREEN_LIST:
        case_path(x->kase, "/screenings", path, sizeof path);
        break;
    case R_SCREEN_ADD:
        method = "POST";
        case_path(x->kase, "/screenings", path, sizeof path);
        payload = "{\"instrument\":\"urgent-needs\",\"mode\":\"interviewer\",\"language\":\"ru\","
                  "\"answers\":{\"language\":\"yes\"}}";
        break;
    case R_NEEDS:
        case_path(x->kase, "/needs", path, sizeof path);
        break;
    case R_STAGES:
        case_path(x->kase, "/stages", path, sizeof path);
        break;
    case R_CLOSE:
        method = "POST";
        case_path(x->kase, "/close", path, sizeof path);
        payload = "{\"reason\":\"recovered\"}";
        break;
    case R_FORMS:
        case_path(x->kase, "/assessments", path, sizeof path);
        break;
    case R_FORM_ADD:
        method = "POST";
        case_path(x->kase, "/interactions", path, sizeof path);
        payload = "{\"channel\":\"online\",\"participants\":[\"child\"],\"summary\":\"matrix call\"}";
        break;
    case R_TASK_ADD:
        method = "POST";
        case_path(x->kase, "/tasks", path, sizeof path);
        payload = "{\"title\":\"matrix task\",\"due_on\":\"2030-01-01\"}";
        break;
    case R_CHILD_RECORD:
        case_path(x->kase, "/child-record?lang=ru", path, sizeof path);
        break;
    case R_CONSENTS:
        case_path(x->kase, "/consents", path, sizeof path);
        break;
    case CASE_ROUTES:
        break;
    }
    return qgt_call(&fx.env, session_of(actor), method, path, payload);
}

/* Reopens case k as its organisation's supervisor; returns the HTTP status. */
static int reopen_case(int k)
{
    char path[CASE_PATH_MAX];
    case_path(k, "/reopen", path, sizeof path);
    httpc_response *r = qgt_call(&fx.env, &fx.s[supervisor_of(case_org[k])], "POST", path,
                                 "{\"note\":\"matrix row undone\"}");
    int status = r ? r->status : -1;
    httpc_response_free(r);
    return status;
}

/* Runs one cell of the case matrix; returns the number of problems found. */
static int run_case_cell(const case_expectation *x, int actor)
{
    int problems = 0;
    bool allowed = x->status[actor] >= 200 && x->status[actor] < 300;
    if (x->route == R_UNASSIGN && owner_assign_spare(x->kase, true) != 201) {
        print_error("preparing %s on %s: could not assign the spare\n", route_names[x->route],
                    case_names[x->kase]);
        return 1;
    }
    int64_t before = case_version(x->kase);
    httpc_response *r = send_case_route(x, actor);
    int got = r ? r->status : -1;
    if (got != x->status[actor]) {
        print_error("%s on %s as %s: expected %d, got %d\n", route_names[x->route],
                    case_names[x->kase], actor_name(actor), x->status[actor], got);
        problems++;
    }
    if (r)
        problems += check_answer(x, actor, r);
    httpc_response_free(r);
    /* A closed case is reopened by its supervisor, so later rows find it open. */
    if (x->route == R_CLOSE && allowed && reopen_case(x->kase) != 200) {
        print_error("%s on %s as %s: could not reopen\n", route_names[x->route], case_names[x->kase],
                    actor_name(actor));
        problems++;
    }
    /* Did exactly what was allowed change? PATCH and PUT bump the version, closing
     * and reopening bump it twice. */
    bool writes = x->route == R_PATCH || x->route == R_PERSONAL_PUT;
    int64_t grew = !allowed ? 0 : writes ? 1 : x->route == R_CLOSE ? 2 : 0;
    int64_t after = case_version(x->kase);
    if (after != before + grew) {
        print_error("%s on %s as %s: version went from %lld to %lld\n", route_names[x->route],
                    case_names[x->kase], actor_name(actor), (long long)before, (long long)after);
        problems++;
    }
    /* Assignments: undo, and check that the state was what the answer claimed. */
    if (x->route == R_ASSIGN || x->route == R_UNASSIGN) {
        bool spare_assigned = x->route == R_ASSIGN ? allowed : !allowed;
        int undo = owner_assign_spare(x->kase, false);
        if (undo != (spare_assigned ? 204 : 404)) {
            print_error("%s on %s as %s: the spare was %s assigned afterwards\n",
                        route_names[x->route], case_names[x->kase], actor_name(actor),
                        spare_assigned ? "not" : "still");
            problems++;
        }
    }
    return problems;
}

/* Every actor against every case route and every case. */
static void test_case_route_matrix(void **state)
{
    (void)state;
    int problems = 0, cells = 0;
    for (size_t i = 0; i < sizeof case_matrix / sizeof case_matrix[0]; i++)
        for (int actor = 0; actor < ACTORS; actor++, cells++)
            problems += run_case_cell(&case_matrix[i], actor);
    assert_int_equal(cells, CASE_ROUTES * CASES * ACTORS);
    assert_int_equal(problems, 0);
    /* Nothing in the matrix changed who manages what. */
    for (int k = 0; k < CASES; k++) {
        char path[CASE_PATH_MAX];
        case_path(k, NULL, path, sizeof path);
        httpc_response *r = qgt_call(&fx.env, &fx.s[supervisor_of(case_org[k])], "GET", path, NULL);
        json_t *o = json_of(r);
        json_t *managers = json_object_get(o, "case_managers");
        assert_int_equal(json_array_size(managers), case_manager_of[k] < 0 ? 0 : 1);
        json_decref(o);
        httpc_response_free(r);
    }
}

static void route_body(body_kind kind, char *out, size_t size)
{
    int n = ++fx.serial;
    out[0] = '\0';
    switch (kind) {
    case BODY_NONE:
        break;
    case BODY_CASE:
        snprintf(out, size, "{\"sex\":\"Feminine\",\"region\":\"almaty\"}");
        break;
    case BODY_ORG:
        snprintf(out, size, "{\"name\":\"Matrix Org %d\",\"type\":\"ngo\",\"region\":\"almaty\"}", n);
        break;
    case BODY_USER:
        snprintf(out, size,
                 "{\"org_id\":%lld,\"login\":\"matrix.user%d\",\"role\":\"analyst\","
                 "\"password\":\"matrix-user-password\"}",
                 (long long)fx.org[ORG_A], n);
        break;
    case BODY_PASSWORD:
        snprintf(out, size, "{\"password\":\"another-password-%d\"}", n);
        break;
    case BODY_ANSWERS:
        snprintf(out, size, "{\"answers\":{\"pregnancy\":\"yes\"}}");
        break;
    case BODY_FACTS:
        snprintf(out, size, "{\"acts\":[\"recruitment\"],\"purposes\":[\"forced_labour\"],\"age\":15}");
        break;
    }
}

/* Every actor against every route that is not about one case. */
static void test_other_route_matrix(void **state)
{
    (void)state;
    int problems = 0;
    for (size_t i = 0; i < sizeof route_matrix / sizeof route_matrix[0]; i++) {
        const route_expectation *x = &route_matrix[i];
        for (int actor = 0; actor < ACTORS; actor++) {
            char body[BODY_MAX];
            route_body(x->body, body, sizeof body);
            httpc_response *r = qgt_call(&fx.env, session_of(actor), x->method, x->path,
                                         x->body == BODY_NONE ? NULL : body);
            int got = r ? r->status : -1;
            if (got != x->status[actor]) {
                print_error("%s %s as %s: expected %d, got %d\n", x->method, x->path,
                            actor_name(actor), x->status[actor], got);
                problems++;
            }
            const char *want_code = expected_error_code(x->status[actor]);
            if (r && want_code) {
                json_t *o = json_of(r);
                const char *code = json_string_value(json_object_get(json_object_get(o, "error"), "code"));
                if (!code || strcmp(code, want_code) != 0) {
                    print_error("%s %s as %s: error code is not %s\n", x->method, x->path,
                                actor_name(actor), want_code);
                    problems++;
                }
                json_decref(o);
            }
            httpc_response_free(r);
        }
    }
    assert_int_equal(problems, 0);
}

/* A supervisor's user list holds their own organisation only; an admin's holds all. */
static void test_user_lists_are_scoped(void **state)
{
    (void)state;
    const int who[] = {A_SUP, B_SUP, ADMIN};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        httpc_response *r = qgt_call(&fx.env, &fx.s[who[i]], "GET", "/api/v1/users", NULL);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        assert_null(strstr(r->body, "pw_hash"));
        assert_null(strstr(r->body, "$argon2"));
        json_t *o = json_of(r);
        json_t *users = json_object_get(o, "users");
        bool seen[ORGS] = {false, false};
        size_t j;
        json_t *u;
        json_array_foreach(users, j, u) {
            int64_t org = json_integer_value(json_object_get(u, "org_id"));
            for (int g = 0; g < ORGS; g++)
                seen[g] = seen[g] || org == fx.org[g];
        }
        if (who[i] == ADMIN) {
            assert_true(seen[ORG_A] && seen[ORG_B]);
        } else {
            int own = actor_defs[who[i]].org;
            assert_true(seen[own]);
            assert_false(seen[own == ORG_A ? ORG_B : ORG_A]);
        }
        json_decref(o);
        httpc_response_free(r);
    }
}

/* The server shuts down cleanly: exit status 0 means no sanitizer finding (leaks,
 * memory errors, undefined behaviour) in the server during the whole file. */
static void test_server_stops_cleanly(void **state)
{
    (void)state;
    int status = qgt_server_stop(&fx.env);
    if (status != 0) {
        char *log = qgt_read_file(fx.env.log, NULL);
        print_error("server log:\n%s\n", log ? log : "(none)");
        free(log);
    }
    assert_int_equal(status, 0);
    for (int k = 0; k < CASES; k++) {
        assert_false(qgt_file_contains(fx.env.log, given_names[k]));
        assert_false(qgt_file_contains(fx.env.log, fx.iin[k]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handover_hides_case_from_opener),
        cmocka_unit_test(test_case_lists), /* before any row creates cases */
        cmocka_unit_test(test_hidden_case_answers_like_absent_case),
        cmocka_unit_test(test_case_route_matrix),
        cmocka_unit_test(test_other_route_matrix),
        cmocka_unit_test(test_user_lists_are_scoped),
        cmocka_unit_test(test_server_stops_cleanly),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
