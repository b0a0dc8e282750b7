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

/// Three shards of a small run on the command line, under `dir/shards`; returns their
/// directories in shard order.
fn shard_dirs(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let f = repo("scenarios/zone-outage-drill.toml");
    let shards = dir.join("shards");
    for k in 0..3 {
        bin()
            .args(["run", "-q", "--replications", "300", "--out"])
            .arg(&shards)
            .arg(&f)
            .args(["--shard", &format!("{k}/3")])
            .assert()
            .success();
    }
    let name = load("scenarios/zone-outage-drill.toml").name.clone();
    (0..3).map(|k| shards.join(format!("{name}.shard-{k}-of-3"))).collect()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Merges `dirs` into `out`: must be refused with exit 2, naming `names` (a file) in the
/// message containing `why`, and write nothing.
fn refused(dirs: &[std::path::PathBuf], out: &std::path::Path, names: &std::path::Path, why: &str) {
    let e = bin()
        .args(["merge", "-q", "--out"])
        .arg(out)
        .args(dirs)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(
        stderr.contains(&names.display().to_string()),
        "names {}: {stderr}",
        names.display()
    );
    assert!(stderr.contains(why), "{why}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(out).map(|d| d.count()).into_iter().collect();
    assert!(left.iter().all(|&n| n == 0), "nothing written under {}", out.display());
}

/// Rewrites a shard's partial.json with `edit` applied to its JSON, re-sealed (a valid
/// checksum: the edit must be caught by what the content says) unless `seal` is false.
fn edit_partial(dir: &std::path::Path, seal: bool, edit: impl FnOnce(&mut serde_json::Value)) {
    let file = dir.join("partial.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    edit(&mut v);
    let bytes = if seal {
        let p: Partial = serde_json::from_value(v).unwrap();
        serde_json::to_vec(&p.sealed()).unwrap()
    } else {
        serde_json::to_vec(&v).unwrap()
    };
    std::fs::write(&file, bytes).unwrap();
}

#[test]
fn merge_refuses_tampered_truncated_and_missing_shards_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = shard_dirs(dir.path());
    let mut case = 0;
    // A fresh copy of the three shards for each case.
    let mut fresh = || {
        case += 1;
        let base = dir.path().join(format!("case-{case}"));
        let dirs: Vec<_> = good
            .iter()
            .map(|d| {
                let to = base.join(d.file_name().unwrap());
                copy_dir(d, &to);
                to
            })
            .collect();
        (dirs, base.join("out"))
    };
    // Sanity: the untouched copies merge.
    let (dirs, out) = fresh();
    bin()
        .args(["merge", "-q", "--out"])
        .arg(&out)
        .args(&dirs)
        .assert()
        .success();

    // Counts changed by hand: the checksum no longer matches.
    let (dirs, out) = fresh();
    edit_partial(&dirs[1], false, |v| {
        v["stats"]["replications"] = (v["stats"]["replications"].as_u64().unwrap() + 5).into();
    });
    refused(&dirs, &out, &dirs[1].join("partial.json"), "does not match the content");

    // The same with the checksum recomputed: the counts no longer match the shard.
    let (dirs, out) = fresh();
    edit_partial(&dirs[1], true, |v| {
        v["stats"]["replications"] = (v["stats"]["replications"].as_u64().unwrap() + 5).into();
    });
    refused(&dirs, &out, &dirs[1].join("partial.json"), "stats.replications is 105");

    // An empty feature list.
    let (dirs, out) = fresh();
    edit_partial(&dirs[0], true, |v| v["stats"]["features"] = serde_json::json!([]));
    refused(
        &dirs,
        &out,
        &dirs[0].join("partial.json"),
        "stats.features has 0 entries",
    );

    // A lone shard relabelled as the whole run.
    let (dirs, out) = fresh();
    edit_partial(&dirs[0], true, |v| v["shard"]["count"] = 1.into());
    refused(
        &dirs[..1],
        &out,
        &dirs[0].join("partial.json"),
        "replications it covers are 300",
    );

    // Shard headers that cannot be: index >= count, count 0, count 10^18.
    for (index, count, why) in [
        (3u64, 3u64, "the index must be less than the count"),
        (0, 0, "the index must be less than the count"),
        (
            0,
            1_000_000_000_000_000_000,
            "1000000000000000000 shards for 300 replications",
        ),
    ] {
        let (dirs, out) = fresh();
        edit_partial(&dirs[2], true, |v| {
            v["shard"]["index"] = index.into();
            v["shard"]["count"] = count.into();
        });
        refused(&dirs, &out, &dirs[2].join("partial.json"), why);
    }

    // A truncated row file, an altered one, a missing one.
    let (dirs, out) = fresh();
    let csv = dirs[1].join("incidents.csv");
    let bytes = std::fs::read(&csv).unwrap();
    std::fs::write(&csv, &bytes[..bytes.len() - 10]).unwrap();
    refused(&dirs, &out, &csv, "truncated");

    let (dirs, out) = fresh();
    let csv = dirs[2].join("replications.csv");
    let mut bytes = std::fs::read(&csv).unwrap();
    let at = bytes.len() - 3;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(&csv, &bytes).unwrap();
    refused(&dirs, &out, &csv, "altered");

    let (dirs, out) = fresh();
    let csv = dirs[0].join("replications.csv");
    std::fs::remove_file(&csv).unwrap();
    refused(&dirs, &out, &csv, "missing");

    // Not JSON at all, and an older format.
    let (dirs, out) = fresh();
    std::fs::write(dirs[0].join("partial.json"), b"\x00\xffnot json").unwrap();
    refused(&dirs, &out, &dirs[0].join("partial.json"), "not a partial result");
    let (dirs, out) = fresh();
    edit_partial(&dirs[0], false, |v| v["format"] = "outage-sim partial v3".into());
    refused(
        &dirs,
        &out,
        &dirs[0].join("partial.json"),
        "unknown partial result format",
    );
}

#[test]
fn more_shards_than_replications_is_bad_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let e = bin()
        .args(["run", "-q", "--replications", "3", "--shard", "0/5", "--out"])
        .arg(dir.path())
        .arg(repo("scenarios/zone-outage-drill.toml"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(
        stderr.contains("--shard 0/5") && stderr.contains("at most 3 shards"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // As many shards as replications: every shard has one.
    bin()
        .args(["run", "-q", "--replications", "3", "--shard", "2/3", "--out"])
        .arg(dir.path())
        .arg(repo("scenarios/zone-outage-drill.toml"))
        .assert()
        .success();
}
