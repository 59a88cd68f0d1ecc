/* test_opt.c -- the optimizer's passes (jit/opt_*.c) on hand-made traces:
** what each folds, shares, forwards, removes and renames, what it must
** leave alone (guards that would fail, int results that leave int32 or
** are -0, loads after a native, values an exit or the back-edge reads),
** and that the IR checker (jit/ircheck.c) finds the result sound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jit/ircheck.h"
#include "jit/opt.h"
#include "jit/trace.h"

/* -- Building traces -------------------------------------------------------- */

/* A root trace with ref 0 and room for snapshots: snap(T, slot, ref, ...)
** adds one whose entries are the (slot, ref) pairs, in slot order. */
typedef struct {
    Trace T;
    Snapshot sn[8];
    SnapEntry map[32];
    LoopSlot back[4];
} Fix;

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ir_emit(&f->T, IR_KVAL, IRT_NONE, 0, 0);
    f->T.snaps = f->sn;
    f->T.smap = f->map;
    f->T.back = f->back;
    f->T.loopsnap = -1;
    f->sn[0] = (Snapshot){.ref = 1};
    f->T.nsnap = 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    free(f->T.ir);
    free(f->T.k);
    free(f);
    return 0;
}

static int snap(Fix *f, int n, ...)
{
    Trace *T = &f->T;
    Snapshot *sn = &f->sn[T->nsnap];
    *sn = (Snapshot){.start = (uint32_t)T->nsmap, .n = (uint16_t)n, .ref = (uint16_t)T->nir};
    va_list ap;
    va_start(ap, n);
    for (int k = 0; k < n; k++) {
        int slot = va_arg(ap, int);
        int ref = va_arg(ap, int);
        f->map[T->nsmap++] = (SnapEntry){(uint16_t)slot, (uint16_t)ref};
    }
    va_end(ap);
    return T->nsnap++;
}

static IRRef guard(Fix *f, IROp op, IRType t, IRRef a, IRRef b, int s)
{
    IRRef r = ir_emit(&f->T, op, t, a, b);
    f->T.ir[r].snap = (uint16_t)s;
    return r;
}

static IRRef sload(Fix *f, int slot, IRType t)
{
    IRRef r = ir_emit(&f->T, IR_SLOAD, t, slot, 0);
    if (t != IRT_VAL)
        f->T.ir[r].snap = 0;
    return r;
}

static void sound(Fix *f)
{
    IrViolation v;
    if (ircheck(&f->T, NULL, &v) != IRC_OK)
        fail_msg("ircheck: ref %d: %s (%s)", v.ref, v.msg, ircheck_rule_names[v.rule]);
}

static bool is_nop(Fix *f, IRRef r)
{
    return f->T.ir[r].op == IR_NOP;
}

/* -- On emission ------------------------------------------------------------ */

static void emission_folds_and_shares(void **state)
{
    Fix *f = *state;
    Trace *T = &f->T;
    IRRef x = sload(f, 1, IRT_INT);
    IRRef k = ir_kint(T, 3);
    IRRef c = ir_emit(T, IR_CONV, IRT_NUM, k, 0);
    assert_int_equal(T->ir[c].op, IR_KNUM);
    assert_true(as_double(ir_kvalue(T, c)) == 3.0);
    IRRef h = ir_knum(T, 0.5);
    IRRef p = ir_emit(T, IR_MUL, IRT_NUM, c, h);
    assert_int_equal(p, ir_knum(T, 1.5));
    IRRef m = ir_emit(T, IR_MOD, IRT_NUM, ir_knum(T, -7), c);
    assert_true(as_double(ir_kvalue(T, m)) == 2.0);        /* floored, lx_mod */
    IRRef cx = ir_emit(T, IR_CONV, IRT_NUM, x, 0);
    assert_int_equal(ir_emit(T, IR_CONV, IRT_NUM, x, 0), cx);
    IRRef n1 = ir_emit(T, IR_NOT, IRT_VAL, ir_kval(T, NIL_VAL), 0);
    assert_int_equal(ir_kvalue(T, n1), TRUE_VAL);
    /* A guard is left to opt_fold: the recorder gives it its snapshot. */
    int nir = T->nir;
    IRRef g = ir_emit(T, IR_ADD, IRT_INT, k, k);
    assert_int_equal(g, nir);
    assert_int_equal(T->ir[g].op, IR_ADD);
}

/* -- opt_fold --------------------------------------------------------------- */

static void guards_on_constants(void **state)
{
    Fix *f = *state;
    Trace *T = &f->T;
    IRRef x = sload(f, 1, IRT_INT);
    int s = snap(f, 1, 1, x);
    IRRef add = guard(f, IR_ADD, IRT_INT, ir_kint(T, 40), ir_kint(T, 2), s);
    IRRef ovf = guard(f, IR_ADD, IRT_INT, ir_kint(T, INT32_MAX), ir_kint(T, 1), s);
    IRRef negz = guard(f, IR_MUL, IRT_INT, ir_kint(T, 0), ir_kint(T, -1), s);
    IRRef mod = guard(f, IR_MOD, IRT_INT, ir_kint(T, -7), ir_kint(T, 3), s);
    IRRef mod0 = guard(f, IR_MOD, IRT_INT, ir_kint(T, 7), ir_kint(T, 0), s);
    IRRef neg = guard(f, IR_NEG, IRT_INT, ir_kint(T, INT32_MIN), 0, s);
    IRRef div = guard(f, IR_DIV, IRT_INT, ir_kint(T, -12), ir_kint(T, 4), s);
    IRRef inexact = guard(f, IR_DIV, IRT_INT, ir_kint(T, 7), ir_kint(T, 2), s);
    IRRef negzero = guard(f, IR_DIV, IRT_INT, ir_kint(T, 0), ir_kint(T, -3), s);
    IRRef toint = guard(f, IR_TOINT, IRT_INT, ir_knum(T, 6.0), 0, s);
    IRRef tofrac = guard(f, IR_TOINT, IRT_INT, ir_knum(T, 6.5), 0, s);
    IRRef holds = guard(f, IR_LT, IRT_INT, add, ir_kint(T, 50), s);
    IRRef fails = guard(f, IR_GT, IRT_INT, add, ir_kint(T, 50), s);
    IRRef nan = guard(f, IR_NLT, IRT_NUM, ir_knum(T, NAN), ir_knum(T, 1), s);
    IRRef truthy = guard(f, IR_TRUTHY, IRT_VAL, ir_kval(T, FALSE_VAL), 0, s);
    IRRef use = guard(f, IR_ADD, IRT_INT, x, add, s);
    sound(f);
    opt_fold(T);
    sound(f);
    assert_int_equal(T->ir[add].op, IR_KINT);
    assert_int_equal(T->ir[add].a, 42);
    assert_int_equal(T->ir[add].snap, IR_NOSNAP);
    assert_int_equal(T->ir[mod].op, IR_KINT);
    assert_int_equal(T->ir[mod].a, 2);
    assert_int_equal(T->ir[toint].op, IR_KINT);
    assert_int_equal(T->ir[toint].a, 6);
    assert_int_equal(T->ir[ovf].op, IR_ADD);       /* the overflow exit stays */
    assert_int_equal(T->ir[negz].op, IR_MUL);      /* -0 is a double */
    assert_int_equal(T->ir[mod0].op, IR_MOD);
    assert_int_equal(T->ir[neg].op, IR_NEG);
    assert_int_equal(T->ir[div].op, IR_KINT);
    assert_int_equal(T->ir[div].a, -3);
    assert_int_equal(T->ir[inexact].op, IR_DIV);   /* 3.5: a double */
    assert_int_equal(T->ir[negzero].op, IR_DIV);   /* -0: a double */
    assert_int_equal(T->ir[tofrac].op, IR_TOINT);
    assert_true(is_nop(f, holds));
    assert_int_equal(T->ir[fails].op, IR_GT);      /* exits: stays */
    assert_true(is_nop(f, nan));                   /* !(NaN < 1) holds */
    assert_int_equal(T->ir[truthy].op, IR_TRUTHY);
    assert_int_equal(T->ir[use].b, add);
}

static void repeated_pure_guards_shared(void **state)
{
    Fix *f = *state;
    Trace *T = &f->T;
    IRRef x = sload(f, 1, IRT_INT);
    IRRef k = ir_kint(T, 3);
    int s1 = snap(f, 1, 1, x);
    IRRef m1 = guard(f, IR_MUL, IRT_INT, x, k, s1);
    int s2 = snap(f, 2, 1, x, 2, m1);
    IRRef m2 = guard(f, IR_MUL, IRT_INT, x, k, s2);
    IRRef lt1 = guard(f, IR_LT, IRT_INT, m2, x, s2);
    int s3 = snap(f, 2, 2, m1, 3, m2);
    IRRef lt2 = guard(f, IR_LT, IRT_INT, m1, x, s3);
    IRRef sum = guard(f, IR_ADD, IRT_INT, m1, m2, s3);
    /* A load is not pure: a store may come between. */
    IRRef g1 = ir_emit(T, IR_GLOAD, IRT_VAL, 0, 0);
    IRRef g2 = ir_emit(T, IR_GLOAD, IRT_VAL, 0, 0);
    f->back[0] = (LoopSlot){3, sum, 0};
    f->back[1] = (LoopSlot){4, m2, 0};
    T->nback = 2;
    sound(f);
    opt_fold(T);
    sound(f);
    assert_true(is_nop(f, m2));
    assert_int_equal(T->ir[lt1].a, m1);
    assert_true(is_nop(f, lt2));
    assert_int_equal(T->ir[sum].a, m1);
    assert_int_equal(T->ir[sum].b, m1);
    assert_int_equal(f->map[T->snaps[s3].start + 1].ref, m1);
    assert_int_equal(f->back[1].val, m1);
    assert_false(is_nop(f, g1));
    assert_false(is_nop(f, g2));
}

/* -- opt_guard -------------------------------------------------------------- */

static void known_type_guards_removed(void **state)
{
    Fix *f = *state;
    Trace *T = &f->T;
    IRRef o = sload(f, 1, IRT_VAL);
    IRRef d = sload(f, 2, IRT_NUM);
    int s = snap(f, 0);
    IRRef u1 = guard(f, IR_UNBOX, IRT_INT, o, 0, s);
    IRRef u2 = guard(f, IR_UNBOX, IRT_INT, o, 0, s);
    IRRef un = guard(f, IR_UNBOX, IRT_NUM, o, 0, s);       /* another type: stays */
    IRRef box = ir_emit(T, IR_BOXNUM, IRT_VAL, d, 0);
    IRRef ub = guard(f, IR_UNBOX, IRT_NUM, box, 0, s);
    IRRef add = guard(f, IR_ADD, IRT_INT, u1, u2, s);
    IRRef num = ir_emit(T, IR_ADD, IRT_NUM, ub, d);
    IRRef v = sload(f, 3, IRT_VAL);
    IRRef t1 = guard(f, IR_TRUTHY, IRT_VAL, v, 0, s);
    IRRef t2 = guard(f, IR_TRUTHY, IRT_VAL, v, 0, s);
    IRRef w = sload(f, 4, IRT_VAL);
    IRRef eq = guard(f, IR_EQV, IRT_VAL, w, 0, s);
    T->ir[eq].b = ir_kraw(T, int_val(5));
    IRRef fy = guard(f, IR_FALSEY, IRT_VAL, w, 0, s);      /* 5 is truthy: stays */
    IRRef ne = guard(f, IR_NEV, IRT_VAL, w, 0, s);
    T->ir[ne].b = ir_kraw(T, NIL_VAL);
    IRRef uw = guard(f, IR_UNBOX, IRT_INT, w, 0, s);
    IRRef use = guard(f, IR_ADD, IRT_INT, uw, add, s);
    sound(f);
    opt_guard(T);
    sound(f);
    assert_false(is_nop(f, u1));
    assert_true(is_nop(f, u2));
    assert_int_equal(T->ir[add].b, u1);
    assert_false(is_nop(f, un));
    assert_true(is_nop(f, ub));
    assert_int_equal(T->ir[num].a, d);
    assert_false(is_nop(f, t1));
    assert_true(is_nop(f, t2));
    assert_false(is_nop(f, eq));
    assert_false(is_nop(f, fy));
    assert_true(is_nop(f, ne));
    assert_int_equal(T->ir[uw].op, IR_KINT);       /* pinned to the int 5 */
    assert_int_equal(T->ir[uw].a, 5);
    assert_int_equal(T->ir[use].a, uw);
}

/* -- opt_dce ---------------------------------------------------------------- */

static void dead_values_and_snapshots_removed(void **state)
{
    Fix *f = *state;
    Trace *T = &f->T;
    IRRef i = sload(f, 1, IRT_INT);
    IRRef c = ir_emit(T, IR_CONV, IRT_NUM, i, 0);
    IRRef dead = ir_emit(T, IR_MUL, IRT_NUM, c, ir_knum(T, 0.5));
    IRRef dead2 = ir_emit(T, IR_NEG, IRT_NUM, dead, 0);
    IRRef exit_only = ir_emit(T, IR_ADD, IRT_NUM, c, ir_knum(T, 1));
    IRRef unused_snap_only = ir_emit(T, IR_SUB, IRT_NUM, c, ir_knum(T, 1));
    int dropped = snap(f, 3, 1, i, 2, unused_snap_only, 3, exit_only);
    int kept = snap(f, 2, 1, i, 3, exit_only);
    IRRef g = guard(f, IR_ADD, IRT_INT, i, ir_kint(T, 1), kept);
    IRRef back_only = ir_emit(T, IR_DIV, IRT_NUM, c, ir_knum(T, 3));
    IRRef lt = guard(f, IR_LT, IRT_INT, g, ir_kint(T, 100), kept);
    int loopsnap = snap(f, 2, 1, g, 4, back_only);
    T->loopsnap = loopsnap;
    f->back[0] = (LoopSlot){1, g, i};
    f->back[1] = (LoopSlot){4, back_only, 0};
    T->nback = 2;
    sound(f);
    assert_int_equal(dropped, 1);
    opt_dce(T);
    sound(f);
    assert_true(is_nop(f, dead));
    assert_true(is_nop(f, dead2));
    assert_true(is_nop(f, unused_snap_only));
    assert_false(is_nop(f, exit_only));
    assert_false(is_nop(f, back_only));
    assert_false(is_nop(f, c));
    /* Snapshot 1 went: the guards' and the back-edge's close up. */
    assert_int_equal(T->nsnap, 3);
    assert_int_equal(T->ir[g].snap, 1);
    assert_int_equal(T->ir[lt].snap, 1);
    assert_int_equal(T->loopsnap, 2);
    assert_int_equal(T->snaps[1].n, 2);
    assert_int_equal(T->smap[T->snaps[1].start + 1].ref, exit_only);
    assert_int_equal(T->smap[T->snaps[2].start + 1].ref, back_only);
    assert_int_equal(T->nsmap, 4);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(emission_folds_and_shares),
        T(guards_on_constants),
        T(repeated_pure_guards_shared),
        T(known_type_guards_removed),
        T(dead_values_and_snapshots_removed),
    };
#undef T
    return cmocka_run_group_tests_name("opt", tests, NULL, NULL);
}
