/* main.c -- the loxjit program: parse the command line, read the script,
** run it in a fresh VM, and turn the outcome into an exit status.
**
** Exit statuses (LANGUAGE.md section 3): 0 success, 64 bad usage, 65
** compile error, 70 runtime error, 74 a script that cannot be read; a
** script's exit(N) leaves with N from inside the stdlib.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/bench.h"
#include "cli/options.h"
#include "cli/repl.h"
#include "lang/compile.h"
#include "vm/config.h"
#include "vm/debug.h"
#include "vm/object.h"
#include "vm/vm.h"

#define EXIT_USAGE 64
#define EXIT_IOERR 74

/* -- Reading the script ------------------------------------------------- */

/* The whole of f, NUL-terminated (the NUL is not counted in *len; the
** script may contain NULs of its own). NULL with errno set on failure. */
static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (cap - n < 2) {
            char *bigger = cap < ((size_t)-1) / 2 ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int e = errno ? errno : EIO;
                free(buf);
                errno = e;
                return NULL;
            }
            break;
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Reports its own failure and returns NULL. */
static char *read_script(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "loxjit: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    errno = 0;
    char *src = read_all(f, len);
    if (!src)
        fprintf(stderr, "loxjit: cannot read '%s': %s\n", path, strerror(errno));
    fclose(f);
    return src;
}

/* -- Running ------------------------------------------------------------ */

/* Hand the script's arguments to the VM: argc/argv for anyone who wants
** them, and into the os.args list when the stdlib has made one. */
static void set_args(VM *vm, int argc, char **argv)
{
    vm->argc = argc;
    vm->argv = argv;
    if (!is_obj_type(vm->args, OBJ_LIST) || AS_LIST(vm->args)->count != 0)
        return;
    for (int i = 0; i < argc; i++) {
        Value s = obj_val(str_copy(vm, argv[i], strlen(argv[i])));
        vm_push_root(vm, s);
        list_push(vm, AS_LIST(vm->args), s);
        vm_pop_root(vm, 1);
    }
}

/* --dump-bytecode: compile once just to print the code to stderr (the run
** compiles again). False when it did not compile; the errors are out. */
static bool dump_bytecode(VM *vm, const char *source, size_t len, const char *path)
{
    bool incomplete = false;
    ObjFunction *fn = lx_compile(vm, source, len, path, COMPILE_SCRIPT, &incomplete);
    if (!fn)
        return false;
    dbg_disassemble(stderr, fn, true);
    return true;
}

static int exit_status(LxResult r)
{
    switch (r) {
    case LX_OK: return 0;
    case LX_COMPILE_ERROR: return 65;
    case LX_RUNTIME_ERROR: return 70;
    }
    return 70;
}

int main(int argc, char **argv)
{
    /* `loxjit bench ...` is a subcommand; `loxjit ./bench` still runs a file. */
    if (argc >= 2 && strcmp(argv[1], "bench") == 0)
        return bench_main(argc - 1, argv + 1);

    CliOptions opt;
    char err[256];
    if (cli_parse(argc, argv, isatty(0), &opt, err, sizeof err) != 0) {
        fprintf(stderr, "loxjit: %s\nTry 'loxjit --help' for more information.\n", err);
        return EXIT_USAGE;
    }
    if (opt.action == CLI_HELP) {
        cli_usage(stdout);
        return 0;
    }
    if (opt.action == CLI_VERSION) {
        printf("loxjit %s\n", LX_VERSION);
        return 0;
    }

    /* Read the script before making the VM: an unreadable file costs nothing. */
    char *source = NULL;
    size_t len = 0;
    const char *path = NULL;
    switch (opt.action) {
    case CLI_RUN_FILE:
        path = opt.file;
        source = read_script(path, &len);
        if (!source)
            return EXIT_IOERR;
        break;
    case CLI_RUN_STDIN:
        path = "<stdin>";
        source = read_all(stdin, &len);
        if (!source) {
            fprintf(stderr, "loxjit: cannot read stdin: %s\n", strerror(errno));
            return EXIT_IOERR;
        }
        break;
    case CLI_RUN_CODE:
        path = "-e";
        len = strlen(opt.code);
        break;
    default:
        break;
    }

    VM *vm = vm_new();
    vm->stderr_tty = isatty(2);
    vm->gc_stress = vm->gc_stress || opt.stress_gc || LX_DEBUG_STRESS_GC;
    vm_set_stress_stack(vm, opt.stress_stack);
    vm->trace_hot = opt.debug_hot;
    set_args(vm, opt.argc, opt.argv);
    /* The JIT's switches live in the VM, where jit.on()/off()/param()
    ** change them; hotloop is also the interpreter's hot-counter start. */
    vm->jit_opts = opt.jit;
    vm->hotloop = (uint16_t)opt.jit.param[PARAM_hotloop];
    if (opt.jit.stress)
        vm->hotloop = 1;    /* -jstress: record every loop after one iteration */

    int status;
    const char *text = opt.code ? opt.code : source;
    if (opt.action == CLI_REPL) {
        status = repl_run(vm);
    } else if (opt.dump_bytecode && !dump_bytecode(vm, text, len, path)) {
        status = exit_status(LX_COMPILE_ERROR);
    } else {
        vm->script_path = path;
        status = exit_status(vm_interpret(vm, text, len, path));
    }
    fflush(stdout);
    vm_free(vm);
    free(source);
    return status;
}
