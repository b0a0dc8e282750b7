//! Monte Carlo replications on rayon.
//!
//! Replication *i* draws only from streams keyed by `(seed, i, mechanism)` (see
//! [`crate::random`]), and every accumulator merges exactly (integer state), so results do not
//! depend on the number of threads or on how rayon splits the work. Replications run in waves of
//! [`WAVE`]: each wave is simulated in parallel, then its outcomes are handed to the caller in
//! replication order (for streaming CSV rows) — memory stays bounded whatever the count.

mod importance;
mod shard;
mod stats;

pub use importance::{ImportancePlaneStats, ImportanceSamplingStats};
pub use shard::{PARTIAL_FORMAT, Partial, Shard, merge_partials};
pub use stats::{DisasterPlaneStats, DisasterStats, PlaneStats, RunStats};

use crate::clients::episodes;
use crate::model::{Model, ReplicationOutcome};
use crate::random::{Mechanism, stream};
use crate::scenario::Scenario;
use rayon::prelude::*;

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
}

/// Prepares the model of a scenario: with `[clients]`, the zone-level model records the status
/// changes the client model replays.
pub fn prepare(scenario: &Scenario) -> Model<'_> {
    let model = Model::new(scenario);
    if scenario.clients.is_some() {
        model.recording_status()
    } else {
        model
    }
}

/// One complete replication: the zone-level model, then the clients around its disruptions.
pub fn replicate(model: &Model<'_>, replication: u64) -> ReplicationOutcome {
    let s = model.scenario();
    let mut o = model.simulate(replication);
    if let Some(cm) = &s.clients {
        let mut rng = stream(s.seed, replication, Mechanism::named("clients"));
        o.clients = Some(episodes::simulate_replication(s, cm, &o.status_log, &mut rng));
        o.status_log = Vec::new();
    }
    o
}

/// What one rayon fold accumulates: merged statistics and, when kept, the outcomes.
type FoldState = (RunStats, Vec<ReplicationOutcome>);

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
    while start < range.end {
        let end = (start + WAVE).min(range.end);
        // Rayon folds chunks into as few partial accumulators as it likes: the grouping varies
        // with the thread count, but merging is exact, so the result does not.
        let work = || -> FoldState {
            let chunks = (end - start).div_ceil(CHUNK) as usize;
            (0..chunks)
                .into_par_iter()
                .map(|c| start + c as u64 * CHUNK)
                .fold(
                    || (RunStats::new(scenario), Vec::new()),
                    |(mut acc, mut kept), a| {
                        for rep in a..(a + CHUNK).min(end) {
                            let o = replicate(&model, rep);
                            acc.record(scenario, &o);
                            if options.keep_outcomes {
                                kept.push(o);
                            }
                        }
                        (acc, kept)
                    },
                )
                .reduce(
                    || (RunStats::new(scenario), Vec::new()),
                    |(mut a, mut ka), (b, kb)| {
                        a.merge(&b);
                        ka.extend(kb);
                        (a, ka)
                    },
                )
        };
        let (stats, mut kept) = match &pool {
            Some(p) => p.install(work),
            None => work(),
        };
        total.merge(&stats);
        // Rayon's reduce keeps the left-to-right order of an indexed iterator, but sorting makes
        // the order a local fact rather than a property of the reduction.
        kept.sort_unstable_by_key(|o| o.replication);
        for o in &kept {
            sink(o)?;
        }
        start = end;
        if checkpoint(start, &total)? {
            break;
        }
    }
    Ok(total)
}
