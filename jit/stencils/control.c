/* control.c -- constants, control flow, exits and calls into C.
**
** The layout of a trace (the emitter's business, sketched so these
** stencils make sense):
**
**     entry:  loads and guards of the values the trace starts from
**     head:   the loop body, guards jumping to their exit stubs
**             loop                    jump back to head (TARGET)
**     stubs:  exit_stub  (n = 0)      one per exit, jump to common
**             exit_stub  (n = 1) ...
**     common: exit_common             save the registers, call the handler
**             trap
**
** Guards go through a stub, not straight to exit_common, so that every
** exit has its own jump to re-aim at a side trace later, and the body
** stays one compare-and-branch per guard.
*/
#include "jit/stencils/template.h"

JIT_TEMPLATE(const_val, uint64_t *d)
{
    *d = jit_const64();
    return true;
}

JIT_STENCIL(loop)
{
    JIT_JUMP(_JIT_TARGET);
}

JIT_STENCIL(exit_stub)
{
    ctx->exit_no = (uint32_t)JIT_OPERAND(0);
    JIT_JUMP(_JIT_TARGET);
}

/* The registers go to ctx, where the handler reads them to rebuild the
** interpreter's state (boxing by the snapshot's types); the handler's
** result is what the trace returns to the C code that entered it. This is
** a sibling call, compiled as a jump: the trace's own stack frame is just
** the return address of jit_enter's call. */
JIT_STENCIL(exit_common)
{
    ctx->iters = (uint32_t)jit_num_to_bits(f7);
    JIT_SAVE_REGS();
    return _JIT_HELPER_EXIT(ctx, base);
}

/* -- The back-edge's bookkeeping ---------------------------------------- */

/* One more iteration, counted in the bits of f7 as an integer: a psubq of
** all ones, so the count is a chain of 1-cycle adds in a register of its
** own rather than a read-modify-write of memory that every iteration would
** wait for. jit_run starts f7 at 0; exit_common above hands it on. */
JIT_STENCIL(count_iter)
{
    __asm__("pcmpeqd %%xmm8, %%xmm8\n\tpsubq %%xmm8, %0" : "+x"(f7) : : "xmm8");
    JIT_JUMP(_JIT_CONTINUE);
}

/* The execution budget (vm->budget, vm/vm.h), emitted only while one is
** set: each iteration charges one; at 1 the trace leaves (through the
** back-edge's snapshot) and the interpreter's next charge, or jit_run's,
** raises the error. */
JIT_STENCIL(stop_budget)
{
    volatile uint32_t *b = (volatile uint32_t *)jit_const64();
    uint32_t v = *b;
    if (JIT_UNLIKELY(v <= 1)) {
        if (v == 1)
            JIT_JUMP(_JIT_EXIT);
    } else {
        *b = v - 1;
    }
    JIT_JUMP(_JIT_CONTINUE);
}

/* Calls to C: helpers for what is not worth a stencil (string
** concatenation, allocation, natives). A helper returns a raw Value or an
** unboxed int, as the IR says; one that can fail returns UNDEF_VAL and the
** trace follows the call with a guard. */
JIT_TEMPLATE(call, uint64_t *d, uint64_t a, uint64_t b)
{
    *d = _JIT_HELPER(ctx, base, a, b);
    return true;
}

JIT_TEMPLATE(call_num, double *d, double a, double b)
{
    *d = _JIT_HELPER_NUM(a, b);
    return true;
}

JIT_STENCIL(trap)
{
    (void)ctx, (void)base, (void)r0, (void)r1, (void)r2, (void)r3;
    (void)f0, (void)f1, (void)f2, (void)f3, (void)f4, (void)f5, (void)f6;
    (void)f7;
    __builtin_trap();
}

JIT_STENCILS_CONTROL(JIT_INSTANTIATE)
