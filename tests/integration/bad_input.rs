//! Bad input: one test per class. Each must exit with code 2, name the file with line:column
//! (and the field path for semantic errors), say what is allowed, and write no result files.

use super::common::{bin, repo};
use std::path::Path;

const BASE: &str = "scenarios/validation/single-exponential.toml";

/// Writes BASE with `old` replaced by `new` (which must occur) and runs `outage-sim run` on it.
/// Returns stderr after checking the exit code and that nothing was written.
fn run_broken(old: &str, new: &str) -> String {
    let source = std::fs::read_to_string(repo(BASE)).unwrap();
    assert!(source.contains(old), "test setup: {old:?} not in {BASE}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, source.replacen(old, new, 1)).unwrap();
    run_file(&file, dir.path())
}

fn run_file(file: &Path, dir: &Path) -> String {
    let out = dir.join("results");
    let assert = bin().arg("run").arg(file).arg("--out").arg(&out).assert().code(2);
    assert!(!out.exists(), "bad input must not create result files");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "names the file: {stderr}");
    stderr
}

/// Asserts `stderr` points at `line:col` and contains each fragment.
fn expect(stderr: &str, line_col: &str, fragments: &[&str]) {
    assert!(
        stderr.contains(&format!("broken.toml:{line_col}: ")),
        "expected {line_col} in: {stderr}"
    );
    for f in fragments {
        assert!(stderr.contains(f), "expected {f:?} in: {stderr}");
    }
}

#[test]
fn toml_syntax_error() {
    let e = run_broken("horizon = \"1000h\"", "horizon = \"1000h");
    expect(&e, "9:17", &["expected `\"`"]);
}

#[test]
fn unknown_field() {
    let e = run_broken("seed = 11", "seed = 11\ncolour = \"blue\"");
    expect(&e, "13:1", &["unknown field `colour`", "expected one of", "horizon"]);
}

#[test]
fn wrong_type() {
    let e = run_broken("replications = 4000", "replications = \"many\"");
    expect(&e, "11:16", &["invalid type", "expected u64"]);
}

#[test]
fn missing_required_field() {
    let e = run_broken("seed = 11\n", "");
    expect(&e, "8:1", &["missing field `seed`"]);
}

#[test]
fn non_positive_duration() {
    let e = run_broken("horizon = \"1000h\"", "horizon = \"0s\"");
    expect(&e, "9:11", &["simulation.horizon", "positive duration"]);
}

#[test]
fn malformed_duration() {
    let e = run_broken("horizon = \"1000h\"", "horizon = \"1000 hours\"");
    expect(&e, "9:11", &["unknown unit", "us, ms, s, m, h, d, w, y"]);
}

#[test]
fn probability_outside_unit_interval() {
    let e = run_broken(
        "time_to_repair = \"exp(mean=10h)\"",
        "time_to_repair = \"exp(mean=10h)\"\n\n[[services]]\nname = \"x\"\nbackup = { interval = \"1h\", failure_probability = 1.5 }",
    );
    expect(
        &e,
        "50:51",
        &["services[1].backup.failure_probability", "[0, 1)", "1.5"],
    );
}

#[test]
fn invalid_distribution_parameters() {
    let e = run_broken(
        "time_to_failure = \"exp(mean=100h)\"",
        "time_to_failure = \"weibull(shape=-2, scale=100h)\"",
    );
    expect(&e, "45:19", &["weibull", "shape must be a finite number > 0"]);
    let e = run_broken(
        "time_to_failure = \"exp(mean=100h)\"",
        "time_to_failure = \"pareto(2, 3h)\"",
    );
    expect(
        &e,
        "45:19",
        &["unknown distribution \"pareto\"", "gamma(shape=K, scale=D)"],
    );
}

#[test]
fn unknown_region() {
    let e = run_broken("region = \"Lab\"\nsku", "region = \"Atlantis\"\nsku");
    expect(
        &e,
        "15:10",
        &["deployment.region", "unknown region \"Atlantis\"", "\"East US\""],
    );
}

#[test]
fn zone_redundant_in_region_without_zones() {
    let e = run_broken(
        "region = \"Lab\"\nsku = \"standard\"\ndata_plane = \"zonal\"",
        "region = \"West US\"\nsku = \"standard\"\ndata_plane = \"zone-redundant\"",
    );
    expect(
        &e,
        "17:14",
        &["deployment.data_plane", "region \"West US\" has none", "use \"zonal\""],
    );
}

#[test]
fn region_without_a_pair() {
    let e = run_broken("pair = \"Lab DR\"\n", "");
    expect(&e, "15:10", &["deployment.region", "has no pair", "paired regions"]);
}

#[test]
fn feature_depending_on_unknown_service() {
    let e = run_broken(
        "services = [\"component\"]\n\n[[failures]]",
        "services = [\"componnt\"]\n\n[[failures]]",
    );
    expect(
        &e,
        "38:13",
        &[
            "features[0].services[0]",
            "unknown service \"componnt\"",
            "declared services: component",
        ],
    );
}

#[test]
fn zonal_placement_in_a_zone_the_region_lacks() {
    let e = run_broken("zones = [1]", "zones = [4]");
    expect(
        &e,
        "34:10",
        &["services[0].zones[0]", "zone 4 does not exist", "zones 1 to 3"],
    );
}

#[test]
fn nonexistent_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = run_file(&dir.path().join("no-such-scenario.toml"), dir.path());
    assert!(e.contains("no-such-scenario.toml: cannot read scenario"), "{e}");
}

#[test]
fn validate_reports_every_bad_file_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = 5\n").unwrap();
    let a = bin().arg("validate").arg(repo(BASE)).arg(&bad).assert().code(2);
    let out = a.get_output();
    assert!(String::from_utf8_lossy(&out.stdout).contains("single-exponential.toml: ok"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml:1:8: name: invalid type"));
}

#[test]
fn bad_command_line_values_exit_2() {
    bin().args(["run", "--replications", "0"]).assert().code(2);
    bin().args(["run", "--threads", "x"]).assert().code(2);
    bin().args(["trace", "--replication", "99999999"]).assert().code(2);
}

const CLIENTS: &str = "scenarios/retry-storm-budgeted.toml";

/// Like `run_broken`, on the client scenario.
fn run_broken_clients(old: &str, new: &str) -> String {
    let source = std::fs::read_to_string(repo(CLIENTS)).unwrap();
    assert!(source.contains(old), "test setup: {old:?} not in {CLIENTS}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, source.replacen(old, new, 1)).unwrap();
    run_file(&file, dir.path())
}

#[test]
fn unknown_retry_preset() {
    let e = run_broken_clients("preset = \"aws-standard\"", "preset = \"aws-turbo\"");
    assert!(
        e.contains("clients.retry: preset: unknown retry preset \"aws-turbo\""),
        "{e}"
    );
    assert!(
        e.contains("azure-core-dotnet") && e.contains("polly-v8"),
        "lists the presets: {e}"
    );
    assert!(e.contains("broken.toml:"), "{e}");
}

#[test]
fn unknown_retry_field() {
    let e = run_broken_clients("preset = \"aws-standard\"", "preset = \"aws-standard\", retries = 3");
    assert!(
        e.contains("unknown field `retries`") && e.contains("max_attempts"),
        "{e}"
    );
}

#[test]
fn client_mix_naming_an_unknown_feature() {
    let e = run_broken_clients(
        "after = \"30m\"",
        "after = \"30m\"\nmix = [{ feature = \"chat\", weight = 1 }]",
    );
    assert!(e.contains("clients.mix[0].feature: unknown feature \"chat\""), "{e}");
}

#[test]
fn recovery_plan_with_a_probability_outside_unit_interval() {
    let e = run_broken(
        "seed = 11\n",
        "seed = 11\n\n[recovery]\nconsent = { response = \"1h\", no_consent_probability = 1.5 }\n",
    );
    assert!(
        e.contains("recovery.consent.no_consent_probability: must be a probability in [0, 1]"),
        "{e}"
    );
    assert!(e.contains("broken.toml:15:55: "), "points at the value: {e}");
}

#[test]
fn feature_named_like_a_plane() {
    // `availability.data_plane` is the plane's metric path; a feature may not take it.
    let e = run_broken("name = \"component-up\"", "name = \"data_plane\"");
    expect(
        &e,
        "37:8",
        &[
            "features[0].name",
            "\"data_plane\" is reserved",
            "availability.data_plane",
        ],
    );
}

#[test]
fn region_disaster_with_a_crew() {
    // The region comes back by itself; a crew on it would be taken and never released.
    let e = run_broken(
        "time_to_repair = \"exp(mean=10h)\"",
        "time_to_repair = \"exp(mean=10h)\"\n\n[[crews]]\nname = \"ops\"\nsize = 1\n\n[[failures]]\nname = \"region\"\nkind = \"region-disaster\"\ntime_to_failure = \"exp(mean=10y)\"\ntime_to_repair = \"6h\"\ncrew = \"ops\"",
    );
    expect(
        &e,
        "57:8",
        &[
            "failures[1].crew",
            "region-disaster ends when the region comes back by itself",
        ],
    );
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    1 + text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the text"))
}

#[test]
fn every_independent_mistake_of_a_file_is_reported_with_its_place() {
    let source = std::fs::read_to_string(repo(BASE)).unwrap();
    let text = source
        .replacen("horizon = \"1000h\"", "horizon = \"0s\"", 1)
        .replacen("replications = 4000", "replications = 0", 1)
        .replacen(
            "time_to_failure = \"exp(mean=100h)\"",
            "time_to_failure = \"uniform(0s, 0s)\"",
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, &text).unwrap();
    let e = run_file(&file, dir.path());
    let ttf = line_of(&text, "uniform(0s, 0s)");
    expect(&e, "9:11", &["simulation.horizon: must be a positive duration"]);
    expect(&e, "11:16", &["simulation.replications: must be between 1 and"]);
    expect(
        &e,
        &format!("{ttf}:19"),
        &["failures[0].time_to_failure: must not always be 0s"],
    );
    // One error a line, each opening with `error: ` and naming the file, in the file's order.
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 3, "{e}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("error: ") && l.contains("broken.toml:")),
        "{e}"
    );
    assert!(
        lines[0].contains(":9:11:") && lines[2].contains(&format!(":{ttf}:")),
        "{e}"
    );
    // `validate` reports the same three.
    let a = bin().arg("validate").arg(&file).assert().code(2);
    let v = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert_eq!(v.lines().count(), 3, "{v}");
}

#[test]
fn at_most_twenty_errors_are_shown_then_how_many_more() {
    let mut text = std::fs::read_to_string(repo(BASE)).unwrap();
    for i in 0..30 {
        text.push_str(&format!(
            "\n[[failures]]\nname = \"bad-{i}\"\nkind = \"zone-outage\"\ntime_to_failure = \"fixed(0s)\"\ntime_to_repair = \"1h\"\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, &text).unwrap();
    let e = run_file(&file, dir.path());
    let shown: Vec<&str> = e.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(shown.len(), 20, "{e}");
    assert!(shown[0].contains("failures[1].time_to_failure"), "{e}");
    assert!(shown[19].contains("failures[20].time_to_failure"), "{e}");
    assert!(
        e.trim_end()
            .ends_with("and 10 more errors (30 in all; the first 20 are shown)"),
        "{e}"
    );
}

#[test]
fn times_to_failure_always_zero_are_refused_in_every_form() {
    for form in [
        "0s",
        "fixed(0s)",
        "uniform(0s, 0s)",
        "empirical(0s)",
        "empirical(0s, 0s)",
    ] {
        let e = run_broken(
            "time_to_failure = \"exp(mean=100h)\"",
            &format!("time_to_failure = \"{form}\""),
        );
        assert!(
            e.contains("failures[0].time_to_failure: must not always be 0s (the process would never be up)"),
            "{form}: {e}"
        );
    }
}

#[test]
fn a_region_paired_with_itself_is_refused() {
    let e = run_broken(
        "name = \"Lab\"\nzones = 3\npair = \"Lab DR\"",
        "name = \"Lab\"\nzones = 3\npair = \"Lab\"",
    );
    expect(&e, "23:8", &["regions[0].pair", "cannot be its own pair"]);
}

#[test]
fn throughputs_of_every_sku_are_checked_not_only_the_one_in_use() {
    // The deployment is Standard; a Premium throughput of 0 is refused all the same.
    let e = run_broken(
        "seed = 11\n",
        "seed = 11\n\n[recovery]\ndatabase = { premium_gb_per_hour = 0.0 }\n",
    );
    assert!(
        e.contains("recovery.database.premium_gb_per_hour: must be a number > 0, got 0"),
        "{e}"
    );
    assert!(e.contains("broken.toml:15:"), "{e}");
}

#[test]
fn client_padding_and_attempts_are_bounded_with_the_allowed_range() {
    let e = run_broken_clients("after = \"30m\"", "after = \"10000y\"");
    assert!(e.contains("clients.after: at most 7d"), "{e}");
    let e = run_broken_clients(
        "preset = \"aws-standard\"",
        "preset = \"aws-standard\", max_attempts = 1000000000",
    );
    assert!(e.contains("max_attempts: at most 100"), "{e}");
    // A float is not a count.
    let e = run_broken_clients(
        "preset = \"aws-standard\"",
        "preset = \"aws-standard\", max_attempts = 1e9",
    );
    assert!(e.contains("max_attempts") && e.contains("invalid type"), "{e}");
}
