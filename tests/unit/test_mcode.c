/* test_mcode.c -- the machine-code arena: write, run, W^X, budget, flush. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "jit/mcode.h"

/* -- Helpers ----------------------------------------------------------- */

/* The permissions ("rwxp") of the mapping holding p, or "" if none; and
** the number of mappings anywhere in the process that are writable and
** executable at once. Read from /proc/self/maps. */
static int scan_maps(const void *p, char perms_of_p[5])
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[512];
    int wx = 0;
    if (perms_of_p)
        perms_of_p[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3)
            continue;
        if (perms[1] == 'w' && perms[2] == 'x') {
            fprintf(stderr, "writable+executable mapping: %s", line);
            wx++;
        }
        if (perms_of_p && (uintptr_t)p >= lo && (uintptr_t)p < hi)
            memcpy(perms_of_p, perms, 5);
    }
    fclose(f);
    return wx;
}

/* mov eax, imm32 ; ret */
static size_t put_return(uint8_t *p, int32_t v)
{
    p[0] = 0xB8;
    memcpy(p + 1, &v, 4);
    p[5] = 0xC3;
    return 6;
}

static int call(void *code)
{
    return ((int (*)(void))(uintptr_t)code)();
}

typedef struct {
    int calls;
    bool agree;
} FlushLog;

static bool on_flush(void *ud)
{
    FlushLog *log = ud;
    log->calls++;
    return log->agree;
}

/* -- Tests ------------------------------------------------------------- */

static void test_write_then_run(void **state)
{
    (void)state;
    McArena *a = mc_new(64 << 10, NULL, NULL);
    assert_non_null(a);
    uint8_t *p = mc_begin(a, 64);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % MC_ALIGN, 0);

    char perms[5];
    assert_int_equal(scan_maps(p, perms), 0);          /* while writing */
    assert_string_equal(perms, "rw-p");
    size_t n = put_return(p, 42);

    void *code = mc_end(a, n);
    assert_ptr_equal(code, p);
    assert_int_equal(scan_maps(code, perms), 0);       /* after */
    assert_string_equal(perms, "r-xp");
    assert_int_equal(call(code), 42);
    assert_true(mc_contains(a, code));

    McStats st;
    mc_stats(a, &st);
    assert_int_equal(st.used, n);
    assert_int_equal(st.blocks, 1);
    assert_int_equal(st.flushes, 0);
    mc_free(a);
}

/* Blocks share pages: writing the second one must leave the first
** runnable afterwards, and no page is ever writable and executable. */
static void test_blocks_share_pages(void **state)
{
    (void)state;
    McArena *a = mc_new(64 << 10, NULL, NULL);
    assert_non_null(a);
    void *code[100];
    for (int i = 0; i < 100; i++) {
        uint8_t *p = mc_begin(a, 32);
        assert_non_null(p);
        assert_int_equal(scan_maps(NULL, NULL), 0);
        code[i] = mc_end(a, put_return(p, i * 7));
    }
    assert_int_equal(scan_maps(NULL, NULL), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(call(code[i]), i * 7);
    /* 100 blocks of 16-aligned 6 bytes fit in one page. */
    assert_true((uintptr_t)code[99] - (uintptr_t)code[0] < 4096);
    mc_free(a);
}

/* The arena sits within rel32 reach of the program's code, so stencils
** call C helpers directly. (If a kernel ever refuses every address near
** the binary the arena still works, through trampolines; this test is
** the place that notices.) */
static void test_near_the_binary(void **state)
{
    (void)state;
    McArena *a = mc_new(0, NULL, NULL);
    assert_non_null(a);
    McStats st;
    mc_stats(a, &st);
    assert_int_equal(st.budget, MC_DEFAULT_BUDGET);
    assert_true(st.near);
    uint8_t *p = mc_begin(a, 16);
    assert_non_null(p);
    int64_t d = (int64_t)((uintptr_t)p - (uintptr_t)&test_near_the_binary);
    assert_true(d > INT32_MIN && d < INT32_MAX);
    mc_end(a, put_return(p, 1));
    mc_free(a);
}

/* Full arena: the flush callback is asked, the arena starts over, the
** allocation succeeds, and the JIT goes on using it. */
static void test_budget_flush(void **state)
{
    (void)state;
    FlushLog log = {0, true};
    McArena *a = mc_new(8192, on_flush, &log);
    assert_non_null(a);
    uint8_t *first = NULL;
    for (int i = 0; i < 5; i++) {
        uint8_t *p = mc_begin(a, 3000);
        assert_non_null(p);
        if (i == 0)
            first = p;
        memset(p, 0xCC, 3000);
        put_return(p, i);
        void *code = mc_end(a, 3000);
        assert_int_equal(call(code), i);
        assert_int_equal(scan_maps(NULL, NULL), 0);
    }
    /* 3000-byte blocks: two fit in 8192, the third flushes, and so on. */
    assert_int_equal(log.calls, 2);
    McStats st;
    mc_stats(a, &st);
    assert_int_equal(st.flushes, 2);
    assert_int_equal(st.blocks, 1);
    assert_int_equal(st.total, 5 * 3000);
    /* After a flush, allocation starts at the beginning again. */
    uint8_t *p = mc_begin(a, 16);
    assert_true(p > first);
    mc_cancel(a);
    mc_flush(a);
    p = mc_begin(a, 16);
    assert_ptr_equal(p, first);
    assert_int_equal(call(mc_end(a, put_return(p, 99))), 99);
    mc_free(a);
}

/* A flush that is refused (a trace is running) fails the allocation and
** leaves the existing code alone. */
static void test_flush_refused(void **state)
{
    (void)state;
    FlushLog log = {0, false};
    McArena *a = mc_new(4096, on_flush, &log);
    assert_non_null(a);
    uint8_t *p = mc_begin(a, 4000);
    assert_non_null(p);
    void *code = mc_end(a, put_return(p, 5));
    assert_non_null(mc_begin(a, 1000));     /* fits after the 6 bytes used */
    mc_cancel(a);
    assert_null(mc_begin(a, 4090));         /* does not fit: refused */
    assert_int_equal(log.calls, 1);
    assert_int_equal(call(code), 5);
    McStats st;
    mc_stats(a, &st);
    assert_int_equal(st.refused, 1);
    assert_int_equal(st.flushes, 0);
    /* More than the whole budget never fits, whatever the callback says. */
    log.agree = true;
    assert_null(mc_begin(a, 8192));
    assert_int_equal(call(code), 5);
    mc_free(a);
}

/* A cancelled block leaves nothing behind: the next block starts at the
** same place, and earlier code on the same page still runs. */
static void test_cancel(void **state)
{
    (void)state;
    McArena *a = mc_new(16 << 10, NULL, NULL);
    assert_non_null(a);
    uint8_t *p = mc_begin(a, 8);
    void *code = mc_end(a, put_return(p, 3));
    uint8_t *q = mc_begin(a, 10000);
    assert_non_null(q);
    mc_cancel(a);
    char perms[5];
    assert_int_equal(scan_maps(code, perms), 0);
    assert_string_equal(perms, "r-xp");
    assert_int_equal(call(code), 3);
    uint8_t *r = mc_begin(a, 8);
    assert_ptr_equal(r, q);
    assert_int_equal(call(mc_end(a, put_return(r, 4))), 4);
    assert_int_equal(call(code), 3);
    mc_free(a);
}

/* Changing finished code (re-aiming a jump) keeps W^X. */
static void test_patch_finished_code(void **state)
{
    (void)state;
    McArena *a = mc_new(16 << 10, NULL, NULL);
    assert_non_null(a);
    uint8_t *p = mc_begin(a, 8);
    void *code = mc_end(a, put_return(p, 42));
    assert_int_equal(call(code), 42);
    int32_t v = 43;
    mc_patch(a, (uint8_t *)code + 1, &v, sizeof v);
    assert_int_equal(call(code), 43);
    char perms[5];
    assert_int_equal(scan_maps(code, perms), 0);
    assert_string_equal(perms, "r-xp");
    mc_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_then_run),
        cmocka_unit_test(test_blocks_share_pages),
        cmocka_unit_test(test_near_the_binary),
        cmocka_unit_test(test_budget_flush),
        cmocka_unit_test(test_flush_refused),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_patch_finished_code),
    };
    return cmocka_run_group_tests_name("mcode", tests, NULL, NULL);
}
