/* test_list.c -- ObjList: push, insert, remove, growth, ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/support.h"

static int setup(void **state)
{
    VM *vm = test_vm_new();
    test_vm_stack(vm, 8);
    *state = vm;
    return 0;
}

static int teardown(void **state)
{
    test_vm_free(*state);
    return 0;
}

static ObjList *rooted_list(VM *vm, uint32_t cap)
{
    ObjList *l = list_new(vm, cap);
    vm->stack[vm->stack_top++] = obj_val(l);
    return l;
}

static void test_push_and_grow(void **state)
{
    VM *vm = *state;
    ObjList *l = rooted_list(vm, 0);
    assert_int_equal(l->count, 0);
    assert_int_equal(l->capacity, 0);
    assert_null(l->items);
    for (int i = 0; i < 10000; i++) {
        list_push(vm, l, int_val(i));
        assert_true(l->count <= l->capacity);
    }
    assert_int_equal(l->count, 10000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(l->items[i], int_val(i));

    ObjList *p = rooted_list(vm, 5);
    assert_int_equal(p->capacity, 5);
    assert_int_equal(p->count, 0);
    for (int i = 0; i < 6; i++)
        list_push(vm, p, int_val(i));
    assert_int_equal(p->count, 6);
    assert_str_of(vm, obj_val(p), "[0, 1, 2, 3, 4, 5]");
}

static void test_insert_remove(void **state)
{
    VM *vm = *state;
    ObjList *l = rooted_list(vm, 0);
    list_insert(vm, l, 0, int_val(2));         /* [2] */
    list_insert(vm, l, 0, int_val(0));         /* [0, 2] */
    list_insert(vm, l, 1, int_val(1));         /* [0, 1, 2] */
    list_insert(vm, l, 3, int_val(3));         /* at the end */
    assert_str_of(vm, obj_val(l), "[0, 1, 2, 3]");
    assert_int_equal(list_remove(l, 1), int_val(1));
    assert_str_of(vm, obj_val(l), "[0, 2, 3]");
    assert_int_equal(list_remove(l, 2), int_val(3));
    assert_int_equal(list_remove(l, 0), int_val(0));
    assert_str_of(vm, obj_val(l), "[2]");
    assert_int_equal(list_remove(l, 0), int_val(2));
    assert_int_equal(l->count, 0);
    assert_str_of(vm, obj_val(l), "[]");

    for (int i = 0; i < 100; i++)
        list_insert(vm, l, 0, int_val(i));
    for (int i = 0; i < 100; i++)
        assert_int_equal(l->items[i], int_val(99 - i));
}

/* A value pushed while the list grows is kept alive by list_push itself,
** even under the stress switch (a collection at every allocation). */
static void test_push_fresh_under_stress(void **state)
{
    VM *vm = *state;
    vm->gc_stress = true;
    ObjList *l = rooted_list(vm, 0);
    for (int i = 0; i < 200; i++) {
        ObjList *inner = list_new(vm, 0);      /* only in a C local */
        list_push(vm, l, obj_val(inner));
    }
    vm->gc_stress = false;
    gc_collect(vm);
    for (int i = 0; i < 200; i++)
        assert_true(test_obj_alive(vm, as_obj(l->items[i])));
    assert_int_equal(test_count_objects(vm), 201);
}

static void test_range(void **state)
{
    VM *vm = *state;
    ObjRange *r = range_new(vm, 0, 10, 1);
    assert_true(range_len(r) == 10);
    assert_str_of(vm, obj_val(r), "range(0, 10, 1)");
    assert_true(range_len(range_new(vm, 0, 10, 3)) == 4);      /* 0 3 6 9 */
    assert_true(range_len(range_new(vm, 0, 9, 3)) == 3);       /* 0 3 6 */
    assert_true(range_len(range_new(vm, 10, 0, -1)) == 10);
    assert_true(range_len(range_new(vm, 10, 0, -3)) == 4);     /* 10 7 4 1 */
    assert_true(range_len(range_new(vm, 5, 5, 1)) == 0);
    assert_true(range_len(range_new(vm, 5, 0, 1)) == 0);
    assert_true(range_len(range_new(vm, 0, 5, -1)) == 0);
    assert_true(range_len(range_new(vm, -5, 5, 2)) == 5);      /* -5 -3 -1 1 3 */
    assert_str_of(vm, obj_val(range_new(vm, 10, -2, -3)), "range(10, -2, -3)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_push_and_grow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_push_fresh_under_stress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range, setup, teardown),
    };
    return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}
