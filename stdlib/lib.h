/* lib.h -- how the standard library plugs into the VM.
**
** A library part is a table of LibFn and one open function that registers
** it: as globals (lib_register_globals), as a module object bound to a
** global (lib_register_module), or as the methods of a built-in type
** (lib_register_methods into vm->list_methods etc.). lib_open_all opens
** every part; vm_new calls it.
**
** Natives follow vm/object.h's NativeFn contract: args[-1] is the receiver
** for methods, arity is checked by the VM before the call, and misuse is
** reported with vm_error naming the function: `len() expects a string,
** list, map or range.`, `math.sqrt() expects a number.`
**
** Error-text style, one form per kind of native:
**   global functions   `NAME() expects ...`          `chr() expects ...`
**   module functions   `MODULE.NAME() expects ...`   `math.pow() expects ...`
**   built-in methods   `NAME() expects ...`          `insert() expects ...`
** (a method is named without its receiver's type: the receiver is clear
** from the call site, and `xs.push()` would name the variable, not the
** type). Indexing misuse in methods uses the indexing operator's texts,
** `Index must be an integer.` and `Index out of range.`, as LANGUAGE.md
** asks ("index rules of lists").
*/
#ifndef LX_LIB_H
#define LX_LIB_H

#include "vm/vm.h"

typedef struct {
    const char *name;
    NativeFn fn;
    int8_t arity_min, arity_max; /* arity_max -1: variadic */
    NativeFn nogc;               /* ObjNative.nogc (vm/object.h), or NULL */
} LibFn;

/* Tables end with an entry whose name is NULL. */
void lib_register_globals(VM *vm, const LibFn *fns);
ObjModule *lib_register_module(VM *vm, const char *name, const LibFn *fns);
void lib_register_methods(VM *vm, Table *into, const LibFn *fns);
/* Set a module member that is not a function (math.pi, os.platform). */
void lib_module_set(VM *vm, ObjModule *m, const char *name, Value v);

void lib_open_all(VM *vm);

/* -- Helpers shared by the parts (stdlib/lib.c) -- */

/* True when v is a number with a finite integral value, stored in *out. */
bool lib_integer(Value v, double *out);
/* v as an element index of a sequence of len items; raises `Index must be
** an integer.` or `Index out of range.` */
uint32_t lib_index(VM *vm, Value v, uint32_t len);
/* Like lib_index, but len itself is allowed too (insert(i, v), slices). */
uint32_t lib_position(VM *vm, Value v, uint32_t len);
/* The bounds of slice(a) / slice(a, b) (args[0], args[1]) on a sequence of
** len items: 0 <= a <= b <= len, b defaulting to len, else the index
** errors above. */
void lib_slice_bounds(VM *vm, int argc, const Value *args, uint32_t len,
                      uint32_t *a, uint32_t *b);
/* m[key] = v for a C-string key (gc.stats(), jit.stats()); m must be
** reachable (rooted) and v either not an object or rooted. */
void lib_map_put(VM *vm, ObjMap *m, const char *key, Value v);
/* A line of stdin without its newline, or nil at end of input (input()
** and io.readLine()); stdout is flushed first so a prompt shows. */
Value lib_read_line(VM *vm);

/* The parts; each lives in its own stdlib/ file. */
void lib_core_open(VM *vm);    /* clock len str num type range chr input assert error exit */
void lib_string_open(VM *vm);  /* string methods */
void lib_list_open(VM *vm);    /* list methods */
void lib_map_open(VM *vm);     /* map methods */
void lib_math_open(VM *vm);
void lib_io_open(VM *vm);      /* io: files, stdout, stderr, stdin */
void lib_os_open(VM *vm);      /* os: args env exit cwd platform */
void lib_time_open(VM *vm);    /* time: now monotonic sleep */
void lib_gc_open(VM *vm);      /* gc: collect stats */
void lib_jit_open(VM *vm);     /* jit: on off status flush stats param */
void lib_ffi_open(VM *vm);     /* ffi: C libraries through libffi (stdlib/ffi*.c) */

#endif
