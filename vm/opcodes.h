/* opcodes.h -- the register bytecode: instruction format and opcode table.
**
** An instruction is one 32-bit word (Instr, vm/object.h):
**
**     31      24 23      16 15       8 7        0
**    +----------+----------+----------+----------+
**    |    C     |    B     |    A     |    op    |   ABC form
**    +----------+----------+----------+----------+
**    |         Bx / sBx    |    A     |    op    |   ABx form
**    +---------------------+----------+----------+
**
** A, B and C name frame registers (R), constants (K: fn->consts), global
** slots (G: vm->globals), upvalues (U) or small immediates, as each
** opcode's format says. Bx is unsigned 16 bits; sBx is the same bits read
** as a signed number (-32768..32767). Register 0 of a frame holds the
** callee closure, or `this` in methods; parameters are R1..R(arity).
**
** Branches. JMP and LOOP carry their own sBx offset, relative to the
** instruction after them. The conditional tests (flag OPF_BRANCH) are two
** words: the test, then a jump word (JMP or a loop-family instruction).
** When the test decides to branch, the interpreter executes the jump word
** inline; otherwise it skips it. So a compare-and-branch costs one
** dispatch, and a loop whose condition sits at the bottom (the code
** generator inverts loops) pays one dispatch for its back-edge test and
** its hot counter together.
**
** Loops. Every loop back-edge is a LOOP word (flag OPF_BACKEDGE): A is the
** loop's index into fn->hotcounts, sBx the jump back to the loop body.
** LOOP decrements the counter and, at zero, calls vm_hot_loop. The JIT
** rewrites a LOOP word in place: ILOOP (never counts again: blacklisted)
** or JLOOP (enters the loop's trace, whose number is then in hot[A]).
** INVARIANT(loop-word-rewritable):
** a loop-family word is only ever reached by dispatching to it, by the
** fall-through of a preceding test, or by the inline back-edge path of a
** test, and all three read its opcode afresh, so rewriting the opcode
** byte is enough. Relied on by: interp.c (BRANCH), the JIT.
**
** ONE table (LX_OPCODES) defines every opcode: the enum, the names, the
** operand formats used by the disassembler, the flags, and the dispatch
** table of the interpreter all expand it.
*/
#ifndef LX_OPCODES_H
#define LX_OPCODES_H

#include <stdint.h>
#include "vm/object.h"

/* -- Operand formats (for the disassembler and the recorder) ----------- */

#define LX_OPFORMATS(X)                                                     \
    X(NONE)   /* no operands                                        */     \
    X(A)      /* R[A]                                                */     \
    X(AB)     /* R[A] R[B]                                           */     \
    X(ABC)    /* R[A] R[B] R[C]                                      */     \
    X(ABK)    /* R[A] R[B] K[C]                                      */     \
    X(ABI)    /* R[A] R[B] signed immediate C                        */     \
    X(AKC)    /* R[A] K[B] C (C a register or a flag, per opcode)    */     \
    X(ABN)    /* R[A] B C as plain numbers (counts, flags)           */     \
    X(ANK)    /* R[A] count B K[C]                                   */     \
    X(ABF)    /* R[A] R[B] flag C                                    */     \
    X(ABS)    /* R[A] R[B] for-step C                                */     \
    X(AKS)    /* R[A] K[B] for-step C                                */     \
    X(AK)     /* R[A] K[Bx]                                          */     \
    X(AG)     /* R[A] G[Bx] (a global slot)                          */     \
    X(AU)     /* R[A] U[B]                                           */     \
    X(AI)     /* R[A] signed immediate sBx                           */     \
    X(J)      /* sBx jump offset                                     */     \
    X(AJ)     /* A (loop index) sBx jump offset                      */

typedef enum {
#define LX_FMT_ENUM(name) OPFMT_##name,
    LX_OPFORMATS(LX_FMT_ENUM)
#undef LX_FMT_ENUM
} OpFormat;

/* Flags. */
#define OPF_BRANCH   0x01  /* a test: the next word is its jump word */
#define OPF_JUMP     0x02  /* has an sBx offset (JMP and the loop family) */
#define OPF_BACKEDGE 0x04  /* a loop back-edge (the loop family) */
#define OPF_CALL     0x08  /* may run Lox code (calls, invokes) */

/* -- The opcode table ---------------------------------------------------
** X(name, format, flags)   followed by a comment saying what it does. */
#define LX_OPCODES(X)                                                        \
    /* Loads and moves. */                                                   \
    X(MOV,       AB,   0)            /* R[A] = R[B]                       */ \
    X(LOADK,     AK,   0)            /* R[A] = K[Bx]                      */ \
    X(LOADI,     AI,   0)            /* R[A] = sBx as an int32 number     */ \
    X(LOADNIL,   ABN,  0)            /* R[A], ..., R[A+B] = nil           */ \
    X(LOADBOOL,  ABN,  0)            /* R[A] = (B != 0); if C, skip next  */ \
    /* Variables. */                                                         \
    X(GETGLOBAL, AG,   0)            /* R[A] = G[Bx], undefined: error    */ \
    X(SETGLOBAL, AG,   0)            /* G[Bx] = R[A], undefined: error    */ \
    X(DEFGLOBAL, AG,   0)            /* G[Bx] = R[A] (top-level var/fun)  */ \
    X(GETUPVAL,  AU,   0)            /* R[A] = U[B]                       */ \
    X(SETUPVAL,  AU,   0)            /* U[B] = R[A]                       */ \
    X(CLOSE,     A,    0)            /* close open upvalues >= R[A]       */ \
    /* Arithmetic: int32 fast path, then doubles, then the error. */        \
    X(ADD,       ABC,  0)            /* R[A] = R[B] + R[C] (or concat)    */ \
    X(SUB,       ABC,  0)            /* R[A] = R[B] - R[C]                */ \
    X(MUL,       ABC,  0)            /* R[A] = R[B] * R[C]                */ \
    X(DIV,       ABC,  0)            /* R[A] = R[B] / R[C]                */ \
    X(MOD,       ABC,  0)            /* R[A] = R[B] % R[C] (floored)      */ \
    X(ADDK,      ABK,  0)            /* R[A] = R[B] + K[C] (K a number)   */ \
    X(SUBK,      ABK,  0)            /* R[A] = R[B] - K[C]                */ \
    X(MULK,      ABK,  0)            /* R[A] = R[B] * K[C]                */ \
    X(DIVK,      ABK,  0)            /* R[A] = R[B] / K[C]                */ \
    X(MODK,      ABK,  0)            /* R[A] = R[B] % K[C]                */ \
    X(ADDI,      ABI,  0)            /* R[A] = R[B] + sC (sC != 0)        */ \
    X(NEG,       AB,   0)            /* R[A] = -R[B]                      */ \
    X(NOT,       AB,   0)            /* R[A] = !R[B] (truthiness)         */ \
    /* Jumps and tests. A test's polarity C: branch when the test's      */ \
    /* outcome equals C. K operands of tests are numbers, except JEQK's. */ \
    X(JMP,       J,    OPF_JUMP)     /* ip += sBx                         */ \
    X(TEST,      ABN,  OPF_BRANCH)   /* branch if truthy(R[A]) == C       */ \
    X(JLT,       ABF,  OPF_BRANCH)   /* branch if (R[A] < R[B]) == C      */ \
    X(JLE,       ABF,  OPF_BRANCH)   /* branch if (R[A] <= R[B]) == C     */ \
    X(JEQ,       ABF,  OPF_BRANCH)   /* branch if (R[A] == R[B]) == C     */ \
    X(JLTK,      AKC,  OPF_BRANCH)   /* branch if (R[A] < K[B]) == C      */ \
    X(JLEK,      AKC,  OPF_BRANCH)   /* branch if (R[A] <= K[B]) == C     */ \
    X(JGTK,      AKC,  OPF_BRANCH)   /* branch if (R[A] > K[B]) == C      */ \
    X(JGEK,      AKC,  OPF_BRANCH)   /* branch if (R[A] >= K[B]) == C     */ \
    X(JEQK,      AKC,  OPF_BRANCH)   /* branch if (R[A] == K[B]) == C     */ \
    /* Counted loops: the step `i = i + n` and the test `i < lim` of a    */ \
    /* for loop in one test (exactly ADDI then a test with polarity 1).   */ \
    /* C: the signed step (-64..63) times two, plus 1 when the source     */ \
    /* wrote `i - n` (for the error text). The jump word is the LOOP.     */ \
    X(FORLT,     ABS,  OPF_BRANCH)   /* R[A] += step; branch if R[A] < R[B]  */ \
    X(FORLE,     ABS,  OPF_BRANCH)   /* ... R[A] <= R[B]                  */ \
    X(FORGT,     ABS,  OPF_BRANCH)   /* ... R[A] > R[B]                   */ \
    X(FORGE,     ABS,  OPF_BRANCH)   /* ... R[A] >= R[B]                  */ \
    X(FORLTK,    AKS,  OPF_BRANCH)   /* R[A] += step; branch if R[A] < K[B]  */ \
    X(FORLEK,    AKS,  OPF_BRANCH)   /* ... R[A] <= K[B]                  */ \
    X(FORGTK,    AKS,  OPF_BRANCH)   /* ... R[A] > K[B]                   */ \
    X(FORGEK,    AKS,  OPF_BRANCH)   /* ... R[A] >= K[B]                  */ \
    /* Loop back-edges (the loop family; see the header comment). */        \
    X(LOOP,      AJ,   OPF_JUMP | OPF_BACKEDGE) /* count hot[A], ip += sBx */ \
    X(ILOOP,     AJ,   OPF_JUMP | OPF_BACKEDGE) /* ip += sBx, never counts */ \
    X(JLOOP,     AJ,   OPF_JUMP | OPF_BACKEDGE) /* ip += sBx, run trace      */ \
                                     /* hot[A] (jit/jit.h: jit_run)       */ \
    /* Calls and functions. */                                               \
    X(CALL,      ABN,  OPF_CALL)     /* R[A] = R[A](R[A+1] .. R[A+B])     */ \
    X(INVOKE,    ANK,  OPF_CALL)     /* R[A] = R[A].K[C](R[A+1]..R[A+B])  */ \
    X(SUPERINVOKE, ANK, OPF_CALL)    /* R[A] = super.K[C](args) on this   */ \
                                     /* R[A], superclass in R[A+B+1]      */ \
    X(RET,       A,    0)            /* return R[A]                       */ \
    X(RETNIL,    NONE, 0)            /* return nil                        */ \
    X(CLOSURE,   AK,   0)            /* R[A] = closure of function K[Bx]  */ \
    /* Classes and properties. */                                            \
    X(CLASS,     AK,   0)            /* R[A] = new class named K[Bx]      */ \
    X(INHERIT,   AB,   0)            /* class R[A] inherits class R[B]    */ \
    X(METHOD,    ABK,  0)            /* R[A].methods[K[C]] = R[B]         */ \
    X(GETFIELD,  ABK,  0)            /* R[A] = R[B].K[C]                  */ \
    X(SETFIELD,  AKC,  0)            /* R[A].K[B] = R[C]                  */ \
    X(GETSUPER,  ABK,  0)            /* R[A] = super(R[B]).K[C] bound to  */ \
                                     /* the receiver in R[A]              */ \
    /* Lists, maps, indexing. */                                             \
    X(NEWLIST,   ABN,  0)            /* R[A] = [] with room for B items   */ \
    X(APPEND,    ABC,  0)            /* push R[B] .. R[B+C-1] on list R[A] */ \
    X(NEWMAP,    A,    0)            /* R[A] = {}                         */ \
    X(GETINDEX,  ABC,  0)            /* R[A] = R[B][R[C]]                 */ \
    X(SETINDEX,  ABC,  0)            /* R[A][R[B]] = R[C]                 */ \
    /* for-in over R[A] (iterable), R[A+1] (position), R[A+2] (length or */ \
    /* version seen at the start); the loop variable is R[A+3].          */ \
    X(ITERPREP,  A,    0)            /* check R[A] is iterable, set state */ \
    X(ITERNEXT,  A,    OPF_BRANCH)   /* if another item: R[A+3] = it and  */ \
                                     /* branch                            */ \
    /* Statements. */                                                        \
    X(PRINT,     A,    0)            /* print R[A] and a newline          */ \
    X(IMPORT,    AK,   OPF_CALL)     /* run file K[Bx] once (R[A] temp)   */

typedef enum {
#define LX_OP_ENUM(name, fmt, flags) OP_##name,
    LX_OPCODES(LX_OP_ENUM)
#undef LX_OP_ENUM
    OP__COUNT
} OpCode;

_Static_assert(OP__COUNT <= 256, "an opcode must fit in 8 bits");
/* The K-compare tests are laid out in the order the code generator's
** operator swap table assumes (codegen.c, cmp_k_op). */
_Static_assert(OP_JLEK == OP_JLTK + 1 && OP_JGTK == OP_JLTK + 2 &&
               OP_JGEK == OP_JLTK + 3, "K-compare order");
/* The arithmetic K forms mirror the register forms one for one. */
_Static_assert(OP_ADDK - OP_ADD == 5 && OP_MODK - OP_MOD == 5,
               "arith K order");
/* The counted-loop tests: LT LE GT GE, then the same with K limits. */
_Static_assert(OP_FORLE == OP_FORLT + 1 && OP_FORGT == OP_FORLT + 2 &&
               OP_FORGE == OP_FORLT + 3 && OP_FORLTK == OP_FORLT + 4 &&
               OP_FORGEK == OP_FORLT + 7, "for-loop test order");

extern const char *const op_names[OP__COUNT];
extern const uint8_t op_formats[OP__COUNT];
extern const uint8_t op_flags[OP__COUNT];

/* -- Encoding and decoding ---------------------------------------------- */

#define LX_MAX_REGS   256    /* registers per frame (A is 8 bits) */
#define LX_MAX_UPVALS 256
#define LX_SBX_MIN    (-32768)
#define LX_SBX_MAX    32767
#define LX_HOTLOOP    56     /* hot counter start (DESIGN.md, hotloop) */

#define INS_OP(i)  ((OpCode)((i) & 0xff))
#define INS_A(i)   (((i) >> 8) & 0xff)
#define INS_B(i)   (((i) >> 16) & 0xff)
#define INS_C(i)   ((i) >> 24)
#define INS_SC(i)  ((int32_t)(int8_t)((i) >> 24))
#define INS_BX(i)  ((i) >> 16)
#define INS_SBX(i) ((int32_t)(i) >> 16)
/* A FOR* instruction's step and its "written as a subtraction" flag. */
#define INS_FORSTEP(i) ((int32_t)(i) >> 25)
#define INS_FORSUB(i)  (INS_C(i) & 1)
#define LX_FORSTEP_MIN (-64)
#define LX_FORSTEP_MAX 63

static inline Instr ins_abc(OpCode op, int a, int b, int c)
{
    return (Instr)op | (Instr)(a & 0xff) << 8 | (Instr)(b & 0xff) << 16 |
           (Instr)(c & 0xff) << 24;
}
static inline Instr ins_abx(OpCode op, int a, int bx)
{
    return (Instr)op | (Instr)(a & 0xff) << 8 | (Instr)(bx & 0xffff) << 16;
}
static inline Instr ins_set_sbx(Instr i, int sbx)
{
    return (i & 0xffff) | (Instr)(sbx & 0xffff) << 16;
}
static inline Instr ins_set_op(Instr i, OpCode op)
{
    return (i & ~(Instr)0xff) | (Instr)op;
}

#endif
