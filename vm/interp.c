/* interp.c -- the dispatch loop, calls and upvalues.
**
** One function, vm_run, executes register bytecode (vm/opcodes.h) with
** computed-goto dispatch (a switch when the compiler is not GNU C). The
** state it keeps in locals: ip, base (register 0 of the current frame), k
** (the constants), frame. Those are reloaded from vm->frames after
** anything that can push or pop frames or move the stack (RELOAD).
**
** PROTOCOL(save-pc): SAVE_PC() stores ip into the frame before anything
** that can raise or allocate, so that the stack trace names the line and
** the JIT (later) can find where the interpreter stopped. Every error path
** below goes through SAVE_PC first (RT_ERROR does both).
**
** INVARIANT(stack-valid) (vm.h) is kept by calls: a new frame's top is
** max(base + maxslots, caller's top) (INVARIANT(frame-top)), and the
** slots between the old top and the new one are set to nil. Registers the
** callee has not written yet may hold a caller's dead temporaries: the
** code generator never reads a register before writing it.
**
** Runtime error texts this file emits (LANGUAGE.md section 3 where it has
** them; the rest are ours):
**   Operand must be a number.                 (unary -)
**   Operands must be numbers.                 (- * / % < <= > >=)
**   Operands must be two numbers or two strings.   (+)
**   Undefined variable 'NAME'.                (global read or assignment)
**   Undefined property 'NAME'.
**   Only instances have properties.           (a.b on a value without it)
**   Only instances have fields.               (a.b = v on a non-instance)
**   Only instances have methods.              (a.b() on a value without it)
**   Can only call functions and classes.
**   Expected N arguments but got M.
**   Expected at least N arguments but got M.  (variadic natives)
**   Expected N to M arguments but got K.      (natives with optional args)
**   Superclass must be a class.
**   Stack overflow.
**   Index must be an integer.
**   Index out of range.
**   Key not found.
**   Map key cannot be NaN.
**   Only lists, maps, strings and ranges can be indexed.
**   Only lists and maps support index assignment.
**   Only lists, maps, strings and ranges can be iterated.
**   Collection changed during iteration.
*/
#include "vm/interp.h"

#include <math.h>
#include <stdlib.h>

#include "vm/config.h"
#include "vm/debug.h"
#include "vm/memory.h"
#include "vm/opcodes.h"
#include "vm/print.h"
#include "vm/table_inline.h"
#include "jit/jit.h"

/* GCC's hot label attribute makes it keep the back-edge counter (ticks)
** in a register; without it the counter is spilled and every back-edge
** pays a load-modify-store chain through the stack. */
#if defined(__GNUC__) && !defined(__clang__)
#define LX_HOT_LABEL __attribute__((hot));
#else
#define LX_HOT_LABEL ;
#endif

#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#if defined(__GNUC__) && !defined(LX_NO_COMPUTED_GOTO)
#define LX_COMPUTED_GOTO 1
#else
#define LX_COMPUTED_GOTO 0
#endif

/* Both values are int32s. The upper half of an int is exactly
** 0xFFF90000; among the upper halves that values can have (value.h),
** ANDing two of them gives that only when both are ints. */
static inline bool both_int(Value a, Value b)
{
    /* Testing the top 16 bits suffices: those of a double are at most
    ** 0xFFF8 (NaNs canonical), so ANDing one in cannot give 0xFFF9, and
    ** the asserts below cover the other tags. The 16-bit constant fits
    ** an immediate operand; the 32-bit one took a register. */
    return ((a & b) >> 48) == (LX_TAG_INT >> 48);
}
_Static_assert((LX_TAG_INT & LX_TAG_SPECIAL) >> 48 != 0xFFF9 &&
               (LX_TAG_INT & LX_TAG_OBJ) >> 48 != 0xFFF9 &&
               (LX_TAG_SPECIAL & LX_TAG_OBJ) >> 48 != 0xFFF9,
               "both_int: no two other tags AND to the int tag");

/* An int result from an int operand `like` (holding x): only the low half
** changes, so flipping the bits that differ keeps the tag without
** materialising the 64-bit tag constant (one instruction fewer per
** arithmetic fast path, where registers are scarce). */
static inline Value int_retag(Value like, int32_t x, int32_t r)
{
    return like ^ (uint32_t)(x ^ r);
}

static inline bool both_double(Value a, Value b)
{
    return (a < 0xFFF8000000000000ull) & (b < 0xFFF8000000000000ull);
}

/* The double in a register slot (the slot's type already tested). */
static inline double slot_double(const Value *slot)
{
    double d;
    memcpy(&d, slot, sizeof d);
    return d;
}

/* Store a double result; NaNs canonical (value.h). The test is on the
** floating-point side so the store goes straight from the vector register. */
static inline void store_double(Value *slot, double d)
{
    if (UNLIKELY(d != d)) {
        *slot = LX_CANON_NAN;
        return;
    }
    memcpy(slot, &d, sizeof d);
}

static inline bool lx_equal(Value a, Value b)
{
    if (a == b)
        return a != LX_CANON_NAN;
    if (is_number(a) && is_number(b))
        return as_num(a) == as_num(b);
    if (is_obj(a) && is_obj(b))
        return value_equal(a, b);
    return false;
}

/* -- Upvalues ------------------------------------------------------------ */

static ObjUpvalue *capture_upval(VM *vm, Value *slot)
{
    ObjUpvalue *prev = NULL, *u = vm->open_upvals;
    while (u != NULL && u->location > slot) {
        prev = u;
        u = u->next;
    }
    if (u != NULL && u->location == slot)
        return u;
    ObjUpvalue *nu = upval_new(vm, slot);
    /* upval_new may collect but never moves the stack: slot is valid. */
    nu->next = u;
    if (prev == NULL)
        vm->open_upvals = nu;
    else
        prev->next = nu;
    return nu;
}

ObjUpvalue *vm_capture_upval(VM *vm, Value *slot)
{
    return capture_upval(vm, slot);
}

void vm_close_upvals(VM *vm, Value *last)
{
    while (vm->open_upvals != NULL && vm->open_upvals->location >= last) {
        ObjUpvalue *u = vm->open_upvals;
        u->closed = *u->location;
        u->location = &u->closed;
        vm->open_upvals = u->next;
    }
}

/* -- Calls --------------------------------------------------------------- */

static void grow_frames(VM *vm)
{
    if (vm->frame_count >= LX_MAX_FRAMES)
        vm_error(vm, "Stack overflow.");
    int cap = vm->frame_cap * 2;
    if (cap > LX_MAX_FRAMES)
        cap = LX_MAX_FRAMES;
    CallFrame *f = realloc(vm->frames, sizeof(CallFrame) * (size_t)cap);
    if (f == NULL)
        vm_error(vm, "Out of memory.");
    vm->frames = f;
    vm->frame_cap = cap;
}

void vm_push_frame(VM *vm, ObjClosure *cl, uint32_t at, int argc)
{
    ObjFunction *fn = cl->fn;
    if (argc != fn->arity)
        vm_error(vm, "Expected %d arguments but got %d.", fn->arity, argc);
    if (vm->stack_stress != NULL)
        vm_stress_move(vm);
    if (vm->frame_count >= vm->frame_cap)
        grow_frames(vm);
    uint32_t top = at + (uint32_t)fn->maxslots;
    if (top > vm->stack_cap)
        vm_grow_stack(vm, top - vm->stack_top);
    uint32_t from = at + 1 + (uint32_t)argc;
    if (from < vm->stack_top)
        from = vm->stack_top;
    for (uint32_t s = from; s < top; s++)
        vm->stack[s] = NIL_VAL;
    if (top < vm->stack_top)
        top = vm->stack_top;
    CallFrame *f = &vm->frames[vm->frame_count++];
    f->closure = cl;
    f->consts = fn->consts;
    f->ip = fn->code;
    f->base = at;
    f->top = top;
    vm->stack_top = top;
}

static _Noreturn void native_arity_error(VM *vm, ObjNative *n, int argc)
{
    if (n->arity_min == n->arity_max)
        vm_error(vm, "Expected %d arguments but got %d.", n->arity_min, argc);
    if (n->arity_max < 0)
        vm_error(vm, "Expected at least %d arguments but got %d.", n->arity_min, argc);
    vm_error(vm, "Expected %d to %d arguments but got %d.", n->arity_min, n->arity_max, argc);
}

/* Run a native on stack[at+1 .. at+argc]; stack[at] is its callee slot
** (the receiver for methods) and receives the result. */
static inline void call_native(VM *vm, ObjNative *n, uint32_t at, int argc)
{
    if (UNLIKELY(argc < n->arity_min || (n->arity_max >= 0 && argc > n->arity_max)))
        native_arity_error(vm, n, argc);
    Value r = n->fn(vm, argc, vm->stack + at + 1);
    vm->stack[at] = r;
}

bool vm_call_value(VM *vm, uint32_t at, int argc)
{
    Value callee = vm->stack[at];
    if (is_obj(callee)) {
        switch (as_obj(callee)->type) {
        case OBJ_CLOSURE:
            vm_push_frame(vm, AS_CLOSURE(callee), at, argc);
            return true;
        case OBJ_NATIVE:
            call_native(vm, AS_NATIVE(callee), at, argc);
            return false;
        case OBJ_CLASS: {
            ObjClass *klass = AS_CLASS(callee);
            ObjInstance *in = instance_new(vm, klass);
            vm->stack[at] = obj_val(in);
            if (is_obj_type(klass->init, OBJ_CLOSURE)) {
                vm_push_frame(vm, AS_CLOSURE(klass->init), at, argc);
                return true;
            }
            if (argc != 0)
                vm_error(vm, "Expected 0 arguments but got %d.", argc);
            return false;
        }
        case OBJ_BOUND: {
            ObjBound *b = AS_BOUND(callee);
            vm->stack[at] = b->receiver;
            if (b->method->type == OBJ_CLOSURE) {
                vm_push_frame(vm, (ObjClosure *)b->method, at, argc);
                return true;
            }
            call_native(vm, (ObjNative *)b->method, at, argc);
            return false;
        }
        default: break;
        }
    }
    vm_error(vm, "Can only call functions and classes.");
}

/* -- Slow paths ------------------------------------------------------------
** Out of line so the handlers stay small. Each may raise; the caller has
** saved its pc. */

static Value add_slow(VM *vm, Value a, Value b)
{
    if (is_number(a) && is_number(b))
        return double_val(as_num(a) + as_num(b));
    if (is_obj_type(a, OBJ_STRING) && is_obj_type(b, OBJ_STRING))
        return obj_val(str_concat(vm, AS_STRING(a), AS_STRING(b)));
    vm_error(vm, "Operands must be two numbers or two strings.");
}

static _Noreturn void numbers_error(VM *vm)
{
    vm_error(vm, "Operands must be numbers.");
}

/* Methods of built-in values: the table for v's type, or NULL. */
static Table *builtin_methods(VM *vm, Value v)
{
    if (!is_obj(v))
        return NULL;
    switch (as_obj(v)->type) {
    case OBJ_LIST: return &vm->list_methods;
    case OBJ_MAP: return &vm->map_methods;
    case OBJ_STRING: return &vm->string_methods;
    default: return NULL;
    }
}

/* v.name for everything but an instance field hit. */
static Value get_property(VM *vm, Value v, ObjString *name)
{
    Value out;
    if (is_obj_type(v, OBJ_INSTANCE)) {
        ObjInstance *in = AS_INSTANCE(v);
        if (tab_get(&in->fields, name, &out))
            return out;
        if (tab_get(&in->klass->methods, name, &out))
            return obj_val(bound_new(vm, v, as_obj(out)));
        vm_error(vm, "Undefined property '%s'.", name->chars);
    }
    if (is_obj_type(v, OBJ_MODULE)) {
        if (tab_get(&AS_MODULE(v)->members, name, &out))
            return out;
        vm_error(vm, "Undefined property '%s'.", name->chars);
    }
    Table *methods = builtin_methods(vm, v);
    if (methods == NULL)
        vm_error(vm, "Only instances have properties.");
    if (tab_get(methods, name, &out))
        return obj_val(bound_new(vm, v, as_obj(out)));
    vm_error(vm, "Undefined property '%s'.", name->chars);
}

/* An integral index into a sequence of len items. */
static uint32_t seq_index(VM *vm, Value idx, uint32_t len)
{
    double d;
    if (is_int(idx)) {
        d = as_int(idx);
    } else if (is_double(idx)) {
        d = as_double(idx);
        if (d != floor(d) || isinf(d))
            vm_error(vm, "Index must be an integer.");
    } else {
        vm_error(vm, "Index must be an integer.");
    }
    if (d < 0 || d >= (double)len)
        vm_error(vm, "Index out of range.");
    return (uint32_t)d;
}

static Value get_index(VM *vm, Value o, Value idx)
{
    if (is_obj(o)) {
        switch (as_obj(o)->type) {
        case OBJ_LIST: {
            ObjList *l = AS_LIST(o);
            return l->items[seq_index(vm, idx, l->count)];
        }
        case OBJ_STRING: {
            ObjString *s = AS_STRING(o);
            return obj_val(vm_byte_string(vm, (uint8_t)s->chars[seq_index(vm, idx, s->len)]));
        }
        case OBJ_MAP: {
            Value out;
            if (is_number(idx))
                idx = lx_number(as_num(idx));
            if (!map_get(AS_MAP(o), idx, &out))
                vm_error(vm, "Key not found.");
            return out;
        }
        case OBJ_RANGE: {
            ObjRange *r = AS_RANGE(o);
            double n = range_len(r);
            uint32_t len = n > 4294967295.0 ? 4294967295u : (uint32_t)n;
            uint32_t i = seq_index(vm, idx, len);
            return lx_number(r->start + (double)i * r->step);
        }
        default: break;
        }
    }
    vm_error(vm, "Only lists, maps, strings and ranges can be indexed.");
}

static void set_index(VM *vm, Value o, Value idx, Value v)
{
    if (is_obj_type(o, OBJ_LIST)) {
        ObjList *l = AS_LIST(o);
        l->items[seq_index(vm, idx, l->count)] = v;
        return;
    }
    if (is_obj_type(o, OBJ_MAP)) {
        if (is_number(idx)) {
            double d = as_num(idx);
            if (d != d)
                vm_error(vm, "Map key cannot be NaN.");
            idx = lx_number(d);
        }
        map_set(vm, AS_MAP(o), idx, v);
        return;
    }
    vm_error(vm, "Only lists and maps support index assignment.");
}

/* Register pressure. vm_run keeps vm, frame, base, ip, i, ticks and the
** dispatch table in registers; x86-64 has six callee-saved ones. The rare
** paths that call out (hot loops, the JIT) therefore RELOAD frame, base
** and ip afterwards instead of keeping them alive across the call, which
** lets the compiler hold base in a caller-saved register rather than
** spill it: a spilled base costs a load in every handler. */

/* -- Hot loops ------------------------------------------------------------
** INVARIANT(hot-slice): back-edges are counted down in a register
** (`ticks` in vm_run, set to `slice`) and charged to a loop's counter in
** slices: when ticks runs out, the loop taking that back-edge is charged
** the slice, and the next slice is the smaller of LX_HOTSLICE and what is
** left of that loop's counter, so a loop running alone reaches zero at
** exactly its hotloop-th back-edge; loops that interleave are charged
** approximately. The fast path is one register decrement and branch: no
** memory read-modify-write per back-edge (which would chain every
** iteration through the counter's store). */
#define LX_HOTSLICE 32

static inline uint32_t hot_slice(uint32_t left)
{
    return left == 0 ? 1 : left < LX_HOTSLICE ? left : LX_HOTSLICE;
}

/* Charge `slice` back-edges to loop `loop` of fn. False when its counter
** ran out: the caller then calls the hook (out of line, so the common
** charge stays a few instructions). *next is the next slice. */
static inline bool hot_charge(VM *vm, ObjFunction *fn, int loop, uint32_t slice,
                              uint32_t *next)
{
    if (UNLIKELY(vm->budget != 0) && --vm->budget == 0)
        vm_error(vm, "Execution budget exhausted.");
    uint16_t *h = &fn->hotcounts[loop];
    if (UNLIKELY(*h <= slice)) {
        *next = hot_slice(vm->hotloop);
        return false;
    }
    *h = (uint16_t)(*h - slice);
    *next = hot_slice(*h);
    return true;
}

/* -- The loop ---------------------------------------------------------------- */

#if LX_DEBUG_TRACE_EXEC
static void trace_exec(VM *vm, CallFrame *frame, const Instr *ip, Value *base)
{
    ObjFunction *fn = frame->closure->fn;
    fprintf(stderr, "          ");
    for (int r = 0; r < fn->maxslots && base + r < vm->stack + vm->stack_top; r++) {
        fprintf(stderr, "[");
        value_print(vm, stderr, base[r]);
        fprintf(stderr, "]");
    }
    fprintf(stderr, "\n");
    dbg_instruction(stderr, fn, (int)(ip - fn->code));
}
#define TRACE_EXEC() trace_exec(vm, frame, ip - 1, base)
#else
#define TRACE_EXEC() ((void)0)
#endif

#if LX_COMPUTED_GOTO
#define VMCASE(name)  L_##name:
#define DISPATCH_I()  goto *disp[INS_OP(i)]
#else
#define VMCASE(name)  case OP_##name:
#define DISPATCH_I()  goto do_switch
#endif
#define DISPATCH()    do { i = *ip++; TRACE_EXEC(); DISPATCH_I(); } while (0)

#define RA        (base[INS_A(i)])
#define RB        (base[INS_B(i)])
#define RC        (base[INS_C(i)])
/* The same operands read as bytes of the current word in memory (ip is
** past it): one load each instead of copying and shifting i, which is
** worth it in the hottest handlers. Only where ip has not moved yet. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CUR_B     (((const uint8_t *)ip)[-2])
#define CUR_C     (((const uint8_t *)ip)[-1])
#else
#define CUR_B     INS_B(i)
#define CUR_C     INS_C(i)
#endif
/* The opcode and sBx of the word at p, read from memory the same way. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORD_OP(p)  ((OpCode)((const uint8_t *)(p))[0])
#define WORD_SBX(p) word_sbx(p)
static inline int32_t word_sbx(const Instr *p)
{
    int16_t s;                      /* memcpy: no aliasing questions */
    memcpy(&s, (const unsigned char *)p + 2, sizeof s);
    return s;
}
#else
#define WORD_OP(p)  INS_OP(*(p))
#define WORD_SBX(p) INS_SBX(*(p))
#endif
#define RBM       (base[CUR_B])
#define RCM       (base[CUR_C])
#define KS        (frame->consts) /* the constants: one load, no register */
#define KB        (KS[INS_B(i)])
#define KC        (KS[INS_C(i)])
#define SAVE_PC() (frame->ip = ip)                  /* PROTOCOL(save-pc) */
#define RT_ERROR(...) do { SAVE_PC(); vm_error(vm, __VA_ARGS__); } while (0)
#define RELOAD()                                          \
    do {                                                  \
        frame = &vm->frames[vm->frame_count - 1];         \
        base = vm->stack + frame->base;                   \
        ip = frame->ip;                                   \
    } while (0)

/* A test decided to branch: run its jump word inline. */
#define BRANCH()                                              \
    do {                                                      \
        i = *ip++;                                            \
        if (LIKELY(INS_OP(i) == OP_JMP)) {                    \
            ip += INS_SBX(i);                                 \
            DISPATCH();                                       \
        }                                                     \
        goto backedge;                                        \
    } while (0)
/* The same when the jump word is known to be a loop-family word. */
/* The LOOP word's work is copied here rather than shared through
** do_loop, so each counted loop ends in its own indirect jump (which the
** branch predictor then learns per loop). */
/* i is set only on the rare paths, so the common path tests the opcode
** and fetches the offset straight from memory (WORD_OP, WORD_SBX) instead
** of loading the word and shifting it. */
#define BRANCH_LOOP()                                         \
    do {                                                      \
        const Instr *w_ = ip;                                 \
        if (LIKELY(WORD_OP(w_) == OP_LOOP)) {                 \
            ip = w_ + 1 + WORD_SBX(w_);                       \
            if (UNLIKELY(--ticks == 0)) {                     \
                i = *w_;                                      \
                goto loop_charge;                             \
            }                                                 \
            DISPATCH();                                       \
        }                                                     \
        i = *ip++;                                            \
        DISPATCH_I();                                         \
    } while (0)
#define NO_BRANCH() do { ip++; DISPATCH(); } while (0)
#define DECIDE(cond) do { if ((cond) == (bool)INS_C(i)) BRANCH(); NO_BRANCH(); } while (0)

/* Arithmetic with an int32 fast path. OVF is __builtin_X_overflow. */
#define ARITH(pb_, pc_, OVF, OP, slow)                                    \
    do {                                                                  \
        const Value *pb = (pb_), *pc = (pc_);                             \
        Value vb = *pb, vc = *pc;                                         \
        if (LIKELY(both_int(vb, vc))) {                                   \
            int32_t r_;                                                   \
            if (LIKELY(!OVF(as_int(vb), as_int(vc), &r_))) {              \
                RA = int_retag(vb, as_int(vb), r_);                       \
                DISPATCH();                                               \
            }                                                             \
            RA = double_val((double)as_int(vb) OP (double)as_int(vc));    \
            DISPATCH();                                                   \
        }                                                                 \
        if (LIKELY(both_double(vb, vc))) {                                \
            store_double(&RA, slot_double(pb) OP slot_double(pc));        \
            DISPATCH();                                                   \
        }                                                                 \
        if (is_number(vb) && is_number(vc)) {                             \
            RA = double_val(as_num(vb) OP as_num(vc));                    \
            DISPATCH();                                                   \
        }                                                                 \
        SAVE_PC();                                                        \
        slow;                                                             \
        DISPATCH();                                                       \
    } while (0)

/* Multiplication: an int product of 0 with a negative operand is -0.
** Doubles are tested first: products are mostly floating-point work
** (mandelbrot-like loops), and an int-first test costs them a miss. */
#define ARITH_MUL(pb_, pc_)                                               \
    do {                                                                  \
        const Value *pb = (pb_), *pc = (pc_);                             \
        Value vb = *pb, vc = *pc;                                         \
        if (both_double(vb, vc)) {                                        \
            store_double(&RA, slot_double(pb) * slot_double(pc));         \
            DISPATCH();                                                   \
        }                                                                 \
        if (both_int(vb, vc)) {                                           \
            int32_t x_ = as_int(vb), y_ = as_int(vc), r_;                 \
            if (LIKELY(!__builtin_mul_overflow(x_, y_, &r_)) &&           \
                LIKELY(r_ != 0 || (x_ | y_) >= 0)) {                      \
                RA = int_val(r_);                                         \
                DISPATCH();                                               \
            }                                                             \
            RA = double_val((double)x_ * (double)y_);                     \
            DISPATCH();                                                   \
        }                                                                 \
        if (is_number(vb) && is_number(vc)) {                             \
            RA = double_val(as_num(vb) * as_num(vc));                     \
            DISPATCH();                                                   \
        }                                                                 \
        SAVE_PC();                                                        \
        numbers_error(vm);                                                \
    } while (0)

#define ARITH_DIV(b_, c_)                                                 \
    do {                                                                  \
        Value vb = (b_), vc = (c_);                                       \
        if (LIKELY(is_number(vb) && is_number(vc)))                       \
            RA = lx_number(as_num(vb) / as_num(vc));                      \
        else {                                                            \
            SAVE_PC();                                                    \
            numbers_error(vm);                                            \
        }                                                                 \
        DISPATCH();                                                       \
    } while (0)

#define ARITH_MOD(b_, c_)                                                 \
    do {                                                                  \
        Value vb = (b_), vc = (c_);                                       \
        if (LIKELY(both_int(vb, vc)) && as_int(vc) != 0) {                \
            int32_t x_ = as_int(vb), y_ = as_int(vc), r_;                 \
            if (y_ == -1) {                                               \
                r_ = 0;                                                   \
            } else {                                                      \
                r_ = x_ % y_;                                             \
                if (r_ != 0 && (r_ ^ y_) < 0)                             \
                    r_ += y_;                                             \
            }                                                             \
            RA = int_val(r_);                                             \
        } else if (LIKELY(is_number(vb) && is_number(vc))) {              \
            RA = lx_number(lx_mod(as_num(vb), as_num(vc)));              \
        } else {                                                          \
            SAVE_PC();                                                    \
            numbers_error(vm);                                            \
        }                                                                 \
        DISPATCH();                                                       \
    } while (0)

/* A numeric comparison test. */
#define COMPARE(pa_, pb_, OP)                                             \
    do {                                                                  \
        const Value *pa = (pa_), *pb = (pb_);                             \
        Value va = *pa, vb = *pb;                                         \
        bool r_;                                                          \
        if (LIKELY(both_int(va, vb)))                                     \
            r_ = as_int(va) OP as_int(vb);                                \
        else if (LIKELY(both_double(va, vb)))                  \
            r_ = slot_double(pa) OP slot_double(pb);                      \
        else if (LIKELY(is_number(va) && is_number(vb)))                  \
            r_ = as_num(va) OP as_num(vb);                                \
        else {                                                            \
            SAVE_PC();                                                    \
            numbers_error(vm);                                            \
        }                                                                 \
        DECIDE(r_);                                                       \
    } while (0)

/* A counted-loop test (FOR*): R[A] += step, then branch back while
** R[A] OP limit. The int case stays in registers; anything else takes the
** general path, which raises what ADDI and the test would raise. */
#define FORLOOP(lim_, OP)                                                 \
    do {                                                                  \
        Value vv = RA, vl = (lim_);                                       \
        int32_t st = INS_FORSTEP(i), r_;                                  \
        if (LIKELY(both_int(vv, vl)) &&                                   \
            LIKELY(!__builtin_add_overflow(as_int(vv), st, &r_))) {       \
            RA = int_retag(vv, as_int(vv), r_);                           \
            if (r_ OP as_int(vl))                                         \
                BRANCH_LOOP();                                            \
            NO_BRANCH();                                                  \
        }                                                                 \
        if (is_number(vv)) {                                              \
            vv = double_val(as_num(vv) + st);                             \
        } else {                                                          \
            SAVE_PC();                                                    \
            if (INS_FORSUB(i))                                            \
                numbers_error(vm);                                        \
            vv = add_slow(vm, vv, int_val(st));                           \
        }                                                                 \
        RA = vv;                                                          \
        if (!is_number(vl)) {                                             \
            SAVE_PC();                                                    \
            numbers_error(vm);                                            \
        }                                                                 \
        if (as_num(vv) OP as_num(vl))                                     \
            BRANCH_LOOP();                                                \
        NO_BRANCH();                                                      \
    } while (0)

void vm_run(VM *vm, int stop_frame)
{
#if LX_COMPUTED_GOTO
    static void *const handlers[OP__COUNT] = {
#define LX_OP_LABEL(name, fmt, flags) [OP_##name] = &&L_##name,
        LX_OPCODES(LX_OP_LABEL)
#undef LX_OP_LABEL
    };
    /* -- JIT recording hook -------------------------------------------
    ** While the JIT records a trace, every dispatch goes through
    ** L_record, which calls jit_record before the instruction runs
    ** (jit/jit.h). disp is the table every dispatch reads; it is static
    ** (its address a constant, so dispatching needs no register for it)
    ** and rewritten whole when recording starts or stops, LuaJIT's way.
    ** INVARIANT(disp-mode): disp is `handlers` unless jit_recording() is
    ** true for the VM running; vm_run re-establishes it on entry, so a VM
    ** that unwound mid-recording cannot leave it behind. Recording is
    ** one trace at a time, process-wide in effect. */
    static void *disp[OP__COUNT];
    static int disp_mode = -1;      /* -1 unfilled, 0 handlers, 1 recording */
#define JIT_SYNC()                                                        \
    do {                                                                  \
        int rec_ = jit_recording(vm);                                     \
        if (rec_ != disp_mode) {                                          \
            for (int o_ = 0; o_ < OP__COUNT; o_++)                        \
                disp[o_] = rec_ ? &&L_record : handlers[o_];              \
            disp_mode = rec_;                                             \
        }                                                                 \
    } while (0)
    JIT_SYNC();
#else
    bool recording = jit_recording(vm);
#define JIT_SYNC() (recording = jit_recording(vm))
#endif
    /* -- end of the JIT recording hook -- */
    CallFrame *frame;
    Value ret_val;          /* RET and RETNIL share one return path */
    Value *base;
    uint32_t slice = hot_slice(vm->hotloop);
    uint32_t ticks = slice;           /* back-edges until the next charge */
    const Instr *ip;
    uint64_t i;         /* the instruction, zero-extended (cheaper decoding) */

    RELOAD();
    DISPATCH();

#if !LX_COMPUTED_GOTO
do_switch:
    if (UNLIKELY(recording)) {          /* the JIT recording hook */
        SAVE_PC();
        recording = jit_record(vm, ip - 1);
        i = ip[-1];                     /* it may have changed: see L_record */
    }
    switch (INS_OP(i)) {
#endif

    /* -- Loads and moves -- */
    VMCASE(MOV) { RA = RB; DISPATCH(); }
    VMCASE(LOADK) { RA = KS[INS_BX(i)]; DISPATCH(); }
    VMCASE(LOADI) { RA = int_val(INS_SBX(i)); DISPATCH(); }
    VMCASE(LOADNIL) {
        Value *p = &RA;
        for (uint32_t n = INS_B(i); ; n--) {
            *p++ = NIL_VAL;
            if (n == 0)
                break;
        }
        DISPATCH();
    }
    VMCASE(LOADBOOL) {
        RA = INS_B(i) ? TRUE_VAL : FALSE_VAL;
        if (INS_C(i))
            ip++;
        DISPATCH();
    }

    /* -- Variables -- */
    VMCASE(GETGLOBAL) {
        Value v = vm->globals[INS_BX(i)];
        if (UNLIKELY(v == UNDEF_VAL))
            RT_ERROR("Undefined variable '%s'.", vm->global_names[INS_BX(i)]->chars);
        RA = v;
        DISPATCH();
    }
    VMCASE(SETGLOBAL) {
        Value *g = &vm->globals[INS_BX(i)];
        if (UNLIKELY(*g == UNDEF_VAL))
            RT_ERROR("Undefined variable '%s'.", vm->global_names[INS_BX(i)]->chars);
        *g = RA;
        DISPATCH();
    }
    VMCASE(DEFGLOBAL) { vm->globals[INS_BX(i)] = RA; DISPATCH(); }
    VMCASE(GETUPVAL) { RA = *frame->closure->upvals[INS_B(i)]->location; DISPATCH(); }
    VMCASE(SETUPVAL) { *frame->closure->upvals[INS_B(i)]->location = RA; DISPATCH(); }
    VMCASE(CLOSE) { vm_close_upvals(vm, &RA); DISPATCH(); }

    /* -- Arithmetic -- */
    VMCASE(ADD) ARITH(&RBM, &RCM, __builtin_add_overflow, +, RA = add_slow(vm, vb, vc));
    VMCASE(SUB) ARITH(&RBM, &RCM, __builtin_sub_overflow, -, numbers_error(vm));
    VMCASE(MUL) ARITH_MUL(&RB, &RC);
    VMCASE(DIV) ARITH_DIV(RB, RC);
    VMCASE(MOD) ARITH_MOD(RB, RC);
    VMCASE(ADDK) ARITH(&RB, &KC, __builtin_add_overflow, +, RA = add_slow(vm, vb, vc));
    VMCASE(SUBK) ARITH(&RB, &KC, __builtin_sub_overflow, -, numbers_error(vm));
    VMCASE(MULK) ARITH_MUL(&RB, &KC);
    VMCASE(DIVK) ARITH_DIV(RB, KC);
    VMCASE(MODK) ARITH_MOD(RB, KC);
    VMCASE(ADDI) {
        Value vb = RB;
        int32_t imm = INS_SC(i);
        if (LIKELY(is_int(vb))) {
            int32_t r;
            if (LIKELY(!__builtin_add_overflow(as_int(vb), imm, &r)))
                RA = int_val(r);
            else
                RA = double_val((double)as_int(vb) + imm);
        } else if (LIKELY(is_double(vb))) {
            RA = double_val(as_double(vb) + imm);
        } else {
            SAVE_PC();
            RA = add_slow(vm, vb, int_val(imm));
        }
        DISPATCH();
    }
    VMCASE(NEG) {
        Value vb = RB;
        if (LIKELY(is_int(vb))) {
            int32_t x = as_int(vb);
            if (LIKELY(x != 0 && x != INT32_MIN))
                RA = int_val(-x);
            else
                RA = double_val(-(double)x);
        } else if (LIKELY(is_double(vb))) {
            RA = double_val(-as_double(vb));
        } else {
            RT_ERROR("Operand must be a number.");
        }
        DISPATCH();
    }
    VMCASE(NOT) { RA = bool_val(is_falsey(RB)); DISPATCH(); }

    /* -- Jumps and tests -- */
    VMCASE(JMP) { ip += INS_SBX(i); DISPATCH(); }
    VMCASE(TEST) DECIDE(!is_falsey(RA));
    VMCASE(JLT) COMPARE(&RA, &RB, <);
    VMCASE(JLE) COMPARE(&RA, &RB, <=);
    VMCASE(JEQ) DECIDE(lx_equal(RA, RB));
    VMCASE(JLTK) COMPARE(&RA, &KB, <);
    VMCASE(JLEK) COMPARE(&RA, &KB, <=);
    VMCASE(JGTK) COMPARE(&RA, &KB, >);
    VMCASE(JGEK) COMPARE(&RA, &KB, >=);
    VMCASE(JEQK) DECIDE(lx_equal(RA, KB));
    VMCASE(FORLT) FORLOOP(RBM, <);
    VMCASE(FORLE) FORLOOP(RBM, <=);
    VMCASE(FORGT) FORLOOP(RBM, >);
    VMCASE(FORGE) FORLOOP(RBM, >=);
    VMCASE(FORLTK) FORLOOP(KB, <);
    VMCASE(FORLEK) FORLOOP(KB, <=);
    VMCASE(FORGTK) FORLOOP(KB, >);
    VMCASE(FORGEK) FORLOOP(KB, >=);

    /* -- Loop back-edges -- */
    VMCASE(LOOP) {
    do_loop: LX_HOT_LABEL {
        ip += INS_SBX(i);
        if (UNLIKELY(--ticks == 0))
            goto loop_charge;
        DISPATCH();
    }
    loop_charge:
        /* i is the LOOP word, ip its target. */
        SAVE_PC();
        if (LIKELY(hot_charge(vm, frame->closure->fn, (int)INS_A(i), slice, &slice))) {
            ticks = slice;
            DISPATCH();
        }
        ticks = slice;
        vm_hot_loop(vm, frame->closure->fn, (int)INS_A(i), ip - INS_SBX(i) - 1);
        JIT_SYNC();                     /* the loop may now be recorded */
        RELOAD();       /* base need not live across the calls: see below */
        DISPATCH();
    }
    VMCASE(ILOOP) { ip += INS_SBX(i); DISPATCH(); }
    VMCASE(JLOOP) {
        /* The loop has a trace: run it from the loop head; it returns
        ** where the interpreter goes on, the frame rebuilt (jit/jit.h). */
        ip += INS_SBX(i);
        SAVE_PC();
        frame->ip = jit_run(vm, frame->closure->fn, (int)INS_A(i), base);
        JIT_SYNC();             /* a hot exit may have started a side trace */
        RELOAD();
        DISPATCH();
    }
#if LX_COMPUTED_GOTO
    L_record:
        /* The JIT recording hook: record, then dispatch normally. */
        SAVE_PC();
        if (!jit_record(vm, ip - 1))
            JIT_SYNC();
        RELOAD();
        /* The recording's end may have rewritten this very word (a LOOP
        ** closing its trace is now JLOOP): run what is there now, or the
        ** stale LOOP would charge its counter, which holds the trace's
        ** number from then on. */
        i = ip[-1];
        /* An opaque copy: else the compiler keeps every dispatch's opcode
        ** alive for this one use, a move in every handler. */
        __asm__("" : "+r"(i));
        goto *handlers[INS_OP(i)];
#endif
    backedge:
        /* A test branched through a loop-family word (in i, ip after it). */
        if (LIKELY(INS_OP(i) == OP_LOOP))
            goto do_loop;
        DISPATCH_I();

    /* -- Calls -- */
    {
        ObjClosure *cl;
        Value *fs;
        int argc;

    VMCASE(CALL)
        fs = &RA;
        argc = (int)INS_B(i);
        SAVE_PC();
        if (LIKELY(is_obj_type(*fs, OBJ_CLOSURE))) {
            cl = AS_CLOSURE(*fs);
            goto enter_closure;
        }
        if (vm_call_value(vm, (uint32_t)(fs - vm->stack), argc)) {
            RELOAD();
            DISPATCH();
        }
        RELOAD();
        DISPATCH();

    VMCASE(INVOKE) {
        fs = &RA;
        argc = (int)INS_B(i);
        ObjString *name = AS_STRING(KC);
        Value recv = *fs, m;
        SAVE_PC();
        if (LIKELY(is_obj_type(recv, OBJ_INSTANCE))) {
            ObjInstance *in = AS_INSTANCE(recv);
            Value *slot = tab_lookup(&in->fields, name);
            if (UNLIKELY(slot != NULL)) {
                *fs = *slot;           /* a field holding a callable */
                goto call_any;
            }
            slot = tab_lookup(&in->klass->methods, name);
            if (LIKELY(slot != NULL)) {
                cl = AS_CLOSURE(*slot);
                goto enter_closure;
            }
            RT_ERROR("Undefined property '%s'.", name->chars);
        }
        if (is_obj_type(recv, OBJ_MODULE)) {
            if (!tab_get(&AS_MODULE(recv)->members, name, &m))
                RT_ERROR("Undefined property '%s'.", name->chars);
            if (is_obj_type(m, OBJ_NATIVE)) {
                call_native(vm, AS_NATIVE(m), (uint32_t)(fs - vm->stack), argc);
                RELOAD();
                DISPATCH();
            }
            *fs = m;
            goto call_any;
        }
        Table *methods = builtin_methods(vm, recv);
        if (methods == NULL)
            RT_ERROR("Only instances have methods.");
        if (!tab_get(methods, name, &m))
            RT_ERROR("Undefined property '%s'.", name->chars);
        call_native(vm, AS_NATIVE(m), (uint32_t)(fs - vm->stack), argc);
        RELOAD();
        DISPATCH();
    }

    VMCASE(SUPERINVOKE) {
        fs = &RA;
        argc = (int)INS_B(i);
        ObjClass *super = AS_CLASS(fs[argc + 1]);
        Value m;
        SAVE_PC();
        if (!tab_get(&super->methods, AS_STRING(KC), &m))
            RT_ERROR("Undefined property '%s'.", AS_STRING(KC)->chars);
        cl = AS_CLOSURE(m);
        goto enter_closure;
    }

    call_any:
        if (vm_call_value(vm, (uint32_t)(fs - vm->stack), argc)) {
            RELOAD();
            DISPATCH();
        }
        RELOAD();
        DISPATCH();

    enter_closure: {
        /* The common call: a Lox closure. vm_push_frame inlined; the rare
        ** cases (wrong arity, no frame or stack room, --stress-stack) go
        ** through it. */
        ObjFunction *fn = cl->fn;
        uint32_t at = (uint32_t)(fs - vm->stack);
        uint32_t top = at + (uint32_t)fn->maxslots;
        if (UNLIKELY(argc != fn->arity || vm->frame_count >= vm->frame_cap ||
                     top > vm->stack_cap || vm->stack_stress != NULL)) {
            vm_push_frame(vm, cl, at, argc);
            RELOAD();
            DISPATCH();
        }
        uint32_t from = at + 1 + (uint32_t)argc;
        if (from < vm->stack_top)
            from = vm->stack_top;
        for (Value *p = vm->stack + from, *e = vm->stack + top; p < e; p++)
            *p = NIL_VAL;
        if (top < vm->stack_top)
            top = vm->stack_top;
        frame = &vm->frames[vm->frame_count++];
        frame->closure = cl;
        frame->ip = fn->code;
        frame->base = at;
        frame->top = top;
        vm->stack_top = top;
        base = fs;
        frame->consts = fn->consts;
        ip = fn->code;
        DISPATCH();
    }
    }

    VMCASE(RETNIL) {
        ret_val = NIL_VAL;
        goto do_return;
    }
    VMCASE(RET) {
        ret_val = RA;
    do_return:
        if (vm->open_upvals != NULL && vm->open_upvals->location >= base)
            vm_close_upvals(vm, base);
        base[0] = ret_val;
        if (--vm->frame_count == stop_frame) {
            if (vm->frame_count > 0)
                vm->stack_top = vm->frames[vm->frame_count - 1].top;
            return;
        }
        frame = &vm->frames[vm->frame_count - 1];
        vm->stack_top = frame->top;
        base = vm->stack + frame->base;
        ip = frame->ip;
        DISPATCH();
    }
    VMCASE(CLOSURE) {
        ObjFunction *fn = AS_FUNCTION(KS[INS_BX(i)]);
        SAVE_PC();
        ObjClosure *cl = closure_new(vm, fn);
        RA = obj_val(cl);           /* rooted before capturing allocates */
        for (int u = 0; u < fn->nupvals; u++) {
            UpvalDesc d = fn->upvals[u];
            cl->upvals[u] = d.is_local ? capture_upval(vm, base + d.index)
                                       : frame->closure->upvals[d.index];
        }
        DISPATCH();
    }

    /* -- Classes and properties -- */
    VMCASE(CLASS) {
        SAVE_PC();
        RA = obj_val(class_new(vm, AS_STRING(KS[INS_BX(i)])));
        DISPATCH();
    }
    VMCASE(INHERIT) {
        Value super = RB;
        if (!is_obj_type(super, OBJ_CLASS))
            RT_ERROR("Superclass must be a class.");
        ObjClass *sub = AS_CLASS(RA);
        SAVE_PC();
        tab_add_all(vm, &AS_CLASS(super)->methods, &sub->methods);
        sub->init = AS_CLASS(super)->init;
        DISPATCH();
    }
    VMCASE(METHOD) {
        ObjClass *klass = AS_CLASS(RA);
        ObjString *name = AS_STRING(KC);
        SAVE_PC();
        tab_set(vm, &klass->methods, name, RB);
        if (name == vm->init_string)
            klass->init = RB;
        DISPATCH();
    }
    VMCASE(GETFIELD) {
        Value o = RB;
        ObjString *name = AS_STRING(KC);
        if (LIKELY(is_obj_type(o, OBJ_INSTANCE))) {
            Value *slot = tab_lookup(&AS_INSTANCE(o)->fields, name);
            if (LIKELY(slot != NULL)) {
                RA = *slot;
                DISPATCH();
            }
        }
        SAVE_PC();
        Value v = get_property(vm, o, name);
        RA = v;
        DISPATCH();
    }
    VMCASE(SETFIELD) {
        Value o = RA;
        if (UNLIKELY(!is_obj_type(o, OBJ_INSTANCE)))
            RT_ERROR("Only instances have fields.");
        /* An existing field is overwritten in place; a new one may grow
        ** the table (and so collect). */
        Value *slot = tab_lookup(&AS_INSTANCE(o)->fields, AS_STRING(KB));
        if (LIKELY(slot != NULL)) {
            *slot = RC;
            DISPATCH();
        }
        SAVE_PC();
        tab_set(vm, &AS_INSTANCE(o)->fields, AS_STRING(KB), RC);
        DISPATCH();
    }
    VMCASE(GETSUPER) {
        ObjClass *super = AS_CLASS(RB);
        ObjString *name = AS_STRING(KC);
        Value m;
        SAVE_PC();
        if (!tab_get(&super->methods, name, &m))
            RT_ERROR("Undefined property '%s'.", name->chars);
        ObjBound *b = bound_new(vm, RA, as_obj(m));
        RA = obj_val(b);
        DISPATCH();
    }

    /* -- Lists, maps, indexing -- */
    VMCASE(NEWLIST) {
        SAVE_PC();
        RA = obj_val(list_new(vm, INS_B(i)));
        DISPATCH();
    }
    VMCASE(APPEND) {
        ObjList *l = AS_LIST(RA);
        SAVE_PC();
        for (uint32_t n = 0; n < INS_C(i); n++)
            list_push(vm, l, base[INS_B(i) + n]);
        DISPATCH();
    }
    VMCASE(NEWMAP) {
        SAVE_PC();
        RA = obj_val(map_new(vm));
        DISPATCH();
    }
    VMCASE(GETINDEX) {
        Value o = RB, idx = RC;
        if (LIKELY(is_obj_type(o, OBJ_LIST) && is_int(idx))) {
            ObjList *l = AS_LIST(o);
            if (LIKELY((uint32_t)as_int(idx) < l->count)) {
                RA = l->items[as_int(idx)];
                DISPATCH();
            }
        }
        SAVE_PC();
        Value v = get_index(vm, o, idx);
        RA = v;
        DISPATCH();
    }
    VMCASE(SETINDEX) {
        Value o = RA, idx = RB;
        if (LIKELY(is_obj_type(o, OBJ_LIST) && is_int(idx))) {
            ObjList *l = AS_LIST(o);
            if (LIKELY((uint32_t)as_int(idx) < l->count)) {
                l->items[as_int(idx)] = RC;
                DISPATCH();
            }
        }
        SAVE_PC();
        set_index(vm, o, idx, RC);
        DISPATCH();
    }
    VMCASE(ITERPREP) {
        Value *r = &RA;
        Value o = r[0];
        r[1] = int_val(0);
        r[2] = NIL_VAL;
        if (is_obj(o)) {
            switch (as_obj(o)->type) {
            case OBJ_LIST: r[2] = int_val((int32_t)AS_LIST(o)->count); DISPATCH();
            case OBJ_MAP: r[2] = int_val((int32_t)AS_MAP(o)->version); DISPATCH();
            case OBJ_STRING: DISPATCH();
            case OBJ_RANGE: r[1] = double_val(AS_RANGE(o)->start); DISPATCH();
            default: break;
            }
        }
        RT_ERROR("Only lists, maps, strings and ranges can be iterated.");
    }
    VMCASE(ITERNEXT) {
        Value *r = &RA;
        Obj *o = as_obj(r[0]);
        switch (o->type) {
        case OBJ_LIST: {
            ObjList *l = (ObjList *)o;
            uint32_t pos = (uint32_t)as_int(r[1]);
            if (UNLIKELY(l->count != (uint32_t)as_int(r[2])))
                RT_ERROR("Collection changed during iteration.");
            if (pos < l->count) {
                r[3] = l->items[pos];
                r[1] = int_val((int32_t)pos + 1);
                BRANCH();
            }
            NO_BRANCH();
        }
        case OBJ_MAP: {
            ObjMap *m = (ObjMap *)o;
            if (UNLIKELY(m->version != (uint32_t)as_int(r[2])))
                RT_ERROR("Collection changed during iteration.");
            uint32_t pos = (uint32_t)as_int(r[1]);
            Value key, value;
            if (map_next(m, &pos, &key, &value)) {
                r[3] = key;
                r[1] = int_val((int32_t)pos);
                BRANCH();
            }
            NO_BRANCH();
        }
        case OBJ_STRING: {
            ObjString *s = (ObjString *)o;
            uint32_t pos = (uint32_t)as_int(r[1]);
            if (pos < s->len) {
                r[3] = obj_val(vm_byte_string(vm, (uint8_t)s->chars[pos]));
                r[1] = int_val((int32_t)pos + 1);
                BRANCH();
            }
            NO_BRANCH();
        }
        default: {
            ObjRange *rg = (ObjRange *)o;
            double cur = as_num(r[1]);
            if (rg->step > 0 ? cur < rg->stop : cur > rg->stop) {
                r[3] = lx_number(cur);
                r[1] = double_val(cur + rg->step);
                BRANCH();
            }
            NO_BRANCH();
        }
        }
    }

    /* -- Statements -- */
    VMCASE(PRINT) {
        SAVE_PC();
        value_print(vm, stdout, RA);
        fputc('\n', stdout);
        DISPATCH();
    }
    VMCASE(IMPORT) {
        SAVE_PC();
        vm_import(vm, AS_STRING(KS[INS_BX(i)]), frame->closure->fn);
        RELOAD();
        DISPATCH();
    }

#if !LX_COMPUTED_GOTO
    default:
        LX_ASSERT(false, "unknown opcode");
        abort();
    }
#endif
}
