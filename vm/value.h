/* value.h -- the 8-byte NaN-boxed Value.
**
** Every Lox value fits in one uint64_t. A double is stored as its own bit
** pattern; everything else lives in the negative quiet-NaN space, which no
** double produced by the VM occupies because NaNs are canonicalized to the
** positive quiet NaN (LX_CANON_NAN) before they are boxed.
**
**   0x0000.. - 0xFFF0..   double (incl. +-inf and the canonical +NaN)
**   0xFFF8 0000 00000000  reserved (a negative NaN: never produced)
**   0xFFF9 0000 iiiiiiii  int32 i (the low 32 bits)
**   0xFFFA 0000 0000000k  specials: nil (0), false (1), true (2), undef (3)
**   0xFFFC pppp pppppppp  pointer to an Obj (48-bit address)
**
** Order tricks, relied on by the interpreter and later the JIT:
**   is_number(v)  == v < LX_TAG_SPECIAL  (doubles and int32s sit below)
**   is_falsey(v)  == v - NIL < 2         (nil and false are adjacent)
**
** INVARIANT(int-never-neg-zero): an int32 Value never stands for -0; -0 is
** always the double -0.0. Relied on by: num_format, arithmetic fast paths
** (0 * -1 must yield the double -0), value_equal, map key hashing.
**
** INVARIANT(number-representation-unobservable): int32 and double are two
** encodings of one Lox number type. Any operation that inspects a number
** (print, ==, map keys, type()) must give the same answer for int 2 and
** double 2.0. Integral doubles are NOT eagerly normalized to int32 after
** double arithmetic (keeping float loops on the double path); number
** literals, num(), / and %, and library results go through lx_number(),
** which picks int32 when the value is integral, fits, and is not -0.
*/
#ifndef LX_VALUE_H
#define LX_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t Value;
typedef struct Obj Obj;

#define LX_TAG_INT      0xFFF9000000000000ull
#define LX_TAG_SPECIAL  0xFFFA000000000000ull
#define LX_TAG_OBJ      0xFFFC000000000000ull
#define LX_TAG_MASK     0xFFFF000000000000ull
#define LX_CANON_NAN    0x7FF8000000000000ull

#define NIL_VAL    ((Value)(LX_TAG_SPECIAL | 0))
#define FALSE_VAL  ((Value)(LX_TAG_SPECIAL | 1))
#define TRUE_VAL   ((Value)(LX_TAG_SPECIAL | 2))
/* UNDEF_VAL never reaches a Lox program: it marks an undefined global slot
** and an empty hash-table slot. */
#define UNDEF_VAL  ((Value)(LX_TAG_SPECIAL | 3))

_Static_assert(FALSE_VAL == NIL_VAL + 1, "is_falsey relies on nil, false adjacency");
_Static_assert(LX_TAG_INT < LX_TAG_SPECIAL, "is_number relies on int below specials");

static inline bool is_int(Value v)    { return (v & LX_TAG_MASK) == LX_TAG_INT; }
static inline bool is_double(Value v) { return v < 0xFFF8000000000000ull; }
static inline bool is_number(Value v) { return v < LX_TAG_SPECIAL; }
static inline bool is_nil(Value v)    { return v == NIL_VAL; }
static inline bool is_bool(Value v)   { return v - FALSE_VAL < 2; }
static inline bool is_obj(Value v)    { return (v & LX_TAG_MASK) == LX_TAG_OBJ; }
static inline bool is_falsey(Value v) { return v - NIL_VAL < 2; }

static inline int32_t as_int(Value v) { return (int32_t)(uint32_t)v; }
static inline double as_double(Value v)
{
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}
/* Any number as a double, whichever encoding it has. */
static inline double as_num(Value v)
{
    return is_int(v) ? (double)as_int(v) : as_double(v);
}
static inline bool as_bool(Value v) { return v == TRUE_VAL; }
static inline Obj *as_obj(Value v)  { return (Obj *)(uintptr_t)(v & ~LX_TAG_MASK); }

static inline Value int_val(int32_t i) { return LX_TAG_INT | (uint32_t)i; }
/* A double as a double, NaN canonicalized. Use for results of double
** arithmetic; use lx_number() where an integral result should become int. */
static inline Value double_val(double d)
{
    Value v;
    memcpy(&v, &d, sizeof v);
    return d != d ? LX_CANON_NAN : v;
}
static inline Value bool_val(bool b) { return b ? TRUE_VAL : FALSE_VAL; }
static inline Value obj_val(const void *o) { return LX_TAG_OBJ | (uint64_t)(uintptr_t)o; }

/* The preferred encoding of a number: int32 when d is integral, in range
** and not -0; otherwise the (canonical) double. */
static inline Value lx_number(double d)
{
    if (d >= -2147483648.0 && d <= 2147483647.0) {
        int32_t i = (int32_t)d;
        if ((double)i == d && !(i == 0 && 1 / d < 0))
            return int_val(i);
    }
    return double_val(d);
}

/* Lox `%` (LANGUAGE.md 2.2): C's fmod, moved to b's sign when non-zero;
** a zero result is +0, so lx_number() stores it as the int 0. The
** interpreter, the constant folder and the JIT (recorder and emitted code)
** all call this one function: a trace that predicted another result than
** the interpreter computes would type the value wrongly. */
static inline double lx_mod(double a, double b)
{
    double r = __builtin_fmod(a, b);
    if (r != 0 && (r < 0) != (b < 0))
        r += b;
    return r == 0 ? 0.0 : r;
}

/* Lox `==`: numbers by value (NaN != NaN, 0 == -0), strings by content,
** everything else by identity. Defined in value.c. */
bool value_equal(Value a, Value b);

#endif
