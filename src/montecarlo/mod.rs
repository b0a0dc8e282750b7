//! Monte Carlo replications on rayon.
//!
//! Replication *i* draws only from streams keyed by `(seed, i, mechanism)` (see
//! [`crate::random`]), and every accumulator merges exactly (integer state), so results do not
//! depend on the number of threads or on how rayon splits the work. Replications run in waves of
//! [`WAVE`]: each wave is simulated in parallel, then its outcomes are handed to the caller in
//! replication order (for streaming CSV rows) — memory stays bounded whatever the count.

mod checkpoint;
mod distributions;
mod estimate;
pub mod exemplar;
mod importance;
mod shard;
mod stats;
mod summary;
mod verdict;

pub use checkpoint::{CHECKPOINT, Checkpoint};
pub use distributions::{Distributions, Family};
pub use estimate::{Estimate, Spread, estimate};
pub use summary::{
    AvailabilitySection, ClientsSummary, DisasterPlane, FeatureAvailability, FeatureFailures, ImportancePlane,
    ImportanceSamplingSummary, Keyed, Misses, PerPlane, PlaneIncidents, RegionDisasterSummary, SCHEMA_VERSION,
    ScenarioInfo, Stopping, Summary, ToolInfo,
};
pub use verdict::{Outcome, Verdict, all_hold, evaluate};

pub use importance::{ImportancePlaneStats, ImportanceSamplingStats};
pub use shard::{PARTIAL_FORMAT, Partial, Shard, merge_partials};
pub use stats::{DisasterPlaneStats, DisasterStats, PlaneStats, RunStats, per_replication};

use crate::model::{ReplicationOutcome, Scenario, prepare, replicate};
use rayon::prelude::*;
use std::sync::Mutex;

/// Replications per wave: outcomes of one wave are held in memory before they are handed on.
pub const WAVE: u64 = 16_384;
/// Replications per parallel task inside a wave.
const CHUNK: u64 = 64;

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; `None` uses rayon's default (`RAYON_NUM_THREADS` or all cores).
    pub threads: Option<usize>,
    /// Hand every outcome to the caller (for per-replication and per-incident rows).
    pub keep_outcomes: bool,
    /// Run only this shard's replications.
    pub shard: Option<Shard>,
    /// Counts finished replications as they finish (for a progress display); it never affects
    /// the results.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// Runs every replication of `scenario`, calling `sink` with each outcome in replication order
/// when `options.keep_outcomes` is set, and returns the merged statistics.
pub fn run<E>(
    scenario: &Scenario,
    options: &RunOptions,
    sink: impl FnMut(&ReplicationOutcome) -> Result<(), E>,
) -> Result<RunStats, E> {
    run_resumable(scenario, options, None, sink, |_, _| Ok(false))
}

/// Like [`run`], resuming from `resume` (the next replication to run and the statistics of those
/// before it) when given, and calling `checkpoint(next, stats)` after every wave, once its
/// outcomes have been handed to `sink` — the points from which a run can be resumed. When
/// `checkpoint` returns `true` the run stops there (a stopping rule: since waves and merges are
/// deterministic, so is where it stops).
pub fn run_resumable<E>(
    scenario: &Scenario,
    options: &RunOptions,
    resume: Option<(u64, RunStats)>,
    mut sink: impl FnMut(&ReplicationOutcome) -> Result<(), E>,
    mut checkpoint: impl FnMut(u64, &RunStats) -> Result<bool, E>,
) -> Result<RunStats, E> {
    let pool = options.threads.map(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("thread pool")
    });
    let model = prepare(scenario);
    let range = options
        .shard
        .map_or(0..scenario.replications, |s| s.range(scenario.replications));
    let (mut start, mut total) = match resume {
        Some((next, stats)) => (next.clamp(range.start, range.end), stats),
        None => (range.start, RunStats::new(scenario)),
    };
    // One accumulator per worker thread, reused for the whole run: a replication is recorded
    // into the accumulator of the thread that ran it, and the accumulators are merged into the
    // total after every wave. Which thread ran what varies, but merging is exact, so the total
    // does not; and memory is a fixed number of accumulators, whatever the replication count.
    let threads = pool
        .as_ref()
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    let slots: Vec<Mutex<RunStats>> = (0..threads).map(|_| Mutex::new(RunStats::new(scenario))).collect();
    while start < range.end {
        let end = (start + WAVE).min(range.end);
        let wave = || -> Vec<Vec<ReplicationOutcome>> {
            (0..(end - start).div_ceil(CHUNK))
                .into_par_iter()
                .map(|c| {
                    let first = start + c * CHUNK;
                    let last = (first + CHUNK).min(end);
                    let slot = rayon::current_thread_index().unwrap_or(0) % slots.len();
                    let mut acc = slots[slot].lock().expect("accumulator lock");
                    let mut kept = Vec::new();
                    for rep in first..last {
                        let o = replicate(&model, rep);
                        acc.record(scenario, &o);
                        if options.keep_outcomes {
                            kept.push(o);
                        }
                    }
                    if let Some(done) = &options.progress {
                        done.fetch_add(last - first, std::sync::atomic::Ordering::Relaxed);
                    }
                    kept
                })
                .collect()
        };
        let kept = match &pool {
            Some(p) => p.install(wave),
            None => wave(),
        };
        for slot in &slots {
            let mut acc = slot.lock().expect("accumulator lock");
            if acc.replications > 0 {
                total.merge(&acc);
                *acc = RunStats::new(scenario);
            }
        }
        // `collect` keeps the chunks in order, and each chunk is in replication order.
        for o in kept.iter().flatten() {
            sink(o)?;
        }
        start = end;
        if checkpoint(start, &total)? {
            break;
        }
    }
    Ok(total)
}
