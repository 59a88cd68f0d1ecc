/* ffi.c -- the `ffi` module: calling C from Lox (LANGUAGE.md section 5).
**
** Libraries. ffi.open(name) dlopens a library (nil: the running program)
** and returns a library value, an ObjModule whose members are the methods
** `fn` and `sym`. Libraries are cached by name in a map kept as the
** `open` native's data, so opening one twice gives the same value, and
** never closed: a function value may outlive every reference to its
** library.
**
** Function values. lib.fn and ffi.cast return an ObjNative running
** cfn_call, its arity the declared argument count (so the VM reports a
** wrong count with the usual message), its data an ObjPointer holding the
** C address and owning the prepared signature (CSig), which is built
** once, here, and freed when the function value is collected.
**
** Calls. Every argument is checked and converted into a CSlot before any
** allocation; `string` arguments are then copied, NUL-terminated, into
** one scratch string object rooted for the duration of the call (so a
** runtime error unwinding through a callback leaks nothing). While C
** runs, a callback may run Lox code that grows (moves) the VM stack:
** after ffi_call, `args` is never read again.
**
** Which native is running: a NativeFn is not told, but the callee slot
** args[-1] holds it for a plain call, and holds the module for a method
** call `lib.fn(...)`, whose member of the same name is the native
** (self_native). Modules are immutable from Lox, so that lookup is exact.
*/
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/ffi_impl.h"
#include "stdlib/lib.h"
#include "vm/memory.h"

/* -- Arguments ------------------------------------------------------------ */

static ObjNative *self_native(VM *vm, const Value *args, const char *name, NativeFn fn)
{
    Value callee = args[-1];
    if (is_obj_type(callee, OBJ_MODULE)) {
        /* The member name is interned already: str_intern only finds it. */
        ObjString *key = str_intern(vm, name, strlen(name));
        if (!tab_get(&AS_MODULE(callee)->members, key, &callee))
            callee = NIL_VAL;
    }
    if (!is_obj_type(callee, OBJ_NATIVE) || AS_NATIVE(callee)->fn != fn)
        vm_error(vm, "ffi: %s() called without its library.", name);
    return AS_NATIVE(callee);
}

/* A pointer argument of ffi.NAME(); nil (NULL) only when allow_nil. */
static void *pointer_arg(VM *vm, Value v, bool allow_nil, const char *fname)
{
    if (is_obj_type(v, OBJ_POINTER))
        return AS_POINTER(v)->addr;
    if (!(allow_nil && is_nil(v)))
        vm_error(vm, "ffi.%s() expects a pointer.", fname);
    return NULL;
}

/* An integral number in [lo, hi), else `ffi.NAME() expects WHAT.` */
static double integer_arg(VM *vm, Value v, double lo, double hi, const char *fname,
                          const char *what)
{
    double d;
    if (!lib_integer(v, &d) || d < lo || d >= hi)
        vm_error(vm, "ffi.%s() expects %s.", fname, what);
    return d + 0.0;
}

#define LX_TWO_63 9223372036854775808.0
#define LX_TWO_64 18446744073709551616.0

/* A C string from a Lox string, which must not hold a NUL byte (C would
** see a shorter name). */
static const char *name_arg(VM *vm, Value v, const char *what)
{
    if (!is_obj_type(v, OBJ_STRING) || memchr(AS_STRING(v)->chars, 0, AS_STRING(v)->len))
        vm_error(vm, "%s", what);
    return AS_STRING(v)->chars;
}

/* The pointer value for p (NULL is nil). */
static Value box_pointer(VM *vm, void *p)
{
    return p == NULL ? NIL_VAL : obj_val(pointer_new(vm, p));
}

/* -- Function values ------------------------------------------------------ */

static void csig_finalize(VM *vm, ObjPointer *p)
{
    csig_free(vm, (CSig *)p->owned);
}

static Value cfn_call(VM *vm, int argc, Value *args)
{
    (void)argc; /* == sig->nargs: the VM checked the arity */
    ObjNative *self = self_native(vm, args, "function", cfn_call);
    ObjPointer *owner = AS_POINTER(self->data);
    const CSig *sig = (const CSig *)owner->owned;
    int n = sig->nargs;
    CSlot slots[LX_FFI_MAX_ARGS];
    void *avalues[LX_FFI_MAX_ARGS];

    size_t text_bytes = 0;
    for (int i = 0; i < n; i++) {
        CType t = sig->args[i];
        avalues[i] = &slots[i];
        if (t == CT_STRING) {
            slots[i].p = NULL;
            if (is_obj_type(args[i], OBJ_STRING))
                text_bytes += AS_STRING(args[i])->len + 1;
            else if (!is_nil(args[i]))
                vm_error(vm, "ffi: argument %d expects string.", i + 1);
        } else if (!ct_store(t, args[i], &slots[i])) {
            vm_error(vm, "ffi: argument %d expects %s.", i + 1, ct_info[t].name);
        }
    }
    if (text_bytes > 0) {
        if (text_bytes > UINT32_MAX)
            vm_error(vm, "Out of memory.");
        /* An unfinished string is a plain byte buffer the GC can free. */
        ObjString *scratch = str_alloc(vm, text_bytes - 1);
        vm_push_root(vm, obj_val(scratch));
        char *at = scratch->chars;
        for (int i = 0; i < n; i++) {
            if (sig->args[i] == CT_STRING && !is_nil(args[i])) {
                const ObjString *s = AS_STRING(args[i]);
                memcpy(at, s->chars, s->len);
                at[s->len] = '\0';
                slots[i].p = at;
                at += s->len + 1;
            }
        }
    }

    CSlot result;
    result.u64 = 0;
    ffi_call((ffi_cif *)&sig->cif, FFI_FN(owner->addr), &result, avalues);
    if (text_bytes > 0)
        vm_pop_root(vm, 1);
    if (sig->ret == CT_VOID)
        return NIL_VAL;
    return ct_load_ret(vm, sig->ret, &result);
}

Value cfn_new(VM *vm, const char *name, void *fn, Value keep, Value ret,
              const Value *argtypes)
{
    CSig *sig = csig_new(vm, ret, argtypes, false);
    /* sig is not an object, so a collection here cannot touch it; if
    ** pointer_new ran out of memory it would leak, like any half-made C
    ** resource at that point. */
    ObjPointer *owner = pointer_new(vm, fn);
    owner->owned = sig;
    owner->finalize = csig_finalize;
    owner->keep = keep;
    vm_push_root(vm, obj_val(owner));
    ObjNative *native = native_new(vm, name, cfn_call, sig->nargs, sig->nargs);
    native->data = obj_val(owner);
    vm_pop_root(vm, 1);
    return obj_val(native);
}

/* -- Libraries ------------------------------------------------------------ */

static void *library_handle(VM *vm, const Value *args, const char *name, NativeFn fn)
{
    return AS_POINTER(self_native(vm, args, name, fn)->data)->addr;
}

static void *symbol(VM *vm, void *handle, const char *name)
{
    dlerror();
    void *sym = dlsym(handle, name);
    if (sym == NULL)
        vm_error(vm, "ffi: symbol '%s' not found.", name);
    return sym;
}

/* lib.fn(name, ret, [argtypes]) */
static Value lib_fn(VM *vm, int argc, Value *args)
{
    void *handle = library_handle(vm, args, "fn", lib_fn);
    const char *name = name_arg(vm, args[0], "fn() expects a symbol name.");
    void *sym = symbol(vm, handle, name);
    return cfn_new(vm, name, sym, NIL_VAL, args[1], argc > 2 ? &args[2] : NULL);
}

/* lib.sym(name): the symbol's address, for data or ffi.cast. */
static Value lib_sym(VM *vm, int argc, Value *args)
{
    (void)argc;
    void *handle = library_handle(vm, args, "sym", lib_sym);
    const char *name = name_arg(vm, args[0], "sym() expects a symbol name.");
    return obj_val(pointer_new(vm, symbol(vm, handle, name)));
}

static const LibFn library_fns[] = {
    { "fn", lib_fn, 2, 3, NULL },
    { "sym", lib_sym, 1, 1, NULL },
    { NULL, NULL, 0, 0, NULL },
};

static Value ffi_open(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjNative *self = self_native(vm, args, "open", ffi_open);
    Value key = args[0];
    const char *path = NULL;
    if (!is_nil(key))
        path = name_arg(vm, key, "ffi.open() expects a string or nil.");
    Value found;
    if (map_get(AS_MAP(self->data), key, &found))
        return found;

    void *handle = dlopen(path, RTLD_NOW);
    if (handle == NULL) {
        const char *why = dlerror();
        vm_error(vm, "ffi.open: cannot load '%s': %s.", path ? path : "nil",
                 why ? why : "unknown error");
    }
    ObjString *name = is_nil(key) ? str_copy(vm, "nil", 3) : AS_STRING(key);
    vm_push_root(vm, obj_val(name));
    ObjModule *lib = module_new(vm, name);
    vm_push_root(vm, obj_val(lib));
    ObjPointer *h = pointer_new(vm, handle);
    vm_push_root(vm, obj_val(h));
    for (const LibFn *f = library_fns; f->name != NULL; f++) {
        ObjNative *m = native_new(vm, f->name, f->fn, f->arity_min, f->arity_max);
        m->data = obj_val(h);
        lib_module_set(vm, lib, f->name, obj_val(m));
    }
    map_set(vm, AS_MAP(self->data), key, obj_val(lib));
    vm_pop_root(vm, 3);
    return obj_val(lib);
}

/* -- Pointers ------------------------------------------------------------- */

static Value ffi_address(VM *vm, int argc, Value *args)
{
    (void)argc;
    return lx_number((double)(uintptr_t)pointer_arg(vm, args[0], true, "address"));
}

static Value ffi_pointer(VM *vm, int argc, Value *args)
{
    (void)argc;
    double n = integer_arg(vm, args[0], 0, LX_TWO_64, "pointer", "a non-negative integer");
    return box_pointer(vm, (void *)(uintptr_t)(uint64_t)n);
}

static Value ffi_offset(VM *vm, int argc, Value *args)
{
    (void)argc;
    char *p = pointer_arg(vm, args[0], true, "offset");
    double n = integer_arg(vm, args[1], -LX_TWO_63, LX_TWO_63, "offset", "an integer offset");
    if (n == 0 && p != NULL)
        return args[0];
    return box_pointer(vm, (void *)((uintptr_t)p + (uintptr_t)(int64_t)n));
}

static Value ffi_sizeof(VM *vm, int argc, Value *args)
{
    (void)argc;
    return int_val(ct_info[ct_parse(vm, args[0], false)].size);
}

/* -- Memory --------------------------------------------------------------- */

static Value ffi_alloc(VM *vm, int argc, Value *args)
{
    (void)argc;
    double n = integer_arg(vm, args[0], 0, LX_TWO_63, "alloc", "a non-negative integer");
    /* Beyond x86-64's 47-bit user address space no request can succeed;
    ** refusing it here also spares sanitizer builds their abort on
    ** absurd sizes. */
    void *p = n < 140737488355328.0 ? calloc(n > 0 ? (size_t)n : 1, 1) : NULL;
    if (p == NULL)
        vm_error(vm, "ffi.alloc: cannot allocate %.0f bytes.", n);
    return obj_val(pointer_new(vm, p));
}

static Value ffi_free(VM *vm, int argc, Value *args)
{
    (void)argc;
    void *p = pointer_arg(vm, args[0], true, "free");
    if (p != NULL && ccb_is_callback(AS_POINTER(args[0])))
        vm_error(vm, "ffi.free() cannot free a callback.");
    free(p);
    return NIL_VAL;
}

/* The address p + offset of ffi.read and ffi.write. */
static char *place(VM *vm, const Value *args, const char *fname)
{
    char *p = pointer_arg(vm, args[0], false, fname);
    double off = integer_arg(vm, args[2], -LX_TWO_63, LX_TWO_63, fname, "an integer offset");
    return (char *)((uintptr_t)p + (uintptr_t)(int64_t)off);
}

static Value ffi_read(VM *vm, int argc, Value *args)
{
    (void)argc;
    CType t = ct_parse(vm, args[1], false);
    return ct_load(vm, t, place(vm, args, "read"));
}

static Value ffi_write(VM *vm, int argc, Value *args)
{
    (void)argc;
    CType t = ct_parse(vm, args[1], false);
    if (t == CT_STRING)
        vm_error(vm, "ffi.write() cannot write a string (it would not outlive the call).");
    char *at = place(vm, args, "write");
    if (!ct_store(t, args[3], at))
        vm_error(vm, "ffi.write() expects a value of type %s.", ct_info[t].name);
    return NIL_VAL;
}

static Value ffi_string(VM *vm, int argc, Value *args)
{
    const char *p = pointer_arg(vm, args[0], true, "string");
    if (p == NULL)
        return NIL_VAL;
    size_t len;
    if (argc > 1)
        len = (size_t)integer_arg(vm, args[1], 0, (double)UINT32_MAX, "string",
                                  "a non-negative integer length");
    else
        len = strlen(p);
    return obj_val(str_copy(vm, p, len));
}

/* -- Casts and callbacks ---------------------------------------------------- */

static Value ffi_cast(VM *vm, int argc, Value *args)
{
    void *p = pointer_arg(vm, args[0], false, "cast");
    return cfn_new(vm, "cast", p, args[0], args[1], argc > 2 ? &args[2] : NULL);
}

static Value ffi_callback(VM *vm, int argc, Value *args)
{
    return ccb_new(vm, args[0], args[1], argc > 2 ? &args[2] : NULL);
}

/* -- Registration ----------------------------------------------------------- */

static const LibFn ffi_fns[] = {
    { "open", ffi_open, 1, 1, NULL },
    { "address", ffi_address, 1, 1, NULL },
    { "pointer", ffi_pointer, 1, 1, NULL },
    { "offset", ffi_offset, 2, 2, NULL },
    { "sizeof", ffi_sizeof, 1, 1, NULL },
    { "alloc", ffi_alloc, 1, 1, NULL },
    { "free", ffi_free, 1, 1, NULL },
    { "read", ffi_read, 3, 3, NULL },
    { "write", ffi_write, 4, 4, NULL },
    { "string", ffi_string, 1, 2, NULL },
    { "cast", ffi_cast, 2, 3, NULL },
    { "callback", ffi_callback, 2, 3, NULL },
    { NULL, NULL, 0, 0, NULL },
};

void lib_ffi_open(VM *vm)
{
    ObjModule *m = lib_register_module(vm, "ffi", ffi_fns);
    Value open;
    /* The module is a global by now, so the collector keeps it. */
    tab_get(&m->members, str_intern(vm, "open", 4), &open);
    ObjMap *cache = map_new(vm);
    AS_NATIVE(open)->data = obj_val(cache);
}
