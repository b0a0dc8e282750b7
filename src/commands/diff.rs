//! `diff`: the regression gate between two finished runs.

use super::{FAILED, bad_input, failed};
use crate::cli::{DiffArgs, DiffFormat};
use crate::model::metric::{MetricDef, catalogue, catalogue_of};
use crate::montecarlo::Summary;
use crate::study::diff;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A summary given as a results directory or a file: the file, and its JSON after the schema
/// check.
fn read_summary(given: &Path) -> Result<(PathBuf, serde_json::Value), String> {
    let file = if given.is_dir() {
        given.join("summary.json")
    } else {
        given.to_path_buf()
    };
    let bytes = std::fs::read(&file).map_err(|e| {
        format!(
            "{}: {e} (give a results directory written by `outage-sim run` or `merge`, or its summary.json)",
            file.display()
        )
    })?;
    Summary::from_json(&bytes).map_err(|e| format!("{}: not a summary this outage-sim reads: {e}", file.display()))?;
    let value = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok((file, value))
}

/// The metric paths of the run in `file`: the catalogue of the scenario.toml beside it, or, without
/// one, the catalogue of a scenario with no features (a note says so).
fn catalogue_beside(file: &Path) -> Result<Vec<MetricDef>, String> {
    let toml = file.with_file_name("scenario.toml");
    match std::fs::read_to_string(&toml) {
        Ok(text) => crate::scenario::from_source(&text, &toml)
            .map(|plan| catalogue_of(&plan))
            .map_err(|e| format!("{}: {e}", toml.display())),
        Err(_) => {
            super::say(
                "note",
                format!(
                    "no {} beside the summary: per-feature metrics are not compared",
                    toml.display()
                ),
            );
            Ok(catalogue(&[]))
        }
    }
}

/// `outage-sim diff BASE NEW`.
pub fn diff(args: &DiffArgs) -> ExitCode {
    let read = || -> Result<_, String> {
        let (base_file, base) = read_summary(&args.base)?;
        let (new_file, new) = read_summary(&args.new)?;
        let cat = catalogue_beside(&new_file)?;
        let tolerances = args
            .tolerance
            .iter()
            .map(|t| diff::parse_tolerance(t, &cat))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((base_file, base, new_file, new, cat, tolerances))
    };
    let (base_file, base, new_file, new, cat, tolerances) = match read() {
        Ok(x) => x,
        Err(e) => return bad_input(e),
    };
    let d = diff::diff(
        &base_file.display().to_string(),
        &base,
        &new_file.display().to_string(),
        &new,
        &cat,
        &tolerances,
        args.correction,
    );
    match args.format {
        DiffFormat::Table => print!("{}", d.table()),
        DiffFormat::Json => println!("{}", serde_json::to_string_pretty(&d).expect("JSON")),
        DiffFormat::Markdown => print!("{}", d.markdown()),
    }
    if let Some(path) = &args.junit
        && let Err(e) = crate::publish::write_file(path, d.junit().as_bytes())
    {
        return failed(format!("writing {} failed: {e}", path.display()));
    }
    if d.regressions > 0 {
        let names: Vec<&str> = d
            .metrics
            .iter()
            .filter(|r| r.significant_regression)
            .map(|r| r.path.as_str())
            .collect();
        super::say(
            "regression",
            format!(
                "{} significant regression(s) of {} against {}: {}",
                d.regressions,
                new_file.display(),
                base_file.display(),
                names.join(", ")
            ),
        );
        return ExitCode::from(FAILED);
    }
    ExitCode::SUCCESS
}
