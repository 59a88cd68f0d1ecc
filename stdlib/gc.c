/* gc.c -- the `gc` module (LANGUAGE.md section 5): the garbage collector
** seen from Lox.
**
** gc.collect() runs a full collection now (vm/memory.h); gc.stats() is a
** fresh map each call:
**   bytes        heap bytes in use (what the collector counts)
**   collections  collections so far, forced or automatic
**   threshold    the heap size at which the next automatic one starts
** A script cannot observe or break anything by collecting: a collection
** is always allowed wherever a native can allocate.
*/
#include "stdlib/lib.h"
#include "vm/memory.h"

static Value gclib_collect(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    gc_collect(vm);
    return NIL_VAL;
}

static Value gclib_stats(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    /* Read the counters first: building the map allocates and so may
    ** itself collect, which would skew them. */
    double bytes = (double)vm->bytes_allocated;
    double collections = (double)vm->gc_collections;
    double threshold = (double)vm->next_gc;
    ObjMap *m = map_new(vm);
    vm_push_root(vm, obj_val(m));
    lib_map_put(vm, m, "bytes", lx_number(bytes));
    lib_map_put(vm, m, "collections", lx_number(collections));
    lib_map_put(vm, m, "threshold", lx_number(threshold));
    vm_pop_root(vm, 1);
    return obj_val(m);
}

static const LibFn gc_fns[] = {
    {"collect", gclib_collect, 0, 0, NULL},
    {"stats",   gclib_stats,   0, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_gc_open(VM *vm)
{
    lib_register_module(vm, "gc", gc_fns);
}
