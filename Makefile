# Qorgau build. `make run` and `make check` are the two commands a user needs; both
# install missing Debian packages first (scripts/deps.sh).
#
# Two builds side by side: build/release (optimised, what `make run` serves) and
# build/asan (AddressSanitizer + UBSan, what every test runs against).

CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium sqlite3 xlsxwriter libpq
TESTPKG := cmocka
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wno-missing-field-initializers -Wno-format-truncation
DEFS    := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DQG_INSTRUMENTS_DIR='"$(CURDIR)/instruments"' \
           -DQG_WEB_DIR='"$(CURDIR)/web"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
TEST_LIBS  = $(shell pkg-config --libs $(TESTPKG) 2>/dev/null)

REL_FLAGS  := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
# QG_TEST_HOOKS: switches only tests may use (a cheap password hash for the tests, set by
# scripts/run-tests.sh, src/crypto/crypto.c); the release build never has them.
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -DQG_TEST_HOOKS

# The ASan build (qorgau and the tests) links with gold when the toolchain has it (binutils does on
# Debian): the same binaries, in about half the linker's CPU time of ld.bfd, which matters
# with 60-odd test binaries per `make check`. The release build keeps the default linker.
FAST_LD := $(shell $(CC) -fuse-ld=gold -Wl,--version 2>/dev/null | grep -q '^GNU gold' && \
             echo -fuse-ld=gold)

LIB_SRC  := $(sort $(wildcard src/base/*.c src/core/*/*.c src/crypto/*.c src/store/*.c \
                              src/http/*.c src/api/*.c))
# The country list, generated from Debian's iso-codes package (tools/isogen.c).
GEN      := build/gen
LIB_SRC  += $(GEN)/vocab_iso.c
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
SUP_SRC  := $(sort $(wildcard tests/support/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
BB_SRC   := $(sort $(wildcard tests/blackbox/bb_*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

# Parallel jobs of `make check`'s build, and when make started (for the time it prints).
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
MAKE_START := $(shell date +%s)

REL  := build/release
ASAN := build/asan
FUZZ := build/fuzz
FUZZ_CC := clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined

rel_obj  = $(patsubst %.c,$(REL)/%.o,$(1))
fuzz_obj = $(patsubst %.c,$(FUZZ)/%.o,$(1))
asan_obj = $(patsubst %.c,$(ASAN)/%.o,$(1))

UNIT_BIN := $(patsubst tests/unit/%.c,$(ASAN)/tests/%,$(UNIT_SRC))
BB_BIN   := $(patsubst tests/blackbox/%.c,$(ASAN)/tests/%,$(BB_SRC))
BENCH_BIN := $(patsubst bench/%.c,$(REL)/bench/%,$(BENCH_SRC))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(FUZZ_SRC))

.SECONDARY:
.PHONY: all deps build run check test test-bins lint clean bench fuzz bench-import bench-report bench-search browser-deps test-browser reliability
all: build

deps:
	@scripts/deps.sh

# The browser tests (tests/browser): Debian's Chromium (and Node/npm when missing) from
# apt, playwright-core from npm at the version package-lock.json pins. Playwright never
# downloads a browser: the tests drive /usr/bin/chromium.
NODE_STAMP := node_modules/.package-lock.json

browser-deps:
	@scripts/deps.sh browser
	@$(MAKE) --no-print-directory -s $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@echo "  NPM     ci"
	@PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build: $(REL)/qorgau $(ASAN)/qorgau $(BENCH_BIN)

# tools/isogen.c reads the installed iso-codes package (names never typed by hand) and
# parses its gettext catalogues itself; a machine without iso-codes stops here, saying so.
ISO_JSON   ?= /usr/share/iso-codes/json
ISO_LOCALE ?= /usr/share/locale

$(GEN)/isogen: tools/isogen.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(WARN) $(DEFS) -O1 $(shell pkg-config --cflags jansson) $< -o $@ \
	    $(shell pkg-config --libs jansson)

$(GEN)/vocab_iso.c: $(GEN)/isogen
	@test -r $(ISO_JSON)/iso_3166-1.json || { echo "make: Debian's iso-codes package is \
	missing ($(ISO_JSON)/iso_3166-1.json): run scripts/deps.sh or apt-get install iso-codes" >&2; \
	exit 1; }
	@echo "  GEN     $@"
	@$(GEN)/isogen $(ISO_JSON) $(ISO_LOCALE) > $@.tmp && mv $@.tmp $@

$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(WARN) $(DEFS) $(REL_FLAGS) -Isrc -Itests $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(ASAN)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(WARN) $(DEFS) $(ASAN_FLAGS) -Isrc -Itests $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(FUZZ_CC) $(filter-out -Wno-format-truncation,$(WARN)) $(DEFS) $(FUZZ_FLAGS) -Isrc -Itests $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ)/fuzz_%: $(FUZZ)/tests/fuzz/fuzz_%.o $(call fuzz_obj,$(LIB_SRC))
	@echo "  LD      $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ $(PKG_LIBS)

$(REL)/qorgau: $(call rel_obj,$(LIB_SRC) $(CLI_SRC))
	@echo "  LD      $@"
	@$(CC) $(REL_FLAGS) $^ -o $@ $(PKG_LIBS)

$(ASAN)/qorgau: $(call asan_obj,$(LIB_SRC) $(CLI_SRC))
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) $(FAST_LD) $^ -o $@ $(PKG_LIBS)

$(ASAN)/tests/%: $(ASAN)/tests/unit/%.o $(call asan_obj,$(LIB_SRC) $(SUP_SRC))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) $(FAST_LD) $^ -o $@ $(PKG_LIBS) $(TEST_LIBS)

$(ASAN)/tests/bb_%: $(ASAN)/tests/blackbox/bb_%.o $(call asan_obj,$(LIB_SRC) $(SUP_SRC))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) $(FAST_LD) $^ -o $@ $(PKG_LIBS) $(TEST_LIBS)

$(REL)/bench/%: $(REL)/bench/%.o $(call rel_obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(REL_FLAGS) $^ -o $@ $(PKG_LIBS)

# The source rules (scripts/lint.sh: banned names, opening comments, file length, line
# width, call circles; the circle check reads the ASan objects, so they are built first),
# lint's own tests, the words docs/glossary.md forbids (scripts/check-glossary.mjs, with
# its tests), and the unit tests compiled without sanitizers: every test must build in
# every build, not only under ASan.
lint: $(call asan_obj,$(LIB_SRC) $(CLI_SRC))
	@scripts/lint.sh
	@scripts/lint-layers.sh
	@perl scripts/lint-reasons.pl . $$(git ls-files -co --exclude-standard -- 'src/*.c' 'src/*.h')
	@tests/lint/run.sh
	@tests/lint/reasons.sh
	@node scripts/check-glossary.mjs && tests/lint/glossary.sh
	@echo "  CC      tests/unit/*.c (without sanitizers)"
	@for f in $(UNIT_SRC); do \
	    $(CC) $(WARN) $(DEFS) -O0 -Isrc -Itests $(PKG_CFLAGS) -c $$f -o /dev/null || exit 1; \
	done

# The libFuzzer targets (clang); `make check` runs each briefly (tests/fuzz/run.sh),
# `make fuzz` runs each for FUZZ_SECONDS (crashing inputs land in build/fuzz/crashes/).
FUZZ_SECONDS ?= 300
fuzz: $(FUZZ_BIN)
	@s=0; for f in $(FUZZ_BIN); do tests/fuzz/run.sh --time $(FUZZ_SECONDS) $$f || s=1; done; exit $$s

# Every test runs beside a throw-away PostgreSQL server (scripts/pg-test.sh), so the
# PostgreSQL engine is tested in the same single run; each test binary gets a database of
# its own there. scripts/run-tests.sh runs the binaries side by side, the browser journeys
# (tests/browser/run.mjs, screenshots in build/browser/screenshots/) among them, and says
# how long the whole `make check` (or `make test`) took.
test-bins: $(ASAN)/qorgau $(UNIT_BIN) $(BB_BIN) $(FUZZ_BIN) browser-deps

test: test-bins
	@QORGAU_CHECK_START=$${QORGAU_CHECK_START:-$(MAKE_START)} \
	 QORGAU_CHECK_LABEL="$${QORGAU_CHECK_LABEL:-make test}" \
	 scripts/pg-test.sh scripts/run-tests.sh $(ASAN) $(UNIT_BIN) $(BB_BIN) $(patsubst $(FUZZ)/%,tests/fuzz/run.sh:$(FUZZ)/%,$(FUZZ_BIN)) node:tests/browser/run.mjs

# Fault injection, full sweep (tests/unit/test_faults.c, docs/fault-injection.md): every
# operation listed there under the Nth failing prepare, step, begin, commit, exec and
# allocation, on SQLite and PostgreSQL. `make check` runs the representative sweep.
.PHONY: faults
faults: $(ASAN)/tests/test_faults
	@QORGAU_FAULTS=full scripts/pg-test.sh scripts/run-tests.sh $(ASAN) $(ASAN)/tests/test_faults; \
	rc=$$?; grep -h '^# faults' $(ASAN)/test-logs/test_faults.log; exit $$rc

# Only the browser journeys, against the ASan build.
test-browser: $(ASAN)/qorgau browser-deps
	@scripts/run-tests.sh $(ASAN) node:tests/browser/run.mjs

# The accessibility checks in full (docs/accessibility.md): every browser journey in kk, ru
# and en, each page checked by axe-core at desktop size and at 360 px.
.PHONY: a11y
a11y: $(ASAN)/qorgau browser-deps
	@QG_A11Y=full scripts/run-tests.sh $(ASAN) node:tests/browser/run.mjs

# Everything is built in parallel first (-j, each target's output kept together), then the
# tests run; the time printed at the end counts from the moment make started.
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) --output-sync=target lint build test-bins
	@QORGAU_CHECK_START=$(MAKE_START) QORGAU_CHECK_LABEL="make check" \
	 $(MAKE) --no-print-directory test

run: deps
	@$(MAKE) --no-print-directory $(REL)/qorgau $(BENCH_BIN)
	@scripts/run-demo.sh $(REL)/qorgau $(REL)/bench/gen

bench: deps
	@$(MAKE) --no-print-directory $(REL)/qorgau $(BENCH_BIN)
	@bench/run.sh
	@bench/search.sh

# Finding a child: case_search at 10k and 100k cases beside a plain SQLite LIKE (also the
# last part of `make bench`).
bench-search: deps
	@$(MAKE) --no-print-directory $(REL)/qorgau $(BENCH_BIN)
	@bench/search.sh

# Case import: 1,000,000 CSV rows through `qorgau import cases` beside sqlite3 .import.
bench-import: deps
	@$(MAKE) --no-print-directory $(REL)/qorgau $(BENCH_BIN)
	@bench/import.sh

# Reports: victims and exploitation on 10k, 100k and 1M imported cases beside sqlite3.
bench-report: deps
	@$(MAKE) --no-print-directory $(REL)/qorgau $(BENCH_BIN)
	@bench/report.sh

# The long runs (docs/reliability.md): every executable scripts/reliability/NN-*.sh in order
# against the release build (kill -9 under writes and during an import, a full disk, a
# slowloris, a hidden case's timing, a soak), each script's verdict at the end.
reliability: deps
	@$(MAKE) --no-print-directory $(REL)/qorgau $(REL)/bench/hammer $(REL)/bench/gen_csv
	@scripts/reliability/run.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
