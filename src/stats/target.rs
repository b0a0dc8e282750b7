//! "Achieved value within target" rates, e.g. `P(achieved RTO ≤ RTO target)`.

use serde::{Deserialize, Serialize};

use super::proportion::Proportion;
use super::summary::ProportionSummary;

/// Fraction of replications whose achieved value met its target
/// (`value ≤ target`), with a 95 % Wilson interval in the summary.
///
/// # Example
/// ```
/// # use outage_sim::stats::TargetMeet;
/// let mut t = TargetMeet::default();
/// assert!(t.record(900, 1_000));
/// assert!(t.record(1_000, 1_000));
/// assert!(!t.record(1_001, 1_000));
/// let s = t.summary().unwrap();
/// assert_eq!((s.successes, s.trials), (2, 3));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TargetMeet {
    proportion: Proportion,
}

impl TargetMeet {
    /// The empty accumulator (same as `Default`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one replication; returns whether `value_ticks ≤ target_ticks`.
    pub fn record(&mut self, value_ticks: u64, target_ticks: u64) -> bool {
        let met = value_ticks <= target_ticks;
        self.proportion.record(met);
        met
    }

    /// Records an outcome decided by the caller.
    pub fn record_outcome(&mut self, met: bool) {
        self.proportion.record(met);
    }

    /// Adds `other`'s counts to `self` (exact).
    pub fn merge(&mut self, other: &Self) {
        self.proportion.merge(&other.proportion);
    }

    /// The underlying success/trial counts.
    pub fn proportion(&self) -> &Proportion {
        &self.proportion
    }

    /// Summary with the 95 % Wilson interval, `None` without trials.
    pub fn summary(&self) -> Option<ProportionSummary> {
        self.proportion.summary()
    }
}

impl_add_assign_via_merge!(TargetMeet);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Z95, wilson_interval};

    #[test]
    fn counts_value_at_or_below_target() {
        let mut t = TargetMeet::new();
        assert_eq!(t.summary(), None);
        assert!(t.record(0, 0));
        assert!(!t.record(1, 0));
        assert!(t.record(5, u64::MAX));
        t.record_outcome(false);
        let s = t.summary().unwrap();
        assert_eq!((s.successes, s.trials, s.estimate), (2, 4, 0.5));
        let (lo, hi) = wilson_interval(2, 4, Z95);
        assert_eq!(s.wilson95, [lo, hi]);
        assert_eq!(t.proportion().trials(), 4);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"successes":2,"trials":4}"#);
        assert_eq!(serde_json::from_str::<TargetMeet>(&json).unwrap(), t);
    }
}
