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
    "epoch_reclaim.c||pass|pass|the code's orders, symmetric mode (E2-E5, R1, S1)"
    "epoch_reclaim.c|-DPIN_RELEASE_ACQUIRE|fail|fail|the pin release/acquire, not seq_cst (no Dekker)"
    "epoch_reclaim.c|-DSCAN_ACQUIRE|fail|fail|the advancer's record loads acquire, not seq_cst"
    "epoch_reclaim.c|-DUNPIN_RELAXED|fail|pass|the unpin relaxed (RC11: races with the free)"
    "epoch_reclaim.c|-DFREE_AFTER_ONE|fail|fail|a table freed one advance after its retirement"
    "epoch_reclaim.c|-DWORD_LOAD_RELAXED|fail|fail|the reader's table-word load relaxed (S1)"
    "epoch_reclaim.c|-DRETIRE_LOAD|pass|pass|R1 a load (enough in symmetric mode; the code keeps the RMW)"
    "v3_admission.c||pass|pass|the code's orders (close vs admission, tombstones)"
    "v3_admission.c|-DADD_ACQ_REL|fail|fail|the insert's entries fetch-add acq_rel (no Dekker)"
    "v3_admission.c|-DADD_RELAXED|fail|fail|the insert's entries fetch-add relaxed"
    "v3_admission.c|-DSUCC_LOAD_ACQUIRE|fail|fail|the admission's successor load acquire (no Dekker)"
    "v3_admission.c|-DCLOSE_ACQ_REL|fail|fail|the close CAS acq_rel (no Dekker)"
    "v3_admission.c|-DE_LOAD_ACQUIRE|fail|fail|the closer's entries load acquire (no Dekker)"
    "v3_admission.c|-DENSURE_SUCC_ACQUIRE|fail|fail|ensureSuccessor's successor load acquire"
    "v3_admission.c|-DENSURE_LOAD_ACQUIRE|fail|fail|ensureSuccessor's entries load acquire"
    "v3_admission.c|-DDEC_RELAXED|fail|fail|the removal's entries -= 1 relaxed (V5 under-counts)"
    "v3_admission.c|-DDEC_RELEASE|pass|pass|the removal's entries -= 1 release"
    "v3_admission.c|-DTOMB_ADD_RELAXED|pass|pass|the tombstones fetch-add relaxed (the decrement's release orders it)"
    "v3_admission.c|-DTOMB_LOAD_RELAXED|pass|pass|the tombstones load relaxed (the fetch-add's acquire orders it)"
    "v3_flag.c||pass|pass|the code's orders (bits in one word, count, install, publish)"
    "v3_flag.c|-DCHECK_RELAXED|fail|fail|the migrated bit's check relaxed"
    "v3_flag.c|-DFETCH_OR_RELAXED|fail|fail|the migrated bit's fetch_or relaxed"
    "v3_flag.c|-DFETCH_OR_RELEASE|pass|pass|the bit's fetch_or release (each mover reads the copies itself)"
    "v3_flag.c|-DCOUNT_RELAXED|fail|fail|migratedCount's fetch-add relaxed"
    "v3_flag.c|-DCOUNT_ACQ_REL|pass|pass|migratedCount's fetch-add acq_rel (a chain of RMWs)"
    "v3_flag.c|-DWORD_LOAD_RELAXED|fail|fail|the reader's table-word load relaxed"
    "v3_flag.c|-DCOPY_RELAXED|pass|pass|the copy's CAS relaxed (the bit's release orders it)"
    "v3_flag.c|-DINSTALL_RELAXED|fail|fail|the install CAS (CLOSED -> S) relaxed"
    "v3_flag.c|-DINSTALL_RELEASE|pass|pass|the install CAS release (publishes S's header)"
    "v3_flag.c|-DSUCC_LOAD_RELAXED|fail|fail|a mover's successor load relaxed"
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
