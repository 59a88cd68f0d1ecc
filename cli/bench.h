/* bench.h -- `loxjit bench`: run the benchmark programs and compare.
**
**   loxjit bench [--filter NAME] [--runs N] [--warmup N] [--timeout SEC]
**                [--modes joff,jon] [--compare SYSTEMS] [--json FILE]
**                [--plot FILE.png] [--dir DIR]
**
** Every program DIR/NAME.lox runs in each JIT mode with this very binary
** (/proc/self/exe), and its twins DIR/peers/NAME.{lua,py,js,c} under the
** peers asked for; each run's stdout is checked against
** DIR/expected/NAME.out. The table goes to stdout, progress and notes to
** stderr. bench/README.md says how to read the table.
**
** The work is split over cli/bench*.c; cli/bench_int.h is what those files
** share. main.c only needs bench_main.
*/
#ifndef LX_CLI_BENCH_H
#define LX_CLI_BENCH_H

/* argv[0] is "bench". Returns the exit status: 0 when every run printed
** what was expected, 1 when some run failed or printed something else,
** 64 on bad usage, 74 when the benchmark directory cannot be read. */
int bench_main(int argc, char **argv);

#endif
