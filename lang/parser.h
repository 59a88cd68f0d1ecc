/* parser.h -- tokens to the syntax tree of lang/ast.h.
**
** A recursive-descent parser with clox's Pratt expression parser, clox's
** error messages and clox's panic-mode recovery, so that a program with
** syntax errors reports exactly what clox reports. It also reports the
** errors that depend only on where a construct sits (`return` at top level
** or with a value in an initializer, `this`/`super` outside a class,
** `break`/`continue` outside a loop, a class inheriting from itself):
** clox finds them while parsing, and finding them at the same moment keeps
** their interplay with panic mode identical. Scope errors are the
** resolver's (lang/resolver.h).
*/
#ifndef LX_PARSER_H
#define LX_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include "lang/ast.h"
#include "lang/diag.h"

/* Builds *out even when there are errors (a tree the resolver can walk
** safely: every required child is present, erroneous parts are replaced by
** nil literals); returns false when any syntax error was reported.
** repl_mode: a final expression statement without its `;` at the very end
** of the input becomes a STMT_PRINT (the REPL's echo). The caller frees
** the tree with ast_free. */
bool parse_program(Ast *out, const char *src, size_t len, Diag *diag, bool repl_mode);

#endif
