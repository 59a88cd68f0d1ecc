/* jit.c -- the `jit` module (LANGUAGE.md section 5): switching the JIT and
** tuning it from Lox.
**
** on/off/status track vm->jit_opts.on (the CLI's -jon/-joff start it;
** off also drops every trace), flush() drops every trace, stats() reads
** the JIT's counters (jit/jit.h, LX_JIT_STATS), param(name, value) checks
** the name and range against the one parameter table (vm/params.h,
** LX_PARAMS: the same names as `-O name=value`) and stores the value in
** vm->jit_opts.param.
**
** hotloop is also the interpreter's own knob: it is the start value of
** every loop's hot counter (vm->hotloop), so setting it takes effect the
** next time a counter is re-armed.
**
** Choices the language page leaves open:
**   - jit.param(name) with no value returns the parameter's current value.
**   - An unknown name is `jit.param: unknown parameter 'NAME'.`; a value
**     that is not an integer within the entry's bounds is
**     `jit.param: 'NAME' takes an integer from MIN to MAX.` (the texts of
**     the command line's -O, in the module-failure form of io).
*/
#include <string.h>

#include "jit/jit.h"
#include "stdlib/lib.h"

/* -- Switching --------------------------------------------------------- */

static Value jitlib_on(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    jit_set_on(vm, true);
    return NIL_VAL;
}

static Value jitlib_off(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    jit_set_on(vm, false);
    return NIL_VAL;
}

static Value jitlib_status(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    return bool_val(vm->jit_opts.on);
}

static Value jitlib_flush(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    jit_flush(vm);
    return NIL_VAL;
}

/* -- Statistics -------------------------------------------------------- */

static Value jitlib_stats(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    ObjMap *m = map_new(vm);
    vm_push_root(vm, obj_val(m));
    JitStats st;
    jit_stats(vm, &st);
#define LX_JIT_STAT_PUT(name) lib_map_put(vm, m, #name, lx_number(st.name));
    LX_JIT_STATS(LX_JIT_STAT_PUT)
#undef LX_JIT_STAT_PUT
    vm_pop_root(vm, 1);
    return obj_val(m);
}

/* -- Parameters -------------------------------------------------------- */

static Value jitlib_param(VM *vm, int argc, Value *args)
{
    if (!is_obj_type(args[0], OBJ_STRING))
        vm_error(vm, "jit.param() expects a string and an integer.");
    ObjString *name = AS_STRING(args[0]);
    int id = param_find(name->chars, name->len);
    if (id < 0)
        vm_error(vm, "jit.param: unknown parameter '%s'.", name->chars);
    if (argc < 2)
        return int_val(vm->jit_opts.param[id]);
    const ParamInfo *p = &param_info[id];
    double v;
    if (!lib_integer(args[1], &v) || v < p->min || v > p->max)
        vm_error(vm, "jit.param: '%s' takes an integer from %d to %d.", p->name, (int)p->min,
                 (int)p->max);
    vm->jit_opts.param[id] = (int32_t)v;
    if (id == PARAM_hotloop)
        vm->hotloop = (uint16_t)v;
    return NIL_VAL;
}

/* -- Registration ------------------------------------------------------ */

static const LibFn jit_fns[] = {
    {"on",     jitlib_on,     0, 0, NULL},
    {"off",    jitlib_off,    0, 0, NULL},
    {"status", jitlib_status, 0, 0, NULL},
    {"flush",  jitlib_flush,  0, 0, NULL},
    {"stats",  jitlib_stats,  0, 0, NULL},
    {"param",  jitlib_param,  1, 2, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_jit_open(VM *vm)
{
    /* The defaults until the CLI copies in what its command line said. */
    param_defaults(&vm->jit_opts);
    lib_register_module(vm, "jit", jit_fns);
}
