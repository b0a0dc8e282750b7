//! Monte Carlo replications on rayon.
//!
//! Replication *i* draws only from streams keyed by `(seed, i, mechanism)` (see
//! [`crate::random`]), and every accumulator merges exactly (integer state), so results do not
//! depend on the number of threads or on how rayon splits the work. Replications run in waves of
//! [`WAVE`] on a [`Runner`]: each wave is simulated in parallel, then its outcomes are handed to
//! the caller in replication order (for streaming CSV rows) — memory stays bounded whatever the
//! count. Studies drive the same loop with their own [`Accumulator`]s.

mod checkpoint;
mod critical_path;
mod distributions;
mod estimate;
pub mod exemplar;
mod importance;
mod shard;
mod stats;
mod summary;
pub mod uncertainty;
mod verdict;
mod waves;

pub use checkpoint::{CHECKPOINT, Checkpoint};
pub use critical_path::CriticalPathStats;
pub use distributions::{Distributions, Family};
pub use estimate::{Estimate, Spread, estimate};
pub use summary::{
    AvailabilitySection, ClientDisasters, ClientsSummary, Compliance, DisasterPlane, FeatureAvailability,
    FeatureFailures, ImportancePlane, ImportanceSamplingSummary, Interval, Keyed, MeetInterval, MissCauses, Misses,
    ObjectiveVerdict, PerPlane, PlaneCriticalPath, PlaneIncidents, PlaneObjectives, RegionDisasterSummary,
    SCHEMA_VERSION, ScenarioInfo, Scoped, Stopping, Summary, ToolInfo, z_of,
};
pub use verdict::{Outcome, Verdict, all_hold, evaluate};
pub use waves::{Accumulator, HELD_WEIGHT, Runner, WAVE};

pub use importance::{ImportancePlaneStats, ImportanceSamplingStats};
pub use shard::{MAX_STATE_BYTES, MergeError, PARTIAL_FORMAT, Partial, RowFile, Shard, merge_partials};
pub use stats::{DisasterPlaneStats, DisasterStats, PlaneStats, RunStats, per_replication};

use crate::model::{ReplicationOutcome, Scenario, prepare, replicate};

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Hand every outcome to the caller (for per-replication and per-incident rows).
    pub keep_outcomes: bool,
    /// Run only this shard's replications.
    pub shard: Option<Shard>,
    /// Counts finished replications as they finish (for a progress display); it never affects
    /// the results.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// Events a replication may deliver (default [`crate::model::DEFAULT_MAX_EVENTS`]). When
    /// given, the first replication stopped at it also stops the rest of its wave (they are
    /// skipped): the statistics then carry [`RunStats::exceeded`] and are not a run's; the caller
    /// must end the run with an error.
    pub max_events: Option<u64>,
    /// Incidents a replication may record (default [`crate::model::DEFAULT_MAX_INCIDENTS`]);
    /// reaching it stops the run as `max_events` does (when that is given).
    pub max_incidents: Option<u64>,
}

impl Accumulator for RunStats {
    const CHUNK: u64 = 64;
    const EXACT: bool = true;
    fn merge(&mut self, other: &RunStats) {
        RunStats::merge(self, other);
    }
}

/// Runs every replication of `scenario` on rayon's global pool; see [`Runner::run`].
pub fn run<E>(
    scenario: &Scenario,
    options: &RunOptions,
    sink: impl FnMut(&ReplicationOutcome) -> Result<(), E>,
) -> Result<RunStats, E> {
    Runner::default().run(scenario, options, sink)
}

impl Runner {
    /// Runs every replication of `scenario`, calling `sink` with each outcome in replication
    /// order when `options.keep_outcomes` is set, and returns the merged statistics.
    pub fn run<E>(
        &self,
        scenario: &Scenario,
        options: &RunOptions,
        sink: impl FnMut(&ReplicationOutcome) -> Result<(), E>,
    ) -> Result<RunStats, E> {
        self.run_resumable(scenario, options, None, sink, |_, _| Ok(false))
    }

    /// Like [`Runner::run`], resuming from `resume` (the next replication to run and the
    /// statistics of those before it) when given, and calling `checkpoint(next, stats)` after
    /// every wave, once its outcomes have been handed to `sink` — the points from which a run can
    /// be resumed. When `checkpoint` returns `true` the run stops there (a stopping rule).
    pub fn run_resumable<E>(
        &self,
        scenario: &Scenario,
        options: &RunOptions,
        resume: Option<(u64, RunStats)>,
        mut sink: impl FnMut(&ReplicationOutcome) -> Result<(), E>,
        mut checkpoint: impl FnMut(u64, &RunStats) -> Result<bool, E>,
    ) -> Result<RunStats, E> {
        let model = prepare(scenario).with_budget(
            options.max_events.unwrap_or(crate::model::DEFAULT_MAX_EVENTS),
            options.max_incidents.unwrap_or(crate::model::DEFAULT_MAX_INCIDENTS),
        );
        let abort = std::sync::atomic::AtomicBool::new(false);
        let range = options
            .shard
            .map_or(0..scenario.replications, |s| s.range(scenario.replications));
        let (start, total) = match resume {
            Some((next, stats)) => (next.clamp(range.start, range.end), stats),
            None => (range.start, RunStats::new(scenario)),
        };
        self.streaming_waves(
            start..range.end,
            total,
            || RunStats::new(scenario),
            |rep, acc: &mut RunStats| {
                use std::sync::atomic::Ordering::Relaxed;
                if abort.load(Relaxed) {
                    return None;
                }
                let o = replicate(&model, rep);
                if o.exceeded.is_some() && options.max_events.is_some() {
                    abort.store(true, Relaxed);
                }
                acc.record(scenario, &o);
                options.keep_outcomes.then_some(o)
            },
            |o| 1 + o.incidents.len() as u64 + o.disasters.len() as u64,
            options.progress.as_deref(),
            |outcomes| outcomes.iter().try_for_each(&mut sink),
            |next, total| checkpoint(next, total),
        )
    }
}
