/* test_cli.c -- the command line (cli/options.c, vm/params.c) and the
** REPL's line logic (repl_feed), without a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli/options.h"
#include "cli/repl.h"
#include "vm/params.h"

/* -- Option parsing ----------------------------------------------------- */

static int parse(CliOptions *o, bool tty, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    char err[256] = "";
    return cli_parse(argc, argv, tty, o, err, sizeof err);
}

static void test_no_args_repl_or_stdin(void **state)
{
    (void)state;
    CliOptions o;
    char *argv[] = {"loxjit", NULL};
    assert_int_equal(parse(&o, true, argv), 0);
    assert_int_equal(o.action, CLI_REPL);
    assert_int_equal(parse(&o, false, argv), 0);
    assert_int_equal(o.action, CLI_RUN_STDIN);
    assert_true(o.jit.on);
    assert_int_equal(o.jit.param[PARAM_hotloop], 56);
}

static void test_file_and_args(void **state)
{
    (void)state;
    CliOptions o;
    char *argv[] = {"loxjit", "-joff", "--stress-gc", "x.lox", "-a", "--help", "b", NULL};
    assert_int_equal(parse(&o, true, argv), 0);
    assert_int_equal(o.action, CLI_RUN_FILE);
    assert_string_equal(o.file, "x.lox");
    assert_false(o.jit.on);
    assert_true(o.stress_gc);
    assert_int_equal(o.argc, 3); /* options after the file are the script's */
    assert_string_equal(o.argv[0], "-a");
    assert_string_equal(o.argv[1], "--help");
    assert_string_equal(o.argv[2], "b");
}

static void test_eval_and_args(void **state)
{
    (void)state;
    CliOptions o;
    char *argv[] = {"loxjit", "-jv", "-e", "print 1;", "-joff", NULL};
    assert_int_equal(parse(&o, true, argv), 0);
    assert_int_equal(o.action, CLI_RUN_CODE);
    assert_string_equal(o.code, "print 1;");
    assert_true(o.jit.verbose);
    assert_true(o.jit.on);
    assert_int_equal(o.argc, 1);
    assert_string_equal(o.argv[0], "-joff");
}

static void test_stdin_dash_and_double_dash(void **state)
{
    (void)state;
    CliOptions o;
    char *a1[] = {"loxjit", "-", "x", NULL};
    assert_int_equal(parse(&o, true, a1), 0);
    assert_int_equal(o.action, CLI_RUN_STDIN);
    assert_int_equal(o.argc, 1);
    char *a2[] = {"loxjit", "--", "-weird.lox", NULL};
    assert_int_equal(parse(&o, true, a2), 0);
    assert_int_equal(o.action, CLI_RUN_FILE);
    assert_string_equal(o.file, "-weird.lox");
}

static void test_help_version_switches(void **state)
{
    (void)state;
    CliOptions o;
    char *a1[] = {"loxjit", "-jstress", "-jdump", "--perf", "--debug-hot", "--help", NULL};
    assert_int_equal(parse(&o, true, a1), 0);
    assert_int_equal(o.action, CLI_HELP);
    assert_true(o.jit.stress && o.jit.dump && o.jit.perf && o.debug_hot);
    char *a2[] = {"loxjit", "--version", NULL};
    assert_int_equal(parse(&o, true, a2), 0);
    assert_int_equal(o.action, CLI_VERSION);
}

static void test_usage_errors(void **state)
{
    (void)state;
    CliOptions o;
    char *a1[] = {"loxjit", "--nope", NULL};
    assert_int_equal(parse(&o, true, a1), 64);
    char *a2[] = {"loxjit", "-e", NULL};
    assert_int_equal(parse(&o, true, a2), 64);
    char *a3[] = {"loxjit", "-O", "nosuch=1", NULL};
    assert_int_equal(parse(&o, true, a3), 64);
    char *a4[] = {"loxjit", "-O", "hotloop=0", NULL};
    assert_int_equal(parse(&o, true, a4), 64);
    char *a5[] = {"loxjit", "-O", "hotloop", NULL};
    assert_int_equal(parse(&o, true, a5), 64);
    char *a6[] = {"loxjit", "-O", NULL};
    assert_int_equal(parse(&o, true, a6), 64);
}

static void test_params(void **state)
{
    (void)state;
    CliOptions o;
    char *a1[] = {"loxjit", "-O", "hotloop=7", NULL};
    assert_int_equal(parse(&o, true, a1), 0);
    assert_int_equal(o.jit.param[PARAM_hotloop], 7);
    char *a2[] = {"loxjit", "-Ohotloop=9", NULL};
    assert_int_equal(parse(&o, true, a2), 0);
    assert_int_equal(o.jit.param[PARAM_hotloop], 9);
    JitOptions j;
    param_defaults(&j);
    assert_null(param_parse(&j, "hotloop=3,hotloop=4"));
    assert_int_equal(j.param[PARAM_hotloop], 4);
    assert_non_null(param_parse(&j, "hotloop=4x"));
    assert_non_null(param_parse(&j, "hotloop=99999999999999999999"));
    assert_int_equal(param_find("hotloop", 7), PARAM_hotloop);
    assert_int_equal(param_find("hot", 3), -1);
}

/* -- REPL line logic ---------------------------------------------------- */

/* A fake evaluator: the entry is unfinished while braces are open; it
** records what it was given. */
typedef struct {
    int calls;
    char last[256];
} FakeVm;

static LxResult fake_eval(void *ctx, const char *src, size_t len, bool *incomplete)
{
    FakeVm *f = ctx;
    f->calls++;
    snprintf(f->last, sizeof f->last, "%.*s", (int)len, src);
    int depth = 0;
    for (size_t i = 0; i < len; i++)
        depth += src[i] == '{' ? 1 : src[i] == '}' ? -1 : 0;
    *incomplete = depth > 0;
    if (depth > 0)
        return LX_COMPILE_ERROR;
    return strstr(src, "oops") ? LX_RUNTIME_ERROR : LX_OK;
}

static void test_repl_single_line(void **state)
{
    (void)state;
    FakeVm f = {0};
    ReplInput in = {0};
    LxResult r;
    assert_int_equal(repl_feed(&in, "print 1;", fake_eval, &f, &r), REPL_DONE);
    assert_int_equal(r, LX_OK);
    assert_string_equal(f.last, "print 1;\n");
    assert_int_equal(in.len, 0);
    repl_input_free(&in);
}

static void test_repl_accumulates(void **state)
{
    (void)state;
    FakeVm f = {0};
    ReplInput in = {0};
    LxResult r;
    assert_int_equal(repl_feed(&in, "fun f() {", fake_eval, &f, &r), REPL_MORE);
    assert_int_equal(r, LX_OK);
    assert_int_equal(repl_feed(&in, "", fake_eval, &f, &r), REPL_MORE);
    assert_int_equal(repl_feed(&in, "  return 1;", fake_eval, &f, &r), REPL_MORE);
    assert_int_equal(repl_feed(&in, "}", fake_eval, &f, &r), REPL_DONE);
    assert_string_equal(f.last, "fun f() {\n\n  return 1;\n}\n");
    assert_int_equal(in.len, 0);
    /* The next entry starts afresh. */
    assert_int_equal(repl_feed(&in, "oops", fake_eval, &f, &r), REPL_DONE);
    assert_int_equal(r, LX_RUNTIME_ERROR);
    assert_string_equal(f.last, "oops\n");
    repl_input_free(&in);
}

static void test_repl_blank_and_reset(void **state)
{
    (void)state;
    FakeVm f = {0};
    ReplInput in = {0};
    LxResult r;
    assert_int_equal(repl_feed(&in, "   ", fake_eval, &f, &r), REPL_DONE);
    assert_int_equal(f.calls, 0); /* a blank entry is not evaluated */
    assert_int_equal(repl_feed(&in, "{", fake_eval, &f, &r), REPL_MORE);
    repl_reset(&in); /* Ctrl-C */
    assert_int_equal(repl_feed(&in, "x;", fake_eval, &f, &r), REPL_DONE);
    assert_string_equal(f.last, "x;\n");
    repl_input_free(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_args_repl_or_stdin),
        cmocka_unit_test(test_file_and_args),
        cmocka_unit_test(test_eval_and_args),
        cmocka_unit_test(test_stdin_dash_and_double_dash),
        cmocka_unit_test(test_help_version_switches),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_repl_single_line),
        cmocka_unit_test(test_repl_accumulates),
        cmocka_unit_test(test_repl_blank_and_reset),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
