/* opt.c -- optimizations on a recorded trace, between recording and
** emission (jit/emit.c calls them).
**
** opt_hoist: loop-invariant code motion into the trace's entry. The entry
** (the SLOADs and their type guards) runs once each time the trace is
** entered, the body once per iteration; an arithmetic instruction whose
** operands are all loop-invariant computes the same value in every
** iteration, so the entry can compute it once (`i * j` inside a `k` loop).
** The values it reads at the entry then need no register in the body
** unless the body reads them too, which is where most of the gain is with
** four registers per class.
**
** Invariant: a constant, the SLOAD of a slot the body never modifies (the
** frame holds it unchanged, INVARIANT(snap-complete)), or a hoisted
** instruction. Hoisted: CONV TOINT ADD SUB MUL DIV MOD NEG with invariant
** operands: pure but for their guards (overflow, -0, a zero divisor,
** inexact), which then exit through snapshot 0, the entry's: at the
** entry the frame is the interpreter's and nothing happened yet, so the
** interpreter redoes the whole first iteration, where the same operation
** fails the same way. Loads are never hoisted (a store or a native in the
** body may change what they read), nor compares (a branch on an invariant
** that goes the other way in a later entry would become a failing entry
** and drop the trace, where a side exit gets a side trace). Only root
** traces that loop are hoisted: a side trace jumps to its root's entry,
** which recomputes the hoisted values, so they need nothing from it.
*/
#include <stdlib.h>

#include "jit/opt.h"

/* -- Field loads ------------------------------------------------------------
** opt_fields: a field read again gives what the last read or store of that
** field of the same object (the same ref) gave, unless something between
** may have written it: a store of that field to another object (which may
** be the same one), or anything that is not known to leave fields alone (a
** native, adding a field, an op this pass does not know). A field is never
** removed, so the later load's guard (the object has the field) holds too.
** The same for UNBOX of one value to one type. What is found redundant
** becomes NOP and every use of it (operands, snapshots, the back-edge)
** names the earlier value. A load after a store of an unboxed int or
** double becomes that value only where it is unboxed to that type or
** written by an exit (which boxes it into the same Value). */

/* Instructions that cannot change an instance's fields. */
static bool leaves_fields(IROp op)
{
    switch (op) {
    case IR_KINT: case IR_KNUM: case IR_KVAL: case IR_SLOAD: case IR_GLOAD: case IR_ULOAD:
    case IR_XLOAD: case IR_GSTORE: case IR_USTORE: case IR_XSTORE: case IR_FLOAD:
    case IR_MCHECK: case IR_ILOAD: case IR_ISTORE: case IR_UNBOX: case IR_LPUSH: case IR_LLEN:
    case IR_CONV: case IR_TOINT: case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV:
    case IR_MOD: case IR_NEG: case IR_NOT: case IR_LT: case IR_LE: case IR_GT: case IR_GE:
    case IR_EQ: case IR_NE: case IR_NLT: case IR_NLE: case IR_NGT: case IR_NGE:
    case IR_TRUTHY: case IR_FALSEY: case IR_EQV: case IR_NEV: case IR_NOP:
        return true;
    default:
        return false;
    }
}

static void rewrite(IRIns *ins, const IRRef *subst)
{
    if (ir_mode_a[ins->op] == IRM_R && subst[ins->a])
        ins->a = subst[ins->a];
    if (ir_mode_b[ins->op] == IRM_R && subst[ins->b])
        ins->b = subst[ins->b];
    if (ins->op == IR_ISTORE && subst[ins->c])
        ins->c = subst[ins->c];
}

/* Whether every use of the field load x can take the unboxed value v
** instead: UNBOXes to v's type and exits. */
static bool unboxed_uses_only(const Trace *T, IRRef x, IRType t)
{
    for (IRRef u = x + 1; u < T->nir; u++) {
        const IRIns *ins = &T->ir[u];
        bool a = ir_mode_a[ins->op] == IRM_R && ins->a == x;
        bool b = (ir_mode_b[ins->op] == IRM_R && ins->b == x) || (ins->op == IR_ISTORE && ins->c == x);
        if (b || (a && (ins->op != IR_UNBOX || ins->t != t)))
            return false;
    }
    for (int b = 0; b < T->nback; b++)
        if (T->back[b].val == x)
            return false;
    return true;
}

/* The value an earlier instruction gives for FLOAD x, or 0. */
static IRRef same_field(const Trace *T, IRRef x)
{
    const IRIns *ld = &T->ir[x];
    for (IRRef q = x - 1; q > 0; q--) {
        const IRIns *ins = &T->ir[q];
        if (ins->op == IR_FLOAD && ins->a == ld->a && ins->c == ld->c)
            return q;
        if (ins->op == IR_FSTORE && ins->c == ld->c) {
            if (ins->a != ld->a)
                return 0;
            IRType t = (IRType)T->ir[ins->b].t;
            return t == IRT_VAL || unboxed_uses_only(T, x, t) ? ins->b : 0;
        }
        if (ins->op != IR_FSTORE && !leaves_fields((IROp)ins->op))
            return 0;
    }
    return 0;
}

void opt_fields(Trace *T)
{
    IRRef *subst = calloc((size_t)T->nir, sizeof(IRRef));
    if (subst == NULL)
        abort();
    bool any = false;
    for (IRRef r = 1; r < T->nir; r++) {
        IRIns *ins = &T->ir[r];
        rewrite(ins, subst);
        IRRef v = 0;
        if (ins->op == IR_FLOAD) {
            v = same_field(T, r);
        } else if (ins->op == IR_UNBOX) {
            if (T->ir[ins->a].t == ins->t)
                v = ins->a;         /* a value forwarded from a store */
            for (IRRef q = r - 1; q > 0 && v == 0; q--)
                if (T->ir[q].op == IR_UNBOX && T->ir[q].a == ins->a && T->ir[q].t == ins->t)
                    v = q;
        }
        if (v == 0)
            continue;
        subst[r] = v;
        ins->op = IR_NOP;
        ins->t = IRT_NONE;
        ins->a = ins->b = ins->c = 0;
        ins->snap = IR_NOSNAP;
        any = true;
    }
    if (any) {
        for (int k = 0; k < T->nsmap; k++)
            if (subst[T->smap[k].ref])
                T->smap[k].ref = (uint16_t)subst[T->smap[k].ref];
        for (int b = 0; b < T->nback; b++)
            if (subst[T->back[b].val])
                T->back[b].val = subst[T->back[b].val];
    }
    free(subst);
}

void opt_hoist(Trace *T, uint8_t *inv)
{
    for (IRRef r = 0; r < T->nir; r++)
        inv[r] = 0;
    if (T->parent != NULL || T->link != 0)
        return;
    for (IRRef r = 1; r < T->nir; r++) {
        IRIns *ins = &T->ir[r];
        switch ((IROp)ins->op) {
        case IR_KINT: case IR_KNUM: case IR_KVAL:
            inv[r] = OPT_INVARIANT;
            break;
        case IR_SLOAD: {
            bool modified = false;
            for (int b = 0; b < T->nback; b++)
                modified |= T->back[b].slot == ins->a;
            if (!modified)
                inv[r] = OPT_INVARIANT;
            break;
        }
        case IR_CONV: case IR_TOINT: case IR_NEG:
            if (inv[ins->a]) {
                inv[r] = OPT_HOISTED;
                if (ins->snap != IR_NOSNAP)
                    ins->snap = 0;
            }
            break;
        case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD:
            if (inv[ins->a] && inv[ins->b]) {
                inv[r] = OPT_HOISTED;
                if (ins->snap != IR_NOSNAP)
                    ins->snap = 0;
            }
            break;
        default:
            break;
        }
    }
}
