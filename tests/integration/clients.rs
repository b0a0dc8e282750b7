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
        // In the storm, a few attempts in a million are throttled: those that find the backlog
        // at its cap (max_queue_delay), which each sampled retry overshoots by `scale` real
        // requests, so how often it happens depends on the sample's granularity (seen once the
        // storm was simulated to its end, issue 14). It is not a client metric one reads.
        if name == "throttled fraction" && file.ends_with("retry-storm.toml") {
            continue;
        }
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

/// Issue 14, item 5: in the storm most affected clients never reconnect. The summary says so
/// (their share, Kaplan–Meier quantiles not reached) instead of averaging over those that did,
/// and the overload, still on when the window reaches its cap, is flagged as cut off.
#[test]
fn the_storm_reports_censored_reconnects_and_a_cut_off_overload() {
    let storm = with_reps(&load("scenarios/retry-storm.toml"), 12);
    let c = summary(&storm).clients.unwrap();
    let k = c.reconnect_survival.unwrap();
    assert_eq!(k.censored, c.not_reconnected);
    assert_eq!(k.events, c.reconnect.as_ref().unwrap().count);
    assert!(k.censored_share > 0.8, "{k:?}");
    assert_eq!(k.p50.estimate, None, "the median is not reached: {k:?}");
    assert_eq!(k.p99.estimate, None);
    // The window extends past `after` (30 min) while the storm lasts: the overload is no longer
    // the simulated window's length...
    let over = c.overloaded_after_trigger.unwrap();
    assert!(over.p50 > 1.5 * 3600.0, "{over:?}");
    // ...and where it lasts to the cap (4 x after past the trigger) it is flagged.
    assert!(
        c.overload_cut_off > 0 && c.overload_cut_off <= over.count,
        "{}",
        c.overload_cut_off
    );
    // The budgeted twin recovers: nobody censored, no cut-off overload, quantiles reached.
    let calm = with_reps(&load("scenarios/retry-storm-budgeted.toml"), 12);
    let c = summary(&calm).clients.unwrap();
    let k = c.reconnect_survival.unwrap();
    assert_eq!((k.censored, c.overload_cut_off), (0, 0));
    assert!(k.p50.estimate.is_some() && k.p99.estimate.is_some(), "{k:?}");
}

/// A case where no client can reconnect: the zonal data plane's zone is down past the horizon
/// (and no recovery): every affected client is censored and every quantile is "not reached".
#[test]
fn no_client_reconnecting_is_all_censored_and_not_reached() {
    let s = with(
        &with_reps(&load("scenarios/retry-storm-budgeted.toml"), 4),
        &[
            Override::set("deployment.data_plane", toml::Value::String("zonal".into())),
            Override::set("deployment.disaster_recovery", toml::Value::Boolean(false)),
            Override::set("faults[0].zone", toml::Value::Integer(1)),
        ],
    );
    let c = summary(&s).clients.unwrap();
    let k = c.reconnect_survival.unwrap();
    assert!(k.subjects > 0);
    assert_eq!((k.events, k.censored, k.censored_share), (0, k.subjects, 1.0), "{k:?}");
    for q in [k.p50, k.p90, k.p99] {
        assert_eq!((q.estimate, q.ci95), (None, [None, None]));
    }
    let table = outage_sim::report::render_table(&summary(&s));
    assert!(
        table.contains("p50 not reached  p90 not reached  p99 not reached"),
        "{table}"
    );
}

/// User-perceived availability against an oracle. With no retries (preset `none`) and no
/// overload, a request fails exactly when it arrives during the failover window, which is the
/// data plane's incident. Arrivals are Poisson at a constant rate over [trigger − before,
/// trigger end + after], so the expected share of requests that succeed is
/// 1 − Σ Tᵢ / Σ (before + Tᵢ + after), with Tᵢ each replication's incident length (its RTO). The
/// estimate must be within 4 standard errors (its between-replication SE) of it, overall and per
/// feature; and the summary's counts must equal 1 − failed/all summed from the replications.
#[test]
fn user_perceived_availability_matches_the_failover_windows() {
    let s = with(
        &with_reps(&load("scenarios/retry-storm-budgeted.toml"), 200),
        &[Override::set(
            "clients.retry.preset",
            toml::Value::String("none".into()),
        )],
    );
    let (mut windows, mut exposure) = (0.0, 0.0);
    let (mut failed, mut logical) = (vec![0u64; s.features.len()], vec![0u64; s.features.len()]);
    let options = RunOptions {
        keep_outcomes: true,
        shard: None,
        ..RunOptions::default()
    };
    let cm = s.clients.clone().unwrap();
    montecarlo::run(&s, &options, |o| {
        let t: f64 = o
            .incidents
            .iter()
            .filter(|i| i.plane == outage_sim::model::Plane::Data)
            .map(|i| i.rto().as_secs_f64())
            .sum();
        windows += t;
        exposure += cm.before.as_secs_f64() + t + cm.after.as_secs_f64();
        let c = o.clients.as_ref().unwrap();
        for i in 0..failed.len() {
            failed[i] += c.failed_by_feature[i];
            logical[i] += c.logical_by_feature[i];
        }
        Ok::<(), ()>(())
    })
    .unwrap();
    let expected = 1.0 - windows / exposure;
    let c = summary(&s).clients.unwrap();
    let overall = c.user_visible_failures.unwrap();
    let se = overall.std_error.unwrap();
    eprintln!("succeeded {} (SE {se}), expected {expected}", 1.0 - overall.estimate);
    assert!(
        ((1.0 - overall.estimate) - expected).abs() <= 4.0 * se,
        "{overall:?} vs {expected}"
    );
    for (i, f) in s.features.iter().enumerate() {
        let p = c.user_perceived_availability.get(&f.name).unwrap();
        assert_eq!(p.trials, logical[i]);
        assert_eq!(p.estimate, 1.0 - failed[i] as f64 / logical[i] as f64);
        let se = p.std_error.unwrap();
        assert!(
            (p.estimate - expected).abs() <= 4.0 * se,
            "{}: {p:?} vs {expected}",
            f.name
        );
        assert!(p.ci95[0] < p.estimate && p.estimate < p.ci95[1]);
    }
}
