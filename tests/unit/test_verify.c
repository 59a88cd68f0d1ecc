/* test_verify.c -- the jitcheck verifier (jit/verify.c): a hand-made
** trace over a real VM frame, sound and then corrupted one way at a time
** (unsorted entries, a slot outside the frames, a dead object, a value
** with no place, a pc outside the code, a bad inlined frame, garbage left
** in memory), each caught with its own message; and whole programs whose
** every exit is checked run to the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"
#include "jit/trace.h"
#include "jit/verify.h"
#include "lang/compile.h"
#include "vm/vm.h"
#include "tests/unit/jit_harness.h"

/* -- A trace made by hand ------------------------------------------------ */

/* The VM runs the script below in frame 0 at base 0; the trace claims to
** be a loop of it, with one snapshot: slot 1 from a VAL register (r0),
** slot 2 a constant. */
typedef struct {
    VM *vm;
    ObjFunction *fn;
    Trace T;
    Snapshot sn[2];
    SnapEntry map[8];
    SnapFrame fr[2];
    JitCtx ctx;
    IRRef val, k;
    char buf[256];
} Fixture;

static const char script[] =
    "{ var a = 1; var b = 2; var c = 3; fun g(x) { return x + 1; } print g(a) + b + c; }";

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->vm = vm_new();
    f->fn = lx_compile(f->vm, script, strlen(script), "<test>", COMPILE_SCRIPT, NULL);
    assert_non_null(f->fn);
    assert_true(f->fn->maxslots >= 3 && f->fn->ncode > 4);
    VM *vm = f->vm;
    vm_push_root(vm, obj_val(f->fn));
    ObjClosure *cl = closure_new(vm, f->fn);
    vm_push_root(vm, obj_val(cl));
    CallFrame *fr = &vm->frames[0];
    fr->closure = cl;
    fr->ip = f->fn->code;
    fr->consts = f->fn->consts;
    fr->base = 0;
    fr->top = (uint32_t)f->fn->maxslots;
    vm->frame_count = 1;
    vm->stack_top = fr->top;
    for (uint32_t s = 0; s < vm->stack_top; s++)
        vm->stack[s] = NIL_VAL;

    Trace *T = &f->T;
    T->fn = f->fn;
    ir_emit(T, IR_KVAL, IRT_NONE, 0, 0);                    /* ref 0 */
    f->val = ir_emit(T, IR_GLOAD, IRT_VAL, 0, 0);           /* in r0 */
    f->k = ir_kint(T, 5);
    T->loc = calloc((size_t)T->nir, sizeof(IRLoc));
    assert_non_null(T->loc);
    T->loc[f->val] = (IRLoc){LOC_GPR, 0};
    f->map[0] = (SnapEntry){1, (uint16_t)f->val};
    f->map[1] = (SnapEntry){2, (uint16_t)f->k};
    f->sn[0] = (Snapshot){.pc = 2, .start = 0, .n = 2, .ref = (uint16_t)T->nir};
    T->smap = f->map;
    T->nsmap = 2;
    T->snaps = f->sn;
    T->nsnap = 1;
    T->sframes = f->fr;
    f->ctx.vm = vm;
    f->ctx.gpr[0] = TRUE_VAL;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    f->T.smap = NULL;
    f->T.snaps = NULL;
    f->T.sframes = NULL;
    trace_free_ir(&f->T);
    vm_free(f->vm);
    free(f);
    return 0;
}

static const char *check(Fixture *f)
{
    return jit_verify_snapshot(&f->T, 0, &f->ctx, f->vm->stack, f->buf, sizeof f->buf);
}

/* The fault message contains `part`. */
static void caught(Fixture *f, const char *part)
{
    const char *why = check(f);
    assert_non_null(why);
    if (strstr(why, part) == NULL)
        fail_msg("expected a fault about \"%s\", got \"%s\"", part, why);
}

/* -- Cases --------------------------------------------------------------- */

static void sound_snapshot_passes(void **state)
{
    Fixture *f = *state;
    assert_null(check(f));
    /* A live object in the register is as good as true. */
    f->ctx.gpr[0] = obj_val(str_intern(f->vm, "live", 4));
    assert_null(check(f));
}

static void unsorted_entries_caught(void **state)
{
    Fixture *f = *state;
    f->map[0].slot = 2;
    f->map[1].slot = 1;
    caught(f, "not sorted");
}

static void slot_outside_the_frame_caught(void **state)
{
    Fixture *f = *state;
    f->map[1].slot = (uint16_t)f->fn->maxslots;
    caught(f, "outside the trace's frames");
}

static void dead_object_caught(void **state)
{
    Fixture *f = *state;
    /* Shaped like an object, but not one the VM allocated. */
    static uint64_t fake[4];
    f->ctx.gpr[0] = obj_val(fake);
    caught(f, "no live object");
}

static void bad_value_bits_caught(void **state)
{
    Fixture *f = *state;
    f->ctx.gpr[0] = LX_TAG_INT | 0x0000123400000001ull;
    caught(f, "stray bits");
    f->ctx.gpr[0] = 0xFFFE000000000000ull;
    caught(f, "unknown tag");
}

static void value_without_a_place_caught(void **state)
{
    Fixture *f = *state;
    f->T.loc[f->val] = (IRLoc){LOC_NONE, 0};
    caught(f, "no register");
}

static void ref_after_the_exit_caught(void **state)
{
    Fixture *f = *state;
    f->sn[0].ref = (uint16_t)f->val;    /* taken before the value existed */
    caught(f, "not an instruction before the exit");
}

static void pc_outside_the_code_caught(void **state)
{
    Fixture *f = *state;
    f->sn[0].pc = (uint32_t)f->fn->ncode;
    caught(f, "resume pc");
}

static void garbage_in_memory_caught(void **state)
{
    Fixture *f = *state;
    f->vm->stack[0] = 0xFFFD000000000010ull;
    caught(f, "slot 0");
}

static void wrong_top_frame_caught(void **state)
{
    Fixture *f = *state;
    f->vm->frames[0].base = 1;
    caught(f, "not the trace's");
}

/* Give the fixture's snapshot an inlined frame: a call of g at base 1. */
static ObjClosure *inline_g(Fixture *f)
{
    /* g's closure at base 1, resuming after the script's CALL, its last
    ** register written from a constant. */
    ObjFunction *g = NULL;
    for (int i = 0; i < f->fn->nconsts; i++)
        if (is_obj_type(f->fn->consts[i], OBJ_FUNCTION))
            g = AS_FUNCTION(f->fn->consts[i]);
    assert_non_null(g);
    ObjClosure *cl = closure_new(f->vm, g);
    vm_push_root(f->vm, obj_val(cl));
    uint32_t call = 0;
    while (call < (uint32_t)f->fn->ncode && INS_OP(f->fn->code[call]) != OP_CALL)
        call++;
    assert_true(call < (uint32_t)f->fn->ncode);
    f->fr[0] = (SnapFrame){obj_val(cl), 1, call + 1, false};
    f->T.nsframes = 1;
    f->sn[0].nframe = 1;
    f->sn[0].pc = 0;
    f->map[2] = (SnapEntry){(uint16_t)(1 + g->maxslots - 1), (uint16_t)f->k};
    f->sn[0].n = 3;
    f->T.nsmap = 3;
    return cl;
}

static void bad_inlined_frame_caught(void **state)
{
    Fixture *f = *state;
    ObjFunction *g = inline_g(f)->fn;
    uint32_t call = f->fr[0].ret_pc - 1;
    assert_null(check(f));                  /* sound as it is */
    f->fr[0].base = (uint32_t)f->fn->maxslots;
    caught(f, "outside its caller's slots");
    f->fr[0].base = 1;
    f->fr[0].ret_pc = call;                 /* not after the call */
    caught(f, "return pc");
    f->fr[0].ret_pc = call + 1;
    f->fr[0].closure = obj_val(g);          /* a function, not a closure */
    caught(f, "not a live closure");
}

/* After a native call's write-back the inlined frames must be pushed as
** the snapshot says, and memory must hold valid values. */
static void restored_frames_checked(void **state)
{
    Fixture *f = *state;
    ObjClosure *cl = inline_g(f);
    VM *vm = f->vm;
    CallFrame *p = &vm->frames[vm->frame_count++];
    p->closure = cl;
    p->ip = cl->fn->code;
    p->consts = cl->fn->consts;
    p->base = 1;
    p->top = 1 + (uint32_t)cl->fn->maxslots;
    vm->stack_top = p->top > vm->stack_top ? p->top : vm->stack_top;
    vm->stack[1] = TRUE_VAL;                /* what the write-back wrote */
    const char *why = jit_verify_restored(&f->T, 0, &f->ctx, vm->stack, f->buf, sizeof f->buf);
    assert_null(why);
    vm->stack[2] = 0xFFFE000000000001ull;   /* a slot the write-back skipped */
    why = jit_verify_restored(&f->T, 0, &f->ctx, vm->stack, f->buf, sizeof f->buf);
    assert_non_null(why);
    assert_non_null(strstr(why, "slot 2"));
    vm->stack[2] = NIL_VAL;
    p->base = 2;
    why = jit_verify_restored(&f->T, 0, &f->ctx, vm->stack, f->buf, sizeof f->buf);
    assert_non_null(why);
    assert_non_null(strstr(why, "was pushed with base"));
}

/* -- Whole programs --------------------------------------------------------- */

/* Programs full of exits (type changes, overflow, calls inlined, natives,
** strings) run to the end with every exit checked, in the default mode
** and -jstress. A fault would abort the test program. */
static void programs_pass_the_check(void **state)
{
    (void)state;
    static const char *const progs[] = {
        "var s = 0; for (var i = 0; i < 3000; i = i + 1) {\n"
        "  if (i == 1500) s = s + 0.5; s = s + i; if (i % 7 == 0) s = s * 1; }\n"
        "print s;\n",
        "fun f(a, b) { return a * b + 2147483000; }\n"
        "var t = 0; for (var i = 0; i < 2000; i = i + 1) { t = (t + f(i, 3)) % 1000003; }\n"
        "print t;\n",
        "class P { init() { this.x = 1; } get() { return this.x; } }\n"
        "var o = P(); var xs = []; var str = \"\";\n"
        "for (var i = 0; i < 1000; i = i + 1) {\n"
        "  xs.push(o.get() + i); if (i % 100 == 0) str = str + \"x\"; if (i == 600) o.x = 2.5; }\n"
        "print len(xs); print str;\n",
    };
    for (int stress = 0; stress < 2; stress++) {
        for (size_t p = 0; p < sizeof progs / sizeof progs[0]; p++) {
            VM *vm = jit_vm(stress);
            vm->jit_opts.param[PARAM_jitcheck] = 1;
            run(vm, progs[p]);
            JitStats st;
            jit_stats(vm, &st);
            assert_true(st.traces >= 1);
            assert_true(st.exits >= 1);
            vm_free(vm);
        }
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(sound_snapshot_passes),
        T(unsorted_entries_caught),
        T(slot_outside_the_frame_caught),
        T(dead_object_caught),
        T(bad_value_bits_caught),
        T(value_without_a_place_caught),
        T(ref_after_the_exit_caught),
        T(pc_outside_the_code_caught),
        T(garbage_in_memory_caught),
        T(wrong_top_frame_caught),
        T(bad_inlined_frame_caught),
        T(restored_frames_checked),
        cmocka_unit_test(programs_pass_the_check),
    };
#undef T
    return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
