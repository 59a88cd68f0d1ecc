/* math.c -- the `math` module (LANGUAGE.md section 5).
**
** Every function takes numbers only and says so by name on misuse
** (`math.sqrt() expects a number.`). Results go through lx_number, so an
** integral result is an int (math.floor(2.5) is 2) while -0 stays the
** double -0, exactly as C's libm computes it: math.round(-0.4),
** math.ceil(-0.5) and math.trunc(-0.5) are -0 (as in JavaScript).
** math.round rounds halves away from zero (C's round). math.sign gives
** -1, 0 or 1, 0 for both zeros, and nan for nan. math.min and math.max
** return nan if any argument is nan, and treat -0 as below 0.
**
** math.random uses xoshiro256** (Blackman and Vigna), whose state lives in
** vm->rng. math.seed(n) fills the state from n through splitmix64, so the
** same seed gives the same sequence (n is taken as a number: 3 and 3.0
** are one seed). Without math.seed the generator is seeded from the
** clock, so runs differ.
*/
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "stdlib/lib.h"

/* -- Arguments --------------------------------------------------------- */

static double num_arg(VM *vm, Value v, const char *name)
{
    if (!is_number(v))
        vm_error(vm, "math.%s() expects a number.", name);
    return as_num(v);
}

static void check_numbers(VM *vm, int argc, const Value *args, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (!is_number(args[i]))
            vm_error(vm, "math.%s() expects numbers.", name);
}

/* -- One-argument functions -------------------------------------------- */

/* glibc's cbrt is not correctly rounded (cbrt(27) is 3.0000000000000004);
** a perfect cube gets its exact root. */
static double exact_cbrt(double x)
{
    double r = cbrt(x), n = nearbyint(r);
    return n * n * n == x ? n : r;
}

/* Functions of one number whose result is cfn's. */
#define LX_MATH_UNARY(X)                                                \
    X(sqrt,  sqrt)  X(cbrt,  exact_cbrt)  X(exp,   exp)   X(log2,  log2)  \
    X(log10, log10) X(sin,   sin)         X(cos,   cos)   X(tan,   tan)   \
    X(asin,  asin)  X(acos,  acos)        X(atan,  atan)

#define LX_MATH_DEFINE_UNARY(name, cfn)                                  \
    static Value math_##name(VM *vm, int argc, Value *args)             \
    {                                                                    \
        (void)argc;                                                      \
        return lx_number(cfn(num_arg(vm, args[0], #name)));             \
    }
LX_MATH_UNARY(LX_MATH_DEFINE_UNARY)
#undef LX_MATH_DEFINE_UNARY

/* Rounding functions map an int to itself; only doubles need libm. */
#define LX_MATH_ROUNDING(X) X(floor) X(ceil) X(round) X(trunc)

#define LX_MATH_DEFINE_ROUNDING(name)                                    \
    static Value math_##name(VM *vm, int argc, Value *args)             \
    {                                                                    \
        (void)argc;                                                      \
        if (is_int(args[0]))                                             \
            return args[0];                                              \
        return lx_number(name(num_arg(vm, args[0], #name)));            \
    }
LX_MATH_ROUNDING(LX_MATH_DEFINE_ROUNDING)
#undef LX_MATH_DEFINE_ROUNDING

static Value math_abs(VM *vm, int argc, Value *args)
{
    (void)argc;
    if (is_int(args[0]) && as_int(args[0]) > INT32_MIN)
        return int_val(as_int(args[0]) < 0 ? -as_int(args[0]) : as_int(args[0]));
    return lx_number(fabs(num_arg(vm, args[0], "abs")));
}

static Value math_sign(VM *vm, int argc, Value *args)
{
    (void)argc;
    double x = num_arg(vm, args[0], "sign");
    if (isnan(x))
        return double_val(x);
    return int_val(x > 0 ? 1 : x < 0 ? -1 : 0);
}

static Value math_isnan(VM *vm, int argc, Value *args)
{
    (void)argc;
    return bool_val(isnan(num_arg(vm, args[0], "isnan")));
}

static Value math_isinf(VM *vm, int argc, Value *args)
{
    (void)argc;
    return bool_val(isinf(num_arg(vm, args[0], "isinf")));
}

/* -- Several arguments ------------------------------------------------- */

static Value math_log(VM *vm, int argc, Value *args)
{
    check_numbers(vm, argc, args, "log");
    double r = log(as_num(args[0]));
    if (argc > 1)
        r /= log(as_num(args[1]));
    return lx_number(r);
}

static Value math_pow(VM *vm, int argc, Value *args)
{
    check_numbers(vm, argc, args, "pow");
    return lx_number(pow(as_num(args[0]), as_num(args[1])));
}

static Value math_atan2(VM *vm, int argc, Value *args)
{
    check_numbers(vm, argc, args, "atan2");
    return lx_number(atan2(as_num(args[0]), as_num(args[1])));
}

static Value math_hypot(VM *vm, int argc, Value *args)
{
    check_numbers(vm, argc, args, "hypot");
    return lx_number(hypot(as_num(args[0]), as_num(args[1])));
}

/* The extreme of args by `better`; nan wins outright. */
static Value extreme(VM *vm, int argc, const Value *args, const char *name,
                     bool (*better)(double x, double best))
{
    check_numbers(vm, argc, args, name);
    double best = as_num(args[0]);
    for (int i = 1; i < argc && !isnan(best); i++) {
        double x = as_num(args[i]);
        if (isnan(x) || better(x, best))
            best = x;
    }
    return lx_number(best);
}

static bool less(double x, double best)
{
    return x < best || (x == 0 && best == 0 && signbit(x) && !signbit(best));
}

static bool greater(double x, double best)
{
    return x > best || (x == 0 && best == 0 && !signbit(x) && signbit(best));
}

static Value math_min(VM *vm, int argc, Value *args)
{
    return extreme(vm, argc, args, "min", less);
}

static Value math_max(VM *vm, int argc, Value *args)
{
    return extreme(vm, argc, args, "max", greater);
}

/* -- Random numbers ---------------------------------------------------- */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: 256 bits of state, period 2^256 - 1, fast and good enough
** for anything but cryptography. */
static uint64_t rng_next(uint64_t s[4])
{
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* splitmix64 spreads one 64-bit seed over the state; it never yields an
** all-zero state (the one state xoshiro must not have) from any seed. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(uint64_t s[4], uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        s[i] = splitmix64(&seed);
}

/* Integers up to 2^53 in magnitude are exact in a double. */
#define LX_MAX_EXACT 9007199254740992.0

static Value math_random(VM *vm, int argc, Value *args)
{
    if (argc == 0)
        return double_val((double)(rng_next(vm->rng) >> 11) * 0x1.0p-53);
    double a, b;
    if (argc != 2 || !lib_integer(args[0], &a) || !lib_integer(args[1], &b) ||
        fabs(a) > LX_MAX_EXACT || fabs(b) > LX_MAX_EXACT)
        vm_error(vm, "math.random() expects no arguments or two integers.");
    if (a > b)
        vm_error(vm, "math.random() expects a <= b.");
    /* span is at most 2^54 + 1; rejecting draws below 2^64 mod span makes
    ** every residue equally likely. */
    uint64_t span = (uint64_t)((int64_t)b - (int64_t)a) + 1;
    uint64_t threshold = -span % span;
    uint64_t x;
    do
        x = rng_next(vm->rng);
    while (x < threshold);
    return lx_number((double)((int64_t)a + (int64_t)(x % span)));
}

static Value math_seed(VM *vm, int argc, Value *args)
{
    (void)argc;
    /* Adding +0 makes -0 and 0 one seed. */
    double d = num_arg(vm, args[0], "seed") + 0.0;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    rng_seed(vm->rng, bits);
    return NIL_VAL;
}

/* -- Without a collection (ObjNative.nogc) ------------------------------
** Every function above but random and seed raises only for an argument
** that is not a number, and none allocates: given numbers, the function is
** its own twin for a caller that must not see a collection or an error
** (a trace, jit/ncall.c). */

#define LX_MATH_OTHERS(X) X(abs) X(sign) X(isnan) X(isinf) X(log) X(pow) \
    X(atan2) X(hypot) X(min) X(max)

#define LX_MATH_DEFINE_NOGC(name, ...)                                   \
    static Value math_##name##_nogc(VM *vm, int argc, Value *args)      \
    {                                                                    \
        for (int i = 0; i < argc; i++)                                   \
            if (!is_number(args[i]))                                     \
                return UNDEF_VAL;                                        \
        return math_##name(vm, argc, args);                              \
    }
LX_MATH_UNARY(LX_MATH_DEFINE_NOGC)
LX_MATH_ROUNDING(LX_MATH_DEFINE_NOGC)
LX_MATH_OTHERS(LX_MATH_DEFINE_NOGC)
#undef LX_MATH_DEFINE_NOGC

/* -- Registration ------------------------------------------------------ */

static const LibFn math_fns[] = {
#define LX_MATH_ENTRY(name, ...) {#name, math_##name, 1, 1, math_##name##_nogc},
    LX_MATH_UNARY(LX_MATH_ENTRY)
    LX_MATH_ROUNDING(LX_MATH_ENTRY)
#undef LX_MATH_ENTRY
    {"abs",    math_abs,    1, 1, math_abs_nogc},
    {"sign",   math_sign,   1, 1, math_sign_nogc},
    {"isnan",  math_isnan,  1, 1, math_isnan_nogc},
    {"isinf",  math_isinf,  1, 1, math_isinf_nogc},
    {"log",    math_log,    1, 2, math_log_nogc},
    {"pow",    math_pow,    2, 2, math_pow_nogc},
    {"atan2",  math_atan2,  2, 2, math_atan2_nogc},
    {"hypot",  math_hypot,  2, 2, math_hypot_nogc},
    {"min",    math_min,    1, -1, math_min_nogc},
    {"max",    math_max,    1, -1, math_max_nogc},
    {"random", math_random, 0, 2, NULL},
    {"seed",   math_seed,   1, 1, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_math_open(VM *vm)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* The VM's address adds the randomness of ASLR to the clock's. */
    rng_seed(vm->rng, ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
                          (uint64_t)(uintptr_t)vm);

    ObjModule *m = lib_register_module(vm, "math", math_fns);
    lib_module_set(vm, m, "pi", double_val(3.141592653589793));
    lib_module_set(vm, m, "e", double_val(2.718281828459045));
    lib_module_set(vm, m, "inf", double_val(INFINITY));
    lib_module_set(vm, m, "nan", double_val(NAN));
}
