/* test_table.c -- Table: set, get, delete, tombstones, growth, the pool. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "tests/unit/support.h"
#include "vm/table_inline.h"

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

/* Interned keys "k0".."k{n-1}", kept alive as roots. */
static ObjString **make_keys(VM *vm, int n)
{
    ObjString **keys = malloc(sizeof(ObjString *) * (size_t)n);
    for (int i = 0; i < n; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "k%d", i);
        keys[i] = str_copy(vm, buf, (size_t)len);
        vm_push_root(vm, obj_val(keys[i]));
    }
    return keys;
}

static void test_set_get(void **state)
{
    VM *vm = *state;
    Table t;
    tab_init(&t);
    ObjString *a = test_str(vm, "a"), *b = test_str(vm, "b");
    Value out;
    assert_false(tab_get(&t, a, &out));
    assert_null(tab_lookup(&t, a));
    assert_false(tab_delete(&t, a));

    assert_true(tab_set(vm, &t, a, int_val(1)));
    assert_false(tab_set(vm, &t, a, int_val(2)));   /* replace: not new */
    assert_true(tab_get(&t, a, &out));
    assert_int_equal(out, int_val(2));
    assert_false(tab_get(&t, b, &out));

    /* Any value, nil included, is a value (not "empty"). */
    assert_true(tab_set(vm, &t, b, NIL_VAL));
    assert_true(tab_get(&t, b, &out));
    assert_int_equal(out, NIL_VAL);
    Value *slot = tab_lookup(&t, b);
    assert_non_null(slot);
    *slot = TRUE_VAL;
    assert_true(tab_get(&t, b, &out));
    assert_int_equal(out, TRUE_VAL);
    tab_free(vm, &t);
    assert_null(t.entries);
}

static void test_delete_tombstones(void **state)
{
    VM *vm = *state;
    enum { N = 1000 };
    ObjString **keys = make_keys(vm, N);
    Table t;
    tab_init(&t);
    for (int i = 0; i < N; i++)
        tab_set(vm, &t, keys[i], int_val(i));
    /* Delete the even keys: the odd ones stay reachable past tombstones. */
    for (int i = 0; i < N; i += 2)
        assert_true(tab_delete(&t, keys[i]));
    for (int i = 0; i < N; i += 2)
        assert_false(tab_delete(&t, keys[i]));
    Value out;
    for (int i = 0; i < N; i++) {
        bool found = tab_get(&t, keys[i], &out);
        assert_int_equal(found, i % 2 == 1);
        if (found)
            assert_int_equal(out, int_val(i));
    }
    /* Re-adding reuses tombstones: new key, count unchanged. */
    uint32_t count = t.count;
    assert_true(tab_set(vm, &t, keys[0], int_val(-1)));
    assert_true(t.count <= count);
    assert_true(tab_get(&t, keys[0], &out));
    assert_int_equal(out, int_val(-1));

    /* Churn: set and delete many times; the table must not fill with
    ** tombstones (every probe must still end) nor grow without bound. */
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < N; i += 2)
            tab_set(vm, &t, keys[i], int_val(round));
        for (int i = 0; i < N; i += 2)
            tab_delete(&t, keys[i]);
    }
    assert_true(t.mask + 1 <= 4096);
    assert_true((uint64_t)t.count * 4 <= (uint64_t)(t.mask + 1) * 3);
    for (int i = 1; i < N; i += 2) {
        assert_true(tab_get(&t, keys[i], &out));
        assert_int_equal(out, int_val(i));
    }
    tab_free(vm, &t);
    vm_pop_root(vm, N);
    free(keys);
}

static void test_growth(void **state)
{
    VM *vm = *state;
    enum { N = 50000 };
    ObjString **keys = make_keys(vm, N);
    Table t;
    tab_init(&t);
    for (int i = 0; i < N; i++) {
        assert_true(tab_set(vm, &t, keys[i], int_val(i)));
        assert_true((uint64_t)t.count * 4 <= (uint64_t)(t.mask + 1) * 3);
    }
    assert_int_equal(t.count, N);
    assert_int_equal((t.mask + 1) & t.mask, 0);   /* power of two */
    Value out;
    for (int i = 0; i < N; i++) {
        assert_true(tab_get(&t, keys[i], &out));
        assert_int_equal(out, int_val(i));
    }

    Table copy;
    tab_init(&copy);
    tab_add_all(vm, &t, &copy);
    assert_int_equal(copy.count, N);
    for (int i = 0; i < N; i += 97) {
        assert_true(tab_get(&copy, keys[i], &out));
        assert_int_equal(out, int_val(i));
    }
    tab_free(vm, &copy);
    tab_free(vm, &t);
    vm_pop_root(vm, N);
    free(keys);
}

static void test_find_string(void **state)
{
    VM *vm = *state;
    ObjString *s = test_str(vm, "needle");
    assert_ptr_equal(tab_find_string(&vm->strings, "needle", 6, s->hash), s);
    assert_null(tab_find_string(&vm->strings, "needle", 5, s->hash));
    assert_null(tab_find_string(&vm->strings, "needlf", 6, s->hash));

    Table empty;
    tab_init(&empty);
    assert_null(tab_find_string(&empty, "needle", 6, s->hash));
}

static void test_remove_white(void **state)
{
    VM *vm = *state;
    Table t;
    tab_init(&t);
    ObjString *a = test_str(vm, "a"), *b = test_str(vm, "b");
    tab_set(vm, &t, a, int_val(1));
    tab_set(vm, &t, b, int_val(2));
    a->obj.marked = 1;
    tab_remove_white(&t);
    a->obj.marked = 0;
    Value out;
    assert_true(tab_get(&t, a, &out));
    assert_false(tab_get(&t, b, &out));
    tab_free(vm, &t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_tombstones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_white, setup, teardown),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
