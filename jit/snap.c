/* snap.c -- snapshots: taking them while recording, completing them when
** the recording ends, restoring them when an exit is taken.
**
** A snapshot lists the slots whose value in the frame is not the one the
** interpreter would have at its pc. While recording those are the slots
** modified since the loop head. The back-edge keeps loop-carried values
** (slots the body reads at the head and modifies) in registers instead of
** writing them back (jit/emit.c), so when the recording ends snap_complete
** adds each loop-carried slot to every snapshot that lacks it, as its
** SLOAD: the value it had at the head of the iteration, which is what the
** interpreter would read there. Restoring boxes each value by its IR
** type: an INT becomes int_val of its low 32 bits, a NUM double_val (NaN
** canonicalized; -0 stays a double, never an int:
** INVARIANT(int-never-neg-zero)), a VAL is already boxed.
**
** snap_restore is the one definition of what an exit writes; natives
** (jit/ncall.c) build on it. A side trace inherits its parent snapshot's
** values as IR values (jit/record.c, rec_start_side): its own snapshots
** list them, so they write them in turn, and nothing writes the parent's
** snapshot when a side trace takes over its exit.
*/
#include <stdlib.h>
#include <string.h>

#include "jit/trace.h"
#include "vm/config.h"

/* -- Taking ------------------------------------------------------------- */

int snap_take(JitState *J, Trace *T, uint32_t pc)
{
    if (T->nsnap >= jit_param(J, PARAM_maxsnap))
        return -1;
    if (T->nsnap == T->snap_cap) {
        T->snap_cap = T->snap_cap < 16 ? 16 : T->snap_cap * 2;
        T->snaps = realloc(T->snaps, sizeof(Snapshot) * (size_t)T->snap_cap);
        if (T->snaps == NULL)
            abort();
    }
    int n = 0;
    for (int s = 0; s < JIT_MAXSLOT; s++)
        n += J->rec.modified[s];
    int nf = J->rec.depth;
    if (nf > 0) {
        if (T->nsframes + nf > T->sframes_cap) {
            while (T->nsframes + nf > T->sframes_cap)
                T->sframes_cap = T->sframes_cap < 16 ? 16 : T->sframes_cap * 2;
            T->sframes = realloc(T->sframes, sizeof(SnapFrame) * (size_t)T->sframes_cap);
            if (T->sframes == NULL)
                abort();
        }
        for (int d = 1; d <= nf; d++) {
            SnapFrame *sf = &T->sframes[T->nsframes + d - 1];
            sf->closure = obj_val(J->rec.fr[d].cl);
            sf->base = J->rec.fr[d].base;
            sf->ret_pc = J->rec.fr[d].ret_pc;
            sf->fresh = J->rec.fr[d].fresh;
        }
    }
    if (T->nsmap + n > T->smap_cap) {
        while (T->nsmap + n > T->smap_cap)
            T->smap_cap = T->smap_cap < 64 ? 64 : T->smap_cap * 2;
        T->smap = realloc(T->smap, sizeof(SnapEntry) * (size_t)T->smap_cap);
        if (T->smap == NULL)
            abort();
    }
    Snapshot *sn = &T->snaps[T->nsnap];
    sn->pc = pc;
    sn->start = (uint32_t)T->nsmap;
    sn->n = (uint16_t)n;
    sn->ref = (uint16_t)T->nir;
    sn->count = 0;
    sn->nframe = (uint16_t)nf;
    sn->leaves = 0;
    sn->fstart = (uint32_t)T->nsframes;
    T->nsframes += nf;
    /* Slots in increasing order: INVARIANT(snap-sorted). */
    for (int s = 0; s < JIT_MAXSLOT; s++) {
        if (!J->rec.modified[s])
            continue;
        T->smap[T->nsmap].slot = (uint16_t)s;
        T->smap[T->nsmap].ref = (uint16_t)J->rec.slot[s];
        T->nsmap++;
    }
    return T->nsnap++;
}

/* -- Completing ----------------------------------------------------------- */

static void smap_reserve(Trace *T, int more)
{
    if (T->nsmap + more <= T->smap_cap)
        return;
    while (T->nsmap + more > T->smap_cap)
        T->smap_cap = T->smap_cap < 64 ? 64 : T->smap_cap * 2;
    T->smap = realloc(T->smap, sizeof(SnapEntry) * (size_t)T->smap_cap);
    if (T->smap == NULL)
        abort();
}

int snap_complete(Trace *T)
{
    int ncarried = 0;
    for (int b = 0; b < T->nback; b++) {
        ncarried += T->back[b].sload != 0;
        LX_ASSERT(b == 0 || T->back[b - 1].slot < T->back[b].slot,
                  "the back-edge's slots are sorted, each once");
    }
    /* Rebuild the map: each snapshot's entries merged with the loop-carried
    ** slots it lacks, both sorted by slot (INVARIANT(snap-sorted); back[]
    ** is in slot order, close_loop in jit/record.c). Snapshot 0 is the
    ** entry: its guards run before the first iteration's loads, when the
    ** frame is the interpreter's, so it stays as taken (a root's empty, a
    ** side trace's with the values it inherits, which carries nothing). */
    SnapEntry *old = T->smap;
    int nold = T->nsmap;
    T->smap = NULL;
    T->nsmap = T->smap_cap = 0;
    smap_reserve(T, nold + (T->nsnap + 1) * ncarried + T->nback);
    for (int n = 0; n < T->nsnap; n++) {
        Snapshot *sn = &T->snaps[n];
        uint32_t at = (uint32_t)T->nsmap, e = sn->start, end = sn->start + sn->n;
        for (int b = 0; n > 0 && b < T->nback; b++) {
            const LoopSlot *ls = &T->back[b];
            if (ls->sload == 0)
                continue;
            while (e < end && old[e].slot < ls->slot)
                T->smap[T->nsmap++] = old[e++];
            if (e < end && old[e].slot == ls->slot)
                continue;       /* modified before this snapshot */
            T->smap[T->nsmap].slot = ls->slot;
            T->smap[T->nsmap].ref = (uint16_t)ls->sload;
            T->nsmap++;
        }
        while (e < end)
            T->smap[T->nsmap++] = old[e++];
        sn->start = at;
        sn->n = (uint16_t)((uint32_t)T->nsmap - at);
    }
    free(old);
    /* The back-edge's snapshot: every modified slot at the end of the body,
    ** resuming at the head. */
    if (T->nsnap == T->snap_cap) {
        T->snap_cap = T->snap_cap < 16 ? 16 : T->snap_cap * 2;
        T->snaps = realloc(T->snaps, sizeof(Snapshot) * (size_t)T->snap_cap);
        if (T->snaps == NULL)
            abort();
    }
    Snapshot *sn = &T->snaps[T->nsnap];
    memset(sn, 0, sizeof *sn);
    sn->pc = T->start_pc;
    sn->start = (uint32_t)T->nsmap;
    sn->n = (uint16_t)T->nback;
    sn->ref = (uint16_t)T->nir;
    sn->leaves = 1;
    sn->fstart = (uint32_t)T->nsframes;
    for (int b = 0; b < T->nback; b++) {
        T->smap[T->nsmap].slot = T->back[b].slot;
        T->smap[T->nsmap].ref = (uint16_t)T->back[b].val;
        T->nsmap++;
    }
    return T->nsnap++;
}

/* -- Restoring ---------------------------------------------------------- */

/* The boxed Value of ref at an exit, from where emit.c put it. Called for
** every entry of every exit and native call: kept free of calls. */
static inline Value exit_value(const Trace *T, IRRef ref, const JitCtx *ctx)
{
    const IRIns *ins = &T->ir[ref];
    if (ins->op == IR_KINT)
        return int_val(ins->a);
    if (ins->op == IR_KNUM || ins->op == IR_KVAL)
        return T->k[ins->a];
    IRLoc l = T->loc[ref];
    uint64_t bits;
    switch (l.kind) {
    case LOC_GPR: bits = ctx->gpr[l.idx]; break;
    case LOC_FPR: memcpy(&bits, &ctx->fpr[l.idx], sizeof bits); break;
    case LOC_SPILL: bits = ctx->spill[l.idx]; break;
    default: bits = NIL_VAL; break;   /* unreachable: emit.c placed every live ref */
    }
    switch ((IRType)ins->t) {
    case IRT_INT: return int_val((int32_t)(uint32_t)bits);
    case IRT_NUM: {
        double d;
        memcpy(&d, &bits, sizeof d);
        return double_val(d);
    }
    default: return bits;
    }
}

/* The frames of inlined calls, as the interpreter's CALL would have
** pushed them (vm/interp.c, enter_closure): each one's top is its base
** plus the function's maxslots, never below the caller's. The frame and
** stack arrays only grow, and both had room for these frames when the
** trace was recorded, so no reallocation happens here. */
static const Instr *push_frames(const Trace *T, const Snapshot *sn, VM *vm, Value *base)
{
    uint32_t root = (uint32_t)(base - vm->stack);
    CallFrame *caller = &vm->frames[vm->frame_count - 1];
    const Instr *resume = T->fn->code + T->sframes[sn->fstart].ret_pc;
    for (uint32_t k = 0; k < sn->nframe; k++) {
        const SnapFrame *sf = &T->sframes[sn->fstart + k];
        ObjClosure *cl = (ObjClosure *)as_obj(sf->closure);
        if (k > 0)
            caller->ip = caller->closure->fn->code + sf->ret_pc;
        uint32_t at = root + sf->base;
        if (sf->fresh)          /* its slot 0 was written just before */
            cl = AS_CLOSURE(vm->stack[at]);
        uint32_t top = at + (uint32_t)cl->fn->maxslots;
        if (top < vm->stack_top)
            top = vm->stack_top;
        LX_ASSERT(vm->frame_count < vm->frame_cap && top <= vm->stack_cap,
                  "an exit's frames fit where the recorded calls did");
        CallFrame *f = &vm->frames[vm->frame_count++];
        f->closure = cl;
        f->consts = cl->fn->consts;
        f->base = at;
        f->top = top;
        vm->stack_top = top;
        caller = f;
    }
    caller->ip = caller->closure->fn->code + sn->pc;
    return resume;
}

const Instr *snap_restore(const Trace *T, int n, const JitCtx *ctx, Value *base)
{
    const Snapshot *sn = &T->snaps[n];
    for (uint32_t e = sn->start; e < sn->start + sn->n; e++)
        base[T->smap[e].slot] = exit_value(T, T->smap[e].ref, ctx);
    if (sn->nframe > 0)
        return push_frames(T, sn, ctx->vm, base);
    return T->fn->code + sn->pc;
}

Value snap_slot(const Trace *T, int n, const JitCtx *ctx, const Value *base, uint32_t s)
{
    const Snapshot *sn = &T->snaps[n];
    for (uint32_t e = sn->start; e < sn->start + sn->n && T->smap[e].slot <= s; e++)
        if (T->smap[e].slot == s)       /* INVARIANT(snap-sorted) */
            return exit_value(T, T->smap[e].ref, ctx);
    return base[s];
}

/* -- Restoring for a call ------------------------------------------------ */

/* A native called from the trace (jit/ncall.c) needs less than an exit:
** its arguments (the window [lo, hi) of slots), every object the trace
** still holds where the GC looks (the boxed VALs), every slot of the
** inlined frames it pushes, and the frames for a stack trace. Those
** frames' slots lie above the trace's frame, where the GC does not look
** between calls, so whatever they held may have been freed since: each
** must be written before the GC sees it. The entries left out are
** numbers in the trace's own frame, whose stale values there are live
** (that frame is always a root) and which INVARIANT(snap-complete) lets
** the trace leave: every later exit writes all of them. */
const Instr *snap_restore_call(const Trace *T, int n, const JitCtx *ctx, Value *base,
                               uint32_t lo, uint32_t hi)
{
    const Snapshot *sn = &T->snaps[n];
    VM *vm = ctx->vm;
    uint32_t own = vm->stack_top - (uint32_t)(base - vm->stack);
    for (uint32_t e = sn->start; e < sn->start + sn->n; e++) {
        uint32_t slot = T->smap[e].slot;
        IRRef ref = T->smap[e].ref;
        if ((slot >= lo && slot < hi) || slot >= own || T->ir[ref].t == IRT_VAL)
            base[slot] = exit_value(T, ref, ctx);
    }
    if (sn->nframe > 0)
        return push_frames(T, sn, ctx->vm, base);
    return T->fn->code + sn->pc;
}
