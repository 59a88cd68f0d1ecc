/* ir.h -- the trace IR: linear, typed SSA, and the Trace that holds it.
**
** A trace is the body of one loop, recorded from the loop head to its
** back-edge. Each IR instruction has an opcode, a type and two operands;
** an operand names an earlier instruction (a REF: its index in ir[]) or is
** a literal (a slot, a global index, an index into the constant table k[]).
** Constants are instructions too (KINT, KNUM, KVAL), so every operand of
** an operation is a ref. There are no phis: the trace is one loop iteration
** and the back-edge carries values as described in jit/emit.c.
**
** Types: INT is an int32 (in a value register, INVARIANT(gpr-int32) of
** jit/abi.h), NUM a double (in a double register), VAL a raw boxed Value
** whose type the trace did not need to know.
**
** Guards. An instruction that can exit carries `snap`, the snapshot to
** restore when it does (jit/snap.c). Which ones can exit is ir_can_exit();
** every assumption the recorder makes is one of them.
*/
#ifndef LX_JIT_IR_H
#define LX_JIT_IR_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/object.h"

#define IR_TYPES(X) X(NONE, "   ") X(INT, "int") X(NUM, "num") X(VAL, "val")

typedef enum {
#define IR_TYPE_ENUM(name, str) IRT_##name,
    IR_TYPES(IR_TYPE_ENUM)
#undef IR_TYPE_ENUM
} IRType;

/* Operand modes: N none, R a ref, L a literal. */
enum { IRM_N, IRM_R, IRM_L };

/* X(name, mode a, mode b, what it computes). Types say int or num where an
** operation has both forms; "exits" says when its guard fails. */
#define IR_OPS(X)                                                             \
    /* Constants. */                                                          \
    X(KINT,   L, N, "the int32 a")                                            \
    X(KNUM,   L, N, "the double whose bits are k[a]")                         \
    X(KVAL,   L, N, "the boxed Value k[a]")                                   \
    /* Loads and stores. */                                                   \
    X(SLOAD,  L, N, "frame slot a at the loop head; int/num exit on type")    \
    X(GLOAD,  L, N, "global slot a; int/num exit on type")                    \
    X(ULOAD,  L, N, "upvalue a of the frame's closure; int/num exit on type") \
    X(GSTORE, L, R, "global slot a = b")                                      \
    X(USTORE, L, R, "upvalue a = b")                                          \
    X(XLOAD,  L, N, "the Value at *(Value **)k[a] (an inlined frame's "       \
                    "upvalue); int/num exit on type")                         \
    X(XSTORE, L, R, "*(Value **)k[a] = b")                                    \
    /* Objects; c is the k[] index of a field or method name. */             \
    X(FLOAD,  R, N, "field c of the instance a; exits unless it has it")     \
    X(FSTORE, R, R, "field c of the instance a = b; exits unless it has it") \
    X(MCHECK, R, R, "exits unless a is an instance with no field c whose "   \
                    "class's method c is the closure b")                     \
    X(ILOAD,  R, R, "item b of the list a; exits unless in range")           \
    X(ISTORE, R, R, "item b of the list a = the ref c; exits unless in "     \
                    "range")                                                  \
    X(UNBOX,  R, N, "the Value a as an int or num; exits unless it is one")  \
    X(LPUSH,  R, R, "append b to the list a; exits unless it has room")      \
    X(LLEN,   R, N, "the length of the list a (int); exits unless a list")   \
    /* Calls to C. */                                                         \
    X(NCALL,  L, R, "call the native b as the CALL/INVOKE its snapshot "     \
                    "stops at (a: NCALL_*, c: the name's k[] index); exits " \
                    "before calling when that would call another callee")    \
    /* Arithmetic. */                                                         \
    X(CONV,   R, N, "the int a as a double")                                  \
    X(TOINT,  R, N, "the double a as an int32; exits unless exact, not -0")   \
    X(ADD,    R, R, "a + b; int exits on overflow")                           \
    X(SUB,    R, R, "a - b; int exits on overflow")                           \
    X(MUL,    R, R, "a * b; int exits on overflow or -0")                     \
    X(DIV,    R, R, "a / b (num only)")                                       \
    X(MOD,    R, R, "a % b floored; int exits when b is 0")                   \
    X(NEG,    R, N, "-a; int exits on 0 and INT32_MIN")                       \
    X(NOT,    R, N, "true if the Value a is falsey, else false")              \
    /* Guards: each exits unless its condition holds. */                     \
    X(LT,     R, R, "a < b (int or num)")                                     \
    X(LE,     R, R, "a <= b")                                                 \
    X(GT,     R, R, "a > b")                                                  \
    X(GE,     R, R, "a >= b")                                                 \
    X(EQ,     R, R, "a == b")                                                 \
    X(NE,     R, R, "a != b")                                                 \
    X(NLT,    R, R, "!(a < b) (num: differs from GE for NaN)")                \
    X(NLE,    R, R, "!(a <= b)")                                              \
    X(NGT,    R, R, "!(a > b)")                                               \
    X(NGE,    R, R, "!(a >= b)")                                              \
    X(TRUTHY, R, N, "the Value a is truthy")                                  \
    X(FALSEY, R, N, "the Value a is nil or false")                            \
    X(EQV,    R, L, "the Value a is k[b] (identity)")                         \
    X(NEV,    R, L, "the Value a is not k[b]")

typedef enum {
#define IR_OP_ENUM(name, ma, mb, doc) IR_##name,
    IR_OPS(IR_OP_ENUM)
#undef IR_OP_ENUM
    IR__COUNT
} IROp;

/* The comparison guards come in this order, negations four after. */
_Static_assert(IR_LE == IR_LT + 1 && IR_GT == IR_LT + 2 && IR_GE == IR_LT + 3 &&
               IR_NLT == IR_LT + 6 && IR_NGE == IR_LT + 9, "compare order");

#define IR_NOSNAP 0xffff

typedef struct {
    uint8_t op;         /* IROp */
    uint8_t t;          /* IRType of the result (or of the operands, guards) */
    uint16_t snap;      /* the snapshot of a guard, else IR_NOSNAP */
    int32_t a, b;       /* refs or literals, per the op's modes */
    int32_t c;          /* a third operand: FLOAD FSTORE MCHECK (a name's k[]
                        ** index), ISTORE (a ref); else 0 */
} IRIns;

typedef int32_t IRRef;

extern const char *const ir_names[IR__COUNT];
extern const uint8_t ir_mode_a[IR__COUNT], ir_mode_b[IR__COUNT];
extern const char *const ir_type_names[];

/* Whether an instruction of this op and type can exit. */
bool ir_can_exit(IROp op, IRType t);

/* -- Snapshots ---------------------------------------------------------- */

/* A snapshot: the slots of the frame modified since the loop head, each
** with the ref holding its value, and the pc to resume at. Slots not in
** the snapshot hold in the frame what they held at the loop head, because
** the trace writes every modified slot back at its back-edge.
** INVARIANT(snap-sorted): entries are sorted by slot, each slot once.
** Relied on by: snap_restore (one pass), the dump. */
typedef struct {
    uint16_t slot;
    uint16_t ref;
} SnapEntry;

typedef struct {
    uint32_t pc;        /* resume at fn->code[pc] */
    uint32_t start;     /* its entries: smap[start .. start + n) */
    uint16_t n;
    uint16_t ref;       /* the first IR instruction after it was taken */
    uint32_t count;     /* times this exit was taken */
    uint16_t nframe;    /* inlined frames to rebuild: sframes[fstart ..] */
    uint8_t leaves;     /* a loop test's exit: the loop ends there */
    uint32_t fstart;
} Snapshot;

/* An inlined call's frame in a snapshot, outermost first. Its pc is in
** the caller: where the caller resumes when it returns (the word after
** the CALL); the snapshot's own pc is in the innermost frame's function.
** INVARIANT(snap-frames-exact): an exit pushes exactly the CallFrames the
** interpreter had at that instruction (same closures, bases, tops). */
typedef struct {
    Value closure;      /* the callee, a KVAL of the trace (so kept alive) */
    uint32_t base;      /* its slot 0, in slots from the trace's frame base */
    uint32_t ret_pc;    /* the caller's pc after the call */
} SnapFrame;

/* -- Where each value lives in machine code (jit/emit.c) ---------------- */

enum { LOC_NONE, LOC_GPR, LOC_FPR, LOC_SPILL, LOC_CONST };

typedef struct {
    uint8_t kind;
    uint8_t idx;        /* register number or spill slot */
} IRLoc;

/* -- A trace ------------------------------------------------------------- */

/* The back-edge: a slot modified in the body, and for one the body also
** read at the head (its SLOAD), the value that goes back into that SLOAD's
** place for the next iteration. */
typedef struct {
    uint16_t slot;
    IRRef val;          /* its value at the end of the body */
    IRRef sload;        /* its SLOAD, or 0 */
} LoopSlot;

typedef struct Trace {
    int no;
    ObjFunction *fn;    /* kept alive by the JIT (mark_extra) */
    int loop;           /* fn->hotcounts index of its loop */
    uint32_t start_pc;  /* the loop head, where the trace starts */
    uint32_t loop_pc;   /* its LOOP word */

    IRIns *ir;
    int nir, ir_cap;
    uint64_t *k;        /* double bits and boxed Values of KNUM, KVAL */
    int nk, k_cap;
    Snapshot *snaps;
    int nsnap, snap_cap;
    SnapEntry *smap;
    int nsmap, smap_cap;
    SnapFrame *sframes;
    int nsframes, sframes_cap;
    LoopSlot *back;
    int nback;
    /* A trace that ends at an inner loop's compiled back-edge instead of
    ** looping: 1 + the snapshot its last stencil exits through (resuming
    ** the interpreter at that JLOOP, which enters the inner trace); 0 for
    ** a looping trace. */
    int link;

    IRLoc *loc;         /* per ref, after emission */
    uint8_t *mcode;
    uint32_t msize;
    uint32_t head_off;  /* where the loop body starts in mcode */
    uint32_t nspill;
    uint32_t entries;   /* times jit_run entered it */
    uint64_t iters;     /* loop iterations it ran, over all entries */
    uint64_t side;      /* exits taken that did not end the loop */
} Trace;

/* Append an instruction; returns its ref. */
IRRef ir_emit(Trace *T, IROp op, IRType t, int32_t a, int32_t b);
/* Interned constants. */
IRRef ir_kint(Trace *T, int32_t i);
IRRef ir_knum(Trace *T, double d);
IRRef ir_kval(Trace *T, Value v);
/* A raw 64-bit constant (an address) with no instruction: its k[] index.
** Never marked by the GC: only for what a KVAL of the trace keeps alive. */
int32_t ir_kraw(Trace *T, uint64_t bits);
/* The boxed Value of a constant ref (KINT, KNUM, KVAL). */
Value ir_kvalue(const Trace *T, IRRef ref);
bool ir_is_const(const Trace *T, IRRef ref);

void trace_free_ir(Trace *T);

#endif
