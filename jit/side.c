/* side.c -- side traces: hot exits continue in machine code.
**
** A guard that fails goes to its exit stub, which normally jumps to
** exit_common and the exit handler (jit/exit.c): the interpreter takes
** over. Each exit counts how often it is taken (Snapshot.count); when one
** that does not end the loop (Snapshot.leaves) reaches hotexit, jit_run
** starts recording a side trace right after the exit restored the
** interpreter's state, at the exit's pc:
**
**     root:   entry  body ... guard --> stub n --> exit_common
**                                          |
**                         (patched) +------+
**                                   v
**     side:   prologue  entry  body  tail --> root's entry
**
** The recorder starts with the parent's view at that snapshot: the root's
** frame, the snapshot's inlined frames as calls it is inside of, and its
** values, inherited as IR values (jit/record.c, rec_start_side): every
** slot the snapshot lists is modified from the start, so the side trace's
** exits and tail write it and the frame never needs the parent's values.
** The side trace ends where the root loops (its JLOOP word, in the root's
** frame); its tail stores what it modified and jumps to the root's loop
** head or entry (jit/emit.c, emit_side_tail). Once compiled, its entry
** moves the inherited values from the parent's registers and spill slots
** into its own homes, one parallel move (emit_side_entry), and the
** parent's exit stub is re-aimed at it (side_link): from then on that
** exit costs a few register moves, no stores and no C call.
**
** An exit that ends the loop gets one too (eligible): it continues the
** code around the loop, an outer loop's body, and links to the next
** compiled loop it reaches (jit/record.c, roams, rec_link), so nested
** loops run from trace to trace without the interpreter.
**
** Side traces have exits and side traces of their own; every trace of a
** tree has the same root, and the tree lives and dies as one
** (INVARIANT(side-tree) in jit/ir.h). A recording that aborts penalizes
** its exit (which then needs more exits before the next try); after
** maxabort tries the exit is blacklisted and goes to the interpreter for
** good, which is what JA_SHORT counts (side_hopeless).
**
** Which trace runs: exits and native calls find their snapshots through
** JitState.running, so the prologue sets it to the side trace and the
** tail back to the root (the ctx_store stencil).
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/stencil.h"
#include "jit/trace.h"

/* Trace.xstate[n], per snapshot: the tries its side trace's recording
** took so far (each abort adds one, causes that will not go away add
** three), and two flags. */
#define XS_TRIES 0x1f
#define XS_LINKED 0x40     /* its stub jumps to a side trace */
#define XS_BLACK 0x80      /* no side trace will ever start here */

/* Side traces per tree at most: a loop whose every path is different
** would otherwise compile forever. */
#define JIT_MAXSIDE 100

int32_t side_running_off(void)
{
    return (int32_t)(offsetof(JitState, running) - offsetof(JitState, ctx));
}

/* -- Exit hotness ------------------------------------------------------- */

/* Whether side traces could ever take over exit n of X. */
static bool eligible(const Trace *X, int n)
{
    const Snapshot *sn = &X->snaps[n];
    /* Exit 0 is the entry's type guards: a side trace there would be
    ** another root. A root that links to an inner loop only while a budget
    ** is set goes through the interpreter at every iteration: its exits
    ** stay with the interpreter, and JA_SHORT judges it. */
    if (n == 0 || (X->root->link != 0 && X->root->ltarget == NULL) || X->xstate == NULL ||
        (X->xstate[n] & XS_BLACK))
        return false;
    if (!sn->leaves)
        return true;
    /* An exit that ends the loop, in the tree's frame (a loop test that
    ** fails, resuming at the test, or a side trace's side_leave): its
    ** side trace continues the code around the loop, an outer loop's body,
    ** up to the next compiled loop (jit/record.c, roams and rec_link). Not
    ** the link of a nested loop nor the back-edge's budget stop, and not
    ** an exit that is the trace's last stencil (its stub is never used). */
    return n != X->link - 1 && n != X->loopsnap && sn->nframe == 0;
}

bool side_hopeless(const JitState *J, const Trace *X, int n)
{
    (void)J;
    const Snapshot *sn = &X->snaps[n];
    /* A side trace that ends at an inner loop's JLOOP (rec_link) while a
    ** budget is set goes through the interpreter every time it runs, which
    ** is what JA_SHORT weighs (else it jumps there: the exit is never
    ** taken); one that ends by leaving the loop ends it normally. */
    if (X->parent != NULL && n == X->link - 1)
        return sn->nframe > 0 || (sn->pc >= X->start_pc && sn->pc <= X->loop_pc);
    return !sn->leaves && !eligible(X, n);
}

static void blacklist(JitState *J, Trace *X, int n)
{
    X->xstate[n] |= XS_BLACK;
    if (J->vm->jit_opts.verbose)
        fprintf(stderr, "[jit] blacklisted exit %d of trace %d at %s:%d\n", n, X->no,
                trace_source(J, X->fn), trace_line(X->fn, X->start_pc));
}

/* How many side traces in a row, ending with X, start at the pc of
** snapshot sn: a polymorphic site (a callee that differs from time to
** time) gets one per case, each exiting at the same guard for the next. */
#define JIT_MAXPOLY 8

static int same_start(const Trace *X, const Snapshot *sn)
{
    int k = 0;
    for (const Trace *A = X; A->parent != NULL; A = A->parent) {
        const Snapshot *s0 = &A->parent->snaps[A->exit];
        if (s0->pc != sn->pc || s0->nframe != sn->nframe)
            break;
        k++;
    }
    return k;
}

static int tree_size(const JitState *J, const Trace *R)
{
    int k = 0;
    for (int t = 1; t <= J->ntraces; t++)
        k += J->traces[t] != NULL && J->traces[t]->root == R;
    return k;
}

Trace *side_want(JitState *J, Trace *X, int n)
{
    if (!eligible(X, n) || (X->xstate[n] & XS_LINKED))
        return NULL;
    int tries = X->xstate[n] & XS_TRIES;
    uint32_t need = (uint32_t)jit_param(J, PARAM_hotexit) << (tries < 8 ? tries : 8);
    if (X->snaps[n].count < need || J->ntraces >= jit_param(J, PARAM_maxtrace))
        return NULL;
    if (tree_size(J, X->root) > JIT_MAXSIDE || same_start(X, &X->snaps[n]) >= JIT_MAXPOLY) {
        blacklist(J, X, n);
        return NULL;
    }
    Trace *T = calloc(1, sizeof *T);
    if (T == NULL)
        return NULL;
    T->fn = X->fn;
    T->loop = X->loop;
    T->start_pc = X->start_pc;
    T->loop_pc = X->loop_pc;
    T->parent = X;
    T->root = X->root;
    T->exit = n;
    return T;
}

/* -- Aborts -------------------------------------------------------------- */

bool side_may_leave(const Trace *T)
{
    return (T->parent->xstate[T->exit] & XS_TRIES) > 0;
}

void side_penalize(JitState *J, Trace *T, JitAbort why)
{
    Trace *P = T->parent;
    int n = T->exit;
    if (why == JA_FLUSHED)
        return;                 /* the parent goes away with it */
    int tries = (P->xstate[n] & XS_TRIES) + 1;
    /* A side trace of a loop-ending exit (it roams, jit/record.c) that met
    ** a loop without a trace may find it compiled at a later try: an
    ** outer loop gets hot after its inner loop's end does. One that left
    ** could only do so by returning from the function: after this loop
    ** the function returns, with no loop to link to, every time. */
    bool ends = P->snaps[n].leaves;
    if ((why == JA_INNER && !ends) || why == JA_LEAVE)
        tries += 2;
    if (why == JA_LEAVE && ends)
        tries = XS_TRIES;
    if (tries > XS_TRIES)
        tries = XS_TRIES;
    P->xstate[n] = (uint8_t)((P->xstate[n] & ~XS_TRIES) | tries);
    /* Start the count again, a little way in at random: a loop's exits
    ** come in patterns (every Collatz run ends 8, 4, 2), and the next try
    ** should not meet the same iteration as this one. */
    uint32_t x = J->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    J->rng = x;
    P->snaps[n].count = x & 15;
    if (tries >= jit_param(J, PARAM_maxabort) || tries == XS_TRIES)
        blacklist(J, P, n);
}

/* -- Linking ------------------------------------------------------------- */

/* Re-aim the jump of exit stub n of the parent, from its exit_common to
** the side trace's prologue (the first byte of its code). The stub is
** checked first: a jmp rel32 whose target is the parent's exit_common,
** where place() in jit/emit.c put stub n (stubs are consecutive, one
** exit_stub stencil each, exit_common right after the last). */
bool side_link(JitState *J, Trace *T, const char **detail)
{
    Trace *P = T->parent;
    const JitStencil *st = stencil_get(JIT_ST_exit_stub);
    const JitHole *h = NULL;
    for (int k = 0; k < st->nholes; k++)
        if (st->holes[k].sym == JIT_SYM_TARGET)
            h = &st->holes[k];
    if (h == NULL || h->insn != JIT_INSN_JMP || h->kind != JIT_RELOC_PLT32 || h->addend != -4) {
        *detail = "exit_stub has no jmp rel32 to TARGET";
        return false;
    }
    uint8_t *stub = P->mcode + P->stub_off + (size_t)T->exit * st->code_size;
    uint8_t *field = stub + h->offset;
    const uint8_t *common = P->mcode + P->stub_off + (size_t)P->nsnap * st->code_size;
    int32_t rel;
    memcpy(&rel, field, sizeof rel);
    if (field[-1] != 0xE9 || field + 4 + rel != common) {
        *detail = "the parent's exit stub is not the one emitted";
        return false;
    }
    int64_t to = (int64_t)((intptr_t)T->mcode - (intptr_t)(field + 4));
    if (to < INT32_MIN || to > INT32_MAX) {
        *detail = "side trace out of rel32 reach";
        return false;
    }
    rel = (int32_t)to;
    mc_patch(J->mc, field, &rel, sizeof rel);
    P->xstate[T->exit] |= XS_LINKED;
    return true;
}
