/* table.c -- open-addressed hash tables keyed by interned strings.
**
** Linear probing over a power-of-two array of {key, value} entries. Keys
** are interned, so finding a key is a pointer compare per probe and the
** key's cached hash picks the start. See vm/table.h for the slot states
** and INVARIANT(table-load).
*/
#include <string.h>

#include "vm/config.h"
#include "vm/memory.h"
#include "vm/object.h"
#include "vm/table.h"
#include "vm/table_inline.h"

/* The smallest array: 4 slots hold 3 keys (INVARIANT(table-load)), enough
** for most instances' fields; with 8, a two-field instance carried 128
** bytes of entries (binary_trees: a quarter less memory, and faster). */
#define TAB_MIN_CAP 4

void tab_init(Table *t)
{
    t->count = 0;
    t->mask = 0;
    t->entries = NULL;
}

void tab_free(VM *vm, Table *t)
{
    if (t->entries != NULL)
        LX_FREE_ARRAY(vm, Entry, t->entries, (size_t)t->mask + 1);
    tab_init(t);
}

/* -- Probing --------------------------------------------------------- */

/* The entry holding key, or the slot where it should go: the first
** tombstone on its probe path if there is one, else the empty slot that
** ends the path. The table must have entries. */
static Entry *find_slot(Entry *entries, uint32_t mask, ObjString *key)
{
    uint32_t i = key->hash & mask;
    Entry *tomb = NULL;
    for (;;) {
        Entry *e = &entries[i];
        if (e->key == key)
            return e;
        if (e->key == NULL) {
            if (e->value == NIL_VAL)
                return tomb != NULL ? tomb : e;
            if (tomb == NULL)
                tomb = e;
        }
        i = (i + 1) & mask;
    }
}

/* The capacity that holds `live` entries with room for as many again, so
** that a table full of tombstones is not rebuilt at the same size over
** and over. */
static uint32_t cap_for(uint32_t live)
{
    uint32_t cap = TAB_MIN_CAP;
    while (cap < 2 * (live + 1))
        cap *= 2;
    return cap;
}

static void rehash(VM *vm, Table *t, bool may_collect)
{
    uint32_t live = 0;
    uint32_t old_cap = t->entries != NULL ? t->mask + 1 : 0;
    for (uint32_t i = 0; i < old_cap; i++)
        live += t->entries[i].key != NULL;
    uint32_t cap = cap_for(live);
    if (cap == 0)
        vm_error(vm, "Out of memory.");

    /* The old array stays valid until the new one is filled: a collection
    ** inside the allocation still marks this table's entries. */
    size_t bytes = sizeof(Entry) * (size_t)cap;
    Entry *entries = may_collect ? lx_realloc(vm, NULL, 0, bytes)
                                 : lx_realloc_nogc(vm, NULL, 0, bytes);
    for (uint32_t i = 0; i < cap; i++) {
        entries[i].key = NULL;
        entries[i].value = NIL_VAL;
    }
    uint32_t mask = cap - 1;
    for (uint32_t i = 0; i < old_cap; i++) {
        Entry *from = &t->entries[i];
        if (from->key == NULL)
            continue;
        Entry *to = find_slot(entries, mask, from->key);
        *to = *from;
    }
    if (t->entries != NULL)
        LX_FREE_ARRAY(vm, Entry, t->entries, old_cap);
    t->entries = entries;
    t->mask = mask;
    t->count = live;
}

static inline bool needs_growth(const Table *t)
{
    if (t->entries == NULL)
        return true;
    uint64_t cap = (uint64_t)t->mask + 1;
    return ((uint64_t)t->count + 1) * 4 > cap * 3;
}

/* -- Operations ------------------------------------------------------ */

bool tab_get(const Table *t, ObjString *key, Value *out)
{
    const Value *v = tab_lookup(t, key);
    if (v == NULL)
        return false;
    *out = *v;
    return true;
}

bool tab_set(VM *vm, Table *t, ObjString *key, Value value)
{
    LX_ASSERT(key->obj.flags & STR_INTERNED, "INVARIANT(interned-eq): Table keys are interned");
    if (needs_growth(t)) {
        /* gc-safe-alloc: the caller may hold key and value only in C
        ** locals (a fresh string, a fresh native). */
        vm_push_root(vm, obj_val(key));
        vm_push_root(vm, value);
        rehash(vm, t, true);
        vm_pop_root(vm, 2);
    }
    Entry *e = find_slot(t->entries, t->mask, key);
    bool is_new = e->key == NULL;
    if (is_new && e->value == NIL_VAL)
        t->count++;           /* a reused tombstone was already counted */
    e->key = key;
    e->value = value;
    return is_new;
}

bool tab_delete(Table *t, ObjString *key)
{
    if (t->entries == NULL)
        return false;
    Entry *e = find_slot(t->entries, t->mask, key);
    if (e->key == NULL)
        return false;
    e->key = NULL;
    e->value = TRUE_VAL;      /* tombstone: keeps later probes going */
    return true;
}

void tab_add_all(VM *vm, const Table *from, Table *to)
{
    if (from->entries == NULL)
        return;
    for (uint32_t i = 0; i <= from->mask; i++) {
        Entry *e = &from->entries[i];
        if (e->key != NULL)
            tab_set(vm, to, e->key, e->value);
    }
}

/* -- The intern pool ------------------------------------------------- */

ObjString *tab_find_string(const Table *t, const char *chars, uint32_t len, uint32_t hash)
{
    if (t->entries == NULL)
        return NULL;
    uint32_t i = hash & t->mask;
    for (;;) {
        Entry *e = &t->entries[i];
        ObjString *k = e->key;
        if (k == NULL) {
            if (e->value == NIL_VAL)
                return NULL;
        } else if (k->hash == hash && k->len == len &&
                   memcmp(k->chars, chars, len) == 0) {
            return k;
        }
        i = (i + 1) & t->mask;
    }
}

void tab_add_string(VM *vm, Table *t, ObjString *s)
{
    if (needs_growth(t))
        rehash(vm, t, false);
    Entry *e = find_slot(t->entries, t->mask, s);
    if (e->key == NULL && e->value == NIL_VAL)
        t->count++;
    e->key = s;
    e->value = TRUE_VAL;
}

void tab_remove_white(Table *t)
{
    if (t->entries == NULL)
        return;
    for (uint32_t i = 0; i <= t->mask; i++) {
        Entry *e = &t->entries[i];
        if (e->key != NULL && !e->key->obj.marked) {
            e->key = NULL;
            e->value = TRUE_VAL;
        }
    }
}

void tab_mark(VM *vm, Table *t)
{
    if (t->entries == NULL)
        return;
    for (uint32_t i = 0; i <= t->mask; i++) {
        Entry *e = &t->entries[i];
        if (e->key != NULL) {
            gc_mark_obj(vm, &e->key->obj);
            gc_mark_value(vm, e->value);
        }
    }
}
