#!/usr/bin/env bash
# run_fuzz.sh SECONDS SEEDDIR TARGET... [-- LIBFUZZER-FLAGS...]
#
# Runs each libFuzzer target for SECONDS on its own growing corpus
# (build/fuzz/corpus-NAME, seeded from SEEDDIR), one test per target.
# With FUZZ_FRESH=1 (the CI suite) the corpus is a new temporary one each
# time, so the run's length does not grow with what earlier runs found.
# A crash, sanitizer report, leak or out-of-memory fails the target; the
# input is kept in build/fuzz/artifacts/ and its path printed: reproduce
# it with `LX_FUZZ_VERBOSE=1 build/fuzz/NAME ARTIFACT`, then make it a
# regression test in tests/lang/regress/. A timeout (libFuzzer's -timeout:
# a program none of the harness's caps stops, such as deep recursion
# without loops) is reported and saved but does not fail: the target is
# restarted for the time that is left. The last line is the suite's
# "N passed, M failed".
set -u
secs=$1 seed=$2
shift 2
targets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do targets+=("$1"); shift; done
[ $# -gt 0 ] && shift
extra=("$@")

# Exit statuses chosen so the three outcomes cannot be confused.
ERR=77 TIMEOUT=79
arts=build/fuzz/artifacts
mkdir -p "$arts"
passed=0 failed=0 total_execs=0

for t in "${targets[@]}"; do
    name=$(basename "$t")
    corpus=build/fuzz/corpus-$name
    [ "${FUZZ_FRESH:-0}" = 1 ] && corpus=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-corpus.XXXXXX")
    mkdir -p "$corpus"
    log=$(mktemp "${TMPDIR:-/tmp}/loxjit-fuzz.XXXXXX")
    end=$((SECONDS + secs))
    execs=0 timeouts=0 status=0
    while :; do
        left=$((end - SECONDS))
        [ "$left" -le 0 ] && break
        "$t" -max_total_time="$left" -max_len=8192 -timeout=25 -rss_limit_mb=4096 \
            -dict=tests/fuzz/lox.dict \
            -error_exitcode=$ERR -timeout_exitcode=$TIMEOUT -print_final_stats=1 \
            -artifact_prefix="$arts/$name-" "${extra[@]}" "$corpus" "$seed" >"$log" 2>&1
        status=$?
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        execs=$((execs + ${n:-0}))
        if [ "$status" -eq "$TIMEOUT" ]; then
            timeouts=$((timeouts + 1))
            echo "$name: timeout (not a failure): $(grep -o "Test unit written to .*" "$log" | tail -n 1)"
            continue
        fi
        break
    done
    total_execs=$((total_execs + execs))
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        echo "$name: $execs executions in ${secs}s, no findings ($timeouts timeouts)"
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit status $status after $execs executions"
        grep -E "^(==[0-9]+==ERROR|SUMMARY|.*Test unit written to|.*runtime error:)" "$log" | head -n 8
        echo "  (full log: $log)"
        log=
    fi
    [ -n "$log" ] && rm -f "$log"
    [ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$corpus"
done
echo "fuzz: $total_execs executions in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
