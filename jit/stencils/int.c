/* int.c -- int32 arithmetic and comparison stencils.
**
** Operands are value registers holding ints (INVARIANT(gpr-int32) in
** jit/abi.h): read as (int32_t)r, written zero-extended, which is what
** 32-bit x86 instructions do anyway. Any result the interpreter would
** not produce as an int32 exits instead: overflow (the interpreter goes
** on in doubles) and -0 (INVARIANT(int-never-neg-zero) in vm/value.h).
** The exit happens before anything is written, so the interpreter redoes
** the operation from the operands (INVARIANT(exit-sees-inputs)).
*/
#include "jit/stencils/template.h"

JIT_TEMPLATE(const_int, uint64_t *d)
{
    *d = (uint32_t)JIT_OPERAND(0);
    return true;
}

JIT_TEMPLATE(mov, uint64_t *d, uint64_t a)
{
    *d = a;
    return true;
}

/* -- Arithmetic with overflow exits ------------------------------------ */

JIT_INLINE bool jit_add(uint64_t *d, int32_t a, int32_t b)
{
    int32_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *d = (uint32_t)r;
    return true;
}

JIT_INLINE bool jit_sub(uint64_t *d, int32_t a, int32_t b)
{
    int32_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return false;
    *d = (uint32_t)r;
    return true;
}

/* A zero product is -0 when either factor is negative (0 * -1). */
JIT_INLINE bool jit_mul(uint64_t *d, int32_t a, int32_t b)
{
    int32_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    if (r == 0 && (a | b) < 0)
        return false;
    *d = (uint32_t)r;
    return true;
}

JIT_TEMPLATE(add_int, uint64_t *d, uint64_t a, uint64_t b)
{
    return jit_add(d, (int32_t)a, (int32_t)b);
}

JIT_TEMPLATE(sub_int, uint64_t *d, uint64_t a, uint64_t b)
{
    return jit_sub(d, (int32_t)a, (int32_t)b);
}

JIT_TEMPLATE(mul_int, uint64_t *d, uint64_t a, uint64_t b)
{
    return jit_mul(d, (int32_t)a, (int32_t)b);
}

JIT_TEMPLATE(addk_int, uint64_t *d, uint64_t a)
{
    return jit_add(d, (int32_t)a, JIT_OPERAND(0));
}

JIT_TEMPLATE(subk_int, uint64_t *d, uint64_t a)
{
    return jit_sub(d, (int32_t)a, JIT_OPERAND(0));
}

JIT_TEMPLATE(mulk_int, uint64_t *d, uint64_t a)
{
    return jit_mul(d, (int32_t)a, JIT_OPERAND(0));
}

/* -0 is a double, and -INT32_MIN does not fit. */
JIT_TEMPLATE(neg_int, uint64_t *d, uint64_t a)
{
    return jit_sub(d, 0, (int32_t)a) && (int32_t)a != 0;
}

/* -- Comparison guards ------------------------------------------------- */

/* A branch the recorder saw go one way becomes a guard that the
** comparison comes out the same way; the other way is an exit. */
#define JIT_INT_GUARD(name, op)                                              \
    JIT_TEMPLATE(name##_int, uint64_t a, uint64_t b)                         \
    {                                                                        \
        return (int32_t)a op (int32_t)b;                                     \
    }                                                                        \
    JIT_TEMPLATE(name##k_int, uint64_t a)                                    \
    {                                                                        \
        return (int32_t)a op JIT_OPERAND(0);                                 \
    }

JIT_INT_GUARD(lt, <)
JIT_INT_GUARD(le, <=)
JIT_INT_GUARD(gt, >)
JIT_INT_GUARD(ge, >=)
JIT_INT_GUARD(eq, ==)
JIT_INT_GUARD(ne, !=)

JIT_STENCILS_INT(JIT_INSTANTIATE)
