/* gen_lox.c -- random valid Lox programs for differential JIT testing.
**
**   gen_lox SEED      print one program, a pure function of SEED
**
** The same generator is gen_program() (gen_lox.h) for tests/fuzz/difftest.c,
** which is built with -DGEN_LOX_NO_MAIN. difftest.c (and difftest.sh) run
** each program with -joff and with the JIT and compare everything it prints. So the programs are built to make
** traces and to make them exit: hot loops (for, while, for-in; nested;
** with break and continue), integer and double arithmetic around the
** int32 limits and 2^53, variables and fields whose type changes after
** the loop has warmed up, branches taken at changing rates, calls to
** functions, methods (with super) and closures (whose upvalues the loop
** mutates), a global function swapped mid-loop, a field that comes to
** shadow a method, lists read and written by index, strings built by
** concatenation (cut short now and then), maps of numbers read, written,
** given keys and robbed of them, and walked by for-in.
**
** Every program terminates: loop counters are only ever written by their
** own loop header (or by the one increment a while loop starts with),
** every loop has a constant bound, and calls only reach functions defined
** earlier, except one recursive function whose depth parameter falls.
** Runtime errors are rare and deterministic (a program may end with one on
** purpose, to compare error messages and lines); numbers may overflow to
** inf and nan, which print the same way in every mode.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/gen_lox.h"

/* -- Randomness --------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* splitmix64: every seed, even 0, gives a good stream. */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int below(int n) { return (int)(rnd() % (uint64_t)n); }
static bool chance(int percent) { return below(100) < percent; }
static int between(int lo, int hi) { return lo + below(hi - lo + 1); }

/* -- Output ------------------------------------------------------------- */

static int indent;
static FILE *out;

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char *fmt, ...)
{
    for (int i = 0; i < indent; i++)
        fputs("  ", out);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

/* Expressions are built in fixed buffers; a nested expression never needs
** more than the depth limit allows. */
#define EXPR_MAX 2048
typedef struct {
    char s[EXPR_MAX];
} Expr;

static void ecat(Expr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ecat(Expr *e, const char *fmt, ...)
{
    size_t n = strlen(e->s);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->s + n, sizeof e->s - n, fmt, ap);
    va_end(ap);
}

/* -- What is in scope --------------------------------------------------- */

/* Numeric variables that statements may assign, loop counters (read only)
** and polymorphic variables (any type; used only where any type is fine). */
#define MAX_VARS 64
typedef struct {
    char name[24];
} Name;

typedef struct {
    Name num[MAX_VARS];
    int nnum;
    Name ctr[MAX_VARS];     /* integer loop counters (for indexing) */
    int nctr;
    Name any[MAX_VARS];     /* loop variables too: readable numbers */
    int nany;
    Name poly[MAX_VARS];
    int npoly;
    Name frozen[8];         /* lists being iterated by for-in: no push/pop */
    int nfrozen;
    int loop_depth;         /* inside how many loops (break/continue) */
    bool in_function;
} Scope;

static int nfuns;           /* f0..f(nfuns-1): (a, b) -> number */
static int nclosures;       /* c0..: (d) -> number, mutate their upvalue */
/* INVARIANT(list-lengths): xs0 never changes length, every other list is
** at least as long; so `xs[counter % len(xs0)]` is always in range. */
static int nlists;          /* xs0..: lists of numbers */
static bool have_classes;   /* P, Q < P; objects o0 (P), o1 (Q) */
/* INVARIANT(map-keys): every map always holds the keys 0..4, "a" and "b"
** with number values (so reading them never fails and gives a number);
** only keys 100..106 come and go. Strings stay short: every statement
** that grows one first cuts it when it is over 40 bytes. */
static int nstrings;        /* s0..: strings */
static int nmaps;           /* m0..: maps of numbers */
static int counter_id, var_id;
/* Features drawn per program, so that some programs use only what a young
** JIT compiles (and its traces run to the end) while others use all. */
static bool use_math, use_print_in_loops, use_poly, use_calls;
static int loop_budget;     /* loops left to generate */

static void add(Name *arr, int *n, const char *fmt, int id)
{
    if (*n >= MAX_VARS)
        return;
    snprintf(arr[*n].name, sizeof arr[*n].name, fmt, id);
    (*n)++;
}

/* -- Numbers ------------------------------------------------------------ */

static const char *const interesting[] = {
    "0", "1", "2", "3", "7", "10", "255", "1000", "65535", "65536", "46340", "46341",
    "2147483647", "2147483646", "2147483648", "1073741824", "1073741823",
    "4294967296", "9007199254740991", "9007199254740992", "9007199254740993",
    "4503599627370496", "0.5", "0.25", "1.5", "0.1", "2.5", "3.75", "1e9", "1e15",
    "1e16", "1e300", "1e-300", "0x7fffffff", "0xff", "12345.678", "1e-5",
};

static void number(Expr *e)
{
    if (chance(15)) {
        const char *k = interesting[below((int)(sizeof interesting / sizeof interesting[0]))];
        if (chance(30))
            ecat(e, "(-%s)", k);
        else
            ecat(e, "%s", k);
    } else if (chance(80)) {
        ecat(e, "%d", between(0, 20));
    } else {
        ecat(e, "%d.%d", between(0, 9), between(1, 9));
    }
}

/* -- Expressions -------------------------------------------------------- */

static void num_expr(Expr *e, const Scope *sc, int depth);

static const char *pick(const Name *arr, int n) { return arr[below(n)].name; }

/* A key every map holds (INVARIANT(map-keys)), as an expression. */
static const char *map_key(const Scope *sc)
{
    static char buf[48];
    int r = below(100);
    if (r < 40 && sc->nctr > 0)
        snprintf(buf, sizeof buf, "%s %% 5", pick(sc->ctr, sc->nctr));
    else if (r < 70)
        snprintf(buf, sizeof buf, "%d", below(5));
    else
        snprintf(buf, sizeof buf, "\"%c\"", chance(50) ? 'a' : 'b');
    return buf;
}

static void atom(Expr *e, const Scope *sc)
{
    int r = below(100);
    if (r < 35 && sc->nnum > 0)
        ecat(e, "%s", pick(sc->num, sc->nnum));
    else if (r < 60 && sc->nany > 0)
        ecat(e, "%s", pick(sc->any, sc->nany));
    else if (r < 70 && have_classes)
        ecat(e, "o%d.%c", below(2), chance(50) ? 'x' : 'y');
    else if (r < 78 && nlists > 0 && sc->nctr > 0)
        ecat(e, "xs%d[%s %% len(xs0)]", below(nlists), pick(sc->ctr, sc->nctr));
    else if (r < 83 && nmaps > 0)
        ecat(e, "m%d[%s]", below(nmaps), map_key(sc));
    else if (r < 86 && nstrings > 0)
        ecat(e, "len(s%d)", below(nstrings));
    else
        number(e);
}

static void num_expr(Expr *e, const Scope *sc, int depth)
{
    if (depth <= 0 || chance(30)) {
        atom(e, sc);
        return;
    }
    static const char *const ops[] = {"+", "-", "*", "/", "%", "+", "-", "*"};
    int r = below(100);
    if (r < 55) {
        ecat(e, "(");
        num_expr(e, sc, depth - 1);
        ecat(e, " %s ", ops[below(8)]);
        num_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 60) {
        ecat(e, "(-");
        num_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 70 && nfuns > 0 && use_calls) {
        ecat(e, "f%d(", below(nfuns));
        num_expr(e, sc, depth - 1);
        ecat(e, ", ");
        num_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 75 && nclosures > 0) {
        ecat(e, "c%d(", below(nclosures));
        num_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 80 && have_classes) {
        static const char *const m[] = {"get()", "sum()", "scaled(%s)"};
        int k = below(3);
        ecat(e, "o%d.", below(2));
        if (k < 2) {
            ecat(e, "%s", m[k]);
        } else {
            Expr a = {{0}};
            num_expr(&a, sc, depth - 1);
            ecat(e, "scaled(%s)", a.s);
        }
    } else if (r < 88 && use_math) {
        static const char *const fn1[] = {"math.floor", "math.abs", "math.ceil", "math.trunc",
                                          "math.sign", "math.round"};
        ecat(e, "%s(", fn1[below(6)]);
        num_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 92 && use_math) {
        ecat(e, "math.%s(", chance(50) ? "min" : "max");
        num_expr(e, sc, depth - 1);
        ecat(e, ", ");
        num_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 93 && nlists > 0) {
        ecat(e, "len(xs%d)", below(nlists));
    } else if (r < 96 && nmaps > 0) {
        ecat(e, "m%d.get(%d, %d)", below(nmaps), 100 + below(7), below(3));
    } else {
        atom(e, sc);
    }
}

/* A condition: comparisons of numbers, a counter's residue, and/or/not. */
static void cond_expr(Expr *e, const Scope *sc, int depth)
{
    static const char *const cmp[] = {"<", "<=", ">", ">=", "==", "!="};
    int r = below(100);
    if (r < 30 && sc->nctr > 0) {
        ecat(e, "%s %% %d == %d", pick(sc->ctr, sc->nctr), between(2, 9), between(0, 1));
    } else if (r < 40 && depth > 0) {
        ecat(e, "(");
        cond_expr(e, sc, depth - 1);
        ecat(e, chance(50) ? ") and (" : ") or (");
        cond_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 45 && depth > 0) {
        ecat(e, "!(");
        cond_expr(e, sc, depth - 1);
        ecat(e, ")");
    } else if (r < 52 && sc->npoly > 0) {
        ecat(e, "type(%s) == \"number\"", pick(sc->poly, sc->npoly));
    } else {
        num_expr(e, sc, 1);
        ecat(e, " %s ", cmp[below(6)]);
        num_expr(e, sc, 1);
    }
}

/* A value of any type, for polymorphic variables. */
static void any_value(Expr *e, const Scope *sc)
{
    switch (below(9)) {
    case 0: ecat(e, "nil"); break;
    case 1: ecat(e, chance(50) ? "true" : "false"); break;
    case 2: ecat(e, "\"s%d\"", below(10)); break;
    case 3: ecat(e, "-0"); break;
    case 4: ecat(e, "0.5"); break;
    case 5: ecat(e, "[%d, \"x\"]", below(5)); break;
    case 6: ecat(e, "%d", below(100)); break;
    case 7: ecat(e, "2147483647"); break;
    default: num_expr(e, sc, 1); break;
    }
}

/* -- Statements ---------------------------------------------------------- */

static void block(Scope *sc, int nstmts, int depth);

/* v = expr, wrapped now and then so values stay near the int32 limits
** instead of running off to inf. */
static void assign_stmt(const Scope *sc)
{
    if (sc->nnum == 0)
        return;
    const char *v = pick(sc->num, sc->nnum);
    Expr e = {{0}};
    num_expr(&e, sc, 3);
    int r = below(100);
    if (r < 35) {
        static const char *const mod[] = {"2147483647", "65521", "1000003", "4294967296",
                                          "9007199254740992", "2147483648"};
        line("%s = (%s) %% %s;", v, e.s, mod[below(6)]);
    } else if (r < 55) {
        static const char *const cop[] = {"+=", "-=", "*=", "/=", "%="};
        line("%s %s %s;", v, cop[below(5)], e.s);
    } else if (r < 62) {
        line("%s = %s * %s + 1;", v, v, chance(50) ? "3" : "65599");
    } else if (r < 68) {
        line("if (%s > 1e15 or %s < -1e15 or %s != %s) %s = %d;", v, v, v, v, v, below(100));
    } else {
        line("%s = %s;", v, e.s);
    }
}

static void print_stmt(const Scope *sc)
{
    Expr e = {{0}};
    int r = below(100);
    if (r < 50 && sc->nnum > 0)
        ecat(&e, "%s", pick(sc->num, sc->nnum));
    else if (r < 60 && sc->npoly > 0)
        ecat(&e, "%s", pick(sc->poly, sc->npoly));
    else if (r < 68 && sc->npoly > 0)
        ecat(&e, "str(%s) + \"|\"", pick(sc->poly, sc->npoly));
    else if (r < 74 && nlists > 0)
        ecat(&e, "len(xs%d)", below(nlists));
    else
        num_expr(&e, sc, 2);
    line("print %s;", e.s);
}

static bool is_frozen_name(const Scope *sc, const char *name)
{
    for (int i = 0; i < sc->nfrozen; i++)
        if (strcmp(sc->frozen[i].name, name) == 0)
            return true;
    return false;
}

static bool is_frozen(const Scope *sc, int list)
{
    char name[16];
    snprintf(name, sizeof name, "xs%d", list);
    return is_frozen_name(sc, name);
}

static void list_stmt(const Scope *sc)
{
    if (nlists == 0)
        return;
    int l = below(nlists);
    Expr e = {{0}};
    num_expr(&e, sc, 2);
    int r = below(100);
    if (r < 45 && sc->nctr > 0) {
        line("xs%d[%s %% len(xs0)] = %s;", l, pick(sc->ctr, sc->nctr), e.s);
    } else if (r < 70 && !is_frozen(sc, l) && l != 0) {
        line("if (len(xs%d) < 40) xs%d.push(%s);", l, l, e.s);
    } else if (r < 85 && !is_frozen(sc, l) && l != 0) {
        line("if (len(xs%d) > len(xs0)) xs%d.pop();", l, l);
    } else if (sc->nctr > 0) {
        line("xs%d[%s %% len(xs0)] += %s;", l, pick(sc->ctr, sc->nctr), e.s);
    }
}

static void field_stmt(const Scope *sc)
{
    if (!have_classes)
        return;
    Expr e = {{0}};
    num_expr(&e, sc, 2);
    int o = below(2);
    switch (below(4)) {
    case 0: line("o%d.x = %s;", o, e.s); break;
    case 1: line("o%d.y += %s;", o, e.s); break;
    case 2: line("o%d.bump(%s);", o, e.s); break;
    default:
        if (use_print_in_loops)
            line("print o%d.get();", o);
        else
            line("o%d.y = o%d.get() %% 1000;", o, o);
        break;
    }
}

/* Strings: concatenation (string `+` runs in C from a trace), indexing,
** methods, comparisons; each growth is preceded by its cut. */
static void string_stmt(const Scope *sc)
{
    if (nstrings == 0)
        return;
    int s = below(nstrings);
    Expr e = {{0}};
    int r = below(100);
    if (r < 75)     /* the cut: keep the last 8..40 bytes */
        line("if (len(s%d) > 40) s%d = s%d.slice(len(s%d) - %d);", s, s, s, s, between(8, 40));
    if (r < 30) {
        num_expr(&e, sc, 1);
        line("s%d = s%d + str(%s);", s, s, e.s);
    } else if (r < 45) {
        line("s%d = s%d + \"%c\";", s, s, 'a' + below(26));
    } else if (r < 55) {
        line("s%d = \"%c\" + s%d;", s, 'a' + below(26), s);
    } else if (r < 65 && sc->nctr > 0) {
        line("if (len(s%d) > 0) s%d = s%d + s%d[%s %% len(s%d)];", s, s, s, s,
             pick(sc->ctr, sc->nctr), s);
    } else if (r < 75) {
        int t = below(nstrings);
        line("s%d = s%d + s%d;", s, s, t);
    } else if (r < 85 && sc->nnum > 0) {
        const char *v = pick(sc->num, sc->nnum);
        line("if (s%d == \"%c\" or s%d.contains(\"%c\")) %s = %s + 1;", s, 'a' + below(26), s,
             'a' + below(26), v, v);
    } else if (use_print_in_loops || sc->loop_depth == 0) {
        line("print s%d;", s);
    } else if (sc->nnum > 0) {
        const char *v = pick(sc->num, sc->nnum);
        line("%s = %s + s%d.find(\"%c\");", v, v, s, 'a' + below(26));
    }
}

/* Maps: reads and writes of the keys always there, keys 100..106 added
** and removed (never while a for-in walks that map). */
static void map_stmt(const Scope *sc)
{
    if (nmaps == 0)
        return;
    int m = below(nmaps);
    char name[16];
    snprintf(name, sizeof name, "m%d", m);
    bool frozen = is_frozen_name(sc, name);
    Expr e = {{0}};
    num_expr(&e, sc, 2);
    int r = below(100);
    if (r < 30) {
        line("m%d[%s] = %s;", m, map_key(sc), e.s);
    } else if (r < 45) {
        line("m%d[%s] += %s;", m, map_key(sc), e.s);
    } else if (r < 60 && !frozen && sc->nctr > 0) {
        line("m%d[100 + %s %% 7] = %s;", m, pick(sc->ctr, sc->nctr), e.s);
    } else if (r < 70 && !frozen) {
        line("m%d.remove(%d);", m, 100 + below(7));
    } else if (r < 80 && sc->nnum > 0) {
        const char *v = pick(sc->num, sc->nnum);
        int k = 100 + below(7);
        line("if (m%d.has(%d)) %s = (%s + m%d[%d]) %% 1000003;", m, k, v, v, m, k);
    } else if (use_print_in_loops || sc->loop_depth == 0) {
        line("print m%d;", m);
    } else if (sc->nnum > 0) {
        const char *v = pick(sc->num, sc->nnum);
        line("%s = %s + len(m%d);", v, v, m);
    }
}

/* A change after warm-up: at one iteration of the innermost counter. */
static void change_stmt(const Scope *sc)
{
    if (sc->nctr == 0)
        return;
    const char *ctr = sc->ctr[sc->nctr - 1].name;
    int when = between(1, 20);
    int r = below(100);
    if (r < 40 && sc->npoly > 0) {
        Expr e = {{0}};
        any_value(&e, sc);
        line("if (%s == %d) %s = %s;", ctr, when, pick(sc->poly, sc->npoly), e.s);
    } else if (r < 55 && sc->nnum > 0) {
        const char *v = pick(sc->num, sc->nnum);
        static const char *const nv[] = {"0.5", "2147483647", "-2147483648", "9007199254740992",
                                          "-0", "1e300", "0.1"};
        line("if (%s == %d) %s = %s;", ctr, when, v, nv[below(7)]);
    } else if (r < 70 && nfuns > 1) {
        /* f_i = f_j with j <= i: the name f_i then still holds a function
        ** that only calls names below i, so nothing recurses. */
        int i = below(nfuns);
        line("if (%s == %d) f%d = f%d;", ctr, when, i, below(i + 1));
    } else if (r < 85 && have_classes) {
        line("if (%s == %d) o%d.get = fget;", ctr, when, below(2));
    } else if (have_classes) {
        line("if (%s == %d) o%d.x = %s;", ctr, when, below(2),
             chance(50) ? "0.5" : "2147483647");
    }
}

/* Arithmetic on a polymorphic variable, guarded by its type. */
static void poly_stmt(const Scope *sc)
{
    if (sc->npoly == 0 || sc->nnum == 0)
        return;
    const char *p = pick(sc->poly, sc->npoly);
    const char *v = pick(sc->num, sc->nnum);
    if (chance(50))
        line("if (type(%s) == \"number\") %s = (%s + %s) %% 1000003;", p, v, v, p);
    else
        line("%s = %s == %s;", p, p, v);
}

static void loop_stmt(Scope *sc, int depth);

static void if_stmt(Scope *sc, int depth)
{
    Expr c = {{0}};
    cond_expr(&c, sc, 2);
    line("if (%s) {", c.s);
    indent++;
    block(sc, between(1, 3), depth - 1);
    indent--;
    if (chance(50)) {
        line("} else {");
        indent++;
        block(sc, between(1, 3), depth - 1);
        indent--;
    }
    line("}");
}

static void escape_stmt(const Scope *sc)
{
    if (sc->loop_depth == 0)
        return;
    Expr c = {{0}};
    cond_expr(&c, sc, 1);
    line("if (%s) %s;", c.s, chance(40) ? "break" : "continue");
}

/* A function declared inside the loop body, capturing the counter; or one
** that writes a variable of the loop's scope through its upvalue (never a
** counter: counters are written only by their own loops), called at once. */
static void local_fun_stmt(const Scope *sc)
{
    if (sc->nany == 0)
        return;
    int id = var_id++;
    if (sc->nnum > 0 && chance(50)) {
        const char *v = pick(sc->num, sc->nnum);
        line("fun lw%d() { %s = (%s * 3 + 1) %% 65521; return %s; }", id, v, v, v);
        line("print lw%d() + %s;", id, v);
        return;
    }
    Expr e = {{0}};
    num_expr(&e, sc, 2);
    line("fun lf%d(z) { return z + %s; }", id, e.s);
    line("print lf%d(%d);", id, below(10));
}

static void stmt(Scope *sc, int depth)
{
    int r = below(112);
    if (r < 24)
        assign_stmt(sc);
    else if (r < 36 && (use_print_in_loops || sc->loop_depth == 0))
        print_stmt(sc);
    else if (r < 44 && depth > 0)
        if_stmt(sc, depth);
    else if (r < 54 && depth > 0 && loop_budget > 0)
        loop_stmt(sc, depth);
    else if (r < 62)
        list_stmt(sc);
    else if (r < 70)
        field_stmt(sc);
    else if (r < 78)
        change_stmt(sc);
    else if (r < 83)
        poly_stmt(sc);
    else if (r < 88)
        escape_stmt(sc);
    else if (r < 91 && use_calls && use_print_in_loops)
        local_fun_stmt(sc);
    else if (r < 91 && sc->nctr > 0 && chance(30))
        /* A collection now and then while frames are not pushed. */
        line("if (%s %% %d == 0) gc.collect();", pick(sc->ctr, sc->nctr), between(3, 20));
    else if (r >= 106)
        map_stmt(sc);
    else if (r >= 100)
        string_stmt(sc);
    else
        assign_stmt(sc);
}

static void block(Scope *sc, int nstmts, int depth)
{
    Scope inner = *sc;
    for (int i = 0; i < nstmts; i++)
        stmt(&inner, depth);
}

/* Loops: counted for (up or down, int or double steps, across the int32
** limits), while with the increment first, for-in over a list or range. */
static void loop_stmt(Scope *sc, int depth)
{
    loop_budget--;
    Scope in = *sc;
    in.loop_depth++;
    int id = counter_id++;
    /* Trip counts: enough for the default hotloop (56) to make the
    ** outer loop hot on its own and inner ones through their outer loops'
    ** trips, few enough for a program to run in a millisecond or two. */
    int n = depth >= 4 ? between(30, 120) : depth == 3 ? between(2, 12)
          : depth == 2 ? between(2, 6) : between(2, 4);
    int kind = below(100);
    if (kind < 50) {
        /* Across 2^31 going up, across -2^31 going down; near 2^53 but
        ** never reaching it (where i + 1 == i and the loop would not end). */
        static const char *const starts[] = {"0", "2147483640", "-2147483655", "9007199254740000",
                                             "1073741820", "0"};
        int s = below(6);
        const char *start = starts[s];
        bool down = chance(15);
        int step = chance(80) ? 1 : between(2, 5);
        if (down)
            line("for (var i%d = %s + %d; i%d > %s; i%d = i%d - %d) {", id, start, n * step, id,
                 start, id, id, step);
        else
            line("for (var i%d = %s; i%d < %s + %d; i%d = i%d + %d) {", id, start, id, start,
                 n * step, id, id, step);
        add(in.any, &in.nany, "i%d", id);
        if (s == 0 || s == 5)
            add(in.ctr, &in.nctr, "i%d", id);
    } else if (kind < 60) {
        line("for (var i%d = 0; i%d < %d; i%d = i%d + 0.5) {", id, id, n / 2 + 1, id, id);
        add(in.any, &in.nany, "i%d", id);
    } else if (kind < 80) {
        line("var w%d = 0;", id);
        line("while (w%d < %d) {", id, n);
        indent++;
        line("w%d = w%d + 1;", id, id);
        indent--;
        add(in.any, &in.nany, "w%d", id);
        add(in.ctr, &in.nctr, "w%d", id);
    } else if (kind < 84 && nmaps > 0 && depth <= 2 && sc->nfrozen == 0) {
        /* Over a map's keys (numbers and strings): the body reads the
        ** value, a number (INVARIANT(map-keys)), and adds no key. */
        int m = below(nmaps);
        int v = var_id++;
        line("for (var k%d in m%d) {", id, m);
        line("  var mv%d = m%d[k%d];", v, m, id);
        add(in.any, &in.nany, "mv%d", v);
        if (in.nfrozen < 8)
            snprintf(in.frozen[in.nfrozen++].name, sizeof in.frozen[0].name, "m%d", m);
    } else if (kind < 90 && nlists > 0 && depth <= 2 && sc->nfrozen == 0) {
        /* Lists grow to 40 items: one for-in per nest, and only deep
        ** inside, keeps the iteration count bounded. */
        int l = below(nlists);
        line("for (var e%d in xs%d) {", id, l);
        add(in.any, &in.nany, "e%d", id);
        if (in.nfrozen < 8)
            snprintf(in.frozen[in.nfrozen++].name, sizeof in.frozen[0].name, "xs%d", l);
    } else {
        line("for (var r%d in range(%d)) {", id, n);
        add(in.any, &in.nany, "r%d", id);
        add(in.ctr, &in.nctr, "r%d", id);
    }
    indent++;
    if (chance(50)) {
        int v = var_id++;
        Expr e = {{0}};
        num_expr(&e, &in, 2);
        line("var v%d = %s;", v, e.s);
        add(in.num, &in.nnum, "v%d", v);
    }
    block(&in, between(2, 6), depth - 1);
    indent--;
    line("}");
}

/* -- The program ------------------------------------------------------------ */

static void functions(Scope *globals)
{
    /* fN(a, b): numbers in, a number out; some loop, some call earlier
    ** ones, some read globals. */
    nfuns = between(1, 4);
    for (int f = 0; f < nfuns; f++) {
        Scope sc = *globals;
        sc.in_function = true;
        sc.nany = 0;
        add(sc.any, &sc.nany, "a", 0);
        add(sc.any, &sc.nany, "b", 0);
        int saved = nfuns;
        nfuns = f;          /* only earlier functions */
        int savedc = nclosures;
        nclosures = 0;
        bool savedk = have_classes;
        have_classes = false;
        int savedl = nlists;
        nlists = 0;
        line("fun f%d(a, b) {", f);
        indent++;
        if (chance(40)) {
            line("var s = a;");
            line("for (var k = 0; k < %d; k = k + 1) {", between(2, 30));
            indent++;
            Scope l = sc;
            add(l.num, &l.nnum, "s", 0);
            add(l.any, &l.nany, "k", 0);
            add(l.ctr, &l.nctr, "k", 0);
            Expr e = {{0}};
            num_expr(&e, &l, 2);
            line("s = (s + %s) %% 1000003;", e.s);
            indent--;
            line("}");
            line("return s + b;");
        } else if (chance(30)) {
            /* Garbage made inside a function the trace inlines, by string
            ** `+` and str(), both run in C from the trace: what a native
            ** call's write-back leaves in the callee's frame must not
            ** outlive it (tests/lang/regress/native_call_leaves_dead_...). */
            Expr e = {{0}};
            num_expr(&e, &sc, 2);
            line("var u = \"k\" + str(a %% 100);");
            line("return len(u) + %s;", e.s);
        } else {
            Expr e = {{0}};
            num_expr(&e, &sc, 3);
            line("return %s;", e.s);
        }
        indent--;
        line("}");
        nfuns = saved;
        nclosures = savedc;
        have_classes = savedk;
        nlists = savedl;
    }
    line("fun fget() { return %d; }", below(100));
    line("fun rec(n, acc) {");
    line("  if (n <= 0) return acc;");
    line("  return rec(n - 1, (acc * 31 + n) %% 2147483647);");
    line("}");
}

static void closures(void)
{
    nclosures = use_calls ? between(0, 3) : 0;
    for (int c = 0; c < nclosures; c++) {
        line("fun mk%d(start) {", c);
        line("  var acc = start;");
        line("  fun step(d) {");
        line("    acc = (acc + d * %d) %% %s;", between(1, 9), chance(50) ? "2147483647" : "65536");
        line("    return acc;");
        line("  }");
        line("  return step;");
        line("}");
        line("var c%d = mk%d(%d);", c, c, below(1000));
    }
}

static void classes(void)
{
    have_classes = chance(50);
    if (!have_classes)
        return;
    line("class P {");
    line("  init(x) { this.x = x; this.y = 1; }");
    line("  get() { return this.x + this.y; }");
    line("  sum() { return this.get() * 2; }");
    line("  scaled(k) { return this.x * k; }");
    line("  bump(d) { this.x = (this.x + d) %% 65521; return this.x; }");
    line("}");
    line("class Q < P {");
    line("  init(x) { super.init(x); this.y = 2; }");
    line("  get() { return super.get() + 100; }");
    line("}");
    line("var o0 = P(%d);", below(50));
    line("var o1 = Q(%d);", below(50));
}

static void lists(void)
{
    nlists = between(1, 3);
    int n0 = between(3, 8);
    for (int l = 0; l < nlists; l++) {
        int n = l == 0 ? n0 : n0 + below(4);
        fprintf(out, "var xs%d = [", l);
        for (int i = 0; i < n; i++)
            fprintf(out, "%s%d", i ? ", " : "", below(100));
        fprintf(out, "];\n");
    }
}

/* Strings and maps come after the functions, which never name them. */
static void strings_and_maps(void)
{
    nstrings = chance(60) ? between(1, 2) : 0;
    for (int s = 0; s < nstrings; s++)
        line("var s%d = \"%s\";", s, chance(50) ? "" : "ab");
    nmaps = chance(60) ? between(1, 2) : 0;
    for (int m = 0; m < nmaps; m++) {
        fprintf(out, "var m%d = {", m);
        for (int k = 0; k < 5; k++)
            fprintf(out, "%d: %d, ", k, below(100));
        fprintf(out, "\"a\": %d, \"b\": %d};\n", below(100), below(100));
    }
}

void gen_program(uint64_t seed, FILE *to)
{
    out = to;
    rng_state = seed;
    indent = 0;
    nfuns = nclosures = nlists = nstrings = nmaps = 0;
    have_classes = false;
    counter_id = var_id = 0;
    loop_budget = 0;
    fprintf(out, "// gen_lox %" PRIu64 "\n", seed);

    Scope globals;
    memset(&globals, 0, sizeof globals);
    int ng = between(2, 5);
    for (int g = 0; g < ng; g++) {
        Expr e = {{0}};
        number(&e);
        line("var g%d = %s;", g, e.s);
        add(globals.num, &globals.nnum, "g%d", g);
    }
    use_math = chance(60);
    use_print_in_loops = chance(50);
    use_poly = chance(60);
    use_calls = chance(60);
    int np = use_poly ? between(1, 3) : 0;
    for (int p = 0; p < np; p++) {
        line("var p%d = %d;", p, below(10));
        add(globals.poly, &globals.npoly, "p%d", p);
    }
    functions(&globals);
    closures();
    classes();
    lists();
    strings_and_maps();

    /* The body: a few blocks, each with hot outer loops. */
    int nblocks = between(1, 3);
    for (int b = 0; b < nblocks; b++) {
        line("{");
        indent++;
        Scope sc = globals;
        int nv = between(1, 3);
        for (int v = 0; v < nv; v++) {
            int id = var_id++;
            Expr e = {{0}};
            number(&e);
            line("var v%d = %s;", id, e.s);
            add(sc.num, &sc.nnum, "v%d", id);
        }
        loop_budget = between(3, 8);
        loop_stmt(&sc, 4);
        for (int v = 0; v < sc.nnum; v++)
            line("print %s;", sc.num[v].name);
        indent--;
        line("}");
    }
    line("print rec(%d, %d);", between(0, 50), below(100));
    for (int l = 0; l < nlists; l++)
        line("print xs%d;", l);
    for (int s = 0; s < nstrings; s++)
        line("print s%d;", s);
    for (int m = 0; m < nmaps; m++)
        line("print m%d;", m);
    for (int g = 0; g < globals.nnum; g++)
        line("print %s;", globals.num[g].name);
    if (have_classes)
        line("print o0.x; print o1.y;");
    if (chance(5))
        line("print nil + %d;", below(10));     /* an error, on purpose */
}

#ifndef GEN_LOX_NO_MAIN
int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_lox SEED\n");
        return 64;
    }
    gen_program(strtoull(argv[1], NULL, 10), stdout);
    return 0;
}
#endif
