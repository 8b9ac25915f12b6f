/*
 * vocab.h — the closed code lists of Qorgau: roles, organisation types, regions of
 * Kazakhstan, countries (ISO 3166-1 alpha-2), sex (HTCDS prs_Gender), case stages
 * (the manual's ten, L2459–2501), case statuses and urgent needs (L3119–3126). Each
 * list is data; validation and the API's /vocab listing read the same tables.
 */
#ifndef QG_VOCAB_H
#define QG_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *code;  /* stable code stored and exchanged */
    const char *extra; /* list-specific: ISO 3166-2 code for regions, HTCDS code for org
                          types, NULL elsewhere */
    const char *en;    /* English label */
    const char *ru;    /* Russian label */
    const char *kk;    /* Kazakh label */
} vocab_entry;

typedef struct {
    const char *name; /* e.g. "region" */
    const vocab_entry *entries;
    size_t count;
} vocab_list;

extern const vocab_list VOCAB_ROLE;
extern const vocab_list VOCAB_ORG_TYPE;
extern const vocab_list VOCAB_REGION;
extern const vocab_list VOCAB_COUNTRY; /* generated from iso-codes (tools/isogen.c) */
/* ISO 639 languages, generated from iso-codes: the 639-1 code where there is one, else
 * 639-2; English and Russian names (iso-codes has no Kazakh ones: kk is NULL); the
 * region's languages first with extra = "common". For pickers: case input takes any
 * 2- or 3-letter code. */
extern const vocab_list VOCAB_LANGUAGE;
extern const vocab_list VOCAB_SEX;
extern const vocab_list VOCAB_STAGE;
extern const vocab_list VOCAB_CASE_STATUS;
extern const vocab_list VOCAB_NEED; /* urgent needs a checklist suggests */
extern const vocab_list VOCAB_NEED_HOW;    /* how a suggested need was addressed */
extern const vocab_list VOCAB_NEED_REASON; /* why it was not needed after all */

/* Case work (vocab_case.c): the data the manual asks to collect (L2683-2699), coded in
 * HTCDS v2.0 terms where HTCDS has a code (extra = the HTCDS value, NULL when none). */
extern const vocab_list VOCAB_EXPLOITATION_FORM;   /* vic_TypeOfExploitation */
extern const vocab_list VOCAB_RECRUITMENT_METHOD;  /* vic_MethodOfRecruitment */
extern const vocab_list VOCAB_EXIT_METHOD;         /* how the child left or was rescued */
extern const vocab_list VOCAB_RELATION;            /* vic_RelationshipToTrafficker */
extern const vocab_list VOCAB_CJ_STAGE;            /* criminal-justice response */
extern const vocab_list VOCAB_VICTIM_STATUS;       /* vic_TraffickingStatus */
extern const vocab_list VOCAB_DECIDING_BODY;       /* vic_TraffickingStatusDecisionMakingOrg */
extern const vocab_list VOCAB_ACCOMPANIMENT;       /* unaccompanied or separated child */
extern const vocab_list VOCAB_AGE_BAND;            /* a trafficker's age band */
extern const vocab_list VOCAB_TRAFFICKER_ROLE;     /* per_RoleInProcess */
extern const vocab_list VOCAB_ROUTE_EVENT;         /* Historic Trafficking Events Type */
extern const vocab_list VOCAB_SERVICE;             /* services needed and offered */
extern const vocab_list VOCAB_CLOSE_REASON;        /* why a case was closed */
extern const vocab_list VOCAB_ASSESSMENT_ELEMENT;  /* the manual's eight elements */
extern const vocab_list VOCAB_ASSESSMENT_LEVEL;    /* how much an element needs action */
extern const vocab_list VOCAB_HARM_CHANNEL;        /* in person, online, phone */
extern const vocab_list VOCAB_SAFETY_SITUATION;    /* not yet out, escaped, rescued */
extern const vocab_list VOCAB_CHANNEL;             /* how an interaction took place */
extern const vocab_list VOCAB_PARTICIPANT;         /* who took part in an interaction */
extern const vocab_list VOCAB_GOAL_TERM;           /* short or long term */
extern const vocab_list VOCAB_GOAL_STATUS;         /* an action-plan goal's status */
extern const vocab_list VOCAB_TASK_STATUS;         /* a task's status */

/* Referrals between agencies (vocab_referral.c). */
extern const vocab_list VOCAB_SHARE_PART;          /* what a referral may carry */
extern const vocab_list VOCAB_AGREEMENT_KIND;      /* cooperation or data sharing */
extern const vocab_list VOCAB_CONSENT_PURPOSE;     /* services, sharing, statistics */
extern const vocab_list VOCAB_CONSENT_GIVER;       /* the child, a parent, a guardian, another */
extern const vocab_list VOCAB_REFERRAL_STATUS;     /* sent ... completed */
extern const vocab_list VOCAB_REFERRAL_REASON;     /* why declined or not completed */

/* Returns the entry whose code equals code exactly, or NULL. */
const vocab_entry *vocab_find(const vocab_list *list, const char *code);

/* Returns true when code is in list. */
bool vocab_has(const vocab_list *list, const char *code);

/* Returns the NULL-terminated array of all lists, for listing them in the API. */
const vocab_list *const *vocab_all(void);

#endif
