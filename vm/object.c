/* object.c -- constructors of the heap objects, lists and ranges.
**
** Each constructor is one obj_alloc plus plain initialization; any that
** allocates twice keeps its first allocation safe from the collector
** (INVARIANT(gc-safe-alloc), vm/object.h): an object that must exist
** before its array is rooted while the array is allocated. Strings live
** in vm/string.c, maps in vm/map.c.
*/
#include <math.h>
#include <string.h>

#include "vm/memory.h"
#include "vm/object.h"
#include "vm/vm.h"

/* -- Functions and closures ------------------------------------------ */

ObjFunction *fn_new(VM *vm)
{
    ObjFunction *f = (ObjFunction *)obj_alloc(vm, sizeof(ObjFunction), OBJ_FUNCTION);
    f->arity = 0;
    f->maxslots = 0;
    f->nupvals = 0;
    f->upvals = NULL;
    f->code = NULL;
    f->lines = NULL;
    f->ncode = f->code_cap = 0;
    f->consts = NULL;
    f->nconsts = f->const_cap = 0;
    f->name = NULL;
    f->source = NULL;
    f->hotcounts = NULL;
    f->nloops = 0;
    return f;
}

ObjUpvalue *upval_new(VM *vm, Value *slot)
{
    ObjUpvalue *u = (ObjUpvalue *)obj_alloc(vm, sizeof(ObjUpvalue), OBJ_UPVALUE);
    u->location = slot;
    u->closed = NIL_VAL;
    u->next = NULL;
    return u;
}

ObjClosure *closure_new(VM *vm, ObjFunction *fn)
{
    int n = fn->nupvals;
    ObjClosure *c = (ObjClosure *)obj_alloc(
        vm, sizeof(ObjClosure) + sizeof(ObjUpvalue *) * (size_t)n, OBJ_CLOSURE);
    c->fn = fn;
    c->nupvals = n;
    for (int i = 0; i < n; i++)
        c->upvals[i] = NULL;
    return c;
}

ObjNative *native_new(VM *vm, const char *name, NativeFn fn, int arity_min, int arity_max)
{
    ObjNative *n = (ObjNative *)obj_alloc(vm, sizeof(ObjNative), OBJ_NATIVE);
    n->fn = fn;
    n->nogc = NULL;
    n->name = NULL;
    n->arity_min = (int8_t)arity_min;
    n->arity_max = (int8_t)arity_max;
    n->data = NIL_VAL;
    vm_push_root(vm, obj_val(n));
    n->name = str_intern(vm, name, strlen(name));
    vm_pop_root(vm, 1);
    return n;
}

/* -- Classes, instances, bound methods, modules ------------------------ */

ObjClass *class_new(VM *vm, ObjString *name)
{
    ObjClass *k = (ObjClass *)obj_alloc(vm, sizeof(ObjClass), OBJ_CLASS);
    k->name = name;
    tab_init(&k->methods);
    k->init = NIL_VAL;
    return k;
}

ObjInstance *instance_new(VM *vm, ObjClass *klass)
{
    ObjInstance *in = (ObjInstance *)obj_alloc(vm, sizeof(ObjInstance), OBJ_INSTANCE);
    in->klass = klass;
    tab_init(&in->fields);
    return in;
}

ObjBound *bound_new(VM *vm, Value receiver, Obj *method)
{
    ObjBound *b = (ObjBound *)obj_alloc(vm, sizeof(ObjBound), OBJ_BOUND);
    b->receiver = receiver;
    b->method = method;
    return b;
}

ObjModule *module_new(VM *vm, ObjString *name)
{
    ObjModule *m = (ObjModule *)obj_alloc(vm, sizeof(ObjModule), OBJ_MODULE);
    m->name = name;
    tab_init(&m->members);
    return m;
}

ObjPointer *pointer_new(VM *vm, void *addr)
{
    ObjPointer *p = (ObjPointer *)obj_alloc(vm, sizeof(ObjPointer), OBJ_POINTER);
    p->addr = addr;
    p->finalize = NULL;
    p->owned = NULL;
    p->keep = NIL_VAL;
    return p;
}

/* -- Lists ----------------------------------------------------------- */

/* The object first, rooted while its array is allocated: the other order
** would leak the array if the object's allocation raised `Out of memory.`
** (INVARIANT(raise-before-alloc)). */
ObjList *list_new(VM *vm, uint32_t capacity)
{
    ObjList *l = (ObjList *)obj_alloc(vm, sizeof(ObjList), OBJ_LIST);
    l->count = 0;
    l->capacity = 0;
    l->items = NULL;
    if (capacity > 0) {
        vm_push_root(vm, obj_val(l));
        l->items = LX_ALLOC(vm, Value, capacity);
        l->capacity = capacity;
        vm_pop_root(vm, 1);
    }
    return l;
}

/* Make room for one more item. `incoming` is the value about to be
** stored: callers often hold it only in a C local, so it is rooted while
** the array grows. */
static void list_grow(VM *vm, ObjList *l, Value incoming)
{
    uint32_t cap = l->capacity;
    if (cap >= UINT32_MAX / 2)
        vm_error(vm, "Out of memory.");
    uint32_t new_cap = cap < 8 ? 8 : cap * 2;
    bool root = is_obj(incoming);
    if (root)
        vm_push_root(vm, incoming);
    l->items = LX_GROW_ARRAY(vm, Value, l->items, cap, new_cap);
    l->capacity = new_cap;
    if (root)
        vm_pop_root(vm, 1);
}

void list_push(VM *vm, ObjList *l, Value v)
{
    if (l->count == l->capacity)
        list_grow(vm, l, v);
    l->items[l->count++] = v;
}

void list_insert(VM *vm, ObjList *l, uint32_t at, Value v)
{
    if (l->count == l->capacity)
        list_grow(vm, l, v);
    memmove(&l->items[at + 1], &l->items[at], sizeof(Value) * (l->count - at));
    l->items[at] = v;
    l->count++;
}

Value list_remove(ObjList *l, uint32_t at)
{
    Value v = l->items[at];
    memmove(&l->items[at], &l->items[at + 1], sizeof(Value) * (l->count - at - 1));
    l->count--;
    return v;
}

/* -- Ranges ---------------------------------------------------------- */

ObjRange *range_new(VM *vm, double start, double stop, double step)
{
    ObjRange *r = (ObjRange *)obj_alloc(vm, sizeof(ObjRange), OBJ_RANGE);
    r->start = start;
    r->stop = stop;
    r->step = step;
    return r;
}

/* The number of values start, start+step, ... strictly before stop. The
** bounds are integral, so the distance less one, divided by the step and
** floored, counts the steps after the first value. */
double range_len(const ObjRange *r)
{
    if (r->step > 0)
        return r->start >= r->stop ? 0 : floor((r->stop - r->start - 1) / r->step) + 1;
    return r->start <= r->stop ? 0 : floor((r->start - r->stop - 1) / -r->step) + 1;
}

/* -- Type names ------------------------------------------------------ */

static const char *const obj_type_names[OBJ__COUNT] = {
#define LX_OBJ_TNAME(name, tname) [OBJ_##name] = tname,
    LX_OBJ_TYPES(LX_OBJ_TNAME)
#undef LX_OBJ_TNAME
};

const char *value_type_name(Value v)
{
    if (is_number(v))
        return "number";
    if (is_obj(v))
        return obj_type_names[as_obj(v)->type];
    if (is_bool(v))
        return "bool";
    return "nil";
}
