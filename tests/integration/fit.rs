//! `outage-sim fit`: the best fit is a string a scenario accepts, with its `[[uncertain]]` entry;
//! JSON parses; bad input exits 2, prints nothing on stdout and writes nothing.

use super::common::{bin, repo};
use outage_sim::model::Dist;
use std::path::Path;

/// An `incidents.csv`-like file: RTOs in seconds (`rto_s`) that are the quantiles of a Weibull of
/// shape 3 and scale 10 h (a sample without sampling noise), every tenth one still open
/// (`censored` true, its value halved: the incident had lasted that long).
fn incidents_like(dir: &Path) -> std::path::PathBuf {
    let n = 200;
    let mut text = String::from("replication,plane,rto_s,censored,kind\n");
    for i in 0..n {
        let p = (i as f64 + 0.5) / n as f64;
        let x = 36_000.0 * (-(1.0 - p).ln()).powf(1.0 / 3.0);
        let open = i % 10 == 3;
        let value = if open { x / 2.0 } else { x };
        text.push_str(&format!("{i},data_plane,{value:.1},{open},zone-outage\n"));
    }
    let path = dir.join("incidents.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn fit_prints_a_best_fit_a_scenario_accepts_and_its_uncertain_entry() {
    let dir = tempfile::tempdir().unwrap();
    let csv = incidents_like(dir.path());
    let out = bin()
        .args([
            "fit",
            csv.to_str().unwrap(),
            "--column",
            "rto_s",
            "--censored",
            "censored",
        ])
        .args(["--unit", "s", "--parameter", "failures[name=zone-power].time_to_repair"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let best = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Best fit (lowest AIC): "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(best.starts_with("weibull("), "{stdout}");
    Dist::parse(best).unwrap_or_else(|e| panic!("{best}: {e}"));
    for family in ["exponential", "weibull", "lognormal", "gamma"] {
        assert!(stdout.contains(&format!("  {family} ")), "{family}: {stdout}");
    }
    assert!(stdout.contains("Kaplan–Meier"), "{stdout}");
    assert!(stdout.contains(
        "[[uncertain]]\nparameter = \"failures[name=zone-power].time_to_repair\"\nfactor = \"lognormal(median=1, sigma=0."
    ));
    assert!(
        stdout.contains("# multiplies the fitted scale; sigma = SE of ln(scale) from the fit (n = 200, 20 censored)")
    );
}

#[test]
fn fit_json_holds_every_family_and_the_best_fit() {
    let out = bin()
        .args(["fit", repo("scenarios/data/zone-repair-times.csv").to_str().unwrap()])
        .args(["--column", "repair_h", "--censored", "open", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let families = v["families"].as_array().unwrap();
    assert_eq!(families.len(), 4);
    for f in families {
        assert_eq!(f["converged"], true, "{f}");
        for key in ["params", "log_likelihood", "aic", "delta_aic", "ks", "scenario"] {
            assert!(!f[key].is_null(), "{key} in {f}");
        }
        Dist::parse(f["scenario"].as_str().unwrap()).unwrap();
    }
    assert_eq!((v["n"].as_u64(), v["censored"].as_u64()), (Some(24), Some(4)));
    assert_eq!(v["ks_reference"]["kind"], "kaplan_meier");
    let best = v["best"].as_str().unwrap();
    let best_fit = families.iter().find(|f| f["family"] == best).unwrap();
    assert_eq!(best_fit["delta_aic"], 0.0);
    assert_eq!(v["scenario"], best_fit["scenario"]);
    assert_eq!(v["uncertain"]["placeholder"], true);
    let toml = v["uncertain"]["toml"].as_str().unwrap();
    assert!(toml.starts_with("[[uncertain]]\nparameter = "), "{toml}");
    assert!(toml.contains(v["uncertain"]["factor"].as_str().unwrap()));
}

#[test]
fn fit_bad_input_exits_2_and_writes_nothing() {
    let cases: &[(&str, &str, &[&str], &str)] = &[
        (
            "no column",
            "d,open\n4h,0\n5h,0\n",
            &["--column", "duration"],
            "no column \"duration\"",
        ),
        (
            "misspelled",
            "duration,open\n4h,0\n5h,0\n",
            &["--column", "duraton"],
            "did you mean \"duration\"?",
        ),
        (
            "ambiguous",
            "a,b\n4h,5h\n5h,6h\n",
            &[],
            "has 2 columns (a, b): say which",
        ),
        (
            "bad cell",
            "id,d\n1,4h\n2,soon\n",
            &["--column", "d"],
            "data.csv:3:2: column \"d\": \"soon\" is not a duration",
        ),
        (
            "negative",
            "d\n4h\n-2\n5h\n",
            &[],
            "data.csv:3:1: column \"d\": \"-2\" is negative",
        ),
        (
            "zero",
            "d\n4h\n0\n5h\n",
            &[],
            "data.csv:3:1: column \"d\": \"0\" is zero",
        ),
        (
            "flag",
            "d,open\n4h,0\n5h,maybe\n",
            &["--censored", "open"],
            "data.csv:3:2: column \"open\"",
        ),
        (
            "no header",
            "4.5\n3\n2\n",
            &[],
            "data.csv:1: the first row (4.5) holds values, not column names",
        ),
        ("one value", "d\n4h\n", &[], "1 uncensored value(s) of 1"),
        (
            "censored",
            "d,open\n4h,0\n5h,1\n",
            &["--censored", "open"],
            "at least 2 uncensored",
        ),
        ("empty", "", &[], "is empty"),
        (
            "ragged",
            "d,open\n4h,0\n5h\n",
            &["--censored", "open"],
            "data.csv:3: 1 field(s), but the header row has 2",
        ),
    ];
    for (what, text, args, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("data.csv"), text).unwrap();
        let out = bin()
            .current_dir(dir.path())
            .args(["fit", "data.csv"])
            .args(*args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(stderr.contains(want), "{what}: {stderr}");
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1, "{what}: wrote {files:?}");
    }
}

#[test]
fn fit_output_in_the_guide_is_a_real_run() {
    let out = bin()
        .current_dir(repo(""))
        .args([
            "fit",
            "scenarios/data/zone-repair-times.csv",
            "--column",
            "repair_h",
            "--censored",
            "open",
        ])
        .args(["--parameter", "failures[name=zone-power-cooling].time_to_repair"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let guide = std::fs::read_to_string(repo("docs/GUIDE.md")).unwrap();
    assert!(
        guide.contains(&stdout),
        "docs/GUIDE.md, \"Fitting distributions to incident data\", should show:\n{stdout}"
    );
}
