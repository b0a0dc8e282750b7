//! `diff`, the regression gate: a worse backup policy is flagged, the same model at other seeds
//! fails the gate at most at the nominal rate, bad input exits 2, and the JUnit reports of
//! `diff` and `check` are well formed.

use crate::common::{bin, load, repo, summary_json, with, with_seed};
use outage_sim::model::metric::catalogue_of;
use outage_sim::scenario::Override;
use outage_sim::study::diff::{Correction, diff};
use std::path::Path;

const DRILL: &str = "scenarios/region-disaster-drill.toml";

/// Runs the drill with the CLI into `out`, with extra arguments.
fn run_drill(out: &Path, extra: &[&str]) {
    let mut cmd = bin();
    cmd.args([
        "run",
        repo(DRILL).to_str().unwrap(),
        "--replications",
        "500",
        "--quiet",
        "--out",
    ])
    .arg(out)
    .args(extra);
    cmd.assert().success();
}

/// Well-formed enough for a CI server: one XML declaration, balanced elements, `tests` and
/// `failures` that match the testcases and failures. Returns (testcases, failures).
fn junit_counts(xml: &str) -> (usize, usize) {
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), "{xml}");
    for tag in ["testsuites", "testsuite", "testcase", "failure", "system-out"] {
        let open = xml.matches(&format!("<{tag} ")).count() + xml.matches(&format!("<{tag}>")).count();
        assert_eq!(
            open,
            xml.matches(&format!("</{tag}>")).count(),
            "unbalanced <{tag}>: {xml}"
        );
    }
    assert_eq!(xml.matches("<testsuites ").count(), 1);
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    let cases = xml.matches("<testcase ").count();
    let failures = xml.matches("<failure ").count();
    assert!(
        xml.contains(&format!("tests=\"{cases}\" failures=\"{failures}\"")),
        "{xml}"
    );
    // Nothing unescaped inside attribute values or text: every `&` starts an entity.
    for (i, _) in xml.match_indices('&') {
        let rest = &xml[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "bare & in {xml}"
        );
    }
    (cases, failures)
}

#[test]
fn a_longer_backup_interval_is_a_significant_regression() {
    let dir = tempfile::tempdir().unwrap();
    let (base, worse) = (dir.path().join("base"), dir.path().join("worse"));
    run_drill(&base, &["--seed", "11"]);
    // control-config's backups every 30 minutes instead of 10, against a 10-minute RPO target.
    run_drill(
        &worse,
        &[
            "--seed",
            "12",
            "--set",
            "services[name=control-config].backup.interval=\"30m\"",
        ],
    );
    let xml = dir.path().join("diff.xml");
    let out = bin()
        .arg("diff")
        .arg(base.join("region-disaster-drill"))
        .arg(worse.join("region-disaster-drill").join("summary.json"))
        .args(["--format", "json", "--junit"])
        .arg(&xml)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("region_disasters.control_plane.p_meet_rpo"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"], "REGRESSED");
    let row = doc["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "region_disasters.control_plane.p_meet_rpo")
        .unwrap();
    eprintln!(
        "worse backup policy: P(meet RPO) {} -> {}, interval {}",
        row["base"], row["new"], row["interval"]
    );
    assert_eq!(row["method"], "newcombe");
    assert_eq!(row["class"], "regressed");
    assert_eq!(row["significant_regression"], true);
    // Data-plane RPO does not depend on control-config's backups: not flagged.
    let untouched = doc["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "region_disasters.data_plane.p_meet_rpo")
        .unwrap();
    assert_eq!(untouched["significant_regression"], false, "{untouched}");
    let (cases, failures) = junit_counts(&std::fs::read_to_string(&xml).unwrap());
    assert_eq!(cases, doc["metrics"].as_array().unwrap().len());
    assert_eq!(failures as u64, doc["regressions"].as_u64().unwrap());
    assert!(failures >= 1);

    // The same comparison the other way round is an improvement, and passes.
    bin()
        .arg("diff")
        .arg(worse.join("region-disaster-drill"))
        .arg(base.join("region-disaster-drill"))
        .assert()
        .code(0);
    // A tolerance wider than the change lets it through; a malformed one is bad input.
    bin()
        .arg("diff")
        .arg(base.join("region-disaster-drill"))
        .arg(worse.join("region-disaster-drill"))
        .args([
            "--tolerance",
            "region_disasters.control_plane.p_meet_rpo=1",
            "--tolerance",
            "objectives.control_plane.rpo.region_disasters.p_meet=1",
            "--tolerance",
            "objectives.control_plane.rpo.all.p_meet=1",
            "--tolerance",
            "misses_per_replication.control_plane.rpo=1",
            "--tolerance",
            "region_disasters.control_plane.rpo.mean=1h",
        ])
        .assert()
        .code(0);
}

#[test]
fn the_same_model_at_other_seeds_fails_the_gate_at_most_at_the_nominal_rate() {
    const PAIRS: u64 = 100;
    let plan = load(DRILL);
    let cat = catalogue_of(&plan);
    let summary = |seed: u64| -> serde_json::Value {
        serde_json::from_slice(&summary_json(&with_seed(&plan, seed, 500), Some(1))).unwrap()
    };
    let (mut alarms, mut alarms_uncorrected, mut m) = (0u64, 0u64, 0);
    for k in 0..PAIRS {
        let (a, b) = (summary(10_000 + 2 * k), summary(10_001 + 2 * k));
        let d = diff("a", &a, "b", &b, &cat, &[], Correction::Bonferroni);
        m = d.compared_with_interval;
        alarms += u64::from(d.regressions > 0);
        let d = diff("a", &a, "b", &b, &cat, &[], Correction::None);
        alarms_uncorrected += u64::from(d.regressions > 0);
    }
    let rate = alarms as f64 / PAIRS as f64;
    eprintln!(
        "false alarms: {alarms} of {PAIRS} seed pairs ({:.1} %) with Bonferroni over {m} metrics; \
         {alarms_uncorrected} of {PAIRS} without a correction",
        100.0 * rate
    );
    // Nominal: at most 5 % (2.5 % for one-sided regressions). Allow 4 standard errors of a
    // binomial proportion at 5 %.
    let nominal = 0.05;
    let bound = nominal + 4.0 * (nominal * (1.0 - nominal) / PAIRS as f64).sqrt();
    assert!(rate <= bound, "false-alarm rate {rate} above {bound}");
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    run_drill(&good, &[]);
    let good = good.join("region-disaster-drill");
    let missing = dir.path().join("nowhere");
    let out = bin().arg("diff").arg(&missing).arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));

    // A summary of schema 2.
    let text = std::fs::read_to_string(good.join("summary.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["schema_version"] = serde_json::json!(2);
    let old = dir.path().join("old.json");
    std::fs::write(&old, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = bin().arg("diff").arg(&old).arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("old.json") && stderr.contains("schema version 2"),
        "{stderr}"
    );

    for bad in [
        "availability.data_plane",
        "availability.data_plane=-1",
        "availability.data_plane=x",
        "zone_incidents.data_plane.rto.p95=10",
        "no.such.metric=1",
    ] {
        let out = bin()
            .arg("diff")
            .arg(&good)
            .arg(&good)
            .args(["--tolerance", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--tolerance {bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--tolerance"), "{bad}");
    }
    // A run against itself: nothing changed, exit 0.
    bin().arg("diff").arg(&good).arg(&good).assert().code(0);
}

#[test]
fn check_writes_junit() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("check.xml");
    let plan = with(&load(DRILL), &[Override::replications(500)]);
    let out = bin()
        .args([
            "check",
            repo(DRILL).to_str().unwrap(),
            "--replications",
            "500",
            "--quiet",
            "--out",
        ])
        .arg(dir.path())
        .arg("--junit")
        .arg(&xml)
        .output()
        .unwrap();
    let (cases, failures) = junit_counts(&std::fs::read_to_string(&xml).unwrap());
    assert_eq!(cases, plan.expectations.len());
    assert!(cases > 0);
    assert_eq!(out.status.code(), Some(if failures == 0 { 0 } else { 1 }));
}
