#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 30); exits 1 if any
# target finds a crash (its input is left in fuzz/artifacts/TARGET/).
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain; on
# stable only, RUSTC_BOOTSTRAP=1 is used instead. See docs/fuzzing.md.
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail

secs=${1:-30}
shift || true
cd "$(dirname "$0")/../fuzz"

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
fi
# No sanitizer: the code is safe Rust, so ASan would halve the speed for
# nothing; debug assertions turn integer overflow into a crash.
flags=(--sanitizer none --debug-assertions)

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <("${fuzz[@]}" list)
fi

"${fuzz[@]}" build "${flags[@]}"

failed=()
for t in "${targets[@]}"; do
    echo "== $t (${secs}s)"
    # New inputs go to the ignored working corpus; fuzz/corpus/$t is the seed.
    mkdir -p "work/$t" "corpus/$t"
    if ! nice -n 10 "${fuzz[@]}" run "${flags[@]}" "$t" "work/$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        2> "work/$t.log"; then
        failed+=("$t")
        tail -n 40 "work/$t.log"
    fi
    grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec' "work/$t.log" || true
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "all ${#targets[@]} targets ran ${secs}s without a crash"
