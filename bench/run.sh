#!/usr/bin/env bash
# salesbook benchmarks (issue 6): check, export and build on the synthetic corpora,
# against the floor (read every input, write the same output bytes).
#
#   bench/run.sh                 # small, medium and large
#   bench/run.sh medium          # some scales only
#   RUNS=7 bench/run.sh          # warm runs per figure (default 5, after one warm-up run)
#   REGEN=1 bench/run.sh         # regenerate the corpora even when present
#
# Corpora go to target/bench/<scale>/data (generated once by
# `cargo run --release --example synth`), outputs to target/bench/<scale>/{export,site}.
# Prints Markdown tables and writes them to target/bench/results.md.
# Needs GNU time (/usr/bin/time; `apt-get install time`).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
if [ $# -gt 0 ]; then SCALES=("$@"); else SCALES=(small medium large); fi
BENCH=target/bench
BIN=target/release/salesbook
SYNTH=target/release/examples/synth
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$BENCH"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cargo build --release --quiet --bin salesbook --example synth

for s in "${SCALES[@]}"; do
    data=$BENCH/$s/data
    if [ -n "${REGEN:-}" ] || [ ! -f "$data/pipeline.toml" ]; then
        "$SYNTH" --scale "$s" --out "$data"
    fi
done

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
max() { sort -g | tail -1; }

# measure NAME CMD...: one warm-up run, then RUNS runs; per run one line
# "wall_s cpu_s rss_kib" in $TMP/NAME.runs and stderr in $TMP/NAME.<i>.err.
measure() {
    local name=$1
    shift
    "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
    : >"$TMP/$name.runs"
    for i in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s%N)
        "$TIME" -f "%U %S %M" -o "$TMP/time" "$@" >/dev/null 2>"$TMP/$name.$i.err"
        t1=$(date +%s%N)
        tail -1 "$TMP/time" | awk -v w="$(( (t1 - t0) / 1000 ))" '{printf "%.4f %.2f %d\n", w / 1e6, $1 + $2, $3}' >>"$TMP/$name.runs"
    done
}
wall() { cut -d' ' -f1 "$TMP/$1.runs" | median; }
cpu() { cut -d' ' -f2 "$TMP/$1.runs" | median; }
rss_mib() { cut -d' ' -f3 "$TMP/$1.runs" | max | awk '{printf "%.0f", $1 / 1024}'; }
# phase PREFIX PHASE: median of "timing: PHASE  x ms" over the runs of PREFIX
phase() {
    cat "$TMP/$1".*.err | awk -v p="$2" '$1 == "timing:" && $2 == p {print $3}' | median | awk '{printf "%.0f", $1}'
}
f2() { awk -v x="$1" 'BEGIN {printf "%.2f", x}'; }
f3() { awk -v x="$1" 'BEGIN {printf "%.3f", x}'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1f", a / b; else print "—"}'; }

declare -A W C R
rows_cmd="" rows_floor="" rows_phase="" rows_serve="" rows_cases=""
for s in "${SCALES[@]}"; do
    data=$BENCH/$s/data
    site=$BENCH/$s/site
    files_in=$(find "$data" -type f \( -name '*.toml' -o -name '*.md' \) | wc -l)
    mb_in=$(find "$data" -type f \( -name '*.toml' -o -name '*.md' \) -print0 | du -cb --files0-from=- | tail -1 | awk '{printf "%.1f", $1 / 1e6}')
    echo "bench: $s ($files_in files, $mb_in MB) …" >&2

    measure "$s-check" "$BIN" --data "$data" --timings check -q
    measure "$s-export" "$BIN" --data "$data" -q export --out "$BENCH/$s/export"
    measure "$s-build" "$BIN" --data "$data" --timings -q build --out "$site" --force
    measure "$s-shared" "$BIN" --data "$data" -q build --audience shared --out "$BENCH/$s/shared" --force
    # The same build into memory (tmpfs): what the build costs without the disk.
    mem=""
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        mem=/dev/shm/salesbook-bench-$s
        measure "$s-memory" "$BIN" --data "$data" -q build --out "$mem" --force
        rm -rf "$mem"
    fi
    files_out=$(find "$site" -type f | wc -l)
    mb_out=$(du -sb "$site" | awk '{printf "%.1f", $1 / 1e6}')

    # Floor: read every input (warm), write the same output bytes (cp -r of the site).
    measure "$s-read" sh -c "find '$data' -type f \\( -name '*.toml' -o -name '*.md' \\) -print0 | xargs -0 cat >/dev/null"
    : >"$TMP/$s-write.runs"
    cp -r "$site" "$BENCH/$s/site-copy" && rm -rf "$BENCH/$s/site-copy" # warm-up
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s%N)
        cp -r "$site" "$BENCH/$s/site-copy"
        t1=$(date +%s%N)
        rm -rf "$BENCH/$s/site-copy"
        echo "$(( (t1 - t0) / 1000 ))" | awk '{printf "%.4f 0 0\n", $1 / 1e6}' >>"$TMP/$s-write.runs"
    done

    # serve: from saving one deal file to the updated pages on disk (bench/serve.sh).
    bench/serve.sh "$data" "$RUNS" >"$TMP/$s-serve.out" 2>&1 || { cat "$TMP/$s-serve.out" >&2; exit 1; }
    serve_ms=$(grep -oE 'reload sent [0-9]+ ms' "$TMP/$s-serve.out" | awk '{print $3}' | tail -n +2 | median)
    update_ms=$(grep -oE '^updated [0-9]+ files in [0-9]+ ms' "$TMP/$s-serve.out" | awk '{print $5}' | tail -n +2 | median)
    pages=$(grep -oE '^updated [0-9]+ files' "$TMP/$s-serve.out" | awk '{print $2}' | tail -n +2 | median)
    rows_serve+="| $s | $serve_ms | $update_ms | $pages |"$'\n'

    # The case library: the build's `cases` part (case pages, tag pages, list, search index, feed).
    cases_ms=$(phase "$s-build" cases)
    cases_files=$(cat "$TMP/$s-build".*.err | awk '$1 == "timing:" && $2 == "cases" {print $5}' | tail -1)
    cases_kb=$(find "$data/cases" -type f -name '*.md' -print0 | du -cb --files0-from=- | tail -1 | awk -v n="$(find "$data/cases" -type f -name '*.md' | wc -l)" '{printf "%.1f", $1 / n / 1000}')
    rows_cases+="| $s | $cases_files | $cases_kb | $cases_ms | $(awk -v f="$cases_files" -v ms="$cases_ms" 'BEGIN {printf "%.0f", f / ms * 1000}') |"$'\n'

    cmds="check export build shared"
    [ -n "$mem" ] && cmds="$cmds memory"
    for c in $cmds; do
        W[$s-$c]=$(wall "$s-$c")
        C[$s-$c]=$(cpu "$s-$c")
        R[$s-$c]=$(rss_mib "$s-$c")
        cmd=$c
        [ "$c" = shared ] && cmd="build --audience shared"
        [ "$c" = memory ] && cmd="build --out /dev/shm/…"
        rows_cmd+="| $s | $files_in / $mb_in MB | \`$cmd\` | $(f3 "${W[$s-$c]}") | $(f2 "${C[$s-$c]}") | ${R[$s-$c]} |"$'\n'
    done
    read_s=$(wall "$s-read")
    write_s=$(wall "$s-write")
    floor=$(awk -v a="$read_s" -v b="$write_s" 'BEGIN {print a + b}')
    rows_floor+="| $s | $(f3 "$read_s") | $(f3 "$write_s") ($files_out files, $mb_out MB) | $(f3 "$floor") | $(f3 "${W[$s-build]}") | $(div "${W[$s-build]}" "$floor")× |"$'\n'
    rows_phase+="| $s | $(phase "$s-check" load) | $(phase "$s-check" metrics) | $(phase "$s-check" check) | $(phase "$s-build" load) | $(phase "$s-build" site) |"$'\n'
done

{
    echo "### Commands (median wall of $RUNS warm runs, median user+sys CPU, max peak RSS)"
    echo
    echo "| scale | input | command | wall (s) | user+sys (s) | peak RSS (MiB) |"
    echo "|---|---|---|---:|---:|---:|"
    printf '%s' "$rows_cmd"
    echo
    echo "### Floor (median of $RUNS warm runs: \`cat\` of every input, \`cp -r\` of the built site)"
    echo
    echo "| scale | read inputs (s) | write output (s) | floor (s) | build (s) | build ÷ floor |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s' "$rows_floor"
    echo
    echo "### Phases (\`--timings\`, medians in ms)"
    echo
    echo "| scale | check: load | check: metrics | check: check | build: load | build: site |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s' "$rows_phase"
    echo
    echo "### Case library (the \`cases\` part of \`build --timings\`, median ms)"
    echo
    echo "| scale | files | case file (KB, mean) | ms | files/s |"
    echo "|---|---:|---:|---:|---:|"
    printf '%s' "$rows_cases"
    echo
    echo "### serve: saving one deal file (median of $RUNS saves, \`bench/serve.sh\`)"
    echo
    echo "| scale | save → pages on disk (ms) | update (ms) | pages written |"
    echo "|---|---:|---:|---:|"
    printf '%s' "$rows_serve"
    if [ -n "${W[medium-check]:-}" ] && [ -n "${W[large-check]:-}" ]; then
        echo
        echo "### Growth, large ÷ medium (10× the records)"
        echo
        echo "| command | medium (s) | large (s) | ratio |"
        echo "|---|---:|---:|---:|"
        for c in check export build memory; do
            [ -n "${W[large-$c]:-}" ] || continue
            cmd=$c
            [ "$c" = memory ] && cmd="build --out /dev/shm/…"
            echo "| \`$cmd\` | $(f3 "${W[medium-$c]}") | $(f3 "${W[large-$c]}") | $(div "${W[large-$c]}" "${W[medium-$c]}") |"
        done
    fi
    # The case library alone, against the issue's Zola figures (needs the large corpus).
    if [ -f "$BENCH/large/data/pipeline.toml" ]; then
        echo
        bench/library.sh "$RUNS"
    fi
} | tee "$BENCH/results.md"
