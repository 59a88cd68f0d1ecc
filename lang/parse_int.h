/* parse_int.h -- what the two halves of the parser share: the Parser
** state, token helpers and node constructors. parser.c holds these and the
** statements; parse_expr.c the expressions. Not for use outside them. */
#ifndef LX_PARSE_INT_H
#define LX_PARSE_INT_H

#include "lang/arena.h"
#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/lexer.h"

typedef struct ClassCtx {
    struct ClassCtx *enclosing;
    bool has_superclass;
} ClassCtx;

typedef struct Parser {
    Lexer lex;
    Token current, previous;
    Diag *diag;
    Arena *arena;
    bool repl;
    bool had_error;
    bool panic;          /* clox's panic mode: errors are suppressed */
    bool fatal;          /* nesting limit hit: the rest of the input is dropped */
    int depth;           /* recursion depth, see INVARIANT(tree-height) */
    int stmt_depth;      /* declaration()/statement() frames: 2 at top level */
    FunDecl *fun;        /* the function being parsed (the script at first) */
    int loop_depth;      /* loops around this point within `fun` */
    ClassCtx *klass;     /* innermost enclosing class, NULL outside */
} Parser;

/* A growable array of pointers, copied into the arena when complete. */
typedef struct {
    void **items;
    int count, cap;
} PtrVec;

void ps_vec_push(PtrVec *v, void *item);
/* Copies the items into the arena, frees the vector, returns the copy. */
void *ps_vec_finish(Parser *p, PtrVec *v);

void ps_advance(Parser *p);
bool ps_check(const Parser *p, TokenKind kind);
bool ps_match(Parser *p, TokenKind kind);
bool ps_consume(Parser *p, TokenKind kind, const char *msg);
void ps_error(Parser *p, const char *msg);          /* at the previous token */
void ps_error_current(Parser *p, const char *msg);
void ps_error_at(Parser *p, const Token *tok, const char *msg);

/* Recursion guard: false (after reporting `Too much nesting.` and dropping
** the rest of the input) when one more level would pass LX_MAX_NESTING;
** on true the caller must ps_leave. */
bool ps_enter(Parser *p);
void ps_leave(Parser *p);

/* A new expression node whose tallest child has height child_height; its
** line is the previous token's (the node is made when its last token has
** been consumed). Checks INVARIANT(tree-height). */
Expr *ps_expr(Parser *p, ExprKind kind, Token tok, int child_height);
/* A nil literal standing in for an expression that failed to parse. */
Expr *ps_placeholder(Parser *p);
Token ps_synthetic(const char *text, TokenKind kind, int line);

Expr *ps_expression(Parser *p);
/* Decodes a STRING token's escapes into the arena (NUL-terminated). */
const char *ps_string_value(Parser *p, const Token *tok, int *len);

#endif
