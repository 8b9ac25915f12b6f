/* tmpdir.c — throw-away directories for unit tests (see tmpdir.h). */
#include "support/tmpdir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool qgt_tmpdir_make(const char *tag, char *dir, size_t size)
{
    int n = snprintf(dir, size, "/tmp/qg-%s-XXXXXX", tag);
    if (n < 0 || (size_t)n >= size)
        return false;
    return mkdtemp(dir) != NULL;
}

bool qgt_tmpdir_path(const char *dir, const char *name, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

void qgt_tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[1024];
        if (!qgt_tmpdir_path(dir, e->d_name, path, sizeof path))
            continue;
        struct stat sb;
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            qgt_tmpdir_remove(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}
