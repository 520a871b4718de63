#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with -Werror, runs every unit and
# integration test (integration tests start the real broker, ingest, extract and sink binaries as
# processes), then the extraction quality floors on the seed gold set.
#   scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --build-dir build --cmake-arg -DNEWSFLOW_WERROR=ON
# A real PostgreSQL 15 server on loopback for the store conformance tests (stopped at exit).
NEWSFLOW_TEST_PG_URI=$(scripts/pg.sh start)
export NEWSFLOW_TEST_PG_URI
trap 'scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT
cd build
ctest --output-on-failure --timeout 600 -j2 "$@"
