/*
 * test_capabilities.c — unit tests of what the policy tells the interface
 * (src/core/account/capabilities.c and the policy's additions for it): the session's
 * "may" agrees with policy_decide for every role and action, the case's "may" follows
 * the actor's relation to the case, and break-the-glass access is told apart from the
 * ordinary kind.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/account/capabilities.h"

static bool listed(json_t *list, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        if (!strcmp(json_string_value(e), name))
            return true;
    }
    return false;
}

/* For every role, "may" holds exactly the actions policy_decide allows without a case. */
static void test_session_may_is_the_policy(void **state)
{
    (void)state;
    for (int r = ROLE_NONE; r <= ROLE_SYSTEM; r++) {
        qg_actor a = {.user_id = 7, .org_id = 3, .role = (qg_role)r};
        json_t *may = capabilities_may(&a);
        assert_non_null(may);
        size_t allowed = 0;
        for (int act = 0; act < ACT_COUNT; act++) {
            bool yes = policy_decide(&a, (qg_action)act, NULL) == POLICY_ALLOW;
            allowed += yes;
            assert_int_equal(listed(may, policy_action_name((qg_action)act)), yes);
        }
        assert_int_equal(json_array_size(may), allowed);
        json_decref(may);
    }
    qg_actor none = {.role = ROLE_NONE};
    json_t *may = capabilities_may(&none);
    assert_int_equal(json_array_size(may), 0);
    json_decref(may);
}

static void test_session_scopes(void **state)
{
    (void)state;
    qg_actor sup = {1, 3, ROLE_SUPERVISOR}, analyst = {2, 3, ROLE_ANALYST}, admin = {3, 3, ROLE_ADMIN, true};
    qg_actor org_admin = {4, 3, ROLE_ADMIN, false}; /* of one organisation */
    json_t *o = json_object();
    assert_int_equal(capabilities_add(o, &sup), 0);
    assert_string_equal(json_string_value(json_object_get(o, "case_scope")), "org");
    assert_string_equal(json_string_value(json_object_get(o, "directory_scope")), "own");
    assert_string_equal(json_string_value(json_object_get(o, "agreement_scope")), "org");
    assert_string_equal(json_string_value(json_object_get(o, "agreement_manage_scope")), "own");
    assert_true(json_is_false(json_object_get(o, "report_always_protected")));
    assert_int_equal(json_array_size(json_object_get(o, "assignable_roles")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "assignable_roles"), 0)),
                        "case_manager");
    assert_int_equal(capabilities_add(o, &analyst), 0);
    assert_string_equal(json_string_value(json_object_get(o, "case_scope")), "none");
    assert_string_equal(json_string_value(json_object_get(o, "directory_scope")), "none");
    assert_string_equal(json_string_value(json_object_get(o, "agreement_scope")), "none");
    assert_string_equal(json_string_value(json_object_get(o, "agreement_manage_scope")), "none");
    assert_true(json_is_true(json_object_get(o, "report_always_protected")));
    assert_int_equal(capabilities_add(o, &admin), 0);
    assert_string_equal(json_string_value(json_object_get(o, "directory_scope")), "any");
    assert_string_equal(json_string_value(json_object_get(o, "agreement_scope")), "all");
    assert_string_equal(json_string_value(json_object_get(o, "agreement_manage_scope")), "any");
    assert_int_equal(capabilities_add(o, &org_admin), 0);
    assert_string_equal(json_string_value(json_object_get(o, "directory_scope")), "own");
    assert_string_equal(json_string_value(json_object_get(o, "agreement_manage_scope")), "own");
    json_decref(o);
    assert_string_equal(policy_case_scope_name(SCOPE_ALL), "all");
    assert_string_equal(policy_case_scope_name(SCOPE_ASSIGNED), "assigned");
    assert_string_equal(policy_case_scope_name(SCOPE_OPENED_UNASSIGNED), "opened_unassigned");
    assert_string_equal(policy_directory_scope_name(NULL), "none");
}

static void assert_case_may(const qg_actor *a, const case_facts *f, const char *const *want, size_t n)
{
    json_t *may = capabilities_case_may(a, f);
    assert_non_null(may);
    assert_int_equal(json_array_size(may), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(may, i)), want[i]);
    json_decref(may);
}

static void test_case_may_by_relation(void **state)
{
    (void)state;
    case_facts opened = {.org_id = 3, .created_by = 9}, handed = {.org_id = 3, .created_by = 9,
                                                                    .assigned_count = 1, .actor_assigned = true,
                                                                    .handed_over = true};
    qg_actor fr = {9, 3, ROLE_FIRST_RESPONDER}, cm = {5, 3, ROLE_CASE_MANAGER}, sup = {1, 3, ROLE_SUPERVISOR},
             other_sup = {2, 4, ROLE_SUPERVISOR}, auditor = {6, 3, ROLE_AUDITOR};
    static const char *const fr_may[] = {"case.read", "case.update", "personal.read", "personal.update",
                                         "referral.send"};
    assert_case_may(&fr, &opened, fr_may, 5);
    assert_case_may(&fr, &handed, NULL, 0); /* handed over: nothing, not even reading */
    static const char *const cm_may[] = {"case.read", "case.update", "personal.read", "personal.update",
                                         "case.close", "case.child_record", "referral.send"};
    assert_case_may(&cm, &handed, cm_may, 7);
    assert_case_may(&cm, &opened, NULL, 0); /* not assigned */
    /* through a grant: read-only (issue 15); the emergency scope reads the case and its person */
    static const char *const full_may[] = {"case.read", "personal.read", "case.child_record",
                                           "case.break_glass_end"};
    static const char *const emergency_may[] = {"case.read", "personal.read",
                                                "case.break_glass_end"};
    static const char *const own_sup_may[] = {
        "case.read", "case.update", "personal.read", "personal.update", "case.assign",
        "case.close", "case.child_record", "referral.send", "case.withdraw"};
    assert_case_may(&sup, &opened, own_sup_may, 9);
    assert_case_may(&other_sup, &opened, NULL, 0);
    case_facts granted = opened;
    granted.grant = GRANT_FULL;
    assert_case_may(&other_sup, &granted, full_may, 4); /* a grant never changes or withdraws */
    granted.grant = GRANT_EMERGENCY;
    assert_case_may(&other_sup, &granted, emergency_may, 3);
    /* a withdrawn case: read-only for everyone (issue 14 item 6) */
    case_facts withdrawn = opened;
    withdrawn.withdrawn = true;
    static const char *const read_only[] = {"case.read", "personal.read", "case.child_record"};
    assert_case_may(&sup, &withdrawn, read_only, 3);
    assert_case_may(&auditor, &granted, NULL, 0);
}

static void test_via_grant(void **state)
{
    (void)state;
    case_facts f = {.org_id = 3, .created_by = 9, .grant = GRANT_EMERGENCY};
    qg_actor own = {1, 3, ROLE_SUPERVISOR}, other = {2, 4, ROLE_SUPERVISOR}, cm = {5, 4, ROLE_CASE_MANAGER};
    assert_false(policy_via_grant(&own, &f)); /* sees it anyway */
    assert_true(policy_via_grant(&other, &f));
    assert_false(policy_via_grant(&cm, &f)); /* a grant opens nothing to a case manager */
    f.grant = GRANT_NONE;
    assert_false(policy_via_grant(&other, &f));
    assert_false(policy_via_grant(NULL, &f));
    assert_false(policy_via_grant(&other, NULL));
    assert_true(policy_assignable_role(ROLE_CASE_MANAGER));
    assert_false(policy_assignable_role(ROLE_SUPERVISOR));
    assert_false(policy_assignable_role(ROLE_FIRST_RESPONDER));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_may_is_the_policy),
        cmocka_unit_test(test_session_scopes),
        cmocka_unit_test(test_case_may_by_relation),
        cmocka_unit_test(test_via_grant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
