/* snap.c -- snapshots: taking them while recording, restoring them when
** an exit is taken.
**
** A snapshot is sparse (ir.h): only the slots modified since the loop
** head, because at every loop head the frame in memory is exact (the
** back-edge writes the modified slots back, jit/emit.c). Restoring boxes
** each value by its IR type: an INT becomes int_val of its low 32 bits,
** a NUM double_val (NaN canonicalized; -0 stays a double, never an int:
** INVARIANT(int-never-neg-zero)), a VAL is already boxed.
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

/* -- Restoring ---------------------------------------------------------- */

/* The boxed Value of ref at an exit, from where emit.c put it. */
static Value exit_value(const Trace *T, IRRef ref, const JitCtx *ctx)
{
    if (ir_is_const(T, ref))
        return ir_kvalue(T, ref);
    IRLoc l = T->loc[ref];
    uint64_t bits;
    switch (l.kind) {
    case LOC_GPR: bits = ctx->gpr[l.idx]; break;
    case LOC_FPR: memcpy(&bits, &ctx->fpr[l.idx], sizeof bits); break;
    case LOC_SPILL: bits = ctx->spill[l.idx]; break;
    default: bits = NIL_VAL; break;   /* unreachable: emit.c placed every live ref */
    }
    switch ((IRType)T->ir[ref].t) {
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
