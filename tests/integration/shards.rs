//! Deterministic shards and exact merge: `summary.json` is byte-identical to one process's,
//! for any shard count and merge order; partials of different runs are refused.

use super::common::{bin, load, repo, summary_json, with_reps};
use outage_sim::montecarlo::Summary;
use outage_sim::montecarlo::{self, Partial, RunOptions, Shard, merge_partials};

fn partials(s: &outage_sim::scenario::Plan, count: u64) -> Vec<Partial> {
    (0..count)
        .map(|index| {
            let shard = Shard { index, count };
            let options = RunOptions {
                keep_outcomes: false,
                shard: Some(shard),
                ..RunOptions::default()
            };
            Partial::new(s, shard, montecarlo::run(s, &options, |_| Ok::<(), ()>(())).unwrap())
        })
        .collect()
}

#[test]
fn merged_shards_give_the_single_process_summary_for_1_2_3_and_7_shards_in_any_order() {
    // A scenario with zone incidents, region disasters and every accumulator in use.
    let s = with_reps(&load("scenarios/community-training-standard-zonal.toml"), 3_001);
    let single = summary_json(&s, None);
    for count in [1, 2, 3, 7] {
        let mut parts = partials(&s, count);
        // Through JSON, as the files travel between machines.
        parts = parts
            .iter()
            .map(|p| serde_json::from_slice(&serde_json::to_vec(p).unwrap()).unwrap())
            .collect();
        for order in 0..3 {
            match order {
                0 => {}
                1 => parts.reverse(),
                _ => parts.rotate_left(count as usize / 2),
            }
            let merged = merge_partials(&parts).unwrap();
            assert_eq!(
                Summary::new(&s, &merged).to_json(),
                single,
                "{count} shards, order {order}"
            );
        }
    }
}

#[test]
fn partials_of_different_runs_or_incomplete_sets_are_refused() {
    let s = with_reps(&load("scenarios/zone-outage-drill.toml"), 100);
    let parts = partials(&s, 3);
    let mut other_seed = parts.clone();
    other_seed[1].seed += 1;
    assert!(
        merge_partials(&other_seed)
            .unwrap_err()
            .to_string()
            .contains("different seeds")
    );
    let mut other_scenario = parts.clone();
    other_scenario[2].scenario_hash = "sha256:0".into();
    assert!(
        merge_partials(&other_scenario)
            .unwrap_err()
            .to_string()
            .contains("different scenarios")
    );
    let mut other_version = parts.clone();
    other_version[0].tool_version = "0.0.0".into();
    assert!(
        merge_partials(&other_version)
            .unwrap_err()
            .to_string()
            .contains("different tool versions")
    );
    assert!(
        merge_partials(&parts[..2])
            .unwrap_err()
            .to_string()
            .contains("shard 2/3 is missing")
    );
    let twice = vec![parts[0].clone(), parts[0].clone(), parts[1].clone()];
    assert!(merge_partials(&twice).unwrap_err().to_string().contains("given twice"));
}

#[test]
fn run_shard_and_merge_on_the_command_line_reproduce_run() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo("scenarios/community-training-standard-zonal.toml");
    let args = ["--replications", "2000", "-q", "--out"];
    bin()
        .arg("run")
        .args(args)
        .arg(dir.path().join("single"))
        .arg(&f)
        .assert()
        .success();
    let shards = dir.path().join("shards");
    for k in [2, 0, 1] {
        bin()
            .arg("run")
            .args(args)
            .arg(&shards)
            .arg(&f)
            .args(["--shard", &format!("{k}/3")])
            .assert()
            .success();
    }
    let name = "community-training-standard-zonal";
    let mut merge = bin();
    merge.args(["merge", "-q", "--out"]).arg(dir.path().join("merged"));
    for k in [1, 2, 0] {
        merge.arg(shards.join(format!("{name}.shard-{k}-of-3")));
    }
    merge.assert().success();
    for file in ["summary.json", "replications.csv", "incidents.csv"] {
        let a = std::fs::read(dir.path().join("single").join(name).join(file)).unwrap();
        let b = std::fs::read(dir.path().join("merged").join(name).join(file)).unwrap();
        assert!(a == b, "{file} differs");
    }
    // A shard of another seed (so also another scenario hash: --seed overrides the file) is
    // refused, with exit code 2.
    bin()
        .arg("run")
        .args(args)
        .arg(dir.path().join("other"))
        .arg(&f)
        .args(["--seed", "1", "--shard", "0/3"])
        .assert()
        .success();
    let e = bin()
        .args(["merge", "--out"])
        .arg(dir.path().join("bad"))
        .arg(dir.path().join("other").join(format!("{name}.shard-0-of-3")))
        .arg(shards.join(format!("{name}.shard-1-of-3")))
        .arg(shards.join(format!("{name}.shard-2-of-3")))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(stderr.contains("cannot merge partials of different"), "{stderr}");
    assert!(!dir.path().join("bad").join(name).exists(), "nothing written");
    bin().args(["run", "--shard", "3/3"]).assert().code(2);
}
