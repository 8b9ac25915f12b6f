/*
 * instrument_load.c — reads instrument files and sets of them (a folder), refusing a
 * file that fails the checks of instrument_parse.c with the path of the fault inside
 * it, and answers what a set holds.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument/instrument_impl.h"
#include "core/instrument/instrument_parse.h"

/* ---- files and sets ---------------------------------------------------------------- */

#ifndef QG_INSTRUMENTS_DIR
#define QG_INSTRUMENTS_DIR "instruments"
#endif

const char *instrument_dir(const char *explicit_dir)
{
    const char *env = getenv("QORGAU_INSTRUMENTS");
    if (explicit_dir)
        return explicit_dir;
    return env && *env ? env : QG_INSTRUMENTS_DIR;
}

void instrument_free(instrument *inst)
{
    if (!inst)
        return;
    free(inst->items);
    free(inst->sections);
    json_decref(inst->def);
    free(inst);
}

static qg_code read_json_file(const char *path, json_t **out, qg_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return qg_fail(err, QG_EIO, "file", "file.read_failed", "cannot be read");
    char *buf = malloc(INSTRUMENT_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, INSTRUMENT_FILE_MAX + 1, f) : 0;
    fclose(f);
    if (!buf)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (n > INSTRUMENT_FILE_MAX) {
        free(buf);
        return qg_fail(err, QG_ETOOLARGE, "file", "instrument.definition", "is larger than 1 MiB");
    }
    json_error_t jerr;
    *out = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
    free(buf);
    if (!*out)
        return qg_fail(err, QG_EINVAL, "file", "instrument.definition",
                       "is not valid JSON (line %d)", jerr.line);
    return QG_OK;
}

qg_code instrument_load_file(const char *path, instrument **out, qg_error *err)
{
    *out = NULL;
    instrument *inst = calloc(1, sizeof *inst);
    if (!inst)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    qg_code c = read_json_file(path, &inst->def, err);
    if (c == QG_OK)
        c = instrument_check_definition(inst, err);
    if (c != QG_OK) {
        instrument_free(inst);
        return c;
    }
    *out = inst;
    return QG_OK;
}

struct instrument_set {
    instrument **all;
    size_t count;
};

void instrument_set_free(instrument_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        instrument_free(set->all[i]);
    free(set->all);
    free(set);
}

/* Splits "<id>.v<N>.json"; returns false for any other name ending in .json. */
static bool file_name_parts(const char *name, char *id, size_t idsize, int *version)
{
    size_t n = strlen(name);
    const char *v = strstr(name, ".v");
    if (n < 8 || strcmp(name + n - 5, ".json") != 0 || !v || (size_t)(v - name) >= idsize)
        return false;
    char *end;
    long ver = strtol(v + 2, &end, 10);
    if (end == v + 2 || strcmp(end, ".json") != 0 || ver < 1 || ver > 9999)
        return false;
    memcpy(id, name, (size_t)(v - name));
    id[v - name] = '\0';
    *version = (int)ver;
    return true;
}

static qg_code set_add(instrument_set *set, instrument *inst, qg_error *err)
{
    if (instrument_find(set, inst->id, inst->version))
        return qg_fail(err, QG_EINVAL, "version", "instrument.definition",
                       "this id and version are loaded twice");
    instrument **grown = realloc(set->all, (set->count + 1) * sizeof *grown);
    if (!grown)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    set->all = grown;
    set->all[set->count++] = inst;
    return QG_OK;
}

static qg_code load_entry(instrument_set *set, const char *dir, const char *name, qg_error *err)
{
    char id[64], path[4096];
    int version;
    if (!file_name_parts(name, id, sizeof id, &version))
        return qg_fail(err, QG_EINVAL, "file", "instrument.definition",
                       "name must be <id>.v<version>.json");
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return qg_fail(err, QG_EINVAL, "file", "path.too_long", "path is too long");
    instrument *inst;
    qg_code c = instrument_load_file(path, &inst, err);
    if (c != QG_OK)
        return c;
    if (strcmp(inst->id, id) != 0 || inst->version != version)
        c = qg_fail(err, QG_EINVAL, "id", "instrument.definition",
                    "id and version must match the file name");
    if (c == QG_OK)
        c = set_add(set, inst, err);
    if (c != QG_OK)
        instrument_free(inst);
    return c;
}

qg_code instrument_set_load(const char *dir, instrument_set **out, char *file, size_t size,
                            qg_error *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return qg_fail(err, QG_EIO, "instruments", "file.read_failed", "directory cannot be read");
    instrument_set *set = calloc(1, sizeof *set);
    qg_code c = set ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    struct dirent *e;
    while (c == QG_OK && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        c = load_entry(set, dir, e->d_name, err);
        if (c != QG_OK && file)
            snprintf(file, size, "%s", e->d_name);
    }
    closedir(d);
    if (c == QG_OK && set->count == 0)
        c = qg_fail(err, QG_EINVAL, "instruments", "instrument.definition",
                    "directory holds no instrument");
    if (c != QG_OK) {
        instrument_set_free(set);
        return c;
    }
    *out = set;
    return QG_OK;
}

const instrument *instrument_find(const instrument_set *set, const char *id, int version)
{
    const instrument *best = NULL;
    for (size_t i = 0; set && id && i < set->count; i++) {
        const instrument *in = set->all[i];
        if (strcmp(in->id, id) != 0)
            continue;
        if (version ? in->version == version : (!best || in->version > best->version))
            best = in;
    }
    return best;
}

const char *instrument_id(const instrument *inst) { return inst->id; }

int instrument_version(const instrument *inst) { return inst->version; }

json_t *instrument_definition(const instrument *inst) { return json_incref(inst->def); }

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static json_t *versions_of(const instrument_set *set, const char *id)
{
    int found[64];
    size_t n = 0;
    for (size_t i = 0; i < set->count && n < 64; i++)
        if (strcmp(set->all[i]->id, id) == 0)
            found[n++] = set->all[i]->version;
    qsort(found, n, sizeof found[0], by_int);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_integer(found[i]));
    return list;
}

static json_t *summary(const instrument_set *set, const instrument *in)
{
    json_t *s = json_pack(
        "{s:s, s:i, s:o, s:O, s:O, s:O, s:O}", "id", in->id, "version", in->version, "versions",
        versions_of(set, in->id), "kind", json_object_get(in->def, "kind"), "title",
        json_object_get(in->def, "title"), "population", json_object_get(in->def, "population"),
        "source", json_object_get(in->def, "source"));
    json_t *acc = json_object_get(in->def, "accuracy");
    if (s && acc)
        json_object_set(s, "accuracy", acc);
    return s;
}

static int by_id(const void *a, const void *b)
{
    return strcmp((*(const instrument *const *)a)->id, (*(const instrument *const *)b)->id);
}

json_t *instrument_set_list(const instrument_set *set)
{
    instrument **sorted = malloc((set->count ? set->count : 1) * sizeof *sorted);
    json_t *list = json_array();
    if (!sorted || !list) {
        free(sorted);
        json_decref(list);
        return NULL;
    }
    memcpy(sorted, set->all, set->count * sizeof *sorted);
    qsort(sorted, set->count, sizeof *sorted, by_id);
    for (size_t i = 0; i < set->count; i++)
        if (instrument_find(set, sorted[i]->id, 0) == sorted[i])
            json_array_append_new(list, summary(set, sorted[i]));
    free(sorted);
    return json_pack("{s:o}", "instruments", list);
}
