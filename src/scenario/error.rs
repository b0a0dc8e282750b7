//! Scenario errors that point at the offending place: file, line:column and field path.

use std::fmt;
use std::path::PathBuf;

/// One step of a field path such as `services[1].zones[0]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A field path inside the scenario document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<PathStep>);

impl FieldPath {
    /// Parses `a.b[2].c` into steps (paths are built by our own code, so the syntax is simple).
    pub fn parse(text: &str) -> FieldPath {
        let mut steps = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
            if !key.is_empty() {
                steps.push(PathStep::Key(key.to_string()));
            }
            for idx in rest.split('[') {
                if let Ok(i) = idx.trim_end_matches(']').parse() {
                    steps.push(PathStep::Index(i));
                }
            }
        }
        FieldPath(steps)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Key(k) if i == 0 => write!(f, "{k}")?,
                PathStep::Key(k) => write!(f, ".{k}")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded. Every variant is bad input (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read scenario: {reason}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// Syntax, type, missing or unknown field, or a bad value, at a known place.
    #[error("{}", located(file, *line, *column, path.as_ref(), message))]
    Invalid {
        /// The file (or `<embedded default>`).
        file: PathBuf,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// 1-based column, 0 when unknown.
        column: usize,
        /// Field path, when known.
        path: Option<FieldPath>,
        /// What is wrong and what is allowed.
        message: String,
    },
}

fn located(file: &std::path::Path, line: usize, column: usize, path: Option<&FieldPath>, message: &str) -> String {
    let mut out = file.display().to_string();
    if line > 0 {
        out.push_str(&format!(":{line}:{column}"));
    }
    out.push_str(": ");
    if let Some(p) = path.filter(|p| !p.0.is_empty()) {
        out.push_str(&format!("{p}: "));
    }
    out.push_str(message);
    out
}

/// 1-based line and column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
