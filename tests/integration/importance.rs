//! Importance sampling of rare region disasters: the weighted estimates against exact values,
//! the variance reduction against its closed form, plain sampling as the factor-1 case, and the
//! usual determinism (threads, shards) and bad-input promises.

use super::common::{bin, load, repo, run_with, with_reps};
use outage_sim::model::Dist;
use outage_sim::model::Plane;
use outage_sim::montecarlo::Summary;
use outage_sim::montecarlo::{RunOptions, RunStats, Runner, Shard};
use outage_sim::scenario::{Override, Plan};
use outage_sim::stats::WeightedMean;

const RARE: &str = "scenarios/validation/rare-region-disaster.toml";

/// The validation scenario: λ (per second), the factor F and the horizon H (seconds).
fn rare() -> (Plan, f64, f64, f64) {
    let s = load(RARE);
    let f = &s.failures[0];
    let lambda = f.time_to_failure.exponential_rate().unwrap();
    let factor = s.importance_sampling.unwrap().region_disaster_rate_factor;
    assert_eq!(s.warmup.ticks(), 0, "the exact values below assume no warm-up");
    assert!(
        f.time_to_repair.mean_secs() > s.horizon.as_secs_f64(),
        "at most one disaster"
    );
    let horizon = s.horizon.as_secs_f64();
    (s, lambda, factor, horizon)
}

/// `E_tilted[y^k]` for `y = w·1{T ≤ H}`, `T` the first disaster: `∫_0^H p(t)^k / q(t)^(k-1) dt`
/// with `p(t) = λe^{-λt}` and `q(t) = Fλe^{-Fλt}`, i.e. `(1 − e^{-c·a}) / (F^(k-1)·c)` with
/// `c = k − (k−1)F` and `a = λH`. (k = 1 is the probability itself.)
fn tilted_moment(k: i32, factor: f64, a: f64) -> f64 {
    let c = f64::from(k) - f64::from(k - 1) * factor;
    let integral = if c == 0.0 { a } else { -(-c * a).exp_m1() / c };
    integral / factor.powi(k - 1)
}

/// `|estimate − exact| ≤ 4·SE`.
fn within_4se(what: &str, w: &WeightedMean, exact: f64) {
    let (est, se) = (w.mean().unwrap(), w.std_error().unwrap());
    assert!(
        (est - exact).abs() <= 4.0 * se,
        "{what}: estimate {est} vs exact {exact}, SE {se}"
    );
}

fn weighted(stats: &RunStats) -> &outage_sim::montecarlo::ImportanceSamplingStats {
    stats.importance_sampling.as_ref().expect("importance sampling is on")
}

#[test]
fn rare_disaster_probability_and_variance_reduction_match_the_closed_form() {
    let (s, lambda, factor, h) = rare();
    let stats = run_with(&s, None);
    let is = weighted(&stats);
    let a = lambda * h;
    let p = tilted_moment(1, factor, a);
    assert!((0.004..0.006).contains(&p), "the event is rare: {p}");
    // The tilt makes it common: 1 − e^{−Fa} of the replications see it.
    let tilted = stats.disasters.as_ref().unwrap().disasters as f64 / stats.replications as f64;
    assert!((0.3..0.5).contains(&tilted), "{tilted}");

    within_4se("P(at least one disaster)", &is.any_disaster, p);
    within_4se("disasters per replication", &is.disasters, p);
    within_4se("mean likelihood ratio", &is.likelihood_ratio, 1.0);
    // No plane recovers within the horizon (nobody consents, the outage outlasts it): the RTO is
    // missed when the disaster comes more than the target before the horizon.
    for plane in Plane::ALL {
        let target = s.targets[plane.index()].rto.as_secs_f64();
        let exact = -(-lambda * (h - target)).exp_m1();
        within_4se(
            &format!("{plane:?} RTO missed"),
            &is.planes[plane.index()].rto_missed,
            exact,
        );
    }
    // Half of the disasters destroy the data, which the data plane then loses; the control plane's
    // configuration is never lost.
    within_4se(
        "data-plane RPO missed",
        &is.planes[Plane::Data.index()].rpo_missed,
        p / 2.0,
    );
    assert_eq!(is.planes[Plane::Control.index()].rpo_missed.mean(), Some(0.0));

    // The variance per replication, m2 − p², against its closed form, within 4 standard errors of
    // the sample variance (delta method: the variance of y² − 2py, from the exact moments).
    let n = stats.replications as f64;
    let m = |k| tilted_moment(k, factor, a);
    let exact_var = m(2) - p * p;
    let var_of_g = m(4) - 4.0 * p * m(3) + 4.0 * p * p * m(2) - (m(2) - 2.0 * p * p).powi(2);
    let se_var = (var_of_g / n).sqrt();
    let var = is.any_disaster.variance().unwrap();
    assert!(
        (var - exact_var).abs() <= 4.0 * se_var,
        "variance {var} vs exact {exact_var}, SE {se_var}"
    );
    // The variance reduction against plain sampling, p(1 − p) per replication.
    let exact_vrf = p * (1.0 - p) / exact_var;
    let vrf = is.any_disaster.variance_reduction().unwrap();
    let rel = 4.0 * (se_var / exact_var + is.any_disaster.std_error().unwrap() / p);
    assert!(vrf > 1.0);
    assert!(
        (vrf / exact_vrf - 1.0).abs() <= rel,
        "VRF {vrf} vs exact {exact_vrf} (relative tolerance {rel})"
    );
    eprintln!("P = {p:.6e}, VRF measured {vrf:.1}, exact {exact_vrf:.1}");
}

#[test]
fn exposure_excludes_the_outage_when_the_region_comes_back_within_the_horizon() {
    // Outage H/2: a second disaster can follow the first. Were the outage counted as exposure,
    // weights of paths with a disaster would be inflated by up to e^{(F−1)λH/2} ≈ 1.28.
    let (s, lambda, _, h) = rare();
    let r = h / 2.0;
    let s = s
        .with(&[Override::set("failures[0].time_to_repair", format!("{r}s").into())])
        .unwrap();
    assert_eq!(s.failures[0].time_to_repair, Dist::parse(&format!("{r}s")).unwrap());
    let stats = run_with(&s, None);
    let is = weighted(&stats);
    let p = -(-lambda * h).exp_m1();
    // E[N] = P(T₁ ≤ H) + P(T₁ + r + T₂ ≤ H), the second an Erlang(2, λ) CDF at H − r.
    let x = lambda * (h - r);
    let second = 1.0 - (-x).exp() * (1.0 + x);
    within_4se("P(at least one disaster)", &is.any_disaster, p);
    within_4se("disasters per replication", &is.disasters, p + second);
    within_4se("mean likelihood ratio", &is.likelihood_ratio, 1.0);
}

#[test]
fn factor_one_reproduces_plain_sampling_exactly() {
    let text = std::fs::read_to_string(repo(RARE)).unwrap();
    let plain_text = text.replace("[importance_sampling]\nregion_disaster_rate_factor = 100\n", "");
    assert_ne!(
        plain_text, text,
        "the validation scenario's [importance_sampling] table moved"
    );
    let plain_plan = Plan::from_source(&plain_text, &repo(RARE)).unwrap();
    assert!(plain_plan.importance_sampling.is_none());
    let s = with_reps(&plain_plan, 5000);
    let plain = run_with(&s, None);
    let s = s.with(&[Override::importance_sampling(1.0)]).unwrap();
    let mut one = run_with(&s, None);
    let is = one.importance_sampling.take().unwrap();
    assert_eq!(one, plain, "same paths, same statistics");
    let d = plain.disasters.as_ref().unwrap();
    assert!(d.disasters > 0, "the check needs some disasters");
    // At most one disaster per replication here, so P(≥ 1) is the mean count.
    assert_eq!(is.any_disaster.mean(), d.per_replication.mean());
    assert_eq!(is.disasters.mean(), d.per_replication.mean());
    assert_eq!(is.likelihood_ratio.mean(), Some(1.0));
    assert_eq!(is.likelihood_ratio.variance(), Some(0.0));
    // Plain sampling against itself: the unbiased variance over p(1 − p) is (n − 1)/n.
    let n = s.replications as f64;
    let vrf = is.any_disaster.variance_reduction().unwrap();
    assert!((vrf - (n - 1.0) / n).abs() < 1e-9, "{vrf}");
}

#[test]
fn weighted_results_do_not_depend_on_threads_or_shards() {
    let (s, ..) = rare();
    let s = with_reps(&s, 3000);
    let one = run_with(&s, Some(1));
    let two = run_with(&s, Some(2));
    assert_eq!(Summary::new(&s, &one).to_json(), Summary::new(&s, &two).to_json());
    let mut merged = RunStats::new(&s);
    for index in (0..3).rev() {
        let options = RunOptions {
            keep_outcomes: false,
            shard: Some(Shard { index, count: 3 }),
            ..RunOptions::default()
        };
        merged.merge(&Runner::new(Some(2)).run(&s, &options, |_| Ok::<(), ()>(())).unwrap());
    }
    assert_eq!(merged, one);
    let json: serde_json::Value = serde_json::from_slice(&Summary::new(&s, &one).to_json()).unwrap();
    let section = &json["importance_sampling"];
    assert_eq!(section["region_disaster_rate_factor"], 100.0);
    assert!(section["note"].as_str().unwrap().contains("tilted"));
    for key in ["estimate", "std_error", "ci95", "variance_reduction"] {
        assert!(!section["p_any_disaster"][key].is_null(), "{key}");
    }
}

#[test]
fn command_line_factor_overrides_the_scenario_and_is_recorded_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    bin()
        .args([
            "run",
            "--quiet",
            "--summary-only",
            "--replications",
            "500",
            "--importance-sampling",
            "50",
        ])
        .arg(repo(RARE))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let results = out.join("validation-rare-region-disaster");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(results.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["importance_sampling"]["region_disaster_rate_factor"], 50.0);
    // The factor is part of the scenario written with the results (and of its hash).
    let written = outage_sim::scenario::load(&results.join("scenario.toml")).unwrap();
    assert_eq!(written.importance_sampling.unwrap().region_disaster_rate_factor, 50.0);
    assert_eq!(summary["scenario"]["hash"], written.hash());
    assert_ne!(written.hash(), load(RARE).hash());
}

/// Runs `outage-sim run FILE ARGS`, expecting bad input (exit 2, nothing written); returns stderr.
fn bad_input(file: &std::path::Path, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let a = bin()
        .arg("run")
        .arg(file)
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "bad input must not create result files");
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn importance_sampling_of_a_non_exponential_disaster_is_bad_input() {
    let source = std::fs::read_to_string(repo(RARE)).unwrap();
    let old = "time_to_failure = \"exp(mean=200y)\"";
    assert!(source.contains(old));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(
        &file,
        source.replace(old, "time_to_failure = \"weibull(shape=2, scale=200y)\""),
    )
    .unwrap();
    let line = source.lines().position(|l| l == old).unwrap() + 1;
    let e = bad_input(&file, &[]);
    for fragment in [
        format!("broken.toml:{line}:19: failures[0].time_to_failure: "),
        "importance sampling".into(),
        "exp(mean=D)".into(),
        "weibull(shape=2".into(),
    ] {
        assert!(e.contains(&fragment), "expected {fragment:?} in: {e}");
    }
    // The same from the command line, on a file without [importance_sampling].
    let plain = source.replace("[importance_sampling]\nregion_disaster_rate_factor = 100\n", "");
    std::fs::write(
        &file,
        plain.replace(old, "time_to_failure = \"weibull(shape=2, scale=200y)\""),
    )
    .unwrap();
    let e = bad_input(&file, &["--importance-sampling", "10"]);
    assert!(e.contains(&format!("broken.toml:{line}:19: ")), "{e}");
}

#[test]
fn bad_importance_sampling_factors_are_bad_input() {
    let e = bad_input(&repo(RARE), &["--importance-sampling", "0"]);
    assert!(e.contains("region_disaster_rate_factor: must be a number > 0"), "{e}");
    let e = bad_input(&repo(RARE), &["--importance-sampling", "NaN"]);
    assert!(e.contains("must be a number > 0"), "{e}");
    // Nothing to tilt: the scenario has no region disaster.
    let e = bad_input(
        &repo("scenarios/validation/single-exponential.toml"),
        &["--importance-sampling", "10"],
    );
    assert!(e.contains("no [[failures]] entry is a region-disaster"), "{e}");
}
