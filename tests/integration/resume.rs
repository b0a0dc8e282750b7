//! Exclusive, verified work directories (issue 15, item 1): two resumes of one interrupted run
//! at once give one result, byte-identical to an uninterrupted run, and the second exits 1
//! saying who holds the run; a resume never pads or trusts rows that differ from its checkpoint.

use super::common::{bin, repo};
use outage_sim::montecarlo::CHECKPOINT;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NAME: &str = "community-training-standard-zonal";
const ARGS: [&str; 5] = ["-q", "--replications", "50000", "--threads", "1"];

fn scenario() -> PathBuf {
    repo("scenarios/community-training-standard-zonal.toml")
}

fn spawn(out: &Path, extra: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin!("outage-sim"))
        .arg("run")
        .args(ARGS)
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(scenario())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Work directories under `out`.
fn work_dirs(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".incomplete-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Starts a run, kills it (SIGKILL) once it has checkpointed, and returns its work directory.
fn interrupted(out: &Path) -> PathBuf {
    let mut child = spawn(out, &[]);
    let deadline = Instant::now() + Duration::from_secs(120);
    let checkpointed = || work_dirs(out).into_iter().find(|p| p.join(CHECKPOINT).exists());
    while checkpointed().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.join(NAME).exists(), "killed before it finished");
    checkpointed().expect("the run checkpointed before it was killed")
}

/// The clean, uninterrupted results (computed once per test).
fn clean(dir: &Path) -> PathBuf {
    let out = dir.join("clean");
    bin()
        .arg("run")
        .args(ARGS)
        .arg("--out")
        .arg(&out)
        .arg(scenario())
        .assert()
        .success();
    out.join(NAME)
}

fn assert_same(a: &Path, b: &Path) {
    for file in [
        "summary.json",
        "replications.csv",
        "incidents.csv",
        "distributions.json",
    ] {
        let x = std::fs::read(a.join(file)).unwrap();
        let y = std::fs::read(b.join(file)).unwrap();
        assert!(x == y, "{file} differs from the uninterrupted run's");
    }
}

#[test]
fn two_concurrent_resumes_give_one_result_identical_to_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let clean = clean(dir.path());
    let out = dir.path().join("interrupted");
    let work = interrupted(&out);
    // Both at once, as a requeued job beside its not-yet-dead first attempt would.
    let a = spawn(&out, &["--resume"]);
    let b = spawn(&out, &["--resume"]);
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let mut codes = [a.status.code(), b.status.code()];
    codes.sort();
    assert_eq!(codes, [Some(0), Some(1)], "one resumes, the other refuses");
    let loser = if a.status.success() { &b } else { &a };
    let stderr = String::from_utf8_lossy(&loser.stderr);
    assert!(
        stderr.contains("another process (pid ") && stderr.contains("is already running this run"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&work.display().to_string()),
        "names the work directory: {stderr}"
    );
    assert_same(&clean, &out.join(NAME));
    assert!(work_dirs(&out).is_empty(), "nothing left behind: {:?}", work_dirs(&out));
}

#[test]
fn a_fresh_run_beside_a_live_one_of_the_same_run_exits_1_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("busy");
    let mut first = spawn(&out, &[]);
    // Wait until the first holds its work directory.
    let deadline = Instant::now() + Duration::from_secs(60);
    while work_dirs(&out).iter().all(|w| !w.join("LOCK").exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    for extra in [&[][..], &["--resume"][..]] {
        let second = bin()
            .arg("run")
            .args(ARGS)
            .args(extra)
            .arg("--out")
            .arg(&out)
            .arg(scenario())
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&second.get_output().stderr).to_string();
        assert!(stderr.contains("is already running this run"), "{extra:?}: {stderr}");
        assert_eq!(work_dirs(&out).len(), 1, "{extra:?}: the second wrote nothing");
    }
    // Another seed is another run: not refused.
    bin()
        .args(["run", "-q", "--replications", "100", "--seed", "7", "--out"])
        .arg(&out)
        .arg(scenario())
        .assert()
        .success();
    assert_eq!(first.wait().unwrap().code(), Some(0));
    assert!(out.join(NAME).join("summary.json").exists());
}

#[test]
fn a_resume_refuses_rows_that_differ_from_the_checkpoint_and_recomputes() {
    let dir = tempfile::tempdir().unwrap();
    let clean = clean(dir.path());
    // Power loss (rows shorter than the checkpoint says) and bit rot (same length, other bytes).
    for damage in ["truncated", "altered"] {
        let out = dir.path().join(damage);
        let work = interrupted(&out);
        let cp: serde_json::Value = serde_json::from_slice(&std::fs::read(work.join(CHECKPOINT)).unwrap()).unwrap();
        let at = cp["incidents_csv"]["bytes"].as_u64().unwrap();
        let file = work.join("incidents.csv");
        let mut bytes = std::fs::read(&file).unwrap();
        match damage {
            "truncated" => bytes.truncate(at as usize - 100),
            _ => bytes[at as usize / 2] ^= 0x20,
        }
        std::fs::write(&file, &bytes).unwrap();
        let resumed = bin()
            .arg("run")
            .args(ARGS)
            .arg("--resume")
            .arg("--out")
            .arg(&out)
            .arg(scenario())
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&resumed.get_output().stderr).to_string();
        let why = match damage {
            "truncated" => "fewer than the",
            _ => "are not those its checkpoint recorded",
        };
        assert!(
            stderr.contains(why) && stderr.contains("not resumed from"),
            "{damage}: {stderr}"
        );
        assert!(stderr.contains("starting afresh"), "{damage}: {stderr}");
        assert_same(&clean, &out.join(NAME));
        assert!(work_dirs(&out).is_empty(), "{damage}: the damaged directory is gone");
    }
    // A damaged checkpoint is not resumed from either (and is left for the user to look at).
    let out = dir.path().join("bad-checkpoint");
    let work = interrupted(&out);
    // (The checksum is of the content: a change that leaves the content as it was, such as a
    // misspelt key of a field that is absent by default, is no change.)
    let mut cp: serde_json::Value = serde_json::from_slice(&std::fs::read(work.join(CHECKPOINT)).unwrap()).unwrap();
    cp["next_replication"] = (cp["next_replication"].as_u64().unwrap() + 1).into();
    std::fs::write(work.join(CHECKPOINT), serde_json::to_vec(&cp).unwrap()).unwrap();
    let resumed = bin()
        .arg("run")
        .args(ARGS)
        .arg("--resume")
        .arg("--out")
        .arg(&out)
        .arg(scenario())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&resumed.get_output().stderr).to_string();
    assert!(
        stderr.contains("checkpoint.json") && stderr.contains("not resumed from"),
        "{stderr}"
    );
    assert_same(&clean, &out.join(NAME));
}
