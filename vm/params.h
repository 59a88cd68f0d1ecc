/* params.h -- the JIT's switches and tuning parameters.
**
** LX_PARAMS is the one list of tuning parameters: `-O name=value` on the
** command line, jit.param(name, value) in Lox, the --help text and the JIT
** itself all expand it, so a new parameter is one line here. Values are
** integers checked against each entry's bounds.
**
** JitOptions is what the command line decides about the JIT; the CLI
** fills one and hands it to the JIT when it starts the VM.
*/
#ifndef LX_PARAMS_H
#define LX_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(name, default, min, max, what it means) */
#define LX_PARAMS(X)                                                        \
    X(hotloop, 56, 1, 65535, "loop iterations before a loop is recorded")    \
    X(hotexit, 10, 1, 65535, "exits before a side trace starts there; "      \
                             "entry-guard exits before a trace is dropped")  \
    X(maxrecord, 4000, 16, 60000, "IR instructions per trace")              \
    X(maxsnap, 500, 8, 60000, "snapshots (exits) per trace")                \
    X(maxtrace, 1000, 1, 60000, "traces before all are flushed")            \
    X(maxabort, 10, 1, 1000, "aborts before a loop is blacklisted")         \
    X(maxinline, 3, 0, 8, "nested Lox calls a trace inlines")             \
    X(sizemcode, 4096, 64, 1048576, "machine-code budget in KB")          \
    X(maxmem, 0, 0, 2147483647, "Lox heap cap in bytes (0: automatic)")    \
    X(jitcheck, 0, 0, 1, "check snapshots and frames at trace exits (debug)") \
    X(ircheck, 0, 0, 1, "check the IR after each optimization pass (debug)")

typedef enum {
#define LX_PARAM_ENUM(name, def, lo, hi, doc) PARAM_##name,
    LX_PARAMS(LX_PARAM_ENUM)
#undef LX_PARAM_ENUM
    PARAM__COUNT
} ParamId;

typedef struct {
    const char *name;
    int32_t def, min, max;
    const char *doc;
} ParamInfo;

extern const ParamInfo param_info[PARAM__COUNT];

typedef struct {
    bool on;            /* -jon / -joff */
    bool stress;        /* -jstress: record every loop at its first iteration */
    bool verbose;       /* -jv: log trace events to stderr */
    bool dump;          /* -jdump: print each trace's IR and machine code */
    bool perf;          /* --perf: write /tmp/perf-PID.map and jit-PID.dump */
    const char *dump_file; /* -jdump=FILE: where the dump goes (NULL: stderr) */
    int32_t param[PARAM__COUNT];
} JitOptions;

/* The defaults: JIT on, every parameter at its default. */
void param_defaults(JitOptions *o);
/* The parameter called name[0..len), or -1. */
int param_find(const char *name, size_t len);
/* Apply "name=value[,name=value...]" from left to right. Returns NULL on
** success, else a message naming the first bad item. */
const char *param_parse(JitOptions *o, const char *assignments);

#endif
