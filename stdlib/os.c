/* os.c -- the `os` module (LANGUAGE.md section 5): the script's arguments,
** the environment, the working directory, leaving the process.
**
** os.args is the list vm->args: this file creates it empty when the VM
** opens its library, and the CLI fills it with the script's arguments
** (vm->argc/argv, without the script's own path) before the script runs.
** It is an ordinary list, so a script may change it.
**
** Choices the language page leaves open:
**   - os.exit() without an argument exits with 0; the code must be an
**     integer from 0 to 255, as for exit(). stdout is flushed first.
**   - os.env(name) of a name that cannot exist (empty, holding '=' or a
**     NUL byte) is nil, like any unset variable.
**   - os.platform names the system loxjit was built for: "linux" on
**     Linux (the only supported one), "macos" or "unknown" elsewhere.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdlib/lib.h"

#if defined(__linux__)
#define LX_PLATFORM "linux"
#elif defined(__APPLE__)
#define LX_PLATFORM "macos"
#else
#define LX_PLATFORM "unknown"
#endif

/* -- Functions --------------------------------------------------------- */

static Value os_env(VM *vm, int argc, Value *args)
{
    (void)argc;
    if (!is_obj_type(args[0], OBJ_STRING))
        vm_error(vm, "os.env() expects a string.");
    ObjString *name = AS_STRING(args[0]);
    if (strlen(name->chars) != name->len)
        return NIL_VAL;
    const char *v = getenv(name->chars);
    if (v == NULL)
        return NIL_VAL;
    return obj_val(str_copy(vm, v, strlen(v)));
}

static Value os_exit(VM *vm, int argc, Value *args)
{
    double code = 0;
    if (argc > 0 && (!lib_integer(args[0], &code) || code < 0 || code > 255))
        vm_error(vm, "os.exit() expects an integer from 0 to 255.");
    fflush(stdout);
    exit((int)code);
}

static Value os_cwd(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    /* glibc sizes the buffer itself when given NULL. */
    char *dir = getcwd(NULL, 0);
    if (dir == NULL)
        vm_error(vm, "os.cwd: cannot get the current directory: %s.", strerror(errno));
    ObjString *s = str_copy(vm, dir, strlen(dir));
    free(dir);
    return obj_val(s);
}

/* -- Registration ------------------------------------------------------ */

static const LibFn os_fns[] = {
    {"env",  os_env,  1, 1, NULL},
    {"exit", os_exit, 0, 1, NULL},
    {"cwd",  os_cwd,  0, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_os_open(VM *vm)
{
    ObjModule *m = lib_register_module(vm, "os", os_fns);
    vm_push_root(vm, obj_val(m));

    /* vm->args is a root (vm/memory.h), so the list is safe once set. */
    ObjList *args = list_new(vm, 0);
    vm->args = obj_val(args);
    for (int i = 0; i < vm->argc; i++) {
        Value s = obj_val(str_copy(vm, vm->argv[i], strlen(vm->argv[i])));
        vm_push_root(vm, s);
        list_push(vm, args, s);
        vm_pop_root(vm, 1);
    }
    lib_module_set(vm, m, "args", vm->args);

    ObjString *platform = str_copy(vm, LX_PLATFORM, strlen(LX_PLATFORM));
    lib_module_set(vm, m, "platform", obj_val(platform));
    vm_pop_root(vm, 1);
}
