//! `report` and `run --report`: every chart renders on edge cases, the HTML is self-contained,
//! bad input is refused.

use super::common::{bin, repo};
use std::path::Path;

/// Runs `args` with `--report` into `out` and returns the results directory.
fn run_with_report(out: &Path, scenario: &Path, replications: &str) -> std::path::PathBuf {
    bin()
        .args(["run", "--report", "-q", "--replications", replications, "--out"])
        .arg(out)
        .arg(scenario)
        .assert()
        .success();
    let name = std::fs::read_dir(out)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .unwrap()
        .path();
    assert!(name.join("report.html").exists() && name.join("report.md").exists());
    name
}

/// Every chart the page shows is inline SVG and also written as SVG and PNG.
fn check_charts(dir: &Path) -> String {
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let figures = html.matches("<figure class=\"chart\"").count();
    assert!(figures >= 4, "{figures} charts");
    assert_eq!(html.matches("<svg").count(), figures, "one inline SVG per chart");
    assert!(!html.contains("src=\"http"), "self-contained: nothing fetched");
    let charts: Vec<_> = std::fs::read_dir(dir.join("charts"))
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(charts.len(), 2 * figures, "an SVG and a PNG per chart");
    for c in charts {
        let bytes = std::fs::read(c.path()).unwrap();
        if c.path().extension().unwrap() == "png" {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", c.path().display());
        } else {
            assert!(bytes.starts_with(b"<svg"), "{}", c.path().display());
        }
    }
    html
}

#[test]
fn a_single_replication_reports() {
    let dir = tempfile::tempdir().unwrap();
    let res = run_with_report(dir.path(), &repo("scenarios/zone-outage-drill.toml"), "1");
    let html = check_charts(&res);
    // Every incident of the drill meets its targets.
    assert!(html.contains("1.0000 ["), "P(meet) of 1");
    // A plain run has no uncertainty to show.
    assert!(!html.contains("uncertainty-cdf-") && !html.contains("data-chart=\"sobol-"));
    assert!(!html.contains("Uncertain parameters") && !html.contains("Replications per draw"));
}

#[test]
fn a_run_without_any_incident_reports() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/zone-outage-drill.toml")).unwrap();
    // No scripted fault: with no random failures either, nothing ever happens.
    let quiet = text.split("[[faults]]").next().unwrap().to_string()
        + "\n[expect]\n\"availability.data_plane\" = \">= 0.999\"\n";
    assert!(!quiet.contains("[[failures]]"), "the drill has no random failures");
    let file = dir.path().join("quiet.toml");
    std::fs::write(&file, quiet).unwrap();
    let out = dir.path().join("out");
    let res = run_with_report(&out, &file, "20");
    let html = check_charts(&res);
    assert!(html.contains("no incidents"), "empty distributions say so");
}

#[test]
fn clients_get_retry_charts_and_the_report_command_rewrites_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let res = run_with_report(dir.path(), &repo("scenarios/retry-storm-budgeted.toml"), "10");
    check_charts(&res);
    for name in ["retry-traffic", "retry-amplification", "timeline", "availability"] {
        assert!(res.join(format!("charts/{name}.svg")).exists(), "{name}");
    }
    std::fs::remove_file(res.join("report.md")).unwrap();
    bin().arg("report").arg(&res).assert().success();
    assert!(res.join("report.md").exists());
}

#[test]
fn report_of_something_else_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin().arg("report").arg(dir.path()).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("summary.json") && stderr.contains("results directory"),
        "{stderr}"
    );
    assert!(!dir.path().join("report.html").exists());
}

/// A failure named like a spreadsheet formula reaches `incidents.csv` neutralized (a leading
/// `'`), and merged shards give the same bytes as one run.
#[test]
fn csv_cells_that_would_be_formulas_are_neutralized() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(super::common::repo("scenarios/validation/single-exponential.toml")).unwrap();
    let text = base.replacen(
        "name = \"component-failure\"",
        "name = \"=HYPERLINK(\\\"http://evil\\\",\\\"x\\\")\"",
        1,
    );
    assert_ne!(text, base);
    let file = dir.path().join("formula.toml");
    std::fs::write(&file, text).unwrap();
    let run = |out: &str, extra: &[&str]| {
        super::common::bin()
            .args(["run", "-q", "--replications", "40", "--out"])
            .arg(dir.path().join(out))
            .arg(&file)
            .args(extra)
            .assert()
            .success();
    };
    run("single", &[]);
    let incidents =
        std::fs::read_to_string(dir.path().join("single/validation-single-exponential/incidents.csv")).unwrap();
    assert!(incidents.lines().count() > 1, "the scenario has incidents");
    assert!(
        incidents.contains(",\"'=HYPERLINK("),
        "{}",
        &incidents[..500.min(incidents.len())]
    );
    assert!(!incidents.contains(",\"=HYPERLINK(") && !incidents.contains(",=HYPERLINK("));
    run("shards", &["--shard", "0/2"]);
    run("shards", &["--shard", "1/2"]);
    let shard = |k: u32| {
        dir.path()
            .join(format!("shards/validation-single-exponential.shard-{k}-of-2"))
    };
    super::common::bin()
        .args(["merge", "-q", "--out"])
        .arg(dir.path().join("merged"))
        .arg(shard(0))
        .arg(shard(1))
        .assert()
        .success();
    let merged =
        std::fs::read_to_string(dir.path().join("merged/validation-single-exponential/incidents.csv")).unwrap();
    assert!(
        merged == incidents,
        "merge neither doubles nor drops the neutralization"
    );
}

/// A two-level run's report: the CDF of each key metric over the draws with the required
/// probability drawn and the quantiles marked, a Sobol chart per metric asked for, and the tables
/// of the terminal's block; without `draws.csv` (an older run) it still reports, without the CDFs.
#[test]
fn a_two_level_run_reports_its_uncertainty() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/validation/uncertain-availability.toml"))
        .unwrap()
        .replacen(
            "[uncertainty]\n",
            "[targets]\ncontrol_plane = { rpo = \"10m\", rto = \"24h\" }\n\
             data_plane = { rpo = \"12h\", rto = \"14h\", rto_probability = 0.9 }\n\n\
             [uncertainty]\nsobol = [\"availability.component-up\", \"objectives.data_plane.rto.all.p_meet\"]\n",
            1,
        )
        + "\n[[uncertain]]\nparameter = \"failures[name=component-failure].time_to_repair\"\n\
           factor = \"uniform(0.5, 2)\"\n";
    let file = dir.path().join("uncertain.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    bin()
        .args(["run", "--report", "-q", "--draws", "8", "--replications", "10", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let res = out.join("validation-uncertain-availability");
    let html = check_charts(&res);
    let md = std::fs::read_to_string(res.join("report.md")).unwrap();
    for chart in [
        "uncertainty-cdf-availability-data-plane",
        "uncertainty-cdf-availability-component-up",
        "uncertainty-cdf-objectives-data-plane-rto-all-p-meet",
        "sobol-availability-component-up",
        "sobol-objectives-data-plane-rto-all-p-meet",
    ] {
        assert!(html.contains(&format!("data-chart=\"{chart}\"")), "{chart} in the page");
        assert!(md.contains(&format!("(charts/{chart}.svg)")), "{chart} in the Markdown");
    }
    let cdf =
        std::fs::read_to_string(res.join("charts/uncertainty-cdf-objectives-data-plane-rto-all-p-meet.svg")).unwrap();
    assert!(cdf.contains(">\nrequired 90 %\n<"), "the required probability is drawn");
    assert!(cdf.contains(">\np05 ") && cdf.contains(">\np50 ") && cdf.contains(">\np95 "));
    assert!(
        cdf.contains("P(achieved data plane RTO &lt;= 14 h) over 8 parameter draws"),
        "the title in words"
    );
    let sobol = std::fs::read_to_string(res.join("charts/sobol-availability-component-up.svg")).unwrap();
    assert!(sobol.contains("total (with interactions)") && sobol.contains("95 % interval"));
    for page in [&html, &md] {
        assert!(
            page.contains("Uncertain parameters (8 draws x 10 replications each"),
            "the parameters table"
        );
        assert!(page.contains("lognormal(median=1, sigma=0.7)") && page.contains("uniform(0.5, 2)"));
        assert!(page.contains("Key metrics over the draws"), "the metrics table");
        assert!(page.contains("What matters most: Sobol indices"), "the Sobol table");
        assert!(
            page.contains("--draws 8 --replications 10"),
            "reproduced with its draws"
        );
    }
    assert!(md.contains("| failures[name=component-failure].time_to_repair | factor | uniform(0.5, 2) |"));
    assert!(
        md.contains("| objectives.data_plane.rto.all.p_meet | "),
        "a key metric's row"
    );

    // An older run: no draws.csv. The report is written, with the Sobol charts and the tables, and
    // says why the CDFs are missing.
    std::fs::remove_file(res.join("draws.csv")).unwrap();
    std::fs::remove_dir_all(res.join("charts")).unwrap();
    bin().arg("report").arg("-q").arg(&res).assert().success();
    let html = check_charts(&res);
    assert!(
        !html.contains("uncertainty-cdf-"),
        "no CDF over draws without draws.csv"
    );
    assert!(html.contains("data-chart=\"sobol-availability-component-up\""));
    assert!(html.contains("draws.csv is missing"));
    assert!(html.contains("Key metrics over the draws"));
}
