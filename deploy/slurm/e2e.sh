#!/usr/bin/env bash
# e2e.sh — end-to-end test of the Slurm deployment on this one machine (as root).
#
#  1. installs Slurm and MUNGE from Debian's packages (slurm-wlm, munge) if missing;
#  2. writes a private MUNGE key and a single-node slurm.conf (this host on 127.0.0.1, all its
#     CPUs, no accounting, SlurmUser=root) under E2E_WORK, and starts munged, slurmctld and
#     slurmd on their own socket and ports (16817/16818): an existing /etc/slurm or system
#     munged is neither used nor touched;
#  3. builds outage-sim (cargo build --release) unless OUTAGE_SIM names a binary;
#  4. submits SHARDS shards of SCENARIO with REPLICATIONS replications through
#     deploy/slurm/submit.sh (array job + merge job with afterok) and waits for both;
#  5. runs the same scenario in one process and compares the two summary.json byte for byte
#     (and the CSVs), prints PASS or FAIL and exits 0 or 1;
#  6. stops the daemons it started (on any exit).
# Safe to rerun: daemons left by an earlier run (pid files under E2E_WORK) are stopped first,
# and state, configuration and results are recreated each time.
# Not part of .ci/run: it installs system packages and starts daemons.
#
# Parameters (environment variables):
#   SCENARIO      (default: scenarios/community-training-standard-zonal.toml)
#   SHARDS        (default: 4)
#   REPLICATIONS  (default: 4000)
#   OUTAGE_SIM    binary to use (default: target/release/outage-sim, built here)
#   E2E_WORK      working directory (default: /tmp/outage-sim-slurm-e2e)
#   E2E_TIMEOUT   seconds to wait for the jobs (default: 600)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCENARIO="${SCENARIO:-$repo/scenarios/community-training-standard-zonal.toml}"
SHARDS="${SHARDS:-4}"
REPLICATIONS="${REPLICATIONS:-4000}"
WORK="${E2E_WORK:-/tmp/outage-sim-slurm-e2e}"
TIMEOUT="${E2E_TIMEOUT:-600}"
t0=$SECONDS
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

log() { printf '[e2e %4ds] %s\n' "$((SECONDS - t0))" "$*"; }
die() { log "ERROR: $*"; exit 1; }
[[ "$(id -u)" -eq 0 ]] || die "run as root (it installs packages and starts slurmctld/slurmd as root)"
case "$SCENARIO" in /*) ;; *) SCENARIO="$PWD/$SCENARIO" ;; esac
[[ -f "$SCENARIO" ]] || die "no scenario file $SCENARIO"

# ---- 1. packages -----------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    log "installing slurm-wlm and munge from Debian"
    # Keep the packages' init scripts from starting system daemons during the install.
    own_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        own_policy=1
    fi
    install_rc=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends slurm-wlm munge >/dev/null; } || install_rc=$?
    if [[ "$own_policy" -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
    [[ "$install_rc" -eq 0 ]] || die "apt-get install slurm-wlm munge failed ($install_rc)"
fi
log "$(slurmctld -V), $(munged --version 2>&1 | awk '{print $1; exit}')"

# ---- 2. configuration and daemons ------------------------------------------------------------
run_dir="$WORK/run"
stop_daemons() {
    local name pidfile pid
    for name in slurmd slurmctld munged; do
        pidfile="$run_dir/$name.pid"
        [[ -s "$pidfile" ]] || continue
        pid="$(cat "$pidfile")"
        # Only a live process of that name: pid files may outlive their daemon.
        if [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == "$name" ]]; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                [[ -d "/proc/$pid" ]] || break
                sleep 0.2
            done
            if [[ -d "/proc/$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi
        fi
        rm -f "$pidfile"
    done
}
stop_daemons # left over from an interrupted earlier run

node="$(hostname -s)"
cpus="$(nproc)"
rm -rf "$WORK/slurmctld" "$WORK/slurmd" "$WORK/log" "$WORK/results" "$WORK/single"
mkdir -p "$WORK" "$run_dir" "$WORK/munge" "$WORK/munge-socket" "$WORK/slurmctld" "$WORK/slurmd" "$WORK/log"
chmod 0700 "$WORK/munge"         # the key: root only
chmod 0755 "$WORK/munge-socket"  # munged wants its socket's directory searchable by all
export SLURM_CONF="$WORK/slurm.conf"
munge_socket="$WORK/munge-socket/munge.socket"

cat >"$SLURM_CONF" <<CONF
# Single-node test cluster written by deploy/slurm/e2e.sh; regenerated on every run.
ClusterName=outagesim-e2e
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
StateSaveLocation=$WORK/slurmctld
SlurmdSpoolDir=$WORK/slurmd
SlurmctldPidFile=$run_dir/slurmctld.pid
SlurmdPidFile=$run_dir/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=kill_invalid_depend
ReturnToService=2
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
InactiveLimit=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=e2e Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

started=0
array_id=""
merge_id=""
on_exit() {
    local rc=$?
    if [[ "$started" -eq 1 ]]; then
        if [[ -n "$array_id$merge_id" ]]; then
            scancel ${array_id:+"$array_id"} ${merge_id:+"$merge_id"} 2>/dev/null || true
        fi
        stop_daemons
        log "stopped munged, slurmctld and slurmd"
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

show_logs() {
    local f
    for f in "$WORK/log/slurmctld.log" "$WORK/log/slurmd.log" "$WORK/log/munged.log"; do
        [[ -f "$f" ]] || continue
        echo "---- tail of $f"
        tail -n 25 "$f"
    done
}

started=1
head -c 1024 /dev/urandom >"$WORK/munge/munge.key"
chmod 0400 "$WORK/munge/munge.key"
munged --key-file="$WORK/munge/munge.key" --socket="$munge_socket" \
    --pid-file="$run_dir/munged.pid" --log-file="$WORK/log/munged.log" \
    --seed-file="$WORK/munge/munged.seed" ||
    { show_logs; die "munged did not start"; }
munge -n -S "$munge_socket" | unmunge -S "$munge_socket" >/dev/null ||
    { show_logs; die "munge credential round trip failed"; }
log "munged up ($munge_socket)"

slurmctld -c || { show_logs; die "slurmctld did not start"; }
slurmd -N "$node" || { show_logs; die "slurmd did not start"; }

deadline=$((SECONDS + 60))
state=""
until [[ "$state" == idle* ]]; do
    state="$(sinfo -h -n "$node" -o %T 2>/dev/null || true)"
    if ((SECONDS > deadline)); then
        show_logs
        die "node $node not idle after 60 s (state: '${state:-no answer}')"
    fi
    [[ "$state" == idle* ]] || sleep 1
done
log "slurmctld and slurmd up; node $node idle with $cpus CPUs"

# ---- 3. outage-sim binary --------------------------------------------------------------------
if [[ -z "${OUTAGE_SIM:-}" ]]; then
    log "cargo build --release"
    (cd "$repo" && cargo build --release --quiet)
    OUTAGE_SIM="$repo/target/release/outage-sim"
fi
[[ -x "$OUTAGE_SIM" ]] || die "no executable outage-sim at $OUTAGE_SIM"
log "binary: $OUTAGE_SIM ($("$OUTAGE_SIM" --version 2>/dev/null || echo 'version unknown'))"

# ---- 4. the sharded run on Slurm -------------------------------------------------------------
cd "$WORK"
scenario_name="$(awk '/^[[:space:]]*\[/ { exit }
    /^[[:space:]]*name[[:space:]]*=/ { sub(/^[^"]*"/, ""); sub(/".*$/, ""); print; exit }' "$SCENARIO")"
log "submitting $SHARDS shards of $scenario_name, $REPLICATIONS replications"
t_submit=$(now)
ids="$(OUTAGE_SIM="$OUTAGE_SIM" SCENARIO="$SCENARIO" SHARDS="$SHARDS" OUT="$WORK/results" \
    REPLICATIONS="$REPLICATIONS" SEED="" "$repo/deploy/slurm/submit.sh")"
array_id="$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$ids")"
merge_id="$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$ids")"
[[ -n "$array_id" && -n "$merge_id" ]] || die "submit.sh printed no job ids: $ids"
log "array job $array_id (tasks 0-$((SHARDS - 1))), merge job $merge_id (afterok:$array_id)"

# No accounting here (sacct has nothing): wait until squeue no longer lists either job.
deadline=$((SECONDS + TIMEOUT))
# squeue failing (controller busy) counts as "not finished yet"; the deadline bounds the wait.
while ! queued="$(squeue -h -j "$array_id,$merge_id" -o %i 2>/dev/null)" || [[ -n "$queued" ]]; do
    if ((SECONDS > deadline)); then
        squeue -j "$array_id,$merge_id" || true
        show_logs
        die "timed out after $TIMEOUT s waiting for jobs $array_id and $merge_id"
    fi
    sleep 1
done
t_cluster=$(since "$t_submit")

# One line per job record: JobId, array task, state, exit code (kept by MinJobAge=600).
job_states() {
    local line
    scontrol -o show job "$1" 2>/dev/null | while read -r line; do
        grep -o -E '\b(JobId|ArrayTaskId|JobState|ExitCode)=[^ ]+' <<<"$line" | tr '\n' ' ' || true
        echo
    done
}
log "jobs finished after ${t_cluster} s:"
{ job_states "$array_id" | sort -t= -k3n; job_states "$merge_id"; } | sed 's/^/    /'
merged="$WORK/results/merged/$scenario_name/summary.json"
if [[ ! -f "$merged" ]]; then
    for f in "$WORK"/results/logs/*.out; do
        echo "---- $f"
        tail -n 20 "$f"
    done
    show_logs
    die "no merged summary at $merged"
fi
array_id="" merge_id="" # done: nothing to cancel

# ---- 5. single process, compare --------------------------------------------------------------
t_single=$(now)
"$OUTAGE_SIM" run "$SCENARIO" --replications "$REPLICATIONS" --out "$WORK/single" -q
t_single=$(since "$t_single")
single="$WORK/single/$scenario_name/summary.json"
log "single-process run: ${t_single} s -> $single"

result=PASS
for f in summary.json replications.csv incidents.csv; do
    a="$WORK/results/merged/$scenario_name/$f"
    b="$WORK/single/$scenario_name/$f"
    if [[ ! -e "$a" && ! -e "$b" ]]; then
        continue
    elif cmp "$a" "$b"; then
        log "identical: $f ($(wc -c <"$a") bytes)"
    else
        log "DIFFERENT: $f"
        result=FAIL
    fi
done
log "cluster (submit to merged): ${t_cluster} s; single process: ${t_single} s; total $((SECONDS - t0)) s"
echo "$result: $SHARDS Slurm shards + merge vs one process, $scenario_name, $REPLICATIONS replications"
[[ "$result" == PASS ]]
