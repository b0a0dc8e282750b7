//! Shared helpers.

use outage_sim::model::Scenario;
use outage_sim::montecarlo::Summary;
use outage_sim::montecarlo::{RunOptions, RunStats, Runner};
use outage_sim::scenario::{self, Override, Plan};
use std::path::{Path, PathBuf};

/// Path of a file in the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Loads a shipped scenario.
pub fn load(rel: &str) -> Plan {
    scenario::load(&repo(rel)).unwrap_or_else(|e| panic!("{e}"))
}

/// `plan` with `overrides` (which must be valid).
pub fn with(plan: &Plan, overrides: &[Override]) -> Plan {
    plan.with(overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// `plan` with another replication count.
pub fn with_reps(plan: &Plan, n: u64) -> Plan {
    with(plan, &[Override::replications(n)])
}

/// `plan` with another seed and replication count.
pub fn with_seed(plan: &Plan, seed: u64, n: u64) -> Plan {
    with(plan, &[Override::seed(seed), Override::replications(n)])
}

/// Runs a scenario in-process on `threads` threads.
pub fn run_with(s: &Scenario, threads: Option<usize>) -> RunStats {
    let options = RunOptions {
        keep_outcomes: false,
        shard: None,
        ..RunOptions::default()
    };
    Runner::new(threads).run(s, &options, |_| Ok::<(), ()>(())).unwrap()
}

/// Runs a scenario and returns its `summary.json` bytes.
pub fn summary_json(s: &Plan, threads: Option<usize>) -> Vec<u8> {
    Summary::new(s, &run_with(s, threads)).to_json()
}

/// The `outage-sim` binary.
pub fn bin() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("outage-sim")
}
