/* ast.h -- the syntax tree: what the parser builds, the resolver annotates,
** the folder simplifies and the code generator walks.
**
** Ownership: every node, list and string of one tree lives in the tree's
** arena (Ast.arena) and is freed at once by ast_free(). Tokens point into
** the source buffer, which outlives the tree.
**
** The pipeline (lang/compile.c):
**   parse_program  source -> Ast                    (syntax errors)
**   resolve_program Ast: VarRef.kind/decl, Decl.owner/captured, FunDecl
**                   .enclosing, scope errors         (resolver errors)
**   fold_program   Ast -> Ast: constant folding     (never errors)
**   cg_program     Ast -> ObjFunction               (limit errors)
**
** Names: every variable is a Decl. A use (VarRef) points at its Decl, so
** the code generator never looks a name up: it reads ref->kind and, for
** locals and upvalues, ref->decl. INVARIANT(resolved-refs): after
** resolve_program succeeds, every VarRef has kind set, and decl != NULL
** unless kind == REF_GLOBAL. Relied on by: cg_program.
*/
#ifndef LX_AST_H
#define LX_AST_H

#include <stdbool.h>
#include <stdio.h>
#include "lang/token.h"

typedef struct Expr Expr;
typedef struct Stmt Stmt;
typedef struct FunDecl FunDecl;

/* LX_MAX_NESTING bounds how deep the parser recurses and how tall a tree
** it builds: the parser reports `Too much nesting.` (and stops) rather
** than exceed it. INVARIANT(tree-height): every path from the script down
** through statements, functions and expressions is at most
** 2 * LX_MAX_NESTING nodes long (a nested function is two nodes, a
** statement and its FunDecl, for one parser level). Relied on by every
** recursive walk (resolver, folder, code generator) to stay within the C
** stack. Measured: the whole front end needs under 2 MB of stack at the
** limit in an -O2 or -O0 build, about 6 MB with ASan at -O0. */
#define LX_MAX_NESTING 10000

/* -- Declarations and references ---------------------------------------- */

typedef struct Decl {
    Token name;
    FunDecl *owner;   /* function whose frame holds it; NULL for a global */
    bool is_global;   /* a top-level var/fun/class of the script */
    bool captured;    /* some closure refers to it: needs an upvalue */
    int reg;          /* the code generator's; -1 until it assigns one */
} Decl;

typedef enum { REF_UNRESOLVED, REF_GLOBAL, REF_LOCAL, REF_UPVALUE } RefKind;

typedef struct {
    Token name;
    RefKind kind;     /* LOCAL: decl->owner is the using function itself */
    Decl *decl;       /* NULL for globals */
} VarRef;

/* -- Expressions -------------------------------------------------------- */

#define LX_EXPR_KINDS(X)                                                    \
    X(NUMBER)   /* .number                                        */       \
    X(STRING)   /* .string: bytes after escapes, NUL-terminated   */       \
    X(NIL) X(TRUE) X(FALSE)                                                 \
    X(VAR)      /* .var: read a variable                          */       \
    X(ASSIGN)   /* .assign: var op= value                         */       \
    X(UNARY)    /* .unary: tok.kind is MINUS or BANG              */       \
    X(BINARY)   /* .binary: tok.kind is the operator              */       \
    X(LOGICAL)  /* .binary: tok.kind is AND or OR                 */       \
    X(CALL)     /* .call                                          */       \
    X(GET)      /* .get: object.name                              */       \
    X(SET)      /* .set: object.name op= value                    */       \
    X(INDEX)    /* .index: object[index]                          */       \
    X(SETINDEX) /* .setindex: object[index] op= value             */       \
    X(THIS)     /* .var (name "this")                             */       \
    X(SUPER)    /* .super: super.name                             */       \
    X(LIST)     /* .list: [items]                                 */       \
    X(MAP)      /* .map: {keys[i]: values[i]}                     */

typedef enum {
#define LX_EXPR_ENUM(name) EXPR_##name,
    LX_EXPR_KINDS(LX_EXPR_ENUM)
#undef LX_EXPR_ENUM
} ExprKind;

/* Compound assignment: op is TOK_EQUAL for plain `=`, else the binary
** operator (TOK_PLUS for `+=`, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_PERCENT).
** The target's sub-expressions are evaluated once. */
struct Expr {
    ExprKind kind;
    int height;       /* 1 for a leaf; bounded by LX_MAX_NESTING */
    Token tok;        /* the principal token: operator, name, `(`, `[`... */
    int line;         /* line of the expression's last token, where clox
                      ** attributes a runtime error (`a +\n b` -> b's line,
                      ** a call -> the line of its `)`) */
    union {
        double number;
        struct { const char *chars; int len; } string;
        VarRef var;
        struct { VarRef var; TokenKind op; Expr *value; } assign;
        struct { Expr *operand; } unary;
        struct { Expr *left, *right; } binary;
        struct { Expr *callee; Expr **args; int argc; } call;
        struct { Expr *object; Token name; } get;
        struct { Expr *object; Token name; TokenKind op; Expr *value; } set;
        struct { Expr *object, *index; } index;
        struct { Expr *object, *index; TokenKind op; Expr *value; } setindex;
        struct { Token method; VarRef this_ref, super_ref; } super;
        struct { Expr **items; int count; } list;
        struct { Expr **keys, **values; int count; } map;
    } as;
};

/* -- Statements --------------------------------------------------------- */

#define LX_STMT_KINDS(X)                                                    \
    X(EXPR)     /* .expr                                          */       \
    X(PRINT)    /* .expr; also the REPL's echo of a bare expression */     \
    X(VAR)      /* .var                                           */       \
    X(BLOCK)    /* .block                                         */       \
    X(IF)       /* .if_                                           */       \
    X(WHILE)    /* .while_                                        */       \
    X(FOR)      /* .for_: C-style; one loop variable for the whole loop */ \
    X(FORIN)    /* .forin: a fresh variable per iteration         */       \
    X(FUN)      /* .fun                                           */       \
    X(CLASS)    /* .klass                                         */       \
    X(RETURN)   /* .ret; tok is the `return` keyword              */       \
    X(BREAK)    /* tok is the keyword                             */       \
    X(CONTINUE) /* tok is the keyword                             */       \
    X(IMPORT)   /* .import: the path, as a string literal         */

typedef enum {
#define LX_STMT_ENUM(name) STMT_##name,
    LX_STMT_KINDS(LX_STMT_ENUM)
#undef LX_STMT_ENUM
} StmtKind;

typedef enum { FUN_SCRIPT, FUN_FUNCTION, FUN_METHOD, FUN_INITIALIZER } FunKind;

struct FunDecl {
    FunKind kind;
    Token name;           /* "script" for the top level */
    FunDecl *enclosing;   /* set by the resolver; NULL for the script */
    Decl *params;         /* arity entries */
    int arity;
    Decl this_decl;       /* methods and initializers: `this`, register 0 */
    Stmt **body;
    int nbody;
    int line;             /* line of the name (or 1 for the script) */
};

struct Stmt {
    StmtKind kind;
    Token tok;
    union {
        Expr *expr;
        struct { Decl decl; Expr *init; /* NULL: nil */ } var;
        struct { Stmt **stmts; int count; } block;
        struct { Expr *cond; Stmt *then, *else_; /* else_ may be NULL */ } if_;
        struct { Expr *cond; Stmt *body; } while_;
        struct { Stmt *init; Expr *cond, *step; Stmt *body; } for_; /* any NULL but body */
        struct { Decl decl; Expr *iterable; Stmt *body; } forin;
        struct { Decl decl; FunDecl *fn; } fun;
        struct {
            Decl decl;
            Expr *superclass;   /* an EXPR_VAR, or NULL */
            Decl super_decl;    /* holds the superclass while methods are made */
            FunDecl **methods;
            int nmethods;
        } klass;
        struct { Expr *value; /* NULL: bare return */ } ret;
        struct { const char *chars; int len; } import;
    } as;
};

typedef struct Arena Arena;

typedef struct {
    FunDecl *script;
    Arena *arena;
} Ast;

void ast_free(Ast *ast);

/* S-expression dumps for tests and debugging (lang/ast_dump.c), e.g.
** `(print (+ 1 (* 2 x@G)))`; a resolved name shows @G, @L or @U. */
void ast_dump(const Ast *ast, FILE *out);
void ast_dump_expr(const Expr *e, FILE *out);

#endif
