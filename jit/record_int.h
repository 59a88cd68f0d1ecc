/* record_int.h -- the recorder's shared internals, for jit/record.c and
** the handler files split from it (jit/record_call.c, jit/record_iter.c).
** Not a stage API: nothing outside the recorder includes it.
**
** Rec is the state of the instruction being recorded; the small helpers
** every handler uses (slot map, guards, constants, typed values, string-key
** map lookups) are static inline here, and the handlers one file calls in
** another are declared at the end with their `rec_` names.
*/
#ifndef LX_JIT_RECORD_INT_H
#define LX_JIT_RECORD_INT_H

#include "jit/trace.h"

/* Captured slots the recorder tracks at once (more: NYI). */
#define REC_MAXALIAS 16

/* The state of the instruction being recorded. */
typedef struct {
    JitState *J;
    Trace *T;
    Value *base;
    Value *K;
    uint32_t at;        /* pc of the instruction, an index in fn->code */
    int snap;           /* its snapshot, once taken */
    ObjFunction *fn;    /* the function of the frame being recorded */
    uint32_t off;       /* its slot 0, in slots from the trace's base */
    uint32_t link_at;   /* 1 + the pc of an inner loop's JLOOP word the
                        ** instruction's branch jumps through (rec_link,
                        ** once the instruction is recorded); 0: none */
    int nalias;         /* the captured slots before the instruction */
    int alias_g[REC_MAXALIAS];      /* (rec_alias_begin): slot, */
    IRRef alias_ref[REC_MAXALIAS];  /* and the ref it held */
} Rec;

#define FAIL(r, why, detail) (trace_abort((r)->J, (why), (detail)), false)

/* -- Slots, guards, constants ------------------------------------------- */

static inline IRType type_of(Value v)
{
    return is_int(v) ? IRT_INT : is_double(v) ? IRT_NUM : IRT_VAL;
}

/* The IR value of frame slot s: an SLOAD typed by what it holds now (a
** guard at the trace's entry, exit 0) the first time it is read. */
/* Only the trace's own frame has slots to load: an inlined frame's slots
** are all mapped when the call is recorded (arguments by the caller, the
** rest nil), so a miss there cannot happen. */
static inline IRRef get_slot(Rec *r, int s)
{
    Recorder *R = &r->J->rec;
    int g = (int)r->off + s;
    if (R->slot[g] != 0)
        return R->slot[g];
    IRType t = type_of(r->base[s]);
    IRRef ref = ir_emit(r->T, IR_SLOAD, t, g, 0);
    if (ir_can_exit(IR_SLOAD, t))
        r->T->ir[ref].snap = 0;
    R->slot[g] = ref;
    R->sload[g] = ref;
    return ref;
}

static inline void set_slot(Rec *r, int s, IRRef ref)
{
    r->J->rec.slot[r->off + s] = ref;
    r->J->rec.modified[r->off + s] = 1;
}

/* Make ref a guard with this instruction's snapshot. */
static inline bool guard(Rec *r, IRRef ref)
{
    if (r->snap < 0) {
        r->snap = snap_take(r->J, r->T, r->at);
        if (r->snap < 0)
            return FAIL(r, JA_SNAPOV, NULL);
    }
    r->T->ir[ref].snap = (uint16_t)r->snap;
    return true;
}

/* Emit an instruction, as a guard when it can exit. 0 on abort. */
static inline IRRef emit(Rec *r, IROp op, IRType t, IRRef a, IRRef b)
{
    IRRef ref = ir_emit(r->T, op, t, a, b);
    if (ir_can_exit(op, t) && !guard(r, ref))
        return 0;
    return ref;
}

static inline IRRef constant(Rec *r, Value v)
{
    if (is_int(v))
        return ir_kint(r->T, as_int(v));
    if (is_double(v))
        return ir_knum(r->T, as_double(v));
    return ir_kval(r->T, v);
}

static inline IRType ref_type(const Rec *r, IRRef ref)
{
    return (IRType)r->T->ir[ref].t;
}

/* ref (an int or a double) as a double. */
static inline IRRef to_num(Rec *r, IRRef ref)
{
    if (ref_type(r, ref) == IRT_NUM)
        return ref;
    if (r->T->ir[ref].op == IR_KINT)
        return ir_knum(r->T, (double)r->T->ir[ref].a);
    return ir_emit(r->T, IR_CONV, IRT_NUM, ref, 0);
}

/* Object a field load or an item load produced: numbers get their type
** guarded (the IR's types are the values' types). */
static inline IRRef typed_value(Rec *r, IRRef v, Value seen)
{
    if (is_int(seen))
        return emit(r, IR_UNBOX, IRT_INT, v, 0);
    if (is_double(seen))
        return emit(r, IR_UNBOX, IRT_NUM, v, 0);
    return v;
}

/* -- Field slots ------------------------------------------------------------
** INVARIANT(field-hint): FLOAD and FSTORE name their field by two raw
** constants (ir_kpair): k[c] the name (an ObjString *, kept alive by the
** function's constants), k[c + 1] the slot the recorder found it in:
** the table's mask << 32 | the entry's index. The trace reads or writes
** that entry directly behind a guard that the instance's table has that
** mask and the name in that entry (get_field / set_field stencils). For
** MCHECK, k[c + 1] is the receiver's class (a KVAL keeps it alive).
** Equal c is still the same field name; one name at two slots has two c,
** which at run time can only be two objects (one table cannot pass both
** guards, and nothing between two field instructions that leaves fields
** alone changes a table's layout). Relied on by: jit/emit_ops.c
** (field_at, field_known), jit/dump.c, opt_fields (jit/opt_fields.c)
** comparing c. */

/* The k[] index of field name's pair for FLOAD / FSTORE, name being in the
** table t; -1 when its entry is past what a stencil's displacement reaches. */
static inline int32_t rec_field_k(Rec *r, const Table *t, ObjString *name)
{
    if (t->mask >= (1u << 27))
        return -1;
    uint32_t i = name->hash & t->mask;
    while (t->entries[i].key != name)
        i = (i + 1) & t->mask;
    return ir_kpair(r->T, (uint64_t)(uintptr_t)name, (uint64_t)t->mask << 32 | i);
}

/* -- Maps with interned string keys ----------------------------------------
** Looked up in the trace (map_find: the key's cached hash, identity of
** interned strings); other keys, and a long string stored under the same
** hash, are left to C. MFIND gives the entry's address, which MVAL reads
** and MSETV writes right after, within the same instruction (no
** allocation in between can move the map's arrays). */

/* Whether the key is one the trace can look up, and found (*v its value). */
static inline bool map_has_key(Value m, Value key, Value *v)
{
    return is_obj_type(key, OBJ_STRING) && (as_obj(key)->flags & STR_INTERNED) &&
           map_get(AS_MAP(m), key, v);
}

/* The entry of key kr in the map mr, guarded to be there (found) or not. */
static inline IRRef map_entry(Rec *r, IRRef mr, IRRef kr, bool found)
{
    IRRef e = emit(r, IR_MFIND, IRT_VAL, mr, kr);
    IRRef zero = ir_kval(r->T, 0);
    if (!e || !guard(r, ir_emit(r->T, found ? IR_NEV : IR_EQV, IRT_VAL, e, r->T->ir[zero].a)))
        return 0;
    return e;
}

/* -- Captured slots ------------------------------------------------------
** A slot of the trace's frames that an open upvalue points at (captured by
** a closure made before the trace entered, or by a CLOSURE in it) is read
** and written by that closure through memory. INVARIANT(alias): such a
** slot holds in memory the value the trace has for it, until the CLOSE
** or RET that closes it. It does at the entry, and a CLOSURE writes the
** slots it captures first (IR_SSTORE, rec_closure); the recorder keeps it
** so: an instruction that writes such a slot aborts (NYI; checked around
** each instruction, rec_alias_begin/_end), and an inlined closure's
** SETUPVAL through it stores to memory and maps the slot to the stored
** value (its GETUPVAL reads the slot). Closing (IR_UCLOSE) then copies
** memory, without the state rebuilt. The open upvalues are the
** interpreter's while recording; the trace follows the same path, so it
** opens and closes the same ones. */

/* The trace's slot 0 in the stack (where its frame begins). */
static inline Value *rec_frame0(const Rec *r)
{
    VM *vm = r->J->vm;
    return vm->stack + vm->frames[r->J->rec.frame].base;
}

/* The slot (from the trace's frame) an upvalue points at, or -1. */
static inline int alias_slot(const Rec *r, const ObjUpvalue *u)
{
    Value *b = rec_frame0(r);
    if (u->location == &u->closed || u->location < b || u->location >= b + JIT_MAXSLOT)
        return -1;
    return (int)(u->location - b);
}

/* Whether an open upvalue points at the trace's slots at or above g. */
static inline bool alias_above(const Rec *r, int g)
{
    ObjUpvalue *u = r->J->vm->open_upvals;
    return u != NULL && u->location >= rec_frame0(r) + g;
}

/* Before an instruction: remember the captured slots and their refs. */
static inline bool rec_alias_begin(Rec *r)
{
    r->nalias = 0;
    for (ObjUpvalue *u = r->J->vm->open_upvals; u != NULL; u = u->next) {
        if (u->location < rec_frame0(r))
            break;              /* sorted by location, descending */
        int g = alias_slot(r, u);
        if (g < 0)
            return FAIL(r, JA_NYIBC, "a captured slot past the trace's frames");
        if (r->nalias == REC_MAXALIAS)
            return FAIL(r, JA_NYIBC, "so many captured slots");
        r->alias_g[r->nalias] = g;
        r->alias_ref[r->nalias++] = r->J->rec.slot[g];
    }
    return true;
}

/* After it: abort if it wrote a captured slot (only in a register). A
** first read (an SLOAD now mapped) is not a write. */
static inline bool rec_alias_end(Rec *r)
{
    const Recorder *R = &r->J->rec;
    for (int k = 0; k < r->nalias; k++) {
        IRRef was = r->alias_ref[k], now = R->slot[r->alias_g[k]];
        if (now != was && !(was == 0 && now == R->sload[r->alias_g[k]]))
            return FAIL(r, JA_NYIBC, "a write to a captured slot");
    }
    return true;
}

/* A SETUPVAL through an upvalue aliasing trace slot g: g holds v now. */
static inline void alias_store(Rec *r, int g, IRRef v)
{
    r->J->rec.slot[g] = v;
    r->J->rec.modified[g] = 1;
    for (int k = 0; k < r->nalias; k++)
        if (r->alias_g[k] == g)
            r->alias_ref[k] = v;
}

/* -- Handlers shared between the recorder's files ------------------------ */

/* jit/record.c */
bool rec_branch(Rec *r, bool taken, const Instr **next, bool *closed);

/* jit/record_call.c */
bool rec_closure(Rec *r, Instr i);
bool rec_op(Rec *r, Instr i, bool writes_a);
bool rec_call(Rec *r, Instr i, const Instr **next);
bool rec_superinvoke(Rec *r, Instr i, const Instr **next);
bool rec_invoke(Rec *r, Instr i, const Instr **next);
bool rec_return(Rec *r, Instr i, const Instr **next);

/* jit/record_iter.c */
bool rec_iterprep(Rec *r, Instr i);
bool rec_iternext(Rec *r, Instr i, const Instr **next, bool *closed);

#endif
