//! Importance-sampling estimates: means of weighted values, in exactly mergeable fixed point.

use serde::{Deserialize, Serialize};

use super::Z95;
use super::summary::WeightedSummary;
use super::wide::U256;

/// 2^64: weighted values are stored in fixed point with a resolution of 2^-64.
const ONE: f64 = 18_446_744_073_709_551_616.0;

/// The importance-sampling estimate of `E_p[x]` from replications drawn from a tilted
/// distribution `q`, each recorded with its likelihood ratio `w = p/q`: the mean of `w·x`.
///
/// Floating-point sums depend on the order of the additions, so each replication's `w·x` (and
/// `w·x²`) is rounded once to fixed point with a resolution of 2^-64 and only integers are summed:
/// `Σ w·x`, `Σ (w·x)²` and `Σ w·x²` (the last estimates `E_p[x²]`, for the variance plain sampling
/// would have). Merging is then exact, associative and commutative, like every accumulator here.
/// Weighted values must be below 2^64 and `Σ (w·x)²` below 2^128; beyond that `record` panics
/// (a factor absurdly far from the real rate). Rounding loses at most 2^-65 per replication.
///
/// The variance reduction factor is the plain-sampling variance per replication,
/// `E_p[x²] − E_p[x]²` (for a probability, `p(1 − p)`), over this estimator's, `E_q[(w·x)²] − E_p[x]²`:
/// how many times more replications plain sampling would need for the same standard error.
///
/// # Example
/// ```
/// # use outage_sim::stats::WeightedMean;
/// let mut a = WeightedMean::default();
/// a.record(0.25, 1); // an event seen under the tilt, weighted down
/// a.record(1.5, 0);
/// let mut b = WeightedMean::default();
/// b.record(0.25, 1);
/// b.record(1.5, 0);
/// a += &b;
/// assert_eq!(a.count(), 4);
/// assert_eq!(a.mean(), Some(0.125));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WeightedRepr", into = "WeightedRepr")]
pub struct WeightedMean {
    count: u64,
    /// Σ w·x, fixed point.
    sum: U256,
    /// Σ (w·x)², fixed point squared (2^-128).
    sum_sq: U256,
    /// Σ w·x², fixed point.
    sum_x2: U256,
}

/// `v` in fixed point.
fn fixed(v: f64) -> u128 {
    assert!(
        v.is_finite() && (0.0..ONE).contains(&v),
        "WeightedMean: weighted value {v} outside [0, 2^64): the importance-sampling factor is too far from the real rate"
    );
    (v * ONE).round() as u128
}

impl WeightedMean {
    /// The empty accumulator (same as `Default`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one replication with weight `w` (its likelihood ratio) and value `x`.
    ///
    /// # Panics
    /// If `w` is negative or not finite, or the bounds above are exceeded.
    pub fn record(&mut self, w: f64, x: u64) {
        let x = x as f64;
        let v = fixed(w * x);
        self.count = self
            .count
            .checked_add(1)
            .expect("WeightedMean: more than u64::MAX records");
        let add = |acc: &mut U256, v: U256| {
            *acc = acc
                .checked_add(v)
                .expect("WeightedMean: sum overflow: the importance-sampling factor is too far from the real rate")
        };
        add(&mut self.sum, U256::from_u128(v));
        add(&mut self.sum_sq, U256::widening_mul(v, v));
        add(&mut self.sum_x2, U256::from_u128(fixed(w * x * x)));
    }

    /// Adds `other`'s records to `self` (exact, associative, commutative).
    pub fn merge(&mut self, other: &Self) {
        self.count = self
            .count
            .checked_add(other.count)
            .expect("WeightedMean: merged count exceeds u64::MAX");
        let add = |a: U256, b: U256| a.checked_add(b).expect("WeightedMean: sum overflow");
        self.sum = add(self.sum, other.sum);
        self.sum_sq = add(self.sum_sq, other.sum_sq);
        self.sum_x2 = add(self.sum_x2, other.sum_x2);
    }

    /// Replications recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The estimate of `E_p[x]`, `None` when empty. With every weight 1 it is exactly the plain
    /// mean (`Σx / n`, correctly rounded while `Σx < 2^53`).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum.to_f64() / self.count as f64 / ONE)
    }

    /// Unbiased sample variance of `w·x` per replication, `None` for fewer than two records.
    pub fn variance(&self) -> Option<f64> {
        if self.count < 2 {
            return None;
        }
        let n = self.count as f64;
        let mean = self.mean()?;
        let second = self.sum_sq.to_f64() / n / ONE / ONE;
        Some(((second - mean * mean) * n / (n - 1.0)).max(0.0))
    }

    /// Standard error of [`mean`](Self::mean), `None` for fewer than two records.
    pub fn std_error(&self) -> Option<f64> {
        self.variance().map(|v| (v / self.count as f64).sqrt())
    }

    /// Variance per replication plain sampling would have, `E_p[x²] − E_p[x]²` (both estimated
    /// with the weights), `None` when empty.
    pub fn plain_variance(&self) -> Option<f64> {
        let mean = self.mean()?;
        let second = self.sum_x2.to_f64() / self.count as f64 / ONE;
        Some((second - mean * mean).max(0.0))
    }

    /// Variance reduction factor: [`plain_variance`](Self::plain_variance) over
    /// [`variance`](Self::variance); `None` when either is unknown or the variance is zero.
    pub fn variance_reduction(&self) -> Option<f64> {
        let v = self.variance().filter(|&v| v > 0.0)?;
        Some(self.plain_variance()? / v)
    }

    /// Estimate, standard error, 95 % normal interval (clamped at 0) and variances; `None`
    /// for fewer than two records.
    pub fn summary(&self) -> Option<WeightedSummary> {
        let estimate = self.mean()?;
        let std_error = self.std_error()?;
        Some(WeightedSummary {
            estimate,
            std_error,
            ci95: [(estimate - Z95 * std_error).max(0.0), estimate + Z95 * std_error],
            variance: self.variance()?,
            plain_variance: self.plain_variance()?,
            variance_reduction: self.variance_reduction(),
        })
    }
}

impl_add_assign_via_merge!(WeightedMean);

/// Serialized form: raw integers (256-bit ones as decimal strings).
#[derive(Serialize, Deserialize)]
struct WeightedRepr {
    count: u64,
    sum: U256,
    sum_sq: U256,
    sum_x2: U256,
}

impl From<WeightedMean> for WeightedRepr {
    fn from(m: WeightedMean) -> Self {
        WeightedRepr {
            count: m.count,
            sum: m.sum,
            sum_sq: m.sum_sq,
            sum_x2: m.sum_x2,
        }
    }
}

impl TryFrom<WeightedRepr> for WeightedMean {
    type Error = String;

    /// Rejects states no sequence of records could produce (weighted values are non-negative,
    /// so a zero sum means zero squares, and an empty one has nothing at all).
    fn try_from(r: WeightedRepr) -> Result<Self, Self::Error> {
        let zero = |v: U256| v == U256::ZERO;
        if (r.count == 0 && !(zero(r.sum) && zero(r.sum_sq) && zero(r.sum_x2))) || zero(r.sum) != zero(r.sum_sq) {
            return Err("WeightedMean: inconsistent count/sum/sum_sq/sum_x2".into());
        }
        Ok(WeightedMean {
            count: r.count,
            sum: r.sum,
            sum_sq: r.sum_sq,
            sum_x2: r.sum_x2,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(data: &[(f64, u64)]) -> WeightedMean {
        let mut m = WeightedMean::default();
        for &(w, x) in data {
            m.record(w, x);
        }
        m
    }

    #[test]
    fn unit_weights_give_the_plain_mean_and_variance() {
        let m = from(&[(1.0, 1), (1.0, 0), (1.0, 0), (1.0, 1), (1.0, 0)]);
        assert_eq!(m.mean(), Some(2.0 / 5.0));
        // Unbiased: (2 − 5·0.16) / 4 = 0.3; plain variance p(1 − p) = 0.24.
        assert!((m.variance().unwrap() - 0.3).abs() < 1e-15);
        assert!((m.plain_variance().unwrap() - 0.24).abs() < 1e-15);
        let counts = from(&[(1.0, 3), (1.0, 0), (1.0, 1)]);
        assert!((counts.mean().unwrap() - 4.0 / 3.0).abs() < 1e-15);
        // E[x²] − mean² = 10/3 − 16/9 = 14/9.
        assert!((counts.plain_variance().unwrap() - 14.0 / 9.0).abs() < 1e-14);
    }

    #[test]
    fn weights_scale_values_and_reduce_variance() {
        // Two equally likely tilted outcomes: x = 1 with weight 0.1, x = 0 with weight 1.9.
        // E_p[x] = 0.05; E_q[(wx)²] = 0.005, so the variance is 0.005 − 0.0025 = 0.0025 against
        // p(1 − p) = 0.0475 for plain sampling: a reduction of 19.
        let m = from(&[(0.1, 1), (1.9, 0), (0.1, 1), (1.9, 0)]);
        assert!((m.mean().unwrap() - 0.05).abs() < 1e-15);
        let n = 4.0;
        assert!((m.variance().unwrap() - 0.0025 * n / (n - 1.0)).abs() < 1e-15);
        assert!((m.plain_variance().unwrap() - 0.0475).abs() < 1e-15);
        assert!((m.variance_reduction().unwrap() - 19.0 * (n - 1.0) / n).abs() < 1e-12);
        let s = m.summary().unwrap();
        assert_eq!(s.estimate, m.mean().unwrap());
        assert!(s.ci95[0] >= 0.0 && s.ci95[1] > s.estimate);
    }

    #[test]
    fn merging_is_exact_in_any_order() {
        let data: Vec<(f64, u64)> = (0..200)
            .map(|i| (1.0 / (1.0 + i as f64 * 0.37).sqrt(), (i % 3) as u64))
            .collect();
        let whole = from(&data);
        let mut parts: Vec<WeightedMean> = data.chunks(7).map(from).collect();
        parts.reverse();
        let mut merged = WeightedMean::default();
        for p in &parts {
            merged += p;
        }
        assert_eq!(merged, whole);
        assert_eq!(merged.summary(), whole.summary());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let m = from(&[(0.5, 2), (3.0, 1)]);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<WeightedMean>(&json).unwrap(), m);
        for bad in [
            r#"{"count":0,"sum":"1","sum_sq":"1","sum_x2":"1"}"#,
            r#"{"count":2,"sum":"0","sum_sq":"5","sum_x2":"0"}"#,
        ] {
            assert!(serde_json::from_str::<WeightedMean>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    #[should_panic(expected = "outside [0, 2^64)")]
    fn absurd_weights_panic_instead_of_saturating() {
        WeightedMean::default().record(1e30, 1);
    }
}
