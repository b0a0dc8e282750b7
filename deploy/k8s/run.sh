#!/usr/bin/env bash
# run.sh — runs a sharded outage-sim on Kubernetes and merges the shards.
#
#  1. applies the ReadWriteMany claim outage-sim-results (outage-sim-results-pvc.yaml);
#  2. puts SCENARIO into the ConfigMap outage-sim-scenario (key scenario.toml);
#  3. deletes earlier outage-sim-shards / outage-sim-merge Jobs, applies the Indexed Job
#     (outage-sim-indexed-job.yaml) with completions = SHARDS, and waits for it:
#         kubectl wait --for=condition=complete job/outage-sim-shards
#     (stopping early if the Job reports Failed);
#  4. applies the merge Job (outage-sim-merge-job.yaml), waits for it and prints its log (the
#     summary table). Results on the claim: /results/merged/<scenario-name>/summary.json.
#
# Usage:  [VAR=value ...] deploy/k8s/run.sh [--render]
#   --render prints the manifests that would be applied, and touches no cluster.
# Parameters (environment variables):
#   SCENARIO      scenario file (default: scenarios/community-training-premium-zr.toml)
#   SHARDS        number of shards, the Indexed Job's completions (default: 4)
#   PARALLELISM   shard pods at once (default: SHARDS)
#   REPLICATIONS  override the scenario's replication count (default: the scenario's)
#   IMAGE         container image (default: outage-sim:latest; build: see Dockerfile)
#   TIMEOUT       seconds to wait for each Job (default: 86400)
#   KUBECTL       kubectl command, e.g. "kubectl -n sims" (default: kubectl)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCENARIO="${SCENARIO:-scenarios/community-training-premium-zr.toml}"
SHARDS="${SHARDS:-4}"
PARALLELISM="${PARALLELISM:-$SHARDS}"
REPLICATIONS="${REPLICATIONS:-}"
IMAGE="${IMAGE:-outage-sim:latest}"
TIMEOUT="${TIMEOUT:-86400}"
read -r -a kubectl <<<"${KUBECTL:-kubectl}"
render_only=0
[[ "${1:-}" == "--render" ]] && render_only=1

for v in SHARDS PARALLELISM; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "error: $v must be a positive integer" >&2; exit 2; }
done
[[ -z "$REPLICATIONS" || "$REPLICATIONS" =~ ^[1-9][0-9]*$ ]] ||
    { echo "error: REPLICATIONS must be a positive integer" >&2; exit 2; }
[[ -f "$SCENARIO" ]] || { echo "error: no scenario file $SCENARIO" >&2; exit 2; }

# The manifests with SHARDS, PARALLELISM, REPLICATIONS and IMAGE filled in.
render() {
    sed -e "s/^\( *completions:\) [0-9]*\( # = SHARDS\)\$/\1 $SHARDS\2/" \
        -e "s/^\( *value:\) \"[0-9]*\"\( # = SHARDS\)\$/\1 \"$SHARDS\"\2/" \
        -e "s/^\( *parallelism:\) [0-9]*\( # shards running at once\)\$/\1 $PARALLELISM\2/" \
        -e "/- name: REPLICATIONS/{n;s/value: \"[0-9]*\"/value: \"$REPLICATIONS\"/;}" \
        -e "s|image: outage-sim:latest|image: $IMAGE|" "$1"
}

if [[ "$render_only" -eq 1 ]]; then
    cat "$here/outage-sim-results-pvc.yaml"
    echo "---"
    "${kubectl[@]}" create configmap outage-sim-scenario --from-file=scenario.toml="$SCENARIO" \
        --dry-run=client -o yaml 2>/dev/null || echo "# (ConfigMap outage-sim-scenario from $SCENARIO)"
    echo "---"
    render "$here/outage-sim-indexed-job.yaml"
    echo "---"
    render "$here/outage-sim-merge-job.yaml"
    exit 0
fi

# Waits for a Job to complete; returns 1 if it reports Failed or TIMEOUT passes.
wait_job() {
    local job="$1" deadline=$((SECONDS + TIMEOUT))
    until "${kubectl[@]}" wait --for=condition=complete --timeout=30s "job/$job" >/dev/null 2>&1; do
        if [[ "$("${kubectl[@]}" get job "$job" \
            -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}')" == True ]]; then
            echo "error: job/$job failed" >&2
            return 1
        fi
        if ((SECONDS > deadline)); then
            echo "error: job/$job not complete after $TIMEOUT s" >&2
            return 1
        fi
    done
}

"${kubectl[@]}" apply -f "$here/outage-sim-results-pvc.yaml"
"${kubectl[@]}" create configmap outage-sim-scenario --from-file=scenario.toml="$SCENARIO" \
    --dry-run=client -o yaml | "${kubectl[@]}" apply -f -
# Job specs are immutable: replace earlier runs.
"${kubectl[@]}" delete job outage-sim-shards outage-sim-merge --ignore-not-found --wait=true

render "$here/outage-sim-indexed-job.yaml" | "${kubectl[@]}" apply -f -
echo "waiting for job/outage-sim-shards ($SHARDS shards, $PARALLELISM at once)"
if ! wait_job outage-sim-shards; then
    "${kubectl[@]}" describe job outage-sim-shards | tail -n 20 >&2
    "${kubectl[@]}" logs job/outage-sim-shards --tail=20 >&2 || true
    exit 1
fi

render "$here/outage-sim-merge-job.yaml" | "${kubectl[@]}" apply -f -
echo "waiting for job/outage-sim-merge"
status=0
wait_job outage-sim-merge || status=1
"${kubectl[@]}" logs job/outage-sim-merge || true
[[ "$status" -eq 0 ]] && echo "merged: /results/merged/ on the claim outage-sim-results"
exit "$status"
