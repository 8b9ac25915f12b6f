/*
 * vocab_case.c — the code lists of case work (see vocab.h, "Case work"):
 *  - the data the manual asks to collect about every case (L2683–2699: the victim's sex
 *    and age, form(s) of exploitation, method of recruitment and of rescue, the child's
 *    relationship to the trafficker, the criminal-justice response, the trafficker's
 *    profile, the services needed and referrals), coded in HTCDS v2.0 terms;
 *  - the forms of case work: assessment (L2113–2129), safety planning (L2131–2154),
 *    record keeping (L2431–2444) and the action plan (L2315–2329);
 *  - tasks.
 * extra is the exact HTCDS v2.0 value name (column "Value Names" of
 * /work/shared/htcds/htcds-2.0-fields.tsv) where one fits, NULL where none does.
 * Kazakh labels follow the manual's wording where the manual has one.
 */
#include "core/vocab/vocab.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(name, table) {name, table, COUNT(table)}

/* ---- forms of exploitation (HTCDS vic_TypeOfExploitation) --------------------------
 * The manual's Palermo table (L688–704), forms specific to children (L1344–1350),
 * forced marriage (L1437), online sexual exploitation (L1555–1557, L1598–1629),
 * illegal adoption (L907–913) and domestic servitude ("Үй құлдығы", L3569).
 * HTCDS has no code for forced criminal activity, which the manual treats as a form of
 * its own: it maps to "Other" (an HTCDS export adds the detail; htcds/README.md).
 * HTCDS has no "Slavery" value either: slavery and practices similar to slavery map to
 * "Servitude", its nearest value (the Palermo group "slavery or practices similar to
 * slavery, servitude"); domestic servitude is servitude in a household. Online sexual
 * exploitation is SexualExploitation in HTCDS (vic_TypeOfSexExploitation and
 * vic_ExploitationWebsitesAndApps carry the detail). A case may have several forms. */

static const vocab_entry exploitation_forms[] = {
    {"sexual_exploitation", "SexualExploitation", "Sexual exploitation",
     "Сексуальная эксплуатация", "Жыныстық қанау"},
    {"forced_labour", "ForcedLabour", "Forced labour", "Принудительный труд",
     "Мәжбүрлі еңбек"},
    {"forced_criminality", "Other", "Forced criminal activity",
     "Принуждение к преступной деятельности", "Қылмыстық әрекетке мәжбүрлеу"},
    {"forced_begging", "ForcedBegging", "Forced begging", "Принуждение к попрошайничеству",
     "Қайыр сұрауға мәжбүрлеу"},
    {"domestic_servitude", "Servitude", "Domestic servitude", "Домашнее рабство",
     "Үй құлдығы"},
    {"organ_removal", "OrganRemoval", "Organ removal", "Изъятие органов", "Ағзаларды алу"},
    {"slavery", "Servitude", "Slavery or similar practices",
     "Рабство или сходные с ним практики", "Құлдық немесе ұқсас"},
    {"forced_marriage", "ForcedMarriage", "Forced marriage", "Принудительный брак",
     "Мәжбүрлі некеге тұру"},
    {"child_labour", "ChildLabour", "Child labour", "Детский труд", "Балалар еңбегі"},
    {"online_sexual_exploitation", "SexualExploitation", "Online sexual exploitation",
     "Сексуальная эксплуатация в интернете", "Онлайн жыныстық қанау"},
    {"illegal_adoption", "ForcedAdoption", "Illegal adoption", "Незаконное усыновление",
     "Заңсыз бала асырап алу"},
    {"other", "Other", "Other", "Другое", "Басқасы"},
};

/* ---- method of recruitment (HTCDS vic_MethodOfRecruitment; "Тарту ... әдісі", L2695)
 * Abduction ("Адам ұрлау", L857–858) is an act in the manual but has no HTCDS
 * recruitment value; unknown has none either. */

static const vocab_entry recruitment_methods[] = {
    {"place_of_business", "AtAPlaceOfBusiness", "At a place of business",
     "В магазине, кафе или другом заведении", "Дүкенде, кафеде немесе басқа орында"},
    {"educational_institution", "AtAnEducationalInstitution",
     "At an educational institution", "В учебном заведении", "Білім беру мекемесінде"},
    {"at_work", "AtWork", "At work", "На работе", "Жұмыс орнында"},
    {"online_social_network", "ThroughOnlineSocialNetworks", "Through social networks",
     "Через социальные сети", "Әлеуметтік желілер арқылы"},
    {"online_ad", "ThroughAnOnlineAdvertisement", "Through an online advertisement",
     "Через объявление в интернете", "Интернеттегі хабарландыру арқылы"},
    {"tv_ad", "ThroughATelevisionAdvert", "Through a television advert",
     "Через рекламу на телевидении", "Теледидардағы жарнама арқылы"},
    {"newspaper_ad", "ThroughANewspaperAdvert", "Through a newspaper advert",
     "Через объявление в газете", "Газеттегі хабарландыру арқылы"},
    {"family", "ThroughFamilyOrFamilyEvents", "Through family or family events",
     "Через семью или семейные события", "Отбасы немесе отбасылық іс-шаралар арқылы"},
    {"friends", "ThroughFriendsOrSocialEvents", "Through friends or social events",
     "Через друзей или общественные мероприятия",
     "Достар немесе қоғамдық іс-шаралар арқылы"},
    {"abduction", NULL, "Abduction", "Похищение", "Адам ұрлау"},
    {"other", "Other", "Other", "Другое", "Басқа"},
    {"unknown", NULL, "Unknown", "Неизвестно", "Белгісіз"},
};

/* ---- how the child left the situation ("құтқару әдісі", L2695; rescue, L1564–1570) --
 * No HTCDS field. Most victims get out on their own (L1566); law_enforcement covers
 * police, border service and other law-enforcement bodies; professional is a teacher,
 * doctor, social worker or labour inspector who identified the child. */

static const vocab_entry exit_methods[] = {
    {"self_exit", NULL, "Left on their own", "Самостоятельный выход",
     "Өз бетінше шығу"},
    {"law_enforcement", NULL, "Rescued by law enforcement",
     "Освобождение правоохранительными органами", "Құқық қорғау органдарының құтқаруы"},
    {"ngo_outreach", NULL, "NGO outreach", "Аутрич-работа НПО", "ҮЕҰ-ның аутрич-жұмысы"},
    {"hotline", NULL, "Hotline call", "Обращение на горячую линию",
     "Жедел желіге хабарласу"},
    {"professional", NULL, "Identified by a professional", "Выявление специалистом",
     "Маманның анықтауы"},
    {"family_or_friends", NULL, "Helped by family or friends",
     "Помощь семьи или друзей", "Отбасының немесе достардың көмегі"},
    {"released", NULL, "Released by the trafficker", "Отпущен(а) торговцем людьми",
     "Адам саудагерінің босатуы"},
    {"other", NULL, "Other", "Другое", "Басқа"},
    {"unknown", NULL, "Unknown", "Неизвестно", "Белгісіз"},
};

/* ---- the child's relationship to the trafficker (L2696; HTCDS
 * vic_RelationshipToTrafficker = Familial | Acquainted | Unaquainted). "Unaquainted" is
 * HTCDS's own spelling, kept exactly so exports match the standard. An intimate partner
 * (L1662–1663) and an employer are people the child knows: Acquainted. */

static const vocab_entry relations[] = {
    {"family", "Familial", "Family member", "Член семьи", "Отбасы мүшесі"},
    {"intimate_partner", "Acquainted", "Intimate partner", "Партнёр (парень или девушка)",
     "Жақын серіктес (жігіті немесе қызы)"},
    {"friend_or_acquaintance", "Acquainted", "Friend or acquaintance", "Друг или знакомый",
     "Дос немесе таныс"},
    {"employer", "Acquainted", "Employer", "Работодатель", "Жұмыс беруші"},
    {"stranger", "Unaquainted", "Stranger", "Незнакомый человек", "Бейтаныс адам"},
    {"unknown", NULL, "Unknown", "Неизвестно", "Белгісіз"},
};

/* ---- criminal-justice response ("Қылмыстық сот төрелігінің ден қоюы", L2697) ---------
 * The manual lists suspect, accused, defendant; convicted, acquitted and discontinued
 * complete the procedure. No HTCDS field. */

static const vocab_entry cj_stages[] = {
    {"none", NULL, "No criminal case", "Уголовного дела нет", "Қылмыстық іс жоқ"},
    {"suspect", NULL, "Suspect", "Подозреваемый", "Күдікті"},
    {"accused", NULL, "Accused", "Обвиняемый", "Айыпталушы"},
    {"defendant", NULL, "Defendant (on trial)", "Подсудимый", "Сотталушы"},
    {"convicted", NULL, "Convicted", "Осуждённый", "Сотталған"},
    {"acquitted", NULL, "Acquitted", "Оправданный", "Ақталған"},
    {"discontinued", NULL, "Case discontinued", "Дело прекращено", "Іс тоқтатылған"},
};

/* ---- victim status (HTCDS vic_TraffickingStatus) ------------------------------------
 * Children at risk, presumed and identified victims (L759, L1205–1206, L2005–2007).
 * HTCDS has no value for a child at risk who is not (yet) a presumed victim. */

static const vocab_entry victim_statuses[] = {
    {"at_risk", NULL, "At risk", "В группе риска", "Тәуекел тобында"},
    {"presumed", "PossibleVictimOfTrafficking", "Presumed victim", "Предполагаемая жертва",
     "Болжамды құрбан"},
    {"identified", "ActualVictimOfTrafficking", "Identified victim",
     "Установленная жертва", "Сәйкестендірілген құрбан"},
    {"not_a_victim", "NotAVictimOfTrafficking", "Not a victim", "Не является жертвой",
     "Құрбан емес"},
};

/* ---- who decided the victim status (HTCDS vic_TraffickingStatusDecisionMakingOrg) -- */

static const vocab_entry deciding_bodies[] = {
    {"police", "Police", "Police", "Полиция", "Полиция"},
    {"ngo", "NGO", "NGO", "НПО", "ҮЕҰ"},
    {"court_or_prosecution", "CourtOrProsecution", "Court or prosecution",
     "Суд или прокуратура", "Сот немесе прокуратура"},
    {"other_government", "NonPoliceGovernmentalOrganization", "Other government body",
     "Другой государственный орган", "Басқа мемлекеттік орган"},
    {"other", "Other", "Other", "Другое", "Басқа"},
};

/* ---- unaccompanied or separated child (L2599–2602) ----------------------------------
 * UNHCR/UNICEF definitions: unaccompanied = separated from both parents and other
 * relatives and not cared for by an adult who is responsible for doing so; separated =
 * without both parents or the usual caregiver, but possibly with other relatives. The
 * manual's words: "Жетелеушісі жоқ және ата анасынан айырылған балалар". No HTCDS field. */

static const vocab_entry accompaniments[] = {
    {"accompanied", NULL, "With a parent or caregiver", "С родителем или опекуном",
     "Ата-анасымен немесе қамқоршысымен"},
    {"unaccompanied", NULL, "Unaccompanied", "Несопровождаемый", "Жетелеушісі жоқ"},
    {"separated", NULL, "Separated from parents", "Разлучённый с родителями",
     "Ата-анасынан айырылған"},
    {"unknown", NULL, "Unknown", "Неизвестно", "Белгісіз"},
};

/* ---- a trafficker's age band (trafficker's profile, L2698) -------------------------
 * HTCDS records a date of birth (prs_DateOfBirth), not bands; bands suffice for the
 * profile and say less about a person. */

static const vocab_entry age_bands[] = {
    {"under_18", NULL, "Under 18", "До 18 лет", "18 жасқа дейін"},
    {"18_29", NULL, "18–29", "18–29 лет", "18–29 жас"},
    {"30_44", NULL, "30–44", "30–44 года", "30–44 жас"},
    {"45_59", NULL, "45–59", "45–59 лет", "45–59 жас"},
    {"60_plus", NULL, "60 and over", "60 лет и старше", "60 жас және одан жоғары"},
    {"unknown", NULL, "Unknown", "Неизвестно", "Белгісіз"},
};

/* ---- a trafficker's role (HTCDS per_RoleInProcess) ----------------------------------
 * The HTCDS "...Individual" values name the person who transferred, harboured, sold,
 * bought, received or controlled the victim, and are labelled that way. The acts follow
 * the manual's words (L3537–3545): тасымалдау, табыстау, жасырушылық, қабылдау. */

static const vocab_entry trafficker_roles[] = {
    {"travelling_partner", "TravellingPartner", "Travelling companion", "Попутчик",
     "Жол серігі"},
    {"transporter", "Transporter", "Transporter", "Перевозчик", "Тасымалдаушы"},
    {"recruiter", "RecruiterOrIntermediary", "Recruiter or intermediary",
     "Вербовщик или посредник", "Тартушы немесе делдал"},
    {"broker", "BrokerTravelAgent", "Broker or travel agent", "Брокер или турагент",
     "Брокер немесе туристік агент"},
    {"transferred", "TransferredIndividual", "Transferred the child",
     "Передал(а) ребёнка", "Баланы табыстаған"},
    {"harboured", "HarbouredIndividual", "Harboured the child", "Укрывал(а) ребёнка",
     "Баланы жасырған"},
    {"sold", "SoldIndividual", "Sold the child", "Продал(а) ребёнка", "Баланы сатқан"},
    {"bought", "BoughtIndividual", "Bought the child", "Купил(а) ребёнка",
     "Баланы сатып алған"},
    {"received", "ReceivedIndividual", "Received the child", "Принял(а) ребёнка",
     "Баланы қабылдаған"},
    {"controlled", "ControlledIndividual", "Controlled the child",
     "Контролировал(а) ребёнка", "Баланы бақылауда ұстаған"},
    {"smuggler", "Smuggler", "Smuggler", "Контрабандист (незаконный ввоз людей)",
     "Контрабандашы"},
    {"abuser", "Abuser", "Abuser", "Применял(а) насилие", "Зорлық-зомбылық көрсеткен"},
    {"kidnapper", "Kidnapper", "Kidnapper", "Похититель", "Адам ұрлаушы"},
    {"exploiter", "Exploiter", "Exploiter", "Эксплуататор", "Қанаушы"},
    {"other", "Other", "Other", "Другое", "Басқа"},
};

/* ---- route events (HTCDS Historic Trafficking Events, hte_Type) --------------------
 * Place of exploitation (L2694) and the route: where the child was recruited, passed
 * through and exploited. */

static const vocab_entry route_events[] = {
    {"recruitment", "Recruitment", "Recruitment", "Вербовка", "Тарту"},
    {"transit", "Transit", "Transit", "Транзит", "Транзит"},
    {"exploitation", "Exploitation", "Exploitation", "Эксплуатация", "Қанау"},
};

/* ---- services (L2699 "Қажетті қызметтер"; L2342–2368) ------------------------------
 * The special social services of Order No. 138 (L2342–2350), the UNICEF/EU project's
 * services (L2360–2368), interpreters (L1999, L2081) and family tracing (L2601).
 * extra is the HTCDS Support Plan Type (spl_Type) where one fits. Shelter, food and
 * clothing count as SocialCare (HTCDS has no housing type); vocational training as
 * Livelihood. Rehabilitation stays NULL: HTCDS splits it into LabourExploitation- and
 * SexualExploitationRehabilitation, which an export picks by the form of exploitation.
 * Protection measures (incl. witness protection, L2352), interpreting, family tracing
 * and case management have no HTCDS type. */

static const vocab_entry services[] = {
    {"shelter_day", "SocialCare", "Shelter: day stay", "Убежище: дневное пребывание",
     "Пана: күндізгі"},
    {"shelter_24h", "SocialCare", "Shelter: 24-hour", "Убежище: круглосуточное",
     "Пана: тәулік бойы"},
    {"shelter_long_stay", "SocialCare", "Shelter: long stay",
     "Убежище: длительное проживание", "Пана: ұзақ тұру"},
    {"social_assistance", "SocialCare", "Social assistance", "Социальная помощь",
     "Әлеуметтік көмек"},
    {"rehabilitation", NULL, "Rehabilitation", "Реабилитация", "Оңалту"},
    {"psychological", "Health", "Psychological support", "Психологическая помощь",
     "Психологиялық көмек"},
    {"legal", "Legal", "Legal aid", "Юридическая помощь", "Заң көмегі"},
    {"medical", "Health", "Medical care", "Медицинская помощь", "Медициналық көмек"},
    {"psychiatric", "Health", "Psychiatric care", "Психиатрическая помощь",
     "Психиатриялық көмек"},
    {"education", "Education", "Education", "Образование", "Білім беру"},
    {"vocational_training", "Livelihood", "Vocational training",
     "Профессиональное обучение", "Кәсіптік оқыту"},
    {"food_clothing", "SocialCare", "Food and clothing", "Питание и одежда",
     "Тамақ және киім"},
    {"protection", NULL, "Protection measures", "Меры защиты", "Қорғаныс шаралары"},
    {"interpreter", NULL, "Interpreter", "Услуги переводчика", "Аудармашы қызметі"},
    {"family_tracing", NULL, "Family tracing and reunification",
     "Розыск семьи и воссоединение", "Отбасын іздеу және қайта біріктіру"},
    {"case_management", NULL, "Case management", "Кейс-менеджмент",
     "Кейс-менеджмент / Іс жүргізу"},
};

/* ---- why a case was closed (closure, the tenth stage, L2501) -----------------------
 * HTCDS keeps the reason as free text (cas_ReasonForCaseClosure). */

static const vocab_entry close_reasons[] = {
    {"recovered", NULL, "Recovered and stable", "Восстановление, положение стабильно",
     "Қалпына келді, жағдайы тұрақты"},
    {"transferred", NULL, "Transferred to another organisation",
     "Передано другой организации", "Басқа ұйымға берілді"},
    {"moved_or_lost", NULL, "Moved away or contact lost", "Переезд или потеря связи",
     "Көшіп кетті немесе байланыс үзілді"},
    {"not_trafficking", NULL, "Not a trafficking case", "Не случай торговли людьми",
     "Адам саудасы жағдайы емес"},
    {"turned_18", NULL, "Turned 18, handed to adult services",
     "Исполнилось 18 лет, передано во взрослые службы",
     "18 жасқа толды, ересектерге арналған қызметтерге берілді"},
    {"died", NULL, "Died", "Смерть", "Қайтыс болды"},
    {"other", NULL, "Other", "Другое", "Басқа"},
};

/* ---- the manual's eight assessment elements (L2119–2129), in its order ------------- */

static const vocab_entry assessment_elements[] = {
    {"safety", NULL, "Safety of the child (and family)", "Безопасность ребёнка (и семьи)",
     "Баланың (және отбасының) қауіпсіздігі"},
    {"trafficking_circumstances", NULL, "Circumstances of the trafficking situation",
     "Обстоятельства ситуации торговли людьми", "Адам саудасы жағдайының мән-жайлары"},
    {"migration", NULL, "Migration issues", "Вопросы миграции", "Көші-қон мәселелері"},
    {"basic_needs", NULL, "Basic needs", "Основные потребности", "Негізгі қажеттіліктер"},
    {"housing", NULL, "Housing situation", "Жилищные условия", "Тұрғын үй жағдайы"},
    {"strengths_resources", NULL, "Strengths and resources", "Сильные стороны и ресурсы",
     "Мықты жақтары мен ресурстары"},
    {"health", NULL, "Mental and physical health", "Психическое и физическое здоровье",
     "Психикалық және физикалық денсаулық"},
    {"risks", NULL, "Current and emerging risks", "Текущие и возникающие риски",
     "Ағымдағы және туындайтын тәуекелдер"},
};

/* ---- how much an assessment element needs action ----------------------------------- */

static const vocab_entry assessment_levels[] = {
    {"no_action", NULL, "No action needed", "Действий не требуется", "Әрекет қажет емес"},
    {"needs_attention", NULL, "Needs attention", "Требует внимания",
     "Назар аударуды қажет етеді"},
    {"urgent", NULL, "Urgent", "Срочно", "Шұғыл"},
    {"not_assessed", NULL, "Not assessed", "Не оценивалось", "Бағаланбаған"},
};

/* ---- sources of harm a safety plan covers (L2144–2145) ----------------------------- */

static const vocab_entry harm_channels[] = {
    {"in_person", NULL, "In person", "Личные встречи", "Бетпе-бет кездесулер"},
    {"online", NULL, "Online", "Общение в интернете", "Интернеттегі қарым-қатынас"},
    {"phone", NULL, "Phone and telecommunications", "Телефон и средства связи",
     "Телекоммуникациялық байланыс құралдары"},
};

/* ---- the child's stage in the trafficking situation, for the safety plan's options
 * (L2147–2154: "қашып кетпеді немесе құтқарылды") -------------------------------- */

static const vocab_entry safety_situations[] = {
    {"not_yet_out", NULL, "Not yet out of the situation", "Ещё в ситуации торговли людьми",
     "Жағдайдан әлі шықпаған"},
    {"escaped", NULL, "Escaped", "Сбежал(а)", "Қашып кеткен"},
    {"rescued", NULL, "Rescued", "Освобождён(а)", "Құтқарылған"},
};

/* ---- how an interaction took place (record keeping, L2433–2435: "жеке болсын,
 * телефон немесе Интернет арқылы болсын") ---------------------------------------- */

static const vocab_entry channels[] = {
    {"in_person", NULL, "In person", "Лично", "Жеке (бетпе-бет)"},
    {"phone", NULL, "Phone", "По телефону", "Телефон арқылы"},
    {"online", NULL, "Online", "Онлайн", "Интернет арқылы"},
};

/* ---- who took part in an interaction (the professions of Module 4, L338–576, and the
 * family, L2422–2429) ---------------------------------------------------------------- */

static const vocab_entry participants[] = {
    {"child", NULL, "Child", "Ребёнок", "Бала"},
    {"parent", NULL, "Parent", "Родитель", "Ата-ана"},
    {"guardian", NULL, "Guardian", "Опекун", "Қамқоршы"},
    {"family_member", NULL, "Other family member", "Другой член семьи",
     "Отбасының басқа мүшесі"},
    {"case_manager", NULL, "Case manager", "Кейс-менеджер", "Кейс-менеджер"},
    {"social_worker", NULL, "Social worker", "Социальный работник",
     "Әлеуметтік қызметкер"},
    {"psychologist", NULL, "Psychologist", "Психолог", "Психолог"},
    {"police", NULL, "Police officer", "Сотрудник полиции", "Полиция қызметкері"},
    {"prosecutor", NULL, "Prosecutor", "Прокурор", "Прокурор"},
    {"lawyer", NULL, "Lawyer", "Юрист", "Заңгер"},
    {"doctor_or_nurse", NULL, "Doctor or nurse", "Врач или медсестра",
     "Дәрігер немесе мейірбике"},
    {"teacher", NULL, "Teacher", "Учитель", "Мұғалім"},
    {"labour_inspector", NULL, "Labour inspector", "Инспектор труда", "Еңбек инспекторы"},
    {"interpreter", NULL, "Interpreter", "Переводчик", "Аудармашы"},
    {"ngo_worker", NULL, "NGO worker", "Сотрудник НПО", "ҮЕҰ қызметкері"},
    {"other", NULL, "Other", "Другое", "Басқа"},
};

/* ---- action-plan goals: short or long term (L2325–2329) ---------------------------- */

static const vocab_entry goal_terms[] = {
    {"short", NULL, "Short-term", "Краткосрочная", "Қысқа мерзімді"},
    {"long", NULL, "Long-term", "Долгосрочная", "Ұзақ мерзімді"},
};

/* ---- an action-plan goal's status ---------------------------------------------------- */

static const vocab_entry goal_statuses[] = {
    {"planned", NULL, "Planned", "Запланирована", "Жоспарланған"},
    {"in_progress", NULL, "In progress", "Выполняется", "Орындалуда"},
    {"done", NULL, "Achieved", "Достигнута", "Қол жеткізілді"},
    {"dropped", NULL, "Dropped", "Снята", "Бас тартылды"},
};

/* ---- a task's status ----------------------------------------------------------------- */

static const vocab_entry task_statuses[] = {
    {"open", NULL, "Open", "Открыта", "Ашық"},
    {"done", NULL, "Done", "Выполнена", "Орындалды"},
    {"cancelled", NULL, "Cancelled", "Отменена", "Бас тартылды"},
};

const vocab_list VOCAB_EXPLOITATION_FORM = LIST("exploitation_form", exploitation_forms);
const vocab_list VOCAB_RECRUITMENT_METHOD = LIST("recruitment_method", recruitment_methods);
const vocab_list VOCAB_EXIT_METHOD = LIST("exit_method", exit_methods);
const vocab_list VOCAB_RELATION = LIST("relation", relations);
const vocab_list VOCAB_CJ_STAGE = LIST("cj_stage", cj_stages);
const vocab_list VOCAB_VICTIM_STATUS = LIST("victim_status", victim_statuses);
const vocab_list VOCAB_DECIDING_BODY = LIST("deciding_body", deciding_bodies);
const vocab_list VOCAB_ACCOMPANIMENT = LIST("accompaniment", accompaniments);
const vocab_list VOCAB_AGE_BAND = LIST("age_band", age_bands);
const vocab_list VOCAB_TRAFFICKER_ROLE = LIST("trafficker_role", trafficker_roles);
const vocab_list VOCAB_ROUTE_EVENT = LIST("route_event", route_events);
const vocab_list VOCAB_SERVICE = LIST("service", services);
const vocab_list VOCAB_CLOSE_REASON = LIST("close_reason", close_reasons);
const vocab_list VOCAB_ASSESSMENT_ELEMENT = LIST("assessment_element", assessment_elements);
const vocab_list VOCAB_ASSESSMENT_LEVEL = LIST("assessment_level", assessment_levels);
const vocab_list VOCAB_HARM_CHANNEL = LIST("harm_channel", harm_channels);
const vocab_list VOCAB_SAFETY_SITUATION = LIST("safety_situation", safety_situations);
const vocab_list VOCAB_CHANNEL = LIST("channel", channels);
const vocab_list VOCAB_PARTICIPANT = LIST("participant", participants);
const vocab_list VOCAB_GOAL_TERM = LIST("goal_term", goal_terms);
const vocab_list VOCAB_GOAL_STATUS = LIST("goal_status", goal_statuses);
const vocab_list VOCAB_TASK_STATUS = LIST("task_status", task_statuses);
