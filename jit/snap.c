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
    for (int s = 0; s < LX_MAX_REGS; s++)
        n += J->rec.modified[s];
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
    /* Slots in increasing order: INVARIANT(snap-sorted). */
    for (int s = 0; s < LX_MAX_REGS; s++) {
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

const Instr *snap_restore(const Trace *T, int n, const JitCtx *ctx, Value *base)
{
    const Snapshot *sn = &T->snaps[n];
    for (uint32_t e = sn->start; e < sn->start + sn->n; e++)
        base[T->smap[e].slot] = exit_value(T, T->smap[e].ref, ctx);
    return T->fn->code + sn->pc;
}
