//! `outage-sim fit FILE.csv`: fit duration distributions to observed, possibly right-censored
//! values ([`crate::stats::fit`]) and print the best fit as a scenario string with an
//! `[[uncertain]]` entry. Writes no file; bad input exits 2 with nothing printed on stdout.

mod input;
mod render;

use super::{FAILED, bad_input, failed};
use crate::cli::{FitArgs, OutputFormat};
use crate::stats::fit::{self, FitReport, GofReference};
use serde_json::{Value, json};
use std::io::Write;
use std::process::ExitCode;

/// `outage-sim fit`.
pub fn fit(args: &FitArgs) -> ExitCode {
    let sample = match input::read(&args.file, args.column.as_deref(), args.censored.as_deref(), args.unit) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if let Some(p) = args
        .parameter
        .as_ref()
        .filter(|p| p.trim().is_empty() || p.chars().any(char::is_control))
    {
        return bad_input(format!(
            "--parameter {p:?}: expected a field path such as {}",
            render::PLACEHOLDER
        ));
    }
    let report = match fit::fit(&sample.obs) {
        Ok(r) => r,
        Err(e) => return bad_input(format!("{}, column \"{}\": {e}", args.file.display(), sample.column)),
    };
    let uncertain = report
        .best_fit()
        .map(|b| render::uncertain_entry(b, args.parameter.as_deref(), report.n, report.censored));
    let text = match args.format {
        OutputFormat::Table => render::table(&report, &heading(args, &sample, &report), uncertain.as_deref()),
        OutputFormat::Json => {
            let mut t = serde_json::to_string_pretty(&as_json(args, &sample, &report, uncertain.as_deref()))
                .expect("the fit serializes");
            t.push('\n');
            t
        }
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(FAILED);
    }
    if report.best.is_none() {
        return failed("no family could be fitted (see each one's reason above)");
    }
    ExitCode::SUCCESS
}

/// The table's first line: what was fitted.
fn heading(args: &FitArgs, sample: &input::Sample, report: &FitReport) -> String {
    let censoring = match &sample.censored_column {
        Some(c) => format!("{} right-censored (column \"{c}\")", report.censored),
        None => "none censored".to_string(),
    };
    super::printable(&format!(
        "outage-sim fit | {}, column \"{}\" (plain numbers in {}) | {} values, {censoring}",
        args.file.display(),
        sample.column,
        input::unit_name(args.unit),
        report.n,
    ))
    .into_owned()
}

/// Everything as one JSON document.
fn as_json(args: &FitArgs, sample: &input::Sample, report: &FitReport, uncertain: Option<&str>) -> Value {
    let best_aic = report.best_fit().map(|f| f.aic);
    let families: Vec<Value> = report
        .attempts
        .iter()
        .map(|a| match &a.outcome {
            Ok(f) => {
                let mut v = serde_json::to_value(f).expect("a fit serializes");
                v["converged"] = json!(true);
                v["delta_aic"] = json!(best_aic.map(|b| f.aic - b));
                v["scenario"] = json!(render::scenario_string(f));
                v
            }
            Err(why) => json!({ "family": a.family, "converged": false, "error": why }),
        })
        .collect();
    let best = report.best_fit();
    json!({
        "file": args.file.display().to_string(),
        "column": sample.column,
        "censored_column": sample.censored_column,
        "unit": args.unit.symbol(),
        "durations_in": "seconds",
        "n": report.n,
        "censored": report.censored,
        "ks_reference": match report.reference {
            GofReference::Empirical => json!({ "kind": "empirical" }),
            GofReference::KaplanMeier { up_to } => json!({ "kind": "kaplan_meier", "up_to": up_to }),
        },
        "families": families,
        "best": report.best,
        "scenario": best.and_then(render::scenario_string),
        "uncertain": best.map(|b| {
            let (sigma, of) = render::factor_sigma(b);
            json!({
                "parameter": args.parameter.as_deref().unwrap_or(render::PLACEHOLDER),
                "placeholder": args.parameter.is_none(),
                "factor": format!("lognormal(median=1, sigma={})", render::number(sigma, 3)),
                "sigma": sigma,
                "sigma_of": of,
                "toml": uncertain,
            })
        }),
    })
}
