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
** A memory cap (`-O maxmem`) is a later addition: it would be a size_t in
** the VM checked in lx_realloc's growth path next to next_gc.
*/
#include <stdio.h>
#include <stdlib.h>

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

static void *do_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size,
                        bool may_collect)
{
    if (new_size == 0) {
        account_free(vm, old_size);
        free(ptr);
        return NULL;
    }
    if (new_size > old_size) {
        vm->bytes_allocated += new_size - old_size;
        if (may_collect && (vm->gc_stress || vm->bytes_allocated > vm->next_gc))
            gc_collect(vm);
    } else {
        account_free(vm, old_size - new_size);
    }
    void *p = realloc(ptr, new_size);
    if (p == NULL && may_collect && new_size > old_size) {
        /* The C heap may be full of garbage the threshold has not caught
        ** up with yet: one full collection before giving up. */
        gc_collect(vm);
        p = realloc(ptr, new_size);
    }
    if (p == NULL) {
        if (new_size > old_size)
            account_free(vm, new_size - old_size);
        vm_error(vm, "Out of memory.");
    }
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

Obj *obj_alloc(VM *vm, size_t size, ObjType type)
{
    Obj *o = lx_realloc(vm, NULL, 0, size);
    o->type = (uint8_t)type;
    o->marked = 0;
    o->flags = 0;
    o->next = vm->objects;
    vm->objects = o;
    return o;
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
        LX_FREE_ARRAY(vm, MapEntry, m->entries, m->entry_cap);
        LX_FREE_ARRAY(vm, int32_t, m->index, m->index_cap);
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
    free(vm->gray);
    vm->gray = NULL;
    vm->gray_count = vm->gray_cap = 0;
}
