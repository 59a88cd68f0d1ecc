/* codegen_emit.c -- the code generator's plumbing: emitting instructions
** with their lines, the register stack, scopes, the constant table (with
** its dedupe map and the property-name pre-pass) and jump lists.
** See lang/codegen.c for the design.
*/
#include <stdlib.h>
#include <string.h>

#include "lang/codegen_int.h"
#include "vm/memory.h"

/* -- Failing -------------------------------------------------------------- */

_Noreturn void cg_fail(Cg *c, const char *msg)
{
    if (c->tok != NULL) {
        diag_error_at(c->diag, c->tok, msg);
    } else {
        Token t = { TOK_EOF, "", 0, c->fn != NULL ? c->fn->line : 1 };
        diag_error_at(c->diag, &t, msg);
    }
    longjmp(c->fail, 1);
}

/* -- Emitting ------------------------------------------------------------ */

int cg_pc(Cg *c) { return c->fn->fn->ncode; }

int cg_emit(Cg *c, Instr ins)
{
    Fn *f = c->fn;
    ObjFunction *fn = f->fn;
    if (fn->ncode == fn->code_cap) {
        int cap = fn->code_cap < 16 ? 16 : fn->code_cap * 2;
        fn->code = LX_GROW_ARRAY(c->vm, Instr, fn->code, fn->code_cap, cap);
        fn->lines = LX_GROW_ARRAY(c->vm, int32_t, fn->lines, fn->code_cap, cap);
        fn->code_cap = cap;
    }
    if (fn->ncode >= f->jnext_cap) {
        int cap = f->jnext_cap < 16 ? 16 : f->jnext_cap * 2;
        f->jnext = realloc(f->jnext, sizeof(int) * (size_t)cap);
        if (f->jnext == NULL)
            abort();
        f->jnext_cap = cap;
    }
    f->jnext[fn->ncode] = NO_JUMP;
    fn->code[fn->ncode] = ins;
    fn->lines[fn->ncode] = f->line;
    return fn->ncode++;
}

int cg_emit_abc(Cg *c, OpCode op, int a, int b, int cc)
{
    return cg_emit(c, ins_abc(op, a, b, cc));
}

int cg_emit_abx(Cg *c, OpCode op, int a, int bx)
{
    return cg_emit(c, ins_abx(op, a, bx));
}

void cg_set_line(Cg *c, const Token *t)
{
    c->tok = t;
    if (t->line > 0)
        c->fn->line = t->line;
}

/* The line a runtime error in e's operation names: clox's, the line of
** the expression's last token (Expr.line). */
void cg_set_op_line(Cg *c, const Expr *e)
{
    c->tok = &e->tok;
    c->fn->line = e->line > 0 ? e->line : e->tok.line;
}

/* -- Registers ----------------------------------------------------------- */

int cg_alloc_reg(Cg *c)
{
    Fn *f = c->fn;
    if (f->freereg >= LX_MAX_REGS)
        cg_fail(c, "Too many local variables in function.");
    int r = f->freereg++;
    if (f->freereg > f->maxreg)
        f->maxreg = f->freereg;
    return r;
}

/* One temporary register, not part of a call window. */
int cg_alloc_temp(Cg *c)
{
    Fn *f = c->fn;
    if (f->freereg >= LX_MAX_REGS && f->r0_scratch && !f->r0_busy) {
        f->r0_busy = true;
        return 0;
    }
    return cg_alloc_reg(c);
}

/* A register that is a variable in scope: writing it early is visible. */
bool cg_is_live_var(Cg *c, int reg)
{
    return reg < c->fn->nactive && !(reg == 0 && c->fn->r0_scratch);
}

void cg_push_local(Cg *c, Decl *d)
{
    Fn *f = c->fn;
    if (f->nlocals == f->locals_cap) {
        f->locals_cap = f->locals_cap < 16 ? 16 : f->locals_cap * 2;
        f->locals = realloc(f->locals, sizeof(Decl *) * (size_t)f->locals_cap);
        if (f->locals == NULL)
            abort();
    }
    f->locals[f->nlocals++] = d;
    if (d->reg + 1 > f->nactive)
        f->nactive = d->reg + 1;
}



Scope cg_scope_begin(Cg *c)
{
    LX_ASSERT(c->fn->freereg == c->fn->nactive, "INVARIANT(reg-stack)");
    return (Scope){ c->fn->nlocals, c->fn->freereg };
}

/* Lowest register of a captured local in locals[from..], or -1. */
int cg_captured_from(Cg *c, int from)
{
    Fn *f = c->fn;
    int low = -1;
    for (int i = from; i < f->nlocals; i++)
        if (f->locals[i]->captured && (low < 0 || f->locals[i]->reg < low))
            low = f->locals[i]->reg;
    return low;
}

void cg_scope_end(Cg *c, Scope s)
{
    int low = cg_captured_from(c, s.nlocals);
    if (low >= 0)
        cg_emit_abc(c, OP_CLOSE, low, 0, 0);
    c->fn->nlocals = s.nlocals;
    c->fn->freereg = c->fn->nactive = s.freereg;
}

/* -- Constants ----------------------------------------------------------- */

static void kmap_put(Fn *f, uint64_t bits, int idx)
{
    if ((f->kmap_count + 1) * 2 > f->kmap_cap) {
        int cap = f->kmap_cap < 32 ? 32 : f->kmap_cap * 2;
        KSlot *old = f->kmap;
        int oldcap = f->kmap_cap;
        f->kmap = malloc(sizeof(KSlot) * (size_t)cap);
        if (f->kmap == NULL)
            abort();
        for (int i = 0; i < cap; i++)
            f->kmap[i].idx = -1;
        f->kmap_cap = cap;
        f->kmap_count = 0;
        for (int i = 0; i < oldcap; i++)
            if (old[i].idx >= 0)
                kmap_put(f, old[i].bits, old[i].idx);
        free(old);
    }
    uint32_t m = (uint32_t)f->kmap_cap - 1;
    uint32_t h = (uint32_t)((bits * 0x9E3779B97F4A7C15ull) >> 32) & m;
    while (f->kmap[h].idx >= 0)
        h = (h + 1) & m;
    f->kmap[h].bits = bits;
    f->kmap[h].idx = idx;
    f->kmap_count++;
}

static int kmap_get(Fn *f, uint64_t bits)
{
    if (f->kmap_cap == 0)
        return -1;
    uint32_t m = (uint32_t)f->kmap_cap - 1;
    uint32_t h = (uint32_t)((bits * 0x9E3779B97F4A7C15ull) >> 32) & m;
    while (f->kmap[h].idx >= 0) {
        if (f->kmap[h].bits == bits)
            return f->kmap[h].idx;
        h = (h + 1) & m;
    }
    return -1;
}

/* Room for one more constant; may collect, so call it before making the
** object to be stored (INVARIANT(gc-safe-alloc)). */
static void const_reserve(Cg *c, Fn *f)
{
    ObjFunction *fn = f->fn;
    if (fn->nconsts == fn->const_cap) {
        if (fn->nconsts >= 65536)
            cg_fail(c, "Too many constants in one chunk.");
        int cap = fn->const_cap < 8 ? 8 : fn->const_cap * 2;
        fn->consts = LX_GROW_ARRAY(c->vm, Value, fn->consts, fn->const_cap, cap);
        fn->const_cap = cap;
    }
}

static int add_const_in(Cg *c, Fn *f, Value v)
{
    int idx = kmap_get(f, v);
    if (idx >= 0)
        return idx;
    const_reserve(c, f);
    idx = f->fn->nconsts;
    f->fn->consts[f->fn->nconsts++] = v;
    kmap_put(f, v, idx);
    return idx;
}

int cg_add_const(Cg *c, Value v) { return add_const_in(c, c->fn, v); }

int cg_num_const(Cg *c, double d) { return cg_add_const(c, lx_number(d)); }

int cg_str_const(Cg *c, const char *chars, int len)
{
    const_reserve(c, c->fn);
    ObjString *s = str_intern(c->vm, chars, (size_t)len);
    return cg_add_const(c, obj_val(s));
}

/* A property or method name: its index must fit an 8-bit operand. */
int cg_name_const(Cg *c, const Token *name)
{
    int k = cg_str_const(c, name->start, name->len);
    if (k > 255)
        cg_fail(c, "Too many constants in one chunk.");
    return k;
}

uint32_t cg_global_slot(Cg *c, const Token *name)
{
    ObjString *s = str_intern(c->vm, name->start, (size_t)name->len);
    uint32_t slot = vm_global_slot(c->vm, s);
    if (slot > 0xffff)
        cg_fail(c, "Too many global variables.");
    return slot;
}

/* -- Pre-pass: property names first ---------------------------------------
** Entering every property and method name of a function before anything
** else keeps them below index 256, where GETFIELD and friends reach. */

static void names_expr(Cg *c, Expr *e);

static void names_exprs(Cg *c, Expr **es, int n)
{
    for (int i = 0; i < n; i++)
        names_expr(c, es[i]);
}

static void names_expr(Cg *c, Expr *e)
{
    if (e == NULL)
        return;
    switch (e->kind) {
    case EXPR_ASSIGN: names_expr(c, e->as.assign.value); break;
    case EXPR_UNARY: names_expr(c, e->as.unary.operand); break;
    case EXPR_BINARY:
    case EXPR_LOGICAL:
        names_expr(c, e->as.binary.left);
        names_expr(c, e->as.binary.right);
        break;
    case EXPR_CALL:
        names_expr(c, e->as.call.callee);
        names_exprs(c, e->as.call.args, e->as.call.argc);
        break;
    case EXPR_GET:
        names_expr(c, e->as.get.object);
        cg_name_const(c, &e->as.get.name);
        break;
    case EXPR_SET:
        names_expr(c, e->as.set.object);
        names_expr(c, e->as.set.value);
        cg_name_const(c, &e->as.set.name);
        break;
    case EXPR_INDEX:
        names_expr(c, e->as.index.object);
        names_expr(c, e->as.index.index);
        break;
    case EXPR_SETINDEX:
        names_expr(c, e->as.setindex.object);
        names_expr(c, e->as.setindex.index);
        names_expr(c, e->as.setindex.value);
        break;
    case EXPR_SUPER: cg_name_const(c, &e->as.super.method); break;
    case EXPR_LIST: names_exprs(c, e->as.list.items, e->as.list.count); break;
    case EXPR_MAP:
        names_exprs(c, e->as.map.keys, e->as.map.count);
        names_exprs(c, e->as.map.values, e->as.map.count);
        break;
    default: break;
    }
}

void cg_names_stmt(Cg *c, Stmt *s)
{
    if (s == NULL)
        return;
    switch (s->kind) {
    case STMT_EXPR:
    case STMT_PRINT: names_expr(c, s->as.expr); break;
    case STMT_VAR: names_expr(c, s->as.var.init); break;
    case STMT_BLOCK:
        for (int i = 0; i < s->as.block.count; i++)
            cg_names_stmt(c, s->as.block.stmts[i]);
        break;
    case STMT_IF:
        names_expr(c, s->as.if_.cond);
        cg_names_stmt(c, s->as.if_.then);
        cg_names_stmt(c, s->as.if_.else_);
        break;
    case STMT_WHILE:
        names_expr(c, s->as.while_.cond);
        cg_names_stmt(c, s->as.while_.body);
        break;
    case STMT_FOR:
        cg_names_stmt(c, s->as.for_.init);
        names_expr(c, s->as.for_.cond);
        names_expr(c, s->as.for_.step);
        cg_names_stmt(c, s->as.for_.body);
        break;
    case STMT_FORIN:
        names_expr(c, s->as.forin.iterable);
        cg_names_stmt(c, s->as.forin.body);
        break;
    case STMT_CLASS:
        for (int i = 0; i < s->as.klass.nmethods; i++)
            cg_name_const(c, &s->as.klass.methods[i]->name);
        break;
    case STMT_RETURN: names_expr(c, s->as.ret.value); break;
    default: break;
    }
}

/* -- Jumps ----------------------------------------------------------------
** A jump list threads pending forward jumps through Fn.jnext. A Target is
** where a conditional goes: a forward list, or a loop head (back-edge). */



void cg_jl_append(Cg *c, int *list, int pc)
{
    if (*list == NO_JUMP) {
        *list = pc;
        return;
    }
    int p = *list;
    while (c->fn->jnext[p] != NO_JUMP)
        p = c->fn->jnext[p];
    c->fn->jnext[p] = pc;
}

void cg_patch_to(Cg *c, int list, int target)
{
    ObjFunction *fn = c->fn->fn;
    while (list != NO_JUMP) {
        int next = c->fn->jnext[list];
        int off = target - (list + 1);
        if (off > LX_SBX_MAX || off < LX_SBX_MIN)
            cg_fail(c, "Too much code to jump over.");
        fn->code[list] = ins_set_sbx(fn->code[list], off);
        c->fn->jnext[list] = NO_JUMP;
        list = next;
    }
}

void cg_patch_here(Cg *c, int list) { cg_patch_to(c, list, cg_pc(c)); }

void cg_emit_jmp(Cg *c, int *list)
{
    cg_jl_append(c, list, cg_emit_abx(c, OP_JMP, 0, 0));
}

void cg_emit_loop(Cg *c, int head, int loop)
{
    int pc = cg_pc(c);
    int off = head - (pc + 1);
    if (off < LX_SBX_MIN)
        cg_fail(c, "Loop body too large.");
    cg_emit(c, ins_set_sbx(ins_abx(OP_LOOP, loop, 0), off));
}

/* The jump word after a test, or an unconditional jump. */
void cg_emit_jump_word(Cg *c, Target t)
{
    if (t.list != NULL)
        cg_emit_jmp(c, t.list);
    else
        cg_emit_loop(c, t.head, t.loop);
}
