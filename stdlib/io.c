/* io.c -- the `io` module (LANGUAGE.md section 5): whole files, stdout,
** stderr and stdin.
**
** Misuse names the function (`io.readFile() expects a string.`); a failure
** of the system names the function, the path and the system's reason:
** `io.readFile: cannot open 'x': No such file or directory.` Files are
** read and written as bytes, without any newline translation.
**
** Choices the language page leaves open:
**   - write, writeErr, writeFile and appendFile take strings only (use
**     str(x) for anything else), as print is the way to show any value.
**   - readLines splits at "\n" only, as input() does: a "\r" before it
**     stays. An empty file gives [], a trailing "\n" no empty last line.
**   - writeErr flushes stdout first, so what a program prints to both
**     streams appears in order on a terminal.
**   - A path containing a NUL byte cannot name a file: it fails with the
**     reason "Invalid argument" (EINVAL).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdlib/lib.h"

/* -- Arguments and failures -------------------------------------------- */

static ObjString *path_arg(VM *vm, Value v, const char *fn)
{
    if (!is_obj_type(v, OBJ_STRING))
        vm_error(vm, "io.%s() expects a string.", fn);
    return AS_STRING(v);
}

/* The two strings of writeFile(path, text) and appendFile(path, text). */
static void two_strings(VM *vm, const Value *args, const char *fn)
{
    if (!is_obj_type(args[0], OBJ_STRING) || !is_obj_type(args[1], OBJ_STRING))
        vm_error(vm, "io.%s() expects two strings.", fn);
}

/* `io.FN: cannot VERB 'PATH': REASON.` with the reason from err. */
static _Noreturn void io_fail(VM *vm, const char *fn, const char *verb, ObjString *path,
                              int err)
{
    vm_error(vm, "io.%s: cannot %s '%s': %s.", fn, verb, path->chars, strerror(err));
}

/* False (errno EINVAL) when path holds a NUL byte and so names no file. */
static bool usable_path(const ObjString *path)
{
    if (strlen(path->chars) == path->len)
        return true;
    errno = EINVAL;
    return false;
}

/* -- Reading ----------------------------------------------------------- */

/* The whole of path as a malloc'd buffer (*len bytes, NUL-terminated), or
** NULL with *verb ("open" or "read") and errno saying what failed. The
** file is closed before this returns, so the caller may raise at once. */
static char *slurp(const ObjString *path, size_t *len, const char **verb)
{
    *verb = "open";
    if (!usable_path(path))
        return NULL;
    FILE *f = fopen(path->chars, "rb");
    if (f == NULL)
        return NULL;
    *verb = "read";
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int err = buf == NULL ? ENOMEM : 0;
    while (err == 0) {
        if (cap - n < 2) {
            char *bigger = cap <= UINT32_MAX ? realloc(buf, cap * 2) : NULL;
            if (bigger == NULL) {
                /* A Lox string holds at most 2^32 - 1 bytes. */
                err = cap <= UINT32_MAX ? ENOMEM : EFBIG;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            /* Reading a directory fails here with EISDIR. */
            if (ferror(f))
                err = errno != 0 ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (err == 0 && n > UINT32_MAX)
        err = EFBIG;
    if (err != 0) {
        free(buf);
        errno = err;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static Value io_read_file(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *path = path_arg(vm, args[0], "readFile");
    size_t len;
    const char *verb;
    errno = 0;
    char *text = slurp(path, &len, &verb);
    if (text == NULL)
        io_fail(vm, "readFile", verb, path, errno);
    /* If str_copy raises Out of memory the buffer leaks; the error ends
    ** the program (or the REPL line) anyway. */
    ObjString *s = str_copy(vm, text, len);
    free(text);
    return obj_val(s);
}

static Value io_read_lines(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *path = path_arg(vm, args[0], "readLines");
    size_t len;
    const char *verb;
    errno = 0;
    char *text = slurp(path, &len, &verb);
    if (text == NULL)
        io_fail(vm, "readLines", verb, path, errno);
    ObjList *lines = list_new(vm, 0);
    vm_push_root(vm, obj_val(lines));
    size_t start = 0;
    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        ObjString *line = str_copy(vm, text + start, end - start);
        vm_push_root(vm, obj_val(line));
        list_push(vm, lines, obj_val(line));
        vm_pop_root(vm, 1);
        start = end + 1;
    }
    free(text);
    vm_pop_root(vm, 1);
    return obj_val(lines);
}

static Value io_exists(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *path = path_arg(vm, args[0], "exists");
    struct stat st;
    return bool_val(usable_path(path) && stat(path->chars, &st) == 0);
}

/* -- Writing and removing ---------------------------------------------- */

/* Write text to path, opened with mode "wb" or "ab". */
static void put_file(VM *vm, const Value *args, const char *mode, const char *fn)
{
    two_strings(vm, args, fn);
    ObjString *path = AS_STRING(args[0]), *text = AS_STRING(args[1]);
    if (!usable_path(path))
        io_fail(vm, fn, "open", path, errno);
    FILE *f = fopen(path->chars, mode);
    if (f == NULL)
        io_fail(vm, fn, "open", path, errno);
    errno = 0;
    size_t put = fwrite(text->chars, 1, text->len, f);
    int err = put < text->len ? (errno != 0 ? errno : EIO) : 0;
    /* fclose flushes: a full disk may only show up here. */
    if (fclose(f) != 0 && err == 0)
        err = errno != 0 ? errno : EIO;
    if (err != 0)
        io_fail(vm, fn, "write", path, err);
}

static Value io_write_file(VM *vm, int argc, Value *args)
{
    (void)argc;
    put_file(vm, args, "wb", "writeFile");
    return NIL_VAL;
}

static Value io_append_file(VM *vm, int argc, Value *args)
{
    (void)argc;
    put_file(vm, args, "ab", "appendFile");
    return NIL_VAL;
}

static Value io_remove(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *path = path_arg(vm, args[0], "remove");
    if (!usable_path(path) || remove(path->chars) != 0)
        io_fail(vm, "remove", "remove", path, errno);
    return NIL_VAL;
}

/* -- The standard streams ---------------------------------------------- */

static Value io_write(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = path_arg(vm, args[0], "write");
    fwrite(s->chars, 1, s->len, stdout);
    return NIL_VAL;
}

static Value io_write_err(VM *vm, int argc, Value *args)
{
    (void)argc;
    ObjString *s = path_arg(vm, args[0], "writeErr");
    fflush(stdout);
    fwrite(s->chars, 1, s->len, stderr);
    fflush(stderr);
    return NIL_VAL;
}

static Value io_read_line(VM *vm, int argc, Value *args)
{
    (void)argc, (void)args;
    return lib_read_line(vm);
}

/* -- Registration ------------------------------------------------------ */

static const LibFn io_fns[] = {
    {"readFile",   io_read_file,   1, 1, NULL},
    {"writeFile",  io_write_file,  2, 2, NULL},
    {"appendFile", io_append_file, 2, 2, NULL},
    {"readLines",  io_read_lines,  1, 1, NULL},
    {"exists",     io_exists,      1, 1, NULL},
    {"remove",     io_remove,      1, 1, NULL},
    {"write",      io_write,       1, 1, NULL},
    {"writeErr",   io_write_err,   1, 1, NULL},
    {"readLine",   io_read_line,   0, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void lib_io_open(VM *vm)
{
    lib_register_module(vm, "io", io_fns);
}
