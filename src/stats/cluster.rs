//! A proportion of items (requests) that come in correlated clusters (replications): the ratio
//! estimator with its between-cluster standard error.

use serde::{Deserialize, Serialize};

use super::Z95;
use super::proportion::wilson_interval;
use super::wide::U256;

/// Successes `xᵢ` out of trials `nᵢ` per cluster (one replication's requests, which share its
/// failures and so are not independent). The estimate is the ratio `p = Σx/Σn`; its standard
/// error is the between-cluster one of the ratio estimator (Cochran, *Sampling Techniques*, 3rd
/// ed., 6.3; the cluster-robust variance):
///
/// ```text
///   SE² = m/(m − 1) · Σ(xᵢ − p·nᵢ)² / (Σn)²      over the m clusters with trials
/// ```
///
/// A Wilson interval on the raw counts treats every request as independent and is far too narrow
/// when a replication's requests fail together. The interval here is Wilson's on the *effective*
/// number of trials `n_eff = p(1 − p)/SE²` (at most Σn; the design effect is Σn/n_eff); where
/// `p` is 0 or 1 (no variation to measure) it takes `n_eff = m`, one trial per cluster.
///
/// Integer state only (sums of counts, squares and products), so merging is exact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusteredProportion {
    clusters: u64,
    successes: u128,
    trials: u128,
    sum_xx: u128,
    sum_nn: u128,
    sum_xn: u128,
}

/// Summary of a [`ClusteredProportion`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusteredSummary {
    /// Successes, over all clusters.
    pub successes: u64,
    /// Trials, over all clusters.
    pub trials: u64,
    /// Clusters (replications) with at least one trial.
    pub replications: u64,
    /// `successes / trials`.
    pub estimate: f64,
    /// Between-replication standard error; `null` with fewer than two replications.
    pub std_error: Option<f64>,
    /// Variance over that of independent trials (`null` when it cannot be measured).
    pub design_effect: Option<f64>,
    /// 95 % interval: Wilson's on the effective number of trials.
    pub ci95: [f64; 2],
}

impl ClusteredProportion {
    /// The empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one cluster: `successes` of `trials`. A cluster without trials changes nothing.
    ///
    /// # Panics
    /// If `successes > trials`.
    pub fn record(&mut self, successes: u64, trials: u64) {
        assert!(successes <= trials, "ClusteredProportion: {successes} > {trials}");
        if trials == 0 {
            return;
        }
        let (x, n) = (u128::from(successes), u128::from(trials));
        self.clusters += 1;
        self.successes += x;
        self.trials += n;
        self.sum_xx += x * x;
        self.sum_nn += n * n;
        self.sum_xn += x * n;
    }

    /// Adds `other`'s clusters (exact).
    pub fn merge(&mut self, other: &Self) {
        self.clusters += other.clusters;
        self.successes += other.successes;
        self.trials += other.trials;
        self.sum_xx += other.sum_xx;
        self.sum_nn += other.sum_nn;
        self.sum_xn += other.sum_xn;
    }

    /// `Σ(xᵢ·N − X·nᵢ)²`, exact: `N²Σx² − 2NXΣxn + X²Σn²`.
    fn scaled_residuals(&self) -> f64 {
        let (x, n) = (self.successes, self.trials);
        let a = U256::widening_mul(n * n, self.sum_xx);
        let c = U256::widening_mul(x * x, self.sum_nn);
        let b = U256::widening_mul(2 * n * x, self.sum_xn);
        a.checked_add(c)
            .and_then(|ac| ac.checked_sub(b))
            .expect("a sum of squares is not negative")
            .to_f64()
    }

    /// The summary at normal quantile `z`; `None` without trials.
    pub fn summary_at(&self, z: f64) -> Option<ClusteredSummary> {
        if self.trials == 0 {
            return None;
        }
        let (x, n, m) = (self.successes as f64, self.trials as f64, self.clusters as f64);
        let p = x / n;
        let std_error = (self.clusters >= 2).then(|| {
            // SE² = m/(m−1) · Σ(xᵢ − p nᵢ)² / N², and Σ(xᵢ − p nᵢ)² = scaled / N².
            (m / (m - 1.0) * self.scaled_residuals()).sqrt() / (n * n)
        });
        let srs = p * (1.0 - p) / n;
        let design_effect = std_error.filter(|_| srs > 0.0).map(|se| se * se / srs);
        let effective = match std_error {
            Some(se) if se > 0.0 && srs > 0.0 => (p * (1.0 - p) / (se * se)).min(n),
            _ => m.min(n),
        };
        let (lo, hi) = wilson_effective(p, effective, z);
        Some(ClusteredSummary {
            successes: self.successes as u64,
            trials: self.trials as u64,
            replications: self.clusters,
            estimate: p,
            std_error,
            design_effect,
            ci95: [lo, hi],
        })
    }

    /// The 95 % summary.
    pub fn summary(&self) -> Option<ClusteredSummary> {
        self.summary_at(Z95)
    }
}

/// Wilson's interval for proportion `p` on `n` (possibly fractional) trials; exact 0 and 1 at
/// the ends, as [`wilson_interval`].
fn wilson_effective(p: f64, n: f64, z: f64) -> (f64, f64) {
    if n >= 1.0 && n.fract() == 0.0 && n < 2f64.powi(53) && (p * n).fract() == 0.0 {
        return wilson_interval((p * n) as u64, n as u64, z);
    }
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    let lo = if p == 0.0 { 0.0 } else { (center - half).clamp(0.0, 1.0) };
    let hi = if p == 1.0 { 1.0 } else { (center + half).clamp(0.0, 1.0) };
    (lo, hi)
}

impl_add_assign_via_merge!(ClusteredProportion);

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::test_rng::{next, uniform};

    #[test]
    fn the_standard_error_is_the_ratio_estimators() {
        // Clusters (x, n): (1, 2), (3, 4), (0, 2). p = 4/8. Residuals x − p n: 0, 1, −1.
        // SE² = 3/2 · 2 / 64.
        let mut c = ClusteredProportion::new();
        for (x, n) in [(1, 2), (3, 4), (0, 2)] {
            c.record(x, n);
        }
        c.record(0, 0);
        let s = c.summary().unwrap();
        assert_eq!((s.successes, s.trials, s.replications, s.estimate), (4, 8, 3, 0.5));
        let se = (1.5f64 * 2.0 / 64.0).sqrt();
        assert!((s.std_error.unwrap() - se).abs() < 1e-15, "{:?}", s.std_error);
        assert!((s.design_effect.unwrap() - se * se / (0.25 / 8.0)).abs() < 1e-12);
    }

    /// Replications whose requests all fail or all succeed together (probability 0.3 of a bad
    /// replication): the interval must cover 0.3 about 95 % of the time over many runs, which the
    /// naive Wilson interval on the requests does not.
    #[test]
    fn the_interval_covers_under_cluster_correlation_where_wilson_does_not() {
        let runs = 400;
        let (mut covered, mut wilson_covered) = (0, 0);
        let mut state = 14u64;
        for _ in 0..runs {
            let mut c = ClusteredProportion::new();
            let (mut x, mut n) = (0u64, 0u64);
            for _ in 0..50 {
                let size = 100 + next(&mut state) % 50;
                let bad = uniform(&mut state) < 0.3;
                let fails = if bad { size } else { 0 };
                c.record(fails, size);
                x += fails;
                n += size;
            }
            let s = c.summary().unwrap();
            if s.ci95[0] <= 0.3 && 0.3 <= s.ci95[1] {
                covered += 1;
            }
            let (lo, hi) = wilson_interval(x, n, Z95);
            if lo <= 0.3 && 0.3 <= hi {
                wilson_covered += 1;
            }
        }
        let share = covered as f64 / runs as f64;
        let se = (0.95f64 * 0.05 / runs as f64).sqrt();
        assert!((share - 0.95).abs() <= 4.0 * se, "coverage {share}");
        assert!(
            (wilson_covered as f64 / runs as f64) < 0.5,
            "naive coverage {wilson_covered}"
        );
    }

    #[test]
    fn no_variation_takes_one_trial_per_replication() {
        let mut c = ClusteredProportion::new();
        for _ in 0..40 {
            c.record(6000, 6000);
        }
        let s = c.summary().unwrap();
        assert_eq!(s.estimate, 1.0);
        assert_eq!(s.std_error, Some(0.0));
        assert_eq!(s.ci95, {
            let (lo, hi) = wilson_interval(40, 40, Z95);
            [lo, hi]
        });
        assert!(s.ci95[0] < 0.95);
    }

    #[test]
    fn merging_is_exact() {
        let mut state = 3u64;
        let rows: Vec<(u64, u64)> = (0..200)
            .map(|_| {
                let n = next(&mut state) % 1000;
                (if n == 0 { 0 } else { next(&mut state) % (n + 1) }, n)
            })
            .collect();
        let fold = |rs: &[(u64, u64)]| {
            let mut c = ClusteredProportion::new();
            for &(x, n) in rs {
                c.record(x, n);
            }
            c
        };
        let whole = fold(&rows);
        let mut a = fold(&rows[77..]);
        a.merge(&fold(&rows[..77]));
        assert_eq!(a, whole);
        assert_eq!(a.summary(), whole.summary());
        let json = serde_json::to_string(&whole).unwrap();
        assert_eq!(serde_json::from_str::<ClusteredProportion>(&json).unwrap(), whole);
    }
}
