/* time.c -- the `time` module (LANGUAGE.md section 5): clocks and sleeping.
**
** Both clocks give seconds as a number with a fraction (nanosecond
** resolution, rounded to a double: about a microsecond for time.now()).
** time.now() is the wall clock (seconds since 1970-01-01 UTC, and may jump
** when the system clock is set); time.monotonic() never goes backwards and
** is the one to time code with. clock() (core.c) is processor time.
**
** Choices the language page leaves open:
**   - time.sleep(s) takes any finite non-negative number of seconds
**     (fractions too); it flushes stdout first, so output printed before
**     a pause is visible during it, and it resumes after a signal
**     interrupts it until the whole time has passed.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "stdlib/lib.h"

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static Value time_now(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc, (void)args;
    return lx_number(clock_seconds(CLOCK_REALTIME));
}

static Value time_monotonic(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc, (void)args;
    return lx_number(clock_seconds(CLOCK_MONOTONIC));
}

static Value time_sleep(VM *vm, int argc, Value *args)
{
    (void)argc;
    if (!is_number(args[0]) || !(as_num(args[0]) >= 0) || isinf(as_num(args[0])))
        vm_error(vm, "time.sleep() expects a non-negative number.");
    double s = as_num(args[0]);
    fflush(stdout);
    struct timespec want;
    /* Beyond what time_t holds, sleeping "forever" is close enough. */
    double whole = floor(s);
    want.tv_sec = whole < 1e15 ? (time_t)whole : (time_t)1e15;
    want.tv_nsec = (long)((s - whole) * 1e9);
    if (want.tv_nsec > 999999999)
        want.tv_nsec = 999999999;
    while (nanosleep(&want, &want) != 0 && errno == EINTR)
        ;
    return NIL_VAL;
}

static const LibFn time_fns[] = {
    {"now",       time_now,       0, 0, NULL},
    {"monotonic", time_monotonic, 0, 0, NULL},
    {"sleep",     time_sleep,     1, 1, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_time_open(VM *vm)
{
    lib_register_module(vm, "time", time_fns);
}
