/* test_ircheck.c -- the IR checker (jit/ircheck.c): a hand-made loop trace
** that is sound passes, and broken one way at a time (a forward ref, a
** NOP operand, a wrong operand type, a guard without a snapshot, a
** snapshot naming a later value or out of order, a back-edge of the wrong
** type, a hoisted instruction reading a variant, an inherited SLOAD that
** its parent does not have) each is caught with its
** rule and ref; the ircheck switch's hook aborts the process on a broken
** trace; and whole programs run to the end with the IR checked after
** every pass, in the default mode and -jstress. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jit/ircheck.h"
#include "jit/jit.h"
#include "jit/opt.h"
#include "jit/trace.h"
#include "jit_harness.h"

/* -- A trace made by hand --------------------------------------------------
** for (i = ...; i < 100; i = i + 1) x = i * 2.5;   slots: i 1, x 2 */

typedef struct {
    Trace T;
    Snapshot sn[3];
    SnapEntry map[8];
    LoopSlot back[2];
    IRRef i, k1, add, k100, lt, conv, k25, mul;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    Trace *T = &f->T;
    T->no = 7;
    ir_emit(T, IR_KVAL, IRT_NONE, 0, 0);                    /* ref 0 */
    f->i = ir_emit(T, IR_SLOAD, IRT_INT, 1, 0);
    T->ir[f->i].snap = 0;
    f->k1 = ir_kint(T, 1);
    f->add = ir_emit(T, IR_ADD, IRT_INT, f->i, f->k1);
    T->ir[f->add].snap = 1;
    f->k100 = ir_kint(T, 100);
    f->lt = ir_emit(T, IR_LT, IRT_INT, f->add, f->k100);
    T->ir[f->lt].snap = 1;
    f->conv = ir_emit(T, IR_CONV, IRT_NUM, f->add, 0);
    f->k25 = ir_knum(T, 2.5);
    f->mul = ir_emit(T, IR_MUL, IRT_NUM, f->conv, f->k25);
    /* Snapshot 0 the entry, 1 before the add (i from the head), 2 the
    ** back-edge's. */
    f->sn[0] = (Snapshot){.pc = 0, .start = 0, .n = 0, .ref = 1};
    f->map[0] = (SnapEntry){1, (uint16_t)f->i};
    f->sn[1] = (Snapshot){.pc = 3, .start = 0, .n = 1, .ref = (uint16_t)f->add};
    f->map[1] = (SnapEntry){1, (uint16_t)f->add};
    f->map[2] = (SnapEntry){2, (uint16_t)f->mul};
    f->sn[2] = (Snapshot){.pc = 0, .start = 1, .n = 2, .ref = (uint16_t)T->nir};
    T->snaps = f->sn;
    T->nsnap = 3;
    T->smap = f->map;
    T->nsmap = 3;
    f->back[0] = (LoopSlot){1, f->add, f->i};
    f->back[1] = (LoopSlot){2, f->mul, 0};
    T->back = f->back;
    T->nback = 2;
    T->loopsnap = 2;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    free(f->T.ir);
    free(f->T.k);
    free(f);
    return 0;
}

/* The rule broken, and the ref it names. */
static void caught(Fixture *f, IrRule rule, IRRef ref, const char *words)
{
    IrViolation v;
    IrRule got = ircheck(&f->T, NULL, &v);
    if (got != rule)
        fail_msg("expected rule %s, got %s (%s)", ircheck_rule_names[rule],
                 ircheck_rule_names[got], v.msg);
    assert_int_equal(v.ref, ref);
    assert_non_null(strstr(v.msg, words));
}

static void sound_trace_passes(void **state)
{
    Fixture *f = *state;
    IrViolation v;
    assert_int_equal(ircheck(&f->T, NULL, &v), IRC_OK);
    uint8_t inv[16];
    opt_hoist(&f->T, inv);          /* nothing: i is modified */
    assert_int_equal(ircheck(&f->T, inv, &v), IRC_OK);
}

static void forward_ref_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->add].a = f->mul;
    caught(f, IRC_REF, f->add, "not earlier");
}

static void ref_zero_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->conv].a = 0;
    caught(f, IRC_REF, f->conv, "outside");
}

static void nop_operand_caught(void **state)
{
    Fixture *f = *state;
    opt_nop(&f->T, f->conv);
    caught(f, IRC_REF, f->mul, "defines no value");
}

static void guard_as_operand_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->conv].a = f->lt;     /* a compare defines no value */
    caught(f, IRC_REF, f->conv, "defines no value");
}

static void bad_type_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->add].b = f->k25;     /* int ADD of a double */
    caught(f, IRC_TYPE, f->add, "operand b");
}

static void int_op_on_double_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->mul].t = IRT_INT;    /* an int MUL of two doubles */
    f->T.ir[f->mul].snap = 1;
    caught(f, IRC_TYPE, f->mul, "operand a");
}

static void bad_literal_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->k25].a = 9;          /* k[9] of one constant */
    caught(f, IRC_LITERAL, f->k25, "out of range");
}

static void guard_without_snapshot_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->lt].snap = IR_NOSNAP;
    caught(f, IRC_GUARD, f->lt, "no snapshot");
}

static void snapshot_on_pure_op_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->conv].snap = 1;
    caught(f, IRC_GUARD, f->conv, "cannot exit");
}

static void snapshot_out_of_range_caught(void **state)
{
    Fixture *f = *state;
    f->T.ir[f->lt].snap = 3;
    caught(f, IRC_GUARD, f->lt, "snapshot 3 of 3");
}

static void bad_snapshot_ref_caught(void **state)
{
    Fixture *f = *state;
    /* Snapshot 1 (the add's and the compare's) naming the MUL after them. */
    f->map[0].ref = (uint16_t)f->mul;
    caught(f, IRC_SNAPREF, f->add, "defined after it");
    f->map[0].ref = 200;
    caught(f, IRC_SNAPREF, -1, "not a value");
}

static void unsorted_snapshot_caught(void **state)
{
    Fixture *f = *state;
    f->map[1].slot = 3;
    caught(f, IRC_SORTED, -1, "snapshot 2: slot 2 after slot 3");
}

static void nonempty_entry_snapshot_caught(void **state)
{
    Fixture *f = *state;
    f->sn[0].n = 1;
    caught(f, IRC_SNAP, -1, "snapshot 0");
}

static void incomplete_snapshot_caught(void **state)
{
    Fixture *f = *state;
    /* Snapshot 1 lists slot 1 (loop-carried); without it, it is caught
    ** once the trace counts as completed (loopsnap past snapshot 0). */
    f->sn[1].n = 0;
    caught(f, IRC_SNAP, -1, "lacks loop-carried slot 1");
    f->T.loopsnap = 0;
    IrViolation v;
    assert_int_equal(ircheck(&f->T, NULL, &v), IRC_OK);
}

static void bad_back_edge_caught(void **state)
{
    Fixture *f = *state;
    f->back[0].val = f->mul;        /* a double into an int SLOAD */
    caught(f, IRC_BACK, -1, "slot 1");
    f->back[0].val = f->add;
    f->back[1].sload = f->i;        /* slot 1's SLOAD for slot 2 */
    caught(f, IRC_BACK, -1, "slot 2");
}

static void bad_hoist_caught(void **state)
{
    Fixture *f = *state;
    uint8_t inv[16];
    opt_hoist(&f->T, inv);
    inv[f->mul] = OPT_HOISTED;      /* reads the CONV of the variant add */
    IrViolation v;
    assert_int_equal(ircheck(&f->T, inv, &v), IRC_HOIST);
    assert_int_equal(v.ref, f->mul);
}

/* The hook aborts the process: a child runs it on the broken trace. */
static void hook_aborts(void **state)
{
    Fixture *f = *state;
    ircheck_or_abort(&f->T, NULL, "a test");      /* sound: returns */
    f->T.ir[f->add].a = f->mul;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (freopen("/dev/null", "w", stderr) == NULL)
            _exit(2);
        ircheck_or_abort(&f->T, NULL, "a test");
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
}

/* -- Whole programs --------------------------------------------------------- */

/* Programs that give every pass something to do (constants, repeated
** expressions and field loads, unboxing, dead values, invariants, exits,
** side traces) run to the end with the IR checked after every pass; a
** violation would abort the test program. */
static void programs_pass_the_check(void **state)
{
    (void)state;
    static const char *const progs[] = {
        "var s = 0; for (var i = 0; i < 3000; i = i + 1) {\n"
        "  var k = 2 * 3 + 1; var d = 1.5 * 2.0;\n"
        "  if (i == 1500) s = s + 0.5; s = s + i * k + d; if (i % 7 == 0) s = s * 1; }\n"
        "print s;\n",
        "class P { init() { this.x = 1; this.y = 2.5; } }\n"
        "var o = P(); var t = 0;\n"
        "for (var i = 0; i < 2000; i = i + 1) {\n"
        "  t = t + o.x * o.x + o.y * o.y + o.x; if (i == 1000) o.x = 3; }\n"
        "print t;\n",
        "fun f(a, b) { var u = a * b; var w = a * b; return u + w - a * b; }\n"
        "var t = 0; for (var i = 0; i < 2000; i = i + 1) {\n"
        "  for (var j = 0; j < 5; j = j + 1) t = (t + f(i, j) + i * 3) % 1000003; }\n"
        "print t;\n",
        "fun g() { var xs = [1, 2, 3]; var m = {\"a\": 1}; var str = \"\"; var t = 0;\n"
        "  for (var i = 0; i < 1000; i = i + 1) {\n"
        "    var j = i % 3; t = t + xs[j] + m[\"a\"] + xs[j]; xs.push(j);\n"
        "    if (i % 100 == 0) str = str + \"x\"; }\n"
        "  print str; return t; }\n"
        "print g();\n",
    };
    for (int stress = 0; stress < 2; stress++) {
        for (size_t p = 0; p < sizeof progs / sizeof progs[0]; p++) {
            VM *vm = jit_vm(stress);
            vm->jit_opts.param[PARAM_ircheck] = 1;
            run(vm, progs[p]);
            JitStats st;
            jit_stats(vm, &st);
            assert_true(st.traces >= 1);
            vm_free(vm);
        }
    }
}

/* A side trace of the fixture's exit 1 (slot 1 is the int i there) that
** inherits i: an SLOAD with b = IR_SLOAD_INHERIT, no snapshot, listed by
** its snapshot 0 (jit/record.c, rec_start_side). */
typedef struct {
    Trace S;
    Snapshot sn[1];
    SnapEntry map[1];
    IRRef x;
} Side;

static void side_make(Side *s, Trace *parent, IRType t, int32_t slot)
{
    memset(s, 0, sizeof *s);
    Trace *S = &s->S;
    S->no = 8;
    S->parent = parent;
    S->root = parent;
    S->exit = 1;
    ir_emit(S, IR_KVAL, IRT_NONE, 0, 0);
    s->x = ir_emit(S, IR_SLOAD, t, slot, IR_SLOAD_INHERIT);
    s->map[0] = (SnapEntry){(uint16_t)slot, (uint16_t)s->x};
    s->sn[0] = (Snapshot){.pc = 3, .start = 0, .n = 1, .ref = (uint16_t)S->nir};
    S->snaps = s->sn;
    S->nsnap = 1;
    S->smap = s->map;
    S->nsmap = 1;
}

static IrRule side_check(Side *s, IrViolation *v)
{
    IrRule r = ircheck(&s->S, NULL, v);
    free(s->S.ir);
    free(s->S.k);
    return r;
}

static void inherited_sload_checked(void **state)
{
    Fixture *f = *state;
    Side s;
    IrViolation v;
    side_make(&s, &f->T, IRT_INT, 1);
    assert_int_equal(side_check(&s, &v), IRC_OK);
    /* Not the parent's type, not a slot of its exit, a guard, a root's. */
    side_make(&s, &f->T, IRT_NUM, 1);
    assert_int_equal(side_check(&s, &v), IRC_LITERAL);
    assert_non_null(strstr(v.msg, "does not hold"));
    side_make(&s, &f->T, IRT_INT, 2);
    assert_int_equal(side_check(&s, &v), IRC_LITERAL);
    side_make(&s, &f->T, IRT_INT, 1);
    s.S.ir[s.x].snap = 0;
    assert_int_equal(side_check(&s, &v), IRC_GUARD);
    side_make(&s, NULL, IRT_INT, 1);
    assert_int_equal(side_check(&s, &v), IRC_LITERAL);
    assert_non_null(strstr(v.msg, "root"));
    /* Snapshot 0 of a side trace: inherited values and constants only. */
    side_make(&s, &f->T, IRT_INT, 1);
    IRRef k = ir_kint(&s.S, 1);
    IRRef add = ir_emit(&s.S, IR_ADD, IRT_INT, s.x, k);
    s.S.ir[add].snap = 0;
    s.map[0].ref = (uint16_t)add;
    assert_int_equal(side_check(&s, &v), IRC_SNAP);
    assert_non_null(strstr(v.msg, "neither inherited"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(sound_trace_passes),
        T(forward_ref_caught),
        T(ref_zero_caught),
        T(nop_operand_caught),
        T(guard_as_operand_caught),
        T(bad_type_caught),
        T(int_op_on_double_caught),
        T(bad_literal_caught),
        T(guard_without_snapshot_caught),
        T(snapshot_on_pure_op_caught),
        T(snapshot_out_of_range_caught),
        T(bad_snapshot_ref_caught),
        T(unsorted_snapshot_caught),
        T(nonempty_entry_snapshot_caught),
        T(incomplete_snapshot_caught),
        T(bad_back_edge_caught),
        T(bad_hoist_caught),
        T(hook_aborts),
        T(inherited_sload_checked),
        cmocka_unit_test(programs_pass_the_check),
    };
#undef T
    return cmocka_run_group_tests_name("ircheck", tests, NULL, NULL);
}
