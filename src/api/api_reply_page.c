/* api_reply_page.c — the small public page where an organisation that is not on Qorgau
 * answers a referral with the one-time code from its referral sheet: GET /reply shows a
 * plain form (no script), POST /reply takes the form and shows the result. No session;
 * the page shows nothing of the case, only the referral's reference and status. It is in
 * Kazakh, Russian or English (?lang=, else Accept-Language, else Kazakh; api_lang.h) with
 * links to the other two, laid out for phones (viewport tag, the interface's style sheet:
 * 44 px controls). All its texts are in the one table below. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api_call.h"
#include "api/api_lang.h"
#include "core/common/html.h"
#include "core/referral/referral.h"
#include "core/vocab/vocab.h"
#include "http/urlform.h"

#define FIELD_MAX 64 /* a code, an action or a reason code: longer is none of them */

typedef enum { RL_KK, RL_RU, RL_EN } reply_lang;

typedef struct {
    const char *kk, *ru, *en;
} tri;

enum {
    T_TITLE, T_INTRO, T_CODE, T_ANSWER, T_ACCEPT, T_DECLINE, T_COMPLETE, T_NOT_COMPLETE,
    T_REASON, T_REASON_HINT, T_SEND, T_THANKS, T_NOW, T_KEEP, T_NOT_SENT, T_E_FORM,
    T_E_CODE, T_E_THROTTLED, T_E_REASON, T_E_REASON_EXTRA, T_E_STATE, T_E_OTHER, T_LANGS,
    T_COUNT
};

static const tri TEXTS[T_COUNT] = {
    [T_TITLE] = {"Жолдамаға жауап", "Ответ на направление", "Answer a referral"},
    [T_INTRO] = {"Алған жолдама парағындағы бір реттік кодты енгізіңіз.",
                 "Введите одноразовый код с полученного бланка направления.",
                 "Enter the one-time code printed on the referral sheet you received."},
    [T_CODE] = {"Жолдама парағындағы код", "Код с бланка направления",
                "Code from the referral sheet"},
    [T_ANSWER] = {"Жауап", "Ответ", "Answer"},
    [T_ACCEPT] = {"Қабылдау", "Принять", "Accept"},
    [T_DECLINE] = {"Бас тарту", "Отклонить", "Decline"},
    [T_COMPLETE] = {"Қызмет көрсетілді", "Услуга оказана", "Service completed"},
    [T_NOT_COMPLETE] = {"Қызмет көрсетілмеді", "Услуга не оказана", "Service not completed"},
    [T_REASON] = {"Себебі", "Причина", "Reason"},
    [T_REASON_HINT] = {"Бас тартқанда не қызмет көрсетілмегенде міндетті",
                       "Обязательно при отказе или если услуга не оказана",
                       "Required to decline, or when the service was not completed"},
    [T_SEND] = {"Жіберу", "Отправить", "Send"},
    [T_THANKS] = {"Рақмет", "Спасибо", "Thank you"},
    [T_NOW] = {"Жолдаманың күйі:", "Статус направления:", "The referral is now:"},
    [T_KEEP] = {"Нәтижені кейін хабарлау үшін осы жаңа бір реттік кодты сақтаңыз:",
                "Сохраните этот новый одноразовый код, чтобы позже сообщить о результате:",
                "Keep this new one-time code to report the outcome later:"},
    [T_NOT_SENT] = {"Жіберілмеді", "Не отправлено", "Not sent"},
    [T_E_FORM] = {"Форма толық емес: кодты және жауапты көрсетіңіз.",
                  "Форма заполнена не полностью: укажите код и ответ.",
                  "The form is incomplete: give the code and the answer."},
    [T_E_CODE] = {"Код жарамсыз: қате терілген, бұрын қолданылған немесе мерзімі өткен болуы "
                  "мүмкін.",
                  "Код недействителен: возможно, он введён с ошибкой, уже использован или "
                  "истёк.",
                  "This code is not valid: it may be mistyped, used or expired."},
    [T_E_THROTTLED] = {"Қате кодтар тым көп. Кейінірек қайталап көріңіз.",
                       "Слишком много неверных кодов. Повторите попытку позже.",
                       "Too many wrong codes. Try again later."},
    [T_E_REASON] = {"Себебін таңдаңыз: бас тартқанда не қызмет көрсетілмегенде ол міндетті.",
                    "Выберите причину: она обязательна при отказе или если услуга не оказана.",
                    "Choose a reason: it is required to decline or when the service was not "
                    "completed."},
    [T_E_REASON_EXTRA] = {"Себеп тек бас тартқанда не қызмет көрсетілмегенде таңдалады.",
                          "Причина указывается только при отказе или если услуга не оказана.",
                          "A reason is only for declining or when the service was not "
                          "completed."},
    [T_E_STATE] = {"Бұл жауап жолдаманың қазіргі күйіне сәйкес келмейді (мысалы, алдымен "
                   "жолдаманы қабылдау керек).",
                   "Этот ответ не подходит к текущему статусу направления (например, сначала "
                   "нужно принять направление).",
                   "This answer does not fit the referral's present status (for example, accept "
                   "the referral first)."},
    [T_E_OTHER] = {"Жауапты жіберу мүмкін болмады. Кейінірек қайталап көріңіз.",
                   "Не удалось отправить ответ. Повторите попытку позже.",
                   "The answer could not be sent. Try again later."},
    [T_LANGS] = {"Тіл", "Язык", "Language"},
};

static const char *const CODES[] = {[RL_KK] = "kk", [RL_RU] = "ru", [RL_EN] = "en"};
static const char *const NAMES[] = {[RL_KK] = "Қазақша", [RL_RU] = "Русский",
                                    [RL_EN] = "English"};

static const char *text(int id, reply_lang l)
{
    return l == RL_RU ? TEXTS[id].ru : l == RL_EN ? TEXTS[id].en : TEXTS[id].kk;
}

static reply_lang lang_of(const api_call *call)
{
    const char *s = api_page_lang(call->req);
    return strcmp(s, "ru") == 0 ? RL_RU : strcmp(s, "en") == 0 ? RL_EN : RL_KK;
}

static const char *label(const vocab_entry *e, reply_lang l)
{
    return l == RL_RU ? e->ru : l == RL_EN ? e->en : e->kk;
}

/* The links to the page in the three languages, the current one marked. */
static void lang_links(html_out *o, reply_lang l)
{
    html_raw(o, "<nav class=\"reply-langs\" aria-label=\"");
    html_text(o, text(T_LANGS, l));
    html_raw(o, "\"><ul>");
    for (int i = RL_KK; i <= RL_EN; i++) {
        html_raw(o, "<li><a href=\"/reply?lang=");
        html_raw(o, CODES[i]);
        html_raw(o, "\" lang=\"");
        html_raw(o, CODES[i]);
        html_raw(o, i == (int)l ? "\" aria-current=\"page\">" : "\">");
        html_text(o, NAMES[i]);
        html_raw(o, "</a></li>");
    }
    html_raw(o, "</ul></nav>\n");
}

/* Opens the page in l with heading title, and the language links when links (not on the
 * page that shows a new code: leaving it would lose the code). */
static void page_start(html_out *o, reply_lang l, int title, bool links)
{
    html_raw(o, "<!DOCTYPE html>\n<html lang=\"");
    html_raw(o, CODES[l]);
    html_raw(o, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"stylesheet\" href=\"/css/app.css\">"
                "<link rel=\"stylesheet\" href=\"/css/sheet.css\">"
                "<link rel=\"icon\" href=\"/img/logo.svg\" type=\"image/svg+xml\"><title>");
    html_text(o, text(title, l));
    html_raw(o, " — Qorgau</title></head>\n<body class=\"reply\">\n<main>\n");
    if (links)
        lang_links(o, l);
    html_raw(o, "<h1>");
    html_text(o, text(title, l));
    html_raw(o, "</h1>\n");
}

static void send_page(api_call *call, int status, html_out *o)
{
    char *html = NULL;
    size_t len = 0;
    html_raw(o, "</main>\n</body></html>\n");
    if (!html_take(o, &html, &len)) {
        api_fail_new(call, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        return;
    }
    api_reply_bytes(call, status, "text/html; charset=utf-8", html, len, NULL);
}

static void option(html_out *o, const char *value, const char *shown)
{
    html_raw(o, "<option value=\"");
    html_text(o, value);
    html_raw(o, "\">");
    html_text(o, shown);
    html_raw(o, "</option>");
}

static void labelled(html_out *o, int id, reply_lang l)
{
    html_raw(o, "<p><label>");
    html_text(o, text(id, l));
    html_raw(o, "<br>");
}

static void reply_form(html_out *o, reply_lang l)
{
    static const struct {
        const char *action;
        int text;
    } actions[] = {{"accept", T_ACCEPT},
                   {"decline", T_DECLINE},
                   {"complete", T_COMPLETE},
                   {"not_complete", T_NOT_COMPLETE}};
    html_raw(o, "<form method=\"post\" action=\"/reply?lang=");
    html_raw(o, CODES[l]);
    html_raw(o, "\">\n");
    labelled(o, T_CODE, l);
    html_raw(o, "<input name=\"code\" required autocomplete=\"off\" maxlength=\"32\">"
                "</label></p>\n");
    labelled(o, T_ANSWER, l);
    html_raw(o, "<select name=\"action\">");
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
        option(o, actions[i].action, text(actions[i].text, l));
    html_raw(o, "</select></label></p>\n");
    labelled(o, T_REASON, l);
    html_raw(o, "<select name=\"reason\" aria-describedby=\"reason-hint\"><option value=\"\">—"
                "</option>");
    for (size_t i = 0; i < VOCAB_REFERRAL_REASON.count; i++)
        option(o, VOCAB_REFERRAL_REASON.entries[i].code,
               label(&VOCAB_REFERRAL_REASON.entries[i], l));
    html_raw(o, "</select></label><br><span class=\"hint\" id=\"reason-hint\">");
    html_text(o, text(T_REASON_HINT, l));
    html_raw(o, "</span></p>\n<p><button type=\"submit\">");
    html_text(o, text(T_SEND, l));
    html_raw(o, "</button></p>\n</form>\n");
}

/* GET /reply */
void api_reply_page(api_call *call)
{
    html_out o = {0};
    reply_lang l = lang_of(call);
    page_start(&o, l, T_TITLE, true);
    html_raw(&o, "<p>");
    html_text(&o, text(T_INTRO, l));
    html_raw(&o, "</p>\n");
    reply_form(&o, l);
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
    reply_lang l = lang_of(call);
    const char *next = json_string_value(json_object_get(out, "next_code"));
    const char *status = json_string_value(json_object_get(out, "status"));
    const vocab_entry *e = vocab_find(&VOCAB_REFERRAL_STATUS, status);
    page_start(&o, l, T_THANKS, next == NULL);
    html_raw(&o, "<p role=\"status\">");
    html_text(&o, json_string_value(json_object_get(out, "ref")));
    html_raw(&o, " — ");
    html_text(&o, text(T_NOW, l));
    html_raw(&o, " <strong>");
    html_text(&o, e ? label(e, l) : status);
    html_raw(&o, "</strong>.</p>\n");
    if (next) {
        html_raw(&o, "<p>");
        html_text(&o, text(T_KEEP, l));
        html_raw(&o, "</p>\n<p class=\"sheet-code\"><strong>");
        html_text(&o, next);
        html_raw(&o, "</strong></p>\n");
    }
    send_page(call, 200, &o);
}

/* The text of a failure: fixed, never repeating input. */
static int error_text(const qg_error *err)
{
    if (err->code == QG_ETHROTTLED)
        return T_E_THROTTLED;
    if (err->code == QG_ENOTFOUND)
        return T_E_CODE;
    if (err->code == QG_ECONFLICT)
        return T_E_STATE;
    if (err->code == QG_EINVAL && strcmp(err->field, "reason") == 0)
        return strstr(err->message, "only for") ? T_E_REASON_EXTRA : T_E_REASON;
    return err->code == QG_EINVAL ? T_E_FORM : T_E_OTHER;
}

/* The error's fixed message, and the form again. */
static void result_error(api_call *call, const qg_error *err, int wait)
{
    html_out o = {0};
    reply_lang l = lang_of(call);
    page_start(&o, l, T_NOT_SENT, true);
    html_raw(&o, "<p role=\"alert\">");
    html_text(&o, text(error_text(err), l));
    html_raw(&o, "</p>\n");
    reply_form(&o, l);
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
        qg_fail(&err, QG_EINVAL, "body", "reply.form_incomplete",
                "the form is incomplete: give the code and the answer");
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
