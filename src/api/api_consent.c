/* api_consent.c — a case's consent routes: recording consents, listing them with
 * whether the case counts in statistics, withdrawing one, and the child's refusal of
 * statistics without a consent on record (core/consent.h has the rules). Notes travel
 * only in request bodies; answers say only whether a consent has one. */
#include "api/api_call.h"
#include "core/referral/consent.h"

void api_consents_create(api_call *call) { api_with_case_body(call, consent_create, 201); }

void api_consents_list(api_call *call) { api_with_case(call, consent_list); }

/* POST /cases/{code}/consents/{n}/withdraw {"withdrawn_on"?} */
void api_consents_withdraw(api_call *call)
{
    api_with_case_record_body(call, "consent", "consent.not_found", "no such consent",
                              consent_withdraw);
}

void api_statistics_opt_out(api_call *call)
{
    api_with_case_body(call, consent_statistics_opt_out, 200);
}
