/* tiny_stencil.c -- input of the stencilgen golden test (see jit/jit.mk).
**
** A few stencils written against jit/stencils/template.h, one per thing
** the generator must handle: a guard (a conditional jump to _JIT_EXIT
** once tidied), a 32-bit displacement hole, a 32-bit operand, a 64-bit
** constant, read-only data (a constant-pool entry), a call to a helper,
** a jump to _JIT_TARGET, and a template instantiated through its
** wrapper. The build turns it into build/<mode>/gen/tiny_stencil.h and,
** without the tidy pass, tiny_stencil.raw.h (where the trailing jump to
** _JIT_CONTINUE is removed by the ELF reader and the other jumps to it
** become holes); both are compared with the .expected.h files here.
*/
#include "jit/stencils/template.h"

JIT_STENCIL(tiny_guard)
{
    if (JIT_UNLIKELY((int32_t)r0 >= JIT_OPERAND(0)))
        JIT_JUMP(_JIT_EXIT);
    JIT_JUMP(_JIT_CONTINUE);
}

JIT_STENCIL(tiny_load)
{
    r1 = JIT_FRAME_SLOT;
    JIT_JUMP(_JIT_CONTINUE);
}

JIT_STENCIL(tiny_const)
{
    f0 = jit_bits_to_num(jit_const64());
    f1 = -f2;
    JIT_JUMP(_JIT_CONTINUE);
}

JIT_STENCIL(tiny_call)
{
    r0 = _JIT_HELPER(ctx, base, r1, r2);
    JIT_JUMP(_JIT_CONTINUE);
}

JIT_STENCIL(tiny_loop)
{
    JIT_JUMP(_JIT_TARGET);
}

JIT_TEMPLATE(tiny_sub, uint64_t *d, uint64_t a, uint64_t b)
{
    int32_t r;
    if (__builtin_sub_overflow((int32_t)a, (int32_t)b, &r))
        return false;
    *d = (uint32_t)r;
    return true;
}

JIT_DEF_rRR(tiny_sub, tiny_sub_r2_r0_r1, r2, r0, r1)
