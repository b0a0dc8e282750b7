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
    let result = compare(&a, &b, &outage_sim::montecarlo::Runner::new(None), Default::default()).unwrap();
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
    let csv = std::fs::read_to_string(dir.path().join(
        "community-training-premium-zr.sweep-failures-0.time_to_failure+services-2.instances_per_zone/sweep.csv",
    ))
    .unwrap();
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
            .join("community-training-premium-zr.sensitivity-region_disasters.data_plane.rto.mean/sensitivity.csv"),
    )
    .unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    // Creating resources is a stage of the data plane's recovery; the backup interval is not.
    assert!(
        rows[1].starts_with("recovery.create_resources,\"uniform(2h, 6h)\",\"uniform(1h, 3h)\",\"uniform(3h, 9h)\","),
        "{csv}"
    );
    let swing = |row: &str| row.rsplit(',').nth(2).unwrap().parse::<f64>().unwrap();
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
        vec!["sensitivity", "--parameter", "services[name=nosuch].backup.interval"],
        // Identifiers are not parameters.
        vec![
            "sensitivity",
            "scenarios/retry-storm.toml",
            "--parameter",
            "faults[0].zone",
        ],
        vec!["sweep", "--set", "services[name=nosuch].instances_per_zone=1,2"],
        vec!["sweep", "--set", "recovery.database.size_gb=1..1e9:step=1"],
        vec!["sweep", "--set", "recovery.database.size_gb=100..800"],
        vec![
            "sweep",
            "--set",
            "recovery.database.size_gb=100,200",
            "--x",
            "recovery.storage.size_gb",
        ],
        vec![
            "sweep",
            "--set",
            "recovery.database.size_gb=100,200",
            "--name",
            "../escape",
        ],
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

/// `solve` on the oracle of scenarios/validation/backup-interval-boundary.toml: backups every T
/// with copy lag d = 10 min and no failures give an RPO uniform on [d, d + T], so
/// P(RPO <= 40 min) = 30 min / T and P(meet) >= 0.75 holds exactly for T <= 40 min; and the mean
/// RPO d + T/2 is at most 30 min exactly for T <= 40 min.
#[test]
fn solve_finds_the_exact_boundary_of_a_closed_form_oracle_within_its_interval() {
    let scenario = repo("scenarios/validation/backup-interval-boundary.toml");
    let exact = 40.0 * 60.0;
    for target in [
        "zone_incidents.data_plane.p_meet_rpo>=0.75",
        "zone_incidents.data_plane.rpo.mean<=30m",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .args(["solve", "--format", "json", "--out"])
            .arg(dir.path())
            .arg(&scenario)
            .args([
                "--vary",
                "services[name=database].backup.interval",
                "--range",
                "10m..2h",
            ])
            .args(["--target", target])
            .assert()
            .success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(v["parameter"], "services[name=database].backup.interval", "{v}");
        assert_eq!(v["status"], "found", "{v}");
        let [lo, hi] = [0, 1].map(|i| v["seconds"]["interval"][i].as_f64().unwrap());
        let value = v["seconds"]["value"].as_f64().unwrap();
        eprintln!("{target}: boundary {value} s, interval [{lo}, {hi}] s, exact {exact} s");
        assert!(lo <= exact && exact <= hi, "{target}: [{lo}, {hi}] misses {exact}: {v}");
        assert!(lo <= value && value <= hi, "{v}");
        // Meaningful: the default tolerance is 1/100 of the range (66 s); bisection stops when the
        // gaps to the boundary are within it, so the interval is at most a few tolerances wide.
        let tolerance = (7200.0 - 600.0) / 100.0;
        assert!(hi - lo <= 3.0 * tolerance, "{target}: interval {} s wide", hi - lo);
        // The ends: T = 10 min meets it surely, T = 2 h surely not.
        assert_eq!(v["at_low"]["decision"], "holds", "{v}");
        assert_eq!(v["at_high"]["decision"], "fails", "{v}");
        assert_eq!(v["target"]["metric"], target.split(['<', '>']).next().unwrap());
        // Written: the JSON, one CSV row per point, the chart with the threshold and the boundary.
        let study = dir
            .path()
            .join("validation-backup-interval-boundary.solve-services-name-database.backup.interval");
        let csv = std::fs::read_to_string(study.join("solve.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1 + v["points"].as_array().unwrap().len());
        let svg = std::fs::read_to_string(study.join("charts/solve.svg")).unwrap();
        assert!(
            svg.contains("boundary") && svg.contains("target"),
            "chart lacks its lines"
        );
    }
}

#[test]
fn solve_exits_1_when_the_range_holds_no_boundary_and_says_which_end_fails() {
    let scenario = repo("scenarios/validation/backup-interval-boundary.toml");
    for (range, status, says) in [
        ("50m..2h", "fails_everywhere", "fails at both ends"),
        ("10m..30m", "holds_everywhere", "holds at both ends"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .args(["solve", "--format", "json", "--replications", "1000", "--out"])
            .arg(dir.path())
            .arg(&scenario)
            .args(["--vary", "services[0].backup.interval", "--range", range])
            .args(["--target", "zone_incidents.data_plane.p_meet_rpo>=0.75"])
            .assert()
            .code(1);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains(says), "{range}: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(v["status"], status, "{v}");
        assert!(v["value"].is_null(), "{v}");
    }
}

#[test]
fn bad_solve_input_exits_2_with_a_located_message_and_writes_nothing() {
    let scenario = "scenarios/validation/backup-interval-boundary.toml";
    let vary = "services[name=database].backup.interval";
    let target = "zone_incidents.data_plane.p_meet_rpo>=0.75";
    for (args, says) in [
        (
            vec![
                "--vary",
                vary,
                "--range",
                "10m..2h",
                "--target",
                "zone_incidents.data_plane.p_meet_rpo>0.75",
            ],
            ">= or <=",
        ),
        (
            vec![
                "--vary",
                vary,
                "--range",
                "10m..2h",
                "--target",
                "zone_incidents.data_plane.p_meet_rpx>=0.75",
            ],
            "p_meet_rpx",
        ),
        (
            vec![
                "--vary",
                vary,
                "--range",
                "10m..2h",
                "--target",
                "zone_incidents.data_plane.p_meet_rpo>=48h",
            ],
            "probability",
        ),
        (
            vec!["--vary", vary, "--range", "1..10", "--target", target],
            "durations",
        ),
        (
            vec!["--vary", vary, "--range", "2h..10m", "--target", target],
            "low end",
        ),
        (
            vec!["--vary", vary, "--range", "0s..2h", "--target", target],
            "interval",
        ),
        (
            vec![
                "--vary",
                "services[name=db].backup.interval",
                "--range",
                "10m..2h",
                "--target",
                target,
            ],
            "database",
        ),
        (
            vec!["--vary", "deployment.sku", "--range", "1..2", "--target", target],
            "solve varies one number or duration",
        ),
        (
            vec![
                "--vary",
                vary,
                "--range",
                "10m..2h",
                "--target",
                target,
                "--confidence",
                "1.5",
            ],
            "--confidence",
        ),
        (
            vec![
                "--vary",
                vary,
                "--range",
                "10m..2h",
                "--target",
                target,
                "--tolerance",
                "3h",
            ],
            "--tolerance",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .current_dir(repo("."))
            .args(["solve", scenario])
            .args(&args)
            .arg("--out")
            .arg(dir.path())
            .assert()
            .code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(
            stderr.starts_with("error: ") && stderr.contains(says),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} wrote something"
        );
    }
}

/// A sweep by name and range, drawn along the second field with `--x`; a second study of the same
/// name is refused (exit 2) unless `--name` or `--force`.
#[test]
fn studies_select_entries_by_name_take_ranges_and_never_replace_an_earlier_study() {
    let scenario = repo("scenarios/validation/backup-interval-boundary.toml");
    let dir = tempfile::tempdir().unwrap();
    let sweep = || {
        let mut c = bin();
        c.args(["sweep", "-q", "--replications", "500", "--out"])
            .arg(dir.path())
            .arg(&scenario)
            .args(["--set", "services[name=database].backup.copy_lag=5m,10m"])
            .args(["--set", "services[name=database].backup.interval=20m..60m:step=20m"])
            .args(["--x", "services[0].backup.interval"])
            .args(["--metric", "zone_incidents.data_plane.p_meet_rpo"]);
        c
    };
    sweep().assert().success();
    let name = "validation-backup-interval-boundary.sweep-services-name-database.backup.copy_lag+services-name-database.backup.interval";
    let study = dir.path().join(name);
    let csv = std::fs::read_to_string(study.join("sweep.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 6, "{csv}");
    assert!(
        rows[1].starts_with("5m,20m,500,") && rows[6].starts_with("10m,1h,500,"),
        "{csv}"
    );
    // The chart names the metric in words, with the scenario's target written in and the required
    // probability as a line; the x axis is the interval, one line per copy lag.
    let svg = std::fs::read_to_string(study.join("charts/sweep-zone-incidents-data-plane-p-meet-rpo.svg")).unwrap();
    assert!(
        svg.contains("P(achieved RPO &lt;= 40 min)") || svg.contains("P(achieved RPO <= 40 min)"),
        "{svg:.2000}"
    );
    assert!(svg.contains("required 99 %"), "no threshold line");
    assert!(
        svg.contains("services[name=database].backup.copy_lag=5m"),
        "no legend per copy lag"
    );
    // Again: refused, nothing replaced.
    let before = std::fs::read(study.join("sweep.csv")).unwrap();
    let out = sweep().assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(name) && stderr.contains("--name") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(study.join("sweep.csv")).unwrap(), before);
    sweep().args(["--name", "second"]).assert().success();
    assert!(dir.path().join("second/sweep.csv").exists());
    sweep().arg("--force").assert().success();
}

/// `run --set` and `check --set` take the sweep's syntax with one value; a table the file lacks
/// (`[targets]`) is created.
#[test]
fn run_and_check_take_set() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["run", "-q", "--summary-only", "--replications", "50", "--out"])
        .arg(dir.path())
        .arg(repo("scenarios/retry-storm.toml"))
        .args(["--set", "targets.data_plane={ rto = \"90m\", rpo = \"1h\" }"])
        .args(["--set", "services[name=web].instances_per_zone=6"])
        .assert()
        .success();
    let toml = std::fs::read_to_string(dir.path().join("retry-storm/scenario.toml")).unwrap();
    let t: toml::Table = toml.parse().unwrap();
    assert_eq!(t["targets"]["data_plane"]["rto"].as_str(), Some("1h30m"), "{toml}");
    assert_eq!(t["services"][0]["instances_per_zone"].as_integer(), Some(6), "{toml}");
    // One value per field; a bad value is located and nothing is written.
    for set in [
        "services[name=web].instances_per_zone=4,6",
        "services[name=web].instances_per_zone=0",
    ] {
        let empty = tempfile::tempdir().unwrap();
        let out = bin()
            .args(["check", "--replications", "50", "--out"])
            .arg(empty.path())
            .arg(repo("scenarios/zone-outage-drill.toml"))
            .args(["--set", set])
            .assert()
            .code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains("--set"), "{set}: {stderr}");
        assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
    }
    bin()
        .args(["check", "-q", "--out"])
        .arg(dir.path())
        .arg(repo("scenarios/zone-outage-drill.toml"))
        .args(["--set", "faults[0].duration=7h"])
        .assert()
        .success();
}

/// Sensitivity varies quantities only (never a zone number or an HTTP status) and runs on every
/// shipped scenario.
#[test]
fn sensitivity_runs_on_every_shipped_scenario_and_varies_no_identifier() {
    use outage_sim::study::StudyOptions;
    use outage_sim::study::sensitivity::{Plan, parameters};
    let runner = outage_sim::montecarlo::Runner::new(None);
    let mut files: Vec<_> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 14, "{files:?}");
    for file in files {
        let plan = outage_sim::scenario::Plan::load(&file).unwrap();
        let ps = parameters(plan.source(), 0.2);
        for p in &ps {
            let last = p.path.rsplit('.').next().unwrap();
            assert!(
                last != "zone" && !last.contains("status") && !p.path.starts_with("regions") && !p.path.ends_with(']')
                    // The path selects the field it names.
                    && plan.with(&[outage_sim::scenario::Override::set(p.path.clone(), p.base.clone())]).is_ok(),
                "{}: {} is an identifier",
                file.display(),
                p.path
            );
        }
        let options = StudyOptions {
            replications: Some(4),
            ..Default::default()
        };
        let study = Plan::new(&plan, "availability.data_plane", &[], 0.2, &options)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let result = study.run(&runner, |_, _| {}).unwrap();
        assert!(!result.effects.is_empty(), "{}", file.display());
        assert!(result.base.is_some(), "{}", file.display());
    }
    // The storm's retried statuses and its zone stay as they are.
    let storm = outage_sim::scenario::Plan::load(&repo("scenarios/retry-storm.toml")).unwrap();
    let paths: Vec<String> = parameters(storm.source(), 0.2).into_iter().map(|p| p.path).collect();
    assert!(paths.iter().any(|p| p == "clients.retry.max_attempts"), "{paths:?}");
    assert!(
        paths.iter().any(|p| p == "services[name=web].instances_per_zone"),
        "{paths:?}"
    );
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("retry_statuses") || p.ends_with(".zone")),
        "{paths:?}"
    );
}

/// The tornado leaves out the parameters whose swing is within the noise, and says which.
#[test]
fn the_tornado_flags_swings_within_the_noise() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "sensitivity",
            "--replications",
            "1000",
            "--metric",
            "region_disasters.data_plane.rto.mean",
        ])
        .args(["--parameter", "services[name=sql].backup.interval"])
        .args(["--parameter", "recovery.create_resources"])
        .args(["--vary", "0.5", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // The SQL backup interval does not move the data plane's recovery time at all.
    assert!(
        stdout.contains("within the noise") && stdout.contains("services[name=sql].backup.interval"),
        "{stdout}"
    );
    let study = dir
        .path()
        .join("community-training-premium-zr.sensitivity-region_disasters.data_plane.rto.mean");
    let csv = std::fs::read_to_string(study.join("sensitivity.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].ends_with(",swing,noise,within_noise"), "{csv}");
    assert!(
        rows[1].starts_with("recovery.create_resources") && rows[1].ends_with(",false"),
        "{csv}"
    );
    assert!(rows[2].ends_with(",0,0,true") || rows[2].ends_with(",true"), "{csv}");
    let svg = std::fs::read_to_string(study.join("charts/tornado.svg")).unwrap();
    assert!(
        svg.contains("within the noise"),
        "the chart does not say what it left out"
    );
}
