//! Exact count / sum / sum-of-squares / extrema accumulator.

use serde::{Deserialize, Serialize};

use super::wide::U256;
use super::{MeanSummary, Z95};

/// Exact first and second moments (plus min and max) of `u64` samples.
///
/// Stores `n`, `Σx` (`u128`), `Σx²` (256-bit) and the extrema, so merging is
/// exact, associative and commutative. No overflow is possible while `n`
/// fits in a `u64`: `Σx ≤ n·max < 2^128`, `Σx² ≤ n·max² < 2^192` and
/// `n·Σx² < 2^256`. (A count beyond `u64::MAX` panics; it cannot happen in
/// practice.) The variance is computed as `(n·Σx² − (Σx)²) / (n(n−1))`
/// with the numerator in exact integer arithmetic, so constant data has
/// variance exactly `0.0`; floating point is used only for the final ratio.
///
/// # Example
/// ```
/// # use outage_sim::stats::Moments;
/// let mut a = Moments::default();
/// a.record(2);
/// a.record(4);
/// let mut b = Moments::default();
/// b.record(6);
/// a += &b;
/// assert_eq!(a.count(), 3);
/// assert_eq!(a.mean(), Some(4.0));
/// assert_eq!(a.variance(), Some(4.0));
/// assert_eq!((a.min(), a.max()), (Some(2), Some(6)));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "MomentsRepr", into = "MomentsRepr")]
pub struct Moments {
    count: u64,
    sum: u128,
    sum_sq: U256,
    /// `u64::MAX` when empty (identity of `min`).
    min: u64,
    /// `0` when empty (identity of `max`).
    max: u64,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            count: 0,
            sum: 0,
            sum_sq: U256::ZERO,
            min: u64::MAX,
            max: 0,
        }
    }
}

impl std::fmt::Debug for Moments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Moments")
            .field("count", &self.count)
            .field("sum", &self.sum)
            .field("sum_sq", &self.sum_sq)
            .field("min", &self.min())
            .field("max", &self.max())
            .finish()
    }
}

const SUM_OVERFLOW: &str = "Moments: Σx overflow (impossible while the count fits in u64)";
const SUM_SQ_OVERFLOW: &str = "Moments: Σx² overflow (impossible while the count fits in u64)";

impl Moments {
    /// The empty accumulator (same as `Default`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one sample.
    ///
    /// # Panics
    /// If more than `u64::MAX` samples are recorded.
    pub fn record(&mut self, x: u64) {
        self.count = self.count.checked_add(1).expect("Moments: more than u64::MAX records");
        self.sum = self.sum.checked_add(u128::from(x)).expect(SUM_OVERFLOW);
        let sq = u128::from(x) * u128::from(x); // < 2^128
        self.sum_sq = self.sum_sq.checked_add(U256::from_u128(sq)).expect(SUM_SQ_OVERFLOW);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Records `n` samples of 0 at once (they add nothing to the sums).
    ///
    /// # Panics
    /// If more than `u64::MAX` samples are recorded.
    pub fn record_zeros(&mut self, n: u64) {
        if n > 0 {
            self.count = self.count.checked_add(n).expect("Moments: more than u64::MAX records");
            self.min = 0;
        }
    }

    /// Adds `other`'s samples to `self` (exact, associative, commutative).
    ///
    /// # Panics
    /// If the merged count exceeds `u64::MAX`.
    pub fn merge(&mut self, other: &Self) {
        self.count = self
            .count
            .checked_add(other.count)
            .expect("Moments: merged count exceeds u64::MAX");
        self.sum = self.sum.checked_add(other.sum).expect(SUM_OVERFLOW);
        self.sum_sq = self.sum_sq.checked_add(other.sum_sq).expect(SUM_SQ_OVERFLOW);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of samples recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Returns `true` if no sample was recorded.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Exact sum of the samples.
    pub fn sum(&self) -> u128 {
        self.sum
    }

    /// Smallest sample, `None` when empty.
    pub fn min(&self) -> Option<u64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest sample, `None` when empty.
    pub fn max(&self) -> Option<u64> {
        (self.count > 0).then_some(self.max)
    }

    /// Arithmetic mean, `None` when empty.
    ///
    /// Computed as `q + r/n` from the integer quotient and remainder of
    /// `Σx / n`, so it is exact whenever the mean is an integer below 2^53.
    pub fn mean(&self) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let n = u128::from(self.count);
        let (q, r) = (self.sum / n, self.sum % n);
        Some(q as f64 + r as f64 / n as f64)
    }

    /// Unbiased sample variance `(n·Σx² − (Σx)²) / (n(n−1))`, `None` for
    /// fewer than two samples. Exactly `0.0` for constant data.
    pub fn variance(&self) -> Option<f64> {
        if self.count < 2 {
            return None;
        }
        let n = self.count;
        let numerator = self
            .sum_sq
            .checked_mul_u64(n)
            .expect("Moments: n·Σx² < 2^256 while the count fits in u64")
            .checked_sub(U256::widening_mul(self.sum, self.sum))
            .expect("Moments: n·Σx² ≥ (Σx)² by Cauchy–Schwarz");
        let denominator = u128::from(n) * u128::from(n - 1);
        Some(numerator.to_f64() / denominator as f64)
    }

    /// Sample standard deviation, `None` for fewer than two samples.
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Standard error of the mean `sd/√n`, `None` for fewer than two samples.
    pub fn std_error(&self) -> Option<f64> {
        self.std_dev().map(|sd| sd / (self.count as f64).sqrt())
    }

    /// The mean with its standard error and 95 % interval, `None` when empty.
    pub fn mean_summary(&self) -> Option<MeanSummary> {
        let mean = self.mean()?;
        let se = self.std_error();
        Some(MeanSummary {
            estimate: mean,
            std_error: se,
            ci95: se.map(|se| [(mean - Z95 * se).max(0.0), mean + Z95 * se]),
        })
    }
}

impl_add_assign_via_merge!(Moments);

/// Serialized form: raw integers, extrema `null` when empty.
#[derive(Serialize, Deserialize)]
struct MomentsRepr {
    count: u64,
    /// Decimal string: JSON tooling often cannot hold 128-bit numbers.
    #[serde(with = "u128_string")]
    sum: u128,
    sum_sq: U256,
    min: Option<u64>,
    max: Option<u64>,
}

impl From<Moments> for MomentsRepr {
    fn from(m: Moments) -> Self {
        MomentsRepr {
            count: m.count,
            sum: m.sum,
            sum_sq: m.sum_sq,
            min: m.min(),
            max: m.max(),
        }
    }
}

impl TryFrom<MomentsRepr> for Moments {
    type Error = String;

    /// Rejects states no sequence of records could produce, which also
    /// guarantees the overflow bounds relied upon above.
    fn try_from(r: MomentsRepr) -> Result<Self, Self::Error> {
        if r.count == 0 {
            if r.sum != 0 || r.sum_sq != U256::ZERO || r.min.is_some() || r.max.is_some() {
                return Err("Moments: empty accumulator with non-zero state".into());
            }
            return Ok(Moments::default());
        }
        let (Some(min), Some(max)) = (r.min, r.max) else {
            return Err("Moments: non-empty accumulator without min/max".into());
        };
        let n = u128::from(r.count);
        // n·min ≤ Σx ≤ n·max and n·min ≤ ... (products of two u64 fit in u128)
        let sum_ok = min <= max && n * u128::from(min) <= r.sum && r.sum <= n * u128::from(max);
        // Σx² ≤ n·max² and n·Σx² ≥ (Σx)² (Cauchy–Schwarz) and Σx² ≥ n·min².
        let max_sq = U256::widening_mul(u128::from(max), u128::from(max));
        let min_sq = U256::widening_mul(u128::from(min), u128::from(min));
        let sq_ok = max_sq.checked_mul_u64(r.count).is_some_and(|hi| r.sum_sq <= hi)
            && min_sq.checked_mul_u64(r.count).is_some_and(|lo| lo <= r.sum_sq)
            && r.sum_sq
                .checked_mul_u64(r.count)
                .is_some_and(|nsq| nsq >= U256::widening_mul(r.sum, r.sum));
        if !(sum_ok && sq_ok) {
            return Err("Moments: inconsistent count/sum/sum_sq/min/max".into());
        }
        Ok(Moments {
            count: r.count,
            sum: r.sum,
            sum_sq: r.sum_sq,
            min,
            max,
        })
    }
}

/// Serde helper: `u128` as a decimal string.
mod u128_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(format!(
                "expected a decimal u128 string, got {s:?}"
            )));
        }
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(data: &[u64]) -> (f64, f64) {
        let n = data.len() as f64;
        let mean = data.iter().map(|&x| x as f64).sum::<f64>() / n;
        let var = data.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    fn from(data: &[u64]) -> Moments {
        let mut m = Moments::default();
        for &x in data {
            m.record(x);
        }
        m
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    #[test]
    fn empty_and_single() {
        let m = Moments::default();
        assert_eq!(m.count(), 0);
        assert!(m.is_empty());
        assert_eq!(m.mean(), None);
        assert_eq!(m.variance(), None);
        assert_eq!(m.std_error(), None);
        assert_eq!((m.min(), m.max()), (None, None));
        let m = from(&[7]);
        assert_eq!(m.mean(), Some(7.0));
        assert_eq!(m.variance(), None);
        assert_eq!(m.std_dev(), None);
        assert_eq!((m.min(), m.max(), m.sum()), (Some(7), Some(7), 7));
    }

    #[test]
    fn matches_naive_on_small_data() {
        let data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
        let m = from(&data);
        let (mean, var) = naive(&data);
        assert!(close(m.mean().unwrap(), mean, 1e-15));
        assert!(close(m.variance().unwrap(), var, 1e-14));
        assert!(close(m.std_dev().unwrap(), var.sqrt(), 1e-14));
        assert!(close(m.std_error().unwrap(), (var / data.len() as f64).sqrt(), 1e-14));
        assert_eq!((m.min(), m.max(), m.sum()), (Some(1), Some(9), 77));
        // Hand-checked: {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, Σ(x-5)² = 32, var = 32/7.
        let m = from(&[2, 4, 4, 4, 5, 5, 7, 9]);
        assert_eq!(m.mean(), Some(5.0));
        assert!(close(m.variance().unwrap(), 32.0 / 7.0, 1e-15));
    }

    #[test]
    fn constant_data_has_zero_variance_exactly() {
        for x in [0u64, 1, 3_000_000_000_000_000, (1 << 62) + 12_345, u64::MAX] {
            let m = from(&[x; 17]);
            assert_eq!(m.variance(), Some(0.0), "x = {x}");
            assert_eq!(m.std_error(), Some(0.0));
            assert_eq!(m.mean(), Some(x as f64));
        }
    }

    #[test]
    fn huge_values_many_records_do_not_overflow() {
        // Values near 2^62 and up to u64::MAX; count doubled to ~2^40 by
        // self-merging (Σx ≈ 2^104, Σx² ≈ 2^168).
        let a = (1u64 << 62) - 3;
        let b = (1u64 << 62) + 5;
        let mut m = from(&[a, b]);
        for _ in 0..39 {
            let c = m.clone();
            m += c;
        }
        let n = m.count();
        assert_eq!(n, 1 << 40);
        assert_eq!(m.sum(), u128::from(n / 2) * (u128::from(a) + u128::from(b)));
        assert_eq!(m.mean(), Some((1u64 << 62) as f64 + 1.0));
        // Half a, half b: var = (b-a)²/4 · n/(n-1) = 16 · n/(n-1).
        let expected = 16.0 * n as f64 / (n - 1) as f64;
        assert!(close(m.variance().unwrap(), expected, 1e-15));

        // Extreme: u64::MAX values, count 2^62 (Σx ≈ 2^126, n·Σx² ≈ 2^252).
        let mut m = from(&[u64::MAX]);
        for _ in 0..62 {
            let c = m.clone();
            m += &c;
        }
        assert_eq!(m.count(), 1 << 62);
        assert_eq!(m.variance(), Some(0.0));
        assert_eq!(m.mean(), Some(u64::MAX as f64));
        let mut m2 = m.clone();
        m2.record(0);
        assert!(m2.variance().unwrap() > 0.0);
    }

    #[test]
    #[should_panic(expected = "merged count exceeds u64::MAX")]
    fn count_overflow_panics() {
        let mut m = from(&[1]);
        for _ in 0..64 {
            let c = m.clone();
            m += c;
        }
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let m = from(&[u64::MAX, 0, 12, u64::MAX]);
        let json = serde_json::to_string(&m).unwrap();
        let back: Moments = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        assert!(json.contains(r#""sum":"36893488147419103242""#), "{json}");

        let empty = serde_json::to_string(&Moments::default()).unwrap();
        assert_eq!(empty, r#"{"count":0,"sum":"0","sum_sq":"0","min":null,"max":null}"#);
        assert_eq!(serde_json::from_str::<Moments>(&empty).unwrap(), Moments::default());

        for bad in [
            r#"{"count":0,"sum":"1","sum_sq":"0","min":null,"max":null}"#,
            r#"{"count":1,"sum":"5","sum_sq":"25","min":null,"max":null}"#,
            r#"{"count":1,"sum":"5","sum_sq":"25","min":6,"max":5}"#,
            r#"{"count":1,"sum":"6","sum_sq":"25","min":5,"max":5}"#,
            r#"{"count":2,"sum":"10","sum_sq":"49","min":5,"max":5}"#,
            r#"{"count":2,"sum":"10","sum_sq":"51","min":5,"max":5}"#,
            r#"{"count":2,"sum":"-10","sum_sq":"50","min":5,"max":5}"#,
        ] {
            assert!(serde_json::from_str::<Moments>(bad).is_err(), "{bad}");
        }
        let good = r#"{"count":2,"sum":"10","sum_sq":"50","min":5,"max":5}"#;
        assert_eq!(serde_json::from_str::<Moments>(good).unwrap(), from(&[5, 5]));
    }
}
