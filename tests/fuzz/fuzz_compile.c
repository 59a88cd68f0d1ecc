/* fuzz_compile.c -- libFuzzer target: any bytes through the front end.
**
** Every input is compiled twice, as a script with plain diagnostics and
** as a REPL line with the source-line-and-caret diagnostics of a terminal,
** so both printers see it. Nothing runs. Whatever the bytes, lx_compile
** must return (a function or NULL) without a crash, a sanitizer report or
** a leak of GC roots.
*/
#include <stdint.h>
#include <stdlib.h>

#include "lang/compile.h"
#include "tests/fuzz/fuzz_vm.h"
#include "vm/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A VM is reused for this many inputs (making one costs more than most
** compilations); compiling leaves only garbage and global slots behind. */
#define FZ_VM_REUSE 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static VM *vm;
    static int uses;
    fz_quiet();
    if (vm == NULL || ++uses == FZ_VM_REUSE) {
        vm_free(vm);
        vm = fz_vm_new(FZ_JOFF);
        uses = 0;
    }
    vm->stderr_tty = false;
    int roots = vm->nroots;
    const char *src = (const char *)data;

    (void)lx_compile(vm, src, size, "<fuzz>", COMPILE_SCRIPT, NULL);
    if (vm->nroots != roots)
        abort();    /* the compiler left a GC root pushed */

    vm->stderr_tty = true;
    bool incomplete = false;
    (void)lx_compile(vm, src, size, "<repl>", COMPILE_REPL, &incomplete);
    if (vm->nroots != roots)
        abort();
    return 0;
}
