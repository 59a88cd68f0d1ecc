/* opt_hoist.c -- loop-invariant code motion into the trace's entry (opt.h).
**
** The entry (the SLOADs and their type guards) runs once each time the
** trace is entered, the body once per iteration; an arithmetic instruction
** whose operands are all loop-invariant computes the same value in every
** iteration, so the entry can compute it once (`i * j` inside a `k` loop).
** The values it reads at the entry then need no register in the body
** unless the body reads them too, which is where most of the gain is with
** four registers per class.
**
** Invariant: a constant, the SLOAD of a slot the body never modifies (the
** frame holds it unchanged, INVARIANT(snap-complete)), or a hoisted
** instruction. Hoisted: CONV TOINT ADD SUB MUL DIV MOD NEG with invariant
** operands: pure but for their guards (overflow, -0, a zero divisor,
** inexact), which then exit through snapshot 0, the entry's: at the
** entry the frame is the interpreter's and nothing happened yet, so the
** interpreter redoes the whole first iteration, where the same operation
** fails the same way. Loads are never hoisted (a store or a native in the
** body may change what they read), nor compares (a branch on an invariant
** that goes the other way in a later entry would become a failing entry
** and drop the trace, where a side exit gets a side trace). Only root
** traces that loop are hoisted: a side trace jumps to its root's entry,
** which recomputes the hoisted values, so they need nothing from it.
*/
#include "jit/opt.h"

void opt_hoist(Trace *T, uint8_t *inv)
{
    for (IRRef r = 0; r < T->nir; r++)
        inv[r] = 0;
    if (T->parent != NULL || T->link != 0)
        return;
    for (IRRef r = 1; r < T->nir; r++) {
        IRIns *ins = &T->ir[r];
        switch ((IROp)ins->op) {
        case IR_KINT: case IR_KNUM: case IR_KVAL:
            inv[r] = OPT_INVARIANT;
            break;
        case IR_SLOAD: {
            bool modified = false;
            for (int b = 0; b < T->nback; b++)
                modified |= T->back[b].slot == ins->a;
            if (!modified)
                inv[r] = OPT_INVARIANT;
            break;
        }
        case IR_CONV: case IR_TOINT: case IR_NEG:
            if (inv[ins->a]) {
                inv[r] = OPT_HOISTED;
                if (ins->snap != IR_NOSNAP)
                    ins->snap = 0;
            }
            break;
        case IR_ADD: case IR_SUB: case IR_MUL: case IR_DIV: case IR_MOD:
            if (inv[ins->a] && inv[ins->b]) {
                inv[r] = OPT_HOISTED;
                if (ins->snap != IR_NOSNAP)
                    ins->snap = 0;
            }
            break;
        default:
            break;
        }
    }
}
