/* run_golden.c -- the golden-test runner: run .lox files, compare what
** they print with the expectations written in their comments.
**
**   run_golden [--jobs N] [--flags "-joff"] [--timeout SEC] [--verbose]
**              BINARY [DIR | FILE.lox]...
**
** Every .lox file under each DIR (recursively, sorted by path; names
** starting with '.' or '_' are skipped, so import tests keep their helper
** modules in `_lib.lox` or `_helpers/`) runs as `BINARY FLAGS FILE ARGS`
** with a timeout, stdin from its `// stdin:` lines (else /dev/null), and
** its stdout, stderr and exit status are checked against:
**
**   // expect: TEXT                the next stdout line is exactly TEXT
**   // expect runtime error: MSG   stderr line 1 is MSG, line 2 starts with
**                                  `[line N]` (N: this comment's line); exit 70
**   // expect stderr: TEXT         more exact stderr lines after the implied
**                                  ones (for a runtime error: after line 2);
**                                  stderr must then match completely
**   // Error at 'TOK': MSG         stderr line `[line N] Error at 'TOK': MSG`
**   // Error at end: MSG           (likewise), `// Error: MSG` (likewise);
**   // [line N] Error...           with N given explicitly; all of these, in
**                                  order, are the whole stderr; exit 65
**   // expect exit: N              the exit status (default 0, 65 or 70)
**   // stdin: TEXT                 TEXT and a newline are fed to stdin
**   // args: A B C                 arguments after the file (split at spaces)
**
** Without error or stderr expectations, stderr must be empty. One line is
** printed per failing test (file, mode, first mismatch); --verbose adds
** passes and the head of the actual output. The last line is
** `N passed, M failed`; the exit status is 0 only when nothing failed.
**
** Tests run in parallel threads, one child process each; results print in
** path order as soon as every earlier test is done.
*/
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Each captured stream keeps at most this much; more is a failure. */
#define MAX_CAPTURE (64u << 20)
/* How much of a line a failure message quotes. */
#define QUOTE_MAX 100

/* -- Small utilities ---------------------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} Buf;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("run_golden: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static void buf_add(Buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(Buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A line is a slice of some buffer; it may contain any byte. */
typedef struct {
    const char *s;
    size_t len;
} Line;

typedef struct {
    Line *items;
    int count, cap;
} Lines;

static void lines_push(Lines *ls, const char *s, size_t len)
{
    if (ls->count == ls->cap) {
        ls->cap = ls->cap ? ls->cap * 2 : 16;
        ls->items = xrealloc(ls->items, sizeof(Line) * (size_t)ls->cap);
    }
    ls->items[ls->count++] = (Line){s, len};
}

/* Split at '\n'; a last line without its newline still counts. */
static Lines split_lines(const char *data, size_t len)
{
    Lines ls = {0};
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n') {
            lines_push(&ls, data + start, i - start);
            start = i + 1;
        }
    }
    if (start < len)
        lines_push(&ls, data + start, len - start);
    return ls;
}

/* Append s as a quoted, escaped, possibly shortened string. */
static void quote(Buf *out, const char *s, size_t len)
{
    buf_add(out, "\"", 1);
    size_t shown = len > QUOTE_MAX ? QUOTE_MAX : len;
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            buf_add(out, e, 2);
        } else if (c == '\t') {
            buf_add(out, "\\t", 2);
        } else if (c == '\r') {
            buf_add(out, "\\r", 2);
        } else if (c < 0x20 || c >= 0x7f) {
            buf_printf(out, "\\x%02x", c);
        } else {
            buf_add(out, (const char *)&c, 1);
        }
    }
    buf_add(out, "\"", 1);
    if (shown < len)
        buf_printf(out, "...(%zu bytes)", len);
}

static bool line_eq(Line a, const char *s, size_t len)
{
    return a.len == len && memcmp(a.s, s, len) == 0;
}

/* -- Expectations ------------------------------------------------------- */

/* The comment directives, one entry each: name, the text that starts it. */
#define DIRECTIVES(X)                                                  \
    X(RUNTIME_ERROR, "// expect runtime error:")                       \
    X(STDERR,        "// expect stderr:")                              \
    X(EXIT,          "// expect exit:")                                \
    X(EXPECT,        "// expect:")                                     \
    X(STDIN,         "// stdin:")                                      \
    X(ARGS,          "// args:")                                       \
    X(ERROR_AT,      "// Error at ")   /* 'TOKEN': MSG  or  end: MSG */ \
    X(ERROR,         "// Error: ")     /* scanner errors */            \
    X(LINE_ERROR,    "// [line ")      /* N] Error...                */

typedef enum {
#define DIR_ENUM(name, text) D_##name,
    DIRECTIVES(DIR_ENUM)
#undef DIR_ENUM
    D__COUNT
} Directive;

static const char *const directive_text[D__COUNT] = {
#define DIR_TEXT(name, text) text,
    DIRECTIVES(DIR_TEXT)
#undef DIR_TEXT
};

typedef struct {
    Buf source;          /* the file; Lines below point into it or into own */
    Lines out;           /* expected stdout */
    Lines err;           /* exact stderr lines implied by compile errors */
    Lines err_extra;     /* `// expect stderr:` lines */
    Buf owned;           /* storage for made-up lines ("[line N] ...") */
    bool compile_error;
    bool runtime_error;
    Line runtime_msg;
    int runtime_line;
    bool exit_given;
    int exit_code;
    Buf input;           /* stdin */
    bool has_input;
    char **args;
    int nargs;
} Expect;

static bool read_file(const char *path, Buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(b, tmp, n);
    bool ok = !ferror(f);
    fclose(f);
    if (!b->data)
        buf_add(b, "", 0);
    return ok;
}

/* Text after a directive: one optional space skipped, a trailing \r cut. */
static Line directive_arg(const char *p, const char *end)
{
    if (p < end && *p == ' ')
        p++;
    if (end > p && end[-1] == '\r')
        end--;
    return (Line){p, (size_t)(end - p)};
}

/* "[line N] Error..." lines are built in e->owned; offsets are fixed up
** after parsing because the buffer may move while it grows. */
typedef struct {
    size_t off, len;
} Pending;

static bool parse_expect(const char *path, Expect *e, char *err, size_t errlen)
{
    if (!read_file(path, &e->source)) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        return false;
    }
    Pending *pend = NULL;
    int npend = 0;
    const char *p = e->source.data, *end = p + e->source.len;
    for (int lineno = 1; p < end; lineno++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        /* The earliest directive on the line wins. */
        const char *best = NULL;
        Directive which = D__COUNT;
        size_t linelen = (size_t)(eol - p);
        for (int d = 0; d < D__COUNT; d++) {
            const char *hit = memmem(p, linelen, directive_text[d], strlen(directive_text[d]));
            if (hit && (!best || hit < best)) {
                best = hit;
                which = (Directive)d;
            }
        }
        if (best) {
            const char *arg = best + strlen(directive_text[which]);
            Line a = directive_arg(arg, eol);
            switch (which) {
            case D_EXPECT:
                lines_push(&e->out, a.s, a.len);
                break;
            case D_STDERR:
                lines_push(&e->err_extra, a.s, a.len);
                break;
            case D_RUNTIME_ERROR:
                e->runtime_error = true;
                e->runtime_msg = a;
                e->runtime_line = lineno;
                break;
            case D_EXIT: {
                char num[32];
                size_t n = a.len < sizeof num - 1 ? a.len : sizeof num - 1;
                memcpy(num, a.s, n);
                num[n] = '\0';
                char *stop;
                long v = strtol(num, &stop, 10);
                if (stop == num || *stop != '\0' || v < 0 || v > 255) {
                    snprintf(err, errlen, "line %d: bad '// expect exit:' value", lineno);
                    free(pend);
                    return false;
                }
                e->exit_given = true;
                e->exit_code = (int)v;
                break;
            }
            case D_STDIN:
                buf_add(&e->input, a.s, a.len);
                buf_add(&e->input, "\n", 1);
                e->has_input = true;
                break;
            case D_ARGS: {
                /* strtok_r: worker threads parse files at the same time,
                ** and strtok's hidden cursor is shared between them. */
                char *copy = strndup(a.s, a.len), *save = NULL;
                for (char *tok = strtok_r(copy, " \t", &save); tok;
                     tok = strtok_r(NULL, " \t", &save)) {
                    e->args = xrealloc(e->args, sizeof(char *) * (size_t)(e->nargs + 1));
                    e->args[e->nargs++] = strdup(tok);
                }
                free(copy);
                break;
            }
            case D_ERROR_AT:
            case D_ERROR: {
                /* "// Error..." -> "[line N] Error..." */
                const char *text = best + 3;
                size_t tlen = (size_t)(eol - text);
                if (tlen && text[tlen - 1] == '\r')
                    tlen--;
                size_t off = e->owned.len;
                buf_printf(&e->owned, "[line %d] ", lineno);
                buf_add(&e->owned, text, tlen);
                pend = xrealloc(pend, sizeof(Pending) * (size_t)(npend + 1));
                pend[npend++] = (Pending){off, e->owned.len - off};
                e->compile_error = true;
                break;
            }
            case D_LINE_ERROR: {
                /* Only "// [line N] Error..." counts; other brackets are prose. */
                const char *q = arg;
                while (q < eol && isdigit((unsigned char)*q))
                    q++;
                if (q == arg || eol - q < 7 || memcmp(q, "] Error", 7) != 0)
                    break;
                const char *text = best + 3;
                size_t tlen = (size_t)(eol - text);
                if (tlen && text[tlen - 1] == '\r')
                    tlen--;
                size_t off = e->owned.len;
                buf_add(&e->owned, text, tlen);
                pend = xrealloc(pend, sizeof(Pending) * (size_t)(npend + 1));
                pend[npend++] = (Pending){off, tlen};
                e->compile_error = true;
                break;
            }
            case D__COUNT:
                break;
            }
        }
        p = eol < end ? eol + 1 : end;
    }
    for (int i = 0; i < npend; i++)
        lines_push(&e->err, e->owned.data + pend[i].off, pend[i].len);
    free(pend);
    if (!e->exit_given)
        e->exit_code = e->compile_error ? 65 : e->runtime_error ? 70 : 0;
    return true;
}

static void expect_free(Expect *e)
{
    free(e->source.data);
    free(e->out.items);
    free(e->err.items);
    free(e->err_extra.items);
    free(e->owned.data);
    free(e->input.data);
    for (int i = 0; i < e->nargs; i++)
        free(e->args[i]);
    free(e->args);
}

/* -- Running one test --------------------------------------------------- */

typedef struct {
    Buf out, err;
    bool out_overflow, err_overflow;
    bool timed_out;
    bool exec_failed;
    int status;          /* from waitpid */
} Outcome;

typedef struct {
    const char *binary;
    char **flags;
    int nflags;
    double timeout;
    bool verbose;
    const char *mode;    /* the flags as text, or "default" */
} Config;

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void capture(int fd, Buf *b, bool *overflow, bool *open)
{
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n > 0) {
        if (b->len + (size_t)n > MAX_CAPTURE)
            *overflow = true;
        else
            buf_add(b, tmp, (size_t)n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        *open = false;
    }
}

static void run_child(const Config *cfg, const char *path, const Expect *e, Outcome *o)
{
    int in[2] = {-1, -1}, out[2], err[2];
    if ((e->has_input && pipe2(in, O_CLOEXEC) != 0) || pipe2(out, O_CLOEXEC) != 0 ||
        pipe2(err, O_CLOEXEC) != 0)
        die("pipe: %s", strerror(errno));

    int argc = 0;
    char **argv = xrealloc(NULL, sizeof(char *) * (size_t)(cfg->nflags + e->nargs + 3));
    argv[argc++] = (char *)cfg->binary;
    for (int i = 0; i < cfg->nflags; i++)
        argv[argc++] = cfg->flags[i];
    argv[argc++] = (char *)path;
    for (int i = 0; i < e->nargs; i++)
        argv[argc++] = e->args[i];
    argv[argc] = NULL;

    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        /* Only async-signal-safe calls from here: other threads exist. */
        setpgid(0, 0);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigaction(SIGPIPE, &sa, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int fd0 = e->has_input ? in[0] : open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd0 < 0 || dup2(fd0, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
            _exit(127);
        if (strchr(argv[0], '/'))
            execv(argv[0], argv);
        else
            execvp(argv[0], argv);
        static const char msg[] = "run_golden: cannot execute the binary\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(127);
    }
    free(argv);
    setpgid(pid, pid); /* both sides, so the group exists before any kill */
    close(out[1]);
    close(err[1]);
    if (e->has_input)
        close(in[0]);

    int infd = e->has_input ? in[1] : -1;
    size_t inpos = 0;
    if (infd >= 0)
        fcntl(infd, F_SETFL, O_NONBLOCK);
    bool out_open = true, err_open = true;
    double deadline = now_sec() + cfg->timeout;
    bool killed = false;
    while (out_open || err_open) {
        double left = deadline - now_sec();
        if (left <= 0 && !killed) {
            o->timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            killed = true;
            deadline = now_sec() + 5; /* drain what is left, then give up */
            left = 5;
        } else if (left <= 0) {
            break;
        }
        struct pollfd fds[3];
        int nfds = 0, iout = -1, ierr = -1, iin = -1;
        if (out_open) {
            fds[nfds] = (struct pollfd){out[0], POLLIN, 0};
            iout = nfds++;
        }
        if (err_open) {
            fds[nfds] = (struct pollfd){err[0], POLLIN, 0};
            ierr = nfds++;
        }
        if (infd >= 0) {
            fds[nfds] = (struct pollfd){infd, POLLOUT, 0};
            iin = nfds++;
        }
        int ms = left > 1 ? 1000 : (int)(left * 1000) + 1;
        int r = poll(fds, (nfds_t)nfds, ms);
        if (r < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
        if (r <= 0)
            continue;
        if (iout >= 0 && fds[iout].revents)
            capture(out[0], &o->out, &o->out_overflow, &out_open);
        if (ierr >= 0 && fds[ierr].revents)
            capture(err[0], &o->err, &o->err_overflow, &err_open);
        if (iin >= 0 && fds[iin].revents) {
            ssize_t n = -1;
            if (fds[iin].revents & POLLOUT)
                n = write(infd, e->input.data + inpos, e->input.len - inpos);
            if (n > 0)
                inpos += (size_t)n;
            if ((n < 0 && errno != EAGAIN && errno != EINTR) || inpos == e->input.len ||
                (fds[iin].revents & (POLLERR | POLLHUP))) {
                close(infd); /* done, or the child stopped reading (EPIPE) */
                infd = -1;
            }
        }
    }
    if (infd >= 0)
        close(infd);
    close(out[0]);
    close(err[0]);

    /* The pipes are closed; the child may still be running. */
    for (;;) {
        pid_t w = waitpid(pid, &o->status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            die("waitpid: %s", strerror(errno));
        if (now_sec() > deadline && !killed) {
            o->timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            killed = true;
        }
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(-pid, SIGKILL); /* anything the test left running in its group */
    if (WIFEXITED(o->status) && WEXITSTATUS(o->status) == 127 && o->out.len == 0 &&
        o->err.len > 0 && strstr(o->err.data, "run_golden: cannot execute"))
        o->exec_failed = true;
}

/* -- Comparing ---------------------------------------------------------- */

/* Appends "; " between problems. */
static void problem(Buf *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(Buf *msg, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (msg->len)
        buf_add(msg, "; ", 2);
    buf_add(msg, tmp, strlen(tmp));
}

/* Exact line-by-line comparison; reports the first mismatch. `from` is the
** first actual line to compare (stderr after a runtime error's message);
** messages number lines from the start of the stream. */
static bool compare_lines(Buf *msg, const char *what, const Lines *exp, const Lines *act,
                          int from)
{
    int n = act->count - from;
    for (int i = 0; i < exp->count || i < n; i++) {
        if (i >= n) {
            problem(msg, "%s line %d: expected ", what, from + i + 1);
            quote(msg, exp->items[i].s, exp->items[i].len);
            buf_add(msg, ", got end of output", 19);
            return false;
        }
        Line a = act->items[from + i];
        if (i >= exp->count) {
            problem(msg, "%s line %d: unexpected ", what, from + i + 1);
            quote(msg, a.s, a.len);
            return false;
        }
        if (!line_eq(a, exp->items[i].s, exp->items[i].len)) {
            problem(msg, "%s line %d: expected ", what, from + i + 1);
            quote(msg, exp->items[i].s, exp->items[i].len);
            buf_add(msg, ", got ", 6);
            quote(msg, a.s, a.len);
            return false;
        }
    }
    return true;
}

/* Returns true when the outcome meets the expectations; otherwise `msg`
** holds the problems, most telling first. */
static bool judge(const Expect *e, const Outcome *o, double timeout, Buf *msg)
{
    if (o->exec_failed) {
        problem(msg, "cannot execute the binary");
        return false;
    }
    if (o->timed_out)
        problem(msg, "timed out after %g s", timeout);
    else if (WIFSIGNALED(o->status))
        problem(msg, "killed by signal %d (%s)", WTERMSIG(o->status),
                strsignal(WTERMSIG(o->status)));
    if (o->out_overflow)
        problem(msg, "stdout longer than %u MiB", MAX_CAPTURE >> 20);
    if (o->err_overflow)
        problem(msg, "stderr longer than %u MiB", MAX_CAPTURE >> 20);

    Lines out = split_lines(o->out.data ? o->out.data : "", o->out.len);
    Lines err = split_lines(o->err.data ? o->err.data : "", o->err.len);
    compare_lines(msg, "stdout", &e->out, &out, 0);

    if (e->compile_error || (!e->runtime_error && e->err_extra.count)) {
        Lines all = {0};
        for (int i = 0; i < e->err.count; i++)
            lines_push(&all, e->err.items[i].s, e->err.items[i].len);
        for (int i = 0; i < e->err_extra.count; i++)
            lines_push(&all, e->err_extra.items[i].s, e->err_extra.items[i].len);
        compare_lines(msg, "stderr", &all, &err, 0);
        free(all.items);
    } else if (e->runtime_error) {
        Line m = e->runtime_msg;
        if (err.count < 1 || !line_eq(err.items[0], m.s, m.len)) {
            problem(msg, "stderr line 1: expected ");
            quote(msg, m.s, m.len);
            buf_add(msg, ", got ", 6);
            if (err.count < 1)
                buf_add(msg, "end of output", 13);
            else
                quote(msg, err.items[0].s, err.items[0].len);
        } else {
            char want[32];
            int wl = snprintf(want, sizeof want, "[line %d]", e->runtime_line);
            if (err.count < 2 || err.items[1].len < (size_t)wl ||
                memcmp(err.items[1].s, want, (size_t)wl) != 0) {
                problem(msg, "stderr line 2: expected \"%s ...\", got ", want);
                if (err.count < 2)
                    buf_add(msg, "end of output", 13);
                else
                    quote(msg, err.items[1].s, err.items[1].len);
            } else if (e->err_extra.count) {
                compare_lines(msg, "stderr", &e->err_extra, &err, 2);
            }
        }
    } else if (err.count > 0) {
        problem(msg, "stderr: unexpected ");
        quote(msg, err.items[0].s, err.items[0].len);
    }

    if (!o->timed_out && WIFEXITED(o->status) && WEXITSTATUS(o->status) != e->exit_code)
        problem(msg, "exit code %d, expected %d", WEXITSTATUS(o->status), e->exit_code);
    free(out.items);
    free(err.items);
    return msg->len == 0;
}

/* Up to `max` lines of a stream, indented, for --verbose. */
static void show_stream(Buf *b, const char *name, const Buf *data, int max)
{
    Lines ls = split_lines(data->data ? data->data : "", data->len);
    buf_printf(b, "  %s (%d lines)%s\n", name, ls.count, ls.count ? ":" : "");
    for (int i = 0; i < ls.count && i < max; i++) {
        buf_add(b, "    ", 4);
        quote(b, ls.items[i].s, ls.items[i].len);
        buf_add(b, "\n", 1);
    }
    if (ls.count > max)
        buf_printf(b, "    ... %d more\n", ls.count - max);
    free(ls.items);
}

/* -- The test list and the workers ------------------------------------- */

typedef struct {
    char *path;
    bool done, passed;
    Buf report;          /* what to print for it, possibly empty */
} Test;

typedef struct {
    char **items;
    int count, cap;
} PathList;

static void paths_push(PathList *pl, char *path)
{
    if (pl->count == pl->cap) {
        pl->cap = pl->cap ? pl->cap * 2 : 64;
        pl->items = xrealloc(pl->items, sizeof(char *) * (size_t)pl->cap);
    }
    pl->items[pl->count++] = path;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static void collect(const char *dir, PathList *pl)
{
    DIR *d = opendir(dir);
    if (!d)
        die("cannot open directory '%s': %s", dir, strerror(errno));
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.' || ent->d_name[0] == '_')
            continue;
        char *path;
        if (asprintf(&path, "%s/%s", dir, ent->d_name) < 0)
            die("out of memory");
        struct stat st;
        if (stat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            collect(path, pl);
            free(path);
        } else if (S_ISREG(st.st_mode) && has_suffix(ent->d_name, ".lox")) {
            paths_push(pl, path);
        } else {
            free(path);
        }
    }
    closedir(d);
}

static int cmp_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    const Config *cfg;
    Test *tests;
    int ntests;
    int next;            /* next test to start */
    int printed;         /* tests [0, printed) have been reported */
    int passed, failed;
    pthread_mutex_t lock;
} Pool;

static void run_test(const Config *cfg, Test *t)
{
    Expect e;
    memset(&e, 0, sizeof e);
    char err[256];
    Buf msg = {0};
    Outcome o;
    memset(&o, 0, sizeof o);
    bool ok;
    if (!parse_expect(t->path, &e, err, sizeof err)) {
        problem(&msg, "%s", err);
        ok = false;
    } else {
        run_child(cfg, t->path, &e, &o);
        ok = judge(&e, &o, cfg->timeout, &msg);
    }
    t->passed = ok;
    if (!ok) {
        buf_printf(&t->report, "FAIL %s [%s]: ", t->path, cfg->mode);
        buf_add(&t->report, msg.data, msg.len);
        buf_add(&t->report, "\n", 1);
        if (cfg->verbose) {
            show_stream(&t->report, "stdout", &o.out, 20);
            show_stream(&t->report, "stderr", &o.err, 20);
        }
    } else if (cfg->verbose) {
        buf_printf(&t->report, "PASS %s [%s]\n", t->path, cfg->mode);
    }
    free(msg.data);
    free(o.out.data);
    free(o.err.data);
    expect_free(&e);
}

static void *worker(void *arg)
{
    Pool *pool = arg;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        int i = pool->next < pool->ntests ? pool->next++ : -1;
        pthread_mutex_unlock(&pool->lock);
        if (i < 0)
            return NULL;
        Test *t = &pool->tests[i];
        run_test(pool->cfg, t);

        pthread_mutex_lock(&pool->lock);
        t->done = true;
        while (pool->printed < pool->ntests && pool->tests[pool->printed].done) {
            Test *p = &pool->tests[pool->printed++];
            if (p->report.len)
                fwrite(p->report.data, 1, p->report.len, stdout);
            fflush(stdout);
            if (p->passed)
                pool->passed++;
            else
                pool->failed++;
            free(p->report.data);
            p->report = (Buf){0};
        }
        pthread_mutex_unlock(&pool->lock);
    }
}

/* -- main --------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage: run_golden [--jobs N] [--flags \"FLAGS\"] [--timeout SEC] [--verbose]\n"
            "                  BINARY [DIR | FILE.lox]...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    Config cfg = {.timeout = 30, .mode = "default"};
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    const char *flags = "";
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--verbose") == 0) {
            cfg.verbose = true;
        } else if (strcmp(a, "--jobs") == 0 && i + 1 < argc) {
            jobs = strtol(argv[++i], NULL, 10);
        } else if (strcmp(a, "--flags") == 0 && i + 1 < argc) {
            flags = argv[++i];
        } else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
            cfg.timeout = strtod(argv[++i], NULL);
        } else {
            usage();
        }
    }
    if (i >= argc)
        usage();
    if (jobs < 1)
        jobs = 1;
    if (jobs > 64)
        jobs = 64;
    if (cfg.timeout <= 0)
        cfg.timeout = 30;
    cfg.binary = argv[i++];
    if (strchr(cfg.binary, '/') && access(cfg.binary, X_OK) != 0)
        die("cannot execute '%s': %s", cfg.binary, strerror(errno));

    char *fl = strdup(flags);
    for (char *tok = strtok(fl, " \t"); tok; tok = strtok(NULL, " \t")) {
        cfg.flags = xrealloc(cfg.flags, sizeof(char *) * (size_t)(cfg.nflags + 1));
        cfg.flags[cfg.nflags++] = tok;
    }
    if (cfg.nflags)
        cfg.mode = flags;

    PathList pl = {0};
    for (; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            die("cannot open '%s': %s", argv[i], strerror(errno));
        if (S_ISDIR(st.st_mode))
            collect(argv[i], &pl);
        else
            paths_push(&pl, strdup(argv[i]));
    }
    if (pl.count)
        qsort(pl.items, (size_t)pl.count, sizeof(char *), cmp_paths);

    /* A test that stops reading its stdin must not kill the runner. */
    signal(SIGPIPE, SIG_IGN);

    Pool pool = {.cfg = &cfg, .ntests = pl.count};
    pthread_mutex_init(&pool.lock, NULL);
    pool.tests = calloc((size_t)pl.count + 1, sizeof(Test));
    int nthreads = (int)(jobs < pl.count ? jobs : pl.count);
    pthread_t *th = calloc((size_t)jobs + 1, sizeof(pthread_t));
    if (!pool.tests || !th)
        die("out of memory");
    for (int k = 0; k < pl.count; k++)
        pool.tests[k].path = pl.items[k];
    for (int k = 0; k < nthreads; k++)
        if (pthread_create(&th[k], NULL, worker, &pool) != 0)
            die("cannot start a thread");
    for (int k = 0; k < nthreads; k++)
        pthread_join(th[k], NULL);

    printf("%d passed, %d failed\n", pool.passed, pool.failed);
    fflush(stdout);
    for (int k = 0; k < pl.count; k++)
        free(pl.items[k]);
    free(pl.items);
    free(pool.tests);
    free(th);
    free(cfg.flags);
    free(fl);
    return pool.failed ? 1 : 0;
}
