/* ir.c -- building the trace IR: the op table's consumers, appending
** instructions (folded or shared on the way when they cannot exit:
** opt_fold_emit, jit/opt_fold.c), interning constants. */
#include <stdlib.h>
#include <string.h>

#include "jit/ir.h"
#include "jit/opt.h"

const char *const ir_names[IR__COUNT] = {
#define IR_NAME(name, ma, mb, doc) #name,
    IR_OPS(IR_NAME)
#undef IR_NAME
};

const uint8_t ir_mode_a[IR__COUNT] = {
#define IR_MA(name, ma, mb, doc) IRM_##ma,
    IR_OPS(IR_MA)
#undef IR_MA
};

const uint8_t ir_mode_b[IR__COUNT] = {
#define IR_MB(name, ma, mb, doc) IRM_##mb,
    IR_OPS(IR_MB)
#undef IR_MB
};

const char *const ir_type_names[] = {
#define IR_TNAME(name, str) str,
    IR_TYPES(IR_TNAME)
#undef IR_TNAME
};

bool ir_can_exit(IROp op, IRType t)
{
    switch (op) {
    case IR_SLOAD: case IR_GLOAD: case IR_ULOAD: case IR_XLOAD: case IR_CULOAD:
        return t == IRT_INT || t == IRT_NUM;
    case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD: case IR_NEG:
        return t == IRT_INT;
    case IR_TOINT:
    case IR_LT: case IR_LE: case IR_GT: case IR_GE: case IR_EQ: case IR_NE:
    case IR_NLT: case IR_NLE: case IR_NGT: case IR_NGE:
    case IR_TRUTHY: case IR_FALSEY: case IR_EQV: case IR_NEV:
    case IR_FLOAD: case IR_FSTORE: case IR_MCHECK: case IR_ILOAD: case IR_ISTORE:
    case IR_UNBOX: case IR_NCALL: case IR_LPUSH: case IR_LLEN:
    case IR_FADD: case IR_EQVAL: case IR_NEVAL: case IR_MVER: case IR_SLEN: case IR_RANGEF:
    case IR_NALLOC: case IR_FTAB: case IR_BRECV: case IR_MFIND: case IR_CLOS: case IR_UCLOSE:
        return true;
    default:
        return false;
    }
}

/* Arrays grow by doubling; an allocation failure ends the process like
** every other one in loxjit (vm.c's xrealloc). */
static void *grow(void *p, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return p;
    int c = *cap < 16 ? 16 : *cap;
    while (c < need)
        c *= 2;
    void *q = realloc(p, (size_t)c * elem);
    if (q == NULL)
        abort();
    *cap = c;
    return q;
}

IRRef ir_emit(Trace *T, IROp op, IRType t, int32_t a, int32_t b)
{
    IRRef folded = opt_fold_emit(T, op, t, a, b);      /* jit/opt_fold.c */
    if (folded != 0)
        return folded;
    T->ir = grow(T->ir, &T->ir_cap, T->nir + 1, sizeof(IRIns));
    IRIns *ins = &T->ir[T->nir];
    ins->op = (uint8_t)op;
    ins->t = (uint8_t)t;
    ins->snap = IR_NOSNAP;
    ins->a = a;
    ins->b = b;
    ins->c = 0;
    return T->nir++;
}

/* Ref 0 is a placeholder (the recorder's "no ref"), so searches start at 1. */
IRRef ir_kint(Trace *T, int32_t i)
{
    for (IRRef r = 1; r < T->nir; r++)
        if (T->ir[r].op == IR_KINT && T->ir[r].a == i)
            return r;
    return ir_emit(T, IR_KINT, IRT_INT, i, 0);
}

static IRRef kconst(Trace *T, IROp op, IRType t, uint64_t bits)
{
    for (IRRef r = 1; r < T->nir; r++)
        if (T->ir[r].op == op && T->k[T->ir[r].a] == bits)
            return r;
    T->k = grow(T->k, &T->k_cap, T->nk + 1, sizeof(uint64_t));
    T->k[T->nk] = bits;
    return ir_emit(T, op, t, T->nk++, 0);
}

int32_t ir_kraw(Trace *T, uint64_t bits)
{
    for (int32_t i = 0; i < T->nk; i++)
        if (T->k[i] == bits)
            return i;
    T->k = grow(T->k, &T->k_cap, T->nk + 1, sizeof(uint64_t));
    T->k[T->nk] = bits;
    return T->nk++;
}

/* Two raw constants in consecutive entries (found again when both are
** there already): the index of the first. */
int32_t ir_kpair(Trace *T, uint64_t first, uint64_t second)
{
    for (int32_t i = 0; i + 1 < T->nk; i++)
        if (T->k[i] == first && T->k[i + 1] == second)
            return i;
    T->k = grow(T->k, &T->k_cap, T->nk + 2, sizeof(uint64_t));
    T->k[T->nk] = first;
    T->k[T->nk + 1] = second;
    T->nk += 2;
    return T->nk - 2;
}

IRRef ir_knum(Trace *T, double d)
{
    return kconst(T, IR_KNUM, IRT_NUM, double_val(d));
}

IRRef ir_kval(Trace *T, Value v)
{
    return kconst(T, IR_KVAL, IRT_VAL, v);
}

bool ir_is_const(const Trace *T, IRRef ref)
{
    uint8_t op = T->ir[ref].op;
    return op == IR_KINT || op == IR_KNUM || op == IR_KVAL;
}

Value ir_kvalue(const Trace *T, IRRef ref)
{
    const IRIns *ins = &T->ir[ref];
    if (ins->op == IR_KINT)
        return int_val(ins->a);
    return T->k[ins->a];
}

bool ir_back_value(const Trace *T, IRRef x)
{
    for (int b = 0; b < T->nback; b++)
        if (T->back[b].val == x)
            return true;
    for (int g = 0; g < T->ngback; g++)
        if (T->gback[g].val == x)
            return true;
    return false;
}

void trace_free_ir(Trace *T)
{
    free(T->ir);
    free(T->k);
    free(T->snaps);
    free(T->smap);
    free(T->sframes);
    free(T->back);
    free(T->loc);
    free(T->headin);
    free(T->gback);
    memset(T, 0, sizeof *T);
}
