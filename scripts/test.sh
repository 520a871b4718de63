#!/usr/bin/env bash
# The whole test suite, in three parts:
#   1. build/ (-Werror): every unit and integration test (integration tests start the real broker,
#      ingest, extract and sink binaries as processes), the chaos tests, the extraction quality
#      floors on the seed gold set; PostgreSQL tests against a real server on loopback;
#   2. build-san/ (clang, ASan + UBSan, leak detection): the same tests again except the two chaos
#      tests (they run in part 1; under ASan they take ~3 minutes more);
#   3. a short fuzz of every libFuzzer target from build-san/ (NEWSFLOW_FUZZ_SECONDS each, default 30).
# Any failure stops the run with a non-zero exit.
#   scripts/test.sh [ctest args...]      ctest args apply to parts 1 and 2
# NEWSFLOW_TEST_SANITIZE=0 skips parts 2 and 3; NEWSFLOW_FUZZ_SECONDS=0 skips part 3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup.sh --build-dir build --cmake-arg -DNEWSFLOW_WERROR=ON
# A real PostgreSQL 15 server on loopback for the store conformance tests (stopped at exit).
NEWSFLOW_TEST_PG_URI=$(scripts/pg.sh start)
export NEWSFLOW_TEST_PG_URI
trap 'scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT

echo "== tests (build/)"
(cd build && ctest --output-on-failure --timeout 600 -j2 "$@")

if [[ "${NEWSFLOW_TEST_SANITIZE:-1}" == 0 ]]; then exit 0; fi

echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-san/)"
scripts/setup.sh --sanitize --cmake-arg -DNEWSFLOW_WERROR=ON
# Any report fails the test that caused it: ASan aborts, UBSan halts, leaks fail at exit.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd build-san && ctest --output-on-failure --timeout 600 -j2 -LE chaos "$@")

seconds="${NEWSFLOW_FUZZ_SECONDS:-30}"
if [[ "$seconds" == 0 ]]; then exit 0; fi
echo "== fuzz, ${seconds} s per target (build-san/)"
scripts/fuzz.sh --no-build --build-dir "$root/build-san" --seconds "$seconds" --jobs 2
