/* record_iter.c -- the recorder's for-in: ITERPREP and ITERNEXT over
** lists, maps, strings and ranges. rec_ins (jit/record.c) dispatches here;
** the loop test ends in rec_branch there, and the shared helpers are in
** jit/record_int.h.
*/
#include <stddef.h>

#include "jit/record_int.h"

/* -- for-in ---------------------------------------------------------------
** The iterator state (vm/interp.c, ITERPREP/ITERNEXT): R[A] the iterable,
** R[A+1] the position (a list, map or string index, or a range's next
** value as a double), R[A+2] a list's length or a map's version when the
** loop started (nil for strings and ranges), R[A+3] the loop variable.
** Every kind guards its type with the load that needs it (LLEN, MVER,
** SLEN, RANGEF). A changed list or map exits, and the interpreter raises
** "Collection changed during iteration.". */

bool rec_iterprep(Rec *r, Instr i)
{
    int a = (int)INS_A(i);
    Value o = r->base[a];
    IRRef or = get_slot(r, a), n;
    Trace *T = r->T;
    if (is_obj_type(o, OBJ_LIST) || is_obj_type(o, OBJ_MAP)) {
        if (!(n = emit(r, is_obj_type(o, OBJ_LIST) ? IR_LLEN : IR_MVER, IRT_INT, or, 0)))
            return false;
        set_slot(r, a + 1, ir_kint(T, 0));
        set_slot(r, a + 2, n);
        return true;
    }
    if (is_obj_type(o, OBJ_STRING)) {
        if (!emit(r, IR_SLEN, IRT_INT, or, 0))
            return false;
        set_slot(r, a + 1, ir_kint(T, 0));
    } else if (is_obj_type(o, OBJ_RANGE)) {
        if (!(n = emit(r, IR_RANGEF, IRT_NUM, or, (int32_t)offsetof(ObjRange, start))))
            return false;
        set_slot(r, a + 1, ir_emit(T, IR_BOXNUM, IRT_VAL, n, 0));
    } else {
        return FAIL(r, JA_NYITYPE, "ITERPREP");
    }
    set_slot(r, a + 2, ir_kval(T, NIL_VAL));
    return true;
}

/* The branch ITERNEXT took, then, for another round, the item in R[A+3]
** and the position after it in R[A+1]. */
static bool iter_step(Rec *r, int a, bool more, IRRef item, IRRef pos, const Instr **next,
                      bool *closed)
{
    if (!rec_branch(r, more, next, closed))
        return false;
    if (more) {
        set_slot(r, a + 3, item);
        set_slot(r, a + 1, pos);
    }
    return true;
}

/* A range: guard the step's sign and the test as the interpreter made it;
** the loop variable is the position as lx_number gives it (a TOINT guard
** when that is an int, as it is for the integral ranges Lox makes).
** The position R[A+1] is a double for a range but an int for the other
** kinds, which read it as one: so the trace carries it boxed (VAL) and
** unboxes it with an exact guard. A double SLOAD would take an int at the
** entry (a list's position, in a loop that met a range when recorded)
** and an exit would write it back as a double. */
static bool rec_iter_range(Rec *r, int a, IRRef or, const Instr **next, bool *closed)
{
    Trace *T = r->T;
    Recorder *R = &r->J->rec;
    ObjRange *rg = AS_RANGE(r->base[a]);
    Value vp = r->base[a + 1];
    if (!is_double(vp))
        return FAIL(r, JA_NYITYPE, "ITERNEXT");
    double cur = as_double(vp);
    bool up = rg->step > 0;
    bool more = up ? cur < rg->stop : cur > rg->stop;
    int g = (int)r->off + a + 1;
    if (R->slot[g] == 0) {
        R->slot[g] = R->sload[g] = ir_emit(T, IR_SLOAD, IRT_VAL, g, 0);
    }
    /* A side trace has it unboxed already when it inherited it (a VAL
    ** holding a number: jit/record.c, rec_start_side, an exact guard). */
    IRRef pr = R->slot[g];
    if (ref_type(r, pr) == IRT_VAL)
        pr = emit(r, IR_UNBOX, IRT_NUM, pr, 0);
    else if (ref_type(r, pr) != IRT_NUM)
        pr = 0;
    if (!pr)
        return FAIL(r, JA_NYITYPE, "ITERNEXT");
    IRRef stop = emit(r, IR_RANGEF, IRT_NUM, or, (int32_t)offsetof(ObjRange, stop));
    IRRef step = emit(r, IR_RANGEF, IRT_NUM, or, (int32_t)offsetof(ObjRange, step));
    if (!stop || !step || !emit(r, up ? IR_GT : IR_NGT, IRT_NUM, step, ir_knum(T, 0)))
        return false;
    IROp test = up ? (more ? IR_LT : IR_NLT) : (more ? IR_GT : IR_NGT);
    if (!emit(r, test, IRT_NUM, pr, stop))
        return false;
    IRRef it = pr, np = 0;
    if (more) {
        if (is_int(lx_number(cur)) && !(it = emit(r, IR_TOINT, IRT_INT, pr, 0)))
            return false;
        np = ir_emit(T, IR_BOXNUM, IRT_VAL, emit(r, IR_ADD, IRT_NUM, pr, step), 0);
    }
    return iter_step(r, a, more, it, np, next, closed);
}

bool rec_iternext(Rec *r, Instr i, const Instr **next, bool *closed)
{
    Trace *T = r->T;
    int a = (int)INS_A(i);
    Value o = r->base[a], vp = r->base[a + 1], vc = r->base[a + 2];
    IRRef or = get_slot(r, a);
    if (is_obj_type(o, OBJ_RANGE))
        return rec_iter_range(r, a, or, next, closed);
    bool list = is_obj_type(o, OBJ_LIST), map = is_obj_type(o, OBJ_MAP);
    if ((!list && !map && !is_obj_type(o, OBJ_STRING)) || !is_int(vp) ||
        (list && (!is_int(vc) || AS_LIST(o)->count != (uint32_t)as_int(vc))) ||
        (map && (!is_int(vc) || AS_MAP(o)->version != (uint32_t)as_int(vc))))
        return FAIL(r, JA_NYITYPE, "ITERNEXT");
    IRRef pr = get_slot(r, a + 1);
    if (ref_type(r, pr) != IRT_INT)
        return FAIL(r, JA_NYITYPE, "ITERNEXT");
    uint32_t pos = (uint32_t)as_int(vp);
    Value item = NIL_VAL;
    bool more;
    IRRef n, at = pr, g = 0;
    if (list || map) {
        IRRef cr = get_slot(r, a + 2);
        if (ref_type(r, cr) != IRT_INT)
            return FAIL(r, JA_NYITYPE, "ITERNEXT");
        if (!(n = emit(r, list ? IR_LLEN : IR_MVER, IRT_INT, or, 0)) ||
            !emit(r, IR_EQ, IRT_INT, n, cr))
            return false;
    } else if (!(n = emit(r, IR_SLEN, IRT_INT, or, 0))) {
        return false;
    }
    if (map) {
        /* The next live entry: its position, or -1 at the end. */
        Value v;
        uint32_t p = pos;
        more = map_next(AS_MAP(o), &p, &item, &v);
        if (!(at = emit(r, IR_MNEXT, IRT_INT, or, pr)) ||
            !emit(r, more ? IR_GE : IR_LT, IRT_INT, at, ir_kint(T, 0)))
            return false;
        if (more)
            g = emit(r, IR_MKEY, IRT_VAL, or, at);
    } else {
        uint32_t len = list ? AS_LIST(o)->count : AS_STRING(o)->len;
        more = pos < len;
        if (!emit(r, more ? IR_LT : IR_GE, IRT_INT, pr, n))
            return false;
        if (more && list) {
            item = AS_LIST(o)->items[pos];
            g = emit(r, IR_ILOAD, IRT_VAL, or, pr);
        } else if (more) {
            g = emit(r, IR_SBYTE, IRT_VAL, or, pr);
        }
    }
    IRRef it = 0, np = 0;
    if (more && (!g || !(it = typed_value(r, g, item)) ||
                 !(np = emit(r, IR_ADD, IRT_INT, at, ir_kint(T, 1)))))
        return false;
    return iter_step(r, a, more, it, np, next, closed);
}
