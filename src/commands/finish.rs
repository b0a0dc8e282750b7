//! How `run`, `check` and `merge` end: the results directory published, then the summary printed.

use super::{FAILED, Reported};
use crate::cli::OutputFormat;
use crate::montecarlo::{Partial, RunStats, Shard, Summary};
use crate::report::render_table;
use crate::results::{Finished, ResultsWriter};
use crate::scenario::Plan;
use std::path::PathBuf;

/// What finished.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ending {
    /// A whole run.
    Run,
    /// One shard of a run: its partial result, to merge.
    Shard(Shard),
    /// This many shards merged into the whole run.
    Merge(usize),
}

/// Publishes the results of a run (or shard, or merge) and prints its summary on stdout in
/// `format` (nothing in table format when `quiet`). Returns the results directory; a failure is
/// reported here.
pub(crate) fn finish(
    writer: ResultsWriter,
    s: &Plan,
    stats: &RunStats,
    summary: &Summary,
    ending: Ending,
    format: OutputFormat,
    quiet: bool,
) -> Result<PathBuf, Reported> {
    let written = match ending {
        Ending::Shard(shard) => writer.finish(s, Finished::Shard(&Partial::new(s, shard, stats.clone()))),
        Ending::Run | Ending::Merge(_) => writer.finish(s, Finished::Run { stats, summary }),
    };
    let dir = written.map_err(|e| {
        eprintln!("error: writing results failed: {e}");
        Reported(FAILED)
    })?;
    match ending {
        Ending::Run => print_summary(summary, format, quiet, &format!("Results: {}", dir.display())),
        Ending::Merge(shards) => {
            let footer = format!("Results (merged from {shards} shards): {}", dir.display());
            print_summary(summary, format, quiet, &footer);
        }
        // A shard's summary is not the run's: the table is one line saying where the partial is.
        Ending::Shard(shard) if format == OutputFormat::Table => {
            if !quiet {
                println!(
                    "Shard {shard}: {} replications; partial results: {}",
                    stats.replications,
                    dir.display()
                );
            }
        }
        Ending::Shard(_) => print_summary(summary, format, quiet, ""),
    }
    Ok(dir)
}

/// Prints a finished summary on stdout in `format` (nothing in table format when quiet).
fn print_summary(summary: &Summary, format: OutputFormat, quiet: bool, footer: &str) {
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(summary).expect("summary serializes")),
        OutputFormat::Table if !quiet => {
            print!("{}", render_table(summary));
            println!("\n{footer}");
        }
        OutputFormat::Table => {}
    }
}
