#!/usr/bin/env bash
# Regenerates kb/entities/{countries,cities,regions}.jsonl from CLDR (via ICU), iso-codes and the
# hand-maintained inputs next to this script. Offline: reads only installed Debian data.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${KBGEN_BUILD_DIR:-$root/build-kbdata/kbgen}"
cmake -S "$root/tools/kbgen" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target kbgen_cldr_dump -j2 >/dev/null
dump="$(mktemp)"
trap 'rm -f "$dump"' EXIT
"$build/kbgen_cldr_dump" en ar vi tr >"$dump"
python3 "$root/tools/kbgen/gen_places.py" "$dump" "$root/kb/entities"
