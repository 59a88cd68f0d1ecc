/* vm.c -- the VM's life cycle and its entry points: creating and freeing a
** VM, running a program or a REPL line, calling back into Lox from C,
** runtime errors, GC roots, global slots, the stack, imports.
**
** The dispatch loop itself is vm/interp.c. Runtime errors unwind with
** longjmp to the boundary set by run_protected (vm_interpret and
** vm_interpret_repl); the state that a longjmp abandons (frames, stack
** top, open upvalues, temporary roots, native nesting) is reset there, so
** the REPL can go on after an error.
*/
#include "vm/vm.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"
#include "lang/compile.h"
#include "stdlib/lib.h"
#include "vm/config.h"
#include "vm/interp.h"
#include "vm/memory.h"
#include "vm/opcodes.h"

#define LX_STACK_INITIAL 1024
#define LX_FRAMES_INITIAL 64

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q == NULL && n != 0) {
        fprintf(stderr, "loxjit: out of memory\n");
        exit(LX_RUNTIME_ERROR);
    }
    return q;
}

/* -- Creating and freeing ---------------------------------------------- */

/* The 256 one-byte strings, made once and kept by a list that is the
** VM's first permanent root. */
static void make_byte_strings(VM *vm)
{
    ObjList *keep = list_new(vm, 256);
    vm_push_root(vm, obj_val(keep));
    for (int b = 0; b < 256; b++) {
        char ch = (char)b;
        ObjString *s = str_copy(vm, &ch, 1);
        vm_push_root(vm, obj_val(s));
        list_push(vm, keep, obj_val(s));
        vm_pop_root(vm, 1);
        vm->byte_strings[b] = s;
    }
}

VM *vm_new(void)
{
    VM *vm = xrealloc(NULL, sizeof *vm);
    memset(vm, 0, sizeof *vm);
    vm->stack_cap = LX_STACK_INITIAL;
    vm->stack = xrealloc(NULL, sizeof(Value) * vm->stack_cap);
    for (uint32_t i = 0; i < vm->stack_cap; i++)
        vm->stack[i] = NIL_VAL;
    vm->frame_cap = LX_FRAMES_INITIAL;
    vm->frames = xrealloc(NULL, sizeof(CallFrame) * (size_t)vm->frame_cap);
    tab_init(&vm->global_index);
    tab_init(&vm->strings);
    tab_init(&vm->list_methods);
    tab_init(&vm->map_methods);
    tab_init(&vm->string_methods);
    vm->next_gc = LX_GC_MIN_BYTES;
    vm->gc_stress = LX_DEBUG_STRESS_GC;
    vm->hotloop = LX_HOTLOOP;
    vm->args = NIL_VAL;
    vm->script_path = "<script>";
    vm->init_string = str_intern(vm, "init", 4);
    make_byte_strings(vm);
    vm->base_roots = vm->nroots;
    lib_open_all(vm);
    return vm;
}

void vm_free(VM *vm)
{
    if (vm == NULL)
        return;
    jit_free(vm);
    gc_free_all(vm);
    tab_free(vm, &vm->global_index);
    tab_free(vm, &vm->strings);
    tab_free(vm, &vm->list_methods);
    tab_free(vm, &vm->map_methods);
    tab_free(vm, &vm->string_methods);
    vm_set_stress_stack(vm, false);
    free(vm->stack);
    free(vm->frames);
    free(vm->globals);
    free(vm->global_names);
    free(vm->roots);
    for (int i = 0; i < vm->nimported; i++)
        free(vm->imported[i]);
    free(vm->imported);
    free(vm);
}

/* -- Roots, globals, the stack ----------------------------------------- */

void vm_push_root(VM *vm, Value v)
{
    if (vm->nroots == vm->roots_cap) {
        vm->roots_cap = vm->roots_cap < 16 ? 16 : vm->roots_cap * 2;
        vm->roots = xrealloc(vm->roots, sizeof(Value) * (size_t)vm->roots_cap);
    }
    vm->roots[vm->nroots++] = v;
}

void vm_pop_root(VM *vm, int n)
{
    LX_ASSERT(vm->nroots >= n, "vm_pop_root: more pops than pushes");
    vm->nroots -= n;
}

uint32_t vm_global_slot(VM *vm, ObjString *name)
{
    Value v;
    if (tab_get(&vm->global_index, name, &v))
        return (uint32_t)as_int(v);
    if (vm->nglobals == vm->globals_cap) {
        vm->globals_cap = vm->globals_cap < 64 ? 64 : vm->globals_cap * 2;
        vm->globals = xrealloc(vm->globals, sizeof(Value) * vm->globals_cap);
        vm->global_names = xrealloc(vm->global_names, sizeof(ObjString *) * vm->globals_cap);
    }
    uint32_t slot = vm->nglobals;
    vm->globals[slot] = UNDEF_VAL;
    vm->global_names[slot] = name;
    vm->nglobals++;          /* name is a root from here on: tab_set may collect */
    tab_set(vm, &vm->global_index, name, int_val((int32_t)slot));
    return slot;
}

void vm_define_global(VM *vm, const char *name, Value v)
{
    vm_push_root(vm, v);
    ObjString *s = str_intern(vm, name, strlen(name));
    uint32_t slot = vm_global_slot(vm, s);
    vm->globals[slot] = v;
    vm_pop_root(vm, 1);
}

static void move_stack(VM *vm, uint32_t cap);

void vm_grow_stack(VM *vm, uint32_t need)
{
    uint64_t want = (uint64_t)vm->stack_top + need;
    uint64_t cap = vm->stack_cap;
    while (cap < want)
        cap *= 2;
    if (cap > UINT32_MAX / 2)
        vm_error(vm, "Stack overflow.");
    if (vm->stack_stress != NULL) {
        move_stack(vm, (uint32_t)cap);
        return;
    }
    uintptr_t old = (uintptr_t)vm->stack;
    Value *stack = xrealloc(vm->stack, sizeof(Value) * cap);
    for (uint64_t i = vm->stack_cap; i < cap; i++)
        stack[i] = NIL_VAL;
    /* Open upvalues point into the stack; frames hold indices. */
    for (ObjUpvalue *u = vm->open_upvals; u != NULL; u = u->next)
        u->location = stack + ((uintptr_t)u->location - old) / sizeof(Value);
    vm->stack = stack;
    vm->stack_cap = (uint32_t)cap;
}

/* -- Stack-relocation stress (--stress-stack) ------------------------------
** A pointer into the stack or the frame array is only good until the next
** call or vm_grow_stack (INVARIANT(stack-valid)); normally they rarely
** move, so a stale pointer goes unnoticed. Under the stress switch both
** move at every call. The old stack is not freed at once: it is filled
** with STACK_POISON and kept in a ring of the last STRESS_RING stacks, so
** a stale read gets a value that crashes when used (in any build) instead
** of memory that malloc has already handed back to the VM; it is freed
** when it leaves the ring (and ASan reports reads after that). Capacities
** never shrink: the JIT relies on room that was there when it recorded.
** Moving costs a copy of the whole stack, so once it is bigger than
** STRESS_SMALL slots a call moves it only every cap/STRESS_SMALL calls:
** deep recursion stays linear instead of quadratic. */

#define STRESS_RING 8
#define STRESS_SMALL 2048u
/* An object pointer into the zero page: any use of a stale slot faults. */
#define STACK_POISON ((Value)(LX_TAG_OBJ | 0x28))

struct StackStress {
    Value *retired[STRESS_RING];
    int next;
    uint32_t calls;         /* since the last move (large stacks) */
};

void vm_set_stress_stack(VM *vm, bool on)
{
    if (on && vm->stack_stress == NULL) {
        vm->stack_stress = xrealloc(NULL, sizeof *vm->stack_stress);
        memset(vm->stack_stress, 0, sizeof *vm->stack_stress);
    } else if (!on && vm->stack_stress != NULL) {
        for (int i = 0; i < STRESS_RING; i++)
            free(vm->stack_stress->retired[i]);
        free(vm->stack_stress);
        vm->stack_stress = NULL;
    }
}

static void move_stack(VM *vm, uint32_t cap)
{
    struct StackStress *st = vm->stack_stress;
    Value *old = vm->stack;
    Value *stack = xrealloc(NULL, sizeof(Value) * cap);
    memcpy(stack, old, sizeof(Value) * vm->stack_cap);
    for (uint32_t i = vm->stack_cap; i < cap; i++)
        stack[i] = NIL_VAL;
    for (ObjUpvalue *u = vm->open_upvals; u != NULL; u = u->next)
        u->location = stack + (u->location - old);
    for (uint32_t i = 0; i < vm->stack_cap; i++)
        old[i] = STACK_POISON;
    free(st->retired[st->next]);
    st->retired[st->next] = old;
    st->next = (st->next + 1) % STRESS_RING;
    vm->stack = stack;
    vm->stack_cap = cap;
}

void vm_stress_move(VM *vm)
{
    struct StackStress *st = vm->stack_stress;
    if (vm->stack_cap > STRESS_SMALL && ++st->calls < vm->stack_cap / STRESS_SMALL)
        return;
    st->calls = 0;
    size_t bytes = sizeof(CallFrame) * (size_t)vm->frame_cap;
    CallFrame *frames = xrealloc(NULL, bytes);
    memcpy(frames, vm->frames, bytes);
    memset(vm->frames, 0xA5, bytes);
    free(vm->frames);
    vm->frames = frames;
    move_stack(vm, vm->stack_cap);
}

/* -- Errors ------------------------------------------------------------ */

/* Traces longer than this keep their two ends (a runaway recursion would
** otherwise print a hundred thousand lines). */
#define LX_TRACE_KEEP 100

static void print_frame(VM *vm, int i)
{
    CallFrame *f = &vm->frames[i];
    ObjFunction *fn = f->closure->fn;
    int pc = f->ip != NULL ? (int)(f->ip - fn->code) - 1 : 0;
    if (pc < 0)
        pc = 0;
    if (pc >= fn->ncode)
        pc = fn->ncode - 1;
    fprintf(stderr, "[line %d] in ", fn->ncode > 0 ? fn->lines[pc] : 0);
    if (fn->name == NULL)
        fprintf(stderr, "script\n");
    else
        fprintf(stderr, "%s()\n", fn->name->chars);
}

void vm_error(VM *vm, const char *fmt, ...)
{
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    int n = vm->frame_count;
    for (int i = n - 1; i >= 0; i--) {
        if (n > 2 * LX_TRACE_KEEP && i == n - 1 - LX_TRACE_KEEP) {
            int skip = n - 2 * LX_TRACE_KEEP;
            fprintf(stderr, "[... %d more frames ...]\n", skip);
            i -= skip - 1;
            continue;
        }
        print_frame(vm, i);
    }
    fflush(stderr);
    vm->had_error = true;
    if (vm->error_jmp != NULL)
        longjmp(*vm->error_jmp, 1);
    exit(LX_RUNTIME_ERROR);
}

/* -- Hot loops ---------------------------------------------------------- */

void vm_hot_loop(VM *vm, ObjFunction *fn, int loop, const Instr *ip)
{
    if (vm->trace_hot) {
        int pc = (int)(ip - fn->code);
        fprintf(stderr, "[hot] loop at line %d\n", fn->lines[pc]);
    }
    fn->hotcounts[loop] = vm->hotloop;
    jit_hot_loop(vm, fn, loop, ip);     /* may start recording the loop */
}

/* -- Running ------------------------------------------------------------ */

/* Run a compiled top-level function inside a protected boundary. */
static LxResult run_protected(VM *vm, ObjFunction *fn)
{
    jmp_buf jb;
    jmp_buf *prev = vm->error_jmp;
    int frames = vm->frame_count;
    uint32_t top = vm->stack_top;
    int roots = vm->nroots;
    int depth = vm->native_depth;

    vm_push_root(vm, obj_val(fn));
    ObjClosure *cl = closure_new(vm, fn);
    vm_pop_root(vm, 1);

    vm->error_jmp = &jb;
    if (setjmp(jb) != 0) {
        /* Unwound from vm_error: drop what the unwinding abandoned. */
        vm_close_upvals(vm, vm->stack + top);
        vm->frame_count = frames;
        vm->stack_top = top;
        vm->nroots = roots;
        vm->native_depth = depth;
        vm->error_jmp = prev;
        return LX_RUNTIME_ERROR;
    }
    if (vm->stack_top + 1 > vm->stack_cap)
        vm_grow_stack(vm, 1);
    uint32_t at = vm->stack_top;
    vm->stack[at] = obj_val(cl);
    vm->stack_top = at + 1;
    vm_push_frame(vm, cl, at, 0);
    vm_run(vm, frames);
    vm->stack_top = top;
    vm->error_jmp = prev;
    fflush(stdout);
    return LX_OK;
}

static void note_imported(VM *vm, const char *real)
{
    if (vm->nimported == vm->imported_cap) {
        vm->imported_cap = vm->imported_cap < 8 ? 8 : vm->imported_cap * 2;
        vm->imported = xrealloc(vm->imported, sizeof(char *) * (size_t)vm->imported_cap);
    }
    size_t n = strlen(real) + 1;
    vm->imported[vm->nimported] = memcpy(xrealloc(NULL, n), real, n);
    vm->nimported++;
}

static bool was_imported(VM *vm, const char *real)
{
    for (int i = 0; i < vm->nimported; i++)
        if (strcmp(vm->imported[i], real) == 0)
            return true;
    return false;
}

LxResult vm_interpret(VM *vm, const char *source, size_t len, const char *path)
{
    if (path != NULL && path[0] != '<' && strcmp(path, "-e") != 0) {
        char real[PATH_MAX];
        if (realpath(path, real) != NULL && !was_imported(vm, real))
            note_imported(vm, real);
    }
    ObjFunction *fn = lx_compile(vm, source, len, path, COMPILE_SCRIPT, NULL);
    if (fn == NULL)
        return LX_COMPILE_ERROR;
    return run_protected(vm, fn);
}

LxResult vm_interpret_repl(VM *vm, const char *source, size_t len, bool *incomplete)
{
    if (incomplete != NULL)
        *incomplete = false;
    ObjFunction *fn = lx_compile(vm, source, len, "<repl>", COMPILE_REPL, incomplete);
    if (fn == NULL)
        return LX_COMPILE_ERROR;
    return run_protected(vm, fn);
}

Value vm_call(VM *vm, Value callee, int argc, const Value *args)
{
    if (vm->native_depth >= LX_MAX_NATIVE_DEPTH)
        vm_error(vm, "Stack overflow.");
    /* args may point into the stack, which may move when it grows. */
    ptrdiff_t off = -1;
    if (args >= vm->stack && args < vm->stack + vm->stack_cap)
        off = args - vm->stack;
    vm_push_root(vm, callee);
    if (vm->stack_top + (uint32_t)argc + 1 > vm->stack_cap)
        vm_grow_stack(vm, (uint32_t)argc + 1);
    vm_pop_root(vm, 1);
    if (off >= 0)
        args = vm->stack + off;
    uint32_t at = vm->stack_top;
    vm->stack[at] = callee;
    memmove(vm->stack + at + 1, args, sizeof(Value) * (size_t)argc);
    vm->stack_top = at + 1 + (uint32_t)argc;
    vm->native_depth++;
    if (vm_call_value(vm, at, argc))
        vm_run(vm, vm->frame_count - 1);
    vm->native_depth--;
    Value result = vm->stack[at];
    vm->stack_top = at;
    return result;
}

/* -- Imports ------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = xrealloc(NULL, cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

void vm_import(VM *vm, ObjString *path, ObjFunction *from)
{
    char joined[PATH_MAX], real[PATH_MAX];
    const char *p = path->chars;
    if (p[0] != '/' && from != NULL && from->source != NULL) {
        const char *src = from->source->chars;
        const char *slash = strrchr(src, '/');
        int dirlen = slash != NULL ? (int)(slash - src) + 1 : 0;
        if (snprintf(joined, sizeof joined, "%.*s%s", dirlen, src, p) >= (int)sizeof joined)
            vm_error(vm, "import: cannot open '%s': %s.", p, strerror(ENAMETOOLONG));
        p = joined;
    }
    if (realpath(p, real) == NULL)
        vm_error(vm, "import: cannot open '%s': %s.", path->chars, strerror(errno));
    if (was_imported(vm, real))
        return;
    size_t len;
    char *src = read_file(real, &len);
    if (src == NULL)
        vm_error(vm, "import: cannot open '%s': %s.", path->chars, strerror(errno));
    note_imported(vm, real);
    ObjFunction *fn = lx_compile(vm, src, len, p, COMPILE_SCRIPT, NULL);
    free(src);
    if (fn == NULL) {
        fflush(stdout);
        exit(LX_COMPILE_ERROR);
    }
    if (vm->native_depth >= LX_MAX_NATIVE_DEPTH)
        vm_error(vm, "Stack overflow.");
    vm_push_root(vm, obj_val(fn));
    ObjClosure *cl = closure_new(vm, fn);
    vm_pop_root(vm, 1);
    if (vm->stack_top + 1 > vm->stack_cap)
        vm_grow_stack(vm, 1);
    uint32_t at = vm->stack_top;
    vm->stack[at] = obj_val(cl);
    vm->stack_top = at + 1;
    vm->native_depth++;
    vm_push_frame(vm, cl, at, 0);
    vm_run(vm, vm->frame_count - 1);
    vm->native_depth--;
    vm->stack_top = at;
}
