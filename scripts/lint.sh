#!/usr/bin/env bash
# lint.sh — the project's own source rules (the checks are in scripts/lint.pl). Fails on:
# - a banned function: the unsafe string functions (sprintf, strcpy, strcat, strncpy,
#   atoi, strtok, ...) and those with hidden shared state or weak randomness (gmtime,
#   localtime, ctime, asctime, strtok_r, rand, tmpnam; gmtime_r and localtime_r are fine);
# - a C file that does not start with a comment saying what it is for;
# - a .c file under src/ of more than 800 lines;
# - a line under src/ of more than 100 columns (characters, not bytes);
# - a call circle between .c files under src/, found with nm from the built objects (a
#   file's undefined symbols that another defines); the circle's files and the symbols
#   that tie them are printed.
# A line is excused from a rule by a trailing marker with a reason, /* lint-ok: why */
# (for the file length: on the file's first line; for a circle: on every line of the
# calling file that names the symbol). A marker without a reason is itself an error.
#
# Usage: scripts/lint.sh [ROOT [OBJDIR]]. Without arguments: this repository's files
# (git ls-files) and the objects of build/asan (make lint builds them first). With ROOT:
# every .c and .h under ROOT, and the objects under OBJDIR (default ROOT/build/asan),
# which mirror ROOT's tree (OBJDIR/src/a.o is ROOT/src/a.c); tests/lint/run.sh uses this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
    cd "$(dirname "$0")/.."
    root=.
    objdir=build/asan
    mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h')
else
    root=$1
    objdir=${2:-$root/build/asan}
    mapfile -t files < <(cd "$root" && find . -name '*.[ch]' -not -path './build/*' | sed 's|^\./||' | sort)
fi
exec perl "$here/lint.pl" "$root" "$objdir" "${files[@]}"
