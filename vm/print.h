/* print.h -- the text of values: number formatting, print and str().
**
** num_format implements LANGUAGE.md "Numbers": nan, inf, -inf; integral
** values below 1e16 in magnitude as plain integers (-0 as "-0"); anything
** else as %.*g with the smallest precision (1..17) that reads back exactly.
** Containers print as [1, "a"] and {"k": v}, strings inside them quoted and
** escaped, and a container met again while it is being printed as [...] or
** {...}.
*/
#ifndef LX_PRINT_H
#define LX_PRINT_H

#include <stdio.h>
#include "vm/vm.h"

#define LX_NUM_BUF 32

int num_format(double d, char buf[LX_NUM_BUF]); /* returns the length */
void value_print(VM *vm, FILE *out, Value v);    /* what `print` shows */
ObjString *value_to_str(VM *vm, Value v);        /* str(v): the same text */

#endif
