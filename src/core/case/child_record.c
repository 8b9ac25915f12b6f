/* child_record.c — the child's own record as plain text (see child_record.h). */
#include "core/case/child_record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/common/sealed.h"
#include "base/text.h"
#include "core/vocab/vocab.h"
#include "core/common/json_text.h"
#include "base/alloc.h"

/* ---- the fixed texts, one table per language ----------------------------------------
 * Written for a child: short words, "you". The Kazakh and Russian texts are the
 * developers' own and need a native speaker's review before a child reads them. */

typedef enum { LANG_KK, LANG_RU, LANG_EN } record_lang;

typedef struct {
    const char *title, *code, *made_on, *intro, *withheld, *nothing;
    const char *about, *given_name, *family_name, *patronymic, *birth_date, *languages;
    const char *your_case, *stage, *status, *identified_on, *history;
    const char *needs, *services, *urgent;
    const char *assessment, *written_on, *summary;
    const char *safety, *child_view, *if_threatened, *options, *review_on;
    const char *goals, *goal_by, *meetings;
} messages;

static const messages MESSAGES[] = {
    [LANG_KK] = {
        .title = "Сенің ісіңнің жазбалары",
        .code = "Іс коды",
        .made_on = "Дайындалған күні",
        .intro = "Бұл — саған көмектесетін адамдардың сен туралы және сенің ісің туралы "
                 "жазғандары. Сен оларды көруге құқылысың. Егер бірдеңе қате болса немесе "
                 "түсініксіз болса, өз кейс-менеджеріңе айт.",
        .withheld = "Кейбір жазбалар бұл жерге енгізілмеген.",
        .nothing = "Әзірге ештеңе жазылмаған.",
        .about = "Сен туралы",
        .given_name = "Атың",
        .family_name = "Тегің",
        .patronymic = "Әкеңнің аты",
        .birth_date = "Туған күнің",
        .languages = "Сөйлейтін тілдерің",
        .your_case = "Сенің ісің",
        .stage = "Қазір не істеп жатырмыз",
        .status = "Істің күйі",
        .identified_on = "Алғаш танысқан күніміз",
        .history = "Осы уақытқа дейін не болды",
        .needs = "Саған не керек",
        .services = "Саған керек көмек",
        .urgent = "Шұғыл керек нәрселер",
        .assessment = "Жағдайың қалай",
        .written_on = "жазылған күні",
        .summary = "Қысқаша",
        .safety = "Сенің қауіпсіздік жоспарың",
        .child_view = "Сенің айтқаның",
        .if_threatened = "Қауіп төнсе, не істеу керек",
        .options = "Не істей аласың",
        .review_on = "Бұл жоспарды қайта қарайтын күн",
        .goals = "Сенің мақсаттарың",
        .goal_by = "мерзімі",
        .meetings = "Кездесулеріміз бен әңгімелеріміз",
    },
    [LANG_RU] = {
        .title = "Записи о твоём случае",
        .code = "Код случая",
        .made_on = "Дата",
        .intro = "Здесь то, что люди, которые тебе помогают, записали о тебе и о твоём случае. "
                 "Ты имеешь право это увидеть. Если что-то неверно или непонятно, скажи об "
                 "этом своему кейс-менеджеру.",
        .withheld = "Некоторые записи сюда не включены.",
        .nothing = "Пока ничего не записано.",
        .about = "О тебе",
        .given_name = "Имя",
        .family_name = "Фамилия",
        .patronymic = "Отчество",
        .birth_date = "Дата рождения",
        .languages = "Языки, на которых ты говоришь",
        .your_case = "Твой случай",
        .stage = "Чем мы сейчас занимаемся",
        .status = "Что со случаем сейчас",
        .identified_on = "Когда мы познакомились",
        .history = "Что уже было",
        .needs = "Что тебе нужно",
        .services = "Какая помощь тебе нужна",
        .urgent = "Что нужно срочно",
        .assessment = "Как у тебя дела",
        .written_on = "записано",
        .summary = "Коротко",
        .safety = "Твой план безопасности",
        .child_view = "Что ты нам сказал(а)",
        .if_threatened = "Что делать, если тебе грозит опасность",
        .options = "Что ты можешь сделать",
        .review_on = "Когда мы снова посмотрим этот план",
        .goals = "Твои цели",
        .goal_by = "срок",
        .meetings = "Наши встречи и разговоры",
    },
    [LANG_EN] = {
        .title = "Your case record",
        .code = "Case code",
        .made_on = "Made on",
        .intro = "This is what the people who help you have written down about you and your "
                 "case. You have the right to see it. If something is wrong or hard to "
                 "understand, please tell your case manager.",
        .withheld = "Some records are not included here.",
        .nothing = "Nothing is written down yet.",
        .about = "About you",
        .given_name = "First name",
        .family_name = "Family name",
        .patronymic = "Father's name",
        .birth_date = "Date of birth",
        .languages = "Languages you speak",
        .your_case = "Your case",
        .stage = "What we are working on now",
        .status = "Your case is",
        .identified_on = "When we first met",
        .history = "What has happened so far",
        .needs = "What you need",
        .services = "Help you need",
        .urgent = "Things you need quickly",
        .assessment = "How things are for you",
        .written_on = "written on",
        .summary = "In short",
        .safety = "Your safety plan",
        .child_view = "What you told us",
        .if_threatened = "What to do if you are in danger",
        .options = "What you can do",
        .review_on = "We will look at this plan again on",
        .goals = "Your goals",
        .goal_by = "due",
        .meetings = "When we met or talked",
    },
};

/* Names of the languages a child in Kazakhstan most often speaks; other ISO 639
 * codes are shown as they are. */
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

static bool parse_lang(const char *lang, record_lang *out)
{
    static const char *const codes[] = {[LANG_KK] = "kk", [LANG_RU] = "ru", [LANG_EN] = "en"};
    for (int i = LANG_KK; i <= LANG_EN; i++)
        if (lang && strcmp(lang, codes[i]) == 0) {
            *out = (record_lang)i;
            return true;
        }
    return false;
}

bool child_record_lang_ok(const char *lang)
{
    record_lang ignored;
    return parse_lang(lang, &ignored);
}

/* ---- the text being written ----------------------------------------------------------- */

typedef struct {
    char *buf; /* personal data: wiped when it moves or is given up */
    size_t len, cap;
    bool failed;
} text_out;

static void grow(text_out *o, size_t need)
{
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < need)
        cap *= 2;
    char *next = qg_malloc(cap);
    if (!next) {
        o->failed = true;
        return;
    }
    if (o->buf)
        memcpy(next, o->buf, o->len + 1);
    crypto_free_plain(o->buf, o->cap);
    o->buf = next;
    o->cap = cap;
}

static void put(text_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = o->failed ? -1 : vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->failed = true;
        return;
    }
    if (o->len + (size_t)n + 1 > o->cap)
        grow(o, o->len + (size_t)n + 1);
    if (o->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

/* ---- small helpers -------------------------------------------------------------------- */

typedef struct {
    db *conn;
    const qg_keys *keys;
    int64_t case_id;
    record_lang lang;
    const messages *m;
    text_out out;
} render;

static const char *label_of(const vocab_entry *e, record_lang lang)
{
    return lang == LANG_KK ? e->kk : lang == LANG_RU ? e->ru : e->en;
}

/* The label of code in list, in the record's language; an unknown code as it is. */
static const char *code_label(const render *r, const vocab_list *list, const char *code)
{
    const vocab_entry *e = vocab_find(list, code);
    return e ? label_of(e, r->lang) : code ? code : "-";
}

/* "YYYY-MM-DD..." as "DD.MM.YYYY"; "" when there is no date. */
static void dmy(const char *iso, char out[11])
{
    char day[11];
    int y, m, d;
    out[0] = '\0';
    if (!iso || strlen(iso) < 10)
        return;
    memcpy(day, iso, 10);
    day[10] = '\0';
    if (text_parse_date(day, &y, &m, &d))
        snprintf(out, 11, "%02d.%02d.%04d", d, m, y);
}

/* The day in Kazakhstan of a UTC time "YYYY-MM-DDTHH:MM:SSZ", as "DD.MM.YYYY". */
static void kz_dmy(const char *at, char out[11])
{
    struct tm tm = {0};
    if (!at || sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                      &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        dmy(at, out);
        return;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + TEXT_KZ_UTC_OFFSET_S;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%d.%m.%Y", &tm);
}

/* The string value of v, or "-" when it has none. */
static const char *or_dash(json_t *v)
{
    const char *s = json_string_value(v);
    return s && *s ? s : "-";
}

static void heading(render *r, const char *title, const char *on)
{
    if (on && *on)
        put(&r->out, "\n== %s (%s %s) ==\n", title, r->m->written_on, on);
    else
        put(&r->out, "\n== %s ==\n", title);
}

/* "caption: text" when v is a non-empty string; returns whether it wrote. */
static bool text_line(render *r, const char *caption, json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || !*s)
        return false;
    put(&r->out, "%s: %s\n", caption, s);
    return true;
}

/* ---- the case ---------------------------------------------------------------------------- */

typedef struct {
    char code[QG_CODE_SIZE];
    char stage[32], status[16], identified_on[11];
} case_view;

static qg_code load_case_view(render *r, case_view *v, qg_error *err)
{
    db_stmt *st = db_prepare(
        r->conn, "SELECT code, stage, status, identified_on FROM cases WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->case_id);
    int rc = db_step(st, err);
    if (rc == 1) {
        snprintf(v->code, sizeof v->code, "%s", db_col_text(st, 0));
        snprintf(v->stage, sizeof v->stage, "%s", db_col_text(st, 1));
        snprintf(v->status, sizeof v->status, "%s", db_col_text(st, 2));
        dmy(db_col_text(st, 3), v->identified_on);
    }
    db_done(st);
    return rc == 1  ? QG_OK
           : rc < 0 ? err->code
                    : qg_fail(err, QG_ENOTFOUND, "code", "case.not_found", "no such case");
}

static qg_code any_withheld(render *r, bool *yes, qg_error *err)
{
    db_stmt *st = db_prepare(
        r->conn, "SELECT count(*) FROM case_records WHERE case_id = ? AND withheld <> 0", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->case_id);
    int rc = db_step(st, err);
    *yes = rc == 1 && db_col_int(st, 0) > 0;
    db_done(st);
    return rc == 1  ? QG_OK
           : rc < 0 ? err->code
                    : qg_fail(err, QG_EDB, NULL, "storage.failure", "no row");
}

static qg_code write_header(render *r, const case_view *v, qg_error *err)
{
    char today[11], shown[11];
    bool withheld = false;
    text_today(today);
    dmy(today, shown);
    put(&r->out, "%s\n%s: %s\n%s: %s\n\n%s\n", r->m->title, r->m->code, v->code, r->m->made_on,
        shown, r->m->intro);
    qg_code c = any_withheld(r, &withheld, err);
    if (c == QG_OK && withheld)
        put(&r->out, "\n%s\n", r->m->withheld);
    return c;
}

/* ---- about you: names, birth date, languages; nothing else of the personal part ---- */

static bool languages_line(render *r, json_t *languages)
{
    size_t i;
    json_t *code;
    if (json_array_size(languages) == 0)
        return false;
    put(&r->out, "%s: ", r->m->languages);
    json_array_foreach(languages, i, code) put(
        &r->out, "%s%s", i ? ", " : "", code_label(r, &LANGUAGE_NAMES, json_string_value(code)));
    put(&r->out, "\n");
    return true;
}

static qg_code write_about(render *r, qg_error *err)
{
    json_t *p = NULL;
    char born[11];
    qg_code c = case_personal_load(r->conn, r->keys, r->case_id, &p, err);
    if (c != QG_OK)
        return c;
    heading(r, r->m->about, NULL);
    bool shown = text_line(r, r->m->given_name, json_object_get(p, "given_name"));
    shown |= text_line(r, r->m->family_name, json_object_get(p, "family_name"));
    shown |= text_line(r, r->m->patronymic, json_object_get(p, "patronymic"));
    dmy(json_string_value(json_object_get(p, "birth_date")), born);
    if (born[0]) {
        put(&r->out, "%s: %s\n", r->m->birth_date, born);
        shown = true;
    }
    shown |= languages_line(r, json_object_get(p, "languages"));
    if (!shown)
        put(&r->out, "%s\n", r->m->nothing);
    json_decref(p);
    return QG_OK;
}

/* ---- your case, its history and what the child needs ------------------------------ */

static void write_case(render *r, const case_view *v)
{
    heading(r, r->m->your_case, NULL);
    put(&r->out, "%s: %s\n%s: %s\n", r->m->stage, code_label(r, &VOCAB_STAGE, v->stage),
        r->m->status, code_label(r, &VOCAB_CASE_STATUS, v->status));
    if (v->identified_on[0])
        put(&r->out, "%s: %s\n", r->m->identified_on, v->identified_on);
}

/* Dates and stages only: never who made a move, why, or the note. */
static qg_code write_history(render *r, qg_error *err)
{
    db_stmt *st = db_prepare(
        r->conn, "SELECT at, to_stage FROM case_stages WHERE case_id = ? ORDER BY n", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->case_id);
    heading(r, r->m->history, NULL);
    int rc, rows = 0;
    char day[11];
    while ((rc = db_step(st, err)) == 1) {
        kz_dmy(db_col_text(st, 0), day);
        put(&r->out, "%s — %s\n", day, code_label(r, &VOCAB_STAGE, db_col_text(st, 1)));
        rows++;
    }
    db_done(st);
    if (rows == 0 && rc == 0)
        put(&r->out, "%s\n", r->m->nothing);
    return rc < 0 ? err->code : QG_OK;
}

/* "caption: label, label" for the codes sql selects for the case; *any is set when
 * there was one. */
static qg_code code_line(render *r, const char *sql, const vocab_list *list, const char *caption,
                         bool *any, qg_error *err)
{
    db_stmt *st = db_prepare(r->conn, sql, err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->case_id);
    int rc, rows = 0;
    while ((rc = db_step(st, err)) == 1)
        put(&r->out, "%s%s", rows++ ? ", " : caption, code_label(r, list, db_col_text(st, 0)));
    db_done(st);
    if (rows)
        put(&r->out, "\n");
    *any |= rows > 0;
    return rc < 0 ? err->code : QG_OK;
}

static qg_code write_needs(render *r, qg_error *err)
{
    char services[128], urgent[128];
    bool any = false;
    snprintf(services, sizeof services, "%s: ", r->m->services);
    snprintf(urgent, sizeof urgent, "%s: ", r->m->urgent);
    heading(r, r->m->needs, NULL);
    qg_code c =
        code_line(r, "SELECT service FROM case_services_needed WHERE case_id = ? ORDER BY service",
                  &VOCAB_SERVICE, services, &any, err);
    if (c == QG_OK)
        c = code_line(r, "SELECT need FROM case_needs WHERE case_id = ? ORDER BY need", &VOCAB_NEED,
                      urgent, &any, err);
    if (c == QG_OK && !any)
        put(&r->out, "%s\n", r->m->nothing);
    return c;
}

/* ---- the forms (case_records), only those not withheld ---------------------------- */

typedef struct {
    int64_t n;
    char on[11], due[11]; /* DD.MM.YYYY, "" when none */
    json_t *meta, *text;  /* codes in clear; the opened free text */
} form;

static void form_free(form *f)
{
    json_decref(f->meta);
    json_decref(f->text);
    f->meta = f->text = NULL;
}

#define FORM_COLUMNS "n, on_date, due_on, meta, sealed"

static qg_code form_from_row(render *r, db_stmt *st, const char *kind, form *f, qg_error *err)
{
    size_t len = 0;
    const void *blob = db_col_blob(st, 4, &len);
    f->n = db_col_int(st, 0);
    dmy(db_col_text(st, 1), f->on);
    dmy(db_col_text(st, 2), f->due);
    f->meta = qg_json_loads(db_col_text(st, 3), 0, NULL);
    if (!json_is_object(f->meta))
        return qg_fail(err, QG_EDB, "meta", "storage.damaged", "a stored form is damaged");
    return sealed_get(r->keys, r->case_id, kind, f->n, blob, len, &f->text, err);
}

/* The newest record of kind (latest date, then number) that is not withheld; *found
 * says whether there is one. */
static qg_code newest_form(render *r, const char *kind, form *f, bool *found, qg_error *err)
{
    db_stmt *st =
        db_prepare(r->conn,
                   "SELECT " FORM_COLUMNS " FROM case_records WHERE case_id = ? AND kind = ?"
                   " AND withheld = 0 ORDER BY on_date DESC, n DESC LIMIT 1",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->case_id);
    db_bind_text(st, 2, kind);
    int rc = db_step(st, err);
    qg_code c = rc < 0 ? err->code : rc == 1 ? form_from_row(r, st, kind, f, err) : QG_OK;
    db_done(st);
    *found = rc == 1 && c == QG_OK;
    return c;
}

/* Each element's level and notes, in the manual's order, then the summary. */
static void assessment_body(render *r, const form *f)
{
    json_t *levels = json_object_get(f->meta, "levels");
    json_t *elements = json_object_get(f->text, "elements");
    for (size_t i = 0; i < VOCAB_ASSESSMENT_ELEMENT.count; i++) {
        const vocab_entry *e = &VOCAB_ASSESSMENT_ELEMENT.entries[i];
        const char *level = json_string_value(json_object_get(levels, e->code));
        const char *notes =
            json_string_value(json_object_get(json_object_get(elements, e->code), "notes"));
        if (!level && !notes)
            continue;
        put(&r->out, "%s: %s\n", label_of(e, r->lang),
            level ? code_label(r, &VOCAB_ASSESSMENT_LEVEL, level) : "-");
        if (notes && *notes)
            put(&r->out, "  %s\n", notes);
    }
    text_line(r, r->m->summary, json_object_get(f->text, "summary"));
}

/* The child's view, what to do if threatened, the options, the review date: not the
 * workers' risk analysis. */
static void safety_body(render *r, const form *f)
{
    json_t *options = json_object_get(f->text, "options");
    text_line(r, r->m->child_view, json_object_get(f->text, "child_view"));
    text_line(r, r->m->if_threatened, json_object_get(f->text, "if_threatened"));
    if (json_object_size(options) > 0)
        put(&r->out, "%s:\n", r->m->options);
    for (size_t i = 0; i < VOCAB_SAFETY_SITUATION.count; i++) {
        const vocab_entry *e = &VOCAB_SAFETY_SITUATION.entries[i];
        const char *s = json_string_value(json_object_get(options, e->code));
        if (s && *s)
            put(&r->out, "  %s: %s\n", label_of(e, r->lang), s);
    }
    if (f->due[0])
        put(&r->out, "%s: %s\n", r->m->review_on, f->due);
}

/* Term, goal, due date and status of each goal; never its owner or owner's note. */
static void goals_body(render *r, const form *f)
{
    json_t *codes = json_object_get(f->meta, "goals"), *texts = json_object_get(f->text, "goals");
    size_t i;
    json_t *g;
    json_array_foreach(codes, i, g) {
        const char *goal = or_dash(json_object_get(json_array_get(texts, i), "goal"));
        const char *status = json_string_value(json_object_get(g, "status"));
        char due[11];
        dmy(json_string_value(json_object_get(g, "due_on")), due);
        put(&r->out, "- %s: %s",
            code_label(r, &VOCAB_GOAL_TERM, json_string_value(json_object_get(g, "term"))), goal);
        if (due[0])
            put(&r->out, " (%s: %s)", r->m->goal_by, due);
        if (status)
            put(&r->out, " — %s", code_label(r, &VOCAB_GOAL_STATUS, status));
        put(&r->out, "\n");
    }
}

typedef void (*form_body_fn)(render *r, const form *f);

static qg_code write_newest(render *r, const char *kind, const char *title, form_body_fn body,
                            qg_error *err)
{
    form f = {0};
    bool found = false;
    qg_code c = newest_form(r, kind, &f, &found, err);
    if (c == QG_OK && found) {
        heading(r, title, f.on);
        body(r, &f);
    }
    form_free(&f);
    return c;
}

/* Every interaction not withheld: date, how it took place, the summary. */
static qg_code write_interactions(render *r, qg_error *err)
{
    db_stmt *st = db_prepare(r->conn,
                             "SELECT " FORM_COLUMNS " FROM case_records WHERE case_id = ?"
                             " AND kind = 'interaction' AND withheld = 0 ORDER BY on_date, n",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, r->case_id);
    int rc = 0, rows = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        form f = {0};
        c = form_from_row(r, st, "interaction", &f, err);
        if (c == QG_OK && rows++ == 0)
            heading(r, r->m->meetings, NULL);
        if (c == QG_OK)
            put(&r->out, "%s, %s: %s\n", f.on,
                code_label(r, &VOCAB_CHANNEL,
                           json_string_value(json_object_get(f.meta, "channel"))),
                or_dash(json_object_get(f.text, "summary")));
        form_free(&f);
    }
    db_done(st);
    return c == QG_OK && rc < 0 ? err->code : c;
}

/* ---- the whole record ---------------------------------------------------------------- */

static qg_code write_record(render *r, qg_error *err)
{
    case_view v;
    qg_code c = load_case_view(r, &v, err);
    if (c == QG_OK)
        c = write_header(r, &v, err);
    if (c == QG_OK)
        c = write_about(r, err);
    if (c == QG_OK) {
        write_case(r, &v);
        c = write_history(r, err);
    }
    if (c == QG_OK)
        c = write_needs(r, err);
    if (c == QG_OK)
        c = write_newest(r, "assessment", r->m->assessment, assessment_body, err);
    if (c == QG_OK)
        c = write_newest(r, "safety_plan", r->m->safety, safety_body, err);
    if (c == QG_OK)
        c = write_newest(r, "action_plan", r->m->goals, goals_body, err);
    if (c == QG_OK)
        c = write_interactions(r, err);
    if (c == QG_OK && r->out.failed)
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return c;
}

qg_code child_record_render(db *conn, const qg_keys *keys, int64_t case_id, const char *lang,
                            char **text, size_t *len, qg_error *err)
{
    render r = {.conn = conn, .keys = keys, .case_id = case_id};
    *text = NULL;
    *len = 0;
    if (!parse_lang(lang, &r.lang))
        return qg_fail(err, QG_EINVAL, "lang", "lang.unknown", "must be kk, ru or en");
    r.m = &MESSAGES[r.lang];
    qg_code c = write_record(&r, err);
    if (c != QG_OK) {
        crypto_free_plain(r.out.buf, r.out.cap);
        return c;
    }
    *text = r.out.buf;
    *len = r.out.len;
    return QG_OK;
}

/* ---- the export: policy, read and audit in one transaction ------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    const char *lang;
    char *text;
    size_t len;
} export_job;

static qg_code export_in_tx(db *conn, void *arg, qg_error *err)
{
    export_job *j = arg;
    case_state state;
    json_t *detail = json_pack("{s:s}", "lang", j->lang);
    qg_code c = detail ? case_state_for(conn, j->actor, ACT_PERSONAL_READ, j->code, &state, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c == QG_OK)
        c = child_record_render(conn, j->app->keys, state.id, j->lang, &j->text, &j->len, err);
    if (c == QG_OK)
        c = audit_append(conn, j->app->keys, j->actor, "case.child_record", j->code, detail, err);
    json_decref(detail);
    if (c != QG_OK) {
        crypto_free_plain(j->text, j->len);
        j->text = NULL;
        j->len = 0;
    }
    return c;
}

qg_code child_record_export(qg_app *app, const qg_actor *actor, const char *code, const char *lang,
                            char **text, size_t *len, qg_error *err)
{
    export_job j = {.app = app, .actor = actor, .lang = lang ? lang : "kk"};
    *text = NULL;
    *len = 0;
    qg_code c = case_precheck(actor, ACT_CHILD_RECORD, code, j.code, err);
    if (c == QG_OK && !child_record_lang_ok(j.lang))
        c = qg_fail(err, QG_EINVAL, "lang", "lang.unknown", "must be kk, ru or en");
    if (c == QG_OK)
        c = writer_run(app->writer, export_in_tx, &j, err);
    if (c == QG_OK) {
        *text = j.text;
        *len = j.len;
    } else if (j.text) { /* the job rendered it, then the commit failed */
        crypto_free_plain(j.text, j.len);
    }
    return c;
}
