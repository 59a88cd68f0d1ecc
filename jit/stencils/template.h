/* template.h -- how a stencil is written. Included only by jit/stencils/ (every .c there),
** which clang compiles into the stencils (never linked into loxjit).
**
** A TEMPLATE is a small always-inline function that does one operation on
** its register operands and returns true to continue or false to take the
** stencil's exit:
**
**     JIT_TEMPLATE(add_int, uint64_t *d, uint64_t a, uint64_t b)
**     {
**         int32_t r;
**         if (__builtin_add_overflow((int32_t)a, (int32_t)b, &r))
**             return false;
**         *d = (uint32_t)r;
**         return true;
**     }
**
** Its shape in jit/stencil_list.h (rRR: write one value register, read
** two) picks the wrapper JIT_DEF_rRR, and JIT_INSTANTIATE emits one
** STENCIL per register assignment: add_int_r2_r0_r1 is a function with the
** signature of jit/abi.h that calls the template with (&r2, r0, r1) and
** then tail-calls _JIT_CONTINUE or _JIT_EXIT. Because the wrappers, not
** the templates, know the signature and the register names, changing
** either touches this file only.
**
** Holes are read only through the JIT_* accessors below: they pin down how
** each symbol is used, which is what lets stencilgen and patch.c check the
** relocation kinds (see the symbol classes in jit/stencil.h).
*/
#ifndef LX_JIT_STENCILS_TEMPLATE_H
#define LX_JIT_STENCILS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jit/abi.h"
#include "jit/stencil_list.h"

#if !defined(__clang__) || __clang_major__ < 13
#error "stencils need clang >= 13 for __attribute__((musttail))"
#endif

/* -- The signature ----------------------------------------------------- */

#define JIT_PARAMS                                                           \
    JitCtx *ctx, Value *base, uint64_t r0, uint64_t r1, uint64_t r2,         \
    uint64_t r3, double f0, double f1, double f2, double f3, double f4,      \
    double f5, double f6, double f7
#define JIT_ARGS ctx, base, r0, r1, r2, r3, f0, f1, f2, f3, f4, f5, f6, f7

#define JIT_STENCIL(name) uint64_t name(JIT_PARAMS)

/* Leave the stencil for `target`, one of the JUMP symbols, passing every
** register on. musttail makes it a jump; stencilgen removes the one to
** _JIT_CONTINUE at the very end, so most stencils fall through. */
#define JIT_JUMP(target) __attribute__((musttail)) return target(JIT_ARGS)

#define JIT_LIKELY(x)   __builtin_expect(!!(x), 1)
#define JIT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define JIT_INLINE      static inline __attribute__((always_inline))

/* Every value register into the JitCtx, where C code called from the trace
** (an exit, a native call) reads them to rebuild the interpreter's state. */
#define JIT_SAVE_REGS()                                                      \
    do {                                                                     \
        ctx->gpr[0] = r0;                                                    \
        ctx->gpr[1] = r1;                                                    \
        ctx->gpr[2] = r2;                                                    \
        ctx->gpr[3] = r3;                                                    \
        ctx->fpr[0] = f0;                                                    \
        ctx->fpr[1] = f1;                                                    \
        ctx->fpr[2] = f2;                                                    \
        ctx->fpr[3] = f3;                                                    \
        ctx->fpr[4] = f4;                                                    \
        ctx->fpr[5] = f5;                                                    \
        ctx->fpr[6] = f6;                                                    \
        ctx->fpr[7] = f7;                                                    \
    } while (0)

/* ...and back after the C call. Every value register is caller-saved in
** the C ABI, so without this clang keeps them across the call itself:
** pushing callee-saved registers and spilling every double to the stack,
** twice the stores of JIT_SAVE_REGS. Reloading from the copies in ctx
** costs one load each. */
#define JIT_LOAD_REGS()                                                      \
    do {                                                                     \
        r0 = ctx->gpr[0];                                                    \
        r1 = ctx->gpr[1];                                                    \
        r2 = ctx->gpr[2];                                                    \
        r3 = ctx->gpr[3];                                                    \
        f0 = ctx->fpr[0];                                                    \
        f1 = ctx->fpr[1];                                                    \
        f2 = ctx->fpr[2];                                                    \
        f3 = ctx->fpr[3];                                                    \
        f4 = ctx->fpr[4];                                                    \
        f5 = ctx->fpr[5];                                                    \
        f6 = ctx->fpr[6];                                                    \
        f7 = ctx->fpr[7];                                                    \
    } while (0)

/* -- Holes ------------------------------------------------------------- */

/* Data holes are weak so clang cannot assume their address is non-null
** (a zero operand must work: `k == 0` would otherwise fold to false), and
** chars so it cannot assume their address is aligned. Jump and call holes
** are functions of the right type, reached only by calls and JIT_JUMP. */
extern char _JIT_SLOT __attribute__((weak));
extern char _JIT_OPERAND0 __attribute__((weak));
extern char _JIT_OPERAND1 __attribute__((weak));
extern uint64_t _JIT_CONTINUE(JIT_PARAMS);
extern uint64_t _JIT_TARGET(JIT_PARAMS);
extern uint64_t _JIT_EXIT(JIT_PARAMS);
extern uint64_t _JIT_HELPER(JitCtx *ctx, Value *base, uint64_t a, uint64_t b);
extern double _JIT_HELPER_NUM(double a, double b) __asm__("_JIT_HELPER");
extern uint64_t _JIT_HELPER_EXIT(JitCtx *ctx, Value *base);

/* The byte displacement SLOT, sign-extended: compiles to a disp32 field. */
#define JIT_SLOT_OFFSET ((intptr_t)&_JIT_SLOT)

/* An int32 operand. Truncating at once is what makes any 32-bit pattern a
** valid value whatever relocation kind clang picks (class IMM32). */
#define JIT_OPERAND(n) ((int32_t)(uint32_t)(uintptr_t)&_JIT_OPERAND##n)

/* The 64-bit CONST. The small code model assumes every symbol lies in the
** low 2 GiB, so clang would load &_JIT_CONST as a 32-bit immediate; the
** movabs is written out to get a full 64-bit field (R_X86_64_64). */
JIT_INLINE uint64_t jit_const64(void)
{
    uint64_t v;
    __asm__("movabsq $_JIT_CONST, %0" : "=r"(v));
    return v;
}

/* The frame slot and the spill slot that SLOT names. */
#define JIT_FRAME_SLOT (*(Value *)((char *)base + JIT_SLOT_OFFSET))
#define JIT_SPILL_SLOT (*(uint64_t *)((char *)ctx->spill + JIT_SLOT_OFFSET))

/* -- Value helpers ----------------------------------------------------- */

/* vm/value.h's helpers go through memcpy, which is fine (clang inlines a
** fixed-size memcpy); these are the few the stencils need, spelled so
** the generated code is what a stencil wants. */
JIT_INLINE double jit_bits_to_num(uint64_t v)
{
    double d;
    __builtin_memcpy(&d, &v, sizeof d);
    return d;
}

JIT_INLINE uint64_t jit_num_to_bits(double d)
{
    uint64_t v;
    __builtin_memcpy(&v, &d, sizeof v);
    return v;
}

/* double_val() of vm/value.h: a NaN becomes LX_CANON_NAN. */
JIT_INLINE uint64_t jit_box_num(double d)
{
    return d != d ? LX_CANON_NAN : jit_num_to_bits(d);
}

JIT_INLINE uint64_t jit_box_int(uint64_t r)
{
    return LX_TAG_INT | (uint32_t)r;
}

/* -- Templates and their wrappers -------------------------------------- */

/* A template's parameters: ctx and base (often unused), then its
** register operands, outputs by pointer. */
#define JIT_TEMPLATE(name, ...)                                              \
    JIT_INLINE bool name(JitCtx *ctx __attribute__((unused)),                \
                         Value *base __attribute__((unused)), __VA_ARGS__)
#define JIT_TEMPLATE_N(name)                                                 \
    JIT_INLINE bool name(JitCtx *ctx __attribute__((unused)),                \
                         Value *base __attribute__((unused)))

/* INVARIANT(exit-sees-inputs): when a template returns false, the stencil
** jumps to _JIT_EXIT with every register exactly as it was on entry: the
** wrappers give templates copies of their outputs and write them back
** only on the way to _JIT_CONTINUE. A snapshot taken before the
** operation therefore still describes the machine state at the exit,
** even when the output register is also an input (r0 = r0 + r1).
** Relied on by: the recorder's snapshots and exit.c. */
#define JIT__GUARDED(call)                                                   \
    if (JIT_UNLIKELY(!(call)))                                               \
        JIT_JUMP(_JIT_EXIT)

#define JIT_DEF_raw(t, name)
#define JIT_DEF_N(t, name)                                                   \
    JIT_STENCIL(name) { JIT__GUARDED(t(ctx, base)); JIT_JUMP(_JIT_CONTINUE); }

#define JIT__DEF_OUT(T, call, d)                                             \
    {                                                                        \
        T out_ = d;                                                          \
        JIT__GUARDED(call);                                                  \
        d = out_;                                                            \
        JIT_JUMP(_JIT_CONTINUE);                                             \
    }
#define JIT__DEF_IN(call)                                                    \
    {                                                                        \
        JIT__GUARDED(call);                                                  \
        JIT_JUMP(_JIT_CONTINUE);                                             \
    }

#define JIT_DEF_r(t, name, d)  JIT_STENCIL(name) JIT__DEF_OUT(uint64_t, t(ctx, base, &out_), d)
#define JIT_DEF_f(t, name, d)  JIT_STENCIL(name) JIT__DEF_OUT(double, t(ctx, base, &out_), d)
#define JIT_DEF_R(t, name, a)  JIT_STENCIL(name) JIT__DEF_IN(t(ctx, base, a))
#define JIT_DEF_F(t, name, a)  JIT_STENCIL(name) JIT__DEF_IN(t(ctx, base, a))
#define JIT_DEF_RR(t, name, a, b) JIT_STENCIL(name) JIT__DEF_IN(t(ctx, base, a, b))
#define JIT_DEF_FF(t, name, a, b) JIT_STENCIL(name) JIT__DEF_IN(t(ctx, base, a, b))
#define JIT_DEF_rR(t, name, d, a) JIT_STENCIL(name) JIT__DEF_OUT(uint64_t, t(ctx, base, &out_, a), d)
#define JIT_DEF_rF(t, name, d, a) JIT_STENCIL(name) JIT__DEF_OUT(uint64_t, t(ctx, base, &out_, a), d)
#define JIT_DEF_fF(t, name, d, a) JIT_STENCIL(name) JIT__DEF_OUT(double, t(ctx, base, &out_, a), d)
#define JIT_DEF_fR(t, name, d, a) JIT_STENCIL(name) JIT__DEF_OUT(double, t(ctx, base, &out_, a), d)
#define JIT_DEF_gF JIT_DEF_fF
#define JIT_DEF_fG JIT_DEF_fF
#define JIT_DEF_RRR(t, name, a, b, c) JIT_STENCIL(name) JIT__DEF_IN(t(ctx, base, a, b, c))
#define JIT_DEF_rRR(t, name, d, a, b)                                        \
    JIT_STENCIL(name) JIT__DEF_OUT(uint64_t, t(ctx, base, &out_, a, b), d)
#define JIT_DEF_fFF(t, name, d, a, b)                                        \
    JIT_STENCIL(name) JIT__DEF_OUT(double, t(ctx, base, &out_, a, b), d)

/* Expands to every variant of template t, as jit/stencil_list.h lists it:
** use as JIT_STENCILS_GROUP(JIT_INSTANTIATE) after the group's templates. */
#define JIT_INSTANTIATE(t, shape, doc) JIT_SHAPE_##shape(JIT_DEF_##shape, t)

#endif
