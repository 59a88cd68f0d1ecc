#!/usr/bin/env bash
# valgrind.sh LOXJIT N -- valgrind memcheck on N golden tests (an even
# spread over tests/lang, tests/jit and examples, in path order), run by
# the golden runner through a wrapper, once with -joff and once in the
# default (JIT) mode: a memcheck error fails the test (exit 99 and the
# report on stderr), like any wrong output. Leaks are not errors: a
# script ending in a runtime error leaves its heap to the OS on purpose.
# VALGRIND_FLAGS adds options. The last line is "N passed, M failed".
set -u
lox=$(readlink -f "$1") n=$2
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)"
    echo "0 passed, 1 failed"
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT

# JIT code is written at run time: memcheck must re-translate it
# (--smc-check); traces that run natives go through it too.
cat >"$work/loxjit" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=no --smc-check=all-non-file \
    --track-origins=yes ${VALGRIND_FLAGS:-} "$lox" "\$@"
EOF
chmod +x "$work/loxjit"

mapfile -t all < <(find tests/lang tests/jit examples -name '*.lox' ! -name '_*' ! -path '*/_*' | sort)
total=${#all[@]}
picked=()
for ((i = 0; i < n && i < total; i++)); do
    picked+=("${all[$(( i * total / n ))]}")
done
echo "valgrind: ${#picked[@]} of $total golden tests, -joff and default"
build/tools/run_golden --jobs "$(nproc 2>/dev/null || echo 2)" --timeout 300 --flags -joff \
    "$work/loxjit" "${picked[@]}" | tee "$work/joff"
build/tools/run_golden --jobs "$(nproc 2>/dev/null || echo 2)" --timeout 300 \
    "$work/loxjit" "${picked[@]}" | tee "$work/jon"
read -r p1 _ f1 _ < <(tail -n 1 "$work/joff")
read -r p2 _ f2 _ < <(tail -n 1 "$work/jon")
echo "$((p1 + p2)) passed, $((f1 + f2)) failed"
[ $((f1 + f2)) -eq 0 ]
