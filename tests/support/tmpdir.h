/*
 * tmpdir.h — throw-away directories for unit tests: made with mkdtemp under /tmp and
 * removed afterwards with everything in them.
 */
#ifndef QG_TEST_TMPDIR_H
#define QG_TEST_TMPDIR_H

#include <stdbool.h>
#include <stddef.h>

#define QGT_TMPDIR_MAX 256

/* Makes a new directory "/tmp/qg-TAG-XXXXXX" (mode 0700) and writes its path into dir
 * (size bytes). Returns false when it could not be made. */
bool qgt_tmpdir_make(const char *tag, char *dir, size_t size);

/* Writes "dir/name" into out (size bytes). Returns false when it does not fit. */
bool qgt_tmpdir_path(const char *dir, const char *name, char *out, size_t size);

/* Removes dir and everything under it (files and subdirectories, never following
 * symbolic links). A missing dir is not an error. */
void qgt_tmpdir_remove(const char *dir);

#endif
