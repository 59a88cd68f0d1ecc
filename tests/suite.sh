#!/usr/bin/env bash
# suite.sh RESULTS NAME CMD... -- run one suite of `make test`.
#
# Shows the suite's output as it comes, then appends "NAME PASSED FAILED"
# to RESULTS, taken from the last "N passed, M failed" line the suite
# printed. A suite that prints no such line, or exits non-zero while
# reporting no failure (it crashed), counts one failure more, so nothing
# can fail silently. Always exits 0: tests/summary.sh decides.
set -u
results=$1 name=$2
shift 2
log=$(mktemp "${TMPDIR:-/tmp}/loxjit-suite.XXXXXX")
trap 'rm -f "$log"' EXIT

echo "== $name"
start=$SECONDS
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
if [ -z "$line" ]; then
    passed=0 failed=1
    echo "$name: stopped with status $status before reporting (counted as 1 failure)"
else
    read -r passed _ failed _ <<<"$line"
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
        echo "$name: exit status $status with no failure reported (counted as 1 failure)"
    fi
fi
echo "== $name: $passed passed, $failed failed ($((SECONDS - start)) s)"
echo "$name $passed $failed" >>"$results"
exit 0
