//! `[expect]` and `outage-sim check`: a scenario's expectations judged on 95 % intervals, exit 0
//! when all hold, 1 when one fails (or is inconclusive, unless allowed), 2 on bad input.

use super::common::{bin, load, repo};
use outage_sim::scenario;
use std::path::{Path, PathBuf};

const DRILL: &str = "scenarios/zone-outage-drill.toml";
const BASE: &str = "scenarios/validation/single-exponential.toml";

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A shipped scenario's source without its `[expect]` block (and the comment lines above it).
fn without_expect(rel: &str) -> String {
    let source = std::fs::read_to_string(repo(rel)).unwrap();
    match source.find("\n[expect]") {
        None => source,
        Some(i) => {
            let head = source[..i].trim_end();
            // Drop the comment paragraph right above the block, if any.
            let keep = match head.rsplit_once("\n\n") {
                Some((h, last)) if last.lines().all(|l| l.starts_with('#')) => h,
                _ => head,
            };
            format!("{keep}\n")
        }
    }
}

/// Writes `source` to `dir/name.toml`.
fn write(dir: &Path, name: &str, source: &str) -> PathBuf {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, source).unwrap();
    file
}

/// Runs `outage-sim check FILE --out DIR/results ARGS`, asserting the exit code; returns
/// (stdout, stderr).
fn check(file: &Path, dir: &Path, args: &[&str], code: i32) -> (String, String) {
    let a = bin()
        .arg("check")
        .arg(file)
        .arg("--out")
        .arg(dir.join("results"))
        .args(args)
        .assert()
        .code(code);
    let out = a.get_output();
    (text(&out.stdout), text(&out.stderr))
}

/// The row of the expectations table that starts with `metric`.
fn row<'a>(stdout: &'a str, metric: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{metric} ")))
        .unwrap_or_else(|| panic!("no row for {metric} in:\n{stdout}"))
}

#[test]
fn check_passes_when_every_expectation_holds_and_writes_what_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    let drill = repo(DRILL);
    let (stdout, stderr) = check(&drill, dir.path(), &["--replications", "2000"], 0);
    assert!(stderr.is_empty(), "{stderr}");
    // The run's own summary table first, then the expectations table.
    assert!(
        stdout.contains("Availability") && stdout.contains("Zone incidents"),
        "{stdout}"
    );
    let header = row(&stdout, "metric");
    for column in ["expected", "estimate", "95% interval", "verdict"] {
        assert!(header.contains(column), "{header}");
    }
    let s = load(DRILL);
    assert!(s.expectations.len() >= 5);
    for e in &s.expectations {
        let r = row(&stdout, &e.path);
        assert!(r.contains(&e.to_string()) && r.trim_end().ends_with("pass"), "{r}");
    }
    assert!(row(&stdout, "zone_incidents.data_plane.rpo.max").contains("none: point value (exact maximum)"));
    let p95 = row(&stdout, "zone_incidents.data_plane.rto.p95");
    assert!(
        p95.contains(" s, ") && p95.contains(" s]"),
        "an interval of durations: {p95}"
    );
    assert!(stdout.contains(&format!(
        "Result: PASS ({n} of {n} expectations held: {n} pass)",
        n = s.expectations.len()
    )));

    // Same results as `run` with the same options, byte for byte.
    let run_out = dir.path().join("run");
    bin()
        .args(["run", "-q", "--replications", "2000", "--out"])
        .arg(&run_out)
        .arg(&drill)
        .assert()
        .success();
    for f in ["summary.json", "replications.csv", "incidents.csv", "scenario.toml"] {
        let got = std::fs::read(dir.path().join("results/zone-outage-drill").join(f)).unwrap();
        let want = std::fs::read(run_out.join("zone-outage-drill").join(f)).unwrap();
        assert!(got == want, "{f} differs between check and run");
    }
    // `--quiet` leaves out the run's table, not the verdicts.
    let (quiet, _) = check(&drill, dir.path(), &["-q", "--replications", "1000"], 0);
    assert!(
        !quiet.contains("Availability") && quiet.starts_with("Expectations"),
        "{quiet}"
    );
}

#[test]
fn the_budgeted_retry_storm_passes_its_gate_and_the_unbudgeted_one_fails_it() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, _) = check(&repo("scenarios/retry-storm-budgeted.toml"), dir.path(), &["-q"], 0);
    assert!(
        row(&stdout, "clients.overloaded_after_trigger.max").ends_with("pass"),
        "{stdout}"
    );
    // The same gate on the unbudgeted, unjittered storm.
    let budgeted = std::fs::read_to_string(repo("scenarios/retry-storm-budgeted.toml")).unwrap();
    let gate = &budgeted[budgeted.find("\n[expect]").unwrap()..];
    let storm = without_expect("scenarios/retry-storm.toml") + gate;
    let file = write(dir.path(), "storm", &storm);
    let (stdout, stderr) = check(&file, dir.path(), &["-q"], 1);
    for metric in ["clients.overloaded_after_trigger.max", "clients.retry_amplification"] {
        assert!(row(&stdout, metric).trim_end().ends_with("FAIL"), "{stdout}");
        assert!(stderr.contains(metric), "{stderr}");
    }
    assert!(stdout.contains("Result: FAIL"), "{stdout}");
}

#[test]
fn check_exits_1_with_the_failing_rows_when_an_expectation_clearly_fails() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(repo(DRILL)).unwrap();
    let entry = "\"zone_incidents.data_plane.rto.p95\" = \"<= 2m\"";
    assert!(source.contains(entry));
    let file = write(
        dir.path(),
        "impossible",
        &source.replace(entry, "\"zone_incidents.data_plane.rto.p95\" = \"<= 1s\""),
    );
    let (stdout, stderr) = check(&file, dir.path(), &["--replications", "500"], 1);
    let r = row(&stdout, "zone_incidents.data_plane.rto.p95");
    assert!(r.contains("<= 1s") && r.trim_end().ends_with("FAIL"), "{r}");
    assert!(
        row(&stdout, "zone_incidents.data_plane.rpo.max")
            .trim_end()
            .ends_with("pass")
    );
    assert!(stdout.contains("Result: FAIL") && stdout.contains("1 fail"), "{stdout}");
    assert!(stderr.starts_with("error: 1 of "), "{stderr}");
    assert!(
        stderr.contains("zone_incidents.data_plane.rto.p95 <= 1s (fail)"),
        "{stderr}"
    );
    // The results are written all the same: a failed gate is not a failed run.
    assert!(dir.path().join("results/zone-outage-drill/summary.json").exists());
    // `run` does not judge expectations.
    bin()
        .args(["run", "-q", "--replications", "50", "--out"])
        .arg(dir.path().join("run"))
        .arg(&file)
        .assert()
        .success();
}

#[test]
fn an_interval_straddling_the_threshold_is_inconclusive_and_fails_unless_allowed() {
    // A data-plane RTO target of 35 s sits inside the failover windows, so P(meet RTO) is
    // strictly between 0 and 1; a threshold equal to its estimate lies strictly inside the
    // Wilson interval.
    let dir = tempfile::tempdir().unwrap();
    let base = without_expect(DRILL)
        + "\n[targets]\ndata_plane = { rpo = \"12h\", rto = \"35s\" }\n\n[expect]\n\"zone_incidents.data_plane.rpo.max\" = \"<= 0s\"\n";
    let with =
        |threshold: &str| base.clone() + &format!("\"zone_incidents.data_plane.p_meet_rto\" = \">= {threshold}\"\n");
    let file = write(dir.path(), "straddle", &with("0.5"));
    let args = ["-q", "--replications", "1000"];
    let _ = bin()
        .arg("check")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("results"))
        .args(args)
        .output()
        .unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("results/zone-outage-drill/summary.json")).unwrap())
            .unwrap();
    let estimate = summary["zone_incidents"]["data_plane"]["p_meet_rto"]["estimate"]
        .as_f64()
        .unwrap();
    assert!(estimate > 0.05 && estimate < 0.95, "{estimate}");
    let file = write(dir.path(), "straddle", &with(&estimate.to_string()));

    let (stdout, stderr) = check(&file, dir.path(), &args, 1);
    let r = row(&stdout, "zone_incidents.data_plane.p_meet_rto");
    assert!(r.ends_with("inconclusive (counts as fail)"), "{stdout}");
    assert!(
        stdout.contains("counts as a failure unless --allow-inconclusive"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Result: FAIL (1 of 2 expectations held: 1 pass, 1 inconclusive)"),
        "{stdout}"
    );
    assert!(stderr.contains("zone_incidents.data_plane.p_meet_rto >= "), "{stderr}");
    assert!(stderr.contains("(inconclusive)"), "{stderr}");

    let mut allowed = args.to_vec();
    allowed.push("--allow-inconclusive");
    let (stdout, _) = check(&file, dir.path(), &allowed, 0);
    assert!(
        row(&stdout, "zone_incidents.data_plane.p_meet_rto").ends_with("inconclusive (allowed)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Result: PASS (2 of 2 expectations held: 1 pass, 1 inconclusive)"),
        "{stdout}"
    );
}

#[test]
fn a_metric_without_data_is_judged_inconclusive() {
    // The single-component oracle has no control-plane feature, hence no control-plane incident.
    let dir = tempfile::tempdir().unwrap();
    let source = without_expect(BASE)
        + "\n[expect]\n\"zone_incidents.control_plane.rto.p95\" = \"<= 1h\"\n\"availability.component-up\" = \">= 0.8\"\n";
    let file = write(dir.path(), "no-data", &source);
    let (stdout, stderr) = check(&file, dir.path(), &["-q", "--replications", "200"], 1);
    let r = row(&stdout, "zone_incidents.control_plane.rto.p95");
    assert!(r.contains("no data") && r.ends_with("no data (counts as fail)"), "{r}");
    assert!(
        stderr.contains("zone_incidents.control_plane.rto.p95 <= 1h (no data)"),
        "{stderr}"
    );
    let (stdout, _) = check(
        &file,
        dir.path(),
        &["-q", "--replications", "200", "--allow-inconclusive"],
        0,
    );
    assert!(
        row(&stdout, "zone_incidents.control_plane.rto.p95").ends_with("no data (allowed)"),
        "{stdout}"
    );
}

#[test]
fn expectations_are_not_part_of_the_scenario_hash() {
    let with = load(DRILL);
    assert!(!with.expectations.is_empty());
    let without = scenario::from_source(&without_expect(DRILL), &repo(DRILL)).unwrap();
    assert!(without.expectations.is_empty() && !without.to_toml().contains("[expect]"));
    assert_eq!(with.hash(), without.hash());
    // ... but they are kept in the scenario as run (and survive its round trip).
    assert!(with.to_toml().contains("[expect]"));
    assert!(
        with.to_toml()
            .contains("\"zone_incidents.data_plane.rto.p95\" = \"<= 2m\"")
    );
    let changed = without.with(&[scenario::Override::seed(without.seed + 1)]).unwrap();
    assert_ne!(changed.hash(), without.hash());
}

// ---- bad input: exit 2, file:line:column, the field path, what is allowed, nothing written ----

/// BASE plus an `[expect]` block holding `entry`; runs `command` on it and checks exit 2 and
/// that nothing was written. Returns stderr and the 1-based line of `entry`.
fn broken(command: &str, entry: &str) -> (String, usize) {
    let source = without_expect(BASE) + "\n[expect]\n\"availability.component-up\" = \">= 0.5\"\n" + entry + "\n";
    let line = source.lines().position(|l| l == entry).unwrap() + 1;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "broken", &source);
    let out = dir.path().join("results");
    let a = bin().arg(command).arg(&file).arg("--out").arg(&out).assert().code(2);
    assert!(!out.exists(), "bad input must not create result files");
    let stderr = text(&a.get_output().stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains(&file.display().to_string()),
        "{stderr}"
    );
    (stderr, line)
}

fn expect_at(stderr: &str, at: &str, fragments: &[&str]) {
    assert!(
        stderr.contains(&format!("broken.toml:{at}: ")),
        "expected {at} in: {stderr}"
    );
    for f in fragments {
        assert!(stderr.contains(f), "expected {f:?} in: {stderr}");
    }
}

#[test]
fn check_without_an_expect_block_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let a = bin()
        .arg("check")
        .arg(repo(BASE))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
    let stderr = text(&a.get_output().stderr);
    assert!(stderr.contains("single-exponential.toml: "), "{stderr}");
    assert!(
        stderr.contains("no [expect] block") && stderr.contains("use `run`"),
        "{stderr}"
    );
    // The file is required.
    bin().arg("check").assert().code(2);
}

#[test]
fn unknown_metric_path_lists_the_known_ones() {
    for command in ["check", "run"] {
        let (e, line) = broken(command, "\"zone_incidents.data_plane.recovery\" = \"<= 1h\"");
        expect_at(
            &e,
            &format!("{line}:1"),
            &[
                "expect.\"zone_incidents.data_plane.recovery\"",
                "unknown metric \"zone_incidents.data_plane.recovery\"",
                "known under zone_incidents:",
                "zone_incidents.data_plane.rto.{mean, min, p50, p90, p95, p99, max}",
                "`outage-sim metrics` lists them all",
            ],
        );
        // A near miss is suggested instead of a list.
        let (e, line) = broken(command, "\"availability.compnent-up\" = \">= 0.9\"");
        expect_at(
            &e,
            &format!("{line}:1"),
            &["did you mean \"availability.component-up\"?"],
        );
        // A path of schema 1: unknown, with its new name.
        let (e, line) = broken(command, "\"region_disaster.data_plane.rto.p_meet\" = \">= 0.9\"");
        expect_at(
            &e,
            &format!("{line}:1"),
            &["\"region_disaster.data_plane.rto.p_meet\" is now \"region_disasters.data_plane.p_meet_rto\""],
        );
    }
}

#[test]
fn duration_metric_compared_with_a_number_and_vice_versa() {
    let (e, line) = broken("check", "\"zone_incidents.data_plane.rto.p95\" = \"<= 48\"");
    expect_at(
        &e,
        &format!("{line}:39"),
        &[
            "expect.\"zone_incidents.data_plane.rto.p95\"",
            "is a duration metric",
            "\"48\" is a plain number",
        ],
    );
    let (e, line) = broken("check", "\"zone_incidents.data_plane.p_meet_rto\" = \">= 48h\"");
    expect_at(
        &e,
        &format!("{line}:42"),
        &[
            "expect.\"zone_incidents.data_plane.p_meet_rto\"",
            "is a probability",
            "\"48h\" is a duration",
        ],
    );
}

#[test]
fn bad_operator() {
    let (e, line) = broken("check", "\"zone_incidents.data_plane.rto.p95\" = \"=< 48h\"");
    expect_at(
        &e,
        &format!("{line}:39"),
        &[
            "expect.\"zone_incidents.data_plane.rto.p95\"",
            "invalid condition \"=< 48h\"",
            "<=, <, >= or >",
        ],
    );
    let (e, _) = broken("check", "\"zone_incidents.data_plane.rto.p95\" = \"<== 48h\"");
    assert!(e.contains("allowed: <=, <, >=, >"), "{e}");
}

#[test]
fn client_metric_without_clients() {
    let (e, line) = broken("check", "\"clients.retry_amplification\" = \"<= 1.5\"");
    expect_at(
        &e,
        &format!("{line}:1"),
        &["expect.\"clients.retry_amplification\"", "needs a [clients] section"],
    );
}

#[test]
fn condition_that_is_not_a_string_or_an_unquoted_path() {
    let (e, line) = broken("check", "\"zone_incidents.data_plane.rto.p95\" = 48");
    expect_at(
        &e,
        &format!("{line}:39"),
        &["invalid type: integer `48`", "\"<op> <value>\""],
    );
    let (e, line) = broken("check", "zone_incidents.data_plane.rto.p95 = \"<= 48h\"");
    expect_at(
        &e,
        &format!("{line}:1"),
        &[
            "invalid type: map",
            "quote metric paths: \"zone_incidents.data_plane.rto.p95\" = \"<= 48h\"",
        ],
    );
}

#[test]
fn a_feature_name_with_a_dot_is_quoted_in_its_path() {
    // `availability.component.up` would read as three keys; quoted, as in --set, it is one.
    let dir = tempfile::tempdir().unwrap();
    let source = without_expect(BASE).replace("name = \"component-up\"", "name = \"component.up\"")
        + "\n[expect]\n\"availability.\\\"component.up\\\"\" = \">= 0.5\"\n";
    let file = write(dir.path(), "dotted", &source);
    let (stdout, _) = check(&file, dir.path(), &["-q", "--replications", "200"], 0);
    assert!(
        row(&stdout, "availability.\"component.up\"").ends_with("pass"),
        "{stdout}"
    );
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("results/validation-single-exponential/summary.json")).unwrap(),
    )
    .unwrap();
    assert!(
        summary["availability"]["component.up"]["estimate"].is_number(),
        "{summary}"
    );
    let listed = bin().arg("metrics").arg(&file).assert().success();
    let text = String::from_utf8_lossy(&listed.get_output().stdout).into_owned();
    assert!(text.contains("\navailability.\"component.up\" "), "{text}");
    // Unquoted, it is an unknown metric.
    let unquoted = source.replace("\"availability.\\\"component.up\\\"\"", "\"availability.component.up\"");
    let file = write(dir.path(), "unquoted", &unquoted);
    let (_, stderr) = check(&file, dir.path(), &["-q"], 2);
    assert!(
        stderr.contains("unknown metric \"availability.component.up\""),
        "{stderr}"
    );
}
