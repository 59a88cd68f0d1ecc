/* test_value.c -- value_equal and value_type_name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "tests/unit/support.h"

static int setup(void **state)
{
    *state = test_vm_new();
    return 0;
}

static int teardown(void **state)
{
    test_vm_free(*state);
    return 0;
}

static void test_numbers(void **state)
{
    (void)state;
    assert_true(value_equal(int_val(1), int_val(1)));
    assert_false(value_equal(int_val(1), int_val(2)));
    assert_true(value_equal(int_val(1), double_val(1.0)));
    assert_true(value_equal(double_val(1.0), int_val(1)));
    assert_true(value_equal(int_val(0), double_val(-0.0)));
    assert_true(value_equal(double_val(0.0), double_val(-0.0)));
    assert_true(value_equal(double_val(0.5), double_val(0.5)));
    assert_false(value_equal(double_val(0.5), double_val(0.25)));
    Value nan = double_val(NAN);
    assert_false(value_equal(nan, nan));
    assert_false(value_equal(nan, int_val(0)));
    assert_true(value_equal(double_val(INFINITY), double_val(INFINITY)));
    assert_false(value_equal(double_val(INFINITY), double_val(-INFINITY)));
    assert_true(value_equal(double_val(2147483648.0), double_val(2147483648.0)));
    assert_false(value_equal(int_val(INT32_MAX), double_val(2147483648.0)));
}

static void test_others(void **state)
{
    VM *vm = *state;
    assert_true(value_equal(NIL_VAL, NIL_VAL));
    assert_true(value_equal(TRUE_VAL, TRUE_VAL));
    assert_false(value_equal(TRUE_VAL, FALSE_VAL));
    assert_false(value_equal(NIL_VAL, FALSE_VAL));
    assert_false(value_equal(NIL_VAL, int_val(0)));
    assert_false(value_equal(FALSE_VAL, int_val(0)));

    ObjString *s = test_str(vm, "0");
    assert_false(value_equal(obj_val(s), int_val(0)));
    assert_true(value_equal(obj_val(s), obj_val(test_str(vm, "0"))));
    const char *t = "long enough to escape interning: forty-one+ bytes";
    ObjString *l1 = test_str(vm, t), *l2 = test_str(vm, t);
    assert_ptr_not_equal(l1, l2);
    assert_true(value_equal(obj_val(l1), obj_val(l2)));

    ObjList *a = list_new(vm, 0), *b = list_new(vm, 0);
    assert_true(value_equal(obj_val(a), obj_val(a)));
    assert_false(value_equal(obj_val(a), obj_val(b)));   /* identity */
}

static void test_type_names(void **state)
{
    VM *vm = *state;
    assert_string_equal(value_type_name(NIL_VAL), "nil");
    assert_string_equal(value_type_name(TRUE_VAL), "bool");
    assert_string_equal(value_type_name(FALSE_VAL), "bool");
    assert_string_equal(value_type_name(int_val(3)), "number");
    assert_string_equal(value_type_name(double_val(NAN)), "number");
    assert_string_equal(value_type_name(obj_val(test_str(vm, "s"))), "string");
    assert_string_equal(value_type_name(obj_val(list_new(vm, 0))), "list");
    assert_string_equal(value_type_name(obj_val(map_new(vm))), "map");
    assert_string_equal(value_type_name(obj_val(range_new(vm, 0, 1, 1))), "range");
    ObjFunction *f = fn_new(vm);
    assert_string_equal(value_type_name(obj_val(closure_new(vm, f))), "function");
    ObjClass *k = class_new(vm, test_str(vm, "K"));
    assert_string_equal(value_type_name(obj_val(k)), "class");
    assert_string_equal(value_type_name(obj_val(instance_new(vm, k))), "instance");
    assert_string_equal(value_type_name(obj_val(module_new(vm, test_str(vm, "m")))), "module");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_names, setup, teardown),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
