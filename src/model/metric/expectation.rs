//! A validated expectation: a metric, a comparison and a threshold in the metric's unit (from
//! `[expect]`, or `--precision` as `metric <= half-width`).

use super::Metric;
use crate::engine::SimDuration;
use std::fmt;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl Op {
    /// Operators, longest first (so `<=` is recognised before `<`).
    pub const ALL: [Op; 4] = [Op::Le, Op::Ge, Op::Lt, Op::Gt];

    /// How it is written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    /// Whether `x op threshold` holds.
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Op::Le => x <= threshold,
            Op::Lt => x < threshold,
            Op::Ge => x >= threshold,
            Op::Gt => x > threshold,
        }
    }

    /// Whether it bounds the metric from above (`<=`, `<`).
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Op::Le | Op::Lt)
    }
}

/// A threshold, in the metric's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// For duration metrics.
    Duration(SimDuration),
    /// For every other metric.
    Number(f64),
}

impl Threshold {
    /// The value compared with estimates: seconds for durations.
    pub fn value(self) -> f64 {
        match self {
            Threshold::Duration(d) => d.as_secs_f64(),
            Threshold::Number(x) => x,
        }
    }
}

/// One validated expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// The metric path as written.
    pub path: String,
    /// What it measures.
    pub metric: Metric,
    /// Comparison.
    pub op: Op,
    /// The bound, in the metric's unit.
    pub threshold: Threshold,
    /// The threshold as written (for display).
    pub value_text: String,
    /// When set, the expectation judges this statistic of the metric over the draws of uncertain
    /// parameters (`uncertainty.<metric path>.p05`), not the metric of one run.
    pub over_draws: Option<DrawStat>,
}

/// A statistic of a metric over the outer draws of a two-level run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrawStat {
    /// The mean over draws.
    Mean,
    /// The 5th percentile over draws.
    P05,
    /// The median over draws.
    P50,
    /// The 95th percentile over draws.
    P95,
}

impl DrawStat {
    /// Every statistic, in the order summary.json writes them.
    pub const ALL: [DrawStat; 4] = [DrawStat::Mean, DrawStat::P05, DrawStat::P50, DrawStat::P95];

    /// Its key (`mean`, `p05`, `p50`, `p95`).
    pub fn key(self) -> &'static str {
        match self {
            DrawStat::Mean => "mean",
            DrawStat::P05 => "p05",
            DrawStat::P50 => "p50",
            DrawStat::P95 => "p95",
        }
    }

    /// The fraction of a percentile; `None` for the mean.
    pub fn fraction(self) -> Option<f64> {
        match self {
            DrawStat::Mean => None,
            DrawStat::P05 => Some(0.05),
            DrawStat::P50 => Some(0.5),
            DrawStat::P95 => Some(0.95),
        }
    }

    /// `uncertainty.<metric path>.<stat>` split into the metric path and the statistic.
    pub fn split(key: &str) -> Option<(&str, DrawStat)> {
        let rest = key.strip_prefix("uncertainty.")?;
        let (path, stat) = rest.rsplit_once('.')?;
        let stat = DrawStat::ALL.into_iter().find(|s| s.key() == stat)?;
        (!path.is_empty()).then_some((path, stat))
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.symbol(), self.value_text)
    }
}
