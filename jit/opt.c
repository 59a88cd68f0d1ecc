/* opt.c -- the optimizer's driver (opt_run, the pipeline of jit/opt.h)
** and what its passes share: making an instruction a NOP, renaming the
** uses of the values they replace.
*/
#include <stdlib.h>

#include "jit/ircheck.h"
#include "jit/opt.h"
#include "jit/trace.h"

/* -- Shared by the passes ------------------------------------------------- */

IRRef *opt_refs(const Trace *T)
{
    IRRef *p = calloc((size_t)T->nir, sizeof(IRRef));
    if (p == NULL)
        abort();
    return p;
}

void opt_nop(Trace *T, IRRef ref)
{
    IRIns *ins = &T->ir[ref];
    ins->op = IR_NOP;
    ins->t = IRT_NONE;
    ins->a = ins->b = ins->c = 0;
    ins->snap = IR_NOSNAP;
}

/* A replacement may itself have been replaced (a chain of NOPs): follow
** it to the value that stays. */
static IRRef resolve(const IRRef *subst, IRRef r)
{
    while (r > 0 && subst[r] != 0)
        r = subst[r];
    return r;
}

void opt_rename(IRIns *ins, const IRRef *subst)
{
    if (ir_mode_a[ins->op] == IRM_R)
        ins->a = resolve(subst, ins->a);
    if (ir_mode_b[ins->op] == IRM_R)
        ins->b = resolve(subst, ins->b);
    if (ins->op == IR_ISTORE)
        ins->c = resolve(subst, ins->c);
}

void opt_subst(Trace *T, const IRRef *subst)
{
    bool any = false;
    for (IRRef r = 1; r < T->nir && !any; r++)
        any = subst[r] != 0;
    if (!any)
        return;
    for (IRRef r = 1; r < T->nir; r++)
        opt_rename(&T->ir[r], subst);
    for (int k = 0; k < T->nsmap; k++)
        T->smap[k].ref = (uint16_t)resolve(subst, T->smap[k].ref);
    for (int b = 0; b < T->nback; b++)
        T->back[b].val = resolve(subst, T->back[b].val);
    for (int g = 0; g < T->ngback; g++)
        T->gback[g].val = resolve(subst, T->gback[g].val);
}

/* -- The pipeline ---------------------------------------------------------- */

static void complete(Trace *T)
{
    T->loopsnap = T->link ? -1 : snap_complete(T);
}

/* The passes of opt.h in their order; opt_hoist, which marks inv for the
** emitter, comes last. */
static const struct {
    const char *name;
    void (*run)(Trace *T);
} pipeline[] = {
    {"opt_fold", opt_fold},   {"opt_fields", opt_fields}, {"opt_guard", opt_guard},
    {"snap_complete", complete}, {"opt_dce", opt_dce},
};

void opt_run(JitState *J, Trace *T, uint8_t *inv)
{
    bool check = jit_param(J, PARAM_ircheck) != 0;
    if (check)
        ircheck_or_abort(T, NULL, "recording");
    for (size_t p = 0; p < sizeof pipeline / sizeof pipeline[0]; p++) {
        pipeline[p].run(T);
        if (check)
            ircheck_or_abort(T, NULL, pipeline[p].name);
    }
    opt_hoist(T, inv);
    if (check)
        ircheck_or_abort(T, inv, "opt_hoist");
}
