#!/usr/bin/env bash
# minimize.sh LOXJIT FILE.lox MODE [OUT.lox] -- shrink a divergence.
#
# Deletes lines of FILE (chunks of halving size, then single lines, until
# nothing more can go) as long as the program still compiles and LOXJIT
# -joff and LOXJIT MODE (say -jstress) still disagree on stdout, stderr
# or exit status. Brace-only lines are tried in pairs with their match
# too, so whole loops and blocks can vanish. Writes the result to OUT
# (default FILE.min.lox) and prints it. MODE may be several words
# ("-jstress -O jitcheck=1"); MIN_FLAGS are added to both runs (say
# --stress-gc, for a divergence difftest found in a GC-stress program).
set -u
lox=$1 file=$2 mode=$3
out=${4:-${file%.lox}.min.lox}
tmo=${MIN_TIMEOUT:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/loxjit-min.XXXXXX")
trap 'rm -rf "$work"' EXIT

# diverges FILE: true when the program compiles and the modes disagree.
diverges() {
    # shellcheck disable=SC2086
    timeout "$tmo" "$lox" -joff ${MIN_FLAGS:-} "$1" >"$work/a" 2>&1
    local s=$?
    [ "$s" -eq 65 ] || [ "$s" -eq 124 ] && return 1
    echo "exit $s" >>"$work/a"
    # shellcheck disable=SC2086
    timeout "$tmo" "$lox" $mode ${MIN_FLAGS:-} "$1" >"$work/b" 2>&1
    echo "exit $?" >>"$work/b"
    ! cmp -s "$work/a" "$work/b"
}

mapfile -t lines <"$file"
if ! diverges "$file"; then
    echo "minimize.sh: $file does not diverge under $mode" >&2
    exit 1
fi

# try KEEP: write the lines whose flag in KEEP is 1 and test them.
write() {
    local i
    : >"$work/try.lox"
    for i in "${!lines[@]}"; do
        [ "${keep[$i]}" = 1 ] && printf '%s\n' "${lines[$i]}" >>"$work/try.lox"
    done
}

keep=()
for i in "${!lines[@]}"; do keep[i]=1; done
n=${#lines[@]}
chunk=$((n / 2))
[ "$chunk" -lt 1 ] && chunk=1
while :; do
    changed=0
    for ((start = 0; start < n; start += chunk)); do
        saved=("${keep[@]}")
        any=0
        for ((i = start; i < start + chunk && i < n; i++)); do
            [ "${keep[$i]}" = 1 ] && any=1
            keep[i]=0
        done
        [ "$any" = 0 ] && continue
        write
        if diverges "$work/try.lox"; then
            changed=1
        else
            keep=("${saved[@]}")
        fi
    done
    if [ "$changed" = 0 ]; then
        [ "$chunk" -eq 1 ] && break
        chunk=$((chunk / 2))
    fi
done

# A line opening a block ("... {") with its closing "}" line.
for ((i = 0; i < n; i++)); do
    [ "${keep[$i]}" = 1 ] || continue
    [[ "${lines[$i]}" =~ \{[[:space:]]*$ ]] || continue
    depth=0
    for ((j = i; j < n; j++)); do
        [ "${keep[$j]}" = 1 ] || continue
        l=${lines[$j]}
        opens=${l//[^\{]/}
        closes=${l//[^\}]/}
        depth=$((depth + ${#opens} - ${#closes}))
        [ "$depth" -eq 0 ] && break
    done
    [ "$j" -ge "$n" ] && continue
    saved=("${keep[@]}")
    keep[i]=0
    keep[j]=0
    write
    diverges "$work/try.lox" || keep=("${saved[@]}")
done

write
cp "$work/try.lox" "$out"
cat "$out"
echo "minimize.sh: $(wc -l <"$out") of $n lines left in $out" >&2
