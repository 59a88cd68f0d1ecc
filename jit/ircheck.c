/* ircheck.c -- the IR checker (ircheck.h): one walk over the instructions,
** then the snapshots, then the back-edge, stopping at the first broken rule.
**
** The type rules come from what each op's stencils read (jit/emit_ops.c):
** an INT operand sits unboxed in a GPR, a NUM in an FPR, a VAL is a boxed
** Value in a GPR; an op that boxes its operand first (emit_boxed: stores,
** FSTORE, LPUSH, EQVAL) takes any of the three. A stencil handed the wrong
** class reads another register than the one holding the value, which no
** later stage notices, so this is the rule that matters most.
*/
#include "jit/ircheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "jit/opt.h"
#include "jit/trace.h"

const char *const ircheck_rule_names[IRC__COUNT] = {
#define IRCHECK_NAME(name, doc) #name ": " doc,
    IRCHECK_RULES(IRCHECK_NAME)
#undef IRCHECK_NAME
};

/* -- Type rules ------------------------------------------------------------ */

/* Type masks: one bit per IRType. SAME: the operand has the result's type.
** LIT: a literal (checked apart). A zero result mask: no rule. */
enum {
    TN = 1 << IRT_NONE, TI = 1 << IRT_INT, TF = 1 << IRT_NUM, TV = 1 << IRT_VAL,
    TNUM = TI | TF, TANY = TI | TF | TV, SAME = 1 << 6, LIT = 1 << 7
};

typedef struct {
    uint8_t res, a, b;
} TypeRule;

static const TypeRule type_rules[IR__COUNT] = {
    [IR_KINT] = {TI, LIT, 0},      [IR_KNUM] = {TF, LIT, 0},     [IR_KVAL] = {TV, LIT, 0},
    [IR_SLOAD] = {TANY, LIT, 0},   [IR_GLOAD] = {TANY, LIT, 0},  [IR_ULOAD] = {TANY, LIT, 0},
    [IR_GSTORE] = {TN, LIT, TANY}, [IR_USTORE] = {TN, LIT, TANY},
    [IR_XLOAD] = {TANY, LIT, 0},   [IR_XSTORE] = {TN, LIT, TANY},
    [IR_FLOAD] = {TV, TV, 0},      [IR_FSTORE] = {TN, TV, TANY}, [IR_MCHECK] = {TN, TV, TV},
    [IR_ILOAD] = {TV, TV, TI},     [IR_ISTORE] = {TN, TV, TI},   [IR_UNBOX] = {TNUM, TV, 0},
    [IR_LPUSH] = {TN, TV, TANY},   [IR_LLEN] = {TI, TV, 0},      [IR_NCALL] = {TV, LIT, TV},
    [IR_CONV] = {TF, TI, 0},       [IR_TOINT] = {TI, TF, 0},
    [IR_ADD] = {TNUM, SAME, SAME}, [IR_SUB] = {TNUM, SAME, SAME}, [IR_MUL] = {TNUM, SAME, SAME},
    [IR_DIV] = {TNUM, SAME, SAME}, [IR_MOD] = {TNUM, SAME, SAME}, [IR_NEG] = {TNUM, SAME, 0},
    [IR_NOT] = {TV, TV, 0},
    [IR_LT] = {TNUM, SAME, SAME},  [IR_LE] = {TNUM, SAME, SAME}, [IR_GT] = {TNUM, SAME, SAME},
    [IR_GE] = {TNUM, SAME, SAME},  [IR_EQ] = {TNUM, SAME, SAME}, [IR_NE] = {TNUM, SAME, SAME},
    [IR_NLT] = {TF, TF, TF},       [IR_NLE] = {TF, TF, TF},      [IR_NGT] = {TF, TF, TF},
    [IR_NGE] = {TF, TF, TF},
    [IR_TRUTHY] = {TV, TV, 0},     [IR_FALSEY] = {TV, TV, 0},
    [IR_EQV] = {TV, TV, LIT},      [IR_NEV] = {TV, TV, LIT},
    [IR_FADD] = {TN, TV, TANY},    [IR_EQVAL] = {TN, TANY, TANY}, [IR_NEVAL] = {TN, TANY, TANY},
    [IR_MVER] = {TI, TV, 0},       [IR_MNEXT] = {TI, TV, TI},    [IR_MKEY] = {TV, TV, TI},
    [IR_SLEN] = {TI, TV, 0},       [IR_SBYTE] = {TV, TV, TI},    [IR_RANGEF] = {TF, TV, LIT},
    [IR_NALLOC] = {TV, LIT, TV},   [IR_FTAB] = {TN, LIT, TV},    [IR_BRECV] = {TV, TV, TV},
    [IR_BOXNUM] = {TV, TF, 0},     [IR_SCODE] = {TI, TV, TI},    [IR_MFIND] = {TV, TV, TV},
    [IR_MVAL] = {TV, TV, 0},       [IR_MSETV] = {TN, TV, TANY},
    [IR_NOP] = {TN, 0, 0},
    [IR_SSTORE] = {TN, LIT, TANY}, [IR_CLOS] = {TV, LIT, TV},    [IR_UCLOSE] = {TN, LIT, LIT},
    [IR_CULOAD] = {TANY, TV, LIT},
};

/* Whether an instruction defines a value later ones may read. Guards on
** a comparison or a Value define none, whatever their type field says. */
static bool has_value(const IRIns *ins)
{
    if (ins->op >= IR_LT && ins->op <= IR_NEV)
        return false;
    return ins->op != IR_NOP && ins->t != IRT_NONE;
}

/* -- Reporting ------------------------------------------------------------- */

typedef struct {
    const Trace *T;
    const uint8_t *inv;
    IrViolation *v;
} Check;

static IrRule fail(Check *c, IrRule rule, IRRef ref, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static IrRule fail(Check *c, IrRule rule, IRRef ref, const char *fmt, ...)
{
    c->v->rule = rule;
    c->v->ref = ref;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->v->msg, sizeof c->v->msg, fmt, ap);
    va_end(ap);
    return rule;
}

#define CHECK(c) do { IrRule r_ = (c); if (r_ != IRC_OK) return r_; } while (0)

/* -- Instructions ---------------------------------------------------------- */

static bool valid_ref(const Trace *T, IRRef ref)
{
    return ref > 0 && ref < T->nir;
}

/* A value some later instruction, a snapshot or the back-edge may read. */
static bool readable(const Trace *T, IRRef ref)
{
    return valid_ref(T, ref) && has_value(&T->ir[ref]);
}

/* A CONV whose SLOAD widen_sloads (jit/record.c) made a double keeps it as
** its operand but has no use left: the emitter skips it. Any other use of
** such a CONV would convert a double as if it were an int. */
static bool unused(const Trace *T, IRRef x)
{
    for (IRRef u = x + 1; u < T->nir; u++) {
        if (ir_reads(&T->ir[u], x))
            return false;
    }
    for (int k = 0; k < T->nsmap; k++)
        if (T->smap[k].ref == x)
            return false;
    return !ir_back_value(T, x);
}

static IrRule check_operand(Check *c, IRRef r, const char *which, IRRef x, uint8_t want)
{
    const Trace *T = c->T;
    const IRIns *ins = &T->ir[r];
    if (!valid_ref(T, x))
        return fail(c, IRC_REF, r, "%s operand %s is ref %d, outside 1..%d", ir_names[ins->op],
                    which, x, T->nir - 1);
    const IRIns *def = &T->ir[x];
    if (!ir_is_const(T, x) && x >= r)
        return fail(c, IRC_REF, r, "%s operand %s is ref %04d, not earlier", ir_names[ins->op],
                    which, x);
    if (!has_value(def))
        return fail(c, IRC_REF, r, "%s operand %s is %04d %s, which defines no value",
                    ir_names[ins->op], which, x, ir_names[def->op]);
    uint8_t mask = want == SAME ? (uint8_t)(1u << ins->t) : want;
    if (!(mask & (1u << def->t)) && !(ins->op == IR_CONV && unused(T, r)))
        return fail(c, IRC_TYPE, r, "%s %s operand %s is %04d of type %s",
                    ir_names[ins->op], ir_type_names[ins->t], which, x,
                    ir_type_names[def->t]);
    return IRC_OK;
}

static bool kindex(const Trace *T, int32_t i)
{
    return i >= 0 && i < T->nk;
}

/* An inherited SLOAD (b = IR_SLOAD_INHERIT, jit/record.c, rec_start_side):
** only a side trace's, of a slot its parent's exit snapshot holds in a
** non-constant of the same IR type, which the side entry moves into its
** home (jit/emit.c, emit_side_entry). */
static IrRule check_inherited(Check *c, IRRef r)
{
    const Trace *T = c->T;
    const IRIns *ins = &T->ir[r];
    const Trace *P = T->parent;
    if (ins->b != IR_SLOAD_INHERIT || P == NULL || T->exit < 0 || T->exit >= P->nsnap)
        return fail(c, IRC_LITERAL, r, "SLOAD with b %d in a %s trace", ins->b,
                    P == NULL ? "root" : "side");
    const Snapshot *sn = &P->snaps[T->exit];
    for (uint32_t k = sn->start; k < sn->start + sn->n; k++) {
        IRRef p = P->smap[k].ref;
        if (P->smap[k].slot == ins->a && !ir_is_const(P, p) && P->ir[p].t == ins->t)
            return IRC_OK;
    }
    return fail(c, IRC_LITERAL, r, "SLOAD inherits slot %d, which the parent's exit %d does "
                "not hold in a %s value", ins->a, T->exit, ir_type_names[ins->t]);
}

/* Literal operands: k[] indexes, frame slots. */
static IrRule check_literals(Check *c, IRRef r)
{
    const Trace *T = c->T;
    const IRIns *ins = &T->ir[r];
    bool ok = true;
    switch ((IROp)ins->op) {
    case IR_KNUM: case IR_KVAL: case IR_XLOAD: case IR_XSTORE:
        ok = kindex(T, ins->a);
        break;
    case IR_SLOAD: case IR_SSTORE:
        ok = ins->a >= 0 && ins->a < JIT_MAXSLOT;
        if (ok && ins->op == IR_SLOAD && ins->b != 0)
            return check_inherited(c, r);
        break;
    case IR_EQV: case IR_NEV:
        ok = kindex(T, ins->b);
        break;
    case IR_FLOAD: case IR_FSTORE: case IR_MCHECK: case IR_FADD:
        ok = kindex(T, ins->c);
        break;
    case IR_NCALL:
        ok = ins->c == 0 || kindex(T, ins->c);
        break;
    case IR_NALLOC: case IR_CLOS:
        ok = T->ir[ins->b].op == IR_KVAL;
        break;
    default:
        break;
    }
    if (!ok)
        return fail(c, IRC_LITERAL, r, "%s with a literal out of range (a %d, b %d, c %d, %d "
                    "constants)", ir_names[ins->op], ins->a, ins->b, ins->c, T->nk);
    return IRC_OK;
}

static IrRule check_ins(Check *c, IRRef r)
{
    const Trace *T = c->T;
    const IRIns *ins = &T->ir[r];
    if (ins->op >= IR__COUNT || type_rules[ins->op].res == 0)
        return fail(c, IRC_OP, r, "op %d has no type rule", ins->op);
    const TypeRule *tr = &type_rules[ins->op];
    if (ins->t > IRT_VAL || !(tr->res & (1u << ins->t)))
        return fail(c, IRC_OP, r, "%s of type %d", ir_names[ins->op], ins->t);
    if (ins->op == IR_NOP) {
        if (ins->a || ins->b || ins->c || ins->snap != IR_NOSNAP)
            return fail(c, IRC_NOP, r, "NOP with operands or a snapshot");
        return IRC_OK;
    }
    if (ir_mode_a[ins->op] == IRM_R)
        CHECK(check_operand(c, r, "a", ins->a, tr->a));
    if (ir_mode_b[ins->op] == IRM_R)
        CHECK(check_operand(c, r, "b", ins->b, tr->b));
    if (ins->op == IR_ISTORE)
        CHECK(check_operand(c, r, "c", ins->c, TANY));
    CHECK(check_literals(c, r));
    /* An inherited SLOAD's type is the parent's: it never exits. */
    bool exits = ir_can_exit((IROp)ins->op, (IRType)ins->t) && !ir_inherited(ins);
    /* A head load (ir_head_load) is loaded by the entry, like an SLOAD:
    ** its type guard is the entry's. */
    if (ir_head_load(ins) && exits && ins->snap != 0)
        return fail(c, IRC_GUARD, r, "head GLOAD exits through snapshot %d, not the entry's",
                    ins->snap);
    if (exits != (ins->snap != IR_NOSNAP))
        return fail(c, IRC_GUARD, r, "%s %s %s", ir_names[ins->op], ir_type_names[ins->t],
                    exits ? "can exit but has no snapshot" : "cannot exit but has a snapshot");
    if (exits && ins->snap >= T->nsnap)
        return fail(c, IRC_GUARD, r, "%s exits through snapshot %d of %d", ir_names[ins->op],
                    ins->snap, T->nsnap);
    return IRC_OK;
}

/* -- Hoisting -------------------------------------------------------------- */

/* opt_hoist's marking: what the entry computes reads only what the entry
** has (constants, invariant SLOADs, earlier hoisted values) and exits, if
** it can, through snapshot 0 (the frame as the interpreter left it). */
static IrRule check_hoisted(Check *c, IRRef r)
{
    const Trace *T = c->T;
    const IRIns *ins = &T->ir[r];
    if (c->inv[r] == OPT_VARIANT)
        return IRC_OK;
    if (c->inv[r] == OPT_INVARIANT) {
        if (!ir_is_const(T, r) && ins->op != IR_SLOAD)
            return fail(c, IRC_HOIST, r, "%s marked invariant", ir_names[ins->op]);
        return IRC_OK;
    }
    if (ins->snap != IR_NOSNAP && ins->snap != 0)
        return fail(c, IRC_HOIST, r, "hoisted %s exits through snapshot %d", ir_names[ins->op],
                    ins->snap);
    IRRef ops[2] = {ir_mode_a[ins->op] == IRM_R ? ins->a : 0,
                    ir_mode_b[ins->op] == IRM_R ? ins->b : 0};
    for (int k = 0; k < 2; k++)
        if (ops[k] && c->inv[ops[k]] == OPT_VARIANT)
            return fail(c, IRC_HOIST, r, "hoisted %s reads %04d, which varies",
                        ir_names[ins->op], ops[k]);
    return IRC_OK;
}

/* -- Snapshots and the back-edge ------------------------------------------- */

/* Values the entry has before the body's first instruction. */
static bool entry_defined(const Trace *T, IRRef x)
{
    return T->ir[x].op == IR_SLOAD || ir_head_load(&T->ir[x]) || ir_is_const(T, x);
}

static IrRule check_snapshots(Check *c)
{
    const Trace *T = c->T;
    for (int n = 0; n < T->nsnap; n++) {
        const Snapshot *sn = &T->snaps[n];
        if ((int64_t)sn->start + sn->n > T->nsmap ||
            (int64_t)sn->fstart + sn->nframe > T->nsframes)
            return fail(c, IRC_SNAP, -1, "snapshot %d: entries or frames outside the maps", n);
        /* Each snapshot owns its entries and frames, in snapshot order
        ** (snap_take appends them, snap_complete rebuilds the map so):
        ** opt_dce's compaction moves them down in place. */
        const Snapshot *prev = n > 0 ? &T->snaps[n - 1] : NULL;
        if (prev != NULL && (sn->start < prev->start + prev->n ||
                             sn->fstart < prev->fstart + prev->nframe))
            return fail(c, IRC_SNAP, -1, "snapshot %d: entries or frames overlap snapshot %d's",
                        n, n - 1);
        if (n == 0 && T->parent == NULL && sn->n != 0)
            return fail(c, IRC_SNAP, -1, "snapshot 0 of a root trace has %d entries", sn->n);
        for (uint32_t k = sn->start; k < sn->start + sn->n; k++) {
            const SnapEntry *e = &T->smap[k];
            if (k > sn->start && e->slot <= T->smap[k - 1].slot)
                return fail(c, IRC_SORTED, -1, "snapshot %d: slot %d after slot %d", n, e->slot,
                            T->smap[k - 1].slot);
            if (e->slot >= JIT_MAXSLOT)
                return fail(c, IRC_SNAP, -1, "snapshot %d: slot %d", n, e->slot);
            if (!readable(T, e->ref))
                return fail(c, IRC_SNAPREF, -1, "snapshot %d: slot %d is ref %d, not a value",
                            n, e->slot, e->ref);
            /* A side trace's entry: its guards run once the inherited
            ** values are in their homes, before anything else is. */
            if (n == 0 && !ir_is_const(T, e->ref) && !ir_inherited(&T->ir[e->ref]))
                return fail(c, IRC_SNAP, -1, "snapshot 0: slot %d is ref %d, neither inherited "
                            "nor a constant", e->slot, e->ref);
        }
    }
    /* INVARIANT(snap-complete), once snap_complete ran (calloc left
    ** loopsnap 0; it then names the back-edge's snapshot, after the
    ** entry's): every snapshot but the entry's lists each loop-carried
    ** slot, since the frame never holds its value while the trace runs. */
    for (int b = 0; T->loopsnap > 0 && b < T->nback; b++) {
        if (T->back[b].sload == 0)
            continue;
        for (int n = 1; n < T->nsnap; n++) {
            const Snapshot *sn = &T->snaps[n];
            bool found = false;
            for (uint32_t k = sn->start; k < sn->start + sn->n && !found; k++)
                found = T->smap[k].slot == T->back[b].slot;
            if (!found)
                return fail(c, IRC_SNAP, -1, "snapshot %d lacks loop-carried slot %d", n,
                            T->back[b].slot);
        }
    }
    /* Each guard's snapshot holds values defined before the guard runs:
    ** earlier instructions, what the entry loads and constants. */
    for (IRRef r = 1; r < T->nir; r++) {
        const IRIns *ins = &T->ir[r];
        if (ins->snap == IR_NOSNAP || ins->op == IR_NOP)
            continue;
        const Snapshot *sn = &T->snaps[ins->snap];
        for (uint32_t k = sn->start; k < sn->start + sn->n; k++) {
            IRRef x = T->smap[k].ref;
            if (x >= r && !entry_defined(T, x))
                return fail(c, IRC_SNAPREF, r, "%s exits through snapshot %d, whose slot %d "
                            "is %04d, defined after it", ir_names[ins->op], ins->snap,
                            T->smap[k].slot, x);
        }
    }
    return IRC_OK;
}

static IrRule check_back(Check *c)
{
    const Trace *T = c->T;
    for (int b = 0; b < T->nback; b++) {
        const LoopSlot *ls = &T->back[b];
        if (b > 0 && ls->slot <= T->back[b - 1].slot)
            return fail(c, IRC_BACK, -1, "back-edge slot %d after slot %d", ls->slot,
                        T->back[b - 1].slot);
        if (!readable(T, ls->val))
            return fail(c, IRC_BACK, -1, "back-edge slot %d gets ref %d, not a value", ls->slot,
                        ls->val);
        if (ls->sload == 0)
            continue;
        const IRIns *x = valid_ref(T, ls->sload) ? &T->ir[ls->sload] : NULL;
        if (T->parent != NULL || x == NULL || x->op != IR_SLOAD || x->a != ls->slot ||
            x->t != T->ir[ls->val].t)
            return fail(c, IRC_BACK, -1, "back-edge slot %d carried to ref %d, not its SLOAD "
                        "of the value's type", ls->slot, ls->sload);
    }
    /* Loop-carried globals (Trace.gback): a head load takes a value of its
    ** type. */
    for (int g = 0; g < T->ngback; g++) {
        const GlobalLoop *gl = &T->gback[g];
        if (!valid_ref(T, gl->load) || !ir_head_load(&T->ir[gl->load]) ||
            !readable(T, gl->val) || T->ir[gl->val].t != T->ir[gl->load].t)
            return fail(c, IRC_BACK, -1, "loop-carried global %d: ref %d into ref %d, not a "
                        "value of a head load's type", g, gl->val, gl->load);
    }
    return IRC_OK;
}

/* -- The check ------------------------------------------------------------- */

IrRule ircheck(const Trace *T, const uint8_t *inv, IrViolation *v)
{
    Check c = {T, inv, v};
    v->rule = IRC_OK;
    v->ref = -1;
    v->msg[0] = '\0';
    if (T->nir < 1 || T->ir[0].op != IR_KVAL || T->ir[0].t != IRT_NONE)
        return fail(&c, IRC_HEADER, 0, "ref 0 is not the placeholder");
    if (T->link < 0 || T->link > T->nsnap || T->loopsnap >= T->nsnap || T->nk < 0 ||
        T->nsmap < 0 || T->nback < 0)
        return fail(&c, IRC_HEADER, -1, "link %d, loopsnap %d with %d snapshots", T->link,
                    T->loopsnap, T->nsnap);
    for (IRRef r = 1; r < T->nir; r++) {
        CHECK(check_ins(&c, r));
        if (inv != NULL)
            CHECK(check_hoisted(&c, r));
    }
    CHECK(check_back(&c));
    return check_snapshots(&c);
}

void ircheck_or_abort(const Trace *T, const uint8_t *inv, const char *stage)
{
    IrViolation v;
    if (ircheck(T, inv, &v) == IRC_OK)
        return;
    fprintf(stderr, "loxjit: ircheck: trace %d after %s: ", T->no, stage);
    if (v.ref >= 0)
        fprintf(stderr, "ref %04d: ", v.ref);
    fprintf(stderr, "%s\n  rule %s\n", v.msg, ircheck_rule_names[v.rule]);
    abort();
}
