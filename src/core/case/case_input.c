/* case_input.c — validation of case fields and personal data (see case_input.h). */
#include "core/case/case_input.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/account.h"
#include "core/case/case_profile.h"
#include "core/common/input.h"
#include "base/text.h"
#include "core/case/iin.h"
#include "core/vocab/vocab.h"

#define NAME_MAX_BYTES 200
#define ADDRESS_MAX 1000
#define NOTES_MAX 20000
#define RELATION_MAX 100
#define PHONE_MAX 32
#define LIST_MAX 20
#define LANGUAGES_MAX 10
#define CASE_NUMBER_MAX 64

static int this_year(void)
{
    char today[11];
    text_today(today);
    return (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
           (today[3] - '0');
}

/* A past-or-today calendar date no earlier than min. */
static qg_code check_date(json_t *v, const char *min, const char *field, qg_error *err)
{
    const char *s = json_string_value(v);
    if (!s || !text_parse_date(s, NULL, NULL, NULL))
        return qg_fail(err, QG_EINVAL, field, "date.format",
                       "must be a real date written YYYY-MM-DD");
    char today[11];
    text_today(today);
    if (strcmp(s, today) > 0)
        return qg_fail(err, QG_EINVAL, field, "date.in_future", "must not be in the future");
    if (min && strcmp(s, min) < 0)
        return qg_fail(err, QG_EINVAL, field, "date.too_early", "must not be before %s", min);
    return QG_OK;
}

/* An unknown key is not named back: a key can be anything the sender typed, even a
 * child's name. The error names the object holding it ("body", "personal",
 * "personal.contacts[2]"). path is the key alone, "personal." and the key, or a list
 * entry ("personal.contacts[2].") and the key: only a prefix the code wrote (a known
 * list and digits) is kept, since the key itself may hold "]" or ".". */
static qg_code unknown_member(const char *path, const char *message, qg_error *err)
{
    static const char *const lists[] = {"personal.contacts[", "personal.relatives[", NULL};
    char parent[QG_ERR_FIELD_MAX] = "body";
    const char *personal = "personal.";
    if (strncmp(path, personal, strlen(personal)) == 0)
        snprintf(parent, sizeof parent, "personal");
    for (size_t i = 0; lists[i]; i++) {
        size_t n = strlen(lists[i]);
        size_t digits = strncmp(path, lists[i], n) == 0 ? strspn(path + n, "0123456789") : 0;
        if (digits > 0 && path[n + digits] == ']' && path[n + digits + 1] == '.')
            snprintf(parent, sizeof parent, "%.*s", (int)(n + digits + 1), path);
    }
    return qg_fail(err, QG_EINVAL, parent, "body.unknown_key", "%s", message);
}

static qg_code check_int(json_t *v, long lo, long hi, const char *field, qg_error *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return qg_fail(err, QG_EINVAL, field, "number.out_of_range",
                       "must be a whole number from %ld to %ld", lo, hi);
    return QG_OK;
}

static qg_code check_code(json_t *v, const vocab_list *list, const char *field, qg_error *err)
{
    const char *s = json_string_value(v);
    if (!s || !vocab_has(list, s))
        return qg_fail(err, QG_EINVAL, field, "value.not_in_list", "is not a known %s code",
                       list->name);
    return QG_OK;
}

static qg_code check_field(const char *key, json_t *v, qg_error *err)
{
    if (strcmp(key, "sex") == 0)
        return check_code(v, &VOCAB_SEX, key, err);
    if (strcmp(key, "citizenship") == 0)
        return check_code(v, &VOCAB_COUNTRY, key, err);
    if (strcmp(key, "region") == 0)
        return check_code(v, &VOCAB_REGION, key, err);
    if (strcmp(key, "stage") == 0)
        return check_code(v, &VOCAB_STAGE, key, err);
    if (strcmp(key, "age_at_identification") == 0)
        return check_int(v, 0, CASE_AGE_MAX, key, err);
    if (strcmp(key, "birth_year") == 0)
        return check_int(v, CASE_BIRTH_YEAR_MIN, this_year(), key, err);
    if (strcmp(key, "identified_on") == 0)
        return check_date(v, CASE_DATE_MIN, key, err);
    if (strcmp(key, "status") == 0 || strcmp(key, "close_reason") == 0 ||
        strcmp(key, "closed_on") == 0)
        return qg_fail(err, QG_EINVAL, key, "value.read_only",
                       "changes only by closing or reopening the case");
    if (profile_is_field(key))
        return profile_check(key, v, err);
    return unknown_member(key, "holds a field that is not a case field", err);
}

/* The optional fields, which a null clears; every other name is checked as given. */
static const char *const clearable[] = {"sex", "citizenship", "region", "age_at_identification",
                                        "birth_year", NULL};

qg_code case_input_check_fields(json_t *obj, const char *const *also_allowed, qg_error *err)
{
    if (!json_is_object(obj))
        return qg_fail(err, QG_EINVAL, "body", "body.not_object", "must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (input_listed(key, also_allowed))
            continue;
        if (json_is_null(v) && input_listed(key, clearable))
            continue; /* clearing an optional field */
        qg_code c = check_field(key, v, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}


qg_code case_input_text(json_t *v, size_t max, bool multiline, const char *field, qg_error *err)
{
    const char *s = json_string_value(v);
    if (!s)
        return qg_fail(err, QG_EINVAL, field, "text.not_text", "must be text");
    if (!*s)
        return qg_fail(err, QG_EINVAL, field, "text.empty",
                       "must not be empty; leave it out instead");
    if (strlen(s) > max)
        return qg_fail(err, QG_EINVAL, field, "text.too_long", "is longer than %zu bytes", max);
    if (!text_utf8_valid(s, multiline))
        return qg_fail(err, QG_EINVAL, field, "text.invalid_characters",
                       "must be UTF-8 text without control characters");
    return QG_OK;
}

static qg_code check_phone(json_t *v, const char *field, qg_error *err)
{
    const char *s = json_string_value(v);
    size_t digits = 0;
    if (!s || strlen(s) > PHONE_MAX)
        return qg_fail(err, QG_EINVAL, field, "phone.too_long",
                       "must be a phone number of at most %d characters", PHONE_MAX);
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr("+-() ", *p))
            return qg_fail(err, QG_EINVAL, field, "phone.characters",
                           "may hold only digits, spaces and + - ( )");
    }
    if (digits < 5)
        return qg_fail(err, QG_EINVAL, field, "phone.too_few_digits",
                       "must have at least 5 digits");
    return QG_OK;
}

typedef qg_code (*member_check)(const char *key, json_t *v, const char *field, qg_error *err);

/* An array of at most max objects, each member checked by fn. */
static qg_code check_object_list(json_t *v, size_t max, member_check fn, const char *field,
                                 qg_error *err)
{
    if (!json_is_array(v) || json_array_size(v) > max)
        return qg_fail(err, QG_EINVAL, field, "list.too_long",
                       "must be a list of at most %zu entries", max);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char at[QG_ERR_FIELD_MAX];
        snprintf(at, sizeof at, "%s[%zu]", field, i);
        if (!json_is_object(item))
            return qg_fail(err, QG_EINVAL, at, "body.not_object", "must be an object");
        const char *key;
        json_t *m;
        json_object_foreach(item, key, m) {
            char member[QG_ERR_FIELD_MAX];
            snprintf(member, sizeof member, "%s.%s", at, key);
            qg_code c = fn(key, m, member, err);
            if (c != QG_OK)
                return c;
        }
    }
    return QG_OK;
}

static qg_code contact_member(const char *key, json_t *v, const char *field, qg_error *err)
{
    if (strcmp(key, "name") == 0)
        return case_input_text(v, NAME_MAX_BYTES, false, field, err);
    if (strcmp(key, "relation") == 0)
        return case_input_text(v, RELATION_MAX, false, field, err);
    if (strcmp(key, "phone") == 0)
        return check_phone(v, field, err);
    return unknown_member(field, "holds a field that is not a contact field", err);
}

static qg_code relative_member(const char *key, json_t *v, const char *field, qg_error *err)
{
    if (strcmp(key, "name") == 0)
        return case_input_text(v, NAME_MAX_BYTES, false, field, err);
    if (strcmp(key, "relation") == 0)
        return case_input_text(v, RELATION_MAX, false, field, err);
    if (strcmp(key, "notes") == 0)
        return case_input_text(v, ADDRESS_MAX, true, field, err);
    return unknown_member(field, "holds a field that is not a relative field", err);
}

static qg_code check_languages(json_t *v, const char *field, qg_error *err)
{
    if (!json_is_array(v) || json_array_size(v) > LANGUAGES_MAX)
        return qg_fail(err, QG_EINVAL, field, "list.too_long",
                       "must be a list of at most %d language codes", LANGUAGES_MAX);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        const char *s = json_string_value(item);
        size_t n = s ? strlen(s) : 0;
        bool ok = n == 2 || n == 3;
        for (size_t k = 0; ok && k < n; k++)
            ok = s[k] >= 'a' && s[k] <= 'z';
        if (!ok)
            return qg_fail(err, QG_EINVAL, field, "language.not_iso639",
                           "entry %zu must be an ISO 639 code such as kk, ru, uz", i);
    }
    return QG_OK;
}

static qg_code personal_member(const char *key, json_t *v, const char *field, qg_error *err)
{
    if (!strcmp(key, "given_name") || !strcmp(key, "family_name") || !strcmp(key, "patronymic"))
        return case_input_text(v, NAME_MAX_BYTES, false, field, err);
    if (strcmp(key, "birth_date") == 0)
        return check_date(v, NULL, field, err);
    if (strcmp(key, "iin") == 0)
        return json_is_string(v)
                   ? iin_validate(json_string_value(v), field, NULL, err)
                   : qg_fail(err, QG_EINVAL, field, "iin.length", "must be text of 12 digits");
    if (strcmp(key, "address") == 0)
        return case_input_text(v, ADDRESS_MAX, true, field, err);
    if (strcmp(key, "phone") == 0)
        return check_phone(v, field, err);
    if (strcmp(key, "contacts") == 0)
        return check_object_list(v, LIST_MAX, contact_member, field, err);
    if (strcmp(key, "relatives") == 0)
        return check_object_list(v, LIST_MAX, relative_member, field, err);
    if (strcmp(key, "languages") == 0)
        return check_languages(v, field, err);
    if (strcmp(key, "notes") == 0)
        return case_input_text(v, NOTES_MAX, true, field, err);
    if (strcmp(key, "criminal_case_number") == 0) /* sealed with the rest (issue 4 §3) */
        return case_input_text(v, CASE_NUMBER_MAX, false, field, err);
    return unknown_member(field, "holds a field that is not a personal-data field", err);
}

qg_code case_input_check_personal(json_t *personal, qg_error *err)
{
    if (!json_is_object(personal))
        return qg_fail(err, QG_EINVAL, "personal", "body.not_object", "must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(personal, key, v) {
        char field[QG_ERR_FIELD_MAX];
        snprintf(field, sizeof field, "personal.%s", key);
        qg_code c = personal_member(key, v, field, err);
        if (c != QG_OK)
            return c;
    }
    return QG_OK;
}

/* Birth date from personal: the birth_date field, else the date inside the IIN. */
static bool birth_date_of(json_t *personal, int *y, int *m, int *d, qg_error *err, qg_code *c)
{
    const char *bd = json_string_value(json_object_get(personal, "birth_date"));
    const char *iin = json_string_value(json_object_get(personal, "iin"));
    iin_info info;
    *c = QG_OK;
    if (iin && iin_validate(iin, "personal.iin", &info, err) == QG_OK) {
        int by, bm, bday;
        if (bd && text_parse_date(bd, &by, &bm, &bday) &&
            (by != info.year || bm != info.month || bday != info.day)) {
            *c = qg_fail(err, QG_EINVAL, "personal.iin", "iin.birth_date_mismatch",
                         "does not match personal.birth_date");
            return false;
        }
        *y = info.year, *m = info.month, *d = info.day;
        return true;
    }
    return bd && text_parse_date(bd, y, m, d);
}

static qg_code reconcile_sex(json_t *fields, json_t *personal, qg_error *err)
{
    const char *iin = json_string_value(json_object_get(personal, "iin"));
    const char *sex = json_string_value(json_object_get(fields, "sex"));
    iin_info info;
    if (!iin || !sex || iin_validate(iin, "personal.iin", &info, err) != QG_OK)
        return QG_OK;
    bool clash = (strcmp(sex, "Feminine") == 0 && info.sex == IIN_SEX_MALE) ||
                 (strcmp(sex, "Masculine") == 0 && info.sex == IIN_SEX_FEMALE);
    return clash ? qg_fail(err, QG_EINVAL, "sex", "sex.iin_mismatch",
                           "does not match the sex digit of personal.iin")
                 : QG_OK;
}

static int age_on(int by, int bm, int bd, const char *date)
{
    int y, m, d;
    if (!text_parse_date(date, &y, &m, &d))
        return -1;
    int age = y - by;
    if (m < bm || (m == bm && d < bd))
        age--;
    return age;
}

qg_code case_input_reconcile(json_t *fields, json_t *personal, qg_error *err)
{
    qg_code c = reconcile_sex(fields, personal, err);
    int y, m, d;
    if (c != QG_OK || !birth_date_of(personal, &y, &m, &d, err, &c))
        return c;
    json_t *year = json_object_get(fields, "birth_year");
    if (json_is_integer(year) && json_integer_value(year) != y)
        return qg_fail(err, QG_EINVAL, "birth_year", "birth_year.birth_date_mismatch",
                       "does not match the birth date in personal data");
    if (!json_is_integer(year))
        json_object_set_new(fields, "birth_year", json_integer(y));
    const char *on = json_string_value(json_object_get(fields, "identified_on"));
    int age = on ? age_on(y, m, d, on) : -1;
    if (on && age < 0)
        return qg_fail(err, QG_EINVAL, "identified_on", "date.before_birth",
                       "is before the birth date");
    json_t *given = json_object_get(fields, "age_at_identification");
    if (age >= 0 && json_is_integer(given) && json_integer_value(given) != age)
        return qg_fail(err, QG_EINVAL, "age_at_identification", "age.birth_date_mismatch",
                       "does not match the birth date in personal data");
    if (age >= 0 && age <= CASE_AGE_MAX && !json_is_integer(given))
        json_object_set_new(fields, "age_at_identification", json_integer(age));
    return QG_OK;
}

/* A value that says something: present, not null, not an empty string. */
static bool given(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v) && !(json_is_string(v) && json_string_length(v) == 0);
}

qg_code case_input_check_not_empty(json_t *body, qg_error *err)
{
    static const char *const coded[] = {"sex", "age_at_identification", "birth_year", NULL};
    static const char *const personal[] = {"given_name", "family_name", "patronymic",
                                           "birth_date", "iin", NULL};
    json_t *p = json_object_get(body, "personal");
    for (size_t i = 0; coded[i]; i++)
        if (given(body, coded[i]))
            return QG_OK;
    for (size_t i = 0; json_is_object(p) && personal[i]; i++)
        if (given(p, personal[i]))
            return QG_OK;
    return qg_fail(err, QG_EINVAL, "sex", "case.empty",
                   "a new case needs at least the child's sex, age, birth year or name");
}
