/*
 * policy.h — the one place that decides who may do what: role × organisation ×
 * relation to the case (opened it, assigned to it). Every service asks here before
 * it acts; nothing else in the program compares roles.
 *
 * A refusal is one of two kinds. FORBID (403) when the role may never do the thing,
 * decided before any case is looked up. HIDE (404) when the role could, but not for
 * this case: the case is answered as if it did not exist, so its existence never
 * leaks across organisations.
 */
#ifndef QG_POLICY_H
#define QG_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/account/actor.h"

typedef enum {
    ACT_CASE_CREATE,
    ACT_CASE_LIST,
    ACT_CASE_READ,
    ACT_CASE_UPDATE,
    ACT_PERSONAL_READ,
    ACT_PERSONAL_UPDATE,
    ACT_CASE_ASSIGN, /* assign or unassign a case manager */
    ACT_ORG_LIST,
    ACT_ORG_MANAGE,
    ACT_USER_LIST,
    ACT_USER_MANAGE,
    ACT_AUDIT_READ,
    ACT_REPORT_READ,
    ACT_CASE_CLOSE,   /* close or reopen a case */
    ACT_CHILD_RECORD, /* export the child's own record for the child (L2442-2444) */
    ACT_TASK_LIST,    /* list tasks across cases */
    ACT_DIRECTORY_MANAGE,   /* list an organisation's services (a supervisor: their own) */
    ACT_AGREEMENT_MANAGE,   /* record an agreement (a supervisor: one their org is party to) */
    ACT_REFERRAL_SEND,      /* refer a child the actor may read to another organisation */
    ACT_REFERRAL_RECEIVE,   /* see and answer referrals sent to the actor's organisation */
    ACT_REFERRAL_OVERRIDE,  /* refer without a valid agreement in an emergency (audited) */
    ACT_BREAK_GLASS,        /* take temporary access to a case outside one's scope */
    ACT_GRANT_REPORT,       /* read the report of break-the-glass access */
    ACT_USER_CONFIRM,       /* confirm a waiting account (which ones: policy_confirm) */
    ACT_CONTACT_ANSWER,     /* answer contact requests about the org's cases, see its IIN answers */
    ACT_OPERATION_MANAGE,   /* start and end an operation that lifts the IIN limit (own org) */
    ACT_CASE_WITHDRAW,      /* withdraw a case made only to probe (a case of the own org) */
    ACT_GRANT_DECIDE, /* approve, refuse, review access to the org's cases (policy_grant_decide) */
    ACT_COUNT
} qg_action;

typedef enum { POLICY_ALLOW = 0, POLICY_FORBID, POLICY_HIDE } policy_verdict;

/* How far a break-the-glass grant opens a case (docs/security.md "Break-the-glass"):
 * EMERGENCY the emergency fields of the case and of its personal part only, FULL the whole
 * file; either way read-only. */
typedef enum { GRANT_NONE = 0, GRANT_EMERGENCY, GRANT_FULL } grant_scope;

/* What the policy needs to know about one case. */
typedef struct {
    int64_t org_id;
    int64_t created_by;
    bool actor_assigned; /* the acting user is one of its case managers */
    int assigned_count;  /* how many case managers it has */
    bool handed_over;    /* it has had a case manager at some time */
    grant_scope grant;   /* the acting user's grant in effect on it, GRANT_NONE when none */
    bool part;           /* the question is about a record hanging on the case (a task, a
                          * form, a referral, its history...), not the case or its person */
    bool withdrawn;      /* withdrawn by a supervisor: read-only from then on */
} case_facts;

/* Which cases a role sees in lists; the store turns this into a WHERE clause. */
typedef enum {
    SCOPE_NONE,             /* lists nothing */
    SCOPE_ALL,              /* the system actor */
    SCOPE_ORG,              /* cases of the actor's organisation */
    SCOPE_ASSIGNED,         /* cases the actor is assigned to */
    SCOPE_OPENED_UNASSIGNED /* cases the actor opened that were never handed over */
} case_scope;

/* Returns the verdict for actor doing action. For case actions (READ, UPDATE,
 * PERSONAL_*, ASSIGN) pass the case's facts; pass NULL to ask whether the role may
 * do the action at all (the answer is then ALLOW or FORBID). A withdrawn case is
 * read-only: every action on it but reading (the case, its personal data, the child's
 * record) is FORBID (policy_withdrawn_blocks tells that refusal apart). Withdrawing is
 * for a supervisor of the case's own organisation (a break-the-glass grant is not
 * enough: HIDE). A case seen only through a grant is read-only too: every other action
 * is FORBID (policy_grant_blocks tells that refusal apart); a grant of scope EMERGENCY
 * opens the case and its personal part (shaped to the emergency fields by the case
 * services) but none of its records (facts->part: HIDE, as if absent). */
policy_verdict policy_decide(const qg_actor *actor, qg_action action, const case_facts *facts);

/* Returns the list scope of an actor; it agrees with policy_decide(ACT_CASE_READ)
 * for every case (a test checks this). */
case_scope policy_case_scope(const qg_actor *actor);

/* Which users an actor sees in the user list. */
typedef enum { USERS_NONE, USERS_ALL, USERS_OWN_ORG } user_scope;

/* Returns the user-list scope of an actor: all users for a system-wide admin or the
 * system, the actor's organisation for an admin of one organisation and for a supervisor
 * (to choose case managers and confirm accounts), none otherwise. */
user_scope policy_user_scope(const qg_actor *actor);

/* Whose tasks an actor sees in the task list across cases. */
typedef enum { TASKS_NONE, TASKS_ALL, TASKS_ORG, TASKS_OWN } task_scope;

/* Returns the task-list scope: the organisation's tasks for a supervisor (on cases
 * of the organisation), every task for the system, the tasks assigned to the actor
 * for a case manager or a first responder (on cases they still see), none otherwise. */
task_scope policy_task_scope(const qg_actor *actor);

/* Aggregates (reports, the anonymised dataset): the organisation whose cases the actor's
 * figures count, or 0 for every organisation — a supervisor's own, everyone else's
 * (analyst, system) all. */
int64_t policy_report_org(const qg_actor *actor);

/* Returns true when the actor's aggregates are always protected (small numbers
 * withheld, k never below the default), whatever they ask: the analyst role. */
bool policy_report_always_protected(const qg_actor *actor);

/* Returns true when the actor may export the anonymised dataset with any k, even 1 (the
 * system: the operator's own checks and tests). */
bool policy_dataset_any_k(const qg_actor *actor);

/* Returns true when a case the actor opens is assigned to the actor at once (a case
 * manager who opens a case manages it). */
bool policy_assigns_opener(const qg_actor *actor);

/* Returns true when the actor may say which organisation a new case belongs to (the
 * system only; everyone else opens cases for their own organisation). */
bool policy_chooses_case_org(const qg_actor *actor);

/* Returns true when an account made, or given a new password, by actor must wait for a
 * second person's confirmation before it can log in (docs/security.md "Who manages which
 * account"): whenever a person (not the system: the command line on the server) makes or
 * resets an account other than their own (target_user_id; 0 for one not made yet). */
bool policy_needs_confirmation(const qg_actor *actor, int64_t target_user_id);

/* What the policy needs to know about one account to decide who manages and confirms it. */
typedef struct {
    int64_t id;              /* the account (0 for one not made yet) */
    qg_role role;            /* the account's role */
    int64_t org_id;          /* its organisation */
    bool system_wide;        /* its reach is every organisation (made on the server) */
    int64_t pending_by;      /* who made it wait (made or reset it); 0: nobody or the system */
    bool org_has_supervisor; /* the organisation has another active, confirmed supervisor */
    bool org_has_cases;      /* the organisation holds at least one case */
} account_facts;

/* Returns the verdict for actor confirming the waiting account of facts (the one place
 * that decides it; the table of docs/security.md "Who manages which account"):
 *   - nobody confirms their own account, nor one they made or reset (FORBID), nor one
 *     made or reset by the person who made their own account or last set its password
 *     (actor->made_by == facts->pending_by: FORBID), so that nobody confirms through an
 *     account of their own making;
 *   - a supervisor confirms the case-role accounts (supervisor, case manager, first
 *     responder) of their own organisation;
 *   - an admin of the organisation or a system-wide admin confirms its admin, auditor and
 *     analyst accounts;
 *   - a system-wide admin confirms the first supervisor of an organisation that has no
 *     active supervisor who could, and no cases yet;
 *   - the system (the command line on the server) confirms any account;
 *   - another organisation's account is HIDE (absent) for everyone but a system-wide admin;
 *   - every other pair is FORBID.
 * With facts NULL: ALLOW when the role may confirm some account, else FORBID. */
policy_verdict policy_confirm(const qg_actor *actor, const account_facts *facts);

/* Returns who may confirm the waiting account of facts, as the code the interface words:
 * "supervisor" (of its organisation), "admin" (another admin of its organisation or a
 * system-wide admin), "system_admin" (a system-wide admin), "system" (only the command
 * line on the server). Static string. */
const char *policy_confirmer(const account_facts *facts);

/* The changes to an account that policy_account_change decides. */
typedef enum {
    ACCOUNT_CREATE,  /* make it (facts: the account to be) */
    ACCOUNT_RESET,   /* set its password or the name shown beside it */
    ACCOUNT_DISABLE  /* end its access (and its sessions) */
} account_change;

/* Returns the verdict for actor making the change to the account of facts: FORBID for a
 * role that never manages accounts (everyone but an admin and the system); HIDE for an
 * account of another organisation than an admin's own, unless the admin is system-wide;
 * FORBID for a system-wide account (made and reset only on the server; a system-wide
 * admin may disable one); else ALLOW. With facts NULL: whether the role manages accounts. */
policy_verdict policy_account_change(const qg_actor *actor, account_change kind,
                                     const account_facts *facts);

/* Returns the organisation whose audit entries (and break-the-glass grants) the actor
 * reads, or 0 for every organisation: the system and a system-wide auditor read all, an
 * auditor of one organisation reads what concerns it. */
int64_t policy_audit_org(const qg_actor *actor);

/* Returns true when the password actor sets for the account target_user_id is temporary:
 * it works for one login, after which the user must choose their own before doing
 * anything else. True when an admin sets someone else's password: a reset, or the
 * password chosen when making the account (target_user_id 0); false for the user's own
 * change and for the system (the operator on the server). */
bool policy_password_temporary(const qg_actor *actor, int64_t target_user_id);

/* Returns the verdict for actor managing what belongs to organisation org_id: its
 * entries in the service directory (ACT_DIRECTORY_MANAGE) or an agreement it is a party
 * to (ACT_AGREEMENT_MANAGE). ALLOW for a system-wide admin or the system (any
 * organisation) and for an admin or a supervisor of org_id; HIDE for an admin or a
 * supervisor of another organisation; FORBID for a
 * role that may never do the action. */
policy_verdict policy_org_manage(const qg_actor *actor, qg_action action, int64_t org_id);

/* Which agreements an actor sees in the register. */
typedef enum { AGREEMENTS_NONE, AGREEMENTS_ALL, AGREEMENTS_ORG } agreement_scope;

/* Returns the agreement scope: all for an admin, an auditor or the system; those the
 * actor's organisation is a party to for the case roles; none for an analyst. */
agreement_scope policy_agreement_scope(const qg_actor *actor);

/* Returns true when the case of facts is withdrawn and that alone keeps the actor, who
 * could otherwise, from doing action on it (a change to a read-only case). */
bool policy_withdrawn_blocks(const qg_actor *actor, qg_action action, const case_facts *facts);

/* Returns true when the actor sees the case of facts only through a grant and that alone
 * keeps them from doing action on it (a change: a grant only ever reads). */
bool policy_grant_blocks(const qg_actor *actor, qg_action action, const case_facts *facts);

/* Returns the scope through which the actor sees the case of facts: GRANT_NONE when they
 * see it without a grant (or not at all), else the grant's scope. The case services shape
 * their answers by it (the emergency fields only for GRANT_EMERGENCY). */
grant_scope policy_grant_view(const qg_actor *actor, const case_facts *facts);

/* Returns the verdict for actor deciding on (approving, refusing) or reviewing a
 * break-the-glass access to a case of organisation case_org asked for by requester_id:
 * ALLOW for a supervisor of case_org (or the system); FORBID for a role that never
 * decides and for the requester themselves; HIDE for a supervisor of another
 * organisation (the request is answered as absent). */
policy_verdict policy_grant_decide(const qg_actor *actor, int64_t case_org, int64_t requester_id);

/* Returns true when the actor's creations of cases with an IIN count against the hourly
 * limits (every person; not the system: the command line and imports on the server). */
bool policy_iin_limited(const qg_actor *actor);

/* Returns the action's stable name (e.g. "case.read") for tests and errors. */
const char *policy_action_name(qg_action action);

/* ---- what the interface is told (GET /session, each case answer) ---------------------- */

/* Returns true when the actor sees the case of facts only through a break-the-glass grant
 * (a supervisor on another organisation's case): the access is temporary and can be ended. */
bool policy_via_grant(const qg_actor *actor, const case_facts *facts);

/* Returns true when a user of role may be assigned to a case as its case manager. */
bool policy_assignable_role(qg_role role);

/* Returns the stable name of a list scope: "none", "all", "org", "assigned",
 * "opened_unassigned". */
const char *policy_case_scope_name(case_scope scope);

/* Returns how far the actor manages the service directory: "any" organisation (a
 * system-wide admin, the system), their "own" (a supervisor, an admin of one
 * organisation), or "none". */
const char *policy_directory_scope_name(const qg_actor *actor);

#endif
