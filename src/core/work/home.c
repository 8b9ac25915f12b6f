/* home.c — the home page's summary (see home.h): the counts read in one snapshot
 * (home_read.c), the accounts and organisations from the account services, the headline
 * figures from the reports. */
#include "core/work/home.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "core/account/account.h"
#include "core/account/policy.h"
#include "core/case/iin_quota.h"
#include "core/referral/referral.h"
#include "core/report/report.h"
#include "core/work/home_impl.h"

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static bool allowed(const qg_actor *actor, qg_action action)
{
    return policy_decide(actor, action, NULL) == POLICY_ALLOW;
}

static bool may_confirm(json_t *user)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(user, "may"), i, v) {
        if (strcmp(json_string_value(v) ? json_string_value(v) : "", "user.confirm") == 0)
            return true;
    }
    return false;
}

/* The waiting accounts the actor may confirm now (the users page's rule: each
 * account's "may"), when the actor may confirm any. */
static qg_code add_waiting(const qg_actor *actor, json_t *users, json_t *out, qg_error *err)
{
    if (!users || policy_confirm(actor, NULL) == POLICY_FORBID)
        return QG_OK;
    json_int_t n = 0;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) n += may_confirm(u);
    return json_object_set_new(out, "accounts_waiting", json_integer(n)) == 0 ? QG_OK : oom(err);
}

/* The users of organisation id: all, waiting, disabled. */
static void count_users(json_t *users, json_int_t id, json_int_t n[3])
{
    size_t i;
    json_t *u;
    n[0] = n[1] = n[2] = 0;
    json_array_foreach(users, i, u) {
        if (id >= 0 && json_integer_value(json_object_get(u, "org_id")) != id)
            continue;
        bool disabled = json_is_true(json_object_get(u, "disabled"));
        n[0]++;
        n[1] += !disabled && json_is_true(json_object_get(u, "pending"));
        n[2] += disabled;
    }
}

/* An admin's organisations (with their users and waiting accounts) and users: every
 * organisation for a system-wide admin, their own for an admin of one. */
static qg_code add_admin(qg_app *app, const qg_actor *actor, json_t *users, json_t *out,
                         qg_error *err)
{
    json_int_t n[3];
    if (users && allowed(actor, ACT_USER_MANAGE)) {
        count_users(users, -1, n);
        if (json_object_set_new(out, "users", json_pack("{s:I, s:I, s:I}", "active",
                                                        n[0] - n[1] - n[2], "waiting", n[1],
                                                        "disabled", n[2])) != 0)
            return oom(err);
    }
    if (!allowed(actor, ACT_USER_MANAGE))
        return QG_OK;
    bool own_only = policy_user_scope(actor) == USERS_OWN_ORG;
    json_t *orgs = org_list(app, actor, err), *list = json_array();
    if (!orgs || !list) {
        json_decref(orgs);
        json_decref(list);
        return orgs ? oom(err) : err->code;
    }
    size_t i;
    json_t *o;
    qg_code c = QG_OK;
    json_array_foreach(orgs, i, o) {
        json_int_t id = json_integer_value(json_object_get(o, "id"));
        if (own_only && id != actor->org_id)
            continue;
        count_users(users, id, n);
        if (c == QG_OK && json_array_append_new(list, json_pack("{s:I, s:O, s:I, s:I}", "id", id,
                                                                "name", json_object_get(o, "name"),
                                                                "users", n[0], "waiting",
                                                                n[1])) != 0)
            c = oom(err);
    }
    json_decref(orgs);
    if (c == QG_OK && json_object_set_new(out, "orgs", list) != 0)
        return oom(err);
    if (c != QG_OK)
        json_decref(list);
    return c;
}

/* Appends one headline figure: a table's grand total, or a row's total when row is
 * not NULL (null when the number is withheld as too small). */
static qg_code add_figure(json_t *list, const char *name, const report_table *t, const char *row,
                          qg_error *err)
{
    json_t *count = NULL;
    if (!row)
        count = t->grand_suppressed ? json_null() : json_integer(t->grand);
    for (size_t r = 0; row && !count && r < t->rows.n; r++)
        if (strcmp(t->rows.keys[r], row) == 0)
            count = t->row_total_suppressed[r] ? json_null() : json_integer(t->row_totals[r]);
    if (!count) /* no case this year */
        count = json_integer(0);
    json_t *f = json_pack("{s:s, s:s, s:o}", "report", name, "table", t->name, "count", count);
    if (f && row)
        json_object_set_new(f, "year", json_string(row));
    return f && json_array_append_new(list, f) == 0 ? QG_OK : oom(err);
}

/* Runs report name (every year, the actor's reach, protected as the policy says) and
 * appends the grand total of each table, and for "victims" this year's total too. */
static qg_code add_report(qg_app *app, const qg_actor *actor, const char *name,
                          const char *year, json_t *list, qg_error *err)
{
    report_query q = {.name = name};
    report *r = NULL;
    qg_code c = report_run(app, actor, &q, &r, err);
    for (size_t i = 0; c == QG_OK && i < r->ntables; i++) {
        c = add_figure(list, name, &r->tables[i], NULL, err);
        if (c == QG_OK && strcmp(name, "victims") == 0)
            c = add_figure(list, name, &r->tables[i], year, err);
    }
    report_free(r);
    return c;
}

/* The analyst's (and any report reader's) headline figures, with the reports they
 * come from: each run is audited "report.read" like a run on the reports page. */
static qg_code add_figures(qg_app *app, const qg_actor *actor, const char *today, json_t *out,
                           qg_error *err)
{
    if (!allowed(actor, ACT_REPORT_READ))
        return QG_OK;
    char year[5];
    snprintf(year, sizeof year, "%.4s", today);
    json_t *list = json_array();
    if (!list)
        return oom(err);
    qg_code c = add_report(app, actor, "victims", year, list, err);
    if (c == QG_OK)
        c = add_report(app, actor, "process", year, list, err);
    if (c == QG_OK && json_object_set_new(out, "figures", list) == 0)
        return QG_OK;
    json_decref(list);
    return c == QG_OK ? oom(err) : c;
}

/* A supervisor's alerts of repeated IIN duplicate answers by the organisation's users
 * (issue 14 item 6: an IIN probed over and over is a worker farming the check). */
static qg_code add_iin_alerts(qg_app *app, const qg_actor *actor, json_t *out, qg_error *err)
{
    json_t *alerts = NULL;
    qg_code c = iin_quota_alerts(app, actor, &alerts, err);
    if (c != QG_OK || !alerts)
        return c;
    return json_object_set_new(out, "iin_alerts", alerts) == 0 ? QG_OK : oom(err);
}

/* Fills the dates of h: today, the horizon of "due", a week ago. */
static qg_code set_dates(home_ctx *h, qg_error *err)
{
    text_today(h->today);
    if (!referral_date_add(h->today, HOME_DUE_DAYS, h->horizon) ||
        !referral_date_add(h->today, -7, h->week_ago))
        return qg_fail(err, QG_EINVAL, NULL, "clock.failure", "today is not a date");
    return QG_OK;
}

qg_code home_summary(qg_app *app, const qg_actor *actor, bool counts_only, json_t **out,
                     qg_error *err)
{
    *out = NULL;
    home_ctx h = {.actor = actor, .counts_only = counts_only};
    qg_code c = set_dates(&h, err);
    if (c != QG_OK)
        return c;
    h.out = json_pack("{s:s, s:i}", "today", h.today, "due_days", HOME_DUE_DAYS);
    if (!h.out)
        return oom(err);
    c = app_read(app, home_read_counts, &h, err);
    json_t *users = NULL;
    if (c == QG_OK && allowed(actor, ACT_USER_LIST) && !(users = user_list(app, actor, err)))
        c = err->code;
    if (c == QG_OK)
        c = add_waiting(actor, users, h.out, err);
    if (c == QG_OK && !counts_only)
        c = add_admin(app, actor, users, h.out, err);
    if (c == QG_OK && !counts_only)
        c = add_figures(app, actor, h.today, h.out, err);
    if (c == QG_OK && !counts_only)
        c = add_iin_alerts(app, actor, h.out, err);
    json_decref(users);
    if (c == QG_OK)
        *out = h.out;
    else
        json_decref(h.out);
    return c;
}
