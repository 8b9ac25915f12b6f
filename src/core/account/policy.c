/* policy.c — the access rules of Qorgau (see policy.h for the contract). */
#include "core/account/policy.h"

#include <stddef.h>

static const char *const action_names[ACT_COUNT] = {
    [ACT_CASE_CREATE] = "case.create",         [ACT_CASE_LIST] = "case.list",
    [ACT_CASE_READ] = "case.read",             [ACT_CASE_UPDATE] = "case.update",
    [ACT_PERSONAL_READ] = "personal.read",     [ACT_PERSONAL_UPDATE] = "personal.update",
    [ACT_CASE_ASSIGN] = "case.assign",         [ACT_ORG_LIST] = "org.list",
    [ACT_ORG_MANAGE] = "org.manage",           [ACT_USER_LIST] = "user.list",
    [ACT_USER_MANAGE] = "user.manage",         [ACT_AUDIT_READ] = "audit.read",
    [ACT_REPORT_READ] = "report.read",         [ACT_CASE_CLOSE] = "case.close",
    [ACT_CHILD_RECORD] = "case.child_record",  [ACT_TASK_LIST] = "task.list",
    [ACT_DIRECTORY_MANAGE] = "directory.manage", [ACT_AGREEMENT_MANAGE] = "agreement.manage",
    [ACT_REFERRAL_SEND] = "referral.send",     [ACT_REFERRAL_RECEIVE] = "referral.receive",
    [ACT_REFERRAL_OVERRIDE] = "referral.override", [ACT_BREAK_GLASS] = "case.break_glass",
    [ACT_GRANT_REPORT] = "grant.report",       [ACT_USER_CONFIRM] = "user.confirm",
    [ACT_CONTACT_ANSWER] = "contact.answer",
    [ACT_OPERATION_MANAGE] = "operation.manage", [ACT_CASE_WITHDRAW] = "case.withdraw",
    [ACT_GRANT_DECIDE] = "grant.decide",
};

const char *policy_action_name(qg_action action)
{
    if (action < 0 || action >= ACT_COUNT)
        return "unknown";
    return action_names[action];
}

static bool works_on_cases(qg_role role)
{
    return role == ROLE_SUPERVISOR || role == ROLE_CASE_MANAGER || role == ROLE_FIRST_RESPONDER ||
           role == ROLE_SYSTEM;
}

/* May the role ever do the action, whatever the case? */
static bool role_may(qg_role role, qg_action action)
{
    switch (action) {
    case ACT_CASE_CREATE:
    case ACT_CASE_LIST:
    case ACT_CASE_READ:
    case ACT_CASE_UPDATE:
    case ACT_PERSONAL_READ:
    case ACT_PERSONAL_UPDATE:
        return works_on_cases(role);
    case ACT_CASE_ASSIGN:
        return role == ROLE_SUPERVISOR || role == ROLE_SYSTEM;
    case ACT_ORG_LIST: /* every real role; never ROLE_NONE or a value outside the enum */
        return role > ROLE_NONE && role <= ROLE_SYSTEM;
    case ACT_ORG_MANAGE:
    case ACT_USER_MANAGE:
        return role == ROLE_ADMIN || role == ROLE_SYSTEM;
    case ACT_USER_LIST:
        return role == ROLE_ADMIN || role == ROLE_SUPERVISOR || role == ROLE_SYSTEM;
    case ACT_USER_CONFIRM: /* the second pair of eyes: never who made the account (confirm) */
        return role == ROLE_SUPERVISOR || role == ROLE_ADMIN || role == ROLE_SYSTEM;
    case ACT_AUDIT_READ:
        return role == ROLE_AUDITOR || role == ROLE_SYSTEM;
    case ACT_REPORT_READ:
        return role == ROLE_ANALYST || role == ROLE_SUPERVISOR || role == ROLE_SYSTEM;
    case ACT_CASE_CLOSE: /* a decision about the child's case, not a first contact's */
    case ACT_CHILD_RECORD:
        return role == ROLE_SUPERVISOR || role == ROLE_CASE_MANAGER || role == ROLE_SYSTEM;
    case ACT_TASK_LIST:
    case ACT_REFERRAL_SEND:
    case ACT_REFERRAL_RECEIVE:
        return works_on_cases(role);
    case ACT_DIRECTORY_MANAGE:
    case ACT_AGREEMENT_MANAGE:
        return role == ROLE_ADMIN || role == ROLE_SUPERVISOR || role == ROLE_SYSTEM;
    case ACT_REFERRAL_OVERRIDE:
    case ACT_BREAK_GLASS:
    case ACT_CONTACT_ANSWER: /* the holder's supervisors decide what to share (issue 14) */
        return role == ROLE_SUPERVISOR || role == ROLE_SYSTEM;
    case ACT_GRANT_REPORT:
        return role == ROLE_AUDITOR || role == ROLE_SYSTEM;
    case ACT_OPERATION_MANAGE: /* the supervisor answers for the organisation's registrations */
    case ACT_CASE_WITHDRAW:
    case ACT_GRANT_DECIDE: /* the second key: a supervisor of the organisation holding the case */
        return role == ROLE_SUPERVISOR || role == ROLE_SYSTEM;
    case ACT_COUNT:
        break;
    }
    return false;
}

/* Does the actor stand in a relation to this case that lets them see it? */
static bool sees_case(const qg_actor *a, const case_facts *f)
{
    switch (a->role) {
    case ROLE_SYSTEM:
        return true;
    case ROLE_SUPERVISOR: /* or with a break-the-glass grant, until it expires */
        return f->org_id == a->org_id || f->grant != GRANT_NONE;
    case ROLE_CASE_MANAGER:
        return f->actor_assigned;
    case ROLE_FIRST_RESPONDER: /* until the case is handed over, and never again after */
        return f->created_by == a->user_id && f->assigned_count == 0 && !f->handed_over;
    default:
        return false;
    }
}

/* The actions that only read a case: all a withdrawn case still allows. */
static bool reads_only(qg_action action)
{
    return action == ACT_CASE_READ || action == ACT_PERSONAL_READ || action == ACT_CHILD_RECORD;
}

/* Does the actor see the case only through a grant (and not by their own relation)? */
static bool only_via_grant(const qg_actor *a, const case_facts *f)
{
    if (f->grant == GRANT_NONE)
        return false;
    case_facts without = *f;
    without.grant = GRANT_NONE;
    return sees_case(a, f) && !sees_case(a, &without);
}

/* The verdict on a case seen through a grant: a grant only ever reads (FORBID the
 * rest); an emergency grant reads the case and its person, never its records (HIDE). */
static policy_verdict grant_verdict(const case_facts *f, qg_action action)
{
    if (f->grant == GRANT_EMERGENCY &&
        (f->part || (action != ACT_CASE_READ && action != ACT_PERSONAL_READ)))
        return reads_only(action) || f->part ? POLICY_HIDE : POLICY_FORBID;
    if (action == ACT_CASE_WITHDRAW)
        return POLICY_HIDE; /* seen through a grant: not this supervisor's to withdraw */
    return reads_only(action) ? POLICY_ALLOW : POLICY_FORBID;
}

/* An admin whose reach is every organisation (made on the server with --system-wide). */
static bool wide_admin(const qg_actor *a) { return a->role == ROLE_ADMIN && a->system_wide; }

/* May the actor ever do the action: the role's rule, and organisations are made only by a
 * system-wide admin or on the server. */
static bool actor_may(const qg_actor *a, qg_action action)
{
    if (!role_may(a->role, action))
        return false;
    return action != ACT_ORG_MANAGE || a->role == ROLE_SYSTEM || wide_admin(a);
}

policy_verdict policy_decide(const qg_actor *actor, qg_action action, const case_facts *facts)
{
    if (!actor || !actor_may(actor, action))
        return POLICY_FORBID;
    if (!facts)
        return POLICY_ALLOW;
    if (!sees_case(actor, facts))
        return POLICY_HIDE;
    if (only_via_grant(actor, facts)) {
        policy_verdict v = grant_verdict(facts, action);
        if (v != POLICY_ALLOW)
            return v;
    }
    if (action == ACT_CASE_WITHDRAW && actor->role != ROLE_SYSTEM &&
        facts->org_id != actor->org_id)
        return POLICY_HIDE; /* not this supervisor's to withdraw */
    return facts->withdrawn && !reads_only(action) ? POLICY_FORBID : POLICY_ALLOW;
}

bool policy_grant_blocks(const qg_actor *actor, qg_action action, const case_facts *facts)
{
    if (!actor || !facts || !only_via_grant(actor, facts) ||
        policy_decide(actor, action, facts) != POLICY_FORBID)
        return false;
    case_facts own = *facts;
    own.grant = GRANT_NONE;
    own.org_id = actor->org_id; /* the same case, were it the actor's organisation's */
    return role_may(actor->role, action) && policy_decide(actor, action, &own) == POLICY_ALLOW;
}

grant_scope policy_grant_view(const qg_actor *actor, const case_facts *facts)
{
    return actor && facts && only_via_grant(actor, facts) ? facts->grant : GRANT_NONE;
}

policy_verdict policy_grant_decide(const qg_actor *actor, int64_t case_org, int64_t requester_id)
{
    if (!actor || !role_may(actor->role, ACT_GRANT_DECIDE) || actor->user_id == requester_id)
        return POLICY_FORBID;
    if (actor->role == ROLE_SYSTEM || actor->org_id == case_org)
        return POLICY_ALLOW;
    return POLICY_HIDE;
}

bool policy_withdrawn_blocks(const qg_actor *actor, qg_action action, const case_facts *facts)
{
    if (!facts || !facts->withdrawn || reads_only(action))
        return false;
    case_facts open = *facts;
    open.withdrawn = false;
    return policy_decide(actor, action, &open) == POLICY_ALLOW;
}

bool policy_iin_limited(const qg_actor *actor) { return actor && actor->role != ROLE_SYSTEM; }

case_scope policy_case_scope(const qg_actor *actor)
{
    if (!actor || !role_may(actor->role, ACT_CASE_LIST))
        return SCOPE_NONE;
    switch (actor->role) {
    case ROLE_SYSTEM:
        return SCOPE_ALL;
    case ROLE_SUPERVISOR:
        return SCOPE_ORG;
    case ROLE_CASE_MANAGER:
        return SCOPE_ASSIGNED;
    case ROLE_FIRST_RESPONDER:
        return SCOPE_OPENED_UNASSIGNED;
    default:
        return SCOPE_NONE;
    }
}

user_scope policy_user_scope(const qg_actor *actor)
{
    if (!actor || !role_may(actor->role, ACT_USER_LIST))
        return USERS_NONE;
    if (actor->role == ROLE_SYSTEM || wide_admin(actor))
        return USERS_ALL;
    return USERS_OWN_ORG; /* a supervisor; an admin of one organisation */
}

int64_t policy_audit_org(const qg_actor *actor)
{
    if (!actor || actor->role == ROLE_SYSTEM || actor->system_wide)
        return 0;
    return actor->org_id;
}

task_scope policy_task_scope(const qg_actor *actor)
{
    if (!actor || !role_may(actor->role, ACT_TASK_LIST))
        return TASKS_NONE;
    if (actor->role == ROLE_SYSTEM)
        return TASKS_ALL;
    return actor->role == ROLE_SUPERVISOR ? TASKS_ORG : TASKS_OWN;
}

int64_t policy_report_org(const qg_actor *actor)
{
    return actor && actor->role == ROLE_SUPERVISOR ? actor->org_id : 0;
}

bool policy_report_always_protected(const qg_actor *actor)
{
    return actor && actor->role == ROLE_ANALYST;
}

bool policy_dataset_any_k(const qg_actor *actor)
{
    return actor && actor->role == ROLE_SYSTEM;
}

bool policy_assigns_opener(const qg_actor *actor)
{
    return actor && actor->role == ROLE_CASE_MANAGER;
}

bool policy_chooses_case_org(const qg_actor *actor)
{
    return actor && actor->role == ROLE_SYSTEM;
}

static bool is_case_role(qg_role role)
{
    return role == ROLE_SUPERVISOR || role == ROLE_CASE_MANAGER || role == ROLE_FIRST_RESPONDER;
}

bool policy_needs_confirmation(const qg_actor *actor, int64_t target_user_id)
{
    return actor && actor->role == ROLE_ADMIN && actor->user_id != target_user_id;
}

/* The first supervisor of an organisation that has nobody to confirm it and no cases. */
static bool first_supervisor(const account_facts *f)
{
    return f->role == ROLE_SUPERVISOR && !f->org_has_supervisor && !f->org_has_cases;
}

policy_verdict policy_confirm(const qg_actor *actor, const account_facts *f)
{
    if (!actor || !role_may(actor->role, ACT_USER_CONFIRM))
        return POLICY_FORBID;
    if (!f || actor->role == ROLE_SYSTEM)
        return POLICY_ALLOW;
    if (f->system_wide) /* made and reset only on the server, never waiting */
        return POLICY_FORBID;
    if (f->org_id != actor->org_id && !wide_admin(actor))
        return POLICY_HIDE; /* another organisation's account: as if absent */
    if (actor->user_id == f->pending_by || actor->user_id == f->id)
        return POLICY_FORBID; /* never one's own account, creation or reset */
    if (actor->made_by != 0 && actor->made_by == f->pending_by)
        return POLICY_FORBID; /* nor what one's own maker made or reset: no chain of one */
    if (is_case_role(f->role)) {
        if (actor->role == ROLE_SUPERVISOR)
            return POLICY_ALLOW;
        /* an admin never opens case content to an account: only the first supervisor of
         * an organisation without cases, by a system-wide admin */
        return wide_admin(actor) && first_supervisor(f) ? POLICY_ALLOW : POLICY_FORBID;
    }
    /* admin, auditor, analyst: another admin of the organisation, or a system-wide one */
    return actor->role == ROLE_ADMIN ? POLICY_ALLOW : POLICY_FORBID;
}

const char *policy_confirmer(const account_facts *f)
{
    if (!f || f->system_wide)
        return "system";
    if (!is_case_role(f->role))
        return "admin";
    /* a supervisor there is, or the one the organisation will have for its case workers */
    if (f->role != ROLE_SUPERVISOR || f->org_has_supervisor)
        return "supervisor";
    return first_supervisor(f) ? "system_admin" : "system";
}

policy_verdict policy_account_change(const qg_actor *actor, account_change kind,
                                     const account_facts *f)
{
    if (!actor || !role_may(actor->role, ACT_USER_MANAGE))
        return POLICY_FORBID;
    if (actor->role == ROLE_SYSTEM)
        return POLICY_ALLOW;
    if (!f)
        return POLICY_ALLOW;
    if (f->org_id != actor->org_id && !wide_admin(actor))
        return POLICY_HIDE;
    if (f->system_wide) /* made and reset on the server; a system-wide admin may disable */
        return kind == ACCOUNT_DISABLE && wide_admin(actor) ? POLICY_ALLOW : POLICY_FORBID;
    return POLICY_ALLOW;
}

bool policy_password_temporary(const qg_actor *actor, int64_t target_user_id)
{
    return actor && actor->role == ROLE_ADMIN && actor->user_id != target_user_id;
}

policy_verdict policy_org_manage(const qg_actor *actor, qg_action action, int64_t org_id)
{
    if (!actor || !role_may(actor->role, action))
        return POLICY_FORBID;
    if (actor->role == ROLE_SYSTEM || wide_admin(actor))
        return POLICY_ALLOW;
    return actor->org_id == org_id ? POLICY_ALLOW : POLICY_HIDE;
}

agreement_scope policy_agreement_scope(const qg_actor *actor)
{
    if (!actor)
        return AGREEMENTS_NONE;
    switch (actor->role) {
    case ROLE_ADMIN:
    case ROLE_AUDITOR:
    case ROLE_SYSTEM:
        return AGREEMENTS_ALL;
    case ROLE_SUPERVISOR:
    case ROLE_CASE_MANAGER:
    case ROLE_FIRST_RESPONDER:
        return AGREEMENTS_ORG;
    default:
        return AGREEMENTS_NONE;
    }
}

bool policy_via_grant(const qg_actor *actor, const case_facts *facts)
{
    return actor && facts && only_via_grant(actor, facts);
}

bool policy_assignable_role(qg_role role) { return role == ROLE_CASE_MANAGER; }

const char *policy_case_scope_name(case_scope scope)
{
    switch (scope) {
    case SCOPE_ALL:
        return "all";
    case SCOPE_ORG:
        return "org";
    case SCOPE_ASSIGNED:
        return "assigned";
    case SCOPE_OPENED_UNASSIGNED:
        return "opened_unassigned";
    case SCOPE_NONE:
        break;
    }
    return "none";
}

const char *policy_directory_scope_name(const qg_actor *actor)
{
    if (!actor || !role_may(actor->role, ACT_DIRECTORY_MANAGE))
        return "none";
    return actor->role == ROLE_SYSTEM || wide_admin(actor) ? "any" : "own";
}
