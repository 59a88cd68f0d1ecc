/* opt_fields.c -- field load reuse and store forwarding (opt.h).
**
** A field read again gives what the last read or store of that field of
** the same object (the same ref) gave, unless something between may have
** written it: a store of that field to another object (which may be the
** same one), or anything that is not known to leave fields alone (a
** native, adding a field, an op this pass does not know). A field is never
** removed, so the later load's guard (the object has the field) holds too.
** What is found redundant
** becomes NOP and every use of it (operands, snapshots, the back-edge)
** names the earlier value. A load after a store of an unboxed int or
** double becomes that value only where it is unboxed to that type or
** written by an exit (which boxes it into the same Value), and those
** UNBOXes become NOPs here (an UNBOX reads a boxed Value: ircheck's TYPE
** rule). A repeated UNBOX of one value is opt_guard's.
**
** Globals need nothing here: the recorder already gives a GETGLOBAL the
** value the global was last loaded or stored with (jit/record.c,
** Recorder.gval).
*/
#include <stdlib.h>

#include "jit/opt.h"

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
    return !ir_back_value(T, x);
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
    IRRef *subst = opt_refs(T);
    for (IRRef r = 1; r < T->nir; r++) {
        IRIns *ins = &T->ir[r];
        opt_rename(ins, subst);
        IRRef v = 0;
        if (ins->op == IR_FLOAD) {
            v = same_field(T, r);
        } else if (ins->op == IR_UNBOX && T->ir[ins->a].t == ins->t) {
            v = ins->a;             /* a value forwarded from a store */
        }
        if (v == 0)
            continue;
        subst[r] = v;
        opt_nop(T, r);
    }
    opt_subst(T, subst);
    free(subst);
}
