//! Snapshot tests (insta) of what users and scripts read: the CSV files, the JSON summary and
//! comparison, and the Markdown report. A change to any of them shows up as a reviewable diff;
//! accept intended changes with `INSTA_UPDATE=always cargo test --release --test integration
//! snapshots` (or `cargo insta review`).

use super::common::{bin, repo};
use std::path::Path;

/// The tool's version changes with every release; everything else in these files must not.
fn without_version(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "<version>")
}

fn head(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().take(lines).collect::<Vec<_>>().join("\n")
}

/// A small, fast run of the zone-outage drill (two scripted zone failures) with rows and report.
fn drill_run(out: &Path) -> std::path::PathBuf {
    bin()
        .args(["run", "--replications", "40", "--report", "-q", "--out"])
        .arg(out)
        .arg(repo("scenarios/zone-outage-drill.toml"))
        .assert()
        .success();
    out.join("zone-outage-drill")
}

#[test]
fn run_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let res = drill_run(dir.path());
    insta::assert_snapshot!(
        "summary_json",
        without_version(&std::fs::read_to_string(res.join("summary.json")).unwrap())
    );
    insta::assert_snapshot!("replications_csv_head", head(&res.join("replications.csv"), 6));
    insta::assert_snapshot!("incidents_csv_head", head(&res.join("incidents.csv"), 8));
    insta::assert_snapshot!(
        "report_md",
        without_version(&std::fs::read_to_string(res.join("report.md")).unwrap())
    );
}

#[test]
fn run_format_json_prints_the_summary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["run", "--replications", "40", "--format", "json", "--out"])
        .arg(dir.path())
        .arg(repo("scenarios/zone-outage-drill.toml"))
        .assert()
        .success();
    let printed: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("zone-outage-drill/summary.json")).unwrap()).unwrap();
    assert_eq!(printed, file, "stdout is exactly summary.json");
    // Not a terminal: no progress bar, nothing else on stderr.
    assert!(
        out.get_output().stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.get_output().stderr)
    );
    let check = bin()
        .args([
            "check",
            "--replications",
            "40",
            "--format",
            "json",
            "--allow-inconclusive",
            "--out",
        ])
        .arg(dir.path())
        .arg(repo("scenarios/zone-outage-drill.toml"))
        .assert()
        .success();
    let printed: serde_json::Value = serde_json::from_slice(&check.get_output().stdout).unwrap();
    assert_eq!(printed["summary"]["replications"], 40);
    let verdicts = printed["expectations"].as_array().unwrap();
    // 40 replications cannot show P(meet) >= 0.99 on a Wilson interval: inconclusive, allowed.
    assert!(
        !verdicts.is_empty() && verdicts.iter().all(|v| v["accepted"] == true),
        "{verdicts:?}"
    );
    assert!(verdicts.iter().any(|v| v["verdict"] == "pass"));
}

#[test]
fn study_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let drill = repo("scenarios/zone-outage-drill.toml");
    bin()
        .args([
            "sweep",
            "--replications",
            "40",
            "-q",
            "--metric",
            "zone_incidents.data_plane.rto.mean",
            "--set",
        ])
        .arg("faults[0].duration=30m,2h")
        .arg("--out")
        .arg(dir.path())
        .arg(&drill)
        .assert()
        .success();
    insta::assert_snapshot!(
        "sweep_csv",
        std::fs::read_to_string(dir.path().join("zone-outage-drill.sweep-faults-0.duration/sweep.csv")).unwrap()
    );
    let standard = repo("scenarios/community-training-standard-zonal.toml");
    let premium = repo("scenarios/community-training-premium-zr.toml");
    let out = bin()
        .args(["compare", "--replications", "200", "--format", "json", "--out"])
        .arg(dir.path())
        .args([&standard, &premium])
        .assert()
        .success();
    insta::assert_snapshot!(
        "compare_json",
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    );
}
