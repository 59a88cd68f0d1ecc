/* string.c -- string objects: hashing, interning, building.
**
** The rules (vm/object.h): short strings (len <= LX_SHORT_STRING) are
** always interned, so the many small strings a program compares and uses
** as keys compare by pointer; long strings are interned only on request,
** so building a long string does not hash every intermediate result.
** A string's hash is computed at most once and cached (STR_HASHED).
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vm/memory.h"
#include "vm/object.h"
#include "vm/vm.h"

/* -- Hashing --------------------------------------------------------- */

/* Multiply two 64-bit words to 128 bits and fold the halves together:
** every input bit reaches many output bits in one multiply. */
static inline uint64_t fold_mul(uint64_t a, uint64_t b)
{
    __uint128_t p = (__uint128_t)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
}

static inline uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* Arbitrary odd constants with well-spread bits. */
#define HASH_K0 0xf2a74de452e6b439ull
#define HASH_K1 0x6513270e269e0d37ull
#define HASH_K2 0xd23f0824128b2f33ull
#define HASH_K3 0x9531985d5d9dc9f9ull

/* One 8-byte word per multiply; the length goes into the seed so that
** a string and the same string with NUL bytes appended differ. */
static uint32_t hash_bytes(const char *p, size_t len)
{
    uint64_t h = HASH_K0 ^ ((uint64_t)len * HASH_K1);
    size_t n = len;
    while (n >= 8) {
        h = fold_mul(load64(p) ^ HASH_K1, h ^ HASH_K2);
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = fold_mul(w ^ HASH_K3, h ^ HASH_K2);
    }
    h = fold_mul(h, HASH_K3);
    return (uint32_t)(h ^ (h >> 32));
}

uint32_t str_hash(ObjString *s)
{
    if (!(s->obj.flags & STR_HASHED)) {
        s->hash = hash_bytes(s->chars, s->len);
        s->obj.flags |= STR_HASHED;
    }
    return s->hash;
}

bool str_equal(const ObjString *a, const ObjString *b)
{
    if (a == b)
        return true;
    if (a->len != b->len)
        return false;
    uint8_t both = a->obj.flags & b->obj.flags;
    if (both & STR_INTERNED)
        return false;         /* INVARIANT(interned-eq) */
    if ((both & STR_HASHED) && a->hash != b->hash)
        return false;
    return memcmp(a->chars, b->chars, a->len) == 0;
}

/* -- Allocation and interning ---------------------------------------- */

static inline size_t str_size(size_t len)
{
    return sizeof(ObjString) + len + 1;
}

/* A fresh, unhashed, uninterned string of len bytes (NUL in place). With
** nogc, NULL where making it would collect (lx_try_alloc) or is too long:
** the str_try_ functions, for a caller that cannot let the collector run
** or an error be raised (a JIT trace, vm/object.h). */
static ObjString *str_raw(VM *vm, size_t len, bool nogc)
{
    ObjString *s;
    if (nogc) {
        if (len > UINT32_MAX - 1)
            return NULL;
        s = (ObjString *)obj_try_alloc(vm, str_size(len), OBJ_STRING);
        if (s == NULL)
            return NULL;
    } else {
        if (len > UINT32_MAX - 1)
            vm_error(vm, "Out of memory.");
        s = (ObjString *)obj_alloc(vm, str_size(len), OBJ_STRING);
    }
    s->len = (uint32_t)len;
    s->hash = 0;
    s->chars[len] = '\0';
    return s;
}

/* Make s the pool's string for its bytes (the pool must not have one). */
static inline ObjString *adopt(VM *vm, ObjString *s, uint32_t hash)
{
    s->hash = hash;
    s->obj.flags |= STR_INTERNED | STR_HASHED;
    tab_add_string(vm, &vm->strings, s);   /* never collects */
    return s;
}

static ObjString *intern(VM *vm, const char *chars, size_t len, bool nogc)
{
    uint32_t hash = hash_bytes(chars, len);
    if (len <= UINT32_MAX) {
        ObjString *found = tab_find_string(&vm->strings, chars, (uint32_t)len, hash);
        if (found != NULL)
            return found;
    }
    ObjString *s = str_raw(vm, len, nogc);
    if (s == NULL)
        return NULL;
    memcpy(s->chars, chars, len);
    return adopt(vm, s, hash);
}

static ObjString *copy(VM *vm, const char *chars, size_t len, bool nogc)
{
    if (len <= LX_SHORT_STRING)
        return intern(vm, chars, len, nogc);
    ObjString *s = str_raw(vm, len, nogc);
    if (s != NULL)
        memcpy(s->chars, chars, len);
    return s;
}

static ObjString *concat(VM *vm, ObjString *a, ObjString *b, bool nogc)
{
    if (b->len == 0)
        return a;
    if (a->len == 0)
        return b;
    size_t len = (size_t)a->len + b->len;
    if (len <= LX_SHORT_STRING) {
        /* Build on the C stack first: the result is often already
        ** interned, and then nothing is allocated at all. */
        char buf[LX_SHORT_STRING];
        memcpy(buf, a->chars, a->len);
        memcpy(buf + a->len, b->chars, b->len);
        return intern(vm, buf, len, nogc);
    }
    ObjString *s = str_raw(vm, len, nogc);
    if (s == NULL)
        return NULL;
    memcpy(s->chars, a->chars, a->len);
    memcpy(s->chars + a->len, b->chars, b->len);
    return s;
}

ObjString *str_intern(VM *vm, const char *chars, size_t len)
{
    return intern(vm, chars, len, false);
}

ObjString *str_copy(VM *vm, const char *chars, size_t len)
{
    return copy(vm, chars, len, false);
}

ObjString *str_try_copy(VM *vm, const char *chars, size_t len)
{
    return copy(vm, chars, len, true);
}

ObjString *str_intern_obj(VM *vm, ObjString *s)
{
    if (s->obj.flags & STR_INTERNED)
        return s;
    uint32_t hash = str_hash(s);
    ObjString *found = tab_find_string(&vm->strings, s->chars, s->len, hash);
    if (found != NULL)
        return found;
    /* Nobody can yet rely on s being distinct from an equal interned
    ** string (there is none), so s itself becomes the interned one. */
    return adopt(vm, s, hash);
}

ObjString *str_alloc(VM *vm, size_t len)
{
    return str_raw(vm, len, false);
}

ObjString *str_finish(VM *vm, ObjString *s)
{
    if (s->len > LX_SHORT_STRING)
        return s;
    uint32_t hash = hash_bytes(s->chars, s->len);
    ObjString *found = tab_find_string(&vm->strings, s->chars, s->len, hash);
    /* When found, s is garbage; it is left to the collector rather than
    ** freed here, because the caller may have rooted it while filling it. */
    return found != NULL ? found : adopt(vm, s, hash);
}

ObjString *str_concat(VM *vm, ObjString *a, ObjString *b)
{
    return concat(vm, a, b, false);
}

ObjString *str_try_concat(VM *vm, ObjString *a, ObjString *b)
{
    return concat(vm, a, b, true);
}

ObjString *str_format(VM *vm, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof buf)
        return str_copy(vm, buf, (size_t)n);

    /* Too long for the buffer: format straight into the string. */
    ObjString *s = str_raw(vm, (size_t)n, false);
    va_start(ap, fmt);
    vsnprintf(s->chars, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;                 /* n >= 256: a long string, not interned */
}
