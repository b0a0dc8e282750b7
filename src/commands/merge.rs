//! `merge`: the shards' partial results combined into the results of one run.

use super::finish::{Ending, finish};
use super::{FAILED, bad_input, failed};
use crate::cli::OutputFormat;
use crate::montecarlo::Summary;
use crate::montecarlo::{self, Partial, RowFile, RunStats};
use crate::publish;
use crate::results::{ResultsWriter, read_state_file};
use crate::scenario;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Reads the shards' partial results, checks them (format, checksum, shard and counts, the
/// statistics against the scenario, every row file against its recorded digest and row count),
/// merges them exactly, and writes the results of the whole run: `summary.json` byte-identical
/// to a single-process run, rows concatenated in order. Anything that does not check is bad
/// input (exit 2, naming the file), and nothing is published.
pub fn merge(dirs: &[PathBuf], out: &Path, quiet: bool, format: OutputFormat) -> ExitCode {
    let mut shards = Vec::new();
    for d in dirs {
        let file = d.join("partial.json");
        let partial = read_state_file(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| Partial::from_json(&b));
        match partial {
            Ok(p) => shards.push((d.clone(), p)),
            Err(e) => return bad_input(format!("{}: {e}", file.display())),
        }
    }
    let Some((first_dir, first)) = shards.first() else {
        return bad_input(montecarlo::MergeError::Empty);
    };
    let scenario_file = first_dir.join("scenario.toml");
    let s = match scenario::load(&scenario_file) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if s.hash() != first.scenario_hash {
        return bad_input(format!(
            "{}: does not match its partial result's scenario hash",
            scenario_file.display()
        ));
    }
    if s.uncertainty().is_some() {
        return merge_two_level(&s, shards, out, quiet, format);
    }
    // The statistics of every partial of this scenario, checked before anything is merged
    // (partials of another scenario are refused by the merge, by name).
    for (d, p) in &shards {
        if p.scenario_hash == first.scenario_hash {
            let covered = p.shard.range(p.replications);
            if let Err(e) = p.check_stats(&s, covered.end - covered.start) {
                return bad_input(format!("{}: {e}", d.join("partial.json").display()));
            }
        }
    }
    let partials: Vec<Partial> = shards.iter().map(|(_, p)| p.clone()).collect();
    let merged = quietly(|| {
        montecarlo::merge_partials(&partials).map(|stats| {
            let summary = Summary::new(&s, &stats);
            (stats, summary)
        })
    });
    let (stats, summary): (RunStats, Summary) = match merged {
        Some(Ok(done)) => done,
        Some(Err(e)) => return bad_input(e),
        None => {
            return bad_input(format!(
                "the statistics in the partial results under {} are inconsistent with each other \
                 (altered after they were written?)",
                first_dir.display()
            ));
        }
    };
    if let Some(refused) = file_at_target(out, &s.name) {
        return refused;
    }
    // Whether rows are written does not change the scenario's hash: shards run with and without
    // `--no-replication-rows` merge, and the merged run has rows only if every shard has them.
    let rows = shards.iter().all(|(_, p)| p.replications_csv.is_some());
    if !rows && shards.iter().any(|(_, p)| p.replications_csv.is_some()) {
        super::say(
            "note",
            "some shards were run without replication rows (--no-replication-rows or --summary-only): \
             the merged run has no replications.csv",
        );
    }
    let owner = format!("merging {} shards of {}", shards.len(), first.run_key());
    let mut writer = match ResultsWriter::create(out, &s, rows, &owner) {
        Ok(w) => w,
        Err(e) => return failed(format!("cannot create results under {}: {e}", out.display())),
    };
    shards.sort_by_key(|(_, p)| p.shard.index);
    for (d, p) in &shards {
        let range = p.shard.range(p.replications);
        let files = [
            (
                "replications.csv",
                p.replications_csv.as_ref(),
                Some(range.end - range.start),
            ),
            ("incidents.csv", p.incidents_csv.as_ref(), None),
        ];
        for (name, recorded, rows_wanted) in files {
            if name == "replications.csv" && !rows {
                continue;
            }
            let file = d.join(name);
            let recorded = match (recorded, name) {
                (Some(r), _) => r,
                (None, _) => {
                    return bad_input(format!(
                        "{}: records no digest of {name}, so {} cannot be checked",
                        d.join("partial.json").display(),
                        file.display()
                    ));
                }
            };
            if let Err(e) = check_row_file(&file, recorded, rows_wanted, p) {
                // The writer, dropped, removes its work directory.
                return bad_input(e);
            }
            match writer.append_rows(&file) {
                Ok(n) if n == recorded.rows => {}
                Ok(n) => {
                    return bad_input(format!(
                        "{}: {n} rows, but its partial result records {}",
                        file.display(),
                        recorded.rows
                    ));
                }
                Err(e) => return failed(format!("{}: {e}", file.display())),
            }
        }
    }
    match finish(writer, &s, &stats, &summary, Ending::Merge(shards.len()), format, quiet) {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(FAILED),
    }
}

/// Checks a shard's row file against what its partial result recorded: present, the same
/// length and SHA-256, and (for `replications.csv`) one row per replication of the shard.
fn check_row_file(file: &Path, recorded: &RowFile, rows_wanted: Option<u64>, p: &Partial) -> Result<(), String> {
    if let Some(want) = rows_wanted
        && recorded.rows != want
    {
        return Err(format!(
            "{}: its partial result records {} rows, but shard {} has {want} replications",
            file.display(),
            recorded.rows,
            p.shard
        ));
    }
    let found = match publish::digest_file(file) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{}: missing; shard {} wrote it (its partial result records {} bytes)",
                file.display(),
                p.shard,
                recorded.bytes
            ));
        }
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    if found.bytes() != recorded.bytes || found.sha256() != recorded.sha256 {
        let how = if found.bytes() < recorded.bytes {
            "truncated"
        } else {
            "altered"
        };
        return Err(format!(
            "{}: {} bytes ({}), but its partial result records {} bytes ({}): {how} since shard {} wrote it",
            file.display(),
            found.bytes(),
            found.sha256(),
            recorded.bytes,
            recorded.sha256,
            p.shard
        ));
    }
    Ok(())
}

/// Runs `work`, turning a panic into `None` without printing it: a last line of defence against
/// statistics that pass every check and still contradict each other.
/// Merges the shards of a two-level run: each shard's points are checked against the design
/// (exactly its range, in order) and its pooled statistics against the replications of its
/// Latin-hypercube draws; the merged run is what one process writes, byte for byte.
fn merge_two_level(
    s: &scenario::Plan,
    mut shards: Vec<(PathBuf, Partial)>,
    out: &Path,
    quiet: bool,
    format: OutputFormat,
) -> ExitCode {
    use crate::montecarlo::uncertainty::{Design, UncertainRun, pooled_replications, summarize};
    let u = s.uncertainty().expect("called for scenarios with [uncertainty]");
    let design = Design::new(s, u.draws).expect("a scenario with [uncertainty] has a design");
    let metrics = crate::model::metric::catalogue_of(s);
    for (d, p) in &shards {
        let file = d.join("partial.json");
        if p.scenario_hash != s.hash() {
            // Refused by name by the merge below.
            continue;
        }
        let Some(part) = &p.draws else {
            return bad_input(format!(
                "{}: holds no parameter draws, but its scenario has [uncertainty]",
                file.display()
            ));
        };
        if p.shard.count > design.len() {
            return bad_input(format!(
                "{}: shard {} of a design of {} parameter sets",
                file.display(),
                p.shard,
                design.len()
            ));
        }
        let range = p.shard.range(design.len());
        if let Err(e) = part.check(&design, range.clone(), metrics.len()) {
            return bad_input(format!("{}: {e}", file.display()));
        }
        if let Err(e) = p.check_stats(s, pooled_replications(&design, range, s.replications)) {
            return bad_input(format!("{}: {e}", file.display()));
        }
    }
    shards.sort_by_key(|(_, p)| p.shard.index);
    let partials: Vec<Partial> = shards.iter().map(|(_, p)| p.clone()).collect();
    let pooled = match quietly(|| montecarlo::merge_partials(&partials)) {
        Some(Ok(stats)) => stats,
        Some(Err(e)) => return bad_input(e),
        None => return bad_input("the statistics in the partial results are inconsistent with each other"),
    };
    let evaluations = shards
        .iter()
        .flat_map(|(_, p)| p.draws.iter().flat_map(|d| d.evaluations.iter().cloned()))
        .collect();
    let run = UncertainRun {
        metrics,
        evaluations,
        pooled,
    };
    let Some(summary) = quietly(|| summarize(s, &design, &run)) else {
        return bad_input("the statistics in the partial results are inconsistent with each other");
    };
    if let Some(refused) = file_at_target(out, &s.name) {
        return refused;
    }
    let owner = format!("merging {} shards of {}", shards.len(), shards[0].1.run_key());
    let writer = match ResultsWriter::create(out, s, false, &owner) {
        Ok(w) => w,
        Err(e) => return failed(format!("cannot create results under {}: {e}", out.display())),
    };
    match super::uncertain::publish(
        writer,
        s,
        &design,
        &run,
        &summary,
        format,
        quiet,
        Ending::Merge(shards.len()),
    ) {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(FAILED),
    }
}

/// A file (not a directory) where the merged results go: bad input, before anything is written.
fn file_at_target(out: &Path, name: &str) -> Option<ExitCode> {
    let target = out.join(name);
    let meta = std::fs::metadata(&target).ok()?;
    (!meta.is_dir()).then(|| {
        bad_input(format!(
            "{} exists and is not a directory: the results cannot be published there; move it away \
             or choose another --out. Nothing was merged",
            target.display()
        ))
    })
}

fn quietly<T>(work: impl FnOnce() -> T) -> Option<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    std::panic::set_hook(hook);
    result.ok()
}
