# SPDX-License-Identifier: MIT
# armpy — build, run, test. `make run` and `make check` are all a newcomer types.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/armpy
MANDIR    = $(PREFIX)/share/man/man1
COMPDIR   = $(PREFIX)/share/bash-completion/completions

CC       ?= cc
# libcurl, libcrypto and libarchive are compiled against but loaded with dlopen on first use
# (src/lazy.c): linking them would add ~40 libraries to every start of the wizard.
PKGS      = ncursesw yaml-0.1 jansson
LAZY_PKGS = libcurl libarchive libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(LAZY_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CFLAGS   ?= -O2 -g
# `override` so that `make CFLAGS=...` (as `make asan` does) adds to these instead of losing them.
override CFLAGS += -std=c11 -Wall -Wextra -D_GNU_SOURCE -MMD -MP -Isrc -Iscreens $(PKG_CFLAGS) \
            -DARMPY_VERSION='"$(VERSION)"' -DARMPY_DATADIR='"$(DATADIR)"'
override LDLIBS += $(PKG_LIBS) -ldl -lm -lpthread

# Every .c under src/ and screens/ is part of the binary. TEST_OBJS, the objects unit tests and
# fuzz targets link, are all of them but the faces and the entry points (no curses, no main,
# no commands); not all pure: the executor (exec.c, act-*.c), detection and validation do I/O.
SRCS      := $(sort $(wildcard src/*.c) $(wildcard screens/*.c))
OBJS      := $(SRCS:.c=.o)
TEST_OBJS := $(filter-out src/main.o src/tui%.o screens/%.o src/cmd-%.o,$(OBJS))

UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)

all: armpy

armpy: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# filter.o: CMOCKA_TEST_FILTER=glob runs only the tests it names (`tests/run-all.sh unit:glob`).
tests/unit/test-%: tests/unit/test-%.c tests/unit/filter.o $(TEST_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/unit/filter.o $(TEST_OBJS) $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

deps-build:
	./scripts/install-deps.sh build

deps-test:
	./scripts/install-deps.sh test

# `make run`: install what is missing, build, start the wizard.
run: deps-build
	$(MAKE) all
	./armpy $(ARGS)

# `make check`: install test dependencies, build, run every suite, print "N passed, N failed".
check: deps-test
	$(MAKE) all unit
	./tests/run-all.sh

# `make test`: the suites only, no dependency installation.
test: all unit
	./tests/run-all.sh

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps-test
	$(MAKE) clean
	$(MAKE) CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" all unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ARMPY_ASAN=1 ./tests/run-all.sh

# `make fuzz`: libFuzzer targets (tests/fuzz/fuzz-*.c), one per loader, for FUZZ_MINUTES each.
# TEST_OBJS are built again by clang with ASan+UBSan into FUZZ_DIR, never mixed with the
# objects above; tests/fuzz/run.sh (the "fuzz" suite) builds them with `make fuzz-build`.
FUZZ_CC      ?= clang
FUZZ_MINUTES ?= 5
FUZZ_DIR      = tests/fuzz/build
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(CFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRCS))
FUZZ_OBJS    := $(addprefix $(FUZZ_DIR)/,$(TEST_OBJS)) $(FUZZ_DIR)/tests/fuzz/lib.o

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz-%: $(FUZZ_DIR)/tests/fuzz/fuzz-%.o $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# keep the objects (make would delete them as intermediates of the pattern rules)
.SECONDARY: $(FUZZ_OBJS) $(FUZZ_SRCS:%.c=$(FUZZ_DIR)/%.o)

fuzz:
	FUZZ_SECONDS=$$(( $(FUZZ_MINUTES) * 60 )) ./tests/fuzz/run.sh

install: armpy
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(COMPDIR)
	install -m 0755 armpy $(DESTDIR)$(BINDIR)/armpy
	install -m 0644 scripts/armpy-probe.py $(DESTDIR)$(DATADIR)/armpy-probe.py
	install -m 0644 profiles/*.yaml $(DESTDIR)$(DATADIR)/profiles/
	install -m 0644 docs/armpy.1 $(DESTDIR)$(MANDIR)/armpy.1
	install -m 0644 completion/armpy.bash $(DESTDIR)$(COMPDIR)/armpy

# `make deb`: armpy_<version>_<arch>.deb in dist/, built by dpkg-buildpackage from a copy of the
# tree's files (tracked and new, not ignored; without git, all but build products) so that the build never dirties this checkout.
DEB_TREE = build/deb/armpy-$(VERSION)
deb:
	rm -rf build/deb && mkdir -p $(DEB_TREE) dist
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			tar --null -T - --ignore-failed-read -cf - 2>/dev/null; \
	else \
		tar --exclude=./.git --exclude=./build --exclude=./dist --exclude=./tests/out \
			--exclude='*.o' --exclude='*.d' --exclude=./armpy --exclude='./tests/unit/test-*[!c]' \
			-cf - .; \
	fi | tar -C $(DEB_TREE) -xf -
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b
	mv build/deb/*.deb build/deb/*.buildinfo build/deb/*.changes dist/

clean:
	rm -f armpy $(OBJS) $(OBJS:.o=.d) $(UNIT_BINS) $(UNIT_BINS:=.d) tests/unit/*.o tests/unit/*.d
	rm -rf tests/out build dist $(FUZZ_DIR)

.PHONY: all run check test asan install clean unit deps-build deps-test deb fuzz fuzz-build

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d) tests/unit/filter.d $(FUZZ_OBJS:.o=.d) $(FUZZ_SRCS:%.c=$(FUZZ_DIR)/%.d)
