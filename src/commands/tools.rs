//! The small subcommands: `validate`, `trace`, `metrics`, `experiment`.

use super::{BAD_INPUT, FAILED, bad_input, failed};
use crate::cli::{ExperimentCommand, ListFormat, MetricsArgs, TraceArgs, TraceFormat, load_scenario};
use crate::experiment::backoff;
use crate::{model, scenario};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `outage-sim validate`: every file checked, every error printed.
pub fn validate(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for f in files {
        match scenario::load(f) {
            Ok(s) => println!("{}: ok (scenario \"{}\", {})", f.display(), s.name, s.hash()),
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(BAD_INPUT)
    }
}

/// `outage-sim trace`: the event log of one replication on stdout.
pub fn trace(args: &TraceArgs) -> ExitCode {
    let s = match load_scenario(args.file.as_ref()) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if args.replication >= s.replications {
        return bad_input(format!(
            "--replication {} is out of range: the scenario has replications 0 to {}",
            args.replication,
            s.replications - 1
        ));
    }
    let model = model::Model::new(&s);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let format = args.format;
    let mut ok = true;
    let mut emit = |r: model::TraceRecord| {
        let line = match format {
            TraceFormat::Jsonl => serde_json::to_string(&r).expect("trace record serializes"),
            TraceFormat::Text => format!("{:>16.6}s  {:<15} {:<28} {}", r.time_s, r.event, r.entity, r.detail),
        };
        ok &= writeln!(out, "{}", line.trim_end()).is_ok();
    };
    model.simulate_traced(args.replication, &mut emit);
    if ok && out.flush().is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILED)
    }
}

/// `outage-sim metrics`: the scenario's metric paths on stdout.
pub fn metrics(args: &MetricsArgs) -> ExitCode {
    let s = match load_scenario(args.file.as_ref()) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let defs = model::metric::catalogue_of(&s);
    let has = |n: model::metric::Needs| match n {
        model::metric::Needs::Clients => s.clients.is_some(),
        model::metric::Needs::RegionDisasters => s.has_region_disasters(),
        model::metric::Needs::ImportanceSampling => s.importance_sampling.is_some(),
    };
    let listing = crate::report::metrics::Listing {
        scenario: &s.name,
        metrics: &defs,
        has: &has,
    };
    match args.format {
        ListFormat::Text => print!("{}", listing.text()),
        ListFormat::Json => println!("{}", listing.json()),
    }
    ExitCode::SUCCESS
}

/// `outage-sim experiment ...`.
pub fn experiment(which: &ExperimentCommand) -> ExitCode {
    let ExperimentCommand::Backoff(args) = which;
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => return bad_input(e),
    };
    let rows = match backoff::run(&config) {
        Ok(rows) => rows,
        Err(e) => return failed(e),
    };
    print!("{}", backoff::render_table(&config, &rows));
    match backoff::write_csv(&rows, &args.out) {
        Ok(path) => {
            println!("\nResults: {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => failed(format!("cannot write {}: {e}", args.out.join("backoff.csv").display())),
    }
}
