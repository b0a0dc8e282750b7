//! The metric catalogue and `summary.json` name the same things: every shipped scenario is run
//! briefly, and
//! - every catalogue path resolves (a number, or an object's `estimate`) in at least one of the
//!   summaries, to the value `montecarlo::estimate` gives for it;
//! - every number of every summary is a catalogue path, a field of a catalogue object (its
//!   `ci95`, `std_error`, ...), or one of [`NOT_METRICS`].

use super::common::{load, repo, run_with};
use outage_sim::model::Scenario;
use outage_sim::model::clients::FinalStatus;
use outage_sim::model::metric::catalogue_of;
use outage_sim::montecarlo::{self, Summary};
use outage_sim::scenario::{FieldPath, PathStep};
use serde_json::Value;
use std::collections::BTreeSet;

/// Numbers of `summary.json` that are not metrics: run settings, targets, counts, and the parts of
/// a duration summary that are not statistics one gates on. A segment is a key, `{a,b}` one of
/// those keys, `<plane>` a plane's key, `<feature>` a feature of the scenario, `<status>` a
/// client final status. There is no wildcard: a new number must be named here or in the catalogue.
const NOT_METRICS: &[&str] = &[
    "schema_version",
    "seed",
    "replications",
    "horizon_s",
    "warmup_s",
    "events_per_replication",
    "zone_incidents.<plane>.{target_rpo_s,target_rto_s,incidents,failover_incidents,outage_incidents,censored_incidents}",
    "objectives.<plane>.{rto,rpo}.{zone_incidents,region_disasters,all}.{target_s,required_probability,confidence}",
    "zone_incidents.<plane>.{rto,rpo}.{count,std_dev,std_error}",
    "critical_path.<plane>.incidents",
    "critical_path.<plane>.{rto_misses,rpo_misses}.count",
    "clients.{population,sample,scale,episodes,logical_requests,attempts,throttled_attempts,not_reconnected,overload_cut_off}",
    "clients.reconnect_survival.{subjects,events,censored}",
    "clients.region_disasters.reconnect_survival.{subjects,events,censored}",
    "clients.failures_by_status.<status>",
    "clients.failures_by_feature.<feature>.{logical_requests,failed}",
    "clients.{latency,reconnect,overloaded_after_trigger}.{count,std_dev,std_error}",
    "clients.region_disasters.{episodes,logical_requests,not_reconnected}",
    "clients.region_disasters.failures_by_status.<status>",
    "clients.region_disasters.failures_by_feature.<feature>.{logical_requests,failed}",
    "clients.region_disasters.reconnect.{count,std_dev,std_error}",
    "region_disasters.{disasters,dr_started,destroyed}",
    "region_disasters.<plane>.{target_rpo_s,target_rto_s,failed_over,censored,data_lost}",
    "region_disasters.<plane>.{rto,rpo}.{count,std_dev,std_error}",
    "region_disasters.{control_plane_read_only,control_plane_full,media_unavailable,uploads_at_risk}.{count,std_dev,std_error}",
    "importance_sampling.region_disaster_rate_factor",
    "importance_sampling.<plane>.{target_rto_s,target_rpo_s}",
    "stopping.{target_half_width,achieved_half_width,replications}",
];

/// The keys of a path, unquoted.
fn keys(path: &str) -> Vec<String> {
    FieldPath::parse(path)
        .0
        .into_iter()
        .map(|s| match s {
            PathStep::Key(k) => k,
            PathStep::Index(i) => panic!("metric paths have no index: {path} [{i}]"),
        })
        .collect()
}

fn node<'a>(v: &'a Value, keys: &[String]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |n, k| n.get(k.as_str()))
}

/// The value of a path by the resolution rule: a number, or an object's `estimate`.
fn resolve(v: &Value, path: &str) -> Option<f64> {
    let n = node(v, &keys(path))?;
    match n {
        Value::Object(o) => o.get("estimate")?.as_f64(),
        _ => n.as_f64(),
    }
}

/// Whether `leaf` matches a [`NOT_METRICS`] pattern in scenario `s`.
fn not_a_metric(leaf: &[String], s: &Scenario) -> bool {
    NOT_METRICS.iter().any(|pattern| {
        let segments: Vec<&str> = pattern.split('.').collect();
        segments.len() == leaf.len()
            && segments.iter().zip(leaf).all(|(seg, key)| match *seg {
                "<plane>" => key == "control_plane" || key == "data_plane",
                "<feature>" => s.features.iter().any(|f| f.name == *key),
                "<status>" => FinalStatus::NAMES.contains(&key.as_str()),
                alternatives if alternatives.starts_with('{') => {
                    alternatives.trim_matches(['{', '}']).split(',').any(|a| a == key)
                }
                literal => literal == key,
            })
    })
}

/// Every number (or array of numbers, such as an interval) of `v`, by key path.
fn numeric_leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                path.push(k.clone());
                numeric_leaves(child, path, out);
                path.pop();
            }
        }
        Value::Number(_) => out.push(path.clone()),
        // An interval, a side `null` where it is unbounded (a Kaplan–Meier quantile's).
        Value::Array(items) if items.iter().all(|v| v.is_number() || v.is_null()) => out.push(path.clone()),
        Value::Array(items) => panic!(
            "{}: summary.json has no arrays of objects, got {items:?}",
            path.join(".")
        ),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

#[test]
fn every_catalogue_path_resolves_and_every_number_of_summary_json_is_named() {
    let mut files: Vec<_> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    // No shipped scenario combines clients and a regional disaster; this test scenario does.
    files.push(repo("tests/data/region-disaster-clients.toml"));
    assert!(files.len() >= 10, "{files:?}");
    let mut listed = BTreeSet::new();
    let mut resolved = BTreeSet::new();
    for f in files {
        let rel = f.strip_prefix(repo(".")).unwrap().to_str().unwrap().to_string();
        let s = load(&rel);
        // Clients make a replication ~1000 times dearer; a drill shows every path in a few.
        let n = if s.clients.is_some() { 8 } else { 200 };
        let s = super::common::with_reps(&s, s.replications.min(n));
        let stats = run_with(&s, None);
        let summary = Summary::new(&s, &stats);
        // Straight to a value, not through text: serde_json's default parser may be one ulp off.
        let json = serde_json::to_value(&summary).unwrap();
        let defs = catalogue_of(&s);
        for d in &defs {
            listed.insert(d.path.clone());
            let value = resolve(&json, &d.path);
            let estimate = montecarlo::estimate(&d.metric, &stats, &summary);
            if let Some(e) = estimate {
                assert_eq!(value, Some(e.value), "{rel}: {} resolves to another value", d.path);
            }
            if value.is_some() {
                resolved.insert(d.path.clone());
            } else {
                assert_eq!(estimate, None, "{rel}: {} has an estimate but no value", d.path);
            }
        }
        let catalogued: Vec<Vec<String>> = defs.iter().map(|d| keys(&d.path)).collect();
        let mut leaves = Vec::new();
        numeric_leaves(&json, &mut Vec::new(), &mut leaves);
        for leaf in leaves {
            let named = catalogued.contains(&leaf)
                || (catalogued.contains(&leaf[..leaf.len() - 1].to_vec())
                    && node(&json, &leaf[..leaf.len() - 1]).is_some_and(Value::is_object))
                || not_a_metric(&leaf, &s);
            assert!(
                named,
                "{rel}: {} is a number of summary.json that is neither a metric path nor listed as not one",
                leaf.join(".")
            );
        }
    }
    // Every section's paths, and the features of every scenario.
    assert!(listed.len() > 130, "{} paths", listed.len());
    let unresolved: Vec<&String> = listed.difference(&resolved).collect();
    assert!(
        unresolved.is_empty(),
        "catalogue paths with a value in no shipped scenario: {unresolved:?}"
    );
}

#[test]
fn not_metrics_patterns_match_whole_keys_only() {
    let s = load("scenarios/retry-storm.toml");
    let k = |p: &str| p.split('.').map(str::to_string).collect::<Vec<_>>();
    assert!(not_a_metric(&k("zone_incidents.data_plane.rto.count"), &s));
    assert!(not_a_metric(&k("clients.failures_by_status.409"), &s));
    assert!(not_a_metric(&k("clients.failures_by_feature.browse-learn.failed"), &s));
    assert!(!not_a_metric(&k("zone_incidents.data_plane.rto.p95"), &s));
    assert!(!not_a_metric(&k("zone_incidents.web_plane.rto.count"), &s));
    assert!(!not_a_metric(
        &k("clients.failures_by_feature.no-such-feature.failed"),
        &s
    ));
    assert!(!not_a_metric(&k("seed.extra"), &s));
}
