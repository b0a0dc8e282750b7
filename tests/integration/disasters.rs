//! Regional disasters through the whole model: the shipped drills show what they claim.

use super::common::{bin, load, repo, run_with, with};
use outage_sim::model::Plane;
use outage_sim::montecarlo::RegionDisasterSummary;
use outage_sim::montecarlo::Summary;
use outage_sim::scenario::{Override, Plan};

fn disasters(s: &Plan) -> RegionDisasterSummary {
    Summary::new(s, &run_with(s, None))
        .region_disasters
        .expect("the scenario has region disasters")
}

fn with_reps(file: &str, n: u64) -> Plan {
    super::common::with_reps(&load(file), n)
}

#[test]
fn premium_restores_the_data_plane_sooner_than_standard() {
    // Same streams, same stages; only the database restore differs: 200 GB at 100 GB/h (2 h) or
    // 25 GB/h (8 h), in parallel with a 4.4 h storage copy. Where DR wins in both, the data plane
    // of Standard is back exactly 8 h − 4.44 h later.
    let premium = disasters(&with_reps("scenarios/region-disaster-drill.toml", 2000));
    let standard = disasters(&with_reps("scenarios/region-disaster-drill-standard.toml", 2000));
    let (p, s) = (&premium.planes[Plane::Data], &standard.planes[Plane::Data]);
    let (pr, sr) = (p.rto.unwrap(), s.rto.unwrap());
    let se = (pr.std_error.unwrap().powi(2) + sr.std_error.unwrap().powi(2)).sqrt();
    assert!(
        sr.mean - pr.mean > 4.0 * se,
        "standard {} vs premium {}",
        sr.mean,
        pr.mean
    );
    let storage = 2000.0 * 8000.0 / 1000.0;
    assert!(
        (sr.p50 - pr.p50 - (8.0 * 3600.0 - storage)).abs() < 0.01 * sr.p50,
        "{} {}",
        sr.p50,
        pr.p50
    );
    // The control plane does not depend on the SKU.
    assert_eq!(premium.planes[Plane::Control].rto, standard.planes[Plane::Control].rto);
}

#[test]
fn without_managed_dr_the_data_plane_waits_and_destroyed_data_is_lost() {
    let s = with_reps("scenarios/dr-disabled.toml", 500);
    let d = disasters(&s);
    let data = &d.planes[Plane::Data];
    assert_eq!(data.failed_over, 0);
    assert_eq!(data.data_lost, d.disasters);
    let rto = data.rto.unwrap();
    assert_eq!(
        (rto.min, rto.max),
        (5.0 * 86_400.0, 5.0 * 86_400.0),
        "waits for the 5-day outage"
    );
    assert_eq!(data.p_meet_rto.unwrap().successes, 0);
    assert_eq!(data.p_meet_rpo.unwrap().successes, 0);
    // The control plane still fails over to the pair (read-only) in most disasters.
    assert!(d.planes[Plane::Control].failed_over > d.disasters * 9 / 10);
}

#[test]
fn contention_in_the_pair_stretches_the_data_plane_rto() {
    let calm = disasters(&with_reps("scenarios/region-disaster-drill.toml", 2000));
    let crunch = disasters(&with_reps("scenarios/capacity-crunch.toml", 2000));
    let (a, b) = (
        calm.planes[Plane::Data].p_meet_rto.unwrap(),
        crunch.planes[Plane::Data].p_meet_rto.unwrap(),
    );
    eprintln!(
        "P(data-plane RTO <= 48 h): drill {:?}, crunch {:?}",
        a.wilson95, b.wilson95
    );
    assert!(b.wilson95[1] < a.wilson95[0], "intervals do not overlap");
    assert!(crunch.planes[Plane::Data].rto.unwrap().mean > calm.planes[Plane::Data].rto.unwrap().mean);
}

#[test]
fn the_drills_recovery_plan_passes_its_gate_and_the_crunch_fails_the_same_gate() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["check", "-q", "--replications", "2000", "--out"])
        .arg(dir.path())
        .arg(repo("scenarios/region-disaster-drill.toml"))
        .assert()
        .code(0);
    let gate = "\n[expect]\n\"region_disasters.data_plane.p_meet_rto\" = \">= 0.95\"\n";
    let crunch = std::fs::read_to_string(repo("scenarios/capacity-crunch.toml")).unwrap() + gate;
    let file = dir.path().join("crunch.toml");
    std::fs::write(&file, crunch).unwrap();
    let a = bin()
        .args(["check", "-q", "--replications", "2000", "--out"])
        .arg(dir.path())
        .arg(&file)
        .assert()
        .code(1);
    let out = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        out.contains("region_disasters.data_plane.p_meet_rto") && out.contains("fail"),
        "{out}"
    );
}

#[test]
fn data_plane_rto_grows_with_the_number_of_competing_tenants() {
    let mut last: Option<(f64, f64)> = None;
    for tenants in [1, 40, 120] {
        let s = with(
            &with_reps("scenarios/capacity-crunch.toml", 2000),
            &[Override::set(
                "recovery.capacity.tenants",
                toml::Value::Integer(tenants),
            )],
        );
        let rto = disasters(&s).planes[Plane::Data].rto.unwrap();
        let (mean, se) = (rto.mean, rto.std_error.unwrap());
        eprintln!(
            "{tenants} tenants: data-plane RTO mean {:.2} h ± {:.2}",
            mean / 3600.0,
            se / 3600.0
        );
        if let Some((m, e)) = last {
            assert!(
                mean - m > 4.0 * (se * se + e * e).sqrt(),
                "{tenants} tenants: {mean} vs {m}"
            );
        }
        last = Some((mean, se));
    }
}
