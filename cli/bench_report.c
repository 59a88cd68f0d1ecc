/* bench_report.c -- what `loxjit bench` makes of its runs: the medians,
** the table on stdout and the --json file.
**
** The table has one header row per program, carrying that program's
** ratios, and under it one row per system with its times:
**
**   program/system    median      min      max      MB  joff/jon  jon/lua5.4
**   fib                                                     1.02        1.31
**     joff             2.094    2.051    2.170     3.1
**     jon              2.050    2.001    2.127     3.1
**     lua5.4           1.563    1.540    1.601     2.4
**
** A ratio column A/B divides A's median by B's: joff/jon is the JIT's
** speedup, REF/PEER compares loxjit (jon, or joff when jon did not run)
** with a peer. The last row holds each column's geometric mean over the
** programs where both medians exist.
*/
#define _GNU_SOURCE
#include "cli/bench_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"

const char *const bench_status_json[] = {
#define BENCH_STATUS_JSON(id, json, text) json,
    BENCH_STATUSES(BENCH_STATUS_JSON)
#undef BENCH_STATUS_JSON
};

const char *const bench_status_text[] = {
#define BENCH_STATUS_TEXT(id, json, text) text,
    BENCH_STATUSES(BENCH_STATUS_TEXT)
#undef BENCH_STATUS_TEXT
};

/* -- Statistics ---------------------------------------------------------- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

void bench_summarize(Bench *b)
{
    for (int p = 0; p < b->nprogs; p++)
        for (int s = 0; s < SYS__COUNT; s++) {
            BenchCell *c = bench_cell(b, p, s);
            if (!c->present || c->nruns == 0)
                continue;
            double *t = bench_xmalloc((size_t)c->nruns * sizeof *t);
            long rss = 0;
            c->timed = 0;
            for (int i = 0; i < c->nruns; i++) {
                if (c->runs[i].maxrss_kb > rss)
                    rss = c->runs[i].maxrss_kb;
                if (!c->runs[i].warmup && c->runs[i].status == BENCH_OK)
                    t[c->timed++] = c->runs[i].seconds;
            }
            c->maxrss_mb = (double)rss / 1024.0;
            if (c->status == BENCH_OK && c->timed > 0) {
                qsort(t, (size_t)c->timed, sizeof *t, cmp_double);
                int m = c->timed / 2;
                c->median = c->timed % 2 ? t[m] : (t[m - 1] + t[m]) / 2;
                c->min = t[0];
                c->max = t[c->timed - 1];
            } else {
                c->timed = 0;
            }
            free(t);
        }
}

/* sa's median / sb's for program p, or 0 when either is missing. */
static double bench_ratio(Bench *b, int p, int sa, int sb)
{
    BenchCell *a = bench_cell(b, p, sa), *c = bench_cell(b, p, sb);
    if (!a->present || !c->present || a->status != BENCH_OK || c->status != BENCH_OK ||
        a->timed == 0 || c->timed == 0 || a->median <= 0 || c->median <= 0)
        return 0;
    return a->median / c->median;
}

/* The ratio columns: the JIT's speedup when both modes ran, then loxjit
** against each peer. Returns how many, with numerators and denominators. */
static int ratio_columns(Bench *b, int num[SYS__COUNT], int den[SYS__COUNT])
{
    int n = 0;
    if (b->use[SYS_JOFF] && b->use[SYS_JON]) {
        num[n] = SYS_JOFF;
        den[n++] = SYS_JON;
    }
    for (int s = SYS__MODES; s < SYS__COUNT; s++)
        if (b->use[s]) {
            num[n] = b->reference;
            den[n++] = s;
        }
    return n;
}

/* The geometric mean of column (num, den) over the programs that have it
** (only the numeric kernels when `kernels`); *count says how many did. 0
** when none. */
static double geomean(Bench *b, int num, int den, bool kernels, int *count)
{
    double sum = 0;
    *count = 0;
    for (int p = 0; p < b->nprogs; p++) {
        if (kernels && !b->progs[p].kernel)
            continue;
        double r = bench_ratio(b, p, num, den);
        if (r > 0) {
            sum += log(r);
            (*count)++;
        }
    }
    return *count ? exp(sum / *count) : 0;
}

/* -- The table ----------------------------------------------------------- */

#define MAX_COLS (5 + SYS__COUNT)
#define CELL_W 24

typedef struct {
    char (*text)[MAX_COLS][CELL_W];
    int nrows, cap, ncols;
} Grid;

static char *grid_row(Grid *g)
{
    if (g->nrows == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        void *bigger = realloc(g->text, (size_t)g->cap * sizeof *g->text);
        if (!bigger) {
            fputs("loxjit bench: out of memory\n", stderr);
            exit(70);
        }
        g->text = bigger;
    }
    memset(g->text[g->nrows], 0, sizeof *g->text);
    return g->text[g->nrows++][0];
}

#define GRID_SET(g, col, ...) snprintf((g)->text[(g)->nrows - 1][col], CELL_W, __VA_ARGS__)

/* Three significant digits without an exponent for the usual range. */
static void fmt_ratio(char *buf, double v)
{
    if (v <= 0)
        snprintf(buf, CELL_W, "-");
    else if (v >= 100)
        snprintf(buf, CELL_W, "%.0f", v);
    else if (v >= 10)
        snprintf(buf, CELL_W, "%.1f", v);
    else if (v >= 1)
        snprintf(buf, CELL_W, "%.2f", v);
    else if (v >= 0.01)
        snprintf(buf, CELL_W, "%.3f", v);
    else
        snprintf(buf, CELL_W, "%.2g", v);
}

static void grid_print(Grid *g, FILE *out, int rule_after_header, int summary_rows)
{
    int w[MAX_COLS] = {0};
    for (int r = 0; r < g->nrows; r++)
        for (int c = 0; c < g->ncols; c++) {
            int n = (int)strlen(g->text[r][c]);
            if (n > w[c])
                w[c] = n;
        }
    int total = 0;
    for (int c = 0; c < g->ncols; c++)
        total += w[c] + (c ? 2 : 0);
    for (int r = 0; r < g->nrows; r++) {
        if ((r == 1 && rule_after_header) || (summary_rows > 0 && r == g->nrows - summary_rows)) {
            for (int i = 0; i < total; i++)
                fputc('-', out);
            fputc('\n', out);
        }
        /* Trailing blanks are trimmed: the last non-empty cell ends the line. */
        int last = 0;
        for (int c = 0; c < g->ncols; c++)
            if (g->text[r][c][0])
                last = c;
        for (int c = 0; c <= last; c++) {
            if (c == 0)
                fprintf(out, "%-*s", last ? w[c] : 0, g->text[r][c]);
            else
                fprintf(out, "  %*s", w[c], g->text[r][c]);
        }
        fputc('\n', out);
    }
}

static void machine(char *buf, size_t n)
{
    char model[128] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
                char *v = strchr(line, ':') + 1;
                while (*v == ' ' || *v == '\t')
                    v++;
                v[strcspn(v, "\n")] = '\0';
                snprintf(model, sizeof model, "%s", v);
                break;
            }
        fclose(f);
    }
    snprintf(buf, n, "%s, %ld CPUs", model, sysconf(_SC_NPROCESSORS_ONLN));
}

static void print_preface(Bench *b, FILE *out, int ncol, const int *num, const int *den)
{
    char mach[200], date[32];
    time_t t = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", localtime(&t));
    machine(mach, sizeof mach);
    fprintf(out, "loxjit %s bench, %s: %d program%s from %s, %d timed run%s each after %d warmup%s\n",
            LX_VERSION, date, b->nprogs, b->nprogs == 1 ? "" : "s", b->dir, b->runs,
            b->runs == 1 ? "" : "s", b->warmup, b->warmup == 1 ? "" : "s");
    fprintf(out, "machine: %s, load average %.2f at the start\n", mach, b->load);
    fprintf(out, "median/min/max: wall-clock seconds, start to exit; MB: peak resident memory\n");
    bool peers = false;
    for (int i = 0; i < ncol; i++) {
        if (num[i] == SYS_JOFF && den[i] == SYS_JON)
            fprintf(out, "joff/jon: JIT speedup, joff median / jon median (above 1: the JIT is faster)\n");
        else
            peers = true;
    }
    if (peers)
        fprintf(out, "%s/PEER: %s median / PEER median (below 1: loxjit is faster than PEER)\n",
                bench_system_names[b->reference], bench_system_names[b->reference]);
    fputc('\n', out);
}

void bench_print_table(Bench *b, FILE *out)
{
    int num[SYS__COUNT], den[SYS__COUNT];
    int ncol = ratio_columns(b, num, den);
    print_preface(b, out, ncol, num, den);

    Grid g = {.ncols = 5 + ncol};
    grid_row(&g);
    const char *head[] = {"program/system", "median", "min", "max", "MB"};
    for (int c = 0; c < 5; c++)
        GRID_SET(&g, c, "%s", head[c]);
    for (int i = 0; i < ncol; i++)
        GRID_SET(&g, 5 + i, "%s/%s", bench_system_names[num[i]], bench_system_names[den[i]]);

    for (int p = 0; p < b->nprogs; p++) {
        grid_row(&g);
        GRID_SET(&g, 0, "%s", b->progs[p].name);
        for (int i = 0; i < ncol; i++)
            fmt_ratio(g.text[g.nrows - 1][5 + i], bench_ratio(b, p, num[i], den[i]));
        for (int s = 0; s < SYS__COUNT; s++) {
            BenchCell *c = bench_cell(b, p, s);
            if (!b->use[s] || !c->present)
                continue;
            grid_row(&g);
            GRID_SET(&g, 0, "  %s", bench_system_names[s]);
            if (c->status != BENCH_OK) {
                GRID_SET(&g, 1, "%s", bench_status_text[c->status]);
                continue;
            }
            GRID_SET(&g, 1, "%.3f", c->median);
            GRID_SET(&g, 2, "%.3f", c->min);
            GRID_SET(&g, 3, "%.3f", c->max);
            GRID_SET(&g, 4, "%.1f", c->maxrss_mb);
        }
    }

    /* The geometric means, when there is a ratio to average. */
    int counts[SYS__COUNT];
    bool partial = false;
    int summary = 0;        /* rows below the rule */
    if (ncol > 0) {
        summary = 1;
        grid_row(&g);
        GRID_SET(&g, 0, "geomean");
        for (int i = 0; i < ncol; i++) {
            fmt_ratio(g.text[g.nrows - 1][5 + i], geomean(b, num[i], den[i], false, &counts[i]));
            partial |= counts[i] < b->nprogs;
        }
        int nkernels = 0, unused;
        for (int p = 0; p < b->nprogs; p++)
            nkernels += b->progs[p].kernel;
        if (nkernels > 0 && nkernels < b->nprogs) {
            grid_row(&g);
            summary = 2;
            GRID_SET(&g, 0, "  kernels (%d)", nkernels);
            for (int i = 0; i < ncol; i++)
                fmt_ratio(g.text[g.nrows - 1][5 + i], geomean(b, num[i], den[i], true, &unused));
        }
    }
    grid_print(&g, out, 1, summary);
    free(g.text);

    if (partial) {
        fprintf(out, "\ngeomeans over fewer programs (the others lack a median):");
        const char *sep = " ";
        for (int i = 0; i < ncol; i++)
            if (counts[i] < b->nprogs) {
                fprintf(out, "%s%s/%s %d of %d", sep, bench_system_names[num[i]],
                        bench_system_names[den[i]], counts[i], b->nprogs);
                sep = ", ";
            }
        fputc('\n', out);
    }
    bool header = false;
    for (int p = 0; p < b->nprogs; p++)
        for (int s = 0; s < SYS__COUNT; s++) {
            BenchCell *c = bench_cell(b, p, s);
            if (!c->present || c->status == BENCH_OK)
                continue;
            if (!header)
                fprintf(out, "\nnot timed:\n");
            header = true;
            fprintf(out, "  %s %s: %s: %s\n", b->progs[p].name, bench_system_names[s],
                    bench_status_text[c->status], c->detail);
        }
}

/* -- JSON ---------------------------------------------------------------- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static void json_num(FILE *out, double v, bool have)
{
    if (have && isfinite(v))
        fprintf(out, "%.6g", v);
    else
        fputs("null", out);
}

bool bench_write_json(Bench *b, FILE *out)
{
    int num[SYS__COUNT], den[SYS__COUNT];
    int ncol = ratio_columns(b, num, den);
    char mach[200];
    machine(mach, sizeof mach);

    fprintf(out, "{\n  \"loxjit\": ");
    json_str(out, b->self);
    fprintf(out, ",\n  \"version\": \"%s\",\n  \"dir\": ", LX_VERSION);
    json_str(out, b->dir);
    fprintf(out, ",\n  \"machine\": ");
    json_str(out, mach);
    fprintf(out, ",\n  \"load_average\": %.2f,\n  \"timed_runs\": %d,\n  \"warmup\": %d,\n"
                 "  \"timeout\": %g,\n  \"systems\": [",
            b->load, b->runs, b->warmup, b->timeout);
    const char *sep = "";
    for (int s = 0; s < SYS__COUNT; s++)
        if (b->use[s]) {
            fprintf(out, "%s\"%s\"", sep, bench_system_names[s]);
            sep = ", ";
        }
    fprintf(out, "],\n  \"reference\": \"%s\",\n", bench_system_names[b->reference]);

    /* Every run, warmups included. */
    fprintf(out, "  \"runs\": [");
    sep = "\n";
    for (int p = 0; p < b->nprogs; p++)
        for (int s = 0; s < SYS__COUNT; s++) {
            BenchCell *c = bench_cell(b, p, s);
            for (int i = 0; i < c->nruns; i++) {
                BenchRun *r = &c->runs[i];
                fprintf(out, "%s    {\"program\": ", sep);
                json_str(out, b->progs[p].name);
                fprintf(out, ", \"system\": \"%s\", \"run\": %d, "
                             "\"warmup\": %s, \"status\": \"%s\", \"seconds\": ",
                        bench_system_names[s], r->index,
                        r->warmup ? "true" : "false", bench_status_json[r->status]);
                json_num(out, r->seconds, r->status == BENCH_OK);
                fprintf(out, ", \"max_rss_kb\": ");
                json_num(out, (double)r->maxrss_kb, r->status != BENCH_FAILED);
                if (r->status != BENCH_OK) {
                    fprintf(out, ", \"detail\": ");
                    json_str(out, r->detail);
                }
                fputc('}', out);
                sep = ",\n";
            }
        }
    fprintf(out, "\n  ],\n");

    /* One entry per (program, system). */
    fprintf(out, "  \"summary\": [");
    sep = "\n";
    for (int p = 0; p < b->nprogs; p++)
        for (int s = 0; s < SYS__COUNT; s++) {
            BenchCell *c = bench_cell(b, p, s);
            if (!b->use[s] || !c->present)
                continue;
            bool t = c->timed > 0;
            fprintf(out, "%s    {\"program\": ", sep);
            json_str(out, b->progs[p].name);
            fprintf(out, ", \"system\": \"%s\", \"status\": \"%s\", "
                         "\"timed_runs\": %d, \"median\": ",
                    bench_system_names[s], bench_status_json[c->status],
                    c->timed);
            json_num(out, c->median, t);
            fputs(", \"min\": ", out);
            json_num(out, c->min, t);
            fputs(", \"max\": ", out);
            json_num(out, c->max, t);
            fputs(", \"max_rss_mb\": ", out);
            json_num(out, c->maxrss_mb, t);
            if (c->status != BENCH_OK) {
                fprintf(out, ", \"detail\": ");
                json_str(out, c->detail);
            }
            fputc('}', out);
            sep = ",\n";
        }
    fprintf(out, "\n  ],\n");

    /* The ratio columns of the table, per program and as geometric means. */
    fprintf(out, "  \"ratios\": [");
    sep = "\n";
    for (int i = 0; i < ncol; i++) {
        int count;
        double g = geomean(b, num[i], den[i], false, &count);
        fprintf(out, "%s    {\"name\": \"%s/%s\", \"numerator\": \"%s\", \"denominator\": \"%s\", "
                     "\"geomean\": ",
                sep, bench_system_names[num[i]], bench_system_names[den[i]],
                bench_system_names[num[i]], bench_system_names[den[i]]);
        json_num(out, g, count > 0);
        g = geomean(b, num[i], den[i], true, &count);
        fputs(", \"geomean_kernels\": ", out);
        json_num(out, g, count > 0);
        fprintf(out, ", \"programs\": {");
        const char *sep2 = "";
        for (int p = 0; p < b->nprogs; p++) {
            fputs(sep2, out);
            json_str(out, b->progs[p].name);
            fputs(": ", out);
            double r = bench_ratio(b, p, num[i], den[i]);
            json_num(out, r, r > 0);
            sep2 = ", ";
        }
        fputs("}}", out);
        sep = ",\n";
    }
    fprintf(out, "\n  ]\n}\n");
    return fflush(out) == 0 && !ferror(out);
}
