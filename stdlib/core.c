/* core.c -- the built-in global functions (LANGUAGE.md section 2.10).
**
** clock len str num type range chr input assert error exit. Each checks
** its arguments and names itself on misuse (`len() expects a string, list,
** map or range.`). Choices the language page leaves open:
**   - num(x) of a number returns x; of anything but a string or number it
**     is an error. The text must be a whole number literal with an
**     optional sign (`-1.5e3`, `+0x1F`, `  42 `): `1.`, `.5`, `inf` and
**     `0x` are not numbers, so they give nil.
**   - exit() without an argument exits with 0; stdout is flushed first.
**   - input() strips one trailing "\n" only (a "\r" stays, as in Python).
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "stdlib/lib.h"
#include "vm/print.h"

/* -- Inspecting values ------------------------------------------------- */

static Value core_clock(VM *vm, int argc, Value *args)
{
    (void)vm, (void)argc, (void)args;
    return lx_number((double)clock() / CLOCKS_PER_SEC);
}

static Value core_len(VM *vm, int argc, Value *args)
{
    (void)argc;
    Value v = args[0];
    if (is_obj(v)) {
        switch ((ObjType)as_obj(v)->type) {
        case OBJ_STRING: return lx_number(AS_STRING(v)->len);
        case OBJ_LIST:   return lx_number(AS_LIST(v)->count);
        case OBJ_MAP:    return lx_number(AS_MAP(v)->count);
        case OBJ_RANGE:  return lx_number(range_len(AS_RANGE(v)));
        default:         break;
        }
    }
    vm_error(vm, "len() expects a string, list, map or range.");
}

static Value core_str(VM *vm, int argc, Value *args)
{
    (void)argc;
    if (is_obj_type(args[0], OBJ_STRING))
        return args[0];
    return obj_val(value_to_str(vm, args[0]));
}

static Value core_str_nogc(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = value_try_str(vm, args[0]);
    return s != NULL ? obj_val(s) : UNDEF_VAL;
}

static Value core_type(VM *vm, int argc, Value *args)
{
    (void)argc;
    const char *name = value_type_name(args[0]);
    return obj_val(str_copy(vm, name, strlen(name)));
}

/* -- num() ------------------------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *skip_digits(const char *p, const char *end, int (*is_digit)(int))
{
    while (p < end && is_digit((unsigned char)*p))
        p++;
    return p;
}

/* Returns the end of the number literal starting at p (after an optional
** sign), or NULL if [p, end) does not start with one. */
static const char *scan_number(const char *p, const char *end)
{
    if (p < end && (*p == '+' || *p == '-'))
        p++;
    if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        const char *q = skip_digits(p + 2, end, isxdigit);
        return q == p + 2 ? NULL : q;
    }
    const char *q = skip_digits(p, end, isdigit);
    if (q == p)
        return NULL;
    if (q < end && *q == '.') {
        const char *f = skip_digits(q + 1, end, isdigit);
        if (f == q + 1)
            return NULL;        /* "1." is not a literal */
        q = f;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        const char *e = q + 1;
        if (e < end && (*e == '+' || *e == '-'))
            e++;
        const char *x = skip_digits(e, end, isdigit);
        if (x == e)
            return NULL;        /* "1e" is not a literal */
        q = x;
    }
    return q;
}

static Value core_num(VM *vm, int argc, Value *args)
{
    (void)argc;
    Value v = args[0];
    if (is_number(v))
        return v;
    if (!is_obj_type(v, OBJ_STRING))
        vm_error(vm, "num() expects a string or number.");
    ObjString *s = AS_STRING(v);
    const char *p = s->chars, *end = s->chars + s->len;
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;
    const char *q = scan_number(p, end);
    if (q == NULL || q != end)
        return NIL_VAL;
    /* The syntax is checked, and what follows `end` is whitespace or the
    ** string's terminating NUL, so strtod reads exactly [p, end): it
    ** rounds correctly and knows hex. */
    return lx_number(strtod(p, NULL));
}

/* -- range() ----------------------------------------------------------- */

static Value core_range(VM *vm, int argc, Value *args)
{
    double b[3] = {0, 0, 1};
    for (int i = 0; i < argc; i++) {
        if (!lib_integer(args[i], &b[i]))
            vm_error(vm, "range() expects integer arguments.");
        b[i] += 0.0;    /* -0 becomes 0: a range holds integers */
    }
    if (argc == 1) {
        b[1] = b[0];
        b[0] = 0;
    }
    if (b[2] == 0)
        vm_error(vm, "range() step must not be zero.");
    return obj_val(range_new(vm, b[0], b[1], b[2]));
}

/* -- Strings and input ------------------------------------------------- */

static Value core_chr(VM *vm, int argc, Value *args)
{
    (void)argc;
    double d;
    if (!lib_integer(args[0], &d) || d < 0 || d > 255)
        vm_error(vm, "chr() expects an integer from 0 to 255.");
    char c = (char)(unsigned char)d;
    return obj_val(str_copy(vm, &c, 1));
}

static Value core_input(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    return lib_read_line(vm);
}

/* -- Errors and exit --------------------------------------------------- */

/* The text of msg as str() gives it, for error messages. */
static const char *message_text(VM *vm, Value msg)
{
    if (is_obj_type(msg, OBJ_STRING))
        return AS_STRING(msg)->chars;
    ObjString *s = value_to_str(vm, msg);
    /* vm_error copies the text before it unwinds, and nothing allocates in
    ** between, so s needs no root. */
    return s->chars;
}

static Value core_assert(VM *vm, int argc, Value *args)
{
    if (!is_falsey(args[0]))
        return NIL_VAL;
    if (argc < 2)
        vm_error(vm, "Assertion failed.");
    vm_error(vm, "%s", message_text(vm, args[1]));
}

static Value core_error(VM *vm, int argc, Value *args)
{
    (void)argc;
    vm_error(vm, "%s", message_text(vm, args[0]));
}

static Value core_exit(VM *vm, int argc, Value *args)
{
    double code = 0;
    if (argc > 0 && (!lib_integer(args[0], &code) || code < 0 || code > 255))
        vm_error(vm, "exit() expects an integer from 0 to 255.");
    fflush(stdout);
    exit((int)code);
}

/* -- Registration ------------------------------------------------------ */

static const LibFn core_fns[] = {
    {"clock",  core_clock,  0, 0, NULL},
    {"len",    core_len,    1, 1, NULL},
    {"str",    core_str,    1, 1, core_str_nogc},
    {"num",    core_num,    1, 1, NULL},
    {"type",   core_type,   1, 1, NULL},
    {"range",  core_range,  1, 3, NULL},
    {"chr",    core_chr,    1, 1, NULL},
    {"input",  core_input,  0, 0, NULL},
    {"assert", core_assert, 1, 2, NULL},
    {"error",  core_error,  1, 1, NULL},
    {"exit",   core_exit,   0, 1, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_core_open(VM *vm)
{
    lib_register_globals(vm, core_fns);
}
