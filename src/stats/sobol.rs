//! Variance-based (Sobol) sensitivity indices from the evaluations of a Saltelli design, with
//! bootstrap intervals.
//!
//! The model `Y = f(X₁, …, X_k)` is evaluated at the rows of two independent `n × k` samples `A`
//! and `B` and of the `k` matrices `AB_i` (`A` with column `i` taken from `B`); the design itself
//! is built in the random layer (`random::saltelli_design`). With `f_A[j]`, `f_B[j]` and
//! `f_ABi[j]` the values at row `j` and `V` the variance of `Y`:
//!
//! * first-order index `S_i = V[E(Y | X_i)] / V`, estimated as in Saltelli, Annoni, Azzini,
//!   Campolongo, Ratto & Tarantola (2010), "Variance based sensitivity analysis of model output.
//!   Design and estimator for the total sensitivity index", *Comput. Phys. Commun.* 181:259–270,
//!   table 2 (b), with f_B centred on the mean f̄ of f_A and f_B (the expectation is unchanged,
//!   its variance no longer grows with the metric's distance from 0):
//!   `Ŝ_i = (1/n) Σ_j (f_B[j] − f̄)·(f_ABi[j] − f_A[j]) / V̂`;
//! * total index `S_Ti = E[V(Y | X_~i)] / V`, by Jansen's estimator (Jansen 1999, "Analysis of
//!   variance designs for model output", *Comput. Phys. Commun.* 117:35–43; table 2 (f) in
//!   Saltelli et al. 2010):  `Ŝ_Ti = (1/2n) Σ_j (f_A[j] − f_ABi[j])² / V̂`;
//! * `V̂` is the sample variance (divisor `2n − 1`) of the `2n` values of `f_A` and `f_B` pooled.
//!
//! When `f` does not depend on `X_i`, `f_ABi = f_A` row by row and both estimates are exactly 0.
//! The estimates are not clamped: with small `n` they can fall below 0 or above 1, which itself
//! says `n` is too small.
//!
//! **Intervals**: percentile bootstrap (Efron & Tibshirani 1993, ch. 13) over the `n` rows: each
//! of `B` resamples draws `n` row indices with replacement (the same rows for every index, from a
//! Xoshiro256++ seeded by `seed` through `rand`'s `seed_from_u64`), recomputes `V̂` and all
//! indices, and the interval is the type-7 2.5 % and 97.5 % quantiles of the `B` estimates; `se`
//! is their standard deviation. A resample whose pooled values are all equal (possible only when
//! very few rows differ) has no defined index and is left out. Everything runs in one fixed order,
//! so results are byte-identical for the same input.
//!
//! **Noisy evaluations**: in a two-level run each evaluation is itself a Monte Carlo estimate (the
//! mean of `R` inner replications), `f = g + ε` with noise variance `σ²_ε = σ²_within / R`. Noise
//! that is independent between evaluations inflates `V̂` to `V_g + σ²_ε` and, with
//! `η = σ²_ε / V` the inner Monte Carlo share of the variance, biases the indices towards
//!
//! ```text
//!   S_i  →  S_i·(1 − η)              S_Ti  →  S_Ti·(1 − η) + η
//! ```
//!
//! — every parameter, even one `g` ignores, gets a total index of about `η`. The caller must
//! estimate and report `η` (from the inner replications' variance) beside the indices, and make
//! `R` large enough that `η` is small. Common random numbers between evaluations correlate the
//! noise and change these figures.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::quantile::quantile;

/// Bootstrap resamples used unless the caller asks otherwise.
pub const DEFAULT_BOOTSTRAP: usize = 1000;

/// One estimated index with its bootstrap uncertainty.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SobolIndex {
    /// The point estimate from all `n` rows.
    pub estimate: f64,
    /// Percentile-bootstrap 95 % interval `[2.5 %, 97.5 %]`.
    pub ci95: [f64; 2],
    /// Bootstrap standard error: the standard deviation of the resampled estimates.
    pub se: f64,
}

/// The first-order and total indices of one parameter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SobolIndices {
    /// First-order index `S_i` (Saltelli et al. 2010).
    pub first: SobolIndex,
    /// Total index `S_Ti` (Jansen 1999).
    pub total: SobolIndex,
}

/// Why [`sobol_indices`] could not estimate the indices.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum SobolError {
    /// All values of `f_A` and `f_B` are equal: the metric does not vary over the design, the
    /// indices are `0/0` and undefined (no parameter explains variance that does not exist).
    #[error("the metric does not vary (all {0} values of f_A and f_B are equal): Sobol indices are undefined")]
    ConstantMetric(usize),
    /// An input's length differs from `f_A`'s.
    #[error("{what} has {found} values, f_A has {expected}")]
    LengthMismatch {
        /// Which input (`f_B`, `f_AB[i]`).
        what: String,
        /// Length of `f_A`.
        expected: usize,
        /// Length of the input.
        found: usize,
    },
    /// Fewer than 2 rows: no variance, no bootstrap.
    #[error("{0} rows: Sobol indices need at least 2")]
    TooFewRows(usize),
    /// A value is NaN or infinite.
    #[error("non-finite value {value} at {what}[{row}]")]
    NonFinite {
        /// Which input (`f_A`, `f_B`, `f_AB[i]`).
        what: String,
        /// Row of the value.
        row: usize,
        /// The value.
        value: f64,
    },
    /// Fewer than 2 usable bootstrap resamples (requested, or left after dropping those where
    /// the metric did not vary).
    #[error("{0} usable bootstrap resamples: intervals need at least 2")]
    TooFewResamples(usize),
}

/// Sample variance (divisor `2n − 1`) of `f_a` and `f_b` pooled: the `V̂` the indices divide by,
/// which a caller compares with the inner Monte Carlo noise (see the module documentation).
/// NaN with fewer than 2 values.
pub fn pooled_variance(f_a: &[f64], f_b: &[f64]) -> f64 {
    let m = (f_a.len() + f_b.len()) as f64;
    let mean = f_a.iter().chain(f_b).sum::<f64>() / m;
    f_a.iter().chain(f_b).map(|y| (y - mean) * (y - mean)).sum::<f64>() / (m - 1.0)
}

/// First-order and total Sobol indices of each parameter, with percentile-bootstrap 95 %
/// intervals from `bootstrap` resamples (e.g. [`DEFAULT_BOOTSTRAP`]) drawn from `seed`.
///
/// `f_a[j]`, `f_b[j]`, `f_ab[i][j]`: the metric at row `j` of `A`, of `B` and of `AB_i`. Returns
/// one [`SobolIndices`] per parameter (`f_ab.len()` of them). Estimators and caveats are in the
/// module documentation.
///
/// # Errors
/// [`SobolError`] when the lengths disagree, `n < 2`, a value is not finite, the metric is
/// constant over `f_A` and `f_B`, or `bootstrap < 2`.
pub fn sobol_indices(
    f_a: &[f64],
    f_b: &[f64],
    f_ab: &[Vec<f64>],
    bootstrap: usize,
    seed: u64,
) -> Result<Vec<SobolIndices>, SobolError> {
    let n = f_a.len();
    let named = std::iter::once(("f_A".to_string(), f_a))
        .chain(std::iter::once(("f_B".to_string(), f_b)))
        .chain(
            f_ab.iter()
                .enumerate()
                .map(|(i, v)| (format!("f_AB[{i}]"), v.as_slice())),
        );
    for (what, values) in named {
        if values.len() != n {
            return Err(SobolError::LengthMismatch {
                what,
                expected: n,
                found: values.len(),
            });
        }
        if let Some((row, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(SobolError::NonFinite { what, row, value });
        }
    }
    if n < 2 {
        return Err(SobolError::TooFewRows(n));
    }
    if f_a.iter().chain(f_b).all(|&y| y == f_a[0]) {
        return Err(SobolError::ConstantMetric(2 * n));
    }
    if bootstrap < 2 {
        return Err(SobolError::TooFewResamples(bootstrap));
    }
    let all: Vec<usize> = (0..n).collect();
    let point = estimate(f_a, f_b, f_ab, &all).expect("the metric varies");
    // samples[i] = (first-order, total) estimates of parameter i over the resamples.
    let mut samples = vec![(Vec::with_capacity(bootstrap), Vec::with_capacity(bootstrap)); f_ab.len()];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows = vec![0; n];
    for _ in 0..bootstrap {
        rows.iter_mut().for_each(|r| *r = rng.random_range(0..n));
        if let Some(est) = estimate(f_a, f_b, f_ab, &rows) {
            for (s, (first, total)) in samples.iter_mut().zip(est) {
                s.0.push(first);
                s.1.push(total);
            }
        }
    }
    let used = samples.first().map_or(bootstrap, |s| s.0.len());
    if used < 2 {
        return Err(SobolError::TooFewResamples(used));
    }
    Ok(point
        .into_iter()
        .zip(samples)
        .map(|((first, total), (bf, bt))| SobolIndices {
            first: index(first, bf),
            total: index(total, bt),
        })
        .collect())
}

/// `(Ŝ_i, Ŝ_Ti)` of every parameter over the given rows (with repeats); `None` when the pooled
/// values of those rows do not vary.
fn estimate(f_a: &[f64], f_b: &[f64], f_ab: &[Vec<f64>], rows: &[usize]) -> Option<Vec<(f64, f64)>> {
    let m = rows.len() as f64;
    let first = f_a[rows[0]];
    if rows.iter().all(|&j| f_a[j] == first && f_b[j] == first) {
        return None;
    }
    let mean = rows.iter().map(|&j| f_a[j] + f_b[j]).sum::<f64>() / (2.0 * m);
    let sq = |y: f64| (y - mean) * (y - mean);
    let v = rows.iter().map(|&j| sq(f_a[j]) + sq(f_b[j])).sum::<f64>() / (2.0 * m - 1.0);
    Some(
        f_ab.iter()
            .map(|ab| {
                let (mut s, mut t) = (0.0, 0.0);
                for &j in rows {
                    let d = ab[j] - f_a[j];
                    // Centred: E[(f_B − c)(f_ABi − f_A)] is the same for any c, but its
                    // variance grows with c², and metrics such as an availability of 0.999 sit
                    // far from 0.
                    s += (f_b[j] - mean) * d;
                    t += d * d;
                }
                (s / m / v, t / (2.0 * m) / v)
            })
            .collect(),
    )
}

/// An index from its point estimate and its bootstrap replicates.
fn index(estimate: f64, mut boot: Vec<f64>) -> SobolIndex {
    let b = boot.len() as f64;
    let mean = boot.iter().sum::<f64>() / b;
    let se = (boot.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (b - 1.0)).sqrt();
    boot.sort_by(f64::total_cmp);
    SobolIndex {
        estimate,
        ci95: [quantile(&boot, 0.025), quantile(&boot, 0.975)],
        se,
    }
}

#[cfg(test)]
mod tests;
