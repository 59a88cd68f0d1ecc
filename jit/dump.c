/* dump.c -- -jdump: everything about a compiled trace, in sections:
**
**   ==== TRACE 1: loop at prog.lox:6 in sumTo, pc 3..9 (perf: its name)
**   ==== TRACE 2: side of trace 1 exit 3 at prog.lox:7 in sumTo, loop
**                 pc 3..9 (perf: ...)   a side trace (jit/side.c): where
**                 it starts, then its root's loop as above
**   ---- TRACE 1 source       the lines the loop spans, with their text
**   ---- TRACE 1 bytecode     the loop's instructions (vm/debug.c format)
**                             and the functions the trace inlined
**   ---- TRACE 1 IR           one IR instruction a line:
**   0007 int  ADD    0003 0006  r2  #1      ref, type, op, operands,
**                                           home, snapshot of a guard
**   ---- TRACE 1 back-edge / snapshots
**   snap #1 pc 12 line 5: 3=0007 4=0005     slot=ref pairs
**   ---- TRACE 1 mcode        capstone's disassembly (jit/disasm.h)
**
** Addresses vary from run to run; the section lines do not (tests look
** for them). -jdump=FILE sends it all to FILE (dump_sink).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/disasm.h"
#include "jit/trace.h"
#include "vm/debug.h"

/* -- Where it goes --------------------------------------------------------- */

/* INVARIANT(dump-sink-once): the -jdump=FILE file is opened at most once
** per process, truncated, and stays open; it is flushed after each trace
** so it is complete whenever the program stops. */
static FILE *sink_file;
static const char *sink_path;

FILE *dump_sink(VM *vm)
{
    const char *path = vm->jit_opts.dump_file;
    if (path == NULL || path[0] == '\0')
        return stderr;
    if (sink_path != NULL && strcmp(sink_path, path) == 0)
        return sink_file != NULL ? sink_file : stderr;
    if (sink_file != NULL)
        fclose(sink_file);
    sink_path = path;
    sink_file = fopen(path, "w");
    if (sink_file == NULL)
        fprintf(stderr, "loxjit: -jdump: cannot write %s; dumping to stderr\n", path);
    return sink_file != NULL ? sink_file : stderr;
}

/* -- Source and bytecode --------------------------------------------------- */

static const char *fn_source(const ObjFunction *fn)
{
    return fn->source != NULL ? fn->source->chars : "?";
}

/* The text of the file at path, NULL when it cannot be read ("<stdin>",
** "-e" code); the caller frees it. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, len = 0;
    char *text = malloc(cap + 1);
    size_t n;
    while (text != NULL && (n = fread(text + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *t = realloc(text, cap * 2 + 1);
            if (t == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = t;
            cap *= 2;
        }
    }
    fclose(f);
    if (text != NULL)
        text[len] = '\0';
    return text;
}

/* Lines lo..hi of fn's file, each as "FILE:LINE | text". */
static void dump_source(FILE *out, const ObjFunction *fn, int lo, int hi)
{
    const char *path = fn_source(fn);
    char *text = read_text(path);
    const char *p = text;
    for (int line = 1; p != NULL && *p != '\0' && line <= hi; line++) {
        const char *eol = strchr(p, '\n');
        int len = eol != NULL ? (int)(eol - p) : (int)strlen(p);
        if (line >= lo)
            fprintf(out, "%s:%-4d| %.*s\n", path, line, len, p);
        p = eol != NULL ? eol + 1 : NULL;
    }
    if (text == NULL)
        fprintf(out, "%s:%d-%d (source text not available)\n", path, lo, hi);
    free(text);
}

static const char *fn_name(const ObjFunction *fn)
{
    return fn->name != NULL ? fn->name->chars : "<script>";
}

/* The functions of the calls the trace inlined, each once, with their
** source and bytecode. They are found through the snapshots' frames, so
** a callee with no guard of its own (nothing can exit inside it) is not
** listed: its IR is in the caller's anyway. */
static void dump_inlined(FILE *out, const Trace *T)
{
    for (int k = 0; k < T->nsframes; k++) {
        const ObjFunction *fn = ((ObjClosure *)as_obj(T->sframes[k].closure))->fn;
        bool seen = false;
        for (int j = 0; j < k && !seen; j++)
            seen = ((ObjClosure *)as_obj(T->sframes[j].closure))->fn == fn;
        if (seen || fn->ncode == 0)
            continue;
        int lo = fn->lines[0], hi = lo;
        for (int pc = 0; pc < fn->ncode; pc++) {
            if (fn->lines[pc] > 0 && fn->lines[pc] < lo)
                lo = fn->lines[pc];
            if (fn->lines[pc] > hi)
                hi = fn->lines[pc];
        }
        fprintf(out, "inlined %s (%s:%d):\n", fn_name(fn), fn_source(fn), lo);
        dump_source(out, fn, lo, hi);
        dbg_disassemble(out, (ObjFunction *)fn, false);
    }
}

static void dump_header_source_bytecode(FILE *out, const Trace *T)
{
    const ObjFunction *fn = T->fn;
    uint32_t from = T->start_pc, to = T->loop_pc;
    if (to >= (uint32_t)fn->ncode)
        to = (uint32_t)fn->ncode - 1;
    int lo = trace_line(fn, from), hi = lo;
    for (uint32_t pc = from; pc <= to; pc++) {
        int l = fn->lines[pc];
        if (l > 0 && l < lo)
            lo = l;
        if (l > hi)
            hi = l;
    }
    /* The loop's line is its LOOP word's; perf names the trace by the
    ** head's line (jit/perf.h), shown too so the two can be matched. */
    if (T->parent != NULL) {
        /* Where it starts: the exit's pc, in its innermost inlined frame. */
        const Snapshot *sn = &T->parent->snaps[T->exit];
        const ObjFunction *at = fn;
        if (sn->nframe > 0)
            at = ((ObjClosure *)as_obj(
                      T->parent->sframes[sn->fstart + sn->nframe - 1].closure))->fn;
        fprintf(out, "==== TRACE %d: side of trace %d exit %d at %s:%d in %s, pc %u; loop at "
                     "%s:%d in %s, pc %u..%u (perf: lox-trace-%d %s:%d)\n",
                T->no, T->parent->no, T->exit, fn_source(at), trace_line(at, sn->pc),
                fn_name(at), sn->pc, fn_source(fn), trace_line(fn, T->loop_pc), fn_name(fn),
                from, T->loop_pc, T->no, fn_source(fn), trace_line(fn, from));
    } else {
        fprintf(out, "==== TRACE %d: loop at %s:%d in %s, pc %u..%u (perf: lox-trace-%d %s:%d)\n",
                T->no, fn_source(fn), trace_line(fn, T->loop_pc), fn_name(fn), from,
                T->loop_pc, T->no, fn_source(fn), trace_line(fn, from));
    }
    fprintf(out, "---- TRACE %d source (lines %d-%d)\n", T->no, lo, hi);
    dump_source(out, fn, lo, hi);
    fprintf(out, "---- TRACE %d bytecode (pc %u..%u; pc line op operands)\n", T->no, from,
            T->loop_pc);
    for (uint32_t pc = from; pc <= to; pc++)
        dbg_instruction(out, (ObjFunction *)fn, (int)pc);
    dump_inlined(out, T);
}

/* -- IR and snapshots ------------------------------------------------------ */
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

/* The field or method name of a field instruction; for FLOAD and FSTORE
** the entry the trace expects it in and the table's mask (@index/mask),
** for MCHECK the class the receiver must have (INVARIANT(field-hint) in
** jit/record_int.h). */
static void dump_field(FILE *out, const Trace *T, const IRIns *ins)
{
    if (ins->op != IR_FLOAD && ins->op != IR_FSTORE && ins->op != IR_FADD &&
        ins->op != IR_MCHECK)
        return;
    const ObjString *name = (const ObjString *)(uintptr_t)T->k[ins->c];
    fprintf(out, "  .%s", name->chars);
    if (ins->op == IR_FLOAD || ins->op == IR_FSTORE) {
        uint64_t at = T->k[ins->c + 1];
        fprintf(out, "@%u/%u", (unsigned)(uint32_t)at, (unsigned)(at >> 32));
    } else if (ins->op == IR_MCHECK) {
        const ObjClass *klass = (const ObjClass *)(uintptr_t)T->k[ins->c + 1];
        fprintf(out, " of class %s", klass->name->chars);
    }
}

static void dump_ir(FILE *out, const Trace *T)
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
            if (ir_inherited(ins))
                fputs(" inh ", out);    /* from the parent's exit (side.c) */
            else
                dump_operand(out, T, ir_mode_b[ins->op], ins->b);
        }
        if (T->loc != NULL)
            dump_loc(out, T->loc[r]);
        if (ins->snap != IR_NOSNAP)
            fprintf(out, "  #%d", ins->snap);
        dump_field(out, T, ins);
        fputc('\n', out);
    }
    /* A side trace's tail stores these and enters its root (side.c). */
    fprintf(out, "---- TRACE %d %s:", T->no, T->parent != NULL ? "tail" : "back-edge");
    for (int b = 0; b < T->nback; b++)
        fprintf(out, " %d=%04d%s", T->back[b].slot, T->back[b].val,
                T->back[b].sload ? "*" : "");
    fprintf(out, "   (* loop-carried)\n");
    fprintf(out, "---- TRACE %d snapshots\n", T->no);
    for (int s = 0; s < T->nsnap; s++) {
        const Snapshot *sn = &T->snaps[s];
        const ObjFunction *fn = T->fn;
        if (sn->nframe > 0)
            fn = ((ObjClosure *)as_obj(T->sframes[sn->fstart + sn->nframe - 1].closure))->fn;
        fprintf(out, "snap #%d pc %u line %d:", s, sn->pc, trace_line(fn, sn->pc));
        /* Inlined frames: [base@return pc in the caller]. */
        for (uint32_t k = sn->fstart; k < sn->fstart + sn->nframe; k++)
            fprintf(out, " [%u@%u]", T->sframes[k].base, T->sframes[k].ret_pc);
        for (uint32_t k = sn->start; k < sn->start + sn->n; k++)
            fprintf(out, " %d=%04d", T->smap[k].slot, T->smap[k].ref);
        fputc('\n', out);
    }
}

/* -- Machine code ---------------------------------------------------------- */

static void dump_mcode(FILE *out, const Trace *T)
{
    fprintf(out, "---- TRACE %d mcode %u bytes at %p, loop head +%04x\n", T->no, T->msize,
            (void *)T->mcode, T->head_off);
    DisasmLabel labels[2] = {{0, "->entry"}, {T->head_off, "->loop"}};
    int n = T->head_off > 0 ? 2 : 1;
    if (T->head_off == 0)
        labels[0].text = "->entry, ->loop";
    if (T->parent != NULL) {
        /* The parent's exit stub jumps to the prologue; no loop here. */
        labels[0].text = "->prologue";
        labels[1].text = "->body";
    }
    disasm_code(out, T->mcode, T->msize, labels, n);
}

void dump_trace(FILE *out, const Trace *T)
{
    dump_header_source_bytecode(out, T);
    dump_ir(out, T);
    dump_mcode(out, T);
    fprintf(out, "==== TRACE %d end\n", T->no);
    fflush(out);
}
