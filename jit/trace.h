/* trace.h -- the JIT's state and the interfaces between its stages.
**
** One JitState per VM (vm->jit), made the first time a loop gets hot.
** trace.c owns the order of things: idle -> recording (record.c) ->
** compiling (emit.c) -> installed (the loop's word is JLOOP) or aborted.
** Every failure is an abort with a reason from JIT_ABORTS; an abort
** penalizes the loop (its counter restarts higher, with a little
** randomness) and after maxabort aborts blacklists it (LOOP -> ILOOP).
*/
#ifndef LX_JIT_TRACE_H
#define LX_JIT_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "jit/abi.h"
#include "jit/ir.h"
#include "jit/mcode.h"
#include "vm/opcodes.h"
#include "vm/vm.h"

/* -- Abort reasons -------------------------------------------------------
** X(name, message); %s in a message is the abort's detail (an opcode). */
#define JIT_ABORTS(X)                                                         \
    X(NYIBC,    "NYI: bytecode %s")                                           \
    X(NYITYPE,  "NYI: %s on these operand types")                             \
    X(INNER,    "inner loop in root trace")                                   \
    X(LEAVE,    "leaving loop in root trace")                                 \
    X(FLOW,     "unexpected control flow")                                    \
    X(OVERFLOW, "int overflow while recording %s")                            \
    X(UNDEF,    "undefined global")                                           \
    X(TRACEOV,  "trace too long")                                             \
    X(SNAPOV,   "too many snapshots")                                         \
    X(UNSTABLE, "type of a loop-carried slot changes in the loop")            \
    X(REGS,     "register allocation failed: %s")                     \
    X(MCODE,    "out of machine-code memory")                                 \
    X(PATCH,    "patching failed: %s")                                        \
    X(MAXTRACE, "too many traces")                                            \
    X(ENTRY,    "trace kept failing its entry guards")                        \
    X(OFF,      "JIT switched off while recording")                           \
    X(CALLEE,   "NYI: call of %s")                                            \
    X(DEPTH,    "call depth over maxinline")                                  \
    X(RECURSE,  "recursive call")                                             \
    X(UPVAL,    "return closes upvalues")                                     \
    X(SHORT,    "trace leaves after too few iterations")                    \
    X(FLUSHED,  "its parent trace was dropped")

typedef enum {
#define JIT_ABORT_ENUM(name, msg) JA_##name,
    JIT_ABORTS(JIT_ABORT_ENUM)
#undef JIT_ABORT_ENUM
    JA__COUNT
} JitAbort;

/* -- The recorder's state ----------------------------------------------- */

/* Slots the recorder tracks: the trace's own frame and the frames of the
** calls it inlines, numbered from the trace's frame base (an inlined
** frame's slot s is slot base + s). */
#define JIT_MAXSLOT 1024
/* Globals whose values the recorder remembers (Recorder.gval). */
#define JIT_GVALS 32
/* Inlined calls at most (the maxinline parameter is capped by this). */
#define JIT_MAXINLINE 8

/* An inlined call the recorder is inside of. */
typedef struct {
    ObjClosure *cl;               /* the callee (guarded by identity) */
    uint32_t base;                /* its slot 0, from the trace's base */
    uint32_t ret_pc;              /* the caller's pc after the CALL */
    bool fresh;                   /* cl is the one recorded of a closure
                                  ** the trace makes (not guarded) */
} RecFrame;

typedef struct {
    IRRef slot[JIT_MAXSLOT];      /* the ref a slot holds, 0: none */
    IRRef sload[JIT_MAXSLOT];     /* the slot's SLOAD, 0: none */
    uint8_t modified[JIT_MAXSLOT]; /* written since the loop head */
    int frame;                    /* vm->frame_count - 1 when it started */
    const Instr *next;            /* the pc it expects next */
    uint32_t at;                  /* pc of the instruction being recorded */
    ObjFunction *at_fn;           /* the function `at` is in */
    int depth;                    /* inlined calls entered: fr[1..depth] */
    int pending;                  /* 1 + the slot a native's result went to,
                                  ** typed at the next instruction; 0: none */
    RecFrame fr[JIT_MAXINLINE + 1];
    /* Globals read or written so far, each with the ref of its value: a
    ** GLOAD of one gives that ref again. Only the trace's own GSTOREs
    ** write globals while it runs (no native it calls runs Lox code:
    ** jit/record_call.c), so nothing else can change them. */
    struct {
        uint32_t g;
        IRRef ref;
    } gval[JIT_GVALS];
    int ngval;
} Recorder;

/* A trace that took JIT_SHORT_ENTRIES side exits or more (exits that do
** not end the loop: the interpreter finishes the iteration and enters the
** trace again) and ran fewer than JIT_SHORT_ITERS iterations per side exit
** on average is dropped (JA_SHORT): it costs more than it saves. Only exits
** that side traces cannot take over count (side_hopeless in jit/side.c):
** a hot exit gets a side trace instead. So is one that left through the
** loop's end that many times and ran fewer than half an iteration per such
** exit: it ends before getting anywhere (an outer loop whose inner loop
** runs in the interpreter between entries, say). */
#define JIT_SHORT_ENTRIES 100
#define JIT_SHORT_ITERS 4

/* Penalties of loops whose recording aborted: a small cache. */
#define JIT_PENALTY_SLOTS 64

typedef struct {
    ObjFunction *fn;
    int loop;
    uint16_t aborts;
} Penalty;

typedef enum { JS_IDLE, JS_RECORDING } JitPhase;

typedef struct JitState {
    VM *vm;
    JitPhase phase;
    Trace *cur;                   /* being recorded */
    Recorder rec;
    Trace **traces;               /* by number; [0] unused */
    int ntraces, traces_cap;
    McArena *mc;
    JitCtx ctx;
    Trace *running;               /* the trace whose code runs: the root
                                  ** jit_run entered or one of its side
                                  ** traces (whose code sets it: ctx_store) */
    Penalty pen[JIT_PENALTY_SLOTS];
    int pen_next;
    uint32_t rng;
    /* Counters for jit.stats(). */
    uint64_t n_traces, n_aborts, n_exits, n_blacklisted, n_flushes, n_side;
    uint64_t compile_ns;
    uint64_t t_start;             /* when the current recording started */
    FILE *perf;                   /* --perf: /tmp/perf-PID.map, once opened */
    bool flush_pending;           /* the arena filled while a side trace
                                  ** compiled: flush once it is abandoned */
} JitState;

static inline int32_t jit_param(const JitState *J, ParamId p)
{
    return J->vm->jit_opts.param[p];
}

/* -- Stage interfaces ---------------------------------------------------- */

/* trace.c: end the current recording with an abort (detail may be NULL). */
void trace_abort(JitState *J, JitAbort why, const char *detail);
/* trace.c: the recording reached its back-edge: compile and install. */
void trace_finish(JitState *J);
/* trace.c: the source line of pc in fn, and fn's file, for messages. */
int trace_line(const ObjFunction *fn, uint32_t pc);
const char *trace_source(const JitState *J, const ObjFunction *fn);

/* record.c: start recording T (the recorder's state is reset). */
void rec_start(JitState *J, Trace *T);
/* record.c: record one instruction; false when recording ended. */
bool rec_ins(JitState *J, const Instr *pc);

/* snap.c: take a snapshot of the recorder's modified slots, resuming at
** pc; returns its number or -1 when there are too many. */
int snap_take(JitState *J, Trace *T, uint32_t pc);
/* snap.c: write snapshot n's values into the frame at base, reading
** registers and spill slots from ctx; returns the pc to resume at. */
const Instr *snap_restore(const Trace *T, int n, const JitCtx *ctx, Value *base);
/* snap.c: the same for a native call from the trace (jit/ncall.c): only
** the slots [lo, hi) and the boxed objects are written, frames pushed. */
const Instr *snap_restore_call(const Trace *T, int n, const JitCtx *ctx, Value *base,
                               uint32_t lo, uint32_t hi);
/* snap.c: the value slot s (from base) would have if snapshot n were
** restored, without writing anything. */
Value snap_slot(const Trace *T, int n, const JitCtx *ctx, const Value *base, uint32_t s);

/* emit.c: allocate registers and emit T's machine code into J->mc. On
** failure returns the abort reason and sets *detail. */
JitAbort emit_trace(JitState *J, Trace *T, const char **detail);

/* exit.c: the exit handler the traces' exit_common calls. */
uint64_t exit_handler(JitCtx *ctx, Value *base);
/* exit.c: the helper of IR_NCALL (a native call from a trace). */
uint64_t exit_call_native(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused);
/* ncall.c: the helpers of IR_NALLOC and IR_FTAB (allocation from a trace
** without the state rebuilt when no collection can happen). */
uint64_t ncall_alloc(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused);
uint64_t ncall_fields(JitCtx *ctx, Value *base, uint64_t ref, uint64_t inst);
uint64_t ncall_closure(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused);
uint64_t ncall_close(JitCtx *ctx, Value *base, uint64_t ref, uint64_t unused);

/* NCALL's a: how the callee is found. */
enum { NCALL_CALL, NCALL_MODULE, NCALL_METHOD, NCALL_OP };

/* side.c: side traces (see there). */
/* After exit n of X returned to the interpreter: a new side trace to
** record from there when the exit is hot, else NULL. */
Trace *side_want(JitState *J, Trace *X, int n);
/* Whether exit n of X goes to the interpreter for good (no side trace
** will take it over): what JA_SHORT counts. */
bool side_hopeless(const JitState *J, const Trace *X, int n);
/* Whether side trace T may end by leaving the loop (jit/record.c,
** side_leave): not at its exit's first try. */
bool side_may_leave(const Trace *T);
/* The recording of side trace T aborted: penalize its parent's exit. */
void side_penalize(JitState *J, Trace *T, JitAbort why);
/* Re-aim T's parent's exit stub at T's prologue; false (and *detail)
** when the stub is not what it should be. */
bool side_link(JitState *J, Trace *T, const char **detail);
/* The JitCtx-relative offset of JitState.running, which the side traces'
** code keeps naming the trace that runs (exits and natives read it). */
int32_t side_running_off(void);

/* dump.c: -jdump output for a compiled trace. */
void dump_trace(FILE *out, const Trace *T);

#endif
