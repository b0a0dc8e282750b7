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
        super::say("error", format!("writing results failed: {e}"));
        Reported(FAILED)
    })?;
    match ending {
        Ending::Run => print_summary(
            summary,
            format,
            quiet,
            &s.warnings(),
            &format!("Results: {}", dir.display()),
        ),
        Ending::Merge(shards) => {
            let footer = format!("Results (merged from {shards} shards): {}", dir.display());
            print_summary(summary, format, quiet, &s.warnings(), &footer);
        }
        // A shard's summary is not the run's: the table is one line saying where the partial is.
        Ending::Shard(shard) if format == OutputFormat::Table => {
            if !quiet {
                super::show(format!(
                    "Shard {shard}: {} replications; partial results: {}",
                    stats.replications,
                    dir.display()
                ));
            }
        }
        Ending::Shard(_) => print_summary(summary, format, quiet, &[], ""),
    }
    Ok(dir)
}

/// Prints a finished summary on stdout in `format` (nothing in table format when quiet); the
/// table's header lines are followed by the scenario's `warnings`.
fn print_summary(summary: &Summary, format: OutputFormat, quiet: bool, warnings: &[String], footer: &str) {
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(summary).expect("summary serializes")),
        OutputFormat::Table if !quiet => {
            let table = render_table(summary);
            let (header, rest) = table.split_once('\n').unwrap_or((&table, ""));
            println!("{header}");
            for w in warnings {
                println!("WARNING: {w}");
            }
            print!("{rest}");
            super::show(format!("\n{footer}"));
        }
        OutputFormat::Table => {}
    }
}
