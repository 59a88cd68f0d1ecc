/* map.c -- Lox maps: insertion-ordered hash maps from any value but NaN.
**
** Two arrays (layout in vm/object.h): entries[] keeps {key, value, hash}
** in insertion order, removed entries marked by key == UNDEF_VAL; index[]
** is an open-addressed (linear probing) table of positions into entries[],
** with -1 for an empty slot and -2 for the slot of a removed entry. Order
** comes from entries[]; lookup cost from index[]. A removed key added
** again is a new entry at the end, which gives "re-added goes last".
**
** Keys are normalized before hashing and comparing (key_norm), so the key
** set behaves like Lox `==`: every number has one encoding as a key, and
** strings compare by content (long strings are not interned).
*/
#include <string.h>

#include "vm/memory.h"
#include "vm/object.h"
#include "vm/vm.h"

#define SLOT_EMPTY   (-1)
#define SLOT_REMOVED (-2)
#define MAP_MIN_CAP  8

/* INVARIANT(map-load): the number of index slots that are not empty is
** at most nentries, and nentries <= entry_cap == index_cap * 3/4. So the
** index is never more than 3/4 full and every probe meets an empty slot.
** Relied on by: find_slot, insert_slot. Broken only inside rebuild. */

/* INVARIANT(map-one-block): entries[] and index[] are one allocation of
** MAP_ARRAYS_BYTES(entry_cap, index_cap) bytes starting at entries, with
** index[] right after the entry_cap entries. Growing a map is then one
** lx_realloc, which either happens or raises with the map untouched
** (INVARIANT(raise-before-alloc)): two allocations could leak the first
** when the second hits the memory cap. Relied on by: rebuild, obj_free. */

/* INVARIANT(map-positions): the position of a live entry in entries[]
** changes only in rebuild (on insertion of a new key) and in the reset of
** an emptied map (on removal), and both also change `version`. So a for-in
** that holds a position and checks version is never silently moved.
** Relied on by: map_next's callers (for-in, keys(), values()). */

/* -- Keys ------------------------------------------------------------ */

/* One encoding per number: integral values that fit are int32, and -0 is
** the key 0 (they are `==`). Other values are already canonical. */
static inline Value key_norm(Value k)
{
    if (!is_double(k))
        return k;
    double d = as_double(k);
    return d == 0 ? int_val(0) : lx_number(d);
}

/* Non-string keys hash by their bits, mixed well enough that integers in
** arithmetic progressions (multiples of a large power of two, say) spread
** over the whole index instead of piling onto a few slots. */
static inline uint32_t key_hash(Value k)
{
    if (is_obj_type(k, OBJ_STRING)) {
        ObjString *s = AS_STRING(k);
        return (s->obj.flags & STR_HASHED) ? s->hash : str_hash(s);
    }
    uint64_t x = k;
    if (is_obj_type(k, OBJ_POINTER)) /* by address, as value_equal compares */
        x = (uint64_t)(uintptr_t)AS_POINTER(k)->addr;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    return (uint32_t)x;
}

/* Both keys normalized; `stored` comes from an entry whose hash matched. */
static inline bool key_eq(Value stored, Value k)
{
    if (stored == k)
        return true;
    if (is_obj_type(stored, OBJ_POINTER) && is_obj_type(k, OBJ_POINTER))
        return AS_POINTER(stored)->addr == AS_POINTER(k)->addr;
    return is_obj_type(stored, OBJ_STRING) && is_obj_type(k, OBJ_STRING) &&
           str_equal(AS_STRING(stored), AS_STRING(k));
}

/* -- Probing --------------------------------------------------------- */

/* The index slot holding key, or NULL. */
static int32_t *find_slot(const ObjMap *m, Value key, uint32_t hash)
{
    if (m->index_cap == 0)
        return NULL;
    uint32_t mask = m->index_cap - 1;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
        int32_t pos = m->index[i];
        if (pos == SLOT_EMPTY)
            return NULL;
        if (pos >= 0) {
            const MapEntry *e = &m->entries[pos];
            if (e->hash == hash && key_eq(e->key, key))
                return &m->index[i];
        }
    }
}

/* The first reusable slot on hash's probe path (removed or empty). */
static int32_t *insert_slot(ObjMap *m, uint32_t hash)
{
    uint32_t mask = m->index_cap - 1;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask)
        if (m->index[i] < 0)
            return &m->index[i];
}

/* -- Rebuilding ------------------------------------------------------ */

/* Compact entries[] (dropping removed ones, keeping order) and rebuild
** index[] at a size where the live entries fill at most half of entry_cap:
** the next rebuild is then at least as many insertions away as there are
** live entries, which keeps insertion amortized O(1), and a map that has
** shrunk a lot gets smaller arrays. Called only when inserting a new key
** (which changes version anyway; INVARIANT(map-positions)). */
static void rebuild(VM *vm, ObjMap *m)
{
    uint32_t live = m->count;
    uint32_t cap = MAP_MIN_CAP;
    while ((uint64_t)cap * 3 / 8 < live) {
        if (cap >= (1u << 30))
            vm_error(vm, "Out of memory.");
        cap *= 2;
    }
    uint32_t ecap = cap / 4 * 3;

    MapEntry *entries = m->entries;
    int32_t *index = m->index;
    if (cap != m->index_cap) {
        /* Allocate before touching m: a collection inside still sees m's
        ** old, consistent arrays. */
        entries = lx_realloc(vm, NULL, 0, MAP_ARRAYS_BYTES(ecap, cap));
        index = (int32_t *)(entries + ecap);
    }

    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nentries; i++)
        if (m->entries[i].key != UNDEF_VAL)
            entries[n++] = m->entries[i];  /* n <= i: safe in place */
    memset(index, 0xff, sizeof(int32_t) * cap);   /* all SLOT_EMPTY */

    if (entries != m->entries) {
        lx_realloc(vm, m->entries, MAP_ARRAYS_BYTES(m->entry_cap, m->index_cap), 0);
        m->entries = entries;
        m->index = index;
        m->entry_cap = ecap;
        m->index_cap = cap;
    }
    m->nentries = n;
    uint32_t mask = cap - 1;
    for (uint32_t pos = 0; pos < n; pos++) {
        uint32_t i = entries[pos].hash & mask;
        while (index[i] != SLOT_EMPTY)
            i = (i + 1) & mask;
        index[i] = (int32_t)pos;
    }
}

/* -- Operations ------------------------------------------------------ */

ObjMap *map_new(VM *vm)
{
    ObjMap *m = (ObjMap *)obj_alloc(vm, sizeof(ObjMap), OBJ_MAP);
    m->count = 0;
    m->nentries = 0;
    m->entry_cap = 0;
    m->index_cap = 0;
    m->version = 0;
    m->entries = NULL;
    m->index = NULL;
    return m;
}

bool map_get(ObjMap *m, Value key, Value *out)
{
    key = key_norm(key);
    int32_t *slot = find_slot(m, key, key_hash(key));
    if (slot == NULL)
        return false;
    *out = m->entries[*slot].value;
    return true;
}

void map_set(VM *vm, ObjMap *m, Value key, Value value)
{
    key = key_norm(key);
    uint32_t hash = key_hash(key);
    int32_t *slot = find_slot(m, key, hash);
    if (slot != NULL) {
        m->entries[*slot].value = value;   /* key set unchanged: same version */
        return;
    }
    if (m->nentries == m->entry_cap) {
        /* The caller may hold key and value only in C locals. */
        vm_push_root(vm, key);
        vm_push_root(vm, value);
        rebuild(vm, m);
        vm_pop_root(vm, 2);
    }
    uint32_t pos = m->nentries++;
    m->entries[pos] = (MapEntry){ key, value, hash };
    *insert_slot(m, hash) = (int32_t)pos;
    m->count++;
    m->version++;
}

bool map_remove(ObjMap *m, Value key, Value *out)
{
    key = key_norm(key);
    int32_t *slot = find_slot(m, key, key_hash(key));
    if (slot == NULL)
        return false;
    MapEntry *e = &m->entries[*slot];
    if (out != NULL)
        *out = e->value;
    e->key = UNDEF_VAL;
    e->value = NIL_VAL;
    *slot = SLOT_REMOVED;
    m->count--;
    m->version++;
    /* An emptied map forgets its removed entries, so that iterating it
    ** stays cheap; only when the index is small next to the entries just
    ** dropped, which keeps the memset paid for by those insertions. */
    if (m->count == 0 && m->index_cap <= 8 * (uint64_t)m->nentries) {
        memset(m->index, 0xff, sizeof(int32_t) * m->index_cap);
        m->nentries = 0;
    }
    return true;
}

bool map_next(ObjMap *m, uint32_t *pos, Value *key, Value *value)
{
    while (*pos < m->nentries) {
        MapEntry *e = &m->entries[(*pos)++];
        if (e->key != UNDEF_VAL) {
            *key = e->key;
            *value = e->value;
            return true;
        }
    }
    return false;
}
