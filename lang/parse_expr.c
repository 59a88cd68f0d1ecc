/* parse_expr.c -- expressions: clox's Pratt parser, building tree nodes.
**
** The structure (which token each rule consumes, where `=` is checked, how
** an error leaves the token stream) follows clox's compiler.c closely on
** purpose: panic-mode recovery then skips exactly the tokens clox skips,
** so a file with several errors reports what clox reports.
**
** Messages for the extensions (not in clox): `Expect ']' after index.`,
** `Expect ']' after list elements.`, `Expect ':' after map key.`,
** `Expect '}' after map entries.`. Lists and maps take no trailing comma.
*/
#include <string.h>

#include "lang/parse_int.h"

typedef enum {
    PREC_NONE,
    PREC_ASSIGNMENT, /* = += -= *= /= %= */
    PREC_OR,
    PREC_AND,
    PREC_EQUALITY,   /* == != */
    PREC_COMPARISON, /* < > <= >= */
    PREC_TERM,       /* + - */
    PREC_FACTOR,     /* * / % */
    PREC_UNARY,      /* ! - */
    PREC_CALL,       /* . () [] */
    PREC_PRIMARY
} Prec;

typedef Expr *(*PrefixFn)(Parser *p, bool can_assign);
typedef Expr *(*InfixFn)(Parser *p, Expr *left, bool can_assign);

typedef struct {
    PrefixFn prefix;
    InfixFn infix;
    Prec prec;
} Rule;

static const Rule *rule_of(TokenKind kind);
static Expr *parse_prec(Parser *p, Prec prec);

static int max_height(int a, int b) { return a > b ? a : b; }

/* The assignment operators, and the binary operator each applies. */
static bool match_assign(Parser *p, TokenKind *op)
{
    switch (p->current.kind) {
    case TOK_EQUAL:         *op = TOK_EQUAL; break;
    case TOK_PLUS_EQUAL:    *op = TOK_PLUS; break;
    case TOK_MINUS_EQUAL:   *op = TOK_MINUS; break;
    case TOK_STAR_EQUAL:    *op = TOK_STAR; break;
    case TOK_SLASH_EQUAL:   *op = TOK_SLASH; break;
    case TOK_PERCENT_EQUAL: *op = TOK_PERCENT; break;
    default: return false;
    }
    ps_advance(p);
    return true;
}

Expr *ps_expression(Parser *p) { return parse_prec(p, PREC_ASSIGNMENT); }

/* -- Literals ---------------------------------------------------------- */

static Expr *number(Parser *p, bool can_assign)
{
    (void)can_assign;
    Expr *e = ps_expr(p, EXPR_NUMBER, p->previous, 0);
    e->as.number = lex_number(&p->previous);
    return e;
}

static Expr *string(Parser *p, bool can_assign)
{
    (void)can_assign;
    Expr *e = ps_expr(p, EXPR_STRING, p->previous, 0);
    e->as.string.chars = ps_string_value(p, &p->previous, &e->as.string.len);
    return e;
}

static Expr *literal(Parser *p, bool can_assign)
{
    (void)can_assign;
    ExprKind k = p->previous.kind == TOK_NIL    ? EXPR_NIL
               : p->previous.kind == TOK_TRUE   ? EXPR_TRUE
                                                : EXPR_FALSE;
    return ps_expr(p, k, p->previous, 0);
}

static Expr *grouping(Parser *p, bool can_assign)
{
    (void)can_assign;
    Expr *e = ps_expression(p);
    ps_consume(p, TOK_RIGHT_PAREN, "Expect ')' after expression.");
    return e;
}

static Expr *list(Parser *p, bool can_assign)
{
    (void)can_assign;
    Token open = p->previous;
    PtrVec items = {0};
    int h = 0;
    if (!ps_check(p, TOK_RIGHT_BRACKET)) {
        do {
            Expr *item = ps_expression(p);
            h = max_height(h, item->height);
            ps_vec_push(&items, item);
        } while (ps_match(p, TOK_COMMA));
    }
    ps_consume(p, TOK_RIGHT_BRACKET, "Expect ']' after list elements.");
    Expr *e = ps_expr(p, EXPR_LIST, open, h);
    e->as.list.count = items.count;
    e->as.list.items = ps_vec_finish(p, &items);
    return e;
}

static Expr *map(Parser *p, bool can_assign)
{
    (void)can_assign;
    Token open = p->previous;
    PtrVec keys = {0}, values = {0};
    int h = 0;
    if (!ps_check(p, TOK_RIGHT_BRACE)) {
        do {
            Expr *k = ps_expression(p);
            ps_consume(p, TOK_COLON, "Expect ':' after map key.");
            Expr *v = ps_expression(p);
            h = max_height(h, max_height(k->height, v->height));
            ps_vec_push(&keys, k);
            ps_vec_push(&values, v);
        } while (ps_match(p, TOK_COMMA));
    }
    ps_consume(p, TOK_RIGHT_BRACE, "Expect '}' after map entries.");
    Expr *e = ps_expr(p, EXPR_MAP, open, h);
    e->as.map.count = keys.count;
    e->as.map.keys = ps_vec_finish(p, &keys);
    e->as.map.values = ps_vec_finish(p, &values);
    return e;
}

/* -- Names ------------------------------------------------------------- */

static void init_ref(VarRef *ref, Token name)
{
    ref->name = name;
    ref->kind = REF_UNRESOLVED;
    ref->decl = NULL;
}

static Expr *variable(Parser *p, bool can_assign)
{
    Token name = p->previous;
    TokenKind op;
    if (can_assign && match_assign(p, &op)) {
        Token op_tok = p->previous;
        Expr *value = ps_expression(p);
        Expr *e = ps_expr(p, EXPR_ASSIGN, op_tok, value->height);
        init_ref(&e->as.assign.var, name);
        e->as.assign.op = op;
        e->as.assign.value = value;
        return e;
    }
    Expr *e = ps_expr(p, EXPR_VAR, name, 0);
    init_ref(&e->as.var, name);
    return e;
}

static Expr *this_(Parser *p, bool can_assign)
{
    (void)can_assign;
    if (p->klass == NULL) ps_error(p, "Can't use 'this' outside of a class.");
    Expr *e = ps_expr(p, EXPR_THIS, p->previous, 0);
    init_ref(&e->as.var, p->previous);
    return e;
}

static Expr *super_(Parser *p, bool can_assign)
{
    (void)can_assign;
    Token kw = p->previous;
    if (p->klass == NULL)
        ps_error(p, "Can't use 'super' outside of a class.");
    else if (!p->klass->has_superclass)
        ps_error(p, "Can't use 'super' in a class with no superclass.");
    ps_consume(p, TOK_DOT, "Expect '.' after 'super'.");
    ps_consume(p, TOK_IDENTIFIER, "Expect superclass method name.");
    Expr *e = ps_expr(p, EXPR_SUPER, kw, 0);
    e->as.super.method = p->previous;
    init_ref(&e->as.super.this_ref, ps_synthetic("this", TOK_THIS, kw.line));
    init_ref(&e->as.super.super_ref, ps_synthetic("super", TOK_SUPER, kw.line));
    return e;
}

/* -- Operators --------------------------------------------------------- */

static Expr *unary(Parser *p, bool can_assign)
{
    (void)can_assign;
    Token op = p->previous;
    Expr *operand = parse_prec(p, PREC_UNARY);
    Expr *e = ps_expr(p, EXPR_UNARY, op, operand->height);
    e->as.unary.operand = operand;
    return e;
}

static Expr *binary(Parser *p, Expr *left, bool can_assign)
{
    (void)can_assign;
    Token op = p->previous;
    Expr *right = parse_prec(p, (Prec)(rule_of(op.kind)->prec + 1));
    Expr *e = ps_expr(p, EXPR_BINARY, op, max_height(left->height, right->height));
    e->as.binary.left = left;
    e->as.binary.right = right;
    return e;
}

/* `and`/`or` parse their right operand at their own level, as clox does
** (right-nested; the value is the same as left-nested). */
static Expr *logical(Parser *p, Expr *left, bool can_assign)
{
    (void)can_assign;
    Token op = p->previous;
    Expr *right = parse_prec(p, op.kind == TOK_AND ? PREC_AND : PREC_OR);
    Expr *e = ps_expr(p, EXPR_LOGICAL, op, max_height(left->height, right->height));
    e->as.binary.left = left;
    e->as.binary.right = right;
    return e;
}

static Expr *call(Parser *p, Expr *callee, bool can_assign)
{
    (void)can_assign;
    Token open = p->previous;
    PtrVec args = {0};
    int h = callee->height;
    if (!ps_check(p, TOK_RIGHT_PAREN)) {
        do {
            Expr *arg = ps_expression(p);
            /* clox reports this at the argument's last token and goes on. */
            if (args.count == 255) ps_error(p, "Can't have more than 255 arguments.");
            h = max_height(h, arg->height);
            ps_vec_push(&args, arg);
        } while (ps_match(p, TOK_COMMA));
    }
    ps_consume(p, TOK_RIGHT_PAREN, "Expect ')' after arguments.");
    Expr *e = ps_expr(p, EXPR_CALL, open, h);
    e->as.call.callee = callee;
    e->as.call.argc = args.count;
    e->as.call.args = ps_vec_finish(p, &args);
    return e;
}

static Expr *dot(Parser *p, Expr *object, bool can_assign)
{
    ps_consume(p, TOK_IDENTIFIER, "Expect property name after '.'.");
    Token name = p->previous;
    TokenKind op;
    if (can_assign && match_assign(p, &op)) {
        Token op_tok = p->previous;
        Expr *value = ps_expression(p);
        Expr *e = ps_expr(p, EXPR_SET, op_tok, max_height(object->height, value->height));
        e->as.set.object = object;
        e->as.set.name = name;
        e->as.set.op = op;
        e->as.set.value = value;
        return e;
    }
    Expr *e = ps_expr(p, EXPR_GET, name, object->height);
    e->as.get.object = object;
    e->as.get.name = name;
    return e;
}

static Expr *index_(Parser *p, Expr *object, bool can_assign)
{
    Token open = p->previous;
    Expr *index = ps_expression(p);
    ps_consume(p, TOK_RIGHT_BRACKET, "Expect ']' after index.");
    int h = max_height(object->height, index->height);
    TokenKind op;
    if (can_assign && match_assign(p, &op)) {
        Expr *value = ps_expression(p);
        Expr *e = ps_expr(p, EXPR_SETINDEX, open, max_height(h, value->height));
        e->as.setindex.object = object;
        e->as.setindex.index = index;
        e->as.setindex.op = op;
        e->as.setindex.value = value;
        return e;
    }
    Expr *e = ps_expr(p, EXPR_INDEX, open, h);
    e->as.index.object = object;
    e->as.index.index = index;
    return e;
}

/* -- The Pratt loop ---------------------------------------------------- */

static const Rule rules[TOK__COUNT] = {
    [TOK_LEFT_PAREN]    = {grouping, call, PREC_CALL},
    [TOK_LEFT_BRACKET]  = {list, index_, PREC_CALL},
    [TOK_LEFT_BRACE]    = {map, NULL, PREC_NONE},
    [TOK_DOT]           = {NULL, dot, PREC_CALL},
    [TOK_MINUS]         = {unary, binary, PREC_TERM},
    [TOK_PLUS]          = {NULL, binary, PREC_TERM},
    [TOK_SLASH]         = {NULL, binary, PREC_FACTOR},
    [TOK_STAR]          = {NULL, binary, PREC_FACTOR},
    [TOK_PERCENT]       = {NULL, binary, PREC_FACTOR},
    [TOK_BANG]          = {unary, NULL, PREC_NONE},
    [TOK_BANG_EQUAL]    = {NULL, binary, PREC_EQUALITY},
    [TOK_EQUAL_EQUAL]   = {NULL, binary, PREC_EQUALITY},
    [TOK_GREATER]       = {NULL, binary, PREC_COMPARISON},
    [TOK_GREATER_EQUAL] = {NULL, binary, PREC_COMPARISON},
    [TOK_LESS]          = {NULL, binary, PREC_COMPARISON},
    [TOK_LESS_EQUAL]    = {NULL, binary, PREC_COMPARISON},
    [TOK_IDENTIFIER]    = {variable, NULL, PREC_NONE},
    [TOK_STRING]        = {string, NULL, PREC_NONE},
    [TOK_NUMBER]        = {number, NULL, PREC_NONE},
    [TOK_AND]           = {NULL, logical, PREC_AND},
    [TOK_OR]            = {NULL, logical, PREC_OR},
    [TOK_FALSE]         = {literal, NULL, PREC_NONE},
    [TOK_TRUE]          = {literal, NULL, PREC_NONE},
    [TOK_NIL]           = {literal, NULL, PREC_NONE},
    [TOK_THIS]          = {this_, NULL, PREC_NONE},
    [TOK_SUPER]         = {super_, NULL, PREC_NONE},
};

static const Rule *rule_of(TokenKind kind) { return &rules[kind]; }

static Expr *parse_prec(Parser *p, Prec prec)
{
    if (!ps_enter(p)) return ps_placeholder(p);
    ps_advance(p);
    PrefixFn prefix = rule_of(p->previous.kind)->prefix;
    if (prefix == NULL) {
        ps_error(p, "Expect expression.");
        ps_leave(p);
        return ps_placeholder(p);
    }
    bool can_assign = prec <= PREC_ASSIGNMENT;
    Expr *e = prefix(p, can_assign);
    while (prec <= rule_of(p->current.kind)->prec) {
        ps_advance(p);
        e = rule_of(p->previous.kind)->infix(p, e, can_assign);
    }
    TokenKind op;
    if (can_assign && match_assign(p, &op)) ps_error(p, "Invalid assignment target.");
    ps_leave(p);
    return e;
}
