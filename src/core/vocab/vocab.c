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
 * All 249 officially assigned ISO 3166-1 alpha-2 codes with their ISO short names in
 * English, sorted by code. Russian and Kazakh names are given for Kazakhstan, its
 * neighbours and the main destination countries; elsewhere they are NULL and the
 * English name is shown. The last entry, "XX", is ours, not ISO's: it stands for an
 * unknown country or a stateless person (ISO 3166-1 leaves XX to user assignment). */

static const vocab_entry countries[] = {
    {"AD", NULL, "Andorra", NULL, NULL},
    {"AE", NULL, "United Arab Emirates", "Объединённые Арабские Эмираты",
     "Біріккен Араб Әмірліктері"},
    {"AF", NULL, "Afghanistan", NULL, NULL},
    {"AG", NULL, "Antigua and Barbuda", NULL, NULL},
    {"AI", NULL, "Anguilla", NULL, NULL},
    {"AL", NULL, "Albania", NULL, NULL},
    {"AM", NULL, "Armenia", NULL, NULL},
    {"AO", NULL, "Angola", NULL, NULL},
    {"AQ", NULL, "Antarctica", NULL, NULL},
    {"AR", NULL, "Argentina", NULL, NULL},
    {"AS", NULL, "American Samoa", NULL, NULL},
    {"AT", NULL, "Austria", NULL, NULL},
    {"AU", NULL, "Australia", NULL, NULL},
    {"AW", NULL, "Aruba", NULL, NULL},
    {"AX", NULL, "Åland Islands", NULL, NULL},
    {"AZ", NULL, "Azerbaijan", NULL, NULL},
    {"BA", NULL, "Bosnia and Herzegovina", NULL, NULL},
    {"BB", NULL, "Barbados", NULL, NULL},
    {"BD", NULL, "Bangladesh", NULL, NULL},
    {"BE", NULL, "Belgium", NULL, NULL},
    {"BF", NULL, "Burkina Faso", NULL, NULL},
    {"BG", NULL, "Bulgaria", NULL, NULL},
    {"BH", NULL, "Bahrain", NULL, NULL},
    {"BI", NULL, "Burundi", NULL, NULL},
    {"BJ", NULL, "Benin", NULL, NULL},
    {"BL", NULL, "Saint Barthélemy", NULL, NULL},
    {"BM", NULL, "Bermuda", NULL, NULL},
    {"BN", NULL, "Brunei Darussalam", NULL, NULL},
    {"BO", NULL, "Bolivia, Plurinational State of", NULL, NULL},
    {"BQ", NULL, "Bonaire, Sint Eustatius and Saba", NULL, NULL},
    {"BR", NULL, "Brazil", NULL, NULL},
    {"BS", NULL, "Bahamas", NULL, NULL},
    {"BT", NULL, "Bhutan", NULL, NULL},
    {"BV", NULL, "Bouvet Island", NULL, NULL},
    {"BW", NULL, "Botswana", NULL, NULL},
    {"BY", NULL, "Belarus", NULL, NULL},
    {"BZ", NULL, "Belize", NULL, NULL},
    {"CA", NULL, "Canada", NULL, NULL},
    {"CC", NULL, "Cocos (Keeling) Islands", NULL, NULL},
    {"CD", NULL, "Congo, The Democratic Republic of the", NULL, NULL},
    {"CF", NULL, "Central African Republic", NULL, NULL},
    {"CG", NULL, "Congo", NULL, NULL},
    {"CH", NULL, "Switzerland", NULL, NULL},
    {"CI", NULL, "Côte d'Ivoire", NULL, NULL},
    {"CK", NULL, "Cook Islands", NULL, NULL},
    {"CL", NULL, "Chile", NULL, NULL},
    {"CM", NULL, "Cameroon", NULL, NULL},
    {"CN", NULL, "China", "Китай", "Қытай"},
    {"CO", NULL, "Colombia", NULL, NULL},
    {"CR", NULL, "Costa Rica", NULL, NULL},
    {"CU", NULL, "Cuba", NULL, NULL},
    {"CV", NULL, "Cabo Verde", NULL, NULL},
    {"CW", NULL, "Curaçao", NULL, NULL},
    {"CX", NULL, "Christmas Island", NULL, NULL},
    {"CY", NULL, "Cyprus", NULL, NULL},
    {"CZ", NULL, "Czechia", NULL, NULL},
    {"DE", NULL, "Germany", NULL, NULL},
    {"DJ", NULL, "Djibouti", NULL, NULL},
    {"DK", NULL, "Denmark", NULL, NULL},
    {"DM", NULL, "Dominica", NULL, NULL},
    {"DO", NULL, "Dominican Republic", NULL, NULL},
    {"DZ", NULL, "Algeria", NULL, NULL},
    {"EC", NULL, "Ecuador", NULL, NULL},
    {"EE", NULL, "Estonia", NULL, NULL},
    {"EG", NULL, "Egypt", NULL, NULL},
    {"EH", NULL, "Western Sahara", NULL, NULL},
    {"ER", NULL, "Eritrea", NULL, NULL},
    {"ES", NULL, "Spain", NULL, NULL},
    {"ET", NULL, "Ethiopia", NULL, NULL},
    {"FI", NULL, "Finland", NULL, NULL},
    {"FJ", NULL, "Fiji", NULL, NULL},
    {"FK", NULL, "Falkland Islands (Malvinas)", NULL, NULL},
    {"FM", NULL, "Micronesia, Federated States of", NULL, NULL},
    {"FO", NULL, "Faroe Islands", NULL, NULL},
    {"FR", NULL, "France", NULL, NULL},
    {"GA", NULL, "Gabon", NULL, NULL},
    {"GB", NULL, "United Kingdom", NULL, NULL},
    {"GD", NULL, "Grenada", NULL, NULL},
    {"GE", NULL, "Georgia", NULL, NULL},
    {"GF", NULL, "French Guiana", NULL, NULL},
    {"GG", NULL, "Guernsey", NULL, NULL},
    {"GH", NULL, "Ghana", NULL, NULL},
    {"GI", NULL, "Gibraltar", NULL, NULL},
    {"GL", NULL, "Greenland", NULL, NULL},
    {"GM", NULL, "Gambia", NULL, NULL},
    {"GN", NULL, "Guinea", NULL, NULL},
    {"GP", NULL, "Guadeloupe", NULL, NULL},
    {"GQ", NULL, "Equatorial Guinea", NULL, NULL},
    {"GR", NULL, "Greece", NULL, NULL},
    {"GS", NULL, "South Georgia and the South Sandwich Islands", NULL, NULL},
    {"GT", NULL, "Guatemala", NULL, NULL},
    {"GU", NULL, "Guam", NULL, NULL},
    {"GW", NULL, "Guinea-Bissau", NULL, NULL},
    {"GY", NULL, "Guyana", NULL, NULL},
    {"HK", NULL, "Hong Kong", NULL, NULL},
    {"HM", NULL, "Heard Island and McDonald Islands", NULL, NULL},
    {"HN", NULL, "Honduras", NULL, NULL},
    {"HR", NULL, "Croatia", NULL, NULL},
    {"HT", NULL, "Haiti", NULL, NULL},
    {"HU", NULL, "Hungary", NULL, NULL},
    {"ID", NULL, "Indonesia", NULL, NULL},
    {"IE", NULL, "Ireland", NULL, NULL},
    {"IL", NULL, "Israel", NULL, NULL},
    {"IM", NULL, "Isle of Man", NULL, NULL},
    {"IN", NULL, "India", NULL, NULL},
    {"IO", NULL, "British Indian Ocean Territory", NULL, NULL},
    {"IQ", NULL, "Iraq", NULL, NULL},
    {"IR", NULL, "Iran, Islamic Republic of", NULL, NULL},
    {"IS", NULL, "Iceland", NULL, NULL},
    {"IT", NULL, "Italy", NULL, NULL},
    {"JE", NULL, "Jersey", NULL, NULL},
    {"JM", NULL, "Jamaica", NULL, NULL},
    {"JO", NULL, "Jordan", NULL, NULL},
    {"JP", NULL, "Japan", NULL, NULL},
    {"KE", NULL, "Kenya", NULL, NULL},
    {"KG", NULL, "Kyrgyzstan", "Кыргызстан", "Қырғызстан"},
    {"KH", NULL, "Cambodia", NULL, NULL},
    {"KI", NULL, "Kiribati", NULL, NULL},
    {"KM", NULL, "Comoros", NULL, NULL},
    {"KN", NULL, "Saint Kitts and Nevis", NULL, NULL},
    {"KP", NULL, "Korea, Democratic People's Republic of", NULL, NULL},
    {"KR", NULL, "Korea, Republic of", "Республика Корея", "Корея Республикасы"},
    {"KW", NULL, "Kuwait", NULL, NULL},
    {"KY", NULL, "Cayman Islands", NULL, NULL},
    {"KZ", NULL, "Kazakhstan", "Казахстан", "Қазақстан"},
    {"LA", NULL, "Lao People's Democratic Republic", NULL, NULL},
    {"LB", NULL, "Lebanon", NULL, NULL},
    {"LC", NULL, "Saint Lucia", NULL, NULL},
    {"LI", NULL, "Liechtenstein", NULL, NULL},
    {"LK", NULL, "Sri Lanka", NULL, NULL},
    {"LR", NULL, "Liberia", NULL, NULL},
    {"LS", NULL, "Lesotho", NULL, NULL},
    {"LT", NULL, "Lithuania", NULL, NULL},
    {"LU", NULL, "Luxembourg", NULL, NULL},
    {"LV", NULL, "Latvia", NULL, NULL},
    {"LY", NULL, "Libya", NULL, NULL},
    {"MA", NULL, "Morocco", NULL, NULL},
    {"MC", NULL, "Monaco", NULL, NULL},
    {"MD", NULL, "Moldova, Republic of", NULL, NULL},
    {"ME", NULL, "Montenegro", NULL, NULL},
    {"MF", NULL, "Saint Martin (French part)", NULL, NULL},
    {"MG", NULL, "Madagascar", NULL, NULL},
    {"MH", NULL, "Marshall Islands", NULL, NULL},
    {"MK", NULL, "North Macedonia", NULL, NULL},
    {"ML", NULL, "Mali", NULL, NULL},
    {"MM", NULL, "Myanmar", NULL, NULL},
    {"MN", NULL, "Mongolia", NULL, NULL},
    {"MO", NULL, "Macao", NULL, NULL},
    {"MP", NULL, "Northern Mariana Islands", NULL, NULL},
    {"MQ", NULL, "Martinique", NULL, NULL},
    {"MR", NULL, "Mauritania", NULL, NULL},
    {"MS", NULL, "Montserrat", NULL, NULL},
    {"MT", NULL, "Malta", NULL, NULL},
    {"MU", NULL, "Mauritius", NULL, NULL},
    {"MV", NULL, "Maldives", NULL, NULL},
    {"MW", NULL, "Malawi", NULL, NULL},
    {"MX", NULL, "Mexico", NULL, NULL},
    {"MY", NULL, "Malaysia", NULL, NULL},
    {"MZ", NULL, "Mozambique", NULL, NULL},
    {"NA", NULL, "Namibia", NULL, NULL},
    {"NC", NULL, "New Caledonia", NULL, NULL},
    {"NE", NULL, "Niger", NULL, NULL},
    {"NF", NULL, "Norfolk Island", NULL, NULL},
    {"NG", NULL, "Nigeria", NULL, NULL},
    {"NI", NULL, "Nicaragua", NULL, NULL},
    {"NL", NULL, "Netherlands", NULL, NULL},
    {"NO", NULL, "Norway", NULL, NULL},
    {"NP", NULL, "Nepal", NULL, NULL},
    {"NR", NULL, "Nauru", NULL, NULL},
    {"NU", NULL, "Niue", NULL, NULL},
    {"NZ", NULL, "New Zealand", NULL, NULL},
    {"OM", NULL, "Oman", NULL, NULL},
    {"PA", NULL, "Panama", NULL, NULL},
    {"PE", NULL, "Peru", NULL, NULL},
    {"PF", NULL, "French Polynesia", NULL, NULL},
    {"PG", NULL, "Papua New Guinea", NULL, NULL},
    {"PH", NULL, "Philippines", NULL, NULL},
    {"PK", NULL, "Pakistan", NULL, NULL},
    {"PL", NULL, "Poland", NULL, NULL},
    {"PM", NULL, "Saint Pierre and Miquelon", NULL, NULL},
    {"PN", NULL, "Pitcairn", NULL, NULL},
    {"PR", NULL, "Puerto Rico", NULL, NULL},
    {"PS", NULL, "Palestine, State of", NULL, NULL},
    {"PT", NULL, "Portugal", NULL, NULL},
    {"PW", NULL, "Palau", NULL, NULL},
    {"PY", NULL, "Paraguay", NULL, NULL},
    {"QA", NULL, "Qatar", NULL, NULL},
    {"RE", NULL, "Réunion", NULL, NULL},
    {"RO", NULL, "Romania", NULL, NULL},
    {"RS", NULL, "Serbia", NULL, NULL},
    {"RU", NULL, "Russian Federation", "Россия", "Ресей"},
    {"RW", NULL, "Rwanda", NULL, NULL},
    {"SA", NULL, "Saudi Arabia", NULL, NULL},
    {"SB", NULL, "Solomon Islands", NULL, NULL},
    {"SC", NULL, "Seychelles", NULL, NULL},
    {"SD", NULL, "Sudan", NULL, NULL},
    {"SE", NULL, "Sweden", NULL, NULL},
    {"SG", NULL, "Singapore", NULL, NULL},
    {"SH", NULL, "Saint Helena, Ascension and Tristan da Cunha", NULL, NULL},
    {"SI", NULL, "Slovenia", NULL, NULL},
    {"SJ", NULL, "Svalbard and Jan Mayen", NULL, NULL},
    {"SK", NULL, "Slovakia", NULL, NULL},
    {"SL", NULL, "Sierra Leone", NULL, NULL},
    {"SM", NULL, "San Marino", NULL, NULL},
    {"SN", NULL, "Senegal", NULL, NULL},
    {"SO", NULL, "Somalia", NULL, NULL},
    {"SR", NULL, "Suriname", NULL, NULL},
    {"SS", NULL, "South Sudan", NULL, NULL},
    {"ST", NULL, "Sao Tome and Principe", NULL, NULL},
    {"SV", NULL, "El Salvador", NULL, NULL},
    {"SX", NULL, "Sint Maarten (Dutch part)", NULL, NULL},
    {"SY", NULL, "Syrian Arab Republic", NULL, NULL},
    {"SZ", NULL, "Eswatini", NULL, NULL},
    {"TC", NULL, "Turks and Caicos Islands", NULL, NULL},
    {"TD", NULL, "Chad", NULL, NULL},
    {"TF", NULL, "French Southern Territories", NULL, NULL},
    {"TG", NULL, "Togo", NULL, NULL},
    {"TH", NULL, "Thailand", NULL, NULL},
    {"TJ", NULL, "Tajikistan", "Таджикистан", "Тәжікстан"},
    {"TK", NULL, "Tokelau", NULL, NULL},
    {"TL", NULL, "Timor-Leste", NULL, NULL},
    {"TM", NULL, "Turkmenistan", "Туркменистан", "Түрікменстан"},
    {"TN", NULL, "Tunisia", NULL, NULL},
    {"TO", NULL, "Tonga", NULL, NULL},
    {"TR", NULL, "Türkiye", "Турция", "Түркия"},
    {"TT", NULL, "Trinidad and Tobago", NULL, NULL},
    {"TV", NULL, "Tuvalu", NULL, NULL},
    {"TW", NULL, "Taiwan, Province of China", NULL, NULL},
    {"TZ", NULL, "Tanzania, United Republic of", NULL, NULL},
    {"UA", NULL, "Ukraine", NULL, NULL},
    {"UG", NULL, "Uganda", NULL, NULL},
    {"UM", NULL, "United States Minor Outlying Islands", NULL, NULL},
    {"US", NULL, "United States", NULL, NULL},
    {"UY", NULL, "Uruguay", NULL, NULL},
    {"UZ", NULL, "Uzbekistan", "Узбекистан", "Өзбекстан"},
    {"VA", NULL, "Holy See (Vatican City State)", NULL, NULL},
    {"VC", NULL, "Saint Vincent and the Grenadines", NULL, NULL},
    {"VE", NULL, "Venezuela, Bolivarian Republic of", NULL, NULL},
    {"VG", NULL, "Virgin Islands, British", NULL, NULL},
    {"VI", NULL, "Virgin Islands, U.S.", NULL, NULL},
    {"VN", NULL, "Viet Nam", NULL, NULL},
    {"VU", NULL, "Vanuatu", NULL, NULL},
    {"WF", NULL, "Wallis and Futuna", NULL, NULL},
    {"WS", NULL, "Samoa", NULL, NULL},
    {"YE", NULL, "Yemen", NULL, NULL},
    {"YT", NULL, "Mayotte", NULL, NULL},
    {"ZA", NULL, "South Africa", NULL, NULL},
    {"ZM", NULL, "Zambia", NULL, NULL},
    {"ZW", NULL, "Zimbabwe", NULL, NULL},
    {"XX", NULL, "Unknown or stateless", "Неизвестно или лицо без гражданства",
     "Белгісіз немесе азаматтығы жоқ адам"},
};

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
const vocab_list VOCAB_COUNTRY = LIST("country", countries);
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
    &VOCAB_REFERRAL_STATUS, &VOCAB_REFERRAL_REASON, NULL,
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
