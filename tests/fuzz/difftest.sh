#!/usr/bin/env bash
# difftest.sh LOXJIT GEN_LOX N [SEED] -- differential JIT testing.
#
# Generates N programs with GEN_LOX (seeds SEED, SEED+1, ...; SEED
# defaults to one taken from the clock, printed so a run can be repeated)
# and runs each with -joff, then with each of DIFF_MODES (default
# "-jstress -jon"). stdout, stderr and the exit status must be identical;
# every divergence is saved as /tmp/loxjit-diff-SEED.lox together with the
# outputs (.joff.out, .MODE.out) and counted as a failure. A program that
# does not finish within DIFF_TIMEOUT seconds (default 20) under -joff is
# the generator's fault: reported and skipped. Runs DIFF_JOBS programs at
# a time (default: the number of CPUs). The last line is "N passed, M
# failed".
set -u
lox=$1 gen=$2 n=$3
seed=${4:-}
[ -z "$seed" ] && seed=$(( $(date +%s%N) % 1000000000 ))
modes=${DIFF_MODES:--jstress -jon}
tmo=${DIFF_TIMEOUT:-20}
jobs=${DIFF_JOBS:-$(nproc 2>/dev/null || echo 2)}
work=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-difftest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One program: prints "ok", "skip SEED" or "diff SEED MODE".
one() {
    local s=$1 d="$work/$1"
    mkdir -p "$d"
    "$gen" "$s" >"$d/p.lox" || { echo "skip $s (generator failed)"; return; }
    timeout "$tmo" "$lox" -joff "$d/p.lox" >"$d/joff.out" 2>&1
    local st=$?
    if [ "$st" -eq 124 ]; then
        echo "skip $s (-joff timed out)"
        rm -rf "$d"
        return
    fi
    echo "exit $st" >>"$d/joff.out"
    local m bad=
    for m in $modes; do
        timeout "$tmo" "$lox" "$m" "$d/p.lox" >"$d/m.out" 2>&1
        echo "exit $?" >>"$d/m.out"
        if ! cmp -s "$d/joff.out" "$d/m.out"; then
            cp "$d/p.lox" "/tmp/loxjit-diff-$s.lox"
            cp "$d/joff.out" "/tmp/loxjit-diff-$s.joff.out"
            cp "$d/m.out" "/tmp/loxjit-diff-$s$m.out"
            bad="$bad $m"
        fi
    done
    rm -rf "$d"
    if [ -n "$bad" ]; then echo "diff $s$bad"; else echo ok; fi
}
export -f one
export lox gen modes tmo work

echo "difftest: $n programs from seed $seed, -joff against: $modes"
passed=0 failed=0 skipped=0
while read -r verdict rest; do
    case $verdict in
    ok) passed=$((passed + 1)) ;;
    skip) skipped=$((skipped + 1)); echo "difftest: skipped seed $rest" ;;
    diff)
        failed=$((failed + 1))
        set -- $rest
        echo "DIVERGENCE seed $1 in ${*:2}: /tmp/loxjit-diff-$1.lox"
        diff "/tmp/loxjit-diff-$1.joff.out" "/tmp/loxjit-diff-$1$2.out" | head -n 6
        ;;
    esac
done < <(seq "$seed" $((seed + n - 1)) | xargs -P "$jobs" -I{} bash -c 'one {}')
echo "difftest: $passed agree, $failed diverge, $skipped skipped (seeds $seed..$((seed + n - 1)))"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
