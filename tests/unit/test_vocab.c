/* test_vocab.c — unit tests of src/core/vocab/vocab.c: list sizes, lookups, codes and labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/vocab/vocab.h"

/* True when s is valid UTF-8 and has at least one Cyrillic letter (U+0400..U+04FF). */
static bool has_cyrillic(const char *s)
{
    bool cyr = false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            p++;
        } else if ((*p & 0xE0) == 0xC0) {
            if ((p[1] & 0xC0) != 0x80)
                return false;
            unsigned cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            if (cp >= 0x400 && cp <= 0x4FF)
                cyr = true;
            p += 2;
        } else if ((*p & 0xF0) == 0xE0) {
            if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
                return false;
            p += 3;
        } else {
            return false;
        }
    }
    return cyr;
}

static void assert_labels(const vocab_entry *e, bool need_translations)
{
    assert_non_null(e->code);
    assert_true(e->code[0] != '\0');
    assert_non_null(e->en);
    assert_true(e->en[0] != '\0');
    if (need_translations || e->ru) {
        assert_non_null(e->ru);
        assert_true(has_cyrillic(e->ru));
    }
    if (need_translations || e->kk) {
        assert_non_null(e->kk);
        assert_true(has_cyrillic(e->kk));
    }
}

/* The lists generated from iso-codes (tools/isogen.c) never have a NULL label: a name
 * the catalogue lacks is the English one (a country; iso-codes has no Russian
 * "Türkiye") or, for a language's Kazakh name, the Russian one. Only those few may be
 * Latin; every other Russian and Kazakh label is Cyrillic. */
static size_t latin_fallbacks;

static void assert_generated_labels(const vocab_list *l, const vocab_entry *e)
{
    assert_non_null(e->en);
    assert_non_null(e->ru);
    assert_non_null(e->kk);
    if (strcmp(e->ru, e->en) == 0)
        latin_fallbacks++;
    else
        assert_true(has_cyrillic(e->ru));
    if (l == &VOCAB_COUNTRY && strcmp(e->kk, e->en) != 0)
        assert_true(has_cyrillic(e->kk));
}

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(VOCAB_ROLE.count, 6);
    assert_int_equal(VOCAB_ORG_TYPE.count, 13);
    assert_int_equal(VOCAB_REGION.count, 20);
    assert_int_equal(VOCAB_COUNTRY.count, 249 + 1);
    assert_int_equal(VOCAB_SEX.count, 6);
    assert_int_equal(VOCAB_STAGE.count, 10);
    assert_int_equal(VOCAB_CASE_STATUS.count, 3); /* open, closed, withdrawn */
    assert_int_equal(VOCAB_NEED.count, 6); /* the five signs of L3119-3126 need six things */
}

static void test_all_lists(void **state)
{
    (void)state;
    const vocab_list *const *all = vocab_all();
    const char *names[] = {"role", "org_type", "region", "country",
                           "sex",  "stage",    "case_status", "need",
                           "need_how", "need_reason",
                           /* case work (vocab_case.c) */
                           "exploitation_form", "recruitment_method", "exit_method",
                           "relation", "cj_stage", "victim_status", "deciding_body",
                           "accompaniment", "age_band", "trafficker_role", "route_event",
                           "service", "close_reason", "assessment_element",
                           "assessment_level", "harm_channel", "safety_situation",
                           "channel", "participant", "goal_term", "goal_status",
                           "task_status",
                           /* referrals (vocab_referral.c) */
                           "share_part", "agreement_kind", "consent_purpose", "consent_giver",
                           "referral_status", "referral_reason",
                           /* generated from iso-codes (tools/isogen.c) */
                           "language"};
    size_t n = 0;
    while (all[n]) {
        assert_true(n < sizeof names / sizeof names[0]);
        assert_string_equal(all[n]->name, names[n]);
        n++;
    }
    assert_int_equal(n, sizeof names / sizeof names[0]);
    assert_ptr_equal(all[2], &VOCAB_REGION);
}

static void test_codes_unique_and_labelled(void **state)
{
    (void)state;
    for (const vocab_list *const *l = vocab_all(); *l; l++) {
        bool generated = *l == &VOCAB_COUNTRY || *l == &VOCAB_LANGUAGE;
        for (size_t i = 0; i < (*l)->count; i++) {
            const vocab_entry *e = &(*l)->entries[i];
            if (generated)
                assert_generated_labels(*l, e);
            else
                assert_labels(e, true);
            assert_ptr_equal(vocab_find(*l, e->code), e); /* first with that code */
            for (size_t j = i + 1; j < (*l)->count; j++)
                assert_string_not_equal(e->code, (*l)->entries[j].code);
        }
    }
    /* the Russian name of Türkiye, and of some rare languages iso-codes leaves untranslated */
    assert_true(latin_fallbacks >= 1 && latin_fallbacks < 60);
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "TR")->ru, "Türkiye");
}

static void test_roles_and_statuses(void **state)
{
    (void)state;
    const char *roles[] = {"admin",   "supervisor", "case_manager", "first_responder",
                           "analyst", "auditor"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        assert_string_equal(VOCAB_ROLE.entries[i].code, roles[i]);
    assert_true(vocab_has(&VOCAB_CASE_STATUS, "open"));
    assert_true(vocab_has(&VOCAB_CASE_STATUS, "closed"));
    assert_false(vocab_has(&VOCAB_CASE_STATUS, "Open"));
    assert_false(vocab_has(&VOCAB_ROLE, "root"));
}

static void test_regions(void **state)
{
    (void)state;
    const vocab_entry *e = vocab_find(&VOCAB_REGION, "abai");
    assert_non_null(e);
    assert_string_equal(e->extra, "KZ-10");
    e = vocab_find(&VOCAB_REGION, "almaty");
    assert_string_equal(e->extra, "KZ-75");
    e = vocab_find(&VOCAB_REGION, "almaty_region");
    assert_string_equal(e->extra, "KZ-19");
    e = vocab_find(&VOCAB_REGION, "shymkent");
    assert_string_equal(e->extra, "KZ-79");
    assert_string_equal(e->kk, "Шымкент");
    e = vocab_find(&VOCAB_REGION, "ulytau");
    assert_string_equal(e->extra, "KZ-62");
    e = vocab_find(&VOCAB_REGION, "jetisu");
    assert_string_equal(e->extra, "KZ-33");
    for (size_t i = 0; i < VOCAB_REGION.count; i++) {
        const char *x = VOCAB_REGION.entries[i].extra;
        assert_non_null(x);
        assert_int_equal(strlen(x), 5);
        assert_memory_equal(x, "KZ-", 3);
        for (size_t j = i + 1; j < VOCAB_REGION.count; j++)
            assert_string_not_equal(x, VOCAB_REGION.entries[j].extra);
    }
    assert_false(vocab_has(&VOCAB_REGION, "KZ-10"));
    assert_false(vocab_has(&VOCAB_REGION, "nur_sultan"));
}

static void test_org_types(void **state)
{
    (void)state;
    static const char *htcds[] = {
        "NGO",          "LawEnforcement",   "HealthServiceOrganisation",
        "LegalService", "ImmigrationService", "CentralGovernmentOrganisation",
        "SchoolOrCollege", "LocalGovernmentOrganisation", "CorporateBusiness"};
    for (size_t i = 0; i < VOCAB_ORG_TYPE.count; i++) {
        const char *x = VOCAB_ORG_TYPE.entries[i].extra;
        if (!x)
            continue;
        bool known = false;
        for (size_t j = 0; j < sizeof htcds / sizeof htcds[0]; j++)
            known = known || strcmp(x, htcds[j]) == 0;
        assert_true(known);
    }
    assert_string_equal(vocab_find(&VOCAB_ORG_TYPE, "ngo")->extra, "NGO");
    assert_string_equal(vocab_find(&VOCAB_ORG_TYPE, "police")->extra, "LawEnforcement");
    assert_string_equal(vocab_find(&VOCAB_ORG_TYPE, "health")->extra,
                        "HealthServiceOrganisation");
    assert_string_equal(vocab_find(&VOCAB_ORG_TYPE, "education")->extra, "SchoolOrCollege");
    assert_null(vocab_find(&VOCAB_ORG_TYPE, "other")->extra);
    assert_true(vocab_has(&VOCAB_ORG_TYPE, "children_ombudsman"));
}

/* The codes stored before the list was generated from iso-codes: all 249 ISO 3166-1
 * alpha-2 codes and our XX. The generated list must keep exactly these. */
static const char STORED_CODES[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XX";

static void test_countries(void **state)
{
    (void)state;
    /* generated from iso-codes (tools/isogen.c): 249 countries and XX, codes unchanged */
    assert_int_equal(VOCAB_COUNTRY.count, 249 + 1);
    assert_int_equal(strlen(STORED_CODES), 3 * VOCAB_COUNTRY.count - 1);
    for (size_t i = 0; i < VOCAB_COUNTRY.count; i++) {
        const char *c = VOCAB_COUNTRY.entries[i].code;
        assert_int_equal(strlen(c), 2);
        assert_true(c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z');
        assert_non_null(strstr(STORED_CODES, c));
        /* iso-codes has Kazakh and English names for every country */
        assert_non_null(VOCAB_COUNTRY.entries[i].kk);
        assert_non_null(VOCAB_COUNTRY.entries[i].en);
    }
    /* Kazakhstan first, then its neighbours and the countries of origin, marked common */
    const char *first[] = {"KZ", "UZ", "KG", "RU", "CN", "TM", "TJ", "AZ"};
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
        assert_string_equal(VOCAB_COUNTRY.entries[i].code, first[i]);
        assert_string_equal(VOCAB_COUNTRY.entries[i].extra, "common");
        assert_labels(&VOCAB_COUNTRY.entries[i], true);
    }
    /* the rest by code, so a diff against the standard stays easy; XX comes last */
    for (size_t i = 9; i + 1 < VOCAB_COUNTRY.count; i++) {
        assert_null(VOCAB_COUNTRY.entries[i].extra);
        assert_true(strcmp(VOCAB_COUNTRY.entries[i - 1].code, VOCAB_COUNTRY.entries[i].code) < 0);
    }
    assert_string_equal(VOCAB_COUNTRY.entries[VOCAB_COUNTRY.count - 1].code, "XX");
    assert_string_equal(VOCAB_COUNTRY.entries[VOCAB_COUNTRY.count - 1].extra, "common");
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "KZ")->kk, "Қазақстан");
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "KG")->kk, "Қырғызстан");
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "KZ")->ru, "Казахстан");
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "KZ")->en, "Kazakhstan");
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "DE")->en, "Germany");
    assert_non_null(vocab_find(&VOCAB_COUNTRY, "DE")->ru);
    assert_non_null(vocab_find(&VOCAB_COUNTRY, "AQ")); /* Antarctica is assigned */
    assert_non_null(vocab_find(&VOCAB_COUNTRY, "SS"));
    assert_non_null(vocab_find(&VOCAB_COUNTRY, "XX")); /* unknown or stateless */
    assert_false(vocab_has(&VOCAB_COUNTRY, "XK"));     /* not officially assigned */
    assert_false(vocab_has(&VOCAB_COUNTRY, "SU"));
    assert_false(vocab_has(&VOCAB_COUNTRY, "UK"));
    assert_false(vocab_has(&VOCAB_COUNTRY, "kz"));
}

static void test_languages(void **state)
{
    (void)state;
    /* ISO 639-2 from iso-codes, stored as ISO 639-1 where there is one: "kk", "ru" */
    assert_true(VOCAB_LANGUAGE.count > 400);
    const char *first[] = {"kk", "ru", "uz", "ky", "tg", "ug", "tk", "en", "zh"};
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
        assert_string_equal(VOCAB_LANGUAGE.entries[i].code, first[i]);
        assert_string_equal(VOCAB_LANGUAGE.entries[i].extra, "common");
        assert_non_null(VOCAB_LANGUAGE.entries[i].ru);
    }
    assert_string_equal(vocab_find(&VOCAB_LANGUAGE, "kk")->en, "Kazakh");
    assert_string_equal(vocab_find(&VOCAB_LANGUAGE, "ru")->ru, "русский");
    assert_non_null(vocab_find(&VOCAB_LANGUAGE, "kaa")); /* Kara-Kalpak: 639-2 only */
    for (size_t i = 0; i < VOCAB_LANGUAGE.count; i++) {
        size_t n = strlen(VOCAB_LANGUAGE.entries[i].code);
        assert_true(n == 2 || n == 3);
    }
}

static void test_sex_and_stages(void **state)
{
    (void)state;
    const char *sex[] = {"Feminine",      "Masculine",          "TransgenderFeminine",
                         "TransgenderMasculine", "NonConforming", "NonSpecifiedUnknown"};
    for (size_t i = 0; i < sizeof sex / sizeof sex[0]; i++)
        assert_true(vocab_has(&VOCAB_SEX, sex[i]));
    assert_false(vocab_has(&VOCAB_SEX, "F"));
    const char *stages[] = {"identification", "exit_assistance", "assessment",
                            "safety_planning", "referral",       "action_plan",
                            "coordination",   "monitoring",      "recovery",
                            "closure"};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
        assert_string_equal(VOCAB_STAGE.entries[i].code, stages[i]);
    assert_string_equal(vocab_find(&VOCAB_STAGE, "closure")->kk, "Істі жабу");
}

static void test_find_edge_cases(void **state)
{
    (void)state;
    assert_null(vocab_find(&VOCAB_ROLE, NULL));
    assert_null(vocab_find(NULL, "admin"));
    assert_null(vocab_find(&VOCAB_ROLE, ""));
    assert_null(vocab_find(&VOCAB_ROLE, "admin "));
    assert_null(vocab_find(&VOCAB_ROLE, "ADMIN"));
    assert_false(vocab_has(&VOCAB_ROLE, NULL));
    assert_true(vocab_has(&VOCAB_ROLE, "admin"));
}

/* ---- case work (vocab_case.c) --------------------------------------------------------
 * The codes are fixed: other modules store and check them, so each list's codes are
 * compared one by one, in order. */

static const struct {
    const vocab_list *list;
    const char *name;
    size_t count;
    const char *codes; /* space-separated, in order */
} case_lists[] = {
    {&VOCAB_EXPLOITATION_FORM, "exploitation_form", 12,
     "sexual_exploitation forced_labour forced_criminality forced_begging domestic_servitude "
     "organ_removal slavery forced_marriage child_labour online_sexual_exploitation "
     "illegal_adoption other"},
    {&VOCAB_RECRUITMENT_METHOD, "recruitment_method", 12,
     "place_of_business educational_institution at_work online_social_network online_ad "
     "tv_ad newspaper_ad family friends abduction other unknown"},
    {&VOCAB_EXIT_METHOD, "exit_method", 9,
     "self_exit law_enforcement ngo_outreach hotline professional family_or_friends released "
     "other unknown"},
    {&VOCAB_RELATION, "relation", 6,
     "family intimate_partner friend_or_acquaintance employer stranger unknown"},
    {&VOCAB_CJ_STAGE, "cj_stage", 7,
     "none suspect accused defendant convicted acquitted discontinued"},
    {&VOCAB_VICTIM_STATUS, "victim_status", 4, "at_risk presumed identified not_a_victim"},
    {&VOCAB_DECIDING_BODY, "deciding_body", 5,
     "police ngo court_or_prosecution other_government other"},
    {&VOCAB_ACCOMPANIMENT, "accompaniment", 4, "accompanied unaccompanied separated unknown"},
    {&VOCAB_AGE_BAND, "age_band", 6, "under_18 18_29 30_44 45_59 60_plus unknown"},
    {&VOCAB_TRAFFICKER_ROLE, "trafficker_role", 15,
     "travelling_partner transporter recruiter broker transferred harboured sold bought "
     "received controlled smuggler abuser kidnapper exploiter other"},
    {&VOCAB_ROUTE_EVENT, "route_event", 3, "recruitment transit exploitation"},
    {&VOCAB_SERVICE, "service", 16,
     "shelter_day shelter_24h shelter_long_stay social_assistance rehabilitation "
     "psychological legal medical psychiatric education vocational_training food_clothing "
     "protection interpreter family_tracing case_management"},
    {&VOCAB_CLOSE_REASON, "close_reason", 7,
     "recovered transferred moved_or_lost not_trafficking turned_18 died other"},
    {&VOCAB_ASSESSMENT_ELEMENT, "assessment_element", 8,
     "safety trafficking_circumstances migration basic_needs housing strengths_resources "
     "health risks"},
    {&VOCAB_ASSESSMENT_LEVEL, "assessment_level", 4,
     "no_action needs_attention urgent not_assessed"},
    {&VOCAB_HARM_CHANNEL, "harm_channel", 3, "in_person online phone"},
    {&VOCAB_SAFETY_SITUATION, "safety_situation", 3, "not_yet_out escaped rescued"},
    {&VOCAB_CHANNEL, "channel", 3, "in_person phone online"},
    {&VOCAB_PARTICIPANT, "participant", 16,
     "child parent guardian family_member case_manager social_worker psychologist police "
     "prosecutor lawyer doctor_or_nurse teacher labour_inspector interpreter ngo_worker "
     "other"},
    {&VOCAB_GOAL_TERM, "goal_term", 2, "short long"},
    {&VOCAB_GOAL_STATUS, "goal_status", 4, "planned in_progress done dropped"},
    {&VOCAB_TASK_STATUS, "task_status", 3, "open done cancelled"},
    {&VOCAB_SHARE_PART, "share_part", 7, "profile needs languages identity contact assessment safety_plan"},
    {&VOCAB_AGREEMENT_KIND, "agreement_kind", 2, "cooperation data_sharing"},
    {&VOCAB_CONSENT_PURPOSE, "consent_purpose", 3, "services sharing statistics"},
    {&VOCAB_CONSENT_GIVER, "consent_giver", 4, "child parent guardian other"},
    {&VOCAB_REFERRAL_STATUS, "referral_status", 7,
     "sent accepted declined in_service completed not_completed cancelled"},
    {&VOCAB_REFERRAL_REASON, "referral_reason", 7,
     "no_capacity not_eligible service_not_offered child_refused contact_lost moved other"},
};

#define N_CASE_LISTS (sizeof case_lists / sizeof case_lists[0])

/* True when s matches ^[a-z0-9_]+$. */
static bool is_code(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static void test_case_lists_codes(void **state)
{
    (void)state;
    assert_int_equal(N_CASE_LISTS, 22 + 6); /* case work, then referrals */
    for (size_t k = 0; k < N_CASE_LISTS; k++) {
        const vocab_list *l = case_lists[k].list;
        assert_string_equal(l->name, case_lists[k].name);
        assert_int_equal(l->count, case_lists[k].count);
        /* the codes, in order */
        const char *p = case_lists[k].codes;
        for (size_t i = 0; i < l->count; i++) {
            size_t n = strcspn(p, " ");
            assert_int_equal(strlen(l->entries[i].code), n);
            assert_memory_equal(l->entries[i].code, p, n);
            p += n;
            if (*p == ' ')
                p++;
        }
        assert_string_equal(p, ""); /* no code expected beyond count */
        for (size_t i = 0; i < l->count; i++) {
            const char *c = l->entries[i].code;
            assert_true(is_code(c));
            for (size_t j = i + 1; j < l->count; j++)
                assert_string_not_equal(c, l->entries[j].code);
            assert_ptr_equal(vocab_find(l, c), &l->entries[i]);
        }
    }
}

static void test_case_lists_labels(void **state)
{
    (void)state;
    for (size_t k = 0; k < N_CASE_LISTS; k++) {
        const vocab_list *l = case_lists[k].list;
        for (size_t i = 0; i < l->count; i++) {
            const vocab_entry *e = &l->entries[i];
            assert_labels(e, true); /* en, ru and kk all required */
            assert_true(e->extra == NULL || e->extra[0] != '\0');
        }
    }
    /* the manual's Kazakh wording */
    assert_string_equal(vocab_find(&VOCAB_CJ_STAGE, "suspect")->kk, "Күдікті");
    assert_string_equal(vocab_find(&VOCAB_CJ_STAGE, "accused")->kk, "Айыпталушы");
    assert_string_equal(vocab_find(&VOCAB_CJ_STAGE, "defendant")->kk, "Сотталушы");
    assert_string_equal(vocab_find(&VOCAB_EXPLOITATION_FORM, "sexual_exploitation")->kk,
                        "Жыныстық қанау");
    assert_string_equal(vocab_find(&VOCAB_ASSESSMENT_ELEMENT, "migration")->kk,
                        "Көші-қон мәселелері");
    assert_string_equal(vocab_find(&VOCAB_ACCOMPANIMENT, "unaccompanied")->kk,
                        "Жетелеушісі жоқ");
}

static void test_case_lists_in_all(void **state)
{
    (void)state;
    for (size_t k = 0; k < N_CASE_LISTS; k++) {
        size_t found = 0;
        for (const vocab_list *const *l = vocab_all(); *l; l++)
            if (*l == case_lists[k].list)
                found++;
        assert_int_equal(found, 1);
    }
}

static void test_case_lists_htcds(void **state)
{
    (void)state;
    /* HTCDS has no code for forced criminal activity: Other (htcds/README.md) */
    assert_string_equal(vocab_find(&VOCAB_EXPLOITATION_FORM, "forced_criminality")->extra,
                        "Other");
    assert_string_equal(vocab_find(&VOCAB_EXPLOITATION_FORM, "illegal_adoption")->extra,
                        "ForcedAdoption");
    assert_string_equal(
        vocab_find(&VOCAB_EXPLOITATION_FORM, "online_sexual_exploitation")->extra,
        "SexualExploitation");
    /* HTCDS's own spelling */
    assert_string_equal(vocab_find(&VOCAB_RELATION, "stranger")->extra, "Unaquainted");
    assert_string_equal(vocab_find(&VOCAB_RELATION, "family")->extra, "Familial");
    assert_null(vocab_find(&VOCAB_RELATION, "unknown")->extra);
    assert_string_equal(vocab_find(&VOCAB_VICTIM_STATUS, "identified")->extra,
                        "ActualVictimOfTrafficking");
    assert_string_equal(vocab_find(&VOCAB_VICTIM_STATUS, "presumed")->extra,
                        "PossibleVictimOfTrafficking");
    assert_null(vocab_find(&VOCAB_VICTIM_STATUS, "at_risk")->extra);
    assert_string_equal(vocab_find(&VOCAB_DECIDING_BODY, "other_government")->extra,
                        "NonPoliceGovernmentalOrganization");
    assert_string_equal(vocab_find(&VOCAB_RECRUITMENT_METHOD, "online_ad")->extra,
                        "ThroughAnOnlineAdvertisement");
    assert_null(vocab_find(&VOCAB_RECRUITMENT_METHOD, "abduction")->extra);
    assert_string_equal(vocab_find(&VOCAB_TRAFFICKER_ROLE, "recruiter")->extra,
                        "RecruiterOrIntermediary");
    assert_string_equal(vocab_find(&VOCAB_TRAFFICKER_ROLE, "sold")->extra, "SoldIndividual");
    assert_string_equal(vocab_find(&VOCAB_ROUTE_EVENT, "transit")->extra, "Transit");
    /* services: HTCDS Support Plan Type values only */
    static const char *spl[] = {"Education",
                                "Financial",
                                "Health",
                                "LabourExploitationRehabilitation",
                                "Legal",
                                "Livelihood",
                                "RightsBasedTraining",
                                "SexualExploitationRehabilitation",
                                "SocialCare"};
    for (size_t i = 0; i < VOCAB_SERVICE.count; i++) {
        const char *x = VOCAB_SERVICE.entries[i].extra;
        if (!x)
            continue;
        bool known = false;
        for (size_t j = 0; j < sizeof spl / sizeof spl[0]; j++)
            known = known || strcmp(x, spl[j]) == 0;
        assert_true(known);
    }
    assert_string_equal(vocab_find(&VOCAB_SERVICE, "legal")->extra, "Legal");
    /* lists without an HTCDS field carry no extra */
    const vocab_list *none[] = {&VOCAB_EXIT_METHOD,        &VOCAB_CJ_STAGE,
                                &VOCAB_ACCOMPANIMENT,      &VOCAB_AGE_BAND,
                                &VOCAB_CLOSE_REASON,       &VOCAB_ASSESSMENT_ELEMENT,
                                &VOCAB_ASSESSMENT_LEVEL,   &VOCAB_HARM_CHANNEL,
                                &VOCAB_SAFETY_SITUATION,   &VOCAB_CHANNEL,
                                &VOCAB_PARTICIPANT,        &VOCAB_GOAL_TERM,
                                &VOCAB_GOAL_STATUS,        &VOCAB_TASK_STATUS};
    for (size_t k = 0; k < sizeof none / sizeof none[0]; k++)
        for (size_t i = 0; i < none[k]->count; i++)
            assert_null(none[k]->entries[i].extra);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_all_lists),
        cmocka_unit_test(test_codes_unique_and_labelled),
        cmocka_unit_test(test_roles_and_statuses),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_org_types),
        cmocka_unit_test(test_countries),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_sex_and_stages),
        cmocka_unit_test(test_find_edge_cases),
        cmocka_unit_test(test_case_lists_codes),
        cmocka_unit_test(test_case_lists_labels),
        cmocka_unit_test(test_case_lists_in_all),
        cmocka_unit_test(test_case_lists_htcds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
