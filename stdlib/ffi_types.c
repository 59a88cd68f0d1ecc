/* ffi_types.c -- the ffi's C types: names, conversions, call signatures.
**
** Conversions are strict where a wrong value would silently change
** meaning: an integer type takes only an integral number that fits it
** (so 2^31 is not an int32 and 1.5 is not an int), bool takes only true
** and false, pointer only a pointer or nil. Numbers coming back from C
** go through lx_number, so an int64 beyond 2^53 becomes the nearest
** double, as LANGUAGE.md asks.
**
** Memory is read and written with memcpy, so ffi.read and ffi.write work
** at any offset, aligned or not.
*/
#include <math.h>
#include <string.h>

#include "stdlib/ffi_impl.h"
#include "stdlib/lib.h"
#include "vm/memory.h"

_Static_assert(sizeof(_Bool) == 1, "bool travels as libffi's uint8");
_Static_assert(sizeof(ffi_arg) == 8, "ct_load_ret assumes 64-bit ffi_arg");

const CTypeInfo ct_info[CT__COUNT] = {
#define LX_CT_INFO(name, spelling, kind, ctype) \
    [CT_##name] = { spelling, kind, kind == CK_VOID ? 0 : (uint8_t)sizeof(ctype) },
    LX_CTYPES(LX_CT_INFO)
#undef LX_CT_INFO
};

/* -- Names --------------------------------------------------------------- */

CType ct_parse(VM *vm, Value name, bool allow_void)
{
    if (!is_obj_type(name, OBJ_STRING))
        vm_error(vm, "ffi: a type must be a string such as \"int\".");
    const ObjString *s = AS_STRING(name);
    for (int t = 0; t < CT__COUNT; t++) {
        if (strlen(ct_info[t].name) == s->len && memcmp(ct_info[t].name, s->chars, s->len) == 0) {
            if (t == CT_VOID && !allow_void)
                vm_error(vm, "ffi: 'void' is only a return type.");
            return (CType)t;
        }
    }
    vm_error(vm, "ffi: unknown type '%s'.", s->chars);
}

ffi_type *ct_ffi_type(CType t)
{
    static ffi_type *const sints[9] = {
        [1] = &ffi_type_sint8, [2] = &ffi_type_sint16,
        [4] = &ffi_type_sint32, [8] = &ffi_type_sint64,
    };
    static ffi_type *const uints[9] = {
        [1] = &ffi_type_uint8, [2] = &ffi_type_uint16,
        [4] = &ffi_type_uint32, [8] = &ffi_type_uint64,
    };
    switch (ct_info[t].kind) {
    case CK_VOID:    return &ffi_type_void;
    case CK_BOOL:    return &ffi_type_uint8;
    case CK_SINT:    return sints[ct_info[t].size];
    case CK_UINT:    return uints[ct_info[t].size];
    case CK_FLOAT:   return &ffi_type_float;
    case CK_DOUBLE:  return &ffi_type_double;
    case CK_POINTER:
    case CK_STRING:  return &ffi_type_pointer;
    }
    return NULL;
}

/* -- Integers -------------------------------------------------------------- */

/* v as an integer that fits `size` bytes, signed or not. The bounds are
** powers of two, exact as doubles, and the upper one is exclusive, which
** is what makes 2^63 (itself a double) too big for int64. */
static bool int_fits(Value v, int size, bool is_signed, double *out)
{
    double d;
    if (!lib_integer(v, &d))
        return false;
    double lo = is_signed ? -ldexp(1.0, size * 8 - 1) : 0.0;
    double hi = ldexp(1.0, is_signed ? size * 8 - 1 : size * 8);
    if (d < lo || d >= hi)
        return false;
    *out = d + 0.0; /* -0 becomes 0 */
    return true;
}

static void store_sint(void *dst, int size, int64_t x)
{
    switch (size) {
    case 1: { int8_t y = (int8_t)x; memcpy(dst, &y, 1); break; }
    case 2: { int16_t y = (int16_t)x; memcpy(dst, &y, 2); break; }
    case 4: { int32_t y = (int32_t)x; memcpy(dst, &y, 4); break; }
    default: memcpy(dst, &x, 8); break;
    }
}

static void store_uint(void *dst, int size, uint64_t x)
{
    switch (size) {
    case 1: { uint8_t y = (uint8_t)x; memcpy(dst, &y, 1); break; }
    case 2: { uint16_t y = (uint16_t)x; memcpy(dst, &y, 2); break; }
    case 4: { uint32_t y = (uint32_t)x; memcpy(dst, &y, 4); break; }
    default: memcpy(dst, &x, 8); break;
    }
}

static int64_t load_sint(const void *src, int size)
{
    switch (size) {
    case 1: { int8_t y; memcpy(&y, src, 1); return y; }
    case 2: { int16_t y; memcpy(&y, src, 2); return y; }
    case 4: { int32_t y; memcpy(&y, src, 4); return y; }
    default: { int64_t y; memcpy(&y, src, 8); return y; }
    }
}

static uint64_t load_uint(const void *src, int size)
{
    switch (size) {
    case 1: { uint8_t y; memcpy(&y, src, 1); return y; }
    case 2: { uint16_t y; memcpy(&y, src, 2); return y; }
    case 4: { uint32_t y; memcpy(&y, src, 4); return y; }
    default: { uint64_t y; memcpy(&y, src, 8); return y; }
    }
}

/* -- Values <-> C bytes ----------------------------------------------------- */

bool ct_store(CType t, Value v, void *dst)
{
    const CTypeInfo *ti = &ct_info[t];
    double d;
    switch (ti->kind) {
    case CK_BOOL:
        if (!is_bool(v))
            return false;
        *(uint8_t *)dst = as_bool(v);
        return true;
    case CK_SINT:
        if (!int_fits(v, ti->size, true, &d))
            return false;
        store_sint(dst, ti->size, (int64_t)d);
        return true;
    case CK_UINT:
        if (!int_fits(v, ti->size, false, &d))
            return false;
        store_uint(dst, ti->size, (uint64_t)d);
        return true;
    case CK_FLOAT: {
        if (!is_number(v))
            return false;
        float f = (float)as_num(v);
        memcpy(dst, &f, sizeof f);
        return true;
    }
    case CK_DOUBLE:
        if (!is_number(v))
            return false;
        d = as_num(v);
        memcpy(dst, &d, sizeof d);
        return true;
    case CK_POINTER: {
        void *p;
        if (is_nil(v))
            p = NULL;
        else if (is_obj_type(v, OBJ_POINTER))
            p = AS_POINTER(v)->addr;
        else
            return false;
        memcpy(dst, &p, sizeof p);
        return true;
    }
    case CK_VOID:
    case CK_STRING:
        break;
    }
    return false;
}

Value ct_load(VM *vm, CType t, const void *src)
{
    const CTypeInfo *ti = &ct_info[t];
    switch (ti->kind) {
    case CK_BOOL:
        return bool_val(*(const uint8_t *)src != 0);
    case CK_SINT:
        return lx_number((double)load_sint(src, ti->size));
    case CK_UINT:
        return lx_number((double)load_uint(src, ti->size));
    case CK_FLOAT: {
        float f;
        memcpy(&f, src, sizeof f);
        return lx_number((double)f);
    }
    case CK_DOUBLE: {
        double d;
        memcpy(&d, src, sizeof d);
        return lx_number(d);
    }
    case CK_POINTER:
    case CK_STRING: {
        void *p;
        memcpy(&p, src, sizeof p);
        if (p == NULL)
            return NIL_VAL;
        if (ti->kind == CK_POINTER)
            return obj_val(pointer_new(vm, p));
        return obj_val(str_copy(vm, (const char *)p, strlen((const char *)p)));
    }
    case CK_VOID:
        break;
    }
    return NIL_VAL;
}

/* libffi returns an integral type narrower than ffi_arg in a whole
** ffi_arg (sign- or zero-extended), and wants a callback to do the same;
** wider types and floats sit in the slot as themselves. */
static bool widened(CType t)
{
    CKind k = ct_info[t].kind;
    return (k == CK_BOOL || k == CK_SINT || k == CK_UINT) && ct_info[t].size < sizeof(ffi_arg);
}

bool ct_store_ret(CType t, Value v, CSlot *dst)
{
    if (!widened(t))
        return ct_store(t, v, dst);
    CSlot narrow;
    if (!ct_store(t, v, &narrow))
        return false;
    if (ct_info[t].kind == CK_SINT)
        dst->arg = (ffi_arg)(ffi_sarg)load_sint(&narrow, ct_info[t].size);
    else
        dst->arg = (ffi_arg)load_uint(&narrow, ct_info[t].size);
    return true;
}

Value ct_load_ret(VM *vm, CType t, const CSlot *src)
{
    if (!widened(t))
        return ct_load(vm, t, src);
    /* Truncate the ffi_arg to the type's width: the low bytes hold the
    ** value whatever the host's byte order, once it is in a variable. */
    ffi_arg a = src->arg;
    switch (ct_info[t].kind) {
    case CK_BOOL:
        return bool_val((uint8_t)a != 0);
    case CK_SINT:
        switch (ct_info[t].size) {
        case 1: return lx_number((int8_t)a);
        case 2: return lx_number((int16_t)a);
        default: return lx_number((int32_t)a);
        }
    default:
        switch (ct_info[t].size) {
        case 1: return lx_number((uint8_t)a);
        case 2: return lx_number((uint16_t)a);
        default: return lx_number((uint32_t)a);
        }
    }
}

/* -- Signatures ------------------------------------------------------------ */

CSig *csig_new(VM *vm, Value ret, const Value *argtypes, bool callback)
{
    CType rt = ct_parse(vm, ret, true);
    if (callback && rt == CT_STRING)
        vm_error(vm, "ffi: a callback cannot return 'string'.");
    int n = 0, nfixed = -1;
    CType types[LX_FFI_MAX_ARGS];
    if (argtypes != NULL) {
        if (!is_obj_type(*argtypes, OBJ_LIST))
            vm_error(vm, "ffi: argument types must be a list.");
        const ObjList *list = AS_LIST(*argtypes);
        for (uint32_t i = 0; i < list->count; i++) {
            Value v = list->items[i];
            if (is_obj_type(v, OBJ_STRING) && AS_STRING(v)->len == 3 &&
                memcmp(AS_STRING(v)->chars, "...", 3) == 0) {
                if (nfixed >= 0 || callback)
                    vm_error(vm, "ffi: '...' may appear once, in a function's argument types.");
                nfixed = n;
                continue;
            }
            if (n == LX_FFI_MAX_ARGS)
                vm_error(vm, "ffi: too many arguments (at most %d).", LX_FFI_MAX_ARGS);
            types[n++] = ct_parse(vm, v, false);
        }
    }

    /* Every check comes before the allocation, so a bad declaration
    ** leaves nothing behind. */
    size_t size = sizeof(CSig) + sizeof(ffi_type *) * (size_t)n + sizeof(CType) * (size_t)n;
    CSig *sig = lx_realloc(vm, NULL, 0, size);
    sig->size = size;
    sig->ret = rt;
    sig->nargs = n;
    sig->atypes = (ffi_type **)(sig + 1);
    sig->args = (CType *)(sig->atypes + n);
    for (int i = 0; i < n; i++) {
        sig->args[i] = types[i];
        sig->atypes[i] = ct_ffi_type(types[i]);
    }
    ffi_status st;
    if (nfixed < 0)
        st = ffi_prep_cif(&sig->cif, FFI_DEFAULT_ABI, (unsigned)n, ct_ffi_type(rt), sig->atypes);
    else
        st = ffi_prep_cif_var(&sig->cif, FFI_DEFAULT_ABI, (unsigned)nfixed, (unsigned)n,
                              ct_ffi_type(rt), sig->atypes);
    if (st != FFI_OK) {
        csig_free(vm, sig);
        /* What libffi refuses that the checks above let through: a
        ** variadic argument of a type C would promote. */
        vm_error(vm, "ffi: a variadic argument cannot be bool, float or narrower than int.");
    }
    return sig;
}

void csig_free(VM *vm, CSig *sig)
{
    lx_realloc(vm, sig, sig->size, 0);
}
