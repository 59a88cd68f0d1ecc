#!/usr/bin/env bash
# run.sh LOXJIT -- the JIT's observability: -jdump, -jdump=FILE, --perf.
#
#   jdump       the sections of one trace of hot.lox appear on stderr, the
#               program's output is unchanged
#   jdump=FILE  the same dump goes to FILE, not stderr
#   perf files  --perf leaves /tmp/perf-PID.map naming the trace and a
#               jitdump /tmp/jit-PID.dump with a valid header
#   perf        `perf record -k 1 -e cpu-clock`, `perf inject --jit` and
#               `perf report` name a trace symbol; `perf annotate` shows its
#               machine code. Skipped with a note (not counted) when perf
#               is missing or cannot record here (perf_event_paranoid,
#               seccomp): linux-perf is not a `make deps` package.
#
# Addresses change from run to run, so only section headers and shapes are
# checked. Each check is one test; prints failures, then "N passed, M failed".
set -u
lx=$1
case $lx in /*) ;; *) lx=$PWD/$lx ;; esac
here=$(cd "$(dirname "$0")" && pwd)
prog=$here/hot.lox
expect=299995000
tmp=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-observe.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        rm -f "/tmp/perf-$p.map" "/tmp/jit-$p.dump" /tmp/jitted-"$p"-*.so
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL observe: $*"; }

# has FILE REGEX WHAT: one check that FILE has a line matching REGEX.
has() {
    if grep -Eq -- "$2" "$1"; then ok; else bad "$3: no line matching /$2/ in $1"; sed 's/^/    | /' "$1" | head -40; fi
}

# -- -jdump ----------------------------------------------------------------

"$lx" -jdump "$prog" >"$tmp/dump.out" 2>"$tmp/dump.err"
if [ "$(cat "$tmp/dump.out")" = "$expect" ]; then ok; else bad "-jdump changed the output: $(head -c 200 "$tmp/dump.out")"; fi
d=$tmp/dump.err
has "$d" '^==== TRACE 1: loop at .*hot\.lox:5 in sumTo, pc [0-9]+\.\.[0-9]+ \(perf: lox-trace-1 .*hot\.lox:[0-9]+\)$' "header"
has "$d" '^---- TRACE 1 source \(lines 5-6\)$' "source section"
has "$d" 'hot\.lox:6 +\|     sum = sum \+ i % 7;$' "source text"
has "$d" '^---- TRACE 1 bytecode ' "bytecode section"
has "$d" '^[0-9]{4} +([0-9]+|\|) (MODK|ADD|FORLT|JLOOP) ' "bytecode listing"
has "$d" '^---- TRACE 1 IR ' "IR section"
has "$d" '^[0-9]{4} int  ADD ' "IR listing"
has "$d" '^---- TRACE 1 snapshots$' "snapshot section"
has "$d" '^snap #0 pc [0-9]+ line [0-9]+:' "snapshot listing"
has "$d" '^---- TRACE 1 mcode [0-9]+ bytes at 0x[0-9a-f]+, loop head \+[0-9a-f]{4}$' "mcode section"
has "$d" '^->loop:$' "loop label"
has "$d" '^\+[0-9a-f]{4}  [0-9a-f]{12}  ([0-9a-f]{2} )+ +jmp 0x[0-9a-f]+  ; \+[0-9a-f]{4}$' "disassembled jump"
has "$d" '^==== TRACE 1 end$' "end line"

# -- -jdump=FILE -----------------------------------------------------------

"$lx" -jdump="$tmp/dump.txt" "$prog" >"$tmp/file.out" 2>"$tmp/file.err"
if [ "$(cat "$tmp/file.out")" = "$expect" ] && [ ! -s "$tmp/file.err" ] && [ -s "$tmp/dump.txt" ]; then
    has "$tmp/dump.txt" '^---- TRACE 1 mcode ' "-jdump=FILE"
else
    bad "-jdump=FILE: stdout '$(head -c 100 "$tmp/file.out")', stderr $(wc -c <"$tmp/file.err") bytes, file $(wc -c <"$tmp/dump.txt" 2>/dev/null || echo missing)"
fi

# -- --perf files ----------------------------------------------------------

# u32 FILE OFFSET: the little-endian 32-bit word at OFFSET.
u32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }

"$lx" --perf "$prog" >"$tmp/perf.out" 2>"$tmp/perf.err" &
pid=$!
pids+=("$pid")
wait "$pid"
map=/tmp/perf-$pid.map dump=/tmp/jit-$pid.dump
if [ -f "$map" ]; then
    has "$map" '^[0-9a-f]+ [0-9a-f]+ lox-trace-1 .*hot\.lox:[0-9]+$' "perf map"
else
    bad "--perf wrote no $map"
fi
if [ -f "$dump" ]; then
    # magic 'JiTD', version 1, header size 40, EM_X86_64 (62), then the pid.
    got="$(u32 "$dump" 0) $(u32 "$dump" 4) $(u32 "$dump" 8) $(u32 "$dump" 12) $(u32 "$dump" 20)"
    want="$((0x4A695444)) 1 40 62 $pid"
    if [ "$got" = "$want" ]; then ok; else bad "jitdump header: '$got', want '$want'"; fi
    if grep -aq 'lox-trace-1 .*hot\.lox' "$dump"; then ok; else bad "jitdump: no CODE_LOAD named lox-trace-1"; fi
else
    bad "--perf wrote no $dump"
fi

# -- perf itself -----------------------------------------------------------

# perf keeps a cache of every binary it saw under $HOME/.debug: a private
# HOME keeps this test's out of the user's.
perf_env=(env HOME="$tmp" PERF_PAGER=cat)
skip=""
if ! command -v perf >/dev/null 2>&1; then
    skip="perf is not installed (Debian: apt-get install linux-perf)"
elif ! "${perf_env[@]}" perf record -k 1 -e cpu-clock -o "$tmp/probe.data" -- true \
        >"$tmp/probe.log" 2>&1; then
    skip="perf cannot record here: $(grep -v '^[[:space:]]*$' "$tmp/probe.log" | head -n 2 | tr -s '\n' ' ')"
fi
if [ -n "$skip" ]; then
    echo "SKIP observe perf: $skip (not counted)"
else
    (cd "$tmp" && exec "${perf_env[@]}" perf record -k 1 -e cpu-clock -o perf.data \
        "$lx" --perf "$prog" >perf-run.out 2>perf-run.err)
    # The traced program's pid is in perf.data; its files are named after it.
    rpid=$("${perf_env[@]}" perf report -i "$tmp/perf.data" --stdio --sort pid 2>/dev/null \
           | grep -oE 'loxjit:?[[:space:]]*[0-9]+|[0-9]+:loxjit' | grep -oE '[0-9]+' | head -n1)
    [ -n "$rpid" ] && pids+=("$rpid")
    if "${perf_env[@]}" perf inject --jit -i "$tmp/perf.data" -o "$tmp/perf.jit.data" \
            >"$tmp/inject.log" 2>&1; then
        "${perf_env[@]}" perf report -i "$tmp/perf.jit.data" --stdio --sort sym \
            >"$tmp/report.txt" 2>"$tmp/report.err"
        has "$tmp/report.txt" '%.*lox-trace-1 .*hot\.lox:[0-9]+' "perf report names the trace"
        "${perf_env[@]}" perf annotate -i "$tmp/perf.jit.data" --stdio \
            -s "$(grep -oE 'lox-trace-1 [^ ]*hot\.lox:[0-9]+' "$tmp/report.txt" | head -n1)" \
            >"$tmp/annotate.txt" 2>&1
        has "$tmp/annotate.txt" '^ +[0-9.]+ : +[0-9a-f]+: +(mov|add|cmp|jmp|j[a-z]+|idiv) ' "perf annotate shows the trace's code"
    else
        bad "perf inject --jit failed: $(head -n3 "$tmp/inject.log")"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
