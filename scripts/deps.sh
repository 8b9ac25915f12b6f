#!/usr/bin/env bash
# deps.sh — installs the Debian 12 packages Qorgau builds, tests and benchmarks with
# (iso-codes: the country names the build reads, tools/isogen.c),
# when any is missing. Called by `make run`, `make check` and `make bench`; a fresh
# machine needs nothing installed by hand. Extra groups: `deps.sh bench`, `deps.sh browser`,
# `deps.sh pg` (the PostgreSQL server the tests run the PostgreSQL engine against).
set -euo pipefail

base=(gcc make pkgconf libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev
      libxlsxwriter-dev libpq-dev libcmocka-dev sqlite3 curl clang libclang-rt-14-dev unzip
      iso-codes)
bench=(wrk nginx-light)
pg=(postgresql)
# The browser tests (tests/browser): Debian's Chromium, driven by playwright-core from npm
# (never a browser that Playwright downloads). Node and npm come from Debian only when the
# machine has no `node` / `npm` yet (Node 18 from Debian 12 or a newer one both work).
browser=(chromium)
command -v node >/dev/null || browser+=(nodejs)
command -v npm >/dev/null || browser+=(npm)
wanted=("${base[@]}")
for group in "$@"; do
    case "$group" in
        bench) wanted+=("${bench[@]}") ;;
        pg) wanted+=("${pg[@]}") ;;
        browser) wanted+=("${browser[@]}") ;;
        *) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
