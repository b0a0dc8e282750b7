#!/usr/bin/env bash
# submit.sh — submits a sharded outage-sim run to Slurm: the array job (one task per shard,
# outage-sim-array.sbatch), then the merge job (outage-sim-merge.sbatch) with
# --dependency=afterok:<array job id>, so the merge starts only when every shard succeeded.
#
# Usage:  [VAR=value ...] deploy/slurm/submit.sh [extra sbatch options, e.g. --partition=p]
# Parameters (environment variables):
#   OUTAGE_SIM    outage-sim binary, reachable from the compute nodes (default: outage-sim on PATH)
#   SCENARIO      scenario file           (default: scenarios/community-training-premium-zr.toml)
#   SHARDS        number of shards N      (default: 4) -> --array=0-(N-1)
#   OUT           results root on a filesystem shared by the nodes (default: results)
#   REPLICATIONS  override the scenario's replication count (optional)
#   SEED          override the scenario's seed (optional)
#   RESUME        1 (default): shard tasks pass --resume (continue from a checkpoint); 0: no
#   LOG_DIR       Slurm output files      (default: OUT/logs)
# Relative paths are made absolute here. Results: OUT/<name>.shard-K-of-N/ per shard and
# OUT/merged/<name>/summary.json. Prints ARRAY_JOB_ID=<id> and MERGE_JOB_ID=<id> on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

OUTAGE_SIM="${OUTAGE_SIM:-outage-sim}"
[[ "$OUTAGE_SIM" == */* ]] && OUTAGE_SIM="$(abs "$OUTAGE_SIM")"
SCENARIO="$(abs "${SCENARIO:-scenarios/community-training-premium-zr.toml}")"
SHARDS="${SHARDS:-4}"
OUT="$(abs "${OUT:-results}")"
LOG_DIR="$(abs "${LOG_DIR:-$OUT/logs}")"
export OUTAGE_SIM SCENARIO SHARDS OUT
export REPLICATIONS="${REPLICATIONS:-}" SEED="${SEED:-}" RESUME="${RESUME:-1}"

if ! [[ "$SHARDS" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: SHARDS must be a positive integer, got '$SHARDS'" >&2
    exit 2
fi
[[ -f "$SCENARIO" ]] || { echo "error: no scenario file $SCENARIO" >&2; exit 2; }
# Catch a bad scenario before queueing anything, when the binary runs here too.
if command -v "$OUTAGE_SIM" >/dev/null 2>&1; then
    "$OUTAGE_SIM" validate "$SCENARIO" >&2
fi
mkdir -p "$OUT" "$LOG_DIR"

array_out="$(sbatch --parsable --array="0-$((SHARDS - 1))" --export=ALL \
    --output="$LOG_DIR/shard-%A_%a.out" "$@" "$here/outage-sim-array.sbatch")"
array_id="${array_out%%;*}"   # --parsable prints "id" or "id;cluster"
[[ "$array_id" =~ ^[0-9]+$ ]] || { echo "error: unexpected sbatch output '$array_out'" >&2; exit 1; }

merge_out="$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
    --export=ALL --output="$LOG_DIR/merge-%j.out" "$@" "$here/outage-sim-merge.sbatch")"
merge_id="${merge_out%%;*}"
[[ "$merge_id" =~ ^[0-9]+$ ]] || { echo "error: unexpected sbatch output '$merge_out'" >&2; exit 1; }

echo "submitted: $SHARDS shards of $SCENARIO -> $OUT/merged/ (logs in $LOG_DIR)" >&2
echo "ARRAY_JOB_ID=$array_id"
echo "MERGE_JOB_ID=$merge_id"
