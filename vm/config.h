/* config.h -- every compile-time switch of loxjit, in one place.
**
** Switches are plain macros, set on the compiler's command line
** (`make debug CFLAGS=-DLX_DEBUG_TRACE_EXEC=1`); each one defaults here and
** says in one sentence what it does. Runtime switches (--stress-gc,
** --debug-hot, -jv ...) are command-line options instead (cli/options.h);
** a compile-time switch exists only where checking a flag at run time
** would cost the release build something.
**
** Build modes (Makefile): release defines nothing; `make debug` and
** `make asan`, the builds tests and developers use, define LX_DEBUG.
*/
#ifndef LX_CONFIG_H
#define LX_CONFIG_H

#include <stdio.h>
#include <stdlib.h>

/* -- Debug and stress switches ---------------------------------------- */

/* LX_DEBUG: a checking build. Turns on LX_ASSERT and, by default,
** LX_DEBUG_VERIFY; set by `make debug` and `make asan`, never in release. */

/* LX_DEBUG_VERIFY: run the slow verifiers (a heap walk after each
** collection, IR and snapshot checks after every JIT pass) at the points
** their owners choose; on by default in LX_DEBUG builds. */
#ifndef LX_DEBUG_VERIFY
#ifdef LX_DEBUG
#define LX_DEBUG_VERIFY 1
#else
#define LX_DEBUG_VERIFY 0
#endif
#endif

/* LX_DEBUG_STRESS_GC: every VM starts with gc_stress set, so each
** allocation collects, as if every run had --stress-gc. */
#ifndef LX_DEBUG_STRESS_GC
#define LX_DEBUG_STRESS_GC 0
#endif

/* LX_DEBUG_TRACE_EXEC: the interpreter prints each instruction and the
** frame's registers to stderr before executing it. */
#ifndef LX_DEBUG_TRACE_EXEC
#define LX_DEBUG_TRACE_EXEC 0
#endif

/* LX_DEBUG_PRINT_CODE: the compiler disassembles every function it
** finishes to stderr (what --dump-bytecode does for one run). */
#ifndef LX_DEBUG_PRINT_CODE
#define LX_DEBUG_PRINT_CODE 0
#endif

/* -- Assertions ------------------------------------------------------- */

/* LX_ASSERT(cond, "message"): checks an invariant in LX_DEBUG builds and
** aborts with the file, line, condition and message when it fails. In
** release builds the condition is not evaluated (it stays inside sizeof
** so its variables still count as used), so it must have no side
** effects. Name the invariant in the message: "INVARIANT(stack-valid)". */
#ifdef LX_DEBUG
static inline _Noreturn void lx_assert_fail(const char *cond, const char *msg,
                                            const char *file, int line)
{
    fflush(stdout);
    fprintf(stderr, "%s:%d: assertion failed: %s (%s)\n", file, line, msg, cond);
    abort();
}
#define LX_ASSERT(cond, msg) \
    ((cond) ? (void)0 : lx_assert_fail(#cond, (msg), __FILE__, __LINE__))
#else
#define LX_ASSERT(cond, msg) ((void)sizeof((cond) ? 1 : 0))
#endif

#endif
