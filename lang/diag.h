/* diag.h -- compile-time diagnostics.
**
** Every compile error goes through diag_error_at (or diag_error_scan for
** scanner errors, diag_error_late for the passes after the parser), which
** record it; diag_flush prints them sorted by source position in clox's
** format:
**   [line N] Error at 'TOKEN': MESSAGE
**   [line N] Error at end: MESSAGE
**   [line N] Error: MESSAGE              (scanner errors)
** with the source line and a caret after each when `carets` is set.
**
** clox compiles in one pass and stops reporting after an error until the
** parser resynchronizes at a statement boundary ("panic mode"). loxjit
** finds some errors in a later pass (the resolver), so the parser records
** where its panic regions and declarations were (diag_panic_begin/_end,
** diag_decl_end) and diag_error_late replays clox's panic mode for those
** errors: an error clox would have suppressed is dropped, and a parser
** error that clox would have suppressed because of it is cancelled.
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
    bool cancelled;      /* dropped by diag_error_late: never printed */
    char *text;          /* the whole formatted line */
} DiagItem;

/* One stretch of clox's panic mode: from the error at `start` to where
** synchronize() stopped (`end`, NULL: the end of input). */
typedef struct DiagPanic {
    const char *start, *end;
    int item;            /* the DiagItem that started it */
    int ndecl;           /* declarations ended before the error */
} DiagPanic;

typedef struct Diag {
    const char *source;
    size_t source_len;
    DiagItem *items;
    int count, cap;
    bool carets;
    /* Panic-mode replay; INVARIANT(diag-order): panics are disjoint and
    ** sorted by start, decl_ends is non-decreasing (both are recorded in
    ** parse order, which is source order). Relied on by diag_error_late. */
    DiagPanic *panics;
    int npanic, panic_cap;
    const char **decl_ends;
    int ndecl, decl_cap;
    const char *late_pos, *late_end; /* the last late error's panic window */
} Diag;

void diag_init(Diag *d, const char *source, size_t len, bool carets);
void diag_error_at(Diag *d, const Token *tok, const char *msg);
/* A scanner error at `pos` in the source; `to_end` marks one that runs to
** the end of the input (an unterminated string), so it counts as "at end"
** for diag_only_at_end. */
void diag_error_scan(Diag *d, int line, const char *pos, bool to_end, const char *msg);
void diag_free(Diag *d);
/* True when there is at least one error and all are at the end of input. */
bool diag_only_at_end(const Diag *d);
bool diag_has_errors(const Diag *d);
void diag_flush(Diag *d, FILE *out);

/* -- Panic-mode replay (parser side, then later passes) -- */

/* The error just recorded puts the parser in panic mode. */
void diag_panic_begin(Diag *d);
/* synchronize() ended panic mode; `pos` is the next token's start. */
void diag_panic_end(Diag *d, const char *pos);
/* A declaration (clox's declaration(): a top-level statement or one
** directly in a block or function body) ended; `pos` is the next token. */
void diag_decl_end(Diag *d, const char *pos);
/* An error found after parsing, in source order: reported only where clox
** would have reported it. */
void diag_error_late(Diag *d, const Token *tok, const char *msg);

#endif
