/* test_side.c -- side traces (jit/side.c) from C: a hot exit gets a side
** trace whose prologue its parent's exit stub now jumps to; the stub is
** checked before it is re-aimed; exits that side traces take over stop
** costing interpreter round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"
#include "jit/stencil.h"
#include "jit/trace.h"
#include "vm/vm.h"
#include "tests/unit/jit_harness.h"



/* Where the jmp of exit stub n of T goes now. */
static const uint8_t *stub_target(const Trace *T, int n)
{
    const JitStencil *st = stencil_get(JIT_ST_exit_stub);
    const JitHole *h = NULL;
    for (int k = 0; k < st->nholes; k++)
        if (st->holes[k].sym == JIT_SYM_TARGET)
            h = &st->holes[k];
    assert_non_null(h);
    const uint8_t *field = T->mcode + T->stub_off + (size_t)n * st->code_size + h->offset;
    int32_t rel;
    memcpy(&rel, field, sizeof rel);
    assert_int_equal(field[-1], 0xE9);
    return field + 4 + rel;
}

/* A branch that alternates: the root's exit for the other direction gets
** hot, a side trace is recorded from it, and the root's stub for that exit
** jumps to the side trace's prologue; the loop then leaves its traces only
** at its end, not once every other iteration. */
static void alternating_branch_gets_a_side_trace(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    run(vm, "var a = 0; var b = 0;\n"
            "for (var i = 0; i < 20000; i = i + 1) {\n"
            "  if (i % 2 == 0) a = a + 1; else b = b + 2;\n"
            "}\n"
            "print a + b;\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.side_traces >= 1);
    assert_true(st.aborts == 0);
    /* hotexit exits before the side trace, a few while it records, and
    ** the loop's end: far fewer than the 10000 the branch takes. */
    assert_true(st.exits < 100);
    JitState *J = vm->jit;
    int sides = 0;
    for (int n = 1; n <= J->ntraces; n++) {
        Trace *S = J->traces[n];
        if (S == NULL || S->parent == NULL)
            continue;
        sides++;
        assert_ptr_equal(S->root, S->parent->root);
        assert_true(S->parent->snaps[S->exit].count >= (uint32_t)vm->jit_opts.param[PARAM_hotexit]);
        assert_ptr_equal(stub_target(S->parent, S->exit), S->mcode);
    }
    /* Every other stub still goes to its trace's exit_common. */
    const JitStencil *es = stencil_get(JIT_ST_exit_stub);
    for (int n = 1; n <= J->ntraces; n++) {
        Trace *P = J->traces[n];
        if (P == NULL)
            continue;
        const uint8_t *common = P->mcode + P->stub_off + (size_t)P->nsnap * es->code_size;
        for (int e = 0; e < P->nsnap; e++) {
            bool linked = false;
            for (int k = 1; k <= J->ntraces; k++)
                linked |= J->traces[k] != NULL && J->traces[k]->parent == P &&
                          J->traces[k]->exit == e;
            if (!linked)
                assert_ptr_equal(stub_target(P, e), common);
        }
    }
    assert_int_equal(sides, (int)st.side_traces);
    vm_free(vm);
}

/* side_link refuses a stub that is not the jmp to exit_common place()
** emitted, and leaves the code alone. */
static void side_link_checks_the_stub(void **state)
{
    (void)state;
    const JitStencil *st = stencil_get(JIT_ST_exit_stub);
    uint8_t code[256];
    memset(code, 0x90, sizeof code);
    assert_true(3 * st->code_size < sizeof code);
    Trace P, T;
    memset(&P, 0, sizeof P);
    memset(&T, 0, sizeof T);
    P.mcode = code;
    P.stub_off = 0;
    P.nsnap = 3;
    T.parent = &P;
    T.root = &P;
    T.exit = 1;
    T.mcode = code + 200;
    JitState J;
    memset(&J, 0, sizeof J);
    const char *detail = NULL;
    assert_false(side_link(&J, &T, &detail));
    assert_non_null(detail);
    for (size_t k = 0; k < sizeof code; k++)
        assert_int_equal(code[k], 0x90);
}

/* A side path that leaves the loop (a break) ends with an exit after the
** loop instead of aborting every time. */
static void leaving_side_path_compiles(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    run(vm, "fun f(n) { var s = 0;\n"
            "  for (var i = 0; i < n; i = i + 1) {\n"
            "    if (i % 3 == 0) { s = s + 1; if (s > 40) break; } else s = s + 2;\n"
            "  }\n"
            "  return s; }\n"
            "var t = 0;\n"
            "for (var k = 0; k < 300; k = k + 1) t = t + f(200);\n"
            "print t;\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.side_traces >= 1);
    JitState *J = vm->jit;
    int leaving = 0;
    for (int n = 1; n <= J->ntraces; n++) {
        const Trace *S = J->traces[n];
        if (S == NULL || S->parent == NULL || S->link == 0)
            continue;
        const Snapshot *sn = &S->snaps[S->link - 1];
        if (sn->leaves && sn->nframe == 0 && (sn->pc < S->start_pc || sn->pc > S->loop_pc))
            leaving++;
    }
    assert_true(leaving >= 1);
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alternating_branch_gets_a_side_trace),
        cmocka_unit_test(side_link_checks_the_stub),
        cmocka_unit_test(leaving_side_path_compiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
