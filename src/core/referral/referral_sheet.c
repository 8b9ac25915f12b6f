/* referral_sheet.c — the printable referral sheet's page (see referral_impl.h): the
 * referral's reference, sides, service and answer date, what it carries shown by label
 * (code lists' labels, several values listed, dates as dd.mm.yyyy), and how to answer with
 * the one-time code, in Kazakh, Russian or English. It shows only what the referral
 * carries; an off-platform referral never carries name or contact (docs/referrals.md). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/text.h"
#include "core/common/html.h"
#include "core/referral/referral_impl.h"
#include "core/vocab/vocab.h"

typedef enum { SL_KK, SL_RU, SL_EN } sheet_lang;

typedef struct {
    const char *kk, *ru, *en;
} tri;

/* The page's texts, one row per text, in the manual's terms. */
enum {
    T_TITLE, T_HEADING, T_REFERENCE, T_FROM, T_TO, T_SERVICE, T_ANSWER_BY, T_CARRIES,
    T_MESSAGE, T_HOW, T_OPEN, T_ENTER, T_ONCE, T_KZ_TIME, T_AFTER, T_SAFE, T_YES, T_NO,
    T_PRINT_HINT, T_COUNT
};

static const tri TEXTS[T_COUNT] = {
    [T_TITLE] = {"Жолдама", "Направление", "Referral"},
    [T_HEADING] = {"Жолдама парағы", "Бланк направления", "Referral sheet"},
    [T_REFERENCE] = {"Нөмірі", "Номер", "Reference"},
    [T_FROM] = {"Кімнен", "От кого", "From"},
    [T_TO] = {"Кімге", "Кому", "To"},
    [T_SERVICE] = {"Қызмет", "Услуга", "Service"},
    [T_ANSWER_BY] = {"Жауап беру мерзімі", "Срок ответа", "Please answer by"},
    [T_CARRIES] = {"Жолдамада не бар", "Что передаётся в направлении",
                   "What the referral carries"},
    [T_MESSAGE] = {"Жіберушінің хабары", "Сообщение отправителя", "Message from the sender"},
    [T_HOW] = {"Қалай жауап беру керек", "Как ответить", "How to answer"},
    [T_OPEN] = {"Мына бетті ашыңыз:", "Откройте страницу:", "Open this page:"},
    [T_ENTER] = {"Жолдаманы қабылдау не бас тарту үшін, кейін қызметтің нәтижесін хабарлау "
                 "үшін мына бір реттік кодты енгізіңіз:",
                 "Введите этот одноразовый код, чтобы принять направление или отказаться от "
                 "него, а позже — сообщить о результате:",
                 "Enter this one-time code to accept or decline the referral, and later to "
                 "report the outcome:"},
    [T_ONCE] = {"Код бір рет қана және мына уақытқа дейін жұмыс істейді:",
                "Код действует один раз и только до", "The code works once and only until"},
    [T_KZ_TIME] = {"(Қазақстан уақыты)", "(время Казахстана)", "(Kazakhstan time)"},
    [T_AFTER] = {"Қабылдаған кезде нәтижені хабарлауға жаңа код беріледі: оны сақтаңыз.",
                 "При принятии вы получите новый код для сообщения о результате: сохраните его.",
                 "When you accept, you are given a new code for reporting the outcome: keep it."},
    [T_SAFE] = {"Бұл парақты қауіпсіз жерде сақтаңыз: онда бала туралы мәлімет бар.",
                "Храните этот бланк в надёжном месте: он касается ребёнка.",
                "Keep this sheet safe: it is about a child."},
    [T_YES] = {"Иә", "Да", "Yes"},
    [T_NO] = {"Жоқ", "Нет", "No"},
    [T_PRINT_HINT] = {"Басып шығару үшін браузердің «Басып шығару» командасын қолданыңыз.",
                      "Для печати используйте команду «Печать» браузера.",
                      "To print, use the browser's Print command."},
};

/* Languages a child in Kazakhstan most often speaks; other ISO 639 codes show as they are. */
static const vocab_entry language_names[] = {
    {"kk", NULL, "Kazakh", "казахский", "қазақ тілі"},
    {"ru", NULL, "Russian", "русский", "орыс тілі"},
    {"en", NULL, "English", "английский", "ағылшын тілі"},
    {"uz", NULL, "Uzbek", "узбекский", "өзбек тілі"},
    {"ky", NULL, "Kyrgyz", "киргизский", "қырғыз тілі"},
    {"tg", NULL, "Tajik", "таджикский", "тәжік тілі"},
};
static const vocab_list LANGUAGE_NAMES = {"language", language_names,
                                          sizeof language_names / sizeof *language_names};

typedef enum { F_TEXT, F_INT, F_BOOL, F_DATE, F_CODE, F_LEVELS } field_kind;

/* Every field a referral may carry (referral_snapshot.c), its label and how it shows. */
static const struct {
    const char *key;
    field_kind kind;
    const vocab_list *list; /* F_CODE (one code or a list of them) */
    tri label;
} FIELDS[] = {
    {"sex", F_CODE, &VOCAB_SEX, {"Жынысы", "Пол", "Sex"}},
    {"age_at_identification", F_INT, NULL,
     {"Анықталған кездегі жасы", "Возраст при выявлении", "Age when identified"}},
    {"citizenship", F_CODE, &VOCAB_COUNTRY, {"Азаматтығы", "Гражданство", "Citizenship"}},
    {"region", F_CODE, &VOCAB_REGION, {"Өңір", "Регион", "Region"}},
    {"accompaniment", F_CODE, &VOCAB_ACCOMPANIMENT,
     {"Ілесіп жүруі", "Сопровождение", "Accompaniment"}},
    {"interpreter_needed", F_BOOL, NULL,
     {"Аудармашы керек", "Нужен переводчик", "Interpreter needed"}},
    {"interpreter_language", F_CODE, &LANGUAGE_NAMES,
     {"Аударма тілі", "Язык перевода", "Interpreter language"}},
    {"exploitation_forms", F_CODE, &VOCAB_EXPLOITATION_FORM,
     {"Қанау түрлері", "Формы эксплуатации", "Forms of exploitation"}},
    {"services_needed", F_CODE, &VOCAB_SERVICE,
     {"Қажет қызметтер", "Нужные услуги", "Services needed"}},
    {"urgent_needs", F_CODE, &VOCAB_NEED,
     {"Шұғыл қажеттіліктер", "Срочные потребности", "Urgent needs"}},
    {"languages", F_CODE, &LANGUAGE_NAMES, {"Тілдері", "Языки", "Languages"}},
    {"given_name", F_TEXT, NULL, {"Аты", "Имя", "Given name"}},
    {"family_name", F_TEXT, NULL, {"Тегі", "Фамилия", "Family name"}},
    {"patronymic", F_TEXT, NULL, {"Әкесінің аты", "Отчество", "Patronymic"}},
    {"birth_date", F_DATE, NULL, {"Туған күні", "Дата рождения", "Birth date"}},
    {"phone", F_TEXT, NULL, {"Телефон", "Телефон", "Phone"}},
    {"assessed_on", F_DATE, NULL, {"Бағалау күні", "Дата оценки", "Assessed on"}},
    {"levels", F_LEVELS, NULL, {"Бағалау деңгейлері", "Уровни оценки", "Assessment levels"}},
    {"summary", F_TEXT, NULL, {"Қорытынды", "Итог", "Summary"}},
    {"made_on", F_DATE, NULL, {"Жасалған күні", "Дата составления", "Made on"}},
    {"review_on", F_DATE, NULL, {"Қайта қарау күні", "Дата пересмотра", "Review on"}},
    {"if_threatened", F_TEXT, NULL,
     {"Қауіп төнсе не істеу керек", "Что делать при угрозе", "What to do if threatened"}},
};

static const char *pick(const tri *t, sheet_lang l)
{
    return l == SL_RU ? t->ru : l == SL_EN ? t->en : t->kk;
}

static const char *text(int id, sheet_lang l) { return pick(&TEXTS[id], l); }

static sheet_lang lang_of(const char *lang)
{
    if (lang && strcmp(lang, "ru") == 0)
        return SL_RU;
    return lang && strcmp(lang, "en") == 0 ? SL_EN : SL_KK;
}

/* A code's label in l, or the code itself when the list does not know it. */
static void code_label(html_out *o, const vocab_list *list, const char *code, sheet_lang l)
{
    const vocab_entry *e = list ? vocab_find(list, code) : NULL;
    const char *s = !e ? code : l == SL_RU ? e->ru : l == SL_EN ? e->en : e->kk;
    html_text(o, s ? s : code);
}

/* "YYYY-MM-DD..." as dd.mm.yyyy; anything else as it is. */
static void date_text(html_out *o, const char *iso)
{
    int y, m, d;
    char buf[16];
    if (iso && strlen(iso) >= 10) {
        snprintf(buf, sizeof buf, "%.10s", iso);
        if (text_parse_date(buf, &y, &m, &d)) {
            snprintf(buf, sizeof buf, "%02d.%02d.%04d", d, m, y);
            html_text(o, buf);
            return;
        }
    }
    html_text(o, iso ? iso : "");
}

static void scalar(html_out *o, json_t *v, field_kind kind, const vocab_list *list, sheet_lang l)
{
    if (json_is_null(v))
        html_raw(o, "—");
    else if (json_is_boolean(v))
        html_text(o, text(json_is_true(v) ? T_YES : T_NO, l));
    else if (json_is_integer(v))
        html_int(o, (long long)json_integer_value(v));
    else if (json_is_string(v) && kind == F_CODE)
        code_label(o, list, json_string_value(v), l);
    else if (json_is_string(v) && kind == F_DATE)
        date_text(o, json_string_value(v));
    else if (json_is_string(v))
        html_text(o, json_string_value(v));
    else
        html_raw(o, "—");
}

/* An assessment's levels: element → level, each by label. */
static void levels_html(html_out *o, json_t *v, sheet_lang l)
{
    const char *key;
    json_t *item;
    html_raw(o, "<ul class=\"sheet-list\">");
    json_object_foreach(v, key, item) {
        html_raw(o, "<li>");
        code_label(o, &VOCAB_ASSESSMENT_ELEMENT, key, l);
        html_raw(o, ": ");
        scalar(o, item, F_CODE, &VOCAB_ASSESSMENT_LEVEL, l);
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul>");
}

static void value_html(html_out *o, json_t *v, field_kind kind, const vocab_list *list,
                       sheet_lang l)
{
    size_t i;
    json_t *item;
    if (kind == F_LEVELS && json_is_object(v)) {
        levels_html(o, v, l);
    } else if (json_is_array(v) && json_array_size(v) == 0) {
        html_raw(o, "—");
    } else if (json_is_array(v)) {
        html_raw(o, "<ul class=\"sheet-list\">");
        json_array_foreach(v, i, item) {
            html_raw(o, "<li>");
            scalar(o, item, kind, list, l);
            html_raw(o, "</li>");
        }
        html_raw(o, "</ul>");
    } else {
        scalar(o, v, kind, list, l);
    }
}

static void field_html(html_out *o, const char *key, json_t *v, sheet_lang l)
{
    for (size_t i = 0; i < sizeof FIELDS / sizeof *FIELDS; i++)
        if (strcmp(FIELDS[i].key, key) == 0) {
            html_raw(o, "<dt>");
            html_text(o, pick(&FIELDS[i].label, l));
            html_raw(o, "</dt><dd>");
            value_html(o, v, FIELDS[i].kind, FIELDS[i].list, l);
            html_raw(o, "</dd>\n");
            return;
        }
    /* a field this page does not know is left out rather than shown by its raw name */
}

static void contents_html(html_out *o, json_t *contents, sheet_lang l)
{
    const char *part, *key;
    json_t *fields, *v;
    json_object_foreach(contents, part, fields) {
        html_raw(o, "<h3>");
        code_label(o, &VOCAB_SHARE_PART, part, l);
        html_raw(o, "</h3>\n<dl class=\"sheet-facts\">\n");
        json_object_foreach(fields, key, v) field_html(o, key, v, l);
        html_raw(o, "</dl>\n");
    }
}

static void fact(html_out *o, int label, const char *value, sheet_lang l)
{
    html_raw(o, "<dt>");
    html_text(o, text(label, l));
    html_raw(o, "</dt><dd>");
    html_text(o, value);
    html_raw(o, "</dd>\n");
}

static void sheet_head(html_out *o, const referral_row *r, const sheet_facts *f, sheet_lang l)
{
    static const char *const codes[] = {[SL_KK] = "kk", [SL_RU] = "ru", [SL_EN] = "en"};
    html_raw(o, "<!DOCTYPE html>\n<html lang=\"");
    html_raw(o, codes[l]);
    html_raw(o, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"stylesheet\" href=\"/css/sheet.css\">"
                "<link rel=\"icon\" href=\"/img/logo.svg\" type=\"image/svg+xml\"><title>");
    html_text(o, text(T_TITLE, l));
    html_raw(o, " ");
    html_text(o, r->ref);
    html_raw(o, "</title></head>\n<body class=\"sheet\">\n<main>\n<h1>");
    html_text(o, text(T_HEADING, l));
    html_raw(o, "</h1>\n<p class=\"sheet-hint\">");
    html_text(o, text(T_PRINT_HINT, l));
    html_raw(o, "</p>\n<dl class=\"sheet-facts\">\n");
    fact(o, T_REFERENCE, r->ref, l);
    fact(o, T_FROM, f->from_org, l);
    fact(o, T_TO, r->to_name, l);
    html_raw(o, "<dt>");
    html_text(o, text(T_SERVICE, l));
    html_raw(o, "</dt><dd>");
    code_label(o, &VOCAB_SERVICE, r->service, l);
    html_raw(o, "</dd>\n<dt>");
    html_text(o, text(T_ANSWER_BY, l));
    html_raw(o, "</dt><dd>");
    date_text(o, r->respond_by);
    html_raw(o, "</dd>\n</dl>\n");
}

static void sheet_reply(html_out *o, const sheet_facts *f, sheet_lang l)
{
    char until[32];
    time_t t = (time_t)(f->expires + TEXT_KZ_UTC_OFFSET_S);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(until, sizeof until, "%d.%m.%Y %H:%M", &tm);
    html_raw(o, "<section class=\"sheet-answer\">\n<h2>");
    html_text(o, text(T_HOW, l));
    html_raw(o, "</h2>\n<p>");
    html_text(o, text(T_OPEN, l));
    html_raw(o, " <span class=\"sheet-url\">");
    html_text(o, f->reply_url);
    html_raw(o, "</span></p>\n<p>");
    html_text(o, text(T_ENTER, l));
    html_raw(o, "</p>\n<p class=\"sheet-code\"><strong>");
    html_text(o, f->code);
    html_raw(o, "</strong></p>\n<p>");
    html_text(o, text(T_ONCE, l));
    html_raw(o, " ");
    html_text(o, until);
    html_raw(o, " ");
    html_text(o, text(T_KZ_TIME, l));
    html_raw(o, ". ");
    html_text(o, text(T_AFTER, l));
    html_raw(o, "</p>\n<p>");
    html_text(o, text(T_SAFE, l));
    html_raw(o, "</p>\n</section>\n</main>\n</body></html>\n");
}

bool referral_sheet_html(const referral_row *r, json_t *opened, const sheet_facts *f,
                         const char *lang, char **html, size_t *len)
{
    html_out o = {0};
    sheet_lang l = lang_of(lang);
    json_t *note = json_object_get(opened, "note");
    sheet_head(&o, r, f, l);
    html_raw(&o, "<h2>");
    html_text(&o, text(T_CARRIES, l));
    html_raw(&o, "</h2>\n");
    contents_html(&o, json_object_get(opened, "contents"), l);
    if (json_is_string(note)) {
        html_raw(&o, "<h2>");
        html_text(&o, text(T_MESSAGE, l));
        html_raw(&o, "</h2>\n<p class=\"sheet-note\">");
        html_text(&o, json_string_value(note));
        html_raw(&o, "</p>\n");
    }
    sheet_reply(&o, f, l);
    return html_take(&o, html, len);
}
