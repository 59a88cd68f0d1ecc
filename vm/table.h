/* table.h -- hash tables keyed by interned strings.
**
** Used for instance fields, class methods, module members, the methods of
** built-in types, the global-name index and (as a set) the string intern
** pool. Keys are interned ObjStrings, so a key compares by pointer
** (INVARIANT(interned-eq), vm/object.h). Open addressing with linear
** probing; capacity is a power of two; a removed entry leaves a tombstone
** (key NULL, value TRUE_VAL) so probe chains stay intact.
**
** Lox maps (`{"a": 1}`) are not Tables: they take any key and keep
** insertion order (ObjMap, vm/object.h).
**
** INVARIANT(table-load): count (live + tombstones) <= 3/4 of the capacity,
** so every probe ends at an empty slot. Growth rehashes live entries only
** and so drops the tombstones. Relied on by: every probe loop in table.c.
**
** GC: tab_set may grow the table and so collect; it keeps its key and
** value alive across that itself. vm/table_inline.h has an inlinable
** lookup for the interpreter's hot paths.
*/
#ifndef LX_TABLE_H
#define LX_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "vm/value.h"

typedef struct VM VM;
typedef struct ObjString ObjString;

typedef struct {
    ObjString *key;   /* NULL: empty (value NIL_VAL) or tombstone (TRUE_VAL) */
    Value value;
} Entry;

typedef struct {
    uint32_t count;   /* live entries plus tombstones */
    uint32_t mask;    /* capacity - 1, or 0 when entries == NULL */
    Entry *entries;
} Table;

void tab_init(Table *t);
void tab_free(VM *vm, Table *t);
bool tab_get(const Table *t, ObjString *key, Value *out);
bool tab_set(VM *vm, Table *t, ObjString *key, Value value); /* true if new */
bool tab_delete(Table *t, ObjString *key);
void tab_add_all(VM *vm, const Table *from, Table *to);
/* The interned string with these bytes and hash, if any (the intern pool). */
ObjString *tab_find_string(const Table *t, const char *chars, uint32_t len, uint32_t hash);
/* Add a string that tab_find_string did not find to the intern pool.
** Never collects (growth goes through lx_realloc_nogc), so the new string
** need not be rooted. */
void tab_add_string(VM *vm, Table *t, ObjString *s);
/* Drop entries whose key is unmarked (the intern pool is weak). */
void tab_remove_white(Table *t);
void tab_mark(VM *vm, Table *t);

#endif
