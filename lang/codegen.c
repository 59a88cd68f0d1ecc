/* codegen.c -- the resolved, folded AST to register bytecode: statements,
** functions and the entry point cg_program. Expressions are in
** codegen_expr.c, the plumbing (emitting, registers, constants, jumps) in
** codegen_emit.c; lang/codegen_int.h is their shared interface.
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
** compiles to one ADDI on x's register, and `x = [x]` stays correct. A
** destination that is not a variable may hold an operand meanwhile, so
** `(a + b) * c` needs no temporary at all.
**
** Loops are inverted: the condition sits at the bottom and branches back
** to the body through a LOOP word (vm/opcodes.h), so each iteration pays
** one test for both the condition and the hot counter. A counted `for`
** (`i = i + n` and `i < lim`) tests once on entry and then steps and
** tests with one FOR* instruction per iteration.
**
** Registers: the script's register 0 (its own closure, which nothing
** reads) is an ordinary register; a plain function's register 0 serves
** as a last single temporary when 255 parameters fill the other 255.
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

#include "lang/codegen_int.h"
#include "vm/config.h"
#include "vm/debug.h"
#include "vm/memory.h"
#include "vm/opcodes.h"

static void cg_stmt(Cg *c, Stmt *s);
static ObjFunction *cg_function(Cg *c, FunDecl *f);

/* -- Statements ---------------------------------------------------------- */

static void cg_declare_local(Cg *c, Decl *d)
{
    d->reg = cg_alloc_reg(c);
}

static void cg_var(Cg *c, Stmt *s)
{
    Decl *d = &s->as.var.decl;
    Expr *init = s->as.var.init;
    cg_set_line(c, &s->tok);
    if (d->is_global || d->owner == NULL) {
        int save = c->fn->freereg;
        int r = cg_alloc_reg(c);
        if (init != NULL)
            cg_expr_to(c, init, r);
        else
            cg_emit_abc(c, OP_LOADNIL, r, 0, 0);
        cg_set_line(c, &s->tok);
        cg_emit_abx(c, OP_DEFGLOBAL, r, (int)cg_global_slot(c, &d->name));
        c->fn->freereg = save;
        return;
    }
    cg_set_line(c, &d->name);
    cg_declare_local(c, d);
    if (init != NULL)
        cg_expr_to(c, init, d->reg);
    else
        cg_emit_abc(c, OP_LOADNIL, d->reg, 0, 0);
    c->fn->freereg = d->reg + 1;
    cg_push_local(c, d);
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
    cg_patch_here(c, l->breaks);
    c->fn->loop = l->outer;
}

/* Loop back to head: test cond at the bottom (absent: always). */
static void cg_loop_test(Cg *c, Expr *cond, int head, Loop *l)
{
    Target back = { NULL, head, l->index };
    if (cond == NULL)
        cg_emit_loop(c, head, l->index);
    else
        cg_cond(c, cond, true, back);
}

static void cg_while(Cg *c, Stmt *s)
{
    Loop l;
    Expr *cond = s->as.while_.cond;
    bool always = cg_is_const_expr(cond) && cg_const_truthy(cond);
    if (cg_is_const_expr(cond) && !always)
        return;                       /* while (false): never runs */
    loop_begin(c, &l);
    int to_cond = NO_JUMP;
    if (!always)
        cg_emit_jmp(c, &to_cond);
    int head = cg_pc(c);
    cg_stmt(c, s->as.while_.body);
    cg_patch_here(c, l.continues);
    cg_patch_here(c, to_cond);
    cg_loop_test(c, always ? NULL : cond, head, &l);
    loop_end(c, &l);
}

/* A counted loop: step `i = i + n` / `i += n` (or -) on a local i, and
** condition `i < lim` (any of < <= > >=, either side) with lim a local or
** a number literal. Then step and test are one FOR* instruction. */
typedef struct { OpCode op; int a, b, cfield; } ForFuse;

static bool small_step(const Expr *e, int sign, int *step)
{
    if (e->kind != EXPR_NUMBER || !cg_is_small_int(e->as.number, -64, 64))
        return false;
    int n = sign * (int)e->as.number;
    if (n < LX_FORSTEP_MIN || n > LX_FORSTEP_MAX || (sign < 0 && n == 0))
        return false;       /* x - 0 is not x + 0 for -0: leave it alone */
    *step = n;
    return true;
}

static bool refers_to(const Expr *e, const Decl *d)
{
    return cg_is_local_ref(e) && e->as.var.decl == d;
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
    if (cg_is_local_ref(lim)) {
        out->op = (OpCode)(OP_FORLT + rel);
        out->b = lim->as.var.decl->reg;
    } else if (lim->kind == EXPR_NUMBER) {
        int k = cg_num_const(c, lim->as.number);
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
    Scope sc = cg_scope_begin(c);
    if (s->as.for_.init != NULL)
        cg_stmt(c, s->as.for_.init);
    Expr *cond = s->as.for_.cond;
    bool always = cond == NULL || (cg_is_const_expr(cond) && cg_const_truthy(cond));
    bool never = cond != NULL && cg_is_const_expr(cond) && !always;
    ForFuse fuse;
    if (!never && !always && for_fusable(c, cond, s->as.for_.step, &fuse)) {
        /* Test once on entry; then the body, and step+test at the bottom. */
        Loop l;
        loop_begin(c, &l);
        int exit = NO_JUMP;
        cg_cond(c, cond, false, (Target){ &exit, 0, 0 });
        int head = cg_pc(c);
        cg_stmt(c, s->as.for_.body);
        cg_patch_here(c, l.continues);
        cg_set_op_line(c, cond);
        cg_emit_abc(c, fuse.op, fuse.a, fuse.b, fuse.cfield);
        cg_emit_loop(c, head, l.index);
        cg_patch_here(c, exit);
        loop_end(c, &l);
    } else if (!never) {
        Loop l;
        loop_begin(c, &l);
        int to_cond = NO_JUMP;
        if (!always)
            cg_emit_jmp(c, &to_cond);
        int head = cg_pc(c);
        cg_stmt(c, s->as.for_.body);
        cg_patch_here(c, l.continues);
        if (s->as.for_.step != NULL)
            cg_effect(c, s->as.for_.step);
        cg_patch_here(c, to_cond);
        cg_loop_test(c, always ? NULL : cond, head, &l);
        loop_end(c, &l);
    }
    cg_scope_end(c, sc);
}

static void cg_forin(Cg *c, Stmt *s)
{
    Scope sc = cg_scope_begin(c);
    int a = cg_alloc_reg(c);
    cg_alloc_reg(c);
    cg_alloc_reg(c);
    cg_expr_to(c, s->as.forin.iterable, a);
    c->fn->nactive = c->fn->freereg;  /* the hidden registers stay ours */
    cg_set_line(c, &s->tok);
    cg_emit_abc(c, OP_ITERPREP, a, 0, 0);
    Decl *d = &s->as.forin.decl;
    Loop l;
    loop_begin(c, &l);
    cg_declare_local(c, d);
    cg_push_local(c, d);
    int to_next = NO_JUMP;
    cg_emit_jmp(c, &to_next);
    int head = cg_pc(c);
    cg_stmt(c, s->as.forin.body);
    cg_patch_here(c, l.continues);
    if (d->captured)
        cg_emit_abc(c, OP_CLOSE, d->reg, 0, 0);  /* a fresh variable each time */
    cg_patch_here(c, to_next);
    cg_set_line(c, &s->tok);
    cg_emit_abc(c, OP_ITERNEXT, a, 0, 0);
    cg_emit_loop(c, head, l.index);
    loop_end(c, &l);
    cg_scope_end(c, sc);
}

static void cg_break(Cg *c, Stmt *s, bool is_break)
{
    Loop *l = c->fn->loop;
    cg_set_line(c, &s->tok);
    if (l == NULL)
        cg_fail(c, is_break ? "Can't use 'break' outside of a loop."
                            : "Can't use 'continue' outside of a loop.");
    int low = cg_captured_from(c, l->nlocals);
    if (low >= 0)
        cg_emit_abc(c, OP_CLOSE, low, 0, 0);
    cg_emit_jmp(c, is_break ? &l->breaks : &l->continues);
}

static void cg_fun_stmt(Cg *c, Stmt *s)
{
    Decl *d = &s->as.fun.decl;
    cg_set_line(c, &s->tok);
    bool global = d->is_global || d->owner == NULL;
    int r;
    if (global) {
        r = cg_alloc_reg(c);
    } else {
        cg_declare_local(c, d);
        r = d->reg;
        cg_push_local(c, d);            /* visible to its own body (recursion) */
    }
    ObjFunction *fn = cg_function(c, s->as.fun.fn);
    int k = cg_add_const(c, obj_val(fn));
    vm_pop_root(c->vm, 1);
    cg_set_line(c, &s->tok);
    cg_emit_abx(c, OP_CLOSURE, r, k);
    if (global) {
        cg_emit_abx(c, OP_DEFGLOBAL, r, (int)cg_global_slot(c, &d->name));
        c->fn->freereg--;
    }
}

static void cg_class(Cg *c, Stmt *s)
{
    Decl *d = &s->as.klass.decl;
    cg_set_line(c, &s->tok);
    bool global = d->is_global || d->owner == NULL;
    int save = c->fn->freereg;
    int cls;
    if (global) {
        cls = cg_alloc_reg(c);
    } else {
        cg_declare_local(c, d);
        cls = d->reg;
        cg_push_local(c, d);
    }
    cg_emit_abx(c, OP_CLASS, cls, cg_str_const(c, d->name.start, d->name.len));
    if (global)
        cg_emit_abx(c, OP_DEFGLOBAL, cls, (int)cg_global_slot(c, &d->name));
    c->fn->nactive = c->fn->freereg;   /* cls stays put while methods are made */
    Scope sc = cg_scope_begin(c);
    if (s->as.klass.superclass != NULL) {
        Decl *sd = &s->as.klass.super_decl;
        cg_declare_local(c, sd);
        cg_expr_to(c, s->as.klass.superclass, sd->reg);
        cg_push_local(c, sd);
        cg_set_line(c, &s->as.klass.superclass->tok);
        cg_emit_abc(c, OP_INHERIT, cls, sd->reg, 0);
    }
    for (int i = 0; i < s->as.klass.nmethods; i++) {
        FunDecl *m = s->as.klass.methods[i];
        int k = cg_name_const(c, &m->name);
        int r = cg_alloc_reg(c);
        ObjFunction *fn = cg_function(c, m);
        int fk = cg_add_const(c, obj_val(fn));
        vm_pop_root(c->vm, 1);
        cg_set_line(c, &m->name);
        cg_emit_abx(c, OP_CLOSURE, r, fk);
        cg_emit_abc(c, OP_METHOD, cls, r, k);
        c->fn->freereg--;
    }
    cg_scope_end(c, sc);
    if (global)
        c->fn->freereg = c->fn->nactive = save;
}

static void cg_return(Cg *c, Stmt *s)
{
    cg_set_line(c, &s->tok);
    if (c->fn->decl->kind == FUN_INITIALIZER) {
        cg_emit_abc(c, OP_RET, 0, 0, 0);
    } else if (s->as.ret.value == NULL) {
        cg_emit_abc(c, OP_RETNIL, 0, 0, 0);
    } else {
        int save = c->fn->freereg;
        int r = cg_operand(c, s->as.ret.value, NULL);
        cg_set_line(c, &s->tok);
        cg_emit_abc(c, OP_RET, r, 0, 0);
        c->fn->freereg = save;
    }
}

static void cg_stmt(Cg *c, Stmt *s)
{
    cg_set_line(c, &s->tok);
    c->fn->r0_busy = false;     /* no temporary outlives a statement */
    switch (s->kind) {
    case STMT_EXPR: cg_effect(c, s->as.expr); break;
    case STMT_PRINT: {
        int save = c->fn->freereg;
        int r = cg_operand(c, s->as.expr, NULL);
        cg_set_line(c, &s->tok);
        cg_emit_abc(c, OP_PRINT, r, 0, 0);
        c->fn->freereg = save;
        break;
    }
    case STMT_VAR: cg_var(c, s); break;
    case STMT_BLOCK: {
        Scope sc = cg_scope_begin(c);
        for (int i = 0; i < s->as.block.count; i++)
            cg_stmt(c, s->as.block.stmts[i]);
        cg_scope_end(c, sc);
        break;
    }
    case STMT_IF: {
        int no = NO_JUMP;
        cg_cond(c, s->as.if_.cond, false, (Target){ &no, 0, 0 });
        cg_stmt(c, s->as.if_.then);
        if (s->as.if_.else_ != NULL) {
            int end = NO_JUMP;
            cg_emit_jmp(c, &end);
            cg_patch_here(c, no);
            cg_stmt(c, s->as.if_.else_);
            cg_patch_here(c, end);
        } else {
            cg_patch_here(c, no);
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
        int k = cg_str_const(c, s->as.import.chars, s->as.import.len);
        cg_emit_abx(c, OP_IMPORT, 0, k);
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
        cg_push_local(c, &fd->this_decl);
    }
    for (int i = 0; i < fd->arity; i++) {
        cg_set_line(c, &fd->params[i].name);
        cg_declare_local(c, &fd->params[i]);
        cg_push_local(c, &fd->params[i]);
    }

    for (int i = 0; i < fd->nbody; i++)
        cg_names_stmt(c, fd->body[i]);
    for (int i = 0; i < fd->nbody; i++)
        cg_stmt(c, fd->body[i]);
    if (fd->kind == FUN_INITIALIZER)
        cg_emit_abc(c, OP_RET, 0, 0, 0);
    else
        cg_emit_abc(c, OP_RETNIL, 0, 0, 0);

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
