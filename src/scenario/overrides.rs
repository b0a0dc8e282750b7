//! Overrides: `--set path.to.field=v1,v2,...`, `--replications`, `--seed`, study points. Each is
//! written into the scenario's TOML before it is validated again, so an override is checked
//! exactly like the file itself (see [`Plan::with`](super::Plan::with)).

use super::error::{FieldPath, PathStep};

/// One change to a scenario's source, and how the user asked for it (named in errors).
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// Field path in the scenario file, e.g. `recovery.database.size_gb`.
    pub path: String,
    /// The value written there.
    pub value: toml::Value,
    /// How it was asked for, e.g. `--replications 0` or `--set a.b=1`.
    pub option: String,
}

impl Override {
    /// `path = value`, as given by `--set` (or a study point).
    pub fn set(path: impl Into<String>, value: toml::Value) -> Override {
        let path = path.into();
        let option = format!("--set {path}={}", show(&value));
        Override { path, value, option }
    }

    /// A value with the command-line option that asked for it.
    fn option(path: &str, value: toml::Value, option: String) -> Override {
        Override {
            path: path.into(),
            value,
            option,
        }
    }

    /// `--replications N`.
    pub fn replications(n: u64) -> Override {
        Self::option("simulation.replications", integer(n), format!("--replications {n}"))
    }

    /// `--seed N`.
    pub fn seed(seed: u64) -> Override {
        // Seeds beyond TOML's integers are written as strings (see the schema).
        let value = i64::try_from(seed).map_or_else(|_| toml::Value::String(seed.to_string()), toml::Value::Integer);
        Self::option("simulation.seed", value, format!("--seed {seed}"))
    }

    /// `--no-replication-rows` / `--summary-only`: no `replications.csv`.
    pub fn no_replication_rows() -> Override {
        Self::option(
            "simulation.replication_rows",
            toml::Value::Boolean(false),
            "--no-replication-rows".into(),
        )
    }

    /// `--importance-sampling F`.
    pub fn importance_sampling(factor: f64) -> Override {
        // The whole (one-field) table, so that it exists even when the file has none.
        let mut table = toml::Table::new();
        table.insert("region_disaster_rate_factor".into(), toml::Value::Float(factor));
        Self::option(
            "importance_sampling",
            toml::Value::Table(table),
            format!("--importance-sampling {factor}"),
        )
    }
}

/// A count as a TOML value; counts beyond `i64` (which validation rejects anyway) saturate.
fn integer(n: u64) -> toml::Value {
    toml::Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
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
pub(super) fn set(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
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
        let mut t: toml::Table = super::super::DEFAULT_SCENARIO.parse().unwrap();
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
}
