/* fuzz_vm.h -- what the libFuzzer targets share: a VM fit for running
** arbitrary programs inside the fuzzer's own process.
**
** A fuzz input may be any Lox program, so the VM it runs in loses what
** could harm the host or end the process (LANGUAGE.md section 5): `ffi`
** (crashes by design), `io` and `os` (files, environment, exit), `input`
** and `exit`, `time` (sleep), and `jit.param` (it could lift the memory
** cap). A program that names one of them gets `Undefined variable`, a
** runtime error like any other. So that two runs of one program print the
** same thing whatever the JIT does (fuzz_run compares them), what differs
** between runs goes too: `clock`, `gc.stats`, `jit.status`, `jit.stats`;
** math.random starts from a fixed state.
**
** Output: the VM's stdout and stderr go to /dev/null (the fuzzer's own
** reports and the sanitizers' keep the real stderr), unless the
** environment sets LX_FUZZ_VERBOSE=1, which is how one reproduces a
** finding: `build/fuzz/fuzz_run crash-XXXX` with it set shows what the
** program printed.
*/
#ifndef LX_FUZZ_VM_H
#define LX_FUZZ_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"

typedef enum {
    FZ_JOFF,        /* the interpreter alone, as with -joff */
    FZ_JSTRESS,     /* the JIT records every loop at once, as with -jstress */
    FZ_JON          /* the JIT with its defaults, as with no -j option */
} FzMode;

/* Point the VM's stdout and stderr at /dev/null (once; see above). */
void fz_quiet(void);

/* A fresh VM in the given mode, with the harmful globals removed. */
VM *fz_vm_new(FzMode mode);

/* False for inputs the run target must not execute: `import` reads
** files, and a compile error in an imported file ends the process. */
bool fz_runnable(const uint8_t *data, size_t size);

#endif
