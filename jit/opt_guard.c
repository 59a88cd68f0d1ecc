/* opt_guard.c -- removing guards whose outcome is known (opt.h).
**
** The IR is typed, so most of what a value is was settled when it was
** made; what stays to check at run time is what a boxed Value (a VAL) holds.
** Two things tell the trace that before the guard runs:
**
**   - the operation that made the value: BOXNUM makes a double's Value,
**     and a constant is what it is, so an UNBOX of one is its operand or a
**     constant (an UNBOX that would fail stays: the exit is taken);
**   - an earlier guard on the same ref: an UNBOX to the same type gave the
**     same value (the Value in an SSA ref never changes), a TRUTHY or
**     FALSEY that held holds again, and an EQV that held pins the ref to
**     one Value, which decides later EQV, NEV, TRUTHY and FALSEY guards
**     and UNBOXes of it.
**
** The other type checks (a list for LLEN, an instance for FLOAD, a string
** for SLEN, ...) are part of the stencil that does the work, with no form
** without them (jit/emit_ops.c), so they stay; a repeat of such a pure
** guard is opt_fold's to remove. A removed guard becomes NOP, its value
** renamed to the one it would have given.
*/
#include <stdlib.h>

#include "jit/opt.h"

_Static_assert(IR_FALSEY == IR_TRUTHY + 1 && IR_EQV == IR_TRUTHY + 2 && IR_NEV == IR_TRUTHY + 3,
               "the Value guards TRUTHY..NEV are contiguous");

/* An UNBOX whose operand is the Value v made that constant in place;
** false (left as it is) when the guard would fail. */
static bool unbox_const(Trace *T, IRRef r, Value v)
{
    IRIns *ins = &T->ir[r];
    if (ins->t == IRT_INT && is_int(v)) {
        ins->op = IR_KINT;
        ins->a = as_int(v);
    } else if (ins->t == IRT_NUM && is_double(v)) {
        ins->op = IR_KNUM;
        ins->a = ir_kraw(T, v);
    } else {
        return false;
    }
    ins->b = ins->c = 0;
    ins->snap = IR_NOSNAP;
    return true;
}

void opt_guard(Trace *T)
{
    IRRef *subst = opt_refs(T);
    /* Per ref: the UNBOX to INT and to NUM of it so far; the k[] index + 1
    ** of the Value an EQV pinned it to; whether a TRUTHY or a FALSEY held. */
    IRRef *unboxed = calloc((size_t)T->nir * 2, sizeof(IRRef));
    int32_t *pinned = calloc((size_t)T->nir, sizeof(int32_t));
    uint8_t *truth = calloc((size_t)T->nir, 1);     /* 1 truthy, 2 falsey */
    if (unboxed == NULL || pinned == NULL || truth == NULL)
        abort();
    for (IRRef r = 1; r < T->nir; r++) {
        IRIns *ins = &T->ir[r];
        opt_rename(ins, subst);
        if (ins->snap == IR_NOSNAP || ins->op == IR_NOP)
            continue;
        /* Every guard below reads a ref as its operand a. */
        IRRef a = ins->a;
        bool known = false;
        Value v = 0;
        if (ins->op == IR_UNBOX || (ins->op >= IR_TRUTHY && ins->op <= IR_NEV)) {
            known = ir_is_const(T, a) || pinned[a] != 0;
            v = ir_is_const(T, a) ? ir_kvalue(T, a) : known ? T->k[pinned[a] - 1] : 0;
        }
        IRRef same = 0;
        switch ((IROp)ins->op) {
        case IR_UNBOX: {
            const IRIns *def = &T->ir[a];
            IRRef *prev = &unboxed[2 * a + (ins->t == IRT_NUM)];
            if (def->t == ins->t)
                same = a;
            else if (def->op == IR_BOXNUM && ins->t == IRT_NUM)
                same = def->a;
            else if (*prev != 0)
                same = *prev;
            else if (known && unbox_const(T, r, v))
                continue;
            else
                *prev = r;
            break;
        }
        case IR_TRUTHY: case IR_FALSEY: {
            uint8_t says = ins->op == IR_FALSEY ? 2 : 1;
            if ((known && is_falsey(v) == (says == 2)) || truth[a] == says)
                opt_nop(T, r);
            else if (truth[a] == 0)
                truth[a] = says;
            break;
        }
        case IR_EQV: case IR_NEV:
            if (known && (v == T->k[ins->b]) == (ins->op == IR_EQV))
                opt_nop(T, r);
            else if (ins->op == IR_EQV && !known)
                pinned[a] = ins->b + 1;
            break;
        default:
            break;
        }
        if (same != 0) {
            subst[r] = same;
            opt_nop(T, r);
        }
    }
    opt_subst(T, subst);
    free(subst);
    free(unboxed);
    free(pinned);
    free(truth);
}
