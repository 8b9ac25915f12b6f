/* test_vocab.c — unit tests of src/core/vocab.c: list sizes, lookups, codes and labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/vocab.h"

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

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(VOCAB_ROLE.count, 6);
    assert_int_equal(VOCAB_ORG_TYPE.count, 13);
    assert_int_equal(VOCAB_REGION.count, 20);
    assert_int_equal(VOCAB_COUNTRY.count, 249 + 1);
    assert_int_equal(VOCAB_SEX.count, 6);
    assert_int_equal(VOCAB_STAGE.count, 10);
    assert_int_equal(VOCAB_CASE_STATUS.count, 2);
    assert_int_equal(VOCAB_NEED.count, 6); /* the five signs of L3119-3126 need six things */
}

static void test_all_lists(void **state)
{
    (void)state;
    const vocab_list *const *all = vocab_all();
    const char *names[] = {"role", "org_type", "region", "country",
                           "sex",  "stage",    "case_status", "need"};
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
        bool full = *l != &VOCAB_COUNTRY;
        for (size_t i = 0; i < (*l)->count; i++) {
            const vocab_entry *e = &(*l)->entries[i];
            assert_labels(e, full);
            assert_ptr_equal(vocab_find(*l, e->code), e); /* first with that code */
            for (size_t j = i + 1; j < (*l)->count; j++)
                assert_string_not_equal(e->code, (*l)->entries[j].code);
        }
    }
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

static void test_countries(void **state)
{
    (void)state;
    for (size_t i = 0; i < VOCAB_COUNTRY.count; i++) {
        const char *c = VOCAB_COUNTRY.entries[i].code;
        assert_int_equal(strlen(c), 2);
        assert_true(c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z');
        /* ISO codes sorted, so a diff against the standard stays easy; XX comes last */
        if (i > 0 && i + 1 < VOCAB_COUNTRY.count)
            assert_true(strcmp(VOCAB_COUNTRY.entries[i - 1].code, c) < 0);
    }
    assert_string_equal(VOCAB_COUNTRY.entries[VOCAB_COUNTRY.count - 1].code, "XX");
    const char *neighbours[] = {"KZ", "RU", "KG", "UZ", "TJ", "TM", "CN", "TR", "AE", "KR"};
    for (size_t i = 0; i < sizeof neighbours / sizeof neighbours[0]; i++) {
        const vocab_entry *e = vocab_find(&VOCAB_COUNTRY, neighbours[i]);
        assert_non_null(e);
        assert_labels(e, true);
    }
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "KZ")->kk, "Қазақстан");
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "KZ")->en, "Kazakhstan");
    assert_string_equal(vocab_find(&VOCAB_COUNTRY, "DE")->en, "Germany");
    assert_non_null(vocab_find(&VOCAB_COUNTRY, "AQ")); /* Antarctica is assigned */
    assert_non_null(vocab_find(&VOCAB_COUNTRY, "SS"));
    assert_non_null(vocab_find(&VOCAB_COUNTRY, "XX")); /* unknown or stateless */
    assert_false(vocab_has(&VOCAB_COUNTRY, "XK"));     /* not officially assigned */
    assert_false(vocab_has(&VOCAB_COUNTRY, "SU"));
    assert_false(vocab_has(&VOCAB_COUNTRY, "UK"));
    assert_false(vocab_has(&VOCAB_COUNTRY, "kz"));
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
        cmocka_unit_test(test_sex_and_stages),
        cmocka_unit_test(test_find_edge_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
