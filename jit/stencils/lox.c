/* lox.c -- stencils for the Lox-specific operations the recorder needs:
** globals and upvalues, truthiness and identity guards, the int32 floored
** modulo, the exact double-to-int conversion, and a constant store.
**
** Written against template.h like the other groups. Some of them walk VM
** structures (the globals array, a closure's upvalues); they include
** vm/object.h for the layouts, which is plain data and compiles as well
** with clang as with the program's compiler.
*/
#include "jit/stencils/template.h"
#include "vm/object.h"

/* -- Globals: CONST is &vm->globals (the array may move), SLOT the byte
** offset of the global in it (a displacement, no index arithmetic) */

JIT_INLINE uint64_t *jit_global(void)
{
    return (uint64_t *)((char *)*(uint64_t **)jit_const64() + JIT_SLOT_OFFSET);
}

JIT_TEMPLATE(load_global, uint64_t *d)
{
    *d = *jit_global();
    return true;
}

JIT_TEMPLATE(store_global, uint64_t a)
{
    *jit_global() = a;
    return true;
}

/* -- Upvalues of the frame's closure (base[0]), OPERAND0 the index ------ */

JIT_INLINE ObjUpvalue *jit_upval(Value *base)
{
    ObjClosure *cl = (ObjClosure *)(uintptr_t)(base[0] & ~LX_TAG_MASK);
    return cl->upvals[(uint32_t)JIT_OPERAND(0)];
}

JIT_TEMPLATE(load_upval, uint64_t *d)
{
    *d = *jit_upval(base)->location;
    return true;
}

JIT_TEMPLATE(store_upval, uint64_t a)
{
    *jit_upval(base)->location = a;
    return true;
}

/* Of a closure the trace made (IR_CULOAD), in a register. */
JIT_TEMPLATE(load_cupval, uint64_t *d, uint64_t a)
{
    ObjClosure *cl = (ObjClosure *)(uintptr_t)(a & ~LX_TAG_MASK);
    *d = *cl->upvals[(uint32_t)JIT_OPERAND(0)]->location;
    return true;
}

/* -- Guards on raw Values --------------------------------------------- */

/* nil and false are adjacent (is_falsey in vm/value.h). */
JIT_TEMPLATE(guard_truthy, uint64_t a)
{
    return a - NIL_VAL >= 2;
}

JIT_TEMPLATE(guard_falsey, uint64_t a)
{
    return a - NIL_VAL < 2;
}

JIT_TEMPLATE(guard_nval, uint64_t a)
{
    return a != jit_const64();
}

JIT_TEMPLATE(not_val, uint64_t *d, uint64_t a)
{
    *d = a - NIL_VAL < 2 ? TRUE_VAL : FALSE_VAL;
    return true;
}

/* base[SLOT] = CONST: a constant a loop writes back to its frame. Written
** by hand (shape raw): shape N names its stencil like its template. */
JIT_STENCIL(store_k)
{
    JIT_FRAME_SLOT = jit_const64();
    JIT_JUMP(_JIT_CONTINUE);
}

/* -- Numbers ---------------------------------------------------------- */

/* The interpreter's int32 `%`: floored, x % -1 is 0; a zero divisor
** exits (the interpreter computes NaN in doubles). */
JIT_TEMPLATE(mod_int, uint64_t *d, uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b, r;
    if (y == 0)
        return false;
    if (y == -1) {
        r = 0;
    } else {
        r = x % y;
        if (r != 0 && (r ^ y) < 0)
            r += y;
    }
    *d = (uint32_t)r;
    return true;
}

/* The double as an int32 when it is one exactly (not -0, not out of
** range), else an exit: lx_number's choice, as a guard. */
JIT_TEMPLATE(num_to_int, uint64_t *d, double a)
{
    if (!(a >= -2147483648.0 && a <= 2147483647.0))
        return false;
    int32_t i = (int32_t)a;
    if ((double)i != a)
        return false;
    if (i == 0 && jit_num_to_bits(a) != 0)
        return false;
    *d = (uint32_t)i;
    return true;
}

/* -- Native calls ----------------------------------------------------- */

/* The helper (exit_call_native in jit/exit.c) rebuilds the interpreter's
** state from the call's snapshot before it calls the native, reading the
** registers from ctx like an exit does: so they are saved there first.
** UNDEF_VAL means the callee is not the one recorded and nothing was
** called: leave through the call's exit, every register intact. */
#define JIT_CALL_NATIVE(reg)                                                  \
    JIT_STENCIL(call_native_##reg)                                            \
    {                                                                         \
        JIT_SAVE_REGS();                                                      \
        uint64_t v_ = _JIT_HELPER(ctx, base, (uint64_t)(uint32_t)JIT_OPERAND(0), 0); \
        JIT_LOAD_REGS();                                                      \
        if (JIT_UNLIKELY(v_ == UNDEF_VAL))                                    \
            JIT_JUMP(_JIT_EXIT);                                              \
        reg = v_;                                                             \
        JIT_JUMP(_JIT_CONTINUE);                                              \
    }
JIT_CALL_NATIVE(r0)
JIT_CALL_NATIVE(r1)
JIT_CALL_NATIVE(r2)
JIT_CALL_NATIVE(r3)

/* -- Fields, methods, list items ------------------------------------- */

/* tab_lookup of vm/table_inline.h, spelled out so that it is always
** inlined (a stencil may not call a function of its own). */
JIT_INLINE Value *jit_lookup(const Table *t, ObjString *key)
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

JIT_INLINE ObjInstance *jit_instance(uint64_t v)
{
    return is_obj_type(v, OBJ_INSTANCE) ? (ObjInstance *)as_obj(v) : NULL;
}

/* -- Fields at the slot the recorder saw them in ---------------------
** INVARIANT(field-hint) (jit/record_int.h): SLOT is the entry's byte
** offset in the instance's entries, OPERAND0 the table's mask then, CONST
** the field's name. The same mask is the same array (never 0 here: a
** table with entries has 4 or more, vm/table.c), and a key sits in one
** entry only, so finding the name in that entry finds the field. A field
** is never removed; if one were, its entry's key would be NULL (a
** tombstone) and the guard would fail. Any other layout exits.
**
** Four forms of each, by what an earlier instruction on the same object
** proved in this iteration (emit_ops.c, field_known): nothing, that it is
** an instance (_i), that its table has this mask too (_k), or that this
** entry holds this field (_e: no guard left). */
JIT_INLINE bool jit_entry_at(const ObjInstance *in, Entry **e)
{
    *e = (Entry *)((char *)in->fields.entries + JIT_SLOT_OFFSET);
    return (*e)->key == (ObjString *)jit_const64();
}

JIT_INLINE bool jit_field_e(uint64_t v, Entry **e)
{
    *e = (Entry *)((char *)((const ObjInstance *)as_obj(v))->fields.entries + JIT_SLOT_OFFSET);
    return true;
}

JIT_INLINE bool jit_field_k(uint64_t v, Entry **e)
{
    return jit_entry_at((const ObjInstance *)as_obj(v), e);
}

JIT_INLINE bool jit_field_i(uint64_t v, Entry **e)
{
    const ObjInstance *in = (const ObjInstance *)as_obj(v);
    return in->fields.mask == (uint32_t)JIT_OPERAND(0) && jit_entry_at(in, e);
}

JIT_INLINE bool jit_field(uint64_t v, Entry **e)
{
    return is_obj_type(v, OBJ_INSTANCE) && jit_field_i(v, e);
}

/* Loads; a store is only to an existing field: adding one may grow the
** table, which allocates, and a trace never allocates (the GC cannot see
** its registers). */
#define JIT_FIELD_OPS(sfx)                                                    \
    JIT_TEMPLATE(get_field##sfx, uint64_t *d, uint64_t a)                    \
    {                                                                         \
        Entry *e;                                                             \
        if (!jit_field##sfx(a, &e))                                           \
            return false;                                                     \
        *d = e->value;                                                        \
        return true;                                                          \
    }                                                                         \
    JIT_TEMPLATE(set_field##sfx, uint64_t a, uint64_t b)                     \
    {                                                                         \
        Entry *e;                                                             \
        if (!jit_field##sfx(a, &e))                                           \
            return false;                                                     \
        e->value = b;                                                         \
        return true;                                                          \
    }
JIT_FIELD_OPS()
JIT_FIELD_OPS(_i)
JIT_FIELD_OPS(_k)
JIT_FIELD_OPS(_e)

/* -- Method checks ---------------------------------------------------
** What INVOKE would call is the closure the trace inlined when the
** receiver's class is the recorded one (its methods are fixed once its
** `class` statement ran: jit/record_call.c) and no field shadows the
** method: guard_class, then check_nofield on the same register (or that
** alone when an earlier MCHECK guarded the same object's class: an
** instance's class never changes, jit/emit_ops.c). */
JIT_TEMPLATE(guard_class_i, uint64_t a)
{
    return (uint64_t)(uintptr_t)((ObjInstance *)as_obj(a))->klass == jit_const64();
}

JIT_TEMPLATE(guard_class, uint64_t a)
{
    return is_obj_type(a, OBJ_INSTANCE) && guard_class_i(ctx, base, a);
}

/* The name (CONST, its hash OPERAND0) is absent when the entry it would
** start probing at is empty, the usual case; when another key or a
** tombstone sits there, the probe goes on. Written in assembly to need
** only the three scratch registers (rax r10 r11; every other one carries
** a stencil argument): clang's loop wants five and would save them on
** every path, which is what made this check slow. The probe is
** tab_lookup's: from the start entry on, wrapping to entry 0 past the
** last, until the name (present) or an entry that is empty (absent; one
** exists by INVARIANT(table-load)). An entry whose key is NULL is empty
** or a tombstone, whose values (nil, true) differ in bit 1. */
_Static_assert(sizeof(Entry) == 16 && offsetof(Entry, value) == 8, "check_nofield's entries");
_Static_assert((NIL_VAL & 2) == 0 && (TRUE_VAL & 2) == 2,
               "check_nofield tells nil from true by bit 1");
_Static_assert(~LX_TAG_MASK == 0xffffffffffffull, "check_nofield's as_obj");
JIT_TEMPLATE(check_nofield, uint64_t a)
{
    __asm__ goto(
        "movabsq $0xffffffffffff, %%rax\n\t"
        "andq %[a], %%rax\n\t"                     /* the instance */
        "movq %c[ent](%%rax), %%r10\n\t"
        "testq %%r10, %%r10\n\t"
        "jz %l[absent]\n\t"
        "movl %c[mask](%%rax), %%eax\n\t"
        "movl %%eax, %%r11d\n\t"
        "andl $_JIT_OPERAND0, %%r11d\n\t"
        "shlq $4, %%r11\n\t"
        "addq %%r10, %%r11\n\t"                    /* the start entry */
        "cmpq $0, (%%r11)\n\t"
        "jne 1f\n\t"
        "testb $2, 8(%%r11)\n\t"
        "jz %l[absent]\n"
        "1:\n\t"
        "shlq $4, %%rax\n\t"
        "addq %%r10, %%rax\n\t"                    /* the last entry */
        "movabsq $_JIT_CONST, %%r10\n"
        "2:\n\t"
        "cmpq %%r10, (%%r11)\n\t"
        "je %l[present]\n\t"
        "cmpq $0, (%%r11)\n\t"
        "jne 3f\n\t"
        "testb $2, 8(%%r11)\n\t"
        "jz %l[absent]\n"
        "3:\n\t"
        "addq $16, %%r11\n\t"
        "cmpq %%rax, %%r11\n\t"
        "jbe 2b\n\t"
        "movabsq $0xffffffffffff, %%r11\n\t"
        "andq %[a], %%r11\n\t"
        "movq %c[ent](%%r11), %%r11\n\t"
        "jmp 2b"
        :
        : [a] "r"(a), [ent] "i"(offsetof(ObjInstance, fields.entries)),
          [mask] "i"(offsetof(ObjInstance, fields.mask))
        : "rax", "r10", "r11", "cc", "memory"
        : present, absent);
    __builtin_unreachable();
present:
    return false;
absent:
    return true;
}

JIT_TEMPLATE(get_item, uint64_t *d, uint64_t a, uint64_t b)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    ObjList *l = (ObjList *)as_obj(a);
    if ((uint32_t)b >= l->count)
        return false;
    *d = l->items[(uint32_t)b];
    return true;
}

JIT_TEMPLATE(list_len, uint64_t *d, uint64_t a)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    uint32_t n = ((ObjList *)as_obj(a))->count;
    if (n > INT32_MAX)
        return false;
    *d = n;
    return true;
}

JIT_TEMPLATE(push_item, uint64_t a, uint64_t b)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    ObjList *l = (ObjList *)as_obj(a);
    if (l->count >= l->capacity)
        return false;
    l->items[l->count++] = b;
    return true;
}

JIT_TEMPLATE(set_item, uint64_t a, uint64_t b, uint64_t c)
{
    if (!is_obj_type(a, OBJ_LIST))
        return false;
    ObjList *l = (ObjList *)as_obj(a);
    if ((uint32_t)b >= l->count)
        return false;
    l->items[(uint32_t)b] = c;
    return true;
}

/* A field store that may add the field: tab_set of vm/table.c without its
** growth. A new key needs a table that has entries and stays within
** INVARIANT(table-load) with one more (needs_growth there); otherwise the
** trace exits and the interpreter grows the table. Like tab_set, a new
** key takes the first tombstone on its probe path, else the empty slot
** that ends it, and only the latter counts. */
JIT_TEMPLATE(add_field, uint64_t a, uint64_t b)
{
    ObjInstance *in = jit_instance(a);
    if (in == NULL)
        return false;
    Table *t = &in->fields;
    ObjString *key = (ObjString *)jit_const64();
    Value *p = jit_lookup(t, key);
    if (p != NULL) {
        *p = b;
        return true;
    }
    if (t->entries == NULL || ((uint64_t)t->count + 1) * 4 > ((uint64_t)t->mask + 1) * 3)
        return false;
    uint32_t i = key->hash & t->mask;
    Entry *tomb = NULL, *e;
    for (;;) {
        e = &t->entries[i];
        if (e->key == NULL) {
            if (e->value == NIL_VAL)
                break;
            if (tomb == NULL)
                tomb = e;
        }
        i = (i + 1) & t->mask;
    }
    if (tomb != NULL)
        e = tomb;
    else
        t->count++;
    e->key = key;
    e->value = b;
    return true;
}

JIT_TEMPLATE(add_field_int, uint64_t a, uint64_t b)
{
    return add_field(ctx, base, a, jit_box_int(b));
}

/* -- Equality --------------------------------------------------------- */

/* Lox == on two raw Values, as the interpreter's lx_equal: the same bits
** are equal except the canonical NaN; numbers compare by value across
** encodings; two distinct objects can only be equal strings (same length,
** not both interned: INVARIANT(interned-eq)) or ffi pointers, which
** HELPER (value_equal) decides out of line. */
JIT_INLINE bool jit_equal(JitCtx *ctx, Value *base, uint64_t a, uint64_t b)
{
    if (a == b)
        return a != LX_CANON_NAN;
    if (is_number(a) && is_number(b))
        return as_num(a) == as_num(b);
    if (!is_obj(a) || !is_obj(b))
        return false;
    Obj *x = as_obj(a), *y = as_obj(b);
    if (x->type != y->type)
        return false;
    if (x->type == OBJ_STRING) {
        if (((ObjString *)x)->len != ((ObjString *)y)->len || (x->flags & y->flags & STR_INTERNED))
            return false;
    } else if (x->type != OBJ_POINTER) {
        return false;
    }
    return _JIT_HELPER(ctx, base, a, b) != 0;
}

JIT_TEMPLATE(guard_eq, uint64_t a, uint64_t b)
{
    return jit_equal(ctx, base, a, b);
}

JIT_TEMPLATE(guard_ne, uint64_t a, uint64_t b)
{
    return !jit_equal(ctx, base, a, b);
}

/* -- for-in over maps, strings and ranges ----------------------------- */

JIT_TEMPLATE(map_version, uint64_t *d, uint64_t a)
{
    if (!is_obj_type(a, OBJ_MAP))
        return false;
    *d = ((ObjMap *)as_obj(a))->version;
    return true;
}

/* map_next of vm/map.c: removed entries have the key UNDEF_VAL. */
JIT_TEMPLATE(map_skip, uint64_t *d, uint64_t a, uint64_t b)
{
    ObjMap *m = (ObjMap *)as_obj(a);
    uint32_t pos = (uint32_t)b;
    while (pos < m->nentries && m->entries[pos].key == UNDEF_VAL)
        pos++;
    *d = pos < m->nentries ? pos : 0xffffffffu;
    return true;
}

JIT_TEMPLATE(map_key, uint64_t *d, uint64_t a, uint64_t b)
{
    *d = ((ObjMap *)as_obj(a))->entries[(uint32_t)b].key;
    return true;
}

JIT_TEMPLATE(str_len, uint64_t *d, uint64_t a)
{
    if (!is_obj_type(a, OBJ_STRING))
        return false;
    uint32_t n = ((ObjString *)as_obj(a))->len;
    if (n > INT32_MAX)
        return false;
    *d = n;
    return true;
}

JIT_TEMPLATE(str_byte, uint64_t *d, uint64_t a, uint64_t b)
{
    uint8_t c = (uint8_t)((ObjString *)as_obj(a))->chars[(uint32_t)b];
    *d = obj_val(((Obj **)jit_const64())[c]);
    return true;
}

/* find_slot of vm/map.c for an interned string key: its hash is cached,
** and another interned string is another key (INVARIANT(interned-eq)); a
** string that is not interned stored with the same hash might have equal
** bytes (key_eq compares those): that case exits rather than compare
** bytes here. */
JIT_TEMPLATE(map_find, uint64_t *d, uint64_t a, uint64_t b)
{
    if (!is_obj_type(a, OBJ_MAP) || !is_obj_type(b, OBJ_STRING))
        return false;
    ObjString *k = (ObjString *)as_obj(b);
    if (!(k->obj.flags & STR_INTERNED))
        return false;
    ObjMap *m = (ObjMap *)as_obj(a);
    *d = 0;
    if (m->index_cap == 0)
        return true;
    uint32_t mask = m->index_cap - 1, hash = k->hash;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
        int32_t pos = m->index[i];
        if (pos == -1)
            return true;
        if (pos < 0)
            continue;
        MapEntry *e = &m->entries[pos];
        if (e->hash != hash)
            continue;
        if (e->key == b) {
            *d = (uint64_t)(uintptr_t)e;
            return true;
        }
        if (is_obj_type(e->key, OBJ_STRING) && !(as_obj(e->key)->flags & STR_INTERNED))
            return false;
    }
}

JIT_TEMPLATE(map_value, uint64_t *d, uint64_t a)
{
    *d = ((MapEntry *)(uintptr_t)a)->value;
    return true;
}

JIT_TEMPLATE(map_set_value, uint64_t a, uint64_t b)
{
    ((MapEntry *)(uintptr_t)a)->value = b;
    return true;
}

JIT_TEMPLATE(str_code, uint64_t *d, uint64_t a, uint64_t b)
{
    *d = (uint8_t)((ObjString *)as_obj(a))->chars[(uint32_t)b];
    return true;
}

JIT_TEMPLATE(range_field, double *d, uint64_t a)
{
    if (!is_obj_type(a, OBJ_RANGE))
        return false;
    __builtin_memcpy(d, (char *)as_obj(a) + JIT_OPERAND(0), sizeof *d);
    return true;
}

/* -- Bound methods ---------------------------------------------------- */

JIT_TEMPLATE(bound_recv, uint64_t *d, uint64_t a, uint64_t b)
{
    if (!is_obj_type(a, OBJ_BOUND))
        return false;
    ObjBound *bm = (ObjBound *)as_obj(a);
    if (obj_val(bm->method) != b)
        return false;
    *d = bm->receiver;
    return true;
}

/* -- Allocation ------------------------------------------------------- */

/* A call to C that may have to rebuild the interpreter's state (like
** call_native: the registers go to ctx first), with one register operand
** and no result: ncall_fields in jit/ncall.c. */
#define JIT_ALLOC_FIELDS(reg)                                                 \
    JIT_STENCIL(alloc_fields_##reg)                                           \
    {                                                                         \
        JIT_SAVE_REGS();                                                      \
        uint64_t v_ = _JIT_HELPER(ctx, base, (uint64_t)(uint32_t)JIT_OPERAND(0), reg); \
        JIT_LOAD_REGS();                                                      \
        if (JIT_UNLIKELY(v_ == UNDEF_VAL))                                    \
            JIT_JUMP(_JIT_EXIT);                                              \
        JIT_JUMP(_JIT_CONTINUE);                                              \
    }
JIT_ALLOC_FIELDS(r0)
JIT_ALLOC_FIELDS(r1)
JIT_ALLOC_FIELDS(r2)
JIT_ALLOC_FIELDS(r3)

JIT_STENCILS_LOX(JIT_INSTANTIATE)
