/* actor.c — role codes and the system actor (see actor.h). */
#include "core/account/actor.h"

#include <string.h>

static const char *const role_codes[] = {
    [ROLE_NONE] = "none",
    [ROLE_ADMIN] = "admin",
    [ROLE_SUPERVISOR] = "supervisor",
    [ROLE_CASE_MANAGER] = "case_manager",
    [ROLE_FIRST_RESPONDER] = "first_responder",
    [ROLE_ANALYST] = "analyst",
    [ROLE_AUDITOR] = "auditor",
    [ROLE_SYSTEM] = "system",
};

qg_role role_from_code(const char *code)
{
    if (!code)
        return ROLE_NONE;
    for (int r = ROLE_ADMIN; r < ROLE_SYSTEM; r++)
        if (strcmp(role_codes[r], code) == 0)
            return (qg_role)r;
    return ROLE_NONE;
}

const char *role_code(qg_role role)
{
    if (role < ROLE_NONE || role > ROLE_SYSTEM)
        return "none";
    return role_codes[role];
}

qg_actor actor_system(void) { return (qg_actor){.user_id = 0, .org_id = 0, .role = ROLE_SYSTEM}; }
