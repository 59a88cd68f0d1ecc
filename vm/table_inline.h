/* table_inline.h -- the Table lookup, inlinable for hot paths.
**
** A field read, a method lookup and a global-name lookup are each one
** Table probe; the interpreter includes this header to inline that probe
** instead of calling tab_get. It is separate from vm/table.h because it
** needs ObjString's layout (vm/object.h), which itself includes table.h.
*/
#ifndef LX_TABLE_INLINE_H
#define LX_TABLE_INLINE_H

#include "vm/object.h"
#include "vm/table.h"

/* A pointer to key's value, or NULL when key is absent. The pointer is
** valid until the table next changes size (any tab_set may do that). */
static inline Value *tab_lookup(const Table *t, ObjString *key)
{
    Entry *entries = t->entries;
    if (entries == NULL)
        return NULL;
    uint32_t i = key->hash & t->mask;
    for (;;) {
        Entry *e = &entries[i];
        if (e->key == key)
            return &e->value;
        if (e->key == NULL && e->value == NIL_VAL)
            return NULL;
        i = (i + 1) & t->mask;
    }
}

#endif
