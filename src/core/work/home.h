/*
 * home.h — the home page's summary (issue 13 item 3): the work waiting for one user,
 * built from what the policy lets them do, never from the name of their role. Each
 * block is a count (or a short list) with the page where the work is done:
 *
 *   "cases"              {"open", "by_stage": [{"stage", "count"}]}   may list cases
 *   "tasks", "reviews"   {"due", "overdue"}      open tasks and safety-plan reviews due
 *                        within HOME_DUE_DAYS (overdue: before today)  may list tasks
 *   "referrals_sent"     {"waiting", "overdue"}  sent, not answered    may send
 *   "referrals_received" {"new", "overdue"}      to the organisation, not answered
 *   "workload"           [{"login", "open_cases", "overdue_tasks"}]    assigns cases
 *   "accounts_waiting"   n                        accounts the actor may confirm now
 *   "orgs"               [{"id", "name", "users", "waiting"}]          manages orgs
 *   "users"              {"active", "waiting", "disabled"}             manages users
 *   "figures"            [{"report", "table", "count" | null}]         reads reports
 *   "sensitive_reads"    {"last_7_days", "recent": [{"at", "login", "action",
 *                        "object"}]}                                    reads the audit
 *   "grants"             {"active", "last_7_days"}  break-the-glass    reads grants
 *   "iin_alerts"         [{"user": {"id", "login", "name"}, "count", "last_at"}]
 *                        the organisation's users with 3 or more IIN duplicate answers
 *                        in 24 hours (core/case/iin_quota.h)       manages operations
 *
 * plus "today" and "due_days". Only numbers, logins and organisation names, no title
 * and no personal data; no case code but in the auditor's recent reads, which are audit
 * entries as GET /audit shows them. So reading it is not audited itself, like the case
 * list and the audit trail (the figures are: each report run is audited "report.read",
 * as on the reports page).
 */
#ifndef QG_HOME_H
#define QG_HOME_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "core/account/actor.h"
#include "core/common/app.h"

#define HOME_DUE_DAYS 7 /* "due" covers today and the next seven days */

/* Sets *out (caller-owned) to actor's summary. counts_only leaves out what the
 * navigation's counts do not need (cases by stage, workload, organisations, figures,
 * the list of recent reads): the navigation asks for it often. Every logged-in role
 * gets an answer, with the blocks the policy allows (none for a role with no work).
 * Errors: QG_EDB, QG_ENOMEM. */
qg_code home_summary(qg_app *app, const qg_actor *actor, bool counts_only, json_t **out,
                     qg_error *err);

#endif
