#!/usr/bin/env bash
# The main job, end to end: installs what is missing, builds, starts the dev broker and the three
# processes (ingest, extract, sink) as separate OS processes, replays a corpus folder (seeds/ by
# default) as a stream, waits until the sink has stored everything, prints the events, and
# stops everything cleanly.
#   scripts/demo.sh [CORPUS_DIR] [--extractors N] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

CORPUS=seeds
EXTRACTORS=1
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --extractors) EXTRACTORS="$2"; shift ;;
    --keep) KEEP=1 ;;
    -*) echo "demo.sh: unknown flag '$1'" >&2; exit 2 ;;
    *) CORPUS="$1" ;;
  esac
  shift
done
[[ -d "$CORPUS" ]] || { echo "demo.sh: corpus folder '$CORPUS' not found" >&2; exit 2; }

scripts/setup.sh --target newsflow-broker --target newsflow-ingest --target newsflow-extract --target newsflow-sink
BIN="$ROOT/build/bin"

RUN=$(mktemp -d /tmp/newsflow-demo.XXXXXX)
STORE="$RUN/newsflow.db"
ADDR="$RUN/broker.addr"
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $KEEP -eq 1 ]]; then echo "demo: logs and store kept in $RUN"; else rm -rf "$RUN"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    if (( SECONDS >= deadline )); then echo "demo: timed out waiting for $what (logs in $RUN)" >&2; KEEP=1; return 1; fi
    sleep 0.2
  done
}

echo "== starting the dev broker (in-memory librdkafka mock cluster)"
"$BIN/newsflow-broker" --address-file "$ADDR" --partitions 4 >"$RUN/broker.out" 2>"$RUN/broker.log" &
PIDS+=($!)
wait_for 20 "the broker" test -s "$ADDR"
BROKERS=$(cat "$ADDR")
echo "   bootstrap: $BROKERS"

echo "== starting sink and $EXTRACTORS extractor(s)"
"$BIN/newsflow-sink" --brokers "$BROKERS" --store "$STORE" 2>"$RUN/sink.log" &
PIDS+=($!)
for i in $(seq 1 "$EXTRACTORS"); do
  "$BIN/newsflow-extract" --brokers "$BROKERS" 2>"$RUN/extract-$i.log" &
  PIDS+=($!)
done

echo "== replaying $CORPUS"
"$BIN/newsflow-ingest" replay "$CORPUS" --brokers "$BROKERS" 2>"$RUN/ingest.log"
tail -n 1 "$RUN/ingest.log"

echo "== waiting for the sink to store everything"
"$BIN/newsflow-sink" wait --store "$STORE" --articles "$(find "$CORPUS" -type f | wc -l)" --timeout 120

echo "== events"
"$BIN/newsflow-sink" events --store "$STORE"
"$BIN/newsflow-sink" status --store "$STORE"
echo "== stopping"
