#!/usr/bin/env bash
# valgrind.sh LOXJIT [N] -- valgrind memcheck on golden tests.
#
# Without N: the tests listed in tests/fuzz/valgrind.list (why those: see
# there); with N: N tests spread evenly over tests/lang, tests/jit and
# examples, in path order. The golden runner runs each through a wrapper,
# once with -joff and once with -jstress: a memcheck error fails the test
# (exit 99 and the report on stderr), like any wrong output. Leaks are not
# errors: a script ending in a runtime error leaves its heap to the OS on
# purpose. VALGRIND_FLAGS adds options (--track-origins=yes to see where
# an uninitialized value came from: it doubles the time, so it is not on
# by default). The last line is "N passed, M failed".
set -u
lox=$(readlink -f "$1") n=${2:-}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (make deps installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT

# JIT code is written at run time: memcheck must re-translate it
# (--smc-check); traces that run natives go through it too.
cat >"$work/loxjit" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=no --smc-check=all-non-file \
    ${VALGRIND_FLAGS:-} "$lox" "\$@"
EOS
chmod +x "$work/loxjit"

if [ -z "$n" ]; then
    mapfile -t picked < <(grep -v '^#' tests/fuzz/valgrind.list | grep .)
    for f in "${picked[@]}"; do
        [ -f "$f" ] || { echo "valgrind.sh: $f (in valgrind.list) is missing"; echo "0 passed, 1 failed"; exit 1; }
    done
    echo "valgrind: the ${#picked[@]} tests of tests/fuzz/valgrind.list, -joff and -jstress"
else
    mapfile -t all < <(find tests/lang tests/jit examples -name '*.lox' ! -name '_*' ! -path '*/_*' | sort)
    total=${#all[@]}
    picked=()
    for ((i = 0; i < n && i < total; i++)); do
        picked+=("${all[$(( i * total / n ))]}")
    done
    echo "valgrind: ${#picked[@]} of $total golden tests, -joff and -jstress"
fi
jobs=$(nproc 2>/dev/null || echo 2)
build/tools/run_golden --jobs "$jobs" --timeout 300 --flags -joff \
    "$work/loxjit" "${picked[@]}" | tee "$work/joff"
build/tools/run_golden --jobs "$jobs" --timeout 300 --flags -jstress \
    "$work/loxjit" "${picked[@]}" | tee "$work/jstress"
read -r p1 _ f1 _ < <(tail -n 1 "$work/joff")
read -r p2 _ f2 _ < <(tail -n 1 "$work/jstress")
echo "$((p1 + p2)) passed, $((f1 + f2)) failed"
[ $((f1 + f2)) -eq 0 ]
