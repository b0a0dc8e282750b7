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
    /// A key that is not bare is quoted as TOML writes it: `expect."zone_incidents.data_plane.rto.p95"`.
    pub fn parse(text: &str) -> FieldPath {
        let mut steps = Vec::new();
        let mut key = String::new();
        let mut chars = text.chars();
        let flush = |key: &mut String, steps: &mut Vec<PathStep>| {
            if !key.is_empty() {
                steps.push(PathStep::Key(std::mem::take(key)));
            }
        };
        while let Some(c) = chars.next() {
            match c {
                '.' => flush(&mut key, &mut steps),
                '"' => {
                    let mut quoted = String::new();
                    while let Some(q) = chars.next() {
                        match q {
                            '"' => break,
                            '\\' => quoted.extend(chars.next()),
                            _ => quoted.push(q),
                        }
                    }
                    steps.push(PathStep::Key(quoted));
                }
                '[' => {
                    flush(&mut key, &mut steps);
                    let index: String = chars.by_ref().take_while(|&d| d != ']').collect();
                    if let Ok(i) = index.parse() {
                        steps.push(PathStep::Index(i));
                    }
                }
                _ => key.push(c),
            }
        }
        flush(&mut key, &mut steps);
        FieldPath(steps)
    }
}

impl FieldPath {
    /// Whether `self` is `other` or one of its ancestors.
    pub fn is_prefix_of(&self, other: &FieldPath) -> bool {
        other.0.starts_with(&self.0)
    }
}

/// A key as it appears in a field path; metric paths share the syntax, so it lives with them.
pub use crate::model::metric::quote_key;

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Key(k) if i == 0 => write!(f, "{}", quote_key(k))?,
                PathStep::Key(k) => write!(f, ".{}", quote_key(k))?,
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
        /// The file that could not be read.
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
    /// An override (`--set`, `--replications`, a study point, ...) made the scenario invalid.
    #[error("{}: {option}: {}", file.display(), located_path(path.as_ref(), message))]
    Override {
        /// The scenario file the override applies to.
        file: PathBuf,
        /// The override as the user wrote it, e.g. `--replications 0`.
        option: String,
        /// The faulty field, when known.
        path: Option<FieldPath>,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// Several errors, each of them one of the above (in the file's order): the first
    /// [`MAX_SHOWN`] are shown, one a line, then how many more there are.
    #[error("{}", several(errors))]
    Several {
        /// Every error found (at least two).
        errors: Vec<ScenarioError>,
    },
}

/// Most errors of one file shown; the rest are counted.
pub const MAX_SHOWN: usize = 20;

impl ScenarioError {
    /// `errors` as one error: the only one, or [`ScenarioError::Several`].
    pub fn all(mut errors: Vec<ScenarioError>) -> ScenarioError {
        assert!(!errors.is_empty(), "at least one error");
        if errors.len() == 1 {
            errors.remove(0)
        } else {
            ScenarioError::Several { errors }
        }
    }

    /// The errors this one holds: itself, or each of [`ScenarioError::Several`].
    pub fn each(&self) -> &[ScenarioError] {
        match self {
            ScenarioError::Several { errors } => errors,
            one => std::slice::from_ref(one),
        }
    }
}

/// One error a line, each line after the first opening with `error: ` as the commands print the
/// first, then how many were left out.
fn several(errors: &[ScenarioError]) -> String {
    let mut out = errors
        .iter()
        .take(MAX_SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\nerror: ");
    if errors.len() > MAX_SHOWN {
        out.push_str(&format!(
            "\nand {} more errors ({} in all; the first {MAX_SHOWN} are shown)",
            errors.len() - MAX_SHOWN,
            errors.len()
        ));
    }
    out
}

fn located_path(path: Option<&FieldPath>, message: &str) -> String {
    match path.filter(|p| !p.0.is_empty()) {
        Some(p) => format!("{p}: {message}"),
        None => message.to_string(),
    }
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

/// Line and column of many offsets of one text, each found in logarithmic time.
pub(crate) struct Lines<'a> {
    source: &'a str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(source: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { source, starts }
    }

    /// 1-based line and column of a byte offset, as [`line_col`].
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.source[start..offset].chars().count() + 1)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_locate_offsets_as_line_col_does() {
        let text = "a = 1\nbé = 2\n\nc = [\n  3]\n";
        let lines = Lines::new(text);
        for offset in (0..=text.len() + 2).filter(|&o| o > text.len() || text.is_char_boundary(o)) {
            assert_eq!(lines.line_col(offset), line_col(text, offset), "{offset}");
        }
    }

    #[test]
    fn field_paths_parse_and_print_with_quoted_keys() {
        for text in [
            "services[1].zones[0]",
            "simulation.horizon",
            "expect.\"data_plane.rto.p95\"",
            "expect.\"a \\\"quoted\\\" [key]\"",
        ] {
            let p = FieldPath::parse(text);
            assert_eq!(p.to_string(), text);
        }
        assert_eq!(
            FieldPath::parse("expect.\"data_plane.rto.p95\"").0,
            vec![
                PathStep::Key("expect".into()),
                PathStep::Key("data_plane.rto.p95".into())
            ]
        );
        assert_eq!(
            FieldPath::parse("a[2].b").0,
            vec![PathStep::Key("a".into()), PathStep::Index(2), PathStep::Key("b".into())]
        );
    }
}
