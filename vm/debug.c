/* debug.c -- the disassembler, and the tables the opcode X-macro yields.
**
** Output, one instruction per line:
**     0003   12  ADDK       R2 R1 K3        ; 1
**     0007    -  JMP        +4              ; -> 0012
** (index, source line or `-` when unchanged, name, operands, and a
** comment with constants and jump targets).
*/
#include "vm/debug.h"

#include "vm/opcodes.h"
#include "vm/print.h"

/* -- Tables from LX_OPCODES ---------------------------------------------- */

const char *const op_names[OP__COUNT] = {
#define LX_OP_NAME(name, fmt, flags) #name,
    LX_OPCODES(LX_OP_NAME)
#undef LX_OP_NAME
};

const uint8_t op_formats[OP__COUNT] = {
#define LX_OP_FMT(name, fmt, flags) OPFMT_##fmt,
    LX_OPCODES(LX_OP_FMT)
#undef LX_OP_FMT
};

const uint8_t op_flags[OP__COUNT] = {
#define LX_OP_FLAGS(name, fmt, flags) (flags),
    LX_OPCODES(LX_OP_FLAGS)
#undef LX_OP_FLAGS
};

/* -- Printing ------------------------------------------------------------- */

static void print_const(FILE *out, ObjFunction *fn, int k)
{
    if (k < 0 || k >= fn->nconsts) {
        fprintf(out, "?");
        return;
    }
    Value v = fn->consts[k];
    if (is_number(v)) {
        char buf[LX_NUM_BUF];
        num_format(as_num(v), buf);
        fprintf(out, "%s", buf);
    } else if (v == NIL_VAL) {
        fprintf(out, "nil");
    } else if (is_bool(v)) {
        fprintf(out, as_bool(v) ? "true" : "false");
    } else if (is_obj_type(v, OBJ_STRING)) {
        ObjString *s = AS_STRING(v);
        fprintf(out, "\"%.*s%s\"", s->len > 40 ? 40 : (int)s->len, s->chars,
                s->len > 40 ? "..." : "");
    } else if (is_obj_type(v, OBJ_FUNCTION)) {
        ObjFunction *f = AS_FUNCTION(v);
        if (f->name != NULL)
            fprintf(out, "<fn %s>", f->name->chars);
        else
            fprintf(out, "<script>");
    } else {
        fprintf(out, "<%s>", value_type_name(v));
    }
}

void dbg_instruction(FILE *out, ObjFunction *fn, int pc)
{
    Instr i = fn->code[pc];
    OpCode op = INS_OP(i);
    int a = (int)INS_A(i), b = (int)INS_B(i), c = (int)INS_C(i);
    int line = fn->lines[pc];
    fprintf(out, "%04d ", pc);
    if (pc > 0 && fn->lines[pc - 1] == line)
        fprintf(out, "   | ");
    else
        fprintf(out, "%4d ", line);
    if (op >= OP__COUNT) {
        fprintf(out, "??? 0x%08x\n", (unsigned)i);
        return;
    }
    fprintf(out, "%-11s ", op_names[op]);
    int kshow = -1;
    switch ((OpFormat)op_formats[op]) {
    case OPFMT_NONE: break;
    case OPFMT_A: fprintf(out, "R%d", a); break;
    case OPFMT_AB: fprintf(out, "R%d R%d", a, b); break;
    case OPFMT_ABC: fprintf(out, "R%d R%d R%d", a, b, c); break;
    case OPFMT_ABK: fprintf(out, "R%d R%d K%d", a, b, c); kshow = c; break;
    case OPFMT_ABI: fprintf(out, "R%d R%d %d", a, b, INS_SC(i)); break;
    case OPFMT_AKC: fprintf(out, "R%d K%d %d", a, b, c); kshow = b; break;
    case OPFMT_ABN: fprintf(out, "R%d %d %d", a, b, c); break;
    case OPFMT_ANK: fprintf(out, "R%d %d K%d", a, b, c); kshow = c; break;
    case OPFMT_ABF: fprintf(out, "R%d R%d %d", a, b, c); break;
    case OPFMT_ABS: fprintf(out, "R%d R%d %+d", a, b, INS_FORSTEP(i)); break;
    case OPFMT_AKS: fprintf(out, "R%d K%d %+d", a, b, INS_FORSTEP(i)); kshow = b; break;
    case OPFMT_AK: fprintf(out, "R%d K%d", a, (int)INS_BX(i)); kshow = (int)INS_BX(i); break;
    case OPFMT_AG: fprintf(out, "R%d G%d", a, (int)INS_BX(i)); break;
    case OPFMT_AU: fprintf(out, "R%d U%d", a, b); break;
    case OPFMT_AI: fprintf(out, "R%d %d", a, INS_SBX(i)); break;
    case OPFMT_J: fprintf(out, "%+d", INS_SBX(i)); break;
    case OPFMT_AJ: fprintf(out, "L%d %+d", a, INS_SBX(i)); break;
    }
    if (kshow >= 0) {
        fprintf(out, "\t; ");
        print_const(out, fn, kshow);
    } else if (op_flags[op] & OPF_JUMP) {
        fprintf(out, "\t; -> %04d", pc + 1 + INS_SBX(i));
    }
    fprintf(out, "\n");
}

void dbg_disassemble(FILE *out, ObjFunction *fn, bool nested)
{
    fprintf(out, "== %s%s%s (arity %d, %d slots, %d upvalues, %d constants) ==\n",
            fn->name != NULL ? "<fn " : "<script>",
            fn->name != NULL ? fn->name->chars : "", fn->name != NULL ? ">" : "",
            fn->arity, fn->maxslots, fn->nupvals, fn->nconsts);
    for (int pc = 0; pc < fn->ncode; pc++)
        dbg_instruction(out, fn, pc);
    if (!nested)
        return;
    for (int k = 0; k < fn->nconsts; k++)
        if (is_obj_type(fn->consts[k], OBJ_FUNCTION))
            dbg_disassemble(out, AS_FUNCTION(fn->consts[k]), true);
}
