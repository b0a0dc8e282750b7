//! Availability oracles (docs/MODEL.md section 7): each scenario under `scenarios/validation/` is run
//! with its fixed seed and its estimate must lie within 4 standard errors of the exact value.
//! The SE is the run's own (independent replications). The exact value is computed here from the
//! scenario's parameters, so editing a scenario keeps the oracle honest.

use super::common::{load, run_with};
use outage_sim::model::Dist;
use outage_sim::model::Scenario;

fn rate(d: &Dist) -> f64 {
    1.0 / d.mean_secs()
}

/// (λ, μ) of failure process `i`.
fn rates(s: &Scenario, i: usize) -> (f64, f64) {
    let f = &s.failures[i];
    (rate(&f.time_to_failure), rate(&f.time_to_repair))
}

/// Checks feature 0's availability against `exact`, returns (estimate, SE).
fn check(s: &Scenario, exact: f64) -> (f64, f64) {
    let stats = run_with(s, None);
    let a = stats.features[0].summary().expect("replications ran");
    let se = a.std_error.expect("at least two replications");
    let diff = (a.estimate - exact).abs();
    eprintln!(
        "{}: estimate {:.6} exact {exact:.6} SE {se:.2e} |diff|/SE {:.2}",
        s.name,
        a.estimate,
        diff / se
    );
    assert!(
        diff <= 4.0 * se,
        "{}: estimate {} vs exact {exact}: |diff| {diff} > 4 SE ({se})",
        s.name,
        a.estimate
    );
    // Guard against a vacuous pass: the test must be sharp enough to tell the value apart
    // from "always up".
    assert!(
        4.0 * se < (1.0 - exact) / 2.0,
        "{}: SE {se} too large to be a test",
        s.name
    );
    (a.estimate, se)
}

/// Steady-state availability of k-of-n identical components with r repair crews, from the
/// birth–death chain: p_j ∝ ∏_{i<j} (n−i)λ / (min(i+1, r)·μ), A = Σ_{j ≤ n−k} p_j.
fn k_of_n(k: u32, n: u32, r: u32, lambda: f64, mu: f64) -> f64 {
    let mut p = vec![1.0];
    for i in 0..n {
        let next = p[i as usize] * f64::from(n - i) * lambda / (f64::from((i + 1).min(r)) * mu);
        p.push(next);
    }
    let total: f64 = p.iter().sum();
    p[..=(n - k) as usize].iter().sum::<f64>() / total
}

#[test]
fn single_exponential_component_interval_availability() {
    let s = load("scenarios/validation/single-exponential.toml");
    let (l, m) = rates(&s, 0);
    let h = s.horizon.as_secs_f64();
    // Mean of A(t) = μ/(λ+μ) + λ/(λ+μ)·e^{−(λ+μ)t} over [0, H], the process starting up.
    let exact = m / (l + m) + l / ((l + m).powi(2) * h) * (1.0 - (-(l + m) * h).exp());
    check(&s, exact);
}

#[test]
fn single_non_exponential_component() {
    // Weibull up times and log-normal repairs: A = MTTF / (MTTF + MTTR) (any distributions).
    let s = load("scenarios/validation/single-weibull.toml");
    let f = &s.failures[0];
    let (mttf, mttr) = (f.time_to_failure.mean_secs(), f.time_to_repair.mean_secs());
    check(&s, mttf / (mttf + mttr));
}

#[test]
fn series_of_three_independent_components() {
    let s = load("scenarios/validation/series-three.toml");
    let exact: f64 = (0..3).map(|i| rates(&s, i)).map(|(l, m)| m / (l + m)).product();
    check(&s, exact);
}

#[test]
fn one_of_two_with_two_crews() {
    let s = load("scenarios/validation/one-of-two-two-crews.toml");
    let (l, m) = rates(&s, 0);
    let exact = 1.0 - (l / (l + m)).powi(2);
    assert!((exact - k_of_n(1, 2, 2, l, m)).abs() < 1e-12);
    check(&s, exact);
}

#[test]
fn one_of_two_with_one_crew() {
    let s = load("scenarios/validation/one-of-two-one-crew.toml");
    let (l, m) = rates(&s, 0);
    let exact = (m * m + 2.0 * l * m) / (m * m + 2.0 * l * m + 2.0 * l * l);
    assert!((exact - k_of_n(1, 2, 1, l, m)).abs() < 1e-12);
    check(&s, exact);
}

#[test]
fn two_of_three_with_three_crews() {
    let s = load("scenarios/validation/two-of-three-three-crews.toml");
    let (l, m) = rates(&s, 0);
    let a = m / (l + m);
    let exact = 3.0 * a * a - 2.0 * a.powi(3);
    assert!((exact - k_of_n(2, 3, 3, l, m)).abs() < 1e-12);
    check(&s, exact);
}

#[test]
fn two_of_three_with_one_crew() {
    let s = load("scenarios/validation/two-of-three-one-crew.toml");
    let (l, m) = rates(&s, 0);
    let rho = l / m;
    let exact = (1.0 + 3.0 * rho) / (1.0 + 3.0 * rho + 6.0 * rho * rho + 6.0 * rho.powi(3));
    assert!((exact - k_of_n(2, 3, 1, l, m)).abs() < 1e-12);
    check(&s, exact);
}

#[test]
fn crews_matter_in_the_model_not_only_in_the_formula() {
    // The one-crew and three-crew 2-of-3 systems differ by many SEs; a model that ignored crews
    // would fail one of the two oracles above, and this states the gap directly.
    let one = run_with(&load("scenarios/validation/two-of-three-one-crew.toml"), None).features[0]
        .summary()
        .unwrap();
    let three = run_with(&load("scenarios/validation/two-of-three-three-crews.toml"), None).features[0]
        .summary()
        .unwrap();
    let se = (one.std_error.unwrap().powi(2) + three.std_error.unwrap().powi(2)).sqrt();
    assert!(three.estimate - one.estimate > 10.0 * se);
}

#[test]
fn zone_destruction_rpo_and_rto_through_the_model() {
    use outage_sim::model::Plane;
    use outage_sim::montecarlo::Summary;
    let s = load("scenarios/validation/zone-destruction-restore.toml");
    let b = s.services[0].backup.unwrap();
    let (t, d, q) = (
        b.interval.as_secs_f64(),
        b.copy_lag.as_secs_f64(),
        b.failure_probability,
    );
    let restore_mean = s.faults[0].restore.as_ref().unwrap().mean_secs();
    let sum = Summary::new(&s, &run_with(&s, None));
    let inc = &sum.zone_incidents[Plane::Data];
    assert_eq!(inc.incidents, s.replications, "one incident per replication");
    let rpo = inc.rpo.unwrap();
    let exact_rpo = d + t / 2.0 + q * t / (1.0 - q);
    let se = rpo.std_error.unwrap();
    eprintln!("RPO mean {} exact {exact_rpo} SE {se}", rpo.mean);
    assert!(
        (rpo.mean - exact_rpo).abs() <= 4.0 * se,
        "RPO {} vs {exact_rpo}",
        rpo.mean
    );
    // RTO: the restore time, Exp(mean m); the incident ends when the store is redeployed.
    let rto = inc.rto.unwrap();
    let se = rto.std_error.unwrap();
    eprintln!("RTO mean {} exact {restore_mean} SE {se}", rto.mean);
    assert!((rto.mean - restore_mean).abs() <= 4.0 * se);
    let meet = inc.p_meet_rto.unwrap();
    let exact_meet = 1.0 - (-s.targets[Plane::Data.index()].rto.as_secs_f64() / restore_mean).exp();
    let se = (exact_meet * (1.0 - exact_meet) / meet.trials as f64).sqrt();
    eprintln!("P(meet RTO) {} exact {exact_meet} SE {se}", meet.estimate);
    assert!((meet.estimate - exact_meet).abs() <= 4.0 * se);
}

#[test]
fn availability_intervals_are_calibrated_over_200_seeds() {
    // 200 independent runs of the exponential single-component oracle: the 95 % interval must
    // cover the exact value in 95 % ± 3 % of them (here 95 % ± 3 points: 184 to 196 of 200 —
    // the binomial SE is 1.5 points, so this is a 2-SE band on a fixed set of seeds).
    let base = load("scenarios/validation/single-exponential.toml");
    let s = super::common::with_reps(&base, 400);
    let (l, m) = rates(&s, 0);
    let h = s.horizon.as_secs_f64();
    let exact = m / (l + m) + l / ((l + m).powi(2) * h) * (1.0 - (-(l + m) * h).exp());
    let mut covered = 0;
    for seed in 0..200 {
        let s = super::common::with_seed(&base, 1_000 + seed, 400);
        let a = run_with(&s, None).features[0].summary().unwrap();
        let [lo, hi] = a.ci95.unwrap();
        covered += u32::from(lo <= exact && exact <= hi);
    }
    eprintln!("covered {covered} of 200");
    assert!((184..=196).contains(&covered), "coverage {covered} of 200");
}
