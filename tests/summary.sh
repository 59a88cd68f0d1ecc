#!/usr/bin/env bash
# summary.sh RESULTS -- add up the counts tests/suite.sh recorded and print
# the total as the very last line, "N passed, M failed". Exits 1 when
# anything failed or no suite ran.
set -u
results=$1
total_p=0 total_f=0 nsuites=0
if [ -f "$results" ]; then
    echo "== summary"
    while read -r name p f; do
        printf '  %-10s %6d passed %6d failed\n' "$name" "$p" "$f"
        total_p=$((total_p + p)) total_f=$((total_f + f)) nsuites=$((nsuites + 1))
    done <"$results"
fi
if [ "$nsuites" -eq 0 ]; then
    total_f=$((total_f + 1))
    echo "summary: no suite reported (counted as 1 failure)"
fi
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
