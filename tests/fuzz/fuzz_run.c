/* fuzz_run.c -- libFuzzer target: compile and run any bytes, once with
** the interpreter alone (-joff) and once with the JIT in stress mode, and
** compare the two.
**
** Runtime errors and compile errors are fine; a crash, a sanitizer report,
** an abort or a hang is a finding, and so is any difference between the
** runs in stdout, stderr or outcome (the VM is made deterministic for this:
** fuzz_vm.h), unless a cap below cut either run short. Caps keep every run short and small,
** each ending the program without a finding:
**   - a budget of hot-counter charges (VM.budget: at most FZ_BUDGET * 8
**     loop back-edges in the interpreter), an ordinary runtime error;
**   - the memory cap `maxmem` (FZ_MAXMEM bytes of Lox heap), which raises
**     `Out of memory.`;
**   - a CPU-time alarm (FZ_CPU_MS, then every FZ_TICK_MS). It sets the
**     budget to run out at the next back-edge the interpreter counts and
**     the memory cap to fail the next allocation (both raise errors at
**     safe points: INVARIANT(raise-before-alloc) for the second); and
**     when it lands in JIT code (an address outside every loaded object:
**     a trace looping without end never gives the interpreter a
**     back-edge), it abandons the run with siglongjmp and frees the VM.
**     Trace code holds no locks and allocates through C helpers (whose
**     addresses are inside objects), so nothing is half-done but the
**     trace's own frame state, which is thrown away with the VM. The
**     same holds for vm_run's own code (not its callees): a loop the JIT
**     blacklisted (ILOOP) counts nothing, so it too is abandoned there.
** What none of them stops (deep recursion without loops) is left to
** libFuzzer's -timeout. The target is linked with -rdynamic so that
** dladdr1 finds vm_run's size.
**
** Inputs that mention `import` are compiled but not run (fuzz_vm.h). One
** input in four runs under GC stress (a collection at every allocation).
** The -jstress run verifies every trace exit (-O jitcheck=1) and every
** trace's IR after each optimization pass (-O ircheck=1).
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "lang/compile.h"
#include "tests/fuzz/fuzz_vm.h"
#include "vm/interp.h"
#include "vm/params.h"

#define FZ_BUDGET 20000
#define FZ_CPU_MS 300
#define FZ_TICK_MS 50
#define FZ_MAXMEM (16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* -- Where the loaded objects' code is ------------------------------------ */

#define FZ_MAX_RANGES 256
static struct { uintptr_t lo, hi; } code[FZ_MAX_RANGES];
static int ncode;

static int note_object(struct dl_phdr_info *info, size_t size, void *ud)
{
    (void)size, (void)ud;
    for (int i = 0; i < info->dlpi_phnum && ncode < FZ_MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        code[ncode].lo = info->dlpi_addr + ph->p_vaddr;
        code[ncode].hi = code[ncode].lo + ph->p_memsz;
        ncode++;
    }
    return 0;
}

/* vm_run's own instructions. */
static uintptr_t run_lo, run_hi;

static void find_vm_run(void)
{
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    if (dladdr1((void *)(uintptr_t)vm_run, &info, (void **)&sym, RTLD_DL_SYMENT) && sym) {
        run_lo = (uintptr_t)info.dli_saddr;
        run_hi = run_lo + sym->st_size;
    }
}

/* Where the run may be abandoned: JIT code (outside every object) or the
** body of vm_run. */
static bool abandonable(uintptr_t pc)
{
    if (pc >= run_lo && pc < run_hi)
        return true;
    for (int i = 0; i < ncode; i++)
        if (pc >= code[i].lo && pc < code[i].hi)
            return false;
    return true;
}

/* -- The alarm ------------------------------------------------------------- */

/* The VM the alarm interrupts (NULL between runs), where to abandon it,
** and whether the alarm went off during the run. */
static VM *volatile running;
static sigjmp_buf abandon;
static volatile bool alarmed;

static void on_alarm(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si;
    VM *vm = running;
    if (vm == NULL)
        return;
    alarmed = true;
    vm->budget = 1;
    vm->jit_opts.param[PARAM_maxmem] = 1;   /* the next allocation raises */
    uintptr_t pc = (uintptr_t)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP];
    if (abandonable(pc)) {
        running = NULL;
        siglongjmp(abandon, 1);
    }
}

static void arm(int first_ms, int every_ms)
{
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = first_ms / 1000;
    t.it_value.tv_usec = (first_ms % 1000) * 1000;
    t.it_interval.tv_usec = every_ms * 1000;
    setitimer(ITIMER_VIRTUAL, &t, NULL);
}

/* -- Running ---------------------------------------------------------------- */

/* What one run printed and how it ended. `cut`: a cap stopped it, so where
** it stopped depends on the mode and the two runs cannot be compared. */
typedef struct {
    char *out, *err;
    size_t nout, nerr;
    int result;         /* LxResult, or -1: left by an error outside it */
    bool cut;
} Outcome;

static void run_once(FzMode mode, const char *src, size_t size, bool gc_stress, Outcome *o)
{
    memset(o, 0, sizeof *o);
    o->result = -1;
    FILE *quiet_out = stdout, *quiet_err = stderr;
    FILE *out = open_memstream(&o->out, &o->nout);
    FILE *err = open_memstream(&o->err, &o->nerr);
    if (out == NULL || err == NULL)
        abort();
    stdout = out;
    stderr = err;

    VM *vm = fz_vm_new(mode);
    vm->gc_stress = gc_stress;
    vm->budget = FZ_BUDGET;
    vm->jit_opts.param[PARAM_maxmem] = FZ_MAXMEM;
    /* Every exit of the JIT run verified (jit/verify.c): a bad snapshot
    ** or frame aborts, a finding like any crash. */
    vm->jit_opts.param[PARAM_jitcheck] = mode != FZ_JOFF;
    vm->jit_opts.param[PARAM_ircheck] = mode != FZ_JOFF;    /* and its IR: jit/ircheck.h */
    alarmed = false;
    /* A boundary of our own: an error outside vm_interpret's (out of
    ** memory while compiling) must not exit the process. */
    jmp_buf jb;
    vm->error_jmp = &jb;
    if (setjmp(jb) == 0 && sigsetjmp(abandon, 1) == 0) {
        running = vm;
        arm(FZ_CPU_MS, FZ_TICK_MS);
        o->result = (int)vm_interpret(vm, src, size, "<fuzz>");
    } else {
        o->cut = true;
    }
    running = NULL;
    arm(0, 0);
    o->cut = o->cut || alarmed || vm->budget == 0;
    vm->error_jmp = NULL;
    vm_free(vm);

    fclose(out);
    fclose(err);
    stdout = quiet_out;
    stderr = quiet_err;
    if (o->err != NULL && strstr(o->err, "Out of memory.") != NULL)
        o->cut = true;
}

/* -- Comparing ----------------------------------------------------------- */

/* Where a disagreement is reported: the real stderr, which fz_quiet took
** away from the VM. */
static FILE *report;

static void show(const char *what, const Outcome *o)
{
    fprintf(report, "---- %s: result %d, stdout (%zu bytes):\n%.*s\n---- stderr:\n%.*s\n",
            what, o->result, o->nout, (int)(o->nout < 4000 ? o->nout : 4000), o->out,
            (int)(o->nerr < 4000 ? o->nerr : 4000), o->err);
}

/* -joff and -jstress must agree on everything a program shows unless a
** cap cut either run short; a disagreement is a JIT bug, and a finding. */
static void compare(const Outcome *a, const Outcome *b)
{
    if (a->cut || b->cut)
        return;
    if (a->result == b->result && a->nout == b->nout && a->nerr == b->nerr &&
        memcmp(a->out, b->out, a->nout) == 0 && memcmp(a->err, b->err, a->nerr) == 0)
        return;
    fprintf(report, "fuzz_run: -joff and -jstress disagree\n");
    show("-joff", a);
    show("-jstress", b);
    fflush(report);
    abort();
}

/* With LX_FUZZ_VERBOSE, what the runs printed goes to the real streams. */
static void echo(const Outcome *o)
{
    if (report == NULL || getenv("LX_FUZZ_VERBOSE") == NULL)
        return;
    fwrite(o->out, 1, o->nout, stdout);
    fwrite(o->err, 1, o->nerr, report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        ready = true;
        fz_quiet();
        dl_iterate_phdr(note_object, NULL);
        find_vm_run();
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_alarm;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART | SA_SIGINFO;
        sigaction(SIGVTALRM, &sa, NULL);
        int fd = dup(2);
        report = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (report == NULL)
            report = stderr;
    }
    const char *src = (const char *)data;
    if (!fz_runnable(data, size)) {
        VM *vm = fz_vm_new(FZ_JOFF);
        (void)lx_compile(vm, src, size, "<fuzz>", COMPILE_SCRIPT, NULL);
        vm_free(vm);
        return 0;
    }
    /* One input in four runs with a collection at every allocation (in
    ** both modes: the collector is never visible), chosen by the input so
    ** that a finding reproduces. */
    uint32_t h = 2166136261u;
    for (size_t k = 0; k < size; k++)
        h = (h ^ data[k]) * 16777619u;
    bool gc_stress = (h & 3) == 0;
    Outcome a, b;
    run_once(FZ_JOFF, src, size, gc_stress, &a);
    echo(&a);
    run_once(FZ_JSTRESS, src, size, gc_stress, &b);
    echo(&b);
    compare(&a, &b);
    free(a.out);
    free(a.err);
    free(b.out);
    free(b.err);
    return 0;
}
