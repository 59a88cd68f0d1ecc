#!/usr/bin/env bash
# run.sh RUN_GOLDEN -- the golden runner's self-test.
#
# Runs the runner on each fixture with the stand-in binary ./fakelox (which
# prints what the fixture's `//x` lines say). Every fixture in pass/ must
# pass; every fixture in fail/ must fail, and the runner's report must
# contain the text of the fixture's `//reason TEXT` line. Finally the whole
# pass/ directory runs at once and the runner's count must be right. Each
# check is one test; prints failures, then "N passed, M failed".
set -u
runner=$1
here=$(cd "$(dirname "$0")" && pwd)
fake=$here/fakelox
flags="-joff -jv"
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL selftest: $*"; }

for f in "$here"/pass/*.lox; do
    out=$("$runner" --timeout 2 --flags "$flags" "$fake" "$f" 2>&1)
    if [ $? -eq 0 ] && grep -qx '1 passed, 0 failed' <<<"$out"; then ok
    else bad "$f should pass: $out"; fi
done

for f in "$here"/fail/*.lox; do
    reason=$(sed -n 's|^//reason ||p' "$f")
    out=$("$runner" --timeout 2 --flags "$flags" "$fake" "$f" 2>&1)
    status=$?
    if [ $status -ne 1 ] || ! grep -qx '0 passed, 1 failed' <<<"$out"; then
        bad "$f should fail (status $status): $out"
    elif ! grep -q '^FAIL ' <<<"$out" || ! grep -qF -- "$reason" <<<"$out"; then
        bad "$f: report lacks '$reason': $out"
    else ok; fi
done

n=$(ls "$here"/pass/*.lox | wc -l)
out=$("$runner" --jobs 3 --timeout 2 --flags "$flags" "$fake" "$here/pass" 2>&1)
if [ $? -eq 0 ] && [ "$(tail -n 1 <<<"$out")" = "$n passed, 0 failed" ]; then ok
else bad "whole pass/ directory: $out"; fi

nfail=$(ls "$here"/fail/*.lox | wc -l)
out=$("$runner" --jobs 4 --timeout 2 --flags "$flags" "$fake" "$here/fail" "$here/pass" 2>&1)
status=$?
if [ $status -eq 1 ] && [ "$(grep -c '^FAIL ' <<<"$out")" -eq "$nfail" ] &&
   [ "$(tail -n 1 <<<"$out")" = "$n passed, $nfail failed" ]; then ok
else bad "pass/ and fail/ together (status $status): $out"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
