# jit/jit.mk -- the stencil pipeline, included by the Makefile.
#
# For each mode, every jit/stencils/NAME.c goes
#
#   clang -S        build/<mode>/gen/stencils/NAME.s
#   stencilgen tidy build/<mode>/gen/stencils/NAME.tidy.s   (fall-through)
#   clang -c        build/<mode>/gen/stencils/NAME.o
#   objdump -dr     build/<mode>/gen/stencils/NAME.dis      (for comments)
#
# and `stencilgen header` turns all of them into build/<mode>/gen/
# jit_stencils.h, which only jit/stencil.c includes. The stencils are built
# with fixed flags, never the mode's (no sanitizers, no -O0: they are
# templates, not part of the program); docs/jit-stencils.md says why each
# flag is there. tools/stencilgen is built like the other tools, with $(CC).
#
# The generator golden test: tests/jit/tiny_stencil.c goes through the same
# steps into build/<mode>/gen/tiny_stencil.h (tidied) and tiny_stencil.raw.h
# (not tidied: the trailing-jump removal and _JIT_CONTINUE holes), which
# tests/unit/test_patch.c compares with tests/jit/tiny_stencil*.expected.h.
#   make jit-golden          compare now (release mode), show a diff
#   make jit-golden-update   accept the current output as expected
#
# Knobs: STENCIL_CC (default clang-14, else clang), OBJDUMP.

# -- Tools and flags ---------------------------------------------------------

ifeq ($(origin STENCIL_CC),undefined)
STENCIL_CC := $(firstword $(shell command -v clang-14 clang 2>/dev/null))
endif
OBJDUMP       ?= objdump
OBJDUMP_FLAGS := -dr --no-show-raw-insn -M intel
STENCILGEN    := build/tools/stencilgen
STENCIL_SRCS  := $(sort $(wildcard jit/stencils/*.c))

STENCIL_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -I. \
                  -fno-pic -mcmodel=small -ffunction-sections \
                  -fno-asynchronous-unwind-tables -fno-unwind-tables \
                  -fno-stack-protector -fcf-protection=none \
                  -fomit-frame-pointer -fno-jump-tables -fno-sanitize=all

$(STENCILGEN): tools/stencilgen.c jit/stencil.h jit/stencil_list.h build/tools/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [tools] $@")
	$(Q)$(CC) $(STD_CFLAGS) -O2 $(CFLAGS) $(LDFLAGS) -o $@ $<

# -- Per-mode rules ----------------------------------------------------------

# $(1) is the mode.
define jit_mode_rules
JIT_GEN_$(1)       := build/$(1)/gen
JIT_ST_OBJS_$(1)   := $$(patsubst jit/stencils/%.c,build/$(1)/gen/stencils/%.o,$$(STENCIL_SRCS))
JIT_GOLDEN_$(1)    := build/$(1)/gen/tiny_stencil.h build/$(1)/gen/tiny_stencil.raw.h

# The .s files are kept (not deleted as intermediates): they are what to
# read when a stencil looks wrong.
.SECONDARY: $$(JIT_ST_OBJS_$(1):.o=.s) $$(JIT_ST_OBJS_$(1):.o=.tidy.s) \
            build/$(1)/gen/jit-test/tiny_stencil.s build/$(1)/gen/jit-test/tiny_stencil.tidy.s

# Rewritten only when the stencil compiler or its flags change.
build/$(1)/gen/stencil-flags: FORCE
	@mkdir -p $$(@D)
	@echo '$$(STENCIL_CC) $$(STENCIL_CFLAGS) | $$(OBJDUMP) $$(OBJDUMP_FLAGS)' > $$@.tmp
	@if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; else mv -f $$@.tmp $$@; fi

build/$(1)/gen/stencils/%.s: jit/stencils/%.c build/$(1)/gen/stencil-flags
	@mkdir -p $$(@D)
	@test -n "$$(STENCIL_CC)" || { echo "jit.mk: stencils need clang (14): run make deps" >&2; exit 1; }
	@$$(if $$(Q),echo "  STENCIL [$(1)] $$<")
	$$(Q)$$(STENCIL_CC) $$(STENCIL_CFLAGS) -MMD -MP -MF $$@.d -MT $$@ -S $$< -o $$@

build/$(1)/gen/jit-test/%.s: tests/jit/%.c build/$(1)/gen/stencil-flags
	@mkdir -p $$(@D)
	@test -n "$$(STENCIL_CC)" || { echo "jit.mk: stencils need clang (14): run make deps" >&2; exit 1; }
	$$(Q)$$(STENCIL_CC) $$(STENCIL_CFLAGS) -MMD -MP -MF $$@.d -MT $$@ -S $$< -o $$@

build/$(1)/gen/%.tidy.s: build/$(1)/gen/%.s $$(STENCILGEN)
	$$(Q)$$(STENCILGEN) tidy $$< $$@

build/$(1)/gen/%.o: build/$(1)/gen/%.tidy.s
	$$(Q)$$(STENCIL_CC) -c $$< -o $$@

build/$(1)/gen/%.raw.o: build/$(1)/gen/%.s
	$$(Q)$$(STENCIL_CC) -c $$< -o $$@

build/$(1)/gen/%.dis: build/$(1)/gen/%.o
	$$(Q)$$(OBJDUMP) $$(OBJDUMP_FLAGS) $$< > $$@.tmp && mv -f $$@.tmp $$@

build/$(1)/gen/jit_stencils.h: $$(JIT_ST_OBJS_$(1)) $$(JIT_ST_OBJS_$(1):.o=.dis) $$(STENCILGEN)
	@$$(if $$(Q),echo "  GEN [$(1)] $$@")
	$$(Q)$$(STENCILGEN) header -o $$@ $$(foreach o,$$(JIT_ST_OBJS_$(1)),$$(o) $$(o:.o=.dis))

build/$(1)/gen/tiny_stencil.h: build/$(1)/gen/jit-test/tiny_stencil.o \
                               build/$(1)/gen/jit-test/tiny_stencil.dis $$(STENCILGEN)
	$$(Q)$$(STENCILGEN) header -o $$@ $$(wordlist 1,2,$$^)

build/$(1)/gen/tiny_stencil.raw.h: build/$(1)/gen/jit-test/tiny_stencil.raw.o \
                                   build/$(1)/gen/jit-test/tiny_stencil.raw.dis $$(STENCILGEN)
	$$(Q)$$(STENCILGEN) header -o $$@ $$(wordlist 1,2,$$^)

# Only jit/stencil.c sees the generated header.
build/$(1)/jit/stencil.o: build/$(1)/gen/jit_stencils.h
build/$(1)/jit/stencil.o: $(1)_CFLAGS += -Ibuild/$(1)/gen

# test_patch reads the golden outputs at run time (order-only: they are
# not linked).
build/$(1)/tests/unit/test_patch: | $$(JIT_GOLDEN_$(1))

-include $$(wildcard build/$(1)/gen/stencils/*.s.d build/$(1)/gen/jit-test/*.s.d)
endef

$(foreach m,$(MODES),$(eval $(call jit_mode_rules,$(m))))

# -- The generator golden test -----------------------------------------------

.PHONY: jit-golden jit-golden-update
jit-golden: $(JIT_GOLDEN_release)
	@diff -u tests/jit/tiny_stencil.expected.h build/release/gen/tiny_stencil.h && \
	 diff -u tests/jit/tiny_stencil.raw.expected.h build/release/gen/tiny_stencil.raw.h && \
	 echo "jit-golden: stencilgen output matches tests/jit/"

jit-golden-update: $(JIT_GOLDEN_release)
	cp build/release/gen/tiny_stencil.h tests/jit/tiny_stencil.expected.h
	cp build/release/gen/tiny_stencil.raw.h tests/jit/tiny_stencil.raw.expected.h
