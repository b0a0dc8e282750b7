//! The command line end to end: run, validate, trace, metrics.

use super::common::{bin, repo};

#[test]
fn run_default_writes_summary_replications_and_incidents() {
    let dir = tempfile::tempdir().unwrap();
    let a = bin()
        .args(["run", "--replications", "300", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    for text in [
        "community-training-premium-zr",
        "Availability",
        "data_plane",
        "admin-operations",
        "P(RTO <= 48 h)",
    ] {
        assert!(stdout.contains(text), "{text} missing from:\n{stdout}");
    }
    let base = dir.path().join("community-training-premium-zr");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["replications"], 300);
    assert_eq!(summary["seed"], 20261128);
    assert!(summary["scenario"]["hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(summary["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let rows = std::fs::read_to_string(base.join("replications.csv")).unwrap();
    assert_eq!(rows.lines().count(), 301, "header + one row per replication");
    let incidents = std::fs::read_to_string(base.join("incidents.csv")).unwrap();
    assert!(
        incidents.starts_with("replication,plane,start_s,end_s,rto_s,rpo_s,censored,kind,cause,features_down,recovery,recovery_trigger,stages,rto_cause,rto_path,rpo_cause\n")
    );
    assert!(base.join("scenario.toml").exists());
    assert!(!base.join("INCOMPLETE").exists());
    // Only the published directory remains: no hidden work directories.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("community-training-premium-zr")]);
}

#[test]
fn run_can_turn_replication_rows_off_and_replaces_old_results() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/zone-outage-drill.toml");
    bin()
        .args(["run", "-q", "--replications", "50", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .success();
    let base = dir.path().join("zone-outage-drill");
    assert!(base.join("replications.csv").exists());
    bin()
        .args(["run", "-q", "--no-replication-rows", "--replications", "60", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .success();
    assert!(
        !base.join("replications.csv").exists(),
        "old rows replaced by the new run"
    );
    let summary = std::fs::read_to_string(base.join("summary.json")).unwrap();
    assert!(summary.contains("\"replications\": 60"));
}

#[test]
fn trace_prints_the_event_log_as_text_and_json_lines() {
    let f = repo("scenarios/zone-outage-drill.toml");
    let a = bin()
        .arg("trace")
        .arg(&f)
        .args(["--replication", "3"])
        .assert()
        .success();
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(text.contains("fault-start") && text.contains("zone 2"), "{text}");
    assert!(
        text.contains("incident-open") && text.contains("incident-close"),
        "{text}"
    );
    let a = bin()
        .arg("trace")
        .arg(&f)
        .args(["--replication", "3", "--format", "jsonl"])
        .assert()
        .success();
    let lines = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["time_s"], 3600.0);
    assert_eq!(first["event"], "fault-start");
    assert_eq!(first["entity"], "zone 2 outage");
    // Every line is JSON and time never goes backwards.
    let mut last = 0.0;
    for l in lines.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let t = v["time_s"].as_f64().unwrap();
        assert!(t >= last);
        last = t;
    }
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let mut cmd = bin();
    cmd.arg("validate");
    for d in ["scenarios", "scenarios/validation"] {
        for e in std::fs::read_dir(repo(d)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                cmd.arg(p);
            }
        }
    }
    cmd.assert().success();
}

#[test]
fn experiment_backoff_prints_a_table_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let a = bin()
        .args(["experiment", "backoff", "--clients", "10,20", "--runs", "5", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    for word in ["exponential", "full-jitter", "equal-jitter", "decorrelated-jitter"] {
        assert!(stdout.contains(word), "{word} missing:\n{stdout}");
    }
    let csv = std::fs::read_to_string(dir.path().join("backoff.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 2 * 5,
        "header + 2 client counts x 5 algorithms:\n{csv}"
    );
    assert!(csv.starts_with("n_clients,algorithm,runs,mean_write_calls"));
    assert!(stdout.contains("retry index published"), "{stdout}");
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",published")), "{csv}");

    // The SDK convention on request; a bad convention is bad input.
    bin()
        .args([
            "experiment",
            "backoff",
            "--clients",
            "10",
            "--runs",
            "2",
            "--retry-index",
            "sdk",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("backoff.csv")).unwrap();
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",sdk")), "{csv}");
    bin()
        .args(["experiment", "backoff", "--retry-index", "brooker", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
}

#[test]
fn a_run_killed_midway_leaves_the_previous_results_and_a_marked_incomplete_directory() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/community-training-standard-zonal.toml");
    bin()
        .args(["run", "-q", "--replications", "100", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .success();
    let published = dir.path().join("community-training-standard-zonal");
    let before = std::fs::read(published.join("summary.json")).unwrap();
    // A long run, killed while it writes.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("outage-sim"))
        .args(["run", "-q", "--replications", "50000000", "--out"])
        .arg(dir.path())
        .arg(&f)
        .spawn()
        .unwrap();
    let work = |d: &std::path::Path| {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().contains(".incomplete-"))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while work(dir.path()).is_none_or(|w| !w.join("replications.csv").exists()) && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    // The published results are the previous, complete ones...
    assert_eq!(std::fs::read(published.join("summary.json")).unwrap(), before);
    assert!(!published.join("INCOMPLETE").exists());
    // ...and what the killed run wrote is a hidden directory marked incomplete, without a summary.
    let w = work(dir.path()).expect("the killed run's work directory");
    assert!(w.join("INCOMPLETE").exists());
    assert!(!w.join("summary.json").exists());
}

#[test]
fn an_interrupted_run_resumes_from_its_checkpoint_to_the_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/community-training-standard-zonal.toml");
    let args = ["-q", "--replications", "120000", "--threads", "1"];
    bin()
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(dir.path().join("clean"))
        .arg(&f)
        .assert()
        .success();
    let out = dir.path().join("interrupted");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("outage-sim"))
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg(&f)
        .spawn()
        .unwrap();
    let checkpointed = || {
        std::fs::read_dir(&out).ok().and_then(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .find(|p| p.join(outage_sim::montecarlo::CHECKPOINT).exists())
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while checkpointed().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let name = "community-training-standard-zonal";
    assert!(checkpointed().is_some(), "the run checkpointed before it was killed");
    assert!(!out.join(name).exists(), "an interrupted run publishes nothing");
    let a = bin()
        .arg("run")
        .args(args)
        .arg("--resume")
        .arg("--out")
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&a.get_output().stderr).contains("starting afresh"));
    for file in ["summary.json", "replications.csv", "incidents.csv"] {
        let clean = std::fs::read(dir.path().join("clean").join(name).join(file)).unwrap();
        let resumed = std::fs::read(out.join(name).join(file)).unwrap();
        assert!(clean == resumed, "{file} differs after resuming");
    }
    assert!(!out.join(name).join(outage_sim::montecarlo::CHECKPOINT).exists());
}

#[test]
fn run_to_precision_stops_at_a_reproducible_wave_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/region-disaster-drill.toml");
    let run = |out: &str, threads: &str, precision: &str| {
        bin()
            .args([
                "run",
                "-q",
                "--no-replication-rows",
                "--replications",
                "100000",
                "--precision",
                precision,
            ])
            .args(["--threads", threads, "--out"])
            .arg(dir.path().join(out))
            .arg(&f)
            .assert()
            .success();
        let text = std::fs::read_to_string(dir.path().join(out).join("region-disaster-drill/summary.json")).unwrap();
        (serde_json::from_str::<serde_json::Value>(&text).unwrap(), text)
    };
    let (a, text_a) = run("a", "1", "region_disasters.data_plane.p_meet_rto=0.002");
    let (_, text_b) = run("b", "2", "region_disasters.data_plane.p_meet_rto=0.002");
    assert_eq!(text_a, text_b, "reproducible whatever the thread count");
    let stop = &a["stopping"];
    assert_eq!(stop["reason"], "precision reached");
    let n = stop["replications"].as_u64().unwrap();
    assert_eq!(n % 16_384, 0, "stops at a wave boundary: {n}");
    assert!(n < 100_000 && stop["achieved_half_width"].as_f64().unwrap() <= 0.002);
    // Too tight for the budget: it stops at the maximum and says so.
    let (c, _) = run("c", "2", "region_disasters.data_plane.p_meet_rto=0.00001");
    assert_eq!(c["stopping"]["reason"], "maximum replications reached");
    assert_eq!(c["replications"], 100_000);
    bin().args(["run", "--precision", "no.such.metric=1"]).assert().code(2);
    bin()
        .args(["run", "--precision", "zone_incidents.data_plane.rto.mean=5"])
        .assert()
        .code(2);
    // A path from before summary schema 2 is unknown, with its new name in the message.
    let old = bin()
        .args(["run", "--precision", "data_plane.rto.mean=5s"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&old.get_output().stderr).into_owned();
    assert!(
        stderr.contains("\"data_plane.rto.mean\" is now \"zone_incidents.data_plane.rto.mean\""),
        "{stderr}"
    );
}

#[test]
fn summary_only_runs_produce_no_rows_but_the_same_summary() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/community-training-standard-zonal.toml");
    bin()
        .args(["run", "-q", "--replications", "500", "--summary-only", "--out"])
        .arg(dir.path().join("a"))
        .arg(&f)
        .assert()
        .success();
    bin()
        .args(["run", "-q", "--replications", "500", "--no-replication-rows", "--out"])
        .arg(dir.path().join("b"))
        .arg(&f)
        .assert()
        .success();
    let base = |d: &str| dir.path().join(d).join("community-training-standard-zonal");
    assert!(!base("a").join("replications.csv").exists());
    assert_eq!(
        std::fs::read_to_string(base("a").join("incidents.csv"))
            .unwrap()
            .lines()
            .count(),
        1
    );
    assert!(
        std::fs::read_to_string(base("b").join("incidents.csv"))
            .unwrap()
            .lines()
            .count()
            > 1
    );
    assert_eq!(
        std::fs::read(base("a").join("summary.json")).unwrap(),
        std::fs::read(base("b").join("summary.json")).unwrap()
    );
}

/// A reader that stops early (`outage-sim run | head`) ends the run quietly, not with a panic.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_outage-sim"))
        .args(["run", "--replications", "2000", "--out"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the summary table is printed.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn metrics_lists_the_paths_of_a_scenario_and_marks_what_it_lacks() {
    // The embedded default: regional disasters, no clients, no importance sampling.
    let out = bin().arg("metrics").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let line = |p: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{p} ")))
            .unwrap_or_else(|| panic!("{p} in:\n{text}"))
            .to_string()
    };
    assert!(
        text.starts_with("Metric paths of community-training-premium-zr\n"),
        "{text}"
    );
    assert!(line("availability.admin-operations").contains("probability"));
    assert!(line("zone_incidents.data_plane.rto.p95").contains("duration"));
    assert!(line("misses_per_replication.data_plane.rpo").contains("number"));
    assert!(line("region_disasters.data_plane.p_meet_rto").contains(" region disasters "));
    assert!(line("clients.retry_amplification").contains("[clients] (absent)"));
    assert!(line("importance_sampling.p_any_disaster").contains("importance sampling (absent)"));
    // JSON: one document; a scenario with clients has them.
    let out = bin()
        .args(["metrics", "--format", "json"])
        .arg(repo("scenarios/retry-storm.toml"))
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["scenario"], "retry-storm");
    let metrics = doc["metrics"].as_array().unwrap();
    let latency = metrics.iter().find(|m| m["path"] == "clients.latency.p99").unwrap();
    assert_eq!(
        (&latency["needs"], &latency["available"]),
        (&"clients".into(), &true.into())
    );
    // Bad input: exit 2, nothing on stdout.
    let bad = bin().args(["metrics", "no/such.toml"]).assert().code(2);
    assert!(bad.get_output().stdout.is_empty());
    bin().args(["metrics", "--format", "yaml"]).assert().code(2);
}
