#!/usr/bin/env bash
# check.sh: run every available twin of the benchmark programs and check
# that they all print the same thing, and that it matches
# bench/expected/NAME.out.
#
#   bench/peers/check.sh [options] [NAME...]   (default: every bench/*.lox)
#
#   --time             also print each twin's wall-clock seconds
#   --write-expected   write bench/expected/NAME.out when every twin agrees
#                      (an existing file that differs is reported, not replaced)
#   --skip RUNNER      do not use RUNNER (lua5.4 luajit python3 pypy3 node cc);
#                      may be repeated, e.g. --skip python3 (the slowest)
#
# Twins: NAME.lua runs under lua5.4 and luajit, NAME.py under python3 and
# pypy3, NAME.js under node, NAME.c is built with cc -O2 -Wall -Wextra
# -Werror. Runners that are not installed are skipped. Exits 1 on any
# mismatch or failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
expected="$bench/expected"

show_time=0
write_expected=0
skip=" "
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) show_time=1 ;;
    --write-expected) write_expected=1 ;;
    --skip) shift; skip="$skip$1 " ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "check.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("${1%.lox}") ;;
  esac
  shift
done
if [ ${#names[@]} -eq 0 ]; then
  for f in "$bench"/*.lox; do
    names+=("$(basename "$f" .lox)")
  done
fi

have() { command -v "$1" >/dev/null 2>&1 && [[ "$skip" != *" $1 "* ]]; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
for name in "${names[@]}"; do
  runs=()   # "runner|command"
  if [ -f "$here/$name.lua" ]; then
    have lua5.4 && runs+=("lua5.4|lua5.4 $here/$name.lua")
    have luajit && runs+=("luajit|luajit $here/$name.lua")
  fi
  if [ -f "$here/$name.py" ]; then
    have python3 && runs+=("python3|python3 $here/$name.py")
    have pypy3 && runs+=("pypy3|pypy3 $here/$name.py")
  fi
  if [ -f "$here/$name.js" ]; then
    have node && runs+=("node|node $here/$name.js")
  fi
  if [ -f "$here/$name.c" ] && have cc; then
    if cc -O2 -Wall -Wextra -Werror -o "$tmp/$name" "$here/$name.c" -lm 2>"$tmp/$name.cc.err"; then
      runs+=("cc|$tmp/$name")
    else
      echo "FAIL $name: $name.c does not compile cleanly:"
      sed 's/^/    /' "$tmp/$name.cc.err"
      failures=$((failures + 1))
    fi
  fi
  if [ ${#runs[@]} -eq 0 ]; then
    echo "FAIL $name: no twin could run"
    failures=$((failures + 1))
    continue
  fi

  ref=""
  ok=1
  times=""
  for run in "${runs[@]}"; do
    runner=${run%%|*}
    cmd=${run#*|}
    out="$tmp/$name.$runner.out"
    start=$(date +%s.%N)
    if ! $cmd >"$out" 2>"$tmp/$name.$runner.err"; then
      echo "FAIL $name: $runner exited with an error:"
      sed 's/^/    /' "$tmp/$name.$runner.err" | head -5
      ok=0
      continue
    fi
    end=$(date +%s.%N)
    times="$times $(awk -v r="$runner" -v s="$start" -v e="$end" 'BEGIN { printf "%s=%.2fs", r, e - s }')"
    if [ -z "$ref" ]; then
      ref="$out"
      ref_runner=$runner
    elif ! cmp -s "$ref" "$out"; then
      echo "FAIL $name: $runner prints something else than $ref_runner:"
      diff "$ref" "$out" | head -10 | sed 's/^/    /'
      ok=0
    fi
  done

  if [ $ok -eq 1 ] && [ -n "$ref" ]; then
    if [ -f "$expected/$name.out" ]; then
      if ! cmp -s "$expected/$name.out" "$ref"; then
        echo "FAIL $name: twins differ from expected/$name.out:"
        diff "$expected/$name.out" "$ref" | head -10 | sed 's/^/    /'
        ok=0
      fi
    elif [ $write_expected -eq 1 ]; then
      mkdir -p "$expected"
      cp "$ref" "$expected/$name.out"
      echo "wrote expected/$name.out"
    else
      echo "note $name: no expected/$name.out (use --write-expected)"
    fi
  fi

  runners=""
  for run in "${runs[@]}"; do runners="$runners ${run%%|*}"; done
  if [ $ok -eq 1 ]; then
    if [ $show_time -eq 1 ]; then
      printf 'ok   %-16s%s\n' "$name" "$times"
    else
      printf 'ok   %-16s%s\n' "$name" "$runners"
    fi
  else
    failures=$((failures + 1))
  fi
done

if [ $failures -gt 0 ]; then
  echo "$failures program(s) failed"
  exit 1
fi
echo "all ${#names[@]} program(s) agree"
