/* test_numfmt.c -- num_format against LANGUAGE.md "Numbers". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/print.h"
#include "tests/unit/support.h"

static void check(double d, const char *want)
{
    char buf[LX_NUM_BUF];
    int n = num_format(d, buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_specials(void **state)
{
    (void)state;
    check(NAN, "nan");
    check(-NAN, "nan");
    check(INFINITY, "inf");
    check(-INFINITY, "-inf");
    check(0.0, "0");
    check(-0.0, "-0");
}

static void test_integers(void **state)
{
    (void)state;
    check(3, "3");
    check(-7, "-7");
    check(1000000, "1000000");
    check(9007199254740992.0, "9007199254740992");       /* 2^53 */
    check(9007199254740993.0, "9007199254740992");       /* rounds to 2^53 */
    check(9007199254740994.0, "9007199254740994");
    check(-9007199254740992.0, "-9007199254740992");
    check(9999999999999998.0, "9999999999999998");       /* largest below 1e16 */
    check(2147483648.0, "2147483648");
    check(-2147483649.0, "-2147483649");
    check(1e16, "1e+16");
    check(-1e16, "-1e+16");
    check(1e17, "1e+17");
    check(123456789012345680000.0, "1.2345678901234568e+20");
}

static void test_fractions(void **state)
{
    (void)state;
    check(0.1 + 0.2, "0.30000000000000004");
    check(0.1, "0.1");
    check(0.5, "0.5");
    check(-1.5, "-1.5");
    check(0.00001, "1e-05");
    check(0.0001, "0.0001");
    check(123.456, "123.456");
    check(1e15 + 0.5, "1000000000000000.5");
    check(1.0 / 3.0, "0.3333333333333333");
    check(2.0 / 3.0, "0.6666666666666666");
    check(-1.5e-7, "-1.5e-07");
    check(3.14159, "3.14159");
    check(5e-324, "5e-324");                     /* smallest subnormal */
    check(DBL_MIN, "2.2250738585072014e-308");
    check(DBL_MAX, "1.7976931348623157e+308");
    check(-DBL_MAX, "-1.7976931348623157e+308");
    check(4503599627370495.5, "4503599627370495.5");  /* 2^52 - 0.5 */
}

/* Cheap reproducible 64-bit generator for the random sweep. */
static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rng_next(void)
{
    uint64_t x = rng_state += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void check_shortest(double d)
{
    char buf[LX_NUM_BUF], tmp[64];
    int n = num_format(d, buf);
    assert_int_equal(n, (int)strlen(buf));
    double back = strtod(buf, NULL);
    uint64_t a, b;
    memcpy(&a, &d, sizeof a);
    memcpy(&b, &back, sizeof b);
    if (a != b)
        fail_msg("%.17g printed as %s reads back as %.17g", d, buf, back);
    if (fabs(d) < 1e16 && d == trunc(d))
        return;               /* the integer form, checked elsewhere */
    /* Shortest: the text is %.*g at some p, and p - 1 does not read back. */
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    assert_true(p <= 17);
    if (strcmp(tmp, buf) != 0)
        fail_msg("%.17g: got %s, shortest is %s", d, buf, tmp);
}

static void test_random_roundtrip(void **state)
{
    (void)state;
    for (int i = 0; i < 60000; i++) {
        uint64_t bits = rng_next();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (isnan(d) || isinf(d))
            continue;
        check_shortest(d);
    }
    /* Numbers a program is more likely to print: small decimals, ratios,
    ** integers near the 1e16 and 2^53 boundaries. */
    for (int i = 0; i < 20000; i++) {
        uint64_t r = rng_next();
        check_shortest((double)(int64_t)(r % 2000001) / 1000.0 - 1000.0);
        check_shortest((double)(r % 100000 + 1) / (double)((r >> 20) % 997 + 1));
        check_shortest(1e16 + (double)(int64_t)(r % 1000) * 2 - 1000);
        check_shortest(9007199254740992.0 + (double)(int64_t)(r % 64) - 32);
        check_shortest(ldexp((double)(r >> 11), (int)(r % 200) - 100 - 53));
        /* Subnormals (exponent field 0), where 15 digits are too many. */
        uint64_t sub = r & 0x800fffffffffffffull;
        double ds;
        memcpy(&ds, &sub, sizeof ds);
        check_shortest(ds);
        check_shortest(ldexp(1.0, -1022 - (int)(r % 52)));
        check_shortest(DBL_MIN * (1.0 + (double)(r % 1000) / 1000.0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_specials),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_fractions),
        cmocka_unit_test(test_random_roundtrip),
    };
    return cmocka_run_group_tests_name("numfmt", tests, NULL, NULL);
}
