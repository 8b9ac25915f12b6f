/*
 * gen_csv.c — a synthetic CSV file of cases for the import benchmark (bench/import.sh):
 * `gen_csv --out FILE --rows N [--seed S]`.
 *
 * Writes a header row and N rows in the format of `qorgau import cases` (core/case_csv.h)
 * with the CSV writer export uses, so quoting and CRLF are the real ones. Every value is
 * drawn from the code lists themselves (core/vocab.h), so every row is one the import
 * accepts: external_ref "BENCH-" and the row number, identification dates over
 * 2015-2025, about 62% girls, ages mostly 12-17, mostly Kazakh citizens, one or two
 * forms of exploitation, and most optional columns filled in most rows (some left
 * empty, as real files have them). Row i is drawn from its own generator seeded by
 * (seed, i): the same seed gives the same file. The file is created new (an existing
 * one is refused). Exit status: 0 done, 2 bad options (naming the option), 1 failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/case/case_csv.h"
#include "core/vocab/vocab.h"

#define ROWS_MAX 100000000LL
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    const char *out;
    long long rows;
    uint64_t seed;
} gen_opts;

static int usage_error(const char *field, const char *message)
{
    fprintf(stderr, "gen_csv: %s: %s\n", field, message);
    fprintf(stderr, "usage: gen_csv --out FILE --rows N [--seed S (1)]\n");
    return 2;
}

static bool parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    if (!*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* Returns 0 when the options are good, else the exit status (2) after the message. */
static int parse_opts(int argc, char **argv, gen_opts *o)
{
    *o = (gen_opts){.seed = 1, .rows = -1};
    for (int i = 1; i < argc; i += 2) {
        const char *name = argv[i];
        unsigned long long v = 0;
        if (strcmp(name, "--out") && strcmp(name, "--rows") && strcmp(name, "--seed"))
            return usage_error("option", "is not one of --out, --rows, --seed");
        if (i + 1 >= argc)
            return usage_error(name + 2, "needs a value");
        const char *value = argv[i + 1];
        if (!strcmp(name, "--out"))
            o->out = value;
        else if (!strcmp(name, "--rows") && parse_u64(value, ROWS_MAX, &v))
            o->rows = (long long)v;
        else if (!strcmp(name, "--seed") && parse_u64(value, UINT64_MAX, &v))
            o->seed = v;
        else
            return usage_error(name + 2, "must be a whole number (rows: 0 to 100000000)");
    }
    if (!o->out || !*o->out)
        return usage_error("out", "is required");
    return o->rows < 0 ? usage_error("rows", "is required") : 0;
}

/* ---- a small deterministic generator (splitmix64) -------------------------------- */

typedef struct {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static rng rng_for_row(uint64_t seed, long long i)
{
    rng r = {.s = seed};
    r.s = rng_next(&r) ^ ((uint64_t)i * 0xD1B54A32D192ED03ULL);
    rng_next(&r);
    return r;
}

static unsigned below(rng *r, unsigned n) { return (unsigned)(rng_next(r) % n); }

static bool chance(rng *r, unsigned percent) { return below(r, 100) < percent; }

/* A code of list, or NULL (an empty cell) with the given chance. */
static const char *code_of(rng *r, const vocab_list *list, unsigned empty_percent)
{
    return chance(r, empty_percent) ? NULL : list->entries[below(r, (unsigned)list->count)].code;
}

/* ---- one row ------------------------------------------------------------------------- */

static const char *const citizenships[] = {"KZ", "KZ", "KZ", "KZ", "KZ", "KZ", "KZ", "KZ",
                                           "UZ", "KG", "TJ", "RU", "CN"};
static const unsigned age_weights[18] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 10, 12, 15, 17, 16, 12};

static unsigned pick_age(rng *r)
{
    unsigned x = below(r, 100);
    for (unsigned k = 0; k < COUNT(age_weights); k++) {
        if (x < age_weights[k])
            return k;
        x -= age_weights[k];
    }
    return 15;
}

/* One or two distinct codes of list joined with ';' into buf, or NULL. */
static const char *codes_of(rng *r, const vocab_list *list, unsigned empty_percent, char *buf, size_t size)
{
    if (chance(r, empty_percent))
        return NULL;
    unsigned a = below(r, (unsigned)list->count), b = below(r, (unsigned)list->count);
    if (a == b || chance(r, 50))
        snprintf(buf, size, "%s", list->entries[a].code);
    else
        snprintf(buf, size, "%s;%s", list->entries[a].code, list->entries[b].code);
    return buf;
}

/* The cells are drawn one after the other, in column order (an initializer list would
 * leave the order of the draws, and so the file, to the compiler). */
static int write_row(FILE *out, uint64_t seed, long long i)
{
    rng r = rng_for_row(seed, i);
    char ref[32], date[11], age[4], forms[128], services[128];
    const char *c[CASE_CSV_COLUMNS];
    unsigned year = 2015 + below(&r, 11), month = 1 + below(&r, 12), day = 1 + below(&r, 28);
    snprintf(ref, sizeof ref, "BENCH-%08lld", i + 1);
    snprintf(date, sizeof date, "%04u-%02u-%02u", year, month, day);
    c[0] = ref;
    c[1] = date;
    c[2] = chance(&r, 62) ? "female" : "male";
    snprintf(age, sizeof age, "%u", pick_age(&r));
    c[3] = age;
    c[4] = citizenships[below(&r, COUNT(citizenships))];
    c[5] = code_of(&r, &VOCAB_REGION, 5);
    c[6] = codes_of(&r, &VOCAB_EXPLOITATION_FORM, 10, forms, sizeof forms);
    c[7] = code_of(&r, chance(&r, 30) ? &VOCAB_COUNTRY : &VOCAB_REGION, 20);
    c[8] = code_of(&r, &VOCAB_RECRUITMENT_METHOD, 20);
    c[9] = code_of(&r, &VOCAB_EXIT_METHOD, 30);
    c[10] = code_of(&r, &VOCAB_RELATION, 20);
    c[11] = code_of(&r, &VOCAB_CJ_STAGE, 40);
    c[12] = code_of(&r, &VOCAB_VICTIM_STATUS, 30);
    c[13] = c[12] ? code_of(&r, &VOCAB_DECIDING_BODY, 20) : NULL;
    c[14] = code_of(&r, &VOCAB_ACCOMPANIMENT, 30);
    c[15] = chance(&r, 50) ? NULL : chance(&r, 80) ? "true" : "false";
    c[16] = codes_of(&r, &VOCAB_SERVICE, 40, services, sizeof services);
    return case_csv_write_row(out, c);
}

int main(int argc, char **argv)
{
    gen_opts o;
    int bad = parse_opts(argc, argv, &o);
    if (bad)
        return bad;
    int fd = open(o.out, O_WRONLY | O_CREAT | O_EXCL, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!out) {
        fprintf(stderr, "gen_csv: out: cannot be created (%s); an existing file is never overwritten\n",
                strerror(errno));
        return 1;
    }
    int rc = case_csv_write_header(out);
    for (long long i = 0; rc == 0 && i < o.rows; i++)
        rc = write_row(out, o.seed, i);
    if (fclose(out) != 0 || rc != 0) {
        fprintf(stderr, "gen_csv: out: cannot be written\n");
        return 1;
    }
    fprintf(stderr, "gen_csv: %lld rows written to %s (seed %llu)\n", o.rows, o.out,
            (unsigned long long)o.seed);
    return 0;
}
