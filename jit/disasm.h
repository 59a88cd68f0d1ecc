/* disasm.h -- x86-64 machine code as text, for -jdump (capstone).
**
** One instruction per line, Intel syntax like the stencils' objdump
** listings (docs/jit-stencils.md):
**
**   +0040  7f3a1c2e0040  48 8b 07               mov rax, qword ptr [rdi]
**   +0043  7f3a1c2e0043  0f 8c 37 01 00 00      jl 0x7f3a1c2e0180  ; +0180
**
** Jumps and calls inside the code get their target as an offset too.
** Bytes capstone cannot decode (a trace's data: constants, addresses)
** are shown as `.byte` runs and decoding resumes after them.
*/
#ifndef LX_JIT_DISASM_H
#define LX_JIT_DISASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A label printed on its own line before the instruction at offset off. */
typedef struct {
    uint32_t off;
    const char *text;
} DisasmLabel;

/* Disassemble size bytes at code (which runs at that address). labels are
** sorted by offset. Returns the number of instructions decoded, or -1
** when capstone could not be opened (nothing printed but a note). */
int disasm_code(FILE *out, const uint8_t *code, size_t size, const DisasmLabel *labels,
                int nlabels);

/* -- jit/dump.c, the one user -------------------------------------------- */

struct VM;

/* Where -jdump writes: stderr, or the file of -jdump=FILE, created at the
** first trace (stderr again, after a warning, when it cannot be). */
FILE *dump_sink(struct VM *vm);

#endif
