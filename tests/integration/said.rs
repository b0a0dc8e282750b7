//! Nothing that matters goes unsaid (issue 15, item 6): the scenario hash covers what determines
//! the results and not output options, and a scenario in which nothing can fail is warned about
//! instead of reporting 100 % in silence.

use super::common::{bin, repo};

fn summary(dir: &std::path::Path, name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name).join("summary.json")).unwrap()).unwrap()
}

#[test]
fn output_options_do_not_change_the_scenario_hash_and_shards_of_both_merge() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/zone-outage-drill.toml");
    let name = "zone-outage-drill";
    let mut hashes = Vec::new();
    for (out, option) in [
        ("plain", None),
        ("no-rows", Some("--no-replication-rows")),
        ("summary", Some("--summary-only")),
    ] {
        bin()
            .args(["run", "-q", "--replications", "40", "--out"])
            .arg(dir.path().join(out))
            .arg(&f)
            .args(option)
            .assert()
            .success();
        hashes.push(summary(&dir.path().join(out), name)["scenario"]["hash"].clone());
    }
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    // So a shard run without rows merges with one run with them; the merge has no rows.
    let shards = dir.path().join("shards");
    for (k, rows) in [(0, true), (1, false)] {
        bin()
            .args(["run", "-q", "--replications", "40", "--out"])
            .arg(&shards)
            .arg(&f)
            .args(["--shard", &format!("{k}/2")])
            .args((!rows).then_some("--no-replication-rows"))
            .assert()
            .success();
    }
    let merged = dir.path().join("merged");
    let a = bin()
        .args(["merge", "-q", "--out"])
        .arg(&merged)
        .arg(shards.join(format!("{name}.shard-0-of-2")))
        .arg(shards.join(format!("{name}.shard-1-of-2")))
        .assert()
        .success();
    let e = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(e.contains("the merged run has no replications.csv"), "{e}");
    assert!(!merged.join(name).join("replications.csv").exists());
    assert_eq!(
        summary(&merged, name)["replications"],
        summary(&dir.path().join("plain"), name)["replications"]
    );
}

#[test]
fn a_scenario_where_nothing_can_fail_is_warned_about() {
    let source = std::fs::read_to_string(repo("scenarios/validation/single-exponential.toml")).unwrap();
    let at = source.find("[[failures]]").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nothing-fails.toml");
    std::fs::write(&file, &source[..at]).unwrap();
    let a = bin()
        .args(["run", "--replications", "20", "--out"])
        .arg(dir.path().join("out"))
        .arg(&file)
        .assert()
        .success();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&a.get_output().stdout).to_string(),
        String::from_utf8_lossy(&a.get_output().stderr).to_string(),
    );
    let warning = "nothing can fail in this scenario: it has no [[failures]] and no [[faults]]";
    assert!(stderr.contains(&format!("warning: {warning}")), "{stderr}");
    // In the table's header lines, before the figures.
    let header: Vec<&str> = stdout.lines().take(3).collect();
    assert!(
        header.iter().any(|l| l.starts_with("WARNING: ") && l.contains(warning)),
        "{stdout}"
    );
    // `validate` warns too, and still accepts it.
    let v = bin().arg("validate").arg(&file).assert().success();
    assert!(String::from_utf8_lossy(&v.get_output().stderr).contains(warning));
    // A scenario that can fail has no such warning.
    let v = bin()
        .arg("validate")
        .arg(repo("scenarios/validation/single-exponential.toml"))
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&v.get_output().stderr).contains("warning"));
}
