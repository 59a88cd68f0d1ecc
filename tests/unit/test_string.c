/* test_string.c -- interning, equality, hashing, building strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

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

static const char LONG_A[] = "this string is longer than forty bytes, so it is long";
static const char LONG_B[] = "this string is longer than forty bytes, so it is lonG";

static void test_short_interned(void **state)
{
    VM *vm = *state;
    ObjString *a = str_copy(vm, "hello", 5);
    ObjString *b = str_copy(vm, "hello", 5);
    ObjString *c = str_intern(vm, "hello", 5);
    assert_ptr_equal(a, b);
    assert_ptr_equal(a, c);
    assert_true(a->obj.flags & STR_INTERNED);
    assert_true(a->obj.flags & STR_HASHED);
    assert_int_equal(a->len, 5);
    assert_int_equal(a->chars[5], '\0');
    assert_string_equal(a->chars, "hello");

    /* Exactly LX_SHORT_STRING bytes is still short. */
    char buf[LX_SHORT_STRING + 1];
    memset(buf, 'x', sizeof buf);
    assert_ptr_equal(str_copy(vm, buf, LX_SHORT_STRING), str_copy(vm, buf, LX_SHORT_STRING));
    assert_ptr_not_equal(str_copy(vm, buf, LX_SHORT_STRING + 1),
                         str_copy(vm, buf, LX_SHORT_STRING + 1));

    ObjString *e1 = str_copy(vm, "", 0);
    ObjString *e2 = str_copy(vm, "", 0);
    assert_ptr_equal(e1, e2);
    assert_int_equal(e1->len, 0);

    /* Embedded NUL bytes are content. */
    ObjString *n1 = str_copy(vm, "a\0b", 3);
    ObjString *n2 = str_copy(vm, "a\0c", 3);
    ObjString *n3 = str_copy(vm, "a", 1);
    assert_ptr_not_equal(n1, n2);
    assert_ptr_not_equal(n1, n3);
    assert_int_equal(n1->len, 3);
}

static void test_long_not_interned(void **state)
{
    VM *vm = *state;
    size_t n = strlen(LONG_A);
    ObjString *a = str_copy(vm, LONG_A, n);
    ObjString *b = str_copy(vm, LONG_A, n);
    ObjString *c = str_copy(vm, LONG_B, n);
    assert_ptr_not_equal(a, b);
    assert_false(a->obj.flags & STR_INTERNED);
    assert_false(a->obj.flags & STR_HASHED);
    assert_true(str_equal(a, b));
    assert_false(str_equal(a, c));
    assert_true(value_equal(obj_val(a), obj_val(b)));
    assert_false(value_equal(obj_val(a), obj_val(c)));

    /* str_intern on demand: one object per content. */
    ObjString *i1 = str_intern(vm, LONG_A, n);
    ObjString *i2 = str_intern(vm, LONG_A, n);
    assert_ptr_equal(i1, i2);
    assert_true(i1->obj.flags & STR_INTERNED);
    assert_true(str_equal(a, i1));
    assert_int_equal(str_hash(a), i1->hash);

    /* str_intern_obj: the existing twin, or the string itself. */
    assert_ptr_equal(str_intern_obj(vm, b), i1);
    ObjString *d = str_copy(vm, LONG_B, n);
    assert_ptr_equal(str_intern_obj(vm, d), d);
    assert_true(d->obj.flags & STR_INTERNED);
    assert_ptr_equal(str_intern(vm, LONG_B, n), d);
    assert_ptr_equal(str_intern_obj(vm, c), d);
    assert_ptr_equal(str_intern_obj(vm, d), d);
}

static void test_concat(void **state)
{
    VM *vm = *state;
    ObjString *a = test_str(vm, "foo");
    ObjString *b = test_str(vm, "bar");
    ObjString *ab = str_concat(vm, a, b);
    assert_ptr_equal(ab, test_str(vm, "foobar"));
    assert_ptr_equal(str_concat(vm, a, test_str(vm, "")), a);
    assert_ptr_equal(str_concat(vm, test_str(vm, ""), b), b);

    /* Crossing into a long string: not interned, contents right. */
    ObjString *l = test_str(vm, "0123456789012345678901234567890123456789"); /* 40 */
    ObjString *lx = str_concat(vm, l, test_str(vm, "x"));
    assert_int_equal(lx->len, 41);
    assert_false(lx->obj.flags & STR_INTERNED);
    assert_string_equal(lx->chars, "0123456789012345678901234567890123456789x");
    ObjString *again = str_concat(vm, l, test_str(vm, "x"));
    assert_ptr_not_equal(lx, again);
    assert_true(str_equal(lx, again));

    /* Long + long, NUL-terminated. */
    ObjString *ll = str_concat(vm, lx, lx);
    assert_int_equal(ll->len, 82);
    assert_int_equal(ll->chars[82], '\0');
    assert_memory_equal(ll->chars + 41, lx->chars, 41);

    /* Short + short = exactly 40 bytes: interned. */
    ObjString *h = test_str(vm, "01234567890123456789");
    ObjString *hh = str_concat(vm, h, h);
    assert_true(hh->obj.flags & STR_INTERNED);
    assert_ptr_equal(hh, test_str(vm, "0123456789012345678901234567890123456789"));
}

static void test_alloc_finish_format(void **state)
{
    VM *vm = *state;
    ObjString *hi = test_str(vm, "hi!");
    ObjString *s = str_alloc(vm, 3);
    memcpy(s->chars, "hi!", 3);
    assert_ptr_equal(str_finish(vm, s), hi);

    ObjString *t = str_alloc(vm, 4);
    memcpy(t->chars, "new!", 4);
    ObjString *tf = str_finish(vm, t);
    assert_ptr_equal(tf, t);
    assert_true(t->obj.flags & STR_INTERNED);
    assert_ptr_equal(test_str(vm, "new!"), t);

    size_t n = strlen(LONG_A);
    ObjString *l = str_alloc(vm, n);
    memcpy(l->chars, LONG_A, n);
    assert_ptr_equal(str_finish(vm, l), l);
    assert_int_equal(l->chars[n], '\0');

    ObjString *f = str_format(vm, "%s-%d", "x", 42);
    assert_ptr_equal(f, test_str(vm, "x-42"));
    char big[600];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ObjString *g = str_format(vm, "<%s>", big);
    assert_int_equal(g->len, 601);
    assert_int_equal(g->chars[0], '<');
    assert_int_equal(g->chars[600], '>');
    assert_int_equal(g->chars[601], '\0');
}

static void test_hash(void **state)
{
    VM *vm = *state;
    /* Same content, same hash, whichever way the string was made. */
    size_t n = strlen(LONG_A);
    ObjString *a = str_copy(vm, LONG_A, n);
    ObjString *b = str_concat(vm, str_copy(vm, LONG_A, 20), str_copy(vm, LONG_A + 20, n - 20));
    assert_int_equal(str_hash(a), str_hash(b));
    assert_true(a->obj.flags & STR_HASHED);

    /* Distinct short strings: no collisions among a few thousand, and the
    ** low bits (the table index) spread. */
    enum { N = 4096 };
    static uint32_t hashes[N];
    int buckets[64] = { 0 };
    for (int i = 0; i < N; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "k%d", i);
        hashes[i] = str_hash(str_copy(vm, buf, (size_t)len));
        buckets[hashes[i] & 63]++;
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            assert_int_not_equal(hashes[i], hashes[j]);
    for (int i = 0; i < 64; i++)
        assert_in_range(buckets[i], 30, 100);   /* expectation 64 */

    /* Trailing NULs and lengths matter. */
    assert_int_not_equal(str_hash(str_copy(vm, "ab", 2)), str_hash(str_copy(vm, "ab\0", 3)));
    assert_int_not_equal(str_hash(str_copy(vm, "", 0)), str_hash(str_copy(vm, "\0", 1)));
}

static void test_equal(void **state)
{
    VM *vm = *state;
    ObjString *a = test_str(vm, "abc");
    ObjString *b = test_str(vm, "abd");
    assert_true(str_equal(a, a));
    assert_false(str_equal(a, b));
    assert_false(str_equal(a, test_str(vm, "ab")));
    /* An unfinished short string (never interned) still compares by content. */
    ObjString *raw = str_alloc(vm, 3);
    memcpy(raw->chars, "abc", 3);
    assert_true(str_equal(raw, a));
    assert_true(str_equal(a, raw));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_short_interned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_not_interned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_finish_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_equal, setup, teardown),
    };
    return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
