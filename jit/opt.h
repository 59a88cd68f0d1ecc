/* opt.h -- the trace optimizer: passes over a recorded trace's IR, one
** file each, run in order by opt_run (jit/opt.c) between recording and
** register allocation (jit/emit.c calls it).
**
** The pipeline, in this order:
**
**   (recording)  opt_fold_emit (jit/opt_fold.c), called by ir_emit:
**                constant folding and CSE of instructions that cannot exit
**   opt_fold     (jit/opt_fold.c) the same for guards: constant operands,
**                a guard that repeats an earlier one
**   opt_fields   (jit/opt_fields.c) field load reuse, store forwarding
**   opt_guard    (jit/opt_guard.c) type guards whose outcome is known
**   snap_complete (jit/snap.c) loop-carried slots into every snapshot
**   opt_dce      (jit/opt_dce.c) snapshots no guard uses, values nothing
**                reads
**   opt_hoist    (jit/opt_hoist.c) loop-invariant code into the entry
**
** Every pass rewrites in place: what it removes becomes IR_NOP and every
** use of its value (operands, snapshots, the back-edge) names the value
** that replaces it (opt_subst); a pass never appends an instruction, so
** refs stay what the recorder made them. With -O ircheck=1 the IR is
** checked (jit/ircheck.h) after recording and after every pass.
*/
#ifndef LX_JIT_OPT_H
#define LX_JIT_OPT_H

#include <stdint.h>

#include "jit/ir.h"

struct JitState;

enum { OPT_VARIANT, OPT_INVARIANT, OPT_HOISTED };

/* Run the pipeline on a trace whose recording ended; fills inv[0 ..
** T->nir) (opt_hoist) and T->loopsnap (snap_complete). */
void opt_run(struct JitState *J, Trace *T, uint8_t *inv);

/* Mark each ref of T (inv[0 .. T->nir)): OPT_INVARIANT for constants and
** SLOADs of slots the body does not modify, OPT_HOISTED for arithmetic
** the entry computes once instead of every iteration (its guards then
** exit through snapshot 0), else OPT_VARIANT. */
void opt_hoist(Trace *T, uint8_t *inv);

/* ir_emit's hook: the constant or earlier ref an instruction that cannot
** exit and reads no memory is, or 0: emit it. */
IRRef opt_fold_emit(Trace *T, IROp op, IRType t, int32_t a, int32_t b);

/* Guards with constant operands decided, pure instructions that repeat an
** earlier one removed, their uses renamed. */
void opt_fold(Trace *T);

/* Turn field loads that repeat an earlier one, or read what
** was just stored there, into NOPs, their uses renamed. */
void opt_fields(Trace *T);

/* Type guards whose outcome earlier guards or the value's maker decide
** (UNBOX, TRUTHY, FALSEY, EQV, NEV) removed, their uses renamed. */
void opt_guard(Trace *T);

/* Snapshots no guard uses dropped (renumbered), then every instruction
** without a guard or an effect whose value nothing needs made a NOP.
** After snap_complete. */
void opt_dce(Trace *T);

/* -- Shared by the passes (jit/opt.c) ------------------------------------ */

/* Make ref a NOP. */
void opt_nop(Trace *T, IRRef ref);

/* Rename the operands r of ins with subst[r] != 0 to subst[r] (following
** chains: subst[subst[r]] and on). */
void opt_rename(IRIns *ins, const IRRef *subst);

/* Rename every use of a ref r with subst[r] != 0 (operands of later
** instructions, snapshot entries, back-edge values of slots and globals)
** to subst[r]. */
void opt_subst(Trace *T, const IRRef *subst);

/* A zeroed array of T->nir refs (aborts the process if out of memory). */
IRRef *opt_refs(const Trace *T);

#endif
