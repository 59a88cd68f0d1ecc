/* resolver.h -- binds every name in the tree to its declaration.
**
** Walks the parsed tree with clox's scope rules (Crafting Interpreters,
** chapter 11, adapted to a tree): sets every VarRef's kind and decl, each
** Decl's owner/is_global/captured and each FunDecl's enclosing, so the code
** generator never looks a name up (INVARIANT(resolved-refs), ast.h).
** Reports the two scope errors, `Already a variable with this name in this
** scope.` and `Can't read local variable in its own initializer.`, through
** diag_error_late, so errors clox would not have reported (panic mode)
** stay unreported. Safe on a tree with syntax errors (see parser.h).
*/
#ifndef LX_RESOLVER_H
#define LX_RESOLVER_H

#include <stdbool.h>
#include "lang/ast.h"
#include "lang/diag.h"

/* False when it reported an error. */
bool resolve_program(Ast *ast, Diag *diag);

#endif
