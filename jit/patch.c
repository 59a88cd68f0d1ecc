/* patch.c -- copy and patch (see patch.h). */
#include <stdio.h>
#include <string.h>

#include "jit/patch.h"
#include "vm/config.h"

/* -- Fields ------------------------------------------------------------ */

/* Stencil code is copied byte by byte, so fields are unaligned. */
static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static bool fits_i32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

static bool fits_u32(int64_t v)
{
    return v >= 0 && v <= (int64_t)UINT32_MAX;
}

static bool fail(PatchEnv *env, const JitStencil *s, const JitHole *h, const char *what,
                 int64_t v)
{
    snprintf(env->error, sizeof env->error, "%s+0x%x (%s, %s): %s (value %lld)",
             s->name, (unsigned)h->offset, stencil_sym_name((JitSym)h->sym),
             stencil_reloc_name((JitRelocKind)h->kind), what, (long long)v);
    return false;
}

/* The instruction bytes before the field must be what stencilgen saw:
** a stale table or a wrong offset shows up here, not as a crash. */
static bool insn_ok(const uint8_t *code, const JitHole *h)
{
    uint32_t o = h->offset;
    switch ((JitHoleInsn)h->insn) {
    case JIT_INSN_CALL:
        return o >= 1 && code[o - 1] == 0xE8;
    case JIT_INSN_JMP:
        return o >= 1 && code[o - 1] == 0xE9;
    case JIT_INSN_JCC:
        return o >= 2 && code[o - 2] == 0x0F && (code[o - 1] & 0xF0) == 0x80;
    case JIT_INSN_MOVABS:
        return o >= 2 && (code[o - 2] & 0xF8) == 0x48 && (code[o - 1] & 0xF8) == 0xB8;
    case JIT_INSN_OTHER:
        return true;
    }
    return false;
}

/* -- Trampolines ------------------------------------------------------- */

/* A trampoline to `target` in env's room (an existing one if any), or
** NULL when there is no room left. */
static uint8_t *trampoline(PatchEnv *env, uint64_t target)
{
    for (size_t at = 0; at + PATCH_TRAMP_SIZE <= env->tramp_used; at += PATCH_TRAMP_SIZE) {
        uint64_t t;
        memcpy(&t, env->tramp + at + 6, 8);
        if (t == target)
            return env->tramp + at;
    }
    if (env->tramp == NULL || env->tramp_size - env->tramp_used < PATCH_TRAMP_SIZE)
        return NULL;
    uint8_t *p = env->tramp + env->tramp_used;
    static const uint8_t jmp_rip[6] = {0xFF, 0x25, 0, 0, 0, 0};  /* jmp [rip+0] */
    memcpy(p, jmp_rip, sizeof jmp_rip);
    put64(p + 6, target);
    memset(p + 14, 0xCC, PATCH_TRAMP_SIZE - 14);                /* int3 */
    env->tramp_used += PATCH_TRAMP_SIZE;
    return p;
}

/* -- Patching ---------------------------------------------------------- */

size_t patch_data_at(const JitStencil *s, size_t at)
{
    size_t align = s->data_align ? s->data_align : 1;
    return (at + align - 1) & ~(align - 1);
}

static bool patch_hole(const JitStencil *s, const JitHole *h, uint8_t *code, PatchEnv *env)
{
    uint8_t *field = code + h->offset;
    JitHoleClass cls = stencil_sym_class((JitSym)h->sym);
    /* S + A, computed in 64-bit two's complement like the linker would. */
    int64_t v = (int64_t)(env->value[h->sym] + (uint64_t)(int64_t)h->addend);
    if (!insn_ok(code, h))
        return fail(env, s, h, "the instruction is not the one the hole was made for", v);
    switch ((JitRelocKind)h->kind) {
    case JIT_RELOC_ABS64:
        put64(field, (uint64_t)v);
        return true;
    case JIT_RELOC_ABS32:
        /* IMM32: the stencil truncates, so an int32 fits too. */
        if (!(fits_u32(v) || (cls == JIT_HC_IMM32 && fits_i32(v))))
            return fail(env, s, h, "does not fit a zero-extended 32-bit field", v);
        put32(field, (uint32_t)v);
        return true;
    case JIT_RELOC_ABS32S:
        if (!(fits_i32(v) || (cls == JIT_HC_IMM32 && fits_u32(v))))
            return fail(env, s, h, "does not fit a sign-extended 32-bit field", v);
        put32(field, (uint32_t)v);
        return true;
    case JIT_RELOC_PC32:
    case JIT_RELOC_PLT32: {
        int64_t d = (int64_t)((uint64_t)v - (uint64_t)(uintptr_t)field);
        if (!fits_i32(d) && cls == JIT_HC_CALL) {
            /* A C function out of reach: go through a trampoline, which
            ** is within reach by construction (same block). */
            uint8_t *t = trampoline(env, env->value[h->sym]);
            if (t == NULL)
                return fail(env, s, h, "the helper is out of rel32 reach and there "
                                       "is no room for a trampoline", v);
            v = (int64_t)(uintptr_t)t + h->addend;
            d = (int64_t)((uint64_t)v - (uint64_t)(uintptr_t)field);
        }
        if (!fits_i32(d))
            return fail(env, s, h, "the target is out of rel32 reach", v);
        put32(field, (uint32_t)(int32_t)d);
        return true;
    }
    case JIT_RELOC__COUNT:
        break;
    }
    return fail(env, s, h, "unknown relocation kind", v);
}

bool patch_stencil(const JitStencil *s, uint8_t *code, uint8_t *data, PatchEnv *env)
{
    LX_ASSERT(s->name != NULL, "patch_stencil: a stencil that was built");
    env->error[0] = '\0';
    if (s->code_size > 0)
        memcpy(code, s->code, s->code_size);
    if (s->data_size > 0) {
        LX_ASSERT(((uintptr_t)data & (uintptr_t)(s->data_align - 1)) == 0,
                  "stencil data aligned to data_align");
        memcpy(data, s->data, s->data_size);
    }
    env->value[JIT_SYM_CONTINUE] = (uint64_t)(uintptr_t)(code + s->code_size);
    env->value[JIT_SYM_DATA] = (uint64_t)(uintptr_t)data;
    for (uint16_t i = 0; i < s->nholes; i++)
        if (!patch_hole(s, &s->holes[i], code, env))
            return false;
    return true;
}
