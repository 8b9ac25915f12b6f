/*
 * qualify.c — the legal-qualification helper (see qualify.h): the code tables of acts,
 * means, purposes and articles; checking the facts; weighing them against the
 * international definition (act + means + purpose, means irrelevant for a child); and
 * the answer with its reasons in Kazakh, Russian and English.
 *
 * Line numbers "Lnnn" are lines of the KATCH trainer's manual (Kazakh),
 * /work/shared/seed/000_6e211ecf5109a54f.txt.
 */
#include "core/instrument/qualify.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(name, table) {name, table, COUNT(table)}
#define TEXT_MAX 2048 /* one label or reason in one language, condition included */

/* ---- acts (L670-680) ----------------------------------------------------------------
 * Kazakh labels are the manual's words; Russian and English follow the official texts
 * of the Palermo Protocol, art. 3(a). */

static const vocab_entry acts[] = {
    {"recruitment", NULL, "Recruitment", "Вербовка", "Тарту"},                /* L672 */
    {"transportation", NULL, "Transportation", "Перевозка", "Тасымалдау"},    /* L676 */
    {"transfer", NULL, "Transfer", "Передача", "Беру"},                       /* L678 */
    {"harbouring", NULL, "Harbouring", "Укрывательство", "Жасырушылық"},     /* L674 */
    {"receipt", NULL, "Receipt", "Получение", "Алу/қабылдау"},                /* L680 */
};

/* ---- means ---------------------------------------------------------------------------
 * The Palermo list. The manual's table has only force, deception and coercion (L682-686)
 * and names the rest in prose (threats L728-731, abuse of authority L733-735) and in
 * the Module 4 table (threat, abduction, fraud, L3547-3554). Abduction is a means here,
 * as in the Protocol, though the manual once calls it an act (L833, L858; notes §7 #9).
 * Kazakh labels not found in the manual are our translation. */

static const vocab_entry means[] = {
    {"threat", NULL, "Threat (of force or other harm)", "Угроза (силой или иным вредом)",
     "Қорқыту (күш қолданумен немесе өзге зиянмен)"},                        /* L3547 */
    {"force", NULL, "Use of force", "Применение силы", "Күш қолдану"},         /* L682 */
    {"coercion", NULL, "Coercion", "Принуждение", "Мәжбүрлеу"},                /* L686 */
    {"abduction", NULL, "Abduction", "Похищение", "Адам ұрлау"},            /* L3552, L857 */
    {"fraud", NULL, "Fraud", "Мошенничество", "Алаяқтық"},                    /* L3554 */
    {"deception", NULL, "Deception", "Обман", "Алдау"},                       /* L684 */
    {"abuse_of_power", NULL, "Abuse of power", "Злоупотребление властью",
     "Билікті теріс пайдалану"},                                               /* L733 */
    {"abuse_of_vulnerability", NULL, "Abuse of a position of vulnerability",
     "Злоупотребление уязвимостью положения", "Осал жағдайды теріс пайдалану"},
    {"payment_to_controller", NULL, "Payments or benefits to a person in control of the victim",
     "Платежи или выгоды лицу, контролирующему пострадавшего",
     "Құрбанды бақылайтын адамға төлем немесе пайда беру"},
};

/* ---- purposes (forms of exploitation, notes §2.1 A and B) -----------------------------
 * extra is the HTCDS v2.0 vic_TypeOfExploitation code. HTCDS has no code for slavery
 * nor for forced criminal activity: both go to "Other" (for forced criminal activity as
 * /work/shared/htcds/README.md says), and Qorgau keeps its own code for the detail.
 * Forced labour of a child stays ForcedLabour: HTCDS ChildLabour is not trafficking. */

static const vocab_entry purposes[] = {
    {"sexual_exploitation", "SexualExploitation", "Sexual exploitation",
     "Сексуальная эксплуатация", "Жыныстық қанау"},                           /* L688 */
    {"forced_labour", "ForcedLabour", "Forced labour", "Принудительный труд",
     "Мәжбүрлі еңбек"},                                                        /* L690 */
    {"slavery", "Other", "Slavery or practices similar to slavery",
     "Рабство или обычаи, сходные с рабством", "Құлдық немесе соған ұқсас тәжірибелер"},
    {"servitude", "Servitude", "Servitude, including domestic servitude",
     "Подневольное состояние, в том числе домашнее",
     "Кіріптарлық, оның ішінде үй құлдығы"},                         /* L701-702, L3569 */
    {"organ_removal", "OrganRemoval", "Removal of organs", "Изъятие органов",
     "Ағзаларды алу"},                                                         /* L694 */
    {"forced_begging", "ForcedBegging", "Forced begging", "Принуждение к попрошайничеству",
     "Қайыр сұрауға мәжбүрлеу"},                                               /* L696 */
    {"forced_criminal_activity", "Other", "Forced criminal activity",
     "Принуждение к преступной деятельности", "Қылмыстық әрекетке мәжбүрлеу"}, /* L698 */
    {"forced_marriage", "ForcedMarriage", "Forced marriage", "Принудительный брак",
     "Мәжбүрлі некеге тұру"},                                        /* L1350, L1437 */
    {"other", "Other", "Other", "Другое", "Басқасы"},                          /* L704 */
};

/* ---- Criminal Code articles (L621-626, L1139-1140); extra is the source lines ------- */

static const vocab_entry articles[] = {
    {"125", "L1139-1140", "Kidnapping", "Похищение человека", "Адам ұрлау"},
    {"128", "L621", "Trafficking in persons", "Торговля людьми", "Адам саудасы"},
    {"134", "L625", "Involving a minor in prostitution",
     "Вовлечение несовершеннолетнего в занятие проституцией",
     "Кәмелетке толмаған адамды жезөкшелікпен айналысуға тарту"},
    {"135", "L622", "Trafficking in minors", "Торговля несовершеннолетними",
     "Кәмелетке толмағандар саудасы"},
    {"308", "L626", "Involving in prostitution", "Вовлечение в занятие проституцией",
     "Жезөкшелікпен айналысуға тарту"},
};

/* Codes given are kept as bits of a uint32_t, one per table entry. */
_Static_assert(COUNT(acts) <= 32 && COUNT(means) <= 32 && COUNT(purposes) <= 32,
               "a code list must fit a 32-bit set");

const vocab_list QUALIFY_ACTS = LIST("act", acts);
const vocab_list QUALIFY_MEANS = LIST("means", means);
const vocab_list QUALIFY_PURPOSES = LIST("purpose", purposes);
const vocab_list QUALIFY_ARTICLES = LIST("article", articles);

static const vocab_list *const all_lists[] = {
    &QUALIFY_ACTS, &QUALIFY_MEANS, &QUALIFY_PURPOSES, &QUALIFY_ARTICLES, NULL,
};

const vocab_list *const *qualify_lists(void)
{
    return all_lists;
}

/* ---- texts of the answer ------------------------------------------------------------ */

typedef struct {
    const char *kk;
    const char *ru;
    const char *en;
} text3;

/* Conditions put before an article's reason when the age is unknown. */
static const text3 IF_CHILD = {
    "Құрбан 18 жасқа толмаған болса ғана; жасы белгісіз. ",
    "Только если пострадавшему меньше 18 лет; возраст неизвестен. ",
    "Only if the victim is under 18; the age is not known. ",
};
static const text3 IF_ADULT = {
    "Құрбан 18 жасқа толған болса ғана; жасы белгісіз. ",
    "Только если пострадавшему 18 лет или больше; возраст неизвестен. ",
    "Only if the victim is 18 or older; the age is not known. ",
};

static const text3 MET_CHILD = {
    "Әрекет және қанау мақсаты бар. Құрбан — бала, сондықтан құралдардың маңызы жоқ "
    "(L706-707, L844): фактілер адам саудасының халықаралық анықтамасына сәйкес келеді.",
    "Есть действие и цель эксплуатации. Пострадавший — ребёнок, поэтому способы значения "
    "не имеют (L706-707, L844): факты соответствуют международному определению торговли "
    "людьми.",
    "An act and a purpose of exploitation are present. The victim is a child, so the means "
    "do not matter (L706-707, L844): the facts meet the international definition of "
    "trafficking.",
};
static const text3 MET_ADULT = {
    "Әрекет, құрал және қанау мақсаты бар: фактілер адам саудасының халықаралық "
    "анықтамасына сәйкес келеді (Палерм хаттамасы, 3-бап; L667-704).",
    "Есть действие, способ и цель эксплуатации: факты соответствуют международному "
    "определению торговли людьми (Палермский протокол, ст. 3; L667-704).",
    "An act, a means and a purpose of exploitation are all present: the facts meet the "
    "international definition of trafficking (Palermo Protocol art. 3; L667-704).",
};
static const text3 MET_EITHER = {
    "Жасы белгісіз, бірақ жауап оған байланысты емес: әрекет, құрал және қанау мақсаты "
    "бар — бұл ересек үшін жеткілікті, ал бала үшін әрекет пен мақсаттың өзі жеткілікті "
    "(L667-707).",
    "Возраст неизвестен, но ответ от него не зависит: есть действие, способ и цель "
    "эксплуатации — этого достаточно для взрослого, а для ребёнка достаточно действия и "
    "цели (L667-707).",
    "The age is unknown, but the answer is the same either way: an act, a means and a "
    "purpose of exploitation are present, which is enough for an adult, and for a child "
    "an act and a purpose alone are enough (L667-707).",
};
static const text3 DEPENDS_ON_AGE = {
    "Жауап белгісіз жасқа байланысты. Егер құрбан 18 жасқа толмаса, әрекет пен мақсат "
    "жеткілікті және анықтама орындалады (135-бапты қарау керек); егер 18 жасқа толса, "
    "құрал да қажет, ал ол анықталмаған. Жасын анықтаңыз.",
    "Ответ зависит от возраста, который неизвестен. Если пострадавшему меньше 18 лет, "
    "достаточно действия и цели, и определение выполняется (к рассмотрению — ст. 135); "
    "если 18 лет или больше, нужен ещё способ, а он не установлен. Установите возраст.",
    "The answer depends on the age, which is unknown. If the victim is under 18, an act "
    "and a purpose are enough and the definition is met (Art. 135 would be for "
    "consideration); if 18 or older, a means is also needed and none is established. "
    "Establish the age.",
};
static const text3 NO_ACT = {
    "Әрекет анықталмаған (тарту, тасымалдау, беру, жасырушылық немесе алу/қабылдау; "
    "L670-680).",
    "Не установлено действие (вербовка, перевозка, передача, укрывательство или "
    "получение; L670-680).",
    "No act is established (recruitment, transportation, transfer, harbouring or "
    "receipt; L670-680).",
};
static const text3 NO_MEANS = {
    "Ересек үшін құрал да қажет (қорқыту, күш қолдану, мәжбүрлеу, адам ұрлау, алаяқтық, "
    "алдау, билікті немесе осал жағдайды теріс пайдалану, бақылайтын адамға төлем), ал ол "
    "анықталмаған. Ересектің ерікті, ақпараттандырылған және еркін келісімі болса, бұл "
    "адам саудасы емес (L741-743).",
    "Для взрослого нужен также способ (угроза, сила, принуждение, похищение, "
    "мошенничество, обман, злоупотребление властью или уязвимостью, платежи "
    "контролирующему лицу), а он не установлен. При добровольном, осознанном и свободном "
    "согласии взрослого это не торговля людьми (L741-743).",
    "For an adult a means is also needed (threat, force, coercion, abduction, fraud, "
    "deception, abuse of power or of vulnerability, payments to a person in control) and "
    "none is established. With an adult's voluntary, informed and free consent it is not "
    "trafficking (L741-743).",
};
/* Discussion 1, question 5 (L952-954): what would have to change; the example is the
 * manual's own answer to Case 1 (L984-985). */
static const text3 NO_PURPOSE = {
    "Қанау мақсаты анықталмаған, ал адам саудасының мақсаты әрқашан қанау (L667-668); "
    "онсыз бұл бала үшін де адам саудасы емес. Адам саудасы болуы үшін фактілер адамды "
    "қанау мақсатында тартқанын, тасымалдағанын, бергенін, жасырғанын немесе қабылдағанын "
    "көрсетуі тиіс, мысалы, «борышты» өтеу үшін жұмыс істеуге мәжбүрлеу (L948-954, "
    "L984-985).",
    "Цель эксплуатации не установлена, а у торговли людьми она есть всегда (L667-668); "
    "без неё это не торговля людьми, даже если пострадавший — ребёнок. Чтобы это была "
    "торговля людьми, факты должны показать, что человека вербовали, перевозили, "
    "передавали, укрывали или получали ради эксплуатации, например чтобы заставить "
    "отработать «долг» (L948-954, L984-985).",
    "No purpose of exploitation is established, and trafficking always has one "
    "(L667-668); without it this is not trafficking, even for a child. For it to be "
    "trafficking, the facts would have to show that the person was recruited, moved, "
    "transferred, harboured or received in order to be exploited, for example forced to "
    "work off a \"debt\" (L948-954, L984-985).",
};
static const text3 CONSENT_CHILD = {
    "Балалар ешқашан қанауға келісе алмайды: баланың келісімінің маңызы жоқ (L740).",
    "Дети никогда не могут согласиться на эксплуатацию: согласие ребёнка значения не "
    "имеет (L740).",
    "A child can never consent to exploitation: any consent the child gave does not "
    "matter (L740).",
};
static const text3 CONSENT_MEANS = {
    "Құралдар қолданылған, сондықтан құрбанның келісімі мәнін жоғалтады (L744-746).",
    "Были использованы способы воздействия, поэтому согласие пострадавшего теряет "
    "значение (L744-746).",
    "Means were used, so any consent the victim gave has no effect (L744-746).",
};
static const text3 NON_PUNISHMENT = {
    "Құрбан адам саудасы салдарынан жасаған заңсыз әрекеттері үшін (мысалы, жезөкшелік "
    "немесе ұсақ қылмыстар) жазаланбауы тиіс: құрбандарды жазадан босату қағидаты "
    "(L1887-1916).",
    "Пострадавший не должен наказываться за противоправные действия, совершённые "
    "вследствие торговли людьми (например, проституцию или мелкие преступления): принцип "
    "ненаказания (L1887-1916).",
    "The victim is not to be punished for unlawful acts committed as a consequence of "
    "being trafficked (such as prostitution or petty crime): the non-punishment principle "
    "(L1887-1916).",
};

static const text3 WHY_135 = {
    "18 жасқа толмаған құрбан үшін фактілер адам саудасының анықтамасына сәйкес келеді: "
    "кәмелетке толмағандар саудасы (L622).",
    "Для пострадавшего младше 18 лет факты соответствуют определению торговли людьми: "
    "торговля несовершеннолетними (L622).",
    "For a victim under 18 the facts meet the definition of trafficking: trafficking in "
    "minors (L622).",
};
static const text3 WHY_128 = {
    "18 жасқа толған құрбан үшін фактілер адам саудасының анықтамасына сәйкес келеді: "
    "адам саудасы (L621).",
    "Для пострадавшего 18 лет или старше факты соответствуют определению торговли людьми: "
    "торговля людьми (L621).",
    "For a victim aged 18 or older the facts meet the definition of trafficking: "
    "trafficking in persons (L621).",
};
static const text3 WHY_134 = {
    "Біреу 18 жасқа толмаған құрбанды жезөкшелікпен айналысуға тартқан (L625). Бұл адам "
    "саудасынсыз да қылмыс болуы мүмкін; бұл баланы тартқан адамның қылмысы, баланың "
    "емес (L1887-1916).",
    "Кто-то вовлёк пострадавшего младше 18 лет в занятие проституцией (L625). Это может "
    "быть преступлением и без торговли людьми; это преступление того, кто вовлёк ребёнка, "
    "а не ребёнка (L1887-1916).",
    "Someone involved a victim under 18 in prostitution (L625). This can be a crime with "
    "or without trafficking; it is the offence of whoever involved the child, never of "
    "the child (L1887-1916).",
};
/* Notes §7 #7: the manual cites Art. 308 for the woman's own prostitution (L1105-1106),
 * but Art. 308 is involving others (L626), and her own conduct is not punished. */
static const text3 WHY_308 = {
    "Біреу 18 жасқа толған құрбанды жезөкшелікпен айналысуға тартқан. 308-бап — басқа "
    "адамды жезөкшелікпен айналысуға тарту (L626), адам саудасымен немесе онсыз; "
    "құрбанның өз жезөкшелігі оның қылмысы емес және ол үшін жазаланбауы тиіс "
    "(L1887-1916).",
    "Кто-то вовлёк пострадавшего 18 лет или старше в занятие проституцией. Ст. 308 — это "
    "вовлечение другого лица в занятие проституцией (L626), с торговлей людьми или без "
    "неё; собственное занятие проституцией не является преступлением пострадавшего и не "
    "должно наказываться (L1887-1916).",
    "Someone involved a victim aged 18 or older in prostitution. Art. 308 is the offence "
    "of involving another person in prostitution (L626), with or without trafficking; the "
    "victim's own prostitution is not the victim's offence and is not to be punished "
    "(L1887-1916).",
};
static const text3 WHY_125 = {
    "Құралдардың ішінде адам ұрлау бар — бұл адам саудасымен немесе онсыз өз алдына "
    "қылмыс; қанаусыз адам ұрлау адам саудасы емес (L857-860, L1139-1140).",
    "Среди способов есть похищение — это само по себе похищение человека, с торговлей "
    "людьми или без неё; похищение без эксплуатации не является торговлей людьми "
    "(L857-860, L1139-1140).",
    "The means include abduction, which is kidnapping in its own right, with or without "
    "trafficking; kidnapping without exploitation is not trafficking (L857-860, "
    "L1139-1140).",
};

/* ---- checking the facts ---------------------------------------------------------- */

typedef struct {
    uint32_t acts, means, purposes; /* bit i: entry i of the list was given */
    int age;                        /* -1: unknown */
    bool prostitution;              /* someone involved the victim in prostitution */
} facts_t;

/* Returns the bit of code in list (0 when absent: a table typo then never matches). */
static uint32_t bit_of(const vocab_list *list, const char *code)
{
    const vocab_entry *e = vocab_find(list, code);
    return e ? (uint32_t)1 << (e - list->entries) : 0;
}

/* A list of distinct known codes; each error names the item, e.g. "means[1]". */
static qg_code parse_codes(json_t *v, const vocab_list *list, const char *key,
                           uint32_t *bits, qg_error *err)
{
    if (!json_is_array(v))
        return qg_fail(err, QG_EINVAL, key, "list.not_list", "must be a list of %s codes",
                       list->name);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char field[QG_ERR_FIELD_MAX];
        snprintf(field, sizeof field, "%s[%zu]", key, i);
        const char *s = json_string_value(item);
        if (!s)
            return qg_fail(err, QG_EINVAL, field, "value.not_in_list",
                           "must be a %s code written as text", list->name);
        const vocab_entry *e = strlen(s) == json_string_length(item) ? vocab_find(list, s) : NULL;
        if (!e)
            return qg_fail(err, QG_EINVAL, field, "value.not_in_list", "is not a known %s code",
                           list->name);
        uint32_t bit = (uint32_t)1 << (e - list->entries);
        if (*bits & bit)
            return qg_fail(err, QG_EINVAL, field, "list.duplicate",
                           "repeats a code given earlier in the list");
        *bits |= bit;
    }
    return QG_OK;
}

static qg_code parse_age(json_t *v, int *age, qg_error *err)
{
    if (json_is_null(v))
        return QG_OK; /* unknown, as when absent */
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > QUALIFY_AGE_MAX)
        return qg_fail(err, QG_EINVAL, "age", "number.out_of_range",
                       "must be a whole number from 0 to %d, or null", QUALIFY_AGE_MAX);
    *age = (int)json_integer_value(v);
    return QG_OK;
}

static qg_code parse_member(const char *key, json_t *v, facts_t *f, qg_error *err)
{
    if (strcmp(key, "acts") == 0)
        return parse_codes(v, &QUALIFY_ACTS, key, &f->acts, err);
    if (strcmp(key, "means") == 0)
        return parse_codes(v, &QUALIFY_MEANS, key, &f->means, err);
    if (strcmp(key, "purposes") == 0)
        return parse_codes(v, &QUALIFY_PURPOSES, key, &f->purposes, err);
    if (strcmp(key, "age") == 0)
        return parse_age(v, &f->age, err);
    if (strcmp(key, "prostitution") == 0) {
        if (!json_is_boolean(v))
            return qg_fail(err, QG_EINVAL, key, "value.not_boolean", "must be true or false");
        f->prostitution = json_is_true(v);
        return QG_OK;
    }
    /* The key is not named back: it can be anything the sender typed. */
    return qg_fail(err, QG_EINVAL, "body", "body.unknown_key",
                   "holds a field that is not a qualification fact");
}

static qg_code parse_facts(json_t *obj, facts_t *f, qg_error *err)
{
    *f = (facts_t){.age = -1};
    if (!json_is_object(obj))
        return qg_fail(err, QG_EINVAL, "body", "body.not_object", "must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        qg_code c = parse_member(key, v, f, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

/* ---- weighing them ---------------------------------------------------------------- */

typedef struct {
    bool act, means, purpose;
    int child;     /* 1 child, 0 adult, -1 age unknown */
    bool if_child; /* the definition holds for a child: act + purpose (L706-707, L844) */
    bool if_adult; /* the definition holds for an adult: act + means + purpose */
    bool meets;    /* it holds for this victim; with the age unknown, either way */
} verdict_t;

static verdict_t judge(const facts_t *f)
{
    verdict_t v = {.act = f->acts != 0, .means = f->means != 0, .purpose = f->purposes != 0};
    v.child = f->age < 0 ? -1 : f->age < QUALIFY_CHILD_AGE;
    v.if_child = v.act && v.purpose;
    v.if_adult = v.if_child && v.means;
    v.meets = v.child == 1 ? v.if_child : v.if_adult; /* unknown: if_adult implies if_child */
    return v;
}

/* ---- the answer ----------------------------------------------------------------------
 * Builders return false on allocation failure; json_object_set_new and
 * json_array_append_new free the value they are given even when they fail. */

static bool put(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value) == 0;
}

static bool push(json_t *arr, json_t *value)
{
    return json_array_append_new(arr, value) == 0;
}

/* Returns a new json_true, json_false or json_null for 1, 0 or -1. */
static json_t *tristate(int t)
{
    return t < 0 ? json_null() : json_boolean(t);
}

/* Returns {"kk","ru","en"}, each language prefixed by cond's when cond is not NULL;
 * NULL on allocation failure. */
static json_t *text_json(const text3 *cond, const text3 *t)
{
    char kk[TEXT_MAX], ru[TEXT_MAX], en[TEXT_MAX];
    snprintf(kk, sizeof kk, "%s%s", cond ? cond->kk : "", t->kk);
    snprintf(ru, sizeof ru, "%s%s", cond ? cond->ru : "", t->ru);
    snprintf(en, sizeof en, "%s%s", cond ? cond->en : "", t->en);
    return json_pack("{s:s, s:s, s:s}", "kk", kk, "ru", ru, "en", en);
}

static json_t *elements_json(const verdict_t *v)
{
    return json_pack("{s:b, s:b, s:o, s:b}", "act", v->act, "means", v->means,
                     "means_required", tristate(v->child < 0 ? -1 : !v->child), "purpose",
                     v->purpose);
}

/* The elements that keep the definition from being met for this victim. */
static json_t *missing_json(const verdict_t *v)
{
    json_t *arr = json_array();
    bool ok = arr != NULL;
    if (ok && !v->act)
        ok = push(arr, json_string("act"));
    if (ok && !v->means && v->child != 1)
        ok = push(arr, json_string("means"));
    if (ok && !v->purpose)
        ok = push(arr, json_string("purpose"));
    if (!ok)
        json_decref(arr);
    return ok ? arr : NULL;
}

static bool add_article(json_t *arr, const char *code, const text3 *cond, const text3 *why)
{
    const vocab_entry *e = vocab_find(&QUALIFY_ARTICLES, code);
    json_t *title = json_pack("{s:s, s:s, s:s}", "kk", e->kk, "ru", e->ru, "en", e->en);
    return push(arr, json_pack("{s:s, s:o, s:o, s:s}", "article", e->code, "title", title,
                               "reason", text_json(cond, why), "source_lines", e->extra));
}

/* Trafficking articles only when the definition is met; 134/308 and 125 on their own
 * facts, since involving someone in prostitution and kidnapping are crimes without
 * trafficking too. With the age unknown both alternatives are named, each with its
 * condition. */
static json_t *articles_json(const facts_t *f, const verdict_t *v)
{
    const text3 *if_child = v->child < 0 ? &IF_CHILD : NULL;
    const text3 *if_adult = v->child < 0 ? &IF_ADULT : NULL;
    json_t *arr = json_array();
    bool ok = arr != NULL;
    if (ok && v->meets && v->child != 0)
        ok = add_article(arr, "135", if_child, &WHY_135); /* L622 */
    if (ok && v->meets && v->child != 1)
        ok = add_article(arr, "128", if_adult, &WHY_128); /* L621 */
    if (ok && f->prostitution && v->child != 0)
        ok = add_article(arr, "134", if_child, &WHY_134); /* L625 */
    if (ok && f->prostitution && v->child != 1)
        ok = add_article(arr, "308", if_adult, &WHY_308); /* L626 */
    if (ok && (f->means & bit_of(&QUALIFY_MEANS, "abduction")))
        ok = add_article(arr, "125", NULL, &WHY_125); /* L1139-1140 */
    if (!ok)
        json_decref(arr);
    return ok ? arr : NULL;
}

/* Why the definition is met or not: the verdict, then each missing element. */
static bool add_verdict_reasons(json_t *arr, const verdict_t *v)
{
    if (v->meets)
        return push(arr, text_json(NULL, v->child == 1   ? &MET_CHILD
                                         : v->child == 0 ? &MET_ADULT
                                                         : &MET_EITHER));
    bool ok = true;
    if (!v->act)
        ok = push(arr, text_json(NULL, &NO_ACT));
    if (ok && v->child < 0 && v->if_child)
        ok = push(arr, text_json(NULL, &DEPENDS_ON_AGE));
    else if (ok && !v->means && v->child != 1)
        ok = push(arr, text_json(v->child < 0 ? &IF_ADULT : NULL, &NO_MEANS));
    if (ok && !v->purpose)
        ok = push(arr, text_json(NULL, &NO_PURPOSE));
    return ok;
}

/* Consent (L739-746): never a child's, and none once means are used. Said where the
 * definition holds, since that is where consent could be argued. Non-punishment
 * (L1887-1916) where the victim was involved in prostitution or forced into crime. */
static bool add_other_reasons(json_t *arr, const facts_t *f, const verdict_t *v)
{
    bool ok = true;
    if (v->child != 0 && v->if_child)
        ok = push(arr, text_json(NULL, &CONSENT_CHILD));
    if (ok && v->child != 1 && v->if_adult)
        ok = push(arr, text_json(NULL, &CONSENT_MEANS));
    if (ok && (f->prostitution ||
               (f->purposes & bit_of(&QUALIFY_PURPOSES, "forced_criminal_activity"))))
        ok = push(arr, text_json(NULL, &NON_PUNISHMENT));
    return ok;
}

static json_t *reasons_json(const facts_t *f, const verdict_t *v)
{
    json_t *arr = json_array();
    bool ok = arr != NULL && add_verdict_reasons(arr, v) && add_other_reasons(arr, f, v);
    if (!ok)
        json_decref(arr);
    return ok ? arr : NULL;
}

/* Returns the whole answer (new reference), or NULL on allocation failure. */
static json_t *answer_json(const facts_t *f)
{
    verdict_t v = judge(f);
    json_t *out = json_object();
    bool ok = out != NULL;
    ok = ok && put(out, "meets_definition", json_boolean(v.meets));
    ok = ok && put(out, "child", tristate(v.child));
    ok = ok && put(out, "elements", elements_json(&v));
    ok = ok && put(out, "missing", missing_json(&v));
    ok = ok && put(out, "articles", articles_json(f, &v));
    ok = ok && put(out, "reasons", reasons_json(f, &v));
    if (v.child < 0) {
        ok = ok && put(out, "if_child", json_boolean(v.if_child));
        ok = ok && put(out, "if_adult", json_boolean(v.if_adult));
    }
    ok = ok && put(out, "suggestion_only", json_true());
    if (!ok)
        json_decref(out);
    return ok ? out : NULL;
}

qg_code qualify_facts(json_t *facts, json_t **out, qg_error *err)
{
    *out = NULL;
    facts_t f;
    qg_code c = parse_facts(facts, &f, err);
    if (c != QG_OK)
        return c;
    *out = answer_json(&f);
    if (!*out)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted",
                       "out of memory while writing the answer");
    return QG_OK;
}
