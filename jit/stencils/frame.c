/* frame.c -- stencils that move values between the interpreter frame (or
** the spill area) and registers: loads with their type guards, stores
** with boxing, and the guards and conversions on boxed Values.
**
** The NaN-boxing layout is vm/value.h's. Two facts make these cheap:
** an int32's boxed form already holds the int in its low 32 bits, so
** "unboxing" an int is just keeping the Value (INVARIANT(gpr-int32) in
** jit/abi.h), and a double's boxed form is the double's own bits.
*/
#include "jit/stencils/template.h"

/* -- Type tests on boxed Values ---------------------------------------- */

JIT_INLINE bool jit_is_int(uint64_t v)
{
    return (v >> 48) == (LX_TAG_INT >> 48);
}

/* Doubles (NaN canonicalized) sit below the boxed-NaN space. */
JIT_INLINE bool jit_is_num(uint64_t v)
{
    return v < 0xFFF8000000000000ull;
}

/* -- Loads ------------------------------------------------------------- */

JIT_TEMPLATE(load_val, uint64_t *d)
{
    *d = JIT_FRAME_SLOT;
    return true;
}

JIT_TEMPLATE(load_int, uint64_t *d)
{
    uint64_t v = JIT_FRAME_SLOT;
    if (!jit_is_int(v))
        return false;
    *d = v;
    return true;
}

JIT_TEMPLATE(load_num, double *d)
{
    uint64_t v = JIT_FRAME_SLOT;
    if (!jit_is_num(v))
        return false;
    *d = jit_bits_to_num(v);
    return true;
}

JIT_TEMPLATE(load_tonum, double *d)
{
    uint64_t v = JIT_FRAME_SLOT;
    if (jit_is_num(v))
        *d = jit_bits_to_num(v);
    else if (jit_is_int(v))
        *d = (double)(int32_t)v;
    else
        return false;
    return true;
}

/* -- Stores ------------------------------------------------------------ */

JIT_TEMPLATE(store_val, uint64_t a)
{
    JIT_FRAME_SLOT = a;
    return true;
}

JIT_TEMPLATE(store_int, uint64_t a)
{
    JIT_FRAME_SLOT = jit_box_int(a);
    return true;
}

JIT_TEMPLATE(store_num, double a)
{
    JIT_FRAME_SLOT = jit_box_num(a);
    return true;
}

/* -- Guards and conversions on Values in registers --------------------- */

JIT_TEMPLATE(guard_int, uint64_t a)
{
    return jit_is_int(a);
}

JIT_TEMPLATE(guard_num, uint64_t a)
{
    return jit_is_num(a);
}

JIT_TEMPLATE(guard_val, uint64_t a)
{
    return a == jit_const64();
}

JIT_TEMPLATE(unbox_num, double *d, uint64_t a)
{
    if (!jit_is_num(a))
        return false;
    *d = jit_bits_to_num(a);
    return true;
}

JIT_TEMPLATE(box_int, uint64_t *d, uint64_t a)
{
    *d = jit_box_int(a);
    return true;
}

JIT_TEMPLATE(box_num, uint64_t *d, double a)
{
    *d = jit_box_num(a);
    return true;
}

/* -- Spill slots ------------------------------------------------------- */

JIT_TEMPLATE(spill, uint64_t a)
{
    JIT_SPILL_SLOT = a;
    return true;
}

JIT_TEMPLATE(reload, uint64_t *d)
{
    *d = JIT_SPILL_SLOT;
    return true;
}

JIT_TEMPLATE(spill_num, double a)
{
    JIT_SPILL_SLOT = jit_num_to_bits(a);
    return true;
}

JIT_TEMPLATE(reload_num, double *d)
{
    *d = jit_bits_to_num(JIT_SPILL_SLOT);
    return true;
}

JIT_STENCILS_FRAME(JIT_INSTANTIATE)
