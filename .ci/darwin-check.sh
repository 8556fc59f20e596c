#!/usr/bin/env bash
# Compiles every target for arm64-apple-macos15.0 and arm64-apple-ios18.0 with
# ../shared/darwin-check (the toolchain's swiftc and clang against a stand-in SDK: Apple's
# macOS 14.2 C headers and Darwin overlay, this toolchain's standard library retargeted),
# then again at the package's floor (Package.swift: macOS 13, iOS 16) with a copy of its
# check.sh whose triples are changed (the shared one fixes macos15.0 / ios18.0), so that a
# use of a newer API without @available fails here.
# CI compiles at the floor only: every target, @available(macOS 15, iOS 18) code included,
# is compiled there too, and the two extra builds at 15 / 18 cost about a minute of CI's
# budget; LOCKFREEMAP_DARWIN_ALL=1 runs all four.
# Fails on any error or warning. It is not a Mac build and runs nothing (README.md,
# "Platforms"; ../shared/darwin-check/README.md says how far to trust it).
#
# The stand-in SDK is set up once per machine from two public inputs that CI machines cannot
# fetch; where it is missing this says so plainly and exits 0.
# Env: W (default /tmp/darwin-check), where make-sdk.sh put sdk/.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK=../shared/darwin-check/check.sh
W=${W:-/tmp/darwin-check}
if [[ ! -x $CHECK || ! -f $W/sdk/MacOSX-fake.sdk/SDKSettings.json || ! -f $W/sdk/iPhoneOS-fake.sdk/SDKSettings.json ]]; then
    echo "darwin-check: SKIPPED (stand-in SDK not set up on this machine: see ../shared/darwin-check/README.md)"
    exit 0
fi
# The floor's copy: check.sh and the stubs beside it, with the deployment targets lowered.
FLOOR=$(mktemp -d)
trap 'rm -rf "$FLOOR"' EXIT
cp -R "$(dirname "$CHECK")/." "$FLOOR/"
chmod -R u+w "$FLOOR"
sed -i -e 's/T=arm64-apple-macos15\.0 ;;/T=arm64-apple-macos13.0 ;;/' \
    -e 's/T=arm64-apple-ios18\.0 ;;/T=arm64-apple-ios16.0 ;;/' "$FLOOR/check.sh"
grep -q 'T=arm64-apple-macos13.0 ;;' "$FLOOR/check.sh" && grep -q 'T=arm64-apple-ios16.0 ;;' "$FLOOR/check.sh" || {
    echo "darwin-check: FAILED: could not lower the triples in a copy of $CHECK (its layout changed?)"
    exit 1
}
status=0
checks=("$FLOOR/check.sh")
if [[ ${LOCKFREEMAP_DARWIN_ALL:-0} == 1 ]]; then checks=("$CHECK" "$FLOOR/check.sh"); fi
for check in "${checks[@]}"; do
    for platform in macos ios; do
        out=$(W=$W bash "$check" . "$platform" 2>&1) || status=1
        printf '%s\n' "$out"
        # check.sh fails only on errors; a warning fails here too.
        if ! grep -q '^darwin-check: 0 error(s), 0 warning(s)' <<<"$out"; then status=1; fi
    done
done
exit $status
