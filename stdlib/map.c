/* map.c -- methods of maps (LANGUAGE.md section 2.6).
**
** Keys compare like `==` (vm/object.h, ObjMap). The receiver is args[-1].
** get(k) defaults to nil, remove(k) returns the removed value or nil, and
** keys(), values() and copy() follow insertion order. NaN is never a key,
** so asking about it is answered like any absent key: has(nan) is false,
** get(nan, d) is d, remove(nan) is nil.
*/
#include "stdlib/lib.h"

#define RECV(args) AS_MAP((args)[-1])

/* -- Lookup ------------------------------------------------------------ */

static Value mapm_has(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc;
    Value out;
    return bool_val(map_get(RECV(args), args[0], &out));
}

static Value mapm_get(VM *vm, int argc, Value *args)
{
    (void)vm;
    Value out;
    if (map_get(RECV(args), args[0], &out))
        return out;
    return argc > 1 ? args[1] : NIL_VAL;
}

static Value mapm_remove(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc;
    Value out;
    return map_remove(RECV(args), args[0], &out) ? out : NIL_VAL;
}

/* -- Views and copies -------------------------------------------------- */

/* A list of the keys (want_keys) or values, in insertion order. */
static Value entries_list(VM *vm, ObjMap *m, bool want_keys)
{
    ObjList *out = list_new(vm, m->count);
    vm_push_root(vm, obj_val(out));
    uint32_t pos = 0;
    Value k, v;
    while (map_next(m, &pos, &k, &v))
        list_push(vm, out, want_keys ? k : v);
    vm_pop_root(vm, 1);
    return obj_val(out);
}

static Value mapm_keys(VM *vm, int argc, Value *args)
{
    (void)argc;
    return entries_list(vm, RECV(args), true);
}

static Value mapm_values(VM *vm, int argc, Value *args)
{
    (void)argc;
    return entries_list(vm, RECV(args), false);
}

static Value mapm_copy(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjMap *m = RECV(args);
    ObjMap *out = map_new(vm);
    vm_push_root(vm, obj_val(out));
    uint32_t pos = 0;
    Value k, v;
    /* k and v stay reachable through m (rooted as the receiver). */
    while (map_next(m, &pos, &k, &v))
        map_set(vm, out, k, v);
    vm_pop_root(vm, 1);
    return obj_val(out);
}

/* -- Registration ------------------------------------------------------ */

static const LibFn map_methods[] = {
    {"has",    mapm_has,    1, 1, NULL},
    {"get",    mapm_get,    1, 2, NULL},
    {"remove", mapm_remove, 1, 1, NULL},
    {"keys",   mapm_keys,   0, 0, NULL},
    {"values", mapm_values, 0, 0, NULL},
    {"copy",   mapm_copy,   0, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_map_open(VM *vm)
{
    lib_register_methods(vm, &vm->map_methods, map_methods);
}
