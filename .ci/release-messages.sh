#!/usr/bin/env bash
# The failure messages of bad arguments and of out-of-memory stops must survive a release
# build (`precondition` drops its message under -O; the map uses fatalError). Runs the exit
# tests that check those messages with the package built in release mode, in its own build
# folder. -enable-testing: the benchmark tests use @testable imports.
set -euo pipefail
cd "$(dirname "$0")/.."
swift test -c release -Xswiftc -enable-testing --scratch-path .build-release-tests \
    --filter "CapacityTests|OutOfMemoryTests|MembarrierFailureTests"
