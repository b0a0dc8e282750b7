#!/usr/bin/env bash
# Peak RSS of a summary-only run of the default scenario at a small and a large replication count
# (memory must stay flat: they should differ by less than 20 %). Usage: benches/memory.sh [SMALL] [LARGE]
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-10000}
large=${2:-10000000}
cargo build --release --quiet
bin=target/release/outage-sim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rss() { /usr/bin/time -f '%M' "$bin" run --summary-only --quiet --replications "$1" --out "$out" 2>&1 >/dev/null | tail -1; }
a=$(rss "$small")
b=$(rss "$large")
echo "peak RSS, summary-only: $small replications ${a} KiB, $large replications ${b} KiB"
awk -v a="$a" -v b="$b" 'BEGIN { d = (b - a) / a * 100; printf "difference: %+.1f %% (limit 20 %%)\n", d; exit (d < 20 && d > -20) ? 0 : 1 }'
