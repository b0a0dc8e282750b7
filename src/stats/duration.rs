//! Duration statistics: exact moments plus a percentile histogram.

use serde::{Deserialize, Serialize};

use super::histogram::DurationHistogram;
use super::moments::Moments;
use super::summary::DurationSummary;
use super::ticks_to_secs;

/// Statistics of a duration (e.g. achieved RTO) in ticks: exact
/// mean/variance/min/max from [`Moments`] and percentiles from a
/// [`DurationHistogram`]. Both parts merge exactly.
///
/// # Example
/// ```
/// # use outage_sim::stats::DurationStats;
/// let mut s = DurationStats::default();
/// for secs in [10, 20, 30] {
///     s.record(secs * 1_000_000);
/// }
/// let sum = s.summary().unwrap();
/// assert_eq!((sum.count, sum.mean, sum.min, sum.max), (3, 20.0, 10.0, 30.0));
/// assert_eq!(sum.std_dev, Some(10.0));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DurationStatsRepr")]
pub struct DurationStats {
    moments: Moments,
    histogram: DurationHistogram,
}

impl DurationStats {
    /// The empty accumulator (same as `Default`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one duration in ticks.
    pub fn record(&mut self, ticks: u64) {
        self.moments.record(ticks);
        self.histogram.record(ticks);
    }

    /// Adds `other`'s records to `self` (exact, associative, commutative).
    pub fn merge(&mut self, other: &Self) {
        self.moments.merge(&other.moments);
        self.histogram.merge(&other.histogram);
    }

    /// Number of recorded durations.
    pub fn count(&self) -> u64 {
        self.moments.count()
    }

    /// The exact moments (ticks).
    pub fn moments(&self) -> &Moments {
        &self.moments
    }

    /// The percentile histogram (ticks).
    pub fn histogram(&self) -> &DurationHistogram {
        &self.histogram
    }

    /// Summary in seconds, `None` when empty.
    ///
    /// Percentiles come from the histogram (0.1 % precision) and are clamped
    /// to the exact `[min, max]`, since the histogram reports the upper end
    /// of a bucket, which may exceed the true maximum.
    pub fn summary(&self) -> Option<DurationSummary> {
        let (min, max) = (self.moments.min()?, self.moments.max()?);
        let pct = |q: f64| -> Option<f64> {
            let v = self.histogram.quantile(q)?.clamp(min, max);
            Some(ticks_to_secs(v as f64))
        };
        Some(DurationSummary {
            count: self.moments.count(),
            mean: ticks_to_secs(self.moments.mean()?),
            std_dev: self.moments.std_dev().map(ticks_to_secs),
            std_error: self.moments.std_error().map(ticks_to_secs),
            min: ticks_to_secs(min as f64),
            p50: pct(0.50)?,
            p90: pct(0.90)?,
            p95: pct(0.95)?,
            p99: pct(0.99)?,
            max: ticks_to_secs(max as f64),
        })
    }
}

impl_add_assign_via_merge!(DurationStats);

#[derive(Deserialize)]
struct DurationStatsRepr {
    moments: Moments,
    histogram: DurationHistogram,
}

impl TryFrom<DurationStatsRepr> for DurationStats {
    type Error = String;

    fn try_from(r: DurationStatsRepr) -> Result<Self, Self::Error> {
        if r.moments.count() != r.histogram.count() {
            return Err(format!(
                "DurationStats: moments count {} != histogram count {}",
                r.moments.count(),
                r.histogram.count()
            ));
        }
        Ok(DurationStats {
            moments: r.moments,
            histogram: r.histogram,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::TICKS_PER_SECOND;

    #[test]
    fn empty_has_no_summary() {
        assert_eq!(DurationStats::default().summary(), None);
    }

    #[test]
    fn summary_in_seconds() {
        let mut s = DurationStats::new();
        // 1..=100 seconds
        for i in 1..=100u64 {
            s.record(i * TICKS_PER_SECOND);
        }
        let sum = s.summary().unwrap();
        assert_eq!(sum.count, 100);
        assert_eq!(sum.mean, 50.5);
        assert_eq!((sum.min, sum.max), (1.0, 100.0));
        // var of 1..=100 = 100·101/12 = 841.666...
        let sd = (100.0f64 * 101.0 / 12.0).sqrt();
        assert!((sum.std_dev.unwrap() - sd).abs() < 1e-9);
        assert!((sum.std_error.unwrap() - sd / 10.0).abs() < 1e-10);
        for (p, exact) in [(sum.p50, 50.0), (sum.p90, 90.0), (sum.p95, 95.0), (sum.p99, 99.0)] {
            assert!(p >= exact && p <= exact * 1.001, "{p} vs {exact}");
        }
        assert!(sum.p50 <= sum.p90 && sum.p90 <= sum.p95 && sum.p95 <= sum.p99);
        assert!(sum.p99 <= sum.max);
    }

    #[test]
    fn single_record_percentiles_clamped_to_exact_value() {
        let mut s = DurationStats::new();
        s.record(123_456_789); // bucket upper end is > 123456789
        let sum = s.summary().unwrap();
        assert_eq!(sum.std_dev, None);
        assert_eq!(sum.std_error, None);
        for p in [sum.min, sum.p50, sum.p90, sum.p95, sum.p99, sum.max] {
            assert_eq!(p, 123.456789);
        }
        let json = serde_json::to_string(&sum).unwrap();
        assert!(json.contains(r#""std_dev":null"#), "{json}");
        assert_eq!(serde_json::from_str::<DurationSummary>(&json).unwrap(), sum);
    }

    #[test]
    fn serde_round_trip_and_count_validation() {
        let mut s = DurationStats::new();
        for v in [1u64, 10, 10_000_000_000] {
            s.record(v);
        }
        let json = serde_json::to_string(&s).unwrap();
        let back: DurationStats = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        let bad = json.replace(r#"[[1,1],"#, r#"[[1,2],"#);
        assert_ne!(bad, json);
        assert!(serde_json::from_str::<DurationStats>(&bad).is_err());
    }
}
