/* test_map.c -- ObjMap: order, key identity rules, version, removal, size. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "tests/unit/support.h"

static int setup(void **state)
{
    VM *vm = test_vm_new();
    test_vm_stack(vm, 16);
    *state = vm;
    return 0;
}

static int teardown(void **state)
{
    test_vm_free(*state);
    return 0;
}

/* A fresh map kept alive in stack slot 0. */
static ObjMap *rooted_map(VM *vm)
{
    ObjMap *m = map_new(vm);
    vm->stack[0] = obj_val(m);
    vm->stack_top = 1;
    return m;
}

static Value get(ObjMap *m, Value k)
{
    Value out = UNDEF_VAL;
    if (!map_get(m, k, &out))
        return UNDEF_VAL;
    return out;
}

static void test_basic_order(void **state)
{
    VM *vm = *state;
    ObjMap *m = rooted_map(vm);
    assert_int_equal(get(m, int_val(1)), UNDEF_VAL);
    map_set(vm, m, obj_val(test_str(vm, "a")), int_val(1));
    map_set(vm, m, int_val(2), TRUE_VAL);
    map_set(vm, m, NIL_VAL, int_val(3));
    map_set(vm, m, FALSE_VAL, int_val(4));
    assert_int_equal(m->count, 4);
    assert_int_equal(get(m, int_val(2)), TRUE_VAL);
    assert_int_equal(get(m, NIL_VAL), int_val(3));
    assert_int_equal(get(m, FALSE_VAL), int_val(4));
    assert_int_equal(get(m, TRUE_VAL), UNDEF_VAL);
    assert_str_of(vm, obj_val(m), "{\"a\": 1, 2: true, nil: 3, false: 4}");

    /* Replacing a value keeps the position. */
    map_set(vm, m, obj_val(test_str(vm, "a")), int_val(9));
    assert_str_of(vm, obj_val(m), "{\"a\": 9, 2: true, nil: 3, false: 4}");

    /* Removal keeps the order of the rest; re-adding goes last. */
    Value out;
    assert_true(map_remove(m, int_val(2), &out));
    assert_int_equal(out, TRUE_VAL);
    assert_false(map_remove(m, int_val(2), &out));
    assert_str_of(vm, obj_val(m), "{\"a\": 9, nil: 3, false: 4}");
    map_set(vm, m, int_val(2), int_val(7));
    assert_str_of(vm, obj_val(m), "{\"a\": 9, nil: 3, false: 4, 2: 7}");
    assert_true(map_remove(m, obj_val(test_str(vm, "a")), NULL));
    assert_str_of(vm, obj_val(m), "{nil: 3, false: 4, 2: 7}");

    uint32_t pos = 0;
    Value k, v;
    assert_true(map_next(m, &pos, &k, &v));
    assert_int_equal(k, NIL_VAL);
    assert_true(map_next(m, &pos, &k, &v));
    assert_int_equal(k, FALSE_VAL);
    assert_true(map_next(m, &pos, &k, &v));
    assert_int_equal(k, int_val(2));
    assert_int_equal(v, int_val(7));
    assert_false(map_next(m, &pos, &k, &v));
    assert_false(map_next(m, &pos, &k, &v));

    ObjMap *e = map_new(vm);
    assert_str_of(vm, obj_val(e), "{}");
    pos = 0;
    assert_false(map_next(e, &pos, &k, &v));
    assert_false(map_remove(e, int_val(1), NULL));
}

static void test_number_keys(void **state)
{
    VM *vm = *state;
    ObjMap *m = rooted_map(vm);
    map_set(vm, m, int_val(1), obj_val(test_str(vm, "int")));
    map_set(vm, m, double_val(1.0), obj_val(test_str(vm, "double")));
    assert_int_equal(m->count, 1);
    assert_str_of(vm, get(m, int_val(1)), "double");

    /* 0, -0 and 0.0 are one key (0 == -0). */
    map_set(vm, m, double_val(-0.0), int_val(10));
    map_set(vm, m, int_val(0), int_val(11));
    map_set(vm, m, double_val(0.0), int_val(12));
    assert_int_equal(m->count, 2);
    assert_int_equal(get(m, double_val(-0.0)), int_val(12));
    assert_true(map_remove(m, double_val(-0.0), NULL));
    assert_int_equal(get(m, int_val(0)), UNDEF_VAL);

    /* Non-integral and out-of-int32 numbers. */
    map_set(vm, m, double_val(1.5), int_val(15));
    map_set(vm, m, double_val(4294967296.0), int_val(32));
    map_set(vm, m, double_val(-2147483648.0), int_val(31));
    assert_int_equal(get(m, double_val(1.5)), int_val(15));
    assert_int_equal(get(m, double_val(4294967296.0)), int_val(32));
    assert_int_equal(get(m, int_val(INT32_MIN)), int_val(31));
    assert_int_equal(get(m, double_val(1.25)), UNDEF_VAL);
    map_set(vm, m, double_val(INFINITY), int_val(99));
    assert_int_equal(get(m, double_val(INFINITY)), int_val(99));
    assert_int_equal(get(m, double_val(-INFINITY)), UNDEF_VAL);
}

static void test_string_keys(void **state)
{
    VM *vm = *state;
    ObjMap *m = rooted_map(vm);
    const char *txt = "a key that is definitely longer than forty bytes";
    ObjString *l1 = test_str(vm, txt);
    vm->stack[1] = obj_val(l1);
    ObjString *l2 = test_str(vm, txt);
    vm->stack[2] = obj_val(l2);
    vm->stack_top = 3;
    assert_ptr_not_equal(l1, l2);
    map_set(vm, m, obj_val(l1), int_val(1));
    assert_int_equal(get(m, obj_val(l2)), int_val(1));
    map_set(vm, m, obj_val(l2), int_val(2));
    assert_int_equal(m->count, 1);
    assert_int_equal(get(m, obj_val(l1)), int_val(2));
    assert_true(map_remove(m, obj_val(l2), NULL));
    assert_int_equal(m->count, 0);

    map_set(vm, m, obj_val(test_str(vm, "x")), int_val(1));
    assert_int_equal(get(m, obj_val(str_copy(vm, "x", 1))), int_val(1));
    assert_int_equal(get(m, obj_val(test_str(vm, "y"))), UNDEF_VAL);

    /* The string "1" and the number 1 are different keys. */
    map_set(vm, m, obj_val(test_str(vm, "1")), int_val(100));
    map_set(vm, m, int_val(1), int_val(200));
    assert_int_equal(m->count, 3);

    /* Objects are keys by identity. */
    ObjList *a = list_new(vm, 0);
    vm->stack[3] = obj_val(a);
    ObjList *b = list_new(vm, 0);
    vm->stack[4] = obj_val(b);
    vm->stack_top = 5;
    map_set(vm, m, obj_val(a), int_val(5));
    assert_int_equal(get(m, obj_val(a)), int_val(5));
    assert_int_equal(get(m, obj_val(b)), UNDEF_VAL);
}

static void test_version(void **state)
{
    VM *vm = *state;
    ObjMap *m = rooted_map(vm);
    uint32_t v0 = m->version;
    map_set(vm, m, int_val(1), int_val(1));
    uint32_t v1 = m->version;
    assert_int_not_equal(v0, v1);
    map_set(vm, m, int_val(1), int_val(2));          /* replace */
    map_set(vm, m, double_val(1.0), int_val(3));     /* same key */
    assert_int_equal(m->version, v1);
    Value out;
    assert_true(map_get(m, int_val(1), &out));
    assert_int_equal(m->version, v1);
    assert_false(map_remove(m, int_val(5), NULL));   /* absent: no change */
    assert_int_equal(m->version, v1);
    assert_true(map_remove(m, int_val(1), NULL));
    assert_int_not_equal(m->version, v1);
}

static void test_many_keys(void **state)
{
    VM *vm = *state;
    ObjMap *m = rooted_map(vm);
    enum { N = 100000 };
    for (int i = 0; i < N; i++)
        map_set(vm, m, int_val(i), int_val(i * 2));
    assert_int_equal(m->count, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(get(m, double_val((double)i)), int_val(i * 2));

    /* Remove every other key, then check order and lookups. */
    for (int i = 0; i < N; i += 2)
        assert_true(map_remove(m, int_val(i), NULL));
    assert_int_equal(m->count, N / 2);
    uint32_t pos = 0;
    Value k, v;
    int expect = 1;
    while (map_next(m, &pos, &k, &v)) {
        assert_int_equal(k, int_val(expect));
        expect += 2;
    }
    assert_int_equal(expect, N + 1);

    /* Insertions compact the removed entries away; order survives. */
    for (int i = 0; i < N; i += 2)
        map_set(vm, m, int_val(i), int_val(-i));
    assert_int_equal(m->count, N);
    assert_true(m->nentries <= m->entry_cap);
    assert_true((uint64_t)m->entry_cap * 4 == (uint64_t)m->index_cap * 3);
    pos = 0;
    int seen = 0;
    while (map_next(m, &pos, &k, &v)) {
        int want = seen < N / 2 ? 2 * seen + 1 : 2 * (seen - N / 2);
        assert_int_equal(k, int_val(want));
        seen++;
    }
    assert_int_equal(seen, N);

    /* String keys at scale. */
    ObjMap *s = map_new(vm);
    vm->stack[1] = obj_val(s);
    vm->stack_top = 2;
    for (int i = 0; i < 20000; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "key%d", i);
        map_set(vm, s, obj_val(str_copy(vm, buf, (size_t)len)), int_val(i));
    }
    for (int i = 0; i < 20000; i += 7) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "key%d", i);
        assert_int_equal(get(s, obj_val(str_copy(vm, buf, (size_t)len))), int_val(i));
    }
}

/* Keys that share their low bits (multiples of 2^20) or form progressions
** would pile into one probe chain with a weak hash; with a good one this
** is as fast as any other 100k inserts. No timing assert: it just has to
** finish (a quadratic map would take minutes). */
static void test_colliding_ints(void **state)
{
    VM *vm = *state;
    ObjMap *m = rooted_map(vm);
    enum { N = 100000 };
    for (int i = 0; i < N; i++)
        map_set(vm, m, double_val((double)i * 1048576.0), int_val(i));
    for (int i = 0; i < 2000; i++)
        map_set(vm, m, int_val((i << 11) | 1), int_val(i));  /* odd: disjoint */
    for (int i = 0; i < N; i++)
        assert_int_equal(get(m, double_val((double)i * 1048576.0)), int_val(i));

    /* The longest probe run in the index stays short. */
    uint32_t run = 0, longest = 0;
    for (uint32_t i = 0; i < m->index_cap; i++) {
        run = m->index[i] == -1 ? 0 : run + 1;
        if (run > longest)
            longest = run;
    }
    assert_true(longest < 200);
}

static void test_empty_and_churn(void **state)
{
    VM *vm = *state;
    ObjMap *m = rooted_map(vm);
    /* Fill and empty: the emptied map forgets its removed entries. */
    for (int i = 0; i < 1000; i++)
        map_set(vm, m, int_val(i), NIL_VAL);
    for (int i = 0; i < 1000; i++)
        assert_true(map_remove(m, int_val(i), NULL));
    assert_int_equal(m->count, 0);
    assert_int_equal(m->nentries, 0);
    map_set(vm, m, int_val(5), int_val(5));
    assert_str_of(vm, obj_val(m), "{5: 5}");

    /* Queue-like churn: add at the back, remove at the front. Memory stays
    ** bounded by the live size, not the number of operations. */
    for (int i = 0; i < 200000; i++) {
        map_set(vm, m, int_val(i + 1000000), int_val(i));
        if (i >= 50)
            assert_true(map_remove(m, int_val(i - 50 + 1000000), NULL));
    }
    assert_int_equal(m->count, 51);
    assert_true(m->index_cap <= 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_number_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_colliding_ints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_churn, setup, teardown),
    };
    return cmocka_run_group_tests_name("map", tests, NULL, NULL);
}
