/* side.c -- the stencils side traces need (jit/side.c).
**
** A side trace's code is entered from its parent's exit stub and leaves
** by jumping to its root's entry, never through C; the one thing it must
** tell the C side on the way is which trace is running, because exits and
** native calls find their snapshots through JitState.running. That field
** sits at a fixed offset from the JitCtx every stencil gets, so a store at
** ctx + SLOT does it (SLOT is that offset, CONST the Trace pointer).
*/
#include "jit/stencils/template.h"

JIT_STENCIL(ctx_store)
{
    *(uint64_t *)((char *)ctx + JIT_SLOT_OFFSET) = jit_const64();
    JIT_JUMP(_JIT_CONTINUE);
}

JIT_STENCILS_SIDE(JIT_INSTANTIATE)
