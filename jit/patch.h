/* patch.h -- copy a stencil into machine code and fill its holes.
**
** The emitter lays a trace out (each stencil's code right after the
** previous one, INVARIANT(stencil-fallthrough); data and trampolines after
** the code), fills a PatchEnv with the value of every hole symbol for the
** stencil at hand, and calls patch_stencil for it. Each hole is checked
** against its relocation kind and the instruction it sits in (the check
** CPython's jit.c makes for every patch): a value that does not fit is an
** error for the caller to turn into a trace abort, never a wrong byte.
*/
#ifndef LX_JIT_PATCH_H
#define LX_JIT_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jit/stencil.h"

/* A trampoline: `jmp [rip+0]` and the 8-byte target, padded. A call or
** jump to C that rel32 cannot reach goes to one of these instead. */
#define PATCH_TRAMP_SIZE 16

typedef struct {
    /* The value of each hole symbol for the next stencil: a displacement
    ** or int32 (sign-extended to 64 bits), a 64-bit constant, an address.
    ** CONTINUE and DATA are filled in by patch_stencil itself. */
    uint64_t value[JIT_SYM__COUNT];
    /* Room for trampolines, within rel32 reach of the code (the same
    ** block), PATCH_TRAMP_SIZE bytes each; NULL when there is none. Shared
    ** by all the stencils of a block: one trampoline per far target. */
    uint8_t *tramp;
    size_t tramp_size;
    size_t tramp_used;
    /* Why the last patch_stencil failed. */
    char error[192];
} PatchEnv;

/* Where s's data goes when the data area's free space starts at offset
** `at`: `at` rounded up to s->data_align. */
size_t patch_data_at(const JitStencil *s, size_t at);

/* Copy s->code to `code` and s->data to `data` (aligned to s->data_align;
** unused when s has no data), then fill every hole from env. Returns false
** and describes the problem in env->error when a value does not fit. */
bool patch_stencil(const JitStencil *s, uint8_t *code, uint8_t *data, PatchEnv *env);

#endif
