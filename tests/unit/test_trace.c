/* test_trace.c -- the trace JIT from C: snapshot restore (boxing of every
** kind of value from every kind of place), and whole programs run through
** a VM whose counters say what the JIT did (one trace for a simple loop,
** no abort; exits counted; blacklisting after repeated aborts). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"
#include "jit/trace.h"
#include "vm/vm.h"
#include "tests/unit/jit_harness.h"

/* -- Snapshot restore ----------------------------------------------------- */

/* A trace made by hand: IR, places and one snapshot over slots 1..6. */
static void restore_boxes_every_kind(void **state)
{
    (void)state;
    ObjFunction fn;
    Instr code[4] = {0, 0, 0, 0};
    memset(&fn, 0, sizeof fn);
    fn.code = code;
    fn.ncode = 4;

    Trace T;
    memset(&T, 0, sizeof T);
    T.fn = &fn;
    ir_emit(&T, IR_KVAL, IRT_NONE, 0, 0);                  /* ref 0 */
    IRRef i_reg = ir_emit(&T, IR_SLOAD, IRT_INT, 1, 0);     /* int in r2 */
    IRRef n_reg = ir_emit(&T, IR_SLOAD, IRT_NUM, 2, 0);     /* -0.0 in f1 */
    IRRef n_nan = ir_emit(&T, IR_SLOAD, IRT_NUM, 3, 0);     /* a NaN in spill 5 */
    IRRef v_reg = ir_emit(&T, IR_SLOAD, IRT_VAL, 4, 0);     /* true in r0 */
    IRRef k_int = ir_kint(&T, -7);
    IRRef k_num = ir_knum(&T, 2.5);
    T.loc = calloc((size_t)T.nir, sizeof(IRLoc));
    assert_non_null(T.loc);
    T.loc[i_reg] = (IRLoc){LOC_GPR, 2};
    T.loc[n_reg] = (IRLoc){LOC_FPR, 1};
    T.loc[n_nan] = (IRLoc){LOC_SPILL, 5};
    T.loc[v_reg] = (IRLoc){LOC_GPR, 0};

    SnapEntry entries[6] = {{1, (uint16_t)i_reg}, {2, (uint16_t)n_reg}, {3, (uint16_t)n_nan},
                            {4, (uint16_t)v_reg}, {5, (uint16_t)k_int}, {6, (uint16_t)k_num}};
    Snapshot sn = {2, 0, 6, 0, 0, 0, 0, 0};
    T.smap = entries;
    T.nsmap = 6;
    T.snaps = &sn;
    T.nsnap = 1;

    JitCtx ctx;
    memset(&ctx, 0, sizeof ctx);
    /* INVARIANT(gpr-int32): only the low 32 bits of an int register count. */
    ctx.gpr[2] = 0xdeadbeef00000000ull | (uint32_t)-123;
    ctx.fpr[1] = -0.0;
    uint64_t odd_nan = 0xFFF8000000000123ull;   /* a negative NaN: must be canonicalized */
    ctx.spill[5] = odd_nan;
    ctx.gpr[0] = TRUE_VAL;

    Value frame[8];
    for (int s = 0; s < 8; s++)
        frame[s] = NIL_VAL;
    const Instr *pc = snap_restore(&T, 0, &ctx, frame);

    assert_ptr_equal(pc, code + 2);
    assert_true(frame[0] == NIL_VAL && frame[7] == NIL_VAL);  /* untouched */
    assert_true(frame[1] == int_val(-123));
    /* -0 stays a double: INVARIANT(int-never-neg-zero). */
    assert_true(is_double(frame[2]));
    assert_true(as_double(frame[2]) == 0 && signbit(as_double(frame[2])));
    assert_true(frame[3] == LX_CANON_NAN);
    assert_true(frame[4] == TRUE_VAL);
    assert_true(frame[5] == int_val(-7));
    assert_true(frame[6] == double_val(2.5));

    T.smap = NULL;
    T.snaps = NULL;
    trace_free_ir(&T);
}

/* -- Whole programs ------------------------------------------------------- */



/* The trace-shape test: a simple loop is one trace, no abort. */
static void simple_loop_is_one_trace(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    run(vm, "fun f(n) { var s = 0; var i = 0;\n"
            "  while (i < n) { s = s + i; i = i + 1; }\n"
            "  return s; }\n"
            "print f(60000);\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.traces == 1);
    assert_true(st.aborts == 0);
    assert_true(st.mcode_bytes > 0);
    /* The loop ran in the trace: it left once, through the loop test. */
    assert_true(st.exits == 1);
    vm_free(vm);
}

static void for_loop_with_doubles_is_one_trace(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    run(vm, "var x = 0.5;\n"
            "for (var i = 0; i < 1000; i = i + 1) { x = x * 1.0001 + i / 3; }\n"
            "print x;\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.traces == 1);
    assert_true(st.aborts == 0);
    vm_free(vm);
}

/* A loop that can never be compiled is blacklisted after maxabort
** aborts and then costs nothing more. */
static void unsupported_loop_is_blacklisted(void **state)
{
    (void)state;
    VM *vm = jit_vm(true);
    run(vm, "var l = nil;\n"
            "for (var i = 0; i < 5000; i = i + 1) { class C {} l = C; }\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.traces == 0);
    assert_true(st.blacklisted == 1);
    assert_true(st.aborts == vm->jit_opts.param[PARAM_maxabort]);
    vm_free(vm);
}

/* The execution budget stops an endless loop even while it runs in a
** trace (the back-edge's stop check): the run ends with the budget error. */
static void budget_stops_a_trace(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    vm->budget = 200000;
    const char *src = "var i = 0;\n"
                      "while (true) { i = (i + 1) % 1000; }\n";
    assert_int_equal(run_quiet(vm, src), LX_RUNTIME_ERROR);
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.traces == 1);
    vm_free(vm);
}

/* A trace compiled while no budget was set has no stop check on its
** back-edge: once a budget is set the loop must still stop (jit_run leaves
** such a trace to the interpreter), here after 2e9 iterations at most. */
static void budget_stops_a_trace_compiled_before(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    run(vm, "fun spin(n) { var i = 0; while (i < n) i = i + 1; return i; }\n"
            "print spin(100000);\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.traces == 1);
    vm->budget = 200000;
    const char *src = "print spin(2000000000);\n";
    assert_int_equal(run_quiet(vm, src), LX_RUNTIME_ERROR);
    vm_free(vm);
}

/* A trace compiled under a budget (its back-edge counts it down) that
** the budget does not stop computes what the interpreter does, across an
** overflow exit in the middle of the loop. */
static void budget_check_keeps_values(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    vm->budget = 1000000;
    run(vm, "fun f() { var s = 0; var t = 0.5;\n"
            "  for (var i = 0; i < 300000; i = i + 1) { s = s + i; t = t + 1; }\n"
            "  if (s != 44999850000 or t != 300000.5) print nil.x; }\n"
            "f();\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.traces >= 1);
    /* Charged once per iteration in the trace, not once per 32 (the
    ** interpreter's hot-counter slices). */
    assert_true(vm->budget > 0 && vm->budget < 1000000 - 200000);
    vm_free(vm);
}

/* Exits are counted, and flush drops every trace. */
static void exits_counted_and_flush(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    run(vm, "var n = 0;\n"
            "for (var i = 0; i < 1000; i = i + 1) { if (i % 100 == 99) n = n + 1; }\n"
            "print n;\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_true(st.traces >= 1);
    assert_true(st.exits >= 5);
    jit_flush(vm);
    jit_stats(vm, &st);
    assert_true(st.mcode_bytes == 0);
    assert_true(st.flushes >= 1);
    vm_free(vm);
}

/* Globals (jit/record.c, Recorder.gval and head_globals): a global the
** iteration loaded or stored is not loaded again, and one read at the
** loop head is loaded once by the entry and carried to the next iteration
** by the back-edge; one only written is never loaded. */
static void globals_loaded_once(void **state)
{
    (void)state;
    VM *vm = jit_vm(false);
    run(vm, "var g = 0; var h = 0;\n"
            "for (var i = 0; i < 1000; i = i + 1) { g = g + i; h = g + g; g = g + h; }\n");
    JitStats st;
    jit_stats(vm, &st);
    assert_int_equal(st.traces, 1);
    const Trace *T = ((JitState *)vm->jit)->traces[1];
    int loads = 0, head = 0;
    for (IRRef r = 1; r < T->nir; r++) {
        loads += T->ir[r].op == IR_GLOAD;
        head += ir_head_load(&T->ir[r]);
    }
    assert_int_equal(loads, 1);
    assert_int_equal(head, 1);
    assert_int_equal(T->ngback, 1);
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore_boxes_every_kind),
        cmocka_unit_test(simple_loop_is_one_trace),
        cmocka_unit_test(for_loop_with_doubles_is_one_trace),
        cmocka_unit_test(unsupported_loop_is_blacklisted),
        cmocka_unit_test(exits_counted_and_flush),
        cmocka_unit_test(budget_stops_a_trace),
        cmocka_unit_test(budget_stops_a_trace_compiled_before),
        cmocka_unit_test(budget_check_keeps_values),
        cmocka_unit_test(globals_loaded_once),
    };
    return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
