//! Every shipped scenario loads, runs, and shows what it is meant to show.

use super::common::{load, repo, run_with, with, with_reps};
use outage_sim::model::DataPlaneMode;
use outage_sim::model::Plane;
use outage_sim::model::Sku;
use outage_sim::montecarlo::Summary;
use outage_sim::scenario::{self, Override};

#[test]
fn every_shipped_scenario_loads_and_runs() {
    let mut files: Vec<_> = ["scenarios", "scenarios/validation"]
        .iter()
        .flat_map(|d| std::fs::read_dir(repo(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for f in files {
        let s = scenario::load(&f).unwrap_or_else(|e| panic!("{e}"));
        let s = with_reps(&s, s.replications.min(200));
        let stats = run_with(&s, None);
        assert_eq!(stats.replications, s.replications, "{}", f.display());
        // Round trip: the canonical TOML (every default written out) loads back to itself.
        let again = scenario::from_source(&s.to_toml(), &f).unwrap();
        assert_eq!(again.to_toml(), s.to_toml(), "{}", f.display());
        assert_eq!(again.hash(), s.hash(), "{}", f.display());
    }
}

#[test]
fn embedded_default_is_the_shipped_premium_zone_redundant_file() {
    let d = scenario::default_scenario();
    let f = load("scenarios/community-training-premium-zr.toml");
    assert_eq!(d.hash(), f.hash());
    assert_eq!(d.region.name, "East US");
    assert_eq!(d.pair.name, "West US");
    assert_eq!(d.sku, Sku::Premium);
    assert_eq!(d.data_plane, DataPlaneMode::ZoneRedundant);
    assert!(d.disaster_recovery);
}

#[test]
fn zone_redundant_loses_no_data_and_zonal_does_on_zone_destruction() {
    // Make destruction common enough to see within the run, and keep recoveries into the pair
    // out of it (region disasters too rare to see, and only they trigger a recovery): a zone
    // incident recovered from geo-backups in the pair loses data in any design.
    let common = |file: &str| {
        let s = load(file);
        let i = s.failures.iter().position(|f| f.name == "zone-destroyed").unwrap();
        let r = s.failures.iter().position(|f| f.name == "region-disaster").unwrap();
        with(
            &s,
            &[
                Override::replications(2000),
                Override::set(format!("failures[{i}].time_to_failure"), "exp(mean=2y)".into()),
                Override::set(format!("failures[{r}].time_to_failure"), "exp(mean=100000y)".into()),
                Override::set("recovery.trigger", "region-disaster".into()),
            ],
        )
    };
    let zr = common("scenarios/community-training-premium-zr.toml");
    let zonal = common("scenarios/community-training-standard-zonal.toml");
    let zr = Summary::new(&zr, &run_with(&zr, None));
    let zonal = Summary::new(&zonal, &run_with(&zonal, None));
    let data = Plane::Data;
    assert_eq!(zr.zone_incidents[data].rpo.unwrap().max, 0.0);
    let rpo = zonal.zone_incidents[data].rpo.unwrap();
    assert!(rpo.max > 0.0, "zonal: a destroyed zone loses data");
    // Data-plane stores back up at most every hour with a 15 min lag: any RPO beyond that comes
    // only from failed backups, each adding one interval.
    assert!(rpo.max <= 6.0 * 3600.0, "{rpo:?}");
}

#[test]
fn zone_outage_drill_gives_one_brief_failover_per_plane() {
    let s = load("scenarios/zone-outage-drill.toml");
    let sum = Summary::new(&s, &run_with(&s, None));
    for (plane, p) in sum.zone_incidents.iter() {
        assert_eq!(p.incidents, s.replications, "{plane:?}");
        assert_eq!(p.failover_incidents, p.incidents);
        let rto = p.rto.unwrap();
        // Failover windows of the kinds involved are at most 60 s (App Service).
        assert!(rto.max <= 60.0 && rto.min >= 10.0, "{rto:?}");
        assert_eq!(p.rpo.unwrap().max, 0.0);
    }
    // The data plane's window is the longest of web U(10,60), sql U(5,30), storage U(1,5):
    // E[max] computed exactly by integrating P(max > x), compared within 4 SE.
    let rto = sum.zone_incidents[Plane::Data].rto.unwrap();
    let cdf = |x: f64, a: f64, b: f64| ((x - a) / (b - a)).clamp(0.0, 1.0);
    let steps = 600_000;
    let exact: f64 = (0..steps)
        .map(|i| {
            let x = (i as f64 + 0.5) * 60.0 / steps as f64;
            1.0 - cdf(x, 10.0, 60.0) * cdf(x, 5.0, 30.0) * cdf(x, 1.0, 5.0)
        })
        .sum::<f64>()
        * 60.0
        / steps as f64;
    let se = rto.std_error.unwrap();
    assert!(
        (rto.mean - exact).abs() <= 4.0 * se,
        "mean {} exact {exact} se {se}",
        rto.mean
    );
}

#[test]
fn zonal_deployment_has_partial_and_complete_disruptions() {
    // A storage outage in the zonal deployment's zone takes the media features down while quizzes
    // (web + sql) stay up: a partial disruption. A whole-zone outage takes every data-plane feature.
    use outage_sim::model;
    let s = load("scenarios/community-training-standard-zonal.toml");
    let model = model::Model::new(&s);
    let data_features: u64 = s
        .features
        .iter()
        .enumerate()
        .filter(|(_, f)| f.plane == Plane::Data)
        .fold(0, |m, (i, _)| m | 1 << i);
    let idx = |name: &str| s.features.iter().position(|f| f.name == name).unwrap();
    let (mut partial_media, mut complete) = (0, 0);
    for rep in 0..300 {
        for inc in model.simulate(rep).incidents.iter().filter(|i| i.plane == Plane::Data) {
            let down = inc.features_down;
            if down == data_features {
                complete += 1;
            } else if down & (1 << idx("media-playback")) != 0 && down & (1 << idx("quizzes")) == 0 {
                partial_media += 1;
            }
        }
    }
    assert!(
        partial_media > 0 && complete > 0,
        "partial {partial_media}, complete {complete}"
    );
}
