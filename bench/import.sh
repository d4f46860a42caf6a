#!/usr/bin/env bash
# import at scale: a CRM-shaped deal table (Maven's 8,300 opportunities has this
# shape) of N rows, and the template's table 3 of N stage rows, each into a
# repository of N/100 customers, as dry runs (everything but the writing).
#
#   bench/import.sh [N...]      default: 8300 83000 (1× and 10× Maven)
#
# Prints rows, wall seconds and peak RSS for each; linear means 10× the rows
# take about 10× the time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/salesbook
[ -x "$bin" ] || cargo build --release -q
sizes=${*:-8300 83000}
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT; echo "work: $work" >&2
for n in $sizes; do
  d=$work/r$n
  "$bin" init "$d" -q >/dev/null 2>&1 || "$bin" init "$d" >/dev/null
  data=$d
  [ -f "$d/data/pipeline.toml" ] && data=$d/data
  rm -f "$data"/leads/* "$data"/customers/* "$data"/deals/* "$data"/cases/* "$data"/months/* 2>/dev/null || true
  owner=$(grep -m1 '^id = ' "$data/pipeline.toml" | sed 's/id = "\(.*\)"/\1/')
  k=$(( n / 100 ))
  awk -v k="$k" 'BEGIN { print "客户编号,客户名称,行业,负责人"; for (i = 1; i <= k; i++) printf "c%05d,客户%05d有限公司,制造业,'"$owner"'\n", i, i }' >"$work/customers$n.csv"
  "$bin" --data "$data" --quiet import customers "$work/customers$n.csv" >/dev/null
  awk -v n="$n" -v k="$k" 'BEGIN {
    print "商机编号,客户名称,负责人,金额,状态,成交或丢单日期,丢单原因,创建日期,销售阶段"
    for (i = 1; i <= n; i++) {
      c = sprintf("c%05d", (i % k) + 1); m = 1 + i % 9; day = 1 + i % 27
      s = i % 3
      if (s == 0) printf "D%06d,%s,,%d,赢单,2024-%02d-%02d,,2024-%02d-%02d,商务谈判与成交\n", i, c, 1000 + i % 5000, m + 3, day, m, day
      else if (s == 1) printf "D%06d,%s,,,丢单,2024-%02d-%02d,预算取消,2024-%02d-%02d,客户深度培育\n", i, c, m + 2, day, m, day
      else printf "D%06d,%s,,,进行中,,,2024-%02d-%02d,方案制定与呈现\n", i, c, m, day
    }
  }' >"$work/deals$n.csv"
  awk -v n="$n" -v k="$k" 'BEGIN {
    print "商机编号,客户名称,销售阶段,进入阶段时间"
    for (i = 1; i <= n / 2; i++) {
      c = sprintf("c%05d", (i % k) + 1); m = 1 + i % 9; day = 1 + i % 27
      printf "S%06d,%s,客户深度培育,2024-%02d-%02d\n", i, c, m, day
      printf "S%06d,%s,方案制定与呈现,2024-%02d-%02d\n", i, c, m + 1, day
    }
  }' >"$work/stages$n.csv"
  printf '\n[process]\nsince = 2025-01-01\n' >>"$data/pipeline.toml"
  for table in deals stages; do
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" --data "$data" --quiet import "$table" "$work/$table$n.csv" --dry-run >/dev/null 2>"$work/err" \
      || { echo "import $table failed:"; head -5 "$work/err"; exit 1; }
    t1=$(date +%s%N)
    printf '%-7s %7d rows  %6.2f s  %5d MiB\n' "$table" "$n" "$(echo "($t1 - $t0) / 1000000000" | bc -l)" $(( $(cat "$work/rss") / 1024 ))
  done
done
