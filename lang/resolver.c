/* resolver.c -- scopes and name binding (resolver.h).
**
** Scope model, matching clox: the script's top level (scope depth 0) holds
** globals, which are late bound and never checked; everything in a block,
** a function, a loop header or a class body is a local of the innermost
** function. One stack of locals spans all the functions being resolved,
** innermost last, so a name found below the current function's locals is
** an upvalue. `this` and `super` are locals too, named by their keywords
** (which no identifier can spell): `this` of each method (its register 0)
** and `super` of a class with a superclass, in a scope around its methods
** owned by the function that contains the class.
**
** The walk visits nodes in source order, which diag_error_late relies on
** (INVARIANT(diag-order), diag.h). Recursion depth is bounded by
** INVARIANT(tree-height).
*/
#include <stdlib.h>
#include <string.h>

#include "lang/resolver.h"

typedef struct {
    Token name;
    Decl *decl;
    int depth;
    bool defined;     /* false while its initializer is being resolved */
} Local;

typedef struct {
    Diag *diag;
    Local *locals;
    int nlocals, cap;
    int depth;        /* scope depth; 0 is the script's top level */
    FunDecl *fun;     /* the function being resolved */
    bool ok;
} Resolver;

static void resolve_stmt(Resolver *r, Stmt *s);
static void resolve_expr(Resolver *r, Expr *e);

static bool same_name(const Token *a, const Token *b)
{
    return a->len == b->len && memcmp(a->start, b->start, (size_t)a->len) == 0;
}

static void error(Resolver *r, const Token *at, const char *msg)
{
    r->ok = false;
    diag_error_late(r->diag, at, msg);
}

/* -- Scopes ------------------------------------------------------------ */

static void begin_scope(Resolver *r) { r->depth++; }

static void end_scope(Resolver *r)
{
    r->depth--;
    while (r->nlocals > 0 && r->locals[r->nlocals - 1].depth > r->depth) r->nlocals--;
}

static void push_local(Resolver *r, Token name, Decl *decl, bool defined)
{
    if (r->nlocals == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->locals = realloc(r->locals, (size_t)r->cap * sizeof *r->locals);
        if (!r->locals) abort();
    }
    Local *l = &r->locals[r->nlocals++];
    l->name = name;
    l->decl = decl;
    l->depth = r->depth;
    l->defined = defined;
    decl->owner = r->fun;
    decl->is_global = false;
}

/* Declares decl in the current scope: a global at the top level of the
** script, else a local (checked for a duplicate in the same scope). The
** caller marks it defined when its value exists (define()). */
static void declare(Resolver *r, Decl *decl)
{
    if (r->depth == 0) {
        decl->owner = NULL;
        decl->is_global = true;
        return;
    }
    for (int i = r->nlocals - 1; i >= 0 && r->locals[i].depth == r->depth; i--) {
        if (same_name(&r->locals[i].name, &decl->name)) {
            error(r, &decl->name, "Already a variable with this name in this scope.");
            break;
        }
    }
    push_local(r, decl->name, decl, false);
}

static void define(Resolver *r, Decl *decl)
{
    if (r->depth > 0 && r->nlocals > 0 && r->locals[r->nlocals - 1].decl == decl)
        r->locals[r->nlocals - 1].defined = true;
}

static void resolve_ref(Resolver *r, VarRef *ref)
{
    for (int i = r->nlocals - 1; i >= 0; i--) {
        Local *l = &r->locals[i];
        if (!same_name(&l->name, &ref->name)) continue;
        if (!l->defined)
            error(r, &ref->name, "Can't read local variable in its own initializer.");
        ref->decl = l->decl;
        if (l->decl->owner == r->fun) {
            ref->kind = REF_LOCAL;
        } else {
            ref->kind = REF_UPVALUE;
            l->decl->captured = true;
        }
        return;
    }
    ref->kind = REF_GLOBAL;
    ref->decl = NULL;
}

/* -- Functions and classes --------------------------------------------- */

static void resolve_function(Resolver *r, FunDecl *fn)
{
    fn->enclosing = r->fun;
    FunDecl *outer = r->fun;
    r->fun = fn;
    begin_scope(r);
    if (fn->kind == FUN_METHOD || fn->kind == FUN_INITIALIZER)
        push_local(r, fn->this_decl.name, &fn->this_decl, true);
    for (int i = 0; i < fn->arity; i++) {
        declare(r, &fn->params[i]);
        define(r, &fn->params[i]);
    }
    /* The body shares the parameters' scope: `fun f(a) { var a; }` is a
    ** duplicate, as in clox. */
    for (int i = 0; i < fn->nbody; i++) resolve_stmt(r, fn->body[i]);
    end_scope(r);
    r->fun = outer;
}

static void resolve_class(Resolver *r, Stmt *s)
{
    declare(r, &s->as.klass.decl);
    define(r, &s->as.klass.decl);
    Expr *super = s->as.klass.superclass;
    if (super) {
        resolve_ref(r, &super->as.var);
        begin_scope(r);
        push_local(r, s->as.klass.super_decl.name, &s->as.klass.super_decl, true);
    }
    for (int i = 0; i < s->as.klass.nmethods; i++) resolve_function(r, s->as.klass.methods[i]);
    if (super) end_scope(r);
}

/* -- Statements -------------------------------------------------------- */

static void resolve_block(Resolver *r, Stmt **stmts, int count)
{
    begin_scope(r);
    for (int i = 0; i < count; i++) resolve_stmt(r, stmts[i]);
    end_scope(r);
}

static void resolve_stmt(Resolver *r, Stmt *s)
{
    switch (s->kind) {
    case STMT_EXPR:
    case STMT_PRINT:
        resolve_expr(r, s->as.expr);
        break;
    case STMT_VAR:
        declare(r, &s->as.var.decl);
        if (s->as.var.init) resolve_expr(r, s->as.var.init);
        define(r, &s->as.var.decl);
        break;
    case STMT_BLOCK:
        resolve_block(r, s->as.block.stmts, s->as.block.count);
        break;
    case STMT_IF:
        resolve_expr(r, s->as.if_.cond);
        resolve_stmt(r, s->as.if_.then);
        if (s->as.if_.else_) resolve_stmt(r, s->as.if_.else_);
        break;
    case STMT_WHILE:
        resolve_expr(r, s->as.while_.cond);
        resolve_stmt(r, s->as.while_.body);
        break;
    case STMT_FOR:
        /* One scope around the whole loop: one variable for all iterations. */
        begin_scope(r);
        if (s->as.for_.init) resolve_stmt(r, s->as.for_.init);
        if (s->as.for_.cond) resolve_expr(r, s->as.for_.cond);
        if (s->as.for_.step) resolve_expr(r, s->as.for_.step);
        resolve_stmt(r, s->as.for_.body);
        end_scope(r);
        break;
    case STMT_FORIN:
        /* The iterable is evaluated outside; the variable is a local of a
        ** scope around the body (a fresh one per iteration at run time). */
        resolve_expr(r, s->as.forin.iterable);
        begin_scope(r);
        declare(r, &s->as.forin.decl);
        define(r, &s->as.forin.decl);
        resolve_stmt(r, s->as.forin.body);
        end_scope(r);
        break;
    case STMT_FUN:
        declare(r, &s->as.fun.decl);
        define(r, &s->as.fun.decl); /* before the body: it may recurse */
        resolve_function(r, s->as.fun.fn);
        break;
    case STMT_CLASS:
        resolve_class(r, s);
        break;
    case STMT_RETURN:
        if (s->as.ret.value) resolve_expr(r, s->as.ret.value);
        break;
    case STMT_BREAK:
    case STMT_CONTINUE:
    case STMT_IMPORT:
        break;
    }
}

/* -- Expressions ------------------------------------------------------- */

static void resolve_expr(Resolver *r, Expr *e)
{
    switch (e->kind) {
    case EXPR_NUMBER: case EXPR_STRING: case EXPR_NIL: case EXPR_TRUE: case EXPR_FALSE:
        break;
    case EXPR_VAR:
    case EXPR_THIS:
        resolve_ref(r, &e->as.var);
        break;
    case EXPR_ASSIGN:
        resolve_ref(r, &e->as.assign.var);
        resolve_expr(r, e->as.assign.value);
        break;
    case EXPR_UNARY:
        resolve_expr(r, e->as.unary.operand);
        break;
    case EXPR_BINARY:
    case EXPR_LOGICAL:
        resolve_expr(r, e->as.binary.left);
        resolve_expr(r, e->as.binary.right);
        break;
    case EXPR_CALL:
        resolve_expr(r, e->as.call.callee);
        for (int i = 0; i < e->as.call.argc; i++) resolve_expr(r, e->as.call.args[i]);
        break;
    case EXPR_GET:
        resolve_expr(r, e->as.get.object);
        break;
    case EXPR_SET:
        resolve_expr(r, e->as.set.object);
        resolve_expr(r, e->as.set.value);
        break;
    case EXPR_INDEX:
        resolve_expr(r, e->as.index.object);
        resolve_expr(r, e->as.index.index);
        break;
    case EXPR_SETINDEX:
        resolve_expr(r, e->as.setindex.object);
        resolve_expr(r, e->as.setindex.index);
        resolve_expr(r, e->as.setindex.value);
        break;
    case EXPR_SUPER:
        resolve_ref(r, &e->as.super.this_ref);
        resolve_ref(r, &e->as.super.super_ref);
        break;
    case EXPR_LIST:
        for (int i = 0; i < e->as.list.count; i++) resolve_expr(r, e->as.list.items[i]);
        break;
    case EXPR_MAP:
        for (int i = 0; i < e->as.map.count; i++) {
            resolve_expr(r, e->as.map.keys[i]);
            resolve_expr(r, e->as.map.values[i]);
        }
        break;
    }
}

/* -- Entry ------------------------------------------------------------- */

bool resolve_program(Ast *ast, Diag *diag)
{
    Resolver r;
    memset(&r, 0, sizeof r);
    r.diag = diag;
    r.ok = true;
    FunDecl *script = ast->script;
    script->enclosing = NULL;
    r.fun = script;
    for (int i = 0; i < script->nbody; i++) resolve_stmt(&r, script->body[i]);
    free(r.locals);
    return r.ok;
}
