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
    X(SLOAD,  L, N, "frame slot a at the loop head; int/num exit on type "   \
                    "(b = 1: inherited by a side trace, never exits)")       \
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
    X(DIV,    R, R, "a / b; int: an exact quotient, exits otherwise")        \
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
    X(NEV,    R, L, "the Value a is not k[b]")                            \
    /* Added by the recorder's wider coverage (jit/record.c). */             \
    X(FADD,   R, R, "field c of the instance a = b, added when new; exits "  \
                    "unless a is an instance whose table has that room")     \
    X(EQVAL,  R, R, "Lox a == b on the two boxed Values; exits unless so")   \
    X(NEVAL,  R, R, "Lox a != b on the two boxed Values; exits unless so")   \
    X(MVER,   R, N, "the version of the map a (int); exits unless a map")    \
    X(MNEXT,  R, R, "the position of the first live entry of the map a at "  \
                    "or after the int b, or -1 (int)")                       \
    X(MKEY,   R, R, "the key of entry b (a position MNEXT gave) of map a")   \
    X(SLEN,   R, N, "the length of the string a (int); exits unless a "      \
                    "string")                                                \
    X(SBYTE,  R, R, "the one-byte string of byte b (an int in range) of "    \
                    "the string a")                                          \
    X(RANGEF, R, L, "the double at byte offset b of the range a; exits "     \
                    "unless a is a range")                                   \
    X(NALLOC, L, R, "an NCALL_OP (a) that allocates an instance of the "     \
                    "class b: without the state rebuilt when it cannot "     \
                    "collect (jit/ncall.c, ncall_alloc)")                    \
    X(FTAB,   L, R, "an NCALL_OP (a) SETFIELD on the instance b: gives its " \
                    "field table entries if it has none (ncall_fields)")     \
    X(BRECV,  R, R, "the receiver of the bound method a; exits unless a is " \
                    "one whose method is the closure b")                     \
    X(BOXNUM, R, N, "the double a as a boxed Value")                         \
    X(SCODE,  R, R, "byte b (an int in range) of the string a, as an int")   \
    X(MFIND,  R, R, "the address of the entry of key b (an interned "        \
                    "string) in the map a, or 0 (raw, never a slot's "       \
                    "value); exits unless a map and such a key")             \
    X(MVAL,   R, N, "the value of the map entry at address a (MFIND's)")     \
    X(MSETV,  R, R, "the value of the map entry at address a = b")      \
    /* Added by the optimizer (jit/opt.h). */                                 \
    X(NOP,    N, N, "nothing: an instruction an optimizer pass removed")  \
    /* Closures capturing locals (jit/record.c, INVARIANT(alias)). */        \
    X(SSTORE, L, R, "frame slot a = b: a slot a closure captures next")      \
    X(CLOS,   L, R, "an NCALL_OP (a) CLOSURE of the function b capturing "   \
                    "locals: without the state rebuilt when it cannot "      \
                    "collect (jit/ncall.c, ncall_closure)")                  \
    X(UCLOSE, L, L, "an NCALL_OP (a) closing the open upvalues at or above " \
                    "frame slot b (ncall_close); never exits")                \
    X(CULOAD, R, L, "upvalue b of the closure a (one the trace made); "      \
                    "int/num exit on type")

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

/* A snapshot: the slots whose value in the frame differs from the
** interpreter's at its pc, each with the ref holding the value, and the pc
** to resume at. Those are the slots modified since the loop head and,
** once snap_complete ran, every loop-carried slot (one the body reads at
** the head and modifies: jit/emit.c keeps it in a register around the
** loop, so the frame holds its value from the trace's entry), as its
** SLOAD when the snapshot comes before the body modifies it.
** INVARIANT(snap-complete): a slot not in a snapshot holds in the frame
** what the interpreter has there at the snapshot's pc: the value from the
** loop head, which the back-edge stores for slots modified but not
** loop-carried (unless every snapshot lists them). A root's snapshot 0
** (the entry) is empty: the frame is the interpreter's there; a side
** trace's lists the values it inherits from its parent (all modified from
** its start: jit/record.c, rec_start_side), in their homes before its
** entry's guards run (jit/emit.c, emit_side_entry). Relied on by:
** emit.c (the back-edge), snap_restore_call, side traces (jit/side.c).
** INVARIANT(snap-sorted): entries are sorted by slot, each slot once.
** Relied on by: snap_restore (one pass), snap_complete (merge), the dump. */
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
    bool fresh;         /* the callee is a closure the trace made (IR_CLOS):
                        ** pushed as the one in its slot 0, whose function
                        ** is closure's (jit/snap.c, push_frames) */
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

/* A global the loop reads at its head and writes in its body: its GLOAD
** (a head load, b = 1: loaded by the entry) takes the value the body
** stored last for the next iteration, as a loop-carried slot's SLOAD does
** (jit/record.c, head_globals). The stores stay where they are, so
** memory always holds the global and exits need nothing. */
typedef struct {
    IRRef load, val;
} GlobalLoop;

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
    /* A trace that ends at another loop's compiled back-edge instead of
    ** looping: 1 + its link snapshot (resuming the interpreter at that
    ** JLOOP), which its tail writes before jumping to that loop's trace
    ** (ltarget below), or which its last stencil exits through when there
    ** is no ltarget; 0 for a looping trace. A side trace whose path leaves
    ** the loop ends with such an exit, resuming after the loop
    ** (jit/record.c, side_leave). */
    int link;
    /* The back-edge's snapshot (snap_complete): every modified slot at the
    ** end of the body, resuming at the head; what the budget stop exits
    ** through. -1 when there is none (a linked trace). */
    int loopsnap;
    bool budget;        /* the back-edge checks vm->budget (emit.c) */

    IRLoc *loc;         /* per ref, after emission */
    uint8_t *mcode;
    uint32_t msize;
    uint32_t head_off;  /* where the loop body starts in mcode */
    uint32_t nspill;
    uint32_t entries;   /* times jit_run entered it, or a run that
                        ** reached it through a link left from it */
    uint64_t iters;     /* loop iterations it ran, over all entries */
    uint64_t side;      /* exits taken that did not end the loop */
    uint64_t ends;      /* entries that ended at a loop-ending exit */

    /* Side traces (jit/side.c). A side trace starts at exit `exit` of
    ** `parent` and ends by jumping to the entry of `root` (or of another
    ** loop's trace, ltarget, or by an exit); fn, loop,
    ** start_pc and loop_pc are the root's. A root has parent NULL and
    ** root itself. INVARIANT(side-tree): a tree lives and dies as one
    ** (dropping a root drops every trace whose root it is), so these
    ** pointers never dangle. Relied on by: side.c, trace.c. */
    struct Trace *parent;
    struct Trace *root;
    int exit;
    uint32_t stub_off;  /* exit stub 0 in mcode; stub n is n stubs on,
                        ** exit_common right after the last one */
    uint8_t *xstate;    /* per snapshot: side-trace state (side.c) */
    /* A trace whose end reaches the compiled loop of another tree (an
    ** inner loop's JLOOP, or, for a side trace, any JLOOP at depth 0):
    ** the root its last stencils jump to, the link snapshot written to
    ** the frame first (jit/emit.c, emit_link_tail); NULL when it ends by
    ** exiting there. INVARIANT(link-target): dropping a tree drops every
    ** tree with a trace that jumps into it (trace.c, drop_tree), so this
    ** never dangles. Relied on by: emit.c (TGT_LINK), trace.c, side.c. */
    struct Trace *ltarget;
    /* A root that loops, per ref: 1 for an SLOAD whose home holds its
    ** value at the loop head, which its side traces' tails fill to jump
    ** there (jit/emit.c, emit_head_moves); NULL for other traces, or when
    ** the head needs more than SLOADs. */
    uint8_t *headin;
    GlobalLoop *gback;  /* the loop-carried globals */
    int ngback;
} Trace;

/* Whether ins reads ref x as an operand (not through its snapshot). */
static inline bool ir_reads(const IRIns *ins, IRRef x)
{
    return (ir_mode_a[ins->op] == IRM_R && ins->a == x) ||
           (ir_mode_b[ins->op] == IRM_R && ins->b == x) || (ins->op == IR_ISTORE && ins->c == x);
}

/* Whether x goes back to the head at the back-edge: a slot's or a
** global's value for the next iteration (Trace.back, Trace.gback). */
bool ir_back_value(const Trace *T, IRRef x);

/* A GLOAD the entry does (a global read at the loop head: GlobalLoop). */
static inline bool ir_head_load(const IRIns *ins)
{
    return ins->op == IR_GLOAD && ins->b == 1;
}

/* An SLOAD a side trace inherits (b = 1): the value its parent's exit
** snapshot has for the slot, of the parent's IR type, which the side
** entry moves from the parent's place (jit/emit.c, emit_side_entry). It
** never exits (no snapshot): the type is known, and the frame need not
** hold the value (jit/record.c, rec_start_side). */
#define IR_SLOAD_INHERIT 1

static inline bool ir_inherited(const IRIns *ins)
{
    return ins->op == IR_SLOAD && ins->b == IR_SLOAD_INHERIT;
}

/* Append an instruction; returns its ref. */
IRRef ir_emit(Trace *T, IROp op, IRType t, int32_t a, int32_t b);
/* Interned constants. */
IRRef ir_kint(Trace *T, int32_t i);
IRRef ir_knum(Trace *T, double d);
IRRef ir_kval(Trace *T, Value v);
/* A raw 64-bit constant (an address) with no instruction: its k[] index.
** Never marked by the GC: only for what a KVAL of the trace keeps alive. */
int32_t ir_kraw(Trace *T, uint64_t bits);
/* Two raw constants at k[i] and k[i + 1] (the same rule): returns i. */
int32_t ir_kpair(Trace *T, uint64_t first, uint64_t second);
/* The boxed Value of a constant ref (KINT, KNUM, KVAL). */
Value ir_kvalue(const Trace *T, IRRef ref);
bool ir_is_const(const Trace *T, IRRef ref);

void trace_free_ir(Trace *T);

/* snap.c: when the recording ended, add the loop-carried slots to every
** snapshot that lacks them and append the back-edge's snapshot; returns
** its number. */
int snap_complete(Trace *T);

#endif
