#!/bin/sh
# Every test, from a fresh clone: install what is missing, build the normal
# and the sanitizer (ASan+UBSan) configurations, run ctest in both (the
# normal one includes the valgrind corpus run); then, with clang and
# libFuzzer, the fuzz build and a short run of each fuzz target
# (docs/fuzzing.md).
set -eu
cd "$(dirname "$0")/.."

sh tests/setup-debian.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZC_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DZC_SANITIZE=ON \
      -DZC_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs"

# libFuzzer targets (tests/fuzz): built with clang, coverage + ASan +
# UBSan; each fuzzes ZC_FUZZ_SECONDS (25) from the committed seeds
if command -v clang >/dev/null 2>&1; then
    CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DZC_FUZZ=ON -DZC_WERROR=ON >/dev/null
    cmake --build build-fuzz -j "$jobs" --target fuzz_extract fuzz_rules \
          fuzz_frontend fuzz_filter
    ctest --test-dir build-fuzz --output-on-failure -j "$jobs" -L fuzz
else
    echo "check: no clang: fuzz smoke runs skipped (tests/fuzz)" >&2
fi
