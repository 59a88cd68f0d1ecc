/* support.h -- a bare VM for the runtime's unit tests (header-only).
**
** The runtime (vm/memory.c, object.c, string.c, table.c, map.c, print.c)
** needs only a few VM fields and three functions of vm/vm.c:
** vm_push_root, vm_pop_root and vm_error. This header gives a zeroed VM
** with its tables initialized, and weak stand-ins for those functions, so
** the runtime's tests run with or without the rest of the VM: when
** vm/vm.c is linked (from build/liblox.a), its strong definitions win.
**
** Include it once per test program, after <cmocka.h>.
*/
#ifndef LX_TEST_SUPPORT_H
#define LX_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vm/memory.h"
#include "vm/object.h"
#include "vm/print.h"
#include "vm/table.h"
#include "vm/vm.h"

__attribute__((weak)) void vm_push_root(VM *vm, Value v)
{
    if (vm->nroots == vm->roots_cap) {
        int cap = vm->roots_cap < 8 ? 8 : vm->roots_cap * 2;
        Value *r = realloc(vm->roots, sizeof(Value) * (size_t)cap);
        if (r == NULL)
            abort();
        vm->roots = r;
        vm->roots_cap = cap;
    }
    vm->roots[vm->nroots++] = v;
}

__attribute__((weak)) void vm_pop_root(VM *vm, int n)
{
    vm->nroots -= n;
}

__attribute__((weak)) _Noreturn void vm_error(VM *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    vm->had_error = true;
    if (vm->error_jmp != NULL)
        longjmp(*vm->error_jmp, 1);
    abort();
}

static inline VM *test_vm_new(void)
{
    VM *vm = calloc(1, sizeof *vm);
    if (vm == NULL)
        abort();
    tab_init(&vm->global_index);
    tab_init(&vm->strings);
    tab_init(&vm->list_methods);
    tab_init(&vm->map_methods);
    tab_init(&vm->string_methods);
    vm->next_gc = LX_GC_MIN_BYTES;
    vm->args = NIL_VAL;
    return vm;
}

static inline void test_vm_free(VM *vm)
{
    gc_free_all(vm);
    tab_free(vm, &vm->global_index);
    tab_free(vm, &vm->strings);
    tab_free(vm, &vm->list_methods);
    tab_free(vm, &vm->map_methods);
    tab_free(vm, &vm->string_methods);
    free(vm->roots);
    free(vm->stack);
    free(vm);
}

/* A VM stack of `cap` slots (the tests place roots there). */
static inline void test_vm_stack(VM *vm, uint32_t cap)
{
    vm->stack = calloc(cap, sizeof(Value));
    if (vm->stack == NULL)
        abort();
    vm->stack_cap = cap;
    vm->stack_top = 0;
}

static inline size_t test_count_objects(const VM *vm)
{
    size_t n = 0;
    for (const Obj *o = vm->objects; o != NULL; o = o->next)
        n++;
    return n;
}

static inline bool test_obj_alive(const VM *vm, const void *p)
{
    for (const Obj *o = vm->objects; o != NULL; o = o->next)
        if ((const void *)o == p)
            return true;
    return false;
}

static inline ObjString *test_str(VM *vm, const char *s)
{
    return str_copy(vm, s, strlen(s));
}

/* str(v) as a C string compared with want. */
#define assert_str_of(vm, v, want)                                \
    do {                                                          \
        ObjString *s_ = value_to_str((vm), (v));                  \
        assert_int_equal(s_->len, strlen(want));                  \
        assert_memory_equal(s_->chars, (want), strlen(want));     \
    } while (0)

#endif
