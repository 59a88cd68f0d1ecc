/* perf.h -- --perf: tell Linux perf about the machine code of traces.
**
** Two channels, both written as a trace is installed:
**   /tmp/perf-PID.map   "START SIZE NAME" per trace (jit/trace.c writes
**                       it); `perf report` names samples with it directly.
**   /tmp/jit-PID.dump   a jitdump file (perf's
**                       tools/perf/Documentation/jitdump-specification.txt):
**                       a header, then per trace a DEBUG_INFO record (code
**                       address -> Lox source line) and a CODE_LOAD record
**                       holding a copy of the code bytes. `perf inject
**                       --jit` turns each CODE_LOAD into a small ELF file,
**                       so `perf annotate` can disassemble the trace.
** perf finds the dump through an mmap of it with PROT_EXEC, which
** `perf record` sees as an executable mapping; the mapping stays for the
** life of the process. Timestamps are CLOCK_MONOTONIC, the clock of
** `perf record -k 1` (-k mono).
**
** Failure to write either file is reported once on stderr and never
** affects the program.
*/
#ifndef LX_JIT_PERF_H
#define LX_JIT_PERF_H

#include <stddef.h>

#include "jit/trace.h"

/* The symbol of trace T, the same text as in the perf map:
** "lox-trace-N FILE:LINE" (LINE: the loop head's line). */
void perf_name(const JitState *J, const Trace *T, char *buf, size_t len);

/* Append T's DEBUG_INFO and CODE_LOAD records to /tmp/jit-PID.dump,
** creating and mapping the file first. */
void perf_jitdump(JitState *J, const Trace *T);

#endif
