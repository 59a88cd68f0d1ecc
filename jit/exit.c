/* exit.c -- leaving a trace: the handler every trace's exit_common calls.
**
** exit_common (jit/stencils/control.c) has saved r0-r3 and f0-f7 in the
** JitCtx and put the exit number in ctx->exit_no; the spill slots are in
** ctx already. The handler counts the exit, writes the snapshot back into
** the interpreter's frame (snap_restore) and returns the pc to resume at,
** which becomes the return value of the trace's entry (jit_run).
**
** The trace that exits is JitState.running: the root jit_run entered, or
** a side trace the root's code went on to (their prologues and tails keep
** it up to date, jit/side.c); its snapshots are the ones exit_no names.
** Counting matters: an exit taken hotexit times gets a side trace (jit_run
** starts recording it once this handler returned), and then its stub
** jumps there instead of coming here.
**
** Exit 0 of every trace is its entry: the type guards on the values the
** loop starts from. When that one keeps failing, the types the trace was
** recorded for are no longer what the loop sees; trace.c then drops the
** trace so that the loop can be recorded again (see jit_run).
*/
#include "jit/trace.h"
#include "jit/verify.h"

uint64_t exit_handler(JitCtx *ctx, Value *base)
{
    JitState *J = ctx->user;
    Trace *T = J->running;
    int n = (int)ctx->exit_no;
    T->snaps[n].count++;
    J->n_exits++;
    if (jit_param(J, PARAM_jitcheck)) jit_verify_exit(T, n, ctx, base); /* jit/verify.h */
    return (uint64_t)(uintptr_t)snap_restore(T, n, ctx, base);
}
