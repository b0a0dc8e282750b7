//! Committed baselines: `results/baseline/<scenario>/summary.json` for each shipped scenario at
//! its own seed and replication count. A run that no longer reproduces one byte for byte fails.
//! To update them on purpose (a deliberate model change), run
//! `UPDATE_BASELINES=1 cargo test --release --test integration baselines` and commit the diff.
//!
//! Summary schema 2 moved values to new paths without changing any: `tests/data/summary-v1`
//! holds summaries written in schema 1 (the baselines as they were, and runs of 300 replications
//! with `--summary-only` of scenarios with clients, regional disasters and importance sampling),
//! and every number of them must sit, unchanged, at its new path ([`MOVES`]) in the summary the
//! same run gives now. That check runs before a baseline is updated, too: it pins the numbers as
//! of the schema change, so a deliberate model change that moves them retires it (remove
//! `tests/data/summary-v1/` and the schema-1 checks here in the same commit; git keeps the proof).

use super::common::{load, repo, summary_json};
use outage_sim::model::Plane;
use outage_sim::scenario::{FieldPath, Override, PathStep};
use serde_json::Value;

/// Where the values of a schema-1 `summary.json` sit in schema 2. In an old path `[]` is an
/// element of an array of objects; the new path names it by `{key}`: its `name`, else its
/// `status`, else its plane's key (`control` → `control_plane`). An entry ending in `.` moves
/// everything under it; the first entry that matches wins. A path no entry matches kept its
/// place.
const MOVES: &[(&str, &str)] = &[
    ("availability.features[].availability", "availability.{key}.estimate"),
    ("availability.features[].", "availability.{key}."),
    ("availability.planes[].availability", "availability.{key}.estimate"),
    ("availability.planes[].", "availability.{key}."),
    (
        "zone_incidents[].incidents_per_replication_se",
        "zone_incidents.{key}.incidents_per_replication.std_error",
    ),
    (
        "zone_incidents[].incidents_per_replication",
        "zone_incidents.{key}.incidents_per_replication.estimate",
    ),
    ("zone_incidents[].", "zone_incidents.{key}."),
    (
        "region_disasters.per_replication",
        "region_disasters.per_replication.estimate",
    ),
    ("region_disasters.planes[].", "region_disasters.{key}."),
    (
        "clients.failures_by_status[].failed",
        "clients.failures_by_status.{key}",
    ),
    ("clients.failures_by_feature[].", "clients.failures_by_feature.{key}."),
    // Issue 14, item 5: the request shares' interval is from the between-replication variance,
    // no longer Wilson's on the request count.
    (
        "clients.user_visible_failures.wilson95",
        "clients.user_visible_failures.ci95",
    ),
    ("importance_sampling.planes[].", "importance_sampling.{key}."),
];

/// Fields that named an array element in schema 1 and are its key now.
const IDENTITY: [&str; 3] = ["name", "status", "plane"];

/// A value of the old file: its path (`[]` for array elements), the key of the innermost
/// element, and the value.
struct Leaf {
    path: String,
    key: Option<String>,
    value: Value,
}

/// Every number, array of numbers and string of a schema-1 summary, bar the element names.
fn leaves(v: &Value, path: &str, key: Option<&str>, out: &mut Vec<Leaf>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if !(key.is_some() && IDENTITY.contains(&k.as_str())) {
                    leaves(child, &join(k), key, out);
                }
            }
        }
        // Nothing to move (e.g. no feature saw client requests).
        Value::Array(items) if items.is_empty() => {}
        Value::Array(items) if items.iter().all(Value::is_object) => {
            for item in items {
                let k = element_key(item);
                leaves(item, &format!("{path}[]"), Some(&k), out);
            }
        }
        Value::Null | Value::Bool(_) => {}
        _ => out.push(Leaf {
            path: path.to_string(),
            key: key.map(str::to_string),
            value: v.clone(),
        }),
    }
}

fn element_key(item: &Value) -> String {
    for field in ["name", "status"] {
        if let Some(k) = item[field].as_str() {
            return k.to_string();
        }
    }
    let plane = item["plane"]
        .as_str()
        .unwrap_or_else(|| panic!("an element without a key: {item}"));
    Plane::ALL
        .into_iter()
        .find(|p| p.key().strip_suffix("_plane") == Some(plane))
        .unwrap_or_else(|| panic!("unknown plane {plane}"))
        .key()
        .to_string()
}

/// The schema-2 path of an old leaf.
fn moved(leaf: &Leaf) -> String {
    let key = |new: &str| match &leaf.key {
        // Written as in a metric path, so a feature name with a dot stays one key.
        Some(k) => new.replace("{key}", &outage_sim::scenario::quote_key(k)),
        None => new.to_string(),
    };
    for (old, new) in MOVES {
        if old.ends_with('.') {
            if let Some(rest) = leaf.path.strip_prefix(old) {
                return format!("{}{rest}", key(new));
            }
        } else if leaf.path == *old {
            return key(new);
        }
    }
    assert!(!leaf.path.contains("[]"), "no move for {}", leaf.path);
    leaf.path.clone()
}

/// The node at a metric-style path.
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    FieldPath::parse(path).0.iter().try_fold(v, |node, step| match step {
        PathStep::Key(k) => node.get(k.as_str()),
        PathStep::Index(i) => node.get(i),
    })
}

/// Every value of `old` (schema 1) has a node at its new path in `new` (schema 2 and later, which
/// only added sections), of the same
/// JSON type. (Until issue 13 the values were also unchanged; its recoveries after any detected
/// outage changed simulated values on purpose, so only the paths are checked now.)
fn schema_1_values_sit_at_their_new_paths(label: &str, old: &[u8], new: &[u8]) {
    let old: Value = serde_json::from_slice(old).unwrap();
    let new: Value = serde_json::from_slice(new).unwrap();
    assert_eq!(new["schema_version"], outage_sim::montecarlo::SCHEMA_VERSION, "{label}");
    let mut found = Vec::new();
    leaves(&old, "", None, &mut found);
    assert!(found.len() > 50, "{label}: {} values", found.len());
    for leaf in &found {
        let path = moved(leaf);
        let got = at(&new, &path).unwrap_or_else(|| panic!("{label}: {} -> {path}: missing", leaf.path));
        if path == "scenario.hash" {
            // The hash is of the canonical form, which now writes out every default (the values
            // a run uses did not change, the text hashed did): it must still be a hash.
            assert!(got.as_str().is_some_and(|h| h.starts_with("sha256:")), "{label}: {got}");
            continue;
        }
        let kind = |v: &Value| match v {
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Bool(_) => "bool",
            Value::Null => "null",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        // A statistic may be null where a run had no data for it (and a number in another run).
        if !got.is_null() && !leaf.value.is_null() {
            assert_eq!(kind(got), kind(&leaf.value), "{label}: {} -> {path}", leaf.path);
        }
    }
}

fn check(rel: &str) {
    let s = load(rel);
    let got = summary_json(&s, None);
    let path = repo(&format!("results/baseline/{}/summary.json", s.name));
    let v1 = repo(&format!("tests/data/summary-v1/{}.json", s.name));
    schema_1_values_sit_at_their_new_paths(&s.name, &std::fs::read(&v1).unwrap(), &got);
    if std::env::var_os("UPDATE_BASELINES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (see this file's doc to create it)", path.display()));
    if got != want {
        panic!(
            "{} no longer reproduces {}.\nIf the change is deliberate, update the baselines (see tests/integration/baselines.rs).\n--- got ---\n{}",
            rel,
            path.display(),
            String::from_utf8_lossy(&got)
        );
    }
}

#[test]
fn premium_zone_redundant_reproduces_its_baseline() {
    check("scenarios/community-training-premium-zr.toml");
}

#[test]
fn standard_zonal_reproduces_its_baseline() {
    check("scenarios/community-training-standard-zonal.toml");
}

#[test]
fn zone_outage_drill_reproduces_its_baseline() {
    check("scenarios/zone-outage-drill.toml");
}

/// The sections the baselines do not have: clients, regional disasters under drills, importance
/// sampling. Each file is `outage-sim run --replications 300 --summary-only` of the scenario.
#[test]
fn schema_1_summaries_of_every_section_keep_their_paths_in_the_current_schema() {
    for name in [
        "retry-storm-budgeted",
        "region-disaster-drill",
        "region-disaster-lifetime",
    ] {
        let s = super::common::with(
            &load(&format!("scenarios/{name}.toml")),
            &[Override::replications(300), Override::no_replication_rows()],
        );
        let old = std::fs::read(repo(&format!("tests/data/summary-v1/summary-only-300/{name}.json"))).unwrap();
        schema_1_values_sit_at_their_new_paths(name, &old, &summary_json(&s, None));
    }
}

#[test]
fn moves_name_keys_as_metric_paths_do() {
    let leaf = |path: &str, key: &str| Leaf {
        path: path.into(),
        key: Some(key.into()),
        value: Value::Null,
    };
    assert_eq!(
        moved(&leaf("availability.features[].availability", "web.api")),
        "availability.\"web.api\".estimate"
    );
    assert_eq!(
        moved(&leaf("zone_incidents[].rto.p95", "data_plane")),
        "zone_incidents.data_plane.rto.p95"
    );
    assert_eq!(
        moved(&leaf("clients.failures_by_status[].failed", "409")),
        "clients.failures_by_status.409"
    );
}
