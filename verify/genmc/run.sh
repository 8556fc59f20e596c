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

# model file | compiler flags | expected under RC11 | under IMM (pass / fail) | what the variant is
CASES=(
    "free_stack.c||pass|pass|the code's orders (tag loaded acquire)"
    "free_stack.c|-DTAG_RELAXED|fail|fail|the tag loaded relaxed (the order before the fix)"
    "free_stack.c|-DPOP_CAS_RELAXED|fail|fail|the pop's pair CAS relaxed"
    "free_stack.c|-DLINK_RELAXED|pass|pass|the link loaded relaxed (the tag's acquire orders it)"
    "free_stack.c|-DPUSH_RELEASE_ONLY|pass|pass|the push's pair CAS release only"
    "migration_publish.c||pass|pass|the code's orders (F1, F2, S1)"
    "migration_publish.c|-DFLAG_LOAD_RELAXED|fail|fail|the migrated flag's check relaxed (F1)"
    "migration_publish.c|-DFLAG_CAS_RELAXED|fail|fail|the migrated flag's CAS relaxed (F1)"
    "migration_publish.c|-DCOUNT_RELAXED|fail|fail|the migrated count's fetch-add relaxed (F2)"
    "migration_publish.c|-DWORD_LOAD_RELAXED|fail|fail|the reader's table-word load relaxed (S1)"
    "migration_publish.c|-DCOPY_RELAXED|pass|pass|the copy's CAS relaxed (the flag's release orders it)"
    "epoch_reclaim.c||pass|pass|the code's orders, symmetric mode (E2-E5, R1, S1)"
    "epoch_reclaim.c|-DPIN_RELEASE_ACQUIRE|fail|fail|the pin release/acquire, not seq_cst (no Dekker)"
    "epoch_reclaim.c|-DSCAN_ACQUIRE|fail|fail|the advancer's record loads acquire, not seq_cst"
    "epoch_reclaim.c|-DUNPIN_RELAXED|fail|pass|the unpin relaxed (RC11: races with the free)"
    "epoch_reclaim.c|-DFREE_AFTER_ONE|fail|fail|a table freed one advance after its retirement"
    "epoch_reclaim.c|-DWORD_LOAD_RELAXED|fail|fail|the reader's table-word load relaxed (S1)"
    "epoch_reclaim.c|-DRETIRE_LOAD|pass|pass|R1 a load (enough in symmetric mode; the code keeps the RMW)"
)

failures=0
for model in -rc11 -imm; do
    for case in "${CASES[@]}"; do
        IFS='|' read -r file flags expected_rc11 expected_imm what <<<"$case"
        if [ "$model" = -rc11 ]; then expected=$expected_rc11; else expected=$expected_imm; fi
        log="$(mktemp)"
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        if "$GENMC" "$model" -- $flags "$file" >"$log" 2>&1; then verdict=pass; else verdict=fail; fi
        seconds=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
        if [ "$verdict" = fail ] && ! grep -qE "(Verification|Estimation) unsuccessful" "$log"; then
            verdict=error  # GenMC itself failed (compile error, crash): never a pass
        fi
        if [ "$verdict" = "$expected" ]; then mark=ok; else mark=WRONG; failures=$((failures + 1)); fi
        printf '%-5s %-5s %-20s %-22s %-5s (expected %s, %ss): %s\n' \
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
