#!/bin/sh
# Every test, from a fresh clone: install what is missing, build the normal
# and the sanitizer (ASan+UBSan) configurations, run ctest in both.
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
