/* emit_int.h -- the emitter's shared internals, for jit/emit.c,
** jit/regalloc.c and jit/emit_ops.c. Not a stage API: nothing outside
** the emitter includes it (emit_trace is declared in jit/trace.h).
**
** Emit is the state of one compilation; its code list (Item) is what
** the emitters append to and jit/emit.c places and patches. The
** functions one file calls in another are declared at the end: `ra_` for
** the register allocator, `emit_` for the rest.
*/
#ifndef LX_JIT_EMIT_INT_H
#define LX_JIT_EMIT_INT_H

#include <stdlib.h>
#include <string.h>

#include "jit/stencil.h"
#include "jit/trace.h"

typedef struct {
    JitStencilId id;
    int32_t slot;       /* SLOT: byte offset */
    int32_t op0;        /* OPERAND0 */
    uint64_t k;         /* CONST */
    uint64_t helper;    /* HELPER */
    int32_t exit;       /* EXIT: snapshot number, -1 none */
    uint8_t target;     /* TARGET */
} Item;

#define SPILL_TMP (JIT_NSPILL - 1)   /* the parallel move's cycle breaker */

typedef struct {
    JitState *J;
    Trace *T;
    Item *items;
    int nitems, cap;
    int head;           /* index of the first body item */
    int *start, *end;   /* live interval of each ref; end 0: dead */
    uint8_t *inv;       /* per ref: OPT_HOISTED ones run in the entry */
    int K;              /* registers per class usable as homes */
    int pos;            /* position being emitted */
    uint8_t busy[2];    /* scratch registers taken at pos, per class */
    uint8_t fixed[2];   /* registers never scratch at pos (move targets) */
    const char *fail;
    /* Scratch registers an instruction found short, per class and ref:
    ** the allocator keeps that many more free there (ra_allocate). */
    uint8_t *need[2];
    int short_pos, short_cls;   /* where emit_scratch last found none, or -1 */
    /* While a root's entry is emitted, the registers its loads and
    ** hoisted instructions filled so far: every value it defines is live
    ** at position 0, but one not defined yet leaves its home free for a
    ** scratch use (emit_scratch). */
    bool entry;
    uint8_t filled[2];
} Emit;

static inline Item *item(Emit *e, JitStencilId id)
{
    if (e->nitems == e->cap) {
        e->cap = e->cap < 64 ? 64 : e->cap * 2;
        e->items = realloc(e->items, sizeof(Item) * (size_t)e->cap);
        if (e->items == NULL)
            abort();
    }
    Item *it = &e->items[e->nitems++];
    memset(it, 0, sizeof *it);
    it->id = id;
    it->exit = -1;
    return it;
}

static inline int reg_class(const IRIns *ins)
{
    return ins->t == IRT_NUM ? 1 : 0;
}

/* Doubles that find no register among f0-f3 live in f4-f6 rather than
** in spill slots when one of those is free over their whole interval: no
** stencil names them, so each use is a register move (mov_num_lo and
** mov_num_hi) instead of a load or store. f7 is the iteration counter
** (count_iter). Two intervals may share one where the first ends at the
** instruction that defines the second: the move in comes before the
** stencil, the move out after it. */
#define HI_FIRST 4
#define HI_LAST 6

static inline bool is_hi(IRLoc l)
{
    return l.kind == LOC_FPR && l.idx >= HI_FIRST;
}

#define TRY(x) do { if ((x) < 0) return false; } while (0)

/* -- Functions shared between the emitter's files ------------------------ */

/* jit/regalloc.c */
void ra_liveness(Emit *e);
bool ra_allocate(Emit *e);

/* jit/emit_ops.c */
int emit_scratch(Emit *e, int cls);
void emit_const(Emit *e, int cls, int reg, Value v, IRType t);
void emit_reload(Emit *e, int cls, int reg, int slot);
void emit_spill(Emit *e, int cls, int reg, int slot);
int emit_in(Emit *e, IRRef ref);
int emit_out(Emit *e, IRRef ref);
void emit_settle(Emit *e, IRRef ref, int reg);
int emit_boxed(Emit *e, IRRef ref);
bool emit_ins(Emit *e, IRRef ref);

#endif
