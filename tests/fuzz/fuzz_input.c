/*
 * fuzz_input.c — libFuzzer target for everything that reads untrusted text before it
 * is stored: case fields and personal data (as the API receives them), the IIN
 * validator and the child-code parser. The properties checked, beyond "never crashes or
 * trips a sanitizer", are that no error message ever repeats the input and that an
 * error's field is a field name, never a key the sender chose.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case_input.h"
#include "core/case/child_code.h"
#include "core/case/iin.h"
#include "fuzz/fuzz_echo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_text(const char *text)
{
    qg_error err = {0};
    char code[QG_CODE_SIZE];
    iin_info info;
    if (child_code_parse(text, "code", code, &err) != QG_OK)
        fuzz_assert_no_echo(err.message, text, strlen(text));
    if (iin_validate(text, "iin", &info, &err) != QG_OK)
        fuzz_assert_no_echo(err.message, text, strlen(text));
}

static void fuzz_json(json_t *body)
{
    static const char *const extra[] = {"personal", NULL};
    qg_error err = {0};
    json_t *personal = json_object_get(body, "personal");
    if (case_input_check_fields(body, extra, &err) != QG_OK) {
        fuzz_assert_plain_field(err.field);
        return;
    }
    if (!json_is_object(personal))
        return;
    if (case_input_check_personal(personal, &err) != QG_OK) {
        fuzz_assert_plain_field(err.field);
        return;
    }
    json_t *fields = json_deep_copy(body);
    case_input_reconcile(fields, personal, &err);
    json_decref(fields);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    fuzz_text(text);
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object(body))
        fuzz_json(body);
    json_decref(body);
    free(text);
    return 0;
}
