#!/usr/bin/env bash
# run.sh LOXJIT -- tests of `loxjit bench` on the tiny benchmark directory
# tests/bench/progs:
#
#   fib        fast, prints what expected/fib.out says
#   fib_wrong  the same program; expected/fib_wrong.out says 611, not 610
#   count      a loop with twins peers/count.c and peers/count.lua
#   crash      a runtime error (exit status 70)
#   spin       never ends; only --timeout stops it
#
# Timings are never checked, only that they are there (or not). Each check
# is one test; prints failures, then "N passed, M failed".
set -u
lx=$1
case $lx in /*) ;; *) lx=$PWD/$lx ;; esac
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/progs
tmp=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-bench-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The C twins' cache goes under TMPDIR: keep it in our own directory.
export TMPDIR=$tmp
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL bench: $*"; }

# run NAME ARGS...: run loxjit bench, leaving $tmp/NAME.out, .err, .status.
run() {
    local name=$1
    shift
    "$lx" bench "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.status"
}
status() { cat "$tmp/$1.status"; }
show() { echo "    status $(status "$1"); stdout:"; sed 's/^/    | /' "$tmp/$1.out"; echo "    stderr:"; sed 's/^/    | /' "$tmp/$1.err"; }
num='[0-9]+\.[0-9]{3}'

# -- The command of the brief: one fast program, one wrong -------------------

run fib --dir "$dir" --filter fib --runs 1 --warmup 0 --modes joff --json "$tmp/fib.json"
if [ "$(status fib)" -eq 1 ] &&
   grep -Eq "^  joff +$num +$num +$num +[0-9]+\.[0-9]$" "$tmp/fib.out" &&
   grep -Eq '^  joff +WRONG$' "$tmp/fib.out" &&
   grep -q '^  fib_wrong joff: WRONG: line 1 is "610", expected "611"$' "$tmp/fib.out" &&
   [ "$(grep -c '^  joff' "$tmp/fib.out")" -eq 2 ] && ! grep -q '^  jon' "$tmp/fib.out"
then ok; else bad "fib and fib_wrong in joff"; show fib; fi

# The order of the rows: fib's timed row, then fib_wrong's WRONG row.
rows=$(awk '/^fib/ { printf "%s;", $1 } /^  joff/ { printf "joff %s;", $2 ~ /^[0-9]/ ? "timed" : $2 }' "$tmp/fib.out")
if [ "$rows" = "fib;joff timed;fib_wrong;joff WRONG;" ]
then ok; else bad "rows of the fib table"; show fib; fi

# Not a terminal: stderr has the WRONG note and no progress line.
if grep -q 'fib_wrong joff: WRONG' "$tmp/fib.err" && ! grep -q $'\r' "$tmp/fib.err" &&
   [ "$(wc -l <"$tmp/fib.err")" -eq 1 ]
then ok; else bad "stderr of the fib run"; show fib; fi

# --json: the wrong run is recorded but not timed; the good one is.
j=$tmp/fib.json
if grep -Eq '"program": "fib", "system": "joff", "run": 1, "warmup": false, "status": "ok", "seconds": [0-9.e-]+, "max_rss_kb": [0-9]+' "$j" &&
   grep -Eq '"program": "fib_wrong", "system": "joff", "run": 1, "warmup": false, "status": "wrong", "seconds": null, .*"detail": "line 1 is \\"610\\", expected \\"611\\""' "$j" &&
   grep -Eq '"program": "fib_wrong", "system": "joff", "status": "wrong", "timed_runs": 0, "median": null' "$j" &&
   grep -Eq '"program": "fib", "system": "joff", "status": "ok", "timed_runs": 1, "median": [0-9]' "$j"
then ok; else bad "--json of the fib run"; sed 's/^/    | /' "$j"; fi
if ! command -v python3 >/dev/null || python3 -m json.tool "$j" >/dev/null 2>&1
then ok; else bad "--json is not valid JSON"; sed 's/^/    | /' "$j"; fi

# -- Failures ----------------------------------------------------------------

run crash --dir "$dir" --filter crash --runs 3 --warmup 1 --json "$tmp/crash.json"
if [ "$(status crash)" -eq 1 ] && [ "$(grep -Ec '^  jo(ff|n) +FAILED$' "$tmp/crash.out")" -eq 2 ] &&
   grep -q "crash jon: FAILED: exit status 70: Undefined variable 'nosuch'" "$tmp/crash.out" &&
   [ "$(grep -c '"program": "crash", "system": "jo[fn]*", "run"' "$tmp/crash.json")" -eq 2 ]
then ok; else bad "a runtime error is FAILED, and runs once per mode"; show crash; fi

start=$SECONDS
run spin --dir "$dir" --filter spin --runs 1 --warmup 0 --modes jon --timeout 0.3
if [ "$(status spin)" -eq 1 ] && [ $((SECONDS - start)) -lt 20 ] &&
   grep -q 'spin jon: FAILED: timed out' "$tmp/spin.out"
then ok; else bad "--timeout stops a program"; show spin; fi

# -- Peers -------------------------------------------------------------------

if command -v cc >/dev/null; then
    run peers --dir "$dir" --filter count --runs 2 --warmup 0 --compare c,pypy3,luajit,lua5.4
    if [ "$(status peers)" -eq 0 ] &&
       grep -Eq "^  c +$num +$num +$num +[0-9.]+$" "$tmp/peers.out" &&
       grep -Eq '^program/system +median +min +max +MB +joff/jon .*jon/c$' "$tmp/peers.out" &&
       grep -q '^jon/PEER: jon median / PEER median (below 1: loxjit is faster than PEER)$' "$tmp/peers.out" &&
       grep -Eq '^geomean +[0-9.]+ ' "$tmp/peers.out" && ! grep -q 'pypy3' "$tmp/peers.out" &&
       ls "$tmp"/loxjit-bench-*/count-* >/dev/null 2>&1
    then ok; else bad "--compare c compiles the twin and adds a column"; show peers; fi
fi

# A peer that is not installed: one note, the rest goes on.
PATH=/nonexistent "$lx" bench --dir "$dir" --filter count --runs 1 --warmup 0 --modes joff \
    --compare lua5.4 >"$tmp/nopeer.out" 2>"$tmp/nopeer.err"
echo $? >"$tmp/nopeer.status"
if [ "$(status nopeer)" -eq 0 ] && grep -q "skipping lua5.4: 'lua5.4' is not installed" "$tmp/nopeer.err" &&
   grep -Eq "^  joff +$num" "$tmp/nopeer.out" && ! grep -q 'lua5.4 ' "$tmp/nopeer.out"
then ok; else bad "a missing peer is skipped with a note"; show nopeer; fi

# -- --plot ------------------------------------------------------------------

PATH=/nonexistent "$lx" bench --dir "$dir" --plot "$tmp/x.png" >"$tmp/noplot.out" 2>"$tmp/noplot.err"
echo $? >"$tmp/noplot.status"
if [ "$(status noplot)" -ne 0 ] && [ ! -s "$tmp/noplot.out" ] &&
   grep -qx 'loxjit bench: --plot needs gnuplot (apt-get install gnuplot-nox)' "$tmp/noplot.err"
then ok; else bad "--plot without gnuplot stops before running"; show noplot; fi

if command -v gnuplot >/dev/null; then
    run plot --dir "$dir" --filter count --runs 1 --warmup 0 --plot "$tmp/count.png"
    if [ "$(status plot)" -eq 0 ] && [ "$(head -c 8 "$tmp/count.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]
    then ok; else bad "--plot draws a PNG"; show plot; fi
else
    echo "note: gnuplot is not installed; --plot drawing not tested"
fi

# -- Progress on a terminal ----------------------------------------------------

if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$lx' bench --dir '$dir' --filter count --runs 2 --warmup 0 --modes jon >/dev/null" \
        /dev/null >"$tmp/tty.out" 2>&1
    if grep -q $'\r\\[1/1\\] count jon run 2/2' "$tmp/tty.out"
    then ok; else bad "progress line on a terminal"; sed 's/^/    | /' "$tmp/tty.out" | cat -A; fi
else
    echo "note: no working script(1); progress line not tested"
fi

# -- Usage -------------------------------------------------------------------

for args in "--runs 0" "--warmup -1" "--runs" "--bogus" "--modes jit" "--compare ruby" \
            "--timeout 0" "stray" "--filter nosuchprogram"; do
    # shellcheck disable=SC2086
    "$lx" bench --dir "$dir" $args >"$tmp/usage.out" 2>"$tmp/usage.err"
    st=$?
    if [ $st -eq 64 ] && [ ! -s "$tmp/usage.out" ] && grep -q '^loxjit bench: ' "$tmp/usage.err"
    then ok; else bad "'bench $args' should be a usage error (status $st)"; cat "$tmp/usage.err"; fi
done

if "$lx" bench --help >"$tmp/help.out" 2>&1 && grep -q '^usage: loxjit bench' "$tmp/help.out" && grep -q -- '--compare' "$tmp/help.out"
then ok; else bad "bench --help"; cat "$tmp/help.out"; fi

if "$lx" --help | grep -q 'loxjit bench'
then ok; else bad "loxjit --help mentions bench"; fi

"$lx" bench --dir "$tmp/none" >"$tmp/nodir.out" 2>"$tmp/nodir.err"
st=$?
if [ $st -eq 74 ] && grep -q 'not a directory' "$tmp/nodir.err"
then ok; else bad "--dir of a missing directory (status $st)"; cat "$tmp/nodir.err"; fi

# Without --dir, from a directory with no bench/: the one beside loxjit, or
# a clear error when there is none.
mkdir -p "$tmp/cwd"
(cd "$tmp/cwd" && "$lx" bench --filter nosuchprogram >"$tmp/auto.out" 2>"$tmp/auto.err")
st=$?
exe_dir=$(dirname "$(readlink -f "$lx")")
if [ -d "$exe_dir/bench/expected" ]; then
    if [ $st -eq 64 ] && grep -q "no program in $exe_dir/bench matches" "$tmp/auto.err"
    then ok; else bad "bench/ beside the executable (status $st)"; cat "$tmp/auto.err"; fi
else
    if [ $st -eq 74 ] && grep -q 'no benchmark directory' "$tmp/auto.err"
    then ok; else bad "no benchmark directory (status $st)"; cat "$tmp/auto.err"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
