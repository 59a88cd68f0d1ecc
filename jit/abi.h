/* abi.h -- the stencil calling convention: what every stencil and the C
** side of the JIT agree on.
**
** A trace is a chain of stencils. Each stencil is a C function with the one
** signature below; it ends by tail-calling the next one (musttail, so the
** "call" is a jump and the C stack never grows), and the machine code of
** the whole trace is the stencils laid end to end. The signature is how
** the trace's hot state travels from one stencil to the next: in machine
** registers, under the plain System V x86-64 ABI, because that is what
** clang 14 can guarantee across musttail (preserve_none needs clang 19).
**
**   argument  register  name  holds
**   1         rdi       ctx   JitCtx *: the exit area, spill slots, the VM
**   2         rsi       base  Value *: slot 0 of the interpreter frame
**   3..6      rdx rcx   r0-r3 value registers, 64 bits each: an unboxed
**             r8  r9          int32 (INVARIANT(gpr-int32) below) or a raw
**                             boxed Value (objects, unknown types)
**   1..8 SSE  xmm0-xmm7 f0-f7 unboxed doubles
**
** All six integer and all eight SSE argument registers are used, so no
** later change can add a register without touching this file, and since
** every stencil is written against the macros in jit/stencils/template.h,
** a change here is a rebuild, never an edit of every stencil. Stencil
** variants exist per register assignment (add_int_r2_r0_r1 computes
** r2 = r0 + r1); they cover r0-r3 and f0-f3. f4-f7 are carried through
** every stencil unchanged, so a trace may park values there (loop
** invariants, say) and move them with mov_num_hi / mov_num_lo; no other
** stencil names them, except that f7 is the iteration counter of the
** back-edge (count_iter, exit_common).
**
** All argument registers are caller-saved in the System V ABI: a stencil
** that calls C saves whatever the call would clobber (clang does this),
** so calls belong on cold paths or in stencils made for them.
**
** The trace returns a uint64_t to the C code that entered it: whatever
** the exit handler returned (see exit_common in jit/stencils/control.c).
*/
#ifndef LX_JIT_ABI_H
#define LX_JIT_ABI_H

#include <stdint.h>

#include "vm/value.h"

#define JIT_NGPR   4   /* r0..r3 */
#define JIT_NFPR   8   /* f0..f7 */
#define JIT_NVFPR  4   /* f0..f3: the double registers stencil variants name */
#define JIT_NSPILL 64  /* ctx->spill slots */

/* INVARIANT(gpr-int32): a value register that holds an int keeps it in its
** low 32 bits; the high 32 bits are unspecified (they are the int tag when
** the register was filled from a boxed int, zero after arithmetic). Every
** stencil reads an int as (int32_t)rN and boxes it as LX_TAG_INT |
** (uint32_t)rN. Relied on by: the int stencils, the exit handler's boxing,
** and the cheap unboxing of load_int (which keeps the whole boxed Value). */

/* The JIT context: one per VM, passed to every stencil in rdi. The first
** part is written by the shared exit code (exit_common) just before it
** calls the exit handler; the spill area is the trace's scratch memory.
** Stencils address its fields with fixed offsets compiled in, so a change
** here needs the stencils rebuilt (the Makefile does that). */
typedef struct JitCtx {
    uint64_t gpr[JIT_NGPR];     /* r0..r3 at the last exit */
    double fpr[JIT_NFPR];       /* f0..f7 at the last exit */
    uint32_t exit_no;           /* the exit taken, set by exit_stub */
    uint32_t iters;             /* back-edges taken since jit_run entered
                                ** (counted in f7, see count_iter in
                                ** jit/stencils/control.c) */
    void *vm;                   /* the VM, for exit handlers and helpers */
    void *user;                 /* free for the JIT's own bookkeeping */
    uint64_t spill[JIT_NSPILL]; /* spill slots: spill/reload stencils */
} JitCtx;

/* The stencil signature as a C function type: the entry of a trace is the
** first stencil, so C enters a trace by calling its code through this. */
typedef uint64_t (*JitFunc)(JitCtx *ctx, Value *base,
                            uint64_t r0, uint64_t r1, uint64_t r2, uint64_t r3,
                            double f0, double f1, double f2, double f3,
                            double f4, double f5, double f6, double f7);

/* Run machine code at `code` with the registers taken from ctx->gpr and
** ctx->fpr (zero them for a fresh start; a side exit leaves its registers
** there, which is how a trace hands state to another). Returns what the
** exit handler returned. */
static inline uint64_t jit_enter(const void *code, JitCtx *ctx, Value *base)
{
    JitFunc f = (JitFunc)(uintptr_t)code;
    return f(ctx, base, ctx->gpr[0], ctx->gpr[1], ctx->gpr[2], ctx->gpr[3],
             ctx->fpr[0], ctx->fpr[1], ctx->fpr[2], ctx->fpr[3],
             ctx->fpr[4], ctx->fpr[5], ctx->fpr[6], ctx->fpr[7]);
}

#endif
