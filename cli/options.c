/* options.c -- command-line parsing and the --help text (cli/options.h). */
#include "cli/options.h"

#include <string.h>

static const struct {
    const char *spelling, *arg, *help;
} cli_option_info[OPT__COUNT] = {
#define CLI_OPT_INFO(id, spelling, arg, help) {spelling, arg, help},
    CLI_OPTIONS(CLI_OPT_INFO)
#undef CLI_OPT_INFO
};

static int find_option(const char *a)
{
    for (int i = 0; i < OPT__COUNT; i++)
        if (strcmp(cli_option_info[i].spelling, a) == 0)
            return i;
    if (strcmp(a, "-h") == 0)
        return OPT_HELP;
    if (strncmp(a, "-jdump=", 7) == 0 && a[7] != '\0')
        return OPT_JDUMP; /* -jdump=FILE */
    if (strncmp(a, "-O", 2) == 0 && a[2] != '\0')
        return OPT_PARAM; /* -Oname=value, LuaJIT's spelling */
    return -1;
}

int cli_parse(int argc, char **argv, bool stdin_tty, CliOptions *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    param_defaults(&o->jit);
    o->action = stdin_tty ? CLI_REPL : CLI_RUN_STDIN;
    bool help = false, version = false;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break; /* the script (or "-" for stdin) */
        int id = find_option(a);
        const char *value = NULL;
        if (id >= 0 && cli_option_info[id].arg && !(id == OPT_PARAM && a[2] != '\0')) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "option '%s' needs an argument (%s)", a,
                         cli_option_info[id].arg);
                return 64;
            }
            value = argv[++i];
        }
        switch (id) {
        case OPT_EVAL:
            o->action = CLI_RUN_CODE;
            o->code = value;
            o->argc = argc - i - 1;
            o->argv = argv + i + 1;
            goto done;
        case OPT_JOFF: o->jit.on = false; break;
        case OPT_JON: o->jit.on = true; break;
        case OPT_JV: o->jit.verbose = true; break;
        case OPT_JDUMP:
            o->jit.dump = true;
            o->jit.dump_file = a[6] == '=' ? a + 7 : NULL;
            break;
        case OPT_JSTRESS: o->jit.stress = true; break;
        case OPT_PARAM: {
            const char *msg = param_parse(&o->jit, value ? value : a + 2);
            if (msg) {
                snprintf(err, errlen, "%s", msg);
                return 64;
            }
            break;
        }
        case OPT_PERF: o->jit.perf = true; break;
        case OPT_STRESS_GC: o->stress_gc = true; break;
        case OPT_STRESS_STACK: o->stress_stack = true; break;
        case OPT_DUMP_BC: o->dump_bytecode = true; break;
        case OPT_DEBUG_HOT: o->debug_hot = true; break;
        case OPT_HELP: help = true; break;
        case OPT_VERSION: version = true; break;
        default:
            snprintf(err, errlen, "unknown option '%s'", a);
            return 64;
        }
    }
    if (i < argc) {
        if (strcmp(argv[i], "-") == 0) {
            o->action = CLI_RUN_STDIN;
        } else {
            o->action = CLI_RUN_FILE;
            o->file = argv[i];
        }
        o->argc = argc - i - 1;
        o->argv = argv + i + 1;
    }
done:
    if (help)
        o->action = CLI_HELP;
    else if (version)
        o->action = CLI_VERSION;
    return 0;
}

void cli_usage(FILE *out)
{
    fprintf(out,
            "usage: loxjit [OPTIONS] [FILE [ARGS...]]\n"
            "       loxjit [OPTIONS] -e CODE [ARGS...]\n"
            "       loxjit bench [BENCH OPTIONS]   (see loxjit bench --help)\n"
            "\n"
            "Runs the Lox script FILE (\"-\" reads it from stdin) with ARGS as os.args.\n"
            "With no FILE: the REPL when stdin is a terminal, otherwise the script on stdin.\n"
            "\n"
            "Options (before FILE or -e):\n");
    for (int i = 0; i < OPT__COUNT; i++) {
        char left[40];
        snprintf(left, sizeof left, "%s%s%s", cli_option_info[i].spelling,
                 cli_option_info[i].arg ? " " : "",
                 cli_option_info[i].arg ? cli_option_info[i].arg : "");
        fprintf(out, "  %-22s %s\n", left, cli_option_info[i].help);
    }
    fprintf(out, "\nJIT parameters (-O NAME=VALUE, several as -O a=1,b=2):\n");
    for (int i = 0; i < PARAM__COUNT; i++) {
        char left[40];
        snprintf(left, sizeof left, "%s=%d", param_info[i].name, (int)param_info[i].def);
        fprintf(out, "  %-22s %s (%d..%d)\n", left, param_info[i].doc,
                (int)param_info[i].min, (int)param_info[i].max);
    }
    fprintf(out,
            "\nExit status: 0 success, 64 bad usage, 65 compile error, 70 runtime error,\n"
            "74 script not readable; exit(N) in the script chooses N.\n");
}
