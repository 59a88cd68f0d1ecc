/* record.c -- the recorder: follows the interpreter one bytecode at a
** time and appends typed IR for what each instruction did.
**
** rec_ins runs BEFORE the instruction executes, with the live operand
** values in the frame, so it specializes on them: the types it sees
** become guards (on loads: the types of slots, globals and upvalues), and
** a branch becomes a guard that the comparison comes out the way it did.
** It also works out where the interpreter goes next and checks that the
** next call is there (anything else aborts: INVARIANT(rec-follows)).
**
** The slot map (Recorder.slot) says which IR value each frame slot holds;
** a slot read before the trace wrote it gets an SLOAD, a load at the loop
** head. Every guard's snapshot is the state before its instruction, with
** the instruction's own pc: an exit makes the interpreter redo the whole
** instruction, so instructions must not change anything before their last
** guard, which is why handlers emit guards first and write slots last.
**
** The recording ends when the loop's own LOOP word jumps back to the
** head (trace_finish compiles it), or aborts on anything not covered:
** each unsupported case names its reason from JIT_ABORTS.
**
** This file has the control flow (branches, linking to other loops,
** closing the loop), arithmetic and comparisons, the dispatch over
** opcodes (rec_ins) and starting a recording. The calls are in
** jit/record_call.c, for-in in jit/record_iter.c, and the helpers they
** all share (Rec, slots, guards, constants) in jit/record_int.h.
*/
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jit/record_int.h"

/* -- Arithmetic ---------------------------------------------------------- */

/* Would the interpreter's int fast path give an int32 for x op y? */
static bool int_result_ok(IROp op, int32_t x, int32_t y)
{
    int32_t res;
    switch (op) {
    case IR_ADD: return !__builtin_add_overflow(x, y, &res);
    case IR_SUB: return !__builtin_sub_overflow(x, y, &res);
    case IR_MUL: return !__builtin_mul_overflow(x, y, &res) && (res != 0 || (x | y) >= 0);
    default: return false;
    }
}

/* x / y or x % y: the interpreter's lx_number picks int or double from the
** result; the trace follows what it picked this time, guarding that an
** int result stays an exact int (TOINT). */
static bool both_int_values(Value a, Value b)
{
    return is_int(a) && is_int(b);
}

static IRRef rec_divmod(Rec *r, IROp op, IRRef ra, Value va, IRRef rb, Value vb)
{
    if (op == IR_MOD && both_int_values(va, vb) && as_int(vb) != 0)
        return emit(r, IR_MOD, IRT_INT, ra, rb);
    /* Ints whose quotient is an int (exact, not -0): an int division
    ** that exits where it would not be (div_int, jit/stencils/int.c). */
    if (op == IR_DIV && both_int_values(va, vb)) {
        int32_t x = as_int(va), y = as_int(vb);
        if (y != 0 && !(y == -1 && x == INT32_MIN) && !(x == 0 && y < 0) && x % y == 0)
            return emit(r, IR_DIV, IRT_INT, ra, rb);
    }
    double x = as_num(va), y = as_num(vb), res;
    if (op == IR_DIV) {
        res = x / y;
    } else {
        res = lx_mod(x, y);
    }
    IRRef q = emit(r, op, IRT_NUM, to_num(r, ra), to_num(r, rb));
    if (q == 0)
        return 0;
    if (is_int(lx_number(res)))
        return emit(r, IR_TOINT, IRT_INT, q, 0);
    return q;
}

static IRRef rec_arith(Rec *r, IROp op, IRRef ra, Value va, IRRef rb, Value vb, const char *name)
{
    if (!is_number(va) || !is_number(vb))
        return FAIL(r, JA_NYITYPE, name);
    if (op == IR_DIV || op == IR_MOD)
        return rec_divmod(r, op, ra, va, rb, vb);
    /* Two ints whose result does not fit int32 (or is -0): the interpreter
    ** computed it in doubles, and so does the trace, every time. Doing so
    ** when the result would fit gives the same number as a double, which
    ** nothing can tell apart (INVARIANT(number-representation-unobservable)),
    ** and a loop whose hash overflows most of the time stays on trace. */
    if (is_int(va) && is_int(vb) && int_result_ok(op, as_int(va), as_int(vb)))
        return emit(r, op, IRT_INT, ra, rb);
    return emit(r, op, IRT_NUM, to_num(r, ra), to_num(r, rb));
}

/* -- Comparisons --------------------------------------------------------- */

/* Guard that `a cmp b` (cmp one of LT LE GT GE) came out as `outcome`. */
static bool rec_compare(Rec *r, IROp cmp, IRRef ra, Value va, IRRef rb, Value vb,
                        bool *outcome)
{
    if (!is_number(va) || !is_number(vb))
        return FAIL(r, JA_NYITYPE, "comparison");
    bool res;
    IROp g;
    if (is_int(va) && is_int(vb)) {
        int32_t x = as_int(va), y = as_int(vb);
        res = cmp == IR_LT ? x < y : cmp == IR_LE ? x <= y : cmp == IR_GT ? x > y : x >= y;
        /* The int negations: !(a < b) is a >= b, and so on. */
        static const IROp neg[4] = {IR_GE, IR_GT, IR_LE, IR_LT};
        g = res ? cmp : neg[cmp - IR_LT];
        *outcome = res;
        return emit(r, g, IRT_INT, ra, rb) != 0;
    }
    double x = as_num(va), y = as_num(vb);
    res = cmp == IR_LT ? x < y : cmp == IR_LE ? x <= y : cmp == IR_GT ? x > y : x >= y;
    g = res ? cmp : (IROp)(cmp + (IR_NLT - IR_LT));
    *outcome = res;
    return emit(r, g, IRT_NUM, to_num(r, ra), to_num(r, rb)) != 0;
}

static bool is_special(Value v)
{
    return v == NIL_VAL || v == TRUE_VAL || v == FALSE_VAL;
}

/* Lox == between a and b, guarded. */
static bool rec_equal(Rec *r, IRRef ra, Value va, IRRef rb, Value vb, bool *outcome)
{
    if (is_number(va) && is_number(vb)) {
        bool res;
        if (is_int(va) && is_int(vb)) {
            res = as_int(va) == as_int(vb);
            *outcome = res;
            return emit(r, res ? IR_EQ : IR_NE, IRT_INT, ra, rb) != 0;
        }
        res = as_num(va) == as_num(vb);
        *outcome = res;
        return emit(r, res ? IR_EQ : IR_NE, IRT_NUM, to_num(r, ra), to_num(r, rb)) != 0;
    }
    /* A value against a constant nil, true or false: Lox == is identity
    ** there, whatever the value's type. */
    if (r->T->ir[ra].op == IR_KVAL && is_special(va)) {
        IRRef t = ra;
        ra = rb, rb = t;
        Value tv = va;
        va = vb, vb = tv;
    }
    if (r->T->ir[rb].op == IR_KVAL && is_special(vb)) {
        *outcome = va == vb;
        if (ref_type(r, ra) != IRT_VAL)
            return true;        /* a number (guarded as one) is never nil or a bool */
        IRRef g = ir_emit(r->T, *outcome ? IR_EQV : IR_NEV, IRT_VAL, ra, r->T->ir[rb].a);
        return guard(r, g);
    }
    /* Anything else (strings, instances, a number against an object):
    ** Lox == on the two Values at run time, which is right whatever they
    ** hold then (a VAL ref may hold any type). Constants on both sides
    ** compare now; a number against a constant object is never equal. */
    *outcome = value_equal(va, vb);
    bool ka = ir_is_const(r->T, ra), kb = ir_is_const(r->T, rb);
    if ((ka && kb) || (ka && ref_type(r, rb) != IRT_VAL && !is_number(va)) ||
        (kb && ref_type(r, ra) != IRT_VAL && !is_number(vb)))
        return true;
    return guard(r, ir_emit(r->T, *outcome ? IR_EQVAL : IR_NEVAL, IRT_NONE, ra, rb));
}

/* -- Control flow -------------------------------------------------------- */

/* A side trace ends where its root loops: at the root's own JLOOP word
** (at pc, in the root's frame), from where its tail enters the root. */
static bool side_closes(const Rec *r, uint32_t pc)
{
    return r->T->parent != NULL && r->J->rec.depth == 0 && pc == r->T->loop_pc;
}

/* A side trace that started where its tree's loop had ended (at a
** loop-ending exit, jit/side.c) continues the code around that loop, an
** outer loop's body: it is not confined to the root's loop, and it ends
** at the next compiled loop it reaches (rec_link), its own root's (
** side_closes) or another's. Its side traces continue it likewise. */
static bool roams(const Trace *T)
{
    for (; T->parent != NULL; T = T->parent)
        if (T->parent->snaps[T->exit].leaves)
            return true;
    return false;
}

/* A side trace whose path leaves the loop (the last iteration's path)
** ends there: its last stencil takes an exit that resumes the interpreter
** at pc, after the loop, a loop-ending exit like a root's loop test
** (Trace.link, as rec_link's), rather than aborting every time. Not at
** the first try (side_may_leave): the exit's common path more likely
** stays in the loop, and a side trace recorded on the last iteration
** would send it through a side trace of its own every time. */
static bool side_leave(Rec *r, uint32_t pc)
{
    int s = snap_take(r->J, r->T, pc);
    if (s < 0)
        return FAIL(r, JA_SNAPOV, NULL);
    r->T->snaps[s].leaves = 1;
    r->T->link = s + 1;
    trace_finish(r->J);
    return false;
}

/* A loop that has a trace (its back-edge word is JLOOP, at pc): the trace
** being recorded stops there and links to it. Its link snapshot has
** everything it changed, resuming at that JLOOP word (the instruction
** whose branch reached it, a FOR test or ITERNEXT, is recorded in full
** first: rec_ins). The trace ends by writing that snapshot to the frame
** and jumping to the other trace's entry (Trace.ltarget), whose SLOAD
** guards check the types, as a side trace's tail enters its root; the
** frame is then exactly the interpreter's at that loop's head. While an
** execution budget is set (the target's code may not check it) it exits
** through the snapshot instead, and the interpreter's JLOOP enters the
** target. An outer loop's instructions after its inner loop then run in
** the interpreter, or in a side trace of the inner loop's loop-ending
** exit, which links to the outer trace in turn (jit/side.c). */
static bool rec_link(Rec *r, uint32_t pc)
{
    /* Not from inside an inlined call: rebuilding its frames at every
    ** link costs more than the few instructions around the call save. */
    if (r->J->rec.depth > 0)
        return FAIL(r, JA_INNER, NULL);
    Trace *T = r->T;
    Instr w = T->fn->code[pc];
    uint16_t no = T->fn->hotcounts[INS_A(w)];
    Trace *L = no >= 1 && no <= r->J->ntraces ? r->J->traces[no] : NULL;
    if (L == NULL || L->fn != T->fn || L->loop_pc != pc || L->parent != NULL)
        return FAIL(r, JA_FLOW, NULL);
    int s = snap_take(r->J, T, pc);
    if (s < 0)
        return FAIL(r, JA_SNAPOV, NULL);
    T->snaps[s].leaves = 1;  /* its normal end, not a side exit */
    T->link = s + 1;
    T->ltarget = r->J->vm->budget == 0 ? L : NULL;
    trace_finish(r->J);
    return false;
}

/* A test at r->at decided `taken`: the jump word after it runs or not.
** Sets *next; *closed when the jump is the trace's own back-edge. */
bool rec_branch(Rec *r, bool taken, const Instr **next, bool *closed)
{
    const Instr *code = r->fn->code;
    /* Where the other direction goes: out of the loop makes this guard's
    ** exit the loop's normal end, not a side exit (see jit_run). */
    Instr jw = code[r->at + 1];
    uint32_t other = !taken && INS_OP(jw) == OP_JMP ? (uint32_t)((int64_t)r->at + 2 + INS_SBX(jw))
                   : taken ? r->at + 2 : UINT32_MAX;
    if (r->J->rec.depth == 0 && r->snap >= 0 && other != UINT32_MAX &&
        (other < r->T->start_pc || other > r->T->loop_pc) && !roams(r->T))
        r->T->snaps[r->snap].leaves = 1;
    if (!taken) {
        *next = code + r->at + 2;
        return true;
    }
    Instr j = code[r->at + 1];
    switch (INS_OP(j)) {
    case OP_JMP:
        *next = code + r->at + 2 + INS_SBX(j);
        return true;
    case OP_LOOP:
        if (r->J->rec.depth == 0 && r->at + 1 == r->T->loop_pc) {
            *closed = true;
            return true;
        }
        return FAIL(r, JA_INNER, NULL);
    case OP_JLOOP:
        if (side_closes(r, r->at + 1)) {
            *closed = true;
            return true;
        }
        r->link_at = r->at + 2;
        *next = code + r->at + 1;
        return true;
    default:
        return FAIL(r, JA_INNER, NULL);
    }
}

/* -- One instruction ----------------------------------------------------- */

static IRRef rk_number(Rec *r, Value v) { return constant(r, v); }

/* Recorder.gval: the ref global g is known to hold this iteration, or 0. */
static IRRef global_known(const Recorder *R, uint32_t g)
{
    for (int k = 0; k < R->ngval; k++)
        if (R->gval[k].g == g)
            return R->gval[k].ref;
    return 0;
}

static void global_is(Recorder *R, uint32_t g, IRRef ref)
{
    int k = 0;
    while (k < R->ngval && R->gval[k].g != g)
        k++;
    if (k == JIT_GVALS)
        return;             /* full: later loads of g load */
    if (k == R->ngval)
        R->ngval++;
    R->gval[k].g = g;
    R->gval[k].ref = ref;
}

/* The global slot's value as a typed IR load (a guard for int and num). */
static IRRef typed_load(Rec *r, IROp op, int32_t idx, Value v)
{
    return emit(r, op, type_of(v), idx, 0);
}

static const IROp cmp_of[4] = {IR_LT, IR_LE, IR_GT, IR_GE};

/* An int slot the body reads at the head, does not modify and uses only
** as a double (a loop invariant like `ci` in mandelbrot, which is an int
** in some rows) is loaded as a double instead: its entry guard then
** accepts ints and doubles alike (jit/emit.c, load_tonum), and its CONVs
** go away. */
static void widen_sloads(Trace *T)
{
    for (IRRef x = 1; x < T->nir; x++) {
        IRIns *ins = &T->ir[x];
        /* An inherited SLOAD has its parent's type (rec_start_side). */
        if (ins->op != IR_SLOAD || ins->t != IRT_INT || ir_inherited(ins))
            continue;
        bool only_conv = true;
        for (int b = 0; b < T->nback; b++)
            if (T->back[b].slot == ins->a || T->back[b].val == x)
                only_conv = false;
        for (IRRef u = x + 1; u < T->nir && only_conv; u++) {
            const IRIns *ui = &T->ir[u];
            if ((ir_mode_a[ui->op] == IRM_R && ui->a == x && ui->op != IR_CONV) ||
                (ir_mode_b[ui->op] == IRM_R && ui->b == x) ||
                (ui->op == IR_ISTORE && ui->c == x))
                only_conv = false;
        }
        if (!only_conv)
            continue;
        ins->t = IRT_NUM;
        for (IRRef c = x + 1; c < T->nir; c++) {
            if (T->ir[c].op != IR_CONV || T->ir[c].a != x)
                continue;
            /* Every use of the CONV now uses x; the CONV is left dead. */
            for (IRRef u = c + 1; u < T->nir; u++) {
                IRIns *ui = &T->ir[u];
                if (ir_mode_a[ui->op] == IRM_R && ui->a == c)
                    ui->a = x;
                if (ir_mode_b[ui->op] == IRM_R && ui->b == c)
                    ui->b = x;
            }
            for (int k = 0; k < T->nsmap; k++)
                if (T->smap[k].ref == c)
                    T->smap[k].ref = (uint16_t)x;
            for (int b = 0; b < T->nback; b++)
                if (T->back[b].val == c)
                    T->back[b].val = x;
        }
    }
}

/* The back-edge: collect the modified slots, check that every slot the
** body read at the head comes back with the type it had. A side trace
** (jit/side.c) carries nothing around a loop: its tail stores what it
** modified and enters its root, whose entry guards check the types. */
/* A global whose first access in the body is a GLOAD holds there what it
** held at the loop head (only the trace writes globals while it runs:
** Recorder.gval), so like an SLOAD it is loaded once by the entry (b = 1,
** guarded by exit 0, the entry's) and the body's last store to it (the
** recorder's last ref for it) goes back into its place at the back-edge
** (Trace.gback, jit/emit.c), unless that has another type: then it stays
** a load in the body. Of a root that loops only. */
static void head_globals(const Recorder *R, Trace *T)
{
    int n = 0;
    for (IRRef x = 1; x < T->nir; x++)
        n += T->ir[x].op == IR_GLOAD;
    if (n == 0)
        return;
    T->gback = calloc((size_t)n, sizeof(GlobalLoop));
    if (T->gback == NULL)
        abort();
    for (IRRef x = 1; x < T->nir; x++) {
        IRIns *ins = &T->ir[x];
        if (ins->op != IR_GLOAD)
            continue;
        bool first = true;
        for (IRRef y = 1; y < x && first; y++)
            first = !((T->ir[y].op == IR_GLOAD || T->ir[y].op == IR_GSTORE) &&
                      T->ir[y].a == ins->a);
        IRRef last = global_known(R, (uint32_t)ins->a);
        if (!first || last == 0 || (last != x && T->ir[last].t != ins->t))
            continue;
        ins->b = 1;
        if (ins->snap != IR_NOSNAP)
            ins->snap = 0;      /* its type guard: the entry's */
        if (last != x) {
            T->gback[T->ngback].load = x;
            T->gback[T->ngback].val = last;
            T->ngback++;
        }
    }
}

static bool close_loop(Rec *r)
{
    Recorder *R = &r->J->rec;
    Trace *T = r->T;
    bool side = T->parent != NULL;
    int n = 0;
    for (int s = 0; s < JIT_MAXSLOT; s++)
        n += R->modified[s];
    T->back = calloc((size_t)(n ? n : 1), sizeof(LoopSlot));
    if (T->back == NULL)
        abort();
    for (int s = 0; s < JIT_MAXSLOT; s++) {
        if (!R->modified[s])
            continue;
        LoopSlot *ls = &T->back[T->nback++];
        ls->slot = (uint16_t)s;
        ls->val = R->slot[s];
        ls->sload = side ? 0 : R->sload[s];
        if (ls->sload != 0 && T->ir[ls->sload].t != T->ir[ls->val].t)
            return FAIL(r, JA_UNSTABLE, NULL);
    }
    widen_sloads(T);
    if (!side)
        head_globals(R, T);
    trace_finish(r->J);
    return false;
}

bool rec_ins(JitState *J, const Instr *pc)
{
    VM *vm = J->vm;
    Trace *T = J->cur;
    if (!vm->jit_opts.on)
        return FAIL(&(Rec){.J = J}, JA_OFF, NULL);
    CallFrame *f = &vm->frames[vm->frame_count - 1];
    Recorder *R = &J->rec;
    RecFrame *top = &R->fr[R->depth];
    ObjFunction *cur = R->depth > 0 ? top->cl->fn : T->fn;
    /* INVARIANT(rec-follows): the recorder is called for exactly the
    ** instructions it predicted, in the frame it predicted: the one it
    ** started in or the inlined call it is in. */
    if (vm->frame_count - 1 != R->frame + R->depth || pc != R->next || f->closure->fn != cur ||
        (R->depth > 0 && f->closure != top->cl))
        return FAIL(&(Rec){.J = J}, JA_FLOW, NULL);
    Rec rr = {J, T, vm->stack + f->base, f->consts, (uint32_t)(pc - cur->code), -1, cur,
              R->depth > 0 ? top->base : 0, 0, 0, {0}, {0}};
    Rec *r = &rr;
    J->rec.at = r->at;
    J->rec.at_fn = cur;
    /* A native's result, now in its slot: typed here, with a snapshot
    ** after the call (an exit must not call it again). */
    if (R->pending) {
        int g = R->pending - 1;
        R->pending = 0;
        Value v = vm->stack[vm->frames[R->frame].base + (uint32_t)g];
        if (is_number(v)) {
            IRRef u = emit(r, IR_UNBOX, is_int(v) ? IRT_INT : IRT_NUM, R->slot[g], 0);
            if (!u)
                return false;
            R->slot[g] = u;
        }
    }
    Instr i = *pc;
    const Instr *next = pc + 1;
    bool closed = false;
    IRRef x;
    if (!rec_alias_begin(r))
        return false;

    switch (INS_OP(i)) {
    /* -- Loads and moves -- */
    case OP_MOV:
        set_slot(r, INS_A(i), get_slot(r, INS_B(i)));
        break;
    case OP_LOADK:
        set_slot(r, INS_A(i), constant(r, r->K[INS_BX(i)]));
        break;
    case OP_LOADI:
        set_slot(r, INS_A(i), ir_kint(T, INS_SBX(i)));
        break;
    case OP_LOADNIL:
        for (uint32_t s = INS_A(i); s <= INS_A(i) + INS_B(i); s++)
            set_slot(r, (int)s, ir_kval(T, NIL_VAL));
        break;
    case OP_LOADBOOL:
        set_slot(r, INS_A(i), ir_kval(T, INS_B(i) ? TRUE_VAL : FALSE_VAL));
        if (INS_C(i))
            next++;
        break;

    /* -- Variables -- */
    case OP_GETGLOBAL: {
        Value v = vm->globals[INS_BX(i)];
        if (v == UNDEF_VAL)
            return FAIL(r, JA_UNDEF, NULL);
        x = global_known(R, INS_BX(i));
        if (x == 0 || T->ir[x].t != type_of(v)) {
            if (!(x = typed_load(r, IR_GLOAD, (int32_t)INS_BX(i), v)))
                return false;
            global_is(R, INS_BX(i), x);
        }
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_SETGLOBAL:
        if (vm->globals[INS_BX(i)] == UNDEF_VAL)
            return FAIL(r, JA_UNDEF, NULL);
        x = get_slot(r, INS_A(i));
        emit(r, IR_GSTORE, IRT_NONE, (int32_t)INS_BX(i), x);
        global_is(R, INS_BX(i), x);
        break;
    case OP_GETUPVAL: {
        Value v = *f->closure->upvals[INS_B(i)]->location;
        int g = alias_slot(r, f->closure->upvals[INS_B(i)]);
        if (g >= 0) {
            /* A slot of the trace's frames: its value (INVARIANT(alias)). */
            set_slot(r, INS_A(i), get_slot(r, g - (int)r->off));
            break;
        }
        if (R->depth > 0 && top->fresh) {
            /* A closure the trace made: through the closure (CULOAD). */
            x = emit(r, IR_CULOAD, type_of(v), R->slot[top->base], (IRRef)INS_B(i));
            if (!x)
                return false;
            set_slot(r, INS_A(i), x);
            break;
        }
        if (R->depth > 0) {
            /* An inlined closure is a constant (guarded at its call), so
            ** its upvalue objects are too: load through their location. */
            int32_t k = ir_kraw(T, (uint64_t)(uintptr_t)&f->closure->upvals[INS_B(i)]->location);
            if (!(x = typed_load(r, IR_XLOAD, k, v)))
                return false;
            set_slot(r, INS_A(i), x);
            break;
        }
        /* The stencils find the closure in register 0, which a method's
        ** frame uses for `this` instead. */
        if (r->base[0] != obj_val(f->closure))
            return FAIL(r, JA_NYIBC, "GETUPVAL in a method");
        if (!(x = typed_load(r, IR_ULOAD, (int32_t)INS_B(i), v)))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_SETUPVAL:
        if (R->depth > 0 && top->fresh)
            return FAIL(r, JA_NYIBC, "SETUPVAL in a closure the trace made");
        if (R->depth > 0) {
            int32_t k = ir_kraw(T, (uint64_t)(uintptr_t)&f->closure->upvals[INS_B(i)]->location);
            int g = alias_slot(r, f->closure->upvals[INS_B(i)]);
            emit(r, IR_XSTORE, IRT_NONE, k, get_slot(r, INS_A(i)));
            if (g >= 0)
                alias_store(r, g, get_slot(r, INS_A(i)));   /* INVARIANT(alias) */
            break;
        }
        if (r->base[0] != obj_val(f->closure))
            return FAIL(r, JA_NYIBC, "SETUPVAL in a method");
        emit(r, IR_USTORE, IRT_NONE, (int32_t)INS_B(i), get_slot(r, INS_A(i)));
        break;

    /* -- Arithmetic -- */
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: {
        IROp op = (IROp)(IR_ADD + (INS_OP(i) - OP_ADD));
        if (INS_OP(i) == OP_ADD && is_obj_type(r->base[INS_B(i)], OBJ_STRING) &&
            is_obj_type(r->base[INS_C(i)], OBJ_STRING)) {
            if (!rec_op(r, i, true))
                return false;
            break;
        }
        IRRef a = get_slot(r, INS_B(i)), b = get_slot(r, INS_C(i));
        if (!(x = rec_arith(r, op, a, r->base[INS_B(i)], b, r->base[INS_C(i)], op_names[INS_OP(i)])))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_ADDK: case OP_SUBK: case OP_MULK: case OP_DIVK: case OP_MODK: {
        IROp op = (IROp)(IR_ADD + (INS_OP(i) - OP_ADDK));
        if (INS_OP(i) == OP_ADDK && is_obj_type(r->base[INS_B(i)], OBJ_STRING) &&
            is_obj_type(r->K[INS_C(i)], OBJ_STRING)) {
            if (!rec_op(r, i, true))
                return false;
            break;
        }
        Value vk = r->K[INS_C(i)];
        IRRef a = get_slot(r, INS_B(i));
        if (!(x = rec_arith(r, op, a, r->base[INS_B(i)], rk_number(r, vk), vk, op_names[INS_OP(i)])))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_ADDI: {
        IRRef a = get_slot(r, INS_B(i));
        Value vk = int_val(INS_SC(i));
        if (!(x = rec_arith(r, IR_ADD, a, r->base[INS_B(i)], constant(r, vk), vk, "ADDI")))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_NEG: {
        Value v = r->base[INS_B(i)];
        IRRef a = get_slot(r, INS_B(i));
        if (!is_number(v))
            return FAIL(r, JA_NYITYPE, "NEG");
        if (is_int(v) && as_int(v) != 0 && as_int(v) != INT32_MIN)
            x = emit(r, IR_NEG, IRT_INT, a, 0);
        else
            x = emit(r, IR_NEG, IRT_NUM, to_num(r, a), 0);
        if (!x)
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_NOT: {
        IRRef a = get_slot(r, INS_B(i));
        if (ref_type(r, a) != IRT_VAL)
            x = ir_kval(T, FALSE_VAL);      /* numbers are truthy */
        else
            x = emit(r, IR_NOT, IRT_VAL, a, 0);
        set_slot(r, INS_A(i), x);
        break;
    }

    /* -- Jumps and tests -- */
    case OP_JMP:
        next = pc + 1 + INS_SBX(i);
        break;
    case OP_TEST: {
        IRRef a = get_slot(r, INS_A(i));
        bool truthy = !is_falsey(r->base[INS_A(i)]);
        if (ref_type(r, a) == IRT_VAL && !guard(r, ir_emit(T, truthy ? IR_TRUTHY : IR_FALSEY,
                                                           IRT_VAL, a, 0)))
            return false;
        if (!rec_branch(r, truthy == (bool)INS_C(i), &next, &closed))
            return false;
        break;
    }
    case OP_JLT: case OP_JLE: {
        bool res;
        IROp cmp = INS_OP(i) == OP_JLT ? IR_LT : IR_LE;
        if (!rec_compare(r, cmp, get_slot(r, INS_A(i)), r->base[INS_A(i)], get_slot(r, INS_B(i)),
                         r->base[INS_B(i)], &res) ||
            !rec_branch(r, res == (bool)INS_C(i), &next, &closed))
            return false;
        break;
    }
    case OP_JLTK: case OP_JLEK: case OP_JGTK: case OP_JGEK: {
        bool res;
        Value vk = r->K[INS_B(i)];
        if (!rec_compare(r, cmp_of[INS_OP(i) - OP_JLTK], get_slot(r, INS_A(i)), r->base[INS_A(i)],
                         constant(r, vk), vk, &res) ||
            !rec_branch(r, res == (bool)INS_C(i), &next, &closed))
            return false;
        break;
    }
    case OP_JEQ: case OP_JEQK: {
        bool res;
        Value vb = INS_OP(i) == OP_JEQ ? r->base[INS_B(i)] : r->K[INS_B(i)];
        IRRef b = INS_OP(i) == OP_JEQ ? get_slot(r, INS_B(i)) : constant(r, vb);
        if (!rec_equal(r, get_slot(r, INS_A(i)), r->base[INS_A(i)], b, vb, &res) ||
            !rec_branch(r, res == (bool)INS_C(i), &next, &closed))
            return false;
        break;
    }
    case OP_FORLT: case OP_FORLE: case OP_FORGT: case OP_FORGE:
    case OP_FORLTK: case OP_FORLEK: case OP_FORGTK: case OP_FORGEK: {
        int k = INS_OP(i) - OP_FORLT;
        bool lim_k = k >= 4;
        Value vv = r->base[INS_A(i)];
        Value vl = lim_k ? r->K[INS_B(i)] : r->base[INS_B(i)];
        int32_t st = INS_FORSTEP(i);
        if (!is_number(vv) || !is_number(vl))
            return FAIL(r, JA_NYITYPE, op_names[INS_OP(i)]);
        IRRef a = get_slot(r, INS_A(i));
        IRRef l = lim_k ? constant(r, vl) : get_slot(r, INS_B(i));
        Value nv;
        if (is_int(vv) && is_int(vl) && int_result_ok(IR_ADD, as_int(vv), st)) {
            x = emit(r, IR_ADD, IRT_INT, a, ir_kint(T, st));
            nv = int_val(as_int(vv) + st);
        } else {
            x = emit(r, IR_ADD, IRT_NUM, to_num(r, a), ir_knum(T, st));
            nv = double_val(as_num(vv) + st);
        }
        if (!x)
            return false;
        /* Staying in the loop, the test exits where the loop's end goes
        ** (past the jump word) with the counter stepped, as the interpreter
        ** leaves it there: the old counter then dies at the step (its
        ** register can take the new one) instead of living to the test. */
        double fv = as_num(nv), fl = as_num(vl);
        int c = k & 3;
        if (c == 0 ? fv < fl : c == 1 ? fv <= fl : c == 2 ? fv > fl : fv >= fl) {
            set_slot(r, INS_A(i), x);
            if ((r->snap = snap_take(r->J, T, r->at + 2)) < 0)
                return FAIL(r, JA_SNAPOV, NULL);
        }
        bool res;
        if (!rec_compare(r, cmp_of[c], x, nv, l, vl, &res) || !rec_branch(r, res, &next, &closed))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }

    /* -- Calls -- */
    case OP_CALL:
        if (!rec_call(r, i, &next))
            return false;
        break;
    case OP_INVOKE:
        if (!rec_invoke(r, i, &next))
            return false;
        break;
    case OP_SUPERINVOKE:
        if (!rec_superinvoke(r, i, &next))
            return false;
        break;
    case OP_RET: case OP_RETNIL:
        if (!rec_return(r, i, &next))
            return false;
        break;

    /* -- Fields and items -- */
    case OP_GETFIELD: {
        Value o = r->base[INS_B(i)], v;
        ObjString *name = AS_STRING(r->K[INS_C(i)]);
        if (!is_obj_type(o, OBJ_INSTANCE))
            return FAIL(r, JA_NYITYPE, "GETFIELD");
        if (!tab_get(&AS_INSTANCE(o)->fields, name, &v)) {
            /* A method, bound to the instance: allocated in C. */
            if (!tab_get(&AS_INSTANCE(o)->klass->methods, name, &v))
                return FAIL(r, JA_NYITYPE, "GETFIELD");
            if (!rec_op(r, i, true))
                return false;
            break;
        }
        /* At the entry it has now: INVARIANT(field-hint), record_int.h. */
        int32_t kc = rec_field_k(r, &AS_INSTANCE(o)->fields, name);
        if (kc < 0)
            return FAIL(r, JA_NYITYPE, "GETFIELD");
        IRRef g = ir_emit(T, IR_FLOAD, IRT_VAL, get_slot(r, INS_B(i)), 0);
        T->ir[g].c = kc;
        if (!guard(r, g) || !(x = typed_value(r, g, v)))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_SETFIELD: {
        Value o = r->base[INS_A(i)], v;
        ObjString *name = AS_STRING(r->K[INS_B(i)]);
        if (!is_obj_type(o, OBJ_INSTANCE))
            return FAIL(r, JA_NYITYPE, "SETFIELD");
        const Table *ft = &AS_INSTANCE(o)->fields;
        bool have = tab_get(ft, name, &v);
        /* A new field: added in the trace while the table has room (the
        ** same for every instance that gets its fields in the same order,
        ** as in a constructor). The first one gets the table its entries
        ** (FTAB, then FADD); one that grows the table is left to C. */
        if (!have && ft->entries != NULL &&
            ((uint64_t)ft->count + 1) * 4 > ((uint64_t)ft->mask + 1) * 3) {
            if (!rec_op(r, i, false))
                return false;
            break;
        }
        IRRef or = get_slot(r, INS_A(i));
        if (!have && ft->entries == NULL &&
            !guard(r, ir_emit(T, IR_FTAB, IRT_NONE, NCALL_OP, or)))
            return false;
        int32_t kc = have ? rec_field_k(r, ft, name) : ir_kraw(T, (uint64_t)(uintptr_t)name);
        if (kc < 0)
            return FAIL(r, JA_NYITYPE, "SETFIELD");
        IRRef g = ir_emit(T, have ? IR_FSTORE : IR_FADD, IRT_NONE, or, get_slot(r, INS_C(i)));
        T->ir[g].c = kc;
        if (!guard(r, g))
            return false;
        break;
    }
    case OP_PRINT:
        if (!rec_op(r, i, false))
            return false;
        break;
    case OP_CLOSURE:
        if (!rec_closure(r, i))
            return false;
        break;
    case OP_CLOSE:
        /* Nothing open there: nothing to do (the trace opens the same
        ** upvalues as the recorder saw). */
        if (alias_above(r, (int)r->off + (int)INS_A(i)) &&
            !emit(r, IR_UCLOSE, IRT_NONE, NCALL_OP, (IRRef)(r->off + INS_A(i))))
            return false;
        break;
    case OP_GETINDEX: {
        Value o = r->base[INS_B(i)], idx = r->base[INS_C(i)];
        if (is_obj_type(o, OBJ_MAP)) {
            Value v;
            IRRef e;
            if (!map_has_key(o, idx, &v)) {
                if (!rec_op(r, i, true))
                    return false;
                break;
            }
            if (!(e = map_entry(r, get_slot(r, INS_B(i)), get_slot(r, INS_C(i)), true)) ||
                !(x = typed_value(r, ir_emit(T, IR_MVAL, IRT_VAL, e, 0), v)))
                return false;
            set_slot(r, INS_A(i), x);
            break;
        }
        if (!is_obj_type(o, OBJ_LIST) || !is_int(idx) ||
            (uint32_t)as_int(idx) >= AS_LIST(o)->count)
            return FAIL(r, JA_NYITYPE, "GETINDEX");
        Value v = AS_LIST(o)->items[as_int(idx)];
        IRRef g = emit(r, IR_ILOAD, IRT_VAL, get_slot(r, INS_B(i)), get_slot(r, INS_C(i)));
        if (!g || !(x = typed_value(r, g, v)))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_SETINDEX: {
        Value o = r->base[INS_A(i)], idx = r->base[INS_B(i)], v;
        if (is_obj_type(o, OBJ_MAP)) {
            /* A key already there is set in the trace; a new one allocates
            ** (in C). */
            IRRef e;
            if (!map_has_key(o, idx, &v)) {
                if (!rec_op(r, i, false))
                    return false;
                break;
            }
            if (!(e = map_entry(r, get_slot(r, INS_A(i)), get_slot(r, INS_B(i)), true)))
                return false;
            ir_emit(T, IR_MSETV, IRT_NONE, e, get_slot(r, INS_C(i)));
            break;
        }
        if (!is_obj_type(o, OBJ_LIST) || !is_int(idx) ||
            (uint32_t)as_int(idx) >= AS_LIST(o)->count)
            return FAIL(r, JA_NYITYPE, "SETINDEX");
        IRRef lr = get_slot(r, INS_A(i)), ir = get_slot(r, INS_B(i)), vr = get_slot(r, INS_C(i));
        IRRef g = ir_emit(T, IR_ISTORE, IRT_NONE, lr, ir);
        T->ir[g].c = vr;
        if (!guard(r, g))
            return false;
        break;
    }

    /* -- for-in (rec_iterprep, rec_iternext) -- */
    case OP_ITERPREP:
        if (!rec_iterprep(r, i))
            return false;
        break;
    case OP_ITERNEXT:
        if (!rec_iternext(r, i, &next, &closed))
            return false;
        break;

    /* -- The loop family -- */
    case OP_LOOP:
        if (R->depth == 0 && r->at == T->loop_pc) {
            closed = true;
            break;
        }
        return FAIL(r, JA_INNER, NULL);
    case OP_JLOOP:
        if (J->phase != JS_RECORDING)
            return false;
        if (side_closes(r, r->at)) {
            closed = true;
            break;
        }
        return rec_link(r, r->at);
    case OP_ILOOP:
        return FAIL(r, JA_INNER, NULL);

    default:
        return FAIL(r, JA_NYIBC, op_names[INS_OP(i)]);
    }

    if (J->phase != JS_RECORDING)
        return false;           /* a guard's snapshot aborted */
    if (INS_OP(i) != OP_CLOSE && INS_OP(i) != OP_RET && INS_OP(i) != OP_RETNIL &&
        !rec_alias_end(r))
        return false;           /* INVARIANT(alias) */
    if (T->nir > jit_param(J, PARAM_maxrecord))
        return FAIL(r, JA_TRACEOV, NULL);
    if (closed)
        return close_loop(r);
    if (r->link_at)
        return rec_link(r, r->link_at - 1);
    uint32_t n = (uint32_t)(next - T->fn->code);
    if (R->depth == 0 && (n < T->start_pc || n > T->loop_pc) && !roams(T))
        return T->parent != NULL && side_may_leave(T) ? side_leave(r, n)
                                                      : FAIL(r, JA_LEAVE, NULL);
    J->rec.next = next;
    return true;
}

/* -- Starting ------------------------------------------------------------ */

/* A side trace starts where exit T->exit of its parent left the
** interpreter, with the inlined frames that snapshot pushed: the recorder
** takes them as calls it entered itself, so returning from them records
** as usual. No slot is mapped: each is read from the frame (an SLOAD),
** where the side trace's prologue wrote the exit's values (jit/emit.c). */
static void rec_start_side(JitState *J, Trace *T)
{
    const Trace *P = T->parent;
    const Snapshot *sn = &P->snaps[T->exit];
    Recorder *R = &J->rec;
    ObjFunction *fn = T->fn;
    R->depth = sn->nframe;
    R->frame = J->vm->frame_count - 1 - (int)sn->nframe;
    for (int d = 1; d <= R->depth; d++) {
        const SnapFrame *sf = &P->sframes[sn->fstart + (uint32_t)d - 1];
        R->fr[d].cl = AS_CLOSURE(sf->closure);
        R->fr[d].base = sf->base;
        R->fr[d].ret_pc = sf->ret_pc;
        R->fr[d].fresh = sf->fresh;
        ir_kval(T, sf->closure);    /* the trace keeps it alive (GC) */
        fn = R->fr[d].cl->fn;
    }
    R->next = fn->code + sn->pc;
    R->at = sn->pc;
    R->at_fn = fn;
    /* The parent's values at the exit, inherited: each slot its snapshot
    ** lists holds the same constant here, or an inherited SLOAD (b = 1,
    ** no guard: of the parent's IR type, which is the boxed value's type
    ** there) that the side entry moves from the parent's place. The slots
    ** count as modified, so every snapshot of the side trace and its tail
    ** write them: the frame never needs the parent's values (jit/emit.c,
    ** emit_side_entry). Snapshot 0 lists them too: the entry's guards
    ** (the other SLOADs) run after the moves, so an exit 0 finds them in
    ** their homes. A VAL that holds a number now gets its type guarded
    ** through snapshot 0 (the recorder types numbers by their refs). */
    IRRef unbox[JIT_MAXSLOT];
    int nunbox = 0;
    for (uint32_t k = sn->start; k < sn->start + sn->n; k++) {
        uint32_t s = P->smap[k].slot;
        IRRef p = P->smap[k].ref;
        IRRef x;
        if (ir_is_const(P, p)) {
            Value v = ir_kvalue(P, p);
            x = is_int(v) ? ir_kint(T, as_int(v)) : is_double(v) ? ir_knum(T, as_double(v))
                                                              : ir_kval(T, v);
        } else {
            x = ir_emit(T, IR_SLOAD, (IRType)P->ir[p].t, (int32_t)s, IR_SLOAD_INHERIT);
            Value now = J->vm->stack[J->vm->frames[R->frame].base + s];
            if (P->ir[p].t == IRT_VAL && is_number(now))
                unbox[nunbox++] = (IRRef)s;
        }
        R->slot[s] = x;
        R->sload[s] = x;
        R->modified[s] = 1;
    }
    /* Snapshot 0: the entry, with the frames and the inherited values. */
    snap_take(J, T, sn->pc);
    for (int u = 0; u < nunbox; u++) {
        uint32_t s = (uint32_t)unbox[u];
        Value now = J->vm->stack[J->vm->frames[R->frame].base + s];
        IRRef x = ir_emit(T, IR_UNBOX, is_int(now) ? IRT_INT : IRT_NUM, R->slot[s], 0);
        T->ir[x].snap = 0;
        R->slot[s] = x;
    }
}

void rec_start(JitState *J, Trace *T)
{
    memset(&J->rec, 0, sizeof J->rec);
    if (T->parent != NULL) {
        ir_emit(T, IR_KVAL, IRT_NONE, 0, 0);    /* ref 0: "no ref" */
        T->nk = 0;
        rec_start_side(J, T);
        return;
    }
    J->rec.frame = J->vm->frame_count - 1;
    J->rec.next = T->fn->code + T->start_pc;
    J->rec.at = T->start_pc;
    J->rec.at_fn = T->fn;
    ir_emit(T, IR_KVAL, IRT_NONE, 0, 0);    /* ref 0: "no ref" */
    T->nk = 0;
    /* Snapshot 0: the entry. Its guards exit before anything changed. */
    snap_take(J, T, T->start_pc);
}
