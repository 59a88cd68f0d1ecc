/* vm.h -- the virtual machine: its state and the entry points the CLI,
** the standard library and the compiler use.
**
** One VM holds one Lox program's whole world: the register stack, call
** frames, globals, the heap. Everything takes a VM * (no global state), so
** unit tests can make as many as they like.
**
** Errors. A runtime error is raised with vm_error(), which prints the
** message and the stack trace (LANGUAGE.md section 3) and then longjmps to
** the innermost vm_interpret / vm_protect boundary: it never returns, so
** natives need no error returns. PROTOCOL(save-pc): the interpreter stores
** the current instruction pointer in its frame before anything that can
** raise or allocate, so the trace names the right line.
*/
#ifndef LX_VM_H
#define LX_VM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include "vm/object.h"
#include "vm/params.h"
#include "vm/table.h"
#include "vm/value.h"

/* The stack grows on demand up to this many frames; one more call is the
** runtime error `Stack overflow.` */
#define LX_MAX_FRAMES 100000
/* Natives that call back into Lox (sort's comparator) nest C frames; this
** bounds that nesting, also reported as `Stack overflow.` */
#define LX_MAX_NATIVE_DEPTH 200

typedef struct CallFrame {
    ObjClosure *closure;
    const Instr *ip;    /* PROTOCOL(save-pc): valid whenever we may raise */
    Value *consts;      /* closure->fn->consts, one load away for the loop */
    uint32_t base;      /* index of register 0 in vm->stack */
    /* INVARIANT(frame-top): vm->stack_top while this frame runs; never
    ** below the caller's top, so a call never uncovers a caller's
    ** registers. Restored on return. Relied on by: the GC (stack-valid). */
    uint32_t top;
} CallFrame;

typedef enum { LX_OK = 0, LX_COMPILE_ERROR = 65, LX_RUNTIME_ERROR = 70 } LxResult;

/* Size classes of the small-block cache: class c holds blocks of at least
** 16c + 8 usable bytes (malloc's own steps), c = 1 .. LX_POOL_CLASSES-1. */
#define LX_POOL_CLASSES 17

struct VM {
    /* -- Registers and frames (owned by the interpreter) -- */
    /* INVARIANT(stack-valid): every slot below stack_top holds a valid
    ** Value whenever the GC can run; the GC marks exactly those. The stack
    ** may be reallocated (vm_grow_stack), so hold indices, not pointers,
    ** across anything that can call or allocate. */
    Value *stack;
    uint32_t stack_cap;
    uint32_t stack_top;
    CallFrame *frames;
    int frame_count, frame_cap;
    ObjUpvalue *open_upvals;
    int native_depth;
    /* --stress-stack (vm_set_stress_stack): when set, every call and every
    ** vm_grow_stack moves the stack and the frame array to new addresses
    ** and poisons the old ones, to flush out pointers into them held
    ** across a call. NULL when off. */
    struct StackStress *stack_stress;

    /* -- Globals: compile-time slots, late-bound values -- */
    /* A global name gets a slot the first time any code mentions it;
    ** globals[slot] is UNDEF_VAL until it is defined. */
    Value *globals;
    ObjString **global_names;
    uint32_t nglobals, globals_cap;
    Table global_index;     /* name -> int slot */

    /* -- Heap (vm/memory.c) -- */
    Obj *objects;
    size_t bytes_allocated, next_gc;
    Obj **gray;
    int gray_count, gray_cap;
    Value *roots;           /* vm_push_root */
    int nroots, roots_cap;
    uint32_t gc_collections;
    bool gc_stress;         /* collect on every allocation */
    Table strings;          /* intern pool (weak) */
    ObjString *init_string;
    /* Extra roots (the JIT's traces and their constants): called during
    ** marking, after the fixed roots; it marks with gc_mark_value/_obj and
    ** must not allocate. NULL when nobody needs it. */
    void (*mark_extra)(VM *vm);

    /* -- Built-in types' methods (stdlib/): name -> ObjNative -- */
    Table list_methods, map_methods, string_methods;

    /* -- Errors -- */
    jmp_buf *error_jmp;     /* innermost protected boundary */
    bool had_error;

    /* -- Program context -- */
    const char *script_path; /* "<stdin>", "<repl>", "-e" or a path */
    Value args;             /* os.args: a list (stdlib), or NIL_VAL */
    int argc;               /* the script's arguments as the CLI got them */
    char **argv;            /* (argv[0] is the first argument, not the path) */
    bool stderr_tty;        /* add source lines and carets to diagnostics */
    bool trace_hot;         /* debug: report loop counters reaching zero */
    /* Fuzzing and embedding: when nonzero, counts down at every hot-counter
    ** charge (every few loop back-edges, INVARIANT(hot-slice)); the charge
    ** that takes it to zero raises `Execution budget exhausted.` A signal
    ** handler may store 1 to stop the program at its next charge. */
    volatile uint32_t budget;
    uint16_t hotloop;       /* start value of loop hot counters (LX_HOTLOOP) */
    void *jit;              /* owned by jit/, NULL while there is no JIT */
    /* What the command line decided about the JIT (cli/main.c copies it
    ** in); jit.on()/off()/param() change it at run time (stdlib/jit.c).
    ** .on is what jit.status() reports. */
    JitOptions jit_opts;
    uint64_t rng[4];        /* math.random's state (stdlib/math.c seeds it) */

    /* -- Interpreter caches (vm/vm.c) -- */
    /* The 256 one-byte strings (string indexing, for-in over a string);
    ** kept alive by a list pushed as the VM's first root. */
    ObjString *byte_strings[256];
    int base_roots;         /* roots that live as long as the VM */
    char **imported;        /* real paths of files already imported */
    int nimported, imported_cap;

    /* -- Small-block cache (vm/memory.c, INVARIANT(pool-class)) -- */
    void *pool[LX_POOL_CLASSES];    /* freed blocks by size class */
    size_t pool_bytes;              /* what they hold */
    bool pool_closed;               /* no caching (set at teardown) */
};

VM *vm_new(void);
void vm_free(VM *vm);

/* Compile and run a whole program. Compile errors print and return
** LX_COMPILE_ERROR; a runtime error prints and returns LX_RUNTIME_ERROR. */
LxResult vm_interpret(VM *vm, const char *source, size_t len, const char *path);

/* The REPL's entry: like vm_interpret, but a final expression without `;`
** prints its value, and when the input is only unfinished (every error is
** at the end of input) nothing prints and *incomplete is set. */
LxResult vm_interpret_repl(VM *vm, const char *source, size_t len, bool *incomplete);

/* Call any callable from C (a native calling a comparator, say). Raises
** through vm_error like any other call. */
Value vm_call(VM *vm, Value callee, int argc, const Value *args);

/* Print "msg" and the stack trace, then unwind to the innermost boundary. */
_Noreturn void vm_error(VM *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Temporary GC roots for C code holding objects across allocations. */
void vm_push_root(VM *vm, Value v);
void vm_pop_root(VM *vm, int n);

uint32_t vm_global_slot(VM *vm, ObjString *name);
void vm_define_global(VM *vm, const char *name, Value v);

/* Make room for `need` more slots above stack_top (may move the stack).
** The only place the stack moves: it fixes every open upvalue, and frames
** hold indices, so callers only reload their own pointers. */
void vm_grow_stack(VM *vm, uint32_t need);

/* Turn the stack-relocation stress on or off (see VM.stack_stress); with
** it on, vm_push_frame calls vm_stress_move before every call. */
void vm_set_stress_stack(VM *vm, bool on);
void vm_stress_move(VM *vm);

/* A loop's hot counter reached zero (the LOOP instruction at `ip` in fn,
** counter `loop`). Today: report it under trace_hot and re-arm the
** counter; the JIT's entry point later. */
void vm_hot_loop(VM *vm, ObjFunction *fn, int loop, const Instr *ip);

/* Run a file for `import` (path relative to the importing function's
** source): each real path once; a missing file is a runtime error. */
void vm_import(VM *vm, ObjString *path, ObjFunction *from);

#endif
