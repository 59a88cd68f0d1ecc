/* lib.c -- registering natives as globals, module members and methods.
**
** Every function here allocates (natives, interned names, table growth),
** so each new object is pushed as a GC root until it is reachable from
** something the collector already marks (a global, a module's members, a
** built-in method table). INVARIANT(gc-safe-alloc) in vm/object.h.
*/
#include "stdlib/lib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "vm/memory.h"

/* -- Building blocks --------------------------------------------------- */

static ObjNative *make_native(VM *vm, const LibFn *f)
{
    ObjNative *n = native_new(vm, f->name, f->fn, f->arity_min, f->arity_max);
    n->nogc = f->nogc;
    return n;
}

/* Set table[name] = v where v is already rooted by the caller. */
static void set_member(VM *vm, Table *t, const char *name, Value v)
{
    ObjString *key = str_intern(vm, name, strlen(name));
    vm_push_root(vm, obj_val(key));
    tab_set(vm, t, key, v);
    vm_pop_root(vm, 1);
}

/* -- Argument helpers ------------------------------------------------- */

bool lib_integer(Value v, double *out)
{
    if (is_int(v)) {
        *out = as_int(v);
        return true;
    }
    if (!is_double(v))
        return false;
    double d = as_double(v);
    if (!isfinite(d) || d != trunc(d))
        return false;
    *out = d;
    return true;
}

uint32_t lib_index(VM *vm, Value v, uint32_t len)
{
    if (is_int(v)) {
        /* The fast path: one unsigned compare covers both bounds. */
        if ((uint32_t)as_int(v) >= len)
            vm_error(vm, "Index out of range.");
        return (uint32_t)as_int(v);
    }
    double d;
    if (!lib_integer(v, &d))
        vm_error(vm, "Index must be an integer.");
    if (d < 0 || d >= (double)len)
        vm_error(vm, "Index out of range.");
    return (uint32_t)d;
}

uint32_t lib_position(VM *vm, Value v, uint32_t len)
{
    double d;
    if (!lib_integer(v, &d))
        vm_error(vm, "Index must be an integer.");
    if (d < 0 || d > (double)len)
        vm_error(vm, "Index out of range.");
    return (uint32_t)d;
}

void lib_slice_bounds(VM *vm, int argc, const Value *args, uint32_t len,
                      uint32_t *a, uint32_t *b)
{
    *a = lib_position(vm, args[0], len);
    *b = argc > 1 ? lib_position(vm, args[1], len) : len;
    if (*a > *b)
        vm_error(vm, "Index out of range.");
}

void lib_map_put(VM *vm, ObjMap *m, const char *key, Value v)
{
    ObjString *k = str_copy(vm, key, strlen(key));
    vm_push_root(vm, obj_val(k));
    map_set(vm, m, obj_val(k), v);
    vm_pop_root(vm, 1);
}

/* -- Registration ------------------------------------------------------ */

void lib_register_globals(VM *vm, const LibFn *fns)
{
    for (const LibFn *f = fns; f->name != NULL; f++) {
        ObjNative *n = make_native(vm, f);
        vm_push_root(vm, obj_val(n));
        vm_define_global(vm, f->name, obj_val(n));
        vm_pop_root(vm, 1);
    }
}

ObjModule *lib_register_module(VM *vm, const char *name, const LibFn *fns)
{
    ObjString *mname = str_intern(vm, name, strlen(name));
    vm_push_root(vm, obj_val(mname));
    ObjModule *m = module_new(vm, mname);
    vm_push_root(vm, obj_val(m));
    for (const LibFn *f = fns; f->name != NULL; f++) {
        ObjNative *n = make_native(vm, f);
        vm_push_root(vm, obj_val(n));
        set_member(vm, &m->members, f->name, obj_val(n));
        vm_pop_root(vm, 1);
    }
    vm_define_global(vm, name, obj_val(m));
    vm_pop_root(vm, 2);
    return m;
}

void lib_register_methods(VM *vm, Table *into, const LibFn *fns)
{
    for (const LibFn *f = fns; f->name != NULL; f++) {
        ObjNative *n = make_native(vm, f);
        vm_push_root(vm, obj_val(n));
        set_member(vm, into, f->name, obj_val(n));
        vm_pop_root(vm, 1);
    }
}

void lib_module_set(VM *vm, ObjModule *m, const char *name, Value v)
{
    /* The module itself may be reachable only through the caller. */
    vm_push_root(vm, obj_val(m));
    vm_push_root(vm, v);
    set_member(vm, &m->members, name, v);
    vm_pop_root(vm, 2);
}

void lib_open_all(VM *vm)
{
    lib_core_open(vm);
    lib_string_open(vm);
    lib_list_open(vm);
    lib_map_open(vm);
    lib_math_open(vm);
    lib_io_open(vm);
    lib_os_open(vm);
    lib_time_open(vm);
    lib_gc_open(vm);
    lib_jit_open(vm);
    lib_ffi_open(vm);
}

Value lib_read_line(VM *vm)
{
    fflush(stdout);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NIL_VAL;
    }
    if (n > 0 && line[n - 1] == '\n')
        n--;
    /* str_copy raises only `Out of memory.`, and then this line leaks; a
    ** buffer tracked by the GC would need a second copy of every line. */
    ObjString *s = str_copy(vm, line, (size_t)n);
    free(line);
    return obj_val(s);
}
