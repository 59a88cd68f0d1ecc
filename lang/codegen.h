/* codegen.h -- AST to register bytecode (vm/opcodes.h).
**
** Expects a resolved and folded tree (INVARIANT(resolved-refs), ast.h).
** Reports limit errors (too many registers, constants...) through the
** diagnostics and returns NULL. The result is the script's function.
*/
#ifndef LX_CODEGEN_H
#define LX_CODEGEN_H

#include "lang/ast.h"
#include "lang/diag.h"
#include "vm/vm.h"

ObjFunction *cg_program(VM *vm, Ast *ast, Diag *diag, const char *path);

#endif
