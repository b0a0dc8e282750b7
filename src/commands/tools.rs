//! The small subcommands: `validate`, `trace`, `metrics`, `regions`, `experiment`.

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
            Ok(s) => {
                let file = f.display().to_string();
                for w in s.warnings() {
                    eprintln!("warning: {}: {w}", super::printable(&file));
                }
                println!(
                    "{}: ok (scenario \"{}\", {})",
                    super::printable(&file),
                    super::printable(&s.name),
                    s.hash()
                );
            }
            Err(e) => {
                eprintln!("error: {}", super::printable(&e.to_string()));
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
            // Names come from the scenario: their control characters are escaped.
            TraceFormat::Text => format!(
                "{:>19}  {:<15} {:<28} {}",
                clock(r.time_s),
                super::printable(r.event),
                super::printable(&r.entity),
                super::printable(&r.detail)
            ),
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

/// `outage-sim regions`: the built-in regions, their zones and pairs.
pub fn regions(format: ListFormat) -> ExitCode {
    let text = match format {
        ListFormat::Text => regions_table(&model::regions::built_in()),
        ListFormat::Json => regions_json(&model::regions::built_in()),
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILED)
    }
}

/// The regions as an aligned table, with a note on what 0 zones and one-way mean.
fn regions_table(table: &[model::Region]) -> String {
    let rows: Vec<[String; 3]> = table
        .iter()
        .map(|r| {
            let pair = match (&r.pair, model::regions::pairs_back(r, table)) {
                (Some(p), Some(false)) => format!("{p} (one-way)"),
                (Some(p), _) => p.clone(),
                (None, _) => "-".to_string(),
            };
            [r.name.clone(), r.zones.to_string(), pair]
        })
        .collect();
    let header = ["REGION", "ZONES", "PAIR"];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    let mut out = String::new();
    for row in std::iter::once(header.map(str::to_string)).chain(rows) {
        out.push_str(&format!("{:<w0$}  {:>w1$}  {}\n", row[0], row[1], row[2]));
    }
    out.push_str(
        "\nZONES 0: the region has no availability zones (one datacenter, zone 1). (one-way): disaster \
         recovery goes to that region, whose own pair is another.\n",
    );
    out
}

/// The regions as a JSON array.
fn regions_json(table: &[model::Region]) -> String {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        name: &'a str,
        zones: u32,
        pair: Option<&'a str>,
        one_way: bool,
    }
    let rows: Vec<Row> = table
        .iter()
        .map(|r| Row {
            name: &r.name,
            zones: r.zones,
            pair: r.pair.as_deref(),
            one_way: model::regions::pairs_back(r, table) == Some(false),
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rows).expect("regions serialize");
    text.push('\n');
    text
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
            super::show(format!("\nResults: {}", path.display()));
            ExitCode::SUCCESS
        }
        Err(e) => failed(format!("cannot write {}: {e}", args.out.join("backoff.csv").display())),
    }
}

/// Simulated time as a clock, `12d 03:04:05.678901` (days since the start, then the time of day).
fn clock(secs: f64) -> String {
    let micros = (secs * 1e6).round() as u64;
    let (s, us) = (micros / 1_000_000, micros % 1_000_000);
    format!(
        "{}d {:02}:{:02}:{:02}.{us:06}",
        s / 86_400,
        s % 86_400 / 3600,
        s % 3600 / 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn trace_times_read_as_a_clock() {
        assert_eq!(super::clock(0.0), "0d 00:00:00.000000");
        assert_eq!(super::clock(3600.5), "0d 01:00:00.500000");
        assert_eq!(super::clock(435_600.0 + 61.25), "5d 01:01:01.250000");
    }
}
