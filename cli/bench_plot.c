/* bench_plot.c -- `loxjit bench --plot FILE.png`: the medians as a bar
** chart, drawn by gnuplot.
**
** One group of bars per program, one bar per system, on a logarithmic
** time axis: the systems differ by factors (C against CPython is two
** orders of magnitude), and on a log axis equal ratios look equal.
** Programs that failed for a system have no bar (NaN in the data).
**
** gnuplot reads a data file and a script we write to the temporary
** directory; pngcairo draws better text, plain png is the fallback when
** gnuplot was built without cairo.
*/
#define _GNU_SOURCE
#include "cli/bench_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *bench_plot_tool(void)
{
    return bench_which("gnuplot");
}

/* A temporary file named with suffix, open for writing; *path is its name. */
static FILE *temp_file(const char *suffix, char **path)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    *path = bench_xprintf("%s/loxjit-plot.XXXXXX%s", tmp, suffix);
    int fd = mkstemps(*path, (int)strlen(suffix));
    if (fd < 0)
        return NULL;
    return fdopen(fd, "w");
}

/* Write a gnuplot string literal: single quotes, '' for a quote. */
static void gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static void write_data(Bench *b, FILE *f)
{
    /* No header line: gnuplot would draw it as an empty first cluster.
    ** The plot command names the columns. */
    for (int p = 0; p < b->nprogs; p++) {
        fprintf(f, "%s", b->progs[p].name);
        for (int s = 0; s < SYS__COUNT; s++) {
            if (!b->use[s])
                continue;
            BenchCell *c = bench_cell(b, p, s);
            if (c->present && c->timed > 0)
                fprintf(f, "\t%.6f", c->median);
            else
                fputs("\tNaN", f);
        }
        fputc('\n', f);
    }
}

static void write_script(Bench *b, FILE *f, const char *terminal, const char *data,
                         const char *png)
{
    int nsys = 0;
    for (int s = 0; s < SYS__COUNT; s++)
        nsys += b->use[s];
    int width = 200 + b->nprogs * (nsys * 10 + 14);
    if (width < 800)
        width = 800;
    fprintf(f, "set terminal %s size %d,600 noenhanced\n", terminal, width);
    fputs("set output ", f);
    gp_str(f, png);
    fprintf(f, "\nset title 'loxjit bench: median wall-clock time of %d run%s (lower is better)'\n",
            b->runs, b->runs == 1 ? "" : "s");
    /* Autoscaling leaves extra space at the ends. */
    fprintf(f, "set xrange [-0.6:%f]\n", b->nprogs - 0.4);
    fputs("set datafile separator '\\t'\n"
          "set style data histograms\n"
          "set style histogram clustered gap 1\n"
          "set style fill solid 0.9 border -1\n"
          "set boxwidth 0.9\n"
          "set logscale y\n"
          "set ylabel 'seconds (log scale)'\n"
          "set grid ytics mytics\n"
          "set xtics rotate by 40 right scale 0\n"
          "set key outside right top\n"
          "set bmargin 7\n",
          f);
    fputs("plot ", f);
    int col = 2;
    for (int s = 0; s < SYS__COUNT; s++) {
        if (!b->use[s])
            continue;
        if (col > 2)
            fputs(", \\\n     ", f);
        fputs(col == 2 ? "" : "''", f);
        if (col == 2)
            gp_str(f, data);
        fprintf(f, " using %d%s title '%s'", col, col == 2 ? ":xtic(1)" : "",
                bench_system_names[s]);
        col++;
    }
    fputc('\n', f);
}

/* Run gnuplot on the script and check that it drew png. gnuplot's exit
** status is not enough: it prints some errors and still exits 0, and it
** prints warnings (a system with no bar at all) and draws fine. */
static bool run_gnuplot(const char *gnuplot, const char *script, const char *png, char *why,
                        size_t n)
{
    BenchCapture cap;
    BenchProc proc;
    if (!bench_capture_open(&cap)) {
        snprintf(why, n, "no temporary file: %s", strerror(errno));
        return false;
    }
    unlink(png); /* an old chart must not pass for a new one */
    char *argv[] = {(char *)gnuplot, (char *)script, NULL};
    bool ok = bench_spawn(argv, 120, &cap, &proc);
    if (!ok) {
        snprintf(why, n, "cannot run %s: %s", gnuplot, strerror(errno));
    } else {
        struct stat st;
        ok = !bench_describe_failure(&proc, &cap, why, n) && stat(png, &st) == 0 && st.st_size > 0;
        /* gnuplot's own explanation is its last line on stderr. */
        char last[160];
        bench_stderr_line(&cap, true, last, sizeof last);
        if (!ok)
            snprintf(why, n, "%s", last[0] ? last : "it drew nothing");
    }
    bench_capture_close(&cap);
    return ok;
}

/* Write the script for one terminal and run it. */
static bool draw(Bench *b, const char *gnuplot, const char *terminal, const char *data_path,
                 const char *script_path, const char *png, char *why, size_t n)
{
    FILE *script = fopen(script_path, "w");
    if (!script) {
        snprintf(why, n, "cannot write %s: %s", script_path, strerror(errno));
        return false;
    }
    write_script(b, script, terminal, data_path, png);
    if (fclose(script) != 0) {
        snprintf(why, n, "cannot write %s: %s", script_path, strerror(errno));
        return false;
    }
    return run_gnuplot(gnuplot, script_path, png, why, n);
}

bool bench_plot(Bench *b, const char *gnuplot, const char *path)
{
    bool any = false;
    for (int p = 0; p < b->nprogs; p++)
        for (int s = 0; s < SYS__COUNT; s++)
            any |= b->use[s] && bench_cell(b, p, s)->timed > 0;
    if (!any) {
        bench_note(b, "--plot %s: nothing to draw: no run succeeded", path);
        return false;
    }
    char *data_path = NULL, *script_path = NULL;
    FILE *data = temp_file(".tsv", &data_path);
    FILE *script = temp_file(".gp", &script_path);
    char why[200];
    snprintf(why, sizeof why, "cannot make a temporary file: %s", strerror(errno));
    bool ok = false;
    if (script)
        fclose(script); /* draw() rewrites it */
    if (data && script) {
        write_data(b, data);
        ok = fclose(data) == 0;
        data = NULL;
        ok = ok && (draw(b, gnuplot, "pngcairo", data_path, script_path, path, why, sizeof why) ||
                    draw(b, gnuplot, "png", data_path, script_path, path, why, sizeof why));
    }
    if (data)
        fclose(data);
    if (data_path)
        unlink(data_path);
    if (script_path)
        unlink(script_path);
    free(data_path);
    free(script_path);
    if (!ok)
        bench_note(b, "--plot %s: gnuplot failed: %s", path, why);
    return ok;
}
