/* ffi_callback.c -- C function pointers that call Lox (ffi.callback).
**
** ffi.callback(fn, ret, [argtypes]) prepares a signature, allocates a
** libffi closure (ffi_closure_alloc gives a writable view and the
** executable address of the code) and binds it to ccb_handler with a
** CCallback as its user data. The Lox value returned is an ObjPointer:
** its address is the closure's code, it owns the CCallback (freed by its
** finalizer when the collector frees the pointer) and keeps `fn` alive.
** So a callback is valid exactly while the program holds a reference to
** that pointer value (or to a function ffi.cast made of it, which keeps
** it); C code that keeps it longer (a registered handler) needs the Lox
** program to keep it too.
**
** Errors. A runtime error raised while the callback runs (in the Lox
** function, or converting its result) unwinds with vm_error's longjmp
** straight through the C frames between the callback and the native that
** called C: libffi's trampoline and, say, qsort's own frames. That is
** fine on x86-64 glibc, whose qsort and libffi hold no locks and need no
** cleanup there (a merge-sort buffer qsort malloc'ed may leak), and it
** reports the error as the normal runtime error it is. C code that must
** not be unwound (holding a lock, say) must not call a failing callback.
*/
#include "stdlib/ffi_impl.h"
#include "stdlib/lib.h"
#include "vm/memory.h"

/* INVARIANT(callback-owned): a CCallback belongs to exactly one
** ObjPointer (owner->owned), whose `keep` is `fn`; it is freed only by
** that pointer's finalizer. Relied on by: ccb_handler (fn is alive while
** C can call the code), ccb_is_callback. */
typedef struct {
    VM *vm;
    Value fn;
    CSig *sig;
    ffi_closure *closure;
} CCallback;

/* -- Calling Lox from C ----------------------------------------------------- */

static void ccb_handler(ffi_cif *cif, void *ret, void **cargs, void *user)
{
    (void)cif;
    CCallback *cb = user;
    VM *vm = cb->vm;
    const CSig *sig = cb->sig;
    int n = sig->nargs;
    /* Converting an argument may allocate (a string copy, a pointer
    ** box): each converted one is rooted until the call has them all. */
    Value argv[LX_FFI_MAX_ARGS];
    for (int i = 0; i < n; i++) {
        argv[i] = ct_load(vm, sig->args[i], cargs[i]);
        vm_push_root(vm, argv[i]);
    }
    Value result = vm_call(vm, cb->fn, n, argv);
    vm_pop_root(vm, n);
    if (sig->ret == CT_VOID)
        return;
    if (!ct_store_ret(sig->ret, result, (CSlot *)ret))
        vm_error(vm, "ffi: callback must return %s.", ct_info[sig->ret].name);
}

/* -- Lifetime --------------------------------------------------------------- */

static void ccb_finalize(VM *vm, ObjPointer *p)
{
    CCallback *cb = p->owned;
    ffi_closure_free(cb->closure);
    csig_free(vm, cb->sig);
    lx_realloc(vm, cb, sizeof *cb, 0);
}

bool ccb_is_callback(const ObjPointer *p)
{
    return p->finalize == ccb_finalize;
}

static bool is_function(Value v)
{
    return is_obj_type(v, OBJ_CLOSURE) || is_obj_type(v, OBJ_NATIVE) ||
           is_obj_type(v, OBJ_BOUND);
}

Value ccb_new(VM *vm, Value fn, Value ret, const Value *argtypes)
{
    /* fn, ret and argtypes are the native's arguments, on the VM stack,
    ** so they survive the collections the allocations below may start. */
    if (!is_function(fn))
        vm_error(vm, "ffi.callback() expects a function.");
    CSig *sig = csig_new(vm, ret, argtypes, true);
    CCallback *cb = lx_realloc(vm, NULL, 0, sizeof *cb);
    void *code = NULL;
    ffi_closure *closure = ffi_closure_alloc(sizeof(ffi_closure), &code);
    if (closure == NULL) {
        lx_realloc(vm, cb, sizeof *cb, 0);
        csig_free(vm, sig);
        vm_error(vm, "ffi.callback: cannot allocate a closure.");
    }
    cb->vm = vm;
    cb->fn = fn;
    cb->sig = sig;
    cb->closure = closure;
    if (ffi_prep_closure_loc(closure, &sig->cif, ccb_handler, cb, code) != FFI_OK) {
        ffi_closure_free(closure);
        lx_realloc(vm, cb, sizeof *cb, 0);
        csig_free(vm, sig);
        vm_error(vm, "ffi.callback: cannot prepare the closure.");
    }
    ObjPointer *p = pointer_new(vm, code);
    p->owned = cb;
    p->finalize = ccb_finalize;
    p->keep = fn;
    return obj_val(p);
}
