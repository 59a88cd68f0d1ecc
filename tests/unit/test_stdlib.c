/* test_stdlib.c -- the standard library called from C through a real VM.
**
** Natives are fetched from where lib_open_all put them (globals, the math
** module, the method tables) and called with vm_call, inside a boundary
** of our own that catches vm_error and records its message, so misuse can
** be checked as well as results. The sort tests run with the GC stress
** switch on and a native comparator, so every allocation collects while
** the sort's buffers are live.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdlib/lib.h"
#include "vm/memory.h"
#include "vm/object.h"
#include "vm/print.h"
#include "vm/vm.h"

/* -- Calling natives ---------------------------------------------------- */

static char last_error[256];
/* For calls without arguments (vm_call copies argc values from args). */
static const Value no_args[1] = {NIL_VAL};

/* Calls callee(args); returns true and the result in *out, or false with
** the error's first line in last_error. stderr is captured meanwhile. */
static bool try_call(VM *vm, Value callee, int argc, const Value *args, Value *out)
{
    jmp_buf jb;
    jmp_buf *prev = vm->error_jmp;
    int frames = vm->frame_count, roots = vm->nroots, depth = vm->native_depth;
    uint32_t top = vm->stack_top;
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *cap = tmpfile();
    if (cap == NULL || saved < 0)
        abort();
    if (getenv("TEST_NOCAPTURE") == NULL)
        dup2(fileno(cap), STDERR_FILENO);
    last_error[0] = '\0';

    vm->error_jmp = &jb;
    bool ok;
    if (setjmp(jb) == 0) {
        *out = vm_call(vm, callee, argc, args);
        ok = true;
    } else {
        vm->frame_count = frames;
        vm->stack_top = top;
        vm->nroots = roots;
        vm->native_depth = depth;
        ok = false;
    }
    vm->error_jmp = prev;

    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(cap);
    if (fgets(last_error, sizeof last_error, cap) != NULL)
        last_error[strcspn(last_error, "\n")] = '\0';
    fclose(cap);
    return ok;
}

static Value global(VM *vm, const char *name)
{
    uint32_t slot = vm_global_slot(vm, str_intern(vm, name, strlen(name)));
    return vm->globals[slot];
}

static Value member(VM *vm, Table *t, const char *name)
{
    Value v = NIL_VAL;
    assert_true(tab_get(t, str_intern(vm, name, strlen(name)), &v));
    return v;
}

static Value math_fn(VM *vm, const char *name)
{
    return member(vm, &AS_MODULE(global(vm, "math"))->members, name);
}

/* A member of the module bound to the global `module`. */
static Value mod_fn(VM *vm, const char *module, const char *name)
{
    return member(vm, &AS_MODULE(global(vm, module))->members, name);
}

/* A method of a built-in type bound to its receiver, so that vm_call
** puts the receiver in args[-1]. */
static Value method(VM *vm, Table *t, Value receiver, const char *name)
{
    Value m = member(vm, t, name);
    vm_push_root(vm, receiver);
    Value b = obj_val(bound_new(vm, receiver, as_obj(m)));
    vm_pop_root(vm, 1);
    return b;
}

static Value str_val(VM *vm, const char *s)
{
    return obj_val(str_copy(vm, s, strlen(s)));
}

/* Appends a new string to l (rooted by the caller). */
static void push_str(VM *vm, ObjList *l, const char *s)
{
    Value v = str_val(vm, s);
    vm_push_root(vm, v);
    list_push(vm, l, v);
    vm_pop_root(vm, 1);
}

/* Calls and expects success. */
static Value call(VM *vm, Value callee, int argc, const Value *args)
{
    Value out = NIL_VAL;
    if (!try_call(vm, callee, argc, args, &out))
        fail_msg("unexpected error: %s", last_error);
    return out;
}

/* Calls and expects the error `want`. */
static void call_fails(VM *vm, Value callee, int argc, const Value *args, const char *want)
{
    Value out;
    assert_false(try_call(vm, callee, argc, args, &out));
    assert_string_equal(last_error, want);
}

static int setup(void **state)
{
    VM *vm = vm_new();
    assert_non_null(vm);
    *state = vm;
    return 0;
}

static int teardown(void **state)
{
    vm_free(*state);
    return 0;
}

/* -- Registration ------------------------------------------------------- */

static void test_everything_registered(void **state)
{
    VM *vm = *state;
    static const char *const globals[] = {"clock", "len", "str", "num", "type", "range",
                                          "chr", "input", "assert", "error", "exit"};
    for (size_t i = 0; i < sizeof globals / sizeof *globals; i++)
        assert_true(is_obj_type(global(vm, globals[i]), OBJ_NATIVE));

    static const char *const math[] = {
        "abs", "floor", "ceil", "round", "trunc", "sign", "sqrt", "cbrt", "exp",
        "log", "log2", "log10", "pow", "sin", "cos", "tan", "asin", "acos", "atan",
        "atan2", "hypot", "min", "max", "isnan", "isinf", "random", "seed"};
    for (size_t i = 0; i < sizeof math / sizeof *math; i++)
        assert_true(is_obj_type(math_fn(vm, math[i]), OBJ_NATIVE));
    assert_true(as_num(math_fn(vm, "pi")) == 3.141592653589793);
    assert_true(isinf(as_num(math_fn(vm, "inf"))));
    assert_true(isnan(as_num(math_fn(vm, "nan"))));

    static const char *const lists[] = {"push", "pop", "insert", "remove", "indexOf",
                                        "contains", "slice", "join", "sort", "reverse",
                                        "copy"};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        assert_true(is_obj_type(member(vm, &vm->list_methods, lists[i]), OBJ_NATIVE));
    static const char *const maps[] = {"has", "get", "remove", "keys", "values", "copy"};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        assert_true(is_obj_type(member(vm, &vm->map_methods, maps[i]), OBJ_NATIVE));
    static const char *const strings[] = {"upper", "lower", "trim", "split", "find",
                                          "contains", "startsWith", "endsWith",
                                          "replace", "slice", "repeat", "byte"};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        assert_true(is_obj_type(member(vm, &vm->string_methods, strings[i]), OBJ_NATIVE));
}

/* -- num() -------------------------------------------------------------- */

static void test_num(void **state)
{
    VM *vm = *state;
    static const struct { const char *text; double want; } good[] = {
        {"42", 42},        {"  -1.5e3 \n", -1500}, {"+0x1F", 31}, {"0XfF", 255},
        {"-0x10", -16},    {"2.5E-1", 0.25},       {"1E+3", 1000}, {"007", 7},
        {"0.1", 0.1},      {"\t3\t", 3},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        Value arg = str_val(vm, good[i].text);
        Value r = call(vm, global(vm, "num"), 1, &arg);
        assert_true(is_number(r));
        assert_true(as_num(r) == good[i].want);
    }
    static const char *const bad[] = {"", "  ", "1.", ".5", "0x", "1e", "1e+", "abc",
                                      "12abc", "inf", "nan", "--1", "1 2", "0x1.8p3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        Value arg = str_val(vm, bad[i]);
        assert_true(is_nil(call(vm, global(vm, "num"), 1, &arg)));
    }
    /* "-0" is the double -0, never the int 0. */
    Value arg = str_val(vm, "-0");
    Value r = call(vm, global(vm, "num"), 1, &arg);
    assert_true(is_double(r) && signbit(as_double(r)));
    /* A number is its own value; other types are errors. */
    arg = double_val(2.5);
    assert_true(call(vm, global(vm, "num"), 1, &arg) == arg);
    arg = NIL_VAL;
    call_fails(vm, global(vm, "num"), 1, &arg, "num() expects a string or number.");
}

/* -- Index helpers -------------------------------------------------------- */

static void test_index_rules(void **state)
{
    VM *vm = *state;
    double d;
    assert_true(lib_integer(int_val(-3), &d) && d == -3);
    assert_true(lib_integer(double_val(1e300), &d));
    assert_false(lib_integer(double_val(0.5), &d));
    assert_false(lib_integer(double_val(INFINITY), &d));
    assert_false(lib_integer(NIL_VAL, &d));

    Value s = str_val(vm, "abc");
    vm_push_root(vm, s);
    Value args[2] = {int_val(3), NIL_VAL};
    call_fails(vm, method(vm, &vm->string_methods, s, "byte"), 1, args,
               "Index out of range.");
    args[0] = double_val(1.5);
    call_fails(vm, method(vm, &vm->string_methods, s, "byte"), 1, args,
               "Index must be an integer.");
    args[0] = double_val(2.0);
    assert_true(call(vm, method(vm, &vm->string_methods, s, "byte"), 1, args) ==
                int_val('c'));
    args[0] = int_val(2);
    args[1] = int_val(1);
    call_fails(vm, method(vm, &vm->string_methods, s, "slice"), 2, args,
               "Index out of range.");
    args[0] = int_val(3);
    Value empty = call(vm, method(vm, &vm->string_methods, s, "slice"), 1, args);
    assert_int_equal(AS_STRING(empty)->len, 0);
    vm_pop_root(vm, 1);
}

/* -- Strings -------------------------------------------------------------- */

static void test_repeat_overflow(void **state)
{
    VM *vm = *state;
    Value s = str_val(vm, "abc");
    vm_push_root(vm, s);
    Value n = double_val(2e9);
    call_fails(vm, method(vm, &vm->string_methods, s, "repeat"), 1, &n, "Out of memory.");
    n = double_val(1e300);
    call_fails(vm, method(vm, &vm->string_methods, s, "repeat"), 1, &n, "Out of memory.");
    n = int_val(-1);
    call_fails(vm, method(vm, &vm->string_methods, s, "repeat"), 1, &n,
               "repeat() expects a non-negative integer.");
    n = int_val(4);
    Value r = call(vm, method(vm, &vm->string_methods, s, "repeat"), 1, &n);
    assert_string_equal(AS_STRING(r)->chars, "abcabcabcabc");
    vm_pop_root(vm, 1);
}

static void test_split_join_round_trip(void **state)
{
    VM *vm = *state;
    vm->gc_stress = true;
    Value text = str_val(vm, ",a,,bc,def,");
    vm_push_root(vm, text);
    Value sep = str_val(vm, ",");
    vm_push_root(vm, sep);
    Value parts = call(vm, method(vm, &vm->string_methods, text, "split"), 1, &sep);
    vm_push_root(vm, parts);
    assert_int_equal(AS_LIST(parts)->count, 6);
    ObjString *joined =
        AS_STRING(call(vm, method(vm, &vm->list_methods, parts, "join"), 1, &sep));
    assert_string_equal(joined->chars, ",a,,bc,def,");
    vm->gc_stress = false;
    vm_pop_root(vm, 3);
}

/* -- Sorting -------------------------------------------------------------- */

/* A native comparator on [key, tag] pairs: by key only. */
static Value cmp_first(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc;
    double a = as_num(AS_LIST(args[0])->items[0]);
    double b = as_num(AS_LIST(args[1])->items[0]);
    return int_val(a < b ? -1 : a > b ? 1 : 0);
}

static Value cmp_raises(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    vm_error(vm, "comparator says no.");
}

static void test_sort_stable_under_gc_stress(void **state)
{
    VM *vm = *state;
    enum { N = 600 };
    ObjList *l = list_new(vm, 0);
    vm_push_root(vm, obj_val(l));
    for (int i = 0; i < N; i++) {
        ObjList *pair = list_new(vm, 2);
        vm_push_root(vm, obj_val(pair));
        list_push(vm, pair, int_val((i * 7) % 10));
        list_push(vm, pair, int_val(i));
        list_push(vm, l, obj_val(pair));
        vm_pop_root(vm, 1);
    }
    Value cmp = obj_val(native_new(vm, "cmp", cmp_first, 2, 2));
    vm_push_root(vm, cmp);
    vm->gc_stress = true;
    assert_true(is_nil(call(vm, method(vm, &vm->list_methods, obj_val(l), "sort"), 1, &cmp)));
    vm->gc_stress = false;
    assert_int_equal(l->count, N);
    for (int i = 1; i < N; i++) {
        ObjList *p = AS_LIST(l->items[i - 1]), *q = AS_LIST(l->items[i]);
        assert_true(as_int(p->items[0]) <= as_int(q->items[0]));
        if (as_int(p->items[0]) == as_int(q->items[0]))
            assert_true(as_int(p->items[1]) < as_int(q->items[1]));
    }
    vm_pop_root(vm, 2);
}

static void test_sort_errors(void **state)
{
    VM *vm = *state;
    ObjList *l = list_new(vm, 0);
    vm_push_root(vm, obj_val(l));
    for (int i = 0; i < 50; i++)
        list_push(vm, l, int_val(50 - i));
    Value cmp = obj_val(native_new(vm, "cmp", cmp_raises, 2, 2));
    vm_push_root(vm, cmp);
    call_fails(vm, method(vm, &vm->list_methods, obj_val(l), "sort"), 1, &cmp,
               "comparator says no.");
    /* The failed sort left the list as it was. */
    assert_int_equal(l->count, 50);
    assert_true(l->items[0] == int_val(50));

    Value notfn = int_val(1);
    call_fails(vm, method(vm, &vm->list_methods, obj_val(l), "sort"), 1, &notfn,
               "sort() expects a function.");
    push_str(vm, l, "x");
    call_fails(vm, method(vm, &vm->list_methods, obj_val(l), "sort"), 0, no_args,
               "sort() expects a list of numbers or strings.");
    vm_pop_root(vm, 2);
}

static void test_sort_numbers_and_strings(void **state)
{
    VM *vm = *state;
    ObjList *l = list_new(vm, 0);
    vm_push_root(vm, obj_val(l));
    const double nums[] = {3, -0.0, 2.5, NAN, -7, 0, 1e300, 2};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        list_push(vm, l, lx_number(nums[i]));
    call(vm, method(vm, &vm->list_methods, obj_val(l), "sort"), 0, no_args);
    ObjString *s = value_to_str(vm, obj_val(l));
    assert_string_equal(s->chars, "[-7, -0, 0, 2, 2.5, 3, 1e+300, nan]");

    ObjList *w = list_new(vm, 0);
    vm_push_root(vm, obj_val(w));
    const char *words[] = {"b", "ab", "", "a", "B", "abc"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        push_str(vm, w, words[i]);
    call(vm, method(vm, &vm->list_methods, obj_val(w), "sort"), 0, no_args);
    s = value_to_str(vm, obj_val(w));
    assert_string_equal(s->chars, "[\"\", \"B\", \"a\", \"ab\", \"abc\", \"b\"]");
    vm_pop_root(vm, 2);
}

/* -- math ----------------------------------------------------------------- */

static void test_random_seeded(void **state)
{
    VM *vm = *state;
    Value seed = int_val(7), bounds[2] = {int_val(-5), int_val(5)};
    Value first[8], again[8];
    call(vm, math_fn(vm, "seed"), 1, &seed);
    for (int i = 0; i < 8; i++)
        first[i] = call(vm, math_fn(vm, "random"), i % 2 ? 2 : 0, bounds);
    seed = double_val(7.0);  /* the same number, the other encoding */
    call(vm, math_fn(vm, "seed"), 1, &seed);
    for (int i = 0; i < 8; i++)
        again[i] = call(vm, math_fn(vm, "random"), i % 2 ? 2 : 0, bounds);
    for (int i = 0; i < 8; i++) {
        assert_true(first[i] == again[i]);
        double x = as_num(first[i]);
        if (i % 2)
            assert_true(x >= -5 && x <= 5 && x == floor(x));
        else
            assert_true(x >= 0 && x < 1);
    }
    bounds[0] = int_val(6);
    call_fails(vm, math_fn(vm, "random"), 2, bounds, "math.random() expects a <= b.");
}

static void test_math_results(void **state)
{
    VM *vm = *state;
    Value x = double_val(2.5);
    assert_true(call(vm, math_fn(vm, "floor"), 1, &x) == int_val(2));
    x = double_val(-2.5);
    assert_true(call(vm, math_fn(vm, "round"), 1, &x) == int_val(-3));
    x = double_val(-0.4);
    Value r = call(vm, math_fn(vm, "round"), 1, &x);
    assert_true(is_double(r) && as_double(r) == 0 && signbit(as_double(r)));
    x = int_val(27);
    assert_true(call(vm, math_fn(vm, "cbrt"), 1, &x) == int_val(3));
    x = int_val(INT32_MIN);
    assert_true(as_num(call(vm, math_fn(vm, "abs"), 1, &x)) == 2147483648.0);
    x = str_val(vm, "a");
    call_fails(vm, math_fn(vm, "sqrt"), 1, &x, "math.sqrt() expects a number.");
}

/* -- io, os, time, gc, jit ---------------------------------------------- */

static void test_modules_registered(void **state)
{
    VM *vm = *state;
    static const struct { const char *module, *names[10]; } mods[] = {
        {"io", {"readFile", "writeFile", "appendFile", "readLines", "exists", "remove",
                "write", "writeErr", "readLine"}},
        {"os", {"env", "exit", "cwd"}},
        {"time", {"now", "monotonic", "sleep"}},
        {"gc", {"collect", "stats"}},
        {"jit", {"on", "off", "status", "flush", "stats", "param"}},
    };
    for (size_t i = 0; i < sizeof mods / sizeof *mods; i++) {
        assert_true(is_obj_type(global(vm, mods[i].module), OBJ_MODULE));
        for (int j = 0; mods[i].names[j] != NULL; j++)
            assert_true(is_obj_type(mod_fn(vm, mods[i].module, mods[i].names[j]), OBJ_NATIVE));
    }
    /* os.args is the VM's args list, which the CLI fills. */
    assert_true(is_obj_type(vm->args, OBJ_LIST));
    assert_true(mod_fn(vm, "os", "args") == vm->args);
    ObjString *platform = AS_STRING(mod_fn(vm, "os", "platform"));
    assert_string_equal(platform->chars, "linux");
}

/* Write, append, read back and remove one file with every allocation
** collecting, then check the failure texts. */
static void test_io_files_under_gc_stress(void **state)
{
    VM *vm = *state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/loxjit_unit_%d.txt", (int)getpid());
    Value args[2];
    args[0] = str_val(vm, path);
    vm_push_root(vm, args[0]);
    args[1] = str_val(vm, "line one\nline two");
    vm_push_root(vm, args[1]);
    vm->gc_stress = true;

    call(vm, mod_fn(vm, "io", "writeFile"), 2, args);
    args[1] = str_val(vm, "\n\nlast\n");
    vm_pop_root(vm, 1);
    vm_push_root(vm, args[1]);
    call(vm, mod_fn(vm, "io", "appendFile"), 2, args);
    Value text = call(vm, mod_fn(vm, "io", "readFile"), 1, args);
    assert_string_equal(AS_STRING(text)->chars, "line one\nline two\n\nlast\n");
    Value lines = call(vm, mod_fn(vm, "io", "readLines"), 1, args);
    assert_true(is_obj_type(lines, OBJ_LIST));
    ObjList *l = AS_LIST(lines);
    assert_int_equal(l->count, 4);
    assert_string_equal(AS_STRING(l->items[1])->chars, "line two");
    assert_int_equal(AS_STRING(l->items[2])->len, 0);
    assert_string_equal(AS_STRING(l->items[3])->chars, "last");
    assert_true(call(vm, mod_fn(vm, "io", "exists"), 1, args) == TRUE_VAL);
    call(vm, mod_fn(vm, "io", "remove"), 1, args);
    assert_true(call(vm, mod_fn(vm, "io", "exists"), 1, args) == FALSE_VAL);

    char want[160];
    snprintf(want, sizeof want, "io.readFile: cannot open '%s': No such file or directory.",
             path);
    call_fails(vm, mod_fn(vm, "io", "readFile"), 1, args, want);
    snprintf(want, sizeof want, "io.remove: cannot remove '%s': No such file or directory.",
             path);
    call_fails(vm, mod_fn(vm, "io", "remove"), 1, args, want);
    args[1] = int_val(1);
    call_fails(vm, mod_fn(vm, "io", "writeFile"), 2, args, "io.writeFile() expects two strings.");
    call_fails(vm, mod_fn(vm, "io", "readFile"), 1, &args[1], "io.readFile() expects a string.");
    vm->gc_stress = false;
    vm_pop_root(vm, 2);
}

static void test_gc_and_time(void **state)
{
    VM *vm = *state;
    vm->gc_stress = true;
    uint32_t before = vm->gc_collections;
    call(vm, mod_fn(vm, "gc", "collect"), 0, no_args);
    assert_true(vm->gc_collections > before);
    Value stats = call(vm, mod_fn(vm, "gc", "stats"), 0, no_args);
    assert_true(is_obj_type(stats, OBJ_MAP));
    vm_push_root(vm, stats);
    Value key = str_val(vm, "bytes"), bytes;
    assert_true(map_get(AS_MAP(stats), key, &bytes));
    assert_true(is_number(bytes) && as_num(bytes) > 0);
    vm_pop_root(vm, 1);
    vm->gc_stress = false;

    Value a = call(vm, mod_fn(vm, "time", "monotonic"), 0, no_args);
    Value secs = double_val(0.001);
    call(vm, mod_fn(vm, "time", "sleep"), 1, &secs);
    Value b = call(vm, mod_fn(vm, "time", "monotonic"), 0, no_args);
    assert_true(as_num(b) - as_num(a) >= 0.001);
    secs = double_val(-0.5);
    call_fails(vm, mod_fn(vm, "time", "sleep"), 1, &secs,
               "time.sleep() expects a non-negative number.");
}

static void test_jit_switches_and_params(void **state)
{
    VM *vm = *state;
    assert_true(vm->jit_opts.on);
    call(vm, mod_fn(vm, "jit", "off"), 0, no_args);
    assert_false(vm->jit_opts.on);
    assert_true(call(vm, mod_fn(vm, "jit", "status"), 0, no_args) == FALSE_VAL);
    call(vm, mod_fn(vm, "jit", "on"), 0, no_args);
    assert_true(call(vm, mod_fn(vm, "jit", "status"), 0, no_args) == TRUE_VAL);

    Value args[2] = {str_val(vm, "hotloop"), int_val(7)};
    vm_push_root(vm, args[0]);
    call(vm, mod_fn(vm, "jit", "param"), 2, args);
    assert_int_equal(vm->jit_opts.param[PARAM_hotloop], 7);
    assert_int_equal(vm->hotloop, 7);
    assert_true(call(vm, mod_fn(vm, "jit", "param"), 1, args) == int_val(7));
    args[1] = int_val(0);
    call_fails(vm, mod_fn(vm, "jit", "param"), 2, args,
               "jit.param: 'hotloop' takes an integer from 1 to 65535.");
    assert_int_equal(vm->hotloop, 7);
    args[0] = str_val(vm, "coldloop");
    vm_pop_root(vm, 1);
    vm_push_root(vm, args[0]);
    call_fails(vm, mod_fn(vm, "jit", "param"), 2, args,
               "jit.param: unknown parameter 'coldloop'.");
    vm_pop_root(vm, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_everything_registered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_num, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeat_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_join_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_stable_under_gc_stress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_numbers_and_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_seeded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_math_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modules_registered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_files_under_gc_stress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gc_and_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jit_switches_and_params, setup, teardown),
    };
    return cmocka_run_group_tests_name("stdlib", tests, NULL, NULL);
}
