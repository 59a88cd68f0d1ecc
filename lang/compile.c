/* compile.c -- the front end's pipeline (compile.h): parse, resolve, fold,
** generate code, then report.
**
** The resolver runs even when parsing failed. That is safe because the
** parser always builds a complete tree (erroneous parts become nil
** literals), and useful because clox, compiling in one pass, reports scope
** errors found before, between and after syntax errors; diag_error_late
** drops the ones clox's panic mode would have hidden (diag.h). Folding and
** code generation only run on an error-free tree.
*/
#include <stdio.h>

#include "lang/ast.h"
#include "lang/codegen.h"
#include "lang/compile.h"
#include "lang/diag.h"
#include "lang/fold.h"
#include "lang/parser.h"
#include "lang/resolver.h"

ObjFunction *lx_compile(VM *vm, const char *source, size_t len, const char *path,
                        CompileMode mode, bool *incomplete)
{
    if (incomplete) *incomplete = false;
    Diag diag;
    diag_init(&diag, source, len, vm->stderr_tty);

    Ast ast;
    bool ok = parse_program(&ast, source, len, &diag, mode == COMPILE_REPL);
    ok = resolve_program(&ast, &diag) && ok;

    ObjFunction *fn = NULL;
    if (ok && !diag_has_errors(&diag)) {
        fold_program(&ast);
        fn = cg_program(vm, &ast, &diag, path);
    }
    if (diag_has_errors(&diag)) {
        fn = NULL;
        if (mode == COMPILE_REPL && incomplete && diag_only_at_end(&diag)) {
            *incomplete = true;
        } else {
            fflush(stdout); /* keep program output and diagnostics in order */
            diag_flush(&diag, stderr);
        }
    }
    ast_free(&ast);
    diag_free(&diag);
    return fn;
}
