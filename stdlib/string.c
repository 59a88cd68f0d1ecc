/* string.c -- methods of strings (LANGUAGE.md section 2.6).
**
** Strings are immutable byte sequences, so every method works on bytes:
** upper() and lower() change ASCII letters only, trim() removes ASCII
** whitespace, and indices count bytes. The receiver is args[-1]. A method
** that would return its receiver unchanged returns the receiver itself.
**
** Choices the language page leaves open:
**   - replace("", b) inserts b before every byte and at the end, as Python
**     and JavaScript do: "ab".replace("", "-") is "-a-b-".
**   - find("") is 0; contains(""), startsWith("") and endsWith("") are
**     true.
**   - A result longer than a string can be (2^32 - 1 bytes) is the runtime
**     error `Out of memory.`, checked before anything is allocated.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdint.h>
#include <string.h>

#include "stdlib/lib.h"

#define RECV(args) AS_STRING((args)[-1])

/* -- Helpers ----------------------------------------------------------- */

static ObjString *string_arg(VM *vm, Value v, const char *method)
{
    if (!is_obj_type(v, OBJ_STRING))
        vm_error(vm, "%s() expects a string.", method);
    return AS_STRING(v);
}

/* The position of the first `needle` in hay at or after `from`, or -1. */
static int64_t find_from(const ObjString *hay, uint32_t from, const ObjString *needle)
{
    if (needle->len > hay->len - from)
        return -1;
    const char *p = memmem(hay->chars + from, hay->len - from, needle->chars, needle->len);
    return p == NULL ? -1 : p - hay->chars;
}

static void check_size(VM *vm, uint64_t len)
{
    if (len > UINT32_MAX)
        vm_error(vm, "Out of memory.");
}

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* -- Case and whitespace ----------------------------------------------- */

/* Adds delta to every byte in [from, from + 25]: from 'a' with delta -32
** makes upper case, from 'A' with +32 lower case. Returns s itself when no
** byte is in the range. */
static Value change_case(VM *vm, ObjString *s, char from, int delta)
{
    uint32_t i = 0;
    while (i < s->len && (unsigned char)(s->chars[i] - from) > 25)
        i++;
    if (i == s->len)
        return obj_val(s);
    ObjString *r = str_alloc(vm, s->len);
    for (uint32_t j = 0; j < s->len; j++) {
        char c = s->chars[j];
        r->chars[j] = (unsigned char)(c - from) <= 25 ? (char)(c + delta) : c;
    }
    return obj_val(str_finish(vm, r));
}

static Value strm_upper(VM *vm, int argc, Value *args)
{
    (void)argc;
    return change_case(vm, RECV(args), 'a', 'A' - 'a');
}

static Value strm_lower(VM *vm, int argc, Value *args)
{
    (void)argc;
    return change_case(vm, RECV(args), 'A', 'a' - 'A');
}

static Value strm_trim(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = RECV(args);
    uint32_t a = 0, b = s->len;
    while (a < b && is_ascii_space(s->chars[a]))
        a++;
    while (b > a && is_ascii_space(s->chars[b - 1]))
        b--;
    if (a == 0 && b == s->len)
        return obj_val(s);
    return obj_val(str_copy(vm, s->chars + a, b - a));
}

/* -- Searching --------------------------------------------------------- */

static Value strm_find(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *needle = string_arg(vm, args[0], "find");
    return lx_number((double)find_from(RECV(args), 0, needle));
}

static Value strm_contains(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *needle = string_arg(vm, args[0], "contains");
    return bool_val(find_from(RECV(args), 0, needle) >= 0);
}

static Value strm_starts_with(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = RECV(args), *p = string_arg(vm, args[0], "startsWith");
    return bool_val(p->len <= s->len && memcmp(s->chars, p->chars, p->len) == 0);
}

static Value strm_ends_with(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = RECV(args), *p = string_arg(vm, args[0], "endsWith");
    return bool_val(p->len <= s->len &&
                    memcmp(s->chars + s->len - p->len, p->chars, p->len) == 0);
}

/* -- Splitting and replacing ------------------------------------------- */

static Value strm_split(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = RECV(args), *sep = string_arg(vm, args[0], "split");
    if (sep->len == 0)
        vm_error(vm, "split() separator must not be empty.");
    /* Count first so the list is allocated once. */
    uint32_t parts = 1;
    for (int64_t at = find_from(s, 0, sep); at >= 0;
         at = find_from(s, (uint32_t)at + sep->len, sep))
        parts++;
    ObjList *out = list_new(vm, parts);
    vm_push_root(vm, obj_val(out));
    uint32_t start = 0;
    for (int64_t at = find_from(s, 0, sep); at >= 0;
         at = find_from(s, start, sep)) {
        ObjString *piece = str_copy(vm, s->chars + start, (uint32_t)at - start);
        list_push(vm, out, obj_val(piece));
        start = (uint32_t)at + sep->len;
    }
    list_push(vm, out, obj_val(str_copy(vm, s->chars + start, s->len - start)));
    vm_pop_root(vm, 1);
    return obj_val(out);
}

static Value strm_replace(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = RECV(args);
    ObjString *from = string_arg(vm, args[0], "replace");
    ObjString *to = string_arg(vm, args[1], "replace");
    if (from->len == 0) {
        /* Insert `to` at each of the len + 1 positions between bytes. */
        uint64_t size = (uint64_t)s->len + ((uint64_t)s->len + 1) * to->len;
        check_size(vm, size);
        ObjString *r = str_alloc(vm, (size_t)size);
        char *w = r->chars;
        for (uint32_t i = 0; i <= s->len; i++) {
            memcpy(w, to->chars, to->len);
            w += to->len;
            if (i < s->len)
                *w++ = s->chars[i];
        }
        return obj_val(str_finish(vm, r));
    }
    uint64_t count = 0;
    for (int64_t at = find_from(s, 0, from); at >= 0;
         at = find_from(s, (uint32_t)at + from->len, from))
        count++;
    if (count == 0)
        return obj_val(s);
    uint64_t size = s->len - count * from->len + count * to->len;
    check_size(vm, size);
    ObjString *r = str_alloc(vm, (size_t)size);
    char *w = r->chars;
    uint32_t start = 0;
    for (int64_t at = find_from(s, 0, from); at >= 0;
         at = find_from(s, start, from)) {
        memcpy(w, s->chars + start, (uint32_t)at - start);
        w += (uint32_t)at - start;
        memcpy(w, to->chars, to->len);
        w += to->len;
        start = (uint32_t)at + from->len;
    }
    memcpy(w, s->chars + start, s->len - start);
    return obj_val(str_finish(vm, r));
}

/* -- Bytes ------------------------------------------------------------- */

static Value strm_slice(VM *vm, int argc, Value *args)
{
    ObjString *s = RECV(args);
    uint32_t a, b;
    lib_slice_bounds(vm, argc, args, s->len, &a, &b);
    if (a == 0 && b == s->len)
        return obj_val(s);
    return obj_val(str_copy(vm, s->chars + a, b - a));
}

static Value strm_repeat(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = RECV(args);
    double n;
    if (!lib_integer(args[0], &n) || n < 0)
        vm_error(vm, "repeat() expects a non-negative integer.");
    if (n == 1)
        return obj_val(s);
    if (s->len == 0 || n == 0)
        return obj_val(str_copy(vm, "", 0));
    /* n may be far beyond 2^64; compare in doubles before multiplying. */
    if (n > (double)UINT32_MAX)
        vm_error(vm, "Out of memory.");
    uint64_t size = (uint64_t)s->len * (uint64_t)n;
    check_size(vm, size);
    ObjString *r = str_alloc(vm, (size_t)size);
    if (s->len == 1) {
        memset(r->chars, s->chars[0], (size_t)size);
    } else {
        /* Doubling copies: log2(n) memcpy calls instead of n. */
        memcpy(r->chars, s->chars, s->len);
        uint64_t done = s->len;
        while (done < size) {
            uint64_t chunk = done <= size - done ? done : size - done;
            memcpy(r->chars + done, r->chars, (size_t)chunk);
            done += chunk;
        }
    }
    return obj_val(str_finish(vm, r));
}

static Value strm_byte(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = RECV(args);
    uint32_t i = lib_index(vm, args[0], s->len);
    return int_val((unsigned char)s->chars[i]);
}

/* -- Registration ------------------------------------------------------ */

static const LibFn string_methods[] = {
    {"upper",      strm_upper,       0, 0, NULL},
    {"lower",      strm_lower,       0, 0, NULL},
    {"trim",       strm_trim,        0, 0, NULL},
    {"split",      strm_split,       1, 1, NULL},
    {"find",       strm_find,        1, 1, NULL},
    {"contains",   strm_contains,    1, 1, NULL},
    {"startsWith", strm_starts_with, 1, 1, NULL},
    {"endsWith",   strm_ends_with,   1, 1, NULL},
    {"replace",    strm_replace,     2, 2, NULL},
    {"slice",      strm_slice,       1, 2, NULL},
    {"repeat",     strm_repeat,      1, 1, NULL},
    {"byte",       strm_byte,        1, 1, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_string_open(VM *vm)
{
    lib_register_methods(vm, &vm->string_methods, string_methods);
}
