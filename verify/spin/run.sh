#!/usr/bin/env bash
# Model-checks verify/spin/stripe.pml with SPIN (Debian's `spin` package, installed here if
# missing): the model as written must verify with no error, and each planted bug must be
# caught. Exhaustive search (SAFETY: assertions and invalid end states). Exits non-zero when
# any verdict differs from the expected one. About 20 s on 2 cores with one writer (pan is
# compiled unoptimized: a 1 s compile and a 10 s search beat a 13 s compile and a 5 s one).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v spin >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq spin >/dev/null 2>&1 || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq spin >/dev/null; }
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp stripe.pml "$work/"

# flags | expected (pass / fail) | what
CASES=(
    "|pass|the protocol as the code has it"
    "-DBUG_COPY_REVIVES|fail|a copy that counts only a live slot as present (revives a key removed in B)"
    "-DBUG_FREEZE_SKIPS|fail|a freeze that misses the last slot of each bucket"
    "-DBUG_NO_DUP_CHECK|fail|an insert that skips the check for the key's own slot"
    "-DBUG_NO_FALLBACK|fail|a lookup that drops the frozen slot's state when B has no slot yet"
)

failures=0
for case in "${CASES[@]}"; do
    IFS='|' read -r flags expected what <<<"$case"
    start=$(date +%s)
    # shellcheck disable=SC2086
    (cd "$work" && rm -f pan* ./*.trail && spin $flags -a stripe.pml >spin.log 2>&1 &&
        gcc -O0 -DSAFETY -DVECTORSZ=2048 -DCOLLAPSE -o pan pan.c 2>gcc.log &&
        ./pan -m400000 -w26 >pan.log 2>&1) || true
    log="$work/pan.log"
    if grep -q "errors: 0" "$log" 2>/dev/null && ! grep -q "max search depth too small" "$log"; then
        verdict=pass
    elif grep -qE "errors: [1-9]|assertion violated" "$log" 2>/dev/null; then
        verdict=fail
    else
        verdict=error  # spin, gcc or pan did not finish: never a pass
    fi
    if [ "$verdict" = "$expected" ]; then mark=ok; else mark=WRONG; failures=$((failures + 1)); fi
    states=$(grep -oE "[0-9.e+]+ states, stored" "$log" 2>/dev/null | head -1 || true)
    printf '%-5s %-20s %-5s (expected %s, %ss, %s): %s\n' "$mark" "${flags:-(code)}" "$verdict" "$expected" \
        "$(($(date +%s) - start))" "${states:-no count}" "$what"
    if [ "$mark" = WRONG ]; then
        cat "$work/spin.log" "$work/gcc.log" 2>/dev/null | tail -20 | sed 's/^/    /'
        tail -30 "$log" 2>/dev/null | sed 's/^/    /'
    fi
done
if [ "$failures" -ne 0 ]; then
    echo "verify/spin: $failures verdict(s) differ from the expected ones"
    exit 1
fi
echo "verify/spin: every verdict as expected"
