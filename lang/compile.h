/* compile.h -- the front end's one entry: source text to a function.
**
** Runs the pipeline of lang/ast.h (parse, resolve, fold, generate code).
** Diagnostics are collected, sorted by source position, and printed to
** stderr in clox's format (LANGUAGE.md section 3), each followed by the
** source line and a caret when vm->stderr_tty is set.
*/
#ifndef LX_COMPILE_H
#define LX_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include "vm/vm.h"

typedef enum {
    COMPILE_SCRIPT,
    COMPILE_REPL    /* a last expression without `;` becomes a print */
} CompileMode;

/* Returns NULL when there were errors. In REPL mode, when every error is
** at the end of the input (the user is still typing), nothing is printed
** and *incomplete is set. `path` names the source in diagnostics and is
** the ObjFunction's source (imports resolve against it). */
ObjFunction *lx_compile(VM *vm, const char *source, size_t len, const char *path,
                        CompileMode mode, bool *incomplete);

#endif
