//! `sweep`, `sensitivity`, `solve` and `compare`: run the study, print its table, publish its
//! directory.
//!
//! A study's directory is named from the scenario and what the study varies (or `--name`), and an
//! earlier study's directory is never replaced silently: the study refuses to start (exit 2) unless
//! `--force` is given.

use super::progress::{Progress, Unit};
use super::{bad_input, failed};
use crate::cli::{CompareArgs, OutputFormat, SensitivityArgs, SolveArgs, StudyArgs, SweepArgs};
use crate::montecarlo::Runner;
use crate::publish::publish_dir;
use crate::scenario::{Plan, parse_set, show};
use crate::study::{compare as paired, sensitivity as sens, solve as search, sweep as grid};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The options of a study's runs and its scenario, or the bad-input exit.
fn setup(study: &crate::cli::StudyArgs, file: Option<&Path>) -> Result<(crate::study::StudyOptions, Plan), ExitCode> {
    let options = study.options().map_err(bad_input)?;
    let source = Plan::load_or_default(file).map_err(bad_input)?;
    Ok((options, source))
}

/// The directory a study writes under `--out`: `--name`, else `default` (made file-name safe and
/// not too long). Bad input (exit 2) when `--name` is not a plain name, or when the directory
/// exists and `--force` was not given: an earlier study is never replaced silently.
fn study_dir(study: &StudyArgs, default: &str) -> Result<String, ExitCode> {
    let name = match &study.name {
        Some(n) => {
            let plain = !n.is_empty() && n != "." && n != ".." && !n.contains(['/', '\\']) && !n.starts_with('.');
            if !plain {
                return Err(bad_input(format!(
                    "--name {n}: must be a plain directory name (no '/', not starting with '.')"
                )));
            }
            n.clone()
        }
        None => {
            let mut n: String = default
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._-+".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            if n.len() > 120 {
                n.truncate(120);
            }
            n.trim_end_matches(['-', '.']).to_string()
        }
    };
    let dir = study.out.join(&name);
    if dir.exists() && !study.force {
        return Err(bad_input(format!(
            "{} exists (an earlier study); give --name NAME to keep both, or --force to replace it",
            dir.display()
        )));
    }
    Ok(name)
}

/// `a.b[name=x].c` as part of a directory name: `a.b-name-x.c`.
fn dir_part(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.replace("-.", ".").trim_matches('-').to_string()
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
    let parts: Vec<String> = axes.iter().map(|a| dir_part(&a.path)).collect();
    let plan = match grid::Plan::new(&source, axes, &args.metric, args.x.as_deref(), &options) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let name = match study_dir(&args.study, &format!("{}.sweep-{}", source.name, parts.join("+"))) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let progress = Progress::start(Unit::Runs, plan.points.len() as u64, 0, args.study.quiet);
    let result = plan.run(&Runner::new(options.threads), |done, _| progress.set(done as u64));
    progress.finish();
    let result = match result {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    let mut files = vec![("sweep.csv".to_string(), result.csv())];
    files.extend(crate::study::sweep_charts(&result));
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
                super::show(format!("\nResults: {}", dir.display()));
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
        None if source.clients.is_some() => "clients.user_visible_failures".into(),
        None if source.has_region_disasters() => "region_disasters.data_plane.rto.mean".into(),
        None => "availability.data_plane".into(),
    };
    let plan = match sens::Plan::new(&source, &metric, &args.parameters, args.vary, &options) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let name = match study_dir(
        &args.study,
        &format!("{}.sensitivity-{}", source.name, dir_part(&metric)),
    ) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let progress = Progress::start(Unit::Runs, plan.runs() as u64, 0, args.study.quiet);
    let result = plan.run(&Runner::new(options.threads), |done, _| progress.set(done as u64));
    progress.finish();
    let result = match result {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    let mut files = vec![("sensitivity.csv".to_string(), result.csv())];
    files.extend(crate::study::tornado_charts(&result));
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
    let (beyond, within): (Vec<_>, Vec<_>) = r.effects.iter().partition(|e| !e.within_noise());
    for e in &beyond {
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
    if !within.is_empty() {
        let names: Vec<&str> = within.iter().map(|e| e.parameter.path.as_str()).collect();
        let _ = writeln!(
            out,
            "  within the noise (swing inside the 95 % interval of its paired batches; not in the tornado): {}",
            names.join(", ")
        );
    }
    for (path, why) in &r.left_out {
        let _ = writeln!(
            out,
            "  left out, the scenario is invalid at ±{} %: {path}: {why}",
            100.0 * r.fraction
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
    let result = match paired::compare(&a, &b, &Runner::new(options.threads), options.budget) {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    let json = serde_json::to_vec_pretty(&result).expect("comparison serializes");
    let files = vec![
        ("compare.csv".to_string(), result.csv()),
        ("compare.json".to_string(), json.clone()),
    ];
    let name = match study_dir(&args.study, &format!("{}-vs-{}.compare", a.name, b.name)) {
        Ok(n) => n,
        Err(code) => return code,
    };
    match publish_dir(&args.study.out, &name, &files) {
        Ok(dir) => {
            match args.format {
                OutputFormat::Json => println!("{}", String::from_utf8_lossy(&json)),
                OutputFormat::Table if !args.study.quiet => {
                    print!("{}", result.table());
                    super::show(format!("\nResults: {}", dir.display()));
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

/// `outage-sim solve`.
pub fn solve(args: &SolveArgs) -> ExitCode {
    let (options, source) = match setup(&args.study, args.file.as_deref()) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let tolerance = match &args.tolerance {
        None => None,
        Some(t) => match crate::scenario::Scalar::parse(t) {
            Some(x) => Some(x.as_f64()),
            None => {
                return bad_input(format!(
                    "--tolerance {t}: write a number, or a duration for a duration field (e.g. 30s)"
                ));
            }
        },
    };
    let solve_options = search::SolveOptions {
        confidence: args.confidence,
        max_replications: args.max_replications,
        tolerance,
        ..Default::default()
    };
    let plan = match search::Plan::new(&source, &args.vary, &args.range, &args.target, solve_options, &options) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let name = match study_dir(&args.study, &format!("{}.solve-{}", source.name, dir_part(&args.vary))) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let metric = plan.metric().clone();
    let progress = Progress::start(Unit::Runs, 0, 0, args.study.quiet || args.format == OutputFormat::Json);
    let result = plan.run(&Runner::new(options.threads), |done| progress.set(done as u64));
    progress.finish();
    let result = match result {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    for limit in &result.limits_reached {
        super::say("note", format!("solve: {limit}"));
    }
    let json = serde_json::to_vec_pretty(&result.json()).expect("solution serializes");
    let mut files = vec![
        ("solve.json".to_string(), json.clone()),
        ("solve.csv".to_string(), result.csv()),
    ];
    files.extend(crate::study::solve_charts(&result, &metric));
    let dir = match publish_dir(&args.study.out, &name, &files) {
        Ok(dir) => dir,
        Err(e) => return failed(format!("writing {name} under {} failed: {e}", args.study.out.display())),
    };
    match args.format {
        OutputFormat::Json => println!("{}", String::from_utf8_lossy(&json)),
        OutputFormat::Table if !args.study.quiet => {
            print!("{}", solve_table(&result, &metric));
            super::show(format!("\nResults: {}", dir.display()));
        }
        OutputFormat::Table => {}
    }
    if result.found() {
        ExitCode::SUCCESS
    } else {
        failed(result.message())
    }
}

fn solve_table(r: &search::Solution, m: &crate::study::StudyMetric) -> String {
    use std::fmt::Write;
    let c = search::pct(r.confidence);
    let (lo, hi) = r.range;
    // Each point with the interval it was decided on (at the search's confidence).
    let estimate = |p: &search::Point| {
        let decided = p.estimate.map(|e| match p.interval {
            Some((l, h)) if l.is_finite() && h.is_finite() => crate::montecarlo::Estimate {
                spread: crate::montecarlo::Spread::Interval(l, h),
                ..e
            },
            _ => e,
        });
        crate::report::figures::estimate_text(&m.metric, decided.as_ref())
    };
    let mut out = format!(
        "Solve {} {} in {} over {} = {lo}..{hi} ({} replications a point, common random numbers, decisions at {c} %)\n",
        r.target.path, r.target, r.scenario, r.parameter, r.replications
    );
    let _ = writeln!(out, "  {}: estimate [{c} % interval], decision", m.label);
    for p in r.sorted() {
        let _ = writeln!(
            out,
            "  {:>14}  {:<40} {:>9}  ({} replications)",
            p.x.to_string(),
            estimate(p),
            p.decision.name(),
            p.replications
        );
    }
    out.push('\n');
    match &r.outcome {
        search::Outcome::Found {
            value,
            interval,
            holds_at,
            fails_at,
            uncertain,
        } => {
            let _ = writeln!(
                out,
                "Boundary: {} = {value}, {c} % interval [{}, {}]",
                r.parameter, interval.0, interval.1
            );
            let _ = writeln!(
                out,
                "  the target holds at {} = {holds_at} ({c} % interval of the metric on the target's side)",
                r.parameter
            );
            match fails_at {
                Some(f) => {
                    let _ = writeln!(out, "  and fails at {f}");
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  and is still within the noise at the end of the range: the boundary may lie beyond it"
                    );
                }
            }
            if let Some((a, b)) = uncertain {
                let _ = writeln!(
                    out,
                    "  uncertain zone (the threshold within the noise at up to {} replications): {a} to {b}",
                    r.points.iter().map(|p| p.replications).max().unwrap_or(0)
                );
            }
            let _ = writeln!(
                out,
                "  at the ends: {lo} gives {}, {hi} gives {}",
                estimate(r.at(lo)),
                estimate(r.at(hi))
            );
        }
        _ => {
            let _ = writeln!(out, "No boundary: {}", r.message());
            let _ = writeln!(
                out,
                "  at the ends: {lo} gives {} ({}), {hi} gives {} ({})",
                estimate(r.at(lo)),
                r.at(lo).decision.name(),
                estimate(r.at(hi)),
                r.at(hi).decision.name()
            );
        }
    }
    out
}
