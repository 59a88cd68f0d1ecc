/* emit.c -- from IR to machine code: register allocation, then copy and
** patch stencils (jit/patch.c) into the code arena (jit/mcode.c).
**
** Layout of a trace:
**
**     entry:  the SLOADs: load each slot the body reads, with its type
**             guard (exit 0), into the value's home
**     head:   the body, one or a few stencils per IR instruction
**             the back-edge: store each slot modified but not loop-carried
**             into the frame, count the iteration (f7), check the budget
**             (only when one was set), move each loop-carried value into
**             its SLOAD's home, `loop`
**     stubs:  exit_stub n for each snapshot, then exit_common and a trap
**     data, trampolines
**
** Loop-carried values stay in registers. A slot the body reads at the
** head (its SLOAD) and modifies is carried around the loop in its SLOAD's
** home and never written to the frame while the trace runs; every
** snapshot lists it instead (INVARIANT(snap-complete) in jit/ir.h, added
** by snap_complete once the recording ended), so each exit writes it. A
** slot the body modifies without reading it first is stored at the
** back-edge: an exit before the body writes it again must find the last
** iteration's value in the frame, and no register holds that one.
**
** Registers. Every value gets one home for its whole life: a register of
** its class (INT and VAL in r0-r3, NUM in f0-f3, or f4-f6 for NUM) or a
** spill slot, by linear scan over live intervals. An interval runs from
** the definition (0 for SLOADs, globals' head loads and instructions
** hoisted by jit/opt_hoist.c, which run before the head) to the last use,
** where a use is an operand, a snapshot of a guard (the exit must find the
** value) or the back-edge (for an invariant the body reads: its next
** iteration). A value may take the register of one whose last use is its
** own instruction: stencils write their output last and leave every
** register as it was when they exit (INVARIANT(exit-sees-inputs)).
** Operands in spill slots and constants go through scratch registers,
** ones no live value has at that point; an instruction that finds none
** has the allocator keep one more free there (Emit.need, emit_once), and
** only after that fails is the allocation redone with fewer registers
** for homes (4, then 3, then 2).
**
** This file has the trace's layout: the entry, the back-edge, the side
** traces' prologue, entry and tail, the links, placing the code list in
** the arena and patching it (emit_trace). The live intervals and the
** linear scan are in jit/regalloc.c, the stencils of each IR instruction
** and the operand moves they need in jit/emit_ops.c, the state they
** share (Emit, the code list) in jit/emit_int.h.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/emit_int.h"
#include "jit/opt.h"
#include "jit/patch.h"
#include "jit/stencil.h"
#include "vm/config.h"

/* -- The code list ------------------------------------------------------- */

/* TGT_ROOT: a side trace's root's entry (jit/side.c), TGT_ROOTHEAD its
** loop head (emit_head_moves); TGT_LINK: the entry of the trace a link
** jumps to (Trace.ltarget). */
enum { TGT_NONE, TGT_HEAD, TGT_COMMON, TGT_ROOT, TGT_ROOTHEAD, TGT_LINK };

/* -- Entry and back-edge --------------------------------------------------- */

/* Emit.filled: ref r's home, if the entry defined r and r lives in a
** register (of r0-r3/f0-f3). */
static void entry_filled(Emit *e, IRRef r)
{
    IRLoc l = e->T->loc[r];
    bool defined = e->T->ir[r].op == IR_SLOAD || ir_head_load(&e->T->ir[r]) ||
                   e->inv[r] == OPT_HOISTED;
    if (defined && e->end[r] > 0 && (l.kind == LOC_GPR || l.kind == LOC_FPR) && !is_hi(l))
        e->filled[l.kind == LOC_FPR] |= (uint8_t)(1u << l.idx);
}

static bool emit_entry(Emit *e)
{
    Trace *T = e->T;
    /* A NUM slot may hold an int at the head (a variable starting at 0
    ** and holding doubles after one iteration): load_tonum converts it,
    ** which no Lox program can tell apart (value.h,
    ** INVARIANT(number-representation-unobservable)). */
    static const JitTemplate loads[] = {[IRT_INT] = JIT_T_load_int, [IRT_NUM] = JIT_T_load_tonum,
                                        [IRT_VAL] = JIT_T_load_val};
    e->pos = 0;
    e->entry = true;
    e->filled[0] = e->filled[1] = 0;
    /* Those that live in memory first, through registers no load has
    ** filled yet. */
    for (int pass = 0; pass < 2; pass++) {
        for (IRRef r = 1; r < T->nir; r++) {
            IRIns *ins = &T->ir[r];
            IRLoc h = T->loc[r];
            bool inreg = (h.kind == LOC_GPR || h.kind == LOC_FPR) && !is_hi(h);
            if (ins->op != IR_SLOAD || e->end[r] == 0 || inreg != (pass == 1))
                continue;
            e->busy[0] = e->busy[1] = 0;
            int d;
            TRY(d = emit_out(e, r));
            Item *it = item(e, stencil_id(loads[ins->t], d, 0, 0));
            it->slot = ins->a * 8;
            it->exit = 0;
            emit_settle(e, r, d);
            entry_filled(e, r);
        }
    }
    /* The globals read at the head (jit/record.c, head_globals), guarded
    ** by exit 0 like the SLOADs. */
    for (IRRef r = 1; r < T->nir; r++) {
        if (ir_head_load(&T->ir[r]) && e->end[r] > 0 && !emit_ins(e, r))
            return false;
        entry_filled(e, r);
    }
    /* Then what the body computes the same every iteration (jit/opt_hoist.c),
    ** still at position 0: every value the entry defines is live here. */
    for (IRRef r = 1; r < T->nir; r++) {
        if (e->inv[r] == OPT_HOISTED && !emit_ins(e, r))
            return false;
        entry_filled(e, r);
    }
    e->entry = false;
    return true;
}

typedef struct {
    IRLoc dst, src;     /* src.kind LOC_CONST: the constant ref in `k` */
    IRRef k;
    int cls;
    IRType t;
    bool done;
} Move;

static bool same_loc(IRLoc a, IRLoc b)
{
    return a.kind == b.kind && a.idx == b.idx;
}

/* Move one value between places (not both memory unless via scratch). */
static bool emit_move(Emit *e, const Move *m)
{
    int cls = m->cls;
    bool dreg = m->dst.kind != LOC_SPILL && !is_hi(m->dst);
    bool sreg = m->src.kind != LOC_SPILL && m->src.kind != LOC_CONST && !is_hi(m->src);
    int r = dreg ? m->dst.idx : -1;
    if (!dreg && sreg) {
        if (is_hi(m->dst))
            item(e, stencil_id(JIT_T_mov_num_hi, m->dst.idx - HI_FIRST, m->src.idx, 0));
        else
            emit_spill(e, cls, m->src.idx, m->dst.idx);
        return true;
    }
    if (!dreg)
        TRY(r = emit_scratch(e, cls));
    if (m->src.kind == LOC_CONST)
        emit_const(e, cls, r, ir_kvalue(e->T, m->k), m->t);
    else if (m->src.kind == LOC_SPILL)
        emit_reload(e, cls, r, m->src.idx);
    else if (is_hi(m->src))
        item(e, stencil_id(JIT_T_mov_num_lo, r, m->src.idx - HI_FIRST, 0));
    else if (cls)
        item(e, stencil_id(JIT_T_mov_num, r, m->src.idx, 0));
    else
        item(e, stencil_id(JIT_T_mov, r, m->src.idx, 0));
    if (is_hi(m->dst))
        item(e, stencil_id(JIT_T_mov_num_hi, m->dst.idx - HI_FIRST, r, 0));
    else if (!dreg)
        emit_spill(e, cls, r, m->dst.idx);
    return true;
}

/* Store one back-edge slot's value into the frame, boxed by its type (a
** constant as its boxed bits). */
static bool emit_store_back(Emit *e, const LoopSlot *ls)
{
    const Trace *T = e->T;
    e->busy[0] = e->busy[1] = 0;
    IRRef v = ls->val;
    int slot = ls->slot * 8;
    if (ir_is_const(T, v)) {
        Item *it = item(e, JIT_ST_store_k);
        it->slot = slot;
        it->k = ir_kvalue(T, v);
        return true;
    }
    int a;
    TRY(a = emit_in(e, v));
    IRType t = (IRType)T->ir[v].t;
    JitTemplate st = t == IRT_INT ? JIT_T_store_int
                   : t == IRT_NUM ? JIT_T_store_num : JIT_T_store_val;
    item(e, stencil_id(st, a, 0, 0))->slot = slot;
    return true;
}

/* Whether every snapshot but the entry's writes slot. */
static bool in_every_snapshot(const Trace *T, uint32_t slot)
{
    for (int n = 1; n < T->nsnap; n++) {
        const Snapshot *sn = &T->snaps[n];
        bool found = false;
        for (uint32_t k = sn->start; k < sn->start + sn->n && !found; k++)
            found = T->smap[k].slot == slot;
        if (!found)
            return false;
    }
    return true;
}

/* Move m: T's value v (of type t) into the place dst. False (no move)
** when it is there already. */
static bool value_move(Move *m, IRLoc dst, IRType t, const Trace *T, IRRef v)
{
    m->dst = dst;
    m->cls = t == IRT_NUM;
    m->t = t;
    m->k = v;
    m->done = false;
    if (ir_is_const(T, v))
        m->src.kind = LOC_CONST, m->src.idx = 0;
    else
        m->src = T->loc[v];
    return !same_loc(m->src, m->dst);
}

/* Moves mv[0 .. n) done as one parallel move: each destination gets its
** source's value from before any of them ran. */
static bool emit_parallel(Emit *e, Move *mv, int n)
{
    /* A register written by one move must not be a later move's scratch. */
    for (int i = 0; i < n; i++)
        if (mv[i].dst.kind != LOC_SPILL)
            e->fixed[mv[i].cls] |= (uint8_t)(1u << mv[i].dst.idx);
    for (int left = n; left > 0;) {
        bool progress = false;
        for (int i = 0; i < n; i++) {
            if (mv[i].done)
                continue;
            bool blocked = false;
            for (int j = 0; j < n; j++)
                if (j != i && !mv[j].done && same_loc(mv[j].src, mv[i].dst))
                    blocked = true;
            if (blocked)
                continue;
            e->busy[0] = e->busy[1] = 0;
            if (!emit_move(e, &mv[i]))
                return false;
            mv[i].done = true;
            left--;
            progress = true;
        }
        if (left > 0 && !progress) {
            /* A cycle: park one pending move's source in the spare spill
            ** slot and read it from there. */
            for (int i = 0; i < n; i++) {
                if (mv[i].done)
                    continue;
                IRLoc tmp = {LOC_SPILL, SPILL_TMP};
                Move save = {tmp, mv[i].src, 0, mv[i].cls, mv[i].t, false};
                e->busy[0] = e->busy[1] = 0;
                if (!emit_move(e, &save))
                    return false;
                mv[i].src = tmp;
                break;
            }
        }
    }
    return true;
}

static bool emit_backedge(Emit *e)
{
    Trace *T = e->T;
    e->pos = T->nir;
    /* Stores first: they only read. A loop-carried slot is not stored:
    ** every exit writes it (INVARIANT(snap-complete)); nor is a slot every
    ** exit after the entry writes (a temporary the body sets before its
    ** first guard), since then nothing reads it in the frame. */
    for (int b = 0; b < T->nback; b++) {
        if (T->back[b].sload != 0 || in_every_snapshot(T, T->back[b].slot))
            continue;
        if (!emit_store_back(e, &T->back[b]))
            return false;
    }
    /* The iteration count, for the JA_SHORT heuristic of jit/trace.c: f7
    ** counts up, an independent 1-cycle chain; exit_common hands it on in
    ** ctx->iters. */
    item(e, JIT_ST_count_iter);
    /* The budget stop, only when a budget was set by the time the trace
    ** was compiled (jit_run does not enter a trace without it while one
    ** is set): it exits through the back-edge's snapshot, whose values are
    ** all still where they were computed. */
    if (T->budget) {
        Item *bc = item(e, JIT_ST_stop_budget);
        bc->k = (uint64_t)(uintptr_t)&e->J->vm->budget;
        bc->exit = T->loopsnap;
    }
    /* Then the loop-carried values into their SLOADs' homes, as one
    ** parallel move. */
    Move mv[LX_MAX_REGS + JIT_GVALS];    /* slots, then globals (head_globals) */
    int n = 0;
    for (int b = 0; b < T->nback; b++) {
        IRRef x = T->back[b].sload, v = T->back[b].val;
        if (x == 0 || e->end[x] == 0)
            continue;
        n += value_move(&mv[n], T->loc[x], (IRType)T->ir[x].t, T, v);
    }
    /* And the loop-carried globals' last stores into their head loads'. */
    for (int g = 0; g < T->ngback; g++) {
        IRRef x = T->gback[g].load, v = T->gback[g].val;
        if (e->end[x] == 0)
            continue;
        n += value_move(&mv[n], T->loc[x], (IRType)T->ir[x].t, T, v);
    }
    if (!emit_parallel(e, mv, n))
        return false;
    item(e, JIT_ST_loop)->target = TGT_HEAD;
    return true;
}

/* -- Side traces (jit/side.c) ---------------------------------------------- */

/* The prologue: the parent's exit stub jumps here, every register and
** spill slot as the parent's guard left them. It only names the side
** trace as the running one (exits and native calls find their snapshots
** through it) and falls into the entry: the parent snapshot's values are
** the side trace's inherited SLOADs (jit/record.c, rec_start_side), which
** the entry moves into their homes, and every snapshot of the side trace
** and its tail list them, so the frame needs none of them. The ctx_store
** stencil leaves every register and spill slot as it found them. */
static bool emit_side_prologue(Emit *e)
{
    e->pos = 0;
    Item *it = item(e, JIT_ST_ctx_store);
    it->slot = side_running_off();
    it->k = (uint64_t)(uintptr_t)e->T;
    return true;
}

/* Snapshot sn of trace P written to the frame from P's homes (registers,
** spill slots, constants), boxed by IR type: what snap_restore writes for
** it. r0-r3/f0-f3 go first; spill slots and f4-f6 then go through r0/f0,
** which are free by then. The link tail's (emit_link_tail). */
static bool emit_snap_stores(Emit *e, const Trace *P, const Snapshot *sn)
{
    static const JitTemplate st[] = {[IRT_INT] = JIT_T_store_int, [IRT_NUM] = JIT_T_store_num,
                                     [IRT_VAL] = JIT_T_store_val};
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t k = sn->start; k < sn->start + sn->n; k++) {
            IRRef ref = P->smap[k].ref;
            int slot = P->smap[k].slot * 8;
            IRType t = (IRType)P->ir[ref].t;
            if (ir_is_const(P, ref)) {
                if (pass == 0) {
                    Item *it = item(e, JIT_ST_store_k);
                    it->slot = slot;
                    it->k = ir_kvalue(P, ref);
                }
                continue;
            }
            IRLoc l = P->loc[ref];
            bool inreg = l.kind == LOC_GPR || l.kind == LOC_FPR;
            if (t == IRT_NONE || (!inreg && l.kind != LOC_SPILL) ||
                (inreg && (l.kind == LOC_FPR) != (t == IRT_NUM))) {
                e->fail = "a parent snapshot value without a place";
                return false;
            }
            bool direct = inreg && l.idx < 4;
            if (direct != (pass == 0))
                continue;
            int r = direct ? l.idx : 0;
            if (l.kind == LOC_SPILL)
                emit_reload(e, t == IRT_NUM, 0, l.idx);
            else if (!direct)
                item(e, stencil_id(JIT_T_mov_num_lo, 0, l.idx - 4, 0));
            item(e, stencil_id(st[t], r, 0, 0))->slot = slot;
        }
    return true;
}

/* The ref snapshot sn of P has for slot s, or 0 (INVARIANT(snap-sorted)). */
static IRRef snap_ref(const Trace *P, const Snapshot *sn, uint32_t s)
{
    for (uint32_t k = sn->start; k < sn->start + sn->n && P->smap[k].slot <= s; k++)
        if (P->smap[k].slot == s)
            return P->smap[k].ref;
    return 0;
}

static bool low_reg(IRLoc l)
{
    return (l.kind == LOC_GPR || l.kind == LOC_FPR) && !is_hi(l);
}

/* Whether emit_move needs a scratch register for m: neither end is one of
** r0-r3/f0-f3. */
static bool needs_scratch(const Move *m)
{
    return !low_reg(m->dst) && !low_reg(m->src);
}

/* Whether move i is blocked: another pending move reads its destination. */
static bool move_blocked(const Move *mv, int n, int i)
{
    for (int j = 0; j < n; j++)
        if (j != i && !mv[j].done && same_loc(mv[j].src, mv[i].dst))
            return true;
    return false;
}

/* The side entry's parallel move (emit_parallel's rules, with other
** scratch registers): the parent's values are not the side trace's, so
** no interval tells which registers are free. A register is a scratch
** while no pending move reads it and no done move wrote it (a move done
** on entry is a value in its home already); moves that need one (spill
** or f4-f6 to spill or f4-f6) go first whenever there is one, since each
** register move may take one away for good, and one between two spill
** slots may use a register of the other class. A cycle is broken by
** parking one value in the spare spill slot, a register's if the cycle
** has one (which frees it); a parked value's move is on no cycle, so it
** is done before the next cycle needs the slot. False, e->fail set, when
** a move finds no scratch register: the next try has fewer homes. */
static bool emit_inherit_moves(Emit *e, Move *mv, int n)
{
    int pos = e->pos;
    e->pos = -1;        /* no interval of the side trace is live yet */
    uint8_t wrote[2] = {0, 0};
    int left = 0;
    for (int i = 0; i < n; i++) {
        left += !mv[i].done;
        if (mv[i].done && low_reg(mv[i].dst))
            wrote[mv[i].cls] |= (uint8_t)(1u << mv[i].dst.idx);
    }
    bool ok = true, parked = false;
    while (left > 0 && ok) {
        uint8_t taken[2] = {wrote[0], wrote[1]};
        for (int i = 0; i < n; i++)
            if (!mv[i].done && low_reg(mv[i].src))
                taken[mv[i].cls] |= (uint8_t)(1u << mv[i].src.idx);
        bool room[2] = {(taken[0] & 0xf) != 0xf, (taken[1] & 0xf) != 0xf};
        int pick = -1, cls = 0;
        bool stuck = true;      /* every pending move is blocked */
        for (int pass = 0; pass < 2 && pick < 0; pass++)
            for (int i = 0; i < n && pick < 0; i++) {
                Move *m = &mv[i];
                if (m->done || needs_scratch(m) != (pass == 0) || move_blocked(mv, n, i))
                    continue;
                stuck = false;
                bool mem = m->src.kind == LOC_SPILL && m->dst.kind == LOC_SPILL;
                if (!needs_scratch(m) || room[m->cls])
                    pick = i, cls = m->cls;
                else if (mem && room[!m->cls])
                    pick = i, cls = !m->cls;
            }
        e->busy[0] = e->busy[1] = 0;
        e->fixed[0] = taken[0];
        e->fixed[1] = taken[1];
        if (pick >= 0) {
            Move m = mv[pick];
            m.cls = cls;
            ok = emit_move(e, &m);
            mv[pick].done = true;
            left--;
            parked = false;
            if (low_reg(m.dst))
                wrote[cls] |= (uint8_t)(1u << m.dst.idx);
            continue;
        }
        if (!stuck || parked) {
            e->fail = "no scratch register for the side entry's moves";
            ok = false;
            break;
        }
        /* A cycle: park the source of a move that blocks another. */
        int park = -1;
        for (int i = 0; i < n; i++) {
            if (mv[i].done || mv[i].src.kind == LOC_CONST ||
                (mv[i].src.kind == LOC_SPILL && mv[i].src.idx == SPILL_TMP))
                continue;
            bool blocks = false;
            for (int j = 0; j < n && !blocks; j++)
                blocks = j != i && !mv[j].done && same_loc(mv[i].src, mv[j].dst);
            if (blocks && (park < 0 || low_reg(mv[i].src)))
                park = i;
        }
        if (park < 0) {
            e->fail = "no cycle to break in the side entry's moves";
            ok = false;
            break;
        }
        IRLoc tmp = {LOC_SPILL, SPILL_TMP};
        Move save = {tmp, mv[park].src, 0, mv[park].cls, mv[park].t, false};
        ok = emit_move(e, &save);
        mv[park].src = tmp;
        parked = true;
    }
    e->pos = pos;
    e->fixed[0] = e->fixed[1] = 0;
    return ok;
}

/* The entry of a side trace. First each inherited SLOAD into its home
** from the parent's place of its value (a register, f4-f6 or a spill
** slot), all as one parallel move: the parent's and the side trace's
** spill slots are the same ctx->spill, and the parent's registers are
** the side trace's too, so a source may be another move's destination.
** Sources in r0-r3/f0-f3 are never scratch registers meanwhile. Then the
** slots the parent's snapshot does not have are loaded from the frame as
** a root's entry does, with their type guards (exit 0): snapshot 0 lists
** the inherited values, which are in their homes by then, and the loads
** only write homes of their own. */
static bool emit_side_entry(Emit *e)
{
    Trace *T = e->T;
    const Trace *P = T->parent;
    const Snapshot *sn = &P->snaps[T->exit];
    static const JitTemplate loads[] = {[IRT_INT] = JIT_T_load_int, [IRT_NUM] = JIT_T_load_tonum,
                                        [IRT_VAL] = JIT_T_load_val};
    e->pos = 0;
    Move *mv = malloc(sizeof(Move) * ((size_t)sn->n + 1));
    if (mv == NULL)
        abort();
    int n = 0;
    for (IRRef x = 1; x < T->nir; x++) {
        const IRIns *ins = &T->ir[x];
        if (!ir_inherited(ins) || e->end[x] == 0)
            continue;
        IRRef p = snap_ref(P, sn, (uint32_t)ins->a);
        IRLoc l = p > 0 ? P->loc[p] : (IRLoc){LOC_NONE, 0};
        int cls = reg_class(ins);
        bool inreg = l.kind == LOC_GPR || l.kind == LOC_FPR;
        if (p == 0 || ir_is_const(P, p) || P->ir[p].t != ins->t ||
            (!inreg && l.kind != LOC_SPILL) || (inreg && (l.kind == LOC_FPR) != (cls == 1))) {
            free(mv);
            e->fail = "an inherited value without its place in the parent";
            return false;
        }
        Move *m = &mv[n];
        m->dst = T->loc[x];
        m->src = l;
        m->k = 0;
        m->cls = cls;
        m->t = (IRType)ins->t;
        m->done = same_loc(m->src, m->dst);     /* in its home already */
        n++;
    }
    bool ok = emit_inherit_moves(e, mv, n);
    free(mv);
    for (IRRef x = 1; x < T->nir && ok; x++) {
        IRIns *ins = &T->ir[x];
        if (ins->op != IR_SLOAD || ir_inherited(ins) || e->end[x] == 0)
            continue;
        e->busy[0] = e->busy[1] = 0;
        int d = emit_out(e, x);
        if (d < 0) {
            ok = false;
            break;
        }
        Item *it = item(e, stencil_id(loads[ins->t], d, 0, 0));
        it->slot = ins->a * 8;
        it->exit = 0;
        emit_settle(e, x, d);
    }
    for (IRRef r = 1; r < T->nir && ok; r++)
        if (e->inv[r] == OPT_HOISTED && !emit_ins(e, r))
            ok = false;
    return ok;
}

/* The type slot s has in the frame at the end of side trace T, which did
** not write it: the type the root's entry guarded it to have, when no
** trace on the way from the root wrote it. Each side trace inherits its
** parent snapshot's slots and its tail or exits write them, so a slot one
** of those snapshots lists and T's tail does not is one an inlined call's
** return dropped (dead in its caller), whose frame value is not known. */
static IRType tail_type(const Trace *T, uint32_t s, IRType entry)
{
    for (const Trace *X = T; X->parent != NULL; X = X->parent)
        if (snap_ref(X->parent, &X->parent->snaps[X->exit], s) != 0)
            return IRT_NONE;
    return entry;
}

/* Jumping to the root's loop head instead of its entry: every value the
** root keeps in a home there (Trace.headin) is put in that home, as its
** back-edge would: from the side trace's own value of the slot when it
** wrote it, else loaded from the frame (the tail's stores made the frame
** the interpreter's). Only where each type is known to be the one the
** root's entry would have checked, so the loads' guards cannot fail (they
** name the loop snapshot, which the stores already wrote). False, having
** emitted items that the caller drops, where that is not so or registers
** run short; the tail then jumps to the entry. */
static bool emit_head_moves(Emit *e)
{
    static const JitTemplate loads[] = {[IRT_INT] = JIT_T_load_int, [IRT_NUM] = JIT_T_load_tonum,
                                        [IRT_VAL] = JIT_T_load_val};
    const Trace *T = e->T, *R = T->root;
    if (R->headin == NULL)
        return false;
    Move mv[LX_MAX_REGS];
    IRRef ld[LX_MAX_REGS];
    int n = 0, nld = 0;
    e->fixed[0] = e->fixed[1] = 0;
    for (IRRef x = 1; x < R->nir; x++) {
        if (!R->headin[x])
            continue;
        uint32_t s = (uint32_t)R->ir[x].a;
        IRType t = (IRType)R->ir[x].t;
        IRLoc dst = R->loc[x];
        if (n == LX_MAX_REGS || nld == LX_MAX_REGS)
            return false;
        if ((dst.kind == LOC_GPR || dst.kind == LOC_FPR) && !is_hi(dst))
            e->fixed[dst.kind == LOC_FPR] |= (uint8_t)(1u << dst.idx);
        const LoopSlot *ls = NULL;
        for (int b = 0; b < T->nback && ls == NULL; b++)
            if (T->back[b].slot == s)
                ls = &T->back[b];
        if (ls == NULL) {
            if (tail_type(T, s, t) != t)
                return false;
            ld[nld++] = x;
            continue;
        }
        if ((IRType)T->ir[ls->val].t != t)
            return false;
        n += value_move(&mv[n], dst, t, T, ls->val);
    }
    if (!emit_parallel(e, mv, n))
        return false;
    for (int i = 0; i < nld; i++) {
        const IRIns *ins = &R->ir[ld[i]];
        IRLoc dst = R->loc[ld[i]];
        int cls = ins->t == IRT_NUM;
        bool dreg = (dst.kind == LOC_GPR || dst.kind == LOC_FPR) && !is_hi(dst);
        e->busy[0] = e->busy[1] = 0;
        int d = dreg ? dst.idx : emit_scratch(e, cls);
        if (d < 0)
            return false;
        Item *it = item(e, stencil_id(loads[ins->t], d, 0, 0));
        it->slot = ins->a * 8;
        it->exit = T->loopsnap;
        if (is_hi(dst))
            item(e, stencil_id(JIT_T_mov_num_hi, dst.idx - HI_FIRST, d, 0));
        else if (!dreg)
            emit_spill(e, cls, d, dst.idx);
    }
    return true;
}

/* The tail, where the root's back-edge would be: store every slot the
** side trace modified (the frame is then the interpreter's at the loop
** head), count the iteration and check the budget as the back-edge does,
** name the root as the running trace, and jump to its loop head with its
** values in their homes (emit_head_moves), else to its entry, whose SLOAD
** guards check the types it was compiled for. */
static bool emit_side_tail(Emit *e)
{
    Trace *T = e->T;
    const Trace *R = T->root;
    e->pos = T->nir;
    int mark = e->nitems;
    /* Pass 0 jumps to the root's loop head; pass 1, the fallback, to its
    ** entry. Past the entry every exit of the root writes a slot that all
    ** its snapshots but the entry's list (the loop-carried ones among
    ** them), and its side traces inherit it: there the root never reads
    ** it in the frame, so pass 0 does not store it, as the root's own
    ** back-edge does not (emit_backedge). */
    for (int pass = R->headin != NULL ? 0 : 1; pass < 2; pass++) {
        e->nitems = mark;
        e->fail = NULL;
        e->fixed[0] = e->fixed[1] = 0;  /* what a failed emit_head_moves left */
        for (int b = 0; b < T->nback; b++) {
            if (pass == 0 && in_every_snapshot(R, T->back[b].slot))
                continue;
            if (!emit_store_back(e, &T->back[b]))
                return false;
        }
        item(e, JIT_ST_count_iter);
        /* The root's check too: iterations through here skip its
        ** back-edge. */
        if (T->budget || R->budget) {
            Item *bc = item(e, JIT_ST_stop_budget);
            bc->k = (uint64_t)(uintptr_t)&e->J->vm->budget;
            bc->exit = T->loopsnap;
        }
        Item *it = item(e, JIT_ST_ctx_store);
        it->slot = side_running_off();
        it->k = (uint64_t)(uintptr_t)R;
        if (pass == 1 || emit_head_moves(e)) {
            item(e, JIT_ST_loop)->target = pass == 0 ? TGT_ROOTHEAD : TGT_ROOT;
            return true;
        }
    }
    return false;       /* unreachable: pass 1 always ends */
}

/* The end of a trace that links to another tree's loop (Trace.ltarget,
** jit/record.c, rec_link): its link snapshot written to the frame, which
** is then the interpreter's at that loop's JLOOP, the target named as the
** running trace, and a jump to its entry, whose SLOAD guards check the
** types (a mismatch takes its exit 0, resuming the interpreter at its
** loop head). No C call on the way, unlike taking the link exit. */
static bool emit_link_tail(Emit *e)
{
    Trace *T = e->T;
    e->pos = T->nir;
    e->busy[0] = e->busy[1] = 0;
    if (!emit_snap_stores(e, T, &T->snaps[T->link - 1]))
        return false;
    Item *it = item(e, JIT_ST_ctx_store);
    it->slot = side_running_off();
    it->k = (uint64_t)(uintptr_t)T->ltarget;
    item(e, JIT_ST_loop)->target = TGT_LINK;
    return true;
}

/* -- Layout and patching --------------------------------------------------- */

static JitAbort place(Emit *e, const char **detail)
{
    Trace *T = e->T;
    JitState *J = e->J;
    /* Exit stubs, exit_common, trap. */
    int stubs = e->nitems;
    for (int s = 0; s < T->nsnap; s++) {
        Item *it = item(e, JIT_ST_exit_stub);
        it->op0 = s;
        it->target = TGT_COMMON;
    }
    int common = e->nitems;
    item(e, JIT_ST_exit_common);
    item(e, JIT_ST_trap);

    size_t code = 0, data = 0;
    uint32_t *off = malloc(sizeof(uint32_t) * (size_t)(e->nitems + 1));
    if (off == NULL)
        abort();
    for (int i = 0; i < e->nitems; i++) {
        const JitStencil *s = stencil_get(e->items[i].id);
        if (s->name == NULL) {
            free(off);
            *detail = "a stencil that was not built";
            return JA_PATCH;
        }
        off[i] = (uint32_t)code;
        code += s->code_size;
        if (s->data_size)
            data = patch_data_at(s, data) + s->data_size;
    }
    size_t data_at = (code + 15) & ~(size_t)15;
    size_t tramp_at = (data_at + data + 15) & ~(size_t)15;
    size_t total = tramp_at + 4 * PATCH_TRAMP_SIZE;
    uint8_t *mem = mc_begin(J->mc, total);
    if (mem == NULL) {
        free(off);
        return JA_MCODE;
    }
    PatchEnv env;
    memset(&env, 0, sizeof env);
    env.tramp = mem + tramp_at;
    env.tramp_size = 4 * PATCH_TRAMP_SIZE;
    env.value[JIT_SYM_HELPER_EXIT] = (uint64_t)(uintptr_t)exit_handler;
    size_t dat = 0;
    for (int i = 0; i < e->nitems; i++) {
        const Item *it = &e->items[i];
        const JitStencil *s = stencil_get(it->id);
        env.value[JIT_SYM_SLOT] = (uint64_t)(int64_t)it->slot;
        env.value[JIT_SYM_OPERAND0] = (uint64_t)(int64_t)it->op0;
        env.value[JIT_SYM_OPERAND1] = 0;
        env.value[JIT_SYM_CONST] = it->k;
        env.value[JIT_SYM_HELPER] = it->helper;
        /* A guard without an exit would be a bug: make it fault (trap). */
        env.value[JIT_SYM_EXIT] = it->exit >= 0 && it->exit < T->nsnap
                                      ? (uint64_t)(uintptr_t)(mem + off[stubs + it->exit])
                                                : (uint64_t)(uintptr_t)(mem + off[common + 1]);
        env.value[JIT_SYM_TARGET] = it->target == TGT_HEAD
                                        ? (uint64_t)(uintptr_t)(mem + off[e->head])
                                    : it->target == TGT_ROOT
                                        ? (uint64_t)(uintptr_t)T->root->mcode
                                    : it->target == TGT_ROOTHEAD
                                        ? (uint64_t)(uintptr_t)(T->root->mcode + T->root->head_off)
                                    : it->target == TGT_LINK
                                        ? (uint64_t)(uintptr_t)T->ltarget->mcode
                                        : (uint64_t)(uintptr_t)(mem + off[common]);
        uint8_t *d = NULL;
        if (s->data_size) {
            dat = patch_data_at(s, dat);
            d = mem + data_at + dat;
            dat += s->data_size;
        }
        if (!patch_stencil(s, mem + off[i], d, &env)) {
            mc_cancel(J->mc);
            free(off);
            static _Thread_local char msg[200];
            snprintf(msg, sizeof msg, "%s", env.error);
            *detail = msg;
            return JA_PATCH;
        }
    }
    T->mcode = mc_end(J->mc, tramp_at + env.tramp_used);
    T->msize = (uint32_t)(tramp_at + env.tramp_used);
    T->head_off = off[e->head];
    T->stub_off = off[stubs];
    free(off);
    return JA__COUNT;
}

/* What a looping root holds at its loop head (Trace.headin): each SLOAD
** live there, in its home; a side trace's tail that puts them there may
** jump to the head (emit_head_moves). None when a hoisted value or a
** global's head load is live there too: the tail does not make those. */
static void note_head(Emit *e)
{
    Trace *T = e->T;
    uint8_t *h = calloc((size_t)T->nir, 1);
    if (h == NULL)
        abort();
    for (IRRef r = 1; r < T->nir; r++) {
        bool carried = false;
        for (int b = 0; b < T->nback; b++)
            carried |= T->back[b].sload == r;
        if (T->loc[r].kind == LOC_NONE || e->start[r] != 0 ||
            (!carried && e->end[r] < T->nir && !ir_head_load(&T->ir[r])))
            continue;
        if (T->ir[r].op != IR_SLOAD) {
            free(h);
            return;
        }
        h[r] = 1;
    }
    T->headin = h;
}

/* Tries of one register budget (Emit.need) before fewer homes. */
#define JIT_ROOM_TRIES 8

/* One allocation and emission. False when the code ran out of registers
** (Emit.short_pos says where, if that was a scratch register): another
** try may do better. True when it ended, *res saying how: placed, or a
** failure no other allocation mends. */
static bool emit_once(Emit *e, const char **detail, JitAbort *res)
{
    Trace *T = e->T;
    e->nitems = 0;
    e->fixed[0] = e->fixed[1] = 0;
    e->fail = NULL;
    e->short_pos = -1;
    e->entry = false;
    if (!ra_allocate(e))
        return false;
    bool ok = T->parent == NULL ? emit_entry(e) : emit_side_prologue(e) && emit_side_entry(e);
    e->head = e->nitems;
    for (IRRef r = 1; ok && r < T->nir; r++) {
        e->pos = r;
        ok = e->inv[r] == OPT_HOISTED || ir_head_load(&T->ir[r]) || emit_ins(e, r);
    }
    if (!ok)
        return false;
    if (T->link && T->ltarget != NULL) {
        /* It jumps to the trace it links to (emit_link_tail). */
        if (emit_link_tail(e))
            *res = place(e, detail);
        return true;
    }
    if (T->link) {
        /* A linked trace ends by taking its last exit (rec_link). */
        Item *it = item(e, JIT_ST_exit_stub);
        it->op0 = T->link - 1;
        it->target = TGT_COMMON;
        *res = place(e, detail);
        return true;
    }
    if (T->parent != NULL) {
        /* Short of a scratch register for a store: another try. */
        if (!emit_side_tail(e))
            return false;
        *res = place(e, detail);
        return true;
    }
    if (!emit_backedge(e))
        return false;
    *res = place(e, detail);
    if (*res == JA__COUNT)
        note_head(e);
    return true;
}

JitAbort emit_trace(JitState *J, Trace *T, const char **detail)
{
    Emit e;
    memset(&e, 0, sizeof e);
    e.J = J;
    e.T = T;
    e.inv = malloc((size_t)T->nir);
    if (e.inv == NULL)
        abort();
    opt_run(J, T, e.inv);       /* jit/opt.h: the passes, snap_complete */
    T->budget = !T->link && J->vm->budget != 0;
    e.start = calloc((size_t)T->nir, sizeof(int));
    e.end = calloc((size_t)T->nir, sizeof(int));
    T->loc = calloc((size_t)T->nir, sizeof(IRLoc));
    if (e.start == NULL || e.end == NULL || T->loc == NULL)
        abort();
    ra_liveness(&e);
    JitAbort res = JA_REGS;
    /* A try that finds an instruction short of scratch registers asks the
    ** allocator to keep one more free there (Emit.need) and tries again;
    ** only after that fails do all values get fewer homes (K). */
    for (int c = 0; c < 2; c++) {
        e.need[c] = calloc((size_t)T->nir + 1, 1);
        if (e.need[c] == NULL)
            abort();
    }
    for (e.K = 4; e.K >= 2; e.K--) {
        memset(e.need[0], 0, (size_t)T->nir + 1);
        memset(e.need[1], 0, (size_t)T->nir + 1);
        bool ended = false;
        for (int tries = 0; tries < JIT_ROOM_TRIES && !ended; tries++) {
            ended = emit_once(&e, detail, &res);
            if (ended || e.short_pos < 0 || e.need[e.short_cls][e.short_pos] >= 3)
                break;
            e.need[e.short_cls][e.short_pos]++;
        }
        if (ended)
            break;
    }
    free(e.need[0]);
    free(e.need[1]);
    if (res == JA_REGS)
        *detail = e.fail;
    free(e.items);
    free(e.start);
    free(e.end);
    free(e.inv);
    return res;
}
