#!/bin/sh
# Install what zhengce needs to build and test on Debian 12, and nothing
# that is already there.  Idempotent: a second run installs nothing.
set -eu

# chromium: tests/review renders the review page in it (skipped without)
# clang, libclang-rt-14-dev (libFuzzer), valgrind: tests/fuzz, the
# valgrind test (tests/hardening); time (GNU time): peak memory in
# tests/frontend/bad_input.sh
PACKAGES="gcc make cmake pkg-config libpcre2-dev libutf8proc-dev libcjson-dev
libcmocka-dev libxml2-dev libsqlite3-dev sqlite3 python3 python3-jsonschema
chromium clang libclang-rt-14-dev valgrind time"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-debian: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
