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
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jit/trace.h"

/* The state of the instruction being recorded. */
typedef struct {
    JitState *J;
    Trace *T;
    Value *base;
    Value *K;
    uint32_t at;        /* pc of the instruction, an index in fn->code */
    int snap;           /* its snapshot, once taken */
} Rec;

#define FAIL(r, why, detail) (trace_abort((r)->J, (why), (detail)), false)

/* -- Slots, guards, constants ------------------------------------------- */

static IRType type_of(Value v)
{
    return is_int(v) ? IRT_INT : is_double(v) ? IRT_NUM : IRT_VAL;
}

/* The IR value of frame slot s: an SLOAD typed by what it holds now (a
** guard at the trace's entry, exit 0) the first time it is read. */
static IRRef get_slot(Rec *r, int s)
{
    Recorder *R = &r->J->rec;
    if (R->slot[s] != 0)
        return R->slot[s];
    IRType t = type_of(r->base[s]);
    IRRef ref = ir_emit(r->T, IR_SLOAD, t, s, 0);
    if (ir_can_exit(IR_SLOAD, t))
        r->T->ir[ref].snap = 0;
    R->slot[s] = ref;
    R->sload[s] = ref;
    return ref;
}

static void set_slot(Rec *r, int s, IRRef ref)
{
    r->J->rec.slot[s] = ref;
    r->J->rec.modified[s] = 1;
}

/* Make ref a guard with this instruction's snapshot. */
static bool guard(Rec *r, IRRef ref)
{
    if (r->snap < 0) {
        r->snap = snap_take(r->J, r->T, r->at);
        if (r->snap < 0)
            return FAIL(r, JA_SNAPOV, NULL);
    }
    r->T->ir[ref].snap = (uint16_t)r->snap;
    return true;
}

/* Emit an instruction, as a guard when it can exit. 0 on abort. */
static IRRef emit(Rec *r, IROp op, IRType t, IRRef a, IRRef b)
{
    IRRef ref = ir_emit(r->T, op, t, a, b);
    if (ir_can_exit(op, t) && !guard(r, ref))
        return 0;
    return ref;
}

static IRRef constant(Rec *r, Value v)
{
    if (is_int(v))
        return ir_kint(r->T, as_int(v));
    if (is_double(v))
        return ir_knum(r->T, as_double(v));
    return ir_kval(r->T, v);
}

static IRType ref_type(const Rec *r, IRRef ref)
{
    return (IRType)r->T->ir[ref].t;
}

/* ref (an int or a double) as a double. */
static IRRef to_num(Rec *r, IRRef ref)
{
    if (ref_type(r, ref) == IRT_NUM)
        return ref;
    if (r->T->ir[ref].op == IR_KINT)
        return ir_knum(r->T, (double)r->T->ir[ref].a);
    return ir_emit(r->T, IR_CONV, IRT_NUM, ref, 0);
}

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
    double x = as_num(va), y = as_num(vb), res;
    if (op == IR_DIV) {
        res = x / y;
    } else {
        res = fmod(x, y);
        if (res != 0 && (res < 0) != (y < 0))
            res += y;
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
    if (is_int(va) && is_int(vb)) {
        if (!int_result_ok(op, as_int(va), as_int(vb)))
            return FAIL(r, JA_OVERFLOW, name);
        return emit(r, op, IRT_INT, ra, rb);
    }
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
    return FAIL(r, JA_NYITYPE, "==");
}

/* -- Control flow -------------------------------------------------------- */

/* A test at r->at decided `taken`: the jump word after it runs or not.
** Sets *next; *closed when the jump is the trace's own back-edge. */
static bool rec_branch(Rec *r, bool taken, const Instr **next, bool *closed)
{
    const Instr *code = r->T->fn->code;
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
        if (r->at + 1 == r->T->loop_pc) {
            *closed = true;
            return true;
        }
        return FAIL(r, JA_INNER, NULL);
    default:
        return FAIL(r, JA_INNER, NULL);
    }
}

/* -- One instruction ----------------------------------------------------- */

static IRRef rk_number(Rec *r, Value v) { return constant(r, v); }

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
        if (ins->op != IR_SLOAD || ins->t != IRT_INT)
            continue;
        bool only_conv = true;
        for (int b = 0; b < T->nback; b++)
            if (T->back[b].slot == ins->a || T->back[b].val == x)
                only_conv = false;
        for (IRRef u = x + 1; u < T->nir && only_conv; u++) {
            const IRIns *ui = &T->ir[u];
            if ((ir_mode_a[ui->op] == IRM_R && ui->a == x && ui->op != IR_CONV) ||
                (ir_mode_b[ui->op] == IRM_R && ui->b == x))
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
** body read at the head comes back with the type it had. */
static bool close_loop(Rec *r)
{
    Recorder *R = &r->J->rec;
    Trace *T = r->T;
    int n = 0;
    for (int s = 0; s < LX_MAX_REGS; s++)
        n += R->modified[s];
    T->back = calloc((size_t)(n ? n : 1), sizeof(LoopSlot));
    if (T->back == NULL)
        abort();
    for (int s = 0; s < LX_MAX_REGS; s++) {
        if (!R->modified[s])
            continue;
        LoopSlot *ls = &T->back[T->nback++];
        ls->slot = (uint16_t)s;
        ls->val = R->slot[s];
        ls->sload = R->sload[s];
        if (ls->sload != 0 && T->ir[ls->sload].t != T->ir[ls->val].t)
            return FAIL(r, JA_UNSTABLE, NULL);
    }
    widen_sloads(T);
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
    /* INVARIANT(rec-follows): the recorder is called for exactly the
    ** instructions it predicted, in the frame it started in. */
    if (vm->frame_count - 1 != J->rec.frame || pc != J->rec.next || f->closure->fn != T->fn)
        return FAIL(&(Rec){.J = J}, JA_FLOW, NULL);
    Rec rr = {J, T, vm->stack + f->base, f->consts, (uint32_t)(pc - T->fn->code), -1};
    Rec *r = &rr;
    J->rec.at = r->at;
    Instr i = *pc;
    const Instr *next = pc + 1;
    bool closed = false;
    IRRef x;

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
        if (!(x = typed_load(r, IR_GLOAD, (int32_t)INS_BX(i), v)))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_SETGLOBAL:
        if (vm->globals[INS_BX(i)] == UNDEF_VAL)
            return FAIL(r, JA_UNDEF, NULL);
        emit(r, IR_GSTORE, IRT_NONE, (int32_t)INS_BX(i), get_slot(r, INS_A(i)));
        break;
    case OP_GETUPVAL: {
        /* The stencils find the closure in register 0, which a method's
        ** frame uses for `this` instead. */
        if (r->base[0] != obj_val(f->closure))
            return FAIL(r, JA_NYIBC, "GETUPVAL in a method");
        Value v = *f->closure->upvals[INS_B(i)]->location;
        if (!(x = typed_load(r, IR_ULOAD, (int32_t)INS_B(i), v)))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_SETUPVAL:
        if (r->base[0] != obj_val(f->closure))
            return FAIL(r, JA_NYIBC, "SETUPVAL in a method");
        emit(r, IR_USTORE, IRT_NONE, (int32_t)INS_B(i), get_slot(r, INS_A(i)));
        break;

    /* -- Arithmetic -- */
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: {
        IROp op = (IROp)(IR_ADD + (INS_OP(i) - OP_ADD));
        IRRef a = get_slot(r, INS_B(i)), b = get_slot(r, INS_C(i));
        if (!(x = rec_arith(r, op, a, r->base[INS_B(i)], b, r->base[INS_C(i)], op_names[INS_OP(i)])))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }
    case OP_ADDK: case OP_SUBK: case OP_MULK: case OP_DIVK: case OP_MODK: {
        IROp op = (IROp)(IR_ADD + (INS_OP(i) - OP_ADDK));
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
        bool res;
        if (!x || !rec_compare(r, cmp_of[k & 3], x, nv, l, vl, &res) ||
            !rec_branch(r, res, &next, &closed))
            return false;
        set_slot(r, INS_A(i), x);
        break;
    }

    /* -- The loop family -- */
    case OP_LOOP:
        if (r->at == T->loop_pc) {
            closed = true;
            break;
        }
        return FAIL(r, JA_INNER, NULL);
    case OP_ILOOP: case OP_JLOOP:
        return FAIL(r, JA_INNER, NULL);

    default:
        return FAIL(r, JA_NYIBC, op_names[INS_OP(i)]);
    }

    if (J->phase != JS_RECORDING)
        return false;           /* a guard's snapshot aborted */
    if (T->nir > jit_param(J, PARAM_maxrecord))
        return FAIL(r, JA_TRACEOV, NULL);
    if (closed)
        return close_loop(r);
    uint32_t n = (uint32_t)(next - T->fn->code);
    if (n < T->start_pc || n > T->loop_pc)
        return FAIL(r, JA_LEAVE, NULL);
    J->rec.next = next;
    return true;
}

/* -- Starting ------------------------------------------------------------ */

void rec_start(JitState *J, Trace *T)
{
    memset(&J->rec, 0, sizeof J->rec);
    J->rec.frame = J->vm->frame_count - 1;
    J->rec.next = T->fn->code + T->start_pc;
    J->rec.at = T->start_pc;
    ir_emit(T, IR_KVAL, IRT_NONE, 0, 0);    /* ref 0: "no ref" */
    T->nk = 0;
    /* Snapshot 0: the entry. Its guards exit before anything changed. */
    snap_take(J, T, T->start_pc);
}
