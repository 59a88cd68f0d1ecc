/* regalloc.c -- the emitter's register allocation: each value's live
** interval, then one home per value (a register of its class, one of
** f4-f6 for a double, or a spill slot) by linear scan. The scheme, and
** why a value keeps one home for its whole life, is the "Registers"
** paragraph of jit/emit.c; the operand moves that use the homes are in
** jit/emit_ops.c.
*/
#include <stdlib.h>
#include <string.h>

#include "jit/emit_int.h"
#include "jit/opt.h"

/* -- Liveness -------------------------------------------------------------- */

static void use(Emit *e, IRRef ref, int at)
{
    if (ref > 0 && e->end[ref] < at)
        e->end[ref] = at;
}

/* Whether ref is read by the loop body: an operand of an instruction
** that is not hoisted, or a value some exit writes. */
static bool used_in_body(const Emit *e, IRRef ref)
{
    const Trace *T = e->T;
    for (IRRef u = ref + 1; u < T->nir; u++) {
        if (e->inv[u] != OPT_HOISTED && ir_reads(&T->ir[u], ref))
            return true;
    }
    for (int k = 0; k < T->nsmap; k++)
        if (T->smap[k].ref == ref)
            return true;
    return false;
}

void ra_liveness(Emit *e)
{
    Trace *T = e->T;
    int END = T->nir;
    for (IRRef r = 1; r < T->nir; r++) {
        IRIns *ins = &T->ir[r];
        /* SLOADs and hoisted instructions run in the entry, before the
        ** head: position 0. Their operands' uses stay at their refs,
        ** which only makes those live a little longer than needed. */
        e->start[r] = ins->op == IR_SLOAD || ir_head_load(ins) || e->inv[r] == OPT_HOISTED ? 0 : r;
        if (ir_mode_a[ins->op] == IRM_R)
            use(e, ins->a, r);
        if (ir_mode_b[ins->op] == IRM_R)
            use(e, ins->b, r);
        if (ins->op == IR_ISTORE)
            use(e, ins->c, r);
        if (ins->snap != IR_NOSNAP) {
            const Snapshot *sn = &T->snaps[ins->snap];
            for (uint32_t k = sn->start; k < sn->start + sn->n; k++)
                use(e, T->smap[k].ref, r);
        }
    }
    /* The back-edge: every modified slot's value is stored or moved, and
    ** is in the back-edge's snapshot. */
    for (int b = 0; b < T->nback; b++)
        use(e, T->back[b].val, END);
    /* A head load of a global (jit/record.c, head_globals) the loop
    ** writes gets the last store's value at the back-edge; one it only
    ** reads keeps its first value in its place around the loop. */
    for (int g = 0; g < T->ngback; g++)
        use(e, T->gback[g].val, END);
    for (IRRef r = 1; r < T->nir; r++) {
        bool carried = false;
        for (int g = 0; g < T->ngback; g++)
            carried |= T->gback[g].load == r;
        if (ir_head_load(&T->ir[r]) && !carried && e->end[r] > 0)
            use(e, r, END);
    }
    if (T->link) {
        const Snapshot *sn = &T->snaps[T->link - 1];
        for (uint32_t k = sn->start; k < sn->start + sn->n; k++)
            use(e, T->smap[k].ref, END);
    }
    if (T->parent == NULL && T->link == 0) {
        /* Invariant values the body uses (an operand, an exit's value)
        ** stay live around the loop; ones only the entry uses do not. */
        for (IRRef r = 1; r < T->nir; r++)
            if (e->inv[r] != OPT_VARIANT && !ir_is_const(T, r) && e->end[r] > 0 &&
                used_in_body(e, r))
                use(e, r, END);
        return;
    }
    for (IRRef r = 1; r < T->nir; r++) {
        if (T->ir[r].op != IR_SLOAD)
            continue;
        bool modified = false;
        for (int b = 0; b < T->nback; b++)
            modified |= T->back[b].slot == T->ir[r].a;
        if (!modified && T->parent == NULL)
            use(e, r, END);
    }
}

/* -- Linear scan ----------------------------------------------------------- */

static bool has_result(const IRIns *ins)
{
    switch (ins->op) {
    case IR_KINT: case IR_KNUM: case IR_KVAL: case IR_GSTORE: case IR_USTORE:
    case IR_XSTORE: case IR_FSTORE: case IR_MCHECK: case IR_ISTORE: case IR_LPUSH:
        return false;
    default:
        return ins->t != IRT_NONE && !(ins->op >= IR_LT && ins->op <= IR_NEV);
    }
}

static int free_hi(Emit *e, IRRef v)
{
    Trace *T = e->T;
    for (int h = HI_FIRST; h <= HI_LAST; h++) {
        bool clash = false;
        for (IRRef w = 1; w < T->nir && !clash; w++)
            clash = w != v && T->loc[w].kind == LOC_FPR && T->loc[w].idx == h &&
                    e->start[w] < e->end[v] && e->start[v] < e->end[w];
        if (!clash)
            return h;
    }
    return -1;
}

/* Per ref, what spilling it costs an iteration: a reload for each body
** instruction that reads it, and a store and a reload more for a
** loop-carried SLOAD. Spill choices take the cheapest of the values
** that live equally long. */
static int *spill_costs(const Emit *e)
{
    const Trace *T = e->T;
    int *cost = calloc((size_t)T->nir, sizeof(int));
    if (cost == NULL)
        abort();
    for (IRRef r = 1; r < T->nir; r++) {
        const IRIns *ins = &T->ir[r];
        if (e->inv[r] == OPT_HOISTED || ir_head_load(ins))
            continue;
        if (ir_mode_a[ins->op] == IRM_R && ins->a > 0)
            cost[ins->a]++;
        if (ir_mode_b[ins->op] == IRM_R && ins->b > 0 && ins->b != ins->a)
            cost[ins->b]++;
        if (ins->op == IR_ISTORE && ins->c > 0)
            cost[ins->c]++;
    }
    for (int b = 0; b < T->nback; b++)
        if (T->back[b].sload > 0)
            cost[T->back[b].sload] += 2;
    return cost;
}

/* The registers of class cls that values have at position p. */
static unsigned taken_at(const Emit *e, int cls, int p)
{
    const Trace *T = e->T;
    unsigned m = 0;
    for (IRRef v = 1; v < T->nir; v++) {
        IRLoc l = T->loc[v];
        if (l.kind == (cls ? LOC_FPR : LOC_GPR) && !is_hi(l) && e->end[v] > 0 &&
            e->start[v] <= p && p <= e->end[v])
            m |= 1u << l.idx;
    }
    return m;
}

/* Where an instruction found too few scratch registers (Emit.need), move
** the values live across it to spill slots, the one that lives longest
** first, until that many registers are free there: a few reloads instead
** of fewer homes for every value of the trace. */
static bool make_room(Emit *e, const int *cost)
{
    Trace *T = e->T;
    for (int p = 0; p <= T->nir; p++)
        for (int cls = 0; cls < 2; cls++) {
            if (e->need[cls] == NULL || e->need[cls][p] == 0)
                continue;
            while (__builtin_popcount(taken_at(e, cls, p)) > 4 - e->need[cls][p]) {
                IRRef victim = 0;
                for (IRRef v = 1; v < T->nir; v++) {
                    IRLoc l = T->loc[v];
                    if (l.kind != (cls ? LOC_FPR : LOC_GPR) || is_hi(l) || e->end[v] == 0 ||
                        e->start[v] > p || p > e->end[v] || v == p ||
                        (p < T->nir && ir_reads(&T->ir[p], v)))
                        continue;
                    if (victim == 0 || e->end[v] > e->end[victim] ||
                        (e->end[v] == e->end[victim] && cost[v] < cost[victim]))
                        victim = v;
                }
                if (victim == 0)
                    break;
                /* A double goes to one of f4-f6 if one is free over its
                ** life (register moves), else to memory. */
                int hi = cls ? free_hi(e, victim) : -1;
                if (hi >= 0) {
                    T->loc[victim].idx = (uint8_t)hi;
                    continue;
                }
                if (T->nspill >= SPILL_TMP)
                    return false;
                T->loc[victim].kind = LOC_SPILL;
                T->loc[victim].idx = (uint8_t)T->nspill++;
            }
        }
    return true;
}

bool ra_allocate(Emit *e)
{
    Trace *T = e->T;
    int n = T->nir;
    int *order = malloc(sizeof(int) * (size_t)n);
    if (order == NULL)
        abort();
    int no = 0;
    for (int pass = 0; pass < 2; pass++)
        for (IRRef r = 1; r < n; r++)
            if (has_result(&T->ir[r]) && e->end[r] > 0 &&
                (e->start[r] == 0) == (pass == 0))
                order[no++] = r;
    memset(T->loc, 0, sizeof(IRLoc) * (size_t)n);
    int *weight = spill_costs(e);
    int active[2][4];
    memset(active, 0, sizeof active);
    T->nspill = 0;
    bool ok = true;
    for (int o = 0; o < no && ok; o++) {
        IRRef v = order[o];
        int cls = reg_class(&T->ir[v]);
        int p = e->start[v];
        int reg = -1;
        for (int k = 0; k < e->K; k++) {
            IRRef w = active[cls][k];
            /* Free, or its value's last use is this instruction. */
            if (w == 0 || e->end[w] < p || (p > 0 && e->end[w] == p)) {
                active[cls][k] = 0;
                if (reg < 0)
                    reg = k;
            }
        }
        if (reg < 0) {
            /* Spill whichever lives longest, v or an active value; of
            ** those that live equally long (to the back-edge, usually),
            ** the one the body uses least: each use of a spilled value
            ** is a reload, and a loop-carried one is stored back too. */
            int far = 0;
            for (int k = 1; k < e->K; k++) {
                IRRef w = active[cls][k], f = active[cls][far];
                if (e->end[w] > e->end[f] || (e->end[w] == e->end[f] && weight[w] < weight[f]))
                    far = k;
            }
            IRRef victim = v, f = active[cls][far];
            if (e->end[f] > e->end[v] || (e->end[f] == e->end[v] && weight[f] < weight[v])) {
                victim = f;
                reg = far;
            }
            int hi = cls ? free_hi(e, victim) : -1;
            if (hi >= 0) {
                T->loc[victim].kind = LOC_FPR;
                T->loc[victim].idx = (uint8_t)hi;
            } else {
                if (T->nspill >= SPILL_TMP) {
                    ok = false;
                    break;
                }
                T->loc[victim].kind = LOC_SPILL;
                T->loc[victim].idx = (uint8_t)T->nspill++;
            }
        }
        if (reg >= 0) {
            active[cls][reg] = v;
            T->loc[v].kind = cls ? LOC_FPR : LOC_GPR;
            T->loc[v].idx = (uint8_t)reg;
        }
    }
    ok = ok && make_room(e, weight);
    free(order);
    free(weight);
    return ok;
}
