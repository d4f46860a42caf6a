#!/usr/bin/env bash
# Case search at scale: the peers' corpus (../shared/peers) as N case reviews,
# built into /dev/shm; for each query, the case list opened in headless
# Chromium from file:// (its first page of results), with every file the
# browser opened recorded by strace. Prints the bytes fetched, the largest file
# of the case library, and the build time (against BASE=binary when given,
# interleaved, median of 3).
#
#   bench/search.sh [N...]         default: 500 5000 20000
#   BASE=/tmp/old-salesbook bench/search.sh 20000
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/salesbook
[ -x "$bin" ] || cargo build --release -q
peers=${PEERS:-../shared/peers}
[ -f "$peers/gen_corpus.py" ] || { echo "needs $peers (gen_corpus.py, zola_to_cases.py)" >&2; exit 2; }
sizes=${*:-500 5000 20000}
queries=${QUERIES:-客户 上海 财务总监 renewal}
work=$(mktemp -d /dev/shm/search-bench.XXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT; echo "work: $work" >&2
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for n in $sizes; do
  python3 "$peers/gen_corpus.py" --n "$n" --seed 1 --layout content --out "$work/c$n" --force >/dev/null
  python3 "$peers/zola_to_cases.py" "$work/c$n/content" "$work/d$n" >/dev/null
  for b in ${BASE:-} "$bin"; do
    times=$(for i in 1 2 3; do rm -rf "$work/s"; /usr/bin/time -f "%e" "$b" --data "$work/d$n" -q build --out "$work/s" --force 2>&1; done | median)
    echo "$n cases: build $times s, $(basename "$b")"
  done
  site=$work/s
  big=$(find "$site/cases" -type f -printf '%s %P\n' | sort -n | tail -1)
  echo "$n cases: largest file of the library: $big bytes; $(find "$site/cases/search" -type f | wc -l) index parts"
  for q in $queries; do
    strace -f -qq -e trace=openat -o "$work/st" chromium --headless --no-sandbox --disable-gpu \
      --dump-dom "file://$site/cases/index.html?q=$(enc "$q")" 2>/dev/null >"$work/dom"
    shown=$(grep -o 'id="case-count"[^<]*' "$work/dom" | sed 's/.*>//')
    bytes=$(grep -o "\"$site/[^\"]*\"" "$work/st" | tr -d '"' | sort -u | xargs stat -c %s | awk '{ s += $1 } END { print s }')
    files=$(grep -o "\"$site/[^\"]*\"" "$work/st" | sort -u | wc -l)
    echo "$n cases: q=$q: $bytes bytes in $files files (page, style, scripts, parts); $shown"
  done
done
