/* bench.c -- `loxjit bench`: options, the benchmark directory and the
** measuring loop (cli/bench.h; the other parts are listed in bench_int.h).
**
** Runs are interleaved: for each program, round r runs every system once
** before round r+1 starts. On a machine whose speed drifts (other load,
** clock scaling) the drift then lands on all systems alike instead of on
** whichever ran last.
**
** A run counts only if it exits with status 0 and prints exactly
** expected/NAME.out. The first run that does not (warmups included) marks
** its cell FAILED or WRONG, and that cell runs no more: a wrong answer
** has no time worth showing.
*/
#define _GNU_SOURCE
#include "cli/bench.h"
#include "cli/bench_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* -- Small helpers ------------------------------------------------------- */

void *bench_xmalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fputs("loxjit bench: out of memory\n", stderr);
        exit(70);
    }
    return p;
}

char *bench_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(bench_xmalloc(n), s, n);
}

char *bench_xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fputs("loxjit bench: out of memory\n", stderr);
        exit(70);
    }
    return s;
}

static void clear_line(Bench *b)
{
    if (b->line_shown) {
        fputs("\r\033[K", stderr);
        b->line_shown = false;
    }
}

void bench_note(Bench *b, const char *fmt, ...)
{
    clear_line(b);
    va_list ap;
    va_start(ap, fmt);
    fputs("loxjit bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* -- Options ------------------------------------------------------------- */

static void usage(FILE *out)
{
    fputs("usage: loxjit bench [OPTIONS]\n"
          "\n"
          "Runs the benchmark programs DIR/NAME.lox with this loxjit in each JIT mode,\n"
          "and their twins in DIR/peers/ with the peers asked for; checks every run's\n"
          "output against DIR/expected/NAME.out and prints median, min and max wall-clock\n"
          "seconds and peak memory per program and system, with ratios and geometric means.\n"
          "\n"
          "Options:\n"
          "  --filter NAMES     only programs whose name contains one of NAMES (a,b,c)\n"
          "  --runs N           timed runs per program and system (default 5)\n"
          "  --warmup N         untimed runs before them (default 1)\n"
          "  --timeout SEC      a run taking longer fails (default 120)\n"
          "  --modes MODES      joff, jon or joff,jon (the default)\n"
          "  --compare SYSTEMS  peers to run too: lua5.4, luajit, python3, pypy3, node, c,\n"
          "                     comma-separated, or all (default: none); missing ones are\n"
          "                     skipped with a note\n"
          "  --json FILE        write every run and the summary to FILE\n"
          "  --plot FILE.png    draw the medians as a bar chart (needs gnuplot)\n"
          "  --dir DIR          the benchmark directory (default: ./bench, else bench/\n"
          "                     beside the loxjit executable)\n"
          "  --help             show this help\n"
          "\n"
          "Exit status: 0 when every run printed the expected output, 1 when a run\n"
          "failed or printed something else, 64 bad usage, 74 no benchmark directory.\n",
          out);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("loxjit bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'loxjit bench --help' for more information.\n", stderr);
    va_end(ap);
    return BENCH_EXIT_USAGE;
}

static bool parse_int(const char *s, int lo, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > 1000000)
        return false;
    *out = (int)v;
    return true;
}

/* Set want[] for each name of a comma list; which says which kind of name
** is allowed. "all" means every one of that kind. */
static int parse_systems(Bench *b, const char *list, bool modes)
{
    const char *opt = modes ? "--modes" : "--compare";
    int lo = modes ? 0 : SYS__MODES, hi = modes ? SYS__MODES : SYS__COUNT;
    for (int s = lo; s < hi; s++)
        b->want[s] = false;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        bool found = false;
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            for (int s = lo; s < hi; s++)
                b->want[s] = true;
            found = true;
        }
        for (int s = lo; s < hi && !found; s++)
            if (strlen(bench_system_names[s]) == n && strncmp(p, bench_system_names[s], n) == 0)
                b->want[s] = found = true;
        if (!found && n > 0)
            return usage_error("%s: unknown %s '%.*s' (%s)", opt, modes ? "mode" : "system",
                               (int)n, p,
                               modes ? "joff, jon" : "lua5.4, luajit, python3, pypy3, node, c, all");
        p += n;
        if (*p == ',')
            p++;
    }
    if (modes && !b->want[SYS_JOFF] && !b->want[SYS_JON])
        return usage_error("--modes: name joff, jon or both");
    return 0;
}

/* Returns 0, -1 for --help, or an exit status. */
static int parse_options(Bench *b, int argc, char **argv)
{
    b->runs = 5;
    b->warmup = 1;
    b->timeout = 120;
    b->want[SYS_JOFF] = b->want[SYS_JON] = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return -1;
        static const char *const with_value[] = {"--filter", "--runs", "--warmup", "--timeout",
                                                  "--modes",  "--compare", "--json", "--plot",
                                                  "--dir"};
        const char *name = NULL, *value = NULL;
        for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++) {
            size_t n = strlen(with_value[k]);
            if (strncmp(a, with_value[k], n) == 0 && (a[n] == '\0' || a[n] == '=')) {
                name = with_value[k];
                value = a[n] == '=' ? a + n + 1 : NULL;
            }
        }
        if (!name)
            return usage_error(a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", a);
        if (!value) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs an argument", name);
            value = argv[++i];
        }
        int st = 0;
        if (strcmp(name, "--filter") == 0) {
            b->filter = value;
        } else if (strcmp(name, "--runs") == 0) {
            if (!parse_int(value, 1, &b->runs))
                return usage_error("--runs: expected a whole number from 1, not '%s'", value);
        } else if (strcmp(name, "--warmup") == 0) {
            if (!parse_int(value, 0, &b->warmup))
                return usage_error("--warmup: expected a whole number from 0, not '%s'", value);
        } else if (strcmp(name, "--timeout") == 0) {
            char *end;
            b->timeout = strtod(value, &end);
            if (end == value || *end || !(b->timeout > 0 && b->timeout < 1e6))
                return usage_error("--timeout: expected seconds above 0, not '%s'", value);
        } else if (strcmp(name, "--modes") == 0) {
            st = parse_systems(b, value, true);
        } else if (strcmp(name, "--compare") == 0) {
            st = parse_systems(b, value, false);
        } else if (strcmp(name, "--json") == 0) {
            b->json = value;
        } else if (strcmp(name, "--plot") == 0) {
            b->plot = value;
        } else {
            b->dir_opt = value;
        }
        if (st)
            return st;
    }
    return 0;
}

/* -- The benchmark directory --------------------------------------------- */

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A directory found without --dir must look like a benchmark directory:
** one with expected/ in it. */
static bool is_bench_dir(const char *path)
{
    char *exp = bench_xprintf("%s/expected", path);
    bool ok = is_dir(exp);
    free(exp);
    return ok;
}

static int find_dir(Bench *b)
{
    if (b->dir_opt) {
        if (!is_dir(b->dir_opt)) {
            fprintf(stderr, "loxjit bench: --dir %s: not a directory\n", b->dir_opt);
            return BENCH_EXIT_IOERR;
        }
        b->dir = bench_xstrdup(b->dir_opt);
        return 0;
    }
    if (is_bench_dir("bench")) {
        b->dir = bench_xstrdup("bench");
        return 0;
    }
    char *exe_bench = bench_xprintf("%s", b->self);
    char *slash = strrchr(exe_bench, '/');
    if (slash)
        strcpy(slash + 1, "bench"); /* "bench" is shorter than the name it replaces */
    if (slash && is_bench_dir(exe_bench)) {
        b->dir = exe_bench;
        return 0;
    }
    fprintf(stderr,
            "loxjit bench: no benchmark directory: neither ./bench nor %s holds one\n"
            "(a directory of NAME.lox programs with expected/NAME.out); use --dir DIR\n",
            slash ? exe_bench : "bench/ beside loxjit");
    free(exe_bench);
    return BENCH_EXIT_IOERR;
}

static bool filter_match(const char *filter, const char *name)
{
    if (!filter)
        return true;
    const char *p = filter;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n > 0 && memmem(name, strlen(name), p, n))
            return true;
        p += n;
        if (*p == ',')
            p++;
    }
    return false;
}

/* Whether DIR/NAME.lox says `// kernel: numeric` in its first lines: the
** programs the JIT's speed targets are stated over (docs: bench/README.md). */
static bool is_kernel(const char *dir, const char *name)
{
    char *path = bench_xprintf("%s/%s.lox", dir, name);
    FILE *f = fopen(path, "r");
    free(path);
    if (f == NULL)
        return false;
    char line[256];
    bool found = false;
    for (int n = 0; n < 20 && !found && fgets(line, sizeof line, f) != NULL; n++)
        found = strncmp(line, "// kernel: numeric", 18) == 0;
    fclose(f);
    return found;
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool read_file(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t cap = 4096, n = 0;
    char *buf = bench_xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                fclose(f);
                return false;
            }
            buf = bigger;
        }
    }
    bool ok = !ferror(f);
    fclose(f);
    if (!ok) {
        free(buf);
        return false;
    }
    *text = buf;
    *len = n;
    return true;
}

/* The programs: DIR/NAME.lox in name order, those that pass the filter and
** have an expected output. */
static int find_programs(Bench *b)
{
    DIR *d = opendir(b->dir);
    if (!d) {
        fprintf(stderr, "loxjit bench: cannot read %s: %s\n", b->dir, strerror(errno));
        return BENCH_EXIT_IOERR;
    }
    char **names = NULL;
    int n = 0, cap = 0, all = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".lox") != 0)
            continue;
        all++;
        char *name = bench_xprintf("%.*s", (int)(len - 4), e->d_name);
        if (!filter_match(b->filter, name)) {
            free(name);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **bigger = realloc(names, (size_t)cap * sizeof *names);
            if (!bigger) {
                fputs("loxjit bench: out of memory\n", stderr);
                exit(70);
            }
            names = bigger;
        }
        names[n++] = name;
    }
    closedir(d);
    if (all == 0) {
        fprintf(stderr, "loxjit bench: no programs (NAME.lox) in %s\n", b->dir);
        return BENCH_EXIT_IOERR;
    }
    if (n == 0) {
        free(names);
        return usage_error("--filter %s: no program in %s matches", b->filter, b->dir);
    }
    qsort(names, (size_t)n, sizeof *names, cmp_names);

    b->progs = bench_xmalloc((size_t)n * sizeof *b->progs);
    for (int i = 0; i < n; i++) {
        char *path = bench_xprintf("%s/expected/%s.out", b->dir, names[i]);
        BenchProgram *p = &b->progs[b->nprogs];
        if (read_file(path, &p->expected, &p->expected_len)) {
            p->name = names[i];
            p->kernel = is_kernel(b->dir, names[i]);
            b->nprogs++;
        } else {
            bench_note(b, "skipping %s: cannot read %s: %s", names[i], path, strerror(errno));
            free(names[i]);
        }
        free(path);
    }
    free(names);
    if (b->nprogs == 0) {
        fprintf(stderr, "loxjit bench: no program has an expected output\n");
        return BENCH_EXIT_IOERR;
    }
    return 0;
}

/* -- Measuring ----------------------------------------------------------- */

/* Where out differs from the expected text, in words. */
static void describe_difference(const char *want, size_t want_len, const char *got,
                                size_t got_len, size_t got_total, char *buf, size_t n)
{
    size_t i = 0, line = 1, bol = 0;
    while (i < want_len && i < got_len && want[i] == got[i]) {
        if (want[i] == '\n') {
            line++;
            bol = i + 1;
        }
        i++;
    }
    size_t we = bol, ge = bol;
    while (we < want_len && want[we] != '\n')
        we++;
    while (ge < got_len && got[ge] != '\n')
        ge++;
    int wl = (int)(we - bol > 40 ? 40 : we - bol), gl = (int)(ge - bol > 40 ? 40 : ge - bol);
    if (bol >= got_total)
        snprintf(buf, n, "output ends before line %zu (expected \"%.*s\")", line, wl, want + bol);
    else if (bol >= want_len)
        snprintf(buf, n, "output goes on past the expected end: line %zu \"%.*s\"", line, gl,
                 got + bol);
    else
        snprintf(buf, n, "line %zu is \"%.*s\", expected \"%.*s\"", line, gl, got + bol, wl,
                 want + bol);
}

static void progress(Bench *b, int p, int s, int round)
{
    if (!b->tty)
        return;
    bool warm = round < b->warmup;
    fprintf(stderr, "\r[%d/%d] %s %s %s %d/%d\033[K", p + 1, b->nprogs, b->progs[p].name,
            bench_system_names[s], warm ? "warmup" : "run", warm ? round + 1 : round - b->warmup + 1,
            warm ? b->warmup : b->runs);
    fflush(stderr);
    b->line_shown = true;
}

static void record(BenchCell *cell, const BenchRun *r)
{
    BenchRun *runs = realloc(cell->runs, (size_t)(cell->nruns + 1) * sizeof *runs);
    if (!runs) {
        fputs("loxjit bench: out of memory\n", stderr);
        exit(70);
    }
    cell->runs = runs;
    cell->runs[cell->nruns++] = *r;
}

static void run_one(Bench *b, BenchCapture *cap, int p, int s, int round)
{
    BenchCell *cell = bench_cell(b, p, s);
    BenchProgram *prog = &b->progs[p];
    char **argv = bench_argv(b, p, s);
    if (!argv)
        return;
    BenchRun r = {.warmup = round < b->warmup, .status = BENCH_OK};
    r.index = r.warmup ? round + 1 : round - b->warmup + 1;
    BenchProc proc;
    progress(b, p, s, round);
    if (!bench_spawn(argv, b->timeout, cap, &proc)) {
        r.status = BENCH_FAILED;
        snprintf(r.detail, sizeof r.detail, "cannot start %s: %s", argv[0], strerror(errno));
    } else if (bench_describe_failure(&proc, cap, r.detail, sizeof r.detail)) {
        r.status = BENCH_FAILED;
    } else {
        size_t len;
        char *out = bench_capture_read(cap->out_fd, prog->expected_len + 4096, &len);
        if (len != prog->expected_len || memcmp(out, prog->expected, len) != 0) {
            r.status = BENCH_WRONG;
            describe_difference(prog->expected, prog->expected_len, out,
                                len < prog->expected_len + 4096 ? len : prog->expected_len + 4096,
                                len, r.detail, sizeof r.detail);
        }
        free(out);
    }
    bench_argv_free(argv);
    if (r.status == BENCH_OK) /* bench-untimed-failures */
        r.seconds = proc.seconds;
    r.maxrss_kb = r.status == BENCH_FAILED ? 0 : proc.maxrss_kb;
    record(cell, &r);
    if (r.status != BENCH_OK) {
        cell->status = r.status;
        snprintf(cell->detail, sizeof cell->detail, "%s", r.detail);
        bench_note(b, "%s %s: %s: %s", prog->name, bench_system_names[s],
                   bench_status_text[r.status], r.detail);
    }
}

static void measure(Bench *b, BenchCapture *cap)
{
    for (int p = 0; p < b->nprogs; p++)
        for (int round = 0; round < b->warmup + b->runs; round++)
            for (int s = 0; s < SYS__COUNT; s++) {
                BenchCell *cell = bench_cell(b, p, s);
                if (b->use[s] && cell->present && cell->status == BENCH_OK)
                    run_one(b, cap, p, s, round);
            }
    clear_line(b);
}

/* -- The command --------------------------------------------------------- */

static void bench_free(Bench *b)
{
    for (int p = 0; p < b->nprogs; p++) {
        free(b->progs[p].name);
        free(b->progs[p].expected);
        for (int s = 0; s < SYS__COUNT && b->cells; s++) {
            free(bench_cell(b, p, s)->exe);
            free(bench_cell(b, p, s)->runs);
        }
    }
    for (int s = 0; s < SYS__COUNT; s++)
        free(b->exe[s]);
    free(b->progs);
    free(b->cells);
    free(b->dir);
    free(b->self);
}

/* What would only fail after the whole run is checked before it: gnuplot
** before anything else, the JSON file once the programs are found. */
static int check_plot(Bench *b, char **gnuplot)
{
    if (!b->plot)
        return 0;
    *gnuplot = bench_plot_tool();
    if (!*gnuplot) {
        fprintf(stderr, "loxjit bench: --plot needs gnuplot (apt-get install gnuplot-nox)\n");
        return BENCH_EXIT_FAIL;
    }
    char *dir = bench_xstrdup(b->plot);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir] = '\0'; /* keep "/" itself */
    bool ok = access(slash ? dir : ".", W_OK) == 0;
    free(dir);
    if (!ok) {
        fprintf(stderr, "loxjit bench: --plot %s: cannot write there\n", b->plot);
        return BENCH_EXIT_IOERR;
    }
    return 0;
}

static int open_json(Bench *b)
{
    if (!b->json)
        return 0;
    b->json_out = strcmp(b->json, "-") == 0 ? stdout : fopen(b->json, "w");
    if (!b->json_out) {
        fprintf(stderr, "loxjit bench: --json %s: %s\n", b->json, strerror(errno));
        return BENCH_EXIT_IOERR;
    }
    return 0;
}

int bench_main(int argc, char **argv)
{
    Bench b;
    memset(&b, 0, sizeof b);
    b.reference = -1;
    int st = parse_options(&b, argc, argv);
    if (st < 0) {
        usage(stdout);
        return 0;
    }
    if (st)
        return st;
    /* A SIGCHLD ignored by whoever started us would make the kernel reap
    ** our children before wait4 sees them. */
    signal(SIGCHLD, SIG_DFL);
    b.self = realpath("/proc/self/exe", NULL);
    if (!b.self) {
        fprintf(stderr, "loxjit bench: cannot find this program (/proc/self/exe): %s\n",
                strerror(errno));
        return BENCH_EXIT_IOERR;
    }
    b.tty = isatty(2);
    double load[1];
    b.load = getloadavg(load, 1) == 1 ? load[0] : 0;

    char *gnuplot = NULL;
    BenchCapture cap = {-1, -1, -1};
    if ((st = check_plot(&b, &gnuplot)) == 0 && (st = find_dir(&b)) == 0 &&
        (st = find_programs(&b)) == 0 && (st = open_json(&b)) == 0) {
        b.cells = bench_xmalloc((size_t)b.nprogs * SYS__COUNT * sizeof *b.cells);
        b.reference = b.want[SYS_JON] ? SYS_JON : SYS_JOFF;
        bench_peers_prepare(&b);
        if (!bench_capture_open(&cap)) {
            fprintf(stderr, "loxjit bench: cannot make temporary files: %s\n", strerror(errno));
            st = BENCH_EXIT_IOERR;
        }
    }
    if (st == 0) {
        measure(&b, &cap);
        bench_summarize(&b);
        bench_print_table(&b, stdout);
        fflush(stdout);
        if (b.json_out && !bench_write_json(&b, b.json_out)) {
            bench_note(&b, "--json %s: could not write it all", b.json);
            st = BENCH_EXIT_IOERR;
        }
        if (b.plot && !bench_plot(&b, gnuplot, b.plot))
            st = BENCH_EXIT_FAIL;
        for (int p = 0; p < b.nprogs && st == 0; p++)
            for (int s = 0; s < SYS__COUNT; s++)
                if (bench_cell(&b, p, s)->present && bench_cell(&b, p, s)->status != BENCH_OK)
                    st = BENCH_EXIT_FAIL;
    }
    if (b.json_out && b.json_out != stdout && fclose(b.json_out) != 0 && st == 0) {
        bench_note(&b, "--json %s: %s", b.json, strerror(errno));
        st = BENCH_EXIT_IOERR;
    }
    bench_capture_close(&cap);
    free(gnuplot);
    bench_free(&b);
    return st;
}
