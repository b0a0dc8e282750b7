//! Success / trial counting and the Wilson score interval.

use serde::{Deserialize, Serialize};

use super::Z95;
use super::summary::ProportionSummary;

/// Wilson score interval for a binomial proportion (Wilson 1927).
///
/// E. B. Wilson, "Probable inference, the law of succession, and
/// statistical inference", *Journal of the American Statistical
/// Association* 22 (158): 209–212, 1927. With `p̂ = successes / trials`,
/// `n = trials`:
///
/// ```text
///          p̂ + z²/(2n) ± z·√( p̂(1−p̂)/n + z²/(4n²) )
///   w± = ───────────────────────────────────────────
///                        1 + z²/n
/// ```
///
/// Chosen over the normal ("Wald") interval because it stays inside
/// `[0, 1]` and keeps good coverage when `p̂` is 0 or 1 — typical for
/// "RTO met" rates near 100 %. The bounds are clamped to `[0, 1]`, and are
/// exactly `0` when `successes == 0` and exactly `1` when
/// `successes == trials` (avoiding rounding residue like `-3e-17`).
/// With `trials == 0` nothing is known and `(0.0, 1.0)` is returned.
///
/// # Panics
/// If `successes > trials` or `z` is negative or not finite.
///
/// # Example
/// ```
/// # use outage_sim::stats::wilson_interval;
/// let (lo, hi) = wilson_interval(81, 263, 1.96);
/// assert!((lo - 0.2553).abs() < 1e-4 && (hi - 0.3662).abs() < 1e-4);
/// ```
pub fn wilson_interval(successes: u64, trials: u64, z: f64) -> (f64, f64) {
    assert!(
        successes <= trials,
        "wilson_interval: successes ({successes}) > trials ({trials})"
    );
    assert!(
        z.is_finite() && z >= 0.0,
        "wilson_interval: z must be finite and non-negative, got {z}"
    );
    if trials == 0 {
        return (0.0, 1.0);
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    let lo = if successes == 0 {
        0.0
    } else {
        (center - half).clamp(0.0, 1.0)
    };
    let hi = if successes == trials {
        1.0
    } else {
        (center + half).clamp(0.0, 1.0)
    };
    (lo, hi)
}

/// Count of successes out of trials, e.g. "replications whose achieved RTO
/// met the target". Integer state only, so merging is exact.
///
/// # Example
/// ```
/// # use outage_sim::stats::Proportion;
/// let mut p = Proportion::default();
/// p.record(true);
/// p.record_many(2, 3);
/// assert_eq!((p.successes(), p.trials()), (3, 4));
/// assert_eq!(p.estimate(), Some(0.75));
/// let (lo, hi) = p.wilson(1.96).unwrap();
/// assert!(lo < 0.75 && 0.75 < hi);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ProportionRepr")]
pub struct Proportion {
    successes: u64,
    trials: u64,
}

impl Proportion {
    /// The empty accumulator (same as `Default`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one trial.
    ///
    /// # Panics
    /// If the number of trials exceeds `u64::MAX`.
    pub fn record(&mut self, success: bool) {
        self.record_many(u64::from(success), 1);
    }

    /// Records `trials` trials of which `successes` succeeded.
    ///
    /// # Panics
    /// If `successes > trials` or the totals exceed `u64::MAX`.
    pub fn record_many(&mut self, successes: u64, trials: u64) {
        assert!(
            successes <= trials,
            "Proportion: successes ({successes}) > trials ({trials})"
        );
        self.trials = self
            .trials
            .checked_add(trials)
            .expect("Proportion: more than u64::MAX trials");
        // successes ≤ trials, so this cannot overflow once trials did not.
        self.successes += successes;
    }

    /// Adds `other`'s counts to `self` (exact, associative, commutative).
    ///
    /// # Panics
    /// If the merged trial count exceeds `u64::MAX`.
    pub fn merge(&mut self, other: &Self) {
        self.record_many(other.successes, other.trials);
    }

    /// Number of successes.
    pub fn successes(&self) -> u64 {
        self.successes
    }

    /// Number of trials.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Point estimate `successes / trials`, `None` without trials.
    pub fn estimate(&self) -> Option<f64> {
        (self.trials > 0).then(|| self.successes as f64 / self.trials as f64)
    }

    /// Normal-approximation standard error `√(p̂(1−p̂)/n)`, `None` without
    /// trials. (Zero when `p̂` is 0 or 1: prefer [`wilson`](Self::wilson)
    /// for intervals.)
    pub fn std_error(&self) -> Option<f64> {
        self.estimate().map(|p| (p * (1.0 - p) / self.trials as f64).sqrt())
    }

    /// Wilson score interval at normal quantile `z` (see
    /// [`wilson_interval`]), `None` without trials.
    pub fn wilson(&self, z: f64) -> Option<(f64, f64)> {
        (self.trials > 0).then(|| wilson_interval(self.successes, self.trials, z))
    }

    /// Summary with the 95 % Wilson interval, `None` without trials.
    pub fn summary(&self) -> Option<ProportionSummary> {
        let estimate = self.estimate()?;
        let (lo, hi) = self.wilson(Z95)?;
        Some(ProportionSummary {
            successes: self.successes,
            trials: self.trials,
            estimate,
            wilson95: [lo, hi],
        })
    }
}

impl_add_assign_via_merge!(Proportion);

#[derive(Deserialize)]
struct ProportionRepr {
    successes: u64,
    trials: u64,
}

impl TryFrom<ProportionRepr> for Proportion {
    type Error = String;

    fn try_from(r: ProportionRepr) -> Result<Self, Self::Error> {
        if r.successes > r.trials {
            return Err(format!(
                "Proportion: successes ({}) > trials ({})",
                r.successes, r.trials
            ));
        }
        Ok(Proportion {
            successes: r.successes,
            trials: r.trials,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(actual: (f64, f64), expected: (f64, f64), tol: f64) {
        assert!(
            (actual.0 - expected.0).abs() <= tol && (actual.1 - expected.1).abs() <= tol,
            "{actual:?} vs {expected:?}"
        );
    }

    #[test]
    fn wilson_reference_values() {
        let z = 1.96;
        // 0 of 10: lower = 0, upper = z²/(n+z²) = 3.8416/13.8416 = 0.277540...
        let w = wilson_interval(0, 10, z);
        assert_eq!(w.0, 0.0, "exactly 0, no rounding residue");
        assert_close(w, (0.0, 3.8416 / 13.8416), 1e-15);
        assert_close(w, (0.0, 0.277540), 1e-6);
        // 10 of 10: lower = n/(n+z²) = 10/13.8416 = 0.722459..., upper = 1
        let w = wilson_interval(10, 10, z);
        assert_eq!(w.1, 1.0);
        assert_close(w, (10.0 / 13.8416, 1.0), 1e-15);
        // 5 of 10: centre 0.5; half = (1.96/1.38416)·√(0.025 + 3.8416/400)
        //        = 1.416021·√0.034604 = 1.416021·0.186022 = 0.263410
        assert_close(wilson_interval(5, 10, z), (0.236590, 0.763410), 1e-6);
        // 81 of 263 (Newcombe 1998 / Wikipedia): p̂ = 0.307985, n = 263,
        // z²/n = 0.014607, centre = (0.307985 + 0.007303)/1.014607 = 0.310749,
        // half = 1.96·√(0.00081039 + 0.00001388)/1.014607 = 0.055462
        // -> [0.255288, 0.366211]
        assert_close(wilson_interval(81, 263, z), (0.255288, 0.366211), 1e-6);
        // z = 0 degenerates to the point estimate.
        assert_close(wilson_interval(3, 4, 0.0), (0.75, 0.75), 1e-15);
        // No trials: uninformative.
        assert_eq!(wilson_interval(0, 0, z), (0.0, 1.0));
        // Symmetry: interval for k of n mirrors n-k of n.
        let (a, b) = wilson_interval(3, 17, Z95);
        let (c, d) = wilson_interval(14, 17, Z95);
        assert!((a - (1.0 - d)).abs() < 1e-12 && (b - (1.0 - c)).abs() < 1e-12);
    }

    #[test]
    #[should_panic(expected = "successes (3) > trials (2)")]
    fn wilson_rejects_more_successes_than_trials() {
        wilson_interval(3, 2, Z95);
    }

    #[test]
    fn proportion_basics() {
        let mut p = Proportion::new();
        assert_eq!(p.estimate(), None);
        assert_eq!(p.wilson(Z95), None);
        assert_eq!(p.std_error(), None);
        assert_eq!(p.summary(), None);
        for i in 0..10 {
            p.record(i < 3);
        }
        assert_eq!((p.successes(), p.trials()), (3, 10));
        assert_eq!(p.estimate(), Some(0.3));
        assert!((p.std_error().unwrap() - (0.3f64 * 0.7 / 10.0).sqrt()).abs() < 1e-15);
        let s = p.summary().unwrap();
        assert_eq!((s.successes, s.trials, s.estimate), (3, 10, 0.3));
        let w = wilson_interval(3, 10, Z95);
        assert_eq!(s.wilson95, [w.0, w.1]);
        assert!(s.wilson95[0] < 0.3 && 0.3 < s.wilson95[1]);
    }

    #[test]
    #[should_panic(expected = "successes (2) > trials (1)")]
    fn record_many_rejects_inconsistent_counts() {
        Proportion::new().record_many(2, 1);
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mut p = Proportion::new();
        p.record_many(5, 9);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"successes":5,"trials":9}"#);
        assert_eq!(serde_json::from_str::<Proportion>(&json).unwrap(), p);
        assert!(serde_json::from_str::<Proportion>(r#"{"successes":10,"trials":9}"#).is_err());
    }
}
