/* mcode.c -- the machine-code arena (see mcode.h for the contract). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/mcode.h"
#include "vm/config.h"

/* rel32 reaches +-2 GiB. The arena is placed so that every byte of it is
** within RANGE of every byte of the binary's code. */
#define RANGE ((uintptr_t)1 << 31)
/* Distance between the places tried near the binary. */
#define STEP  ((uintptr_t)64 << 20)

/* INVARIANT(mc-layout): base <= base + cursor <= base + budget; bytes
** [0, cursor) belong to finished blocks (RX), an open block is
** [open, open + open_size) (RW), and everything past the last page in use
** is PROT_NONE. Relied on by: mc_begin (what may be reprotected),
** mc_contains. */
struct McArena {
    uint8_t *base;
    size_t budget;          /* a multiple of the page size */
    size_t cursor;          /* end of the last finished block */
    size_t open;            /* start of the open block */
    size_t open_size;       /* its size; 0 when no block is open */
    size_t page;
    McFlushFn flush;
    void *ud;
    McStats stats;
};

/* -- Placement --------------------------------------------------------- */

/* The main program's code, from the linker-defined symbols (weak, so a
** linker without them leaves NULL and the arena's own code stands in). */
extern char __executable_start[] __attribute__((weak));
extern char etext[] __attribute__((weak));

static void text_range(uintptr_t *lo, uintptr_t *hi)
{
    uintptr_t start = (uintptr_t)__executable_start, end = (uintptr_t)etext;
    if (start != 0 && end > start) {
        *lo = start;
        *hi = end;
    } else {
        *lo = *hi = (uintptr_t)&mc_new;
    }
}

static bool in_reach(uintptr_t base, size_t size, uintptr_t lo, uintptr_t hi)
{
    return base + size <= lo + RANGE && base + RANGE >= hi;
}

static void *reserve_at(uintptr_t hint, size_t size)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
#ifdef MAP_FIXED_NOREPLACE
    if (hint != 0)
        flags |= MAP_FIXED_NOREPLACE;
#endif
    void *p = mmap((void *)hint, size, PROT_NONE, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Reserve `size` bytes, near the binary's code when possible: try places
** just below it and just above it, stepping outwards (the heap grows up
** from right after the binary, so below is tried first). */
static uint8_t *reserve(size_t size, size_t page, bool *near)
{
    uintptr_t lo, hi;
    text_range(&lo, &hi);
    if (size + (hi - lo) + STEP < RANGE) {
        for (uintptr_t d = STEP; d + size + (hi - lo) < RANGE; d += STEP) {
            uintptr_t cand[2] = {
                lo > d + size ? (lo - d - size) & ~(page - 1) : 0,
                (hi + d + page - 1) & ~(page - 1),
            };
            for (int i = 0; i < 2; i++) {
                if (cand[i] == 0 || !in_reach(cand[i], size, lo, hi))
                    continue;
                uint8_t *p = reserve_at(cand[i], size);
                if (p != NULL && in_reach((uintptr_t)p, size, lo, hi)) {
                    *near = true;
                    return p;
                }
                if (p != NULL)
                    munmap(p, size);
            }
        }
    }
    *near = false;
    return reserve_at(0, size);
}

/* -- Protection -------------------------------------------------------- */

static void protect(McArena *a, size_t from, size_t to, int prot)
{
    size_t lo = from & ~(a->page - 1);
    size_t hi = (to + a->page - 1) & ~(a->page - 1);
    if (hi > a->budget)
        hi = a->budget;
    if (lo >= hi)
        return;
    if (mprotect(a->base + lo, hi - lo, prot) != 0) {
        /* Only ENOMEM (out of kernel memory for the mapping) can get
        ** here; there is no way to run or write code without it. */
        perror("loxjit: mprotect of JIT code");
        abort();
    }
}

/* -- The arena --------------------------------------------------------- */

McArena *mc_new(size_t budget, McFlushFn flush, void *ud)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t page = ps > 0 ? (size_t)ps : 4096;
    if (budget == 0)
        budget = MC_DEFAULT_BUDGET;
    budget = (budget + page - 1) & ~(page - 1);
    McArena *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    bool near;
    a->base = reserve(budget, page, &near);
    if (a->base == NULL) {
        free(a);
        return NULL;
    }
    a->budget = budget;
    a->page = page;
    a->flush = flush;
    a->ud = ud;
    a->stats.budget = budget;
    a->stats.near = near;
    return a;
}

void mc_free(McArena *a)
{
    if (a == NULL)
        return;
    munmap(a->base, a->budget);
    free(a);
}

static void reset(McArena *a)
{
    if (a->cursor > 0) {
        size_t hi = (a->cursor + a->page - 1) & ~(a->page - 1);
        /* Give the pages back; they read as zero if used again. */
        madvise(a->base, hi, MADV_DONTNEED);
        protect(a, 0, hi, PROT_NONE);
    }
    a->cursor = 0;
    a->stats.used = 0;
    a->stats.blocks = 0;
    a->stats.flushes++;
}

uint8_t *mc_begin(McArena *a, size_t size)
{
    LX_ASSERT(a->open_size == 0, "INVARIANT(mc-layout): one open block at a time");
    if (size == 0)
        size = 1;
    size_t at = (a->cursor + MC_ALIGN - 1) & ~(size_t)(MC_ALIGN - 1);
    if (at > a->budget || size > a->budget - at) {
        if (size > a->budget || a->flush == NULL || !a->flush(a->ud)) {
            a->stats.refused++;
            return NULL;
        }
        reset(a);
        at = 0;
    }
    protect(a, at, at + size, PROT_READ | PROT_WRITE);
    a->open = at;
    a->open_size = size;
    return a->base + at;
}

void *mc_end(McArena *a, size_t used)
{
    LX_ASSERT(a->open_size > 0 && used <= a->open_size, "mc_end closes the open block");
    uint8_t *start = a->base + a->open;
    size_t end = a->open + used;
    /* Pages past the kept bytes go back to PROT_NONE first, so that the
    ** RX range below never includes a page still being written. */
    size_t keep_hi = (end + a->page - 1) & ~(a->page - 1);
    if (keep_hi < a->open + a->open_size)
        protect(a, keep_hi, a->open + a->open_size, PROT_NONE);
    __builtin___clear_cache((char *)start, (char *)start + used);
    protect(a, a->open, end > a->open ? end : a->open + 1, PROT_READ | PROT_EXEC);
    a->cursor = end;
    a->open_size = 0;
    a->stats.used = end;
    a->stats.total += used;
    a->stats.blocks++;
    return start;
}

void mc_cancel(McArena *a)
{
    LX_ASSERT(a->open_size > 0, "mc_cancel closes the open block");
    /* The page holding the cursor may also hold finished code: it goes
    ** back to RX, the rest of the block to PROT_NONE. */
    size_t first_free = (a->cursor + a->page - 1) & ~(a->page - 1);
    if (a->cursor > 0 && a->open < first_free)
        protect(a, a->open, a->open + 1, PROT_READ | PROT_EXEC);
    if (first_free < a->open + a->open_size)
        protect(a, first_free, a->open + a->open_size, PROT_NONE);
    a->open_size = 0;
}

void mc_patch(McArena *a, void *dst, const void *src, size_t n)
{
    size_t at = (size_t)((uint8_t *)dst - a->base);
    LX_ASSERT(mc_contains(a, dst) && n <= a->cursor - at, "mc_patch: finished code only");
    LX_ASSERT(a->open_size == 0, "mc_patch: no block open");
    protect(a, at, at + n, PROT_READ | PROT_WRITE);
    memcpy(dst, src, n);
    __builtin___clear_cache((char *)dst, (char *)dst + n);
    protect(a, at, at + n, PROT_READ | PROT_EXEC);
}

void mc_flush(McArena *a)
{
    LX_ASSERT(a->open_size == 0, "no flush while a block is open");
    reset(a);
}

bool mc_contains(const McArena *a, const void *p)
{
    uintptr_t x = (uintptr_t)p, b = (uintptr_t)a->base;
    return x >= b && x < b + a->cursor;
}

void mc_stats(const McArena *a, McStats *out)
{
    *out = a->stats;
}
