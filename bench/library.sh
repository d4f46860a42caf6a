#!/usr/bin/env bash
# The case library alone, for the issue-6 comparison with Zola (20,000 Markdown
# pages of ~2.7 KB): a repository of only `pipeline.toml` and 20,000 cases, made
# from the large corpus's 5,000 cases four times over (new ids; the `deal` line
# dropped, as there are no deals), then `build` timed like bench/run.sh does.
#
#   bench/library.sh [RUNS]     # default 5 warm runs after one warm-up
#
# Needs target/bench/large/data (bench/run.sh large) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-5}
LARGE=target/bench/large/data
LIB=target/bench/library
BIN=target/release/salesbook
[ -f "$LARGE/pipeline.toml" ] || { echo "bench: run bench/run.sh large first" >&2; exit 2; }
cargo build --release --quiet --bin salesbook

if [ ! -f "$LIB/data/pipeline.toml" ]; then
    rm -rf "$LIB/data"
    mkdir -p "$LIB/data/cases"
    cp "$LARGE/pipeline.toml" "$LIB/data/"
    find "$LARGE/cases" -type f -name '*.md' | while read -r f; do
        id=$(basename "$f" .md)
        for r in 1 2 3 4; do
            grep -v '^deal = ' "$f" >"$LIB/data/cases/$id-r$r.md"
        done
    done
fi
files=$(find "$LIB/data/cases" -type f | wc -l)
kb=$(du -cb "$LIB/data/cases" | tail -1 | awk -v n="$files" '{printf "%.1f", $1 / n / 1000}')

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "### Case library alone ($files cases of $kb KB, median of $RUNS warm builds)"
echo
echo "| output | build wall (s) | user+sys (s) | peak RSS (MiB) | pages/s (whole build) | \`cases\` part (ms) | pages/s (\`cases\` part) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
# run LABEL OUT: one warm-up build, then RUNS builds replacing the site in OUT.
run() {
    local label=$1 out=$2
    "$BIN" --data "$LIB/data" -q build --out "$out" --force
    : >"$LIB/runs"
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s%N)
        /usr/bin/time -f "%U %S %M" -o "$LIB/time" "$BIN" --data "$LIB/data" --timings -q build --out "$out" --force 2>"$LIB/err"
        t1=$(date +%s%N)
        cases_ms=$(awk '$1 == "timing:" && $2 == "cases" {print $3}' "$LIB/err")
        tail -1 "$LIB/time" | awk -v w="$(( (t1 - t0) / 1000 ))" -v c="$cases_ms" '{printf "%.4f %.2f %d %.1f\n", w / 1e6, $1 + $2, $3, c}' >>"$LIB/runs"
    done
    local wall cpu rss cases
    wall=$(cut -d' ' -f1 "$LIB/runs" | median)
    cpu=$(cut -d' ' -f2 "$LIB/runs" | median)
    rss=$(cut -d' ' -f3 "$LIB/runs" | sort -g | tail -1 | awk '{printf "%.0f", $1 / 1024}')
    cases=$(cut -d' ' -f4 "$LIB/runs" | median)
    awk -v l="$label" -v w="$wall" -v c="$cpu" -v r="$rss" -v n="$files" -v ms="$cases" \
        'BEGIN {printf "| %s | %.2f | %.2f | %s | %.0f | %.0f | %.0f |\n", l, w, c, r, n / w, ms, n / ms * 1000}'
}
run "disk ($LIB/site)" "$LIB/site"
# The same in memory (tmpfs), where writing the files costs no disk.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    run "memory (/dev/shm)" /dev/shm/salesbook-library
    rm -rf /dev/shm/salesbook-library
fi
