/* case_access.c — the role check, finding a case and where it stands, for every service
 * that hangs its records on a case (see case_access.h). */
#include "core/case/case_access.h"

#include <stdio.h>
#include <string.h>

#include "core/case/case_load.h"

qg_code case_precheck(const qg_actor *actor, qg_action action, const char *code_in,
                      char code[QG_CODE_SIZE], qg_error *err)
{
    if (policy_decide(actor, action, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed", "your role may not do this");
    return child_code_parse(code_in, "code", code, err);
}

qg_code case_state_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       case_state *out, qg_error *err)
{
    case_row r = {0};
    memset(out, 0, sizeof *out);
    qg_code c = case_load_part(conn, actor, action, code, &r, err);
    if (c == QG_OK) {
        const char *stage = json_string_value(json_object_get(r.fields, "stage"));
        const char *status = json_string_value(json_object_get(r.fields, "status"));
        out->id = r.id;
        out->org_id = r.org_id;
        snprintf(out->stage, sizeof out->stage, "%s", stage ? stage : "");
        /* a withdrawn case takes no new records either (policy.h) */
        out->closed = status && (strcmp(status, "closed") == 0 || r.facts.withdrawn);
        out->withdrawn = r.facts.withdrawn;
    }
    case_row_free(&r);
    return c;
}

qg_code case_find_for(db *conn, const qg_actor *actor, qg_action action, const char *code,
                      int64_t *case_id, qg_error *err)
{
    case_state state;
    qg_code c = case_state_for(conn, actor, action, code, &state, err);
    *case_id = state.id;
    return c;
}

qg_code case_find_open(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       int64_t *case_id, qg_error *err)
{
    case_state state;
    qg_code c = case_state_for(conn, actor, action, code, &state, err);
    *case_id = state.id;
    if (c == QG_OK && state.withdrawn)
        c = qg_fail(err, QG_ECONFLICT, "status", "case.withdrawn",
                    "the case was withdrawn; it can only be read");
    else if (c == QG_OK && state.closed)
        c = qg_fail(err, QG_ECONFLICT, "status", "case.closed",
                    "the case is closed; reopen it first");
    return c;
}
