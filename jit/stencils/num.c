/* num.c -- double arithmetic and comparison stencils.
**
** Doubles live unboxed in f0-f7 (xmm0-xmm7). Arithmetic never exits:
** IEEE results are the Lox results, and a NaN is canonicalized only when
** it is boxed (store_num, box_num), the one place its bits become
** visible.
*/
#include "jit/stencils/template.h"

JIT_TEMPLATE(const_num, double *d)
{
    *d = jit_bits_to_num(jit_const64());
    return true;
}

JIT_TEMPLATE(mov_num, double *d, double a)
{
    *d = a;
    return true;
}

JIT_TEMPLATE(mov_num_hi, double *d, double a)
{
    *d = a;
    return true;
}

JIT_TEMPLATE(mov_num_lo, double *d, double a)
{
    *d = a;
    return true;
}

JIT_TEMPLATE(int_to_num, double *d, uint64_t a)
{
    *d = (double)(int32_t)a;
    return true;
}

#define JIT_NUM_ARITH(name, op)                                              \
    JIT_TEMPLATE(name##_num, double *d, double a, double b)                  \
    {                                                                        \
        *d = a op b;                                                         \
        return true;                                                         \
    }

JIT_NUM_ARITH(add, +)
JIT_NUM_ARITH(sub, -)
JIT_NUM_ARITH(mul, *)
JIT_NUM_ARITH(div, /)

JIT_TEMPLATE(neg_num, double *d, double a)
{
    *d = -a;
    return true;
}

/* -- Comparison guards ------------------------------------------------- */

/* name_num exits unless a op b; nname_num exits unless !(a op b). The two
** differ only for NaN, where every ordered comparison is false. */
#define JIT_NUM_GUARD(name, op)                                              \
    JIT_TEMPLATE(name##_num, double a, double b)                             \
    {                                                                        \
        return a op b;                                                       \
    }                                                                        \
    JIT_TEMPLATE(n##name##_num, double a, double b)                          \
    {                                                                        \
        return !(a op b);                                                    \
    }

JIT_NUM_GUARD(lt, <)
JIT_NUM_GUARD(le, <=)
JIT_NUM_GUARD(gt, >)
JIT_NUM_GUARD(ge, >=)

JIT_TEMPLATE(eq_num, double a, double b)
{
    return a == b;
}

JIT_TEMPLATE(ne_num, double a, double b)
{
    return a != b;
}

JIT_STENCILS_NUM(JIT_INSTANTIATE)
