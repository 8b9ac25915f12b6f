/*
 * vocab_referral.c — the code lists of referrals between agencies (Module 3 of the
 * manual; notes part 2 §1): what a referral may carry, the kinds of agreements, who
 * gives consent and for what, the states of a referral and the reasons for declining or
 * not completing one. Labels in English, Russian and Kazakh; the Russian and Kazakh want
 * a native speaker's review.
 */
#include "core/vocab/vocab.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(name, table) {name, table, COUNT(table)}

/* What a referral may carry: only the minimum is sent (L2180-2183). The first three
 * parts are coded or organisational and identify nobody; the rest are personal data,
 * sent only when the service needs them and the consent to sharing covers them. */
static const vocab_entry share_parts[] = {
    {"profile", NULL, "Case data (codes only)", "Данные случая (только коды)",
     "Іс деректері (тек кодтар)"},
    {"needs", NULL, "Needs and services needed", "Потребности и нужные услуги",
     "Қажеттіліктер және қажет қызметтер"},
    {"languages", NULL, "Languages and interpreter", "Языки и переводчик", "Тілдер және аудармашы"},
    {"identity", NULL, "Name and date of birth", "Имя и дата рождения", "Аты-жөні және туған күні"},
    {"contact", NULL, "How to reach the child", "Как связаться с ребёнком",
     "Баламен байланысу жолы"},
    {"assessment", NULL, "The newest assessment", "Последняя оценка", "Соңғы бағалау"},
    {"safety_plan", NULL, "The newest safety plan", "Последний план безопасности",
     "Соңғы қауіпсіздік жоспары"},
};

/* Agreements between organisations (L2172-2174: agreements on joint planning). */
static const vocab_entry agreement_kinds[] = {
    {"cooperation", NULL, "Cooperation agreement", "Соглашение о сотрудничестве",
     "Ынтымақтастық туралы келісім"},
    {"data_sharing", NULL, "Data-sharing agreement", "Соглашение об обмене данными",
     "Деректер алмасу туралы келісім"},
};

static const vocab_entry consent_purposes[] = {
    {"services", NULL, "Receiving services", "Получение услуг", "Қызмет алу"},
    {"sharing", NULL, "Sharing with a named organisation", "Передача данных названной организации",
     "Аталған ұйыммен деректер алмасу"},
    {"statistics", NULL, "Inclusion in statistics", "Включение в статистику",
     "Статистикаға енгізу"},
};

static const vocab_entry consent_givers[] = {
    {"child", NULL, "The child", "Ребёнок", "Баланың өзі"},
    {"parent", NULL, "A parent", "Родитель", "Ата-анасы"},
    {"guardian", NULL, "A guardian", "Опекун", "Қамқоршысы"},
    {"other", NULL, "Another person", "Другое лицо", "Басқа адам"},
};

/* sent -> accepted | declined; accepted -> in_service; in_service -> completed |
 * not_completed; the sender may cancel while it is sent, accepted or in service. */
static const vocab_entry referral_statuses[] = {
    {"sent", NULL, "Sent", "Отправлено", "Жіберілді"},
    {"accepted", NULL, "Accepted", "Принято", "Қабылданды"},
    {"declined", NULL, "Declined", "Отклонено", "Қабылданбады"},
    {"in_service", NULL, "In service", "Услуга оказывается", "Қызмет көрсетілуде"},
    {"completed", NULL, "Completed", "Завершено", "Аяқталды"},
    {"not_completed", NULL, "Not completed", "Не завершено", "Аяқталмады"},
    {"cancelled", NULL, "Cancelled", "Отменено", "Тоқтатылды"},
};

static const vocab_entry referral_reasons[] = {
    {"no_capacity", NULL, "No free place or capacity", "Нет мест или возможностей",
     "Орын немесе мүмкіндік жоқ"},
    {"not_eligible", NULL, "The child is not eligible", "Ребёнок не подходит под условия",
     "Бала шарттарға сәйкес келмейді"},
    {"service_not_offered", NULL, "The service is not offered", "Услуга не оказывается",
     "Бұл қызмет көрсетілмейді"},
    {"child_refused", NULL, "The child or family refused", "Ребёнок или семья отказались",
     "Бала немесе отбасы бас тартты"},
    {"contact_lost", NULL, "Contact was lost", "Связь потеряна", "Байланыс үзілді"},
    {"moved", NULL, "The child moved away", "Ребёнок переехал", "Бала басқа жерге көшті"},
    {"other", NULL, "Other", "Другое", "Басқа"},
};

const vocab_list VOCAB_SHARE_PART = LIST("share_part", share_parts);
const vocab_list VOCAB_AGREEMENT_KIND = LIST("agreement_kind", agreement_kinds);
const vocab_list VOCAB_CONSENT_PURPOSE = LIST("consent_purpose", consent_purposes);
const vocab_list VOCAB_CONSENT_GIVER = LIST("consent_giver", consent_givers);
const vocab_list VOCAB_REFERRAL_STATUS = LIST("referral_status", referral_statuses);
const vocab_list VOCAB_REFERRAL_REASON = LIST("referral_reason", referral_reasons);
