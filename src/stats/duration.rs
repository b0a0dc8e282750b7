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

/// A distribution-free confidence interval for a quantile, in ticks (see
/// [`DurationStats::quantile_interval`]). A side is `None` when the sample is too small to bound
/// it (its order-statistic rank falls outside `1..=n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuantileInterval {
    /// Lower bound, `None` = unbounded below.
    pub lower: Option<u64>,
    /// Upper bound, `None` = unbounded above.
    pub upper: Option<u64>,
}

impl DurationStats {
    /// Distribution-free confidence interval for the `q`-quantile from order statistics
    /// (e.g. Conover, *Practical Nonparametric Statistics*, 3rd ed., section 3.2): the number of
    /// samples at or below the true quantile is Binomial(n, q), so with
    /// `r = ⌊nq − z·√(nq(1−q))⌋` and `s = ⌈nq + z·√(nq(1−q))⌉` the interval
    /// `[X(r), X(s)]` covers it with probability `P(r ≤ B ≤ s − 1)`, at least about the normal
    /// level (`z = 1.96`: 95 %). The order statistics come from the histogram: the lower end of
    /// the bucket of rank `r` and the upper end of the bucket of rank `s`, clamped to the exact
    /// `[min, max]`, so the histogram's 0.1 % resolution only widens the interval. `None` when
    /// empty.
    ///
    /// # Panics
    /// If `q` is not in `[0, 1]`.
    pub fn quantile_interval(&self, q: f64, z: f64) -> Option<QuantileInterval> {
        assert!(
            (0.0..=1.0).contains(&q),
            "DurationStats::quantile_interval: q must be in [0, 1], got {q}"
        );
        let (min, max) = (self.moments.min()?, self.moments.max()?);
        let n = self.count() as f64;
        let centre = n * q;
        let half = z * (n * q * (1.0 - q)).sqrt();
        let (r, s) = ((centre - half).floor(), (centre + half).ceil());
        let lower = (r >= 1.0)
            .then(|| self.histogram.bucket_at_rank(r as u64))
            .flatten()
            .map(|(lo, _)| lo.clamp(min, max));
        let upper = (s <= n)
            .then(|| self.histogram.bucket_at_rank(s.max(1.0) as u64))
            .flatten()
            .map(|(_, hi)| hi.clamp(min, max));
        Some(QuantileInterval { lower, upper })
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

    /// SplitMix64, so the test needs no generator crate.
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn quantile_interval_covers_the_true_quantile_about_95_percent_of_the_time() {
        // Uniform samples on [0, 1000 s): the true q-quantile is q · 1000 s. Over 200 seeds the
        // share of intervals containing it must be within 4 SE of 95 % (the rank rounding makes
        // the interval slightly conservative, still well inside).
        const SEEDS: u64 = 200;
        let range = 1000 * TICKS_PER_SECOND;
        for (n, q) in [(1000u64, 0.5), (1000, 0.95), (400, 0.99), (60, 0.9)] {
            let truth = (q * range as f64) as u64;
            let mut covered = 0;
            for seed in 0..SEEDS {
                let mut state = seed * 7919 + n;
                let mut s = DurationStats::new();
                for _ in 0..n {
                    s.record(next(&mut state) % range);
                }
                let ci = s.quantile_interval(q, crate::stats::Z95).unwrap();
                let (lo, hi) = (ci.lower.unwrap(), ci.upper.unwrap());
                let point = s
                    .histogram()
                    .quantile(q)
                    .unwrap()
                    .clamp(s.moments().min().unwrap(), s.moments().max().unwrap());
                assert!(lo <= point && point <= hi, "n {n} q {q}: {lo} {point} {hi}");
                if lo <= truth && truth <= hi {
                    covered += 1;
                }
            }
            let share = covered as f64 / SEEDS as f64;
            let se = (0.95f64 * 0.05 / SEEDS as f64).sqrt();
            assert!((share - 0.95).abs() <= 4.0 * se, "n {n} q {q}: coverage {share}");
        }
    }

    #[test]
    fn quantile_interval_is_unbounded_where_the_sample_is_too_small() {
        let mut s = DurationStats::new();
        assert_eq!(s.quantile_interval(0.5, 1.96), None);
        for i in 1..=50u64 {
            s.record(i * TICKS_PER_SECOND);
        }
        // n = 50, q = 0.99: the upper rank ⌈49.5 + 1.96·0.70⌉ = 51 > n.
        // The lower rank is ⌊49.5 − 1.38⌋ = 48: the lower end of its bucket, within 0.1 %.
        let ci = s.quantile_interval(0.99, 1.96).unwrap();
        assert_eq!(ci.upper, None);
        let lo = ci.lower.unwrap();
        assert!(lo <= 48 * TICKS_PER_SECOND && lo as f64 >= 48e6 * 0.999, "{lo}");
        // n = 50, q = 0.5: ranks ⌊25 − 6.93⌋ = 18 and ⌈25 + 6.93⌉ = 32, to within the histogram's
        // 0.1 %, outward.
        let ci = s.quantile_interval(0.5, 1.96).unwrap();
        let (lo, hi) = (ci.lower.unwrap(), ci.upper.unwrap());
        assert!(lo <= 18 * TICKS_PER_SECOND && lo as f64 >= 18e6 * 0.999, "{lo}");
        assert!(hi >= 32 * TICKS_PER_SECOND && hi as f64 <= 32e6 * 1.001, "{hi}");
        // A tiny sample cannot bound a low quantile from below either.
        let mut one = DurationStats::new();
        one.record(5);
        assert_eq!(
            one.quantile_interval(0.05, 1.96),
            Some(QuantileInterval {
                lower: None,
                upper: Some(5)
            })
        );
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
