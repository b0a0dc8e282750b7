#!/usr/bin/env bash
# Opens an HTML report in a real headless browser (Debian's chromium, installed here when
# missing), renders it to a PNG, and checks that the page the browser built holds the report's
# charts and tables. Usage: scripts/browser-check.sh RESULTS_DIR [MIN_CHARTS]
# Exit 0 when the check passes, 1 when it fails, 2 on bad usage.
set -euo pipefail
dir=${1:?usage: scripts/browser-check.sh RESULTS_DIR [MIN_CHARTS]}
min_charts=${2:-1}
report="$dir/report.html"
[ -f "$report" ] || { echo "error: $report does not exist (run \`outage-sim report $dir\` first)" >&2; exit 2; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium is missing: installing Debian's package" >&2
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
# The flags keep a headless chromium off the (closed) network and away from a GPU.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$profile" --hide-scrollbars)
png="$dir/report.png"
"$browser" "${flags[@]}" --window-size=1280,4000 --screenshot="$png" "$url" >/dev/null 2>&1
"$browser" "${flags[@]}" --dump-dom "$url" 2>/dev/null > "$profile/dom.html"

fail() { echo "browser check FAILED: $*" >&2; exit 1; }
[ -s "$png" ] || fail "no screenshot was written"
size=$(stat -c %s "$png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes: a blank page?"
count() { { grep -o "$1" "$profile/dom.html" || true; } | wc -l; }
charts=$(count '<figure class="chart"')
svgs=$(count '<svg')
tables=$(count '<table class="summary"')
[ "$charts" -ge "$min_charts" ] || fail "$charts charts in the rendered page, expected at least $min_charts"
[ "$svgs" -ge "$charts" ] || fail "$charts chart figures but only $svgs inline SVGs"
[ "$tables" -ge 2 ] || fail "$tables summary tables in the rendered page, expected at least 2"
grep -q 'id="scenario"' "$profile/dom.html" || fail "the scenario is missing from the page"
echo "browser check passed: $(basename "$browser") rendered $report ($charts charts, $svgs SVGs, $tables tables) to $png ($size bytes)"
