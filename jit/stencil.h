/* stencil.h -- the run-time view of a stencil: its code bytes and holes.
**
** A stencil is the machine code clang made from one template variant in
** jit/stencils/ (the list is jit/stencil_list.h), with HOLES: places whose
** bytes depend on values known only when a trace is emitted (a slot
** offset, a constant, a jump target). In C a hole is an extern symbol
** whose ADDRESS is the value (`(intptr_t)&_JIT_SLOT`); clang leaves an
** ELF relocation against it, and tools/stencilgen turns each relocation
** into a JitHole. jit/patch.c copies a stencil and fills its holes.
**
** This header is shared with tools/stencilgen, which expands the same
** tables to name symbols and relocation kinds, so it includes nothing
** from vm/ and nothing generated.
*/
#ifndef LX_JIT_STENCIL_H
#define LX_JIT_STENCIL_H

#include <stdint.h>

#include "jit/stencil_list.h"

/* -- Hole symbols ------------------------------------------------------ */

/* How a symbol's value is used, which decides the relocation kinds it may
** meet and the range checks patching applies (jit/patch.c):
**   DISP   a signed byte displacement, sign-extended to 64 bits
**          (R_X86_64_32S in an addressing mode)
**   IMM32  a 32-bit operand: stencils use only its low 32 bits
**          (JIT_OPERAND() truncates), so any int32 or uint32 value fits
**   IMM64  a full 64-bit value, always a movabs immediate (R_X86_64_64)
**   JUMP   a jump target (rel32 jmp / jcc), inside the same code area
**   CALL   a C function (rel32 call), through a trampoline when far
**   DATA   the stencil's own read-only data, placed by the patcher */
#define JIT_HOLE_CLASSES(X) X(DISP) X(IMM32) X(IMM64) X(JUMP) X(CALL) X(DATA)

typedef enum {
#define JIT__CLASS_ENUM(c) JIT_HC_##c,
    JIT_HOLE_CLASSES(JIT__CLASS_ENUM)
#undef JIT__CLASS_ENUM
} JitHoleClass;

/* X(NAME, class, what the value is). The C symbol is _JIT_NAME. */
#define JIT_HOLE_SYMBOLS(X)                                                  \
    X(SLOT,        DISP,  "byte offset of a frame slot from base (8 * slot), " \
                          "or of a spill slot in ctx->spill")                  \
    X(OPERAND0,    IMM32, "a 32-bit operand: an int32 constant, an exit "      \
                          "number")                                            \
    X(OPERAND1,    IMM32, "a second 32-bit operand")                           \
    X(CONST,       IMM64, "a 64-bit constant: a boxed Value, a double's bits, " \
                          "a pointer")                                         \
    X(CONTINUE,    JUMP,  "the end of this stencil, where the next one starts " \
                          "(filled in by the patcher)")                        \
    X(TARGET,      JUMP,  "a jump target in the trace: the loop head, the "    \
                          "trace's exit_common")                               \
    X(EXIT,        JUMP,  "where this stencil's guard goes when it fails: "    \
                          "its exit stub")                                     \
    X(HELPER,      CALL,  "the C function a call stencil calls")               \
    X(HELPER_EXIT, CALL,  "the exit handler exit_common calls: uint64_t "      \
                          "(*)(JitCtx *, Value *base)")                        \
    X(DATA,        DATA,  "this stencil's read-only data (not a C symbol: "    \
                          "stencilgen makes it from references to .rodata)")

typedef enum {
#define JIT__SYM_ENUM(name, cls, doc) JIT_SYM_##name,
    JIT_HOLE_SYMBOLS(JIT__SYM_ENUM)
#undef JIT__SYM_ENUM
    JIT_SYM__COUNT
} JitSym;

/* -- Relocation kinds -------------------------------------------------- */

/* X(NAME, ELF type, how the patched field is computed). S is the symbol's
** value, A the addend, P the address of the field. These five are all
** stencilgen accepts: anything else fails the build (stencils are built
** -fno-pic -mcmodel=small, so no GOT kinds appear; see
** docs/jit-stencils.md for why each flag is there). */
#define JIT_RELOC_KINDS(X)                                                   \
    X(ABS64,  R_X86_64_64,    "S + A, 64 bits (movabs immediates)")          \
    X(PC32,   R_X86_64_PC32,  "S + A - P, signed 32 bits (rip-relative "     \
                              "data, jumps)")                                \
    X(PLT32,  R_X86_64_PLT32, "as PC32: there is no PLT, calls and jumps "   \
                              "go straight to S")                            \
    X(ABS32,  R_X86_64_32,    "S + A, must zero-extend from 32 bits")        \
    X(ABS32S, R_X86_64_32S,   "S + A, must sign-extend from 32 bits")

typedef enum {
#define JIT__KIND_ENUM(name, elf, doc) JIT_RELOC_##name,
    JIT_RELOC_KINDS(JIT__KIND_ENUM)
#undef JIT__KIND_ENUM
    JIT_RELOC__COUNT
} JitRelocKind;

/* The instruction a hole sits in, as far as patching cares (stencilgen
** reads it from the bytes before the field). Lets patch.c check the
** instruction it expects and the emitter re-aim jumps later. */
#define JIT_HOLE_INSNS(X) X(OTHER) X(CALL) X(JMP) X(JCC) X(MOVABS)

typedef enum {
#define JIT__INSN_ENUM(name) JIT_INSN_##name,
    JIT_HOLE_INSNS(JIT__INSN_ENUM)
#undef JIT__INSN_ENUM
} JitHoleInsn;

/* -- Stencils ---------------------------------------------------------- */

typedef struct {
    uint32_t offset;    /* of the field, in the code */
    uint8_t kind;       /* JitRelocKind */
    uint8_t sym;        /* JitSym */
    uint8_t insn;       /* JitHoleInsn */
    int32_t addend;     /* A; for DATA, includes the data's offset */
} JitHole;

/* INVARIANT(stencil-fallthrough): a stencil ends where its continuation
** begins; its code may jump to its own end (code + code_size) meaning
** "continue". The emitter places the next stencil right there, with no
** padding. Relied on by: stencilgen (it removes the trailing jump and
** keeps jumps to the end as they are), the emitter. */
typedef struct {
    const char *name;           /* NULL: no stencil with this id was built */
    const uint8_t *code;
    uint32_t code_size;
    uint16_t nholes;
    uint16_t data_align;        /* of data; 1 when there is none */
    const JitHole *holes;       /* sorted by offset */
    const uint8_t *data;        /* read-only data the code refers to */
    uint32_t data_size;
} JitStencil;

/* One id per stencil variant, in list order (JIT_ST_add_int_r2_r0_r1). */
typedef enum {
#define JIT__ST_VARIANT(t, v, ...) JIT_ST_##v,
#define JIT__ST_TEMPLATE(t, shape, doc) JIT_SHAPE_##shape(JIT__ST_VARIANT, t)
    JIT_STENCILS(JIT__ST_TEMPLATE)
#undef JIT__ST_TEMPLATE
#undef JIT__ST_VARIANT
    JIT_ST__COUNT
} JitStencilId;

/* The id of a template's first variant (all registers 0). */
#define JIT_SHAPE_FIRST_raw(t) JIT_ST_##t
#define JIT_SHAPE_FIRST_N(t)   JIT_ST_##t
#define JIT_SHAPE_FIRST_r(t)   JIT_ST_##t##_r0
#define JIT_SHAPE_FIRST_R(t)   JIT_ST_##t##_r0
#define JIT_SHAPE_FIRST_f(t)   JIT_ST_##t##_f0
#define JIT_SHAPE_FIRST_F(t)   JIT_ST_##t##_f0
#define JIT_SHAPE_FIRST_rR(t)  JIT_ST_##t##_r0_r0
#define JIT_SHAPE_FIRST_RR(t)  JIT_ST_##t##_r0_r0
#define JIT_SHAPE_FIRST_fF(t)  JIT_ST_##t##_f0_f0
#define JIT_SHAPE_FIRST_FF(t)  JIT_ST_##t##_f0_f0
#define JIT_SHAPE_FIRST_fR(t)  JIT_ST_##t##_f0_r0
#define JIT_SHAPE_FIRST_rF(t)  JIT_ST_##t##_r0_f0
#define JIT_SHAPE_FIRST_gF(t)  JIT_ST_##t##_f4_f0
#define JIT_SHAPE_FIRST_fG(t)  JIT_ST_##t##_f0_f4
#define JIT_SHAPE_FIRST_rRR(t) JIT_ST_##t##_r0_r0_r0
#define JIT_SHAPE_FIRST_RRR(t) JIT_ST_##t##_r0_r0_r0
#define JIT_SHAPE_FIRST_fFF(t) JIT_ST_##t##_f0_f0_f0

/* One id per template (JIT_T_add_int). */
typedef enum {
#define JIT__T_ENUM(t, shape, doc) JIT_T_##t,
    JIT_STENCILS(JIT__T_ENUM)
#undef JIT__T_ENUM
    JIT_T__COUNT
} JitTemplate;

/* The stencil built for id (its name is NULL if the build made none). */
const JitStencil *stencil_get(JitStencilId id);

/* The variant of template t for the given register numbers (0-3 within
** each role's bank, so 0 is f4 for a g / G role), in the order of the
** template's shape; extra arguments are ignored. */
JitStencilId stencil_id(JitTemplate t, int reg0, int reg1, int reg2);

/* Number of register operands of template t (0-3). */
int stencil_roles(JitTemplate t);

const char *stencil_template_name(JitTemplate t);
const char *stencil_sym_name(JitSym s);     /* "SLOT" */
JitHoleClass stencil_sym_class(JitSym s);
const char *stencil_reloc_name(JitRelocKind k);  /* "R_X86_64_PC32" */

#endif
