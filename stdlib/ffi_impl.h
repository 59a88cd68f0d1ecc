/* ffi_impl.h -- what the parts of the `ffi` module share (private).
**
** The ffi is three files: ffi_types.c knows the C types (names, sizes,
** conversions between Lox values and C bytes) and builds call signatures;
** ffi.c is the module (open, fn, cast, memory, pointers) and the native
** that calls a C function; ffi_callback.c makes C function pointers that
** call Lox. Names here use the prefixes ct_ (C types), csig_ (signatures),
** cfn_ (function values) and ccb_ (callbacks): libffi owns ffi_*.
**
** Resources owned by Lox values hang off an ObjPointer with a finalizer
** (vm/object.h): a function value is an ObjNative whose `data` is such a
** pointer owning its CSig; a callback is such a pointer owning its libffi
** closure. So the collector frees them when the program drops them.
*/
#ifndef LX_FFI_IMPL_H
#define LX_FFI_IMPL_H

#include <ffi.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm/vm.h"

/* -- C types ------------------------------------------------------------ */

/* How a type converts; the size says how many bytes (ct_info). */
typedef enum {
    CK_VOID,     /* return type only */
    CK_BOOL,     /* C _Bool <-> true/false */
    CK_SINT,     /* signed integer <-> integral number in range */
    CK_UINT,     /* unsigned integer <-> integral number in range */
    CK_FLOAT,    /* float <-> number (rounded to float) */
    CK_DOUBLE,   /* double <-> number */
    CK_POINTER,  /* void * <-> pointer value, NULL <-> nil */
    CK_STRING,   /* char * <-> string (copied both ways), NULL <-> nil */
} CKind;

/* Every type a declaration may name: enum name, Lox spelling, kind, C
** type. The libffi type follows from kind and size (ct_ffi_type), which
** keeps `long`, `size_t` and friends right on any LP64 or LLP64 ABI. */
#define LX_CTYPES(X)                                       \
    X(VOID,    "void",    CK_VOID,    char)                \
    X(BOOL,    "bool",    CK_BOOL,    _Bool)               \
    X(INT8,    "int8",    CK_SINT,    int8_t)              \
    X(UINT8,   "uint8",   CK_UINT,    uint8_t)             \
    X(INT16,   "int16",   CK_SINT,    int16_t)             \
    X(UINT16,  "uint16",  CK_UINT,    uint16_t)            \
    X(INT32,   "int32",   CK_SINT,    int32_t)             \
    X(UINT32,  "uint32",  CK_UINT,    uint32_t)            \
    X(INT64,   "int64",   CK_SINT,    int64_t)             \
    X(UINT64,  "uint64",  CK_UINT,    uint64_t)            \
    X(INT,     "int",     CK_SINT,    int)                 \
    X(UINT,    "uint",    CK_UINT,    unsigned int)        \
    X(LONG,    "long",    CK_SINT,    long)                \
    X(ULONG,   "ulong",   CK_UINT,    unsigned long)       \
    X(SIZE_T,  "size_t",  CK_UINT,    size_t)              \
    X(FLOAT,   "float",   CK_FLOAT,   float)               \
    X(DOUBLE,  "double",  CK_DOUBLE,  double)              \
    X(POINTER, "pointer", CK_POINTER, void *)              \
    X(STRING,  "string",  CK_STRING,  char *)

typedef enum {
#define LX_CT_ENUM(name, spelling, kind, ctype) CT_##name,
    LX_CTYPES(LX_CT_ENUM)
#undef LX_CT_ENUM
    CT__COUNT
} CType;

typedef struct {
    const char *name;   /* as declared: "int32", "size_t" */
    CKind kind;
    uint8_t size;       /* sizeof the C type (0 for void) */
} CTypeInfo;

extern const CTypeInfo ct_info[CT__COUNT];

/* Room for one C value of any listed type, aligned for all of them, and
** for the ffi_arg that libffi uses to return (or expects a callback to
** return) an integer narrower than a register. */
typedef union {
    int64_t i64;
    uint64_t u64;
    double d;
    float f;
    void *p;
    ffi_arg arg;
} CSlot;

/* The type a Lox value names ("int32"); raises `ffi: unknown type 'x'.`
** and, unless allow_void, `ffi: 'void' is only a return type.` */
CType ct_parse(VM *vm, Value name, bool allow_void);
ffi_type *ct_ffi_type(CType t);

/* v converted to type t and written at dst (exactly the type's size).
** False when v does not fit: a non-number, a non-integer or out of range
** for an integer type, a non-bool for bool, a non-pointer for pointer.
** Not for void and string, whose storage the caller manages. */
bool ct_store(CType t, Value v, void *dst);
/* The C value of type t at src as a Lox value (may allocate: a string is
** copied, a pointer boxed). Not for void. */
Value ct_load(VM *vm, CType t, const void *src);
/* The same for the return slot of a call, where libffi widens integers
** narrower than ffi_arg to a whole ffi_arg. */
bool ct_store_ret(CType t, Value v, CSlot *dst);
Value ct_load_ret(VM *vm, CType t, const CSlot *src);

/* -- Signatures ---------------------------------------------------------- */

/* The most arguments a declaration may have: ObjNative's arity is int8_t. */
#define LX_FFI_MAX_ARGS 127

/* A prepared call interface: built once per function value or callback
** and reused for every call. One allocation (lx_realloc, so the heap
** accounting sees it), `size` bytes; the arrays follow the struct.
** INVARIANT(csig-stable): a CSig never moves or changes after csig_new,
** because libffi's cif points into its atypes array and a running call
** keeps using it. Relied on by: cfn_call, ccb_handler (both run while
** the collector may run). */
typedef struct CSig {
    ffi_cif cif;
    size_t size;
    CType ret;
    int nargs;
    CType *args;
    ffi_type **atypes;
} CSig;

/* Parse `ret` and the list `argtypes` (NULL: no arguments) and prepare
** the cif. A "..." in the list marks where a variadic function's fixed
** arguments end (ffi_prep_cif_var). For a callback a string result is
** refused (a C caller would get memory the collector may free), and so
** is "...". Raises on any bad declaration. */
CSig *csig_new(VM *vm, Value ret, const Value *argtypes, bool callback);
void csig_free(VM *vm, CSig *sig);

/* -- Function values and callbacks ---------------------------------------- */

/* A callable Lox value for the C function at fn (ffi.cast, lib.fn); it
** keeps `keep` alive (the pointer ffi.cast was given: if that is a
** callback, the function value is a reference to it). */
Value cfn_new(VM *vm, const char *name, void *fn, Value keep, Value ret,
              const Value *argtypes);
/* ffi.callback(fn, ret, [argtypes]): a pointer value owning a closure. */
Value ccb_new(VM *vm, Value fn, Value ret, const Value *argtypes);
/* True when p is a callback's code (ffi.free refuses it). */
bool ccb_is_callback(const ObjPointer *p);

#endif
