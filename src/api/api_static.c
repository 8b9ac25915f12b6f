/*
 * api_static.c — the web interface's files from the web/ folder: GET (and HEAD) of
 * "/" or "/index.html" answers index.html; "/js/...js", "/css/...css", "/i18n/...json"
 * and "/img/...svg" answer the file. Only those folders and extensions, path segments
 * made of letters, digits, '-' and '_' with at most inner dots (so no "..", no hidden
 * files), regular files only (no symbolic links, none below a linked folder, no FIFO,
 * no directory listing), at most STATIC_MAX bytes. The root itself is resolved once,
 * when the server starts (cmd_serve.c). Everything else is 404. The
 * security headers (the strict CSP) are added by the HTTP adapter like on every answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_call.h"

#define STATIC_MAX (1024 * 1024)
#define STATIC_PATH_MAX 512

#ifndef QG_WEB_DIR
#define QG_WEB_DIR "web"
#endif

typedef struct {
    const char *prefix; /* folder under web/, with both slashes */
    const char *ext;    /* the one extension served from it */
    const char *type;   /* its content type */
} static_kind;

static const static_kind kinds[] = {
    {"/js/", ".js", "text/javascript; charset=utf-8"},
    {"/css/", ".css", "text/css; charset=utf-8"},
    {"/i18n/", ".json", "application/json; charset=utf-8"},
    {"/img/", ".svg", "image/svg+xml"},
};

const char *api_web_dir(const char *explicit_dir)
{
    const char *env = getenv("QORGAU_WEB");
    if (explicit_dir)
        return explicit_dir;
    return env && *env ? env : QG_WEB_DIR;
}

static bool seg_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/* True when rel ("a/b.js") is segments of seg_char with single inner dots: no empty
 * segment, no segment starting or ending with a dot, no "..". */
static bool rel_ok(const char *rel)
{
    if (!*rel)
        return false;
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || p[0] == '.' || p[n - 1] == '.')
            return false;
        for (size_t i = 0; i < n; i++)
            if (!seg_char(p[i]) && !(p[i] == '.' && p[i + 1] != '.'))
                return false;
        p += n;
        if (*p == '/')
            p++;
        else
            break;
    }
    return rel[strlen(rel) - 1] != '/';
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

/* The content type of a servable path, or NULL; *file is the path under web/. */
static const char *classify(const char *path, const char **file)
{
    if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
        *file = "/index.html";
        return "text/html; charset=utf-8";
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t plen = strlen(kinds[i].prefix);
        if (strncmp(path, kinds[i].prefix, plen) == 0 && rel_ok(path + plen) &&
            ends_with(path, kinds[i].ext)) {
            *file = path;
            return kinds[i].type;
        }
    }
    return NULL;
}

/* Opens file (a checked path such as "/js/pages/case.js") under the folder root one
 * component at a time, never following a symbolic link: a linked folder inside web/ is
 * not served (O_NOFOLLOW alone checks only the last component). The file is opened
 * without blocking, so a FIFO placed in web/ cannot hold a worker thread; the caller
 * serves only a regular file. Returns the descriptor, or -1. */
static int open_beneath(const char *root, const char *file)
{
    int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const char *p = file + 1; /* after the leading '/' */
    char seg[STATIC_PATH_MAX];
    while (dir >= 0) {
        size_t n = strcspn(p, "/");
        if (n == 0 || n >= sizeof seg) {
            close(dir);
            return -1;
        }
        memcpy(seg, p, n);
        seg[n] = '\0';
        bool last = p[n] == '\0';
        int flags = last ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
                         : O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC;
        int next = openat(dir, seg, flags);
        close(dir);
        if (last)
            return next;
        dir = next;
        p += n + 1;
    }
    return -1;
}

/* Reads a regular file (not a link, not below a link) of at most STATIC_MAX bytes; NULL
 * otherwise. */
static char *read_small(const char *root, const char *file, size_t *len)
{
    int fd = open_beneath(root, file);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= STATIC_MAX) {
        size_t want = (size_t)st.st_size, got = 0;
        buf = malloc(want ? want : 1);
        while (buf && got < want) {
            ssize_t r = read(fd, buf + got, want - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (buf && got != want) {
            free(buf);
            buf = NULL;
        }
        *len = got;
    }
    close(fd);
    return buf;
}

bool api_static(api_call *call)
{
    const char *m = call->req->method;
    if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0)
        return false;
    const char *file = NULL;
    const char *type = classify(call->req->path, &file);
    if (!type)
        return false;
    const char *root = call->api->web_dir ? call->api->web_dir : api_web_dir(NULL);
    if (strlen(root) + strlen(file) >= STATIC_PATH_MAX)
        return false;
    size_t len = 0;
    char *body = read_small(root, file, &len);
    if (!body)
        return false;
    call->resp->status = 200;
    call->resp->body = body;
    call->resp->body_len = len;
    call->resp->content_type = type;
    return true;
}
