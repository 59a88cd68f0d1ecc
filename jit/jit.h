/* jit.h -- the trace JIT as the interpreter sees it: the one jit/ header
** that vm/ and stdlib/ include.
**
** The protocol with the interpreter (vm/interp.c):
**   - A LOOP word whose hot counter runs out calls vm_hot_loop, which calls
**     jit_hot_loop. That may start recording; the interpreter then asks
**     jit_recording() and, if true, dispatches through its recording table,
**     whose every entry calls jit_record(vm, pc) before the instruction
**     runs. jit_record returns false when recording is over (the trace was
**     compiled or the recording aborted): the interpreter goes back to its
**     normal table. Recording never changes what the instruction does.
**   - A compiled loop's LOOP word is rewritten to JLOOP (same A and sBx;
**     fn->hotcounts[A] then holds the trace number). The interpreter runs
**     the jump and calls jit_run(vm, fn, A, base), which runs the trace and
**     returns the pc to resume at, with the frame's registers rebuilt from
**     the exit's snapshot.
** Nothing the JIT does is visible to the Lox program: every failure inside
** it aborts the trace and the interpreter goes on (see jit/trace.h).
*/
#ifndef LX_JIT_H
#define LX_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/vm.h"

/* A loop's counter ran out: maybe start recording it. */
void jit_hot_loop(VM *vm, ObjFunction *fn, int loop, const Instr *ip);

/* True while a trace is being recorded. */
bool jit_recording(VM *vm);

/* Record the instruction at pc (of the innermost frame) before it runs.
** False: recording is over, dispatch normally from now on. */
bool jit_record(VM *vm, const Instr *pc);

/* Run the trace of loop `loop` of fn (its word is JLOOP) on the frame at
** base; returns the pc the interpreter resumes at. */
const Instr *jit_run(VM *vm, ObjFunction *fn, int loop, Value *base);

/* -- For stdlib/jit.c and the VM's life cycle ---------------------------- */

/* The counters of jit.stats(), in its map's order. */
#define LX_JIT_STATS(X)                                                     \
    X(traces)       /* traces compiled (ever) */                            \
    X(aborts)       /* recordings aborted (ever) */                         \
    X(exits)        /* side exits taken */                                  \
    X(mcode_bytes)  /* machine code in use */                               \
    X(compile_us)   /* time spent recording and compiling, microseconds */  \
    X(blacklisted)  /* loops that stopped trying */                         \
    X(flushes)      /* times every trace was dropped */                     \
    X(side_traces)  /* side traces compiled (ever), counted in traces too */

typedef struct {
#define LX_JIT_STAT_FIELD(name) double name;
    LX_JIT_STATS(LX_JIT_STAT_FIELD)
#undef LX_JIT_STAT_FIELD
} JitStats;

void jit_stats(VM *vm, JitStats *out);

/* Drop every trace (their loops count again from hotloop). */
void jit_flush(VM *vm);

/* jit.on() / jit.off(): off drops every trace too. */
void jit_set_on(VM *vm, bool on);

/* Free the JIT's state (vm_free). */
void jit_free(VM *vm);

#endif
