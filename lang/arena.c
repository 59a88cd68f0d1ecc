/* arena.c -- chunked bump allocation for syntax trees, and ast_free. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/arena.h"
#include "lang/ast.h"

struct ArenaChunk {
    ArenaChunk *next;
    alignas(max_align_t) char data[];
};

enum { ARENA_CHUNK = 64 * 1024 };

static _Noreturn void arena_oom(void)
{
    fprintf(stderr, "loxjit: out of memory\n");
    abort();
}

Arena *arena_new(void)
{
    Arena *a = calloc(1, sizeof *a);
    if (!a) arena_oom();
    return a;
}

void *arena_alloc(Arena *a, size_t size)
{
    size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0) size = align;
    if ((size_t)(a->limit - a->next) < size) {
        /* Big requests (a long list literal) get a chunk of their own. */
        size_t cap = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
        ArenaChunk *c = malloc(sizeof *c + cap);
        if (!c) arena_oom();
        if (cap == size && a->chunks) {
            /* Keep the current chunk's free space for later requests. */
            c->next = a->chunks->next;
            a->chunks->next = c;
            memset(c->data, 0, size);
            return c->data;
        }
        c->next = a->chunks;
        a->chunks = c;
        a->next = c->data;
        a->limit = c->data + cap;
    }
    void *p = a->next;
    a->next += size;
    memset(p, 0, size);
    return p;
}

void *arena_dup(Arena *a, const void *src, size_t n)
{
    void *p = arena_alloc(a, n);
    if (n) memcpy(p, src, n);
    return p;
}

void arena_free(Arena *a)
{
    if (!a) return;
    ArenaChunk *c = a->chunks;
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void ast_free(Ast *ast)
{
    arena_free(ast->arena);
    ast->arena = NULL;
    ast->script = NULL;
}
