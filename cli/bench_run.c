/* bench_run.c -- one measured child process for `loxjit bench`.
**
** The clock runs from just before fork to just after wait4 reaps the
** child, so a run's time includes starting the runtime, as a user waiting
** for the program sees it. The peak memory is wait4's ru_maxrss.
**
** The timeout needs a wait that ends either when the child does or when
** time is up, without polling (a sleep-and-check loop would add its
** granularity to every measurement). SIGCHLD is blocked around the run
** and sigtimedwait sleeps until it arrives or the deadline passes.
*/
#define _GNU_SOURCE
#include "cli/bench_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* -- Output capture ------------------------------------------------------ */

static int temp_fd(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/loxjit-bench.XXXXXX", tmp);
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path); /* gone when we are, whatever happens */
    return fd;
}

bool bench_capture_open(BenchCapture *c)
{
    c->out_fd = temp_fd();
    c->err_fd = temp_fd();
    c->null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (c->out_fd < 0 || c->err_fd < 0 || c->null_fd < 0) {
        bench_capture_close(c);
        return false;
    }
    return true;
}

void bench_capture_close(BenchCapture *c)
{
    if (c->out_fd >= 0)
        close(c->out_fd);
    if (c->err_fd >= 0)
        close(c->err_fd);
    if (c->null_fd >= 0)
        close(c->null_fd);
    c->out_fd = c->err_fd = c->null_fd = -1;
}

/* The child shares the file offset with us (dup2 keeps the open file
** description), so rewinding here makes it write from the start. */
static void capture_reset(int fd)
{
    if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        /* A temp file that cannot be truncated leaves old bytes behind;
        ** the output check then reports the run as WRONG, never as OK. */
    }
}

char *bench_capture_read(int fd, size_t max, size_t *len)
{
    struct stat st;
    size_t size = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
    size_t want = size < max ? size : max;
    char *buf = bench_xmalloc(want + 1);
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(fd, buf + got, want - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *len = size;
    return buf;
}

/* -- Spawning and waiting ------------------------------------------------ */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool bench_spawn(char *const argv[], double timeout, BenchCapture *c, BenchProc *p)
{
    memset(p, 0, sizeof *p);
    capture_reset(c->out_fd);
    capture_reset(c->err_fd);

    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);

    double start = now();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
        errno = e;
        return false;
    }
    if (pid == 0) {
        /* The signal mask survives exec: give the program the usual one. */
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (dup2(c->null_fd, 0) < 0 || dup2(c->out_fd, 1) < 0 || dup2(c->err_fd, 2) < 0)
            _exit(127);
        execv(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }

    double deadline = timeout > 0 ? start + timeout : 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    for (;;) {
        pid_t w = wait4(pid, &p->wstatus, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            /* Only ECHILD is possible, and only if someone reaped our
            ** child; report it as a failed run rather than hang. */
            p->wstatus = 127 << 8;
            break;
        }
        if (deadline == 0) {
            sigwaitinfo(&chld, NULL);
            continue;
        }
        double left = deadline - now();
        if (left <= 0) {
            kill(pid, SIGKILL);
            while (wait4(pid, &p->wstatus, 0, &ru) < 0 && errno == EINTR) {
            }
            p->timed_out = true;
            break;
        }
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        sigtimedwait(&chld, NULL, &ts);
    }
    p->seconds = now() - start;
    p->maxrss_kb = ru.ru_maxrss;
    sigprocmask(SIG_SETMASK, &old, NULL);
    return true;
}

/* -- Describing a failure ------------------------------------------------ */

void bench_stderr_line(BenchCapture *c, bool last, char *buf, size_t n)
{
    size_t len;
    char *text = bench_capture_read(c->err_fd, 1 << 16, &len);
    char *line = text, *end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    while (*line == '\n' || *line == ' ' || *line == '\t')
        line++;
    /* Python's first line says only "Traceback ...": the error is last. */
    if (last || strncmp(line, "Traceback", 9) == 0) {
        char *nl = strrchr(line, '\n');
        if (nl)
            line = nl + 1;
    }
    size_t k = strcspn(line, "\n");
    snprintf(buf, n, "%.*s", (int)(k > 100 ? 100 : k), line);
    free(text);
}

bool bench_describe_failure(const BenchProc *p, BenchCapture *c, char *buf, size_t n)
{
    char msg[128];
    if (p->timed_out) {
        snprintf(buf, n, "timed out (killed after %.3g s)", p->seconds);
        return true;
    }
    if (WIFEXITED(p->wstatus) && WEXITSTATUS(p->wstatus) == 0)
        return false;
    bench_stderr_line(c, false, msg, sizeof msg);
    if (WIFSIGNALED(p->wstatus))
        snprintf(buf, n, "killed by signal %d (%s)%s%s", WTERMSIG(p->wstatus),
                 strsignal(WTERMSIG(p->wstatus)), *msg ? ": " : "", msg);
    else
        snprintf(buf, n, "exit status %d%s%s", WEXITSTATUS(p->wstatus), *msg ? ": " : "", msg);
    return true;
}
