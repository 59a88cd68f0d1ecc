# Makefile -- loxjit's one entry point (GNU make).
#
#   make               release build: ./loxjit      (objects in build/release/)
#   make debug         build/debug/loxjit           (-O0 -g3, LX_DEBUG)
#   make asan          build/asan/loxjit            (ASan + UBSan, LX_DEBUG)
#   make deps          install the Debian packages the build needs
#   make run           deps, build, run examples/demo.lox
#   make test          deps, build, run every suite; the last line of
#                      stdout is the total "N passed, M failed"
#   make test-unit | test-selftest | test-golden | test-gcstress | test-asan
#     | test-bench | test-observe   one part of `make test`
#   make bench         run the benchmarks against lua5.4, luajit, pypy3,
#                      node and C (the first four installed by `make
#                      bench-deps`) and put the table in bench/README.md
#   make fuzz | difftest | valgrind | test-reliability   tests/fuzz/fuzz.mk
#   make install       PREFIX=/usr/local (DESTDIR respected)
#   make clean
#
# Knobs: CC (gcc or clang), CFLAGS/CPPFLAGS/LDFLAGS/LDLIBS (appended to
# the mode's own flags), JOBS (parallel jobs for the test suites), V=1
# (show full commands), UNIT_MODE (build the unit tests run by `make test`
# in: asan by default), GOLDEN_TIMEOUT and GCSTRESS_TIMEOUT (seconds per
# golden test, normally and under --stress-gc), BENCH_FLAGS (the options of
# `loxjit bench` for `make bench`).
#
# What goes where: every .c in lang/ vm/ stdlib/ jit/ is compiled into
# build/<mode>/liblox.a; cli/*.c except cli/main.c into
# build/<mode>/libloxcli.a (so unit tests reach the option parser and the
# REPL's line logic); cli/main.c plus both archives make the program.
# Each tests/unit/test_*.c is its own cmocka program, linked with
# tests/unit/support.c (when present) and both archives. Header
# dependencies are tracked with -MMD -MP; a change of compiler or flags
# rebuilds the mode (build/<mode>/flags).

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

CC      ?= cc
AR      ?= ar
PREFIX  ?= /usr/local
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
UNIT_MODE ?= asan
GOLDEN_TIMEOUT ?= 30
# Collecting at every allocation makes allocation-heavy tests quadratic.
GCSTRESS_TIMEOUT ?= 120

ifeq ($(V),1)
Q :=
else
Q := @
endif

# -- Sources -----------------------------------------------------------------

LIB_DIRS     := lang vm stdlib jit
LIB_SRCS     := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
CLI_MAIN     := cli/main.c
CLI_SRCS     := $(filter-out $(CLI_MAIN),$(sort $(wildcard cli/*.c)))
UNIT_SRCS    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_SUPPORT := $(wildcard tests/unit/support.c)
GOLDEN_DIRS  := $(wildcard tests/lang tests/jit examples)

# -- Flags -------------------------------------------------------------------

MODES      := release debug asan
STD_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -I.
SANITIZE   := -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
LOX_LIBS   := -lreadline -lffi -lcapstone -lm -ldl
UNIT_LIBS  := -lcmocka

MODE_CFLAGS_release  := -O2
MODE_CFLAGS_debug    := -O0 -g3 -DLX_DEBUG
MODE_CFLAGS_asan     := -O1 -g $(SANITIZE) -DLX_DEBUG
MODE_LDFLAGS_asan    := $(SANITIZE)

BIN_release := loxjit
BIN_debug   := build/debug/loxjit
BIN_asan    := build/asan/loxjit

# The sanitizers' run-time settings for every run of an asan binary. Leak
# checking is off: LeakSanitizer needs ptrace, which containers often deny,
# and a script ending in exit() legitimately leaves the heap behind.
SAN_ENV := env ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:detect_stack_use_after_return=0 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# -- Per-mode rules ----------------------------------------------------------

# $(1) is the mode. Every mode has its own object tree, archives, binary
# and unit tests, so `make -j2 all asan` builds both side by side.
define mode_rules
$(1)_CFLAGS   := $$(STD_CFLAGS) $$(MODE_CFLAGS_$(1)) $$(CPPFLAGS) $$(CFLAGS)
$(1)_LDFLAGS  := $$(MODE_LDFLAGS_$(1)) $$(LDFLAGS)
$(1)_LIB_OBJS := $$(patsubst %.c,build/$(1)/%.o,$$(LIB_SRCS))
$(1)_CLI_OBJS := $$(patsubst %.c,build/$(1)/%.o,$$(CLI_SRCS))
$(1)_SUP_OBJS := $$(patsubst %.c,build/$(1)/%.o,$$(UNIT_SUPPORT))
$(1)_UNIT_BINS := $$(patsubst %.c,build/$(1)/%,$$(UNIT_SRCS))
$(1)_ALL_OBJS := $$($(1)_LIB_OBJS) $$($(1)_CLI_OBJS) $$($(1)_SUP_OBJS) \
                 build/$(1)/cli/main.o $$(addsuffix .o,$$($(1)_UNIT_BINS))

# Rewritten only when the compiler or flags change; every object depends
# on it, so `make CC=clang` after `make` rebuilds instead of mixing.
build/$(1)/flags: FORCE
	@mkdir -p $$(@D)
	@echo '$$(CC) $$($(1)_CFLAGS) | $$($(1)_LDFLAGS) $$(LOX_LIBS) $$(LDLIBS)' > $$@.tmp
	@if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; else mv -f $$@.tmp $$@; fi

build/$(1)/%.o: %.c build/$(1)/flags
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC [$(1)] $$<")
	$$(Q)$$(CC) $$($(1)_CFLAGS) -MMD -MP -c $$< -o $$@

build/$(1)/liblox.a: $$($(1)_LIB_OBJS) build/$(1)/flags
	@rm -f $$@
	$$(Q)$$(AR) rcs $$@ $$($(1)_LIB_OBJS)

build/$(1)/libloxcli.a: $$($(1)_CLI_OBJS) build/$(1)/flags
	@rm -f $$@
	$$(Q)$$(AR) rcs $$@ $$($(1)_CLI_OBJS)

$$(BIN_$(1)): build/$(1)/cli/main.o build/$(1)/libloxcli.a build/$(1)/liblox.a
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LINK [$(1)] $$@")
	$$(Q)$$(CC) $$($(1)_LDFLAGS) -o $$@ $$^ $$(LOX_LIBS) $$(LDLIBS)

$$($(1)_UNIT_BINS): build/$(1)/%: build/$(1)/%.o $$($(1)_SUP_OBJS) \
                    build/$(1)/libloxcli.a build/$(1)/liblox.a
	@$$(if $$(Q),echo "  LINK [$(1)] $$@")
	$$(Q)$$(CC) $$($(1)_LDFLAGS) -o $$@ $$^ $$(UNIT_LIBS) $$(LOX_LIBS) $$(LDLIBS)

-include $$($(1)_ALL_OBJS:.o=.d)
endef

$(foreach m,$(MODES),$(eval $(call mode_rules,$(m))))

# -- Tools -------------------------------------------------------------------

RUN_GOLDEN := build/tools/run_golden

build/tools/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(RUN_GOLDEN): tests/run_golden.c build/tools/flags
	@$(if $(Q),echo "  CC [tools] $@")
	$(Q)$(CC) $(STD_CFLAGS) -O2 -pthread $(CFLAGS) $(LDFLAGS) -o $@ $<

# -- Build targets -----------------------------------------------------------

.PHONY: all debug asan FORCE
all: $(BIN_release)
debug: $(BIN_debug)
asan: $(BIN_asan)
FORCE:

# -- Dependencies (Debian packages) ------------------------------------------

# gcc and make are assumed; linux-perf is only for `perf` users.
DEB_PKGS := libreadline-dev libcmocka-dev libffi-dev libcapstone-dev clang libclang-rt-14-dev \
            pkg-config valgrind

.PHONY: deps
deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
	    echo "make deps: no dpkg here; install by hand: $(DEB_PKGS)"; exit 0; \
	fi; \
	missing=""; \
	for p in $(DEB_PKGS); do \
	    dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' \
	        || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
	    echo "make deps: installing$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -q </dev/null && \
	    apt-get install -y -q --no-install-recommends $$missing </dev/null; \
	else \
	    echo "make deps: missing Debian packages:$$missing"; \
	    echo "make deps: run:  sudo apt-get install -y --no-install-recommends$$missing"; \
	    exit 1; \
	fi

# -- Run, install, clean -----------------------------------------------------

.PHONY: run install clean help
run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN_release) examples/demo.lox

install: $(BIN_release)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN_release) $(DESTDIR)$(PREFIX)/bin/loxjit

clean:
	rm -rf build $(BIN_release)

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile

# -- Tests -------------------------------------------------------------------

# A suite is a command that prints its failures and ends with its own
# "N passed, M failed" line; tests/suite.sh runs one and records its counts
# in a results file, tests/summary.sh adds them up and prints the total
# last. A suite that crashes or prints no count is one failure.
GOLDEN      = $(RUN_GOLDEN) --jobs $(JOBS) --timeout $(GOLDEN_TIMEOUT)
SUITE_unit     = $(SAN_ENV) tests/run_unit.sh $($(UNIT_MODE)_UNIT_BINS)
SUITE_selftest = tests/golden_selftest/run.sh $(RUN_GOLDEN)
SUITE_joff     = $(GOLDEN) --flags -joff ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_jon      = $(GOLDEN) ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_jstress  = $(GOLDEN) --flags -jstress ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_gcstress = $(GOLDEN) --timeout $(GCSTRESS_TIMEOUT) --flags --stress-gc \
                 ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_gcstress-joff = $(GOLDEN) --timeout $(GCSTRESS_TIMEOUT) --flags '-joff --stress-gc' \
                 ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_gcstress-jstress = $(GOLDEN) --timeout $(GCSTRESS_TIMEOUT) --flags '-jstress --stress-gc' \
                 ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_asan     = $(SAN_ENV) $(GOLDEN) $(BIN_asan) $(GOLDEN_DIRS)
SUITE_asan-joff = $(SAN_ENV) $(GOLDEN) --flags -joff $(BIN_asan) $(GOLDEN_DIRS)
SUITE_asan-jstress = $(SAN_ENV) $(GOLDEN) --flags -jstress $(BIN_asan) $(GOLDEN_DIRS)
SUITE_bench    = tests/bench/run.sh ./$(BIN_release)
SUITE_observe  = tests/observe/run.sh ./$(BIN_release)

include tests/fuzz/fuzz.mk

# The golden suite under GC stress and under ASan+UBSan runs in all three
# JIT modes (so does --stress-stack: RELIABILITY_SUITES).
GCSTRESS_SUITES := gcstress-joff gcstress gcstress-jstress
ASAN_SUITES     := asan-joff asan asan-jstress
TEST_SUITES := unit selftest joff jon jstress $(GCSTRESS_SUITES) $(ASAN_SUITES) bench observe \
               $(RELIABILITY_SUITES)
TEST_BUILD  := $(BIN_release) $(BIN_asan) $($(UNIT_MODE)_UNIT_BINS) $(RUN_GOLDEN) \
               $(RELIABILITY_BUILD)

# Only pass -j to the inner make when the user did not choose one.
JFLAG = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))

# $(1): target name, $(2): suites, $(3): what they need built.
define test_target
.PHONY: $(1)
$(1): deps
	@mkdir -p build; rm -f build/results-$(1).txt
	@$$(MAKE) --no-print-directory $$(JFLAG) -k $(3) \
	    || tests/suite.sh build/results-$(1).txt build \
	       sh -c 'echo "the build failed (errors above)"; echo "0 passed, 1 failed"'
	@$$(foreach s,$(2),tests/suite.sh build/results-$(1).txt $$(s) $$(SUITE_$$(s));)
	@tests/summary.sh build/results-$(1).txt
endef

$(eval $(call test_target,test,$(TEST_SUITES),$(TEST_BUILD)))
$(eval $(call test_target,test-unit,unit,$($(UNIT_MODE)_UNIT_BINS)))
$(eval $(call test_target,test-selftest,selftest,$(RUN_GOLDEN)))
$(eval $(call test_target,test-golden,joff jon jstress,$(BIN_release) $(RUN_GOLDEN)))
$(eval $(call test_target,test-gcstress,$(GCSTRESS_SUITES),$(BIN_release) $(RUN_GOLDEN)))
$(eval $(call test_target,test-asan,$(ASAN_SUITES),$(BIN_asan) $(RUN_GOLDEN)))
$(eval $(call test_target,test-bench,bench,$(BIN_release)))
$(eval $(call test_target,test-observe,observe,$(BIN_release)))
$(eval $(call test_target,test-reliability,$(RELIABILITY_SUITES),$(RELIABILITY_BUILD) $(BIN_release) $(RUN_GOLDEN)))

# -- Benchmarks --------------------------------------------------------------

# `make bench` replaces what lies between the markers <!-- bench:begin -->
# and <!-- bench:end --> in bench/README.md with the table; build/bench.txt
# and build/bench.json keep the last run. A run with a failed or wrong
# program leaves the README alone. The peers are the ones the JIT's speed
# targets are stated against (bench/README.md); bench-deps installs the
# Debian packages of those that are missing (C needs only the compiler).
BENCH_FLAGS ?= --compare lua5.4,luajit,pypy3,node,c
BENCH_PEERS := lua5.4:lua5.4 luajit:luajit pypy3:pypy3 node:nodejs

.PHONY: bench bench-deps
bench-deps:
	@missing=""; for p in $(BENCH_PEERS); do \
	    command -v $${p%%:*} >/dev/null 2>&1 || missing="$$missing $${p#*:}"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make bench-deps: installing$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -q </dev/null && \
	    apt-get install -y -q --no-install-recommends $$missing </dev/null; \
	else \
	    echo "make bench-deps:$$missing missing; run:  sudo apt-get install -y$$missing"; \
	    exit 1; \
	fi

bench: deps bench-deps
	@$(MAKE) --no-print-directory all
	@mkdir -p build
	set -o pipefail; ./$(BIN_release) bench $(BENCH_FLAGS) --json build/bench.json | tee build/bench.txt
	@grep -q '^<!-- bench:begin -->$$' bench/README.md && grep -q '^<!-- bench:end -->$$' bench/README.md \
	    || { echo "make bench: bench/README.md lacks the bench:begin/end markers"; exit 1; }
	@awk -v table=build/bench.txt ' \
	    /^<!-- bench:begin -->$$/ { print; print "```"; \
	        while ((getline line < table) > 0) print line; print "```"; skip = 1; next } \
	    /^<!-- bench:end -->$$/ { skip = 0 } \
	    !skip { print }' bench/README.md > build/README.bench.tmp
	@mv build/README.bench.tmp bench/README.md
	@echo "make bench: the table is in bench/README.md"
include jit/jit.mk
