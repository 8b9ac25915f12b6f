/*
 * isogen.c — writes the C source of Qorgau's country list from Debian's iso-codes
 * package as installed on the build machine: the ISO 3166-1 alpha-2 codes and English
 * names from iso_3166-1.json, the Russian and Kazakh names from the gettext catalogues
 * <locale>/{ru,kk}/LC_MESSAGES/iso_3166-1.mo (read here, no gettext tools needed).
 * Kazakhstan, its neighbours and the manual's countries of origin come first and are
 * marked "common"; the rest follow by code; last our "XX" (unknown or stateless, also
 * "common": pickers show it with the first ones).
 * The language list likewise, from iso_639-2.json and ru/LC_MESSAGES/iso_639-2.mo
 * (iso-codes has no Kazakh language names): the ISO 639-1 code where there is one, as
 * Qorgau stores languages ("kk", "ru"), else the ISO 639-2 code; the languages children
 * in Kazakhstan most often speak first, marked "common".
 * It defines VOCAB_COUNTRY and VOCAB_LANGUAGE (vocab.h). Run by the Makefile:
 *   isogen <iso-codes json dir> <locale dir> > build/gen/vocab_iso.c
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kazakhstan, then its neighbours, then the manual's other countries of origin (L2-4,
 * L2562-2565): shown first in every picker, in this order. */
static const char *const COMMON[] = {"KZ", "UZ", "KG", "RU", "CN", "TM", "TJ", "AZ", NULL};

/* The languages of the region and the manual's cases (L2576-2581, L3126), first. */
static const char *const COMMON_LANG[] = {"kk", "ru", "uz", "ky", "tg", "ug",  "tk",
                                          "en", "zh", "tt", "az", "tr", "uk", NULL};

typedef struct {
    char *data;
    size_t size;
    uint32_t n, orig, trans;
    int swap;
} mo_file;

static int fail(const char *what, const char *path)
{
    fprintf(stderr,
            "isogen: %s: %s\n"
            "isogen: Debian's iso-codes package is needed to build Qorgau's country list;"
            " install it with scripts/deps.sh (or: apt-get install iso-codes)\n",
            what, path);
    return 1;
}

static uint32_t u32(const mo_file *m, size_t off)
{
    if (off + 4 > m->size)
        return 0;
    const unsigned char *p = (const unsigned char *)m->data + off;
    return m->swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int read_all(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    if (!buf)
        return -1;
    *out = buf;
    *len = n;
    return 0;
}

/* Opens a .mo catalogue: 0 on success, -1 when unreadable or not a catalogue. */
static int mo_open(const char *path, mo_file *m)
{
    memset(m, 0, sizeof *m);
    if (read_all(path, &m->data, &m->size) != 0 || m->size < 28)
        return -1;
    const unsigned char *p = (const unsigned char *)m->data;
    if (p[0] == 0xde && p[1] == 0x12 && p[2] == 0x04 && p[3] == 0x95)
        m->swap = 0;
    else if (p[0] == 0x95 && p[1] == 0x04 && p[2] == 0x12 && p[3] == 0xde)
        m->swap = 1;
    else
        return -1;
    m->n = u32(m, 8);
    m->orig = u32(m, 12);
    m->trans = u32(m, 16);
    return 0;
}

/* The translation of msgid in m, or NULL (an empty translation counts as none). */
static const char *mo_get(const mo_file *m, const char *msgid)
{
    for (uint32_t i = 0; m->data && i < m->n; i++) {
        uint32_t len = u32(m, m->orig + 8 * i), off = u32(m, m->orig + 8 * i + 4);
        if (off + len >= m->size || len != strlen(msgid) || memcmp(m->data + off, msgid, len))
            continue;
        uint32_t tlen = u32(m, m->trans + 8 * i), toff = u32(m, m->trans + 8 * i + 4);
        if (toff + tlen >= m->size || tlen == 0)
            return NULL;
        return m->data + toff; /* NUL-terminated in the file */
    }
    return NULL;
}

/* Writes s as a C string literal (UTF-8 bytes kept, quotes and backslashes escaped). */
static void put_str(const char *s)
{
    if (!s) {
        fputs("NULL", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

/* The translation of a country: of its common name when that has one, else of its name. */
static const char *translate(const mo_file *m, const char *name, const char *common)
{
    const char *t = common ? mo_get(m, common) : NULL;
    return t ? t : mo_get(m, name);
}

static void put_entry(json_t *c, const mo_file *ru, const mo_file *kk, int common)
{
    const char *code = json_string_value(json_object_get(c, "alpha_2"));
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *cn = json_string_value(json_object_get(c, "common_name"));
    printf("    {");
    put_str(code);
    printf(", %s, ", common ? "\"common\"" : "NULL");
    put_str(cn ? cn : name);
    printf(", ");
    /* a name the catalogue lacks (iso-codes has no Russian "Türkiye") is the English
     * one: the C side (reports, the XLSX, the child's record, the sheet) then never meets
     * a NULL label, and the web shows the browser's own name instead (picker.js) */
    const char *r = translate(ru, name, cn), *k = translate(kk, name, cn);
    put_str(r ? r : cn ? cn : name);
    printf(", ");
    put_str(k ? k : cn ? cn : name);
    printf("},\n");
}

static json_t *find(json_t *all, const char *code)
{
    size_t i;
    json_t *c;
    json_array_foreach(all, i, c) {
        if (strcmp(json_string_value(json_object_get(c, "alpha_2")), code) == 0)
            return c;
    }
    return NULL;
}

static int is_common(const char *code)
{
    for (int i = 0; COMMON[i]; i++)
        if (strcmp(COMMON[i], code) == 0)
            return 1;
    return 0;
}

static int cmp_code(const void *a, const void *b)
{
    json_t *const *x = a, *const *y = b;
    return strcmp(json_string_value(json_object_get(*x, "alpha_2")),
                  json_string_value(json_object_get(*y, "alpha_2")));
}

static int emit(json_t *all, const mo_file *ru, const mo_file *kk)
{
    size_t n = json_array_size(all), k = 0;
    json_t **rest = calloc(n ? n : 1, sizeof *rest);
    if (!rest)
        return 1;
    printf("/* vocab_iso.c — GENERATED by tools/isogen.c from Debian's iso-codes package;"
           " do not edit. */\n#include \"core/vocab/vocab.h\"\n\n"
           "static const vocab_entry countries[] = {\n");
    for (int i = 0; COMMON[i]; i++) {
        json_t *c = find(all, COMMON[i]);
        if (!c)
            return free(rest), fail("no such country in iso_3166-1.json", COMMON[i]);
        put_entry(c, ru, kk, 1);
    }
    size_t i;
    json_t *c;
    json_array_foreach(all, i, c) {
        if (!is_common(json_string_value(json_object_get(c, "alpha_2"))))
            rest[k++] = c;
    }
    qsort(rest, k, sizeof *rest, cmp_code);
    for (i = 0; i < k; i++)
        put_entry(rest[i], ru, kk, 0);
    free(rest);
    /* Ours, not ISO's: ISO 3166-1 leaves XX to user assignment. */
    printf("    {\"XX\", \"common\", \"Unknown or stateless\", \"Неизвестно или лицо без "
           "гражданства\",\n     \"Белгісіз немесе азаматтығы жоқ адам\"},\n};\n\n"
           "const vocab_list VOCAB_COUNTRY = {\"country\", countries,"
           " sizeof countries / sizeof *countries};\n");
    return 0;
}

/* A language's code as Qorgau stores it: ISO 639-1 where there is one, else 639-2. */
static const char *lang_code(json_t *l)
{
    const char *a2 = json_string_value(json_object_get(l, "alpha_2"));
    return a2 ? a2 : json_string_value(json_object_get(l, "alpha_3"));
}

static int in_list(const char *const *list, const char *code)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], code) == 0)
            return 1;
    return 0;
}

static void put_language(json_t *l, const mo_file *ru, int common)
{
    const char *name = json_string_value(json_object_get(l, "name"));
    printf("    {");
    put_str(lang_code(l));
    printf(", %s, ", common ? "\"common\"" : "NULL");
    put_str(name);
    printf(", ");
    /* iso-codes has no Kazakh language names: the Kazakh label is the Russian one (the
     * web gives the common languages Kazakh names from web/i18n/picker.json), else the
     * English; never NULL */
    const char *r = mo_get(ru, name);
    put_str(r ? r : name);
    printf(", ");
    put_str(r ? r : name);
    printf("},\n");
}

static json_t *find_language(json_t *all, const char *code)
{
    size_t i;
    json_t *l;
    json_array_foreach(all, i, l) {
        if (strcmp(lang_code(l), code) == 0)
            return l;
    }
    return NULL;
}

/* Only plain 2- or 3-letter codes (not the range qaa-qtz), as the case input takes. */
static int plain_code(const char *c)
{
    size_t n = strlen(c);
    for (size_t i = 0; i < n; i++)
        if (c[i] < 'a' || c[i] > 'z')
            return 0;
    return n == 2 || n == 3;
}

static int emit_languages(json_t *all, const mo_file *ru)
{
    printf("\nstatic const vocab_entry languages[] = {\n");
    for (int i = 0; COMMON_LANG[i]; i++) {
        json_t *l = find_language(all, COMMON_LANG[i]);
        if (!l)
            return fail("no such language in iso_639-2.json", COMMON_LANG[i]);
        put_language(l, ru, 1);
    }
    size_t i;
    json_t *l;
    json_array_foreach(all, i, l) {
        const char *c = lang_code(l);
        if (plain_code(c) && !in_list(COMMON_LANG, c))
            put_language(l, ru, 0);
    }
    printf("};\n\nconst vocab_list VOCAB_LANGUAGE = {\"language\", languages,"
           " sizeof languages / sizeof *languages};\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: isogen <iso-codes json dir> <locale dir>\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/iso_3166-1.json", argv[1]);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    json_t *all = json_object_get(root, "3166-1");
    if (!json_is_array(all))
        return fail("cannot read the country list", path);
    mo_file ru, kk;
    snprintf(path, sizeof path, "%s/ru/LC_MESSAGES/iso_3166-1.mo", argv[2]);
    if (mo_open(path, &ru) != 0)
        return fail("cannot read the Russian country names", path);
    snprintf(path, sizeof path, "%s/kk/LC_MESSAGES/iso_3166-1.mo", argv[2]);
    if (mo_open(path, &kk) != 0)
        return fail("cannot read the Kazakh country names", path);
    int rc = emit(all, &ru, &kk);
    snprintf(path, sizeof path, "%s/iso_639-2.json", argv[1]);
    json_t *lroot = json_load_file(path, 0, &jerr);
    json_t *langs = json_object_get(lroot, "639-2");
    mo_file lru;
    if (rc == 0 && !json_is_array(langs))
        rc = fail("cannot read the language list", path);
    snprintf(path, sizeof path, "%s/ru/LC_MESSAGES/iso_639-2.mo", argv[2]);
    if (rc == 0 && mo_open(path, &lru) != 0)
        rc = fail("cannot read the Russian language names", path);
    if (rc == 0) {
        rc = emit_languages(langs, &lru);
        free(lru.data);
    }
    json_decref(lroot);
    free(ru.data);
    free(kk.data);
    json_decref(root);
    return rc;
}
