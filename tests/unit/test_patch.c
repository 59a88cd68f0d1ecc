/* test_patch.c -- real traces built from the generated stencils: copy,
** patch, run; the exits; the range checks; the stencil table; and the
** stencilgen golden test (tests/jit/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/abi.h"
#include "jit/mcode.h"
#include "jit/patch.h"
#include "jit/stencil.h"

/* -- A small emitter --------------------------------------------------- */

/* One stencil of a test trace and its hole values. `target` and `exit`
** name other instructions of the same trace: AT(index), 0 for none. */
typedef struct {
    JitStencilId id;
    int32_t slot;           /* frame slot number: SLOT = 8 * slot */
    int32_t op0;
    uint64_t konst;
    int target, exit;
    void *helper;
} Ins;

#define I(st, ...) ((Ins){.id = JIT_ST_##st, __VA_ARGS__})
#define AT(index) ((index) + 1)

#define MAXINS 64
#define TRAMP_ROOM (4 * PATCH_TRAMP_SIZE)

static uint64_t exit_handler(JitCtx *ctx, Value *base);

typedef struct {
    McArena *arena;
    void *code;
    size_t size;
    size_t tramp_used;
    char error[192];
} Built;

/* Lay out code, then data, then trampolines, in one block; patch each
** stencil; make it executable. Returns false with b->error on a patch
** failure (the block is cancelled). */
static bool build_trace(McArena *a, const Ins *ins, int n, Built *b)
{
    size_t off[MAXINS + 1], data_off[MAXINS];
    size_t code_size = 0;
    assert_true(n <= MAXINS);
    for (int i = 0; i < n; i++) {
        const JitStencil *s = stencil_get(ins[i].id);
        assert_non_null(s->name);
        off[i] = code_size;
        code_size += s->code_size;
    }
    off[n] = code_size;
    size_t data = (code_size + 15) & ~(size_t)15;
    for (int i = 0; i < n; i++) {
        const JitStencil *s = stencil_get(ins[i].id);
        data_off[i] = patch_data_at(s, data);
        data = data_off[i] + s->data_size;
    }
    size_t tramp_at = (data + 15) & ~(size_t)15;
    size_t total = tramp_at + TRAMP_ROOM;

    uint8_t *p = mc_begin(a, total);
    assert_non_null(p);
    PatchEnv env;
    memset(&env, 0, sizeof env);
    env.tramp = p + tramp_at;
    env.tramp_size = TRAMP_ROOM;
    for (int i = 0; i < n; i++) {
        const Ins *x = &ins[i];
        env.value[JIT_SYM_SLOT] = (uint64_t)(int64_t)x->slot * 8;
        env.value[JIT_SYM_OPERAND0] = (uint64_t)(int64_t)x->op0;
        env.value[JIT_SYM_CONST] = x->konst;
        env.value[JIT_SYM_TARGET] = x->target ? (uintptr_t)(p + off[x->target - 1]) : 0;
        env.value[JIT_SYM_EXIT] = x->exit ? (uintptr_t)(p + off[x->exit - 1]) : 0;
        env.value[JIT_SYM_HELPER] = (uintptr_t)x->helper;
        env.value[JIT_SYM_HELPER_EXIT] = (uintptr_t)&exit_handler;
        if (!patch_stencil(stencil_get(x->id), p + off[i], p + data_off[i], &env)) {
            snprintf(b->error, sizeof b->error, "%s", env.error);
            mc_cancel(a);
            return false;
        }
    }
    b->arena = a;
    b->tramp_used = env.tramp_used;
    b->size = tramp_at + env.tramp_used;
    b->code = mc_end(a, b->size);
    return true;
}

/* -- The exit handler -------------------------------------------------- */

static struct {
    int calls;
    uint32_t exit_no;
    Value *base;
} last_exit;

/* What exit.c will do with a snapshot, reduced to recording the exit:
** the registers are in ctx->gpr / ctx->fpr for the test to inspect. */
static uint64_t exit_handler(JitCtx *ctx, Value *base)
{
    last_exit.calls++;
    last_exit.exit_no = ctx->exit_no;
    last_exit.base = base;
    return 1000 + ctx->exit_no;
}

static int wx_mappings(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[512], perms[5];
    int wx = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%*x-%*x %4s", perms) == 1 && perms[1] == 'w' && perms[2] == 'x')
            wx++;
    fclose(f);
    return wx;
}

static int setup(void **state)
{
    McArena *a = mc_new(1 << 20, NULL, NULL);
    if (a == NULL)
        return -1;
    *state = a;
    memset(&last_exit, 0, sizeof last_exit);
    return 0;
}

static int teardown(void **state)
{
    mc_free(*state);
    return 0;
}

/* -- Straight-line traces ---------------------------------------------- */

/* frame[2] = frame[0] + frame[1], with the usual exits:
**   0: a slot is not an int   1: the add overflows   2: done */
static const Ins add_trace[] = {
    I(load_int_r0, .slot = 0, .exit = AT(5)),
    I(load_int_r1, .slot = 1, .exit = AT(5)),
    I(add_int_r2_r0_r1, .exit = AT(6)),
    I(store_int_r2, .slot = 2),
    I(exit_stub, .op0 = 2, .target = AT(7)),
    I(exit_stub, .op0 = 0, .target = AT(7)),
    I(exit_stub, .op0 = 1, .target = AT(7)),
    I(exit_common),
    I(trap),
};
#define NINS(t) ((int)(sizeof t / sizeof t[0]))

static void test_add_trace(void **state)
{
    Built b;
    assert_true(build_trace(*state, add_trace, NINS(add_trace), &b));
    assert_int_equal(wx_mappings(), 0);
    JitCtx ctx = {0};
    Value frame[4] = {int_val(3), int_val(4), NIL_VAL, NIL_VAL};

    assert_int_equal(jit_enter(b.code, &ctx, frame), 1002);
    assert_int_equal(frame[2], int_val(7));
    assert_int_equal(last_exit.exit_no, 2);
    assert_ptr_equal(last_exit.base, frame);
    assert_int_equal(as_int(ctx.gpr[2]), 7);

    frame[0] = int_val(-50000);
    frame[1] = int_val(-2);
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1002);
    assert_int_equal(frame[2], int_val(-50002));
}

/* A guard that fails exits with every register as it was before the
** stencil: the overflowing add leaves r0, r1 holding its operands and
** r2 untouched (INVARIANT(exit-sees-inputs)). */
static void test_overflow_exit(void **state)
{
    Built b;
    assert_true(build_trace(*state, add_trace, NINS(add_trace), &b));
    JitCtx ctx = {0};
    ctx.gpr[2] = 0x1234;
    Value frame[4] = {int_val(INT32_MAX), int_val(1), NIL_VAL, NIL_VAL};
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1001);
    assert_int_equal(last_exit.exit_no, 1);
    assert_int_equal(frame[2], NIL_VAL);
    assert_int_equal((int32_t)ctx.gpr[0], INT32_MAX);
    assert_int_equal((int32_t)ctx.gpr[1], 1);
    assert_int_equal(ctx.gpr[2], 0x1234);

    frame[0] = int_val(INT32_MIN);
    frame[1] = int_val(-1);
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1001);
}

static void test_type_guard_exit(void **state)
{
    Built b;
    assert_true(build_trace(*state, add_trace, NINS(add_trace), &b));
    JitCtx ctx = {0};
    Value frame[4] = {int_val(1), double_val(2.5), NIL_VAL, NIL_VAL};
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1000);
    assert_int_equal(frame[2], NIL_VAL);
    /* The first load succeeded before the second exited. */
    assert_int_equal((int32_t)ctx.gpr[0], 1);
    frame[1] = NIL_VAL;
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1000);
    frame[0] = obj_val((void *)0x1000);
    frame[1] = int_val(1);
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1000);
}

/* -- The loop of issue 4: while (i < n) { s = s + i; i = i + 1; } ------ */

/* Slots: 0 = i, 1 = n, 2 = s. Exits: 0 type, 1 loop done, 2 s overflows,
** 3 i overflows. */
static const Ins loop_trace[] = {
    I(load_int_r0, .slot = 0, .exit = AT(7)),
    I(load_int_r1, .slot = 1, .exit = AT(7)),
    I(load_int_r2, .slot = 2, .exit = AT(7)),
    I(lt_int_r0_r1, .exit = AT(8)),                /* 3: the loop head */
    I(add_int_r2_r2_r0, .exit = AT(9)),
    I(addk_int_r0_r0, .op0 = 1, .exit = AT(10)),
    I(loop, .target = AT(3)),
    I(exit_stub, .op0 = 0, .target = AT(11)),
    I(exit_stub, .op0 = 1, .target = AT(11)),
    I(exit_stub, .op0 = 2, .target = AT(11)),
    I(exit_stub, .op0 = 3, .target = AT(11)),
    I(exit_common),
    I(trap),
};

static void test_loop_trace(void **state)
{
    Built b;
    assert_true(build_trace(*state, loop_trace, NINS(loop_trace), &b));
    JitCtx ctx = {0};
    Value frame[3] = {int_val(0), int_val(1000), int_val(0)};
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1001);
    assert_int_equal((int32_t)ctx.gpr[0], 1000);
    assert_int_equal((int32_t)ctx.gpr[2], 499500);
    /* The loop never touched the frame. */
    assert_int_equal(frame[0], int_val(0));
    assert_int_equal(frame[2], int_val(0));

    /* s overflows at i = 65536 (sum 0..65535 = 2147450880 still fits). */
    frame[1] = int_val(100000);
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1002);
    int32_t i = (int32_t)ctx.gpr[0], s = (int32_t)ctx.gpr[2];
    assert_int_equal(i, 65536);
    assert_int_equal(s, (int32_t)((int64_t)i * (i - 1) / 2));
    assert_true((int64_t)s + i > INT32_MAX);

    /* Not an int: the first exit, before the loop. */
    frame[2] = double_val(0.5);
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1000);
}

/* -- Doubles ----------------------------------------------------------- */

static uint64_t bits(double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    return v;
}

/* frame[2] = -((frame[0] + frame[1])^2 - 0.5), frame[3] = frame[0]/0 ...
** covers ints converted to doubles, constants, a stencil with read-only
** data (neg_num's sign mask), and NaN canonicalization on store. */
static const Ins num_trace[] = {
    I(load_tonum_f0, .slot = 0, .exit = AT(13)),
    I(load_num_f1, .slot = 1, .exit = AT(13)),
    I(add_num_f2_f0_f1),
    I(mul_num_f3_f2_f2),
    I(const_num_f0, .konst = 0x3FE0000000000000ull),   /* 0.5 */
    I(sub_num_f3_f3_f0),
    I(neg_num_f1_f3),
    I(store_num_f1, .slot = 2),
    I(const_int_r0, .op0 = 0),
    I(int_to_num_f2_r0),
    I(div_num_f3_f2_f2),                               /* 0 / 0 */
    I(store_num_f3, .slot = 3),
    I(exit_stub, .op0 = 1, .target = AT(14)),
    I(exit_stub, .op0 = 0, .target = AT(14)),
    I(exit_common),
    I(trap),
};

static void test_num_trace(void **state)
{
    Built b;
    assert_true(build_trace(*state, num_trace, NINS(num_trace), &b));
    JitCtx ctx = {0};
    Value frame[4] = {int_val(3), double_val(2.5), NIL_VAL, NIL_VAL};
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1001);
    assert_true(frame[2] == double_val(-29.75));
    assert_true(frame[3] == LX_CANON_NAN);
    assert_true(ctx.fpr[0] == 0.5);

    /* load_num wants a double: an int exits. */
    frame[1] = int_val(2);
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1000);
    assert_int_equal(bits(ctx.fpr[0]), bits(3.0));
}

/* f4-f7 keep values across stencils that do not name them. */
static void test_upper_doubles(void **state)
{
    const Ins t[] = {
        I(const_num_f0, .konst = 0x4004000000000000ull),   /* 2.5 */
        I(mov_num_hi_f6_f0),
        I(const_num_f0, .konst = 0),
        I(add_num_f0_f0_f0),
        I(mov_num_lo_f1_f6),
        I(exit_stub, .op0 = 0, .target = AT(6)),
        I(exit_common),
    };
    Built b;
    assert_true(build_trace(*state, t, NINS(t), &b));
    JitCtx ctx = {0};
    ctx.fpr[7] = 9.0;
    Value frame[1];
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1000);
    assert_true(ctx.fpr[0] == 0.0);
    assert_true(ctx.fpr[1] == 2.5);
    assert_true(ctx.fpr[6] == 2.5);
    assert_true(ctx.fpr[7] == 9.0);
    assert_int_equal(stencil_id(JIT_T_mov_num_hi, 2, 0, 0), JIT_ST_mov_num_hi_f6_f0);
    assert_int_equal(stencil_id(JIT_T_mov_num_lo, 1, 2, 0), JIT_ST_mov_num_lo_f1_f6);
}

/* Double comparisons guard the way the branch went, NaN included. */
static void test_num_guards(void **state)
{
    static const struct { JitStencilId id; double a, b; bool pass; } cases[] = {
        {JIT_ST_lt_num_f0_f1, 1, 2, true},      {JIT_ST_lt_num_f0_f1, 2, 1, false},
        {JIT_ST_nlt_num_f0_f1, 2, 1, true},     {JIT_ST_nge_num_f0_f1, 1, 2, true},
        {JIT_ST_ge_num_f0_f1, NAN, 1, false},
        {JIT_ST_nlt_num_f0_f1, NAN, 1, true},
        {JIT_ST_eq_num_f0_f1, 1, 1, true},      {JIT_ST_eq_num_f0_f1, NAN, NAN, false},
        {JIT_ST_ne_num_f0_f1, NAN, NAN, true},
        {JIT_ST_ne_num_f0_f1, 1, 1, false},     {JIT_ST_le_num_f1_f0, 2, 2, true},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Ins t[] = {
            {cases[k].id, 0, 0, 0, 0, AT(2), NULL},
            I(exit_stub, .op0 = 1, .target = AT(3)),
            I(exit_stub, .op0 = 0, .target = AT(3)),
            I(exit_common),
        };
        Built b;
        assert_true(build_trace(*state, t, NINS(t), &b));
        JitCtx ctx = {0};
        ctx.fpr[0] = cases[k].a;
        ctx.fpr[1] = cases[k].b;
        Value frame[1];
        if (jit_enter(b.code, &ctx, frame) != (cases[k].pass ? 1001u : 1000u))
            fail_msg("case %zu (%s %g %g)", k, stencil_get(cases[k].id)->name,
                     cases[k].a, cases[k].b);
    }
}

/* -- Int corner cases -------------------------------------------------- */

static void test_int_corners(void **state)
{
    /* out: the stencil writes r2 = r, to be checked when it passes. */
    static const struct { JitStencilId id; int32_t a, b, k; bool pass, out; int32_t r; } cases[] = {
        {JIT_ST_mul_int_r2_r0_r1, 6, 7, 0, true, true, 42},
        {JIT_ST_mul_int_r2_r0_r1, 0, -1, 0, false, true, 0},     /* -0 */
        {JIT_ST_mul_int_r2_r0_r1, -3, 0, 0, false, true, 0},     /* -0 */
        {JIT_ST_mul_int_r2_r0_r1, 0, 5, 0, true, true, 0},
        {JIT_ST_mul_int_r2_r0_r1, 65536, 65536, 0, false, true, 0},
        {JIT_ST_mulk_int_r2_r0, 0, 0, -2, false, true, 0},      /* -0 */
        {JIT_ST_mulk_int_r2_r0, 21, 0, 2, true, true, 42},
        {JIT_ST_sub_int_r2_r0_r1, INT32_MIN, 1, 0, false, true, 0},
        {JIT_ST_subk_int_r2_r0, 5, 0, -7, true, true, 12},
        {JIT_ST_addk_int_r2_r0, -5, 0, -7, true, true, -12},
        {JIT_ST_neg_int_r2_r0, 0, 0, 0, false, true, 0},         /* -0 */
        {JIT_ST_neg_int_r2_r0, INT32_MIN, 0, 0, false, true, 0},
        {JIT_ST_neg_int_r2_r0, -9, 0, 0, true, true, 9},
        {JIT_ST_ltk_int_r0, -3, 0, -2, true, false, 0},
        {JIT_ST_ltk_int_r0, -2, 0, -2, false, false, 0},
        {JIT_ST_gek_int_r0, 0, 0, 0, true, false, 0},
        {JIT_ST_ne_int_r0_r1, 4, 4, 0, false, false, 0},
        {JIT_ST_le_int_r1_r0, 4, 3, 0, true, false, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Ins t[] = {
            {cases[k].id, 0, cases[k].k, 0, 0, AT(2), NULL},
            I(exit_stub, .op0 = 1, .target = AT(3)),
            I(exit_stub, .op0 = 0, .target = AT(3)),
            I(exit_common),
        };
        Built b;
        assert_true(build_trace(*state, t, NINS(t), &b));
        JitCtx ctx = {0};
        ctx.gpr[0] = int_val(cases[k].a);   /* boxed: the high bits must not matter */
        ctx.gpr[1] = (uint32_t)cases[k].b;
        ctx.gpr[2] = 77;
        Value frame[1];
        uint64_t got = jit_enter(b.code, &ctx, frame);
        if (got != (cases[k].pass ? 1001u : 1000u))
            fail_msg("case %zu (%s): exit %llu", k, stencil_get(cases[k].id)->name,
                     (unsigned long long)got);
        if (cases[k].pass && cases[k].out)
            assert_int_equal((int32_t)ctx.gpr[2], cases[k].r);
        else
            assert_int_equal(ctx.gpr[2], 77);
    }
}

/* -- Calls, constants, boxing ------------------------------------------ */

static uint64_t helper_mix(JitCtx *ctx, Value *base, uint64_t a, uint64_t b)
{
    (void)ctx;
    return a * 10 + b + (uint64_t)as_int(base[0]);
}

static double helper_hypot2(double a, double b)
{
    return a * a + b * b;
}

/* A call clobbers nothing the trace keeps: the other registers (all f
** registers included) survive it. */
static void test_calls(void **state)
{
    const Ins t[] = {
        I(const_int_r1, .op0 = 4),
        I(const_int_r2, .op0 = 2),
        I(const_val_r3, .konst = 0x123456789ABCDEF0ull),
        I(call_r0_r1_r2, .helper = (void *)helper_mix),
        I(box_int_r1_r0),
        I(store_val_r1, .slot = 1),
        I(call_num_f3_f0_f1, .helper = (void *)helper_hypot2),
        I(exit_stub, .op0 = 9, .target = AT(8)),
        I(exit_common),
    };
    Built b;
    assert_true(build_trace(*state, t, NINS(t), &b));
    assert_int_equal(b.tramp_used, 0);      /* the arena is near */
    JitCtx ctx = {0};
    for (int i = 0; i < JIT_NFPR; i++)
        ctx.fpr[i] = i + 0.25;
    Value frame[2] = {int_val(100), NIL_VAL};
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1009);
    assert_int_equal(frame[1], int_val(142));
    assert_int_equal(ctx.gpr[1], int_val(142));
    assert_int_equal(ctx.gpr[3], 0x123456789ABCDEF0ull);
    assert_true(ctx.fpr[3] == 0.25 * 0.25 + 1.25 * 1.25);
    for (int i = 0; i < JIT_NFPR; i++)
        if (i != 3)
            assert_true(ctx.fpr[i] == i + 0.25);
}

/* A helper beyond rel32 reach is called through a trampoline. */
static void test_far_helper(void **state)
{
    McArena *a = *state;
    uint8_t *near = mc_begin(a, 16);
    mc_cancel(a);
    /* mov rax, rdx ; add rax, rcx ; ret -- returns a + b */
    static const uint8_t add_ab[] = {0x48, 0x89, 0xD0, 0x48, 0x01, 0xC8, 0xC3};
    void *far = MAP_FAILED;
    for (uintptr_t d = (uintptr_t)16 << 30; d <= (uintptr_t)64 << 30 && far == MAP_FAILED;
         d += (uintptr_t)4 << 30) {
        uintptr_t want = ((uintptr_t)near + d) & ~(uintptr_t)0xFFFF;
        far = mmap((void *)want, 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (far != MAP_FAILED && (uintptr_t)far - (uintptr_t)near < ((uintptr_t)4 << 30)) {
            munmap(far, 4096);
            far = MAP_FAILED;
        }
    }
    if (far == MAP_FAILED)
        skip();
    memcpy(far, add_ab, sizeof add_ab);
    assert_int_equal(mprotect(far, 4096, PROT_READ | PROT_EXEC), 0);

    const Ins t[] = {
        I(const_int_r1, .op0 = 40),
        I(const_int_r2, .op0 = 2),
        I(call_r0_r1_r2, .helper = far),
        I(call_r3_r0_r0, .helper = far),
        I(exit_stub, .op0 = 0, .target = AT(5)),
        I(exit_common),
    };
    Built b;
    assert_true(build_trace(a, t, NINS(t), &b));
    assert_int_equal(b.tramp_used, PATCH_TRAMP_SIZE);   /* one, shared */
    JitCtx ctx = {0};
    Value frame[1];
    assert_int_equal(jit_enter(b.code, &ctx, frame), 1000);
    assert_int_equal(ctx.gpr[0], 42);
    assert_int_equal(ctx.gpr[3], 84);
    munmap(far, 4096);
}

/* -- Range checks ------------------------------------------------------ */

static bool patch_one(JitStencilId id, JitSym sym, uint64_t v, PatchEnv *env)
{
    static uint8_t buf[512] __attribute__((aligned(16)));
    const JitStencil *s = stencil_get(id);
    memset(env, 0, sizeof *env);
    for (int i = 0; i < JIT_SYM__COUNT; i++)
        env->value[i] = (uintptr_t)buf;     /* in reach of buf itself */
    env->value[sym] = v;
    return patch_stencil(s, buf, buf + 256, env);
}

static void test_range_checks(void **state)
{
    (void)state;
    PatchEnv env;
    /* SLOT: a sign-extended displacement. */
    assert_true(patch_one(JIT_ST_load_val_r0, JIT_SYM_SLOT, (uint64_t)-8, &env));
    assert_true(patch_one(JIT_ST_load_val_r0, JIT_SYM_SLOT, 0x7FFFFFF8, &env));
    assert_false(patch_one(JIT_ST_load_val_r0, JIT_SYM_SLOT, 0x80000000, &env));
    assert_non_null(strstr(env.error, "load_val_r0"));
    assert_non_null(strstr(env.error, "R_X86_64_32S"));
    /* OPERAND0: any 32-bit pattern, in a zero-extended field too. */
    assert_true(patch_one(JIT_ST_exit_stub, JIT_SYM_OPERAND0, (uint64_t)-1, &env));
    assert_true(patch_one(JIT_ST_exit_stub, JIT_SYM_OPERAND0, 0xFFFFFFFF, &env));
    assert_false(patch_one(JIT_ST_exit_stub, JIT_SYM_OPERAND0, 0x100000000ull, &env));
    assert_non_null(strstr(env.error, "R_X86_64_32)"));
    /* A jump target out of rel32 reach is refused (no trampolines for
    ** jumps: they stay inside one block). */
    assert_false(patch_one(JIT_ST_loop, JIT_SYM_TARGET, (uint64_t)1 << 46, &env));
    assert_non_null(strstr(env.error, "rel32"));
    /* A far helper with no trampoline room is refused too. */
    assert_false(patch_one(JIT_ST_call_r0_r1_r2, JIT_SYM_HELPER, (uint64_t)1 << 46, &env));
    assert_non_null(strstr(env.error, "trampoline"));
    /* The 64-bit constant takes anything. */
    assert_true(patch_one(JIT_ST_const_val_r0, JIT_SYM_CONST, ~0ull, &env));
}

/* -- The stencil table ------------------------------------------------- */

static void test_table(void **state)
{
    (void)state;
    for (int id = 0; id < JIT_ST__COUNT; id++) {
        const JitStencil *s = stencil_get((JitStencilId)id);
        if (s->name == NULL)
            fail_msg("stencil id %d was not built", id);
        for (int h = 0; h < s->nholes; h++) {
            const JitHole *x = &s->holes[h];
            assert_true(x->offset + 4 <= s->code_size);
            assert_true(h == 0 || s->holes[h - 1].offset < x->offset);
            /* Jumps to the next stencil are gone after tidying. */
            assert_int_not_equal(x->sym, JIT_SYM_CONTINUE);
        }
    }
    JitStencilId id = stencil_id(JIT_T_add_int, 2, 0, 1);
    assert_int_equal(id, JIT_ST_add_int_r2_r0_r1);
    assert_string_equal(stencil_get(id)->name, "add_int_r2_r0_r1");
    assert_int_equal(stencil_id(JIT_T_load_num, 3, 0, 0), JIT_ST_load_num_f3);
    assert_int_equal(stencil_id(JIT_T_int_to_num, 1, 2, 0), JIT_ST_int_to_num_f1_r2);
    assert_int_equal(stencil_id(JIT_T_loop, 0, 0, 0), JIT_ST_loop);
    assert_int_equal(stencil_roles(JIT_T_div_num), 3);
    assert_string_equal(stencil_template_name(JIT_T_exit_common), "exit_common");
    /* An identity move is empty: nothing to copy at all. */
    assert_int_equal(stencil_get(JIT_ST_mov_r1_r1)->code_size, 0);
    /* A guard's hot path is one compare and one conditional jump. */
    const JitStencil *g = stencil_get(JIT_ST_lt_int_r0_r1);
    assert_int_equal(g->nholes, 1);
    assert_int_equal(g->holes[0].insn, JIT_INSN_JCC);
    assert_int_equal(g->holes[0].offset + 4, g->code_size);
}

/* -- The generator golden test ----------------------------------------- */

/* build/<mode>/tests/unit/test_patch -> build/<mode> and the repo root. */
static void find_dirs(char *mode_dir, char *root, size_t n)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(len > 0);
    exe[len] = '\0';
    for (int up = 0; up < 5; up++) {
        char *slash = strrchr(exe, '/');
        assert_non_null(slash);
        *slash = '\0';
        if (up == 2)
            snprintf(mode_dir, n, "%s", exe);
    }
    snprintf(root, n, "%s", exe);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void compare_golden(const char *generated, const char *expected)
{
    char mode_dir[4096], root[4096], a[8300], b[8300];
    find_dirs(mode_dir, root, sizeof mode_dir);
    snprintf(a, sizeof a, "%s/gen/%s", mode_dir, generated);
    snprintf(b, sizeof b, "%s/tests/jit/%s", root, expected);
    char *got = slurp(a), *want = slurp(b);
    if (strcmp(got, want) != 0) {
        size_t line = 1, i = 0;
        while (got[i] && got[i] == want[i])
            line += got[i++] == '\n';
        fail_msg("%s differs from %s from line %zu on (see `make jit-golden`; "
                 "`make jit-golden-update` accepts an intended change)", a, b, line);
    }
    free(got);
    free(want);
}

static void test_stencilgen_golden(void **state)
{
    (void)state;
    compare_golden("tiny_stencil.h", "tiny_stencil.expected.h");
    compare_golden("tiny_stencil.raw.h", "tiny_stencil.raw.expected.h");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_exit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_guard_exit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_num_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upper_doubles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_num_guards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int_corners, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_far_helper, setup, teardown),
        cmocka_unit_test(test_range_checks),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_stencilgen_golden),
    };
    return cmocka_run_group_tests_name("patch", tests, NULL, NULL);
}
