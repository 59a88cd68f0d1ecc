/* list.c -- methods of lists (LANGUAGE.md section 2.6).
**
** The receiver is args[-1]. Mutating methods (push insert sort reverse)
** return nil; pop() and remove(i) return the element removed. Indices
** follow the indexing operator: `Index must be an integer.`,
** `Index out of range.`
**
** Choices the language page leaves open:
**   - join() without a separator joins with "".
**   - sort() accepts a list of only numbers or only strings; NaN sorts
**     after every other number (so the order is total and the sort
**     stable even with NaNs).
**   - sort(cmp) sorts a snapshot of the elements taken when sort begins
**     and then replaces the list's contents with it: whatever the
**     comparator does to the list meanwhile is lost, and nothing it does
**     can make the sort read out of bounds. A comparator result of NaN
**     counts as zero (equal).
*/
#include <math.h>
#include <string.h>

#include "stdlib/lib.h"
#include "vm/print.h"

#define RECV(args) AS_LIST((args)[-1])

/* -- Adding and removing ----------------------------------------------- */

static Value listm_push(VM *vm, int argc, Value *args)
{
    (void)argc;
    list_push(vm, RECV(args), args[0]);
    return NIL_VAL;
}

static Value listm_pop(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjList *l = RECV(args);
    if (l->count == 0)
        vm_error(vm, "Index out of range.");
    return l->items[--l->count];
}

static Value listm_insert(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjList *l = RECV(args);
    uint32_t at = lib_position(vm, args[0], l->count);
    list_insert(vm, l, at, args[1]);
    return NIL_VAL;
}

static Value listm_remove(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjList *l = RECV(args);
    return list_remove(l, lib_index(vm, args[0], l->count));
}

/* -- Searching --------------------------------------------------------- */

static int64_t index_of(const ObjList *l, Value v)
{
    for (uint32_t i = 0; i < l->count; i++)
        if (value_equal(l->items[i], v))
            return i;
    return -1;
}

static Value listm_index_of(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc;
    return lx_number((double)index_of(RECV(args), args[0]));
}

static Value listm_contains(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc;
    return bool_val(index_of(RECV(args), args[0]) >= 0);
}

/* -- Copies ------------------------------------------------------------ */

static ObjList *copy_range(VM *vm, ObjList *l, uint32_t a, uint32_t b)
{
    ObjList *out = list_new(vm, b - a);
    if (b > a)
        memcpy(out->items, l->items + a, sizeof(Value) * (b - a));
    out->count = b - a;
    return out;
}

static Value listm_slice(VM *vm, int argc, Value *args)
{
    ObjList *l = RECV(args);
    uint32_t a, b;
    lib_slice_bounds(vm, argc, args, l->count, &a, &b);
    return obj_val(copy_range(vm, l, a, b));
}

static Value listm_copy(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjList *l = RECV(args);
    return obj_val(copy_range(vm, l, 0, l->count));
}

static Value listm_reverse(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc;
    ObjList *l = RECV(args);
    for (uint32_t i = 0, j = l->count; i + 1 < j; i++, j--) {
        Value t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
    return NIL_VAL;
}

/* -- join() ------------------------------------------------------------ */

/* Concatenate parts[0..n) (all strings) with sep between them. */
static ObjString *concat_parts(VM *vm, const Value *parts, uint32_t n, ObjString *sep)
{
    uint64_t size = n > 0 ? (uint64_t)sep->len * (n - 1) : 0;
    for (uint32_t i = 0; i < n; i++)
        size += AS_STRING(parts[i])->len;
    if (size > UINT32_MAX)
        vm_error(vm, "Out of memory.");
    /* parts and sep stay reachable through the caller's roots, and the
    ** collector does not move objects, so the pointers survive this. */
    ObjString *r = str_alloc(vm, (size_t)size);
    char *w = r->chars;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0) {
            memcpy(w, sep->chars, sep->len);
            w += sep->len;
        }
        ObjString *p = AS_STRING(parts[i]);
        memcpy(w, p->chars, p->len);
        w += p->len;
    }
    return str_finish(vm, r);
}

static Value listm_join(VM *vm, int argc, Value *args)
{
    ObjList *l = RECV(args);
    ObjString *sep;
    if (argc > 0) {
        if (!is_obj_type(args[0], OBJ_STRING))
            vm_error(vm, "join() expects a string.");
        sep = AS_STRING(args[0]);
    } else {
        sep = str_copy(vm, "", 0);
    }
    vm_push_root(vm, obj_val(sep));
    uint32_t n = l->count;
    bool all_strings = true;
    for (uint32_t i = 0; i < n && all_strings; i++)
        all_strings = is_obj_type(l->items[i], OBJ_STRING);
    ObjString *r;
    if (all_strings) {
        r = concat_parts(vm, l->items, n, sep);
    } else {
        /* str() of each element, kept in a rooted list; str() runs no Lox
        ** code, so l cannot change meanwhile. */
        ObjList *parts = list_new(vm, n);
        vm_push_root(vm, obj_val(parts));
        for (uint32_t i = 0; i < n; i++) {
            Value v = l->items[i];
            if (!is_obj_type(v, OBJ_STRING))
                v = obj_val(value_to_str(vm, v));
            parts->items[parts->count++] = v;
        }
        r = concat_parts(vm, parts->items, n, sep);
        vm_pop_root(vm, 1);
    }
    vm_pop_root(vm, 1);
    return obj_val(r);
}

/* -- sort() ------------------------------------------------------------ */

/* A stable merge sort: binary insertion sort on short runs, then
** bottom-up merging between two buffers. Both buffers are the items of
** rooted ObjLists whose every slot holds a valid Value, so the collector
** sees them and a comparator that raises (vm_error longjmps) leaks
** nothing. */

typedef enum { SORT_NUMBERS, SORT_STRINGS, SORT_CMP } SortKind;

typedef struct {
    VM *vm;
    SortKind kind;
    Value cmp;
} SortCtx;

#define SORT_RUN 16

/* True when a must come after b. */
static bool sort_after(SortCtx *c, Value a, Value b)
{
    switch (c->kind) {
    case SORT_NUMBERS: {
        if (is_int(a) && is_int(b))
            return as_int(a) > as_int(b);
        double x = as_num(a), y = as_num(b);
        return x > y || (isnan(x) && !isnan(y));
    }
    case SORT_STRINGS: {
        ObjString *x = AS_STRING(a), *y = AS_STRING(b);
        uint32_t n = x->len < y->len ? x->len : y->len;
        int d = memcmp(x->chars, y->chars, n);
        return d > 0 || (d == 0 && x->len > y->len);
    }
    case SORT_CMP: {
        Value argv[2] = {a, b};
        Value r = vm_call(c->vm, c->cmp, 2, argv);
        if (!is_number(r))
            vm_error(c->vm, "sort() comparator must return a number.");
        return as_num(r) > 0;
    }
    }
    return false;
}

static void insertion_sort(SortCtx *c, Value *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        Value x = a[i];
        /* The first position whose element comes after x. */
        uint32_t lo = 0, hi = i;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (sort_after(c, a[mid], x))
                hi = mid;
            else
                lo = mid + 1;
        }
        memmove(a + lo + 1, a + lo, sizeof(Value) * (i - lo));
        a[lo] = x;
    }
}

static void merge(SortCtx *c, const Value *src, Value *dst, uint32_t lo, uint32_t mid,
                  uint32_t hi)
{
    if (mid >= hi || !sort_after(c, src[mid - 1], src[mid])) {
        /* One run, or two runs already in order. */
        memcpy(dst + lo, src + lo, sizeof(Value) * (hi - lo));
        return;
    }
    uint32_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        dst[k++] = sort_after(c, src[i], src[j]) ? src[j++] : src[i++];
    memcpy(dst + k, src + i, sizeof(Value) * (mid - i));
    k += mid - i;
    memcpy(dst + k, src + j, sizeof(Value) * (hi - j));
}

/* Sorts a[0..n) using b as scratch; returns the buffer holding the result. */
static Value *merge_sort(SortCtx *c, Value *a, Value *b, uint32_t n)
{
    for (uint32_t lo = 0; lo < n; lo += SORT_RUN)
        insertion_sort(c, a + lo, n - lo < SORT_RUN ? n - lo : SORT_RUN);
    for (uint64_t width = SORT_RUN; width < n; width *= 2) {
        for (uint64_t lo = 0; lo < n; lo += 2 * width) {
            uint64_t mid = lo + width < n ? lo + width : n;
            uint64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge(c, a, b, (uint32_t)lo, (uint32_t)mid, (uint32_t)hi);
        }
        Value *t = a;
        a = b;
        b = t;
    }
    return a;
}

static bool is_callable_fn(Value v)
{
    return is_obj_type(v, OBJ_CLOSURE) || is_obj_type(v, OBJ_NATIVE) ||
           is_obj_type(v, OBJ_BOUND);
}

static Value listm_sort(VM *vm, int argc, Value *args)
{
    /* vm_call may move the stack: take everything out of args now. */
    ObjList *l = RECV(args);
    SortCtx c = {vm, SORT_CMP, NIL_VAL};
    if (argc > 0) {
        if (!is_callable_fn(args[0]))
            vm_error(vm, "sort() expects a function.");
        c.cmp = args[0];
    } else if (l->count > 0) {
        c.kind = is_number(l->items[0]) ? SORT_NUMBERS : SORT_STRINGS;
        for (uint32_t i = 0; i < l->count; i++) {
            Value v = l->items[i];
            if (c.kind == SORT_NUMBERS ? !is_number(v) : !is_obj_type(v, OBJ_STRING))
                vm_error(vm, "sort() expects a list of numbers or strings.");
        }
    }
    uint32_t n = l->count;
    if (n < 2)
        return NIL_VAL;
    ObjList *a = copy_range(vm, l, 0, n);
    vm_push_root(vm, obj_val(a));
    ObjList *b = copy_range(vm, l, 0, n);
    vm_push_root(vm, obj_val(b));
    Value *sorted = merge_sort(&c, a->items, b->items, n);
    ObjList *from = sorted == a->items ? a : b;
    /* Hand the sorted array to l and l's old array to the garbage list;
    ** the collector frees each array with the list that then owns it. */
    Value *items = l->items;
    uint32_t count = l->count, cap = l->capacity;
    l->items = from->items;
    l->count = from->count;
    l->capacity = from->capacity;
    from->items = items;
    from->count = count;
    from->capacity = cap;
    vm_pop_root(vm, 2);
    return NIL_VAL;
}

/* -- Registration ------------------------------------------------------ */

static const LibFn list_methods[] = {
    {"push",     listm_push,     1, 1, NULL},
    {"pop",      listm_pop,      0, 0, NULL},
    {"insert",   listm_insert,   2, 2, NULL},
    {"remove",   listm_remove,   1, 1, NULL},
    {"indexOf",  listm_index_of, 1, 1, NULL},
    {"contains", listm_contains, 1, 1, NULL},
    {"slice",    listm_slice,    1, 2, NULL},
    {"join",     listm_join,     0, 1, NULL},
    {"sort",     listm_sort,     0, 1, NULL},
    {"reverse",  listm_reverse,  0, 0, NULL},
    {"copy",     listm_copy,     0, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_list_open(VM *vm)
{
    lib_register_methods(vm, &vm->list_methods, list_methods);
}
