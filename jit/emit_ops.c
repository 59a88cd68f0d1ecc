/* emit_ops.c -- the emitter's per-instruction code: getting operands into
** registers (scratch registers, reloads, constants, boxing) and the
** stencils of each IR instruction (emit_ins, the switch over ops), with
** the C helpers those stencils call. jit/emit.c calls emit_ins for each
** body instruction and places the resulting code list.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/emit_int.h"
#include "jit/opt.h"
#include "jit/patch.h"
#include "vm/config.h"

/* The C function behind MOD on doubles (a call_num helper): the VM's own
** definition, so a trace computes exactly what the interpreter does. */
static double emit_num_mod(double a, double b) { return lx_mod(a, b); }

/* The slow case of the guard_eq / guard_ne stencils (two distinct strings
** or pointers): the VM's own equality. */
static uint64_t emit_values_equal(JitCtx *ctx, Value *base, uint64_t a, uint64_t b)
{
    (void)ctx, (void)base;
    return value_equal(a, b);
}

/* -- Scratch registers ----------------------------------------------------- */

/* A register of class cls that no value has at the current position and
** no operand of this instruction took already; -1 if there is none. */
int emit_scratch(Emit *e, int cls)
{
    Trace *T = e->T;
    int kind = cls ? LOC_FPR : LOC_GPR;
    uint8_t taken = e->busy[cls] | e->fixed[cls];
    if (e->entry)
        taken |= e->filled[cls];
    else
        for (IRRef r = 1; r < T->nir; r++)
            if (T->loc[r].kind == kind && e->end[r] > 0 && e->start[r] <= e->pos &&
                e->pos <= e->end[r])
                taken |= (uint8_t)(1u << T->loc[r].idx);
    for (int k = 0; k < 4; k++)
        if (!(taken & (1u << k))) {
            e->busy[cls] |= (uint8_t)(1u << k);
            return k;
        }
    e->fail = "no scratch register";
    e->short_pos = e->pos;
    e->short_cls = cls;
    return -1;
}

/* Stencil ids of the moves between a register and its other places. */
void emit_const(Emit *e, int cls, int reg, Value v, IRType t)
{
    if (cls) {
        Item *it = item(e, stencil_id(JIT_T_const_num, reg, 0, 0));
        it->k = is_int(v) ? double_val((double)as_int(v)) : v;
    } else if (t == IRT_INT) {
        item(e, stencil_id(JIT_T_const_int, reg, 0, 0))->op0 = as_int(v);
    } else {
        item(e, stencil_id(JIT_T_const_val, reg, 0, 0))->k = v;
    }
}

void emit_reload(Emit *e, int cls, int reg, int slot)
{
    Item *it = item(e, stencil_id(cls ? JIT_T_reload_num : JIT_T_reload, reg, 0, 0));
    it->slot = slot * 8;
}

void emit_spill(Emit *e, int cls, int reg, int slot)
{
    Item *it = item(e, stencil_id(cls ? JIT_T_spill_num : JIT_T_spill, reg, 0, 0));
    it->slot = slot * 8;
}

/* The register holding operand ref, fetching it into a scratch register
** if it lives in memory or is a constant. -1 on failure. */
int emit_in(Emit *e, IRRef ref)
{
    Trace *T = e->T;
    IRIns *ins = &T->ir[ref];
    int cls = reg_class(ins);
    if (ir_is_const(T, ref)) {
        int s = emit_scratch(e, cls);
        if (s >= 0)
            emit_const(e, cls, s, ir_kvalue(T, ref), (IRType)ins->t);
        return s;
    }
    IRLoc l = T->loc[ref];
    if ((l.kind == LOC_GPR || l.kind == LOC_FPR) && !is_hi(l))
        return l.idx;
    if (l.kind != LOC_SPILL && !is_hi(l)) {
        e->fail = "operand without a place";
        return -1;
    }
    int s = emit_scratch(e, cls);
    if (s >= 0 && is_hi(l))
        item(e, stencil_id(JIT_T_mov_num_lo, s, l.idx - HI_FIRST, 0));
    else if (s >= 0)
        emit_reload(e, cls, s, l.idx);
    return s;
}

/* The register the result of ref is computed into. A result that lives
** in memory may reuse an operand's scratch register: stencils read their
** inputs before they write their output. */
int emit_out(Emit *e, IRRef ref)
{
    const Trace *T = e->T;
    IRLoc l = T->loc[ref];
    if ((l.kind == LOC_GPR || l.kind == LOC_FPR) && !is_hi(l))
        return l.idx;
    int cls = reg_class(&T->ir[ref]);
    for (int k = 0; k < 4; k++)
        if (e->busy[cls] & (1u << k))
            return k;
    /* Or the register of an operand whose last use this is (the result
    ** goes home from it right after). */
    const IRIns *ins = &T->ir[ref];
    IRRef ops[3] = {ir_mode_a[ins->op] == IRM_R ? ins->a : 0,
                    ir_mode_b[ins->op] == IRM_R ? ins->b : 0,
                    ins->op == IR_ISTORE ? ins->c : 0};
    for (int k = 0; k < 3; k++) {
        IRRef x = ops[k];
        IRLoc xl = x > 0 ? T->loc[x] : (IRLoc){LOC_NONE, 0};
        if (x > 0 && !ir_is_const(T, x) && e->end[x] == ref && reg_class(&T->ir[x]) == cls &&
            (xl.kind == LOC_GPR || xl.kind == LOC_FPR) && !is_hi(xl) &&
            !(e->fixed[cls] & (1u << xl.idx)))
            return xl.idx;
    }
    return emit_scratch(e, cls);
}

/* After the result is in reg: move it home if that is a spill slot or
** one of f4-f6. */
void emit_settle(Emit *e, IRRef ref, int reg)
{
    IRLoc l = e->T->loc[ref];
    if (l.kind == LOC_SPILL)
        emit_spill(e, reg_class(&e->T->ir[ref]), reg, l.idx);
    else if (is_hi(l))
        item(e, stencil_id(JIT_T_mov_num_hi, l.idx - HI_FIRST, reg, 0));
}

/* A raw boxed Value of ref in a GPR (boxing ints and doubles). */
int emit_boxed(Emit *e, IRRef ref)
{
    Trace *T = e->T;
    IRIns *ins = &T->ir[ref];
    if (ir_is_const(T, ref)) {
        int s = emit_scratch(e, 0);
        if (s >= 0)
            emit_const(e, 0, s, ir_kvalue(T, ref), IRT_VAL);
        return s;
    }
    int a = emit_in(e, ref);
    if (a < 0 || ins->t == IRT_VAL)
        return a;
    /* An int this instruction fetched into a scratch register (busy: its
    ** home is memory) is boxed where it is, which spares a register. */
    bool scratch = ins->t == IRT_INT && (e->busy[0] & (1u << a));
    int s = scratch ? a : emit_scratch(e, 0);
    if (s < 0)
        return -1;
    if (ins->t == IRT_INT)
        item(e, stencil_id(JIT_T_box_int, s, a, 0));
    else
        item(e, stencil_id(JIT_T_box_num, s, a, 0));
    return s;
}

/* -- One instruction ------------------------------------------------------- */

static bool is_kint(const Trace *T, IRRef ref)
{
    return T->ir[ref].op == IR_KINT;
}

static const JitTemplate int_ops[] = {JIT_T_add_int, JIT_T_sub_int, JIT_T_mul_int};
static const JitTemplate intk_ops[] = {JIT_T_addk_int, JIT_T_subk_int, JIT_T_mulk_int};
static const JitTemplate num_ops[] = {JIT_T_add_num, JIT_T_sub_num, JIT_T_mul_num,
                                      JIT_T_div_num};
static const JitTemplate int_cmp[] = {JIT_T_lt_int, JIT_T_le_int, JIT_T_gt_int,
                                      JIT_T_ge_int, JIT_T_eq_int, JIT_T_ne_int};
static const JitTemplate intk_cmp[] = {JIT_T_ltk_int, JIT_T_lek_int, JIT_T_gtk_int,
                                       JIT_T_gek_int, JIT_T_eqk_int, JIT_T_nek_int};
static const JitTemplate num_cmp[] = {JIT_T_lt_num,  JIT_T_le_num,  JIT_T_gt_num,
                                      JIT_T_ge_num,  JIT_T_eq_num,  JIT_T_ne_num,
                                      JIT_T_nlt_num, JIT_T_nle_num, JIT_T_ngt_num,
                                      JIT_T_nge_num};
/* a OP b == b MIRROR(OP) a, for swapping a constant to the right. */
static const IROp mirror[] = {IR_GT, IR_GE, IR_LT, IR_LE, IR_EQ, IR_NE};

/* The tail of every load: the boxed Value sits in register s; a VAL result
** is s itself, an int or a double is checked (exiting through the load's
** snapshot) and unboxed into the result's home. */
static bool emit_typed(Emit *e, IRRef ref, const IRIns *ins, int s)
{
    if (ins->t == IRT_VAL) {
        emit_settle(e, ref, s);
        return true;
    }
    int d;
    TRY(d = emit_out(e, ref));
    if (ins->t == IRT_INT) {
        item(e, stencil_id(JIT_T_guard_int, s, 0, 0))->exit = ins->snap;
        item(e, stencil_id(JIT_T_mov, d, s, 0));
    } else {
        item(e, stencil_id(JIT_T_unbox_num, d, s, 0))->exit = ins->snap;
    }
    emit_settle(e, ref, d);
    return true;
}

/* -- Fields ----------------------------------------------------------------
** A field's stencil guards that its object is an instance, that the
** instance's table has the recorded mask and the name in the recorded
** entry (INVARIANT(field-hint), jit/record_int.h). The first two are
** skipped when a field instruction before it on the same ref proved them
** in this iteration (the trace is straight-line: it ran) and nothing
** between may change a table's layout: only a table growing changes the
** mask and entries, and only C code grows one (a native, a field added
** by the interpreter: the ops not listed here). FADD adds a field only
** where the table has room: into an empty entry or a tombstone, never
** one that holds a key. MCHECK proves an instance, FLOAD and FSTORE a
** mask, and the entry of their field (the same c: the same name at the
** same entry), which leaves no guard at all. */

static bool keeps_layouts(IROp op)
{
    switch (op) {
    case IR_KINT: case IR_KNUM: case IR_KVAL: case IR_SLOAD: case IR_GLOAD: case IR_ULOAD:
    case IR_XLOAD: case IR_GSTORE: case IR_USTORE: case IR_XSTORE: case IR_SSTORE:
    case IR_FLOAD: case IR_FSTORE: case IR_MCHECK: case IR_ILOAD: case IR_ISTORE:
    case IR_UNBOX: case IR_LPUSH: case IR_LLEN: case IR_CONV: case IR_TOINT: case IR_ADD:
    case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD: case IR_NEG: case IR_NOT:
    case IR_LT: case IR_LE: case IR_GT: case IR_GE: case IR_EQ: case IR_NE: case IR_NLT:
    case IR_NLE: case IR_NGT: case IR_NGE: case IR_TRUTHY: case IR_FALSEY: case IR_EQV:
    case IR_NEV: case IR_BOXNUM: case IR_FADD: case IR_NOP:
        return true;
    default:
        return false;
    }
}

enum { KNOWN_NOTHING, KNOWN_INSTANCE, KNOWN_MASK, KNOWN_ENTRY };

/* What the instructions before ref proved about the object obj: for a
** field instruction ref, c is its field's k[] pair; -1 for MCHECK. One
** that runs in the entry (jit/opt.h, OPT_HOISTED) proves nothing for
** the body, whose later iterations come after the whole body before. */
static int field_known(const Emit *e, IRRef ref, IRRef obj, int32_t c)
{
    const Trace *T = e->T;
    int known = KNOWN_NOTHING;
    for (IRRef q = ref - 1; q > 0 && keeps_layouts((IROp)T->ir[q].op); q--) {
        const IRIns *p = &T->ir[q];
        if (p->a != obj || e->inv[q] ||
            (p->op != IR_FLOAD && p->op != IR_FSTORE && p->op != IR_MCHECK))
            continue;
        if (p->op != IR_MCHECK && c >= 0 && p->c == c)
            return KNOWN_ENTRY;
        if (p->op != IR_MCHECK && c >= 0 && T->k[p->c + 1] >> 32 == T->k[c + 1] >> 32)
            known = KNOWN_MASK;
        else if (known < KNOWN_INSTANCE)
            known = KNOWN_INSTANCE;
    }
    return known;
}

/* Whether an MCHECK before ref (in this iteration) guarded the object
** obj's class to be klass: an instance's class never changes, so what
** happened between does not matter. */
static bool class_known(const Emit *e, IRRef ref, IRRef obj, uint64_t klass)
{
    const Trace *T = e->T;
    for (IRRef q = ref - 1; q > 0; q--) {
        const IRIns *p = &T->ir[q];
        if (p->op == IR_MCHECK && p->a == obj && !e->inv[q] && T->k[p->c + 1] == klass)
            return true;
    }
    return false;
}

/* The template of FLOAD or FSTORE ref (one of tpl: full, _i, _k, _e),
** with its holes: the entry it found its field in. */
static void field_at(Emit *e, IRRef ref, const JitTemplate tpl[4], int r0, int r1)
{
    const Trace *T = e->T;
    const IRIns *ins = &T->ir[ref];
    uint64_t at = T->k[ins->c + 1];
    int known = field_known(e, ref, ins->a, ins->c);
    Item *it = item(e, stencil_id(tpl[known], r0, r1, 0));
    it->k = T->k[ins->c];
    it->op0 = (int32_t)(uint32_t)(at >> 32);
    it->slot = (int32_t)((uint32_t)at * sizeof(Entry));
    if (known != KNOWN_ENTRY)
        it->exit = ins->snap;   /* the _e forms cannot exit */
}

static const JitTemplate get_field_ops[] = {JIT_T_get_field, JIT_T_get_field_i,
                                            JIT_T_get_field_k, JIT_T_get_field_e};
static const JitTemplate set_field_ops[] = {JIT_T_set_field, JIT_T_set_field_i,
                                            JIT_T_set_field_k, JIT_T_set_field_e};

static bool emit_load(Emit *e, IRRef ref, IRIns *ins, JitTemplate load)
{
    VM *vm = e->J->vm;
    int s;
    if (ins->t == IRT_VAL) {
        TRY(s = emit_out(e, ref));
    } else {
        TRY(s = emit_scratch(e, 0));
    }
    Item *it = item(e, stencil_id(load, s, 0, 0));
    it->op0 = ins->a;           /* load_upval: the upvalue */
    it->slot = ins->a * 8;      /* load_global: the global's offset */
    it->k = (uint64_t)(uintptr_t)&vm->globals;
    if (ins->op == IR_XLOAD) {
        it->slot = 0;           /* load_global reads (*(Value **)k)[0] */
        it->k = e->T->k[ins->a];
    }
    return emit_typed(e, ref, ins, s);
}

bool emit_ins(Emit *e, IRRef ref)
{
    Trace *T = e->T;
    IRIns *ins = &T->ir[ref];
    int a, b, d;
    Item *it;
    bool live = e->end[ref] > 0;
    e->busy[0] = e->busy[1] = 0;
    switch ((IROp)ins->op) {
    case IR_KINT: case IR_KNUM: case IR_KVAL: case IR_SLOAD:
        return true;
    case IR_GLOAD:
    case IR_ULOAD:
    case IR_XLOAD:
        if (!live && ins->t == IRT_VAL)
            return true;
        return emit_load(e, ref, ins, ins->op == IR_ULOAD ? JIT_T_load_upval : JIT_T_load_global);
    case IR_GSTORE:
    case IR_USTORE:
        TRY(a = emit_boxed(e, ins->b));
        it = item(e, stencil_id(ins->op == IR_GSTORE ? JIT_T_store_global : JIT_T_store_upval,
                                a, 0, 0));
        it->op0 = ins->a;
        it->slot = ins->a * 8;
        it->k = (uint64_t)(uintptr_t)&e->J->vm->globals;
        return true;
    case IR_XSTORE:
        TRY(a = emit_boxed(e, ins->b));
        it = item(e, stencil_id(JIT_T_store_global, a, 0, 0));
        it->k = T->k[ins->a];
        return true;
    case IR_CONV:
        if (!live)
            return true;
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_int_to_num, d, a, 0));
        emit_settle(e, ref, d);
        return true;
    case IR_TOINT:
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_num_to_int, d, a, 0))->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD: {
        int k = ins->op - IR_ADD;
        if (ins->t == IRT_NUM) {
            if (!live)
                return true;
            TRY(a = emit_in(e, ins->a));
            TRY(b = ins->b == ins->a ? a : emit_in(e, ins->b));   /* x * x: one load */
            TRY(d = emit_out(e, ref));
            if (ins->op == IR_MOD) {
                it = item(e, stencil_id(JIT_T_call_num, d, a, b));
                it->helper = (uint64_t)(uintptr_t)emit_num_mod;
            } else {
                item(e, stencil_id(num_ops[k], d, a, b));
            }
            emit_settle(e, ref, d);
            return true;
        }
        if (ins->op == IR_DIV) {
            /* An exact int quotient (jit/record.c, rec_divmod). */
            int32_t k = is_kint(T, ins->b) ? T->ir[ins->b].a : 0;
            TRY(a = emit_in(e, ins->a));
            if (k >= 2 && k <= (1 << 30) && (k & (k - 1)) == 0) {
                TRY(d = emit_out(e, ref));
                it = item(e, stencil_id(JIT_T_divp2_int, d, a, 0));
                it->op0 = __builtin_ctz((unsigned)k);
            } else {
                TRY(b = ins->b == ins->a ? a : emit_in(e, ins->b));
                TRY(d = emit_out(e, ref));
                it = item(e, stencil_id(JIT_T_div_int, d, a, b));
            }
            it->exit = ins->snap;
            emit_settle(e, ref, d);
            return true;
        }
        IRRef x = ins->a, y = ins->b;
        if (ins->op != IR_MOD && ins->op != IR_SUB && is_kint(T, x) && !is_kint(T, y)) {
            x = ins->b;
            y = ins->a;
        }
        if (ins->op == IR_MOD && is_kint(T, y) && T->ir[y].a >= 2 &&
            T->ir[y].a <= JIT_MODK_MAX) {
            /* By a constant: a multiply by its reciprocal (modk_int). */
            TRY(a = emit_in(e, x));
            TRY(d = emit_out(e, ref));
            it = item(e, stencil_id(JIT_T_modk_int, d, a, 0));
            it->op0 = T->ir[y].a;
            it->k = UINT64_MAX / (uint64_t)T->ir[y].a + 1;
        } else if (ins->op != IR_MOD && is_kint(T, y)) {
            TRY(a = emit_in(e, x));
            TRY(d = emit_out(e, ref));
            it = item(e, stencil_id(intk_ops[k], d, a, 0));
            it->op0 = T->ir[y].a;
        } else {
            TRY(a = emit_in(e, x));
            TRY(b = y == x ? a : emit_in(e, y));
            TRY(d = emit_out(e, ref));
            it = item(e, stencil_id(ins->op == IR_MOD ? JIT_T_mod_int : int_ops[k], d, a, b));
        }
        it->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    }
    case IR_NEG:
        if (ins->t == IRT_NUM && !live)
            return true;
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        it = item(e, stencil_id(ins->t == IRT_INT ? JIT_T_neg_int : JIT_T_neg_num, d, a, 0));
        it->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    case IR_NOT:
        if (!live)
            return true;
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_not_val, d, a, 0));
        emit_settle(e, ref, d);
        return true;
    case IR_LT: case IR_LE: case IR_GT: case IR_GE: case IR_EQ: case IR_NE:
    case IR_NLT: case IR_NLE: case IR_NGT: case IR_NGE: {
        int k = ins->op - IR_LT;
        if (ins->t == IRT_NUM) {
            TRY(a = emit_in(e, ins->a));
            TRY(b = ins->b == ins->a ? a : emit_in(e, ins->b));
            it = item(e, stencil_id(num_cmp[k], a, b, 0));
        } else {
            IRRef x = ins->a, y = ins->b;
            if (is_kint(T, x) && !is_kint(T, y)) {
                x = ins->b;
                y = ins->a;
                k = mirror[k] - IR_LT;
            }
            if (is_kint(T, y)) {
                TRY(a = emit_in(e, x));
                it = item(e, stencil_id(intk_cmp[k], a, 0, 0));
                it->op0 = T->ir[y].a;
            } else {
                TRY(a = emit_in(e, x));
                TRY(b = y == x ? a : emit_in(e, y));
                it = item(e, stencil_id(int_cmp[k], a, b, 0));
            }
        }
        it->exit = ins->snap;
        return true;
    }
    case IR_TRUTHY: case IR_FALSEY:
        TRY(a = emit_in(e, ins->a));
        item(e, stencil_id(ins->op == IR_TRUTHY ? JIT_T_guard_truthy : JIT_T_guard_falsey, a, 0,
                           0))->exit = ins->snap;
        return true;
    case IR_EQV: case IR_NEV:
        TRY(a = emit_in(e, ins->a));
        it = item(e, stencil_id(ins->op == IR_EQV ? JIT_T_guard_val : JIT_T_guard_nval, a, 0, 0));
        it->k = T->k[ins->b];
        it->exit = ins->snap;
        return true;
    case IR_FLOAD:
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        field_at(e, ref, get_field_ops, d, a);
        emit_settle(e, ref, d);
        return true;
    case IR_LLEN:
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_list_len, d, a, 0))->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    case IR_LPUSH:
        TRY(a = emit_in(e, ins->a));
        TRY(b = emit_boxed(e, ins->b));
        item(e, stencil_id(JIT_T_push_item, a, b, 0))->exit = ins->snap;
        return true;
    case IR_FSTORE:
        TRY(a = emit_in(e, ins->a));
        TRY(b = emit_boxed(e, ins->b));
        field_at(e, ref, set_field_ops, a, b);
        return true;
    case IR_MCHECK: {
        /* The class (k[c + 1], INVARIANT(field-hint)) decides the method,
        ** so the closure b needs no register. */
        const ObjString *name = (const ObjString *)(uintptr_t)T->k[ins->c];
        TRY(a = emit_in(e, ins->a));
        if (!class_known(e, ref, ins->a, T->k[ins->c + 1])) {
            it = item(e, stencil_id(field_known(e, ref, ins->a, -1) ? JIT_T_guard_class_i
                                                                    : JIT_T_guard_class,
                                    a, 0, 0));
            it->k = T->k[ins->c + 1];
            it->exit = ins->snap;
        }
        it = item(e, stencil_id(JIT_T_check_nofield, a, 0, 0));
        it->k = T->k[ins->c];
        it->op0 = (int32_t)name->hash;
        it->exit = ins->snap;
        return true;
    }
    case IR_ILOAD:
        TRY(a = emit_in(e, ins->a));
        TRY(b = emit_in(e, ins->b));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_get_item, d, a, b))->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    case IR_ISTORE: {
        int c;
        TRY(a = emit_in(e, ins->a));
        TRY(b = emit_in(e, ins->b));
        TRY(c = emit_boxed(e, ins->c));
        item(e, stencil_id(JIT_T_set_item, a, b, c))->exit = ins->snap;
        return true;
    }
    case IR_NCALL: case IR_NALLOC: case IR_CLOS: case IR_UCLOSE: {
        /* C called with the registers in ctx (call_native); UCLOSE's
        ** result (nil) is not used. */
        typedef uint64_t (*CallHelper)(JitCtx *, Value *, uint64_t, uint64_t);
        CallHelper h = ins->op == IR_NCALL    ? exit_call_native
                       : ins->op == IR_NALLOC ? ncall_alloc
                       : ins->op == IR_CLOS   ? ncall_closure
                                              : ncall_close;
        TRY(d = emit_out(e, ref));
        it = item(e, (JitStencilId)(JIT_ST_call_native_r0 + d));
        it->op0 = ref;
        it->helper = (uint64_t)(uintptr_t)h;
        it->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    }
    case IR_UNBOX:
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        if (ins->t == IRT_INT) {
            item(e, stencil_id(JIT_T_guard_int, a, 0, 0))->exit = ins->snap;
            item(e, stencil_id(JIT_T_mov, d, a, 0));
        } else {
            item(e, stencil_id(JIT_T_unbox_num, d, a, 0))->exit = ins->snap;
        }
        emit_settle(e, ref, d);
        return true;
    case IR_FADD: {
        bool as_int = T->ir[ins->b].t == IRT_INT && !ir_is_const(T, ins->b);
        TRY(a = emit_in(e, ins->a));
        TRY(b = as_int ? emit_in(e, ins->b) : emit_boxed(e, ins->b));
        it = item(e, stencil_id(as_int ? JIT_T_add_field_int : JIT_T_add_field, a, b, 0));
        it->k = T->k[ins->c];
        it->exit = ins->snap;
        return true;
    }
    case IR_EQVAL: case IR_NEVAL:
        TRY(a = emit_boxed(e, ins->a));
        TRY(b = emit_boxed(e, ins->b));
        it = item(e, stencil_id(ins->op == IR_EQVAL ? JIT_T_guard_eq : JIT_T_guard_ne, a, b, 0));
        it->helper = (uint64_t)(uintptr_t)emit_values_equal;
        it->exit = ins->snap;
        return true;
    case IR_MVER: case IR_SLEN: case IR_RANGEF:
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        it = item(e, stencil_id(ins->op == IR_MVER ? JIT_T_map_version
                                : ins->op == IR_SLEN ? JIT_T_str_len : JIT_T_range_field,
                                d, a, 0));
        if (ins->op == IR_RANGEF)
            it->op0 = ins->b;
        it->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    case IR_CULOAD: {
        /* emit_load's shape, the closure in a register. */
        int s;
        if (!live && ins->t == IRT_VAL)
            return true;
        TRY(a = emit_in(e, ins->a));
        if (ins->t == IRT_VAL) {
            TRY(s = emit_out(e, ref));
        } else {
            TRY(s = emit_scratch(e, 0));
        }
        item(e, stencil_id(JIT_T_load_cupval, s, a, 0))->op0 = ins->b;
        return emit_typed(e, ref, ins, s);
    }
    case IR_SSTORE: {
        IRType t = (IRType)T->ir[ins->b].t;
        if (ir_is_const(T, ins->b)) {
            it = item(e, JIT_ST_store_k);
            it->slot = (int)ins->a * 8;
            it->k = ir_kvalue(T, ins->b);
            return true;
        }
        TRY(a = emit_in(e, ins->b));
        JitTemplate st = t == IRT_INT ? JIT_T_store_int : t == IRT_NUM ? JIT_T_store_num
                                                                       : JIT_T_store_val;
        item(e, stencil_id(st, a, 0, 0))->slot = (int)ins->a * 8;
        return true;
    }
    case IR_FTAB:
        TRY(a = emit_in(e, ins->b));
        it = item(e, (JitStencilId)(JIT_ST_alloc_fields_r0 + a));
        it->op0 = ref;
        it->helper = (uint64_t)(uintptr_t)ncall_fields;
        it->exit = ins->snap;
        return true;
    case IR_MVAL:
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_map_value, d, a, 0));
        emit_settle(e, ref, d);
        return true;
    case IR_MSETV:
        TRY(a = emit_in(e, ins->a));
        TRY(b = emit_boxed(e, ins->b));
        item(e, stencil_id(JIT_T_map_set_value, a, b, 0));
        return true;
    case IR_BOXNUM:
        TRY(a = emit_in(e, ins->a));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_box_num, d, a, 0));
        emit_settle(e, ref, d);
        return true;
    case IR_BRECV:
        TRY(a = emit_in(e, ins->a));
        TRY(b = emit_in(e, ins->b));
        TRY(d = emit_out(e, ref));
        item(e, stencil_id(JIT_T_bound_recv, d, a, b))->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    case IR_MNEXT: case IR_MKEY: case IR_SBYTE: case IR_SCODE: case IR_MFIND:
        TRY(a = emit_in(e, ins->a));
        TRY(b = emit_in(e, ins->b));
        TRY(d = emit_out(e, ref));
        it = item(e, stencil_id(ins->op == IR_MNEXT ? JIT_T_map_skip
                                : ins->op == IR_MKEY ? JIT_T_map_key
                                : ins->op == IR_SCODE ? JIT_T_str_code
                                : ins->op == IR_MFIND ? JIT_T_map_find : JIT_T_str_byte,
                                d, a, b));
        it->k = (uint64_t)(uintptr_t)e->J->vm->byte_strings;
        if (ins->op == IR_MFIND)
            it->exit = ins->snap;
        emit_settle(e, ref, d);
        return true;
    case IR_NOP:
        return true;
    case IR__COUNT:
        break;
    }
    e->fail = "unknown IR op";
    return false;
}
