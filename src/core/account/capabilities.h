/*
 * capabilities.h — what the policy tells the interface about the acting user, so that
 * pages show or hide actions from lists the policy computed and never compare roles:
 * the actions the actor may take at all (GET /api/v1/session) and the scopes that shape
 * a page (whose cases the list holds, whose directory entries they edit).
 */
#ifndef QG_CAPABILITIES_H
#define QG_CAPABILITIES_H

#include <jansson.h>

#include "core/account/policy.h"

/* Returns a new array (caller owns) of the names of every action policy_decide allows
 * actor without a case (e.g. ["case.create", "case.list", ...]), in qg_action order;
 * NULL when out of memory. */
json_t *capabilities_may(const qg_actor *actor);

/* Adds the actor's capabilities to obj (a session answer): "may" (capabilities_may, plus
 * "agreement.list" when the actor reads the agreements register at all),
 * "case_scope" (policy_case_scope_name), "directory_scope" (policy_directory_scope_name),
 * "report_always_protected" (policy_report_always_protected), "assignable_roles" (the
 * role codes a case manager may have, policy_assignable_role), "agreement_scope" (which
 * agreements the register shows: "all", "org" — those the actor's organisation is a
 * party to — or "none"; policy_agreement_scope) and "agreement_manage_scope" (whose
 * agreements the actor records and ends: "any", "own" — only with their organisation as
 * a party — or "none"; policy_org_manage) and "account_scope" (in which organisations
 * the actor makes accounts: "any", "own" or "none"; policy_account_change) and
 * "audit_scope" (which audit entries the actor reads: "all", "org" — those that concern
 * their organisation — or "none"; policy_audit_org). Returns 0, or -1 when out of memory
 * (obj may then hold some of them). */
int capabilities_add(json_t *obj, const qg_actor *actor);

/* Returns a new array (caller owns) of the names of the case actions the actor may take
 * on the case of facts (policy_decide with the facts), in qg_action order, plus
 * "case.break_glass_end" when the actor sees it only through a break-the-glass grant
 * (policy_via_grant); NULL when out of memory. */
json_t *capabilities_case_may(const qg_actor *actor, const case_facts *facts);

#endif
