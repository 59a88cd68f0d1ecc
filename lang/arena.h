/* arena.h -- the bump allocator that owns one syntax tree.
**
** Every node, list and decoded string of an Ast comes from its arena and
** is freed in one go by ast_free (lang/ast.h). Allocation never fails
** softly: running out of memory aborts, as everywhere in loxjit.
*/
#ifndef LX_ARENA_H
#define LX_ARENA_H

#include <stddef.h>

typedef struct ArenaChunk ArenaChunk;

struct Arena {
    ArenaChunk *chunks;   /* newest first */
    char *next, *limit;   /* free space in the newest chunk */
};

typedef struct Arena Arena;

Arena *arena_new(void);
/* Zeroed memory, aligned for any object. */
void *arena_alloc(Arena *a, size_t size);
/* A copy of n bytes (n may be 0). */
void *arena_dup(Arena *a, const void *src, size_t n);
void arena_free(Arena *a);

#endif
