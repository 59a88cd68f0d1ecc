/* ncall.c -- native calls and C-run instructions from inside a trace.
**
** The IR_NCALL stencil saves the trace's registers in the JitCtx and calls
** exit_call_native with the instruction's IR ref; the result (or UNDEF_VAL:
** the trace must exit before the call) comes back in r0.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/trace.h"
#include "jit/verify.h"
#include "vm/interp.h"
#include "vm/memory.h"
#include "vm/print.h"
#include "vm/table_inline.h"

/* -- Native calls from a trace --------------------------------------------
** IR_NCALL: the interpreter's state is rebuilt from the call's snapshot
** (the state just before the CALL or INVOKE: inlined frames pushed, each
** frame's ip where the interpreter would have it during the call), as far
** as the call needs it (snap_restore_call in jit/snap.c): the callee and
** arguments, and every object value the trace holds, so a native that
** allocates finds them all on the stack for the GC, and one that raises
** an error prints the same message and stack trace as without the JIT.
** After it returns the frames are popped again; the slots keep the
** values written, which is what they hold in the trace anyway.
** Only natives that never call back into Lox are recorded (jit/record.c),
** so the stack cannot move under the trace. */
/* NCALL_OP: an instruction the trace leaves to C, in the frame f rebuilt
** for it: PRINT, string concatenation, map reads and writes, allocating
** an instance or a bound method, adding a field that grows its table.
** The result is R[A]'s new value (nil when it writes none); UNDEF_VAL when the
** operands are not of the kinds recorded, before anything happened (the
** trace then exits and the interpreter does the instruction). */
static Value run_op(VM *vm, CallFrame *f, Instr w)
{
    Value *R = vm->stack + f->base;
    switch (INS_OP(w)) {
    case OP_PRINT:
        value_print(vm, stdout, R[INS_A(w)]);
        fputc('\n', stdout);
        return NIL_VAL;
    case OP_ADD: case OP_ADDK: {
        Value a = R[INS_B(w)];
        Value b = INS_OP(w) == OP_ADD ? R[INS_C(w)] : f->consts[INS_C(w)];
        if (!is_obj_type(a, OBJ_STRING) || !is_obj_type(b, OBJ_STRING))
            return UNDEF_VAL;
        Value v = obj_val(str_concat(vm, AS_STRING(a), AS_STRING(b)));
        R[INS_A(w)] = v;
        return v;
    }
    case OP_GETINDEX: {
        Value o = R[INS_B(w)], k = R[INS_C(w)], v;
        if (!is_obj_type(o, OBJ_MAP))
            return UNDEF_VAL;
        if (is_number(k))
            k = lx_number(as_num(k));
        if (!map_get(AS_MAP(o), k, &v))
            return UNDEF_VAL;       /* the interpreter raises "Key not found." */
        R[INS_A(w)] = v;
        return v;
    }
    case OP_SETINDEX: {
        Value o = R[INS_A(w)], k = R[INS_B(w)];
        if (!is_obj_type(o, OBJ_MAP) || (is_double(k) && as_double(k) != as_double(k)))
            return UNDEF_VAL;
        if (is_number(k))
            k = lx_number(as_num(k));
        map_set(vm, AS_MAP(o), k, R[INS_C(w)]);
        return NIL_VAL;
    }
    case OP_CLOSURE: {
        /* The slots it captures are in memory (IR_SSTORE before it,
        ** INVARIANT(alias) in record_int.h): an upvalue opened on one
        ** sees its current value. */
        ObjFunction *fn = AS_FUNCTION(f->consts[INS_BX(w)]);
        ObjClosure *cl = closure_new(vm, fn);
        R[INS_A(w)] = obj_val(cl);      /* rooted before capturing allocates */
        for (int u = 0; u < fn->nupvals; u++) {
            UpvalDesc d = fn->upvals[u];
            cl->upvals[u] = d.is_local ? vm_capture_upval(vm, R + d.index)
                                       : f->closure->upvals[d.index];
        }
        return obj_val(cl);
    }
    case OP_CALL: {
        /* A class called: its instance (record.c inlines `init` after). */
        Value c = R[INS_A(w)];
        if (!is_obj_type(c, OBJ_CLASS))
            return UNDEF_VAL;
        Value v = obj_val(instance_new(vm, AS_CLASS(c)));
        R[INS_A(w)] = v;
        return v;
    }
    case OP_SETFIELD: {
        /* A new field whose table must grow (record.c). */
        Value o = R[INS_A(w)];
        if (!is_obj_type(o, OBJ_INSTANCE))
            return UNDEF_VAL;
        tab_set(vm, &AS_INSTANCE(o)->fields, AS_STRING(f->consts[INS_B(w)]), R[INS_C(w)]);
        return NIL_VAL;
    }
    case OP_GETFIELD: {
        /* A method bound to its instance; a field of that name is left to
        ** the interpreter. */
        Value o = R[INS_B(w)], m;
        ObjString *name = AS_STRING(f->consts[INS_C(w)]);
        if (!is_obj_type(o, OBJ_INSTANCE) || tab_lookup(&AS_INSTANCE(o)->fields, name) != NULL ||
            !tab_get(&AS_INSTANCE(o)->klass->methods, name, &m))
            return UNDEF_VAL;
        Value v = obj_val(bound_new(vm, o, as_obj(m)));
        R[INS_A(w)] = v;
        return v;
    }
    default:
        return UNDEF_VAL;
    }
}

/* Whether the call's callee slot f (the receiver, for a method or a
** module member) still calls the native n the trace recorded. */
static bool callee_is(VM *vm, const Trace *T, const IRIns *ins, Value f, ObjNative *n)
{
    if (ins->a == NCALL_CALL)
        return f == obj_val(n);
    ObjString *name = (ObjString *)(uintptr_t)T->k[ins->c];
    const Table *t = NULL;
    if (ins->a == NCALL_MODULE && is_obj_type(f, OBJ_MODULE))
        t = &AS_MODULE(f)->members;
    else if (ins->a == NCALL_METHOD && is_obj_type(f, OBJ_LIST))
        t = &vm->list_methods;
    else if (ins->a == NCALL_METHOD && is_obj_type(f, OBJ_STRING))
        t = &vm->string_methods;
    else if (ins->a == NCALL_METHOD && is_obj_type(f, OBJ_MAP))
        t = &vm->map_methods;
    Value *p = t != NULL ? tab_lookup(t, name) : NULL;
    return p != NULL && *p == obj_val(n);
}

/* -- Calls without the state rebuilt ----------------------------------------
** A native with a nogc (vm/object.h) and a string concatenation are first
** tried on the values straight from the trace: each operand is what the
** call's snapshot says its slot holds (snap_slot), and the frames are left
** as they are. Neither can collect or raise on this path, so nothing could
** have seen the state it skipped; where either would, it gives UNDEF_VAL
** having done nothing, and the call takes the way that rebuilds it. */
#define NOGC_MAXARGS 8

static Value call_nogc(const Trace *T, const IRIns *ins, ObjNative *n, JitCtx *ctx,
                       Value *base, const ObjFunction *fn, uint32_t off)
{
    VM *vm = ctx->vm;
    Instr w = fn->code[T->snaps[ins->snap].pc];
    uint32_t a = off + INS_A(w);
    if (n != NULL) {
        int argc = (int)INS_B(w);
        Value v[1 + NOGC_MAXARGS];
        if (n->nogc == NULL || argc > NOGC_MAXARGS)
            return UNDEF_VAL;
        for (int k = 0; k <= argc; k++)
            v[k] = snap_slot(T, ins->snap, ctx, base, a + (uint32_t)k);
        if (!callee_is(vm, T, ins, v[0], n))
            return UNDEF_VAL;
        return n->nogc(vm, argc, v + 1);
    }
    /* R[B] + R[C], or R[B] + K[C]. */
    if (INS_OP(w) != OP_ADD && INS_OP(w) != OP_ADDK)
        return UNDEF_VAL;
    Value x = snap_slot(T, ins->snap, ctx, base, off + INS_B(w));
    Value y = INS_OP(w) == OP_ADD ? snap_slot(T, ins->snap, ctx, base, off + INS_C(w))
                                  : fn->consts[INS_C(w)];
    if (!is_obj_type(x, OBJ_STRING) || !is_obj_type(y, OBJ_STRING))
        return UNDEF_VAL;
    ObjString *s = str_try_concat(vm, AS_STRING(x), AS_STRING(y));
    return s != NULL ? obj_val(s) : UNDEF_VAL;
}

uint64_t exit_call_native(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused)
{
    (void)unused;
    JitState *J = ctx->user;
    VM *vm = J->vm;
    Trace *T = J->running;
    const IRIns *ins = &T->ir[ref];
    /* b: a KVAL of the native (none for NCALL_OP). */
    ObjNative *n = ins->a == NCALL_OP ? NULL : (ObjNative *)as_obj(T->k[T->ir[ins->b].a]);
    const Snapshot *sn = &T->snaps[ins->snap];
    const ObjFunction *fn = T->fn;
    uint32_t off = 0;
    if (sn->nframe > 0) {
        const SnapFrame *sf = &T->sframes[sn->fstart + sn->nframe - 1];
        fn = ((ObjClosure *)as_obj(sf->closure))->fn;
        off = sf->base;
    }
    Value v = call_nogc(T, ins, n, ctx, base, fn, off);
    if (v != UNDEF_VAL)
        return v;
    int saved_count = vm->frame_count;
    uint32_t saved_top = vm->stack_top;
    CallFrame *root = &vm->frames[saved_count - 1];
    const Instr *saved_ip = root->ip;
    /* The slots the call reads: the callee and its arguments, or an
    ** instruction's register operands (a superset for some forms). */
    Instr cw = fn->code[sn->pc];
    uint32_t lo = INS_A(cw), hi = INS_A(cw) + 1 + INS_B(cw);
    if (ins->a == NCALL_OP) {
        uint32_t b = INS_B(cw), c = INS_C(cw);
        lo = lo < b ? lo : b;
        lo = lo < c ? lo : c;
        hi = hi > c + 1 ? hi : c + 1;
    }
    const Instr *rip = snap_restore_call(T, ins->snap, ctx, base, off + lo, off + hi);
    if (jit_param(J, PARAM_jitcheck)) jit_verify_call(T, ins->snap, ctx, base); /* verify.h */
    CallFrame *top = &vm->frames[vm->frame_count - 1];
    /* The call: in the root frame snap_restore only returned its pc. */
    Instr w = vm->frame_count == saved_count ? *rip : *top->ip;
    uint32_t at = top->base + INS_A(w);
    int argc = (int)INS_B(w);
    v = UNDEF_VAL;
    if (ins->a == NCALL_OP || callee_is(vm, T, ins, vm->stack[at], n)) {
        /* PROTOCOL(save-pc): during a call each frame's ip is past it. */
        if (vm->frame_count == saved_count) {
            root->ip = rip + 1;
        } else {
            root->ip = rip;
            top->ip++;
        }
        if (n != NULL) {
            v = n->fn(vm, argc, vm->stack + at + 1);
            vm->stack[at] = v;
        } else {
            v = run_op(vm, top, w);
        }
    }
    vm->frame_count = saved_count;
    vm->stack_top = saved_top;
    root->ip = saved_ip;
    return v;
}

/* -- Allocation without the state rebuilt ----------------------------------
** Rebuilding the interpreter's state costs more than a small allocation,
** and is needed only for a collection (or an error) to see every live
** value. When the allocation can neither collect nor raise
** (lx_try_alloc), these helpers allocate straight away: nothing else can
** tell, since a collection would not have happened in the interpreter
** either and the bytes count the same. Otherwise they take the slow way,
** exit_call_native, which does the whole instruction (run_op) on the
** rebuilt state. Both are called like natives (their stencils save the
** registers in ctx first), from an NCALL_OP instruction. */

/* IR_NALLOC: the instance of the class its b names (guarded by identity
** before: record.c, rec_construct); instance_new without a collection. */
uint64_t ncall_alloc(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused)
{
    JitState *J = ctx->user;
    const Trace *T = J->running;
    ObjInstance *in = (ObjInstance *)obj_try_alloc(J->vm, sizeof(ObjInstance), OBJ_INSTANCE);
    if (in == NULL)
        return exit_call_native(ctx, base, ref, unused);
    in->klass = AS_CLASS(ir_kvalue(T, T->ir[ref].b));
    tab_init(&in->fields);
    return obj_val(in);
}

/* IR_FTAB: a first field is added to the instance inst, whose table has
** no entries yet: give it the ones tab_set's rehash would (TAB_MIN_CAP,
** vm/table.c: 4); the FADD that follows adds the field. */
uint64_t ncall_fields(JitCtx *ctx, Value *base, uint64_t ref, uint64_t inst)
{
    JitState *J = ctx->user;
    if (!is_obj_type(inst, OBJ_INSTANCE))
        return exit_call_native(ctx, base, ref, 0);
    Table *t = &AS_INSTANCE(inst)->fields;
    if (t->entries != NULL)
        return NIL_VAL;
    Entry *e = lx_try_alloc(J->vm, 4 * sizeof(Entry));
    if (e == NULL)
        return exit_call_native(ctx, base, ref, 0);
    for (int k = 0; k < 4; k++) {
        e[k].key = NULL;
        e[k].value = NIL_VAL;
    }
    t->entries = e;
    t->mask = 3;
    t->count = 0;
    return NIL_VAL;
}

/* IR_CLOS: CLOSURE of the function b capturing locals of its frame (the
** snapshot's innermost one; the trace's own when there is none), whose
** captured slots the trace wrote to memory first (IR_SSTORE). Without
** the state rebuilt when the closure and the upvalues it opens cannot
** collect: the same objects in the same order as the interpreter's. */
uint64_t ncall_closure(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused)
{
    JitState *J = ctx->user;
    VM *vm = J->vm;
    const Trace *T = J->running;
    const IRIns *ins = &T->ir[ref];
    ObjFunction *fn = AS_FUNCTION(ir_kvalue(T, ins->b));
    const Snapshot *sn = &T->snaps[ins->snap];
    Value *fb = base;
    ObjClosure *encl = vm->frames[vm->frame_count - 1].closure;
    if (sn->nframe > 0) {
        const SnapFrame *sf = &T->sframes[sn->fstart + sn->nframe - 1];
        fb = base + sf->base;
        encl = (ObjClosure *)as_obj(sf->closure);   /* guarded by identity */
    }
    size_t need = sizeof(ObjClosure) + sizeof(ObjUpvalue *) * (size_t)fn->nupvals;
    for (int u = 0; u < fn->nupvals; u++)
        if (fn->upvals[u].is_local)
            need += sizeof(ObjUpvalue);     /* at most: some may be open */
    if (vm->gc_stress || vm->bytes_allocated + need > vm->next_gc)
        return exit_call_native(ctx, base, ref, unused);
    ObjClosure *cl = (ObjClosure *)obj_try_alloc(
        vm, sizeof(ObjClosure) + sizeof(ObjUpvalue *) * (size_t)fn->nupvals, OBJ_CLOSURE);
    if (cl == NULL)
        return exit_call_native(ctx, base, ref, unused);
    cl->fn = fn;
    cl->nupvals = fn->nupvals;
    for (int u = 0; u < fn->nupvals; u++)
        cl->upvals[u] = NULL;
    for (int u = 0; u < fn->nupvals; u++) {
        UpvalDesc d = fn->upvals[u];
        if (!d.is_local) {
            cl->upvals[u] = encl->upvals[d.index];
            continue;
        }
        Value *slot = fb + d.index;
        ObjUpvalue *prev = NULL, *o = vm->open_upvals;
        while (o != NULL && o->location > slot) {
            prev = o;
            o = o->next;
        }
        if (o == NULL || o->location != slot) {
            ObjUpvalue *nu = (ObjUpvalue *)obj_try_alloc(vm, sizeof(ObjUpvalue), OBJ_UPVALUE);
            /* Past the heap cap (next_gc was checked): the slow way
            ** raises, after allocating the closure again. */
            if (nu == NULL)
                return exit_call_native(ctx, base, ref, unused);
            nu->location = slot;
            nu->closed = NIL_VAL;
            nu->next = o;
            if (prev == NULL)
                vm->open_upvals = nu;
            else
                prev->next = nu;
            o = nu;
        }
        cl->upvals[u] = o;
    }
    return obj_val(cl);
}

/* IR_UCLOSE: CLOSE, or a RET that closes upvalues: the captured slots
** already hold their values in memory (INVARIANT(alias)), so this is the
** interpreter's vm_close_upvals as it is. Allocates nothing, never fails. */
uint64_t ncall_close(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused)
{
    (void)unused;
    JitState *J = ctx->user;
    vm_close_upvals(J->vm, base + J->running->ir[ref].b);
    return NIL_VAL;
}
