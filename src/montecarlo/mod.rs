//! Monte Carlo replications on rayon.
//!
//! Replication *i* draws only from streams keyed by `(seed, i, mechanism)` (see
//! [`crate::random`]), and every accumulator merges exactly (integer state), so results do not
//! depend on the number of threads or on how rayon splits the work. Replications run in waves of
//! [`WAVE`]: each wave is simulated in parallel, then its outcomes are handed to the caller in
//! replication order (for streaming CSV rows) — memory stays bounded whatever the count.

mod stats;

pub use stats::{PlaneStats, RunStats};

use crate::model::{self, ReplicationOutcome};
use crate::scenario::Scenario;
use rayon::prelude::*;

/// Replications per wave.
pub const WAVE: u64 = 4096;
/// Replications per parallel task inside a wave.
const CHUNK: u64 = 64;

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; `None` uses rayon's default (`RAYON_NUM_THREADS` or all cores).
    pub threads: Option<usize>,
    /// Hand every outcome to the caller (for per-replication and per-incident rows).
    pub keep_outcomes: bool,
}

/// Runs every replication of `scenario`, calling `sink` with each outcome in replication order
/// when `options.keep_outcomes` is set, and returns the merged statistics.
pub fn run<E>(
    scenario: &Scenario,
    options: &RunOptions,
    mut sink: impl FnMut(&ReplicationOutcome) -> Result<(), E>,
) -> Result<RunStats, E> {
    let pool = options.threads.map(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("thread pool")
    });
    let procs = model::processes(scenario);
    let mut total = RunStats::new(scenario);
    let mut start = 0;
    while start < scenario.replications {
        let end = (start + WAVE).min(scenario.replications);
        let chunks: Vec<(u64, u64)> = (start..end)
            .step_by(CHUNK as usize)
            .map(|c| (c, (c + CHUNK).min(end)))
            .collect();
        let work = || -> Vec<(RunStats, Vec<ReplicationOutcome>)> {
            chunks
                .par_iter()
                .map(|&(a, b)| {
                    let mut acc = RunStats::new(scenario);
                    let mut kept = Vec::new();
                    for rep in a..b {
                        let o = model::simulate(scenario, &procs, rep);
                        acc.record(scenario, &o);
                        if options.keep_outcomes {
                            kept.push(o);
                        }
                    }
                    (acc, kept)
                })
                .collect()
        };
        let results = match &pool {
            Some(p) => p.install(work),
            None => work(),
        };
        for (acc, kept) in results {
            total.merge(&acc);
            for o in &kept {
                sink(o)?;
            }
        }
        start = end;
    }
    Ok(total)
}
