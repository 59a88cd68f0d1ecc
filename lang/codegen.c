/* codegen.c -- the resolved, folded AST to register bytecode.
**
** One pass over each function. Registers are allocated like a stack:
** register 0 is the callee (or `this`), then the parameters, then each
** local in declaration order; temporaries live above the locals and are
** released at the end of the expression that needed them
** (INVARIANT(reg-stack): at a statement boundary freereg == nactive).
**
** Expressions compile "into" a destination register (cg_expr_to) or to
** wherever they already are (cg_operand: a local's own register, no copy).
** INVARIANT(dst-last): cg_expr_to writes its destination only as its last
** step, after every read of the sub-expressions -- except forms that
** build their result in place (and/or, list and map literals), which use
** a temporary when the destination is a live variable. So `x = x + 1`
** compiles to one ADDI on x's register, and `x = [x]` stays correct.
**
** Loops are inverted: the condition sits at the bottom and branches back
** to the body through a LOOP word (vm/opcodes.h), so each iteration pays
** one test for both the condition and the hot counter.
**
** Limits (reported through the diagnostics, clox's wording): 256
** registers, 256 upvalues, 65536 constants (property names and K operands
** must sit in the first 256: names are entered first by a pre-pass), and
** jumps of +-32767 instructions.
*/
#include "lang/codegen.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "vm/config.h"
#include "vm/debug.h"
#include "vm/memory.h"
#include "vm/opcodes.h"

/* -- State --------------------------------------------------------------- */

#define NO_JUMP (-1)

typedef struct Loop {
    struct Loop *outer;
    int nlocals;      /* locals[] index where the loop's own variables start */
    int index;        /* hot counter index */
    int breaks;       /* jump list to the exit */
    int continues;    /* jump list to the continue point */
} Loop;

typedef struct { uint64_t bits; int idx; } KSlot;

typedef struct Fn {
    struct Fn *up;            /* the enclosing function's state */
    FunDecl *decl;
    ObjFunction *fn;          /* rooted while we build it */
    int freereg, maxreg;      /* first free register; high-water mark */
    int nactive;              /* registers below hold variables in scope */
    Decl **locals;            /* variables in scope, in declaration order */
    int nlocals, locals_cap;
    Decl *updecls[LX_MAX_UPVALS];
    UpvalDesc updesc[LX_MAX_UPVALS];
    int nupvals;
    Loop *loop;
    int *jnext;               /* jump lists: next pc after pc, or NO_JUMP */
    int jnext_cap;
    KSlot *kmap;              /* constant dedupe: Value bits -> index */
    int kmap_cap, kmap_count;
    int nloops;
    int line;
    /* In a plain function register 0 holds the callee, which nothing
    ** reads: when the 256 registers run out (255 parameters), it serves
    ** as one more single temporary, free again at the next statement. */
    bool r0_scratch, r0_busy;
} Fn;

typedef struct Cg {
    VM *vm;
    Diag *diag;
    jmp_buf fail;             /* a limit error unwinds the whole generation */
    Fn *fn;
    ObjString *source;
    const Token *tok;         /* the node being compiled, for errors */
    Fn *all[64];              /* every live Fn, to clean up after a failure */
    int nall;
} Cg;

_Noreturn static void cg_fail(Cg *c, const char *msg)
{
    if (c->tok != NULL) {
        diag_error_at(c->diag, c->tok, msg);
    } else {
        Token t = { TOK_EOF, "", 0, c->fn != NULL ? c->fn->line : 1 };
        diag_error_at(c->diag, &t, msg);
    }
    longjmp(c->fail, 1);
}

static void cg_expr_to(Cg *c, Expr *e, int dst);
static void cg_stmt(Cg *c, Stmt *s);
static ObjFunction *cg_function(Cg *c, FunDecl *f);

/* -- Emitting ------------------------------------------------------------ */

static int cur_pc(Cg *c) { return c->fn->fn->ncode; }

static int emit(Cg *c, Instr ins)
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

static int emit_abc(Cg *c, OpCode op, int a, int b, int cc)
{
    return emit(c, ins_abc(op, a, b, cc));
}

static int emit_abx(Cg *c, OpCode op, int a, int bx)
{
    return emit(c, ins_abx(op, a, bx));
}

static void set_line(Cg *c, const Token *t)
{
    c->tok = t;
    if (t->line > 0)
        c->fn->line = t->line;
}

/* The line a runtime error in e's operation names: clox's, the line of
** the expression's last token (Expr.line). */
static void set_op_line(Cg *c, const Expr *e)
{
    c->tok = &e->tok;
    c->fn->line = e->line > 0 ? e->line : e->tok.line;
}

/* -- Registers ----------------------------------------------------------- */

static int alloc_reg(Cg *c)
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
static int alloc_temp(Cg *c)
{
    Fn *f = c->fn;
    if (f->freereg >= LX_MAX_REGS && f->r0_scratch && !f->r0_busy) {
        f->r0_busy = true;
        return 0;
    }
    return alloc_reg(c);
}

/* A register that is a variable in scope: writing it early is visible. */
static bool is_live_var(Cg *c, int reg)
{
    return reg < c->fn->nactive && !(reg == 0 && c->fn->r0_scratch);
}

static void push_local(Cg *c, Decl *d)
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

typedef struct { int nlocals, freereg; } Scope;

static Scope scope_begin(Cg *c)
{
    LX_ASSERT(c->fn->freereg == c->fn->nactive, "INVARIANT(reg-stack)");
    return (Scope){ c->fn->nlocals, c->fn->freereg };
}

/* Lowest register of a captured local in locals[from..], or -1. */
static int captured_from(Cg *c, int from)
{
    Fn *f = c->fn;
    int low = -1;
    for (int i = from; i < f->nlocals; i++)
        if (f->locals[i]->captured && (low < 0 || f->locals[i]->reg < low))
            low = f->locals[i]->reg;
    return low;
}

static void scope_end(Cg *c, Scope s)
{
    int low = captured_from(c, s.nlocals);
    if (low >= 0)
        emit_abc(c, OP_CLOSE, low, 0, 0);
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

static int add_const(Cg *c, Value v) { return add_const_in(c, c->fn, v); }

static int num_const(Cg *c, double d) { return add_const(c, lx_number(d)); }

static int str_const(Cg *c, const char *chars, int len)
{
    const_reserve(c, c->fn);
    ObjString *s = str_intern(c->vm, chars, (size_t)len);
    return add_const(c, obj_val(s));
}

/* A property or method name: its index must fit an 8-bit operand. */
static int name_const(Cg *c, const Token *name)
{
    int k = str_const(c, name->start, name->len);
    if (k > 255)
        cg_fail(c, "Too many constants in one chunk.");
    return k;
}

static uint32_t global_slot(Cg *c, const Token *name)
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
        name_const(c, &e->as.get.name);
        break;
    case EXPR_SET:
        names_expr(c, e->as.set.object);
        names_expr(c, e->as.set.value);
        name_const(c, &e->as.set.name);
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
    case EXPR_SUPER: name_const(c, &e->as.super.method); break;
    case EXPR_LIST: names_exprs(c, e->as.list.items, e->as.list.count); break;
    case EXPR_MAP:
        names_exprs(c, e->as.map.keys, e->as.map.count);
        names_exprs(c, e->as.map.values, e->as.map.count);
        break;
    default: break;
    }
}

static void names_stmt(Cg *c, Stmt *s)
{
    if (s == NULL)
        return;
    switch (s->kind) {
    case STMT_EXPR:
    case STMT_PRINT: names_expr(c, s->as.expr); break;
    case STMT_VAR: names_expr(c, s->as.var.init); break;
    case STMT_BLOCK:
        for (int i = 0; i < s->as.block.count; i++)
            names_stmt(c, s->as.block.stmts[i]);
        break;
    case STMT_IF:
        names_expr(c, s->as.if_.cond);
        names_stmt(c, s->as.if_.then);
        names_stmt(c, s->as.if_.else_);
        break;
    case STMT_WHILE:
        names_expr(c, s->as.while_.cond);
        names_stmt(c, s->as.while_.body);
        break;
    case STMT_FOR:
        names_stmt(c, s->as.for_.init);
        names_expr(c, s->as.for_.cond);
        names_expr(c, s->as.for_.step);
        names_stmt(c, s->as.for_.body);
        break;
    case STMT_FORIN:
        names_expr(c, s->as.forin.iterable);
        names_stmt(c, s->as.forin.body);
        break;
    case STMT_CLASS:
        for (int i = 0; i < s->as.klass.nmethods; i++)
            name_const(c, &s->as.klass.methods[i]->name);
        break;
    case STMT_RETURN: names_expr(c, s->as.ret.value); break;
    default: break;
    }
}

/* -- Jumps ----------------------------------------------------------------
** A jump list threads pending forward jumps through Fn.jnext. A Target is
** where a conditional goes: a forward list, or a loop head (back-edge). */

typedef struct {
    int *list;        /* forward: add to this list */
    int head;         /* backward: the loop body's first pc */
    int loop;         /* backward: the loop's hot counter */
} Target;

static void jl_append(Cg *c, int *list, int pc)
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

static void jl_patch_to(Cg *c, int list, int target)
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

static void jl_patch_here(Cg *c, int list) { jl_patch_to(c, list, cur_pc(c)); }

static void emit_jmp(Cg *c, int *list)
{
    jl_append(c, list, emit_abx(c, OP_JMP, 0, 0));
}

static void emit_loop(Cg *c, int head, int loop)
{
    int pc = cur_pc(c);
    int off = head - (pc + 1);
    if (off < LX_SBX_MIN)
        cg_fail(c, "Loop body too large.");
    emit(c, ins_set_sbx(ins_abx(OP_LOOP, loop, 0), off));
}

/* The jump word after a test, or an unconditional jump. */
static void emit_jump_word(Cg *c, Target t)
{
    if (t.list != NULL)
        emit_jmp(c, t.list);
    else
        emit_loop(c, t.head, t.loop);
}

/* -- Expressions: helpers ------------------------------------------------ */

static int upvalue_index(Cg *c, Fn *f, Decl *d)
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
        desc.index = (uint16_t)upvalue_index(c, f->up, d);
    }
    if (f->nupvals == LX_MAX_UPVALS)
        cg_fail(c, "Too many closure variables in function.");
    f->updecls[f->nupvals] = d;
    f->updesc[f->nupvals] = desc;
    return f->nupvals++;
}

static bool is_local_ref(const Expr *e)
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
static int cg_operand(Cg *c, Expr *e, Expr *later)
{
    if (is_local_ref(e) && !may_clobber(later, e->as.var.decl))
        return e->as.var.decl->reg;
    int r = alloc_temp(c);
    cg_expr_to(c, e, r);
    return r;
}

static int cg_operand2(Cg *c, Expr *e, Expr *later1, Expr *later2)
{
    if (is_local_ref(e) && !may_clobber(later1, e->as.var.decl) &&
        !may_clobber(later2, e->as.var.decl))
        return e->as.var.decl->reg;
    int r = alloc_temp(c);
    cg_expr_to(c, e, r);
    return r;
}

static bool is_const_expr(const Expr *e)
{
    return e->kind == EXPR_NUMBER || e->kind == EXPR_STRING || e->kind == EXPR_NIL ||
           e->kind == EXPR_TRUE || e->kind == EXPR_FALSE;
}

static bool const_truthy(const Expr *e)
{
    return e->kind != EXPR_NIL && e->kind != EXPR_FALSE;
}

/* The constant for a literal, or -1 if it does not fit an 8-bit operand. */
static int literal_k8(Cg *c, const Expr *e)
{
    int k;
    switch (e->kind) {
    case EXPR_NUMBER: k = num_const(c, e->as.number); break;
    case EXPR_STRING: k = str_const(c, e->as.string.chars, e->as.string.len); break;
    case EXPR_NIL: k = add_const(c, NIL_VAL); break;
    case EXPR_TRUE: k = add_const(c, TRUE_VAL); break;
    case EXPR_FALSE: k = add_const(c, FALSE_VAL); break;
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

static bool is_small_int(double d, int lo, int hi)
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
        if (op == OP_ADD && is_small_int(d, -128, 127)) {
            emit_abc(c, OP_ADDI, dst, lreg, (int)d);
            return;
        }
        int k = num_const(c, d);
        if (k <= 255) {
            emit_abc(c, (OpCode)(op + (OP_ADDK - OP_ADD)), dst, lreg, k);
            return;
        }
    }
    int save = c->fn->freereg;
    int rreg;
    if (scratch >= 0 && !is_local_ref(right)) {
        cg_expr_to(c, right, scratch);
        rreg = scratch;
    } else {
        rreg = cg_operand(c, right, NULL);
    }
    emit_abc(c, (OpCode)op, dst, lreg, rreg);
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
    bool fresh = !is_live_var(c, dst);
    int lreg;
    if (fresh && !is_local_ref(l)) {
        cg_expr_to(c, l, dst);
        lreg = dst;
    } else {
        lreg = cg_operand(c, l, r);
    }
    set_op_line(c, e);
    emit_arith(c, op, dst, lreg, r, fresh && lreg != dst ? dst : -1);
    c->fn->freereg = save;
}

/* -- Conditions ---------------------------------------------------------- */

static void cg_cond(Cg *c, Expr *e, bool jump_if, Target t);

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
    bool lk = is_const_expr(l), rk = is_const_expr(r);
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
            set_op_line(c, e);
            emit_abc(c, kop, reg, k, pol);
            emit_jump_word(c, t);
            c->fn->freereg = save;
            return;
        }
    }
    int a = cg_operand(c, l, r);
    int b = cg_operand(c, r, NULL);
    set_op_line(c, e);
    switch (op) {
    case TOK_LESS: emit_abc(c, OP_JLT, a, b, pol); break;
    case TOK_LESS_EQUAL: emit_abc(c, OP_JLE, a, b, pol); break;
    case TOK_GREATER: emit_abc(c, OP_JLT, b, a, pol); break;
    case TOK_GREATER_EQUAL: emit_abc(c, OP_JLE, b, a, pol); break;
    default: emit_abc(c, OP_JEQ, a, b, pol); break;
    }
    emit_jump_word(c, t);
    c->fn->freereg = save;
}

static bool is_comparison(TokenKind k)
{
    return k == TOK_LESS || k == TOK_LESS_EQUAL || k == TOK_GREATER ||
           k == TOK_GREATER_EQUAL || k == TOK_EQUAL_EQUAL || k == TOK_BANG_EQUAL;
}

/* Branch to t when e's truthiness equals jump_if; fall through otherwise. */
static void cg_cond(Cg *c, Expr *e, bool jump_if, Target t)
{
    set_line(c, &e->tok);
    switch (e->kind) {
    case EXPR_NUMBER: case EXPR_STRING: case EXPR_NIL: case EXPR_TRUE: case EXPR_FALSE:
        if (const_truthy(e) == jump_if)
            emit_jump_word(c, t);
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
            jl_patch_here(c, skip);
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
    emit_abc(c, OP_TEST, r, 0, jump_if);
    emit_jump_word(c, t);
    c->fn->freereg = save;
}

/* A condition as a value: dst = true or false. */
static void cg_bool_value(Cg *c, Expr *e, int dst)
{
    int yes = NO_JUMP;
    cg_cond(c, e, true, (Target){ &yes, 0, 0 });
    emit_abc(c, OP_LOADBOOL, dst, 0, 1);
    jl_patch_here(c, yes);
    emit_abc(c, OP_LOADBOOL, dst, 1, 0);
}

static void cg_logical_value(Cg *c, Expr *e, int dst)
{
    int target = is_live_var(c, dst) ? alloc_reg(c) : dst;
    int end = NO_JUMP;
    cg_expr_to(c, e->as.binary.left, target);
    set_line(c, &e->tok);
    emit_abc(c, OP_TEST, target, 0, e->tok.kind == TOK_OR);
    emit_jmp(c, &end);
    cg_expr_to(c, e->as.binary.right, target);
    jl_patch_here(c, end);
    if (target != dst)
        emit_abc(c, OP_MOV, dst, target, 0);
}

/* -- Variables and assignment -------------------------------------------- */

static void cg_var_read(Cg *c, VarRef *v, int dst)
{
    switch (v->kind) {
    case REF_LOCAL:
        if (v->decl->reg != dst)
            emit_abc(c, OP_MOV, dst, v->decl->reg, 0);
        break;
    case REF_UPVALUE:
        emit_abc(c, OP_GETUPVAL, dst, upvalue_index(c, c->fn, v->decl), 0);
        break;
    default:
        emit_abx(c, OP_GETGLOBAL, dst, (int)global_slot(c, &v->name));
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
                lreg = alloc_reg(c);
                emit_abc(c, OP_MOV, lreg, reg, 0);
            }
            set_op_line(c, e);
            emit_arith(c, op, reg, lreg, value, -1);
            c->fn->freereg = save;
        }
        return reg;
    }
    int save = c->fn->freereg;
    int r = (dst >= 0 && !is_live_var(c, dst)) ? dst : alloc_reg(c);
    if (op < 0) {
        cg_expr_to(c, value, r);
    } else {
        cg_var_read(c, v, r);
        set_op_line(c, e);
        emit_arith(c, op, r, r, value, -1);
    }
    set_op_line(c, e);
    if (v->kind == REF_UPVALUE)
        emit_abc(c, OP_SETUPVAL, r, upvalue_index(c, c->fn, v->decl), 0);
    else
        emit_abx(c, OP_SETGLOBAL, r, (int)global_slot(c, &v->name));
    if (r != dst) {
        c->fn->freereg = save;
        if (dst >= 0) {
            emit_abc(c, OP_MOV, dst, r, 0);
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
    int k = name_const(c, &e->as.set.name);
    int r;
    if (e->as.set.op == TOK_EQUAL) {
        r = (dst >= 0 && !is_live_var(c, dst)) ? dst : cg_operand(c, value, NULL);
        if (r == dst)
            cg_expr_to(c, value, r);
    } else {
        r = (dst >= 0 && !is_live_var(c, dst) && dst != obj) ? dst : alloc_reg(c);
        set_op_line(c, e);
        emit_abc(c, OP_GETFIELD, r, obj, k);
        emit_arith(c, arith_op(e->as.set.op), r, r, value, -1);
    }
    set_op_line(c, e);
    emit_abc(c, OP_SETFIELD, obj, k, r);
    c->fn->freereg = save;
    if (dst >= 0 && r != dst)
        emit_abc(c, OP_MOV, dst, r, 0);
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
        r = (dst >= 0 && !is_live_var(c, dst) && dst != obj && dst != idx)
                ? dst : cg_operand(c, value, NULL);
        if (r == dst)
            cg_expr_to(c, value, r);
    } else {
        r = alloc_reg(c);
        set_op_line(c, e);
        emit_abc(c, OP_GETINDEX, r, obj, idx);
        emit_arith(c, arith_op(e->as.setindex.op), r, r, value, -1);
    }
    set_op_line(c, e);
    emit_abc(c, OP_SETINDEX, obj, idx, r);
    c->fn->freereg = save;
    if (dst >= 0 && r != dst)
        emit_abc(c, OP_MOV, dst, r, 0);
    return dst >= 0 ? dst : r;
}

/* -- Calls --------------------------------------------------------------- */

static void cg_args(Cg *c, Expr **args, int argc, int base)
{
    for (int i = 0; i < argc; i++) {
        int r = alloc_reg(c);
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
    int base = (dst == f->freereg - 1 && !is_live_var(c, dst)) ? dst : alloc_reg(c);
    Expr *callee = e->as.call.callee;
    int argc = e->as.call.argc;
    if (callee->kind == EXPR_GET) {
        int k = name_const(c, &callee->as.get.name);
        cg_expr_to(c, callee->as.get.object, base);
        cg_args(c, e->as.call.args, argc, base);
        set_op_line(c, e);
        emit_abc(c, OP_INVOKE, base, argc, k);
    } else if (callee->kind == EXPR_SUPER) {
        int k = name_const(c, &callee->as.super.method);
        cg_var_read(c, &callee->as.super.this_ref, base);
        cg_args(c, e->as.call.args, argc, base);
        int sreg = alloc_reg(c);
        cg_var_read(c, &callee->as.super.super_ref, sreg);
        set_op_line(c, e);
        emit_abc(c, OP_SUPERINVOKE, base, argc, k);
    } else {
        cg_expr_to(c, callee, base);
        cg_args(c, e->as.call.args, argc, base);
        set_op_line(c, e);
        emit_abc(c, OP_CALL, base, argc, 0);
    }
    f->freereg = save;
    if (base != dst)
        emit_abc(c, OP_MOV, dst, base, 0);
}

/* -- Expressions --------------------------------------------------------- */

static void cg_list(Cg *c, Expr *e, int dst)
{
    int target = is_live_var(c, dst) ? alloc_reg(c) : dst;
    int n = e->as.list.count;
    emit_abc(c, OP_NEWLIST, target, n > 255 ? 255 : n, 0);
    for (int i = 0; i < n;) {
        int save = c->fn->freereg;
        int first = -1, batch = 0;
        while (i < n && batch < 32) {
            int r = alloc_reg(c);
            if (first < 0)
                first = r;
            cg_expr_to(c, e->as.list.items[i], r);
            c->fn->freereg = r + 1;
            i++;
            batch++;
        }
        set_op_line(c, e);
        emit_abc(c, OP_APPEND, target, first, batch);
        c->fn->freereg = save;
    }
    if (target != dst)
        emit_abc(c, OP_MOV, dst, target, 0);
}

static void cg_map(Cg *c, Expr *e, int dst)
{
    int target = is_live_var(c, dst) ? alloc_reg(c) : dst;
    emit_abc(c, OP_NEWMAP, target, 0, 0);
    for (int i = 0; i < e->as.map.count; i++) {
        int save = c->fn->freereg;
        int k = cg_operand(c, e->as.map.keys[i], e->as.map.values[i]);
        int v = cg_operand(c, e->as.map.values[i], NULL);
        set_line(c, &e->as.map.keys[i]->tok);
        emit_abc(c, OP_SETINDEX, target, k, v);
        c->fn->freereg = save;
    }
    if (target != dst)
        emit_abc(c, OP_MOV, dst, target, 0);
}

static void cg_number(Cg *c, double d, int dst)
{
    if (is_small_int(d, LX_SBX_MIN, LX_SBX_MAX))
        emit(c, ins_set_sbx(ins_abx(OP_LOADI, dst, 0), (int)d));
    else
        emit_abx(c, OP_LOADK, dst, num_const(c, d));
}

/* Compute e into register dst, honouring INVARIANT(dst-last). */
static void cg_expr_to(Cg *c, Expr *e, int dst)
{
    const Token *outer = c->tok;
    set_line(c, &e->tok);
    int save = c->fn->freereg;
    switch (e->kind) {
    case EXPR_NUMBER: cg_number(c, e->as.number, dst); break;
    case EXPR_STRING:
        emit_abx(c, OP_LOADK, dst, str_const(c, e->as.string.chars, e->as.string.len));
        break;
    case EXPR_NIL: emit_abc(c, OP_LOADNIL, dst, 0, 0); break;
    case EXPR_TRUE: emit_abc(c, OP_LOADBOOL, dst, 1, 0); break;
    case EXPR_FALSE: emit_abc(c, OP_LOADBOOL, dst, 0, 0); break;
    case EXPR_VAR:
    case EXPR_THIS: cg_var_read(c, &e->as.var, dst); break;
    case EXPR_ASSIGN: {
        int r = cg_assign(c, e, dst);
        if (r != dst)
            emit_abc(c, OP_MOV, dst, r, 0);
        break;
    }
    case EXPR_UNARY: {
        if (e->tok.kind == TOK_BANG && e->as.unary.operand->kind == EXPR_BINARY &&
            is_comparison(e->as.unary.operand->tok.kind)) {
            cg_bool_value(c, e, dst);
            break;
        }
        int r = cg_operand(c, e->as.unary.operand, NULL);
        set_op_line(c, e);
        emit_abc(c, e->tok.kind == TOK_BANG ? OP_NOT : OP_NEG, dst, r, 0);
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
        if (!is_live_var(c, dst) && !is_local_ref(e->as.get.object)) {
            cg_expr_to(c, e->as.get.object, dst);
            obj = dst;
        } else {
            obj = cg_operand(c, e->as.get.object, NULL);
        }
        int k = name_const(c, &e->as.get.name);
        set_op_line(c, e);
        emit_abc(c, OP_GETFIELD, dst, obj, k);
        break;
    }
    case EXPR_SET: cg_set(c, e, dst); break;
    case EXPR_INDEX: {
        int obj;
        if (!is_live_var(c, dst) && !is_local_ref(e->as.index.object)) {
            cg_expr_to(c, e->as.index.object, dst);
            obj = dst;
        } else {
            obj = cg_operand(c, e->as.index.object, e->as.index.index);
        }
        int idx = cg_operand(c, e->as.index.index, NULL);
        set_op_line(c, e);
        emit_abc(c, OP_GETINDEX, dst, obj, idx);
        break;
    }
    case EXPR_SETINDEX: cg_setindex(c, e, dst); break;
    case EXPR_SUPER: {
        int k = name_const(c, &e->as.super.method);
        int target = is_live_var(c, dst) ? alloc_reg(c) : dst;
        cg_var_read(c, &e->as.super.this_ref, target);
        int sreg = alloc_reg(c);
        cg_var_read(c, &e->as.super.super_ref, sreg);
        set_op_line(c, e);
        emit_abc(c, OP_GETSUPER, target, sreg, k);
        if (target != dst)
            emit_abc(c, OP_MOV, dst, target, 0);
        break;
    }
    case EXPR_LIST: cg_list(c, e, dst); break;
    case EXPR_MAP: cg_map(c, e, dst); break;
    }
    c->fn->freereg = save;
    c->tok = outer;
}

/* An expression evaluated for its effect only. */
static void cg_effect(Cg *c, Expr *e)
{
    int save = c->fn->freereg;
    set_line(c, &e->tok);
    switch (e->kind) {
    case EXPR_ASSIGN: cg_assign(c, e, -1); break;
    case EXPR_SET: cg_set(c, e, -1); break;
    case EXPR_SETINDEX: cg_setindex(c, e, -1); break;
    default: {
        int r = alloc_reg(c);
        cg_expr_to(c, e, r);
        break;
    }
    }
    c->fn->freereg = save;
}

/* -- Statements ---------------------------------------------------------- */

static void declare_local(Cg *c, Decl *d)
{
    d->reg = alloc_reg(c);
}

static void cg_var(Cg *c, Stmt *s)
{
    Decl *d = &s->as.var.decl;
    Expr *init = s->as.var.init;
    set_line(c, &s->tok);
    if (d->is_global || d->owner == NULL) {
        int save = c->fn->freereg;
        int r = alloc_reg(c);
        if (init != NULL)
            cg_expr_to(c, init, r);
        else
            emit_abc(c, OP_LOADNIL, r, 0, 0);
        set_line(c, &s->tok);
        emit_abx(c, OP_DEFGLOBAL, r, (int)global_slot(c, &d->name));
        c->fn->freereg = save;
        return;
    }
    set_line(c, &d->name);
    declare_local(c, d);
    if (init != NULL)
        cg_expr_to(c, init, d->reg);
    else
        emit_abc(c, OP_LOADNIL, d->reg, 0, 0);
    c->fn->freereg = d->reg + 1;
    push_local(c, d);
}

static void loop_begin(Cg *c, Loop *l)
{
    Fn *f = c->fn;
    l->outer = f->loop;
    l->nlocals = f->nlocals;
    l->index = f->nloops < 255 ? f->nloops : 255;
    f->nloops++;
    l->breaks = l->continues = NO_JUMP;
    f->loop = l;
}

static void loop_end(Cg *c, Loop *l)
{
    jl_patch_here(c, l->breaks);
    c->fn->loop = l->outer;
}

/* Loop back to head: test cond at the bottom (absent: always). */
static void cg_loop_test(Cg *c, Expr *cond, int head, Loop *l)
{
    Target back = { NULL, head, l->index };
    if (cond == NULL)
        emit_loop(c, head, l->index);
    else
        cg_cond(c, cond, true, back);
}

static void cg_while(Cg *c, Stmt *s)
{
    Loop l;
    Expr *cond = s->as.while_.cond;
    bool always = is_const_expr(cond) && const_truthy(cond);
    if (is_const_expr(cond) && !always)
        return;                       /* while (false): never runs */
    loop_begin(c, &l);
    int to_cond = NO_JUMP;
    if (!always)
        emit_jmp(c, &to_cond);
    int head = cur_pc(c);
    cg_stmt(c, s->as.while_.body);
    jl_patch_here(c, l.continues);
    jl_patch_here(c, to_cond);
    cg_loop_test(c, always ? NULL : cond, head, &l);
    loop_end(c, &l);
}

/* A counted loop: step `i = i + n` / `i += n` (or -) on a local i, and
** condition `i < lim` (any of < <= > >=, either side) with lim a local or
** a number literal. Then step and test are one FOR* instruction. */
typedef struct { OpCode op; int a, b, cfield; } ForFuse;

static bool small_step(const Expr *e, int sign, int *step)
{
    if (e->kind != EXPR_NUMBER || !is_small_int(e->as.number, -64, 64))
        return false;
    int n = sign * (int)e->as.number;
    if (n < LX_FORSTEP_MIN || n > LX_FORSTEP_MAX || (sign < 0 && n == 0))
        return false;       /* x - 0 is not x + 0 for -0: leave it alone */
    *step = n;
    return true;
}

static bool refers_to(const Expr *e, const Decl *d)
{
    return is_local_ref(e) && e->as.var.decl == d;
}

static bool for_fusable(Cg *c, Expr *cond, Expr *stepx, ForFuse *out)
{
    if (cond == NULL || stepx == NULL || stepx->kind != EXPR_ASSIGN ||
        stepx->as.assign.var.kind != REF_LOCAL || cond->kind != EXPR_BINARY)
        return false;
    Decl *d = stepx->as.assign.var.decl;
    Expr *v = stepx->as.assign.value;
    int step, sub = 0;
    switch (stepx->as.assign.op) {
    case TOK_EQUAL:
        if (v->kind != EXPR_BINARY)
            return false;
        if (v->tok.kind == TOK_PLUS && refers_to(v->as.binary.left, d) &&
            small_step(v->as.binary.right, 1, &step))
            break;
        if (v->tok.kind == TOK_PLUS && refers_to(v->as.binary.right, d) &&
            small_step(v->as.binary.left, 1, &step))
            break;
        if (v->tok.kind == TOK_MINUS && refers_to(v->as.binary.left, d) &&
            small_step(v->as.binary.right, -1, &step)) {
            sub = 1;
            break;
        }
        return false;
    case TOK_PLUS_EQUAL:
        if (!small_step(v, 1, &step))
            return false;
        break;
    case TOK_MINUS_EQUAL:
        if (!small_step(v, -1, &step))
            return false;
        sub = 1;
        break;
    default: return false;
    }
    int rel;   /* 0 <, 1 <=, 2 >, 3 >= with the counter on the left */
    switch (cond->tok.kind) {
    case TOK_LESS: rel = 0; break;
    case TOK_LESS_EQUAL: rel = 1; break;
    case TOK_GREATER: rel = 2; break;
    case TOK_GREATER_EQUAL: rel = 3; break;
    default: return false;
    }
    Expr *lim;
    if (refers_to(cond->as.binary.left, d)) {
        lim = cond->as.binary.right;
    } else if (refers_to(cond->as.binary.right, d)) {
        lim = cond->as.binary.left;
        rel ^= 2;            /* lim < i  is  i > lim */
    } else {
        return false;
    }
    if (is_local_ref(lim)) {
        out->op = (OpCode)(OP_FORLT + rel);
        out->b = lim->as.var.decl->reg;
    } else if (lim->kind == EXPR_NUMBER) {
        int k = num_const(c, lim->as.number);
        if (k > 255)
            return false;
        out->op = (OpCode)(OP_FORLTK + rel);
        out->b = k;
    } else {
        return false;
    }
    out->a = d->reg;
    out->cfield = (step * 2 + sub) & 0xff;
    return true;
}

static void cg_for(Cg *c, Stmt *s)
{
    Scope sc = scope_begin(c);
    if (s->as.for_.init != NULL)
        cg_stmt(c, s->as.for_.init);
    Expr *cond = s->as.for_.cond;
    bool always = cond == NULL || (is_const_expr(cond) && const_truthy(cond));
    bool never = cond != NULL && is_const_expr(cond) && !always;
    ForFuse fuse;
    if (!never && !always && for_fusable(c, cond, s->as.for_.step, &fuse)) {
        /* Test once on entry; then the body, and step+test at the bottom. */
        Loop l;
        loop_begin(c, &l);
        int exit = NO_JUMP;
        cg_cond(c, cond, false, (Target){ &exit, 0, 0 });
        int head = cur_pc(c);
        cg_stmt(c, s->as.for_.body);
        jl_patch_here(c, l.continues);
        set_op_line(c, cond);
        emit_abc(c, fuse.op, fuse.a, fuse.b, fuse.cfield);
        emit_loop(c, head, l.index);
        jl_patch_here(c, exit);
        loop_end(c, &l);
    } else if (!never) {
        Loop l;
        loop_begin(c, &l);
        int to_cond = NO_JUMP;
        if (!always)
            emit_jmp(c, &to_cond);
        int head = cur_pc(c);
        cg_stmt(c, s->as.for_.body);
        jl_patch_here(c, l.continues);
        if (s->as.for_.step != NULL)
            cg_effect(c, s->as.for_.step);
        jl_patch_here(c, to_cond);
        cg_loop_test(c, always ? NULL : cond, head, &l);
        loop_end(c, &l);
    }
    scope_end(c, sc);
}

static void cg_forin(Cg *c, Stmt *s)
{
    Scope sc = scope_begin(c);
    int a = alloc_reg(c);
    alloc_reg(c);
    alloc_reg(c);
    cg_expr_to(c, s->as.forin.iterable, a);
    c->fn->nactive = c->fn->freereg;  /* the hidden registers stay ours */
    set_line(c, &s->tok);
    emit_abc(c, OP_ITERPREP, a, 0, 0);
    Decl *d = &s->as.forin.decl;
    Loop l;
    loop_begin(c, &l);
    declare_local(c, d);
    push_local(c, d);
    int to_next = NO_JUMP;
    emit_jmp(c, &to_next);
    int head = cur_pc(c);
    cg_stmt(c, s->as.forin.body);
    jl_patch_here(c, l.continues);
    if (d->captured)
        emit_abc(c, OP_CLOSE, d->reg, 0, 0);  /* a fresh variable each time */
    jl_patch_here(c, to_next);
    set_line(c, &s->tok);
    emit_abc(c, OP_ITERNEXT, a, 0, 0);
    emit_loop(c, head, l.index);
    loop_end(c, &l);
    scope_end(c, sc);
}

static void cg_break(Cg *c, Stmt *s, bool is_break)
{
    Loop *l = c->fn->loop;
    set_line(c, &s->tok);
    if (l == NULL)
        cg_fail(c, is_break ? "Can't use 'break' outside of a loop."
                            : "Can't use 'continue' outside of a loop.");
    int low = captured_from(c, l->nlocals);
    if (low >= 0)
        emit_abc(c, OP_CLOSE, low, 0, 0);
    emit_jmp(c, is_break ? &l->breaks : &l->continues);
}

static void cg_fun_stmt(Cg *c, Stmt *s)
{
    Decl *d = &s->as.fun.decl;
    set_line(c, &s->tok);
    bool global = d->is_global || d->owner == NULL;
    int r;
    if (global) {
        r = alloc_reg(c);
    } else {
        declare_local(c, d);
        r = d->reg;
        push_local(c, d);            /* visible to its own body (recursion) */
    }
    ObjFunction *fn = cg_function(c, s->as.fun.fn);
    int k = add_const(c, obj_val(fn));
    vm_pop_root(c->vm, 1);
    set_line(c, &s->tok);
    emit_abx(c, OP_CLOSURE, r, k);
    if (global) {
        emit_abx(c, OP_DEFGLOBAL, r, (int)global_slot(c, &d->name));
        c->fn->freereg--;
    }
}

static void cg_class(Cg *c, Stmt *s)
{
    Decl *d = &s->as.klass.decl;
    set_line(c, &s->tok);
    bool global = d->is_global || d->owner == NULL;
    int save = c->fn->freereg;
    int cls;
    if (global) {
        cls = alloc_reg(c);
    } else {
        declare_local(c, d);
        cls = d->reg;
        push_local(c, d);
    }
    emit_abx(c, OP_CLASS, cls, str_const(c, d->name.start, d->name.len));
    if (global)
        emit_abx(c, OP_DEFGLOBAL, cls, (int)global_slot(c, &d->name));
    c->fn->nactive = c->fn->freereg;   /* cls stays put while methods are made */
    Scope sc = scope_begin(c);
    if (s->as.klass.superclass != NULL) {
        Decl *sd = &s->as.klass.super_decl;
        declare_local(c, sd);
        cg_expr_to(c, s->as.klass.superclass, sd->reg);
        push_local(c, sd);
        set_line(c, &s->as.klass.superclass->tok);
        emit_abc(c, OP_INHERIT, cls, sd->reg, 0);
    }
    for (int i = 0; i < s->as.klass.nmethods; i++) {
        FunDecl *m = s->as.klass.methods[i];
        int k = name_const(c, &m->name);
        int r = alloc_reg(c);
        ObjFunction *fn = cg_function(c, m);
        int fk = add_const(c, obj_val(fn));
        vm_pop_root(c->vm, 1);
        set_line(c, &m->name);
        emit_abx(c, OP_CLOSURE, r, fk);
        emit_abc(c, OP_METHOD, cls, r, k);
        c->fn->freereg--;
    }
    scope_end(c, sc);
    if (global)
        c->fn->freereg = c->fn->nactive = save;
}

static void cg_return(Cg *c, Stmt *s)
{
    set_line(c, &s->tok);
    if (c->fn->decl->kind == FUN_INITIALIZER) {
        emit_abc(c, OP_RET, 0, 0, 0);
    } else if (s->as.ret.value == NULL) {
        emit_abc(c, OP_RETNIL, 0, 0, 0);
    } else {
        int save = c->fn->freereg;
        int r = cg_operand(c, s->as.ret.value, NULL);
        set_line(c, &s->tok);
        emit_abc(c, OP_RET, r, 0, 0);
        c->fn->freereg = save;
    }
}

static void cg_stmt(Cg *c, Stmt *s)
{
    set_line(c, &s->tok);
    c->fn->r0_busy = false;     /* no temporary outlives a statement */
    switch (s->kind) {
    case STMT_EXPR: cg_effect(c, s->as.expr); break;
    case STMT_PRINT: {
        int save = c->fn->freereg;
        int r = cg_operand(c, s->as.expr, NULL);
        set_line(c, &s->tok);
        emit_abc(c, OP_PRINT, r, 0, 0);
        c->fn->freereg = save;
        break;
    }
    case STMT_VAR: cg_var(c, s); break;
    case STMT_BLOCK: {
        Scope sc = scope_begin(c);
        for (int i = 0; i < s->as.block.count; i++)
            cg_stmt(c, s->as.block.stmts[i]);
        scope_end(c, sc);
        break;
    }
    case STMT_IF: {
        int no = NO_JUMP;
        cg_cond(c, s->as.if_.cond, false, (Target){ &no, 0, 0 });
        cg_stmt(c, s->as.if_.then);
        if (s->as.if_.else_ != NULL) {
            int end = NO_JUMP;
            emit_jmp(c, &end);
            jl_patch_here(c, no);
            cg_stmt(c, s->as.if_.else_);
            jl_patch_here(c, end);
        } else {
            jl_patch_here(c, no);
        }
        break;
    }
    case STMT_WHILE: cg_while(c, s); break;
    case STMT_FOR: cg_for(c, s); break;
    case STMT_FORIN: cg_forin(c, s); break;
    case STMT_FUN: cg_fun_stmt(c, s); break;
    case STMT_CLASS: cg_class(c, s); break;
    case STMT_RETURN: cg_return(c, s); break;
    case STMT_BREAK: cg_break(c, s, true); break;
    case STMT_CONTINUE: cg_break(c, s, false); break;
    case STMT_IMPORT: {
        int k = str_const(c, s->as.import.chars, s->as.import.len);
        emit_abx(c, OP_IMPORT, 0, k);
        break;
    }
    }
}

/* -- Functions ----------------------------------------------------------- */

static void fn_state_free(Fn *f)
{
    free(f->locals);
    free(f->jnext);
    free(f->kmap);
    f->locals = NULL;
    f->jnext = NULL;
    f->kmap = NULL;
}

/* Trim an array to exactly n elements (the collector frees by count). */
#define TRIM(vm, type, ptr, cap, n) \
    ((ptr) = LX_GROW_ARRAY((vm), type, (ptr), (cap), (n)), (cap) = (n))

/* Compile one function. The result is left pushed as a GC root: the
** caller pops it once the function is stored in its parent's constants. */
static ObjFunction *cg_function(Cg *c, FunDecl *fd)
{
    VM *vm = c->vm;
    Fn *f = calloc(1, sizeof *f);
    if (f == NULL)
        abort();
    if (c->nall == (int)(sizeof c->all / sizeof c->all[0])) {
        free(f);
        cg_fail(c, "Too deeply nested functions.");
    }
    c->all[c->nall++] = f;
    f->up = c->fn;
    f->decl = fd;
    f->line = fd->line;
    ObjFunction *fn = fn_new(vm);
    vm_push_root(vm, obj_val(fn));
    f->fn = fn;
    c->fn = f;
    fn->arity = fd->arity;
    fn->source = c->source;
    if (fd->kind != FUN_SCRIPT)
        fn->name = str_intern(vm, fd->name.start, (size_t)fd->name.len);

    /* Register 0: the callee, or `this`. Then the parameters. The script's
    ** register 0 (its own closure) is free for anything. */
    f->freereg = f->nactive = fd->kind == FUN_SCRIPT ? 0 : 1;
    f->maxreg = 1;
    f->r0_scratch = fd->kind == FUN_FUNCTION;
    if (fd->kind == FUN_METHOD || fd->kind == FUN_INITIALIZER) {
        fd->this_decl.reg = 0;
        push_local(c, &fd->this_decl);
    }
    for (int i = 0; i < fd->arity; i++) {
        set_line(c, &fd->params[i].name);
        declare_local(c, &fd->params[i]);
        push_local(c, &fd->params[i]);
    }

    for (int i = 0; i < fd->nbody; i++)
        names_stmt(c, fd->body[i]);
    for (int i = 0; i < fd->nbody; i++)
        cg_stmt(c, fd->body[i]);
    if (fd->kind == FUN_INITIALIZER)
        emit_abc(c, OP_RET, 0, 0, 0);
    else
        emit_abc(c, OP_RETNIL, 0, 0, 0);

    /* Finish: exact-size arrays, upvalue descriptors, hot counters. */
    fn->maxslots = f->maxreg;
    int ncode = fn->ncode, cap = fn->code_cap;
    fn->code = LX_GROW_ARRAY(vm, Instr, fn->code, cap, ncode);
    fn->lines = LX_GROW_ARRAY(vm, int32_t, fn->lines, cap, ncode);
    fn->code_cap = ncode;
    TRIM(vm, Value, fn->consts, fn->const_cap, fn->nconsts);
    if (f->nupvals > 0) {
        UpvalDesc *u = LX_ALLOC(vm, UpvalDesc, f->nupvals);
        memcpy(u, f->updesc, sizeof(UpvalDesc) * (size_t)f->nupvals);
        fn->upvals = u;
        fn->nupvals = f->nupvals;
    }
    if (f->nloops > 0) {
        int n = f->nloops < 256 ? f->nloops : 256;
        uint16_t *h = LX_ALLOC(vm, uint16_t, n);
        for (int i = 0; i < n; i++)
            h[i] = vm->hotloop;
        fn->hotcounts = h;
        fn->nloops = n;
    }
#if LX_DEBUG_PRINT_CODE
    dbg_disassemble(stderr, fn, false);
#endif
    c->fn = f->up;
    fn_state_free(f);
    c->nall--;
    free(f);
    return fn;
}

ObjFunction *cg_program(VM *vm, Ast *ast, Diag *diag, const char *path)
{
    Cg c;
    memset(&c, 0, sizeof c);
    c.vm = vm;
    c.diag = diag;
    int roots = vm->nroots;
    if (setjmp(c.fail) != 0) {
        for (int i = 0; i < c.nall; i++) {
            fn_state_free(c.all[i]);
            free(c.all[i]);
        }
        vm->nroots = roots;
        return NULL;
    }
    const char *p = path != NULL ? path : "<script>";
    c.source = str_intern(vm, p, strlen(p));
    vm_push_root(vm, obj_val(c.source));
    ObjFunction *fn = cg_function(&c, ast->script);
    vm_pop_root(vm, 2);   /* fn and source; the caller roots fn at once */
    return fn;
}
