//! Verdicts on the objectives (`summary.json` `objectives`): MEETS, MISSES and INCONCLUSIVE where
//! the answer is known by construction, breaches per year as the misses per replication over the
//! window, and P(breach within a year) from that rate.

use super::common::{load, repo, run_with, with};
use outage_sim::model::Plane;
use outage_sim::model::metric::{Objective, Scope};
use outage_sim::montecarlo::{Compliance, Summary};
use outage_sim::scenario::{Override, Plan};

/// A shipped scenario with `[targets]` text appended (it has none), and `n` replications.
fn with_targets(rel: &str, targets: &str, n: u64) -> Plan {
    let text = std::fs::read_to_string(repo(rel)).unwrap() + "\n[targets]\n" + targets + "\n";
    let p = outage_sim::scenario::from_source(&text, &repo(rel)).unwrap_or_else(|e| panic!("{e}"));
    with(&p, &[Override::replications(n)])
}

fn summary(p: &Plan) -> Summary {
    Summary::new(p, &run_with(p, None))
}

#[test]
fn every_failover_meets_its_rto_and_an_unreachable_requirement_is_inconclusive() {
    // The zone outage drill's incidents are failover windows of at most 60 s: every one meets the
    // 48 h RTO, so with 2000 of 2000 the Wilson interval lies above 0.99 (MEETS); a requirement
    // of 1 can never be shown with a finite sample (INCONCLUSIVE).
    let base = load("scenarios/zone-outage-drill.toml");
    let p = with(&base, &[Override::replications(2000)]);
    let v = summary(&p).objectives[Plane::Data].rto.zone_incidents.clone();
    let m = v.p_meet.as_ref().unwrap();
    assert_eq!((m.successes, m.trials), (2000, 2000));
    assert_eq!(v.verdict, Compliance::Meets);
    assert_eq!(v.breaches_per_year.estimate, 0.0);
    let strict = with_targets(
        "scenarios/zone-outage-drill.toml",
        "data_plane = { rpo = \"12h\", rto = \"48h\", rto_probability = 1.0 }",
        2000,
    );
    assert_eq!(
        summary(&strict).objectives[Plane::Data].rto.zone_incidents.verdict,
        Compliance::Inconclusive
    );
}

#[test]
fn the_control_plane_misses_its_rpo_through_a_regional_disaster() {
    // Its configuration store is restored in the pair from backups every 10 min, usable 5 min after
    // they are taken: its RPO is about U(5, 15) min, within 10 min only about half the time.
    let p = with(
        &load("scenarios/region-disaster-drill.toml"),
        &[Override::replications(2000)],
    );
    let s = summary(&p);
    let v = s.objectives[Plane::Control]
        .of(Objective::Rpo)
        .get(Scope::RegionDisasters)
        .unwrap();
    assert_eq!(v.verdict, Compliance::Misses);
    // One disaster per 30-day replication: breaches per year are the misses per replication over
    // 30/365 of a year, and P(breach within a year) = 1 − e^(−rate).
    let misses = s.misses_per_replication[Plane::Control].rpo.estimate;
    let years = 30.0 / 365.0;
    let rate = v.breaches_per_year.estimate;
    assert!((rate * years - misses).abs() < 1e-12, "{rate} {misses}");
    assert!((v.p_breach_within_year.estimate - (1.0 - (-rate).exp())).abs() < 1e-12);
    let m = v.p_meet.as_ref().unwrap();
    assert!(
        (m.estimate + misses - 1.0).abs() < 1e-12,
        "one disaster per replication"
    );
}

#[test]
fn a_higher_confidence_widens_the_interval_the_verdict_judges() {
    let at = |c: f64| {
        let p = with_targets(
            "scenarios/region-disaster-drill.toml",
            &format!("confidence = {c}"),
            1000,
        );
        summary(&p).objectives[Plane::Data]
            .rto
            .region_disasters
            .clone()
            .unwrap()
    };
    let (a, b) = (at(0.95), at(0.999));
    let width = |v: &outage_sim::montecarlo::ObjectiveVerdict| {
        let i = v.p_meet.as_ref().unwrap().interval;
        i[1] - i[0]
    };
    assert_eq!(a.p_meet.as_ref().unwrap().estimate, b.p_meet.as_ref().unwrap().estimate);
    assert!(width(&b) > width(&a));
    assert_eq!(b.confidence, 0.999);
}

#[test]
fn a_required_probability_outside_zero_one_is_refused_with_its_path() {
    let base = load("scenarios/community-training-premium-zr.toml");
    let e = base
        .with(&[Override::set("targets.control_plane.rpo_probability", 1.5.into())])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("targets.control_plane.rpo_probability") && e.contains("(0, 1]"),
        "{e}"
    );
    let text =
        std::fs::read_to_string(repo("scenarios/zone-outage-drill.toml")).unwrap() + "\n[targets]\nconfidence = 1.0\n";
    let e = outage_sim::scenario::from_source(&text, &repo("x.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("targets.confidence") && e.contains("(0, 1)"), "{e}");
}
