/* test_interp.c -- the code generator and the interpreter, end to end:
** small programs run through vm_interpret with stdout and stderr captured
** (dup2 onto temporary files), and their text, exit status and side
** effects (hot counters, globals) checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm/opcodes.h"
#include "vm/vm.h"

/* -- Running a program with captured output ----------------------------- */

static char out_text[1 << 16], err_text[1 << 16];

static void slurp(FILE *f, char *buf, size_t cap)
{
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

typedef struct {
    bool gc_stress;
    bool trace_hot;
} RunOpts;

/* Run src in vm (a fresh one when vm is NULL); output lands in out_text
** and err_text. */
static LxResult run_in(VM *vm, const char *src, RunOpts o)
{
    bool own = vm == NULL;
    if (own)
        vm = vm_new();
    vm->gc_stress = o.gc_stress;
    vm->trace_hot = o.trace_hot;
    /* Counting tests watch the interpreter alone: a compiled loop stops
    ** counting (its LOOP becomes JLOOP). */
    if (o.trace_hot)
        vm->jit_opts.on = false;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    fflush(stdout);
    fflush(stderr);
    int so = dup(STDOUT_FILENO), se = dup(STDERR_FILENO);
    dup2(fileno(out), STDOUT_FILENO);
    dup2(fileno(err), STDERR_FILENO);
    LxResult r = vm_interpret(vm, src, strlen(src), "test.lox");
    fflush(stdout);
    fflush(stderr);
    dup2(so, STDOUT_FILENO);
    dup2(se, STDERR_FILENO);
    close(so);
    close(se);
    slurp(out, out_text, sizeof out_text);
    slurp(err, err_text, sizeof err_text);
    if (own)
        vm_free(vm);
    return r;
}

static LxResult run(const char *src) { return run_in(NULL, src, (RunOpts){ false, false }); }

/* Every program runs twice: normally and with a collection at every
** allocation; both must print the same. */
static void expect_out(const char *src, const char *want)
{
    assert_int_equal(run(src), LX_OK);
    assert_string_equal(out_text, want);
    assert_string_equal(err_text, "");
    assert_int_equal(run_in(NULL, src, (RunOpts){ true, false }), LX_OK);
    assert_string_equal(out_text, want);
}

static void expect_error(const char *src, const char *want_err)
{
    assert_int_equal(run(src), LX_RUNTIME_ERROR);
    assert_string_equal(err_text, want_err);
}

/* -- Arithmetic ----------------------------------------------------------- */

static void test_int_fast_paths(void **state)
{
    (void)state;
    expect_out("print 1 + 2; print 7 - 10; print 6 * 7; print 7 / 2; print 8 / 2;",
               "3\n-3\n42\n3.5\n4\n");
    /* Overflow leaves int32 for doubles, exactly. */
    expect_out("var a = 2147483647; print a + 1; print -a - 2; print a * a;",
               "2147483648\n-2147483649\n4.6116860141324206e+18\n");
    /* -0 is a double: 0 * -1, -0, 0 / -1. */
    expect_out("var z = 0; print z * -1; print -z; print z / -1; print z * 5;",
               "-0\n-0\n-0\n0\n");
    expect_out("var m = -2147483648; print -m; print m % -1; print m * -1;",
               "2147483648\n0\n2147483648\n");
}

static void test_modulo(void **state)
{
    (void)state;
    expect_out("print -7 % 3; print 7 % -3; print -6 % 3; print 7.5 % 2; print 5 % 0;",
               "2\n-2\n0\n1.5\nnan\n");
    expect_out("var a = -6.0; var b = 3; print a % b; var i = 10; i %= 4; print i;",
               "0\n2\n");
}

static void test_doubles_and_compare(void **state)
{
    (void)state;
    expect_out("var x = 0.1; var y = 0.2; print x + y; print x * 3; print 1e300 * 1e10;",
               "0.30000000000000004\n0.30000000000000004\ninf\n");
    expect_out("var n = 0 / 0; print n == n; print n < 1; print n <= 1; print n > 1;"
               "print n >= 1; print n != n; print 1 < 2.5; print 2 <= 2.0; print -0 == 0;",
               "false\nfalse\nfalse\nfalse\nfalse\ntrue\ntrue\ntrue\ntrue\n");
    expect_out("var a = 3; if (a > 2 and a < 4) print \"in\"; if (!(a == 3)) print \"no\";"
               "print a >= 3; print 2 < a;",
               "in\ntrue\ntrue\n");
}

static void test_arith_errors(void **state)
{
    (void)state;
    expect_error("var a = \"x\";\nprint a - 1;",
                 "Operands must be numbers.\n[line 2] in script\n");
    expect_error("print 1 + nil;", "Operands must be two numbers or two strings.\n"
                                   "[line 1] in script\n");
    expect_error("var s = \"a\"; s = -s;", "Operand must be a number.\n[line 1] in script\n");
    expect_error("print 1 < \"a\";", "Operands must be numbers.\n[line 1] in script\n");
}

/* -- Variables, closures, control flow ------------------------------------ */

static void test_globals(void **state)
{
    (void)state;
    expect_out("var a = 1; a = a + 1; print a; var a = \"re\"; print a;", "2\nre\n");
    expect_error("print nope;", "Undefined variable 'nope'.\n[line 1] in script\n");
    expect_error("nope = 1;", "Undefined variable 'nope'.\n[line 1] in script\n");
}

static void test_closures(void **state)
{
    (void)state;
    expect_out("fun counter() { var n = 0; fun inc() { n = n + 1; return n; } return inc; }"
               "var c = counter(); c(); c(); print c(); var d = counter(); print d();",
               "3\n1\n");
    /* A for loop's variable is one variable; a for-in's is fresh. */
    expect_out("var fs = []; for (var i = 0; i < 3; i = i + 1) { fun f() { return i; } fs.push(f); }"
               "for (var f in fs) print f();",
               "3\n3\n3\n");
    expect_out("var fs = []; for (var x in [1, 2, 3]) { fun f() { return x; } fs.push(f); }"
               "for (var f in fs) print f();",
               "1\n2\n3\n");
    /* break and continue close the variables they leave. */
    expect_out("var fs = []; var i = 0; while (i < 4) { var j = i; i = i + 1;"
               "  fun f() { return j; } fs.push(f); if (j == 1) continue; if (j == 2) break; }"
               "for (var f in fs) print f();",
               "0\n1\n2\n");
    /* Reading an operand before a call that assigns it through a closure. */
    expect_out("fun t() { var x = 1; fun set() { x = 10; return 0; } print x + set(); print x; }"
               "t();",
               "1\n10\n");
}

static void test_control_flow(void **state)
{
    (void)state;
    expect_out("for (var i = 0; i < 10; i = i + 1) { if (i % 2 == 0) continue; if (i > 7) break; print i; }",
               "1\n3\n5\n7\n");
    expect_out("var s = 0; for (var i = 10; i > 0; i -= 3) s += i; print s;", "22\n");
    expect_out("print nil or \"d\"; print 1 and 2; print false and x; var x = nil; print x or false;",
               "d\n2\nfalse\nfalse\n");
    expect_out("var n = 0; while (true) { n = n + 1; if (n == 5) break; } print n;", "5\n");
    expect_out("var a = 1; var b = a = 3; print a + b; var c = (a = a + 1) * a; print c;",
               "6\n16\n");
}

/* Counted loops compile step and test into one FOR* instruction; it must
** behave exactly like the step and the test written out. */
static void test_counted_loops(void **state)
{
    (void)state;
    expect_out("for (var i = 0.5; i < 3; i = i + 1) print i;", "0.5\n1.5\n2.5\n");
    expect_out("for (var i = 10; i >= 7; i -= 1) print i;", "10\n9\n8\n7\n");
    expect_out("var n = 5; for (var i = 0; i < n; i += 2) { n = n - 1; print i; }", "0\n2\n");
    expect_out("for (var i = 2147483646; i <= 2147483647; i = i + 1) print i;",
               "2147483646\n2147483647\n");
    expect_out("for (var i = 0; 3 > i; i = 1 + i) print i;", "0\n1\n2\n");
    expect_out("var lim = 2.5; for (var i = 0; i < lim; i = i + 1) print i;", "0\n1\n2\n");
    expect_out("for (var i = 0; i < 9; i = i + 1) { if (i % 3 != 0) continue; print i; }",
               "0\n3\n6\n");
    expect_out("var s = 0; for (var i = 0; i < 100; i = i + 1) for (var j = i; j > 0; j = j - 7) s = s + 1;"
               "print s;", "750\n");
    expect_error("for (var i = 0; i < 3; i = i + 1) {\n  i = \"x\";\n}",
                 "Operands must be two numbers or two strings.\n[line 1] in script\n");
    expect_error("for (var i = 0; i < 3; i = i - 1) {\n  i = nil;\n}",
                 "Operands must be numbers.\n[line 1] in script\n");
    expect_error("var n = 2;\nfor (var i = 0; i < n; i = i + 1) { if (i == 1) n = \"s\"; }",
                 "Operands must be numbers.\n[line 2] in script\n");
}

/* -- Calls, classes ------------------------------------------------------- */

static void test_calls(void **state)
{
    (void)state;
    expect_out("fun fib(n) { if (n < 2) return n; return fib(n - 2) + fib(n - 1); } print fib(20);",
               "6765\n");
    expect_error("fun f(a, b) {}\nf(1);",
                 "Expected 2 arguments but got 1.\n[line 2] in script\n");
    expect_error("var x = 3; x();", "Can only call functions and classes.\n[line 1] in script\n");
    expect_error("fun inner() { return 1 + nil; }\nfun outer() {\n  return inner();\n}\nouter();",
                 "Operands must be two numbers or two strings.\n"
                 "[line 1] in inner()\n[line 3] in outer()\n[line 5] in script\n");
}

static void test_stack_overflow(void **state)
{
    (void)state;
    assert_int_equal(run("fun f(n) { return f(n + 1) + 1; } f(0);"), LX_RUNTIME_ERROR);
    assert_memory_equal(err_text, "Stack overflow.\n", 16);
    /* Deep but finite recursion works. */
    expect_out("fun d(n) { if (n == 0) return 0; return d(n - 1) + 1; } print d(20000);",
               "20000\n");
}

static void test_classes(void **state)
{
    (void)state;
    expect_out("class A { init(x) { this.x = x; } get() { return this.x; } }"
               "class B < A { init(x) { super.init(x * 2); } get() { return super.get() + 1; } }"
               "var b = B(5); print b.get(); var g = b.get; print g(); print b.init(1) == b;"
               "print b.x; print A; print b;",
               "11\n11\ntrue\n2\nA\nB instance\n");
    /* A field shadows a method; a bound method remembers its receiver. */
    expect_out("class C { m() { return \"method\"; } }"
               "var c = C(); fun f() { return \"field\"; } print c.m(); c.m = f; print c.m();",
               "method\nfield\n");
    expect_out("class P { init() { this.n = 0; } inc() { this.n += 1; return this; } }"
               "var p = P(); p.inc().inc().inc(); print p.n;",
               "3\n");
    expect_error("class A {}\nA(1);", "Expected 0 arguments but got 1.\n[line 2] in script\n");
    expect_error("var x = 1;\nprint x.y;", "Only instances have properties.\n[line 2] in script\n");
    expect_error("var x = 1;\nx.y = 2;", "Only instances have fields.\n[line 2] in script\n");
    expect_error("class A {}\nA().nope();", "Undefined property 'nope'.\n[line 2] in script\n");
    expect_error("var x = 1;\nx.y();", "Only instances have methods.\n[line 2] in script\n");
    expect_error("var NotClass = 1;\nclass B < NotClass {}",
                 "Superclass must be a class.\n[line 2] in script\n");
}

/* -- Containers ------------------------------------------------------------ */

static void test_containers(void **state)
{
    (void)state;
    expect_out("var xs = [1, \"a\", nil]; xs[1] = 2.0; xs.push(4); print xs; print xs[3];"
               "print \"hey\"[1]; var m = {\"a\": 1, 2: \"b\"}; m[\"c\"] = 3; print m[2]; print m;",
               "[1, 2, nil, 4]\n4\ne\nb\n{\"a\": 1, 2: \"b\", \"c\": 3}\n");
    expect_out("var s = \"\"; for (var c in \"abc\") s = c + s; print s;"
               "for (var k in {\"x\": 1, \"y\": 2}) print k; for (var i in range(2)) print i;",
               "cba\nx\ny\n0\n1\n");
    expect_out("var xs = [1, 2]; xs[0] += 10; print xs[0]; var m = {}; m[1.0] = \"one\"; print m[1];",
               "11\none\n");
    expect_error("var xs = [1];\nprint xs[1];", "Index out of range.\n[line 2] in script\n");
    expect_error("var xs = [1];\nprint xs[0.5];", "Index must be an integer.\n[line 2] in script\n");
    expect_error("var m = {};\nprint m[\"k\"];", "Key not found.\n[line 2] in script\n");
    expect_error("var xs = [1, 2];\nfor (var x in xs) xs.push(x);",
                 "Collection changed during iteration.\n[line 2] in script\n");
}

/* -- Loops: hot counters -------------------------------------------------- */

static void test_hot_counter_reaches_zero(void **state)
{
    (void)state;
    /* 56 back-edges fire the hook once; 168 fire it three times. */
    const char *src = "var n = 0;\n"
                      "for (var i = 0; i < 169; i = i + 1) {\n"
                      "  n = n + 1;\n"
                      "}\n"
                      "print n;\n";
    assert_int_equal(run_in(NULL, src, (RunOpts){ false, true }), LX_OK);
    assert_string_equal(out_text, "169\n");
    assert_string_equal(err_text, "[hot] loop at line 2\n[hot] loop at line 2\n"
                                  "[hot] loop at line 2\n");
    /* Below the threshold nothing is reported. */
    assert_int_equal(run_in(NULL, "var i = 0; while (i < 50) i = i + 1;",
                            (RunOpts){ false, true }), LX_OK);
    assert_string_equal(err_text, "");
    /* for-in back-edges count too. */
    assert_int_equal(run_in(NULL, "var s = 0;\nfor (var x in range(60)) s += x;",
                            (RunOpts){ false, true }), LX_OK);
    assert_string_equal(err_text, "[hot] loop at line 2\n");
}

/* -- The API: REPL state, vm_call, limits ---------------------------------- */

static void test_repl_and_vm_call(void **state)
{
    (void)state;
    VM *vm = vm_new();
    assert_int_equal(run_in(vm, "fun add(a, b) { return a + b; } var g = 40;",
                            (RunOpts){ false, false }), LX_OK);
    assert_int_equal(run_in(vm, "print g + 2; print nope;", (RunOpts){ false, false }),
                     LX_RUNTIME_ERROR);
    assert_string_equal(out_text, "42\n");
    /* After an error the VM is usable, globals intact. */
    assert_int_equal(run_in(vm, "print add(g, 2);", (RunOpts){ false, false }), LX_OK);
    assert_string_equal(out_text, "42\n");
    assert_int_equal(vm->frame_count, 0);

    ObjString *name = str_intern(vm, "add", 3);
    Value f = vm->globals[vm_global_slot(vm, name)];
    Value args[2] = { int_val(20), int_val(22) };
    jmp_buf jb;
    vm->error_jmp = &jb;
    if (setjmp(jb) == 0) {
        Value r = vm_call(vm, f, 2, args);
        assert_true(is_int(r));
        assert_int_equal(as_int(r), 42);
    } else {
        fail_msg("vm_call raised");
    }
    vm->error_jmp = NULL;
    vm_free(vm);
}

static void test_limits(void **state)
{
    (void)state;
    /* 300 locals in one function: clox's message, exit 65. */
    size_t cap = 1 << 20;
    char *src = malloc(cap);
    assert_non_null(src);
    strcpy(src, "fun f() {\n");
    for (int i = 0; i < 300; i++)
        sprintf(src + strlen(src), "var v%d = %d;\n", i, i);
    strcat(src, "}\n");
    assert_int_equal(run(src), LX_COMPILE_ERROR);
    assert_non_null(strstr(err_text, "Too many local variables in function."));

    /* A jump over more than 32767 instructions, forward and back. */
    const char *heads[2] = { "var x = false;\nif (x) {\n", "while (true) {\n" };
    const char *msgs[2] = { "Too much code to jump over.", "Loop body too large." };
    for (int t = 0; t < 2; t++) {
        char *p = src + sprintf(src, "%s", heads[t]);
        for (int i = 0; i < 20000; i++)
            p += sprintf(p, "print 1;\n");
        strcpy(p, "}\n");
        assert_int_equal(run(src), LX_COMPILE_ERROR);
        assert_non_null(strstr(err_text, msgs[t]));
    }
    free(src);
}

static void test_gc_stress_program(void **state)
{
    (void)state;
    expect_out("class Node { init(v, next) { this.v = v; this.next = next; } }"
               "var head = nil; for (var i = 0; i < 200; i = i + 1) head = Node(str(i), head);"
               "var n = 0; var s = \"\"; while (head != nil) { n = n + 1; s = head.v; head = head.next; }"
               "print n; print s; var m = {}; for (var i = 0; i < 50; i += 1) m[str(i)] = [i, {\"k\": i}];"
               "print len(m); print m[\"49\"];",
               "200\n0\n50\n[49, {\"k\": 49}]\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_fast_paths),
        cmocka_unit_test(test_modulo),
        cmocka_unit_test(test_doubles_and_compare),
        cmocka_unit_test(test_arith_errors),
        cmocka_unit_test(test_globals),
        cmocka_unit_test(test_closures),
        cmocka_unit_test(test_control_flow),
        cmocka_unit_test(test_counted_loops),
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_stack_overflow),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_hot_counter_reaches_zero),
        cmocka_unit_test(test_repl_and_vm_call),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_gc_stress_program),
    };
    return cmocka_run_group_tests_name("interp", tests, NULL, NULL);
}
