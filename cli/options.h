/* options.h -- the command line of loxjit, parsed into one struct.
**
**   loxjit [OPTIONS] [FILE [ARGS...]]      run FILE ("-": stdin)
**   loxjit [OPTIONS] -e CODE [ARGS...]     run CODE
**   loxjit [OPTIONS]                       REPL on a terminal, else stdin
**   loxjit bench [BENCH OPTIONS]           the benchmarks (cli/bench.h)
**
** Options come before the script; everything after FILE (or after -e CODE)
** is the script's own arguments, even when it looks like an option.
** CLI_OPTIONS is the one list of options: the parser and --help expand it.
** main.c hands `bench` as the first argument to bench_main before this
** parser runs; a script called bench is still run as ./bench.
*/
#ifndef LX_CLI_OPTIONS_H
#define LX_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include "vm/params.h"

#define LX_VERSION "0.1.0"

/* X(id, spelling, argument or NULL, help text) */
#define CLI_OPTIONS(X)                                                            \
    X(EVAL,       "-e",              "CODE",       "run CODE instead of a file")    \
    X(JOFF,       "-joff",           NULL,         "turn the JIT compiler off")     \
    X(JON,        "-jon",            NULL,         "turn the JIT compiler on (the default)") \
    X(JV,         "-jv",             NULL,         "log trace starts, ends and aborts to stderr") \
    X(JDUMP,      "-jdump",          NULL,         "dump each trace: source, bytecode, IR, mcode (-jdump=FILE)") \
    X(JSTRESS,    "-jstress",        NULL,         "compile every loop as soon as it runs (testing)") \
    X(PARAM,      "-O",              "NAME=VALUE", "set a JIT parameter (list below)") \
    X(PERF,       "--perf",          NULL,         "write /tmp/perf-PID.map and /tmp/jit-PID.dump for perf") \
    X(STRESS_GC,  "--stress-gc",     NULL,         "collect garbage at every allocation (testing)") \
    X(STRESS_STACK, "--stress-stack", NULL,        "move the VM stack at every call (testing)") \
    X(DUMP_BC,    "--dump-bytecode", NULL,         "print the compiled bytecode before running") \
    X(DEBUG_HOT,  "--debug-hot",     NULL,         "report loop counters reaching zero")  \
    X(HELP,       "--help",          NULL,         "show this help and exit")       \
    X(VERSION,    "--version",       NULL,         "print the version and exit")

typedef enum {
#define CLI_OPT_ENUM(id, spelling, arg, help) OPT_##id,
    CLI_OPTIONS(CLI_OPT_ENUM)
#undef CLI_OPT_ENUM
    OPT__COUNT
} CliOptionId;

typedef enum {
    CLI_RUN_FILE,   /* .file */
    CLI_RUN_CODE,   /* .code */
    CLI_RUN_STDIN,  /* the whole of stdin is the script */
    CLI_REPL,
    CLI_HELP,
    CLI_VERSION
} CliAction;

typedef struct {
    CliAction action;
    const char *file;
    const char *code;
    int argc;           /* the script's arguments */
    char **argv;
    bool stress_gc;
    bool stress_stack;
    bool debug_hot;
    bool dump_bytecode;
    JitOptions jit;
} CliOptions;

/* Parse argv. stdin_tty decides between the REPL and reading a script
** from stdin when there is no FILE. Returns 0, or 64 (bad usage) with a
** one-line message in err. */
int cli_parse(int argc, char **argv, bool stdin_tty, CliOptions *o, char *err, size_t errlen);

/* The --help text. */
void cli_usage(FILE *out);

#endif
