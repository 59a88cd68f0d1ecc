/* ircheck.h -- the IR checker: a trace's IR invariants, checked after
** recording and after every optimization pass (-O ircheck=1).
**
** The recorder and each pass of jit/opt.h promise the emitter a well
** formed trace: operands that name values defined earlier, types that fit
** each op's stencils, a snapshot on exactly the instructions that can
** exit, snapshots and a back-edge that name live values. A pass that
** breaks one of these produces machine code that is wrong in ways a test
** rarely shows; the checker names the first broken rule, the trace and the
** ref instead. The rules are IRCHECK_RULES; each is stated where it is
** checked (jit/ircheck.c).
*/
#ifndef LX_JIT_IRCHECK_H
#define LX_JIT_IRCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "jit/ir.h"

/* X(name, what it requires) */
#define IRCHECK_RULES(X)                                                      \
    X(OK,       "nothing: the IR is sound")                                   \
    X(HEADER,   "ref 0 is the placeholder; counts, link and loopsnap in "    \
                "range")                                                      \
    X(OP,       "the op is an IR_OPS op with a type rule, the type an "       \
                "IR_TYPES type the op may have")                              \
    X(REF,      "an operand ref is a constant or an earlier instruction "     \
                "with a result, never a NOP or ref 0")                        \
    X(TYPE,     "operand types fit the op (ints to int ops, doubles to "      \
                "num ops, boxed Values where the stencil reads one)")         \
    X(LITERAL,  "a literal operand (k[] index, slot) is in range; an "      \
                "inherited SLOAD's slot is a value of its type in the "      \
                "parent's exit snapshot")                                     \
    X(GUARD,    "an instruction has a snapshot exactly when it can exit "     \
                "(a head GLOAD's is 0; an inherited SLOAD never exits)")      \
    X(NOP,      "a NOP has no type, operands or snapshot")                    \
    X(SNAP,     "a snapshot's entries and frames lie inside the maps, "       \
                "after the previous snapshot's; "                             \
                "snapshot 0 of a root is empty; once completed, the others "  \
                "list every loop-carried slot (INVARIANT(snap-complete))")    \
    X(SORTED,   "INVARIANT(snap-sorted): a snapshot's slots increase")        \
    X(SNAPREF,  "a snapshot entry is a value defined before the guard that "  \
                "uses it (what the entry loads or a constant: anywhere)")     \
    X(BACK,     "the back-edge's slots increase; each value is a valid "      \
                "value, each SLOAD that slot's, of the value's type; a "      \
                "loop-carried global's value has its head load's type")       \
    X(HOIST,    "a hoisted instruction reads only invariants and exits, "     \
                "if at all, through snapshot 0")

typedef enum {
#define IRCHECK_ENUM(name, doc) IRC_##name,
    IRCHECK_RULES(IRCHECK_ENUM)
#undef IRCHECK_ENUM
    IRC__COUNT
} IrRule;

/* The first violation found. */
typedef struct {
    IrRule rule;
    int32_t ref;        /* the instruction (or -1: the trace, a snapshot
                        ** or the back-edge as a whole) */
    char msg[160];      /* what is wrong, for the report */
} IrViolation;

/* Check T's IR. inv is opt_hoist's marking (NULL before it ran). Returns
** IRC_OK, or the first rule broken, described in *v. */
IrRule ircheck(const Trace *T, const uint8_t *inv, IrViolation *v);

/* The ircheck switch's hook: check T after `stage` (a pass name, or
** "recording"); on a violation print it with the trace's number to
** stderr and abort: it is a JIT bug. */
void ircheck_or_abort(const Trace *T, const uint8_t *inv, const char *stage);

/* A rule's name and description, for messages. */
extern const char *const ircheck_rule_names[IRC__COUNT];

#endif
