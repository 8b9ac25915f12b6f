/*
 * test_policy.c — unit tests of src/core/account/policy.c: the whole decision table (every
 * role × every action × every relation to a case), and a property test that the list
 * scope of each role selects exactly the cases policy_decide lets it read.
 *
 * The expected answers are written out below as literal tables taken from the roles'
 * descriptions in actor.h and policy.h, not computed the way policy.c computes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/account/policy.h"

#define ROLES (ROLE_SYSTEM + 1)

/* May the role ever do the action? Columns in qg_action order:
 * CREATE LIST READ UPDATE P_READ P_UPDATE ASSIGN ORG_LIST ORG_MANAGE USER_LIST
 * USER_MANAGE AUDIT_READ REPORT_READ CLOSE CHILD_RECORD TASK_LIST DIRECTORY AGREEMENT
 * REF_SEND REF_RECEIVE REF_OVERRIDE BREAK_GLASS GRANT_REPORT USER_CONFIRM CONTACT_ANSWER
 * OPERATION_MANAGE CASE_WITHDRAW GRANT_DECIDE */
static const bool MAY[ROLES][ACT_COUNT] = {
    [ROLE_NONE] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0},
    /* an admin of one organisation makes no organisation (a system-wide one does:
     * test_system_wide_admin) and confirms other admins' accounts */
    [ROLE_ADMIN] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0,
        0, 0, 0},
    [ROLE_SUPERVISOR] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1,
        1, 1, 1},
    [ROLE_CASE_MANAGER] = {1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0,
        0, 0, 0},
    /* a first responder neither closes a case nor hands the child their record */
    [ROLE_FIRST_RESPONDER] = {1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0,
        0, 0, 0},
    [ROLE_ANALYST] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0},
    [ROLE_AUDITOR] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
        0, 0, 0},
    [ROLE_SYSTEM] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1},
};

/* The acting user in every situation below (the system actor has ids 0). */
#define ME 10
#define MY_ORG 1
#define OTHER_USER 11
#define OTHER_ORG 2

/* Relations of a case to the actor. */
typedef enum {
    SIT_OWN_ORG,              /* own organisation, opened by someone else, no manager */
    SIT_OWN_ORG_OTHERS_CM,    /* own organisation, someone else manages it */
    SIT_OTHER_ORG,            /* another organisation, no manager */
    SIT_OTHER_ORG_OTHERS_CM,  /* another organisation, someone else manages it */
    SIT_ASSIGNED,             /* own organisation, I am its only case manager */
    SIT_ASSIGNED_WITH_OTHER,  /* own organisation, I am one of its two case managers */
    SIT_ASSIGNED_OTHER_ORG,   /* another organisation, yet I am assigned */
    SIT_OPENER_BEFORE,        /* I opened it; not handed over yet */
    SIT_OPENER_AFTER,         /* I opened it; handed over to a case manager */
    SIT_OPENER_AFTER_TWO,     /* I opened it; two case managers */
    SIT_OPENER_OTHER_ORG,     /* I opened it, but it now belongs to another org; unassigned */
    SIT_OPENER_OTHER_ORG_CM,  /* as above, handed over */
    SIT_COUNT
} situation;

static const char *const SIT_NAMES[SIT_COUNT] = {
    "own org", "own org, other's case manager", "other org", "other org, other's cm",
    "assigned", "assigned with another", "assigned, other org", "opener before handover",
    "opener after handover", "opener after handover to two", "opener, other org",
    "opener, other org, handed over",
};

static case_facts facts_for(situation s)
{
    switch (s) {
    case SIT_OWN_ORG:
        return (case_facts){.org_id = MY_ORG, .created_by = OTHER_USER};
    case SIT_OWN_ORG_OTHERS_CM:
        return (case_facts){.org_id = MY_ORG, .created_by = OTHER_USER, .assigned_count = 1};
    case SIT_OTHER_ORG:
        return (case_facts){.org_id = OTHER_ORG, .created_by = OTHER_USER};
    case SIT_OTHER_ORG_OTHERS_CM:
        return (case_facts){.org_id = OTHER_ORG, .created_by = OTHER_USER, .assigned_count = 2};
    case SIT_ASSIGNED:
        return (case_facts){.org_id = MY_ORG, .created_by = OTHER_USER, .actor_assigned = true,
                            .assigned_count = 1};
    case SIT_ASSIGNED_WITH_OTHER:
        return (case_facts){.org_id = MY_ORG, .created_by = OTHER_USER, .actor_assigned = true,
                            .assigned_count = 2};
    case SIT_ASSIGNED_OTHER_ORG:
        return (case_facts){.org_id = OTHER_ORG, .created_by = OTHER_USER,
                            .actor_assigned = true, .assigned_count = 1};
    case SIT_OPENER_BEFORE:
        return (case_facts){.org_id = MY_ORG, .created_by = ME};
    case SIT_OPENER_AFTER:
        return (case_facts){.org_id = MY_ORG, .created_by = ME, .assigned_count = 1};
    case SIT_OPENER_AFTER_TWO:
        return (case_facts){.org_id = MY_ORG, .created_by = ME, .assigned_count = 2};
    case SIT_OPENER_OTHER_ORG:
        return (case_facts){.org_id = OTHER_ORG, .created_by = ME};
    case SIT_OPENER_OTHER_ORG_CM:
        return (case_facts){.org_id = OTHER_ORG, .created_by = ME, .assigned_count = 1};
    case SIT_COUNT:
        break;
    }
    return (case_facts){0};
}

/* Does a role that may work on cases see the case in each situation? Roles that may
 * not work on cases never reach this table (they are refused first). Columns in
 * situation order. */
static const bool SEES[ROLES][SIT_COUNT] = {
    /*                       own  own+cm oth  oth+cm asg  asg2 asgO opB  opA  opA2 opO  opOcm */
    [ROLE_SUPERVISOR] =     {1,   1,     0,   0,     1,   1,   0,   1,   1,   1,   0,   0},
    [ROLE_CASE_MANAGER] =   {0,   0,     0,   0,     1,   1,   1,   0,   0,   0,   0,   0},
    [ROLE_FIRST_RESPONDER] = {0,  0,     0,   0,     0,   0,   0,   1,   0,   0,   1,   0},
    [ROLE_SYSTEM] =         {1,   1,     1,   1,     1,   1,   1,   1,   1,   1,   1,   1},
};

static qg_actor actor_for(qg_role role)
{
    if (role == ROLE_SYSTEM)
        return actor_system();
    return (qg_actor){.user_id = ME, .org_id = MY_ORG, .role = role};
}

static const char *verdict_name(policy_verdict v)
{
    return v == POLICY_ALLOW ? "ALLOW" : v == POLICY_FORBID ? "FORBID" : "HIDE";
}

static void expect_verdict(qg_role role, qg_action action, const char *situation_name,
                           policy_verdict want, policy_verdict got)
{
    if (want != got)
        fail_msg("%s / %s / %s: want %s, got %s", role_code(role), policy_action_name(action),
                 situation_name, verdict_name(want), verdict_name(got));
}

/* ---- the decision table --------------------------------------------------------- */

static void test_without_facts(void **state)
{
    (void)state;
    for (int r = ROLE_NONE; r <= ROLE_SYSTEM; r++) {
        qg_actor a = actor_for((qg_role)r);
        for (int act = 0; act < ACT_COUNT; act++) {
            policy_verdict want = MAY[r][act] ? POLICY_ALLOW : POLICY_FORBID;
            expect_verdict((qg_role)r, (qg_action)act, "no facts", want,
                           policy_decide(&a, (qg_action)act, NULL));
        }
    }
}

/* With facts, a role that may never do the action is FORBID (403, decided before any
 * case matters); one that may is ALLOW when it sees the case and HIDE (404) when not.
 * Facts are only meaningful for case actions; for the others the same rule applies
 * (that is how policy_decide treats them today). */
static void test_with_facts(void **state)
{
    (void)state;
    int checked = 0;
    for (int r = ROLE_NONE; r <= ROLE_SYSTEM; r++) {
        qg_actor a = actor_for((qg_role)r);
        for (int act = 0; act < ACT_COUNT; act++) {
            for (int s = 0; s < SIT_COUNT; s++) {
                case_facts f = facts_for((situation)s);
                policy_verdict want = !MAY[r][act]    ? POLICY_FORBID
                                      : SEES[r][s]    ? POLICY_ALLOW
                                                      : POLICY_HIDE;
                expect_verdict((qg_role)r, (qg_action)act, SIT_NAMES[s], want,
                               policy_decide(&a, (qg_action)act, &f));
                checked++;
            }
        }
    }
    assert_int_equal(checked, ROLES * ACT_COUNT * SIT_COUNT);
}

/* The case actions spelled out for the relations the product rules name. */
static void test_case_actions_named_rules(void **state)
{
    (void)state;
    const qg_action case_actions[] = {ACT_CASE_READ, ACT_CASE_UPDATE, ACT_PERSONAL_READ,
                                      ACT_PERSONAL_UPDATE};
    qg_actor sup = actor_for(ROLE_SUPERVISOR), cm = actor_for(ROLE_CASE_MANAGER);
    qg_actor fr = actor_for(ROLE_FIRST_RESPONDER), sys = actor_system();
    qg_actor admin = actor_for(ROLE_ADMIN), analyst = actor_for(ROLE_ANALYST);
    qg_actor auditor = actor_for(ROLE_AUDITOR), none = actor_for(ROLE_NONE);
    case_facts own = facts_for(SIT_OWN_ORG), other = facts_for(SIT_OTHER_ORG);
    case_facts assigned = facts_for(SIT_ASSIGNED), before = facts_for(SIT_OPENER_BEFORE);
    case_facts after = facts_for(SIT_OPENER_AFTER);
    for (size_t i = 0; i < sizeof case_actions / sizeof case_actions[0]; i++) {
        qg_action act = case_actions[i];
        /* a supervisor: every case of the own organisation, none of another */
        assert_int_equal(policy_decide(&sup, act, &own), POLICY_ALLOW);
        assert_int_equal(policy_decide(&sup, act, &other), POLICY_HIDE);
        /* a case manager: exactly the assigned cases, even of the own organisation */
        assert_int_equal(policy_decide(&cm, act, &assigned), POLICY_ALLOW);
        assert_int_equal(policy_decide(&cm, act, &own), POLICY_HIDE);
        assert_int_equal(policy_decide(&cm, act, &before), POLICY_HIDE);
        /* a first responder: the own opened cases until the handover */
        assert_int_equal(policy_decide(&fr, act, &before), POLICY_ALLOW);
        assert_int_equal(policy_decide(&fr, act, &after), POLICY_HIDE);
        assert_int_equal(policy_decide(&fr, act, &own), POLICY_HIDE);
        /* the system: everything */
        assert_int_equal(policy_decide(&sys, act, &other), POLICY_ALLOW);
        /* roles without case work: refused outright, whatever the relation */
        assert_int_equal(policy_decide(&admin, act, &own), POLICY_FORBID);
        assert_int_equal(policy_decide(&analyst, act, &own), POLICY_FORBID);
        assert_int_equal(policy_decide(&auditor, act, &own), POLICY_FORBID);
        assert_int_equal(policy_decide(&none, act, &own), POLICY_FORBID);
    }
    /* assignment: only supervisors (of the case's organisation) and the system */
    assert_int_equal(policy_decide(&sup, ACT_CASE_ASSIGN, &own), POLICY_ALLOW);
    assert_int_equal(policy_decide(&sup, ACT_CASE_ASSIGN, &other), POLICY_HIDE);
    assert_int_equal(policy_decide(&cm, ACT_CASE_ASSIGN, &assigned), POLICY_FORBID);
    assert_int_equal(policy_decide(&fr, ACT_CASE_ASSIGN, &before), POLICY_FORBID);
    assert_int_equal(policy_decide(&sys, ACT_CASE_ASSIGN, &other), POLICY_ALLOW);
}

/* A withdrawn case is read-only (issue 14 item 6): reading stays as it was, every change
 * is FORBID, and policy_withdrawn_blocks says that the withdrawal alone refuses it. Only a
 * supervisor of the case's own organisation withdraws, never through a grant. */
static void test_withdrawn_read_only(void **state)
{
    (void)state;
    qg_actor sup = actor_for(ROLE_SUPERVISOR), cm = actor_for(ROLE_CASE_MANAGER);
    case_facts own = facts_for(SIT_OWN_ORG), assigned = facts_for(SIT_ASSIGNED);
    own.withdrawn = assigned.withdrawn = true;
    const qg_action reads[] = {ACT_CASE_READ, ACT_PERSONAL_READ, ACT_CHILD_RECORD};
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        assert_int_equal(policy_decide(&sup, reads[i], &own), POLICY_ALLOW);
        assert_int_equal(policy_decide(&cm, reads[i], &assigned), POLICY_ALLOW);
        assert_false(policy_withdrawn_blocks(&sup, reads[i], &own));
    }
    const qg_action changes[] = {ACT_CASE_UPDATE, ACT_PERSONAL_UPDATE, ACT_CASE_ASSIGN,
                                 ACT_CASE_CLOSE, ACT_REFERRAL_SEND, ACT_CASE_WITHDRAW};
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        assert_int_equal(policy_decide(&sup, changes[i], &own), POLICY_FORBID);
        assert_true(policy_withdrawn_blocks(&sup, changes[i], &own));
    }
    /* a case manager could never withdraw: not the withdrawal's doing */
    assert_false(policy_withdrawn_blocks(&cm, ACT_CASE_WITHDRAW, &assigned));
    assert_int_equal(policy_decide(&cm, ACT_CASE_WITHDRAW, &assigned), POLICY_FORBID);
    /* withdrawing: the own organisation's supervisor, not another's with a grant */
    case_facts open = facts_for(SIT_OWN_ORG), granted = facts_for(SIT_OTHER_ORG);
    granted.grant = GRANT_FULL;
    assert_int_equal(policy_decide(&sup, ACT_CASE_WITHDRAW, &open), POLICY_ALLOW);
    assert_int_equal(policy_decide(&sup, ACT_CASE_READ, &granted), POLICY_ALLOW);
    assert_int_equal(policy_decide(&sup, ACT_CASE_WITHDRAW, &granted), POLICY_HIDE);
    /* the IIN limits apply to every person, not to the system */
    qg_actor sys = actor_system();
    assert_true(policy_iin_limited(&sup));
    assert_true(policy_iin_limited(&cm));
    assert_false(policy_iin_limited(&sys));
}

static void test_bad_inputs_refused(void **state)
{
    (void)state;
    case_facts f = facts_for(SIT_OWN_ORG);
    for (int act = 0; act < ACT_COUNT; act++) {
        assert_int_equal(policy_decide(NULL, (qg_action)act, NULL), POLICY_FORBID);
        assert_int_equal(policy_decide(NULL, (qg_action)act, &f), POLICY_FORBID);
    }
    /* an action outside the enum, and a role outside the enum, are never allowed */
    qg_actor sys = actor_system();
    assert_int_equal(policy_decide(&sys, ACT_COUNT, NULL), POLICY_FORBID);
    assert_int_equal(policy_decide(&sys, ACT_COUNT, &f), POLICY_FORBID);
    assert_int_equal(policy_decide(&sys, (qg_action)-1, NULL), POLICY_FORBID);
    assert_int_equal(policy_decide(&sys, (qg_action)(ACT_COUNT + 7), NULL), POLICY_FORBID);
    qg_actor odd = {.user_id = ME, .org_id = MY_ORG, .role = (qg_role)(ROLE_SYSTEM + 1)};
    qg_actor negative = {.user_id = ME, .org_id = MY_ORG, .role = (qg_role)-1};
    for (int act = 0; act < ACT_COUNT; act++) {
        assert_int_equal(policy_decide(&odd, (qg_action)act, NULL), POLICY_FORBID);
        assert_int_equal(policy_decide(&odd, (qg_action)act, &f), POLICY_FORBID);
        assert_int_equal(policy_decide(&negative, (qg_action)act, NULL), POLICY_FORBID);
    }
    assert_int_equal(policy_case_scope(&odd), SCOPE_NONE);
    assert_int_equal(policy_case_scope(&negative), SCOPE_NONE);
    assert_int_equal(policy_case_scope(NULL), SCOPE_NONE);
}

/* ---- scopes ------------------------------------------------------------------------ */

static void test_scope_per_role(void **state)
{
    (void)state;
    const case_scope want[ROLES] = {
        [ROLE_NONE] = SCOPE_NONE,
        [ROLE_ADMIN] = SCOPE_NONE,
        [ROLE_SUPERVISOR] = SCOPE_ORG,
        [ROLE_CASE_MANAGER] = SCOPE_ASSIGNED,
        [ROLE_FIRST_RESPONDER] = SCOPE_OPENED_UNASSIGNED,
        [ROLE_ANALYST] = SCOPE_NONE,
        [ROLE_AUDITOR] = SCOPE_NONE,
        [ROLE_SYSTEM] = SCOPE_ALL,
    };
    for (int r = ROLE_NONE; r <= ROLE_SYSTEM; r++) {
        qg_actor a = actor_for((qg_role)r);
        assert_int_equal(policy_case_scope(&a), want[r]);
        /* a role that lists nothing may not list at all */
        assert_int_equal(want[r] == SCOPE_NONE,
                         policy_decide(&a, ACT_CASE_LIST, NULL) == POLICY_FORBID);
    }
}

/* A small model of the store: cases with an organisation, an opener and a set of
 * assigned users, from which both the facts and the scope's selection are derived
 * independently, the way the SQL of case_list selects. */
typedef struct {
    int64_t org_id, created_by;
    int64_t assigned[2];
    int assigned_count;
} model_case;

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
    /* xorshift64*: deterministic, so a failure is reproducible */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717u) >> 33) % n;
}

static model_case random_case(void)
{
    model_case c = {.org_id = 1 + rnd(3), .created_by = rnd(5)}; /* 0: opened by the system */
    c.assigned_count = (int)rnd(3);
    c.assigned[0] = 1 + rnd(4);
    do {
        c.assigned[1] = 1 + rnd(4);
    } while (c.assigned_count == 2 && c.assigned[1] == c.assigned[0]);
    return c;
}

static bool model_is_assigned(const model_case *c, int64_t user)
{
    for (int i = 0; i < c->assigned_count; i++)
        if (c->assigned[i] == user)
            return true;
    return false;
}

static case_facts model_facts(const model_case *c, const qg_actor *a)
{
    return (case_facts){.org_id = c->org_id, .created_by = c->created_by,
                        .actor_assigned = model_is_assigned(c, a->user_id),
                        .assigned_count = c->assigned_count};
}

/* What a scope's WHERE clause selects, written from the scope's description. */
static bool scope_selects(case_scope scope, const qg_actor *a, const model_case *c)
{
    switch (scope) {
    case SCOPE_NONE:
        return false;
    case SCOPE_ALL:
        return true;
    case SCOPE_ORG:
        return c->org_id == a->org_id;
    case SCOPE_ASSIGNED:
        return model_is_assigned(c, a->user_id);
    case SCOPE_OPENED_UNASSIGNED:
        return c->created_by == a->user_id && c->assigned_count == 0;
    }
    return false;
}

static void test_scope_agrees_with_read(void **state)
{
    (void)state;
    enum { CASES = 400, ACTORS = 200 };
    static model_case cases[CASES];
    for (int i = 0; i < CASES; i++)
        cases[i] = random_case();
    int selected_total = 0, hidden_total = 0;
    for (int k = 0; k < ACTORS; k++) {
        qg_role role = (qg_role)rnd(ROLES);
        qg_actor a = role == ROLE_SYSTEM
                         ? actor_system()
                         : (qg_actor){.user_id = 1 + rnd(4), .org_id = 1 + rnd(3), .role = role};
        case_scope scope = policy_case_scope(&a);
        for (int i = 0; i < CASES; i++) {
            case_facts f = model_facts(&cases[i], &a);
            policy_verdict v = policy_decide(&a, ACT_CASE_READ, &f);
            bool selected = scope_selects(scope, &a, &cases[i]);
            if (selected != (v == POLICY_ALLOW))
                fail_msg("role %s user %lld org %lld, case org %lld opener %lld managers %d "
                         "(me: %d): scope %s but read %s",
                         role_code(role), (long long)a.user_id, (long long)a.org_id,
                         (long long)cases[i].org_id, (long long)cases[i].created_by,
                         cases[i].assigned_count, f.actor_assigned,
                         selected ? "selects" : "skips", verdict_name(v));
            /* a role that lists nothing is refused, never merely hidden */
            if (scope == SCOPE_NONE)
                assert_int_equal(v, POLICY_FORBID);
            selected_total += selected;
            hidden_total += v == POLICY_HIDE;
        }
    }
    /* the generator really produced both outcomes */
    assert_true(selected_total > 1000);
    assert_true(hidden_total > 1000);
}

static void test_action_names(void **state)
{
    (void)state;
    const char *const want[ACT_COUNT] = {
        "case.create", "case.list",   "case.read",   "case.update", "personal.read",
        "personal.update", "case.assign", "org.list", "org.manage", "user.list",
        "user.manage", "audit.read",  "report.read", "case.close", "case.child_record",
        "task.list", "directory.manage", "agreement.manage", "referral.send", "referral.receive",
        "referral.override", "case.break_glass", "grant.report", "user.confirm", "contact.answer",
        "operation.manage", "case.withdraw", "grant.decide",
    };
    for (int act = 0; act < ACT_COUNT; act++) {
        assert_non_null(policy_action_name((qg_action)act));
        assert_string_equal(policy_action_name((qg_action)act), want[act]);
        for (int other = 0; other < act; other++)
            assert_string_not_equal(policy_action_name((qg_action)act),
                                    policy_action_name((qg_action)other));
    }
    assert_string_equal(policy_action_name(ACT_COUNT), "unknown");
    assert_string_equal(policy_action_name((qg_action)-1), "unknown");
}

/* Whose tasks the task list shows: the organisation's for a supervisor, the actor's own
 * for a case manager or first responder, all for the system, none for the rest. */
static void test_task_scope(void **state)
{
    (void)state;
    const task_scope want[ROLES] = {
        [ROLE_NONE] = TASKS_NONE,         [ROLE_ADMIN] = TASKS_NONE,
        [ROLE_SUPERVISOR] = TASKS_ORG,    [ROLE_CASE_MANAGER] = TASKS_OWN,
        [ROLE_FIRST_RESPONDER] = TASKS_OWN, [ROLE_ANALYST] = TASKS_NONE,
        [ROLE_AUDITOR] = TASKS_NONE,      [ROLE_SYSTEM] = TASKS_ALL,
    };
    for (int r = ROLE_NONE; r < ROLE_SYSTEM; r++) {
        qg_actor a = actor_for((qg_role)r);
        assert_int_equal(policy_task_scope(&a), want[r]);
    }
    qg_actor sys = actor_system();
    assert_int_equal(policy_task_scope(&sys), TASKS_ALL);
    assert_int_equal(policy_task_scope(NULL), TASKS_NONE);
}

/* A break-the-glass grant opens a case of another organisation to a supervisor, and to
 * nobody else (the grant is only ever recorded for a supervisor, but the policy holds
 * even if a row said otherwise). */
static void test_break_glass_grant(void **state)
{
    (void)state;
    case_facts other = facts_for(SIT_OTHER_ORG);
    other.grant = GRANT_FULL;
    qg_actor sup = actor_for(ROLE_SUPERVISOR), cm = actor_for(ROLE_CASE_MANAGER);
    qg_actor fr = actor_for(ROLE_FIRST_RESPONDER), analyst = actor_for(ROLE_ANALYST);
    assert_int_equal(policy_decide(&sup, ACT_PERSONAL_READ, &other), POLICY_ALLOW);
    assert_int_equal(policy_decide(&sup, ACT_CASE_READ, &other), POLICY_ALLOW);
    assert_int_equal(policy_decide(&cm, ACT_CASE_READ, &other), POLICY_HIDE);
    assert_int_equal(policy_decide(&fr, ACT_CASE_READ, &other), POLICY_HIDE);
    assert_int_equal(policy_decide(&analyst, ACT_CASE_READ, &other), POLICY_FORBID);
    other.grant = GRANT_NONE;
    assert_int_equal(policy_decide(&sup, ACT_CASE_READ, &other), POLICY_HIDE);
}

/* A grant only reads (issue 15): changes are FORBID and told apart as the grant's doing;
 * the emergency scope reads the case and its person, never a record hanging on the case
 * (HIDE, as if absent); the full scope reads those too. Who decides on a request. */
static void test_grant_scope(void **state)
{
    (void)state;
    qg_actor sup = actor_for(ROLE_SUPERVISOR);
    case_facts f = facts_for(SIT_OTHER_ORG);
    f.grant = GRANT_EMERGENCY;
    assert_int_equal(policy_decide(&sup, ACT_CASE_READ, &f), POLICY_ALLOW);
    assert_int_equal(policy_decide(&sup, ACT_PERSONAL_READ, &f), POLICY_ALLOW);
    assert_int_equal(policy_grant_view(&sup, &f), GRANT_EMERGENCY);
    assert_int_equal(policy_decide(&sup, ACT_CASE_UPDATE, &f), POLICY_FORBID);
    assert_true(policy_grant_blocks(&sup, ACT_CASE_UPDATE, &f));
    assert_int_equal(policy_decide(&sup, ACT_CHILD_RECORD, &f), POLICY_HIDE);
    f.part = true;
    assert_int_equal(policy_decide(&sup, ACT_CASE_READ, &f), POLICY_HIDE);
    assert_int_equal(policy_decide(&sup, ACT_PERSONAL_UPDATE, &f), POLICY_HIDE);
    f.grant = GRANT_FULL;
    assert_int_equal(policy_decide(&sup, ACT_CASE_READ, &f), POLICY_ALLOW);
    assert_int_equal(policy_decide(&sup, ACT_PERSONAL_UPDATE, &f), POLICY_FORBID);
    assert_true(policy_grant_blocks(&sup, ACT_PERSONAL_UPDATE, &f));
    assert_int_equal(policy_grant_view(&sup, &f), GRANT_FULL);
    case_facts own = facts_for(SIT_OWN_ORG);
    own.grant = GRANT_EMERGENCY; /* a grant never narrows what one sees anyway */
    assert_int_equal(policy_grant_view(&sup, &own), GRANT_NONE);
    assert_int_equal(policy_decide(&sup, ACT_CASE_UPDATE, &own), POLICY_ALLOW);
    assert_false(policy_grant_blocks(&sup, ACT_CASE_UPDATE, &own));
    /* deciding: a supervisor of the holding organisation, never the requester */
    qg_actor cm = actor_for(ROLE_CASE_MANAGER);
    assert_int_equal(policy_grant_decide(&sup, sup.org_id, sup.user_id + 1), POLICY_ALLOW);
    assert_int_equal(policy_grant_decide(&sup, sup.org_id + 1, sup.user_id + 1), POLICY_HIDE);
    assert_int_equal(policy_grant_decide(&sup, sup.org_id, sup.user_id), POLICY_FORBID);
    assert_int_equal(policy_grant_decide(&cm, cm.org_id, cm.user_id + 1), POLICY_FORBID);
}

/* Aggregates: a supervisor counts their own organisation, the analyst every one and
 * always protected, only the system may export a dataset with any k. */
static void test_report_scope(void **state)
{
    (void)state;
    for (int r = ROLE_NONE; r < ROLE_SYSTEM; r++) {
        qg_actor a = actor_for((qg_role)r);
        assert_int_equal(policy_report_org(&a), r == ROLE_SUPERVISOR ? MY_ORG : 0);
        assert_int_equal(policy_report_always_protected(&a), r == ROLE_ANALYST);
        assert_false(policy_dataset_any_k(&a));
    }
    qg_actor sys = actor_system();
    assert_int_equal(policy_report_org(&sys), 0);
    assert_false(policy_report_always_protected(&sys));
    assert_true(policy_dataset_any_k(&sys));
    assert_false(policy_dataset_any_k(NULL));
}

static void test_role_codes(void **state)
{
    (void)state;
    const char *const codes[] = {"admin", "supervisor", "case_manager", "first_responder",
                                 "analyst", "auditor"};
    for (int r = ROLE_ADMIN; r < ROLE_SYSTEM; r++) {
        assert_string_equal(role_code((qg_role)r), codes[r - ROLE_ADMIN]);
        assert_int_equal(role_from_code(codes[r - ROLE_ADMIN]), r);
    }
    /* the system role and "none" can never be given to a user by code */
    assert_int_equal(role_from_code("system"), ROLE_NONE);
    assert_int_equal(role_from_code("none"), ROLE_NONE);
    assert_int_equal(role_from_code("Admin"), ROLE_NONE);
    assert_int_equal(role_from_code(""), ROLE_NONE);
    assert_int_equal(role_from_code(NULL), ROLE_NONE);
    assert_string_equal(role_code(ROLE_SYSTEM), "system");
    assert_string_equal(role_code(ROLE_NONE), "none");
    assert_string_equal(role_code((qg_role)99), "none");
    qg_actor sys = actor_system();
    assert_int_equal(sys.role, ROLE_SYSTEM);
    assert_int_equal(sys.user_id, 0);
    assert_int_equal(sys.org_id, 0);
}

/* The smaller role rules that other modules ask instead of comparing roles. */
static void test_user_scope_and_case_rules(void **state)
{
    (void)state;
    static const struct {
        qg_role role;
        user_scope users;
        bool assigns_opener, chooses_org;
    } want[] = {
        {ROLE_NONE, USERS_NONE, false, false},
        {ROLE_ADMIN, USERS_OWN_ORG, false, false},
        {ROLE_SUPERVISOR, USERS_OWN_ORG, false, false},
        {ROLE_CASE_MANAGER, USERS_NONE, true, false},
        {ROLE_FIRST_RESPONDER, USERS_NONE, false, false},
        {ROLE_ANALYST, USERS_NONE, false, false},
        {ROLE_AUDITOR, USERS_NONE, false, false},
        {ROLE_SYSTEM, USERS_ALL, false, true},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        qg_actor a = {.user_id = 7, .org_id = 3, .role = want[i].role};
        assert_int_equal(policy_user_scope(&a), want[i].users);
        assert_int_equal(policy_assigns_opener(&a), want[i].assigns_opener);
        assert_int_equal(policy_chooses_case_org(&a), want[i].chooses_org);
    }
    assert_int_equal(policy_user_scope(NULL), USERS_NONE);
    assert_false(policy_assigns_opener(NULL));
    assert_false(policy_chooses_case_org(NULL));
}

/* Handed over once, never the opener's again, even with no case manager left. */
static void test_handover_is_final(void **state)
{
    (void)state;
    qg_actor fr = {.user_id = 7, .org_id = 3, .role = ROLE_FIRST_RESPONDER};
    case_facts never = {.org_id = 3, .created_by = 7};
    case_facts released = {.org_id = 3, .created_by = 7, .assigned_count = 0, .handed_over = true};
    assert_int_equal(policy_decide(&fr, ACT_CASE_READ, &never), POLICY_ALLOW);
    assert_int_equal(policy_decide(&fr, ACT_PERSONAL_READ, &released), POLICY_HIDE);
    assert_int_equal(policy_decide(&fr, ACT_CASE_READ, &released), POLICY_HIDE);
    qg_actor sup = {.user_id = 8, .org_id = 3, .role = ROLE_SUPERVISOR};
    assert_int_equal(policy_decide(&sup, ACT_CASE_READ, &released), POLICY_ALLOW);
}

/* Four eyes: which accounts wait, and who may confirm them. */
static void test_account_confirmation(void **state)
{
    (void)state;
    qg_actor admin = {.user_id = 1, .org_id = 3, .role = ROLE_ADMIN};
    qg_actor sys = actor_system();
    assert_true(policy_needs_confirmation(&admin, 9)); /* every account another makes */
    assert_true(policy_needs_confirmation(&admin, 0)); /* one made now */
    assert_false(policy_needs_confirmation(&admin, 1)); /* one's own password */
    assert_false(policy_needs_confirmation(&sys, 9));  /* the server's */
    assert_false(policy_needs_confirmation(NULL, 9));
    assert_int_equal(policy_confirm(NULL, NULL), POLICY_FORBID);
}

/* Who confirms whom: every actor role × whether the actor is system-wide × account role ×
 * same or other organisation × whether the organisation has an active supervisor ×
 * whether it holds cases × whether the actor made it wait × whether the account is
 * system-wide. The one table of the rule (policy_confirm; docs/security.md "Who manages
 * which account"); change it here, there and in policy.c together. */
typedef struct {
    qg_role actor, account;
    bool same_org, has_supervisor, has_cases, wide, mine, account_wide;
    policy_verdict want;
} confirm_row;

/* The verdict the table gives for a row. */
static policy_verdict expected_confirm(const confirm_row *r)
{
    bool case_role = r->account == ROLE_SUPERVISOR || r->account == ROLE_CASE_MANAGER ||
                     r->account == ROLE_FIRST_RESPONDER;
    bool first = r->account == ROLE_SUPERVISOR && !r->has_supervisor && !r->has_cases;
    bool wide_admin = r->actor == ROLE_ADMIN && r->wide;
    if (r->actor == ROLE_SYSTEM)
        return POLICY_ALLOW;
    if (r->actor != ROLE_SUPERVISOR && r->actor != ROLE_ADMIN)
        return POLICY_FORBID;
    if (r->account_wide)
        return POLICY_FORBID;
    if (!r->same_org && !wide_admin)
        return POLICY_HIDE;
    if (r->mine)
        return POLICY_FORBID;
    if (r->actor == ROLE_SUPERVISOR)
        return case_role ? POLICY_ALLOW : POLICY_FORBID;
    if (case_role)
        return wide_admin && first ? POLICY_ALLOW : POLICY_FORBID;
    return POLICY_ALLOW;
}

static void test_confirm_table(void **state)
{
    (void)state;
    /* a few rows written out, so the table reads as a decision, not as a formula */
    static const confirm_row rows[] = {
        {ROLE_SUPERVISOR, ROLE_CASE_MANAGER, true, true, true, false, false, false, POLICY_ALLOW},
        {ROLE_SUPERVISOR, ROLE_SUPERVISOR, true, true, true, false, false, false, POLICY_ALLOW},
        {ROLE_SUPERVISOR, ROLE_CASE_MANAGER, false, true, true, false, false, false, POLICY_HIDE},
        {ROLE_SUPERVISOR, ROLE_ANALYST, true, true, true, false, false, false, POLICY_FORBID},
        /* the first supervisor of a new organisation: a system-wide admin who did not
         * make it */
        {ROLE_ADMIN, ROLE_SUPERVISOR, false, false, false, true, false, false, POLICY_ALLOW},
        {ROLE_ADMIN, ROLE_SUPERVISOR, false, false, false, true, true, false, POLICY_FORBID},
        {ROLE_ADMIN, ROLE_SUPERVISOR, true, false, false, false, false, false, POLICY_FORBID},
        {ROLE_ADMIN, ROLE_SUPERVISOR, false, false, true, true, false, false, POLICY_FORBID},
        {ROLE_ADMIN, ROLE_CASE_MANAGER, true, false, false, true, false, false, POLICY_FORBID},
        /* admin, auditor, analyst accounts: another admin of the organisation or a
         * system-wide one */
        {ROLE_ADMIN, ROLE_AUDITOR, true, true, true, false, false, false, POLICY_ALLOW},
        {ROLE_ADMIN, ROLE_AUDITOR, true, true, true, false, true, false, POLICY_FORBID},
        {ROLE_ADMIN, ROLE_ADMIN, false, true, true, false, false, false, POLICY_HIDE},
        {ROLE_ADMIN, ROLE_ADMIN, false, true, true, true, false, false, POLICY_ALLOW},
        {ROLE_ADMIN, ROLE_ANALYST, true, true, true, true, false, true, POLICY_FORBID},
        {ROLE_CASE_MANAGER, ROLE_CASE_MANAGER, true, true, true, false, false, false,
         POLICY_FORBID},
        {ROLE_AUDITOR, ROLE_SUPERVISOR, true, false, false, true, false, false, POLICY_FORBID},
        {ROLE_SYSTEM, ROLE_SUPERVISOR, false, true, true, false, false, false, POLICY_ALLOW},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(expected_confirm(&rows[i]), rows[i].want);
    for (int ar = ROLE_NONE; ar <= ROLE_SYSTEM; ar++)
        for (int tr = ROLE_ADMIN; tr < ROLE_SYSTEM; tr++)
            for (int bits = 0; bits < 64; bits++) {
                confirm_row r = {(qg_role)ar, (qg_role)tr, bits & 1, bits & 2, bits & 4,
                                 bits & 8, bits & 16, bits & 32, 0};
                qg_actor a = {.user_id = 2, .org_id = 3, .role = r.actor, .system_wide = r.wide};
                account_facts f = {.id = 20, .role = r.account, .org_id = r.same_org ? 3 : 4,
                                   .org_has_supervisor = r.has_supervisor,
                                   .org_has_cases = r.has_cases, .system_wide = r.account_wide,
                                   .pending_by = r.mine ? 2 : 5};
                if (policy_confirm(&a, &f) != expected_confirm(&r))
                    fail_msg("%s (wide %d) confirming %s, bits %d: want %d, got %d",
                             role_code(r.actor), r.wide, role_code(r.account), bits,
                             expected_confirm(&r), policy_confirm(&a, &f));
                /* the session's "may" holds user.confirm exactly for the roles that
                 * can confirm some account */
                bool some = policy_confirm(&a, NULL) == POLICY_ALLOW;
                assert_int_equal(policy_decide(&a, ACT_USER_CONFIRM, NULL) == POLICY_ALLOW, some);
                if (expected_confirm(&r) == POLICY_ALLOW)
                    assert_true(some);
            }
    /* nobody confirms their own account */
    qg_actor me = {.user_id = 20, .org_id = 3, .role = ROLE_ADMIN, .system_wide = true};
    account_facts mine = {.id = 20, .role = ROLE_ADMIN, .org_id = 3};
    assert_int_equal(policy_confirm(&me, &mine), POLICY_FORBID);
    /* nor what one's own maker made or reset (made_by 7): no chain through one's making */
    for (int ar = ROLE_NONE; ar <= ROLE_SYSTEM; ar++)
        for (int tr = ROLE_ADMIN; tr < ROLE_SYSTEM; tr++) {
            qg_actor made = {.user_id = 2, .org_id = 3, .role = (qg_role)ar, .made_by = 7};
            account_facts f = {.id = 20, .role = (qg_role)tr, .org_id = 3, .pending_by = 7,
                               .org_has_supervisor = true};
            assert_int_equal(policy_confirm(&made, &f),
                             ar == ROLE_SYSTEM ? POLICY_ALLOW : POLICY_FORBID);
            f.pending_by = 8; /* another's making: the maker changes nothing */
            qg_actor nomaker = made;
            nomaker.made_by = 0; /* made on the server */
            assert_int_equal(policy_confirm(&made, &f), policy_confirm(&nomaker, &f));
        }
}

/* Who the web shows as the one to confirm a waiting account. */
static void test_confirmer(void **state)
{
    (void)state;
    account_facts cm = {.role = ROLE_CASE_MANAGER, .org_id = 3, .org_has_supervisor = true};
    assert_string_equal(policy_confirmer(&cm), "supervisor");
    cm.org_has_supervisor = false; /* the organisation's first supervisor, once confirmed */
    assert_string_equal(policy_confirmer(&cm), "supervisor");
    account_facts first = {.role = ROLE_SUPERVISOR, .org_id = 3};
    assert_string_equal(policy_confirmer(&first), "system_admin"); /* a new org's first */
    first.org_has_cases = true; /* no supervisor left, but cases: only the server */
    assert_string_equal(policy_confirmer(&first), "system");
    account_facts second = {.role = ROLE_SUPERVISOR, .org_id = 3, .org_has_supervisor = true};
    assert_string_equal(policy_confirmer(&second), "supervisor");
    account_facts auditor = {.role = ROLE_AUDITOR, .org_id = 3};
    assert_string_equal(policy_confirmer(&auditor), "admin");
    auditor.system_wide = true;
    assert_string_equal(policy_confirmer(&auditor), "system");
    assert_string_equal(policy_confirmer(NULL), "system");
}

/* Making, resetting and disabling accounts: an admin of one organisation only there and
 * never a system-wide account; a system-wide admin anywhere, and disables (only) a
 * system-wide account; the system everything; nobody else anything. */
static void test_account_change(void **state)
{
    (void)state;
    qg_actor admin = {.user_id = 1, .org_id = 3, .role = ROLE_ADMIN};
    qg_actor wide = {.user_id = 2, .org_id = 3, .role = ROLE_ADMIN, .system_wide = true};
    qg_actor sup = {.user_id = 5, .org_id = 3, .role = ROLE_SUPERVISOR};
    qg_actor wide_aud = {.user_id = 6, .org_id = 3, .role = ROLE_AUDITOR, .system_wide = true};
    qg_actor sys = actor_system();
    account_facts own = {.id = 9, .role = ROLE_AUDITOR, .org_id = 3};
    account_facts other = {.id = 9, .role = ROLE_ADMIN, .org_id = 4};
    account_facts wide_acct = {.id = 9, .role = ROLE_ADMIN, .org_id = 3, .system_wide = true};
    for (int k = ACCOUNT_CREATE; k <= ACCOUNT_DISABLE; k++) {
        account_change c = (account_change)k;
        assert_int_equal(policy_account_change(&admin, c, &own), POLICY_ALLOW);
        assert_int_equal(policy_account_change(&admin, c, &other), POLICY_HIDE);
        assert_int_equal(policy_account_change(&admin, c, &wide_acct), POLICY_FORBID);
        assert_int_equal(policy_account_change(&wide, c, &other), POLICY_ALLOW);
        assert_int_equal(policy_account_change(&wide, c, &wide_acct),
                         c == ACCOUNT_DISABLE ? POLICY_ALLOW : POLICY_FORBID);
        assert_int_equal(policy_account_change(&sup, c, &own), POLICY_FORBID);
        assert_int_equal(policy_account_change(&wide_aud, c, &other), POLICY_FORBID);
        assert_int_equal(policy_account_change(&sys, c, &wide_acct), POLICY_ALLOW);
        assert_int_equal(policy_account_change(NULL, c, &own), POLICY_FORBID);
    }
    /* organisations are made by a system-wide admin or on the server */
    assert_int_equal(policy_decide(&wide, ACT_ORG_MANAGE, NULL), POLICY_ALLOW);
    assert_int_equal(policy_decide(&admin, ACT_ORG_MANAGE, NULL), POLICY_FORBID);
    assert_int_equal(policy_user_scope(&wide), USERS_ALL);
    assert_int_equal(policy_org_manage(&admin, ACT_DIRECTORY_MANAGE, 4), POLICY_HIDE);
    assert_int_equal(policy_org_manage(&admin, ACT_DIRECTORY_MANAGE, 3), POLICY_ALLOW);
    assert_int_equal(policy_org_manage(&wide, ACT_DIRECTORY_MANAGE, 4), POLICY_ALLOW);
    /* the audit trail: an auditor of one organisation reads its own */
    qg_actor aud = {.user_id = 7, .org_id = 3, .role = ROLE_AUDITOR};
    assert_int_equal(policy_audit_org(&aud), 3);
    assert_int_equal(policy_audit_org(&wide_aud), 0);
    assert_int_equal(policy_audit_org(&sys), 0);
}

/* A password an admin sets for someone else is temporary; one's own, or the server's, stays. */
static void test_password_temporary(void **state)
{
    (void)state;
    qg_actor admin = {.user_id = 1, .org_id = 3, .role = ROLE_ADMIN};
    qg_actor sys = actor_system();
    qg_actor sup = {.user_id = 5, .org_id = 3, .role = ROLE_SUPERVISOR};
    assert_true(policy_password_temporary(&admin, 9));
    assert_false(policy_password_temporary(&admin, 1));
    assert_true(policy_password_temporary(&admin, 0)); /* the one chosen at the making */
    assert_false(policy_password_temporary(&sys, 9));
    assert_false(policy_password_temporary(&sup, 5));
    assert_false(policy_password_temporary(NULL, 9));
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_facts),
        cmocka_unit_test(test_with_facts),
        cmocka_unit_test(test_case_actions_named_rules),
        cmocka_unit_test(test_bad_inputs_refused),
        cmocka_unit_test(test_scope_per_role),
        cmocka_unit_test(test_scope_agrees_with_read),
        cmocka_unit_test(test_action_names),
        cmocka_unit_test(test_withdrawn_read_only),
        cmocka_unit_test(test_task_scope),
        cmocka_unit_test(test_break_glass_grant),
        cmocka_unit_test(test_grant_scope),
        cmocka_unit_test(test_report_scope),
        cmocka_unit_test(test_role_codes),
        cmocka_unit_test(test_user_scope_and_case_rules),
        cmocka_unit_test(test_handover_is_final),
        cmocka_unit_test(test_account_confirmation),
        cmocka_unit_test(test_confirm_table),
        cmocka_unit_test(test_confirmer),
        cmocka_unit_test(test_account_change),
        cmocka_unit_test(test_password_temporary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
