//! Overrides: `--set path.to.field=v1,v2,...`, `--replications`, `--seed`, study points. Each is
//! written into the scenario's TOML before it is validated again, so an override is checked
//! exactly like the file itself (see [`Plan::with`](super::Plan::with)).

use super::error::{FieldPath, PathStep};
use crate::engine::SimDuration;
use crate::engine::duration::{format_duration, parse_duration};

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

/// The most values one `--set` (or a whole sweep grid) may have: a range is counted before its
/// values are made, so a typo such as `:step=0.0001` is refused at once.
pub const MAX_VALUES: usize = 10_000;

/// Parses `path=v1,v2,...`: each value is read as a TOML value (`0.5`, `true`, `[1, 2]`) and
/// otherwise taken as a string (`4h`, `exp(mean=10y)`). Commas inside brackets or parentheses do
/// not split (`weibull(shape=2, scale=100h)`). A value `LO..HI:step=S` or `LO..HI:count=N` is a
/// range (numbers or durations, see [`expand_range`]).
pub fn parse_set(arg: &str) -> Result<(String, Vec<toml::Value>), String> {
    // The first `=` outside an entry selector (`services[name=sql]`) ends the path.
    let mut depth = 0i32;
    let at = arg.char_indices().find_map(|(i, c)| {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '=' if depth == 0 => return Some(i),
            _ => {}
        }
        None
    });
    let Some((path, values)) = at.map(|i| (&arg[..i], &arg[i + 1..])) else {
        return Err(format!(
            "--set \"{arg}\": write path.to.field=v1,v2,... or path.to.field=LO..HI:step=S, \
             e.g. failures[0].time_to_failure=5y,10y or services[name=sql].backup.interval=5m..30m:step=5m"
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
        if is_range(raw) {
            let values =
                expand_range(raw, MAX_VALUES.saturating_sub(out.len())).map_err(|e| format!("--set \"{arg}\": {e}"))?;
            out.extend(values);
        } else {
            out.push(parse_value(raw));
        }
    }
    Ok((path.to_string(), out))
}

/// Whether a `--set` value is a range `LO..HI[:...]` rather than a value (a distribution such as
/// `uniform(1h, 2h)` never holds `..`).
fn is_range(raw: &str) -> bool {
    raw.contains("..") && !raw.contains('(') && !raw.starts_with(['[', '{', '"'])
}

/// A number or a duration: what a range, `solve --range` and a chart axis can hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// A whole number (stays whole).
    Integer(i64),
    /// A number.
    Float(f64),
    /// A duration.
    Duration(SimDuration),
}

impl Scalar {
    /// Reads `100`, `0.25` or `90m`.
    pub fn parse(text: &str) -> Option<Scalar> {
        let t = text.trim();
        if let Ok(n) = t.parse::<i64>() {
            return Some(Scalar::Integer(n));
        }
        if let Ok(x) = t.parse::<f64>() {
            return x.is_finite().then_some(Scalar::Float(x));
        }
        parse_duration(t).ok().map(Scalar::Duration)
    }

    /// As a number: seconds for a duration.
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Integer(n) => n as f64,
            Scalar::Float(x) => x,
            Scalar::Duration(d) => d.as_secs_f64(),
        }
    }

    /// The value written into a scenario: an integer, a float, or a duration string (`1h30m`).
    pub fn to_value(self) -> toml::Value {
        match self {
            Scalar::Integer(n) => toml::Value::Integer(n),
            Scalar::Float(x) => toml::Value::Float(x),
            Scalar::Duration(d) => toml::Value::String(format_duration(d)),
        }
    }

    /// A value of the same kind as `self` at `x` (seconds for a duration): integers round to the
    /// nearest whole number, durations to the millisecond, numbers to 12 significant digits (so
    /// `0.1 + 2·0.1` reads `0.3`).
    pub fn like(self, x: f64) -> Scalar {
        match self {
            Scalar::Integer(_) => Scalar::Integer(x.round() as i64),
            Scalar::Float(_) => Scalar::Float(tidy(x)),
            Scalar::Duration(_) => {
                Scalar::Duration(SimDuration::from_secs_f64(((x * 1000.0).round() / 1000.0).max(0.0)))
            }
        }
    }

    /// What kind of value it is, for messages.
    pub fn kind(self) -> &'static str {
        match self {
            Scalar::Integer(_) => "a whole number",
            Scalar::Float(_) => "a number",
            Scalar::Duration(_) => "a duration",
        }
    }
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&show(&self.to_value()))
    }
}

/// `x` to 12 significant digits.
fn tidy(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// Reads `LO..HI` (numbers, or durations, on both sides): integers stay integers unless either
/// end is a fraction; `LO` < `HI`.
pub fn parse_range(text: &str) -> Result<(Scalar, Scalar), String> {
    let Some((lo, hi)) = text.split_once("..") else {
        return Err(format!(
            "\"{text}\" is not a range; write LO..HI, e.g. 100..800 or 5m..2h"
        ));
    };
    let read = |t: &str| {
        Scalar::parse(t).ok_or_else(|| {
            format!(
                "\"{}\" in \"{text}\" is neither a number nor a duration (e.g. 100, 0.5, 90m)",
                t.trim()
            )
        })
    };
    let (lo, hi) = (read(lo)?, read(hi)?);
    let (lo, hi) = match (lo, hi) {
        (Scalar::Integer(_) | Scalar::Float(_), Scalar::Integer(_) | Scalar::Float(_))
            if matches!(lo, Scalar::Float(_)) || matches!(hi, Scalar::Float(_)) =>
        {
            (Scalar::Float(lo.as_f64()), Scalar::Float(hi.as_f64()))
        }
        (Scalar::Duration(_), Scalar::Duration(_)) | (Scalar::Integer(_), Scalar::Integer(_)) => (lo, hi),
        _ => {
            return Err(format!(
                "\"{text}\": both ends must be numbers or both durations (here {} and {})",
                lo.kind(),
                hi.kind()
            ));
        }
    };
    if lo.as_f64() >= hi.as_f64() {
        return Err(format!("\"{text}\": the low end must be below the high end"));
    }
    Ok((lo, hi))
}

/// The values of `LO..HI:step=S` (from LO up to HI, HI included when a step lands on it) or
/// `LO..HI:count=N` (N values evenly spaced from LO to HI, both included; whole numbers stay whole
/// and repeat only once). Fails when there would be more than `max` values, before making them.
pub fn expand_range(text: &str, max: usize) -> Result<Vec<toml::Value>, String> {
    let syntax = || {
        format!(
            "\"{text}\": write a range as LO..HI:step=S or LO..HI:count=N, e.g. 100..800:step=100 or 1h..6h:count=6"
        )
    };
    let (range, spacing) = text.split_once(':').ok_or_else(syntax)?;
    let (lo, hi) = parse_range(range)?;
    let (how, amount) = spacing.split_once('=').ok_or_else(syntax)?;
    let values: Vec<Scalar> = match how.trim() {
        "step" => {
            let step = Scalar::parse(amount).ok_or_else(syntax)?;
            let ok_kind = match lo {
                Scalar::Duration(_) => matches!(step, Scalar::Duration(_)),
                Scalar::Integer(_) => matches!(step, Scalar::Integer(_)),
                Scalar::Float(_) => !matches!(step, Scalar::Duration(_)),
            };
            if !ok_kind {
                return Err(format!(
                    "\"{text}\": the step must be {} like the range's ends",
                    lo.kind()
                ));
            }
            let s = step.as_f64();
            if s <= 0.0 {
                return Err(format!("\"{text}\": the step must be positive"));
            }
            let (a, b) = (lo.as_f64(), hi.as_f64());
            // A hair of slack so that 0.1..0.5:step=0.1 ends at 0.5 despite rounding.
            let n = ((b - a) / s * (1.0 + 1e-12)).floor() + 1.0;
            if n > max as f64 {
                return Err(format!("\"{text}\" has {n} values; at most {max} are allowed"));
            }
            (0..n as usize).map(|i| lo.like(a + i as f64 * s)).collect()
        }
        "count" => {
            let n: usize = amount.trim().parse().map_err(|_| syntax())?;
            if n < 2 {
                return Err(format!("\"{text}\": the count must be at least 2 (both ends)"));
            }
            if n > max {
                return Err(format!("\"{text}\" has {n} values; at most {max} are allowed"));
            }
            let (a, b) = (lo.as_f64(), hi.as_f64());
            let mut out: Vec<Scalar> = (0..n)
                .map(|i| lo.like(a + (b - a) * i as f64 / (n - 1) as f64))
                .collect();
            out.dedup();
            out
        }
        _ => return Err(syntax()),
    };
    Ok(values.into_iter().map(Scalar::to_value).collect())
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

/// Rewrites every entry selector `[KEY=VALUE]` of `path` (e.g. `services[name=sql]`) as the index
/// of the one entry of that array whose `KEY` is `VALUE` (quotes around `VALUE` optional), so that
/// `services[name=sql].backup.interval` reads `services[1].backup.interval`. Index selectors and
/// keys are kept as written.
pub fn resolve_selectors(table: &toml::Table, path: &str) -> Result<String, String> {
    if !path.contains('=') {
        return Ok(path.to_string());
    }
    let root = toml::Value::Table(table.clone());
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let inside = &rest[open + 1..close];
        if let Some((key, value)) = inside.split_once('=') {
            let (key, value) = (key.trim(), value.trim().trim_matches(|c| c == '"' || c == '\''));
            let array_path = out.clone();
            let array = walk(&root, &FieldPath::parse(&array_path).0)
                .and_then(toml::Value::as_array)
                .ok_or_else(|| format!("{array_path} is not an array of entries, so [{inside}] selects nothing"))?;
            let matching: Vec<usize> = (0..array.len())
                .filter(|&i| array[i].get(key).and_then(toml::Value::as_str) == Some(value))
                .collect();
            match matching.as_slice() {
                [i] => out.push_str(&format!("[{i}]")),
                [] => {
                    let known: Vec<String> = array
                        .iter()
                        .enumerate()
                        .map(|(i, e)| match e.get(key).and_then(toml::Value::as_str) {
                            Some(v) => format!("{v} ([{i}])"),
                            None => format!("[{i}] (no {key})"),
                        })
                        .collect();
                    return Err(format!(
                        "{array_path}[{inside}]: no entry of {array_path} has {key} = \"{value}\"; its entries are: {}",
                        known.join(", ")
                    ));
                }
                several => {
                    let at: Vec<String> = several.iter().map(|i| format!("[{i}]")).collect();
                    return Err(format!(
                        "{array_path}[{inside}]: several entries have {key} = \"{value}\" ({}); select one by index",
                        at.join(", ")
                    ));
                }
            }
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The node at `steps` below the root table `t`.
pub(super) fn walk_table<'a>(t: &'a toml::Table, steps: &[PathStep]) -> Option<&'a toml::Value> {
    let (PathStep::Key(first), rest) = steps.split_first()? else {
        return None;
    };
    walk(t.get(first.as_str())?, rest)
}

/// The node at `steps` below `node`.
fn walk<'a>(node: &'a toml::Value, steps: &[PathStep]) -> Option<&'a toml::Value> {
    steps.iter().try_fold(node, |n, s| match s {
        PathStep::Key(k) => n.get(k.as_str()),
        PathStep::Index(i) => n.get(*i),
    })
}

/// Writes `value` at `path` (`a.b[2].c`, entry selectors resolved first); a missing table on the
/// way is created (the schema then says whether it may exist: `[targets]` may, `[nosuch]` may
/// not), a missing array entry is an error.
pub(super) fn set(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let path = resolve_selectors(table, path)?;
    let steps = FieldPath::parse(&path).0;
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
            if !table.contains_key(k.as_str()) {
                match rest[0] {
                    PathStep::Key(_) => {
                        table.insert(k.clone(), toml::Value::Table(toml::Table::new()));
                    }
                    PathStep::Index(_) => return Err(format!("the scenario has no {here}")),
                }
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
        let e = set(&mut t, "nosuch[0].field", toml::Value::Integer(1)).unwrap_err();
        assert!(e.contains("no nosuch"), "{e}");
        // A missing table is created (the schema judges it afterwards).
        set(&mut t, "nosuch.field", toml::Value::Integer(1)).unwrap();
        assert_eq!(t["nosuch"]["field"].as_integer(), Some(1));
    }

    #[test]
    fn entries_are_selected_by_name() {
        let mut t: toml::Table = super::super::DEFAULT_SCENARIO.parse().unwrap();
        let names: Vec<&str> = t["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        let sql = names.iter().position(|n| *n == "sql").unwrap();
        assert_eq!(
            resolve_selectors(&t, "services[name=sql].backup.interval").unwrap(),
            format!("services[{sql}].backup.interval")
        );
        assert_eq!(
            resolve_selectors(&t, "services[name=\"sql\"].backup").unwrap(),
            format!("services[{sql}].backup")
        );
        assert_eq!(
            resolve_selectors(&t, "services[2].backup").unwrap(),
            "services[2].backup"
        );
        set(&mut t, "services[name=sql].instances_per_zone", toml::Value::Integer(7)).unwrap();
        assert_eq!(t["services"][sql]["instances_per_zone"].as_integer(), Some(7));
        let e = resolve_selectors(&t, "services[name=sqll].backup").unwrap_err();
        assert!(
            e.contains("no entry of services has name = \"sqll\"") && e.contains("sql ("),
            "{e}"
        );
        let e = resolve_selectors(&t, "deployment[name=x].a").unwrap_err();
        assert!(e.contains("not an array"), "{e}");
    }

    #[test]
    fn ranges_expand_by_step_or_count_and_keep_their_kind() {
        let v = |t: &str| {
            expand_range(t, MAX_VALUES)
                .unwrap()
                .iter()
                .map(show)
                .collect::<Vec<_>>()
        };
        assert_eq!(v("100..400:step=100"), ["100", "200", "300", "400"]);
        assert_eq!(v("100..450:step=100"), ["100", "200", "300", "400"]);
        assert_eq!(v("0.1..0.5:step=0.1"), ["0.1", "0.2", "0.3", "0.4", "0.5"]);
        assert_eq!(v("1h..3h:step=30m"), ["1h", "1h30m", "2h", "2h30m", "3h"]);
        assert_eq!(v("1..3:count=5"), ["1", "2", "3"]);
        assert_eq!(v("0..1:count=3"), ["0", "1"]);
        assert_eq!(v("0.0..1:count=3"), ["0.0", "0.5", "1.0"]);
        assert_eq!(v("1h..6h:step=1h").len(), 6);
        for bad in [
            "1..3",
            "1..3:step=0",
            "1..3:step=0.5",
            "3..1:step=1",
            "1h..2:step=1",
            "1..2:count=1",
            "1..2:by=1",
        ] {
            assert!(expand_range(bad, MAX_VALUES).is_err(), "{bad}");
        }
        let e = expand_range("0..1e9:step=1", MAX_VALUES).unwrap_err();
        assert!(e.contains("at most 10000"), "{e}");
        let (path, values) = parse_set("services[name=sql].backup.interval=5m..15m:step=5m").unwrap();
        assert_eq!(path, "services[name=sql].backup.interval");
        assert_eq!(values.iter().map(show).collect::<Vec<_>>(), ["5m", "10m", "15m"]);
        let (path, values) = parse_set("recovery.database.size_gb=50,100..300:step=100").unwrap();
        assert_eq!(path, "recovery.database.size_gb");
        assert_eq!(values.iter().map(show).collect::<Vec<_>>(), ["50", "100", "200", "300"]);
    }
}
