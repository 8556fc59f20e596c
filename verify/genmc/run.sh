#!/usr/bin/env bash
# Model-checks the C11 models in this folder with GenMC (../../../shared/tools/genmc), under
# RC11 (the repaired C11 model) and IMM (ARM/POWER-like), and checks each variant's verdict:
# the code's orders must pass, each variant one order weaker that the argument needs must fail.
# Exits non-zero when any verdict differs from the expected one. About a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
GENMC_DIR="${GENMC_DIR:-../../../shared/tools/genmc}"
if [ ! -x "$GENMC_DIR/genmc" ] && [ ! -f "$GENMC_DIR/genmc" ]; then
    echo "verify/genmc: GenMC not found at $GENMC_DIR (set GENMC_DIR)" >&2
    exit 1
fi
GENMC="$(bash "$GENMC_DIR/install.sh" 2>/dev/null | tail -1)"

# model file | compiler flags | expected verdict (pass / fail) | what the variant is
CASES=(
    "free_stack.c||pass|the code's orders (tag loaded acquire)"
    "free_stack.c|-DTAG_RELAXED|fail|the tag loaded relaxed (the order before the fix)"
    "free_stack.c|-DPOP_CAS_RELAXED|fail|the pop's pair CAS relaxed"
    "free_stack.c|-DLINK_RELAXED|pass|the link loaded relaxed (the tag's acquire orders it)"
    "free_stack.c|-DPUSH_RELEASE_ONLY|pass|the push's pair CAS release only"
)

failures=0
for model in -rc11 -imm; do
    for case in "${CASES[@]}"; do
        IFS='|' read -r file flags expected what <<<"$case"
        log="$(mktemp)"
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        if "$GENMC" "$model" -- $flags "$file" >"$log" 2>&1; then verdict=pass; else verdict=fail; fi
        seconds=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
        if [ "$verdict" = fail ] && ! grep -qE "(Verification|Estimation) unsuccessful" "$log"; then
            verdict=error  # GenMC itself failed (compile error, crash): never a pass
        fi
        if [ "$verdict" = "$expected" ]; then mark=ok; else mark=WRONG; failures=$((failures + 1)); fi
        printf '%-5s %-5s %-13s %-22s %-5s (expected %s, %ss): %s\n' \
            "$mark" "$model" "$file" "${flags:-(code)}" "$verdict" "$expected" "$seconds" "$what"
        if [ "$mark" = WRONG ]; then sed 's/^/    /' "$log" | tail -40; fi
        rm -f "$log"
    done
done
if [ "$failures" -ne 0 ]; then
    echo "verify/genmc: $failures verdict(s) differ from the expected ones"
    exit 1
fi
echo "verify/genmc: every verdict as expected"
