/* stencil.c -- the stencil table and the names of its parts.
**
** jit_stencils.h is generated at build time (build/<mode>/gen/, by
** tools/stencilgen from jit/stencils/) and included only here; the rest of
** the JIT reaches stencils through stencil_get and stencil_id.
*/
#include <stddef.h>

#include "jit/stencil.h"
#include "vm/config.h"

#include "jit_stencils.h"

/* -- Templates --------------------------------------------------------- */

typedef struct {
    const char *name;
    uint16_t first;     /* JitStencilId of the template's first variant */
    uint8_t roles;      /* register operands, 0-3 */
} TemplateInfo;

static const TemplateInfo template_info[JIT_T__COUNT] = {
#define ST__INFO(t, shape, doc) \
    [JIT_T_##t] = {#t, JIT_SHAPE_FIRST_##shape(t), JIT_SHAPE_ROLES_##shape},
    JIT_STENCILS(ST__INFO)
#undef ST__INFO
};

_Static_assert(JIT_ST__COUNT < UINT16_MAX, "stencil ids fit uint16_t");

/* -- Names ------------------------------------------------------------- */

static const char *const sym_names[JIT_SYM__COUNT] = {
#define ST__SYM_NAME(name, cls, doc) #name,
    JIT_HOLE_SYMBOLS(ST__SYM_NAME)
#undef ST__SYM_NAME
};

static const JitHoleClass sym_classes[JIT_SYM__COUNT] = {
#define ST__SYM_CLASS(name, cls, doc) JIT_HC_##cls,
    JIT_HOLE_SYMBOLS(ST__SYM_CLASS)
#undef ST__SYM_CLASS
};

static const char *const reloc_names[JIT_RELOC__COUNT] = {
#define ST__RELOC_NAME(name, elf, doc) #elf,
    JIT_RELOC_KINDS(ST__RELOC_NAME)
#undef ST__RELOC_NAME
};

/* -- Lookups ----------------------------------------------------------- */

const JitStencil *stencil_get(JitStencilId id)
{
    LX_ASSERT((unsigned)id < JIT_ST__COUNT, "stencil id in range");
    return &jit_stencil_table[id];
}

JitStencilId stencil_id(JitTemplate t, int reg0, int reg1, int reg2)
{
    LX_ASSERT((unsigned)t < JIT_T__COUNT, "template id in range");
    int regs[3] = {reg0, reg1, reg2};
    unsigned index = 0;
    for (int i = 0; i < template_info[t].roles; i++) {
        LX_ASSERT(regs[i] >= 0 && regs[i] < 4, "register number 0-3");
        index = index * 4 + (unsigned)regs[i];
    }
    return (JitStencilId)(template_info[t].first + index);
}

int stencil_roles(JitTemplate t)
{
    return template_info[t].roles;
}

const char *stencil_template_name(JitTemplate t)
{
    return template_info[t].name;
}

const char *stencil_sym_name(JitSym s)
{
    return (unsigned)s < JIT_SYM__COUNT ? sym_names[s] : "?";
}

JitHoleClass stencil_sym_class(JitSym s)
{
    return sym_classes[s];
}

const char *stencil_reloc_name(JitRelocKind k)
{
    return (unsigned)k < JIT_RELOC__COUNT ? reloc_names[k] : "?";
}
