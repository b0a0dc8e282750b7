//! `report`: report.html and report.md (with charts) for a results directory.

use super::{bad_input, failed};
use crate::montecarlo::Summary;
use crate::montecarlo::{Distributions, exemplar};
use crate::report::document::{ChartRef, ChartSection, Document};
use crate::report::figures::{self, Figure};
use std::path::Path;
use std::process::ExitCode;

/// `outage-sim report DIR`.
pub fn report(dir: &Path, quiet: bool) -> ExitCode {
    write_report(dir, quiet)
}

/// Reads a results directory and writes its report next to the results.
pub(crate) fn write_report(dir: &Path, quiet: bool) -> ExitCode {
    // Charts are written only inside the results directory: a `charts/` that is a symbolic
    // link (to anywhere) is refused before anything is read or written.
    let charts = dir.join("charts");
    if std::fs::symlink_metadata(&charts).is_ok_and(|m| m.file_type().is_symlink()) {
        return bad_input(format!(
            "{} is a symbolic link: the report writes its charts only inside the results directory; \
             remove the link and run `report` again",
            charts.display()
        ));
    }
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()));
    let summary: Summary = match read("summary.json").and_then(|b| {
        Summary::from_json(&b).map_err(|e| format!("{}: not a summary: {e}", dir.join("summary.json").display()))
    }) {
        Ok(s) => s,
        Err(e) => {
            return bad_input(format!(
                "{e} (give a results directory written by `outage-sim run` or `merge`)"
            ));
        }
    };
    let scenario_toml = match read("scenario.toml").map(|b| String::from_utf8_lossy(&b).into_owned()) {
        Ok(t) => t,
        Err(e) => return bad_input(e),
    };
    let mut notes = Vec::new();
    let distributions: Option<Distributions> = match read("distributions.json") {
        Ok(b) => match serde_json::from_slice(&b) {
            Ok(d) => Some(d),
            Err(e) => return bad_input(format!("{}: {e}", dir.join("distributions.json").display())),
        },
        Err(_) => {
            notes.push("distributions.json is missing (results of an older version): no CDFs or histograms.".into());
            None
        }
    };
    let scenario = match crate::scenario::from_source(&scenario_toml, &dir.join("scenario.toml")) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let mut sections: Vec<(String, Vec<Figure>)> = Vec::new();
    if let Some(d) = &distributions {
        sections.push((
            "Achieved RTO and RPO against the targets".into(),
            figures::distributions(&summary, d),
        ));
    }
    sections.push((
        "Where the time goes and why targets were missed".into(),
        figures::critical_path(&summary),
    ));
    sections.push(("Availability".into(), vec![figures::availability(&summary)]));
    if let Some(u) = &summary.uncertainty {
        let describe = |path: &str| {
            let m = crate::study::StudyMetric::resolve(path, &scenario).ok()?;
            Some(figures::MetricWords {
                short: m.short,
                reference: m.reference.map(|r| (r.name.to_string(), r.value)),
            })
        };
        match read("draws.csv") {
            Ok(bytes) => match figures::DrawsTable::parse(&bytes) {
                Ok(draws) => {
                    let (cdfs, missing) = figures::over_draws(u, &draws, &describe);
                    notes.extend(missing);
                    if !cdfs.is_empty() {
                        sections.push(("Key metrics over the draws of the uncertain parameters".into(), cdfs));
                    }
                }
                Err(e) => notes.push(format!(
                    "draws.csv could not be read ({e}): no CDFs over the draws of the uncertain parameters."
                )),
            },
            Err(_) => notes.push(
                "draws.csv is missing (results of an older version): no CDFs over the draws of the uncertain \
                 parameters."
                    .into(),
            ),
        }
        let (sobol, missing) = figures::sobol(u, &describe);
        notes.extend(missing);
        if !sobol.is_empty() {
            sections.push(("What matters most: Sobol indices".into(), sobol));
        }
    }
    sections.push((
        "One replication".into(),
        vec![figures::timeline(&scenario, &exemplar::timeline_exemplar(&scenario))],
    ));
    if let Some(c) = &summary.clients
        && let Some((rep, traffic)) = exemplar::first_client_disruption(&scenario, figures::TRAFFIC_BIN)
    {
        let f = figures::retry_amplification(&scenario.name, c.scale, rep, &traffic);
        sections.push(("Clients through a failover".into(), f));
    }
    // Each chart is drawn once per format: its SVG goes inline into the page and beside its PNG
    // into charts/.
    let mut chart_files = Vec::new();
    let mut chart_sections = Vec::with_capacity(sections.len());
    for (heading, figs) in sections {
        let mut charts = Vec::with_capacity(figs.len());
        for f in figs {
            let [svg, png] = match figures::render_both(&f) {
                Ok(both) => both,
                Err(e) => return failed(format!("drawing {} failed: {e}", f.name)),
            };
            charts.push(ChartRef {
                name: f.name,
                title: f.title,
                svg: String::from_utf8_lossy(&svg.1).into_owned(),
            });
            chart_files.extend([svg, png]);
        }
        chart_sections.push(ChartSection { heading, charts });
    }
    let doc = Document::new(&summary, &scenario_toml, chart_sections, notes);
    let (html, md) = match (doc.html(), doc.markdown()) {
        (Ok(h), Ok(m)) => (h, m),
        (Err(e), _) | (_, Err(e)) => return failed(format!("rendering the report failed: {e:#}")),
    };
    let mut files: Vec<(String, Vec<u8>)> = chart_files;
    files.push(("report.html".into(), html.into_bytes()));
    files.push(("report.md".into(), md.into_bytes()));
    // Each file is replaced atomically: a reader never sees a half-written report.
    let written = files
        .iter()
        .try_for_each(|(name, bytes)| crate::publish::write_file(&dir.join(name), bytes));
    if let Err(e) = written {
        return failed(format!("writing the report into {} failed: {e}", dir.display()));
    }
    if !quiet {
        super::say("Report", dir.join("report.html").display());
    }
    ExitCode::SUCCESS
}
