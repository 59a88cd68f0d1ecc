/* codegen_expr.c -- expressions and conditions to register bytecode:
** operands in place or in temporaries, the K and immediate forms of
** arithmetic, compare-and-branch, assignments, calls and invokes,
** containers. See lang/codegen.c for the design and its invariants.
*/
#include <stdlib.h>
#include <string.h>

#include "lang/codegen_int.h"

/* -- Expressions: helpers ------------------------------------------------ */

int cg_upvalue_index(Cg *c, Fn *f, Decl *d)
{
    for (int i = 0; i < f->nupvals; i++)
        if (f->updecls[i] == d)
            return i;
    UpvalDesc desc;
    if (f->up == NULL) {
        cg_fail(c, "Unresolved upvalue.");
    } else if (d->owner == f->up->decl) {
        desc.is_local = 1;
        desc.index = (uint16_t)d->reg;
    } else {
        desc.is_local = 0;
        desc.index = (uint16_t)cg_upvalue_index(c, f->up, d);
    }
    if (f->nupvals == LX_MAX_UPVALS)
        cg_fail(c, "Too many closure variables in function.");
    f->updecls[f->nupvals] = d;
    f->updesc[f->nupvals] = desc;
    return f->nupvals++;
}

bool cg_is_local_ref(const Expr *e)
{
    return (e->kind == EXPR_VAR || e->kind == EXPR_THIS) &&
           e->as.var.kind == REF_LOCAL && e->as.var.decl != NULL;
}

/* Could evaluating e change local d? (An assignment to it, or, when d is
** captured, any call: a closure may assign it through its upvalue.) */
static bool may_clobber(const Expr *e, const Decl *d)
{
    if (e == NULL)
        return false;
    switch (e->kind) {
    case EXPR_ASSIGN:
        if (e->as.assign.var.decl == d)
            return true;
        return may_clobber(e->as.assign.value, d);
    case EXPR_UNARY: return may_clobber(e->as.unary.operand, d);
    case EXPR_BINARY:
    case EXPR_LOGICAL:
        return may_clobber(e->as.binary.left, d) || may_clobber(e->as.binary.right, d);
    case EXPR_CALL:
        if (d->captured)
            return true;
        if (may_clobber(e->as.call.callee, d))
            return true;
        for (int i = 0; i < e->as.call.argc; i++)
            if (may_clobber(e->as.call.args[i], d))
                return true;
        return false;
    case EXPR_GET: return may_clobber(e->as.get.object, d);
    case EXPR_SET:
        return may_clobber(e->as.set.object, d) || may_clobber(e->as.set.value, d);
    case EXPR_INDEX:
        return may_clobber(e->as.index.object, d) || may_clobber(e->as.index.index, d);
    case EXPR_SETINDEX:
        return may_clobber(e->as.setindex.object, d) ||
               may_clobber(e->as.setindex.index, d) ||
               may_clobber(e->as.setindex.value, d);
    case EXPR_LIST:
        for (int i = 0; i < e->as.list.count; i++)
            if (may_clobber(e->as.list.items[i], d))
                return true;
        return false;
    case EXPR_MAP:
        for (int i = 0; i < e->as.map.count; i++)
            if (may_clobber(e->as.map.keys[i], d) || may_clobber(e->as.map.values[i], d))
                return true;
        return false;
    default: return false;
    }
}

/* A register holding e's value: a local's own register when nothing in
** `later` (evaluated after e, before the use) can change it; else a new
** temporary. */
int cg_operand(Cg *c, Expr *e, Expr *later)
{
    if (cg_is_local_ref(e) && !may_clobber(later, e->as.var.decl))
        return e->as.var.decl->reg;
    int r = cg_alloc_temp(c);
    cg_expr_to(c, e, r);
    return r;
}

static int cg_operand2(Cg *c, Expr *e, Expr *later1, Expr *later2)
{
    if (cg_is_local_ref(e) && !may_clobber(later1, e->as.var.decl) &&
        !may_clobber(later2, e->as.var.decl))
        return e->as.var.decl->reg;
    int r = cg_alloc_temp(c);
    cg_expr_to(c, e, r);
    return r;
}

bool cg_is_const_expr(const Expr *e)
{
    return e->kind == EXPR_NUMBER || e->kind == EXPR_STRING || e->kind == EXPR_NIL ||
           e->kind == EXPR_TRUE || e->kind == EXPR_FALSE;
}

bool cg_const_truthy(const Expr *e)
{
    return e->kind != EXPR_NIL && e->kind != EXPR_FALSE;
}

/* The constant for a literal, or -1 if it does not fit an 8-bit operand. */
static int literal_k8(Cg *c, const Expr *e)
{
    int k;
    switch (e->kind) {
    case EXPR_NUMBER: k = cg_num_const(c, e->as.number); break;
    case EXPR_STRING: k = cg_str_const(c, e->as.string.chars, e->as.string.len); break;
    case EXPR_NIL: k = cg_add_const(c, NIL_VAL); break;
    case EXPR_TRUE: k = cg_add_const(c, TRUE_VAL); break;
    case EXPR_FALSE: k = cg_add_const(c, FALSE_VAL); break;
    default: return -1;
    }
    return k <= 255 ? k : -1;
}

/* -- Arithmetic ---------------------------------------------------------- */

static int arith_op(TokenKind t)
{
    switch (t) {
    case TOK_PLUS: case TOK_PLUS_EQUAL: return OP_ADD;
    case TOK_MINUS: case TOK_MINUS_EQUAL: return OP_SUB;
    case TOK_STAR: case TOK_STAR_EQUAL: return OP_MUL;
    case TOK_SLASH: case TOK_SLASH_EQUAL: return OP_DIV;
    case TOK_PERCENT: case TOK_PERCENT_EQUAL: return OP_MOD;
    default: return -1;
    }
}

bool cg_is_small_int(double d, int lo, int hi)
{
    return d >= lo && d <= hi && d == (double)(int)d && !(d == 0 && 1 / d < 0);
}

/* dst = R[lreg] op right, choosing the immediate and K forms when the
** right operand is a number literal. scratch >= 0: a register the right
** operand may be computed into (the destination, when it is free). */
static void emit_arith(Cg *c, int op, int dst, int lreg, Expr *right, int scratch)
{
    if (right->kind == EXPR_NUMBER) {
        double d = right->as.number;
        if (op == OP_ADD && cg_is_small_int(d, -128, 127)) {
            cg_emit_abc(c, OP_ADDI, dst, lreg, (int)d);
            return;
        }
        int k = cg_num_const(c, d);
        if (k <= 255) {
            cg_emit_abc(c, (OpCode)(op + (OP_ADDK - OP_ADD)), dst, lreg, k);
            return;
        }
    }
    int save = c->fn->freereg;
    int rreg;
    if (scratch >= 0 && !cg_is_local_ref(right)) {
        cg_expr_to(c, right, scratch);
        rreg = scratch;
    } else {
        rreg = cg_operand(c, right, NULL);
    }
    cg_emit_abc(c, (OpCode)op, dst, lreg, rreg);
    c->fn->freereg = save;
}

static void cg_arith(Cg *c, Expr *e, int dst)
{
    int op = arith_op(e->tok.kind);
    Expr *l = e->as.binary.left, *r = e->as.binary.right;
    int save = c->fn->freereg;
    /* Commute a literal left operand of + and * into the K slot. Exact in
    ** IEEE arithmetic, and the error texts do not depend on the order. */
    if (l->kind == EXPR_NUMBER && r->kind != EXPR_NUMBER && (op == OP_ADD || op == OP_MUL)) {
        Expr *t = l;
        l = r;
        r = t;
    }
    /* A destination that is not a variable may hold an operand meanwhile
    ** (INVARIANT(dst-last) only protects variables): fewer temporaries. */
    bool fresh = !cg_is_live_var(c, dst);
    int lreg;
    if (fresh && !cg_is_local_ref(l)) {
        cg_expr_to(c, l, dst);
        lreg = dst;
    } else {
        lreg = cg_operand(c, l, r);
    }
    cg_set_op_line(c, e);
    emit_arith(c, op, dst, lreg, r, fresh && lreg != dst ? dst : -1);
    c->fn->freereg = save;
}

/* -- Conditions ---------------------------------------------------------- */


/* Compare-and-branch for a comparison operator. */
static void cg_compare(Cg *c, Expr *e, bool jump_if, Target t)
{
    TokenKind op = e->tok.kind;
    Expr *l = e->as.binary.left, *r = e->as.binary.right;
    int save = c->fn->freereg;
    bool pol = jump_if;
    if (op == TOK_BANG_EQUAL) {
        op = TOK_EQUAL_EQUAL;
        pol = !pol;
    }
    /* A literal on one side: the K forms (literal left: mirror the test). */
    bool lk = cg_is_const_expr(l), rk = cg_is_const_expr(r);
    if (rk || lk) {
        bool mirror = !rk;
        Expr *var = mirror ? r : l, *lit = mirror ? l : r;
        bool ok = op == TOK_EQUAL_EQUAL || lit->kind == EXPR_NUMBER;
        int k = ok ? literal_k8(c, lit) : -1;
        if (k >= 0) {
            OpCode kop;
            switch (op) {
            case TOK_LESS: kop = mirror ? OP_JGTK : OP_JLTK; break;
            case TOK_LESS_EQUAL: kop = mirror ? OP_JGEK : OP_JLEK; break;
            case TOK_GREATER: kop = mirror ? OP_JLTK : OP_JGTK; break;
            case TOK_GREATER_EQUAL: kop = mirror ? OP_JLEK : OP_JGEK; break;
            default: kop = OP_JEQK; break;
            }
            int reg = cg_operand(c, var, NULL);
            cg_set_op_line(c, e);
            cg_emit_abc(c, kop, reg, k, pol);
            cg_emit_jump_word(c, t);
            c->fn->freereg = save;
            return;
        }
    }
    int a = cg_operand(c, l, r);
    int b = cg_operand(c, r, NULL);
    cg_set_op_line(c, e);
    switch (op) {
    case TOK_LESS: cg_emit_abc(c, OP_JLT, a, b, pol); break;
    case TOK_LESS_EQUAL: cg_emit_abc(c, OP_JLE, a, b, pol); break;
    case TOK_GREATER: cg_emit_abc(c, OP_JLT, b, a, pol); break;
    case TOK_GREATER_EQUAL: cg_emit_abc(c, OP_JLE, b, a, pol); break;
    default: cg_emit_abc(c, OP_JEQ, a, b, pol); break;
    }
    cg_emit_jump_word(c, t);
    c->fn->freereg = save;
}

static bool is_comparison(TokenKind k)
{
    return k == TOK_LESS || k == TOK_LESS_EQUAL || k == TOK_GREATER ||
           k == TOK_GREATER_EQUAL || k == TOK_EQUAL_EQUAL || k == TOK_BANG_EQUAL;
}

/* Branch to t when e's truthiness equals jump_if; fall through otherwise. */
void cg_cond(Cg *c, Expr *e, bool jump_if, Target t)
{
    cg_set_line(c, &e->tok);
    switch (e->kind) {
    case EXPR_NUMBER: case EXPR_STRING: case EXPR_NIL: case EXPR_TRUE: case EXPR_FALSE:
        if (cg_const_truthy(e) == jump_if)
            cg_emit_jump_word(c, t);
        return;
    case EXPR_UNARY:
        if (e->tok.kind == TOK_BANG) {
            cg_cond(c, e->as.unary.operand, !jump_if, t);
            return;
        }
        break;
    case EXPR_LOGICAL: {
        bool is_and = e->tok.kind == TOK_AND;
        if (is_and != jump_if) {
            /* and, jump if false / or, jump if true: either side decides. */
            cg_cond(c, e->as.binary.left, jump_if, t);
            cg_cond(c, e->as.binary.right, jump_if, t);
        } else {
            int skip = NO_JUMP;
            cg_cond(c, e->as.binary.left, !jump_if, (Target){ &skip, 0, 0 });
            cg_cond(c, e->as.binary.right, jump_if, t);
            cg_patch_here(c, skip);
        }
        return;
    }
    case EXPR_BINARY:
        if (is_comparison(e->tok.kind)) {
            cg_compare(c, e, jump_if, t);
            return;
        }
        break;
    default: break;
    }
    int save = c->fn->freereg;
    int r = cg_operand(c, e, NULL);
    cg_emit_abc(c, OP_TEST, r, 0, jump_if);
    cg_emit_jump_word(c, t);
    c->fn->freereg = save;
}

/* A condition as a value: dst = true or false. */
static void cg_bool_value(Cg *c, Expr *e, int dst)
{
    int yes = NO_JUMP;
    cg_cond(c, e, true, (Target){ &yes, 0, 0 });
    cg_emit_abc(c, OP_LOADBOOL, dst, 0, 1);
    cg_patch_here(c, yes);
    cg_emit_abc(c, OP_LOADBOOL, dst, 1, 0);
}

static void cg_logical_value(Cg *c, Expr *e, int dst)
{
    int target = cg_is_live_var(c, dst) ? cg_alloc_reg(c) : dst;
    int end = NO_JUMP;
    cg_expr_to(c, e->as.binary.left, target);
    cg_set_line(c, &e->tok);
    cg_emit_abc(c, OP_TEST, target, 0, e->tok.kind == TOK_OR);
    cg_emit_jmp(c, &end);
    cg_expr_to(c, e->as.binary.right, target);
    cg_patch_here(c, end);
    if (target != dst)
        cg_emit_abc(c, OP_MOV, dst, target, 0);
}

/* -- Variables and assignment -------------------------------------------- */

static void cg_var_read(Cg *c, VarRef *v, int dst)
{
    switch (v->kind) {
    case REF_LOCAL:
        if (v->decl->reg != dst)
            cg_emit_abc(c, OP_MOV, dst, v->decl->reg, 0);
        break;
    case REF_UPVALUE:
        cg_emit_abc(c, OP_GETUPVAL, dst, cg_upvalue_index(c, c->fn, v->decl), 0);
        break;
    default:
        cg_emit_abx(c, OP_GETGLOBAL, dst, (int)cg_global_slot(c, &v->name));
        break;
    }
}

/* Assignment; the value lands in a register that is returned. dst < 0:
** any register will do (a statement's effect). */
static int cg_assign(Cg *c, Expr *e, int dst)
{
    VarRef *v = &e->as.assign.var;
    Expr *value = e->as.assign.value;
    TokenKind aop = e->as.assign.op;
    int op = aop == TOK_EQUAL ? -1 : arith_op(aop);
    if (v->kind == REF_LOCAL) {
        int reg = v->decl->reg;
        if (op < 0) {
            cg_expr_to(c, value, reg);
        } else {
            int save = c->fn->freereg;
            int lreg = reg;
            if (may_clobber(value, v->decl)) {
                lreg = cg_alloc_reg(c);
                cg_emit_abc(c, OP_MOV, lreg, reg, 0);
            }
            cg_set_op_line(c, e);
            emit_arith(c, op, reg, lreg, value, -1);
            c->fn->freereg = save;
        }
        return reg;
    }
    int save = c->fn->freereg;
    int r = (dst >= 0 && !cg_is_live_var(c, dst)) ? dst : cg_alloc_reg(c);
    if (op < 0) {
        cg_expr_to(c, value, r);
    } else {
        cg_var_read(c, v, r);
        cg_set_op_line(c, e);
        emit_arith(c, op, r, r, value, -1);
    }
    cg_set_op_line(c, e);
    if (v->kind == REF_UPVALUE)
        cg_emit_abc(c, OP_SETUPVAL, r, cg_upvalue_index(c, c->fn, v->decl), 0);
    else
        cg_emit_abx(c, OP_SETGLOBAL, r, (int)cg_global_slot(c, &v->name));
    if (r != dst) {
        c->fn->freereg = save;
        if (dst >= 0) {
            cg_emit_abc(c, OP_MOV, dst, r, 0);
            return dst;
        }
        return r;   /* freed, but still holds the value until reused */
    }
    c->fn->freereg = save;
    return r;
}

static int cg_set(Cg *c, Expr *e, int dst)
{
    int save = c->fn->freereg;
    Expr *value = e->as.set.value;
    int obj = cg_operand(c, e->as.set.object, value);
    int k = cg_name_const(c, &e->as.set.name);
    int r;
    if (e->as.set.op == TOK_EQUAL) {
        r = (dst >= 0 && !cg_is_live_var(c, dst)) ? dst : cg_operand(c, value, NULL);
        if (r == dst)
            cg_expr_to(c, value, r);
    } else {
        r = (dst >= 0 && !cg_is_live_var(c, dst) && dst != obj) ? dst : cg_alloc_reg(c);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_GETFIELD, r, obj, k);
        emit_arith(c, arith_op(e->as.set.op), r, r, value, -1);
    }
    cg_set_op_line(c, e);
    cg_emit_abc(c, OP_SETFIELD, obj, k, r);
    c->fn->freereg = save;
    if (dst >= 0 && r != dst)
        cg_emit_abc(c, OP_MOV, dst, r, 0);
    return dst >= 0 ? dst : r;
}

static int cg_setindex(Cg *c, Expr *e, int dst)
{
    int save = c->fn->freereg;
    Expr *value = e->as.setindex.value;
    int obj = cg_operand2(c, e->as.setindex.object, e->as.setindex.index, value);
    int idx = cg_operand(c, e->as.setindex.index, value);
    int r;
    if (e->as.setindex.op == TOK_EQUAL) {
        r = (dst >= 0 && !cg_is_live_var(c, dst) && dst != obj && dst != idx)
                ? dst : cg_operand(c, value, NULL);
        if (r == dst)
            cg_expr_to(c, value, r);
    } else {
        r = cg_alloc_reg(c);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_GETINDEX, r, obj, idx);
        emit_arith(c, arith_op(e->as.setindex.op), r, r, value, -1);
    }
    cg_set_op_line(c, e);
    cg_emit_abc(c, OP_SETINDEX, obj, idx, r);
    c->fn->freereg = save;
    if (dst >= 0 && r != dst)
        cg_emit_abc(c, OP_MOV, dst, r, 0);
    return dst >= 0 ? dst : r;
}

/* -- Calls --------------------------------------------------------------- */

static void cg_args(Cg *c, Expr **args, int argc, int base)
{
    for (int i = 0; i < argc; i++) {
        int r = cg_alloc_reg(c);
        LX_ASSERT(r == base + 1 + i, "call arguments are consecutive");
        (void)base;
        cg_expr_to(c, args[i], r);
        c->fn->freereg = r + 1;
    }
}

static void cg_call(Cg *c, Expr *e, int dst)
{
    Fn *f = c->fn;
    int save = f->freereg;
    /* The destination can be the call's base when it is the newest
    ** register and not a variable (then nothing reads it meanwhile). */
    int base = (dst == f->freereg - 1 && !cg_is_live_var(c, dst)) ? dst : cg_alloc_reg(c);
    Expr *callee = e->as.call.callee;
    int argc = e->as.call.argc;
    if (callee->kind == EXPR_GET) {
        int k = cg_name_const(c, &callee->as.get.name);
        cg_expr_to(c, callee->as.get.object, base);
        cg_args(c, e->as.call.args, argc, base);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_INVOKE, base, argc, k);
    } else if (callee->kind == EXPR_SUPER) {
        int k = cg_name_const(c, &callee->as.super.method);
        cg_var_read(c, &callee->as.super.this_ref, base);
        cg_args(c, e->as.call.args, argc, base);
        int sreg = cg_alloc_reg(c);
        cg_var_read(c, &callee->as.super.super_ref, sreg);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_SUPERINVOKE, base, argc, k);
    } else {
        cg_expr_to(c, callee, base);
        cg_args(c, e->as.call.args, argc, base);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_CALL, base, argc, 0);
    }
    f->freereg = save;
    if (base != dst)
        cg_emit_abc(c, OP_MOV, dst, base, 0);
}

/* -- Expressions --------------------------------------------------------- */

static void cg_list(Cg *c, Expr *e, int dst)
{
    int target = cg_is_live_var(c, dst) ? cg_alloc_reg(c) : dst;
    int n = e->as.list.count;
    cg_emit_abc(c, OP_NEWLIST, target, n > 255 ? 255 : n, 0);
    for (int i = 0; i < n;) {
        int save = c->fn->freereg;
        int first = -1, batch = 0;
        while (i < n && batch < 32) {
            int r = cg_alloc_reg(c);
            if (first < 0)
                first = r;
            cg_expr_to(c, e->as.list.items[i], r);
            c->fn->freereg = r + 1;
            i++;
            batch++;
        }
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_APPEND, target, first, batch);
        c->fn->freereg = save;
    }
    if (target != dst)
        cg_emit_abc(c, OP_MOV, dst, target, 0);
}

static void cg_map(Cg *c, Expr *e, int dst)
{
    int target = cg_is_live_var(c, dst) ? cg_alloc_reg(c) : dst;
    cg_emit_abc(c, OP_NEWMAP, target, 0, 0);
    for (int i = 0; i < e->as.map.count; i++) {
        int save = c->fn->freereg;
        int k = cg_operand(c, e->as.map.keys[i], e->as.map.values[i]);
        int v = cg_operand(c, e->as.map.values[i], NULL);
        cg_set_line(c, &e->as.map.keys[i]->tok);
        cg_emit_abc(c, OP_SETINDEX, target, k, v);
        c->fn->freereg = save;
    }
    if (target != dst)
        cg_emit_abc(c, OP_MOV, dst, target, 0);
}

static void cg_number(Cg *c, double d, int dst)
{
    if (cg_is_small_int(d, LX_SBX_MIN, LX_SBX_MAX))
        cg_emit(c, ins_set_sbx(ins_abx(OP_LOADI, dst, 0), (int)d));
    else
        cg_emit_abx(c, OP_LOADK, dst, cg_num_const(c, d));
}

/* Compute e into register dst, honouring INVARIANT(dst-last). */
void cg_expr_to(Cg *c, Expr *e, int dst)
{
    const Token *outer = c->tok;
    cg_set_line(c, &e->tok);
    int save = c->fn->freereg;
    switch (e->kind) {
    case EXPR_NUMBER: cg_number(c, e->as.number, dst); break;
    case EXPR_STRING:
        cg_emit_abx(c, OP_LOADK, dst, cg_str_const(c, e->as.string.chars, e->as.string.len));
        break;
    case EXPR_NIL: cg_emit_abc(c, OP_LOADNIL, dst, 0, 0); break;
    case EXPR_TRUE: cg_emit_abc(c, OP_LOADBOOL, dst, 1, 0); break;
    case EXPR_FALSE: cg_emit_abc(c, OP_LOADBOOL, dst, 0, 0); break;
    case EXPR_VAR:
    case EXPR_THIS: cg_var_read(c, &e->as.var, dst); break;
    case EXPR_ASSIGN: {
        int r = cg_assign(c, e, dst);
        if (r != dst)
            cg_emit_abc(c, OP_MOV, dst, r, 0);
        break;
    }
    case EXPR_UNARY: {
        if (e->tok.kind == TOK_BANG && e->as.unary.operand->kind == EXPR_BINARY &&
            is_comparison(e->as.unary.operand->tok.kind)) {
            cg_bool_value(c, e, dst);
            break;
        }
        int r = cg_operand(c, e->as.unary.operand, NULL);
        cg_set_op_line(c, e);
        cg_emit_abc(c, e->tok.kind == TOK_BANG ? OP_NOT : OP_NEG, dst, r, 0);
        break;
    }
    case EXPR_BINARY:
        if (is_comparison(e->tok.kind))
            cg_bool_value(c, e, dst);
        else
            cg_arith(c, e, dst);
        break;
    case EXPR_LOGICAL: cg_logical_value(c, e, dst); break;
    case EXPR_CALL: cg_call(c, e, dst); break;
    case EXPR_GET: {
        int obj;
        if (!cg_is_live_var(c, dst) && !cg_is_local_ref(e->as.get.object)) {
            cg_expr_to(c, e->as.get.object, dst);
            obj = dst;
        } else {
            obj = cg_operand(c, e->as.get.object, NULL);
        }
        int k = cg_name_const(c, &e->as.get.name);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_GETFIELD, dst, obj, k);
        break;
    }
    case EXPR_SET: cg_set(c, e, dst); break;
    case EXPR_INDEX: {
        int obj;
        if (!cg_is_live_var(c, dst) && !cg_is_local_ref(e->as.index.object)) {
            cg_expr_to(c, e->as.index.object, dst);
            obj = dst;
        } else {
            obj = cg_operand(c, e->as.index.object, e->as.index.index);
        }
        int idx = cg_operand(c, e->as.index.index, NULL);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_GETINDEX, dst, obj, idx);
        break;
    }
    case EXPR_SETINDEX: cg_setindex(c, e, dst); break;
    case EXPR_SUPER: {
        int k = cg_name_const(c, &e->as.super.method);
        int target = cg_is_live_var(c, dst) ? cg_alloc_reg(c) : dst;
        cg_var_read(c, &e->as.super.this_ref, target);
        int sreg = cg_alloc_reg(c);
        cg_var_read(c, &e->as.super.super_ref, sreg);
        cg_set_op_line(c, e);
        cg_emit_abc(c, OP_GETSUPER, target, sreg, k);
        if (target != dst)
            cg_emit_abc(c, OP_MOV, dst, target, 0);
        break;
    }
    case EXPR_LIST: cg_list(c, e, dst); break;
    case EXPR_MAP: cg_map(c, e, dst); break;
    }
    c->fn->freereg = save;
    c->tok = outer;
}

/* An expression evaluated for its effect only. */
void cg_effect(Cg *c, Expr *e)
{
    int save = c->fn->freereg;
    cg_set_line(c, &e->tok);
    switch (e->kind) {
    case EXPR_ASSIGN: cg_assign(c, e, -1); break;
    case EXPR_SET: cg_set(c, e, -1); break;
    case EXPR_SETINDEX: cg_setindex(c, e, -1); break;
    default: {
        int r = cg_alloc_reg(c);
        cg_expr_to(c, e, r);
        break;
    }
    }
    c->fn->freereg = save;
}
