/* difftest.c -- differential JIT testing in one process.
**
**   difftest [-n N] [-s SEED] [-o DIR] [-m MODES] [-j K] [-g K] [-k K] [-c] [-p SECS]
**
** Runs the programs gen_program() makes from seeds SEED .. SEED+N-1 (SEED
** defaults to one from the clock; it is printed, so any run can be
** repeated) with the interpreter alone (-joff) and then in each of MODES
** (a comma list of jstress and jon; default jstress, and jon for one
** program in K, -j K, default 4: the default mode's traces start later
** and so differ, but cost a third run), each run in a fresh VM of this
** process (tests/fuzz/fuzz_vm.c: the fuzz targets' sandboxed VM).
** stdout, stderr and the result must be identical. A divergence is
** printed with its seed and saved as DIR/diff-SEED.lox with each run's
** output (DIR defaults to /tmp/loxjit-diff); so is a program that crashes
** or hangs the process (a signal handler saves it, then the process dies
** as it would have). Minimize one with tests/fuzz/minimize.sh.
**
** Processes cost more than the programs (a program runs in about a
** millisecond); this is what makes a million programs an affair of
** minutes. One program in K also runs under GC stress (-g K; 0: none) and
** one in K under stack-relocation stress (-k K), in every mode, both
** chosen by the seed. -c turns on -O jitcheck=1 and -O ircheck=1 in the
** JIT runs: every trace exit is verified (jit/verify.c), every trace's IR
** after each optimization pass (jit/ircheck.c), and a fault aborts the process,
** saving the program like any crash.
**
** A program that reaches a cap (the execution budget, DT_MAXMEM of heap)
** under -joff is the generator's fault: counted as skipped. The JIT runs
** are capped the same way (with more budget, see DT_BUDGET), and a cap
** reached there alone is a divergence (the JIT ran away or allocated more
** than the interpreter would). A run that takes more than DT_CPU_SECONDS
** of CPU is a hang: saved, and the process exits 3. After a crash or a
** hang, go on with -s from the seed after the one named.
**
** Prints a progress line every SECS seconds (-p, default 30) and at the
** end a summary with programs per second, then "N passed, M failed" (the
** suite line of `make test`). Exit status 1 when anything diverged.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_vm.h"
#include "tests/fuzz/gen_lox.h"
#include "vm/params.h"

/* Hot-counter charges (every few back-edges) a -joff run may make: far
** more than any generated program needs, so that reaching it means a
** runaway. A trace charges one per iteration, not one per slice of them,
** so the JIT runs get DT_JIT_BUDGET_X times as much; how many iterations
** a slice stands for depends on the program (seed 60194831 needed 27x),
** so a JIT run capped where -joff was not runs once more with
** DT_JIT_BUDGET_RETRY times as much before it counts as a divergence. */
#define DT_BUDGET 2000000
#define DT_JIT_BUDGET_X 16
#define DT_JIT_BUDGET_RETRY 1024
#define DT_MAXMEM (256 << 20)
#define DT_CPU_SECONDS 20

/* -- One run ----------------------------------------------------------------- */

typedef struct {
    char *out, *err;
    size_t nout, nerr;
    int result;         /* LxResult */
    bool capped;        /* the budget or the memory cap stopped it */
} Outcome;

typedef struct {
    const char *name;   /* as on the command line, without the dash */
    FzMode mode;
} Mode;

static const Mode all_modes[] = {{"jstress", FZ_JSTRESS}, {"jon", FZ_JON}};

/* The run going on, for the crash handler: what it printed so far. */
static Outcome *cur_run;

/* -c: the JIT runs verify every exit (-O jitcheck=1, jit/verify.c); a
** fault aborts, which the crash handler reports. */
static bool jitcheck;

/* The JIT runs' budget, in units of DT_BUDGET. */
static uint32_t jit_budget_x = DT_JIT_BUDGET_X;

static void run(FzMode mode, const char *src, size_t len, bool gc_stress, bool stack_stress,
                Outcome *o)
{
    memset(o, 0, sizeof *o);
    FILE *real_out = stdout, *real_err = stderr;
    FILE *out = open_memstream(&o->out, &o->nout);
    FILE *err = open_memstream(&o->err, &o->nerr);
    if (out == NULL || err == NULL) {
        perror("difftest: open_memstream");
        exit(2);
    }
    stdout = out;
    stderr = err;
    cur_run = o;
    VM *vm = fz_vm_new(mode);
    vm->gc_stress = gc_stress;
    vm_set_stress_stack(vm, stack_stress);
    vm->budget = mode == FZ_JOFF ? DT_BUDGET : DT_BUDGET * jit_budget_x;
    vm->jit_opts.param[PARAM_maxmem] = DT_MAXMEM;
    vm->jit_opts.param[PARAM_jitcheck] = jitcheck && mode != FZ_JOFF;
    vm->jit_opts.param[PARAM_ircheck] = jitcheck && mode != FZ_JOFF;    /* jit/ircheck.h */
    o->result = (int)vm_interpret(vm, src, len, "<difftest>");
    o->capped = vm->budget == 0;
    vm_free(vm);
    cur_run = NULL;
    fclose(out);
    fclose(err);
    stdout = real_out;
    stderr = real_err;
    if (o->err != NULL && strstr(o->err, "Out of memory.") != NULL)
        o->capped = true;
}

static bool same(const Outcome *a, const Outcome *b)
{
    return a->result == b->result && a->capped == b->capped && a->nout == b->nout &&
           a->nerr == b->nerr && memcmp(a->out, b->out, a->nout) == 0 &&
           memcmp(a->err, b->err, a->nerr) == 0;
}

static void release(Outcome *o)
{
    free(o->out);
    free(o->err);
}

/* -- Saving what went wrong -------------------------------------------------- */

static const char *dir = "/tmp/loxjit-diff";

static void save_file(const char *path, const char *a, size_t na, const char *b, size_t nb,
                      const char *tail)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "difftest: cannot write %s: %s\n", path, strerror(errno));
        return;
    }
    fwrite(a, 1, na, f);
    if (b != NULL)
        fwrite(b, 1, nb, f);
    if (tail != NULL)
        fputs(tail, f);
    fclose(f);
}

static void save_outcome(uint64_t seed, const char *mode, const Outcome *o)
{
    char path[512], tail[64];
    snprintf(path, sizeof path, "%s/diff-%llu.%s.out", dir, (unsigned long long)seed, mode);
    snprintf(tail, sizeof tail, "exit %d%s\n", o->result, o->capped ? " (capped)" : "");
    save_file(path, o->out, o->nout, o->err, o->nerr, tail);
}

/* The first line where two outputs differ, for the report. */
static void first_difference(const Outcome *a, const Outcome *b)
{
    const char *what = "stdout";
    const char *x = a->out, *y = b->out;
    size_t nx = a->nout, ny = b->nout;
    if (nx == ny && memcmp(x, y, nx) == 0) {
        what = "stderr";
        x = a->err, y = b->err, nx = a->nerr, ny = b->nerr;
    }
    if (nx == ny && (nx == 0 || memcmp(x, y, nx) == 0)) {
        printf("  results: %d%s against %d%s\n", a->result, a->capped ? " (capped)" : "",
               b->result, b->capped ? " (capped)" : "");
        return;
    }
    size_t i = 0, line = 1, start = 0;
    while (i < nx && i < ny && x[i] == y[i]) {
        if (x[i] == '\n')
            line++, start = i + 1;
        i++;
    }
    int lx = 0, ly = 0;
    while (start + (size_t)lx < nx && x[start + lx] != '\n' && lx < 200)
        lx++;
    while (start + (size_t)ly < ny && y[start + ly] != '\n' && ly < 200)
        ly++;
    printf("  %s line %zu: -joff '%.*s', jit '%.*s'\n", what, line, lx, x + start, ly, y + start);
}

/* -- Crashes and hangs ------------------------------------------------------ */

/* What the signal handlers need, set up before each run: only
** async-signal-safe calls happen there. */
static const char *cur_src;
static size_t cur_len;
static char cur_path[512];
static char cur_note[700];

static void save_current(void)
{
    int fd = open(cur_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        ssize_t w = write(fd, cur_src, cur_len);
        (void)w;
        close(fd);
    }
    ssize_t w = write(2, cur_note, strlen(cur_note));
    (void)w;
}

static void on_crash(int sig)
{
    /* Not async-signal-safe, but the process is dying anyway, and what
    ** the run printed last (a jitcheck fault, say) is the best clue. */
    if (cur_run != NULL && stderr != NULL && fflush(stderr) == 0 && cur_run->err != NULL) {
        static const char head[] = "difftest: the run's stderr:\n";
        ssize_t w = write(2, head, sizeof head - 1);
        w = write(2, cur_run->err, cur_run->nerr);
        (void)w;
    }
    save_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_hang(int sig)
{
    (void)sig;
    static const char msg[] = "difftest: the run above took too long: a hang\n";
    save_current();
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(3);
}

static void arm(int seconds)
{
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = seconds;
    setitimer(ITIMER_VIRTUAL, &t, NULL);
}

/* -- Driver ------------------------------------------------------------------ */

/* A seed's own bits choose its stress runs (splitmix64's finalizer). */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
    fprintf(stderr, "usage: difftest [-n N] [-s SEED] [-o DIR] [-m jstress,jon] [-j K] [-g K]"
                    " [-k K] [-c] [-p SECS]\n");
    exit(64);
}

int main(int argc, char **argv)
{
    uint64_t n = 1000, seed = 0, gc_every = 0, stack_every = 0;
    bool have_seed = false;
    double progress = 30;
    const Mode *modes[2] = {&all_modes[0], NULL};
    int nmodes = 1;
    uint64_t jon_every = 4;
    int c;
    while ((c = getopt(argc, argv, "n:s:o:m:j:g:k:p:c")) != -1) {
        switch (c) {
        case 'n': n = strtoull(optarg, NULL, 10); break;
        case 's': seed = strtoull(optarg, NULL, 10), have_seed = true; break;
        case 'o': dir = optarg; break;
        case 'c': jitcheck = true; break;
        case 'j': jon_every = strtoull(optarg, NULL, 10); break;
        case 'g': gc_every = strtoull(optarg, NULL, 10); break;
        case 'k': stack_every = strtoull(optarg, NULL, 10); break;
        case 'p': progress = atof(optarg); break;
        case 'm': {
            nmodes = 0;
            char *list = strdup(optarg), *save = NULL;
            for (char *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
                if (*m == '-')
                    m++;
                int k = strcmp(m, "jstress") == 0 ? 0 : strcmp(m, "jon") == 0 ? 1 : -1;
                if (k < 0 || nmodes == 2)
                    usage();
                modes[nmodes++] = &all_modes[k];
            }
            if (nmodes == 0)
                usage();
            jon_every = 0;
            break;
        }
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if (!have_seed)
        seed = (uint64_t)time(NULL) % 1000000000 * 1000;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "difftest: cannot make %s: %s\n", dir, strerror(errno));
        return 2;
    }
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGILL, on_crash);
    signal(SIGFPE, on_crash);
    signal(SIGABRT, on_crash);
    signal(SIGVTALRM, on_hang);

    printf("difftest: %llu programs from seed %llu, -joff against", (unsigned long long)n,
           (unsigned long long)seed);
    for (int m = 0; m < nmodes; m++)
        printf(" -%s", modes[m]->name);
    if (jon_every != 0)
        printf(" (and -jon for 1 in %llu)", (unsigned long long)jon_every);
    printf("; gc stress 1 in %llu, stack stress 1 in %llu%s; divergences go to %s\n",
           (unsigned long long)gc_every, (unsigned long long)stack_every,
           jitcheck ? "; jitcheck on" : "", dir);
    fflush(stdout);

    uint64_t agree = 0, diverge = 0, skipped = 0, done = 0;
    double t0 = now(), next_report = t0 + progress;
    for (uint64_t s = seed; s < seed + n; s++, done++) {
        char *src = NULL;
        size_t len = 0;
        FILE *p = open_memstream(&src, &len);
        if (p == NULL)
            return 2;
        gen_program(s, p);
        fclose(p);
        uint64_t h = mix(s);
        bool gcs = gc_every != 0 && h % gc_every == 0;
        bool sts = stack_every != 0 && (h >> 20) % stack_every == 0;
        int nm = nmodes;
        if (jon_every != 0 && (h >> 40) % jon_every == 0)
            modes[nm++] = &all_modes[1];

        cur_src = src;
        cur_len = len;
        snprintf(cur_path, sizeof cur_path, "%s/diff-%llu.lox", dir, (unsigned long long)s);
        Outcome a, b;
        snprintf(cur_note, sizeof cur_note, "difftest: seed %llu crashed or hung under -joff: %s\n",
                 (unsigned long long)s, cur_path);
        arm(DT_CPU_SECONDS);
        run(FZ_JOFF, src, len, gcs, sts, &a);
        arm(0);
        if (a.capped) {
            skipped++;
            printf("difftest: seed %llu skipped: -joff reached a cap\n", (unsigned long long)s);
            release(&a);
            free(src);
            continue;
        }
        bool bad = false;
        for (int m = 0; m < nm; m++) {
            snprintf(cur_note, sizeof cur_note, "difftest: seed %llu crashed or hung under -%s: %s\n",
                     (unsigned long long)s, modes[m]->name, cur_path);
            arm(DT_CPU_SECONDS);
            run(modes[m]->mode, src, len, gcs, sts, &b);
            arm(0);
            if (b.capped && !a.capped) {
                /* The budget, not the JIT, may have stopped it: again with
                ** room for any iterations-per-slice ratio (a runaway still
                ** ends here, or at DT_CPU_SECONDS as a hang). */
                release(&b);
                jit_budget_x = DT_JIT_BUDGET_RETRY;
                arm(DT_CPU_SECONDS);
                run(modes[m]->mode, src, len, gcs, sts, &b);
                arm(0);
                jit_budget_x = DT_JIT_BUDGET_X;
            }
            if (!same(&a, &b)) {
                if (!bad)
                    save_file(cur_path, src, len, NULL, 0, NULL);
                bad = true;
                printf("DIVERGENCE seed %llu under -%s%s%s: %s\n", (unsigned long long)s,
                       modes[m]->name, gcs ? " (gc stress)" : "", sts ? " (stack stress)" : "",
                       cur_path);
                first_difference(&a, &b);
                save_outcome(s, "joff", &a);
                save_outcome(s, modes[m]->name, &b);
            }
            release(&b);
        }
        release(&a);
        free(src);
        if (bad)
            diverge++;
        else
            agree++;
        if (progress > 0 && now() >= next_report) {
            double t = now() - t0;
            printf("difftest: %llu run, %llu diverge, %llu skipped, %.0f programs/s\n",
                   (unsigned long long)(done + 1), (unsigned long long)diverge,
                   (unsigned long long)skipped, (double)(done + 1) / t);
            fflush(stdout);
            next_report = now() + progress;
        }
    }
    double t = now() - t0;
    printf("difftest: %llu agree, %llu diverge, %llu skipped (seeds %llu..%llu) in %.1f s,"
           " %.0f programs/s\n",
           (unsigned long long)agree, (unsigned long long)diverge, (unsigned long long)skipped,
           (unsigned long long)seed, (unsigned long long)(seed + n - 1), t,
           t > 0 ? (double)done / t : 0.0);
    printf("%llu passed, %llu failed\n", (unsigned long long)agree, (unsigned long long)diverge);
    return diverge != 0;
}
