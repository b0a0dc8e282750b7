//! Committed baselines: `results/baseline/<scenario>/summary.json` for each shipped scenario at
//! its own seed and replication count. A run that no longer reproduces one byte for byte fails.
//! To update them on purpose (a deliberate model change), run
//! `UPDATE_BASELINES=1 cargo test --release --test integration baselines` and commit the diff.

use super::common::{load, repo, summary_json};

fn check(rel: &str) {
    let s = load(rel);
    let got = summary_json(&s, None);
    let path = repo(&format!("results/baseline/{}/summary.json", s.name));
    if std::env::var_os("UPDATE_BASELINES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (see this file's doc to create it)", path.display()));
    if got != want {
        panic!(
            "{} no longer reproduces {}.\nIf the change is deliberate, update the baselines (see tests/integration/baselines.rs).\n--- got ---\n{}",
            rel,
            path.display(),
            String::from_utf8_lossy(&got)
        );
    }
}

#[test]
fn premium_zone_redundant_reproduces_its_baseline() {
    check("scenarios/community-training-premium-zr.toml");
}

#[test]
fn standard_zonal_reproduces_its_baseline() {
    check("scenarios/community-training-standard-zonal.toml");
}

#[test]
fn zone_outage_drill_reproduces_its_baseline() {
    check("scenarios/zone-outage-drill.toml");
}
