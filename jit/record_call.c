/* record_call.c -- the recorder's calls: CALL of a closure (inlined), of
** a native (IR_NCALL), of a class (allocation, then init inlined) and of a
** bound method; INVOKE and SUPERINVOKE; entering an inlined frame and
** RET / RETNIL leaving it; and rec_op, an instruction left to C. rec_ins
** (jit/record.c) dispatches here; the shared helpers are in
** jit/record_int.h.
*/
#include <string.h>

#include "jit/record_int.h"

/* -- Calls ---------------------------------------------------------------- */

/* CALL of a Lox closure: inlined. The callee is guarded by identity (a
** redefined function fails the guard), its frame's slots are mapped
** (arguments are the caller's slots above A, the rest start nil) and the
** recorder follows the interpreter into it. Snapshots taken inside list
** the frame (snap.c), so an exit rebuilds it. */
static bool rec_enter(Rec *r, Instr i, ObjClosure *cl, bool method, const Instr **next);

/* A native called from the trace (IR_NCALL, jit/exit.c): not one that
** may call back into Lox (sort's comparator, ffi's callbacks), which could
** move the stack under the trace or run another trace. The result's type
** is only known once it ran: the next instruction types it (pending). */
static bool rec_native(Rec *r, Instr i, ObjNative *n, int kind, ObjString *name)
{
    int argc = (int)INS_B(i);
    if (n->data != NIL_VAL || strcmp(n->name->chars, "sort") == 0)
        return FAIL(r, JA_CALLEE, "a native that may call back");
    if (argc < n->arity_min || (n->arity_max >= 0 && argc > n->arity_max))
        return FAIL(r, JA_CALLEE, "a native with the wrong arity");
    IRRef g = ir_emit(r->T, IR_NCALL, IRT_VAL, kind, ir_kval(r->T, obj_val(n)));
    r->T->ir[g].c = name != NULL ? ir_kraw(r->T, (uint64_t)(uintptr_t)name) : 0;
    if (!guard(r, g))
        return false;
    set_slot(r, (int)INS_A(i), g);
    r->J->rec.pending = 1 + (int)r->off + (int)INS_A(i);
    return true;
}

/* An instruction left to C (NCALL_OP, run_op in jit/exit.c): PRINT,
** string concatenation, map indexing. It may allocate or raise, so it
** runs on the interpreter's state rebuilt like a native call's; a result
** in R[A] is typed at the next instruction. */
bool rec_op(Rec *r, Instr i, bool writes_a)
{
    IRRef g = ir_emit(r->T, IR_NCALL, IRT_VAL, NCALL_OP, ir_kval(r->T, NIL_VAL));
    if (!guard(r, g))
        return false;
    if (writes_a) {
        set_slot(r, (int)INS_A(i), g);
        r->J->rec.pending = 1 + (int)r->off + (int)INS_A(i);
    }
    return true;
}

/* CLOSURE. One that captures no local is left to C (NCALL_OP). One that
** does writes the slots it captures to memory first (IR_SSTORE:
** INVARIANT(alias) from then on) and is made by IR_CLOS (ncall_closure:
** without the state rebuilt when it cannot collect); if it captures its
** own slot (a local function calling itself), the closure is written
** there too, as the interpreter has it before capturing. */
bool rec_closure(Rec *r, Instr i)
{
    Trace *T = r->T;
    ObjFunction *fn = AS_FUNCTION(r->K[INS_BX(i)]);
    bool captures = false, self = false;
    const Recorder *R = &r->J->rec;
    for (int u = 0; u < fn->nupvals; u++) {
        UpvalDesc d = fn->upvals[u];
        /* ncall_closure finds an inlined frame's closure as recorded. */
        if (!d.is_local && R->depth > 0 && R->fr[R->depth].fresh)
            return FAIL(r, JA_NYIBC, "CLOSURE in a closure the trace made");
        if (!d.is_local)
            continue;
        captures = true;
        if (d.index == INS_A(i)) {
            self = true;
            continue;
        }
        ir_emit(T, IR_SSTORE, IRT_NONE, (IRRef)(r->off + d.index), get_slot(r, d.index));
    }
    if (!captures)
        return rec_op(r, i, true);
    IRRef x = emit(r, IR_CLOS, IRT_VAL, NCALL_OP, ir_kval(T, obj_val(fn)));
    if (!x)
        return false;
    if (self)
        ir_emit(T, IR_SSTORE, IRT_NONE, (IRRef)(r->off + INS_A(i)), x);
    set_slot(r, (int)INS_A(i), x);
    return true;
}

/* Guard that slot s holds the object v (identity). */
static bool guard_is(Rec *r, int s, Value v)
{
    IRRef k = ir_kval(r->T, v);
    return guard(r, ir_emit(r->T, IR_EQV, IRT_VAL, get_slot(r, s), r->T->ir[k].a));
}

/* CALL of a class: the class is guarded by identity, the instance is
** allocated in C (NALLOC, ncall_alloc in jit/ncall.c: on the interpreter's
** rebuilt state when it may collect) and goes to the callee's slot, then
** `init` is inlined like a method with it as `this`. A class's init (and
** every method) is fixed once its declaration has run: only the METHOD
** and INHERIT instructions of the declaration write a class's table. */
static bool rec_construct(Rec *r, Instr i, ObjClass *k, const Instr **next)
{
    int a = (int)INS_A(i);
    bool init = is_obj_type(k->init, OBJ_CLOSURE);
    if (!init && INS_B(i) != 0)
        return FAIL(r, JA_CALLEE, "a class with the wrong arity");
    if (!guard_is(r, a, obj_val(k)))
        return false;
    IRRef g = ir_emit(r->T, IR_NALLOC, IRT_VAL, NCALL_OP, ir_kval(r->T, obj_val(k)));
    if (!guard(r, g))
        return false;
    set_slot(r, a, g);
    return !init || rec_enter(r, i, AS_CLOSURE(k->init), true, next);
}

/* The core len() (the only native of that name: ffi functions have data)
** of a string or a list: guarded by identity, read in the trace; the
** argument's type is guarded by the length load. */
static bool rec_len(Rec *r, Instr i, ObjNative *n, bool *done)
{
    int a = (int)INS_A(i);
    *done = false;
    if (INS_B(i) != 1 || n->data != NIL_VAL || n->arity_min != 1 || n->arity_max != 1 ||
        strcmp(n->name->chars, "len") != 0)
        return true;
    Value v = r->base[a + 1];
    if (!is_obj_type(v, OBJ_STRING) && !is_obj_type(v, OBJ_LIST))
        return true;
    *done = true;
    IRRef x;
    if (!guard_is(r, a, obj_val(n)) ||
        !(x = emit(r, is_obj_type(v, OBJ_STRING) ? IR_SLEN : IR_LLEN, IRT_INT,
                   get_slot(r, a + 1), 0)))
        return false;
    set_slot(r, a, x);
    return true;
}

bool rec_call(Rec *r, Instr i, const Instr **next)
{
    Value fv = r->base[INS_A(i)];
    bool done;
    if (is_obj_type(fv, OBJ_NATIVE) && (!rec_len(r, i, AS_NATIVE(fv), &done) || done))
        return r->J->phase == JS_RECORDING;
    if (is_obj_type(fv, OBJ_NATIVE))
        return rec_native(r, i, AS_NATIVE(fv), NCALL_CALL, NULL);
    if (is_obj_type(fv, OBJ_CLASS))
        return rec_construct(r, i, AS_CLASS(fv), next);
    /* A bound method of a Lox method: guarded to be one of that closure
    ** (often a fresh one each time), whose receiver replaces it in the
    ** callee's slot 0. */
    if (is_obj_type(fv, OBJ_BOUND) && AS_BOUND(fv)->method->type == OBJ_CLOSURE) {
        Obj *m = AS_BOUND(fv)->method;
        IRRef g = ir_emit(r->T, IR_BRECV, IRT_VAL, get_slot(r, (int)INS_A(i)),
                          ir_kval(r->T, obj_val(m)));
        if (!guard(r, g))
            return false;
        set_slot(r, (int)INS_A(i), g);
        return rec_enter(r, i, (ObjClosure *)m, true, next);
    }
    if (!is_obj_type(fv, OBJ_CLOSURE))
        return FAIL(r, JA_CALLEE, "a non-closure");
    return rec_enter(r, i, AS_CLOSURE(fv), false, next);
}

/* SUPERINVOKE: the superclass (in the register after the arguments) is
** guarded by identity; its method is then fixed (see rec_construct) and
** inlined with `this` in the callee's slot 0. */
bool rec_superinvoke(Rec *r, Instr i, const Instr **next)
{
    int s = (int)INS_A(i) + (int)INS_B(i) + 1;
    Value sv = r->base[s], m;
    if (!is_obj_type(sv, OBJ_CLASS) ||
        !tab_get(&AS_CLASS(sv)->methods, AS_STRING(r->K[INS_C(i)]), &m) ||
        !is_obj_type(m, OBJ_CLOSURE))
        return FAIL(r, JA_CALLEE, "an undefined super method");
    if (!guard_is(r, s, sv))
        return false;
    return rec_enter(r, i, AS_CLOSURE(m), true, next);
}

/* INVOKE on an instance: guard that the method lookup still finds the
** closure recorded (no field shadows it, the class's entry is the same),
** then inline it like a call, `this` in the callee's slot 0. */
bool rec_invoke(Rec *r, Instr i, const Instr **next)
{
    Value recv = r->base[INS_A(i)];
    ObjString *name = AS_STRING(r->K[INS_C(i)]);
    VM *vm = r->J->vm;
    if (!is_obj_type(recv, OBJ_INSTANCE)) {
        const Table *t = is_obj_type(recv, OBJ_MODULE) ? &AS_MODULE(recv)->members
                       : is_obj_type(recv, OBJ_LIST)   ? &vm->list_methods
                       : is_obj_type(recv, OBJ_STRING) ? &vm->string_methods
                       : is_obj_type(recv, OBJ_MAP)    ? &vm->map_methods : NULL;
        Value m;
        if (t == NULL || !tab_get(t, name, &m) || !is_obj_type(m, OBJ_NATIVE))
            return FAIL(r, JA_CALLEE, "a method of a non-instance");
        /* list.push: appended in the trace while the list has room (the
        ** built-in method tables are fixed: no Lox code can change them). */
        if (t == &vm->list_methods && INS_B(i) == 1 && strcmp(name->chars, "push") == 0) {
            IRRef lr = get_slot(r, (int)INS_A(i)), vr = get_slot(r, (int)INS_A(i) + 1);
            if (!guard(r, ir_emit(r->T, IR_LPUSH, IRT_NONE, lr, vr)))
                return false;
            set_slot(r, (int)INS_A(i), ir_kval(r->T, NIL_VAL));
            return true;
        }
        /* map.get(k) / map.get(k, default) with an interned string key. */
        if (t == &vm->map_methods && (INS_B(i) == 1 || INS_B(i) == 2) &&
            strcmp(name->chars, "get") == 0 && is_obj_type(r->base[INS_A(i) + 1], OBJ_STRING) &&
            (as_obj(r->base[INS_A(i) + 1])->flags & STR_INTERNED)) {
            Value v;
            bool found = map_get(AS_MAP(recv), r->base[INS_A(i) + 1], &v);
            IRRef e = map_entry(r, get_slot(r, (int)INS_A(i)), get_slot(r, (int)INS_A(i) + 1),
                                found), x;
            if (!e)
                return false;
            if (found)
                x = typed_value(r, ir_emit(r->T, IR_MVAL, IRT_VAL, e, 0), v);
            else
                x = INS_B(i) == 2 ? get_slot(r, (int)INS_A(i) + 2) : ir_kval(r->T, NIL_VAL);
            if (!x)
                return false;
            set_slot(r, (int)INS_A(i), x);
            return true;
        }
        /* string.byte(i) with an int index in range: read in the trace
        ** (any other index exits, and the native raises its error). */
        if (t == &vm->string_methods && INS_B(i) == 1 && strcmp(name->chars, "byte") == 0 &&
            is_int(r->base[INS_A(i) + 1]) &&
            (uint32_t)as_int(r->base[INS_A(i) + 1]) < AS_STRING(recv)->len) {
            IRRef sr = get_slot(r, (int)INS_A(i)), xr = get_slot(r, (int)INS_A(i) + 1), n;
            if (ref_type(r, xr) != IRT_INT || !(n = emit(r, IR_SLEN, IRT_INT, sr, 0)) ||
                !emit(r, IR_GE, IRT_INT, xr, ir_kint(r->T, 0)) || !emit(r, IR_LT, IRT_INT, xr, n))
                return FAIL(r, JA_NYITYPE, "byte()");
            set_slot(r, (int)INS_A(i), ir_emit(r->T, IR_SCODE, IRT_INT, sr, xr));
            return true;
        }
        return rec_native(r, i, AS_NATIVE(m),
                          is_obj_type(recv, OBJ_MODULE) ? NCALL_MODULE : NCALL_METHOD, name);
    }
    ObjInstance *in = AS_INSTANCE(recv);
    Value m;
    if (in->fields.count > 0 && tab_get(&in->fields, name, &m)) {
        /* A field holding a closure: the interpreter calls it without a
        ** receiver, the closure in the callee's slot 0. */
        if (!is_obj_type(m, OBJ_CLOSURE))
            return FAIL(r, JA_CALLEE, "a field holding a callable");
        int32_t kc = rec_field_k(r, &in->fields, name);
        if (kc < 0)
            return FAIL(r, JA_CALLEE, "a field holding a callable");
        IRRef g = ir_emit(r->T, IR_FLOAD, IRT_VAL, get_slot(r, (int)INS_A(i)), 0);
        r->T->ir[g].c = kc;
        if (!guard(r, g))
            return false;
        set_slot(r, (int)INS_A(i), g);
        return rec_enter(r, i, AS_CLOSURE(m), false, next);
    }
    if (!tab_get(&in->klass->methods, name, &m) || !is_obj_type(m, OBJ_CLOSURE))
        return FAIL(r, JA_CALLEE, "an undefined method");
    /* Checked by class: a class's methods change only while its `class`
    ** statement runs, in OP_INHERIT and OP_METHOD, between which no Lox
    ** code runs (the superclass expression before them sees no methods,
    ** so no trace can hold one). The KVAL keeps the class alive, so no
    ** other class takes its address (INVARIANT(field-hint), record_int.h). */
    IRRef k = ir_kval(r->T, m);
    ir_kval(r->T, obj_val(in->klass));
    IRRef g = ir_emit(r->T, IR_MCHECK, IRT_NONE, get_slot(r, (int)INS_A(i)), k);
    r->T->ir[g].c = ir_kpair(r->T, (uint64_t)(uintptr_t)name, (uint64_t)(uintptr_t)in->klass);
    if (!guard(r, g))
        return false;
    return rec_enter(r, i, AS_CLOSURE(m), true, next);
}

/* Enter the inlined call of cl at A with B arguments. */
static bool rec_enter(Rec *r, Instr i, ObjClosure *cl, bool method, const Instr **next)
{
    Recorder *R = &r->J->rec;
    Trace *T = r->T;
    int a = (int)INS_A(i), argc = (int)INS_B(i);
    Value fv = obj_val(cl);
    ObjFunction *fn = cl->fn;
    if (argc != fn->arity)
        return FAIL(r, JA_CALLEE, "a closure with the wrong arity");
    int maxd = jit_param(r->J, PARAM_maxinline);
    if (R->depth >= maxd || R->depth >= JIT_MAXINLINE)
        return FAIL(r, JA_DEPTH, NULL);
    if (fn == T->fn)
        return FAIL(r, JA_RECURSE, NULL);
    for (int d = 1; d <= R->depth; d++)
        if (R->fr[d].cl->fn == fn)
            return FAIL(r, JA_RECURSE, NULL);
    uint32_t nb = r->off + (uint32_t)a;
    if (nb + (uint32_t)fn->maxslots + 1 > JIT_MAXSLOT)
        return FAIL(r, JA_DEPTH, NULL);
    IRRef c = get_slot(r, a);
    IRRef k = ir_kval(T, fv);
    /* A closure the trace made (CLOSURE, run in C) is a new one each time:
    ** its identity guard would fail every iteration. */
    /* A closure the trace made (IR_CLOS) is a new one each time: not
    ** guarded (its function is the CLOSURE's, b); its frame is pushed
    ** with it at an exit (SnapFrame.fresh) and its upvalues are loaded
    ** through it (CULOAD). One made in C (NCALL_OP) would fail an
    ** identity guard every time. */
    bool fresh = !method && T->ir[c].op == IR_CLOS;
    if (fresh && ir_kvalue(T, T->ir[c].b) != obj_val(fn))
        return FAIL(r, JA_CALLEE, "a closure of another function");
    if (!method && T->ir[c].op == IR_NCALL && T->ir[c].a == NCALL_OP)
        return FAIL(r, JA_CALLEE, "a closure made in the trace");
    if (!method && !fresh && !guard(r, ir_emit(T, IR_EQV, IRT_VAL, c, T->ir[k].a)))
        return false;
    for (int s = 1; s <= argc; s++)
        get_slot(r, a + s);
    IRRef nil = ir_kval(T, NIL_VAL);
    for (uint32_t s = nb + 1 + (uint32_t)argc; s < nb + (uint32_t)fn->maxslots; s++) {
        R->slot[s] = nil;
        R->modified[s] = 1;
    }
    R->depth++;
    R->fr[R->depth].cl = cl;
    R->fr[R->depth].fresh = fresh;
    R->fr[R->depth].base = nb;
    R->fr[R->depth].ret_pc = r->at + 1;
    *next = fn->code;
    return true;
}

/* RET / RETNIL of an inlined call: the result goes to the callee's slot 0
** (the caller's A), and the callee's other slots are forgotten: above A
** the caller's registers are dead after a call (the interpreter leaves the
** callee's values there), so they need not be written back. */
bool rec_return(Rec *r, Instr i, const Instr **next)
{
    Recorder *R = &r->J->rec;
    if (R->depth == 0)
        return FAIL(r, JA_LEAVE, NULL);
    /* The callee's captured slots are in memory (INVARIANT(alias)). */
    if (alias_above(r, (int)r->off) &&
        !emit(r, IR_UCLOSE, IRT_NONE, NCALL_OP, (IRRef)r->off))
        return false;
    IRRef v = INS_OP(i) == OP_RET ? get_slot(r, (int)INS_A(i)) : ir_kval(r->T, NIL_VAL);
    RecFrame *fr = &R->fr[R->depth];
    for (uint32_t s = fr->base + 1; s < JIT_MAXSLOT; s++) {
        R->slot[s] = R->sload[s];
        R->modified[s] = 0;
    }
    R->slot[fr->base] = v;
    R->modified[fr->base] = 1;
    R->depth--;
    ObjFunction *caller = R->depth > 0 ? R->fr[R->depth].cl->fn : r->T->fn;
    *next = caller->code + fr->ret_pc;
    return true;
}
