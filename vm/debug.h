/* debug.h -- the bytecode disassembler.
**
** Prints a function's instructions one per line with their operands
** decoded by format (vm/opcodes.h), constants shown by value and jump
** targets resolved, then the functions nested in its constants. Used by
** --dump-bytecode, LX_DEBUG_PRINT_CODE and LX_DEBUG_TRACE_EXEC.
*/
#ifndef LX_DEBUG_H
#define LX_DEBUG_H

#include <stdbool.h>
#include <stdio.h>
#include "vm/object.h"

/* The whole function; with `nested`, then every function constant too. */
void dbg_disassemble(FILE *out, ObjFunction *fn, bool nested);
/* One instruction at index pc (no newline handling beyond the line). */
void dbg_instruction(FILE *out, ObjFunction *fn, int pc);

#endif
