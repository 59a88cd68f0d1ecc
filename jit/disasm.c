/* disasm.c -- capstone behind jit/disasm.h.
**
** cs_disasm_iter decodes one instruction at a time into a reused cs_insn,
** so a long trace costs no allocation per instruction and an undecodable
** byte can be stepped over (a plain cs_disasm stops at the first one).
*/
#include "jit/disasm.h"

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Bytes shown per line before the mnemonic (x86 instructions are at most
** 15; longer ones wrap the column, which is rare and still readable). */
#define DISASM_BYTES 10

static void print_bytes(FILE *out, const uint8_t *b, size_t n)
{
    size_t shown = n < DISASM_BYTES ? n : DISASM_BYTES;
    for (size_t i = 0; i < shown; i++)
        fprintf(out, "%02x ", b[i]);
    for (size_t i = shown; i < DISASM_BYTES; i++)
        fputs("   ", out);
}

/* A direct jump or call whose operand is one address: its target. */
static bool branch_target(const cs_insn *in, uint64_t *target)
{
    if (in->mnemonic[0] != 'j' && strncmp(in->mnemonic, "call", 4) != 0)
        return false;
    const char *s = in->op_str;
    if (strncmp(s, "0x", 2) != 0)
        return false;
    char *end;
    *target = strtoull(s, &end, 16);
    return *end == '\0';
}

static void print_labels(FILE *out, uint32_t from, uint32_t to, const DisasmLabel *labels,
                         int nlabels, int *next)
{
    while (*next < nlabels && labels[*next].off < to) {
        if (labels[*next].off >= from)
            fprintf(out, "%s:\n", labels[*next].text);
        (*next)++;
    }
}

int disasm_code(FILE *out, const uint8_t *code, size_t size, const DisasmLabel *labels,
                int nlabels)
{
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        fprintf(out, "(capstone cannot disassemble x86-64 here)\n");
        return -1;
    }
    cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    cs_insn *in = cs_malloc(cs);
    const uint64_t base = (uint64_t)(uintptr_t)code;
    const uint8_t *p = code;
    size_t left = size;
    uint64_t addr = base;
    int count = 0, next = 0;
    while (left > 0) {
        uint32_t off = (uint32_t)(addr - base);
        const uint8_t *at = p;
        if (cs_disasm_iter(cs, &p, &left, &addr, in)) {
            print_labels(out, 0, off + 1, labels, nlabels, &next);
            fprintf(out, "+%04x  %012llx  ", off, (unsigned long long)in->address);
            print_bytes(out, at, in->size);
            fprintf(out, " %s %s", in->mnemonic, in->op_str);
            uint64_t t;
            if (branch_target(in, &t) && t >= base && t < base + size)
                fprintf(out, "  ; +%04x", (unsigned)(t - base));
            fputc('\n', out);
            count++;
            continue;
        }
        /* Not an instruction: one .byte line up to 8 bytes, or up to the
        ** next label, then try again after them. */
        size_t n = left < 8 ? left : 8;
        if (next < nlabels && labels[next].off > off && labels[next].off - off < n)
            n = labels[next].off - off;
        print_labels(out, 0, off + 1, labels, nlabels, &next);
        fprintf(out, "+%04x  %012llx  ", off, (unsigned long long)addr);
        print_bytes(out, at, n);
        fprintf(out, " .byte");
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%s0x%02x", i ? "," : " ", at[i]);
        fputc('\n', out);
        p += n;
        left -= n;
        addr += n;
    }
    print_labels(out, 0, UINT32_MAX, labels, nlabels, &next);
    cs_free(in, 1);
    cs_close(&cs);
    return count;
}
