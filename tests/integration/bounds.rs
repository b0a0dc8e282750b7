//! Bounded resources, refused early (issue 15, item 2): a runaway scenario stops at its
//! per-replication budget with an error naming the failure process; worker threads are capped;
//! a sweep's grid is sized before it is built; oversized and non-regular scenario files are
//! refused before they are read.

use super::common::{bin, repo};
use std::time::{Duration, Instant};

/// The single-exponential validation scenario with a component that fails and is repaired
/// every second or so, over `horizon`.
fn runaway(dir: &std::path::Path, horizon: &str) -> std::path::PathBuf {
    let base = std::fs::read_to_string(repo("scenarios/validation/single-exponential.toml")).unwrap();
    let text = base
        .replacen(
            "time_to_failure = \"exp(mean=100h)\"",
            "time_to_failure = \"exp(mean=1s)\"",
            1,
        )
        .replacen(
            "time_to_repair = \"exp(mean=10h)\"",
            "time_to_repair = \"exp(mean=1s)\"",
            1,
        )
        .replacen("horizon = \"1000h\"", &format!("horizon = \"{horizon}\""), 1);
    assert_ne!(text, base);
    let file = dir.join("runaway.toml");
    std::fs::write(&file, text).unwrap();
    file
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).to_string()
}

#[test]
fn a_runaway_replication_stops_at_its_budget_naming_the_process_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = runaway(dir.path(), "100y");
    let out = dir.path().join("out");
    for (option, what) in [("--max-events", "events"), ("--max-incidents", "incidents")] {
        let started = Instant::now();
        let a = bin()
            .args(["run", "-q", "--replications", "50", "--out"])
            .arg(&out)
            .arg(&file)
            .args([option, "20000"])
            .assert()
            .code(2);
        let e = stderr_of(&a);
        assert!(e.contains(&format!("reached the budget of 20000 {what}")), "{e}");
        assert!(
            e.contains("failure process \"component-failure\""),
            "names the process: {e}"
        );
        assert!(e.contains(&format!("raise the budget with {option}")), "{e}");
        assert!(e.contains("runaway.toml"), "names the file: {e}");
        assert!(started.elapsed() < Duration::from_secs(60));
        let left: Vec<_> = std::fs::read_dir(&out).map(|d| d.collect()).unwrap_or_default();
        assert!(left.is_empty(), "nothing written: {left:?}");
    }
    // Within budget, the same scenario runs.
    let short = runaway(dir.path(), "1h");
    bin()
        .args(["run", "-q", "--replications", "20", "--out"])
        .arg(&out)
        .arg(&short)
        .assert()
        .success();
    // The budgets are at least 1.
    for option in ["--max-events", "--max-incidents"] {
        let a = bin().args(["run", "-q", option, "0"]).assert().code(2);
        assert!(stderr_of(&a).contains(&format!("{option} 0: must be at least 1")));
    }
}

#[test]
fn worker_threads_are_capped_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/zone-outage-drill.toml");
    let a = bin()
        .args(["run", "--threads", "100000", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .code(2);
    assert!(
        stderr_of(&a).contains("--threads 100000: must be at most 1024"),
        "{}",
        stderr_of(&a)
    );
    let a = bin()
        .env("RAYON_NUM_THREADS", "100000")
        .args(["run", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .code(2);
    assert!(
        stderr_of(&a).contains("RAYON_NUM_THREADS=100000: must be at most 1024"),
        "{}",
        stderr_of(&a)
    );
    let a = bin()
        .args(["sweep", "--threads", "5000", "--set", "simulation.seed=1,2", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .code(2);
    assert!(stderr_of(&a).contains("--threads 5000"), "{}", stderr_of(&a));
    let a = bin()
        .args(["experiment", "backoff", "--threads", "5000", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert!(
        stderr_of(&a).contains("--threads 5000: must be at most 1024"),
        "{}",
        stderr_of(&a)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
    // The cap itself runs.
    bin()
        .args(["run", "-q", "--replications", "50", "--threads", "1024", "--out"])
        .arg(dir.path())
        .arg(&f)
        .assert()
        .success();
}

#[test]
fn a_huge_sweep_grid_is_refused_before_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let values = (1..=100).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let started = Instant::now();
    // 100^4 = 10^8 points.
    let a = bin()
        .arg("sweep")
        .args(["--set", &format!("simulation.seed={values}")])
        .args(["--set", &format!("simulation.replications={values}")])
        .args(["--set", &format!("recovery.database.size_gb={values}")])
        .args([
            "--set",
            &format!("simulation.warmup={}", values.replace(',', "h,") + "h"),
        ])
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2);
    let e = stderr_of(&a);
    assert!(
        e.contains("the grid has 100000000 points") && e.contains("at most 10000"),
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused at once: {:?}",
        started.elapsed()
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn oversized_and_non_regular_scenario_files_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut text = std::fs::read_to_string(repo("scenarios/zone-outage-drill.toml")).unwrap();
    let pad = format!("# {}\n", "x".repeat(1000));
    while text.len() <= 4 << 20 {
        text.push_str(&pad);
    }
    std::fs::write(&big, &text).unwrap();
    let a = bin().args(["validate"]).arg(&big).assert().code(2);
    assert!(
        stderr_of(&a).contains("a scenario file may have at most 4194304 bytes"),
        "{}",
        stderr_of(&a)
    );
    let mut cases = vec![dir.path().to_path_buf()];
    if std::path::Path::new("/dev/zero").exists() {
        cases.push("/dev/zero".into());
    }
    for file in cases {
        let started = Instant::now();
        let a = bin()
            .args(["run", "-q", "--out"])
            .arg(dir.path().join("out"))
            .arg(&file)
            .assert()
            .code(2);
        let e = stderr_of(&a);
        assert!(
            e.contains("not a regular file") && e.contains(&file.display().to_string()),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    assert!(!dir.path().join("out").exists());
}

/// `experiment backoff --runs 1` (issue 15, item 6): a standard error needs two runs, so its
/// cells are empty, never NaN.
#[test]
fn experiment_backoff_with_one_run_writes_no_nan() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["experiment", "backoff", "--runs", "1", "--clients", "10,20", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("backoff.csv")).unwrap();
    assert!(!csv.to_lowercase().contains("nan"), "{csv}");
    let row = csv.lines().nth(1).unwrap();
    assert_eq!(row.split(',').nth(4), Some(""), "{row}");
}

#[test]
fn two_hundred_thousand_failures_validate_in_linear_time() {
    // Names are checked for repeats with a hash set and references resolved through indexes, so
    // this validates in seconds (it took minutes when each name was compared with every other).
    // Through the library: a file this size is beyond the 4 MiB a scenario file may have.
    let mut text = std::fs::read_to_string(repo("scenarios/validation/single-exponential.toml")).unwrap();
    for i in 0..200_000 {
        text.push_str(&format!(
            "\n[[failures]]\nname = \"f{i}\"\nkind = \"service-outage\"\nservices = [\"component\"]\n\
             time_to_failure = \"exp(mean=10y)\"\ntime_to_repair = \"1h\"\n"
        ));
    }
    let plan = outage_sim::scenario::from_source(&text, std::path::Path::new("big.toml")).unwrap();
    assert_eq!(plan.failures.len(), 200_001);
    // A repeated name among them is found, at its place.
    let repeated = text.replacen("name = \"f199999\"", "name = \"f7\"", 1);
    let e = outage_sim::scenario::from_source(&repeated, std::path::Path::new("big.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("failures[200000].name: duplicate name \"f7\""), "{e}");
}

#[test]
fn a_clients_model_past_the_event_budget_stops_naming_it_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let started = Instant::now();
    let a = bin()
        .args(["run", "-q", "--replications", "4", "--max-events", "5000", "--out"])
        .arg(&out)
        .arg(repo("scenarios/retry-storm-budgeted.toml"))
        .assert()
        .code(2);
    let e = stderr_of(&a);
    assert!(e.contains("reached the budget of 5000 events"), "{e}");
    assert!(
        e.contains("the clients model ([clients]) delivered"),
        "names the clients: {e}"
    );
    assert!(e.contains("Check [clients]") && e.contains("--max-events"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(60));
    let left: Vec<_> = std::fs::read_dir(&out).map(|d| d.collect()).unwrap_or_default();
    assert!(left.is_empty(), "nothing written: {left:?}");
}

#[test]
fn a_study_stopped_at_a_budget_says_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = runaway(dir.path(), "100y");
    let out = dir.path().join("out");
    let f = file.to_str().unwrap();
    for study in [
        vec!["sweep", "--set", "simulation.seed=1,2", f],
        vec!["sensitivity", "--metric", "availability.data_plane", f],
        vec!["compare", f, f],
    ] {
        let a = bin()
            .args(&study)
            .args(["-q", "--replications", "4", "--max-events", "20000", "--out"])
            .arg(&out)
            .assert()
            .code(2);
        let e = stderr_of(&a);
        assert!(e.contains("reached the budget of 20000 events"), "{study:?}: {e}");
        assert!(e.contains("failure process \"component-failure\""), "{study:?}: {e}");
        assert!(
            e.contains("The study stopped there and wrote nothing"),
            "{study:?}: {e}"
        );
        let left: Vec<_> = std::fs::read_dir(&out).map(|d| d.collect()).unwrap_or_default();
        assert!(left.is_empty(), "{study:?}: nothing written: {left:?}");
    }
}

#[test]
fn a_search_cut_at_its_most_replications_says_so_in_its_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let a = bin()
        .args([
            "solve",
            "--format",
            "json",
            "--replications",
            "20",
            "--max-replications",
            "20",
            "--out",
        ])
        .arg(dir.path())
        .arg(repo("scenarios/validation/backup-interval-boundary.toml"))
        .args([
            "--vary",
            "services[name=database].backup.interval",
            "--range",
            "10m..2h",
        ])
        .args(["--target", "zone_incidents.data_plane.rpo.mean<=30m"])
        .assert();
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["max_replications"], 20, "{v}");
    let limits = v["limits_reached"].as_array().unwrap();
    assert!(
        limits.iter().any(|l| l
            .as_str()
            .unwrap()
            .contains("stayed uncertain at the most replications allowed (20,")),
        "{v}"
    );
    let e = stderr_of(&a);
    assert!(e.contains("note: solve: ") && e.contains("stayed uncertain"), "{e}");
    let study = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    let csv = std::fs::read_to_string(study.join("solve.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",limit_reached"), "{csv}");
    assert!(csv.lines().any(|l| l.ends_with(",max_replications")), "{csv}");
}
