/* ast_dump.c -- the tree as S-expressions, for the parser's unit tests and
** for debugging the front end. One statement per line at the top level;
** the format is documented by example in tests/unit/test_parser.c. */
#include <stdio.h>

#include "lang/ast.h"

static void dump_stmt(const Stmt *s, FILE *out);

static void dump_token(const Token *t, FILE *out) { fwrite(t->start, 1, (size_t)t->len, out); }

static void dump_ref(const VarRef *r, FILE *out)
{
    dump_token(&r->name, out);
    switch (r->kind) {
    case REF_UNRESOLVED: break;
    case REF_GLOBAL:     fputs("@G", out); break;
    case REF_LOCAL:      fputs("@L", out); break;
    case REF_UPVALUE:    fputs("@U", out); break;
    }
}

static const char *op_text(TokenKind k)
{
    switch (k) {
    case TOK_PLUS: return "+";           case TOK_MINUS: return "-";
    case TOK_STAR: return "*";           case TOK_SLASH: return "/";
    case TOK_PERCENT: return "%";        case TOK_BANG: return "!";
    case TOK_EQUAL: return "";           case TOK_EQUAL_EQUAL: return "==";
    case TOK_BANG_EQUAL: return "!=";    case TOK_LESS: return "<";
    case TOK_LESS_EQUAL: return "<=";    case TOK_GREATER: return ">";
    case TOK_GREATER_EQUAL: return ">="; case TOK_AND: return "and";
    case TOK_OR: return "or";            default: return "?";
    }
}

static void dump_string(const char *s, int len, FILE *out)
{
    fputc('"', out);
    for (int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f) fprintf(out, "\\x%02x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void dump_exprs(Expr *const *items, int n, FILE *out)
{
    for (int i = 0; i < n; i++) {
        fputc(' ', out);
        ast_dump_expr(items[i], out);
    }
}

void ast_dump_expr(const Expr *e, FILE *out)
{
    switch (e->kind) {
    case EXPR_NUMBER:   fprintf(out, "%.17g", e->as.number); break;
    case EXPR_STRING:   dump_string(e->as.string.chars, e->as.string.len, out); break;
    case EXPR_NIL:      fputs("nil", out); break;
    case EXPR_TRUE:     fputs("true", out); break;
    case EXPR_FALSE:    fputs("false", out); break;
    case EXPR_VAR:
    case EXPR_THIS:     dump_ref(&e->as.var, out); break;
    case EXPR_ASSIGN:
        fprintf(out, "(%s= ", op_text(e->as.assign.op));
        dump_ref(&e->as.assign.var, out);
        fputc(' ', out);
        ast_dump_expr(e->as.assign.value, out);
        fputc(')', out);
        break;
    case EXPR_UNARY:
        fprintf(out, "(%s ", op_text(e->tok.kind));
        ast_dump_expr(e->as.unary.operand, out);
        fputc(')', out);
        break;
    case EXPR_BINARY:
    case EXPR_LOGICAL:
        fprintf(out, "(%s ", op_text(e->tok.kind));
        ast_dump_expr(e->as.binary.left, out);
        fputc(' ', out);
        ast_dump_expr(e->as.binary.right, out);
        fputc(')', out);
        break;
    case EXPR_CALL:
        fputs("(call ", out);
        ast_dump_expr(e->as.call.callee, out);
        dump_exprs(e->as.call.args, e->as.call.argc, out);
        fputc(')', out);
        break;
    case EXPR_GET:
        fputs("(. ", out);
        ast_dump_expr(e->as.get.object, out);
        fputc(' ', out);
        dump_token(&e->as.get.name, out);
        fputc(')', out);
        break;
    case EXPR_SET:
        fprintf(out, "(.%s= ", op_text(e->as.set.op));
        ast_dump_expr(e->as.set.object, out);
        fputc(' ', out);
        dump_token(&e->as.set.name, out);
        fputc(' ', out);
        ast_dump_expr(e->as.set.value, out);
        fputc(')', out);
        break;
    case EXPR_INDEX:
        fputs("([] ", out);
        ast_dump_expr(e->as.index.object, out);
        fputc(' ', out);
        ast_dump_expr(e->as.index.index, out);
        fputc(')', out);
        break;
    case EXPR_SETINDEX:
        fprintf(out, "([]%s= ", op_text(e->as.setindex.op));
        ast_dump_expr(e->as.setindex.object, out);
        fputc(' ', out);
        ast_dump_expr(e->as.setindex.index, out);
        fputc(' ', out);
        ast_dump_expr(e->as.setindex.value, out);
        fputc(')', out);
        break;
    case EXPR_SUPER:
        fputs("(super ", out);
        dump_token(&e->as.super.method, out);
        fputc(')', out);
        break;
    case EXPR_LIST:
        fputs("(list", out);
        dump_exprs(e->as.list.items, e->as.list.count, out);
        fputc(')', out);
        break;
    case EXPR_MAP:
        fputs("(map", out);
        for (int i = 0; i < e->as.map.count; i++) {
            fputc(' ', out);
            ast_dump_expr(e->as.map.keys[i], out);
            fputc(' ', out);
            ast_dump_expr(e->as.map.values[i], out);
        }
        fputc(')', out);
        break;
    }
}

static void dump_opt_expr(const Expr *e, FILE *out)
{
    fputc(' ', out);
    if (e) ast_dump_expr(e, out);
    else fputc('_', out);
}

static void dump_decl(const Decl *d, FILE *out)
{
    dump_token(&d->name, out);
    if (d->is_global) fputs("@G", out);
    else if (d->owner) fputs(d->captured ? "@C" : "@L", out);
}

static void dump_body(Stmt *const *stmts, int n, FILE *out)
{
    for (int i = 0; i < n; i++) {
        fputc(' ', out);
        dump_stmt(stmts[i], out);
    }
}

static void dump_fun(const FunDecl *fn, FILE *out)
{
    fputc('(', out);
    dump_token(&fn->name, out);
    fputs(" (", out);
    for (int i = 0; i < fn->arity; i++) {
        if (i) fputc(' ', out);
        dump_decl(&fn->params[i], out);
    }
    fputc(')', out);
    dump_body(fn->body, fn->nbody, out);
    fputc(')', out);
}

static void dump_stmt(const Stmt *s, FILE *out)
{
    switch (s->kind) {
    case STMT_EXPR:
    case STMT_PRINT:
        fputs(s->kind == STMT_EXPR ? "(expr " : "(print ", out);
        ast_dump_expr(s->as.expr, out);
        fputc(')', out);
        break;
    case STMT_VAR:
        fputs("(var ", out);
        dump_decl(&s->as.var.decl, out);
        dump_opt_expr(s->as.var.init, out);
        fputc(')', out);
        break;
    case STMT_BLOCK:
        fputs("(block", out);
        dump_body(s->as.block.stmts, s->as.block.count, out);
        fputc(')', out);
        break;
    case STMT_IF:
        fputs("(if ", out);
        ast_dump_expr(s->as.if_.cond, out);
        fputc(' ', out);
        dump_stmt(s->as.if_.then, out);
        if (s->as.if_.else_) {
            fputc(' ', out);
            dump_stmt(s->as.if_.else_, out);
        }
        fputc(')', out);
        break;
    case STMT_WHILE:
        fputs("(while ", out);
        ast_dump_expr(s->as.while_.cond, out);
        fputc(' ', out);
        dump_stmt(s->as.while_.body, out);
        fputc(')', out);
        break;
    case STMT_FOR:
        fputs("(for ", out);
        if (s->as.for_.init) dump_stmt(s->as.for_.init, out);
        else fputc('_', out);
        dump_opt_expr(s->as.for_.cond, out);
        dump_opt_expr(s->as.for_.step, out);
        fputc(' ', out);
        dump_stmt(s->as.for_.body, out);
        fputc(')', out);
        break;
    case STMT_FORIN:
        fputs("(forin ", out);
        dump_decl(&s->as.forin.decl, out);
        fputc(' ', out);
        ast_dump_expr(s->as.forin.iterable, out);
        fputc(' ', out);
        dump_stmt(s->as.forin.body, out);
        fputc(')', out);
        break;
    case STMT_FUN:
        fputs("(fun ", out);
        dump_decl(&s->as.fun.decl, out);
        fputc(' ', out);
        dump_fun(s->as.fun.fn, out);
        fputc(')', out);
        break;
    case STMT_CLASS:
        fputs("(class ", out);
        dump_decl(&s->as.klass.decl, out);
        if (s->as.klass.superclass) {
            fputs(" < ", out);
            ast_dump_expr(s->as.klass.superclass, out);
        }
        for (int i = 0; i < s->as.klass.nmethods; i++) {
            fputc(' ', out);
            dump_fun(s->as.klass.methods[i], out);
        }
        fputc(')', out);
        break;
    case STMT_RETURN:
        fputs("(return", out);
        if (s->as.ret.value) {
            fputc(' ', out);
            ast_dump_expr(s->as.ret.value, out);
        }
        fputc(')', out);
        break;
    case STMT_BREAK:    fputs("(break)", out); break;
    case STMT_CONTINUE: fputs("(continue)", out); break;
    case STMT_IMPORT:
        fputs("(import ", out);
        dump_string(s->as.import.chars, s->as.import.len, out);
        fputc(')', out);
        break;
    }
}

void ast_dump(const Ast *ast, FILE *out)
{
    for (int i = 0; i < ast->script->nbody; i++) {
        dump_stmt(ast->script->body[i], out);
        fputc('\n', out);
    }
}
