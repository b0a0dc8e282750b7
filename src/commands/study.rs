//! `sweep`, `sensitivity` and `compare`: run the study, print its table, publish its directory.

use super::progress::{Progress, Unit};
use super::{bad_input, failed};
use crate::cli::{CompareArgs, OutputFormat, SensitivityArgs, SweepArgs};
use crate::montecarlo::Runner;
use crate::publish::publish_dir;
use crate::scenario::{Plan, parse_set, show};
use crate::study::{compare as paired, sensitivity as sens, sweep as grid};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The options of a study's runs and its scenario, or the bad-input exit.
fn setup(study: &crate::cli::StudyArgs, file: Option<&Path>) -> Result<(crate::study::StudyOptions, Plan), ExitCode> {
    let options = study.options().map_err(bad_input)?;
    let source = Plan::load_or_default(file).map_err(bad_input)?;
    Ok((options, source))
}

/// `outage-sim sweep`.
pub fn sweep(args: &SweepArgs) -> ExitCode {
    let (options, source) = match setup(&args.study, args.file.as_deref()) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let mut axes = Vec::new();
    for set in &args.set {
        match parse_set(set) {
            Ok((path, values)) => axes.push(grid::Axis { path, values }),
            Err(e) => return bad_input(e),
        }
    }
    let plan = match grid::Plan::new(&source, axes, &args.metric, &options) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let progress = Progress::start(Unit::Runs, plan.points.len() as u64, 0, args.study.quiet);
    let result = plan.run(&Runner::new(options.threads), |done, _| progress.set(done as u64));
    progress.finish();
    let mut files = vec![("sweep.csv".to_string(), result.csv())];
    files.extend(crate::study::sweep_charts(&result));
    let name = format!("{}.sweep", result.scenario);
    publish_study(&args.study, &name, &files, || sweep_table(&result))
}

/// Publishes a study's directory and, unless quiet, prints its table and where it went.
fn publish_study(
    study: &crate::cli::StudyArgs,
    name: &str,
    files: &[(String, Vec<u8>)],
    table: impl FnOnce() -> String,
) -> ExitCode {
    match publish_dir(&study.out, name, files) {
        Ok(dir) => {
            if !study.quiet {
                print!("{}", table());
                println!("\nResults: {}", dir.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(format!("writing {name} under {} failed: {e}", study.out.display())),
    }
}

fn sweep_table(r: &grid::Sweep) -> String {
    use std::fmt::Write;
    let mut out = format!("Sweep of {} ({} points)\n", r.scenario, r.points.len());
    let w = r.metrics.iter().map(|m| m.path.chars().count()).max().unwrap_or(0);
    for p in &r.points {
        let at: Vec<String> = r
            .axes
            .iter()
            .zip(&p.at)
            .map(|(a, &i)| format!("{}={}", a.path, show(&a.values[i])))
            .collect();
        let _ = writeln!(out, "  {}", at.join("  "));
        for (m, e) in r.metrics.iter().zip(&p.estimates) {
            let _ = writeln!(
                out,
                "      {:<w$} {}",
                m.path,
                crate::report::figures::estimate_text(&m.metric, e.as_ref())
            );
        }
    }
    out
}

/// `outage-sim sensitivity`.
pub fn sensitivity(args: &SensitivityArgs) -> ExitCode {
    let (options, source) = match setup(&args.study, args.file.as_deref()) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let metric = match &args.metric {
        Some(m) => m.clone(),
        None if source.has_region_disasters() => "region_disasters.data_plane.rto.mean".into(),
        None => "availability.data_plane".into(),
    };
    let plan = match sens::Plan::new(&source, &metric, &args.parameters, args.vary, &options) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let progress = Progress::start(Unit::Runs, plan.runs() as u64, 0, args.study.quiet);
    let result = plan.run(&Runner::new(options.threads), |done, _| progress.set(done as u64));
    progress.finish();
    let mut files = vec![("sensitivity.csv".to_string(), result.csv())];
    files.extend(crate::study::tornado_charts(&result));
    let name = format!("{}.sensitivity", result.scenario);
    publish_study(&args.study, &name, &files, || sensitivity_table(&result))
}

fn sensitivity_table(r: &sens::Sensitivity) -> String {
    use std::fmt::Write;
    let text = |e: Option<&crate::montecarlo::Estimate>| crate::report::figures::estimate_text(&r.metric.metric, e);
    let mut out = format!(
        "Sensitivity of {} in {} to each parameter at ±{} % (largest swing first)\n  base: {}\n",
        r.metric.path,
        r.scenario,
        100.0 * r.fraction,
        text(r.base.as_ref())
    );
    for e in &r.effects {
        let p = &e.parameter;
        let _ = writeln!(
            out,
            "  {:<44} {} → {}  |  {} → {}",
            p.path,
            show(&p.low),
            show(&p.high),
            text(e.low.as_ref()),
            text(e.high.as_ref())
        );
    }
    out
}

/// `outage-sim compare`.
pub fn compare(args: &CompareArgs) -> ExitCode {
    let options = match args.study.options() {
        Ok(o) => o,
        Err(e) => return bad_input(e),
    };
    let load = |p: &PathBuf| Plan::load(p).and_then(|s| s.with(&options.overrides()));
    let (a, b) = match (load(&args.a), load(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return bad_input(e),
    };
    let result = match paired::compare(&a, &b, &Runner::new(options.threads)) {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    let json = serde_json::to_vec_pretty(&result).expect("comparison serializes");
    let files = vec![
        ("compare.csv".to_string(), result.csv()),
        ("compare.json".to_string(), json.clone()),
    ];
    match publish_dir(&args.study.out, &format!("{}-vs-{}.compare", a.name, b.name), &files) {
        Ok(dir) => {
            match args.format {
                OutputFormat::Json => println!("{}", String::from_utf8_lossy(&json)),
                OutputFormat::Table if !args.study.quiet => {
                    print!("{}", result.table());
                    println!("\nResults: {}", dir.display());
                }
                OutputFormat::Table => {}
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(format!(
            "writing the comparison under {} failed: {e}",
            args.study.out.display()
        )),
    }
}
