/* lox.c -- stencils for the Lox-specific operations the recorder needs:
** globals and upvalues, truthiness and identity guards, the int32 floored
** modulo, the exact double-to-int conversion, and a constant store.
**
** Written against template.h like the other groups. Two of them walk VM
** structures (the globals array, a closure's upvalues); they include
** vm/object.h for the layouts, which is plain data and compiles as well
** with clang as with the program's compiler.
*/
#include "jit/stencils/template.h"
#include "vm/object.h"

/* -- Globals: CONST is &vm->globals (the array may move), OPERAND0 the slot */

JIT_TEMPLATE(load_global, uint64_t *d)
{
    *d = (*(uint64_t **)jit_const64())[(uint32_t)JIT_OPERAND(0)];
    return true;
}

JIT_TEMPLATE(store_global, uint64_t a)
{
    (*(uint64_t **)jit_const64())[(uint32_t)JIT_OPERAND(0)] = a;
    return true;
}

/* -- Upvalues of the frame's closure (base[0]), OPERAND0 the index ------ */

JIT_INLINE ObjUpvalue *jit_upval(Value *base)
{
    ObjClosure *cl = (ObjClosure *)(uintptr_t)(base[0] & ~LX_TAG_MASK);
    return cl->upvals[(uint32_t)JIT_OPERAND(0)];
}

JIT_TEMPLATE(load_upval, uint64_t *d)
{
    *d = *jit_upval(base)->location;
    return true;
}

JIT_TEMPLATE(store_upval, uint64_t a)
{
    *jit_upval(base)->location = a;
    return true;
}

/* -- Guards on raw Values --------------------------------------------- */

/* nil and false are adjacent (is_falsey in vm/value.h). */
JIT_TEMPLATE(guard_truthy, uint64_t a)
{
    return a - NIL_VAL >= 2;
}

JIT_TEMPLATE(guard_falsey, uint64_t a)
{
    return a - NIL_VAL < 2;
}

JIT_TEMPLATE(guard_nval, uint64_t a)
{
    return a != jit_const64();
}

JIT_TEMPLATE(not_val, uint64_t *d, uint64_t a)
{
    *d = a - NIL_VAL < 2 ? TRUE_VAL : FALSE_VAL;
    return true;
}

/* base[SLOT] = CONST: a constant a loop writes back to its frame. Written
** by hand (shape raw): shape N names its stencil like its template. */
JIT_STENCIL(store_k)
{
    JIT_FRAME_SLOT = jit_const64();
    JIT_JUMP(_JIT_CONTINUE);
}

/* -- Numbers ---------------------------------------------------------- */

/* The interpreter's int32 `%`: floored, x % -1 is 0; a zero divisor
** exits (the interpreter computes NaN in doubles). */
JIT_TEMPLATE(mod_int, uint64_t *d, uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b, r;
    if (y == 0)
        return false;
    if (y == -1) {
        r = 0;
    } else {
        r = x % y;
        if (r != 0 && (r ^ y) < 0)
            r += y;
    }
    *d = (uint32_t)r;
    return true;
}

/* The double as an int32 when it is one exactly (not -0, not out of
** range), else an exit: lx_number's choice, as a guard. */
JIT_TEMPLATE(num_to_int, uint64_t *d, double a)
{
    if (!(a >= -2147483648.0 && a <= 2147483647.0))
        return false;
    int32_t i = (int32_t)a;
    if ((double)i != a)
        return false;
    if (i == 0 && jit_num_to_bits(a) != 0)
        return false;
    *d = (uint32_t)i;
    return true;
}

/* -- The execution budget (vm->budget, vm/vm.h) ----------------------- */

/* 0 is off, the common case: one load and a compare per iteration. When
** it is on, each iteration charges one; at 1 the trace leaves, and the
** interpreter's next charge (or jit_run's) raises the error. */
JIT_STENCIL(check_budget)
{
    volatile uint32_t *b = (volatile uint32_t *)jit_const64();
    uint32_t v = *b;
    ctx->iters++;
    if (JIT_UNLIKELY(v != 0)) {
        if (v == 1)
            JIT_JUMP(_JIT_EXIT);
        *b = v - 1;
    }
    JIT_JUMP(_JIT_CONTINUE);
}

/* -- Native calls ----------------------------------------------------- */

/* The helper (exit_call_native in jit/exit.c) rebuilds the interpreter's
** state from the call's snapshot before it calls the native, reading the
** registers from ctx like an exit does: so they are saved there first.
** UNDEF_VAL means the callee is not the one recorded and nothing was
** called: leave through the call's exit, every register intact. */
#define JIT_CALL_NATIVE(reg)                                                  \
    JIT_STENCIL(call_native_##reg)                                            \
    {                                                                         \
        ctx->gpr[0] = r0;                                                     \
        ctx->gpr[1] = r1;                                                     \
        ctx->gpr[2] = r2;                                                     \
        ctx->gpr[3] = r3;                                                     \
        ctx->fpr[0] = f0;                                                     \
        ctx->fpr[1] = f1;                                                     \
        ctx->fpr[2] = f2;                                                     \
        ctx->fpr[3] = f3;                                                     \
        ctx->fpr[4] = f4;                                                     \
        ctx->fpr[5] = f5;                                                     \
        ctx->fpr[6] = f6;                                                     \
        ctx->fpr[7] = f7;                                                     \
        uint64_t v_ = _JIT_HELPER(ctx, base, (uint64_t)(uint32_t)JIT_OPERAND(0), 0); \
        if (JIT_UNLIKELY(v_ == UNDEF_VAL))                                    \
            JIT_JUMP(_JIT_EXIT);                                              \
        reg = v_;                                                             \
        JIT_JUMP(_JIT_CONTINUE);                                              \
    }
JIT_CALL_NATIVE(r0)
JIT_CALL_NATIVE(r1)
JIT_CALL_NATIVE(r2)
JIT_CALL_NATIVE(r3)

/* -- Fields, methods, list items ------------------------------------- */

/* tab_lookup of vm/table_inline.h, spelled out so that it is always
** inlined (a stencil may not call a function of its own). */
JIT_INLINE Value *jit_lookup(const Table *t, ObjString *key)
{
    Entry *entries = t->entries;
    if (entries == NULL)
        return NULL;
    uint32_t i = key->hash & t->mask;
    for (;;) {
        Entry *e = &entries[i];
        if (e->key == key)
            return &e->value;
        if (e->key == NULL && e->value == NIL_VAL)
            return NULL;
        i = (i + 1) & t->mask;
    }
}

JIT_INLINE ObjInstance *jit_instance(uint64_t v)
{
    return is_obj_type(v, OBJ_INSTANCE) ? (ObjInstance *)as_obj(v) : NULL;
}

JIT_TEMPLATE(get_field, uint64_t *d, uint64_t a)
{
    ObjInstance *in = jit_instance(a);
    if (in == NULL)
        return false;
    Value *p = jit_lookup(&in->fields, (ObjString *)jit_const64());
    if (p == NULL)
        return false;
    *d = *p;
    return true;
}

/* Only an existing field: adding one may grow the table, which allocates,
** and a trace never allocates (the GC cannot see its registers). */
JIT_TEMPLATE(set_field, uint64_t a, uint64_t b)
{
    ObjInstance *in = jit_instance(a);
    if (in == NULL)
        return false;
    Value *p = jit_lookup(&in->fields, (ObjString *)jit_const64());
    if (p == NULL)
        return false;
    *p = b;
    return true;
}

/* What INVOKE would call is the closure the trace inlined: checked every
** time, so a field that shadows the method, or another method, exits. */
JIT_TEMPLATE(check_method, uint64_t a, uint64_t b)
{
    ObjInstance *in = jit_instance(a);
    if (in == NULL)
        return false;
    ObjString *name = (ObjString *)jit_const64();
    if (in->fields.count > 0 && jit_lookup(&in->fields, name) != NULL)
        return false;
    Value *m = jit_lookup(&in->klass->methods, name);
    return m != NULL && *m == b;
}

JIT_TEMPLATE(get_item, uint64_t *d, uint64_t a, uint64_t b)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    ObjList *l = (ObjList *)as_obj(a);
    if ((uint32_t)b >= l->count)
        return false;
    *d = l->items[(uint32_t)b];
    return true;
}

JIT_TEMPLATE(list_len, uint64_t *d, uint64_t a)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    uint32_t n = ((ObjList *)as_obj(a))->count;
    if (n > INT32_MAX)
        return false;
    *d = n;
    return true;
}

JIT_TEMPLATE(push_item, uint64_t a, uint64_t b)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    ObjList *l = (ObjList *)as_obj(a);
    if (l->count >= l->capacity)
        return false;
    l->items[l->count++] = b;
    return true;
}

JIT_TEMPLATE(set_item, uint64_t a, uint64_t b, uint64_t c)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    ObjList *l = (ObjList *)as_obj(a);
    if ((uint32_t)b >= l->count)
        return false;
    l->items[(uint32_t)b] = c;
    return true;
}

JIT_STENCILS_LOX(JIT_INSTANTIATE)
