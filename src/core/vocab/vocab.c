/*
 * vocab.c — the closed code lists of Qorgau as data (see vocab.h): roles, organisation
 * types (with HTCDS v2.0 org_Type), regions of Kazakhstan (with ISO 3166-2:KZ),
 * countries (ISO 3166-1 alpha-2), sex (HTCDS prs_Gender), the manual's ten case stages
 * and case statuses, each with English, Russian and Kazakh labels.
 */
#include "core/vocab/vocab.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(name, table) {name, table, COUNT(table)}

/* ---- roles ---------------------------------------------------------------------- */

static const vocab_entry roles[] = {
    {"admin", NULL, "Administrator", "Администратор", "Әкімші"},
    {"supervisor", NULL, "Supervisor", "Супервайзер", "Супервайзер"},
    {"case_manager", NULL, "Case manager", "Кейс-менеджер", "Кейс-менеджер"},
    {"first_responder", NULL, "First responder", "Специалист первичного контакта",
     "Алғашқы байланыс маманы"},
    {"analyst", NULL, "Analyst", "Аналитик", "Талдаушы"},
    {"auditor", NULL, "Auditor", "Аудитор", "Аудитор"},
};

/* ---- organisation types ------------------------------------------------------------
 * extra is the HTCDS v2.0 org_Type where one fits (anchors.md §3.3), NULL where none
 * does (courts, "other"). Border guards control who crosses the border, the nearest
 * HTCDS type is ImmigrationService; labour inspectorates and social protection
 * departments in Kazakhstan are departments of the regional akimats (local
 * government); "justice" covers justice bodies and state-guaranteed legal aid. */

static const vocab_entry org_types[] = {
    {"ngo", "NGO", "Non-governmental organisation", "Неправительственная организация",
     "Үкіметтік емес ұйым"},
    {"police", "LawEnforcement", "Police", "Полиция", "Полиция"},
    {"border", "ImmigrationService", "Border service", "Пограничная служба",
     "Шекара қызметі"},
    {"labour_inspection", "LocalGovernmentOrganisation", "Labour inspection",
     "Инспекция труда", "Еңбек инспекциясы"},
    {"education", "SchoolOrCollege", "Education (school, college)",
     "Образование (школа, колледж)", "Білім беру (мектеп, колледж)"},
    {"health", "HealthServiceOrganisation", "Health care", "Здравоохранение",
     "Денсаулық сақтау"},
    {"social_protection", "LocalGovernmentOrganisation", "Social protection",
     "Социальная защита", "Әлеуметтік қорғау"},
    {"prosecution", "LawEnforcement", "Prosecutor's office", "Прокуратура",
     "Прокуратура"},
    {"court", NULL, "Court", "Суд", "Сот"},
    {"children_ombudsman", "CentralGovernmentOrganisation",
     "Commissioner for Children's Rights", "Уполномоченный по правам ребёнка",
     "Бала құқықтары жөніндегі уәкіл"},
    {"justice", "LegalService", "Justice bodies and legal aid",
     "Органы юстиции и юридическая помощь", "Әділет органдары және заң көмегі"},
    {"local_government", "LocalGovernmentOrganisation", "Local executive body (akimat)",
     "Местный исполнительный орган (акимат)", "Жергілікті атқарушы орган (әкімдік)"},
    {"other", NULL, "Other", "Другое", "Басқа"},
};

/* ---- regions -----------------------------------------------------------------------
 * The 17 regions (oblystar) and 3 cities of republican significance as of 2022 (Abai,
 * Jetisu and Ulytau created that year); extra is the ISO 3166-2:KZ code in the numeric
 * form ISO adopted in 2022. */

static const vocab_entry regions[] = {
    {"abai", "KZ-10", "Abai Region", "Абайская область", "Абай облысы"},
    {"akmola", "KZ-11", "Akmola Region", "Акмолинская область", "Ақмола облысы"},
    {"aktobe", "KZ-15", "Aktobe Region", "Актюбинская область", "Ақтөбе облысы"},
    {"almaty_region", "KZ-19", "Almaty Region", "Алматинская область", "Алматы облысы"},
    {"atyrau", "KZ-23", "Atyrau Region", "Атырауская область", "Атырау облысы"},
    {"west_kazakhstan", "KZ-27", "West Kazakhstan Region", "Западно-Казахстанская область",
     "Батыс Қазақстан облысы"},
    {"jambyl", "KZ-31", "Jambyl Region", "Жамбылская область", "Жамбыл облысы"},
    {"jetisu", "KZ-33", "Jetisu Region", "Жетысуская область", "Жетісу облысы"},
    {"karaganda", "KZ-35", "Karaganda Region", "Карагандинская область",
     "Қарағанды облысы"},
    {"kostanay", "KZ-39", "Kostanay Region", "Костанайская область", "Қостанай облысы"},
    {"kyzylorda", "KZ-43", "Kyzylorda Region", "Кызылординская область",
     "Қызылорда облысы"},
    {"mangystau", "KZ-47", "Mangystau Region", "Мангистауская область",
     "Маңғыстау облысы"},
    {"pavlodar", "KZ-55", "Pavlodar Region", "Павлодарская область", "Павлодар облысы"},
    {"north_kazakhstan", "KZ-59", "North Kazakhstan Region",
     "Северо-Казахстанская область", "Солтүстік Қазақстан облысы"},
    {"turkistan", "KZ-61", "Turkistan Region", "Туркестанская область",
     "Түркістан облысы"},
    {"ulytau", "KZ-62", "Ulytau Region", "Улытауская область", "Ұлытау облысы"},
    {"east_kazakhstan", "KZ-63", "East Kazakhstan Region", "Восточно-Казахстанская область",
     "Шығыс Қазақстан облысы"},
    {"astana", "KZ-71", "Astana", "Астана", "Астана"},
    {"almaty", "KZ-75", "Almaty", "Алматы", "Алматы"},
    {"shymkent", "KZ-79", "Shymkent", "Шымкент", "Шымкент"},
};

/* ---- countries ---------------------------------------------------------------------
 * VOCAB_COUNTRY is generated at build time from Debian's iso-codes package
 * (tools/isogen.c writes build/gen/vocab_iso.c): all 249
 * ISO 3166-1 alpha-2 codes with iso-codes' English, Russian and Kazakh names, never
 * typed by hand. Kazakhstan, its neighbours and the manual's countries of origin come
 * first (extra = "common"), then the rest by code; the last entry, "XX", is ours, not
 * ISO's: it stands for an unknown country or a stateless person (also "common"). */

/* ---- sex (HTCDS v2.0 prs_Gender codes) ------------------------------------------- */

static const vocab_entry sexes[] = {
    {"Feminine", NULL, "Female", "Женский", "Әйел"},
    {"Masculine", NULL, "Male", "Мужской", "Ер"},
    {"TransgenderFeminine", NULL, "Transgender female", "Трансгендерная женщина",
     "Трансгендер әйел"},
    {"TransgenderMasculine", NULL, "Transgender male", "Трансгендерный мужчина",
     "Трансгендер ер"},
    {"NonConforming", NULL, "Gender non-conforming", "Гендерно неконформный",
     "Гендерлік нормаға сәйкес емес"},
    {"NonSpecifiedUnknown", NULL, "Not specified or unknown", "Не указан или неизвестен",
     "Көрсетілмеген немесе белгісіз"},
};

/* ---- case stages (the manual's ten, L2459–2501, in order) -------------------------- */

static const vocab_entry stages[] = {
    {"identification", NULL, "Identification and screening", "Выявление и скрининг",
     "Анықтау және скрининг"},
    {"exit_assistance", NULL, "Help to leave the situation", "Помощь в выходе из ситуации",
     "Жағдайдан шығуға көмектесу"},
    {"assessment", NULL, "Assessment", "Оценка", "Бағалау"},
    {"safety_planning", NULL, "Safety planning", "Планирование безопасности",
     "Қауіпсіздікті жоспарлау"},
    {"referral", NULL, "Referral", "Перенаправление", "Қайта бағыттау"},
    {"action_plan", NULL, "Action plan", "Разработка плана действий",
     "Іс-шаралар жоспарын әзірлеу"},
    {"coordination", NULL, "Coordination between organisations",
     "Координация между организациями", "Ұйымдар арасындағы үйлестіру"},
    {"monitoring", NULL, "Monitoring progress", "Мониторинг прогресса",
     "Ілгерілеуді бақылау"},
    {"recovery", NULL, "Recovery", "Восстановление", "Қалпына келтіру"},
    {"closure", NULL, "Case closure", "Закрытие случая", "Істі жабу"},
};

/* ---- case statuses ----------------------------------------------------------------- */

static const vocab_entry case_statuses[] = {
    {"open", NULL, "Open", "Открыт", "Ашық"},
    {"closed", NULL, "Closed", "Закрыт", "Жабық"},
    /* made only to probe an IIN, or by mistake: withdrawn by a supervisor, read-only and
     * in no statistics (issue 14 item 6) */
    {"withdrawn", NULL, "Withdrawn", "Отозван", "Қайтарып алынған"},
};

/* ---- urgent needs a checklist can suggest (signs and needs, L3119-3126) ---------- */

static const vocab_entry needs[] = {
    {"medical_care", NULL, "Medical care", "Медицинская помощь", "Медициналық көмек"},
    {"nutrition", NULL, "Nutrition", "Питание", "Тамақтану"},
    {"addiction_treatment", NULL, "Addiction treatment", "Лечение зависимости",
     "Нашақорлықты емдеу"},
    {"medical_treatment", NULL, "Medical treatment", "Лечение", "Медициналық емделу"},
    {"food", NULL, "Food", "Продукты питания", "Тамақ"},
    {"interpreter", NULL, "Interpreting and translation", "Устный и письменный перевод",
     "Жазбаша және ауызша аударма"},
};

/* How a suggested need was addressed (issue 13): by referring the child, by a service
 * the case's own organisation gave, or it turned out not to be needed (with a reason). */
static const vocab_entry need_hows[] = {
    {"referral", NULL, "A referral was made", "Сделано направление", "Жолдама жіберілді"},
    {"in_house", NULL, "Given by our organisation", "Оказано нашей организацией",
     "Біздің ұйым көрсетті"},
    {"not_needed", NULL, "Not needed after all", "Оказалось не нужно", "Қажет емес болып шықты"},
};

/* Why a suggested need turned out not to be needed. */
static const vocab_entry need_reasons[] = {
    {"met_elsewhere", NULL, "Already met by the family or another service",
     "Уже обеспечено семьёй или другой службой", "Отбасы немесе басқа қызмет қамтамасыз етті"},
    {"child_declined", NULL, "The child or family declined", "Ребёнок или семья отказались",
     "Бала немесе отбасы бас тартты"},
    {"not_confirmed", NULL, "Not confirmed on assessment", "Не подтвердилось при оценке",
     "Бағалау кезінде расталмады"},
};

const vocab_list VOCAB_ROLE = LIST("role", roles);
const vocab_list VOCAB_ORG_TYPE = LIST("org_type", org_types);
const vocab_list VOCAB_REGION = LIST("region", regions);
const vocab_list VOCAB_SEX = LIST("sex", sexes);
const vocab_list VOCAB_STAGE = LIST("stage", stages);
const vocab_list VOCAB_CASE_STATUS = LIST("case_status", case_statuses);
const vocab_list VOCAB_NEED = LIST("need", needs);
const vocab_list VOCAB_NEED_HOW = LIST("need_how", need_hows);
const vocab_list VOCAB_NEED_REASON = LIST("need_reason", need_reasons);

static const vocab_list *const all_lists[] = {
    &VOCAB_ROLE,    &VOCAB_ORG_TYPE, &VOCAB_REGION,      &VOCAB_COUNTRY,
    &VOCAB_SEX,     &VOCAB_STAGE,    &VOCAB_CASE_STATUS, &VOCAB_NEED,
    &VOCAB_NEED_HOW, &VOCAB_NEED_REASON,
    &VOCAB_EXPLOITATION_FORM, &VOCAB_RECRUITMENT_METHOD, &VOCAB_EXIT_METHOD, &VOCAB_RELATION,
    &VOCAB_CJ_STAGE, &VOCAB_VICTIM_STATUS, &VOCAB_DECIDING_BODY, &VOCAB_ACCOMPANIMENT,
    &VOCAB_AGE_BAND, &VOCAB_TRAFFICKER_ROLE, &VOCAB_ROUTE_EVENT, &VOCAB_SERVICE,
    &VOCAB_CLOSE_REASON, &VOCAB_ASSESSMENT_ELEMENT, &VOCAB_ASSESSMENT_LEVEL,
    &VOCAB_HARM_CHANNEL, &VOCAB_SAFETY_SITUATION, &VOCAB_CHANNEL, &VOCAB_PARTICIPANT,
    &VOCAB_GOAL_TERM, &VOCAB_GOAL_STATUS, &VOCAB_TASK_STATUS,
    &VOCAB_SHARE_PART, &VOCAB_AGREEMENT_KIND, &VOCAB_CONSENT_PURPOSE, &VOCAB_CONSENT_GIVER,
    &VOCAB_REFERRAL_STATUS, &VOCAB_REFERRAL_REASON, &VOCAB_LANGUAGE, NULL,
};

const vocab_entry *vocab_find(const vocab_list *list, const char *code)
{
    if (!list || !code)
        return NULL;
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->entries[i].code, code) == 0)
            return &list->entries[i];
    return NULL;
}

bool vocab_has(const vocab_list *list, const char *code)
{
    return vocab_find(list, code) != NULL;
}

const vocab_list *const *vocab_all(void)
{
    return all_lists;
}
