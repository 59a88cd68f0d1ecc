/* print.h -- the text of values: number formatting, print and str().
**
** num_format implements LANGUAGE.md "Numbers": nan, inf, -inf; integral
** values below 1e16 in magnitude as plain integers (-0 as "-0"); anything
** else as %.*g with the smallest precision (1..17) that reads back exactly.
** Containers print as [1, "a"] and {"k": v}, strings inside them quoted and
** escaped, and a container met again while it is being printed as [...] or
** {...}.
**
** Escapes inside containers: \n \t \r \0 \" \\, and any other byte below
** 0x20 as \xhh with two lowercase hex digits ("\x1b"). Bytes from 0x7f up
** are written as they are.
**
** Nesting depth is unlimited: containers are walked with an explicit
** stack, never C recursion, so a list nested a million deep prints.
** The walk itself allocates nothing from the GC heap, so it cannot
** collect; only value_to_str's final string can.
**
** num_format uses snprintf/strtod, which follow LC_NUMERIC: the program
** must keep the "C" numeric locale.
*/
#ifndef LX_PRINT_H
#define LX_PRINT_H

#include <stdio.h>
#include <string.h>
#include "vm/vm.h"

#define LX_NUM_BUF 32

int num_format(double d, char buf[LX_NUM_BUF]); /* returns the length */
void value_print(VM *vm, FILE *out, Value v);    /* what `print` shows */
ObjString *value_to_str(VM *vm, Value v);        /* str(v): the same text */
/* value_to_str of a string or a number without a collection (str_try_copy);
** NULL for other values or where it would collect. */
ObjString *value_try_str(VM *vm, Value v);

/* Set in Obj.flags of a list or map while print.c is writing it: how a
** self-containing container is recognized (in O(1), at any depth). Clear
** whenever no print is under way. */
#define LX_FLAG_PRINTING 0x80

/* -- StrBuf: building a string of unknown length ------------------------
** A growable byte buffer outside the GC heap (malloc), for code that
** builds text piece by piece (str, join, the REPL) and wants one string
** allocation at the end. Short texts stay in the inline array. A StrBuf
** must not be copied or moved once used (data may point into itself).
** Out of memory is raised with vm_error; the buffer is then freed.
**
**     StrBuf b;
**     sb_init(&b);
**     sb_add(vm, &b, "x = ", 4);
**     sb_add_value(vm, &b, v, false);
**     ObjString *s = sb_finish(vm, &b);   // b is freed
*/
typedef struct {
    char *data;
    size_t len, cap;
    void *printer;    /* private: the container walk under way, if any */
    char small[120];
} StrBuf;

void sb_init(StrBuf *b);
void sb_grow(VM *vm, StrBuf *b, size_t need); /* room for need more bytes */
/* Append str(v)'s text; with quoted, a string (at the top too) is written
** quoted and escaped as inside a container. */
void sb_add_value(VM *vm, StrBuf *b, Value v, bool quoted);
ObjString *sb_finish(VM *vm, StrBuf *b);       /* the text as a string; frees b */
void sb_free(StrBuf *b);

static inline void sb_add(VM *vm, StrBuf *b, const char *s, size_t n)
{
    if (b->cap - b->len < n)
        sb_grow(vm, b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static inline void sb_add_char(VM *vm, StrBuf *b, char c)
{
    if (b->len == b->cap)
        sb_grow(vm, b, 1);
    b->data[b->len++] = c;
}

#endif
