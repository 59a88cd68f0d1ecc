/* fold.c -- constant folding (fold.h).
**
** Folding rewrites a node in place (its kind and value), so parents keep
** their pointers; the node keeps its token and line. Children are folded
** first, so `2 + 3 * 4` becomes 14. Recursion depth is bounded by
** INVARIANT(tree-height) (ast.h).
*/
#include <math.h>
#include <string.h>

#include "lang/arena.h"
#include "lang/fold.h"
#include "vm/value.h"

static void fold_expr(Arena *a, Expr *e);
static void fold_stmt(Arena *a, Stmt *s);

static bool is_literal(const Expr *e)
{
    switch (e->kind) {
    case EXPR_NUMBER: case EXPR_STRING: case EXPR_NIL: case EXPR_TRUE: case EXPR_FALSE:
        return true;
    default:
        return false;
    }
}

static bool is_truthy(const Expr *e) { return e->kind != EXPR_NIL && e->kind != EXPR_FALSE; }

/* Lox `==` on two literals: numbers by IEEE value, strings by content,
** nil/true/false by kind; different kinds are never equal. */
static bool literals_equal(const Expr *x, const Expr *y)
{
    if (x->kind != y->kind) return false;
    switch (x->kind) {
    case EXPR_NUMBER:
        return x->as.number == y->as.number;
    case EXPR_STRING:
        return x->as.string.len == y->as.string.len &&
               memcmp(x->as.string.chars, y->as.string.chars, (size_t)x->as.string.len) == 0;
    default:
        return true;
    }
}

static void set_number(Expr *e, double d)
{
    e->kind = EXPR_NUMBER;
    e->as.number = d;
}

static void set_bool(Expr *e, bool b) { e->kind = b ? EXPR_TRUE : EXPR_FALSE; }

/* -- Operators --------------------------------------------------------- */

static void fold_unary(Expr *e)
{
    Expr *x = e->as.unary.operand;
    if (e->tok.kind == TOK_MINUS && x->kind == EXPR_NUMBER)
        set_number(e, -x->as.number);
    else if (e->tok.kind == TOK_BANG && is_literal(x))
        set_bool(e, !is_truthy(x));
}

static bool fold_numbers(Expr *e, double a, double b)
{
    switch (e->tok.kind) {
    case TOK_PLUS:          set_number(e, a + b); return true;
    case TOK_MINUS:         set_number(e, a - b); return true;
    case TOK_STAR:          set_number(e, a * b); return true;
    case TOK_SLASH:         set_number(e, a / b); return true;
    case TOK_PERCENT:       set_number(e, lx_mod(a, b)); return true;
    case TOK_LESS:          set_bool(e, a < b); return true;
    case TOK_LESS_EQUAL:    set_bool(e, a <= b); return true;
    case TOK_GREATER:       set_bool(e, a > b); return true;
    case TOK_GREATER_EQUAL: set_bool(e, a >= b); return true;
    default:                return false;
    }
}

static void fold_binary(Arena *a, Expr *e)
{
    Expr *x = e->as.binary.left, *y = e->as.binary.right;
    if (!is_literal(x) || !is_literal(y)) return;
    TokenKind op = e->tok.kind;
    if (op == TOK_EQUAL_EQUAL || op == TOK_BANG_EQUAL) {
        bool eq = literals_equal(x, y);
        set_bool(e, op == TOK_EQUAL_EQUAL ? eq : !eq);
        return;
    }
    if (x->kind == EXPR_NUMBER && y->kind == EXPR_NUMBER) {
        fold_numbers(e, x->as.number, y->as.number);
        return;
    }
    if (op == TOK_PLUS && x->kind == EXPR_STRING && y->kind == EXPR_STRING) {
        int len = x->as.string.len + y->as.string.len;
        char *s = arena_alloc(a, (size_t)len + 1);
        memcpy(s, x->as.string.chars, (size_t)x->as.string.len);
        memcpy(s + x->as.string.len, y->as.string.chars, (size_t)y->as.string.len);
        s[len] = '\0';
        e->kind = EXPR_STRING;
        e->as.string.chars = s;
        e->as.string.len = len;
    }
}

/* `L and R` is L when L is falsey, else R; `L or R` the other way. With a
** literal L, evaluating L has no effect, so the node becomes L or R. */
static void fold_logical(Expr *e)
{
    Expr *x = e->as.binary.left;
    if (!is_literal(x)) return;
    bool take_left = e->tok.kind == TOK_AND ? !is_truthy(x) : is_truthy(x);
    *e = take_left ? *x : *e->as.binary.right;
}

/* -- Walk -------------------------------------------------------------- */

static void fold_expr(Arena *a, Expr *e)
{
    switch (e->kind) {
    case EXPR_NUMBER: case EXPR_STRING: case EXPR_NIL: case EXPR_TRUE: case EXPR_FALSE:
    case EXPR_VAR: case EXPR_THIS: case EXPR_SUPER:
        break;
    case EXPR_ASSIGN:
        fold_expr(a, e->as.assign.value);
        break;
    case EXPR_UNARY:
        fold_expr(a, e->as.unary.operand);
        fold_unary(e);
        break;
    case EXPR_BINARY:
        fold_expr(a, e->as.binary.left);
        fold_expr(a, e->as.binary.right);
        fold_binary(a, e);
        break;
    case EXPR_LOGICAL:
        fold_expr(a, e->as.binary.left);
        fold_expr(a, e->as.binary.right);
        fold_logical(e);
        break;
    case EXPR_CALL:
        fold_expr(a, e->as.call.callee);
        for (int i = 0; i < e->as.call.argc; i++) fold_expr(a, e->as.call.args[i]);
        break;
    case EXPR_GET:
        fold_expr(a, e->as.get.object);
        break;
    case EXPR_SET:
        fold_expr(a, e->as.set.object);
        fold_expr(a, e->as.set.value);
        break;
    case EXPR_INDEX:
        fold_expr(a, e->as.index.object);
        fold_expr(a, e->as.index.index);
        break;
    case EXPR_SETINDEX:
        fold_expr(a, e->as.setindex.object);
        fold_expr(a, e->as.setindex.index);
        fold_expr(a, e->as.setindex.value);
        break;
    case EXPR_LIST:
        for (int i = 0; i < e->as.list.count; i++) fold_expr(a, e->as.list.items[i]);
        break;
    case EXPR_MAP:
        for (int i = 0; i < e->as.map.count; i++) {
            fold_expr(a, e->as.map.keys[i]);
            fold_expr(a, e->as.map.values[i]);
        }
        break;
    }
}

static void fold_body(Arena *a, Stmt **stmts, int count)
{
    for (int i = 0; i < count; i++) fold_stmt(a, stmts[i]);
}

static void fold_stmt(Arena *a, Stmt *s)
{
    switch (s->kind) {
    case STMT_EXPR:
    case STMT_PRINT:
        fold_expr(a, s->as.expr);
        break;
    case STMT_VAR:
        if (s->as.var.init) fold_expr(a, s->as.var.init);
        break;
    case STMT_BLOCK:
        fold_body(a, s->as.block.stmts, s->as.block.count);
        break;
    case STMT_IF:
        fold_expr(a, s->as.if_.cond);
        fold_stmt(a, s->as.if_.then);
        if (s->as.if_.else_) fold_stmt(a, s->as.if_.else_);
        break;
    case STMT_WHILE:
        fold_expr(a, s->as.while_.cond);
        fold_stmt(a, s->as.while_.body);
        break;
    case STMT_FOR:
        if (s->as.for_.init) fold_stmt(a, s->as.for_.init);
        if (s->as.for_.cond) fold_expr(a, s->as.for_.cond);
        if (s->as.for_.step) fold_expr(a, s->as.for_.step);
        fold_stmt(a, s->as.for_.body);
        break;
    case STMT_FORIN:
        fold_expr(a, s->as.forin.iterable);
        fold_stmt(a, s->as.forin.body);
        break;
    case STMT_FUN:
        fold_body(a, s->as.fun.fn->body, s->as.fun.fn->nbody);
        break;
    case STMT_CLASS:
        for (int i = 0; i < s->as.klass.nmethods; i++)
            fold_body(a, s->as.klass.methods[i]->body, s->as.klass.methods[i]->nbody);
        break;
    case STMT_RETURN:
        if (s->as.ret.value) fold_expr(a, s->as.ret.value);
        break;
    case STMT_BREAK:
    case STMT_CONTINUE:
    case STMT_IMPORT:
        break;
    }
}

void fold_program(Ast *ast)
{
    fold_body(ast->arena, ast->script->body, ast->script->nbody);
}
