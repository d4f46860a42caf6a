#!/usr/bin/env bash
# A git repository with a long history over a generated corpus, to time the
# `git` phase (docs/git.md, BENCHMARKS.md "Timeliness from git").
#
#   bench/git-history.sh [DIR] [COMMITS] [SCALE]     defaults: target/bench/git 5000 medium
#
# Makes DIR/repo/data with `examples/synth` (the data folder is a sub-folder of
# the repository, as in most teams), then writes the history with
# `git fast-import`: one adoption commit with the whole corpus, then COMMITS
# commits, one hour apart, each appending a dated comment line to 3 record files
# (leads, deals, customers in turn). Then runs `salesbook --timings check` 5 times
# without the history cache and 5 times with it, and prints the median `git` phases.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-target/bench/git}
COMMITS=${2:-5000}
SCALE=${3:-medium}
BIN=target/release/salesbook
cargo build --release -q --example synth --bin salesbook
rm -rf "$DIR/repo"
mkdir -p "$DIR/repo"
cargo run --release -q --example synth -- --scale "$SCALE" --out "$DIR/repo/data" >/dev/null
git -C "$DIR/repo" init -q
python3 - "$DIR/repo" "$COMMITS" <<'PY' | git -C "$DIR/repo" fast-import --quiet
import datetime, os, sys
repo, commits = sys.argv[1], int(sys.argv[2])
out = sys.stdout.buffer
files = {}
for root, _, names in os.walk(os.path.join(repo, "data")):
    for n in names:
        p = os.path.join(root, n)
        files[os.path.relpath(p, repo)] = open(p, "rb").read()
paths = sorted(files)
t0 = 1704070800  # 2024-01-01 09:00 +08:00
def commit(i, changed, when):
    msg = f"commit {i}\n".encode()
    out.write(b"commit refs/heads/main\n")
    who = f"rep{i % 7} <rep{i % 7}@example.com> {when} +0800\n".encode()
    out.write(b"author " + who + b"committer " + who)
    out.write(b"data %d\n" % len(msg) + msg)
    for p in changed:
        data = files[p]
        out.write(b"M 100644 inline " + p.encode() + b"\n")
        out.write(b"data %d\n" % len(data) + data + b"\n")
commit(0, paths, t0)
by_kind = {k: [p for p in paths if p.startswith(f"data/{k}/")] for k in ("leads", "deals", "customers")}
for i in range(1, commits + 1):
    when = t0 + 3600 * i
    day = datetime.datetime.fromtimestamp(when + 8 * 3600, datetime.timezone.utc).strftime("%Y-%m-%d")
    changed = []
    for k, ps in by_kind.items():
        p = ps[(i * 7919) % len(ps)]
        files[p] = files[p] + f"# reviewed {day} in commit {i}\n".encode()
        changed.append(p)
    commit(i, changed, when)
PY
git -C "$DIR/repo" reset -q --hard main
echo "commits: $(git -C "$DIR/repo" rev-list --count HEAD), files: $(git -C "$DIR/repo" ls-files | wc -l)"
# The git phase without the history cache (deleted before each run: a full
# `git log -p`) and with it (cache at HEAD), 5 runs each.
cache=$(git -C "$DIR/repo" rev-parse --path-format=absolute --git-path salesbook)
phase() { "$BIN" --data "$DIR/repo/data" --timings check -q 2>&1 >/dev/null | awk '$2 == "git" {print $3}'; }
median() { sort -n | awk '{a[NR]=$1} END {print "median of " NR ": " a[int((NR+1)/2)] "  all: " a[1] " … " a[NR]}'; }
cold=(); warm=()
for _ in 1 2 3 4 5; do rm -rf "$cache"; cold+=("$(phase)"); done
for _ in 1 2 3 4 5; do warm+=("$(phase)"); done
printf '%s\n' "${cold[@]}" | median | sed 's/^/git phase (ms), no cache, /'
printf '%s\n' "${warm[@]}" | median | sed 's/^/git phase (ms), cache at HEAD, /'
"$BIN" --data "$DIR/repo/data" --timings check -q 2>&1 >/dev/null | grep timing
