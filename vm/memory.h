/* memory.h -- allocation and the mark-and-sweep garbage collector.
**
** Every heap byte of the VM goes through lx_realloc, which keeps
** bytes_allocated and starts a collection when it passes next_gc (or on
** every allocation when vm->gc_stress is set). Out of memory is the
** runtime error `Out of memory.`, raised through vm_error.
**
** Roots: the stack below stack_top, every frame's closure, open upvalues,
** globals and their names, vm->roots (vm_push_root), vm->args, the
** built-in method tables, init_string, and whatever the JIT registers.
** The intern pool is weak.
*/
#ifndef LX_MEMORY_H
#define LX_MEMORY_H

#include <stddef.h>
#include "vm/vm.h"

/* Heap growth policy: the first collection happens once LX_GC_MIN_BYTES
** are allocated; after each collection the threshold is LX_GC_GROW times
** what survived, but never below LX_GC_MIN_BYTES. vm_new sets next_gc to
** LX_GC_MIN_BYTES (a zero next_gc only means one early collection). */
#define LX_GC_MIN_BYTES ((size_t)1 << 20)
#define LX_GC_GROW 2

void *lx_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size);
/* Like lx_realloc, but never starts a collection (the bytes still count,
** so the next allocation may collect). For the intern pool, whose growth
** must not free the string being interned. */
void *lx_realloc_nogc(VM *vm, void *ptr, size_t old_size, size_t new_size);

#define LX_ALLOC(vm, type, n) \
    ((type *)lx_realloc((vm), NULL, 0, sizeof(type) * (size_t)(n)))
#define LX_FREE(vm, type, ptr) lx_realloc((vm), (ptr), sizeof(type), 0)
#define LX_GROW_ARRAY(vm, type, ptr, old_n, new_n)                  \
    ((type *)lx_realloc((vm), (ptr), sizeof(type) * (size_t)(old_n), \
                        sizeof(type) * (size_t)(new_n)))
#define LX_FREE_ARRAY(vm, type, ptr, n) \
    lx_realloc((vm), (ptr), sizeof(type) * (size_t)(n), 0)

/* Allocate an object of `size` bytes with its header set and linked. */
Obj *obj_alloc(VM *vm, size_t size, ObjType type);

/* The same, but only when that can neither collect nor raise: NULL when
** it would collect (gc_stress, past next_gc), pass the heap cap, or when
** malloc fails. For the JIT, whose trace holds values in registers that a
** collection would not see (jit/ncall.c then takes the slow way, on the
** interpreter's state rebuilt). The bytes count as lx_realloc's do. */
void *lx_try_alloc(VM *vm, size_t size);
Obj *obj_try_alloc(VM *vm, size_t size, ObjType type);

/* A full collection. Roots: see the top of this file; vm->mark_extra
** (if set) adds more. Counts vm->gc_collections. */
void gc_collect(VM *vm);
void gc_mark_value(VM *vm, Value v);
void gc_mark_obj(VM *vm, Obj *o);
/* Free every object and the gray stack (vm_free, after which the VM's
** own arrays and tables are the caller's to free). */
void gc_free_all(VM *vm);

#endif
