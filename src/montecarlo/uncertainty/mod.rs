//! Two-level Monte Carlo: the outer level draws parameter sets from the priors of a scenario's
//! `[[uncertain]]` parameters (a Latin hypercube, or Saltelli's design when Sobol indices are
//! wanted); the inner level runs the scenario's replications at each, all on the scenario's seed
//! (common random numbers: draws differ by their parameters, not by their dice).
//!
//! Every draw is evaluated on its own and reduced at once to the value of every catalogue metric
//! (with its Monte Carlo standard error); the draws of the Latin hypercube are also pooled into
//! one run, the predictive estimate. Draws are numbered, and each depends only on its number, so
//! the result is the same whatever the thread count and however the draws are split into shards.

mod design;
mod sobol;
mod summary;

pub use design::{Design, Role};
pub use summary::{DrawSummary, ParameterSummary, SobolEntry, UncertaintySummary};

use super::{RunOptions, RunStats, Runner, Spread, Summary, estimate};
use crate::model::metric::{MetricDef, catalogue_of};
use crate::scenario::{Plan, ScenarioError};

/// A metric's value at one draw and its Monte Carlo standard error (`None` when the run gives it
/// no interval, or an unbounded one).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DrawValue {
    /// The estimate at this draw.
    pub value: f64,
    /// Its standard error from the inner replications.
    pub std_error: Option<f64>,
}

/// One evaluated point of the design.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// Its number in the design.
    pub index: u64,
    /// The drawn value of every uncertain parameter (a factor or the value, as its entry says).
    pub x: Vec<f64>,
    /// Every metric of the catalogue at this draw (`None`: no data, e.g. no incident).
    pub values: Vec<Option<DrawValue>>,
}

/// What a shard of a two-level run adds to its partial result: how many points the design has,
/// and the shard's evaluated points, in order.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DrawsPart {
    /// Points of the whole design.
    pub points: u64,
    /// The shard's points.
    pub evaluations: Vec<Evaluation>,
}

impl DrawsPart {
    /// Checks the part against the design of the scenario: it holds exactly the points of
    /// `range`, in order, each with a value per parameter and per metric.
    pub fn check(&self, design: &Design, range: std::ops::Range<u64>, metrics: usize) -> Result<(), String> {
        if self.points != design.len() {
            return Err(format!(
                "its design has {} points, the scenario's {}",
                self.points,
                design.len()
            ));
        }
        if self.evaluations.len() as u64 != range.end - range.start {
            return Err(format!(
                "{} evaluated points, but its shard covers {} ({}..{})",
                self.evaluations.len(),
                range.end - range.start,
                range.start,
                range.end
            ));
        }
        for (e, want) in self.evaluations.iter().zip(range) {
            if e.index != want {
                return Err(format!("point {} where point {want} belongs", e.index));
            }
            if e.x.len() != design.parameters || e.values.len() != metrics {
                return Err(format!(
                    "point {want} has {} parameter values and {} metric values, the scenario {} and {metrics}",
                    e.x.len(),
                    e.values.len(),
                    design.parameters
                ));
            }
            let finite = |x: f64| x.is_finite();
            if !e.x.iter().copied().all(finite)
                || !e
                    .values
                    .iter()
                    .flatten()
                    .all(|v| finite(v.value) && v.std_error.is_none_or(|s| finite(s) && s >= 0.0))
            {
                return Err(format!("point {want} has a value that is not a finite number"));
            }
        }
        Ok(())
    }
}

/// Replications of the Latin-hypercube draws among the points `range` of a design with
/// `inner` replications per draw: what a shard's pooled statistics must count.
pub fn pooled_replications(design: &Design, range: std::ops::Range<u64>, inner: u64) -> u64 {
    let a = range.start.min(design.draws)..range.end.min(design.draws);
    (a.end - a.start) * inner
}

/// Why a two-level run failed.
#[derive(Debug, thiserror::Error)]
pub enum UncertainError {
    /// A draw gives an invalid scenario.
    #[error("draw {index} of the uncertain parameters gives an invalid scenario: {error}")]
    Draw {
        /// The draw.
        index: u64,
        /// Why it is invalid.
        error: ScenarioError,
    },
    /// A replication of a draw went over its budget.
    #[error("draw {index}: {budget}")]
    Budget {
        /// The draw.
        index: u64,
        /// What was exceeded.
        budget: crate::model::BudgetExceeded,
    },
}

/// A finished (or partial: a shard's) two-level run.
#[derive(Clone, Debug)]
pub struct UncertainRun {
    /// The metrics, in catalogue order (the order of every `values`).
    pub metrics: Vec<MetricDef>,
    /// The evaluated points, by number.
    pub evaluations: Vec<Evaluation>,
    /// The replications of the Latin-hypercube draws, pooled.
    pub pooled: RunStats,
}

/// The metric values of a finished run, in catalogue order.
pub fn metric_values(metrics: &[MetricDef], stats: &RunStats, summary: &Summary) -> Vec<Option<DrawValue>> {
    metrics
        .iter()
        .map(|d| {
            let e = estimate(&d.metric, stats, summary)?;
            if !e.value.is_finite() {
                return None;
            }
            let std_error = match e.spread {
                Spread::Interval(lo, hi) if lo.is_finite() && hi.is_finite() => {
                    Some((hi - lo) / (2.0 * crate::stats::Z95))
                }
                _ => None,
            };
            Some(DrawValue {
                value: e.value,
                std_error,
            })
        })
        .collect()
}

/// Runs the points `range` of the plan's design (all of them for a whole run).
///
/// `progress(done)` is called after each point. Options apply to every inner run (their
/// `keep_outcomes` and `shard` are ignored: a draw runs all its replications, for statistics
/// only).
pub fn run_uncertain(
    plan: &Plan,
    design: &Design,
    range: std::ops::Range<u64>,
    runner: &Runner,
    options: &RunOptions,
    mut progress: impl FnMut(u64),
) -> Result<UncertainRun, UncertainError> {
    let metrics = catalogue_of(plan);
    let inner = RunOptions {
        keep_outcomes: false,
        shard: None,
        ..options.clone()
    };
    let mut pooled = RunStats::new(plan);
    let mut evaluations = Vec::with_capacity((range.end - range.start) as usize);
    // Draws run side by side (each also spreads its replications over the threads), a batch at a
    // time so that only a batch of draws' statistics is held; they are pooled in draw order, so
    // the result does not depend on the threads.
    let batch = (2 * runner.threads()).max(1) as u64;
    let evaluate = |index: u64| -> Result<(Evaluation, Option<RunStats>), UncertainError> {
        let x = design.values(plan, index);
        let at = plan.draw(&x).map_err(|error| UncertainError::Draw { index, error })?;
        let Ok(stats) = runner.run(&at, &inner, |_| Ok::<(), std::convert::Infallible>(()));
        if let Some(budget) = stats.exceeded.clone() {
            return Err(UncertainError::Budget { index, budget });
        }
        let summary = Summary::new(&at, &stats);
        let values = metric_values(&metrics, &stats, &summary);
        let keep = (design.role(index).0 == Role::A).then_some(stats);
        Ok((Evaluation { index, x, values }, keep))
    };
    let mut start = range.start;
    while start < range.end {
        let end = (start + batch).min(range.end);
        let done: Vec<_> = runner.install(|| {
            use rayon::prelude::*;
            (start..end).into_par_iter().map(evaluate).collect()
        });
        for result in done {
            let (evaluation, stats) = result?;
            if let Some(stats) = stats {
                pooled.merge(&stats);
            }
            progress(evaluation.index);
            evaluations.push(evaluation);
        }
        start = end;
    }
    Ok(UncertainRun {
        metrics,
        evaluations,
        pooled,
    })
}

/// A whole two-level run of a plan with `[uncertainty]`: its design, its evaluations, and the
/// summary of the pooled draws with its `uncertainty` section.
pub fn run_whole(
    plan: &Plan,
    runner: &Runner,
    options: &RunOptions,
) -> Result<(Design, UncertainRun, Summary), UncertainError> {
    let draws = plan.uncertainty().map_or(0, |u| u.draws);
    let design = Design::new(plan, draws).expect("run_whole is called for plans with [uncertainty]");
    let run = run_uncertain(plan, &design, 0..design.len(), runner, options, |_| {})?;
    let summary = summarize(plan, &design, &run);
    Ok((design, run, summary))
}

/// The summary of a finished two-level run: the pooled draws' summary with its `uncertainty`
/// section.
pub fn summarize(plan: &Plan, design: &Design, run: &UncertainRun) -> Summary {
    let mut summary = Summary::new(plan, &run.pooled);
    let pooled = metric_values(&run.metrics, &run.pooled, &summary);
    summary.uncertainty = Some(UncertaintySummary::new(plan, design, run, &pooled));
    summary
}
