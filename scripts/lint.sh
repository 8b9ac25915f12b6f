#!/usr/bin/env bash
# lint.sh — fails when C sources use the unsafe string functions the project bans, or
# when a C file lacks its opening comment saying what it is for.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files -co --exclude-standard -- '*.c' '*.h')
if grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|atoi|atol|atoll|strtok)\s*\(' $files; then
    echo "lint: banned function used (use snprintf, memcpy with bounds, strtol ...)" >&2
    status=1
fi
for f in $files; do
    if ! head -n 1 "$f" | grep -q '^/\*'; then
        echo "lint: $f does not start with a comment saying what it is for" >&2
        status=1
    fi
done
exit $status
