#!/usr/bin/env bash
# run.sh LOXJIT -- hostile inputs that must be source text too big or too
# strange to keep in the repository. Each case generates its input under a
# temporary directory, runs LOXJIT on it with a time limit (HOSTILE_TIMEOUT,
# default 60 s) and checks the exit status and what it printed: never a
# crash, a sanitizer report or a hang, always the documented error. The
# hostile inputs that fit in a .lox file are golden tests in
# tests/lang/hostile/. A failing case keeps its input in /tmp and says
# where. The last case watches /proc/PID/maps during a JIT-heavy run for a
# page writable and executable at once. The last line is "N passed, M
# failed".
set -u
lox=$1
tmo=${HOSTILE_TIMEOUT:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# check NAME STATUS STDOUT_REGEX STDERR_REGEX [LOXJIT ARGS...]
# Runs LOXJIT ARGS (default: the case's file $work/NAME.lox). STATUS is the
# exit status wanted; each regex (grep -E) must match the stream's first
# 4000 bytes as one string, newlines turned into '|' and NULs into '@'; an
# empty regex means the stream must be empty. STDERR_REGEX "ERRORS" means:
# compile errors only, every line in clox's format.
check() {
    local name=$1 want=$2 out_re=$3 err_re=$4
    shift 4
    [ $# -eq 0 ] && set -- "$work/$name.lox"
    timeout "$tmo" "$lox" "$@" >"$work/out" 2>"$work/err" <"${STDIN:-/dev/null}"
    local st=$? why=
    local out err
    out=$(head -c 4000 "$work/out" | tr '\n\0' '|@')
    err=$(head -c 4000 "$work/err" | tr '\n\0' '|@')
    if [ "$st" -eq 124 ]; then
        why="timed out after ${tmo}s"
    elif [ "$st" -ne "$want" ]; then
        why="exit status $st, want $want"
    elif [ -z "$out_re" ] && [ -s "$work/out" ]; then
        why="unexpected stdout: ${out:0:200}"
    elif [ -n "$out_re" ] && ! grep -Eq -- "$out_re" <<<"$out"; then
        why="stdout ${out:0:200} does not match /$out_re/"
    elif [ -z "$err_re" ] && [ -s "$work/err" ]; then
        why="unexpected stderr: ${err:0:200}"
    elif [ "$err_re" = ERRORS ]; then
        if [ ! -s "$work/err" ]; then
            why="no error message"
        elif LC_ALL=C grep -Evaq '^\[line [0-9]+\] Error( at end| at .*)?: [^ ].*[.]$' "$work/err"; then
            why="a stderr line is not a compile error: $(LC_ALL=C grep -Eva '^\[line [0-9]+\] Error( at end| at .*)?: [^ ].*[.]$' "$work/err" | head -n 1 | head -c 200)"
        fi
    elif [ -n "$err_re" ] && [ "$err_re" != ERRORS ] && ! grep -Eq -- "$err_re" <<<"$err"; then
        why="stderr ${err:0:200} does not match /$err_re/"
    fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        local keep="/tmp/loxjit-hostile-$name"
        [ -f "$work/$name.lox" ] && cp "$work/$name.lox" "$keep.lox"
        echo "FAIL $name: $why (input kept in $keep.lox)"
    fi
}

# repeat TEXT N: TEXT N times, no newline.
repeat() { head -c "$(( ${#1} * $2 ))" < <(yes -- "$1" | tr -d '\n'); }


# -- Bytes that are not a program ----------------------------------------------

head -c 300000 "$lox" >"$work/binary_elf.lox"
check binary_elf 65 '' ERRORS

head -c 1000000 /dev/urandom >"$work/binary_random.lox"
check binary_random 65 '' ERRORS

head -c 100000 /dev/zero >"$work/nul_bytes.lox"
check nul_bytes 65 '' '^\[line 1\] Error: Unexpected character\.\|'

printf 'print "a\0b";\nprint len("x\0y");\n' >"$work/nul_in_strings.lox"
check nul_in_strings 0 '^a@b\|3\|$' ''

printf 'print "\xff\xfe\xc3\x28\xe2\x82";\nprint len("\xf0\x28\x8c\x28");\n// \xff comment\n' \
    >"$work/invalid_utf8.lox"
check invalid_utf8 0 '\|4\|$' ''

printf 'var x = 1;\n\xc3\x28 print x;\n' >"$work/invalid_utf8_code.lox"
check invalid_utf8_code 65 '' '^\[line 2\] Error: Unexpected character\.\|'

# The same bytes from stdin.
STDIN="$work/binary_random.lox" check binary_stdin 65 '' ERRORS -

# -- Too big ---------------------------------------------------------------------

{ printf 'var s = "'; repeat a 10000000; printf '";\nprint len(s);\nprint s[9999999];\n'; } \
    >"$work/string_10mb.lox"
check string_10mb 0 '^10000000\|a\|$' ''

{ printf 'var s = "'; repeat b 10000000; } >"$work/string_10mb_unterminated.lox"
check string_10mb_unterminated 65 '' '^\[line 1\] Error: Unterminated string\.\|$'

{ printf '// '; repeat c 10000000; printf '\nprint "after";\n'; } >"$work/comment_10mb.lox"
check comment_10mb 0 '^after\|$' ''

{ printf 'var xs = ['; repeat '7, ' 999999; printf '7];\nprint len(xs);\nprint xs[999999];\n'; } \
    >"$work/list_literal_1m.lox"
check list_literal_1m 0 '^1000000\|7\|$' ''

# A million different numbers: more constants than one function may have
# (a documented limit, LANGUAGE.md section 3) or, if the limit goes, a list.
{ printf 'var xs = ['; seq -s ', ' 1000001 2000000 | tr -d '\n'; printf '];\nprint len(xs);\n'; } \
    >"$work/list_literal_1m_distinct.lox"
check list_literal_1m_distinct 65 '' '^\[line 1\] Error at [^|]*: Too many constants in one chunk\.\|$'

{ repeat 'print 1;' 1000000; } >"$work/statements_1m.lox"
check statements_1m 0 '^(1\|){1000}' ''

{ repeat ';' 1000000; } >"$work/semicolons_1m.lox"
check semicolons_1m 65 '' ERRORS

# -- Too deep --------------------------------------------------------------------

NEST='^\[line 1\] Error at [^|]*: Too much nesting\.\|$'
{ printf 'print '; repeat '(' 100000; printf 1; repeat ')' 100000; printf ';\n'; } >"$work/parens_100k.lox"
check parens_100k 65 '' "$NEST"

{ repeat '{' 100000; repeat '}' 100000; printf '\n'; } >"$work/blocks_100k.lox"
check blocks_100k 65 '' "$NEST"

{ printf 'print '; repeat '[' 100000; repeat ']' 100000; printf ';\n'; } >"$work/lists_100k.lox"
check lists_100k 65 '' "$NEST"

{ printf 'print '; repeat '-' 100000; printf '1;\n'; } >"$work/unary_100k.lox"
check unary_100k 65 '' "$NEST"

{ repeat 'if (true) ' 100000; printf 'print 1;\n'; } >"$work/ifs_100k.lox"
check ifs_100k 65 '' "$NEST"

{ printf 'var f = nil;\nprint f'; repeat '()' 100000; printf ';\n'; } >"$work/calls_100k.lox"
check calls_100k 65 '' '^\[line 2\] Error at [^|]*: Too much nesting\.\|$'

{ printf 'print 1'; repeat ' + 1' 100000; printf ';\n'; } >"$work/binary_chain_100k.lox"
check binary_chain_100k 65 '' "$NEST"

{ repeat 'fun f() {' 100000; repeat '}' 100000; printf '\n'; } >"$work/functions_100k.lox"
check functions_100k 65 '' '^\[line 1\] Error at [^|]*: (Too deeply nested functions|Too much nesting)\.\|$'

{ printf 'print '; repeat '(' 100000; } >"$work/parens_unclosed_100k.lox"
check parens_unclosed_100k 65 '' ERRORS

# -- Deep recursion at run time, from source the size of a test --------------

printf 'fun f(n) { if (n == 0) return 0; return 1 + f(n - 1); }\nprint f(99000);\nprint f(1000000);\n' \
    >"$work/recursion.lox"
check recursion 70 '^99000\|$' '^Stack overflow\.\|\[line 1\] in f\(\)\|'

# -- Deep data, built at run time ---------------------------------------------
# (Not golden tests: under --stress-gc, building a million objects one
# collection each takes hours.)

cat >"$work/deep_data.lox" <<'EOF'
var xs = [];
for (var i = 0; i < 1000000; i = i + 1) xs = [xs];
print len(str(xs));
var m = {};
for (var i = 0; i < 1000000; i = i + 1) m = {"k": m};
gc.collect();
print len(str(m));
class Node { init(next) { this.next = next; } }
var chain = nil;
for (var i = 0; i < 1000000; i = i + 1) chain = Node(chain);
gc.collect();
var count = 0;
while (chain != nil) { count = count + 1; chain = chain.next; }
print count;
var self = [];
self.push(self);
var ring = {"me": self};
self.push(ring);
print str(self);
EOF
check deep_data 0 '^2000002\|7000002\|1000000\|\[\[\.\.\.\], \{"me": \[\.\.\.\]\}\]\|$' ''

# -- No page writable and executable at once ----------------------------------
# A JIT-heavy run (traces and side traces compiled, dropped by jit.flush()
# and compiled again, so the code arena is written all the time) while
# /proc/PID/maps is read as often as the shell can: no mapping may ever be
# writable and executable (W^X, jit/mcode.c), and at least one sample must
# show the arena executable (else the run was too short to prove anything).

cat >"$work/wx.lox" <<'EOF'
fun work(k) {
  var s = 0;
  for (var i = 0; i < 3000; i = i + 1) {
    if (i % (k % 7 + 2) == 0) s = s + 0.5; else s = s + k;
    if (i % 3 == 0) s = s - 1;
  }
  return s;
}
var t = 0;
for (var r = 0; r < 20000; r = r + 1) {
  t = t + work(r);
  if (r % 3 == 0) jit.flush();
}
print t;
EOF
wx_check() {
    "$lox" -jstress "$work/wx.lox" >"$work/wx.out" 2>&1 &
    local pid=$! samples=0 exec_seen=0 bad=
    # One awk per sample: "bad LINE" for a W+X mapping, else "exec" when
    # an anonymous executable mapping (the arena) is there, else "none".
    local verdict
    while kill -0 "$pid" 2>/dev/null; do
        verdict=$(awk '$2 ~ /^.wx/ { print "bad " $0; bad = 1; exit }
                       $2 ~ /^r-x/ && NF == 5 { ex = 1 }
                       END { if (!bad) print (ex ? "exec" : "none") }' "/proc/$pid/maps" 2>/dev/null)
        [ -z "$verdict" ] && continue       # it exited meanwhile
        samples=$((samples + 1))
        case $verdict in
        bad*) bad=${verdict#bad }; break ;;
        exec) exec_seen=$((exec_seen + 1)) ;;
        esac
    done
    [ -n "$bad" ] && kill "$pid" 2>/dev/null
    wait "$pid"
    local st=$?
    if [ -n "$bad" ]; then
        failed=$((failed + 1))
        echo "FAIL wx: a writable and executable mapping: $bad"
    elif [ "$st" -ne 0 ]; then
        failed=$((failed + 1))
        echo "FAIL wx: the JIT-heavy program exited $st: $(head -c 200 "$work/wx.out")"
    elif [ "$exec_seen" -eq 0 ]; then
        failed=$((failed + 1))
        echo "FAIL wx: $samples samples of /proc/PID/maps, none with JIT code mapped"
    else
        passed=$((passed + 1))
        echo "hostile: wx: $samples samples of /proc/PID/maps, JIT code in $exec_seen, never W+X"
    fi
}
wx_check

echo "hostile: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
