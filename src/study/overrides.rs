//! `--set path.to.field=v1,v2,...`: values written into the scenario's TOML before it is
//! validated, so an override is checked exactly like the file itself.

use crate::model::Scenario;
use crate::scenario::{self, FieldPath, PathStep, ScenarioError};
use std::path::{Path, PathBuf};

/// A scenario's text and where it came from.
#[derive(Clone, Debug)]
pub struct Source {
    /// The TOML text.
    pub text: String,
    /// File name for messages.
    pub origin: PathBuf,
}

impl Source {
    /// Reads a scenario file, or the embedded default.
    pub fn load(file: Option<&Path>) -> Result<Source, ScenarioError> {
        match file {
            Some(path) => Ok(Source {
                text: std::fs::read_to_string(path).map_err(|e| ScenarioError::Read {
                    file: path.to_path_buf(),
                    reason: e.to_string(),
                })?,
                origin: path.to_path_buf(),
            }),
            None => Ok(Source {
                text: scenario::DEFAULT_SCENARIO.to_string(),
                origin: PathBuf::from(scenario::DEFAULT_ORIGIN),
            }),
        }
    }

    /// The scenario as written (validated).
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        scenario::from_source(&self.text, &self.origin)
    }

    /// The parsed TOML document.
    pub fn table(&self) -> Result<toml::Table, ScenarioError> {
        self.text.parse::<toml::Table>().map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| scenario::line_col(&self.text, s.start));
            ScenarioError::Invalid {
                file: self.origin.clone(),
                line,
                column,
                path: None,
                message: e.message().trim().to_string(),
            }
        })
    }

    /// The scenario with `assignments` applied, validated; an error names the assignments.
    pub fn with(&self, assignments: &[(String, toml::Value)]) -> Result<Scenario, String> {
        let mut table = self.table().map_err(|e| e.to_string())?;
        for (path, value) in assignments {
            set(&mut table, path, value.clone()).map_err(|e| format!("--set {path}={}: {e}", show(value)))?;
        }
        let text = toml::to_string(&table).map_err(|e| e.to_string())?;
        scenario::from_source(&text, &self.origin).map_err(|e| {
            let what: Vec<String> = assignments.iter().map(|(p, v)| format!("{p}={}", show(v))).collect();
            match e {
                ScenarioError::Invalid { path, message, .. } => format!(
                    "{} with {}: {}{message}",
                    self.origin.display(),
                    what.join(", "),
                    path.map_or(String::new(), |p| format!("{p}: "))
                ),
                other => other.to_string(),
            }
        })
    }
}

/// A value as the user would write it after `=`.
pub fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses `path=v1,v2,...`: each value is read as a TOML value (`0.5`, `true`, `[1, 2]`) and
/// otherwise taken as a string (`4h`, `exp(mean=10y)`). Commas inside brackets or parentheses do
/// not split (`weibull(shape=2, scale=100h)`).
pub fn parse_set(arg: &str) -> Result<(String, Vec<toml::Value>), String> {
    let Some((path, values)) = arg.split_once('=') else {
        return Err(format!(
            "--set \"{arg}\": write path.to.field=v1,v2,... e.g. failures[0].time_to_failure=5y,10y"
        ));
    };
    let path = path.trim();
    if path.is_empty() || FieldPath::parse(path).0.is_empty() {
        return Err(format!("--set \"{arg}\": the field path is empty"));
    }
    let mut out = Vec::new();
    for raw in split_top_level(values) {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(format!("--set \"{arg}\": an empty value in the list"));
        }
        out.push(parse_value(raw));
    }
    Ok((path.to_string(), out))
}

fn parse_value(raw: &str) -> toml::Value {
    format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.trim_matches('"').to_string()))
}

fn split_top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if depth == 0 && !quoted => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// Writes `value` at `path` (`a.b[2].c`); the tables on the way must exist, except the last key,
/// which may be new (an optional field).
pub fn set(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let steps = FieldPath::parse(path).0;
    let mut root = toml::Value::Table(std::mem::take(table));
    let result = set_in(&mut root, &steps, value, "");
    if let toml::Value::Table(t) = root {
        *table = t;
    }
    result
}

fn set_in(node: &mut toml::Value, steps: &[PathStep], value: toml::Value, walked: &str) -> Result<(), String> {
    let (first, rest) = steps.split_first().ok_or("the field path is empty")?;
    let not_table = || format!("{walked} is not a table");
    match first {
        PathStep::Key(k) => {
            let here = if walked.is_empty() {
                k.clone()
            } else {
                format!("{walked}.{k}")
            };
            let table = node.as_table_mut().ok_or_else(not_table)?;
            if rest.is_empty() {
                table.insert(k.clone(), value);
                return Ok(());
            }
            let child = table.get_mut(k).ok_or_else(|| format!("the scenario has no {here}"))?;
            set_in(child, rest, value, &here)
        }
        PathStep::Index(i) => {
            let here = format!("{walked}[{i}]");
            let array = node.as_array_mut().ok_or_else(|| format!("{walked} is not an array"))?;
            let len = array.len();
            let child = array
                .get_mut(*i)
                .ok_or_else(|| format!("{here}: index out of range ({walked} has {len} elements)"))?;
            if rest.is_empty() {
                *child = value;
                return Ok(());
            }
            set_in(child, rest, value, &here)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_at_top_level_commas_only() {
        let (path, values) =
            parse_set("failures[0].time_to_failure=exp(mean=5y), weibull(shape=2, scale=1y),0.5").unwrap();
        assert_eq!(path, "failures[0].time_to_failure");
        assert_eq!(
            values,
            vec![
                toml::Value::String("exp(mean=5y)".into()),
                toml::Value::String("weibull(shape=2, scale=1y)".into()),
                toml::Value::Float(0.5),
            ]
        );
        assert!(parse_set("no-equals").is_err());
        assert!(parse_set("a=1,,2").is_err());
    }

    #[test]
    fn set_walks_tables_and_arrays_and_names_what_is_missing() {
        let src = Source::load(None).unwrap();
        let mut t = src.table().unwrap();
        set(
            &mut t,
            "failures[1].time_to_failure",
            toml::Value::String("exp(mean=3y)".into()),
        )
        .unwrap();
        assert_eq!(t["failures"][1]["time_to_failure"].as_str(), Some("exp(mean=3y)"));
        let e = set(&mut t, "failures[99].name", toml::Value::Integer(1)).unwrap_err();
        assert!(e.contains("index out of range"), "{e}");
        let e = set(&mut t, "nosuch.field", toml::Value::Integer(1)).unwrap_err();
        assert!(e.contains("no nosuch"), "{e}");
    }

    #[test]
    fn an_invalid_override_is_reported_with_its_field() {
        let src = Source::load(None).unwrap();
        let e = src
            .with(&[("simulation.replications".into(), toml::Value::Integer(0))])
            .unwrap_err();
        assert!(
            e.contains("simulation.replications=0") && e.contains("replications"),
            "{e}"
        );
        let ok = src
            .with(&[("simulation.replications".into(), toml::Value::Integer(7))])
            .unwrap();
        assert_eq!(ok.replications, 7);
    }
}
