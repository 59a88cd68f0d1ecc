/* parser.c -- statements, declarations, error recovery and the parser's
** shared helpers (parse_int.h). Expressions are in parse_expr.c.
**
** Error recovery is clox's panic mode: the first error in a declaration is
** reported, later ones are suppressed until synchronize() skips to a
** statement boundary. Every parse function still returns a complete node
** (missing parts become nil literals, missing names take the previous
** token, as clox's compiler does), so the resolver can walk a tree with
** errors and report its scope errors too (see diag.h for how they are
** merged without reporting what clox would have suppressed).
**
** Messages for the extensions (not in clox): `Expect ';' after break.`,
** `Expect ';' after continue.`, `Expect string after 'import'.`,
** `Expect ';' after import.`, `Can't use 'break' outside of a loop.`
** (likewise continue), `Too much nesting.`; a for-in loop missing its `)`
** reports clox's `Expect ')' after for clauses.`.
*/
#include <stdlib.h>
#include <string.h>

#include "lang/parse_int.h"
#include "lang/parser.h"

/* -- Vectors and nodes ------------------------------------------------- */

void ps_vec_push(PtrVec *v, void *item)
{
    if (v->count == v->cap) {
        int cap = v->cap ? v->cap * 2 : 8;
        void **items = realloc(v->items, (size_t)cap * sizeof *items);
        if (!items) abort();
        v->items = items;
        v->cap = cap;
    }
    v->items[v->count++] = item;
}

void *ps_vec_finish(Parser *p, PtrVec *v)
{
    void *copy = v->count ? arena_dup(p->arena, v->items, (size_t)v->count * sizeof *v->items)
                          : NULL;
    free(v->items);
    v->items = NULL;
    v->cap = 0;
    return copy;
}

Token ps_synthetic(const char *text, TokenKind kind, int line)
{
    Token t;
    t.kind = kind;
    t.start = text;
    t.len = (int)strlen(text);
    t.line = line;
    return t;
}

static void too_deep(Parser *p)
{
    if (p->fatal) return;
    ps_error_current(p, "Too much nesting.");
    p->had_error = true;
    p->fatal = true;
    p->panic = true;
    /* Drop the rest of the input: every loop stops at EOF, so the parser
    ** unwinds without going deeper. The panic region never ends. */
    p->current = ps_synthetic("", TOK_EOF, p->current.line);
    p->current.start = p->lex.end;
}

bool ps_enter(Parser *p)
{
    if (p->depth >= LX_MAX_NESTING) {
        too_deep(p);
        return false;
    }
    p->depth++;
    return true;
}

void ps_leave(Parser *p) { p->depth--; }

Expr *ps_expr(Parser *p, ExprKind kind, Token tok, int child_height)
{
    Expr *e = arena_alloc(p->arena, sizeof *e);
    e->kind = kind;
    e->tok = tok;
    e->height = child_height + 1;
    e->line = p->previous.line;
    /* INVARIANT(tree-height): this node will sit below at most p->depth
    ** nodes made by the frames above. */
    if (e->height + p->depth > LX_MAX_NESTING) too_deep(p);
    return e;
}

Expr *ps_placeholder(Parser *p) { return ps_expr(p, EXPR_NIL, p->previous, 0); }

const char *ps_string_value(Parser *p, const Token *tok, int *len)
{
    int body = tok->len >= 2 ? tok->len - 2 : 0;
    char *buf = arena_alloc(p->arena, (size_t)body + 1);
    *len = body ? lex_decode_string(tok->start + 1, body, buf) : 0;
    buf[*len] = '\0';
    return buf;
}

static Stmt *new_stmt(Parser *p, StmtKind kind, Token tok)
{
    Stmt *s = arena_alloc(p->arena, sizeof *s);
    s->kind = kind;
    s->tok = tok;
    return s;
}

static void init_decl(Decl *d, Token name)
{
    d->name = name;
    d->owner = NULL;
    d->is_global = false;
    d->captured = false;
    d->reg = -1;
}

static FunDecl *new_fun(Parser *p, FunKind kind, Token name)
{
    FunDecl *fn = arena_alloc(p->arena, sizeof *fn);
    fn->kind = kind;
    fn->name = name;
    fn->line = name.line;
    init_decl(&fn->this_decl, ps_synthetic("this", TOK_THIS, name.line));
    return fn;
}

/* -- Tokens and errors ------------------------------------------------- */

void ps_error_at(Parser *p, const Token *tok, const char *msg)
{
    if (p->panic || p->fatal) return;
    p->panic = true;
    p->had_error = true;
    if (tok->kind == TOK_ERROR)
        diag_error_scan(p->diag, tok->line, p->lex.err_pos, p->lex.err_to_end, msg);
    else
        diag_error_at(p->diag, tok, msg);
    diag_panic_begin(p->diag);
}

void ps_error(Parser *p, const char *msg) { ps_error_at(p, &p->previous, msg); }
void ps_error_current(Parser *p, const char *msg) { ps_error_at(p, &p->current, msg); }

void ps_advance(Parser *p)
{
    p->previous = p->current;
    if (p->fatal) return;
    for (;;) {
        p->current = lex_next(&p->lex);
        if (p->current.kind != TOK_ERROR) break;
        ps_error_current(p, p->current.start);
    }
}

bool ps_check(const Parser *p, TokenKind kind) { return p->current.kind == kind; }

bool ps_match(Parser *p, TokenKind kind)
{
    if (!ps_check(p, kind)) return false;
    ps_advance(p);
    return true;
}

bool ps_consume(Parser *p, TokenKind kind, const char *msg)
{
    if (ps_check(p, kind)) {
        ps_advance(p);
        return true;
    }
    ps_error_current(p, msg);
    return false;
}

/* clox's synchronize(): leave panic mode, then skip to just after a `;` or
** to a keyword that starts a statement. A scanner error met while skipping
** is reported and puts the parser back in panic mode (clox does that too). */
static void synchronize(Parser *p)
{
    p->panic = false;
    if (!p->fatal) diag_panic_end(p->diag, p->current.start);
    while (p->current.kind != TOK_EOF) {
        if (p->previous.kind == TOK_SEMICOLON) return;
        switch (p->current.kind) {
        case TOK_CLASS: case TOK_FUN: case TOK_VAR: case TOK_FOR:
        case TOK_IF: case TOK_WHILE: case TOK_PRINT: case TOK_RETURN:
            return;
        default:
            ps_advance(p);
        }
    }
}

/* -- Statements -------------------------------------------------------- */

static Stmt *declaration(Parser *p);
static Stmt *statement(Parser *p);

static Stmt **block_body(Parser *p, int *count)
{
    PtrVec v = {0};
    while (!ps_check(p, TOK_RIGHT_BRACE) && !ps_check(p, TOK_EOF))
        ps_vec_push(&v, declaration(p));
    ps_consume(p, TOK_RIGHT_BRACE, "Expect '}' after block.");
    *count = v.count;
    return ps_vec_finish(p, &v);
}

/* echo: this is a statement of its own (not a for clause), so in the REPL
** a top-level one that reaches the end of input without `;` is printed.
** stmt_depth is 2 exactly for a top-level statement (declaration() and
** statement() frames). */
static Stmt *expression_statement(Parser *p, bool echo)
{
    Token first = p->current;
    Expr *e = ps_expression(p);
    if (echo && p->repl && p->stmt_depth == 2 && ps_check(p, TOK_EOF)) {
        Stmt *s = new_stmt(p, STMT_PRINT, first);
        s->as.expr = e;
        return s;
    }
    ps_consume(p, TOK_SEMICOLON, "Expect ';' after expression.");
    Stmt *s = new_stmt(p, STMT_EXPR, first);
    s->as.expr = e;
    return s;
}

/* After `var NAME`: the optional initializer and the `;`. */
static Stmt *var_rest(Parser *p, Token kw, Token name)
{
    Stmt *s = new_stmt(p, STMT_VAR, kw);
    init_decl(&s->as.var.decl, name);
    s->as.var.init = ps_match(p, TOK_EQUAL) ? ps_expression(p) : NULL;
    ps_consume(p, TOK_SEMICOLON, "Expect ';' after variable declaration.");
    return s;
}

static Stmt *var_declaration(Parser *p)
{
    Token kw = p->previous;
    ps_consume(p, TOK_IDENTIFIER, "Expect variable name.");
    return var_rest(p, kw, p->previous);
}

static Stmt *loop_body(Parser *p)
{
    p->loop_depth++;
    Stmt *body = statement(p);
    p->loop_depth--;
    return body;
}

static Stmt *for_statement(Parser *p)
{
    Token kw = p->previous;
    ps_consume(p, TOK_LEFT_PAREN, "Expect '(' after 'for'.");
    Stmt *init = NULL;
    if (ps_match(p, TOK_SEMICOLON)) {
        /* no initializer */
    } else if (ps_match(p, TOK_VAR)) {
        Token var_kw = p->previous;
        ps_consume(p, TOK_IDENTIFIER, "Expect variable name.");
        Token name = p->previous;
        if (ps_match(p, TOK_IN)) {
            Stmt *s = new_stmt(p, STMT_FORIN, kw);
            init_decl(&s->as.forin.decl, name);
            s->as.forin.iterable = ps_expression(p);
            ps_consume(p, TOK_RIGHT_PAREN, "Expect ')' after for clauses.");
            s->as.forin.body = loop_body(p);
            return s;
        }
        init = var_rest(p, var_kw, name);
    } else {
        init = expression_statement(p, false);
    }

    Stmt *s = new_stmt(p, STMT_FOR, kw);
    s->as.for_.init = init;
    if (!ps_match(p, TOK_SEMICOLON)) {
        s->as.for_.cond = ps_expression(p);
        ps_consume(p, TOK_SEMICOLON, "Expect ';' after loop condition.");
    }
    if (!ps_match(p, TOK_RIGHT_PAREN)) {
        s->as.for_.step = ps_expression(p);
        ps_consume(p, TOK_RIGHT_PAREN, "Expect ')' after for clauses.");
    }
    s->as.for_.body = loop_body(p);
    return s;
}

static Stmt *if_statement(Parser *p)
{
    Stmt *s = new_stmt(p, STMT_IF, p->previous);
    ps_consume(p, TOK_LEFT_PAREN, "Expect '(' after 'if'.");
    s->as.if_.cond = ps_expression(p);
    ps_consume(p, TOK_RIGHT_PAREN, "Expect ')' after condition.");
    s->as.if_.then = statement(p);
    s->as.if_.else_ = ps_match(p, TOK_ELSE) ? statement(p) : NULL;
    return s;
}

static Stmt *while_statement(Parser *p)
{
    Stmt *s = new_stmt(p, STMT_WHILE, p->previous);
    ps_consume(p, TOK_LEFT_PAREN, "Expect '(' after 'while'.");
    s->as.while_.cond = ps_expression(p);
    ps_consume(p, TOK_RIGHT_PAREN, "Expect ')' after condition.");
    s->as.while_.body = loop_body(p);
    return s;
}

static Stmt *return_statement(Parser *p)
{
    Stmt *s = new_stmt(p, STMT_RETURN, p->previous);
    if (p->fun->kind == FUN_SCRIPT) ps_error(p, "Can't return from top-level code.");
    if (ps_match(p, TOK_SEMICOLON)) return s;
    if (p->fun->kind == FUN_INITIALIZER) ps_error(p, "Can't return a value from an initializer.");
    s->as.ret.value = ps_expression(p);
    ps_consume(p, TOK_SEMICOLON, "Expect ';' after return value.");
    return s;
}

static Stmt *jump_statement(Parser *p, StmtKind kind)
{
    Stmt *s = new_stmt(p, kind, p->previous);
    if (p->loop_depth == 0)
        ps_error(p, kind == STMT_BREAK ? "Can't use 'break' outside of a loop."
                                       : "Can't use 'continue' outside of a loop.");
    ps_consume(p, TOK_SEMICOLON, kind == STMT_BREAK ? "Expect ';' after break."
                                                    : "Expect ';' after continue.");
    return s;
}

static Stmt *import_statement(Parser *p)
{
    Stmt *s = new_stmt(p, STMT_IMPORT, p->previous);
    if (ps_consume(p, TOK_STRING, "Expect string after 'import'.")) {
        s->as.import.chars = ps_string_value(p, &p->previous, &s->as.import.len);
    } else {
        s->as.import.chars = "";
        s->as.import.len = 0;
    }
    ps_consume(p, TOK_SEMICOLON, "Expect ';' after import.");
    return s;
}

static Stmt *statement(Parser *p)
{
    if (!ps_enter(p)) return new_stmt(p, STMT_BLOCK, p->current);
    p->stmt_depth++;
    Stmt *s;
    if (ps_match(p, TOK_PRINT)) {
        s = new_stmt(p, STMT_PRINT, p->previous);
        s->as.expr = ps_expression(p);
        ps_consume(p, TOK_SEMICOLON, "Expect ';' after value.");
    } else if (ps_match(p, TOK_FOR)) {
        s = for_statement(p);
    } else if (ps_match(p, TOK_IF)) {
        s = if_statement(p);
    } else if (ps_match(p, TOK_RETURN)) {
        s = return_statement(p);
    } else if (ps_match(p, TOK_WHILE)) {
        s = while_statement(p);
    } else if (ps_match(p, TOK_BREAK)) {
        s = jump_statement(p, STMT_BREAK);
    } else if (ps_match(p, TOK_CONTINUE)) {
        s = jump_statement(p, STMT_CONTINUE);
    } else if (ps_match(p, TOK_IMPORT)) {
        s = import_statement(p);
    } else if (ps_match(p, TOK_LEFT_BRACE)) {
        s = new_stmt(p, STMT_BLOCK, p->previous);
        s->as.block.stmts = block_body(p, &s->as.block.count);
    } else {
        s = expression_statement(p, true);
    }
    p->stmt_depth--;
    ps_leave(p);
    return s;
}

/* -- Declarations ------------------------------------------------------ */

/* Parameters and body; `(` is next. A function body is outside any loop
** of the code around it. */
static FunDecl *function(Parser *p, FunKind kind, Token name)
{
    FunDecl *fn = new_fun(p, kind, name);
    FunDecl *outer = p->fun;
    int outer_loops = p->loop_depth;
    p->fun = fn;
    p->loop_depth = 0;

    ps_consume(p, TOK_LEFT_PAREN, "Expect '(' after function name.");
    PtrVec params = {0};
    if (!ps_check(p, TOK_RIGHT_PAREN)) {
        do {
            if (params.count == 255) ps_error_current(p, "Can't have more than 255 parameters.");
            ps_consume(p, TOK_IDENTIFIER, "Expect parameter name.");
            Decl *d = arena_alloc(p->arena, sizeof *d);
            init_decl(d, p->previous);
            ps_vec_push(&params, d);
        } while (ps_match(p, TOK_COMMA));
    }
    fn->arity = params.count;
    fn->params = arena_alloc(p->arena, (size_t)params.count * sizeof *fn->params);
    for (int i = 0; i < params.count; i++) fn->params[i] = *(Decl *)params.items[i];
    free(params.items);

    ps_consume(p, TOK_RIGHT_PAREN, "Expect ')' after parameters.");
    ps_consume(p, TOK_LEFT_BRACE, "Expect '{' before function body.");
    fn->body = block_body(p, &fn->nbody);

    p->fun = outer;
    p->loop_depth = outer_loops;
    return fn;
}

static Stmt *fun_declaration(Parser *p)
{
    Stmt *s = new_stmt(p, STMT_FUN, p->previous);
    ps_consume(p, TOK_IDENTIFIER, "Expect function name.");
    init_decl(&s->as.fun.decl, p->previous);
    s->as.fun.fn = function(p, FUN_FUNCTION, p->previous);
    return s;
}

static bool same_name(const Token *a, const Token *b)
{
    return a->len == b->len && memcmp(a->start, b->start, (size_t)a->len) == 0;
}

static Stmt *class_declaration(Parser *p)
{
    Stmt *s = new_stmt(p, STMT_CLASS, p->previous);
    ps_consume(p, TOK_IDENTIFIER, "Expect class name.");
    Token name = p->previous;
    init_decl(&s->as.klass.decl, name);
    init_decl(&s->as.klass.super_decl, ps_synthetic("super", TOK_SUPER, name.line));

    ClassCtx ctx = {p->klass, false};
    p->klass = &ctx;
    if (ps_match(p, TOK_LESS)) {
        ps_consume(p, TOK_IDENTIFIER, "Expect superclass name.");
        Expr *super = ps_expr(p, EXPR_VAR, p->previous, 0);
        super->as.var.name = p->previous;
        super->as.var.kind = REF_UNRESOLVED;
        s->as.klass.superclass = super;
        if (same_name(&name, &p->previous)) ps_error(p, "A class can't inherit from itself.");
        ctx.has_superclass = true;
    }

    ps_consume(p, TOK_LEFT_BRACE, "Expect '{' before class body.");
    PtrVec methods = {0};
    while (!ps_check(p, TOK_RIGHT_BRACE) && !ps_check(p, TOK_EOF)) {
        ps_consume(p, TOK_IDENTIFIER, "Expect method name.");
        Token mname = p->previous;
        FunKind kind = mname.len == 4 && memcmp(mname.start, "init", 4) == 0
                     ? FUN_INITIALIZER : FUN_METHOD;
        ps_vec_push(&methods, function(p, kind, mname));
    }
    ps_consume(p, TOK_RIGHT_BRACE, "Expect '}' after class body.");
    s->as.klass.nmethods = methods.count;
    s->as.klass.methods = ps_vec_finish(p, &methods);
    p->klass = ctx.enclosing;
    return s;
}

static Stmt *declaration(Parser *p)
{
    if (!ps_enter(p)) return new_stmt(p, STMT_BLOCK, p->current);
    p->stmt_depth++;
    Stmt *s;
    if (ps_match(p, TOK_CLASS)) s = class_declaration(p);
    else if (ps_match(p, TOK_FUN)) s = fun_declaration(p);
    else if (ps_match(p, TOK_VAR)) s = var_declaration(p);
    else s = statement(p);
    p->stmt_depth--;
    diag_decl_end(p->diag, p->current.start);
    if (p->panic) synchronize(p);
    ps_leave(p);
    return s;
}

/* -- Entry ------------------------------------------------------------- */

bool parse_program(Ast *out, const char *src, size_t len, Diag *diag, bool repl_mode)
{
    Parser p;
    memset(&p, 0, sizeof p);
    lex_init(&p.lex, src, len);
    p.diag = diag;
    p.arena = arena_new();
    p.repl = repl_mode;

    FunDecl *script = new_fun(&p, FUN_SCRIPT, ps_synthetic("script", TOK_IDENTIFIER, 1));
    p.fun = script;

    ps_advance(&p);
    PtrVec body = {0};
    while (!ps_match(&p, TOK_EOF)) ps_vec_push(&body, declaration(&p));
    script->nbody = body.count;
    script->body = ps_vec_finish(&p, &body);

    out->script = script;
    out->arena = p.arena;
    return !p.had_error;
}
