/* test_parser.c -- the parser and resolver: tree shapes and precedence,
** every syntax and scope error message with clox's placement, panic-mode
** recovery, REPL echo, the nesting limit. Trees are compared as the
** S-expressions of ast_dump (lang/ast_dump.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/parser.h"
#include "lang/resolver.h"

typedef struct {
    char *tree;      /* ast_dump output */
    char *errs;      /* diagnostics as printed */
    bool ok;         /* parse and resolve reported nothing */
    bool only_end;   /* diag_only_at_end */
} Parsed;

static Parsed run(const char *src, size_t len, bool repl, bool resolve)
{
    Parsed r;
    Diag d;
    Ast ast;
    diag_init(&d, src, len, false);
    r.ok = parse_program(&ast, src, len, &d, repl);
    if (resolve) r.ok = resolve_program(&ast, &d) && r.ok;
    r.only_end = diag_only_at_end(&d);
    if (diag_has_errors(&d)) r.ok = false;

    size_t n;
    FILE *f = open_memstream(&r.tree, &n);
    ast_dump(&ast, f);
    fclose(f);
    f = open_memstream(&r.errs, &n);
    diag_flush(&d, f);
    fclose(f);
    ast_free(&ast);
    diag_free(&d);
    return r;
}

static void done(Parsed *r)
{
    free(r->tree);
    free(r->errs);
}

/* src parses (unresolved) with no error to exactly `tree`. */
static void assert_tree(const char *src, const char *tree)
{
    Parsed r = run(src, strlen(src), false, false);
    if (!r.ok) fail_msg("%s: unexpected errors:\n%s", src, r.errs);
    if (strcmp(r.tree, tree) != 0) fail_msg("%s\n got: %s want: %s", src, r.tree, tree);
    done(&r);
}

/* src, parsed and resolved, prints exactly `errs` (one line per error). */
static void assert_errors(const char *src, const char *errs)
{
    Parsed r = run(src, strlen(src), false, true);
    if (strcmp(r.errs, errs) != 0) fail_msg("%s\n got:\n%s want:\n%s", src, r.errs, errs);
    assert_false(r.ok);
    done(&r);
}

static void assert_resolved(const char *src, const char *tree)
{
    Parsed r = run(src, strlen(src), false, true);
    if (!r.ok) fail_msg("%s: unexpected errors:\n%s", src, r.errs);
    if (strcmp(r.tree, tree) != 0) fail_msg("%s\n got: %s want: %s", src, r.tree, tree);
    done(&r);
}

/* -- Expressions ------------------------------------------------------- */

static void test_precedence(void **state)
{
    (void)state;
    assert_tree("print 1 + 2 * 3;", "(print (+ 1 (* 2 3)))\n");
    assert_tree("print (1 + 2) * 3;", "(print (* (+ 1 2) 3))\n");
    assert_tree("print 1 - 2 - 3;", "(print (- (- 1 2) 3))\n");
    assert_tree("print 8 / 4 % 3 * 2;", "(print (* (% (/ 8 4) 3) 2))\n");
    assert_tree("print -a.b;", "(print (- (. a b)))\n");
    assert_tree("print !a == b;", "(print (== (! a) b))\n");
    assert_tree("print --1;", "(print (- (- 1)))\n");
    assert_tree("print 1 < 2 == 3 >= 4;", "(print (== (< 1 2) (>= 3 4)))\n");
    assert_tree("print a or b and c;", "(print (or a (and b c)))\n");
    assert_tree("print a and b or c;", "(print (or (and a b) c))\n");
    assert_tree("print a != b == c;", "(print (== (!= a b) c))\n");
    assert_tree("print 1 + 2 <= 3 * 4;", "(print (<= (+ 1 2) (* 3 4)))\n");
    assert_tree("print a = b = c;", "(print (= a (= b c)))\n");
    assert_tree("print -x[1];", "(print (- ([] x 1)))\n");
}

static void test_postfix(void **state)
{
    (void)state;
    assert_tree("f(1)(2, 3);", "(expr (call (call f 1) 2 3))\n");
    assert_tree("f();", "(expr (call f))\n");
    assert_tree("a.b.c(1).d;", "(expr (. (call (. (. a b) c) 1) d))\n");
    assert_tree("a[1][2];", "(expr ([] ([] a 1) 2))\n");
    assert_tree("a.b[c].d(e)[f];", "(expr ([] (call (. ([] (. a b) c) d) e) f))\n");
}

static void test_assignment_forms(void **state)
{
    (void)state;
    assert_tree("a = 1;", "(expr (= a 1))\n");
    assert_tree("a += 1; a -= 2; a *= 3; a /= 4; a %= 5;",
                "(expr (+= a 1))\n(expr (-= a 2))\n(expr (*= a 3))\n(expr (/= a 4))\n"
                "(expr (%= a 5))\n");
    assert_tree("a.b = c;", "(expr (.= a b c))\n");
    assert_tree("a.b.c += 1;", "(expr (.+= (. a b) c 1))\n");
    assert_tree("a[i] = v;", "(expr ([]= a i v))\n");
    assert_tree("a[i][j] %= v;", "(expr ([]%= ([] a i) j v))\n");
    assert_tree("a = b += c;", "(expr (= a (+= b c)))\n");
    assert_tree("f().x = 1;", "(expr (.= (call f) x 1))\n");
}

static void test_literals(void **state)
{
    (void)state;
    assert_tree("print nil; print true; print false;", "(print nil)\n(print true)\n(print false)\n");
    assert_tree("print 0xff + 1e3 + 2.5e-3;", "(print (+ (+ 255 1000) 0.0025000000000000001))\n");
    assert_tree("print \"a\\tb\\x41\\0\";", "(print \"a\\x09bA\\x00\")\n");
    assert_tree("print [];", "(print (list))\n");
    assert_tree("print [1, [2], \"x\"];", "(print (list 1 (list 2) \"x\"))\n");
    assert_tree("var m = {};", "(var m (map))\n");
    assert_tree("print {1: 2, \"a\": [3]};", "(print (map 1 2 \"a\" (list 3)))\n");
    assert_tree("f({\"k\": v});", "(expr (call f (map \"k\" v)))\n");
}

static void test_statements(void **state)
{
    (void)state;
    assert_tree("var a; var b = 1;", "(var a _)\n(var b 1)\n");
    assert_tree("{}", "(block)\n");
    assert_tree("{ 1; { 2; } }", "(block (expr 1) (block (expr 2)))\n");
    assert_tree("if (a) b; else c;", "(if a (expr b) (expr c))\n");
    assert_tree("if (a) if (b) c; else d;", "(if a (if b (expr c) (expr d)))\n");
    assert_tree("while (a) b;", "(while a (expr b))\n");
    assert_tree("for (;;) x;", "(for _ _ _ (expr x))\n");
    assert_tree("for (var i = 0; i < 3; i = i + 1) {}",
                "(for (var i 0) (< i 3) (= i (+ i 1)) (block))\n");
    assert_tree("for (i = 0; ; ) x;", "(for (expr (= i 0)) _ _ (expr x))\n");
    assert_tree("for (var x in xs) print x;", "(forin x xs (print x))\n");
    assert_tree("while (a) { break; continue; }", "(while a (block (break) (continue)))\n");
    assert_tree("import \"lib/x.lox\";", "(import \"lib/x.lox\")\n");
    assert_tree("fun f(a, b) { return a; }", "(fun f (f (a b) (return a)))\n");
    assert_tree("fun g() { return; }", "(fun g (g () (return)))\n");
    assert_tree("class A < B { init(x) { this.x = x; } m() { return super.m(); } }",
                "(class A < B (init (x) (expr (.= this x x))) "
                "(m () (return (call (super m)))))\n");
    assert_tree("class C {}", "(class C)\n");
}

/* -- REPL -------------------------------------------------------------- */

static void test_repl_echo(void **state)
{
    (void)state;
    Parsed r = run("1 + 2", 5, true, true);
    assert_true(r.ok);
    assert_string_equal(r.tree, "(print (+ 1 2))\n");
    done(&r);
    r = run("var a = 1; a = 3", 16, true, true);
    assert_true(r.ok);
    assert_string_equal(r.tree, "(var a@G 1)\n(print (= a@G 3))\n");
    done(&r);
    /* With the `;` it is a plain statement. */
    r = run("1 + 2;", 6, true, true);
    assert_string_equal(r.tree, "(expr (+ 1 2))\n");
    done(&r);
    /* Only a top-level statement echoes; unfinished input is "only at end". */
    r = run("if (x) 1", 8, true, true);
    assert_false(r.ok);
    assert_true(r.only_end);
    assert_string_equal(r.errs, "[line 1] Error at end: Expect ';' after expression.\n");
    done(&r);
    r = run("{ 1", 3, true, true);
    assert_true(r.only_end);
    done(&r);
    r = run("print \"abc", 10, true, true);
    assert_true(r.only_end);
    done(&r);
    r = run("fun f() { 1 }", 13, true, true);
    assert_false(r.only_end);
    done(&r);
    /* Not in script mode. */
    r = run("1 + 2", 5, false, true);
    assert_false(r.ok);
    assert_string_equal(r.errs, "[line 1] Error at end: Expect ';' after expression.\n");
    done(&r);
}

/* -- Syntax errors ----------------------------------------------------- */

static void test_clox_messages(void **state)
{
    (void)state;
    assert_errors("print 1", "[line 1] Error at end: Expect ';' after value.\n");
    assert_errors("1 2;", "[line 1] Error at '2': Expect ';' after expression.\n");
    assert_errors("print;", "[line 1] Error at ';': Expect expression.\n");
    assert_errors("var 1;", "[line 1] Error at '1': Expect variable name.\n");
    assert_errors("var false = 1;", "[line 1] Error at 'false': Expect variable name.\n");
    assert_errors("var a = 1 2;", "[line 1] Error at '2': Expect ';' after variable declaration.\n");
    assert_errors("{ 1;", "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("f(1;", "[line 1] Error at ';': Expect ')' after arguments.\n");
    assert_errors("if 1", "[line 1] Error at '1': Expect '(' after 'if'.\n");
    assert_errors("while 1", "[line 1] Error at '1': Expect '(' after 'while'.\n");
    assert_errors("for 1", "[line 1] Error at '1': Expect '(' after 'for'.\n");
    assert_errors("if (a b", "[line 1] Error at 'b': Expect ')' after condition.\n");
    assert_errors("while (a b", "[line 1] Error at 'b': Expect ')' after condition.\n");
    assert_errors("fun f(a b) {}", "[line 1] Error at 'b': Expect ')' after parameters.\n"
                                   "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("fun f() 1;", "[line 1] Error at '1': Expect '{' before function body.\n"
                                "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("class A 1", "[line 1] Error at '1': Expect '{' before class body.\n"
                               "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("class A {", "[line 1] Error at end: Expect '}' after class body.\n");
    assert_errors("class 1", "[line 1] Error at '1': Expect class name.\n"
                             "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("class A < 1 {}", "[line 1] Error at '1': Expect superclass name.\n"
                                    "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("class Foo < (Bar) {}", "[line 1] Error at '(': Expect superclass name.\n");
    assert_errors("class A { 1 }", "[line 1] Error at '1': Expect method name.\n"
                                   "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("a.1;", "[line 1] Error at '1': Expect property name after '.'.\n");
    assert_errors("123.;", "[line 1] Error at ';': Expect property name after '.'.\n");
    assert_errors("123.", "[line 1] Error at end: Expect property name after '.'.\n");
    assert_errors("class A < B { m() { super; } }",
                  "[line 1] Error at ';': Expect '.' after 'super'.\n");
    assert_errors("class A < B { m() { super.; } }",
                  "[line 1] Error at ';': Expect superclass method name.\n");
    assert_errors("fun f(1) {}", "[line 1] Error at '1': Expect parameter name.\n"
                                 "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("fun (a) {}", "[line 1] Error at '(': Expect function name.\n");
    assert_errors("print (1;", "[line 1] Error at ';': Expect ')' after expression.\n");
    assert_errors("fun f {}", "[line 1] Error at '{': Expect '(' after function name.\n");
    assert_errors("fun f() { return 1 }", "[line 1] Error at '}': Expect ';' after return value.\n"
                                         "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("for (var i = 0; i < 1 i) {}",
                  "[line 1] Error at 'i': Expect ';' after loop condition.\n");
    assert_errors("for (;; x {}", "[line 1] Error at '{': Expect ')' after for clauses.\n");
    assert_errors("\"abc", "[line 1] Error: Unterminated string.\n");
    assert_errors("print 1 | 2;", "[line 1] Error: Unexpected character.\n");
    assert_errors("print \"\\q\";", "[line 1] Error: Invalid escape sequence.\n");
}

static void test_assignment_targets(void **state)
{
    (void)state;
    assert_errors("a + b = c;", "[line 1] Error at '=': Invalid assignment target.\n");
    assert_errors("!a = 1;", "[line 1] Error at '=': Invalid assignment target.\n");
    assert_errors("(a) = 1;", "[line 1] Error at '=': Invalid assignment target.\n");
    assert_errors("a + b += c;", "[line 1] Error at '+=': Invalid assignment target.\n");
    assert_errors("f() = 1;", "[line 1] Error at '=': Invalid assignment target.\n");
    assert_errors("class A { m() { this = 1; } }",
                  "[line 1] Error at '=': Invalid assignment target.\n");
    assert_errors("1 = 2;", "[line 1] Error at '=': Invalid assignment target.\n");
}

static void test_extension_messages(void **state)
{
    (void)state;
    assert_errors("a[1;", "[line 1] Error at ';': Expect ']' after index.\n");
    assert_errors("print [1, 2;", "[line 1] Error at ';': Expect ']' after list elements.\n");
    assert_errors("print [1,];", "[line 1] Error at ']': Expect expression.\n");
    assert_errors("print {1 2};", "[line 1] Error at '2': Expect ':' after map key.\n");
    assert_errors("print {1: 2;", "[line 1] Error at ';': Expect '}' after map entries.\n");
    assert_errors("while (1) break", "[line 1] Error at end: Expect ';' after break.\n");
    assert_errors("while (1) continue 1;", "[line 1] Error at '1': Expect ';' after continue.\n");
    assert_errors("import x;", "[line 1] Error at 'x': Expect string after 'import'.\n");
    assert_errors("import \"x\" y", "[line 1] Error at 'y': Expect ';' after import.\n");
    assert_errors("for (var x in) {}", "[line 1] Error at ')': Expect expression.\n");
    assert_errors("for (var x in xs {}", "[line 1] Error at '{': Expect ')' after for clauses.\n");
    /* Neither `=`, `;` nor `in`: a plain var declaration's error. */
    assert_errors("for (var x y) {}",
                  "[line 1] Error at 'y': Expect ';' after variable declaration.\n");
}

static void test_context_errors(void **state)
{
    (void)state;
    assert_errors("return 1;", "[line 1] Error at 'return': Can't return from top-level code.\n");
    assert_errors("{ return; }", "[line 1] Error at 'return': Can't return from top-level code.\n");
    assert_errors("class A { init() { return 1; } }",
                  "[line 1] Error at 'return': Can't return a value from an initializer.\n");
    assert_errors("this;", "[line 1] Error at 'this': Can't use 'this' outside of a class.\n");
    assert_errors("fun f() { return this; }",
                  "[line 1] Error at 'this': Can't use 'this' outside of a class.\n");
    assert_errors("super.x;", "[line 1] Error at 'super': Can't use 'super' outside of a class.\n");
    assert_errors("class A { m() { super.m(); } }",
                  "[line 1] Error at 'super': Can't use 'super' in a class with no superclass.\n");
    assert_errors("class A < A {}", "[line 1] Error at 'A': A class can't inherit from itself.\n");
    /* clox's local_inherit_self: synchronize() after the class eats the
    ** block's `}`. */
    assert_errors("{ class B < B {} }",
                  "[line 1] Error at 'B': A class can't inherit from itself.\n"
                  "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("break;", "[line 1] Error at 'break': Can't use 'break' outside of a loop.\n");
    assert_errors("continue;",
                  "[line 1] Error at 'continue': Can't use 'continue' outside of a loop.\n");
    assert_errors("while (x) { fun f() { break; } }",
                  "[line 1] Error at 'break': Can't use 'break' outside of a loop.\n");
    /* Allowed: in loops of every kind, in nested functions of a method. */
    assert_resolved("for (;;) { if (x) break; else continue; }",
                    "(for _ _ _ (block (if x@G (break) (continue))))\n");
    assert_resolved("for (var x in y) break;", "(forin x@L y@G (break))\n");
    assert_resolved("class A { init() { return; } m() { fun f() { return this; } } }",
                    "(class A@G (init () (return)) (m () (fun f@L (f () (return this@U)))))\n");
    assert_resolved("class A < B { m() { return super.m; } }",
                    "(class A@G < B@G (m () (return (super m))))\n");
}

static void test_limits(void **state)
{
    (void)state;
    /* 255 arguments and parameters are fine; the 256th is reported at its
    ** token (clox: the argument's last token, the parameter's name). */
    char src[4096];
    char *p = src;
    p += sprintf(p, "f(");
    for (int i = 0; i < 255; i++) p += sprintf(p, "%sa", i ? ", " : "");
    sprintf(p, ");");
    Parsed r = run(src, strlen(src), false, true);
    assert_true(r.ok);
    done(&r);
    p = src + strlen(src) - 2;
    sprintf(p, ", b.c, d);");
    assert_errors(src, "[line 1] Error at 'c': Can't have more than 255 arguments.\n");

    p = src;
    p += sprintf(p, "fun f(");
    for (int i = 0; i < 256; i++) p += sprintf(p, "%sp%d", i ? ", " : "", i);
    sprintf(p, ") {}");
    assert_errors(src, "[line 1] Error at 'p255': Can't have more than 255 parameters.\n");
}

static void test_nesting_limit(void **state)
{
    (void)state;
    const int n = 100000;
    char *src = malloc((size_t)n * 4 + 32);
    /* Parentheses, blocks, unary operators and a long left-nested chain:
    ** one error each, no crash. */
    const char *shapes[][3] = {
        {"print ", "(", ")"}, {"", "{", "}"}, {"print ", "-", ""}, {"print a", ".b", ""},
        {"print ", "[", "]"}, {"x", " = x", ""}, {"print 1", " + 1", ""},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        char *p = src;
        p += sprintf(p, "%s", shapes[s][0]);
        for (int i = 0; i < n; i++) p += sprintf(p, "%s", shapes[s][1]);
        p += sprintf(p, "1");
        for (int i = 0; i < n && shapes[s][2][0]; i++) p += sprintf(p, "%s", shapes[s][2]);
        p += sprintf(p, ";");
        Parsed r = run(src, strlen(src), false, true);
        assert_false(r.ok);
        char *nl = strchr(r.errs, '\n');
        assert_non_null(nl);
        assert_string_equal(nl + 1, ""); /* exactly one error */
        assert_non_null(strstr(r.errs, "Too much nesting."));
        done(&r);
    }
    /* Well within the limit: fine. */
    char *p = src;
    p += sprintf(p, "print ");
    for (int i = 0; i < 1000; i++) p += sprintf(p, "(");
    p += sprintf(p, "1");
    for (int i = 0; i < 1000; i++) p += sprintf(p, ")");
    sprintf(p, ";");
    Parsed r = run(src, strlen(src), false, true);
    assert_true(r.ok);
    done(&r);
    free(src);
}

/* -- Panic-mode recovery ----------------------------------------------- */

static void test_panic_recovery(void **state)
{
    (void)state;
    /* One error per statement; synchronize() resumes at `;` or a keyword. */
    assert_errors("print 1 print 2;\nvar = 3;\nprint (;\nprint 4;",
                  "[line 1] Error at 'print': Expect ';' after value.\n"
                  "[line 2] Error at '=': Expect variable name.\n"
                  "[line 3] Error at ';': Expect expression.\n");
    /* The rest of a bad statement is skipped without further errors. */
    assert_errors("a = ) ) ) ;\nb = (;", "[line 1] Error at ')': Expect expression.\n"
                                         "[line 2] Error at ';': Expect expression.\n");
    /* clox's missing_comma_in_parameters test. */
    assert_errors("fun foo(a, b c, d, e, f) {}",
                  "[line 1] Error at 'c': Expect ')' after parameters.\n"
                  "[line 1] Error at end: Expect '}' after block.\n");
    /* A scanner error: suppressed follow-ups (clox's unexpected_character). */
    assert_errors("foo(a | b);", "[line 1] Error: Unexpected character.\n");
    /* Inside a function body; synchronize() skips the body's `}`, so the
    ** next statement joins the body and the end lacks a `}` (as in clox). */
    assert_errors("fun f() {\n  print;\n  print 1\n}\nprint x y;",
                  "[line 2] Error at ';': Expect expression.\n"
                  "[line 4] Error at '}': Expect ';' after value.\n"
                  "[line 5] Error at 'y': Expect ';' after value.\n"
                  "[line 5] Error at end: Expect '}' after block.\n");
    /* A `var a = 1 var` statement: sync stops at `var`, which then fails. */
    assert_errors("var a = 1 var",
                  "[line 1] Error at 'var': Expect ';' after variable declaration.\n"
                  "[line 1] Error at end: Expect variable name.\n");
    /* An error in a for's increment leaves `a = a + 1)` as a statement of
    ** its own (clox's statement_increment, with a non-expression). */
    assert_errors("for (var a = 1; a < 2; var) {}",
                  "[line 1] Error at 'var': Expect expression.\n");
}

/* -- Scope errors (resolver) and their merging with syntax errors ------- */

static void test_scope_errors(void **state)
{
    (void)state;
    assert_errors("{ var a = 1; var a = 2; }",
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n");
    assert_errors("fun f(a) { var a; }",
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n");
    assert_errors("fun f(a, a) {}",
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n");
    assert_errors("{ var a = a; }",
                  "[line 1] Error at 'a': Can't read local variable in its own initializer.\n");
    assert_errors("{ var a = 1; { var a = a; } }",
                  "[line 1] Error at 'a': Can't read local variable in its own initializer.\n");
    /* Globals may be redeclared and read in their initializer; a for-in
    ** variable lives in its own scope. */
    assert_resolved("var a = 1; var a = a;", "(var a@G 1)\n(var a@G a@G)\n");
    assert_resolved("{ var x; for (var x in x) { var x; } }",
                    "(block (var x@L _) (forin x@L x@L (block (var x@L _))))\n");
    /* Syntax and scope errors interleave in source order. */
    assert_errors("print;\n{ var a; var a; }\nprint;",
                  "[line 1] Error at ';': Expect expression.\n"
                  "[line 2] Error at 'a': Already a variable with this name in this scope.\n"
                  "[line 3] Error at ';': Expect expression.\n");
    /* A scope error suppresses the syntax error clox would not report
    ** after it in the same declaration... */
    assert_errors("{ var a; var a = 1 }",
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n"
                  "[line 1] Error at end: Expect '}' after block.\n");
    assert_errors("fun f(a, a) { 1 + + }",
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n"
                  "[line 1] Error at end: Expect '}' after block.\n");
    /* ...but not one after a declaration boundary. */
    assert_errors("fun f(a, a) { 1; + + }",
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n"
                  "[line 1] Error at '+': Expect expression.\n"
                  "[line 1] Error at end: Expect '}' after block.\n");
    /* Scope errors inside a panic region are not reported... */
    assert_errors("{ var a = (1 + ) + a; }",
                  "[line 1] Error at ')': Expect expression.\n");
    /* ...but after the region (synchronize() stopped at `var`) they are. */
    assert_errors("{ var a; print ) var a; }",
                  "[line 1] Error at ')': Expect expression.\n"
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n");
    /* Two scope errors in one declaration: only the first. */
    assert_errors("{ var a; var a = a; }",
                  "[line 1] Error at 'a': Already a variable with this name in this scope.\n");
}

static void test_resolution(void **state)
{
    (void)state;
    assert_resolved("var g; fun f(p) { var l = p; fun h() { return l + g; } return h; }",
                    "(var g@G _)\n"
                    "(fun f@G (f (p@L) (var l@C p@L) (fun h@L (h () (return (+ l@U g@G)))) "
                    "(return h@L)))\n");
    assert_resolved("{ var a = 1; { var b = a; a = b; } }",
                    "(block (var a@L 1) (block (var b@L a@L) (expr (= a@L b@L))))\n");
    assert_resolved("for (var i = 0; i < 2; i += 1) print i;",
                    "(for (var i@L 0) (< i@L 2) (+= i@L 1) (print i@L))\n");
    assert_resolved("class A { m() { return this; } }", "(class A@G (m () (return this@L)))\n");
    assert_resolved("{ class A < B {} fun f() { return A; } }",
                    "(block (class A@C < B@G) (fun f@L (f () (return A@U))))\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_postfix),
        cmocka_unit_test(test_assignment_forms),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_repl_echo),
        cmocka_unit_test(test_clox_messages),
        cmocka_unit_test(test_assignment_targets),
        cmocka_unit_test(test_extension_messages),
        cmocka_unit_test(test_context_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_panic_recovery),
        cmocka_unit_test(test_scope_errors),
        cmocka_unit_test(test_resolution),
    };
    return cmocka_run_group_tests_name("parser", tests, NULL, NULL);
}
