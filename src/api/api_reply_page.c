/* api_reply_page.c — the small public page where an organisation that is not on Qorgau
 * answers a referral with the one-time code from its referral sheet: GET /reply shows a
 * plain form (no script), POST /reply takes the form and shows the result. No session;
 * the page shows nothing of the case, only the referral's reference and status. It is
 * bilingual, English with the Russian marked lang="ru", laid out for phones (viewport tag,
 * the interface's style sheet: 44 px controls). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api_call.h"
#include "core/common/html.h"
#include "core/referral/referral.h"
#include "core/vocab/vocab.h"
#include "http/urlform.h"

#define FIELD_MAX 64 /* a code, an action or a reason code: longer is none of them */

/* Opens the page: its title is "en / ru", the Russian half marked lang="ru" in the heading. */
static void page_start(html_out *o, const char *en, const char *ru)
{
    html_raw(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"stylesheet\" href=\"/css/app.css\">"
                "<link rel=\"icon\" href=\"/img/logo.svg\" type=\"image/svg+xml\"><title>");
    html_text(o, en);
    html_raw(o, " / ");
    html_text(o, ru);
    html_raw(o, "</title></head>\n<body>\n<main>\n<h1>");
    html_text(o, en);
    html_raw(o, " / <span lang=\"ru\">");
    html_text(o, ru);
    html_raw(o, "</span></h1>\n");
}

static void send_page(api_call *call, int status, html_out *o)
{
    char *html = NULL;
    size_t len = 0;
    html_raw(o, "</main>\n</body></html>\n");
    if (!html_take(o, &html, &len)) {
        api_fail_new(call, QG_ENOMEM, NULL, "out of memory");
        return;
    }
    api_reply_bytes(call, status, "text/html; charset=utf-8", html, len, NULL);
}

static void options(html_out *o, const vocab_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        html_raw(o, "<option value=\"");
        html_text(o, list->entries[i].code);
        html_raw(o, "\">");
        html_text(o, list->entries[i].en);
        html_raw(o, " / ");
        html_text(o, list->entries[i].ru);
        html_raw(o, "</option>");
    }
}

static void reply_form(html_out *o)
{
    html_raw(
        o,
        "<form method=\"post\" action=\"/reply\">\n"
        "<p><label>Code from the referral sheet / <span lang=\"ru\">Код с бланка "
        "направления</span><br>"
        "<input name=\"code\" required autocomplete=\"off\" maxlength=\"32\"></label></p>\n"
        "<p><label>Answer / <span lang=\"ru\">Ответ</span><br><select name=\"action\">"
        "<option value=\"accept\">Accept / Принять</option>"
        "<option value=\"decline\">Decline / Отклонить</option>"
        "<option value=\"complete\">Service completed / Услуга оказана</option>"
        "<option value=\"not_complete\">Service not completed / Услуга не оказана</option>"
        "</select></label></p>\n"
        "<p><label>Reason (to decline, or when not completed) / <span lang=\"ru\">Причина</span>"
        "<br><select name=\"reason\">"
        "<option value=\"\">-</option>");
    options(o, &VOCAB_REFERRAL_REASON);
    html_raw(
        o,
        "</select></label></p>\n"
        "<p><button type=\"submit\">Send / <span lang=\"ru\">Отправить</span></button></p>\n"
        "</form>\n");
}

/* GET /reply */
void api_reply_page(api_call *call)
{
    html_out o = {0};
    page_start(&o, "Answer a referral", "Ответ на направление");
    html_raw(&o, "<p>Enter the one-time code printed on the referral sheet you received.</p>\n");
    reply_form(&o);
    send_page(call, 200, &o);
}

static bool is_form(const char *type)
{
    const char *want = "application/x-www-form-urlencoded";
    size_t n = strlen(want);
    return type && strncasecmp(type, want, n) == 0 && (type[n] == '\0' || type[n] == ';');
}

static void result_ok(api_call *call, json_t *out)
{
    html_out o = {0};
    const char *next = json_string_value(json_object_get(out, "next_code"));
    page_start(&o, "Thank you", "Спасибо");
    html_raw(&o, "<p>Referral ");
    html_text(&o, json_string_value(json_object_get(out, "ref")));
    html_raw(&o, " is now: ");
    const vocab_entry *e =
        vocab_find(&VOCAB_REFERRAL_STATUS, json_string_value(json_object_get(out, "status")));
    html_text(&o, e ? e->en : json_string_value(json_object_get(out, "status")));
    html_raw(&o, ".</p>\n");
    if (next) {
        html_raw(
            &o,
            "<p>Keep this new one-time code to report the outcome later / "
            "<span lang=\"ru\">Сохраните новый код:</span></p>\n"
            "<p><strong>");
        html_text(&o, next);
        html_raw(&o, "</strong></p>\n");
    }
    send_page(call, 200, &o);
}

/* The error's fixed message (it never repeats input), and the form again. */
static void result_error(api_call *call, const qg_error *err, int wait)
{
    html_out o = {0};
    page_start(&o, "Not sent", "Не отправлено");
    html_raw(&o, "<p>");
    html_text(&o, err->message);
    html_raw(&o, "</p>\n");
    reply_form(&o);
    send_page(call, qg_code_http_status(err->code), &o);
    if (err->code == QG_ETHROTTLED)
        api_retry_after(call, wait);
}

/* POST /reply (a form: code, action, reason) */
void api_reply_form(api_call *call)
{
    char code[FIELD_MAX], action[FIELD_MAX], reason[FIELD_MAX];
    qg_error err = {0};
    const http_request *req = call->req;
    if (!is_form(http_header(req, "Content-Type")) ||
        !urlform_get(req->body, req->body_len, "code", code, sizeof code) ||
        !urlform_get(req->body, req->body_len, "action", action, sizeof action)) {
        qg_fail(&err, QG_EINVAL, "body", "the form is incomplete: give the code and the answer");
        result_error(call, &err, 0);
        return;
    }
    if (!urlform_get(req->body, req->body_len, "reason", reason, sizeof reason))
        reason[0] = '\0';
    json_t *out = NULL;
    int wait = 0;
    qg_code c = referral_reply(call->api->app, req->client_addr, call->now, code, action, reason,
                               &out, &wait, &err);
    if (c == QG_OK)
        result_ok(call, out);
    else
        result_error(call, &err, wait);
    json_decref(out);
}
