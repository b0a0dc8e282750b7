//! Output that cannot harm its reader (issue 15, item 5): names with control characters are
//! refused with their field path (and never echoed raw), study CSVs are neutralized like
//! incidents.csv.

use super::common::{bin, repo};
use std::fs;

const SCENARIO: &str = "scenarios/validation/single-exponential.toml";

#[test]
fn names_with_control_characters_are_refused_with_their_field_path() {
    let source = fs::read_to_string(repo(SCENARIO)).unwrap();
    let crew = format!(
        "{}\n[[crews]]\nname = \"night\\u001b[2Jshift\"\nsize = 1\n",
        source.replace(
            "kind = \"service-outage\"",
            "kind = \"service-outage\"\ncrew = \"night\\u001b[2Jshift\""
        )
    );
    let cases = [
        (
            source.replace("name = \"component-failure\"", "name = \"disk\\u001b[31m\""),
            "failures[0].name",
        ),
        (crew, "crews[0].name"),
        (source.replace("\"Lab DR\"", "\"Lab\\tDR\""), "regions[1].name"),
        (
            source.replace("name = \"validation-single-exponential\"", "name = \"x\\u0007\""),
            "name",
        ),
        (
            source.replace("name = \"component-up\"", "name = \"up\\u001b]0;t\\u0007\""),
            "features[0].name",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (text, path)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("s{i}.toml"));
        fs::write(&file, text).unwrap();
        let out = bin().arg("validate").arg(&file).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(path), "{path}: {stderr}");
        assert!(
            !stderr.chars().any(|c| c.is_control() && c != '\n'),
            "a control character reached the terminal: {stderr:?}"
        );
        assert!(
            stderr.contains("\\u{1b}") || stderr.contains("\\t") || stderr.contains("\\u{7}"),
            "{stderr}"
        );
    }
}

#[test]
fn study_csvs_are_neutralized_like_incidents_csv() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["sweep", "-q", "--replications", "20", "--name", "evil", "--out"])
        .arg(dir.path())
        .arg(repo(SCENARIO))
        .args(["--set", "failures[0].name=@SUM(A1),-2+3,=HYPERLINK(1)"])
        .args(["--metric", "availability.component-up"])
        .assert()
        .success();
    let csv = fs::read_to_string(dir.path().join("evil/sweep.csv")).unwrap();
    let first: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(first, ["'@SUM(A1)", "'-2+3", "'=HYPERLINK(1)"], "{csv}");
    // Numbers (negative ones too) are left alone, and no other cell starts a formula.
    for line in csv.lines().skip(1) {
        for cell in line.split(',').skip(1) {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                "{cell:?} in {csv}"
            );
        }
    }
}
