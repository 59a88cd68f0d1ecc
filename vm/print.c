/* print.c -- number formatting, the text of every value, StrBuf.
**
** One walk produces the text of any value into a StrBuf; value_print and
** value_to_str are thin wrappers (with shortcuts for scalars and strings,
** which need no buffer). The walk over lists and maps keeps its own stack
** of open containers (Printer), so depth costs heap, not C stack.
*/
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm/memory.h"
#include "vm/object.h"
#include "vm/print.h"

/* -- Numbers --------------------------------------------------------- */

/* Decimal digits of v, which is below 1e16 in magnitude. */
static int format_i64(int64_t v, char *buf)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    int len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

/* Whether p digits of %g read back as d. If p digits do, so do p+1: the
** p-digit text is also a (p+1)-digit candidate, and the correctly rounded
** (p+1)-digit text is at least as close. So the smallest such p can be
** searched for. */
static bool round_trips(double d, int p, char *out, int *len)
{
    *len = snprintf(out, LX_NUM_BUF, "%.*g", p, d);
    return strtod(out, NULL) == d;
}

/* The shortest %.*g text of a finite, non-integral-or-huge d.
**
** Normal doubles: when %.15g reads back, it already is the shortest text.
** The shortest text T has p <= 15 digits and d = double(T); any decimal of
** at most DBL_DIG (15) digits survives double -> 15 digits unchanged, so
** %.15g prints T's digits (%g drops trailing zeros), and in the same style
** (fixed vs exponent only differ for integral values below 1e15, which
** never get here). Otherwise p is 16 or 17. So one snprintf/strtod pair
** for most numbers, three at most.
**
** Subnormals have fewer than 15 significant digits of precision, so %.15g
** can read back without being shortest (5e-324): binary search there. */
static int format_shortest(double d, char buf[LX_NUM_BUF])
{
    int len;
    if (fabs(d) >= DBL_MIN) {
        for (int p = 15; p < 17; p++)
            if (round_trips(d, p, buf, &len))
                return len;
        return snprintf(buf, LX_NUM_BUF, "%.17g", d);
    }
    char tmp[LX_NUM_BUF];
    int lo = 1, hi = 17, tlen;
    bool have = false;        /* buf holds the text for precision hi */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (round_trips(d, mid, tmp, &tlen)) {
            hi = mid;
            memcpy(buf, tmp, (size_t)tlen + 1);
            len = tlen;
            have = true;
        } else {
            lo = mid + 1;
        }
    }
    if (!have)
        len = snprintf(buf, LX_NUM_BUF, "%.*g", hi, d);
    return len;
}

int num_format(double d, char buf[LX_NUM_BUF])
{
    if (d != d) {
        memcpy(buf, "nan", 4);
        return 3;
    }
    if (isinf(d)) {
        memcpy(buf, d > 0 ? "inf" : "-inf", d > 0 ? 4 : 5);
        return d > 0 ? 3 : 4;
    }
    if (fabs(d) < 1e16 && d == trunc(d)) {
        if (d == 0) {
            bool neg = signbit(d);
            memcpy(buf, neg ? "-0" : "0", neg ? 3 : 2);
            return neg ? 2 : 1;
        }
        return format_i64((int64_t)d, buf);
    }
    return format_shortest(d, buf);
}

/* -- StrBuf ---------------------------------------------------------- */

typedef struct Printer Printer;
static void printer_unwind(Printer *pr);

void sb_init(StrBuf *b)
{
    b->data = b->small;
    b->len = 0;
    b->cap = sizeof b->small;
    b->printer = NULL;
}

void sb_free(StrBuf *b)
{
    if (b->data != b->small)
        free(b->data);
    sb_init(b);
}

/* Out of memory while building: undo what the walk under way changed
** (the PRINTING marks), free the buffer, and raise. */
static _Noreturn void sb_oom(VM *vm, StrBuf *b)
{
    if (b->printer != NULL)
        printer_unwind(b->printer);
    sb_free(b);
    vm_error(vm, "Out of memory.");
}

void sb_grow(VM *vm, StrBuf *b, size_t need)
{
    size_t cap = b->cap;
    while (cap - b->len < need) {
        if (cap > SIZE_MAX / 2)
            sb_oom(vm, b);
        cap *= 2;
    }
    char *p;
    if (b->data == b->small) {
        p = malloc(cap);
        if (p != NULL)
            memcpy(p, b->small, b->len);
    } else {
        p = realloc(b->data, cap);
    }
    if (p == NULL)
        sb_oom(vm, b);
    b->data = p;
    b->cap = cap;
}

ObjString *sb_finish(VM *vm, StrBuf *b)
{
    /* If str_copy raises Out of memory, a heap buffer leaks: the error
    ** ends the program (or the REPL line), and that is rare enough. */
    ObjString *s = str_copy(vm, b->data, b->len);
    sb_free(b);
    return s;
}

#define SB_LIT(vm, b, lit) sb_add((vm), (b), (lit), sizeof(lit) - 1)

/* -- Scalars --------------------------------------------------------- */

static void add_number(VM *vm, StrBuf *b, Value v)
{
    char buf[LX_NUM_BUF];
    int n = is_int(v) ? format_i64(as_int(v), buf) : num_format(as_double(v), buf);
    sb_add(vm, b, buf, (size_t)n);
}

static void add_string(VM *vm, StrBuf *b, const ObjString *s)
{
    sb_add(vm, b, s->chars, s->len);
}

/* A string as it appears inside a container. Runs of plain bytes are
** copied in one go. */
static void add_quoted(VM *vm, StrBuf *b, const ObjString *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s->chars;
    uint32_t run = 0;
    sb_add_char(vm, b, '"');
    for (uint32_t i = 0; i < s->len; i++) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sb_add(vm, b, (const char *)p + run, i - run);
        run = i + 1;
        char esc[4] = { '\\', 0, 0, 0 };
        size_t n = 2;
        switch (c) {
        case '\n': esc[1] = 'n'; break;
        case '\t': esc[1] = 't'; break;
        case '\r': esc[1] = 'r'; break;
        case '\0': esc[1] = '0'; break;
        case '"':  esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        default:
            esc[1] = 'x';
            esc[2] = hex[c >> 4];
            esc[3] = hex[c & 15];
            n = 4;
        }
        sb_add(vm, b, esc, n);
    }
    sb_add(vm, b, (const char *)p + run, s->len - run);
    sb_add_char(vm, b, '"');
}

static void add_callable(VM *vm, StrBuf *b, const Obj *o)
{
    if (o->type == OBJ_CLOSURE)
        o = &((const ObjClosure *)o)->fn->obj;
    if (o->type != OBJ_FUNCTION) {
        SB_LIT(vm, b, "<native fn>");
        return;
    }
    const ObjFunction *f = (const ObjFunction *)o;
    if (f->name == NULL) {
        SB_LIT(vm, b, "<script>");
        return;
    }
    SB_LIT(vm, b, "<fn ");
    add_string(vm, b, f->name);
    sb_add_char(vm, b, '>');
}

/* Every object that is not a container (lists and maps: the walk). */
static void add_leaf_obj(VM *vm, StrBuf *b, const Obj *o)
{
    switch ((ObjType)o->type) {
    case OBJ_FUNCTION:
    case OBJ_CLOSURE:
    case OBJ_NATIVE:
        add_callable(vm, b, o);
        break;
    case OBJ_BOUND:
        add_callable(vm, b, ((const ObjBound *)o)->method);
        break;
    case OBJ_CLASS:
        add_string(vm, b, ((const ObjClass *)o)->name);
        break;
    case OBJ_INSTANCE:
        add_string(vm, b, ((const ObjInstance *)o)->klass->name);
        SB_LIT(vm, b, " instance");
        break;
    case OBJ_RANGE: {
        const ObjRange *r = (const ObjRange *)o;
        char buf[LX_NUM_BUF];
        SB_LIT(vm, b, "range(");
        sb_add(vm, b, buf, (size_t)num_format(r->start, buf));
        SB_LIT(vm, b, ", ");
        sb_add(vm, b, buf, (size_t)num_format(r->stop, buf));
        SB_LIT(vm, b, ", ");
        sb_add(vm, b, buf, (size_t)num_format(r->step, buf));
        sb_add_char(vm, b, ')');
        break;
    }
    case OBJ_MODULE:
        SB_LIT(vm, b, "<module ");
        add_string(vm, b, ((const ObjModule *)o)->name);
        sb_add_char(vm, b, '>');
        break;
    case OBJ_POINTER: {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "<pointer 0x%" PRIxPTR ">",
                         (uintptr_t)((const ObjPointer *)o)->addr);
        sb_add(vm, b, buf, (size_t)n);
        break;
    }
    case OBJ_UPVALUE:
        SB_LIT(vm, b, "upvalue");
        break;
    case OBJ_STRING:
    case OBJ_LIST:
    case OBJ_MAP:
    case OBJ__COUNT:
        break;
    }
}

/* -- The container walk ---------------------------------------------- */

/* One open container. For a map, pos is the entry being written and
** in_value says whether its key is done. */
typedef struct {
    Obj *o;
    uint32_t pos;
    bool in_value;
    bool started;
} PFrame;

/* INVARIANT(printing-flag): a list or map has LX_FLAG_PRINTING set iff it
** is in frames[0 .. n). Relied on by: emit (cycle test), printer_unwind. */
struct Printer {
    PFrame *frames;
    uint32_t n, cap;
    PFrame small[16];
};

static void printer_unwind(Printer *pr)
{
    for (uint32_t i = 0; i < pr->n; i++)
        pr->frames[i].o->flags &= (uint8_t)~LX_FLAG_PRINTING;
    pr->n = 0;
    if (pr->frames != pr->small)
        free(pr->frames);
    pr->frames = pr->small;
}

static void open_container(VM *vm, StrBuf *b, Printer *pr, Obj *o)
{
    if (pr->n == pr->cap) {
        uint32_t cap = pr->cap * 2;
        PFrame *f = pr->frames == pr->small ? malloc(sizeof(PFrame) * cap)
                                            : realloc(pr->frames, sizeof(PFrame) * cap);
        if (f == NULL)
            sb_oom(vm, b);
        if (pr->frames == pr->small)
            memcpy(f, pr->small, sizeof pr->small);
        pr->frames = f;
        pr->cap = cap;
    }
    o->flags |= LX_FLAG_PRINTING;
    pr->frames[pr->n++] = (PFrame){ o, 0, false, false };
    sb_add_char(vm, b, o->type == OBJ_LIST ? '[' : '{');
}

/* Write v, or open it if it is a container not already open. */
static void emit(VM *vm, StrBuf *b, Printer *pr, Value v, bool quoted)
{
    if (is_number(v)) {
        add_number(vm, b, v);
    } else if (!is_obj(v)) {
        if (v == NIL_VAL)
            SB_LIT(vm, b, "nil");
        else if (v == TRUE_VAL)
            SB_LIT(vm, b, "true");
        else if (v == FALSE_VAL)
            SB_LIT(vm, b, "false");
        else
            SB_LIT(vm, b, "<undef>");  /* never reaches a Lox program */
    } else {
        Obj *o = as_obj(v);
        if (o->type == OBJ_STRING) {
            if (quoted)
                add_quoted(vm, b, (ObjString *)o);
            else
                add_string(vm, b, (ObjString *)o);
        } else if (o->type == OBJ_LIST || o->type == OBJ_MAP) {
            if (o->flags & LX_FLAG_PRINTING)
                sb_add(vm, b, o->type == OBJ_LIST ? "[...]" : "{...}", 5);
            else
                open_container(vm, b, pr, o);
        } else {
            add_leaf_obj(vm, b, o);
        }
    }
}

/* One step in the innermost open container: its next piece, or its end. */
static void step(VM *vm, StrBuf *b, Printer *pr)
{
    PFrame *f = &pr->frames[pr->n - 1];
    Value next;
    if (f->o->type == OBJ_LIST) {
        ObjList *l = (ObjList *)f->o;
        if (f->pos == l->count) {
            sb_add_char(vm, b, ']');
            goto close;
        }
        if (f->pos > 0)
            SB_LIT(vm, b, ", ");
        next = l->items[f->pos++];
    } else {
        ObjMap *m = (ObjMap *)f->o;
        if (f->in_value) {
            SB_LIT(vm, b, ": ");
            next = m->entries[f->pos++].value;
            f->in_value = false;
        } else {
            while (f->pos < m->nentries && m->entries[f->pos].key == UNDEF_VAL)
                f->pos++;
            if (f->pos == m->nentries) {
                sb_add_char(vm, b, '}');
                goto close;
            }
            if (f->started)
                SB_LIT(vm, b, ", ");
            f->started = true;
            f->in_value = true;
            next = m->entries[f->pos].key;
        }
    }
    emit(vm, b, pr, next, true);    /* may push: f is stale from here */
    return;
close:
    f->o->flags &= (uint8_t)~LX_FLAG_PRINTING;
    pr->n--;
}

void sb_add_value(VM *vm, StrBuf *b, Value v, bool quoted)
{
    Printer pr;
    pr.frames = pr.small;
    pr.n = 0;
    pr.cap = sizeof pr.small / sizeof pr.small[0];
    void *outer = b->printer;
    b->printer = &pr;
    emit(vm, b, &pr, v, quoted);
    while (pr.n > 0)
        step(vm, b, &pr);
    printer_unwind(&pr);      /* nothing left open: frees the stack */
    b->printer = outer;
}

/* -- print and str --------------------------------------------------- */

void value_print(VM *vm, FILE *out, Value v)
{
    if (is_obj_type(v, OBJ_STRING)) {
        ObjString *s = AS_STRING(v);
        fwrite(s->chars, 1, s->len, out);
        return;
    }
    if (is_number(v)) {
        char buf[LX_NUM_BUF];
        int n = is_int(v) ? format_i64(as_int(v), buf) : num_format(as_double(v), buf);
        fwrite(buf, 1, (size_t)n, out);
        return;
    }
    StrBuf b;
    sb_init(&b);
    sb_add_value(vm, &b, v, false);
    fwrite(b.data, 1, b.len, out);
    sb_free(&b);
}

static size_t number_text(Value v, char buf[LX_NUM_BUF])
{
    return (size_t)(is_int(v) ? format_i64(as_int(v), buf) : num_format(as_double(v), buf));
}

ObjString *value_to_str(VM *vm, Value v)
{
    if (is_obj_type(v, OBJ_STRING))
        return AS_STRING(v);
    if (is_number(v)) {
        char buf[LX_NUM_BUF];
        return str_copy(vm, buf, number_text(v, buf));
    }
    StrBuf b;
    sb_init(&b);
    sb_add_value(vm, &b, v, false);
    return sb_finish(vm, &b);
}

ObjString *value_try_str(VM *vm, Value v)
{
    if (is_obj_type(v, OBJ_STRING))
        return AS_STRING(v);
    if (!is_number(v))
        return NULL;
    char buf[LX_NUM_BUF];
    return str_try_copy(vm, buf, number_text(v, buf));
}
