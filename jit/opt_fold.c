/* opt_fold.c -- constant folding and common-subexpression elimination
** (opt.h), in two places.
**
** On emission (opt_fold_emit, called by ir_emit while the recorder
** appends): an instruction that cannot exit and reads no memory is
** folded when its operands are constants, or is an earlier identical one.
** The recorder then keeps working with the constant (its own checks for
** constant operands see it) and never emits the duplicate. Guards cannot
** be handled there: the recorder attaches a guard's snapshot to the ref
** ir_emit returns, after it returns, so an earlier guard would get a later
** snapshot, and a folded constant one.
**
** After recording (opt_fold): the same for guards, in one forward walk.
** A guard whose operands are constants is decided now: int arithmetic
** that stays int32 becomes its constant in place (so its overflow guard
** goes), a comparison or truth test that holds becomes a NOP, one that
** fails stays (the exit will be taken; the recorder never records one,
** but a pass might make one). A guard identical to an earlier one (same
** op, type, operands) is removed, its value renamed: the operations below
** are pure functions of their operands (SSA refs, immutable strings and
** bound methods), so the earlier one computed the same thing, and had it
** failed, the trace would have exited there. Loads are never pure (a
** store or a native between may change what they read), nor is anything
** that allocates, calls or reads a list or a map.
*/
#include <math.h>
#include <stdlib.h>

#include "jit/opt.h"

_Static_assert(IR_SUB == IR_ADD + 1 && IR_MUL == IR_ADD + 2 && IR_DIV == IR_ADD + 3 &&
               IR_MOD == IR_ADD + 4 && IR_NEG == IR_ADD + 5, "arithmetic ADD..NEG in order");

/* -- What is pure --------------------------------------------------------- */

/* Pure and without a guard: safe to fold or share at emission. */
static bool pure_noexit(IROp op, IRType t)
{
    switch (op) {
    case IR_CONV: case IR_NOT: case IR_BOXNUM: case IR_SCODE: case IR_SBYTE:
        return true;
    case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD: case IR_NEG:
        return t == IRT_NUM;
    default:
        return false;
    }
}

/* Pure, possibly a guard: its value (or whether it exits) depends only on
** its operands. */
static bool pure(IROp op, IRType t)
{
    switch (op) {
    case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD: case IR_NEG:
    case IR_TOINT: case IR_LT: case IR_LE: case IR_GT: case IR_GE: case IR_EQ: case IR_NE:
    case IR_NLT: case IR_NLE: case IR_NGT: case IR_NGE:
    case IR_TRUTHY: case IR_FALSEY: case IR_EQV: case IR_NEV: case IR_EQVAL: case IR_NEVAL:
    case IR_SLEN: case IR_BRECV:
        return true;
    default:
        return pure_noexit(op, t);
    }
}

static bool is_knum(const Trace *T, IRRef ref)
{
    return T->ir[ref].op == IR_KNUM || T->ir[ref].op == IR_KINT;
}

static double kdouble(const Trace *T, IRRef ref)
{
    const IRIns *k = &T->ir[ref];
    return k->op == IR_KINT ? (double)k->a : as_double(T->k[k->a]);
}

/* -- Folding --------------------------------------------------------------- */

/* The double op of constants x and y. */
static double fold_num(IROp op, double x, double y)
{
    switch (op) {
    case IR_ADD: return x + y;
    case IR_SUB: return x - y;
    case IR_MUL: return x * y;
    case IR_DIV: return x / y;
    case IR_MOD: return lx_mod(x, y);
    default: return -x;     /* IR_NEG */
    }
}

/* The constant an instruction that cannot exit gives: true with its
** constant op (KNUM or KVAL) and bits. */
static bool fold_noexit(const Trace *T, IROp op, IRType t, IRRef a, IRRef b, IROp *kop,
                        uint64_t *bits)
{
    if (op == IR_CONV && T->ir[a].op == IR_KINT) {
        *kop = IR_KNUM;
        *bits = double_val((double)T->ir[a].a);
        return true;
    }
    if (op == IR_NOT && ir_is_const(T, a)) {
        *kop = IR_KVAL;
        *bits = bool_val(is_falsey(ir_kvalue(T, a)));
        return true;
    }
    if (t != IRT_NUM || op < IR_ADD || op > IR_NEG || !is_knum(T, a))
        return false;
    bool two = ir_mode_b[op] == IRM_R;
    if (two && !is_knum(T, b))
        return false;
    *kop = IR_KNUM;
    *bits = double_val(fold_num(op, kdouble(T, a), two ? kdouble(T, b) : 0));
    return true;
}

/* Make r the constant kop/bits in place. */
static void become_const(Trace *T, IRRef r, IROp kop, uint64_t bits)
{
    IRIns *ins = &T->ir[r];
    ins->op = (uint8_t)kop;
    ins->t = kop == IR_KINT ? IRT_INT : kop == IR_KNUM ? IRT_NUM : IRT_VAL;
    ins->a = kop == IR_KINT ? (int32_t)(uint32_t)bits : ir_kraw(T, bits);
    ins->b = ins->c = 0;
    ins->snap = IR_NOSNAP;
}

/* Whether int x op y (or op x) stays an int32 the way the stencils
** compute it (jit/stencils/lox.c); *res is it. */
static bool fold_int(IROp op, int32_t x, int32_t y, int32_t *res)
{
    switch (op) {
    case IR_ADD: return !__builtin_add_overflow(x, y, res);
    case IR_SUB: return !__builtin_sub_overflow(x, y, res);
    case IR_MUL: return !__builtin_mul_overflow(x, y, res) && (*res != 0 || (x | y) >= 0);
    case IR_DIV:
        /* Exact, and not -0 (0 over a negative): the recorder's rule. */
        if (y == 0 || (y == -1 && x == INT32_MIN) || (x == 0 && y < 0) || x % y != 0)
            return false;
        *res = x / y;
        return true;
    case IR_MOD:
        if (y == 0)
            return false;
        *res = y == -1 ? 0 : x % y;
        if (*res != 0 && (*res ^ y) < 0)
            *res += y;
        return true;
    case IR_NEG:
        if (x == 0 || x == INT32_MIN)
            return false;
        *res = -x;
        return true;
    default:
        return false;
    }
}

/* Whether the comparison guard op holds for constants x and y. */
static bool compare(IROp op, double x, double y)
{
    switch (op) {
    case IR_LT: return x < y;
    case IR_LE: return x <= y;
    case IR_GT: return x > y;
    case IR_GE: return x >= y;
    case IR_EQ: return x == y;
    case IR_NE: return x != y;
    case IR_NLT: return !(x < y);
    case IR_NLE: return !(x <= y);
    case IR_NGT: return !(x > y);
    default: return !(x >= y);      /* IR_NGE */
    }
}

/* A guard with constant operands, decided now: true when it holds (it
** became a NOP, or for an int op or TOINT its constant in place), false
** when it stays. */
static bool fold_guard(Trace *T, IRRef r)
{
    IRIns *ins = &T->ir[r];
    IROp op = (IROp)ins->op;
    bool two = ir_mode_b[op] == IRM_R;
    if (!ir_is_const(T, ins->a) || (two && !ir_is_const(T, ins->b)))
        return false;
    if (ins->t == IRT_INT && op >= IR_ADD && op <= IR_NEG) {
        int32_t res;
        if (!fold_int(op, T->ir[ins->a].a, two ? T->ir[ins->b].a : 0, &res))
            return false;
        become_const(T, r, IR_KINT, (uint32_t)res);
        return true;
    }
    if (op == IR_TOINT) {
        Value v = lx_number(kdouble(T, ins->a));
        if (!is_int(v))
            return false;
        become_const(T, r, IR_KINT, (uint32_t)as_int(v));
        return true;
    }
    Value x = ir_kvalue(T, ins->a);
    bool holds;
    if (op >= IR_LT && op <= IR_NGE && is_knum(T, ins->a) && is_knum(T, ins->b))
        holds = compare(op, kdouble(T, ins->a), kdouble(T, ins->b));
    else if (op == IR_TRUTHY || op == IR_FALSEY)
        holds = is_falsey(x) == (op == IR_FALSEY);
    else if (op == IR_EQV || op == IR_NEV)
        holds = (x == T->k[ins->b]) == (op == IR_EQV);
    else
        return false;
    if (holds)
        opt_nop(T, r);
    return holds;
}

/* -- On emission ----------------------------------------------------------- */

IRRef opt_fold_emit(Trace *T, IROp op, IRType t, int32_t a, int32_t b)
{
    if (!pure_noexit(op, t) || a <= 0 || a >= T->nir)
        return 0;
    if (ir_mode_b[op] == IRM_R && (b <= 0 || b >= T->nir))
        return 0;
    IROp kop;
    uint64_t bits;
    if (fold_noexit(T, op, t, a, b, &kop, &bits))
        return kop == IR_KNUM ? ir_knum(T, as_double(bits)) : ir_kval(T, bits);
    /* An identical instruction comes after both operands. */
    IRRef lo = a > b ? a : b;
    for (IRRef q = T->nir - 1; q > lo; q--) {
        const IRIns *ins = &T->ir[q];
        if (ins->op == op && ins->t == t && ins->a == a && ins->b == b && ins->c == 0)
            return q;
    }
    return 0;
}

/* -- After recording ------------------------------------------------------- */

/* An open-addressed set of instructions by (op, t, a, b, c). */
typedef struct {
    IRRef *slot;
    uint32_t mask;
} InsSet;

static uint32_t ins_hash(const IRIns *ins)
{
    uint64_t h = ((uint64_t)ins->op << 56) ^ ((uint64_t)ins->t << 48) ^
                 ((uint64_t)(uint32_t)ins->a << 20) ^ (uint64_t)(uint32_t)ins->b ^
                 ((uint64_t)(uint32_t)ins->c << 40);
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static bool same_ins(const IRIns *x, const IRIns *y)
{
    return x->op == y->op && x->t == y->t && x->a == y->a && x->b == y->b && x->c == y->c;
}

/* The earlier instruction identical to r, or 0 after adding r. */
static IRRef ins_find_add(InsSet *s, const Trace *T, IRRef r)
{
    const IRIns *ins = &T->ir[r];
    for (uint32_t i = ins_hash(ins) & s->mask;; i = (i + 1) & s->mask) {
        if (s->slot[i] == 0) {
            s->slot[i] = r;
            return 0;
        }
        if (same_ins(&T->ir[s->slot[i]], ins))
            return s->slot[i];
    }
}

void opt_fold(Trace *T)
{
    IRRef *subst = opt_refs(T);
    InsSet set;
    uint32_t cap = 16;
    while (cap < 2u * (uint32_t)T->nir)
        cap *= 2;
    set.slot = calloc(cap, sizeof(IRRef));
    if (set.slot == NULL)
        abort();
    set.mask = cap - 1;
    for (IRRef r = 1; r < T->nir; r++) {
        IRIns *ins = &T->ir[r];
        opt_rename(ins, subst);
        if (!pure((IROp)ins->op, (IRType)ins->t))
            continue;
        if (ins->snap != IR_NOSNAP && fold_guard(T, r))
            continue;
        IROp kop;
        uint64_t bits;
        if (ins->snap == IR_NOSNAP &&
            fold_noexit(T, (IROp)ins->op, (IRType)ins->t, ins->a, ins->b, &kop, &bits)) {
            become_const(T, r, kop, bits);
            continue;
        }
        IRRef q = ins_find_add(&set, T, r);
        if (q != 0) {
            subst[r] = q;
            opt_nop(T, r);
        }
    }
    free(set.slot);
    opt_subst(T, subst);
    free(subst);
}
