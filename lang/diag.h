/* diag.h -- compile-time diagnostics.
**
** Every compile error goes through diag_error_at / diag_error, which record
** it; diag_flush prints them sorted by source position in clox's format:
**   [line N] Error at 'TOKEN': MESSAGE
**   [line N] Error at end: MESSAGE
**   [line N] Error: MESSAGE              (scanner errors)
** with the source line and a caret after each when `carets` is set.
*/
#ifndef LX_DIAG_H
#define LX_DIAG_H

#include <stdbool.h>
#include <stdio.h>
#include "lang/token.h"

typedef struct DiagItem {
    int line;
    const char *pos;     /* into the source, for ordering and the caret */
    int width;
    bool at_end;
    char *text;          /* the whole formatted line */
} DiagItem;

typedef struct Diag {
    const char *source;
    size_t source_len;
    DiagItem *items;
    int count, cap;
    bool carets;
} Diag;

void diag_init(Diag *d, const char *source, size_t len, bool carets);
void diag_error_at(Diag *d, const Token *tok, const char *msg);
void diag_free(Diag *d);
/* True when there is at least one error and all are at the end of input. */
bool diag_only_at_end(const Diag *d);
void diag_flush(Diag *d, FILE *out);

#endif
