//! Mergeable duration histogram (HdrHistogram, 3 significant figures).

use std::fmt;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Significant decimal digits kept by [`DurationHistogram`]: values are
/// resolved to within 0.1 % of their magnitude.
pub const SIGNIFICANT_FIGURES: u8 = 3;

/// Histogram of tick durations for percentiles, mergeable exactly.
///
/// Wraps `hdrhistogram::Histogram<u64>` with a fixed configuration: 3
/// significant figures and auto-resize, so any `u64` can be recorded
/// (starting small, growing as needed). Bucket widths give a **relative
/// precision of 0.1 %**: a value `v` lands in a bucket whose width is at most
/// `v / 1000` (values below 2048 are resolved exactly). Quantiles are
/// therefore accurate to 0.1 %.
///
/// Merging adds bucket counts, so it is exact, associative and
/// commutative. Equality compares the non-empty buckets (not the internal
/// array size, which depends on the recording history). Bucket counts
/// saturate at `u64::MAX`, unreachable in practice.
///
/// Serialized compactly as `{"buckets": [[lowest_value, count], ...]}` over
/// the non-empty buckets in ascending order.
///
/// # Example
/// ```
/// # use outage_sim::stats::DurationHistogram;
/// let mut h = DurationHistogram::default();
/// for v in 1..=100 {
///     h.record(v);
/// }
/// assert_eq!(h.count(), 100);
/// assert_eq!(h.quantile(0.5), Some(50));
/// assert_eq!(h.max(), Some(100));
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "HistogramRepr", into = "HistogramRepr")]
pub struct DurationHistogram {
    inner: Histogram<u64>,
}

/// Values the counts array covers from the start: 2^45 ticks, about 407 days. Sizing for a year
/// up front keeps a run's memory independent of how many replications it has (a growing array
/// would grow with the extremes that more replications reach); beyond it, the array still grows.
const PRESIZED_MAX: u64 = 1 << 45;

impl Default for DurationHistogram {
    fn default() -> Self {
        let mut inner = Histogram::new_with_max(PRESIZED_MAX, SIGNIFICANT_FIGURES)
            .expect("3 significant figures and 2^45 is a valid hdrhistogram configuration");
        inner.auto(true);
        DurationHistogram { inner }
    }
}

impl DurationHistogram {
    /// The empty histogram (same as `Default`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one value (ticks).
    pub fn record(&mut self, ticks: u64) {
        self.record_n(ticks, 1);
    }

    /// Records `count` occurrences of a value.
    fn record_n(&mut self, ticks: u64, count: u64) {
        if self.inner.record_n(ticks, count).is_err() {
            // Only possible if the counts array cannot grow (e.g. 16-bit
            // usize); every u64 is recordable on 32/64-bit targets. Saturate
            // into the top bucket rather than lose the record.
            self.inner.saturating_record_n(ticks, count);
        }
    }

    /// Adds `other`'s bucket counts to `self` (exact).
    pub fn merge(&mut self, other: &Self) {
        if self.inner.add(&other.inner).is_err() {
            // Same (unreachable) resize failure as in `record`: fall back to
            // bucket-by-bucket saturating records.
            for (value, count) in other.buckets() {
                self.record_n(value, count);
            }
        }
    }

    /// Number of recorded values.
    pub fn count(&self) -> u64 {
        self.inner.len()
    }

    /// Returns `true` if nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Value at quantile `q ∈ [0, 1]` (`None` when empty), via
    /// `value_at_quantile`: the highest value equivalent (same bucket) to
    /// the recorded value at that rank, hence within 0.1 % above it.
    ///
    /// # Panics
    /// If `q` is not in `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        assert!(
            (0.0..=1.0).contains(&q),
            "DurationHistogram::quantile: q must be in [0, 1], got {q}"
        );
        (!self.is_empty()).then(|| self.inner.value_at_quantile(q))
    }

    /// Upper end of the bucket holding the largest value (within 0.1 %
    /// above the true maximum), `None` when empty.
    pub fn max(&self) -> Option<u64> {
        (!self.is_empty()).then(|| self.inner.max())
    }

    /// Lower end of the bucket holding the smallest value (within 0.1 %
    /// below the true minimum), `None` when empty.
    pub fn min(&self) -> Option<u64> {
        (!self.is_empty()).then(|| self.inner.min())
    }

    /// The bucket holding the `rank`-th smallest value (1-based) as `(lowest, highest)` equivalent
    /// values: the exact order statistic lies in between. `None` when `rank` is 0 or above the
    /// count.
    pub fn bucket_at_rank(&self, rank: u64) -> Option<(u64, u64)> {
        if rank == 0 || rank > self.count() {
            return None;
        }
        // hdrhistogram's quantile scan (vectorized) finds the first bucket whose cumulative count
        // reaches ceil(q·n); at q = (rank − ½)/n that is `rank` (the float error of q·n is far
        // below ½ for any count below 2^52). A test pins it against a bucket-by-bucket walk.
        let n = self.count();
        let q = (rank as f64 - 0.5) / n as f64;
        let value = self.inner.value_at_quantile(q);
        Some((
            self.inner.lowest_equivalent(value),
            self.inner.highest_equivalent(value),
        ))
    }

    /// [`bucket_at_rank`](Self::bucket_at_rank) by walking the buckets one by one (the
    /// reference the fast version is tested against).
    #[cfg(test)]
    fn bucket_at_rank_walked(&self, rank: u64) -> Option<(u64, u64)> {
        if rank == 0 || rank > self.count() {
            return None;
        }
        let mut seen = 0u64;
        for v in self.inner.iter_recorded() {
            seen = seen.saturating_add(v.count_at_value());
            if seen >= rank {
                let value = v.value_iterated_to();
                return Some((
                    self.inner.lowest_equivalent(value),
                    self.inner.highest_equivalent(value),
                ));
            }
        }
        None
    }

    /// The highest value recorded in the same bucket as `ticks` (the bucket's upper end).
    pub fn highest_equivalent(&self, ticks: u64) -> u64 {
        self.inner.highest_equivalent(ticks)
    }

    /// Non-empty buckets as `(lowest equivalent value, count)`, ascending.
    pub fn buckets(&self) -> Vec<(u64, u64)> {
        self.inner
            .iter_recorded()
            .map(|v| (self.inner.lowest_equivalent(v.value_iterated_to()), v.count_at_value()))
            .collect()
    }
}

impl_add_assign_via_merge!(DurationHistogram);

impl PartialEq for DurationHistogram {
    fn eq(&self, other: &Self) -> bool {
        self.count() == other.count() && self.buckets() == other.buckets()
    }
}

impl Eq for DurationHistogram {}

impl fmt::Debug for DurationHistogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DurationHistogram")
            .field("count", &self.count())
            .field("buckets", &self.buckets())
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct HistogramRepr {
    buckets: Vec<(u64, u64)>,
}

impl From<DurationHistogram> for HistogramRepr {
    fn from(h: DurationHistogram) -> Self {
        HistogramRepr { buckets: h.buckets() }
    }
}

impl TryFrom<HistogramRepr> for DurationHistogram {
    type Error = String;

    fn try_from(r: HistogramRepr) -> Result<Self, Self::Error> {
        let mut h = DurationHistogram::default();
        let mut previous: Option<u64> = None;
        for (value, count) in r.buckets {
            if count == 0 {
                return Err(format!("DurationHistogram: zero count for bucket {value}"));
            }
            if previous.is_some_and(|p| h.inner.lowest_equivalent(value) <= p) {
                return Err("DurationHistogram: buckets not strictly ascending".into());
            }
            h.record_n(value, count);
            previous = Some(h.inner.lowest_equivalent(value));
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty() {
        let h = DurationHistogram::default();
        assert_eq!(h.count(), 0);
        assert!(h.is_empty());
        assert_eq!(h.quantile(0.5), None);
        assert_eq!(h.max(), None);
        assert_eq!(h.min(), None);
        assert!(h.buckets().is_empty());
    }

    #[test]
    fn small_values_are_exact() {
        let mut h = DurationHistogram::default();
        for v in 1..=1000 {
            h.record(v);
        }
        assert_eq!(h.count(), 1000);
        assert_eq!(h.quantile(0.5), Some(500));
        assert_eq!(h.quantile(0.9), Some(900));
        assert_eq!(h.quantile(0.99), Some(990));
        assert_eq!(h.quantile(0.0), Some(1));
        assert_eq!(h.quantile(1.0), Some(1000));
        assert_eq!((h.min(), h.max()), (Some(1), Some(1000)));
        assert_eq!(h.buckets().len(), 1000);
    }

    #[test]
    fn large_values_within_relative_precision() {
        // 1000 values spread geometrically from ~1 s to ~100 years of µs.
        let mut values: Vec<u64> = (0..1000).map(|i| (1e6 * 1.0175f64.powi(i)).round() as u64).collect();
        values.push((1u64 << 62) + 987_654_321);
        values.push(u64::MAX / 3);
        let mut h = DurationHistogram::default();
        for &v in &values {
            h.record(v);
        }
        values.sort_unstable();
        let n = values.len();
        for q in [0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0] {
            // value_at_quantile's rank: ceil(q·n), 1-based.
            let rank = ((q * n as f64).ceil() as usize).max(1);
            let exact = values[rank - 1];
            let got = h.quantile(q).unwrap();
            let rel = (got as f64 - exact as f64).abs() / exact as f64;
            assert!(rel <= 1e-3, "q={q}: got {got}, exact {exact}, rel {rel}");
            assert!(got >= exact, "highest equivalent value is reported");
        }
        let max = *values.last().unwrap();
        let hmax = h.max().unwrap();
        assert!(hmax >= max && (hmax - max) as f64 <= 1e-3 * max as f64);
    }

    #[test]
    fn records_any_u64() {
        for v in [1u64 << 62, (1 << 62) + 1, 1 << 63, u64::MAX] {
            let mut h = DurationHistogram::default();
            h.record(v);
            h.record(0);
            assert_eq!(h.count(), 2);
            let top = h.quantile(1.0).unwrap();
            assert!((top as f64 - v as f64).abs() <= 1e-3 * v as f64, "{v}: {top}");
            assert_eq!(h.quantile(0.0), Some(0));
        }
    }

    #[test]
    fn merge_equals_sequential() {
        let mut all = DurationHistogram::default();
        let mut small = DurationHistogram::default();
        let mut big = DurationHistogram::default();
        for v in [5u64, 70, 3_000_000_000_000_000] {
            all.record(v);
            if v < 100 {
                small.record(v);
            } else {
                big.record(v);
            }
        }
        let mut a = small.clone();
        a += &big;
        let mut b = big.clone();
        b += small.clone();
        assert_eq!(a, all);
        assert_eq!(b, all);
        assert_ne!(a, small);
        // Merging the empty histogram is the identity.
        let mut c = all.clone();
        c += DurationHistogram::default();
        assert_eq!(c, all);
        let mut d = DurationHistogram::default();
        d += &all;
        assert_eq!(d, all);
        assert_eq!(d.quantile(0.5), Some(70));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mut h = DurationHistogram::default();
        for v in [0u64, 3, 3, 3001, 3000, 1 << 62] {
            h.record(v);
        }
        let json = serde_json::to_string(&h).unwrap();
        // 3000 and 3001 share a bucket of width 2 at this magnitude.
        assert_eq!(json, r#"{"buckets":[[0,1],[3,2],[3000,2],[4611686018427387904,1]]}"#);
        let back: DurationHistogram = serde_json::from_str(&json).unwrap();
        assert_eq!(back, h);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        assert_eq!(back.quantile(0.99), h.quantile(0.99));
        assert_eq!(back.max(), h.max());

        assert!(serde_json::from_str::<DurationHistogram>(r#"{"buckets":[[3,0]]}"#).is_err());
        assert!(serde_json::from_str::<DurationHistogram>(r#"{"buckets":[[5,1],[3,1]]}"#).is_err());
        assert!(serde_json::from_str::<DurationHistogram>(r#"{"buckets":[[3000,1],[3001,1]]}"#).is_err());
    }

    #[test]
    fn bucket_at_rank_walks_the_order_statistics() {
        let mut h = DurationHistogram::default();
        assert_eq!(h.bucket_at_rank(1), None);
        for v in [7u64, 3, 3, 3_000_000] {
            h.record(v);
        }
        assert_eq!(h.bucket_at_rank(0), None);
        assert_eq!(h.bucket_at_rank(1), Some((3, 3)));
        assert_eq!(h.bucket_at_rank(2), Some((3, 3)));
        assert_eq!(h.bucket_at_rank(3), Some((7, 7)));
        let (lo, hi) = h.bucket_at_rank(4).unwrap();
        assert!(lo <= 3_000_000 && 3_000_000 <= hi && hi - lo <= 3_000, "{lo} {hi}");
        assert_eq!(h.bucket_at_rank(5), None);
        // Agrees with `quantile`, which reports the highest equivalent value at rank ceil(q·n).
        assert_eq!(h.quantile(0.75).unwrap(), h.bucket_at_rank(3).unwrap().1);
    }

    #[test]
    #[should_panic(expected = "q must be in [0, 1]")]
    fn quantile_out_of_range_panics() {
        let mut h = DurationHistogram::default();
        h.record(1);
        h.quantile(1.5);
    }

    #[test]
    fn bucket_at_rank_is_the_bucket_by_bucket_walk() {
        let mut state = 12345u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for trial in 0..40 {
            let mut h = DurationHistogram::new();
            let n = 1 + next() % 3000;
            for _ in 0..n {
                // Values over many orders of magnitude, with repeats.
                let v = next() >> (next() % 60) as u32;
                h.record_n(v % PRESIZED_MAX, 1 + next() % 3);
            }
            for rank in (0..=h.count() + 1).step_by(1 + (h.count() / 300) as usize) {
                assert_eq!(
                    h.bucket_at_rank(rank),
                    h.bucket_at_rank_walked(rank),
                    "trial {trial} rank {rank}"
                );
            }
            let last = h.count();
            assert_eq!(h.bucket_at_rank(last), h.bucket_at_rank_walked(last));
        }
    }
}
