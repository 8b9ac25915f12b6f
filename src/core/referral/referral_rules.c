/* referral_rules.c — the rules of a referral that need no storage: the state machine,
 * which parts are personal and which services need them, the checks of request bodies,
 * and the random references and reply codes (see referral.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/case/case_input.h"
#include "core/common/input.h"
#include "core/referral/referral.h"
#include "base/text.h"
#include "core/vocab/vocab.h"
#include "crypto/crypto.h"

/* ---- actions and the state machine ------------------------------------------------- */

static const char *const action_names[REF_ACTION_COUNT] = {
    [REF_ACCEPT] = "accept",   [REF_DECLINE] = "decline",           [REF_START] = "start",
    [REF_COMPLETE] = "complete", [REF_NOT_COMPLETE] = "not_complete", [REF_CANCEL] = "cancel",
};

bool referral_action_parse(const char *name, referral_action *out)
{
    if (name && strcmp(name, "not-complete") == 0)
        name = "not_complete";
    for (int i = 0; name && i < REF_ACTION_COUNT; i++)
        if (strcmp(name, action_names[i]) == 0) {
            *out = (referral_action)i;
            return true;
        }
    return false;
}

const char *referral_action_name(referral_action a)
{
    return a >= 0 && a < REF_ACTION_COUNT ? action_names[a] : "unknown";
}

bool referral_action_by_sender(referral_action a) { return a == REF_CANCEL; }

/* Every transition there is; anything else is refused. */
static const struct {
    const char *from;
    referral_action action;
    const char *to;
} transitions[] = {
    {"sent", REF_ACCEPT, "accepted"},          {"sent", REF_DECLINE, "declined"},
    {"sent", REF_CANCEL, "cancelled"},         {"accepted", REF_START, "in_service"},
    {"accepted", REF_CANCEL, "cancelled"},     {"in_service", REF_COMPLETE, "completed"},
    {"in_service", REF_NOT_COMPLETE, "not_completed"}, {"in_service", REF_CANCEL, "cancelled"},
};

qg_code referral_next_status(const char *from, referral_action a, const char **to, qg_error *err)
{
    *to = NULL;
    for (size_t i = 0; from && i < sizeof transitions / sizeof *transitions; i++)
        if (transitions[i].action == a && strcmp(transitions[i].from, from) == 0) {
            *to = transitions[i].to;
            return QG_OK;
        }
    return qg_fail(err, QG_ECONFLICT, "status", "referral.status_forbids",
                   "the referral's status does not allow this");
}

bool referral_status_open(const char *status)
{
    return status && (strcmp(status, "sent") == 0 || strcmp(status, "accepted") == 0 ||
                      strcmp(status, "in_service") == 0);
}

/* ---- parts and services --------------------------------------------------------------- */

bool referral_part_personal(const char *part)
{
    static const char *const personal[] = {"identity", "contact", "assessment", "safety_plan",
                                           NULL};
    return input_listed(part, personal);
}

/* identity and contact go only where the service cannot be given without them */
static bool part_needs_identity_service(const char *part)
{
    return part && (strcmp(part, "identity") == 0 || strcmp(part, "contact") == 0);
}

bool referral_service_takes_identity(const char *service)
{
    static const char *const services[] = {
        "shelter_day", "shelter_24h", "shelter_long_stay", "medical",        "psychiatric",
        "legal",       "education",   "vocational_training", "family_tracing", "case_management",
        "protection",  "interpreter", NULL};
    return input_listed(service, services);
}

/* ---- bodies ------------------------------------------------------------------------------ */

static qg_code check_recipient(json_t *body, qg_error *err)
{
    json_t *org = json_object_get(body, "to_org"), *name = json_object_get(body, "to_name");
    if (!org && !name)
        return qg_fail(
            err, QG_EINVAL, "to_org", "referral.recipient_required",
            "is required: an organisation's id, or to_name for one that is not on Qorgau");
    if (org && name)
        return qg_fail(err, QG_EINVAL, "to_name", "referral.recipient_twice",
                       "give either to_org or to_name, not both");
    if (org && (!json_is_integer(org) || json_integer_value(org) < 1))
        return qg_fail(err, QG_EINVAL, "to_org", "org.id_format", "must be an organisation's id");
    return name ? case_input_text(name, REFERRAL_TO_NAME_MAX, false, "to_name", err) : QG_OK;
}

/* One part: a known code, not given twice, personal only where allowed. */
static qg_code check_part(json_t *parts, size_t i, const char *service, bool off_platform,
                          qg_error *err)
{
    char field[32];
    const char *p = json_string_value(json_array_get(parts, i));
    snprintf(field, sizeof field, "parts[%zu]", i);
    if (!p || !vocab_has(&VOCAB_SHARE_PART, p))
        return qg_fail(err, QG_EINVAL, field, "value.not_in_list",
                       "is not a known share_part code");
    for (size_t k = 0; k < i; k++)
        if (strcmp(p, json_string_value(json_array_get(parts, k))) == 0)
            return qg_fail(err, QG_EINVAL, field, "list.duplicate", "is given twice");
    if (off_platform && referral_part_personal(p))
        return qg_fail(
            err, QG_EINVAL, field, "referral.personal_off_qorgau",
            "personal data never goes on a sheet for an organisation that is not on Qorgau");
    if (part_needs_identity_service(p) && !referral_service_takes_identity(service))
        return qg_fail(err, QG_EINVAL, field, "referral.part_not_needed",
                       "is not needed for this service");
    return QG_OK;
}

static qg_code check_parts(json_t *body, qg_error *err)
{
    json_t *parts = json_object_get(body, "parts");
    const char *service = json_string_value(json_object_get(body, "service"));
    bool off_platform = json_object_get(body, "to_name") != NULL;
    if (!json_is_array(parts) || json_array_size(parts) == 0 ||
        json_array_size(parts) > VOCAB_SHARE_PART.count)
        return qg_fail(err, QG_EINVAL, "parts", "list.required",
                       "must be a list of one or more share_part codes");
    qg_code c = QG_OK;
    for (size_t i = 0; c == QG_OK && i < json_array_size(parts); i++)
        c = check_part(parts, i, service, off_platform, err);
    return c;
}

static qg_code check_respond_by(json_t *body, const char *today, char respond_by[11], qg_error *err)
{
    json_t *v = json_object_get(body, "respond_by");
    char last[11];
    if (!referral_date_add(today, REFERRAL_RESPOND_MAX_DAYS, last))
        return qg_fail(err, QG_EINVAL, "respond_by", "clock.failure", "today is not a date");
    if (!v)
        return referral_date_add(today, REFERRAL_RESPOND_DAYS, respond_by)
                   ? QG_OK
                   : qg_fail(err, QG_EINVAL, "respond_by", "clock.failure", "today is not a date");
    const char *s = json_string_value(v);
    if (!s || !text_parse_date(s, NULL, NULL, NULL))
        return qg_fail(err, QG_EINVAL, "respond_by", "date.format",
                       "must be a real date written YYYY-MM-DD");
    if (strcmp(s, today) < 0)
        return qg_fail(err, QG_EINVAL, "respond_by", "date.in_past", "must not be in the past");
    if (strcmp(s, last) > 0)
        return qg_fail(err, QG_EINVAL, "respond_by", "date.too_far_ahead",
                       "must be at most %d days ahead", REFERRAL_RESPOND_MAX_DAYS);
    snprintf(respond_by, 11, "%s", s);
    return QG_OK;
}

qg_code referral_check_create(json_t *body, const char *today, char respond_by[11], qg_error *err)
{
    static const char *const keys[] = {"service",    "to_org", "to_name",          "parts",
                                       "respond_by", "note",   "emergency_reason", NULL};
    json_t *v;
    qg_code c = input_check_keys(body, keys, err);
    if (c == QG_OK &&
        !vocab_has(&VOCAB_SERVICE, json_string_value(json_object_get(body, "service"))))
        c = qg_fail(err, QG_EINVAL, "service", "value.required", "is required: a service code");
    if (c == QG_OK)
        c = check_recipient(body, err);
    if (c == QG_OK)
        c = check_parts(body, err);
    if (c == QG_OK)
        c = check_respond_by(body, today, respond_by, err);
    if (c == QG_OK && (v = json_object_get(body, "note")))
        c = case_input_text(v, REFERRAL_NOTE_MAX, true, "note", err);
    if (c == QG_OK && (v = json_object_get(body, "emergency_reason")))
        c = case_input_text(v, REFERRAL_REASON_TEXT_MAX, true, "emergency_reason", err);
    return c;
}

qg_code referral_check_transition(json_t *body, referral_action a, qg_error *err)
{
    static const char *const keys[] = {"reason", "note", "version", NULL};
    json_t *reason, *v;
    qg_code c = input_check_keys(body, keys, err);
    if (c != QG_OK)
        return c;
    reason = json_object_get(body, "reason");
    bool needs = a == REF_DECLINE || a == REF_NOT_COMPLETE;
    if (needs && !reason)
        return qg_fail(err, QG_EINVAL, "reason", "value.required",
                       "is required: a referral_reason code");
    if (reason && !needs && a != REF_CANCEL)
        return qg_fail(err, QG_EINVAL, "reason", "referral.reason_not_for_action",
                       "is only for declining, not completing or cancelling");
    if (reason && !vocab_has(&VOCAB_REFERRAL_REASON, json_string_value(reason)))
        return qg_fail(err, QG_EINVAL, "reason", "value.not_in_list",
                       "is not a known referral_reason code");
    if ((v = json_object_get(body, "note")) &&
        case_input_text(v, REFERRAL_NOTE_MAX, true, "note", err) != QG_OK)
        return err->code;
    v = json_object_get(body, "version");
    if (v && (!json_is_integer(v) || json_integer_value(v) < 1))
        return qg_fail(err, QG_EINVAL, "version", "version.format",
                       "must be a whole number from 1");
    return QG_OK;
}

bool referral_date_add(const char *ymd, int days, char out[11])
{
    int y, m, d;
    if (!text_parse_date(ymd, &y, &m, &d))
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t t = timegm(&tm) + (time_t)days * 86400;
    gmtime_r(&t, &tm);
    return strftime(out, 11, "%Y-%m-%d", &tm) == 10;
}

/* ---- references and reply codes ---------------------------------------------------------- */

/* Crockford base32 (no I, L, O, U). */
static const char ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Writes groups of four random symbols, hyphen-separated, after prefix. */
static void random_groups(const char *prefix, int symbols, char *out, size_t size)
{
    unsigned char raw[32];
    size_t pos = (size_t)snprintf(out, size, "%s", prefix);
    crypto_random_bytes(raw, (size_t)symbols);
    for (int i = 0; i < symbols; i++) {
        if (i > 0 && i % 4 == 0 && pos + 1 < size)
            out[pos++] = '-';
        if (pos + 1 < size)
            out[pos++] = ALPHABET[raw[i] & 31]; /* 256 is a multiple of 32: uniform */
    }
    out[pos] = '\0';
    crypto_wipe(raw, sizeof raw);
}

void referral_ref_new(char out[REFERRAL_REF_SIZE])
{
    random_groups("RF-", 12, out, REFERRAL_REF_SIZE);
}

void reply_code_new(char out[REPLY_CODE_SIZE]) { random_groups("", 16, out, REPLY_CODE_SIZE); }

/* The symbol for a typed character (upper-cased, I/L as 1, O as 0), or 0. */
static char symbol_of(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'I' || c == 'L')
        return '1';
    if (c == 'O')
        return '0';
    return c && strchr(ALPHABET, c) ? c : 0;
}

/* Collects the symbols of in (skipping hyphens and spaces) into sym; returns their
 * count, or -1 when in holds anything else or is too long. */
static int symbols_of(const char *in, char *sym, int max)
{
    int n = 0;
    for (size_t i = 0; in && in[i]; i++) {
        if (in[i] == '-' || in[i] == ' ')
            continue;
        char s = symbol_of(in[i]);
        if (!s || n == max)
            return -1;
        sym[n++] = s;
    }
    return in ? n : -1;
}

static void format_groups(const char *prefix, const char *sym, int n, char *out, size_t size)
{
    size_t pos = (size_t)snprintf(out, size, "%s", prefix);
    for (int i = 0; i < n; i++) {
        if (i > 0 && i % 4 == 0 && pos + 1 < size)
            out[pos++] = '-';
        if (pos + 1 < size)
            out[pos++] = sym[i];
    }
    out[pos] = '\0';
}

bool referral_ref_parse(const char *in, char out[REFERRAL_REF_SIZE])
{
    char sym[16];
    if (in && (in[0] == 'R' || in[0] == 'r') && (in[1] == 'F' || in[1] == 'f'))
        in += 2; /* F is a symbol too: the prefix is taken off first */
    if (symbols_of(in, sym, (int)sizeof sym) != 12)
        return false;
    format_groups("RF-", sym, 12, out, REFERRAL_REF_SIZE);
    return true;
}

bool reply_code_parse(const char *in, char out[REPLY_CODE_SIZE])
{
    char sym[20];
    if (symbols_of(in, sym, (int)sizeof sym) != 16)
        return false;
    format_groups("", sym, 16, out, REPLY_CODE_SIZE);
    return true;
}
