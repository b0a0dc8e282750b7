//! Publishing that always leaves results (issue 15, item 4): one atomic exchange over an existing
//! directory, leftovers of dead processes removed or reported, a failed write removes its work
//! directory, a symlinked `charts/` and a file at the target path refused before anything runs.

use super::common::{bin, repo};
use outage_sim::publish::{INCOMPLETE_MARKER, LOCK_FILE, Stale, Swap, WorkDir};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

const SCENARIO: &str = "scenarios/validation/single-exponential.toml";
const NAME: &str = "validation-single-exponential";

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn publish(parent: &Path, text: &str) -> Swap {
    let work = WorkDir::create(parent, "d", "test").unwrap();
    work.write("a/value.txt", text.as_bytes()).unwrap();
    work.publish_how().unwrap().1
}

#[test]
fn publishing_over_a_directory_exchanges_them_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(publish(dir.path(), "one"), Swap::Renamed);
    fs::write(dir.path().join("d/only-in-old"), "x").unwrap();
    let how = publish(dir.path(), "two");
    if cfg!(target_os = "linux") {
        assert_eq!(how, Swap::Exchanged, "Linux publishes with RENAME_EXCHANGE");
    } else {
        assert_eq!(how, Swap::MovedAside);
    }
    assert_eq!(fs::read_to_string(dir.path().join("d/a/value.txt")).unwrap(), "two");
    assert!(!dir.path().join("d/only-in-old").exists(), "the old directory is gone");
    assert!(!dir.path().join("d").join(INCOMPLETE_MARKER).exists());
    assert!(!dir.path().join("d").join(LOCK_FILE).exists());
    // Nothing else is left: no work directory, no old directory.
    assert_eq!(names(dir.path()), ["d"]);
}

/// A reader looking at `d` while it is replaced again and again always finds a whole directory.
#[cfg(target_os = "linux")]
#[test]
fn there_is_never_a_moment_without_the_results_directory() {
    let dir = tempfile::tempdir().unwrap();
    publish(dir.path(), "0");
    let done = AtomicBool::new(false);
    let target = dir.path().join("d/a/value.txt");
    let (missing, looked) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let (mut missing, mut looked) = (0u64, 0u64);
            while !done.load(Ordering::Relaxed) {
                looked += 1;
                if fs::read_to_string(&target).is_err() {
                    missing += 1;
                }
            }
            (missing, looked)
        });
        for i in 1..=300 {
            assert_eq!(publish(dir.path(), &i.to_string()), Swap::Exchanged);
        }
        done.store(true, Ordering::Relaxed);
        reader.join().unwrap()
    });
    assert!(looked > 300, "the reader looked {looked} times");
    assert_eq!(missing, 0, "the results were missing {missing} of {looked} times");
    assert_eq!(fs::read_to_string(&target).unwrap(), "300");
}

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// A work directory as a killed writer leaves it.
fn leftover(out: &Path, suffix: &str, lock: &str, checkpoint: bool) -> std::path::PathBuf {
    let work = out.join(format!(".{NAME}.incomplete-{suffix}"));
    fs::create_dir_all(&work).unwrap();
    fs::write(work.join(LOCK_FILE), lock).unwrap();
    fs::write(work.join(INCOMPLETE_MARKER), "this run has not finished\n").unwrap();
    fs::write(work.join("incidents.csv"), "replication\n").unwrap();
    if checkpoint {
        fs::write(work.join("checkpoint.json"), "{}").unwrap();
    }
    work
}

#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_dead_processes_are_removed_on_the_next_run_and_doubtful_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    fs::create_dir_all(&out).unwrap();
    let dead = dead_pid();
    let gone = leftover(&out, &dead.to_string(), &format!("pid {dead}\nsome run\n"), false);
    // A dead run's checkpoint of another run: kept for `--resume`, and said so.
    let resumable = leftover(&out, &format!("{dead}-1"), &format!("pid {dead}\nanother run\n"), true);
    // Its lock is free but the process it names is alive (this test): reported, not removed.
    let me = std::process::id();
    let doubtful = leftover(&out, &format!("{dead}-2"), &format!("pid {me}\nsome run\n"), false);
    // An old directory of a dead publisher.
    let old = out.join(format!(".{NAME}.old-{dead}"));
    fs::create_dir_all(old.join("x")).unwrap();
    let run = bin()
        .args(["run", "-q", "--replications", "20", "--out"])
        .arg(&out)
        .arg(repo(SCENARIO))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!gone.exists() && !old.exists(), "{stderr}");
    assert!(resumable.exists() && doubtful.exists(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: ")).collect();
    assert_eq!(lines.len(), 4, "one line each: {stderr}");
    assert!(
        stderr.contains(&format!("removed {}", gone.display()))
            && stderr.contains(&format!("process {dead}, which is no longer running")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("kept {}", resumable.display())), "{stderr}");
    assert!(
        stderr.contains(&format!("left {} alone", doubtful.display()))
            && stderr.contains(&format!("a process {me} is running")),
        "{stderr}"
    );
    assert!(out.join(NAME).join("summary.json").is_file());
}

#[test]
fn a_held_work_directory_is_never_removed_as_stale() {
    let dir = tempfile::tempdir().unwrap();
    let live = WorkDir::create(dir.path(), "d", "live writer").unwrap();
    let found = WorkDir::remove_stale(dir.path(), "d", &|_, _| false).unwrap();
    assert_eq!(found, Vec::<Stale>::new());
    assert!(live.path().join(INCOMPLETE_MARKER).exists());
}

/// A write that fails (here: the file size limit, as a full disk would) removes the run's work
/// directory before the process exits, and leaves earlier results as they were.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_removes_its_work_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    bin()
        .args(["run", "-q", "--replications", "5", "--out"])
        .arg(&out)
        .arg(repo(SCENARIO))
        .assert()
        .success();
    let before = fs::read(out.join(NAME).join("summary.json")).unwrap();
    let exe = assert_cmd::cargo::cargo_bin!("outage-sim");
    // SIGXFSZ ignored: a write past 32 KiB fails with EFBIG instead of killing the process.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 64; exec \"$0\" run -q --replications 3000 --seed 9 --out \"$1\" \"$2\"")
        .arg(exe)
        .arg(&out)
        .arg(repo(SCENARIO))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("writing results failed"), "{stderr}");
    assert_eq!(names(&out), [NAME], "the work directory is gone: {stderr}");
    assert_eq!(fs::read(out.join(NAME).join("summary.json")).unwrap(), before);
}

#[test]
fn a_file_at_the_target_path_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(NAME), "not a directory").unwrap();
    let run = bin()
        .args(["run", "-q", "--replications", "20", "--out"])
        .arg(&out)
        .arg(repo(SCENARIO))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("exists and is not a directory") && stderr.contains("Nothing was run"),
        "{stderr}"
    );
    assert_eq!(names(&out), [NAME]);
    assert_eq!(fs::read_to_string(out.join(NAME)).unwrap(), "not a directory");
}

#[cfg(unix)]
#[test]
fn report_refuses_a_symlinked_charts_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    bin()
        .args(["run", "-q", "--replications", "5", "--out"])
        .arg(&out)
        .arg(repo(SCENARIO))
        .assert()
        .success();
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let results = out.join(NAME);
    std::os::unix::fs::symlink(&elsewhere, results.join("charts")).unwrap();
    let report = bin().arg("report").arg(&results).assert().code(2);
    let stderr = String::from_utf8_lossy(&report.get_output().stderr).into_owned();
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert!(names(&elsewhere).is_empty(), "nothing written through the link");
    assert!(!results.join("report.html").exists());
    // Without the link, the charts go into the results directory.
    fs::remove_file(results.join("charts")).unwrap();
    bin().args(["report", "-q"]).arg(&results).assert().success();
    assert!(results.join("charts").is_dir() && results.join("report.html").is_file());
}
