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

/* -- Handlers shared between the recorder's files ------------------------ */

/* jit/record.c */
bool rec_branch(Rec *r, bool taken, const Instr **next, bool *closed);

/* jit/record_call.c */
bool rec_op(Rec *r, Instr i, bool writes_a);
bool rec_call(Rec *r, Instr i, const Instr **next);
bool rec_superinvoke(Rec *r, Instr i, const Instr **next);
bool rec_invoke(Rec *r, Instr i, const Instr **next);
bool rec_return(Rec *r, Instr i, const Instr **next);

/* jit/record_iter.c */
bool rec_iterprep(Rec *r, Instr i);
bool rec_iternext(Rec *r, Instr i, const Instr **next, bool *closed);

#endif
