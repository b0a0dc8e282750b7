//! `merge`: the shards' partial results combined into the results of one run.

use super::finish::{Ending, finish};
use super::{FAILED, bad_input, failed};
use crate::cli::OutputFormat;
use crate::montecarlo::Summary;
use crate::montecarlo::{self, Partial};
use crate::results::ResultsWriter;
use crate::scenario;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Reads the shards' partial results, merges them exactly, and writes the results of the whole
/// run: `summary.json` byte-identical to a single-process run, rows concatenated in order.
pub fn merge(dirs: &[PathBuf], out: &Path, quiet: bool, format: OutputFormat) -> ExitCode {
    let mut shards = Vec::new();
    for d in dirs {
        let file = d.join("partial.json");
        let partial: Partial = match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("not a partial result: {e}")))
        {
            Ok(p) => p,
            Err(e) => return bad_input(format!("{}: {e}", file.display())),
        };
        shards.push((d.clone(), partial));
    }
    let partials: Vec<Partial> = shards.iter().map(|(_, p)| p.clone()).collect();
    let stats = match montecarlo::merge_partials(&partials) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let scenario_file = shards[0].0.join("scenario.toml");
    let s = match scenario::load(&scenario_file) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if s.hash() != partials[0].scenario_hash {
        return bad_input(format!(
            "{}: does not match its partial result's scenario hash",
            scenario_file.display()
        ));
    }
    let rows = shards.iter().all(|(d, _)| d.join("replications.csv").exists());
    let mut writer = match ResultsWriter::create(out, &s, rows) {
        Ok(w) => w,
        Err(e) => return failed(format!("cannot create results under {}: {e}", out.display())),
    };
    shards.sort_by_key(|(_, p)| p.shard.index);
    for (d, _) in &shards {
        for name in ["replications.csv", "incidents.csv"] {
            if let Err(e) = writer.append_rows(&d.join(name)) {
                // The writer, dropped, removes its work directory.
                return failed(format!("{}: {e}", d.join(name).display()));
            }
        }
    }
    let summary = Summary::new(&s, &stats);
    match finish(writer, &s, &stats, &summary, Ending::Merge(shards.len()), format, quiet) {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(FAILED),
    }
}
