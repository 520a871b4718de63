#!/usr/bin/env bash
# The benchmark command: builds Release, runs the micro-benchmarks, the extractor start-up probe,
# the raw broker ceiling and the end-to-end pipeline (broker, sink on SQLite, N extractors, ingest
# replaying a corpus at full speed, then at a fixed rate for latency), and prints every figure next
# to its target with PASS / MISS.
#   scripts/bench.sh [--articles K] [--corpus DIR] [--extractors "1 2"] [--rate R] [--markdown]
#                    [--skip-micro] [--keep]
# --articles K     corpus size generated with newsflow-corpusgen (default 5000), ignored with --corpus
# --corpus DIR     replay this folder instead (one file = one article)
# --extractors L   extractor counts for the throughput runs (default "1 2")
# --rate R         articles/s of the latency run (default 500)
# --fetch-wait-ms N  consumers' fetch.wait.max.ms (default 5). The dev broker (librdkafka's mock
#                  cluster) answers a fetch only when this expires, even when data arrived (Kafka
#                  answers at once): at librdkafka's default 500 every hop adds 0-500 ms
# --markdown       also write the results table into docs/performance.md (between its markers)
# --keep           keep the run folder (logs, stores, corpus)
# The machine is shared and noisy: compare ratios measured within one run, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

ARTICLES=5000
CORPUS=""
EXTRACTORS="1 2"
RATE=500
FETCH_WAIT_MS=5
POLL_MS=10  # store polling: the latency figures' resolution
# librdkafka 2.0.2 holds a new idempotent producer's first messages ~1 s (librdkafka PR #5032):
# every ingest process start delays its first second of articles. "Settled" latency leaves out
# the articles ingested in the run's first SETTLE_MS.
SETTLE_MS=2000
MARKDOWN=0
SKIP_MICRO=0
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --articles) ARTICLES="$2"; shift ;;
    --corpus) CORPUS="$2"; shift ;;
    --extractors) EXTRACTORS="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --fetch-wait-ms) FETCH_WAIT_MS="$2"; shift ;;
    --markdown) MARKDOWN=1 ;;
    --skip-micro) SKIP_MICRO=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
COMMAND="scripts/bench.sh --articles $ARTICLES${CORPUS:+ --corpus $CORPUS} --extractors \"$EXTRACTORS\" --rate $RATE --fetch-wait-ms $FETCH_WAIT_MS"
FETCH=(-X "fetch.wait.max.ms=$FETCH_WAIT_MS")

BUILD=${NEWSFLOW_BENCH_BUILD:-$ROOT/build-bench}
# -O2: GCC 12 at -O3 reports a false -Wrestrict in common/src/kafka.cc, which -Werror turns fatal.
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" >/dev/null
cmake --build "$BUILD" -j2 --target newsflow-broker newsflow-ingest newsflow-extract newsflow-sink \
  newsflow-corpusgen newsflow-micro-bench newsflow-bench-startup newsflow-broker-ceiling newsflow-bench-watch \
  >"${TMPDIR:-/tmp}/newsflow-bench-build.log" 2>&1 || { tail -n 30 "${TMPDIR:-/tmp}/newsflow-bench-build.log" >&2; exit 1; }
BIN="$BUILD/bin"

RUN=$(mktemp -d /tmp/newsflow-bench.XXXXXX)
PIDS=()
stop_all() {  # SIGTERM every process we started, then reap them
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  local rc=$?
  stop_all
  if [[ $KEEP -eq 1 || $rc -ne 0 ]]; then echo "bench: run folder kept: $RUN" >&2; else rm -rf "$RUN"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    if (( SECONDS >= deadline )); then echo "bench: timed out waiting for $what (logs in $RUN)" >&2; return 1; fi
    sleep 0.1
  done
}
kv() { sed -n "s/^$2=//p" "$1" | head -n 1; }       # kv FILE KEY: a key=value line's value
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }" 2>/dev/null || echo n/a; }  # calc EXPR [DECIMALS]
verdict() { awk "BEGIN { print (($1) ? \"PASS\" : \"MISS\") }"; }
latency() {  # latency FILE: the watcher's latency figures as one table cell
  local settled="no article ingested after the first $((SETTLE_MS / 1000)) s"
  if [[ "$(kv "$1" settled_samples)" -gt 0 ]] 2>/dev/null; then
    settled="p50 $(kv "$1" settled_p50_ms) ms, p99 $(kv "$1" settled_p99_ms) ms"
  fi
  echo "all: p50 $(kv "$1" latency_p50_ms) ms, p99 $(kv "$1" latency_p99_ms) ms; settled (after the first $((SETTLE_MS / 1000)) s): $settled (resolution $(kv "$1" latency_resolution_ms) ms)"
}

# ---- corpus
if [[ -z "$CORPUS" ]]; then
  CORPUS="$RUN/corpus"
  "$BIN/newsflow-corpusgen" --seeds "$ROOT/seeds" --out "$CORPUS" --count "$ARTICLES" --seed 1 >/dev/null
fi
[[ -d "$CORPUS" ]] || { echo "bench.sh: corpus folder '$CORPUS' not found" >&2; exit 2; }
K=$(find "$CORPUS" -type f ! -name '.*' | wc -l)
CORPUS_BYTES=$(find "$CORPUS" -type f ! -name '.*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
echo "== corpus: $K articles, $CORPUS_BYTES bytes ($CORPUS)"

# ---- micro-benchmarks (single thread = per core)
MICRO="$RUN/micro.json"
if [[ $SKIP_MICRO -eq 0 ]]; then
  echo "== micro-benchmarks"
  "$BIN/newsflow-micro-bench" --benchmark_out="$MICRO" --benchmark_out_format=json \
    --benchmark_counters_tabular=true
else
  echo '{"benchmarks": []}' >"$MICRO"
fi
micro() {  # micro NAME FIELD: a field of benchmark NAME (or NAME/<options>) (0 when absent)
  jq -r --arg n "$1" --arg f "$2" \
    '[.benchmarks[] | select(.name == $n or (.name | startswith($n + "/"))) | .[$f]][0] // 0' "$MICRO"
}

echo "== extractor start-up"
"$BIN/newsflow-bench-startup" | tee "$RUN/startup.txt"

start_broker() {  # start_broker DIR: a fresh dev broker; sets BROKERS
  "$BIN/newsflow-broker" --address-file "$1/broker.addr" --partitions 4 >"$1/broker.out" 2>"$1/broker.log" &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  wait_for 20 "the broker" test -s "$1/broker.addr"
  BROKERS=$(cat "$1/broker.addr")
}

# ---- raw broker ceiling: same broker, same message sizes, no pipeline
echo "== broker ceiling ($K messages)"
mkdir -p "$RUN/ceiling"
start_broker "$RUN/ceiling"
"$BIN/newsflow-broker-ceiling" --brokers "$BROKERS" "${FETCH[@]}" --corpus "$CORPUS" --count "$K" \
  2>"$RUN/ceiling/ceiling.log" | tee "$RUN/ceiling.txt"
PACED=$(( K < 5 * RATE ? K : 5 * RATE ))
echo "== broker latency floor ($PACED messages at $RATE/s)"
"$BIN/newsflow-broker-ceiling" --brokers "$BROKERS" "${FETCH[@]}" --corpus "$CORPUS" --count "$PACED" --rate "$RATE" \
  --group newsflow-broker-floor 2>"$RUN/ceiling/latency.log" | tee "$RUN/broker-latency.txt"
stop_all
CEILING=$(kv "$RUN/ceiling.txt" messages_per_s)

# ---- one pipeline run: pipeline NAME EXTRACTORS ARTICLES [INGEST FLAGS...]; figures in $RUN/NAME.txt
pipeline() {
  local name=$1 n=$2 articles=$3; shift 3
  local dir="$RUN/$name"
  mkdir -p "$dir"
  start_broker "$dir"
  local pid_flags=(--pid "broker=$BROKER_PID")
  "$BIN/newsflow-sink" --brokers "$BROKERS" "${FETCH[@]}" --store "$dir/store.db" 2>"$dir/sink.log" &
  PIDS+=($!)
  pid_flags+=(--pid "sink=$!")
  for i in $(seq 1 "$n"); do
    "$BIN/newsflow-extract" --brokers "$BROKERS" "${FETCH[@]}" 2>"$dir/extract-$i.log" &
    PIDS+=($!)
    pid_flags+=(--pid "extract$i=$!")
  done
  # Start-up (knowledge base, group joins) is not part of the figures: wait until every consumer
  # holds partitions before the first article is produced.
  wait_for 60 "the sink's partitions" grep -q partitions_assigned "$dir/sink.log"
  for i in $(seq 1 "$n"); do
    wait_for 60 "extractor $i's partitions" grep -q partitions_assigned "$dir/extract-$i.log"
  done
  # Warm-up: the dev broker's first produce stalls ~1 s, and the first fetches and store writes
  # set up their sessions; the seed articles go through end to end before the clock starts.
  "$BIN/newsflow-ingest" replay "$ROOT/seeds" --brokers "$BROKERS" 2>"$dir/ingest-warmup.log"
  "$BIN/newsflow-sink" wait --store "$dir/store.db" --articles "$(find "$ROOT/seeds" -type f | wc -l)" \
    --timeout 60 >/dev/null 2>&1
  "$BIN/newsflow-bench-watch" --brokers "$BROKERS" "${FETCH[@]}" --store "$dir/store.db" --articles "$articles" --poll-ms "$POLL_MS" --settle-ms "$SETTLE_MS" \
    --timeout 600 --ready-file "$dir/watch.ready" "${pid_flags[@]}" >"$RUN/$name.txt" 2>"$dir/watch.log" &
  local watch=$!
  PIDS+=("$watch")
  wait_for 60 "the watcher" test -e "$dir/watch.ready"
  /usr/bin/time -f 'ingest_cpu_s=%U+%S\ningest_hwm_kb=%M' -o "$dir/ingest.time" \
    "$BIN/newsflow-ingest" replay "$CORPUS" --brokers "$BROKERS" --progress-every 100000 "$@" 2>"$dir/ingest.log"
  wait "$watch" || echo "bench: $name did not drain (logs in $dir)" >&2
  {
    echo "proc_ingest_cpu_s=$(calc "$(kv "$dir/ingest.time" ingest_cpu_s)" 2)"
    echo "proc_ingest_hwm_mb=$(calc "$(kv "$dir/ingest.time" ingest_hwm_kb) / 1024")"
    echo "store_$("$BIN/newsflow-sink" status --store "$dir/store.db" | head -n 1 | sed 's/ / store_/g')"
  } >>"$RUN/$name.txt"
  stop_all
  sed 's/^/   /' "$RUN/$name.txt"
}

for n in $EXTRACTORS; do
  echo "== end to end, $n extractor(s), full speed"
  pipeline "full-$n" "$n" "$K"
done
LAST_N=${EXTRACTORS##* }
echo "== latency at $RATE articles/s, $LAST_N extractor(s)"
pipeline "rate" "$LAST_N" "$K" --rate "$RATE"
# The pipeline's own latency floor, at a rate it sustains whatever the store size (10 s of it).
FLOOR_RATE=100
FLOOR_K=$(( K < 10 * FLOOR_RATE ? K : 10 * FLOOR_RATE ))
echo "== latency at $FLOOR_RATE articles/s ($FLOOR_K articles), $LAST_N extractor(s)"
pipeline "floor" "$LAST_N" "$FLOOR_K" --rate "$FLOOR_RATE" --limit "$FLOOR_K"

# ---- results
RESULTS="$RUN/results.md"
{
  echo "| figure | measured | target | verdict |"
  echo "| --- | --- | --- | --- |"
  for lang in vi ar en; do
    bps=$(micro "Extract/$lang" bytes_per_second)
    ips=$(micro "Extract/$lang" items_per_second)
    echo "| extraction, $lang (1 core) | $(calc "$bps / 1e6" 2) MB/s, $(calc "$ips" 0) articles/s | >= 20 MB/s, >= 5000 articles/s | $(verdict "$bps >= 20e6 && $ips >= 5000") |"
  done
  for lang in vi ar en; do
    echo "| ingest ArticleParser::Parse, $lang | $(calc "$(micro "ArticleParse/$lang" bytes_per_second) / 1e6" 2) MB/s, $(calc "$(micro "ArticleParse/$lang" items_per_second)" 0) articles/s | - | - |"
  done
  for n in 10 100 1000; do
    echo "| fusion, group of $n | $(calc "$(micro "Fuse/$n" items_per_second)" 0) reports/s | - | - |"
  done
  # Wall-clock rate (commits included) and the same work per CPU second: on a loaded machine the
  # wall figure also counts the time other processes held the cores.
  for variants in 100 1; do
    store="StoreApply/sqlite/variants:$variants"
    eps=$(micro "$store" items_per_second)
    eps_cpu=$(calc "$eps * $(micro "$store" real_time) / ($(micro "$store" cpu_time) + 1e-9)" 0)
    [[ $variants -eq 1 ]] && what="one big story (groups grow every batch)" || what="many stories (small groups)"
    echo "| sink SQLite Store::Apply, $what, $(micro "$store" records_per_batch) records a batch | $(calc "$eps" 0) events/s wall, $eps_cpu events per CPU second | >= 20000 events/s | $(verdict "$eps >= 20000") |"
  done
  echo "| extractor start-up (Create) | $(kv "$RUN/startup.txt" extractor_create_ms) ms | - | - |"
  hwm=$(kv "$RUN/startup.txt" hwm_after_extract_mb)
  echo "| extractor RSS after Create / peak after extracting | $(kv "$RUN/startup.txt" rss_after_create_mb) MB / $hwm MB | <= 200 MB | $(verdict "$hwm <= 200") |"
  echo "| raw broker ceiling (plain producer + consumer, $K messages) | $(calc "$CEILING" 0) msg/s, $(kv "$RUN/ceiling.txt" mb_per_s) MB/s | - | - |"
  echo "| raw broker latency at $RATE msg/s (one hop, 1 ms resolution) | p50 $(kv "$RUN/broker-latency.txt" latency_p50_ms) ms, p99 $(kv "$RUN/broker-latency.txt" latency_p99_ms) ms | - | - |"
  for n in $EXTRACTORS; do
    f="$RUN/full-$n.txt"
    aps=$(kv "$f" articles_per_s); aps=${aps:-0}
    echo "| end to end, $n extractor(s), first produce to last store | $(calc "$aps" 0) articles/s, $(kv "$f" mb_per_s) MB/s, ratio to ceiling $(calc "$aps / $CEILING" 3) | >= 0.5x ceiling | $(verdict "$aps >= 0.5 * $CEILING") |"
    echo "| steady rate, $n extractor(s), first store to last store | $(calc "$(kv "$f" steady_articles_per_s)" 0) articles/s | - | - |"
    echo "| latency at full speed, $n extractor(s) | $(latency "$f") | - | - |"
    ex_hwm=$(grep -h '^proc_extract[0-9]*_hwm_mb=' "$f" | cut -d= -f2 | sort -g | tail -n 1)
    echo "| peak RSS in the pipeline, $n extractor(s) | extract $ex_hwm MB, sink $(kv "$f" proc_sink_hwm_mb) MB, ingest $(kv "$f" proc_ingest_hwm_mb) MB, broker $(kv "$f" proc_broker_hwm_mb) MB | extract <= 200 MB | $(verdict "${ex_hwm:-0} <= 200") |"
    cpu="ingest $(kv "$f" proc_ingest_cpu_s), sink $(kv "$f" proc_sink_cpu_s), broker $(kv "$f" proc_broker_cpu_s)"
    for i in $(seq 1 "$n"); do cpu+=", extract$i $(kv "$f" "proc_extract${i}_cpu_s")"; done
    echo "| CPU seconds, $n extractor(s) | $cpu | - | - |"
  done
  f="$RUN/rate.txt"
  p99=$(kv "$f" settled_p99_ms)
  [[ "$(kv "$f" settled_samples)" -gt 0 ]] 2>/dev/null || p99=1e9  # no samples: nothing was measured
  echo "| latency at $RATE articles/s, $LAST_N extractor(s) | $(latency "$f") | settled p99 <= 50 ms | $(verdict "$p99 <= 50") |"
  echo "| latency at $FLOOR_RATE articles/s ($FLOOR_K articles), $LAST_N extractor(s) | $(latency "$RUN/floor.txt") | - | - |"
} >"$RESULTS"

{
  echo "Measured $(date -u +%Y-%m-%dT%H:%M:%SZ) at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (tree has uncommitted changes)')."
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo "Corpus: $K articles, $CORPUS_BYTES bytes. Command: \`$COMMAND\`."
  echo
  cat "$RESULTS"
} >"$RUN/section.md"
echo
cat "$RUN/section.md"

if [[ $MARKDOWN -eq 1 ]]; then
  DOC="$ROOT/docs/performance.md"
  if grep -q '<!-- bench:begin -->' "$DOC" 2>/dev/null; then
    awk -v section="$RUN/section.md" '
      /<!-- bench:begin -->/ { print; while ((getline line < section) > 0) print line; skip = 1; next }
      /<!-- bench:end -->/ { skip = 0 }
      !skip { print }' "$DOC" >"$RUN/doc.md"
    cp "$RUN/doc.md" "$DOC"
  else
    { echo "# Performance"; echo; echo "<!-- bench:begin -->"; cat "$RUN/section.md"; echo "<!-- bench:end -->"; } >"$DOC"
  fi
  echo "bench: results written to docs/performance.md"
fi
