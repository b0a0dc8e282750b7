//! `sweep`, `sensitivity` and `compare` end to end: outputs, determinism, bad input.

use super::common::{bin, repo};

#[test]
fn compare_is_identical_whatever_the_thread_count_and_pairing_narrows_the_interval() {
    let standard = repo("scenarios/community-training-standard-zonal.toml");
    let premium = repo("scenarios/community-training-premium-zr.toml");
    let json = |threads: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .args([
                "compare",
                "--replications",
                "2000",
                "--format",
                "json",
                "--threads",
                threads,
                "--out",
            ])
            .arg(dir.path())
            .args([&standard, &premium])
            .assert()
            .success();
        out.get_output().stdout.clone()
    };
    let one = json("1");
    assert_eq!(one, json("2"), "compare must not depend on the thread count");
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let diffs = v["differences"].as_array().unwrap();
    let data = diffs.iter().find(|d| d["metric"] == "availability.data_plane").unwrap();
    // Premium is zone-redundant, Standard zonal: B − A is positive, and on common random numbers
    // (the same zone failures in both) the paired interval is narrower than an independent one.
    assert!(data["paired_ci95"][0].as_f64().unwrap() > 0.0, "{data}");
    // (About 1.4x here: the zonal design's outages run their own recoveries into the pair, whose
    // timing the zone-redundant design never draws; before those, 2.7x.)
    assert!(data["narrowing"].as_f64().unwrap() > 1.0, "{data}");
    // The control plane is the same design in both, and each recovery draws from a stream keyed
    // by the failure that triggered it: every paired difference is exactly 0.
    let control = diffs
        .iter()
        .find(|d| d["metric"] == "availability.control_plane")
        .unwrap();
    assert_eq!(control["difference"], 0.0);
    assert_eq!(control["paired_ci95"], serde_json::json!([0.0, 0.0]));
}

/// Each quantity `compare` pairs is a catalogue metric, and its mean in A is that metric's value
/// in the summary of A run alone (the summary's mean is exact, compare's a running one).
#[test]
fn compare_quantities_are_the_summary_values_at_their_paths() {
    use super::common::{load, summary_json};
    use outage_sim::study::compare::compare;
    let a = super::common::with_reps(&load("scenarios/community-training-standard-zonal.toml"), 300);
    let b = load("scenarios/community-training-premium-zr.toml");
    let result = compare(&a, &b, &outage_sim::montecarlo::Runner::new(None)).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&summary_json(&a, None)).unwrap();
    let paths: Vec<&str> = result.differences.iter().map(|d| d.metric.as_str()).collect();
    for p in [
        "zone_incidents.data_plane.incidents_per_replication",
        "misses_per_replication.control_plane.rpo",
        "region_disasters.per_replication",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    for d in &result.differences {
        let node = outage_sim::scenario::FieldPath::parse(&d.metric)
            .0
            .iter()
            .try_fold(&summary, |node, step| match step {
                outage_sim::scenario::PathStep::Key(k) => node.get(k.as_str()),
                outage_sim::scenario::PathStep::Index(i) => node.get(i),
            })
            .unwrap_or_else(|| panic!("{} not in summary.json", d.metric));
        let value = node.get("estimate").unwrap_or(node).as_f64().unwrap();
        assert!(
            (value - d.a).abs() <= 1e-12 * value.abs().max(1.0),
            "{}: summary {value}, compare {}",
            d.metric,
            d.a
        );
    }
}

#[test]
fn sweep_writes_one_row_per_grid_point_in_grid_order() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args([
            "sweep",
            "-q",
            "--replications",
            "200",
            "--metric",
            "availability.data_plane",
            "--out",
        ])
        .arg(dir.path())
        .args(["--set", "failures[0].time_to_failure=exp(mean=2y),exp(mean=20y)"])
        .args(["--set", "services[2].instances_per_zone=1,2,3"])
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("community-training-premium-zr.sweep/sweep.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 6, "{csv}");
    assert!(
        rows[1].starts_with("exp(mean=2y),1,200,") && rows[6].starts_with("exp(mean=20y),3,200,"),
        "{csv}"
    );
    // Rarer zone failures (same seed: the same draws, scaled) leave the data plane more available.
    let availability = |row: &str| row.split(',').nth(3).unwrap().parse::<f64>().unwrap();
    assert!(availability(rows[4]) > availability(rows[1]), "{csv}");
}

#[test]
fn sensitivity_ranks_the_named_parameters_by_swing() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args([
            "sensitivity",
            "-q",
            "--replications",
            "2000",
            "--metric",
            "region_disasters.data_plane.rto.mean",
        ])
        .args(["--parameter", "services[3].backup.interval"])
        .args(["--parameter", "recovery.create_resources"])
        .args(["--vary", "0.5", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let csv = std::fs::read_to_string(
        dir.path()
            .join("community-training-premium-zr.sensitivity/sensitivity.csv"),
    )
    .unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    // Creating resources is a stage of the data plane's recovery; the backup interval is not.
    assert!(
        rows[1].starts_with("recovery.create_resources,\"uniform(2h, 6h)\",\"uniform(1h, 3h)\",\"uniform(3h, 9h)\","),
        "{csv}"
    );
    let swing = |row: &str| row.rsplit(',').next().unwrap().parse::<f64>().unwrap();
    assert!(swing(rows[1]) > 0.0 && swing(rows[1]) >= swing(rows[2]), "{csv}");
}

#[test]
fn bad_study_input_exits_2_and_writes_nothing() {
    for args in [
        vec!["sweep", "--set", "nosuch.field=1,2"],
        vec!["sweep", "--set", "simulation.replications=0,5"],
        vec![
            "sweep",
            "--set",
            "failures[0].time_to_failure=exp(mean=1y)",
            "--metric",
            "zone_incidents.data_plane.rto.p42",
        ],
        vec!["sensitivity", "--parameter", "deployment.region"],
        vec!["sensitivity", "--vary", "1.5"],
        vec!["compare", "scenarios/nosuch.toml", "scenarios/zone-outage-drill.toml"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .current_dir(repo("."))
            .args(&args)
            .arg("--out")
            .arg(dir.path())
            .assert()
            .code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert_eq!(
            std::fs::read_dir(dir.path()).map(|d| d.count()).unwrap_or(0),
            0,
            "{args:?} wrote something"
        );
    }
}
