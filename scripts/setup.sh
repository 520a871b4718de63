#!/usr/bin/env bash
# Installs what newsflow needs from Debian 12 packages (only what is missing) and builds it.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   scripts/setup.sh [--no-build] [--sanitize] [--build-dir DIR] [--cmake-arg ARG]... [--target T]...
# --sanitize configures the checking build instead (default dir build-san): clang, AddressSanitizer
# + UndefinedBehaviorSanitizer + libFuzzer coverage on the whole tree, -O1 with line tables. It
# holds every test and the fuzz targets; scripts/test.sh runs the suite in it, scripts/fuzz.sh
# fuzzes with it.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=
DO_BUILD=1
SANITIZE=0
CMAKE_ARGS=()
TARGETS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) DO_BUILD=0 ;;
    --sanitize) SANITIZE=1 ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    --cmake-arg) CMAKE_ARGS+=("$2"); shift ;;
    --target) TARGETS+=(--target "$2"); shift ;;
    *) echo "setup.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

PACKAGES=(
  build-essential cmake pkg-config
  librdkafka-dev libre2-dev libicu-dev libprotobuf-dev protobuf-compiler
  libsqlite3-dev sqlite3 nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpq-dev postgresql
  libcurl4-openssl-dev libxml2-dev
  clang libclang-rt-14-dev python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ $DO_BUILD -eq 1 ]]; then
  CONFIGURE=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
  if [[ $SANITIZE -eq 1 ]]; then
    BUILD_DIR=${BUILD_DIR:-build-san}
    # -O1 keeps the sanitized tests fast; line tables are all a stack trace needs and compile
    # much faster than full debug info. The bench is not built: timing instrumented code says nothing.
    export CC=clang CXX=clang++
    CONFIGURE=(-DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" -DNEWSFLOW_FUZZ=ON
               -DNEWSFLOW_BUILD_BENCH=OFF)
  fi
  BUILD_DIR=${BUILD_DIR:-build}
  cmake -S . -B "$BUILD_DIR" "${CONFIGURE[@]}" "${CMAKE_ARGS[@]}" >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" "${TARGETS[@]}"
fi
