//! Coverage oracle: over many seeds, the 95 % intervals cover the true parameters at about their
//! nominal rate. Samples of n = 100 with about 20 % random (independent exponential) censoring,
//! every family; the rate must be within 0.95 ± 4·√(0.95·0.05/SEEDS) (the binomial spread of a
//! correct rate). Run with `--nocapture` to see the rates.

use super::tests::{Sampler, sample, truth};
use super::*;

const SEEDS: u64 = 200;
const N: usize = 100;

/// The mean of a family's true distribution, seconds.
fn true_mean(family: Family, p: &[f64]) -> f64 {
    match family {
        Family::Exponential => p[0],
        Family::Weibull => p[1] * statrs::function::gamma::gamma(1.0 + 1.0 / p[0]),
        Family::LogNormal => p[0] * (p[1] * p[1] / 2.0).exp(),
        Family::Gamma => p[0] * p[1],
    }
}

/// Coverage of each parameter's interval, and the share of censored values, over [`SEEDS`]
/// samples of `family`.
fn coverage(family: Family, dist: &Sampler, params: &[f64]) -> (Vec<f64>, f64, f64) {
    // Censoring times with 4× the mean: 20 % censored for the exponential, about as many for
    // the others.
    let censor = Some(4.0 * true_mean(family, params));
    let mut covered = vec![0u32; params.len()];
    let mut mean_covered = 0u32;
    let mut censored = 0usize;
    for seed in 0..SEEDS {
        let data = sample(dist, N, censor, 1_000 + seed);
        censored += data.iter().filter(|o| o.censored).count();
        let f = fit_one(family, &data).unwrap_or_else(|e| panic!("{family:?} seed {seed}: {e}"));
        for (i, (p, truth)) in f.params.iter().zip(params).enumerate() {
            covered[i] += u32::from(p.ci95[0] <= *truth && *truth <= p.ci95[1]);
        }
        let z = Z * f.se_log_mean;
        let m = true_mean(family, params).ln();
        mean_covered += u32::from((f.mean.ln() - m).abs() <= z);
    }
    let rate = |c: u32| f64::from(c) / SEEDS as f64;
    (
        covered.into_iter().map(rate).collect(),
        rate(mean_covered),
        censored as f64 / (SEEDS as usize * N) as f64,
    )
}

#[test]
fn fit_intervals_cover_at_their_nominal_rate() {
    let started = std::time::Instant::now();
    let slack = 4.0 * (0.95f64 * 0.05 / SEEDS as f64).sqrt();
    let mut failures = Vec::new();
    for family in Family::ALL {
        let (params, dist) = truth(family);
        let (rates, mean_rate, censored) = coverage(family, &dist, &params);
        let names: Vec<&str> = family.parameters().iter().map(|p| p.0).collect();
        eprintln!(
            "{:<12} censored {:.1} %  coverage {}  mean {mean_rate:.3}",
            family.name(),
            100.0 * censored,
            names
                .iter()
                .zip(&rates)
                .map(|(n, r)| format!("{n} {r:.3}"))
                .collect::<Vec<_>>()
                .join("  ")
        );
        assert!((0.1..0.3).contains(&censored), "{family:?}: {censored} censored");
        for (name, rate) in names.iter().zip(&rates) {
            if (rate - 0.95).abs() > slack {
                failures.push(format!("{family:?} {name}: {rate}"));
            }
        }
        if (mean_rate - 0.95).abs() > slack {
            failures.push(format!("{family:?} mean: {mean_rate}"));
        }
    }
    eprintln!(
        "coverage oracle: {} seeds × n = {N} × 4 families in {:.2} s (allowed 0.95 ± {slack:.4})",
        SEEDS,
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "coverage outside 0.95 ± {slack}: {failures:?}");
}
