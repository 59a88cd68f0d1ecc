/* bench_int.h -- what the parts of `loxjit bench` share (cli/bench.h).
**
**   bench.c         options, the benchmark directory, the measuring loop
**   bench_run.c     one child process: fork, exec, wait4 with a timeout
**   bench_peers.c   the other systems: finding them, compiling C twins
**   bench_report.c  medians, the table, --json
**   bench_plot.c    --plot through gnuplot
**
** A "system" is one way of running a program: a JIT mode of this binary
** or a peer. Results live in a grid of cells, one per (program, system).
*/
#ifndef LX_CLI_BENCH_INT_H
#define LX_CLI_BENCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define BENCH_EXIT_FAIL 1
#define BENCH_EXIT_USAGE 64
#define BENCH_EXIT_IOERR 74

/* -- Systems ------------------------------------------------------------- */

/* The JIT modes of loxjit itself. X(id, name, command-line flag) */
#define BENCH_MODES(X)          \
    X(JOFF, "joff", "-joff")    \
    X(JON,  "jon",  "-jon")

/* The peers of --compare, in table order. X(id, name, executable looked up
** in PATH, twin's file extension, Debian package that has the executable).
** The C twins are compiled by the executable (cc) and run on their own. */
#define BENCH_PEERS(X)                                          \
    X(LUA54,   "lua5.4",  "lua5.4",  ".lua", "lua5.4")          \
    X(LUAJIT,  "luajit",  "luajit",  ".lua", "luajit")          \
    X(PYTHON3, "python3", "python3", ".py",  "python3")         \
    X(PYPY3,   "pypy3",   "pypy3",   ".py",  "pypy3")           \
    X(NODE,    "node",    "node",    ".js",  "nodejs")          \
    X(C,       "c",       "cc",      ".c",   "gcc")

/* INVARIANT(bench-modes-first): the modes come before the peers, so
** `s < SYS__MODES` tells a mode. Relied on by bench_is_mode and the
** table, which shows modes first. */
typedef enum {
#define BENCH_SYS_ENUM(id, ...) SYS_##id,
    BENCH_MODES(BENCH_SYS_ENUM)
    BENCH_PEERS(BENCH_SYS_ENUM)
#undef BENCH_SYS_ENUM
    SYS__COUNT
} BenchSystem;

#define BENCH_PLUS_ONE(...) +1
enum { SYS__MODES = 0 BENCH_MODES(BENCH_PLUS_ONE) };
#undef BENCH_PLUS_ONE
_Static_assert(SYS_JOFF == 0 && (int)SYS_LUA54 == (int)SYS__MODES,
               "bench-modes-first: the peers follow the modes");

static inline bool bench_is_mode(int s) { return s < SYS__MODES; }

/* -- Runs and cells -------------------------------------------------------- */

/* X(id, name in --json, text in the table) */
#define BENCH_STATUSES(X)                  \
    X(OK,     "ok",     "ok")              \
    X(FAILED, "failed", "FAILED")          \
    X(WRONG,  "wrong",  "WRONG")

typedef enum {
#define BENCH_STATUS_ENUM(id, json, text) BENCH_##id,
    BENCH_STATUSES(BENCH_STATUS_ENUM)
#undef BENCH_STATUS_ENUM
} BenchStatus;

typedef struct {
    int index;              /* 1-based among the warmups, or among the timed runs */
    bool warmup;
    BenchStatus status;
    /* INVARIANT(bench-untimed-failures): only a BENCH_OK run has a time;
    ** a failed or wrong one keeps 0 here. Relied on by bench_summarize
    ** (medians) and --json (null seconds). */
    double seconds;         /* wall clock, fork to reaped */
    long maxrss_kb;         /* wait4's ru_maxrss */
    char detail[160];       /* why it is not BENCH_OK */
} BenchRun;

typedef struct {
    bool present;           /* this system runs this program (a twin exists) */
    BenchStatus status;     /* BENCH_OK until a run goes wrong */
    char detail[160];       /* the first failure, for the notes under the table */
    char *exe;              /* a compiled C twin */
    BenchRun *runs;         /* every run done, in order */
    int nruns;
    /* Filled by bench_summarize when status is BENCH_OK and a timed run
    ** happened (timed > 0). */
    int timed;
    double median, min, max;
    double maxrss_mb;       /* the highest peak of all its runs */
} BenchCell;

typedef struct {
    char *name;             /* "fib" for DIR/fib.lox */
    char *expected;         /* DIR/expected/NAME.out, byte for byte */
    size_t expected_len;
    bool kernel;            /* marked `// kernel: numeric`: one of the numeric
                            ** kernels, whose geometric mean the report
                            ** shows on a row of its own */
} BenchProgram;

typedef struct {
    /* The command line. */
    const char *dir_opt, *filter, *json, *plot;
    int runs, warmup;
    double timeout;
    bool want[SYS__COUNT];  /* asked for by --modes and --compare */

    /* Found before running. */
    char *dir;                      /* the benchmark directory */
    char *self;                     /* this binary */
    char *exe[SYS__COUNT];          /* each peer's executable, when found */
    bool use[SYS__COUNT];           /* asked for and available */
    int reference;                  /* the mode peers are compared with, or -1 */
    BenchProgram *progs;
    int nprogs;
    BenchCell *cells;               /* nprogs rows of SYS__COUNT */
    FILE *json_out;
    double load;                    /* 1-minute load average at the start */

    /* Progress on a terminal. */
    bool tty;
    bool line_shown;
} Bench;

static inline BenchCell *bench_cell(Bench *b, int prog, int sys)
{
    return &b->cells[(size_t)prog * SYS__COUNT + (size_t)sys];
}

extern const char *const bench_system_names[SYS__COUNT];
extern const char *const bench_status_json[];
extern const char *const bench_status_text[];

/* bench.c: a line on stderr, "loxjit bench: ...", that first clears the
** progress line. */
void bench_note(Bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Out of memory is not worth recovering from here. */
void *bench_xmalloc(size_t n);
char *bench_xstrdup(const char *s);
char *bench_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* -- bench_run.c ------------------------------------------------------------ */

/* Where a child's output goes: unlinked temporary files, reused by every
** run (emptied before each). */
typedef struct {
    int out_fd, err_fd, null_fd;
} BenchCapture;

typedef struct {
    double seconds;
    long maxrss_kb;
    int wstatus;            /* from wait4 */
    bool timed_out;         /* killed by us after the timeout */
} BenchProc;

bool bench_capture_open(BenchCapture *c);
void bench_capture_close(BenchCapture *c);
/* Run argv (argv[0] a path) with stdin from /dev/null and stdout/stderr into
** c, kill it after timeout seconds (0: never). False, with errno, when no
** process could be started. */
bool bench_spawn(char *const argv[], double timeout, BenchCapture *c, BenchProc *p);
/* Up to max bytes of what the child wrote to fd, NUL-terminated; *len is
** the file's whole size. Caller frees. */
char *bench_capture_read(int fd, size_t max, size_t *len);
/* The first (or last) non-blank line the child wrote to stderr, shortened
** to fit buf; empty when it wrote nothing. */
void bench_stderr_line(BenchCapture *c, bool last, char *buf, size_t n);
/* "exit status 70: <first line of stderr>", "killed by signal 11", ... into
** buf; false when the process exited with status 0. */
bool bench_describe_failure(const BenchProc *p, BenchCapture *c, char *buf, size_t n);

/* -- bench_peers.c ---------------------------------------------------------- */

/* The full path of an executable found in PATH (or name itself when it has
** a slash), or NULL. Caller frees. */
char *bench_which(const char *name);
/* Decide b->use from b->want: find each peer's executable, note the
** missing ones, compile the C twins into the cache. */
void bench_peers_prepare(Bench *b);
/* The command that runs program p on system s (a mode or a peer), all
** malloc'ed, for bench_argv_free. NULL when s has no twin of p. */
char **bench_argv(Bench *b, int p, int s);
void bench_argv_free(char **argv);

/* -- bench_report.c --------------------------------------------------------- */

void bench_summarize(Bench *b);
void bench_print_table(Bench *b, FILE *out);
/* Returns false when the file could not be written. */
bool bench_write_json(Bench *b, FILE *out);

/* -- bench_plot.c ----------------------------------------------------------- */

/* The gnuplot executable, or NULL. Caller frees. */
char *bench_plot_tool(void);
/* Draw the medians into the PNG at path; false (with a note) on failure. */
bool bench_plot(Bench *b, const char *gnuplot, const char *path);

#endif
