#!/usr/bin/env bash
# Builds the libFuzzer targets (build-san: `scripts/setup.sh --sanitize`, clang, ASan + UBSan,
# NEWSFLOW_FUZZ=ON; the same build scripts/test.sh runs the sanitized tests in) and runs each for N seconds
# with its seed corpus and dictionary, then prints one line per target: runs, execs/s, corpus,
# coverage (cov / ft of the final stats line) and crashes. Exits 1 when any target crashed.
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--build-dir DIR] [--no-build] [target...]
#
# Targets: fuzz_article_parser fuzz_text fuzz_extractor fuzz_dates (default: all). J targets run
# at a time (default 1; each is one process on one core). New corpus entries go to
# DIR/corpus/<target>/ (kept across runs, never into fuzz/corpus/); crashing inputs to
# DIR/artifacts/<target>/ — commit a reproducer under fuzz/crashes/<target>/, not into the corpus.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=60
jobs=1
build="$root/build-san"
build_first=1
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --no-build) build_first=0; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=(fuzz_article_parser fuzz_text fuzz_extractor fuzz_dates)
((${#targets[@]})) || targets=("${all[@]}")

# Longest input per target: the article parser goes past its 2 KiB size limit (too_large path);
# the extractor and text targets see article-sized text; dates are short expressions in context.
max_len() {
  case "$1" in
    fuzz_article_parser) echo 3000 ;;
    fuzz_text|fuzz_extractor) echo 4096 ;;
    fuzz_dates) echo 512 ;;
    *) echo 4096 ;;
  esac
}

for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t (known: ${all[*]})" >&2; exit 2; }
done

if ((build_first)); then
  target_args=()
  for t in "${targets[@]}"; do target_args+=(--target "$t"); done
  "$root/scripts/setup.sh" --sanitize --build-dir "$build" "${target_args[@]}" >/dev/null
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run() {
  local t=$1 work="$build/corpus/$1" art="$build/artifacts/$1/" log="$build/logs/$1.log"
  mkdir -p "$work" "$art" "$(dirname "$log")"
  local before
  before=$(find "$art" -type f | wc -l)
  # A slow unit (over 25 s) is a finding too: the extractor must stay linear-ish on any input.
  "$build/bin/$t" "$work" "$root/fuzz/corpus/$t" -dict="$root/fuzz/dict/$t.dict" -max_len="$(max_len "$t")" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$art" >"$log" 2>&1 || true
  local after
  after=$(find "$art" -type f | wc -l)
  echo $((after - before)) >"$log.crashes"
}

running=0
for t in "${targets[@]}"; do
  run "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then wait -n; running=$((running - 1)); fi
done
wait

status=0
printf '%-20s %12s %9s %14s %8s %8s %7s\n' target runs execs/s corpus cov ft crashes
for t in "${targets[@]}"; do
  log="$build/logs/$t.log"
  final=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$final")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$final")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$final")
  crashes=$(cat "$log.crashes")
  printf '%-20s %12s %9s %14s %8s %8s %7s\n' "$t" "${runs:-?}" "${eps:-?}" "${corp:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
  if ((crashes > 0)); then
    status=1
    echo "  $t crashed: $(grep -m1 -E 'ERROR: |fuzz invariant broken|runtime error' "$log" || echo 'see log')" >&2
    echo "  input: $(ls -t "$build/artifacts/$t/" | head -n 1 | sed "s|^|$build/artifacts/$t/|"); log: $log" >&2
  fi
done
exit $status
