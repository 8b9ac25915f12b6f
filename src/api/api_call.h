/*
 * api_call.h — what every API route handler works with: the request, the response
 * being built, the path parameters, the logged-in user, and helpers that answer with
 * JSON or with an error. Internal to src/api.
 */
#ifndef QG_API_CALL_H
#define QG_API_CALL_H

#include <jansson.h>
#include <stdint.h>

#include "api/api.h"
#include "core/account/session.h"

#define API_PARAMS_MAX 3
#define API_SEGMENT_MAX 128

typedef struct {
    api_ctx *api;
    const http_request *req;
    http_response *resp;
    char params[API_PARAMS_MAX][API_SEGMENT_MAX]; /* ":name" segments of the route, in order */
    session_info who;                              /* valid when the route needs a session */
    const char *token;                             /* the session cookie, when present */
    int64_t now;
} api_call;

typedef void (*route_fn)(api_call *call);

/* Answers status with body (stolen; NULL sends no body). */
void api_reply(api_call *call, int status, json_t *body);

/* Answers status with body (len bytes, stolen: the adapter wipes and frees it) of
 * content type type (a static string); a filename makes it a download
 * (Content-Disposition: attachment). */
void api_reply_bytes(api_call *call, int status, const char *type, char *body, size_t len,
                     const char *filename);

/* Answers the error in err with its HTTP status; extra (stolen, may be NULL) is merged
 * into the "error" object, e.g. {"existing": {...}} for a duplicate child. */
void api_fail(api_call *call, const qg_error *err, json_t *extra);

/* Shorthand: answers a new error of code naming field, with reason (a string literal,
 * as for qg_fail) and the fixed English message. */
#define api_fail_new(call, code, field, reason, message) \
    api_fail_new_at((call), (code), (field), "" reason "", (message))
void api_fail_new_at(api_call *call, qg_code code, const char *field, const char *reason,
                     const char *message);

/* json_unpack_ex(body, jerr, JSON_STRICT, fmt, ...) with no allocation failing inside:
 * jansson 2.14 drops a failed allocation of its strict key check and reports the body as
 * holding unrecognized keys, a 400 for what is a 500. As in qg_json_loads, a failed
 * allocation there aborts (base/alloc.h, qg_alloc_parsing). Returns 0 on a match. */
int api_unpack_strict(json_t *body, json_error_t *jerr, const char *fmt, ...);

/* Parses the request body as one JSON object. Returns a new reference, or NULL after
 * answering 400 (wrong content type, malformed JSON, duplicate key, not an object). */
json_t *api_body(api_call *call);

/* Reads an optional integer query parameter into *out (default when absent). Returns
 * false after answering 400 naming the parameter when it is not an integer in
 * [lo, hi]. */
bool api_query_int(api_call *call, const char *name, int64_t def, int64_t lo, int64_t hi,
                   int64_t *out);

/* Answers status with out (stolen) when c is QG_OK, else the error in err (out is
 * then released). */
void api_answer(api_call *call, qg_code c, const qg_error *err, int status, json_t *out);

/* A service call on the case of the path (params[0]) with the request body. */
typedef qg_code (*case_body_fn)(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                                json_t **out, qg_error *err);

/* A service call on the case of the path (params[0]) without a body. */
typedef qg_code (*case_read_fn)(qg_app *app, const qg_actor *actor, const char *code, json_t **out,
                                qg_error *err);

/* Parses the body (answering 400 when it is not a JSON object), calls fn for the
 * path's case as the logged-in user, and answers status with its result or its
 * error. */
void api_with_case_body(api_call *call, case_body_fn fn, int status);

/* Calls fn for the path's case as the logged-in user and answers 200 or the error. */
void api_with_case(api_call *call, case_read_fn fn);

#define API_NUMBER_MAX 1000000 /* the largest record number in a path */

/* A service call on record n of the path's case with the request body. */
typedef qg_code (*case_record_body_fn)(qg_app *app, const qg_actor *actor, const char *code,
                                       int64_t n, json_t *body, json_t **out, qg_error *err);

/* Parses the record number of the path (404 naming field with message when it is not
 * one) and the body, calls fn as the logged-in user and answers 200 or the error. */
void api_with_case_record_body(api_call *call, const char *field, const char *reason,
                               const char *message, case_record_body_fn fn);

/* Parses the path's second segment (params[1]) as a record number 1..API_NUMBER_MAX
 * (digits only) into *n. Returns false after answering 404 naming field with message
 * when it is not one: a malformed number is a record that does not exist. */
bool api_path_number(api_call *call, const char *field, const char *reason, const char *message,
                     int64_t *n);

/* Answers a GET or HEAD of one of the web interface's files (api_static.c) and
 * returns true; false (nothing answered) when the path is not one. */
bool api_static(api_call *call);

/* Route handlers, one family per file. */
void api_session_create(api_call *call);
void api_session_show(api_call *call);
void api_session_delete(api_call *call);
void api_session_password(api_call *call);
void api_cases_list(api_call *call);
void api_search(api_call *call);
void api_contact_send(api_call *call);
void api_contact_list(api_call *call);
void api_contact_answer(api_call *call);
void api_contact_attempts(api_call *call);
void api_cases_create(api_call *call);
void api_cases_show(api_call *call);
void api_cases_update(api_call *call);
void api_cases_personal_show(api_call *call);
void api_cases_personal_put(api_call *call);
void api_cases_assign(api_call *call);
void api_cases_unassign(api_call *call);
/* GET .../assignable/case-managers and .../assignable/workers: who may take the case's
 * work (case_assignable.h), for the web's pickers. */
void api_cases_assignable(api_call *call);
void api_cases_workers(api_call *call);
void api_orgs_list(api_call *call);
void api_orgs_create(api_call *call);
void api_users_list(api_call *call);
void api_users_create(api_call *call);
void api_users_disable(api_call *call);
/* PUT /api/v1/users/:login/name {"name"}: the name shown beside the login (an admin). */
void api_users_name(api_call *call);
void api_users_confirm(api_call *call);
void api_users_password(api_call *call);
void api_audit_list(api_call *call);
void api_audit_verify(api_call *call);
void api_vocab(api_call *call);
void api_instruments_list(api_call *call);
void api_instruments_show(api_call *call);
void api_instruments_score(api_call *call);
void api_screenings_create(api_call *call);
void api_screenings_list(api_call *call);
void api_screenings_show(api_call *call);
void api_screenings_update(api_call *call);
void api_case_needs(api_call *call);
void api_case_need_address(api_call *call);
void api_case_need_reopen(api_call *call);
void api_qualify(api_call *call);
void api_grants_take(api_call *call);
void api_grants_end(api_call *call);
void api_grants_report(api_call *call);
/* The second key of break-the-glass: GET /grant-requests, POST /grant-requests/{id}/approve,
 * .../refuse, .../review (core/grant.h). */
void api_grant_requests(api_call *call);
void api_grant_approve(api_call *call);
void api_grant_refuse(api_call *call);
void api_grant_review(api_call *call);
void api_stages_show(api_call *call);
void api_stages_move(api_call *call);
void api_cases_close(api_call *call);
void api_cases_reopen(api_call *call);
/* The case forms (api_record.c): one handler per verb for all four kinds. */
void api_records_list(api_call *call);
void api_records_create(api_call *call);
void api_records_show(api_call *call);
void api_records_update(api_call *call);
void api_tasks_create(api_call *call);     /* api_task.c: tasks and the child's record */
void api_tasks_case_list(api_call *call);
void api_tasks_update(api_call *call);
void api_tasks_due(api_call *call);
void api_home(api_call *call); /* api_home.c: the home page's summary */
void api_child_record(api_call *call);
void api_consents_create(api_call *call);   /* api_consent.c: consents and statistics */
void api_consents_list(api_call *call);
void api_consents_withdraw(api_call *call);
void api_statistics_opt_out(api_call *call);
/* The service directory and the agreements register (api_directory.c). */
void api_directory_put(api_call *call);
void api_directory_remove(api_call *call);
void api_directory_org(api_call *call);
void api_directory_search(api_call *call);
void api_agreements_create(api_call *call);
void api_agreements_list(api_call *call);
void api_agreements_show(api_call *call);
void api_agreements_end(api_call *call);
/* Referrals (api_referral.c) and the public reply page (api_reply_page.c). */
void api_referrals_create(api_call *call);
void api_referrals_case_list(api_call *call);
void api_referrals_list(api_call *call);
void api_referrals_show(api_call *call);
void api_referrals_act(api_call *call);
void api_referrals_phone_answer(api_call *call);
void api_referrals_sheet(api_call *call);
void api_reply_json(api_call *call);
void api_reply_page(api_call *call);
void api_reply_form(api_call *call);

/* Adds a Retry-After header of seconds (at least 1) to the answer. */
void api_retry_after(api_call *call, int seconds);

void api_reports_show(api_call *call); /* api_report.c: aggregate reports */
void api_datasets_anonymised(api_call *call); /* api_dataset.c: anonymised dataset */
void api_health(api_call *call);
/* The IIN limits (api_operation.c): operations, withdrawing a case, the 429 answer. */
void api_operations_list(api_call *call);
void api_operations_start(api_call *call);
void api_operations_end(api_call *call);
void api_cases_withdraw(api_call *call);
/* Answers the refusal err of a reached IIN limit: 429 with "wait_minutes" and Retry-After. */
void api_fail_iin_limit(api_call *call, const qg_error *err);

#endif
