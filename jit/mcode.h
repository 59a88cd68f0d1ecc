/* mcode.h -- executable memory for traces: one arena, W^X, with a budget.
**
** The arena is one range of address space reserved up front (the budget,
** default MC_DEFAULT_BUDGET), placed within rel32 reach (+-2 GiB) of the
** loxjit binary's code when the kernel allows, so stencils call C helpers
** and the exit handler with plain `call rel32` (jit/patch.c goes through a
** trampoline for any target out of reach, so a far arena still works).
**
** Code is written into one block at a time, bump-allocated:
**
**     uint8_t *p = mc_begin(a, max_size);    pages now read-write
**     ... copy and patch stencils into p ...
**     void *code = mc_end(a, used);           pages now read-execute
**
** Pages are never writable and executable at the same moment: mc_begin
** makes the block's pages RW (not X), mc_end makes them RX (not W).
**
** When a block does not fit, the arena asks its flush callback to drop
** every trace (unhook them from the bytecode); if it agrees, the arena
** starts over empty and the allocation is retried; the JIT keeps running
** and recompiles what is still hot. If the callback refuses (a trace is
** running, so its code must stay) or there is none, mc_begin returns NULL
** and the caller abandons that trace.
*/
#ifndef LX_JIT_MCODE_H
#define LX_JIT_MCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_DEFAULT_BUDGET ((size_t)4 << 20)

/* Blocks start at this alignment. */
#define MC_ALIGN 16

typedef struct McArena McArena;

/* Returns true when every trace in the arena has been dropped, so its
** memory may be reused; false to refuse (the allocation then fails). */
typedef bool (*McFlushFn)(void *ud);

typedef struct {
    size_t budget;      /* bytes of address space the arena has */
    size_t used;        /* bytes allocated since the last flush */
    uint64_t total;     /* bytes ever allocated */
    uint32_t blocks;    /* blocks finished since the last flush */
    uint32_t flushes;   /* times the arena started over */
    uint32_t refused;   /* allocations that failed for lack of room */
    bool near;          /* within rel32 reach of the binary's code */
} McStats;

/* A new arena with `budget` bytes (rounded up to whole pages; 0 means
** MC_DEFAULT_BUDGET). NULL if the address space cannot be reserved. */
McArena *mc_new(size_t budget, McFlushFn flush, void *ud);
void mc_free(McArena *a);

/* Open a block of `size` writable bytes (aligned to MC_ALIGN), flushing
** if needed. NULL if it cannot be had. One block is open at a time.
** INVARIANT(mc-no-run-while-writing): no JIT code runs between mc_begin
** and mc_end: the block's first page may hold the end of the previous
** block, which is not executable meanwhile. The VM is single-threaded
** and the emitter calls nothing that could enter a trace. A trace may be
** on the C stack (it called a helper that ran the interpreter that
** compiled this block): its page is RX again before anything returns
** into it. Relied on by: mc_begin, mc_patch. */
uint8_t *mc_begin(McArena *a, size_t size);

/* Close the open block, keeping its first `used` bytes (used <= size)
** and making them executable. Returns the block's start. */
void *mc_end(McArena *a, size_t used);

/* Close the open block, keeping nothing. */
void mc_cancel(McArena *a);

/* Overwrite n bytes of finished code at dst (re-aiming an exit's jump
** at a side trace, say): the pages go RW for the copy and back to RX,
** under INVARIANT(mc-no-run-while-writing). */
void mc_patch(McArena *a, void *dst, const void *src, size_t n);

/* Drop everything now, without asking the callback: the caller has
** already dropped its traces. */
void mc_flush(McArena *a);

bool mc_contains(const McArena *a, const void *p);
void mc_stats(const McArena *a, McStats *out);

#endif
