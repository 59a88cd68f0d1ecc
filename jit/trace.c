/* trace.c -- the trace state machine and the JIT's life cycle.
**
**   idle --hot LOOP--> recording --back-edge--> compiling --> installed
**                          |                        |
**                          +------ abort <----------+
**
** Installing a trace rewrites its loop's LOOP word to JLOOP (opcode only:
** A and sBx stay) and stores the trace number in fn->hotcounts[A], which a
** JLOOP does not count with. Dropping a trace (flush, jit.off(), an entry
** that keeps failing) rewrites it back to LOOP and re-arms the counter.
** An abort penalizes the loop: its counter restarts at hotloop doubled per
** abort, plus up to 15 at random so that loops that abort together do not
** retry together; after maxabort aborts the loop is blacklisted (ILOOP),
** and never counts again.
**
** A hot exit starts a side trace instead (jit/side.c): same machine, but
** it starts at the exit (jit_run, after the trace returned), is installed
** by re-aiming its parent's exit stub, and belongs to its root's tree,
** which is dropped as a whole (drop_tree). Its aborts penalize the exit.
**
** GC: a trace keeps its function alive, and with it every constant the
** trace embeds (they come from the function's constant table, or are
** nil/true/false and numbers); jit_mark marks them (vm->mark_extra).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jit/disasm.h"
#include "jit/jit.h"
#include "jit/perf.h"
#include "jit/trace.h"
#include "vm/config.h"
#include "vm/memory.h"

static const char *const abort_msgs[JA__COUNT] = {
#define JIT_ABORT_MSG(name, msg) msg,
    JIT_ABORTS(JIT_ABORT_MSG)
#undef JIT_ABORT_MSG
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int trace_line(const ObjFunction *fn, uint32_t pc)
{
    return pc < (uint32_t)fn->ncode ? fn->lines[pc] : 0;
}

const char *trace_source(const JitState *J, const ObjFunction *fn)
{
    if (fn->source != NULL)
        return fn->source->chars;
    return J->vm->script_path ? J->vm->script_path : "?";
}

/* " side of trace P exit E" for -jv, empty for a root. */
static const char *side_note(const Trace *T, char *buf, size_t size)
{
    buf[0] = '\0';
    if (T->parent != NULL)
        snprintf(buf, size, ", side of trace %d exit %d", T->parent->no, T->exit);
    return buf;
}

/* ", links to trace N" for -jv's stop line of a trace that jumps to
** another tree's loop (Trace.ltarget), else empty. */
static const char *link_note(const Trace *T, char *buf, size_t size)
{
    buf[0] = '\0';
    if (T->ltarget != NULL)
        snprintf(buf, size, ", links to trace %d", T->ltarget->no);
    return buf;
}

/* -- State ---------------------------------------------------------------- */

static void jit_mark(VM *vm);
static bool flush_for_mcode(void *ud);
static void trace_free(Trace *T);

static JitState *state(VM *vm)
{
    if (vm->jit != NULL)
        return vm->jit;
    JitState *J = calloc(1, sizeof *J);
    if (J == NULL)
        return NULL;
    J->vm = vm;
    size_t budget = (size_t)vm->jit_opts.param[PARAM_sizemcode] << 10;
    J->mc = mc_new(budget, flush_for_mcode, J);
    if (J->mc == NULL) {
        free(J);
        return NULL;
    }
    J->ctx.vm = vm;
    J->ctx.user = J;
    J->rng = 0x2545F491u;
    vm->jit = J;
    vm->mark_extra = jit_mark;
    return J;
}

static uint32_t rnd(JitState *J)
{
    uint32_t x = J->rng;        /* xorshift32: only for penalty jitter */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return J->rng = x;
}

/* -- Penalties and blacklisting -------------------------------------------- */

static void penalize(JitState *J, ObjFunction *fn, int loop, uint32_t loop_pc, JitAbort why)
{
    Penalty *p = NULL;
    for (int k = 0; k < JIT_PENALTY_SLOTS; k++)
        if (J->pen[k].fn == fn && J->pen[k].loop == loop)
            p = &J->pen[k];
    if (p == NULL) {
        p = &J->pen[J->pen_next];
        J->pen_next = (J->pen_next + 1) % JIT_PENALTY_SLOTS;
        p->fn = fn;
        p->loop = loop;
        p->aborts = 0;
    }
    p->aborts++;
    /* Causes that will not go away by trying again later count thrice, so
    ** their loops are blacklisted sooner. */
    if (why == JA_SHORT || why == JA_INNER)
        p->aborts += 2;
    Instr *w = &fn->code[loop_pc];
    if (p->aborts >= jit_param(J, PARAM_maxabort)) {
        if (INS_OP(*w) == OP_LOOP) {
            *w = ins_set_op(*w, OP_ILOOP);
            J->n_blacklisted++;
            if (J->vm->jit_opts.verbose)
                fprintf(stderr, "[jit] blacklisted loop at %s:%d\n", trace_source(J, fn),
                        trace_line(fn, loop_pc));
        }
        return;
    }
    /* A loop whose first iteration has other types than the rest (a
    ** variable starting as 0 and then holding doubles) is worth another
    ** try at the very next iteration rather than much later. */
    if (why == JA_UNSTABLE) {
        fn->hotcounts[loop] = 1;
        return;
    }
    uint32_t c = (uint32_t)J->vm->hotloop << (p->aborts < 8 ? p->aborts : 8);
    c += rnd(J) & 15;
    fn->hotcounts[loop] = (uint16_t)(c > 65535 ? 65535 : c);
}

void trace_abort(JitState *J, JitAbort why, const char *detail)
{
    Trace *T = J->cur;
    if (J->phase != JS_RECORDING || T == NULL)
        return;
    if (J->vm->jit_opts.verbose) {
        char msg[160], note[64];
        snprintf(msg, sizeof msg, abort_msgs[why], detail ? detail : "?");
        fprintf(stderr, "[jit] abort at %s:%d: %s%s\n", trace_source(J, T->fn),
                trace_line(J->rec.at_fn ? J->rec.at_fn : T->fn, J->rec.at), msg,
                side_note(T, note, sizeof note));
    }
    J->n_aborts++;
    /* A side trace's abort is its exit's, not the loop's (jit/side.c). */
    if (T->parent != NULL)
        side_penalize(J, T, why);
    else
        penalize(J, T->fn, T->loop, T->loop_pc, why);
    trace_free(T);
    J->cur = NULL;
    J->phase = JS_IDLE;
    J->compile_ns += now_ns() - J->t_start;
    /* The arena filled while a side trace compiled (flush_for_mcode): now
    ** that it is gone, start over. */
    if (J->flush_pending) {
        J->flush_pending = false;
        jit_flush(J->vm);
    }
}

/* -- Dropping traces ------------------------------------------------------ */

static void unhook(Trace *T, uint16_t count)
{
    Instr *w = &T->fn->code[T->loop_pc];
    if (INS_OP(*w) == OP_JLOOP && T->fn->hotcounts[T->loop] == T->no) {
        *w = ins_set_op(*w, OP_LOOP);
        T->fn->hotcounts[T->loop] = count;
    }
}

static void trace_free(Trace *T)
{
    free(T->xstate);
    trace_free_ir(T);
    free(T);
}

/* A side trace being recorded whose tree goes away goes with it
** (INVARIANT(side-tree)); root NULL: any tree. */
static void abort_orphan(JitState *J, const Trace *root)
{
    Trace *C = J->cur;
    if (J->phase == JS_RECORDING && C != NULL && C->parent != NULL &&
        (root == NULL || C->root == root))
        trace_abort(J, JA_FLUSHED, NULL);
}

/* Drop the tree of root R: R and its side traces. R's loop counts again
** from `count`. */
static void drop_one(JitState *J, Trace *R, uint16_t count)
{
    abort_orphan(J, R);
    unhook(R, count);
    for (int n = 1; n <= J->ntraces; n++) {
        Trace *T = J->traces[n];
        if (T != NULL && T->root == R && T != R) {
            J->traces[n] = NULL;
            trace_free(T);
        }
    }
    J->traces[R->no] = NULL;
    trace_free(R);
}

/* Drop R's tree and every tree that has a trace jumping into a dropped
** one (INVARIANT(link-target) in jit/ir.h): an outer loop's trace that
** links to R, a side trace of an inner loop that links to R's loop. Those
** loops count again from hotloop. */
static void drop_tree(JitState *J, Trace *R, uint16_t count)
{
    uint8_t *gone = calloc((size_t)J->ntraces + 1, 1);
    if (gone == NULL)
        abort();
    gone[R->no] = 1;
    for (bool more = true; more;) {
        more = false;
        for (int n = 1; n <= J->ntraces; n++) {
            const Trace *T = J->traces[n];
            if (T != NULL && T->ltarget != NULL && gone[T->ltarget->no] && !gone[T->root->no])
                gone[T->root->no] = more = true;
        }
    }
    for (int n = 1; n <= J->ntraces; n++)
        if (gone[n] && n != R->no && J->traces[n] != NULL)
            drop_one(J, J->traces[n], J->vm->hotloop);
    drop_one(J, R, count);
    free(gone);
}

static void drop_all(JitState *J)
{
    abort_orphan(J, NULL);
    for (int n = 1; n <= J->ntraces; n++) {
        Trace *T = J->traces[n];
        if (T == NULL)
            continue;
        if (T->parent == NULL)
            unhook(T, J->vm->hotloop);
        trace_free(T);
        J->traces[n] = NULL;
    }
    J->ntraces = 0;
    J->n_flushes++;
}

/* The arena is full: drop everything. No trace runs while one compiles
** (recording happens in the interpreter), so this can agree, unless a
** side trace is compiling: its parent's code must stay until it is
** abandoned (JA_MCODE), and trace_abort flushes then. */
static bool flush_for_mcode(void *ud)
{
    JitState *J = ud;
    /* Not under a trace being emitted that jumps into existing code: a
    ** side trace (its parent's stub) or one that links (Trace.ltarget). */
    if (J->cur != NULL && (J->cur->parent != NULL || J->cur->ltarget != NULL)) {
        J->flush_pending = true;
        return false;
    }
    drop_all(J);
    return true;
}

void jit_flush(VM *vm)
{
    JitState *J = vm->jit;
    if (J == NULL || J->running != NULL)
        return;
    drop_all(J);
    mc_flush(J->mc);
}

void jit_set_on(VM *vm, bool on)
{
    vm->jit_opts.on = on;
    if (!on)
        jit_flush(vm);
}

/* -- Recording ------------------------------------------------------------ */

/* The function and pc where T's recording starts: a side trace's is
** in the innermost frame of the exit it starts at. */
static const ObjFunction *start_fn(const Trace *T, uint32_t *pc)
{
    *pc = T->start_pc;
    if (T->parent == NULL)
        return T->fn;
    const Snapshot *sn = &T->parent->snaps[T->exit];
    *pc = sn->pc;
    if (sn->nframe == 0)
        return T->fn;
    Value cl = T->parent->sframes[sn->fstart + sn->nframe - 1].closure;
    return ((ObjClosure *)as_obj(cl))->fn;
}

static void begin(JitState *J, Trace *T)
{
    T->no = J->ntraces + 1;
    J->cur = T;
    J->phase = JS_RECORDING;
    J->t_start = now_ns();
    rec_start(J, T);
    if (J->vm->jit_opts.verbose) {
        uint32_t pc;
        const ObjFunction *at = start_fn(T, &pc);
        char note[64];
        fprintf(stderr, "[jit] trace %d start at %s:%d%s\n", T->no, trace_source(J, at),
                trace_line(at, pc), side_note(T, note, sizeof note));
    }
}

void jit_hot_loop(VM *vm, ObjFunction *fn, int loop, const Instr *ip)
{
    fn->hotcounts[loop] = vm->hotloop;
    if (!vm->jit_opts.on || INS_OP(*ip) != OP_LOOP)
        return;
    JitState *J = state(vm);
    if (J == NULL || J->phase != JS_IDLE)
        return;
    if (J->ntraces >= jit_param(J, PARAM_maxtrace))
        jit_flush(vm);
    Trace *T = calloc(1, sizeof *T);
    if (T == NULL)
        return;
    T->fn = fn;
    T->loop = loop;
    T->loop_pc = (uint32_t)(ip - fn->code);
    T->start_pc = (uint32_t)((int64_t)T->loop_pc + 1 + INS_SBX(*ip));
    T->root = T;
    begin(J, T);
}

bool jit_recording(VM *vm)
{
    JitState *J = vm->jit;
    return J != NULL && J->phase == JS_RECORDING;
}

bool jit_record(VM *vm, const Instr *pc)
{
    JitState *J = vm->jit;
    if (J == NULL || J->phase != JS_RECORDING)
        return false;
    return rec_ins(J, pc);
}

/* -- Compiling and installing --------------------------------------------- */

/* --perf: one line per trace in /tmp/perf-PID.map, the format perf reads
** for JIT code ("START SIZE name", hex without 0x), so that `perf report`
** names a trace by its loop's source line. Opened once, kept open, line
** buffered: a trace is named as soon as it exists. */
static void perf_map(JitState *J, const Trace *T)
{
    if (J->perf == NULL) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%ld.map", (long)getpid());
        J->perf = fopen(path, "a");
        if (J->perf == NULL)
            return;
        setvbuf(J->perf, NULL, _IOLBF, 0);
    }
    fprintf(J->perf, "%lx %x lox-trace-%d %s:%d\n", (unsigned long)(uintptr_t)T->mcode,
            T->msize, T->no, trace_source(J, T->fn), trace_line(T->fn, T->start_pc));
}

void trace_finish(JitState *J)
{
    Trace *T = J->cur;
    const char *detail = NULL;
    JitAbort why = emit_trace(J, T, &detail);
    if (why != JA__COUNT) {
        trace_abort(J, why, detail);
        return;
    }
    T->xstate = calloc((size_t)T->nsnap, 1);
    if (T->xstate == NULL) {
        trace_abort(J, JA_MAXTRACE, NULL);
        return;
    }
    if (T->no > J->traces_cap) {
        int cap = J->traces_cap < 16 ? 16 : J->traces_cap * 2;
        while (cap < T->no)
            cap *= 2;
        Trace **t = realloc(J->traces, sizeof(Trace *) * (size_t)(cap + 1));
        if (t == NULL) {
            trace_abort(J, JA_MAXTRACE, NULL);
            return;
        }
        int from = J->traces_cap == 0 ? 0 : J->traces_cap + 1;
        memset(t + from, 0, sizeof(Trace *) * (size_t)(cap + 1 - from));
        J->traces = t;
        J->traces_cap = cap;
    }
    /* A flush during emission (arena full) renumbers from 1. */
    if (T->no > J->ntraces + 1)
        T->no = J->ntraces + 1;
    /* A side trace is entered through its parent's exit stub; a root
    ** through its loop's word. */
    if (T->parent != NULL) {
        if (!side_link(J, T, &detail)) {
            trace_abort(J, JA_PATCH, detail);
            return;
        }
        J->n_side++;
    } else {
        Instr *w = &T->fn->code[T->loop_pc];
        T->fn->hotcounts[T->loop] = (uint16_t)T->no;
        *w = ins_set_op(*w, OP_JLOOP);
    }
    J->traces[T->no] = T;
    J->ntraces = T->no;
    J->n_traces++;
    J->cur = NULL;
    J->phase = JS_IDLE;
    J->compile_ns += now_ns() - J->t_start;
    if (J->vm->jit_opts.verbose) {
        char note[64], lnote[32];
        fprintf(stderr, "[jit] trace %d stop at %s:%d: %d IR, %d exits, %u bytes%s%s\n", T->no,
                trace_source(J, T->fn), trace_line(T->fn, T->loop_pc), T->nir - 1, T->nsnap,
                T->msize, side_note(T, note, sizeof note), link_note(T, lnote, sizeof lnote));
    }
    if (J->vm->jit_opts.dump)
        dump_trace(dump_sink(J->vm), T);
    if (J->vm->jit_opts.perf) {
        perf_map(J, T);
        perf_jitdump(J, T);
    }
}

/* -- Running -------------------------------------------------------------- */

/* Drop root T for reason why (jit_run, judge). */
static __attribute__((noinline)) void drop_judged(JitState *J, Trace *T, JitAbort why)
{
    ObjFunction *fn = T->fn;
    if (J->vm->jit_opts.verbose)
        fprintf(stderr, "[jit] trace %d dropped at %s:%d: %s\n", T->no, trace_source(J, fn),
                trace_line(fn, T->start_pc), abort_msgs[why]);
    J->n_aborts++;
    uint32_t loop_pc = T->loop_pc;
    int loop = T->loop;
    drop_tree(J, T, J->vm->hotloop);
    penalize(J, fn, loop, loop_pc, why);
}

/* Whether root T was dropped for what its runs so far show (inline: it
** runs after every trace's run). */
static inline bool judge(JitState *J, Trace *T)
{
    /* Entry guards failing again and again: the loop now starts with
    ** other types than the trace was recorded for. Drop the trace, so the
    ** loop can be recorded again (an abort, so this cannot go on forever). */
    /* Or it leaves after a few iterations most times it is entered,
    ** through exits no side trace will take over (a branch that goes the
    ** other way every other time, blacklisted for side traces), and
    ** entering and leaving costs more than it saves. */
    uint32_t bad = T->snaps[0].count;
    uint64_t done = T->iters + (T->link ? T->entries : 0);
    JitAbort why = JA__COUNT;
    if (bad >= (uint32_t)jit_param(J, PARAM_hotexit) && bad * 2 >= T->entries)
        why = JA_ENTRY;
    else if ((T->side >= JIT_SHORT_ENTRIES && done < JIT_SHORT_ITERS * T->side) ||
             (T->ends >= JIT_SHORT_ENTRIES && 2 * done < T->ends))
        why = JA_SHORT;
    if (why == JA__COUNT)
        return false;
    drop_judged(J, T, why);
    return true;
}

const Instr *jit_run(VM *vm, ObjFunction *fn, int loop, Value *base)
{
    JitState *J = vm->jit;
    Trace *T = J != NULL && fn->hotcounts[loop] <= J->ntraces ? J->traces[fn->hotcounts[loop]]
                                                               : NULL;
    LX_ASSERT(T != NULL && T->fn == fn, "a JLOOP names an installed trace of its function");
    /* Traces never run Lox code, so no trace runs inside another: a
    ** running one left here is one a native's error unwound. */
    J->running = NULL;
    if (!vm->jit_opts.on)
        return fn->code + T->start_pc;
    /* The execution budget: a JLOOP charges it like a LOOP's hot counter
    ** does (the trace's back-edge charges its own iterations and leaves
    ** at 1, see stop_budget in jit/stencils/control.c). */
    if (vm->budget != 0 && --vm->budget == 0)
        vm_error(vm, "Execution budget exhausted.");
    /* A trace compiled while no budget was set has no stop check: the
    ** interpreter runs the loop instead (jit/emit.c, T->budget). */
    if (vm->budget != 0 && !T->budget)
        return fn->code + T->start_pc;
    memset(J->ctx.gpr, 0, sizeof J->ctx.gpr);
    memset(J->ctx.fpr, 0, sizeof J->ctx.fpr);
    J->running = T;
    J->ctx.iters = 0;
    T->entries++;
    const Instr *pc = (const Instr *)(uintptr_t)jit_enter(T->mcode, &J->ctx, base);
    /* The trace that exited: T or one of its side traces (jit/side.c).
    ** It may belong to another tree, reached through links (Trace.ltarget):
    ** the exit is then that tree's, which is entered once more. */
    Trace *X = J->running;
    int ex = (int)J->ctx.exit_no;
    J->running = NULL;
    Trace *XR = X->root;
    T->iters += J->ctx.iters;
    if (XR != T) {
        XR->entries++;
        XR->iters += J->ctx.iters;
    }
    if (side_hopeless(J, X, ex))
        XR->side++;
    else if (X->snaps[ex].leaves)
        XR->ends++;
    if (judge(J, T) || (XR != T && judge(J, XR)))
        return pc;              /* X may be gone with its tree */
    /* A hot exit: record a side trace from where it left the trace. */
    Trace *S = side_want(J, X, ex);
    if (S != NULL)
        begin(J, S);
    return pc;
}

/* -- Statistics, GC, freeing ---------------------------------------------- */

void jit_stats(VM *vm, JitStats *out)
{
    memset(out, 0, sizeof *out);
    JitState *J = vm->jit;
    if (J == NULL)
        return;
    McStats ms;
    mc_stats(J->mc, &ms);
    out->traces = (double)J->n_traces;
    out->aborts = (double)J->n_aborts;
    out->exits = (double)J->n_exits;
    out->mcode_bytes = (double)ms.used;
    out->compile_us = (double)(J->compile_ns / 1000);
    out->blacklisted = (double)J->n_blacklisted;
    out->flushes = (double)J->n_flushes;
    out->side_traces = (double)J->n_side;
}

static void mark_trace(VM *vm, const Trace *T)
{
    gc_mark_obj(vm, (Obj *)T->fn);
    for (IRRef r = 1; r < T->nir; r++)
        if (T->ir[r].op == IR_KVAL)
            gc_mark_value(vm, T->k[T->ir[r].a]);
}

static void jit_mark(VM *vm)
{
    JitState *J = vm->jit;
    if (J == NULL)
        return;
    for (int n = 1; n <= J->ntraces; n++)
        if (J->traces[n] != NULL)
            mark_trace(vm, J->traces[n]);
    if (J->cur != NULL)
        mark_trace(vm, J->cur);
}

void jit_free(VM *vm)
{
    JitState *J = vm->jit;
    if (J == NULL)
        return;
    for (int n = 1; n <= J->ntraces; n++)
        if (J->traces[n] != NULL)
            trace_free(J->traces[n]);
    free(J->traces);
    if (J->cur != NULL)
        trace_free(J->cur);
    mc_free(J->mc);
    if (J->perf != NULL)
        fclose(J->perf);
    free(J);
    vm->jit = NULL;
    vm->mark_extra = NULL;
}
