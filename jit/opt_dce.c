/* opt_dce.c -- dead-code removal driven by snapshots (opt.h).
**
** A value is needed when a later needed instruction reads it, when an
** exit writes it (an entry of a snapshot some guard still exits
** through), or when the back-edge carries or stores it (a slot's or a
** global's: Trace.gback). Guards and instructions with effects (stores,
** calls, allocation, closing upvalues) are always needed; the rest
** (arithmetic without a guard, conversions, boxing, loads without a type
** guard, reads of strings and maps) become NOP when nothing needs them. One backward walk decides it, since every
** use comes after its definition. Constants stay: a KVAL keeps its object
** alive for the GC (and for the snapshot frames that name a closure).
**
** Then the snapshots no guard exits through any more (earlier passes
** removed their guards) are dropped, with their entries and frames: each
** costs an exit stub, and its entries would keep values alive in the
** register allocator. Kept: snapshot 0 (the entry's), the link snapshot
** and the back-edge's (snap_complete ran before this pass), which the
** trace's tail uses without a guard. The others keep their order, so the
** numbers only close up.
*/
#include <stdlib.h>
#include <string.h>

#include "jit/opt.h"

/* Whether an instruction without a snapshot may go when its value is not
** needed: it computes or reads, and changes nothing. */
static bool removable(const IRIns *ins)
{
    if (ins->snap != IR_NOSNAP)
        return false;
    switch ((IROp)ins->op) {
    case IR_SLOAD: case IR_GLOAD: case IR_ULOAD: case IR_XLOAD: case IR_CULOAD:
    case IR_CONV: case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD:
    case IR_NEG: case IR_NOT: case IR_BOXNUM: case IR_SCODE: case IR_SBYTE:
    case IR_MKEY: case IR_MNEXT: case IR_MVAL:
        return true;
    default:
        return false;
    }
}

/* Whether snapshot n must stay whatever uses it. */
static bool pinned_snap(const Trace *T, int n)
{
    return n == 0 || n == T->loopsnap || n == T->link - 1;
}

static void need(uint8_t *needed, IRRef ref)
{
    if (ref > 0)
        needed[ref] = 1;
}

/* Drop the snapshots nothing exits through; renumber the rest. */
static void compact_snapshots(Trace *T)
{
    int *renum = malloc(sizeof(int) * (size_t)(T->nsnap ? T->nsnap : 1));
    uint8_t *used = calloc((size_t)(T->nsnap ? T->nsnap : 1), 1);
    if (renum == NULL || used == NULL)
        abort();
    for (IRRef r = 1; r < T->nir; r++)
        if (T->ir[r].snap != IR_NOSNAP)
            used[T->ir[r].snap] = 1;
    int n = 0, nsmap = 0, nframes = 0;
    for (int s = 0; s < T->nsnap; s++) {
        if (!used[s] && !pinned_snap(T, s)) {
            renum[s] = -1;
            continue;
        }
        /* Entries and frames move down in place: each snapshot's follow
        ** the previous one's (ircheck's SNAP rule). */
        Snapshot sn = T->snaps[s];
        if (sn.n > 0)
            memmove(&T->smap[nsmap], &T->smap[sn.start], sizeof(SnapEntry) * sn.n);
        sn.start = (uint32_t)nsmap;
        nsmap += sn.n;
        if (sn.nframe > 0)
            memmove(&T->sframes[nframes], &T->sframes[sn.fstart], sizeof(SnapFrame) * sn.nframe);
        sn.fstart = (uint32_t)nframes;
        nframes += sn.nframe;
        T->snaps[n] = sn;
        renum[s] = n++;
    }
    for (IRRef r = 1; r < T->nir; r++)
        if (T->ir[r].snap != IR_NOSNAP)
            T->ir[r].snap = (uint16_t)renum[T->ir[r].snap];
    if (T->loopsnap >= 0)
        T->loopsnap = renum[T->loopsnap];
    if (T->link)
        T->link = renum[T->link - 1] + 1;
    T->nsnap = n;
    T->nsmap = nsmap;
    T->nsframes = nframes;
    free(renum);
    free(used);
}

void opt_dce(Trace *T)
{
    compact_snapshots(T);
    uint8_t *needed = calloc((size_t)T->nir, 1);
    if (needed == NULL)
        abort();
    for (int k = 0; k < T->nsmap; k++)
        need(needed, T->smap[k].ref);
    for (int b = 0; b < T->nback; b++) {
        need(needed, T->back[b].val);
        need(needed, T->back[b].sload);
    }
    for (int g = 0; g < T->ngback; g++) {
        need(needed, T->gback[g].val);
        need(needed, T->gback[g].load);
    }
    for (IRRef r = T->nir - 1; r > 0; r--) {
        IRIns *ins = &T->ir[r];
        if (ins->op == IR_NOP)
            continue;
        if (!needed[r] && removable(ins)) {
            opt_nop(T, r);
            continue;
        }
        if (ir_mode_a[ins->op] == IRM_R)
            need(needed, ins->a);
        if (ir_mode_b[ins->op] == IRM_R)
            need(needed, ins->b);
        if (ins->op == IR_ISTORE)
            need(needed, ins->c);
    }
    free(needed);
}
