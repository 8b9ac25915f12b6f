/* capabilities.c — the policy's answers for the interface (see capabilities.h). */
#include "core/account/capabilities.h"

#include <stdbool.h>
#include <string.h>

/* The actions a case answer lists: those the case page offers. */
static const qg_action CASE_ACTIONS[] = {
    ACT_CASE_READ,   ACT_CASE_UPDATE,  ACT_PERSONAL_READ, ACT_PERSONAL_UPDATE, ACT_CASE_ASSIGN,
    ACT_CASE_CLOSE,  ACT_CHILD_RECORD, ACT_REFERRAL_SEND, ACT_CASE_WITHDRAW,
};

static int append_name(json_t *list, const char *name)
{
    return json_array_append_new(list, json_string(name));
}

json_t *capabilities_may(const qg_actor *actor)
{
    json_t *list = json_array();
    for (int a = 0; list && a < ACT_COUNT; a++) {
        if (policy_decide(actor, (qg_action)a, NULL) == POLICY_ALLOW &&
            append_name(list, policy_action_name((qg_action)a)) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *assignable_roles(void)
{
    json_t *list = json_array();
    for (int r = ROLE_NONE + 1; list && r < ROLE_SYSTEM; r++) {
        if (policy_assignable_role((qg_role)r) && append_name(list, role_code((qg_role)r)) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* The name of the actor's reading scope of the agreements register. */
static const char *agreement_scope_name(const qg_actor *actor)
{
    switch (policy_agreement_scope(actor)) {
    case AGREEMENTS_ALL:
        return "all";
    case AGREEMENTS_ORG:
        return "org";
    case AGREEMENTS_NONE:
        break;
    }
    return "none";
}

/* Whose agreements the actor records and ends: "any" when the policy allows it for an
 * organisation that is not the actor's (-1 is no organisation's id), "own" when only
 * for their own, "none" when never. */
static const char *agreement_manage_name(const qg_actor *actor)
{
    if (policy_decide(actor, ACT_AGREEMENT_MANAGE, NULL) != POLICY_ALLOW)
        return "none";
    return policy_org_manage(actor, ACT_AGREEMENT_MANAGE, -1) == POLICY_ALLOW ? "any" : "own";
}

/* In which organisations the actor makes and manages accounts: "any", their "own" (an
 * account of another organisation, -1, is out of reach) or "none". */
static const char *account_scope_name(const qg_actor *actor)
{
    if (policy_account_change(actor, ACCOUNT_CREATE, NULL) != POLICY_ALLOW)
        return "none";
    account_facts other = {.role = ROLE_ANALYST, .org_id = -1};
    return policy_account_change(actor, ACCOUNT_CREATE, &other) == POLICY_ALLOW ? "any" : "own";
}

int capabilities_add(json_t *obj, const qg_actor *actor)
{
    json_t *may = capabilities_may(actor), *roles = assignable_roles();
    const char *cases = policy_case_scope_name(policy_case_scope(actor));
    const char *agreements = agreement_scope_name(actor);
    if (may && strcmp(agreements, "none") != 0 && append_name(may, "agreement.list") != 0) {
        json_decref(may);
        may = NULL;
    }
    int failed = !may || json_object_set_new(obj, "may", may) != 0;
    failed |= json_object_set_new(obj, "case_scope", json_string(cases)) != 0;
    failed |= json_object_set_new(obj, "directory_scope",
                                  json_string(policy_directory_scope_name(actor))) != 0;
    failed |= json_object_set_new(obj, "report_always_protected",
                                  json_boolean(policy_report_always_protected(actor))) != 0;
    failed |= json_object_set_new(obj, "assignable_roles", roles) != 0;
    failed |= json_object_set_new(obj, "agreement_scope", json_string(agreements)) != 0;
    failed |= json_object_set_new(obj, "agreement_manage_scope",
                                  json_string(agreement_manage_name(actor))) != 0;
    failed |= json_object_set_new(obj, "account_scope",
                                  json_string(account_scope_name(actor))) != 0;
    const char *audit = policy_decide(actor, ACT_AUDIT_READ, NULL) != POLICY_ALLOW ? "none"
                        : policy_audit_org(actor) ? "org"
                                                  : "all";
    failed |= json_object_set_new(obj, "audit_scope", json_string(audit)) != 0;
    return failed ? -1 : 0;
}

json_t *capabilities_case_may(const qg_actor *actor, const case_facts *facts)
{
    json_t *list = json_array();
    bool failed = !list;
    for (size_t i = 0; !failed && i < sizeof CASE_ACTIONS / sizeof CASE_ACTIONS[0]; i++) {
        if (policy_decide(actor, CASE_ACTIONS[i], facts) == POLICY_ALLOW)
            failed = append_name(list, policy_action_name(CASE_ACTIONS[i])) != 0;
    }
    if (!failed && policy_via_grant(actor, facts))
        failed = append_name(list, "case.break_glass_end") != 0;
    if (failed) {
        json_decref(list);
        return NULL;
    }
    return list;
}
