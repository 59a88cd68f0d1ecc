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

JIT_STENCILS_LOX(JIT_INSTANTIATE)
