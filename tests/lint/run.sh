#!/usr/bin/env bash
# run.sh — tests scripts/lint.sh itself: for each rule, a small tree of sample files
# with one fault must fail with that rule's message, the same fault excused by a
# /* lint-ok: reason */ marker must pass, and a marker without a reason must fail. The
# call-circle samples are compiled (cc -c) so that nm has objects to read.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lint="$here/../../scripts/lint.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# A fresh sample tree with one clean file (so every tree has objects to read).
fresh() {
    rm -rf "$work/t"
    mkdir -p "$work/t/src"
    printf '/* ok.c — a clean sample. */\nint ok_value(void);\nint ok_value(void) { return 1; }\n' \
        >"$work/t/src/ok.c"
}

# Compiles the sample .c files into the object folder lint reads (a banned-name
# sample need not compile: its object is not needed; the circle samples do).
build() {
    local f
    mkdir -p "$work/t/build/asan/src"
    for f in "$work"/t/src/*.c; do
        cc -c -w "$f" -o "$work/t/build/asan/src/$(basename "${f%.c}").o" 2>/dev/null || true
    done
}

# expect NAME pass|fail [TEXT]: lint the tree; it must pass, or fail saying TEXT.
expect() {
    local name=$1 want=$2 text=${3:-} out rc=0
    build
    out=$("$lint" "$work/t" 2>&1) || rc=$?
    if [ "$want" = pass ] && [ $rc -eq 0 ]; then
        passed=$((passed + 1))
    elif [ "$want" = fail ] && [ $rc -ne 0 ] && grep -qF -- "$text" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL lint test '$name': wanted $want${text:+ ($text)}, got rc=$rc:" >&2
        echo "$out" | sed 's/^/    /' >&2
    fi
}

# A C file whose line 2 is $1.
sample() {
    printf '/* %s — a lint sample. */\n%s\n' "$(basename "$2")" "$1" >"$work/t/$2"
}

fresh
expect "clean tree" pass

for name in gmtime localtime ctime asctime strtok_r rand tmpnam sprintf strcpy atoi strtok; do
    fresh
    sample "void f(void) { (void)$name(0); }" src/banned.c
    expect "banned $name" fail "banned function $name"
done

fresh
sample 'void f(void) { (void)gmtime_r(0, 0); (void)localtime_r(0, 0); }' src/fine.c
expect "gmtime_r and localtime_r are fine" pass

fresh
sample 'void f(void) { (void)rand(); } /* lint-ok: a sample that proves the marker works */' src/b.c
expect "banned name excused" pass

fresh
sample 'void f(void) { (void)rand(); } /* lint-ok: */' src/b.c
expect "marker without a reason" fail "must give its reason"

fresh
sample 'int x; /* lint-ok:    */' src/b.c
expect "marker of blanks alone" fail "must give its reason"

fresh
printf 'int x;\n' >"$work/t/src/nocomment.c"
expect "no opening comment" fail "does not start with a comment"

fresh
{ printf '/* long.c — a lint sample. */\n'; for i in $(seq 1 800); do printf 'int v%d;\n' "$i"; done; } \
    >"$work/t/src/long.c"
expect "801 lines" fail "800 lines at most"

fresh
{ printf '/* long.c — a lint sample. */\n'; for i in $(seq 1 799); do printf 'int v%d;\n' "$i"; done; } \
    >"$work/t/src/long.c"
expect "800 lines" pass

fresh
{ printf '/* long.c — a lint sample. */ /* lint-ok: a generated table */\n'
  for i in $(seq 1 800); do printf 'int v%d;\n' "$i"; done; } >"$work/t/src/long.c"
expect "801 lines excused" pass

fresh
mkdir -p "$work/t/tests"
{ printf '/* long.c — a test sample, outside src/. */\n'; for i in $(seq 1 900); do printf 'int v%d;\n' "$i"; done; } \
    >"$work/t/tests/long.c"
expect "long file outside src" pass

# 101 columns: ASCII, then 100 characters that are 200 bytes (Cyrillic) must pass.
wide=$(printf 'x%.0s' $(seq 1 88)) # "int a; /* " + 88 + " */" = 101
fresh
sample "int a; /* ${wide} */" src/wide.c
expect "101 columns" fail "longer than 100 columns (101)"

fresh
sample "int a; /* ${wide:1} */" src/wide.c
expect "100 columns" pass

cyr=$(printf 'ж%.0s' $(seq 1 87))
fresh
sample "int a; /* ${cyr} */" src/wide.c
expect "100 characters of 187 bytes" pass

fresh
sample "int a; /* ${wide} */ /* lint-ok: a URL that cannot be cut */" src/wide.c
expect "long line excused" pass


fresh
mkdir -p "$work/t/tests"
sample "int a; /* ${wide} */" tests/wide.c
expect "long line outside src" pass

# Circles: a.c calls b.c, b.c calls c.c, c.c calls a.c.
circle() {
    sample 'int b_f(void); int a_f(void); int a_f(void) { return b_f(); }' src/a.c
    sample 'int c_f(void); int b_f(void); int b_f(void) { return c_f(); }' src/b.c
    sample "int a_f(void); int c_f(void); int c_f(void) { return ${1:-a_f()}; }" src/c.c
}
fresh
circle
expect "circle of three" fail "call circle between src/a.c, src/b.c, src/c.c"
expect "circle names its symbols" fail "src/c.c -> src/a.c: a_f"

fresh
circle 1
expect "chain without a circle" pass

fresh
sample 'int b_f(void); int a_f(void); int a_f(void) { return b_f(); }' src/a.c
sample 'int a_f(void); int b_f(void); int b_f(void) { return a_f(); }' src/b.c
expect "two files calling each other" fail "call circle between src/a.c, src/b.c"

fresh
sample 'int b_f(void); int a_f(void); int a_f(void) { return b_f(); }' src/a.c
printf '/* b.c — a lint sample. */\nint a_f(void); /* lint-ok: a sample of an excused call */\nint b_f(void);\nint b_f(void) { return a_f(); } /* lint-ok: a sample of an excused call */\n' \
    >"$work/t/src/b.c"
expect "circle excused on every line naming the symbol" pass

fresh
sample 'extern int b_v; int a_f(void); int a_f(void) { return b_v; }' src/a.c
sample 'int a_f(void); int b_v = 1; int b_f(void); int b_f(void) { return a_f(); }' src/b.c
expect "circle through data" fail "call circle between src/a.c, src/b.c"

echo "lint tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
