/* verify.h -- the JIT's safety check at every trace exit (-O jitcheck=1).
**
** With the jitcheck parameter set, every exit of a trace (exit_handler)
** is checked before its snapshot is written back, and every native call
** from one (exit_call_native) once it was: that the snapshot is well formed and names
** only slots of the frames the trace owns, that every value it would
** write (and every other slot of those frames) is a valid Value whose
** object, if any, is alive, and that the pc it resumes at lies inside the
** code of the function it resumes in. A fault prints what is wrong on
** stderr and aborts: the trace has read or written outside what it owns,
** or its exit would hand the interpreter a state it could never have had.
*/
#ifndef LX_JIT_VERIFY_H
#define LX_JIT_VERIFY_H

#include <stddef.h>

#include "jit/trace.h"

/* Check exit n of T about to be restored into the frame at base. Returns
** NULL when all is well, else a description of the first fault, written
** into buf. */
const char *jit_verify_snapshot(const Trace *T, int n, const JitCtx *ctx, const Value *base,
                                char *buf, size_t len);

/* The same after exit_call_native's partial write-back (snap_restore_call)
** pushed the inlined frames: those must be the snapshot's, and every slot
** of the frames must hold a valid Value in memory, since the GC sees them
** during the call (the snapshot's values the write-back skipped included). */
const char *jit_verify_restored(const Trace *T, int n, const JitCtx *ctx, const Value *base,
                                char *buf, size_t len);

/* The hooks: exit.c calls jit_verify_exit before snap_restore, ncall.c
** jit_verify_call after snap_restore_call. On a fault they print it (with
** the trace and its loop's line) and abort. */
void jit_verify_exit(const Trace *T, int n, const JitCtx *ctx, const Value *base);
void jit_verify_call(const Trace *T, int n, const JitCtx *ctx, const Value *base);

#endif
