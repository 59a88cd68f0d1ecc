/* codegen_int.h -- the code generator's internal interface, shared by
** lang/codegen.c (statements, functions, the entry point),
** lang/codegen_expr.c (expressions and conditions) and lang/codegen_emit.c
** (emitting, registers, constants, jumps). Nothing outside those three
** files includes it. The design is described at the top of codegen.c.
*/
#ifndef LX_CODEGEN_INT_H
#define LX_CODEGEN_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "lang/ast.h"
#include "lang/codegen.h"
#include "lang/diag.h"
#include "vm/config.h"
#include "vm/opcodes.h"
#include "vm/vm.h"

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

/* A block's extent: locals[] and registers to drop at its end. */
typedef struct { int nlocals, freereg; } Scope;

/* Where a conditional goes: a forward jump list, or a loop head (then the
** jump word is a LOOP, a back-edge). */
typedef struct {
    int *list;        /* forward: add to this list */
    int head;         /* backward: the loop body's first pc */
    int loop;         /* backward: the loop's hot counter */
} Target;

/* -- Emitting, registers, constants, jumps (codegen_emit.c) --------------- */

_Noreturn void cg_fail(Cg *c, const char *msg);
int cg_pc(Cg *c);
int cg_emit(Cg *c, Instr ins);
int cg_emit_abc(Cg *c, OpCode op, int a, int b, int cc);
int cg_emit_abx(Cg *c, OpCode op, int a, int bx);
void cg_set_line(Cg *c, const Token *t);
void cg_set_op_line(Cg *c, const Expr *e);
int cg_alloc_reg(Cg *c);
int cg_alloc_temp(Cg *c);
bool cg_is_live_var(Cg *c, int reg);
void cg_push_local(Cg *c, Decl *d);
Scope cg_scope_begin(Cg *c);
int cg_captured_from(Cg *c, int from);
void cg_scope_end(Cg *c, Scope s);
int cg_add_const(Cg *c, Value v);
int cg_num_const(Cg *c, double d);
int cg_str_const(Cg *c, const char *chars, int len);
int cg_name_const(Cg *c, const Token *name);
uint32_t cg_global_slot(Cg *c, const Token *name);
void cg_names_stmt(Cg *c, Stmt *s);
void cg_jl_append(Cg *c, int *list, int pc);
void cg_patch_to(Cg *c, int list, int target);
void cg_patch_here(Cg *c, int list);
void cg_emit_jmp(Cg *c, int *list);
void cg_emit_loop(Cg *c, int head, int loop);
void cg_emit_jump_word(Cg *c, Target t);

/* -- Expressions (codegen_expr.c) ----------------------------------------- */

int cg_upvalue_index(Cg *c, Fn *f, Decl *d);
bool cg_is_local_ref(const Expr *e);
bool cg_is_const_expr(const Expr *e);
bool cg_const_truthy(const Expr *e);
bool cg_is_small_int(double d, int lo, int hi);
int cg_operand(Cg *c, Expr *e, Expr *later);
void cg_cond(Cg *c, Expr *e, bool jump_if, Target t);
void cg_expr_to(Cg *c, Expr *e, int dst);
void cg_effect(Cg *c, Expr *e);

#endif
