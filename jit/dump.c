/* dump.c -- -jdump: a compiled trace's IR (with where each value lives),
** its snapshots and its machine code as hex (`objdump -D -b binary -m
** i386:x86-64` reads it back; a disassembler in-process is for later).
**
**   0007 int  ADD    0003 0006  r2  #1      ref, type, op, operands,
**                                            home, snapshot of a guard
**   snap #1 pc 12 line 5: 3=0007 4=0005     slot=ref pairs
*/
#include <stdio.h>

#include "jit/trace.h"

static void dump_loc(FILE *out, IRLoc l)
{
    switch (l.kind) {
    case LOC_GPR: fprintf(out, " r%d", l.idx); break;
    case LOC_FPR: fprintf(out, " f%d", l.idx); break;
    case LOC_SPILL: fprintf(out, " [%d]", l.idx); break;
    default: fprintf(out, "   "); break;
    }
}

static void dump_operand(FILE *out, const Trace *T, uint8_t mode, int32_t v)
{
    if (mode == IRM_R)
        fprintf(out, " %04d", v);
    else if (mode == IRM_L)
        fprintf(out, " #%-3d", v);
    else
        fprintf(out, "     ");
    (void)T;
}

void dump_trace(FILE *out, const Trace *T)
{
    fprintf(out, "---- TRACE %d IR (loop at line %d, head pc %u)\n", T->no,
            trace_line(T->fn, T->loop_pc), T->start_pc);
    for (IRRef r = 1; r < T->nir; r++) {
        const IRIns *ins = &T->ir[r];
        fprintf(out, "%04d %s  %-6s", r, ir_type_names[ins->t], ir_names[ins->op]);
        if (ins->op == IR_KNUM) {
            fprintf(out, " %.17g", as_double(T->k[ins->a]));
        } else if (ins->op == IR_KVAL) {
            fprintf(out, " 0x%016llx", (unsigned long long)T->k[ins->a]);
        } else {
            dump_operand(out, T, ir_mode_a[ins->op], ins->a);
            dump_operand(out, T, ir_mode_b[ins->op], ins->b);
        }
        if (T->loc != NULL)
            dump_loc(out, T->loc[r]);
        if (ins->snap != IR_NOSNAP)
            fprintf(out, "  #%d", ins->snap);
        fputc('\n', out);
    }
    fprintf(out, "---- TRACE %d back-edge:", T->no);
    for (int b = 0; b < T->nback; b++)
        fprintf(out, " %d=%04d%s", T->back[b].slot, T->back[b].val,
                T->back[b].sload ? "*" : "");
    fprintf(out, "   (* loop-carried)\n");
    fprintf(out, "---- TRACE %d snapshots\n", T->no);
    for (int s = 0; s < T->nsnap; s++) {
        const Snapshot *sn = &T->snaps[s];
        fprintf(out, "snap #%d pc %u line %d:", s, sn->pc, trace_line(T->fn, sn->pc));
        for (uint32_t k = sn->start; k < sn->start + sn->n; k++)
            fprintf(out, " %d=%04d", T->smap[k].slot, T->smap[k].ref);
        fputc('\n', out);
    }
    fprintf(out, "---- TRACE %d mcode %u bytes at %p, loop head +%u\n", T->no, T->msize,
            (void *)T->mcode, T->head_off);
    for (uint32_t o = 0; o < T->msize; o += 16) {
        fprintf(out, "%p ", (void *)(T->mcode + o));
        for (uint32_t b = o; b < o + 16 && b < T->msize; b++)
            fprintf(out, " %02x", T->mcode[b]);
        fputc('\n', out);
    }
}
