#!/usr/bin/env bash
# Installs what newsflow needs from Debian 12 packages (only what is missing) and builds it.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   scripts/setup.sh [--no-build] [--build-dir DIR] [--cmake-arg ARG]... [--target T]...
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=build
DO_BUILD=1
CMAKE_ARGS=()
TARGETS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) DO_BUILD=0 ;;
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
  clang python3
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
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${CMAKE_ARGS[@]}" >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" "${TARGETS[@]}"
fi
