/* object.h -- heap objects: their layouts and constructors.
**
** Every heap object starts with an Obj header and is allocated through
** lx_realloc (vm/memory.h), so the garbage collector sees every byte.
** A constructor may collect: keep every object you still need reachable
** (on the VM stack, in a rooted object, or with vm_push_root) across any
** call that allocates. INVARIANT(gc-safe-alloc) is that protocol; with
** the GC stress switch every allocation collects, so a violation shows up
** at once under `make test-gcstress`.
*/
#ifndef LX_OBJECT_H
#define LX_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include "vm/value.h"
#include "vm/table.h"

typedef struct VM VM;

/* One line per object type: enum name, and what type() reports. */
#define LX_OBJ_TYPES(X)                                                   \
    X(STRING,   "string")                                                 \
    X(FUNCTION, "function")  /* a compiled prototype, never a Lox value */ \
    X(NATIVE,   "function")                                               \
    X(CLOSURE,  "function")                                               \
    X(UPVALUE,  "upvalue")   /* never a Lox value */                      \
    X(CLASS,    "class")                                                  \
    X(INSTANCE, "instance")                                               \
    X(BOUND,    "function")  /* bound method */                           \
    X(LIST,     "list")                                                   \
    X(MAP,      "map")                                                    \
    X(RANGE,    "range")                                                  \
    X(MODULE,   "module")                                                 \
    X(POINTER,  "pointer")   /* a C address (ffi) */

typedef enum {
#define LX_OBJ_ENUM(name, tname) OBJ_##name,
    LX_OBJ_TYPES(LX_OBJ_ENUM)
#undef LX_OBJ_ENUM
    OBJ__COUNT
} ObjType;

struct Obj {
    uint8_t type;     /* ObjType */
    uint8_t marked;   /* GC mark bit */
    uint8_t flags;    /* per-type bits, e.g. STR_INTERNED */
    struct Obj *next; /* all objects, for the sweep */
};

static inline bool is_obj_type(Value v, ObjType t)
{
    return is_obj(v) && as_obj(v)->type == t;
}

/* -- Strings ----------------------------------------------------------- */

/* Strings are immutable byte sequences, NUL-terminated for C's sake (the
** NUL is not part of len). Short strings (len <= LX_SHORT_STRING) are always
** interned, so two equal short strings are one object. Long strings made at
** run time (concatenation, file contents) are not interned, which keeps
** string building from hashing every intermediate result; str_intern()
** interns one on demand (the compiler interns every identifier and literal).
** INVARIANT(interned-eq): two interned strings are equal iff they are the
** same object. Relied on by: Table (keys are interned), value_equal. */
#define LX_SHORT_STRING 40
#define STR_INTERNED 0x01
#define STR_HASHED   0x02

typedef struct ObjString {
    Obj obj;
    uint32_t len;
    uint32_t hash;    /* valid when STR_HASHED is set (always, if interned) */
    char chars[];
} ObjString;

ObjString *str_copy(VM *vm, const char *chars, size_t len);   /* interned if short */
ObjString *str_intern(VM *vm, const char *chars, size_t len); /* always interned */
ObjString *str_intern_obj(VM *vm, ObjString *s);              /* interned twin of s */
ObjString *str_concat(VM *vm, ObjString *a, ObjString *b);
/* The same, or NULL where they would collect or raise: for a caller in
** which the collector must not run (a JIT trace calling a native's nogc). */
ObjString *str_try_copy(VM *vm, const char *chars, size_t len);
ObjString *str_try_concat(VM *vm, ObjString *a, ObjString *b);
/* A string of len bytes to be filled by the caller, then finished with
** str_finish (which interns it if short and may return another object). */
ObjString *str_alloc(VM *vm, size_t len);
ObjString *str_finish(VM *vm, ObjString *s);
ObjString *str_format(VM *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint32_t str_hash(ObjString *s);
bool str_equal(const ObjString *a, const ObjString *b);

/* -- Functions and closures -------------------------------------------- */

typedef uint32_t Instr;

/* Where a closure's upvalue comes from when it is created: a register of
** the enclosing frame (is_local) or an upvalue of the enclosing closure. */
typedef struct { uint8_t is_local; uint16_t index; } UpvalDesc;

/* A compiled function: bytecode, constants and debug info. The instruction
** format and opcodes are defined in vm/opcodes.h. */
typedef struct ObjFunction {
    Obj obj;
    int arity;
    int maxslots;       /* registers the frame needs */
    int nupvals;
    UpvalDesc *upvals;
    Instr *code;
    int32_t *lines;     /* source line of each instruction */
    int ncode, code_cap;
    Value *consts;      /* may hold ObjString, ObjFunction, numbers */
    int nconsts, const_cap;
    ObjString *name;    /* NULL for the top-level script */
    ObjString *source;  /* the file's path (or "<stdin>", "<repl>"), for import */
    uint16_t *hotcounts;/* one per LOOP instruction (see vm/opcodes.h) */
    int nloops;
} ObjFunction;

ObjFunction *fn_new(VM *vm);

typedef struct ObjUpvalue {
    Obj obj;
    Value *location;    /* into the stack while open, then &closed */
    Value closed;
    struct ObjUpvalue *next; /* open upvalues, sorted by location, descending */
} ObjUpvalue;

ObjUpvalue *upval_new(VM *vm, Value *slot);

typedef struct ObjClosure {
    Obj obj;
    ObjFunction *fn;
    int nupvals;
    ObjUpvalue *upvals[];
} ObjClosure;

ObjClosure *closure_new(VM *vm, ObjFunction *fn); /* upvals all NULL */

/* A C function. args[0 .. argc-1] are the arguments and args[-1] is the
** callee slot, which holds the receiver when the native is a method of a
** built-in type or module. The VM has checked argc against arity_min/max
** (arity_max < 0: no upper bound). A native raises errors with vm_error,
** which does not return. */
typedef Value (*NativeFn)(VM *vm, int argc, Value *args);

/* nogc, when not NULL, is fn for a caller that cannot let the collector
** run or an error unwind (a JIT trace, jit/ncall.c): it does what fn does
** where that needs neither, and returns UNDEF_VAL, having changed nothing,
** where fn would collect, raise or call back; the caller then runs fn on
** a state ready for those. */
typedef struct ObjNative {
    Obj obj;
    NativeFn fn;
    NativeFn nogc;
    ObjString *name;    /* for messages: "len", "push", "sqrt" */
    int8_t arity_min, arity_max;
    Value data;         /* anything the native needs (ffi signature...) */
} ObjNative;

ObjNative *native_new(VM *vm, const char *name, NativeFn fn, int arity_min, int arity_max);

/* -- Classes and instances --------------------------------------------- */

typedef struct ObjClass {
    Obj obj;
    ObjString *name;
    Table methods;      /* name -> closure; inherited ones copied down */
    Value init;         /* the `init` closure, or NIL_VAL */
} ObjClass;

ObjClass *class_new(VM *vm, ObjString *name);

typedef struct ObjInstance {
    Obj obj;
    ObjClass *klass;
    Table fields;
} ObjInstance;

ObjInstance *instance_new(VM *vm, ObjClass *klass);

/* A method bound to its receiver; method is an ObjClosure or ObjNative. */
typedef struct ObjBound {
    Obj obj;
    Value receiver;
    Obj *method;
} ObjBound;

ObjBound *bound_new(VM *vm, Value receiver, Obj *method);

/* -- Containers -------------------------------------------------------- */

typedef struct ObjList {
    Obj obj;
    uint32_t count, capacity;
    Value *items;
} ObjList;

ObjList *list_new(VM *vm, uint32_t capacity); /* count 0 */
void list_push(VM *vm, ObjList *l, Value v);
void list_insert(VM *vm, ObjList *l, uint32_t at, Value v);
Value list_remove(ObjList *l, uint32_t at);

/* An insertion-ordered hash map from any value but NaN to any value.
** entries[] holds live and removed (key == UNDEF_VAL) entries in insertion
** order; index[] is an open-addressed table of positions into entries.
** Number keys are normalized with lx_number before hashing, so 1 and 1.0
** are the same key. `version` changes whenever the key set changes (a key
** added or removed), which for-in checks. */
typedef struct { Value key, value; uint32_t hash; } MapEntry;

typedef struct ObjMap {
    Obj obj;
    uint32_t count;       /* live entries */
    uint32_t nentries;    /* used slots of entries[], live or removed */
    uint32_t entry_cap;
    uint32_t index_cap;   /* power of two, or 0 */
    uint32_t version;
    MapEntry *entries;
    int32_t *index;       /* -1 empty, -2 removed, else position in entries */
} ObjMap;

/* entries[] and index[] are one block (INVARIANT(map-one-block), vm/map.c). */
#define MAP_ARRAYS_BYTES(entry_cap, index_cap) \
    (sizeof(MapEntry) * (size_t)(entry_cap) + sizeof(int32_t) * (size_t)(index_cap))

ObjMap *map_new(VM *vm);
bool map_get(ObjMap *m, Value key, Value *out);
void map_set(VM *vm, ObjMap *m, Value key, Value value); /* key must not be NaN */
bool map_remove(ObjMap *m, Value key, Value *out);
/* Iteration in insertion order: pos starts at 0; returns false at the end. */
bool map_next(ObjMap *m, uint32_t *pos, Value *key, Value *value);

/* range(a, b, step): integers from a towards b (exclusive), step != 0. */
typedef struct ObjRange {
    Obj obj;
    double start, stop, step; /* integral values */
} ObjRange;

ObjRange *range_new(VM *vm, double start, double stop, double step);
double range_len(const ObjRange *r);

/* A standard module (math, io, ...): a named bag of members. */
typedef struct ObjModule {
    Obj obj;
    ObjString *name;
    Table members;
} ObjModule;

ObjModule *module_new(VM *vm, ObjString *name);

/* A C address, the ffi's pointer value (stdlib/ffi*.c).
** INVARIANT(pointer-non-null): addr != NULL; C's NULL is nil in Lox.
** Relied on by: the ffi's conversions (a pointer object always means a
** real address). Two pointer objects with one address are `==` (and one
** map key), like numbers.
** A pointer may own a C resource (an ffi callback's closure, a prepared
** call signature): the collector calls finalize(vm, p) just before it
** frees p. finalize must not allocate or touch other objects (they may be
** freed in the same sweep); `keep` is what the resource needs alive (the
** callback's Lox function) and is marked with the pointer. */
typedef struct ObjPointer {
    Obj obj;
    void *addr;
    void (*finalize)(VM *vm, struct ObjPointer *p); /* NULL: owns nothing */
    void *owned;        /* the resource finalize releases */
    Value keep;
} ObjPointer;

ObjPointer *pointer_new(VM *vm, void *addr); /* owns nothing, keep nil */

/* -- Helpers on values ------------------------------------------------- */

const char *value_type_name(Value v);   /* what type() returns */

#define AS_STRING(v)   ((ObjString *)as_obj(v))
#define AS_FUNCTION(v) ((ObjFunction *)as_obj(v))
#define AS_NATIVE(v)   ((ObjNative *)as_obj(v))
#define AS_CLOSURE(v)  ((ObjClosure *)as_obj(v))
#define AS_CLASS(v)    ((ObjClass *)as_obj(v))
#define AS_INSTANCE(v) ((ObjInstance *)as_obj(v))
#define AS_BOUND(v)    ((ObjBound *)as_obj(v))
#define AS_LIST(v)     ((ObjList *)as_obj(v))
#define AS_MAP(v)      ((ObjMap *)as_obj(v))
#define AS_RANGE(v)    ((ObjRange *)as_obj(v))
#define AS_MODULE(v)   ((ObjModule *)as_obj(v))
#define AS_POINTER(v)  ((ObjPointer *)as_obj(v))

#endif
