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
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.symbol(), self.value_text)
    }
}
