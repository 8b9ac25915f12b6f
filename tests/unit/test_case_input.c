/*
 * test_case_input.c — unit tests of src/core/case/case_input.c: every rule for the
 * non-identifying case fields, for each member of the personal part (including the
 * nested contacts and relatives, whose errors name the full path), the length limits
 * at and just over the maximum, control characters and invalid UTF-8, and the
 * reconciliation of personal data with the case fields. Every refusal is also checked
 * for not repeating the value it refused. All names and numbers are made up.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/case/case_input.h"
#include "base/text.h"
#include "core/case/iin.h"
#include "core/vocab/vocab.h"

/* ---- helpers ----------------------------------------------------------------------- */

static int current_year(void)
{
    char today[11];
    text_today(today);
    return (int)strtol(today, NULL, 10);
}

/* today + days in Kazakhstan (UTC+5, as the validators read it) as YYYY-MM-DD */
static void date_from_today(int days, char out[11])
{
    time_t t = time(NULL) + TEXT_KZ_UTC_OFFSET_S + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A valid made-up IIN for a birth date and sex ('F' or 'M'). */
static void make_iin(int year, int month, int day, char sex, char out[13])
{
    int century = year >= 2000 ? 5 : 3;
    int digit7 = century + (sex == 'F' ? 1 : 0);
    for (int serial = 4321;; serial++) {
        char first11[12];
        snprintf(first11, sizeof first11, "%02d%02d%02d%d%04d", year % 100, month, day, digit7,
                 serial % 10000);
        int check = iin_check_digit(first11);
        if (check >= 0) {
            snprintf(out, 13, "%s%d", first11, check);
            return;
        }
    }
}

/* A string of n bytes: copies of unit (1 or 2 bytes each), then 'x' to fill. */
static char *text_of(size_t n, const char *unit)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    size_t u = strlen(unit), i = 0;
    for (; i + u <= n; i += u)
        memcpy(s + i, unit, u);
    for (; i < n; i++)
        s[i] = 'x';
    s[n] = '\0';
    return s;
}

/* The refusal must name field and must not repeat secret (when given). */
static void check_refusal(qg_code c, const qg_error *err, const char *field, const char *secret,
                          const char *what)
{
    if (c != QG_EINVAL)
        fail_msg("%s: want QG_EINVAL naming %s, got %d", what, field, c);
    if (strcmp(err->field, field) != 0)
        fail_msg("%s: want field \"%s\", got \"%s\" (%s)", what, field, err->field, err->message);
    assert_int_equal(err->code, QG_EINVAL);
    assert_true(err->message[0] != '\0');
    if (secret && *secret && strstr(err->message, secret))
        fail_msg("%s: message repeats the value: %s", what, err->message);
}

static void fields_ok(json_t *obj, const char *what)
{
    qg_error err = {0};
    qg_code c = case_input_check_fields(obj, NULL, &err);
    if (c != QG_OK)
        fail_msg("%s: refused (%s: %s)", what, err.field, err.message);
    json_decref(obj);
}

static void fields_bad(json_t *obj, const char *field, const char *secret, const char *what)
{
    qg_error err = {0};
    qg_code c = case_input_check_fields(obj, NULL, &err);
    check_refusal(c, &err, field, secret, what);
    json_decref(obj);
}

/* One field set to v (stolen). */
static json_t *one(const char *key, json_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, key, v);
    return o;
}

static void personal_ok(json_t *p, const char *what)
{
    qg_error err = {0};
    qg_code c = case_input_check_personal(p, &err);
    if (c != QG_OK)
        fail_msg("%s: refused (%s: %s)", what, err.field, err.message);
    json_decref(p);
}

static void personal_bad(json_t *p, const char *field, const char *secret, const char *what)
{
    qg_error err = {0};
    qg_code c = case_input_check_personal(p, &err);
    check_refusal(c, &err, field, secret, what);
    json_decref(p);
}

/* ---- non-identifying fields ------------------------------------------------------- */

static void test_fields_sex(void **state)
{
    (void)state;
    for (size_t i = 0; i < VOCAB_SEX.count; i++)
        fields_ok(one("sex", json_string(VOCAB_SEX.entries[i].code)), VOCAB_SEX.entries[i].code);
    fields_bad(one("sex", json_string("Femme-Oydantap")), "sex", "Oydantap", "unknown sex");
    fields_bad(one("sex", json_string("feminine")), "sex", "feminine", "wrong case");
    fields_bad(one("sex", json_string("")), "sex", NULL, "empty");
    fields_bad(one("sex", json_integer(1)), "sex", NULL, "number");
    fields_bad(one("sex", json_true()), "sex", NULL, "boolean");
    fields_ok(one("sex", json_null()), "null clears sex");
}

static void test_fields_citizenship(void **state)
{
    (void)state;
    fields_ok(one("citizenship", json_string("KZ")), "KZ");
    fields_ok(one("citizenship", json_string("UZ")), "UZ");
    fields_ok(one("citizenship", json_string("XX")), "XX stateless");
    fields_bad(one("citizenship", json_string("kz")), "citizenship", NULL, "lower case");
    fields_bad(one("citizenship", json_string("KAZ")), "citizenship", "KAZ", "alpha-3");
    fields_bad(one("citizenship", json_string("QQ")), "citizenship", NULL, "not a country");
    fields_bad(one("citizenship", json_integer(398)), "citizenship", NULL, "numeric");
    fields_ok(one("citizenship", json_null()), "null clears citizenship");
}

static void test_fields_region(void **state)
{
    (void)state;
    for (size_t i = 0; i < VOCAB_REGION.count; i++)
        fields_ok(one("region", json_string(VOCAB_REGION.entries[i].code)), "region");
    fields_bad(one("region", json_string("Almaty")), "region", NULL, "label, not code");
    fields_bad(one("region", json_string("KZ-75")), "region", "KZ-75", "ISO code, not ours");
    fields_bad(one("region", json_string("Tashkent-Oblast")), "region", "Tashkent", "foreign");
    fields_bad(one("region", json_array()), "region", NULL, "array");
    fields_ok(one("region", json_null()), "null clears region");
}

static void test_fields_stage(void **state)
{
    (void)state;
    assert_int_equal(VOCAB_STAGE.count, 10);
    for (size_t i = 0; i < VOCAB_STAGE.count; i++)
        fields_ok(one("stage", json_string(VOCAB_STAGE.entries[i].code)), "stage");
    fields_bad(one("stage", json_string("open")), "stage", NULL, "a status, not a stage");
    fields_bad(one("stage", json_string("Assessment")), "stage", NULL, "wrong case");
    fields_bad(one("stage", json_integer(3)), "stage", NULL, "number");
    /* stage is required: it cannot be cleared */
    fields_bad(one("stage", json_null()), "stage", NULL, "null stage");
}

static void test_fields_age(void **state)
{
    (void)state;
    fields_ok(one("age_at_identification", json_integer(0)), "age 0");
    fields_ok(one("age_at_identification", json_integer(17)), "age 17");
    fields_ok(one("age_at_identification", json_integer(CASE_AGE_MAX)), "age max");
    fields_bad(one("age_at_identification", json_integer(-1)), "age_at_identification", NULL, "-1");
    fields_bad(one("age_at_identification", json_integer(CASE_AGE_MAX + 1)),
               "age_at_identification", NULL, "max+1");
    fields_bad(one("age_at_identification", json_integer(INT64_MAX)), "age_at_identification",
               NULL, "huge");
    fields_bad(one("age_at_identification", json_real(12.5)), "age_at_identification", NULL, "real");
    fields_bad(one("age_at_identification", json_string("12")), "age_at_identification", NULL,
               "text");
    fields_ok(one("age_at_identification", json_null()), "null clears age");
}

static void test_fields_birth_year(void **state)
{
    (void)state;
    int year = current_year();
    fields_ok(one("birth_year", json_integer(CASE_BIRTH_YEAR_MIN)), "min");
    fields_ok(one("birth_year", json_integer(2012)), "2012");
    fields_ok(one("birth_year", json_integer(year)), "this year");
    fields_bad(one("birth_year", json_integer(CASE_BIRTH_YEAR_MIN - 1)), "birth_year", NULL, "min-1");
    fields_bad(one("birth_year", json_integer(year + 1)), "birth_year", NULL, "next year");
    fields_bad(one("birth_year", json_integer(-2012)), "birth_year", NULL, "negative");
    fields_bad(one("birth_year", json_string("2012")), "birth_year", "2012", "text");
    fields_bad(one("birth_year", json_real(2012.0)), "birth_year", NULL, "real");
    fields_ok(one("birth_year", json_null()), "null clears birth_year");
}

static void test_fields_identified_on(void **state)
{
    (void)state;
    char today[11], tomorrow[11], next_year[11];
    text_today(today);
    date_from_today(1, tomorrow);
    date_from_today(366, next_year);
    fields_ok(one("identified_on", json_string(today)), "today");
    fields_ok(one("identified_on", json_string(CASE_DATE_MIN)), "oldest allowed");
    fields_ok(one("identified_on", json_string("2020-02-29")), "leap day");
    fields_bad(one("identified_on", json_string(tomorrow)), "identified_on", tomorrow, "tomorrow");
    fields_bad(one("identified_on", json_string(next_year)), "identified_on", next_year, "future");
    fields_bad(one("identified_on", json_string("1999-12-31")), "identified_on", "1999-12-31",
               "too old");
    fields_bad(one("identified_on", json_string("2021-02-29")), "identified_on", "2021-02-29",
               "not a real date");
    fields_bad(one("identified_on", json_string("2021-04-31")), "identified_on", NULL, "April 31");
    fields_bad(one("identified_on", json_string("2021-13-01")), "identified_on", NULL, "month 13");
    fields_bad(one("identified_on", json_string("2021-00-10")), "identified_on", NULL, "month 0");
    fields_bad(one("identified_on", json_string("2021-1-5")), "identified_on", NULL, "short");
    fields_bad(one("identified_on", json_string("2021/01/05")), "identified_on", NULL, "slashes");
    fields_bad(one("identified_on", json_string("2021-01-05T10:00")), "identified_on", NULL, "time");
    fields_bad(one("identified_on", json_string("")), "identified_on", NULL, "empty");
    fields_bad(one("identified_on", json_integer(20210105)), "identified_on", NULL, "number");
    /* it is required: never cleared */
    fields_bad(one("identified_on", json_null()), "identified_on", NULL, "null");
}

static void test_fields_status_refused(void **state)
{
    (void)state;
    fields_bad(one("status", json_string("closed")), "status", NULL, "status closed");
    fields_bad(one("status", json_string("open")), "status", NULL, "status open");
    /* not even as null: status is never cleared through the field rules */
    fields_bad(one("status", json_null()), "status", NULL, "status null");
}

static void test_fields_unknown_refused(void **state)
{
    (void)state;
    fields_bad(one("colour", json_string("blue")), "body", "blue", "unknown field");
    fields_bad(one("code", json_string("QG-0000-0000-0000-0")), "body", NULL, "code is not input");
    fields_bad(one("org_id", json_integer(1)), "body", NULL, "org_id without allowance");
    fields_bad(one("personal", json_object()), "body", NULL, "personal without allowance");
    /* a null value does not smuggle an unknown name through */
    /* an unknown key is never named back: it could be a child's name */
    fields_bad(one("Testgul Oydanova", json_null()), "body", "Testgul", "unknown field set to null");
    fields_bad(one("version", json_null()), "body", NULL, "version without allowance");
}

static void test_fields_also_allowed_and_body(void **state)
{
    (void)state;
    const char *const extra[] = {"personal", "version", NULL};
    json_t *o = json_pack("{s:s, s:{s:s}, s:i, s:s}", "sex", "Feminine", "personal",
                          "given_name", "Dana", "version", 3, "region", "astana");
    qg_error err = {0};
    assert_int_equal(case_input_check_fields(o, extra, &err), QG_OK);
    /* also_allowed skips only the names it lists */
    json_object_set_new(o, "colour", json_string("red"));
    assert_int_equal(case_input_check_fields(o, extra, &err), QG_EINVAL);
    assert_string_equal(err.field, "body");
    json_decref(o);
    /* the first bad field is reported even after good ones */
    o = json_pack("{s:s, s:s}", "sex", "Masculine", "region", "mars");
    assert_int_equal(case_input_check_fields(o, NULL, &err), QG_EINVAL);
    assert_string_equal(err.field, "region");
    json_decref(o);
    /* an empty object is fine; anything but an object is not */
    fields_ok(json_object(), "empty");
    fields_bad(json_array(), "body", NULL, "array body");
    fields_bad(json_string("sex"), "body", NULL, "string body");
    qg_code c = case_input_check_fields(NULL, NULL, &err);
    check_refusal(c, &err, "body", NULL, "NULL body");
}

/* ---- personal data ----------------------------------------------------------------- */

static void test_personal_names(void **state)
{
    (void)state;
    const char *names[] = {"given_name", "family_name", "patronymic"};
    for (size_t i = 0; i < 3; i++) {
        char field[64];
        snprintf(field, sizeof field, "personal.%s", names[i]);
        personal_ok(one(names[i], json_string("Айгерим")), "cyrillic");
        personal_ok(one(names[i], json_string("O'Brien-Sultanbekova Ä")), "latin");
        char *at_max = text_of(200, "ә"); /* 100 two-byte letters: exactly 200 bytes */
        personal_ok(one(names[i], json_string(at_max)), "exactly at max");
        free(at_max);
        char *over = text_of(201, "ә");
        personal_bad(one(names[i], json_string(over)), field, over, "max+1");
        free(over);
        personal_bad(one(names[i], json_string("")), field, NULL, "empty");
        personal_bad(one(names[i], json_string("Zhanar\tSeitova")), field, "Zhanar", "tab");
        personal_bad(one(names[i], json_string("Zhanar\nSeitova")), field, "Zhanar", "newline");
        personal_bad(one(names[i], json_string("Zhanar\x7fSeitova")), field, "Zhanar", "DEL");
        personal_bad(one(names[i], json_string("Zhanar\x1bSeitova")), field, "Zhanar", "ESC");
        personal_bad(one(names[i], json_integer(5)), field, NULL, "number");
        personal_bad(one(names[i], json_null()), field, NULL, "null");
    }
}

static void test_personal_invalid_utf8(void **state)
{
    (void)state;
    const char *bad[] = {
        "Zhanar\xC3\x28",     /* lead byte without continuation */
        "Zhanar\x80",         /* lone continuation byte */
        "Zhanar\xC0\xAF",     /* overlong encoding of '/' */
        "Zhanar\xE2\x82",     /* truncated three-byte sequence */
        "Zhanar\xFF",         /* never valid in UTF-8 */
        "Zhanar\xF8\x88\x80\x80\x80", /* five-byte form */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        personal_bad(one("given_name", json_string_nocheck(bad[i])), "personal.given_name",
                     "Zhanar", "invalid UTF-8 in a name");
        json_t *p = json_pack("{s:[{s:o}]}", "contacts", "name", json_string_nocheck(bad[i]));
        personal_bad(p, "personal.contacts[0].name", "Zhanar", "invalid UTF-8 in a contact");
        personal_bad(one("address", json_string_nocheck(bad[i])), "personal.address", "Zhanar",
                     "invalid UTF-8 in the address");
        personal_bad(one("notes", json_string_nocheck(bad[i])), "personal.notes", "Zhanar",
                     "invalid UTF-8 in notes");
    }
}

static void test_personal_birth_date(void **state)
{
    (void)state;
    char today[11], tomorrow[11];
    text_today(today);
    date_from_today(1, tomorrow);
    personal_ok(one("birth_date", json_string("2011-03-14")), "past");
    personal_ok(one("birth_date", json_string("1995-12-31")), "no lower bound but 1900");
    personal_ok(one("birth_date", json_string(today)), "born today");
    personal_bad(one("birth_date", json_string(tomorrow)), "personal.birth_date", tomorrow, "future");
    personal_bad(one("birth_date", json_string("2011-02-29")), "personal.birth_date", "2011-02-29",
                 "not a real date");
    personal_bad(one("birth_date", json_string("1899-12-31")), "personal.birth_date", NULL,
                 "before 1900");
    personal_bad(one("birth_date", json_string("14.03.2011")), "personal.birth_date", "14.03.2011",
                 "local format");
    personal_bad(one("birth_date", json_integer(2011)), "personal.birth_date", NULL, "number");
}

static void test_personal_iin(void **state)
{
    (void)state;
    char iin[13];
    make_iin(2011, 3, 14, 'F', iin);
    personal_ok(one("iin", json_string(iin)), "valid");
    char wrong[13];
    memcpy(wrong, iin, 13);
    wrong[11] = (char)(wrong[11] == '9' ? '0' : wrong[11] + 1);
    personal_bad(one("iin", json_string(wrong)), "personal.iin", wrong, "check digit");
    personal_bad(one("iin", json_string("12345")), "personal.iin", "12345", "short");
    personal_bad(one("iin", json_string("11031460432a")), "personal.iin", "11031460432a", "letter");
    personal_bad(one("iin", json_integer(110314604321)), "personal.iin", "110314604321", "number");
    personal_bad(one("iin", json_null()), "personal.iin", NULL, "null");
}

static void test_personal_address_and_notes(void **state)
{
    (void)state;
    personal_ok(one("address", json_string("ул. Абая 1, кв. 2\nАлматы")), "newline");
    personal_ok(one("address", json_string("line 1\r\nline 2\tend")), "CRLF and tab");
    personal_ok(one("notes", json_string("First meeting.\n\nSecond paragraph.")), "notes");
    personal_bad(one("address", json_string("Abai street\x01")), "personal.address", "Abai",
                 "control char");
    personal_bad(one("notes", json_string("met Zhanar\x08")), "personal.notes", "Zhanar",
                 "backspace");
    personal_bad(one("notes", json_string("met Zhanar\x7f")), "personal.notes", "Zhanar", "DEL");
    personal_bad(one("address", json_string("")), "personal.address", NULL, "empty");
    personal_bad(one("notes", json_integer(1)), "personal.notes", NULL, "number");
    char *s = text_of(1000, "ң");
    personal_ok(one("address", json_string(s)), "address exactly at max");
    free(s);
    s = text_of(1001, "ң");
    personal_bad(one("address", json_string(s)), "personal.address", s, "address max+1");
    free(s);
    s = text_of(20000, "a\n");
    personal_ok(one("notes", json_string(s)), "notes exactly at max");
    free(s);
    s = text_of(20001, "a\n");
    personal_bad(one("notes", json_string(s)), "personal.notes", NULL, "notes max+1");
    free(s);
}

static void test_personal_phone(void **state)
{
    (void)state;
    personal_ok(one("phone", json_string("+7 (701) 555-01-23")), "formatted");
    personal_ok(one("phone", json_string("87015550123")), "digits");
    personal_ok(one("phone", json_string("12345")), "five digits");
    char *s = text_of(32, "5");
    personal_ok(one("phone", json_string(s)), "exactly 32");
    free(s);
    s = text_of(33, "5");
    personal_bad(one("phone", json_string(s)), "personal.phone", s, "33");
    free(s);
    personal_bad(one("phone", json_string("1234")), "personal.phone", "1234", "four digits");
    personal_bad(one("phone", json_string("+7 701 CALL-ME")), "personal.phone", "CALL-ME",
                 "letters");
    personal_bad(one("phone", json_string("+7701555012\n3")), "personal.phone", NULL, "newline");
    personal_bad(one("phone", json_string("")), "personal.phone", NULL, "empty");
    personal_bad(one("phone", json_integer(87015550123)), "personal.phone", "87015550123", "number");
}

static void test_personal_contacts(void **state)
{
    (void)state;
    json_t *p = json_pack("{s:[{s:s, s:s, s:s}, {s:s}]}", "contacts", "name", "Marat Zhaksybekov",
                          "relation", "uncle", "phone", "+7 702 555 0101", "name", "Gulnara");
    personal_ok(p, "two contacts");
    personal_ok(json_pack("{s:[]}", "contacts"), "empty list");
    p = json_pack("{s:[{s:s}, {s:s}]}", "contacts", "phone", "+7 702 555 0101", "phone", "77-x");
    personal_bad(p, "personal.contacts[1].phone", "77-x", "second contact's phone");
    p = json_pack("{s:[{s:s}]}", "contacts", "name", "Marat\nZhaksybekov");
    personal_bad(p, "personal.contacts[0].name", "Marat", "name with newline");
    p = json_pack("{s:[{s:s}]}", "contacts", "relation", "");
    personal_bad(p, "personal.contacts[0].relation", NULL, "empty relation");
    char *long_rel = text_of(101, "r");
    p = json_pack("{s:[{s:s}]}", "contacts", "relation", long_rel);
    personal_bad(p, "personal.contacts[0].relation", long_rel, "relation max+1");
    free(long_rel);
    char *rel = text_of(100, "r");
    personal_ok(json_pack("{s:[{s:s}]}", "contacts", "relation", rel), "relation at max");
    free(rel);
    p = json_pack("{s:[{s:s}, {s:s}, {s:s}]}", "contacts", "name", "A", "name", "B", "email",
                  "marat@example.org");
    personal_bad(p, "personal.contacts[2]", "marat@example.org", "unknown member");
    p = json_pack("{s:[{s:s}, s]}", "contacts", "name", "A", "Marat");
    personal_bad(p, "personal.contacts[1]", "Marat", "not an object");
    personal_bad(json_pack("{s:s}", "contacts", "Marat"), "personal.contacts", "Marat",
                 "not a list");
    personal_bad(json_pack("{s:{s:s}}", "contacts", "name", "Marat"), "personal.contacts", "Marat",
                 "an object, not a list");
    json_t *list = json_array();
    for (int i = 0; i < 20; i++)
        json_array_append_new(list, json_pack("{s:s}", "name", "Contact"));
    p = json_pack("{s:O}", "contacts", list);
    personal_ok(p, "20 contacts");
    json_array_append_new(list, json_pack("{s:s}", "name", "Contact"));
    p = json_pack("{s:o}", "contacts", list);
    personal_bad(p, "personal.contacts", NULL, "21 contacts");
}

static void test_personal_relatives(void **state)
{
    (void)state;
    json_t *p = json_pack("{s:[{s:s, s:s, s:s}]}", "relatives", "name", "Saule Omarova",
                          "relation", "mother", "notes", "Lives abroad.\nCalls on Sundays.");
    personal_ok(p, "relative");
    p = json_pack("{s:[{s:s}, {s:s}]}", "relatives", "name", "Saule", "name", "Saule\x02Omarova");
    personal_bad(p, "personal.relatives[1].name", "Omarova", "second relative's name");
    p = json_pack("{s:[{s:s}]}", "relatives", "phone", "+7 702 555 0101");
    personal_bad(p, "personal.relatives[0]", "555", "phone is not a relative field");
    p = json_pack("{s:[{s:s}]}", "relatives", "notes", "bad\x03");
    personal_bad(p, "personal.relatives[0].notes", NULL, "control char in notes");
    char *s = text_of(1000, "n");
    personal_ok(json_pack("{s:[{s:s}]}", "relatives", "notes", s), "notes at max");
    free(s);
    s = text_of(1001, "n");
    personal_bad(json_pack("{s:[{s:s}]}", "relatives", "notes", s), "personal.relatives[0].notes",
                 NULL, "notes max+1");
    free(s);
    json_t *list = json_array();
    for (int i = 0; i < 21; i++)
        json_array_append_new(list, json_pack("{s:s}", "name", "R"));
    personal_bad(json_pack("{s:o}", "relatives", list), "personal.relatives", NULL, "21 relatives");
    personal_bad(json_pack("{s:[i]}", "relatives", 4), "personal.relatives[0]", NULL, "number");
}

static void test_personal_languages(void **state)
{
    (void)state;
    personal_ok(json_pack("{s:[s, s, s]}", "languages", "kk", "ru", "uz"), "three");
    personal_ok(json_pack("{s:[s]}", "languages", "kir"), "three letters");
    personal_ok(json_pack("{s:[]}", "languages"), "none");
    personal_bad(json_pack("{s:[s, s]}", "languages", "kk", "KK"), "personal.languages", NULL,
                 "upper case");
    personal_bad(json_pack("{s:[s]}", "languages", "k"), "personal.languages", NULL, "one letter");
    personal_bad(json_pack("{s:[s]}", "languages", "kaza"), "personal.languages", "kaza",
                 "four letters");
    personal_bad(json_pack("{s:[s]}", "languages", "k1"), "personal.languages", NULL, "digit");
    personal_bad(json_pack("{s:[i]}", "languages", 7), "personal.languages", NULL, "number");
    personal_bad(json_pack("{s:s}", "languages", "kk"), "personal.languages", NULL, "not a list");
    json_t *ten = json_array();
    for (int i = 0; i < 10; i++)
        json_array_append_new(ten, json_string("ru"));
    personal_ok(json_pack("{s:O}", "languages", ten), "ten");
    json_array_append_new(ten, json_string("ru"));
    personal_bad(json_pack("{s:o}", "languages", ten), "personal.languages", NULL, "eleven");
}

static void test_personal_object_and_unknown(void **state)
{
    (void)state;
    personal_ok(json_object(), "empty");
    personal_bad(one("nickname", json_string("Zhaniko")), "personal", "Zhaniko", "unknown field");
    personal_bad(one("shelter_address", json_string("secret place")), "personal", "secret place",
                 "no shelter locations");
    personal_bad(json_array(), "personal", NULL, "array");
    personal_bad(json_string("Zhanar"), "personal", "Zhanar", "string");
    qg_error err = {0};
    check_refusal(case_input_check_personal(NULL, &err), &err, "personal", NULL, "NULL");
    /* a full, valid personal part */
    char iin[13];
    make_iin(2010, 6, 15, 'M', iin);
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[{s:s}], s:[{s:s}], s:s}",
                          "given_name", "Arman", "family_name", "Tulegenov", "patronymic",
                          "Serikovich", "birth_date", "2010-06-15", "iin", iin, "address",
                          "Shymkent", "phone", "+7 705 555 0199", "languages", "kk", "contacts",
                          "phone", "+7 705 555 0100", "relatives", "relation", "brother",
                          "notes", "Met at school.");
    personal_ok(p, "full");
}

/* ---- reconciliation ----------------------------------------------------------------- */

static qg_code reconcile(json_t *fields, json_t *personal, qg_error *err)
{
    qg_code c = case_input_reconcile(fields, personal, err);
    json_decref(personal);
    return c;
}

static void test_reconcile_iin_and_birth_date(void **state)
{
    (void)state;
    char iin[13];
    make_iin(2011, 3, 14, 'F', iin);
    qg_error err = {0};
    json_t *fields = json_object();
    assert_int_equal(reconcile(fields, json_pack("{s:s, s:s}", "iin", iin, "birth_date", "2011-03-14"),
                               &err), QG_OK);
    json_decref(fields);
    fields = json_object();
    qg_code c = reconcile(fields, json_pack("{s:s, s:s}", "iin", iin, "birth_date", "2011-03-15"), &err);
    check_refusal(c, &err, "personal.iin", iin, "IIN date vs birth_date");
    assert_null(strstr(err.message, "2011-03-15"));
    assert_null(json_object_get(fields, "birth_year")); /* nothing filled on refusal */
    json_decref(fields);
    /* an IIN that is itself invalid is left to the validator; the birth date still counts */
    fields = json_object();
    assert_int_equal(reconcile(fields, json_pack("{s:s, s:s}", "iin", "000000000000", "birth_date",
                                                 "2011-03-15"), &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(fields, "birth_year")), 2011);
    json_decref(fields);
}

static void test_reconcile_sex(void **state)
{
    (void)state;
    char girl[13], boy[13];
    make_iin(2011, 3, 14, 'F', girl);
    make_iin(2009, 8, 1, 'M', boy);
    qg_error err = {0};
    json_t *fields = json_pack("{s:s}", "sex", "Masculine");
    qg_code c = reconcile(fields, json_pack("{s:s}", "iin", girl), &err);
    check_refusal(c, &err, "sex", girl, "female digit, Masculine");
    json_decref(fields);
    fields = json_pack("{s:s}", "sex", "Feminine");
    c = reconcile(fields, json_pack("{s:s}", "iin", boy), &err);
    check_refusal(c, &err, "sex", boy, "male digit, Feminine");
    json_decref(fields);
    const char *agree[][2] = {{"Feminine", "F"}, {"Masculine", "M"}};
    for (size_t i = 0; i < 2; i++) {
        fields = json_pack("{s:s}", "sex", agree[i][0]);
        assert_int_equal(reconcile(fields, json_pack("{s:s}", "iin", agree[i][1][0] == 'F' ? girl : boy),
                                   &err), QG_OK);
        json_decref(fields);
    }
    /* the other codes never clash with the IIN's digit */
    const char *free_codes[] = {"TransgenderFeminine", "TransgenderMasculine", "NonConforming",
                                "NonSpecifiedUnknown"};
    for (size_t i = 0; i < 4; i++) {
        fields = json_pack("{s:s}", "sex", free_codes[i]);
        assert_int_equal(reconcile(fields, json_pack("{s:s}", "iin", girl), &err), QG_OK);
        json_decref(fields);
        fields = json_pack("{s:s}", "sex", free_codes[i]);
        assert_int_equal(reconcile(fields, json_pack("{s:s}", "iin", boy), &err), QG_OK);
        json_decref(fields);
    }
}

static void test_reconcile_birth_year(void **state)
{
    (void)state;
    qg_error err = {0};
    json_t *fields = json_object();
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2012-11-30"), &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(fields, "birth_year")), 2012);
    json_decref(fields);
    /* from the IIN alone */
    char iin[13];
    make_iin(2008, 1, 2, 'M', iin);
    fields = json_object();
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "iin", iin), &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(fields, "birth_year")), 2008);
    json_decref(fields);
    /* given and agreeing, kept; given and disagreeing, refused */
    fields = json_pack("{s:i}", "birth_year", 2012);
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2012-11-30"), &err), QG_OK);
    json_decref(fields);
    fields = json_pack("{s:i}", "birth_year", 2013);
    qg_code c = reconcile(fields, json_pack("{s:s}", "birth_date", "2012-11-30"), &err);
    check_refusal(c, &err, "birth_year", "2012-11-30", "birth_year mismatch");
    json_decref(fields);
    /* a cleared (null) birth_year is filled in again */
    fields = json_pack("{s:n}", "birth_year");
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2012-11-30"), &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(fields, "birth_year")), 2012);
    json_decref(fields);
}

static void test_reconcile_age(void **state)
{
    (void)state;
    qg_error err = {0};
    /* the day before the birthday, and on it */
    json_t *fields = json_pack("{s:s}", "identified_on", "2020-06-14");
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2010-06-15"), &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(fields, "age_at_identification")), 9);
    json_decref(fields);
    fields = json_pack("{s:s}", "identified_on", "2020-06-15");
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2010-06-15"), &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(fields, "age_at_identification")), 10);
    json_decref(fields);
    /* identified on the day of birth: age 0 */
    fields = json_pack("{s:s}", "identified_on", "2010-06-15");
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2010-06-15"), &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(fields, "age_at_identification")), 0);
    json_decref(fields);
    /* given and agreeing / disagreeing */
    fields = json_pack("{s:s, s:i}", "identified_on", "2020-06-15", "age_at_identification", 10);
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2010-06-15"), &err), QG_OK);
    json_decref(fields);
    fields = json_pack("{s:s, s:i}", "identified_on", "2020-06-15", "age_at_identification", 12);
    qg_code c = reconcile(fields, json_pack("{s:s}", "birth_date", "2010-06-15"), &err);
    check_refusal(c, &err, "age_at_identification", "2010-06-15", "age mismatch");
    json_decref(fields);
    /* older than the age limit: birth_year filled, age left out */
    fields = json_pack("{s:s}", "identified_on", "2024-01-01");
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "1900-01-01"), &err), QG_OK);
    assert_null(json_object_get(fields, "age_at_identification"));
    json_decref(fields);
    /* without identified_on there is no age to derive */
    fields = json_object();
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "birth_date", "2010-06-15"), &err), QG_OK);
    assert_null(json_object_get(fields, "age_at_identification"));
    json_decref(fields);
}

static void test_reconcile_identified_before_birth(void **state)
{
    (void)state;
    qg_error err = {0};
    json_t *fields = json_pack("{s:s}", "identified_on", "2010-06-14");
    qg_code c = reconcile(fields, json_pack("{s:s}", "birth_date", "2010-06-15"), &err);
    check_refusal(c, &err, "identified_on", "2010-06-15", "a day before birth");
    json_decref(fields);
    char iin[13];
    make_iin(2015, 9, 1, 'F', iin);
    fields = json_pack("{s:s}", "identified_on", "2012-01-01");
    c = reconcile(fields, json_pack("{s:s}", "iin", iin), &err);
    check_refusal(c, &err, "identified_on", iin, "years before the IIN's birth date");
    json_decref(fields);
}

static void test_reconcile_nothing_to_do(void **state)
{
    (void)state;
    qg_error err = {0};
    json_t *fields = json_pack("{s:s, s:i}", "sex", "Masculine", "birth_year", 2001);
    assert_int_equal(reconcile(fields, json_pack("{s:s}", "given_name", "Timur"), &err), QG_OK);
    assert_int_equal(json_object_size(fields), 2);
    assert_int_equal(json_integer_value(json_object_get(fields, "birth_year")), 2001);
    json_decref(fields);
    fields = json_object();
    assert_int_equal(reconcile(fields, json_object(), &err), QG_OK);
    assert_int_equal(json_object_size(fields), 0);
    json_decref(fields);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_sex),
        cmocka_unit_test(test_fields_citizenship),
        cmocka_unit_test(test_fields_region),
        cmocka_unit_test(test_fields_stage),
        cmocka_unit_test(test_fields_age),
        cmocka_unit_test(test_fields_birth_year),
        cmocka_unit_test(test_fields_identified_on),
        cmocka_unit_test(test_fields_status_refused),
        cmocka_unit_test(test_fields_unknown_refused),
        cmocka_unit_test(test_fields_also_allowed_and_body),
        cmocka_unit_test(test_personal_names),
        cmocka_unit_test(test_personal_invalid_utf8),
        cmocka_unit_test(test_personal_birth_date),
        cmocka_unit_test(test_personal_iin),
        cmocka_unit_test(test_personal_address_and_notes),
        cmocka_unit_test(test_personal_phone),
        cmocka_unit_test(test_personal_contacts),
        cmocka_unit_test(test_personal_relatives),
        cmocka_unit_test(test_personal_languages),
        cmocka_unit_test(test_personal_object_and_unknown),
        cmocka_unit_test(test_reconcile_iin_and_birth_date),
        cmocka_unit_test(test_reconcile_sex),
        cmocka_unit_test(test_reconcile_birth_year),
        cmocka_unit_test(test_reconcile_age),
        cmocka_unit_test(test_reconcile_identified_before_birth),
        cmocka_unit_test(test_reconcile_nothing_to_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
