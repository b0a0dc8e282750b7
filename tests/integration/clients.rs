//! Clients and retries end to end: the retry storm and its budgeted twin, sample-size
//! invariance, determinism with clients, and the cost of not retrying 409.

use super::common::{load, run_with, summary_json, with, with_reps};
use outage_sim::montecarlo::Summary;
use outage_sim::montecarlo::{self, RunOptions};
use outage_sim::scenario::{Override, Plan};

fn summary(s: &Plan) -> Summary {
    Summary::new(s, &run_with(s, None))
}

#[test]
fn unbudgeted_retries_keep_the_web_tier_overloaded_and_budgeted_ones_recover() {
    let storm = load("scenarios/retry-storm.toml");
    let calm = load("scenarios/retry-storm-budgeted.toml");
    let (a, b) = (summary(&storm), summary(&calm));
    let (a, b) = (a.clients.unwrap(), b.clients.unwrap());
    let over_a = a.overloaded_after_trigger.unwrap();
    let over_b = b.overloaded_after_trigger.unwrap();
    eprintln!("storm: overloaded {:?} amplification {}", over_a, a.retry_amplification);
    eprintln!(
        "budgeted: overloaded {:?} amplification {}",
        over_b, b.retry_amplification
    );
    // The storm outlives the failover by most of the 30 minutes simulated after it...
    assert!(over_a.p50 > 15.0 * 60.0, "{over_a:?}");
    // ...while the budgeted clients leave the service overloaded for at most a minute.
    assert!(over_b.max < 60.0, "{over_b:?}");
    assert!(a.retry_amplification > 4.0 && b.retry_amplification < 1.5);
    let failed = |c: &outage_sim::montecarlo::ClientsSummary| c.user_visible_failures.as_ref().unwrap().estimate;
    assert!(failed(&a) > 10.0 * failed(&b));
}

#[test]
fn presets_that_do_not_retry_409_show_it_to_users() {
    let calm = summary(&load("scenarios/retry-storm-budgeted.toml")).clients.unwrap();
    let conflicts = *calm.failures_by_status.get("409").unwrap();
    assert!(
        conflicts > 0,
        "aws-standard does not retry 409: failover 409s reach users"
    );
}

/// A per-replication client metric.
type Metric = fn(&outage_sim::model::clients::ClientOutcome) -> f64;

/// Mean and standard error over replications of a per-replication ratio.
fn per_replication(
    s: &outage_sim::model::Scenario,
    f: impl Fn(&outage_sim::model::clients::ClientOutcome) -> f64,
) -> (f64, f64) {
    let mut xs = Vec::new();
    let options = RunOptions {
        keep_outcomes: true,
        shard: None,
        ..RunOptions::default()
    };
    montecarlo::run(s, &options, |o| {
        xs.push(f(o.clients.as_ref().unwrap()));
        Ok::<(), ()>(())
    })
    .unwrap();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn doubling_the_client_sample_moves_metrics_only_within_their_error() {
    for (file, reps) in [
        ("scenarios/retry-storm-budgeted.toml", 200),
        ("scenarios/retry-storm.toml", 100),
    ] {
        doubling(file, reps);
    }
}

fn doubling(file: &str, reps: u64) {
    let small = with_reps(&load(file), reps);
    let sample = small.clients.as_ref().unwrap().sample;
    let large = with(
        &small,
        &[Override::set(
            "clients.sample",
            toml::Value::Integer(2 * i64::from(sample)),
        )],
    );
    assert_eq!(
        large.clients.as_ref().unwrap().scale,
        small.clients.as_ref().unwrap().scale / 2.0
    );
    let metrics: [(&str, Metric); 4] = [
        ("failure fraction", |c| c.failed() as f64 / c.logical as f64),
        ("amplification", |c| c.attempts as f64 / c.logical as f64),
        ("throttled fraction", |c| c.throttled as f64 / c.attempts as f64),
        ("overloaded after trigger (s)", |c| {
            c.overloaded_after_trigger as f64 / 1e6
        }),
    ];
    for (name, f) in metrics {
        let (m1, se1) = per_replication(&small, f);
        let (m2, se2) = per_replication(&large, f);
        let se = (se1 * se1 + se2 * se2).sqrt();
        eprintln!("{file} {name}: sample x1 {m1:.5} ± {se1:.5}, x2 {m2:.5} ± {se2:.5}");
        assert!((m1 - m2).abs() <= 4.0 * se.max(1e-12), "{name}: {m1} vs {m2} (SE {se})");
    }
}

#[test]
fn summaries_with_clients_are_identical_across_thread_counts() {
    let s = with_reps(&load("scenarios/retry-storm.toml"), 12);
    let one = summary_json(&s, Some(1));
    assert_eq!(one, summary_json(&s, Some(2)));
    assert!(String::from_utf8(one).unwrap().contains("\"clients\""));
}

#[test]
fn clients_through_a_regional_disaster() {
    // The region-disaster drill with clients (writes to admin-operations refused in the pair).
    let s = load("tests/data/region-disaster-clients.toml");
    let summary = summary(&s);
    let c = summary.clients.unwrap();
    let d = c.region_disasters.expect("a disaster in every replication");
    assert_eq!(d.episodes, s.replications);
    let status = |k: &str| *d.failures_by_status.get(k).unwrap();
    assert!(status("503") > 0 && status("403") > 0, "{:?}", d.failures_by_status);
    let feature = |k: &str| d.failures_by_feature.get(k).unwrap();
    // Audio/video fails for (nearly) the whole disaster; browsing only until the switch.
    let frac = |k: &str| feature(k).failed as f64 / feature(k).logical_requests as f64;
    assert!(frac("media-playback") > 0.9, "{}", frac("media-playback"));
    assert!(frac("browse-learn") < 0.5, "{}", frac("browse-learn"));
    let r = d.reconnect.expect("clients reconnect after the switch");
    assert!(r.min >= 0.0 && r.count > 0, "{r:?}");
    // The metric paths resolve.
    let json = String::from_utf8(summary_json(&s, Some(1))).unwrap();
    assert!(json.contains("\"region_disasters\""));
}
