/* verify.c -- the jitcheck switch: every trace exit checked (verify.h).
**
** What a trace owns: its own frame (the loop's function, at `base`) and
** the frames of the calls it inlines, each inside its caller's
** (SnapFrame.base is the callee's slot 0, a register of the caller), so
** together they are slots [0, top) from base, top the highest frame end
** the snapshot names. An exit writes only snapshot slots, so a slot
** outside [0, top) in a snapshot is a write outside the trace's frames,
** and every slot of [0, top) the snapshot does not write is checked in
** memory: above vm->stack_top it holds what an earlier frame left there,
** possibly an object the GC has freed since, and it becomes a register of
** a frame the exit pushes (the recorder fills an inlined callee's
** registers with nil for that reason: jit/record.c, rec_enter).
**
** A valid Value: a double whose bits are not the reserved negative-NaN
** pattern (is_double rejects it, so the interpreter would take it for a
** tag), an int with zero bits between tag and payload, nil, false or true,
** or a pointer to a live object. "Live" is membership in vm->objects: the
** set is cached and brought up to date by walking only the objects
** allocated since the last check (allocation prepends to the list, and
** only a collection frees, which gc_collections counts); see alive() for
** why a miss is checked twice.
*/
#include "jit/verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/opcodes.h"

/* -- The live-object set -------------------------------------------------- */

/* INVARIANT(live-set): while vm and collections match the VM's, slots
** holds every object of vm->objects from newest to the end of the list
** (an open-addressed set of pointers, cap a power of two, at most half
** full). */
static struct {
    const VM *vm;
    uint32_t collections;
    const Obj *newest;
    const Obj **slots;
    size_t cap, count;
} live;

static size_t ptr_hash(const Obj *o)
{
    uint64_t x = (uint64_t)(uintptr_t)o;
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    return (size_t)x;
}

static void live_insert(const Obj *o);

static void live_grow(void)
{
    const Obj **old = live.slots;
    size_t n = live.cap;
    live.cap = n < 1024 ? 1024 : n * 2;
    live.slots = calloc(live.cap, sizeof *live.slots);
    if (live.slots == NULL)
        abort();
    live.count = 0;
    for (size_t i = 0; i < n; i++)
        if (old[i] != NULL)
            live_insert(old[i]);
    free(old);
}

static void live_insert(const Obj *o)
{
    if ((live.count + 1) * 2 > live.cap)
        live_grow();
    size_t m = live.cap - 1;
    for (size_t i = ptr_hash(o) & m;; i = (i + 1) & m) {
        if (live.slots[i] == o)
            return;
        if (live.slots[i] == NULL) {
            live.slots[i] = o;
            live.count++;
            return;
        }
    }
}

static bool live_has(const Obj *o)
{
    size_t m = live.cap - 1;
    for (size_t i = ptr_hash(o) & m;; i = (i + 1) & m) {
        if (live.slots[i] == o)
            return true;
        if (live.slots[i] == NULL)
            return false;
    }
}

static void live_rebuild(const VM *vm)
{
    if (live.slots != NULL)
        memset(live.slots, 0, live.cap * sizeof *live.slots);
    else
        live_grow();
    live.count = 0;
    live.vm = vm;
    live.collections = vm->gc_collections;
    for (const Obj *o = vm->objects; o != NULL; o = o->next)
        live_insert(o);
    live.newest = vm->objects;
}

static void live_update(const VM *vm)
{
    if (live.vm == vm && live.collections == vm->gc_collections) {
        const Obj *o = vm->objects;
        while (o != NULL && o != live.newest) {
            live_insert(o);
            o = o->next;
        }
        if (o == live.newest) {
            live.newest = vm->objects;
            return;
        }
        /* The list no longer reaches what we saw last: start over. */
    }
    live_rebuild(vm);
}

/* Whether o is one of vm's objects. The cache cannot tell a VM from an
** earlier one at the same address (malloc hands a freed VM's memory to
** the next, and in a loop of identical runs everything lands where it
** was), so it may hold stale objects and miss newer ones; a miss is
** therefore checked again against the list itself before it counts. A
** stale hit lets a dead object pass, it never fails a sound exit. */
static bool alive(const VM *vm, const Obj *o)
{
    if (live_has(o))
        return true;
    live_rebuild(vm);
    return live_has(o);
}

/* -- Values -------------------------------------------------------------- */

/* NULL for a valid Value, else what is wrong with it. */
static const char *bad_value(const VM *vm, Value v)
{
    uint64_t tag = v & LX_TAG_MASK;
    if (is_double(v))
        return NULL;
    if (tag == LX_TAG_INT)
        return (v >> 32 & 0xFFFF) == 0 ? NULL : "an int with stray bits above its payload";
    if (tag == LX_TAG_SPECIAL)
        return v == NIL_VAL || v == TRUE_VAL || v == FALSE_VAL ? NULL
               : v == UNDEF_VAL ? "the undefined marker" : "an unknown special value";
    if (tag == LX_TAG_OBJ) {
        const Obj *o = as_obj(v);
        if (o == NULL || ((uintptr_t)o & 7) != 0)
            return "an object pointer that is null or misaligned";
        if (!alive(vm, o))
            return "a pointer to no live object";
        if (o->type >= OBJ__COUNT || o->marked != 0)
            return "an object with a corrupt header";
        return NULL;
    }
    if (tag == 0xFFF8000000000000ull)
        return "a NaN with the reserved sign-and-quiet pattern (not canonical)";
    return "an unknown tag";
}

/* -- Snapshots ------------------------------------------------------------- */

static const char *fault(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *fault(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return buf;
}

/* The Value snapshot entry e would write (as snap.c's exit_value boxes
** it), or a fault when its ref has no place an exit can read. */
static const char *entry_value(const Trace *T, const Snapshot *sn, const SnapEntry *e,
                               const JitCtx *ctx, Value *out, char *buf, size_t len)
{
    /* An SLOAD's value is loaded at the loop head wherever the recorder
    ** put the instruction (snap_complete names them in earlier snapshots). */
    IRRef ref = e->ref;
    if (ref <= 0 || ref >= T->nir || (ref >= (IRRef)sn->ref && T->ir[ref].op != IR_SLOAD))
        return fault(buf, len, "slot %u holds ref %d, not an instruction before the exit (%u)",
                     e->slot, ref, sn->ref);
    IRType t = (IRType)T->ir[ref].t;
    if (t != IRT_INT && t != IRT_NUM && t != IRT_VAL)
        return fault(buf, len, "slot %u holds ref %d, which has no value type", e->slot, ref);
    if (ir_is_const(T, ref)) {
        *out = ir_kvalue(T, ref);
        return NULL;
    }
    if (T->loc == NULL)
        return fault(buf, len, "the trace has no value places");
    IRLoc l = T->loc[ref];
    uint64_t bits;
    if (l.kind == LOC_GPR && l.idx < JIT_NGPR)
        bits = ctx->gpr[l.idx];
    else if (l.kind == LOC_FPR && l.idx < JIT_NFPR)
        memcpy(&bits, &ctx->fpr[l.idx], sizeof bits);
    else if (l.kind == LOC_SPILL && l.idx < JIT_NSPILL && l.idx < T->nspill)
        bits = ctx->spill[l.idx];
    else
        return fault(buf, len, "slot %u: ref %d has no register or spill slot (place %d.%d)",
                     e->slot, ref, l.kind, l.idx);
    if (t == IRT_INT) {
        *out = int_val((int32_t)(uint32_t)bits);
    } else if (t == IRT_NUM) {
        double d;
        memcpy(&d, &bits, sizeof d);
        *out = double_val(d);
    } else {
        *out = bits;
    }
    return NULL;
}

/* A slot of the trace's frames whose value in memory the interpreter (and
** the GC) will see. Above the root frame's top (rtop) that is whatever an
** earlier frame left there, which the GC has not kept alive while the
** trace ran: it becomes a register of a frame the exit pushes, so it must
** be a valid Value too. */
static const char *memory_slot(const VM *vm, const Value *base, uint32_t root, uint32_t rtop,
                               uint32_t s, char *buf, size_t len)
{
    const char *why = bad_value(vm, base[s]);
    if (why == NULL)
        return NULL;
    return fault(buf, len, "slot %u (%s, in memory) holds %s: %#llx", s,
                 root + s < rtop ? "in the trace's own frame" : "above the trace's frame", why,
                 (unsigned long long)base[s]);
}

static bool is_call(Instr w)
{
    int op = INS_OP(w);
    return op == OP_CALL || op == OP_INVOKE || op == OP_SUPERINVOKE;
}

/* Exit n of T at base, checked before its snapshot is written back
** (restored false), or after exit_call_native wrote back what the call
** needs and pushed the inlined frames (restored true: then the frames
** pushed must be the snapshot's, and every slot's value in memory is what
** the GC will see during the call). */
static const char *verify(const Trace *T, int n, const JitCtx *ctx, const Value *base,
                          bool restored, char *buf, size_t len)
{
    const VM *vm = ctx->vm;
    live_update(vm);
    if (n < 0 || n >= T->nsnap)
        return fault(buf, len, "no snapshot %d (the trace has %d)", n, T->nsnap);
    const Snapshot *sn = &T->snaps[n];
    if ((uint64_t)sn->start + sn->n > (uint64_t)T->nsmap)
        return fault(buf, len, "entries %u..%u past the snapshot map (%d)", sn->start,
                     sn->start + sn->n, T->nsmap);
    if (sn->nframe > JIT_MAXINLINE || (uint64_t)sn->fstart + sn->nframe > (uint64_t)T->nsframes)
        return fault(buf, len, "%u inlined frames from %u: out of range", sn->nframe, sn->fstart);

    /* The root frame is the interpreter's top frame (under the inlined
    ** ones once they are pushed), running the trace's function at base. */
    int rooti = vm->frame_count - 1 - (restored ? sn->nframe : 0);
    if (rooti < 0)
        return fault(buf, len, "no interpreter frame for the trace");
    const CallFrame *rf = &vm->frames[rooti];
    if (base < vm->stack || base >= vm->stack + vm->stack_cap)
        return fault(buf, len, "the trace's base is outside the VM stack");
    uint32_t root = (uint32_t)(base - vm->stack);
    if (rf->base != root || rf->closure == NULL || rf->closure->fn != T->fn)
        return fault(buf, len, "the top frame (base %u) is not the trace's (base %u)", rf->base,
                     root);
    if (root + (uint32_t)T->fn->maxslots > vm->stack_top)
        return fault(buf, len, "the trace's frame [%u, %u) reaches above the stack top %u", root,
                     root + (uint32_t)T->fn->maxslots, vm->stack_top);

    /* Inlined frames: each inside its caller's, the caller resuming just
    ** after a call, all within the stack and frame arrays. */
    const ObjFunction *fn = T->fn;
    uint32_t fbase = 0, top = (uint32_t)T->fn->maxslots;
    if (rooti + 1 + sn->nframe > vm->frame_cap)
        return fault(buf, len, "%u inlined frames do not fit the frame array", sn->nframe);
    for (uint32_t k = 0; k < sn->nframe; k++) {
        const SnapFrame *sf = &T->sframes[sn->fstart + k];
        if (!is_obj(sf->closure) || !alive(vm, as_obj(sf->closure)) ||
            as_obj(sf->closure)->type != OBJ_CLOSURE)
            return fault(buf, len, "inlined frame %u: its closure is not a live closure", k);
        if (sf->base < fbase || sf->base >= fbase + (uint32_t)fn->maxslots)
            return fault(buf, len, "inlined frame %u: base %u outside its caller's slots [%u, %u)",
                         k, sf->base, fbase, fbase + (uint32_t)fn->maxslots);
        if (sf->ret_pc == 0 || sf->ret_pc >= (uint32_t)fn->ncode || !is_call(fn->code[sf->ret_pc - 1]))
            return fault(buf, len, "inlined frame %u: return pc %u is not after a call in its caller",
                         k, sf->ret_pc);
        const ObjClosure *cl = (const ObjClosure *)as_obj(sf->closure);
        const CallFrame *pf = &vm->frames[rooti + 1 + (int)k];
        if (restored && ((pf->closure != cl && !(sf->fresh && pf->closure->fn == cl->fn)) ||
                         pf->base != root + sf->base))
            return fault(buf, len, "inlined frame %u was pushed with base %u, not %u", k,
                         pf->base, root + sf->base);
        fn = cl->fn;
        fbase = sf->base;
        if (fbase + (uint32_t)fn->maxslots > top)
            top = fbase + (uint32_t)fn->maxslots;
    }
    if (sn->pc >= (uint32_t)fn->ncode)
        return fault(buf, len, "resume pc %u outside its function's %d words", sn->pc, fn->ncode);
    if (top > JIT_MAXSLOT || (uint64_t)root + top > vm->stack_cap)
        return fault(buf, len, "the frames [%u, %u) do not fit the stack (capacity %u)", root,
                     root + top, vm->stack_cap);

    /* Entries: sorted, inside [0, top), each a valid Value; every other
    ** slot of the frames is one already (below the stack top) or a fault. */
    uint32_t next = 0;      /* the next slot to check in memory */
    int prev = -1;
    for (uint32_t i = 0; i < sn->n; i++) {
        const SnapEntry *e = &T->smap[sn->start + i];
        if ((int)e->slot <= prev)
            return fault(buf, len, "entries not sorted: slot %u after slot %d", e->slot, prev);
        prev = e->slot;
        if (e->slot >= top)
            return fault(buf, len, "writes slot %u, outside the trace's frames [0, %u)", e->slot,
                         top);
        for (; next < e->slot; next++) {
            const char *err = memory_slot(vm, base, root, rf->top, next, buf, len);
            if (err != NULL)
                return err;
        }
        next = e->slot + 1u;
        Value v = NIL_VAL;
        const char *err = entry_value(T, sn, e, ctx, &v, buf, len);
        if (err != NULL)
            return err;
        if (restored) {
            err = memory_slot(vm, base, root, rf->top, e->slot, buf, len);
            if (err != NULL)
                return err;
        }
        const char *why = bad_value(vm, v);
        if (why != NULL)
            return fault(buf, len, "slot %u gets %s: %#llx (ref %u)", e->slot, why,
                         (unsigned long long)v, e->ref);
    }
    for (; next < top; next++) {
        const char *err = memory_slot(vm, base, root, rf->top, next, buf, len);
        if (err != NULL)
            return err;
    }
    return NULL;
}

const char *jit_verify_snapshot(const Trace *T, int n, const JitCtx *ctx, const Value *base,
                                char *buf, size_t len)
{
    return verify(T, n, ctx, base, false, buf, len);
}

const char *jit_verify_restored(const Trace *T, int n, const JitCtx *ctx, const Value *base,
                                char *buf, size_t len)
{
    return verify(T, n, ctx, base, true, buf, len);
}

static void report(const Trace *T, int n, const char *why)
{
    /* To descriptor 2 itself: harnesses that capture a run's output by
    ** swapping the stdio streams (tests/fuzz/) must still show it. */
    fflush(stdout);
    fflush(stderr);
    dprintf(2, "jitcheck: trace %d (loop at line %d) exit %d: %s\n", T->no,
            trace_line(T->fn, T->loop_pc), n, why);
    abort();
}

void jit_verify_exit(const Trace *T, int n, const JitCtx *ctx, const Value *base)
{
    char buf[256];
    const char *why = jit_verify_snapshot(T, n, ctx, base, buf, sizeof buf);
    if (why != NULL)
        report(T, n, why);
}

void jit_verify_call(const Trace *T, int n, const JitCtx *ctx, const Value *base)
{
    char buf[256];
    const char *why = jit_verify_restored(T, n, ctx, base, buf, sizeof buf);
    if (why != NULL)
        report(T, n, why);
}
