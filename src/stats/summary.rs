//! Final, floating-point summaries (written to `summary.json`).
//!
//! These are computed only at the end from the exact integer accumulators,
//! so equal accumulators always give byte-identical summaries.

use serde::{Deserialize, Serialize};

/// Summary of a duration distribution, all values in **seconds**.
///
/// `mean`, `min` and `max` are exact (from [`Moments`](super::Moments));
/// the percentiles come from the histogram (relative precision 0.1 %),
/// clamped to `[min, max]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DurationSummary {
    /// Number of recorded durations.
    pub count: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation; `None` for fewer than two records.
    pub std_dev: Option<f64>,
    /// Standard error of the mean; `None` for fewer than two records.
    pub std_error: Option<f64>,
    /// Smallest recorded duration.
    pub min: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest recorded duration.
    pub max: f64,
}

/// Summary of a proportion such as `P(achieved RTO ≤ target)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProportionSummary {
    /// Number of successes.
    pub successes: u64,
    /// Number of trials.
    pub trials: u64,
    /// Point estimate `successes / trials`.
    pub estimate: f64,
    /// 95 % Wilson score interval `[low, high]` (see
    /// [`wilson_interval`](super::wilson_interval)).
    pub wilson95: [f64; 2],
}

/// Summary of a time-average availability over independent replications.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AvailabilitySummary {
    /// `1 − Σdown / (n·W)`.
    pub estimate: f64,
    /// 95 % normal-approximation interval clamped to `[0, 1]`; `None` for
    /// fewer than two replications.
    pub ci95: Option<[f64; 2]>,
    /// Standard error of the availability; `None` for fewer than two
    /// replications.
    pub std_error: Option<f64>,
    /// Mean downtime per replication, in seconds.
    pub mean_downtime_s: f64,
    /// Number of replications.
    pub replications: u64,
}

/// Summary of a mean over replications of a per-replication count (incidents, misses, disasters).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeanSummary {
    /// The mean.
    pub estimate: f64,
    /// Its standard error; `None` for fewer than two replications.
    pub std_error: Option<f64>,
    /// 95 % normal-approximation interval `mean ± 1.96·SE`, clamped at 0 (counts are never
    /// negative); `None` for fewer than two replications.
    pub ci95: Option<[f64; 2]>,
}

/// Summary of an importance-sampling estimate (see [`WeightedMean`](super::WeightedMean)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightedSummary {
    /// Estimate of the mean under the scenario's own rates.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// 95 % normal-approximation interval `[low, high]`, clamped at 0.
    pub ci95: [f64; 2],
    /// Variance per replication of the weighted value (this estimator's).
    pub variance: f64,
    /// Variance per replication plain sampling would have (estimated with the weights).
    pub plain_variance: f64,
    /// `plain_variance / variance`: how many times more replications plain sampling would need
    /// for the same standard error; `null` when the variance is zero.
    pub variance_reduction: Option<f64>,
}
