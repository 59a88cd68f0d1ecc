/* diag.c -- collecting, ordering and printing compile errors (diag.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/diag.h"

static void *diag_grow(void *p, int *cap, size_t elem)
{
    int n = *cap ? *cap * 2 : 16;
    void *q = realloc(p, (size_t)n * elem);
    if (!q) {
        fprintf(stderr, "loxjit: out of memory\n");
        abort();
    }
    *cap = n;
    return q;
}

void diag_init(Diag *d, const char *source, size_t len, bool carets)
{
    memset(d, 0, sizeof *d);
    d->source = source;
    d->source_len = len;
    d->carets = carets;
}

void diag_free(Diag *d)
{
    for (int i = 0; i < d->count; i++) free(d->items[i].text);
    free(d->items);
    free(d->panics);
    free(d->decl_ends);
    d->items = NULL;
    d->panics = NULL;
    d->decl_ends = NULL;
    d->count = d->cap = d->npanic = d->panic_cap = d->ndecl = d->decl_cap = 0;
}

/* -- Recording -------------------------------------------------------- */

static bool in_source(const Diag *d, const char *p)
{
    return p && (uintptr_t)p >= (uintptr_t)d->source &&
           (uintptr_t)p <= (uintptr_t)(d->source + d->source_len);
}

/* The start of line `line`: where an error on a token that does not point
** into the source (a synthetic name) sorts and shows its caret. */
static const char *line_start(const Diag *d, int line)
{
    const char *p = d->source, *end = d->source + d->source_len;
    for (int l = 1; l < line && p < end; p++)
        if (*p == '\n') l++;
    return p;
}

static void add_item(Diag *d, int line, const char *pos, int width, bool at_end,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add_item(Diag *d, int line, const char *pos, int width, bool at_end,
                     const char *fmt, ...)
{
    va_list ap, ap2;
    char small[256];
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    char *text = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!text) {
        fprintf(stderr, "loxjit: out of memory\n");
        abort();
    }
    if (n < 0) n = 0;
    if ((size_t)n < sizeof small) memcpy(text, small, (size_t)n + 1);
    else vsnprintf(text, (size_t)n + 1, fmt, ap2);
    text[n] = '\0';
    va_end(ap2);

    if (d->count == d->cap) d->items = diag_grow(d->items, &d->cap, sizeof *d->items);
    DiagItem *it = &d->items[d->count++];
    it->line = line;
    it->pos = in_source(d, pos) ? pos : line_start(d, line);
    it->width = width > 0 ? width : 1;
    it->at_end = at_end;
    it->cancelled = false;
    it->text = text;
}

void diag_error_at(Diag *d, const Token *tok, const char *msg)
{
    if (tok->kind == TOK_EOF) {
        add_item(d, tok->line, d->source + d->source_len, 1, true,
                 "[line %d] Error at end: %s", tok->line, msg);
    } else if (tok->kind == TOK_ERROR) {
        add_item(d, tok->line, NULL, 1, false, "[line %d] Error: %s", tok->line, msg);
    } else {
        /* A token may hold NUL bytes (a string literal): %.*s would stop
        ** there, so the text is cut at the first NUL, as clox's is. */
        add_item(d, tok->line, tok->start, tok->len, false,
                 "[line %d] Error at '%.*s': %s", tok->line, tok->len, tok->start, msg);
    }
}

void diag_error_scan(Diag *d, int line, const char *pos, bool to_end, const char *msg)
{
    add_item(d, line, pos, 1, to_end, "[line %d] Error: %s", line, msg);
}

bool diag_has_errors(const Diag *d)
{
    for (int i = 0; i < d->count; i++)
        if (!d->items[i].cancelled) return true;
    return false;
}

bool diag_only_at_end(const Diag *d)
{
    bool any = false;
    for (int i = 0; i < d->count; i++) {
        if (d->items[i].cancelled) continue;
        if (!d->items[i].at_end) return false;
        any = true;
    }
    return any;
}

/* -- Panic-mode replay -------------------------------------------------- */

void diag_panic_begin(Diag *d)
{
    if (d->npanic == d->panic_cap)
        d->panics = diag_grow(d->panics, &d->panic_cap, sizeof *d->panics);
    DiagPanic *p = &d->panics[d->npanic++];
    p->item = d->count - 1;
    p->start = d->items[p->item].pos;
    p->end = NULL;
    p->ndecl = d->ndecl;
}

void diag_panic_end(Diag *d, const char *pos)
{
    if (d->npanic > 0 && d->panics[d->npanic - 1].end == NULL)
        d->panics[d->npanic - 1].end = pos;
}

void diag_decl_end(Diag *d, const char *pos)
{
    if (d->ndecl == d->decl_cap)
        d->decl_ends = diag_grow(d->decl_ends, &d->decl_cap, sizeof *d->decl_ends);
    d->decl_ends[d->ndecl++] = pos;
}

/* Index of the first panic region whose start is after p. */
static int first_panic_after(const Diag *d, const char *p)
{
    int lo = 0, hi = d->npanic;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (d->panics[mid].start > p) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* Why this replays clox exactly (for the common cases): clox reports an
** error found at token p (the resolver's errors are all at the token just
** consumed) unless it is in panic mode, i.e. unless p lies in a parser
** panic region or in the window of an earlier late error. A reported error
** starts panic mode, which lasts until the first declaration that ends
** after p synchronizes (decl_ends[k] > p); a parser error recorded in that
** time (after p, before declaration k ended) would have been suppressed, so
** it is cancelled, and its region stays (the panic it describes goes on
** to the same synchronize()). */
void diag_error_late(Diag *d, const Token *tok, const char *msg)
{
    const char *p = tok->start;
    int i = first_panic_after(d, p);
    if (i > 0) {
        const DiagPanic *r = &d->panics[i - 1];
        if (r->end == NULL || p < r->end) return;
    }
    if (d->late_pos && p > d->late_pos && (d->late_end == NULL || p < d->late_end))
        return;

    diag_error_at(d, tok, msg);
    int lo = 0, hi = d->ndecl;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (d->decl_ends[mid] > p) hi = mid;
        else lo = mid + 1;
    }
    int k = lo;
    d->late_pos = p;
    d->late_end = k < d->ndecl ? d->decl_ends[k] : NULL;
    for (; i < d->npanic && d->panics[i].ndecl <= k; i++)
        d->items[d->panics[i].item].cancelled = true;
}

/* -- Printing --------------------------------------------------------- */

static int item_cmp(const void *a, const void *b)
{
    const DiagItem *x = *(const DiagItem *const *)a, *y = *(const DiagItem *const *)b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return x < y ? -1 : x > y; /* stable: recording order */
}

static void print_caret(const Diag *d, const DiagItem *it, FILE *out)
{
    const char *src = d->source, *end = src + d->source_len;
    const char *pos = it->pos;
    /* An error at the end of input shows the last line that has text. */
    if (it->at_end) {
        pos = end;
        while (pos > src && (pos[-1] == '\n' || pos[-1] == '\r')) pos--;
    }
    const char *ls = pos, *le = pos;
    while (ls > src && ls[-1] != '\n') ls--;
    while (le < end && *le != '\n') le++;
    const char *shown_end = le;
    if (shown_end > ls && shown_end[-1] == '\r') shown_end--;

    fputs("    ", out);
    fwrite(ls, 1, (size_t)(shown_end - ls), out);
    fputs("\n    ", out);
    for (const char *c = ls; c < pos; c++) fputc(*c == '\t' ? '\t' : ' ', out);
    int width = it->width;
    if (pos + width > shown_end) width = (int)(shown_end - pos);
    if (width < 1) width = 1;
    for (int i = 0; i < width; i++) fputc('^', out);
    fputc('\n', out);
}

void diag_flush(Diag *d, FILE *out)
{
    if (d->count == 0) return;
    const DiagItem **order = malloc((size_t)d->count * sizeof *order);
    if (!order) abort();
    for (int i = 0; i < d->count; i++) order[i] = &d->items[i];
    qsort(order, (size_t)d->count, sizeof *order, item_cmp);
    for (int i = 0; i < d->count; i++) {
        const DiagItem *it = order[i];
        if (it->cancelled) continue;
        fputs(it->text, out);
        fputc('\n', out);
        if (d->carets) print_caret(d, it, out);
    }
    fflush(out);
    free(order);
    for (int i = 0; i < d->count; i++) free(d->items[i].text);
    d->count = 0;
}
