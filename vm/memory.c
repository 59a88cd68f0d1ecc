/* memory.c -- the allocator front end and the tri-colour mark-and-sweep GC.
**
** Every heap byte goes through lx_realloc so that bytes_allocated is the
** true size of the heap and the collector runs at the right moments.
** Collection is a classic stop-the-world mark and sweep: mark the roots
** gray, blacken gray objects from an explicit stack until none is left,
** drop unmarked strings from the (weak) intern pool, sweep the object list.
**
** The gray stack lives outside the accounted heap (plain realloc), because
** growing it must never start another collection. Marking never recurses,
** so a list nested a million levels deep costs one gray entry at a time,
** not a million C frames.
**
** In LX_DEBUG_VERIFY builds, gc_verify walks the heap after every
** collection and aborts on a reference to a freed object.
**
** The memory cap (`-O maxmem=BYTES`, jit.param("maxmem", n)) bounds
** bytes_allocated: a growth past it collects once and, if the heap is
** still too big, raises `Out of memory.` like a failed malloc. See
** INVARIANT(raise-before-alloc) for why raising there is safe. maxmem 0
** (the default) means an automatic cap, half of what the process may use
** (physical memory, the cgroup's limit, RLIMIT_AS/DATA): on Linux a
** growing heap is more often killed by the kernel than refused by malloc,
** so the VM has to stop first for the error to be clean.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vm/config.h"
#include "vm/memory.h"
#include "vm/object.h"
#include "vm/print.h"
#include "vm/table.h"

/* -- Allocation ------------------------------------------------------ */

/* Subtract without wrapping: bytes_allocated is only as exact as the
** old_size its callers report, and a wrapped counter would mean a
** collection on every allocation from then on. */
static inline void account_free(VM *vm, size_t n)
{
    vm->bytes_allocated -= n <= vm->bytes_allocated ? n : vm->bytes_allocated;
}

/* INVARIANT(raise-before-alloc): lx_realloc raises `Out of memory.` only
** before anything changed: ptr is untouched and still owned by the
** caller, and bytes_allocated is back to what it was. vm_error allocates
** nothing from the heap, so raising here cannot recurse. Callers store
** the result only after the call returns, so an unwinding leaves their
** objects consistent; an object that needs two allocations makes them
** one (a map's arrays: INVARIANT(map-one-block)) or roots the first
** (list_new), so that nothing leaks either.
** Relied on by: the memory cap, every caller of lx_realloc. */
static _Noreturn void out_of_memory(VM *vm, size_t grew)
{
    account_free(vm, grew);
    vm_error(vm, "Out of memory.");
}

/* -- The memory cap -------------------------------------------------- */

static uint64_t read_limit(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return UINT64_MAX;
    unsigned long long v;
    int ok = fscanf(f, "%llu", &v) == 1;   /* "max" (no limit) fails too */
    fclose(f);
    return ok ? (uint64_t)v : UINT64_MAX;
}

/* Half of the least of the limits the process lives under. Computed once
** per process: the limits are the process's, not a VM's. */
static size_t auto_cap(void)
{
    static size_t cap;
    if (cap != 0)
        return cap;
    uint64_t lim = UINT64_MAX;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        lim = (uint64_t)pages * (uint64_t)page;
    uint64_t cg = read_limit("/sys/fs/cgroup/memory.max");
    if (cg < lim)
        lim = cg;
    cg = read_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    if (cg < lim)
        lim = cg;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < lim)
        lim = rl.rlim_cur;
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < lim)
        lim = rl.rlim_cur;
    lim /= 2;
    if (lim < LX_GC_MIN_BYTES)
        lim = LX_GC_MIN_BYTES;
    cap = lim > SIZE_MAX ? SIZE_MAX : (size_t)lim;
    return cap;
}

/* The heap passed the cap: collect once (unless the caller just did or
** may not), then give up if it is still over. */
static void over_cap(VM *vm, size_t grew, size_t cap, bool may_collect, bool collected)
{
    if (may_collect && !collected)
        gc_collect(vm);
    if (vm->bytes_allocated > cap)
        out_of_memory(vm, grew);
}

/* -- Small-block cache -----------------------------------------------
** Programs that build and drop many small objects (binary trees) spent
** more time in malloc and free than in Lox. Freed blocks of up to
** LX_POOL_MAX_BLOCK bytes wait on per-VM lists by size class and are
** handed out again before malloc is asked; the lists are threaded through
** the blocks' first word. A block's class comes from malloc_usable_size,
** not from the old_size its caller reports, so a caller that reports a
** wrong size cannot make a small block serve a larger request.
** INVARIANT(pool-class): every block on vm->pool[c] is a malloc block,
** owned by nobody else, with at least pool_size(c) usable bytes;
** pool_bytes is the sum of pool_size over them and stays at most
** LX_POOL_MAX_BYTES (a quarter of maxmem when that is set); nothing is
** cached once pool_closed. The cached bytes
** are outside bytes_allocated (they are not heap), hence the bound.
** Off under AddressSanitizer, which must see every free to catch a use
** after one, and where malloc_usable_size is missing (not glibc). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LX_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LX_UNDER_ASAN 1
#endif
#if defined(__GLIBC__) && !defined(LX_UNDER_ASAN)
#include <malloc.h>
#define LX_POOL 1
#else
#define LX_POOL 0
#endif
#define LX_POOL_MAX_BLOCK ((size_t)16 * (LX_POOL_CLASSES - 1) + 8)
#define LX_POOL_MAX_BYTES ((size_t)32 << 20)

/* Free all cached blocks. */
static void pool_release(VM *vm)
{
    for (unsigned c = 0; c < LX_POOL_CLASSES; c++) {
        void *b = vm->pool[c];
        while (b != NULL) {
            void *next = *(void **)b;
            free(b);
            b = next;
        }
        vm->pool[c] = NULL;
    }
    vm->pool_bytes = 0;
}

#if LX_POOL
static inline size_t pool_size(unsigned c) { return (size_t)16 * c + 8; }

/* A cached block of at least n bytes (0 < n <= LX_POOL_MAX_BLOCK), or NULL. */
static inline void *pool_get(VM *vm, size_t n)
{
    unsigned c = n <= 24 ? 1 : (unsigned)((n + 7) / 16);
    void *b = vm->pool[c];
    if (b != NULL) {
        vm->pool[c] = *(void **)b;
        vm->pool_bytes -= pool_size(c);
    }
    return b;
}

/* Cache the block b; false when it does not fit the cache (free it). */
static inline bool pool_put(VM *vm, void *b)
{
    size_t u = malloc_usable_size(b);
    if (u < 24 || u > LX_POOL_MAX_BLOCK || vm->pool_closed)
        return false;
    unsigned c = (unsigned)((u - 8) / 16);
    /* Under a memory cap the cache keeps to a quarter of it. */
    size_t lim = LX_POOL_MAX_BYTES, maxmem = (size_t)vm->jit_opts.param[PARAM_maxmem];
    if (maxmem != 0 && maxmem / 4 < lim)
        lim = maxmem / 4;
    if (vm->pool_bytes + pool_size(c) > lim)
        return false;
    *(void **)b = vm->pool[c];
    vm->pool[c] = b;
    vm->pool_bytes += pool_size(c);
    return true;
}
#endif

static void *do_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size,
                        bool may_collect)
{
    if (new_size == 0) {
        account_free(vm, old_size);
#if LX_POOL
        if (ptr != NULL && old_size <= LX_POOL_MAX_BLOCK && pool_put(vm, ptr))
            return NULL;
#endif
        free(ptr);
        return NULL;
    }
    if (new_size > old_size) {
        size_t grew = new_size - old_size;
        bool collected = false;
        vm->bytes_allocated += grew;
        if (may_collect && (vm->gc_stress || vm->bytes_allocated > vm->next_gc)) {
            gc_collect(vm);
            collected = true;
        }
        size_t cap = (size_t)vm->jit_opts.param[PARAM_maxmem];
        if (cap == 0)
            cap = auto_cap();
        if (vm->bytes_allocated > cap)
            over_cap(vm, grew, cap, may_collect, collected);
    } else {
        account_free(vm, old_size - new_size);
    }
    void *p = NULL;
#if LX_POOL
    if (ptr == NULL && new_size <= LX_POOL_MAX_BLOCK)
        p = pool_get(vm, new_size);
    if (p == NULL)
#endif
        p = realloc(ptr, new_size);
    if (p == NULL && new_size > old_size) {
        /* The C heap may be full of garbage the threshold has not caught
        ** up with yet: one full collection before giving up. The cache
        ** goes back first, so that malloc can coalesce it. */
        pool_release(vm);
        if (may_collect) {
            gc_collect(vm);
            pool_release(vm);
        }
        p = realloc(ptr, new_size);
    }
    if (p == NULL)
        out_of_memory(vm, new_size > old_size ? new_size - old_size : 0);
    return p;
}

void *lx_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size)
{
    return do_realloc(vm, ptr, old_size, new_size, true);
}

void *lx_realloc_nogc(VM *vm, void *ptr, size_t old_size, size_t new_size)
{
    return do_realloc(vm, ptr, old_size, new_size, false);
}

void *lx_try_alloc(VM *vm, size_t size)
{
    size_t cap = (size_t)vm->jit_opts.param[PARAM_maxmem];
    if (cap == 0)
        cap = auto_cap();
    /* Exactly when do_realloc would collect or go over the cap. */
    if (vm->gc_stress || vm->bytes_allocated + size > vm->next_gc ||
        vm->bytes_allocated + size > cap)
        return NULL;
    void *p = NULL;
#if LX_POOL
    if (size <= LX_POOL_MAX_BLOCK)
        p = pool_get(vm, size);
    if (p == NULL)
#endif
        p = malloc(size);
    if (p != NULL)
        vm->bytes_allocated += size;
    return p;
}

/* A new object's header, and onto the list the sweep walks. */
static Obj *obj_link(VM *vm, Obj *o, ObjType type)
{
    o->type = (uint8_t)type;
    o->marked = 0;
    o->flags = 0;
    o->next = vm->objects;
    vm->objects = o;
    return o;
}

Obj *obj_try_alloc(VM *vm, size_t size, ObjType type)
{
    Obj *o = lx_try_alloc(vm, size);
    return o == NULL ? NULL : obj_link(vm, o, type);
}

Obj *obj_alloc(VM *vm, size_t size, ObjType type)
{
    return obj_link(vm, lx_realloc(vm, NULL, 0, size), type);
}

/* -- Marking --------------------------------------------------------- */

/* INVARIANT(gc-colours): during marking an object is white (marked == 0),
** gray (marked and on vm->gray, children not yet marked) or black (marked,
** children marked). Objects without references (strings, ranges) go from
** white straight to black. Outside a collection every live object is
** white: the sweep resets the marks it keeps.
** Relied on by: gc_mark_obj (marked means "already handled"), the sweep. */
static void gray_push(VM *vm, Obj *o)
{
    if (vm->gray_count == vm->gray_cap) {
        int cap = vm->gray_cap < 64 ? 64 : vm->gray_cap * 2;
        Obj **g = realloc(vm->gray, sizeof(Obj *) * (size_t)cap);
        if (g == NULL) {
            /* No way to finish a half-done mark; nor to report it through
            ** vm_error, whose unwinding would leave marks behind. */
            fputs("loxjit: out of memory during garbage collection\n", stderr);
            abort();
        }
        vm->gray = g;
        vm->gray_cap = cap;
    }
    vm->gray[vm->gray_count++] = o;
}

void gc_mark_obj(VM *vm, Obj *o)
{
    if (o == NULL || o->marked)
        return;
    o->marked = 1;
    if (o->type == OBJ_STRING || o->type == OBJ_RANGE)
        return;
    gray_push(vm, o);
}

void gc_mark_value(VM *vm, Value v)
{
    if (is_obj(v))
        gc_mark_obj(vm, as_obj(v));
}

static void mark_values(VM *vm, const Value *vs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_obj(vs[i]))
            gc_mark_obj(vm, as_obj(vs[i]));
}

/* -- The references of each object type ---------------------------------
** One enumeration, used by the marker and by gc_verify, so that the two
** cannot disagree about what an object refers to. `visit` is a constant
** at each (inlined) use, so marking pays no indirect call. */

typedef void (*Visit)(VM *vm, Obj *child);   /* child may be NULL */

static inline void visit_value(VM *vm, Value v, Visit visit)
{
    if (is_obj(v))
        visit(vm, as_obj(v));
}

static inline void visit_table(VM *vm, const Table *t, Visit visit)
{
    if (t->entries == NULL)
        return;
    for (uint32_t i = 0; i <= t->mask; i++) {
        const Entry *e = &t->entries[i];
        if (e->key != NULL) {
            visit(vm, &e->key->obj);
            visit_value(vm, e->value, visit);
        }
    }
}

static inline void each_child(VM *vm, Obj *o, Visit visit)
{
    switch ((ObjType)o->type) {
    case OBJ_STRING:
    case OBJ_RANGE:
    case OBJ__COUNT:
        break;
    case OBJ_FUNCTION: {
        ObjFunction *f = (ObjFunction *)o;
        visit(vm, (Obj *)f->name);
        visit(vm, (Obj *)f->source);
        for (int i = 0; i < f->nconsts; i++)
            visit_value(vm, f->consts[i], visit);
        break;
    }
    case OBJ_NATIVE: {
        ObjNative *n = (ObjNative *)o;
        visit(vm, (Obj *)n->name);
        visit_value(vm, n->data, visit);
        break;
    }
    case OBJ_CLOSURE: {
        ObjClosure *c = (ObjClosure *)o;
        visit(vm, (Obj *)c->fn);
        for (int i = 0; i < c->nupvals; i++)
            visit(vm, (Obj *)c->upvals[i]);
        break;
    }
    case OBJ_UPVALUE:
        /* While open, the slot it points at is a stack slot (marked as a
        ** root) and `closed` is nil. */
        visit_value(vm, ((ObjUpvalue *)o)->closed, visit);
        break;
    case OBJ_CLASS: {
        ObjClass *k = (ObjClass *)o;
        visit(vm, (Obj *)k->name);
        visit_table(vm, &k->methods, visit);
        visit_value(vm, k->init, visit);
        break;
    }
    case OBJ_INSTANCE: {
        ObjInstance *in = (ObjInstance *)o;
        visit(vm, (Obj *)in->klass);
        visit_table(vm, &in->fields, visit);
        break;
    }
    case OBJ_BOUND: {
        ObjBound *b = (ObjBound *)o;
        visit_value(vm, b->receiver, visit);
        visit(vm, b->method);
        break;
    }
    case OBJ_LIST: {
        ObjList *l = (ObjList *)o;
        for (uint32_t i = 0; i < l->count; i++)
            visit_value(vm, l->items[i], visit);
        break;
    }
    case OBJ_MAP: {
        ObjMap *m = (ObjMap *)o;
        for (uint32_t i = 0; i < m->nentries; i++) {
            MapEntry *e = &m->entries[i];
            if (e->key != UNDEF_VAL) {
                visit_value(vm, e->key, visit);
                visit_value(vm, e->value, visit);
            }
        }
        break;
    }
    case OBJ_MODULE: {
        ObjModule *m = (ObjModule *)o;
        visit(vm, (Obj *)m->name);
        visit_table(vm, &m->members, visit);
        break;
    }
    case OBJ_POINTER:
        visit_value(vm, ((ObjPointer *)o)->keep, visit);
        break;
    }
}

static void blacken(VM *vm, Obj *o)
{
    each_child(vm, o, gc_mark_obj);
}

static void mark_roots(VM *vm)
{
    mark_values(vm, vm->stack, vm->stack_top);
    for (int i = 0; i < vm->frame_count; i++)
        gc_mark_obj(vm, (Obj *)vm->frames[i].closure);
    for (ObjUpvalue *u = vm->open_upvals; u != NULL; u = u->next)
        gc_mark_obj(vm, (Obj *)u);

    mark_values(vm, vm->globals, vm->nglobals);
    if (vm->global_names != NULL)
        for (uint32_t i = 0; i < vm->nglobals; i++)
            gc_mark_obj(vm, (Obj *)vm->global_names[i]);
    tab_mark(vm, &vm->global_index);

    mark_values(vm, vm->roots, (size_t)(vm->nroots > 0 ? vm->nroots : 0));
    gc_mark_value(vm, vm->args);
    tab_mark(vm, &vm->list_methods);
    tab_mark(vm, &vm->map_methods);
    tab_mark(vm, &vm->string_methods);
    gc_mark_obj(vm, (Obj *)vm->init_string);
    if (vm->mark_extra != NULL)
        vm->mark_extra(vm);
}

static void trace_gray(VM *vm)
{
    while (vm->gray_count > 0)
        blacken(vm, vm->gray[--vm->gray_count]);
}

/* -- Freeing and sweeping -------------------------------------------- */

/* INVARIANT(fn-array-sizes): an ObjFunction's arrays were allocated with
** these element counts: code and lines code_cap, consts const_cap, upvals
** nupvals, hotcounts nloops. The code generator keeps them so (it grows
** code/lines together and sizes upvals/hotcounts exactly when it finishes
** a function); a mismatch only skews bytes_allocated. */
static void obj_free(VM *vm, Obj *o)
{
    switch ((ObjType)o->type) {
    case OBJ_STRING:
        lx_realloc(vm, o, sizeof(ObjString) + ((ObjString *)o)->len + 1, 0);
        break;
    case OBJ_FUNCTION: {
        ObjFunction *f = (ObjFunction *)o;
        LX_FREE_ARRAY(vm, Instr, f->code, f->code_cap);
        LX_FREE_ARRAY(vm, int32_t, f->lines, f->code_cap);
        LX_FREE_ARRAY(vm, Value, f->consts, f->const_cap);
        LX_FREE_ARRAY(vm, UpvalDesc, f->upvals, f->nupvals);
        LX_FREE_ARRAY(vm, uint16_t, f->hotcounts, f->nloops);
        LX_FREE(vm, ObjFunction, o);
        break;
    }
    case OBJ_NATIVE:
        LX_FREE(vm, ObjNative, o);
        break;
    case OBJ_CLOSURE:
        lx_realloc(vm, o, sizeof(ObjClosure) +
                   sizeof(ObjUpvalue *) * (size_t)((ObjClosure *)o)->nupvals, 0);
        break;
    case OBJ_UPVALUE:
        LX_FREE(vm, ObjUpvalue, o);
        break;
    case OBJ_CLASS:
        tab_free(vm, &((ObjClass *)o)->methods);
        LX_FREE(vm, ObjClass, o);
        break;
    case OBJ_INSTANCE:
        tab_free(vm, &((ObjInstance *)o)->fields);
        LX_FREE(vm, ObjInstance, o);
        break;
    case OBJ_BOUND:
        LX_FREE(vm, ObjBound, o);
        break;
    case OBJ_LIST: {
        ObjList *l = (ObjList *)o;
        LX_FREE_ARRAY(vm, Value, l->items, l->capacity);
        LX_FREE(vm, ObjList, o);
        break;
    }
    case OBJ_MAP: {
        ObjMap *m = (ObjMap *)o;
        lx_realloc(vm, m->entries, MAP_ARRAYS_BYTES(m->entry_cap, m->index_cap), 0);
        LX_FREE(vm, ObjMap, o);
        break;
    }
    case OBJ_RANGE:
        LX_FREE(vm, ObjRange, o);
        break;
    case OBJ_MODULE:
        tab_free(vm, &((ObjModule *)o)->members);
        LX_FREE(vm, ObjModule, o);
        break;
    case OBJ_POINTER: {
        /* The owned resource goes first; see ObjPointer in vm/object.h. */
        ObjPointer *p = (ObjPointer *)o;
        if (p->finalize != NULL)
            p->finalize(vm, p);
        LX_FREE(vm, ObjPointer, o);
        break;
    }
    case OBJ__COUNT:
        break;
    }
}

static void sweep(VM *vm)
{
    Obj **link = &vm->objects;
    while (*link != NULL) {
        Obj *o = *link;
        if (o->marked) {
            o->marked = 0;
            link = &o->next;
        } else {
            *link = o->next;
            obj_free(vm, o);
        }
    }
}

/* -- Heap verifier (LX_DEBUG_VERIFY) ------------------------------------
** After a collection every object left is live and white, and so is
** everything it refers to. A reference to a freed object (the usual
** result of breaking INVARIANT(gc-safe-alloc)) shows up as a corrupt
** header: free() reuses an object's first bytes, where type and marked
** live. The walk also checks the containers' own invariants. */

#if LX_DEBUG_VERIFY
static void verify_ref(VM *vm, Obj *c)
{
    (void)vm;
    if (c == NULL)
        return;
    LX_ASSERT(c->type < OBJ__COUNT && c->marked == 0,
              "gc_verify: a live object refers to a freed one (INVARIANT(gc-safe-alloc))");
}

static void verify_obj(VM *vm, Obj *o)
{
    LX_ASSERT(o->type < OBJ__COUNT, "gc_verify: corrupt object header");
    LX_ASSERT(o->marked == 0, "INVARIANT(gc-colours): survivors are white after the sweep");
    each_child(vm, o, verify_ref);
    switch ((ObjType)o->type) {
    case OBJ_STRING: {
        ObjString *s = (ObjString *)o;
        LX_ASSERT(s->chars[s->len] == '\0', "gc_verify: string not NUL-terminated");
        LX_ASSERT(!(o->flags & STR_INTERNED) || (o->flags & STR_HASHED),
                  "gc_verify: interned string without its hash");
        break;
    }
    case OBJ_LIST: {
        ObjList *l = (ObjList *)o;
        LX_ASSERT(l->count <= l->capacity, "gc_verify: list count above capacity");
        LX_ASSERT(!(o->flags & LX_FLAG_PRINTING), "INVARIANT(printing-flag)");
        break;
    }
    case OBJ_MAP: {
        ObjMap *m = (ObjMap *)o;
        uint32_t live = 0;
        for (uint32_t i = 0; i < m->nentries; i++)
            live += m->entries[i].key != UNDEF_VAL;
        LX_ASSERT(live == m->count, "gc_verify: map count is not its live entries");
        LX_ASSERT(m->nentries <= m->entry_cap && m->entry_cap == m->index_cap / 4 * 3,
                  "INVARIANT(map-load)");
        LX_ASSERT(!(o->flags & LX_FLAG_PRINTING), "INVARIANT(printing-flag)");
        break;
    }
    default:
        break;
    }
}

static void gc_verify(VM *vm)
{
    for (Obj *o = vm->objects; o != NULL; o = o->next)
        verify_obj(vm, o);
    for (uint32_t i = 0; i < vm->stack_top; i++)
        visit_value(vm, vm->stack[i], verify_ref);
    const Table *pool = &vm->strings;
    if (pool->entries != NULL) {
        LX_ASSERT((uint64_t)pool->count * 4 <= ((uint64_t)pool->mask + 1) * 3,
                  "INVARIANT(table-load)");
        for (uint32_t i = 0; i <= pool->mask; i++) {
            ObjString *k = pool->entries[i].key;
            if (k != NULL)
                LX_ASSERT(k->obj.type == OBJ_STRING && (k->obj.flags & STR_INTERNED),
                          "gc_verify: the intern pool holds a freed or uninterned string");
        }
    }
}
#endif

/* -- Collection ------------------------------------------------------ */

void gc_collect(VM *vm)
{
    mark_roots(vm);
    trace_gray(vm);
    /* The intern pool is weak: a string only the pool knows is garbage. */
    tab_remove_white(&vm->strings);
    sweep(vm);
#if LX_DEBUG_VERIFY
    gc_verify(vm);
#endif

    size_t next = vm->bytes_allocated * LX_GC_GROW;
    vm->next_gc = next < LX_GC_MIN_BYTES ? LX_GC_MIN_BYTES : next;
    vm->gc_collections++;
}

void gc_free_all(VM *vm)
{
    Obj *o = vm->objects;
    while (o != NULL) {
        Obj *next = o->next;
        obj_free(vm, o);
        o = next;
    }
    vm->objects = NULL;
    /* The VM is going away: what it frees from now on goes to malloc. */
    pool_release(vm);
    vm->pool_closed = true;
    free(vm->gray);
    vm->gray = NULL;
    vm->gray_count = vm->gray_cap = 0;
}
