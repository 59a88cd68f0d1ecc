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
#include "vm/print.h"
#include "vm/table_inline.h"

/* -- Native calls from a trace --------------------------------------------
** IR_NCALL: the interpreter's state is rebuilt from the call's snapshot
** (the state just before the CALL or INVOKE: slots written, inlined frames
** pushed, each frame's ip where the interpreter would have it during the
** call), so a native that allocates finds every live value on the stack
** for the GC (the trace's live values all sit in slots), and one that
** raises an error prints the same message and stack trace as without the
** JIT. After it returns the frames are popped again; the slots keep the
** values written, which is what they hold in the trace anyway.
** Only natives that never call back into Lox are recorded (jit/record.c),
** so the stack cannot move under the trace. */
/* NCALL_OP: an instruction the trace leaves to C, in the frame f rebuilt
** for it: PRINT, string concatenation, map reads and writes. The result
** is R[A]'s new value (nil when it writes none); UNDEF_VAL when the
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
        /* Only closures that capture no local of this frame (record.c):
        ** an open upvalue would alias a slot the trace keeps in a register. */
        ObjFunction *fn = AS_FUNCTION(f->consts[INS_BX(w)]);
        ObjClosure *cl = closure_new(vm, fn);
        R[INS_A(w)] = obj_val(cl);
        for (int u = 0; u < fn->nupvals; u++)
            cl->upvals[u] = f->closure->upvals[fn->upvals[u].index];
        return obj_val(cl);
    }
    default:
        return UNDEF_VAL;
    }
}

uint64_t exit_call_native(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused)
{
    (void)unused;
    JitState *J = ctx->user;
    VM *vm = J->vm;
    Trace *T = J->running;
    const IRIns *ins = &T->ir[ref];
    ObjNative *n = ins->a == NCALL_OP ? NULL : (ObjNative *)as_obj(ir_kvalue(T, ins->b));
    int saved_count = vm->frame_count;
    uint32_t saved_top = vm->stack_top;
    CallFrame *root = &vm->frames[saved_count - 1];
    const Instr *saved_ip = root->ip;
    const Instr *rip = snap_restore(T, ins->snap, ctx, base);
    CallFrame *top = &vm->frames[vm->frame_count - 1];
    /* The call: in the root frame snap_restore only returned its pc. */
    Instr w = vm->frame_count == saved_count ? *rip : *top->ip;
    uint32_t at = top->base + INS_A(w);
    int argc = (int)INS_B(w);
    Value f = vm->stack[at], want = n != NULL ? obj_val(n) : UNDEF_VAL;
    bool ok;
    if (ins->a == NCALL_OP) {
        ok = true;
    } else if (ins->a == NCALL_CALL) {
        ok = f == want;
    } else {
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
        ok = p != NULL && *p == want;
    }
    if (ok) {
        /* PROTOCOL(save-pc): during a call each frame's ip is past it. */
        if (vm->frame_count == saved_count) {
            root->ip = rip + 1;
        } else {
            root->ip = rip;
            top->ip++;
        }
        if (n != NULL) {
            Value r = n->fn(vm, argc, vm->stack + at + 1);
            vm->stack[at] = r;
            want = r;
        } else {
            want = run_op(vm, top, w);
        }
    } else {
        want = UNDEF_VAL;
    }
    vm->frame_count = saved_count;
    vm->stack_top = saved_top;
    root->ip = saved_ip;
    return want;
}
