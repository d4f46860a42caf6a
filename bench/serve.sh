#!/usr/bin/env bash
# serve's incremental rebuild: from saving one deal file to the rebuilt pages
# on disk, as `serve` reports it ("change → reload sent N ms": from the first
# file event to the new pages published).
#
#   bench/serve.sh DATA [RUNS]     e.g. bench/serve.sh target/bench/large/data 7
#
# Starts `salesbook serve` on DATA, waits for the first build, then 1 + RUNS
# times raises the amount of one deal by 1,000 yuan (a change every figure of it
# shows), waits for the update and takes the latency; restores the file.
# Prints each run's phases and the median latency. Each save waits until serve
# is idle (the export files, written after the pages, are done).
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1
runs=${2:-5}
bin=target/release/salesbook
[ -x "$bin" ] || cargo build --release -q
log=$(mktemp)
deal=$(find "$data/deals" -name '*.toml' | sort | awk 'NR == 1')
backup=$(mktemp)
cp "$deal" "$backup"
"$bin" --data "$data" --timings serve --port 0 >/dev/null 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; cp "$backup" "$deal"; rm -f "$backup" "$log"' EXIT
count() { grep -c -E '^(built|updated) ' "$log" || true; }
until [ "$(count)" -ge 1 ]; do
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.5
done
echo "first build: $(grep -E '^built ' "$log" | head -1)"
exports() { grep -c '^timing: exports' "$log" || true; }
# One save more than measured: in a git repository the first save turns the
# footer to "uncommitted changes" on every page (a full build), later ones not.
for i in $(seq 0 "$runs"); do
  n=$(count)
  e=$(exports)
  sleep 0.5 # let the watcher settle
  perl -0pi -e 's/^amount = (\d+)/"amount = " . ($1 + 1000)/me' "$deal"
  until [ "$(count)" -gt "$n" ]; do sleep 0.02; done
  # The data page's export files are written once serve is idle: wait for
  # them, so that the next save finds serve idle too.
  if grep -E '^(built|updated) ' "$log" | tail -1 | grep -q '^updated'; then
    until [ "$(exports)" -gt "$e" ]; do sleep 0.05; done
  fi
done
sleep 0.3
grep -E '^(timing|updated|built|error|  )' "$log" | tail -n +1
echo
grep -oE 'reload sent [0-9]+ ms' "$log" | awk '{print $3}' | tail -n +2 | sort -n |
  awk '{a[NR]=$1} END {print "median change → pages on disk: " a[int((NR+1)/2)] " ms over " NR " runs (min " a[1] ", max " a[NR] ")"}'
