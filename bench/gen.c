/*
 * gen.c — synthetic data for benchmarks: `gen --db PATH --cases N [--seed S] [--threads T]`.
 *
 * Opens an existing database (made by `qorgau init`, key file beside it or in
 * $QORGAU_KEY_FILE), creates a few organisations of different types and regions with a
 * supervisor and a case manager each (skipped when they already exist), then opens N
 * made-up cases of child trafficking through the real case service: case_create as the
 * system actor with "org_id", so every case passes the same validation, IIN check,
 * de-duplication, encryption of the personal part and audit entry as one opened over
 * the API. Cases past the first stage are assigned to their organisation's case manager
 * with case_assign; the few drawn as closed are opened at recovery and closed with
 * stage_close (a case never opens closed).
 *
 * Speed: the app is opened with the server's group-commit writer, and T threads
 * (default 64) call case_create at once, so the writer commits up to T cases (at most
 * 128) per transaction and fsync, exactly as it does for concurrent API requests. There
 * is no separate bulk path that could skip a check.
 *
 * The distributions are rough, plausible shapes for Kazakhstan, not statistics: ages
 * mostly 12–17 with some younger children, about 62% girls, mostly Kazakh citizens
 * with Uzbek, Kyrgyz, Tajik, Russian and Chinese minorities, regions weighted towards
 * the south and the big cities, identification dates over 2015–2025, stages mostly
 * early. About half the cases carry personal data: names built from small syllable
 * tables (never real people), birth dates, and for most Kazakh citizens a made-up IIN
 * with a valid check digit (iin_check_digit). A made-up IIN that collides with one
 * already stored is redrawn. Every case carries a coded profile: one or two forms of
 * exploitation, the place of exploitation (abroad for about a quarter), recruitment,
 * relation to the trafficker, victim status, and a route from recruitment to
 * exploitation.
 *
 * Determinism: case i is drawn from its own generator seeded by (seed, i), so the same
 * seed gives the same cases whatever the thread count. With more than one thread the
 * order they are stored in (their ids) varies; child codes and timestamps are never
 * deterministic (codes are random by design). Progress and the rate go to stderr.
 * Exit status: 0 done, 2 bad options (naming the option), 1 any other failure.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_rng.h"
#include "core/account/account.h"
#include "core/account/actor.h"
#include "core/instance/app_open.h"
#include "core/case/case.h"
#include "core/case/stage.h"
#include "core/case/iin.h"
#include "core/vocab/vocab.h"
#include "crypto/crypto.h"

#define CASES_MAX 100000000LL
#define THREADS_MAX 128 /* the writer commits at most 128 jobs at once */
#define THREADS_DEFAULT 64
#define READERS 2
#define IIN_TRIES 8
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- options ------------------------------------------------------------------- */

typedef struct {
    const char *db;
    long long cases;
    uint64_t seed;
    int threads;
} gen_opts;

static int usage_error(const char *field, const char *message)
{
    fprintf(stderr, "gen: %s: %s\n", field, message);
    fprintf(stderr, "usage: gen --db PATH --cases N [--seed S (1)] [--threads T (64)]\n");
    return 2;
}

static bool parse_ll(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Returns 0 when the options are good, else the exit status (2) after the message. */
static int parse_opts(int argc, char **argv, gen_opts *o)
{
    *o = (gen_opts){.seed = 1, .threads = THREADS_DEFAULT, .cases = -1};
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        if (strncmp(name, "--", 2) != 0)
            return usage_error("option", "expected an option starting with --");
        name += 2;
        bool known = !strcmp(name, "db") || !strcmp(name, "cases") || !strcmp(name, "seed") ||
                     !strcmp(name, "threads");
        if (!known)
            return usage_error("option", "is not one of --db, --cases, --seed, --threads");
        if (i + 1 >= argc)
            return usage_error(name, "needs a value");
        const char *v = argv[++i];
        long long n = 0;
        if (!strcmp(name, "db")) {
            if (!*v)
                return usage_error("db", "must be a path");
            o->db = v;
        } else if (!strcmp(name, "cases")) {
            if (!parse_ll(v, 0, CASES_MAX, &n))
                return usage_error("cases", "must be a whole number from 0 to 100000000");
            o->cases = n;
        } else if (!strcmp(name, "seed")) {
            if (!parse_u64(v, &o->seed))
                return usage_error("seed", "must be a whole number from 0 to 18446744073709551615");
        } else {
            if (!parse_ll(v, 1, THREADS_MAX, &n))
                return usage_error("threads", "must be a whole number from 1 to 128");
            o->threads = (int)n;
        }
    }
    if (!o->db)
        return usage_error("db", "is required");
    if (o->cases < 0)
        return usage_error("cases", "is required");
    return 0;
}

/* ---- random draws (bench_rng.h) ---------------------------------------------------- */

static rng rng_for_case(uint64_t seed, long long i)
{
    rng r = {.s = seed};
    uint64_t mixed = rng_next(&r) ^ ((uint64_t)i * 0xD1B54A32D192ED03ULL);
    r.s = mixed;
    rng_next(&r);
    return r;
}

/* True with the given chance in percent. */
static bool rng_chance(rng *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

typedef struct {
    const char *code;
    unsigned weight;
} weighted;

static const char *pick(rng *r, const weighted *table, size_t n)
{
    unsigned total = 0;
    for (size_t k = 0; k < n; k++)
        total += table[k].weight;
    unsigned x = rng_below(r, total);
    for (size_t k = 0; k < n; k++) {
        if (x < table[k].weight)
            return table[k].code;
        x -= table[k].weight;
    }
    return table[n - 1].code;
}

static const char *pick_plain(rng *r, const char *const *table, size_t n)
{
    return table[rng_below(r, (unsigned)n)];
}

/* ---- distributions ------------------------------------------------------------------ */

static const weighted sexes[] = {
    {"Feminine", 62}, {"Masculine", 37}, {"NonSpecifiedUnknown", 1},
};

static const weighted citizenships[] = {
    {"KZ", 82}, {"UZ", 8}, {"KG", 4}, {"TJ", 3}, {"RU", 2}, {"CN", 1},
};

/* Where children are identified: the big cities and the populous south weigh most. */
static const weighted regions[] = {
    {"almaty", 16},        {"turkistan", 12},       {"shymkent", 10},  {"astana", 10},
    {"almaty_region", 8},  {"jambyl", 6},           {"karaganda", 5},  {"kyzylorda", 4},
    {"east_kazakhstan", 4}, {"aktobe", 3},          {"pavlodar", 3},   {"kostanay", 3},
    {"mangystau", 3},      {"atyrau", 3},           {"west_kazakhstan", 2}, {"akmola", 2},
    {"north_kazakhstan", 2}, {"abai", 2},           {"jetisu", 2},     {"ulytau", 1},
};

/* Regions created in 2022 and the region their territory belonged to before. */
static const char *const new_regions[][2] = {
    {"abai", "east_kazakhstan"}, {"jetisu", "almaty_region"}, {"ulytau", "karaganda"},
};

/* Most open cases are in the first stages; few reach recovery or closure. */
static const weighted stages[] = {
    {"identification", 30}, {"exit_assistance", 12}, {"assessment", 18},
    {"safety_planning", 10}, {"referral", 10},       {"action_plan", 7},
    {"coordination", 5},    {"monitoring", 4},       {"recovery", 3}, {"closure", 1},
};

/* Forms of exploitation (a case may have a second one), recruitment, relation to the
 * trafficker and the victim status: rough shapes of the manual's own examples (labour
 * and sexual exploitation first, forced criminality and begging next; L2741-2832). */
static const weighted forms[] = {
    {"forced_labour", 30},     {"sexual_exploitation", 28}, {"forced_criminality", 10},
    {"forced_begging", 8},     {"domestic_servitude", 6},  {"online_sexual_exploitation", 6},
    {"child_labour", 5},       {"forced_marriage", 3},     {"illegal_adoption", 2},
    {"other", 2},
};

static const weighted recruitments[] = {
    {"online_social_network", 30}, {"friends", 22}, {"family", 16}, {"at_work", 8},
    {"online_ad", 8},              {"abduction", 4}, {"unknown", 12},
};

static const weighted trafficker_relations[] = {
    {"friend_or_acquaintance", 34}, {"family", 18}, {"employer", 14}, {"intimate_partner", 8},
    {"stranger", 16},              {"unknown", 10},
};

static const weighted victim_statuses[] = {
    {"presumed", 45}, {"identified", 40}, {"at_risk", 15},
};

/* Exploitation abroad: the neighbours and the Gulf (as a share of the cases abroad). */
static const weighted abroad[] = {
    {"RU", 40}, {"AE", 15}, {"TR", 15}, {"KR", 10}, {"UZ", 8}, {"KG", 7}, {"CN", 5},
};

/* Identifications per year, rising as services learned to recognise trafficking. */
static const unsigned year_weights[] = {5, 6, 7, 8, 9, 7, 9, 10, 11, 12, 12}; /* 2015..2025 */
#define FIRST_YEAR 2015

/* Age at identification: mostly adolescents 12–17, some younger children. */
static const unsigned age_weights[18] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2,
                                         10, 12, 15, 17, 16, 12};

static unsigned pick_index(rng *r, const unsigned *w, size_t n)
{
    unsigned total = 0;
    for (size_t k = 0; k < n; k++)
        total += w[k];
    unsigned x = rng_below(r, total);
    for (size_t k = 0; k < n; k++) {
        if (x < w[k])
            return (unsigned)k;
        x -= w[k];
    }
    return (unsigned)(n - 1);
}

/* ---- dates (days since 1970-01-01, proleptic Gregorian) ----------------------------- */

typedef struct {
    int y, m, d;
} ymd;

static long days_from_civil(ymd t)
{
    int y = t.m <= 2 ? t.y - 1 : t.y;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (t.m + (t.m > 2 ? -3 : 9)) + 2) / 5 + t.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static ymd civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return (ymd){(int)y, m, d};
}

static void date_text(ymd t, char out[11])
{
    snprintf(out, 11, "%04d-%02d-%02d", t.y % 10000, t.m % 100, t.d % 100);
}

/* Whole years between birth b and date t, as case_input counts them. */
static int age_on(ymd b, ymd t)
{
    int age = t.y - b.y;
    if (t.m < b.m || (t.m == b.m && t.d < b.d))
        age--;
    return age;
}

/* ---- made-up names (syllables; no table entry is a person) -------------------------- */

static const char *const name_starts[] = {"Ай", "Ба", "Да", "Ер", "Жа", "Ка", "Ма", "На", "Са",
                                          "Та", "Ул", "Ас", "Нұ", "Бе", "Ақ", "Ги", "Ди", "Ру"};
static const char *const name_middles[] = {"ра", "лы", "ди", "ке", "са", "мі", "то", "ла",
                                           "ны", "ри", "ба", "зи"};
static const char *const girl_ends[] = {"гүл", "на", "ра", "ша", "ым", "ия", "ай", "ел"};
static const char *const boy_ends[] = {"бек", "жан", "тай", "бол", "нұр", "хан", "ат", "ан"};
static const char *const family_roots[] = {"Сар", "Кен", "Тол", "Бай", "Мур", "Жум", "Есм",
                                           "Ораз", "Сей", "Амир", "Кад", "Рах", "Ибр", "Нур"};
static const char *const relations[] = {"мать", "отец", "бабушка", "дедушка", "тётя", "дядя",
                                        "старшая сестра", "старший брат"};

static void join3(char *out, size_t size, const char *a, const char *b, const char *c)
{
    snprintf(out, size, "%s%s%s", a, b, c);
}

static void given_name(rng *r, bool girl, char *out, size_t size)
{
    const char *end = girl ? pick_plain(r, girl_ends, COUNT(girl_ends))
                           : pick_plain(r, boy_ends, COUNT(boy_ends));
    const char *mid = rng_chance(r, 50) ? pick_plain(r, name_middles, COUNT(name_middles)) : "";
    join3(out, size, pick_plain(r, name_starts, COUNT(name_starts)), mid, end);
}

static void family_name(rng *r, bool girl, char *out, size_t size)
{
    static const char *const mid[] = {"ы", "а", "е", "и", ""};
    const char *suffix = girl ? (rng_chance(r, 50) ? "ова" : "ева") : (rng_chance(r, 50) ? "ов" : "ев");
    join3(out, size, pick_plain(r, family_roots, COUNT(family_roots)),
          pick_plain(r, mid, COUNT(mid)), suffix);
}

static void patronymic(rng *r, bool girl, char *out, size_t size)
{
    char father[64];
    given_name(r, false, father, sizeof father);
    if (rng_chance(r, 50))
        join3(out, size, father, " ", girl ? "қызы" : "ұлы");
    else
        join3(out, size, father, girl ? "овна" : "ович", "");
}

/* ---- one case ------------------------------------------------------------------------ */

typedef struct {
    int64_t id;
    char name[64];
    const char *type, *region;
    int64_t supervisor_id, manager_id;
} gen_org;

static gen_org orgs[] = {
    {0, "Synthetic NGO Almaty", "ngo", "almaty", 0, 0},
    {0, "Synthetic Police Astana", "police", "astana", 0, 0},
    {0, "Synthetic Social Protection Shymkent", "social_protection", "shymkent", 0, 0},
    {0, "Synthetic NGO Turkistan", "ngo", "turkistan", 0, 0},
    {0, "Synthetic Border Service Almaty Region", "border", "almaty_region", 0, 0},
    {0, "Synthetic Crisis Centre Karaganda", "ngo", "karaganda", 0, 0},
    {0, "Synthetic Children's Ombudsman Astana", "children_ombudsman", "astana", 0, 0},
    {0, "Synthetic Health Centre Aktobe", "health", "aktobe", 0, 0},
};
#define ORG_COUNT COUNT(orgs)

static const char *languages_for(rng *r, const char *citizenship, const char **second)
{
    *second = NULL;
    if (!strcmp(citizenship, "KZ")) {
        unsigned x = rng_below(r, 10);
        if (x < 5)
            *second = "ru";
        return x < 8 ? "kk" : "ru";
    }
    if (!strcmp(citizenship, "RU"))
        return "ru";
    *second = "ru";
    if (!strcmp(citizenship, "UZ"))
        return "uz";
    if (!strcmp(citizenship, "KG"))
        return "ky";
    if (!strcmp(citizenship, "TJ"))
        return "tg";
    *second = "kk";
    return "zh";
}

/* A made-up IIN for birth date b and sex with a valid check digit. */
static void make_iin(rng *r, ymd b, const char *sex, char out[QG_IIN_LEN + 1])
{
    bool female = !strcmp(sex, "Feminine") || (strcmp(sex, "Masculine") != 0 && rng_chance(r, 50));
    int century = b.y >= 2000 ? 5 : 3; /* 3/4 for 1900s, 5/6 for 2000s; even = female */
    for (;;) {
        snprintf(out, QG_IIN_LEN + 1, "%02d%02d%02d%d%04u", b.y % 100, b.m, b.d,
                 century + (female ? 1 : 0), rng_below(r, 10000));
        int check = iin_check_digit(out);
        if (check >= 0) {
            out[11] = (char)('0' + check);
            out[12] = '\0';
            return;
        }
    }
}

static json_t *personal_part(rng *r, const char *sex, const char *citizenship, const char *region,
                             ymd birth, bool with_birth_date, bool with_iin)
{
    bool girl = !strcmp(sex, "Feminine") || (strcmp(sex, "Masculine") != 0 && rng_chance(r, 50));
    char given[64], family[64], father[96], date[11], iin[QG_IIN_LEN + 1];
    given_name(r, girl, given, sizeof given);
    family_name(r, girl, family, sizeof family);
    json_t *p = json_pack("{s:s, s:s}", "given_name", given, "family_name", family);
    if (rng_chance(r, 70)) {
        patronymic(r, girl, father, sizeof father);
        json_object_set_new(p, "patronymic", json_string(father));
    }
    if (with_birth_date) {
        date_text(birth, date);
        json_object_set_new(p, "birth_date", json_string(date));
    }
    if (with_iin) {
        make_iin(r, birth, sex, iin);
        json_object_set_new(p, "iin", json_string(iin));
    }
    if (rng_chance(r, 60)) {
        char street[64], address[256];
        family_name(r, false, street, sizeof street);
        const vocab_entry *e = vocab_find(&VOCAB_REGION, region);
        snprintf(address, sizeof address, "%s, ул. %s, д. %u, кв. %u", e ? e->ru : region,
                 street, 1 + rng_below(r, 120), 1 + rng_below(r, 90));
        json_object_set_new(p, "address", json_string(address));
    }
    const char *second = NULL, *first = languages_for(r, citizenship, &second);
    json_t *langs = json_array();
    json_array_append_new(langs, json_string(first));
    if (second)
        json_array_append_new(langs, json_string(second));
    json_object_set_new(p, "languages", langs);
    if (rng_chance(r, 40)) {
        char relative[64];
        bool woman = rng_chance(r, 60);
        given_name(r, woman, relative, sizeof relative);
        json_t *list = json_array();
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", relative, "relation",
                                              pick_plain(r, relations, COUNT(relations))));
        json_object_set_new(p, "relatives", list);
    }
    return p;
}

/* Picks the organisation: usually one in the case's region when there is one. */
static const gen_org *org_for(rng *r, const char *region)
{
    if (rng_chance(r, 70))
        for (size_t k = 0; k < ORG_COUNT; k++)
            if (!strcmp(orgs[k].region, region))
                return &orgs[k];
    return &orgs[rng_below(r, ORG_COUNT)];
}

typedef struct {
    json_t *body;
    const gen_org *org;
    bool assign;
    bool close; /* close it after it is opened */
} case_plan;

/* The coded profile (issue 4): forms, place of exploitation, recruitment, relation,
 * victim status and a route from the region of recruitment to the place of
 * exploitation, which is abroad for about one case in four. */
static void add_profile(rng *r, json_t *body, const char *region, int year)
{
    const char *first = pick(r, forms, COUNT(forms)), *second = pick(r, forms, COUNT(forms));
    json_t *list = json_pack("[s]", first);
    if (rng_chance(r, 15) && strcmp(first, second) != 0)
        json_array_append_new(list, json_string(second));
    const char *place = rng_chance(r, 25) ? pick(r, abroad, COUNT(abroad))
                        : rng_chance(r, 60) ? region
                                            : pick(r, regions, COUNT(regions));
    if (year < 2022)
        for (size_t k = 0; k < COUNT(new_regions); k++)
            if (!strcmp(place, new_regions[k][0]))
                place = new_regions[k][1];
    char on[5];
    snprintf(on, sizeof on, "%04d", year);
    json_object_set_new(body, "exploitation_forms", list);
    json_object_set_new(body, "exploitation_place", json_string(place));
    json_object_set_new(body, "recruitment_method", json_string(pick(r, recruitments, COUNT(recruitments))));
    json_object_set_new(body, "relation_to_trafficker", json_string(pick(r, trafficker_relations, COUNT(trafficker_relations))));
    json_object_set_new(body, "victim_status", json_string(pick(r, victim_statuses, COUNT(victim_statuses))));
    json_object_set_new(body, "route", json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "event", "recruitment",
                                                 "place", region, "on", on, "event", "exploitation",
                                                 "place", place, "on", on));
}

/* Draws case i. attempt > 0 redraws the personal part (after an IIN collision). */
static case_plan draw_case(uint64_t seed, long long i, int attempt)
{
    rng r = rng_for_case(seed, i);
    const char *sex = pick(&r, sexes, COUNT(sexes));
    const char *citizenship = pick(&r, citizenships, COUNT(citizenships));
    const char *region = pick(&r, regions, COUNT(regions));
    const char *stage = pick(&r, stages, COUNT(stages));
    int year = FIRST_YEAR + (int)pick_index(&r, year_weights, COUNT(year_weights));
    long jan1 = days_from_civil((ymd){year, 1, 1});
    long year_days = days_from_civil((ymd){year + 1, 1, 1}) - jan1;
    ymd on = civil_from_days(jan1 + (long)rng_below(&r, (unsigned)year_days));
    if (year < 2022)
        for (size_t k = 0; k < COUNT(new_regions); k++)
            if (!strcmp(region, new_regions[k][0]))
                region = new_regions[k][1];
    int age = (int)pick_index(&r, age_weights, COUNT(age_weights));
    /* Born within the year ending on the age-th birthday before identification. */
    ymd anniversary = {on.y - age, on.m, on.m == 2 && on.d == 29 ? 28 : on.d};
    ymd birth = civil_from_days(days_from_civil(anniversary) - (long)rng_below(&r, 365));
    if (age_on(birth, on) != age) /* cannot happen; keep the fields consistent anyway */
        age = age_on(birth, on);
    char date[11];
    date_text(on, date);
    /* A closed case is opened at recovery and closed after (cases never open closed). */
    bool closed = !strcmp(stage, "closure");
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "sex", sex, "citizenship", citizenship,
                             "region", region, "identified_on", date, "stage", closed ? "recovery" : stage);
    add_profile(&r, body, region, year);
    const gen_org *org = org_for(&r, region);
    json_object_set_new(body, "org_id", json_integer(org->id));
    bool personal = rng_chance(&r, 50);
    if (personal) {
        bool with_iin = !strcmp(citizenship, "KZ") && rng_chance(&r, 80);
        bool with_birth = rng_chance(&r, 90);
        if (!with_iin && !with_birth)
            json_object_set_new(body, "age_at_identification", json_integer(age));
        rng iin_rng = {.s = r.s ^ (0x5851F42D4C957F2DULL * (uint64_t)(attempt + 1))};
        json_t *p = personal_part(&iin_rng, sex, citizenship, region, birth, with_birth, with_iin);
        json_object_set_new(body, "personal", p);
    } else {
        if (rng_chance(&r, 95))
            json_object_set_new(body, "age_at_identification", json_integer(age));
        if (rng_chance(&r, 70))
            json_object_set_new(body, "birth_year", json_integer(birth.y));
    }
    return (case_plan){.body = body, .org = org, .assign = strcmp(stage, "identification") != 0, .close = closed};
}

/* ---- organisations and users ----------------------------------------------------------- */

static int64_t find_id(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row) {
        const char *v = json_string_value(json_object_get(row, key));
        if (v && !strcmp(v, value))
            return (int64_t)json_integer_value(json_object_get(row, "id"));
    }
    return 0;
}

static qg_code ensure_org(qg_app *app, gen_org *o, qg_error *err)
{
    qg_actor sys = actor_system();
    qg_code c = org_create(app, &sys, o->name, o->type, o->region, &o->id, err);
    if (c != QG_ECONFLICT)
        return c;
    json_t *list = org_list(app, &sys, err);
    if (!list)
        return err->code;
    o->id = find_id(list, "name", o->name);
    json_decref(list);
    return o->id ? QG_OK : qg_fail(err, QG_EDB, "org", "storage.failure", "organisation exists but was not listed");
}

/* Creates login with a random password nobody is told (set one with `qorgau user
 * passwd` to use the account), or finds it when it already exists. */
static qg_code ensure_user(qg_app *app, const gen_org *o, const char *login, const char *role,
                           int64_t *id, qg_error *err)
{
    qg_actor sys = actor_system();
    char password[QG_TOKEN_HEX];
    crypto_random_token(password);
    qg_code c = user_create(app, &sys, o->id, login, role, password, id, err);
    crypto_wipe(password, sizeof password);
    if (c != QG_ECONFLICT)
        return c;
    json_t *list = user_list(app, &sys, err);
    if (!list)
        return err->code;
    *id = find_id(list, "login", login);
    json_decref(list);
    return *id ? QG_OK : qg_fail(err, QG_EDB, "user", "storage.failure", "user exists but was not listed");
}

static qg_code setup_orgs(qg_app *app, qg_error *err)
{
    for (size_t k = 0; k < ORG_COUNT; k++) {
        char sup[32], cm[32];
        snprintf(sup, sizeof sup, "gen.sup%zu", k + 1);
        snprintf(cm, sizeof cm, "gen.cm%zu", k + 1);
        qg_code c = ensure_org(app, &orgs[k], err);
        if (c == QG_OK)
            c = ensure_user(app, &orgs[k], sup, "supervisor", &orgs[k].supervisor_id, err);
        if (c == QG_OK)
            c = ensure_user(app, &orgs[k], cm, "case_manager", &orgs[k].manager_id, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

/* ---- the workers ------------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const gen_opts *opts;
    atomic_llong next, done, redrawn, assigned;
    atomic_bool failed;
    pthread_mutex_t lock;
    qg_error first_err;
} gen_state;

static qg_code close_case(qg_app *app, const qg_actor *sys, const char *code, qg_error *err)
{
    json_t *body = json_pack("{s:s}", "reason", "recovered"), *out = NULL;
    qg_code c = stage_close(app, sys, code, body, &out, err);
    json_decref(body);
    json_decref(out);
    return c;
}

static qg_code create_one(gen_state *g, long long i)
{
    qg_actor sys = actor_system();
    qg_error err = {0};
    for (int attempt = 0; attempt < IIN_TRIES; attempt++) {
        case_plan plan = draw_case(g->opts->seed, i, attempt);
        json_t *out = NULL;
        qg_code c = case_create(g->app, &sys, plan.body, &out, &err);
        json_decref(plan.body);
        if (c == QG_ECONFLICT && !strcmp(err.field, "personal.iin")) {
            json_decref(out);
            atomic_fetch_add(&g->redrawn, 1);
            continue;
        }
        if (c == QG_OK && plan.assign) {
            const char *code = json_string_value(json_object_get(out, "code"));
            c = case_assign(g->app, &sys, code, plan.org->manager_id, &err);
            if (c == QG_OK)
                atomic_fetch_add(&g->assigned, 1);
        }
        if (c == QG_OK && plan.close)
            c = close_case(g->app, &sys, json_string_value(json_object_get(out, "code")), &err);
        json_decref(out);
        if (c != QG_OK)
            break;
        return QG_OK;
    }
    if (err.code == QG_OK)
        qg_fail(&err, QG_ECONFLICT, "personal.iin", "iin.duplicate", "could not draw an unused IIN");
    pthread_mutex_lock(&g->lock);
    if (!atomic_load(&g->failed))
        g->first_err = err;
    atomic_store(&g->failed, true);
    pthread_mutex_unlock(&g->lock);
    return err.code;
}

static void *worker(void *arg)
{
    gen_state *g = arg;
    while (!atomic_load(&g->failed)) {
        long long i = atomic_fetch_add(&g->next, 1);
        if (i >= g->opts->cases)
            break;
        if (create_one(g, i) != QG_OK)
            break;
        atomic_fetch_add(&g->done, 1);
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for the workers, printing progress about once a second. */
static void watch(gen_state *g, double start)
{
    long long total = g->opts->cases, last = -1;
    double last_print = start;
    for (;;) {
        long long done = atomic_load(&g->done);
        bool finished = done >= total || atomic_load(&g->failed);
        double t = now_s();
        if ((t - last_print >= 1.0 && done != last) || finished) {
            if (!finished)
                fprintf(stderr, "gen: %lld/%lld cases, %.0f cases/s\n", done, total,
                        done / (t - start));
            last_print = t;
            last = done;
        }
        if (finished)
            return;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static int run(const gen_opts *o)
{
    char db_path[QG_PATH_MAX], key_path[QG_PATH_MAX];
    qg_app *app = NULL;
    qg_error err = {0};
    qg_code c = app_resolve_paths(o->db, db_path, key_path, &err);
    if (c == QG_OK)
        c = app_open(db_path, key_path, READERS, true, &app, &err);
    if (c == QG_OK)
        c = setup_orgs(app, &err);
    if (c != QG_OK) {
        fprintf(stderr, "gen: %s%s%s\n", err.field, *err.field ? ": " : "", err.message);
        app_close(app);
        return qg_code_exit_status(c);
    }
    gen_state g = {.app = app, .opts = o};
    pthread_mutex_init(&g.lock, NULL);
    int threads = o->cases < o->threads ? (int)(o->cases ? o->cases : 1) : o->threads;
    pthread_t tids[THREADS_MAX];
    int started = 0;
    double start = now_s();
    for (; started < threads; started++)
        if (pthread_create(&tids[started], NULL, worker, &g) != 0)
            break;
    if (started == 0) {
        fprintf(stderr, "gen: threads: cannot start a worker thread\n");
        app_close(app);
        return 1;
    }
    watch(&g, start);
    for (int k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
    double secs = now_s() - start;
    long long done = atomic_load(&g.done);
    app_close(app);
    pthread_mutex_destroy(&g.lock);
    if (atomic_load(&g.failed)) {
        fprintf(stderr, "gen: failed after %lld cases: %s%s%s\n", done, g.first_err.field,
                *g.first_err.field ? ": " : "", g.first_err.message);
        return 1;
    }
    fprintf(stderr,
            "gen: created %lld cases in %.1f s (%.0f cases/s, %d threads, seed %" PRIu64
            "); %lld assigned to a case manager; %lld made-up IINs redrawn after a collision\n",
            done, secs, secs > 0 ? done / secs : 0.0, started, o->seed,
            (long long)atomic_load(&g.assigned), (long long)atomic_load(&g.redrawn));
    return 0;
}

int main(int argc, char **argv)
{
    gen_opts o;
    int bad = parse_opts(argc, argv, &o);
    return bad ? bad : run(&o);
}
