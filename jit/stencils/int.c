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

/* x % y floored, for a constant y in [2, JIT_MODK_MAX] (OPERAND0), without
** a division: CONST is M = floor((2^64 - 1) / y) + 1, so M * y = 2^64 + e
** with 0 <= e < y, and x * M / 2^64 = floor(x / y) + (x mod y + x * e /
** 2^64) / y, whose second term stays below 1 while x * e < 2^64: the
** high half of x * M is floor(x / y). Adding y * 2^31 first makes x
** non-negative without changing x mod y, so the floored result (its sign
** follows the positive divisor: 0 <= r < y) is the unsigned one; then
** x * e < (y + 1) * 2^31 * y, below 2^64 for y up to 92681, which is what
** bounds y. Never exits. */
JIT_TEMPLATE(modk_int, uint64_t *d, uint64_t a)
{
    uint64_t y = (uint32_t)JIT_OPERAND(0);
    uint64_t x = (uint64_t)(int64_t)(int32_t)a + (y << 31);
    uint64_t q = (uint64_t)(((unsigned __int128)x * jit_const64()) >> 64);
    *d = (uint32_t)(x - q * y);
    return true;
}

/* x / y when the quotient is an int32, as the interpreter gives it then
** (jit/record.c, rec_divmod): exits unless y divides x, and for 0 / y
** with y < 0 (that is -0, a double) and INT32_MIN / -1 (does not fit). */
JIT_TEMPLATE(div_int, uint64_t *d, uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0 || (y == -1 && x == INT32_MIN) || (x == 0 && y < 0) || x % y != 0)
        return false;
    *d = (uint32_t)(x / y);
    return true;
}

/* The same by 2^OPERAND0 (1..30): exact when the low bits are 0, and then
** the arithmetic shift is the quotient, negative or not. */
JIT_TEMPLATE(divp2_int, uint64_t *d, uint64_t a)
{
    uint32_t k = (uint32_t)JIT_OPERAND(0);
    if ((uint32_t)a & ((1u << k) - 1))
        return false;
    *d = (uint32_t)((int32_t)a >> k);
    return true;
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
