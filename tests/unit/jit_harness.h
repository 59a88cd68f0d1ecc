/* jit_harness.h -- what the JIT's unit tests share: a VM with the JIT's
** default parameters (or -jstress), and running a program with its
** output thrown away. Include after cmocka.h. */
#ifndef LX_TEST_JIT_HARNESS_H
#define LX_TEST_JIT_HARNESS_H

#include <stdio.h>
#include <string.h>

#include "vm/vm.h"

static inline VM *jit_vm(bool stress)
{
    VM *vm = vm_new();
    assert_non_null(vm);
    param_defaults(&vm->jit_opts);
    vm->jit_opts.stress = stress;
    vm->hotloop = stress ? 1 : (uint16_t)vm->jit_opts.param[PARAM_hotloop];
    return vm;
}

/* Run src with its output and error messages thrown away; its result. */
static inline LxResult run_quiet(VM *vm, const char *src)
{
    FILE *out = stdout, *err = stderr;
    stdout = fopen("/dev/null", "w");
    stderr = fopen("/dev/null", "w");
    assert_non_null(stdout);
    assert_non_null(stderr);
    LxResult r = vm_interpret(vm, src, strlen(src), "<test>");
    fclose(stdout);
    fclose(stderr);
    stdout = out;
    stderr = err;
    return r;
}

/* Run src to the end; it must succeed. */
static inline void run(VM *vm, const char *src)
{
    assert_int_equal(run_quiet(vm, src), LX_OK);
}

#endif
