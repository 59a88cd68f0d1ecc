/* bench_peers.c -- the systems `loxjit bench` compares loxjit with.
**
** A peer is an executable found in PATH that runs a twin,
** DIR/peers/NAME.EXT. A peer that is not installed is skipped with one
** note; a program without a twin for some peer simply has no row for it.
**
** The C twins are compiled once with `cc -O2` into a cache directory,
** $TMPDIR/loxjit-bench-UID (or /tmp/...), under a name that includes a
** hash of the source's path, so two benchmark directories with a fib.c
** each do not share a binary. A binary newer than its source is reused.
*/
#define _GNU_SOURCE
#include "cli/bench_int.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COMPILE_TIMEOUT 300.0

const char *const bench_system_names[SYS__COUNT] = {
#define BENCH_SYS_NAME(id, name, ...) name,
    BENCH_MODES(BENCH_SYS_NAME)
    BENCH_PEERS(BENCH_SYS_NAME)
#undef BENCH_SYS_NAME
};

static const struct {
    const char *exe, *ext, *package;
} peer_info[SYS__COUNT] = {
#define BENCH_PEER_INFO(id, name, exe, ext, pkg) [SYS_##id] = {exe, ext, pkg},
    BENCH_PEERS(BENCH_PEER_INFO)
#undef BENCH_PEER_INFO
};

static const char *const mode_flags[SYS__MODES] = {
#define BENCH_MODE_FLAG(id, name, flag) flag,
    BENCH_MODES(BENCH_MODE_FLAG)
#undef BENCH_MODE_FLAG
};

/* -- Finding executables ------------------------------------------------- */

static bool executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *bench_which(const char *name)
{
    if (strchr(name, '/'))
        return executable(name) ? bench_xstrdup(name) : NULL;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        /* An empty PATH entry means the current directory. */
        char *cand = n ? bench_xprintf("%.*s/%s", (int)n, path, name) : bench_xprintf("./%s", name);
        if (executable(cand))
            return cand;
        free(cand);
        path += n;
        if (*path == ':')
            path++;
    }
    return NULL;
}

/* -- Compiling the C twins ----------------------------------------------- */

static char *cache_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    char *dir = bench_xprintf("%s/loxjit-bench-%u", tmp, (unsigned)getuid());
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        free(dir);
        return NULL;
    }
    /* Refuse a directory someone else made for us: we would run its files. */
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
        free(dir);
        return NULL;
    }
    return dir;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The path of the compiled twin, or NULL after a note saying why not. */
static char *compile_twin(Bench *b, const char *cache, const char *cc, const char *name,
                          const char *src)
{
    char *abs = realpath(src, NULL);
    char *bin = bench_xprintf("%s/%s-%08x", cache, name, fnv1a(abs ? abs : src));
    free(abs);
    struct stat s_src, s_bin;
    if (stat(src, &s_src) == 0 && stat(bin, &s_bin) == 0 &&
        s_bin.st_mtim.tv_sec > s_src.st_mtim.tv_sec)
        return bin;

    /* Build beside the final name and rename, so that a run interrupted
    ** halfway, or a second bench running at once, never sees half a file. */
    char *tmp = bench_xprintf("%s.%ld.tmp", bin, (long)getpid());
    char *argv[] = {(char *)cc, "-O2", "-o", tmp, (char *)src, "-lm", NULL};
    BenchCapture cap;
    BenchProc proc;
    char why[160];
    bool ok = false;
    if (!bench_capture_open(&cap)) {
        bench_note(b, "cannot compile %s: no temporary file: %s", src, strerror(errno));
    } else {
        if (!bench_spawn(argv, COMPILE_TIMEOUT, &cap, &proc))
            bench_note(b, "cannot run %s: %s", cc, strerror(errno));
        else if (bench_describe_failure(&proc, &cap, why, sizeof why))
            bench_note(b, "%s does not compile: %s", src, why);
        else if (rename(tmp, bin) != 0)
            bench_note(b, "cannot write %s: %s", bin, strerror(errno));
        else
            ok = true;
        bench_capture_close(&cap);
    }
    unlink(tmp);
    free(tmp);
    if (!ok) {
        free(bin);
        return NULL;
    }
    return bin;
}

static char *twin_path(Bench *b, int p, int s)
{
    return bench_xprintf("%s/peers/%s%s", b->dir, b->progs[p].name, peer_info[s].ext);
}

/* Mark which programs have a C twin, compiling each. A twin that does not
** compile is a failed cell: it was asked for and exists. */
static void prepare_c(Bench *b)
{
    char *cache = cache_dir();
    if (!cache)
        bench_note(b, "no cache directory for the C twins under %s",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    for (int p = 0; p < b->nprogs; p++) {
        char *src = twin_path(b, p, SYS_C);
        BenchCell *cell = bench_cell(b, p, SYS_C);
        if (access(src, R_OK) == 0) {
            cell->present = true;
            if (b->tty) {
                fprintf(stderr, "\r[%d/%d] compiling %s.c\033[K", p + 1, b->nprogs,
                        b->progs[p].name);
                b->line_shown = true;
            }
            cell->exe = cache ? compile_twin(b, cache, b->exe[SYS_C], b->progs[p].name, src) : NULL;
            if (!cell->exe) {
                cell->status = BENCH_FAILED;
                snprintf(cell->detail, sizeof cell->detail, "%s.c does not compile",
                         b->progs[p].name);
            }
        }
        free(src);
    }
    free(cache);
}

/* -- Choosing the systems ------------------------------------------------ */

void bench_peers_prepare(Bench *b)
{
    for (int s = 0; s < SYS__COUNT; s++) {
        if (!b->want[s])
            continue;
        if (bench_is_mode(s)) {
            b->use[s] = true;
            continue;
        }
        b->exe[s] = bench_which(peer_info[s].exe);
        if (!b->exe[s]) {
            bench_note(b, "skipping %s: '%s' is not installed (apt-get install %s)",
                       bench_system_names[s], peer_info[s].exe, peer_info[s].package);
            continue;
        }
        b->use[s] = true;
        if (s == SYS_C) {
            prepare_c(b);
            continue;
        }
        for (int p = 0; p < b->nprogs; p++) {
            char *twin = twin_path(b, p, s);
            bench_cell(b, p, s)->present = access(twin, R_OK) == 0;
            free(twin);
        }
    }
    /* A peer without a single twin would be a column of dashes. */
    for (int s = SYS__MODES; s < SYS__COUNT; s++) {
        bool any = false;
        for (int p = 0; p < b->nprogs; p++)
            any |= bench_cell(b, p, s)->present;
        if (b->use[s] && !any) {
            b->use[s] = false;
            bench_note(b, "skipping %s: no twin (peers/NAME%s) of the programs chosen",
                       bench_system_names[s], peer_info[s].ext);
        }
    }
    for (int s = 0; s < SYS__MODES; s++)
        for (int p = 0; p < b->nprogs; p++)
            bench_cell(b, p, s)->present = b->use[s];
}

/* -- Commands ------------------------------------------------------------ */

char **bench_argv(Bench *b, int p, int s)
{
    BenchCell *cell = bench_cell(b, p, s);
    if (!cell->present)
        return NULL;
    char **argv = bench_xmalloc(4 * sizeof *argv);
    int n = 0;
    if (bench_is_mode(s)) {
        /* Not b->self: /proc/self/exe is this very file even when a build
        ** replaces the loxjit on disk halfway through the benchmark. */
        argv[n++] = bench_xstrdup("/proc/self/exe");
        argv[n++] = bench_xstrdup(mode_flags[s]);
        argv[n++] = bench_xprintf("%s/%s.lox", b->dir, b->progs[p].name);
    } else if (s == SYS_C) {
        if (!cell->exe) {
            free(argv);
            return NULL;
        }
        argv[n++] = bench_xstrdup(cell->exe);
    } else {
        argv[n++] = bench_xstrdup(b->exe[s]);
        argv[n++] = twin_path(b, p, s);
    }
    argv[n] = NULL;
    return argv;
}

void bench_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}
