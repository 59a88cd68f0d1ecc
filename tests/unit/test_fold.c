/* test_fold.c -- constant folding: what folds (to exactly the run-time
** value, -0, inf and NaN included) and what must not (type errors, and
** anything that is not all literals). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/fold.h"
#include "lang/parser.h"
#include "lang/resolver.h"

typedef struct {
    Ast ast;
    Diag diag;
    char *tree;
} Folded;

static void fold_src(Folded *f, const char *src)
{
    diag_init(&f->diag, src, strlen(src), false);
    assert_true(parse_program(&f->ast, src, strlen(src), &f->diag, false));
    assert_true(resolve_program(&f->ast, &f->diag));
    fold_program(&f->ast);
    size_t n;
    FILE *out = open_memstream(&f->tree, &n);
    ast_dump(&f->ast, out);
    fclose(out);
}

static void fold_done(Folded *f)
{
    free(f->tree);
    ast_free(&f->ast);
    diag_free(&f->diag);
}

static void assert_folds(const char *src, const char *tree)
{
    Folded f;
    fold_src(&f, src);
    if (strcmp(f.tree, tree) != 0) fail_msg("%s\n got: %s want: %s", src, f.tree, tree);
    fold_done(&f);
}

/* The folded value of `print EXPR;`, which must be a number. */
static double folded_number(const char *src)
{
    Folded f;
    fold_src(&f, src);
    Expr *e = f.ast.script->body[0]->as.expr;
    if (e->kind != EXPR_NUMBER) fail_msg("%s: not folded to a number: %s", src, f.tree);
    double d = e->as.number;
    fold_done(&f);
    return d;
}

/* -- What folds -------------------------------------------------------- */

static void test_arithmetic(void **state)
{
    (void)state;
    assert_folds("print 2 + 3 * 4;", "(print 14)\n");
    assert_folds("print (1 + 2) * (10 - 4) / 3;", "(print 6)\n");
    assert_folds("print 0.1 + 0.2;", "(print 0.30000000000000004)\n");
    assert_folds("print -(3);", "(print -3)\n");
    assert_folds("print --3;", "(print 3)\n");
    assert_folds("print 9007199254740992 + 1;", "(print 9007199254740992)\n");
    assert_folds("print 0xff - 1e3;", "(print -745)\n");
}

static void test_special_values(void **state)
{
    (void)state;
    double d = folded_number("print -0;");
    assert_true(d == 0 && signbit(d));
    d = folded_number("print 0 * -1;");
    assert_true(d == 0 && signbit(d));
    d = folded_number("print -(1 - 1);");
    assert_true(d == 0 && signbit(d));
    d = folded_number("print 1 / 0;");
    assert_true(isinf(d) && d > 0);
    d = folded_number("print -1 / 0;");
    assert_true(isinf(d) && d < 0);
    d = folded_number("print 1 / -0;");
    assert_true(isinf(d) && d < 0);
    assert_true(isnan(folded_number("print 0 / 0;")));
    assert_true(isnan(folded_number("print 5 % 0;")));
    assert_true(isnan(folded_number("print (0 / 0) + 1;")));
}

static void test_modulo(void **state)
{
    (void)state;
    assert_true(folded_number("print 7 % 3;") == 1);
    assert_true(folded_number("print -7 % 3;") == 2);
    assert_true(folded_number("print 7 % -3;") == -2);
    assert_true(folded_number("print -7 % -3;") == -1);
    assert_true(folded_number("print 5.5 % 2;") == 1.5);
    double d = folded_number("print -6 % 3;");
    assert_true(d == 0 && !signbit(d)); /* a zero result is +0 */
    d = folded_number("print 6 % -3;");
    assert_true(d == 0 && !signbit(d));
    /* Exact for large operands (fmod is exact). */
    assert_true(folded_number("print 1e17 % 7;") == fmod(1e17, 7));
    assert_folds("print 10 % 4 * 3;", "(print 6)\n");
}

static void test_comparisons(void **state)
{
    (void)state;
    assert_folds("print 1 < 2; print 2 <= 1; print 3 > 2; print 2 >= 3;",
                 "(print true)\n(print false)\n(print true)\n(print false)\n");
    /* IEEE: every comparison with NaN is false (even <=). */
    assert_folds("print 0/0 < 1; print 0/0 <= 1; print 0/0 >= 0/0;",
                 "(print false)\n(print false)\n(print false)\n");
    assert_folds("print 1 / 0 > 1e308;", "(print true)\n");
}

static void test_equality(void **state)
{
    (void)state;
    assert_folds("print 1 == 1; print 1 != 1; print 0 == -0;",
                 "(print true)\n(print false)\n(print true)\n");
    assert_folds("print (0/0) == (0/0); print (0/0) != (0/0);", "(print false)\n(print true)\n");
    assert_folds("print \"a\" == \"a\"; print \"a\" == \"b\"; print \"ab\" == \"a\";",
                 "(print true)\n(print false)\n(print false)\n");
    assert_folds("print nil == nil; print nil == false; print true == true; print true == false;",
                 "(print true)\n(print false)\n(print true)\n(print false)\n");
    assert_folds("print 1 == \"1\"; print nil != 0; print \"\" == false;",
                 "(print false)\n(print true)\n(print false)\n");
    assert_folds("print \"a\\0b\" == \"a\\0c\";", "(print false)\n");
}

static void test_not_and_logic(void **state)
{
    (void)state;
    assert_folds("print !nil; print !false; print !true; print !0; print !\"\";",
                 "(print true)\n(print true)\n(print false)\n(print false)\n(print false)\n");
    assert_folds("print !!1;", "(print true)\n");
    assert_folds("print true and x;", "(print x@G)\n");
    assert_folds("print nil and x;", "(print nil)\n");
    assert_folds("print 0 and 2;", "(print 2)\n");
    assert_folds("print false or x;", "(print x@G)\n");
    assert_folds("print 1 or x;", "(print 1)\n");
    assert_folds("print nil or false;", "(print false)\n");
    assert_folds("print (1 < 2) and \"yes\";", "(print \"yes\")\n");
}

static void test_strings(void **state)
{
    (void)state;
    assert_folds("print \"a\" + \"b\";", "(print \"ab\")\n");
    assert_folds("print \"a\" + \"b\" + \"c\";", "(print \"abc\")\n");
    assert_folds("print \"\" + \"\";", "(print \"\")\n");
    assert_folds("print \"x\\0\" + \"\\ty\";", "(print \"x\\x00\\x09y\")\n");
}

static void test_everywhere(void **state)
{
    (void)state;
    assert_folds("fun f() { return 1 + 1; }", "(fun f@G (f () (return 2)))\n");
    assert_folds("class A { m() { return -(2 * 3); } }", "(class A@G (m () (return -6)))\n");
    assert_folds("while (1 < 2) { var x = 2 * 2; }", "(while true (block (var x@L 4)))\n");
    assert_folds("for (var i = 1 + 1; i < 2 * 5; i = i + 3 - 1) {}",
                 "(for (var i@L 2) (< i@L 10) (= i@L (- (+ i@L 3) 1)) (block))\n");
    assert_folds("f(1 + 2, [3 * 3], {\"k\" + \"v\": !nil});",
                 "(expr (call f@G 3 (list 9) (map \"kv\" true)))\n");
    assert_folds("a.b = 1 + 1; a[2 - 2] += 3 % 2;",
                 "(expr (.= a@G b 2))\n(expr ([]+= a@G 0 1))\n");
    assert_folds("if (!true) print 1; else print 2 + 2;", "(if false (print 1) (print 4))\n");
}

/* -- What must not fold ------------------------------------------------ */

static void test_type_errors_stay(void **state)
{
    (void)state;
    assert_folds("print 1 + \"a\";", "(print (+ 1 \"a\"))\n");
    assert_folds("print \"a\" + 1;", "(print (+ \"a\" 1))\n");
    assert_folds("print -\"x\";", "(print (- \"x\"))\n");
    assert_folds("print -nil;", "(print (- nil))\n");
    assert_folds("print \"a\" < \"b\";", "(print (< \"a\" \"b\"))\n");
    assert_folds("print \"a\" * 2;", "(print (* \"a\" 2))\n");
    assert_folds("print true + 1;", "(print (+ true 1))\n");
    assert_folds("print nil % 2;", "(print (% nil 2))\n");
    assert_folds("print 1 - false;", "(print (- 1 false))\n");
    /* The folded inner part is fine, the error stays. */
    assert_folds("print (1 + 2) + \"a\";", "(print (+ 3 \"a\"))\n");
}

static void test_non_literals_stay(void **state)
{
    (void)state;
    /* Left-nested: `x + 1 + 2` is `(x + 1) + 2`, which must not become
    ** `x + 3` (x may be a string, or a large number that rounds). */
    assert_folds("print x + 1 + 2;", "(print (+ (+ x@G 1) 2))\n");
    assert_folds("print 1 + 2 + x;", "(print (+ 3 x@G))\n");
    assert_folds("print x and true;", "(print (and x@G true))\n");
    assert_folds("print f() or 1;", "(print (or (call f@G) 1))\n");
    assert_folds("print -x;", "(print (- x@G))\n");
    assert_folds("print x == x;", "(print (== x@G x@G))\n");
    assert_folds("print [1] == [1];", "(print (== (list 1) (list 1)))\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_modulo),
        cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_equality),
        cmocka_unit_test(test_not_and_logic),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_everywhere),
        cmocka_unit_test(test_type_errors_stay),
        cmocka_unit_test(test_non_literals_stay),
    };
    return cmocka_run_group_tests_name("fold", tests, NULL, NULL);
}
