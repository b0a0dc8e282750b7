#!/usr/bin/env bash
# Runs the hold model (100 processes, Exp(1) delays, 1 000 000 events) on outage-sim's engine and
# on its peers, and prints a table of the median events/s of each and outage-sim's speed-up, both
# by wall clock and by the CPU time of the thread running the loop (which leaves out the time a
# busy machine gives to other processes).
#
# Builds first (not timed). Then RUNS rounds (default 5); each round runs every peer once, in
# turn, so that background load hits them alike rather than one peer's whole series. Each program
# times only its own event loop and reports the events it processed; any count other than
# 1 000 000 fails the script.
#
# Usage: benches/peers/run.sh            (from anywhere; RUNS=9 PYTHON=python3.12 to change)
set -euo pipefail

cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
PYTHON=${PYTHON:-python3}
SIMPY_VERSION=4.1.2
EVENTS=1000000
venv=benches/peers/.venv

# --- Build (untimed) ---
if ! "$venv/bin/python" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
    echo "Installing SimPy $SIMPY_VERSION into $venv" >&2
    "$PYTHON" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "simpy==$SIMPY_VERSION"
fi
cargo build --release --example peer_hold
cargo build --release --manifest-path benches/peers/nexosim/Cargo.toml
main_target=${CARGO_TARGET_DIR:-target}
nexosim_target=${CARGO_TARGET_DIR:-benches/peers/nexosim/target}

peers=(outage-sim nexosim simpy)
declare -A command=(
    [outage-sim]="$main_target/release/examples/peer_hold"
    [nexosim]="$nexosim_target/release/peer-hold-nexosim"
    [simpy]="$venv/bin/python benches/peers/simpy/hold.py"
)
declare -A rates=() cpu_rates=()

# The value of `key=` in a line of `key=value` words.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# --- Run, interleaved ---
for round in $(seq "$RUNS"); do
    for peer in "${peers[@]}"; do
        line=$(${command[$peer]})
        echo "# round $round: $line"
        events=$(field events "$line")
        if [[ "$events" != "$EVENTS" ]]; then
            echo "error: $peer processed ${events:-no} events, expected $EVENTS" >&2
            exit 1
        fi
        rates[$peer]+="$(field events_per_sec "$line") "
        cpu_rates[$peer]+="$(awk -v n="$events" -v c="$(field cpu_seconds "$line")" 'BEGIN {print n / c}') "
    done
done

# --- Table ---
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ours=$(median <<<"${rates[outage-sim]}")
ours_cpu=$(median <<<"${cpu_rates[outage-sim]}")
echo
printf '| %-10s | %14s | %17s | %14s | %17s |\n' peer "events/s" "outage-sim / peer" "events/CPU-s" "outage-sim / peer"
printf '|%s|%s|%s|%s|%s|\n' "------------" "---------------:" "------------------:" "---------------:" "------------------:"
for peer in "${peers[@]}"; do
    rate=$(median <<<"${rates[$peer]}")
    cpu_rate=$(median <<<"${cpu_rates[$peer]}")
    awk -v p="$peer" -v r="$rate" -v o="$ours" -v cr="$cpu_rate" -v co="$ours_cpu" \
        'BEGIN {printf "| %-10s | %14.0f | %16.1fx | %14.0f | %16.1fx |\n", p, r, o / r, cr, co / cr}'
done
echo
echo "Medians of $RUNS runs of $EVENTS events each, timed around the event loop only:"
echo "events/s by wall clock, events/CPU-s by the CPU time of the thread running the loop."
