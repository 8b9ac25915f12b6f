/*
 * actor.h — who is acting: a logged-in user (id, organisation, role) or the system
 * itself (the command line run by the machine's operator). Every service call takes
 * an actor; the policy decides from it what the call may do.
 */
#ifndef QG_ACTOR_H
#define QG_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    ROLE_NONE = 0,
    ROLE_ADMIN,           /* users and organisations; never case content */
    ROLE_SUPERVISOR,      /* every case of their organisation; assigns case managers */
    ROLE_CASE_MANAGER,    /* the cases assigned to them */
    ROLE_FIRST_RESPONDER, /* opens cases; sees those they opened until handed over */
    ROLE_ANALYST,         /* aggregate figures only */
    ROLE_AUDITOR,         /* the audit trail only */
    ROLE_SYSTEM           /* the command line on the server machine */
} qg_role;

typedef struct {
    int64_t user_id; /* 0 for the system */
    int64_t org_id;  /* 0 for the system */
    qg_role role;
    bool system_wide; /* an admin, auditor or analyst whose reach is every organisation
                       * (made only on the server: `qorgau user add --system-wide`) */
    int64_t made_by;  /* the person who made this account or last set its password for it
                       * (users.made_by); 0 for the command line or the system */
} qg_actor;

/* Returns the role for its code ("case_manager" ...), or ROLE_NONE. ROLE_SYSTEM has
 * no code and cannot be given to a user. */
qg_role role_from_code(const char *code);

/* Returns the code of a role, or "system" / "none". Static string. */
const char *role_code(qg_role role);

/* Returns the system actor used by the command line. */
qg_actor actor_system(void);

#endif
