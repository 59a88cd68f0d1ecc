# tests/fuzz/fuzz.mk -- fuzzing, differential testing, hostile inputs,
# stack-relocation stress and valgrind; included by the Makefile.
#
#   make fuzz         build both libFuzzer targets and run each for
#                     FUZZ_SECONDS (default 60); findings land in
#                     build/fuzz/artifacts/, the growing corpora in
#                     build/fuzz/corpus-*/ (seeded from tests/lang)
#   make difftest     N random programs (default 1000, from SEED, default
#                     the time) each run with -joff and -jstress (one in
#                     four also in the default mode), in one process
#                     (tests/fuzz/difftest.c, about 470 programs per
#                     second of one core); DIFFTEST_FLAGS are its options,
#                     by default GC stress for 1 program in 100 (-g) and
#                     stack stress for 1 in 50 (-k); -c adds -O jitcheck=1,
#                     as the suite does, for a third more time. Any
#                     difference is saved to /tmp/loxjit-diff/ and fails.
#                     make difftest-sh: the same, a process per run
#   make valgrind     memcheck on the golden tests of tests/fuzz/valgrind.list
#                     (VALGRIND_N=50: on 50 spread over all of them instead)
#
# and these suites of `make test` (alone: `make test-reliability`): fuzz
# (FUZZ_CI_SECONDS per target), difftest (DIFFTEST_CI programs), hostile
# (tests/hostile/run.sh, plus the golden tests in tests/lang/hostile/;
# it also watches /proc/PID/maps for W+X pages during a JIT-heavy run),
# stack-joff, stack and stack-jstress (the golden suite under
# --stress-stack in the three JIT modes), valgrind (valgrind.list, -joff
# and -jstress) and jitcheck (the golden tests of tests/jit and tests/lang
# with -jstress, -O jitcheck=1 and -O ircheck=1: every trace exit verified,
# jit/verify.c, and every trace's IR after each pass, jit/ircheck.c).
#
# The fuzz targets need clang's libFuzzer (Debian: clang and
# libclang-rt-14-dev, in `make deps`). Their objects are every lib source
# built once more with clang, ASan, UBSan and the fuzzer's coverage
# instrumentation into build/fuzz/; jit/stencil.c includes the stencil
# header of the release build (stencils never take a mode's flags).

FUZZ_CC        ?= $(firstword $(shell command -v clang-14 clang 2>/dev/null) clang)
FUZZ_SECONDS   ?= 60
FUZZ_CI_SECONDS ?= 20
FUZZ_FLAGS     ?=
DIFFTEST_CI    ?= 3000
VALGRIND_N     ?=
N              ?= 1000
SEED           ?=

FUZZ_CFLAGS := $(STD_CFLAGS) -O1 -g -DLX_DEBUG -fno-omit-frame-pointer \
               -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all
FUZZ_LIB_OBJS := $(patsubst %.c,build/fuzz/%.o,$(LIB_SRCS))
FUZZ_TARGETS  := build/fuzz/fuzz_compile build/fuzz/fuzz_run
GEN_LOX       := build/tools/gen_lox
DIFFTEST      := build/release/difftest
DIFFTEST_FLAGS ?= -g 100 -k 50
FUZZ_SEED     := build/fuzz/seed

build/fuzz/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

build/fuzz/%.o: %.c build/fuzz/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [fuzz] $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/jit/stencil.o: build/release/gen/jit_stencils.h
build/fuzz/jit/stencil.o: FUZZ_CFLAGS += -Ibuild/release/gen

build/fuzz/liblox.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o build/fuzz/tests/fuzz/fuzz_vm.o build/fuzz/liblox.a
	@$(if $(Q),echo "  LINK [fuzz] $@")
	$(Q)$(FUZZ_CC) -fsanitize=address,undefined,fuzzer -rdynamic -o $@ $^ -lffi -lcapstone -lm -ldl

.SECONDARY: $(patsubst %.c,build/fuzz/%.o,$(wildcard tests/fuzz/fuzz_*.c))
-include $(wildcard build/fuzz/*/*.d build/fuzz/*/*/*.d)

$(GEN_LOX): tests/fuzz/gen_lox.c build/tools/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [tools] $@")
	$(Q)$(CC) $(STD_CFLAGS) -O2 $(CFLAGS) $(LDFLAGS) -o $@ $<

# The in-process driver: the release library, the fuzz targets' VM and the
# generator without its main.
DIFFTEST_SRCS := tests/fuzz/difftest.c tests/fuzz/fuzz_vm.c tests/fuzz/gen_lox.c
$(DIFFTEST): $(DIFFTEST_SRCS) $(wildcard tests/fuzz/*.h) build/release/liblox.a
	@$(if $(Q),echo "  LINK [release] $@")
	$(Q)$(CC) $(release_CFLAGS) -DGEN_LOX_NO_MAIN -o $@ $(DIFFTEST_SRCS) \
	    build/release/liblox.a $(LOX_LIBS) $(LDLIBS)

# The seed corpus: every golden test of tests/lang, flattened (a copy made
# at build time, never committed).
FUZZ_SEED_SRCS := $(shell find tests/lang -name '*.lox' 2>/dev/null | sort)
$(FUZZ_SEED)/.stamp: $(FUZZ_SEED_SRCS)
	@rm -rf $(@D) && mkdir -p $(@D)
	@for f in $(FUZZ_SEED_SRCS); do cp "$$f" "$(@D)/$$(echo "$${f#tests/lang/}" | tr / _)"; done
	@touch $@

.PHONY: fuzz fuzz-build difftest difftest-sh valgrind
fuzz-build: $(FUZZ_TARGETS) $(FUZZ_SEED)/.stamp
fuzz: deps
	@$(MAKE) --no-print-directory $(JFLAG) fuzz-build
	tests/fuzz/run_fuzz.sh $(FUZZ_SECONDS) $(FUZZ_SEED) $(FUZZ_TARGETS) -- $(FUZZ_FLAGS)

difftest: $(DIFFTEST)
	$(DIFFTEST) -n $(N) $(if $(SEED),-s $(SEED)) $(DIFFTEST_FLAGS)

difftest-sh: $(BIN_release) $(GEN_LOX)
	tests/fuzz/difftest.sh ./$(BIN_release) $(GEN_LOX) $(N) $(SEED)

valgrind: $(BIN_release) $(RUN_GOLDEN)
	tests/fuzz/valgrind.sh ./$(BIN_release) $(VALGRIND_N)

# -- Suites of `make test` ---------------------------------------------------

SUITE_fuzz        = env FUZZ_FRESH=1 tests/fuzz/run_fuzz.sh $(FUZZ_CI_SECONDS) $(FUZZ_SEED) $(FUZZ_TARGETS) --
SUITE_difftest    = $(DIFFTEST) -n $(DIFFTEST_CI) -p 0 $(DIFFTEST_FLAGS) -c
SUITE_hostile     = tests/hostile/run.sh ./$(BIN_release)
SUITE_stack-joff  = $(GOLDEN) --flags '-joff --stress-stack' ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_stack       = $(GOLDEN) --flags --stress-stack ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_stack-jstress = $(GOLDEN) --flags '-jstress --stress-stack' ./$(BIN_release) $(GOLDEN_DIRS)
SUITE_valgrind    = tests/fuzz/valgrind.sh ./$(BIN_release)
SUITE_jitcheck    = $(GOLDEN) --flags '-jstress -O jitcheck=1 -O ircheck=1' ./$(BIN_release) tests/jit tests/lang

RELIABILITY_SUITES := fuzz difftest hostile stack-joff stack stack-jstress valgrind jitcheck
RELIABILITY_BUILD  := $(FUZZ_TARGETS) $(FUZZ_SEED)/.stamp $(GEN_LOX) $(DIFFTEST)
