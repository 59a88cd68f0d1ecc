/* test_print.c -- the text of values: print, str(), StrBuf. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/support.h"

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

static Value keep(VM *vm, Value v)
{
    vm->stack[vm->stack_top++] = v;
    return v;
}

static Value native_dummy(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc, (void)args;
    return NIL_VAL;
}

/* What value_print writes, as a malloc'd C string. */
static char *printed(VM *vm, Value v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    value_print(vm, f, v);
    fclose(f);
    return buf;
}

static void check(VM *vm, Value v, const char *want)
{
    char *p = printed(vm, v);
    assert_string_equal(p, want);
    free(p);
    assert_str_of(vm, v, want);
}

static void test_scalars(void **state)
{
    VM *vm = *state;
    check(vm, NIL_VAL, "nil");
    check(vm, TRUE_VAL, "true");
    check(vm, FALSE_VAL, "false");
    check(vm, int_val(42), "42");
    check(vm, int_val(-7), "-7");
    check(vm, int_val(INT32_MIN), "-2147483648");
    check(vm, double_val(-0.0), "-0");
    check(vm, double_val(2.0), "2");
    check(vm, double_val(0.1), "0.1");
    check(vm, double_val(0.0 / 0.0), "nan");
    check(vm, keep(vm, obj_val(test_str(vm, "raw \"text\"\n"))), "raw \"text\"\n");
    /* str of a string is the string itself. */
    ObjString *s = test_str(vm, "same");
    assert_ptr_equal(value_to_str(vm, obj_val(s)), s);
}

static void test_containers(void **state)
{
    VM *vm = *state;
    ObjList *l = list_new(vm, 0);
    keep(vm, obj_val(l));
    list_push(vm, l, int_val(1));
    list_push(vm, l, obj_val(test_str(vm, "a")));
    list_push(vm, l, NIL_VAL);
    ObjList *inner = list_new(vm, 0);
    list_push(vm, l, obj_val(inner));
    list_push(vm, inner, int_val(2));
    check(vm, obj_val(l), "[1, \"a\", nil, [2]]");
    check(vm, obj_val(list_new(vm, 0)), "[]");

    ObjMap *m = map_new(vm);
    keep(vm, obj_val(m));
    map_set(vm, m, obj_val(test_str(vm, "a")), int_val(1));
    map_set(vm, m, int_val(2), TRUE_VAL);
    map_set(vm, m, obj_val(l), obj_val(inner));
    check(vm, obj_val(m), "{\"a\": 1, 2: true, [1, \"a\", nil, [2]]: [2]}");
    check(vm, obj_val(map_new(vm)), "{}");

    /* A map with removed entries at the front and middle. */
    ObjMap *r = map_new(vm);
    keep(vm, obj_val(r));
    for (int i = 0; i < 5; i++)
        map_set(vm, r, int_val(i), int_val(i * i));
    map_remove(r, int_val(0), NULL);
    map_remove(r, int_val(2), NULL);
    check(vm, obj_val(r), "{1: 1, 3: 9, 4: 16}");
}

static void test_escapes(void **state)
{
    VM *vm = *state;
    ObjList *l = list_new(vm, 0);
    keep(vm, obj_val(l));
    list_push(vm, l, obj_val(str_copy(vm, "q\"b\\n\nt\tr\rz\0e\x1b\x7f\x01", 16)));
    list_push(vm, l, obj_val(test_str(vm, "")));
    check(vm, obj_val(l), "[\"q\\\"b\\\\n\\nt\\tr\\rz\\0e\\x1b\x7f\\x01\", \"\"]");

    /* A long string with nothing to escape, inside a map key. */
    ObjMap *m = map_new(vm);
    keep(vm, obj_val(m));
    map_set(vm, m, obj_val(test_str(vm, "a plain key that is longer than forty bytes ok")), int_val(1));
    check(vm, obj_val(m), "{\"a plain key that is longer than forty bytes ok\": 1}");

    /* quoted at the top: the StrBuf option for disassemblers and REPLs. */
    StrBuf b;
    sb_init(&b);
    sb_add_value(vm, &b, obj_val(test_str(vm, "x\ny")), true);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "\"x\\ny\"", 6);
    sb_free(&b);
}

static void test_cycles(void **state)
{
    VM *vm = *state;
    ObjList *a = list_new(vm, 0);
    keep(vm, obj_val(a));
    list_push(vm, a, int_val(1));
    list_push(vm, a, obj_val(a));
    check(vm, obj_val(a), "[1, [...]]");

    ObjMap *m = map_new(vm);
    keep(vm, obj_val(m));
    map_set(vm, m, obj_val(test_str(vm, "self")), obj_val(m));
    map_set(vm, m, obj_val(test_str(vm, "list")), obj_val(a));
    check(vm, obj_val(m), "{\"self\": {...}, \"list\": [1, [...]]}");
    list_push(vm, a, obj_val(m));
    check(vm, obj_val(a), "[1, [...], {\"self\": {...}, \"list\": [...]}]");

    /* The same container twice, not nested: printed in full both times. */
    ObjList *one = list_new(vm, 0);
    keep(vm, obj_val(one));
    list_push(vm, one, int_val(1));
    ObjList *twice = list_new(vm, 0);
    keep(vm, obj_val(twice));
    list_push(vm, twice, obj_val(one));
    list_push(vm, twice, obj_val(one));
    check(vm, obj_val(twice), "[[1], [1]]");

    /* No PRINTING flag is left behind. */
    assert_false(a->obj.flags & LX_FLAG_PRINTING);
    assert_false(m->obj.flags & LX_FLAG_PRINTING);
    assert_false(one->obj.flags & LX_FLAG_PRINTING);
}

static void test_deep_nesting(void **state)
{
    VM *vm = *state;
    enum { DEPTH = 1000000 };
    ObjList *outer = list_new(vm, 1);
    keep(vm, obj_val(outer));
    ObjList *cur = outer;
    for (int i = 1; i < DEPTH; i++) {
        ObjList *next = list_new(vm, 1);
        list_push(vm, cur, obj_val(next));
        cur = next;
    }
    ObjString *s = value_to_str(vm, obj_val(outer));
    assert_int_equal(s->len, 2 * DEPTH);
    for (int i = 0; i < DEPTH; i++) {
        assert_int_equal(s->chars[i], '[');
        assert_int_equal(s->chars[DEPTH + i], ']');
    }
}

static void test_objects(void **state)
{
    VM *vm = *state;
    ObjFunction *fn = fn_new(vm);
    keep(vm, obj_val(fn));
    check(vm, obj_val(fn), "<script>");
    fn->name = test_str(vm, "add");
    check(vm, obj_val(fn), "<fn add>");
    ObjClosure *cl = closure_new(vm, fn);
    keep(vm, obj_val(cl));
    check(vm, obj_val(cl), "<fn add>");
    ObjNative *nat = native_new(vm, "clock", native_dummy, 0, 0);
    keep(vm, obj_val(nat));
    check(vm, obj_val(nat), "<native fn>");
    assert_string_equal(nat->name->chars, "clock");

    ObjClass *k = class_new(vm, test_str(vm, "Point"));
    keep(vm, obj_val(k));
    check(vm, obj_val(k), "Point");
    ObjInstance *in = instance_new(vm, k);
    keep(vm, obj_val(in));
    check(vm, obj_val(in), "Point instance");
    check(vm, keep(vm, obj_val(bound_new(vm, obj_val(in), &cl->obj))), "<fn add>");
    check(vm, keep(vm, obj_val(bound_new(vm, obj_val(in), &nat->obj))), "<native fn>");
    ObjModule *mod = module_new(vm, test_str(vm, "math"));
    keep(vm, obj_val(mod));
    check(vm, obj_val(mod), "<module math>");
    check(vm, keep(vm, obj_val(range_new(vm, 0, 1e20, 1.5e300))), "range(0, 1e+20, 1.5e+300)");

    ObjList *l = list_new(vm, 0);
    keep(vm, obj_val(l));
    list_push(vm, l, obj_val(in));
    list_push(vm, l, obj_val(k));
    list_push(vm, l, obj_val(cl));
    list_push(vm, l, double_val(-0.0));
    check(vm, obj_val(l), "[Point instance, Point, <fn add>, -0]");
}

static void test_strbuf(void **state)
{
    VM *vm = *state;
    StrBuf b;
    sb_init(&b);
    for (int i = 0; i < 10000; i++)
        sb_add(vm, &b, "abc", 3);
    sb_add_char(vm, &b, '!');
    sb_add_value(vm, &b, int_val(5), false);
    ObjString *s = sb_finish(vm, &b);
    assert_int_equal(s->len, 30002);
    assert_memory_equal(s->chars + 29997, "abc!5", 5);
    assert_true(b.data == b.small);     /* sb_finish freed it */

    sb_init(&b);
    sb_add(vm, &b, "sh", 2);
    s = sb_finish(vm, &b);
    assert_ptr_equal(s, test_str(vm, "sh"));   /* short: interned */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_containers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cycles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strbuf, setup, teardown),
    };
    return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
