/* opt.h -- optimizations on a recorded trace (jit/opt.c), run by
** jit/emit.c before register allocation. */
#ifndef LX_JIT_OPT_H
#define LX_JIT_OPT_H

#include <stdint.h>

#include "jit/ir.h"

enum { OPT_VARIANT, OPT_INVARIANT, OPT_HOISTED };

/* Mark each ref of T (inv[0 .. T->nir)): OPT_INVARIANT for constants and
** SLOADs of slots the body does not modify, OPT_HOISTED for arithmetic
** the entry computes once instead of every iteration (its guards then
** exit through snapshot 0), else OPT_VARIANT. */
void opt_hoist(Trace *T, uint8_t *inv);

/* Turn field loads (and unboxings) that repeat an earlier one, or read a
** field just stored, into NOPs, their uses renamed (jit/opt.c). */
void opt_fields(Trace *T);

#endif
