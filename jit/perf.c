/* perf.c -- the jitdump file of --perf (see jit/perf.h for the protocol).
**
** Layout (all fields little-endian, as the host writes them):
**
**   header      magic 'JiTD' (0x4A695444), version 1, header size,
**               ELF machine, pad, pid, timestamp, flags
**   records     each starts with {id, total size, timestamp}; per trace
**               one DEBUG_INFO (it must come before the CODE_LOAD it
**               describes) and one CODE_LOAD
**
** The structs below mirror the specification field for field; they are
** written with write(2) as packed byte images, so every struct is laid
** out without padding (the _Static_asserts pin the sizes).
*/
#include "jit/perf.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* -- The format ---------------------------------------------------------- */

#define JITDUMP_MAGIC 0x4A695444u
#define JITDUMP_VERSION 1u

enum { JIT_CODE_LOAD = 0, JIT_CODE_DEBUG_INFO = 2 };

typedef struct {
    uint32_t magic, version, total_size, elf_mach, pad1, pid;
    uint64_t timestamp, flags;
} JdHeader;

typedef struct {
    uint32_t id, total_size;
    uint64_t timestamp;
} JdPrefix;

/* Followed by the NUL-terminated name, then the code bytes. */
typedef struct {
    JdPrefix p;
    uint32_t pid, tid;
    uint64_t vma, code_addr, code_size, code_index;
} JdCodeLoad;

/* Followed by nr_entry entries. */
typedef struct {
    JdPrefix p;
    uint64_t code_addr, nr_entry;
} JdDebugInfo;

/* Followed by the NUL-terminated source file name. */
typedef struct {
    uint64_t addr;
    int32_t lineno, discrim;
} JdDebugEntry;

_Static_assert(sizeof(JdHeader) == 40 && sizeof(JdPrefix) == 16 &&
               sizeof(JdCodeLoad) == 56 && sizeof(JdDebugInfo) == 32 &&
               sizeof(JdDebugEntry) == 16, "jitdump structs are unpadded");

/* `perf inject --jit` makes an ELF file per trace with the code at a
** fixed offset after the ELF headers (0x40 in older perfs, 0x80 since
** perf added a program header), and places a DEBUG_INFO row by its
** address - code address. Whether it then adds that offset itself differs
** between versions too (perf 6.1 does; LLVM's and V8's writers add 0x40 for
** perfs that did not). The line table below is right either way: its first
** row is the code address itself (at or before the text), its last row
** (which only ends the range) lies past the code for any offset. */
#define JD_TEXT_OFFSET_MAX 0x80

/* -- State --------------------------------------------------------------- */

/* One dump per process: perf identifies it by the pid in its name.
** INVARIANT(jd-once): opened at most once; after a failure `failed` stays
** set and nothing more is tried (the warning is printed once). */
static struct {
    int fd;
    void *marker;          /* the PROT_EXEC mapping perf looks for */
    size_t marker_len;
    uint64_t code_index;   /* CODE_LOAD records written so far */
    bool open, failed;
} jd = {.fd = -1};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static void give_up(const char *what, const char *path)
{
    fprintf(stderr, "loxjit: --perf: cannot %s %s; perf will not see JIT code in it\n", what,
            path);
    jd.failed = true;
    if (jd.fd >= 0)
        close(jd.fd);
    jd.fd = -1;
}

static bool jd_open(void)
{
    if (jd.open || jd.failed)
        return jd.open;
    char path[64];
    snprintf(path, sizeof path, "/tmp/jit-%ld.dump", (long)getpid());
    jd.fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
    if (jd.fd < 0) {
        give_up("create", path);
        return false;
    }
    JdHeader h = {
        .magic = JITDUMP_MAGIC,
        .version = JITDUMP_VERSION,
        .total_size = sizeof h,
        .elf_mach = EM_X86_64,
        .pid = (uint32_t)getpid(),
        .timestamp = mono_ns(),
    };
    if (!write_all(jd.fd, &h, sizeof h)) {
        give_up("write", path);
        return false;
    }
    /* The marker: perf record logs this executable mapping, and perf
    ** inject --jit finds the dump by its name in that log. */
    jd.marker_len = (size_t)sysconf(_SC_PAGESIZE);
    jd.marker = mmap(NULL, jd.marker_len, PROT_READ | PROT_EXEC, MAP_PRIVATE, jd.fd, 0);
    if (jd.marker == MAP_FAILED) {
        jd.marker = NULL;
        give_up("map", path);
        return false;
    }
    jd.open = true;
    return true;
}

/* -- Names ----------------------------------------------------------------- */

static const char *source_of(const JitState *J, const ObjFunction *fn)
{
    if (fn->source != NULL)
        return fn->source->chars;
    return J->vm->script_path ? J->vm->script_path : "?";
}

void perf_name(const JitState *J, const Trace *T, char *buf, size_t len)
{
    snprintf(buf, len, "lox-trace-%d %s:%d", T->no, source_of(J, T->fn),
             trace_line(T->fn, T->start_pc));
}

/* -- Records --------------------------------------------------------------- */

/* The line table: the whole trace is the loop head's line (the trace
** keeps no machine-code offsets per bytecode, so finer rows would be
** guesses). The file name is absolute when it can be, so perf annotate
** can show the Lox source above the code. */
static bool write_debug_info(const JitState *J, const Trace *T, uint64_t ts)
{
    char file[PATH_MAX];
    const char *src = source_of(J, T->fn);
    if (realpath(src, file) == NULL)
        snprintf(file, sizeof file, "%s", src);
    size_t flen = strlen(file) + 1;
    int line = trace_line(T->fn, T->start_pc);
    uint64_t code = (uint64_t)(uintptr_t)T->mcode;
    const uint64_t addrs[2] = {code, code + T->msize + JD_TEXT_OFFSET_MAX};
    enum { N = 2 };

    size_t size = sizeof(JdDebugInfo) + N * (sizeof(JdDebugEntry) + flen);
    char *rec = malloc(size);
    if (rec == NULL)
        return true; /* optional: go without */
    JdDebugInfo d = {
        .p = {.id = JIT_CODE_DEBUG_INFO, .total_size = (uint32_t)size, .timestamp = ts},
        .code_addr = code,
        .nr_entry = N,
    };
    memcpy(rec, &d, sizeof d);
    char *p = rec + sizeof d;
    for (int i = 0; i < N; i++) {
        JdDebugEntry e = {.addr = addrs[i], .lineno = line};
        memcpy(p, &e, sizeof e);
        memcpy(p + sizeof e, file, flen);
        p += sizeof e + flen;
    }
    bool ok = write_all(jd.fd, rec, size);
    free(rec);
    return ok;
}

static bool write_code_load(const JitState *J, const Trace *T, uint64_t ts)
{
    char name[PATH_MAX + 32];
    perf_name(J, T, name, sizeof name);
    size_t nlen = strlen(name) + 1;
    uint64_t code = (uint64_t)(uintptr_t)T->mcode;
    JdCodeLoad c = {
        .p = {.id = JIT_CODE_LOAD,
              .total_size = (uint32_t)(sizeof c + nlen + T->msize),
              .timestamp = ts},
        .pid = (uint32_t)getpid(),
        .tid = (uint32_t)syscall(SYS_gettid),
        .vma = code,
        .code_addr = code,
        .code_size = T->msize,
        .code_index = jd.code_index++,
    };
    /* Three writes, no lock: the VM (and so the JIT) is single-threaded. */
    return write_all(jd.fd, &c, sizeof c) && write_all(jd.fd, name, nlen) &&
           write_all(jd.fd, T->mcode, T->msize);
}

void perf_jitdump(JitState *J, const Trace *T)
{
    if (T->mcode == NULL || T->msize == 0 || !jd_open())
        return;
    uint64_t ts = mono_ns();
    if (!write_debug_info(J, T, ts) || !write_code_load(J, T, ts)) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/jit-%ld.dump", (long)getpid());
        give_up("write", path);
    }
}
