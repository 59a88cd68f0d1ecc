/* fold.h -- constant folding on the resolved tree.
**
** Replaces operations on literals by their value when, and only when, the
** run-time operation would succeed and give the identical value: number
** arithmetic and comparisons (IEEE: 1/0 is inf, 0/0 NaN, -0 stays -0.0),
** `%` with LANGUAGE.md's floored rule, `==`/`!=` between any literals,
** `!` of a literal, string + string, and `and`/`or` with a literal left
** operand. A type error (`1 + "a"`, `-"x"`, `"a" < "b"`) is never folded:
** the program must still raise it, on its line. Never reports errors.
*/
#ifndef LX_FOLD_H
#define LX_FOLD_H

#include "lang/ast.h"

void fold_program(Ast *ast);

#endif
