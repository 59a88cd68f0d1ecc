/* test_gc.c -- the collector: roots, tracing every type, the weak intern
** pool, accounting, stress mode, deep structures, out of memory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/support.h"

/* Let the out-of-memory test see malloc fail under AddressSanitizer too. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static int setup(void **state)
{
    VM *vm = test_vm_new();
    test_vm_stack(vm, 64);
    *state = vm;
    return 0;
}

static int teardown(void **state)
{
    test_vm_free(*state);
    return 0;
}

/* Bytes the heap holds when no object is left: the pool's array. */
static size_t empty_heap_bytes(VM *vm)
{
    return vm->strings.entries ? sizeof(Entry) * ((size_t)vm->strings.mask + 1) : 0;
}

/* A long (never interned) string, so that it dies unless traced. */
static ObjString *lstr(VM *vm, const char *text)
{
    assert_true(strlen(text) > LX_SHORT_STRING);
    return str_copy(vm, text, strlen(text));
}

static Value native_dummy(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc, (void)args;
    return NIL_VAL;
}

static void test_unreachable_freed(void **state)
{
    VM *vm = *state;
    for (int i = 0; i < 100; i++) {
        ObjList *l = list_new(vm, 4);
        list_push(vm, l, obj_val(map_new(vm)));
    }
    ObjString *weak = test_str(vm, "only the pool knows me");
    uint32_t hash = weak->hash;
    assert_int_equal(test_count_objects(vm), 201);
    uint32_t before = vm->gc_collections;
    gc_collect(vm);
    assert_int_equal(vm->gc_collections, before + 1);
    assert_int_equal(test_count_objects(vm), 0);
    assert_int_equal(vm->bytes_allocated, empty_heap_bytes(vm));
    /* The intern pool is weak: the string left it when it died. */
    assert_null(tab_find_string(&vm->strings, "only the pool knows me", 22, hash));
    ObjString *again = test_str(vm, "only the pool knows me");
    assert_ptr_equal(tab_find_string(&vm->strings, "only the pool knows me", 22, hash), again);
}

/* Pin a fresh object while the graph is built (gc-safe-alloc); the pins
** are dropped before the collection that checks the tracing. */
static int npins;
static void *pin(VM *vm, void *o)
{
    vm_push_root(vm, obj_val(o));
    npins++;
    return o;
}

/* One object of every type, each reachable only through a reference of
** another type, so a missing case in the tracer loses something. */
static void build_graph(VM *vm, Value *root)
{
    npins = 0;
    ObjList *list = list_new(vm, 0);
    *root = obj_val(list);
    ObjMap *map = pin(vm, map_new(vm));
    list_push(vm, list, obj_val(map));
    list_push(vm, list, NIL_VAL);
    ObjClass *klass = pin(vm, class_new(vm, NULL));
    ObjInstance *inst = pin(vm, instance_new(vm, klass)); /* klass: via inst */
    map_set(vm, map, obj_val(inst), NIL_VAL);              /* inst: a map key */
    klass->name = lstr(vm, "a class name that is long, so not interned");
    ObjFunction *fn = pin(vm, fn_new(vm));
    ObjClosure *clo = pin(vm, closure_new(vm, fn));        /* fn: via closures */
    tab_set(vm, &inst->fields, test_str(vm, "f"), obj_val(clo));
    fn->name = lstr(vm, "function name, long enough to be uninterned");
    fn->source = lstr(vm, "source path, long enough to be uninterned!");
    fn->code = LX_GROW_ARRAY(vm, Instr, NULL, 0, 8);
    fn->lines = LX_GROW_ARRAY(vm, int32_t, NULL, 0, 8);
    fn->code_cap = 8;
    fn->consts = LX_GROW_ARRAY(vm, Value, NULL, 0, 4);
    fn->const_cap = 4;
    for (int i = 0; i < 4; i++)
        fn->consts[i] = NIL_VAL;
    fn->nconsts = 1;
    fn->consts[0] = obj_val(fn_new(vm));                   /* a nested prototype */
    fn->upvals = LX_GROW_ARRAY(vm, UpvalDesc, NULL, 0, 1);
    fn->nupvals = 1;
    fn->hotcounts = LX_GROW_ARRAY(vm, uint16_t, NULL, 0, 2);
    fn->nloops = 2;
    ObjClosure *clo2 = pin(vm, closure_new(vm, fn));
    klass->init = obj_val(clo2);                           /* clo2: via init */
    ObjUpvalue *up = upval_new(vm, NULL);
    clo2->upvals[0] = up;                                  /* up: via a closure */
    up->location = &up->closed;
    up->closed = obj_val(list_new(vm, 0));                 /* via closed upvalue */
    ObjNative *nat = pin(vm, native_new(vm, "native name", native_dummy, 0, 0));
    tab_set(vm, &klass->methods, test_str(vm, "m"), obj_val(nat));
    ObjModule *mod = pin(vm, module_new(vm, NULL));
    nat->data = obj_val(mod);                              /* mod: native data */
    mod->name = lstr(vm, "module name, long enough to be uninterned");
    tab_set(vm, &mod->members, test_str(vm, "r"), obj_val(range_new(vm, 0, 1, 1)));
    ObjBound *bound = pin(vm, bound_new(vm, NIL_VAL, &nat->obj));
    map_set(vm, map, int_val(1), obj_val(bound));          /* bound: a map value */
    bound->receiver = obj_val(map_new(vm));
    bound->method = &closure_new(vm, fn)->obj;
    list->items[1] = obj_val(lstr(vm, "a list item that is long, so not interned"));
    vm_pop_root(vm, npins);
}

static void test_every_type_traced(void **state)
{
    VM *vm = *state;
    size_t base = test_count_objects(vm);
    vm->stack[0] = NIL_VAL;
    vm->stack_top = 1;
    build_graph(vm, &vm->stack[0]);
    size_t n = test_count_objects(vm) - base;
    size_t bytes = vm->bytes_allocated;
    gc_collect(vm);
    /* Only the strings the map and native tables interned for keys might
    ** have been garbage; nothing else was. */
    assert_int_equal(test_count_objects(vm), n + base);
    assert_int_equal(vm->bytes_allocated, bytes);

    /* The same under stress: every allocation collects while building. */
    vm->stack[1] = NIL_VAL;
    vm->stack_top = 2;
    vm->gc_stress = true;
    build_graph(vm, &vm->stack[1]);
    vm->gc_stress = false;
    gc_collect(vm);
    assert_int_equal(test_count_objects(vm), 2 * n - 4 + base);  /* shared: "f" "m" "r" "native name" */

    /* Unrooted, everything goes and the accounting returns to empty. */
    vm->stack_top = 0;
    gc_collect(vm);
    assert_int_equal(test_count_objects(vm), 0);
    assert_int_equal(vm->bytes_allocated, empty_heap_bytes(vm));
}

static void mark_hook(VM *vm)
{
    gc_mark_value(vm, vm->stack[40]);
}

static void test_roots(void **state)
{
    VM *vm = *state;
    /* Each root kind holds one list. */
    vm->stack[0] = obj_val(list_new(vm, 0));
    vm->stack[1] = obj_val(list_new(vm, 0));   /* above stack_top: not a root */
    vm->stack_top = 1;
    vm_push_root(vm, obj_val(list_new(vm, 0)));
    vm->args = obj_val(list_new(vm, 0));
    vm->init_string = test_str(vm, "init");
    vm->globals = calloc(2, sizeof(Value));
    vm->global_names = calloc(2, sizeof(ObjString *));
    vm->globals_cap = 2;
    vm->globals[0] = obj_val(list_new(vm, 0));
    vm->global_names[0] = test_str(vm, "g0");
    vm->nglobals = 1;
    tab_set(vm, &vm->global_index, test_str(vm, "gi"), int_val(0));
    tab_set(vm, &vm->list_methods, test_str(vm, "lm"), obj_val(list_new(vm, 0)));
    tab_set(vm, &vm->map_methods, test_str(vm, "mm"), obj_val(list_new(vm, 0)));
    tab_set(vm, &vm->string_methods, test_str(vm, "sm"), obj_val(list_new(vm, 0)));
    CallFrame frame = { .closure = closure_new(vm, fn_new(vm)) };
    vm->frames = &frame;
    vm->frame_count = 1;
    ObjUpvalue *open = upval_new(vm, &vm->stack[0]);
    vm->open_upvals = open;
    vm->stack[40] = obj_val(list_new(vm, 0));
    vm->mark_extra = mark_hook;

    size_t n = test_count_objects(vm);
    gc_collect(vm);
    assert_int_equal(test_count_objects(vm), n - 1);   /* only stack[1] died */
    assert_false(test_obj_alive(vm, as_obj(vm->stack[1])));
    assert_true(test_obj_alive(vm, as_obj(vm->stack[40])));
    assert_true(test_obj_alive(vm, frame.closure->fn));
    assert_true(test_obj_alive(vm, open));

    /* Drop every root: all gone. */
    vm->stack_top = 0;
    vm_pop_root(vm, 1);
    vm->args = NIL_VAL;
    vm->init_string = NULL;
    vm->nglobals = 0;
    tab_free(vm, &vm->global_index);
    tab_free(vm, &vm->list_methods);
    tab_free(vm, &vm->map_methods);
    tab_free(vm, &vm->string_methods);
    vm->frame_count = 0;
    vm->frames = NULL;
    vm->open_upvals = NULL;
    vm->mark_extra = NULL;
    gc_collect(vm);
    assert_int_equal(test_count_objects(vm), 0);
    free(vm->globals);
    free(vm->global_names);
    vm->globals = NULL;
    vm->global_names = NULL;
}

static void test_threshold(void **state)
{
    VM *vm = *state;
    assert_int_equal(vm->gc_collections, 0);
    /* Garbage past the initial threshold triggers a collection by itself. */
    for (int i = 0; i < 20000; i++)
        list_new(vm, 16);
    assert_true(vm->gc_collections > 0);
    assert_true(vm->bytes_allocated <= vm->next_gc);
    assert_true(vm->next_gc >= LX_GC_MIN_BYTES);

    /* A large live heap: the next threshold is twice what survived. */
    vm->stack[0] = obj_val(list_new(vm, 1 << 20));   /* 8 MB of items */
    vm->stack_top = 1;
    gc_collect(vm);
    assert_int_equal(vm->next_gc, vm->bytes_allocated * LX_GC_GROW);
}

static void test_stress_interning(void **state)
{
    VM *vm = *state;
    vm->gc_stress = true;
    /* Interning grows the pool while the new string is unrooted. */
    ObjList *l = list_new(vm, 0);
    vm->stack[0] = obj_val(l);
    vm->stack_top = 1;
    for (int i = 0; i < 300; i++) {
        char buf[16];
        int len = snprintf(buf, sizeof buf, "s%d", i);
        list_push(vm, l, obj_val(str_copy(vm, buf, (size_t)len)));
        ObjString *c = str_concat(vm, AS_STRING(l->items[i]), AS_STRING(l->items[0]));
        list_push(vm, l, obj_val(c));
        list_remove(l, l->count - 1);
    }
    uint32_t collections = vm->gc_collections;
    assert_true(collections >= 300);
    for (int i = 0; i < 300; i++) {
        char buf[16];
        int len = snprintf(buf, sizeof buf, "s%d", i);
        assert_ptr_equal(AS_STRING(l->items[i]), str_copy(vm, buf, (size_t)len));
    }
    /* A map built under stress keeps fresh keys and values. */
    ObjMap *m = map_new(vm);
    vm->stack[1] = obj_val(m);
    vm->stack_top = 2;
    for (int i = 0; i < 100; i++) {
        ObjList *key = list_new(vm, 0);
        vm->stack[2] = obj_val(key);       /* gc-safe-alloc: key across map_new */
        vm->stack_top = 3;
        map_set(vm, m, obj_val(key), obj_val(map_new(vm)));
        vm->stack_top = 2;
    }
    vm->gc_stress = false;
    gc_collect(vm);
    assert_int_equal(test_count_objects(vm), 1 + 300 + 1 + 200);
}

static void test_deep_list(void **state)
{
    VM *vm = *state;
    enum { DEPTH = 1000000 };
    ObjList *outer = list_new(vm, 1);
    vm->stack[0] = obj_val(outer);
    vm->stack_top = 1;
    ObjList *cur = outer;
    for (int i = 1; i < DEPTH; i++) {
        ObjList *next = list_new(vm, 1);
        list_push(vm, cur, obj_val(next));
        cur = next;
    }
    gc_collect(vm);
    assert_int_equal(test_count_objects(vm), DEPTH);
    vm->stack_top = 0;
    gc_collect(vm);
    assert_int_equal(test_count_objects(vm), 0);
    assert_int_equal(vm->bytes_allocated, empty_heap_bytes(vm));
}

static void test_out_of_memory(void **state)
{
    VM *vm = *state;
    jmp_buf jb;
    vm->error_jmp = &jb;
    size_t bytes = vm->bytes_allocated;
    if (setjmp(jb) == 0) {
        lx_realloc(vm, NULL, 0, SIZE_MAX / 2);
        fail_msg("allocation of SIZE_MAX/2 succeeded");
    }
    vm->error_jmp = NULL;
    assert_true(vm->had_error);
    assert_int_equal(vm->bytes_allocated, bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unreachable_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_type_traced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stress_interning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests_name("gc", tests, NULL, NULL);
}
