#!/usr/bin/env bash
# run_unit.sh TEST_PROGRAM... -- run cmocka unit-test programs and count
# their cases.
#
# Each program runs with cmocka's TAP output. Every "ok" is a pass, every
# "not ok" a failure, and cases that a plan line ("1..N") promised but
# that never reported (the program crashed) are failures too; a program
# that exits non-zero without any of that is one failure. Prints each
# failure, then "N passed, M failed".
set -u
timeout_s=${UNIT_TIMEOUT:-300}
pass=0 fail=0
for bin in "$@"; do
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP timeout "$timeout_s" "$bin" 2>&1)
    status=$?
    planned=0
    while read -r n; do planned=$((planned + n)); done \
        < <(grep -E '^1\.\.[0-9]+' <<<"$out" | sed -E 's/^1\.\.([0-9]+).*/\1/')
    ok=$(grep -cE '^ok ' <<<"$out")
    bad=$(grep -cE '^not ok ' <<<"$out")
    missing=$((planned - ok - bad))
    [ "$missing" -lt 0 ] && missing=0
    pass=$((pass + ok))
    fail=$((fail + bad + missing))
    grep -E '^not ok ' <<<"$out" | sed "s|^|FAIL $bin: |"
    if [ "$bad" -gt 0 ] || [ "$missing" -gt 0 ] || [ "$status" -ne 0 ]; then
        if [ "$bad" -eq 0 ] && [ "$missing" -eq 0 ]; then
            fail=$((fail + 1))
        fi
        [ "$missing" -gt 0 ] && echo "FAIL $bin: $missing case(s) never reported"
        [ "$status" -ge 124 ] && echo "FAIL $bin: exit status $status (timeout or signal)"
        echo "---- output of $bin (exit $status), last 30 lines:"
        tail -n 30 <<<"$out"
        echo "----"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
