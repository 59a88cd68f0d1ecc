/* fuzz_vm.c -- the fuzz targets' VM: quiet, sandboxed, in a JIT mode
** (see fuzz_vm.h). */
#include "tests/fuzz/fuzz_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/object.h"
#include "vm/params.h"
#include "vm/table.h"

void fz_quiet(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    const char *v = getenv("LX_FUZZ_VERBOSE");
    if (v != NULL && strcmp(v, "0") != 0)
        return;
    /* Reassigning the streams, not the descriptors: libFuzzer and the
    ** sanitizers write to descriptor 2 and must still be heard. */
    FILE *null_out = fopen("/dev/null", "w");
    if (null_out == NULL)
        return;
    stdout = null_out;
    stderr = null_out;
}

/* Make global `name` undefined: reading it is `Undefined variable`. */
static void undefine(VM *vm, const char *name)
{
    ObjString *s = str_intern(vm, name, strlen(name));
    vm->globals[vm_global_slot(vm, s)] = UNDEF_VAL;
}

/* Drop member `name` of the module in global `module`, if both exist. */
static void drop_member(VM *vm, const char *module, const char *name)
{
    ObjString *ms = str_intern(vm, module, strlen(module));
    Value m = vm->globals[vm_global_slot(vm, ms)];
    if (!is_obj_type(m, OBJ_MODULE))
        return;
    ObjString *ns = str_intern(vm, name, strlen(name));
    tab_delete(&AS_MODULE(m)->members, ns);
}

VM *fz_vm_new(FzMode mode)
{
    static const char *const harmful[] = {"ffi", "io", "os", "input", "exit", "time", "clock"};
    VM *vm = vm_new();
    for (size_t i = 0; i < sizeof harmful / sizeof harmful[0]; i++)
        undefine(vm, harmful[i]);
    drop_member(vm, "jit", "param");
    drop_member(vm, "jit", "status");
    drop_member(vm, "jit", "stats");
    drop_member(vm, "gc", "stats");
    for (int i = 0; i < 4; i++)     /* math.random: the same in every run */
        vm->rng[i] = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
    param_defaults(&vm->jit_opts);
    vm->script_path = "<fuzz>";
    if (mode == FZ_JOFF) {
        vm->jit_opts.on = false;
    } else if (mode == FZ_JON) {
        vm->hotloop = (uint16_t)vm->jit_opts.param[PARAM_hotloop];
    } else {
        vm->jit_opts.stress = true;   /* as cli/main.c does for -jstress */
        vm->hotloop = 1;
    }
    return vm;
}

bool fz_runnable(const uint8_t *data, size_t size)
{
    static const char kw[] = "import";
    if (size < sizeof kw - 1)
        return true;
    for (size_t i = 0; i + sizeof kw - 1 <= size; i++)
        if (data[i] == 'i' && memcmp(data + i, kw, sizeof kw - 1) == 0)
            return false;
    return true;
}
